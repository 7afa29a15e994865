//! In-app notifications: escalated follow-ups, and referrals returned for correction.

use super::rules;
use crate::app::Ctx;
use crate::entities::{FollowUpView, PatientLabel, Referral, Review};
use crate::error::DomainError;
use crate::events::Action;
use crate::page::{MAX_LIMIT, PageRequest};
use crate::policy;
use crate::ports::{FollowUpFilter, FollowUpState, ReferralFilter, Scope};
use crate::values::{ReviewState, Role};

/// An in-app notification: an escalated follow-up, or a review that returned a referral.
#[derive(Debug, Clone, PartialEq)]
pub enum Notification {
    Escalated {
        follow_up: FollowUpView,
        days_overdue: i64,
    },
    /// Named by its patient and agency, so the consultant knows which case before opening it.
    Returned {
        referral: Referral,
        review: Review,
        patient: Option<PatientLabel>,
        agency_name: Option<String>,
    },
}

/// Who is told what: a supervisor hears of every escalated follow-up in the center, a
/// consultant of their own and of the referrals returned to them; nobody else has any.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Audience {
    Center,
    Own,
}

fn audience(role: Role) -> Option<Audience> {
    match role {
        Role::Supervisor => Some(Audience::Center),
        Role::Consultant | Role::SelfRelianceWorker => Some(Audience::Own),
        _ => None,
    }
}

fn all() -> PageRequest {
    PageRequest {
        limit: MAX_LIMIT,
        ..PageRequest::default()
    }
}

crate::facade!(
    /// The caller's notifications: `services.notifications()`.
    Notifications,
    notifications
);

impl Notifications<'_> {
    /// The caller's notifications: escalated follow-ups (their own, or every one in the
    /// center for a supervisor) and, for a consultant, referrals returned to them.
    #[tracing::instrument(skip_all, fields(count = tracing::field::Empty))]
    pub fn list(&self, ctx: &Ctx) -> Result<Vec<Notification>, DomainError> {
        self.guard(ctx, Action::NotificationList, None, || {
            let center = policy::own_center(&ctx.actor)?;
            let Some(audience) = audience(ctx.actor.role) else {
                return Ok(Vec::new());
            };
            let c = self.store.center(center)?.ok_or(DomainError::NotFound)?;
            let today = self.today();
            let filter = FollowUpFilter {
                state: FollowUpState::Overdue,
                assignee: (audience == Audience::Own).then_some(ctx.actor.user_id),
                referral_id: None,
                patient_id: None,
                today,
                due_before: Some(rules::escalate_before(today, c.escalation_days)),
                due_within: None,
            };
            let mut out: Vec<Notification> = self
                .store
                .follow_ups(center, &filter, all())?
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
            if audience == Audience::Own {
                let filter = ReferralFilter {
                    consultant_id: Some(ctx.actor.user_id),
                    review_state: Some(ReviewState::Returned),
                    ..ReferralFilter::default()
                };
                for r in self.store.referrals(center, &filter, all())?.items {
                    if let Some(review) = self.store.reviews(center, r.id)?.pop() {
                        let patient = self.store.patient_labels(center, &[r.patient_id])?.pop();
                        let agency_name = self
                            .store
                            .agency(Scope::Center(center), r.agency_id)?
                            .map(|a| a.name);
                        out.push(Notification::Returned {
                            referral: r,
                            review,
                            patient,
                            agency_name,
                        });
                    }
                }
            }
            tracing::Span::current().record("count", out.len());
            self.log_access(
                self.ev(ctx, Action::NotificationList)
                    .detail(format!("count={}", out.len())),
            )?;
            Ok(out)
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn supervisors_hear_of_the_center_consultants_of_their_own() {
        assert_eq!(audience(Role::Supervisor), Some(Audience::Center));
        assert_eq!(audience(Role::Consultant), Some(Audience::Own));
        assert_eq!(audience(Role::CenterAdmin), None);
        assert_eq!(audience(Role::SystemAdmin), None);
    }
}
