//! Wire types of staff.

use super::{Role, ts};
use serde::{Deserialize, Serialize};
use tsunagu_domain::entities::User;
use utoipa::ToSchema;
use uuid::Uuid;

/// A member of staff.
#[derive(Debug, Serialize, ToSchema)]
pub struct UserDto {
    pub id: Uuid,
    /// `null` for a system administrator, an administration's officer and a council member.
    pub center_id: Option<Uuid>,
    /// A `municipal_officer`'s administration (自治体); `null` for everyone else.
    pub administration_id: Option<Uuid>,
    pub login: String,
    pub display_name: String,
    #[schema(value_type = Role)]
    pub role: String,
    pub active: bool,
    /// Two-factor sign-in is set up (an administrator may reset it:
    /// `POST /users/{id}/two-factor-reset`).
    pub totp_enabled: bool,
    /// The password was set by an administrator and the user has not changed it yet.
    pub must_change_password: bool,
    #[schema(format = DateTime)]
    pub created_at: String,
    #[schema(format = DateTime)]
    pub updated_at: String,
}

impl From<User> for UserDto {
    fn from(u: User) -> Self {
        Self {
            id: u.id,
            center_id: u.center_id,
            administration_id: u.administration_id,
            login: u.login,
            display_name: u.display_name,
            role: u.role.as_str().to_owned(),
            active: u.active,
            totp_enabled: u.totp_enabled,
            must_change_password: u.must_change_password,
            created_at: ts(u.created_at),
            updated_at: ts(u.updated_at),
        }
    }
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"center_id": null, "login": "sato.hanako", "display_name": "佐藤 花子", "role": "consultant", "password": "correct horse battery staple"}))]
pub struct CreateUser {
    /// Required when a system administrator creates a center's user; a center administrator
    /// may omit it (or must send its own center).
    pub center_id: Option<Uuid>,
    /// Required for a `municipal_officer` (system administrator only); absent otherwise.
    pub administration_id: Option<Uuid>,
    /// 3 to 64 characters: letters, digits and `. _ - @`; case-insensitive.
    #[schema(pattern = "{login}")]
    pub login: String,
    #[schema(pattern = "{name}", max_length = 100)]
    pub display_name: String,
    /// The role. `system_admin` and `municipal_officer` are the system administrator's to
    /// give; `council_member` sign-ins are made from the council's member records.
    #[schema(value_type = Role)]
    pub role: String,
    /// The initial password: at least 12 characters and not easy to guess; no composition
    /// rules. The user must change it at their first sign-in (`must_change_password`).
    #[schema(format = Password, min_length = 12, max_length = 256)]
    pub password: String,
}

/// Fields to change; absent fields stay as they are. Changing the role, the password or
/// `active: false` ends the user's sessions at once.
#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct UpdateUser {
    #[schema(pattern = "{name}", max_length = 100)]
    pub display_name: Option<String>,
    #[schema(value_type = Option<Role>)]
    pub role: Option<String>,
    pub active: Option<bool>,
    /// A new password. Set by an administrator for someone else, the user must change it
    /// at their next sign-in (`must_change_password`); your own is simply changed (prefer
    /// `POST /me/password`, which checks the current one).
    #[schema(format = Password, min_length = 12, max_length = 256)]
    pub password: Option<String>,
}

// The request types that carry a password print without it, should one ever be logged.
impl std::fmt::Debug for CreateUser {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("CreateUser")
            .field("center_id", &self.center_id)
            .field("administration_id", &self.administration_id)
            .field("login", &self.login)
            .field("role", &self.role)
            .finish_non_exhaustive()
    }
}

impl std::fmt::Debug for UpdateUser {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("UpdateUser")
            .field("role", &self.role)
            .field("active", &self.active)
            .field("password", &self.password.as_ref().map(|_| "…"))
            .finish_non_exhaustive()
    }
}
