//! 小慢 support plans: the plan (its current revision), the submitted revisions, the
//! supervisors' reviews and the actions.

use crate::DieselStore;
use crate::audit::{append_event, change_stamp};
use crate::db::DbConn;
use crate::error::{R, missing_or_stale, not_found};
use crate::paging::{after_key, cursor_date};
use crate::patients::labels_of;
use crate::rows::{choice, convert, naive, opt_uuid, utc, uuid};
use crate::schema::{
    patients, support_plan_actions, support_plan_reviews, support_plan_versions, support_plans,
};
use chrono::{DateTime, NaiveDate, NaiveDateTime, Utc};
use diesel::prelude::*;
use serde_json::{Value, json};
use tsunagu_domain::DomainError;
use tsunagu_domain::audit::AuditDraft;
use tsunagu_domain::entities::PatientLabel;
use tsunagu_domain::page::{Page, PageRequest};
use tsunagu_domain::ports::{PlanEffects, PlanFilter, ReviewDue, StoreResult, SupportPlanStore};
use tsunagu_domain::shoman::queue::PlanQueueRow;
use tsunagu_domain::shoman::{
    Goal, PlanAction, PlanReview, PlanVersion, SupportPlan, TransitionCandidate,
};
use tsunagu_domain::values::{ActionState, BodyKind, GoalKind, PlanState, Program, ReviewDecision};
use uuid::Uuid;

/// Goals are stored as one JSON array of `{"kind", "text", "achieved_on"?}`: they are only ever read and
/// written with their plan.
fn goals_json(goals: &[Goal]) -> String {
    Value::Array(
        goals
            .iter()
            .map(|g| match g.achieved_on {
                None => json!({"kind": g.kind.as_str(), "text": g.text}),
                Some(d) => {
                    json!({"kind": g.kind.as_str(), "text": g.text, "achieved_on": d.to_string()})
                }
            })
            .collect(),
    )
    .to_string()
}

fn goals_from(field: &str, s: &str) -> Result<Vec<Goal>, DomainError> {
    let bad = || DomainError::Internal(format!("stored {field} is not a goal list"));
    let v: Value = serde_json::from_str(s).map_err(|_| bad())?;
    v.as_array()
        .ok_or_else(bad)?
        .iter()
        .map(|g| {
            let kind = g["kind"]
                .as_str()
                .and_then(GoalKind::from_db)
                .ok_or_else(bad)?;
            let text = g["text"].as_str().ok_or_else(bad)?.to_owned();
            let achieved_on = match g.get("achieved_on").and_then(Value::as_str) {
                None => None,
                Some(d) => Some(NaiveDate::parse_from_str(d, "%Y-%m-%d").map_err(|_| bad())?),
            };
            Ok(Goal {
                kind,
                text,
                achieved_on,
            })
        })
        .collect()
}

#[derive(Queryable, Selectable, Insertable)]
#[diesel(table_name = support_plans)]
struct PlanRow {
    id: String,
    center_id: String,
    patient_id: String,
    state: String,
    revision: i32,
    situation: Option<String>,
    wishes: Option<String>,
    goals: String,
    review_due_on: Option<NaiveDate>,
    approved_on: Option<NaiveDate>,
    author_id: String,
    submitted_by: Option<String>,
    created_by: String,
    version: i32,
    created_at: NaiveDateTime,
    updated_at: NaiveDateTime,
}

impl PlanRow {
    fn from_entity(p: &SupportPlan) -> Self {
        Self {
            id: p.id.to_string(),
            center_id: p.center_id.to_string(),
            patient_id: p.patient_id.to_string(),
            state: p.state.as_str().to_owned(),
            revision: p.revision,
            situation: p.situation.clone(),
            wishes: p.wishes.clone(),
            goals: goals_json(&p.goals),
            review_due_on: p.review_due_on,
            approved_on: p.approved_on,
            author_id: p.author_id.to_string(),
            submitted_by: p.submitted_by.map(|x| x.to_string()),
            created_by: p.created_by.to_string(),
            version: p.version,
            created_at: naive(p.created_at),
            updated_at: naive(p.updated_at),
        }
    }

