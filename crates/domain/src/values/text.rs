//! Free text as people type it: trimmed, counted in characters, and refused when it holds
//! characters that hide or reorder what a reader sees (bidirectional controls, zero-width and
//! other invisible formatting, private use, noncharacters), which could spoof a list or a CSV
//! export. Ordinary Japanese, including 旧字体 and 外字 in the BMP, is accepted.

use crate::error::FieldError;

/// Trims and checks a free-text field's length in characters (not bytes: names are Japanese).
pub fn text(field: &str, raw: &str, min: usize, max: usize) -> Result<String, FieldError> {
    too_long(field, raw, max)?;
    let t = raw.trim();
    let n = t.chars().count();
    if n < min {
        return Err(if n == 0 {
            FieldError::new(field, "required", "must not be empty")
        } else {
            FieldError::new(
                field,
                "too_short",
                format!("must be at least {min} characters"),
            )
        });
    }
    if n > max {
        return Err(FieldError::new(
            field,
            "too_long",
            format!("must be at most {max} characters"),
        ));
    }
    if t.chars().any(|c| c.is_control()) {
        return Err(FieldError::new(
            field,
            "invalid_characters",
            "must not contain control characters",
        ));
    }
    Ok(t.to_owned())
}

/// A name, title or other short text shown in lists and exports: [`text`], and no character
/// that is invisible or changes how the text around it is shown ([`unsafe_in_name`]), and
/// not only variation selectors. Japanese in any form people write it (旧字体, 外字 of the
/// BMP, with an ideographic variation sequence) and ordinary spaces are accepted.
pub fn name_text(field: &str, raw: &str, min: usize, max: usize) -> Result<String, FieldError> {
    let t = text(field, raw, min, max)?;
    if let Some(c) = t.chars().find(|c| unsafe_in_name(*c)) {
        return Err(refused_char(field, c));
    }
    if t.chars()
        .all(|c| c.is_whitespace() || is_variation_selector(c))
    {
        return Err(FieldError::new(
            field,
            "invalid_characters",
            "must contain a visible character",
        ));
    }
    Ok(t)
}

/// A text longer than `max` characters as sent is refused even when trimming would shorten
/// it: the OpenAPI document's `maxLength` counts what is sent, and the two must agree.
pub(crate) fn too_long(field: &str, raw: &str, max: usize) -> Result<(), FieldError> {
    if raw.chars().count() > max {
        return Err(FieldError::new(
            field,
            "too_long",
            format!("must be at most {max} characters"),
        ));
    }
    Ok(())
}

/// Optional short text (see [`name_text`]): empty after trimming means absent.
pub fn optional_text(
    field: &str,
    raw: Option<&str>,
    max: usize,
) -> Result<Option<String>, FieldError> {
    if let Some(raw) = raw {
        too_long(field, raw, max)?;
    }
    match raw.map(str::trim) {
        None | Some("") => Ok(None),
        Some(t) => name_text(field, t, 1, max).map(Some),
    }
}

/// Optional long free text (notes, summaries, comments): [`text`], and no bidirectional
/// control, byte-order mark, tag or noncharacter ([`unsafe_in_prose`]). Emoji sequences and
/// private-use characters (外字 from older systems) are left alone.
pub fn optional_prose(
    field: &str,
    raw: Option<&str>,
    max: usize,
) -> Result<Option<String>, FieldError> {
    if let Some(raw) = raw {
        too_long(field, raw, max)?;
    }
    match raw.map(str::trim) {
        None | Some("") => Ok(None),
        Some(t) => {
            let t = text(field, t, 1, max)?;
            match t.chars().find(|c| unsafe_in_prose(*c)) {
                Some(c) => Err(refused_char(field, c)),
                None => Ok(Some(t)),
            }
        }
    }
}

/// Optional long text written in lines (a meeting's agenda, minutes, decisions): like
/// [`optional_prose`], with line breaks (a CRLF or a lone CR becomes LF) and tabs kept; every
/// other control character is still refused.
pub fn optional_multiline_prose(
    field: &str,
    raw: Option<&str>,
    max: usize,
) -> Result<Option<String>, FieldError> {
    let Some(raw) = raw else {
        return Ok(None);
    };
    let unified = raw.replace("\r\n", "\n").replace('\r', "\n");
    // Each line is checked as prose; the line breaks themselves are counted too.
    let t = unified.trim();
    if t.is_empty() {
        return Ok(None);
    }
    if t.chars().count() > max {
        return Err(FieldError::new(
            field,
            "too_long",
            format!("must be at most {max} characters"),
        ));
    }
    for line in t.split('\n') {
        let line = line.replace('\t', " ");
        optional_prose(field, Some(&line), max)?;
    }
    Ok(Some(t.to_owned()))
}

