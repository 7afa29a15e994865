//! Regional councils, their members, meetings (with attendees) and meeting papers.

use crate::DieselStore;
use crate::audit::{append_event, append_events};
use crate::error::{R, StoreError, missing_or_stale, not_found};
use crate::paging::{after_key, cursor_date};
use crate::rows::{choice, convert, naive, opt_uuid, utc, uuid};
use crate::schema::{
    council_members, councils, meeting_attachments, meeting_attendees, meetings, users,
};
use crate::users::UserRow;
use chrono::{DateTime, NaiveDate, NaiveDateTime, Utc};
use diesel::prelude::*;
use tsunagu_domain::DomainError;
use tsunagu_domain::audit::AuditDraft;
use tsunagu_domain::entities::User;
use tsunagu_domain::page::{Page, PageRequest};
use tsunagu_domain::ports::{CouncilFilter, CouncilStore, StoreResult};
use tsunagu_domain::regional::councils::{Council, CouncilMember, account_exists};
use tsunagu_domain::regional::meetings::{Attachment, AttachmentMeta, Meeting};
use tsunagu_domain::values::{
    CouncilKind, CouncilRole, CouncilScope, MeetingKind, MeetingStatus, MemberCategory,
};
use uuid::Uuid;

#[derive(Queryable, Selectable, Insertable, AsChangeset)]
#[diesel(table_name = councils, treat_none_as_null = true)]
struct CouncilRow {
    id: String,
    administration_id: String,
    parent_id: Option<String>,
    name: String,
    kind: String,
    scope: String,
    area_name: Option<String>,
    established_on: Option<NaiveDate>,
    active: bool,
    version: i32,
    created_at: NaiveDateTime,
    updated_at: NaiveDateTime,
}

impl CouncilRow {
    fn from_entity(c: &Council) -> Self {
        Self {
            id: c.id.to_string(),
            administration_id: c.administration_id.to_string(),
            parent_id: c.parent_id.map(|p| p.to_string()),
            name: c.name.clone(),
            kind: c.kind.as_str().to_owned(),
            scope: c.scope.as_str().to_owned(),
            area_name: c.area_name.clone(),
            established_on: c.established_on,
            active: c.active,
            version: c.version,
            created_at: naive(c.created_at),
            updated_at: naive(c.updated_at),
        }
    }

    fn into_entity(self) -> Result<Council, DomainError> {
        Ok(Council {
            id: uuid("councils.id", &self.id)?,
            administration_id: uuid("councils.administration_id", &self.administration_id)?,
            parent_id: opt_uuid("councils.parent_id", self.parent_id.as_deref())?,
            name: self.name,
            kind: choice("councils.kind", CouncilKind::from_db(&self.kind))?,
            scope: choice("councils.scope", CouncilScope::from_db(&self.scope))?,
            area_name: self.area_name,
            established_on: self.established_on,
            active: self.active,
            version: self.version,
            created_at: utc(self.created_at),
            updated_at: utc(self.updated_at),
        })
    }
}

#[derive(Queryable, Selectable, Insertable, AsChangeset)]
#[diesel(table_name = council_members, treat_none_as_null = true)]
struct MemberRow {
    id: String,
    council_id: String,
    administration_id: String,
    name: String,
    organization: String,
    category: String,
    council_role: String,
    term_start: NaiveDate,
    term_end: NaiveDate,
    user_id: Option<String>,
    pledged_at: Option<NaiveDateTime>,
    version: i32,
    created_at: NaiveDateTime,
    updated_at: NaiveDateTime,
}

impl MemberRow {
    fn from_entity(m: &CouncilMember) -> Self {
        Self {
            id: m.id.to_string(),
            council_id: m.council_id.to_string(),
            administration_id: m.administration_id.to_string(),
            name: m.name.clone(),
            organization: m.organization.clone(),
            category: m.category.as_str().to_owned(),
            council_role: m.council_role.as_str().to_owned(),
            term_start: m.term_start,
            term_end: m.term_end,
            user_id: m.user_id.map(|u| u.to_string()),
            pledged_at: m.pledged_at.map(naive),
            version: m.version,
            created_at: naive(m.created_at),
            updated_at: naive(m.updated_at),
        }
    }

