//! The JSON body extractor. It checks syntax before shape, so a broken body is always
//! `400 malformed_json` (serde alone, streaming, may first stumble on an unknown field of a
//! half-sent body and call it a schema error).

use crate::JSON_LIMIT;
use crate::problem::ApiError;
use actix_web::dev::Payload;
use actix_web::http::{StatusCode, header};
use actix_web::{FromRequest, HttpRequest, web};
use futures_util::StreamExt;
use serde::de::DeserializeOwned;
use std::future::Future;
use std::pin::Pin;

pub struct ApiJson<T>(pub T);

/// Whether a body of this media type (lower case, no parameters) is read as JSON.
/// `application/json` and other `+json` types are; a JSON Patch (RFC 6902) is a list of
/// operations, not the record, so it never is; a JSON Merge Patch (RFC 7396) is what a
/// `PATCH` here means, but not a record to create, so only a `PATCH` takes it.
fn accepts_media(m: &str, is_patch: bool) -> bool {
    match m {
        "application/json" => true,
        "application/json-patch+json" => false,
        "application/merge-patch+json" => is_patch,
        _ => m.starts_with("application/") && m.ends_with("+json"),
    }
}

impl<T> ApiJson<T> {
    pub fn into_inner(self) -> T {
        self.0
    }
}

/// JSON Schema's `integer` is any number without a fraction, so `20.0` is a valid
/// `duration_minutes`; serde reads it only as a float. Such numbers become integers before
/// the body is read into its type (a float field takes an integer as well).
fn integral_floats_as_integers(v: &mut serde_json::Value) {
    use serde_json::Value;
    match v {
        Value::Number(n) if n.is_f64() => {
            if let Some(f) = n.as_f64()
                && f.fract() == 0.0
                && f.abs() < 9.0e15
            {
                // Exact: |f| < 2^53, so the conversion loses nothing.
                *v = Value::from(f as i64);
            }
        }
        Value::Array(items) => items.iter_mut().for_each(integral_floats_as_integers),
        Value::Object(fields) => fields.values_mut().for_each(integral_floats_as_integers),
        _ => {}
    }
}

fn too_large() -> ApiError {
    ApiError::new(
        StatusCode::PAYLOAD_TOO_LARGE,
        "payload_too_large",
        "Payload too large",
    )
    .detail(format!("the body may be at most {JSON_LIMIT} bytes"))
}

impl<T: DeserializeOwned + 'static> FromRequest for ApiJson<T> {
    type Error = ApiError;
    type Future = Pin<Box<dyn Future<Output = Result<Self, ApiError>>>>;

    fn from_request(req: &HttpRequest, payload: &mut Payload) -> Self::Future {
        let media = req
            .headers()
            .get(header::CONTENT_TYPE)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.split(';').next())
            .map(|m| m.trim().to_ascii_lowercase());
        let is_json = media
            .as_deref()
            .is_some_and(|m| accepts_media(m, req.method() == actix_web::http::Method::PATCH));
        let declared = req
            .headers()
            .get(header::CONTENT_LENGTH)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.parse::<usize>().ok());
        let mut payload = payload.take();
        Box::pin(async move {
            if !is_json {
                return Err(ApiError::new(
                    StatusCode::UNSUPPORTED_MEDIA_TYPE,
                    "unsupported_media_type",
                    "Unsupported media type",
                )
                .detail("send the body as application/json"));
            }
            if declared.is_some_and(|n| n > JSON_LIMIT) {
                return Err(too_large());
            }
            let mut body = web::BytesMut::new();
            while let Some(chunk) = payload.next().await {
                let chunk = chunk.map_err(|_| {
                    ApiError::bad_request("unreadable_body", "the body could not be read")
                })?;
                if body.len() + chunk.len() > JSON_LIMIT {
                    return Err(too_large());
                }
                body.extend_from_slice(&chunk);
            }
            let mut value: serde_json::Value = serde_json::from_slice(&body).map_err(|e| {
                ApiError::bad_request("malformed_json", format!("the body is not valid JSON: {e}"))
            })?;
            integral_floats_as_integers(&mut value);
            serde_path_to_error::deserialize(value)
                .map(ApiJson)
                .map_err(|e| {
                    // The path names the field even when serde's own message does not (a
                    // malformed UUID, a string where a number belongs), so a client can
                    // show the error at the field.
                    let path = e.path().to_string();
                    let msg = e.inner().to_string();
                    let mut err = ApiError::new(
                        StatusCode::UNPROCESSABLE_ENTITY,
                        "invalid_body",
                        "The body does not match the schema",
                    );
                    let named = [
                        ("missing field `", "required"),
                        ("unknown field `", "unknown_field"),
                    ]
                    .iter()
                    .find_map(|(prefix, code)| {
                        msg.strip_prefix(prefix)
                            .and_then(|rest| rest.split('`').next())
                            .map(|f| (f.to_owned(), *code))
                    });
                    let (field, code) = match named {
                        Some((f, code)) if path == "." => (f, code),
                        Some((f, code)) if path == f || path.ends_with(&format!(".{f}")) => {
                            (path.clone(), code)
                        }
                        Some((f, code)) => (format!("{path}.{f}"), code),
                        None => (path.clone(), "invalid_type"),
                    };
                    if field != "." {
                        err.errors
                            .push(tsunagu_domain::FieldError::new(field, code, msg.clone()));
                    }
                    err.detail(msg)
                })
        })
    }
}

#[cfg(test)]
mod tests {
    use super::accepts_media;

    #[test]
    fn patch_documents_are_not_records() {
        assert!(accepts_media("application/json", false));
        assert!(accepts_media("application/problem+json", false));
        assert!(!accepts_media("application/json-patch+json", false));
        assert!(!accepts_media("application/json-patch+json", true));
        assert!(!accepts_media("application/merge-patch+json", false));
        assert!(accepts_media("application/merge-patch+json", true));
        assert!(!accepts_media("text/plain", false));
    }
}
