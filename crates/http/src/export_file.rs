//! The files of the bulk export (`/exports/{id}/file`): each record kind as a table with
//! Japanese column names and Japanese labels for its codes (the spreadsheet words of
//! [`crate::labels`]), written as CSV (UTF-8 with a BOM, so Excel opens it as such), as an
//! .xlsx workbook (a sheet per kind, rust_xlsxwriter's constant-memory mode) or as one JSON
//! document (the records as the API lists them, codes as codes).
//!
//! Nothing here holds more than one page of records: the CSV and JSON producers hand the
//! bytes to the response as each page is written, the workbook goes to a temporary file.

use crate::dto::{ConsentDto, ConsultationDto, PatientDto, ReferralDto, date, ts};
use crate::labels;
use crate::sheet::{Cell, csv_field};
use chrono::{DateTime, NaiveDate, Utc};
use serde::Serialize;
use std::collections::HashMap;
use tsunagu_domain::entities::{Consent, Consultation, FollowUp, Patient, Referral};
use tsunagu_domain::exchange::export::{RecordKind, RecordPage, Records};
use tsunagu_domain::exchange::fhir::consent_scope_display;
use tsunagu_domain::values::{
    AgencyOutcome, CaseOutcome, Contacted, EmploymentStatus, FollowUpMethod, GivenBy, Program,
    ReferralStatus, ReviewState, Sex,
};
use uuid::Uuid;

/// The sheet name and the column names of a kind's table.
pub fn header(kind: RecordKind) -> (&'static str, &'static [&'static str]) {
    match kind {
        RecordKind::Patients => (
            "患者",
            &[
                "ID",
                "ケース番号",
                "氏名（姓）",
                "氏名（名）",
                "フリガナ（姓）",
                "フリガナ（名）",
                "生年月日",
                "性別",
                "都道府県コード",
                "市区町村コード",
                "電話",
                "メール",
                "制度",
                "指定難病告示番号",
                "診断名",
                "就労状況",
                "就労支援の利用",
                "センターを知ったきっかけ",
                "障害者手帳",
                "備考",
                "登録日時",
                "更新日時",
            ],
        ),
        RecordKind::Consultations => (
            "相談",
            &[
                "ID",
                "ケース番号",
                "患者ID",
                "相談日時",
                "相談方法",
                "相談者",
                "相談内容",
                "所要時間（分）",
                "就職サポーター同席",
                "概要",
                "小慢の相談支援メニュー",
                "小慢の相談者",
                "担当者ID",
                "登録日時",
                "更新日時",
            ],
        ),
        RecordKind::Referrals => (
            "紹介",
            &[
                "ID",
                "ケース番号",
                "患者ID",
                "相談ID",
                "紹介先ID",
                "紹介先",
                "紹介先の種別",
                "目的",
                "レベル",
                "紹介日",
                "引き渡したもの",
                "備考",
                "状態",
                "結果",
                "終了日",
                "管理責任者の確認",
                "担当者ID",
                "登録日時",
                "更新日時",
            ],
        ),
        RecordKind::FollowUps => (
            "フォローアップ",
            &[
                "ID",
                "ケース番号",
                "患者ID",
                "紹介ID",
                "担当者ID",
                "予定日",
                "実施日",
                "方法",
                "連絡した相手",
                "結果",
                "機関からの回答",
                "備考",
                "次回予定日",
                "取消日",
                "記録なし（台帳の取込）",
                "登録日時",
                "更新日時",
            ],
        ),
        RecordKind::Consents => (
            "同意",
            &[
                "ID",
                "ケース番号",
                "患者ID",
                "同意日",
                "範囲",
                "撤回日",
                "同意した人",
                "保護者の氏名",
                "保護者の続柄",
                "本人の同意（アセント）",
                "備考",
                "登録日時",
                "更新日時",
            ],
        ),
    }
}

// Labels the reports do not use yet, in the words the web app shows.

fn sex(s: Sex) -> &'static str {
    match s {
        Sex::Female => "女性",
        Sex::Male => "男性",
        Sex::Other => "その他",
    }
}

