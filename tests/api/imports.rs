//! Moving a center's 台帳 in (`/imports`): a 5,000-row messy ledger in Shift_JIS (和暦 in
//! several spellings, half-width kana, a patient already registered, a row repeating
//! another, broken rows) gives the exact error report; the fixed file gives the exact
//! records and report figures; a second run creates nothing; a commit that fails half-way
//! leaves nothing; and only the center's supervisor reaches any of it.

use crate::db_tests;
use crate::helpers::{Db, Resp, TestApp, spawn};
use actix_web::http::Method;
use chrono::{Datelike, Duration, NaiveDate};
use serde_json::{Value, json};

const BOUNDARY: &str = "----tsunagu-import-test";

/// A `multipart/form-data` body, as a browser's form sends it.
fn form(kind: &str, file_name: &str, file: &[u8], mapping: Option<&Value>) -> Vec<u8> {
    let mut b = Vec::new();
    let mut text = |name: &str, value: &str| {
        b.extend_from_slice(
            format!(
                "--{BOUNDARY}\r\nContent-Disposition: form-data; name=\"{name}\"\r\n\r\n{value}\r\n"
            )
            .as_bytes(),
        );
    };
    text("kind", kind);
    if let Some(m) = mapping {
        text("mapping", &m.to_string());
    }
    b.extend_from_slice(
        format!("--{BOUNDARY}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"{file_name}\"\r\nContent-Type: text/csv\r\n\r\n")
            .as_bytes(),
    );
    b.extend_from_slice(file);
    b.extend_from_slice(format!("\r\n--{BOUNDARY}--\r\n").as_bytes());
    b
}

async fn upload(
    app: &TestApp,
    token: &str,
    kind: &str,
    name: &str,
    file: &[u8],
    mapping: Option<&Value>,
) -> Resp {
    let ct = format!("multipart/form-data; boundary={BOUNDARY}");
    app.request(
        Method::POST,
        "/api/v1/imports",
        Some(token),
        &[("content-type", ct.as_str())],
        Some(form(kind, name, file, mapping)),
    )
    .await
}

/// Polls the import until its background step is over (generously: CI machines are busy).
async fn settled(app: &TestApp, token: &str, id: &str) -> Value {
    let start = std::time::Instant::now();
    while start.elapsed() < std::time::Duration::from_secs(600) {
        let r = app
            .get(&format!("/api/v1/imports/{id}"), token)
            .await
            .expect(200);
        let state = r.body["state"].as_str().unwrap_or_default().to_owned();
        if !matches!(state.as_str(), "checking" | "committing") {
            return r.body;
        }
        actix_web::rt::time::sleep(std::time::Duration::from_millis(100)).await;
    }
    panic!("import {id} did not settle");
}

fn sjis(s: &str) -> Vec<u8> {
    let (bytes, _, unmappable) = encoding_rs::SHIFT_JIS.encode(s);
    assert!(!unmappable, "the test's ledger is not Shift_JIS-able");
    bytes.into_owned()
}

/// 和暦 as a 台帳 writes it, in one of three spellings.
fn wareki(d: NaiveDate, style: usize) -> String {
    let (era, letter, base) = if d >= NaiveDate::from_ymd_opt(2019, 5, 1).unwrap() {
        ("令和", "R", 2018)
    } else if d >= NaiveDate::from_ymd_opt(1989, 1, 8).unwrap() {
        ("平成", "H", 1988)
    } else {
        ("昭和", "S", 1925)
    };
    let y = d.year() - base;
    match style % 3 {
        0 => format!("{letter}{y}.{}.{}", d.month(), d.day()),
        1 => format!("{era}{y}年{}月{}日", d.month(), d.day()),
        // Full-width digits, as IME input often leaves them.
        _ => format!("{}/{}/{}", d.year(), d.month(), d.day())
            .chars()
            .map(|c| match c {
                '0'..='9' => char::from_u32(c as u32 - '0' as u32 + '０' as u32).unwrap(),
                '/' => '／',
                c => c,
            })
            .collect(),
    }
}

