//! Wire types of signing in: passwords, tokens, two factors and the caller.

use super::Role;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use uuid::Uuid;

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"login": "sato.hanako", "password": "correct horse battery staple"}))]
pub struct LoginRequest {
    pub login: String,
    pub password: String,
    /// Once two-factor sign-in is set up: the app's 6-digit code, or a recovery code.
    /// Without it, a correct password answers 401 `totp_required`.
    pub totp: Option<String>,
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct RefreshRequest {
    /// The refresh token from the last sign-in or refresh. It can be used once. The web app
    /// leaves it out and sends `X-Tsunagu-Session: cookie`: its token is in an `HttpOnly`
    /// cookie (see `POST /auth/login`).
    pub refresh_token: Option<String>,
}

/// A token pair. Keep the refresh token secret; it is spent on use and a new one returned.
#[derive(Debug, Serialize, ToSchema)]
pub struct TokenPair {
    /// A JWT for `Authorization: Bearer …`, valid for `expires_in` seconds.
    pub access_token: String,
    /// Opaque; exchange it at `/auth/refresh` for a new pair before the session ends (12 h).
    /// Absent when the request asked for the cookie form (`X-Tsunagu-Session: cookie`): the
    /// token is then only in the `HttpOnly` cookie, out of reach of the page's scripts.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub refresh_token: Option<String>,
    /// Always `Bearer`.
    #[schema(example = "Bearer")]
    pub token_type: &'static str,
    /// Seconds until the access token expires.
    #[schema(example = 600)]
    pub expires_in: i64,
}

/// The signed-in caller.
#[derive(Debug, Serialize, ToSchema)]
pub struct Me {
    pub id: Uuid,
    pub login: String,
    pub display_name: String,
    /// The caller's role (see `Role`).
    #[schema(value_type = Role)]
    pub role: String,
    /// The caller's center; `null` for a system administrator, an officer and a council
    /// member.
    pub center_id: Option<Uuid>,
    /// An officer's (`municipal_officer`) administration; `null` for everyone else.
    pub administration_id: Option<Uuid>,
    /// Two-factor sign-in is set up.
    pub totp_enabled: bool,
    /// The center requires two factors for this role and they are not set up: until they
    /// are, every call but `/me`, `/me/totp…`, `/me/password` and logout answers 403
    /// `totp_enrollment_required`.
    pub totp_required: bool,
    /// The password was set by an administrator (a new account, or a password they set):
    /// until it is changed with `POST /me/password`, every call but `GET /me`,
    /// `POST /me/password`, refresh and logout answers 403 `password_change_required`
    /// (checked before `totp_required`).
    pub must_change_password: bool,
}

/// A new password for oneself. Neither password is ever logged, audited or kept.
#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"current_password": "the one you signed in with", "new_password": "correct horse battery staple"}))]
pub struct ChangePassword {
    /// The password you signed in with. A wrong one answers 422
    /// `current_password_incorrect` and counts toward the sign-in lockout.
    pub current_password: String,
    /// At least 12 characters, not easily guessed (the same rules as every password), and
    /// not the current one (field code `password_reused`).
    #[schema(min_length = 12, max_length = 256)]
    pub new_password: String,
}

// Printed without the password or the code, should one ever be logged.
impl std::fmt::Debug for LoginRequest {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("LoginRequest")
            .field("login", &self.login)
            .finish_non_exhaustive()
    }
}

impl std::fmt::Debug for ChangePassword {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ChangePassword").finish_non_exhaustive()
    }
}

/// A new TOTP secret: show `otpauth_uri` as a QR code, or the secret for manual entry.
#[derive(Debug, Serialize, ToSchema)]
pub struct TotpEnrolment {
    /// Base32.
    pub secret: String,
    #[schema(
        example = "otpauth://totp/Tsunagu:sato?secret=JBSWY3DPEHPK3PXP&issuer=Tsunagu&algorithm=SHA1&digits=6&period=30"
    )]
    pub otpauth_uri: String,
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct TotpConfirm {
    /// The 6-digit code the app shows now.
    #[schema(pattern = "^[0-9]{6}$")]
    pub code: String,
}

/// One-time recovery codes, shown only now: each signs in once in place of a code.
#[derive(Debug, Serialize, ToSchema)]
pub struct RecoveryCodes {
    pub recovery_codes: Vec<String>,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn requests_print_without_their_passwords() {
        let secret = "correct horse battery staple";
        let change: ChangePassword = serde_json::from_value(serde_json::json!({
            "current_password": secret, "new_password": secret
        }))
        .unwrap();
        let login: LoginRequest = serde_json::from_value(serde_json::json!({
            "login": "sato", "password": secret, "totp": "123456"
        }))
        .unwrap();
        let create: crate::dto::CreateUser = serde_json::from_value(serde_json::json!({
            "login": "sato", "display_name": "佐藤", "role": "consultant", "password": secret
        }))
        .unwrap();
        let update: crate::dto::UpdateUser =
            serde_json::from_value(serde_json::json!({"password": secret})).unwrap();
        for printed in [
            format!("{change:?}"),
            format!("{login:?}"),
            format!("{create:?}"),
            format!("{update:?}"),
        ] {
            assert!(
                !printed.contains(secret) && !printed.contains("123456"),
                "{printed}"
            );
        }
        assert!(format!("{login:?}").contains("sato"));
    }
}