fn program(p: Program) -> &'static str {
    match p {
        Program::Nanbyo => "指定難病",
        Program::Shoman => "小児慢性特定疾病",
    }
}

fn employment_status(e: EmploymentStatus) -> &'static str {
    match e {
        EmploymentStatus::Employed => "就労中",
        EmploymentStatus::OnLeave => "休職中",
        EmploymentStatus::JobSeeking => "求職中",
        EmploymentStatus::NotWorking => "就労していない（求職もしていない）",
        EmploymentStatus::Student => "学生",
    }
}

fn referral_status(s: ReferralStatus) -> &'static str {
    match s {
        ReferralStatus::Open => "対応中",
        ReferralStatus::Closed => "終了",
    }
}

fn outcome(o: CaseOutcome) -> &'static str {
    match o {
        CaseOutcome::Searching => "求職中",
        CaseOutcome::Employed => "就職",
        CaseOutcome::Retained => "就労継続",
        CaseOutcome::LeftJob => "離職",
        CaseOutcome::Declined => "辞退",
        CaseOutcome::LostContact => "連絡不通",
        CaseOutcome::Other => "その他",
    }
}

fn review_state(s: ReviewState) -> &'static str {
    match s {
        ReviewState::None => "確認待ちなし",
        ReviewState::Pending => "確認待ち",
        ReviewState::Approved => "承認済み",
        ReviewState::Returned => "差し戻し中",
    }
}

fn method(m: FollowUpMethod) -> &'static str {
    match m {
        FollowUpMethod::Phone => "電話",
        FollowUpMethod::InPerson => "面談",
        FollowUpMethod::Email => "メール",
        FollowUpMethod::Visit => "訪問",
        FollowUpMethod::Online => "オンライン",
        FollowUpMethod::Other => "その他",
    }
}

fn contacted(c: Contacted) -> &'static str {
    match c {
        Contacted::Patient => "本人",
        Contacted::Agency => "就労支援機関",
        Contacted::Employer => "事業主（勤務先）",
    }
}

fn agency_outcome(a: AgencyOutcome) -> &'static str {
    match a {
        AgencyOutcome::Came => "来所された",
        AgencyOutcome::DidNotCome => "来所されなかった",
        AgencyOutcome::RegisteredJobSeeker => "求職登録された",
        AgencyOutcome::Employed => "就職された",
        AgencyOutcome::RetentionSupportStarted => "定着支援を開始した",
    }
}

fn given_by(g: GivenBy) -> &'static str {
    match g {
        GivenBy::SelfGiven => "本人",
        GivenBy::Guardian => "保護者",
    }
}

fn text(s: impl Into<String>) -> Cell {
    Cell::Text(s.into())
}

fn opt_text(s: Option<&str>) -> Cell {
    Cell::Text(s.unwrap_or_default().to_owned())
}

fn id(u: Uuid) -> Cell {
    Cell::Text(u.to_string())
}

fn opt_id(u: Option<Uuid>) -> Cell {
    Cell::Text(u.map(|u| u.to_string()).unwrap_or_default())
}

/// A day as ISO 8601 (`2026-06-01`).
fn day(d: Option<NaiveDate>) -> Cell {
    Cell::Text(d.map(date).unwrap_or_default())
}

/// A moment as ISO 8601 in Japan time with its offset (`2026-06-01T10:00:00+09:00`): what
/// a person reading the sheet means by the time, and still exact.
fn moment(t: DateTime<Utc>) -> Cell {
    Cell::Text(
        t.with_timezone(&tsunagu_domain::clock::tokyo())
            .format("%Y-%m-%dT%H:%M:%S%:z")
            .to_string(),
    )
}

fn yes_no(b: bool) -> Cell {
    text(if b { "はい" } else { "いいえ" })
}

