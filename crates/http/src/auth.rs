//! Access tokens: short-lived JWTs (HS256, pinned) that name a session. Every request
//! re-checks the session and user in the database, so logout, deactivation and role changes
//! stop tokens already issued at once.

use crate::AppState;
use crate::handlers::blocking;
use crate::problem::ApiError;
use actix_web::dev::Payload;
use actix_web::{FromRequest, HttpMessage, HttpRequest, web};
use chrono::{DateTime, Utc};
use jsonwebtoken::{Algorithm, DecodingKey, EncodingKey, Header, Validation};
use serde::{Deserialize, Serialize};
use std::future::Future;
use std::pin::Pin;
use tsunagu_domain::DomainError;
use tsunagu_domain::app::{Ctx, Services};
use tsunagu_domain::auth::ACCESS_TOKEN_TTL;
use tsunagu_domain::entities::{Actor, RequestMeta};
use tsunagu_domain::events::Action;
use tsunagu_domain::integrations::ClientGrant;
use tsunagu_domain::platform::CLIENT_TOKEN_TTL;
use tsunagu_domain::policy;
use uuid::Uuid;

pub const ISSUER: &str = "tsunagu";
pub const AUDIENCE: &str = "tsunagu-api";
/// Clock skew tolerated between replicas, at most 30 s.
const LEEWAY_SECS: i64 = 30;

#[derive(Debug, Serialize, Deserialize)]
struct Claims {
    iss: String,
    aud: String,
    sub: String,
    /// A person's session; absent from an API client's token.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    sid: Option<String>,
    /// An API client's granted scopes, space-separated (RFC 8693 `scope`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    scope: Option<String>,
    /// An API client's center.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    center: Option<String>,
    exp: i64,
    nbf: i64,
    iat: i64,
    jti: String,
}

/// Who an access token speaks for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Principal {
    User { user: Uuid, session: Uuid },
    Client { client: Uuid, scopes: Vec<String> },
}

#[derive(Clone)]
pub struct JwtKeys {
    encoding: EncodingKey,
    decoding: DecodingKey,
    /// What `verify` asks of every token, built once: building it allocates a set for each
    /// of the issuer, the audience and the required claims, on every request otherwise.
    validation: Validation,
}

impl JwtKeys {
    pub fn from_secret(secret: &[u8]) -> Self {
        let mut validation = Validation::new(Algorithm::HS256);
        validation.set_issuer(&[ISSUER]);
        validation.set_audience(&[AUDIENCE]);
        validation.set_required_spec_claims(&["exp", "nbf", "iss", "aud", "sub"]);
        // The times are checked in `verify`, against the injectable clock.
        validation.validate_exp = false;
        validation.validate_nbf = false;
        Self {
            encoding: EncodingKey::from_secret(secret),
            decoding: DecodingKey::from_secret(secret),
            validation,
        }
    }

    pub fn issue(
        &self,
        user_id: Uuid,
        session_id: Uuid,
        now: DateTime<Utc>,
    ) -> Result<(String, i64), ApiError> {
        let iat = now.timestamp();
        let exp = (now + ACCESS_TOKEN_TTL).timestamp();
        let claims = Claims {
            iss: ISSUER.into(),
            aud: AUDIENCE.into(),
            sub: user_id.to_string(),
            sid: Some(session_id.to_string()),
            scope: None,
            center: None,
            exp,
            nbf: iat,
            iat,
            jti: Uuid::now_v7().to_string(),
        };
        self.sign(&claims, exp - iat)
    }

    /// An API client's access token, carrying its center (none for an administration's
    /// client: which one is read from the client at every request) and granted scopes.
    pub fn issue_client(
        &self,
        grant: &ClientGrant,
        now: DateTime<Utc>,
    ) -> Result<(String, i64), ApiError> {
        let iat = now.timestamp();
        let exp = (now + CLIENT_TOKEN_TTL).timestamp();
        let claims = Claims {
            iss: ISSUER.into(),
            aud: AUDIENCE.into(),
            sub: grant.client.to_string(),
            sid: None,
            scope: Some(grant.scopes.join(" ")),
            center: grant.owner.center().map(|c| c.to_string()),
            exp,
            nbf: iat,
            iat,
            jti: Uuid::now_v7().to_string(),
        };
        self.sign(&claims, exp - iat)
    }

