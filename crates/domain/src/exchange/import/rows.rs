//! One row of the file read as one record's input: the cells the mapping points at, with the
//! center's value mapping and defaults applied, read as the field's kind of value (和暦
//! dates, full/half width, the words for codes). Every cell that cannot be read is a
//! [`Problem`] naming the row, the column and what is wrong, in Japanese; what can be read
//! goes on to the same domain rules the API applies.

use super::fields::{self, FieldSpec};
use super::{ImportKind, ImportMapping, Problem};
use crate::cases::{ConsultationInput, FollowUpUpdate, PatientInput, ReferralInput};
use crate::error::FieldError;
use crate::values::wareki;
use chrono::{NaiveDate, NaiveTime};
use sha2::{Digest, Sha256};

/// The cells of one row, by field, as the mapping reads them.
pub struct Reader<'a> {
    pub kind: ImportKind,
    pub row: i32,
    columns: &'a [String],
    cells: &'a [String],
    mapping: &'a ImportMapping,
    pub problems: Vec<Problem>,
}

/// The separators people put between several values in one cell.
const LIST_SEPARATORS: [char; 7] = ['、', '，', ',', '・', '/', '／', ';'];

impl<'a> Reader<'a> {
    pub fn new(
        kind: ImportKind,
        row: i32,
        columns: &'a [String],
        cells: &'a [String],
        mapping: &'a ImportMapping,
    ) -> Self {
        Self {
            kind,
            row,
            columns,
            cells,
            mapping,
            problems: Vec::new(),
        }
    }

