//! Referrals (紹介): a patient sent to an agency at a level, with the history of every level
//! change. What a level brings is in `levels.rs`: a referral that passes data leaves a
//! record of provision under the consent in force (`consents.rs`); one that promises
//! follow-up schedules the first one (`follow_ups.rs`) and is not closed before a follow-up
//! is done. Changing and closing a referral is in `update.rs`.

mod levels;
mod update;

pub(crate) use update::check_closing;

use super::{assign, consents, describe, follow_ups, missing, not_in_future, require_case_worker};
use crate::app::{Ctx, NOTES_MAX};
use crate::audit::AuditDraft;
use crate::entities::{Agency, Consultation, FollowUp, LevelChange, Referral};
use crate::error::{DomainError, FieldError, Validator};
use crate::events::Action;
use crate::page::{Page, PageRequest};
use crate::ports::{ReferralEffects, ReferralFilter, Scope};
use crate::values::{self, Level, Purpose, ReferralStatus, ReviewState, SharedItem};
use chrono::NaiveDate;
use levels::{level_change, level_effects, shared_items};
use uuid::Uuid;

const HANDED_OVER_MAX: usize = 500;

#[derive(Debug, Clone)]
pub struct ReferralInput {
    pub patient_id: Uuid,
    pub consultation_id: Option<Uuid>,
    pub agency_id: Uuid,
    pub purpose: String,
    pub level: String,
    pub referred_on: Option<String>,
    pub handed_over: Option<String>,
    pub notes: Option<String>,
    pub shared_items: Option<Vec<String>>,
    pub consultant_id: Option<Uuid>,
}

#[derive(Debug, Default, Clone)]
pub struct ReferralUpdate {
    pub purpose: Option<String>,
    pub level: Option<String>,
    /// Why the level changes; required to lower it.
    pub level_reason: Option<String>,
    /// What is handed over when the new level passes data to the agency.
    pub shared_items: Option<Vec<String>>,
    pub handed_over: Option<Option<String>>,
    pub notes: Option<Option<String>>,
    pub consultant_id: Option<Uuid>,
    /// Only `closed`: a referral is closed once, with its outcome.
    pub status: Option<String>,
    pub outcome: Option<String>,
    pub closed_on: Option<String>,
}

#[derive(Debug, Default, Clone)]
pub struct ReferralQuery {
    pub patient_id: Option<Uuid>,
    pub agency_id: Option<Uuid>,
    pub consultant_id: Option<Uuid>,
    pub status: Option<String>,
}

crate::facade!(
    /// Referring patients to agencies, changing levels and closing: `services.referrals()`.
    Referrals,
    referrals
);

