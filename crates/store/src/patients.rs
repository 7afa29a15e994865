//! Patients and their name index (search grams), with the center's case numbers.

use crate::DieselStore;
use crate::audit::{append_event, change_stamp};
use crate::db::DbConn;
use crate::error::{R, missing_or_stale, not_found};
use crate::paging::{after_key, bad_cursor, cursor_time, time_key};
use crate::rows::{choice, convert, naive, opt_choice, utc, uuid};
use crate::schema::{
    case_counters, consultations, follow_ups, patient_program_changes, patient_search_grams,
    patients, referrals,
};
use chrono::{NaiveDate, NaiveDateTime};
use diesel::prelude::*;
use tsunagu_domain::DomainError;
use tsunagu_domain::audit::AuditDraft;
use tsunagu_domain::cases::DuplicateProbe;
use tsunagu_domain::cases::format_case_number;
use tsunagu_domain::entities::{Patient, PatientLabel, ProgramChange};
use tsunagu_domain::page::{Page, PageRequest};
use tsunagu_domain::ports::{PatientFilter, PatientQuery, PatientSort, PatientStore, StoreResult};
use tsunagu_domain::values::{EmploymentStatus, Program, ReferralSource, Sex, SupportAwareness};
use uuid::Uuid;

/// Patients whose phone has these digits: numbers keep their grouping as typed
/// (082-223-8609, (082) 223 8609), so they are compared on their digits alone. A macro: the
/// bound SQL literal's type cannot be named.
macro_rules! phone_digits_are {
    ($digits:expr) => {
        diesel::dsl::sql::<diesel::sql_types::Bool>(
            "REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(phone, '-', ''), ' ', ''), '(', ''), ')', ''), '+', '') = ",
        )
        .bind::<diesel::sql_types::Text, _>($digits)
    };
}

#[derive(Queryable, Selectable, Insertable, AsChangeset)]
#[diesel(table_name = patients)]
// The row is always the whole record: a field cleared by a change is written as NULL,
// not skipped (diesel's default would keep the old value).
#[diesel(treat_none_as_null = true)]
pub struct PatientRow {
    pub id: String,
    pub center_id: String,
    pub case_number: String,
    pub family_name: String,
    pub given_name: String,
    pub family_name_kana: String,
    pub given_name_kana: String,
    pub birth_date: NaiveDate,
    pub sex: Option<String>,
    pub prefecture_code: Option<String>,
    pub municipality_code: Option<String>,
    pub phone: Option<String>,
    pub email: Option<String>,
    pub program: String,
    pub disease_number: Option<i32>,
    pub diagnosis: Option<String>,
    pub employment_status: String,
    pub support_awareness: String,
    pub disability_certificate: bool,
    pub notes: Option<String>,
    pub search_key: String,
    pub created_by: String,
    pub version: i32,
    pub created_at: NaiveDateTime,
    pub updated_at: NaiveDateTime,
    pub referral_source: Option<String>,
}

impl PatientRow {
    pub fn from_entity(p: &Patient) -> Self {
        Self {
            id: p.id.to_string(),
            center_id: p.center_id.to_string(),
            case_number: p.case_number.clone(),
            family_name: p.family_name.clone(),
            given_name: p.given_name.clone(),
            family_name_kana: p.family_name_kana.clone(),
            given_name_kana: p.given_name_kana.clone(),
            birth_date: p.birth_date,
            sex: p.sex.map(|x| x.as_str().to_owned()),
            prefecture_code: p.prefecture_code.clone(),
            municipality_code: p.municipality_code.clone(),
            phone: p.phone.clone(),
            email: p.email.clone(),
            program: p.program.as_str().to_owned(),
            disease_number: p.disease_number,
            diagnosis: p.diagnosis.clone(),
            employment_status: p.employment_status.as_str().to_owned(),
            support_awareness: p.support_awareness.as_str().to_owned(),
            disability_certificate: p.disability_certificate,
            notes: p.notes.clone(),
            search_key: p.search_key(),
            created_by: p.created_by.to_string(),
            version: p.version,
            created_at: naive(p.created_at),
            updated_at: naive(p.updated_at),
            referral_source: p.referral_source.map(|x| x.as_str().to_owned()),
        }
    }

