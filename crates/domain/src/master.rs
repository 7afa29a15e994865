//! Master data shipped inside the binary: the 指定難病 with their disease groups, the 47
//! prefectures and the municipalities. See `data/README.md` for sources and licences.
//!
//! The files are embedded rather than loaded into the database so that every deployment,
//! and every test, sees exactly the same lists without a seeding step. They are parsed once,
//! on first use. A malformed line is skipped at run time rather than taking the server down,
//! and the tests below check that no line of the shipped files is skipped, so a bad update
//! fails the build instead.

use std::collections::BTreeMap;
use std::sync::LazyLock;

const DISEASES_CSV: &str = include_str!("../data/designated_intractable_diseases.csv");
const DISEASE_GROUPS_CSV: &str = include_str!("../data/designated_intractable_disease_groups.csv");
const PREFECTURES_CSV: &str = include_str!("../data/prefectures.csv");
const MUNICIPALITIES_CSV: &str = include_str!("../data/municipalities.csv");

/// A designated intractable disease (指定難病) under its official number (告示番号).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Disease {
    pub number: u16,
    pub name: String,
    /// The disease groups (疾患群) it belongs to; a few diseases sit in two.
    pub groups: Vec<String>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Prefecture {
    /// The two-digit JIS X 0401 code, "01" (北海道) to "47" (沖縄県).
    pub code: String,
    pub name: String,
    /// The reading in hiragana, as published (ほっかいどう).
    pub kana: String,
    pub name_en: String,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Municipality {
    /// The six-digit local-government code (全国地方公共団体コード) including its check digit.
    pub code: String,
    /// The first two digits of `code`.
    pub prefecture_code: String,
    /// The wards of designated cities are listed after their city, e.g. 「札幌市 中央区」.
    pub name: String,
    /// The reading in hiragana, as published.
    pub kana: String,
}

static DISEASES: LazyLock<Vec<Disease>> = LazyLock::new(|| {
    let mut groups: BTreeMap<u16, Vec<String>> = BTreeMap::new();
    for (number, group) in disease_group_rows().into_iter().filter_map(Result::ok) {
        let list = groups.entry(number).or_default();
        if !list.contains(&group) {
            list.push(group);
        }
    }
    let mut diseases: Vec<Disease> = disease_rows()
        .into_iter()
        .filter_map(Result::ok)
        .map(|(number, name)| Disease {
            number,
            name,
            groups: groups.remove(&number).unwrap_or_default(),
        })
        .collect();
    diseases.sort_by_key(|d| d.number);
    diseases.dedup_by_key(|d| d.number);
    diseases
});

static PREFECTURES: LazyLock<Vec<Prefecture>> = LazyLock::new(|| {
    let mut v: Vec<Prefecture> = prefecture_rows()
        .into_iter()
        .filter_map(Result::ok)
        .collect();
    v.sort_by(|a, b| a.code.cmp(&b.code));
    v.dedup_by(|a, b| a.code == b.code);
    v
});

static MUNICIPALITIES: LazyLock<Vec<Municipality>> = LazyLock::new(|| {
    let mut v: Vec<Municipality> = municipality_rows()
        .into_iter()
        .filter_map(Result::ok)
        .collect();
    // Sorted by code, which also groups them by prefecture: `municipalities_of` relies on it.
    v.sort_by(|a, b| a.code.cmp(&b.code));
    v.dedup_by(|a, b| a.code == b.code);
    v
});

/// All 指定難病, in number order.
pub fn diseases() -> &'static [Disease] {
    &DISEASES
}

/// The 指定難病 with this official number. Takes an `i32` because that is how numbers arrive
/// from requests and the database.
pub fn disease(number: i32) -> Option<&'static Disease> {
    let number = u16::try_from(number).ok()?;
    let all = diseases();
    all.binary_search_by_key(&number, |d| d.number)
        .ok()
        .and_then(|i| all.get(i))
}

/// The 47 prefectures in code order.
pub fn prefectures() -> &'static [Prefecture] {
    &PREFECTURES
}

/// The prefecture with this two-digit code ("01".."47").
pub fn prefecture(code: &str) -> Option<&'static Prefecture> {
    let all = prefectures();
    all.binary_search_by(|p| p.code.as_str().cmp(code))
        .ok()
        .and_then(|i| all.get(i))
}

/// All municipalities in code order.
pub fn municipalities() -> &'static [Municipality] {
    &MUNICIPALITIES
}

/// The municipalities of one prefecture, in code order; empty for an unknown code.
pub fn municipalities_of(prefecture_code: &str) -> &'static [Municipality] {
    let all = municipalities();
    let start = all.partition_point(|m| m.prefecture_code.as_str() < prefecture_code);
    let end = all.partition_point(|m| m.prefecture_code.as_str() <= prefecture_code);
    all.get(start..end).unwrap_or_default()
}

