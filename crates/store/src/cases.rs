//! The SQL of the case: patients and their name index, consents, consultations, referrals
//! with their level history and provision records, and follow-ups. Every query is filtered
//! by the center it is given; every change writes its audit events in its own transaction.

use crate::db::DbConn;
use crate::rollup::{self, Deltas};
use crate::rows::{
    ConsentRow, ConsultationRow, FollowUpRow, LevelChangeRow, PatientRow, ProvisionRow,
    ReferralRow, naive, utc, uuid,
};
use crate::schema::{
    agencies, case_counters, consents, consultations, data_provisions, follow_ups,
    patient_search_grams, patients, referral_level_changes, referrals,
};
use crate::{StoreError, append_events, change_stamp, missing_or_stale};
use chrono::{DateTime, NaiveDate, NaiveDateTime, Utc};
use diesel::prelude::*;
use tsunagu_domain::DomainError;
use tsunagu_domain::audit::AuditDraft;
use tsunagu_domain::cases::format_case_number;
use tsunagu_domain::entities::{
    CaseHistory, Consent, Consultation, FollowUp, FollowUpView, LevelChange, Patient, PatientLabel,
    Provision, Referral,
};
use tsunagu_domain::page::{Page, PageRequest};
use tsunagu_domain::ports::{
    ConsultationFilter, FollowUpFilter, FollowUpState, PatientQuery, ReferralEffects,
    ReferralFilter,
};
use tsunagu_domain::values::{AgencyType, Level};
use uuid::Uuid;

type R<T> = Result<T, StoreError>;

fn convert<T, U>(rows: Vec<T>, f: impl Fn(T) -> Result<U, DomainError>) -> R<Vec<U>> {
    rows.into_iter()
        .map(f)
        .collect::<Result<Vec<_>, _>>()
        .map_err(StoreError::from)
}

fn after_id(req: &PageRequest) -> String {
    req.after.map(|u| u.to_string()).unwrap_or_default()
}

fn bad_cursor() -> StoreError {
    StoreError::Domain(DomainError::field(
        "cursor",
        "invalid_cursor",
        "is not a cursor this API returned",
    ))
}

/// The date a keyed cursor carries, when the list is ordered by a date.
fn cursor_date(req: &PageRequest) -> R<Option<(NaiveDate, String)>> {
    match (&req.after_key, req.after) {
        (None, None) => Ok(None),
        (Some(k), Some(id)) => NaiveDate::parse_from_str(k.as_str(), "%Y-%m-%d")
            .map(|d| Some((d, id.to_string())))
            .map_err(|_| bad_cursor()),
        _ => Err(bad_cursor()),
    }
}

fn cursor_time(req: &PageRequest) -> R<Option<(NaiveDateTime, String)>> {
    match (&req.after_key, req.after) {
        (None, None) => Ok(None),
        (Some(k), Some(id)) => chrono::DateTime::parse_from_rfc3339(k.as_str())
            .map(|t| Some((t.naive_utc(), id.to_string())))
            .map_err(|_| bad_cursor()),
        _ => Err(bad_cursor()),
    }
}

