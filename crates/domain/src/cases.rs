//! The case: patients, their consent, consultations, referrals at a level, and follow-ups.
//! The rules of 相談 → 紹介 → フォローアップ live here:
//!
//! - From `phone_mediation` up a referral passes the patient's data to the agency, so it needs
//!   a consent in force whose scope covers the agency, and it leaves a record of provision.
//! - Anyone on the case may raise a level; only a supervisor may lower one, with a reason.
//! - Level 4 (`accompanied_with_follow_up`) promises follow-up: the first one is scheduled
//!   automatically, and the referral cannot be closed before one is done.
//! - Reads of a patient's data are logged through the access log.

use crate::app::{Ctx, NAME_MAX, NOTES_MAX, Services, changed_fields};
use crate::audit::AuditDraft;
use crate::clock::tokyo_date;
use crate::entities::{
    Actor, CaseHistory, Consent, Consultation, FollowUp, FollowUpView, LevelChange, Patient,
    PatientLabel, Provision, Referral,
};
use crate::error::{DomainError, FieldError, Validator};
use crate::events::Action;
use crate::page::{Page, PageRequest};
use crate::policy::{self, Permission};
use crate::ports::{
    ConsultationFilter, FollowUpFilter, FollowUpState, PatientQuery, ReferralEffects,
    ReferralFilter, Scope,
};
use crate::values::{
    self, CaseOutcome, Channel, ConsentScope, Contacted, EmploymentStatus, FollowUpMethod, Level,
    Program, Purpose, ReferralStatus, Requester, ReviewState, Sex, SharedItem, SupportAwareness,
    Topic,
};
use crate::{contact, kana, master};
use chrono::{DateTime, Duration, NaiveDate, Utc};
use uuid::Uuid;

const KANA_MAX: usize = 100;
const SUMMARY_MAX: usize = 4000;
const QUERY_MAX: usize = 100;
/// A consultation may be recorded a little ahead of the server's clock (a skewed PC clock),
/// not days ahead.
const FUTURE_SLACK_MINUTES: i64 = 10;

/// The patient fields a create or an update carries; `None` leaves a field as it is, and
/// `Some(None)` clears an optional one.
#[derive(Debug, Default, Clone)]
pub struct PatientInput {
    pub family_name: Option<String>,
    pub given_name: Option<String>,
    pub family_name_kana: Option<String>,
    pub given_name_kana: Option<String>,
    pub birth_date: Option<String>,
    pub sex: Option<Option<String>>,
    pub prefecture_code: Option<Option<String>>,
    pub municipality_code: Option<Option<String>>,
    pub phone: Option<Option<String>>,
    pub email: Option<Option<String>>,
    pub program: Option<String>,
    pub disease_number: Option<Option<i32>>,
    pub diagnosis: Option<Option<String>>,
    pub employment_status: Option<String>,
    pub support_awareness: Option<String>,
    pub disability_certificate: Option<bool>,
    pub notes: Option<Option<String>>,
}

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

#[derive(Debug, Default, Clone)]
pub struct ConsultationInput {
    pub patient_id: Option<Option<Uuid>>,
    pub occurred_at: Option<String>,
    pub channel: Option<String>,
    pub requester: Option<String>,
    pub topics: Option<Vec<String>>,
    pub duration_minutes: Option<Option<i32>>,
    pub with_employment_supporter: Option<bool>,
    pub summary: Option<Option<String>>,
    pub consultant_id: Option<Uuid>,
}

#[derive(Debug, Default, Clone)]
pub struct ConsultationQuery {
    pub patient_id: Option<Uuid>,
    pub consultant_id: Option<Uuid>,
    /// RFC 3339; occurred at or after.
    pub from: Option<String>,
    /// RFC 3339; occurred before.
    pub to: Option<String>,
}

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

#[derive(Debug, Default, Clone)]
pub struct FollowUpInput {
    pub due_on: String,
    pub assignee_id: Option<Uuid>,
    pub notes: Option<String>,
}

/// Rescheduling (while open) or recording a follow-up as done (with `done_on`).
#[derive(Debug, Default, Clone)]
pub struct FollowUpUpdate {
    pub due_on: Option<String>,
    pub assignee_id: Option<Uuid>,
    pub done_on: Option<Option<String>>,
    pub method: Option<String>,
    pub contacted: Option<String>,
    pub outcome: Option<String>,
    pub notes: Option<Option<String>>,
    /// Schedules the next follow-up, when recording this one.
    pub next_due_on: Option<String>,
}

#[derive(Debug, Default, Clone)]
pub struct FollowUpQuery {
    /// `due`, `overdue`, `done`; absent means due and overdue, overdue first.
    pub state: Option<String>,
    /// A user id, or `me`.
    pub assignee: Option<String>,
    pub patient_id: Option<Uuid>,
}

/// One entry of a patient's timeline.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum TimelineItem {
    Consent(Consent),
    Consultation(Consultation),
    Referral(Referral),
    LevelChange(LevelChange),
    FollowUp(FollowUpView),
    Provision(Provision),
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TimelineEntry {
    /// The day it happened (or is due), in Asia/Tokyo.
    pub date: NaiveDate,
    /// When it happened or was recorded, to order entries of one day.
    pub at: DateTime<Utc>,
    pub item: TimelineItem,
}

/// Parses an optional input field onto its target: absent leaves the target as it is,
/// invalid records the field error and leaves it too.
fn set<T>(v: &mut Validator, target: &mut T, parsed: Option<Result<T, FieldError>>) {
    if let Some(x) = parsed.and_then(|r| v.check(r)) {
        *target = x;
    }
}

/// Case work is done by consultants and supervisors of a center (see [`Permission::CaseWork`]).
fn require_case_worker(actor: &Actor) -> Result<Uuid, DomainError> {
    policy::permit_in_center(actor, Permission::CaseWork)
}

fn missing(what: &str) -> DomainError {
    DomainError::Internal(format!("validator passed without {what}"))
}

fn required(field: &str) -> FieldError {
    FieldError::new(field, "required", "is required")
}

fn not_in_future(field: &str, d: NaiveDate, today: NaiveDate) -> Result<NaiveDate, FieldError> {
    if d > today {
        Err(FieldError::new(
            field,
            "in_future",
            "must not be after today",
        ))
    } else {
        Ok(d)
    }
}

/// The case number of the `n`th patient registered in a center in a fiscal year: short
/// enough to read aloud on the phone (`2026-0042`).
pub fn format_case_number(fiscal_year: i32, n: i64) -> String {
    format!("{fiscal_year}-{n:04}")
}

impl Services {
    /// A staff member who can be given case work: an active consultant or supervisor of the center.
    fn case_worker(&self, center: Uuid, field: &str, id: Uuid) -> Result<Uuid, DomainError> {
        match self.store.user(Scope::Center(center), id)? {
            Some(u) if u.active && policy::can_do_case_work(u.role) => Ok(u.id),
            _ => Err(DomainError::field(
                field,
                "unknown_user",
                "must be an active consultant or supervisor of your center",
            )),
        }
    }