/// The municipality with this six-digit local-government code.
pub fn municipality(code: &str) -> Option<&'static Municipality> {
    let all = municipalities();
    all.binary_search_by(|m| m.code.as_str().cmp(code))
        .ok()
        .and_then(|i| all.get(i))
}

/// One data line of a CSV file: its line number (for messages) and its fields.
struct Record {
    line: usize,
    fields: Vec<String>,
}

/// A parsed CSV file whose columns are found by header name, so that a reordered upstream
/// file still parses correctly.
struct Table {
    header: Vec<String>,
    records: Vec<Record>,
}

impl Table {
    fn parse(text: &str) -> Self {
        // Some of the files start with a UTF-8 byte order mark, which would otherwise become
        // part of the first column's name.
        let text = text.strip_prefix('\u{FEFF}').unwrap_or(text);
        let mut records = parse_csv(text).into_iter();
        let header = records.next().map(|r| r.fields).unwrap_or_default();
        Self {
            header,
            records: records.collect(),
        }
    }

    fn column(&self, name: &str) -> Option<usize> {
        self.header.iter().position(|h| h == name)
    }

    /// Looks up `N` columns by name and calls `f` with their trimmed values for each record.
    /// A missing column or a record with the wrong number of fields is an error naming the line.
    fn rows<'a, const N: usize, T>(
        &'a self,
        file: &str,
        names: [&str; N],
        f: impl Fn([&'a str; N]) -> Result<T, String>,
    ) -> Vec<Result<T, String>> {
        let mut columns = [0; N];
        for (column, name) in columns.iter_mut().zip(names) {
            match self.column(name) {
                Some(c) => *column = c,
                None => return vec![Err(format!("{file}: no column {name}"))],
            }
        }
        let width = self.header.len();
        self.records
            .iter()
            .map(|r| {
                if r.fields.len() != width {
                    return Err(format!(
                        "{file}:{}: {} fields, expected {width}",
                        r.line,
                        r.fields.len()
                    ));
                }
                let mut values = [""; N];
                for (value, &c) in values.iter_mut().zip(&columns) {
                    *value = r.fields.get(c).map(|s| s.trim()).unwrap_or_default();
                }
                f(values).map_err(|e| format!("{file}:{}: {e}", r.line))
            })
            .collect()
    }
}

/// RFC 4180 CSV: fields separated by commas, optionally quoted, with `""` for a quote inside
/// quotes; records end at LF or CRLF outside quotes. Blank lines are dropped.
fn parse_csv(text: &str) -> Vec<Record> {
    let mut records = Vec::new();
    let mut fields = Vec::new();
    let mut field = String::new();
    let mut quoted = false;
    let mut line = 1;
    let mut record_line = 1;
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        if quoted {
            match c {
                '"' if chars.peek() == Some(&'"') => {
                    chars.next();
                    field.push('"');
                }
                '"' => quoted = false,
                _ => {
                    if c == '\n' {
                        line += 1;
                    }
                    field.push(c);
                }
            }
            continue;
        }
        match c {
            '"' if field.is_empty() => quoted = true,
            ',' => fields.push(std::mem::take(&mut field)),
            '\r' if chars.peek() == Some(&'\n') => {}
            '\n' => {
                fields.push(std::mem::take(&mut field));
                push_record(&mut records, record_line, std::mem::take(&mut fields));
                line += 1;
                record_line = line;
            }
            _ => field.push(c),
        }
    }
    if !field.is_empty() || !fields.is_empty() {
        fields.push(field);
        push_record(&mut records, record_line, fields);
    }
    records
}

fn push_record(records: &mut Vec<Record>, line: usize, fields: Vec<String>) {
    let blank = fields.len() == 1 && fields.iter().all(|f| f.is_empty());
    if !blank {
        records.push(Record { line, fields });
    }
}

fn nonempty(what: &str, s: &str) -> Result<String, String> {
    if s.is_empty() {
        Err(format!("empty {what}"))
    } else {
        Ok(s.to_owned())
    }
}

fn disease_number(s: &str) -> Result<u16, String> {
    match s.parse::<u16>() {
        Ok(n) if n > 0 => Ok(n),
        _ => Err(format!("bad disease number {s:?}")),
    }
}

// The row functions are called once by the statics above, and again by the tests, which
// look at the rejected lines the statics drop.

fn disease_rows() -> Vec<Result<(u16, String), String>> {
    Table::parse(DISEASES_CSV).rows("diseases", ["no", "name"], |[no, name]| {
        // A few names carry trailing spaces in the source.
        Ok((disease_number(no)?, nonempty("name", name)?))
    })
}

fn disease_group_rows() -> Vec<Result<(u16, String), String>> {
    Table::parse(DISEASE_GROUPS_CSV).rows("disease groups", ["no", "group"], |[no, group]| {
        Ok((disease_number(no)?, nonempty("group", group)?))
    })
}

