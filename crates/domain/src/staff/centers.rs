//! Centers (難病相談支援センター): the system administrator registers and runs them; a
//! center's administrator tunes its case settings.

use crate::app::{Ctx, NAME_MAX, changed_fields};
use crate::audit::AuditDraft;
use crate::entities::Center;
use crate::error::{DomainError, FieldError, Validator};
use crate::events::Action;
use crate::if_match::IfMatch;
use crate::page::{Page, PageRequest};
use crate::policy::{self, Permission};
use crate::ports::CenterChanges;
use crate::values::{self, OperatingType, PrefectureCode, Program, Role};
use uuid::Uuid;

pub struct CreateCenterInput {
    pub code: String,
    pub name: String,
    pub prefecture_code: String,
    pub operating_type: String,
    /// `nanbyo`, `shoman` or both; absent means `nanbyo`.
    pub programs: Option<Vec<String>>,
}

#[derive(Default)]
pub struct UpdateCenterInput {
    pub name: Option<String>,
    pub prefecture_code: Option<String>,
    pub operating_type: Option<String>,
    pub follow_up_days: Option<i32>,
    pub escalation_days: Option<i32>,
    pub sample_percent: Option<i32>,
    pub totp_roles: Option<Vec<String>>,
    pub programs: Option<Vec<String>>,
    /// From this age a minor's consent needs the child's assent too (0: never).
    pub child_assent_age: Option<i32>,
    pub active: Option<bool>,
    /// The administration (自治体) the center is assigned to; `Some(None)` takes it out.
    pub administration_id: Option<Option<Uuid>>,
}

impl UpdateCenterInput {
    /// Whether the change touches only the center's case settings (follow-up and
    /// escalation days, the sample, the roles that need a second factor), which is all a
    /// center's own administrator may change.
    pub fn settings_only(&self) -> bool {
        self.name.is_none()
            && self.prefecture_code.is_none()
            && self.operating_type.is_none()
            && self.programs.is_none()
            && self.active.is_none()
            && self.administration_id.is_none()
    }
}

/// A new center's case settings: follow-ups after 14 days, escalation after 7 days
/// overdue, a 10 % quality sample, and a second factor for administrators and supervisors.
pub const DEFAULT_FOLLOW_UP_DAYS: i32 = 14;
pub const DEFAULT_ESCALATION_DAYS: i32 = 7;
pub const DEFAULT_SAMPLE_PERCENT: i32 = 10;

fn default_totp_roles() -> Vec<Role> {
    vec![Role::CenterAdmin, Role::Supervisor]
}

pub(crate) fn in_range(field: &str, n: i32, lo: i32, hi: i32) -> Result<i32, FieldError> {
    if (lo..=hi).contains(&n) {
        Ok(n)
    } else {
        Err(FieldError::new(
            field,
            "out_of_range",
            format!("must be from {lo} to {hi}"),
        ))
    }
}

/// The roles of a center that must sign in with a second factor; the system administrator
/// belongs to no center, so is not one of them.
fn totp_roles(field: &str, raw: &[String]) -> Result<Vec<Role>, FieldError> {
    let roles = values::enum_list(field, raw, 0, Role::parse)?;
    if roles.contains(&Role::SystemAdmin) {
        Err(FieldError::new(
            field,
            "invalid_choice",
            "a center's roles are center_admin, supervisor, consultant and self_reliance_worker",
        ))
    } else {
        Ok(roles)
    }
}

/// The programs a center runs: at least one. Which programs a center runs is the
/// prefecture's decision (a 小慢 project is commissioned under 児童福祉法 第19条の22), so
/// it is set with the center's identity, by the system administrator.
fn programs(field: &str, raw: &[String]) -> Result<Vec<Program>, FieldError> {
    let mut p = values::enum_list(field, raw, 1, Program::parse)?;
    p.sort();
    Ok(p)
}

crate::facade!(
    /// Centers: `services.centers()`.
    Centers,
    centers
);

