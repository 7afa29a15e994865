//! Patients: registering the people the center supports, finding them by name or reading,
//! and correcting their records. Each gets a case number per center and fiscal year.

use super::{require_case_worker, required, set};
use crate::app::{Ctx, NAME_MAX, NOTES_MAX, changed_fields};
use crate::clock::tokyo_date;
use crate::entities::{Patient, ProgramChange};
use crate::error::{DomainError, FieldError, Validator};
use crate::events::Action;
use crate::if_match::IfMatch;
use crate::page::{Page, PageRequest};
use crate::policy::{self, PatientReach};
use crate::ports::{PatientFilter, PatientQuery, PatientSort};
use crate::values::{self, EmploymentStatus, Program, ReferralSource, Sex, SupportAwareness};
use crate::{contact, kana, master};
use chrono::{DateTime, NaiveDate, Utc};
use uuid::Uuid;

const KANA_MAX: usize = 100;
const DIAGNOSIS_MAX: usize = 200;
const QUERY_MAX: usize = 100;

/// What a patient list asks for, as the caller typed it: the search box, filters and an
/// order (see [`list_filter`]).
#[derive(Debug, Default, Clone)]
pub struct PatientListInput {
    pub q: Option<String>,
    pub program: Option<String>,
    pub disease_number: Option<i32>,
    pub employment_status: Option<String>,
    /// A user id, or `me`.
    pub consultant: Option<String>,
    pub open_referral: Option<bool>,
    pub overdue: Option<bool>,
    /// `registered` (default), `registered_desc` or `kana`.
    pub sort: Option<String>,
}

/// A page of patients and, except when syncing, how many match over all pages.
#[derive(Debug, Clone)]
pub struct PatientList {
    pub page: Page<Patient>,
    pub total: Option<i64>,
}

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
    pub referral_source: Option<Option<String>>,
    pub disability_certificate: Option<bool>,
    pub notes: Option<Option<String>>,
}

impl PatientInput {
    /// Which fields the input carries, for the audit detail.
    fn fields(&self) -> String {
        changed_fields(&[
            ("family_name", self.family_name.is_some()),
            ("given_name", self.given_name.is_some()),
            ("family_name_kana", self.family_name_kana.is_some()),
            ("given_name_kana", self.given_name_kana.is_some()),
            ("birth_date", self.birth_date.is_some()),
            ("sex", self.sex.is_some()),
            ("prefecture_code", self.prefecture_code.is_some()),
            ("municipality_code", self.municipality_code.is_some()),
            ("phone", self.phone.is_some()),
            ("email", self.email.is_some()),
            ("program", self.program.is_some()),
            ("disease_number", self.disease_number.is_some()),
            ("diagnosis", self.diagnosis.is_some()),
            ("employment_status", self.employment_status.is_some()),
            ("support_awareness", self.support_awareness.is_some()),
            ("referral_source", self.referral_source.is_some()),
            (
                "disability_certificate",
                self.disability_certificate.is_some(),
            ),
            ("notes", self.notes.is_some()),
        ])
    }
}

crate::facade!(
    /// Registering, finding and correcting patients: `services.patients()`.
    Patients,
    patients
);

