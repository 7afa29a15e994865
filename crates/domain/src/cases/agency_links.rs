//! Closing the loop with the agency (機関への確認リンク): for a referral at level 2 or above
//! the consultant hands the agency a one-time link (printed as a QR code on the referral
//! sheet, or e-mailed through the configured relay). The agency officer, without an
//! account, sees only what the consent and the referral's shared items allow (the
//! patient's initials and the referral date by default) and confirms what happened. The
//! confirmation is a follow-up from the agency's side: it completes the referral's open
//! follow-up (or is recorded as a done one), sends the referral to review, and enters the
//! trail with the agency (the link's id) as the actor.
//!
//! The link carries a random 256-bit token and nothing else; only the token's SHA-256 is
//! stored, so neither the database nor a backup can give a working link away. A link is
//! spent by its confirmation, and ends when it expires or is revoked.

use super::{follow_ups, require_case_worker};
use crate::app::Ctx;
use crate::audit::{AuditDraft, Outcome};
use crate::entities::{FollowUp, Referral, RequestMeta};
use crate::error::{DomainError, FieldError, Validator};
use crate::events::Action;
use crate::page::PageRequest;
use crate::ports::{AgencyConfirmation, FollowUpFilter, FollowUpState, Scope};
use crate::values::{
    self, AgencyOutcome, CaseOutcome, Contacted, FollowUpMethod, Level, Purpose, ReferralStatus,
    SharedItem,
};
use base64::Engine as _;
use chrono::{DateTime, Duration, NaiveDate, Utc};
use rand::RngCore;
use sha2::{Digest, Sha256};
use uuid::Uuid;

/// How long a link lives unless the consultant says otherwise, and at most.
pub const DEFAULT_EXPIRES_IN_DAYS: i64 = 14;
pub const MAX_EXPIRES_IN_DAYS: i64 = 60;
/// The agency's note: a line or two, not a record of its own.
pub const AGENCY_NOTE_MAX: usize = 500;
/// A token is 32 random bytes in unpadded base64url.
const TOKEN_LEN: usize = 43;

/// A one-time link handed to the agency of a referral. Its token is never stored.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AgencyLink {
    pub id: Uuid,
    pub center_id: Uuid,
    pub referral_id: Uuid,
    pub patient_id: Uuid,
    pub agency_id: Uuid,
    /// SHA-256 of the token, hex.
    pub token_hash: String,
    pub expires_at: DateTime<Utc>,
    /// Sent by e-mail through the relay (the address itself is not kept).
    pub emailed: bool,
    pub used_at: Option<DateTime<Utc>>,
    pub outcome: Option<AgencyOutcome>,
    /// The follow-up the confirmation recorded.
    pub follow_up_id: Option<Uuid>,
    pub revoked_at: Option<DateTime<Utc>>,
    pub revoked_by: Option<Uuid>,
    pub created_by: Uuid,
    pub created_at: DateTime<Utc>,
}

/// Where a link stands at a given time.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LinkState {
    Active,
    Used,
    Expired,
    Revoked,
}

impl LinkState {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Active => "active",
            Self::Used => "used",
            Self::Expired => "expired",
            Self::Revoked => "revoked",
        }
    }
}

impl AgencyLink {
    /// Used beats revoked beats expired: what happened to it, before what merely lapsed.
    pub fn state(&self, now: DateTime<Utc>) -> LinkState {
        if self.used_at.is_some() {
            LinkState::Used
        } else if self.revoked_at.is_some() {
            LinkState::Revoked
        } else if now >= self.expires_at {
            LinkState::Expired
        } else {
            LinkState::Active
        }
    }
}

#[derive(Debug, Clone, Default)]
pub struct AgencyLinkInput {
    pub expires_in_days: Option<i64>,
    /// The agency officer's address, to send the link to.
    pub email: Option<String>,
    /// Where the server is reached from outside (`https://tsunagu.example.jp`): the link is
    /// this and `/agency/{token}`.
    pub link_base: String,
}

/// A new link with its token and URL: answered once, never again.
#[derive(Debug, Clone)]
pub struct CreatedLink {
    pub link: AgencyLink,
    pub token: String,
    pub url: String,
    /// Whether the e-mail went to the relay; `None` when none was asked for.
    pub email_sent: Option<bool>,
}

#[derive(Debug, Clone, Default)]
pub struct AgencyConfirmInput {
    pub outcome: String,
    pub note: Option<String>,
}

