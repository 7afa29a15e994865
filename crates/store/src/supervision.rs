//! The SQL of supervision: reviews, the audit queue's candidates and the summary's counts.

use crate::DieselStore;
use crate::audit::{append_event, change_stamp};
use crate::error::{StoreError, missing_or_stale, not_found};
use crate::referral_rows::{ReferralRow, referral};
use crate::rows::{naive, uuid};
use crate::schema::{agencies, follow_ups, patients, referrals, reviews};
use chrono::NaiveDate;
use diesel::dsl::{count_star, min};
use diesel::prelude::*;
use std::collections::HashMap;
use tsunagu_domain::DomainError;
use tsunagu_domain::audit::AuditDraft;
use tsunagu_domain::entities::{QueueRow, Referral, Review};
use tsunagu_domain::ports::{StoreResult, SummaryCounts, SupervisionStore};
use tsunagu_domain::values::{AgencyType, Level, ReviewDecision, ReviewState};
use uuid::Uuid;

/// A review as read: id, center, referral, reviewer, decision, comment, time.
type ReviewTuple = (
    String,
    String,
    String,
    String,
    String,
    Option<String>,
    chrono::NaiveDateTime,
);

diesel::define_sql_function! {
    /// `substr(text, start, length)`: the same on SQLite and PostgreSQL.
    fn substr(s: diesel::sql_types::Text, start: diesel::sql_types::Integer, len: diesel::sql_types::Integer) -> diesel::sql_types::Text;
}

fn bad(what: &str) -> StoreError {
    StoreError::Domain(DomainError::Internal(format!(
        "stored {what} is not a known value"
    )))
}

impl SupervisionStore for DieselStore {
    #[tracing::instrument(level = "debug", skip_all, fields(center = %rv.center_id, referral = %rv.referral_id))]
    fn insert_review(
        &self,
        rv: &Review,
        state: ReviewState,
        expected_version: i32,
        audit: &AuditDraft,
    ) -> StoreResult<Referral> {
        self.write(|conn| {
            let stamp = change_stamp(conn, rv.created_at)?;
            let center = rv.center_id.to_string();
            let rid = rv.referral_id.to_string();
            let n = diesel::update(
                referrals::table
                    .filter(referrals::id.eq(&rid))
                    .filter(referrals::center_id.eq(&center))
                    .filter(referrals::version.eq(expected_version)),
            )
            .set((
                referrals::review_state.eq(state.as_str()),
                referrals::version.eq(expected_version + 1),
                referrals::updated_at.eq(stamp),
            ))
            .execute(conn)?;
            if n == 0 {
                return Err(missing_or_stale(
                    referral(conn, rv.center_id, rv.referral_id)?.is_some(),
                ));
            }
            diesel::insert_into(reviews::table)
                .values((
                    reviews::id.eq(rv.id.to_string()),
                    reviews::center_id.eq(&center),
                    reviews::referral_id.eq(&rid),
                    reviews::reviewer_id.eq(rv.reviewer_id.to_string()),
                    reviews::decision.eq(rv.decision.as_str()),
                    reviews::comment.eq(&rv.comment),
                    reviews::created_at.eq(naive(rv.created_at)),
                ))
                .execute(conn)?;
            append_event(conn, &self.keys, audit)?;
            referral(conn, rv.center_id, rv.referral_id)?.ok_or_else(not_found)
        })
    }

    #[tracing::instrument(level = "debug", skip_all, fields(%center, referral = %referral_id))]
    fn reviews(&self, center: Uuid, referral_id: Uuid) -> StoreResult<Vec<Review>> {
        self.read(|conn| {
            let rows: Vec<ReviewTuple> = reviews::table
                .filter(reviews::referral_id.eq(referral_id.to_string()))
                .filter(reviews::center_id.eq(center.to_string()))
                .order((reviews::created_at.asc(), reviews::id.asc()))
                .select((
                    reviews::id,
                    reviews::center_id,
                    reviews::referral_id,
                    reviews::reviewer_id,
                    reviews::decision,
                    reviews::comment,
                    reviews::created_at,
                ))
                .load(conn)?;
            rows.into_iter()
                .map(|(id, c, r, who, d, comment, at)| {
                    Ok(Review {
                        id: uuid("reviews.id", &id)?,
                        center_id: uuid("reviews.center_id", &c)?,
                        referral_id: uuid("reviews.referral_id", &r)?,
                        reviewer_id: uuid("reviews.reviewer_id", &who)?,
                        decision: ReviewDecision::from_db(&d)
                            .ok_or_else(|| bad("reviews.decision"))?,
                        comment,
                        created_at: at.and_utc(),
                    })
                })
                .collect()
        })
    }

