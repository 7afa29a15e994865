//! 小慢 liaison contacts and the records of provision (第三者提供の記録) they leave.

use crate::DieselStore;
use crate::audit::{append_event, change_stamp};
use crate::consents::consent;
use crate::db::DbConn;
use crate::error::{R, StoreError, missing_or_stale, not_found};
use crate::paging::cursor_date;
use crate::rows::{choice, convert, naive, opt_uuid, utc, uuid};
use crate::schema::{liaison_contacts, liaison_provisions, support_plan_actions};
use crate::support_plans::ActionRow;
use chrono::{DateTime, NaiveDate, NaiveDateTime, Utc};
use diesel::prelude::*;
use tsunagu_domain::DomainError;
use tsunagu_domain::audit::AuditDraft;
use tsunagu_domain::data_keys::DataKeys;
use tsunagu_domain::page::{Page, PageRequest};
use tsunagu_domain::ports::{LiaisonStore, StoreResult};
use tsunagu_domain::shoman::{LiaisonContact, LiaisonFilter, LiaisonProvision, PlanAction};
use tsunagu_domain::values::{BodyKind, LiaisonChannel};
use uuid::Uuid;

#[derive(Queryable, Selectable, Insertable)]
#[diesel(table_name = liaison_contacts)]
struct ContactRow {
    id: String,
    center_id: String,
    patient_id: String,
    plan_id: Option<String>,
    action_id: Option<String>,
    body_kind: String,
    body_name: String,
    contact_person: Option<String>,
    channel: String,
    contacted_on: NaiveDate,
    summary: String,
    shared_data: bool,
    next_on: Option<NaiveDate>,
    created_by: String,
    version: i32,
    created_at: NaiveDateTime,
    updated_at: NaiveDateTime,
}

impl ContactRow {
    fn from_entity(c: &LiaisonContact) -> Self {
        Self {
            id: c.id.to_string(),
            center_id: c.center_id.to_string(),
            patient_id: c.patient_id.to_string(),
            plan_id: c.plan_id.map(|x| x.to_string()),
            action_id: c.action_id.map(|x| x.to_string()),
            body_kind: c.body_kind.as_str().to_owned(),
            body_name: c.body_name.clone(),
            contact_person: c.contact_person.clone(),
            channel: c.channel.as_str().to_owned(),
            contacted_on: c.contacted_on,
            summary: c.summary.clone(),
            shared_data: c.shared_data,
            next_on: c.next_on,
            created_by: c.created_by.to_string(),
            version: c.version,
            created_at: naive(c.created_at),
            updated_at: naive(c.updated_at),
        }
    }

    fn into_entity(
        self,
        provision: Option<LiaisonProvision>,
    ) -> Result<LiaisonContact, DomainError> {
        Ok(LiaisonContact {
            id: uuid("liaison_contacts.id", &self.id)?,
            center_id: uuid("liaison_contacts.center_id", &self.center_id)?,
            patient_id: uuid("liaison_contacts.patient_id", &self.patient_id)?,
            plan_id: opt_uuid("liaison_contacts.plan_id", self.plan_id.as_deref())?,
            action_id: opt_uuid("liaison_contacts.action_id", self.action_id.as_deref())?,
            body_kind: choice(
                "liaison_contacts.body_kind",
                BodyKind::from_db(&self.body_kind),
            )?,
            body_name: self.body_name,
            contact_person: self.contact_person,
            channel: choice(
                "liaison_contacts.channel",
                LiaisonChannel::from_db(&self.channel),
            )?,
            contacted_on: self.contacted_on,
            summary: self.summary,
            shared_data: self.shared_data,
            next_on: self.next_on,
            provision,
            created_by: uuid("liaison_contacts.created_by", &self.created_by)?,
            version: self.version,
            created_at: utc(self.created_at),
            updated_at: utc(self.updated_at),
        })
    }
}

#[derive(Queryable, Selectable, Insertable)]
#[diesel(table_name = liaison_provisions)]
struct ProvisionRow {
    id: String,
    center_id: String,
    patient_id: String,
    contact_id: String,
    body_kind: String,
    body_name: String,
    consent_id: String,
    provided_on: NaiveDate,
    recorded_by: String,
    created_at: NaiveDateTime,
}

