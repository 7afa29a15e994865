//! The SQL of supervision: reviews, the audit queue's candidates and the summary's counts.

use crate::DieselStore;
use crate::audit::{append_event, change_stamp};
use crate::db::DbConn;
use crate::error::{R, StoreError, missing_or_stale, not_found};
use crate::paging::bad_cursor;
use crate::referral_rows::{ReferralRow, referral};
use crate::rows::{naive, uuid};
use crate::schema::{agencies, follow_ups, patients, referrals, reviews};
use chrono::NaiveDate;
use diesel::dsl::{count_star, min};
use diesel::prelude::*;
use diesel::sql_types::{BigInt, Date, Integer, Nullable, Text};
use std::collections::HashMap;
use tsunagu_domain::DomainError;
use tsunagu_domain::audit::AuditDraft;
use tsunagu_domain::entities::{QueueRow, Referral, Review};
use tsunagu_domain::page::{Page, PageRequest};
use tsunagu_domain::ports::{QueuePage, StoreResult, SummaryCounts, SupervisionStore};
use tsunagu_domain::supervision::rules::{QueueBounds, sample_hex_limit};
use tsunagu_domain::supervision::{QueueFilter, QueueReason};
use tsunagu_domain::values::{AgencyType, Level, ReferralStatus, ReviewDecision, ReviewState};
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

/// A referral of the audit queue with its sort key (see [`queue_sql`]).
#[derive(QueryableByName)]
struct QueueKey {
    #[diesel(sql_type = Text)]
    id: String,
    #[diesel(sql_type = Integer)]
    rank: i32,
    #[diesel(sql_type = Date)]
    overdue_key: NaiveDate,
    #[diesel(sql_type = Date)]
    referred_on: NaiveDate,
    #[diesel(sql_type = BigInt)]
    open_follow_ups: i64,
    #[diesel(sql_type = Nullable<Date>)]
    earliest_open_due: Option<NaiveDate>,
}

/// The whole queue's size and how many referrals carry each reason, in
/// [`QueueReason::ALL`]'s order.
#[derive(QueryableByName)]
struct QueueCounts {
    #[diesel(sql_type = BigInt)]
    total: i64,
    #[diesel(sql_type = BigInt)]
    r0: i64,
    #[diesel(sql_type = BigInt)]
    r1: i64,
    #[diesel(sql_type = BigInt)]
    r2: i64,
    #[diesel(sql_type = BigInt)]
    r3: i64,
    #[diesel(sql_type = BigInt)]
    r4: i64,
    #[diesel(sql_type = BigInt)]
    r5: i64,
}

impl QueueCounts {
    fn by_reason(&self) -> [i64; 6] {
        [self.r0, self.r1, self.r2, self.r3, self.r4, self.r5]
    }
}

/// The referrals of the queue, each with a 0/1 column per reason in [`QueueReason::ALL`]'s
/// order (`r0` … `r5`): [`tsunagu_domain::supervision::rules::queue_reasons`] in SQL, so the
/// database can count, order and page the queue. `$1` center, `$2` escalate before, `$3`
/// today, `$4` sample since, `$5` the sample's hex bound; the supervisor's filters `$6`
/// level, `$7` consultant, `$8` agency type, `$9` referred from, `$10` referred to (each
/// NULL when not given). The first WHERE only narrows the scan to referrals that can have a
/// reason.
fn queue_cte() -> String {
    let four = Level::AccompaniedWithFollowUp.as_str();
    let open = ReferralStatus::Open.as_str();
    let (none, pending, returned) = (
        ReviewState::None.as_str(),
        ReviewState::Pending.as_str(),
        ReviewState::Returned.as_str(),
    );
    format!(
        "WITH open_fu AS (
             SELECT referral_id, COUNT(*) AS n, MIN(due_on) AS due FROM follow_ups
             WHERE center_id = $1 AND done_on IS NULL AND cancelled_on IS NULL
             GROUP BY referral_id
         ), flagged AS (
             SELECT r.id, r.referred_on, COALESCE(o.n, 0) AS open_follow_ups,
                    o.due AS earliest_open_due,
                    CASE WHEN o.due < $2 THEN 1 ELSE 0 END AS r0,
                    CASE WHEN r.level = '{four}' AND r.status = '{open}' AND o.due < $3
                         THEN 1 ELSE 0 END AS r1,
                    CASE WHEN r.level = '{four}' AND r.status = '{open}' AND o.referral_id IS NULL
                         THEN 1 ELSE 0 END AS r2,
                    CASE WHEN r.review_state = '{returned}' THEN 1 ELSE 0 END AS r3,
                    CASE WHEN r.review_state = '{pending}' THEN 1 ELSE 0 END AS r4,
                    CASE WHEN r.review_state = '{none}' AND r.level <> '{four}'
                              AND r.referred_on >= $4 AND substr(r.id, 33, 4) < $5
                         THEN 1 ELSE 0 END AS r5
             FROM referrals r LEFT JOIN open_fu o ON o.referral_id = r.id
             WHERE r.center_id = $1
               AND ((r.level = '{four}' AND r.status = '{open}')
                    OR r.review_state IN ('{pending}', '{returned}')
                    OR o.due < $2
                    OR (r.level <> '{four}' AND r.review_state = '{none}' AND r.referred_on >= $4))
               AND ($6 IS NULL OR r.level = $6)
               AND ($7 IS NULL OR r.consultant_id = $7)
               AND ($8 IS NULL OR r.agency_type = $8)
               AND ($9 IS NULL OR r.referred_on >= $9)
               AND ($10 IS NULL OR r.referred_on <= $10)
         ), queued AS (
             SELECT * FROM flagged WHERE r0 + r1 + r2 + r3 + r4 + r5 > 0
         ) "
    )
}