    /// Who a record is assigned to: the caller, unless a supervisor names someone else.
    fn assign(
        &self,
        ctx: &Ctx,
        center: Uuid,
        field: &str,
        requested: Option<Uuid>,
    ) -> Result<Uuid, DomainError> {
        match requested {
            // A client is no one's colleague: it says whose work it records.
            None if ctx.actor.is_client() => Err(DomainError::field(
                field,
                "required",
                "an API client names the consultant or supervisor it records for",
            )),
            None => Ok(ctx.actor.user_id),
            Some(id) if id == ctx.actor.user_id => Ok(id),
            Some(id) => {
                policy::act_for_colleague(&ctx.actor)?;
                self.case_worker(center, field, id)
            }
        }
    }

    // --- patients --------------------------------------------------------------------

    pub fn create_patient(&self, ctx: &Ctx, input: PatientInput) -> Result<Patient, DomainError> {
        self.guard(ctx, Action::PatientCreate, None, || {
            let center = require_case_worker(&ctx.actor)?;
            let now = self.clock.now();
            let blank = Patient {
                id: Uuid::now_v7(),
                center_id: center,
                case_number: String::new(),
                family_name: String::new(),
                given_name: String::new(),
                family_name_kana: String::new(),
                given_name_kana: String::new(),
                birth_date: NaiveDate::MIN,
                sex: None,
                prefecture_code: None,
                municipality_code: None,
                phone: None,
                email: None,
                program: Program::Nanbyo,
                disease_number: None,
                diagnosis: None,
                employment_status: EmploymentStatus::NotWorking,
                support_awareness: SupportAwareness::Unaware,
                disability_certificate: false,
                notes: None,
                created_by: ctx.actor.user_id,
                version: 1,
                created_at: now,
                updated_at: now,
            };
            let p = self.apply_patient(blank, input, true)?;
            let ev = self
                .ev(ctx, Action::PatientCreate)
                .resource(p.id)
                .patient(p.id);
            self.store
                .insert_patient(&p, values::fiscal_year(tokyo_date(now)), &ev)
        })
    }

    /// Parses the input onto `p`, checking every field and the rules between them.
    fn apply_patient(
        &self,
        mut p: Patient,
        input: PatientInput,
        create: bool,
    ) -> Result<Patient, DomainError> {
        let mut v = Validator::new();
        let today = self.today();
        let need = |v: &mut Validator, field: &str, present: bool| {
            if create && !present {
                v.push(required(field));
            }
        };
        need(&mut v, "family_name", input.family_name.is_some());
        need(&mut v, "given_name", input.given_name.is_some());
        need(&mut v, "family_name_kana", input.family_name_kana.is_some());
        need(&mut v, "given_name_kana", input.given_name_kana.is_some());
        need(&mut v, "birth_date", input.birth_date.is_some());
        need(&mut v, "program", input.program.is_some());
        need(
            &mut v,
            "employment_status",
            input.employment_status.is_some(),
        );
        need(
            &mut v,
            "support_awareness",
            input.support_awareness.is_some(),
        );

        set(
            &mut v,
            &mut p.family_name,
            input
                .family_name
                .as_deref()
                .map(|x| values::text("family_name", x, 1, NAME_MAX)),
        );
        set(
            &mut v,
            &mut p.given_name,
            input
                .given_name
                .as_deref()
                .map(|x| values::text("given_name", x, 1, NAME_MAX)),
        );
        set(
            &mut v,
            &mut p.family_name_kana,
            input
                .family_name_kana
                .as_deref()
                .map(|x| kana::kana("family_name_kana", x, KANA_MAX)),
        );
        set(
            &mut v,
            &mut p.given_name_kana,
            input
                .given_name_kana
                .as_deref()
                .map(|x| kana::kana("given_name_kana", x, KANA_MAX)),
        );
        set(
            &mut v,
            &mut p.birth_date,
            input.birth_date.as_deref().map(|x| {
                values::date("birth_date", x).and_then(|d| not_in_future("birth_date", d, today))
            }),
        );
        if let Some(x) = input.sex {
            p.sex = match x.as_deref() {
                None => None,
                Some(s) => v.check(Sex::parse("sex", s)),
            };
        }
        if let Some(x) = input.prefecture_code {
            p.prefecture_code = match x.as_deref() {
                None => None,
                Some(code) => v.check(match master::prefecture(code) {
                    Some(pref) => Ok(pref.code.clone()),
                    None => Err(FieldError::new(
                        "prefecture_code",
                        "invalid_prefecture",
                        "must be a JIS X 0401 code from \"01\" to \"47\"",
                    )),
                }),
            };
        }
        if let Some(x) = input.municipality_code {
            p.municipality_code = match x.as_deref() {
                None => None,
                Some(code) => v.check(match master::municipality(code) {
                    Some(m) => Ok(m.code.clone()),
                    None => Err(FieldError::new(
                        "municipality_code",
                        "unknown_municipality",
                        "must be a 6-digit local government code (全国地方公共団体コード)",
                    )),
                }),
            };
        }
        // A municipality implies its prefecture; a contradicting pair is a mistake.
        if let Some(m) = p
            .municipality_code
            .as_deref()
            .and_then(master::municipality)
        {
            match p.prefecture_code.as_deref() {
                None => p.prefecture_code = Some(m.prefecture_code.clone()),
                Some(pc) if pc != m.prefecture_code => v.push(FieldError::new(
                    "municipality_code",
                    "not_in_prefecture",
                    "is not in the given prefecture",
                )),
                Some(_) => {}
            }
        }
        if let Some(x) = input.phone {
            p.phone = match x.as_deref().map(str::trim) {
                None | Some("") => None,
                Some(s) => v.check(contact::phone("phone", s)),
            };
        }
        if let Some(x) = input.email {
            p.email = match x.as_deref().map(str::trim) {
                None | Some("") => None,
                Some(s) => v.check(contact::email("email", s)),
            };
        }
        set(
            &mut v,
            &mut p.program,
            input
                .program
                .as_deref()
                .map(|x| Program::parse("program", x)),
        );
        if let Some(x) = input.disease_number {
            p.disease_number = match x {
                None => None,
                Some(n) => v.check(match master::disease(n) {
                    Some(_) => Ok(n),
                    None => Err(FieldError::new(
                        "disease_number",
                        "unknown_disease",
                        "must be the number of a designated intractable disease (指定難病 告示番号 1–348)",
                    )),
                }),
            };
        }
        if p.disease_number.is_some() && p.program == Program::Shoman {
            v.push(FieldError::new(
                "disease_number",
                "not_for_program",
                "designated intractable disease numbers apply to the nanbyo program; use diagnosis",
            ));
        }
        if let Some(x) = input.diagnosis {
            p.diagnosis = v
                .check(values::optional_text("diagnosis", x.as_deref(), 200))
                .flatten();
        }
        set(
            &mut v,
            &mut p.employment_status,
            input
                .employment_status
                .as_deref()
                .map(|x| EmploymentStatus::parse("employment_status", x)),
        );
        set(
            &mut v,
            &mut p.support_awareness,
            input
                .support_awareness
                .as_deref()
                .map(|x| SupportAwareness::parse("support_awareness", x)),
        );
        if let Some(x) = input.disability_certificate {
            p.disability_certificate = x;
        }
        if let Some(x) = input.notes {
            p.notes = v
                .check(values::optional_text("notes", x.as_deref(), NOTES_MAX))
                .flatten();
        }
        v.finish()?;
        Ok(p)
    }

