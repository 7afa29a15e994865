//! Wire types of the one-time links for the agency (機関への確認リンク), and of the agency's
//! own page.

use super::{AgencyOutcome, Level, Purpose, date, ts};
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use tsunagu_domain::cases::{AgencyLink, AgencyPage, Confirmed};
use utoipa::ToSchema;
use uuid::Uuid;

/// Where a link stands: usable, answered, past its expiry, or withdrawn.
#[derive(Debug, Clone, Copy, ToSchema)]
#[schema(rename_all = "snake_case")]
pub enum AgencyLinkState {
    Active,
    Used,
    Expired,
    Revoked,
}

/// A one-time link of a referral, without its token (shown only when it was made).
#[derive(Debug, Serialize, ToSchema)]
pub struct AgencyLinkDto {
    pub id: Uuid,
    pub referral_id: Uuid,
    pub agency_id: Uuid,
    #[schema(value_type = AgencyLinkState)]
    pub state: String,
    /// Sent by e-mail through the relay.
    pub emailed: bool,
    #[schema(format = DateTime)]
    pub created_at: String,
    pub created_by: Uuid,
    #[schema(format = DateTime)]
    pub expires_at: String,
    /// When the agency answered.
    #[schema(format = DateTime)]
    pub used_at: Option<String>,
    /// What the agency answered.
    #[schema(value_type = Option<AgencyOutcome>)]
    pub outcome: Option<String>,
    /// The follow-up the answer recorded.
    pub follow_up_id: Option<Uuid>,
    #[schema(format = DateTime)]
    pub revoked_at: Option<String>,
    pub revoked_by: Option<Uuid>,
}

impl AgencyLinkDto {
    /// `now` decides between active and expired.
    pub fn new(l: AgencyLink, now: DateTime<Utc>) -> Self {
        Self {
            state: l.state(now).as_str().to_owned(),
            id: l.id,
            referral_id: l.referral_id,
            agency_id: l.agency_id,
            emailed: l.emailed,
            created_at: ts(l.created_at),
            created_by: l.created_by,
            expires_at: ts(l.expires_at),
            used_at: l.used_at.map(ts),
            outcome: l.outcome.map(|o| o.as_str().to_owned()),
            follow_up_id: l.follow_up_id,
            revoked_at: l.revoked_at.map(ts),
            revoked_by: l.revoked_by,
        }
    }
}

/// Make a one-time link for the referral's agency.
#[derive(Debug, Default, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"expires_in_days": 14, "email": "tanto@hellowork.example.jp"}))]
pub struct CreateAgencyLink {
    /// Days until it expires, 1 to 60 (default 14).
    #[schema(minimum = 1, maximum = 60)]
    pub expires_in_days: Option<i64>,
    /// Send it to this address through the configured relay (422 `email_not_configured`
    /// when there is none). The mail names the center and the agency, never the patient.
    pub email: Option<String>,
}

/// A new link: the only answer that carries its token.
#[derive(Debug, Serialize, ToSchema)]
pub struct AgencyLinkCreated {
    #[serde(flatten)]
    pub link: AgencyLinkDto,
    /// The page for the agency: `{base}/agency/{token}`. Shown this once: only the token's
    /// hash is stored.
    pub url: String,
    /// The same URL as a QR code (SVG), for the referral sheet.
    pub qr_svg: String,
    /// Whether the e-mail went to the relay; `null` when none was asked for.
    pub email_sent: Option<bool>,
}

/// The patient's data the agency may see: what was handed over at the referral, while the
/// consent covering the agency is in force. Absent items are `null`.
#[derive(Debug, Serialize, ToSchema)]
pub struct AgencySharedDto {
    pub name: Option<String>,
    pub name_kana: Option<String>,
    #[schema(format = Date)]
    pub birth_date: Option<String>,
    pub phone: Option<String>,
    pub email: Option<String>,
    pub diagnosis: Option<String>,
    pub disability_certificate: Option<bool>,
}

/// What the agency officer sees on the link's page.
#[derive(Debug, Serialize, ToSchema)]
pub struct AgencyPageDto {
    pub center_name: String,
    pub agency_name: String,
    #[schema(value_type = Level)]
    pub level: String,
    #[schema(value_type = Purpose)]
    pub purpose: String,
    #[schema(format = Date)]
    pub referred_on: String,
    /// The patient's initials from the reading, e.g. `ヤ・ハ`.
    pub initials: String,
    #[schema(format = DateTime)]
    pub expires_at: String,
    pub shared: AgencySharedDto,
    /// The answers the agency may give.
    #[schema(value_type = Vec<AgencyOutcome>)]
    pub outcomes: Vec<String>,
}

impl From<AgencyPage> for AgencyPageDto {
    fn from(p: AgencyPage) -> Self {
        let s = p.shared;
        Self {
            center_name: p.center_name,
            agency_name: p.agency_name,
            level: p.level.as_str().to_owned(),
            purpose: p.purpose.as_str().to_owned(),
            referred_on: date(p.referred_on),
            initials: p.initials,
            expires_at: ts(p.expires_at),
            shared: AgencySharedDto {
                name: s.name,
                name_kana: s.name_kana,
                birth_date: s.birth_date.map(date),
                phone: s.phone,
                email: s.email,
                diagnosis: s.diagnosis,
                disability_certificate: s.disability_certificate,
            },
            outcomes: tsunagu_domain::values::AgencyOutcome::ALL
                .iter()
                .map(|o| o.as_str().to_owned())
                .collect(),
        }
    }
}

/// The agency's answer.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"outcome": "came", "note": "6月10日に来所、求職登録の予定"}))]
pub struct ConfirmAgencyLink {
    #[schema(value_type = AgencyOutcome)]
    pub outcome: String,
    /// Up to 500 characters.
    #[schema(pattern = "{prose}", max_length = 500)]
    pub note: Option<String>,
}

/// The receipt of the agency's answer.
#[derive(Debug, Serialize, ToSchema)]
pub struct AgencyConfirmedDto {
    #[schema(value_type = AgencyOutcome)]
    pub outcome: String,
    #[schema(format = DateTime)]
    pub confirmed_at: String,
}

impl From<Confirmed> for AgencyConfirmedDto {
    fn from(c: Confirmed) -> Self {
        Self {
            outcome: c.outcome.as_str().to_owned(),
            confirmed_at: ts(c.confirmed_at),
        }
    }
}
