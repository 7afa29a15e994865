//! Supervision (監査): the audit trail as supervisors read it, and its verification.

use crate::app::{Ctx, Services};
use crate::audit::{AuditDraft, AuditEvent, ChainReport};
use crate::entities::Actor;
use crate::error::{DomainError, FieldError, Validator};
use crate::events::Action;
use crate::policy::{self, Permission, Reach};
use crate::ports::AuditFilter;
use crate::values::{self, Role};
use uuid::Uuid;

/// Filters of `GET /audit-events`, as given.
#[derive(Debug, Clone, Default)]
pub struct AuditQuery {
    pub patient_id: Option<Uuid>,
    pub actor_id: Option<Uuid>,
    pub action: Option<String>,
    /// RFC 3339.
    pub from: Option<String>,
    pub to: Option<String>,
    /// The `seq` to continue below (the cursor).
    pub before_seq: Option<i64>,
}

/// Most events one CSV export holds; narrow the filters for more.
pub const EXPORT_MAX: i64 = 100_000;

/// Who may read the trail ([`Permission::ReadAuditTrail`]): `None` is every center's.
fn trail_scope(actor: &Actor) -> Result<Option<Uuid>, DomainError> {
    policy::permit(actor, Permission::ReadAuditTrail).map(Reach::center)
}

impl Services {
    /// Audit events, newest first; reading them is itself recorded.
    pub fn list_audit_events(
        &self,
        ctx: &Ctx,
        q: AuditQuery,
        limit: i64,
        export: bool,
    ) -> Result<Vec<AuditEvent>, DomainError> {
        let action = if export {
            Action::AuditExport
        } else {
            Action::AuditList
        };
        self.guard(ctx, action, None, || {
            let center = trail_scope(&ctx.actor)?;
            let mut v = Validator::new();
            let from = q
                .from
                .as_deref()
                .and_then(|t| v.check(values::timestamp("from", t)));
            let to =
                q.to.as_deref()
                    .and_then(|t| v.check(values::timestamp("to", t)));
            if let Some(a) = &q.action
                && (a.is_empty()
                    || a.len() > 64
                    || !a
                        .chars()
                        .all(|c| c.is_ascii_lowercase() || c == '_' || c == '.'))
            {
                v.push(FieldError::new(
                    "action",
                    "invalid_action",
                    "an action such as patient.read, or a prefix such as patient.",
                ));
            }
            v.finish()?;
            let filter = AuditFilter {
                center,
                patient_id: q.patient_id,
                actor_id: q.actor_id,
                action: q.action.clone(),
                from,
                to,
                before_seq: q.before_seq,
            };
            let events = self.store.audit_events(&filter, limit)?;
            let mut ev = AuditDraft::by_actor(&ctx.actor, &ctx.meta, self.clock.now(), action)
                .detail(format!(
                    "patient_id={}; actor_id={}; action={}; count={}",
                    q.patient_id.map(|x| x.to_string()).unwrap_or_default(),
                    q.actor_id.map(|x| x.to_string()).unwrap_or_default(),
                    q.action.clone().unwrap_or_default(),
                    events.len()
                ));
            if let Some(p) = q.patient_id {
                ev = ev.patient(p);
            }
            self.access.record(ev);
            Ok(events)
        })
    }

    /// Walks the whole chain (for supervisors, administrators and the system administrator).
    pub fn verify_audit(&self, ctx: &Ctx) -> Result<ChainReport, DomainError> {
        self.guard(ctx, Action::AuditVerify, None, || {
            trail_scope(&ctx.actor)?;
            // Everything queued so far belongs to the chain being checked.
            self.access.flush(std::time::Duration::from_secs(5));
            let report = self.verify_audit_chain()?;
            self.access.record(
                AuditDraft::by_actor(&ctx.actor, &ctx.meta, self.clock.now(), Action::AuditVerify)
                    .detail(format!(
                        "checked={}; valid={}",
                        report.checked,
                        report.first_broken.is_none()
                    )),
            );
            Ok(report)
        })
    }
}

