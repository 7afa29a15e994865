//! Changing a referral: its details, its level (and what the new level brings), or closing
//! it with an outcome.

use super::levels::{
    level_change, level_effects, lowers, may_change_level, passes_new_data, shared_items,
};
use super::{HANDED_OVER_MAX, ReferralUpdate, Referrals};
use crate::app::{Ctx, NOTES_MAX, changed_fields};
use crate::cases::{
    case_worker, consents, follow_ups, missing, not_in_future, require_case_worker, set,
};
use crate::entities::Referral;
use crate::error::{DomainError, FieldError, Validator};
use crate::events::Action;
use crate::if_match::IfMatch;
use crate::policy;
use crate::ports::ReferralEffects;
use crate::values::{self, CaseOutcome, Level, Purpose, ReferralStatus, ReviewState, SharedItem};
use chrono::NaiveDate;
use uuid::Uuid;

impl Referrals<'_> {
    /// Changes a referral: its level (raised by anyone on the case, lowered only by a
    /// supervisor with a reason), its details, or closes it with an outcome.
    #[tracing::instrument(name = "referrals.update", skip_all, fields(center_id = ?ctx.actor.center_id, %id))]
    pub fn update(
        &self,
        ctx: &Ctx,
        id: Uuid,
        if_match: IfMatch,
        input: ReferralUpdate,
    ) -> Result<Referral, DomainError> {
        self.guard(ctx, Action::ReferralUpdate, Some(id), || {
            let center = require_case_worker(&ctx.actor)?;
            let current = self
                .store
                .referral(center, id)?
                .ok_or(DomainError::NotFound)?;
            let expected_version = changeable(&current, if_match)?;
            let today = self.today();
            let now = self.clock.now();
            let change = apply_update(&current, &input, today)?;
            let mut r = change.referral;
            if let Some(l) = change.new_level {
                may_change_level(&ctx.actor, current.level, l)?;
            }
            if let Some(who) = input.consultant_id
                && who != r.consultant_id
            {
                policy::act_for_colleague(&ctx.actor)?;
                r.consultant_id = case_worker(&*self.store, center, "consultant_id", who)?;
            }

            let mut events = Vec::new();
            let mut effects = ReferralEffects::default();
            if let Some(l) = change.new_level {
                r.level = l;
                effects.level_change = Some(level_change(
                    &r,
                    Some(current.level),
                    change.reason.clone(),
                    ctx.actor.user_id,
                    now,
                ));
                events.push(
                    self.ev(ctx, Action::ReferralLevelChange)
                        .resource(id)
                        .patient(r.patient_id)
                        .detail(format!("{}->{}", current.level.as_str(), l.as_str())),
                );
                let open = self.follow_ups().any_open(center, id, today)?;
                let brings =
                    level_effects(Some(current.level), l, input.shared_items.is_some(), open);
                if brings.provision {
                    // The referral's own agency type (as counted), like at its creation.
                    let consent =
                        self.consents()
                            .in_force(center, r.patient_id, r.agency_type, today)?;
                    let p = consents::provision(
                        &r,
                        &consent,
                        change.items,
                        today,
                        ctx.actor.user_id,
                        self.clock.now(),
                    );
                    events.push(self.consents().provision_event(ctx, &p));
                    effects.provision = Some(p);
                }
                if brings.first_follow_up {
                    let days = self.follow_ups().days_after_referral(center)?;
                    let due = follow_ups::first_due(today, days);
                    effects.follow_up = Some(self.schedule_first(ctx, &r, due, &mut events));
                }
            }
            if let Some((outcome, closed_on)) = change.closing {
                may_close(r.level, self.store.count_done_follow_ups(center, id)?)?;
                r.status = ReferralStatus::Closed;
                r.outcome = Some(outcome);
                r.closed_on = Some(closed_on);
                effects.cancel_open_follow_ups_on = Some(closed_on);
                events.push(
                    self.ev(ctx, Action::ReferralClose)
                        .resource(id)
                        .patient(r.patient_id)
                        .detail(format!("outcome={}", outcome.as_str())),
                );
            }
            let other_fields = changed_fields(&[
                ("purpose", input.purpose.is_some()),
                ("handed_over", input.handed_over.is_some()),
                ("notes", input.notes.is_some()),
                ("consultant_id", input.consultant_id.is_some()),
            ]);
            if events.is_empty() || other_fields != "fields=" {
                events.insert(
                    0,
                    self.ev(ctx, Action::ReferralUpdate)
                        .resource(id)
                        .patient(r.patient_id)
                        .detail(other_fields),
                );
            }
            r.review_state = review_after_change(current.review_state);
            r.updated_at = now;
            self.store
                .save_referral(&r, expected_version, &effects, &events)
        })
    }
}