impl Patients<'_> {
    #[tracing::instrument(name = "patients.create", skip_all, fields(center_id = ?ctx.actor.center_id))]
    pub fn create(&self, ctx: &Ctx, input: PatientInput) -> Result<Patient, DomainError> {
        self.create_registered(ctx, input, None)
    }

    /// Registers a patient who was registered on `registered` (a record moved in from a
    /// center's earlier 台帳): the record keeps that day as its creation date and its case
    /// number is of that fiscal year, so it counts where it happened. `None` is now.
    pub(crate) fn create_registered(
        &self,
        ctx: &Ctx,
        input: PatientInput,
        registered: Option<DateTime<Utc>>,
    ) -> Result<Patient, DomainError> {
        self.guard(ctx, Action::PatientCreate, None, || {
            let center = require_case_worker(&ctx.actor)?;
            let now = self.clock.now();
            let mut p = check_new(center, ctx.actor.user_id, now, input, self.today())?;
            let on = registered.filter(|r| *r < now).unwrap_or(now);
            p.created_at = on;
            let ev = self
                .ev(ctx, Action::PatientCreate)
                .resource(p.id)
                .patient(p.id);
            self.store
                .insert_patient(&p, values::fiscal_year(tokyo_date(on)), &ev)
        })
    }

    #[tracing::instrument(name = "patients.get", skip_all, fields(center_id = ?ctx.actor.center_id, %id))]
    pub fn get(&self, ctx: &Ctx, id: Uuid) -> Result<Patient, DomainError> {
        self.guard(ctx, Action::PatientRead, Some(id), || {
            let reach = policy::patient_reach(&ctx.actor)?;
            let p = self.reachable(reach, id)?;
            self.log_read(ctx, Action::PatientRead, id, id)?;
            Ok(p)
        })
    }

    /// Finds patients by any part of the name or the reading, ignoring width and
    /// hiragana/katakana, or by case number, phone or birth date; narrowed by the filters
    /// and in the order asked. Without a query or filter, lists them all.
    #[tracing::instrument(name = "patients.search", skip_all, fields(center_id = ?ctx.actor.center_id))]
    pub fn search(
        &self,
        ctx: &Ctx,
        input: &PatientListInput,
        page: PageRequest,
    ) -> Result<PatientList, DomainError> {
        self.guard(ctx, Action::PatientSearch, None, || {
            let reach = policy::patient_reach(&ctx.actor)?;
            let raw = input.q.as_deref().unwrap_or("");
            let query = search_query(raw);
            let filter = list_filter(input, ctx.actor.user_id, self.today());
            let (query, filter) = match (query, filter) {
                (Ok(q), Ok(f)) => (q, f),
                (q, f) => {
                    let mut all = Vec::new();
                    for e in [q.err(), f.err()].into_iter().flatten() {
                        match e {
                            DomainError::Validation(fields) => all.extend(fields),
                            other => return Err(other),
                        }
                    }
                    return Err(DomainError::Validation(all));
                }
            };
            let (center, supporter) = (reach.center(), reach.supporter());
            let syncing = page.updated_since.is_some();
            let found = self
                .store
                .patients(center, supporter, query.as_ref(), &filter, page)?;
            let total = if syncing {
                None
            } else {
                Some(
                    self.store
                        .count_patients(center, supporter, query.as_ref(), &filter)?,
                )
            };
            let action = if query.is_some() || filter != PatientFilter::default() {
                Action::PatientSearch
            } else {
                Action::PatientList
            };
            self.log_list(ctx, action, &describe_list(input), found.items.len())?;
            Ok(PatientList { page: found, total })
        })
    }

    /// Patients a registration may already be (same reading and birth date, or the same
    /// phone number), checked before saving a new one: the consultant sees them and chooses
    /// to open one or to register anyway. A read of patients' data, logged like a search
    /// (without what was typed).
    #[tracing::instrument(name = "patients.duplicates", skip_all, fields(center_id = ?ctx.actor.center_id))]
    pub fn duplicates(
        &self,
        ctx: &Ctx,
        input: &DuplicateCheck,
    ) -> Result<Vec<(Patient, Vec<DuplicateReason>)>, DomainError> {
        self.guard(ctx, Action::PatientSearch, None, || {
            let center = require_case_worker(&ctx.actor)?;
            let probe = DuplicateProbe::of(input);
            if probe.is_empty() {
                return Ok(Vec::new());
            }
            let found = self.store.possible_duplicates(center, &probe)?;
            let out: Vec<(Patient, Vec<DuplicateReason>)> = found
                .into_iter()
                .filter_map(|p| {
                    let why = duplicate_reasons(&p, &probe);
                    (!why.is_empty()).then_some((p, why))
                })
                .collect();
            self.log_list(
                ctx,
                Action::PatientSearch,
                &format!(
                    "duplicate_check={}{}",
                    if probe.reading.is_some() {
                        "reading+birth_date"
                    } else {
                        ""
                    },
                    if probe.phone_digits.is_some() {
                        ",phone"
                    } else {
                        ""
                    }
                ),
                out.len(),
            )?;
            Ok(out)
        })
    }

    /// The patient if the reach covers them: a peer supporter's unassigned patient answers
    /// 404 exactly like another center's.
    pub(crate) fn reachable(&self, reach: PatientReach, id: Uuid) -> Result<Patient, DomainError> {
        let p = self
            .store
            .patient(reach.center(), id)?
            .ok_or(DomainError::NotFound)?;
        self.within_reach(reach, id)?;
        Ok(p)
    }

    /// `NotFound` unless the center's patient `id` is within `reach`: a peer supporter
    /// reaches only the patients assigned to them.
    pub(crate) fn within_reach(&self, reach: PatientReach, id: Uuid) -> Result<(), DomainError> {
        match reach.supporter() {
            Some(s) if !self.store.is_assigned(reach.center(), id, s)? => {
                Err(DomainError::NotFound)
            }
            _ => Ok(()),
        }
    }

    #[tracing::instrument(name = "patients.update", skip_all, fields(center_id = ?ctx.actor.center_id, %id))]
    pub fn update(
        &self,
        ctx: &Ctx,
        id: Uuid,
        if_match: IfMatch,
        input: PatientInput,
    ) -> Result<Patient, DomainError> {
        self.guard(ctx, Action::PatientUpdate, Some(id), || {
            let center = require_case_worker(&ctx.actor)?;
            let current = self
                .store
                .patient(center, id)?
                .ok_or(DomainError::NotFound)?;
            let expected_version = if_match.against(current.version)?;
            let fields = input.fields();
            let from = current.program;
            let mut p = apply(current, input, false, self.today())?;
            p.updated_at = self.clock.now();
            let change = if from == p.program {
                None
            } else {
                let c = self.store.center(center)?.ok_or(DomainError::NotFound)?;
                program_move_allowed(&c.programs, p.program)?;
                Some(ProgramChange {
                    id: Uuid::now_v7(),
                    center_id: center,
                    patient_id: id,
                    from,
                    to: p.program,
                    changed_on: self.today(),
                    changed_by: ctx.actor.user_id,
                    created_at: p.updated_at,
                })
            };
            let ev = self
                .ev(ctx, Action::PatientUpdate)
                .resource(id)
                .patient(id)
                .detail(fields);
            self.store
                .save_patient(&p, expected_version, change.as_ref(), &ev)
        })
    }
}

