//! The sessions of a project: when, what, where, by whom, for how many, and the children
//! and families named with their consent.

use super::ShomanProjects;
use super::model::{Participant, ProjectSession};
use super::rules;
use crate::app::{Ctx, NAME_MAX, NOTES_MAX, changed_fields};
use crate::audit::AuditDraft;
use crate::error::{DomainError, FieldError, Validator};
use crate::events::Action;
use crate::if_match::IfMatch;
use crate::page::{Page, PageRequest};
use crate::ports::Scope;
use crate::values::{self, ParticipantRole, SessionActivity};
use chrono::NaiveDate;
use uuid::Uuid;

#[derive(Debug, Clone, Default)]
pub struct ParticipantInput {
    pub patient_id: Uuid,
    pub role: String,
}

#[derive(Debug, Clone, Default)]
pub struct SessionInput {
    pub held_on: String,
    pub activity: String,
    pub place: Option<String>,
    pub online: bool,
    pub staff_ids: Vec<Uuid>,
    pub children_count: i32,
    pub family_count: i32,
    pub participants: Vec<ParticipantInput>,
    pub notes: Option<String>,
}

/// Changes to a session; absent fields stay, `Some(None)` clears. `participants` replaces
/// the list.
#[derive(Debug, Clone, Default)]
pub struct SessionUpdate {
    pub held_on: Option<String>,
    pub activity: Option<String>,
    pub place: Option<Option<String>>,
    pub online: Option<bool>,
    pub staff_ids: Option<Vec<Uuid>>,
    pub children_count: Option<i32>,
    pub family_count: Option<i32>,
    pub participants: Option<Vec<ParticipantInput>>,
    pub notes: Option<Option<String>>,
}

fn parse_participants(v: &mut Validator, raw: &[ParticipantInput]) -> Vec<Participant> {
    let mut out: Vec<Participant> = raw
        .iter()
        .enumerate()
        .filter_map(|(i, p)| {
            v.check(ParticipantRole::parse(
                &format!("participants[{i}].role"),
                &p.role,
            ))
            .map(|role| Participant {
                patient_id: p.patient_id,
                role,
            })
        })
        .collect();
    out.sort();
    out
}

fn staff_list(raw: &[Uuid]) -> Vec<Uuid> {
    let mut ids = raw.to_vec();
    ids.sort();
    ids.dedup();
    ids
}

