//! Live figures linked to regional issues: which figures there are, what parameter each
//! takes, and their values computed from the same rollups as the reports (so an issue's
//! evidence always equals what the reports say for the administration's centers).

use crate::error::FieldError;
use crate::reports::model::{DimCount, ReferralCount};
use crate::values::{AgencyType, FigureKind, Level, NeedKind, Topic};

/// A figure's value: a count, or a part of a whole (a share).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct FigureValue {
    pub numerator: i64,
    /// The whole, for shares.
    pub denominator: Option<i64>,
}

impl FigureValue {
    pub fn count(n: i64) -> Self {
        Self {
            numerator: n,
            denominator: None,
        }
    }

    /// The share rounded to 0.1 %, for a share with a whole.
    pub fn share(&self) -> Option<f64> {
        self.denominator
            .and_then(|d| crate::reports::figures::rate(self.numerator, d))
    }
}

/// Whether a figure is counted over a fiscal year (else it is a count of now).
pub fn is_yearly(kind: FigureKind) -> bool {
    matches!(
        kind,
        FigureKind::ReferralsInformationOnlyShare | FigureKind::ConsultationsOnTopic
    )
}

/// The parameter a figure takes: an agency type, a topic, an optional need kind, or none.
pub fn check_parameter(kind: FigureKind, raw: Option<&str>) -> Result<Option<String>, FieldError> {
    let raw = raw.map(str::trim).filter(|s| !s.is_empty());
    let required = || {
        FieldError::new(
            "parameter",
            "required",
            "this figure needs a parameter (an agency type or a topic)",
        )
    };
    let checked = match (kind, raw) {
        (FigureKind::ReferralsInformationOnlyShare, Some(p)) => {
            AgencyType::parse("parameter", p).map(|a| Some(a.as_str()))
        }
        (FigureKind::ConsultationsOnTopic, Some(p)) => {
            Topic::parse("parameter", p).map(|t| Some(t.as_str()))
        }
        (FigureKind::OpenShomanNeeds, Some(p)) => {
            NeedKind::parse("parameter", p).map(|k| Some(k.as_str()))
        }
        (FigureKind::ReferralsInformationOnlyShare | FigureKind::ConsultationsOnTopic, None) => {
            Err(required())
        }
        (FigureKind::OpenShomanNeeds, None) => Ok(None),
        (FigureKind::OverdueFollowUps, Some(_)) => Err(FieldError::new(
            "parameter",
            "not_allowed",
            "this figure takes no parameter",
        )),
        (FigureKind::OverdueFollowUps, None) => Ok(None),
    };
    checked.map(|p| p.map(str::to_owned))
}

/// Referrals to `agency_type` at level 1 (information only) over all referrals to it: the
/// same counts as the referral-levels report, summed over the centers.
pub fn information_only_share(agency_type: &str, counts: &[ReferralCount]) -> FigureValue {
    let of_type = counts
        .iter()
        .filter(|c| c.agency_type.as_str() == agency_type);
    let (part, whole) = of_type.fold((0, 0), |(p, w), c| {
        let p = if c.level == Level::InformationOnly {
            p + c.n
        } else {
            p
        };
        (p, w + c.n)
    });
    FigureValue {
        numerator: part,
        denominator: Some(whole),
    }
}

/// Consultations on `topic`: the consultations report's `by_topic` figure.
pub fn consultations_on_topic(topic: &str, dims: &[DimCount]) -> FigureValue {
    FigureValue::count(
        dims.iter()
            .filter(|d| d.dim == "topic" && d.value == topic)
            .map(|d| d.n)
            .sum(),
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::values::Purpose;
    use uuid::Uuid;

    fn rc(at: AgencyType, level: Level, n: i64) -> ReferralCount {
        ReferralCount {
            center_id: Uuid::nil(),
            agency_type: at,
            purpose: Purpose::NewEmployment,
            level,
            n,
        }
    }

    #[test]
    fn information_only_share_counts_one_agency_type() {
        let counts = [
            rc(
                AgencyType::EmploymentLifeSupportCenter,
                Level::InformationOnly,
                31,
            ),
            rc(
                AgencyType::EmploymentLifeSupportCenter,
                Level::Accompanied,
                19,
            ),
            rc(AgencyType::HelloWork, Level::InformationOnly, 100),
        ];
        let v = information_only_share("employment_life_support_center", &counts);
        assert_eq!(v.numerator, 31);
        assert_eq!(v.denominator, Some(50));
        assert_eq!(v.share(), Some(0.62));
        assert_eq!(information_only_share("other", &counts).share(), None);
    }

    #[test]
    fn parameters_follow_the_kind() {
        use FigureKind::*;
        assert_eq!(
            check_parameter(ReferralsInformationOnlyShare, Some("hello_work")),
            Ok(Some("hello_work".into()))
        );
        assert!(check_parameter(ReferralsInformationOnlyShare, None).is_err());
        assert!(check_parameter(ConsultationsOnTopic, Some("hello_work")).is_err());
        assert_eq!(check_parameter(OpenShomanNeeds, Some(" ")), Ok(None));
        assert!(check_parameter(OverdueFollowUps, Some("x")).is_err());
    }

    #[test]
    fn consultations_on_a_topic_read_the_topic_dimension() {
        let dims = [
            DimCount {
                dim: "topic".into(),
                value: "employment".into(),
                n: 7,
            },
            DimCount {
                dim: "channel".into(),
                value: "employment".into(),
                n: 99,
            },
        ];
        assert_eq!(consultations_on_topic("employment", &dims).numerator, 7);
    }
}
