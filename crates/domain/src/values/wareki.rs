//! Dates as people in Japan write them: 西暦 (`2025-04-01`, `2025/4/1`, `2025年4月1日`) and
//! 和暦 (`令和7年4月1日`, `R7.4.1`, `平成31年4月30日`, `S50/1/1`, 元年 for the first year), in
//! full- or half-width digits. The eras are those of birth dates a center meets (明治 on).

use chrono::NaiveDate;

/// Each era: its kanji, its Latin letter and the Gregorian year of its first year (元年).
const ERAS: [(&str, char, i32); 5] = [
    ("明治", 'M', 1868),
    ("大正", 'T', 1912),
    ("昭和", 'S', 1926),
    ("平成", 'H', 1989),
    ("令和", 'R', 2019),
];

/// Full-width digits and separators to ASCII; 元 (the first year) to 1.
fn narrow(raw: &str) -> String {
    raw.trim()
        .chars()
        .map(|c| match c {
            '０'..='９' => {
                char::from_u32(u32::from(c) - u32::from('０') + u32::from('0')).unwrap_or(c)
            }
            '／' => '/',
            '－' | '‐' | 'ー' => '-',
            '．' => '.',
            _ => c,
        })
        .collect::<String>()
        .replace('元', "1")
}

/// The three numbers of a date written with `-`, `/`, `.` or 年月日.
fn numbers(s: &str) -> Option<(i32, u32, u32)> {
    let parts: Vec<&str> = s
        .split(['-', '/', '.', '年', '月', '日'])
        .filter(|p| !p.is_empty())
        .collect();
    match parts.as_slice() {
        [y, m, d] => Some((
            y.trim().parse().ok()?,
            m.trim().parse().ok()?,
            d.trim().parse().ok()?,
        )),
        _ => None,
    }
}

/// The date `raw` names, or `None` when it is not a date (so a search can treat it as a
/// name). A 和暦 year past its era's end (平成32年) is not a date: nobody writes it.
pub fn parse_date(raw: &str) -> Option<NaiveDate> {
    let s = narrow(raw);
    for (i, (kanji, letter, base)) in ERAS.iter().enumerate() {
        let rest = s
            .strip_prefix(kanji)
            .or_else(|| s.strip_prefix(*letter))
            .or_else(|| s.strip_prefix(letter.to_ascii_lowercase()));
        if let Some(rest) = rest {
            let (n, m, d) = numbers(rest)?;
            if n < 1 {
                return None;
            }
            let date = NaiveDate::from_ymd_opt(base + n - 1, m, d)?;
            let next_era = ERAS.get(i + 1).map(|(_, _, b)| *b);
            // The era's own years only (an era ends in its successor's first year).
            return match next_era {
                Some(b) if base + n - 1 > b => None,
                _ => Some(date),
            };
        }
    }
    let (y, m, d) = numbers(&s)?;
    // Four digits for a 西暦 year: `5-4-1` is no date anyone means.
    if !(1000..=9999).contains(&y) {
        return None;
    }
    NaiveDate::from_ymd_opt(y, m, d)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(y: i32, m: u32, day: u32) -> Option<NaiveDate> {
        NaiveDate::from_ymd_opt(y, m, day)
    }

    #[test]
    fn western_and_japanese_dates() {
        assert_eq!(parse_date("2025-04-01"), d(2025, 4, 1));
        assert_eq!(parse_date("2025/4/1"), d(2025, 4, 1));
        assert_eq!(parse_date("２０２５年４月１日"), d(2025, 4, 1));
        assert_eq!(parse_date("令和7年4月1日"), d(2025, 4, 1));
        assert_eq!(parse_date("R7.4.1"), d(2025, 4, 1));
        assert_eq!(parse_date("r7/4/1"), d(2025, 4, 1));
        assert_eq!(parse_date("令和元年5月1日"), d(2019, 5, 1));
        assert_eq!(parse_date("平成31年4月30日"), d(2019, 4, 30));
        assert_eq!(parse_date("H31.4.30"), d(2019, 4, 30));
        assert_eq!(parse_date("昭和50年1月1日"), d(1975, 1, 1));
        assert_eq!(parse_date("S50-1-1"), d(1975, 1, 1));
        assert_eq!(parse_date("大正15年12月24日"), d(1926, 12, 24));
    }

    #[test]
    fn what_is_not_a_date() {
        for s in [
            "",
            "田中",
            "ヤマダ",
            "2026-0001",
            "2025-13-01",
            "2025-02-30",
            "R0.4.1",
            "平成40年1月1日",
            "5-4-1",
            "082-223-8609",
        ] {
            assert_eq!(parse_date(s), None, "{s}");
        }
    }
}
