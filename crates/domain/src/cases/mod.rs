//! The case: patients, their consent, consultations, referrals at a level, and follow-ups.
//! Each feature has its own file with its use cases (reached through a facade, e.g.
//! `services.referrals().update(…)`) and, next to them, its rules as pure functions with
//! their tests. The rules of 相談 → 紹介 → フォローアップ:
//!
//! - From `phone_mediation` up a referral passes the patient's data to the agency, so it
//!   names the shared items, needs a consent in force whose scope covers the agency, and
//!   leaves a record of provision (`referrals/levels.rs`, `consents.rs`).
//! - Anyone on the case may raise a level; only a supervisor may lower one, with a reason.
//! - Level 4 (`accompanied_with_follow_up`) promises follow-up: the first one is scheduled
//!   automatically (`follow_ups.rs`), and the referral cannot be closed before one is done
//!   (`referrals/update.rs`).
//! - Reads of a patient's data are logged through the access log.
//!
//! The modules depend one way: referrals use consents (the consent in force, provisions)
//! and follow-ups (scheduling); none of them uses referrals. What they share (who may be
//! given case work, days not in the future) is here.

mod agency_links;
mod consents;
mod consultations;
mod follow_ups;
mod merges;
mod patients;
mod referrals;
#[cfg(test)]
mod testing;
mod timeline;

pub use agency_links::{
    AgencyConfirmInput, AgencyLink, AgencyLinkInput, AgencyLinks, AgencyPage, Confirmed,
    CreatedLink, LinkState, SharedView, case_outcome, initials, satisfies_follow_up, token_hash,
    visible_items,
};
pub use consents::{
    ADULT_AGE, ConsentInput, ConsentUpdate, Consents, Giver, SHOMAN_GUARDIAN_AGE, age_on,
    check_giver,
};
pub use consultations::{ConsultationInput, ConsultationQuery, Consultations, check_fields};
pub(crate) use follow_ups::check_record;
pub use follow_ups::{
    FollowUpInput, FollowUpQuery, FollowUpUpdate, FollowUps, REASSIGN_MAX, ReassignInput,
    reassign_target,
};
pub use merges::{
    MergeCounts, MergeOutcome, MergeRequest, PatientMerges, already_merged, distinct_records,
    same_program,
};
pub use patients::{
    DuplicateCheck, DuplicateProbe, DuplicateReason, PatientInput, PatientList, PatientListInput,
    Patients, check_new, duplicate_reasons, format_case_number, list_filter, phone_digits,
};
pub use referrals::{ReferralInput, ReferralQuery, ReferralUpdate, Referrals};
pub(crate) use referrals::{check_closing, check_new_referral};
pub use timeline::{TimelineEntry, TimelineItem};

use crate::entities::Actor;
use crate::error::{DomainError, FieldError, Validator};
use crate::policy::{self, Permission};
use crate::ports::{Scope, Store};
use chrono::NaiveDate;
use uuid::Uuid;

/// Case work is done by consultants and supervisors of a center (see [`Permission::CaseWork`]).
fn require_case_worker(actor: &Actor) -> Result<Uuid, DomainError> {
    policy::permit_in_center(actor, Permission::CaseWork)
}

/// Parses an optional input field onto its target: absent leaves the target as it is,
/// invalid records the field error and leaves it too.
fn set<T>(v: &mut Validator, target: &mut T, parsed: Option<Result<T, FieldError>>) {
    if let Some(x) = parsed.and_then(|r| v.check(r)) {
        *target = x;
    }
}

fn missing(what: &str) -> DomainError {
    DomainError::Internal(format!("validator passed without {what}"))
}

fn required(field: &str) -> FieldError {
    FieldError::new(field, "required", "is required")
}

/// Days of the case (a consent given, a referral made or closed, a follow-up done) are
/// recorded when they happened, never ahead.
fn not_in_future(field: &str, d: NaiveDate, today: NaiveDate) -> Result<NaiveDate, FieldError> {
    if d > today {
        Err(FieldError::new(
            field,
            "in_future",
            "must not be after today",
        ))
    } else {
        Ok(d)
    }
}

/// `k=v; k=v` of the filters that were given, for list events.
fn describe(pairs: &[(&str, Option<String>)]) -> String {
    pairs
        .iter()
        .filter_map(|(k, v)| v.as_ref().map(|v| format!("{k}={v}")))
        .collect::<Vec<_>>()
        .join("; ")
}

