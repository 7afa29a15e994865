//! Consent to share a patient's data with agencies (given, scoped, withdrawable, history
//! kept), and the record of provision (第三者提供の記録) a data-passing referral leaves under
//! the consent in force.

use super::{missing, not_in_future, require_case_worker};
use crate::app::{Ctx, NOTES_MAX};
use crate::audit::AuditDraft;
use crate::entities::{Consent, Provision, Referral};
use crate::error::{DomainError, FieldError, Validator};
use crate::events::Action;
use crate::values::{self, AgencyType, ConsentScope, SharedItem};
use chrono::{DateTime, NaiveDate, Utc};
use uuid::Uuid;

#[derive(Debug, Default, Clone)]
pub struct ConsentInput {
    pub given_on: String,
    pub scope: String,
    pub notes: Option<String>,
}

#[derive(Debug, Default, Clone)]
pub struct ConsentUpdate {
    pub withdrawn_on: Option<Option<String>>,
    pub notes: Option<Option<String>>,
}

crate::facade!(
    /// A patient's consents and the data provided under them: `services.consents()`.
    Consents,
    consents
);

impl Consents<'_> {
    #[tracing::instrument(name = "consents.create", skip_all, fields(center_id = ?ctx.actor.center_id, %patient_id))]
    pub fn create(
        &self,
        ctx: &Ctx,
        patient_id: Uuid,
        input: ConsentInput,
    ) -> Result<Consent, DomainError> {
        self.guard(ctx, Action::ConsentCreate, None, || {
            let center = require_case_worker(&ctx.actor)?;
            let (given_on, scope, notes) = parse_new(&input, self.today())?;
            self.store
                .patient(center, patient_id)?
                .ok_or(DomainError::NotFound)?;
            let now = self.clock.now();
            let c = Consent {
                id: Uuid::now_v7(),
                center_id: center,
                patient_id,
                given_on,
                scope,
                withdrawn_on: None,
                notes,
                recorded_by: ctx.actor.user_id,
                version: 1,
                created_at: now,
                updated_at: now,
            };
            let ev = self
                .ev(ctx, Action::ConsentCreate)
                .resource(c.id)
                .patient(patient_id)
                .detail(format!("scope={}", scope.as_str()));
            self.store.insert_consent(&c, &ev)?;
            Ok(c)
        })
    }

    #[tracing::instrument(name = "consents.list", skip_all, fields(center_id = ?ctx.actor.center_id, %patient_id))]
    pub fn list(&self, ctx: &Ctx, patient_id: Uuid) -> Result<Vec<Consent>, DomainError> {
        self.guard(ctx, Action::ConsentList, Some(patient_id), || {
            let center = require_case_worker(&ctx.actor)?;
            self.store
                .patient(center, patient_id)?
                .ok_or(DomainError::NotFound)?;
            let list = self.store.consents(center, patient_id)?;
            self.log_list(
                ctx,
                Action::ConsentList,
                &format!("patient_id={patient_id}"),
                list.len(),
            )?;
            Ok(list)
        })
    }

    #[tracing::instrument(name = "consents.get", skip_all, fields(center_id = ?ctx.actor.center_id, %id))]
    pub fn get(&self, ctx: &Ctx, id: Uuid) -> Result<Consent, DomainError> {
        self.guard(ctx, Action::ConsentRead, Some(id), || {
            let center = require_case_worker(&ctx.actor)?;
            let c = self
                .store
                .consent(center, id)?
                .ok_or(DomainError::NotFound)?;
            self.log_read(ctx, Action::ConsentRead, id, c.patient_id)?;
            Ok(c)
        })
    }

    /// Withdraws a consent (once; the history is kept) or corrects its notes.
    #[tracing::instrument(name = "consents.update", skip_all, fields(center_id = ?ctx.actor.center_id, %id))]
    pub fn update(
        &self,
        ctx: &Ctx,
        id: Uuid,
        expected_version: i32,
        input: ConsentUpdate,
    ) -> Result<Consent, DomainError> {
        self.guard(ctx, Action::ConsentUpdate, Some(id), || {
            let center = require_case_worker(&ctx.actor)?;
            let current = self
                .store
                .consent(center, id)?
                .ok_or(DomainError::NotFound)?;
            let (mut c, withdrawing) = apply_update(current, input, self.today())?;
            c.updated_at = self.clock.now();
            let action = if withdrawing {
                Action::ConsentWithdraw
            } else {
                Action::ConsentUpdate
            };
            let ev = self.ev(ctx, action).resource(id).patient(c.patient_id);
            self.store.save_consent(&c, expected_version, &ev)
        })
    }

    /// The records of data provided to agencies about a patient.
    #[tracing::instrument(name = "consents.provisions", skip_all, fields(center_id = ?ctx.actor.center_id, %patient_id))]
    pub fn provisions(&self, ctx: &Ctx, patient_id: Uuid) -> Result<Vec<Provision>, DomainError> {
        self.guard(ctx, Action::ProvisionList, Some(patient_id), || {
            let center = require_case_worker(&ctx.actor)?;
            self.store
                .patient(center, patient_id)?
                .ok_or(DomainError::NotFound)?;
            let list = self.store.provisions(center, patient_id)?;
            self.log_list(
                ctx,
                Action::ProvisionList,
                &format!("patient_id={patient_id}"),
                list.len(),
            )?;
            Ok(list)
        })
    }

    /// The patient's consent that allows passing data to an agency of `agency_type` on `day`.
    pub(super) fn in_force(
        &self,
        center: Uuid,
        patient_id: Uuid,
        agency_type: AgencyType,
        day: NaiveDate,
    ) -> Result<Consent, DomainError> {
        in_force(self.store.consents(center, patient_id)?, agency_type, day)
    }

    pub(super) fn provision_event(&self, ctx: &Ctx, p: &Provision) -> AuditDraft {
        self.ev(ctx, Action::DataProvide)
            .resource(p.id)
            .patient(p.patient_id)
            .detail(format!(
                "agency={}; consent={}; items={}",
                p.agency_id,
                p.consent_id,
                values::join_list(&p.items, SharedItem::as_str)
            ))
    }
}