    fn into_entity(self) -> Result<SupportPlan, DomainError> {
        Ok(SupportPlan {
            id: uuid("support_plans.id", &self.id)?,
            center_id: uuid("support_plans.center_id", &self.center_id)?,
            patient_id: uuid("support_plans.patient_id", &self.patient_id)?,
            state: choice("support_plans.state", PlanState::from_db(&self.state))?,
            revision: self.revision,
            situation: self.situation,
            wishes: self.wishes,
            goals: goals_from("support_plans.goals", &self.goals)?,
            review_due_on: self.review_due_on,
            approved_on: self.approved_on,
            author_id: uuid("support_plans.author_id", &self.author_id)?,
            submitted_by: opt_uuid("support_plans.submitted_by", self.submitted_by.as_deref())?,
            created_by: uuid("support_plans.created_by", &self.created_by)?,
            version: self.version,
            created_at: utc(self.created_at),
            updated_at: utc(self.updated_at),
        })
    }
}

#[derive(Queryable, Selectable, Insertable)]
#[diesel(table_name = support_plan_versions)]
struct VersionRow {
    id: String,
    center_id: String,
    plan_id: String,
    revision: i32,
    situation: Option<String>,
    wishes: Option<String>,
    goals: String,
    review_due_on: Option<NaiveDate>,
    submitted_by: String,
    submitted_at: NaiveDateTime,
}

impl VersionRow {
    fn from_entity(v: &PlanVersion) -> Self {
        Self {
            id: v.id.to_string(),
            center_id: v.center_id.to_string(),
            plan_id: v.plan_id.to_string(),
            revision: v.revision,
            situation: v.situation.clone(),
            wishes: v.wishes.clone(),
            goals: goals_json(&v.goals),
            review_due_on: v.review_due_on,
            submitted_by: v.submitted_by.to_string(),
            submitted_at: naive(v.submitted_at),
        }
    }

    fn into_entity(self) -> Result<PlanVersion, DomainError> {
        Ok(PlanVersion {
            id: uuid("support_plan_versions.id", &self.id)?,
            center_id: uuid("support_plan_versions.center_id", &self.center_id)?,
            plan_id: uuid("support_plan_versions.plan_id", &self.plan_id)?,
            revision: self.revision,
            situation: self.situation,
            wishes: self.wishes,
            goals: goals_from("support_plan_versions.goals", &self.goals)?,
            review_due_on: self.review_due_on,
            submitted_by: uuid("support_plan_versions.submitted_by", &self.submitted_by)?,
            submitted_at: utc(self.submitted_at),
        })
    }
}

#[derive(Queryable, Selectable, Insertable)]
#[diesel(table_name = support_plan_reviews)]
struct ReviewRow {
    id: String,
    center_id: String,
    plan_id: String,
    revision: i32,
    reviewer_id: String,
    decision: String,
    comment: Option<String>,
    review_due_on: Option<NaiveDate>,
    created_at: NaiveDateTime,
}

impl ReviewRow {
    fn from_entity(r: &PlanReview) -> Self {
        Self {
            id: r.id.to_string(),
            center_id: r.center_id.to_string(),
            plan_id: r.plan_id.to_string(),
            revision: r.revision,
            reviewer_id: r.reviewer_id.to_string(),
            decision: r.decision.as_str().to_owned(),
            comment: r.comment.clone(),
            review_due_on: r.review_due_on,
            created_at: naive(r.created_at),
        }
    }

    fn into_entity(self) -> Result<PlanReview, DomainError> {
        Ok(PlanReview {
            id: uuid("support_plan_reviews.id", &self.id)?,
            center_id: uuid("support_plan_reviews.center_id", &self.center_id)?,
            plan_id: uuid("support_plan_reviews.plan_id", &self.plan_id)?,
            revision: self.revision,
            reviewer_id: uuid("support_plan_reviews.reviewer_id", &self.reviewer_id)?,
            decision: choice(
                "support_plan_reviews.decision",
                ReviewDecision::from_db(&self.decision),
            )?,
            comment: self.comment,
            review_due_on: self.review_due_on,
            created_at: utc(self.created_at),
        })
    }
}

#[derive(Queryable, Selectable, Insertable)]
#[diesel(table_name = support_plan_actions)]
pub(crate) struct ActionRow {
    id: String,
    center_id: String,
    plan_id: String,
    patient_id: String,
    body_kind: String,
    body_name: String,
    description: Option<String>,
    responsible: String,
    due_on: NaiveDate,
    state: String,
    outcome: Option<String>,
    next_on: Option<NaiveDate>,
    created_by: String,
    version: i32,
    created_at: NaiveDateTime,
    updated_at: NaiveDateTime,
}

