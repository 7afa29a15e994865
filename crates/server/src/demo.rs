//! `tsunagu demo-data`: a center full of clearly fictitious people and their cases across
//! three fiscal years, for a newcomer's first look and for volume tests (100k patients and
//! 2M consultations load in minutes on both databases).
//!
//! Everything is generated from a seed, so two runs with the same seed and size make the
//! same people. Names are common Japanese family and given names with correct readings,
//! combined at random: no real person is described, and every record says it is demo data.

use chrono::{DateTime, Duration, NaiveDate, TimeZone, Utc};
use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};
use std::time::Instant;
use tsunagu_domain::audit::AuditDraft;
use tsunagu_domain::auth;
use tsunagu_domain::cases::format_case_number;
use tsunagu_domain::clock::{Clock, tokyo, tokyo_date};
use tsunagu_domain::entities::{
    Agency, Center, Consent, Consultation, FollowUp, LevelChange, Patient, Provision, Referral,
    User,
};
use tsunagu_domain::events::Action;
use tsunagu_domain::ports::prelude::*;
use tsunagu_domain::values::{
    self, AgencyType, CaseOutcome, Channel, ConsentScope, Contacted, EmploymentStatus,
    FollowUpMethod, Level, OperatingType, Program, Purpose, ReferralStatus, Requester, Role, Sex,
    SharedItem, SupportAwareness, Topic,
};
use tsunagu_store::DieselStore;
use tsunagu_store::bulk::CaseBatch;
use uuid::Uuid;

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

const FAMILY: &[(&str, &str)] = &[
    ("佐藤", "サトウ"),
    ("鈴木", "スズキ"),
    ("高橋", "タカハシ"),
    ("田中", "タナカ"),
    ("伊藤", "イトウ"),
    ("渡辺", "ワタナベ"),
    ("山本", "ヤマモト"),
    ("中村", "ナカムラ"),
    ("小林", "コバヤシ"),
    ("加藤", "カトウ"),
    ("吉田", "ヨシダ"),
    ("山田", "ヤマダ"),
    ("佐々木", "ササキ"),
    ("山口", "ヤマグチ"),
    ("松本", "マツモト"),
    ("井上", "イノウエ"),
    ("木村", "キムラ"),
    ("林", "ハヤシ"),
    ("斎藤", "サイトウ"),
    ("清水", "シミズ"),
    ("山崎", "ヤマザキ"),
    ("森", "モリ"),
    ("池田", "イケダ"),
    ("橋本", "ハシモト"),
    ("阿部", "アベ"),
    ("石川", "イシカワ"),
    ("山下", "ヤマシタ"),
    ("中島", "ナカジマ"),
    ("石井", "イシイ"),
    ("小川", "オガワ"),
    ("前田", "マエダ"),
    ("岡田", "オカダ"),
    ("長谷川", "ハセガワ"),
    ("藤田", "フジタ"),
    ("後藤", "ゴトウ"),
    ("近藤", "コンドウ"),
    ("村上", "ムラカミ"),
    ("遠藤", "エンドウ"),
    ("青木", "アオキ"),
    ("坂本", "サカモト"),
    ("藤井", "フジイ"),
    ("西村", "ニシムラ"),
    ("福田", "フクダ"),
    ("太田", "オオタ"),
    ("三浦", "ミウラ"),
    ("藤原", "フジワラ"),
    ("岡本", "オカモト"),
    ("松田", "マツダ"),
    ("中川", "ナカガワ"),
    ("中野", "ナカノ"),
    ("原田", "ハラダ"),
    ("小野", "オノ"),
    ("田村", "タムラ"),
    ("竹内", "タケウチ"),
    ("金子", "カネコ"),
    ("和田", "ワダ"),
    ("中山", "ナカヤマ"),
    ("石田", "イシダ"),
    ("上田", "ウエダ"),
    ("森田", "モリタ"),
    ("原", "ハラ"),
    ("柴田", "シバタ"),
    ("酒井", "サカイ"),
    ("工藤", "クドウ"),
    ("横山", "ヨコヤマ"),
    ("宮崎", "ミヤザキ"),
    ("宮本", "ミヤモト"),
    ("内田", "ウチダ"),
    ("高木", "タカギ"),
    ("安藤", "アンドウ"),
    ("島田", "シマダ"),
    ("谷口", "タニグチ"),
    ("大野", "オオノ"),
    ("高田", "タカダ"),
    ("丸山", "マルヤマ"),
    ("今井", "イマイ"),
    ("河野", "コウノ"),
    ("藤本", "フジモト"),
    ("村田", "ムラタ"),
    ("武田", "タケダ"),
    ("上野", "ウエノ"),
    ("杉山", "スギヤマ"),
    ("増田", "マスダ"),
    ("平野", "ヒラノ"),
    ("大塚", "オオツカ"),
    ("千葉", "チバ"),
    ("久保", "クボ"),
    ("松井", "マツイ"),
    ("小島", "コジマ"),
    ("岩崎", "イワサキ"),
    ("桜井", "サクライ"),
    ("野口", "ノグチ"),
    ("松尾", "マツオ"),
    ("野村", "ノムラ"),
    ("木下", "キノシタ"),
    ("菊地", "キクチ"),
];

