//! A supervisor's review of a referral's follow-up work: approved, or returned with a
//! comment. Reviews are kept as history.

use super::rules::{after_review, comment_required};
use crate::app::Ctx;
use crate::entities::{Referral, Review};
use crate::error::{DomainError, FieldError, Validator};
use crate::events::Action;
use crate::policy::{self, Permission};
use crate::values::{self, ReviewDecision};
use uuid::Uuid;

const COMMENT_MAX: usize = 2000;

crate::facade!(
    /// Reviews of referrals: `services.reviews()`.
    Reviews,
    reviews
);

impl Reviews<'_> {
    /// A supervisor approves a referral's follow-up work or returns it with a comment. Four
    /// eyes: not on a referral the supervisor made or followed up.
    #[tracing::instrument(skip_all, fields(referral_id = %referral_id))]
    pub fn create(
        &self,
        ctx: &Ctx,
        referral_id: Uuid,
        decision: &str,
        comment: Option<&str>,
    ) -> Result<(Referral, Review), DomainError> {
        self.guard(ctx, Action::ReviewApprove, Some(referral_id), || {
            let center = policy::permit_in_center(&ctx.actor, Permission::Supervise)?;
            let mut v = Validator::new();
            let decision = v.check(ReviewDecision::parse("decision", decision));
            let comment = v
                .check(values::optional_prose("comment", comment, COMMENT_MAX))
                .flatten();
            if decision.is_some_and(|d| comment_required(d, comment.as_deref())) {
                v.push(FieldError::new(
                    "comment",
                    "required",
                    "say what to correct when returning a referral",
                ));
            }
            v.finish()?;
            let Some(decision) = decision else {
                return Err(DomainError::Internal(
                    "validator passed without a decision".into(),
                ));
            };
            let r = self
                .store
                .referral(center, referral_id)?
                .ok_or(DomainError::NotFound)?;
            let recorders = self.store.follow_up_recorders(center, referral_id)?;
            policy::review(&ctx.actor, r.consultant_id, r.created_by, &recorders)?;
            let review = Review {
                id: Uuid::now_v7(),
                center_id: center,
                referral_id,
                reviewer_id: ctx.actor.user_id,
                decision,
                comment,
                created_at: self.clock.now(),
            };
            let (state, action) = after_review(decision);
            let ev = self
                .ev(ctx, action)
                .resource(referral_id)
                .patient(r.patient_id)
                .detail(format!("decision={}", decision.as_str()));
            let r = self.store.insert_review(&review, state, r.version, &ev)?;
            Ok((r, review))
        })
    }

    /// A referral's reviews, oldest first (the history is kept).
    #[tracing::instrument(skip_all, fields(referral_id = %referral_id, count = tracing::field::Empty))]
    pub fn list(&self, ctx: &Ctx, referral_id: Uuid) -> Result<Vec<Review>, DomainError> {
        self.guard(ctx, Action::ReviewList, Some(referral_id), || {
            let center = policy::permit_in_center(&ctx.actor, Permission::CaseWork)?;
            let r = self
                .store
                .referral(center, referral_id)?
                .ok_or(DomainError::NotFound)?;
            let list = self.store.reviews(center, referral_id)?;
            tracing::Span::current().record("count", list.len());
            self.log_access(
                self.ev(ctx, Action::ReviewList)
                    .resource(referral_id)
                    .patient(r.patient_id)
                    .detail(format!("count={}", list.len())),
            )?;
            Ok(list)
        })
    }
}
