//! 小慢 任意事業: the optional projects a center runs beside the mandatory consultation
//! project — 療養生活支援 (respite), 相互交流支援 (exchange), 就職支援 (employment), 介護者支援
//! (caregiver) and その他 — each session held with the children and families who came (named
//! only with a consent in force), and the register of needs (ニーズ) the center sees and no
//! one meets, coded so they can be counted. Open only in a center that runs the `shoman`
//! program (403 `program_not_offered` elsewhere); who may read and write is
//! [`policy::shoman_projects`].
//!
//! The use cases sit behind one facade, `services.shoman_projects()`: projects
//! (`project.rs`), sessions (`sessions.rs`), needs (`needs.rs`), the figures
//! (`figures.rs`); the rules are pure functions in `rules.rs`.

pub mod figures;
mod model;
mod needs;
mod project;
mod reports;
pub mod rules;
mod sessions;

pub use figures::{ImplementationReport, NeedsReport, ProjectsReport};
pub use model::{
    Need, NeedCount, Participant, Project, ProjectFact, ProjectSession, SessionCount, ShomanCenter,
};
pub use needs::{NeedInput, NeedQuery, NeedUpdate};
pub use project::{ProjectInput, ProjectQuery, ProjectUpdate};
pub use sessions::{ParticipantInput, SessionInput, SessionUpdate};

use crate::app::Ctx;
use crate::error::DomainError;
use crate::events::Action;
use crate::policy;
use crate::values::Program;
use std::collections::BTreeSet;
use uuid::Uuid;

crate::facade!(
    /// 小慢 optional projects, their sessions, the needs register and their figures:
    /// `services.shoman_projects()`.
    ShomanProjects,
    shoman_projects
);

impl ShomanProjects<'_> {
    /// The caller's center where it runs the `shoman` program (403 `program_not_offered`
    /// elsewhere); `write` for a change.
    fn shoman_center(&self, ctx: &Ctx, write: bool) -> Result<Uuid, DomainError> {
        let center = policy::shoman_projects(&ctx.actor, write)?;
        let c = self.store.center(center)?.ok_or(DomainError::NotFound)?;
        policy::program_offered(&c, Program::Shoman)?;
        Ok(center)
    }

    /// A project of the caller's center (404 for another center's, like a missing one).
    fn project_in(&self, center: Uuid, id: Uuid) -> Result<Project, DomainError> {
        self.store.project(center, id)?.ok_or(DomainError::NotFound)
    }

    /// Logs a read that answers records naming these patients: one access event per
    /// patient (so the trail of each names the read), or one naming nobody. Durable before
    /// the data is answered.
    fn log_named_read(
        &self,
        ctx: &Ctx,
        action: Action,
        resource: Uuid,
        patients: impl IntoIterator<Item = Uuid>,
        detail: &str,
    ) -> Result<(), DomainError> {
        let named: BTreeSet<Uuid> = patients.into_iter().collect();
        let base = self.ev(ctx, action).resource(resource).detail(detail);
        if named.is_empty() {
            return self.log_access(base);
        }
        for p in named {
            self.log_access(base.clone().patient(p))?;
        }
        Ok(())
    }
}
