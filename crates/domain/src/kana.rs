//! フリガナ fields and the folding that makes name search forgiving.
//!
//! Staff type readings however their input method hands them over: hiragana, full-width
//! katakana, or half-width katakana pasted from older systems (where a voiced kana is two
//! characters, ｶﾞ). A reading is stored in one canonical form, full-width katakana, so that
//! lists sort and compare consistently. Search goes further and folds away every difference
//! a person would not notice (width, hiragana/katakana, case, spaces, middle dots), and the
//! same folding is applied to stored names and to queries so the two always meet.

use std::collections::BTreeSet;

use crate::error::FieldError;

/// Half-width katakana U+FF61..=U+FF9F in code point order, as their full-width forms.
/// The voiced marks at the end stand alone here; [`widen`] composes them with the kana before.
const HALF_WIDTH: [char; 63] = [
    '。', '「', '」', '、', '・', 'ヲ', 'ァ', 'ィ', 'ゥ', 'ェ', 'ォ', 'ャ', 'ュ', 'ョ', 'ッ', 'ー',
    'ア', 'イ', 'ウ', 'エ', 'オ', 'カ', 'キ', 'ク', 'ケ', 'コ', 'サ', 'シ', 'ス', 'セ', 'ソ', 'タ',
    'チ', 'ツ', 'テ', 'ト', 'ナ', 'ニ', 'ヌ', 'ネ', 'ノ', 'ハ', 'ヒ', 'フ', 'ヘ', 'ホ', 'マ', 'ミ',
    'ム', 'メ', 'モ', 'ヤ', 'ユ', 'ヨ', 'ラ', 'リ', 'ル', 'レ', 'ロ', 'ワ', 'ン', '゛', '゜',
];

/// The ideographic space that separates the words of a stored reading (foreign names).
const WORD_SEPARATOR: char = '\u{3000}';

#[derive(Clone, Copy)]
enum Mark {
    Voiced,
    SemiVoiced,
}

/// A (semi-)voiced sound mark in any of its encodings: combining (what macOS and some
/// copy-paste produce), spacing (゛゜), or half-width (ﾞﾟ).
fn mark(c: char) -> Option<Mark> {
    match c {
        '\u{3099}' | '\u{309B}' | '\u{FF9E}' => Some(Mark::Voiced),
        '\u{309A}' | '\u{309C}' | '\u{FF9F}' => Some(Mark::SemiVoiced),
        _ => None,
    }
}

/// The full-width katakana with `m` applied to `c`, if that kana has such a form.
fn compose(c: char, m: Mark) -> Option<char> {
    let offset = match (m, c) {
        // In the katakana block each of these is directly followed by its voiced form
        // (カガ, ツヅ, ハバパ …), so the composed kana is one or two code points on.
        (
            Mark::Voiced,
            'カ' | 'キ' | 'ク' | 'ケ' | 'コ' | 'サ' | 'シ' | 'ス' | 'セ' | 'ソ' | 'タ' | 'チ'
            | 'ツ' | 'テ' | 'ト' | 'ハ' | 'ヒ' | 'フ' | 'ヘ' | 'ホ',
        ) => 1,
        (Mark::SemiVoiced, 'ハ' | 'ヒ' | 'フ' | 'ヘ' | 'ホ') => 2,
        (Mark::Voiced, 'ウ') => return Some('ヴ'),
        (Mark::Voiced, 'ワ') => return Some('ヷ'),
        (Mark::Voiced, 'ヰ') => return Some('ヸ'),
        (Mark::Voiced, 'ヱ') => return Some('ヹ'),
        (Mark::Voiced, 'ヲ') => return Some('ヺ'),
        (Mark::Voiced, 'ヽ') => return Some('ヾ'),
        _ => return None,
    };
    char::from_u32(u32::from(c) + offset)
}

/// One character as full-width katakana: hiragana and half-width katakana are mapped, anything
/// else is returned unchanged.
fn widen_char(c: char) -> char {
    match c {
        // The hiragana block mirrors the katakana block 0x60 code points lower.
        '\u{3041}'..='\u{3096}' => char::from_u32(u32::from(c) + 0x60).unwrap_or(c),
        'ゝ' => 'ヽ',
        'ゞ' => 'ヾ',
        '\u{FF61}'..='\u{FF9F}' => {
            let i = (u32::from(c) - 0xFF61) as usize;
            HALF_WIDTH.get(i).copied().unwrap_or(c)
        }
        _ => c,
    }
}

/// Maps hiragana and half-width katakana to full-width katakana and merges a voiced sound mark
/// into the kana right before it (ｶﾞ, か + U+3099, ウ゛ → one character). A mark that cannot be
/// merged stays, as its spacing form when it was half-width.
fn widen(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut chars = s.chars().peekable();
    while let Some(c) = chars.next() {
        let w = widen_char(c);
        let composed = chars
            .peek()
            .and_then(|&next| mark(next))
            .and_then(|m| compose(w, m));
        match composed {
            Some(v) => {
                chars.next();
                out.push(v);
            }
            None => out.push(w),
        }
    }
    out
}

