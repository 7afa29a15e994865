//! Merging a patient registered twice: the request, and what moved.

use super::PatientDto;
use serde::{Deserialize, Serialize};
use tsunagu_domain::cases::{MergeCounts, MergeOutcome};
use utoipa::ToSchema;
use uuid::Uuid;

/// The record that stays and the one merged into it (both of your center).
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"survivor_id": "0193a5b2-7c1d-7e00-8000-000000000001", "merged_id": "0193a5b2-7c1d-7e00-8000-000000000002"}))]
pub struct CreatePatientMerge {
    /// The record that stays and answers for the person from now on.
    pub survivor_id: Uuid,
    /// The record registered twice: its records move to the survivor, and its id answers
    /// 410 `patient_merged` with a pointer to the survivor.
    pub merged_id: Uuid,
}

/// What a merge moves (or would move), record kind by kind.
#[derive(Debug, Serialize, ToSchema)]
pub struct MergeCountsDto {
    pub consultations: i64,
    pub consents: i64,
    pub referrals: i64,
    pub follow_ups: i64,
    /// Records of data provided to agencies.
    pub provisions: i64,
    pub program_changes: i64,
    pub support_plans: i64,
    pub support_plan_actions: i64,
    pub liaison_contacts: i64,
    pub liaison_provisions: i64,
    /// 小慢 optional-project sessions the merged record was named in.
    pub project_sessions: i64,
    pub needs: i64,
    pub event_attendances: i64,
    pub supporter_bookings: i64,
    pub peer_assignments: i64,
    pub agency_links: i64,
    /// Of the bookings: cancelled, because the survivor holds a slot in the same session.
    pub released_bookings: i64,
    /// Of the peer assignments: ended today, because the survivor is assigned to the same
    /// supporter.
    pub released_assignments: i64,
    /// Event and project-session attendances the survivor also has: dropped.
    pub released_attendances: i64,
}

impl From<MergeCounts> for MergeCountsDto {
    fn from(c: MergeCounts) -> Self {
        Self {
            consultations: c.consultations,
            consents: c.consents,
            referrals: c.referrals,
            follow_ups: c.follow_ups,
            provisions: c.provisions,
            program_changes: c.program_changes,
            support_plans: c.support_plans,
            support_plan_actions: c.support_plan_actions,
            liaison_contacts: c.liaison_contacts,
            liaison_provisions: c.liaison_provisions,
            project_sessions: c.project_sessions,
            needs: c.needs,
            event_attendances: c.event_attendances,
            supporter_bookings: c.supporter_bookings,
            peer_assignments: c.peer_assignments,
            agency_links: c.agency_links,
            released_bookings: c.released_bookings,
            released_assignments: c.released_assignments,
            released_attendances: c.released_attendances,
        }
    }
}

/// A merge (done, or previewed): the survivor and what moved from the merged record.
#[derive(Debug, Serialize, ToSchema)]
pub struct PatientMergeDto {
    pub survivor: PatientDto,
    pub merged_id: Uuid,
    pub moved: MergeCountsDto,
}

impl From<MergeOutcome> for PatientMergeDto {
    fn from(o: MergeOutcome) -> Self {
        Self {
            survivor: o.survivor.into(),
            merged_id: o.merged_id,
            moved: o.moved.into(),
        }
    }
}
