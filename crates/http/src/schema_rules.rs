//! What the API's validation says of a text or a date, stated in the OpenAPI document so
//! that a client (or a generator of test data) knows it before sending: a field's
//! `#[schema(pattern = "{name}")]` names one of the rules below, and [`state_rules`] puts
//! the rule's regular expression in its place. The expressions mirror `tsunagu_domain`'s
//! checks (`values::text`, `kana`, `values::date`, `Login`, `PrefectureCode`, the master's
//! codes, `reports::Period`) character for character; the tests below hold them to those
//! functions. They are written for both ECMA-262 (with the `u` flag) and Python's `re`: BMP
//! code points as `\uXXXX`, others as the characters themselves. None uses a lookahead:
//! Rust's `regex` has none, and Hypothesis (which Schemathesis generates data with) would
//! not honour one; a check that needs one (a phone number's digit count across its
//! separators) is not stated.

use utoipa::openapi::path::Parameter;
use utoipa::openapi::schema::{
    AdditionalProperties, ArrayItems, KnownFormat, Schema, SchemaFormat,
};
use utoipa::openapi::{OpenApi, RefOr};

/// What `str::trim` removes (Unicode White_Space).
const WS: &str =
    "\\t\\n\\x0b\\x0c\\r \\x85\\xa0\\u1680\\u2000-\\u200a\\u2028\\u2029\\u202f\\u205f\\u3000";
/// Whitespace that is not a control character: a word break inside a reading.
const BREAK: &str = " \\xa0\\u1680\\u2000-\\u200a\\u2028\\u2029\\u202f\\u205f\\u3000";
/// Control characters (general category Cc).
const CONTROL: &str = "\\x00-\\x1f\\x7f-\\x9f";
/// Control characters but the tab.
const CONTROL_BUT_TAB: &str = "\\x00-\\x08\\x0a-\\x1f\\x7f-\\x9f";
/// What `str::trim` removes, but the line breaks CR and LF (between the lines of a text).
const LINE_WS: &str =
    "\\t\\x0b\\x0c \\x85\\xa0\\u1680\\u2000-\\u200a\\u2028\\u2029\\u202f\\u205f\\u3000";
/// Noncharacters.
const NONCHARACTER: &str = "\\ufdd0-\\ufdef\\ufffe\\uffff\u{1FFFE}-\u{1FFFF}\u{2FFFE}-\u{2FFFF}\u{3FFFE}-\u{3FFFF}\u{4FFFE}-\u{4FFFF}\u{5FFFE}-\u{5FFFF}\u{6FFFE}-\u{6FFFF}\u{7FFFE}-\u{7FFFF}\u{8FFFE}-\u{8FFFF}\u{9FFFE}-\u{9FFFF}\u{AFFFE}-\u{AFFFF}\u{BFFFE}-\u{BFFFF}\u{CFFFE}-\u{CFFFF}\u{DFFFE}-\u{DFFFF}\u{EFFFE}-\u{EFFFF}\u{FFFFE}-\u{FFFFF}\u{10FFFE}-\u{10FFFF}";
/// `values::text::unsafe_in_name` besides controls and noncharacters: format characters,
/// invisible fillers and private use.
const NAME_ALSO: &str = "\\u00ad\\u0600-\\u0605\\u061c\\u06dd\\u070f\\u0890\\u0891\\u08e2\\u180e\\u200b-\\u200f\\u202a-\\u202e\\u2060-\\u2064\\u2066-\\u206f\\ufeff\\ufff9-\\ufffb\u{110BD}\u{110CD}\u{13430}-\u{1343F}\u{1BCA0}-\u{1BCA3}\u{1D173}-\u{1D17A}\u{E0001}\u{E0020}-\u{E007F}\\u034f\\u115f\\u1160\\u17b4\\u17b5\\u180b-\\u180f\\u2028\\u2029\\u2800\\u3164\\uffa0\\ue000-\\uf8ff\u{F0000}-\u{FFFFD}\u{100000}-\u{10FFFD}";
/// `values::text::unsafe_in_prose` besides controls and noncharacters: bidirectional
/// controls, the byte-order mark and tags.
const PROSE_ALSO: &str =
    "\\u061c\\u200e\\u200f\\u202a-\\u202e\\u2066-\\u2069\\ufeff\u{E0000}-\u{E007F}";