    #[tracing::instrument(level = "debug", skip_all, fields(%center, referral = %referral_id))]
    fn follow_up_recorders(&self, center: Uuid, referral_id: Uuid) -> StoreResult<Vec<Uuid>> {
        self.read(|conn| {
            let rows: Vec<Option<String>> = follow_ups::table
                .filter(follow_ups::referral_id.eq(referral_id.to_string()))
                .filter(follow_ups::center_id.eq(center.to_string()))
                .filter(follow_ups::recorded_by.is_not_null())
                .select(follow_ups::recorded_by)
                .distinct()
                .load(conn)?;
            rows.into_iter()
                .flatten()
                .map(|s| uuid("follow_ups.recorded_by", &s).map_err(StoreError::from))
                .collect()
        })
    }

    #[tracing::instrument(level = "debug", skip_all, fields(%center, sample_percent = sample_percent))]
    fn queue_rows(
        &self,
        center: Uuid,
        escalate_before: NaiveDate,
        sample_since: NaiveDate,
        sample_percent: i32,
    ) -> StoreResult<Vec<QueueRow>> {
        self.read(|conn| {
            let c = center.to_string();
            let level4 = Level::AccompaniedWithFollowUp.as_str();
            let escalated = follow_ups::table
                .filter(follow_ups::center_id.eq(c.clone()))
                .filter(follow_ups::done_on.is_null())
                .filter(follow_ups::cancelled_on.is_null())
                .filter(follow_ups::due_on.lt(escalate_before))
                .select(follow_ups::referral_id);
            // The sample: the id's last 16 bits (random in a UUID v7) below the percentage, the
            // same test as `tsunagu_domain::supervision::sampled`.
            let limit = u32::try_from(sample_percent.clamp(0, 100)).unwrap_or(0) * 65_536 / 100;
            let hex_limit = if limit >= 65_536 {
                "g".to_owned()
            } else {
                format!("{limit:04x}")
            };
            let rows: Vec<(ReferralRow, String, String, String, String)> = referrals::table
                .inner_join(patients::table)
                .inner_join(agencies::table)
                .filter(referrals::center_id.eq(c.clone()))
                .filter(
                    referrals::level
                        .eq(level4)
                        .and(referrals::status.eq("open"))
                        .or(referrals::review_state.eq_any(["pending", "returned"]))
                        .or(referrals::id.eq_any(escalated))
                        .or(referrals::level
                            .ne(level4)
                            .and(referrals::review_state.eq("none"))
                            .and(referrals::referred_on.ge(sample_since))
                            .and(substr(referrals::id, 33, 4).lt(hex_limit))),
                )
                .select((
                    ReferralRow::as_select(),
                    patients::case_number,
                    patients::family_name,
                    patients::given_name,
                    agencies::name,
                ))
                .load(conn)?;
            let ids: Vec<String> = rows.iter().map(|r| r.0.id.clone()).collect();
            let mut open: HashMap<String, (i64, Option<NaiveDate>)> = HashMap::new();
            for chunk in ids.chunks(30_000) {
                let agg: Vec<(String, i64, Option<NaiveDate>)> = follow_ups::table
                    .filter(follow_ups::center_id.eq(c.clone()))
                    .filter(follow_ups::referral_id.eq_any(chunk))
                    .filter(follow_ups::done_on.is_null())
                    .filter(follow_ups::cancelled_on.is_null())
                    .group_by(follow_ups::referral_id)
                    .select((
                        follow_ups::referral_id,
                        count_star(),
                        min(follow_ups::due_on),
                    ))
                    .load(conn)?;
                for (id, n, due) in agg {
                    open.insert(id, (n, due));
                }
            }
            rows.into_iter()
                .map(|(r, case_number, family, given, agency_name)| {
                    let (n, due) = open.get(&r.id).copied().unwrap_or((0, None));
                    Ok(QueueRow {
                        referral: r.into_entity()?,
                        case_number,
                        patient_name: format!("{family} {given}"),
                        agency_name,
                        open_follow_ups: n,
                        earliest_open_due: due,
                    })
                })
                .collect()
        })
    }

