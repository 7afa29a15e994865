//! Third-party applications: API clients (their scopes, secrets and tokens) and webhooks
//! (subscriptions, the events they carry, Standard Webhooks signing and the retry schedule).
//!
//! An API client belongs to a center or to an administration ([`ClientOwner`]). A center's
//! client acts within the center with a supervisor's reach, an administration's with an
//! officer's (its councils, regional issues and its centers' aggregates, never a patient),
//! each narrowed to the scopes granted; the HTTP adapter refuses every operation outside
//! those scopes before any of this runs, and the rules below refuse what no client may do
//! (reviews, staff, publishing).
//!
//! Signing stays ours: the `standardwebhooks` crate has had one release (2024, on base64 0.21)
//! and would pull `http` and `time` into the domain for ten lines the spec's vector checks.

use crate::audit::{AuditDraft, Outcome};
use crate::error::FieldError;
use crate::events::WebhookEvent;
use base64::Engine as _;
use chrono::{DateTime, Duration, SecondsFormat, Utc};
use hmac::{Hmac, Mac};
use rand::RngCore;
use sha2::Sha256;
use uuid::Uuid;

/// Every scope there is, with what it allows; [`grantable`] says which an owner may grant.
pub const SCOPES: &[(&str, &str)] = &[
    (
        "patients:read",
        "Read patients, their consent, data provided and timeline",
    ),
    ("patients:write", "Register and change patients and consent"),
    ("consultations:read", "Read consultations (相談)"),
    ("consultations:write", "Record and change consultations"),
    (
        "referrals:read",
        "Read referrals (紹介), their level history and follow-ups",
    ),
    ("referrals:write", "Refer patients and change referrals"),
    ("follow_ups:read", "Read the follow-up queue"),
    ("follow_ups:write", "Schedule and record follow-ups"),
    ("agencies:read", "Read the center's agencies"),
    (
        "reports:read",
        "Read the ministry's figures and other reports",
    ),
    ("audit:read", "Read the audit trail and verify its chain"),
    (
        "shoman:read",
        "Read 小慢 support plans, their versions, reviews and actions",
    ),
    (
        "shoman:write",
        "Draft, revise and submit 小慢 support plans and follow up their actions",
    ),
    (
        "activities:read",
        "Read outreach activities (周知), staff trainings (研修) and events with their attendees",
    ),
    (
        "activities:write",
        "Record outreach activities, trainings and events, and name attendees",
    ),
    (
        "regional:read",
        "Read an administration's councils, meetings, regional issues with their live figures, and its publication preview",
    ),
    (
        "regional:write",
        "Record an administration's councils, meetings, regional issues, their stage changes, measures and figures",
    ),
];

/// The scopes of an administration's work: granted by its officers, never by a center.
const REGIONAL_SCOPES: &[&str] = &["regional:read", "regional:write"];

/// Who an API client belongs to, and so whose records it reaches.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ClientOwner {
    /// A center's application: its case work, within the center.
    Center(Uuid),
    /// An administration's (自治体): its regional work and its centers' figures.
    Administration(Uuid),
}

impl ClientOwner {
    pub fn center(self) -> Option<Uuid> {
        match self {
            ClientOwner::Center(c) => Some(c),
            ClientOwner::Administration(_) => None,
        }
    }

    pub fn administration(self) -> Option<Uuid> {
        match self {
            ClientOwner::Administration(a) => Some(a),
            ClientOwner::Center(_) => None,
        }
    }
}

/// Whether `owner` may grant `scope`: a center every scope of case work, reports and the
/// audit trail; an administration the regional scopes and `reports:read` (its centers'
/// aggregates). An administration's client never reaches a patient, so no scope that reads
/// or writes one is offered to it.
pub fn grantable(owner: ClientOwner, scope: &str) -> bool {
    let regional = REGIONAL_SCOPES.contains(&scope);
    match owner {
        ClientOwner::Center(_) => !regional,
        ClientOwner::Administration(_) => regional || scope == "reports:read",
    }
}

