//! The rules of supervision, apart from the use cases that apply them: why a referral is in
//! the audit queue and in which order, when a follow-up escalates, which referrals fall in
//! the quality sample, and what a review or a correction does to a referral's review state.
//! Four eyes is [`crate::policy::review`]. Dates are Asia/Tokyo calendar dates throughout.

use crate::entities::QueueRow;
use crate::events::Action;
use crate::values::{Level, ReferralStatus, ReviewDecision, ReviewState};
use chrono::{Duration, NaiveDate};
use std::cmp::Reverse;
use uuid::Uuid;

/// The quality sample covers recent work: referrals of the last 90 days.
pub const SAMPLE_WINDOW_DAYS: i64 = 90;

/// Why a referral is in the audit queue, most urgent first.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum QueueReason {
    /// A follow-up is overdue by more than the center's escalation days.
    FollowUpEscalated,
    /// A level-4 referral's follow-up is overdue.
    FollowUpOverdue,
    /// A level-4 referral is open with no follow-up scheduled.
    FollowUpMissing,
    /// Returned for correction and not yet corrected.
    Returned,
    /// Follow-up work was recorded and awaits review.
    AwaitingReview,
    /// A lower-level referral drawn for a quality check.
    Sample,
}

impl QueueReason {
    /// Every reason, most urgent first: the queue's order, and the rank the store sorts by
    /// (a reason's index here).
    pub const ALL: [Self; 6] = [
        Self::FollowUpEscalated,
        Self::FollowUpOverdue,
        Self::FollowUpMissing,
        Self::Returned,
        Self::AwaitingReview,
        Self::Sample,
    ];

    pub fn rank(self) -> i32 {
        Self::ALL
            .iter()
            .position(|r| *r == self)
            .and_then(|i| i32::try_from(i).ok())
            .unwrap_or(i32::MAX)
    }

    pub fn from_rank(rank: i32) -> Option<Self> {
        usize::try_from(rank)
            .ok()
            .and_then(|i| Self::ALL.get(i).copied())
    }

    /// The reason a `reason=` filter names (422 `invalid_choice` otherwise).
    pub fn parse(field: &str, raw: &str) -> Result<Self, crate::error::FieldError> {
        Self::ALL
            .into_iter()
            .find(|r| r.as_str() == raw.trim())
            .ok_or_else(|| {
                crate::error::FieldError::new(
                    field,
                    "invalid_choice",
                    format!("must be one of: {}", Self::ALL.map(Self::as_str).join(", ")),
                )
            })
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Self::FollowUpEscalated => "follow_up_escalated",
            Self::FollowUpOverdue => "follow_up_overdue",
            Self::FollowUpMissing => "follow_up_missing",
            Self::Returned => "returned",
            Self::AwaitingReview => "awaiting_review",
            Self::Sample => "sample",
        }
    }
}

/// Follow-ups due before this date are escalated: overdue by more than the center's
/// `escalation_days`, counted in calendar days from `today` (an Asia/Tokyo date).
pub fn escalate_before(today: NaiveDate, escalation_days: i32) -> NaiveDate {
    today - Duration::days(i64::from(escalation_days))
}

/// The first day of the quality sample's window.
pub fn sample_since(today: NaiveDate) -> NaiveDate {
    today - Duration::days(SAMPLE_WINDOW_DAYS)
}

/// Days the earliest open follow-up is overdue (0 when none is).
pub fn days_overdue(earliest_open_due: Option<NaiveDate>, today: NaiveDate) -> i64 {
    earliest_open_due.map_or(0, |d| (today - d).num_days().max(0))
}

/// What decides membership in the audit queue on a given day, for a given center.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct QueueBounds {
    pub today: NaiveDate,
    pub escalate_before: NaiveDate,
    pub sample_since: NaiveDate,
    pub sample_percent: i32,
}

impl QueueBounds {
    pub fn new(today: NaiveDate, escalation_days: i32, sample_percent: i32) -> Self {
        Self {
            today,
            escalate_before: escalate_before(today, escalation_days),
            sample_since: sample_since(today),
            sample_percent,
        }
    }
}

/// The queue's second sort key as a date: the earliest open due date while it is past,
/// else today. Sorting by it ascending is sorting by days overdue descending, which lets a
/// database order (and page) the queue by a column.
pub fn overdue_key(earliest_open_due: Option<NaiveDate>, today: NaiveDate) -> NaiveDate {
    earliest_open_due.map_or(today, |d| d.min(today))
}