    fn into_entity(self) -> Result<CouncilMember, DomainError> {
        Ok(CouncilMember {
            id: uuid("council_members.id", &self.id)?,
            council_id: uuid("council_members.council_id", &self.council_id)?,
            administration_id: uuid("council_members.administration_id", &self.administration_id)?,
            name: self.name,
            organization: self.organization,
            category: choice(
                "council_members.category",
                MemberCategory::from_db(&self.category),
            )?,
            council_role: choice(
                "council_members.council_role",
                CouncilRole::from_db(&self.council_role),
            )?,
            term_start: self.term_start,
            term_end: self.term_end,
            user_id: opt_uuid("council_members.user_id", self.user_id.as_deref())?,
            pledged_at: self.pledged_at.map(utc),
            version: self.version,
            created_at: utc(self.created_at),
            updated_at: utc(self.updated_at),
        })
    }
}

#[derive(Queryable, Selectable, Insertable, AsChangeset)]
#[diesel(table_name = meetings, treat_none_as_null = true)]
struct MeetingRow {
    id: String,
    council_id: String,
    administration_id: String,
    kind: String,
    status: String,
    held_on: NaiveDate,
    title: String,
    location: Option<String>,
    agenda: String,
    minutes: String,
    decisions: String,
    version: i32,
    created_at: NaiveDateTime,
    updated_at: NaiveDateTime,
}

impl MeetingRow {
    fn from_entity(m: &Meeting) -> Self {
        Self {
            id: m.id.to_string(),
            council_id: m.council_id.to_string(),
            administration_id: m.administration_id.to_string(),
            kind: m.kind.as_str().to_owned(),
            status: m.status.as_str().to_owned(),
            held_on: m.held_on,
            title: m.title.clone(),
            location: m.location.clone(),
            agenda: m.agenda.clone(),
            minutes: m.minutes.clone(),
            decisions: m.decisions.clone(),
            version: m.version,
            created_at: naive(m.created_at),
            updated_at: naive(m.updated_at),
        }
    }

    fn into_entity(self, attendee_ids: Vec<Uuid>) -> Result<Meeting, DomainError> {
        Ok(Meeting {
            id: uuid("meetings.id", &self.id)?,
            council_id: uuid("meetings.council_id", &self.council_id)?,
            administration_id: uuid("meetings.administration_id", &self.administration_id)?,
            kind: choice("meetings.kind", MeetingKind::from_db(&self.kind))?,
            status: choice("meetings.status", MeetingStatus::from_db(&self.status))?,
            held_on: self.held_on,
            title: self.title,
            location: self.location,
            agenda: self.agenda,
            minutes: self.minutes,
            decisions: self.decisions,
            attendee_ids,
            version: self.version,
            created_at: utc(self.created_at),
            updated_at: utc(self.updated_at),
        })
    }
}

#[derive(Queryable, Selectable)]
#[diesel(table_name = meeting_attachments)]
struct AttachmentMetaRow {
    id: String,
    meeting_id: String,
    file_name: String,
    media_type: String,
    size_bytes: i64,
    sha256: String,
    uploaded_by: String,
    created_at: NaiveDateTime,
}

impl AttachmentMetaRow {
    fn into_entity(self) -> Result<AttachmentMeta, DomainError> {
        Ok(AttachmentMeta {
            id: uuid("meeting_attachments.id", &self.id)?,
            meeting_id: uuid("meeting_attachments.meeting_id", &self.meeting_id)?,
            file_name: self.file_name,
            media_type: self.media_type,
            size_bytes: self.size_bytes,
            sha256: self.sha256,
            uploaded_by: uuid("meeting_attachments.uploaded_by", &self.uploaded_by)?,
            created_at: utc(self.created_at),
        })
    }
}

fn council_row(c: &mut crate::db::DbConn, id: &str) -> R<Option<Council>> {
    let row: Option<CouncilRow> = councils::table
        .find(id)
        .select(CouncilRow::as_select())
        .first(c)
        .optional()?;
    Ok(row.map(CouncilRow::into_entity).transpose()?)
}

