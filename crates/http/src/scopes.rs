//! Which operations an API client may call, and with which scope: read from the OpenAPI
//! document's `oauth2` security requirements, so what third parties read is what is
//! enforced.

use crate::AppState;
use crate::auth::{ClientCall, Principal};
use crate::problem::ApiError;
use actix_web::HttpMessage;
use actix_web::body::{BoxBody, MessageBody};
use actix_web::dev::{ServiceRequest, ServiceResponse};
use actix_web::http::StatusCode;
use actix_web::middleware::Next;
use actix_web::{Error, ResponseError, web};
use std::collections::HashMap;
use tsunagu_domain::DomainError;
use tsunagu_domain::app::Ctx;
use tsunagu_domain::events::Action;
use tsunagu_domain::policy;
use utoipa::openapi::OpenApi;

/// `(METHOD, path pattern)` → the scope needed (`None`: any client token), for operations
/// open to API clients. Operations not listed are for people only.
#[derive(Debug, Default)]
pub struct ScopeTable(HashMap<(String, String), Option<String>>);

/// Whether a request path matches a path template of the document (`{x}` matches one
/// segment).
fn matches(template: &str, path: &str) -> bool {
    let t: Vec<&str> = template.trim_matches('/').split('/').collect();
    let p: Vec<&str> = path.trim_matches('/').split('/').collect();
    t.len() == p.len()
        && t.iter()
            .zip(&p)
            .all(|(t, p)| (t.starts_with('{') && t.ends_with('}')) || t == p)
}

impl ScopeTable {
    pub fn from_spec(spec: &OpenApi) -> Self {
        let mut map = HashMap::new();
        let Ok(doc) = serde_json::to_value(spec) else {
            return Self(map);
        };
        let Some(paths) = doc.get("paths").and_then(|p| p.as_object()) else {
            return Self(map);
        };
        for (path, item) in paths {
            let Some(item) = item.as_object() else {
                continue;
            };
            for (method, op) in item {
                let requirements = op
                    .get("security")
                    .and_then(|s| s.as_array())
                    .cloned()
                    .unwrap_or_default();
                for r in requirements {
                    if let Some(scopes) = r.get("oauth2").and_then(|s| s.as_array()) {
                        let scope = scopes.first().and_then(|s| s.as_str()).map(str::to_owned);
                        map.insert((method.to_ascii_uppercase(), path.clone()), scope);
                    }
                }
            }
        }
        Self(map)
    }

    /// For a request: `None`: not open to clients; `Some(None)`: any client;
    /// `Some(Some(s))`: needs `s`. Where two templates match, the one with more literal
    /// segments is the route actix takes.
    pub fn required(&self, method: &str, path: &str) -> Option<Option<&str>> {
        self.0
            .iter()
            .filter(|((m, t), _)| m == method && matches(t, path))
            .max_by_key(|((_, t), _)| t.split('/').filter(|s| !s.starts_with('{')).count())
            .map(|(_, s)| s.as_deref())
    }
}

/// Refuses an API client's call outside its token's scopes, or on an operation not open to
/// clients, before anything else reads the request (so the answer does not depend on the
/// body), and audits the refusal. A call its token allows goes on without the database:
/// whether the client is still allowed it (not revoked, the scope not withdrawn since the
/// token was issued) is checked with the use case ([`crate::auth::ClientCall`]).
pub async fn layer(
    req: ServiceRequest,
    next: Next<impl MessageBody + 'static>,
) -> Result<ServiceResponse<BoxBody>, Error> {
    let refusal = match req.app_data::<web::Data<AppState>>() {
        Some(state) if req.path().starts_with("/api/v1/") => check(&req, state).await,
        _ => None,
    };
    match refusal {
        Some(e) => Ok(req.into_response(e.error_response())),
        None => next
            .call(req)
            .await
            .map(ServiceResponse::map_into_boxed_body),
    }
}

async fn check(req: &ServiceRequest, state: &web::Data<AppState>) -> Option<ApiError> {
    let Ok(Principal::Client { client, scopes }) = crate::auth::bearer(req.request(), state) else {
        return None; // people, and bad tokens, are the Caller extractor's business
    };
    // The limit comes before the database.
    if let Some(verdict) = state.limits.check(crate::ratelimit::Kind::Client, client) {
        req.extensions_mut().insert(verdict.clone());
        if let Err(e) = verdict.into_result() {
            return Some(e);
        }
    }
    let operation = format!("{} {}", req.method(), req.path());
    let refusal = match state.scopes.required(req.method().as_str(), req.path()) {
        None => ApiError::new(
            StatusCode::FORBIDDEN,
            "client_not_allowed",
            "Not open to API clients",
        )
        .detail("this operation is for the center's staff, not for API clients"),
        Some(Some(scope)) if let Err(e) = policy::grants(&scopes, scope) => ApiError::from(e),
        Some(needs) => {
            req.extensions_mut().insert(ClientCall {
                client,
                token_scopes: scopes,
                needs: needs.map(str::to_owned),
                operation,
            });
            return None;
        }
    };
    // Refused. A revoked client hears that first (401); otherwise the trail names the client
    // and the operation it tried.
    let services = state.services.clone();
    let meta = crate::auth::request_meta(req.request());
    let code = refusal.code;
    let trail = web::block(move || {
        let actor = services.oauth().authenticate(client, &scopes)?;
        services.audit_refusal(
            &Ctx { actor, meta },
            Action::ScopeCheck,
            Some(operation),
            &DomainError::forbidden(code, ""),
        );
        Ok::<(), DomainError>(())
    });
    match trail.await {
        Ok(Ok(())) => Some(refusal),
        Ok(Err(e)) => Some(ApiError::from(e)),
        Err(_) => Some(ApiError::internal()),
    }
}
