//! What each kind of import fills in: its fields, the header names a 台帳 uses for them (to
//! guess the mapping), and the words people write for each code (「HW」, 「電話」, 「同行＋FU」),
//! so most cells map to Tsunagu's codes without the center spelling out a value mapping.

use super::{ImportKind, ImportMapping};
use crate::kana::fold;

/// How a field's cells are read.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ValueKind {
    Text,
    /// 西暦 or 和暦, full or half width.
    Date,
    /// A date, optionally with a time of day (`2023/4/1 14:30`).
    DateTime,
    Number,
    /// One of the field's codes.
    Code,
    /// Several codes in one cell, separated by 、, ・, / or commas.
    List,
    /// あり/なし, ○/×, はい/いいえ, 1/0.
    Bool,
}

impl ValueKind {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Text => "text",
            Self::Date => "date",
            Self::DateTime => "date_time",
            Self::Number => "number",
            Self::Code => "code",
            Self::List => "list",
            Self::Bool => "bool",
        }
    }
}

/// A code and the words that mean it; the first word is its label.
pub type Code = (&'static str, &'static [&'static str]);

#[derive(Debug, Clone, Copy)]
pub struct FieldSpec {
    pub field: &'static str,
    pub label: &'static str,
    pub required: bool,
    pub value_kind: ValueKind,
    pub codes: &'static [Code],
    /// Header names that mean this field, compared folded (width, kana and spaces ignored).
    pub aliases: &'static [&'static str],
}

const fn f(
    field: &'static str,
    label: &'static str,
    required: bool,
    value_kind: ValueKind,
    codes: &'static [Code],
    aliases: &'static [&'static str],
) -> FieldSpec {
    FieldSpec {
        field,
        label,
        required,
        value_kind,
        codes,
        aliases,
    }
}

use ValueKind::{Bool, Code as C, Date, DateTime, List, Number, Text};

const SEX: &[Code] = &[
    ("female", &["女性", "女", "F", "female"]),
    ("male", &["男性", "男", "M", "male"]),
    ("other", &["その他", "other"]),
];
const PROGRAM: &[Code] = &[
    ("nanbyo", &["難病", "指定難病", "難病相談"]),
    ("shoman", &["小慢", "小児慢性特定疾病", "小児慢性"]),
];
const EMPLOYMENT: &[Code] = &[
    (
        "employed",
        &["就労中", "就労", "在職", "在職中", "就業中", "働いている"],
    ),
    ("on_leave", &["休職中", "休職"]),
    ("job_seeking", &["求職中", "求職", "就職活動中"]),
    (
        "not_working",
        &["未就労", "無職", "非就労", "就労していない", "働いていない"],
    ),
    ("student", &["学生", "在学中", "生徒"]),
];
const AWARENESS: &[Code] = &[
    ("using", &["現在利用している", "利用中", "利用している"]),
    (
        "used_before",
        &["以前利用したことがある", "利用歴あり", "以前利用"],
    ),
    (
        "aware_not_used",
        &["知っているが利用したことはない", "知っている", "認知あり"],
    ),
    ("unaware", &["知らない", "認知なし", "知らなかった"]),
];
const CHANNEL: &[Code] = &[
    ("in_person", &["面談", "来所", "対面", "面接"]),
    ("phone", &["電話", "TEL", "tel", "電話相談"]),
    (
        "email",
        &["メール", "E-mail", "email", "Eメール", "電子メール"],
    ),
    ("outreach", &["出張相談", "出張"]),
    ("home_visit", &["訪問", "家庭訪問", "自宅訪問"]),
    (
        "online",
        &["オンライン", "Web", "WEB", "ZOOM", "Zoom", "ビデオ通話"],
    ),
];
const REQUESTER: &[Code] = &[
    ("patient", &["本人", "患者", "患者本人", "当事者"]),
    ("family", &["家族", "親", "配偶者", "保護者"]),
    ("agency", &["関係機関", "機関", "支援者", "支援機関"]),
    ("other", &["その他"]),
];
const TOPIC: &[Code] = &[
    ("illness", &["病気・療養", "病気", "療養", "医療", "治療"]),
    ("employment", &["就労", "仕事", "就職", "雇用"]),
    (
        "welfare_system",
        &["制度", "福祉制度", "医療費助成", "手当", "年金"],
    ),
    ("daily_life", &["日常生活", "生活"]),
    ("peer_support", &["ピアサポート", "ピア", "患者会"]),
    ("psychological", &["心理", "心理的", "不安", "悩み"]),
    ("other", &["その他"]),
];

