//! Reading an uploaded 台帳 into a table of text cells: CSV in UTF-8 (with or without a BOM)
//! or in Shift_JIS (CP932, what Japanese Excel writes when it saves CSV), or the first sheet
//! of an .xlsx workbook. Everything after this works on text, whatever the file was.

use super::Encoding;
use crate::error::DomainError;
use serde::{Deserialize, Serialize};

/// At most this many data rows in one file: a center's whole history is tens of thousands.
pub const MAX_ROWS: usize = 200_000;
/// At most this many columns: a 台帳 has dozens at most.
pub const MAX_COLUMNS: usize = 200;
/// A cell longer than this is not a 台帳 cell (a pasted document), and is refused with it.
pub const MAX_CELL_CHARS: usize = 10_000;

/// The file's header row and its data rows, as text. Rows are numbered from 1 (the line
/// under the header), as the error report names them.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Table {
    pub columns: Vec<String>,
    pub rows: Vec<Vec<String>>,
}

impl Table {
    /// The cell of `row` (0-based) under the column at `index`; a short row is blank there.
    pub fn cell(&self, row: usize, index: usize) -> &str {
        self.rows
            .get(row)
            .and_then(|r| r.get(index))
            .map_or("", String::as_str)
    }

    /// A row with nothing in any cell (Excel leaves them between blocks): not a record.
    pub fn is_blank(&self, row: usize) -> bool {
        self.rows
            .get(row)
            .is_none_or(|r| r.iter().all(|c| c.trim().is_empty()))
    }
}

fn unreadable(why: impl Into<String>) -> DomainError {
    DomainError::rule("unreadable_file", why)
}

/// Reads the file: an .xlsx by its zip signature, anything else as CSV.
pub fn read(bytes: &[u8]) -> Result<(Table, Encoding), DomainError> {
    let (table, encoding) = if bytes.starts_with(b"PK\x03\x04") {
        (read_xlsx(bytes)?, Encoding::Xlsx)
    } else {
        let (text, encoding) = decode(bytes)?;
        (read_csv(&text)?, encoding)
    };
    check(&table)?;
    Ok((table, encoding))
}

/// The text of a CSV file: UTF-8 when it is valid UTF-8 (a BOM is dropped), else Shift_JIS.
/// A file that is neither is refused rather than read with replacement characters, which
/// would put mojibake into patients' names.
pub fn decode(bytes: &[u8]) -> Result<(String, Encoding), DomainError> {
    let body = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
    if let Ok(s) = std::str::from_utf8(body) {
        return Ok((s.to_owned(), Encoding::Utf8));
    }
    // encoding_rs's Shift_JIS is the WHATWG one, i.e. Microsoft's CP932 with its NEC and IBM
    // extensions (①, ㈱, 髙…), which is what Excel writes.
    let (text, had_errors) = encoding_rs::SHIFT_JIS.decode_without_bom_handling(body);
    if had_errors {
        return Err(unreadable(
            "the file is neither UTF-8 nor Shift_JIS text; save it from Excel as CSV (UTF-8) or .xlsx",
        ));
    }
    Ok((text.into_owned(), Encoding::ShiftJis))
}

fn read_csv(text: &str) -> Result<Table, DomainError> {
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .from_reader(text.as_bytes());
    let mut records = reader.records();
    let header = match records.next() {
        Some(Ok(h)) => h,
        Some(Err(e)) => return Err(unreadable(format!("the header row cannot be read: {e}"))),
        None => return Err(unreadable("the file is empty")),
    };
    let columns = header.iter().map(|c| c.trim().to_owned()).collect();
    let mut rows = Vec::new();
    for (i, r) in records.enumerate() {
        let r = r.map_err(|e| unreadable(format!("row {} cannot be read: {e}", i + 1)))?;
        rows.push(r.iter().map(str::to_owned).collect());
        if rows.len() > MAX_ROWS {
            break;
        }
    }
    Ok(Table { columns, rows })
}

fn read_xlsx(bytes: &[u8]) -> Result<Table, DomainError> {
    use calamine::Reader;
    let mut book = calamine::Xlsx::new(std::io::Cursor::new(bytes))
        .map_err(|e| unreadable(format!("the workbook cannot be opened: {e}")))?;
    let range = match book.worksheet_range_at(0) {
        Some(Ok(r)) => r,
        Some(Err(e)) => return Err(unreadable(format!("the first sheet cannot be read: {e}"))),
        None => return Err(unreadable("the workbook has no sheet")),
    };
    let mut rows = range.rows();
    let Some(header) = rows.next() else {
        return Err(unreadable("the first sheet is empty"));
    };
    let columns = header
        .iter()
        .map(|c| cell_text(c).trim().to_owned())
        .collect();
    let mut out = Vec::new();
    for r in rows {
        out.push(r.iter().map(cell_text).collect());
        if out.len() > MAX_ROWS {
            break;
        }
    }
    Ok(Table { columns, rows: out })
}

/// A cell as the person typed it: whole numbers without `.0`, dates as `YYYY-MM-DD`.
fn cell_text(c: &calamine::Data) -> String {
    use calamine::Data;
    match c {
        Data::Empty | Data::Error(_) => String::new(),
        Data::String(s) | Data::DateTimeIso(s) | Data::DurationIso(s) => s.clone(),
        Data::Int(i) => i.to_string(),
        Data::Float(f) if f.fract() == 0.0 && f.abs() < 1e15 => format!("{f:.0}"),
        Data::Float(f) => f.to_string(),
        Data::Bool(b) => if *b { "TRUE" } else { "FALSE" }.to_owned(),
        Data::DateTime(d) => excel_date(d.as_f64()).unwrap_or_default(),
    }
}