    fn spec(&self, field: &str) -> Option<&'static FieldSpec> {
        fields::spec(self.kind, field)
    }

    /// The column the field is read from, if the mapping names one the file has.
    pub fn column(&self, field: &str) -> Option<&'a str> {
        let name = self.mapping.columns.get(field)?;
        self.columns.iter().find(|c| *c == name).map(String::as_str)
    }

    /// The cell as written (trimmed), else the mapping's default for the field.
    fn raw(&self, field: &str) -> Option<String> {
        let cell = self
            .column(field)
            .and_then(|name| self.columns.iter().position(|c| c == name))
            .and_then(|i| self.cells.get(i))
            .map(|c| c.trim())
            .filter(|c| !c.is_empty());
        match cell {
            Some(c) => Some(
                self.mapping
                    .values
                    .get(field)
                    .and_then(|m| m.get(c))
                    .cloned()
                    .unwrap_or_else(|| c.to_owned()),
            ),
            None => self
                .mapping
                .defaults
                .get(field)
                .map(|d| d.trim().to_owned())
                .filter(|d| !d.is_empty()),
        }
    }

    pub fn problem(
        &mut self,
        field: &str,
        code: &'static str,
        message: String,
        value: Option<String>,
    ) {
        self.problems.push(Problem {
            row: self.row,
            column: self.column(field).map(str::to_owned),
            field: Some(field.to_owned()),
            code: code.to_owned(),
            message,
            value,
        });
    }

    /// A required field with nothing in its cell (and no default): said once, unless the
    /// cell was there and could not be read (that problem is already said).
    pub fn required(&mut self, field: &str, missing: bool) {
        if missing && self.raw(field).is_none() {
            let label = self.label(field);
            self.problem(field, "required", japanese("required", label), None);
        }
    }

    fn label(&self, field: &str) -> &'static str {
        self.spec(field).map_or("", |s| s.label)
    }

    pub fn text(&mut self, field: &str) -> Option<String> {
        self.raw(field)
    }

    /// A code field: the code, or the code one of its words means.
    pub fn code(&mut self, field: &str) -> Option<String> {
        let raw = self.raw(field)?;
        let spec = self.spec(field)?;
        match fields::code_of(spec, &raw) {
            Some(c) => Some(c.to_owned()),
            None => {
                let label = spec.label;
                self.problem(
                    field,
                    "unknown_value",
                    format!(
                        "「{raw}」は「{label}」の選択肢にありません（値の対応で指定してください）"
                    ),
                    Some(raw),
                );
                None
            }
        }
    }

    /// Several codes in one cell.
    pub fn list(&mut self, field: &str) -> Option<Vec<String>> {
        let raw = self.raw(field)?;
        let spec = self.spec(field)?;
        // A whole-cell word may itself hold a separator (病気・療養).
        if let Some(c) = fields::code_of(spec, &raw) {
            return Some(vec![c.to_owned()]);
        }
        let mut out: Vec<String> = Vec::new();
        for part in raw
            .split(LIST_SEPARATORS)
            .map(str::trim)
            .filter(|p| !p.is_empty())
        {
            match fields::code_of(spec, part) {
                Some(c) if !out.iter().any(|o| o == c) => out.push(c.to_owned()),
                Some(_) => {}
                None => {
                    let label = spec.label;
                    self.problem(
                        field,
                        "unknown_value",
                        format!("「{part}」は「{label}」の選択肢にありません（値の対応で指定してください）"),
                        Some(raw.clone()),
                    );
                    return None;
                }
            }
        }
        Some(out)
    }

    pub fn boolean(&mut self, field: &str) -> Option<bool> {
        let raw = self.raw(field)?;
        match fields::bool_of(&raw) {
            Some(b) => Some(b),
            None => {
                let label = self.label(field);
                self.problem(
                    field,
                    "invalid_bool",
                    format!("「{label}」は「あり／なし」（○／×、はい／いいえ）で書いてください"),
                    Some(raw),
                );
                None
            }
        }
    }

    pub fn number(&mut self, field: &str) -> Option<i32> {
        let raw = self.raw(field)?;
        match narrow(&raw).trim_end_matches(['分', '番']).parse::<i32>() {
            Ok(n) => Some(n),
            Err(_) => {
                let label = self.label(field);
                self.problem(
                    field,
                    "invalid_number",
                    format!("「{label}」を数として読めません"),
                    Some(raw),
                );
                None
            }
        }
    }

    /// A 西暦 or 和暦 date.
    pub fn date(&mut self, field: &str) -> Option<NaiveDate> {
        let raw = self.raw(field)?;
        match read_date(&raw) {
            Some(d) => Some(d),
            None => {
                let label = self.label(field);
                self.problem(
                    field,
                    "invalid_date",
                    format!(
                        "「{label}」を日付として読めません（例: 2023/4/1、R5.4.1、令和5年4月1日）"
                    ),
                    Some(raw),
                );
                None
            }
        }
    }

    /// A date with an optional time of day; a date alone is taken at 09:00 in Tokyo (the
    /// 台帳 kept the day, not the hour, and the day is what the reports count).
    pub fn date_time(&mut self, field: &str) -> Option<String> {
        let raw = self.raw(field)?;
        match read_date_time(&raw) {
            Some((d, t)) => Some(format!("{}T{}+09:00", d, t.format("%H:%M:%S"))),
            None => {
                let label = self.label(field);
                self.problem(
                    field,
                    "invalid_date",
                    format!("「{label}」を日時として読めません（例: 2023/4/1 14:30、R5.4.1）"),
                    Some(raw),
                );
                None
            }
        }
    }

    /// The key that makes a re-run of the same file create nothing twice: the row's own
    /// number when the file has one, else a hash of what the import reads of the row (the
    /// mapped cells), so columns the import ignores, such as the error report's own 「行」 and
    /// 「エラー」 when a fixed report is imported again, do not make a row new.
    pub fn row_key(&self) -> String {
        match self.raw("row_key") {
            Some(k) => format!("k:{}", narrow(&k)),
            None => {
                let mut h = Sha256::new();
                for spec in fields::fields(self.kind) {
                    let Some(i) = self
                        .column(spec.field)
                        .and_then(|name| self.columns.iter().position(|c| c == name))
                    else {
                        continue;
                    };
                    h.update(spec.field.as_bytes());
                    h.update([0x1e]);
                    h.update(self.cells.get(i).map_or("", |c| c.trim()).as_bytes());
                    h.update([0x1f]);
                }
                format!("h:{}", hex::encode(&h.finalize()[..16]))
            }
        }
    }

    /// Turns the domain's refusal of a field into problems of this row, in Japanese, naming
    /// the column the field came from.
    pub fn refused(&mut self, errors: &[FieldError]) {
        for e in errors {
            let field = source_field(self.kind, &e.field, |f| self.column(f).is_some());
            // A cell this reader could not read is reported once, by the reader.
            if self
                .problems
                .iter()
                .any(|p| p.field.as_deref() == Some(&field))
            {
                continue;
            }
            let label = self.label(&field);
            let label = if label.is_empty() {
                e.field.as_str()
            } else {
                label
            };
            let message = japanese(e.code, label);
            let value = self.raw(&field);
            self.problem(&field, e.code, message, value);
        }
    }
}

