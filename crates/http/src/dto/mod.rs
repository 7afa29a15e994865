//! Wire types: what the public API accepts and returns. Field names and enum values are a
//! promise to third parties (see the contract); doc comments become the OpenAPI descriptions.

use chrono::{DateTime, Datelike, NaiveDate, SecondsFormat, Timelike, Utc};
use serde::{Deserialize, Deserializer, Serialize};
use tsunagu_domain::page::Page;
use utoipa::{IntoParams, ToSchema};

// One file per feature; everything is re-exported here so handlers name `dto::X`.
mod agencies;
mod agency_links;
mod audit;
mod auth;
mod centers;
mod consents;
mod consultations;
mod enums;
mod exchange;
mod exports;
mod follow_ups;
mod integrations;
mod liaison;
mod master;
mod patient_merges;
mod patients;
mod referrals;
mod reports;
mod shoman_projects;
mod supervision;
mod support_plans;
mod timeline;
mod users;
pub use agencies::*;
pub use agency_links::*;
pub use audit::*;
pub use auth::*;
pub use centers::*;
pub use consents::*;
pub use consultations::*;
pub use enums::*;
pub use exchange::*;
pub use exports::*;
pub use follow_ups::*;
pub use integrations::*;
pub use liaison::*;
pub use master::*;
pub use patient_merges::*;
pub use patients::*;
pub use referrals::*;
pub use reports::*;
pub use shoman_projects::*;
pub use supervision::*;
pub use support_plans::*;
pub use timeline::*;
pub use users::*;

/// Distinguishes an absent field (leave unchanged) from an explicit `null` (clear it).
pub fn double_option<'de, D, T>(d: D) -> Result<Option<Option<T>>, D::Error>
where
    D: Deserializer<'de>,
    T: Deserialize<'de>,
{
    Option::<T>::deserialize(d).map(Some)
}

/// RFC 3339 in UTC with `Z` and microseconds (`2026-12-06T09:30:00.123456Z`): the same on
/// both backends, as chrono's `to_rfc3339_opts(SecondsFormat::Micros, true)` writes it.
/// Written digit by digit for the reason [`date`] is: chrono pads the fraction through the
/// formatter, about 1,100 instructions a timestamp, and a timeline answer carries dozens.
/// Years outside 0–9999 and leap seconds are left to chrono.
pub fn ts(t: DateTime<Utc>) -> String {
    let nanos = t.nanosecond();
    let mut out = String::with_capacity(27);
    if nanos >= 1_000_000_000 || !push_date(&mut out, t.date_naive()) {
        return t.to_rfc3339_opts(SecondsFormat::Micros, true);
    }
    out.push('T');
    push_digits(&mut out, t.hour(), 2);
    out.push(':');
    push_digits(&mut out, t.minute(), 2);
    out.push(':');
    push_digits(&mut out, t.second(), 2);
    out.push('.');
    push_digits(&mut out, nanos / 1000, 6);
    out.push('Z');
    out
}

/// `YYYY-MM-DD`, as chrono writes it. Written digit by digit: chrono's `Display` goes through
/// its `Debug` and the formatter's padding, about 700 instructions a date, and a timeline
/// writes a dozen or more per answer. Years outside 0–9999 (chrono writes them with a sign)
/// are left to chrono.
pub fn date(d: NaiveDate) -> String {
    let mut out = String::with_capacity(10);
    if push_date(&mut out, d) {
        out
    } else {
        d.to_string()
    }
}

/// Appends `YYYY-MM-DD`; false (nothing appended) for a year outside 0–9999.
fn push_date(out: &mut String, d: NaiveDate) -> bool {
    let year = match u32::try_from(d.year()) {
        Ok(y) if y <= 9999 => y,
        _ => return false,
    };
    push_digits(out, year, 4);
    out.push('-');
    push_digits(out, d.month(), 2);
    out.push('-');
    push_digits(out, d.day(), 2);
    true
}

/// Appends the last `width` decimal digits of `n`, zero-padded.
fn push_digits(out: &mut String, n: u32, width: u32) {
    for place in (0..width).rev() {
        out.push(char::from_digit(n / 10u32.pow(place) % 10, 10).unwrap_or('0'));
    }
}

/// A page of a list: follow `next_cursor` until it is `null`.
#[derive(Debug, Serialize, ToSchema)]
pub struct ListOf<T: ToSchema> {
    pub items: Vec<T>,
    /// Pass as `?cursor=` for the next page; `null` on the last page.
    pub next_cursor: Option<String>,
}

