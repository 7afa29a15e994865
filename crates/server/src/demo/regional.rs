//! The demo's administration (自治体): 広島県, with every demo center assigned to it and an
//! officer (自治体担当) who reads the centers' aggregates. A second `demo-data --center …` run
//! adds its center to the same prefecture, so the prefecture's view shows two centers.
//! The first run also sets up the prefecture's regional councils with their members and a
//! year of meetings (see [`councils`]).

use super::setup::DemoCenter;
use tsunagu_domain::DomainError;
use tsunagu_domain::app::{Ctx, Services};
use tsunagu_domain::clock::tokyo_date;
use tsunagu_domain::entities::User;
use tsunagu_domain::entities::{Actor, RequestMeta};
use tsunagu_domain::regional::administrations::{Administration, CreateAdministrationInput};
use tsunagu_domain::regional::councils::{AccountInput, CouncilInput, MemberInput};
use tsunagu_domain::regional::meetings::MeetingInput;
use tsunagu_domain::staff::centers::UpdateCenterInput;
use tsunagu_domain::staff::users::CreateUserInput;
use tsunagu_domain::values::{
    self, AdministrationKind, CouncilKind, CouncilRole, CouncilScope, MeetingKind, MeetingStatus,
    MemberCategory, Role,
};
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
            .push((officer.login.clone(), Role::MunicipalOfficer.as_str()));
        let council_login = councils(services, &administration, &officer, demo)?;
        demo.staff
            .logins
            .push((council_login, Role::CouncilMember.as_str()));
    }
    Ok((administration, created))
}

/// The council member's login, printed with the demo staff's. Their pledge is not made
/// (and their second factor not set up), so trying the demo walks through both.
pub const DEMO_COUNCIL_MEMBER_LOGIN: &str = "hiroshima.council";

/// A small PDF, the demo's meeting paper.
const DEMO_PAPER: &[u8] = b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n2 0 obj<</Type/Pages/Kids[]/Count 0>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n";

fn officer_ctx(administration: &Administration, officer: &User) -> Ctx {
    let mut ctx = system();
    ctx.actor.user_id = officer.id;
    ctx.actor.role = Role::MunicipalOfficer;
    ctx.actor.administration_id = Some(administration.id);
    ctx.actor.login = officer.login.clone();
    ctx.actor.display_name = officer.display_name.clone();
    ctx
}

