//! One fictitious patient's case, drawn from the seeded generator as a story of dated steps
//! (registration, consultations, consent, referrals, follow-ups, closing) and then acted out
//! through the same use cases the API calls, each on the day it happens: the demo clock is
//! set to every step's moment, so "today" in each rule is that day and a demo record can
//! never break a rule the API enforces.

use super::clock::DemoClock;
use super::names::{FAMILY, GIVEN_FEMALE, GIVEN_MALE};
use super::setup::DemoCenter;
use chrono::{DateTime, Duration, NaiveDate, TimeZone, Utc};
use rand::Rng;
use rand::rngs::StdRng;
use tsunagu_domain::DomainError;
use tsunagu_domain::app::{Ctx, Services};
use tsunagu_domain::cases::{
    ADULT_AGE, ConsentInput, ConsentUpdate, ConsultationInput, FollowUpInput, FollowUpUpdate,
    PatientInput, ReferralInput, ReferralUpdate, age_on,
};
use tsunagu_domain::clock::tokyo;
use tsunagu_domain::page::PageRequest;
use tsunagu_domain::ports::{FollowUpFilter, FollowUpState};
use tsunagu_domain::values::{
    CaseOutcome, Channel, ConsentScope, Contacted, EmploymentStatus, FollowUpMethod, Level,
    Program, Purpose, ReferralSource, Requester, Role, Sex, SharedItem, SupportAwareness, Topic,
};
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

/// Office hours in Tokyo on a day, as UTC (between 9:00 and 15:00, so that a day's
/// several steps still end within the day).
pub(super) fn office_time(rng: &mut StdRng, day: NaiveDate) -> DateTime<Utc> {
    let minutes = rng.gen_range(9 * 60..15 * 60);
    let local = day
        .and_hms_opt(minutes / 60, minutes % 60, 0)
        .unwrap_or_default();
    tokyo()
        .from_local_datetime(&local)
        .single()
        .map_or_else(|| Utc.from_utc_datetime(&local), |t| t.with_timezone(&Utc))
}

/// What the story sizes are.
#[derive(Debug, Clone, Copy)]
pub(super) struct Sizes {
    pub consultations_per_patient: usize,
    pub referrals_per_patient: usize,
}

/// What one case left, for the summary line.
#[derive(Debug, Default, Clone, Copy)]
pub(super) struct Made {
    pub consultations: usize,
    pub referrals: usize,
    pub follow_ups: usize,
    /// Reviews of follow-up work: approved, and returned for correction.
    pub reviews: usize,
    pub returned: usize,
    /// A second registration of the same person (the duplicates a supervisor merges).
    pub duplicates: usize,
    /// The patient, when of the 小慢 program: the self-reliance support work is written
    /// for some of them once every case exists (`shoman.rs`).
    pub shoman: Option<ShomanChild>,
}

/// A 小慢 child of the demo, as the self-reliance support work needs them.
#[derive(Debug, Clone, Copy)]
pub(super) struct ShomanChild {
    pub patient: Uuid,
    pub birth: NaiveDate,
    pub registered: NaiveDate,
}