/// Full-width digits, letters and signs to ASCII.
pub fn narrow(s: &str) -> String {
    s.trim()
        .chars()
        .map(|c| match c {
            '\u{FF01}'..='\u{FF5E}' => char::from_u32(u32::from(c) - 0xFEE0).unwrap_or(c),
            '\u{3000}' => ' ',
            _ => c,
        })
        .collect()
}

/// 西暦 or 和暦, as people write them, or an ISO date.
pub fn read_date(raw: &str) -> Option<NaiveDate> {
    let s = narrow(raw);
    if let Ok(d) = NaiveDate::parse_from_str(&s, "%Y%m%d")
        && s.len() == 8
    {
        return Some(d);
    }
    wareki::parse_date(&s)
}

/// A date, then optionally a time (`14:30`, `14時30分`).
pub fn read_date_time(raw: &str) -> Option<(NaiveDate, NaiveTime)> {
    let s = narrow(raw);
    let (date, time) = match s.split_once([' ', 'T']) {
        Some((d, t)) => (d.trim(), Some(t.trim())),
        None => (s.as_str(), None),
    };
    let d = read_date(date)?;
    let t = match time {
        None => NaiveTime::from_hms_opt(9, 0, 0)?,
        Some(t) => {
            let t = t.replace('時', ":").replace('分', "");
            let t = t.trim_end_matches(':');
            NaiveTime::parse_from_str(t, "%H:%M")
                .or_else(|_| NaiveTime::parse_from_str(t, "%H:%M:%S"))
                .or_else(|_| NaiveTime::parse_from_str(&format!("{t}:00"), "%H:%M"))
                .ok()?
        }
    };
    Some((d, t))
}

/// A name written in one cell: family and given name split at the first space (either
/// width). `None` when there is no space to split at.
pub fn split_name(full: &str) -> Option<(String, String)> {
    let t = full.trim();
    let (f, g) = t.split_once([' ', '\u{3000}'])?;
    let (f, g) = (f.trim(), g.trim());
    (!f.is_empty() && !g.is_empty()).then(|| (f.to_owned(), g.to_owned()))
}

/// Which of the import's fields a domain field came from, preferring one the mapping uses
/// (a family name comes from 「姓」 or from 「氏名」).
fn source_field(kind: ImportKind, domain_field: &str, mapped: impl Fn(&str) -> bool) -> String {
    let candidates: &[&str] = match (kind, domain_field) {
        (ImportKind::Patients, "family_name") => &["family_name", "name"],
        (ImportKind::Patients, "given_name") => &["given_name", "name"],
        (ImportKind::Patients, "family_name_kana") => &["family_name_kana", "name_kana"],
        (ImportKind::Patients, "given_name_kana") => &["given_name_kana", "name_kana"],
        (ImportKind::Consultations, "patient_id") => &["patient_key", "case_number"],
        (ImportKind::Consultations, "consultant_id") => &["consultant"],
        (ImportKind::Referrals, "patient_id") => &["patient_key", "case_number"],
        (ImportKind::Referrals, "agency_id") => &["agency"],
        (ImportKind::Referrals, "consultant_id") => &["consultant"],
        (ImportKind::FollowUps, "done_on" | "next_due_on") => &["done_on"],
        (ImportKind::FollowUps, "assignee_id") => &["consultant"],
        _ => &[],
    };
    candidates
        .iter()
        .find(|f| mapped(f))
        .or(candidates.first())
        .map_or_else(|| domain_field.to_owned(), |f| (*f).to_owned())
}

