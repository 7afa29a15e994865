//! Staff accounts.

use crate::DieselStore;
use crate::audit::append_event;
use crate::error::missing_or_stale;
use crate::paging::after_key;
use crate::rows::{choice, convert, naive, utc, uuid};
use crate::schema::{sessions, users};
use chrono::{DateTime, NaiveDateTime, Utc};
use diesel::prelude::*;
use tsunagu_domain::DomainError;
use tsunagu_domain::audit::AuditDraft;
use tsunagu_domain::entities::User;
use tsunagu_domain::page::{Page, PageRequest};
use tsunagu_domain::ports::{Scope, StoreResult, UserChanges, UserStore};
use tsunagu_domain::values::Role;
use uuid::Uuid;

#[derive(Queryable, Selectable, Insertable)]
#[diesel(table_name = users)]
pub struct UserRow {
    pub id: String,
    pub center_id: Option<String>,
    pub login: String,
    pub display_name: String,
    pub role: String,
    pub password_hash: String,
    pub active: bool,
    pub totp_enabled: bool,
    pub must_change_password: bool,
    pub version: i32,
    pub created_at: NaiveDateTime,
    pub updated_at: NaiveDateTime,
    pub administration_id: Option<String>,
}

impl UserRow {
    pub fn from_entity(u: &User, password_hash: &str) -> Self {
        Self {
            id: u.id.to_string(),
            center_id: u.center_id.map(|c| c.to_string()),
            login: u.login.clone(),
            display_name: u.display_name.clone(),
            role: u.role.as_str().to_owned(),
            password_hash: password_hash.to_owned(),
            active: u.active,
            totp_enabled: u.totp_enabled,
            must_change_password: u.must_change_password,
            version: u.version,
            created_at: naive(u.created_at),
            updated_at: naive(u.updated_at),
            administration_id: u.administration_id.map(|a| a.to_string()),
        }
    }

    pub fn into_entity(self) -> Result<User, DomainError> {
        Ok(User {
            id: uuid("users.id", &self.id)?,
            center_id: self
                .center_id
                .as_deref()
                .map(|c| uuid("users.center_id", c))
                .transpose()?,
            administration_id: self
                .administration_id
                .as_deref()
                .map(|a| uuid("users.administration_id", a))
                .transpose()?,
            login: self.login,
            display_name: self.display_name,
            role: choice("users.role", Role::from_db(&self.role))?,
            active: self.active,
            totp_enabled: self.totp_enabled,
            must_change_password: self.must_change_password,
            version: self.version,
            created_at: utc(self.created_at),
            updated_at: utc(self.updated_at),
        })
    }
}

impl UserStore for DieselStore {
    #[tracing::instrument(level = "debug", skip_all, fields(role = role.as_str()))]
    fn count_users_with_role(&self, role: Role) -> StoreResult<i64> {
        self.read(|c| {
            Ok(users::table
                .filter(users::role.eq(role.as_str()))
                .count()
                .get_result(c)?)
        })
    }

    #[tracing::instrument(level = "debug", skip_all, fields(center = ?user.center_id, id = %user.id))]
    fn insert_user(&self, user: &User, password_hash: &str, audit: &AuditDraft) -> StoreResult<()> {
        self.write(|c| {
            diesel::insert_into(users::table)
                .values(UserRow::from_entity(user, password_hash))
                .execute(c)?;
            append_event(c, &self.keys, audit)
        })
    }

    #[tracing::instrument(level = "debug", skip_all, fields(?scope, %id))]
    fn user(&self, scope: Scope, id: Uuid) -> StoreResult<Option<User>> {
        self.read(|c| {
            let mut q = users::table
                .filter(users::id.eq(id.to_string()))
                .select(UserRow::as_select())
                .into_boxed();
            if let Scope::Center(center) = scope {
                q = q.filter(users::center_id.eq(center.to_string()));
            }
            let row: Option<UserRow> = q.first(c).optional()?;
            Ok(row.map(UserRow::into_entity).transpose()?)
        })
    }

    #[tracing::instrument(level = "debug", skip_all, fields(?scope))]
    fn users(&self, scope: Scope, req: PageRequest) -> StoreResult<Page<User>> {
        self.read(|c| {
            let mut q = users::table
                .filter(users::id.gt(after_key(&req)))
                .order(users::id.asc())
                .limit(req.limit + 1)
                .select(UserRow::as_select())
                .into_boxed();
            if let Scope::Center(center) = scope {
                q = q.filter(users::center_id.eq(center.to_string()));
            }
            let rows: Vec<UserRow> = q.load(c)?;
            let items = convert(rows, UserRow::into_entity)?;
            Ok(Page::from_rows(items, &req, |x| x.id))
        })
    }

    #[tracing::instrument(level = "debug", skip_all, fields(?scope, %id))]
    fn update_user(
        &self,
        scope: Scope,
        id: Uuid,
        expected_version: i32,
        ch: &UserChanges,
        now: DateTime<Utc>,
        audit: &AuditDraft,
    ) -> StoreResult<User> {
        self.write(|c| {
            let center_filter = match scope {
                Scope::All => None,
                Scope::Center(center) => Some(center.to_string()),
            };
            let mut target = diesel::update(users::table)
                .filter(users::id.eq(id.to_string()))
                .filter(users::version.eq(expected_version))
                .into_boxed();
            if let Some(center) = &center_filter {
                target = target.filter(users::center_id.eq(center));
            }
            let n = target
                .set((
                    ch.display_name.as_ref().map(|v| users::display_name.eq(v)),
                    ch.role.map(|v| users::role.eq(v.as_str())),
                    ch.active.map(|v| users::active.eq(v)),
                    ch.password_hash
                        .as_ref()
                        .map(|v| users::password_hash.eq(v)),
                    ch.must_change_password
                        .map(|v| users::must_change_password.eq(v)),
                    users::version.eq(users::version + 1),
                    users::updated_at.eq(naive(now)),
                ))
                .execute(c)?;
            let mut check = users::table
                .filter(users::id.eq(id.to_string()))
                .into_boxed();
            if let Some(center) = &center_filter {
                check = check.filter(users::center_id.eq(center));
            }
            if n == 0 {
                let exists = check.count().get_result::<i64>(c)? > 0;
                return Err(missing_or_stale(exists));
            }
            if ch.ends_sessions() {
                diesel::update(
                    sessions::table
                        .filter(sessions::user_id.eq(id.to_string()))
                        .filter(sessions::revoked_at.is_null()),
                )
                .set(sessions::revoked_at.eq(Some(naive(now))))
                .execute(c)?;
            }
            append_event(c, &self.keys, audit)?;
            Ok(users::table
                .find(id.to_string())
                .select(UserRow::as_select())
                .first(c)?
                .into_entity()?)
        })
    }
}
