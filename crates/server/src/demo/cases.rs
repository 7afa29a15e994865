//! One fictitious patient's case, drawn from the seeded generator: the records it leaves
//! and the order they happen in.

use super::names::{FAMILY, GIVEN_FEMALE, GIVEN_MALE};
use chrono::{DateTime, Duration, NaiveDate, TimeZone, Utc};
use rand::Rng;
use rand::rngs::StdRng;
use tsunagu_domain::cases::format_case_number;
use tsunagu_domain::clock::tokyo;
use tsunagu_domain::entities::{
    Agency, Center, Consent, Consultation, FollowUp, LevelChange, Patient, Provision, Referral,
};
use tsunagu_domain::values::{
    self, CaseOutcome, Channel, ConsentScope, Contacted, EmploymentStatus, FollowUpMethod, Level,
    Program, Purpose, ReferralStatus, Requester, Sex, SharedItem, SupportAwareness, Topic,
};
use tsunagu_store::bulk::CaseBatch;
use uuid::Uuid;

pub(super) fn pick<'a, T>(rng: &mut StdRng, xs: &'a [T]) -> &'a T {
    &xs[rng.gen_range(0..xs.len())]
}

/// Picks from weighted choices (weights need not sum to 100).
pub(super) fn weighted<T: Copy>(rng: &mut StdRng, choices: &[(T, u32)]) -> T {
    let total: u32 = choices.iter().map(|(_, w)| w).sum();
    let mut n = rng.gen_range(0..total.max(1));
    for (v, w) in choices {
        if n < *w {
            return *v;
        }
        n -= w;
    }
    choices[0].0
}

pub(super) fn day_between(rng: &mut StdRng, from: NaiveDate, to: NaiveDate) -> NaiveDate {
    let span = (to - from).num_days().max(0);
    from + Duration::days(rng.gen_range(0..=span))
}

/// Office hours in Tokyo on a day, as UTC.
pub(super) fn office_time(rng: &mut StdRng, day: NaiveDate) -> DateTime<Utc> {
    let minutes = rng.gen_range(9 * 60..17 * 60);
    let local = day
        .and_hms_opt(minutes / 60, minutes % 60, 0)
        .unwrap_or_default();
    tokyo()
        .from_local_datetime(&local)
        .single()
        .map_or_else(|| Utc.from_utc_datetime(&local), |t| t.with_timezone(&Utc))
}

