//! 相談支援のメニュー: a 小慢 consultation records which menu it belongs to and who asked,
//! so the program's figures can count them; other programs' consultations do not.

use crate::error::DomainError;
use crate::values::{Program, ShomanMenu, ShomanRequester};

/// Whether a consultation's 小慢 menu and requester fit its patient.
///
/// - A patient of the `shoman` program: both are required (422 `shoman_menu_required`,
///   `shoman_requester_required`).
/// - A patient of another program: neither is allowed (422 `shoman_menu_not_applicable`).
/// - An anonymous consultation (no patient): both or neither, and only in a center that
///   runs `shoman` (a school's anonymous question still counts in the menu figures).
pub fn consultation_menu(
    patient_program: Option<Program>,
    center_runs_shoman: bool,
    menu: Option<ShomanMenu>,
    requester: Option<ShomanRequester>,
) -> Result<(), DomainError> {
    let any = menu.is_some() || requester.is_some();
    let applicable = match patient_program {
        Some(Program::Shoman) => true,
        Some(_) => false,
        None => center_runs_shoman,
    };
    if any && !applicable {
        return Err(DomainError::rule(
            "shoman_menu_not_applicable",
            "the 小慢 consultation menu and requester are recorded only for a 小慢 (shoman) patient, or an anonymous consultation in a center running the shoman program",
        ));
    }
    let required = patient_program == Some(Program::Shoman) || any;
    if required && menu.is_none() {
        return Err(DomainError::rule(
            "shoman_menu_required",
            "a 小慢 consultation records its menu (shoman_menu)",
        ));
    }
    if required && requester.is_none() {
        return Err(DomainError::rule(
            "shoman_requester_required",
            "a 小慢 consultation records who asked (shoman_requester)",
        ));
    }
    Ok(())
}

/// Whether [`consultation_menu`]'s answer depends on the center running `shoman`: only for
/// an anonymous consultation that names a menu or a requester. Otherwise the center need
/// not be read (most consultations: one statement less on each).
pub fn needs_center_programs(
    patient_program: Option<Program>,
    menu: Option<ShomanMenu>,
    requester: Option<ShomanRequester>,
) -> bool {
    patient_program.is_none() && (menu.is_some() || requester.is_some())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn code(r: Result<(), DomainError>) -> &'static str {
        match r {
            Ok(()) => "ok",
            Err(DomainError::Rule { code, .. }) => code,
            Err(e) => panic!("{e:?}"),
        }
    }

    #[test]
    fn a_shoman_patient_s_consultation_names_menu_and_requester() {
        let m = Some(ShomanMenu::PeerCounseling);
        let r = Some(ShomanRequester::Family);
        let shoman = Some(Program::Shoman);
        assert_eq!(code(consultation_menu(shoman, true, m, r)), "ok");
        assert_eq!(
            code(consultation_menu(shoman, true, None, r)),
            "shoman_menu_required"
        );
        assert_eq!(
            code(consultation_menu(shoman, true, m, None)),
            "shoman_requester_required"
        );
    }

    #[test]
    fn other_patients_have_no_menu_and_anonymous_ones_may_where_shoman_runs() {
        let m = Some(ShomanMenu::SchoolEmployer);
        let r = Some(ShomanRequester::School);
        let nanbyo = Some(Program::Nanbyo);
        assert_eq!(code(consultation_menu(nanbyo, true, None, None)), "ok");
        assert_eq!(
            code(consultation_menu(nanbyo, true, m, r)),
            "shoman_menu_not_applicable"
        );
        assert_eq!(
            code(consultation_menu(nanbyo, true, None, r)),
            "shoman_menu_not_applicable"
        );
        assert_eq!(code(consultation_menu(None, true, None, None)), "ok");
        assert_eq!(code(consultation_menu(None, true, m, r)), "ok");
        assert_eq!(
            code(consultation_menu(None, true, m, None)),
            "shoman_requester_required"
        );
        assert_eq!(
            code(consultation_menu(None, false, m, r)),
            "shoman_menu_not_applicable"
        );
    }

    #[test]
    fn the_center_is_needed_only_where_it_changes_the_answer() {
        let programs = [None, Some(Program::Shoman), Some(Program::Nanbyo)];
        let menus = [None, Some(ShomanMenu::PeerCounseling)];
        let requesters = [None, Some(ShomanRequester::Family)];
        let mut needed = 0;
        for p in programs {
            for m in menus {
                for r in requesters {
                    let with = code(consultation_menu(p, true, m, r));
                    let without = code(consultation_menu(p, false, m, r));
                    assert_eq!(
                        needs_center_programs(p, m, r),
                        with != without,
                        "{p:?} {m:?} {r:?}"
                    );
                    needed += usize::from(needs_center_programs(p, m, r));
                }
            }
        }
        // Anonymous with a menu, a requester, or both.
        assert_eq!(needed, 3);
    }
}
