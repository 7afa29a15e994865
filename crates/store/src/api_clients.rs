//! API clients: the credentials third-party systems sign in with, their scopes and secret
//! rotation. A client belongs to a center or to an administration (one column or the other).

use crate::DieselStore;
use crate::audit::append_event;
use crate::db::DbConn;
use crate::error::{R, missing_or_stale, not_found};
use crate::paging::after_key;
use crate::rows::{convert, naive, utc, uuid, words};
use crate::schema::{administrations, api_clients, centers};
use chrono::{DateTime, Duration, NaiveDateTime, Utc};
use diesel::prelude::*;
use tsunagu_domain::DomainError;
use tsunagu_domain::audit::AuditDraft;
use tsunagu_domain::page::{Page, PageRequest};
use tsunagu_domain::platform::{ApiClient, ClientCredentials, ClientOwner};
use tsunagu_domain::ports::{ApiClientStore, SecretRotation, StoreResult};
use uuid::Uuid;

/// Notes a client as used at most this often, so that reading does not mean writing.
const LAST_USED_GRANULARITY: Duration = Duration::minutes(1);

#[derive(Queryable, Selectable, Insertable)]
#[diesel(table_name = api_clients)]
pub struct ApiClientRow {
    pub id: String,
    pub center_id: Option<String>,
    pub administration_id: Option<String>,
    pub name: String,
    pub client_id: String,
    pub scopes: String,
    pub secret_hash: String,
    pub previous_secret_hash: Option<String>,
    pub previous_secret_expires_at: Option<NaiveDateTime>,
    pub secret_rotated_at: Option<NaiveDateTime>,
    pub revoked_at: Option<NaiveDateTime>,
    pub last_used_at: Option<NaiveDateTime>,
    pub created_by: String,
    pub created_at: NaiveDateTime,
    pub updated_at: NaiveDateTime,
    pub version: i32,
}

impl ApiClientRow {
    fn new(c: &ApiClient, secret_hash: &str) -> Self {
        Self {
            id: c.id.to_string(),
            center_id: c.owner.center().map(|x| x.to_string()),
            administration_id: c.owner.administration().map(|x| x.to_string()),
            name: c.name.clone(),
            client_id: c.client_id.clone(),
            scopes: c.scopes.join(" "),
            secret_hash: secret_hash.to_owned(),
            previous_secret_hash: None,
            previous_secret_expires_at: c.previous_secret_expires_at.map(naive),
            secret_rotated_at: c.secret_rotated_at.map(naive),
            revoked_at: c.revoked_at.map(naive),
            last_used_at: c.last_used_at.map(naive),
            created_by: c.created_by.to_string(),
            created_at: naive(c.created_at),
            updated_at: naive(c.updated_at),
            version: c.version,
        }
    }

    fn into_entity(self) -> Result<ApiClient, DomainError> {
        Ok(ApiClient {
            id: uuid("api_clients.id", &self.id)?,
            owner: match (&self.center_id, &self.administration_id) {
                (Some(c), None) => ClientOwner::Center(uuid("api_clients.center_id", c)?),
                (None, Some(a)) => {
                    ClientOwner::Administration(uuid("api_clients.administration_id", a)?)
                }
                _ => {
                    return Err(DomainError::Internal(format!(
                        "api client {} has no single owner",
                        self.id
                    )));
                }
            },
            name: self.name,
            client_id: self.client_id,
            scopes: words(&self.scopes),
            created_by: uuid("api_clients.created_by", &self.created_by)?,
            created_at: utc(self.created_at),
            updated_at: utc(self.updated_at),
            secret_rotated_at: self.secret_rotated_at.map(utc),
            previous_secret_expires_at: self.previous_secret_expires_at.map(utc),
            revoked_at: self.revoked_at.map(utc),
            last_used_at: self.last_used_at.map(utc),
            version: self.version,
        })
    }
}

type Backend = <DbConn as Connection>::Backend;

/// The clients of one owner: the filter every read and write of them goes through.
fn owned_by(owner: ClientOwner) -> api_clients::BoxedQuery<'static, Backend> {
    match owner {
        ClientOwner::Center(x) => api_clients::table
            .filter(api_clients::center_id.eq(x.to_string()))
            .into_boxed(),
        ClientOwner::Administration(x) => api_clients::table
            .filter(api_clients::administration_id.eq(x.to_string()))
            .into_boxed(),
    }
}

fn api_client(c: &mut DbConn, owner: ClientOwner, id: Uuid) -> R<Option<ApiClient>> {
    let row: Option<ApiClientRow> = owned_by(owner)
        .filter(api_clients::id.eq(id.to_string()))
        .select(ApiClientRow::as_select())
        .first(c)
        .optional()?;
    Ok(row.map(ApiClientRow::into_entity).transpose()?)
}

/// Whether a client's owner is active (a deactivated center's or administration's clients
/// get no tokens).
fn owner_active(c: &mut DbConn, owner: ClientOwner) -> R<bool> {
    let active: Option<bool> = match owner {
        ClientOwner::Center(x) => centers::table
            .filter(centers::id.eq(x.to_string()))
            .select(centers::active)
            .first(c)
            .optional()?,
        ClientOwner::Administration(x) => administrations::table
            .filter(administrations::id.eq(x.to_string()))
            .select(administrations::active)
            .first(c)
            .optional()?,
    };
    Ok(active.unwrap_or(false))
}