    pub fn into_entity(self) -> Result<Patient, DomainError> {
        Ok(Patient {
            id: uuid("patients.id", &self.id)?,
            center_id: uuid("patients.center_id", &self.center_id)?,
            case_number: self.case_number,
            family_name: self.family_name,
            given_name: self.given_name,
            family_name_kana: self.family_name_kana,
            given_name_kana: self.given_name_kana,
            birth_date: self.birth_date,
            sex: opt_choice("patients.sex", self.sex.as_deref(), Sex::from_db)?,
            prefecture_code: self.prefecture_code,
            municipality_code: self.municipality_code,
            phone: self.phone,
            email: self.email,
            program: choice("patients.program", Program::from_db(&self.program))?,
            disease_number: self.disease_number,
            diagnosis: self.diagnosis,
            employment_status: choice(
                "patients.employment_status",
                EmploymentStatus::from_db(&self.employment_status),
            )?,
            support_awareness: choice(
                "patients.support_awareness",
                SupportAwareness::from_db(&self.support_awareness),
            )?,
            referral_source: opt_choice(
                "patients.referral_source",
                self.referral_source.as_deref(),
                ReferralSource::from_db,
            )?,
            disability_certificate: self.disability_certificate,
            notes: self.notes,
            created_by: uuid("patients.created_by", &self.created_by)?,
            version: self.version,
            created_at: utc(self.created_at),
            updated_at: utc(self.updated_at),
        })
    }
}

/// `%`, `_` and the escape character itself match literally in a LIKE pattern.
fn like_escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 2);
    for c in s.chars() {
        if matches!(c, '%' | '_' | '\\') {
            out.push('\\');
        }
        out.push(c);
    }
    out
}

/// The next case number of a center's fiscal year, taken with an upsert so that two
/// registrations at the same moment never get the same number (or a unique-key error).
fn next_case_number(conn: &mut DbConn, center: &str, fiscal_year: i32) -> R<i32> {
    use case_counters::dsl as cc;
    if let Some(n) = crate::held_rows::next_number(conn, center, fiscal_year) {
        return Ok(n);
    }
    let n: i32 = per_backend!(conn, c => diesel::insert_into(cc::case_counters)
        .values((cc::center_id.eq(center), cc::fiscal_year.eq(fiscal_year), cc::last_number.eq(1)))
        .on_conflict((cc::center_id, cc::fiscal_year))
        .do_update()
        .set(cc::last_number.eq(cc::last_number + 1))
        .returning(cc::last_number)
        .get_result(c))?;
    crate::held_rows::keep_number(conn, center, fiscal_year, n);
    Ok(n)
}

fn write_grams(conn: &mut DbConn, p: &Patient) -> R<()> {
    let id = p.id.to_string();
    diesel::delete(patient_search_grams::table.filter(patient_search_grams::patient_id.eq(&id)))
        .execute(conn)?;
    let center = p.center_id.to_string();
    let rows: Vec<_> = p
        .search_grams()
        .into_iter()
        .map(|g| {
            (
                patient_search_grams::center_id.eq(center.clone()),
                patient_search_grams::gram.eq(g),
                patient_search_grams::patient_id.eq(id.clone()),
            )
        })
        .collect();
    if !rows.is_empty() {
        per_backend!(conn, c => diesel::insert_into(patient_search_grams::table)
            .values(&rows)
            .execute(c))?;
    }
    Ok(())
}

#[derive(Queryable, Selectable, Insertable)]
#[diesel(table_name = patient_program_changes)]
pub struct ProgramChangeRow {
    pub id: String,
    pub center_id: String,
    pub patient_id: String,
    pub from_program: String,
    pub to_program: String,
    pub changed_on: NaiveDate,
    pub changed_by: String,
    pub created_at: NaiveDateTime,
}