fn time_key(t: chrono::DateTime<chrono::Utc>) -> String {
    t.to_rfc3339_opts(chrono::SecondsFormat::Micros, true)
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

// --- patients ------------------------------------------------------------------------

/// The next case number of a center's fiscal year, taken with an upsert so that two
/// registrations at the same moment never get the same number (or a unique-key error).
fn next_case_number(conn: &mut DbConn, center: &str, fiscal_year: i32) -> R<i32> {
    use case_counters::dsl as cc;
    let n: i32 = per_backend!(conn, c => diesel::insert_into(cc::case_counters)
        .values((cc::center_id.eq(center), cc::fiscal_year.eq(fiscal_year), cc::last_number.eq(1)))
        .on_conflict((cc::center_id, cc::fiscal_year))
        .do_update()
        .set(cc::last_number.eq(cc::last_number + 1))
        .returning(cc::last_number)
        .get_result(c))?;
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

pub(crate) fn insert_patient(
    conn: &mut DbConn,
    p: &Patient,
    fiscal_year: i32,
    audit: &AuditDraft,
) -> R<Patient> {
    let stamp = change_stamp(conn, p.updated_at)?;
    let n = next_case_number(conn, &p.center_id.to_string(), fiscal_year)?;
    let mut p = p.clone();
    p.updated_at = utc(stamp);
    p.case_number = format_case_number(fiscal_year, i64::from(n));
    diesel::insert_into(patients::table)
        .values(PatientRow::from_entity(&p))
        .execute(conn)?;
    write_grams(conn, &p)?;
    append_events(conn, std::slice::from_ref(audit))?;
    Ok(p)
}

pub(crate) fn patient(conn: &mut DbConn, center: Uuid, id: Uuid) -> R<Option<Patient>> {
    let row: Option<PatientRow> = patients::table
        .filter(patients::id.eq(id.to_string()))
        .filter(patients::center_id.eq(center.to_string()))
        .select(PatientRow::as_select())
        .first(conn)
        .optional()?;
    Ok(row.map(PatientRow::into_entity).transpose()?)
}

pub(crate) fn patient_labels(
    conn: &mut DbConn,
    center: Uuid,
    ids: &[Uuid],
) -> R<Vec<PatientLabel>> {
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

pub(crate) fn patients(
    conn: &mut DbConn,
    center: Uuid,
    query: Option<&PatientQuery>,
    req: &PageRequest,
) -> R<Page<Patient>> {
    let center = center.to_string();
    let mut q = patients::table
        .filter(patients::center_id.eq(&center))
        .limit(req.limit + 1)
        .select(PatientRow::as_select())
        .into_boxed();
    if let Some(since) = req.updated_since {
        q = q
            .filter(patients::updated_at.gt(naive(since)))
            .order((patients::updated_at.asc(), patients::id.asc()));
        if let Some((t, id)) = cursor_time(req)? {
            q = q.filter(
                patients::updated_at
                    .gt(t)
                    .or(patients::updated_at.eq(t).and(patients::id.gt(id))),
            );
        }
    } else {
        q = q
            .filter(patients::id.gt(after_id(req)))
            .order(patients::id.asc());
    }
    if let Some(query) = query {
        // The index narrows to patients having every gram of the query; LIKE on the folded
        // key then keeps those where the grams are contiguous and in order. The planners
        // want it phrased differently (measured with `tsunagu bench search` on 100k
        // patients): PostgreSQL picks good semi-joins from one EXISTS per gram, while
        // SQLite does best starting from the grams, intersected with GROUP BY … HAVING.
        if matches!(conn, DbConn::Pg(_)) {
            for g in &query.grams {
                q = q.filter(diesel::dsl::exists(
                    patient_search_grams::table
                        .filter(patient_search_grams::center_id.eq(center.clone()))
                        .filter(patient_search_grams::gram.eq(g.clone()))
                        .filter(patient_search_grams::patient_id.eq(patients::id)),
                ));
            }
        } else if !query.grams.is_empty() {
            let n = i64::try_from(query.grams.len()).unwrap_or(i64::MAX);
            q = q.filter(
                patients::id.eq_any(
                    patient_search_grams::table
                        .filter(patient_search_grams::center_id.eq(center.clone()))
                        .filter(patient_search_grams::gram.eq_any(query.grams.clone()))
                        .group_by(patient_search_grams::patient_id)
                        .having(diesel::dsl::count_star().eq(n))
                        .select(patient_search_grams::patient_id),
                ),
            );
        }
        q = q.filter(
            patients::search_key
                .like(format!("%{}%", like_escape(&query.folded)))
                .escape('\\'),
        );
    }
    let rows: Vec<PatientRow> = q.load(conn)?;
    let items = convert(rows, PatientRow::into_entity)?;
    Ok(if req.updated_since.is_some() {
        Page::from_rows_keyed(items, req, |x| (time_key(x.updated_at), x.id))
    } else {
        Page::from_rows(items, req, |x| x.id)
    })
}

pub(crate) fn save_patient(
    conn: &mut DbConn,
    p: &Patient,
    expected_version: i32,
    audit: &AuditDraft,
) -> R<Patient> {
    let stamp = change_stamp(conn, p.updated_at)?;
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
    append_events(conn, std::slice::from_ref(audit))?;
    patient(conn, p.center_id, p.id)?.ok_or(StoreError::Domain(DomainError::NotFound))
}

// --- consents ------------------------------------------------------------------------

pub(crate) fn insert_consent(conn: &mut DbConn, c: &Consent, audit: &AuditDraft) -> R<()> {
    diesel::insert_into(consents::table)
        .values(ConsentRow::from_entity(c))
        .execute(conn)?;
    append_events(conn, std::slice::from_ref(audit))
}

pub(crate) fn consent(conn: &mut DbConn, center: Uuid, id: Uuid) -> R<Option<Consent>> {
    let row: Option<ConsentRow> = consents::table
        .filter(consents::id.eq(id.to_string()))
        .filter(consents::center_id.eq(center.to_string()))
        .select(ConsentRow::as_select())
        .first(conn)
        .optional()?;
    Ok(row.map(ConsentRow::into_entity).transpose()?)
}

pub(crate) fn consents_of(conn: &mut DbConn, center: Uuid, patient_id: Uuid) -> R<Vec<Consent>> {
    let rows: Vec<ConsentRow> = consents::table
        .filter(consents::patient_id.eq(patient_id.to_string()))
        .filter(consents::center_id.eq(center.to_string()))
        .order((consents::given_on.asc(), consents::id.asc()))
        .select(ConsentRow::as_select())
        .load(conn)?;
    convert(rows, ConsentRow::into_entity)
}

pub(crate) fn save_consent(
    conn: &mut DbConn,
    c: &Consent,
    expected_version: i32,
    audit: &AuditDraft,
) -> R<Consent> {
    let n = diesel::update(
        consents::table
            .filter(consents::id.eq(c.id.to_string()))
            .filter(consents::center_id.eq(c.center_id.to_string()))
            .filter(consents::version.eq(expected_version)),
    )
    .set((
        consents::withdrawn_on.eq(c.withdrawn_on),
        consents::notes.eq(&c.notes),
        consents::version.eq(expected_version + 1),
        consents::updated_at.eq(naive(c.updated_at)),
    ))
    .execute(conn)?;
    if n == 0 {
        return Err(missing_or_stale(
            consent(conn, c.center_id, c.id)?.is_some(),
        ));
    }
    append_events(conn, std::slice::from_ref(audit))?;
    consent(conn, c.center_id, c.id)?.ok_or(StoreError::Domain(DomainError::NotFound))
}

// --- consultations ---------------------------------------------------------------------

pub(crate) fn insert_consultation(
    conn: &mut DbConn,
    c: &Consultation,
    audit: &AuditDraft,
) -> R<DateTime<Utc>> {
    let stamp = change_stamp(conn, c.updated_at)?;
    let mut row = ConsultationRow::from_entity(c);
    row.updated_at = stamp;
    diesel::insert_into(consultations::table)
        .values(row)
        .execute(conn)?;
    let mut d = Deltas::default();
    d.consultation(c, 1);
    d.apply(conn)?;
    append_events(conn, std::slice::from_ref(audit))?;
    Ok(utc(stamp))
}

pub(crate) fn consultation(conn: &mut DbConn, center: Uuid, id: Uuid) -> R<Option<Consultation>> {
    let row: Option<ConsultationRow> = consultations::table
        .filter(consultations::id.eq(id.to_string()))
        .filter(consultations::center_id.eq(center.to_string()))
        .select(ConsultationRow::as_select())
        .first(conn)
        .optional()?;
    Ok(row.map(ConsultationRow::into_entity).transpose()?)
}

pub(crate) fn consultations(
    conn: &mut DbConn,
    center: Uuid,
    f: &ConsultationFilter,
    req: &PageRequest,
) -> R<Page<Consultation>> {
    use consultations::dsl as c;
    let mut q = c::consultations
        .filter(c::center_id.eq(center.to_string()))
        .order((c::occurred_at.desc(), c::id.desc()))
        .limit(req.limit + 1)
        .select(ConsultationRow::as_select())
        .into_boxed();
    if let Some(since) = req.updated_since {
        q = q
            .filter(c::updated_at.gt(naive(since)))
            .order((c::updated_at.asc(), c::id.asc()));
        if let Some((t, id)) = cursor_time(req)? {
            q = q.filter(
                c::updated_at
                    .gt(t)
                    .or(c::updated_at.eq(t).and(c::id.gt(id))),
            );
        }
    } else if let Some((t, id)) = cursor_time(req)? {
        q = q.filter(
            c::occurred_at
                .lt(t)
                .or(c::occurred_at.eq(t).and(c::id.lt(id))),
        );
    }
    if let Some(p) = f.patient_id {
        q = q.filter(c::patient_id.eq(p.to_string()));
    }
    if let Some(u) = f.consultant_id {
        q = q.filter(c::consultant_id.eq(u.to_string()));
    }
    if let Some(t) = f.from {
        q = q.filter(c::occurred_at.ge(naive(t)));
    }
    if let Some(t) = f.to {
        q = q.filter(c::occurred_at.lt(naive(t)));
    }
    let rows: Vec<ConsultationRow> = q.load(conn)?;
    let items = convert(rows, ConsultationRow::into_entity)?;
    let sync = req.updated_since.is_some();
    Ok(Page::from_rows_keyed(items, req, |x| {
        (
            time_key(if sync { x.updated_at } else { x.occurred_at }),
            x.id,
        )
    }))
}

pub(crate) fn save_consultation(
    conn: &mut DbConn,
    c: &Consultation,
    expected_version: i32,
    audit: &AuditDraft,
) -> R<Consultation> {
    let stamp = change_stamp(conn, c.updated_at)?;
    let old = consultation(conn, c.center_id, c.id)?;
    let mut row = ConsultationRow::from_entity(c);
    row.updated_at = stamp;
    let n = diesel::update(
        consultations::table
            .filter(consultations::id.eq(&row.id))
            .filter(consultations::center_id.eq(&row.center_id))
            .filter(consultations::version.eq(expected_version)),
    )
    .set((
        consultations::patient_id.eq(&row.patient_id),
        consultations::occurred_at.eq(row.occurred_at),
        consultations::channel.eq(&row.channel),
        consultations::requester.eq(&row.requester),
        consultations::topics.eq(&row.topics),
        consultations::duration_minutes.eq(row.duration_minutes),
        consultations::with_employment_supporter.eq(row.with_employment_supporter),
        consultations::summary.eq(&row.summary),
        consultations::consultant_id.eq(&row.consultant_id),
        consultations::version.eq(expected_version + 1),
        consultations::updated_at.eq(row.updated_at),
    ))
    .execute(conn)?;
    if n == 0 {
        return Err(missing_or_stale(
            consultation(conn, c.center_id, c.id)?.is_some(),
        ));
    }
    if let Some(old) = old {
        let mut d = Deltas::default();
        d.consultation(&old, -1);
        d.consultation(c, 1);
        d.apply(conn)?;
    }
    append_events(conn, std::slice::from_ref(audit))?;
    consultation(conn, c.center_id, c.id)?.ok_or(StoreError::Domain(DomainError::NotFound))
}

// --- referrals ---------------------------------------------------------------------------

/// Writes what goes with a referral's creation or change, in the caller's transaction.
fn apply_effects(
    conn: &mut DbConn,
    center: &str,
    referral_id: &str,
    e: &ReferralEffects,
    stamp: NaiveDateTime,
) -> R<()> {
    if let Some(l) = &e.level_change {
        diesel::insert_into(referral_level_changes::table)
            .values(LevelChangeRow::from_entity(l))
            .execute(conn)?;
    }
    if let Some(p) = &e.provision {
        // The consent was checked before the transaction; a withdrawal committed since then
        // must still stop the provision.
        let withdrawn: Option<Option<NaiveDate>> = consents::table
            .filter(consents::id.eq(p.consent_id.to_string()))
            .filter(consents::center_id.eq(center))
            .select(consents::withdrawn_on)
            .first(conn)
            .optional()?;
        match withdrawn {
            Some(None) => {}
            Some(Some(w)) if w > p.provided_on => {}
            _ => {
                return Err(StoreError::Domain(DomainError::rule(
                    "consent_required",
                    "the patient's consent was withdrawn; the data cannot be passed to the agency",
                )));
            }
        }
        diesel::insert_into(data_provisions::table)
            .values(ProvisionRow::from_entity(p))
            .execute(conn)?;
    }
    if let Some(f) = &e.follow_up {
        let mut row = FollowUpRow::from_entity(f);
        row.updated_at = stamp;
        diesel::insert_into(follow_ups::table)
            .values(row)
            .execute(conn)?;
    }
    if let Some(day) = e.cancel_open_follow_ups_on {
        diesel::update(
            follow_ups::table
                .filter(follow_ups::referral_id.eq(referral_id))
                .filter(follow_ups::center_id.eq(center))
                .filter(follow_ups::done_on.is_null())
                .filter(follow_ups::cancelled_on.is_null()),
        )
        .set((
            follow_ups::cancelled_on.eq(Some(day)),
            follow_ups::version.eq(follow_ups::version + 1),
            follow_ups::updated_at.eq(stamp),
        ))
        .execute(conn)?;
    }
    Ok(())
}

pub(crate) fn insert_referral(
    conn: &mut DbConn,
    r: &Referral,
    effects: &ReferralEffects,
    audit: &[AuditDraft],
) -> R<DateTime<Utc>> {
    let stamp = change_stamp(conn, r.updated_at)?;
    let mut row = ReferralRow::from_entity(r);
    row.updated_at = stamp;
    diesel::insert_into(referrals::table)
        .values(&row)
        .execute(conn)?;
    apply_effects(conn, &row.center_id, &row.id, effects, stamp)?;
    let mut d = Deltas::default();
    d.referral(r, false, 1);
    d.apply(conn)?;
    append_events(conn, audit)?;
    Ok(utc(stamp))
}

pub(crate) fn referral(conn: &mut DbConn, center: Uuid, id: Uuid) -> R<Option<Referral>> {
    let row: Option<ReferralRow> = referrals::table
        .filter(referrals::id.eq(id.to_string()))
        .filter(referrals::center_id.eq(center.to_string()))
        .select(ReferralRow::as_select())
        .first(conn)
        .optional()?;
    Ok(row.map(ReferralRow::into_entity).transpose()?)
}

pub(crate) fn referrals_page(
    conn: &mut DbConn,
    center: Uuid,
    f: &ReferralFilter,
    req: &PageRequest,
) -> R<Page<Referral>> {
    use referrals::dsl as r;
    let mut q = r::referrals
        .filter(r::center_id.eq(center.to_string()))
        .order((r::referred_on.desc(), r::id.desc()))
        .limit(req.limit + 1)
        .select(ReferralRow::as_select())
        .into_boxed();
    if let Some(since) = req.updated_since {
        q = q
            .filter(r::updated_at.gt(naive(since)))
            .order((r::updated_at.asc(), r::id.asc()));
        if let Some((t, id)) = cursor_time(req)? {
            q = q.filter(
                r::updated_at
                    .gt(t)
                    .or(r::updated_at.eq(t).and(r::id.gt(id))),
            );
        }
    } else if let Some((d, id)) = cursor_date(req)? {
        q = q.filter(
            r::referred_on
                .lt(d)
                .or(r::referred_on.eq(d).and(r::id.lt(id))),
        );
    }
    if let Some(p) = f.patient_id {
        q = q.filter(r::patient_id.eq(p.to_string()));
    }
    if let Some(a) = f.agency_id {
        q = q.filter(r::agency_id.eq(a.to_string()));
    }
    if let Some(u) = f.consultant_id {
        q = q.filter(r::consultant_id.eq(u.to_string()));
    }
    if let Some(s) = f.status {
        q = q.filter(r::status.eq(s.as_str()));
    }
    if let Some(s) = f.review_state {
        q = q.filter(r::review_state.eq(s.as_str()));
    }
    let rows: Vec<ReferralRow> = q.load(conn)?;
    let items = convert(rows, ReferralRow::into_entity)?;
    let sync = req.updated_since.is_some();
    Ok(Page::from_rows_keyed(items, req, |x| {
        if sync {
            (time_key(x.updated_at), x.id)
        } else {
            (x.referred_on.to_string(), x.id)
        }
    }))
}

pub(crate) fn save_referral(
    conn: &mut DbConn,
    r: &Referral,
    expected_version: i32,
    effects: &ReferralEffects,
    audit: &[AuditDraft],
) -> R<Referral> {
    let stamp = change_stamp(conn, r.updated_at)?;
    let old = referral(conn, r.center_id, r.id)?;
    let mut row = ReferralRow::from_entity(r);
    row.updated_at = stamp;
    let n = diesel::update(
        referrals::table
            .filter(referrals::id.eq(&row.id))
            .filter(referrals::center_id.eq(&row.center_id))
            .filter(referrals::version.eq(expected_version)),
    )
    .set((
        referrals::purpose.eq(&row.purpose),
        referrals::level.eq(&row.level),
        referrals::handed_over.eq(&row.handed_over),
        referrals::notes.eq(&row.notes),
        referrals::status.eq(&row.status),
        referrals::outcome.eq(&row.outcome),
        referrals::closed_on.eq(row.closed_on),
        referrals::review_state.eq(&row.review_state),
        referrals::consultant_id.eq(&row.consultant_id),
        referrals::version.eq(expected_version + 1),
        referrals::updated_at.eq(row.updated_at),
    ))
    .execute(conn)?;
    if n == 0 {
        return Err(missing_or_stale(
            referral(conn, r.center_id, r.id)?.is_some(),
        ));
    }
    apply_effects(conn, &row.center_id, &row.id, effects, stamp)?;
    let mut d = Deltas::default();
    if let Some(old) = old
        && (old.level != r.level || old.purpose != r.purpose)
    {
        let achieved = rollup::is_achieved(conn, &row.id)?;
        d.referral(&old, achieved, -1);
        d.referral(r, achieved, 1);
    }
    if r.outcome.is_some_and(|o| o.achieves(r.purpose)) && rollup::mark_achieved(conn, &row.id)? {
        d.achieved(r);
    }
    d.apply(conn)?;
    append_events(conn, audit)?;
    referral(conn, r.center_id, r.id)?.ok_or(StoreError::Domain(DomainError::NotFound))
}

pub(crate) fn level_changes(
    conn: &mut DbConn,
    center: Uuid,
    referral_id: Uuid,
) -> R<Vec<LevelChange>> {
    let rows: Vec<LevelChangeRow> = referral_level_changes::table
        .filter(referral_level_changes::referral_id.eq(referral_id.to_string()))
        .filter(referral_level_changes::center_id.eq(center.to_string()))
        .order((
            referral_level_changes::changed_at.asc(),
            referral_level_changes::id.asc(),
        ))
        .select(LevelChangeRow::as_select())
        .load(conn)?;
    convert(rows, LevelChangeRow::into_entity)
}

pub(crate) fn provisions(conn: &mut DbConn, center: Uuid, patient_id: Uuid) -> R<Vec<Provision>> {
    let rows: Vec<ProvisionRow> = data_provisions::table
        .filter(data_provisions::patient_id.eq(patient_id.to_string()))
        .filter(data_provisions::center_id.eq(center.to_string()))
        .order((
            data_provisions::provided_on.asc(),
            data_provisions::id.asc(),
        ))
        .select(ProvisionRow::as_select())
        .load(conn)?;
    convert(rows, ProvisionRow::into_entity)
}

// --- follow-ups --------------------------------------------------------------------------

pub(crate) fn insert_follow_up(
    conn: &mut DbConn,
    f: &FollowUp,
    audit: &AuditDraft,
) -> R<DateTime<Utc>> {
    let stamp = change_stamp(conn, f.updated_at)?;
    let mut row = FollowUpRow::from_entity(f);
    row.updated_at = stamp;
    diesel::insert_into(follow_ups::table)
        .values(row)
        .execute(conn)?;
    append_events(conn, std::slice::from_ref(audit))?;
    Ok(utc(stamp))
}

type ViewRow = (
    FollowUpRow,
    String,
    String,
    String,
    String,
    String,
    String,
    String,
);

fn view(row: ViewRow) -> Result<FollowUpView, DomainError> {
    let (f, case_number, family, given, agency_id, agency_name, agency_type, level) = row;
    Ok(FollowUpView {
        follow_up: f.into_entity()?,
        case_number,
        patient_name: format!("{family} {given}"),
        agency_id: uuid("referrals.agency_id", &agency_id)?,
        agency_name,
        agency_type: AgencyType::from_db(&agency_type).ok_or_else(|| {
            DomainError::Internal("stored agencies.agency_type is not a known value".into())
        })?,
        level: Level::from_db(&level).ok_or_else(|| {
            DomainError::Internal("stored referrals.level is not a known value".into())
        })?,
    })
}

/// Follow-ups with their patient, agency and level, read in one query.
macro_rules! follow_up_views {
    () => {
        follow_ups::table
            .inner_join(patients::table)
            .inner_join(referrals::table.inner_join(agencies::table))
            .select((
                FollowUpRow::as_select(),
                patients::case_number,
                patients::family_name,
                patients::given_name,
                referrals::agency_id,
                agencies::name,
                agencies::agency_type,
                referrals::level,
            ))
    };
}

pub(crate) fn follow_up(conn: &mut DbConn, center: Uuid, id: Uuid) -> R<Option<FollowUpView>> {
    let row: Option<ViewRow> = follow_up_views!()
        .filter(follow_ups::id.eq(id.to_string()))
        .filter(follow_ups::center_id.eq(center.to_string()))
        .first(conn)
        .optional()?;
    Ok(row.map(view).transpose()?)
}

pub(crate) fn follow_ups_page(
    conn: &mut DbConn,
    center: Uuid,
    f: &FollowUpFilter,
    req: &PageRequest,
) -> R<Page<FollowUpView>> {
    use follow_ups::dsl as fu;
    let mut q = follow_up_views!()
        .filter(fu::center_id.eq(center.to_string()))
        .limit(req.limit + 1)
        .into_boxed();
    let open = fu::done_on.is_null().and(fu::cancelled_on.is_null());
    let sync = req.updated_since.is_some();
    let cursor = if sync { None } else { cursor_date(req)? };
    match f.state {
        FollowUpState::Done => {
            q = q
                .filter(fu::done_on.is_not_null())
                .order((fu::done_on.desc(), fu::id.desc()));
            if let Some((d, id)) = cursor {
                q = q.filter(fu::done_on.lt(d).or(fu::done_on.eq(d).and(fu::id.lt(id))));
            }
        }
        state => {
            q = match state {
                FollowUpState::Open => q.filter(open),
                FollowUpState::Due => q.filter(open).filter(fu::due_on.ge(f.today)),
                FollowUpState::Overdue => q.filter(open).filter(fu::due_on.lt(f.today)),
                FollowUpState::All | FollowUpState::Done => q,
            };
            q = q.order((fu::due_on.asc(), fu::id.asc()));
            if let Some((d, id)) = cursor {
                q = q.filter(fu::due_on.gt(d).or(fu::due_on.eq(d).and(fu::id.gt(id))));
            }
        }
    }
    if let Some(a) = f.assignee {
        q = q.filter(fu::assignee_id.eq(a.to_string()));
    }
    if let Some(r) = f.referral_id {
        q = q.filter(fu::referral_id.eq(r.to_string()));
    }
    if let Some(p) = f.patient_id {
        q = q.filter(fu::patient_id.eq(p.to_string()));
    }
    if let Some(d) = f.due_before {
        q = q.filter(fu::due_on.lt(d));
    }
    if let Some(since) = req.updated_since {
        q = q
            .filter(fu::updated_at.gt(naive(since)))
            .order((fu::updated_at.asc(), fu::id.asc()));
        if let Some((t, id)) = cursor_time(req)? {
            q = q.filter(
                fu::updated_at
                    .gt(t)
                    .or(fu::updated_at.eq(t).and(fu::id.gt(id))),
            );
        }
    }
    let rows: Vec<ViewRow> = q.load(conn)?;
    let items = convert(rows, view)?;
    let done = f.state == FollowUpState::Done;
    Ok(Page::from_rows_keyed(items, req, |x| {
        if sync {
            return (time_key(x.follow_up.updated_at), x.follow_up.id);
        }
        let d = if done {
            x.follow_up.done_on.unwrap_or(x.follow_up.due_on)
        } else {
            x.follow_up.due_on
        };
        (d.to_string(), x.follow_up.id)
    }))
}

pub(crate) fn save_follow_up(
    conn: &mut DbConn,
    f: &FollowUp,
    expected_version: i32,
    next: Option<&FollowUp>,
    review_pending: bool,
    audit: &[AuditDraft],
) -> R<FollowUp> {
    let stamp = change_stamp(conn, f.updated_at)?;
    let mut row = FollowUpRow::from_entity(f);
    row.updated_at = stamp;
    let n = diesel::update(
        follow_ups::table
            .filter(follow_ups::id.eq(&row.id))
            .filter(follow_ups::center_id.eq(&row.center_id))
            .filter(follow_ups::version.eq(expected_version)),
    )
    .set((
        follow_ups::assignee_id.eq(&row.assignee_id),
        follow_ups::due_on.eq(row.due_on),
        follow_ups::done_on.eq(row.done_on),
        follow_ups::method.eq(&row.method),
        follow_ups::contacted.eq(&row.contacted),
        follow_ups::outcome.eq(&row.outcome),
        follow_ups::notes.eq(&row.notes),
        follow_ups::next_due_on.eq(row.next_due_on),
        follow_ups::recorded_by.eq(&row.recorded_by),
        follow_ups::version.eq(expected_version + 1),
        follow_ups::updated_at.eq(row.updated_at),
    ))
    .execute(conn)?;
    if n == 0 {
        return Err(missing_or_stale(
            follow_up(conn, f.center_id, f.id)?.is_some(),
        ));
    }
    if let Some(next) = next {
        let mut next = FollowUpRow::from_entity(next);
        next.updated_at = stamp;
        diesel::insert_into(follow_ups::table)
            .values(next)
            .execute(conn)?;
    }
    if review_pending {
        // Supervision metadata, not the consultant's content: the referral's version (its
        // ETag for edits) stays, so recording a follow-up does not invalidate an open form.
        diesel::update(
            referrals::table
                .filter(referrals::id.eq(&row.referral_id))
                .filter(referrals::review_state.ne("pending")),
        )
        .set((
            referrals::review_state.eq("pending"),
            referrals::updated_at.eq(stamp),
        ))
        .execute(conn)?;
    }
    if let Some(outcome) = f.outcome
        && let Some(r) = referral(conn, f.center_id, f.referral_id)?
        && outcome.achieves(r.purpose)
        && rollup::mark_achieved(conn, &row.referral_id)?
    {
        let mut d = Deltas::default();
        d.achieved(&r);
        d.apply(conn)?;
    }
    append_events(conn, audit)?;
    follow_up(conn, f.center_id, f.id)?
        .map(|v| v.follow_up)
        .ok_or(StoreError::Domain(DomainError::NotFound))
}

pub(crate) fn count_done_follow_ups(conn: &mut DbConn, center: Uuid, referral_id: Uuid) -> R<i64> {
    Ok(follow_ups::table
        .filter(follow_ups::referral_id.eq(referral_id.to_string()))
        .filter(follow_ups::center_id.eq(center.to_string()))
        .filter(follow_ups::done_on.is_not_null())
        .count()
        .get_result(conn)?)
}

pub(crate) fn case_history(conn: &mut DbConn, center: Uuid, patient_id: Uuid) -> R<CaseHistory> {
    let c = center.to_string();
    let p = patient_id.to_string();
    let consultations: Vec<ConsultationRow> = consultations::table
        .filter(consultations::patient_id.eq(&p))
        .filter(consultations::center_id.eq(&c))
        .order(consultations::occurred_at.asc())
        .select(ConsultationRow::as_select())
        .load(conn)?;
    let referral_rows: Vec<ReferralRow> = referrals::table
        .filter(referrals::patient_id.eq(&p))
        .filter(referrals::center_id.eq(&c))
        .order(referrals::referred_on.asc())
        .select(ReferralRow::as_select())
        .load(conn)?;
    let referral_ids: Vec<String> = referral_rows.iter().map(|r| r.id.clone()).collect();
    let level_rows: Vec<LevelChangeRow> = referral_level_changes::table
        .filter(referral_level_changes::referral_id.eq_any(&referral_ids))
        .filter(referral_level_changes::center_id.eq(&c))
        .order(referral_level_changes::changed_at.asc())
        .select(LevelChangeRow::as_select())
        .load(conn)?;
    let follow_rows: Vec<ViewRow> = follow_up_views!()
        .filter(follow_ups::patient_id.eq(&p))
        .filter(follow_ups::center_id.eq(&c))
        .order(follow_ups::due_on.asc())
        .load(conn)?;
    Ok(CaseHistory {
        consents: consents_of(conn, center, patient_id)?,
        consultations: convert(consultations, ConsultationRow::into_entity)?,
        referrals: convert(referral_rows, ReferralRow::into_entity)?,
        level_changes: convert(level_rows, LevelChangeRow::into_entity)?,
        follow_ups: convert(follow_rows, view)?,
        provisions: provisions(conn, center, patient_id)?,
    })
}
