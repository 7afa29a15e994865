//! Supervision (監査): a supervisor's reviews of referrals, the audit queue, notifications,
//! the follow-up summary, and the audit trail with its verification. The rules they apply
//! are in [`rules`]; each part's use cases sit behind a facade: `services.reviews()`,
//! `services.audit_queue()`, `services.notifications()`, `services.supervision_summary()`,
//! `services.audit_trail()`.

pub mod audit_trail;
pub mod notifications;
pub mod queue;
pub mod reviews;
pub mod rules;
pub mod summary;

pub use audit_trail::{AuditQuery, AuditTrail, EXPORT_MAX};
pub use notifications::{Notification, Notifications};
pub use queue::{AuditQueue, QueueItem};
pub use reviews::Reviews;
pub use rules::{QueueReason, sampled};
pub use summary::{Summary, SummaryRow, SupervisionSummary};

use crate::entities::Actor;
use crate::error::DomainError;
use crate::policy::{self, Permission};
use uuid::Uuid;

/// Supervision is the supervisor's: the 管理責任者 of a center ([`Permission::Supervise`]).
fn require_supervisor(actor: &Actor) -> Result<Uuid, DomainError> {
    policy::permit_in_center(actor, Permission::Supervise)
}
