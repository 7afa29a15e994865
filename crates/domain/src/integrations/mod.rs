//! Use cases of third-party integration: a center administrator manages API clients
//! (`services.api_clients()`) and webhook subscriptions (`services.webhooks()`); clients
//! exchange their credentials for tokens (`services.oauth()`); the delivery worker sends
//! what the outbox holds (`services.deliveries()`). The rules (scopes, secrets, signing,
//! retries) are in [`crate::platform`].

pub mod api_clients;
pub mod deliveries;
pub mod oauth;
pub mod targets;
pub mod webhooks;

pub use api_clients::ApiClients;
pub use deliveries::{Deliveries, signed_headers};
pub use oauth::{ClientGrant, OAuth, TokenRefusal};
pub use webhooks::{WebhookChanges, Webhooks};
