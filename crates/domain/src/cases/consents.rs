//! Consent to share a patient's data with agencies (given, scoped, withdrawable, history
//! kept), and the record of provision (第三者提供の記録) a data-passing referral leaves under
//! the consent in force.

use super::{missing, not_in_future, require_case_worker};
use crate::app::{Ctx, NAME_MAX, NOTES_MAX};
use crate::audit::AuditDraft;
use crate::entities::{Consent, Provision, Referral};
use crate::error::{DomainError, FieldError, Validator};
use crate::events::Action;
use crate::if_match::IfMatch;
use crate::values::{self, AgencyType, ConsentScope, GivenBy, Program, SharedItem};
use chrono::{DateTime, Datelike, NaiveDate, Utc};
use uuid::Uuid;

#[derive(Debug, Default, Clone)]
pub struct ConsentInput {
    pub given_on: String,
    pub scope: String,
    pub notes: Option<String>,
    /// `self` or `guardian`; absent means `self` (refused for a minor).
    pub given_by: Option<String>,
    pub guardian_name: Option<String>,
    /// e.g. 母, 父, 祖母.
    pub guardian_relationship: Option<String>,
    /// The child agreed as well.
    pub child_assent: Option<bool>,
}

/// Who gave a consent, as recorded.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Giver {
    pub given_by: GivenBy,
    pub guardian_name: Option<String>,
    pub guardian_relationship: Option<String>,
    pub child_assent: bool,
}

/// Full age on `day` of someone born on `birth` (a birthday counts from the day itself).
pub fn age_on(birth: NaiveDate, day: NaiveDate) -> i32 {
    let mut years = day.year() - birth.year();
    if (day.month(), day.day()) < (birth.month(), birth.day()) {
        years -= 1;
    }
    years
}

/// 成年 (民法 第4条).
pub const ADULT_AGE: i32 = 18;
/// A 小慢 patient stays a 児童等 up to 20 while treatment continues (児童福祉法 第6条の2):
/// to that age the guardian may still give consent for them.
pub const SHOMAN_GUARDIAN_AGE: i32 = 20;

