//! A supervisor's review of a submitted support plan: approved (which schedules the next
//! review) or returned with a comment. Four eyes: never on a plan the supervisor wrote or
//! submitted. Reviews are kept as history.

use super::SupportPlans;
use super::model::{PlanReview, SupportPlan};
use super::rules;
use crate::app::{Ctx, NOTES_MAX};
use crate::error::{DomainError, FieldError, Validator};
use crate::events::Action;
use crate::policy::{self, Permission};
use crate::ports::PlanEffects;
use crate::supervision::rules::comment_required;
use crate::values::{self, ReviewDecision};
use uuid::Uuid;

impl SupportPlans<'_> {
    /// Approves or returns the plan's submitted revision. `review_due_on` (after today)
    /// sets the next review on approval; without it, six months on.
    #[tracing::instrument(name = "support_plans.review", skip_all, fields(center_id = ?ctx.actor.center_id, %plan_id))]
    pub fn review(
        &self,
        ctx: &Ctx,
        plan_id: Uuid,
        decision: &str,
        comment: Option<&str>,
        review_due_on: Option<&str>,
    ) -> Result<(SupportPlan, PlanReview), DomainError> {
        self.guard(ctx, Action::SupportPlanApprove, Some(plan_id), || {
            let center = self.shoman_center(ctx, Permission::Supervise)?;
            let today = self.today();
            let mut v = Validator::new();
            let decision = v.check(ReviewDecision::parse("decision", decision));
            let comment = v
                .check(values::optional_prose("comment", comment, NOTES_MAX))
                .flatten();
            let given = review_due_on
                .and_then(|d| v.check(values::date("review_due_on", d)))
                .and_then(|d| v.check(rules::given_review_due("review_due_on", d, today)));
            if decision.is_some_and(|d| comment_required(d, comment.as_deref())) {
                v.push(FieldError::new(
                    "comment",
                    "required",
                    "say what to revise when returning a plan",
                ));
            }
            if decision == Some(ReviewDecision::Returned) && review_due_on.is_some() {
                v.push(FieldError::new(
                    "review_due_on",
                    "not_allowed",
                    "a review is scheduled only when a plan is approved",
                ));
            }
            v.finish()?;
            let Some(decision) = decision else {
                return Err(DomainError::Internal(
                    "validator passed without a decision".into(),
                ));
            };
            let current = self.plan_in(center, plan_id)?;
            policy::review_plan(&ctx.actor, current.author_id, current.submitted_by)?;
            let mut p = current.clone();
            p.state = rules::after_review(current.state, decision)?;
            let now = self.clock.now();
            let due = (decision == ReviewDecision::Approved)
                .then(|| rules::next_review_due(today, given));
            if let Some(d) = due {
                p.review_due_on = Some(d);
                p.approved_on = Some(today);
            }
            p.updated_at = now;
            let review = PlanReview {
                id: Uuid::now_v7(),
                center_id: center,
                plan_id,
                revision: current.revision,
                reviewer_id: ctx.actor.user_id,
                decision,
                comment,
                review_due_on: due,
                created_at: now,
            };
            let action = match decision {
                ReviewDecision::Approved => Action::SupportPlanApprove,
                ReviewDecision::Returned => Action::SupportPlanReturn,
            };
            let mut detail = format!(
                "decision={}; revision={}",
                decision.as_str(),
                current.revision
            );
            if let Some(d) = due {
                detail.push_str(&format!("; review_due_on={d}"));
            }
            let ev = self
                .ev(ctx, action)
                .resource(plan_id)
                .patient(p.patient_id)
                .detail(detail);
            let effects = PlanEffects {
                version: None,
                review: Some(&review),
            };
            let p = self
                .store
                .save_support_plan(&p, current.version, effects, &ev)?;
            Ok((p, review))
        })
    }

    /// A plan's reviews, oldest first (an access event naming the patient).
    #[tracing::instrument(name = "support_plans.reviews", skip_all, fields(center_id = ?ctx.actor.center_id, %plan_id))]
    pub fn reviews(&self, ctx: &Ctx, plan_id: Uuid) -> Result<Vec<PlanReview>, DomainError> {
        self.guard(ctx, Action::SupportPlanReviewList, Some(plan_id), || {
            let center = self.shoman_center(ctx, Permission::CaseWork)?;
            let p = self.plan_in(center, plan_id)?;
            let list = self.store.plan_reviews(center, plan_id)?;
            self.log_access(
                self.ev(ctx, Action::SupportPlanReviewList)
                    .resource(plan_id)
                    .patient(p.patient_id)
                    .detail(format!("count={}", list.len())),
            )?;
            Ok(list)
        })
    }
}