const PATIENTS: &[FieldSpec] = &[
    f(
        "row_key",
        "取込キー（台帳の番号）",
        false,
        Text,
        &[],
        &[
            "相談者番号",
            "相談者ID",
            "台帳番号",
            "管理番号",
            "患者番号",
            "ID",
            "No",
            "No.",
            "番号",
            "通し番号",
        ],
    ),
    f(
        "name",
        "氏名",
        false,
        Text,
        &[],
        &["氏名", "名前", "患者氏名", "相談者氏名", "お名前"],
    ),
    f("family_name", "姓", false, Text, &[], &["姓", "氏"]),
    f("given_name", "名", false, Text, &[], &["名"]),
    f(
        "name_kana",
        "フリガナ",
        false,
        Text,
        &[],
        &[
            "フリガナ",
            "ふりがな",
            "カナ",
            "氏名カナ",
            "カナ氏名",
            "よみがな",
            "ヨミガナ",
            "氏名（カナ）",
            "氏名(カナ)",
        ],
    ),
    f(
        "family_name_kana",
        "セイ",
        false,
        Text,
        &[],
        &["セイ", "姓カナ", "姓（カナ）", "姓(カナ)"],
    ),
    f(
        "given_name_kana",
        "メイ",
        false,
        Text,
        &[],
        &["メイ", "名カナ", "名（カナ）", "名(カナ)"],
    ),
    f(
        "birth_date",
        "生年月日",
        true,
        Date,
        &[],
        &["生年月日", "誕生日", "生年月日（和暦）"],
    ),
    f("sex", "性別", false, C, SEX, &["性別"]),
    f(
        "phone",
        "電話番号",
        false,
        Text,
        &[],
        &["電話番号", "電話", "TEL", "連絡先", "携帯"],
    ),
    f(
        "email",
        "メールアドレス",
        false,
        Text,
        &[],
        &["メールアドレス", "メール", "E-mail", "Email"],
    ),
    f(
        "program",
        "事業",
        true,
        C,
        PROGRAM,
        &["事業", "事業区分", "区分"],
    ),
    f(
        "disease_number",
        "告示番号",
        false,
        Number,
        &[],
        &["告示番号", "疾病番号", "指定難病番号"],
    ),
    f(
        "diagnosis",
        "疾病名",
        false,
        Text,
        &[],
        &["疾病名", "病名", "診断名", "疾患名"],
    ),
    f(
        "employment_status",
        "就労状況",
        true,
        C,
        EMPLOYMENT,
        &["就労状況", "就労状態", "就労の状況", "仕事"],
    ),
    f(
        "support_awareness",
        "就労支援機関の認知",
        true,
        C,
        AWARENESS,
        &["就労支援機関の認知", "支援機関の認知", "認知"],
    ),
    f(
        "disability_certificate",
        "障害者手帳",
        false,
        Bool,
        &[],
        &["障害者手帳", "手帳", "手帳の有無"],
    ),
    f(
        "registered_on",
        "登録日",
        false,
        Date,
        &[],
        &["登録日", "受付日", "初回相談日", "初回受付日", "登録年月日"],
    ),
    f(
        "notes",
        "備考",
        false,
        Text,
        &[],
        &["備考", "メモ", "特記事項"],
    ),
];

