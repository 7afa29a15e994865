//! 関係機関との連絡調整: the 自立支援員's contacts with a child's school, employer and the
//! agencies around them, recorded against the child and, where a plan exists, against the
//! plan's action. Passing the child's data to a school or an employer needs a consent in
//! force that covers it and leaves a record of provision (第三者提供の記録), as a
//! data-passing referral does for an agency. Referrals to employment agencies stay
//! referrals.
//!
//! The use cases sit behind `services.liaison()`; the rules are the pure functions below.

use super::model::{PlanAction, SupportPlan};
use crate::app::{Ctx, NAME_MAX, changed_fields};
use crate::entities::Consent;
use crate::error::{DomainError, FieldError, Validator};
use crate::events::Action;
use crate::if_match::IfMatch;
use crate::page::{Page, PageRequest};
use crate::policy::Permission;
use crate::values::{self, BodyKind, LiaisonChannel, Program};
use chrono::{DateTime, NaiveDate, Utc};
use uuid::Uuid;

/// The longest summary of a contact.
pub const SUMMARY_MAX: usize = 4000;

/// One contact with a body about a 小慢 child.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LiaisonContact {
    pub id: Uuid,
    pub center_id: Uuid,
    pub patient_id: Uuid,
    /// The child's support plan it belongs to, if any.
    pub plan_id: Option<Uuid>,
    /// The plan's action it follows, if any (then `plan_id` is that action's plan).
    pub action_id: Option<Uuid>,
    pub body_kind: BodyKind,
    /// e.g. 広島県立〇〇高等学校.
    pub body_name: String,
    /// Whom the worker spoke to (担任, 人事担当…).
    pub contact_person: Option<String>,
    pub channel: LiaisonChannel,
    pub contacted_on: NaiveDate,
    pub summary: String,
    /// Whether the child's personal data was passed on.
    pub shared_data: bool,
    /// When the body is contacted next.
    pub next_on: Option<NaiveDate>,
    /// The record of provision, when data went to a school or employer (read back by the
    /// store; never written through the contact).
    pub provision: Option<LiaisonProvision>,
    pub created_by: Uuid,
    pub version: i32,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

/// 第三者提供の記録 of a contact: to whom (the body as it was named that day), under which
/// consent, when. Written once, never changed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LiaisonProvision {
    pub id: Uuid,
    pub center_id: Uuid,
    pub patient_id: Uuid,
    pub contact_id: Uuid,
    pub body_kind: BodyKind,
    pub body_name: String,
    pub consent_id: Uuid,
    pub provided_on: NaiveDate,
    pub recorded_by: Uuid,
    pub created_at: DateTime<Utc>,
}

#[derive(Debug, Clone, Default)]
pub struct LiaisonInput {
    pub patient_id: Uuid,
    pub plan_id: Option<Uuid>,
    pub action_id: Option<Uuid>,
    pub body_kind: String,
    pub body_name: String,
    pub contact_person: Option<String>,
    pub channel: String,
    pub contacted_on: String,
    pub summary: String,
    pub shared_data: Option<bool>,
    pub next_on: Option<String>,
}

/// Changes to a contact; absent fields stay, `Some(None)` clears an optional one.
#[derive(Debug, Clone, Default)]
pub struct LiaisonUpdate {
    pub plan_id: Option<Option<Uuid>>,
    pub action_id: Option<Option<Uuid>>,
    pub body_kind: Option<String>,
    pub body_name: Option<String>,
    pub contact_person: Option<Option<String>>,
    pub channel: Option<String>,
    pub contacted_on: Option<String>,
    pub summary: Option<String>,
    pub shared_data: Option<bool>,
    pub next_on: Option<Option<String>>,
}

#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct LiaisonFilter {
    pub patient_id: Option<Uuid>,
    pub plan_id: Option<Uuid>,
    pub action_id: Option<Uuid>,
}

// --- rules ------------------------------------------------------------------------------

/// What a contact points at must belong together: the plan is the child's (422
/// `plan_not_of_patient`), the action is the plan's and the child's (422
/// `action_not_of_plan`).
pub fn check_link(
    patient_id: Uuid,
    plan: Option<&SupportPlan>,
    action: Option<&PlanAction>,
) -> Result<(), DomainError> {
    if let Some(p) = plan
        && p.patient_id != patient_id
    {
        return Err(DomainError::rule(
            "plan_not_of_patient",
            "the support plan is another child's",
        ));
    }
    if let Some(a) = action
        && (plan.is_none_or(|p| p.id != a.plan_id) || a.patient_id != patient_id)
    {
        return Err(DomainError::rule(
            "action_not_of_plan",
            "the action belongs to another plan or child",
        ));
    }
    Ok(())
}