    pub fn get_patient(&self, ctx: &Ctx, id: Uuid) -> Result<Patient, DomainError> {
        self.guard(ctx, Action::PatientRead, Some(id), || {
            let center = require_case_worker(&ctx.actor)?;
            let p = self
                .store
                .patient(center, id)?
                .ok_or(DomainError::NotFound)?;
            self.log_read(ctx, Action::PatientRead, id, id);
            Ok(p)
        })
    }

    /// Finds patients by any part of the name or the reading, ignoring width and
    /// hiragana/katakana; without a query, lists them all.
    pub fn search_patients(
        &self,
        ctx: &Ctx,
        q: Option<&str>,
        page: PageRequest,
    ) -> Result<Page<Patient>, DomainError> {
        self.guard(ctx, Action::PatientSearch, None, || {
            let center = require_case_worker(&ctx.actor)?;
            let raw = q.unwrap_or("");
            if raw.chars().count() > QUERY_MAX {
                return Err(DomainError::field(
                    "q",
                    "too_long",
                    format!("must be at most {QUERY_MAX} characters"),
                ));
            }
            let folded = kana::fold(raw);
            let query = (!folded.is_empty()).then(|| PatientQuery {
                grams: kana::query_grams(&folded),
                folded,
            });
            let found = self.store.patients(center, query.as_ref(), page)?;
            let action = if query.is_some() {
                Action::PatientSearch
            } else {
                Action::PatientList
            };
            self.log_list(ctx, action, &format!("q={}", raw.trim()), found.items.len());
            Ok(found)
        })
    }

    pub fn update_patient(
        &self,
        ctx: &Ctx,
        id: Uuid,
        expected_version: i32,
        input: PatientInput,
    ) -> Result<Patient, DomainError> {
        self.guard(ctx, Action::PatientUpdate, Some(id), || {
            let center = require_case_worker(&ctx.actor)?;
            let current = self
                .store
                .patient(center, id)?
                .ok_or(DomainError::NotFound)?;
            let fields = changed_fields(&[
                ("family_name", input.family_name.is_some()),
                ("given_name", input.given_name.is_some()),
                ("family_name_kana", input.family_name_kana.is_some()),
                ("given_name_kana", input.given_name_kana.is_some()),
                ("birth_date", input.birth_date.is_some()),
                ("sex", input.sex.is_some()),
                ("prefecture_code", input.prefecture_code.is_some()),
                ("municipality_code", input.municipality_code.is_some()),
                ("phone", input.phone.is_some()),
                ("email", input.email.is_some()),
                ("program", input.program.is_some()),
                ("disease_number", input.disease_number.is_some()),
                ("diagnosis", input.diagnosis.is_some()),
                ("employment_status", input.employment_status.is_some()),
                ("support_awareness", input.support_awareness.is_some()),
                (
                    "disability_certificate",
                    input.disability_certificate.is_some(),
                ),
                ("notes", input.notes.is_some()),
            ]);
            let mut p = self.apply_patient(current, input, false)?;
            p.updated_at = self.clock.now();
            let ev = self
                .ev(ctx, Action::PatientUpdate)
                .resource(id)
                .patient(id)
                .detail(fields);
            self.store.save_patient(&p, expected_version, &ev)
        })
    }

    /// A patient's path in time order: consents, consultations, referrals, level changes,
    /// data provided and follow-ups, in one answer.
    pub fn patient_timeline(
        &self,
        ctx: &Ctx,
        id: Uuid,
    ) -> Result<(Patient, Vec<TimelineEntry>), DomainError> {
        self.guard(ctx, Action::PatientTimeline, Some(id), || {
            let center = require_case_worker(&ctx.actor)?;
            let p = self
                .store
                .patient(center, id)?
                .ok_or(DomainError::NotFound)?;
            let history = self.store.case_history(center, id)?;
            self.log_read(ctx, Action::PatientTimeline, id, id);
            Ok((p, timeline(history)))
        })
    }

    // --- consents --------------------------------------------------------------------

    pub fn create_consent(
        &self,
        ctx: &Ctx,
        patient_id: Uuid,
        input: ConsentInput,
    ) -> Result<Consent, DomainError> {
        self.guard(ctx, Action::ConsentCreate, None, || {
            let center = require_case_worker(&ctx.actor)?;
            let today = self.today();
            let mut v = Validator::new();
            let given_on = v.check(
                values::date("given_on", &input.given_on)
                    .and_then(|d| not_in_future("given_on", d, today)),
            );
            let scope = v.check(ConsentScope::parse("scope", &input.scope));
            let notes = v
                .check(values::optional_text(
                    "notes",
                    input.notes.as_deref(),
                    NOTES_MAX,
                ))
                .flatten();
            v.finish()?;
            self.store
                .patient(center, patient_id)?
                .ok_or(DomainError::NotFound)?;
            let (Some(given_on), Some(scope)) = (given_on, scope) else {
                return Err(missing("consent fields"));
            };
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

    pub fn list_consents(&self, ctx: &Ctx, patient_id: Uuid) -> Result<Vec<Consent>, DomainError> {
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
            );
            Ok(list)
        })
    }

    pub fn get_consent(&self, ctx: &Ctx, id: Uuid) -> Result<Consent, DomainError> {
        self.guard(ctx, Action::ConsentRead, Some(id), || {
            let center = require_case_worker(&ctx.actor)?;
            let c = self
                .store
                .consent(center, id)?
                .ok_or(DomainError::NotFound)?;
            self.log_read(ctx, Action::ConsentRead, id, c.patient_id);
            Ok(c)
        })
    }