/// What the agency may see of the referral.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AgencyPage {
    pub center_name: String,
    pub agency_name: String,
    pub level: Level,
    pub purpose: Purpose,
    pub referred_on: NaiveDate,
    /// The patient's initials in katakana (ヤ・ハ), always shown.
    pub initials: String,
    pub expires_at: DateTime<Utc>,
    pub shared: SharedView,
}

/// The patient's data the agency may see: only what was handed over at the referral
/// (`shared_items`) and only while the consent covering the agency is in force.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct SharedView {
    pub name: Option<String>,
    pub name_kana: Option<String>,
    pub birth_date: Option<NaiveDate>,
    pub phone: Option<String>,
    pub email: Option<String>,
    pub diagnosis: Option<String>,
    pub disability_certificate: Option<bool>,
}

/// The agency's receipt of its confirmation.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Confirmed {
    pub outcome: AgencyOutcome,
    pub confirmed_at: DateTime<Utc>,
}

crate::facade!(
    /// One-time links for the agency of a referral: `services.agency_links()`.
    AgencyLinks,
    agency_links
);

impl AgencyLinks<'_> {
    /// Makes a one-time link for the referral's agency (levels 2 to 4, open referrals),
    /// and e-mails it when an address is given.
    #[tracing::instrument(name = "agency_links.create", skip_all, fields(center_id = ?ctx.actor.center_id, %referral_id))]
    pub fn create(
        &self,
        ctx: &Ctx,
        referral_id: Uuid,
        input: AgencyLinkInput,
    ) -> Result<CreatedLink, DomainError> {
        self.guard(ctx, Action::AgencyLinkCreate, Some(referral_id), || {
            let center = require_case_worker(&ctx.actor)?;
            in_person(&ctx.actor)?;
            let r = self
                .store
                .referral(center, referral_id)?
                .ok_or(DomainError::NotFound)?;
            let mut v = Validator::new();
            let days = v.check(expires_in(input.expires_in_days));
            let email = match input.email.as_deref().map(str::trim) {
                None | Some("") => None,
                Some(raw) => v.check(crate::contact::email("email", raw)),
            };
            v.finish()?;
            can_link(&r)?;
            if email.is_some() && self.mailer.is_none() {
                return Err(DomainError::rule(
                    "email_not_configured",
                    "this server has no e-mail relay (TSUNAGU_SMTP_URL); print the QR code or pass the link on yourself",
                ));
            }
            let days = days.ok_or_else(|| super::missing("expires_in_days"))?;
            let now = self.clock.now();
            let (token, token_hash) = new_token();
            let link = AgencyLink {
                id: Uuid::now_v7(),
                center_id: center,
                referral_id: r.id,
                patient_id: r.patient_id,
                agency_id: r.agency_id,
                token_hash,
                expires_at: now + Duration::days(days),
                emailed: email.is_some(),
                used_at: None,
                outcome: None,
                follow_up_id: None,
                revoked_at: None,
                revoked_by: None,
                created_by: ctx.actor.user_id,
                created_at: now,
            };
            let ev = self
                .ev(ctx, Action::AgencyLinkCreate)
                .resource(link.id)
                .patient(link.patient_id)
                .detail(format!(
                    "referral={}; expires_in_days={days}; email={}",
                    r.id,
                    email.is_some()
                ));
            self.store.insert_agency_link(&link, &ev)?;
            let url = format!("{}/agency/{token}", input.link_base.trim_end_matches('/'));
            let email_sent = match (email, &self.mailer) {
                (Some(to), Some(mailer)) => {
                    let center_name = self
                        .store
                        .center(center)?
                        .map(|c| c.name)
                        .unwrap_or_default();
                    let agency_name = self
                        .store
                        .agency(Scope::Center(center), r.agency_id)?
                        .map(|a| a.name)
                        .unwrap_or_default();
                    let (subject, body) = mail_text(&center_name, &agency_name, &url, link.expires_at);
                    // The link is made either way: when the relay fails the consultant still
                    // has the URL and the QR code to pass on.
                    match mailer.send(&to, &subject, &body) {
                        Ok(()) => Some(true),
                        Err(e) => {
                            tracing::warn!(link = %link.id, error = %e, "the agency link could not be e-mailed");
                            Some(false)
                        }
                    }
                }
                _ => None,
            };
            Ok(CreatedLink {
                link,
                token,
                url,
                email_sent,
            })
        })
    }

    /// The referral's links, newest first (never their tokens).
    #[tracing::instrument(name = "agency_links.list", skip_all, fields(center_id = ?ctx.actor.center_id, %referral_id))]
    pub fn list(&self, ctx: &Ctx, referral_id: Uuid) -> Result<Vec<AgencyLink>, DomainError> {
        self.guard(ctx, Action::AgencyLinkList, Some(referral_id), || {
            let center = require_case_worker(&ctx.actor)?;
            let r = self
                .store
                .referral(center, referral_id)?
                .ok_or(DomainError::NotFound)?;
            let links = self.store.agency_links(center, referral_id)?;
            self.log_access(
                self.ev(ctx, Action::AgencyLinkList)
                    .resource(referral_id)
                    .patient(r.patient_id)
                    .detail(format!("count={}", links.len())),
            )?;
            Ok(links)
        })
    }

    /// Revokes a link that was not used; revoking it again changes nothing.
    #[tracing::instrument(name = "agency_links.revoke", skip_all, fields(center_id = ?ctx.actor.center_id, %referral_id, %link_id))]
    pub fn revoke(
        &self,
        ctx: &Ctx,
        referral_id: Uuid,
        link_id: Uuid,
    ) -> Result<AgencyLink, DomainError> {
        self.guard(ctx, Action::AgencyLinkRevoke, Some(link_id), || {
            let center = require_case_worker(&ctx.actor)?;
            in_person(&ctx.actor)?;
            let link = self
                .store
                .agency_link(center, link_id)?
                .filter(|l| l.referral_id == referral_id)
                .ok_or(DomainError::NotFound)?;
            if link.used_at.is_some() {
                return Err(used());
            }
            if link.revoked_at.is_some() {
                return Ok(link);
            }
            let now = self.clock.now();
            let revoked = AgencyLink {
                revoked_at: Some(now),
                revoked_by: Some(ctx.actor.user_id),
                ..link
            };
            let ev = self
                .ev(ctx, Action::AgencyLinkRevoke)
                .resource(revoked.id)
                .patient(revoked.patient_id)
                .detail(format!("referral={referral_id}"));
            if !self.store.revoke_agency_link(&revoked, &ev)? {
                return Err(used());
            }
            Ok(revoked)
        })
    }

    /// What the agency may see, for the holder of the token. Unknown and malformed tokens
    /// are not found; a used, expired or revoked link (or one whose referral closed) is gone.
    #[tracing::instrument(name = "agency_links.view", skip_all)]
    pub fn view(&self, meta: &RequestMeta, token: &str) -> Result<AgencyPage, DomainError> {
        let (link, r) = self.usable(meta, token, Action::AgencyLinkView)?;
        let center = link.center_id;
        let patient = self
            .store
            .patient(center, r.patient_id)?
            .ok_or(DomainError::NotFound)?;
        let agency_name = self
            .store
            .agency(Scope::Center(center), r.agency_id)?
            .map(|a| a.name)
            .unwrap_or_default();
        let center_name = self
            .store
            .center(center)?
            .map(|c| c.name)
            .unwrap_or_default();
        let items: Vec<SharedItem> = self
            .store
            .provisions(center, r.patient_id)?
            .into_iter()
            .filter(|p| p.referral_id == r.id)
            .flat_map(|p| p.items)
            .collect();
        let today = self.today();
        let consent_in_force = self
            .store
            .consents(center, r.patient_id)?
            .iter()
            .any(|c| c.allows_provision(r.agency_type, today));
        let allowed = visible_items(&items, consent_in_force);
        let shared = shared_view(&allowed, &patient);
        self.log_access(
            agency_event(meta, &link, self.clock.now(), Action::AgencyLinkView)
                .resource(link.id)
                .patient(r.patient_id)
                .detail(format!(
                    "referral={}; items={}",
                    r.id,
                    values::join_list(&allowed, SharedItem::as_str)
                )),
        )?;
        Ok(AgencyPage {
            center_name,
            agency_name,
            level: r.level,
            purpose: r.purpose,
            referred_on: r.referred_on,
            initials: initials(&patient.family_name_kana, &patient.given_name_kana),
            expires_at: link.expires_at,
            shared,
        })
    }

    /// The agency's confirmation: spends the link and records the follow-up.
    #[tracing::instrument(name = "agency_links.confirm", skip_all)]
    pub fn confirm(
        &self,
        meta: &RequestMeta,
        token: &str,
        input: AgencyConfirmInput,
    ) -> Result<Confirmed, DomainError> {
        let (link, r) = self.usable(meta, token, Action::ReferralAgencyConfirm)?;
        let mut v = Validator::new();
        let outcome = v.check(AgencyOutcome::parse("outcome", input.outcome.trim()));
        let note = v
            .check(values::optional_prose(
                "note",
                input.note.as_deref(),
                AGENCY_NOTE_MAX,
            ))
            .flatten();
        v.finish()?;
        let outcome = outcome.ok_or_else(|| super::missing("outcome"))?;
        let now = self.clock.now();
        let today = self.today();
        let open = self
            .store
            .follow_ups(
                link.center_id,
                &FollowUpFilter {
                    state: FollowUpState::Open,
                    assignee: None,
                    referral_id: Some(r.id),
                    patient_id: None,
                    today,
                    due_before: None,
                    due_within: None,
                },
                PageRequest {
                    limit: 1,
                    ..PageRequest::default()
                },
            )?
            .items
            .into_iter()
            .next()
            .map(|v| v.follow_up);
        let (follow_up, completes) =
            agency_follow_up(open.as_ref(), &r, &link, outcome, note, today, now);
        let spent = AgencyLink {
            used_at: Some(now),
            outcome: Some(outcome),
            follow_up_id: Some(follow_up.id),
            ..link
        };
        let events = vec![
            agency_event(meta, &spent, now, Action::ReferralAgencyConfirm)
                .resource(r.id)
                .patient(r.patient_id)
                .detail(format!(
                    "agency_link={}; outcome={}; follow_up={}",
                    spent.id,
                    outcome.as_str(),
                    follow_up.id
                )),
            agency_event(meta, &spent, now, Action::FollowUpRecord)
                .resource(follow_up.id)
                .patient(r.patient_id)
                .detail(format!(
                    "referral={}; agency_link={}; completes_scheduled={}",
                    r.id,
                    spent.id,
                    completes.is_some()
                )),
        ];
        let c = AgencyConfirmation {
            link: spent,
            follow_up,
            completes,
        };
        if !self.store.confirm_agency_link(&c, &events)? {
            return Err(gone());
        }
        Ok(Confirmed {
            outcome,
            confirmed_at: now,
        })
    }

    /// The link behind a token and its referral, if it can still be used. A known link
    /// that cannot leaves a failed event in its center's trail.
    fn usable(
        &self,
        meta: &RequestMeta,
        token: &str,
        action: Action,
    ) -> Result<(AgencyLink, Referral), DomainError> {
        let hash = token_hash(token).ok_or(DomainError::NotFound)?;
        let link = self
            .store
            .agency_link_by_hash(&hash)?
            .ok_or(DomainError::NotFound)?;
        let r = self
            .store
            .referral(link.center_id, link.referral_id)?
            .ok_or(DomainError::NotFound)?;
        let now = self.clock.now();
        let state = link.state(now);
        if state != LinkState::Active || r.status == ReferralStatus::Closed {
            let ev = agency_event(meta, &link, now, action)
                .resource(link.id)
                .outcome(Outcome::Failed)
                .detail(format!(
                    "link_gone; state={}; referral_status={}",
                    state.as_str(),
                    r.status.as_str()
                ));
            if let Err(e) = self.store.append_audit(&[ev]) {
                crate::app::log_unaudited_refusal(&e);
            }
            return Err(gone());
        }
        Ok((link, r))
    }
}

