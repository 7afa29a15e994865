//! Time as a port, so tests can move it (token expiry, lockouts, overdue follow-ups).

use chrono::{DateTime, FixedOffset, NaiveDate, Offset, Timelike, Utc};

/// Japan has no daylight saving time, so Asia/Tokyo is a fixed UTC+9.
pub const TOKYO_OFFSET_SECONDS: i32 = 9 * 3600;

pub trait Clock: Send + Sync {
    /// The current instant. Implementations must return microsecond precision, because
    /// PostgreSQL stores microseconds and both backends must answer the same.
    fn now(&self) -> DateTime<Utc>;

    /// Today's date in Asia/Tokyo, which is what "overdue" and fiscal years are counted in.
    fn today_tokyo(&self) -> NaiveDate {
        tokyo_date(self.now())
    }
}

#[derive(Debug, Default, Clone, Copy)]
pub struct SystemClock;

impl Clock for SystemClock {
    fn now(&self) -> DateTime<Utc> {
        truncate_micros(Utc::now())
    }
}

/// Drops sub-microsecond digits, which SQLite would keep and PostgreSQL would round.
pub fn truncate_micros(t: DateTime<Utc>) -> DateTime<Utc> {
    let nanos = t.nanosecond();
    t.with_nanosecond(nanos - nanos % 1_000).unwrap_or(t)
}

pub fn tokyo() -> FixedOffset {
    // 9 hours is always a valid offset; the fallback is unreachable but keeps this total.
    FixedOffset::east_opt(TOKYO_OFFSET_SECONDS).unwrap_or_else(|| Utc.fix())
}

pub fn tokyo_date(t: DateTime<Utc>) -> NaiveDate {
    t.with_timezone(&tokyo()).date_naive()
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    #[test]
    fn tokyo_date_rolls_over_at_15_utc() {
        let before = Utc.with_ymd_and_hms(2026, 3, 31, 14, 59, 59).unwrap();
        let after = Utc.with_ymd_and_hms(2026, 3, 31, 15, 0, 0).unwrap();
        assert_eq!(
            tokyo_date(before),
            NaiveDate::from_ymd_opt(2026, 3, 31).unwrap()
        );
        assert_eq!(
            tokyo_date(after),
            NaiveDate::from_ymd_opt(2026, 4, 1).unwrap()
        );
    }

    #[test]
    fn truncation_keeps_micros() {
        let t = Utc.timestamp_opt(1_700_000_000, 123_456_789).unwrap();
        assert_eq!(truncate_micros(t).nanosecond(), 123_456_000);
    }
}