    fn sign(&self, claims: &Claims, expires_in: i64) -> Result<(String, i64), ApiError> {
        let token = jsonwebtoken::encode(&Header::new(Algorithm::HS256), claims, &self.encoding)
            .map_err(|e| {
                tracing::error!(error = %e, "cannot sign an access token");
                ApiError::internal()
            })?;
        Ok((token, expires_in))
    }

    /// Checks signature, algorithm, issuer, audience and presence of every claim; the times
    /// are checked against the injectable clock (not the system clock) so tests can expire tokens.
    pub fn verify(&self, token: &str, now: DateTime<Utc>) -> Result<Principal, ApiError> {
        let data = jsonwebtoken::decode::<Claims>(token, &self.decoding, &self.validation)
            .map_err(|_| ApiError::unauthenticated("invalid_token"))?;
        let c = data.claims;
        let t = now.timestamp();
        if c.exp + LEEWAY_SECS <= t {
            return Err(ApiError::unauthenticated("token_expired"));
        }
        if c.nbf - LEEWAY_SECS > t || c.iat - LEEWAY_SECS > t || c.jti.is_empty() {
            return Err(ApiError::unauthenticated("invalid_token"));
        }
        // This server never issues a token that lives longer than its longest lifetime: one
        // that claims to (a leaked key's ten-year token) is refused, not honoured.
        let longest = ACCESS_TOKEN_TTL.max(CLIENT_TOKEN_TTL).num_seconds() + LEEWAY_SECS;
        if c.exp - c.iat > longest || c.exp - t > longest {
            return Err(ApiError::unauthenticated("invalid_token"));
        }
        let sub =
            Uuid::parse_str(&c.sub).map_err(|_| ApiError::unauthenticated("invalid_token"))?;
        match (c.sid, c.scope) {
            (Some(sid), None) => {
                let session = Uuid::parse_str(&sid)
                    .map_err(|_| ApiError::unauthenticated("invalid_token"))?;
                Ok(Principal::User { user: sub, session })
            }
            (None, Some(scope)) => Ok(Principal::Client {
                client: sub,
                scopes: scope
                    .split(' ')
                    .filter(|s| !s.is_empty())
                    .map(str::to_owned)
                    .collect(),
            }),
            _ => Err(ApiError::unauthenticated("invalid_token")),
        }
    }
}

/// The request id the edge middleware assigned.
#[derive(Debug, Clone)]
pub struct RequestId(pub String);

pub fn request_meta(req: &HttpRequest) -> RequestMeta {
    let request_id = req
        .extensions()
        .get::<RequestId>()
        .map(|r| r.0.clone())
        .unwrap_or_default();
    let source = req.peer_addr().map(|a| a.ip().to_string());
    let idempotency = req
        .extensions()
        .get::<tsunagu_domain::idempotency::IdempotencyClaim>()
        .cloned();
    RequestMeta {
        request_id,
        source,
        idempotency,
    }
}

/// An API client's actor as it is now, checked by the idempotency layer (which must know
/// the client is live before it answers from its store), for the extractors to reuse.
#[derive(Clone)]
pub struct CheckedClient(pub Actor);

/// An API client's call that the scope layer ([`crate::scopes::layer`]) let through on its
/// token alone (signed, live, carrying the scope the operation needs). Whether the client is
/// still so — not revoked, the scope not withdrawn since the token was issued — is checked
/// with the use case, on its blocking thread and its connection ([`Caller::run`]): one
/// hand-off and one checkout per request, as for people, whose sessions are checked there.
#[derive(Clone)]
pub(crate) struct ClientCall {
    pub client: Uuid,
    pub token_scopes: Vec<String>,
    /// The scope the operation needs; `None`: any client may call it.
    pub needs: Option<String>,
    /// `METHOD path`, for the trail of a refusal.
    pub operation: String,
}

impl ClientCall {
    /// The client as it is now: 401 when revoked, 403 `insufficient_scope` (audited) when
    /// the scope the operation needs has been withdrawn.
    pub(crate) fn check(
        self,
        services: &Services,
        meta: &RequestMeta,
    ) -> Result<Actor, DomainError> {
        let actor = services
            .oauth()
            .authenticate(self.client, &self.token_scopes)?;
        if let Some(scope) = &self.needs
            && let Err(e) = policy::client_scope(&actor, scope)
        {
            let ctx = Ctx {
                actor,
                meta: meta.clone(),
            };
            services.audit_refusal(&ctx, Action::ScopeCheck, Some(self.operation), &e);
            return Err(e);
        }
        Ok(actor)
    }
}