impl ProgramChangeRow {
    fn from_entity(c: &ProgramChange) -> Self {
        Self {
            id: c.id.to_string(),
            center_id: c.center_id.to_string(),
            patient_id: c.patient_id.to_string(),
            from_program: c.from.as_str().to_owned(),
            to_program: c.to.as_str().to_owned(),
            changed_on: c.changed_on,
            changed_by: c.changed_by.to_string(),
            created_at: naive(c.created_at),
        }
    }

    fn into_entity(self) -> Result<ProgramChange, DomainError> {
        Ok(ProgramChange {
            id: uuid("patient_program_changes.id", &self.id)?,
            center_id: uuid("patient_program_changes.center_id", &self.center_id)?,
            patient_id: uuid("patient_program_changes.patient_id", &self.patient_id)?,
            from: choice(
                "patient_program_changes.from_program",
                Program::from_db(&self.from_program),
            )?,
            to: choice(
                "patient_program_changes.to_program",
                Program::from_db(&self.to_program),
            )?,
            changed_on: self.changed_on,
            changed_by: uuid("patient_program_changes.changed_by", &self.changed_by)?,
            created_at: utc(self.created_at),
        })
    }
}

/// A patient's changes of program, oldest first.
pub(crate) fn program_changes_of(
    conn: &mut DbConn,
    center: Uuid,
    patient_id: Uuid,
) -> R<Vec<ProgramChange>> {
    let rows: Vec<ProgramChangeRow> = per_backend!(conn, c => patient_program_changes::table
        .filter(patient_program_changes::patient_id.eq(patient_id.to_string()))
        .filter(patient_program_changes::center_id.eq(center.to_string()))
        .order(patient_program_changes::created_at.asc())
        .select(ProgramChangeRow::as_select())
        .load(c))?;
    convert(rows, ProgramChangeRow::into_entity)
}

/// Case numbers and names of the given patients of the center, for lists.
pub(crate) fn labels_of(conn: &mut DbConn, center: Uuid, ids: &[Uuid]) -> R<Vec<PatientLabel>> {
    let ids: Vec<String> = ids.iter().map(Uuid::to_string).collect();
    let mut out = Vec::with_capacity(ids.len());
    for chunk in ids.chunks(10_000) {
        let rows: Vec<(String, String, String, String)> = patients::table
            .filter(patients::center_id.eq(center.to_string()))
            .filter(patients::id.eq_any(chunk))
            .select((
                patients::id,
                patients::case_number,
                patients::family_name,
                patients::given_name,
            ))
            .load(conn)?;
        for (id, case_number, family, given) in rows {
            out.push(PatientLabel {
                id: uuid("patients.id", &id)?,
                case_number,
                name: format!("{family} {given}"),
            });
        }
    }
    Ok(out)
}

/// The patient, as every use case reaches them. One merged into another record answers
/// [`DomainError::PatientMerged`] instead, so each route of a merged id points at the
/// survivor and nothing is recorded against the merged row.
pub(crate) fn patient(conn: &mut DbConn, center: Uuid, id: Uuid) -> R<Option<Patient>> {
    let row: Option<(PatientRow, Option<String>)> = per_backend!(conn, c => patients::table
        .filter(patients::id.eq(id.to_string()))
        .filter(patients::center_id.eq(center.to_string()))
        .select((PatientRow::as_select(), patients::merged_into))
        .first(c)
        .optional())?;
    row.map(patient_unless_merged).transpose()
}

/// A patient row as read with its `merged_into`: the patient, or the answer that it was
/// merged into another (which the caller is sent to).
pub(crate) fn patient_unless_merged(
    (row, merged_into): (PatientRow, Option<String>),
) -> R<Patient> {
    match merged_into {
        Some(into) => Err(DomainError::PatientMerged {
            into: uuid("patients.merged_into", &into)?,
        }
        .into()),
        None => Ok(row.into_entity()?),
    }
}