/// Whether `c` may appear in a stored reading (besides the word separator).
fn is_reading_char(c: char) -> bool {
    // U+30A1..=U+30FA is ァ … ヺ; then ・ ー and the iteration marks ヽヾ.
    matches!(
        c,
        '\u{30A1}'..='\u{30FA}' | '\u{30FB}' | '\u{30FC}' | '\u{30FD}' | '\u{30FE}'
    )
}

/// A フリガナ field: hiragana or katakana of either width in, full-width katakana out, words
/// separated by one ideographic space, at most `max` characters.
pub fn kana(field: &str, raw: &str, max: usize) -> Result<String, FieldError> {
    crate::values::too_long(field, raw, max)?;
    let t = raw.trim();
    if t.is_empty() {
        return Err(FieldError::new(field, "required", "must not be empty"));
    }
    let mut out = String::with_capacity(t.len());
    let mut space_pending = false;
    for c in widen(t).chars() {
        // Tabs and newlines are whitespace too, but inside a reading they are paste accidents
        // rather than word breaks, so they fall through to the rejection below.
        if c.is_whitespace() && !c.is_control() {
            space_pending = true;
            continue;
        }
        if !is_reading_char(c) {
            return Err(FieldError::new(
                field,
                "invalid_kana",
                "must be katakana or hiragana (フリガナ)",
            ));
        }
        if space_pending && !out.is_empty() {
            out.push(WORD_SEPARATOR);
        }
        space_pending = false;
        out.push(c);
    }
    if out.chars().count() > max {
        return Err(FieldError::new(
            field,
            "too_long",
            format!("must be at most {max} characters"),
        ));
    }
    Ok(out)
}

/// The search key of a name or a query: full-width ASCII to ASCII, half-width katakana and
/// hiragana to full-width katakana, ASCII letters lower-cased, whitespace and middle dots
/// removed. Kanji and everything else pass through, so a kanji name still matches itself.
pub fn fold(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in widen(s).chars() {
        // Spaces and dots are where people disagree on how to write the same name
        // (「佐藤 花子」「佐藤花子」, 「ジョン・スミス」「ジョン スミス」), so they must not matter.
        if c.is_whitespace() || c == '・' {
            continue;
        }
        let c = match c {
            // Full-width ASCII sits at a fixed offset from ASCII.
            '\u{FF01}'..='\u{FF5E}' => char::from_u32(u32::from(c) - 0xFEE0).unwrap_or(c),
            _ => c,
        };
        out.push(c.to_ascii_lowercase());
    }
    out
}

/// The distinct one- and two-character substrings of a folded string, sorted: what the search
/// index stores for a name. Counting by characters matters: a kana is three bytes.
pub fn grams(folded: &str) -> Vec<String> {
    let chars: Vec<char> = folded.chars().collect();
    let mut set = BTreeSet::new();
    for c in &chars {
        set.insert(c.to_string());
    }
    for pair in chars.windows(2) {
        set.insert(pair.iter().collect::<String>());
    }
    set.into_iter().collect()
}

