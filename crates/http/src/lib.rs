//! Tsunagu's HTTP adapter: actix-web handlers, wire types, problem details, authentication
//! and the OpenAPI document, which is generated from the same router that serves requests
//! so the two cannot drift. This crate does not depend on diesel (CI checks it).

mod activities;
pub mod auth;
mod deadline;
pub mod dto;
mod edge;
mod export_file;
mod handlers;
mod idempotency;
mod json;
mod labels;
mod pdf;
pub mod problem;
pub mod ratelimit;
mod regional;
mod route_groups;
mod schema_rules;
mod scopes;
mod sheet;
mod spa;

use actix_web::body::MessageBody;
use actix_web::dev::{ServiceFactory, ServiceRequest, ServiceResponse};
use actix_web::error::{PathError, QueryPayloadError};
use actix_web::http::StatusCode;
use actix_web::http::header;
use actix_web::{App, HttpRequest, HttpResponse, middleware, web};
use problem::ApiError;
use std::path::PathBuf;
use std::sync::Arc;
use tsunagu_domain::app::Services;
use utoipa::openapi::security::{HttpAuthScheme, HttpBuilder, SecurityScheme};
use utoipa::openapi::{ContactBuilder, InfoBuilder, LicenseBuilder, OpenApi, ServerBuilder};
use utoipa_actix_web::AppExt;
use utoipa_swagger_ui::SwaggerUi;

pub use auth::JwtKeys;
pub use edge::Metrics;

/// Largest JSON body accepted; anything bigger is 413.
pub const JSON_LIMIT: usize = 256 * 1024;

#[derive(Debug, Clone, Default)]
pub struct HttpConfig {
    /// Origins allowed to call the API from a browser (CORS); empty means none.
    pub cors_origins: Vec<String>,
    /// Where the built SPA is (`frontend/dist`); `None` serves no SPA.
    pub spa_dir: Option<PathBuf>,
    pub rate_limits: ratelimit::RateLimitConfig,
    /// How long a request body may take to arrive after its head; zero means no limit.
    pub body_timeout: std::time::Duration,
    /// The bearer token `GET /metrics` on the API's address needs; `None` serves no
    /// metrics there.
    pub metrics_token: Option<String>,
    /// Whether `X-Forwarded-Proto` is believed (the server runs behind a proxy that sets
    /// it): it decides `Strict-Transport-Security`.
    pub trust_proxy: bool,
    /// Where people outside reach this server (`TSUNAGU_PUBLIC_URL`, no trailing slash):
    /// the base of the agency links' URLs.
    pub public_url: Option<String>,
}

/// What every handler shares. Cheap to clone: everything inside is reference-counted.
#[derive(Clone)]
pub struct AppState {
    pub services: Services,
    pub jwt: JwtKeys,
    pub config: Arc<HttpConfig>,
    pub metrics: Arc<Metrics>,
    pub limits: Arc<ratelimit::RateLimits>,
    pub(crate) scopes: Arc<scopes::ScopeTable>,
    /// The OpenAPI document as served, serialized once: the document itself (utoipa's
    /// structures) took tens of MB of resident memory; its JSON is about 1.4 MB.
    spec_json: web::Bytes,
    routes: Arc<Vec<(Vec<String>, Vec<String>)>>,
}

impl AppState {
    pub fn new(services: Services, jwt: JwtKeys, config: HttpConfig) -> Self {
        let spec = openapi();
        let routes = route_table(&spec);
        let limits = ratelimit::RateLimits::new(config.rate_limits, services.clock().clone());
        Self {
            scopes: Arc::new(scopes::ScopeTable::from_spec(&spec)),
            limits: Arc::new(limits),
            services,
            jwt,
            config: Arc::new(config),
            metrics: Arc::new(Metrics::default()),
            // Maps with string keys and plain values: serializing cannot fail.
            spec_json: web::Bytes::from(serde_json::to_vec(&spec).unwrap_or_default()),
            routes: Arc::new(routes),
        }
    }
}

