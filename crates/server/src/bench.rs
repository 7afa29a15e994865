//! `tsunagu bench search`: how fast the patient name search answers on the configured
//! database, with the n-gram index and, as the reference measured in the same run, with a
//! plain substring scan of the same folded names (what the query would cost without the
//! index). Run it after `tsunagu demo-data --patients 100000`.

use std::time::{Duration, Instant};
use tsunagu_domain::kana;
use tsunagu_domain::page::PageRequest;
use tsunagu_domain::ports::{PatientQuery, Store};
use tsunagu_store::DieselStore;
use uuid::Uuid;

/// Latency figures of one way of searching.
#[derive(Debug, Clone, Copy)]
pub struct Figures {
    pub p50: Duration,
    pub p95: Duration,
    pub mean: Duration,
}

fn figures(mut samples: Vec<Duration>) -> Figures {
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
            let query = PatientQuery {
                grams: if use_index {
                    kana::query_grams(&folded)
                } else {
                    Vec::new()
                },
                folded,
            };
            let t = Instant::now();
            store
                .patients(center, Some(&query), page.clone())
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
