//! `tsunagu demo-data`: a center full of clearly fictitious people and their cases across
//! three fiscal years, for a newcomer's first look and for volume tests (100k patients and
//! 2M consultations load in minutes on both databases).
//!
//! Everything is generated from a seed, so two runs with the same seed and size make the
//! same people. Names are common Japanese family and given names with correct readings,
//! combined at random: no real person is described, and every record says it is demo data.
//!
//! Every record is made through the same use cases as the API — the center, its staff and
//! agencies (`setup.rs`), then each patient's story (`cases.rs`), then the 自立支援員's 小慢
//! work with some of the 小慢 children (`shoman.rs`) — on a clock the generator
//! sets to the moment each step happens ([`clock::DemoClock`]), so demo data passes every
//! rule and leaves the audit trail the same work would. Commits are batched (see
//! [`tsunagu_store::Batch`]): a commit per record would make a demo center take minutes.

mod activities;
mod agency_links;
mod cases;
pub mod clock;
mod names;
mod peer_support;
mod regional;
mod regional_issues;
mod setup;
mod shoman;
mod supporter_sessions;

pub use activities::ActivityCounts;
pub use shoman::ShomanCounts;
pub use supporter_sessions::SupporterCounts;

use chrono::NaiveDate;
use clock::DemoClock;
use rand::SeedableRng;
use rand::rngs::StdRng;
use std::sync::Arc;
use std::time::Instant;
use tsunagu_domain::app::Services;
use tsunagu_domain::audit::AuditDraft;
use tsunagu_domain::clock::{Clock, tokyo_date};
use tsunagu_domain::events::Action;
use tsunagu_domain::values;
use tsunagu_store::DieselStore;

#[derive(Debug, Clone)]
pub struct DemoOptions {
    pub center_code: String,
    pub patients: usize,
    /// Consultations per named patient, on average (anonymous ones come on top, about 5%).
    pub consultations_per_patient: usize,
    /// Referrals per patient, on average (about one by default; 10 makes 1M referrals from
    /// 100k patients, the reports benchmark's volume).
    pub referrals_per_patient: usize,
    pub seed: u64,
}

impl Default for DemoOptions {
    fn default() -> Self {
        Self {
            center_code: "demo".into(),
            patients: 2_000,
            consultations_per_patient: 20,
            referrals_per_patient: 1,
            seed: 20_261_123,
        }
    }
}

impl DemoOptions {
    /// `--center CODE --patients N --consultations-per-patient N --seed N`.
    pub fn parse(args: &[&str]) -> Result<Self, String> {
        let mut o = Self::default();
        let mut it = args.iter();
        while let Some(flag) = it.next() {
            let value = it.next().ok_or_else(|| format!("{flag} needs a value"))?;
            let number = |v: &str| {
                v.replace('_', "")
                    .parse::<usize>()
                    .map_err(|_| format!("{flag}: not a number: {v}"))
            };
            match *flag {
                "--center" => o.center_code = (*value).to_owned(),
                "--patients" => o.patients = number(value)?,
                "--consultations-per-patient" => o.consultations_per_patient = number(value)?,
                "--referrals-per-patient" => o.referrals_per_patient = number(value)?,
                "--seed" => o.seed = number(value)? as u64,
                other => return Err(format!("unknown option {other}")),
            }
        }
        if o.patients == 0 || o.patients > 10_000_000 {
            return Err("--patients must be from 1 to 10,000,000".into());
        }
        Ok(o)
    }
}

/// What was made, for the summary line.
#[derive(Debug, Default, Clone, Copy)]
pub struct DemoCounts {
    pub patients: usize,
    pub consultations: usize,
    pub referrals: usize,
    pub follow_ups: usize,
    /// The supervisor's reviews of follow-up work, of which `returned` were
    /// returned for correction.
    pub reviews: usize,
    pub returned: usize,
    /// People registered twice (a second patient record of the same person).
    pub duplicates: usize,
    /// The 小慢 self-reliance support work (`shoman.rs`).
    pub shoman: ShomanCounts,
    /// Outreach, trainings and events (`activities.rs`).
    pub activities: ActivityCounts,
    /// The peer supporter's caseload and year (`peer_support.rs`).
    pub peer: peer_support::PeerCounts,
    /// One-time links for agencies and their answers (`agency_links.rs`).
    pub agency_links: agency_links::LinkCounts,
    /// 出張相談 sessions with the Hello Work 就職サポーター and their bookings
    /// (`supporter_sessions.rs`).
    pub supporter: SupporterCounts,
    /// The prefecture's regional issues (`regional_issues.rs`), on the run that registered it.
    pub regional_issues: usize,
    pub seconds: f64,
}

