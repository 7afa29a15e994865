//! 出張相談 in the demo: a schedule with the first Hello Work office (the 2nd and 4th
//! Tuesday, 13:00-16:00 in 45-minute slots), its sessions from four months back to two
//! months ahead, and patients booked into them: past bookings held (each with its
//! consultation record, some registered as new job seekers, a few employed), a no-show now
//! and then, and upcoming ones still booked.
//!
//! Records are made through the use cases the API calls, on the demo clock set to each day.

use super::clock::DemoClock;
use super::setup::DemoCenter;
use chrono::{Datelike, Duration, Months, NaiveDate};
use rand::Rng;
use rand::rngs::StdRng;
use tsunagu_domain::DomainError;
use tsunagu_domain::activities::supporter_sessions::{
    BookingInput, BookingUpdate, GenerateInput, ScheduleInput,
};
use tsunagu_domain::app::Services;
use tsunagu_domain::page::PageRequest;
use tsunagu_domain::values::{AgencyType, Program};

/// What the 出張相談 made, for the summary line.
#[derive(Debug, Default, Clone, Copy)]
pub struct SupporterCounts {
    pub sessions: usize,
    pub bookings: usize,
    /// The held bookings' consultation records (also in the demo's consultations).
    pub consultations: usize,
}

/// Writes the schedule, its sessions and their bookings.
pub(super) fn work(
    rng: &mut StdRng,
    services: &Services,
    clock: &DemoClock,
    demo: &DemoCenter,
    today: NaiveDate,
) -> Result<SupporterCounts, DomainError> {
    let mut counts = SupporterCounts::default();
    let (Some(worker), Some(office)) = (
        demo.workers.last(),
        demo.agencies
            .iter()
            .find(|a| a.agency_type == AgencyType::HelloWork),
    ) else {
        return Ok(counts);
    };
    let from = today
        .checked_sub_months(Months::new(4))
        .and_then(|d| d.with_day(1))
        .unwrap_or(today);
    let to = today.checked_add_months(Months::new(2)).unwrap_or(today);
    let a = services.activities();
    clock.set(super::cases::office_time(rng, from));
    let schedule = a.create_supporter_schedule(
        worker,
        ScheduleInput {
            agency_id: office.id,
            weekday: 2,
            weeks: vec![2, 4],
            start_time: "13:00".into(),
            end_time: "16:00".into(),
            slot_minutes: 45,
            place: Some("デモ難病相談支援センター 相談室".into()),
            supporter_name: Some("難病患者就職サポーター（デモ）".into()),
        },
    )?;
    let sessions = a.generate_supporter_sessions(
        worker,
        schedule.id,
        GenerateInput {
            fiscal_year: None,
            from: Some(from.to_string()),
            to: Some(to.to_string()),
        },
    )?;
    counts.sessions = sessions.len();

    // Adults of the 難病 program, who are who comes to the employment supporter.
    let page = PageRequest::parse(Some(200), None).map_err(DomainError::Validation)?;
    let people: Vec<_> = services
        .store()
        .patients(demo.center.id, None, None, &Default::default(), page)?
        .items
        .into_iter()
        .filter(|p| p.program == Program::Nanbyo)
        .map(|p| p.id)
        .collect();
    if people.is_empty() {
        return Ok(counts);
    }
    for s in &sessions {
        let past = s.held_on < today;
        // The day's bookings are made a week before.
        clock.set(super::cases::office_time(
            rng,
            (s.held_on - Duration::days(7)).min(today),
        ));
        let wanted = rng.gen_range(1..=3usize);
        let mut booked = Vec::new();
        for (start, _) in s.slots().into_iter().take(wanted) {
            let patient = people[rng.gen_range(0..people.len())];
            match a.book_supporter_slot(
                worker,
                s.id,
                BookingInput {
                    slot_start: start.format("%H:%M").to_string(),
                    patient_id: patient,
                    notes: None,
                },
            ) {
                Ok(v) => booked.push(v.booking),
                // Without a consent that day, or booked twice: the demo moves on.
                Err(DomainError::Rule { .. } | DomainError::Conflict { .. }) => {}
                Err(other) => return Err(other),
            }
        }
        counts.bookings += booked.len();
        if !past {
            continue;
        }
        // After the session: what came of each booking, recorded the same evening.
        clock.set(
            s.held_on
                .and_hms_opt(9, 0, 0)
                .map_or_else(|| clock_now(services), |t| t.and_utc()),
        );
        for b in booked {
            let no_show = rng.gen_bool(0.1);
            let update = if no_show {
                BookingUpdate {
                    status: Some("no_show".into()),
                    ..BookingUpdate::default()
                }
            } else {
                BookingUpdate {
                    status: Some("held".into()),
                    create_consultation: true,
                    new_job_seeker: Some(Some(rng.gen_bool(0.4))),
                    employed: rng.gen_bool(0.15).then_some(Some(true)),
                    ..BookingUpdate::default()
                }
            };
            a.update_supporter_booking(worker, s.id, b.id, b.version.into(), update)?;
            if !no_show {
                counts.consultations += 1;
            }
        }
    }
    Ok(counts)
}

fn clock_now(services: &Services) -> chrono::DateTime<chrono::Utc> {
    services.clock().now()
}