/// One patient's path: intake, consultations, maybe consent, referrals at a level, and
/// follow-ups — some done, some overdue, some never scheduled (what a supervisor must catch).
#[allow(clippy::too_many_arguments)]
pub(super) fn one_case(
    rng: &mut StdRng,
    b: &mut CaseBatch,
    center: &Center,
    workers: &[Uuid],
    agencies: &[Agency],
    (start, today): (NaiveDate, NaiveDate),
    (per_patient, referrals_per_patient): (usize, usize),
    counters: &mut std::collections::BTreeMap<i32, i32>,
) {
    let registered = day_between(rng, start, today);
    let at = office_time(rng, registered);
    let worker = *pick(rng, workers);
    let sex = weighted(rng, &[(Sex::Female, 52), (Sex::Male, 46), (Sex::Other, 2)]);
    let (family, family_kana) = *pick(rng, FAMILY);
    let (given, given_kana) = *pick(
        rng,
        if sex == Sex::Male {
            GIVEN_MALE
        } else {
            GIVEN_FEMALE
        },
    );
    let program = weighted(rng, &[(Program::Nanbyo, 9), (Program::Shoman, 1)]);
    let birth = if program == Program::Shoman {
        day_between(
            rng,
            registered - Duration::days(365 * 19),
            registered - Duration::days(365 * 6),
        )
    } else {
        day_between(
            rng,
            registered - Duration::days(365 * 64),
            registered - Duration::days(365 * 18),
        )
    };
    let fy = values::fiscal_year(registered);
    let number = counters.entry(fy).or_insert(0);
    *number += 1;
    let pid = Uuid::now_v7();
    let munis = tsunagu_domain::master::municipalities_of("34");
    let patient = Patient {
        id: pid,
        center_id: center.id,
        case_number: format_case_number(fy, i64::from(*number)),
        family_name: family.into(),
        given_name: given.into(),
        family_name_kana: family_kana.into(),
        given_name_kana: given_kana.into(),
        birth_date: birth,
        sex: Some(sex),
        prefecture_code: Some("34".into()),
        municipality_code: (!munis.is_empty()).then(|| pick(rng, munis).code.clone()),
        phone: Some(format!("090-0000-{:04}", rng.gen_range(0..10_000))),
        email: rng
            .gen_bool(0.3)
            .then(|| format!("demo{}@example.jp", rng.gen_range(0..1_000_000))),
        program,
        disease_number: (program == Program::Nanbyo).then(|| rng.gen_range(1..=348)),
        diagnosis: (program == Program::Shoman).then(|| "小児慢性特定疾病（デモ）".into()),
        employment_status: weighted(
            rng,
            &[
                (EmploymentStatus::Employed, 35),
                (EmploymentStatus::OnLeave, 10),
                (EmploymentStatus::JobSeeking, 20),
                (EmploymentStatus::NotWorking, 30),
                (EmploymentStatus::Student, 5),
            ],
        ),
        // The paper's figures for patients not working: 4.3%, 6.7%, 28.7%, 60.3%.
        support_awareness: weighted(
            rng,
            &[
                (SupportAwareness::Using, 43),
                (SupportAwareness::UsedBefore, 67),
                (SupportAwareness::AwareNotUsed, 287),
                (SupportAwareness::Unaware, 603),
            ],
        ),
        disability_certificate: rng.gen_bool(0.3),
        notes: Some("デモデータ（架空の人物）".into()),
        created_by: worker,
        version: 1,
        created_at: at,
        updated_at: at,
    };
    b.patients.push(patient);

    // Consultations from registration to today; about one in twenty more are anonymous.
    let n = if per_patient == 0 {
        0
    } else {
        rng.gen_range(1..=per_patient * 2 - 1)
    };
    let mut first_consultation = None;
    for i in 0..n {
        let day = if i == 0 {
            registered
        } else {
            day_between(rng, registered, today)
        };
        let c = consultation(rng, center.id, Some(pid), day, worker);
        first_consultation.get_or_insert(c.id);
        b.consultations.push(c);
        if rng.gen_ratio(1, 20) {
            let who = *pick(rng, workers);
            let anon = consultation(rng, center.id, None, day, who);
            b.consultations.push(anon);
        }
    }

    // Consent at intake for most; a few withdraw it later.
    let consent = rng.gen_bool(0.75).then(|| {
        let withdrawn = rng
            .gen_ratio(1, 25)
            .then(|| day_between(rng, registered, today));
        Consent {
            id: Uuid::now_v7(),
            center_id: center.id,
            patient_id: pid,
            given_on: registered,
            scope: weighted(
                rng,
                &[
                    (ConsentScope::EmploymentAgencies, 7),
                    (ConsentScope::AllAgencies, 3),
                ],
            ),
            withdrawn_on: withdrawn,
            notes: None,
            recorded_by: worker,
            version: if withdrawn.is_some() { 2 } else { 1 },
            created_at: at,
            updated_at: at,
        }
    });
    if let Some(c) = &consent {
        b.consents.push(c.clone());
    }

    // Referrals: most patients get one, some two.
    let referrals = if referrals_per_patient <= 1 {
        weighted(rng, &[(0usize, 25), (1, 55), (2, 20)]) * referrals_per_patient
    } else {
        rng.gen_range(0..=referrals_per_patient * 2)
    };
    for _ in 0..referrals {
        let agency = pick(rng, agencies);
        let referred_on = day_between(rng, registered, today);
        let covered = consent
            .as_ref()
            .filter(|c| c.in_force_on(referred_on) && c.scope.covers(agency.agency_type));
        let level = if covered.is_some() {
            weighted(
                rng,
                &[
                    (Level::InformationOnly, 40),
                    (Level::PhoneMediation, 25),
                    (Level::Accompanied, 20),
                    (Level::AccompaniedWithFollowUp, 15),
                ],
            )
        } else {
            Level::InformationOnly
        };
        let created = office_time(rng, referred_on);
        let mut r = Referral {
            id: Uuid::now_v7(),
            center_id: center.id,
            patient_id: pid,
            consultation_id: first_consultation,
            agency_id: agency.id,
            agency_type: agency.agency_type,
            purpose: weighted(
                rng,
                &[(Purpose::NewEmployment, 6), (Purpose::JobRetention, 4)],
            ),
            level,
            referred_on,
            handed_over: (level.rank() >= 2 && rng.gen_bool(0.5)).then(|| "就労相談票".into()),
            notes: None,
            status: ReferralStatus::Open,
            outcome: None,
            closed_on: None,
            review_state: values::ReviewState::None,
            consultant_id: worker,
            created_by: worker,
            version: 1,
            created_at: created,
            updated_at: created,
        };
        b.level_changes.push(LevelChange {
            id: Uuid::now_v7(),
            center_id: center.id,
            referral_id: r.id,
            from_level: None,
            to_level: level,
            reason: None,
            changed_by: worker,
            changed_at: created,
        });
        if let (true, Some(c)) = (level.passes_data(), covered) {
            b.provisions.push(Provision {
                id: Uuid::now_v7(),
                center_id: center.id,
                patient_id: pid,
                referral_id: r.id,
                agency_id: agency.id,
                consent_id: c.id,
                items: vec![SharedItem::Name, SharedItem::Contact, SharedItem::Diagnosis],
                provided_on: referred_on,
                recorded_by: worker,
                created_at: created,
            });
        }
        // Follow-ups: level 4 promises them (a few are never scheduled: the supervisor's
        // catch); other levels sometimes get one.
        let mut any_done = false;
        let wants = if level.promises_follow_up() {
            !rng.gen_ratio(1, 12)
        } else {
            rng.gen_ratio(1, 5)
        };
        if wants {
            let mut due = referred_on + Duration::days(14);
            for _ in 0..rng.gen_range(1..=3) {
                let mut f = FollowUp {
                    id: Uuid::now_v7(),
                    center_id: center.id,
                    referral_id: r.id,
                    patient_id: pid,
                    assignee_id: worker,
                    due_on: due,
                    done_on: None,
                    method: None,
                    contacted: None,
                    outcome: None,
                    notes: None,
                    next_due_on: None,
                    cancelled_on: None,
                    recorded_by: None,
                    created_by: worker,
                    version: 1,
                    created_at: created,
                    updated_at: created,
                };
                // Most past ones were done (some late); some are still overdue.
                if due <= today && rng.gen_ratio(5, 6) {
                    let done_on = (due + Duration::days(rng.gen_range(-3..10))).min(today);
                    f.done_on = Some(done_on.max(referred_on));
                    f.method = Some(weighted(
                        rng,
                        &[
                            (FollowUpMethod::Phone, 6),
                            (FollowUpMethod::InPerson, 2),
                            (FollowUpMethod::Visit, 1),
                            (FollowUpMethod::Email, 1),
                        ],
                    ));
                    f.contacted = Some(weighted(
                        rng,
                        &[
                            (Contacted::Patient, 6),
                            (Contacted::Agency, 3),
                            (Contacted::Employer, 1),
                        ],
                    ));
                    f.outcome = Some(outcome(rng));
                    f.updated_at = office_time(rng, done_on.max(referred_on));
                    f.version = 2;
                    f.recorded_by = Some(worker);
                    any_done = true;
                    let next = due + Duration::days(30);
                    f.next_due_on = Some(next);
                    b.follow_ups.push(f);
                    due = next;
                } else {
                    b.follow_ups.push(f);
                    break;
                }
            }
        }
        // Older referrals are mostly closed, a level-4 one only after a follow-up.
        if referred_on + Duration::days(120) < today
            && rng.gen_bool(0.6)
            && (!level.promises_follow_up() || any_done)
        {
            let closed_on = day_between(rng, referred_on + Duration::days(30), today);
            r.status = ReferralStatus::Closed;
            r.outcome = Some(outcome(rng));
            r.closed_on = Some(closed_on);
            r.version = 2;
            for f in b
                .follow_ups
                .iter_mut()
                .filter(|f| f.referral_id == r.id && f.done_on.is_none())
            {
                f.cancelled_on = Some(closed_on);
            }
        }
        b.referrals.push(r);
    }
}