impl ActionRow {
    fn from_entity(a: &PlanAction) -> Self {
        Self {
            id: a.id.to_string(),
            center_id: a.center_id.to_string(),
            plan_id: a.plan_id.to_string(),
            patient_id: a.patient_id.to_string(),
            body_kind: a.body_kind.as_str().to_owned(),
            body_name: a.body_name.clone(),
            description: a.description.clone(),
            responsible: a.responsible.clone(),
            due_on: a.due_on,
            state: a.state.as_str().to_owned(),
            outcome: a.outcome.clone(),
            next_on: a.next_on,
            created_by: a.created_by.to_string(),
            version: a.version,
            created_at: naive(a.created_at),
            updated_at: naive(a.updated_at),
        }
    }

    pub(crate) fn into_entity(self) -> Result<PlanAction, DomainError> {
        Ok(PlanAction {
            id: uuid("support_plan_actions.id", &self.id)?,
            center_id: uuid("support_plan_actions.center_id", &self.center_id)?,
            plan_id: uuid("support_plan_actions.plan_id", &self.plan_id)?,
            patient_id: uuid("support_plan_actions.patient_id", &self.patient_id)?,
            body_kind: choice(
                "support_plan_actions.body_kind",
                BodyKind::from_db(&self.body_kind),
            )?,
            body_name: self.body_name,
            description: self.description,
            responsible: self.responsible,
            due_on: self.due_on,
            state: choice(
                "support_plan_actions.state",
                ActionState::from_db(&self.state),
            )?,
            outcome: self.outcome,
            next_on: self.next_on,
            created_by: uuid("support_plan_actions.created_by", &self.created_by)?,
            version: self.version,
            created_at: utc(self.created_at),
            updated_at: utc(self.updated_at),
        })
    }
}

fn plan(conn: &mut DbConn, center: Uuid, id: Uuid) -> R<Option<SupportPlan>> {
    let row: Option<PlanRow> = support_plans::table
        .filter(support_plans::id.eq(id.to_string()))
        .filter(support_plans::center_id.eq(center.to_string()))
        .select(PlanRow::as_select())
        .first(conn)
        .optional()?;
    Ok(row.map(PlanRow::into_entity).transpose()?)
}

fn action(conn: &mut DbConn, center: Uuid, plan_id: Uuid, id: Uuid) -> R<Option<PlanAction>> {
    let row: Option<ActionRow> = support_plan_actions::table
        .filter(support_plan_actions::id.eq(id.to_string()))
        .filter(support_plan_actions::plan_id.eq(plan_id.to_string()))
        .filter(support_plan_actions::center_id.eq(center.to_string()))
        .select(ActionRow::as_select())
        .first(conn)
        .optional()?;
    Ok(row.map(ActionRow::into_entity).transpose()?)
}

impl SupportPlanStore for DieselStore {
    #[tracing::instrument(level = "debug", skip_all, fields(center = %p.center_id, id = %p.id))]
    fn insert_support_plan(
        &self,
        p: &SupportPlan,
        audit: &AuditDraft,
    ) -> StoreResult<DateTime<Utc>> {
        self.write(|conn| {
            let stamp = change_stamp(conn, p.center_id, p.updated_at)?;
            let mut row = PlanRow::from_entity(p);
            row.updated_at = stamp;
            diesel::insert_into(support_plans::table)
                .values(row)
                .execute(conn)?;
            append_event(conn, &self.keys, audit)?;
            Ok(utc(stamp))
        })
    }

    #[tracing::instrument(level = "debug", skip_all, fields(%center, %id))]
    fn support_plan(&self, center: Uuid, id: Uuid) -> StoreResult<Option<SupportPlan>> {
        self.read(|conn| plan(conn, center, id))
    }

