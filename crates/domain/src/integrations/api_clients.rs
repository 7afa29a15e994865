//! API clients: a center's or an administration's third-party applications, their scopes
//! and secrets.

use crate::app::Ctx;
use crate::error::{DomainError, FieldError, Validator};
use crate::events::Action;
use crate::if_match::IfMatch;
use crate::page::{Page, PageRequest};
use crate::platform::{self, ApiClient, DEFAULT_ROTATION_OVERLAP, MAX_ROTATION_OVERLAP};
use crate::policy;
use crate::ports::SecretRotation;
use crate::values;
use chrono::Duration;
use uuid::Uuid;

const CLIENT_NAME_MAX: usize = 100;

/// How long the previous secret keeps working after a rotation: a day unless asked,
/// at most 30 days; zero ends it at once.
fn rotation_overlap(overlap_seconds: Option<i64>) -> Result<Duration, FieldError> {
    match overlap_seconds {
        None => Ok(DEFAULT_ROTATION_OVERLAP),
        Some(s) if (0..=MAX_ROTATION_OVERLAP.num_seconds()).contains(&s) => {
            Ok(Duration::seconds(s))
        }
        Some(_) => Err(FieldError::new(
            "overlap_seconds",
            "out_of_range",
            format!(
                "must be from 0 to {} (30 days)",
                MAX_ROTATION_OVERLAP.num_seconds()
            ),
        )),
    }
}

/// A revoked client stays revoked: it is neither changed nor given a new secret.
fn not_revoked(c: &ApiClient) -> Result<(), DomainError> {
    if c.revoked_at.is_some() {
        Err(DomainError::rule(
            "client_revoked",
            "this client is revoked; register a new one",
        ))
    } else {
        Ok(())
    }
}

crate::facade!(
    /// API clients: `services.api_clients()`.
    ApiClients,
    api_clients
);

