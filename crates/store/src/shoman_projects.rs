//! 小慢 optional projects (任意事業): the projects, their sessions with the named
//! participants, the needs register, and the counts their figures are computed from.

use crate::DieselStore;
use crate::audit::{append_event, append_events, change_stamp};
use crate::db::DbConn;
use crate::error::{R, StoreError, missing_or_stale, not_found};
use crate::paging::after_key;
use crate::rows::{choice, convert, naive, opt_uuid, utc, uuid, words};
use crate::schema::{
    centers, shoman_needs, shoman_project_sessions, shoman_projects, shoman_session_participants,
};
use chrono::{NaiveDate, NaiveDateTime};
use diesel::dsl::count_star;
use diesel::prelude::*;
use std::collections::HashMap;
use tsunagu_domain::DomainError;
use tsunagu_domain::audit::AuditDraft;
use tsunagu_domain::page::{Page, PageRequest};
use tsunagu_domain::ports::{NeedFilter, ProjectFilter, ShomanProjectStore, StoreResult};
use tsunagu_domain::reports::ReportScope;
use tsunagu_domain::shoman::projects::{
    Need, NeedCount, Participant, Project, ProjectFact, ProjectSession, SessionCount, ShomanCenter,
};
use tsunagu_domain::values::{
    self, NeedKind, NeedStatus, ParticipantRole, Program, ProjectKind, SessionActivity,
};
use uuid::Uuid;

#[derive(Queryable, Selectable, Insertable)]
#[diesel(table_name = shoman_projects)]
struct ProjectRow {
    id: String,
    center_id: String,
    kind: String,
    name: String,
    description: Option<String>,
    started_on: NaiveDate,
    ended_on: Option<NaiveDate>,
    partner: Option<String>,
    created_by: String,
    version: i32,
    created_at: NaiveDateTime,
    updated_at: NaiveDateTime,
}

impl ProjectRow {
    fn from_entity(p: &Project) -> Self {
        Self {
            id: p.id.to_string(),
            center_id: p.center_id.to_string(),
            kind: p.kind.as_str().to_owned(),
            name: p.name.clone(),
            description: p.description.clone(),
            started_on: p.started_on,
            ended_on: p.ended_on,
            partner: p.partner.clone(),
            created_by: p.created_by.to_string(),
            version: p.version,
            created_at: naive(p.created_at),
            updated_at: naive(p.updated_at),
        }
    }

    fn into_entity(self) -> Result<Project, DomainError> {
        Ok(Project {
            id: uuid("shoman_projects.id", &self.id)?,
            center_id: uuid("shoman_projects.center_id", &self.center_id)?,
            kind: choice("shoman_projects.kind", ProjectKind::from_db(&self.kind))?,
            name: self.name,
            description: self.description,
            started_on: self.started_on,
            ended_on: self.ended_on,
            partner: self.partner,
            created_by: uuid("shoman_projects.created_by", &self.created_by)?,
            version: self.version,
            created_at: utc(self.created_at),
            updated_at: utc(self.updated_at),
        })
    }
}

#[derive(Queryable, Selectable, Insertable)]
#[diesel(table_name = shoman_project_sessions)]
struct SessionRow {
    id: String,
    center_id: String,
    project_id: String,
    held_on: NaiveDate,
    activity: String,
    place: Option<String>,
    online: bool,
    staff_ids: String,
    children_count: i32,
    family_count: i32,
    notes: Option<String>,
    created_by: String,
    version: i32,
    created_at: NaiveDateTime,
    updated_at: NaiveDateTime,
}