impl<T: ToSchema> ListOf<T> {
    pub fn from_page<U>(p: Page<U>, f: impl FnMut(U) -> T) -> Self {
        let p = p.map(f);
        Self {
            items: p.items,
            next_cursor: p.next_cursor,
        }
    }
}

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ListQuery {
    /// Items per page, 1 to 200 (default 50).
    #[param(minimum = 1, maximum = 200)]
    pub limit: Option<i64>,
    /// The `next_cursor` of the previous page.
    pub cursor: Option<String>,
}

/// A list that is never long enough to page (a patient's consents, provisions, levels).
#[derive(Debug, Serialize, ToSchema)]
pub struct ItemsOf<T: ToSchema> {
    pub items: Vec<T>,
}

// --- operations -------------------------------------------------------------------------

#[derive(Debug, Serialize, ToSchema)]
pub struct Health {
    #[schema(example = "ok")]
    pub status: &'static str,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dates_are_written_as_year_month_day() {
        for (y, m, d) in [
            (1, 1, 1),
            (868, 2, 3),
            (1989, 1, 8),
            (2019, 5, 1),
            (9999, 12, 31),
        ] {
            let day = NaiveDate::from_ymd_opt(y, m, d).unwrap();
            assert_eq!(date(day), format!("{y:04}-{m:02}-{d:02}"));
        }
    }

    /// Every day of the years a record can carry, and the years beyond four digits, are
    /// written exactly as chrono writes them.
    #[test]
    fn dates_are_written_as_chrono_writes_them() {
        let mut day = NaiveDate::from_ymd_opt(1868, 1, 1).unwrap();
        while day.year() <= 2100 {
            assert_eq!(date(day), day.to_string());
            day = day.succ_opt().unwrap();
        }
        for (y, m, d) in [(0, 1, 1), (-1, 12, 31), (10_000, 1, 1), (2024, 2, 29)] {
            let day = NaiveDate::from_ymd_opt(y, m, d).unwrap();
            assert_eq!(date(day), day.to_string());
        }
        assert_eq!(
            date(NaiveDate::from_ymd_opt(10_000, 1, 1).unwrap()),
            "+10000-01-01"
        );
    }

    fn chrono_ts(t: DateTime<Utc>) -> String {
        t.to_rfc3339_opts(SecondsFormat::Micros, true)
    }

    #[test]
    fn timestamps_are_written_in_utc_with_microseconds() {
        let t = NaiveDate::from_ymd_opt(2026, 12, 6)
            .unwrap()
            .and_hms_nano_opt(9, 5, 7, 123_456_789)
            .unwrap()
            .and_utc();
        assert_eq!(ts(t), "2026-12-06T09:05:07.123456Z");
        let midnight = NaiveDate::from_ymd_opt(1989, 1, 8)
            .unwrap()
            .and_hms_opt(0, 0, 0)
            .unwrap()
            .and_utc();
        assert_eq!(ts(midnight), "1989-01-08T00:00:00.000000Z");
    }

    /// A leap year walked in steps of one to two minutes with varying seconds and fractions,
    /// the edges of the four-digit years, years beyond them and a leap second: written
    /// exactly as chrono writes them.
    #[test]
    fn timestamps_are_written_as_chrono_writes_them() {
        let mut t = NaiveDate::from_ymd_opt(2024, 1, 1)
            .unwrap()
            .and_hms_opt(0, 0, 0)
            .unwrap()
            .and_utc();
        let mut step = 0u32;
        while t.year() == 2024 {
            assert_eq!(ts(t), chrono_ts(t));
            step = step.wrapping_mul(1_103_515_245).wrapping_add(12_345);
            // A minute plus a varying number of seconds and nanoseconds.
            t += chrono::Duration::seconds(60 + i64::from(step % 60))
                + chrono::Duration::nanoseconds(i64::from(step % 1_000_000_000));
        }
        for (y, m, d, h, mi, s, n) in [
            (0, 1, 1, 0, 0, 0, 0),
            (9999, 12, 31, 23, 59, 59, 999_999_999),
            (-1, 12, 31, 23, 59, 59, 1_000),
            (10_000, 1, 1, 0, 0, 0, 999),
            (2016, 12, 31, 23, 59, 59, 1_500_000_000),
        ] {
            let t = NaiveDate::from_ymd_opt(y, m, d)
                .unwrap()
                .and_hms_nano_opt(h, mi, s, n)
                .unwrap()
                .and_utc();
            assert_eq!(ts(t), chrono_ts(t), "{y}-{m}-{d} {h}:{mi}:{s}.{n}");
        }
    }
}
