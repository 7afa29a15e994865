//! A referral's level (the survey's 対応内容, 1 to 4) and what it brings: from
//! `phone_mediation` up the patient's data passes to the agency, so the shared items are
//! named and a record of provision is left; `accompanied_with_follow_up` promises
//! follow-up. Raising a level is anyone's on the case; lowering one is a supervisor's.

use crate::entities::{Actor, LevelChange, Referral};
use crate::error::{DomainError, FieldError, Validator};
use crate::policy;
use crate::values::{self, Level, SharedItem};
use chrono::{DateTime, Utc};
use uuid::Uuid;

/// The line of a referral's level history that its current level starts (`from` is `None`
/// for the referral's first level).
pub(super) fn level_change(
    r: &Referral,
    from: Option<Level>,
    reason: Option<String>,
    by: Uuid,
    at: DateTime<Utc>,
) -> LevelChange {
    LevelChange {
        id: Uuid::now_v7(),
        center_id: r.center_id,
        referral_id: r.id,
        from_level: from,
        to_level: r.level,
        reason,
        changed_by: by,
        changed_at: at,
    }
}

/// Parses the items handed to an agency: required (non-empty) when the level passes data,
/// refused when neither it nor the `current` one does, so the record of provision is
/// never a guess.
pub(super) fn shared_items(
    v: &mut Validator,
    raw: Option<&[String]>,
    level: Option<Level>,
    current: Option<Level>,
) -> Vec<SharedItem> {
    let passes = level.is_some_and(Level::passes_data);
    match raw {
        None => {
            if passes {
                v.push(FieldError::new(
                    "shared_items",
                    "required",
                    "name the personal data handed to the agency at this level",
                ));
            }
            Vec::new()
        }
        Some(items) => {
            if !passes && !current.is_some_and(Level::passes_data) {
                v.push(FieldError::new(
                    "shared_items",
                    "not_at_this_level",
                    "information only passes no personal data to the agency",
                ));
                return Vec::new();
            }
            v.check(values::enum_list(
                "shared_items",
                items,
                1,
                SharedItem::parse,
            ))
            .unwrap_or_default()
        }
    }
}

pub(super) fn lowers(from: Level, to: Level) -> bool {
    to.rank() < from.rank()
}

/// Anyone on the case raises a level; lowering one undoes a promise made to the patient,
/// which is a supervisor's call (the reason it needs is checked with the other fields).
pub(super) fn may_change_level(actor: &Actor, from: Level, to: Level) -> Result<(), DomainError> {
    if lowers(from, to) {
        policy::lower_level(actor)
    } else {
        Ok(())
    }
}

/// Whether moving to `to` passes data the agency does not have yet: from `phone_mediation`
/// up, when the referral passed none before (`from` is `None` for a new referral) or new
/// shared items are named.
pub(super) fn passes_new_data(from: Option<Level>, to: Level, items_named: bool) -> bool {
    to.passes_data() && (!from.is_some_and(Level::passes_data) || items_named)
}

/// What a referral's level brings besides the level itself.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) struct LevelEffects {
    /// A record of provision, under the consent in force.
    pub(super) provision: bool,
    /// The first follow-up, which the level promises and none open keeps yet.
    pub(super) first_follow_up: bool,
}