impl Referrals<'_> {
    #[tracing::instrument(name = "referrals.create", skip_all, fields(center_id = ?ctx.actor.center_id, patient_id = %input.patient_id, agency_id = %input.agency_id))]
    pub fn create(&self, ctx: &Ctx, input: ReferralInput) -> Result<Referral, DomainError> {
        self.guard(ctx, Action::ReferralCreate, None, || {
            let center = require_case_worker(&ctx.actor)?;
            let today = self.today();
            let new = parse_new(&input, today)?;
            // What it points at must be the center's own.
            let patient = self.store.patient(center, input.patient_id)?;
            let agency = self.store.agency(Scope::Center(center), input.agency_id)?;
            let consultation = match input.consultation_id {
                Some(cid) => Some(self.store.consultation(center, cid)?),
                None => None,
            };
            check_targets(
                input.patient_id,
                patient.is_some(),
                agency.as_ref(),
                consultation.as_ref().map(Option::as_ref),
            )?;
            let Some(agency) = agency else {
                return Err(missing("agency"));
            };
            let consultant_id = assign(
                &*self.store,
                &ctx.actor,
                center,
                "consultant_id",
                input.consultant_id,
            )?;
            let now = self.clock.now();
            let level = new.level;
            let r = Referral {
                id: Uuid::now_v7(),
                center_id: center,
                patient_id: input.patient_id,
                consultation_id: input.consultation_id,
                agency_id: agency.id,
                agency_type: agency.agency_type,
                purpose: new.purpose,
                level,
                referred_on: new.referred_on,
                handed_over: new.handed_over,
                notes: new.notes,
                status: ReferralStatus::Open,
                outcome: None,
                closed_on: None,
                review_state: ReviewState::None,
                consultant_id,
                created_by: ctx.actor.user_id,
                version: 1,
                created_at: now,
                updated_at: now,
            };
            let mut events = vec![
                self.ev(ctx, Action::ReferralCreate)
                    .resource(r.id)
                    .patient(r.patient_id)
                    .detail(format!(
                        "level={}; agency_type={}",
                        level.as_str(),
                        agency.agency_type.as_str()
                    )),
            ];
            let mut effects = ReferralEffects {
                level_change: Some(level_change(&r, None, None, ctx.actor.user_id, now)),
                ..ReferralEffects::default()
            };
            let brings = level_effects(None, level, true, false);
            if brings.provision {
                let consent = self.consents().in_force(
                    center,
                    r.patient_id,
                    agency.agency_type,
                    r.referred_on,
                )?;
                let p = consents::provision(
                    &r,
                    &consent,
                    new.items,
                    r.referred_on,
                    ctx.actor.user_id,
                    self.clock.now(),
                );
                events.push(self.consents().provision_event(ctx, &p));
                effects.provision = Some(p);
            }
            if brings.first_follow_up {
                let days = self.follow_ups().days_after_referral(center)?;
                let due = follow_ups::first_due(r.referred_on, days);
                effects.follow_up = Some(self.schedule_first(ctx, &r, due, &mut events));
            }
            let updated_at = self.store.insert_referral(&r, &effects, &events)?;
            Ok(Referral { updated_at, ..r })
        })
    }

    #[tracing::instrument(name = "referrals.get", skip_all, fields(center_id = ?ctx.actor.center_id, %id))]
    pub fn get(&self, ctx: &Ctx, id: Uuid) -> Result<Referral, DomainError> {
        self.guard(ctx, Action::ReferralRead, Some(id), || {
            let center = require_case_worker(&ctx.actor)?;
            let r = self
                .store
                .referral(center, id)?
                .ok_or(DomainError::NotFound)?;
            self.log_read(ctx, Action::ReferralRead, id, r.patient_id)?;
            Ok(r)
        })
    }

    #[tracing::instrument(name = "referrals.list", skip_all, fields(center_id = ?ctx.actor.center_id))]
    pub fn list(
        &self,
        ctx: &Ctx,
        q: ReferralQuery,
        page: PageRequest,
    ) -> Result<Page<Referral>, DomainError> {
        self.guard(ctx, Action::ReferralList, None, || {
            let center = require_case_worker(&ctx.actor)?;
            let status = q
                .status
                .as_deref()
                .map(|s| ReferralStatus::parse("status", s))
                .transpose()
                .map_err(|e| DomainError::Validation(vec![e]))?;
            let filter = ReferralFilter {
                patient_id: q.patient_id,
                agency_id: q.agency_id,
                consultant_id: q.consultant_id,
                status,
                review_state: None,
            };
            let found = self.store.referrals(center, &filter, page)?;
            self.log_list(
                ctx,
                Action::ReferralList,
                &describe(&[
                    ("patient_id", q.patient_id.map(|x| x.to_string())),
                    ("agency_id", q.agency_id.map(|x| x.to_string())),
                    ("consultant_id", q.consultant_id.map(|x| x.to_string())),
                    ("status", q.status.clone()),
                ]),
                found.items.len(),
            )?;
            Ok(found)
        })
    }

    /// The referral's levels: the first, then every change with who made it and why.
    #[tracing::instrument(name = "referrals.level_changes", skip_all, fields(center_id = ?ctx.actor.center_id, %id))]
    pub fn level_changes(&self, ctx: &Ctx, id: Uuid) -> Result<Vec<LevelChange>, DomainError> {
        self.guard(ctx, Action::ReferralLevels, Some(id), || {
            let center = require_case_worker(&ctx.actor)?;
            let r = self
                .store
                .referral(center, id)?
                .ok_or(DomainError::NotFound)?;
            let list = self.store.level_changes(center, id)?;
            self.log_read(ctx, Action::ReferralLevels, id, r.patient_id)?;
            Ok(list)
        })
    }

    /// The first follow-up a referral promises, for its consultant, with its event.
    fn schedule_first(
        &self,
        ctx: &Ctx,
        r: &Referral,
        due: NaiveDate,
        events: &mut Vec<AuditDraft>,
    ) -> FollowUp {
        let f = follow_ups::schedule(r, r.consultant_id, due, ctx.actor.user_id, self.clock.now());
        events.push(self.follow_ups().schedule_event(ctx, &f));
        f
    }
}

/// A new referral's own fields, checked.
#[derive(Debug)]
struct NewReferral {
    purpose: Purpose,
    level: Level,
    referred_on: NaiveDate,
    handed_over: Option<String>,
    notes: Option<String>,
    items: Vec<SharedItem>,
}

/// Whether a new referral's own fields hold (an import's dry run, before anything is written).
pub(crate) fn check_new_referral(
    input: &ReferralInput,
    today: NaiveDate,
) -> Result<(), DomainError> {
    parse_new(input, today).map(|_| ())
}