impl ShomanProjects<'_> {
    /// Records a session of a project.
    #[tracing::instrument(name = "shoman_projects.create_session", skip_all, fields(center_id = ?ctx.actor.center_id, %project_id))]
    pub fn create_session(
        &self,
        ctx: &Ctx,
        project_id: Uuid,
        input: SessionInput,
    ) -> Result<ProjectSession, DomainError> {
        self.guard(ctx, Action::ProjectSessionCreate, None, || {
            let center = self.shoman_center(ctx, true)?;
            let project = self.project_in(center, project_id)?;
            let mut v = Validator::new();
            let held_on = v.check(values::date("held_on", &input.held_on));
            let activity = v.check(SessionActivity::parse("activity", &input.activity));
            let place = v
                .check(values::optional_text(
                    "place",
                    input.place.as_deref(),
                    NAME_MAX,
                ))
                .flatten();
            let notes = v
                .check(values::optional_prose(
                    "notes",
                    input.notes.as_deref(),
                    NOTES_MAX,
                ))
                .flatten();
            let participants = parse_participants(&mut v, &input.participants);
            for e in
                rules::participant_counts(input.children_count, input.family_count, &participants)
            {
                v.push(e);
            }
            let staff_ids = staff_list(&input.staff_ids);
            self.check_staff(&mut v, center, &staff_ids)?;
            v.finish()?;
            let (Some(held_on), Some(activity)) = (held_on, activity) else {
                return Err(DomainError::Internal(
                    "validator passed with missing values".into(),
                ));
            };
            rules::check_activity(project.kind, activity)?;
            self.check_participants(center, held_on, &participants)?;
            let now = self.clock.now();
            let s = ProjectSession {
                id: Uuid::now_v7(),
                center_id: center,
                project_id,
                held_on,
                activity,
                place,
                online: input.online,
                staff_ids,
                children_count: input.children_count,
                family_count: input.family_count,
                participants,
                notes,
                created_by: ctx.actor.user_id,
                version: 1,
                created_at: now,
                updated_at: now,
            };
            let events = self.session_events(
                ctx,
                Action::ProjectSessionCreate,
                &s,
                &[],
                format!("project={project_id}; held_on={held_on}"),
            );
            self.store.insert_project_session(&s, &events)
        })
    }

    /// Reads a session: an access event naming each named participant.
    #[tracing::instrument(name = "shoman_projects.session", skip_all, fields(center_id = ?ctx.actor.center_id, %id))]
    pub fn session(&self, ctx: &Ctx, id: Uuid) -> Result<ProjectSession, DomainError> {
        self.guard(ctx, Action::ProjectSessionRead, Some(id), || {
            let center = self.shoman_center(ctx, false)?;
            let s = self
                .store
                .project_session(center, id)?
                .ok_or(DomainError::NotFound)?;
            self.log_named_read(
                ctx,
                Action::ProjectSessionRead,
                id,
                s.participants.iter().map(|p| p.patient_id),
                &format!("project={}", s.project_id),
            )?;
            Ok(s)
        })
    }

    /// A project's sessions in creation order: an access event naming each participant
    /// named on the page.
    #[tracing::instrument(name = "shoman_projects.sessions", skip_all, fields(center_id = ?ctx.actor.center_id, %project_id))]
    pub fn sessions(
        &self,
        ctx: &Ctx,
        project_id: Uuid,
        page: PageRequest,
    ) -> Result<Page<ProjectSession>, DomainError> {
        self.guard(ctx, Action::ProjectSessionList, Some(project_id), || {
            let center = self.shoman_center(ctx, false)?;
            self.project_in(center, project_id)?;
            let found = self.store.project_sessions(center, project_id, page)?;
            self.log_named_read(
                ctx,
                Action::ProjectSessionList,
                project_id,
                found
                    .items
                    .iter()
                    .flat_map(|s| s.participants.iter().map(|p| p.patient_id)),
                &format!("count={}", found.items.len()),
            )?;
            Ok(found)
        })
    }

    /// Changes a session; its activity must still fit the project, and every named
    /// participant must have a consent in force on its day.
    #[tracing::instrument(name = "shoman_projects.update_session", skip_all, fields(center_id = ?ctx.actor.center_id, %id))]
    pub fn update_session(
        &self,
        ctx: &Ctx,
        id: Uuid,
        if_match: IfMatch,
        input: SessionUpdate,
    ) -> Result<ProjectSession, DomainError> {
        self.guard(ctx, Action::ProjectSessionUpdate, Some(id), || {
            let center = self.shoman_center(ctx, true)?;
            let current = self
                .store
                .project_session(center, id)?
                .ok_or(DomainError::NotFound)?;
            let expected_version = if_match.against(current.version)?;
            let project = self.project_in(center, current.project_id)?;
            let mut s = current.clone();
            let mut v = Validator::new();
            if let Some(d) = input
                .held_on
                .as_deref()
                .and_then(|d| v.check(values::date("held_on", d)))
            {
                s.held_on = d;
            }
            if let Some(a) = input
                .activity
                .as_deref()
                .and_then(|a| v.check(SessionActivity::parse("activity", a)))
            {
                s.activity = a;
            }
            if let Some(p) = &input.place
                && let Some(p) = v.check(values::optional_text("place", p.as_deref(), NAME_MAX))
            {
                s.place = p;
            }
            if let Some(o) = input.online {
                s.online = o;
            }
            if let Some(ids) = &input.staff_ids {
                s.staff_ids = staff_list(ids);
                self.check_staff(&mut v, center, &s.staff_ids)?;
            }
            if let Some(n) = input.children_count {
                s.children_count = n;
            }
            if let Some(n) = input.family_count {
                s.family_count = n;
            }
            if let Some(p) = &input.participants {
                s.participants = parse_participants(&mut v, p);
            }
            if let Some(n) = &input.notes
                && let Some(n) = v.check(values::optional_prose("notes", n.as_deref(), NOTES_MAX))
            {
                s.notes = n;
            }
            for e in rules::participant_counts(s.children_count, s.family_count, &s.participants) {
                v.push(e);
            }
            v.finish()?;
            rules::check_activity(project.kind, s.activity)?;
            // A changed day or list is checked again: consent is judged on the session's day.
            if s.held_on != current.held_on || s.participants != current.participants {
                self.check_participants(center, s.held_on, &s.participants)?;
            }
            s.updated_at = self.clock.now();
            let detail = changed_fields(&[
                ("held_on", s.held_on != current.held_on),
                ("activity", s.activity != current.activity),
                ("place", s.place != current.place),
                ("online", s.online != current.online),
                ("staff_ids", s.staff_ids != current.staff_ids),
                ("children_count", s.children_count != current.children_count),
                ("family_count", s.family_count != current.family_count),
                ("participants", s.participants != current.participants),
                ("notes", s.notes != current.notes),
            ]);
            let events = self.session_events(
                ctx,
                Action::ProjectSessionUpdate,
                &s,
                &current.participants,
                detail,
            );
            self.store
                .save_project_session(&s, expected_version, &events)
        })
    }

    /// The staff named must be active users of the center.
    fn check_staff(
        &self,
        v: &mut Validator,
        center: Uuid,
        ids: &[Uuid],
    ) -> Result<(), DomainError> {
        for id in ids {
            match self.store.user(Scope::Center(center), *id)? {
                Some(u) if u.active => {}
                _ => v.push(FieldError::new(
                    "staff_ids",
                    "unknown_user",
                    format!("{id} is not an active user of your center"),
                )),
            }
        }
        Ok(())
    }

    /// Each named participant is a patient of the center with a consent in force on the
    /// session's day (any scope: being named in the center's own record of a session is
    /// what the family agreed to). 422 `participant_not_found` or
    /// `participant_without_consent`.
    fn check_participants(
        &self,
        center: Uuid,
        held_on: NaiveDate,
        participants: &[Participant],
    ) -> Result<(), DomainError> {
        let mut checked = std::collections::BTreeSet::new();
        for p in participants {
            if !checked.insert(p.patient_id) {
                continue;
            }
            if self.store.patient(center, p.patient_id)?.is_none() {
                return Err(DomainError::rule(
                    "participant_not_found",
                    format!("{} is not a patient of your center", p.patient_id),
                ));
            }
            let consents = self.store.consents(center, p.patient_id)?;
            if !consents.iter().any(|c| c.in_force_on(held_on)) {
                return Err(DomainError::rule(
                    "participant_without_consent",
                    format!(
                        "{} has no consent in force on {held_on}: record the participant in the counts only",
                        p.patient_id
                    ),
                ));
            }
        }
        Ok(())
    }

    /// A change's events: one per patient named before or after it (each patient's trail
    /// shows the change), or one naming nobody.
    fn session_events(
        &self,
        ctx: &Ctx,
        action: Action,
        s: &ProjectSession,
        before: &[Participant],
        detail: String,
    ) -> Vec<AuditDraft> {
        let base = self.ev(ctx, action).resource(s.id).detail(detail);
        let named: std::collections::BTreeSet<Uuid> = s
            .participants
            .iter()
            .chain(before)
            .map(|p| p.patient_id)
            .collect();
        if named.is_empty() {
            vec![base]
        } else {
            named.into_iter().map(|p| super::naming(&base, p)).collect()
        }
    }
}
