//! Small-cell suppression: a count under the administration's threshold leaves it only as
//! 「N未満」, so no one outside can tell which few patients a figure is about. A share is
//! shown only when both its counts could be shown (otherwise the share and the whole would
//! give the small part away).

/// A count as it may leave the administration.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Shown {
    Count(i64),
    /// Under this threshold: 「5未満」.
    Under(i32),
}

impl Shown {
    /// How a page or a download shows it: `12`, or `5未満`.
    pub fn label(self) -> String {
        match self {
            Shown::Count(n) => n.to_string(),
            Shown::Under(t) => format!("{t}未満"),
        }
    }

    pub fn value(self) -> Option<i64> {
        match self {
            Shown::Count(n) => Some(n),
            Shown::Under(_) => None,
        }
    }
}

/// A count under `threshold` (zero included: "none" is as telling as "one" in a small
/// area) is suppressed.
pub fn count(n: i64, threshold: i32) -> Shown {
    if n < i64::from(threshold) {
        Shown::Under(threshold)
    } else {
        Shown::Count(n)
    }
}

/// A share, rounded to 0.1 %, shown only when neither its part nor the rest is suppressed
/// (a share of a shown whole gives both away).
pub fn share(part: i64, whole: i64, threshold: i32) -> Option<f64> {
    let t = i64::from(threshold);
    (whole > 0 && part >= t && whole - part >= t)
        .then(|| crate::reports::figures::rate(part, whole))
        .flatten()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn counts_under_the_threshold_are_suppressed() {
        assert_eq!(count(0, 5), Shown::Under(5));
        assert_eq!(count(4, 5), Shown::Under(5));
        assert_eq!(count(5, 5), Shown::Count(5));
        assert_eq!(count(4, 3), Shown::Count(4));
        assert_eq!(count(4, 5).label(), "5未満");
        assert_eq!(count(12, 5).label(), "12");
    }

    #[test]
    fn a_share_needs_both_parts_shown() {
        assert_eq!(share(31, 50, 5), Some(0.62));
        // The part is small, or the rest is (the whole minus a shown part gives it away).
        assert_eq!(share(4, 50, 5), None);
        assert_eq!(share(47, 50, 5), None);
        assert_eq!(share(0, 0, 5), None);
        assert_eq!(share(5, 10, 5), Some(0.5));
    }
}