/// Variation selectors: allowed in a name, never alone.
const SELECTOR: &str = "\\ufe00-\\ufe0f\u{E0100}-\u{E01EF}";
/// What `kana::kana` reads as a reading: hiragana, full-width katakana with ・ ー ヽ ヾ, and
/// half-width katakana (a separate voiced mark is left out: it is one only after some kana).
const KANA: &str = "\\u3041-\\u3096\\u309d\\u309e\\u30a1-\\u30fe\\uff65-\\uff9d";

/// The expression a placeholder stands for.
fn rule(placeholder: &str) -> Option<String> {
    let name_bad = format!("{CONTROL}{NONCHARACTER}{NAME_ALSO}");
    let prose_bad = format!("{CONTROL}{NONCHARACTER}{PROSE_ALSO}");
    // A name: something visible, nothing unsafe, whitespace round it trimmed.
    let name = format!("[^{name_bad}]*[^{name_bad}{WS}{SELECTOR}][^{name_bad}]*");
    // Text without control characters that is not only whitespace (`values::text`).
    let plain = format!("[^{CONTROL}]*[^{CONTROL}{WS}][^{CONTROL}]*");
    // Prose that is not only whitespace.
    let prose = format!("[^{prose_bad}]*[^{prose_bad}{WS}][^{prose_bad}]*");
    // Inside a line of multiline prose a tab is a space; line breaks end the line.
    let prose_bad_in_line = format!("{CONTROL_BUT_TAB}{NONCHARACTER}{PROSE_ALSO}");
    Some(match placeholder {
        // `values::text::name_text`.
        "{name}" => format!("^[{WS}]*{name}[{WS}]*$"),
        // `values::text::optional_text`: blank is absent.
        "{optional_name}" => format!("^[{WS}]*(?:{name}[{WS}]*)?$"),
        // `values::text::optional_prose`: blank is absent.
        "{prose}" => format!("^[{WS}]*[^{prose_bad}]*[{WS}]*$"),
        // `kana::kana`: words of kana, separated by whitespace.
        "{kana}" => format!("^[{WS}]*[{KANA}][{KANA}{BREAK}]*[{WS}]*$"),
        // `values::center_code`: letters, digits, `-` and `_`, compared in lower case.
        "{code}" => format!("^[{WS}]*[A-Za-z0-9_-]{{1,32}}[{WS}]*$"),
        // `values::date`: the years 1900 to 2199 (the format says the rest).
        "{date}" => "^(19[0-9]{2}|2[01][0-9]{2})-[0-9]{2}-[0-9]{2}$".to_owned(),
        // `values::text`: something besides whitespace, no control character once trimmed.
        "{text}" => format!("^[{WS}]*{plain}[{WS}]*$"),
        // Blank (a default is taken), or `values::text`.
        "{optional_text}" => format!("^[{WS}]*(?:{plain}[{WS}]*)?$"),
        // `values::optional_prose` that must say something (blank is refused).
        "{required_prose}" => format!("^[{WS}]*{prose}[{WS}]*$"),
        // `values::optional_multiline_prose`: lines (CRLF, CR or LF between them) of prose,
        // where a tab may stand anywhere and whitespace round each line is trimmed.
        "{multiline_prose}" => {
            let line = format!("[{LINE_WS}]*[^{prose_bad_in_line}]*[{LINE_WS}]*");
            format!("^{line}(?:(?:\\r\\n|\\r|\\n){line})*$")
        }
        // `values::Login::parse`: 3 to 64 ASCII letters, digits and `._-@`, trimmed.
        "{login}" => format!("^[{WS}]*[A-Za-z0-9._@-]{{3,64}}[{WS}]*$"),
        // `values::PrefectureCode::parse` and `master::prefecture`: JIS X 0401, 01 to 47.
        "{prefecture}" => "^(0[1-9]|[1-3][0-9]|4[0-7])$".to_owned(),
        // Blank (the period is `from` and `to`), or a fiscal year 2000 to 2100 as
        // `reports::Period::parse` reads one: four digits exactly, nothing round them.
        "{optional_fiscal_year}" => format!("^(?:[{WS}]*|20[0-9]{{2}}|2100)$"),
        // `master::municipality`: one of the shipped master's local-government codes, exactly.
        "{municipality}" => {
            let codes: Vec<&str> = tsunagu_domain::master::municipalities()
                .iter()
                .map(|m| m.code.as_str())
                .collect();
            format!("^{}$", alternation(&codes))
        }
        // `regional::administrations::check_code` for some kind, trimmed: a prefecture's
        // code (with its check digit), a 特別区 or a municipality that is not a designated
        // city's ward. Which kind the code must be of is a rule between fields.
        "{administration_code}" => {
            use tsunagu_domain::master;
            let mut codes: Vec<String> = master::prefectures()
                .iter()
                .filter_map(|p| master::prefecture_lg_code(&p.code))
                .chain(
                    master::municipalities()
                        .iter()
                        .filter(|m| m.code.starts_with("131") || !m.name.contains(' '))
                        .map(|m| m.code.clone()),
                )
                .collect();
            codes.sort();
            codes.dedup();
            let codes: Vec<&str> = codes.iter().map(String::as_str).collect();
            format!("^[{WS}]*{}[{WS}]*$", alternation(&codes))
        }
        // `regional::figures::check_parameter` for some kind, trimmed: blank, an agency
        // type, a topic or a need kind. Which of them the figure's kind takes is a rule
        // between fields.
        "{figure_parameter}" => {
            use tsunagu_domain::values::{AgencyType, NeedKind, Topic};
            let mut words: Vec<&str> = AgencyType::ALL
                .iter()
                .map(|x| x.as_str())
                .chain(Topic::ALL.iter().map(|x| x.as_str()))
                .chain(NeedKind::ALL.iter().map(|x| x.as_str()))
                .collect();
            words.sort_unstable();
            words.dedup();
            format!("^[{WS}]*(?:(?:{})[{WS}]*)?$", words.join("|"))
        }
        _ => return None,
    })
}