/// Whether the consent's giver fits the patient's age on the day it was given.
///
/// - Under 18: the guardian gives it, named (422 `guardian_consent_required`,
///   `guardian_name_required`); from the center's `child_assent_age` (0: never) the child
///   assents too (422 `child_assent_required`).
/// - 18 and over: the patient gives it. Only a 小慢 patient under 20 (still a 児童等) may
///   have the guardian give it instead, and then always with the patient's own assent, who
///   is of age (422 `guardian_not_allowed`, `child_assent_required`).
/// - A guardian's name goes only with `given_by: guardian` (422 `guardian_name_not_allowed`).
pub fn check_giver(
    giver: &Giver,
    age: i32,
    program: Program,
    child_assent_age: i32,
) -> Result<(), DomainError> {
    let by_guardian = giver.given_by == GivenBy::Guardian;
    if !by_guardian {
        if giver.guardian_name.is_some() || giver.guardian_relationship.is_some() {
            return Err(DomainError::rule(
                "guardian_name_not_allowed",
                "a guardian is named only when the guardian gives the consent (given_by: guardian)",
            ));
        }
        if age < ADULT_AGE {
            return Err(DomainError::rule(
                "guardian_consent_required",
                "the patient is a minor on the day of consent: the guardian gives it (given_by: guardian, guardian_name)",
            ));
        }
        return Ok(());
    }
    if age >= ADULT_AGE && !(program == Program::Shoman && age < SHOMAN_GUARDIAN_AGE) {
        return Err(DomainError::rule(
            "guardian_not_allowed",
            "the patient is of age on the day of consent and gives it themselves (a guardian only for a 小慢 patient under 20)",
        ));
    }
    if giver.guardian_name.is_none() {
        return Err(DomainError::rule(
            "guardian_name_required",
            "a consent given by the guardian names the guardian (guardian_name)",
        ));
    }
    let assent_needed = age >= ADULT_AGE || (child_assent_age > 0 && age >= child_assent_age);
    if assent_needed && !giver.child_assent {
        return Err(DomainError::rule(
            "child_assent_required",
            "from the center's child_assent_age the child assents as well (child_assent: true)",
        ));
    }
    Ok(())
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
            let giver = parse_giver(&input)?;
            let patient = self
                .store
                .patient(center, patient_id)?
                .ok_or(DomainError::NotFound)?;
            let assent_age = self
                .store
                .center(center)?
                .map_or(values::DEFAULT_CHILD_ASSENT_AGE, |c| c.child_assent_age);
            check_giver(
                &giver,
                age_on(patient.birth_date, given_on),
                patient.program,
                assent_age,
            )?;
            let now = self.clock.now();
            let c = Consent {
                id: Uuid::now_v7(),
                center_id: center,
                patient_id,
                given_on,
                scope,
                withdrawn_on: None,
                notes,
                given_by: Some(giver.given_by),
                guardian_name: giver.guardian_name,
                guardian_relationship: giver.guardian_relationship,
                child_assent: giver.child_assent,
                recorded_by: ctx.actor.user_id,
                version: 1,
                created_at: now,
                updated_at: now,
            };
            let ev = self
                .ev(ctx, Action::ConsentCreate)
                .resource(c.id)
                .patient(patient_id)
                .detail(format!(
                    "scope={}; given_by={}",
                    scope.as_str(),
                    c.given_by.map_or("", GivenBy::as_str)
                ));
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
        if_match: IfMatch,
        input: ConsentUpdate,
    ) -> Result<Consent, DomainError> {
        self.guard(ctx, Action::ConsentUpdate, Some(id), || {
            let center = require_case_worker(&ctx.actor)?;
            let current = self
                .store
                .consent(center, id)?
                .ok_or(DomainError::NotFound)?;
            let expected_version = if_match.against(current.version)?;
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

/// Who gave a new consent: `self` unless said; names trimmed, blank ones dropped.
fn parse_giver(input: &ConsentInput) -> Result<Giver, DomainError> {
    let mut v = Validator::new();
    let given_by = match input.given_by.as_deref() {
        None => Some(GivenBy::SelfGiven),
        Some(g) => v.check(GivenBy::parse("given_by", g)),
    };
    let guardian_name = v
        .check(values::optional_prose(
            "guardian_name",
            input.guardian_name.as_deref(),
            NAME_MAX,
        ))
        .flatten();
    let guardian_relationship = v
        .check(values::optional_prose(
            "guardian_relationship",
            input.guardian_relationship.as_deref(),
            NAME_MAX,
        ))
        .flatten();
    v.finish()?;
    Ok(Giver {
        given_by: given_by.unwrap_or(GivenBy::SelfGiven),
        guardian_name,
        guardian_relationship,
        child_assent: input.child_assent.unwrap_or(false),
    })
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

    fn giver(by: GivenBy, name: Option<&str>, assent: bool) -> Giver {
        Giver {
            given_by: by,
            guardian_name: name.map(str::to_owned),
            guardian_relationship: name.map(|_| "母".to_owned()),
            child_assent: assent,
        }
    }

    fn giver_code(r: Result<(), DomainError>) -> &'static str {
        match r {
            Ok(()) => "ok",
            Err(DomainError::Rule { code, .. }) => code,
            Err(e) => panic!("{e:?}"),
        }
    }

    #[test]
    fn an_age_counts_from_the_birthday_itself() {
        let born = day(2010, 4, 2);
        assert_eq!(age_on(born, day(2026, 4, 1)), 15);
        assert_eq!(age_on(born, day(2026, 4, 2)), 16);
        assert_eq!(age_on(day(2008, 2, 29), day(2026, 2, 28)), 17);
        assert_eq!(age_on(day(2008, 2, 29), day(2026, 3, 1)), 18);
    }

    #[test]
    fn a_minor_s_consent_is_the_guardian_s_with_the_child_s_assent_from_the_center_s_age() {
        let guardian = |assent| giver(GivenBy::Guardian, Some("山田花子"), assent);
        let nanbyo = Program::Nanbyo;
        // A 10-year-old: the guardian, named; no assent needed yet.
        assert_eq!(
            giver_code(check_giver(&guardian(false), 10, nanbyo, 15)),
            "ok"
        );
        assert_eq!(
            giver_code(check_giver(
                &giver(GivenBy::SelfGiven, None, false),
                10,
                nanbyo,
                15
            )),
            "guardian_consent_required"
        );
        assert_eq!(
            giver_code(check_giver(
                &giver(GivenBy::Guardian, None, false),
                10,
                nanbyo,
                15
            )),
            "guardian_name_required"
        );
        // From the center's age the child assents too; 0 never asks for it.
        assert_eq!(
            giver_code(check_giver(&guardian(false), 15, nanbyo, 15)),
            "child_assent_required"
        );
        assert_eq!(
            giver_code(check_giver(&guardian(true), 16, nanbyo, 15)),
            "ok"
        );
        assert_eq!(
            giver_code(check_giver(&guardian(false), 14, nanbyo, 15)),
            "ok"
        );
        assert_eq!(
            giver_code(check_giver(&guardian(false), 17, nanbyo, 0)),
            "ok"
        );
    }

    #[test]
    fn an_adult_gives_consent_and_a_guardian_only_for_a_shoman_patient_under_20() {
        let own = giver(GivenBy::SelfGiven, None, false);
        assert_eq!(giver_code(check_giver(&own, 18, Program::Nanbyo, 15)), "ok");
        assert_eq!(giver_code(check_giver(&own, 40, Program::Shoman, 15)), "ok");
        let guardian = |assent| giver(GivenBy::Guardian, Some("山田花子"), assent);
        assert_eq!(
            giver_code(check_giver(&guardian(true), 18, Program::Nanbyo, 15)),
            "guardian_not_allowed"
        );
        assert_eq!(
            giver_code(check_giver(&guardian(true), 20, Program::Shoman, 15)),
            "guardian_not_allowed"
        );
        // An 18- or 19-year-old 小慢 patient: the guardian may, with the patient's assent
        // whatever the center's age.
        assert_eq!(
            giver_code(check_giver(&guardian(true), 19, Program::Shoman, 0)),
            "ok"
        );
        assert_eq!(
            giver_code(check_giver(&guardian(false), 18, Program::Shoman, 0)),
            "child_assent_required"
        );
        let named_self = giver(GivenBy::SelfGiven, Some("山田花子"), false);
        assert_eq!(
            giver_code(check_giver(&named_self, 30, Program::Nanbyo, 15)),
            "guardian_name_not_allowed"
        );
    }

    #[test]
    fn a_consent_is_given_on_a_day_that_has_passed() {
        let input = |given_on: &str, scope: &str| ConsentInput {
            given_on: given_on.into(),
            scope: scope.into(),
            ..ConsentInput::default()
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