/// A patient moves to another program (移行期: a 小慢 child continuing in the adult 難病
/// program) only where the center runs that program; elsewhere the case goes to a center that
/// does, which is a transfer, not a change of program.
pub fn program_move_allowed(center_programs: &[Program], to: Program) -> Result<(), DomainError> {
    if center_programs.contains(&to) {
        Ok(())
    } else {
        Err(DomainError::Validation(vec![FieldError::new(
            "program",
            "not_offered",
            format!("this center does not run the {} program", to.as_str()),
        )]))
    }
}

/// The case number of the `n`th patient registered in a center in a fiscal year: short
/// enough to read aloud on the phone (`2026-0042`).
pub fn format_case_number(fiscal_year: i32, n: i64) -> String {
    format!("{fiscal_year}-{n:04}")
}

/// A new patient before the input is applied; the store gives the case number.
fn blank(center: Uuid, by: Uuid, now: DateTime<Utc>) -> Patient {
    Patient {
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
        referral_source: None,
        disability_certificate: false,
        notes: None,
        created_by: by,
        version: 1,
        created_at: now,
        updated_at: now,
    }
}

/// A new patient from a registration's input, by the same rules as [`Patients::create`]
/// (without storing it): what an import's dry run checks each row with.
pub fn check_new(
    center: Uuid,
    by: Uuid,
    now: DateTime<Utc>,
    input: PatientInput,
    today: NaiveDate,
) -> Result<Patient, DomainError> {
    apply(blank(center, by, now), input, true, today)
}

/// A blank patient for other modules' rule tests.
#[cfg(test)]
pub(super) fn blank_for_tests() -> Patient {
    blank(Uuid::nil(), Uuid::nil(), DateTime::<Utc>::UNIX_EPOCH)
}

/// The filters and order of a patient list, checked; every wrong one is named.
pub fn list_filter(
    input: &PatientListInput,
    me: Uuid,
    today: NaiveDate,
) -> Result<PatientFilter, DomainError> {
    let mut v = Validator::new();
    let program = input
        .program
        .as_deref()
        .and_then(|x| v.check(Program::parse("program", x)));
    let employment_status = input
        .employment_status
        .as_deref()
        .and_then(|x| v.check(EmploymentStatus::parse("employment_status", x)));
    let disease_number = input.disease_number.and_then(|n| {
        v.check(match master::disease(n) {
            Some(_) => Ok(n),
            None => Err(FieldError::new(
                "disease_number",
                "unknown_disease",
                "must be the number of a designated intractable disease (指定難病 告示番号 1–348)",
            )),
        })
    });
    let consultant = match input.consultant.as_deref() {
        None | Some("") => None,
        Some("me") => Some(me),
        Some(s) => v.check(Uuid::parse_str(s).map_err(|_| {
            FieldError::new(
                "consultant",
                "invalid_consultant",
                "must be a user id or `me`",
            )
        })),
    };
    let sort = match input.sort.as_deref() {
        None | Some("" | "registered") => PatientSort::Registered,
        Some("registered_desc") => PatientSort::RegisteredDesc,
        Some("kana") => PatientSort::Kana,
        Some(_) => {
            v.push(FieldError::new(
                "sort",
                "invalid_choice",
                "must be one of: registered, registered_desc, kana",
            ));
            PatientSort::Registered
        }
    };
    v.finish()?;
    Ok(PatientFilter {
        program,
        disease_number,
        employment_status,
        consultant,
        open_referral: input.open_referral == Some(true),
        overdue_before: (input.overdue == Some(true)).then_some(today),
        sort,
    })
}