/// One step of a case. Steps refer to the case's earlier records by position (the n-th
/// referral), since their ids exist only once the step before has been acted out.
enum Step {
    Register(Box<PatientInput>),
    /// A consultation, about the patient or (`false`) anonymous.
    Consult(Box<ConsultationInput>, bool),
    Consent(ConsentInput),
    Withdraw(NaiveDate),
    Refer(usize, Box<ReferralInput>),
    /// A follow-up no level promises, scheduled when the referral is made.
    ScheduleFollowUp(usize, NaiveDate),
    /// Records the referral's open follow-up.
    Record(usize, Box<FollowUpUpdate>),
    Close(usize, Box<ReferralUpdate>),
    /// The supervisor reviews the referral's follow-up work: approved, or returned with a
    /// comment to correct.
    Review(usize, Option<&'static str>),
    /// Someone at the desk registers the same person again, not having found the first
    /// record, and records the talk there.
    Duplicate(Box<PatientInput>, Box<ConsultationInput>),
}

/// What a supervisor writes when returning follow-up work.
const RETURN_COMMENT: &str =
    "フォローアップの記録に、本人の様子と次回までに確認することを追記してください。";

/// A step on a day; `order` keeps a day's steps in the order the story told them.
struct Dated {
    day: NaiveDate,
    order: usize,
    /// Which worker acts (an index into the demo's workers), or the case's own consultant.
    worker: Option<usize>,
    step: Step,
}

/// The records a case has made so far, which later steps point at.
#[derive(Default)]
struct Records {
    patient: Option<Uuid>,
    /// The patient's program and birth date: a 小慢 consultation names its menu, a minor's
    /// consent is the guardian's (fixed values, drawing nothing from the story's dice).
    profile: Option<(Program, NaiveDate)>,
    consent: Option<(Uuid, i32)>,
    first_consultation: Option<Uuid>,
    referrals: Vec<Option<Uuid>>,
}

/// Draws one patient's story (registered on `registered`) and acts it out.
pub(super) fn one_case(
    rng: &mut StdRng,
    services: &Services,
    clock: &DemoClock,
    demo: &DemoCenter,
    (registered, today): (NaiveDate, NaiveDate),
    sizes: Sizes,
) -> Result<Made, DomainError> {
    let story = draw(rng, demo, (registered, today), sizes);
    let mut made = Made::default();
    for d in &story {
        match d.step {
            Step::Consult(..) => made.consultations += 1,
            Step::Refer(..) => made.referrals += 1,
            Step::Review(_, returned) => {
                made.reviews += 1;
                made.returned += usize::from(returned.is_some());
            }
            Step::Duplicate(..) => {
                made.duplicates += 1;
                made.consultations += 1;
            }
            _ => {}
        }
    }
    let (follow_ups, records) = act(rng, services, clock, demo, story)?;
    made.follow_ups = follow_ups;
    made.shoman = match (records.patient, records.profile) {
        (Some(patient), Some((Program::Shoman, birth))) => Some(ShomanChild {
            patient,
            birth,
            registered,
        }),
        _ => None,
    };
    Ok(made)
}

/// The story: what happens to one patient, on which day, in which order.
fn draw(
    rng: &mut StdRng,
    demo: &DemoCenter,
    (registered, today): (NaiveDate, NaiveDate),
    sizes: Sizes,
) -> Vec<Dated> {
    let mut story = Vec::new();
    let mut push = |day: NaiveDate, worker: Option<usize>, step: Step| {
        let order = story.len();
        story.push(Dated {
            day,
            order,
            worker,
            step,
        });
    };
    let person = patient(rng, registered);
    // About one person in 300 is registered a second time weeks later by someone who did
    // not find the first record: a living center's duplicates, for the supervisor to merge.
    if rng.gen_ratio(1, 300) && person.program.as_deref() == Some(Program::Nanbyo.as_str()) {
        let day = registered + Duration::days(rng.gen_range(14..=90));
        if day <= today {
            let mut again = person.clone();
            again.phone = Some(None);
            again.notes = Some(Some("デモデータ（架空の人物・重複登録）".into()));
            let who = rng.gen_range(0..demo.workers.len());
            push(
                day,
                Some(who),
                Step::Duplicate(Box::new(again), Box::new(consultation(rng, true))),
            );
        }
    }
    push(registered, None, Step::Register(Box::new(person)));

    // Consent at intake for most; a few withdraw it later.
    let consent = rng.gen_bool(0.75).then(|| {
        let scope = weighted(
            rng,
            &[
                (ConsentScope::EmploymentAgencies, 7),
                (ConsentScope::AllAgencies, 3),
            ],
        );
        let withdrawn = rng
            .gen_ratio(1, 25)
            .then(|| day_between(rng, registered, today));
        (scope, withdrawn)
    });
    if let Some((scope, withdrawn)) = consent {
        push(
            registered,
            None,
            Step::Consent(ConsentInput {
                given_on: registered.to_string(),
                scope: scope.as_str().into(),
                ..ConsentInput::default()
            }),
        );
        if let Some(w) = withdrawn {
            push(w, None, Step::Withdraw(w));
        }
    }

    // Consultations from registration to today; about one in twenty more are anonymous,
    // taken by whoever answered the phone.
    let n = if sizes.consultations_per_patient == 0 {
        0
    } else {
        rng.gen_range(1..=sizes.consultations_per_patient * 2 - 1)
    };
    for i in 0..n {
        let day = if i == 0 {
            registered
        } else {
            day_between(rng, registered, today)
        };
        push(
            day,
            None,
            Step::Consult(Box::new(consultation(rng, true)), true),
        );
        if rng.gen_ratio(1, 20) {
            let who = rng.gen_range(0..demo.workers.len());
            push(
                day,
                Some(who),
                Step::Consult(Box::new(consultation(rng, false)), false),
            );
        }
    }

    // Referrals: most patients get one, some two.
    let referrals = if sizes.referrals_per_patient <= 1 {
        weighted(rng, &[(0usize, 25), (1, 55), (2, 20)]) * sizes.referrals_per_patient
    } else {
        rng.gen_range(0..=sizes.referrals_per_patient * 2)
    };
    for k in 0..referrals {
        let agency = pick(rng, &demo.agencies);
        let referred_on = day_between(rng, registered, today);
        let covered = consent.is_some_and(|(scope, withdrawn)| {
            withdrawn.is_none_or(|w| w > referred_on) && scope.covers(agency.agency_type)
        });
        let level = if covered {
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
        let input = ReferralInput {
            patient_id: Uuid::nil(),
            consultation_id: None,
            agency_id: agency.id,
            purpose: weighted(
                rng,
                &[(Purpose::NewEmployment, 6), (Purpose::JobRetention, 4)],
            )
            .as_str()
            .into(),
            level: level.as_str().into(),
            referred_on: Some(referred_on.to_string()),
            handed_over: (level.rank() >= 2 && rng.gen_bool(0.5)).then(|| "就労相談票".into()),
            notes: None,
            shared_items: level.passes_data().then(|| {
                [SharedItem::Name, SharedItem::Contact, SharedItem::Diagnosis]
                    .iter()
                    .map(|i| i.as_str().to_owned())
                    .collect()
            }),
            consultant_id: None,
        };
        push(referred_on, None, Step::Refer(k, Box::new(input)));

        // Older referrals are mostly closed by now, on a day drawn first: follow-ups run
        // until then (a level-4 one closes only after one is recorded, and after the last).
        let closes = referred_on + Duration::days(120) < today && rng.gen_bool(0.8);
        let end = if closes {
            // Late enough for the first follow-up (due after 14 days) to have been recorded.
            day_between(rng, referred_on + Duration::days(45), today)
        } else {
            today
        };
        let level4 = level.promises_follow_up();
        // Follow-ups: level 4 promises them (the first is scheduled with the referral) and
        // they go on until the referral closes; other levels sometimes get one or two.
        let wants = level4 || rng.gen_ratio(1, 5);
        if wants && !level4 {
            push(
                referred_on,
                None,
                Step::ScheduleFollowUp(k, referred_on + Duration::days(14)),
            );
        }
        let chain = FollowUpChain {
            k,
            level4,
            referred_on,
            end,
            closes,
            today,
        };
        let last_done = if wants {
            chain.draw(rng, &mut push)
        } else {
            None
        };
        if closes && (!level4 || last_done.is_some()) {
            let closed_on = end.max(last_done.unwrap_or(referred_on));
            let closed_on = closed_on.min(today);
            push(
                closed_on,
                None,
                Step::Close(
                    k,
                    Box::new(ReferralUpdate {
                        status: Some("closed".into()),
                        outcome: Some(outcome(rng).as_str().into()),
                        closed_on: Some(closed_on.to_string()),
                        ..Default::default()
                    }),
                ),
            );
        }
    }
    story.sort_by_key(|d| (d.day, d.order));
    story
}

/// How recently a lapse may lie for a living center still to be working on it: older ones
/// it would have caught up with.
const LAPSE_WITHIN_DAYS: i64 = 45;

/// One referral's follow-ups as a story: when each falls due, when it is recorded (nearly
/// always on time or a few days either side, now and then a week or two late), and the
/// supervisor's review of each. Only the newest may lapse: overdue by days or
/// weeks, never by years, as in a center that keeps up with its promises.
struct FollowUpChain {
    k: usize,
    level4: bool,
    referred_on: NaiveDate,
    /// The referral's last day: when it closes, or today.
    end: NaiveDate,
    closes: bool,
    today: NaiveDate,
}

impl FollowUpChain {
    /// Pushes the chain's steps; answers the day the last one was recorded or reviewed.
    fn draw(
        &self,
        rng: &mut StdRng,
        push: &mut impl FnMut(NaiveDate, Option<usize>, Step),
    ) -> Option<NaiveDate> {
        let today = self.today;
        let lately = |d: NaiveDate| (today - d).num_days() <= LAPSE_WITHIN_DAYS;
        // Monthly at first, then every three months; a lower level's last one schedules
        // nothing more.
        let most = if self.level4 {
            usize::MAX
        } else {
            rng.gen_range(1..=2)
        };
        let mut due = self.referred_on + Duration::days(14);
        let mut last_done: Option<NaiveDate> = None;
        let mut n = 0;
        while due <= self.end && due <= today && n < most {
            if !self.closes && lately(due) && rng.gen_ratio(1, 6) {
                break;
            }
            let late = if rng.gen_ratio(1, 10) {
                rng.gen_range(4..=14)
            } else {
                rng.gen_range(-3..=3)
            };
            let done_on = (due + Duration::days(late))
                .min(today)
                .max(self.referred_on)
                .max(last_done.unwrap_or(self.referred_on));
            n += 1;
            let next = (self.level4 || n < most)
                .then(|| due + Duration::days(if n <= 3 { 30 } else { 90 }));
            push(
                done_on,
                None,
                Step::Record(
                    self.k,
                    Box::new(FollowUpUpdate {
                        done_on: Some(Some(done_on.to_string())),
                        method: Some(follow_up_method(rng).as_str().into()),
                        contacted: Some(contacted(rng).as_str().into()),
                        outcome: Some(outcome(rng).as_str().into()),
                        next_due_on: next.map(|d| d.to_string()),
                        ..Default::default()
                    }),
                ),
            );
            // Recorded work goes to the supervisor for review, whatever the level.
            let reviewed = self.review(rng, push, done_on);
            last_done = Some(reviewed.unwrap_or(done_on));
            match next {
                Some(d) => due = d,
                None => break,
            }
        }
        last_done
    }

    /// The supervisor reviews recorded work within a week, before the next one is
    /// recorded; this week's still waits. A few recent ones are returned for correction.
    fn review(
        &self,
        rng: &mut StdRng,
        push: &mut impl FnMut(NaiveDate, Option<usize>, Step),
        done_on: NaiveDate,
    ) -> Option<NaiveDate> {
        let on = done_on + Duration::days(rng.gen_range(1..=7));
        if on > self.today {
            return None;
        }
        let returned = (!self.closes && (self.today - on).num_days() <= 30 && rng.gen_ratio(1, 6))
            .then_some(RETURN_COMMENT);
        push(on, None, Step::Review(self.k, returned));
        Some(on)
    }
}

/// Acts the story out through the use cases, each step by its worker at its moment.
/// Returns how many follow-ups it left, and the records it made.
fn act(
    rng: &mut StdRng,
    services: &Services,
    clock: &DemoClock,
    demo: &DemoCenter,
    story: Vec<Dated>,
) -> Result<(usize, Records), DomainError> {
    // The case is a consultant's: the supervisor reviews their level-4 work (four eyes).
    let consultants: Vec<usize> = (0..demo.workers.len())
        .filter(|&i| demo.workers[i].actor.role == Role::Consultant)
        .collect();
    let own = *pick(rng, &consultants);
    let mut made = Records::default();
    let mut follow_ups = 0;
    let mut day = None;
    let mut at = Utc::now();
    for d in story {
        // A day's steps follow each other by a few minutes from a time in office hours.
        at = if day == Some(d.day) {
            at + Duration::minutes(rng.gen_range(3..20))
        } else {
            office_time(rng, d.day)
        };
        day = Some(d.day);
        at = clock.set(at);
        let ctx: &Ctx = &demo.workers[d.worker.unwrap_or(own)];
        let patient = made.patient.unwrap_or_default();
        match d.step {
            Step::Register(input) => {
                let p = services.patients().create(ctx, *input)?;
                made.patient = Some(p.id);
                made.profile = Some((p.program, p.birth_date));
            }
            Step::Consult(mut input, named) => {
                // The talk happened just now; it is recorded when it ends.
                input.occurred_at = Some(at.to_rfc3339());
                input.patient_id = Some(named.then_some(patient));
                if named && made.profile.is_some_and(|(p, _)| p == Program::Shoman) {
                    input.shoman_menu = Some(Some("self_reliance_guidance".into()));
                    input.shoman_requester = Some(Some("family".into()));
                }
                at += Duration::minutes(input.duration_minutes.flatten().unwrap_or(10).into());
                at = clock.set(at);
                let c = services.consultations().create(ctx, *input)?;
                if named {
                    made.first_consultation.get_or_insert(c.id);
                }
            }
            Step::Consent(mut input) => {
                let minor = made.profile.is_some_and(|(_, born)| {
                    NaiveDate::parse_from_str(&input.given_on, "%Y-%m-%d")
                        .is_ok_and(|on| age_on(born, on) < ADULT_AGE)
                });
                if minor {
                    input.given_by = Some("guardian".into());
                    input.guardian_name = Some("保護者（デモ）".into());
                    input.guardian_relationship = Some("母".into());
                    input.child_assent = Some(true);
                }
                let c = services.consents().create(ctx, patient, input)?;
                made.consent = Some((c.id, c.version));
            }
            Step::Withdraw(on) => {
                if let Some((id, version)) = made.consent {
                    let update = ConsentUpdate {
                        withdrawn_on: Some(Some(on.to_string())),
                        notes: None,
                    };
                    let c = services
                        .consents()
                        .update(ctx, id, version.into(), update)?;
                    made.consent = Some((c.id, c.version));
                }
            }
            Step::Refer(k, mut input) => {
                input.patient_id = patient;
                input.consultation_id = made.first_consultation;
                let r = services.referrals().create(ctx, *input)?;
                if made.referrals.len() <= k {
                    made.referrals.resize(k + 1, None);
                }
                made.referrals[k] = Some(r.id);
                follow_ups += usize::from(r.level.promises_follow_up());
            }
            Step::ScheduleFollowUp(k, due_on) => {
                if let Some(Some(referral)) = made.referrals.get(k) {
                    let input = FollowUpInput {
                        due_on: due_on.to_string(),
                        assignee_id: None,
                        notes: None,
                    };
                    services.follow_ups().create(ctx, *referral, input)?;
                    follow_ups += 1;
                }
            }
            Step::Record(k, update) => {
                if let Some(Some(referral)) = made.referrals.get(k)
                    && let Some((id, version)) = open_follow_up(services, demo, *referral, d.day)?
                {
                    services
                        .follow_ups()
                        .update(ctx, id, version.into(), *update)?;
                    follow_ups += 1;
                }
            }
            Step::Review(k, returned) => {
                if let Some(Some(id)) = made.referrals.get(k).copied() {
                    let (decision, comment) = match returned {
                        Some(c) => ("returned", Some(c)),
                        None => ("approved", None),
                    };
                    services
                        .reviews()
                        .create(&demo.supervisor, id, decision, comment)?;
                }
            }
            Step::Duplicate(input, mut talk) => {
                let p = services.patients().create(ctx, *input)?;
                talk.occurred_at = Some(at.to_rfc3339());
                talk.patient_id = Some(Some(p.id));
                services.consultations().create(ctx, *talk)?;
            }
            Step::Close(k, update) => {
                // Recording follow-ups may have moved the referral's version on.
                if let Some(Some(id)) = made.referrals.get(k).copied()
                    && let Some(r) = services.store().referral(demo.center.id, id)?
                {
                    services
                        .referrals()
                        .update(ctx, id, r.version.into(), *update)?;
                }
            }
        }
    }
    Ok((follow_ups, made))
}

/// The referral's open follow-up (at most one is open at a time in a demo story). Looked up
/// through the port rather than a use case: finding the id is not a read of the patient's
/// data by anyone, so it leaves no access event.
fn open_follow_up(
    services: &Services,
    demo: &DemoCenter,
    referral: Uuid,
    today: NaiveDate,
) -> Result<Option<(Uuid, i32)>, DomainError> {
    let filter = FollowUpFilter {
        state: FollowUpState::Open,
        assignee: None,
        referral_id: Some(referral),
        patient_id: None,
        today,
        due_before: None,
        due_within: None,
    };
    let page = services.store().follow_ups(
        demo.center.id,
        &filter,
        PageRequest {
            limit: 1,
            after: None,
            after_key: None,
            updated_since: None,
        },
    )?;
    Ok(page
        .items
        .first()
        .map(|v| (v.follow_up.id, v.follow_up.version)))
}

fn patient(rng: &mut StdRng, registered: NaiveDate) -> PatientInput {
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
    let (oldest, youngest) = if program == Program::Shoman {
        (19, 6)
    } else {
        (64, 18)
    };
    let birth = day_between(
        rng,
        registered - Duration::days(365 * oldest),
        registered - Duration::days(365 * youngest),
    );
    let munis = tsunagu_domain::master::municipalities_of("34");
    PatientInput {
        family_name: Some(family.into()),
        given_name: Some(given.into()),
        family_name_kana: Some(family_kana.into()),
        given_name_kana: Some(given_kana.into()),
        birth_date: Some(birth.to_string()),
        sex: Some(Some(sex.as_str().into())),
        prefecture_code: Some(Some("34".into())),
        municipality_code: Some((!munis.is_empty()).then(|| pick(rng, munis).code.clone())),
        phone: Some(Some(format!("090-0000-{:04}", rng.gen_range(0..10_000)))),
        email: Some(
            rng.gen_bool(0.3)
                .then(|| format!("demo{}@example.jp", rng.gen_range(0..1_000_000))),
        ),
        program: Some(program.as_str().into()),
        disease_number: Some((program == Program::Nanbyo).then(|| rng.gen_range(1..=348))),
        diagnosis: Some((program == Program::Shoman).then(|| "小児慢性特定疾病（デモ）".into())),
        employment_status: Some(
            weighted(
                rng,
                &[
                    (EmploymentStatus::Employed, 35),
                    (EmploymentStatus::OnLeave, 10),
                    (EmploymentStatus::JobSeeking, 20),
                    (EmploymentStatus::NotWorking, 30),
                    (EmploymentStatus::Student, 5),
                ],
            )
            .as_str()
            .into(),
        ),
        // The paper's figures for patients not working: 4.3%, 6.7%, 28.7%, 60.3%.
        support_awareness: Some(
            weighted(
                rng,
                &[
                    (SupportAwareness::Using, 43),
                    (SupportAwareness::UsedBefore, 67),
                    (SupportAwareness::AwareNotUsed, 287),
                    (SupportAwareness::Unaware, 603),
                ],
            )
            .as_str()
            .into(),
        ),
        // How they heard of the center: most from medical settings, some not asked.
        referral_source: Some(
            rng.gen_bool(0.85)
                .then(|| {
                    weighted(
                        rng,
                        &[
                            (ReferralSource::LeafletAtApplication, 25),
                            (ReferralSource::MedicalStaff, 20),
                            (ReferralSource::Msw, 12),
                            (ReferralSource::PosterDesignatedHospital, 8),
                            (ReferralSource::Homepage, 10),
                            (ReferralSource::FamilyFriend, 8),
                            (ReferralSource::PatientAssociation, 5),
                            (ReferralSource::CareManager, 3),
                            (ReferralSource::CommunitySupportCenter, 3),
                            (ReferralSource::Sns, 3),
                            (ReferralSource::Unknown, 3),
                        ],
                    )
                })
                .map(|s| s.as_str().into()),
        ),
        disability_certificate: Some(rng.gen_bool(0.3)),
        notes: Some(Some("デモデータ（架空の人物）".into())),
    }
}

fn consultation(rng: &mut StdRng, named: bool) -> ConsultationInput {
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
    let requester = if named {
        weighted(
            rng,
            &[
                (Requester::Patient, 7),
                (Requester::Family, 2),
                (Requester::Agency, 1),
            ],
        )
    } else {
        weighted(
            rng,
            &[
                (Requester::Patient, 5),
                (Requester::Family, 4),
                (Requester::Other, 1),
            ],
        )
    };
    ConsultationInput {
        patient_id: None,
        occurred_at: None,
        channel: Some(channel.as_str().into()),
        requester: Some(requester.as_str().into()),
        topics: Some(topics.iter().map(|t| t.as_str().to_owned()).collect()),
        duration_minutes: Some(Some(rng.gen_range(5..=90))),
        with_employment_supporter: Some(channel == Channel::Outreach || rng.gen_ratio(1, 12)),
        summary: Some(Some("デモデータ（架空の相談）".into())),
        shoman_menu: None,
        shoman_requester: None,
        consultant_id: None,
    }
}

fn follow_up_method(rng: &mut StdRng) -> FollowUpMethod {
    weighted(
        rng,
        &[
            (FollowUpMethod::Phone, 6),
            (FollowUpMethod::InPerson, 2),
            (FollowUpMethod::Visit, 1),
            (FollowUpMethod::Email, 1),
        ],
    )
}

fn contacted(rng: &mut StdRng) -> Contacted {
    weighted(
        rng,
        &[
            (Contacted::Patient, 6),
            (Contacted::Agency, 3),
            (Contacted::Employer, 1),
        ],
    )
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