fn api_v1() -> utoipa_actix_web::scope::Scope<
    impl ServiceFactory<
        ServiceRequest,
        Config = (),
        Response = ServiceResponse,
        Error = actix_web::Error,
        InitError = (),
    >,
> {
    use activities::{events, outreach, supporter_sessions, trainings};
    use handlers::{
        agencies, agency_links, api_clients, audit, auth, centers, consents, consultations,
        exchange, exports, follow_ups, imports, liaison, master, oauth, patient_merges, patients,
        peer_support, referrals, reports, shoman_projects, supervision, support_plans, users,
        webhooks,
    };
    use regional::{administrations, councils, issues as regional_issues, meetings, publication};
    // Grouped by first path segment: see `route_groups`.
    route_groups::grouped!("/api/v1";
        auth::login,
        auth::refresh,
        auth::logout,
        auth::me,
        auth::change_password,
        auth::start_totp,
        auth::confirm_totp,
        centers::list,
        centers::create,
        centers::read,
        centers::update,
        administrations::list,
        administrations::create,
        administrations::read,
        administrations::update,
        publication::preview,
        publication::list,
        publication::publish,
        publication::public,
        publication::national,
        regional_issues::list,
        regional_issues::create,
        regional_issues::read,
        regional_issues::update,
        regional_issues::stage_changes,
        regional_issues::change_stage,
        regional_issues::add_measure,
        regional_issues::update_measure,
        regional_issues::link_figure,
        regional_issues::unlink_figure,
        regional_issues::comments,
        regional_issues::add_comment,
        regional_issues::meeting_issues,
        regional_issues::set_meeting_issues,
        councils::list,
        councils::create,
        councils::read,
        councils::update,
        councils::list_members,
        councils::create_member,
        councils::read_member,
        councils::update_member,
        councils::create_account,
        councils::pledge,
        meetings::list,
        meetings::create,
        meetings::read,
        meetings::update,
        meetings::add_attachment,
        meetings::list_attachments,
        meetings::read_attachment,
        meetings::delete_attachment,
        users::list,
        users::create,
        users::read,
        users::update,
        users::reset_two_factor,
        agencies::list,
        agencies::create,
        agencies::read,
        agencies::update,
        patients::list,
        patients::create,
        patients::check_duplicates,
        patient_merges::merge,
        patient_merges::preview,
        patients::read,
        patients::update,
        patients::timeline,
        patients::list_consents,
        patients::create_consent,
        patients::list_provisions,
        exchange::patient_fhir,
        exchange::disclosure,
        exchange::code_system,
        imports::list_fields,
        imports::create,
        imports::list,
        imports::get,
        imports::update,
        imports::commit,
        imports::list_problems,
        imports::list_duplicates,
        imports::report,
        exports::create,
        exports::read,
        exports::download,
        peer_support::list,
        peer_support::assign,
        peer_support::end,
        consents::read,
        consents::update,
        consultations::list,
        consultations::create,
        consultations::read,
        consultations::update,
        referrals::list,
        referrals::create,
        referrals::read,
        referrals::update,
        referrals::level_changes,
        referrals::list_follow_ups,
        referrals::create_follow_up,
        agency_links::list,
        agency_links::create,
        agency_links::revoke,
        agency_links::page,
        agency_links::confirm,
        follow_ups::list,
        follow_ups::reassign,
        follow_ups::read,
        follow_ups::update,
        master::diseases,
        master::prefectures,
        master::municipalities,
        reports::referral_levels,
        reports::cooperation_counts,
        reports::consultations,
        reports::employment_outcomes,
        reports::support_awareness,
        reports::shoman_consultations,
        reports::shoman_plans,
        reports::annual,
        reports::shoman_projects,
        reports::shoman_needs,
        reports::shoman_implementation,
        audit::list,
        audit::verify,
        supervision::create_review,
        supervision::list_reviews,
        supervision::queue,
        supervision::notifications,
        supervision::summary,
        support_plans::list,
        support_plans::create,
        support_plans::read,
        support_plans::update,
        support_plans::versions,
        support_plans::create_review,
        support_plans::list_reviews,
        support_plans::list_actions,
        support_plans::create_action,
        support_plans::read_action,
        support_plans::update_action,
        support_plans::transition,
        liaison::list,
        liaison::create,
        liaison::read,
        liaison::update,
        shoman_projects::list,
        shoman_projects::create,
        shoman_projects::read,
        shoman_projects::update,
        shoman_projects::list_sessions,
        shoman_projects::create_session,
        shoman_projects::read_session,
        shoman_projects::update_session,
        shoman_projects::list_needs,
        shoman_projects::create_need,
        shoman_projects::read_need,
        shoman_projects::update_need,
        outreach::list,
        outreach::create,
        outreach::read,
        outreach::update,
        outreach::report,
        trainings::list,
        trainings::create,
        trainings::read,
        trainings::update,
        events::list,
        events::create,
        events::read,
        events::update,
        events::list_attendees,
        events::add_attendee,
        events::remove_attendee,
        events::report,
        peer_support::report,
        supporter_sessions::list_schedules,
        supporter_sessions::create_schedule,
        supporter_sessions::read_schedule,
        supporter_sessions::update_schedule,
        supporter_sessions::generate,
        supporter_sessions::list,
        supporter_sessions::create,
        supporter_sessions::read,
        supporter_sessions::update,
        supporter_sessions::list_slots,
        supporter_sessions::book,
        supporter_sessions::read_booking,
        supporter_sessions::update_booking,
        supporter_sessions::report,
        oauth::token,
        api_clients::list,
        api_clients::create,
        api_clients::read,
        api_clients::update,
        api_clients::rotate,
        api_clients::revoke,
        webhooks::list,
        webhooks::create,
        webhooks::read,
        webhooks::update,
        webhooks::remove,
        webhooks::deliveries,
    )
}