/// What a domain rule's code means, in the words of the error report.
pub fn japanese(code: &str, label: &str) -> String {
    match code {
        "required" => format!("「{label}」が空です"),
        "too_long" => format!("「{label}」が長すぎます"),
        "too_short" => format!("「{label}」が短すぎます"),
        "invalid_date" | "invalid_datetime" => format!("「{label}」を日付として読めません"),
        "invalid_choice" => format!("「{label}」の値が選択肢にありません"),
        "invalid_kana" => format!("「{label}」はカタカナかひらがなで書いてください"),
        "invalid_phone" => format!("「{label}」を電話番号として読めません"),
        "invalid_email" => format!("「{label}」をメールアドレスとして読めません"),
        "in_future" => format!("「{label}」が未来の日付です"),
        "out_of_range" => format!("「{label}」が範囲外です"),
        "invalid_characters" => format!("「{label}」に使えない文字があります"),
        "not_found" => format!("「{label}」に当たる記録がありません"),
        "unknown_code" => format!("「{label}」のコードが見つかりません"),
        _ => format!("「{label}」の値が正しくありません"),
    }
}

/// A patient row as the API's registration input, with the day it was registered on (kept
/// as the record's creation date, so it counts in that fiscal year).
pub fn patient_input(r: &mut Reader<'_>) -> (PatientInput, Option<NaiveDate>) {
    let (family_name, given_name) = names(r, "family_name", "given_name", "name", "氏名");
    let (family_kana, given_kana) = names(
        r,
        "family_name_kana",
        "given_name_kana",
        "name_kana",
        "フリガナ",
    );
    let birth_date = r.date("birth_date").map(|d| d.to_string());
    let input = PatientInput {
        family_name,
        given_name,
        family_name_kana: family_kana,
        given_name_kana: given_kana,
        birth_date,
        sex: Some(r.code("sex")),
        prefecture_code: None,
        municipality_code: None,
        phone: Some(r.text("phone").map(|p| narrow(&p))),
        email: Some(r.text("email").map(|e| narrow(&e))),
        program: r.code("program"),
        disease_number: Some(r.number("disease_number")),
        diagnosis: Some(r.text("diagnosis")),
        employment_status: r.code("employment_status"),
        support_awareness: r.code("support_awareness"),
        referral_source: None,
        disability_certificate: r.boolean("disability_certificate"),
        notes: Some(r.text("notes")),
    };
    let registered = r.date("registered_on");
    (input, registered)
}

/// Family and given name (or reading) from their own columns, or split from one.
fn names(
    r: &mut Reader<'_>,
    family: &str,
    given: &str,
    whole: &str,
    whole_label: &str,
) -> (Option<String>, Option<String>) {
    let (f, g) = (r.text(family), r.text(given));
    if f.is_some() || g.is_some() || r.column(family).is_some() {
        return (f, g);
    }
    match r.text(whole) {
        None => (None, None),
        Some(full) => match split_name(&full) {
            Some((f, g)) => (Some(f), Some(g)),
            None => {
                r.problem(
                    whole,
                    "name_not_split",
                    format!("「{whole_label}」を姓と名に分けられません（姓と名の間に空白を入れてください）"),
                    Some(full),
                );
                (None, None)
            }
        },
    }
}

/// A consultation row as the API's input; the patient and the consultant are resolved by
/// the caller (they need the store).
pub fn consultation_input(r: &mut Reader<'_>) -> ConsultationInput {
    ConsultationInput {
        patient_id: None,
        occurred_at: r.date_time("occurred_at"),
        channel: r.code("channel"),
        requester: r.code("requester"),
        topics: r.list("topics"),
        duration_minutes: Some(r.number("duration_minutes")),
        with_employment_supporter: r.boolean("with_employment_supporter"),
        summary: Some(r.text("summary")),
        shoman_menu: None,
        shoman_requester: None,
        consultant_id: None,
    }
}

/// A referral row as read: the API's input (its patient and agency resolved by the caller,
/// who needs the store), with what a 紹介台帳 adds: the day consent was given, and how the
/// referral ended.
pub struct ReferralRow {
    pub input: ReferralInput,
    pub referred_on: Option<NaiveDate>,
    pub agency: Option<String>,
    pub consent_given_on: Option<NaiveDate>,
    pub closed_on: Option<NaiveDate>,
    pub outcome: Option<String>,
}