    /// Withdraws a consent (once; the history is kept) or corrects its notes.
    pub fn update_consent(
        &self,
        ctx: &Ctx,
        id: Uuid,
        expected_version: i32,
        input: ConsentUpdate,
    ) -> Result<Consent, DomainError> {
        self.guard(ctx, Action::ConsentUpdate, Some(id), || {
            let center = require_case_worker(&ctx.actor)?;
            let mut c = self
                .store
                .consent(center, id)?
                .ok_or(DomainError::NotFound)?;
            let today = self.today();
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
                    .check(values::optional_text("notes", n.as_deref(), NOTES_MAX))
                    .flatten();
            }
            v.finish()?;
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

    /// The consent that allows passing data to an agency of `agency_type` on `day`.
    fn consent_in_force(
        &self,
        center: Uuid,
        patient_id: Uuid,
        agency_type: values::AgencyType,
        day: NaiveDate,
    ) -> Result<Consent, DomainError> {
        self.store
            .consents(center, patient_id)?
            .into_iter()
            .rev()
            .find(|c| c.in_force_on(day) && c.scope.covers(agency_type))
            .ok_or_else(|| {
                DomainError::rule(
                    "consent_required",
                    "this level passes the patient's data to the agency: record the patient's consent (covering this agency) first",
                )
            })
    }

    /// The record of provision a data-passing referral writes.
    fn provision(
        &self,
        ctx: &Ctx,
        r: &Referral,
        consent: &Consent,
        items: Vec<SharedItem>,
        day: NaiveDate,
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
            recorded_by: ctx.actor.user_id,
            created_at: self.clock.now(),
        }
    }

    fn provision_event(&self, ctx: &Ctx, p: &Provision) -> AuditDraft {
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

    pub fn list_provisions(
        &self,
        ctx: &Ctx,
        patient_id: Uuid,
    ) -> Result<Vec<Provision>, DomainError> {
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
            );
            Ok(list)
        })
    }

    // --- consultations ---------------------------------------------------------------

    pub fn create_consultation(
        &self,
        ctx: &Ctx,
        input: ConsultationInput,
    ) -> Result<Consultation, DomainError> {
        self.guard(ctx, Action::ConsultationCreate, None, || {
            let center = require_case_worker(&ctx.actor)?;
            if ctx.actor.is_client() && input.consultant_id.is_none() {
                return Err(DomainError::field(
                    "consultant_id",
                    "required",
                    "an API client names the consultant or supervisor it records for",
                ));
            }
            let now = self.clock.now();
            let blank = Consultation {
                id: Uuid::now_v7(),
                center_id: center,
                patient_id: None,
                occurred_at: now,
                channel: Channel::Phone,
                requester: Requester::Patient,
                topics: Vec::new(),
                duration_minutes: None,
                with_employment_supporter: false,
                summary: None,
                consultant_id: ctx.actor.user_id,
                created_by: ctx.actor.user_id,
                version: 1,
                created_at: now,
                updated_at: now,
            };
            let c = self.apply_consultation(ctx, center, blank, input, true)?;
            let mut ev = self.ev(ctx, Action::ConsultationCreate).resource(c.id);
            if let Some(p) = c.patient_id {
                ev = ev.patient(p);
            }
            let updated_at = self.store.insert_consultation(&c, &ev)?;
            Ok(Consultation { updated_at, ..c })
        })
    }

    fn apply_consultation(
        &self,
        ctx: &Ctx,
        center: Uuid,
        mut c: Consultation,
        input: ConsultationInput,
        create: bool,
    ) -> Result<Consultation, DomainError> {
        let mut v = Validator::new();
        let now = self.clock.now();
        if create && input.channel.is_none() {
            v.push(required("channel"));
        }
        if create && input.requester.is_none() {
            v.push(required("requester"));
        }
        if create && input.topics.is_none() {
            v.push(required("topics"));
        }
        if let Some(t) = input
            .occurred_at
            .as_deref()
            .and_then(|raw| v.check(values::timestamp("occurred_at", raw)))
        {
            if t > now + Duration::minutes(FUTURE_SLACK_MINUTES) {
                v.push(FieldError::new(
                    "occurred_at",
                    "in_future",
                    "must not be in the future",
                ));
            } else if tokyo_date(t) < NaiveDate::from_ymd_opt(2000, 1, 1).unwrap_or(NaiveDate::MIN)
            {
                v.push(FieldError::new(
                    "occurred_at",
                    "out_of_range",
                    "must be after 2000-01-01",
                ));
            } else {
                c.occurred_at = crate::clock::truncate_micros(t);
            }
        }
        set(
            &mut v,
            &mut c.channel,
            input
                .channel
                .as_deref()
                .map(|x| Channel::parse("channel", x)),
        );
        set(
            &mut v,
            &mut c.requester,
            input
                .requester
                .as_deref()
                .map(|x| Requester::parse("requester", x)),
        );
        set(
            &mut v,
            &mut c.topics,
            input
                .topics
                .as_deref()
                .map(|x| values::enum_list("topics", x, 1, Topic::parse)),
        );
        if let Some(x) = input.duration_minutes {
            c.duration_minutes = match x {
                None => None,
                Some(m) if (1..=1440).contains(&m) => Some(m),
                Some(_) => {
                    v.push(FieldError::new(
                        "duration_minutes",
                        "out_of_range",
                        "must be from 1 to 1440 minutes",
                    ));
                    None
                }
            };
        }
        if let Some(x) = input.with_employment_supporter {
            c.with_employment_supporter = x;
        }
        if let Some(x) = input.summary {
            c.summary = v
                .check(values::optional_text("summary", x.as_deref(), SUMMARY_MAX))
                .flatten();
        }
        v.finish()?;
        if let Some(p) = input.patient_id {
            if let Some(pid) = p {
                self.store.patient(center, pid)?.ok_or_else(|| {
                    DomainError::field("patient_id", "not_found", "no such patient in your center")
                })?;
            }
            c.patient_id = p;
        }
        if let Some(who) = input.consultant_id
            && who != c.consultant_id
        {
            c.consultant_id = self.assign(ctx, center, "consultant_id", Some(who))?;
        }
        Ok(c)
    }

    pub fn get_consultation(&self, ctx: &Ctx, id: Uuid) -> Result<Consultation, DomainError> {
        self.guard(ctx, Action::ConsultationRead, Some(id), || {
            let center = require_case_worker(&ctx.actor)?;
            let c = self
                .store
                .consultation(center, id)?
                .ok_or(DomainError::NotFound)?;
            if let Some(p) = c.patient_id {
                self.log_read(ctx, Action::ConsultationRead, id, p);
            }
            Ok(c)
        })
    }

    /// Consultations with the case number and name of their patient (none when anonymous).
    pub fn list_consultations(
        &self,
        ctx: &Ctx,
        q: ConsultationQuery,
        page: PageRequest,
    ) -> Result<Page<(Consultation, Option<PatientLabel>)>, DomainError> {
        self.guard(ctx, Action::ConsultationList, None, || {
            let center = require_case_worker(&ctx.actor)?;
            let mut v = Validator::new();
            let from = q
                .from
                .as_deref()
                .and_then(|t| v.check(values::timestamp("from", t)));
            let to =
                q.to.as_deref()
                    .and_then(|t| v.check(values::timestamp("to", t)));
            v.finish()?;
            let filter = ConsultationFilter {
                patient_id: q.patient_id,
                consultant_id: q.consultant_id,
                from,
                to,
            };
            let found = self.store.consultations(center, &filter, page)?;
            self.log_list(
                ctx,
                Action::ConsultationList,
                &describe(&[
                    ("patient_id", q.patient_id.map(|x| x.to_string())),
                    ("consultant_id", q.consultant_id.map(|x| x.to_string())),
                    ("from", q.from.clone()),
                    ("to", q.to.clone()),
                ]),
                found.items.len(),
            );
            let mut ids: Vec<Uuid> = found.items.iter().filter_map(|c| c.patient_id).collect();
            ids.sort();
            ids.dedup();
            let labels = self.store.patient_labels(center, &ids)?;
            Ok(found.map(|c| {
                let label = c
                    .patient_id
                    .and_then(|p| labels.iter().find(|l| l.id == p).cloned());
                (c, label)
            }))
        })
    }

    pub fn update_consultation(
        &self,
        ctx: &Ctx,
        id: Uuid,
        expected_version: i32,
        input: ConsultationInput,
    ) -> Result<Consultation, DomainError> {
        self.guard(ctx, Action::ConsultationUpdate, Some(id), || {
            let center = require_case_worker(&ctx.actor)?;
            let current = self
                .store
                .consultation(center, id)?
                .ok_or(DomainError::NotFound)?;
            let fields = changed_fields(&[
                ("patient_id", input.patient_id.is_some()),
                ("occurred_at", input.occurred_at.is_some()),
                ("channel", input.channel.is_some()),
                ("requester", input.requester.is_some()),
                ("topics", input.topics.is_some()),
                ("duration_minutes", input.duration_minutes.is_some()),
                (
                    "with_employment_supporter",
                    input.with_employment_supporter.is_some(),
                ),
                ("summary", input.summary.is_some()),
                ("consultant_id", input.consultant_id.is_some()),
            ]);
            let mut c = self.apply_consultation(ctx, center, current, input, false)?;
            c.updated_at = self.clock.now();
            let mut ev = self
                .ev(ctx, Action::ConsultationUpdate)
                .resource(id)
                .detail(fields);
            if let Some(p) = c.patient_id {
                ev = ev.patient(p);
            }
            self.store.save_consultation(&c, expected_version, &ev)
        })
    }

    // --- referrals -------------------------------------------------------------------

    pub fn create_referral(
        &self,
        ctx: &Ctx,
        input: ReferralInput,
    ) -> Result<Referral, DomainError> {
        self.guard(ctx, Action::ReferralCreate, None, || {
            let center = require_case_worker(&ctx.actor)?;
            let today = self.today();
            let mut v = Validator::new();
            let purpose = v.check(Purpose::parse("purpose", &input.purpose));
            let level = v.check(Level::parse("level", &input.level));
            let referred_on = match input.referred_on.as_deref() {
                None => Some(today),
                Some(raw) => v.check(
                    values::date("referred_on", raw)
                        .and_then(|d| not_in_future("referred_on", d, today)),
                ),
            };
            let handed_over = v
                .check(values::optional_text(
                    "handed_over",
                    input.handed_over.as_deref(),
                    500,
                ))
                .flatten();
            let notes = v
                .check(values::optional_text(
                    "notes",
                    input.notes.as_deref(),
                    NOTES_MAX,
                ))
                .flatten();
            let items = shared_items(&mut v, input.shared_items.as_deref(), level, None);
            v.finish()?;
            let (Some(purpose), Some(level), Some(referred_on)) = (purpose, level, referred_on)
            else {
                return Err(missing("referral fields"));
            };

            // What it points at must be the center's own.
            let mut v = Validator::new();
            let patient = self.store.patient(center, input.patient_id)?;
            if patient.is_none() {
                v.push(FieldError::new(
                    "patient_id",
                    "not_found",
                    "no such patient in your center",
                ));
            }
            let agency = self.store.agency(Scope::Center(center), input.agency_id)?;
            match &agency {
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
            if let Some(cid) = input.consultation_id {
                match self.store.consultation(center, cid)? {
                    None => v.push(FieldError::new(
                        "consultation_id",
                        "not_found",
                        "no such consultation in your center",
                    )),
                    Some(c) if c.patient_id != Some(input.patient_id) => v.push(FieldError::new(
                        "consultation_id",
                        "other_patient",
                        "this consultation is not with this patient",
                    )),
                    Some(_) => {}
                }
            }
            v.finish()?;
            let Some(agency) = agency else {
                return Err(missing("agency"));
            };
            let consultant_id = self.assign(ctx, center, "consultant_id", input.consultant_id)?;
            let now = self.clock.now();
            let r = Referral {
                id: Uuid::now_v7(),
                center_id: center,
                patient_id: input.patient_id,
                consultation_id: input.consultation_id,
                agency_id: agency.id,
                agency_type: agency.agency_type,
                purpose,
                level,
                referred_on,
                handed_over,
                notes,
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
                level_change: Some(LevelChange {
                    id: Uuid::now_v7(),
                    center_id: center,
                    referral_id: r.id,
                    from_level: None,
                    to_level: level,
                    reason: None,
                    changed_by: ctx.actor.user_id,
                    changed_at: now,
                }),
                ..ReferralEffects::default()
            };
            if level.passes_data() {
                let consent =
                    self.consent_in_force(center, r.patient_id, agency.agency_type, referred_on)?;
                let p = self.provision(ctx, &r, &consent, items, referred_on);
                events.push(self.provision_event(ctx, &p));
                effects.provision = Some(p);
            }
            if level.promises_follow_up() {
                let due = referred_on + Duration::days(i64::from(self.follow_up_days(center)?));
                let f = self.scheduled(ctx, &r, r.consultant_id, due.max(today));
                events.push(self.schedule_event(ctx, &f));
                effects.follow_up = Some(f);
            }
            let updated_at = self.store.insert_referral(&r, &effects, &events)?;
            Ok(Referral { updated_at, ..r })
        })
    }

    fn follow_up_days(&self, center: Uuid) -> Result<i32, DomainError> {
        Ok(self.store.center(center)?.map_or(14, |c| c.follow_up_days))
    }

    fn scheduled(&self, ctx: &Ctx, r: &Referral, assignee: Uuid, due_on: NaiveDate) -> FollowUp {
        let now = self.clock.now();
        FollowUp {
            id: Uuid::now_v7(),
            center_id: r.center_id,
            referral_id: r.id,
            patient_id: r.patient_id,
            assignee_id: assignee,
            due_on,
            done_on: None,
            method: None,
            contacted: None,
            outcome: None,
            notes: None,
            next_due_on: None,
            cancelled_on: None,
            recorded_by: None,
            created_by: ctx.actor.user_id,
            version: 1,
            created_at: now,
            updated_at: now,
        }
    }

    fn schedule_event(&self, ctx: &Ctx, f: &FollowUp) -> AuditDraft {
        self.ev(ctx, Action::FollowUpSchedule)
            .resource(f.id)
            .patient(f.patient_id)
            .detail(format!("referral={}; due_on={}", f.referral_id, f.due_on))
    }

    pub fn get_referral(&self, ctx: &Ctx, id: Uuid) -> Result<Referral, DomainError> {
        self.guard(ctx, Action::ReferralRead, Some(id), || {
            let center = require_case_worker(&ctx.actor)?;
            let r = self
                .store
                .referral(center, id)?
                .ok_or(DomainError::NotFound)?;
            self.log_read(ctx, Action::ReferralRead, id, r.patient_id);
            Ok(r)
        })
    }

    pub fn list_referrals(
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
            );
            Ok(found)
        })
    }

    pub fn referral_level_changes(
        &self,
        ctx: &Ctx,
        id: Uuid,
    ) -> Result<Vec<LevelChange>, DomainError> {
        self.guard(ctx, Action::ReferralLevels, Some(id), || {
            let center = require_case_worker(&ctx.actor)?;
            let r = self
                .store
                .referral(center, id)?
                .ok_or(DomainError::NotFound)?;
            let list = self.store.level_changes(center, id)?;
            self.log_read(ctx, Action::ReferralLevels, id, r.patient_id);
            Ok(list)
        })
    }

    /// Changes a referral: its level (raised by anyone on the case, lowered only by a
    /// supervisor with a reason), its details, or closes it with an outcome.
    pub fn update_referral(
        &self,
        ctx: &Ctx,
        id: Uuid,
        expected_version: i32,
        input: ReferralUpdate,
    ) -> Result<Referral, DomainError> {
        self.guard(ctx, Action::ReferralUpdate, Some(id), || {
            let center = require_case_worker(&ctx.actor)?;
            let current = self
                .store
                .referral(center, id)?
                .ok_or(DomainError::NotFound)?;
            if current.version != expected_version {
                return Err(DomainError::PreconditionFailed);
            }
            if current.status == ReferralStatus::Closed {
                return Err(DomainError::rule(
                    "referral_closed",
                    "this referral is closed and can no longer change",
                ));
            }
            let today = self.today();
            let now = self.clock.now();
            let mut r = current.clone();
            let mut v = Validator::new();
            set(&mut v, &mut r.purpose, input.purpose.as_deref().map(|x| Purpose::parse("purpose", x)));
            let new_level = input
                .level
                .as_deref()
                .and_then(|x| v.check(Level::parse("level", x)))
                .filter(|l| *l != current.level);
            let reason = v
                .check(values::optional_text(
                    "level_reason",
                    input.level_reason.as_deref(),
                    NOTES_MAX,
                ))
                .flatten();
            let passes_new_data = new_level.is_some_and(|l| l.passes_data())
                && (!current.level.passes_data() || input.shared_items.is_some());
            let items = shared_items(
                &mut v,
                input.shared_items.as_deref(),
                new_level.filter(|_| passes_new_data),
                Some(current.level),
            );
            if let Some(x) = &input.handed_over {
                r.handed_over = v
                    .check(values::optional_text("handed_over", x.as_deref(), 500))
                    .flatten();
            }
            if let Some(x) = &input.notes {
                r.notes = v
                    .check(values::optional_text("notes", x.as_deref(), NOTES_MAX))
                    .flatten();
            }
            let closing = match input.status.as_deref() {
                None | Some("open") => false,
                Some("closed") => true,
                Some(other) => {
                    v.check(ReferralStatus::parse("status", other));
                    false
                }
            };
            let outcome = input
                .outcome
                .as_deref()
                .and_then(|x| v.check(CaseOutcome::parse("outcome", x)));
            let closed_on = match input.closed_on.as_deref() {
                None => Some(today),
                Some(raw) => v.check(
                    values::date("closed_on", raw)
                        .and_then(|d| not_in_future("closed_on", d, today)),
                ),
            };
            if closing {
                if input.outcome.is_none() {
                    v.push(FieldError::new(
                        "outcome",
                        "required",
                        "closing a referral records its outcome",
                    ));
                }
                if closed_on.is_some_and(|d| d < r.referred_on) {
                    v.push(FieldError::new(
                        "closed_on",
                        "before_referral",
                        "must not be before the referral date",
                    ));
                }
            } else if input.outcome.is_some() || input.closed_on.is_some() {
                v.push(FieldError::new(
                    if input.outcome.is_some() {
                        "outcome"
                    } else {
                        "closed_on"
                    },
                    "only_when_closing",
                    "is recorded when the referral is closed (status: closed)",
                ));
            }
            if let Some(l) = new_level
                && l.rank() < current.level.rank()
                && reason.is_none()
            {
                v.push(FieldError::new(
                    "level_reason",
                    "required",
                    "lowering a level needs a reason",
                ));
            }
            v.finish()?;
            if new_level.is_some_and(|l| l.rank() < current.level.rank()) {
                policy::lower_level(&ctx.actor)?;
            }
            if let Some(who) = input.consultant_id
                && who != r.consultant_id
            {
                policy::act_for_colleague(&ctx.actor)?;
                r.consultant_id = self.case_worker(center, "consultant_id", who)?;
            }

            let mut events = Vec::new();
            let mut effects = ReferralEffects::default();
            if let Some(l) = new_level {
                r.level = l;
                effects.level_change = Some(LevelChange {
                    id: Uuid::now_v7(),
                    center_id: center,
                    referral_id: id,
                    from_level: Some(current.level),
                    to_level: l,
                    reason: reason.clone(),
                    changed_by: ctx.actor.user_id,
                    changed_at: now,
                });
                events.push(
                    self.ev(ctx, Action::ReferralLevelChange)
                        .resource(id)
                        .patient(r.patient_id)
                        .detail(format!("{}->{}", current.level.as_str(), l.as_str())),
                );
                if passes_new_data {
                    // The referral's own agency type (as counted), like at its creation.
                    let consent =
                        self.consent_in_force(center, r.patient_id, r.agency_type, today)?;
                    let p = self.provision(ctx, &r, &consent, items, today);
                    events.push(self.provision_event(ctx, &p));
                    effects.provision = Some(p);
                }
                if l.promises_follow_up() && !self.has_open_follow_up(center, id, today)? {
                    let due = today + Duration::days(i64::from(self.follow_up_days(center)?));
                    let f = self.scheduled(ctx, &r, r.consultant_id, due);
                    events.push(self.schedule_event(ctx, &f));
                    effects.follow_up = Some(f);
                }
            }
            if closing {
                let (Some(outcome), Some(closed_on)) = (outcome, closed_on) else {
                    return Err(missing("closing fields"));
                };
                if r.level.promises_follow_up()
                    && self.store.count_done_follow_ups(center, id)? == 0
                {
                    return Err(DomainError::rule(
                        "follow_up_required",
                        "a referral accompanied with follow-up cannot be closed before a follow-up is done",
                    ));
                }
                r.status = ReferralStatus::Closed;
                r.outcome = Some(outcome);
                r.closed_on = Some(closed_on);
                effects.cancel_open_follow_ups_on = Some(closed_on);
                events.push(
                    self.ev(ctx, Action::ReferralClose)
                        .resource(id)
                        .patient(r.patient_id)
                        .detail(format!("outcome={}", outcome.as_str())),
                );
            }
            let other_fields = changed_fields(&[
                ("purpose", input.purpose.is_some()),
                ("handed_over", input.handed_over.is_some()),
                ("notes", input.notes.is_some()),
                ("consultant_id", input.consultant_id.is_some()),
            ]);
            if events.is_empty() || other_fields != "fields=" {
                events.insert(
                    0,
                    self.ev(ctx, Action::ReferralUpdate)
                        .resource(id)
                        .patient(r.patient_id)
                        .detail(other_fields),
                );
            }
            // A correction of a returned referral puts it back in review.
            if current.review_state == ReviewState::Returned {
                r.review_state = ReviewState::Pending;
            }
            r.updated_at = now;
            self.store
                .save_referral(&r, expected_version, &effects, &events)
        })
    }

    fn has_open_follow_up(
        &self,
        center: Uuid,
        referral_id: Uuid,
        today: NaiveDate,
    ) -> Result<bool, DomainError> {
        let filter = FollowUpFilter {
            state: FollowUpState::Open,
            assignee: None,
            referral_id: Some(referral_id),
            patient_id: None,
            today,
            due_before: None,
        };
        let page = PageRequest {
            limit: 1,
            ..PageRequest::default()
        };
        Ok(!self
            .store
            .follow_ups(center, &filter, page)?
            .items
            .is_empty())
    }

    // --- follow-ups ------------------------------------------------------------------

    pub fn create_follow_up(
        &self,
        ctx: &Ctx,
        referral_id: Uuid,
        input: FollowUpInput,
    ) -> Result<FollowUpView, DomainError> {
        self.guard(ctx, Action::FollowUpCreate, None, || {
            let center = require_case_worker(&ctx.actor)?;
            let r = self
                .store
                .referral(center, referral_id)?
                .ok_or(DomainError::NotFound)?;
            let mut v = Validator::new();
            let due_on = v.check(values::date("due_on", &input.due_on));
            let notes = v
                .check(values::optional_text(
                    "notes",
                    input.notes.as_deref(),
                    NOTES_MAX,
                ))
                .flatten();
            v.finish()?;
            if r.status == ReferralStatus::Closed {
                return Err(DomainError::rule(
                    "referral_closed",
                    "this referral is closed; no more follow-ups can be scheduled",
                ));
            }
            let Some(due_on) = due_on else {
                return Err(missing("due_on"));
            };
            let assignee = match input.assignee_id {
                None => r.consultant_id,
                Some(a) => self.case_worker(center, "assignee_id", a)?,
            };
            let mut f = self.scheduled(ctx, &r, assignee, due_on);
            f.notes = notes;
            let ev = self.schedule_event(ctx, &f);
            self.store.insert_follow_up(&f, &ev)?;
            self.store
                .follow_up(center, f.id)?
                .ok_or(DomainError::NotFound)
        })
    }

    pub fn get_follow_up(&self, ctx: &Ctx, id: Uuid) -> Result<FollowUpView, DomainError> {
        self.guard(ctx, Action::FollowUpRead, Some(id), || {
            let center = require_case_worker(&ctx.actor)?;
            let f = self
                .store
                .follow_up(center, id)?
                .ok_or(DomainError::NotFound)?;
            self.log_read(ctx, Action::FollowUpRead, id, f.follow_up.patient_id);
            Ok(f)
        })
    }

    /// The work queue: open follow-ups overdue first, or those due, overdue or done.
    pub fn list_follow_ups(
        &self,
        ctx: &Ctx,
        q: FollowUpQuery,
        page: PageRequest,
    ) -> Result<Page<FollowUpView>, DomainError> {
        self.guard(ctx, Action::FollowUpList, None, || {
            let center = require_case_worker(&ctx.actor)?;
            let mut v = Validator::new();
            let state = match q.state.as_deref() {
                None | Some("") => Some(FollowUpState::Open),
                Some("due") => Some(FollowUpState::Due),
                Some("overdue") => Some(FollowUpState::Overdue),
                Some("done") => Some(FollowUpState::Done),
                Some(_) => {
                    v.push(FieldError::new(
                        "state",
                        "invalid_choice",
                        "must be one of: due, overdue, done",
                    ));
                    None
                }
            };
            let assignee = match q.assignee.as_deref() {
                None | Some("") => None,
                Some("me") => Some(ctx.actor.user_id),
                Some(s) => match Uuid::parse_str(s) {
                    Ok(u) => Some(u),
                    Err(_) => {
                        v.push(FieldError::new(
                            "assignee",
                            "invalid_assignee",
                            "must be a user id or `me`",
                        ));
                        None
                    }
                },
            };
            v.finish()?;
            // Syncing without a state mirrors every follow-up, done and cancelled ones too.
            let default = if page.updated_since.is_some() {
                FollowUpState::All
            } else {
                FollowUpState::Open
            };
            let filter = FollowUpFilter {
                state: state.unwrap_or(default),
                assignee,
                referral_id: None,
                patient_id: q.patient_id,
                today: self.today(),
                due_before: None,
            };
            let found = self.store.follow_ups(center, &filter, page)?;
            self.log_list(
                ctx,
                Action::FollowUpList,
                &describe(&[
                    ("state", q.state.clone()),
                    ("assignee", assignee.map(|a| a.to_string())),
                    ("patient_id", q.patient_id.map(|x| x.to_string())),
                ]),
                found.items.len(),
            );
            Ok(found)
        })
    }

    /// Every follow-up of one referral, by due date.
    pub fn referral_follow_ups(
        &self,
        ctx: &Ctx,
        referral_id: Uuid,
        page: PageRequest,
    ) -> Result<Page<FollowUpView>, DomainError> {
        self.guard(ctx, Action::ReferralFollowUps, Some(referral_id), || {
            let center = require_case_worker(&ctx.actor)?;
            let r = self
                .store
                .referral(center, referral_id)?
                .ok_or(DomainError::NotFound)?;
            let filter = FollowUpFilter {
                state: FollowUpState::All,
                assignee: None,
                referral_id: Some(referral_id),
                patient_id: None,
                today: self.today(),
                due_before: None,
            };
            let found = self.store.follow_ups(center, &filter, page)?;
            self.log_list(
                ctx,
                Action::FollowUpList,
                &format!("referral_id={referral_id}; patient_id={}", r.patient_id),
                found.items.len(),
            );
            Ok(found)
        })
    }

    /// Records a follow-up as done (and schedules the next one), or reschedules an open one.
    pub fn update_follow_up(
        &self,
        ctx: &Ctx,
        id: Uuid,
        expected_version: i32,
        input: FollowUpUpdate,
    ) -> Result<FollowUpView, DomainError> {
        self.guard(ctx, Action::FollowUpUpdate, Some(id), || {
            let center = require_case_worker(&ctx.actor)?;
            let view = self
                .store
                .follow_up(center, id)?
                .ok_or(DomainError::NotFound)?;
            let current = view.follow_up;
            if current.version != expected_version {
                return Err(DomainError::PreconditionFailed);
            }
            if current.cancelled_on.is_some() {
                return Err(DomainError::rule(
                    "follow_up_cancelled",
                    "this follow-up was cancelled when its referral closed",
                ));
            }
            let today = self.today();
            let now = self.clock.now();
            let mut f = current.clone();
            let mut v = Validator::new();
            let was_done = current.done_on.is_some();
            if let Some(raw) = input.due_on.as_deref() {
                if was_done {
                    v.push(FieldError::new(
                        "due_on",
                        "already_done",
                        "a done follow-up is not rescheduled",
                    ));
                } else if let Some(d) = v.check(values::date("due_on", raw)) {
                    f.due_on = d;
                }
            }
            match &input.done_on {
                None => {}
                Some(None) if was_done => {
                    v.push(FieldError::new(
                        "done_on",
                        "cannot_undo",
                        "a follow-up recorded as done stays done",
                    ));
                }
                Some(None) => {}
                Some(Some(raw)) => {
                    if let Some(d) = v.check(
                        values::date("done_on", raw)
                            .and_then(|d| not_in_future("done_on", d, today)),
                    ) {
                        f.done_on = Some(d);
                    }
                }
            }
            if let Some(x) = input.method.as_deref() {
                f.method = v.check(FollowUpMethod::parse("method", x)).or(f.method);
            }
            if let Some(x) = input.contacted.as_deref() {
                f.contacted = v.check(Contacted::parse("contacted", x)).or(f.contacted);
            }
            if let Some(x) = input.outcome.as_deref() {
                f.outcome = v.check(CaseOutcome::parse("outcome", x)).or(f.outcome);
            }
            if let Some(x) = &input.notes {
                f.notes = v
                    .check(values::optional_text("notes", x.as_deref(), NOTES_MAX))
                    .flatten();
            }
            let recording = !was_done && f.done_on.is_some();
            // A done_on that did not parse is reported once; the fields that depend on it
            // are not reported again on its account.
            let bad_done_on = matches!(input.done_on, Some(Some(_))) && f.done_on.is_none();
            if f.done_on.is_some() {
                for (field, missing) in [
                    ("method", f.method.is_none() && input.method.is_none()),
                    (
                        "contacted",
                        f.contacted.is_none() && input.contacted.is_none(),
                    ),
                    ("outcome", f.outcome.is_none() && input.outcome.is_none()),
                ] {
                    if missing && input.done_on.is_some() {
                        v.push(FieldError::new(
                            field,
                            "required",
                            "is recorded with a done follow-up",
                        ));
                    }
                }
            } else if !bad_done_on {
                for (field, given) in [
                    ("method", input.method.is_some()),
                    ("contacted", input.contacted.is_some()),
                    ("outcome", input.outcome.is_some()),
                ] {
                    if given {
                        v.push(FieldError::new(
                            field,
                            "only_when_done",
                            "is recorded together with done_on",
                        ));
                    }
                }
            }
            let mut next = None;
            if let Some(raw) = input.next_due_on.as_deref().filter(|_| !bad_done_on) {
                if !recording {
                    v.push(FieldError::new(
                        "next_due_on",
                        "only_when_recording",
                        "the next follow-up is scheduled when this one is recorded as done",
                    ));
                } else if let Some(d) = v.check(values::date("next_due_on", raw)) {
                    if f.done_on.is_some_and(|done| d <= done) {
                        v.push(FieldError::new(
                            "next_due_on",
                            "not_after_done",
                            "must be after the date this follow-up was done",
                        ));
                    } else {
                        next = Some(d);
                    }
                }
            }
            v.finish()?;
            if let Some(a) = input.assignee_id
                && a != f.assignee_id
            {
                f.assignee_id = self.case_worker(center, "assignee_id", a)?;
            }
            let mut events = Vec::new();
            let action = if recording {
                Action::FollowUpRecord
            } else {
                Action::FollowUpUpdate
            };
            events.push(
                self.ev(ctx, action)
                    .resource(id)
                    .patient(f.patient_id)
                    .detail(changed_fields(&[
                        ("due_on", input.due_on.is_some()),
                        ("assignee_id", input.assignee_id.is_some()),
                        ("done_on", input.done_on.is_some()),
                        ("method", input.method.is_some()),
                        ("contacted", input.contacted.is_some()),
                        ("outcome", input.outcome.is_some()),
                        ("notes", input.notes.is_some()),
                        ("next_due_on", input.next_due_on.is_some()),
                    ])),
            );
            let next = match next {
                None => None,
                Some(due) => {
                    let r = self
                        .store
                        .referral(center, f.referral_id)?
                        .ok_or(DomainError::NotFound)?;
                    f.next_due_on = Some(due);
                    let n = self.scheduled(ctx, &r, f.assignee_id, due);
                    events.push(self.schedule_event(ctx, &n));
                    Some(n)
                }
            };
            if recording {
                f.recorded_by = Some(ctx.actor.user_id);
            }
            f.updated_at = now;
            // Recorded follow-up work goes to the supervisor for review.
            self.store
                .save_follow_up(&f, expected_version, next.as_ref(), recording, &events)?;
            self.store
                .follow_up(center, id)?
                .ok_or(DomainError::NotFound)
        })
    }
}