/// A new consent's day, scope and notes; given on a day that has passed.
fn parse_new(
    input: &ConsentInput,
    today: NaiveDate,
) -> Result<(NaiveDate, ConsentScope, Option<String>), DomainError> {
    let mut v = Validator::new();
    let given_on = v.check(
        values::date("given_on", &input.given_on).and_then(|d| not_in_future("given_on", d, today)),
    );
    let scope = v.check(ConsentScope::parse("scope", &input.scope));
    let notes = v
        .check(values::optional_prose(
            "notes",
            input.notes.as_deref(),
            NOTES_MAX,
        ))
        .flatten();
    v.finish()?;
    match (given_on, scope) {
        (Some(given_on), Some(scope)) => Ok((given_on, scope, notes)),
        _ => Err(missing("consent fields")),
    }
}

/// Applies a correction; `true` when it withdraws the consent. A withdrawn consent stays
/// withdrawn (a new one is recorded instead), on one day, not before it was given.
fn apply_update(
    mut c: Consent,
    input: ConsentUpdate,
    today: NaiveDate,
) -> Result<(Consent, bool), DomainError> {
    let mut v = Validator::new();
    let withdrawing = match input.withdrawn_on {
        None => false,
        Some(None) => {
            if c.withdrawn_on.is_some() {
                v.push(FieldError::new(
                    "withdrawn_on",
                    "cannot_reinstate",
                    "a withdrawn consent stays withdrawn; record a new consent instead",
                ));
            }
            false
        }
        Some(Some(raw)) => {
            if let Some(d) = v.check(
                values::date("withdrawn_on", &raw)
                    .and_then(|d| not_in_future("withdrawn_on", d, today)),
            ) {
                if c.withdrawn_on.is_some_and(|w| w != d) {
                    v.push(FieldError::new(
                        "withdrawn_on",
                        "already_withdrawn",
                        "this consent was already withdrawn",
                    ));
                } else if d < c.given_on {
                    v.push(FieldError::new(
                        "withdrawn_on",
                        "before_given",
                        "must not be before the consent was given",
                    ));
                } else {
                    c.withdrawn_on = Some(d);
                }
            }
            true
        }
    };
    if let Some(n) = input.notes {
        c.notes = v
            .check(values::optional_prose("notes", n.as_deref(), NOTES_MAX))
            .flatten();
    }
    v.finish()?;
    Ok((c, withdrawing))
}

/// The most recent of a patient's consents (oldest first) that is in force on `day` with a
/// scope covering the agency (see [`ConsentScope::covers`]), or `consent_required`.
fn in_force(
    consents: Vec<Consent>,
    agency_type: AgencyType,
    day: NaiveDate,
) -> Result<Consent, DomainError> {
    consents
        .into_iter()
        .rev()
        .find(|c| c.allows_provision(agency_type, day))
        .ok_or_else(|| {
            DomainError::rule(
                "consent_required",
                "this level passes the patient's data to the agency: record the patient's consent (covering this agency) first",
            )
        })
}

/// The record of provision a data-passing referral writes on `day`, under `consent`.
pub(super) fn provision(
    r: &Referral,
    consent: &Consent,
    items: Vec<SharedItem>,
    day: NaiveDate,
    by: Uuid,
    now: DateTime<Utc>,
) -> Provision {
    Provision {
        id: Uuid::now_v7(),
        center_id: r.center_id,
        patient_id: r.patient_id,
        referral_id: r.id,
        agency_id: r.agency_id,
        consent_id: consent.id,
        items,
        provided_on: day,
        recorded_by: by,
        created_at: now,
    }
}

#[cfg(test)]
mod tests {
    use super::super::testing::{at, consent, day, field_codes, referral};
    use super::*;
    use crate::values::Level;