fn member_row(c: &mut crate::db::DbConn, id: &str) -> R<Option<CouncilMember>> {
    let row: Option<MemberRow> = council_members::table
        .find(id)
        .select(MemberRow::as_select())
        .first(c)
        .optional()?;
    Ok(row.map(MemberRow::into_entity).transpose()?)
}

fn attendees_of(c: &mut crate::db::DbConn, meeting_ids: &[String]) -> R<Vec<(String, Uuid)>> {
    let rows: Vec<(String, String)> = meeting_attendees::table
        .filter(meeting_attendees::meeting_id.eq_any(meeting_ids))
        .order((meeting_attendees::meeting_id, meeting_attendees::member_id))
        .select((meeting_attendees::meeting_id, meeting_attendees::member_id))
        .load(c)?;
    rows.into_iter()
        .map(|(m, a)| Ok((m, uuid("meeting_attendees.member_id", &a)?)))
        .collect::<Result<_, DomainError>>()
        .map_err(StoreError::from)
}

fn with_attendees(c: &mut crate::db::DbConn, rows: Vec<MeetingRow>) -> R<Vec<Meeting>> {
    let ids: Vec<String> = rows.iter().map(|r| r.id.clone()).collect();
    let all = attendees_of(c, &ids)?;
    rows.into_iter()
        .map(|r| {
            let mine = all
                .iter()
                .filter(|(m, _)| *m == r.id)
                .map(|(_, a)| *a)
                .collect();
            r.into_entity(mine)
        })
        .collect::<Result<_, DomainError>>()
        .map_err(StoreError::from)
}

fn meeting_row(c: &mut crate::db::DbConn, id: &str) -> R<Option<Meeting>> {
    let row: Option<MeetingRow> = meetings::table
        .find(id)
        .select(MeetingRow::as_select())
        .first(c)
        .optional()?;
    Ok(match row {
        Some(r) => with_attendees(c, vec![r])?.pop(),
        None => None,
    })
}

fn set_attendees(c: &mut crate::db::DbConn, m: &Meeting) -> R<()> {
    let id = m.id.to_string();
    diesel::delete(meeting_attendees::table.filter(meeting_attendees::meeting_id.eq(&id)))
        .execute(c)?;
    for a in &m.attendee_ids {
        diesel::insert_into(meeting_attendees::table)
            .values((
                meeting_attendees::meeting_id.eq(&id),
                meeting_attendees::member_id.eq(a.to_string()),
            ))
            .execute(c)?;
    }
    Ok(())
}

impl CouncilStore for DieselStore {
    #[tracing::instrument(level = "debug", skip_all, fields(id = %c.id))]
    fn insert_council(&self, c: &Council, audit: &AuditDraft) -> StoreResult<()> {
        self.write(|conn| {
            diesel::insert_into(councils::table)
                .values(CouncilRow::from_entity(c))
                .execute(conn)?;
            append_event(conn, &self.keys, audit)
        })
    }

    #[tracing::instrument(level = "debug", skip_all, fields(%id))]
    fn council(&self, id: Uuid) -> StoreResult<Option<Council>> {
        self.read(|c| council_row(c, &id.to_string()))
    }

    #[tracing::instrument(level = "debug", skip_all)]
    fn councils(&self, f: &CouncilFilter, req: PageRequest) -> StoreResult<Page<Council>> {
        self.read(|c| {
            let mut q = councils::table
                .filter(councils::id.gt(after_key(&req)))
                .order(councils::id.asc())
                .limit(req.limit + 1)
                .select(CouncilRow::as_select())
                .into_boxed();
            if let Some(a) = f.administration {
                q = q.filter(councils::administration_id.eq(a.to_string()));
            }
            if let Some(ids) = &f.only {
                let ids: Vec<String> = ids.iter().map(Uuid::to_string).collect();
                q = q.filter(councils::id.eq_any(ids));
            }
            if let Some(p) = f.parent_id {
                q = q.filter(councils::parent_id.eq(p.to_string()));
            }
            let rows: Vec<CouncilRow> = q.load(c)?;
            let items = convert(rows, CouncilRow::into_entity)?;
            Ok(Page::from_rows(items, &req, |x| x.id))
        })
    }