    #[tracing::instrument(level = "debug", skip_all, fields(%center))]
    fn support_plans(
        &self,
        center: Uuid,
        f: &PlanFilter,
        req: PageRequest,
    ) -> StoreResult<Page<SupportPlan>> {
        self.read(|conn| {
            use support_plans::dsl as sp;
            let mut q = support_plans::table
                .filter(sp::center_id.eq(center.to_string()))
                .select(PlanRow::as_select())
                .limit(req.limit + 1)
                .into_boxed();
            if let Some(p) = f.patient_id {
                q = q.filter(sp::patient_id.eq(p.to_string()));
            }
            if let Some(s) = f.state {
                q = q.filter(sp::state.eq(s.as_str()));
            }
            if f.action_overdue {
                let overdue = support_plan_actions::table
                    .filter(support_plan_actions::center_id.eq(center.to_string()))
                    .filter(support_plan_actions::state.eq(ActionState::Open.as_str()))
                    .filter(support_plan_actions::due_on.lt(f.today))
                    .select(support_plan_actions::plan_id);
                q = q.filter(sp::id.eq_any(overdue));
            }
            let keyed = f.review_due.is_some();
            match f.review_due {
                None => {
                    q = q.filter(sp::id.gt(after_key(&req))).order(sp::id.asc());
                }
                Some(due) => {
                    q = match due {
                        ReviewDue::Overdue => q.filter(sp::review_due_on.lt(f.today)),
                        ReviewDue::Scheduled => q.filter(sp::review_due_on.ge(f.today)),
                    };
                    if let Some((d, id)) = cursor_date(&req)? {
                        q = q.filter(
                            sp::review_due_on
                                .gt(d)
                                .or(sp::review_due_on.eq(d).and(sp::id.gt(id))),
                        );
                    }
                    q = q.order((sp::review_due_on.asc(), sp::id.asc()));
                }
            }
            let rows: Vec<PlanRow> = q.load(conn)?;
            let items = convert(rows, PlanRow::into_entity)?;
            Ok(if keyed {
                Page::from_rows_keyed(items, &req, |p| {
                    (
                        p.review_due_on.map(|d| d.to_string()).unwrap_or_default(),
                        p.id,
                    )
                })
            } else {
                Page::from_rows(items, &req, |p| p.id)
            })
        })
    }

    #[tracing::instrument(level = "debug", skip_all, fields(center = %p.center_id, id = %p.id))]
    fn save_support_plan(
        &self,
        p: &SupportPlan,
        expected_version: i32,
        effects: PlanEffects<'_>,
        audit: &AuditDraft,
    ) -> StoreResult<SupportPlan> {
        self.write(|conn| {
            let stamp = change_stamp(conn, p.center_id, p.updated_at)?;
            let row = PlanRow::from_entity(p);
            let n = diesel::update(
                support_plans::table
                    .filter(support_plans::id.eq(&row.id))
                    .filter(support_plans::center_id.eq(&row.center_id))
                    .filter(support_plans::version.eq(expected_version)),
            )
            .set((
                support_plans::state.eq(&row.state),
                support_plans::revision.eq(row.revision),
                support_plans::situation.eq(&row.situation),
                support_plans::wishes.eq(&row.wishes),
                support_plans::goals.eq(&row.goals),
                support_plans::review_due_on.eq(row.review_due_on),
                support_plans::approved_on.eq(row.approved_on),
                support_plans::submitted_by.eq(&row.submitted_by),
                support_plans::version.eq(expected_version + 1),
                support_plans::updated_at.eq(stamp),
            ))
            .execute(conn)?;
            if n == 0 {
                return Err(missing_or_stale(plan(conn, p.center_id, p.id)?.is_some()));
            }
            if let Some(v) = effects.version {
                diesel::insert_into(support_plan_versions::table)
                    .values(VersionRow::from_entity(v))
                    .execute(conn)?;
            }
            if let Some(r) = effects.review {
                diesel::insert_into(support_plan_reviews::table)
                    .values(ReviewRow::from_entity(r))
                    .execute(conn)?;
            }
            append_event(conn, &self.keys, audit)?;
            plan(conn, p.center_id, p.id)?.ok_or_else(not_found)
        })
    }

    #[tracing::instrument(level = "debug", skip_all, fields(%center, %plan_id))]
    fn plan_versions(&self, center: Uuid, plan_id: Uuid) -> StoreResult<Vec<PlanVersion>> {
        self.read(|conn| {
            let rows: Vec<VersionRow> = support_plan_versions::table
                .filter(support_plan_versions::plan_id.eq(plan_id.to_string()))
                .filter(support_plan_versions::center_id.eq(center.to_string()))
                .order(support_plan_versions::revision.asc())
                .select(VersionRow::as_select())
                .load(conn)?;
            convert(rows, VersionRow::into_entity)
        })
    }