/// A referral changes at the version the caller read, and not once closed.
fn changeable(current: &Referral, if_match: IfMatch) -> Result<i32, DomainError> {
    let expected_version = if_match.against(current.version)?;
    if current.status == ReferralStatus::Closed {
        return Err(DomainError::rule(
            "referral_closed",
            "this referral is closed and can no longer change",
        ));
    }
    Ok(expected_version)
}

/// A referral after an update's own fields, and what else the update asks for.
#[derive(Debug)]
struct Change {
    /// With the purpose, what was handed over and the notes applied.
    referral: Referral,
    /// A level other than the current one.
    new_level: Option<Level>,
    reason: Option<String>,
    /// Handed over at the new level (see [`passes_new_data`]).
    items: Vec<SharedItem>,
    /// Closing, with the outcome and the day.
    closing: Option<(CaseOutcome, NaiveDate)>,
}

/// Checks an update against the referral as it is, reporting every bad field at once.
fn apply_update(
    current: &Referral,
    input: &ReferralUpdate,
    today: NaiveDate,
) -> Result<Change, DomainError> {
    let mut r = current.clone();
    let mut v = Validator::new();
    set(
        &mut v,
        &mut r.purpose,
        input
            .purpose
            .as_deref()
            .map(|x| Purpose::parse("purpose", x)),
    );
    let new_level = input
        .level
        .as_deref()
        .and_then(|x| v.check(Level::parse("level", x)))
        .filter(|l| *l != current.level);
    let reason = v
        .check(values::optional_prose(
            "level_reason",
            input.level_reason.as_deref(),
            NOTES_MAX,
        ))
        .flatten();
    let passes_new = new_level
        .is_some_and(|l| passes_new_data(Some(current.level), l, input.shared_items.is_some()));
    let items = shared_items(
        &mut v,
        input.shared_items.as_deref(),
        new_level.filter(|_| passes_new),
        Some(current.level),
    );
    if let Some(x) = &input.handed_over {
        r.handed_over = v
            .check(values::optional_prose(
                "handed_over",
                x.as_deref(),
                HANDED_OVER_MAX,
            ))
            .flatten();
    }
    if let Some(x) = &input.notes {
        r.notes = v
            .check(values::optional_prose("notes", x.as_deref(), NOTES_MAX))
            .flatten();
    }
    let closing = closing(&mut v, input, current.referred_on, today);
    if let Some(l) = new_level
        && lowers(current.level, l)
        && reason.is_none()
    {
        v.push(FieldError::new(
            "level_reason",
            "required",
            "lowering a level needs a reason",
        ));
    }
    v.finish()?;
    let closing = match closing {
        None => None,
        Some((Some(outcome), Some(closed_on))) => Some((outcome, closed_on)),
        Some(_) => return Err(missing("closing fields")),
    };
    Ok(Change {
        referral: r,
        new_level,
        reason,
        items,
        closing,
    })
}