fn base_doc() -> OpenApi {
    let info = InfoBuilder::new()
        .title("Tsunagu API")
        .version(env!("CARGO_PKG_VERSION"))
        .description(Some(
            "Case management for Japan's intractable-disease consultation support centers (難病相談支援センター): \
             patients, consultations (相談), referrals to employment agencies at one of four levels (紹介), \
             follow-up (フォローアップ), supervision and the ministry's figures.\n\n\
             Conventions: JSON with snake_case fields; ids are UUID v7; times are RFC 3339 UTC; dates are YYYY-MM-DD. \
             Errors are RFC 9457 problem details (`application/problem+json`) with a stable `code`. \
             No text holds U+0000: a query parameter with `%00` answers 400 `invalid_character` (for every operation), a JSON string with it or another control character 422. \
             Lists take `limit` (1–200, default 50) and `cursor`, and answer `{items, next_cursor}`. \
             Every single-resource GET returns an `ETag`; `PATCH` requires it in `If-Match`: 428 without; 412 `precondition_failed` when the tag is not the record's current version (another change came first: read it again); `If-Match: *` matches whatever version is current (RFC 9110 §13.1.1), for a client that means to overwrite. \
             A creating `POST` accepts `Idempotency-Key` (1–255 visible ASCII characters, kept 24 hours per caller): a retry with the same key and body gets the first answer again \
             (`Idempotent-Replayed: true`) — or, when that answer carried a secret or was lost in a crash after the change committed, the record as it is now (never the secret) under the original status and `Location`; \
             another body is 422 `idempotency_key_reused`, and a retry while the first attempt still holds the key (at most 30 s) is 409 `idempotency_in_progress` with `Retry-After`. \
             Everything is scoped to the caller's center: another center's record answers 404, exactly like a missing one.",
        ))
        .license(Some(LicenseBuilder::new().name("Apache-2.0").identifier(Some("Apache-2.0")).build()))
        .contact(Some(ContactBuilder::new().name(Some("Tsunagu")).build()))
        .build();
    let mut doc = OpenApi::new(info, utoipa::openapi::Paths::new());
    doc.servers = Some(vec![
        ServerBuilder::new()
            .url("/")
            .description(Some("This server"))
            .build(),
    ]);
    let mut components = utoipa::openapi::Components::new();
    components.add_security_scheme(
        "bearer",
        SecurityScheme::Http(
            HttpBuilder::new()
                .scheme(HttpAuthScheme::Bearer)
                .bearer_format("JWT")
                .description(Some(
                    "An access token from `POST /api/v1/auth/login` or `/auth/refresh`",
                ))
                .build(),
        ),
    );
    components.add_security_scheme("oauth2", client_credentials_scheme());
    doc.components = Some(components);
    doc
}

