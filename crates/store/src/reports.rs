//! The SQL of the reports: sums over the rollups (see `rollup.rs`), and, for periods that
//! are not a fiscal year, distinct counts over the records themselves.

use crate::DieselStore;
use crate::db::DbConn;
use crate::error::{R, StoreError};
use crate::rows::uuid;
use crate::schema::{
    centers, consultation_counts, consultation_patients, consultations, follow_ups, patients,
    referral_counts, referral_outcome_totals, referrals, shoman_needs, support_plan_actions,
    support_plan_reviews, support_plans,
};
use chrono::{DateTime, NaiveDate, Utc};
use diesel::dsl::{count, count_star, sum};
use diesel::prelude::*;
use tsunagu_domain::DomainError;
use tsunagu_domain::clock::tokyo_date;
use tsunagu_domain::ports::{ReportStore, StoreResult};
use tsunagu_domain::reports::{
    DimCount, OutcomeCount, Period, PlanFacts, PlanReviewFact, ReferralCount, ReportScope,
};
use tsunagu_domain::values::{
    ActionState, AgencyType, Level, NeedKind, NeedStatus, Purpose, ReviewDecision, ShomanMenu,
    ShomanRequester, SupportAwareness,
};
use uuid::Uuid;

fn bad(what: &str) -> StoreError {
    StoreError::Domain(DomainError::Internal(format!(
        "stored {what} is not a known value"
    )))
}

/// The centers a scope covers, as stored ids.
pub(crate) fn center_ids(conn: &mut DbConn, scope: &ReportScope) -> R<Vec<String>> {
    match scope {
        ReportScope::Center(c) => Ok(vec![c.to_string()]),
        ReportScope::Centers {
            prefecture_code,
            administration_id,
        } => {
            let mut q = centers::table.select(centers::id).into_boxed();
            if let Some(p) = prefecture_code {
                q = q.filter(centers::prefecture_code.eq(p.clone()));
            }
            if let Some(a) = administration_id {
                q = q.filter(centers::administration_id.eq(a.to_string()));
            }
            Ok(q.order(centers::id.asc()).load(conn)?)
        }
    }
}

/// Rows of referred and of achieved patients, side by side; the domain sums them per agency
/// type and purpose (across centers too).
fn merge(
    referred: Vec<(String, String, i64)>,
    achieved: Vec<(String, String, i64)>,
    parse: impl Fn(&str, &str) -> R<(AgencyType, Purpose)>,
) -> R<Vec<OutcomeCount>> {
    let mut out = Vec::with_capacity(referred.len() + achieved.len());
    for (rows, is_achieved) in [(referred, false), (achieved, true)] {
        for (at, p, n) in rows {
            let (agency_type, purpose) = parse(&at, &p)?;
            out.push(OutcomeCount {
                agency_type,
                purpose,
                referred: if is_achieved { 0 } else { n },
                achieved: if is_achieved { n } else { 0 },
            });
        }
    }
    Ok(out)
}

