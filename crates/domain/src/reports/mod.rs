//! The ministry's figures, computed from the records (through the store's rollups):
//!
//! 1. referral levels per agency type, with the center's survey answer — the lower median
//!    of the period's referral levels, or `none`;
//! 2. cooperation counts per agency type and purpose, with the survey's band;
//! 3. consultations by channel, topic, requester and month;
//! 4. employment outcomes per agency type and purpose;
//! 5. support awareness of patients not working or seeking work at intake.
//!
//! A center's supervisor and administrator see their center; the system administrator sees
//! every center (or one prefecture's or administration's) aggregated, and an administration's
//! officer its centers, never a patient. [`model`] is what the store
//! is asked and answers, [`figures`] computes the reports from it, and the use cases are
//! `services.reports()`.

pub mod figures;
pub mod model;
pub mod shoman;
pub mod use_cases;

pub use figures::{
    AwarenessReport, BANDS, ConsultationReport, CooperationBandsRow, CooperationCounts,
    CooperationRow, LevelAnswersRow, LevelRow, OutcomeRow, ReferralLevels, band, lower_median,
};
pub use model::{
    Across, DimCount, OutcomeCount, Period, ReferralCount, ReportScope, referral_achieved,
};
pub use shoman::{PlanFacts, PlanReviewFact, ShomanConsultationReport, ShomanPlanReport};
pub use use_cases::Reports;