/// An authenticated caller. Extracting it verifies the bearer token (signature, lifetime,
/// rate) without the database; the live session is checked by [`Caller::run`], on the same
/// blocking thread and the same database connection as the use case it runs, so a request
/// hands off to a blocking thread once and checks out one connection. The check still runs
/// on every request, so logout, deactivation and role changes stop a token at once, on every
/// replica. The caller's account must be in order: a password an administrator chose has
/// been changed ([`policy::password_changed`]) and a second factor the caller's center
/// requires is in place ([`policy::second_factor_in_place`]).
pub struct Caller(Pending);

/// A caller setting up their second factor: open before a required second factor is set
/// up, which is the point of it, but not before a password an administrator chose has been
/// changed.
pub struct EnrollingCaller(Pending);

/// A caller working on their own account (reading it, changing their password, signing
/// out): open whatever the account still has to do, which is the point of it.
pub struct AccountCaller(Pending);

/// What the caller's account must have done before a route opens. The one place these
/// gates are applied: every route takes one of the three callers.
#[derive(Clone, Copy)]
enum Gate {
    /// Everything: the password changed and a required second factor in place.
    All,
    /// The password changed.
    PasswordChanged,
    /// Nothing: the caller's own account.
    None,
}

/// A caller on a route that needs only to know the caller is signed in (master data): the
/// session is checked while extracting.
pub struct SignedIn;

/// A verified token whose session is yet to be checked, and what checking it needs.
struct Pending {
    services: Services,
    who: Who,
    meta: RequestMeta,
}

enum Who {
    User {
        user: Uuid,
        session: Uuid,
    },
    /// An API client the idempotency layer has checked already.
    Client(Actor),
    /// An API client to check with the use case.
    ClientCall(ClientCall),
}

impl Pending {
    /// Checks the session (on the calling blocking thread), then runs `work` as the caller.
    fn resolve<T>(
        self,
        gate: Gate,
        work: impl FnOnce(&Services, &Ctx) -> Result<T, DomainError>,
    ) -> Result<T, DomainError> {
        let Pending {
            services,
            who,
            meta,
        } = self;
        services.in_one_connection(|| {
            let actor = match who {
                Who::Client(actor) => actor,
                Who::ClientCall(call) => call.check(&services, &meta)?,
                Who::User { user, session } => services.sign_in().authenticate(session, user)?,
            };
            // The password first: a user asked for both changes it, then enrols.
            if matches!(gate, Gate::All | Gate::PasswordChanged) {
                policy::password_changed(&actor)?;
            }
            if matches!(gate, Gate::All) {
                policy::second_factor_in_place(&actor)?;
            }
            work(&services, &Ctx { actor, meta })
        })
    }
}

impl Caller {
    /// Runs `work` as the caller on a blocking thread, after the session check, with one
    /// database connection for both.
    pub async fn run<T, F>(self, work: F) -> Result<T, ApiError>
    where
        T: Send + 'static,
        F: FnOnce(&Ctx) -> Result<T, DomainError> + Send + 'static,
    {
        blocking(move || self.0.resolve(Gate::All, |_, ctx| work(ctx))).await
    }
}

impl EnrollingCaller {
    /// Like [`Caller::run`], without requiring the second factor.
    pub async fn run<T, F>(self, work: F) -> Result<T, ApiError>
    where
        T: Send + 'static,
        F: FnOnce(&Ctx) -> Result<T, DomainError> + Send + 'static,
    {
        blocking(move || self.0.resolve(Gate::PasswordChanged, |_, ctx| work(ctx))).await
    }
}

impl AccountCaller {
    /// Like [`Caller::run`], requiring neither a changed password nor the second factor.
    pub async fn run<T, F>(self, work: F) -> Result<T, ApiError>
    where
        T: Send + 'static,
        F: FnOnce(&Ctx) -> Result<T, DomainError> + Send + 'static,
    {
        blocking(move || self.0.resolve(Gate::None, |_, ctx| work(ctx))).await
    }
}

impl FromRequest for Caller {
    type Error = ApiError;
    type Future = std::future::Ready<Result<Self, Self::Error>>;

