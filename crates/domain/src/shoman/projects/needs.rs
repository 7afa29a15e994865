//! The needs register (ニーズ): what the center sees and no one meets, coded by kind so the
//! figures can count them, named to a patient or anonymous, and followed to `met` or
//! `dropped`.

use super::ShomanProjects;
use super::model::Need;
use super::rules;
use crate::app::{Ctx, NOTES_MAX, changed_fields};
use crate::error::{DomainError, FieldError, Validator};
use crate::events::Action;
use crate::if_match::IfMatch;
use crate::page::{Page, PageRequest};
use crate::ports::NeedFilter;
use crate::values::{self, NeedKind, NeedStatus};
use uuid::Uuid;

#[derive(Debug, Clone, Default)]
pub struct NeedInput {
    pub kind: String,
    pub description: String,
    pub noted_on: String,
    pub patient_id: Option<Uuid>,
    /// `open` unless given.
    pub status: Option<String>,
    pub met_on: Option<String>,
}

/// Changes to a need; absent fields stay, `Some(None)` clears.
#[derive(Debug, Clone, Default)]
pub struct NeedUpdate {
    pub kind: Option<String>,
    pub description: Option<String>,
    pub noted_on: Option<String>,
    pub patient_id: Option<Option<Uuid>>,
    pub status: Option<String>,
    pub met_on: Option<Option<String>>,
}

#[derive(Debug, Clone, Default)]
pub struct NeedQuery {
    pub kind: Option<String>,
    pub status: Option<String>,
    pub patient_id: Option<Uuid>,
}

