//! ピア・サポーター (issue 18): peer supporters are staff whose reach is the patients a
//! supervisor assigned to them (and the anonymous consultations they record) — the reach
//! itself is decided in [`crate::policy::patient_reach`] and applied by the patient and
//! consultation use cases. Here: assigning and un-assigning, and the evidence of their work
//! (consultations and hours per month, events they ran, the 養成講習会 completed) that a
//! center keeps to argue for their treatment (処遇改善).

use crate::activities::{Event, Training};
use crate::app::Ctx;
use crate::entities::User;
use crate::error::{DomainError, FieldError};
use crate::events::Action;
use crate::policy;
use crate::ports::Scope;
use crate::reports::Period;
use crate::values::{Role, TrainingCourse, TrainingParticipation};
use chrono::{DateTime, Datelike, NaiveDate, Utc};
use uuid::Uuid;

/// A peer supporter looking after a patient from `started_on`, until `ended_on`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PeerAssignment {
    pub id: Uuid,
    pub center_id: Uuid,
    pub patient_id: Uuid,
    pub user_id: Uuid,
    pub started_on: NaiveDate,
    pub ended_on: Option<NaiveDate>,
    pub assigned_by: Uuid,
    pub ended_by: Option<Uuid>,
    pub created_at: DateTime<Utc>,
}

/// A consultation a peer supporter recorded, as the evidence counts it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PeerConsultation {
    pub user_id: Uuid,
    /// The day it happened, in Asia/Tokyo.
    pub day: NaiveDate,
    pub minutes: Option<i32>,
}

/// What the store gives for the evidence of a center's peer supporters over a period.
#[derive(Debug, Clone, Default)]
pub struct PeerActivity {
    /// The center's peer supporters, active or not (a past supporter's year still counts).
    pub supporters: Vec<User>,
    pub consultations: Vec<PeerConsultation>,
    /// The center's events of the period (those a supporter ran count for them).
    pub events: Vec<Event>,
    /// The supporters' 養成講習会 up to the period's end (completion may be from earlier).
    pub trainings: Vec<Training>,
}

/// One month of a supporter's work.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct PeerMonth {
    /// The first day of the month.
    pub month: NaiveDate,
    pub consultations: i64,
    /// Minutes of the consultations that recorded a duration.
    pub consultation_minutes: i64,
    pub events: i64,
    /// Minutes of the events with a start and an end time.
    pub event_minutes: i64,
}

impl PeerMonth {
    pub fn minutes(&self) -> i64 {
        self.consultation_minutes + self.event_minutes
    }
}

/// A supporter's line of the evidence.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SupporterFigures {
    pub user_id: Uuid,
    pub display_name: String,
    pub active: bool,
    /// The last day of the first 養成講習会 they attended, if any (on or before the period's end).
    pub course_completed_on: Option<NaiveDate>,
    /// Hours of 養成講習会 attended in the period, in hundredths.
    pub course_hours_hundredths: i64,
    /// Every month of the period, in order.
    pub months: Vec<PeerMonth>,
}