impl SessionRow {
    fn from_entity(s: &ProjectSession) -> Self {
        Self {
            id: s.id.to_string(),
            center_id: s.center_id.to_string(),
            project_id: s.project_id.to_string(),
            held_on: s.held_on,
            activity: s.activity.as_str().to_owned(),
            place: s.place.clone(),
            online: s.online,
            staff_ids: s
                .staff_ids
                .iter()
                .map(Uuid::to_string)
                .collect::<Vec<_>>()
                .join(" "),
            children_count: s.children_count,
            family_count: s.family_count,
            notes: s.notes.clone(),
            created_by: s.created_by.to_string(),
            version: s.version,
            created_at: naive(s.created_at),
            updated_at: naive(s.updated_at),
        }
    }

    fn into_entity(self, participants: Vec<Participant>) -> Result<ProjectSession, DomainError> {
        Ok(ProjectSession {
            id: uuid("shoman_project_sessions.id", &self.id)?,
            center_id: uuid("shoman_project_sessions.center_id", &self.center_id)?,
            project_id: uuid("shoman_project_sessions.project_id", &self.project_id)?,
            held_on: self.held_on,
            activity: choice(
                "shoman_project_sessions.activity",
                SessionActivity::from_db(&self.activity),
            )?,
            place: self.place,
            online: self.online,
            staff_ids: words(&self.staff_ids)
                .iter()
                .map(|s| uuid("shoman_project_sessions.staff_ids", s))
                .collect::<Result<_, _>>()?,
            children_count: self.children_count,
            family_count: self.family_count,
            participants,
            notes: self.notes,
            created_by: uuid("shoman_project_sessions.created_by", &self.created_by)?,
            version: self.version,
            created_at: utc(self.created_at),
            updated_at: utc(self.updated_at),
        })
    }
}

#[derive(Queryable, Selectable, Insertable)]
#[diesel(table_name = shoman_session_participants)]
struct ParticipantRow {
    session_id: String,
    center_id: String,
    patient_id: String,
    role: String,
}

#[derive(Queryable, Selectable, Insertable)]
#[diesel(table_name = shoman_needs)]
struct NeedRow {
    id: String,
    center_id: String,
    kind: String,
    description: String,
    noted_on: NaiveDate,
    patient_id: Option<String>,
    status: String,
    met_on: Option<NaiveDate>,
    created_by: String,
    version: i32,
    created_at: NaiveDateTime,
    updated_at: NaiveDateTime,
}

impl NeedRow {
    fn from_entity(n: &Need) -> Self {
        Self {
            id: n.id.to_string(),
            center_id: n.center_id.to_string(),
            kind: n.kind.as_str().to_owned(),
            description: n.description.clone(),
            noted_on: n.noted_on,
            patient_id: n.patient_id.map(|p| p.to_string()),
            status: n.status.as_str().to_owned(),
            met_on: n.met_on,
            created_by: n.created_by.to_string(),
            version: n.version,
            created_at: naive(n.created_at),
            updated_at: naive(n.updated_at),
        }
    }

    fn into_entity(self) -> Result<Need, DomainError> {
        Ok(Need {
            id: uuid("shoman_needs.id", &self.id)?,
            center_id: uuid("shoman_needs.center_id", &self.center_id)?,
            kind: choice("shoman_needs.kind", NeedKind::from_db(&self.kind))?,
            description: self.description,
            noted_on: self.noted_on,
            patient_id: opt_uuid("shoman_needs.patient_id", self.patient_id.as_deref())?,
            status: choice("shoman_needs.status", NeedStatus::from_db(&self.status))?,
            met_on: self.met_on,
            created_by: uuid("shoman_needs.created_by", &self.created_by)?,
            version: self.version,
            created_at: utc(self.created_at),
            updated_at: utc(self.updated_at),
        })
    }
}

fn project(conn: &mut DbConn, center: Uuid, id: Uuid) -> R<Option<Project>> {
    let row: Option<ProjectRow> = shoman_projects::table
        .filter(shoman_projects::id.eq(id.to_string()))
        .filter(shoman_projects::center_id.eq(center.to_string()))
        .select(ProjectRow::as_select())
        .first(conn)
        .optional()?;
    Ok(row.map(ProjectRow::into_entity).transpose()?)
}