type Backend = <DbConn as Connection>::Backend;

/// The center's patients a list shows, before its order and page: the peer supporter's
/// reach, the search box and the filters, so a page and its total count agree.
fn matching<'a>(
    pg: bool,
    center: Uuid,
    supporter: Option<Uuid>,
    query: Option<&PatientQuery>,
    f: &PatientFilter,
) -> patients::BoxedQuery<'a, Backend> {
    let mut q = patients::table
        .filter(patients::center_id.eq(center.to_string()))
        // A record merged into another is the same person: listed, found and counted once.
        .filter(patients::merged_into.is_null())
        .into_boxed();
    if let Some(s) = supporter {
        q = q.filter(
            patients::id
                .nullable()
                .eq_any(crate::peer_support::assigned_patients(center, s)),
        );
    }
    let center = center.to_string();
    match query {
        None => {}
        Some(PatientQuery::Name { folded, grams }) => {
            // The index narrows to patients having every gram of the query; LIKE on the
            // folded key then keeps those where the grams are contiguous and in order. The
            // planners want it phrased differently (measured with `tsunagu bench search` on
            // 100k patients): PostgreSQL picks good semi-joins from one EXISTS per gram,
            // while SQLite does best starting from the grams, intersected with GROUP BY …
            // HAVING.
            if pg {
                for g in grams {
                    q = q.filter(diesel::dsl::exists(
                        patient_search_grams::table
                            .filter(patient_search_grams::center_id.eq(center.clone()))
                            .filter(patient_search_grams::gram.eq(g.clone()))
                            .filter(patient_search_grams::patient_id.eq(patients::id)),
                    ));
                }
            } else if !grams.is_empty() {
                let n = i64::try_from(grams.len()).unwrap_or(i64::MAX);
                q = q.filter(
                    patients::id.eq_any(
                        patient_search_grams::table
                            .filter(patient_search_grams::center_id.eq(center.clone()))
                            .filter(patient_search_grams::gram.eq_any(grams.clone()))
                            .group_by(patient_search_grams::patient_id)
                            .having(diesel::dsl::count_star().eq(n))
                            .select(patient_search_grams::patient_id),
                    ),
                );
            }
            q = q.filter(
                patients::search_key
                    .like(format!("%{}%", like_escape(folded)))
                    .escape('\\'),
            );
        }
        Some(PatientQuery::CaseNumber(n)) => {
            q = q.filter(patients::case_number.eq(n.clone()));
        }
        Some(PatientQuery::BirthDate(d)) => {
            q = q.filter(patients::birth_date.eq(*d));
        }
        Some(PatientQuery::Phone(digits)) => {
            q = q.filter(phone_digits_are!(digits.clone()));
        }
    }
    if let Some(p) = f.program {
        q = q.filter(patients::program.eq(p.as_str()));
    }
    if let Some(n) = f.disease_number {
        q = q.filter(patients::disease_number.eq(n));
    }
    if let Some(e) = f.employment_status {
        q = q.filter(patients::employment_status.eq(e.as_str()));
    }
    if let Some(c) = f.consultant {
        let c = c.to_string();
        q = q.filter(
            patients::id
                .nullable()
                .eq_any(
                    consultations::table
                        .filter(consultations::center_id.eq(center.clone()))
                        .filter(consultations::consultant_id.eq(c.clone()))
                        .select(consultations::patient_id),
                )
                .or(patients::id.eq_any(
                    referrals::table
                        .filter(referrals::center_id.eq(center.clone()))
                        .filter(referrals::consultant_id.eq(c))
                        .select(referrals::patient_id),
                )),
        );
    }
    if f.open_referral {
        q = q.filter(diesel::dsl::exists(
            referrals::table
                .filter(referrals::patient_id.eq(patients::id))
                .filter(referrals::status.eq("open")),
        ));
    }
    if let Some(today) = f.overdue_before {
        q = q.filter(diesel::dsl::exists(
            follow_ups::table
                .filter(follow_ups::patient_id.eq(patients::id))
                .filter(follow_ups::done_on.is_null())
                .filter(follow_ups::cancelled_on.is_null())
                .filter(follow_ups::due_on.lt(today)),
        ));
    }
    q
}