fn case_number(numbers: &HashMap<Uuid, String>, p: Option<Uuid>) -> Cell {
    opt_text(p.and_then(|p| numbers.get(&p)).map(String::as_str))
}

pub fn patient_row(p: &Patient) -> Vec<Cell> {
    vec![
        id(p.id),
        text(p.case_number.as_str()),
        text(p.family_name.as_str()),
        text(p.given_name.as_str()),
        text(p.family_name_kana.as_str()),
        text(p.given_name_kana.as_str()),
        day(Some(p.birth_date)),
        opt_text(p.sex.map(sex)),
        opt_text(p.prefecture_code.as_deref()),
        opt_text(p.municipality_code.as_deref()),
        opt_text(p.phone.as_deref()),
        opt_text(p.email.as_deref()),
        text(program(p.program)),
        p.disease_number
            .map_or_else(|| text(""), |n| Cell::Int(i64::from(n))),
        opt_text(p.diagnosis.as_deref()),
        text(employment_status(p.employment_status)),
        text(labels::awareness(p.support_awareness)),
        opt_text(p.referral_source.map(labels::referral_source)),
        yes_no(p.disability_certificate),
        opt_text(p.notes.as_deref()),
        moment(p.created_at),
        moment(p.updated_at),
    ]
}

pub fn consultation_row(c: &Consultation, numbers: &HashMap<Uuid, String>) -> Vec<Cell> {
    let topics: Vec<&str> = c.topics.iter().map(|t| labels::topic(*t)).collect();
    vec![
        id(c.id),
        case_number(numbers, c.patient_id),
        opt_id(c.patient_id),
        moment(c.occurred_at),
        text(labels::channel(c.channel)),
        text(labels::requester(c.requester)),
        text(topics.join("・")),
        c.duration_minutes
            .map_or_else(|| text(""), |n| Cell::Int(i64::from(n))),
        yes_no(c.with_employment_supporter),
        opt_text(c.summary.as_deref()),
        opt_text(c.shoman_menu.map(labels::shoman_menu)),
        opt_text(c.shoman_requester.map(labels::shoman_requester)),
        id(c.consultant_id),
        moment(c.created_at),
        moment(c.updated_at),
    ]
}

pub fn referral_row(
    r: &Referral,
    numbers: &HashMap<Uuid, String>,
    agencies: &HashMap<Uuid, String>,
) -> Vec<Cell> {
    vec![
        id(r.id),
        case_number(numbers, Some(r.patient_id)),
        id(r.patient_id),
        opt_id(r.consultation_id),
        id(r.agency_id),
        opt_text(agencies.get(&r.agency_id).map(String::as_str)),
        text(labels::agency_type(r.agency_type)),
        text(labels::purpose(r.purpose)),
        text(format!(
            "レベル{} {}",
            r.level.rank(),
            labels::level(r.level)
        )),
        day(Some(r.referred_on)),
        opt_text(r.handed_over.as_deref()),
        opt_text(r.notes.as_deref()),
        text(referral_status(r.status)),
        opt_text(r.outcome.map(outcome)),
        day(r.closed_on),
        text(review_state(r.review_state)),
        id(r.consultant_id),
        moment(r.created_at),
        moment(r.updated_at),
    ]
}

pub fn follow_up_row(f: &FollowUp, numbers: &HashMap<Uuid, String>) -> Vec<Cell> {
    vec![
        id(f.id),
        case_number(numbers, Some(f.patient_id)),
        id(f.patient_id),
        id(f.referral_id),
        id(f.assignee_id),
        day(Some(f.due_on)),
        day(f.done_on),
        opt_text(f.method.map(method)),
        opt_text(f.contacted.map(contacted)),
        opt_text(f.outcome.map(outcome)),
        opt_text(f.agency_outcome.map(agency_outcome)),
        opt_text(f.notes.as_deref()),
        day(f.next_due_on),
        day(f.cancelled_on),
        yes_no(f.not_recorded),
        moment(f.created_at),
        moment(f.updated_at),
    ]
}

