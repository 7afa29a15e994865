//! Reports as tables, and tables as CSV (UTF-8 with a BOM, so Excel opens it as such) or as
//! an .xlsx workbook (rust_xlsxwriter), one sheet per report.

use rust_xlsxwriter::{Format, Workbook, XlsxError};

#[derive(Debug, Clone)]
pub enum Cell {
    Text(String),
    Int(i64),
    /// A ratio (0.25 = 25 %), shown as a percentage.
    Ratio(Option<f64>),
}

impl From<&str> for Cell {
    fn from(s: &str) -> Self {
        Cell::Text(s.to_owned())
    }
}

impl From<String> for Cell {
    fn from(s: String) -> Self {
        Cell::Text(s)
    }
}

impl From<i64> for Cell {
    fn from(n: i64) -> Self {
        Cell::Int(n)
    }
}

/// One table: an optional title line, a header row and the rows.
#[derive(Debug, Clone, Default)]
pub struct Section {
    pub title: Option<String>,
    pub header: Vec<String>,
    pub rows: Vec<Vec<Cell>>,
}

/// A report: its sheet name, a title, its period, and its tables one under another.
#[derive(Debug, Clone, Default)]
pub struct Sheet {
    pub name: String,
    pub title: String,
    pub period: String,
    pub sections: Vec<Section>,
}

pub(crate) fn csv_field(s: &str) -> String {
    if s.contains([',', '"', '\n', '\r']) {
        format!("\"{}\"", s.replace('"', "\"\""))
    } else {
        s.to_owned()
    }
}

fn cell_text(c: &Cell) -> String {
    match c {
        Cell::Text(s) => s.clone(),
        Cell::Int(n) => n.to_string(),
        Cell::Ratio(Some(r)) => format!("{:.1}%", r * 100.0),
        Cell::Ratio(None) => String::new(),
    }
}

pub fn csv(sheet: &Sheet) -> Vec<u8> {
    let mut out = String::from("\u{feff}");
    let line = |out: &mut String, cells: &[String]| {
        out.push_str(
            &cells
                .iter()
                .map(|c| csv_field(c))
                .collect::<Vec<_>>()
                .join(","),
        );
        out.push_str("\r\n");
    };
    line(&mut out, &[sheet.title.clone(), sheet.period.clone()]);
    for s in &sheet.sections {
        out.push_str("\r\n");
        if let Some(t) = &s.title {
            line(&mut out, std::slice::from_ref(t));
        }
        line(&mut out, &s.header);
        for r in &s.rows {
            line(&mut out, &r.iter().map(cell_text).collect::<Vec<_>>());
        }
    }
    out.into_bytes()
}

pub fn xlsx(sheets: &[Sheet]) -> Result<Vec<u8>, XlsxError> {
    let mut wb = Workbook::new();
    let bold = Format::new().set_bold();
    let header = Format::new()
        .set_bold()
        .set_background_color(rust_xlsxwriter::Color::RGB(0xE8_F1_FE))
        .set_border_bottom(rust_xlsxwriter::FormatBorder::Thin)
        .set_text_wrap();
    let percent = Format::new().set_num_format("0.0%");
    for s in sheets {
        let ws = wb.add_worksheet();
        ws.set_name(&s.name)?;
        ws.write_string_with_format(0, 0, &s.title, &bold)?;
        ws.write_string(1, 0, &s.period)?;
        let mut row: u32 = 3;
        let mut widths: Vec<usize> = Vec::new();
        for sec in &s.sections {
            if let Some(t) = &sec.title {
                ws.write_string_with_format(row, 0, t, &bold)?;
                row += 1;
            }
            for (i, h) in sec.header.iter().enumerate() {
                let col = u16::try_from(i).unwrap_or(u16::MAX);
                ws.write_string_with_format(row, col, h, &header)?;
                track(&mut widths, i, h);
            }
            row += 1;
            for r in &sec.rows {
                for (i, c) in r.iter().enumerate() {
                    let col = u16::try_from(i).unwrap_or(u16::MAX);
                    match c {
                        Cell::Text(t) => {
                            ws.write_string(row, col, t)?;
                            track(&mut widths, i, t);
                        }
                        Cell::Int(n) => {
                            ws.write_number(row, col, *n as f64)?;
                        }
                        Cell::Ratio(Some(x)) => {
                            ws.write_number_with_format(row, col, *x, &percent)?;
                        }
                        Cell::Ratio(None) => {}
                    }
                }
                row += 1;
            }
            row += 1;
        }
        for (i, w) in widths.iter().enumerate() {
            let col = u16::try_from(i).unwrap_or(u16::MAX);
            ws.set_column_width(col, (*w as f64).clamp(8.0, 60.0))?;
        }
    }
    wb.save_to_buffer()
}

/// Column widths from the text, counting a full-width character as two.
fn track(widths: &mut Vec<usize>, i: usize, text: &str) {
    let w: usize = text
        .chars()
        .map(|c| if c.is_ascii() { 1 } else { 2 })
        .sum::<usize>()
        + 2;
    if widths.len() <= i {
        widths.resize(i + 1, 0);
    }
    widths[i] = widths[i].max(w);
}