const GIVEN_FEMALE: &[(&str, &str)] = &[
    ("花子", "ハナコ"),
    ("陽子", "ヨウコ"),
    ("恵子", "ケイコ"),
    ("京子", "キョウコ"),
    ("美穂", "ミホ"),
    ("由美", "ユミ"),
    ("真由美", "マユミ"),
    ("直美", "ナオミ"),
    ("智子", "トモコ"),
    ("裕子", "ユウコ"),
    ("久美子", "クミコ"),
    ("明美", "アケミ"),
    ("愛", "アイ"),
    ("彩", "アヤ"),
    ("美咲", "ミサキ"),
    ("さくら", "サクラ"),
    ("陽菜", "ヒナ"),
    ("結衣", "ユイ"),
    ("葵", "アオイ"),
    ("七海", "ナナミ"),
    ("麻衣", "マイ"),
    ("沙織", "サオリ"),
    ("香織", "カオリ"),
    ("舞", "マイ"),
    ("千尋", "チヒロ"),
    ("遥", "ハルカ"),
    ("菜々子", "ナナコ"),
    ("美紀", "ミキ"),
    ("早苗", "サナエ"),
    ("敦子", "アツコ"),
];

const GIVEN_MALE: &[(&str, &str)] = &[
    ("太郎", "タロウ"),
    ("一郎", "イチロウ"),
    ("健", "ケン"),
    ("誠", "マコト"),
    ("大輔", "ダイスケ"),
    ("拓也", "タクヤ"),
    ("翔太", "ショウタ"),
    ("健太", "ケンタ"),
    ("直樹", "ナオキ"),
    ("和也", "カズヤ"),
    ("浩二", "コウジ"),
    ("隆", "タカシ"),
    ("修", "オサム"),
    ("学", "マナブ"),
    ("剛", "ツヨシ"),
    ("達也", "タツヤ"),
    ("大樹", "ダイキ"),
    ("蓮", "レン"),
    ("悠真", "ユウマ"),
    ("陽翔", "ハルト"),
    ("湊", "ミナト"),
    ("大和", "ヤマト"),
    ("亮", "リョウ"),
    ("聡", "サトシ"),
    ("雅人", "マサト"),
    ("徹", "トオル"),
    ("英樹", "ヒデキ"),
    ("秀樹", "ヒデキ"),
    ("慎也", "シンヤ"),
    ("光", "ヒカル"),
];

const AGENCIES: &[(AgencyType, &str)] = &[
    (AgencyType::HelloWork, "ハローワーク広島（デモ）"),
    (AgencyType::HelloWork, "ハローワーク広島東（デモ）"),
    (AgencyType::HelloWork, "ハローワーク福山（デモ）"),
    (
        AgencyType::EmploymentLifeSupportCenter,
        "広島障害者就業・生活支援センター（デモ）",
    ),
    (
        AgencyType::EmploymentLifeSupportCenter,
        "福山障害者就業・生活支援センター（デモ）",
    ),
    (
        AgencyType::VocationalCenter,
        "広島障害者職業センター（デモ）",
    ),
    (AgencyType::Other, "就労移行支援事業所つなぐ（デモ）"),
    (AgencyType::Other, "広島県しごとサポートセンター（デモ）"),
];

