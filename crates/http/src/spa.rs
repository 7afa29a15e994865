//! The single-page app from `frontend/dist`, same origin as the API (so no CORS is needed).
//! Client-side routes get `index.html`; hashed assets are cached forever by the edge.

use crate::AppState;
use actix_web::{HttpRequest, HttpResponse};
use std::path::Path;

pub fn files(dir: &Path) -> actix_files::Files {
    actix_files::Files::new("/", dir)
        .index_file("index.html")
        .use_etag(true)
        .use_last_modified(true)
}

/// `index.html` for a client-side route such as `/patients/…`, if an SPA is configured.
pub fn index(req: &HttpRequest, state: &AppState) -> Option<HttpResponse> {
    if req.method() != actix_web::http::Method::GET {
        return None;
    }
    let dir = state.config.spa_dir.as_ref()?;
    let html = std::fs::read(dir.join("index.html")).ok()?;
    Some(
        HttpResponse::Ok()
            .content_type("text/html; charset=utf-8")
            .insert_header(("Cache-Control", "no-cache"))
            .body(html),
    )
}