/// The consent a contact's data passing rests on: none needed unless data went to a school
/// or an employer; then the latest of the child's consents (oldest first) in force on the
/// day whose scope covers the body (see [`values::ConsentScope::covers_body`]), or 422
/// `consent_required`.
pub fn consent_for(
    shared_data: bool,
    body: BodyKind,
    day: NaiveDate,
    consents: &[Consent],
) -> Result<Option<&Consent>, DomainError> {
    if !shared_data || !values::body_needs_consent(body) {
        return Ok(None);
    }
    consents
        .iter()
        .rev()
        .find(|c| c.in_force_on(day) && c.scope.covers_body(body))
        .map(Some)
        .ok_or_else(|| {
            DomainError::rule(
                "consent_required",
                "passing the child's data to a school or employer needs a consent in force covering it (scope schools, employers or all_bodies): record it first",
            )
        })
}

/// A contact whose data passing is on record keeps what the record says: the body, the day
/// and that data was passed (422 `provision_recorded`; record a new contact instead).
pub fn check_recorded(current: &LiaisonContact, next: &LiaisonContact) -> Result<(), DomainError> {
    if current.provision.is_some()
        && (current.body_kind != next.body_kind
            || current.body_name != next.body_name
            || current.contacted_on != next.contacted_on
            || !next.shared_data)
    {
        return Err(DomainError::rule(
            "provision_recorded",
            "the data passing of this contact is on record: its body, day and shared_data stay as recorded",
        ));
    }
    Ok(())
}

fn in_future(field: &str, d: NaiveDate, today: NaiveDate) -> Result<NaiveDate, FieldError> {
    if d > today {
        Err(FieldError::new(
            field,
            "in_future",
            "must not be in the future",
        ))
    } else {
        Ok(d)
    }
}

/// Applies the contact's own fields (creation fills every required one first).
fn apply_fields(
    mut c: LiaisonContact,
    u: &LiaisonUpdate,
    today: NaiveDate,
) -> Result<LiaisonContact, DomainError> {
    let mut v = Validator::new();
    if let Some(k) = u
        .body_kind
        .as_deref()
        .and_then(|k| v.check(BodyKind::parse("body_kind", k)))
    {
        c.body_kind = k;
    }
    if let Some(n) = u
        .body_name
        .as_deref()
        .and_then(|n| v.check(values::name_text("body_name", n, 1, NAME_MAX)))
    {
        c.body_name = n;
    }
    if let Some(p) = &u.contact_person
        && let Some(p) = v.check(values::optional_prose(
            "contact_person",
            p.as_deref(),
            NAME_MAX,
        ))
    {
        c.contact_person = p;
    }
    if let Some(ch) = u
        .channel
        .as_deref()
        .and_then(|x| v.check(LiaisonChannel::parse("channel", x)))
    {
        c.channel = ch;
    }
    if let Some(d) = u
        .contacted_on
        .as_deref()
        .and_then(|d| v.check(values::date("contacted_on", d)))
        .and_then(|d| v.check(in_future("contacted_on", d, today)))
    {
        c.contacted_on = d;
    }
    if let Some(s) = &u.summary
        && let Some(s) = v.check(values::optional_prose("summary", Some(s), SUMMARY_MAX))
    {
        match s {
            Some(s) => c.summary = s,
            None => v.push(FieldError::new("summary", "required", "is required")),
        }
    }
    if let Some(x) = u.shared_data {
        c.shared_data = x;
    }
    if let Some(n) = &u.next_on {
        match n.as_deref().filter(|s| !s.trim().is_empty()) {
            None => c.next_on = None,
            Some(n) => {
                if let Some(d) = v.check(values::date("next_on", n)) {
                    c.next_on = Some(d);
                }
            }
        }
    }
    v.finish()?;
    Ok(c)
}

// --- use cases --------------------------------------------------------------------------

crate::facade!(
    /// 小慢 liaison contacts with schools, employers and agencies: `services.liaison()`.
    Liaison,
    liaison
);