/// Access tokens of API clients live as long as people's: ten minutes.
pub const CLIENT_TOKEN_TTL: Duration = Duration::minutes(10);
/// How long the previous secret keeps working after a rotation when the caller does not say.
pub const DEFAULT_ROTATION_OVERLAP: Duration = Duration::hours(24);
/// The longest overlap a rotation may ask for.
pub const MAX_ROTATION_OVERLAP: Duration = Duration::days(30);

pub const CLIENT_ID_PREFIX: &str = "tsu_";
pub const CLIENT_SECRET_PREFIX: &str = "tsusec_";
pub const WEBHOOK_SECRET_PREFIX: &str = "whsec_";

/// A third-party application of a center or an administration.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ApiClient {
    pub id: Uuid,
    pub owner: ClientOwner,
    pub name: String,
    /// The public identifier sent to the token endpoint.
    pub client_id: String,
    pub scopes: Vec<String>,
    pub created_by: Uuid,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
    pub secret_rotated_at: Option<DateTime<Utc>>,
    /// Until when the secret before the last rotation is still accepted.
    pub previous_secret_expires_at: Option<DateTime<Utc>>,
    pub revoked_at: Option<DateTime<Utc>>,
    pub last_used_at: Option<DateTime<Utc>>,
    pub version: i32,
}

/// What the store holds to check a client's secret.
#[derive(Debug, Clone)]
pub struct ClientCredentials {
    pub client: ApiClient,
    pub secret_hash: String,
    pub previous_secret_hash: Option<String>,
    /// The owning center or administration is active (a deactivated one's clients get no
    /// tokens).
    pub owner_active: bool,
}

impl ClientCredentials {
    /// Whether `secret` is the current one, or the previous one within its overlap.
    pub fn accepts(&self, secret: &str, now: DateTime<Utc>) -> bool {
        let h = crate::secrets::hash_token(secret);
        let current = constant_time_eq(h.as_bytes(), self.secret_hash.as_bytes());
        let previous = match (
            &self.previous_secret_hash,
            self.client.previous_secret_expires_at,
        ) {
            (Some(p), Some(until)) => now < until && constant_time_eq(h.as_bytes(), p.as_bytes()),
            _ => false,
        };
        current | previous
    }
}

/// Compares without stopping at the first difference, so timing tells nothing.
pub fn constant_time_eq(a: &[u8], b: &[u8]) -> bool {
    a.len() == b.len() && a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}

/// A new client id (public) and secret (shown once) with the secret's hash.
pub fn new_client_credentials() -> (String, String, String) {
    let mut id = [0u8; 12];
    rand::thread_rng().fill_bytes(&mut id);
    let client_id = format!("{CLIENT_ID_PREFIX}{}", hex::encode(id));
    let (secret, hash) = crate::secrets::new_opaque_token(CLIENT_SECRET_PREFIX);
    (client_id, secret, hash)
}

/// Validates a list of scopes: known ones only, each one `owner` may grant, at least one,
/// each once, in catalog order.
pub fn parse_scopes(
    field: &str,
    requested: &[String],
    owner: ClientOwner,
) -> Result<Vec<String>, FieldError> {
    if requested.is_empty() {
        return Err(FieldError::new(
            field,
            "required",
            "grant at least one scope",
        ));
    }
    let offered = || {
        SCOPES
            .iter()
            .map(|(k, _)| *k)
            .filter(|k| grantable(owner, k))
            .collect::<Vec<_>>()
            .join(", ")
    };
    if let Some(bad) = requested
        .iter()
        .find(|s| !SCOPES.iter().any(|(k, _)| k == s))
    {
        return Err(FieldError::new(
            field,
            "unknown_scope",
            format!("{bad:?} is not a scope; known: {}", offered()),
        ));
    }
    if let Some(bad) = requested.iter().find(|s| !grantable(owner, s)) {
        return Err(FieldError::new(
            field,
            "scope_not_grantable",
            format!(
                "{bad:?} is not offered to {}; offered: {}",
                match owner {
                    ClientOwner::Center(_) => "a center's clients",
                    ClientOwner::Administration(_) => "an administration's clients",
                },
                offered()
            ),
        ));
    }
    Ok(SCOPES
        .iter()
        .map(|(k, _)| *k)
        .filter(|k| requested.iter().any(|r| r == k))
        .map(str::to_owned)
        .collect())
}