fn pick<'a, T>(rng: &mut StdRng, xs: &'a [T]) -> &'a T {
    &xs[rng.gen_range(0..xs.len())]
}

/// Picks from weighted choices (weights need not sum to 100).
fn weighted<T: Copy>(rng: &mut StdRng, choices: &[(T, u32)]) -> T {
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

fn day_between(rng: &mut StdRng, from: NaiveDate, to: NaiveDate) -> NaiveDate {
    let span = (to - from).num_days().max(0);
    from + Duration::days(rng.gen_range(0..=span))
}

/// Office hours in Tokyo on a day, as UTC.
fn office_time(rng: &mut StdRng, day: NaiveDate) -> DateTime<Utc> {
    let minutes = rng.gen_range(9 * 60..17 * 60);
    let local = day
        .and_hms_opt(minutes / 60, minutes % 60, 0)
        .unwrap_or_default();
    tokyo()
        .from_local_datetime(&local)
        .single()
        .map_or_else(|| Utc.from_utc_datetime(&local), |t| t.with_timezone(&Utc))
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

    // --- the center, its staff and agencies ------------------------------------------
    let center = Center {
        id: Uuid::now_v7(),
        code: code.clone(),
        name: format!("デモ難病相談支援センター（{code}）"),
        prefecture_code: "34".into(),
        operating_type: OperatingType::PatientOrganization,
        follow_up_days: 14,
        escalation_days: 7,
        sample_percent: 10,
        // A demo is for looking around: no second factor asked of its fictitious staff.
        totp_roles: Vec::new(),
        active: true,
        version: 1,
        created_at: now,
        updated_at: now,
    };
    let sys = |action: Action, id: Uuid| {
        AuditDraft::system(now, action)
            .resource(id)
            .center(Some(center.id))
    };
    store
        .insert_center(&center, &sys(Action::CenterCreate, center.id))
        .map_err(|e| match e {
            tsunagu_domain::DomainError::Conflict { .. } => format!(
                "a center with code {code} exists already; demo data goes into a new center (use --center)"
            ),
            other => other.to_string(),
        })?;
    let password = auth::new_opaque_token("demo-").0;
    let hash = auth::hash_password(&password).map_err(err)?;
    let mut staff = DemoStaff {
        logins: Vec::new(),
        password,
    };
    let mut workers = Vec::new();
    for (suffix, role, name) in [
        ("admin", Role::CenterAdmin, "管理 デモ"),
        ("supervisor", Role::Supervisor, "監督 デモ"),
        ("consultant1", Role::Consultant, "相談 一子"),
        ("consultant2", Role::Consultant, "相談 二郎"),
        ("consultant3", Role::Consultant, "相談 三恵"),
    ] {
        let user = User {
            id: Uuid::now_v7(),
            center_id: Some(center.id),
            login: format!("{code}.{suffix}"),
            display_name: name.into(),
            role,
            active: true,
            version: 1,
            created_at: now,
            updated_at: now,
        };
        store
            .insert_user(&user, &hash, &sys(Action::UserCreate, user.id))
            .map_err(err)?;
        if role != Role::CenterAdmin {
            workers.push(user.id);
        }
        staff.logins.push((user.login, role.as_str()));
    }
    let mut agencies = Vec::new();
    for (t, name) in AGENCIES {
        let a = Agency {
            id: Uuid::now_v7(),
            center_id: center.id,
            agency_type: *t,
            name: (*name).into(),
            phone: Some(format!("082-000-{:04}", rng.gen_range(0..10_000))),
            address: None,
            notes: Some("デモデータ（架空の機関）".into()),
            active: true,
            version: 1,
            created_at: now,
            updated_at: now,
        };
        store
            .insert_agency(&a, &sys(Action::AgencyCreate, a.id))
            .map_err(err)?;
        agencies.push(a);
    }

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
            one_case(
                &mut rng,
                &mut b,
                &center,
                &workers,
                &agencies,
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
    Ok((counts, staff))
}

/// One patient's path: intake, consultations, maybe consent, referrals at a level, and
/// follow-ups — some done, some overdue, some never scheduled (what a supervisor must catch).
#[allow(clippy::too_many_arguments)]
fn one_case(
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
