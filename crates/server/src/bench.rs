//! Benchmarks that print figures, each against a reference measured in the same run:
//! - `tsunagu bench search`: the patient name search with the n-gram index, and a plain
//!   substring scan of the same folded names (what the query would cost without the index);
//! - `tsunagu bench reports`: every report through the use cases;
//! - `tsunagu bench reads`: reads of a patient, each answered only once its access event is
//!   stored (group commit), against a commit per read and against reads that log nothing.
//!
//! Run them after `tsunagu demo-data`.

use std::sync::Arc;
use std::time::{Duration, Instant};
use tsunagu_domain::SystemClock;
use tsunagu_domain::app::{Ctx, Services};
use tsunagu_domain::audit::AuditDraft;
use tsunagu_domain::entities::{Actor, RequestMeta};
use tsunagu_domain::events::Action;
use tsunagu_domain::kana;
use tsunagu_domain::page::PageRequest;
use tsunagu_domain::ports::PatientQuery;
use tsunagu_domain::ports::prelude::*;
use tsunagu_domain::reports::Period;
use tsunagu_domain::values::Role;
use tsunagu_store::DieselStore;
use uuid::Uuid;

/// Someone acting in a benchmark.
fn actor(role: Role, center_id: Option<Uuid>) -> Ctx {
    Ctx {
        actor: Actor {
            user_id: Uuid::now_v7(),
            session_id: Uuid::now_v7(),
            role,
            center_id,
            administration_id: None,
            login: "bench".into(),
            display_name: "bench".into(),
            totp_enabled: false,
            must_enroll_totp: false,
            must_change_password: false,
            scopes: None,
        },
        meta: RequestMeta {
            request_id: "bench".into(),
            source: None,
            idempotency: None,
        },
    }
}

/// Latency figures of one way of searching.
#[derive(Debug, Clone, Copy)]
pub struct Figures {
    pub p50: Duration,
    pub p95: Duration,
    pub mean: Duration,
}

pub(crate) fn figures(mut samples: Vec<Duration>) -> Figures {
    samples.sort();
    let at = |q: f64| {
        let i = ((samples.len() as f64 - 1.0) * q).round() as usize;
        samples.get(i).copied().unwrap_or_default()
    };
    let total: Duration = samples.iter().sum();
    Figures {
        p50: at(0.5),
        p95: at(0.95),
        mean: total / u32::try_from(samples.len().max(1)).unwrap_or(1),
    }
}

pub struct SearchBench {
    pub patients: i64,
    pub queries: usize,
    pub indexed: Figures,
    pub scan: Figures,
}

/// Searches `center` with queries taken from its own patients' names and readings (whole
/// family names, two-character pieces, half-width and hiragana forms).
pub fn search(store: &DieselStore, center: Uuid, rounds: usize) -> Result<SearchBench, String> {
    let patients = store.count_patients(center).map_err(|e| e.to_string())?;
    if patients == 0 {
        return Err("the center has no patients; run `tsunagu demo-data` first".into());
    }
    let sample = store
        .patients(
            center,
            None,
            None,
            &Default::default(),
            PageRequest {
                limit: 200,
                ..PageRequest::default()
            },
        )
        .map_err(|e| e.to_string())?
        .items;
    let mut queries = Vec::new();
    for p in sample.iter().take(rounds.max(1)) {
        queries.push(p.family_name.clone());
        queries.push(to_hiragana(&p.given_name_kana));
        let reading: Vec<char> = p.family_name_kana.chars().collect();
        queries.push(reading.iter().take(2).collect());
        queries.push(format!("{}{}", p.family_name, p.given_name));
    }
    let page = PageRequest {
        limit: 50,
        ..PageRequest::default()
    };
    let run = |use_index: bool| -> Result<Vec<Duration>, String> {
        let mut out = Vec::with_capacity(queries.len());
        for q in &queries {
            let folded = kana::fold(q);
            let query = PatientQuery::Name {
                grams: if use_index {
                    kana::query_grams(&folded)
                } else {
                    Vec::new()
                },
                folded,
            };
            let t = Instant::now();
            store
                .patients(
                    center,
                    None,
                    Some(&query),
                    &Default::default(),
                    page.clone(),
                )
                .map_err(|e| e.to_string())?;
            out.push(t.elapsed());
        }
        Ok(out)
    };
    // Warm both paths once so that neither pays for a cold cache alone.
    run(true)?;
    run(false)?;
    let indexed = figures(run(true)?);
    let scan = figures(run(false)?);
    Ok(SearchBench {
        patients,
        queries: queries.len(),
        indexed,
        scan,
    })
}

fn to_hiragana(s: &str) -> String {
    s.chars()
        .map(|c| match c {
            'ァ'..='ヶ' => char::from_u32(c as u32 - 0x60).unwrap_or(c),
            _ => c,
        })
        .collect()
}

/// One report's median time for a center and across all centers.
pub struct ReportTiming {
    pub name: &'static str,
    pub center: Duration,
    pub across: Duration,
}

fn median(mut xs: Vec<Duration>) -> Duration {
    xs.sort();
    xs.get(xs.len() / 2).copied().unwrap_or_default()
}