/// The OAuth 2.0 client-credentials flow of API clients, with every scope a center or an
/// administration may grant.
fn client_credentials_scheme() -> SecurityScheme {
    use utoipa::openapi::security::{ClientCredentials, Flow, OAuth2, Scopes};
    let scopes = Scopes::from_iter(
        tsunagu_domain::platform::SCOPES
            .iter()
            .map(|(k, v)| ((*k).to_owned(), (*v).to_owned())),
    );
    SecurityScheme::OAuth2(OAuth2::with_description(
        [Flow::ClientCredentials(ClientCredentials::new(
            "/api/v1/oauth/token",
            scopes,
        ))],
        "API clients of a center or of an administration (自治体): `POST /api/v1/oauth/token` \
         with the client's id and secret. An operation lists the scope it needs; one without \
         `oauth2` is for people only. A center grants the scopes of its case work, reports and \
         audit trail; an administration `regional:read`, `regional:write` and `reports:read` \
         (its centers' figures), never a scope that reaches a patient.",
    ))
}

/// The OpenAPI document, generated from the router. `tsunagu openapi` prints it and a test
/// compares it with the committed `openapi/openapi.json`.
pub fn openapi() -> OpenApi {
    let (_, spec) = App::new()
        .into_utoipa_app()
        .openapi(base_doc())
        .service(handlers::ops::healthz)
        .service(handlers::ops::readyz)
        .service(handlers::ops::metrics)
        .service(api_v1())
        .split_for_parts();
    let mut spec = spec;
    problem::add_common_answers(&mut spec);
    schema_rules::state_rules(&mut spec);
    spec
}

/// The spec's paths as segments with the methods each allows, for honest 405 answers.
fn route_table(spec: &OpenApi) -> Vec<(Vec<String>, Vec<String>)> {
    spec.paths
        .paths
        .iter()
        .map(|(path, item)| {
            let segs = path
                .trim_matches('/')
                .split('/')
                .map(str::to_owned)
                .collect();
            let mut methods = Vec::new();
            for (m, present) in [
                ("GET", item.get.is_some()),
                ("POST", item.post.is_some()),
                ("PUT", item.put.is_some()),
                ("PATCH", item.patch.is_some()),
                ("DELETE", item.delete.is_some()),
            ] {
                if present {
                    methods.push(m.to_owned());
                }
            }
            (segs, methods)
        })
        .collect()
}

/// The methods the spec allows on a path, if any operation matches it.
pub(crate) fn allowed_methods<'r>(
    routes: &'r [(Vec<String>, Vec<String>)],
    path: &str,
) -> Option<&'r [String]> {
    let segs: Vec<&str> = path.trim_matches('/').split('/').collect();
    routes
        .iter()
        .find(|(pattern, _)| {
            pattern.len() == segs.len()
                && pattern
                    .iter()
                    .zip(&segs)
                    .all(|(p, s)| (p.starts_with('{') && p.ends_with('}')) || p == s)
        })
        .map(|(_, methods)| methods.as_slice())
}