    #[tracing::instrument(level = "debug", skip_all, fields(id = %c.id))]
    fn save_council(
        &self,
        c: &Council,
        expected_version: i32,
        audit: &AuditDraft,
    ) -> StoreResult<Council> {
        self.write(|conn| {
            let id = c.id.to_string();
            let mut row = CouncilRow::from_entity(c);
            row.version = expected_version + 1;
            let n = diesel::update(
                councils::table
                    .filter(councils::id.eq(&id))
                    .filter(councils::version.eq(expected_version)),
            )
            .set(&row)
            .execute(conn)?;
            if n == 0 {
                let exists = council_row(conn, &id)?.is_some();
                return Err(missing_or_stale(exists));
            }
            append_event(conn, &self.keys, audit)?;
            council_row(conn, &id)?.ok_or_else(not_found)
        })
    }

    #[tracing::instrument(level = "debug", skip_all, fields(id = %m.id))]
    fn insert_council_member(&self, m: &CouncilMember, audit: &AuditDraft) -> StoreResult<()> {
        self.write(|conn| {
            diesel::insert_into(council_members::table)
                .values(MemberRow::from_entity(m))
                .execute(conn)?;
            append_event(conn, &self.keys, audit)
        })
    }

    #[tracing::instrument(level = "debug", skip_all, fields(%id))]
    fn council_member(&self, id: Uuid) -> StoreResult<Option<CouncilMember>> {
        self.read(|c| member_row(c, &id.to_string()))
    }

    #[tracing::instrument(level = "debug", skip_all, fields(%council))]
    fn council_members(&self, council: Uuid, req: PageRequest) -> StoreResult<Page<CouncilMember>> {
        self.read(|c| {
            let rows: Vec<MemberRow> = council_members::table
                .filter(council_members::council_id.eq(council.to_string()))
                .filter(council_members::id.gt(after_key(&req)))
                .order(council_members::id.asc())
                .limit(req.limit + 1)
                .select(MemberRow::as_select())
                .load(c)?;
            let items = convert(rows, MemberRow::into_entity)?;
            Ok(Page::from_rows(items, &req, |x| x.id))
        })
    }

    #[tracing::instrument(level = "debug", skip_all, fields(%council))]
    fn council_member_ids(&self, council: Uuid) -> StoreResult<Vec<Uuid>> {
        self.read(|c| {
            let ids: Vec<String> = council_members::table
                .filter(council_members::council_id.eq(council.to_string()))
                .select(council_members::id)
                .load(c)?;
            Ok(ids
                .iter()
                .map(|i| uuid("council_members.id", i))
                .collect::<Result<_, _>>()?)
        })
    }

    #[tracing::instrument(level = "debug", skip_all, fields(id = %m.id))]
    fn save_council_member(
        &self,
        m: &CouncilMember,
        expected_version: i32,
        audit: &AuditDraft,
    ) -> StoreResult<CouncilMember> {
        self.write(|conn| {
            let id = m.id.to_string();
            let n = diesel::update(
                council_members::table
                    .filter(council_members::id.eq(&id))
                    .filter(council_members::version.eq(expected_version)),
            )
            .set((
                council_members::name.eq(&m.name),
                council_members::organization.eq(&m.organization),
                council_members::category.eq(m.category.as_str()),
                council_members::council_role.eq(m.council_role.as_str()),
                council_members::term_start.eq(m.term_start),
                council_members::term_end.eq(m.term_end),
                council_members::version.eq(expected_version + 1),
                council_members::updated_at.eq(naive(m.updated_at)),
            ))
            .execute(conn)?;
            if n == 0 {
                let exists = member_row(conn, &id)?.is_some();
                return Err(missing_or_stale(exists));
            }
            append_event(conn, &self.keys, audit)?;
            member_row(conn, &id)?.ok_or_else(not_found)
        })
    }