fn in_person(actor: &crate::entities::Actor) -> Result<(), DomainError> {
    if actor.is_client() {
        return Err(DomainError::forbidden(
            "in_person_only",
            "agency links are made and revoked by the center's staff in person",
        ));
    }
    Ok(())
}

fn used() -> DomainError {
    DomainError::rule(
        "agency_link_used",
        "the agency already answered through this link",
    )
}

fn gone() -> DomainError {
    DomainError::Gone {
        code: "link_gone",
        detail: "this link was used, has expired or was withdrawn; ask the center for a new one"
            .into(),
    }
}

/// An event whose actor is the agency holding the link: kind `agency`, id the link's.
fn agency_event(
    meta: &RequestMeta,
    link: &AgencyLink,
    now: DateTime<Utc>,
    action: Action,
) -> AuditDraft {
    let mut d = AuditDraft::anonymous(meta, now, action);
    d.actor_kind = "agency";
    d.actor_id = Some(link.id);
    d.center_id = Some(link.center_id);
    d
}

/// Days until a new link expires: 14 by default, 1 to 60.
fn expires_in(raw: Option<i64>) -> Result<i64, FieldError> {
    match raw {
        None => Ok(DEFAULT_EXPIRES_IN_DAYS),
        Some(d) if (1..=MAX_EXPIRES_IN_DAYS).contains(&d) => Ok(d),
        Some(_) => Err(FieldError::new(
            "expires_in_days",
            "out_of_range",
            format!("must be from 1 to {MAX_EXPIRES_IN_DAYS}"),
        )),
    }
}

