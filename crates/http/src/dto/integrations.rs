//! Wire types of third-party integration: API clients, tokens, webhooks and deliveries.

use super::{double_option, ts};
use serde::{Deserialize, Serialize};
use tsunagu_domain::platform::{ApiClient, AttemptRecord, Delivery, Webhook};
use utoipa::ToSchema;
use uuid::Uuid;

/// A scope an API client may be granted: the regional ones by an administration (自治体),
/// the others by a center (`reports:read` by both).
#[derive(ToSchema)]
#[allow(dead_code)]
pub enum ApiScope {
    #[schema(rename = "patients:read")]
    PatientsRead,
    #[schema(rename = "patients:write")]
    PatientsWrite,
    #[schema(rename = "consultations:read")]
    ConsultationsRead,
    #[schema(rename = "consultations:write")]
    ConsultationsWrite,
    #[schema(rename = "referrals:read")]
    ReferralsRead,
    #[schema(rename = "referrals:write")]
    ReferralsWrite,
    #[schema(rename = "follow_ups:read")]
    FollowUpsRead,
    #[schema(rename = "follow_ups:write")]
    FollowUpsWrite,
    #[schema(rename = "agencies:read")]
    AgenciesRead,
    #[schema(rename = "reports:read")]
    ReportsRead,
    #[schema(rename = "audit:read")]
    AuditRead,
    #[schema(rename = "shoman:read")]
    ShomanRead,
    #[schema(rename = "shoman:write")]
    ShomanWrite,
    #[schema(rename = "activities:read")]
    ActivitiesRead,
    #[schema(rename = "activities:write")]
    ActivitiesWrite,
    #[schema(rename = "regional:read")]
    RegionalRead,
    #[schema(rename = "regional:write")]
    RegionalWrite,
}

/// An event a webhook may subscribe to.
#[derive(ToSchema)]
#[allow(dead_code)]
pub enum WebhookEvent {
    #[schema(rename = "patient.created")]
    PatientCreated,
    #[schema(rename = "patient.updated")]
    PatientUpdated,
    #[schema(rename = "patient.merged")]
    PatientMerged,
    #[schema(rename = "consultation.created")]
    ConsultationCreated,
    #[schema(rename = "consultation.updated")]
    ConsultationUpdated,
    #[schema(rename = "referral.created")]
    ReferralCreated,
    #[schema(rename = "referral.updated")]
    ReferralUpdated,
    #[schema(rename = "referral.level_changed")]
    ReferralLevelChanged,
    #[schema(rename = "referral.closed")]
    ReferralClosed,
    #[schema(rename = "follow_up.scheduled")]
    FollowUpScheduled,
    #[schema(rename = "follow_up.recorded")]
    FollowUpRecorded,
    #[schema(rename = "follow_up.overdue")]
    FollowUpOverdue,
    #[schema(rename = "review.approved")]
    ReviewApproved,
    #[schema(rename = "review.returned")]
    ReviewReturned,
    #[schema(rename = "referral.agency_confirmed")]
    ReferralAgencyConfirmed,
    #[schema(rename = "support_plan.created")]
    SupportPlanCreated,
    #[schema(rename = "support_plan.submitted")]
    SupportPlanSubmitted,
    #[schema(rename = "support_plan.approved")]
    SupportPlanApproved,
    #[schema(rename = "support_plan.returned")]
    SupportPlanReturned,
}

/// A third-party application of the center.
#[derive(Debug, Serialize, ToSchema)]
pub struct ApiClientDto {
    pub id: Uuid,
    /// The center whose client this is; `null` for an administration's client.
    pub center_id: Option<Uuid>,
    /// The administration (自治体) whose client this is; `null` for a center's client.
    pub administration_id: Option<Uuid>,
    /// e.g. 県庁ダッシュボード.
    pub name: String,
    /// The public id sent to the token endpoint, `tsu_…`.
    pub client_id: String,
    #[schema(value_type = Vec<ApiScope>)]
    pub scopes: Vec<String>,
    /// `false` once revoked.
    pub active: bool,
    #[schema(format = DateTime)]
    pub created_at: String,
    #[schema(format = DateTime)]
    pub updated_at: String,
    #[schema(format = DateTime)]
    pub secret_rotated_at: Option<String>,
    /// Until when the secret before the last rotation is still accepted.
    #[schema(format = DateTime)]
    pub previous_secret_expires_at: Option<String>,
    #[schema(format = DateTime)]
    pub revoked_at: Option<String>,
    /// When the client last got a token or made a call (to the minute).
    #[schema(format = DateTime)]
    pub last_used_at: Option<String>,
}