/// An expression that matches exactly the given codes (of digits, sorted), grouped two
/// digits at a time so that it stays short: `(?:01(?:10(?:02|11)|20(?:20)))`.
fn alternation(codes: &[&str]) -> String {
    if codes.iter().all(|c| c.len() <= 2) {
        return format!("(?:{})", codes.join("|"));
    }
    let mut groups: Vec<(&str, Vec<&str>)> = Vec::new();
    for c in codes {
        let (head, rest) = c.split_at(2.min(c.len()));
        match groups.last_mut() {
            Some((h, rests)) if *h == head => rests.push(rest),
            _ => groups.push((head, vec![rest])),
        }
    }
    let parts: Vec<String> = groups
        .iter()
        .map(|(head, rests)| format!("{head}{}", alternation(rests)))
        .collect();
    format!("(?:{})", parts.join("|"))
}

/// Puts each rule in the place of its placeholder, and the bounds of `values::date` on
/// every `format: date` (every date the API reads goes through it): in the components and
/// in each operation's parameters and request body.
pub fn state_rules(spec: &mut OpenApi) {
    if let Some(components) = spec.components.as_mut() {
        components.schemas.values_mut().for_each(fill_ref);
    }
    for item in spec.paths.paths.values_mut() {
        item.parameters
            .iter_mut()
            .flatten()
            .for_each(fill_parameter);
        let operations = [
            &mut item.get,
            &mut item.put,
            &mut item.post,
            &mut item.delete,
            &mut item.patch,
        ];
        for op in operations.into_iter().flatten() {
            op.parameters.iter_mut().flatten().for_each(fill_parameter);
            if let Some(RefOr::T(body)) = op.request_body.as_mut() {
                for content in body.content.values_mut() {
                    if let RefOr::T(c) = content {
                        c.schema.iter_mut().for_each(fill_ref);
                    }
                }
            }
        }
    }
}