/// A link goes to the agency of an open referral that passed it the patient's data (level 2
/// up): below that the agency was only named to the patient and has nothing to confirm.
fn can_link(r: &Referral) -> Result<(), DomainError> {
    if r.status == ReferralStatus::Closed {
        return Err(DomainError::rule(
            "referral_closed",
            "this referral is closed",
        ));
    }
    if r.level.rank() < Level::PhoneMediation.rank() {
        return Err(DomainError::rule(
            "level_too_low",
            "a link for the agency needs a referral at phone_mediation or above",
        ));
    }
    Ok(())
}

/// A new token and its hash: 256 random bits from the operating system's generator.
fn new_token() -> (String, String) {
    let mut b = [0u8; 32];
    rand::rngs::OsRng.fill_bytes(&mut b);
    let token = base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(b);
    let hash = hex::encode(Sha256::digest(token.as_bytes()));
    (token, hash)
}

/// The stored hash of a token, or `None` when it cannot be one of ours (so it is not
/// looked up at all).
pub fn token_hash(token: &str) -> Option<String> {
    let ok = token.len() == TOKEN_LEN
        && token
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_');
    ok.then(|| hex::encode(Sha256::digest(token.as_bytes())))
}

/// The items the agency may see: those handed over at the referral, and none once the
/// consent covering the agency is no longer in force (withdrawn, or never given).
pub fn visible_items(shared: &[SharedItem], consent_in_force: bool) -> Vec<SharedItem> {
    if !consent_in_force {
        return Vec::new();
    }
    let mut out: Vec<SharedItem> = Vec::new();
    for i in shared {
        if !out.contains(i) {
            out.push(*i);
        }
    }
    out.sort();
    out
}