/// The list's question for the access log: the filters as asked, then what was typed in
/// the search box last (the audit trail redacts it, up to the count, for administrators).
fn describe_list(input: &PatientListInput) -> String {
    let named = [
        ("program", input.program.clone()),
        (
            "disease_number",
            input.disease_number.map(|n| n.to_string()),
        ),
        ("employment_status", input.employment_status.clone()),
        ("consultant", input.consultant.clone()),
        ("open_referral", input.open_referral.map(|b| b.to_string())),
        ("overdue", input.overdue.map(|b| b.to_string())),
        ("sort", input.sort.clone()),
    ];
    let mut parts: Vec<String> = named
        .into_iter()
        .filter_map(|(k, v)| v.filter(|v| !v.is_empty()).map(|v| format!("{k}={v}")))
        .collect();
    parts.push(format!("q={}", input.q.as_deref().unwrap_or("").trim()));
    parts.join("; ")
}

/// The folded query and its n-grams; `None` lists every patient.
pub fn search_query(raw: &str) -> Result<Option<PatientQuery>, DomainError> {
    if raw.chars().count() > QUERY_MAX {
        return Err(DomainError::field(
            "q",
            "too_long",
            format!("must be at most {QUERY_MAX} characters"),
        ));
    }
    if let Some(q) = recognise(raw) {
        return Ok(Some(q));
    }
    let folded = kana::fold(raw);
    Ok((!folded.is_empty()).then(|| PatientQuery::Name {
        grams: kana::query_grams(&folded),
        folded,
    }))
}

/// What a registration form holds that may show it is someone already registered.
#[derive(Debug, Clone, Default)]
pub struct DuplicateCheck {
    pub family_name_kana: Option<String>,
    pub given_name_kana: Option<String>,
    pub birth_date: Option<String>,
    pub phone: Option<String>,
}

/// Why a registered patient may be the same person.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DuplicateReason {
    /// The same reading (as stored: full-width katakana) and birth date.
    SameReadingAndBirthDate,
    /// The same phone number's digits.
    SamePhone,
}

impl DuplicateReason {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::SameReadingAndBirthDate => "same_reading_and_birth_date",
            Self::SamePhone => "same_phone",
        }
    }
}

/// The check's input normalised as patients are stored; a part that is missing or does not
/// parse is left out (the registration itself reports it).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct DuplicateProbe {
    /// Family and given reading, with the birth date: they count only together.
    pub reading: Option<(String, String, NaiveDate)>,
    /// At least six digits.
    pub phone_digits: Option<String>,
}

impl DuplicateProbe {
    pub fn of(c: &DuplicateCheck) -> Self {
        let kana_of = |f: &str, raw: &Option<String>| {
            raw.as_deref().and_then(|r| kana::kana(f, r, KANA_MAX).ok())
        };
        let birth = c.birth_date.as_deref().and_then(values::wareki::parse_date);
        let reading = match (
            kana_of("family_name_kana", &c.family_name_kana),
            kana_of("given_name_kana", &c.given_name_kana),
            birth,
        ) {
            (Some(f), Some(g), Some(b)) => Some((f, g, b)),
            _ => None,
        };
        let phone_digits = c
            .phone
            .as_deref()
            .and_then(|p| contact::phone("phone", p).ok())
            .map(|p| phone_digits(&p))
            .filter(|d| d.len() >= 6);
        Self {
            reading,
            phone_digits,
        }
    }

    pub fn is_empty(&self) -> bool {
        self.reading.is_none() && self.phone_digits.is_none()
    }
}

/// A phone number's digits, as the duplicate check and the search compare them.
pub fn phone_digits(phone: &str) -> String {
    phone.chars().filter(char::is_ascii_digit).collect()
}

/// Why `p` may be the person the probe describes (empty: no reason).
pub fn duplicate_reasons(p: &Patient, probe: &DuplicateProbe) -> Vec<DuplicateReason> {
    let mut out = Vec::new();
    if let Some((f, g, b)) = &probe.reading
        && p.family_name_kana == *f
        && p.given_name_kana == *g
        && p.birth_date == *b
    {
        out.push(DuplicateReason::SameReadingAndBirthDate);
    }
    if let (Some(d), Some(phone)) = (&probe.phone_digits, &p.phone)
        && phone_digits(phone) == *d
    {
        out.push(DuplicateReason::SamePhone);
    }
    out
}