impl ReportStore for DieselStore {
    #[tracing::instrument(level = "debug", skip_all, fields(?scope, from = %period.from, to = %period.to))]
    fn shoman_plan_facts(&self, scope: &ReportScope, period: &Period) -> StoreResult<PlanFacts> {
        self.read(|conn| {
            let ids = center_ids(conn, scope)?;
            let (from, to) = period.utc_range();
            let written: i64 = support_plans::table
                .filter(support_plans::center_id.eq_any(&ids))
                .filter(support_plans::created_at.ge(from.naive_utc()))
                .filter(support_plans::created_at.lt(to.naive_utc()))
                .select(count_star())
                .first(conn)?;
            use support_plan_reviews::dsl as r;
            let rows: Vec<(String, String, chrono::NaiveDateTime, Option<NaiveDate>)> =
                r::support_plan_reviews
                    .filter(r::center_id.eq_any(&ids))
                    .filter(
                        r::created_at
                            .ge(from.naive_utc())
                            .or(r::review_due_on.between(period.from, period.to)),
                    )
                    .select((r::plan_id, r::decision, r::created_at, r::review_due_on))
                    .load(conn)?;
            let reviews = rows
                .into_iter()
                .map(|(plan, decision, at, due)| {
                    Ok(PlanReviewFact {
                        plan_id: uuid("support_plan_reviews.plan_id", &plan)?,
                        approved: ReviewDecision::from_db(&decision)
                            .ok_or_else(|| bad("support_plan_reviews.decision"))?
                            == ReviewDecision::Approved,
                        reviewed_on: tokyo_date(at.and_utc()),
                        review_due_on: due,
                    })
                })
                .collect::<R<Vec<_>>>()?;
            let states: Vec<String> = support_plan_actions::table
                .filter(support_plan_actions::center_id.eq_any(&ids))
                .filter(support_plan_actions::due_on.between(period.from, period.to))
                .select(support_plan_actions::state)
                .load(conn)?;
            let actions = states
                .iter()
                .map(|s| ActionState::from_db(s).ok_or_else(|| bad("support_plan_actions.state")))
                .collect::<R<Vec<_>>>()?;
            // Goals live in their plan's JSON; only those with a day reached are counted.
            let goal_lists: Vec<String> = support_plans::table
                .filter(support_plans::center_id.eq_any(&ids))
                .filter(support_plans::goals.like("%achieved_on%"))
                .select(support_plans::goals)
                .load(conn)?;
            let mut goals_reached = Vec::new();
            for s in &goal_lists {
                let v: serde_json::Value =
                    serde_json::from_str(s).map_err(|_| bad("support_plans.goals"))?;
                for g in v.as_array().map(Vec::as_slice).unwrap_or_default() {
                    if let Some(d) = g.get("achieved_on").and_then(serde_json::Value::as_str) {
                        goals_reached.push(
                            NaiveDate::parse_from_str(d, "%Y-%m-%d")
                                .map_err(|_| bad("support_plans.goals"))?,
                        );
                    }
                }
            }
            Ok(PlanFacts {
                plans_written: written,
                reviews,
                actions,
                goals_reached,
            })
        })
    }

    #[tracing::instrument(level = "debug", skip_all, fields(?scope, %from, %to))]
    fn shoman_consultations(
        &self,
        scope: &ReportScope,
        from: DateTime<Utc>,
        to: DateTime<Utc>,
    ) -> StoreResult<Vec<(ShomanMenu, ShomanRequester, i64)>> {
        self.read(|conn| {
            use consultations::dsl as c;
            let ids = center_ids(conn, scope)?;
            let rows: Vec<(Option<String>, Option<String>, i64)> = c::consultations
                .filter(c::center_id.eq_any(&ids))
                .filter(c::occurred_at.ge(from.naive_utc()))
                .filter(c::occurred_at.lt(to.naive_utc()))
                .filter(c::shoman_menu.is_not_null())
                .filter(c::shoman_requester.is_not_null())
                .group_by((c::shoman_menu, c::shoman_requester))
                .select((c::shoman_menu, c::shoman_requester, count_star()))
                .load(conn)?;
            rows.into_iter()
                .map(|(m, r, n)| {
                    let menu = m
                        .as_deref()
                        .and_then(ShomanMenu::from_db)
                        .ok_or_else(|| bad("shoman_menu"))?;
                    let requester = r
                        .as_deref()
                        .and_then(ShomanRequester::from_db)
                        .ok_or_else(|| bad("shoman_requester"))?;
                    Ok((menu, requester, n))
                })
                .collect()
        })
    }

    #[tracing::instrument(level = "debug", skip_all, fields(?scope))]
    fn report_centers(&self, scope: &ReportScope) -> StoreResult<Vec<Uuid>> {
        self.read(|conn| {
            center_ids(conn, scope)?
                .iter()
                .map(|s| uuid("centers.id", s).map_err(StoreError::from))
                .collect()
        })
    }

    #[tracing::instrument(level = "debug", skip_all, fields(?scope, %from, %to))]
    fn referral_counts(
        &self,
        scope: &ReportScope,
        from: NaiveDate,
        to: NaiveDate,
    ) -> StoreResult<Vec<ReferralCount>> {
        self.read(|conn| {
            use referral_counts::dsl as t;
            let ids = center_ids(conn, scope)?;
            let rows: Vec<(String, String, String, String, Option<i64>)> = t::referral_counts
                .filter(t::center_id.eq_any(&ids))
                .filter(t::day.between(from, to))
                .group_by((t::center_id, t::agency_type, t::purpose, t::level))
                .select((
                    t::center_id,
                    t::agency_type,
                    t::purpose,
                    t::level,
                    sum(t::n),
                ))
                .load(conn)?;
            rows.into_iter()
                .map(|(c, at, p, l, n)| {
                    Ok(ReferralCount {
                        center_id: uuid("referral_counts.center_id", &c)?,
                        agency_type: AgencyType::from_db(&at).ok_or_else(|| bad("agency_type"))?,
                        purpose: Purpose::from_db(&p).ok_or_else(|| bad("purpose"))?,
                        level: Level::from_db(&l).ok_or_else(|| bad("level"))?,
                        n: n.unwrap_or(0),
                    })
                })
                .collect()
        })
    }