    #[tracing::instrument(level = "debug", skip_all, fields(%center, %plan_id))]
    fn plan_reviews(&self, center: Uuid, plan_id: Uuid) -> StoreResult<Vec<PlanReview>> {
        self.read(|conn| {
            let rows: Vec<ReviewRow> = support_plan_reviews::table
                .filter(support_plan_reviews::plan_id.eq(plan_id.to_string()))
                .filter(support_plan_reviews::center_id.eq(center.to_string()))
                .order((
                    support_plan_reviews::created_at.asc(),
                    support_plan_reviews::id.asc(),
                ))
                .select(ReviewRow::as_select())
                .load(conn)?;
            convert(rows, ReviewRow::into_entity)
        })
    }

    #[tracing::instrument(level = "debug", skip_all, fields(center = %a.center_id, id = %a.id))]
    fn insert_plan_action(&self, a: &PlanAction, audit: &AuditDraft) -> StoreResult<PlanAction> {
        self.write(|conn| {
            let stamp = change_stamp(conn, a.center_id, a.updated_at)?;
            let mut row = ActionRow::from_entity(a);
            row.updated_at = stamp;
            diesel::insert_into(support_plan_actions::table)
                .values(row)
                .execute(conn)?;
            append_event(conn, &self.keys, audit)?;
            action(conn, a.center_id, a.plan_id, a.id)?.ok_or_else(not_found)
        })
    }

    #[tracing::instrument(level = "debug", skip_all, fields(%center, %plan_id, %id))]
    fn plan_action(
        &self,
        center: Uuid,
        plan_id: Uuid,
        id: Uuid,
    ) -> StoreResult<Option<PlanAction>> {
        self.read(|conn| action(conn, center, plan_id, id))
    }

    #[tracing::instrument(level = "debug", skip_all, fields(%center, %plan_id))]
    fn plan_actions(&self, center: Uuid, plan_id: Uuid) -> StoreResult<Vec<PlanAction>> {
        self.read(|conn| {
            let rows: Vec<ActionRow> = support_plan_actions::table
                .filter(support_plan_actions::plan_id.eq(plan_id.to_string()))
                .filter(support_plan_actions::center_id.eq(center.to_string()))
                .order((
                    support_plan_actions::due_on.asc(),
                    support_plan_actions::id.asc(),
                ))
                .select(ActionRow::as_select())
                .load(conn)?;
            convert(rows, ActionRow::into_entity)
        })
    }

    #[tracing::instrument(level = "debug", skip_all, fields(center = %a.center_id, id = %a.id))]
    fn save_plan_action(
        &self,
        a: &PlanAction,
        expected_version: i32,
        audit: &AuditDraft,
    ) -> StoreResult<PlanAction> {
        self.write(|conn| {
            let stamp = change_stamp(conn, a.center_id, a.updated_at)?;
            let row = ActionRow::from_entity(a);
            let n = diesel::update(
                support_plan_actions::table
                    .filter(support_plan_actions::id.eq(&row.id))
                    .filter(support_plan_actions::plan_id.eq(&row.plan_id))
                    .filter(support_plan_actions::center_id.eq(&row.center_id))
                    .filter(support_plan_actions::version.eq(expected_version)),
            )
            .set((
                support_plan_actions::body_kind.eq(&row.body_kind),
                support_plan_actions::body_name.eq(&row.body_name),
                support_plan_actions::description.eq(&row.description),
                support_plan_actions::responsible.eq(&row.responsible),
                support_plan_actions::due_on.eq(row.due_on),
                support_plan_actions::state.eq(&row.state),
                support_plan_actions::outcome.eq(&row.outcome),
                support_plan_actions::next_on.eq(row.next_on),
                support_plan_actions::version.eq(expected_version + 1),
                support_plan_actions::updated_at.eq(stamp),
            ))
            .execute(conn)?;
            if n == 0 {
                return Err(missing_or_stale(
                    action(conn, a.center_id, a.plan_id, a.id)?.is_some(),
                ));
            }
            append_event(conn, &self.keys, audit)?;
            action(conn, a.center_id, a.plan_id, a.id)?.ok_or_else(not_found)
        })
    }