    #[tracing::instrument(level = "debug", skip_all, fields(%user))]
    fn seats(&self, user: Uuid) -> StoreResult<Vec<CouncilMember>> {
        self.read(|c| {
            let rows: Vec<MemberRow> = council_members::table
                .filter(council_members::user_id.eq(user.to_string()))
                .order(council_members::id.asc())
                .select(MemberRow::as_select())
                .load(c)?;
            convert(rows, MemberRow::into_entity)
        })
    }

    #[tracing::instrument(level = "debug", skip_all, fields(%member, user = %user.id))]
    fn give_member_account(
        &self,
        member: Uuid,
        expected_version: i32,
        user: &User,
        password_hash: &str,
        now: DateTime<Utc>,
        audit: &[AuditDraft],
    ) -> StoreResult<CouncilMember> {
        self.write(|conn| {
            let id = member.to_string();
            diesel::insert_into(users::table)
                .values(UserRow::from_entity(user, password_hash))
                .execute(conn)?;
            let n = diesel::update(
                council_members::table
                    .filter(council_members::id.eq(&id))
                    .filter(council_members::version.eq(expected_version))
                    .filter(council_members::user_id.is_null()),
            )
            .set((
                council_members::user_id.eq(Some(user.id.to_string())),
                council_members::version.eq(expected_version + 1),
                council_members::updated_at.eq(naive(now)),
            ))
            .execute(conn)?;
            if n == 0 {
                return Err(match member_row(conn, &id)? {
                    Some(m) if m.user_id.is_some() => StoreError::Domain(account_exists()),
                    found => missing_or_stale(found.is_some()),
                });
            }
            append_events(conn, &self.keys, audit)?;
            member_row(conn, &id)?.ok_or_else(not_found)
        })
    }

    #[tracing::instrument(level = "debug", skip_all, fields(%user))]
    fn pledge(
        &self,
        user: Uuid,
        now: DateTime<Utc>,
        audit: &AuditDraft,
    ) -> StoreResult<Vec<CouncilMember>> {
        self.write(|conn| {
            let mine = council_members::table
                .filter(council_members::user_id.eq(user.to_string()))
                .filter(council_members::pledged_at.is_null());
            diesel::update(mine)
                .set((
                    council_members::pledged_at.eq(Some(naive(now))),
                    council_members::version.eq(council_members::version + 1),
                    council_members::updated_at.eq(naive(now)),
                ))
                .execute(conn)?;
            append_event(conn, &self.keys, audit)?;
            let rows: Vec<MemberRow> = council_members::table
                .filter(council_members::user_id.eq(user.to_string()))
                .order(council_members::id.asc())
                .select(MemberRow::as_select())
                .load(conn)?;
            convert(rows, MemberRow::into_entity)
        })
    }

    #[tracing::instrument(level = "debug", skip_all, fields(id = %m.id))]
    fn insert_meeting(&self, m: &Meeting, audit: &AuditDraft) -> StoreResult<()> {
        self.write(|conn| {
            diesel::insert_into(meetings::table)
                .values(MeetingRow::from_entity(m))
                .execute(conn)?;
            set_attendees(conn, m)?;
            append_event(conn, &self.keys, audit)
        })
    }

    #[tracing::instrument(level = "debug", skip_all, fields(%id))]
    fn meeting(&self, id: Uuid) -> StoreResult<Option<Meeting>> {
        self.read(|c| meeting_row(c, &id.to_string()))
    }

    #[tracing::instrument(level = "debug", skip_all, fields(%council))]
    fn meetings(&self, council: Uuid, req: PageRequest) -> StoreResult<Page<Meeting>> {
        self.read(|c| {
            let mut q = meetings::table
                .filter(meetings::council_id.eq(council.to_string()))
                .order((meetings::held_on.desc(), meetings::id.desc()))
                .limit(req.limit + 1)
                .select(MeetingRow::as_select())
                .into_boxed();
            if let Some((d, id)) = cursor_date(&req)? {
                q = q.filter(
                    meetings::held_on
                        .lt(d)
                        .or(meetings::held_on.eq(d).and(meetings::id.lt(id))),
                );
            }
            let rows: Vec<MeetingRow> = q.load(c)?;
            let items = with_attendees(c, rows)?;
            Ok(Page::from_rows_keyed(items, &req, |m| {
                (m.held_on.to_string(), m.id)
            }))
        })
    }

