//! The demo's administration (自治体): 広島県, with every demo center assigned to it and an
//! officer (自治体担当) who reads the centers' aggregates. A second `demo-data --center …` run
//! adds its center to the same prefecture, so the prefecture's view shows two centers.

use super::setup::DemoCenter;
use tsunagu_domain::DomainError;
use tsunagu_domain::app::{Ctx, Services};
use tsunagu_domain::entities::{Actor, RequestMeta};
use tsunagu_domain::regional::administrations::{Administration, CreateAdministrationInput};
use tsunagu_domain::staff::centers::UpdateCenterInput;
use tsunagu_domain::staff::users::CreateUserInput;
use tsunagu_domain::values::{AdministrationKind, Role};
use uuid::Uuid;

/// 広島県's local-government code: the demo centers' prefecture (34).
pub const DEMO_ADMINISTRATION_CODE: &str = "340006";
/// The officer's login, printed with the demo staff's.
pub const DEMO_OFFICER_LOGIN: &str = "hiroshima.officer";

fn system() -> Ctx {
    Ctx {
        actor: Actor {
            user_id: Uuid::nil(),
            session_id: Uuid::now_v7(),
            role: Role::SystemAdmin,
            center_id: None,
            administration_id: None,
            login: "demo-data".into(),
            display_name: "demo-data".into(),
            totp_enabled: false,
            must_enroll_totp: false,
            must_change_password: false,
            scopes: None,
        },
        meta: RequestMeta {
            request_id: "demo-data".into(),
            source: Some("tsunagu demo-data".into()),
            idempotency: None,
        },
    }
}

/// Finds or registers 広島県, assigns the demo center to it, and (the first time) gives it an
/// officer with the demo staff's password. Returns it, and whether this run registered it.
pub fn administration(
    services: &Services,
    demo: &mut DemoCenter,
) -> Result<(Administration, bool), DomainError> {
    let sys = system();
    let (administration, created) = match services
        .store()
        .administration_by_code(DEMO_ADMINISTRATION_CODE)?
    {
        Some(a) => (a, false),
        None => {
            let a = services.administrations().create(
                &sys,
                CreateAdministrationInput {
                    code: DEMO_ADMINISTRATION_CODE.into(),
                    kind: AdministrationKind::Prefecture.as_str().into(),
                    name: None,
                    suppression_threshold: None,
                },
            )?;
            (a, true)
        }
    };
    demo.center = services.centers().update(
        &sys,
        demo.center.id,
        demo.center.version.into(),
        UpdateCenterInput {
            administration_id: Some(Some(administration.id)),
            ..Default::default()
        },
    )?;
    if created {
        let officer = services.users().create(
            &sys,
            CreateUserInput {
                center_id: None,
                administration_id: Some(administration.id),
                login: DEMO_OFFICER_LOGIN.into(),
                display_name: "広島県 難病対策担当".into(),
                role: Role::MunicipalOfficer.as_str().into(),
                password: demo.staff.password.clone(),
                must_change_password: false,
            },
        )?;
        demo.staff
            .logins
            .push((officer.login, Role::MunicipalOfficer.as_str()));
    }
    Ok((administration, created))
}
