//! The center's other work in the demo: outreach over the past year (leaflet drives with
//! the 医療費助成 application, posters at designated hospitals, talks to MSWs, the homepage),
//! the staff's trainings (one a peer-supporter course), and events — the monthly 難病カフェ
//! as a series, an employment seminar, a 社労士 consultation day — with some 小慢 children
//! named where their consent allows.
//!
//! As for the cases, every record is made through the use cases the API calls, on the demo
//! clock set to its day; a handful of records a month, so it adds little to any demo.

use super::cases::{ShomanChild, office_time};
use super::clock::DemoClock;
use super::setup::DemoCenter;
use chrono::{Datelike, Duration, Months, NaiveDate};
use rand::Rng;
use rand::rngs::StdRng;
use tsunagu_domain::DomainError;
use tsunagu_domain::activities::{AttendeeInput, EventInput, OutreachInput, TrainingInput};
use tsunagu_domain::app::Services;
use tsunagu_domain::values::{EventKind, ReferralSource, TrainingCourse};

/// What the activities made, for the summary line.
#[derive(Debug, Default, Clone, Copy)]
pub struct ActivityCounts {
    pub outreach: usize,
    pub trainings: usize,
    pub events: usize,
    pub attendees: usize,
}

/// How much an outreach activity handed out, and to how many facilities.
#[derive(Clone, Copy)]
struct Amount {
    quantity: i32,
    unit: &'static str,
    facilities: i32,
}

/// One outreach activity of the year, `month` months after its start.
struct Outreach {
    kind: ReferralSource,
    month: u32,
    target: &'static str,
    amount: Option<Amount>,
}

const OUTREACH: [Outreach; 6] = [
    Outreach {
        kind: ReferralSource::LeafletAtApplication,
        month: 1,
        target: "県内の保健所（医療費助成の申請窓口）",
        amount: Some(Amount {
            quantity: 300,
            unit: "枚",
            facilities: 12,
        }),
    },
    Outreach {
        kind: ReferralSource::PosterDesignatedHospital,
        month: 2,
        target: "指定医療機関",
        amount: Some(Amount {
            quantity: 40,
            unit: "枚",
            facilities: 40,
        }),
    },
    Outreach {
        kind: ReferralSource::Msw,
        month: 4,
        target: "デモ市内病院の医療ソーシャルワーカー",
        amount: None,
    },
    Outreach {
        kind: ReferralSource::LeafletAtApplication,
        month: 5,
        target: "県内の保健所（医療費助成の申請窓口）",
        amount: Some(Amount {
            quantity: 300,
            unit: "枚",
            facilities: 12,
        }),
    },
    Outreach {
        kind: ReferralSource::Homepage,
        month: 7,
        target: "センターのホームページ（就労相談の案内を更新）",
        amount: None,
    },
    Outreach {
        kind: ReferralSource::DesignatedDoctorTraining,
        month: 9,
        target: "難病指定医研修会",
        amount: Some(Amount {
            quantity: 120,
            unit: "部",
            facilities: 1,
        }),
    },
];

/// One training of the year: by a case worker, or by the supervisor.
struct Course {
    by_supervisor: bool,
    participation: &'static str,
    course: TrainingCourse,
    title: &'static str,
    month: u32,
    days: i64,
    hours: f64,
}

const TRAININGS: [Course; 3] = [
    Course {
        by_supervisor: false,
        participation: "attended",
        course: TrainingCourse::StaffTraining,
        title: "難病相談支援員研修（基礎）",
        month: 2,
        days: 1,
        hours: 6.0,
    },
    Course {
        by_supervisor: true,
        participation: "given",
        course: TrainingCourse::StaffTraining,
        title: "就労支援機関との連携（講師）",
        month: 6,
        days: 1,
        hours: 1.5,
    },
    Course {
        by_supervisor: true,
        participation: "given",
        course: TrainingCourse::PeerSupporterTraining,
        title: "ピア・サポーター養成講習会",
        month: 8,
        days: 3,
        hours: 15.0,
    },
];

/// The first day of the month `n` months after `from`'s, plus `day - 1` days.
fn day_of_month(from: NaiveDate, n: u32, day: i64) -> NaiveDate {
    let first = from
        .checked_add_months(Months::new(n))
        .unwrap_or(from)
        .with_day(1)
        .unwrap_or(from);
    first + Duration::days(day - 1)
}