/// Parses the items handed to an agency: required (non-empty) when the level passes data,
/// refused when it does not, so the record of provision is never a guess.
fn shared_items(
    v: &mut Validator,
    raw: Option<&[String]>,
    level: Option<Level>,
    current: Option<Level>,
) -> Vec<SharedItem> {
    let passes = level.is_some_and(Level::passes_data);
    match raw {
        None => {
            if passes {
                v.push(FieldError::new(
                    "shared_items",
                    "required",
                    "name the personal data handed to the agency at this level",
                ));
            }
            Vec::new()
        }
        Some(items) => {
            if !passes && !current.is_some_and(Level::passes_data) {
                v.push(FieldError::new(
                    "shared_items",
                    "not_at_this_level",
                    "information only passes no personal data to the agency",
                ));
                return Vec::new();
            }
            v.check(values::enum_list(
                "shared_items",
                items,
                1,
                SharedItem::parse,
            ))
            .unwrap_or_default()
        }
    }
}

/// `k=v; k=v` of the filters that were given, for list events.
fn describe(pairs: &[(&str, Option<String>)]) -> String {
    pairs
        .iter()
        .filter_map(|(k, v)| v.as_ref().map(|v| format!("{k}={v}")))
        .collect::<Vec<_>>()
        .join("; ")
}