/// The sample's bound on an id's last four hex digits: ids whose tail sorts below it as
/// text are in the sample — [`sampled`] for a database, comparing the lower-case text of
/// the id. `g` sorts above every hex digit, so 100 % takes every id.
pub fn sample_hex_limit(percent: i32) -> String {
    let limit = u32::try_from(percent.clamp(0, 100)).unwrap_or(0) * 65_536 / 100;
    if limit >= 65_536 {
        "g".to_owned()
    } else {
        format!("{limit:04x}")
    }
}

/// Whether a referral falls in the quality sample: its id's random tail (UUID v7 ends in
/// random bits) read as a number below `percent` of the range. Stable, so the queue does not
/// reshuffle between reads; the store applies the same test in SQL.
pub fn sampled(id: Uuid, percent: i32) -> bool {
    let b = id.as_bytes();
    let bucket = u32::from(b[14]) * 256 + u32::from(b[15]);
    let limit = u32::try_from(percent.clamp(0, 100)).unwrap_or(0) * 65_536 / 100;
    bucket < limit
}

/// What the queue looks at in a referral.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct QueueFacts {
    pub id: Uuid,
    pub level: Level,
    pub status: ReferralStatus,
    pub review_state: ReviewState,
    /// Open follow-ups (not done, not cancelled) and the earliest of their due dates.
    pub open_follow_ups: i64,
    pub earliest_open_due: Option<NaiveDate>,
}

impl QueueFacts {
    pub fn of(row: &QueueRow) -> Self {
        Self {
            id: row.referral.id,
            level: row.referral.level,
            status: row.referral.status,
            review_state: row.referral.review_state,
            open_follow_ups: row.open_follow_ups,
            earliest_open_due: row.earliest_open_due,
        }
    }
}

/// Why a referral needs a supervisor's eye, most urgent first; empty when it does not.
/// Only an open level-4 referral (accompanied, with follow-up) is watched for overdue or
/// missing follow-ups; only a lower-level referral nobody reviewed is sampled.
pub fn queue_reasons(
    f: &QueueFacts,
    today: NaiveDate,
    escalate_before: NaiveDate,
    sample_percent: i32,
) -> Vec<QueueReason> {
    let mut reasons = Vec::new();
    if f.earliest_open_due.is_some_and(|d| d < escalate_before) {
        reasons.push(QueueReason::FollowUpEscalated);
    }
    let open_four = f.level == Level::AccompaniedWithFollowUp && f.status == ReferralStatus::Open;
    if open_four && f.earliest_open_due.is_some_and(|d| d < today) {
        reasons.push(QueueReason::FollowUpOverdue);
    }
    if open_four && f.open_follow_ups == 0 {
        reasons.push(QueueReason::FollowUpMissing);
    }
    match f.review_state {
        ReviewState::Returned => reasons.push(QueueReason::Returned),
        ReviewState::Pending => reasons.push(QueueReason::AwaitingReview),
        ReviewState::None
            if f.level != Level::AccompaniedWithFollowUp && sampled(f.id, sample_percent) =>
        {
            reasons.push(QueueReason::Sample);
        }
        _ => {}
    }
    reasons.sort();
    reasons
}

/// The queue's order, as a sort key: the most urgent reason first, then the longest
/// overdue, then the oldest referral (then the id, so pages never overlap; see
/// [`overdue_key`] for the same order as the store applies it).
pub fn queue_order(
    most_urgent: QueueReason,
    days_overdue: i64,
    referred_on: NaiveDate,
) -> (QueueReason, Reverse<i64>, NaiveDate) {
    (most_urgent, Reverse(days_overdue), referred_on)
}

/// Returning a referral needs a comment saying what to correct.
pub fn comment_required(decision: ReviewDecision, comment: Option<&str>) -> bool {
    decision == ReviewDecision::Returned && comment.is_none()
}

/// The review state a decision leaves the referral in, and the action the trail records.
pub fn after_review(decision: ReviewDecision) -> (ReviewState, Action) {
    match decision {
        ReviewDecision::Approved => (ReviewState::Approved, Action::ReviewApprove),
        ReviewDecision::Returned => (ReviewState::Returned, Action::ReviewReturn),
    }
}

/// The median of a set of day counts (the mean of the middle two for an even count).
pub fn median(mut xs: Vec<i64>) -> Option<f64> {
    if xs.is_empty() {
        return None;
    }
    xs.sort_unstable();
    let n = xs.len();
    Some(if n % 2 == 1 {
        xs[n / 2] as f64
    } else {
        (xs[n / 2 - 1] + xs[n / 2]) as f64 / 2.0
    })
}