/// Parses a new referral: made today unless a past day is given, naming the shared items
/// exactly when its level passes data.
fn parse_new(input: &ReferralInput, today: NaiveDate) -> Result<NewReferral, DomainError> {
    let mut v = Validator::new();
    let purpose = v.check(Purpose::parse("purpose", &input.purpose));
    let level = v.check(Level::parse("level", &input.level));
    let referred_on = match input.referred_on.as_deref() {
        None => Some(today),
        Some(raw) => v.check(
            values::date("referred_on", raw).and_then(|d| not_in_future("referred_on", d, today)),
        ),
    };
    let handed_over = v
        .check(values::optional_prose(
            "handed_over",
            input.handed_over.as_deref(),
            HANDED_OVER_MAX,
        ))
        .flatten();
    let notes = v
        .check(values::optional_prose(
            "notes",
            input.notes.as_deref(),
            NOTES_MAX,
        ))
        .flatten();
    let items = shared_items(&mut v, input.shared_items.as_deref(), level, None);
    v.finish()?;
    match (purpose, level, referred_on) {
        (Some(purpose), Some(level), Some(referred_on)) => Ok(NewReferral {
            purpose,
            level,
            referred_on,
            handed_over,
            notes,
            items,
        }),
        _ => Err(missing("referral fields")),
    }
}

/// What a new referral points at is the center's own: the patient, an active agency, and
/// (if named) a consultation with this patient. `consultation` is `Some(found)` when one
/// is named.
fn check_targets(
    patient_id: Uuid,
    patient_found: bool,
    agency: Option<&Agency>,
    consultation: Option<Option<&Consultation>>,
) -> Result<(), DomainError> {
    let mut v = Validator::new();
    if !patient_found {
        v.push(FieldError::new(
            "patient_id",
            "not_found",
            "no such patient in your center",
        ));
    }
    match agency {
        None => v.push(FieldError::new(
            "agency_id",
            "not_found",
            "no such agency in your center",
        )),
        Some(a) if !a.active => v.push(FieldError::new(
            "agency_id",
            "inactive_agency",
            "this agency is deactivated",
        )),
        Some(_) => {}
    }
    match consultation {
        None => {}
        Some(None) => v.push(FieldError::new(
            "consultation_id",
            "not_found",
            "no such consultation in your center",
        )),
        Some(Some(c)) if c.patient_id != Some(patient_id) => v.push(FieldError::new(
            "consultation_id",
            "other_patient",
            "this consultation is not with this patient",
        )),
        Some(Some(_)) => {}
    }
    v.finish()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::cases::testing::{day, field_codes};
    use crate::values::AgencyType;
    use Level::PhoneMediation;

    fn today() -> NaiveDate {
        day(2026, 5, 10)
    }

    fn new(level: &str, items: Option<&[&str]>) -> ReferralInput {
        ReferralInput {
            patient_id: Uuid::now_v7(),
            consultation_id: None,
            agency_id: Uuid::now_v7(),
            purpose: "new_employment".into(),
            level: level.into(),
            referred_on: None,
            handed_over: None,
            notes: None,
            shared_items: items.map(|i| i.iter().map(|s| s.to_string()).collect()),
            consultant_id: None,
        }
    }

    #[test]
    fn a_new_referral_is_made_today_unless_a_past_day_is_given() {
        let r = parse_new(&new("phone_mediation", Some(&["name"])), today()).unwrap();
        assert_eq!((r.level, r.referred_on), (PhoneMediation, today()));
        assert_eq!(r.items, [SharedItem::Name]);
        let earlier = ReferralInput {
            referred_on: Some("2026-05-01".into()),
            ..new("information_only", None)
        };
        assert_eq!(
            parse_new(&earlier, today()).unwrap().referred_on,
            day(2026, 5, 1)
        );
        let ahead = ReferralInput {
            referred_on: Some("2026-05-11".into()),
            ..new("accompanied", None)
        };
        assert_eq!(
            field_codes(parse_new(&ahead, today())),
            ["referred_on:in_future", "shared_items:required"]
        );
    }

    #[test]
    fn a_referral_points_at_the_centers_own_patient_active_agency_and_consultation() {
        let patient = Uuid::now_v7();
        let mut agency = Agency {
            id: Uuid::now_v7(),
            center_id: Uuid::nil(),
            agency_type: AgencyType::HelloWork,
            name: "ハローワーク".into(),
            phone: None,
            address: None,
            notes: None,
            active: true,
            version: 1,
            created_at: chrono::DateTime::<chrono::Utc>::UNIX_EPOCH,
            updated_at: chrono::DateTime::<chrono::Utc>::UNIX_EPOCH,
        };
        assert!(check_targets(patient, true, Some(&agency), None).is_ok());
        assert_eq!(
            field_codes(check_targets(patient, false, None, Some(None))),
            [
                "patient_id:not_found",
                "agency_id:not_found",
                "consultation_id:not_found"
            ]
        );
        agency.active = false;
        assert_eq!(
            field_codes(check_targets(patient, true, Some(&agency), None)),
            ["agency_id:inactive_agency"]
        );
    }
}