/// What the page shows of the patient for the allowed items. Items that were handed over
/// on paper (address, employment history, the consultation record) are not repeated here.
fn shared_view(items: &[SharedItem], p: &crate::entities::Patient) -> SharedView {
    let has = |i: SharedItem| items.contains(&i);
    let mut v = SharedView::default();
    if has(SharedItem::Name) {
        v.name = Some(format!("{} {}", p.family_name, p.given_name));
        v.name_kana = Some(format!("{} {}", p.family_name_kana, p.given_name_kana));
    }
    if has(SharedItem::BirthDate) {
        v.birth_date = Some(p.birth_date);
    }
    if has(SharedItem::Contact) {
        v.phone = p.phone.clone();
        v.email = p.email.clone();
    }
    if has(SharedItem::Diagnosis) {
        v.diagnosis = p
            .disease_number
            .and_then(crate::master::disease)
            .map(|d| d.name.clone())
            .or_else(|| p.diagnosis.clone());
    }
    if has(SharedItem::DisabilityCertificate) {
        v.disability_certificate = Some(p.disability_certificate);
    }
    v
}

/// The patient's initials from the readings: the first kana of each (`ヤマダ ハナコ` →
/// `ヤ・ハ`), enough for an officer to match the person in front of them and no more.
pub fn initials(family_kana: &str, given_kana: &str) -> String {
    let first = |s: &str| {
        s.trim()
            .chars()
            .next()
            .map(String::from)
            .unwrap_or_default()
    };
    match (first(family_kana), first(given_kana)) {
        (f, g) if f.is_empty() => g,
        (f, g) if g.is_empty() => f,
        (f, g) => format!("{f}・{g}"),
    }
}

/// The follow-up outcome an agency's answer stands for, given what the referral was for.
pub fn case_outcome(o: AgencyOutcome, purpose: Purpose) -> CaseOutcome {
    match (o, purpose) {
        (AgencyOutcome::Came | AgencyOutcome::RegisteredJobSeeker, Purpose::NewEmployment) => {
            CaseOutcome::Searching
        }
        (AgencyOutcome::Employed, _) => CaseOutcome::Employed,
        // Retention support (定着支援) starts once someone is in work.
        (AgencyOutcome::RetentionSupportStarted, Purpose::NewEmployment) => CaseOutcome::Employed,
        (AgencyOutcome::RetentionSupportStarted, Purpose::JobRetention) => CaseOutcome::Retained,
        (AgencyOutcome::Came | AgencyOutcome::RegisteredJobSeeker, Purpose::JobRetention)
        | (AgencyOutcome::DidNotCome, _) => CaseOutcome::Other,
    }
}

