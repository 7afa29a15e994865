//! Administrations (自治体): a prefecture, designated city, 保健所設置市 or 特別区. The system
//! administrator registers them from the shipped municipality master and assigns centers to
//! them; their officers (`municipal_officer`) read the centers' aggregates and run the
//! regional councils. An administration never sees a patient.

use crate::app::{Ctx, NAME_MAX, changed_fields};
use crate::audit::AuditDraft;
use crate::error::{DomainError, FieldError, Validator};
use crate::events::Action;
use crate::if_match::IfMatch;
use crate::master;
use crate::page::{Page, PageRequest};
use crate::policy;
use crate::ports::{AdministrationChanges, AssignedCenter};
use crate::values::{self, AdministrationKind};
use chrono::{DateTime, Utc};
use uuid::Uuid;

/// Counts under this are shown as 「5未満」 in anything that leaves the administration, unless
/// it sets another threshold.
pub const DEFAULT_SUPPRESSION_THRESHOLD: i32 = 5;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Administration {
    pub id: Uuid,
    /// 全国地方公共団体コード: six digits with the check digit (a prefecture's is its two
    /// digits, "000" and the check digit, e.g. 130001 for 東京都).
    pub code: String,
    pub name: String,
    pub kind: AdministrationKind,
    pub prefecture_code: String,
    /// Figures under this are suppressed (「N未満」) in what leaves the administration.
    pub suppression_threshold: i32,
    pub active: bool,
    pub version: i32,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

pub struct CreateAdministrationInput {
    pub code: String,
    pub kind: String,
    /// Defaults to the master's name for the code.
    pub name: Option<String>,
    pub suppression_threshold: Option<i32>,
}

#[derive(Default)]
pub struct UpdateAdministrationInput {
    pub name: Option<String>,
    pub suppression_threshold: Option<i32>,
    pub active: Option<bool>,
}

impl UpdateAdministrationInput {
    /// Whether only the administration's own settings change (what its officers may do).
    pub fn settings_only(&self) -> bool {
        self.name.is_none() && self.active.is_none()
    }
}

/// What the master says about a code of this kind: the prefecture it lies in and its name.
/// A prefecture's code must be a prefecture's; the others must be a municipality of the
/// master (a ward of a designated city is not an administration of its own, and a 特別区 is
/// one of Tokyo's 23 wards).
pub fn check_code(
    field: &str,
    raw: &str,
    kind: AdministrationKind,
) -> Result<(String, String), FieldError> {
    let code = raw.trim();
    let unknown = || {
        FieldError::new(
            field,
            "unknown_code",
            "must be a six-digit local-government code (全国地方公共団体コード) of this kind in the master",
        )
    };
    if code.len() != 6 || !code.bytes().all(|b| b.is_ascii_digit()) {
        return Err(unknown());
    }
    let pref = &code[..2];
    match kind {
        AdministrationKind::Prefecture => {
            let p = master::prefecture(pref).ok_or_else(unknown)?;
            if master::prefecture_lg_code(pref).as_deref() == Some(code) {
                Ok((pref.to_owned(), p.name.clone()))
            } else {
                Err(unknown())
            }
        }
        AdministrationKind::SpecialWard => match master::municipality(code) {
            Some(m) if code.starts_with("131") => Ok((pref.to_owned(), m.name.clone())),
            _ => Err(unknown()),
        },
        AdministrationKind::DesignatedCity | AdministrationKind::HealthCenterCity => {
            match master::municipality(code) {
                // 「札幌市 中央区」: a ward of a designated city.
                Some(m) if !m.name.contains(' ') && !code.starts_with("131") => {
                    Ok((pref.to_owned(), m.name.clone()))
                }
                _ => Err(unknown()),
            }
        }
    }
}

fn threshold(field: &str, n: i32) -> Result<i32, FieldError> {
    crate::staff::centers::in_range(field, n, 1, 100)
}

crate::facade!(
    /// Administrations: `services.administrations()`.
    Administrations,
    administrations
);

impl Administrations<'_> {
    #[tracing::instrument(skip_all, fields(administration_id = tracing::field::Empty))]
    pub fn create(
        &self,
        ctx: &Ctx,
        input: CreateAdministrationInput,
    ) -> Result<Administration, DomainError> {
        self.guard(ctx, Action::AdministrationCreate, None, || {
            policy::manage_administrations(&ctx.actor)?;
            let mut v = Validator::new();
            let kind = v.check(AdministrationKind::parse("kind", &input.kind));
            let found = kind.and_then(|k| v.check(check_code("code", &input.code, k)));
            // Blank means "the master's name", like an absent one.
            let name = v
                .check(values::optional_text(
                    "name",
                    input.name.as_deref(),
                    NAME_MAX,
                ))
                .flatten();
            let threshold = input
                .suppression_threshold
                .map(|t| v.check(threshold("suppression_threshold", t)))
                .unwrap_or(Some(DEFAULT_SUPPRESSION_THRESHOLD));
            v.finish()?;
            let (Some(kind), Some((prefecture_code, master_name)), Some(threshold)) =
                (kind, found, threshold)
            else {
                return Err(DomainError::Internal(
                    "validator passed with missing values".into(),
                ));
            };
            let now = self.clock.now();
            let a = Administration {
                id: Uuid::now_v7(),
                code: input.code.trim().to_owned(),
                name: name.unwrap_or(master_name),
                kind,
                prefecture_code,
                suppression_threshold: threshold,
                active: true,
                version: 1,
                created_at: now,
                updated_at: now,
            };
            let ev = AuditDraft::by_actor(&ctx.actor, &ctx.meta, now, Action::AdministrationCreate)
                .resource(a.id)
                .detail(format!("code={} kind={}", a.code, a.kind.as_str()));
            self.store.insert_administration(&a, &ev)?;
            tracing::Span::current().record("administration_id", tracing::field::display(a.id));
            Ok(a)
        })
    }

    /// One administration with the ids of the centers assigned to it.
    #[tracing::instrument(skip_all, fields(administration_id = %id))]
    pub fn get(
        &self,
        ctx: &Ctx,
        id: Uuid,
    ) -> Result<(Administration, Vec<AssignedCenter>), DomainError> {
        self.guard(ctx, Action::AdministrationRead, Some(id), || {
            policy::read_administration(&ctx.actor, id)?;
            let a = self
                .store
                .administration(id)?
                .ok_or(DomainError::NotFound)?;
            let centers = self.store.administration_centers(id)?;
            Ok((a, centers))
        })
    }

    /// Every administration for the system administrator; an officer's own.
    #[tracing::instrument(skip_all)]
    pub fn list(&self, ctx: &Ctx, page: PageRequest) -> Result<Page<Administration>, DomainError> {
        self.guard(ctx, Action::AdministrationList, None, || {
            let reach = policy::region(&ctx.actor, false)?;
            self.store.administrations(reach.administration(), page)
        })
    }

    #[tracing::instrument(skip_all, fields(administration_id = %id))]
    pub fn update(
        &self,
        ctx: &Ctx,
        id: Uuid,
        if_match: IfMatch,
        input: UpdateAdministrationInput,
    ) -> Result<(Administration, Vec<AssignedCenter>), DomainError> {
        self.guard(ctx, Action::AdministrationUpdate, Some(id), || {
            policy::update_administration(&ctx.actor, id, input.settings_only())?;
            let mut v = Validator::new();
            let changes = AdministrationChanges {
                name: input
                    .name
                    .as_deref()
                    .and_then(|n| v.check(values::name_text("name", n, 1, NAME_MAX))),
                suppression_threshold: input
                    .suppression_threshold
                    .and_then(|t| v.check(threshold("suppression_threshold", t))),
                active: input.active,
            };
            v.finish()?;
            let current = self
                .store
                .administration(id)?
                .ok_or(DomainError::NotFound)?;
            let expected_version = if_match.against(current.version)?;
            let now = self.clock.now();
            let ev = AuditDraft::by_actor(&ctx.actor, &ctx.meta, now, Action::AdministrationUpdate)
                .resource(id)
                .detail(changed_fields(&[
                    ("name", changes.name.is_some()),
                    (
                        "suppression_threshold",
                        changes.suppression_threshold.is_some(),
                    ),
                    ("active", changes.active.is_some()),
                ]));
            let a = self
                .store
                .update_administration(id, expected_version, &changes, now, &ev)?;
            Ok((a, self.store.administration_centers(id)?))
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_are_checked_against_the_master_by_kind() {
        use AdministrationKind as K;
        assert_eq!(
            check_code("code", "130001", K::Prefecture).unwrap(),
            ("13".to_owned(), "東京都".to_owned())
        );
        // A prefecture's code with a wrong check digit, or a city's code as a prefecture.
        assert!(check_code("code", "130002", K::Prefecture).is_err());
        assert!(check_code("code", "011002", K::Prefecture).is_err());
        // 札幌市 is a designated city; its 中央区 is not an administration.
        assert_eq!(
            check_code("code", "011002", K::DesignatedCity).unwrap().1,
            "札幌市"
        );
        assert!(check_code("code", "011011", K::DesignatedCity).is_err());
        // 千代田区 is a 特別区, not a city.
        assert!(check_code("code", "131016", K::SpecialWard).is_ok());
        assert!(check_code("code", "131016", K::HealthCenterCity).is_err());
        assert!(check_code("code", "011002", K::SpecialWard).is_err());
        for bad in ["", "13000", "1300011", "abcdef"] {
            assert!(check_code("code", bad, K::Prefecture).is_err(), "{bad}");
        }
    }

    #[test]
    fn officers_change_settings_only() {
        let s = UpdateAdministrationInput {
            suppression_threshold: Some(10),
            ..Default::default()
        };
        assert!(s.settings_only());
        let n = UpdateAdministrationInput {
            name: Some("x".into()),
            ..Default::default()
        };
        assert!(!n.settings_only());
    }
}