/// Whether an update closes the referral (`Some`, with its outcome and day as parsed).
/// Closing records an outcome, on a day from the referral's to today (today unless given);
/// the outcome and the day are given only when closing.
fn closing(
    v: &mut Validator,
    input: &ReferralUpdate,
    referred_on: NaiveDate,
    today: NaiveDate,
) -> Option<(Option<CaseOutcome>, Option<NaiveDate>)> {
    let closes = match input.status.as_deref() {
        None | Some("open") => false,
        Some("closed") => true,
        Some(other) => {
            v.check(ReferralStatus::parse("status", other));
            false
        }
    };
    let outcome = input
        .outcome
        .as_deref()
        .and_then(|x| v.check(CaseOutcome::parse("outcome", x)));
    let closed_on = match input.closed_on.as_deref() {
        None => Some(today),
        Some(raw) => v.check(
            values::date("closed_on", raw).and_then(|d| not_in_future("closed_on", d, today)),
        ),
    };
    if closes {
        if input.outcome.is_none() {
            v.push(FieldError::new(
                "outcome",
                "required",
                "closing a referral records its outcome",
            ));
        }
        if closed_on.is_some_and(|d| d < referred_on) {
            v.push(FieldError::new(
                "closed_on",
                "before_referral",
                "must not be before the referral date",
            ));
        }
        Some((outcome, closed_on))
    } else {
        if input.outcome.is_some() || input.closed_on.is_some() {
            v.push(FieldError::new(
                if input.outcome.is_some() {
                    "outcome"
                } else {
                    "closed_on"
                },
                "only_when_closing",
                "is recorded when the referral is closed (status: closed)",
            ));
        }
        None
    }
}

/// Whether a referral could be closed on `closed_on` with `outcome` (an imported 台帳's
/// 終了日 and 結果): the closing's own rules, then the level's, given how many of its
/// follow-ups are done.
pub(crate) fn check_closing(
    level: Level,
    referred_on: NaiveDate,
    outcome: Option<&str>,
    closed_on: NaiveDate,
    today: NaiveDate,
    done_follow_ups: i64,
) -> Result<(), DomainError> {
    let mut v = Validator::new();
    let input = ReferralUpdate {
        status: Some("closed".into()),
        outcome: outcome.map(str::to_owned),
        closed_on: Some(closed_on.to_string()),
        ..ReferralUpdate::default()
    };
    closing(&mut v, &input, referred_on, today);
    v.finish()?;
    may_close(level, done_follow_ups)
}

/// A referral that promises follow-up is not closed before a follow-up is done.
fn may_close(level: Level, done_follow_ups: i64) -> Result<(), DomainError> {
    if level.promises_follow_up() && done_follow_ups == 0 {
        Err(DomainError::rule(
            "follow_up_required",
            "a referral accompanied with follow-up cannot be closed before a follow-up is done",
        ))
    } else {
        Ok(())
    }
}

