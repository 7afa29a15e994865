//! The ministry's figures, computed from the store's rollups. Pure: the use cases fetch the
//! rollups and hand them here.

use super::model::{DimCount, OutcomeCount, Period, ReferralCount};
use crate::values::{AgencyType, Channel, Level, Purpose, Requester, SupportAwareness, Topic};
use chrono::{Datelike, NaiveDate};
use std::collections::BTreeMap;
use uuid::Uuid;

/// The survey's bands for a count of cooperation cases.
pub fn band(count: i64) -> &'static str {
    match count {
        i64::MIN..=0 => "none",
        1..=9 => "1-9",
        10..=49 => "10-49",
        50..=99 => "50-99",
        _ => "100+",
    }
}

pub const BANDS: [&str; 4] = ["1-9", "10-49", "50-99", "100+"];

/// The lower median of levels given as counts per level (in level order), or `None`.
pub fn lower_median(counts: &[i64; 4]) -> Option<Level> {
    let total: i64 = counts.iter().sum();
    if total <= 0 {
        return None;
    }
    // The ((n+1)/2)-th smallest, 1-based: for an even n the lower of the two middle ones.
    let target = (total + 1) / 2;
    let mut seen = 0;
    for (i, c) in counts.iter().enumerate() {
        seen += c;
        if seen >= target {
            return Level::ALL.get(i).copied();
        }
    }
    None
}

/// A share rounded to 0.1 %, as the paper reports; none of nothing.
pub fn rate(part: i64, whole: i64) -> Option<f64> {
    (whole > 0).then(|| (part as f64 * 1000.0 / whole as f64).round() / 1000.0)
}

// --- the reports ----------------------------------------------------------------------