const FAMILY: [(&str, &str, &str); 6] = [
    ("山田", "ヤマダ", "ﾔﾏﾀﾞ"),
    ("佐藤", "サトウ", "ｻﾄｳ"),
    ("鈴木", "スズキ", "ｽｽﾞｷ"),
    ("髙橋", "タカハシ", "ﾀｶﾊｼ"),
    ("田中", "タナカ", "ﾀﾅｶ"),
    ("伊藤", "イトウ", "ｲﾄｳ"),
];
const GIVEN: [(&str, &str, &str); 5] = [
    ("太郎", "タロウ", "ﾀﾛｳ"),
    ("花子", "ハナコ", "ﾊﾅｺ"),
    ("一郎", "イチロウ", "ｲﾁﾛｳ"),
    ("美咲", "ミサキ", "ﾐｻｷ"),
    ("翔太", "ショウタ", "ｼｮｳﾀ"),
];
const WORK: [&str; 5] = ["就労中", "休職中", "求職中", "無職", "パート"];

/// Row `i`'s person: names, reading as written (katakana, half-width or hiragana), the
/// reading as stored, and the birth date.
fn person(i: usize) -> (String, String, String, NaiveDate) {
    let (f, fk, fh) = FAMILY[i % FAMILY.len()];
    let (g, gk, gh) = GIVEN[(i / FAMILY.len()) % GIVEN.len()];
    let written = match i % 3 {
        0 => format!("{fh} {gh}"),
        1 => format!("{fk}　{gk}"),
        _ => format!("{} {}", hiragana(fk), hiragana(gk)),
    };
    let birth = NaiveDate::from_ymd_opt(1950, 1, 1).unwrap() + Duration::days(i as i64 * 3);
    (format!("{f} {g}"), written, format!("{fk} {gk}"), birth)
}

fn hiragana(katakana: &str) -> String {
    katakana
        .chars()
        .map(|c| match c {
            'ァ'..='ヶ' => char::from_u32(c as u32 - 0x60).unwrap(),
            c => c,
        })
        .collect()
}

const ROWS: usize = 5000;
/// Rows 1..=3000 were registered in fiscal year 2023 (令和5年度), the rest in 2024.
const IN_2023: usize = 3000;

fn registered_on(i: usize) -> NaiveDate {
    if i <= IN_2023 {
        NaiveDate::from_ymd_opt(2023, 4, 1).unwrap() + Duration::days((i % 360) as i64)
    } else {
        NaiveDate::from_ymd_opt(2024, 4, 1).unwrap() + Duration::days((i % 360) as i64)
    }
}

/// The ledger as the center's Excel keeps it; `broken` puts the four mistakes in.
fn ledger(broken: bool) -> String {
    let mut out =
        String::from("相談者番号,氏名,フリガナ,生年月日,性別,電話番号,就労状況,登録日,備考\r\n");
    for i in 1..=ROWS {
        let (mut name, mut kana, _, mut birth) = person(i);
        if i == 20 {
            // The same person as row 19, under another number.
            let p = person(19);
            (name, kana, birth) = (p.0, p.1, p.3);
        }
        if i == 10 {
            // Registered already (see the test).
            (name, kana, birth) = (
                "山田 太郎".into(),
                "ﾔﾏﾀﾞ ﾀﾛｳ".into(),
                NaiveDate::from_ymd_opt(1975, 1, 2).unwrap(),
            );
        }
        let mut birth_text = wareki(birth, i);
        let mut sex = ["男", "女", ""][i % 3].to_owned();
        if broken {
            match i {
                100 => birth_text = "不明".into(),
                200 => sex = "？".into(),
                300 => name = name.replace(' ', ""),
                400 => kana = name.clone(),
                _ => {}
            }
        }
        let phone = if i % 5 == 0 {
            String::new()
        } else {
            format!("090-{:04}-{:04}", i / 10_000 + 1, i % 10_000)
        };
        let note = if i % 7 == 0 {
            format!("\"メモ, {i}\"")
        } else {
            String::new()
        };
        out.push_str(&format!(
            "P{i:05},{name},{kana},{birth_text},{sex},{phone},{},{},{note}\r\n",
            WORK[i % WORK.len()],
            wareki(registered_on(i), 0),
        ));
    }
    // Excel leaves empty lines below a table; they are not records.
    out.push_str(",,,,,,,,\r\n");
    out
}

fn patient_mapping() -> Value {
    json!({
        "columns": {
            "row_key": "相談者番号", "name": "氏名", "name_kana": "フリガナ",
            "birth_date": "生年月日", "sex": "性別", "phone": "電話番号",
            "employment_status": "就労状況", "registered_on": "登録日", "notes": "備考"
        },
        "values": {"employment_status": {"パート": "employed"}},
        "defaults": {"program": "nanbyo", "support_awareness": "unaware"}
    })
}

