//! RFC 9457 problem details: the one shape every error takes, with a stable `code`.

use actix_web::http::StatusCode;
use actix_web::http::header::{self, HeaderName, HeaderValue};
use actix_web::{HttpResponse, ResponseError};
use serde::Serialize;
use std::fmt;
use tsunagu_domain::{DomainError, FieldError};
use utoipa::ToSchema;

pub const PROBLEM_JSON: &str = "application/problem+json";

/// An RFC 9457 problem. Clients switch on `code`, which never changes once published.
#[derive(Debug, Serialize, ToSchema)]
#[schema(example = json!({
    "type": "urn:tsunagu:problem:validation_failed", "title": "The input is not valid",
    "status": 422, "detail": "2 fields are not valid", "code": "validation_failed",
    "errors": [{"field": "prefecture_code", "code": "invalid_prefecture", "message": "must be a JIS X 0401 code from \"01\" to \"47\""}]
}))]
pub struct Problem {
    /// `urn:tsunagu:problem:{code}`.
    #[serde(rename = "type")]
    pub type_uri: String,
    pub title: String,
    pub status: u16,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub detail: Option<String>,
    /// Stable machine-readable code, e.g. `validation_failed`, `not_found`, `precondition_failed`.
    pub code: String,
    /// For `validation_failed`: every invalid field.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub errors: Vec<ProblemField>,
    /// For `patient_merged`: the id of the patient record that answers for this one now
    /// (also in `Location`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub merged_into: Option<String>,
}

/// One invalid field of a request.
#[derive(Debug, Serialize, ToSchema)]
pub struct ProblemField {
    /// The field's name in the request body or query, e.g. `family_name_kana`.
    pub field: String,
    pub code: String,
    pub message: String,
}

/// An error on its way to becoming a problem response.
#[derive(Debug)]
pub struct ApiError {
    pub status: StatusCode,
    pub code: &'static str,
    pub title: &'static str,
    pub detail: Option<String>,
    pub errors: Vec<FieldError>,
    pub headers: Vec<(HeaderName, String)>,
    /// See [`Problem::merged_into`]. Boxed: every handler returns this error, and a bigger
    /// one makes every `Result` bigger.
    pub merged_into: Option<Box<uuid::Uuid>>,
}

impl ApiError {
    pub fn new(status: StatusCode, code: &'static str, title: &'static str) -> Self {
        Self {
            status,
            code,
            title,
            detail: None,
            errors: Vec::new(),
            headers: Vec::new(),
            merged_into: None,
        }
    }

    pub fn detail(mut self, d: impl Into<String>) -> Self {
        self.detail = Some(d.into());
        self
    }

    pub fn header(mut self, name: HeaderName, value: impl Into<String>) -> Self {
        self.headers.push((name, value.into()));
        self
    }

    pub fn not_found() -> Self {
        Self::new(StatusCode::NOT_FOUND, "not_found", "Not found").detail("no such record")
    }

    pub fn unauthenticated(code: &'static str) -> Self {
        Self::new(StatusCode::UNAUTHORIZED, code, "Not signed in")
            .header(header::WWW_AUTHENTICATE, "Bearer")
    }

    pub fn precondition_required() -> Self {
        Self::new(
            StatusCode::PRECONDITION_REQUIRED,
            "if_match_required",
            "If-Match required",
        )
        .detail("send the ETag you read in If-Match, so that nobody's change is overwritten")
    }

    pub fn bad_request(code: &'static str, detail: impl Into<String>) -> Self {
        Self::new(StatusCode::BAD_REQUEST, code, "Bad request").detail(detail)
    }

    pub fn internal() -> Self {
        Self::new(
            StatusCode::INTERNAL_SERVER_ERROR,
            "internal_error",
            "Internal error",
        )
        .detail("the error was logged; please try again or report it with the X-Request-Id")
    }

    /// A problem for a status that arrived without one (actix's own 404/405/413 …).
    pub fn for_status(status: StatusCode) -> Self {
        let (code, title) = match status.as_u16() {
            400 => ("bad_request", "Bad request"),
            401 => ("unauthenticated", "Not signed in"),
            403 => ("forbidden", "Forbidden"),
            404 => ("route_not_found", "Not found"),
            405 => ("method_not_allowed", "Method not allowed"),
            406 => ("not_acceptable", "Not acceptable"),
            408 => ("request_timeout", "Request timeout"),
            411 => ("length_required", "Length required"),
            413 => ("payload_too_large", "Payload too large"),
            414 => ("uri_too_long", "URI too long"),
            415 => ("unsupported_media_type", "Unsupported media type"),
            431 => ("headers_too_large", "Request headers too large"),
            503 => ("unavailable", "Service unavailable"),
            s if s >= 500 => ("internal_error", "Internal error"),
            _ => ("error", "Error"),
        };
        Self::new(status, code, title)
    }