pub fn referral_row(r: &mut Reader<'_>) -> ReferralRow {
    let purpose = r.code("purpose");
    let level = r.code("level");
    let referred_on = r.date("referred_on");
    for (field, missing) in [
        ("purpose", purpose.is_none()),
        ("level", level.is_none()),
        ("referred_on", referred_on.is_none()),
    ] {
        r.required(field, missing);
    }
    let input = ReferralInput {
        patient_id: uuid::Uuid::nil(),
        consultation_id: None,
        agency_id: uuid::Uuid::nil(),
        purpose: purpose.unwrap_or_default(),
        level: level.unwrap_or_default(),
        referred_on: referred_on.map(|d| d.to_string()),
        handed_over: r.text("handed_over"),
        notes: r.text("notes"),
        shared_items: r.list("shared_items"),
        consultant_id: None,
    };
    let agency = r.text("agency");
    r.required("agency", agency.is_none());
    ReferralRow {
        input,
        referred_on,
        agency,
        consent_given_on: r.date("consent_given_on"),
        closed_on: r.date("closed_on"),
        outcome: r.code("outcome"),
    }
}

/// A follow-up row as read: when it was due and, if it was done, the recording the API
/// takes (its referral and assignee resolved by the caller).
pub struct FollowUpRow {
    pub due_on: Option<NaiveDate>,
    pub record: FollowUpUpdate,
    pub closes_referral: bool,
}

