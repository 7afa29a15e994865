//! `tsunagu bench import`: moves a generated 台帳 of N patients (Shift_JIS CSV, 和暦 birth
//! dates, half-width kana, as a center's Excel holds it) into a center through the import's
//! use cases and worker steps, and prints how fast the dry run and the commit go (rows/s),
//! beside the same rows registered one by one through the API's use case (a commit each),
//! measured in the same run on the same database.
//!
//! Every run's rows have keys of their own, so it can be repeated; it writes into the
//! center it is given (use a benchmark database, not a live one).

use chrono::Datelike;
use std::time::Instant;
use tsunagu_domain::SystemClock;
use tsunagu_domain::app::{Ctx, Services};
use tsunagu_domain::cases::PatientInput;
use tsunagu_domain::entities::{Actor, RequestMeta};
use tsunagu_domain::exchange::import::{
    Decision, DuplicateAction, ImportMapping, ImportState, Revision, Upload,
};
use tsunagu_domain::page::PageRequest;
use tsunagu_domain::ports::Scope;
use tsunagu_domain::ports::prelude::*;
use tsunagu_domain::values::Role;
use uuid::Uuid;

const FAMILY: [(&str, &str); 10] = [
    ("山田", "ﾔﾏﾀﾞ"),
    ("佐藤", "ｻﾄｳ"),
    ("鈴木", "ｽｽﾞｷ"),
    ("高橋", "ﾀｶﾊｼ"),
    ("田中", "ﾀﾅｶ"),
    ("伊藤", "ｲﾄｳ"),
    ("渡辺", "ﾜﾀﾅﾍﾞ"),
    ("中村", "ﾅｶﾑﾗ"),
    ("小林", "ｺﾊﾞﾔｼ"),
    ("加藤", "ｶﾄｳ"),
];
const GIVEN: [(&str, &str); 10] = [
    ("太郎", "ﾀﾛｳ"),
    ("花子", "ﾊﾅｺ"),
    ("一郎", "ｲﾁﾛｳ"),
    ("美咲", "ﾐｻｷ"),
    ("翔太", "ｼｮｳﾀ"),
    ("陽子", "ﾖｳｺ"),
    ("健", "ｹﾝ"),
    ("愛", "ｱｲ"),
    ("大輔", "ﾀﾞｲｽｹ"),
    ("由美", "ﾕﾐ"),
];

/// The ledger: row `i` is a person no other row is (reading and birth date differ).
fn ledger(run: &str, rows: usize) -> Vec<u8> {
    let mut s = String::from("相談者番号,氏名,フリガナ,生年月日,性別,就労状況,登録日\r\n");
    let base = chrono::NaiveDate::from_ymd_opt(1935, 1, 1).unwrap_or_default();
    for i in 0..rows {
        let (f, fk) = FAMILY[i % 10];
        let (g, gk) = GIVEN[(i / 10) % 10];
        let birth = base + chrono::Duration::days(i64::try_from(i / 100).unwrap_or(0));
        // 昭和 to 平成 turned on 1989-01-08; these births end in the 1960s.
        let birth_text = format!("S{}.{}.{}", birth.year() - 1925, birth.month(), birth.day());
        s.push_str(&format!(
            "{run}-{i},{f} {g},{fk} {gk},{birth_text},{},{},R5.4.{}\r\n",
            ["男", "女"][i % 2],
            ["就労中", "求職中", "無職"][i % 3],
            i % 28 + 1
        ));
    }
    encoding_rs::SHIFT_JIS.encode(&s).0.into_owned()
}

fn mapping() -> ImportMapping {
    let mut m = ImportMapping::default();
    for (f, c) in [
        ("row_key", "相談者番号"),
        ("name", "氏名"),
        ("name_kana", "フリガナ"),
        ("birth_date", "生年月日"),
        ("sex", "性別"),
        ("employment_status", "就労状況"),
        ("registered_on", "登録日"),
    ] {
        m.columns.insert(f.into(), c.into());
    }
    m.defaults.insert("program".into(), "nanbyo".into());
    m.defaults
        .insert("support_awareness".into(), "unaware".into());
    m
}

/// Runs the waiting steps until the import is out of `state`.
fn drive(s: &Services, ctx: &Ctx, id: Uuid, state: ImportState) -> Result<ImportState, String> {
    loop {
        s.imports().work_once().map_err(|e| e.to_string())?;
        let i = s.imports().get(ctx, id).map_err(|e| e.to_string())?;
        if i.state != state {
            return Ok(i.state);
        }
    }
}