fn outcome(rng: &mut StdRng) -> CaseOutcome {
    weighted(
        rng,
        &[
            (CaseOutcome::Searching, 30),
            (CaseOutcome::Employed, 25),
            (CaseOutcome::Retained, 20),
            (CaseOutcome::LeftJob, 8),
            (CaseOutcome::Declined, 7),
            (CaseOutcome::LostContact, 6),
            (CaseOutcome::Other, 4),
        ],
    )
}

fn consultation(
    rng: &mut StdRng,
    center: Uuid,
    patient: Option<Uuid>,
    day: NaiveDate,
    worker: Uuid,
) -> Consultation {
    let at = office_time(rng, day);
    let mut topics = vec![weighted(
        rng,
        &[
            (Topic::Illness, 25),
            (Topic::Employment, 30),
            (Topic::WelfareSystem, 20),
            (Topic::DailyLife, 12),
            (Topic::PeerSupport, 5),
            (Topic::Psychological, 6),
            (Topic::Other, 2),
        ],
    )];
    if rng.gen_bool(0.3) {
        let second = *pick(rng, Topic::ALL);
        if !topics.contains(&second) {
            topics.push(second);
        }
    }
    let channel = weighted(
        rng,
        &[
            (Channel::Phone, 45),
            (Channel::InPerson, 30),
            (Channel::Email, 8),
            (Channel::Outreach, 10),
            (Channel::HomeVisit, 3),
            (Channel::Online, 4),
        ],
    );
    Consultation {
        id: Uuid::now_v7(),
        center_id: center,
        patient_id: patient,
        occurred_at: at,
        channel,
        requester: if patient.is_none() {
            weighted(
                rng,
                &[
                    (Requester::Patient, 5),
                    (Requester::Family, 4),
                    (Requester::Other, 1),
                ],
            )
        } else {
            weighted(
                rng,
                &[
                    (Requester::Patient, 7),
                    (Requester::Family, 2),
                    (Requester::Agency, 1),
                ],
            )
        },
        topics,
        duration_minutes: Some(rng.gen_range(5..=90)),
        with_employment_supporter: channel == Channel::Outreach || rng.gen_ratio(1, 12),
        summary: Some("デモデータ（架空の相談）".into()),
        consultant_id: worker,
        created_by: worker,
        version: 1,
        created_at: at,
        updated_at: at,
    }
}