/// The demo center's sign-ins, printed once.
pub struct DemoStaff {
    pub logins: Vec<(String, &'static str)>,
    pub password: String,
}

/// Creates the demo center with its staff and agencies, then its cases, all through the
/// use cases the API calls, committed every [`COMMIT_EVERY`] patients.
pub fn generate(
    store: &DieselStore,
    clock: &dyn Clock,
    o: &DemoOptions,
    progress: &mut dyn FnMut(usize, usize),
) -> Result<(DemoCounts, DemoStaff), String> {
    let started = Instant::now();
    let err = |e: tsunagu_domain::DomainError| e.to_string();
    let now = clock.now();
    let today = tokyo_date(now);
    let code = values::center_code("--center", &o.center_code).map_err(|e| e.message)?;
    let mut rng = StdRng::seed_from_u64(o.seed);
    let (batched, mut batch) = store.batched().map_err(err)?;
    let demo_clock = Arc::new(DemoClock::new(now));
    let services = Services::new(Arc::new(batched), demo_clock.clone());
    let mut demo = setup::center_staff_agencies(&services, &code, &mut rng)?;
    // The prefecture the center reports to (its officer reads the aggregates).
    let (administration, first_run) =
        regional::administration(&services, &mut demo).map_err(err)?;
    batch.commit().map_err(err)?;

    // Three fiscal years: from 1 April two years before this one, to today. People are
    // registered in date order, so case numbers follow registration.
    let this_fy = values::fiscal_year(today);
    let start = NaiveDate::from_ymd_opt(this_fy - 2, 4, 1).unwrap_or(today);
    let mut registered: Vec<NaiveDate> = (0..o.patients)
        .map(|_| cases::day_between(&mut rng, start, today))
        .collect();
    registered.sort_unstable();
    let sizes = cases::Sizes {
        consultations_per_patient: o.consultations_per_patient,
        referrals_per_patient: o.referrals_per_patient,
    };
    let mut counts = DemoCounts::default();
    let mut shoman_children = Vec::new();
    for (i, day) in registered.into_iter().enumerate() {
        let made = cases::one_case(&mut rng, &services, &demo_clock, &demo, (day, today), sizes)
            .map_err(|e| format!("demo patient {}: {e}", i + 1))?;
        counts.patients += 1;
        counts.consultations += made.consultations;
        counts.referrals += made.referrals;
        counts.follow_ups += made.follow_ups;
        counts.reviews += made.reviews;
        counts.returned += made.returned;
        counts.duplicates += made.duplicates;
        shoman_children.extend(made.shoman);
        let last = counts.patients == o.patients;
        if counts.patients % COMMIT_EVERY == 0 || last {
            batch.commit().map_err(err)?;
        }
        if counts.patients % PROGRESS_EVERY == 0 || last {
            progress(counts.patients, o.patients);
        }
    }
    // Once every case exists, the 自立支援員's work with some of the 小慢 children, which
    // names several of them at once (a session's participants).
    counts.shoman = shoman::work(
        &mut rng,
        &services,
        &demo_clock,
        &demo,
        &shoman_children,
        today,
        &mut || batch.commit().map_err(err),
    )?;
    counts.activities = activities::work(
        &mut rng,
        &services,
        &demo_clock,
        &demo,
        &shoman_children,
        today,
    )
    .map_err(|e| format!("demo activities: {e}"))?;
    batch.commit().map_err(err)?;
    counts.peer = peer_support::work(&mut rng, &services, &demo_clock, &demo, today)
        .map_err(|e| format!("demo peer support: {e}"))?;
    batch.commit().map_err(err)?;
    counts.agency_links = agency_links::work(&mut rng, &services, &demo_clock, &demo, today)
        .map_err(|e| format!("demo agency links: {e}"))?;
    batch.commit().map_err(err)?;
    counts.supporter = supporter_sessions::work(&mut rng, &services, &demo_clock, &demo, today)
        .map_err(|e| format!("demo supporter sessions: {e}"))?;
    counts.consultations += counts.supporter.consultations;
    batch.commit().map_err(err)?;
    // The prefecture's register of regional issues, once, when this run registered it.
    if first_run {
        counts.regional_issues =
            regional_issues::work(&mut rng, &services, &demo_clock, &administration, today)
                .map_err(|e| format!("demo regional issues: {e}"))?;
        batch.commit().map_err(err)?;
    }
    demo_clock.set(now);
    let s = counts.shoman;
    let x = counts.activities;
    let done = AuditDraft::system(now, Action::DemoGenerate)
        .resource(demo.center.id)
        .center(Some(demo.center.id))
        .detail(format!(
            "patients={}; duplicates={}; consultations={}; referrals={}; follow_ups={}; \
             reviews={}; returned={}; support_plans={}; \
             plan_actions={}; liaison_contacts={}; projects={}; sessions={}; needs={}; \
             outreach={}; trainings={}; events={}; attendees={}; peer_assignments={}; \
             peer_consultations={}; agency_links={}; agency_confirmed={}; supporter_sessions={}; \
             supporter_bookings={}; regional_issues={}; seed={}",
            counts.patients,
            counts.duplicates,
            counts.consultations,
            counts.referrals,
            counts.follow_ups,
            counts.reviews,
            counts.returned,
            s.plans,
            s.actions,
            s.contacts,
            s.projects,
            s.sessions,
            s.needs,
            x.outreach,
            x.trainings,
            x.events,
            x.attendees,
            counts.peer.assignments,
            counts.peer.consultations,
            counts.agency_links.links,
            counts.agency_links.confirmed,
            counts.supporter.sessions,
            counts.supporter.bookings,
            counts.regional_issues,
            o.seed
        ));
    services.store().append_audit(&[done]).map_err(err)?;
    batch.commit().map_err(err)?;
    batch.finish().map_err(err)?;
    drop(services);
    store.analyze().map_err(err)?;
    counts.seconds = started.elapsed().as_secs_f64();
    Ok((counts, demo.staff))
}

/// Patients per commit: enough that commits cost little, few enough that the one row every
/// change of the center updates (its audit chain's head) does not pile up row versions inside one
/// PostgreSQL transaction, which made each update slower than the last (measured: 300
/// patients took 122 s in one transaction per 1,000 patients).
const COMMIT_EVERY: usize = 10;
const PROGRESS_EVERY: usize = 100;
