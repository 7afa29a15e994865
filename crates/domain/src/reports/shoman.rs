//! The 小慢 program's figures: consultations by menu kind (相談支援のメニュー) and who asked.

use crate::values::{ShomanMenu, ShomanRequester};

/// Consultations of the period counted per menu kind and requester.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ShomanConsultationReport {
    /// One row per menu kind, in the menu's order: the counts per requester (in the
    /// requesters' order) and their total.
    pub rows: Vec<(ShomanMenu, Vec<i64>, i64)>,
    /// Per requester across the menu.
    pub totals: Vec<i64>,
    pub total: i64,
}

/// Lays the store's counts out as the full table: every menu kind and requester, zeros
/// where nothing was recorded (a reader compares years and centers cell by cell).
pub fn shoman_consultations(
    counts: &[(ShomanMenu, ShomanRequester, i64)],
) -> ShomanConsultationReport {
    let col = |r: ShomanRequester| ShomanRequester::ALL.iter().position(|x| *x == r);
    let mut totals = vec![0; ShomanRequester::ALL.len()];
    let rows = ShomanMenu::ALL
        .iter()
        .map(|m| {
            let mut cells = vec![0; ShomanRequester::ALL.len()];
            for (menu, requester, n) in counts {
                if menu == m
                    && let Some(i) = col(*requester)
                {
                    cells[i] += n;
                    totals[i] += n;
                }
            }
            let total = cells.iter().sum();
            (*m, cells, total)
        })
        .collect();
    ShomanConsultationReport {
        rows,
        total: totals.iter().sum(),
        totals,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_menu_kind_and_requester_is_a_cell_summed_across_centers() {
        let r = shoman_consultations(&[
            (ShomanMenu::PeerCounseling, ShomanRequester::Child, 2),
            (ShomanMenu::PeerCounseling, ShomanRequester::Child, 1),
            (ShomanMenu::SchoolEmployer, ShomanRequester::School, 4),
            (ShomanMenu::RyoikuGuidance, ShomanRequester::Family, 1),
        ]);
        assert_eq!(r.rows.len(), 5);
        assert_eq!(
            r.rows[0],
            (ShomanMenu::RyoikuGuidance, vec![0, 1, 0, 0, 0], 1)
        );
        assert_eq!(
            r.rows[2],
            (ShomanMenu::PeerCounseling, vec![3, 0, 0, 0, 0], 3)
        );
        assert_eq!(
            r.rows[4],
            (ShomanMenu::SchoolEmployer, vec![0, 0, 4, 0, 0], 4)
        );
        assert_eq!(r.totals, vec![3, 1, 4, 0, 0]);
        assert_eq!(r.total, 8);
        assert_eq!(shoman_consultations(&[]).total, 0);
    }
}