impl PatientStore for DieselStore {
    #[tracing::instrument(level = "debug", skip_all, fields(center = %p.center_id, id = %p.id, fiscal_year = fiscal_year))]
    fn insert_patient(
        &self,
        p: &Patient,
        fiscal_year: i32,
        audit: &AuditDraft,
    ) -> StoreResult<Patient> {
        self.write(|conn| {
            let stamp = change_stamp(conn, p.center_id, p.updated_at)?;
            let n = next_case_number(conn, &p.center_id.to_string(), fiscal_year)?;
            let mut p = p.clone();
            p.updated_at = utc(stamp);
            p.case_number = format_case_number(fiscal_year, i64::from(n));
            diesel::insert_into(patients::table)
                .values(PatientRow::from_entity(&p))
                .execute(conn)?;
            write_grams(conn, &p)?;
            append_event(conn, &self.keys, audit)?;
            Ok(p)
        })
    }

    #[tracing::instrument(level = "debug", skip_all, fields(%center, %id))]
    fn patient(&self, center: Uuid, id: Uuid) -> StoreResult<Option<Patient>> {
        self.read(|conn| patient(conn, center, id))
    }

    #[tracing::instrument(level = "debug", skip_all, fields(%center, ids = ids.len()))]
    fn patient_labels(&self, center: Uuid, ids: &[Uuid]) -> StoreResult<Vec<PatientLabel>> {
        self.read(|conn| labels_of(conn, center, ids))
    }

    #[tracing::instrument(level = "debug", skip_all, fields(%center, search = query.is_some()))]
    fn patients(
        &self,
        center: Uuid,
        supporter: Option<Uuid>,
        query: Option<&PatientQuery>,
        filter: &PatientFilter,
        req: PageRequest,
    ) -> StoreResult<Page<Patient>> {
        self.read(|conn| {
            let pg = matches!(conn, DbConn::Pg(_));
            let mut q = matching(pg, center, supporter, query, filter)
                .limit(req.limit + 1)
                .select(PatientRow::as_select());
            if let Some(since) = req.updated_since {
                q = q
                    .filter(patients::updated_at.gt(naive(since)))
                    .order((patients::updated_at.asc(), patients::id.asc()));
                if let Some((t, id)) = cursor_time(&req)? {
                    q = q.filter(
                        patients::updated_at
                            .gt(t)
                            .or(patients::updated_at.eq(t).and(patients::id.gt(id))),
                    );
                }
            } else {
                // Every order pages by the last patient's id; the kana order looks up that
                // patient's reading to go on after it.
                let after = req.after.map(|u| u.to_string());
                match filter.sort {
                    PatientSort::Registered => {
                        q = q
                            .filter(patients::id.gt(after_key(&req)))
                            .order(patients::id.asc());
                    }
                    PatientSort::RegisteredDesc => {
                        if let Some(a) = after {
                            q = q.filter(patients::id.lt(a));
                        }
                        q = q.order(patients::id.desc());
                    }
                    PatientSort::Kana => {
                        if let Some(a) = after {
                            let (f, g): (String, String) = patients::table
                                .filter(patients::center_id.eq(center.to_string()))
                                .filter(patients::id.eq(&a))
                                .select((patients::family_name_kana, patients::given_name_kana))
                                .first(conn)
                                .optional()?
                                .ok_or_else(bad_cursor)?;
                            q = q.filter(
                                patients::family_name_kana
                                    .gt(f.clone())
                                    .or(patients::family_name_kana
                                        .eq(f.clone())
                                        .and(patients::given_name_kana.gt(g.clone())))
                                    .or(patients::family_name_kana
                                        .eq(f)
                                        .and(patients::given_name_kana.eq(g))
                                        .and(patients::id.gt(a))),
                            );
                        }
                        q = q.order((
                            patients::family_name_kana.asc(),
                            patients::given_name_kana.asc(),
                            patients::id.asc(),
                        ));
                    }
                }
            }
            let rows: Vec<PatientRow> = q.load(conn)?;
            let items = convert(rows, PatientRow::into_entity)?;
            Ok(if req.updated_since.is_some() {
                Page::from_rows_keyed(items, &req, |x| (time_key(x.updated_at), x.id))
            } else {
                Page::from_rows(items, &req, |x| x.id)
            })
        })
    }