    pub fn to_problem(&self) -> Problem {
        Problem {
            type_uri: format!("urn:tsunagu:problem:{}", self.code),
            title: self.title.to_owned(),
            status: self.status.as_u16(),
            detail: self.detail.clone(),
            code: self.code.to_owned(),
            errors: self
                .errors
                .iter()
                .map(|e| ProblemField {
                    field: e.field.clone(),
                    code: e.code.to_owned(),
                    message: e.message.clone(),
                })
                .collect(),
            merged_into: self.merged_into.as_ref().map(|u| u.to_string()),
        }
    }
}

impl fmt::Display for ApiError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} {}", self.status.as_u16(), self.code)
    }
}

impl ResponseError for ApiError {
    fn status_code(&self) -> StatusCode {
        self.status
    }

    fn error_response(&self) -> HttpResponse {
        let mut res = HttpResponse::build(self.status);
        res.insert_header((header::CONTENT_TYPE, PROBLEM_JSON));
        for (name, value) in &self.headers {
            if let Ok(v) = HeaderValue::from_str(value) {
                res.insert_header((name.clone(), v));
            }
        }
        let body = serde_json::to_vec(&self.to_problem()).unwrap_or_default();
        res.body(body)
    }
}

impl From<DomainError> for ApiError {
    fn from(e: DomainError) -> Self {
        match e {
            DomainError::Validation(errors) => {
                let n = errors.len();
                let mut a = Self::new(StatusCode::UNPROCESSABLE_ENTITY, "validation_failed", "The input is not valid")
                    .detail(if n == 1 { "1 field is not valid".to_owned() } else { format!("{n} fields are not valid") });
                a.errors = errors;
                a
            }
            DomainError::NotFound => Self::not_found(),
            DomainError::Unauthenticated { code } => Self::unauthenticated(code),
            DomainError::Forbidden { code, detail } => Self::new(StatusCode::FORBIDDEN, code, "Forbidden").detail(detail),
            DomainError::InsufficientScope { scope } => Self::new(StatusCode::FORBIDDEN, "insufficient_scope", "Outside the client's scopes")
                .detail(format!("this operation needs the scope {scope}"))
                .header(header::WWW_AUTHENTICATE, format!("Bearer error=\"insufficient_scope\", scope=\"{scope}\"")),
            DomainError::PreconditionFailed => Self::new(StatusCode::PRECONDITION_FAILED, "precondition_failed", "The record has changed")
                .detail("someone changed this record after you read it; read it again and reapply your change"),
            DomainError::Conflict { code, detail } => Self::new(StatusCode::CONFLICT, code, "Conflict").detail(detail),
            DomainError::Rule { code, detail } => Self::new(StatusCode::UNPROCESSABLE_ENTITY, code, "Not allowed by the rules").detail(detail),
            DomainError::Gone { code, detail } => Self::new(StatusCode::GONE, code, "No longer available").detail(detail),
            DomainError::PatientMerged { into } => {
                let mut a = Self::new(StatusCode::GONE, "patient_merged", "Merged into another record")
                    .detail("this patient was registered twice and merged; the record in `merged_into` (and `Location`) answers for them now")
                    .header(header::LOCATION, format!("/api/v1/patients/{into}"));
                a.merged_into = Some(Box::new(into));
                a
            }
            DomainError::TooManyAttempts { retry_after_secs } => Self::new(StatusCode::TOO_MANY_REQUESTS, "too_many_attempts", "Too many attempts")
                .detail(format!("try again in {retry_after_secs} seconds"))
                .header(header::RETRY_AFTER, retry_after_secs.to_string()),
            DomainError::Unavailable(msg) => {
                tracing::warn!(error = %msg, "database unavailable");
                Self::new(StatusCode::SERVICE_UNAVAILABLE, "unavailable", "Service unavailable").detail("the database cannot be reached or could not answer in time; try again shortly").header(header::RETRY_AFTER, "5")
            }
            DomainError::Internal(msg) => {
                tracing::error!(error = %msg, "internal error");
                Self::internal()
            }
        }
    }
}

/// The problem answers an operation can give, for the spec: each status with a description
/// and the problem+json body. Handlers list one of the sets below instead of repeating them.
fn problem_responses(
    statuses: &[u16],
) -> std::collections::BTreeMap<String, utoipa::openapi::RefOr<utoipa::openapi::Response>> {
    use utoipa::openapi::{ContentBuilder, Ref, ResponseBuilder};
    statuses
        .iter()
        .map(|s| {
            let description = match s {
                400 => "The body is not JSON (`malformed_json`) or the query string cannot be read (`invalid_query`)",
                408 => "The body did not arrive in time (`request_timeout`)",
                413 => "The body is too large (`payload_too_large`)",
                415 => "The body is not `application/json` (`unsupported_media_type`)",
                429 => "Over the rate limit (`rate_limited`, with `Retry-After`)",
                503 => "The database cannot be reached or could not answer in time, or the access log cannot be written (`unavailable`, with `Retry-After`)",
                401 => "Not signed in, or the token expired (`invalid_token`)",
                403 => "The role does not allow it (`insufficient_role`, `center_staff_only`, …)",
                404 => "No such record in your center (`not_found`)",
                406 => "The format `Accept` asks for is not produced (`not_acceptable`)",
                409 => "Conflicts with the current state",
                410 => "The one-time link was used, expired or was revoked (`link_gone`), or the patient was merged into another record (`patient_merged`, with `merged_into` and a `Location` to it)",
                412 => "Changed since you read it (`precondition_failed`)",
                422 => "Invalid input (`validation_failed`, with `errors`) or refused by a rule (its own `code`)",
                428 => "No `If-Match` (`if_match_required`)",
                _ => "Error",
            };
            let mut response = ResponseBuilder::new().description(description);
            if *s == 410 {
                response = response.header(
                    "Location",
                    utoipa::openapi::header::HeaderBuilder::new()
                        .schema(Some(utoipa::openapi::ObjectBuilder::new().schema_type(utoipa::openapi::Type::String)))
                        .description(Some("For `patient_merged`: the URL of the patient record that answers for this one now"))
                        .build(),
                );
            }
            let response = response
                .content(
                    PROBLEM_JSON,
                    ContentBuilder::new()
                        .schema(Some(Ref::from_schema_name("Problem")))
                        .build(),
                )
                .build();
            (s.to_string(), response.into())
        })
        .collect()
}