/// The grams to look a folded query up by: its bigrams, or its one character when that is all
/// there is. Every bigram must be found for a name to match, which keeps results precise
/// without needing a full-text engine in either database.
pub fn query_grams(folded_query: &str) -> Vec<String> {
    let chars: Vec<char> = folded_query.chars().collect();
    if chars.len() == 1 {
        return vec![folded_query.to_owned()];
    }
    let set: BTreeSet<String> = chars
        .windows(2)
        .map(|pair| pair.iter().collect::<String>())
        .collect();
    set.into_iter().collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ok(raw: &str) -> String {
        kana("kana", raw, 100).unwrap()
    }

    fn code(raw: &str) -> &'static str {
        kana("kana", raw, 100).unwrap_err().code
    }

    #[test]
    fn hiragana_becomes_katakana() {
        assert_eq!(ok("さとう はなこ"), "サトウ\u{3000}ハナコ");
        assert_eq!(ok("ゔぁいおりん"), "ヴァイオリン");
        assert_eq!(ok("いすゞ"), "イスヾ");
        assert_eq!(ok("ヶ"), "ヶ");
    }

    #[test]
    fn half_width_composes_voiced_marks() {
        assert_eq!(ok("ｶﾞｯｺｳ"), "ガッコウ");
        assert_eq!(ok("ﾊﾟﾝ"), "パン");
        assert_eq!(ok("ｳﾞｧ"), "ヴァ");
        assert_eq!(ok("ﾎﾞｰﾙ･ﾍﾟﾝ"), "ボール・ペン");
        assert_eq!(ok("ｦﾞ"), "ヺ");
    }

    #[test]
    fn combining_and_spacing_marks_compose() {
        assert_eq!(ok("か\u{3099}"), "ガ");
        assert_eq!(ok("ハ\u{309A}"), "パ");
        assert_eq!(ok("ウ゛"), "ヴ");
        assert_eq!(ok("ヘ゜"), "ペ");
        assert_eq!(ok("ゝ゛"), "ヾ");
        // A mark on a kana without a voiced form stays a mark, which no reading may contain.
        assert_eq!(code("ア゛"), "invalid_kana");
        assert_eq!(code("ｱﾞ"), "invalid_kana");
        assert_eq!(code("ﾞ"), "invalid_kana");
    }

    #[test]
    fn mixed_width_and_spaces() {
        assert_eq!(
            ok("  ｽﾐｽ　じょん  ﾎﾟｰﾙ "),
            "スミス\u{3000}ジョン\u{3000}ポール"
        );
        assert_eq!(ok("ヤマダ\u{3000}\u{3000} たろう"), "ヤマダ\u{3000}タロウ");
        assert_eq!(ok("ﾔﾏﾀﾞﾀﾛｳ"), "ヤマダタロウ");
    }

    #[test]
    fn invalid_characters() {
        assert_eq!(code("漢字"), "invalid_kana");
        assert_eq!(code("abc"), "invalid_kana");
        assert_eq!(code("ＡＢＣ"), "invalid_kana");
        assert_eq!(code("123"), "invalid_kana");
        assert_eq!(code("サトウ😀"), "invalid_kana");
        assert_eq!(code("サト\tウ"), "invalid_kana");
        assert_eq!(code("サトウ。"), "invalid_kana");
        assert_eq!(code("ｻﾄｳ｡"), "invalid_kana");
        assert_eq!(code("ゟ"), "invalid_kana");
    }

    #[test]
    fn required_and_length() {
        assert_eq!(code(""), "required");
        assert_eq!(code(" \u{3000} "), "required");
        assert_eq!(kana("k", "ｶﾞｶﾞｶﾞ", 6).unwrap(), "ガガガ");
        // The limit counts what was sent, as the document's `maxLength` does: a half-width
        // voiced mark is a character sent.
        assert_eq!(kana("k", "ｶﾞｶﾞ", 3).unwrap_err().code, "too_long");
        assert_eq!(kana("k", " ア  ", 3).unwrap_err().code, "too_long");
        assert_eq!(kana("k", "ガガガガ", 3).unwrap_err().code, "too_long");
        // The separator counts.
        assert_eq!(kana("k", "ア イ", 3).unwrap(), "ア\u{3000}イ");
        assert_eq!(kana("k", "アイ ウ", 3).unwrap_err().code, "too_long");
        let e = kana("family_name_kana", "x", 3).unwrap_err();
        assert_eq!(e.field, "family_name_kana");
    }

    #[test]
    fn fold_examples() {
        assert_eq!(fold("ｻﾄｳ ﾊﾅｺ"), "サトウハナコ");
        assert_eq!(fold("さとう　はなこ"), "サトウハナコ");
        assert_eq!(fold("サトウハナコ"), "サトウハナコ");
        assert_eq!(fold("ＳＡＴＯ"), "sato");
        assert_eq!(fold("Sato Hanako"), "satohanako");
        assert_eq!(fold("佐藤　花子"), "佐藤花子");
        assert_eq!(fold("ジョン・スミス"), fold("ｼﾞｮﾝ･ｽﾐｽ"));
        assert_eq!(fold("ｶﾞｯｺｳ"), "ガッコウ");
        assert_eq!(fold("０８２－１２３"), "082-123");
        assert_eq!(fold(" \t\u{00A0}\u{2003}"), "");
        assert_eq!(fold(""), "");
    }

    #[test]
    fn grams_of_a_name() {
        assert_eq!(grams("サトウ"), ["ウ", "サ", "サト", "ト", "トウ"]);
        assert_eq!(grams("アア"), ["ア", "アア"]);
        assert_eq!(grams("a"), ["a"]);
        assert!(grams("").is_empty());
    }

    #[test]
    fn query_grams_by_length() {
        assert!(query_grams("").is_empty());
        assert_eq!(query_grams("佐"), ["佐"]);
        assert_eq!(query_grams("サトウ"), ["サト", "トウ"]);
        assert_eq!(query_grams("アアア"), ["アア"]);
        // Every query gram of a name's substring is one of the name's grams.
        let name = grams(&fold("さとう はなこ"));
        for q in ["ｻﾄ", "トウハ", "ハ", "こ"] {
            for g in query_grams(&fold(q)) {
                assert!(name.contains(&g), "{q}: {g}");
            }
        }
    }
}