/// SQLite numbers its parameters `?1`; PostgreSQL `$1`: the SQL is written for PostgreSQL.
fn numbered_for(conn: &DbConn, sql: String) -> String {
    match conn {
        DbConn::Sqlite(_) => sql.replace('$', "?"),
        DbConn::Pg(_) => sql,
    }
}

/// A page of the queue in its order (most urgent reason, longest overdue, oldest referral,
/// id), after the cursor's `($11 rank, $12 overdue key, $13 referred on, $14 id)` when there
/// is one; only referrals carrying `reason` when one is asked for; one row more than the
/// page says another page follows.
fn queue_sql(conn: &DbConn, reason: Option<QueueReason>, after: bool, limit: i64) -> String {
    let ranks = (0..6)
        .map(|i| format!("WHEN r{i} = 1 THEN {i}"))
        .collect::<Vec<_>>()
        .join(" ");
    let after = if after {
        "WHERE rank > $11 OR (rank = $11 AND (overdue_key > $12 OR (overdue_key = $12
           AND (referred_on > $13 OR (referred_on = $13 AND id > $14)))))"
    } else {
        ""
    };
    numbered_for(
        conn,
        format!(
            "{cte} , ranked AS (
                 SELECT id, referred_on, open_follow_ups, earliest_open_due,
                        CASE {ranks} END AS rank,
                        CASE WHEN earliest_open_due < $3 THEN earliest_open_due ELSE $3 END
                            AS overdue_key
                 FROM queued {carrying}
             )
             SELECT id, rank, overdue_key, referred_on, open_follow_ups, earliest_open_due
             FROM ranked {after}
             ORDER BY rank, overdue_key, referred_on, id
             LIMIT {limit}",
            cte = queue_cte(),
            // The reason's rank is a number from the enum, never input text.
            carrying = reason.map_or(String::new(), |r| format!("WHERE r{} = 1", r.rank())),
            limit = limit.saturating_add(1),
        ),
    )
}

fn queue_counts_sql(conn: &DbConn) -> String {
    let sums = (0..6)
        .map(|i| format!("COALESCE(SUM(r{i}), 0) AS r{i}"))
        .collect::<Vec<_>>()
        .join(", ");
    numbered_for(
        conn,
        format!(
            "{cte} SELECT COUNT(*) AS total, {sums} FROM queued",
            cte = queue_cte()
        ),
    )
}

/// Binds the queue's five parameters, `$1` … `$5` of [`queue_cte`]. A macro because each
/// bind changes the query's type.
macro_rules! bind_bounds {
    ($q:expr, $center:expr, $b:expr, $f:expr) => {
        $q.bind::<Text, _>($center.to_owned())
            .bind::<Date, _>($b.escalate_before)
            .bind::<Date, _>($b.today)
            .bind::<Date, _>($b.sample_since)
            .bind::<Text, _>(sample_hex_limit($b.sample_percent))
            .bind::<Nullable<Text>, _>($f.level.map(|l| l.as_str().to_owned()))
            .bind::<Nullable<Text>, _>($f.consultant_id.map(|u| u.to_string()))
            .bind::<Nullable<Text>, _>($f.agency_type.map(|t| t.as_str().to_owned()))
            .bind::<Nullable<Date>, _>($f.from)
            .bind::<Nullable<Date>, _>($f.to)
    };
}