/// Times each report for the last full fiscal year through the use cases, as the API runs
/// them (role checks, rollups, access log), for a supervisor of `center` and for the system
/// administrator across centers.
pub fn reports(store: DieselStore, center: Uuid, runs: usize) -> Result<Vec<ReportTiming>, String> {
    let services = Services::new(Arc::new(store), Arc::new(SystemClock));
    let sup = actor(Role::Supervisor, Some(center));
    let admin = actor(Role::SystemAdmin, None);
    let today = tsunagu_domain::clock::tokyo_date(chrono::Utc::now());
    let year = tsunagu_domain::values::fiscal_year(today) - 1;
    let p = Period::fiscal_year(year).ok_or("no fiscal year")?;
    type Run = fn(&Services, &Ctx, &Period) -> Result<(), tsunagu_domain::DomainError>;
    let all: [(&'static str, Run); 5] = [
        ("referral-levels", |s, c, p| {
            s.reports()
                .referral_levels(c, p, Default::default())
                .map(drop)
        }),
        ("cooperation-counts", |s, c, p| {
            s.reports()
                .cooperation_counts(c, p, Default::default())
                .map(drop)
        }),
        ("consultations", |s, c, p| {
            s.reports()
                .consultations(c, p, Default::default())
                .map(drop)
        }),
        ("employment-outcomes", |s, c, p| {
            s.reports()
                .employment_outcomes(c, p, Default::default())
                .map(drop)
        }),
        ("support-awareness", |s, c, p| {
            s.reports()
                .support_awareness(c, p, Default::default())
                .map(drop)
        }),
    ];
    let mut out = Vec::new();
    for (name, run) in all {
        let time = |ctx: &Ctx| -> Result<Duration, String> {
            run(&services, ctx, &p).map_err(|e| e.to_string())?;
            let mut xs = Vec::with_capacity(runs);
            for _ in 0..runs {
                let t = Instant::now();
                run(&services, ctx, &p).map_err(|e| e.to_string())?;
                xs.push(t.elapsed());
            }
            Ok(median(xs))
        };
        let center = time(&sup)?;
        let across = time(&admin)?;
        out.push(ReportTiming {
            name,
            center,
            across,
        });
    }
    services.flush_access_log(Duration::from_secs(10));
    Ok(out)
}

/// Reads per second of one way of reading.
pub struct ReadsBench {
    pub threads: usize,
    pub reads: usize,
    /// Through the use case: each answer waits for its access event, many events per commit.
    pub grouped: f64,
    /// Reference: each read appends its own event in its own commit before it answers.
    pub one_by_one: f64,
    /// Reference: the same reads with no access event at all (what logging costs).
    pub unlogged: f64,
}

/// `threads` readers each read `per_thread` of the center's patients, three ways.
pub fn reads(
    store: DieselStore,
    center: Uuid,
    threads: usize,
    per_thread: usize,
) -> Result<ReadsBench, String> {
    let ids: Vec<Uuid> = store
        .patients(
            center,
            None,
            None,
            &Default::default(),
            PageRequest {
                limit: 200,
                ..PageRequest::default()
            },
        )
        .map_err(|e| e.to_string())?
        .items
        .iter()
        .map(|p| p.id)
        .collect();
    if ids.is_empty() {
        return Err("the center has no patients; run `tsunagu demo-data` first".into());
    }
    let services = Services::new(Arc::new(store.clone()), Arc::new(SystemClock));
    let ctx = actor(Role::Consultant, Some(center));
    let read = |how: u8, id: Uuid| -> Result<(), tsunagu_domain::DomainError> {
        match how {
            0 => services.patients().get(&ctx, id).map(drop),
            1 => {
                store.patient(center, id)?;
                let ev = AuditDraft::by_actor(
                    &ctx.actor,
                    &ctx.meta,
                    chrono::Utc::now(),
                    Action::PatientRead,
                )
                .resource(id)
                .patient(id);
                store.append_audit(&[ev])
            }
            _ => store.patient(center, id).map(drop),
        }
    };
    let run = |how: u8| -> Result<f64, String> {
        let started = Instant::now();
        std::thread::scope(|s| {
            let workers: Vec<_> = (0..threads)
                .map(|t| {
                    let (ids, read) = (&ids, &read);
                    s.spawn(move || {
                        for i in 0..per_thread {
                            read(how, ids[(t * per_thread + i) % ids.len()])?;
                        }
                        Ok::<(), tsunagu_domain::DomainError>(())
                    })
                })
                .collect();
            for w in workers {
                w.join()
                    .map_err(|_| "a reader panicked".to_owned())?
                    .map_err(|e| e.to_string())?;
            }
            Ok::<(), String>(())
        })?;
        Ok((threads * per_thread) as f64 / started.elapsed().as_secs_f64())
    };
    // Warm the caches once for all three.
    run(2)?;
    let grouped = run(0)?;
    let one_by_one = run(1)?;
    let unlogged = run(2)?;
    Ok(ReadsBench {
        threads,
        reads: threads * per_thread,
        grouped,
        one_by_one,
        unlogged,
    })
}

/// Resident memory of a process in KiB: (now, peak so far).
pub fn memory(pid: u32) -> Result<(u64, u64), String> {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status"))
        .map_err(|e| format!("cannot read /proc/{pid}/status: {e}"))?;
    let field = |name: &str| {
        status
            .lines()
            .find_map(|l| l.strip_prefix(name))
            .and_then(|v| v.trim().trim_end_matches("kB").trim().parse::<u64>().ok())
            .unwrap_or(0)
    };
    Ok((field("VmRSS:"), field("VmHWM:")))
}