    #[tracing::instrument(level = "debug", skip_all, fields(id = %m.id))]
    fn save_meeting(
        &self,
        m: &Meeting,
        expected_version: i32,
        audit: &AuditDraft,
    ) -> StoreResult<Meeting> {
        self.write(|conn| {
            let id = m.id.to_string();
            let mut row = MeetingRow::from_entity(m);
            row.version = expected_version + 1;
            let n = diesel::update(
                meetings::table
                    .filter(meetings::id.eq(&id))
                    .filter(meetings::version.eq(expected_version)),
            )
            .set(&row)
            .execute(conn)?;
            if n == 0 {
                let exists = meeting_row(conn, &id)?.is_some();
                return Err(missing_or_stale(exists));
            }
            set_attendees(conn, m)?;
            append_event(conn, &self.keys, audit)?;
            meeting_row(conn, &id)?.ok_or_else(not_found)
        })
    }

    #[tracing::instrument(level = "debug", skip_all, fields(id = %a.meta.id))]
    fn insert_attachment(&self, a: &Attachment, audit: &AuditDraft) -> StoreResult<()> {
        self.write(|conn| {
            let m = &a.meta;
            diesel::insert_into(meeting_attachments::table)
                .values((
                    meeting_attachments::id.eq(m.id.to_string()),
                    meeting_attachments::meeting_id.eq(m.meeting_id.to_string()),
                    meeting_attachments::file_name.eq(&m.file_name),
                    meeting_attachments::media_type.eq(&m.media_type),
                    meeting_attachments::size_bytes.eq(m.size_bytes),
                    meeting_attachments::sha256.eq(&m.sha256),
                    meeting_attachments::content.eq(&a.content),
                    meeting_attachments::uploaded_by.eq(m.uploaded_by.to_string()),
                    meeting_attachments::created_at.eq(naive(m.created_at)),
                ))
                .execute(conn)?;
            append_event(conn, &self.keys, audit)
        })
    }

    #[tracing::instrument(level = "debug", skip_all, fields(%meeting))]
    fn attachments(&self, meeting: Uuid) -> StoreResult<Vec<AttachmentMeta>> {
        self.read(|c| {
            let rows: Vec<AttachmentMetaRow> = meeting_attachments::table
                .filter(meeting_attachments::meeting_id.eq(meeting.to_string()))
                .order(meeting_attachments::id.asc())
                .select(AttachmentMetaRow::as_select())
                .load(c)?;
            convert(rows, AttachmentMetaRow::into_entity)
        })
    }

    #[tracing::instrument(level = "debug", skip_all, fields(%meeting, %id))]
    fn attachment(&self, meeting: Uuid, id: Uuid) -> StoreResult<Option<Attachment>> {
        self.read(|c| {
            let row: Option<(AttachmentMetaRow, Vec<u8>)> = meeting_attachments::table
                .filter(meeting_attachments::id.eq(id.to_string()))
                .filter(meeting_attachments::meeting_id.eq(meeting.to_string()))
                .select((AttachmentMetaRow::as_select(), meeting_attachments::content))
                .first(c)
                .optional()?;
            Ok(match row {
                Some((meta, content)) => Some(Attachment {
                    meta: meta.into_entity()?,
                    content,
                }),
                None => None,
            })
        })
    }

    #[tracing::instrument(level = "debug", skip_all, fields(%meeting, %id))]
    fn delete_attachment(&self, meeting: Uuid, id: Uuid, audit: &AuditDraft) -> StoreResult<()> {
        self.write(|conn| {
            let n = diesel::delete(
                meeting_attachments::table
                    .filter(meeting_attachments::id.eq(id.to_string()))
                    .filter(meeting_attachments::meeting_id.eq(meeting.to_string())),
            )
            .execute(conn)?;
            if n == 0 {
                return Err(not_found());
            }
            append_event(conn, &self.keys, audit)
        })
    }
}