impl SupporterFigures {
    pub fn total(&self) -> PeerMonth {
        let mut t = PeerMonth {
            month: self.months.first().map_or(NaiveDate::MIN, |m| m.month),
            ..PeerMonth::default()
        };
        for m in &self.months {
            t.consultations += m.consultations;
            t.consultation_minutes += m.consultation_minutes;
            t.events += m.events;
            t.event_minutes += m.event_minutes;
        }
        t
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PeerSupportReport {
    pub supporters: Vec<SupporterFigures>,
}

// --- rules ----------------------------------------------------------------------------

/// Only an active peer supporter of the center is assigned to patients: a consultant
/// already reaches every patient, and an inactive account reaches nobody.
pub fn check_supporter(user: Option<&User>) -> Result<(), FieldError> {
    match user {
        Some(u) if u.active && u.role == Role::PeerSupporter => Ok(()),
        Some(u) if u.active => Err(FieldError::new(
            "user_id",
            "not_a_peer_supporter",
            "only a peer supporter (peer_supporter) is assigned to patients",
        )),
        _ => Err(FieldError::new(
            "user_id",
            "unknown_user",
            "not an active user of your center",
        )),
    }
}

/// The first days of the months of `period`, in order.
pub fn months(period: &Period) -> Vec<NaiveDate> {
    let mut out = Vec::new();
    let mut m = period.from.with_day(1);
    while let Some(d) = m.filter(|d| *d <= period.to) {
        out.push(d);
        m = d.checked_add_months(chrono::Months::new(1));
    }
    out
}

/// How long an event ran, when both times are known.
pub fn event_minutes(e: &Event) -> Option<i64> {
    match (e.start_time, e.end_time) {
        (Some(s), Some(t)) if t > s => Some((t - s).num_minutes()),
        _ => None,
    }
}

/// The evidence per supporter from the store's rows: consultations and events (those they
/// ran, by `staff_ids`) per month of the period, the 養成講習会 hours attended in the
/// period and when they first completed one. `only` keeps one supporter's line (a peer
/// supporter reading their own).
pub fn figures(a: &PeerActivity, period: &Period, only: Option<Uuid>) -> PeerSupportReport {
    let month_starts = months(period);
    let in_period = |d: NaiveDate| d >= period.from && d <= period.to;
    let month_of = |d: NaiveDate| d.with_day(1);
    let mut supporters: Vec<SupporterFigures> = a
        .supporters
        .iter()
        .filter(|u| only.is_none_or(|o| o == u.id))
        .map(|u| {
            let mut months: Vec<PeerMonth> = month_starts
                .iter()
                .map(|m| PeerMonth {
                    month: *m,
                    ..PeerMonth::default()
                })
                .collect();
            let slot = |months: &mut Vec<PeerMonth>, d: NaiveDate| {
                let first = month_of(d);
                months.iter_mut().position(|m| Some(m.month) == first)
            };
            for c in a
                .consultations
                .iter()
                .filter(|c| c.user_id == u.id && in_period(c.day))
            {
                if let Some(i) = slot(&mut months, c.day) {
                    months[i].consultations += 1;
                    months[i].consultation_minutes += i64::from(c.minutes.unwrap_or(0));
                }
            }
            for e in a
                .events
                .iter()
                .filter(|e| e.staff_ids.contains(&u.id) && in_period(e.held_on))
            {
                if let Some(i) = slot(&mut months, e.held_on) {
                    months[i].events += 1;
                    months[i].event_minutes += event_minutes(e).unwrap_or(0);
                }
            }
            let courses: Vec<&Training> = a
                .trainings
                .iter()
                .filter(|t| {
                    t.user_id == u.id
                        && t.course == TrainingCourse::PeerSupporterTraining
                        && t.participation == TrainingParticipation::Attended
                })
                .collect();
            SupporterFigures {
                user_id: u.id,
                display_name: u.display_name.clone(),
                active: u.active,
                course_completed_on: courses
                    .iter()
                    .map(|t| t.ended_on.unwrap_or(t.held_on))
                    .filter(|d| *d <= period.to)
                    .min(),
                course_hours_hundredths: courses
                    .iter()
                    .filter(|t| in_period(t.held_on))
                    .map(|t| i64::from(t.hours_hundredths))
                    .sum(),
                months,
            }
        })
        .collect();
    supporters.sort_by(|x, y| {
        (!x.active, &x.display_name, x.user_id).cmp(&(!y.active, &y.display_name, y.user_id))
    });
    PeerSupportReport { supporters }
}

// --- the use cases ----------------------------------------------------------------------

crate::facade!(
    /// Peer supporters' assignments and evidence: `services.peer_support()`.
    PeerSupport,
    peer_support
);

impl PeerSupport<'_> {
    /// Assigns a peer supporter to a patient (a supervisor's call): from now on the
    /// supporter finds the patient and records consultations with them.
    #[tracing::instrument(name = "peer_support.assign", skip_all, fields(%patient))]
    pub fn assign(
        &self,
        ctx: &Ctx,
        patient: Uuid,
        user: Uuid,
    ) -> Result<PeerAssignment, DomainError> {
        self.guard(ctx, Action::PeerAssignmentCreate, None, || {
            let center = policy::assign_peer_supporters(&ctx.actor)?;
            self.store
                .patient(center, patient)?
                .ok_or(DomainError::NotFound)?;
            let who = self.store.user(Scope::Center(center), user)?;
            check_supporter(who.as_ref()).map_err(|e| DomainError::Validation(vec![e]))?;
            let a = PeerAssignment {
                id: Uuid::now_v7(),
                center_id: center,
                patient_id: patient,
                user_id: user,
                started_on: self.today(),
                ended_on: None,
                assigned_by: ctx.actor.user_id,
                ended_by: None,
                created_at: self.clock.now(),
            };
            let ev = self
                .ev(ctx, Action::PeerAssignmentCreate)
                .resource(a.id)
                .patient(patient)
                .detail(format!("user_id={user}"));
            self.store.insert_peer_assignment(&a, &ev)
        })
    }

    /// The patient's peer supporters, current and past (newest first).
    #[tracing::instrument(name = "peer_support.assignments", skip_all, fields(%patient))]
    pub fn assignments(
        &self,
        ctx: &Ctx,
        patient: Uuid,
    ) -> Result<Vec<PeerAssignment>, DomainError> {
        self.guard(ctx, Action::PeerAssignmentList, Some(patient), || {
            let center = policy::read_peer_assignments(&ctx.actor)?;
            self.store
                .patient(center, patient)?
                .ok_or(DomainError::NotFound)?;
            let found = self.store.peer_assignments(center, patient)?;
            self.log_read(ctx, Action::PeerAssignmentList, patient, patient)?;
            Ok(found)
        })
    }

    /// Ends the supporter's assignment to the patient: their reach ends with it.
    #[tracing::instrument(name = "peer_support.end", skip_all, fields(%patient))]
    pub fn end(&self, ctx: &Ctx, patient: Uuid, user: Uuid) -> Result<PeerAssignment, DomainError> {
        self.guard(ctx, Action::PeerAssignmentEnd, Some(patient), || {
            let center = policy::assign_peer_supporters(&ctx.actor)?;
            let ev = self
                .ev(ctx, Action::PeerAssignmentEnd)
                .patient(patient)
                .detail(format!("user_id={user}"));
            self.store
                .end_peer_assignment(center, patient, user, self.today(), ctx.actor.user_id, &ev)?
                .ok_or(DomainError::NotFound)
        })
    }

    /// ピア・サポーターの活動実績: per supporter and month of the period.
    #[tracing::instrument(name = "peer_support.report", skip_all, fields(from = %period.from, to = %period.to))]
    pub fn report(&self, ctx: &Ctx, period: &Period) -> Result<PeerSupportReport, DomainError> {
        self.guard(ctx, Action::ReportPeerSupport, None, || {
            let (center, only) = policy::peer_support_report(&ctx.actor)?;
            let activity = self.store.peer_activity(center, period.from, period.to)?;
            let out = figures(&activity, period, only);
            // Names staff and counts work, never a patient: logged like the other reports.
            self.log_impersonal_read(
                self.ev(ctx, Action::ReportPeerSupport)
                    .detail(format!("from={}; to={}", period.from, period.to)),
            );
            Ok(out)
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::values::EventKind;
    use chrono::NaiveTime;

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).unwrap()
    }

    fn user(role: Role, active: bool, name: &str) -> User {
        User {
            id: Uuid::now_v7(),
            center_id: Some(Uuid::nil()),
            administration_id: None,
            login: name.into(),
            display_name: name.into(),
            role,
            active,
            totp_enabled: false,
            must_change_password: false,
            version: 1,
            created_at: DateTime::<Utc>::UNIX_EPOCH,
            updated_at: DateTime::<Utc>::UNIX_EPOCH,
        }
    }

    fn event(on: NaiveDate, staff: Vec<Uuid>, times: Option<(u32, u32)>) -> Event {
        let t = |h| NaiveTime::from_hms_opt(h, 0, 0).unwrap();
        Event {
            id: Uuid::now_v7(),
            center_id: Uuid::nil(),
            kind: EventKind::PeerConsultation,
            kind_other: None,
            title: "ピア相談会".into(),
            held_on: on,
            start_time: times.map(|(s, _)| t(s)),
            end_time: times.map(|(_, e)| t(e)),
            place: None,
            online: false,
            staff_ids: staff,
            patients_count: 0,
            families_count: 0,
            professionals_count: 0,
            materials: vec![],
            series: None,
            notes: None,
            attendees: vec![],
            created_by: Uuid::nil(),
            version: 1,
            created_at: DateTime::<Utc>::UNIX_EPOCH,
            updated_at: DateTime::<Utc>::UNIX_EPOCH,
        }
    }

    fn course(user: Uuid, on: NaiveDate, ended: Option<NaiveDate>, hundredths: i32) -> Training {
        Training {
            id: Uuid::now_v7(),
            center_id: Uuid::nil(),
            user_id: user,
            participation: TrainingParticipation::Attended,
            course: TrainingCourse::PeerSupporterTraining,
            title: "養成講習会".into(),
            organiser: None,
            held_on: on,
            ended_on: ended,
            hours_hundredths: hundredths,
            notes: None,
            created_by: Uuid::nil(),
            version: 1,
            created_at: DateTime::<Utc>::UNIX_EPOCH,
            updated_at: DateTime::<Utc>::UNIX_EPOCH,
        }
    }

    #[test]
    fn only_an_active_peer_supporter_is_assigned() {
        assert!(check_supporter(Some(&user(Role::PeerSupporter, true, "a"))).is_ok());
        assert_eq!(
            check_supporter(Some(&user(Role::Consultant, true, "a")))
                .unwrap_err()
                .code,
            "not_a_peer_supporter"
        );
        assert_eq!(
            check_supporter(Some(&user(Role::PeerSupporter, false, "a")))
                .unwrap_err()
                .code,
            "unknown_user"
        );
        assert_eq!(check_supporter(None).unwrap_err().code, "unknown_user");
    }

    #[test]
    fn a_fiscal_year_has_twelve_months_from_april() {
        let m = months(&Period::fiscal_year(2025).unwrap());
        assert_eq!(m.len(), 12);
        assert_eq!(m[0], d(2025, 4, 1));
        assert_eq!(m[11], d(2026, 3, 1));
    }

    #[test]
    fn figures_count_each_supporters_work_by_month() {
        let period = Period::fiscal_year(2025).unwrap();
        let a = user(Role::PeerSupporter, true, "青木");
        let b = user(Role::PeerSupporter, false, "馬場");
        let other = Uuid::now_v7();
        let activity = PeerActivity {
            supporters: vec![b.clone(), a.clone()],
            consultations: vec![
                PeerConsultation {
                    user_id: a.id,
                    day: d(2025, 4, 10),
                    minutes: Some(30),
                },
                PeerConsultation {
                    user_id: a.id,
                    day: d(2025, 4, 30),
                    minutes: None,
                },
                PeerConsultation {
                    user_id: a.id,
                    day: d(2026, 3, 31),
                    minutes: Some(45),
                },
                // outside the year
                PeerConsultation {
                    user_id: a.id,
                    day: d(2026, 4, 1),
                    minutes: Some(60),
                },
                PeerConsultation {
                    user_id: b.id,
                    day: d(2025, 5, 1),
                    minutes: Some(20),
                },
            ],
            events: vec![
                event(d(2025, 4, 20), vec![a.id, other], Some((13, 15))),
                event(d(2025, 6, 1), vec![a.id], None),
                event(d(2025, 6, 2), vec![other], Some((10, 12))),
            ],
            trainings: vec![
                course(a.id, d(2024, 11, 1), Some(d(2024, 11, 3)), 1200),
                course(a.id, d(2025, 9, 1), None, 300),
            ],
        };
        let r = figures(&activity, &period, None);
        // Active supporters first.
        assert_eq!(r.supporters[0].user_id, a.id);
        assert_eq!(r.supporters[1].user_id, b.id);
        let fa = &r.supporters[0];
        assert_eq!(fa.months.len(), 12);
        assert_eq!(
            fa.months[0],
            PeerMonth {
                month: d(2025, 4, 1),
                consultations: 2,
                consultation_minutes: 30,
                events: 1,
                event_minutes: 120,
            }
        );
        assert_eq!(fa.months[2].events, 1);
        assert_eq!(fa.months[2].event_minutes, 0);
        assert_eq!(fa.months[11].consultation_minutes, 45);
        let t = fa.total();
        assert_eq!(
            (t.consultations, t.minutes(), t.events),
            (3, 30 + 45 + 120, 2)
        );
        assert_eq!(fa.course_completed_on, Some(d(2024, 11, 3)));
        assert_eq!(fa.course_hours_hundredths, 300);
        let fb = &r.supporters[1];
        assert_eq!(fb.total().consultations, 1);
        assert_eq!(fb.course_completed_on, None);

        let own = figures(&activity, &period, Some(b.id));
        assert_eq!(own.supporters.len(), 1);
        assert_eq!(own.supporters[0].user_id, b.id);
    }
}