// --- reviews, the audit queue, escalation and summaries --------------------------------

use crate::clock::tokyo_date;
use crate::entities::{FollowUpView, QueueRow, Referral, Review};
use crate::page::PageRequest;
use crate::ports::{FollowUpFilter, FollowUpState, ReferralFilter};
use crate::values::{AgencyType, Level, ReviewDecision, ReviewState};
use chrono::{Duration, NaiveDate};
use std::collections::BTreeMap;

/// Why a referral is in the audit queue, most urgent first.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum QueueReason {
    /// A follow-up is overdue by more than the center's escalation days.
    FollowUpEscalated,
    /// A level-4 referral's follow-up is overdue.
    FollowUpOverdue,
    /// A level-4 referral is open with no follow-up scheduled.
    FollowUpMissing,
    /// Returned for correction and not yet corrected.
    Returned,
    /// Follow-up work was recorded and awaits review.
    AwaitingReview,
    /// A lower-level referral drawn for a quality check.
    Sample,
}

impl QueueReason {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::FollowUpEscalated => "follow_up_escalated",
            Self::FollowUpOverdue => "follow_up_overdue",
            Self::FollowUpMissing => "follow_up_missing",
            Self::Returned => "returned",
            Self::AwaitingReview => "awaiting_review",
            Self::Sample => "sample",
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct QueueItem {
    pub row: QueueRow,
    /// Sorted, most urgent first.
    pub reasons: Vec<QueueReason>,
    /// Days the oldest open follow-up is overdue (0 when none is).
    pub days_overdue: i64,
}

/// An in-app notification: an escalated follow-up, or a review that returned a referral.
#[derive(Debug, Clone, PartialEq)]
pub enum Notification {
    Escalated {
        follow_up: FollowUpView,
        days_overdue: i64,
    },
    Returned {
        referral: Referral,
        review: Review,
    },
}

/// Per consultant or per agency type, for a period.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct SummaryRow {
    /// Follow-ups due in the period (not cancelled), and the share done by their due date.
    pub follow_ups_due: i64,
    pub done_on_time: i64,
    pub on_time_rate: Option<f64>,
    /// Open follow-ups overdue today.
    pub overdue_now: i64,
    /// Median days from referral to its first done follow-up.
    pub median_days_to_first_follow_up: Option<f64>,
    /// Referrals made in the period, per level (level order).
    pub referrals_by_level: [i64; 4],
    pub returned_reviews: i64,
}

#[derive(Debug, Clone, Default, PartialEq)]
pub struct Summary {
    pub by_consultant: BTreeMap<Uuid, SummaryRow>,
    pub by_agency_type: BTreeMap<AgencyType, SummaryRow>,
}

/// Supervision is the supervisor's: the 管理責任者 of a center ([`Permission::Supervise`]).
fn require_supervisor(actor: &Actor) -> Result<Uuid, DomainError> {
    policy::permit_in_center(actor, Permission::Supervise)
}

/// Whether a referral falls in the quality sample: its id's random tail (UUID v7 ends in
/// random bits) read as a number below `percent` of the range. Stable, so the queue does not
/// reshuffle between reads; the store applies the same test in SQL.
pub fn sampled(id: Uuid, percent: i32) -> bool {
    let b = id.as_bytes();
    let bucket = u32::from(b[14]) * 256 + u32::from(b[15]);
    let limit = u32::try_from(percent.clamp(0, 100)).unwrap_or(0) * 65_536 / 100;
    bucket < limit
}

fn median(mut xs: Vec<i64>) -> Option<f64> {
    if xs.is_empty() {
        return None;
    }
    xs.sort_unstable();
    let n = xs.len();
    Some(if n % 2 == 1 {
        xs[n / 2] as f64
    } else {
        (xs[n / 2 - 1] + xs[n / 2]) as f64 / 2.0
    })
}

