//! The rules of the optional projects and the needs register, as pure functions.

use super::model::Participant;
use crate::error::{DomainError, FieldError};
use crate::values::{NeedStatus, ParticipantRole, ProjectKind, SessionActivity};
use chrono::NaiveDate;

/// The activities a project of `kind` holds, in the order the figures list them; `other`
/// closes every list.
pub fn activities_of(kind: ProjectKind) -> &'static [SessionActivity] {
    use SessionActivity as A;
    match kind {
        // 療養生活支援: 一時預かり.
        ProjectKind::Respite => &[A::TemporaryCare, A::Other],
        // 相互交流支援: ワークショップ, 児童等の交流会.
        ProjectKind::Exchange => &[A::Workshop, A::ChildrenMeeting, A::Other],
        // 就職支援: 職場体験, 就労相談会.
        ProjectKind::Employment => &[A::WorkExperience, A::JobConsultationMeeting, A::Other],
        // 介護者支援: 通院の付き添い, きょうだい支援.
        ProjectKind::Caregiver => &[A::HospitalAccompaniment, A::SiblingSupport, A::Other],
        // その他: 学習支援, 身体づくり支援.
        ProjectKind::Other => &[A::LearningSupport, A::PhysicalTraining, A::Other],
    }
}

/// Whether a session's activity belongs to its project's kind (a job-consultation meeting
/// is not respite care), so the figures count each session under the right project.
pub fn activity_fits(kind: ProjectKind, activity: SessionActivity) -> bool {
    activities_of(kind).contains(&activity)
}

/// 422 `activity_not_for_kind` unless [`activity_fits`].
pub fn check_activity(kind: ProjectKind, activity: SessionActivity) -> Result<(), DomainError> {
    if activity_fits(kind, activity) {
        Ok(())
    } else {
        let allowed: Vec<&str> = activities_of(kind).iter().map(|a| a.as_str()).collect();
        Err(DomainError::rule(
            "activity_not_for_kind",
            format!(
                "a {} project holds sessions of: {}",
                kind.as_str(),
                allowed.join(", ")
            ),
        ))
    }
}

/// A project ends on or after the day it started.
pub fn project_period(
    started_on: NaiveDate,
    ended_on: Option<NaiveDate>,
) -> Result<(), FieldError> {
    match ended_on {
        Some(e) if e < started_on => Err(FieldError::new(
            "ended_on",
            "before_started_on",
            "must not be before started_on",
        )),
        _ => Ok(()),
    }
}

/// The counts cover at least the named participants of each kind (a named child is one of
/// the children who came), and a person is named once per role. Answers every problem.
pub fn participant_counts(
    children_count: i32,
    family_count: i32,
    participants: &[Participant],
) -> Vec<FieldError> {
    let mut errors = Vec::new();
    let mut seen = std::collections::BTreeSet::new();
    if participants.iter().any(|p| !seen.insert(*p)) {
        errors.push(FieldError::new(
            "participants",
            "duplicate",
            "each patient is named once per role",
        ));
    }
    let named = |r: ParticipantRole| participants.iter().filter(|p| p.role == r).count();
    for (field, count, role) in [
        ("children_count", children_count, ParticipantRole::Child),
        ("family_count", family_count, ParticipantRole::Family),
    ] {
        if count < 0 {
            errors.push(FieldError::new(field, "negative", "must not be negative"));
        } else if usize::try_from(count).unwrap_or(0) < named(role) {
            errors.push(FieldError::new(
                field,
                "fewer_than_named",
                format!(
                    "must be at least the number of named participants with role {}",
                    role.as_str()
                ),
            ));
        }
    }
    errors
}