/// Writes the year's outreach, trainings and events before `today`.
pub(super) fn work(
    rng: &mut StdRng,
    services: &Services,
    clock: &DemoClock,
    demo: &DemoCenter,
    children: &[ShomanChild],
    today: NaiveDate,
) -> Result<ActivityCounts, DomainError> {
    let mut counts = ActivityCounts::default();
    let Some(worker) = demo.workers.last() else {
        return Ok(counts);
    };
    let begun = today - Duration::days(365);
    let a = services.activities();

    // Outreach: a leaflet drive each quarter, other kinds now and then.
    for o in OUTREACH {
        let day = day_of_month(begun, o.month, 10);
        if day > today {
            continue;
        }
        clock.set(office_time(rng, day));
        a.create_outreach(
            worker,
            OutreachInput {
                kind: o.kind.as_str().into(),
                kind_other: None,
                target: Some(o.target.into()),
                held_on: day.to_string(),
                quantity: o.amount.map(|x| x.quantity),
                unit: o.amount.map(|x| x.unit.into()),
                facility_count: o.amount.map(|x| x.facilities),
                notes: Some("デモデータ（架空の周知活動）".into()),
            },
        )?;
        counts.outreach += 1;
    }

    // Trainings: a case worker's basic training, a supervisor's talk, and the
    // peer-supporter course the center ran.
    for t in TRAININGS {
        let day = day_of_month(begun, t.month, 14);
        if day + Duration::days(t.days - 1) > today {
            continue;
        }
        let who = if t.by_supervisor {
            &demo.supervisor
        } else {
            worker
        };
        clock.set(office_time(rng, day));
        a.create_training(
            who,
            TrainingInput {
                user_id: None,
                participation: t.participation.into(),
                course: t.course.as_str().into(),
                title: t.title.into(),
                organiser: Some("デモ県".into()),
                held_on: day.to_string(),
                ended_on: (t.days > 1).then(|| (day + Duration::days(t.days - 1)).to_string()),
                hours: t.hours,
                notes: None,
            },
        )?;
        counts.trainings += 1;
    }

    // Events: the monthly 難病カフェ, a seminar twice a year, a 社労士 consultation day.
    for month in 1..=12u32 {
        let day = day_of_month(begun, month, 20);
        if day > today {
            continue;
        }
        let mut plan = vec![(
            EventKind::Cafe,
            format!("難病カフェ {}月", day.month()),
            Some("難病カフェ"),
        )];
        if month % 6 == 0 {
            plan.push((
                EventKind::EmploymentSeminar,
                "就労支援セミナー（ハローワーク共催）".into(),
                None,
            ));
        }
        if month == 9 {
            plan.push((
                EventKind::LegalConsultation,
                "社労士による障害年金・就労相談会".into(),
                None,
            ));
        }
        for (kind, title, series) in plan {
            clock.set(office_time(rng, day));
            let patients = rng.gen_range(4..=12);
            let e = a.create_event(
                worker,
                EventInput {
                    kind: kind.as_str().into(),
                    kind_other: None,
                    title,
                    held_on: day.to_string(),
                    start_time: Some("13:30".into()),
                    end_time: Some("15:30".into()),
                    place: Some("デモ難病相談支援センター 交流室".into()),
                    online: false,
                    staff_ids: vec![worker.actor.user_id],
                    patients_count: patients,
                    families_count: rng.gen_range(0..=4),
                    professionals_count: rng.gen_range(0..=2),
                    materials: vec!["就労支援ガイド（デモ）".into()],
                    series: series.map(Into::into),
                    notes: Some("デモデータ（架空の開催記録）".into()),
                },
            )?;
            counts.events += 1;
            // A couple of 小慢 children named, where a consent is in force that day.
            let mut named = 0;
            for c in children.iter().filter(|c| c.registered <= day) {
                if named >= 2 || !rng.gen_bool(0.2) {
                    continue;
                }
                match a.add_attendee(
                    worker,
                    e.id,
                    AttendeeInput {
                        patient_id: c.patient,
                        role: "patient".into(),
                    },
                ) {
                    Ok(_) => {
                        named += 1;
                        counts.attendees += 1;
                    }
                    // Without a consent that day the child stays in the headcount only.
                    Err(DomainError::Rule { .. }) => {}
                    Err(other) => return Err(other),
                }
            }
        }
    }
    Ok(counts)
}
