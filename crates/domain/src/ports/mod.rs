//! The ports the domain needs from persistence, one small trait per feature. The store crate
//! implements each of them for SQLite and PostgreSQL; [`Store`] is all of them together, which
//! is what the services hold (`Arc<dyn Store>`). Every method that changes data writes the
//! given audit event in the same transaction, so a change without its event (or an event
//! without its change) cannot be committed.
//!
//! Code that calls store methods on a concrete type (not through `dyn Store`) brings the
//! feature traits into scope with `use tsunagu_domain::ports::prelude::*;`.

mod activities;
mod administrations;
mod agencies;
mod agency_links;
mod api_clients;
mod audit;
mod centers;
mod consents;
mod consultations;
mod councils;
mod exports;
mod follow_ups;
mod health;
mod history;
mod idempotency;
mod imports;
mod liaison;
mod mail;
mod outbox;
mod patient_merges;
mod patients;
mod peer_support;
mod publications;
mod referrals;
mod regional_issues;
mod reports;
mod sessions;
mod shoman_projects;
mod supervision;
mod support_plans;
mod supporter_sessions;
mod users;
mod webhooks;

pub use activities::ActivityStore;
pub use administrations::{AdministrationChanges, AdministrationStore, AssignedCenter};
pub use agencies::{AgencyChanges, AgencyStore};
pub use agency_links::{AgencyConfirmation, AgencyLinkStore};
pub use api_clients::{ApiClientStore, SecretRotation};
pub use audit::{AuditFilter, AuditLog};
pub use centers::{CenterChanges, CenterStore};
pub use consents::ConsentStore;
pub use consultations::{ConsultationFilter, ConsultationStore};
pub use councils::{CouncilFilter, CouncilStore};
pub use exports::ExportStore;
pub use follow_ups::{FollowUpFilter, FollowUpState, FollowUpStore};
pub use health::Health;
pub use history::CaseHistoryStore;
pub use idempotency::{CommittedChange, IdempotencyBegin, IdempotencyStore, StoredResponse};
pub use imports::{CheckResult, ImportStore};
pub use liaison::LiaisonStore;
pub use mail::Mailer;
pub use outbox::Outbox;
pub use patient_merges::PatientMergeStore;
pub use patients::{PatientFilter, PatientQuery, PatientSort, PatientStore};
pub use peer_support::PeerSupportStore;
pub use publications::{CouncilFact, IssueFact, PublicationStore};
pub use referrals::{ReferralEffects, ReferralFilter, ReferralStore};
pub use regional_issues::{IssueFilter, RegionalIssueStore};
pub use reports::ReportStore;
pub use sessions::{RefreshOutcome, SessionStore};
pub use shoman_projects::{NeedFilter, ProjectFilter, ShomanProjectStore};
pub use supervision::{QueuePage, SummaryCounts, SupervisionStore};
pub use support_plans::{PlanEffects, PlanFilter, ReviewDue, SupportPlanStore};
pub use supporter_sessions::SupporterSessionStore;
pub use users::{UserChanges, UserStore};
pub use webhooks::WebhookStore;

use crate::DomainError;
use uuid::Uuid;

pub type StoreResult<T> = Result<T, DomainError>;

/// Which centers' records a query may see. Handing the store a scope (rather than filtering
/// afterwards) keeps other centers' rows out of every result, count and 404.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Scope {
    /// The installation: only ever given for a `system_admin`'s non-patient records.
    All,
    Center(Uuid),
}

/// Declares [`Store`] as the sum of the feature ports and implements it for every type
/// that implements each of them, from one list (a new feature's port is one more name).
macro_rules! store_of {
    ($($port:ident),+ $(,)?) => {
        /// Everything the services need from persistence. Implemented for every type that
        /// implements each feature's port, so an adapter only ever writes the feature traits.
        pub trait Store: $($port +)+ Send + Sync {}

        impl<T> Store for T where T: $($port +)+ Send + Sync {}
    };
}

store_of!(
    Health,
    AuditLog,
    SessionStore,
    IdempotencyStore,
    ImportStore,
    CenterStore,
    AdministrationStore,
    CouncilStore,
    UserStore,
    AgencyStore,
    PatientStore,
    PatientMergeStore,
    ConsentStore,
    ConsultationStore,
    ReferralStore,
    FollowUpStore,
    AgencyLinkStore,
    CaseHistoryStore,
    ExportStore,
    ReportStore,
    RegionalIssueStore,
    PublicationStore,
    SupervisionStore,
    SupportPlanStore,
    LiaisonStore,
    ShomanProjectStore,
    ActivityStore,
    PeerSupportStore,
    SupporterSessionStore,
    ApiClientStore,
    WebhookStore,
    Outbox,
);

/// The port traits, for calling store methods: `use crate::ports::prelude::*;`.
pub mod prelude {
    pub use super::{
        ActivityStore, AdministrationStore, AgencyLinkStore, AgencyStore, ApiClientStore, AuditLog,
        CaseHistoryStore, CenterStore, ConsentStore, ConsultationStore, CouncilStore, ExportStore,
        FollowUpStore, Health, IdempotencyStore, ImportStore, LiaisonStore, Outbox,
        PatientMergeStore, PatientStore, PeerSupportStore, PublicationStore, ReferralStore,
        RegionalIssueStore, ReportStore, SessionStore, ShomanProjectStore, Store, SupervisionStore,
        SupportPlanStore, SupporterSessionStore, UserStore, WebhookStore,
    };
}