/// Whether the answer does the follow-up's work: it tells where the patient stands. "Did
/// not come" only informs: the consultant still has to reach the patient, so the scheduled
/// follow-up stays open (and overdue when it is).
pub fn satisfies_follow_up(o: AgencyOutcome) -> bool {
    o != AgencyOutcome::DidNotCome
}

/// The follow-up an agency's answer records: the referral's open follow-up completed
/// (with the version it is completed at), or, when there is none or the answer does not
/// satisfy it, a new follow-up done today.
fn agency_follow_up(
    open: Option<&FollowUp>,
    r: &Referral,
    link: &AgencyLink,
    outcome: AgencyOutcome,
    note: Option<String>,
    today: NaiveDate,
    now: DateTime<Utc>,
) -> (FollowUp, Option<i32>) {
    let (mut f, completes) = match open {
        Some(o) if satisfies_follow_up(outcome) => (o.clone(), Some(o.version)),
        _ => (
            follow_ups::schedule(r, r.consultant_id, today, link.created_by, now),
            None,
        ),
    };
    f.done_on = Some(today);
    f.method = Some(FollowUpMethod::Online);
    f.contacted = Some(Contacted::Agency);
    f.outcome = Some(case_outcome(outcome, r.purpose));
    f.notes = note.or(f.notes);
    f.recorded_by = None;
    f.agency_link_id = Some(link.id);
    f.agency_outcome = Some(outcome);
    f.updated_at = now;
    (f, completes)
}

/// The e-mail that carries a link: the center and the agency by name, the link and its
/// expiry; nothing about the patient.
fn mail_text(
    center_name: &str,
    agency_name: &str,
    url: &str,
    expires_at: DateTime<Utc>,
) -> (String, String) {
    let until = expires_at
        .with_timezone(&crate::clock::tokyo())
        .format("%Y年%m月%d日 %H:%M");
    let subject = format!("【{center_name}】ご紹介した方の状況確認のお願い");
    let body = format!(
        "{agency_name} ご担当者様\n\n\
         {center_name}です。先日ご紹介した方のその後について、下記のリンクからご回答をお願いいたします（ログインは不要です）。\n\n\
         {url}\n\n\
         このリンクは一度だけ使え、{until}（日本時間）まで有効です。リンクに個人情報は含まれていません。\n\
         お心当たりのない場合は、このメールを破棄してください。\n"
    );
    (subject, body)
}

#[cfg(test)]
mod tests {
    use super::super::testing::{at, day, follow_up, referral};
    use super::*;

    fn link(r: &Referral, now: DateTime<Utc>) -> AgencyLink {
        AgencyLink {
            id: Uuid::now_v7(),
            center_id: r.center_id,
            referral_id: r.id,
            patient_id: r.patient_id,
            agency_id: r.agency_id,
            token_hash: String::new(),
            expires_at: now + Duration::days(14),
            emailed: false,
            used_at: None,
            outcome: None,
            follow_up_id: None,
            revoked_at: None,
            revoked_by: None,
            created_by: Uuid::now_v7(),
            created_at: now,
        }
    }

    #[test]
    fn a_token_is_256_random_bits_and_only_its_hash_is_kept() {
        let (t, h) = new_token();
        assert_eq!(t.len(), TOKEN_LEN);
        assert_eq!(h.len(), 64);
        assert_eq!(token_hash(&t).as_deref(), Some(h.as_str()));
        let (t2, h2) = new_token();
        assert_ne!((t.as_str(), h.as_str()), (t2.as_str(), h2.as_str()));
        // A changed character is another token; a malformed one is not looked up.
        let mut tampered = t.clone().into_bytes();
        tampered[5] = if tampered[5] == b'A' { b'B' } else { b'A' };
        let tampered = String::from_utf8(tampered).unwrap();
        assert_ne!(token_hash(&tampered).as_deref(), Some(h.as_str()));
        assert_eq!(token_hash(&t[1..]), None);
        assert_eq!(token_hash(&format!("{}!", &t[1..])), None);
        assert_eq!(token_hash(""), None);
    }