    #[tracing::instrument(level = "debug", skip_all, fields(%center, search = query.is_some()))]
    fn count_patients(
        &self,
        center: Uuid,
        supporter: Option<Uuid>,
        query: Option<&PatientQuery>,
        filter: &PatientFilter,
    ) -> StoreResult<i64> {
        self.read(|conn| {
            let pg = matches!(conn, DbConn::Pg(_));
            Ok(matching(pg, center, supporter, query, filter)
                .count()
                .get_result(conn)?)
        })
    }

    #[tracing::instrument(level = "debug", skip_all, fields(%center))]
    fn possible_duplicates(
        &self,
        center: Uuid,
        probe: &DuplicateProbe,
    ) -> StoreResult<Vec<Patient>> {
        self.read(|conn| {
            let mut rows: Vec<PatientRow> = Vec::new();
            if let Some((family, given, born)) = &probe.reading {
                rows.extend(
                    patients::table
                        .filter(patients::center_id.eq(center.to_string()))
                        .filter(patients::merged_into.is_null())
                        .filter(patients::family_name_kana.eq(family))
                        .filter(patients::given_name_kana.eq(given))
                        .filter(patients::birth_date.eq(*born))
                        .order(patients::id.asc())
                        .limit(20)
                        .select(PatientRow::as_select())
                        .load::<PatientRow>(conn)?,
                );
            }
            if let Some(digits) = &probe.phone_digits {
                rows.extend(
                    patients::table
                        .filter(patients::center_id.eq(center.to_string()))
                        .filter(patients::merged_into.is_null())
                        .filter(phone_digits_are!(digits.clone()))
                        .order(patients::id.asc())
                        .limit(20)
                        .select(PatientRow::as_select())
                        .load::<PatientRow>(conn)?,
                );
            }
            let mut items = convert(rows, PatientRow::into_entity)?;
            items.sort_by_key(|p| p.id);
            items.dedup_by_key(|p| p.id);
            items.truncate(20);
            Ok(items)
        })
    }

    #[tracing::instrument(level = "debug", skip_all, fields(center = %p.center_id, id = %p.id))]
    fn save_patient(
        &self,
        p: &Patient,
        expected_version: i32,
        program_change: Option<&ProgramChange>,
        audit: &AuditDraft,
    ) -> StoreResult<Patient> {
        self.write(|conn| {
            let stamp = change_stamp(conn, p.center_id, p.updated_at)?;
            let mut row = PatientRow::from_entity(p);
            row.version = expected_version + 1;
            row.updated_at = stamp;
            let n = diesel::update(
                patients::table
                    .filter(patients::id.eq(p.id.to_string()))
                    .filter(patients::center_id.eq(p.center_id.to_string()))
                    .filter(patients::version.eq(expected_version)),
            )
            .set(&row)
            .execute(conn)?;
            if n == 0 {
                return Err(missing_or_stale(
                    patient(conn, p.center_id, p.id)?.is_some(),
                ));
            }
            write_grams(conn, p)?;
            if let Some(c) = program_change {
                diesel::insert_into(patient_program_changes::table)
                    .values(ProgramChangeRow::from_entity(c))
                    .execute(conn)?;
            }
            append_event(conn, &self.keys, audit)?;
            patient(conn, p.center_id, p.id)?.ok_or_else(not_found)
        })
    }
}