impl From<ApiClient> for ApiClientDto {
    fn from(c: ApiClient) -> Self {
        Self {
            id: c.id,
            center_id: c.owner.center(),
            administration_id: c.owner.administration(),
            name: c.name,
            client_id: c.client_id,
            scopes: c.scopes,
            active: c.revoked_at.is_none(),
            created_at: ts(c.created_at),
            updated_at: ts(c.updated_at),
            secret_rotated_at: c.secret_rotated_at.map(ts),
            previous_secret_expires_at: c.previous_secret_expires_at.map(ts),
            revoked_at: c.revoked_at.map(ts),
            last_used_at: c.last_used_at.map(ts),
        }
    }
}

/// A client with its secret: the only time the secret is ever shown.
#[derive(Debug, Serialize, ToSchema)]
pub struct ApiClientWithSecret {
    #[serde(flatten)]
    pub client: ApiClientDto,
    /// Store it now: only its hash is kept, so it cannot be shown again.
    pub client_secret: String,
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"name": "県庁ダッシュボード", "scopes": ["reports:read"]}))]
pub struct CreateApiClient {
    #[schema(pattern = "{name}", max_length = 100)]
    pub name: String,
    #[schema(value_type = Vec<ApiScope>)]
    pub scopes: Vec<String>,
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct UpdateApiClient {
    #[schema(pattern = "{name}", max_length = 100)]
    pub name: Option<String>,
    #[schema(value_type = Option<Vec<ApiScope>>)]
    pub scopes: Option<Vec<String>>,
}

#[derive(Debug, Default, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct RotateSecret {
    /// How long the old secret keeps working, 0 to 2,592,000 seconds (30 days); default
    /// 86,400 (a day).
    pub overlap_seconds: Option<i64>,
}

/// An access token for an API client (RFC 6749 §5.1).
#[derive(Debug, Serialize, ToSchema)]
pub struct ClientToken {
    pub access_token: String,
    #[schema(example = "Bearer")]
    pub token_type: &'static str,
    #[schema(example = 600)]
    pub expires_in: i64,
    /// The granted scopes, space-separated.
    #[schema(example = "patients:read reports:read")]
    pub scope: String,
}

/// An error of the token endpoint, in RFC 6749 §5.2's shape.
#[derive(Debug, Serialize, ToSchema)]
pub struct OAuthError {
    /// `invalid_request`, `invalid_client`, `unsupported_grant_type` or `invalid_scope`.
    pub error: &'static str,
    pub error_description: String,
}

/// The form of `POST /oauth/token` (`application/x-www-form-urlencoded`). The client may
/// authenticate with HTTP Basic instead of `client_id` and `client_secret`.
#[derive(Debug, Deserialize, ToSchema)]
pub struct TokenForm {
    #[schema(example = "client_credentials", pattern = "^client_credentials$")]
    pub grant_type: String,
    pub client_id: Option<String>,
    pub client_secret: Option<String>,
    /// Space-separated; a subset of the client's scopes (all of them when absent).
    pub scope: Option<String>,
}

/// A webhook subscription of the center.
#[derive(Debug, Serialize, ToSchema)]
pub struct WebhookDto {
    pub id: Uuid,
    pub center_id: Uuid,
    pub url: String,
    #[schema(value_type = Vec<WebhookEvent>)]
    pub events: Vec<String>,
    pub description: Option<String>,
    /// `false` pauses deliveries; events meanwhile are not queued.
    pub active: bool,
    #[schema(format = DateTime)]
    pub created_at: String,
    #[schema(format = DateTime)]
    pub updated_at: String,
}