/// A correction of a returned referral puts it back in review (the supervisor sees it again);
/// any other review state stays.
fn review_after_change(state: ReviewState) -> ReviewState {
    match state {
        ReviewState::Returned => ReviewState::Pending,
        other => other,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::cases::testing::{day, field_codes, referral};
    use Level::{Accompanied, AccompaniedWithFollowUp, InformationOnly, PhoneMediation};

    fn today() -> NaiveDate {
        day(2026, 5, 10)
    }

    fn closing_update(outcome: Option<&str>, closed_on: Option<&str>) -> ReferralUpdate {
        ReferralUpdate {
            status: Some("closed".into()),
            outcome: outcome.map(str::to_owned),
            closed_on: closed_on.map(str::to_owned),
            ..ReferralUpdate::default()
        }
    }

    #[test]
    fn a_closed_or_stale_referral_does_not_change() {
        let r = referral(Accompanied, day(2026, 5, 1));
        assert!(changeable(&r, r.version.into()).is_ok());
        assert_eq!(
            changeable(&r, 2.into()),
            Err(DomainError::PreconditionFailed)
        );
        let closed = Referral {
            status: ReferralStatus::Closed,
            ..r
        };
        assert!(matches!(
            changeable(&closed, closed.version.into()),
            Err(DomainError::Rule {
                code: "referral_closed",
                ..
            })
        ));
    }

    #[test]
    fn closing_needs_an_outcome_and_a_day_from_the_referral_to_today() {
        let r = referral(Accompanied, day(2026, 5, 1));
        let c = apply_update(&r, &closing_update(Some("employed"), None), today()).unwrap();
        assert_eq!(c.closing, Some((CaseOutcome::Employed, today())));
        let c = apply_update(
            &r,
            &closing_update(Some("declined"), Some("2026-05-01")),
            today(),
        );
        assert_eq!(
            c.unwrap().closing,
            Some((CaseOutcome::Declined, day(2026, 5, 1)))
        );
        assert_eq!(
            field_codes(apply_update(
                &r,
                &closing_update(None, Some("2026-04-30")),
                today()
            )),
            ["outcome:required", "closed_on:before_referral"]
        );
        assert_eq!(
            field_codes(apply_update(
                &r,
                &closing_update(Some("employed"), Some("2026-05-11")),
                today()
            )),
            ["closed_on:in_future"]
        );
        assert_eq!(
            field_codes(apply_update(
                &r,
                &ReferralUpdate {
                    status: Some("finished".into()),
                    ..ReferralUpdate::default()
                },
                today()
            )),
            ["status:invalid_choice"]
        );
    }

    #[test]
    fn the_outcome_and_closing_day_are_given_only_when_closing() {
        let r = referral(Accompanied, day(2026, 5, 1));
        for (outcome, closed_on, field) in [
            (Some("employed"), None, "outcome:only_when_closing"),
            (None, Some("2026-05-05"), "closed_on:only_when_closing"),
            (
                Some("employed"),
                Some("2026-05-05"),
                "outcome:only_when_closing",
            ),
        ] {
            let update = ReferralUpdate {
                status: None,
                ..closing_update(outcome, closed_on)
            };
            assert_eq!(field_codes(apply_update(&r, &update, today())), [field]);
        }
        let open = ReferralUpdate {
            status: Some("open".into()),
            notes: Some(Some("本人と面談".into())),
            ..ReferralUpdate::default()
        };
        let c = apply_update(&r, &open, today()).unwrap();
        assert_eq!(
            (c.closing, c.referral.notes.as_deref()),
            (None, Some("本人と面談"))
        );
    }

    #[test]
    fn lowering_a_level_needs_a_reason_raising_does_not() {
        let r = referral(Accompanied, day(2026, 5, 1));
        let to = |level: &str, reason: Option<&str>| ReferralUpdate {
            level: Some(level.into()),
            level_reason: reason.map(str::to_owned),
            ..ReferralUpdate::default()
        };
        assert_eq!(
            field_codes(apply_update(&r, &to("phone_mediation", None), today())),
            ["level_reason:required"]
        );
        let c = apply_update(&r, &to("phone_mediation", Some("本人の希望")), today()).unwrap();
        assert_eq!(
            (c.new_level, c.reason.as_deref()),
            (Some(PhoneMediation), Some("本人の希望"))
        );
        let c = apply_update(&r, &to("accompanied_with_follow_up", None), today()).unwrap();
        assert_eq!(c.new_level, Some(AccompaniedWithFollowUp));
        // The level it already has is no change.
        let c = apply_update(&r, &to("accompanied", None), today()).unwrap();
        assert_eq!(c.new_level, None);
    }

    #[test]
    fn raising_to_a_data_passing_level_names_what_is_shared() {
        let r = referral(InformationOnly, day(2026, 5, 1));
        let raise = |items: Option<Vec<String>>| ReferralUpdate {
            level: Some("accompanied".into()),
            shared_items: items,
            ..ReferralUpdate::default()
        };
        assert_eq!(
            field_codes(apply_update(&r, &raise(None), today())),
            ["shared_items:required"]
        );
        let c = apply_update(&r, &raise(Some(vec!["name".into()])), today()).unwrap();
        assert_eq!(c.items, [SharedItem::Name]);
        // Already passing data: raising again asks for no items.
        let passing = referral(PhoneMediation, day(2026, 5, 1));
        assert!(
            apply_update(&passing, &raise(None), today())
                .unwrap()
                .items
                .is_empty()
        );
    }

    #[test]
    fn a_referral_promising_follow_up_closes_only_after_one_is_done() {
        assert!(matches!(
            may_close(AccompaniedWithFollowUp, 0),
            Err(DomainError::Rule {
                code: "follow_up_required",
                ..
            })
        ));
        assert!(may_close(AccompaniedWithFollowUp, 1).is_ok());
        for level in [InformationOnly, PhoneMediation, Accompanied] {
            assert!(may_close(level, 0).is_ok(), "{level:?}");
        }
    }

    #[test]
    fn a_correction_of_a_returned_referral_puts_it_back_in_review() {
        assert_eq!(
            review_after_change(ReviewState::Returned),
            ReviewState::Pending
        );
        for s in [
            ReviewState::None,
            ReviewState::Pending,
            ReviewState::Approved,
        ] {
            assert_eq!(review_after_change(s), s);
        }
    }
}