    fn rule_code(r: Result<Consent, DomainError>) -> &'static str {
        match r {
            Err(DomainError::Rule { code, .. }) => code,
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn employment_agencies_cover_the_three_public_agency_types_other_needs_all_agencies() {
        let today = day(2026, 5, 10);
        let employment = consent(ConsentScope::EmploymentAgencies, day(2026, 5, 1));
        for t in [
            AgencyType::HelloWork,
            AgencyType::EmploymentLifeSupportCenter,
            AgencyType::VocationalCenter,
        ] {
            assert_eq!(
                in_force(vec![employment.clone()], t, today).unwrap().id,
                employment.id,
                "{t:?}"
            );
        }
        assert_eq!(
            rule_code(in_force(vec![employment.clone()], AgencyType::Other, today)),
            "consent_required"
        );
        let all = consent(ConsentScope::AllAgencies, day(2026, 5, 2));
        let found = in_force(vec![employment, all.clone()], AgencyType::Other, today);
        assert_eq!(found.unwrap().id, all.id);
    }

    #[test]
    fn only_a_consent_in_force_on_the_day_counts_the_latest_first() {
        let mut withdrawn = consent(ConsentScope::AllAgencies, day(2026, 4, 1));
        withdrawn.withdrawn_on = Some(day(2026, 5, 5));
        let later = consent(ConsentScope::AllAgencies, day(2026, 5, 8));
        let both = vec![withdrawn.clone(), later.clone()];
        let on = |d| in_force(both.clone(), AgencyType::HelloWork, d);
        assert_eq!(on(day(2026, 5, 4)).unwrap().id, withdrawn.id);
        assert_eq!(rule_code(on(day(2026, 5, 5))), "consent_required");
        assert_eq!(on(day(2026, 5, 9)).unwrap().id, later.id);
        assert_eq!(
            rule_code(in_force(vec![], AgencyType::HelloWork, day(2026, 5, 9))),
            "consent_required"
        );
        let not_yet = consent(ConsentScope::AllAgencies, day(2026, 5, 20));
        assert_eq!(
            rule_code(in_force(
                vec![not_yet],
                AgencyType::HelloWork,
                day(2026, 5, 9)
            )),
            "consent_required"
        );
    }

    #[test]
    fn a_consent_is_given_on_a_day_that_has_passed() {
        let input = |given_on: &str, scope: &str| ConsentInput {
            given_on: given_on.into(),
            scope: scope.into(),
            notes: None,
        };
        let today = day(2026, 5, 10);
        let (d, s, _) = parse_new(&input("2026-05-10", "all_agencies"), today).unwrap();
        assert_eq!((d, s), (today, ConsentScope::AllAgencies));
        assert_eq!(
            field_codes(parse_new(&input("2026-05-11", "everyone"), today)),
            ["given_on:in_future", "scope:invalid_choice"]
        );
    }

    #[test]
    fn a_withdrawal_happens_once_not_before_the_consent_and_is_never_undone() {
        let today = day(2026, 5, 10);
        let given = consent(ConsentScope::AllAgencies, day(2026, 5, 1));
        let withdraw = |on: Option<&str>| ConsentUpdate {
            withdrawn_on: Some(on.map(str::to_owned)),
            notes: None,
        };
        let (c, withdrawing) =
            apply_update(given.clone(), withdraw(Some("2026-05-03")), today).unwrap();
        assert!(withdrawing);
        assert_eq!(c.withdrawn_on, Some(day(2026, 5, 3)));
        // Saying it again is harmless; another day or undoing it is not.
        assert!(apply_update(c.clone(), withdraw(Some("2026-05-03")), today).is_ok());
        assert_eq!(
            field_codes(apply_update(c.clone(), withdraw(Some("2026-05-04")), today)),
            ["withdrawn_on:already_withdrawn"]
        );
        assert_eq!(
            field_codes(apply_update(c, withdraw(None), today)),
            ["withdrawn_on:cannot_reinstate"]
        );
        assert_eq!(
            field_codes(apply_update(
                given.clone(),
                withdraw(Some("2026-04-30")),
                today
            )),
            ["withdrawn_on:before_given"]
        );
        assert_eq!(
            field_codes(apply_update(
                given.clone(),
                withdraw(Some("2026-05-11")),
                today
            )),
            ["withdrawn_on:in_future"]
        );
        let notes = ConsentUpdate {
            withdrawn_on: None,
            notes: Some(Some("電話で確認".into())),
        };
        let (c, withdrawing) = apply_update(given, notes, today).unwrap();
        assert!(!withdrawing);
        assert_eq!(c.notes.as_deref(), Some("電話で確認"));
    }

    #[test]
    fn a_provision_names_the_referral_its_agency_and_the_consent() {
        let r = referral(Level::PhoneMediation, day(2026, 5, 10));
        let c = consent(ConsentScope::AllAgencies, day(2026, 5, 1));
        let by = Uuid::now_v7();
        let now = at("2026-05-10T10:00:00+09:00");
        let p = provision(&r, &c, vec![SharedItem::Name], day(2026, 5, 10), by, now);
        assert_eq!(
            (p.referral_id, p.patient_id, p.agency_id, p.consent_id),
            (r.id, r.patient_id, r.agency_id, c.id)
        );
        assert_eq!(
            (p.provided_on, p.recorded_by, p.created_at),
            (day(2026, 5, 10), by, now)
        );
    }
}