/// The one search box takes what a consultant has at hand: a case number (`2026-0001`,
/// `2026-1`), a phone number (however grouped: its digits are compared), a birth date
/// (西暦 or 和暦: `昭和50年1月1日`, `S50.1.1`); anything else is a name or reading.
pub fn recognise(raw: &str) -> Option<PatientQuery> {
    let t: String = raw
        .trim()
        .chars()
        .map(|c| match c {
            '０'..='９' => {
                char::from_u32(u32::from(c) - u32::from('０') + u32::from('0')).unwrap_or(c)
            }
            '－' | '‐' => '-',
            _ => c,
        })
        .collect();
    if let Some((y, n)) = t.split_once('-')
        && y.len() == 4
        && !n.is_empty()
        && n.len() <= 6
        && !n.contains('-')
        && let (Ok(fy), Ok(num)) = (y.parse::<i32>(), n.parse::<i64>())
        && y.chars().chain(n.chars()).all(|c| c.is_ascii_digit())
    {
        return Some(PatientQuery::CaseNumber(format_case_number(fy, num)));
    }
    if let Some(d) = values::wareki::parse_date(&t) {
        return Some(PatientQuery::BirthDate(d));
    }
    let digits: String = t.chars().filter(char::is_ascii_digit).collect();
    let phone_like = t
        .chars()
        .all(|c| c.is_ascii_digit() || matches!(c, '-' | ' ' | '(' | ')' | '+'));
    if phone_like && digits.len() >= 6 {
        return Some(PatientQuery::Phone(digits));
    }
    None
}