    #[test]
    fn a_link_is_used_revoked_expired_or_active() {
        let now = at("2026-06-01T09:00:00+09:00");
        let r = referral(Level::Accompanied, day(2026, 5, 20));
        let l = link(&r, now);
        assert_eq!(l.state(now), LinkState::Active);
        assert_eq!(l.state(l.expires_at), LinkState::Expired);
        let revoked = AgencyLink {
            revoked_at: Some(now),
            ..l.clone()
        };
        assert_eq!(revoked.state(now), LinkState::Revoked);
        let used = AgencyLink {
            used_at: Some(now),
            ..revoked
        };
        assert_eq!(used.state(now + Duration::days(30)), LinkState::Used);
    }

    #[test]
    fn links_are_for_open_referrals_from_phone_mediation_up() {
        let d = day(2026, 5, 20);
        assert!(matches!(
            can_link(&referral(Level::InformationOnly, d)),
            Err(DomainError::Rule {
                code: "level_too_low",
                ..
            })
        ));
        for level in [
            Level::PhoneMediation,
            Level::Accompanied,
            Level::AccompaniedWithFollowUp,
        ] {
            assert!(can_link(&referral(level, d)).is_ok(), "{level}");
        }
        let closed = Referral {
            status: ReferralStatus::Closed,
            ..referral(Level::Accompanied, d)
        };
        assert!(matches!(
            can_link(&closed),
            Err(DomainError::Rule {
                code: "referral_closed",
                ..
            })
        ));
    }

    #[test]
    fn a_link_lives_fourteen_days_unless_told_at_most_sixty() {
        assert_eq!(expires_in(None), Ok(14));
        assert_eq!(expires_in(Some(1)), Ok(1));
        assert_eq!(expires_in(Some(60)), Ok(60));
        for bad in [0, -1, 61] {
            assert_eq!(expires_in(Some(bad)).unwrap_err().code, "out_of_range");
        }
    }

    #[test]
    fn the_agency_sees_the_shared_items_only_under_a_consent_in_force() {
        let shared = [
            SharedItem::Diagnosis,
            SharedItem::Name,
            SharedItem::Name,
            SharedItem::BirthDate,
        ];
        assert_eq!(
            visible_items(&shared, true),
            [
                SharedItem::Name,
                SharedItem::BirthDate,
                SharedItem::Diagnosis
            ]
        );
        assert!(visible_items(&shared, false).is_empty());
        assert!(visible_items(&[], true).is_empty());
    }

    #[test]
    fn the_page_shows_what_the_items_name_and_nothing_else() {
        let p = crate::entities::Patient {
            id: Uuid::nil(),
            center_id: Uuid::nil(),
            case_number: "2026-0001".into(),
            family_name: "山田".into(),
            given_name: "花子".into(),
            family_name_kana: "ヤマダ".into(),
            given_name_kana: "ハナコ".into(),
            birth_date: day(1990, 4, 1),
            sex: None,
            prefecture_code: None,
            municipality_code: None,
            phone: Some("082-000-0000".into()),
            email: None,
            program: crate::values::Program::Nanbyo,
            disease_number: None,
            diagnosis: Some("診断名".into()),
            employment_status: crate::values::EmploymentStatus::JobSeeking,
            support_awareness: crate::values::SupportAwareness::Unaware,
            disability_certificate: true,
            notes: Some("相談メモ".into()),
            referral_source: None,
            created_by: Uuid::nil(),
            version: 1,
            created_at: DateTime::<Utc>::UNIX_EPOCH,
            updated_at: DateTime::<Utc>::UNIX_EPOCH,
        };
        assert_eq!(shared_view(&[], &p), SharedView::default());
        let v = shared_view(&[SharedItem::Name, SharedItem::Contact], &p);
        assert_eq!(v.name.as_deref(), Some("山田 花子"));
        assert_eq!(v.name_kana.as_deref(), Some("ヤマダ ハナコ"));
        assert_eq!(v.phone.as_deref(), Some("082-000-0000"));
        assert_eq!(
            (v.birth_date, v.diagnosis, v.disability_certificate),
            (None, None, None)
        );
        let v = shared_view(
            &[SharedItem::Diagnosis, SharedItem::DisabilityCertificate],
            &p,
        );
        assert_eq!(v.diagnosis.as_deref(), Some("診断名"));
        assert_eq!(v.disability_certificate, Some(true));
        assert_eq!(v.name, None);
        assert_eq!(initials(&p.family_name_kana, &p.given_name_kana), "ヤ・ハ");
        assert_eq!(initials("", "ハナコ"), "ハ");
    }