#[derive(Debug, Clone, PartialEq)]
pub struct LevelRow {
    pub agency_type: AgencyType,
    /// Per level, in level order.
    pub counts: [i64; 4],
    pub total: i64,
    pub answer: Option<Level>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct LevelAnswersRow {
    pub agency_type: AgencyType,
    /// Centers answering `none`.
    pub none: i64,
    /// Centers answering each level, in level order.
    pub levels: [i64; 4],
}

#[derive(Debug, Clone, PartialEq)]
pub enum ReferralLevels {
    Center(Vec<LevelRow>),
    Centers { n: i64, rows: Vec<LevelAnswersRow> },
}

#[derive(Debug, Clone, PartialEq)]
pub struct CooperationRow {
    pub agency_type: AgencyType,
    pub purpose: Purpose,
    pub count: i64,
    pub band: &'static str,
}

#[derive(Debug, Clone, PartialEq)]
pub struct CooperationBandsRow {
    pub agency_type: AgencyType,
    pub purpose: Purpose,
    /// Centers with at least one such referral.
    pub n: i64,
    /// Centers in each band, in [`BANDS`] order.
    pub bands: [i64; 4],
}

#[derive(Debug, Clone, PartialEq)]
pub enum CooperationCounts {
    Center(Vec<CooperationRow>),
    Centers(Vec<CooperationBandsRow>),
}

#[derive(Debug, Clone, PartialEq)]
pub struct ConsultationReport {
    pub total: i64,
    pub anonymous: i64,
    /// Joint with the 難病患者就職サポーター.
    pub joint: i64,
    pub distinct_patients: i64,
    pub by_channel: Vec<(Channel, i64)>,
    pub by_requester: Vec<(Requester, i64)>,
    /// A consultation counts once under each of its topics.
    pub by_topic: Vec<(Topic, i64)>,
    /// `YYYY-MM` (Tokyo) of every month in the period, in order.
    pub by_month: Vec<(String, i64)>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct OutcomeRow {
    pub agency_type: AgencyType,
    pub purpose: Purpose,
    /// Patients referred in the period.
    pub referred: i64,
    /// Of them, those whose referral reached `employed` (new employment) or `retained`
    /// (job retention) in a follow-up or at closing.
    pub achieved: i64,
    pub rate: Option<f64>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct AwarenessReport {
    /// Patients registered in the period who were not working or seeking work.
    pub total: i64,
    pub rows: Vec<(SupportAwareness, i64, Option<f64>)>,
}

// --- computing them -------------------------------------------------------------------

/// Per center and agency type: referrals per level (level order).
fn levels_per_center(counts: &[ReferralCount]) -> BTreeMap<(Uuid, AgencyType), [i64; 4]> {
    let mut per: BTreeMap<(Uuid, AgencyType), [i64; 4]> = BTreeMap::new();
    for c in counts {
        per.entry((c.center_id, c.agency_type)).or_default()[usize::from(c.level.rank() - 1)] +=
            c.n;
    }
    per
}

/// 紹介の対応状況 of one center: per agency type, the referrals at each level and the
/// survey answer (the lower median level, or `none`).
pub fn center_levels(center: Uuid, counts: &[ReferralCount]) -> ReferralLevels {
    let per = levels_per_center(counts);
    ReferralLevels::Center(
        AgencyType::ALL
            .iter()
            .map(|t| {
                let counts = per.get(&(center, *t)).copied().unwrap_or_default();
                LevelRow {
                    agency_type: *t,
                    counts,
                    total: counts.iter().sum(),
                    answer: lower_median(&counts),
                }
            })
            .collect(),
    )
}

/// 紹介の対応状況 across `centers`: per agency type, how many centers gave each answer.
pub fn centers_levels(centers: &[Uuid], counts: &[ReferralCount]) -> ReferralLevels {
    let per = levels_per_center(counts);
    let rows = AgencyType::ALL
        .iter()
        .map(|t| {
            let mut row = LevelAnswersRow {
                agency_type: *t,
                none: 0,
                levels: [0; 4],
            };
            for c in centers {
                let counts = per.get(&(*c, *t)).copied().unwrap_or_default();
                match lower_median(&counts) {
                    None => row.none += 1,
                    Some(l) => row.levels[usize::from(l.rank() - 1)] += 1,
                }
            }
            row
        })
        .collect();
    ReferralLevels::Centers {
        n: i64::try_from(centers.len()).unwrap_or(i64::MAX),
        rows,
    }
}

/// Per center, agency type and purpose: referrals of any level.
fn cooperation_per_center(counts: &[ReferralCount]) -> BTreeMap<(Uuid, AgencyType, Purpose), i64> {
    let mut per: BTreeMap<(Uuid, AgencyType, Purpose), i64> = BTreeMap::new();
    for c in counts {
        *per.entry((c.center_id, c.agency_type, c.purpose))
            .or_default() += c.n;
    }
    per
}

/// Every (agency type, purpose) pair, in the survey's order.
fn type_purpose_pairs() -> impl Iterator<Item = (AgencyType, Purpose)> {
    AgencyType::ALL
        .iter()
        .flat_map(|t| Purpose::ALL.iter().map(move |p| (*t, *p)))
}

/// 連携件数 of one center: per agency type and purpose, the referrals and their band.
pub fn center_cooperation(center: Uuid, counts: &[ReferralCount]) -> CooperationCounts {
    let per = cooperation_per_center(counts);
    CooperationCounts::Center(
        type_purpose_pairs()
            .map(|(t, p)| {
                let count = per.get(&(center, t, p)).copied().unwrap_or(0);
                CooperationRow {
                    agency_type: t,
                    purpose: p,
                    count,
                    band: band(count),
                }
            })
            .collect(),
    )
}

/// 連携件数 across centers: per agency type and purpose, how many centers fall in each band
/// among those with at least one such referral.
pub fn centers_cooperation(counts: &[ReferralCount]) -> CooperationCounts {
    let per = cooperation_per_center(counts);
    CooperationCounts::Centers(
        type_purpose_pairs()
            .map(|(t, p)| {
                let mut row = CooperationBandsRow {
                    agency_type: t,
                    purpose: p,
                    n: 0,
                    bands: [0; 4],
                };
                for ((_, ct, cp), count) in &per {
                    if (*ct, *cp) == (t, p) && *count > 0 {
                        row.n += 1;
                        if let Some(i) = BANDS.iter().position(|b| *b == band(*count)) {
                            row.bands[i] += 1;
                        }
                    }
                }
                row
            })
            .collect(),
    )
}

/// `YYYY-MM` of every month the period touches, in order.
fn months(period: &Period) -> Vec<String> {
    let mut out = Vec::new();
    let mut m =
        NaiveDate::from_ymd_opt(period.from.year(), period.from.month(), 1).unwrap_or(period.from);
    while m <= period.to {
        out.push(format!("{:04}-{:02}", m.year(), m.month()));
        m = m
            .checked_add_months(chrono::Months::new(1))
            .unwrap_or(NaiveDate::MAX);
    }
    out
}

/// Consultations by channel, requester, topic and month, from the per-dimension counts
/// and the per-day counts.
pub fn consultations(
    period: &Period,
    dims: &[DimCount],
    days: &[(NaiveDate, i64)],
    distinct_patients: i64,
) -> ConsultationReport {
    let get = |dim: &str, value: &str| {
        dims.iter()
            .filter(|d| d.dim == dim && d.value == value)
            .map(|d| d.n)
            .sum::<i64>()
    };
    let mut by_month: BTreeMap<String, i64> = months(period).into_iter().map(|m| (m, 0)).collect();
    for (day, n) in days {
        *by_month
            .entry(format!("{:04}-{:02}", day.year(), day.month()))
            .or_default() += n;
    }
    ConsultationReport {
        total: get("total", "all"),
        anonymous: get("anonymous", "yes"),
        joint: get("joint", "yes"),
        distinct_patients,
        by_channel: Channel::ALL
            .iter()
            .map(|c| (*c, get("channel", c.as_str())))
            .collect(),
        by_requester: Requester::ALL
            .iter()
            .map(|r| (*r, get("requester", r.as_str())))
            .collect(),
        by_topic: Topic::ALL
            .iter()
            .map(|t| (*t, get("topic", t.as_str())))
            .collect(),
        by_month: by_month.into_iter().collect(),
    }
}

/// Per purpose and agency type: patients referred and those reaching employment.
pub fn employment_outcomes(counts: &[OutcomeCount]) -> Vec<OutcomeRow> {
    Purpose::ALL
        .iter()
        .flat_map(|p| AgencyType::ALL.iter().map(move |t| (*t, *p)))
        .map(|(t, p)| {
            let (referred, achieved) = counts
                .iter()
                .filter(|c| c.agency_type == t && c.purpose == p)
                .fold((0, 0), |(r, a), c| (r + c.referred, a + c.achieved));
            OutcomeRow {
                agency_type: t,
                purpose: p,
                referred,
                achieved,
                rate: rate(achieved, referred),
            }
        })
        .collect()
}

/// Per awareness of employment support: patients and their share.
pub fn support_awareness(counts: &[(SupportAwareness, i64)]) -> AwarenessReport {
    let total: i64 = counts.iter().map(|(_, n)| n).sum();
    AwarenessReport {
        total,
        rows: SupportAwareness::ALL
            .iter()
            .map(|a| {
                let n = counts.iter().filter(|(x, _)| x == a).map(|(_, n)| n).sum();
                (*a, n, rate(n, total))
            })
            .collect(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn referrals(center: Uuid, t: AgencyType, p: Purpose, level: Level, n: i64) -> ReferralCount {
        ReferralCount {
            center_id: center,
            agency_type: t,
            purpose: p,
            level,
            n,
        }
    }

    #[test]
    fn lower_median_and_bands() {
        assert_eq!(lower_median(&[0, 0, 0, 0]), None);
        assert_eq!(lower_median(&[7, 2, 1, 0]), Some(Level::InformationOnly));
        // 1,1,4,4: the lower of the middle two is 1.
        assert_eq!(lower_median(&[2, 0, 0, 2]), Some(Level::InformationOnly));
        assert_eq!(
            lower_median(&[1, 0, 0, 2]),
            Some(Level::AccompaniedWithFollowUp)
        );
        assert_eq!(lower_median(&[0, 1, 1, 0]), Some(Level::PhoneMediation));
        assert_eq!(lower_median(&[0, 0, 1, 0]), Some(Level::Accompanied));
        assert_eq!(
            [0, 1, 9, 10, 49, 50, 99, 100, 5000].map(band),
            [
                "none", "1-9", "1-9", "10-49", "10-49", "50-99", "50-99", "100+", "100+"
            ]
        );
        assert_eq!(rate(1, 3), Some(0.333));
        assert_eq!(rate(0, 0), None);
    }

    #[test]
    fn levels_of_a_center_and_answers_across_centers() {
        let (a, b, quiet) = (Uuid::now_v7(), Uuid::now_v7(), Uuid::now_v7());
        let hw = AgencyType::HelloWork;
        let p = Purpose::ALL[0];
        let counts = [
            referrals(a, hw, p, Level::InformationOnly, 2),
            referrals(a, hw, Purpose::ALL[1], Level::AccompaniedWithFollowUp, 2),
            referrals(b, hw, p, Level::Accompanied, 1),
        ];
        let ReferralLevels::Center(rows) = center_levels(a, &counts) else {
            panic!("a center's rows");
        };
        assert_eq!(rows.len(), AgencyType::ALL.len());
        assert_eq!(rows[0].agency_type, hw);
        assert_eq!(rows[0].counts, [2, 0, 0, 2]);
        assert_eq!(rows[0].total, 4);
        assert_eq!(rows[0].answer, Some(Level::InformationOnly));
        assert_eq!(rows[1].answer, None);
        let ReferralLevels::Centers { n, rows } = centers_levels(&[a, b, quiet], &counts) else {
            panic!("answers across centers");
        };
        assert_eq!(n, 3);
        assert_eq!(rows[0].levels, [1, 0, 1, 0]);
        assert_eq!(rows[0].none, 1);
        assert_eq!(rows[1].none, 3);
    }

    #[test]
    fn cooperation_counts_and_bands_across_centers() {
        let (a, b) = (Uuid::now_v7(), Uuid::now_v7());
        let hw = AgencyType::HelloWork;
        let p = Purpose::ALL[0];
        let counts = [
            referrals(a, hw, p, Level::InformationOnly, 8),
            referrals(a, hw, p, Level::Accompanied, 4),
            referrals(b, hw, p, Level::InformationOnly, 3),
        ];
        let CooperationCounts::Center(rows) = center_cooperation(a, &counts) else {
            panic!("a center's rows");
        };
        assert_eq!(rows.len(), AgencyType::ALL.len() * Purpose::ALL.len());
        assert_eq!((rows[0].agency_type, rows[0].purpose), (hw, p));
        assert_eq!((rows[0].count, rows[0].band), (12, "10-49"));
        assert_eq!((rows[1].count, rows[1].band), (0, "none"));
        let CooperationCounts::Centers(rows) = centers_cooperation(&counts) else {
            panic!("bands across centers");
        };
        assert_eq!(rows[0].n, 2);
        assert_eq!(rows[0].bands, [1, 1, 0, 0]);
        assert_eq!(rows[1].n, 0);
    }

    #[test]
    fn consultations_fill_every_month_of_the_period() {
        let period = Period {
            from: "2025-04-15".parse().unwrap(),
            to: "2025-06-02".parse().unwrap(),
            fiscal_year: None,
        };
        let dim = |dim: &str, value: &str, n| DimCount {
            dim: dim.into(),
            value: value.into(),
            n,
        };
        let dims = [
            dim("total", "all", 5),
            dim("anonymous", "yes", 1),
            dim("channel", Channel::ALL[0].as_str(), 4),
            dim("channel", Channel::ALL[1].as_str(), 1),
        ];
        let days = [
            ("2025-04-20".parse().unwrap(), 2),
            ("2025-04-21".parse().unwrap(), 1),
            ("2025-06-01".parse().unwrap(), 2),
        ];
        let r = consultations(&period, &dims, &days, 3);
        assert_eq!((r.total, r.anonymous, r.joint), (5, 1, 0));
        assert_eq!(r.distinct_patients, 3);
        assert_eq!(r.by_channel[0], (Channel::ALL[0], 4));
        assert_eq!(r.by_topic.len(), Topic::ALL.len());
        assert_eq!(
            r.by_month,
            [
                ("2025-04".to_owned(), 3),
                ("2025-05".to_owned(), 0),
                ("2025-06".to_owned(), 2)
            ]
        );
    }

    #[test]
    fn outcomes_and_awareness_rates() {
        let hw = AgencyType::HelloWork;
        let p = Purpose::ALL[0];
        let rows = employment_outcomes(&[
            OutcomeCount {
                agency_type: hw,
                purpose: p,
                referred: 2,
                achieved: 1,
            },
            OutcomeCount {
                agency_type: hw,
                purpose: p,
                referred: 1,
                achieved: 0,
            },
        ]);
        assert_eq!(rows.len(), AgencyType::ALL.len() * Purpose::ALL.len());
        assert_eq!((rows[0].agency_type, rows[0].purpose), (hw, p));
        assert_eq!((rows[0].referred, rows[0].achieved), (3, 1));
        assert_eq!(rows[0].rate, Some(0.333));
        assert_eq!(rows[1].rate, None);
        let a = SupportAwareness::ALL;
        let r = support_awareness(&[(a[0], 3), (a[1], 1)]);
        assert_eq!(r.total, 4);
        assert_eq!(r.rows[0], (a[0], 3, Some(0.75)));
        assert_eq!(r.rows[1], (a[1], 1, Some(0.25)));
        assert_eq!(r.rows.len(), a.len());
        assert_eq!(support_awareness(&[]).rows[0], (a[0], 0, None));
    }
}
