//! The records of the optional projects (任意事業) and the needs register.

use crate::values::{NeedKind, NeedStatus, ParticipantRole, ProjectKind, SessionActivity};
use chrono::{DateTime, NaiveDate, Utc};
use uuid::Uuid;

/// An optional project a center runs, in house or commissioned to a partner (委託先).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Project {
    pub id: Uuid,
    pub center_id: Uuid,
    pub kind: ProjectKind,
    pub name: String,
    pub description: Option<String>,
    pub started_on: NaiveDate,
    /// Runs until this day; open while absent.
    pub ended_on: Option<NaiveDate>,
    /// The body the project is commissioned to, if any.
    pub partner: Option<String>,
    pub created_by: Uuid,
    pub version: i32,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

impl Project {
    /// Active on `today` (Asia/Tokyo): not ended before it.
    pub fn is_active(&self, today: NaiveDate) -> bool {
        self.ended_on.is_none_or(|e| e >= today)
    }
}

/// A named participant of a session: a child, or the family of that child.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Participant {
    pub patient_id: Uuid,
    pub role: ParticipantRole,
}

/// One session of a project.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ProjectSession {
    pub id: Uuid,
    pub center_id: Uuid,
    pub project_id: Uuid,
    pub held_on: NaiveDate,
    pub activity: SessionActivity,
    pub place: Option<String>,
    pub online: bool,
    /// The center's staff who ran it.
    pub staff_ids: Vec<Uuid>,
    /// Children who took part, named or not.
    pub children_count: i32,
    /// Family members who took part, named or not.
    pub family_count: i32,
    /// Those who consented to being named, sorted.
    pub participants: Vec<Participant>,
    pub notes: Option<String>,
    pub created_by: Uuid,
    pub version: i32,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

/// ニーズ: something the center sees and no one meets.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Need {
    pub id: Uuid,
    pub center_id: Uuid,
    pub kind: NeedKind,
    pub description: String,
    pub noted_on: NaiveDate,
    /// Absent for a need noted without naming anyone.
    pub patient_id: Option<Uuid>,
    pub status: NeedStatus,
    pub met_on: Option<NaiveDate>,
    pub created_by: Uuid,
    pub version: i32,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

// --- what the store answers for the figures --------------------------------------------

/// A project that ran at some point of a period, for the figures (no names).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ProjectFact {
    pub center_id: Uuid,
    pub kind: ProjectKind,
}

/// Sessions held in a period, per center, project kind and activity, with their
/// participants summed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SessionCount {
    pub center_id: Uuid,
    pub kind: ProjectKind,
    pub activity: SessionActivity,
    pub sessions: i64,
    pub children: i64,
    pub family: i64,
}

/// Needs noted in a period per kind and current status.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NeedCount {
    pub kind: NeedKind,
    pub status: NeedStatus,
    pub n: i64,
}

/// A center that runs the `shoman` program, as the implementation table names it (実施主体).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ShomanCenter {
    pub id: Uuid,
    pub code: String,
    pub name: String,
    pub prefecture_code: String,
}