/// The scopes a token carries: what was asked for (everything granted when nothing was),
/// which must all be granted. `Err` names the first scope asked for and not granted.
pub fn token_scopes(granted: &[String], requested: Option<&str>) -> Result<Vec<String>, String> {
    let asked: Vec<&str> = requested
        .map(|s| s.split(' ').filter(|x| !x.is_empty()).collect())
        .unwrap_or_default();
    if asked.is_empty() {
        return Ok(granted.to_vec());
    }
    if let Some(bad) = asked.iter().find(|a| !granted.iter().any(|g| g == *a)) {
        return Err((*bad).to_owned());
    }
    Ok(granted
        .iter()
        .filter(|g| asked.contains(&g.as_str()))
        .cloned()
        .collect())
}

// --- webhooks ----------------------------------------------------------------------------

/// After this many failed attempts a delivery is given up (about a day of retries).
pub const MAX_DELIVERY_ATTEMPTS: i32 = 12;

/// A center's subscription to events.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Webhook {
    pub id: Uuid,
    pub center_id: Uuid,
    pub url: String,
    pub events: Vec<String>,
    pub description: Option<String>,
    pub active: bool,
    pub created_by: Uuid,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
    pub version: i32,
}

/// One event on its way to one subscriber, with its attempts so far.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Delivery {
    /// Also the `webhook-id` header: the same on every retry, so receivers can deduplicate.
    pub id: Uuid,
    pub webhook_id: Uuid,
    pub center_id: Uuid,
    pub event_type: String,
    pub payload: String,
    /// `pending`, `delivered` or `failed` (given up).
    pub state: String,
    pub attempts: i32,
    pub next_attempt_at: Option<DateTime<Utc>>,
    pub last_status: Option<i32>,
    pub last_error: Option<String>,
    pub created_at: DateTime<Utc>,
    pub delivered_at: Option<DateTime<Utc>>,
    /// Every attempt so far, oldest first (filled in for the delivery log).
    pub log: Vec<AttemptRecord>,
}

/// One attempt in the delivery log.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AttemptRecord {
    pub attempted_at: DateTime<Utc>,
    pub status: Option<i32>,
    pub error: Option<String>,
    pub duration_ms: i64,
}

/// A delivery claimed by a worker, with what it needs to send it.
#[derive(Debug, Clone)]
pub struct DeliveryJob {
    pub delivery: Delivery,
    pub url: String,
    pub secret: String,
}

/// What one attempt came to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AttemptResult {
    pub status: Option<i32>,
    pub error: Option<String>,
    pub duration_ms: i64,
}

impl AttemptResult {
    /// Any 2xx answer counts as received (Standard Webhooks).
    pub fn succeeded(&self) -> bool {
        self.status.is_some_and(|s| (200..300).contains(&s))
    }
}

/// Validates a subscription's events: known ones, at least one, each once, catalog order.
pub fn parse_events(field: &str, requested: &[String]) -> Result<Vec<String>, FieldError> {
    if requested.is_empty() {
        return Err(FieldError::new(
            field,
            "required",
            "subscribe to at least one event",
        ));
    }
    if let Some(bad) = requested.iter().find(|s| WebhookEvent::parse(s).is_none()) {
        return Err(FieldError::new(
            field,
            "unknown_event",
            format!("{bad:?} is not an event this API sends"),
        ));
    }
    Ok(WebhookEvent::ALL
        .iter()
        .map(|e| e.as_str())
        .filter(|k| requested.iter().any(|r| r == k))
        .map(str::to_owned)
        .collect())
}