/// A need is `met` on a day, and only a met need has one: `met` without `met_on` takes
/// `today`; another status clears it. A met day is not before the need was noted.
pub fn need_met_on(
    status: NeedStatus,
    met_on: Option<NaiveDate>,
    noted_on: NaiveDate,
    today: NaiveDate,
) -> Result<Option<NaiveDate>, FieldError> {
    match status {
        NeedStatus::Met => {
            let d = met_on.unwrap_or(today);
            if d < noted_on {
                Err(FieldError::new(
                    "met_on",
                    "before_noted_on",
                    "must not be before noted_on",
                ))
            } else {
                Ok(Some(d))
            }
        }
        NeedStatus::Open | NeedStatus::Dropped => match met_on {
            Some(_) => Err(FieldError::new(
                "met_on",
                "not_met",
                "only a met need has a met_on day",
            )),
            None => Ok(None),
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use uuid::Uuid;

    fn day(y: i32, m: u32, d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, d).unwrap()
    }

    #[test]
    fn each_activity_fits_its_kind_and_other_fits_all() {
        use SessionActivity as A;
        assert!(activity_fits(ProjectKind::Respite, A::TemporaryCare));
        assert!(activity_fits(ProjectKind::Exchange, A::ChildrenMeeting));
        assert!(activity_fits(
            ProjectKind::Employment,
            A::JobConsultationMeeting
        ));
        assert!(activity_fits(ProjectKind::Caregiver, A::SiblingSupport));
        assert!(activity_fits(ProjectKind::Other, A::PhysicalTraining));
        assert!(!activity_fits(ProjectKind::Respite, A::WorkExperience));
        assert!(!activity_fits(ProjectKind::Employment, A::TemporaryCare));
        assert!(!activity_fits(ProjectKind::Other, A::Workshop));
        for k in ProjectKind::ALL {
            assert!(activity_fits(*k, A::Other), "{k}");
        }
        // Every activity but `other` belongs to exactly one kind.
        for a in SessionActivity::ALL.iter().filter(|a| **a != A::Other) {
            let kinds = ProjectKind::ALL
                .iter()
                .filter(|k| activity_fits(**k, *a))
                .count();
            assert_eq!(kinds, 1, "{a}");
        }
        assert!(matches!(
            check_activity(ProjectKind::Respite, A::Workshop),
            Err(DomainError::Rule {
                code: "activity_not_for_kind",
                ..
            })
        ));
    }

    #[test]
    fn counts_cover_the_named_participants() {
        let a = Uuid::now_v7();
        let b = Uuid::now_v7();
        let child = |p| Participant {
            patient_id: p,
            role: ParticipantRole::Child,
        };
        let family = |p| Participant {
            patient_id: p,
            role: ParticipantRole::Family,
        };
        assert!(participant_counts(2, 1, &[child(a), child(b), family(a)]).is_empty());
        assert!(participant_counts(0, 0, &[]).is_empty());
        let fields = |e: Vec<FieldError>| -> Vec<(String, &'static str)> {
            e.into_iter().map(|e| (e.field, e.code)).collect()
        };
        assert_eq!(
            fields(participant_counts(1, 0, &[child(a), child(b), family(a)])),
            [
                ("children_count".to_owned(), "fewer_than_named"),
                ("family_count".to_owned(), "fewer_than_named")
            ]
        );
        assert_eq!(
            fields(participant_counts(-1, 3, &[family(a), family(a)])),
            [
                ("participants".to_owned(), "duplicate"),
                ("children_count".to_owned(), "negative")
            ]
        );
        // A child and their family both named is two participants, not a duplicate.
        assert!(participant_counts(1, 1, &[child(a), family(a)]).is_empty());
    }

    #[test]
    fn project_periods_and_met_days() {
        assert!(project_period(day(2026, 4, 1), None).is_ok());
        assert!(project_period(day(2026, 4, 1), Some(day(2026, 4, 1))).is_ok());
        assert_eq!(
            project_period(day(2026, 4, 1), Some(day(2026, 3, 31)))
                .unwrap_err()
                .code,
            "before_started_on"
        );
        let noted = day(2026, 5, 1);
        let today = day(2026, 6, 1);
        assert_eq!(
            need_met_on(NeedStatus::Met, None, noted, today).unwrap(),
            Some(today)
        );
        assert_eq!(
            need_met_on(NeedStatus::Met, Some(day(2026, 5, 2)), noted, today).unwrap(),
            Some(day(2026, 5, 2))
        );
        assert_eq!(
            need_met_on(NeedStatus::Met, Some(day(2026, 4, 30)), noted, today)
                .unwrap_err()
                .code,
            "before_noted_on"
        );
        assert_eq!(
            need_met_on(NeedStatus::Open, None, noted, today).unwrap(),
            None
        );
        assert_eq!(
            need_met_on(NeedStatus::Dropped, Some(today), noted, today)
                .unwrap_err()
                .code,
            "not_met"
        );
    }
}