impl ApiClientStore for DieselStore {
    #[tracing::instrument(level = "debug", skip_all, fields(owner = ?client.owner, id = %client.id))]
    fn insert_api_client(
        &self,
        client: &ApiClient,
        secret_hash: &str,
        audit: &AuditDraft,
    ) -> StoreResult<()> {
        self.write(|c| {
            diesel::insert_into(api_clients::table)
                .values(ApiClientRow::new(client, secret_hash))
                .execute(c)?;
            append_event(c, &self.keys, audit)
        })
    }

    #[tracing::instrument(level = "debug", skip_all, fields(?owner, %id))]
    fn api_client(&self, owner: ClientOwner, id: Uuid) -> StoreResult<Option<ApiClient>> {
        self.read(|c| api_client(c, owner, id))
    }

    #[tracing::instrument(level = "debug", skip_all, fields(?owner))]
    fn api_clients(&self, owner: ClientOwner, req: PageRequest) -> StoreResult<Page<ApiClient>> {
        self.read(|c| {
            let rows: Vec<ApiClientRow> = owned_by(owner)
                .filter(api_clients::id.gt(after_key(&req)))
                .order(api_clients::id.asc())
                .limit(req.limit + 1)
                .select(ApiClientRow::as_select())
                .load(c)?;
            let items = convert(rows, ApiClientRow::into_entity)?;
            Ok(Page::from_rows(items, &req, |x| x.id))
        })
    }

    #[tracing::instrument(level = "debug", skip_all, fields(owner = ?client.owner, id = %client.id))]
    fn save_api_client(
        &self,
        client: &ApiClient,
        expected_version: i32,
        secret: Option<&SecretRotation>,
        audit: &AuditDraft,
    ) -> StoreResult<ApiClient> {
        self.write(|c| {
            let id = client.id.to_string();
            // Only the owner's own row (a client never changes owner), at the version the
            // caller read.
            if api_client(c, client.owner, client.id)?.is_none() {
                return Err(not_found());
            }
            let target = api_clients::table
                .filter(api_clients::id.eq(&id))
                .filter(api_clients::version.eq(expected_version));
            let fields = (
                api_clients::name.eq(&client.name),
                api_clients::scopes.eq(client.scopes.join(" ")),
                api_clients::revoked_at.eq(client.revoked_at.map(naive)),
                api_clients::secret_rotated_at.eq(client.secret_rotated_at.map(naive)),
                api_clients::previous_secret_expires_at
                    .eq(client.previous_secret_expires_at.map(naive)),
                api_clients::updated_at.eq(naive(client.updated_at)),
                api_clients::version.eq(expected_version + 1),
            );
            let n = match secret {
                // The current secret becomes the previous one, accepted until the overlap ends.
                Some(s) => diesel::update(target)
                    .set((
                        fields,
                        api_clients::previous_secret_hash.eq(api_clients::secret_hash.nullable()),
                        api_clients::secret_hash.eq(s.new_hash.as_str()),
                    ))
                    .execute(c)?,
                None if client.revoked_at.is_some() => diesel::update(target)
                    .set((fields, api_clients::previous_secret_hash.eq(None::<String>)))
                    .execute(c)?,
                None => diesel::update(target).set(fields).execute(c)?,
            };
            if n == 0 {
                return Err(missing_or_stale(true));
            }
            append_event(c, &self.keys, audit)?;
            api_client(c, client.owner, client.id)?.ok_or_else(not_found)
        })
    }

    #[tracing::instrument(level = "debug", skip_all)]
    fn client_credentials(&self, client_id: &str) -> StoreResult<Option<ClientCredentials>> {
        self.read(|c| {
            let row: Option<ApiClientRow> = api_clients::table
                .filter(api_clients::client_id.eq(client_id))
                .select(ApiClientRow::as_select())
                .first(c)
                .optional()?;
            let Some(row) = row else {
                return Ok(None);
            };
            let secret_hash = row.secret_hash.clone();
            let previous_secret_hash = row.previous_secret_hash.clone();
            let client = row.into_entity()?;
            let owner_active = owner_active(c, client.owner)?;
            Ok(Some(ClientCredentials {
                client,
                secret_hash,
                previous_secret_hash,
                owner_active,
            }))
        })
    }

    #[tracing::instrument(level = "debug", skip_all, fields(%id))]
    fn active_client(&self, id: Uuid, now: DateTime<Utc>) -> StoreResult<Option<ApiClient>> {
        self.read(|c| {
            let row: Option<ApiClientRow> = api_clients::table
                .filter(api_clients::id.eq(id.to_string()))
                .filter(api_clients::revoked_at.is_null())
                .select(ApiClientRow::as_select())
                .first(c)
                .optional()?;
            let Some(row) = row else { return Ok(None) };
            let mut client = row.into_entity()?;
            if !owner_active(c, client.owner)? {
                return Ok(None);
            }
            if client
                .last_used_at
                .is_none_or(|t| t + LAST_USED_GRANULARITY <= now)
            {
                diesel::update(api_clients::table.filter(api_clients::id.eq(id.to_string())))
                    .set(api_clients::last_used_at.eq(naive(now)))
                    .execute(c)?;
                client.last_used_at = Some(now);
            }
            Ok(Some(client))
        })
    }
}