    #[test]
    fn each_answer_stands_for_a_follow_up_outcome() {
        use AgencyOutcome as A;
        use CaseOutcome as C;
        use Purpose::{JobRetention as Keep, NewEmployment as New};
        let table = [
            (A::Came, New, C::Searching),
            (A::Came, Keep, C::Other),
            (A::DidNotCome, New, C::Other),
            (A::DidNotCome, Keep, C::Other),
            (A::RegisteredJobSeeker, New, C::Searching),
            (A::RegisteredJobSeeker, Keep, C::Other),
            (A::Employed, New, C::Employed),
            (A::Employed, Keep, C::Employed),
            (A::RetentionSupportStarted, New, C::Employed),
            (A::RetentionSupportStarted, Keep, C::Retained),
        ];
        for (a, p, c) in table {
            assert_eq!(case_outcome(a, p), c, "{a} for {p}");
        }
        assert_eq!(
            A::ALL.iter().filter(|a| !satisfies_follow_up(**a)).count(),
            1
        );
    }

    #[test]
    fn an_answer_completes_the_open_follow_up_unless_the_patient_did_not_come() {
        let now = at("2026-06-20T10:00:00+09:00");
        let today = day(2026, 6, 20);
        let r = referral(Level::AccompaniedWithFollowUp, day(2026, 6, 1));
        let l = link(&r, now);
        let open = FollowUp {
            referral_id: r.id,
            notes: Some("予定".into()),
            ..follow_up(day(2026, 6, 15))
        };
        let (f, completes) = agency_follow_up(
            Some(&open),
            &r,
            &l,
            AgencyOutcome::Came,
            Some("来所されました".into()),
            today,
            now,
        );
        assert_eq!((f.id, completes), (open.id, Some(open.version)));
        assert_eq!(f.done_on, Some(today));
        assert_eq!(
            (f.method, f.contacted, f.outcome),
            (
                Some(FollowUpMethod::Online),
                Some(Contacted::Agency),
                Some(CaseOutcome::Searching)
            )
        );
        assert_eq!(f.notes.as_deref(), Some("来所されました"));
        assert_eq!(
            (f.recorded_by, f.agency_link_id, f.agency_outcome),
            (None, Some(l.id), Some(AgencyOutcome::Came))
        );
        // Without a note the scheduled one keeps its own.
        let (f, _) = agency_follow_up(
            Some(&open),
            &r,
            &l,
            AgencyOutcome::Employed,
            None,
            today,
            now,
        );
        assert_eq!(f.notes.as_deref(), Some("予定"));

        // "Did not come" leaves the open one open and is recorded beside it.
        let (f, completes) = agency_follow_up(
            Some(&open),
            &r,
            &l,
            AgencyOutcome::DidNotCome,
            None,
            today,
            now,
        );
        assert_eq!(completes, None);
        assert_ne!(f.id, open.id);
        assert_eq!(
            (f.referral_id, f.due_on, f.done_on),
            (r.id, today, Some(today))
        );
        assert_eq!(f.created_by, l.created_by);
        // No open follow-up (levels 2 and 3): a done one is recorded.
        let r2 = referral(Level::PhoneMediation, day(2026, 6, 1));
        let (f, completes) = agency_follow_up(
            None,
            &r2,
            &link(&r2, now),
            AgencyOutcome::Came,
            None,
            today,
            now,
        );
        assert_eq!((completes, f.assignee_id), (None, r2.consultant_id));
        assert!(!f.is_open());
    }

    #[test]
    fn the_mail_names_no_patient() {
        let (subject, body) = mail_text(
            "広島 難病相談支援センター",
            "ハローワーク広島",
            "https://t.example.jp/agency/abc",
            at("2026-06-15T00:00:00Z"),
        );
        assert!(subject.contains("広島 難病相談支援センター"));
        assert!(body.contains("https://t.example.jp/agency/abc"));
        assert!(body.contains("2026年06月15日 09:00"));
        assert!(body.starts_with("ハローワーク広島 ご担当者様"));
    }

    #[test]
    fn an_answer_is_one_of_the_five() {
        assert_eq!(
            AgencyOutcome::parse("outcome", "maybe").unwrap_err().code,
            "invalid_choice"
        );
    }
}
