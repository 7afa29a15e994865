//! The API's routes in groups by their first path segment, so a request is matched against
//! its own group's routes only.
//!
//! actix tries a scope's routes one by one, in the order registered, and matches each route
//! with a path parameter by regular expression. With some two hundred routes in one list, a
//! request for a route far down it (a new consultation) ran a hundred expressions first: a
//! profile of the server under new consultations put about 6 % of its CPU in the router,
//! 4–5 % under timeline requests. Here each group is a scope with no path of its own behind
//! a guard that compares the request's first segment, so a request meets a few dozen string
//! comparisons and its group's expressions. The group is found from each handler's own path
//! (its OpenAPI path), so a route cannot land in the wrong group; the routes keep their full
//! paths (and the OpenAPI document its paths), and a request that no route of its group
//! matches gets the parent scope's default answer, as before.

use actix_web::Error;
use actix_web::dev::{HttpServiceFactory, ServiceFactory, ServiceRequest};
use actix_web::guard::{Guard, GuardContext};
use percent_encoding::percent_decode_str;
use std::borrow::Cow;
use utoipa_actix_web::OpenApiFactory;
use utoipa_actix_web::scope::{Scope, scope};

/// The scope at `prefix` holding the handlers, grouped by first segment; each handler is a
/// `#[utoipa::path]` handler, whose path says its group.
macro_rules! grouped {
    ($prefix:literal; $($handler:path),* $(,)?) => {{
        let mut groups = $crate::route_groups::Groups::new($prefix);
        $( groups.add(&<$handler as utoipa::Path>::path(), $handler); )*
        groups.into_scope()
    }};
}
pub(crate) use grouped;

/// Routes gathered by first segment, in the order their first route came.
pub(crate) struct Groups<T> {
    prefix: &'static str,
    groups: Vec<(String, Option<Scope<T>>)>,
}

impl<T> Groups<T>
where
    T: ServiceFactory<ServiceRequest, Config = (), Error = Error, InitError = ()>,
    Scope<T>: From<actix_web::Scope>,
{
    pub(crate) fn new(prefix: &'static str) -> Self {
        Self {
            prefix,
            groups: Vec::new(),
        }
    }

    /// Adds the handler served at `path` (relative to the prefix) to its group, after the
    /// group's earlier routes (their order decides between overlapping patterns, as in one
    /// list).
    pub(crate) fn add<F>(&mut self, path: &str, handler: F)
    where
        F: HttpServiceFactory + OpenApiFactory + 'static,
    {
        let segment = first_segment(path);
        let i = match self.groups.iter().position(|(s, _)| s == segment) {
            Some(i) => i,
            None => {
                let guard = Under {
                    prefix: self.prefix,
                    segment: segment.to_owned(),
                };
                self.groups
                    .push((segment.to_owned(), Some(scope("").guard(guard))));
                self.groups.len() - 1
            }
        };
        let slot = &mut self.groups[i].1;
        if let Some(group) = slot.take() {
            *slot = Some(group.service(handler));
        }
    }

    pub(crate) fn into_scope(self) -> Scope<T>
    where
        Scope<T>: HttpServiceFactory + OpenApiFactory + 'static,
    {
        self.groups
            .into_iter()
            .filter_map(|(_, group)| group)
            .fold(scope(self.prefix), Scope::service)
    }
}

/// Lets through the requests whose path under `prefix` starts with `segment`.
struct Under {
    prefix: &'static str,
    segment: String,
}

impl Guard for Under {
    fn check(&self, ctx: &GuardContext<'_>) -> bool {
        request_segment(ctx.head().uri.path(), self.prefix).is_some_and(|s| s == self.segment)
    }
}

/// The first segment of a route's path: `/patients/{id}` → `patients`.
fn first_segment(path: &str) -> &str {
    path.trim_start_matches('/').split('/').next().unwrap_or("")
}

/// The first segment of a request's path under `prefix`, percent-decoded as the router
/// decodes it before matching (`/api/v1/%70atients` reaches the patients' routes).
fn request_segment<'a>(path: &'a str, prefix: &str) -> Option<Cow<'a, str>> {
    let rest = path.strip_prefix(prefix)?.strip_prefix('/')?;
    let segment = rest.split('/').next().unwrap_or("");
    Some(percent_decode_str(segment).decode_utf8_lossy())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_route_belongs_to_the_group_of_its_first_segment() {
        assert_eq!(first_segment("/patients/{id}/timeline"), "patients");
        assert_eq!(first_segment("/consultations"), "consultations");
        assert_eq!(first_segment("/me"), "me");
    }

    #[test]
    fn a_request_is_sent_to_the_group_of_its_first_segment_under_the_prefix() {
        let seg = |p| request_segment(p, "/api/v1").map(Cow::into_owned);
        assert_eq!(
            seg("/api/v1/patients/1/timeline").as_deref(),
            Some("patients")
        );
        assert_eq!(
            seg("/api/v1/consultations").as_deref(),
            Some("consultations")
        );
        // Decoded as the router decodes before matching.
        assert_eq!(seg("/api/v1/%70atients/1").as_deref(), Some("patients"));
        // Not under the prefix: no group.
        assert_eq!(seg("/api/v10/patients"), None);
        assert_eq!(seg("/healthz"), None);
        // A first segment that only starts like a group's is not that group.
        assert_eq!(seg("/api/v1/patients-x").as_deref(), Some("patients-x"));
    }
}