fn problems_of(body: &Value) -> Vec<(i64, String, String)> {
    body["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| {
            (
                p["row"].as_i64().unwrap(),
                p["column"].as_str().unwrap_or_default().to_owned(),
                p["code"].as_str().unwrap().to_owned(),
            )
        })
        .collect()
}

async fn patient_total(app: &TestApp, token: &str) -> i64 {
    app.get("/api/v1/patients?limit=1", token)
        .await
        .expect(200)
        .body["total"]
        .as_i64()
        .unwrap()
}

async fn a_messy_shift_jis_ledger_moves_in_exactly_once(db: Db) {
    let app = spawn(db).await;
    let center = app.center("imp").await;
    let (_, sup) = app.staff(&center, "imp.sup", "supervisor").await;
    let (_, consultant) = app.staff(&center, "imp.con", "consultant").await;
    // Someone the ledger also holds (row 10), registered before the move.
    let known = app
        .post(
            "/api/v1/patients",
            &consultant,
            json!({
                "family_name": "山田", "given_name": "太郎", "family_name_kana": "ヤマダ",
                "given_name_kana": "タロウ", "birth_date": "1975-01-02", "program": "nanbyo",
                "employment_status": "employed", "support_awareness": "using"
            }),
        )
        .await
        .expect(201)
        .id();

    // Only the supervisor imports.
    upload(
        &app,
        &consultant,
        "patients",
        "台帳.csv",
        &sjis(&ledger(false)),
        None,
    )
    .await
    .problem(403, "insufficient_role");

    // --- the messy file: the dry run's exact report --------------------------------------
    let mapping = patient_mapping();
    let r = upload(
        &app,
        &sup,
        "patients",
        "相談者台帳.csv",
        &sjis(&ledger(true)),
        Some(&mapping),
    )
    .await
    .expect(202);
    assert_eq!(r.body["encoding"], "shift_jis");
    assert_eq!(r.body["columns"][1], "氏名");
    let messy = r.id();
    assert!(r.header("location").unwrap().ends_with(&messy));
    let b = settled(&app, &sup, &messy).await;
    assert_eq!(b["state"], "checked", "{b}");
    assert_eq!(
        b["counts"],
        json!({"rows": 5000, "valid": 4996, "invalid": 4, "duplicates": 2,
               "already_imported": 0, "created": 0, "merged": 0, "skipped": 0})
    );
    assert_eq!(b["progress"], json!({"done": 5001, "total": 5001}));
    let p = app
        .get(&format!("/api/v1/imports/{messy}/problems"), &sup)
        .await
        .expect(200);
    assert_eq!(
        problems_of(&p.body),
        vec![
            (100, "生年月日".into(), "invalid_date".into()),
            (200, "性別".into(), "unknown_value".into()),
            (300, "氏名".into(), "name_not_split".into()),
            (400, "フリガナ".into(), "invalid_kana".into()),
        ]
    );
    assert!(
        p.body["items"][0]["message"]
            .as_str()
            .unwrap()
            .contains("日付")
    );
    assert_eq!(p.body["items"][1]["value"], "？");
    // Paging by cursor.
    let first = app
        .get(&format!("/api/v1/imports/{messy}/problems?limit=3"), &sup)
        .await
        .expect(200);
    let cursor = first.body["next_cursor"].as_str().unwrap().to_owned();
    let rest = app
        .get(
            &format!("/api/v1/imports/{messy}/problems?limit=3&cursor={cursor}"),
            &sup,
        )
        .await
        .expect(200);
    assert_eq!(
        problems_of(&rest.body),
        vec![(400, "フリガナ".into(), "invalid_kana".into())]
    );

    // The report: every row, with its errors beside it, the header first (so the fixed
    // sheet is a file the import reads again).
    let report = app
        .get(&format!("/api/v1/imports/{messy}/report"), &sup)
        .await
        .expect(200);
    {
        use calamine::Reader;
        let mut book = calamine::Xlsx::new(std::io::Cursor::new(report.raw.clone())).unwrap();
        let sheet = book.worksheet_range_at(0).unwrap().unwrap();
        let rows: Vec<Vec<String>> = sheet
            .rows()
            .map(|r| r.iter().map(|c| c.to_string()).collect())
            .collect();
        assert_eq!(&rows[0][..4], ["行", "エラー", "相談者番号", "氏名"]);
        assert_eq!(rows.len(), 5002, "header, 5,000 rows and the blank one");
        assert!(rows[100][1].starts_with("生年月日: "), "{:?}", rows[100]);
        assert_eq!(rows[100][2], "P00100");
        assert_eq!(rows[101][1], "");
    }

    // Duplicates: the registered patient (row 10) and row 19's person again (row 20).
    let d = app
        .get(&format!("/api/v1/imports/{messy}/duplicates"), &sup)
        .await
        .expect(200);
    let dups = d.body["items"].as_array().unwrap();
    assert_eq!(dups.len(), 2);
    assert_eq!(dups[0]["row"], 10);
    assert_eq!(dups[0]["candidates"][0]["patient_id"], known.as_str());
    assert_eq!(
        dups[0]["candidates"][0]["reasons"],
        json!(["same_reading_and_birth_date"])
    );
    assert_eq!(dups[1]["row"], 20);
    assert_eq!(dups[1]["candidates"][0]["row"], 19);
    assert_eq!(dups[1]["candidates"][0]["patient_id"], Value::Null);

    // Not while rows are broken, nor while duplicates are undecided.
    app.post(&format!("/api/v1/imports/{messy}/commit"), &sup, json!({}))
        .await
        .problem(422, "import_has_errors");
    app.post(
        &format!("/api/v1/imports/{messy}/commit"),
        &sup,
        json!({"skip_invalid": true}),
    )
    .await
    .problem(422, "duplicates_undecided");
    assert_eq!(
        patient_total(&app, &sup).await,
        1,
        "a dry run writes nothing"
    );

    // --- the fixed file: the mapping is the center's now ------------------------------------
    let fixed = sjis(&ledger(false));
    let r = upload(&app, &sup, "patients", "相談者台帳_修正.csv", &fixed, None)
        .await
        .expect(202);
    let id = r.id();
    assert_eq!(r.body["mapping"], mapping, "the center's saved mapping");
    let b = settled(&app, &sup, &id).await;
    assert_eq!(b["counts"]["invalid"], 0, "{b}");
    assert_eq!(b["counts"]["duplicates"], 2);
    // Merge needs to know whom; a row that is no duplicate cannot be decided.
    app.patch(
        &format!("/api/v1/imports/{id}"),
        &sup,
        None,
        json!({"decisions": [{"row": 11, "action": "skip"}]}),
    )
    .await
    .problem(422, "validation_failed");
    app.patch(
        &format!("/api/v1/imports/{id}"),
        &sup,
        None,
        json!({"decisions": [{"row": 20, "action": "merge"}]}),
    )
    .await
    .problem(422, "validation_failed");
    app.patch(
        &format!("/api/v1/imports/{id}"),
        &sup,
        None,
        json!({"decisions": [{"row": 10, "action": "merge", "patient_id": known}, {"row": 20, "action": "skip"}]}),
    )
    .await
    .expect(202);
    let r = app
        .post(&format!("/api/v1/imports/{id}/commit"), &sup, json!({}))
        .await
        .expect(202);
    assert_eq!(r.body["state"], "committing");
    let b = settled(&app, &sup, &id).await;
    assert_eq!(b["state"], "committed", "{b}");
    assert_eq!(b["counts"]["created"], 4998);
    assert_eq!(
        b["counts"]["rows"], 5000,
        "what the rows were stays beside what became of them"
    );
    assert_eq!(b["counts"]["merged"], 1);
    assert_eq!(b["counts"]["skipped"], 1);
    assert!(b["committed_at"].is_string());
    // 1 registered before + 4,998 new; row 10 is the known patient, row 20 was skipped.
    assert_eq!(patient_total(&app, &sup).await, 4999);

    // The records: names and readings as stored, 和暦 read, dated on their registration day.
    let found = app
        .get("/api/v1/patients?q=090-0001-0004", &sup)
        .await
        .expect(200);
    let p4 = &found.body["items"][0];
    let (name, _, kana, birth) = person(4);
    assert_eq!(
        format!(
            "{} {}",
            p4["family_name"].as_str().unwrap(),
            p4["given_name"].as_str().unwrap()
        ),
        name
    );
    assert_eq!(
        format!(
            "{} {}",
            p4["family_name_kana"].as_str().unwrap(),
            p4["given_name_kana"].as_str().unwrap()
        ),
        kana
    );
    assert_eq!(p4["birth_date"], birth.to_string());
    assert_eq!(
        p4["employment_status"], "employed",
        "「パート」 by the value mapping"
    );
    assert!(
        p4["case_number"].as_str().unwrap().starts_with("2023-"),
        "{p4}"
    );
    assert!(
        p4["created_at"]
            .as_str()
            .unwrap()
            .starts_with(&registered_on(4).to_string()),
        "{p4}"
    );

    // The report figures count them in the fiscal years they were registered in: patients
    // not working or seeking work, by fiscal year of registration.
    let seeking = |range: std::ops::RangeInclusive<usize>| {
        range
            .filter(|i| *i != 10 && *i != 20)
            .filter(|i| matches!(WORK[i % WORK.len()], "求職中" | "無職"))
            .count() as i64
    };
    for (fy, expected) in [
        (2023, seeking(1..=IN_2023)),
        (2024, seeking(IN_2023 + 1..=ROWS)),
    ] {
        let r = app
            .get(
                &format!("/api/v1/reports/support-awareness?fiscal_year={fy}"),
                &sup,
            )
            .await
            .expect(200);
        assert_eq!(
            r.body["total"].as_i64(),
            Some(expected),
            "FY{fy}: {}",
            r.body
        );
    }

    // --- the same file again creates nothing ------------------------------------------
    let again = upload(&app, &sup, "patients", "相談者台帳_修正.csv", &fixed, None)
        .await
        .expect(202)
        .id();
    let b = settled(&app, &sup, &again).await;
    assert_eq!(b["counts"]["already_imported"], 4999, "{b}");
    assert_eq!(
        b["counts"]["valid"], 1,
        "the skipped row is asked about again"
    );
    app.patch(
        &format!("/api/v1/imports/{again}"),
        &sup,
        None,
        json!({"decisions": [{"row": 20, "action": "skip"}]}),
    )
    .await
    .expect(202);
    app.post(&format!("/api/v1/imports/{again}/commit"), &sup, json!({}))
        .await
        .expect(202);
    let b = settled(&app, &sup, &again).await;
    assert_eq!(
        (b["state"].as_str(), b["counts"]["created"].as_i64()),
        (Some("committed"), Some(0))
    );
    assert_eq!(patient_total(&app, &sup).await, 4999);
    // The staged file is gone once committed.
    app.get(&format!("/api/v1/imports/{id}/report"), &sup)
        .await
        .problem(410, "import_file_deleted");

    // --- consultations, by the patients' numbers, count in their fiscal years ------------
    let mut csv = String::from("相談者番号,相談日,相談方法,相談者,相談内容,所要時間,担当者\n");
    for n in 1..=50usize {
        let day = if n <= 30 {
            NaiveDate::from_ymd_opt(2023, 6, 1).unwrap() + Duration::days(n as i64)
        } else {
            NaiveDate::from_ymd_opt(2024, 7, 1).unwrap() + Duration::days(n as i64)
        };
        let when = if n % 2 == 0 {
            format!("{} 14:30", day.format("%Y/%m/%d"))
        } else {
            wareki(day, n)
        };
        let channel = ["電話", "面談", "メール"][n % 3];
        let who = ["本人", "家族"][n % 2];
        csv.push_str(&format!(
            "P{:05},{when},{channel},{who},\"就労、病気・療養\",30分,imp.con\n",
            n + 100
        ));
    }
    let r = upload(
        &app,
        &sup,
        "consultations",
        "相談記録.csv",
        csv.as_bytes(),
        None,
    )
    .await
    .expect(202);
    assert_eq!(r.body["encoding"], "utf-8");
    assert_eq!(
        r.body["mapping"]["columns"]["patient_key"], "相談者番号",
        "guessed from the header"
    );
    let cid = r.id();
    let b = settled(&app, &sup, &cid).await;
    assert_eq!(b["counts"]["valid"], 50, "{b}");
    app.post(&format!("/api/v1/imports/{cid}/commit"), &sup, json!({}))
        .await
        .expect(202);
    let b = settled(&app, &sup, &cid).await;
    assert_eq!(b["counts"]["created"], 50, "{b}");
    for (fy, total, phone) in [(2023, 30, 10), (2024, 20, 6)] {
        let r = app
            .get(
                &format!("/api/v1/reports/consultations?fiscal_year={fy}"),
                &sup,
            )
            .await
            .expect(200);
        assert_eq!(r.body["total"].as_i64(), Some(total), "FY{fy}: {}", r.body);
        assert_eq!(
            r.body["by_channel"]["phone"].as_i64(),
            Some(phone),
            "FY{fy}"
        );
    }

    // --- the trail: one event per import step, one per record -----------------------------
    let events = app.audit_events();
    let request = format!("import:{id}");
    let created = events
        .iter()
        .filter(|e| e.action == "patient.create" && e.request_id == request)
        .count();
    assert_eq!(created, 4998);
    let commit = events
        .iter()
        .find(|e| e.action == "import.commit" && e.resource_id.as_deref() == Some(id.as_str()))
        .expect("the import's commit event");
    assert!(
        commit.detail.as_deref().unwrap().contains("created=4998"),
        "{commit:?}"
    );
    assert!(events.iter().any(|e| e.action == "import.report"));
    assert!(
        events
            .iter()
            .any(|e| e.action == "import.read" && e.resource_id.as_deref() == Some(messy.as_str()))
    );

    // --- another center's supervisor reaches none of it -----------------------------------
    let other = app.center("imq").await;
    let (_, other_sup) = app.staff(&other, "imq.sup", "supervisor").await;
    for path in [
        format!("/api/v1/imports/{id}"),
        format!("/api/v1/imports/{messy}/problems"),
        format!("/api/v1/imports/{messy}/duplicates"),
        format!("/api/v1/imports/{messy}/report"),
    ] {
        app.get(&path, &other_sup).await.problem(404, "not_found");
    }
    app.post(
        &format!("/api/v1/imports/{messy}/commit"),
        &other_sup,
        json!({}),
    )
    .await
    .problem(404, "not_found");
    let list = app.get("/api/v1/imports", &other_sup).await.expect(200);
    assert_eq!(list.body["items"], json!([]));
    let list = app.get("/api/v1/imports", &sup).await.expect(200);
    assert_eq!(list.body["items"].as_array().unwrap().len(), 4);
    assert_eq!(list.body["items"][0]["id"], cid.as_str(), "newest first");
}