/// A two-digit prefecture code from the number in `pid` (1 → "01").
fn two_digit_code(pid: &str) -> Result<String, String> {
    match pid.parse::<u8>() {
        Ok(n @ 1..=47) => Ok(format!("{n:02}")),
        _ => Err(format!("bad prefecture number {pid:?}")),
    }
}

fn prefecture_rows() -> Vec<Result<Prefecture, String>> {
    Table::parse(PREFECTURES_CSV).rows(
        "prefectures",
        ["pid", "pref", "prefkana", "pref_en", "ISO3166-2"],
        |[pid, name, kana, name_en, iso]| {
            // ISO 3166-2:JP subdivision codes are the JIS X 0401 codes; the row number must
            // agree, or one of the two columns is wrong.
            let code = two_digit_code(pid)?;
            if iso.strip_prefix("JP-") != Some(code.as_str()) {
                return Err(format!("ISO code {iso:?} does not match pid {pid:?}"));
            }
            Ok(Prefecture {
                code,
                name: nonempty("pref", name)?,
                kana: nonempty("prefkana", kana)?,
                name_en: nonempty("pref_en", name_en)?,
            })
        },
    )
}

/// The six-digit local-government code of a prefecture ("13" → "130001"): the prefecture's
/// two digits, "000", and the check digit.
pub fn prefecture_lg_code(prefecture_code: &str) -> Option<String> {
    prefecture(prefecture_code)?;
    let five = format!("{prefecture_code}000");
    Some(format!("{five}{}", check_digit(five.as_bytes())))
}

/// The check digit of a code's first five digits (総務省's rule: weights 6,5,4,3,2,
/// remainder modulo 11, last digit of 11 minus it).
fn check_digit(digits: &[u8]) -> u32 {
    let sum: u32 = digits
        .iter()
        .zip([6, 5, 4, 3, 2])
        .map(|(d, w)| u32::from(d - b'0') * w)
        .sum();
    (11 - sum % 11) % 10
}

/// Whether the sixth digit of a local-government code is the check digit of the first five.
fn check_digit_ok(code: &[u8; 6]) -> bool {
    code.iter().all(u8::is_ascii_digit) && u32::from(code[5] - b'0') == check_digit(&code[..5])
}