    fn from_request(req: &HttpRequest, _: &mut Payload) -> Self::Future {
        std::future::ready(pending(req).map(Caller))
    }
}

impl FromRequest for EnrollingCaller {
    type Error = ApiError;
    type Future = std::future::Ready<Result<Self, Self::Error>>;

    fn from_request(req: &HttpRequest, _: &mut Payload) -> Self::Future {
        std::future::ready(pending(req).map(EnrollingCaller))
    }
}

impl FromRequest for AccountCaller {
    type Error = ApiError;
    type Future = std::future::Ready<Result<Self, Self::Error>>;

    fn from_request(req: &HttpRequest, _: &mut Payload) -> Self::Future {
        std::future::ready(pending(req).map(AccountCaller))
    }
}

impl FromRequest for SignedIn {
    type Error = ApiError;
    type Future = Pin<Box<dyn Future<Output = Result<Self, Self::Error>>>>;

    fn from_request(req: &HttpRequest, _: &mut Payload) -> Self::Future {
        let caller = pending(req).map(Caller);
        Box::pin(async move { caller?.run(|_| Ok(SignedIn)).await })
    }
}

/// The outcome of verifying a request's bearer token, kept in the request's extensions:
/// the scope layer, the idempotency layer and the caller extractor each need to know who
/// is calling, and verifying (a base64 decode, an HMAC and a JSON parse) once serves all
/// three. The error is kept as its problem `code` (every refusal here is a 401).
#[derive(Clone)]
struct VerifiedToken(Result<Principal, &'static str>);

/// Who the request's bearer token speaks for, verified without the database; verified
/// once per request, whichever of the layers and the extractor asks first.
pub(crate) fn bearer(req: &HttpRequest, state: &AppState) -> Result<Principal, ApiError> {
    verified_once(req, |req| verify_bearer(req, state)).map_err(ApiError::unauthenticated)
}

/// `verify(req)`, or what it answered the first time it was asked for this request.
fn verified_once(
    req: &HttpRequest,
    verify: impl FnOnce(&HttpRequest) -> Result<Principal, &'static str>,
) -> Result<Principal, &'static str> {
    let cached = req.extensions().get::<VerifiedToken>().cloned();
    if let Some(VerifiedToken(outcome)) = cached {
        return outcome;
    }
    let outcome = verify(req);
    req.extensions_mut().insert(VerifiedToken(outcome.clone()));
    outcome
}

fn verify_bearer(req: &HttpRequest, state: &AppState) -> Result<Principal, &'static str> {
    let header = req
        .headers()
        .get(actix_web::http::header::AUTHORIZATION)
        .and_then(|h| h.to_str().ok())
        .unwrap_or("");
    let token = header
        .strip_prefix("Bearer ")
        .or_else(|| header.strip_prefix("bearer "))
        .map(str::trim)
        .filter(|t| !t.is_empty())
        .ok_or("missing_token")?;
    state
        .jwt
        .verify(token, state.services.clock().now())
        .map_err(|e| e.code)
}