/// Sessions read back with their named participants (one query for all of them).
fn with_participants(conn: &mut DbConn, rows: Vec<SessionRow>) -> R<Vec<ProjectSession>> {
    // Most patients' timelines name none: no round trip to look up the names of nothing.
    if rows.is_empty() {
        return Ok(Vec::new());
    }
    let ids: Vec<String> = rows.iter().map(|r| r.id.clone()).collect();
    let named: Vec<ParticipantRow> = per_backend!(conn, c => shoman_session_participants::table
        .filter(shoman_session_participants::session_id.eq_any(&ids))
        .select(ParticipantRow::as_select())
        .load(c))?;
    let mut by_session: HashMap<String, Vec<Participant>> = HashMap::new();
    for p in named {
        let participant = Participant {
            patient_id: uuid("shoman_session_participants.patient_id", &p.patient_id)?,
            role: choice(
                "shoman_session_participants.role",
                ParticipantRole::from_db(&p.role),
            )?,
        };
        by_session
            .entry(p.session_id)
            .or_default()
            .push(participant);
    }
    let mut out = Vec::with_capacity(rows.len());
    for r in rows {
        let mut ps = by_session.remove(&r.id).unwrap_or_default();
        ps.sort();
        out.push(r.into_entity(ps)?);
    }
    Ok(out)
}

fn session(conn: &mut DbConn, center: Uuid, id: Uuid) -> R<Option<ProjectSession>> {
    let row: Option<SessionRow> = shoman_project_sessions::table
        .filter(shoman_project_sessions::id.eq(id.to_string()))
        .filter(shoman_project_sessions::center_id.eq(center.to_string()))
        .select(SessionRow::as_select())
        .first(conn)
        .optional()?;
    match row {
        None => Ok(None),
        Some(r) => Ok(with_participants(conn, vec![r])?.pop()),
    }
}

/// The sessions a patient was named in, by day: for the patient's timeline.
pub(crate) fn sessions_naming(
    conn: &mut DbConn,
    center: Uuid,
    patient: Uuid,
) -> R<Vec<ProjectSession>> {
    let named = shoman_session_participants::table
        .filter(shoman_session_participants::patient_id.eq(patient.to_string()))
        .filter(shoman_session_participants::center_id.eq(center.to_string()))
        .select(shoman_session_participants::session_id);
    // On the backend's own connection: one of the timeline's reads (see `per_backend!`).
    let rows: Vec<SessionRow> = per_backend!(conn, c => shoman_project_sessions::table
        .filter(shoman_project_sessions::center_id.eq(center.to_string()))
        .filter(shoman_project_sessions::id.eq_any(named))
        .order((
            shoman_project_sessions::held_on.asc(),
            shoman_project_sessions::id.asc(),
        ))
        .select(SessionRow::as_select())
        .load(c))?;
    with_participants(conn, rows)
}

fn write_participants(conn: &mut DbConn, s: &ProjectSession) -> R<()> {
    diesel::delete(
        shoman_session_participants::table
            .filter(shoman_session_participants::session_id.eq(s.id.to_string())),
    )
    .execute(conn)?;
    for p in &s.participants {
        diesel::insert_into(shoman_session_participants::table)
            .values(ParticipantRow {
                session_id: s.id.to_string(),
                center_id: s.center_id.to_string(),
                patient_id: p.patient_id.to_string(),
                role: p.role.as_str().to_owned(),
            })
            .execute(conn)?;
    }
    Ok(())
}

fn need(conn: &mut DbConn, center: Uuid, id: Uuid) -> R<Option<Need>> {
    let row: Option<NeedRow> = shoman_needs::table
        .filter(shoman_needs::id.eq(id.to_string()))
        .filter(shoman_needs::center_id.eq(center.to_string()))
        .select(NeedRow::as_select())
        .first(conn)
        .optional()?;
    Ok(row.map(NeedRow::into_entity).transpose()?)
}