impl ProvisionRow {
    fn from_entity(p: &LiaisonProvision) -> Self {
        Self {
            id: p.id.to_string(),
            center_id: p.center_id.to_string(),
            patient_id: p.patient_id.to_string(),
            contact_id: p.contact_id.to_string(),
            body_kind: p.body_kind.as_str().to_owned(),
            body_name: p.body_name.clone(),
            consent_id: p.consent_id.to_string(),
            provided_on: p.provided_on,
            recorded_by: p.recorded_by.to_string(),
            created_at: naive(p.created_at),
        }
    }

    fn into_entity(self) -> Result<LiaisonProvision, DomainError> {
        Ok(LiaisonProvision {
            id: uuid("liaison_provisions.id", &self.id)?,
            center_id: uuid("liaison_provisions.center_id", &self.center_id)?,
            patient_id: uuid("liaison_provisions.patient_id", &self.patient_id)?,
            contact_id: uuid("liaison_provisions.contact_id", &self.contact_id)?,
            body_kind: choice(
                "liaison_provisions.body_kind",
                BodyKind::from_db(&self.body_kind),
            )?,
            body_name: self.body_name,
            consent_id: uuid("liaison_provisions.consent_id", &self.consent_id)?,
            provided_on: self.provided_on,
            recorded_by: uuid("liaison_provisions.recorded_by", &self.recorded_by)?,
            created_at: utc(self.created_at),
        })
    }
}

/// The contacts of the rows with their records of provision (one query for the page).
fn with_provisions(conn: &mut DbConn, rows: Vec<ContactRow>) -> R<Vec<LiaisonContact>> {
    let ids: Vec<&String> = rows.iter().map(|r| &r.id).collect();
    let provisions: Vec<ProvisionRow> = if ids.is_empty() {
        Vec::new()
    } else {
        liaison_provisions::table
            .filter(liaison_provisions::contact_id.eq_any(ids))
            .select(ProvisionRow::as_select())
            .load(conn)?
    };
    let mut provisions = convert(provisions, ProvisionRow::into_entity)?;
    rows.into_iter()
        .map(|r| {
            let mine = provisions
                .iter()
                .position(|p| p.contact_id.to_string() == r.id)
                .map(|i| provisions.swap_remove(i));
            r.into_entity(mine).map_err(StoreError::from)
        })
        .collect()
}

fn contact(conn: &mut DbConn, center: Uuid, id: Uuid) -> R<Option<LiaisonContact>> {
    let row: Option<ContactRow> = liaison_contacts::table
        .filter(liaison_contacts::id.eq(id.to_string()))
        .filter(liaison_contacts::center_id.eq(center.to_string()))
        .select(ContactRow::as_select())
        .first(conn)
        .optional()?;
    Ok(with_provisions(conn, row.into_iter().collect())?.pop())
}

/// Writes the record of provision after re-checking, inside the transaction, that its
/// consent still covers it: a withdrawal committed since the domain checked must still stop
/// the data passing.
fn provide(
    conn: &mut DbConn,
    keys: &DataKeys,
    p: &LiaisonProvision,
    audit: Option<&AuditDraft>,
) -> R<()> {
    let allowed = consent(conn, p.center_id, p.consent_id)?
        .is_some_and(|c| c.in_force_on(p.provided_on) && c.scope.covers_body(p.body_kind));
    if !allowed {
        return Err(StoreError::Domain(DomainError::rule(
            "consent_required",
            "the child's consent was withdrawn; the data cannot be passed on",
        )));
    }
    diesel::insert_into(liaison_provisions::table)
        .values(ProvisionRow::from_entity(p))
        .execute(conn)?;
    if let Some(a) = audit {
        append_event(conn, keys, a)?;
    }
    Ok(())
}

impl LiaisonStore for DieselStore {
    #[tracing::instrument(level = "debug", skip_all, fields(center = %c.center_id, id = %c.id))]
    fn insert_liaison_contact(
        &self,
        c: &LiaisonContact,
        provision: Option<&LiaisonProvision>,
        audit: &AuditDraft,
        provision_audit: Option<&AuditDraft>,
    ) -> StoreResult<DateTime<Utc>> {
        self.write(|conn| {
            let stamp = change_stamp(conn, c.center_id, c.updated_at)?;
            let mut row = ContactRow::from_entity(c);
            row.updated_at = stamp;
            diesel::insert_into(liaison_contacts::table)
                .values(row)
                .execute(conn)?;
            append_event(conn, &self.keys, audit)?;
            if let Some(p) = provision {
                provide(conn, &self.keys, p, provision_audit)?;
            }
            Ok(utc(stamp))
        })
    }

