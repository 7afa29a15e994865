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

const PURPOSE: &[Code] = &[
    (
        "new_employment",
        &["新規就労", "新規就職", "就職", "就職支援", "求職", "新規"],
    ),
    (
        "job_retention",
        &[
            "就労継続",
            "雇用継続",
            "継続",
            "定着",
            "職場定着",
            "在職者支援",
        ],
    ),
];
/// The survey's four levels (対応内容), by number and by the words of a 紹介台帳.
const LEVEL: &[Code] = &[
    (
        "information_only",
        &["情報提供", "情報提供のみ", "紹介のみ", "1", "レベル1"],
    ),
    (
        "phone_mediation",
        &[
            "電話仲介",
            "電話連絡",
            "電話",
            "電話でつなぐ",
            "2",
            "レベル2",
        ],
    ),
    ("accompanied", &["同行", "同行支援", "3", "レベル3"]),
    (
        "accompanied_with_follow_up",
        &[
            "同行+FU",
            "同行＋FU",
            "同行+フォローアップ",
            "同行＋フォローアップ",
            "同行・FU",
            "同行FU",
            "同行とフォローアップ",
            "4",
            "レベル4",
        ],
    ),
];
const SHARED_ITEM: &[Code] = &[
    ("name", &["氏名", "名前"]),
    ("birth_date", &["生年月日", "年齢"]),
    ("contact", &["連絡先", "電話番号", "電話", "メール"]),
    ("address", &["住所"]),
    ("diagnosis", &["病名", "疾病名", "診断名", "病状"]),
    ("disability_certificate", &["障害者手帳", "手帳"]),
    ("employment_history", &["職歴", "就労歴", "就労経験"]),
    ("consultation_record", &["相談記録", "相談内容", "相談経過"]),
];
const OUTCOME: &[Code] = &[
    ("searching", &["求職中", "活動中", "就職活動中", "支援中"]),
    ("employed", &["就職", "就職決定", "採用", "就労開始"]),
    ("retained", &["就労継続", "定着", "雇用継続", "継続就労"]),
    ("left_job", &["離職", "退職"]),
    ("declined", &["辞退", "利用せず", "本人辞退"]),
    (
        "lost_contact",
        &["連絡不通", "連絡とれず", "連絡が取れない", "音信不通"],
    ),
    ("other", &["その他"]),
];
const METHOD: &[Code] = &[
    ("phone", &["電話", "TEL"]),
    ("in_person", &["面談", "来所", "対面"]),
    ("email", &["メール", "E-mail", "email"]),
    ("visit", &["訪問", "同行訪問"]),
    ("online", &["オンライン", "Web", "Zoom"]),
    ("other", &["その他"]),
];
const CONTACTED: &[Code] = &[
    ("patient", &["本人", "患者", "相談者"]),
    ("agency", &["機関", "関係機関", "紹介先", "支援機関"]),
    ("employer", &["事業所", "企業", "職場", "雇用主"]),
];

const REFERRALS: &[FieldSpec] = &[
    f(
        "row_key",
        "取込キー（紹介の番号）",
        false,
        Text,
        &[],
        &["紹介番号", "紹介ID", "記録番号", "No", "No.", "通し番号"],
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
        "agency",
        "紹介先",
        true,
        Text,
        &[],
        &["紹介先", "紹介先機関", "紹介機関", "機関名", "連携先"],
    ),
    f(
        "purpose",
        "紹介の目的",
        true,
        C,
        PURPOSE,
        &["目的", "紹介目的", "紹介の目的", "支援の目的"],
    ),
    f(
        "level",
        "対応レベル",
        true,
        C,
        LEVEL,
        &["対応レベル", "レベル", "対応内容", "紹介方法", "支援方法"],
    ),
    f(
        "referred_on",
        "紹介日",
        true,
        Date,
        &[],
        &["紹介日", "紹介年月日", "実施日", "日付"],
    ),
    f(
        "shared_items",
        "提供した情報",
        false,
        List,
        SHARED_ITEM,
        &["提供した情報", "提供情報", "情報提供項目", "提供項目"],
    ),
    f(
        "consent_given_on",
        "同意日",
        false,
        Date,
        &[],
        &["同意日", "同意取得日", "同意年月日"],
    ),
    f(
        "handed_over",
        "引継ぎ事項",
        false,
        Text,
        &[],
        &["引継ぎ事項", "引継ぎ", "引継ぎ内容", "申し送り", "申送り"],
    ),
    f("notes", "備考", false, Text, &[], &["備考", "メモ"]),
    f(
        "consultant",
        "担当者",
        false,
        Text,
        &[],
        &["担当者", "相談員", "担当"],
    ),
    f(
        "closed_on",
        "終了日",
        false,
        Date,
        &[],
        &["終了日", "終結日", "支援終了日"],
    ),
    f(
        "outcome",
        "結果",
        false,
        C,
        OUTCOME,
        &["結果", "転帰", "支援結果", "紹介結果"],
    ),
];