/// The centers of a scope that run the `shoman` program, by code.
fn shoman_centers(conn: &mut DbConn, scope: &ReportScope) -> R<Vec<ShomanCenter>> {
    let mut q = centers::table
        .select((
            centers::id,
            centers::code,
            centers::name,
            centers::prefecture_code,
            centers::programs,
        ))
        .order(centers::code.asc())
        .into_boxed();
    match scope {
        ReportScope::Center(c) => q = q.filter(centers::id.eq(c.to_string())),
        ReportScope::Centers {
            prefecture_code,
            administration_id,
        } => {
            if let Some(p) = prefecture_code {
                q = q.filter(centers::prefecture_code.eq(p.clone()));
            }
            if let Some(a) = administration_id {
                q = q.filter(centers::administration_id.eq(a.to_string()));
            }
        }
    }
    let rows: Vec<(String, String, String, String, String)> = q.load(conn)?;
    let mut out = Vec::new();
    for (id, code, name, prefecture_code, programs) in rows {
        let programs = values::split_list(&programs, Program::from_db).unwrap_or_default();
        if programs.contains(&Program::Shoman) {
            out.push(ShomanCenter {
                id: uuid("centers.id", &id)?,
                code,
                name,
                prefecture_code,
            });
        }
    }
    Ok(out)
}

fn scope_ids(conn: &mut DbConn, scope: &ReportScope) -> R<Vec<String>> {
    Ok(shoman_centers(conn, scope)?
        .into_iter()
        .map(|c| c.id.to_string())
        .collect())
}

fn bad(what: &str) -> StoreError {
    StoreError::Domain(DomainError::Internal(format!(
        "stored {what} is not a known value"
    )))
}

impl ShomanProjectStore for DieselStore {
    #[tracing::instrument(level = "debug", skip_all, fields(center = %p.center_id, id = %p.id))]
    fn insert_project(&self, p: &Project, audit: &AuditDraft) -> StoreResult<Project> {
        self.write(|conn| {
            let stamp = change_stamp(conn, p.center_id, p.updated_at)?;
            let mut row = ProjectRow::from_entity(p);
            row.updated_at = stamp;
            diesel::insert_into(shoman_projects::table)
                .values(row)
                .execute(conn)?;
            append_event(conn, &self.keys, audit)?;
            project(conn, p.center_id, p.id)?.ok_or_else(not_found)
        })
    }

    #[tracing::instrument(level = "debug", skip_all, fields(%center, %id))]
    fn project(&self, center: Uuid, id: Uuid) -> StoreResult<Option<Project>> {
        self.read(|conn| project(conn, center, id))
    }

    #[tracing::instrument(level = "debug", skip_all, fields(%center))]
    fn projects(
        &self,
        center: Uuid,
        f: &ProjectFilter,
        req: PageRequest,
    ) -> StoreResult<Page<Project>> {
        self.read(|conn| {
            use shoman_projects::dsl as p;
            let mut q = shoman_projects::table
                .filter(p::center_id.eq(center.to_string()))
                .filter(p::id.gt(after_key(&req)))
                .select(ProjectRow::as_select())
                .order(p::id.asc())
                .limit(req.limit + 1)
                .into_boxed();
            if let Some(k) = f.kind {
                q = q.filter(p::kind.eq(k.as_str()));
            }
            match f.active {
                None => {}
                Some(true) => q = q.filter(p::ended_on.is_null().or(p::ended_on.ge(f.today))),
                Some(false) => q = q.filter(p::ended_on.lt(f.today)),
            }
            let rows: Vec<ProjectRow> = q.load(conn)?;
            let items = convert(rows, ProjectRow::into_entity)?;
            Ok(Page::from_rows(items, &req, |x| x.id))
        })
    }