    #[tracing::instrument(level = "debug", skip_all, fields(%center, %id))]
    fn liaison_contact(&self, center: Uuid, id: Uuid) -> StoreResult<Option<LiaisonContact>> {
        self.read(|conn| contact(conn, center, id))
    }

    #[tracing::instrument(level = "debug", skip_all, fields(%center))]
    fn liaison_contacts(
        &self,
        center: Uuid,
        f: &LiaisonFilter,
        req: PageRequest,
    ) -> StoreResult<Page<LiaisonContact>> {
        self.read(|conn| {
            use liaison_contacts::dsl as l;
            let mut q = l::liaison_contacts
                .filter(l::center_id.eq(center.to_string()))
                .order((l::contacted_on.desc(), l::id.desc()))
                .limit(req.limit + 1)
                .select(ContactRow::as_select())
                .into_boxed();
            if let Some(p) = f.patient_id {
                q = q.filter(l::patient_id.eq(p.to_string()));
            }
            if let Some(p) = f.plan_id {
                q = q.filter(l::plan_id.eq(p.to_string()));
            }
            if let Some(a) = f.action_id {
                q = q.filter(l::action_id.eq(a.to_string()));
            }
            if let Some((d, id)) = cursor_date(&req)? {
                q = q.filter(
                    l::contacted_on
                        .lt(d)
                        .or(l::contacted_on.eq(d).and(l::id.lt(id))),
                );
            }
            let rows: Vec<ContactRow> = q.load(conn)?;
            let items = with_provisions(conn, rows)?;
            Ok(Page::from_rows_keyed(items, &req, |c| {
                (c.contacted_on.to_string(), c.id)
            }))
        })
    }

    #[tracing::instrument(level = "debug", skip_all, fields(center = %c.center_id, id = %c.id))]
    fn save_liaison_contact(
        &self,
        c: &LiaisonContact,
        expected_version: i32,
        provision: Option<&LiaisonProvision>,
        audit: &AuditDraft,
        provision_audit: Option<&AuditDraft>,
    ) -> StoreResult<LiaisonContact> {
        self.write(|conn| {
            let stamp = change_stamp(conn, c.center_id, c.updated_at)?;
            let row = ContactRow::from_entity(c);
            let n = diesel::update(
                liaison_contacts::table
                    .filter(liaison_contacts::id.eq(&row.id))
                    .filter(liaison_contacts::center_id.eq(&row.center_id))
                    .filter(liaison_contacts::version.eq(expected_version)),
            )
            .set((
                liaison_contacts::plan_id.eq(&row.plan_id),
                liaison_contacts::action_id.eq(&row.action_id),
                liaison_contacts::body_kind.eq(&row.body_kind),
                liaison_contacts::body_name.eq(&row.body_name),
                liaison_contacts::contact_person.eq(&row.contact_person),
                liaison_contacts::channel.eq(&row.channel),
                liaison_contacts::contacted_on.eq(row.contacted_on),
                liaison_contacts::summary.eq(&row.summary),
                liaison_contacts::shared_data.eq(row.shared_data),
                liaison_contacts::next_on.eq(row.next_on),
                liaison_contacts::version.eq(expected_version + 1),
                liaison_contacts::updated_at.eq(stamp),
            ))
            .execute(conn)?;
            if n == 0 {
                return Err(missing_or_stale(
                    contact(conn, c.center_id, c.id)?.is_some(),
                ));
            }
            append_event(conn, &self.keys, audit)?;
            if let Some(p) = provision {
                provide(conn, &self.keys, p, provision_audit)?;
            }
            contact(conn, c.center_id, c.id)?.ok_or_else(not_found)
        })
    }

    #[tracing::instrument(level = "debug", skip_all, fields(%center, %id))]
    fn plan_action_by_id(&self, center: Uuid, id: Uuid) -> StoreResult<Option<PlanAction>> {
        self.read(|conn| {
            let row: Option<ActionRow> = support_plan_actions::table
                .filter(support_plan_actions::id.eq(id.to_string()))
                .filter(support_plan_actions::center_id.eq(center.to_string()))
                .select(ActionRow::as_select())
                .first(conn)
                .optional()?;
            Ok(row.map(ActionRow::into_entity).transpose()?)
        })
    }
}