impl From<Webhook> for WebhookDto {
    fn from(w: Webhook) -> Self {
        Self {
            id: w.id,
            center_id: w.center_id,
            url: w.url,
            events: w.events,
            description: w.description,
            active: w.active,
            created_at: ts(w.created_at),
            updated_at: ts(w.updated_at),
        }
    }
}

/// A subscription with its signing secret: the only time it is shown.
#[derive(Debug, Serialize, ToSchema)]
pub struct WebhookWithSecret {
    #[serde(flatten)]
    pub webhook: WebhookDto,
    /// `whsec_…`: verify `webhook-signature` with it (Standard Webhooks).
    pub secret: String,
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"url": "https://dashboard.example.jp/hooks/tsunagu", "events": ["referral.created", "follow_up.overdue"]}))]
pub struct CreateWebhook {
    pub url: String,
    #[schema(value_type = Vec<WebhookEvent>)]
    pub events: Vec<String>,
    #[schema(pattern = "{optional_name}", max_length = 200)]
    pub description: Option<String>,
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct UpdateWebhook {
    pub url: Option<String>,
    #[schema(value_type = Option<Vec<WebhookEvent>>)]
    pub events: Option<Vec<String>>,
    #[serde(default, deserialize_with = "double_option")]
    #[schema(value_type = Option<String>, pattern = "{optional_name}", max_length = 200)]
    pub description: Option<Option<String>>,
    pub active: Option<bool>,
}

/// One attempt at sending a delivery.
#[derive(Debug, Serialize, ToSchema)]
pub struct DeliveryAttemptDto {
    #[schema(format = DateTime)]
    pub attempted_at: String,
    /// The receiver's HTTP status; `null` when it could not be reached.
    pub status: Option<i32>,
    pub error: Option<String>,
    pub duration_ms: i64,
}

impl From<AttemptRecord> for DeliveryAttemptDto {
    fn from(a: AttemptRecord) -> Self {
        Self {
            attempted_at: ts(a.attempted_at),
            status: a.status,
            error: a.error,
            duration_ms: a.duration_ms,
        }
    }
}

/// One event sent (or being sent) to a subscription.
#[derive(Debug, Serialize, ToSchema)]
pub struct DeliveryDto {
    pub id: Uuid,
    /// The `webhook-id` header it is sent with, the same on every retry.
    pub message_id: String,
    pub webhook_id: Uuid,
    #[schema(value_type = WebhookEvent)]
    pub event_type: String,
    /// The JSON body sent: `{type, timestamp, data}` with ids only.
    #[schema(value_type = Object)]
    pub payload: serde_json::Value,
    /// `pending`, `delivered` or `failed` (given up after 12 attempts).
    pub state: String,
    pub attempts: i32,
    #[schema(format = DateTime)]
    pub next_attempt_at: Option<String>,
    pub last_status: Option<i32>,
    pub last_error: Option<String>,
    #[schema(format = DateTime)]
    pub created_at: String,
    #[schema(format = DateTime)]
    pub delivered_at: Option<String>,
    pub log: Vec<DeliveryAttemptDto>,
}

impl From<Delivery> for DeliveryDto {
    fn from(d: Delivery) -> Self {
        Self {
            id: d.id,
            message_id: tsunagu_domain::platform::message_id(d.id),
            webhook_id: d.webhook_id,
            event_type: d.event_type,
            payload: serde_json::from_str(&d.payload).unwrap_or(serde_json::Value::Null),
            state: d.state,
            attempts: d.attempts,
            next_attempt_at: d.next_attempt_at.map(ts),
            last_status: d.last_status,
            last_error: d.last_error,
            created_at: ts(d.created_at),
            delivered_at: d.delivered_at.map(ts),
            log: d.log.into_iter().map(DeliveryAttemptDto::from).collect(),
        }
    }
}
