//! Support plans: drafted, revised, submitted, read and listed.

use super::SupportPlans;
use super::model::{Goal, GoalInput, PlanVersion, SupportPlan};
use super::rules::{self, PLAN_TEXT_MAX};
use crate::app::{Ctx, changed_fields};
use crate::entities::{Actor, PatientLabel};
use crate::error::{DomainError, FieldError, Validator};
use crate::events::Action;
use crate::if_match::IfMatch;
use crate::page::{Page, PageRequest};
use crate::policy::{self, Permission};
use crate::ports::{PlanEffects, PlanFilter, ReviewDue, Scope};
use crate::values::{self, PlanState, Program};
use chrono::NaiveDate;
use uuid::Uuid;

#[derive(Debug, Clone, Default)]
pub struct PlanInput {
    pub patient_id: Uuid,
    pub situation: Option<String>,
    pub wishes: Option<String>,
    pub goals: Vec<GoalInput>,
    /// Whose plan it is: the caller unless a supervisor names a colleague; an API client
    /// always names one.
    pub author_id: Option<Uuid>,
}

/// Changes to a plan; absent fields stay. `state: "submitted"` submits it for review.
#[derive(Debug, Clone, Default)]
pub struct PlanUpdate {
    pub situation: Option<Option<String>>,
    pub wishes: Option<Option<String>>,
    pub goals: Option<Vec<GoalInput>>,
    pub state: Option<String>,
}

#[derive(Debug, Clone, Default)]
pub struct PlanQuery {
    pub patient_id: Option<Uuid>,
    pub state: Option<String>,
    /// `overdue` or `scheduled`.
    pub review_due: Option<String>,
    pub action_overdue: Option<bool>,
}

fn parse_goals(v: &mut Validator, raw: &[GoalInput], today: NaiveDate) -> Option<Vec<Goal>> {
    v.check(rules::goals("goals", raw, today))
}

fn prose(v: &mut Validator, field: &str, raw: Option<&str>) -> Option<Option<String>> {
    v.check(values::optional_prose(field, raw, PLAN_TEXT_MAX))
}