    #[tracing::instrument(level = "debug", skip_all, fields(?scope, %from, %to))]
    fn consultation_dims(
        &self,
        scope: &ReportScope,
        from: NaiveDate,
        to: NaiveDate,
    ) -> StoreResult<Vec<DimCount>> {
        self.read(|conn| {
            use consultation_counts::dsl as t;
            let ids = center_ids(conn, scope)?;
            let rows: Vec<(String, String, Option<i64>)> = t::consultation_counts
                .filter(t::center_id.eq_any(&ids))
                .filter(t::day.between(from, to))
                .group_by((t::dim, t::value))
                .select((t::dim, t::value, sum(t::n)))
                .load(conn)?;
            Ok(rows
                .into_iter()
                .map(|(dim, value, n)| DimCount {
                    dim,
                    value,
                    n: n.unwrap_or(0),
                })
                .collect())
        })
    }

    #[tracing::instrument(level = "debug", skip_all, fields(?scope, %from, %to))]
    fn consultation_days(
        &self,
        scope: &ReportScope,
        from: NaiveDate,
        to: NaiveDate,
    ) -> StoreResult<Vec<(NaiveDate, i64)>> {
        self.read(|conn| {
            use consultation_counts::dsl as t;
            let ids = center_ids(conn, scope)?;
            let rows: Vec<(NaiveDate, Option<i64>)> = t::consultation_counts
                .filter(t::center_id.eq_any(&ids))
                .filter(t::day.between(from, to))
                .filter(t::dim.eq("total"))
                .group_by(t::day)
                .select((t::day, sum(t::n)))
                .load(conn)?;
            Ok(rows.into_iter().map(|(d, n)| (d, n.unwrap_or(0))).collect())
        })
    }

    /// Patients with at least one consultation in the period: from the per-year rollup for a
    /// fiscal year, otherwise counted over the consultations.
    #[tracing::instrument(level = "debug", skip_all, fields(?scope, from = %period.from, to = %period.to))]
    fn consulted_patients(&self, scope: &ReportScope, period: &Period) -> StoreResult<i64> {
        self.read(|conn| {
            let ids = center_ids(conn, scope)?;
            if let Some(year) = period.fiscal_year {
                use consultation_patients::dsl as t;
                return Ok(t::consultation_patients
                    .filter(t::center_id.eq_any(&ids))
                    .filter(t::fiscal_year.eq(year))
                    .filter(t::n.gt(0))
                    .select(count_star())
                    .first(conn)?);
            }
            let (from, to) = period.utc_range();
            // Patients are a center's own, so distinct per center adds up across centers.
            let rows: Vec<(String, i64)> = consultations::table
                .filter(consultations::center_id.eq_any(&ids))
                .filter(consultations::occurred_at.ge(from.naive_utc()))
                .filter(consultations::occurred_at.lt(to.naive_utc()))
                .filter(consultations::patient_id.is_not_null())
                .group_by(consultations::center_id)
                .select((
                    consultations::center_id,
                    count(consultations::patient_id).aggregate_distinct(),
                ))
                .load(conn)?;
            Ok(rows.iter().map(|(_, n)| n).sum())
        })
    }