    #[tracing::instrument(level = "debug", skip_all, fields(%center, %born_on_or_before))]
    fn transition_candidates(
        &self,
        center: Uuid,
        born_on_or_before: NaiveDate,
        req: PageRequest,
    ) -> StoreResult<Page<TransitionCandidate>> {
        self.read(|conn| {
            let c = center.to_string();
            let mut q = patients::table
                .filter(patients::center_id.eq(&c))
                .filter(patients::merged_into.is_null())
                .filter(patients::program.eq(Program::Shoman.as_str()))
                .filter(patients::birth_date.le(born_on_or_before))
                .select((
                    patients::id,
                    patients::case_number,
                    patients::family_name,
                    patients::given_name,
                    patients::birth_date,
                ))
                .order((patients::birth_date.asc(), patients::id.asc()))
                .limit(req.limit + 1)
                .into_boxed();
            if let Some((d, id)) = cursor_date(&req)? {
                q = q.filter(
                    patients::birth_date
                        .gt(d)
                        .or(patients::birth_date.eq(d).and(patients::id.gt(id))),
                );
            }
            let rows: Vec<(String, String, String, String, NaiveDate)> = q.load(conn)?;
            let ids: Vec<&String> = rows.iter().map(|r| &r.0).collect();
            // Each child's latest plan: plan ids are time-ordered, so the greatest is newest.
            let plan_rows: Vec<PlanRow> = support_plans::table
                .filter(support_plans::center_id.eq(&c))
                .filter(support_plans::patient_id.eq_any(ids))
                .order(support_plans::id.asc())
                .select(PlanRow::as_select())
                .load(conn)?;
            let mut latest = std::collections::HashMap::new();
            for p in convert(plan_rows, PlanRow::into_entity)? {
                latest.insert(p.patient_id, p);
            }
            let mut items = Vec::with_capacity(rows.len());
            for (id, case_number, family, given, birth_date) in rows {
                let id = uuid("patients.id", &id)?;
                items.push(TransitionCandidate {
                    patient: PatientLabel {
                        id,
                        case_number,
                        name: format!("{family} {given}"),
                    },
                    birth_date,
                    plan: latest.remove(&id),
                });
            }
            Ok(Page::from_rows_keyed(items, &req, |c| {
                (c.birth_date.to_string(), c.patient.id)
            }))
        })
    }

    #[tracing::instrument(level = "debug", skip_all, fields(%center, %today))]
    fn plan_queue_candidates(
        &self,
        center: Uuid,
        today: NaiveDate,
    ) -> StoreResult<Vec<PlanQueueRow>> {
        self.read(|conn| {
            use diesel::dsl::min;
            let c = center.to_string();
            let open_due: Vec<(String, Option<NaiveDate>)> = support_plan_actions::table
                .filter(support_plan_actions::center_id.eq(&c))
                .filter(support_plan_actions::state.eq(ActionState::Open.as_str()))
                .group_by(support_plan_actions::plan_id)
                .select((
                    support_plan_actions::plan_id,
                    min(support_plan_actions::due_on),
                ))
                .load(conn)?;
            let earliest: std::collections::HashMap<String, NaiveDate> = open_due
                .into_iter()
                .filter_map(|(id, d)| d.map(|d| (id, d)))
                .collect();
            let overdue_action_plans: Vec<&String> = earliest
                .iter()
                .filter(|(_, d)| **d < today)
                .map(|(id, _)| id)
                .collect();
            let rows: Vec<PlanRow> = support_plans::table
                .filter(support_plans::center_id.eq(&c))
                .filter(
                    support_plans::state
                        .eq(PlanState::Submitted.as_str())
                        .or(support_plans::review_due_on.lt(today))
                        .or(support_plans::id.eq_any(overdue_action_plans)),
                )
                .order(support_plans::id.asc())
                .select(PlanRow::as_select())
                .load(conn)?;
            let plans = convert(rows, PlanRow::into_entity)?;
            let mut patient_ids: Vec<Uuid> = plans.iter().map(|p| p.patient_id).collect();
            patient_ids.sort();
            patient_ids.dedup();
            let labels = labels_of(conn, center, &patient_ids)?;
            plans
                .into_iter()
                .map(|plan| {
                    let patient = labels
                        .iter()
                        .find(|l| l.id == plan.patient_id)
                        .cloned()
                        .ok_or_else(not_found)?;
                    Ok(PlanQueueRow {
                        earliest_open_action_due: earliest.get(&plan.id.to_string()).copied(),
                        patient,
                        plan,
                    })
                })
                .collect()
        })
    }
}