impl SupportPlans<'_> {
    /// Drafts a support plan for a 小慢 patient of the caller's center.
    #[tracing::instrument(name = "support_plans.create", skip_all, fields(center_id = ?ctx.actor.center_id, patient_id = %input.patient_id))]
    pub fn create(&self, ctx: &Ctx, input: PlanInput) -> Result<SupportPlan, DomainError> {
        self.guard(ctx, Action::SupportPlanCreate, None, || {
            let center = self.shoman_center(ctx, Permission::CaseWork)?;
            let mut v = Validator::new();
            let situation = prose(&mut v, "situation", input.situation.as_deref()).flatten();
            let wishes = prose(&mut v, "wishes", input.wishes.as_deref()).flatten();
            let goals = parse_goals(&mut v, &input.goals, self.today()).unwrap_or_default();
            let patient = self.store.patient(center, input.patient_id)?;
            if patient.is_none() {
                v.push(FieldError::new(
                    "patient_id",
                    "not_found",
                    "no such patient in your center",
                ));
            }
            v.finish()?;
            let Some(patient) = patient else {
                return Err(DomainError::NotFound);
            };
            if patient.program != Program::Shoman {
                return Err(DomainError::rule(
                    "patient_not_shoman",
                    "support plans are for patients of the 小慢 (shoman) program",
                ));
            }
            let author = self.author(&ctx.actor, center, input.author_id)?;
            let now = self.clock.now();
            let mut plan = SupportPlan {
                id: Uuid::now_v7(),
                center_id: center,
                patient_id: patient.id,
                state: PlanState::Draft,
                revision: 1,
                situation,
                wishes,
                goals,
                review_due_on: None,
                approved_on: None,
                author_id: author,
                submitted_by: None,
                created_by: ctx.actor.user_id,
                version: 1,
                created_at: now,
                updated_at: now,
            };
            let ev = self
                .ev(ctx, Action::SupportPlanCreate)
                .resource(plan.id)
                .patient(plan.patient_id);
            plan.updated_at = self.store.insert_support_plan(&plan, &ev)?;
            Ok(plan)
        })
    }

    /// Reads a plan (an access event naming the patient).
    #[tracing::instrument(name = "support_plans.get", skip_all, fields(center_id = ?ctx.actor.center_id, %id))]
    pub fn get(&self, ctx: &Ctx, id: Uuid) -> Result<SupportPlan, DomainError> {
        self.guard(ctx, Action::SupportPlanRead, Some(id), || {
            let center = self.shoman_center(ctx, Permission::CaseWork)?;
            let p = self.plan_in(center, id)?;
            self.log_read(ctx, Action::SupportPlanRead, id, p.patient_id)?;
            Ok(p)
        })
    }

    /// Plans of the center: by `patient_id`, `state`, their next review (`overdue`,
    /// `scheduled`; Asia/Tokyo days) and whether an action is overdue.
    #[tracing::instrument(name = "support_plans.list", skip_all, fields(center_id = ?ctx.actor.center_id))]
    pub fn list(
        &self,
        ctx: &Ctx,
        q: PlanQuery,
        page: PageRequest,
    ) -> Result<Page<(SupportPlan, Option<PatientLabel>)>, DomainError> {
        self.guard(ctx, Action::SupportPlanList, None, || {
            let center = self.shoman_center(ctx, Permission::CaseWork)?;
            let filter = filter(&q, self.today())?;
            let found = self.store.support_plans(center, &filter, page)?;
            let query: Vec<String> = [
                ("patient_id", q.patient_id.map(|x| x.to_string())),
                ("state", q.state.clone()),
                ("review_due", q.review_due.clone()),
                ("action_overdue", q.action_overdue.map(|x| x.to_string())),
            ]
            .into_iter()
            .filter_map(|(k, v)| v.map(|v| format!("{k}={v}")))
            .collect();
            self.log_list(
                ctx,
                Action::SupportPlanList,
                &query.join("; "),
                found.items.len(),
            )?;
            // Lists show whose plan it is: one read of the page's children, not one per row.
            let mut ids: Vec<Uuid> = found.items.iter().map(|p| p.patient_id).collect();
            ids.sort();
            ids.dedup();
            let labels = self.store.patient_labels(center, &ids)?;
            Ok(found.map(|p| {
                let label = labels.iter().find(|l| l.id == p.patient_id).cloned();
                (p, label)
            }))
        })
    }

    /// Edits a plan and/or submits it (see [`rules::after_edit`]). A submission keeps the
    /// revision as it was submitted.
    #[tracing::instrument(name = "support_plans.update", skip_all, fields(center_id = ?ctx.actor.center_id, %id))]
    pub fn update(
        &self,
        ctx: &Ctx,
        id: Uuid,
        if_match: IfMatch,
        input: PlanUpdate,
    ) -> Result<SupportPlan, DomainError> {
        self.guard(ctx, Action::SupportPlanUpdate, Some(id), || {
            let center = self.shoman_center(ctx, Permission::CaseWork)?;
            let current = self.plan_in(center, id)?;
            let expected_version = if_match.against(current.version)?;
            let mut v = Validator::new();
            let mut p = current.clone();
            if let Some(s) = &input.situation
                && let Some(s) = prose(&mut v, "situation", s.as_deref())
            {
                p.situation = s;
            }
            if let Some(w) = &input.wishes
                && let Some(w) = prose(&mut v, "wishes", w.as_deref())
            {
                p.wishes = w;
            }
            if let Some(g) = &input.goals
                && let Some(g) = parse_goals(&mut v, g, self.today())
            {
                p.goals = g;
            }
            let submit = match input.state.as_deref() {
                None => false,
                Some("submitted") => true,
                Some(_) => {
                    v.push(FieldError::new(
                        "state",
                        "invalid_choice",
                        "a plan is only submitted here (`submitted`); supervisors approve or return it with a review",
                    ));
                    false
                }
            };
            v.finish()?;
            let edits = p.situation != current.situation
                || p.wishes != current.wishes
                || p.goals != current.goals;
            let (state, revision) =
                rules::after_edit(current.state, current.revision, edits, submit)?;
            p.state = state;
            p.revision = revision;
            let now = self.clock.now();
            p.updated_at = now;
            let snapshot = if submit {
                rules::ready_to_submit(p.situation.as_deref(), p.wishes.as_deref(), &p.goals)?;
                p.submitted_by = Some(ctx.actor.user_id);
                Some(PlanVersion {
                    id: Uuid::now_v7(),
                    center_id: center,
                    plan_id: id,
                    revision,
                    situation: p.situation.clone(),
                    wishes: p.wishes.clone(),
                    goals: p.goals.clone(),
                    review_due_on: p.review_due_on,
                    submitted_by: ctx.actor.user_id,
                    submitted_at: now,
                })
            } else {
                None
            };
            let action = if submit {
                Action::SupportPlanSubmit
            } else {
                Action::SupportPlanUpdate
            };
            let ev = self
                .ev(ctx, action)
                .resource(id)
                .patient(p.patient_id)
                .detail(format!(
                    "{}; revision={revision}",
                    changed_fields(&[
                        ("situation", p.situation != current.situation),
                        ("wishes", p.wishes != current.wishes),
                        ("goals", p.goals != current.goals),
                        ("state", p.state != current.state),
                    ])
                ));
            let effects = PlanEffects {
                version: snapshot.as_ref(),
                review: None,
            };
            self.store
                .save_support_plan(&p, expected_version, effects, &ev)
        })
    }

    /// The revisions as they were submitted, oldest first (an access event naming the
    /// patient).
    #[tracing::instrument(name = "support_plans.versions", skip_all, fields(center_id = ?ctx.actor.center_id, %id))]
    pub fn versions(&self, ctx: &Ctx, id: Uuid) -> Result<Vec<PlanVersion>, DomainError> {
        self.guard(ctx, Action::SupportPlanVersions, Some(id), || {
            let center = self.shoman_center(ctx, Permission::CaseWork)?;
            let p = self.plan_in(center, id)?;
            let list = self.store.plan_versions(center, id)?;
            self.log_access(
                self.ev(ctx, Action::SupportPlanVersions)
                    .resource(id)
                    .patient(p.patient_id)
                    .detail(format!("count={}", list.len())),
            )?;
            Ok(list)
        })
    }

    /// Whose plan it is: the caller's unless someone is named, which is a supervisor's call
    /// (or a client's, which always names a case worker of the center).
    fn author(
        &self,
        actor: &Actor,
        center: Uuid,
        named: Option<Uuid>,
    ) -> Result<Uuid, DomainError> {
        match named {
            None if actor.is_client() => Err(DomainError::field(
                "author_id",
                "required",
                "an API client names the staff member whose plan it records",
            )),
            None => Ok(actor.user_id),
            Some(id) if id == actor.user_id && !actor.is_client() => Ok(id),
            Some(id) => {
                if !actor.is_client() {
                    policy::act_for_colleague(actor)?;
                }
                match self.store.user(Scope::Center(center), id)? {
                    Some(u) if u.active && policy::can_do_case_work(u.role) => Ok(u.id),
                    _ => Err(DomainError::field(
                        "author_id",
                        "unknown_user",
                        "must be an active case worker of your center",
                    )),
                }
            }
        }
    }
}