/// The share of follow-ups done by their due date, rounded to 0.1 %; none when none was due.
pub fn on_time_rate(done_on_time: i64, due: i64) -> Option<f64> {
    (due > 0).then(|| (done_on_time as f64 * 1000.0 / due as f64).round() / 1000.0)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::clock::tokyo_date;
    use chrono::{TimeZone, Utc};

    fn day(s: &str) -> NaiveDate {
        s.parse().unwrap()
    }

    /// An id in the sample at any rate above 0 %, and one never in it below 100 %.
    fn edge_ids() -> (Uuid, Uuid) {
        let mut low = [0u8; 16];
        low[6] = 0x70;
        let mut high = low;
        high[14] = 0xff;
        high[15] = 0xff;
        (Uuid::from_bytes(low), Uuid::from_bytes(high))
    }

    fn facts(level: Level, review_state: ReviewState) -> QueueFacts {
        QueueFacts {
            id: edge_ids().1,
            level,
            status: ReferralStatus::Open,
            review_state,
            open_follow_ups: 1,
            earliest_open_due: None,
        }
    }

    #[test]
    fn sampling_is_stable_and_near_its_rate() {
        let ids: Vec<Uuid> = (0..10_000).map(|_| Uuid::now_v7()).collect();
        let n = ids.iter().filter(|i| sampled(**i, 10)).count();
        assert!((700..1300).contains(&n), "{n}");
        assert!(ids.iter().all(|i| sampled(*i, 10) == sampled(*i, 10)));
        assert!(ids.iter().all(|i| !sampled(*i, 0)));
        assert!(ids.iter().all(|i| sampled(*i, 100)));
        let (low, high) = edge_ids();
        assert!(sampled(low, 1) && !sampled(high, 99));
    }

    #[test]
    fn escalation_counts_tokyo_calendar_days() {
        // 2026-04-10 15:30 UTC is already the 11th in Tokyo.
        let now = Utc.with_ymd_and_hms(2026, 4, 10, 15, 30, 0).unwrap();
        let today = tokyo_date(now);
        assert_eq!(today, day("2026-04-11"));
        let cutoff = escalate_before(today, 7);
        assert_eq!(cutoff, day("2026-04-04"));
        let f = |due: &str| QueueFacts {
            earliest_open_due: Some(day(due)),
            ..facts(Level::PhoneMediation, ReviewState::None)
        };
        // Overdue by 8 days escalates; by exactly 7 it does not yet.
        assert_eq!(
            queue_reasons(&f("2026-04-03"), today, cutoff, 0),
            [QueueReason::FollowUpEscalated]
        );
        assert!(queue_reasons(&f("2026-04-04"), today, cutoff, 0).is_empty());
        assert_eq!(days_overdue(Some(day("2026-04-03")), today), 8);
        assert_eq!(days_overdue(Some(day("2026-04-20")), today), 0);
        assert_eq!(days_overdue(None, today), 0);
        assert_eq!(sample_since(today), day("2026-01-11"));
    }

    #[test]
    fn queue_reasons_and_their_order() {
        let today = day("2026-06-10");
        let cutoff = escalate_before(today, 7);
        let four = Level::AccompaniedWithFollowUp;
        // A level-4 referral long overdue and returned: every reason, most urgent first.
        let late = QueueFacts {
            earliest_open_due: Some(day("2026-05-01")),
            ..facts(four, ReviewState::Returned)
        };
        assert_eq!(
            queue_reasons(&late, today, cutoff, 10),
            [
                QueueReason::FollowUpEscalated,
                QueueReason::FollowUpOverdue,
                QueueReason::Returned
            ]
        );
        // Open level 4 with nothing scheduled; a closed one is no longer watched.
        let missing = QueueFacts {
            open_follow_ups: 0,
            ..facts(four, ReviewState::Pending)
        };
        assert_eq!(
            queue_reasons(&missing, today, cutoff, 10),
            [QueueReason::FollowUpMissing, QueueReason::AwaitingReview]
        );
        let closed = QueueFacts {
            status: ReferralStatus::Closed,
            ..missing
        };
        assert_eq!(
            queue_reasons(&closed, today, cutoff, 10),
            [QueueReason::AwaitingReview]
        );
        // Overdue but not escalated: only level 4 counts as overdue.
        let due = Some(day("2026-06-08"));
        let overdue_four = QueueFacts {
            earliest_open_due: due,
            ..facts(four, ReviewState::Approved)
        };
        assert_eq!(
            queue_reasons(&overdue_four, today, cutoff, 10),
            [QueueReason::FollowUpOverdue]
        );
        let overdue_two = QueueFacts {
            level: Level::PhoneMediation,
            ..overdue_four
        };
        assert!(queue_reasons(&overdue_two, today, cutoff, 10).is_empty());
        // The sample: lower levels nobody reviewed yet, never level 4.
        let (low, high) = edge_ids();
        let lower = QueueFacts {
            id: low,
            ..facts(Level::InformationOnly, ReviewState::None)
        };
        assert_eq!(
            queue_reasons(&lower, today, cutoff, 10),
            [QueueReason::Sample]
        );
        assert!(queue_reasons(&QueueFacts { id: high, ..lower }, today, cutoff, 10).is_empty());
        let reviewed = QueueFacts {
            review_state: ReviewState::Approved,
            ..lower
        };
        assert!(queue_reasons(&reviewed, today, cutoff, 100).is_empty());
        let four_unreviewed = QueueFacts {
            level: four,
            ..lower
        };
        assert!(queue_reasons(&four_unreviewed, today, cutoff, 100).is_empty());

        let mut keys = [
            queue_order(QueueReason::Sample, 0, day("2026-01-01")),
            queue_order(QueueReason::FollowUpEscalated, 9, day("2026-03-01")),
            queue_order(QueueReason::FollowUpEscalated, 30, day("2026-04-01")),
            queue_order(QueueReason::Returned, 0, day("2026-02-01")),
            queue_order(QueueReason::Returned, 0, day("2026-01-15")),
        ];
        keys.sort();
        let order: Vec<(QueueReason, i64, NaiveDate)> =
            keys.iter().map(|(r, d, o)| (*r, d.0, *o)).collect();
        assert_eq!(
            order,
            [
                (QueueReason::FollowUpEscalated, 30, day("2026-04-01")),
                (QueueReason::FollowUpEscalated, 9, day("2026-03-01")),
                (QueueReason::Returned, 0, day("2026-01-15")),
                (QueueReason::Returned, 0, day("2026-02-01")),
                (QueueReason::Sample, 0, day("2026-01-01")),
            ]
        );
    }

    #[test]
    fn reviews_and_corrections_move_the_review_state() {
        assert!(comment_required(ReviewDecision::Returned, None));
        assert!(!comment_required(
            ReviewDecision::Returned,
            Some("add the date")
        ));
        assert!(!comment_required(ReviewDecision::Approved, None));
        assert_eq!(
            after_review(ReviewDecision::Approved),
            (ReviewState::Approved, Action::ReviewApprove)
        );
        assert_eq!(
            after_review(ReviewDecision::Returned),
            (ReviewState::Returned, Action::ReviewReturn)
        );
    }

    #[test]
    fn medians_and_rates() {
        assert_eq!(median(vec![]), None);
        assert_eq!(median(vec![5, 1, 3]), Some(3.0));
        assert_eq!(median(vec![4, 1, 3, 2]), Some(2.5));
        assert_eq!(on_time_rate(0, 0), None);
        assert_eq!(on_time_rate(2, 3), Some(0.667));
        assert_eq!(on_time_rate(3, 3), Some(1.0));
    }

    #[test]
    fn the_store_can_order_and_sample_by_columns() {
        // Ranks follow the enum's order of urgency and come back.
        let ranks: Vec<i32> = QueueReason::ALL.iter().map(|r| r.rank()).collect();
        assert_eq!(ranks, [0, 1, 2, 3, 4, 5]);
        assert!(QueueReason::ALL.windows(2).all(|w| w[0] < w[1]));
        assert_eq!(
            QueueReason::from_rank(2),
            Some(QueueReason::FollowUpMissing)
        );
        assert_eq!(QueueReason::from_rank(6), None);
        assert_eq!(QueueReason::from_rank(-1), None);
        // The due-date key orders like days overdue, longest first.
        let today = day("2026-06-10");
        let dues = [
            Some("2026-06-01"),
            None,
            Some("2026-05-01"),
            Some("2026-07-01"),
        ];
        let mut by_days: Vec<_> = dues.iter().map(|d| d.map(day)).collect();
        let mut by_key = by_days.clone();
        by_days.sort_by_key(|d| Reverse(days_overdue(*d, today)));
        by_key.sort_by_key(|d| overdue_key(*d, today));
        let days = |v: &[Option<NaiveDate>]| -> Vec<i64> {
            v.iter().map(|d| days_overdue(*d, today)).collect()
        };
        assert_eq!(days(&by_days), days(&by_key));
        assert_eq!(overdue_key(Some(day("2026-07-01")), today), today);
        // The text bound samples exactly the ids `sampled` takes.
        for percent in [0, 1, 10, 37, 99, 100] {
            let limit = sample_hex_limit(percent);
            for _ in 0..2_000 {
                let id = Uuid::now_v7();
                let tail = &id.to_string()[32..36];
                assert_eq!(
                    tail < limit.as_str(),
                    sampled(id, percent),
                    "{id} {percent}"
                );
            }
        }
        let (low, high) = edge_ids();
        assert!(low.to_string()[32..36] < *sample_hex_limit(1));
        assert!(high.to_string()[32..36] >= *sample_hex_limit(99));
    }
}