pub fn consent_row(c: &Consent, numbers: &HashMap<Uuid, String>) -> Vec<Cell> {
    vec![
        id(c.id),
        case_number(numbers, Some(c.patient_id)),
        id(c.patient_id),
        day(Some(c.given_on)),
        text(consent_scope_display(c.scope)),
        day(c.withdrawn_on),
        opt_text(c.given_by.map(given_by)),
        opt_text(c.guardian_name.as_deref()),
        opt_text(c.guardian_relationship.as_deref()),
        yes_no(c.child_assent),
        opt_text(c.notes.as_deref()),
        moment(c.created_at),
        moment(c.updated_at),
    ]
}

/// A page's records as table rows, in order.
pub fn rows(page: &RecordPage) -> Vec<Vec<Cell>> {
    let n = &page.case_numbers;
    match &page.records {
        Records::Patients(v) => v.iter().map(patient_row).collect(),
        Records::Consultations(v) => v.iter().map(|c| consultation_row(c, n)).collect(),
        Records::Referrals(v) => v
            .iter()
            .map(|r| referral_row(r, n, &page.agencies))
            .collect(),
        Records::FollowUps(v) => v.iter().map(|f| follow_up_row(f, n)).collect(),
        Records::Consents(v) => v.iter().map(|c| consent_row(c, n)).collect(),
    }
}

/// One CSV line (CRLF, as Excel writes them).
pub fn csv_line(cells: &[Cell]) -> String {
    let mut line = cells
        .iter()
        .map(|c| match c {
            Cell::Text(s) => csv_field(s),
            Cell::Int(n) => n.to_string(),
            Cell::Ratio(Some(r)) => r.to_string(),
            Cell::Ratio(None) => String::new(),
        })
        .collect::<Vec<_>>()
        .join(",");
    line.push_str("\r\n");
    line
}

/// The CSV's first bytes: the BOM and the header line.
pub fn csv_start(kind: RecordKind) -> String {
    let names: Vec<Cell> = header(kind).1.iter().map(|h| text(*h)).collect();
    format!("\u{feff}{}", csv_line(&names))
}

/// A follow-up in the JSON document: the record as stored, with its patient's case number.
#[derive(Serialize)]
struct FollowUpJson<'a> {
    id: Uuid,
    referral_id: Uuid,
    patient_id: Uuid,
    case_number: Option<&'a str>,
    assignee_id: Uuid,
    due_on: String,
    done_on: Option<String>,
    method: Option<&'static str>,
    contacted: Option<&'static str>,
    outcome: Option<&'static str>,
    notes: Option<&'a str>,
    next_due_on: Option<String>,
    cancelled_on: Option<String>,
    /// Imported from a 台帳 after its day had passed with nothing written.
    not_recorded: bool,
    recorded_by: Option<Uuid>,
    agency_link_id: Option<Uuid>,
    agency_outcome: Option<&'static str>,
    created_at: String,
    updated_at: String,
}