impl Centers<'_> {
    #[tracing::instrument(skip_all, fields(center_id = tracing::field::Empty))]
    pub fn create(&self, ctx: &Ctx, input: CreateCenterInput) -> Result<Center, DomainError> {
        self.guard(ctx, Action::CenterCreate, None, || {
            policy::permit(&ctx.actor, Permission::ManageCenters)?;
            let mut v = Validator::new();
            let code = v.check(values::center_code("code", &input.code));
            let name = v.check(values::name_text("name", &input.name, 1, NAME_MAX));
            let pref = v.check(PrefectureCode::parse(
                "prefecture_code",
                &input.prefecture_code,
            ));
            let op = v.check(OperatingType::parse(
                "operating_type",
                &input.operating_type,
            ));
            let programs = match input.programs.as_deref() {
                None => Some(values::DEFAULT_PROGRAMS.to_vec()),
                Some(raw) => v.check(programs("programs", raw)),
            };
            v.finish()?;
            let (Some(code), Some(name), Some(pref), Some(operating_type), Some(programs)) =
                (code, name, pref, op, programs)
            else {
                return Err(DomainError::Internal(
                    "validator passed with missing values".into(),
                ));
            };
            let now = self.clock.now();
            let center = Center {
                id: Uuid::now_v7(),
                code,
                name,
                prefecture_code: pref.as_string(),
                operating_type,
                follow_up_days: DEFAULT_FOLLOW_UP_DAYS,
                escalation_days: DEFAULT_ESCALATION_DAYS,
                sample_percent: DEFAULT_SAMPLE_PERCENT,
                totp_roles: default_totp_roles(),
                programs,
                child_assent_age: crate::values::DEFAULT_CHILD_ASSENT_AGE,
                administration_id: None,
                active: true,
                version: 1,
                created_at: now,
                updated_at: now,
            };
            let ev = AuditDraft::by_actor(&ctx.actor, &ctx.meta, now, Action::CenterCreate)
                .resource(center.id)
                .center(Some(center.id));
            self.store.insert_center(&center, &ev)?;
            tracing::Span::current().record("center_id", tracing::field::display(center.id));
            Ok(center)
        })
    }

    #[tracing::instrument(skip_all, fields(center_id = %id))]
    pub fn get(&self, ctx: &Ctx, id: Uuid) -> Result<Center, DomainError> {
        self.guard(ctx, Action::CenterRead, Some(id), || {
            let found = if policy::may_see_center(&ctx.actor, id) {
                self.store.center(id)?
            } else {
                None
            };
            found.ok_or(DomainError::NotFound)
        })
    }

    #[tracing::instrument(skip_all)]
    pub fn list(&self, ctx: &Ctx, page: PageRequest) -> Result<Page<Center>, DomainError> {
        self.guard(ctx, Action::CenterList, None, || {
            policy::permit(&ctx.actor, Permission::ManageCenters)?;
            self.store.centers(page)
        })
    }

    #[tracing::instrument(skip_all, fields(center_id = %id))]
    pub fn update(
        &self,
        ctx: &Ctx,
        id: Uuid,
        if_match: IfMatch,
        input: UpdateCenterInput,
    ) -> Result<Center, DomainError> {
        self.guard(ctx, Action::CenterUpdate, Some(id), || {
            policy::update_center(&ctx.actor, id, input.settings_only())?;
            let mut v = Validator::new();
            let changes = CenterChanges {
                name: input
                    .name
                    .as_deref()
                    .and_then(|n| v.check(values::name_text("name", n, 1, NAME_MAX))),
                prefecture_code: input.prefecture_code.as_deref().and_then(|p| {
                    v.check(PrefectureCode::parse("prefecture_code", p))
                        .map(PrefectureCode::as_string)
                }),
                operating_type: input
                    .operating_type
                    .as_deref()
                    .and_then(|o| v.check(OperatingType::parse("operating_type", o))),
                follow_up_days: input
                    .follow_up_days
                    .and_then(|d| v.check(in_range("follow_up_days", d, 1, 365))),
                escalation_days: input
                    .escalation_days
                    .and_then(|d| v.check(in_range("escalation_days", d, 1, 365))),
                sample_percent: input
                    .sample_percent
                    .and_then(|d| v.check(in_range("sample_percent", d, 0, 100))),
                totp_roles: input
                    .totp_roles
                    .as_deref()
                    .and_then(|r| v.check(totp_roles("totp_roles", r))),
                programs: input
                    .programs
                    .as_deref()
                    .and_then(|r| v.check(programs("programs", r))),
                child_assent_age: input
                    .child_assent_age
                    .and_then(|d| v.check(in_range("child_assent_age", d, 0, 20))),
                active: input.active,
                administration_id: input.administration_id,
            };
            v.finish()?;
            let current = self.store.center(id)?.ok_or(DomainError::NotFound)?;
            if let Some(Some(a)) = changes.administration_id {
                match self.store.administration(a)? {
                    Some(adm) if adm.active => {}
                    _ => {
                        return Err(DomainError::field(
                            "administration_id",
                            "unknown_administration",
                            "no such active administration",
                        ));
                    }
                }
            }
            let expected_version = if_match.against(current.version)?;
            let now = self.clock.now();
            let ev = AuditDraft::by_actor(&ctx.actor, &ctx.meta, now, Action::CenterUpdate)
                .resource(id)
                .center(Some(id))
                .detail(changed_fields(&[
                    ("name", changes.name.is_some()),
                    ("follow_up_days", changes.follow_up_days.is_some()),
                    ("escalation_days", changes.escalation_days.is_some()),
                    ("sample_percent", changes.sample_percent.is_some()),
                    ("totp_roles", changes.totp_roles.is_some()),
                    ("prefecture_code", changes.prefecture_code.is_some()),
                    ("operating_type", changes.operating_type.is_some()),
                    ("programs", changes.programs.is_some()),
                    ("child_assent_age", changes.child_assent_age.is_some()),
                    ("active", changes.active.is_some()),
                    ("administration_id", changes.administration_id.is_some()),
                ]));
            self.store
                .update_center(id, expected_version, &changes, now, &ev)
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_center_admin_changes_settings_only() {
        let settings = UpdateCenterInput {
            follow_up_days: Some(10),
            escalation_days: Some(3),
            sample_percent: Some(20),
            totp_roles: Some(vec![]),
            ..UpdateCenterInput::default()
        };
        assert!(settings.settings_only());
        for other in [
            UpdateCenterInput {
                name: Some("x".into()),
                ..UpdateCenterInput::default()
            },
            UpdateCenterInput {
                prefecture_code: Some("34".into()),
                ..UpdateCenterInput::default()
            },
            UpdateCenterInput {
                operating_type: Some("direct".into()),
                ..UpdateCenterInput::default()
            },
            UpdateCenterInput {
                active: Some(false),
                ..UpdateCenterInput::default()
            },
            UpdateCenterInput {
                programs: Some(vec!["shoman".into()]),
                ..UpdateCenterInput::default()
            },
        ] {
            assert!(!other.settings_only());
        }
    }

    #[test]
    fn ranges_and_second_factor_roles() {
        assert_eq!(in_range("d", 1, 1, 365), Ok(1));
        assert_eq!(in_range("d", 365, 1, 365), Ok(365));
        assert_eq!(in_range("d", 0, 1, 365).unwrap_err().code, "out_of_range");
        assert_eq!(
            totp_roles("r", &["supervisor".into(), "consultant".into()]),
            Ok(vec![Role::Supervisor, Role::Consultant])
        );
        assert_eq!(
            totp_roles("r", &["system_admin".into()]).unwrap_err().code,
            "invalid_choice"
        );
        assert_eq!(totp_roles("r", &[]), Ok(vec![]));
    }

    #[test]
    fn a_center_runs_at_least_one_known_program() {
        assert_eq!(
            programs("p", &["shoman".into(), "nanbyo".into()]),
            Ok(vec![Program::Nanbyo, Program::Shoman])
        );
        assert_eq!(programs("p", &[]).unwrap_err().code, "required");
        assert_eq!(
            programs("p", &["kids".into()]).unwrap_err().code,
            "invalid_choice"
        );
    }
}
