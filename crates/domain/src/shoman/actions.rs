//! The actions of a support plan: who delivers what by when, followed up as done, not
//! done or changed with the outcome and the next date.

use super::SupportPlans;
use super::model::PlanAction;
use super::rules;
use crate::app::{Ctx, NAME_MAX, NOTES_MAX, changed_fields};
use crate::error::{DomainError, Validator};
use crate::events::Action;
use crate::if_match::IfMatch;
use crate::policy::Permission;
use crate::values::{self, ActionState, BodyKind};
use uuid::Uuid;

#[derive(Debug, Clone, Default)]
pub struct ActionInput {
    pub body_kind: String,
    pub body_name: String,
    pub description: Option<String>,
    pub responsible: String,
    pub due_on: String,
}

/// Changes to an action; absent fields stay.
#[derive(Debug, Clone, Default)]
pub struct ActionUpdate {
    pub body_kind: Option<String>,
    pub body_name: Option<String>,
    pub description: Option<Option<String>>,
    pub responsible: Option<String>,
    pub due_on: Option<String>,
    pub state: Option<String>,
    pub outcome: Option<Option<String>>,
    pub next_on: Option<Option<String>>,
}

impl SupportPlans<'_> {
    /// Adds an action to a plan.
    #[tracing::instrument(name = "support_plans.add_action", skip_all, fields(center_id = ?ctx.actor.center_id, %plan_id))]
    pub fn add_action(
        &self,
        ctx: &Ctx,
        plan_id: Uuid,
        input: ActionInput,
    ) -> Result<PlanAction, DomainError> {
        self.guard(ctx, Action::SupportPlanActionCreate, None, || {
            let center = self.shoman_center(ctx, Permission::CaseWork)?;
            let plan = self.plan_in(center, plan_id)?;
            let mut v = Validator::new();
            let body_kind = v.check(BodyKind::parse("body_kind", &input.body_kind));
            let body_name = v.check(values::name_text(
                "body_name",
                &input.body_name,
                1,
                NAME_MAX,
            ));
            let description = v
                .check(values::optional_prose(
                    "description",
                    input.description.as_deref(),
                    NOTES_MAX,
                ))
                .flatten();
            let responsible = v.check(values::name_text(
                "responsible",
                &input.responsible,
                1,
                NAME_MAX,
            ));
            let due_on = v.check(values::date("due_on", &input.due_on));
            v.finish()?;
            let (Some(body_kind), Some(body_name), Some(responsible), Some(due_on)) =
                (body_kind, body_name, responsible, due_on)
            else {
                return Err(DomainError::Internal(
                    "validator passed with missing values".into(),
                ));
            };
            let now = self.clock.now();
            let a = PlanAction {
                id: Uuid::now_v7(),
                center_id: center,
                plan_id,
                patient_id: plan.patient_id,
                body_kind,
                body_name,
                description,
                responsible,
                due_on,
                state: ActionState::Open,
                outcome: None,
                next_on: None,
                created_by: ctx.actor.user_id,
                version: 1,
                created_at: now,
                updated_at: now,
            };
            let ev = self
                .ev(ctx, Action::SupportPlanActionCreate)
                .resource(a.id)
                .patient(a.patient_id)
                .detail(format!("plan={plan_id}; due_on={due_on}"));
            self.store.insert_plan_action(&a, &ev)
        })
    }

    /// Reads one action (an access event naming the patient).
    #[tracing::instrument(name = "support_plans.action", skip_all, fields(center_id = ?ctx.actor.center_id, %plan_id, %id))]
    pub fn action(&self, ctx: &Ctx, plan_id: Uuid, id: Uuid) -> Result<PlanAction, DomainError> {
        self.guard(ctx, Action::SupportPlanActionRead, Some(id), || {
            let center = self.shoman_center(ctx, Permission::CaseWork)?;
            let a = self
                .store
                .plan_action(center, plan_id, id)?
                .ok_or(DomainError::NotFound)?;
            self.log_read(ctx, Action::SupportPlanActionRead, id, a.patient_id)?;
            Ok(a)
        })
    }

    /// A plan's actions by due day (an access event naming the patient).
    #[tracing::instrument(name = "support_plans.actions", skip_all, fields(center_id = ?ctx.actor.center_id, %plan_id))]
    pub fn actions(&self, ctx: &Ctx, plan_id: Uuid) -> Result<Vec<PlanAction>, DomainError> {
        self.guard(ctx, Action::SupportPlanActionList, Some(plan_id), || {
            let center = self.shoman_center(ctx, Permission::CaseWork)?;
            let p = self.plan_in(center, plan_id)?;
            let list = self.store.plan_actions(center, plan_id)?;
            self.log_access(
                self.ev(ctx, Action::SupportPlanActionList)
                    .resource(plan_id)
                    .patient(p.patient_id)
                    .detail(format!("count={}", list.len())),
            )?;
            Ok(list)
        })
    }

    /// Changes an action or follows it up (done, not done, changed: with the outcome).
    #[tracing::instrument(name = "support_plans.update_action", skip_all, fields(center_id = ?ctx.actor.center_id, %plan_id, %id))]
    pub fn update_action(
        &self,
        ctx: &Ctx,
        plan_id: Uuid,
        id: Uuid,
        if_match: IfMatch,
        input: ActionUpdate,
    ) -> Result<PlanAction, DomainError> {
        self.guard(ctx, Action::SupportPlanActionUpdate, Some(id), || {
            let center = self.shoman_center(ctx, Permission::CaseWork)?;
            let current = self
                .store
                .plan_action(center, plan_id, id)?
                .ok_or(DomainError::NotFound)?;
            let expected_version = if_match.against(current.version)?;
            let mut a = current.clone();
            let mut v = Validator::new();
            if let Some(k) = input
                .body_kind
                .as_deref()
                .and_then(|k| v.check(BodyKind::parse("body_kind", k)))
            {
                a.body_kind = k;
            }
            if let Some(n) = input
                .body_name
                .as_deref()
                .and_then(|n| v.check(values::name_text("body_name", n, 1, NAME_MAX)))
            {
                a.body_name = n;
            }
            if let Some(d) = &input.description
                && let Some(d) = v.check(values::optional_prose(
                    "description",
                    d.as_deref(),
                    NOTES_MAX,
                ))
            {
                a.description = d;
            }
            if let Some(r) = input
                .responsible
                .as_deref()
                .and_then(|r| v.check(values::name_text("responsible", r, 1, NAME_MAX)))
            {
                a.responsible = r;
            }
            if let Some(d) = input
                .due_on
                .as_deref()
                .and_then(|d| v.check(values::date("due_on", d)))
            {
                a.due_on = d;
            }
            if let Some(s) = input
                .state
                .as_deref()
                .and_then(|s| v.check(ActionState::parse("state", s)))
            {
                a.state = s;
            }
            if let Some(o) = &input.outcome
                && let Some(o) = v.check(values::optional_prose("outcome", o.as_deref(), NOTES_MAX))
            {
                a.outcome = o;
            }
            if let Some(n) = &input.next_on {
                match n.as_deref().filter(|s| !s.trim().is_empty()) {
                    None => a.next_on = None,
                    Some(n) => {
                        if let Some(d) = v.check(values::date("next_on", n)) {
                            a.next_on = Some(d);
                        }
                    }
                }
            }
            v.finish()?;
            rules::action_outcome_required(a.state, a.outcome.as_deref())
                .map_err(|e| DomainError::Validation(vec![e]))?;
            a.updated_at = self.clock.now();
            let ev = self
                .ev(ctx, Action::SupportPlanActionUpdate)
                .resource(id)
                .patient(a.patient_id)
                .detail(changed_fields(&[
                    ("body_kind", a.body_kind != current.body_kind),
                    ("body_name", a.body_name != current.body_name),
                    ("description", a.description != current.description),
                    ("responsible", a.responsible != current.responsible),
                    ("due_on", a.due_on != current.due_on),
                    ("state", a.state != current.state),
                    ("outcome", a.outcome != current.outcome),
                    ("next_on", a.next_on != current.next_on),
                ]));
            self.store.save_plan_action(&a, expected_version, &ev)
        })
    }
}