pub fn follow_up_row(r: &mut Reader<'_>) -> FollowUpRow {
    let due = r.date("due_on");
    let done = r.date("done_on");
    // A 台帳 that wrote only the day it was done had it due that day.
    let due_on = due.or(done);
    if due_on.is_none()
        && r.problems
            .iter()
            .all(|p| p.field.as_deref() != Some("done_on"))
    {
        r.problem(
            "due_on",
            "required",
            "「予定日」か「実施日」のどちらかを書いてください".to_owned(),
            None,
        );
    }
    let record = FollowUpUpdate {
        done_on: done.map(|d| Some(d.to_string())),
        method: r.code("method"),
        contacted: r.code("contacted"),
        outcome: r.code("outcome"),
        notes: r.text("notes").map(Some),
        ..FollowUpUpdate::default()
    };
    FollowUpRow {
        due_on,
        record,
        closes_referral: r.boolean("closes_referral").unwrap_or(false),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::BTreeMap;

    fn cols(c: &[&str]) -> Vec<String> {
        c.iter().map(|s| (*s).to_owned()).collect()
    }

    #[test]
    fn dates_are_read_as_people_write_them() {
        let d = |s: &str| read_date(s).map(|d| d.to_string());
        assert_eq!(d("R5.4.1").as_deref(), Some("2023-04-01"));
        assert_eq!(d("平成31年4月1日").as_deref(), Some("2019-04-01"));
        assert_eq!(d("令和元年5月1日").as_deref(), Some("2019-05-01"));
        assert_eq!(d("２０２３／４／１").as_deref(), Some("2023-04-01"));
        assert_eq!(d("20230401").as_deref(), Some("2023-04-01"));
        assert_eq!(d("S50.1.2").as_deref(), Some("1975-01-02"));
        assert_eq!(d("昨日"), None);
        assert_eq!(d("H32.1.1"), None);
        let t = read_date_time("2023/4/1 14時30分").unwrap();
        assert_eq!(
            (t.0.to_string(), t.1.to_string()),
            ("2023-04-01".into(), "14:30:00".into())
        );
        assert_eq!(read_date_time("R5.4.1").unwrap().1.to_string(), "09:00:00");
    }

    #[test]
    fn a_name_in_one_cell_is_split_at_the_space() {
        assert_eq!(
            split_name("山田　太郎"),
            Some(("山田".into(), "太郎".into()))
        );
        assert_eq!(split_name("ﾔﾏﾀﾞ ﾀﾛｳ"), Some(("ﾔﾏﾀﾞ".into(), "ﾀﾛｳ".into())));
        assert_eq!(split_name("山田太郎"), None);
    }

    #[test]
    fn a_patient_row_reads_codes_words_defaults_and_value_mappings() {
        let columns = cols(&["氏名", "フリガナ", "生年月日", "性別", "就労", "手帳"]);
        let cells = cols(&["山田 太郎", "ﾔﾏﾀﾞ ﾀﾛｳ", "S50.1.2", "男", "休職", "○"]);
        let mut m = ImportMapping::default();
        for (f, c) in [
            ("name", "氏名"),
            ("name_kana", "フリガナ"),
            ("birth_date", "生年月日"),
            ("sex", "性別"),
            ("employment_status", "就労"),
            ("disability_certificate", "手帳"),
        ] {
            m.columns.insert(f.into(), c.into());
        }
        m.defaults.insert("program".into(), "nanbyo".into());
        m.defaults
            .insert("support_awareness".into(), "unaware".into());
        m.values.insert(
            "employment_status".into(),
            BTreeMap::from([("休職".to_owned(), "on_leave".to_owned())]),
        );
        let mut r = Reader::new(ImportKind::Patients, 1, &columns, &cells, &m);
        let (input, registered) = patient_input(&mut r);
        assert!(r.problems.is_empty(), "{:?}", r.problems);
        assert_eq!(input.family_name.as_deref(), Some("山田"));
        assert_eq!(input.given_name_kana.as_deref(), Some("ﾀﾛｳ"));
        assert_eq!(input.birth_date.as_deref(), Some("1975-01-02"));
        assert_eq!(input.sex, Some(Some("male".into())));
        assert_eq!(input.program.as_deref(), Some("nanbyo"));
        assert_eq!(input.employment_status.as_deref(), Some("on_leave"));
        assert_eq!(input.disability_certificate, Some(true));
        assert_eq!(registered, None);
    }

    #[test]
    fn cells_that_cannot_be_read_are_problems_naming_row_and_column() {
        let columns = cols(&["生年月日", "性別", "氏名"]);
        let cells = cols(&["いつか", "不明", "山田太郎"]);
        let mut m = ImportMapping::default();
        m.columns.insert("birth_date".into(), "生年月日".into());
        m.columns.insert("sex".into(), "性別".into());
        m.columns.insert("name".into(), "氏名".into());
        let mut r = Reader::new(ImportKind::Patients, 7, &columns, &cells, &m);
        let _ = patient_input(&mut r);
        let got: Vec<(i32, Option<&str>, &str)> = r
            .problems
            .iter()
            .map(|p| (p.row, p.column.as_deref(), p.code.as_str()))
            .collect();
        assert_eq!(
            got,
            vec![
                (7, Some("氏名"), "name_not_split"),
                (7, Some("生年月日"), "invalid_date"),
                (7, Some("性別"), "unknown_value"),
            ]
        );
        assert!(r.problems[2].message.contains("「不明」"));
    }

    #[test]
    fn the_row_key_is_the_files_number_or_the_rows_hash() {
        let columns = cols(&["ID", "氏名", "エラー"]);
        let mut m = ImportMapping::default();
        m.columns.insert("name".into(), "氏名".into());
        let (a, b) = (
            cols(&["１２", "山田 太郎", ""]),
            cols(&["12", "山田 太郎", "直しました"]),
        );
        let hash_a = Reader::new(ImportKind::Patients, 1, &columns, &a, &m).row_key();
        let hash_b = Reader::new(ImportKind::Patients, 2, &columns, &b, &m).row_key();
        // Only what the import reads counts: the unmapped columns differ, the key does not.
        assert!(hash_a.starts_with("h:"));
        assert_eq!(hash_a, hash_b);
        let c = cols(&["12", "山田 花子", ""]);
        assert_ne!(
            Reader::new(ImportKind::Patients, 3, &columns, &c, &m).row_key(),
            hash_a
        );
        let mut keyed = ImportMapping::default();
        keyed.columns.insert("row_key".into(), "ID".into());
        let key_a = Reader::new(ImportKind::Patients, 1, &columns, &a, &keyed).row_key();
        let key_b = Reader::new(ImportKind::Patients, 2, &columns, &b, &keyed).row_key();
        assert_eq!((key_a.as_str(), key_b.as_str()), ("k:12", "k:12"));
    }

    #[test]
    fn a_referral_row_reads_the_ledgers_words_and_says_each_problem_once() {
        let columns = cols(&[
            "紹介日",
            "紹介先",
            "目的",
            "対応レベル",
            "提供した情報",
            "同意日",
        ]);
        let mut m = ImportMapping::default();
        for (f, c) in [
            ("referred_on", "紹介日"),
            ("agency", "紹介先"),
            ("purpose", "目的"),
            ("level", "対応レベル"),
            ("shared_items", "提供した情報"),
            ("consent_given_on", "同意日"),
        ] {
            m.columns.insert(f.into(), c.into());
        }
        let cells = cols(&[
            "R5.6.1",
            "HW",
            "就職",
            "同行＋FU",
            "氏名・連絡先",
            "R5.5.31",
        ]);
        let mut r = Reader::new(ImportKind::Referrals, 1, &columns, &cells, &m);
        let row = referral_row(&mut r);
        assert!(r.problems.is_empty(), "{:?}", r.problems);
        assert_eq!(row.input.level, "accompanied_with_follow_up");
        assert_eq!(row.input.purpose, "new_employment");
        assert_eq!(row.input.referred_on.as_deref(), Some("2023-06-01"));
        assert_eq!(
            row.input.shared_items,
            Some(vec!["name".to_owned(), "contact".to_owned()])
        );
        assert_eq!(row.agency.as_deref(), Some("HW"));
        assert_eq!(row.consent_given_on, NaiveDate::from_ymd_opt(2023, 5, 31));
        let cells = cols(&["いつか", "", "", "同行", "", ""]);
        let mut r = Reader::new(ImportKind::Referrals, 2, &columns, &cells, &m);
        let row = referral_row(&mut r);
        assert_eq!(row.referred_on, None);
        let got: Vec<(&str, &str)> = r
            .problems
            .iter()
            .map(|p| (p.column.as_deref().unwrap_or_default(), p.code.as_str()))
            .collect();
        assert_eq!(
            got,
            [
                ("紹介日", "invalid_date"),
                ("目的", "required"),
                ("紹介先", "required")
            ]
        );
    }

    #[test]
    fn a_follow_up_row_done_on_a_day_was_due_that_day_unless_it_says_otherwise() {
        let columns = cols(&["予定日", "実施日", "方法", "確認先", "結果", "紹介終了"]);
        let mut m = ImportMapping::default();
        for (f, c) in [
            ("due_on", "予定日"),
            ("done_on", "実施日"),
            ("method", "方法"),
            ("contacted", "確認先"),
            ("outcome", "結果"),
            ("closes_referral", "紹介終了"),
        ] {
            m.columns.insert(f.into(), c.into());
        }
        let cells = cols(&["", "R6.4.30", "訪問", "事業所", "就職", "○"]);
        let mut r = Reader::new(ImportKind::FollowUps, 1, &columns, &cells, &m);
        let row = follow_up_row(&mut r);
        assert!(r.problems.is_empty(), "{:?}", r.problems);
        assert_eq!(row.due_on, NaiveDate::from_ymd_opt(2024, 4, 30));
        assert_eq!(row.record.method.as_deref(), Some("visit"));
        assert_eq!(row.record.contacted.as_deref(), Some("employer"));
        assert_eq!(row.record.outcome.as_deref(), Some("employed"));
        assert!(row.closes_referral);
        let cells = cols(&["", "", "", "", "", ""]);
        let mut r = Reader::new(ImportKind::FollowUps, 2, &columns, &cells, &m);
        let row = follow_up_row(&mut r);
        assert_eq!((row.due_on, row.closes_referral), (None, false));
        assert_eq!(r.problems.len(), 1);
        assert_eq!(r.problems[0].column.as_deref(), Some("予定日"));
    }

    #[test]
    fn topics_in_one_cell_are_several_codes() {
        let columns = cols(&["内容"]);
        let mut m = ImportMapping::default();
        m.columns.insert("topics".into(), "内容".into());
        let cells = cols(&["就労、病気・療養"]);
        let mut r = Reader::new(ImportKind::Consultations, 1, &columns, &cells, &m);
        // 「病気・療養」 is one word although it holds a separator; split, both halves still
        // mean illness.
        assert_eq!(
            r.list("topics"),
            Some(vec!["employment".into(), "illness".into()])
        );
        let cells = cols(&["病気・療養"]);
        let mut r = Reader::new(ImportKind::Consultations, 1, &columns, &cells, &m);
        assert_eq!(r.list("topics"), Some(vec!["illness".into()]));
    }
}
