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
}
