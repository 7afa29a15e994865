//! The demo's 機関への確認リンク: for some recent open referrals from 電話での仲介 up, the
//! consultant in charge made a one-time link for the agency; most agencies answered (the
//! patient came, registered as a job seeker, was employed…), a few links are still waiting
//! and one was revoked — so the referral page, the follow-up queue and the supervisor's
//! review show the loop closed from the agency's side.

use super::cases::office_time;
use super::clock::DemoClock;
use super::setup::DemoCenter;
use chrono::{Duration, NaiveDate};
use rand::Rng;
use rand::rngs::StdRng;
use tsunagu_domain::DomainError;
use tsunagu_domain::app::Services;
use tsunagu_domain::cases::{AgencyConfirmInput, AgencyLinkInput, ReferralQuery};
use tsunagu_domain::entities::RequestMeta;
use tsunagu_domain::page::PageRequest;
use tsunagu_domain::values::{AgencyOutcome, Level};

#[derive(Debug, Default, Clone, Copy)]
pub struct LinkCounts {
    pub links: usize,
    pub confirmed: usize,
}

/// How many referrals get a link.
const LINKS: usize = 8;

/// What the agencies answer, weighted as a center would see it.
const ANSWERS: &[AgencyOutcome] = &[
    AgencyOutcome::Came,
    AgencyOutcome::Came,
    AgencyOutcome::RegisteredJobSeeker,
    AgencyOutcome::RegisteredJobSeeker,
    AgencyOutcome::Employed,
    AgencyOutcome::RetentionSupportStarted,
    AgencyOutcome::DidNotCome,
];

pub(super) fn work(
    rng: &mut StdRng,
    services: &Services,
    clock: &DemoClock,
    demo: &DemoCenter,
    today: NaiveDate,
) -> Result<LinkCounts, DomainError> {
    let mut counts = LinkCounts::default();
    let open = services.referrals().list(
        &demo.supervisor,
        ReferralQuery {
            status: Some("open".into()),
            ..ReferralQuery::default()
        },
        PageRequest {
            limit: 200,
            ..PageRequest::default()
        },
    )?;
    let recent = today - Duration::days(60);
    let picked = open
        .items
        .into_iter()
        .filter(|r| r.level != Level::InformationOnly && r.referred_on >= recent)
        .take(LINKS);
    let meta = RequestMeta {
        request_id: "demo-data".into(),
        source: None,
        idempotency: None,
    };
    for (i, r) in picked.enumerate() {
        // Made by whoever is in charge of the referral, on the day it was made.
        let by = demo
            .workers
            .iter()
            .find(|w| w.actor.user_id == r.consultant_id)
            .unwrap_or(&demo.supervisor);
        clock.set(office_time(rng, r.referred_on));
        let made = services.agency_links().create(
            by,
            r.id,
            AgencyLinkInput {
                expires_in_days: Some(14),
                email: None,
                link_base: "http://127.0.0.1:8080".into(),
            },
        )?;
        counts.links += 1;
        match i % 4 {
            // One in four waits for the agency (or, the last one, was revoked).
            3 if i == LINKS - 1 => {
                services.agency_links().revoke(by, r.id, made.link.id)?;
            }
            3 => {}
            _ => {
                let day = r.referred_on + Duration::days(rng.gen_range(1..=10));
                if day > today {
                    continue;
                }
                clock.set(office_time(rng, day));
                let outcome = ANSWERS[rng.gen_range(0..ANSWERS.len())];
                services.agency_links().confirm(
                    &meta,
                    &made.token,
                    AgencyConfirmInput {
                        outcome: outcome.as_str().into(),
                        note: Some("デモデータ（架空の機関からの確認）".into()),
                    },
                )?;
                counts.confirmed += 1;
            }
        }
    }
    Ok(counts)
}
