//! The center's other work over HTTP: `/outreach-activities` (周知) and `/reports/outreach`,
//! `/trainings` (研修), `/events` with `/events/{id}/attendees` and `/reports/events`. Each
//! feature's file holds its wire types and its handlers.

pub mod events;
pub mod outreach;
pub mod supporter_sessions;
pub mod trainings;

use crate::labels;
use tsunagu_domain::values::ReferralSource;

/// A source's label, `未回答` for patients registered without the question answered.
pub(crate) fn source_label(s: Option<ReferralSource>) -> &'static str {
    s.map_or("未回答", labels::referral_source)
}