    /// Patients referred per agency type and purpose, and how many of them reached the outcome.
    #[tracing::instrument(level = "debug", skip_all, fields(?scope, from = %period.from, to = %period.to))]
    fn referral_outcomes(
        &self,
        scope: &ReportScope,
        period: &Period,
    ) -> StoreResult<Vec<OutcomeCount>> {
        self.read(|conn| {
            let ids = center_ids(conn, scope)?;
            let parse = |at: &str, p: &str| -> R<(AgencyType, Purpose)> {
                Ok((
                    AgencyType::from_db(at).ok_or_else(|| bad("agency_type"))?,
                    Purpose::from_db(p).ok_or_else(|| bad("purpose"))?,
                ))
            };
            if let Some(year) = period.fiscal_year {
                use referral_outcome_totals::dsl as t;
                let rows: Vec<(String, String, i32, i32)> = t::referral_outcome_totals
                    .filter(t::center_id.eq_any(&ids))
                    .filter(t::fiscal_year.eq(year))
                    .select((t::agency_type, t::purpose, t::patients, t::achieved))
                    .load(conn)?;
                return rows
                    .into_iter()
                    .map(|(at, p, n, a)| {
                        let (agency_type, purpose) = parse(&at, &p)?;
                        Ok(OutcomeCount {
                            agency_type,
                            purpose,
                            referred: i64::from(n),
                            achieved: i64::from(a),
                        })
                    })
                    .collect();
            }
            use referrals::dsl as r;
            // Distinct per center (patients belong to one center), summed in `merge`.
            let referred: Vec<(String, String, i64)> = r::referrals
                .filter(r::center_id.eq_any(&ids))
                .filter(r::referred_on.between(period.from, period.to))
                .group_by((r::center_id, r::agency_type, r::purpose))
                .select((
                    r::agency_type,
                    r::purpose,
                    count(r::patient_id).aggregate_distinct(),
                ))
                .load(conn)?;
            let achieved: Vec<(String, String, i64)> = r::referrals
                .filter(r::center_id.eq_any(&ids))
                .filter(r::referred_on.between(period.from, period.to))
                .filter(r::achieved.eq(true))
                .group_by((r::center_id, r::agency_type, r::purpose))
                .select((
                    r::agency_type,
                    r::purpose,
                    count(r::patient_id).aggregate_distinct(),
                ))
                .load(conn)?;
            merge(referred, achieved, parse)
        })
    }

    #[tracing::instrument(level = "debug", skip_all, fields(?scope, %from, %to))]
    fn support_awareness(
        &self,
        scope: &ReportScope,
        from: DateTime<Utc>,
        to: DateTime<Utc>,
    ) -> StoreResult<Vec<(SupportAwareness, i64)>> {
        self.read(|conn| {
            let ids = center_ids(conn, scope)?;
            let rows: Vec<(String, i64)> = patients::table
                .filter(patients::center_id.eq_any(&ids))
                // A record merged into another is the same person, counted once.
                .filter(patients::merged_into.is_null())
                .filter(patients::created_at.ge(from.naive_utc()))
                .filter(patients::created_at.lt(to.naive_utc()))
                .filter(patients::employment_status.eq_any(["not_working", "job_seeking"]))
                .group_by(patients::support_awareness)
                .select((patients::support_awareness, count_star()))
                .load(conn)?;
            rows.into_iter()
                .map(|(a, n)| {
                    Ok((
                        SupportAwareness::from_db(&a).ok_or_else(|| bad("support_awareness"))?,
                        n,
                    ))
                })
                .collect()
        })
    }

    #[tracing::instrument(level = "debug", skip_all, fields(?scope, %today))]
    fn overdue_promised_follow_ups(
        &self,
        scope: &ReportScope,
        today: NaiveDate,
        level: Level,
    ) -> StoreResult<i64> {
        self.read(|conn| {
            let ids = center_ids(conn, scope)?;
            Ok(follow_ups::table
                .inner_join(referrals::table)
                .filter(follow_ups::center_id.eq_any(&ids))
                .filter(referrals::level.eq(level.as_str()))
                .filter(follow_ups::due_on.lt(today))
                .filter(follow_ups::done_on.is_null())
                .filter(follow_ups::cancelled_on.is_null())
                .select(count_star())
                .first(conn)?)
        })
    }

    #[tracing::instrument(level = "debug", skip_all, fields(?scope))]
    fn open_shoman_needs(&self, scope: &ReportScope, kind: Option<NeedKind>) -> StoreResult<i64> {
        self.read(|conn| {
            let ids = center_ids(conn, scope)?;
            let mut q = shoman_needs::table
                .filter(shoman_needs::center_id.eq_any(ids))
                .filter(shoman_needs::status.eq(NeedStatus::Open.as_str()))
                .select(count_star())
                .into_boxed();
            if let Some(k) = kind {
                q = q.filter(shoman_needs::kind.eq(k.as_str()));
            }
            Ok(q.first(conn)?)
        })
    }
}