fn refused_char(field: &str, c: char) -> FieldError {
    FieldError::new(
        field,
        "invalid_characters",
        format!(
            "must not contain invisible, bidirectional-control, private-use or noncharacter code points (found U+{:04X})",
            u32::from(c)
        ),
    )
}

/// Bidirectional controls: U+202E turns `abc.exe` into what reads as `exe.cba` in a list
/// or a spreadsheet.
pub fn is_bidi_control(c: char) -> bool {
    matches!(
        c,
        '\u{061C}' | '\u{200E}' | '\u{200F}' | '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}'
    )
}

/// Code points Unicode promises never to assign (U+FDD0–U+FDEF, and U+xFFFE, U+xFFFF in
/// every plane).
pub fn is_noncharacter(c: char) -> bool {
    let u = u32::from(c);
    (0xFDD0..=0xFDEF).contains(&u) || (u & 0xFFFE) == 0xFFFE
}

/// The private use areas: their meaning is private to a system, so another shows something
/// else, or nothing.
pub fn is_private_use(c: char) -> bool {
    matches!(
        c,
        '\u{E000}'..='\u{F8FF}' | '\u{F0000}'..='\u{FFFFD}' | '\u{100000}'..='\u{10FFFD}'
    )
}

/// Format characters (general category Cf, Unicode 15.1): invisible, they steer joining,
/// direction or hyphenation — zero-width space and joiners, the byte-order mark, soft
/// hyphen, tags.
pub fn is_format(c: char) -> bool {
    matches!(
        c,
        '\u{00AD}'
            | '\u{0600}'..='\u{0605}'
            | '\u{061C}'
            | '\u{06DD}'
            | '\u{070F}'
            | '\u{0890}'..='\u{0891}'
            | '\u{08E2}'
            | '\u{180E}'
            | '\u{200B}'..='\u{200F}'
            | '\u{202A}'..='\u{202E}'
            | '\u{2060}'..='\u{2064}'
            | '\u{2066}'..='\u{206F}'
            | '\u{FEFF}'
            | '\u{FFF9}'..='\u{FFFB}'
            | '\u{110BD}'
            | '\u{110CD}'
            | '\u{13430}'..='\u{1343F}'
            | '\u{1BCA0}'..='\u{1BCA3}'
            | '\u{1D173}'..='\u{1D17A}'
            | '\u{E0001}'
            | '\u{E0020}'..='\u{E007F}'
    )
}

/// Characters that draw nothing although they are not format characters: Hangul fillers,
/// the combining grapheme joiner, Mongolian variation selectors, Khmer inherent vowels,
/// the braille blank and the line and paragraph separators.
fn is_invisible_filler(c: char) -> bool {
    matches!(
        c,
        '\u{034F}' | '\u{115F}' | '\u{1160}' | '\u{17B4}' | '\u{17B5}' | '\u{180B}'
            ..='\u{180F}' | '\u{2028}' | '\u{2029}' | '\u{2800}' | '\u{3164}' | '\u{FFA0}'
    )
}

/// Variation selectors, including the ideographic ones (U+E0100–U+E01EF) that pick a
/// 異体字 glyph: allowed after a character, never alone.
fn is_variation_selector(c: char) -> bool {
    matches!(c, '\u{FE00}'..='\u{FE0F}' | '\u{E0100}'..='\u{E01EF}')
}

/// Whether a character is refused in a name: control, format (bidi controls, zero-width
/// characters, BOM …), invisible fillers, private use, noncharacters.
pub fn unsafe_in_name(c: char) -> bool {
    c.is_control()
        || is_format(c)
        || is_invisible_filler(c)
        || is_private_use(c)
        || is_noncharacter(c)
}

/// Whether a character is refused in long free text: controls, bidirectional controls, the
/// byte-order mark, tags and noncharacters.
pub fn unsafe_in_prose(c: char) -> bool {
    c.is_control()
        || is_bidi_control(c)
        || c == '\u{FEFF}'
        || ('\u{E0000}'..='\u{E007F}').contains(&c)
        || is_noncharacter(c)
}