async fn a_commit_that_fails_half_way_leaves_nothing(db: Db) {
    let app = spawn(db).await;
    let center = app.center("imf").await;
    let (_, sup) = app.staff(&center, "imf.sup", "supervisor").await;
    let (leaver, _) = app.staff(&center, "imf.leaver", "consultant").await;
    let mut csv = String::from("相談日,相談方法,相談者,相談内容,担当者\n");
    for n in 1..=40 {
        let who = if n == 35 { "imf.leaver" } else { "imf.sup" };
        let day = NaiveDate::from_ymd_opt(2024, 5, 1).unwrap() + Duration::days(n);
        csv.push_str(&format!(
            "{},電話,本人,就労,{who}\n",
            day.format("%Y/%m/%d")
        ));
    }
    let id = upload(
        &app,
        &sup,
        "consultations",
        "相談.csv",
        csv.as_bytes(),
        None,
    )
    .await
    .expect(202)
    .id();
    let b = settled(&app, &sup, &id).await;
    assert_eq!(b["counts"]["valid"], 40, "{b}");
    // Between the check and the commit, the consultant of row 35 leaves: the commit finds
    // that row invalid after writing 34, and must write none.
    let u = app
        .get(&format!("/api/v1/users/{leaver}"), &center.admin)
        .await
        .expect(200);
    app.patch(
        &format!("/api/v1/users/{leaver}"),
        &center.admin,
        Some(&u.etag()),
        json!({"active": false}),
    )
    .await
    .expect(200);
    app.post(&format!("/api/v1/imports/{id}/commit"), &sup, json!({}))
        .await
        .expect(202);
    let b = settled(&app, &sup, &id).await;
    assert_eq!(b["state"], "failed", "{b}");
    assert!(b["failure"].as_str().unwrap().contains("1行"), "{b}");
    let list = app
        .get("/api/v1/reports/consultations?fiscal_year=2024", &sup)
        .await
        .expect(200);
    assert_eq!(list.body["total"], 0, "nothing of the batch is left");
    assert!(
        !app.audit_events()
            .iter()
            .any(|e| e.action == "consultation.create"),
        "nor any event of it"
    );
    assert!(app.audit_events().iter().any(|e| e.action == "import.fail"));
    // Fixed by a re-check (the row is now reported) and committed without it.
    app.patch(
        &format!("/api/v1/imports/{id}"),
        &sup,
        None,
        json!({"mapping": b["mapping"].clone()}),
    )
    .await
    .expect(202);
    let b = settled(&app, &sup, &id).await;
    assert_eq!(
        (
            b["counts"]["valid"].as_i64(),
            b["counts"]["invalid"].as_i64()
        ),
        (Some(39), Some(1))
    );
    let p = app
        .get(&format!("/api/v1/imports/{id}/problems"), &sup)
        .await
        .expect(200);
    assert_eq!(
        problems_of(&p.body),
        vec![(35, "担当者".into(), "unknown_consultant".into())]
    );
    app.post(
        &format!("/api/v1/imports/{id}/commit"),
        &sup,
        json!({"skip_invalid": true}),
    )
    .await
    .expect(202);
    let b = settled(&app, &sup, &id).await;
    assert_eq!(
        (
            b["state"].as_str(),
            b["counts"]["created"].as_i64(),
            b["counts"]["skipped"].as_i64()
        ),
        (Some("committed"), Some(39), Some(1))
    );
}