/// Adds the answers every operation of a kind can give, whatever its handler: the edge's
/// refusals of a body (400, 408, 413, 415, and 422 for one that does not match its schema)
/// where there is a body, of a query string (400)
/// where there are parameters, the rate limit (429) where there is a caller, and the
/// database being away (503) everywhere under the API. One place, so no operation's
/// documented answers miss one of them.
pub fn add_common_answers(doc: &mut utoipa::openapi::OpenApi) {
    use utoipa::openapi::path::ParameterIn;
    for (path, item) in doc.paths.paths.iter_mut() {
        let under_api = path.starts_with("/api/");
        for op in [
            item.get.as_mut(),
            item.post.as_mut(),
            item.put.as_mut(),
            item.patch.as_mut(),
            item.delete.as_mut(),
        ]
        .into_iter()
        .flatten()
        {
            let mut statuses = Vec::new();
            if op.request_body.is_some() {
                statuses.extend([400, 408, 413, 415, 422]);
            }
            let has_query = op.parameters.as_ref().is_some_and(|ps| {
                ps.iter().any(|p| {
                    matches!(p, utoipa::openapi::RefOr::T(p) if matches!(p.parameter_in, ParameterIn::Query))
                })
            });
            if has_query {
                statuses.push(400);
            }
            if op.security.as_ref().is_some_and(|s| !s.is_empty()) {
                statuses.push(429);
            }
            if under_api {
                statuses.push(503);
            }
            for (status, response) in problem_responses(&statuses) {
                op.responses.responses.entry(status).or_insert(response);
            }
        }
    }
}

macro_rules! problem_set {
    ($(#[$m:meta])* $name:ident = [$($s:literal),+]) => {
        $(#[$m])*
        pub struct $name;
        impl utoipa::IntoResponses for $name {
            fn responses() -> std::collections::BTreeMap<String, utoipa::openapi::RefOr<utoipa::openapi::Response>> {
                problem_responses(&[$($s),+])
            }
        }
    };
}

problem_set!(
    /// Reading a list.
    ListProblems = [401, 403, 422]
);
problem_set!(
    /// Reading a list under a record (which may not exist).
    ListUnderProblems = [401, 403, 404, 422]
);
problem_set!(
    /// Reading one record (or what hangs under it).
    ReadProblems = [401, 403, 404]
);
problem_set!(
    /// Reading a patient (or what hangs under them), who may have been merged into another
    /// record (410 `patient_merged`).
    PatientReadProblems = [401, 403, 404, 410]
);
problem_set!(
    /// Reading everything held about a patient, in a format `Accept` may ask for that is
    /// not produced (406).
    DisclosureProblems = [401, 403, 404, 406, 410]
);
problem_set!(
    /// Changing a patient with `If-Match`, who may have been merged (410).
    PatientUpdateProblems = [401, 403, 404, 410, 412, 422, 428]
);
problem_set!(
    /// Creating a record under a patient, who may have been merged (410).
    PatientCreateUnderProblems = [401, 403, 404, 410, 422]
);
problem_set!(
    /// Creating a record.
    CreateProblems = [401, 403, 422]
);
problem_set!(
    /// Creating a record under another one (which may not exist).
    CreateUnderProblems = [401, 403, 404, 422]
);
problem_set!(
    /// Merging two patient records (409 when one is already merged).
    MergeProblems = [401, 403, 404, 409, 422]
);
problem_set!(
    /// Linking two records that may already be linked (409).
    LinkProblems = [401, 403, 404, 409, 422]
);
problem_set!(
    /// The agency's page and answer through a one-time link (no sign-in).
    PublicLinkProblems = [404, 410, 429]
);
problem_set!(
    /// Changing an import, whose state may not allow it (409 `import_not_checked`).
    ImportChangeProblems = [401, 403, 404, 409, 422]
);
problem_set!(
    /// Changing a record with `If-Match`.
    UpdateProblems = [401, 403, 404, 412, 422, 428]
);