const CONSULTATIONS: &[FieldSpec] = &[
    f(
        "row_key",
        "取込キー（記録の番号）",
        false,
        Text,
        &[],
        &[
            "相談番号",
            "記録番号",
            "相談ID",
            "記録ID",
            "No",
            "No.",
            "通し番号",
        ],
    ),
    f(
        "patient_key",
        "相談者の取込キー",
        false,
        Text,
        &[],
        &["相談者番号", "相談者ID", "台帳番号", "管理番号", "患者番号"],
    ),
    f(
        "case_number",
        "ケース番号",
        false,
        Text,
        &[],
        &["ケース番号", "Tsunagu番号"],
    ),
    f(
        "occurred_at",
        "相談日",
        true,
        DateTime,
        &[],
        &["相談日", "相談日時", "日付", "対応日", "受付日時", "実施日"],
    ),
    f(
        "channel",
        "相談方法",
        true,
        C,
        CHANNEL,
        &["相談方法", "方法", "手段", "相談手段", "対応方法"],
    ),
    f(
        "requester",
        "相談者",
        true,
        C,
        REQUESTER,
        &["相談者", "相談者区分", "相談者種別", "相談者の別"],
    ),
    f(
        "topics",
        "相談内容の分類",
        true,
        List,
        TOPIC,
        &["相談内容", "内容区分", "分類", "相談分類", "相談の種類"],
    ),
    f(
        "duration_minutes",
        "所要時間（分）",
        false,
        Number,
        &[],
        &[
            "所要時間",
            "時間（分）",
            "時間(分)",
            "対応時間",
            "所要時間（分）",
        ],
    ),
    f(
        "with_employment_supporter",
        "就職サポーター同席",
        false,
        Bool,
        &[],
        &["就職サポーター同席", "サポーター同席", "就職サポーター"],
    ),
    f(
        "summary",
        "相談概要",
        false,
        Text,
        &[],
        &["相談概要", "概要", "記録", "相談記録", "内容"],
    ),
    f(
        "consultant",
        "担当者",
        false,
        Text,
        &[],
        &["担当者", "相談員", "対応者", "担当"],
    ),
];

/// The fields of a kind; empty for a kind this version does not import yet.
pub fn fields(kind: ImportKind) -> &'static [FieldSpec] {
    match kind {
        ImportKind::Patients => PATIENTS,
        ImportKind::Consultations => CONSULTATIONS,
        ImportKind::Referrals | ImportKind::FollowUps => &[],
    }
}

pub fn spec(kind: ImportKind, field: &str) -> Option<&'static FieldSpec> {
    fields(kind).iter().find(|s| s.field == field)
}

/// How headers and words are compared: widths, kana scripts, case and spaces don't matter.
fn key(s: &str) -> String {
    fold(s.trim())
}

/// The mapping guessed from the header row: each field to the first column whose name is one
/// of its aliases (or its label, or its own name).
pub fn guess(kind: ImportKind, columns: &[String]) -> ImportMapping {
    let mut m = ImportMapping::default();
    let mut taken = std::collections::BTreeSet::new();
    for spec in fields(kind) {
        let names: Vec<String> = spec
            .aliases
            .iter()
            .copied()
            .chain([spec.label, spec.field])
            .map(key)
            .collect();
        if let Some(col) = columns
            .iter()
            .find(|c| !taken.contains(c.as_str()) && names.contains(&key(c)))
        {
            taken.insert(col.as_str());
            m.columns.insert(spec.field.to_owned(), col.clone());
        }
    }
    m
}

/// The code a word means, for a code field: the code itself, or one of its words.
pub fn code_of(spec: &FieldSpec, word: &str) -> Option<&'static str> {
    let k = key(word);
    if k.is_empty() {
        return None;
    }
    spec.codes
        .iter()
        .find(|(code, words)| key(code) == k || words.iter().any(|w| key(w) == k))
        .map(|(code, _)| *code)
}