impl Services {
    /// A supervisor approves a referral's follow-up work or returns it with a comment. Four
    /// eyes: not on a referral the supervisor made or followed up.
    pub fn review_referral(
        &self,
        ctx: &Ctx,
        referral_id: Uuid,
        decision: &str,
        comment: Option<&str>,
    ) -> Result<(Referral, Review), DomainError> {
        self.guard(ctx, Action::ReviewApprove, Some(referral_id), || {
            let center = require_supervisor(&ctx.actor)?;
            let mut v = Validator::new();
            let decision = v.check(ReviewDecision::parse("decision", decision));
            let comment = v
                .check(values::optional_text("comment", comment, 2000))
                .flatten();
            if decision == Some(ReviewDecision::Returned) && comment.is_none() {
                v.push(FieldError::new(
                    "comment",
                    "required",
                    "say what to correct when returning a referral",
                ));
            }
            v.finish()?;
            let Some(decision) = decision else {
                return Err(DomainError::Internal(
                    "validator passed without a decision".into(),
                ));
            };
            let r = self
                .store
                .referral(center, referral_id)?
                .ok_or(DomainError::NotFound)?;
            let me = ctx.actor.user_id;
            let recorders = self.store.follow_up_recorders(center, referral_id)?;
            policy::review(&ctx.actor, r.consultant_id, r.created_by, &recorders)?;
            let review = Review {
                id: Uuid::now_v7(),
                center_id: center,
                referral_id,
                reviewer_id: me,
                decision,
                comment,
                created_at: self.clock.now(),
            };
            let (state, action) = match decision {
                ReviewDecision::Approved => (ReviewState::Approved, Action::ReviewApprove),
                ReviewDecision::Returned => (ReviewState::Returned, Action::ReviewReturn),
            };
            let ev = AuditDraft::by_actor(&ctx.actor, &ctx.meta, self.clock.now(), action)
                .resource(referral_id)
                .patient(r.patient_id)
                .detail(format!("decision={}", decision.as_str()));
            let r = self.store.insert_review(&review, state, r.version, &ev)?;
            Ok((r, review))
        })
    }

    /// A referral's reviews, oldest first (the history is kept).
    pub fn referral_reviews(
        &self,
        ctx: &Ctx,
        referral_id: Uuid,
    ) -> Result<Vec<Review>, DomainError> {
        self.guard(ctx, Action::ReviewList, Some(referral_id), || {
            let center = policy::permit_in_center(&ctx.actor, Permission::CaseWork)?;
            let r = self
                .store
                .referral(center, referral_id)?
                .ok_or(DomainError::NotFound)?;
            let list = self.store.reviews(center, referral_id)?;
            self.access.record(
                AuditDraft::by_actor(&ctx.actor, &ctx.meta, self.clock.now(), Action::ReviewList)
                    .resource(referral_id)
                    .patient(r.patient_id)
                    .detail(format!("count={}", list.len())),
            );
            Ok(list)
        })
    }

