//! The supervision summary: follow-up work per consultant and per agency type for a period.

use super::rules::{median, on_time_rate};
use crate::app::Ctx;
use crate::error::DomainError;
use crate::events::Action;
use crate::policy::{self, Permission};
use crate::ports::SummaryCounts;
use crate::reports::model::Period;
use crate::values::AgencyType;
use std::collections::BTreeMap;
use uuid::Uuid;

/// Per consultant or per agency type, for a period.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct SummaryRow {
    /// Follow-ups due in the period (not cancelled), and the share done by their due date.
    pub follow_ups_due: i64,
    pub done_on_time: i64,
    pub on_time_rate: Option<f64>,
    /// Open follow-ups overdue today.
    pub overdue_now: i64,
    /// Median days from referral to its first done follow-up.
    pub median_days_to_first_follow_up: Option<f64>,
    /// Referrals made in the period, per level (level order).
    pub referrals_by_level: [i64; 4],
    pub returned_reviews: i64,
}

#[derive(Debug, Clone, Default, PartialEq)]
pub struct Summary {
    pub by_consultant: BTreeMap<Uuid, SummaryRow>,
    pub by_agency_type: BTreeMap<AgencyType, SummaryRow>,
}

/// Turns the store's counts into the summary: every agency type has a row (zero when
/// nothing happened), consultants only when they had work; rates and medians computed.
pub fn summarise(counts: &SummaryCounts) -> Summary {
    let mut by_consultant: BTreeMap<Uuid, SummaryRow> = BTreeMap::new();
    let mut by_type: BTreeMap<AgencyType, SummaryRow> = BTreeMap::new();
    for t in AgencyType::ALL {
        by_type.insert(*t, SummaryRow::default());
    }
    let mut both = |who: Uuid, t: AgencyType, f: &dyn Fn(&mut SummaryRow)| {
        f(by_consultant.entry(who).or_default());
        f(by_type.entry(t).or_default());
    };
    for (who, t, level, n) in &counts.referrals {
        both(*who, *t, &|r| {
            r.referrals_by_level[usize::from(level.rank() - 1)] += n
        });
    }
    for (who, t, due, on_time) in &counts.due {
        both(*who, *t, &|r| {
            r.follow_ups_due += due;
            r.done_on_time += on_time;
        });
    }
    for (who, t, n) in &counts.overdue {
        both(*who, *t, &|r| r.overdue_now += n);
    }
    for (who, t, n) in &counts.returned {
        both(*who, *t, &|r| r.returned_reviews += n);
    }
    let mut days_c: BTreeMap<Uuid, Vec<i64>> = BTreeMap::new();
    let mut days_t: BTreeMap<AgencyType, Vec<i64>> = BTreeMap::new();
    for (who, t, d) in &counts.first_follow_up_days {
        days_c.entry(*who).or_default().push(*d);
        days_t.entry(*t).or_default().push(*d);
    }
    for (who, days) in days_c {
        by_consultant
            .entry(who)
            .or_default()
            .median_days_to_first_follow_up = median(days);
    }
    for (t, days) in days_t {
        by_type.entry(t).or_default().median_days_to_first_follow_up = median(days);
    }
    for r in by_consultant.values_mut().chain(by_type.values_mut()) {
        r.on_time_rate = on_time_rate(r.done_on_time, r.follow_ups_due);
    }
    Summary {
        by_consultant,
        by_agency_type: by_type,
    }
}

crate::facade!(
    /// The supervision summary: `services.supervision_summary()`.
    SupervisionSummary,
    supervision_summary
);

impl SupervisionSummary<'_> {
    /// Follow-up work per consultant and per agency type for a period.
    #[tracing::instrument(skip_all, fields(from = %period.from, to = %period.to))]
    pub fn get(&self, ctx: &Ctx, period: &Period) -> Result<Summary, DomainError> {
        self.guard(ctx, Action::SupervisionSummary, None, || {
            let center = policy::permit_in_center(&ctx.actor, Permission::Supervise)?;
            let counts = self
                .store
                .summary_counts(center, period.from, period.to, self.today())?;
            let summary = summarise(&counts);
            self.log_impersonal_read(
                self.ev(ctx, Action::SupervisionSummary)
                    .detail(format!("from={}; to={}", period.from, period.to)),
            );
            Ok(summary)
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::values::Level;

    #[test]
    fn counts_add_up_per_consultant_and_per_agency_type() {
        let (a, b) = (Uuid::now_v7(), Uuid::now_v7());
        let hw = AgencyType::ALL[0];
        let other = AgencyType::ALL[1];
        let counts = SummaryCounts {
            referrals: vec![
                (a, hw, Level::InformationOnly, 2),
                (a, other, Level::AccompaniedWithFollowUp, 1),
                (b, hw, Level::AccompaniedWithFollowUp, 3),
            ],
            due: vec![(a, hw, 3, 2), (b, hw, 1, 1)],
            overdue: vec![(a, other, 1)],
            first_follow_up_days: vec![(a, hw, 4), (a, hw, 10), (b, hw, 1)],
            returned: vec![(b, hw, 1)],
        };
        let s = summarise(&counts);
        assert_eq!(s.by_agency_type.len(), AgencyType::ALL.len());
        let ra = &s.by_consultant[&a];
        assert_eq!(ra.referrals_by_level, [2, 0, 0, 1]);
        assert_eq!((ra.follow_ups_due, ra.done_on_time), (3, 2));
        assert_eq!(ra.on_time_rate, Some(0.667));
        assert_eq!(ra.overdue_now, 1);
        assert_eq!(ra.median_days_to_first_follow_up, Some(7.0));
        let rb = &s.by_consultant[&b];
        assert_eq!(rb.returned_reviews, 1);
        assert_eq!(rb.on_time_rate, Some(1.0));
        let t = &s.by_agency_type[&hw];
        assert_eq!(t.referrals_by_level, [2, 0, 0, 3]);
        assert_eq!((t.follow_ups_due, t.done_on_time), (4, 3));
        assert_eq!(t.on_time_rate, Some(0.75));
        assert_eq!(t.median_days_to_first_follow_up, Some(4.0));
        let quiet = &s.by_agency_type[&AgencyType::ALL[2]];
        assert_eq!(quiet, &SummaryRow::default());
    }
}