impl Liaison<'_> {
    /// Records a contact about a 小慢 child of the caller's center.
    #[tracing::instrument(name = "liaison.create", skip_all, fields(center_id = ?ctx.actor.center_id, patient_id = %input.patient_id))]
    pub fn create(&self, ctx: &Ctx, input: LiaisonInput) -> Result<LiaisonContact, DomainError> {
        self.guard(ctx, Action::LiaisonContactCreate, None, || {
            let center = super::shoman_center(self, ctx, Permission::CaseWork)?;
            let mut v = Validator::new();
            let body_kind = v.check(BodyKind::parse("body_kind", &input.body_kind));
            let channel = v.check(LiaisonChannel::parse("channel", &input.channel));
            let contacted_on = v.check(values::date("contacted_on", &input.contacted_on));
            let patient = self.store.patient(center, input.patient_id)?;
            if patient.is_none() {
                v.push(FieldError::new(
                    "patient_id",
                    "not_found",
                    "no such patient in your center",
                ));
            }
            v.finish()?;
            let (Some(patient), Some(body_kind), Some(channel), Some(contacted_on)) =
                (patient, body_kind, channel, contacted_on)
            else {
                return Err(DomainError::Internal(
                    "validator passed with missing values".into(),
                ));
            };
            if patient.program != Program::Shoman {
                return Err(DomainError::rule(
                    "patient_not_shoman",
                    "liaison contacts are for patients of the 小慢 (shoman) program",
                ));
            }
            let now = self.clock.now();
            let blank = LiaisonContact {
                id: Uuid::now_v7(),
                center_id: center,
                patient_id: patient.id,
                plan_id: None,
                action_id: None,
                body_kind,
                body_name: String::new(),
                contact_person: None,
                channel,
                contacted_on,
                summary: String::new(),
                shared_data: false,
                next_on: None,
                provision: None,
                created_by: ctx.actor.user_id,
                version: 1,
                created_at: now,
                updated_at: now,
            };
            let fields = LiaisonUpdate {
                plan_id: Some(input.plan_id),
                action_id: Some(input.action_id),
                body_kind: None,
                body_name: Some(input.body_name),
                contact_person: Some(input.contact_person),
                channel: None,
                contacted_on: Some(input.contacted_on),
                summary: Some(input.summary),
                shared_data: input.shared_data,
                next_on: Some(input.next_on),
            };
            let mut c = apply_fields(blank, &fields, self.today())?;
            self.link(center, &mut c, &fields)?;
            let provision = self.provision(ctx, &c)?;
            let ev = self
                .ev(ctx, Action::LiaisonContactCreate)
                .resource(c.id)
                .patient(c.patient_id)
                .detail(format!(
                    "body_kind={}; shared_data={}",
                    c.body_kind, c.shared_data
                ));
            let pev = provision.as_ref().map(|p| self.provision_event(ctx, p));
            c.updated_at =
                self.store
                    .insert_liaison_contact(&c, provision.as_ref(), &ev, pev.as_ref())?;
            c.provision = provision;
            Ok(c)
        })
    }

    /// Reads a contact (an access event naming the child).
    #[tracing::instrument(name = "liaison.get", skip_all, fields(center_id = ?ctx.actor.center_id, %id))]
    pub fn get(&self, ctx: &Ctx, id: Uuid) -> Result<LiaisonContact, DomainError> {
        self.guard(ctx, Action::LiaisonContactRead, Some(id), || {
            let center = super::shoman_center(self, ctx, Permission::CaseWork)?;
            let c = self
                .store
                .liaison_contact(center, id)?
                .ok_or(DomainError::NotFound)?;
            self.log_read(ctx, Action::LiaisonContactRead, id, c.patient_id)?;
            Ok(c)
        })
    }

    /// The center's contacts, newest contact day first, by child, plan or action (an access
    /// event with the query and, when listing one child's, naming the child).
    #[tracing::instrument(name = "liaison.list", skip_all, fields(center_id = ?ctx.actor.center_id))]
    pub fn list(
        &self,
        ctx: &Ctx,
        filter: LiaisonFilter,
        page: PageRequest,
    ) -> Result<Page<LiaisonContact>, DomainError> {
        self.guard(ctx, Action::LiaisonContactList, None, || {
            let center = super::shoman_center(self, ctx, Permission::CaseWork)?;
            let found = self.store.liaison_contacts(center, &filter, page)?;
            let query: Vec<String> = [
                ("patient_id", filter.patient_id),
                ("plan_id", filter.plan_id),
                ("action_id", filter.action_id),
            ]
            .into_iter()
            .filter_map(|(k, v)| v.map(|v| format!("{k}={v}")))
            .collect();
            self.log_list(
                ctx,
                Action::LiaisonContactList,
                &query.join("; "),
                found.items.len(),
            )?;
            Ok(found)
        })
    }

    /// Changes a contact. Passing data afterwards (`shared_data: true`) to a school or an
    /// employer is checked and recorded then; what a record of provision says stays.
    #[tracing::instrument(name = "liaison.update", skip_all, fields(center_id = ?ctx.actor.center_id, %id))]
    pub fn update(
        &self,
        ctx: &Ctx,
        id: Uuid,
        if_match: IfMatch,
        input: LiaisonUpdate,
    ) -> Result<LiaisonContact, DomainError> {
        self.guard(ctx, Action::LiaisonContactUpdate, Some(id), || {
            let center = super::shoman_center(self, ctx, Permission::CaseWork)?;
            let current = self
                .store
                .liaison_contact(center, id)?
                .ok_or(DomainError::NotFound)?;
            let expected_version = if_match.against(current.version)?;
            let mut c = apply_fields(current.clone(), &input, self.today())?;
            self.link(center, &mut c, &input)?;
            check_recorded(&current, &c)?;
            let provision = if c.provision.is_none() {
                self.provision(ctx, &c)?
            } else {
                None
            };
            c.updated_at = self.clock.now();
            let ev = self
                .ev(ctx, Action::LiaisonContactUpdate)
                .resource(id)
                .patient(c.patient_id)
                .detail(changed_fields(&[
                    ("plan_id", c.plan_id != current.plan_id),
                    ("action_id", c.action_id != current.action_id),
                    ("body_kind", c.body_kind != current.body_kind),
                    ("body_name", c.body_name != current.body_name),
                    ("contact_person", c.contact_person != current.contact_person),
                    ("channel", c.channel != current.channel),
                    ("contacted_on", c.contacted_on != current.contacted_on),
                    ("summary", c.summary != current.summary),
                    ("shared_data", c.shared_data != current.shared_data),
                    ("next_on", c.next_on != current.next_on),
                ]));
            let pev = provision.as_ref().map(|p| self.provision_event(ctx, p));
            self.store.save_liaison_contact(
                &c,
                expected_version,
                provision.as_ref(),
                &ev,
                pev.as_ref(),
            )
        })
    }

    /// Sets the plan and action the input names (an action alone names its plan) and checks
    /// they are this child's, in this center (422 `not_found` on the field otherwise).
    fn link(
        &self,
        center: Uuid,
        c: &mut LiaisonContact,
        u: &LiaisonUpdate,
    ) -> Result<(), DomainError> {
        if let Some(p) = u.plan_id {
            c.plan_id = p;
        }
        if let Some(a) = u.action_id {
            c.action_id = a;
        }
        // Looked up by its id alone: an action of another plan of this center is a
        // mismatch (422 `action_not_of_plan`), not a missing record.
        let action = match c.action_id {
            None => None,
            Some(aid) => Some(self.store.plan_action_by_id(center, aid)?.ok_or_else(|| {
                DomainError::field(
                    "action_id",
                    "not_found",
                    "no such support-plan action in your center",
                )
            })?),
        };
        if c.plan_id.is_none() {
            c.plan_id = action.as_ref().map(|a| a.plan_id);
        }
        let plan = match c.plan_id {
            None => None,
            Some(pid) => Some(self.store.support_plan(center, pid)?.ok_or_else(|| {
                DomainError::field(
                    "plan_id",
                    "not_found",
                    "no such support plan in your center",
                )
            })?),
        };
        check_link(c.patient_id, plan.as_ref(), action.as_ref())
    }

    /// The record of provision a contact leaves, under the consent that covers it.
    fn provision(
        &self,
        ctx: &Ctx,
        c: &LiaisonContact,
    ) -> Result<Option<LiaisonProvision>, DomainError> {
        let consents = if c.shared_data && values::body_needs_consent(c.body_kind) {
            self.store.consents(c.center_id, c.patient_id)?
        } else {
            Vec::new()
        };
        Ok(
            consent_for(c.shared_data, c.body_kind, c.contacted_on, &consents)?.map(|consent| {
                LiaisonProvision {
                    id: Uuid::now_v7(),
                    center_id: c.center_id,
                    patient_id: c.patient_id,
                    contact_id: c.id,
                    body_kind: c.body_kind,
                    body_name: c.body_name.clone(),
                    consent_id: consent.id,
                    provided_on: c.contacted_on,
                    recorded_by: ctx.actor.user_id,
                    created_at: self.clock.now(),
                }
            }),
        )
    }

    fn provision_event(&self, ctx: &Ctx, p: &LiaisonProvision) -> crate::audit::AuditDraft {
        self.ev(ctx, Action::LiaisonProvide)
            .resource(p.id)
            .patient(p.patient_id)
            .detail(format!(
                "contact={}; body_kind={}; consent={}",
                p.contact_id, p.body_kind, p.consent_id
            ))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::values::{ActionState, ConsentScope, PlanState};

    fn day(m: u32, d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(2026, m, d).unwrap_or_default()
    }

    fn consent(scope: ConsentScope, given: NaiveDate) -> Consent {
        Consent {
            id: Uuid::now_v7(),
            center_id: Uuid::nil(),
            patient_id: Uuid::nil(),
            given_on: given,
            scope,
            withdrawn_on: None,
            notes: None,
            given_by: None,
            guardian_name: None,
            guardian_relationship: None,
            child_assent: false,
            recorded_by: Uuid::nil(),
            version: 1,
            created_at: DateTime::<Utc>::UNIX_EPOCH,
            updated_at: DateTime::<Utc>::UNIX_EPOCH,
        }
    }

    fn plan(patient: Uuid) -> SupportPlan {
        SupportPlan {
            id: Uuid::now_v7(),
            center_id: Uuid::nil(),
            patient_id: patient,
            state: PlanState::Draft,
            revision: 1,
            situation: None,
            wishes: None,
            goals: Vec::new(),
            review_due_on: None,
            approved_on: None,
            author_id: Uuid::nil(),
            submitted_by: None,
            created_by: Uuid::nil(),
            version: 1,
            created_at: DateTime::<Utc>::UNIX_EPOCH,
            updated_at: DateTime::<Utc>::UNIX_EPOCH,
        }
    }

    fn action(p: &SupportPlan) -> PlanAction {
        PlanAction {
            id: Uuid::now_v7(),
            center_id: Uuid::nil(),
            plan_id: p.id,
            patient_id: p.patient_id,
            body_kind: BodyKind::School,
            body_name: "高校".into(),
            description: None,
            responsible: "担任".into(),
            due_on: day(5, 1),
            state: ActionState::Open,
            outcome: None,
            next_on: None,
            created_by: Uuid::nil(),
            version: 1,
            created_at: DateTime::<Utc>::UNIX_EPOCH,
            updated_at: DateTime::<Utc>::UNIX_EPOCH,
        }
    }

    fn code<T: std::fmt::Debug>(r: Result<T, DomainError>) -> &'static str {
        match r {
            Ok(_) => "ok",
            Err(DomainError::Rule { code, .. }) => code,
            Err(e) => panic!("{e:?}"),
        }
    }

    #[test]
    fn a_contact_s_plan_and_action_are_the_child_s() {
        let child = Uuid::now_v7();
        let other = Uuid::now_v7();
        let p = plan(child);
        let a = action(&p);
        assert_eq!(code(check_link(child, None, None)), "ok");
        assert_eq!(code(check_link(child, Some(&p), Some(&a))), "ok");
        assert_eq!(
            code(check_link(other, Some(&p), None)),
            "plan_not_of_patient"
        );
        let p2 = plan(child);
        assert_eq!(
            code(check_link(child, Some(&p2), Some(&a))),
            "action_not_of_plan"
        );
        assert_eq!(
            code(check_link(child, None, Some(&a))),
            "action_not_of_plan"
        );
    }

    #[test]
    fn data_to_a_school_or_employer_rests_on_a_consent_covering_it_on_the_day() {
        let on = day(6, 10);
        let agencies = consent(ConsentScope::EmploymentAgencies, day(4, 1));
        let schools = consent(ConsentScope::Schools, day(6, 1));
        // No data passed, or to a body outside the rule: nothing needed.
        assert_eq!(
            consent_for(false, BodyKind::School, on, &[]).ok(),
            Some(None)
        );
        assert_eq!(
            consent_for(true, BodyKind::Hospital, on, &[]).ok(),
            Some(None)
        );
        assert_eq!(
            code(consent_for(
                true,
                BodyKind::School,
                on,
                std::slice::from_ref(&agencies)
            )),
            "consent_required"
        );
        let both = [agencies.clone(), schools.clone()];
        assert_eq!(
            consent_for(true, BodyKind::School, on, &both)
                .ok()
                .flatten()
                .map(|c| c.id),
            Some(schools.id)
        );
        assert_eq!(
            code(consent_for(true, BodyKind::School, day(5, 31), &both)),
            "consent_required"
        );
        assert_eq!(
            code(consent_for(true, BodyKind::Employer, on, &both)),
            "consent_required"
        );
        let mut withdrawn = consent(ConsentScope::AllBodies, day(4, 1));
        withdrawn.withdrawn_on = Some(day(6, 1));
        assert_eq!(
            code(consent_for(true, BodyKind::Employer, on, &[withdrawn])),
            "consent_required"
        );
    }

    #[test]
    fn a_recorded_provision_keeps_its_body_day_and_sharing() {
        let child = Uuid::now_v7();
        let c = LiaisonContact {
            id: Uuid::now_v7(),
            center_id: Uuid::nil(),
            patient_id: child,
            plan_id: None,
            action_id: None,
            body_kind: BodyKind::School,
            body_name: "高校".into(),
            contact_person: None,
            channel: LiaisonChannel::Phone,
            contacted_on: day(6, 10),
            summary: "連絡".into(),
            shared_data: true,
            next_on: None,
            provision: None,
            created_by: Uuid::nil(),
            version: 1,
            created_at: DateTime::<Utc>::UNIX_EPOCH,
            updated_at: DateTime::<Utc>::UNIX_EPOCH,
        };
        let unshared = LiaisonContact {
            shared_data: false,
            ..c.clone()
        };
        assert_eq!(code(check_recorded(&c, &unshared)), "ok");
        let recorded = LiaisonContact {
            provision: Some(LiaisonProvision {
                id: Uuid::now_v7(),
                center_id: Uuid::nil(),
                patient_id: child,
                contact_id: c.id,
                body_kind: BodyKind::School,
                body_name: "高校".into(),
                consent_id: Uuid::now_v7(),
                provided_on: day(6, 10),
                recorded_by: Uuid::nil(),
                created_at: DateTime::<Utc>::UNIX_EPOCH,
            }),
            ..c.clone()
        };
        assert_eq!(
            code(check_recorded(&recorded, &unshared)),
            "provision_recorded"
        );
        let renamed = LiaisonContact {
            body_name: "中学".into(),
            ..recorded.clone()
        };
        assert_eq!(
            code(check_recorded(&recorded, &renamed)),
            "provision_recorded"
        );
        let noted = LiaisonContact {
            summary: "追記".into(),
            ..recorded.clone()
        };
        assert_eq!(code(check_recorded(&recorded, &noted)), "ok");
    }

    #[test]
    fn a_contact_happened_on_a_day_that_has_passed_with_a_summary() {
        let today = day(6, 10);
        let c = LiaisonContact {
            id: Uuid::nil(),
            center_id: Uuid::nil(),
            patient_id: Uuid::nil(),
            plan_id: None,
            action_id: None,
            body_kind: BodyKind::School,
            body_name: String::new(),
            contact_person: None,
            channel: LiaisonChannel::Phone,
            contacted_on: today,
            summary: String::new(),
            shared_data: false,
            next_on: None,
            provision: None,
            created_by: Uuid::nil(),
            version: 1,
            created_at: DateTime::<Utc>::UNIX_EPOCH,
            updated_at: DateTime::<Utc>::UNIX_EPOCH,
        };
        let u = LiaisonUpdate {
            body_name: Some("高校".into()),
            contacted_on: Some("2026-06-11".into()),
            summary: Some(" ".into()),
            ..LiaisonUpdate::default()
        };
        match apply_fields(c.clone(), &u, today) {
            Err(DomainError::Validation(errs)) => {
                let codes: Vec<String> = errs
                    .iter()
                    .map(|e| format!("{}:{}", e.field, e.code))
                    .collect();
                assert_eq!(codes, ["contacted_on:in_future", "summary:required"]);
            }
            other => panic!("{other:?}"),
        }
        let ok = LiaisonUpdate {
            body_name: Some("高校".into()),
            contacted_on: Some("2026-06-10".into()),
            summary: Some("進路の相談".into()),
            next_on: Some(Some("2026-07-01".into())),
            ..LiaisonUpdate::default()
        };
        let c = apply_fields(c, &ok, today).unwrap();
        assert_eq!(c.next_on, Some(day(7, 1)));
        assert_eq!(c.summary, "進路の相談");
    }
}