/// Parses the input onto `p`, checking every field and the rules between them. A create
/// needs the names, their readings, the birth date, the program and the two statuses.
fn apply(
    mut p: Patient,
    input: PatientInput,
    create: bool,
    today: NaiveDate,
) -> Result<Patient, DomainError> {
    let mut v = Validator::new();
    if create {
        for (field, present) in [
            ("family_name", input.family_name.is_some()),
            ("given_name", input.given_name.is_some()),
            ("family_name_kana", input.family_name_kana.is_some()),
            ("given_name_kana", input.given_name_kana.is_some()),
            ("birth_date", input.birth_date.is_some()),
            ("program", input.program.is_some()),
            ("employment_status", input.employment_status.is_some()),
            ("support_awareness", input.support_awareness.is_some()),
        ] {
            if !present {
                v.push(required(field));
            }
        }
    }
    let name = |field: &'static str| move |x: &String| values::name_text(field, x, 1, NAME_MAX);
    let reading = |field: &'static str| move |x: &String| kana::kana(field, x, KANA_MAX);
    set(
        &mut v,
        &mut p.family_name,
        input.family_name.as_ref().map(name("family_name")),
    );
    set(
        &mut v,
        &mut p.given_name,
        input.given_name.as_ref().map(name("given_name")),
    );
    set(
        &mut v,
        &mut p.family_name_kana,
        input
            .family_name_kana
            .as_ref()
            .map(reading("family_name_kana")),
    );
    set(
        &mut v,
        &mut p.given_name_kana,
        input
            .given_name_kana
            .as_ref()
            .map(reading("given_name_kana")),
    );
    set(
        &mut v,
        &mut p.birth_date,
        input.birth_date.as_deref().map(|x| {
            values::date("birth_date", x).and_then(|d| super::not_in_future("birth_date", d, today))
        }),
    );
    if let Some(x) = input.sex {
        p.sex = x.as_deref().and_then(|s| v.check(Sex::parse("sex", s)));
    }
    apply_place(
        &mut v,
        &mut p,
        input.prefecture_code,
        input.municipality_code,
    );
    if let Some(x) = input.phone {
        p.phone = match x.as_deref().map(str::trim) {
            None | Some("") => None,
            Some(s) => v.check(contact::phone("phone", s)),
        };
    }
    // `null` clears the address; an empty string is not one (the document says `format:
    // email`), so it is refused rather than read as "none".
    if let Some(x) = input.email {
        p.email = match x.as_deref() {
            None => None,
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
    apply_disease(&mut v, &mut p, input.disease_number);
    if let Some(x) = input.diagnosis {
        p.diagnosis = v
            .check(values::optional_text(
                "diagnosis",
                x.as_deref(),
                DIAGNOSIS_MAX,
            ))
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
    if let Some(x) = input.referral_source {
        p.referral_source = x
            .as_deref()
            .map(str::trim)
            .filter(|s| !s.is_empty())
            .and_then(|s| v.check(ReferralSource::parse("referral_source", s)));
    }
    if let Some(x) = input.disability_certificate {
        p.disability_certificate = x;
    }
    if let Some(x) = input.notes {
        p.notes = v
            .check(values::optional_prose("notes", x.as_deref(), NOTES_MAX))
            .flatten();
    }
    v.finish()?;
    Ok(p)
}

/// Where the patient lives: a JIS prefecture code and a local government code. A
/// municipality implies its prefecture; a contradicting pair is a mistake.
fn apply_place(
    v: &mut Validator,
    p: &mut Patient,
    prefecture: Option<Option<String>>,
    municipality: Option<Option<String>>,
) {
    if let Some(x) = prefecture {
        p.prefecture_code = x.as_deref().and_then(|code| {
            v.check(match master::prefecture(code) {
                Some(pref) => Ok(pref.code.clone()),
                None => Err(FieldError::new(
                    "prefecture_code",
                    "invalid_prefecture",
                    "must be a JIS X 0401 code from \"01\" to \"47\"",
                )),
            })
        });
    }
    if let Some(x) = municipality {
        p.municipality_code = x.as_deref().and_then(|code| {
            v.check(match master::municipality(code) {
                Some(m) => Ok(m.code.clone()),
                None => Err(FieldError::new(
                    "municipality_code",
                    "unknown_municipality",
                    "must be a 6-digit local government code (全国地方公共団体コード)",
                )),
            })
        });
    }
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
}

/// A designated intractable disease number (指定難病 告示番号) from the shipped list, which
/// belongs to the nanbyo program: a child's illness (shoman) is described by its diagnosis.
fn apply_disease(v: &mut Validator, p: &mut Patient, number: Option<Option<i32>>) {
    if let Some(x) = number {
        p.disease_number = x.and_then(|n| {
            v.check(match master::disease(n) {
                Some(_) => Ok(n),
                None => Err(FieldError::new(
                    "disease_number",
                    "unknown_disease",
                    "must be the number of a designated intractable disease (指定難病 告示番号 1–348)",
                )),
            })
        });
    }
    if p.disease_number.is_some() && p.program == Program::Shoman {
        v.push(FieldError::new(
            "disease_number",
            "not_for_program",
            "designated intractable disease numbers apply to the nanbyo program; use diagnosis",
        ));
    }
}

#[cfg(test)]
mod tests {
    use super::super::testing::{day, field_codes};
    use super::*;

    fn today() -> NaiveDate {
        day(2026, 5, 10)
    }

    fn full() -> PatientInput {
        PatientInput {
            family_name: Some("山田".into()),
            given_name: Some("花子".into()),
            family_name_kana: Some("やまだ".into()),
            given_name_kana: Some("ﾊﾅｺ".into()),
            birth_date: Some("1990-04-01".into()),
            program: Some("nanbyo".into()),
            employment_status: Some("employed".into()),
            support_awareness: Some("unaware".into()),
            ..PatientInput::default()
        }
    }

    fn new(input: PatientInput) -> Result<Patient, DomainError> {
        apply(
            blank(Uuid::nil(), Uuid::nil(), DateTime::<Utc>::UNIX_EPOCH),
            input,
            true,
            today(),
        )
    }

    #[test]
    fn case_numbers_read_aloud() {
        assert_eq!(format_case_number(2026, 42), "2026-0042");
        assert_eq!(format_case_number(2025, 1), "2025-0001");
        assert_eq!(format_case_number(2026, 12345), "2026-12345");
    }

    #[test]
    fn a_new_patient_needs_names_readings_birth_date_program_and_statuses() {
        assert_eq!(
            field_codes(new(PatientInput::default())),
            [
                "family_name:required",
                "given_name:required",
                "family_name_kana:required",
                "given_name_kana:required",
                "birth_date:required",
                "program:required",
                "employment_status:required",
                "support_awareness:required",
            ]
        );
        let p = new(full()).unwrap();
        assert_eq!(p.family_name_kana, "ヤマダ");
        assert_eq!(p.given_name_kana, "ハナコ");
        assert_eq!(p.birth_date, day(1990, 4, 1));
    }

    #[test]
    fn an_update_changes_only_what_it_carries() {
        let p = new(full()).unwrap();
        let same = apply(p.clone(), PatientInput::default(), false, today()).unwrap();
        assert_eq!(same, p);
        let cleared = apply(
            Patient {
                phone: Some("090-1234-5678".into()),
                ..p.clone()
            },
            PatientInput {
                phone: Some(Some("  ".into())),
                ..PatientInput::default()
            },
            false,
            today(),
        )
        .unwrap();
        assert_eq!(cleared.phone, None);
    }

    #[test]
    fn an_email_is_an_address_or_null_never_empty() {
        for empty in ["", "  "] {
            assert_eq!(
                field_codes(new(PatientInput {
                    email: Some(Some(empty.into())),
                    ..full()
                })),
                ["email:required"]
            );
        }
        let p = new(PatientInput {
            email: Some(Some(" hanako@Example.JP ".into())),
            ..full()
        })
        .unwrap();
        assert_eq!(p.email.as_deref(), Some("hanako@example.jp"));
        let cleared = apply(
            p,
            PatientInput {
                email: Some(None),
                ..PatientInput::default()
            },
            false,
            today(),
        )
        .unwrap();
        assert_eq!(cleared.email, None);
    }

    #[test]
    fn how_they_heard_of_the_center_is_optional_and_coded() {
        assert_eq!(new(full()).unwrap().referral_source, None);
        let p = new(PatientInput {
            referral_source: Some(Some("leaflet_at_application".into())),
            ..full()
        })
        .unwrap();
        assert_eq!(
            p.referral_source,
            Some(ReferralSource::LeafletAtApplication)
        );
        assert_eq!(
            field_codes(new(PatientInput {
                referral_source: Some(Some("tv".into())),
                ..full()
            })),
            ["referral_source:invalid_choice"]
        );
        let cleared = apply(
            p,
            PatientInput {
                referral_source: Some(None),
                ..PatientInput::default()
            },
            false,
            today(),
        )
        .unwrap();
        assert_eq!(cleared.referral_source, None);
    }

    #[test]
    fn a_birth_date_is_not_in_the_future() {
        let input = PatientInput {
            birth_date: Some("2026-05-11".into()),
            ..full()
        };
        assert_eq!(field_codes(new(input)), ["birth_date:in_future"]);
    }

    #[test]
    fn a_municipality_implies_its_prefecture_and_must_not_contradict_it() {
        let sapporo = Some(Some("011002".to_owned()));
        let p = new(PatientInput {
            municipality_code: sapporo.clone(),
            ..full()
        })
        .unwrap();
        assert_eq!(p.prefecture_code.as_deref(), Some("01"));
        let contradicting = PatientInput {
            prefecture_code: Some(Some("34".into())),
            municipality_code: sapporo,
            ..full()
        };
        assert_eq!(
            field_codes(new(contradicting)),
            ["municipality_code:not_in_prefecture"]
        );
        let unknown = PatientInput {
            prefecture_code: Some(Some("48".into())),
            municipality_code: Some(Some("999999".into())),
            ..full()
        };
        assert_eq!(
            field_codes(new(unknown)),
            [
                "prefecture_code:invalid_prefecture",
                "municipality_code:unknown_municipality"
            ]
        );
    }

    #[test]
    fn disease_numbers_come_from_the_list_and_belong_to_nanbyo() {
        let p = new(PatientInput {
            disease_number: Some(Some(1)),
            ..full()
        })
        .unwrap();
        assert_eq!(p.disease_number, Some(1));
        let unknown = PatientInput {
            disease_number: Some(Some(349)),
            ..full()
        };
        assert_eq!(
            field_codes(new(unknown)),
            ["disease_number:unknown_disease"]
        );
        let shoman = PatientInput {
            program: Some("shoman".into()),
            ..full()
        };
        assert_eq!(
            field_codes(apply(p, shoman, false, today())),
            ["disease_number:not_for_program"]
        );
    }

    #[test]
    fn search_queries_are_bounded_and_an_empty_one_lists_everyone() {
        assert!(search_query("").unwrap().is_none());
        assert!(search_query("  ").unwrap().is_none());
        let q = search_query("ﾔﾏﾀﾞ").unwrap().unwrap();
        assert!(matches!(q, PatientQuery::Name { folded, .. } if folded == kana::fold("やまだ")));
        assert!(matches!(
            search_query(&"あ".repeat(QUERY_MAX + 1)),
            Err(DomainError::Validation(_))
        ));
    }

    #[test]
    fn a_patient_list_is_filtered_and_ordered_as_asked() {
        let me = Uuid::now_v7();
        let f = list_filter(&PatientListInput::default(), me, today()).unwrap();
        assert_eq!(f, PatientFilter::default());
        let asked = PatientListInput {
            program: Some("nanbyo".into()),
            disease_number: Some(51),
            employment_status: Some("job_seeking".into()),
            consultant: Some("me".into()),
            open_referral: Some(true),
            overdue: Some(true),
            sort: Some("kana".into()),
            ..PatientListInput::default()
        };
        let f = list_filter(&asked, me, today()).unwrap();
        assert_eq!(
            f,
            PatientFilter {
                program: Some(Program::Nanbyo),
                disease_number: Some(51),
                employment_status: Some(EmploymentStatus::JobSeeking),
                consultant: Some(me),
                open_referral: true,
                overdue_before: Some(today()),
                sort: PatientSort::Kana,
            }
        );
        // `false` asks for nothing: it does not mean "without".
        let not = PatientListInput {
            open_referral: Some(false),
            overdue: Some(false),
            sort: Some("registered_desc".into()),
            ..PatientListInput::default()
        };
        let f = list_filter(&not, me, today()).unwrap();
        assert!(!f.open_referral && f.overdue_before.is_none());
        assert_eq!(f.sort, PatientSort::RegisteredDesc);
        let wrong = PatientListInput {
            program: Some("adult".into()),
            disease_number: Some(999),
            employment_status: Some("busy".into()),
            consultant: Some("bob".into()),
            sort: Some("name".into()),
            ..PatientListInput::default()
        };
        assert_eq!(
            field_codes(list_filter(&wrong, me, today())),
            [
                "program:invalid_choice",
                "employment_status:invalid_choice",
                "disease_number:unknown_disease",
                "consultant:invalid_consultant",
                "sort:invalid_choice"
            ]
        );
    }

    #[test]
    fn the_access_log_names_the_filters_and_keeps_the_typed_search_last() {
        let asked = PatientListInput {
            q: Some(" 山田 ".into()),
            program: Some("shoman".into()),
            overdue: Some(true),
            ..PatientListInput::default()
        };
        assert_eq!(
            describe_list(&asked),
            "program=shoman; overdue=true; q=山田"
        );
        assert_eq!(describe_list(&PatientListInput::default()), "q=");
    }

    #[test]
    fn a_registration_may_be_someone_already_registered() {
        let mut p = blank(Uuid::nil(), Uuid::nil(), DateTime::<Utc>::UNIX_EPOCH);
        p.family_name_kana = "ヤマダ".into();
        p.given_name_kana = "ハナコ".into();
        p.birth_date = NaiveDate::from_ymd_opt(1975, 6, 15).unwrap();
        p.phone = Some("(082) 223 8609".into());
        let check = |fk: &str, gk: &str, born: &str, phone: Option<&str>| {
            DuplicateProbe::of(&DuplicateCheck {
                family_name_kana: Some(fk.into()),
                given_name_kana: Some(gk.into()),
                birth_date: Some(born.into()),
                phone: phone.map(Into::into),
            })
        };
        use DuplicateReason as R;
        // Typed in hiragana and 和暦: normalised as stored.
        assert_eq!(
            duplicate_reasons(&p, &check("やまだ", "はなこ", "昭和50年6月15日", None)),
            [R::SameReadingAndBirthDate]
        );
        assert_eq!(
            duplicate_reasons(
                &p,
                &check("ヤマダ", "ハナコ", "1975-06-15", Some("082-223-8609"))
            ),
            [R::SameReadingAndBirthDate, R::SamePhone]
        );
        // The reading counts only with the birth date; a different one is someone else.
        assert!(duplicate_reasons(&p, &check("ヤマダ", "ハナコ", "1975-06-16", None)).is_empty());
        assert_eq!(
            duplicate_reasons(&p, &check("サトウ", "ハナコ", "x", Some("0822238609"))),
            [R::SamePhone]
        );
        assert!(DuplicateProbe::of(&DuplicateCheck::default()).is_empty());
    }

    #[test]
    fn the_search_box_knows_case_numbers_phones_and_birth_dates() {
        use PatientQuery as Q;
        let cn = |s: &str| Some(Q::CaseNumber(s.to_owned()));
        assert_eq!(recognise("2026-0001"), cn("2026-0001"));
        assert_eq!(recognise(" 2026-1 "), cn("2026-0001"));
        assert_eq!(recognise("２０２６－００１２"), cn("2026-0012"));
        assert_eq!(
            recognise("082-223-8609"),
            Some(Q::Phone("0822238609".into()))
        );
        assert_eq!(
            recognise("(082) 223 8609"),
            Some(Q::Phone("0822238609".into()))
        );
        assert_eq!(
            recognise("09012345678"),
            Some(Q::Phone("09012345678".into()))
        );
        let born = NaiveDate::from_ymd_opt(1975, 6, 15);
        assert_eq!(recognise("1975-06-15"), born.map(Q::BirthDate));
        assert_eq!(recognise("昭和50年6月15日"), born.map(Q::BirthDate));
        assert_eq!(recognise("S50.6.15"), born.map(Q::BirthDate));
        // Names stay names; too few digits are not a phone number.
        for s in ["山田", "ヤマダ ハナコ", "12345", "2026", "田中2"] {
            assert_eq!(recognise(s), None, "{s}");
        }
    }
}