pub fn run(cfg: &crate::Config, code: &str, rows: usize) -> Result<(), String> {
    let store = crate::open_store(cfg)?;
    let center = store
        .center_by_code(code)
        .map_err(|e| e.to_string())?
        .ok_or_else(|| format!("no center with code {code}"))?;
    let users = store
        .users(
            Scope::Center(center.id),
            PageRequest {
                limit: 200,
                after: None,
                after_key: None,
                updated_since: None,
            },
        )
        .map_err(|e| e.to_string())?;
    let sup = users
        .items
        .into_iter()
        .find(|u| u.active && u.role == Role::Supervisor)
        .ok_or("the center has no active supervisor")?;
    let services = Services::new(std::sync::Arc::new(store), std::sync::Arc::new(SystemClock));
    let ctx = Ctx {
        actor: Actor {
            user_id: sup.id,
            session_id: Uuid::nil(),
            role: Role::Supervisor,
            center_id: Some(center.id),
            administration_id: None,
            login: sup.login.clone(),
            display_name: sup.display_name.clone(),
            totp_enabled: false,
            must_enroll_totp: false,
            must_change_password: false,
            scopes: None,
        },
        meta: RequestMeta {
            request_id: "bench-import".into(),
            source: None,
            idempotency: None,
        },
    };
    let run = Uuid::now_v7().simple().to_string()[..8].to_owned();
    let file = ledger(&run, rows);
    println!(
        "import of {rows} patient rows ({:.1} MB Shift_JIS CSV) into {code}",
        file.len() as f64 / 1e6
    );

    let t = Instant::now();
    let i = services
        .imports()
        .start(
            &ctx,
            Upload {
                kind: "patients".into(),
                file_name: format!("bench-{run}.csv"),
                bytes: file,
                mapping: Some(mapping()),
            },
        )
        .map_err(|e| format!("{e:?}"))?;
    let upload = t.elapsed();
    let t = Instant::now();
    drive(&services, &ctx, i.id, ImportState::Checking)?;
    let check = t.elapsed();
    let checked = services
        .imports()
        .get(&ctx, i.id)
        .map_err(|e| e.to_string())?;
    if checked.counts.invalid > 0 {
        return Err(format!(
            "{} rows invalid: {:?}",
            checked.counts.invalid, checked.counts
        ));
    }
    if checked.counts.duplicates > 0 {
        // People of the center's earlier data with the same reading and birth date.
        let dups = services
            .imports()
            .duplicates(&ctx, i.id, None, i64::MAX)
            .map_err(|e| e.to_string())?;
        let decisions = dups
            .items
            .iter()
            .map(|d| Decision {
                row: d.row,
                action: DuplicateAction::Create,
                patient_id: None,
            })
            .collect();
        services
            .imports()
            .revise(
                &ctx,
                i.id,
                Revision {
                    mapping: None,
                    decisions,
                },
            )
            .map_err(|e| e.to_string())?;
    }
    services
        .imports()
        .commit(&ctx, i.id, false)
        .map_err(|e| format!("{e:?}"))?;
    let t = Instant::now();
    let end = drive(&services, &ctx, i.id, ImportState::Committing)?;
    let commit = t.elapsed();
    let done = services
        .imports()
        .get(&ctx, i.id)
        .map_err(|e| e.to_string())?;
    if end != ImportState::Committed {
        return Err(format!(
            "the commit ended {}: {:?}",
            end.as_str(),
            done.failure
        ));
    }
    let rate = |d: std::time::Duration| rows as f64 / d.as_secs_f64().max(1e-9);
    println!(
        "  upload (read, seal, store)  {:>8.2} s",
        upload.as_secs_f64()
    );
    println!(
        "  dry run                     {:>8.2} s  {:>8.0} rows/s",
        check.as_secs_f64(),
        rate(check)
    );
    println!(
        "  commit (one transaction)    {:>8.2} s  {:>8.0} rows/s  ({} created)",
        commit.as_secs_f64(),
        rate(commit),
        done.counts.created
    );

    // The reference: the same kind of rows registered one by one through the API's use case.
    let sample = rows.clamp(1, 1000);
    let t = Instant::now();
    for n in 0..sample {
        let input = PatientInput {
            family_name: Some("参照".into()),
            given_name: Some(format!("{run}{n}")),
            family_name_kana: Some("サンショウ".into()),
            given_name_kana: Some("テスト".into()),
            birth_date: Some("1980-01-01".into()),
            program: Some("nanbyo".into()),
            employment_status: Some("employed".into()),
            support_awareness: Some("unaware".into()),
            ..PatientInput::default()
        };
        services
            .patients()
            .create(&ctx, input)
            .map_err(|e| format!("{e:?}"))?;
    }
    let single = t.elapsed();
    println!(
        "  reference: {sample} patients.create, a commit each  {:>8.0} rows/s  (commit of the import: {:.1}x)",
        sample as f64 / single.as_secs_f64().max(1e-9),
        rate(commit) / (sample as f64 / single.as_secs_f64().max(1e-9))
    );
    Ok(())
}