const YES: &[&str] = &[
    "あり", "有", "有り", "○", "〇", "◯", "はい", "1", "true", "yes", "y", "済",
];
const NO: &[&str] = &[
    "なし",
    "無",
    "無し",
    "×",
    "✕",
    "いいえ",
    "0",
    "false",
    "no",
    "n",
    "-",
    "ー",
];

/// A yes/no cell; `None` when it is neither.
pub fn bool_of(word: &str) -> Option<bool> {
    let k = key(word);
    if YES.iter().any(|w| key(w) == k) {
        Some(true)
    } else if NO.iter().any(|w| key(w) == k) {
        Some(false)
    } else {
        None
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn headers_are_matched_whatever_their_width_or_script() {
        let cols: Vec<String> = [
            "ＩＤ",
            "氏名",
            "ふりがな",
            "生年月日",
            "TEL",
            "就労状況",
            "メモ",
        ]
        .iter()
        .map(|s| (*s).to_owned())
        .collect();
        let m = guess(ImportKind::Patients, &cols);
        assert_eq!(m.columns.get("row_key").map(String::as_str), Some("ＩＤ"));
        assert_eq!(m.columns.get("name").map(String::as_str), Some("氏名"));
        assert_eq!(
            m.columns.get("name_kana").map(String::as_str),
            Some("ふりがな")
        );
        assert_eq!(m.columns.get("phone").map(String::as_str), Some("TEL"));
        assert_eq!(m.columns.get("notes").map(String::as_str), Some("メモ"));
        assert!(!m.columns.contains_key("sex"));
    }

    #[test]
    fn one_column_feeds_one_field() {
        // 「相談者番号」 is both a consultation's patient key and nothing else here.
        let cols = vec!["相談者番号".to_owned(), "相談日".to_owned()];
        let m = guess(ImportKind::Consultations, &cols);
        assert_eq!(
            m.columns.get("patient_key").map(String::as_str),
            Some("相談者番号")
        );
        assert!(!m.columns.contains_key("row_key"));
    }

    #[test]
    fn the_words_people_write_mean_codes() {
        let channel = spec(ImportKind::Consultations, "channel").unwrap();
        assert_eq!(code_of(channel, "ＴＥＬ"), Some("phone"));
        assert_eq!(code_of(channel, "来所"), Some("in_person"));
        assert_eq!(code_of(channel, "phone"), Some("phone"));
        assert_eq!(code_of(channel, "FAX"), None);
        let sex = spec(ImportKind::Patients, "sex").unwrap();
        assert_eq!(code_of(sex, "女"), Some("female"));
        assert_eq!(bool_of("○"), Some(true));
        assert_eq!(bool_of("なし"), Some(false));
        assert_eq!(bool_of("たぶん"), None);
    }

    #[test]
    fn every_code_is_one_the_domain_knows() {
        use crate::values::{
            Channel, EmploymentStatus, Program, Requester, Sex, SupportAwareness, Topic,
        };
        let ok = |field: &str, code: &str| match field {
            "sex" => Sex::parse(field, code).is_ok(),
            "program" => Program::parse(field, code).is_ok(),
            "employment_status" => EmploymentStatus::parse(field, code).is_ok(),
            "support_awareness" => SupportAwareness::parse(field, code).is_ok(),
            "channel" => Channel::parse(field, code).is_ok(),
            "requester" => Requester::parse(field, code).is_ok(),
            "topics" => Topic::parse(field, code).is_ok(),
            _ => false,
        };
        for kind in [ImportKind::Patients, ImportKind::Consultations] {
            for s in fields(kind).iter().filter(|s| !s.codes.is_empty()) {
                for (code, words) in s.codes {
                    assert!(ok(s.field, code), "{} {code}", s.field);
                    assert!(!words.is_empty());
                }
            }
        }
    }
}
