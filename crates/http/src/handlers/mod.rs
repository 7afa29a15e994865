//! Request handlers: parse the wire types, call a domain service on the blocking pool, and
//! shape the answer. No rules live here.

pub mod agencies;
pub mod agency_links;
pub mod api_clients;
pub mod audit;
pub mod auth;
pub mod centers;
pub mod consents;
pub mod consultations;
pub mod exchange;
pub mod exports;
pub mod follow_ups;
pub mod imports;
pub mod liaison;
pub mod master;
pub mod oauth;
pub mod ops;
pub mod patient_merges;
pub mod patients;
pub mod peer_support;
pub mod referrals;
pub mod reports;
pub mod shoman_projects;
pub mod supervision;
pub mod support_plans;
pub mod users;
pub mod webhooks;

use crate::problem::ApiError;
use actix_web::http::StatusCode;
use actix_web::http::header;
use actix_web::{HttpRequest, HttpResponse, web};
use serde::Serialize;
use tsunagu_domain::DomainError;
use tsunagu_domain::if_match::IfMatch;
use tsunagu_domain::page::PageRequest;

/// Runs synchronous domain work (diesel, argon2) off the async executor.
pub(crate) async fn blocking<T, F>(f: F) -> Result<T, ApiError>
where
    T: Send + 'static,
    F: FnOnce() -> Result<T, DomainError> + Send + 'static,
{
    match web::block(f).await {
        Ok(r) => r.map_err(ApiError::from),
        Err(e) => {
            tracing::error!(error = %e, "blocking task failed");
            Err(ApiError::internal())
        }
    }
}

pub(crate) fn etag(version: i32) -> String {
    format!("\"v{version}\"")
}

/// The version a `PATCH` expects, from `If-Match`: 428 when missing; `*` matches whatever
/// version is current (RFC 9110 §13.1.1: true when the record exists); an entity tag that is
/// not one of ours answers 412 (it cannot match any current version).
pub(crate) fn if_match(req: &HttpRequest) -> Result<IfMatch, ApiError> {
    let raw = req
        .headers()
        .get(header::IF_MATCH)
        .ok_or_else(ApiError::precondition_required)?;
    parse_if_match(raw.to_str().unwrap_or(""))
        .ok_or_else(|| ApiError::from(DomainError::PreconditionFailed))
}

/// The first entity tag of an `If-Match` value, or `*`. Our tags are strong (`"v3"`); a weak
/// `W/"v3"` is taken as the same version.
fn parse_if_match(value: &str) -> Option<IfMatch> {
    let s = value.trim();
    if s == "*" {
        return Some(IfMatch::Any);
    }
    let first = s.split(',').next().unwrap_or("").trim();
    let tag = first.strip_prefix("W/").unwrap_or(first);
    tag.strip_prefix("\"v")
        .and_then(|t| t.strip_suffix('"'))
        .and_then(|n| n.parse::<i32>().ok())
        .map(IfMatch::Version)
}

pub(crate) fn page(limit: Option<i64>, cursor: Option<&str>) -> Result<PageRequest, ApiError> {
    PageRequest::parse(limit, cursor).map_err(|e| ApiError::from(DomainError::Validation(e)))
}

pub(crate) fn json_with_etag<T: Serialize>(
    status: StatusCode,
    version: i32,
    body: &T,
) -> HttpResponse {
    HttpResponse::build(status)
        .insert_header((header::ETAG, etag(version)))
        .json(body)
}

pub(crate) fn created<T: Serialize>(location: String, version: i32, body: &T) -> HttpResponse {
    HttpResponse::Created()
        .insert_header((header::ETAG, etag(version)))
        .insert_header((header::LOCATION, location))
        .json(body)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn if_match_takes_our_tags_and_the_star() {
        assert_eq!(parse_if_match("\"v3\""), Some(IfMatch::Version(3)));
        assert_eq!(parse_if_match(" W/\"v3\" "), Some(IfMatch::Version(3)));
        assert_eq!(parse_if_match("\"v2\", \"v3\""), Some(IfMatch::Version(2)));
        assert_eq!(parse_if_match("*"), Some(IfMatch::Any));
        assert_eq!(parse_if_match("\"*\""), None);
        assert_eq!(parse_if_match("v3"), None);
        assert_eq!(parse_if_match(""), None);
    }
}