fn fill_parameter(p: &mut RefOr<Parameter>) {
    if let RefOr::T(p) = p {
        p.schema.iter_mut().for_each(fill_ref);
    }
}

fn fill_ref(s: &mut RefOr<Schema>) {
    if let RefOr::T(s) = s {
        fill(s);
    }
}

fn fill(s: &mut Schema) {
    match s {
        Schema::Object(o) => {
            if matches!(o.format, Some(SchemaFormat::KnownFormat(KnownFormat::Date)))
                && o.pattern.is_none()
            {
                o.pattern = Some("{date}".into());
            }
            if let Some(p) = o.pattern.as_mut()
                && let Some(r) = rule(p)
            {
                *p = r;
            }
            o.properties.values_mut().for_each(fill_ref);
            if let Some(AdditionalProperties::RefOr(r)) = o.additional_properties.as_deref_mut() {
                fill_ref(r);
            }
        }
        Schema::Array(a) => {
            if let ArrayItems::RefOrSchema(items) = &mut a.items {
                fill_ref(items);
            }
        }
        Schema::OneOf(x) => x.items.iter_mut().for_each(fill_ref),
        Schema::AllOf(x) => x.items.iter_mut().for_each(fill_ref),
        Schema::AnyOf(x) => x.items.iter_mut().for_each(fill_ref),
        _ => {}
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use tsunagu_domain::kana::kana;
    use tsunagu_domain::values::{date, name_text, optional_prose, optional_text};

    fn re(placeholder: &str) -> regex::Regex {
        regex::Regex::new(&rule(placeholder).unwrap()).unwrap()
    }

    /// Every BMP code point and the astral ranges the rules name, alone and in context.
    fn samples() -> impl Iterator<Item = String> {
        let astral = [
            0x1_0000..0x1_0100,
            0x1_0FFE..0x1_1100,
            0x1_D170..0x1_D180,
            0xE_0000..0xE_0200,
            0xF_0000..0xF_0010,
            0xF_FFF0..0x10_0010,
            0x10_FFF0..0x11_0000,
        ];
        (0..0x1_0000u32)
            .chain(astral.into_iter().flatten())
            .filter_map(char::from_u32)
            .flat_map(|c| {
                [
                    format!("{c}"),
                    format!("山{c}"),
                    format!("{c}田"),
                    format!(" {c} "),
                    format!("山{c}田"),
                    format!("\u{3000}{c}\t"),
                ]
            })
    }

    #[test]
    fn the_text_rules_say_what_the_checks_do() {
        let (name, optional, prose) = (re("{name}"), re("{optional_name}"), re("{prose}"));
        for s in samples().chain([
            "".into(),
            " ".into(),
            "\t".into(),
            "\u{FE00}".into(),
            "山\u{E0100}".into(),
        ]) {
            assert_eq!(
                name.is_match(&s),
                name_text("f", &s, 1, usize::MAX).is_ok(),
                "name {s:?}"
            );
            assert_eq!(
                optional.is_match(&s),
                optional_text("f", Some(&s), usize::MAX).is_ok(),
                "optional name {s:?}"
            );
            assert_eq!(
                prose.is_match(&s),
                optional_prose("f", Some(&s), usize::MAX).is_ok(),
                "prose {s:?}"
            );
        }
    }

    #[test]
    fn a_reading_the_rule_accepts_is_one_the_check_accepts() {
        let pattern = re("{kana}");
        let marks = [
            '\u{3099}', '\u{309A}', '\u{309B}', '\u{309C}', '\u{FF9E}', '\u{FF9F}',
        ];
        for s in samples().chain([
            "ヤマダ ハナコ".into(),
            "やまだ".into(),
            "ﾊﾅｺ".into(),
            "".into(),
            " ".into(),
        ]) {
            let ok = kana("f", &s, usize::MAX).is_ok();
            if pattern.is_match(&s) {
                assert!(ok, "kana {s:?}");
            } else if !s.chars().any(|c| marks.contains(&c)) {
                // Only a separate voiced mark is left out of the rule.
                assert!(!ok, "kana {s:?}");
            }
        }
    }

    #[test]
    fn the_code_rule_is_the_code_check() {
        let pattern = re("{code}");
        for c in [
            "hiroshima",
            " Hiroshima-2_x ",
            "",
            " ",
            "広島",
            "a b",
            &"a".repeat(32),
            &"a".repeat(33),
            "a\u{0}",
        ] {
            assert_eq!(
                pattern.is_match(c),
                tsunagu_domain::values::center_code("f", c).is_ok(),
                "{c:?}"
            );
        }
    }

    #[test]
    fn the_plain_and_prose_rules_say_what_the_checks_do() {
        use tsunagu_domain::values::{optional_multiline_prose, text};
        let (plain, optional, required, lines) = (
            re("{text}"),
            re("{optional_text}"),
            re("{required_prose}"),
            re("{multiline_prose}"),
        );
        let multiline = [
            "1. 現状\r\n2. 課題\r\t3. 次回",
            "\x0b 一行目 \x0c\n\u{85}二行目\u{3000}\r",
            "一行目\n\n\n二行目",
            "表\tの\t行",
            "\x0b内\x0b側",
            "行\x00",
            "\r\n\r\n",
            "\n\u{202E}\n",
        ];
        for s in samples()
            .chain(["", " ", "\t", "\n"].map(String::from))
            .chain(multiline.map(String::from))
        {
            let text_ok = text("f", &s, 1, usize::MAX).is_ok();
            assert_eq!(plain.is_match(&s), text_ok, "text {s:?}");
            // Blank takes a default; anything else is `values::text`.
            assert_eq!(
                optional.is_match(&s),
                s.trim().is_empty() || text_ok,
                "optional text {s:?}"
            );
            assert_eq!(
                required.is_match(&s),
                matches!(optional_prose("f", Some(&s), usize::MAX), Ok(Some(_))),
                "required prose {s:?}"
            );
            assert_eq!(
                lines.is_match(&s),
                optional_multiline_prose("f", Some(&s), usize::MAX).is_ok(),
                "multiline prose {s:?}"
            );
        }
    }

    #[test]
    fn the_login_rule_is_the_login_check() {
        let pattern = re("{login}");
        for l in [
            "sato",
            " Sato.Hanako@center-1_x ",
            "ab",
            "abc",
            &"a".repeat(64),
            &"a".repeat(65),
            &format!(" {} ", "a".repeat(64)),
            "佐藤さん",
            "a b c",
            "abc\u{0}",
            "\u{3000}abc\t",
            "",
            "   ",
            "ａｂｃ",
            "\u{212A}elvin",
        ] {
            assert_eq!(
                pattern.is_match(l),
                tsunagu_domain::values::Login::parse("f", l).is_ok(),
                "{l:?}"
            );
        }
    }

    #[test]
    fn the_prefecture_rule_is_the_check_and_the_master() {
        use tsunagu_domain::{master, values::PrefectureCode};
        let pattern = re("{prefecture}");
        let mut codes: Vec<String> = (0..=120).map(|n| format!("{n:02}")).collect();
        codes.extend(["1", "001", " 01", "01 ", "１３", "", "ab", "4７"].map(String::from));
        for c in codes {
            let ok = PrefectureCode::parse("f", &c).is_ok();
            assert_eq!(pattern.is_match(&c), ok, "{c:?}");
            assert_eq!(master::prefecture(&c).is_some(), ok, "master {c:?}");
        }
    }

    #[test]
    fn the_fiscal_year_rule_is_blank_or_the_period_check() {
        use tsunagu_domain::reports::Period;
        let pattern = re("{optional_fiscal_year}");
        let mut years: Vec<String> = (1990..=2110).map(|y| y.to_string()).collect();
        years.extend(
            [
                "",
                " ",
                "\u{3000}\t",
                " 2025",
                "2025 ",
                "02025",
                "２０２５",
                "+2025",
                "abcd",
            ]
            .map(String::from),
        );
        for y in years {
            // `POST …/generate` reads a blank year as none (then `from` and `to`).
            let ok = y.trim().is_empty() || Period::parse(Some(&y), None, None).is_ok();
            assert_eq!(pattern.is_match(&y), ok, "{y:?}");
        }
    }

    #[test]
    fn the_municipality_rule_is_the_master() {
        use tsunagu_domain::master::municipality;
        let pattern = re("{municipality}");
        // Every code of six digits, and what is not one.
        for n in 0..1_000_000 {
            let c = format!("{n:06}");
            assert_eq!(pattern.is_match(&c), municipality(&c).is_some(), "{c}");
        }
        for c in [
            "",
            "01100",
            "0110022",
            " 011002",
            "011002 ",
            "０１１００２",
            "abcdef",
        ] {
            assert!(!pattern.is_match(c) && municipality(c).is_none(), "{c:?}");
        }
    }

    #[test]
    fn the_administration_code_rule_is_what_some_kind_takes() {
        use tsunagu_domain::regional::administrations::check_code;
        use tsunagu_domain::values::AdministrationKind;
        let pattern = re("{administration_code}");
        let any_kind = |c: &str| {
            AdministrationKind::ALL
                .iter()
                .any(|k| check_code("f", c, *k).is_ok())
        };
        for n in 0..1_000_000 {
            let c = format!("{n:06}");
            assert_eq!(pattern.is_match(&c), any_kind(&c), "{c}");
        }
        for c in [
            " 340006\t",
            "\u{3000}131016",
            "011002",
            "011011",
            "01100",
            "",
            "３４０００６",
        ] {
            assert_eq!(pattern.is_match(c), any_kind(c), "{c:?}");
        }
    }

    #[test]
    fn the_figure_parameter_rule_is_what_some_kind_takes() {
        use tsunagu_domain::regional::figures::check_parameter;
        use tsunagu_domain::values::{AgencyType, FigureKind, NeedKind, Topic};
        let pattern = re("{figure_parameter}");
        let words = AgencyType::ALL
            .iter()
            .map(|x| x.as_str())
            .chain(Topic::ALL.iter().map(|x| x.as_str()))
            .chain(NeedKind::ALL.iter().map(|x| x.as_str()));
        let mut samples: Vec<String> = Vec::new();
        for w in words.chain(["", "x", "other ", "Other", "hello_work_", "employment\u{0}"]) {
            samples.extend([
                w.to_owned(),
                format!(" {w}\t"),
                format!("{w}x"),
                format!("x{w}"),
            ]);
        }
        for s in samples {
            let ok = FigureKind::ALL
                .iter()
                .any(|k| check_parameter(*k, Some(&s)).is_ok());
            assert_eq!(pattern.is_match(&s), ok, "{s:?}");
        }
    }

    #[test]
    fn the_date_rule_holds_the_years_of_the_check() {
        let pattern = re("{date}");
        for d in [
            "1899-12-31",
            "1900-01-01",
            "2026-12-04",
            "2199-12-31",
            "2200-01-01",
            "0001-01-01",
            "9999-12-31",
        ] {
            assert_eq!(pattern.is_match(d), date("f", d).is_ok(), "{d}");
        }
    }

    #[test]
    fn placeholders_become_rules_and_dates_get_theirs() {
        use utoipa::openapi::schema::{ObjectBuilder, Type};
        let mut s = Schema::Object(
            ObjectBuilder::new()
                .schema_type(Type::String)
                .pattern(Some("{name}"))
                .build(),
        );
        fill(&mut s);
        let mut d = Schema::Object(
            ObjectBuilder::new()
                .schema_type(Type::String)
                .format(Some(SchemaFormat::KnownFormat(KnownFormat::Date)))
                .build(),
        );
        fill(&mut d);
        match (s, d) {
            (Schema::Object(s), Schema::Object(d)) => {
                assert_eq!(s.pattern, rule("{name}"));
                assert_eq!(d.pattern, rule("{date}"));
            }
            _ => unreachable!(),
        }
    }
}