/// Whose work a record is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Assignee {
    /// The caller's own.
    Caller(Uuid),
    /// A colleague's, named by a supervisor; still to be checked as a case worker.
    Colleague(Uuid),
}

/// The caller's work unless someone else is named, which is a supervisor's call. A client
/// is no one's colleague: it always says whose work it records.
fn assignee(actor: &Actor, field: &str, requested: Option<Uuid>) -> Result<Assignee, DomainError> {
    match requested {
        None if actor.is_client() => Err(DomainError::field(
            field,
            "required",
            "an API client names the consultant or supervisor it records for",
        )),
        None => Ok(Assignee::Caller(actor.user_id)),
        Some(id) if id == actor.user_id => Ok(Assignee::Caller(id)),
        Some(id) => {
            policy::act_for_colleague(actor)?;
            Ok(Assignee::Colleague(id))
        }
    }
}

/// A staff member who can be given case work: an active consultant or supervisor of the center.
fn case_worker(
    store: &dyn Store,
    center: Uuid,
    field: &str,
    id: Uuid,
) -> Result<Uuid, DomainError> {
    match store.user(Scope::Center(center), id)? {
        Some(u) if u.active && policy::can_do_case_work(u.role) => Ok(u.id),
        _ => Err(DomainError::field(
            field,
            "unknown_user",
            "must be an active consultant or supervisor of your center",
        )),
    }
}

/// Who a record is assigned to: the caller, unless a supervisor names a case worker.
fn assign(
    store: &dyn Store,
    actor: &Actor,
    center: Uuid,
    field: &str,
    requested: Option<Uuid>,
) -> Result<Uuid, DomainError> {
    match assignee(actor, field, requested)? {
        Assignee::Caller(id) => Ok(id),
        Assignee::Colleague(id) => case_worker(store, center, field, id),
    }
}

#[cfg(test)]
mod tests {
    use super::testing::{actor, day};
    use super::*;
    use crate::values::Role;

    #[test]
    fn days_of_the_case_are_not_in_the_future() {
        let today = day(2026, 5, 10);
        assert_eq!(not_in_future("d", today, today), Ok(today));
        assert_eq!(
            not_in_future("d", day(2026, 5, 9), today),
            Ok(day(2026, 5, 9))
        );
        let e = not_in_future("closed_on", day(2026, 5, 11), today).unwrap_err();
        assert_eq!((e.field.as_str(), e.code), ("closed_on", "in_future"));
    }

    #[test]
    fn work_is_the_callers_unless_a_supervisor_names_a_colleague() {
        let con = actor(Role::Consultant);
        let sup = actor(Role::Supervisor);
        let other = Uuid::now_v7();
        assert_eq!(
            assignee(&con, "consultant_id", None).unwrap(),
            Assignee::Caller(con.user_id)
        );
        assert_eq!(
            assignee(&con, "consultant_id", Some(con.user_id)).unwrap(),
            Assignee::Caller(con.user_id)
        );
        assert!(matches!(
            assignee(&con, "consultant_id", Some(other)),
            Err(DomainError::Forbidden {
                code: "supervisor_only",
                ..
            })
        ));
        assert_eq!(
            assignee(&sup, "consultant_id", Some(other)).unwrap(),
            Assignee::Colleague(other)
        );
    }

    #[test]
    fn a_client_names_whose_work_it_records() {
        let client = crate::entities::Actor {
            scopes: Some(vec!["referrals:write".into()]),
            ..actor(Role::Supervisor)
        };
        match assignee(&client, "consultant_id", None) {
            Err(DomainError::Validation(e)) => {
                assert_eq!(
                    (e[0].field.as_str(), e[0].code),
                    ("consultant_id", "required")
                );
            }
            other => panic!("{other:?}"),
        }
        let named = Uuid::now_v7();
        assert_eq!(
            assignee(&client, "consultant_id", Some(named)).unwrap(),
            Assignee::Colleague(named)
        );
    }

    #[test]
    fn list_events_name_the_given_filters_only() {
        assert_eq!(
            describe(&[
                ("state", Some("due".into())),
                ("assignee", None),
                ("patient_id", Some("x".into())),
            ]),
            "state=due; patient_id=x"
        );
        assert_eq!(describe(&[("state", None)]), "");
    }
}
