use super::{Scope, StoreResult};
use crate::audit::AuditDraft;
use crate::entities::User;
use crate::page::{Page, PageRequest};
use crate::values::Role;
use chrono::{DateTime, Utc};
use uuid::Uuid;

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct UserChanges {
    pub display_name: Option<String>,
    pub role: Option<Role>,
    pub active: Option<bool>,
    pub password_hash: Option<String>,
    /// Set with a password an administrator chose for someone else.
    pub must_change_password: Option<bool>,
}

impl UserChanges {
    /// Changes after which tokens already issued must stop working at once.
    pub fn ends_sessions(&self) -> bool {
        self.role.is_some() || self.active == Some(false) || self.password_hash.is_some()
    }
}

pub trait UserStore {
    fn count_users_with_role(&self, role: Role) -> StoreResult<i64>;
    fn insert_user(&self, user: &User, password_hash: &str, audit: &AuditDraft) -> StoreResult<()>;
    fn user(&self, scope: Scope, id: Uuid) -> StoreResult<Option<User>>;
    fn users(&self, scope: Scope, page: PageRequest) -> StoreResult<Page<User>>;
    /// Applies the changes if the version still matches; revokes the user's sessions when
    /// [`UserChanges::ends_sessions`].
    fn update_user(
        &self,
        scope: Scope,
        id: Uuid,
        expected_version: i32,
        changes: &UserChanges,
        now: DateTime<Utc>,
        audit: &AuditDraft,
    ) -> StoreResult<User>;
}
