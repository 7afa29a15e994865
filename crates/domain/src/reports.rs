//! The ministry's figures, computed from the records (through the store's rollups):
//!
//! 1. referral levels per agency type, with the center's survey answer — the lower median
//!    of the period's referral levels, or `none`;
//! 2. cooperation counts per agency type and purpose, with the survey's band;
//! 3. consultations by channel, topic, requester and month;
//! 4. employment outcomes per agency type and purpose;
//! 5. support awareness of patients not working or seeking work at intake.
//!
//! A center's supervisor and administrator see their center; the system administrator sees
//! every center (or one prefecture) aggregated, never a patient.

use crate::app::{Ctx, Services};
use crate::audit::AuditDraft;
use crate::clock::tokyo;
use crate::entities::Actor;
use crate::error::{DomainError, FieldError, Validator};
use crate::events::Action;
use crate::policy::{self, Permission, Reach};
use crate::values::{
    AgencyType, Channel, Level, PrefectureCode, Purpose, Requester, SupportAwareness, Topic,
};
use chrono::{DateTime, Datelike, Duration, NaiveDate, TimeZone, Utc};
use std::collections::BTreeMap;
use uuid::Uuid;

/// Whose records a report counts.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ReportScope {
    Center(Uuid),
    /// Every center, or those of one prefecture.
    Centers {
        prefecture_code: Option<String>,
    },
}

impl ReportScope {
    pub fn is_center(&self) -> bool {
        matches!(self, ReportScope::Center(_))
    }
}

/// A report's period: Asia/Tokyo dates, both ends included.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Period {
    pub from: NaiveDate,
    pub to: NaiveDate,
    /// Set when the period was asked for as a fiscal year (the store has per-year rollups).
    pub fiscal_year: Option<i32>,
}

impl Period {
    /// 年度 `year`: 1 April to 31 March.
    pub fn fiscal_year(year: i32) -> Option<Self> {
        Some(Self {
            from: NaiveDate::from_ymd_opt(year, 4, 1)?,
            to: NaiveDate::from_ymd_opt(year + 1, 3, 31)?,
            fiscal_year: Some(year),
        })
    }

    /// `fiscal_year=YYYY`, or `from` and `to` (YYYY-MM-DD).
    pub fn parse(
        fiscal_year: Option<&str>,
        from: Option<&str>,
        to: Option<&str>,
    ) -> Result<Self, DomainError> {
        let mut v = Validator::new();
        let period = match (fiscal_year, from, to) {
            (Some(y), None, None) => {
                let year = y
                    .trim()
                    .parse::<i32>()
                    .ok()
                    .filter(|y| (2000..=2100).contains(y));
                match year.and_then(Self::fiscal_year) {
                    Some(p) => Some(p),
                    None => {
                        v.push(FieldError::new(
                            "fiscal_year",
                            "invalid_fiscal_year",
                            "must be a year from 2000 to 2100 (年度 YYYY runs from YYYY-04-01 to the next 03-31)",
                        ));
                        None
                    }
                }
            }
            (None, Some(f), Some(t)) => {
                let f = v.check(crate::values::date("from", f));
                let t = v.check(crate::values::date("to", t));
                match (f, t) {
                    (Some(f), Some(t)) if f > t => {
                        v.push(FieldError::new(
                            "to",
                            "before_from",
                            "must not be before from",
                        ));
                        None
                    }
                    (Some(f), Some(t)) if (t - f).num_days() > 366 * 5 => {
                        v.push(FieldError::new(
                            "to",
                            "period_too_long",
                            "a period may span at most five years",
                        ));
                        None
                    }
                    (Some(from), Some(to)) => Some(Self {
                        from,
                        to,
                        fiscal_year: None,
                    }),
                    _ => None,
                }
            }
            _ => {
                v.push(FieldError::new(
                    "fiscal_year",
                    "period_required",
                    "give either fiscal_year, or both from and to",
                ));
                None
            }
        };
        v.finish()?;
        period.ok_or_else(|| DomainError::Internal("validator passed without a period".into()))
    }

    /// The period as UTC instants: [from 00:00 Tokyo, the day after `to` 00:00 Tokyo).
    pub fn utc_range(&self) -> (DateTime<Utc>, DateTime<Utc>) {
        let start = |d: NaiveDate| {
            let local = d.and_hms_opt(0, 0, 0).unwrap_or_default();
            tokyo()
                .from_local_datetime(&local)
                .single()
                .map_or_else(|| Utc.from_utc_datetime(&local), |t| t.with_timezone(&Utc))
        };
        (start(self.from), start(self.to + Duration::days(1)))
    }
}

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

// --- what the store answers -----------------------------------------------------------

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReferralCount {
    pub center_id: Uuid,
    pub agency_type: AgencyType,
    pub purpose: Purpose,
    pub level: Level,
    pub n: i64,
}