#[cfg(test)]
mod tests {

    #[test]
    fn multiline_prose_keeps_its_lines() {
        assert_eq!(
            optional_multiline_prose("m", Some(" 1. 現状\r\n2. 課題\r\t3. 次回 "), 100),
            Ok(Some("1. 現状\n2. 課題\n\t3. 次回".to_owned()))
        );
        assert_eq!(optional_multiline_prose("m", Some(" \n "), 100), Ok(None));
        assert!(optional_multiline_prose("m", Some("a\u{0007}b"), 100).is_err());
        assert!(optional_multiline_prose("m", Some("a\n\u{202E}b"), 100).is_err());
        assert!(optional_multiline_prose("m", Some("abc\ndef"), 5).is_err());
    }

    #[test]
    fn a_length_counts_what_was_sent() {
        assert_eq!(name_text("n", "山田 ", 2, 2).unwrap_err().code, "too_long");
        assert_eq!(
            optional_text("n", Some(" 山田"), 2).unwrap_err().code,
            "too_long"
        );
        assert_eq!(
            optional_prose("n", Some("山田\t"), 2).unwrap_err().code,
            "too_long"
        );
        assert_eq!(name_text("n", "山田", 2, 2).unwrap(), "山田");
    }

    use super::*;

    #[test]
    fn text_counts_characters() {
        assert!(text("n", "難病相談支援センター", 1, 10).is_ok());
        assert_eq!(text("n", "  ", 1, 10).unwrap_err().code, "required");
        assert_eq!(
            text("n", "あいうえおかきくけこさ", 1, 10).unwrap_err().code,
            "too_long"
        );
        assert_eq!(
            text("n", "a\u{0}b", 1, 10).unwrap_err().code,
            "invalid_characters"
        );
    }

    #[test]
    fn names_refuse_invisible_and_bidi_characters() {
        let code = |s: &str| match name_text("n", s, 1, 100) {
            Ok(_) => "ok",
            Err(e) => e.code,
        };
        for bad in [
            "山田\u{202E}太郎",
            "exe.\u{202E}txt",
            "\u{200D}",
            "\u{200D}\u{200D}\u{200B}",
            "\u{200B}山田",
            "\u{FEFF}山田",
            "山\u{2066}田\u{2069}",
            "山\u{200E}田",
            "山\u{061C}田",
            "山田\u{E000}",
            "山田\u{F8FF}",
            "山田\u{F0000}",
            "山田\u{FDD0}",
            "山田\u{FFFE}",
            "山田\u{FFFF}",
            "山田\u{1FFFF}",
            "山田\u{00AD}",
            "山田\u{2060}",
            "\u{3164}",
            "\u{115F}\u{1160}",
            "\u{2800}",
            "\u{E0041}",
            "\u{FE0F}",
            "\u{E0100}",
            "山田\u{0007}",
            "山田\u{2028}太郎",
        ] {
            assert_eq!(
                code(bad),
                "invalid_characters",
                "{:?}",
                bad.escape_unicode().to_string()
            );
        }
        for good in [
            "山田 太郎",
            "山田\u{3000}太郎",
            "髙橋",
            "﨑山",
            "齋藤",
            "邊見",
            "渡邉\u{E0101}",
            "葛\u{E0100}城",
            "榮",
            "𠮷野",
            "ヤマダ",
            "Smith-Jones",
            "O'Brien",
            "Müller",
            "李 明",
            "Nguyễn",
            "山田\u{00A0}太郎",
        ] {
            assert_eq!(code(good), "ok", "{good}");
        }
    }

    #[test]
    fn prose_refuses_bidi_controls_and_noncharacters() {
        let code = |s: &str| match optional_prose("notes", Some(s), 2000) {
            Ok(_) => "ok",
            Err(e) => e.code,
        };
        for bad in [
            "本人\u{202E}希望",
            "\u{2067}x",
            "a\u{FFFF}",
            "a\u{FDD0}",
            "\u{FEFF}メモ",
            "a\u{E0041}",
        ] {
            assert_eq!(code(bad), "invalid_characters", "{}", bad.escape_unicode());
        }
        for good in [
            "就労継続を希望。",
            "👨\u{200D}👩\u{200D}👧 家族と来所",
            "外字\u{E000}あり",
        ] {
            assert_eq!(code(good), "ok", "{good}");
        }
        assert_eq!(optional_prose("notes", Some("  "), 10), Ok(None));
    }
}