/// A page's records as JSON values, each as the API answers it (the patients, consultations,
/// referrals and consents in their API shapes; follow-ups as recorded).
pub fn json_items(page: &RecordPage) -> Result<Vec<Vec<u8>>, serde_json::Error> {
    fn all<T: Serialize>(v: impl Iterator<Item = T>) -> Result<Vec<Vec<u8>>, serde_json::Error> {
        v.map(|x| serde_json::to_vec(&x)).collect()
    }
    match &page.records {
        Records::Patients(v) => all(v.iter().cloned().map(PatientDto::from)),
        Records::Consultations(v) => all(v.iter().cloned().map(ConsultationDto::from)),
        Records::Referrals(v) => all(v.iter().cloned().map(ReferralDto::from)),
        Records::Consents(v) => all(v.iter().cloned().map(ConsentDto::from)),
        Records::FollowUps(v) => all(v.iter().map(|f| FollowUpJson {
            id: f.id,
            referral_id: f.referral_id,
            patient_id: f.patient_id,
            case_number: page.case_numbers.get(&f.patient_id).map(String::as_str),
            assignee_id: f.assignee_id,
            due_on: date(f.due_on),
            done_on: f.done_on.map(date),
            method: f.method.map(|m| m.as_str()),
            contacted: f.contacted.map(|c| c.as_str()),
            outcome: f.outcome.map(|o| o.as_str()),
            notes: f.notes.as_deref(),
            next_due_on: f.next_due_on.map(date),
            cancelled_on: f.cancelled_on.map(date),
            not_recorded: f.not_recorded,
            recorded_by: f.recorded_by,
            agency_link_id: f.agency_link_id,
            agency_outcome: f.agency_outcome.map(|a| a.as_str()),
            created_at: ts(f.created_at),
            updated_at: ts(f.updated_at),
        })),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use tsunagu_domain::values::{AgencyType, Level, Purpose};

    fn t(s: &str) -> DateTime<Utc> {
        DateTime::parse_from_rfc3339(s).unwrap().with_timezone(&Utc)
    }

    fn referral() -> Referral {
        Referral {
            id: Uuid::nil(),
            center_id: Uuid::nil(),
            patient_id: Uuid::from_u128(1),
            consultation_id: None,
            agency_id: Uuid::from_u128(2),
            agency_type: AgencyType::HelloWork,
            purpose: Purpose::NewEmployment,
            level: Level::AccompaniedWithFollowUp,
            referred_on: NaiveDate::from_ymd_opt(2026, 6, 1).unwrap(),
            handed_over: Some("就労相談票, \"写し\"".into()),
            notes: None,
            status: ReferralStatus::Closed,
            outcome: Some(CaseOutcome::Employed),
            closed_on: NaiveDate::from_ymd_opt(2026, 9, 30),
            review_state: ReviewState::Approved,
            consultant_id: Uuid::from_u128(3),
            created_by: Uuid::from_u128(3),
            version: 1,
            created_at: t("2026-06-01T00:30:00Z"),
            updated_at: t("2026-09-30T15:00:00Z"),
        }
    }

    #[test]
    fn a_referral_row_reads_in_japanese_with_iso_dates() {
        let numbers = HashMap::from([(Uuid::from_u128(1), "2026-0001".to_owned())]);
        let agencies = HashMap::from([(Uuid::from_u128(2), "ハローワーク広島".to_owned())]);
        let row = referral_row(&referral(), &numbers, &agencies);
        assert_eq!(row.len(), header(RecordKind::Referrals).1.len());
        let texts: Vec<String> = row
            .iter()
            .map(|c| match c {
                Cell::Text(s) => s.clone(),
                other => format!("{other:?}"),
            })
            .collect();
        assert_eq!(texts[1], "2026-0001");
        assert_eq!(texts[5], "ハローワーク広島");
        assert_eq!(texts[6], "ハローワーク");
        assert!(texts[8].starts_with("レベル4 "), "{}", texts[8]);
        assert_eq!(texts[9], "2026-06-01");
        assert_eq!(texts[12], "終了");
        assert_eq!(texts[13], "就職");
        assert_eq!(texts[14], "2026-09-30");
        assert_eq!(texts[15], "承認済み");
        // Japan time, with its offset: the next day there.
        assert_eq!(texts[18], "2026-10-01T00:00:00+09:00");
        // A comma and quotes are quoted the CSV way.
        let line = csv_line(&row);
        assert!(line.contains(r#","就労相談票, ""写し""","#), "{line}");
        assert!(line.ends_with("\r\n"));
    }

    #[test]
    fn every_table_has_its_header_and_the_csv_starts_with_a_bom() {
        for k in RecordKind::ALL {
            let (sheet, cols) = header(*k);
            assert!(!sheet.is_empty() && cols[0] == "ID");
            let start = csv_start(*k);
            assert!(start.starts_with('\u{feff}'));
            assert_eq!(start.matches(',').count() + 1, cols.len());
        }
    }
}
