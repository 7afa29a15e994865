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
use utoipa_actix_web::{AppExt, scope};
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
    scope("/api/v1")
        .service(auth::login)
        .service(auth::refresh)
        .service(auth::logout)
        .service(auth::me)
        .service(auth::change_password)
        .service(auth::start_totp)
        .service(auth::confirm_totp)
        .service(centers::list)
        .service(centers::create)
        .service(centers::read)
        .service(centers::update)
        .service(administrations::list)
        .service(administrations::create)
        .service(administrations::read)
        .service(administrations::update)
        .service(publication::preview)
        .service(publication::list)
        .service(publication::publish)
        .service(publication::public)
        .service(publication::national)
        .service(regional_issues::list)
        .service(regional_issues::create)
        .service(regional_issues::read)
        .service(regional_issues::update)
        .service(regional_issues::stage_changes)
        .service(regional_issues::change_stage)
        .service(regional_issues::add_measure)
        .service(regional_issues::update_measure)
        .service(regional_issues::link_figure)
        .service(regional_issues::unlink_figure)
        .service(regional_issues::comments)
        .service(regional_issues::add_comment)
        .service(regional_issues::meeting_issues)
        .service(regional_issues::set_meeting_issues)
        .service(councils::list)
        .service(councils::create)
        .service(councils::read)
        .service(councils::update)
        .service(councils::list_members)
        .service(councils::create_member)
        .service(councils::read_member)
        .service(councils::update_member)
        .service(councils::create_account)
        .service(councils::pledge)
        .service(meetings::list)
        .service(meetings::create)
        .service(meetings::read)
        .service(meetings::update)
        .service(meetings::add_attachment)
        .service(meetings::list_attachments)
        .service(meetings::read_attachment)
        .service(meetings::delete_attachment)
        .service(users::list)
        .service(users::create)
        .service(users::read)
        .service(users::update)
        .service(users::reset_two_factor)
        .service(agencies::list)
        .service(agencies::create)
        .service(agencies::read)
        .service(agencies::update)
        .service(patients::list)
        .service(patients::create)
        .service(patients::check_duplicates)
        .service(patient_merges::merge)
        .service(patient_merges::preview)
        .service(patients::read)
        .service(patients::update)
        .service(patients::timeline)
        .service(patients::list_consents)
        .service(patients::create_consent)
        .service(patients::list_provisions)
        .service(exchange::patient_fhir)
        .service(exchange::disclosure)
        .service(exchange::code_system)
        .service(imports::list_fields)
        .service(imports::create)
        .service(imports::list)
        .service(imports::get)
        .service(imports::update)
        .service(imports::commit)
        .service(imports::list_problems)
        .service(imports::list_duplicates)
        .service(imports::report)
        .service(exports::create)
        .service(exports::read)
        .service(exports::download)
        .service(peer_support::list)
        .service(peer_support::assign)
        .service(peer_support::end)
        .service(consents::read)
        .service(consents::update)
        .service(consultations::list)
        .service(consultations::create)
        .service(consultations::read)
        .service(consultations::update)
        .service(referrals::list)
        .service(referrals::create)
        .service(referrals::read)
        .service(referrals::update)
        .service(referrals::level_changes)
        .service(referrals::list_follow_ups)
        .service(referrals::create_follow_up)
        .service(agency_links::list)
        .service(agency_links::create)
        .service(agency_links::revoke)
        .service(agency_links::page)
        .service(agency_links::confirm)
        .service(follow_ups::list)
        .service(follow_ups::reassign)
        .service(follow_ups::read)
        .service(follow_ups::update)
        .service(master::diseases)
        .service(master::prefectures)
        .service(master::municipalities)
        .service(reports::referral_levels)
        .service(reports::cooperation_counts)
        .service(reports::consultations)
        .service(reports::employment_outcomes)
        .service(reports::support_awareness)
        .service(reports::shoman_consultations)
        .service(reports::shoman_plans)
        .service(reports::annual)
        .service(reports::shoman_projects)
        .service(reports::shoman_needs)
        .service(reports::shoman_implementation)
        .service(audit::list)
        .service(audit::verify)
        .service(supervision::create_review)
        .service(supervision::list_reviews)
        .service(supervision::queue)
        .service(supervision::notifications)
        .service(supervision::summary)
        .service(support_plans::list)
        .service(support_plans::create)
        .service(support_plans::read)
        .service(support_plans::update)
        .service(support_plans::versions)
        .service(support_plans::create_review)
        .service(support_plans::list_reviews)
        .service(support_plans::list_actions)
        .service(support_plans::create_action)
        .service(support_plans::read_action)
        .service(support_plans::update_action)
        .service(support_plans::transition)
        .service(liaison::list)
        .service(liaison::create)
        .service(liaison::read)
        .service(liaison::update)
        .service(shoman_projects::list)
        .service(shoman_projects::create)
        .service(shoman_projects::read)
        .service(shoman_projects::update)
        .service(shoman_projects::list_sessions)
        .service(shoman_projects::create_session)
        .service(shoman_projects::read_session)
        .service(shoman_projects::update_session)
        .service(shoman_projects::list_needs)
        .service(shoman_projects::create_need)
        .service(shoman_projects::read_need)
        .service(shoman_projects::update_need)
        .service(outreach::list)
        .service(outreach::create)
        .service(outreach::read)
        .service(outreach::update)
        .service(outreach::report)
        .service(trainings::list)
        .service(trainings::create)
        .service(trainings::read)
        .service(trainings::update)
        .service(events::list)
        .service(events::create)
        .service(events::read)
        .service(events::update)
        .service(events::list_attendees)
        .service(events::add_attendee)
        .service(events::remove_attendee)
        .service(events::report)
        .service(peer_support::report)
        .service(supporter_sessions::list_schedules)
        .service(supporter_sessions::create_schedule)
        .service(supporter_sessions::read_schedule)
        .service(supporter_sessions::update_schedule)
        .service(supporter_sessions::generate)
        .service(supporter_sessions::list)
        .service(supporter_sessions::create)
        .service(supporter_sessions::read)
        .service(supporter_sessions::update)
        .service(supporter_sessions::list_slots)
        .service(supporter_sessions::book)
        .service(supporter_sessions::read_booking)
        .service(supporter_sessions::update_booking)
        .service(supporter_sessions::report)
        .service(oauth::token)
        .service(api_clients::list)
        .service(api_clients::create)
        .service(api_clients::read)
        .service(api_clients::update)
        .service(api_clients::rotate)
        .service(api_clients::revoke)
        .service(webhooks::list)
        .service(webhooks::create)
        .service(webhooks::read)
        .service(webhooks::update)
        .service(webhooks::remove)
        .service(webhooks::deliveries)
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
