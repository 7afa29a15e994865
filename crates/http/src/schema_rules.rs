//! What the API's validation says of a text or a date, stated in the OpenAPI document so
//! that a client (or a generator of test data) knows it before sending: a field's
//! `#[schema(pattern = "{name}")]` names one of the rules below, and [`state_rules`] puts
//! the rule's regular expression in its place. The expressions mirror `tsunagu_domain`'s
//! checks (`values::text`, `kana`, `values::date`) character for character; the tests
//! below hold them to those functions. They are written for both ECMA-262 (with the `u`
//! flag) and Python's `re`: BMP code points as `\uXXXX`, others as the characters themselves.

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
        _ => return None,
    })
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