/// The list's filter from the query.
fn filter(q: &PlanQuery, today: chrono::NaiveDate) -> Result<PlanFilter, DomainError> {
    let mut v = Validator::new();
    let state = q
        .state
        .as_deref()
        .filter(|s| !s.is_empty())
        .and_then(|s| v.check(PlanState::parse("state", s)));
    let review_due = match q.review_due.as_deref() {
        None | Some("") => None,
        Some("overdue") => Some(ReviewDue::Overdue),
        Some("scheduled") => Some(ReviewDue::Scheduled),
        Some(_) => {
            v.push(FieldError::new(
                "review_due",
                "invalid_choice",
                "must be one of: overdue, scheduled",
            ));
            None
        }
    };
    v.finish()?;
    Ok(PlanFilter {
        patient_id: q.patient_id,
        state,
        review_due,
        action_overdue: q.action_overdue.unwrap_or(false),
        today,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn list_filters_parse_or_say_what_is_wrong() {
        let today = chrono::NaiveDate::from_ymd_opt(2026, 6, 1).unwrap();
        let f = filter(
            &PlanQuery {
                state: Some("approved".into()),
                review_due: Some("overdue".into()),
                ..PlanQuery::default()
            },
            today,
        )
        .unwrap();
        assert_eq!(f.state, Some(PlanState::Approved));
        assert_eq!(f.review_due, Some(ReviewDue::Overdue));
        assert!(!f.action_overdue);
        match filter(
            &PlanQuery {
                state: Some("done".into()),
                review_due: Some("late".into()),
                ..PlanQuery::default()
            },
            today,
        ) {
            Err(DomainError::Validation(e)) => {
                let fields: Vec<&str> = e.iter().map(|x| x.field.as_str()).collect();
                assert_eq!(fields, ["state", "review_due"]);
            }
            other => panic!("{other:?}"),
        }
    }
}
