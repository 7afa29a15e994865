//! `tsunagu demo-data`: a center full of clearly fictitious people and their cases across
//! three fiscal years, for a newcomer's first look and for volume tests (100k patients and
//! 2M consultations load in minutes on both databases).
//!
//! Everything is generated from a seed, so two runs with the same seed and size make the
//! same people. Names are common Japanese family and given names with correct readings,
//! combined at random: no real person is described, and every record says it is demo data.
//!
//! The center, its staff and its agencies are made through the same use cases as the API
//! (`setup.rs`), on a clock the generator sets ([`clock::DemoClock`]).

mod cases;
pub mod clock;
mod names;
mod setup;

use chrono::NaiveDate;
use rand::SeedableRng;
use rand::rngs::StdRng;
use std::time::Instant;
use tsunagu_domain::audit::AuditDraft;
use tsunagu_domain::clock::{Clock, tokyo_date};
use tsunagu_domain::events::Action;
use tsunagu_domain::values;
use tsunagu_store::DieselStore;
use tsunagu_store::bulk::CaseBatch;

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
    pub seconds: f64,
}

/// The demo center's sign-ins, printed once.
pub struct DemoStaff {
    pub logins: Vec<(String, &'static str)>,
    pub password: String,
}

/// Creates the demo center with its staff and agencies, then its cases in batches.
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
    let demo = setup::center_staff_agencies(store, now, &code, &mut rng)?;
    let (center, workers, agencies) = (&demo.center, &demo.workers, &demo.agencies);
    let sys = |action: Action, id: uuid::Uuid| {
        AuditDraft::system(now, action)
            .resource(id)
            .center(Some(center.id))
    };

    // --- the cases ---------------------------------------------------------------------
    // Three fiscal years: from 1 April two years before this one, to today.
    let this_fy = values::fiscal_year(today);
    let start = NaiveDate::from_ymd_opt(this_fy - 2, 4, 1).unwrap_or(today);
    let mut counters: std::collections::BTreeMap<i32, i32> = Default::default();
    let mut counts = DemoCounts::default();
    const BATCH: usize = 1_000;
    let mut done = 0;
    while done < o.patients {
        let n = BATCH.min(o.patients - done);
        let mut b = CaseBatch::default();
        for _ in 0..n {
            cases::one_case(
                &mut rng,
                &mut b,
                center,
                workers,
                agencies,
                (start, today),
                (o.consultations_per_patient, o.referrals_per_patient),
                &mut counters,
            );
        }
        counts.patients += b.patients.len();
        counts.consultations += b.consultations.len();
        counts.referrals += b.referrals.len();
        counts.follow_ups += b.follow_ups.len();
        let rows: Vec<_> = counters
            .iter()
            .map(|(y, last)| (center.id.to_string(), *y, *last))
            .collect();
        done += n;
        let audit = if done == o.patients {
            vec![sys(Action::DemoGenerate, center.id).detail(format!(
                "patients={}; consultations={}; referrals={}; follow_ups={}; seed={}",
                counts.patients, counts.consultations, counts.referrals, counts.follow_ups, o.seed
            ))]
        } else {
            Vec::new()
        };
        store.bulk_insert(&b, &rows, &audit).map_err(err)?;
        progress(done, o.patients);
    }
    store.analyze().map_err(err)?;
    counts.seconds = started.elapsed().as_secs_f64();
    Ok((counts, demo.staff))
}
