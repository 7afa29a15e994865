use super::StoreResult;
use crate::audit::AuditDraft;
use crate::page::{Page, PageRequest};
use crate::platform::{ApiClient, ClientCredentials, ClientOwner};
use chrono::{DateTime, Utc};
use uuid::Uuid;

/// A client's new secret at a rotation.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SecretRotation {
    pub new_hash: String,
}

pub trait ApiClientStore {
    fn insert_api_client(
        &self,
        client: &ApiClient,
        secret_hash: &str,
        audit: &AuditDraft,
    ) -> StoreResult<()>;
    /// One of `owner`'s clients (another owner's is `None`).
    fn api_client(&self, owner: ClientOwner, id: Uuid) -> StoreResult<Option<ApiClient>>;
    fn api_clients(&self, owner: ClientOwner, page: PageRequest) -> StoreResult<Page<ApiClient>>;
    /// Saves a client's name, scopes, revocation and secret state if it is still at
    /// `expected_version`; `secret` replaces the current secret's hash (the previous one then
    /// keeps working until `previous_secret_expires_at`).
    fn save_api_client(
        &self,
        client: &ApiClient,
        expected_version: i32,
        secret: Option<&SecretRotation>,
        audit: &AuditDraft,
    ) -> StoreResult<ApiClient>;
    /// What the token endpoint checks a client's secret against.
    fn client_credentials(&self, client_id: &str) -> StoreResult<Option<ClientCredentials>>;
    /// A client that may act now (not revoked, its center or administration
    /// active); notes it as used at
    /// `now` (at most once a minute, so reads stay reads).
    fn active_client(&self, id: Uuid, now: DateTime<Utc>) -> StoreResult<Option<ApiClient>>;
}