impl ShomanProjects<'_> {
    /// Notes a need.
    #[tracing::instrument(name = "shoman_projects.create_need", skip_all, fields(center_id = ?ctx.actor.center_id))]
    pub fn create_need(&self, ctx: &Ctx, input: NeedInput) -> Result<Need, DomainError> {
        self.guard(ctx, Action::NeedCreate, None, || {
            let center = self.shoman_center(ctx, true)?;
            let mut v = Validator::new();
            let kind = v.check(NeedKind::parse("kind", &input.kind));
            let description = v.check(
                values::text("description", &input.description, 1, NOTES_MAX)
                    .and_then(|_| {
                        values::optional_prose("description", Some(&input.description), NOTES_MAX)
                    })
                    .map(Option::unwrap_or_default),
            );
            let noted_on = v.check(values::date("noted_on", &input.noted_on));
            let status = match input.status.as_deref().filter(|s| !s.is_empty()) {
                None => Some(NeedStatus::Open),
                Some(s) => v.check(NeedStatus::parse("status", s)),
            };
            let met_on = match input
                .met_on
                .as_deref()
                .map(str::trim)
                .filter(|s| !s.is_empty())
            {
                None => Some(None),
                Some(d) => v.check(values::date("met_on", d)).map(Some),
            };
            self.check_need_patient(&mut v, center, input.patient_id)?;
            let met_on = match (status, met_on, noted_on) {
                (Some(s), Some(m), Some(n)) => v.check(rules::need_met_on(s, m, n, self.today())),
                _ => None,
            };
            v.finish()?;
            let (Some(kind), Some(description), Some(noted_on), Some(status), Some(met_on)) =
                (kind, description, noted_on, status, met_on)
            else {
                return Err(DomainError::Internal(
                    "validator passed with missing values".into(),
                ));
            };
            let now = self.clock.now();
            let n = Need {
                id: Uuid::now_v7(),
                center_id: center,
                kind,
                description,
                noted_on,
                patient_id: input.patient_id,
                status,
                met_on,
                created_by: ctx.actor.user_id,
                version: 1,
                created_at: now,
                updated_at: now,
            };
            let mut ev = self
                .ev(ctx, Action::NeedCreate)
                .resource(n.id)
                .detail(format!(
                    "kind={}; status={}",
                    kind.as_str(),
                    status.as_str()
                ));
            if let Some(p) = n.patient_id {
                ev = ev.patient(p);
            }
            self.store.insert_need(&n, &ev)
        })
    }

    /// Reads a need (an access event naming its patient, if any).
    #[tracing::instrument(name = "shoman_projects.need", skip_all, fields(center_id = ?ctx.actor.center_id, %id))]
    pub fn need(&self, ctx: &Ctx, id: Uuid) -> Result<Need, DomainError> {
        self.guard(ctx, Action::NeedRead, Some(id), || {
            let center = self.shoman_center(ctx, false)?;
            let n = self.store.need(center, id)?.ok_or(DomainError::NotFound)?;
            self.log_named_read(ctx, Action::NeedRead, id, n.patient_id, "")?;
            Ok(n)
        })
    }

    /// The center's needs in creation order, by `kind`, `status` and `patient_id`: an access
    /// event naming each patient on the page.
    #[tracing::instrument(name = "shoman_projects.needs", skip_all, fields(center_id = ?ctx.actor.center_id))]
    pub fn needs(
        &self,
        ctx: &Ctx,
        q: NeedQuery,
        page: PageRequest,
    ) -> Result<Page<Need>, DomainError> {
        self.guard(ctx, Action::NeedList, None, || {
            let center = self.shoman_center(ctx, false)?;
            let mut v = Validator::new();
            let kind = q
                .kind
                .as_deref()
                .filter(|s| !s.is_empty())
                .and_then(|k| v.check(NeedKind::parse("kind", k)));
            let status = q
                .status
                .as_deref()
                .filter(|s| !s.is_empty())
                .and_then(|s| v.check(NeedStatus::parse("status", s)));
            v.finish()?;
            let filter = NeedFilter {
                kind,
                status,
                patient_id: q.patient_id,
            };
            let found = self.store.needs(center, &filter, page)?;
            let query: Vec<String> = [
                ("kind", kind.map(|k| k.as_str().to_owned())),
                ("status", status.map(|s| s.as_str().to_owned())),
                ("patient_id", q.patient_id.map(|p| p.to_string())),
            ]
            .into_iter()
            .filter_map(|(k, v)| v.map(|v| format!("{k}={v}")))
            .collect();
            let detail = format!("{}; count={}", query.join("; "), found.items.len());
            let named = found.items.iter().filter_map(|n| n.patient_id);
            let named: Vec<Uuid> = named.chain(q.patient_id).collect();
            let base = self.ev(ctx, Action::NeedList).detail(detail);
            if named.is_empty() {
                self.log_access(base)?;
            } else {
                let distinct: std::collections::BTreeSet<Uuid> = named.into_iter().collect();
                for p in distinct {
                    self.log_access(super::naming(&base, p))?;
                }
            }
            Ok(found)
        })
    }

    /// Changes a need or follows it up (`met` on a day, or `dropped`).
    #[tracing::instrument(name = "shoman_projects.update_need", skip_all, fields(center_id = ?ctx.actor.center_id, %id))]
    pub fn update_need(
        &self,
        ctx: &Ctx,
        id: Uuid,
        if_match: IfMatch,
        input: NeedUpdate,
    ) -> Result<Need, DomainError> {
        self.guard(ctx, Action::NeedUpdate, Some(id), || {
            let center = self.shoman_center(ctx, true)?;
            let current = self.store.need(center, id)?.ok_or(DomainError::NotFound)?;
            let expected_version = if_match.against(current.version)?;
            let mut n = current.clone();
            let mut v = Validator::new();
            if let Some(k) = input
                .kind
                .as_deref()
                .and_then(|k| v.check(NeedKind::parse("kind", k)))
            {
                n.kind = k;
            }
            if let Some(d) = input.description.as_deref().and_then(|d| {
                v.check(values::text("description", d, 1, NOTES_MAX).and_then(|_| {
                    values::optional_prose("description", Some(d), NOTES_MAX)
                        .map(Option::unwrap_or_default)
                }))
            }) {
                n.description = d;
            }
            if let Some(d) = input
                .noted_on
                .as_deref()
                .and_then(|d| v.check(values::date("noted_on", d)))
            {
                n.noted_on = d;
            }
            if let Some(p) = input.patient_id {
                self.check_need_patient(&mut v, center, p)?;
                n.patient_id = p;
            }
            let status_given = input.status.is_some();
            if let Some(s) = input
                .status
                .as_deref()
                .and_then(|s| v.check(NeedStatus::parse("status", s)))
            {
                n.status = s;
            }
            // The met day follows the status unless it is given: leaving `met` clears it.
            let met_on = match &input.met_on {
                Some(None) => Some(None),
                Some(Some(d)) => v.check(values::date("met_on", d)).map(Some),
                None if status_given => Some(None),
                None => Some(n.met_on),
            };
            if let Some(m) = met_on
                && let Some(m) = v.check(rules::need_met_on(n.status, m, n.noted_on, self.today()))
            {
                n.met_on = m;
            }
            v.finish()?;
            n.updated_at = self.clock.now();
            let mut ev = self
                .ev(ctx, Action::NeedUpdate)
                .resource(id)
                .detail(changed_fields(&[
                    ("kind", n.kind != current.kind),
                    ("description", n.description != current.description),
                    ("noted_on", n.noted_on != current.noted_on),
                    ("patient_id", n.patient_id != current.patient_id),
                    ("status", n.status != current.status),
                    ("met_on", n.met_on != current.met_on),
                ]));
            // The trail names the patient the need is about now, or was about before.
            if let Some(p) = n.patient_id.or(current.patient_id) {
                ev = ev.patient(p);
            }
            self.store.save_need(&n, expected_version, &ev)
        })
    }

    /// A need's patient is a patient of the center.
    fn check_need_patient(
        &self,
        v: &mut Validator,
        center: Uuid,
        patient: Option<Uuid>,
    ) -> Result<(), DomainError> {
        if let Some(p) = patient
            && self.store.patient(center, p)?.is_none()
        {
            v.push(FieldError::new(
                "patient_id",
                "not_found",
                "no such patient in your center",
            ));
        }
        Ok(())
    }
}