async fn files_that_are_not_ledgers_are_refused_clearly(db: Db) {
    let app = spawn(db).await;
    let center = app.center("imr").await;
    let (_, sup) = app.staff(&center, "imr.sup", "supervisor").await;
    upload(
        &app,
        &sup,
        "patients",
        "x.csv",
        &[0x82, 0xA0, 0xFF, 0xFF],
        None,
    )
    .await
    .problem(422, "unreadable_file");
    upload(
        &app,
        &sup,
        "people",
        "x.csv",
        "氏名\n山田 太郎\n".as_bytes(),
        None,
    )
    .await
    .problem(422, "validation_failed");
    upload(
        &app,
        &sup,
        "referrals",
        "x.csv",
        "氏名\n山田 太郎\n".as_bytes(),
        None,
    )
    .await
    .problem(422, "kind_not_supported");
    let bad_mapping = json!({"columns": {"nmae": "氏名"}});
    upload(
        &app,
        &sup,
        "patients",
        "x.csv",
        "氏名\n山田 太郎\n".as_bytes(),
        Some(&bad_mapping),
    )
    .await
    .problem(422, "validation_failed");
    // A kind not imported yet has no fields (how a client knows not to offer it).
    let none = app
        .get("/api/v1/import-fields?kind=follow_ups", &sup)
        .await
        .expect(200);
    assert_eq!(none.body["items"], json!([]));
    let f = app
        .get("/api/v1/import-fields?kind=consultations", &sup)
        .await
        .expect(200);
    let channel = f.body["items"]
        .as_array()
        .unwrap()
        .iter()
        .find(|x| x["field"] == "channel")
        .unwrap()
        .clone();
    assert_eq!(channel["value_kind"], "code");
    assert_eq!(channel["codes"][1]["value"], "phone");
    assert_eq!(channel["codes"][1]["label"], "電話");
    // An .xlsx is read from its first sheet.
    let mut book = rust_xlsxwriter::Workbook::new();
    let ws = book.add_worksheet();
    for (c, h) in ["氏名", "フリガナ", "生年月日"].iter().enumerate() {
        ws.write_string(0, c as u16, *h).unwrap();
    }
    ws.write_string(1, 0, "佐藤 花子").unwrap();
    ws.write_string(1, 1, "さとう はなこ").unwrap();
    ws.write_string(1, 2, "H2.3.4").unwrap();
    let bytes = book.save_to_buffer().unwrap();
    let mapping = json!({"columns": {"name": "氏名", "name_kana": "フリガナ", "birth_date": "生年月日"},
                         "defaults": {"program": "nanbyo", "employment_status": "student", "support_awareness": "unaware"}});
    let r = upload(&app, &sup, "patients", "台帳.xlsx", &bytes, Some(&mapping))
        .await
        .expect(202);
    assert_eq!(r.body["encoding"], "xlsx");
    let b = settled(&app, &sup, &r.id()).await;
    assert_eq!(b["counts"]["valid"], 1, "{b}");
}

db_tests!(
    a_messy_shift_jis_ledger_moves_in_exactly_once,
    a_commit_that_fails_half_way_leaves_nothing,
    files_that_are_not_ledgers_are_refused_clearly,
);