    #[tracing::instrument(level = "debug", skip_all, fields(center = %p.center_id, id = %p.id))]
    fn save_project(
        &self,
        p: &Project,
        expected_version: i32,
        audit: &AuditDraft,
    ) -> StoreResult<Project> {
        self.write(|conn| {
            let stamp = change_stamp(conn, p.center_id, p.updated_at)?;
            let row = ProjectRow::from_entity(p);
            let n = diesel::update(
                shoman_projects::table
                    .filter(shoman_projects::id.eq(&row.id))
                    .filter(shoman_projects::center_id.eq(&row.center_id))
                    .filter(shoman_projects::version.eq(expected_version)),
            )
            .set((
                shoman_projects::kind.eq(&row.kind),
                shoman_projects::name.eq(&row.name),
                shoman_projects::description.eq(&row.description),
                shoman_projects::started_on.eq(row.started_on),
                shoman_projects::ended_on.eq(row.ended_on),
                shoman_projects::partner.eq(&row.partner),
                shoman_projects::version.eq(expected_version + 1),
                shoman_projects::updated_at.eq(stamp),
            ))
            .execute(conn)?;
            if n == 0 {
                return Err(missing_or_stale(
                    project(conn, p.center_id, p.id)?.is_some(),
                ));
            }
            append_event(conn, &self.keys, audit)?;
            project(conn, p.center_id, p.id)?.ok_or_else(not_found)
        })
    }

    #[tracing::instrument(level = "debug", skip_all, fields(center = %s.center_id, id = %s.id))]
    fn insert_project_session(
        &self,
        s: &ProjectSession,
        audit: &[AuditDraft],
    ) -> StoreResult<ProjectSession> {
        self.write(|conn| {
            let stamp = change_stamp(conn, s.center_id, s.updated_at)?;
            let mut row = SessionRow::from_entity(s);
            row.updated_at = stamp;
            diesel::insert_into(shoman_project_sessions::table)
                .values(row)
                .execute(conn)?;
            write_participants(conn, s)?;
            append_events(conn, &self.keys, audit)?;
            session(conn, s.center_id, s.id)?.ok_or_else(not_found)
        })
    }

    #[tracing::instrument(level = "debug", skip_all, fields(%center, %id))]
    fn project_session(&self, center: Uuid, id: Uuid) -> StoreResult<Option<ProjectSession>> {
        self.read(|conn| session(conn, center, id))
    }

    #[tracing::instrument(level = "debug", skip_all, fields(%center, %project_id))]
    fn project_sessions(
        &self,
        center: Uuid,
        project_id: Uuid,
        req: PageRequest,
    ) -> StoreResult<Page<ProjectSession>> {
        self.read(|conn| {
            use shoman_project_sessions::dsl as s;
            let rows: Vec<SessionRow> = shoman_project_sessions::table
                .filter(s::center_id.eq(center.to_string()))
                .filter(s::project_id.eq(project_id.to_string()))
                .filter(s::id.gt(after_key(&req)))
                .select(SessionRow::as_select())
                .order(s::id.asc())
                .limit(req.limit + 1)
                .load(conn)?;
            let items = with_participants(conn, rows)?;
            Ok(Page::from_rows(items, &req, |x| x.id))
        })
    }

    #[tracing::instrument(level = "debug", skip_all, fields(center = %s.center_id, id = %s.id))]
    fn save_project_session(
        &self,
        s: &ProjectSession,
        expected_version: i32,
        audit: &[AuditDraft],
    ) -> StoreResult<ProjectSession> {
        self.write(|conn| {
            let stamp = change_stamp(conn, s.center_id, s.updated_at)?;
            let row = SessionRow::from_entity(s);
            use shoman_project_sessions::dsl as t;
            let n = diesel::update(
                shoman_project_sessions::table
                    .filter(t::id.eq(&row.id))
                    .filter(t::center_id.eq(&row.center_id))
                    .filter(t::version.eq(expected_version)),
            )
            .set((
                t::held_on.eq(row.held_on),
                t::activity.eq(&row.activity),
                t::place.eq(&row.place),
                t::online.eq(row.online),
                t::staff_ids.eq(&row.staff_ids),
                t::children_count.eq(row.children_count),
                t::family_count.eq(row.family_count),
                t::notes.eq(&row.notes),
                t::version.eq(expected_version + 1),
                t::updated_at.eq(stamp),
            ))
            .execute(conn)?;
            if n == 0 {
                return Err(missing_or_stale(
                    session(conn, s.center_id, s.id)?.is_some(),
                ));
            }
            write_participants(conn, s)?;
            append_events(conn, &self.keys, audit)?;
            session(conn, s.center_id, s.id)?.ok_or_else(not_found)
        })
    }