/// 広島県's councils, run by its officer through the use cases: the 難病対策地域協議会 with a
/// 就労部会, and the 慢性疾病児童等地域支援協議会; members in several categories for a two-year
/// term around today (one with a sign-in), and about a year of meetings, the past ones
/// held with minutes and decisions, the next one planned, with one paper. Returns the
/// member's login.
fn councils(
    services: &Services,
    administration: &Administration,
    officer: &User,
    demo: &DemoCenter,
) -> Result<String, DomainError> {
    let ctx = officer_ctx(administration, officer);
    let today = tokyo_date(services.clock().now());
    let fy = values::fiscal_year(today);
    let day = |d: i64| (today + chrono::Duration::days(d)).to_string();
    let (term_start, term_end) = (format!("{}-04-01", fy - 1), format!("{}-03-31", fy + 1));
    let council = |name: &str, kind: CouncilKind, parent: Option<uuid::Uuid>| {
        services.councils().create(
            &ctx,
            CouncilInput {
                name: name.into(),
                kind: kind.as_str().into(),
                scope: CouncilScope::Prefecture.as_str().into(),
                area_name: None,
                established_on: Some("2016-04-01".into()),
                parent_id: parent,
            },
        )
    };
    let nanbyo = council("広島県難病対策地域協議会", CouncilKind::Intractable, None)?;
    let work = council("就労部会", CouncilKind::Intractable, Some(nanbyo.id))?;
    let shoman = council(
        "広島県慢性疾病児童等地域支援協議会",
        CouncilKind::Pediatric,
        None,
    )?;
    let member = |c: uuid::Uuid, name: &str, org: &str, cat: MemberCategory, role: CouncilRole| {
        services.councils().add_member(
            &ctx,
            c,
            MemberInput {
                name: name.into(),
                organization: org.into(),
                category: cat.as_str().into(),
                council_role: Some(role.as_str().into()),
                term_start: term_start.clone(),
                term_end: term_end.clone(),
            },
        )
    };
    use CouncilRole as R;
    use MemberCategory as M;
    let chair = member(nanbyo.id, "高田 誠", "広島県医師会", M::Medical, R::Chair)?;
    let vice = member(
        nanbyo.id,
        "森 由美",
        "広島大学病院 難病医療連携センター",
        M::Medical,
        R::ViceChair,
    )?;
    let health = member(
        nanbyo.id,
        "村上 淳",
        "西部保健所",
        M::PublicHealth,
        R::Member,
    )?;
    let patients = member(
        nanbyo.id,
        "中川 恵子",
        "広島難病団体連絡協議会",
        M::PatientsFamilies,
        R::Member,
    )?;
    let center = member(
        nanbyo.id,
        "坂本 健",
        "広島県難病相談支援センター",
        M::Consultation,
        R::Secretariat,
    )?;
    let hw = member(
        work.id,
        "藤井 直樹",
        "ハローワーク広島",
        M::Employment,
        R::Chair,
    )?;
    let welfare = member(
        work.id,
        "石川 さやか",
        "障害者就業・生活支援センター",
        M::Welfare,
        R::Member,
    )?;
    let work_patients = member(
        work.id,
        "中川 恵子",
        "広島難病団体連絡協議会",
        M::PatientsFamilies,
        R::Member,
    )?;
    let school = member(
        shoman.id,
        "松本 亮",
        "広島県教育委員会",
        M::Education,
        R::Member,
    )?;
    let pediatric = member(
        shoman.id,
        "岡田 真理",
        "県立病院 小児科",
        M::Medical,
        R::Chair,
    )?;
    services.councils().give_account(
        &ctx,
        nanbyo.id,
        patients.id,
        AccountInput {
            login: DEMO_COUNCIL_MEMBER_LOGIN.into(),
            password: Some(demo.staff.password.clone()),
            must_change_password: false,
        },
    )?;

    let meeting = |c: uuid::Uuid,
                   kind: MeetingKind,
                   on: i64,
                   title: &str,
                   attendees: Vec<uuid::Uuid>| {
        let held = on < 0;
        services.meetings().create(
            &ctx,
            c,
            MeetingInput {
                kind: kind.as_str().into(),
                status: Some(
                    if held {
                        MeetingStatus::Held
                    } else {
                        MeetingStatus::Planned
                    }
                    .as_str()
                    .into(),
                ),
                held_on: day(on),
                title: title.into(),
                location: Some("広島県庁 本館6階 講堂".into()),
                agenda: Some("1. 難病患者の就労支援の現状\n2. 災害時の備え\n3. 地域の課題".into()),
                minutes: held.then(|| {
                    "各委員から現状の報告があり、就労と災害時の支援について意見交換した。".into()
                }),
                decisions: held
                    .then(|| "就労部会で支援機関の連携の手引きを作ることとした。".into()),
                attendee_ids: if held { attendees } else { Vec::new() },
            },
        )
    };
    let all = vec![chair.id, vice.id, health.id, patients.id, center.id];
    let first = meeting(
        nanbyo.id,
        MeetingKind::Plenary,
        -320,
        "第1回 難病対策地域協議会",
        all.clone(),
    )?;
    meeting(
        work.id,
        MeetingKind::Subcommittee,
        -250,
        "第1回 就労部会",
        vec![hw.id, welfare.id, work_patients.id],
    )?;
    meeting(
        shoman.id,
        MeetingKind::Plenary,
        -200,
        "第1回 慢性疾病児童等地域支援協議会",
        vec![school.id, pediatric.id],
    )?;
    meeting(
        nanbyo.id,
        MeetingKind::Secretariat,
        -120,
        "事務局会議",
        vec![center.id],
    )?;
    meeting(
        nanbyo.id,
        MeetingKind::Plenary,
        -40,
        "第2回 難病対策地域協議会",
        all,
    )?;
    meeting(
        nanbyo.id,
        MeetingKind::Plenary,
        45,
        "第3回 難病対策地域協議会",
        Vec::new(),
    )?;
    services.meetings().add_attachment(
        &ctx,
        first.id,
        "資料1_就労支援の現状.pdf",
        "application/pdf",
        DEMO_PAPER.to_vec(),
    )?;
    Ok(DEMO_COUNCIL_MEMBER_LOGIN.to_owned())
}