pub(super) fn level_effects(
    from: Option<Level>,
    to: Level,
    items_named: bool,
    open_follow_up: bool,
) -> LevelEffects {
    LevelEffects {
        provision: passes_new_data(from, to, items_named),
        first_follow_up: to.promises_follow_up() && !open_follow_up,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::cases::testing::{actor, day, referral};
    use crate::values::Role;
    use Level::{Accompanied, AccompaniedWithFollowUp, InformationOnly, PhoneMediation};

    fn items(level: Option<Level>, current: Option<Level>, raw: Option<&[&str]>) -> Vec<String> {
        let raw: Option<Vec<String>> = raw.map(|r| r.iter().map(|s| s.to_string()).collect());
        let mut v = Validator::new();
        let parsed = shared_items(&mut v, raw.as_deref(), level, current);
        match v.finish() {
            Ok(()) => parsed.iter().map(|i| i.as_str().to_owned()).collect(),
            Err(DomainError::Validation(e)) => e.iter().map(|e| format!("!{}", e.code)).collect(),
            Err(e) => panic!("{e:?}"),
        }
    }

    #[test]
    fn shared_items_are_required_from_phone_mediation_up_and_refused_below() {
        let named: &[&str] = &["name", "contact"];
        for level in [PhoneMediation, Accompanied, AccompaniedWithFollowUp] {
            assert_eq!(items(Some(level), None, None), ["!required"], "{level:?}");
            assert_eq!(items(Some(level), None, Some(&[])), ["!required"]);
            assert_eq!(items(Some(level), None, Some(named)), ["name", "contact"]);
        }
        assert_eq!(
            items(Some(InformationOnly), None, None),
            Vec::<String>::new()
        );
        assert_eq!(
            items(Some(InformationOnly), None, Some(named)),
            ["!not_at_this_level"]
        );
        assert_eq!(
            items(Some(PhoneMediation), None, Some(&["dna"])),
            ["!invalid_choice"]
        );
        // A level that did not parse asks for nothing more.
        assert_eq!(items(None, None, None), Vec::<String>::new());
    }

    #[test]
    fn items_may_be_added_while_the_current_level_passes_data() {
        let named: &[&str] = &["diagnosis"];
        assert_eq!(items(None, Some(Accompanied), Some(named)), ["diagnosis"]);
        assert_eq!(
            items(None, Some(InformationOnly), Some(named)),
            ["!not_at_this_level"]
        );
        // Lowering to information only while data was already passed is no new provision.
        assert_eq!(
            items(Some(InformationOnly), Some(Accompanied), Some(named)),
            ["diagnosis"]
        );
    }

    #[test]
    fn anyone_raises_a_level_only_a_supervisor_lowers_one() {
        let consultant = actor(Role::Consultant);
        let supervisor = actor(Role::Supervisor);
        assert!(may_change_level(&consultant, InformationOnly, AccompaniedWithFollowUp).is_ok());
        assert!(may_change_level(&consultant, Accompanied, Accompanied).is_ok());
        assert!(matches!(
            may_change_level(&consultant, Accompanied, PhoneMediation),
            Err(DomainError::Forbidden {
                code: "lowering_requires_supervisor",
                ..
            })
        ));
        assert!(may_change_level(&supervisor, AccompaniedWithFollowUp, InformationOnly).is_ok());
        assert!(lowers(PhoneMediation, InformationOnly));
        assert!(!lowers(PhoneMediation, Accompanied));
    }

    #[test]
    fn a_level_brings_a_provision_when_data_newly_passes() {
        let brings = |from, to, named| level_effects(from, to, named, true).provision;
        // A new referral.
        assert!(!brings(None, InformationOnly, false));
        assert!(brings(None, PhoneMediation, false));
        // Raised from information only: the agency gets data for the first time.
        assert!(brings(Some(InformationOnly), Accompanied, false));
        // Raised while already passing data: only when more items are named.
        assert!(!brings(Some(PhoneMediation), Accompanied, false));
        assert!(brings(Some(PhoneMediation), Accompanied, true));
        assert!(brings(Some(AccompaniedWithFollowUp), PhoneMediation, true));
        assert!(!brings(Some(Accompanied), InformationOnly, true));
    }

    #[test]
    fn a_level_brings_the_first_follow_up_when_it_promises_one_and_none_is_open() {
        let brings =
            |to, open| level_effects(Some(InformationOnly), to, false, open).first_follow_up;
        assert!(brings(AccompaniedWithFollowUp, false));
        assert!(!brings(AccompaniedWithFollowUp, true));
        for to in [InformationOnly, PhoneMediation, Accompanied] {
            assert!(!brings(to, false), "{to:?}");
        }
        assert_eq!(
            level_effects(None, AccompaniedWithFollowUp, false, false),
            LevelEffects {
                provision: true,
                first_follow_up: true
            }
        );
    }

    #[test]
    fn a_level_change_records_where_it_came_from() {
        let r = referral(Accompanied, day(2026, 5, 1));
        let by = Uuid::now_v7();
        let at = DateTime::<Utc>::UNIX_EPOCH;
        let first = level_change(&r, None, None, by, at);
        assert_eq!(
            (first.from_level, first.to_level, first.referral_id),
            (None, Accompanied, r.id)
        );
        let lowered = level_change(
            &r,
            Some(AccompaniedWithFollowUp),
            Some("本人の希望".into()),
            by,
            at,
        );
        assert_eq!(lowered.from_level, Some(AccompaniedWithFollowUp));
        assert_eq!(
            (lowered.changed_by, lowered.reason.as_deref()),
            (by, Some("本人の希望"))
        );
    }
}
