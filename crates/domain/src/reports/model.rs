//! What a report asks the store for (whose records, which period) and what the store
//! answers: the rollups the figures are computed from.

use crate::clock::tokyo;
use crate::error::{DomainError, FieldError, Validator};
use crate::values::{AgencyType, CaseOutcome, Level, Purpose};
use chrono::{DateTime, Duration, NaiveDate, TimeZone, Utc};
use uuid::Uuid;

/// Whose records a report counts.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ReportScope {
    Center(Uuid),
    /// Every center, or those of one prefecture, or of one administration (自治体).
    Centers {
        prefecture_code: Option<String>,
        administration_id: Option<Uuid>,
    },
}

/// Which centers a report across centers asks for: every one, a prefecture's, or an
/// administration's (`?prefecture_code=`, `?administration_id=`).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Across<'a> {
    pub prefecture: Option<&'a str>,
    pub administration: Option<Uuid>,
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

    /// How reports name the period: 令和7年度（2025年度）（2025-04-01 ～ 2026-03-31）, as the
    /// screens do, or the two days of a range.
    pub fn label(&self) -> String {
        match self.fiscal_year {
            Some(y) => format!(
                "{}（{y}年度）（{} ～ {}）",
                fiscal_year_wareki(y),
                self.from,
                self.to
            ),
            None => format!("{} ～ {}", self.from, self.to),
        }
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
                // Four digits exactly (the documented pattern), not whatever `parse` takes.
                let year = Some(y)
                    .filter(|y| y.len() == 4 && y.bytes().all(|b| b.is_ascii_digit()))
                    .and_then(|y| y.parse::<i32>().ok())
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

/// Whether a referral reached its outcome, for the employment-outcomes report: its closing
/// outcome or any recorded follow-up's outcome achieves its purpose (employed for a new job,
/// retained for keeping one). Recomputed from the records on every change, so an outcome
/// edited away, or a purpose changed, takes the referral out of the count again.
pub fn referral_achieved(
    purpose: Purpose,
    closing: Option<CaseOutcome>,
    follow_ups: &[CaseOutcome],
) -> bool {
    closing
        .into_iter()
        .chain(follow_ups.iter().copied())
        .any(|o| o.achieves(purpose))
}

/// 年度 `year` in the era in force for most of it (on 1 October, as government papers
/// count): 2025 → 令和7年度, 2019 → 令和元年度, 2018 → 平成30年度, 1988 → 昭和63年度.
pub fn fiscal_year_wareki(year: i32) -> String {
    // (first fiscal year named after the era, era name, its first calendar year)
    const ERAS: [(i32, &str, i32); 3] = [
        (2019, "令和", 2019),
        (1989, "平成", 1989),
        (1926, "昭和", 1926),
    ];
    match ERAS.iter().find(|(first, _, _)| year >= *first) {
        Some((_, name, start)) => match year - start + 1 {
            1 => format!("{name}元年度"),
            n => format!("{name}{n}年度"),
        },
        None => format!("{year}年度"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fiscal_years_are_named_in_the_era_as_on_screen() {
        assert_eq!(fiscal_year_wareki(2025), "令和7年度");
        assert_eq!(fiscal_year_wareki(2019), "令和元年度");
        assert_eq!(fiscal_year_wareki(2018), "平成30年度");
        assert_eq!(fiscal_year_wareki(1989), "平成元年度");
        assert_eq!(fiscal_year_wareki(1988), "昭和63年度");
        let p = Period::fiscal_year(2025).expect("a fiscal year");
        assert_eq!(
            p.label(),
            "令和7年度（2025年度）（2025-04-01 ～ 2026-03-31）"
        );
    }

    #[test]
    fn a_referral_is_achieved_while_an_outcome_achieves_its_purpose() {
        use CaseOutcome::*;
        let new = Purpose::NewEmployment;
        assert!(!referral_achieved(new, None, &[]));
        assert!(referral_achieved(new, None, &[Searching, Employed]));
        assert!(referral_achieved(new, Some(Employed), &[Searching]));
        // Edited from employed to searching: no longer achieved.
        assert!(!referral_achieved(new, None, &[Searching]));
        // The purpose decides which outcome counts.
        assert!(!referral_achieved(Purpose::JobRetention, None, &[Employed]));
        assert!(referral_achieved(
            Purpose::JobRetention,
            Some(Retained),
            &[]
        ));
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