    /// What needs the supervisor's eye, most urgent first, each with its reasons.
    pub fn audit_queue(&self, ctx: &Ctx) -> Result<Vec<QueueItem>, DomainError> {
        self.guard(ctx, Action::AuditQueueRead, None, || {
            let center = require_supervisor(&ctx.actor)?;
            let c = self.store.center(center)?.ok_or(DomainError::NotFound)?;
            let today = self.today_tokyo();
            let escalate_before = today - Duration::days(i64::from(c.escalation_days));
            // The sample covers recent work: the last 90 days.
            let rows = self.store.queue_rows(
                center,
                escalate_before,
                today - Duration::days(90),
                c.sample_percent,
            )?;
            let mut items: Vec<QueueItem> = rows
                .into_iter()
                .filter_map(|row| {
                    let r = &row.referral;
                    let mut reasons = Vec::new();
                    let days_overdue = row
                        .earliest_open_due
                        .map_or(0, |d| (today - d).num_days().max(0));
                    if row.earliest_open_due.is_some_and(|d| d < escalate_before) {
                        reasons.push(QueueReason::FollowUpEscalated);
                    }
                    let open_four = r.level == Level::AccompaniedWithFollowUp
                        && r.status == crate::values::ReferralStatus::Open;
                    if open_four && row.earliest_open_due.is_some_and(|d| d < today) {
                        reasons.push(QueueReason::FollowUpOverdue);
                    }
                    if open_four && row.open_follow_ups == 0 {
                        reasons.push(QueueReason::FollowUpMissing);
                    }
                    match r.review_state {
                        ReviewState::Returned => reasons.push(QueueReason::Returned),
                        ReviewState::Pending => reasons.push(QueueReason::AwaitingReview),
                        ReviewState::None
                            if r.level != Level::AccompaniedWithFollowUp
                                && sampled(r.id, c.sample_percent) =>
                        {
                            reasons.push(QueueReason::Sample);
                        }
                        _ => {}
                    }
                    reasons.sort();
                    (!reasons.is_empty()).then_some(QueueItem {
                        row,
                        reasons,
                        days_overdue,
                    })
                })
                .collect();
            items.sort_by(|a, b| {
                a.reasons[0]
                    .cmp(&b.reasons[0])
                    .then(b.days_overdue.cmp(&a.days_overdue))
                    .then(a.row.referral.referred_on.cmp(&b.row.referral.referred_on))
            });
            self.access.record(
                AuditDraft::by_actor(
                    &ctx.actor,
                    &ctx.meta,
                    self.clock.now(),
                    Action::AuditQueueRead,
                )
                .detail(format!("count={}", items.len())),
            );
            Ok(items)
        })
    }

    /// The caller's notifications: escalated follow-ups (their own, or every one in the
    /// center for a supervisor) and, for a consultant, referrals returned to them.
    pub fn notifications(&self, ctx: &Ctx) -> Result<Vec<Notification>, DomainError> {
        self.guard(ctx, Action::NotificationList, None, || {
            let center = policy::own_center(&ctx.actor)?;
            let supervisor = match ctx.actor.role {
                Role::Supervisor => true,
                Role::Consultant => false,
                _ => return Ok(Vec::new()),
            };
            let c = self.store.center(center)?.ok_or(DomainError::NotFound)?;
            let today = self.today_tokyo();
            let filter = FollowUpFilter {
                state: FollowUpState::Overdue,
                assignee: (!supervisor).then_some(ctx.actor.user_id),
                referral_id: None,
                patient_id: None,
                today,
                due_before: Some(today - Duration::days(i64::from(c.escalation_days))),
            };
            let page = PageRequest {
                limit: crate::page::MAX_LIMIT,
                ..PageRequest::default()
            };
            let mut out: Vec<Notification> = self
                .store
                .follow_ups(center, &filter, page)?
                .items
                .into_iter()
                .map(|f| {
                    let days_overdue = (today - f.follow_up.due_on).num_days();
                    Notification::Escalated {
                        follow_up: f,
                        days_overdue,
                    }
                })
                .collect();
            if !supervisor {
                let filter = ReferralFilter {
                    consultant_id: Some(ctx.actor.user_id),
                    review_state: Some(ReviewState::Returned),
                    ..ReferralFilter::default()
                };
                let page = PageRequest {
                    limit: crate::page::MAX_LIMIT,
                    ..PageRequest::default()
                };
                for r in self.store.referrals(center, &filter, page)?.items {
                    if let Some(review) = self.store.reviews(center, r.id)?.pop() {
                        out.push(Notification::Returned {
                            referral: r,
                            review,
                        });
                    }
                }
            }
            self.access.record(
                AuditDraft::by_actor(
                    &ctx.actor,
                    &ctx.meta,
                    self.clock.now(),
                    Action::NotificationList,
                )
                .detail(format!("count={}", out.len())),
            );
            Ok(out)
        })
    }