    #[tracing::instrument(level = "debug", skip_all, fields(%center, %from, %to))]
    fn summary_counts(
        &self,
        center: Uuid,
        from: NaiveDate,
        to: NaiveDate,
        today: NaiveDate,
    ) -> StoreResult<SummaryCounts> {
        self.read(|conn| {
            let c = center.to_string();
            let id = |s: &str| uuid("summary", s).map_err(StoreError::from);
            let at = |s: &str| AgencyType::from_db(s).ok_or_else(|| bad("agency_type"));
            let mut out = SummaryCounts::default();

            let rows: Vec<(String, String, String, i64)> = referrals::table
                .filter(referrals::center_id.eq(&c))
                .filter(referrals::referred_on.between(from, to))
                .group_by((
                    referrals::consultant_id,
                    referrals::agency_type,
                    referrals::level,
                ))
                .select((
                    referrals::consultant_id,
                    referrals::agency_type,
                    referrals::level,
                    count_star(),
                ))
                .load(conn)?;
            for (who, t, l, n) in rows {
                out.referrals.push((
                    id(&who)?,
                    at(&t)?,
                    Level::from_db(&l).ok_or_else(|| bad("level"))?,
                    n,
                ));
            }

            let due = || {
                follow_ups::table
                    .inner_join(referrals::table)
                    .filter(follow_ups::center_id.eq(c.clone()))
                    .filter(follow_ups::due_on.between(from, to))
                    .filter(follow_ups::cancelled_on.is_null())
            };
            let all: Vec<(String, String, i64)> = due()
                .group_by((follow_ups::assignee_id, referrals::agency_type))
                .select((
                    follow_ups::assignee_id,
                    referrals::agency_type,
                    count_star(),
                ))
                .load(conn)?;
            let on_time: Vec<(String, String, i64)> = due()
                .filter(follow_ups::done_on.le(follow_ups::due_on.nullable()))
                .group_by((follow_ups::assignee_id, referrals::agency_type))
                .select((
                    follow_ups::assignee_id,
                    referrals::agency_type,
                    count_star(),
                ))
                .load(conn)?;
            for (who, t, n) in all {
                let ok = on_time
                    .iter()
                    .find(|(w, tt, _)| *w == who && *tt == t)
                    .map_or(0, |x| x.2);
                out.due.push((id(&who)?, at(&t)?, n, ok));
            }

            let overdue: Vec<(String, String, i64)> = follow_ups::table
                .inner_join(referrals::table)
                .filter(follow_ups::center_id.eq(&c))
                .filter(follow_ups::done_on.is_null())
                .filter(follow_ups::cancelled_on.is_null())
                .filter(follow_ups::due_on.lt(today))
                .group_by((follow_ups::assignee_id, referrals::agency_type))
                .select((
                    follow_ups::assignee_id,
                    referrals::agency_type,
                    count_star(),
                ))
                .load(conn)?;
            for (who, t, n) in overdue {
                out.overdue.push((id(&who)?, at(&t)?, n));
            }

            let firsts: Vec<(String, String, String, NaiveDate, Option<NaiveDate>)> =
                referrals::table
                    .inner_join(follow_ups::table)
                    .filter(referrals::center_id.eq(&c))
                    .filter(referrals::referred_on.between(from, to))
                    .filter(follow_ups::done_on.is_not_null())
                    .group_by((
                        referrals::id,
                        referrals::consultant_id,
                        referrals::agency_type,
                        referrals::referred_on,
                    ))
                    .select((
                        referrals::id,
                        referrals::consultant_id,
                        referrals::agency_type,
                        referrals::referred_on,
                        min(follow_ups::done_on),
                    ))
                    .load(conn)?;
            for (_, who, t, on, first) in firsts {
                if let Some(first) = first {
                    out.first_follow_up_days.push((
                        id(&who)?,
                        at(&t)?,
                        (first - on).num_days().max(0),
                    ));
                }
            }

            let start = from.and_hms_opt(0, 0, 0).unwrap_or_default() - chrono::Duration::hours(9);
            let end = to.and_hms_opt(0, 0, 0).unwrap_or_default() + chrono::Duration::hours(15);
            let returned: Vec<(String, String, i64)> = reviews::table
                .inner_join(referrals::table)
                .filter(reviews::center_id.eq(&c))
                .filter(reviews::decision.eq("returned"))
                .filter(reviews::created_at.ge(start))
                .filter(reviews::created_at.lt(end))
                .group_by((referrals::consultant_id, referrals::agency_type))
                .select((
                    referrals::consultant_id,
                    referrals::agency_type,
                    count_star(),
                ))
                .load(conn)?;
            for (who, t, n) in returned {
                out.returned.push((id(&who)?, at(&t)?, n));
            }
            Ok(out)
        })
    }
}