    #[tracing::instrument(level = "debug", skip_all, fields(center = %n.center_id, id = %n.id))]
    fn insert_need(&self, n: &Need, audit: &AuditDraft) -> StoreResult<Need> {
        self.write(|conn| {
            let stamp = change_stamp(conn, n.center_id, n.updated_at)?;
            let mut row = NeedRow::from_entity(n);
            row.updated_at = stamp;
            diesel::insert_into(shoman_needs::table)
                .values(row)
                .execute(conn)?;
            append_event(conn, &self.keys, audit)?;
            need(conn, n.center_id, n.id)?.ok_or_else(not_found)
        })
    }

    #[tracing::instrument(level = "debug", skip_all, fields(%center, %id))]
    fn need(&self, center: Uuid, id: Uuid) -> StoreResult<Option<Need>> {
        self.read(|conn| need(conn, center, id))
    }

    #[tracing::instrument(level = "debug", skip_all, fields(%center))]
    fn needs(&self, center: Uuid, f: &NeedFilter, req: PageRequest) -> StoreResult<Page<Need>> {
        self.read(|conn| {
            use shoman_needs::dsl as n;
            let mut q = shoman_needs::table
                .filter(n::center_id.eq(center.to_string()))
                .filter(n::id.gt(after_key(&req)))
                .select(NeedRow::as_select())
                .order(n::id.asc())
                .limit(req.limit + 1)
                .into_boxed();
            if let Some(k) = f.kind {
                q = q.filter(n::kind.eq(k.as_str()));
            }
            if let Some(s) = f.status {
                q = q.filter(n::status.eq(s.as_str()));
            }
            if let Some(p) = f.patient_id {
                q = q.filter(n::patient_id.eq(p.to_string()));
            }
            let rows: Vec<NeedRow> = q.load(conn)?;
            let items = convert(rows, NeedRow::into_entity)?;
            Ok(Page::from_rows(items, &req, |x| x.id))
        })
    }

    #[tracing::instrument(level = "debug", skip_all, fields(center = %n.center_id, id = %n.id))]
    fn save_need(&self, n: &Need, expected_version: i32, audit: &AuditDraft) -> StoreResult<Need> {
        self.write(|conn| {
            let stamp = change_stamp(conn, n.center_id, n.updated_at)?;
            let row = NeedRow::from_entity(n);
            use shoman_needs::dsl as t;
            let count = diesel::update(
                shoman_needs::table
                    .filter(t::id.eq(&row.id))
                    .filter(t::center_id.eq(&row.center_id))
                    .filter(t::version.eq(expected_version)),
            )
            .set((
                t::kind.eq(&row.kind),
                t::description.eq(&row.description),
                t::noted_on.eq(row.noted_on),
                t::patient_id.eq(&row.patient_id),
                t::status.eq(&row.status),
                t::met_on.eq(row.met_on),
                t::version.eq(expected_version + 1),
                t::updated_at.eq(stamp),
            ))
            .execute(conn)?;
            if count == 0 {
                return Err(missing_or_stale(need(conn, n.center_id, n.id)?.is_some()));
            }
            append_event(conn, &self.keys, audit)?;
            need(conn, n.center_id, n.id)?.ok_or_else(not_found)
        })
    }