/// The bearer token, verified without the database (or the API client the scope layer
/// checked).
fn pending(req: &HttpRequest) -> Result<Pending, ApiError> {
    let state = req
        .app_data::<web::Data<AppState>>()
        .ok_or_else(ApiError::internal)?;
    let services = state.services.clone();
    // An API client: let through by `scopes::layer` (rate, the token's scopes), and maybe
    // checked as it is now by the idempotency layer.
    let checked = req.extensions().get::<CheckedClient>().cloned();
    let client = match checked {
        Some(CheckedClient(actor)) => Some(Who::Client(actor)),
        None => req
            .extensions()
            .get::<ClientCall>()
            .cloned()
            .map(Who::ClientCall),
    };
    if let Some(who) = client {
        return Ok(Pending {
            services,
            who,
            meta: request_meta(req),
        });
    }
    let Principal::User { user, session } = bearer(req, state)? else {
        // A client token on a route the layer did not see: refuse, never guess.
        return Err(ApiError::unauthenticated("invalid_token"));
    };
    // Before the database: a flood must not reach it.
    if let Some(verdict) = state.limits.check(crate::ratelimit::Kind::User, user) {
        req.extensions_mut().insert(verdict.clone());
        verdict.into_result()?;
    }
    Ok(Pending {
        services,
        who: Who::User { user, session },
        meta: request_meta(req),
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    fn signed(keys: &JwtKeys, iat: i64, exp: i64) -> String {
        let claims = Claims {
            iss: ISSUER.into(),
            aud: AUDIENCE.into(),
            sub: Uuid::now_v7().to_string(),
            sid: Some(Uuid::now_v7().to_string()),
            scope: None,
            center: None,
            exp,
            nbf: iat,
            iat,
            jti: Uuid::now_v7().to_string(),
        };
        keys.sign(&claims, exp - iat).unwrap().0
    }

    #[test]
    fn a_request_s_token_is_verified_once_whoever_asks() {
        let user = Principal::User {
            user: Uuid::now_v7(),
            session: Uuid::now_v7(),
        };
        let req = actix_web::test::TestRequest::default().to_http_request();
        let mut calls = 0;
        for _ in 0..3 {
            let got = verified_once(&req, |_| {
                calls += 1;
                Ok(user.clone())
            });
            assert_eq!(got, Ok(user.clone()));
        }
        assert_eq!(calls, 1);
        // A refusal is kept too, and stays a refusal.
        let req = actix_web::test::TestRequest::default().to_http_request();
        assert_eq!(
            verified_once(&req, |_| Err("token_expired")),
            Err("token_expired")
        );
        assert_eq!(
            verified_once(&req, |_| Ok(user.clone())),
            Err("token_expired")
        );
        // Another request verifies its own.
        let other = actix_web::test::TestRequest::default().to_http_request();
        assert_eq!(verified_once(&other, |_| Ok(user.clone())), Ok(user));
    }

    #[test]
    fn a_token_of_another_issuer_audience_or_algorithm_or_missing_a_claim_is_refused() {
        // The validation is built once with the keys and shared by every request: each
        // thing it asks of a token is checked here, on a token otherwise like an issued one.
        let keys = JwtKeys::from_secret(b"0123456789abcdef0123456789abcdef");
        let now = Utc.with_ymd_and_hms(2026, 6, 1, 0, 0, 0).unwrap();
        let t = now.timestamp();
        let claims = serde_json::json!({
            "iss": ISSUER, "aud": AUDIENCE, "sub": Uuid::now_v7().to_string(),
            "sid": Uuid::now_v7().to_string(), "exp": t + 600, "nbf": t, "iat": t,
            "jti": Uuid::now_v7().to_string(),
        });
        let sign = |c: &serde_json::Value, alg: Algorithm| {
            jsonwebtoken::encode(&Header::new(alg), c, &keys.encoding).unwrap()
        };
        assert!(keys.verify(&sign(&claims, Algorithm::HS256), now).is_ok());
        let mut refused = vec![sign(&claims, Algorithm::HS384)];
        for (claim, value) in [("iss", "someone-else"), ("aud", "another-api")] {
            let mut c = claims.clone();
            c[claim] = value.into();
            refused.push(sign(&c, Algorithm::HS256));
        }
        for claim in ["exp", "nbf", "iss", "aud", "sub"] {
            let mut c = claims.clone();
            c.as_object_mut().unwrap().remove(claim);
            refused.push(sign(&c, Algorithm::HS256));
        }
        for token in refused {
            assert_eq!(keys.verify(&token, now).unwrap_err().code, "invalid_token");
        }
    }

    #[test]
    fn a_token_longer_lived_than_any_issued_is_refused() {
        let keys = JwtKeys::from_secret(b"0123456789abcdef0123456789abcdef");
        let now = Utc.with_ymd_and_hms(2026, 6, 1, 0, 0, 0).unwrap();
        let t = now.timestamp();
        let (issued, _) = keys.issue(Uuid::now_v7(), Uuid::now_v7(), now).unwrap();
        assert!(keys.verify(&issued, now).is_ok());
        let ten_years = signed(&keys, t, t + 10 * 365 * 86_400);
        assert!(keys.verify(&ten_years, now).is_err());
        // Backdating `iat` does not help: the expiry is also capped from now.
        let backdated = signed(&keys, t - 10 * 365 * 86_400, t + 10 * 365 * 86_400);
        assert!(keys.verify(&backdated, now).is_err());
        let ordinary = signed(&keys, t, t + 600);
        assert!(keys.verify(&ordinary, now).is_ok());
    }
}