/// Requests no route took: 405 with `Allow` when the path exists under other methods,
/// otherwise 404 — both as problems.
async fn fallback(req: HttpRequest, state: web::Data<AppState>) -> HttpResponse {
    use actix_web::ResponseError;
    match allowed_methods(&state.routes, req.path()) {
        Some(methods) if req.method() != actix_web::http::Method::OPTIONS => {
            ApiError::for_status(StatusCode::METHOD_NOT_ALLOWED)
                .detail(format!("{} is not allowed here", req.method()))
                .header(header::ALLOW, methods.join(", "))
                .error_response()
        }
        _ => {
            if !req.path().starts_with("/api/")
                && let Some(r) = spa::index(&req, &state)
            {
                return r;
            }
            ApiError::for_status(StatusCode::NOT_FOUND)
                .detail(format!("no route {} {}", req.method(), req.path()))
                .error_response()
        }
    }
}

fn query_error(err: QueryPayloadError, _req: &HttpRequest) -> actix_web::Error {
    ApiError::bad_request("invalid_query", err.to_string()).into()
}

fn path_error(_err: PathError, _req: &HttpRequest) -> actix_web::Error {
    // An id that is not a UUID names no record: the same answer as a missing one.
    ApiError::not_found().into()
}

async fn serve_spec(state: web::Data<AppState>) -> HttpResponse {
    HttpResponse::Ok()
        .insert_header(header::ContentType::json())
        .body(state.spec_json.clone())
}

/// Only `GET /metrics`, unauthenticated, for the separate metrics address
/// (`TSUNAGU_METRICS_LISTEN`).
pub fn metrics_app(
    state: AppState,
) -> App<
    impl ServiceFactory<
        ServiceRequest,
        Config = (),
        Response = ServiceResponse<impl MessageBody>,
        Error = actix_web::Error,
        InitError = (),
    >,
> {
    App::new()
        .app_data(web::Data::new(state))
        .route("/metrics", web::get().to(handlers::ops::metrics_open))
}

/// The whole application: API, docs, operations endpoints and the SPA.
pub fn app(
    state: AppState,
) -> App<
    impl ServiceFactory<
        ServiceRequest,
        Config = (),
        Response = ServiceResponse<impl MessageBody>,
        Error = actix_web::Error,
        InitError = (),
    >,
> {
    let spa_dir = state.config.spa_dir.clone();
    let (app, _) = App::new()
        .into_utoipa_app()
        .app_data(web::Data::new(state))
        .app_data(web::QueryConfig::default().error_handler(query_error))
        .app_data(web::PathConfig::default().error_handler(path_error))
        .service(handlers::ops::healthz)
        .service(handlers::ops::readyz)
        .service(handlers::ops::metrics)
        // Before the /api/v1 scope, which would otherwise take this path.
        .route("/api/v1/openapi.json", web::get().to(serve_spec))
        .service(api_v1())
        .split_for_parts();
    let app = app
        .route(
            "/api/docs",
            web::get().to(|| async {
                HttpResponse::PermanentRedirect()
                    .insert_header((header::LOCATION, "/api/docs/"))
                    .finish()
            }),
        )
        // The page fetches the document from `serve_spec`, which answers the state's one
        // copy: a copy per worker here was 24 MB of resident memory each.
        .service(
            SwaggerUi::new("/api/docs/{_:.*}")
                .config(utoipa_swagger_ui::Config::from("/api/v1/openapi.json")),
        );
    let app = match spa_dir {
        Some(dir) if dir.join("index.html").is_file() => app.service(spa::files(&dir)),
        _ => app,
    };
    app.default_service(web::to(fallback))
        .wrap(middleware::from_fn(idempotency::layer))
        .wrap(middleware::from_fn(scopes::layer))
        // Outside every layer that reads the body (idempotency hashes it), inside the edge
        // so the 408 gets the usual headers.
        .wrap(middleware::from_fn(deadline::layer))
        .wrap(middleware::from_fn(edge::edge))
}
