//! 小児慢性特定疾病児童等自立支援事業 (小慢 self-reliance support, 児童福祉法 第19条の22): the
//! 自立支援員's support plans for a child, reviewed by a supervisor (four eyes), versioned,
//! scheduled for review, and the actions they set in motion with the bodies that deliver
//! them. Open only in a center that runs the `shoman` program, and only for patients of
//! that program.
//!
//! The use cases sit behind one facade, `services.support_plans()`: plans (`plans.rs`),
//! reviews (`reviews.rs`), actions (`actions.rs`); the rules are pure functions in
//! `rules.rs`. The optional projects (任意事業), their sessions and the needs register are
//! [`projects`], behind their own facade.

mod actions;
pub mod liaison;
pub mod menu;
mod model;
mod plans;
pub mod projects;
mod reviews;
pub mod rules;

pub use actions::{ActionInput, ActionUpdate};
pub use liaison::{
    Liaison, LiaisonContact, LiaisonFilter, LiaisonInput, LiaisonProvision, LiaisonUpdate,
};
pub use model::{Goal, PlanAction, PlanReview, PlanVersion, SupportPlan};
pub use plans::{GoalInput, PlanInput, PlanQuery, PlanUpdate};

use crate::app::{Ctx, Services};
use crate::error::DomainError;
use crate::policy::{self, Permission};
use crate::values::Program;
use uuid::Uuid;

/// The caller's center, for `p`, where it runs the `shoman` program (403
/// `program_not_offered` elsewhere): the one gate of all 小慢 work (plans, liaison).
pub(crate) fn shoman_center(s: &Services, ctx: &Ctx, p: Permission) -> Result<Uuid, DomainError> {
    let center = policy::permit_in_center(&ctx.actor, p)?;
    let c = s.store.center(center)?.ok_or(DomainError::NotFound)?;
    policy::program_offered(&c, Program::Shoman)?;
    Ok(center)
}

crate::facade!(
    /// 小慢 support plans, their reviews and actions: `services.support_plans()`.
    SupportPlans,
    support_plans
);

impl SupportPlans<'_> {
    /// The caller's center, for `p`, where it runs the `shoman` program (403
    /// `program_not_offered` elsewhere).
    fn shoman_center(&self, ctx: &Ctx, p: Permission) -> Result<Uuid, DomainError> {
        shoman_center(self, ctx, p)
    }

    /// A plan of the caller's center (404 for another center's, like a missing one).
    fn plan_in(&self, center: Uuid, id: Uuid) -> Result<SupportPlan, DomainError> {
        self.store
            .support_plan(center, id)?
            .ok_or(DomainError::NotFound)
    }
}