fn municipality_rows() -> Vec<Result<Municipality, String>> {
    Table::parse(MUNICIPALITIES_CSV).rows(
        "municipalities",
        ["pid", "city", "citykana", "lgcode"],
        |[pid, name, kana, lgcode]| {
            if !<[u8; 6]>::try_from(lgcode.as_bytes()).is_ok_and(|d| check_digit_ok(&d)) {
                return Err(format!("bad lgcode {lgcode:?}"));
            }
            let prefecture_code = two_digit_code(pid)?;
            if !lgcode.starts_with(&prefecture_code) {
                return Err(format!("lgcode {lgcode:?} is not in prefecture {pid:?}"));
            }
            Ok(Municipality {
                code: lgcode.to_owned(),
                prefecture_code,
                name: nonempty("city", name)?,
                kana: nonempty("citykana", kana)?,
            })
        },
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn prefecture_codes_carry_their_check_digit() {
        assert_eq!(prefecture_lg_code("01").as_deref(), Some("010006"));
        assert_eq!(prefecture_lg_code("13").as_deref(), Some("130001"));
        assert_eq!(prefecture_lg_code("47").as_deref(), Some("470007"));
        assert_eq!(prefecture_lg_code("48"), None);
    }

    fn no_errors<T>(rows: Vec<Result<T, String>>) -> usize {
        let count = rows.len();
        let errors: Vec<String> = rows.into_iter().filter_map(Result::err).collect();
        assert!(errors.is_empty(), "{errors:?}");
        count
    }

    #[test]
    fn every_line_of_the_shipped_files_parses() {
        assert_eq!(no_errors(disease_rows()), 348);
        assert_eq!(no_errors(disease_group_rows()), 355);
        assert_eq!(no_errors(prefecture_rows()), 47);
        assert_eq!(no_errors(municipality_rows()), 1916);
    }

    #[test]
    fn diseases_are_complete() {
        let all = diseases();
        assert_eq!(all.len(), 348);
        let numbers: Vec<u16> = all.iter().map(|d| d.number).collect();
        assert_eq!(numbers, (1..=348).collect::<Vec<u16>>());
        for d in all {
            assert!(!d.groups.is_empty(), "{} has no group", d.number);
            assert_eq!(d.name, d.name.trim());
        }
        // Every group row names a listed disease.
        for (number, _) in disease_group_rows().into_iter().filter_map(Result::ok) {
            assert!(disease(i32::from(number)).is_some(), "group of {number}");
        }
        // No group row is lost or merged away: a few diseases sit in two groups, ロウ症候群 in three.
        assert_eq!(all.iter().map(|d| d.groups.len()).sum::<usize>(), 355);
        assert_eq!(
            disease(348).unwrap().groups,
            ["神経・筋疾患", "腎・泌尿器疾患", "視覚疾患"]
        );
        assert_eq!(disease(2).unwrap().name, "筋萎縮性側索硬化症");
        assert_eq!(disease(2).unwrap().groups, ["神経・筋疾患"]);
        assert_eq!(disease(1).unwrap().name, "球脊髄性筋萎縮症");
        assert_eq!(disease(250).unwrap().name, "グルタル酸血症2型");
        assert!(disease(0).is_none());
        assert!(disease(349).is_none());
        assert!(disease(-1).is_none());
        assert!(disease(70_000).is_none());
    }

    #[test]
    fn prefectures_are_complete() {
        let all = prefectures();
        let codes: Vec<&str> = all.iter().map(|p| p.code.as_str()).collect();
        let expected: Vec<String> = (1..=47).map(|n| format!("{n:02}")).collect();
        assert_eq!(codes, expected);
        let hokkaido = prefecture("01").unwrap();
        assert_eq!(hokkaido.name, "北海道");
        assert_eq!(hokkaido.kana, "ほっかいどう");
        assert_eq!(hokkaido.name_en, "Hokkaido");
        assert_eq!(prefecture("34").unwrap().name, "広島県");
        assert_eq!(prefecture("47").unwrap().name, "沖縄県");
        assert!(prefecture("1").is_none());
        assert!(prefecture("48").is_none());
        assert!(prefecture("").is_none());
    }

    #[test]
    fn municipalities_are_complete() {
        let all = municipalities();
        assert_eq!(all.len(), 1916);
        assert!(all.windows(2).all(|w| w[0].code < w[1].code));
        for m in all {
            assert!(prefecture(&m.prefecture_code).is_some(), "{}", m.code);
            assert!(m.code.starts_with(&m.prefecture_code));
        }
        let sapporo = municipality("011002").unwrap();
        assert_eq!(sapporo.name, "札幌市");
        assert_eq!(sapporo.kana, "さっぽろし");
        assert_eq!(sapporo.prefecture_code, "01");
        assert_eq!(municipality("011011").unwrap().name, "札幌市 中央区");
        // The line with a quoted field full of doubled quotes.
        let shobara = municipality("342106").unwrap();
        assert_eq!(shobara.name, "庄原市");
        assert_eq!(shobara.prefecture_code, "34");
        assert!(municipality("11002").is_none());
        assert!(municipality("011003").is_none());
    }

    #[test]
    fn municipalities_by_prefecture() {
        let mut total = 0;
        for p in prefectures() {
            let of = municipalities_of(&p.code);
            assert!(!of.is_empty(), "{}", p.code);
            assert!(of.iter().all(|m| m.prefecture_code == p.code));
            total += of.len();
        }
        assert_eq!(total, 1916);
        assert_eq!(municipalities_of("01").len(), 189);
        assert!(municipalities_of("34").iter().any(|m| m.name == "庄原市"));
        assert!(municipalities_of("48").is_empty());
        assert!(municipalities_of("").is_empty());
    }

    #[test]
    fn csv_quoting() {
        let t = Table::parse(
            "\u{FEFF}a,b,c\r\n1,\"x,\"\"y\"\"\",z\r\n\r\n2,\"multi\nline\",\n3,,\"\"\n4",
        );
        assert_eq!(t.header, ["a", "b", "c"]);
        let rows: Vec<(usize, Vec<String>)> = t
            .records
            .iter()
            .map(|r| (r.line, r.fields.clone()))
            .collect();
        assert_eq!(
            rows,
            [
                (2, vec!["1".into(), "x,\"y\"".into(), "z".into()]),
                (4, vec!["2".into(), "multi\nline".into(), String::new()]),
                (6, vec!["3".into(), String::new(), String::new()]),
                (7, vec!["4".into()]),
            ]
        );
        let rows = t.rows("t", ["c", "a"], |[c, a]| Ok(format!("{a}{c}")));
        assert_eq!(
            rows,
            [
                Ok("1z".to_owned()),
                Ok("2".to_owned()),
                Ok("3".to_owned()),
                Err("t:7: 1 fields, expected 3".to_owned()),
            ]
        );
        let missing = t.rows("t", ["d"], |_| Ok(()));
        assert_eq!(missing, [Err("t: no column d".to_owned())]);
    }

    #[test]
    fn check_digits() {
        assert!(check_digit_ok(b"011002"));
        assert!(check_digit_ok(b"342106"));
        assert!(check_digit_ok(b"131016"));
        assert!(!check_digit_ok(b"011003"));
    }
}