/// A webhook URL as registered: see [`crate::integrations::targets::check_registration`]
/// (https to a public host, or what the operator allowed).
pub fn parse_webhook_url(
    field: &str,
    raw: &str,
    allow: &crate::integrations::targets::AllowHosts,
) -> Result<String, FieldError> {
    crate::integrations::targets::check_registration(field, raw, allow)
}

/// A new signing secret: `whsec_` and 32 random bytes in base64, as Standard Webhooks has it.
pub fn new_webhook_secret() -> String {
    let mut b = [0u8; 32];
    rand::thread_rng().fill_bytes(&mut b);
    format!(
        "{WEBHOOK_SECRET_PREFIX}{}",
        base64::engine::general_purpose::STANDARD.encode(b)
    )
}

/// The `webhook-signature` value: `v1,` and the base64 HMAC-SHA256 of
/// `{webhook-id}.{webhook-timestamp}.{body}` under the secret's decoded bytes.
pub fn sign(secret: &str, msg_id: &str, timestamp: i64, body: &str) -> Option<String> {
    let key = base64::engine::general_purpose::STANDARD
        .decode(secret.strip_prefix(WEBHOOK_SECRET_PREFIX).unwrap_or(secret))
        .ok()?;
    let mut mac = Hmac::<Sha256>::new_from_slice(&key).ok()?;
    mac.update(format!("{msg_id}.{timestamp}.").as_bytes());
    mac.update(body.as_bytes());
    Some(format!(
        "v1,{}",
        base64::engine::general_purpose::STANDARD.encode(mac.finalize().into_bytes())
    ))
}

/// The `webhook-id` of a delivery.
pub fn message_id(delivery: Uuid) -> String {
    format!("msg_{}", delivery.simple())
}

/// When to try again after `attempts` failed attempts: 30 s doubling each time, at most
/// six hours apart; `None` once [`MAX_DELIVERY_ATTEMPTS`] have failed.
pub fn next_attempt(attempts: i32, now: DateTime<Utc>) -> Option<DateTime<Utc>> {
    if attempts >= MAX_DELIVERY_ATTEMPTS {
        return None;
    }
    let exp = u32::try_from(attempts.clamp(1, 20) - 1).unwrap_or(0);
    let secs = (30i64 << exp).min(6 * 3600);
    Some(now + Duration::seconds(secs))
}

/// An event for subscribers: its type and the payload's JSON. Payloads carry ids and
/// codes only, never a person's data, so a leaked or misdirected delivery reveals nothing.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OutboundEvent {
    pub center_id: Uuid,
    pub event_type: &'static str,
    pub payload: String,
}

fn payload(event_type: &str, at: DateTime<Utc>, data: &[(&str, String)]) -> String {
    // Every value is an id, a code or a time: no escaping is ever needed, which a test checks.
    let fields: Vec<String> = data
        .iter()
        .map(|(k, v)| format!("\"{k}\":\"{v}\""))
        .collect();
    format!(
        "{{\"type\":\"{event_type}\",\"timestamp\":\"{}\",\"data\":{{{}}}}}",
        at.to_rfc3339_opts(SecondsFormat::Micros, true),
        fields.join(",")
    )
}

/// The webhook event an audited change makes, if any: the outbox row is written in the
/// same transaction as the change and its audit event, so no event is lost or invented.
/// Which actions announce which event is decided by the typed [`crate::events::Action::webhook`] alone.
pub fn event_of(d: &AuditDraft) -> Option<OutboundEvent> {
    if d.outcome != Outcome::Success {
        return None;
    }
    let center_id = d.center_id?;
    let event_type = d.action.webhook()?.as_str();
    let mut data = vec![("center_id", center_id.to_string())];
    if let Some(id) = &d.resource_id {
        // Resource ids are UUIDs; anything else is not ours to forward.
        if Uuid::parse_str(id).is_ok() {
            data.push(("id", id.clone()));
        }
    }
    data.push(("resource_type", d.action.resource_type().to_owned()));
    if let Some(p) = d.patient_id {
        data.push(("patient_id", p.to_string()));
    }
    Some(OutboundEvent {
        center_id,
        event_type,
        payload: payload(event_type, d.occurred_at, &data),
    })
}