    /// Follow-up work per consultant and per agency type for a period.
    pub fn supervision_summary(
        &self,
        ctx: &Ctx,
        period: &crate::reports::Period,
    ) -> Result<Summary, DomainError> {
        self.guard(ctx, Action::SupervisionSummary, None, || {
            let center = require_supervisor(&ctx.actor)?;
            let today = self.today_tokyo();
            let counts = self
                .store
                .summary_counts(center, period.from, period.to, today)?;
            let mut by_consultant: BTreeMap<Uuid, SummaryRow> = BTreeMap::new();
            let mut by_type: BTreeMap<AgencyType, SummaryRow> = BTreeMap::new();
            for t in AgencyType::ALL {
                by_type.insert(*t, SummaryRow::default());
            }
            let mut both = |who: Uuid, t: AgencyType, f: &dyn Fn(&mut SummaryRow)| {
                f(by_consultant.entry(who).or_default());
                f(by_type.entry(t).or_default());
            };
            for (who, t, level, n) in &counts.referrals {
                both(*who, *t, &|r| {
                    r.referrals_by_level[usize::from(level.rank() - 1)] += n
                });
            }
            for (who, t, due, on_time) in &counts.due {
                both(*who, *t, &|r| {
                    r.follow_ups_due += due;
                    r.done_on_time += on_time;
                });
            }
            for (who, t, n) in &counts.overdue {
                both(*who, *t, &|r| r.overdue_now += n);
            }
            for (who, t, n) in &counts.returned {
                both(*who, *t, &|r| r.returned_reviews += n);
            }
            let mut days_c: BTreeMap<Uuid, Vec<i64>> = BTreeMap::new();
            let mut days_t: BTreeMap<AgencyType, Vec<i64>> = BTreeMap::new();
            for (who, t, d) in &counts.first_follow_up_days {
                days_c.entry(*who).or_default().push(*d);
                days_t.entry(*t).or_default().push(*d);
            }
            for (who, days) in days_c {
                by_consultant
                    .entry(who)
                    .or_default()
                    .median_days_to_first_follow_up = median(days);
            }
            for (t, days) in days_t {
                by_type.entry(t).or_default().median_days_to_first_follow_up = median(days);
            }
            for r in by_consultant.values_mut().chain(by_type.values_mut()) {
                r.on_time_rate = (r.follow_ups_due > 0).then(|| {
                    (r.done_on_time as f64 * 1000.0 / r.follow_ups_due as f64).round() / 1000.0
                });
            }
            self.access.record(
                AuditDraft::by_actor(
                    &ctx.actor,
                    &ctx.meta,
                    self.clock.now(),
                    Action::SupervisionSummary,
                )
                .detail(format!("from={}; to={}", period.from, period.to)),
            );
            Ok(Summary {
                by_consultant,
                by_agency_type: by_type,
            })
        })
    }

    fn today_tokyo(&self) -> NaiveDate {
        tokyo_date(self.clock.now())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sampling_is_stable_and_near_its_rate() {
        let ids: Vec<Uuid> = (0..10_000).map(|_| Uuid::now_v7()).collect();
        let n = ids.iter().filter(|i| sampled(**i, 10)).count();
        assert!((700..1300).contains(&n), "{n}");
        assert!(ids.iter().all(|i| sampled(*i, 10) == sampled(*i, 10)));
        assert!(ids.iter().all(|i| !sampled(*i, 0)));
        assert!(ids.iter().all(|i| sampled(*i, 100)));
    }

    #[test]
    fn medians() {
        assert_eq!(median(vec![]), None);
        assert_eq!(median(vec![5, 1, 3]), Some(3.0));
        assert_eq!(median(vec![4, 1, 3, 2]), Some(2.5));
    }
}
