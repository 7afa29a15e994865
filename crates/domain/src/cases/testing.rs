//! Records to exercise the rules with.

use crate::entities::{Actor, Consent, FollowUp, Referral};
use crate::values::{AgencyType, ConsentScope, Level, Purpose, ReferralStatus, ReviewState, Role};
use chrono::{DateTime, NaiveDate, Utc};
use uuid::Uuid;

pub(super) fn day(y: i32, m: u32, d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, d).unwrap()
}

pub(super) fn at(rfc3339: &str) -> DateTime<Utc> {
    DateTime::parse_from_rfc3339(rfc3339).unwrap().to_utc()
}

pub(super) fn actor(role: Role) -> Actor {
    Actor {
        user_id: Uuid::now_v7(),
        session_id: Uuid::now_v7(),
        role,
        center_id: Some(Uuid::now_v7()),
        administration_id: None,
        login: "x".into(),
        display_name: "x".into(),
        totp_enabled: false,
        must_enroll_totp: false,
        must_change_password: false,
        scopes: None,
    }
}

pub(super) fn consent(scope: ConsentScope, given_on: NaiveDate) -> Consent {
    Consent {
        id: Uuid::now_v7(),
        center_id: Uuid::nil(),
        patient_id: Uuid::nil(),
        given_on,
        scope,
        withdrawn_on: None,
        notes: None,
        given_by: None,
        guardian_name: None,
        guardian_relationship: None,
        child_assent: false,
        recorded_by: Uuid::nil(),
        version: 1,
        created_at: DateTime::<Utc>::UNIX_EPOCH,
        updated_at: DateTime::<Utc>::UNIX_EPOCH,
    }
}

pub(super) fn referral(level: Level, referred_on: NaiveDate) -> Referral {
    Referral {
        id: Uuid::now_v7(),
        center_id: Uuid::now_v7(),
        patient_id: Uuid::now_v7(),
        consultation_id: None,
        agency_id: Uuid::now_v7(),
        agency_type: AgencyType::HelloWork,
        purpose: Purpose::NewEmployment,
        level,
        referred_on,
        handed_over: None,
        notes: None,
        status: ReferralStatus::Open,
        outcome: None,
        closed_on: None,
        review_state: ReviewState::None,
        consultant_id: Uuid::now_v7(),
        created_by: Uuid::now_v7(),
        version: 1,
        created_at: DateTime::<Utc>::UNIX_EPOCH,
        updated_at: DateTime::<Utc>::UNIX_EPOCH,
    }
}

pub(super) fn follow_up(due_on: NaiveDate) -> FollowUp {
    FollowUp {
        id: Uuid::now_v7(),
        center_id: Uuid::nil(),
        referral_id: Uuid::now_v7(),
        patient_id: Uuid::now_v7(),
        assignee_id: Uuid::now_v7(),
        due_on,
        done_on: None,
        method: None,
        contacted: None,
        outcome: None,
        notes: None,
        next_due_on: None,
        cancelled_on: None,
        not_recorded: false,
        recorded_by: None,
        agency_link_id: None,
        agency_outcome: None,
        created_by: Uuid::nil(),
        version: 3,
        created_at: DateTime::<Utc>::UNIX_EPOCH,
        updated_at: DateTime::<Utc>::UNIX_EPOCH,
    }
}

/// The codes of a validation failure, as `field:code`.
pub(super) fn field_codes<T: std::fmt::Debug>(r: Result<T, crate::DomainError>) -> Vec<String> {
    match r {
        Err(crate::DomainError::Validation(errs)) => errs
            .iter()
            .map(|e| format!("{}:{}", e.field, e.code))
            .collect(),
        other => panic!("expected a validation failure, got {other:?}"),
    }
}
