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
pub use queue::{AuditQueue, Queue, QueueFilter, QueueItem, QueueQuery};
pub use reviews::Reviews;
pub use rules::{QueueReason, sampled};
pub use summary::{Summary, SummaryRow, SupervisionSummary};
