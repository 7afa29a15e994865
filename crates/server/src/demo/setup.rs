//! The demo center, its staff and its agencies, made through the use cases the API calls
//! (so the center's settings, logins, roles and agencies pass the same rules), by the
//! system administrator and then by the center's own administrator.

use super::DemoStaff;
use super::names::AGENCIES;
use rand::Rng;
use rand::rngs::StdRng;
use tsunagu_domain::DomainError;
use tsunagu_domain::app::{Ctx, Services};
use tsunagu_domain::auth;
use tsunagu_domain::entities::{Actor, Agency, Center, RequestMeta};
use tsunagu_domain::staff::agencies::CreateAgencyInput;
use tsunagu_domain::staff::centers::{CreateCenterInput, UpdateCenterInput};
use tsunagu_domain::staff::users::CreateUserInput;
use tsunagu_domain::values::{OperatingType, Role};
use uuid::Uuid;

/// What the cases are written against.
pub(super) struct DemoCenter {
    pub center: Center,
    /// The supervisor and consultants, who record cases, as they act.
    pub workers: Vec<Ctx>,
    /// The supervisor alone: reviews the 自立支援員's support plans (four eyes).
    pub supervisor: Ctx,
    /// The 自立支援員, who writes the 小慢 plans, liaises and runs the optional projects; not
    /// among `workers`, so the 難病 cases stay the consultants' work.
    pub self_reliance: Ctx,
    /// The ピア・サポーター: reaches only the patients assigned to them (`peer_support.rs`).
    pub peer: Ctx,
    pub agencies: Vec<Agency>,
    pub staff: DemoStaff,
}

/// The context of a fictitious person acting in the demo run.
fn ctx(user_id: Uuid, role: Role, center_id: Option<Uuid>, login: &str) -> Ctx {
    Ctx {
        actor: Actor {
            user_id,
            session_id: Uuid::now_v7(),
            role,
            center_id,
            administration_id: None,
            login: login.to_owned(),
            display_name: login.to_owned(),
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

pub(super) fn center_staff_agencies(
    services: &Services,
    code: &str,
    rng: &mut StdRng,
) -> Result<DemoCenter, String> {
    let err = |e: DomainError| e.to_string();
    // The command line acts as the system administrator, as `tsunagu` itself does at startup.
    let system = ctx(Uuid::nil(), Role::SystemAdmin, None, "demo-data");
    let center = services
        .centers()
        .create(
            &system,
            CreateCenterInput {
                code: code.to_owned(),
                name: format!("デモ難病相談支援センター（{code}）"),
                prefecture_code: "34".into(),
                operating_type: OperatingType::PatientOrganization.as_str().into(),
                // Both programs, so the demo shows the 小慢 self-reliance support work too.
                programs: Some(vec!["nanbyo".into(), "shoman".into()]),
            },
        )
        .map_err(|e| match e {
            DomainError::Conflict { .. } => format!(
                "a center with code {code} exists already; demo data goes into a new center (use --center)"
            ),
            other => other.to_string(),
        })?;
    let center = services
        .centers()
        .update(
            &system,
            center.id,
            center.version.into(),
            UpdateCenterInput {
                follow_up_days: Some(14),
                escalation_days: Some(7),
                sample_percent: Some(10),
                // A demo is for looking around: no second factor asked of its fictitious staff.
                totp_roles: Some(Vec::new()),
                ..Default::default()
            },
        )
        .map_err(err)?;
    let password = auth::new_opaque_token("demo-").0;
    let mut staff = DemoStaff {
        logins: Vec::new(),
        password,
    };
    let mut workers = Vec::new();
    let mut admin = None;
    let mut self_reliance = None;
    let mut peer = None;
    for (suffix, role, name) in [
        ("admin", Role::CenterAdmin, "管理 デモ"),
        ("supervisor", Role::Supervisor, "監督 デモ"),
        ("consultant1", Role::Consultant, "相談 一子"),
        ("consultant2", Role::Consultant, "相談 二郎"),
        ("consultant3", Role::Consultant, "相談 三恵"),
        (
            "self_reliance_worker",
            Role::SelfRelianceWorker,
            "自立 支援子",
        ),
        ("peer_supporter", Role::PeerSupporter, "ピア 結"),
    ] {
        let user = services
            .users()
            .create(
                &system,
                CreateUserInput {
                    center_id: Some(center.id),
                    administration_id: None,
                    login: format!("{code}.{suffix}"),
                    display_name: name.into(),
                    role: role.as_str().into(),
                    password: staff.password.clone(),
                    // The demo's shared password is printed for trying the demo with: its
                    // fictitious staff are not asked to change it.
                    must_change_password: false,
                },
            )
            .map_err(err)?;
        let acting = ctx(user.id, role, Some(center.id), &user.login);
        if role == Role::CenterAdmin {
            admin = Some(acting);
        } else if role == Role::SelfRelianceWorker {
            self_reliance = Some(acting);
        } else if role == Role::PeerSupporter {
            peer = Some(acting);
        } else {
            workers.push(acting);
        }
        staff.logins.push((user.login, role.as_str()));
    }
    let admin = admin.ok_or("the demo center has no administrator")?;
    let self_reliance = self_reliance.ok_or("the demo center has no 自立支援員")?;
    let peer = peer.ok_or("the demo center has no peer supporter")?;
    let supervisor = workers
        .iter()
        .find(|w| w.actor.role == Role::Supervisor)
        .cloned()
        .ok_or("the demo center has no supervisor")?;
    let mut agencies = Vec::new();
    for (t, name) in AGENCIES {
        let a = services
            .agencies()
            .create(
                &admin,
                CreateAgencyInput {
                    agency_type: t.as_str().into(),
                    name: (*name).into(),
                    phone: Some(format!("082-000-{:04}", rng.gen_range(0..10_000))),
                    address: None,
                    notes: Some("デモデータ（架空の機関）".into()),
                },
            )
            .map_err(err)?;
        agencies.push(a);
    }
    Ok(DemoCenter {
        center,
        workers,
        supervisor,
        self_reliance,
        peer,
        agencies,
        staff,
    })
}