/// The `follow_up.overdue` event of one follow-up.
pub fn overdue_event(
    center_id: Uuid,
    follow_up: Uuid,
    referral: Uuid,
    patient: Uuid,
    at: DateTime<Utc>,
) -> OutboundEvent {
    OutboundEvent {
        center_id,
        event_type: WebhookEvent::FollowUpOverdue.as_str(),
        payload: payload(
            WebhookEvent::FollowUpOverdue.as_str(),
            at,
            &[
                ("center_id", center_id.to_string()),
                ("id", follow_up.to_string()),
                ("resource_type", "follow_up".into()),
                ("referral_id", referral.to_string()),
                ("patient_id", patient.to_string()),
            ],
        ),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::events::Action;

    const CENTER: ClientOwner = ClientOwner::Center(Uuid::nil());
    const REGION: ClientOwner = ClientOwner::Administration(Uuid::nil());

    #[test]
    fn scopes_are_validated_and_ordered() {
        let s = parse_scopes(
            "scopes",
            &[
                "reports:read".into(),
                "patients:read".into(),
                "reports:read".into(),
            ],
            CENTER,
        )
        .unwrap();
        assert_eq!(s, vec!["patients:read", "reports:read"]);
        assert_eq!(
            parse_scopes("scopes", &[], CENTER).unwrap_err().code,
            "required"
        );
        assert_eq!(
            parse_scopes("scopes", &["patients:delete".into()], CENTER)
                .unwrap_err()
                .code,
            "unknown_scope"
        );
    }

    #[test]
    fn a_center_grants_case_work_and_an_administration_regional_work() {
        let ask = |s: &str, o| parse_scopes("scopes", &[s.to_owned()], o).map_err(|e| e.code);
        assert_eq!(ask("regional:read", CENTER), Err("scope_not_grantable"));
        assert_eq!(ask("regional:write", CENTER), Err("scope_not_grantable"));
        for never in [
            "patients:read",
            "consultations:read",
            "audit:read",
            "shoman:read",
        ] {
            assert_eq!(ask(never, REGION), Err("scope_not_grantable"), "{never}");
        }
        assert_eq!(
            parse_scopes(
                "scopes",
                &[
                    "regional:write".into(),
                    "reports:read".into(),
                    "regional:read".into()
                ],
                REGION
            )
            .unwrap(),
            vec!["reports:read", "regional:read", "regional:write"]
        );
        assert!(ask("reports:read", CENTER).is_ok());
    }

    #[test]
    fn token_scopes_narrow_never_widen() {
        let granted = vec!["patients:read".to_owned(), "reports:read".to_owned()];
        assert_eq!(token_scopes(&granted, None).unwrap(), granted);
        assert_eq!(token_scopes(&granted, Some("  ")).unwrap(), granted);
        assert_eq!(
            token_scopes(&granted, Some("reports:read")).unwrap(),
            vec!["reports:read"]
        );
        assert_eq!(
            token_scopes(&granted, Some("reports:read audit:read")).unwrap_err(),
            "audit:read"
        );
    }

    #[test]
    fn secrets_check_current_and_previous_within_overlap() {
        let now = Utc::now();
        let (client_id, secret, hash) = new_client_credentials();
        let (old, old_hash) = crate::secrets::new_opaque_token(CLIENT_SECRET_PREFIX);
        assert!(client_id.starts_with(CLIENT_ID_PREFIX));
        let creds = ClientCredentials {
            client: ApiClient {
                id: Uuid::now_v7(),
                owner: ClientOwner::Center(Uuid::now_v7()),
                name: "x".into(),
                client_id,
                scopes: vec![],
                created_by: Uuid::now_v7(),
                created_at: now,
                updated_at: now,
                secret_rotated_at: Some(now),
                previous_secret_expires_at: Some(now + Duration::hours(1)),
                revoked_at: None,
                last_used_at: None,
                version: 1,
            },
            secret_hash: hash,
            previous_secret_hash: Some(old_hash),
            owner_active: true,
        };
        assert!(creds.accepts(&secret, now));
        assert!(creds.accepts(&old, now));
        assert!(!creds.accepts(&old, now + Duration::hours(1)));
        assert!(!creds.accepts("tsusec_wrong", now));
    }

    #[test]
    fn urls_must_be_https_to_a_public_host_unless_allowed() {
        use crate::integrations::targets::AllowHosts;
        let none = AllowHosts::default();
        let dev = AllowHosts::parse("127.0.0.1,localhost,[::1]").unwrap();
        assert!(parse_webhook_url("url", "https://example.jp/hook", &none).is_ok());
        assert!(parse_webhook_url("url", "http://127.0.0.1:9000/h", &dev).is_ok());
        assert!(parse_webhook_url("url", "http://localhost/h", &dev).is_ok());
        assert!(parse_webhook_url("url", "http://[::1]:80/h", &dev).is_ok());
        assert_eq!(
            parse_webhook_url("url", "http://127.0.0.1:9000/h", &none)
                .unwrap_err()
                .code,
            "target_not_allowed"
        );
        for bad in [
            "http://example.jp/h",
            "ftp://example.jp",
            "https://user:pw@example.jp/",
            "example.jp/h",
            "https:///path",
            "http://127.0.0.1.example.jp/h",
        ] {
            assert_eq!(
                parse_webhook_url("url", bad, &dev).unwrap_err().code,
                "invalid_url",
                "{bad}"
            );
        }
    }

    #[test]
    fn signature_matches_the_standard_webhooks_example() {
        // The example in the Standard Webhooks specification.
        let sig = sign(
            "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw",
            "msg_p5jXN8AQM9LWM0D4loKWxJek",
            1614265330,
            r#"{"test": 2432232314}"#,
        )
        .unwrap();
        assert_eq!(sig, "v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=");
    }

    #[test]
    fn backoff_doubles_then_gives_up() {
        let now = Utc::now();
        assert_eq!(next_attempt(1, now), Some(now + Duration::seconds(30)));
        assert_eq!(next_attempt(2, now), Some(now + Duration::seconds(60)));
        assert_eq!(next_attempt(11, now), Some(now + Duration::hours(6)));
        assert_eq!(next_attempt(MAX_DELIVERY_ATTEMPTS, now), None);
    }

    #[test]
    fn events_carry_ids_only() {
        let actor = crate::entities::Actor {
            user_id: Uuid::now_v7(),
            session_id: Uuid::now_v7(),
            role: crate::values::Role::Consultant,
            center_id: Some(Uuid::now_v7()),
            administration_id: None,
            login: "a".into(),
            display_name: "山田 太郎".into(),
            totp_enabled: false,
            must_enroll_totp: false,
            must_change_password: false,
            scopes: None,
        };
        let patient = Uuid::now_v7();
        let d = AuditDraft::by_actor(
            &actor,
            &crate::entities::RequestMeta::default(),
            Utc::now(),
            Action::ReferralCreate,
        )
        .resource(Uuid::now_v7())
        .patient(patient);
        let e = event_of(&d).unwrap();
        assert_eq!(e.event_type, "referral.created");
        assert!(e.payload.contains(&patient.to_string()));
        assert!(!e.payload.contains("山田"));
        assert!(e.payload.starts_with("{\"type\":\"referral.created\""));
        let read = AuditDraft::by_actor(
            &actor,
            &crate::entities::RequestMeta::default(),
            Utc::now(),
            Action::PatientRead,
        );
        assert!(event_of(&read).is_none());
    }
}