/// Merges a patient's records into one time line. Dated records (a referral's date, a
/// follow-up's due or done date) sort by their date and then by when they were recorded,
/// so a referral made after a consultation on the same day comes after it.
pub fn timeline(h: CaseHistory) -> Vec<TimelineEntry> {
    let mut out = Vec::new();
    for c in h.consents {
        out.push(TimelineEntry {
            date: c.given_on,
            at: c.created_at,
            item: TimelineItem::Consent(c),
        });
    }
    for c in h.consultations {
        out.push(TimelineEntry {
            date: tokyo_date(c.occurred_at),
            at: c.occurred_at,
            item: TimelineItem::Consultation(c),
        });
    }
    for r in h.referrals {
        out.push(TimelineEntry {
            date: r.referred_on,
            at: r.created_at,
            item: TimelineItem::Referral(r),
        });
    }
    // The first level is the referral itself; later ones are changes worth their own line.
    for l in h
        .level_changes
        .into_iter()
        .filter(|l| l.from_level.is_some())
    {
        out.push(TimelineEntry {
            date: tokyo_date(l.changed_at),
            at: l.changed_at,
            item: TimelineItem::LevelChange(l),
        });
    }
    for p in h.provisions {
        out.push(TimelineEntry {
            date: p.provided_on,
            at: p.created_at,
            item: TimelineItem::Provision(p),
        });
    }
    for f in h.follow_ups {
        let (date, at) = match f.follow_up.done_on {
            Some(d) => (d, f.follow_up.updated_at),
            None => (f.follow_up.due_on, f.follow_up.created_at),
        };
        out.push(TimelineEntry {
            date,
            at,
            item: TimelineItem::FollowUp(f),
        });
    }
    out.sort_by_key(|a| (a.date, a.at));
    out
}