/// An Excel date serial (days since 1899-12-30, the 1900 leap-year bug included) as
/// `YYYY-MM-DD`, with the time of day when there is one.
pub fn excel_date(serial: f64) -> Option<String> {
    let epoch = chrono::NaiveDate::from_ymd_opt(1899, 12, 30)?.and_hms_opt(0, 0, 0)?;
    let secs = (serial * 86_400.0).round();
    if !secs.is_finite() || secs.abs() > 1e12 {
        return None;
    }
    #[allow(clippy::cast_possible_truncation)]
    let t = epoch.checked_add_signed(chrono::Duration::seconds(secs as i64))?;
    Some(if t.time() == chrono::NaiveTime::MIN {
        t.date().to_string()
    } else {
        t.format("%Y-%m-%d %H:%M").to_string()
    })
}

fn check(t: &Table) -> Result<(), DomainError> {
    if t.columns.iter().all(String::is_empty) {
        return Err(unreadable("the first row must name the columns"));
    }
    if t.columns.len() > MAX_COLUMNS {
        return Err(unreadable(format!("at most {MAX_COLUMNS} columns")));
    }
    if t.rows.len() > MAX_ROWS {
        return Err(unreadable(format!(
            "at most {MAX_ROWS} rows in one file; split it"
        )));
    }
    let mut seen = std::collections::BTreeSet::new();
    for c in t.columns.iter().filter(|c| !c.is_empty()) {
        if !seen.insert(c.as_str()) {
            return Err(unreadable(format!(
                "two columns are named 「{c}」; name each column once"
            )));
        }
    }
    if let Some((i, _)) = t
        .rows
        .iter()
        .enumerate()
        .find(|(_, r)| r.iter().any(|c| c.chars().count() > MAX_CELL_CHARS))
    {
        return Err(unreadable(format!(
            "row {} has a cell longer than {MAX_CELL_CHARS} characters",
            i + 1
        )));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sjis(s: &str) -> Vec<u8> {
        encoding_rs::SHIFT_JIS.encode(s).0.into_owned()
    }

    #[test]
    fn shift_jis_csv_is_read_as_japanese_text() {
        let (t, e) = read(&sjis("氏名,生年月日\n山田 太郎,S50.1.2\n髙橋 ①子,R5.4.1\n")).unwrap();
        assert_eq!(e, Encoding::ShiftJis);
        assert_eq!(t.columns, vec!["氏名", "生年月日"]);
        assert_eq!(t.rows[0], vec!["山田 太郎", "S50.1.2"]);
        assert_eq!(t.cell(1, 0), "髙橋 ①子");
    }

    #[test]
    fn utf8_with_or_without_bom_is_utf8() {
        let (t, e) = read("\u{FEFF}氏名,電話\n佐藤,03\n".as_bytes()).unwrap();
        assert_eq!((e, t.columns[0].as_str()), (Encoding::Utf8, "氏名"));
        let (_, e) = read("氏名\n佐藤\n".as_bytes()).unwrap();
        assert_eq!(e, Encoding::Utf8);
    }

    #[test]
    fn quoted_cells_keep_commas_and_newlines_and_short_rows_are_blank() {
        let (t, _) = read("a,b,c\n\"x, y\",\"line1\nline2\"\n".as_bytes()).unwrap();
        assert_eq!(t.cell(0, 0), "x, y");
        assert_eq!(t.cell(0, 1), "line1\nline2");
        assert_eq!(t.cell(0, 2), "");
    }

    #[test]
    fn bytes_that_are_no_text_are_refused() {
        let err = read(&[0x82, 0xA0, 0xFF, 0xFF, 0x0A]).unwrap_err();
        assert!(matches!(
            err,
            DomainError::Rule {
                code: "unreadable_file",
                ..
            }
        ));
    }

    #[test]
    fn a_header_named_twice_or_missing_is_refused() {
        assert!(read("氏名,氏名\n1,2\n".as_bytes()).is_err());
        assert!(read(",\n1,2\n".as_bytes()).is_err());
        assert!(read(b"").is_err());
    }

    #[test]
    fn blank_rows_are_blank() {
        let (t, _) = read("a,b\n,\n1,\n".as_bytes()).unwrap();
        assert!(t.is_blank(0));
        assert!(!t.is_blank(1));
    }

    #[test]
    fn excel_serials_are_dates() {
        assert_eq!(excel_date(45017.0).as_deref(), Some("2023-04-01"));
        assert_eq!(excel_date(45017.5).as_deref(), Some("2023-04-01 12:00"));
    }

    #[test]
    fn an_xlsx_written_by_a_spreadsheet_library_is_read() {
        let mut book = rust_xlsxwriter::Workbook::new();
        let sheet = book.add_worksheet();
        sheet.write_string(0, 0, "氏名").unwrap();
        sheet.write_string(0, 1, "件数").unwrap();
        sheet.write_string(1, 0, "山田").unwrap();
        sheet.write_number(1, 1, 3.0).unwrap();
        let bytes = book.save_to_buffer().unwrap();
        let (t, e) = read(&bytes).unwrap();
        assert_eq!(e, Encoding::Xlsx);
        assert_eq!(t.columns, vec!["氏名", "件数"]);
        assert_eq!(t.rows[0], vec!["山田", "3"]);
    }
}