/// One dimension's value and its count, e.g. (`channel`, `phone`, 42).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DimCount {
    pub dim: String,
    pub value: String,
    pub n: i64,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OutcomeCount {
    pub agency_type: AgencyType,
    pub purpose: Purpose,
    pub referred: i64,
    pub achieved: i64,
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

fn rate(part: i64, whole: i64) -> Option<f64> {
    // Rounded to 0.1 %, as the paper reports.
    (whole > 0).then(|| (part as f64 * 1000.0 / whole as f64).round() / 1000.0)
}

/// Reports are for a center's supervisor or administrator, or across centers for the
/// system administrator; consultants record, they do not report.
fn report_scope(actor: &Actor, prefecture: Option<&str>) -> Result<ReportScope, DomainError> {
    match policy::permit(actor, Permission::ReadReports)? {
        Reach::All => {
            let prefecture_code = prefecture
                .map(|p| PrefectureCode::parse("prefecture_code", p).map(PrefectureCode::as_string))
                .transpose()
                .map_err(|e| DomainError::Validation(vec![e]))?;
            Ok(ReportScope::Centers { prefecture_code })
        }
        Reach::Center(c) => {
            if prefecture.is_some() {
                return Err(DomainError::field(
                    "prefecture_code",
                    "not_allowed",
                    "only the system administrator reports across centers",
                ));
            }
            Ok(ReportScope::Center(c))
        }
    }
}

impl Services {
    /// Checks the caller and the period, and logs the report as read.
    fn report<T>(
        &self,
        ctx: &Ctx,
        action: Action,
        prefecture: Option<&str>,
        period: &Period,
        f: impl FnOnce(&ReportScope) -> Result<T, DomainError>,
    ) -> Result<T, DomainError> {
        self.guard(ctx, action, None, || {
            let scope = report_scope(&ctx.actor, prefecture)?;
            let out = f(&scope)?;
            self.access.record(
                AuditDraft::by_actor(&ctx.actor, &ctx.meta, self.clock.now(), action).detail(
                    format!(
                        "from={}; to={}{}",
                        period.from,
                        period.to,
                        match &scope {
                            ReportScope::Center(_) => String::new(),
                            ReportScope::Centers { prefecture_code } =>
                                format!("; across={}", prefecture_code.as_deref().unwrap_or("all")),
                        }
                    ),
                ),
            );
            Ok(out)
        })
    }

    pub fn report_referral_levels(
        &self,
        ctx: &Ctx,
        period: &Period,
        prefecture: Option<&str>,
    ) -> Result<ReferralLevels, DomainError> {
        self.report(
            ctx,
            Action::ReportReferralLevels,
            prefecture,
            period,
            |scope| {
                let counts = self.store.referral_counts(scope, period.from, period.to)?;
                // Per center and agency type: counts per level.
                let mut per: BTreeMap<(Uuid, AgencyType), [i64; 4]> = BTreeMap::new();
                for c in &counts {
                    let slot = &mut per.entry((c.center_id, c.agency_type)).or_default()
                        [usize::from(c.level.rank() - 1)];
                    *slot += c.n;
                }
                match scope {
                    ReportScope::Center(center) => Ok(ReferralLevels::Center(
                        AgencyType::ALL
                            .iter()
                            .map(|t| {
                                let counts = per.get(&(*center, *t)).copied().unwrap_or_default();
                                LevelRow {
                                    agency_type: *t,
                                    counts,
                                    total: counts.iter().sum(),
                                    answer: lower_median(&counts),
                                }
                            })
                            .collect(),
                    )),
                    ReportScope::Centers { .. } => {
                        let centers = self.store.report_centers(scope)?;
                        let rows = AgencyType::ALL
                            .iter()
                            .map(|t| {
                                let mut row = LevelAnswersRow {
                                    agency_type: *t,
                                    none: 0,
                                    levels: [0; 4],
                                };
                                for c in &centers {
                                    let counts = per.get(&(*c, *t)).copied().unwrap_or_default();
                                    match lower_median(&counts) {
                                        None => row.none += 1,
                                        Some(l) => row.levels[usize::from(l.rank() - 1)] += 1,
                                    }
                                }
                                row
                            })
                            .collect();
                        Ok(ReferralLevels::Centers {
                            n: i64::try_from(centers.len()).unwrap_or(i64::MAX),
                            rows,
                        })
                    }
                }
            },
        )
    }

    pub fn report_cooperation_counts(
        &self,
        ctx: &Ctx,
        period: &Period,
        prefecture: Option<&str>,
    ) -> Result<CooperationCounts, DomainError> {
        self.report(
            ctx,
            Action::ReportCooperationCounts,
            prefecture,
            period,
            |scope| {
                let counts = self.store.referral_counts(scope, period.from, period.to)?;
                let mut per: BTreeMap<(Uuid, AgencyType, Purpose), i64> = BTreeMap::new();
                for c in &counts {
                    *per.entry((c.center_id, c.agency_type, c.purpose))
                        .or_default() += c.n;
                }
                let pairs = AgencyType::ALL
                    .iter()
                    .flat_map(|t| Purpose::ALL.iter().map(move |p| (*t, *p)));
                match scope {
                    ReportScope::Center(center) => Ok(CooperationCounts::Center(
                        pairs
                            .map(|(t, p)| {
                                let count = per.get(&(*center, t, p)).copied().unwrap_or(0);
                                CooperationRow {
                                    agency_type: t,
                                    purpose: p,
                                    count,
                                    band: band(count),
                                }
                            })
                            .collect(),
                    )),
                    ReportScope::Centers { .. } => Ok(CooperationCounts::Centers(
                        pairs
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
                                        if let Some(i) =
                                            BANDS.iter().position(|b| *b == band(*count))
                                        {
                                            row.bands[i] += 1;
                                        }
                                    }
                                }
                                row
                            })
                            .collect(),
                    )),
                }
            },
        )
    }

    pub fn report_consultations(
        &self,
        ctx: &Ctx,
        period: &Period,
        prefecture: Option<&str>,
    ) -> Result<ConsultationReport, DomainError> {
        self.report(
            ctx,
            Action::ReportConsultations,
            prefecture,
            period,
            |scope| {
                let dims = self
                    .store
                    .consultation_dims(scope, period.from, period.to)?;
                let days = self
                    .store
                    .consultation_days(scope, period.from, period.to)?;
                let get = |dim: &str, value: &str| {
                    dims.iter()
                        .filter(|d| d.dim == dim && d.value == value)
                        .map(|d| d.n)
                        .sum::<i64>()
                };
                let mut months: BTreeMap<String, i64> = BTreeMap::new();
                let mut m = NaiveDate::from_ymd_opt(period.from.year(), period.from.month(), 1)
                    .unwrap_or(period.from);
                while m <= period.to {
                    months.insert(format!("{:04}-{:02}", m.year(), m.month()), 0);
                    m = m
                        .checked_add_months(chrono::Months::new(1))
                        .unwrap_or(NaiveDate::MAX);
                }
                for (day, n) in days {
                    *months
                        .entry(format!("{:04}-{:02}", day.year(), day.month()))
                        .or_default() += n;
                }
                Ok(ConsultationReport {
                    total: get("total", "all"),
                    anonymous: get("anonymous", "yes"),
                    joint: get("joint", "yes"),
                    distinct_patients: self.store.consulted_patients(scope, period)?,
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
                    by_month: months.into_iter().collect(),
                })
            },
        )
    }

    pub fn report_employment_outcomes(
        &self,
        ctx: &Ctx,
        period: &Period,
        prefecture: Option<&str>,
    ) -> Result<Vec<OutcomeRow>, DomainError> {
        self.report(
            ctx,
            Action::ReportEmploymentOutcomes,
            prefecture,
            period,
            |scope| {
                let counts = self.store.referral_outcomes(scope, period)?;
                Ok(Purpose::ALL
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
                    .collect())
            },
        )
    }

    pub fn report_support_awareness(
        &self,
        ctx: &Ctx,
        period: &Period,
        prefecture: Option<&str>,
    ) -> Result<AwarenessReport, DomainError> {
        self.report(
            ctx,
            Action::ReportSupportAwareness,
            prefecture,
            period,
            |scope| {
                let (from, to) = period.utc_range();
                let counts = self.store.support_awareness(scope, from, to)?;
                let total: i64 = counts.iter().map(|(_, n)| n).sum();
                Ok(AwarenessReport {
                    total,
                    rows: SupportAwareness::ALL
                        .iter()
                        .map(|a| {
                            let n = counts.iter().filter(|(x, _)| x == a).map(|(_, n)| n).sum();
                            (*a, n, rate(n, total))
                        })
                        .collect(),
                })
            },
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

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
    }

    #[test]
    fn periods() {
        let p = Period::parse(Some("2025"), None, None).unwrap();
        assert_eq!(p.from.to_string(), "2025-04-01");
        assert_eq!(p.to.to_string(), "2026-03-31");
        let (a, b) = p.utc_range();
        assert_eq!(a.to_rfc3339(), "2025-03-31T15:00:00+00:00");
        assert_eq!(b.to_rfc3339(), "2026-03-31T15:00:00+00:00");
        assert!(Period::parse(None, Some("2025-05-01"), Some("2025-04-01")).is_err());
        assert!(Period::parse(None, None, None).is_err());
        assert!(Period::parse(Some("1999"), None, None).is_err());
        assert!(Period::parse(Some("2025"), Some("2025-04-01"), None).is_err());
        assert!(Period::parse(None, Some("2020-01-01"), Some("2026-01-01")).is_err());
    }
}