    #[tracing::instrument(level = "debug", skip_all, fields(?scope))]
    fn shoman_centers(&self, scope: &ReportScope) -> StoreResult<Vec<ShomanCenter>> {
        self.read(|conn| shoman_centers(conn, scope))
    }

    #[tracing::instrument(level = "debug", skip_all, fields(?scope, %from, %to))]
    fn projects_running(
        &self,
        scope: &ReportScope,
        from: NaiveDate,
        to: NaiveDate,
    ) -> StoreResult<Vec<ProjectFact>> {
        self.read(|conn| {
            use shoman_projects::dsl as p;
            let ids = scope_ids(conn, scope)?;
            let rows: Vec<(String, String)> = shoman_projects::table
                .filter(p::center_id.eq_any(&ids))
                .filter(p::started_on.le(to))
                .filter(p::ended_on.is_null().or(p::ended_on.ge(from)))
                .select((p::center_id, p::kind))
                .load(conn)?;
            rows.into_iter()
                .map(|(c, k)| {
                    Ok(ProjectFact {
                        center_id: uuid("shoman_projects.center_id", &c)?,
                        kind: ProjectKind::from_db(&k).ok_or_else(|| bad("project kind"))?,
                    })
                })
                .collect()
        })
    }

    #[tracing::instrument(level = "debug", skip_all, fields(?scope, %from, %to))]
    fn session_counts(
        &self,
        scope: &ReportScope,
        from: NaiveDate,
        to: NaiveDate,
    ) -> StoreResult<Vec<SessionCount>> {
        self.read(|conn| {
            use shoman_project_sessions::dsl as s;
            let ids = scope_ids(conn, scope)?;
            // A year's sessions of the centers in scope are few: summed here rather than
            // grouped across the two tables in SQL.
            let rows: Vec<(String, String, String, i32, i32)> = shoman_project_sessions::table
                .inner_join(shoman_projects::table)
                .filter(s::center_id.eq_any(&ids))
                .filter(s::held_on.between(from, to))
                .select((
                    s::center_id,
                    shoman_projects::kind,
                    s::activity,
                    s::children_count,
                    s::family_count,
                ))
                .load(conn)?;
            let mut sums: HashMap<(String, String, String), (i64, i64, i64)> = HashMap::new();
            for (c, k, a, children, family) in rows {
                let e = sums.entry((c, k, a)).or_default();
                e.0 += 1;
                e.1 += i64::from(children);
                e.2 += i64::from(family);
            }
            sums.into_iter()
                .map(|((c, k, a), (sessions, children, family))| {
                    Ok(SessionCount {
                        center_id: uuid("shoman_project_sessions.center_id", &c)?,
                        kind: ProjectKind::from_db(&k).ok_or_else(|| bad("project kind"))?,
                        activity: SessionActivity::from_db(&a)
                            .ok_or_else(|| bad("session activity"))?,
                        sessions,
                        children,
                        family,
                    })
                })
                .collect()
        })
    }

    #[tracing::instrument(level = "debug", skip_all, fields(?scope, %from, %to))]
    fn need_counts(
        &self,
        scope: &ReportScope,
        from: NaiveDate,
        to: NaiveDate,
    ) -> StoreResult<Vec<NeedCount>> {
        self.read(|conn| {
            use shoman_needs::dsl as n;
            let ids = scope_ids(conn, scope)?;
            let rows: Vec<(String, String, i64)> = shoman_needs::table
                .filter(n::center_id.eq_any(&ids))
                .filter(n::noted_on.between(from, to))
                .group_by((n::kind, n::status))
                .select((n::kind, n::status, count_star()))
                .load(conn)?;
            rows.into_iter()
                .map(|(k, st, count)| {
                    Ok(NeedCount {
                        kind: NeedKind::from_db(&k).ok_or_else(|| bad("need kind"))?,
                        status: NeedStatus::from_db(&st).ok_or_else(|| bad("need status"))?,
                        n: count,
                    })
                })
                .collect()
        })
    }
}
