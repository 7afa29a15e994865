//! `POST /oauth/token`: the OAuth 2.0 client-credentials grant (RFC 6749 §4.4) for API
//! clients. Answers and errors take the RFC's JSON shapes, not problem details, because
//! OAuth libraries parse them.

use crate::AppState;
use crate::auth::request_meta;
use crate::dto::{ClientToken, OAuthError, TokenForm};
use crate::ratelimit::Kind;
use actix_web::http::StatusCode;
use actix_web::http::header;
use actix_web::{HttpRequest, HttpResponse, post, web};
use base64::Engine as _;
use std::collections::HashMap;
use tsunagu_domain::integrations::TokenRefusal;
use uuid::Uuid;

fn oauth_error(status: StatusCode, error: &'static str, description: &str) -> HttpResponse {
    let mut r = HttpResponse::build(status);
    r.insert_header((header::CACHE_CONTROL, "no-store"))
        .insert_header((header::PRAGMA, "no-cache"));
    if status == StatusCode::UNAUTHORIZED {
        r.insert_header((header::WWW_AUTHENTICATE, "Basic realm=\"tsunagu\""));
    }
    r.json(OAuthError {
        error,
        error_description: description.to_owned(),
    })
}

fn bad_request(description: &str) -> HttpResponse {
    oauth_error(StatusCode::BAD_REQUEST, "invalid_request", description)
}

/// `Authorization: Basic` with the form-encoded id and secret (RFC 6749 §2.3.1).
fn basic_credentials(req: &HttpRequest) -> Option<Result<(String, String), ()>> {
    let h = req.headers().get(header::AUTHORIZATION)?.to_str().ok()?;
    let b64 = h
        .strip_prefix("Basic ")
        .or_else(|| h.strip_prefix("basic "))?;
    let decoded = base64::engine::general_purpose::STANDARD
        .decode(b64.trim())
        .ok()
        .and_then(|b| String::from_utf8(b).ok());
    Some(match decoded.as_deref().and_then(|s| s.split_once(':')) {
        Some((id, secret)) => {
            let unescape = |s: &str| {
                serde_urlencoded::from_str::<Vec<(String, String)>>(&format!("v={s}"))
                    .ok()
                    .and_then(|v| v.into_iter().next().map(|(_, v)| v))
            };
            match (unescape(id), unescape(secret)) {
                (Some(i), Some(s)) => Ok((i, s)),
                _ => Err(()),
            }
        }
        None => Err(()),
    })
}

/// Exchange an API client's id and secret for an access token.
///
/// Form-encoded (`grant_type=client_credentials`, `client_id`, `client_secret`, optional
/// `scope`), or with the id and secret in HTTP Basic. The token lasts ten minutes and
/// carries the center and the granted scopes; ask again when it expires.
#[utoipa::path(
    tag = "integration", operation_id = "oauth_token",
    request_body(content = TokenForm, content_type = "application/x-www-form-urlencoded"),
    responses(
        (status = 200, description = "An access token", body = ClientToken),
        (status = 400, description = "`invalid_request`, `unsupported_grant_type` or `invalid_scope`", body = OAuthError),
        (status = 401, description = "`invalid_client`: unknown, wrong secret, or revoked", body = OAuthError),
        (status = 429, description = "Too many requests for this client id", body = crate::problem::Problem, content_type = "application/problem+json"),
    ),
    security(())
)]
#[post("/oauth/token")]
pub async fn token(
    state: web::Data<AppState>,
    req: HttpRequest,
    body: web::Bytes,
) -> Result<HttpResponse, crate::problem::ApiError> {
    let is_form = req
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|c| c.to_str().ok())
        .is_some_and(|c| c.starts_with("application/x-www-form-urlencoded"));
    if !is_form {
        return Ok(bad_request(
            "send the parameters as application/x-www-form-urlencoded",
        ));
    }
    let Ok(pairs) = serde_urlencoded::from_bytes::<Vec<(String, String)>>(&body) else {
        return Ok(bad_request("the form cannot be parsed"));
    };
    // No client id, secret or scope holds U+0000; PostgreSQL could not even compare one.
    if pairs
        .iter()
        .any(|(k, v)| k.contains('\0') || v.contains('\0'))
    {
        return Ok(bad_request("a parameter contains the NUL character"));
    }
    let mut form: HashMap<String, String> = HashMap::new();
    for (k, v) in pairs {
        // RFC 6749 §3.2: parameters must not be included more than once.
        if form.insert(k.clone(), v).is_some() {
            return Ok(bad_request(&format!("{k} is repeated")));
        }
    }
    match form.get("grant_type").map(String::as_str) {
        Some("client_credentials") => {}
        Some(_) => {
            return Ok(oauth_error(
                StatusCode::BAD_REQUEST,
                "unsupported_grant_type",
                "only client_credentials is supported",
            ));
        }
        None => return Ok(bad_request("grant_type is required")),
    }
    let (client_id, secret) = match (
        basic_credentials(&req),
        form.get("client_id"),
        form.get("client_secret"),
    ) {
        (Some(Ok(_)), Some(_), _) | (Some(Ok(_)), _, Some(_)) => {
            return Ok(bad_request(
                "authenticate with HTTP Basic or with the form, not both",
            ));
        }
        (Some(Ok(pair)), None, None) => pair,
        (Some(Err(())), _, _) => {
            return Ok(oauth_error(
                StatusCode::UNAUTHORIZED,
                "invalid_client",
                "the Basic credentials cannot be read",
            ));
        }
        (None, Some(id), Some(secret)) => (id.clone(), secret.clone()),
        (None, _, _) => {
            return Ok(bad_request("client_id and client_secret are required"));
        }
    };
    // One bucket per presented client id, so guessing a secret is as slow as the API.
    let digest = <sha2::Sha256 as sha2::Digest>::digest(client_id.as_bytes());
    let mut bytes = [0u8; 16];
    bytes.copy_from_slice(&digest[..16]);
    let key = Uuid::from_bytes(bytes);
    if let Some(v) = state.limits.check(Kind::Client, key) {
        v.into_result()?;
    }
    let meta = request_meta(&req);
    let scope = form.get("scope").cloned();
    let services = state.services.clone();
    let result = web::block(move || {
        services
            .oauth()
            .token(&meta, &client_id, &secret, scope.as_deref())
    })
    .await
    .map_err(|_| crate::problem::ApiError::internal())?;
    let grant = match result {
        Ok(g) => g,
        Err(TokenRefusal::InvalidClient) => {
            return Ok(oauth_error(
                StatusCode::UNAUTHORIZED,
                "invalid_client",
                "unknown client, wrong secret, or the client is revoked",
            ));
        }
        Err(TokenRefusal::InvalidScope(s)) => {
            return Ok(oauth_error(
                StatusCode::BAD_REQUEST,
                "invalid_scope",
                &format!("the client is not granted {s}"),
            ));
        }
        Err(TokenRefusal::Other(e)) => return Err(e.into()),
    };
    let (access_token, expires_in) = state
        .jwt
        .issue_client(&grant, state.services.clock().now())?;
    Ok(HttpResponse::Ok()
        .insert_header((header::CACHE_CONTROL, "no-store"))
        .insert_header((header::PRAGMA, "no-cache"))
        .json(ClientToken {
            access_token,
            token_type: "Bearer",
            expires_in,
            scope: grant.scopes.join(" "),
        }))
}