impl ApiClients<'_> {
    /// Registers a client; the answer carries the secret, which is never shown again.
    #[tracing::instrument(skip_all, fields(client = tracing::field::Empty))]
    pub fn create(
        &self,
        ctx: &Ctx,
        name: &str,
        scopes: &[String],
    ) -> Result<(ApiClient, String), DomainError> {
        self.guard(ctx, Action::ApiClientCreate, None, || {
            let owner = policy::manage_clients(&ctx.actor)?;
            let mut v = Validator::new();
            let name = v.check(values::name_text("name", name, 1, CLIENT_NAME_MAX));
            let scopes = v.check(platform::parse_scopes("scopes", scopes, owner));
            v.finish()?;
            let (Some(name), Some(scopes)) = (name, scopes) else {
                return Err(DomainError::Internal(
                    "validator passed without values".into(),
                ));
            };
            let now = self.clock.now();
            let (client_id, secret, hash) = platform::new_client_credentials();
            let client = ApiClient {
                id: Uuid::now_v7(),
                owner,
                name,
                client_id,
                scopes,
                created_by: ctx.actor.user_id,
                created_at: now,
                updated_at: now,
                secret_rotated_at: None,
                previous_secret_expires_at: None,
                revoked_at: None,
                last_used_at: None,
                version: 1,
            };
            let ev = self
                .ev(ctx, Action::ApiClientCreate)
                .resource(client.id)
                .detail(format!("scopes={}", client.scopes.join(" ")));
            self.store.insert_api_client(&client, &hash, &ev)?;
            tracing::Span::current().record("client", tracing::field::display(client.id));
            Ok((client, secret))
        })
    }

    #[tracing::instrument(skip_all, fields(count = tracing::field::Empty))]
    pub fn list(&self, ctx: &Ctx, page: PageRequest) -> Result<Page<ApiClient>, DomainError> {
        self.guard(ctx, Action::ApiClientList, None, || {
            let owner = policy::manage_clients(&ctx.actor)?;
            let page = self.store.api_clients(owner, page)?;
            tracing::Span::current().record("count", page.items.len());
            Ok(page)
        })
    }

    #[tracing::instrument(skip_all, fields(client = %id))]
    pub fn get(&self, ctx: &Ctx, id: Uuid) -> Result<ApiClient, DomainError> {
        self.guard(ctx, Action::ApiClientRead, Some(id), || {
            let owner = policy::manage_clients(&ctx.actor)?;
            self.store
                .api_client(owner, id)?
                .ok_or(DomainError::NotFound)
        })
    }

    /// Renames a client or changes its scopes; tokens already issued lose a withdrawn scope
    /// at once (every request checks the client's current scopes).
    #[tracing::instrument(skip_all, fields(client = %id))]
    pub fn update(
        &self,
        ctx: &Ctx,
        id: Uuid,
        if_match: IfMatch,
        name: Option<&str>,
        scopes: Option<&[String]>,
    ) -> Result<ApiClient, DomainError> {
        self.guard(ctx, Action::ApiClientUpdate, Some(id), || {
            let owner = policy::manage_clients(&ctx.actor)?;
            let mut c = self
                .store
                .api_client(owner, id)?
                .ok_or(DomainError::NotFound)?;
            let expected_version = if_match.against(c.version)?;
            let mut v = Validator::new();
            if let Some(n) = name
                && let Some(n) = v.check(values::name_text("name", n, 1, CLIENT_NAME_MAX))
            {
                c.name = n;
            }
            if let Some(s) = scopes
                && let Some(s) = v.check(platform::parse_scopes("scopes", s, owner))
            {
                c.scopes = s;
            }
            v.finish()?;
            not_revoked(&c)?;
            c.updated_at = self.clock.now();
            let ev = self
                .ev(ctx, Action::ApiClientUpdate)
                .resource(c.id)
                .detail(format!("scopes={}", c.scopes.join(" ")));
            self.store.save_api_client(&c, expected_version, None, &ev)
        })
    }

    /// Issues a new secret. The previous one keeps working for `overlap` (default a day, at
    /// most 30 days; zero ends it at once), so an application can switch without downtime.
    #[tracing::instrument(skip_all, fields(client = %id))]
    pub fn rotate_secret(
        &self,
        ctx: &Ctx,
        id: Uuid,
        overlap_seconds: Option<i64>,
    ) -> Result<(ApiClient, String), DomainError> {
        self.guard(ctx, Action::ApiClientRotateSecret, Some(id), || {
            let owner = policy::manage_clients(&ctx.actor)?;
            let overlap =
                rotation_overlap(overlap_seconds).map_err(|e| DomainError::Validation(vec![e]))?;
            let mut c = self
                .store
                .api_client(owner, id)?
                .ok_or(DomainError::NotFound)?;
            not_revoked(&c)?;
            let now = self.clock.now();
            let (secret, hash) = crate::auth::new_opaque_token(platform::CLIENT_SECRET_PREFIX);
            let version = c.version;
            c.secret_rotated_at = Some(now);
            c.previous_secret_expires_at = Some(now + overlap);
            c.updated_at = now;
            let ev = self
                .ev(ctx, Action::ApiClientRotateSecret)
                .resource(c.id)
                .detail(format!("overlap_seconds={}", overlap.num_seconds()));
            let c = self.store.save_api_client(
                &c,
                version,
                Some(&SecretRotation { new_hash: hash }),
                &ev,
            )?;
            Ok((c, secret))
        })
    }

    /// Revokes a client: its tokens stop working with the next request, and it gets no new
    /// ones. Revoking twice is harmless.
    #[tracing::instrument(skip_all, fields(client = %id))]
    pub fn revoke(&self, ctx: &Ctx, id: Uuid) -> Result<ApiClient, DomainError> {
        self.guard(ctx, Action::ApiClientRevoke, Some(id), || {
            let owner = policy::manage_clients(&ctx.actor)?;
            let mut c = self
                .store
                .api_client(owner, id)?
                .ok_or(DomainError::NotFound)?;
            if c.revoked_at.is_some() {
                return Ok(c);
            }
            let version = c.version;
            let now = self.clock.now();
            c.revoked_at = Some(now);
            c.previous_secret_expires_at = None;
            c.updated_at = now;
            let ev = self.ev(ctx, Action::ApiClientRevoke).resource(c.id);
            self.store.save_api_client(&c, version, None, &ev)
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rotation_overlap_defaults_to_a_day_and_stays_within_30_days() {
        assert_eq!(rotation_overlap(None), Ok(Duration::hours(24)));
        assert_eq!(rotation_overlap(Some(0)), Ok(Duration::zero()));
        assert_eq!(rotation_overlap(Some(30 * 86_400)), Ok(Duration::days(30)));
        for bad in [-1, 30 * 86_400 + 1] {
            assert_eq!(
                rotation_overlap(Some(bad)).unwrap_err().code,
                "out_of_range"
            );
        }
    }
}