const FOLLOW_UPS: &[FieldSpec] = &[
    f(
        "row_key",
        "取込キー（フォローアップの番号）",
        false,
        Text,
        &[],
        &[
            "フォローアップ番号",
            "FU番号",
            "記録番号",
            "No",
            "No.",
            "通し番号",
        ],
    ),
    f(
        "referral_key",
        "紹介の取込キー",
        true,
        Text,
        &[],
        &["紹介番号", "紹介ID"],
    ),
    f(
        "due_on",
        "予定日",
        false,
        Date,
        &[],
        &["予定日", "フォローアップ予定日", "FU予定日", "期日", "予定"],
    ),
    f(
        "done_on",
        "実施日",
        false,
        Date,
        &[],
        &["実施日", "フォローアップ日", "FU実施日", "FU日", "確認日"],
    ),
    f(
        "method",
        "方法",
        false,
        C,
        METHOD,
        &["方法", "確認方法", "フォローアップ方法", "手段"],
    ),
    f(
        "contacted",
        "確認先",
        false,
        C,
        CONTACTED,
        &["確認先", "連絡先", "確認相手", "相手"],
    ),
    f(
        "outcome",
        "結果",
        false,
        C,
        OUTCOME,
        &["結果", "状況", "転帰"],
    ),
    f(
        "notes",
        "記録",
        false,
        Text,
        &[],
        &["記録", "内容", "備考", "メモ"],
    ),
    f(
        "consultant",
        "担当者",
        false,
        Text,
        &[],
        &["担当者", "相談員", "担当"],
    ),
    f(
        "closes_referral",
        "紹介の終了",
        false,
        Bool,
        &[],
        &["紹介終了", "紹介の終了", "終了", "支援終了"],
    ),
];

/// The fields of a kind.
pub fn fields(kind: ImportKind) -> &'static [FieldSpec] {
    match kind {
        ImportKind::Patients => PATIENTS,
        ImportKind::Consultations => CONSULTATIONS,
        ImportKind::Referrals => REFERRALS,
        ImportKind::FollowUps => FOLLOW_UPS,
    }
}

/// The words a 紹介台帳 uses for a kind of agency instead of its name.
const AGENCY_TYPE: &[Code] = &[
    (
        "hello_work",
        &[
            "ハローワーク",
            "HW",
            "ハロワ",
            "公共職業安定所",
            "職業安定所",
            "職安",
        ],
    ),
    (
        "employment_life_support_center",
        &[
            "障害者就業・生活支援センター",
            "就業・生活支援センター",
            "就業生活支援センター",
            "ナカポツ",
            "なかぽつ",
        ],
    ),
    (
        "vocational_center",
        &[
            "地域障害者職業センター",
            "障害者職業センター",
            "職業センター",
        ],
    ),
];

/// The kind of agency a word names (「HW」 → Hello Work), for a 台帳 that wrote the kind
/// rather than the agency's name.
pub fn agency_type_of(word: &str) -> Option<crate::values::AgencyType> {
    let k = key(word);
    AGENCY_TYPE
        .iter()
        .find(|(code, words)| key(code) == k || words.iter().any(|w| key(w) == k))
        .and_then(|(code, _)| crate::values::AgencyType::parse("agency", code).ok())
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
    fn a_ledger_may_name_the_kind_of_agency_instead_of_the_agency() {
        use crate::values::AgencyType;
        assert_eq!(agency_type_of("ＨＷ"), Some(AgencyType::HelloWork));
        assert_eq!(
            agency_type_of("ﾅｶﾎﾟﾂ"),
            Some(AgencyType::EmploymentLifeSupportCenter)
        );
        assert_eq!(
            agency_type_of("職業センター"),
            Some(AgencyType::VocationalCenter)
        );
        assert_eq!(agency_type_of("〇〇株式会社"), None);
    }

    #[test]
    fn a_referral_ledger_says_its_levels_in_its_own_words() {
        let level = spec(ImportKind::Referrals, "level").unwrap();
        assert_eq!(
            code_of(level, "同行＋ＦＵ"),
            Some("accompanied_with_follow_up")
        );
        assert_eq!(
            code_of(level, "同行+フォローアップ"),
            Some("accompanied_with_follow_up")
        );
        assert_eq!(code_of(level, "４"), Some("accompanied_with_follow_up"));
        assert_eq!(code_of(level, "電話"), Some("phone_mediation"));
        assert_eq!(code_of(level, "同行"), Some("accompanied"));
        // No word means two codes of one field.
        for kind in ImportKind::ALL.iter().copied() {
            for s in fields(kind) {
                let mut seen = std::collections::BTreeMap::new();
                for (code, words) in s.codes {
                    for w in words.iter().copied().chain([*code]) {
                        if let Some(other) = seen.insert(key(w), *code) {
                            assert_eq!(other, *code, "{}: {w}", s.field);
                        }
                    }
                }
            }
        }
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
            CaseOutcome, Channel, Contacted, EmploymentStatus, FollowUpMethod, Level, Program,
            Purpose, Requester, Sex, SharedItem, SupportAwareness, Topic,
        };
        let ok = |field: &str, code: &str| match field {
            "sex" => Sex::parse(field, code).is_ok(),
            "program" => Program::parse(field, code).is_ok(),
            "employment_status" => EmploymentStatus::parse(field, code).is_ok(),
            "support_awareness" => SupportAwareness::parse(field, code).is_ok(),
            "channel" => Channel::parse(field, code).is_ok(),
            "requester" => Requester::parse(field, code).is_ok(),
            "topics" => Topic::parse(field, code).is_ok(),
            "purpose" => Purpose::parse(field, code).is_ok(),
            "level" => Level::parse(field, code).is_ok(),
            "shared_items" => SharedItem::parse(field, code).is_ok(),
            "outcome" => CaseOutcome::parse(field, code).is_ok(),
            "method" => FollowUpMethod::parse(field, code).is_ok(),
            "contacted" => Contacted::parse(field, code).is_ok(),
            _ => false,
        };
        for kind in ImportKind::ALL.iter().copied() {
            for s in fields(kind).iter().filter(|s| !s.codes.is_empty()) {
                for (code, words) in s.codes {
                    assert!(ok(s.field, code), "{} {code}", s.field);
                    assert!(!words.is_empty());
                }
            }
        }
    }
}