/// The cursor of a queue page: `RANK_OVERDUEKEY_REFERREDON~ID`.
fn queue_cursor(page: &PageRequest) -> R<Option<(i32, NaiveDate, NaiveDate, String)>> {
    let bad = bad_cursor;
    match (&page.after_key, page.after) {
        (None, None) => Ok(None),
        (Some(k), Some(id)) => {
            let mut parts = k.as_str().split('_');
            let (Some(rank), Some(due), Some(on), None) =
                (parts.next(), parts.next(), parts.next(), parts.next())
            else {
                return Err(bad());
            };
            let rank = rank
                .parse::<i32>()
                .ok()
                .filter(|r| QueueReason::from_rank(*r).is_some());
            let date = |s: &str| NaiveDate::parse_from_str(s, "%Y-%m-%d").ok();
            match (rank, date(due), date(on)) {
                (Some(r), Some(d), Some(o)) => Ok(Some((r, d, o, id.to_string()))),
                _ => Err(bad()),
            }
        }
        _ => Err(bad()),
    }
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
            let stamp = change_stamp(conn, rv.center_id, rv.created_at)?;
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

    #[tracing::instrument(level = "debug", skip_all, fields(%center, limit = page.limit))]
    fn queue_page(
        &self,
        center: Uuid,
        bounds: &QueueBounds,
        filter: &QueueFilter,
        page: &PageRequest,
    ) -> StoreResult<QueuePage> {
        let after = queue_cursor(page)?;
        self.read(|conn| {
            let c = center.to_string();
            let (page_sql, counts_sql) = (
                queue_sql(conn, filter.reason, after.is_some(), page.limit),
                queue_counts_sql(conn),
            );
            let keys: Vec<QueueKey> = per_backend!(conn, conn => {
                let q = diesel::sql_query(page_sql);
                let q = bind_bounds!(q, &c, bounds, filter);
                match &after {
                    Some((rank, due, on, id)) => q
                        .bind::<Integer, _>(*rank)
                        .bind::<Date, _>(*due)
                        .bind::<Date, _>(*on)
                        .bind::<Text, _>(id.clone())
                        .load(conn)?,
                    None => q.load(conn)?,
                }
            });
            let counts: QueueCounts = per_backend!(conn, conn => {
                bind_bounds!(diesel::sql_query(counts_sql), &c, bounds, filter).get_result(conn)?
            });

            let ids: Vec<&str> = keys.iter().map(|k| k.id.as_str()).collect();
            let mut full: HashMap<String, (ReferralRow, String, String, String, String)> =
                referrals::table
                    .inner_join(patients::table)
                    .inner_join(agencies::table)
                    .filter(referrals::center_id.eq(&c))
                    .filter(referrals::id.eq_any(&ids))
                    .select((
                        ReferralRow::as_select(),
                        patients::case_number,
                        patients::family_name,
                        patients::given_name,
                        agencies::name,
                    ))
                    .load::<(ReferralRow, String, String, String, String)>(conn)?
                    .into_iter()
                    .map(|r| (r.0.id.clone(), r))
                    .collect();
            let mut rows = Vec::with_capacity(keys.len());
            for k in keys {
                let (r, case_number, family, given, agency_name) =
                    full.remove(&k.id).ok_or_else(not_found)?;
                let key = format!("{}_{}_{}", k.rank, k.overdue_key, k.referred_on);
                rows.push((
                    QueueRow {
                        referral: r.into_entity()?,
                        case_number,
                        patient_name: format!("{family} {given}"),
                        agency_name,
                        open_follow_ups: k.open_follow_ups,
                        earliest_open_due: k.earliest_open_due,
                    },
                    key,
                ));
            }
            let rows =
                Page::from_rows_keyed(rows, page, |(row, key)| (key.clone(), row.referral.id))
                    .map(|(row, _)| row);
            let by_reason = QueueReason::ALL
                .into_iter()
                .zip(counts.by_reason())
                .filter(|(_, n)| *n > 0)
                .collect();
            // With a reason chosen, the queue is the referrals carrying it.
            let total = match filter.reason {
                Some(r) => usize::try_from(r.rank())
                    .ok()
                    .and_then(|i| counts.by_reason().get(i).copied())
                    .unwrap_or(0),
                None => counts.total,
            };
            Ok(QueuePage {
                rows,
                total,
                by_reason,
            })
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
