//! The demo center's ピア・サポーター: the 養成講習会 they completed, six 難病 patients a
//! supervisor assigned to them, the peer consultations they recorded over the year (some
//! anonymous), and the monthly ピア相談会 they ran with a consultant — so the peer
//! supporter's sign-in has a caseload and the evidence report has a year in it.

use super::cases::office_time;
use super::clock::DemoClock;
use super::setup::DemoCenter;
use chrono::{Duration, NaiveDate};
use rand::Rng;
use rand::rngs::StdRng;
use tsunagu_domain::DomainError;
use tsunagu_domain::activities::{EventInput, TrainingInput};
use tsunagu_domain::app::Services;
use tsunagu_domain::cases::ConsultationInput;
use tsunagu_domain::clock::tokyo_date;
use tsunagu_domain::page::PageRequest;
use tsunagu_domain::values::{EventKind, Program, TrainingCourse};

#[derive(Debug, Default, Clone, Copy)]
pub struct PeerCounts {
    pub assignments: usize,
    pub consultations: usize,
    pub events: usize,
}

/// How many patients the peer supporter looks after.
const CASELOAD: usize = 6;

/// Writes the peer supporter's year before `today`.
pub(super) fn work(
    rng: &mut StdRng,
    services: &Services,
    clock: &DemoClock,
    demo: &DemoCenter,
    today: NaiveDate,
) -> Result<PeerCounts, DomainError> {
    let mut counts = PeerCounts::default();
    let peer = &demo.peer;
    let me = peer.actor.user_id;
    let begun = today - Duration::days(330);

    // The course comes first: a center assigns trained supporters.
    let course = begun - Duration::days(21);
    clock.set(office_time(rng, course));
    services.activities().create_training(
        &demo.supervisor,
        TrainingInput {
            user_id: Some(me),
            participation: "attended".into(),
            course: TrainingCourse::PeerSupporterTraining.as_str().into(),
            title: "ピア・サポーター養成講習会（基礎編）".into(),
            organiser: Some("デモ県難病相談支援センター".into()),
            held_on: course.to_string(),
            ended_on: Some((course + Duration::days(2)).to_string()),
            hours: 12.0,
            notes: None,
        },
    )?;

    // Their caseload: 難病 patients registered before they began.
    clock.set(office_time(rng, begun));
    let listed = services.patients().search(
        &demo.supervisor,
        &Default::default(),
        PageRequest {
            limit: 200,
            ..PageRequest::default()
        },
    )?;
    let caseload: Vec<_> = listed
        .page
        .items
        .into_iter()
        .filter(|p| p.program == Program::Nanbyo && tokyo_date(p.created_at) <= begun)
        .take(CASELOAD)
        .map(|p| p.id)
        .collect();
    for p in &caseload {
        services.peer_support().assign(&demo.supervisor, *p, me)?;
        counts.assignments += 1;
    }

    let Some(partner) = demo.workers.iter().find(|w| w.actor.user_id != me) else {
        return Ok(counts);
    };
    for month in 0..11i64 {
        let first = begun + Duration::days(30 * month);
        if first > today {
            break;
        }
        // Two to four peer consultations a month; one in four anonymous (a phone call
        // from someone who does not give a name).
        for _ in 0..rng.gen_range(2..=4) {
            let day = first + Duration::days(rng.gen_range(0..28));
            if day >= today {
                continue;
            }
            let patient = if caseload.is_empty() || rng.gen_ratio(1, 4) {
                None
            } else {
                Some(caseload[rng.gen_range(0..caseload.len())])
            };
            clock.set(office_time(rng, day));
            services.consultations().create(
                peer,
                ConsultationInput {
                    patient_id: Some(patient),
                    occurred_at: None,
                    channel: Some(
                        if rng.gen_ratio(1, 2) {
                            "in_person"
                        } else {
                            "phone"
                        }
                        .into(),
                    ),
                    requester: Some("patient".into()),
                    topics: Some(vec!["peer_support".into(), "daily_life".into()]),
                    duration_minutes: Some(Some(rng.gen_range(3..=9) * 10)),
                    summary: Some(Some("デモデータ（架空のピア相談）".into())),
                    ..ConsultationInput::default()
                },
            )?;
            counts.consultations += 1;
        }
        // The monthly ピア相談会, run with a consultant.
        let day = first + Duration::days(14);
        if day < today {
            clock.set(office_time(rng, day));
            services.activities().create_event(
                partner,
                EventInput {
                    kind: EventKind::PeerConsultation.as_str().into(),
                    kind_other: None,
                    title: "ピア相談会".into(),
                    held_on: day.to_string(),
                    start_time: Some("10:00".into()),
                    end_time: Some("12:00".into()),
                    place: Some("デモ難病相談支援センター 相談室".into()),
                    online: false,
                    staff_ids: vec![me, partner.actor.user_id],
                    patients_count: rng.gen_range(3..=8),
                    families_count: rng.gen_range(0..=2),
                    professionals_count: 0,
                    materials: vec![],
                    series: Some("ピア相談会".into()),
                    notes: Some("デモデータ（架空の開催記録）".into()),
                },
            )?;
            counts.events += 1;
        }
    }
    Ok(counts)
}
