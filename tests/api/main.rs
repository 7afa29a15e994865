//! All integration tests in one binary (it links once). Each test runs on SQLite and on
//! PostgreSQL; see `helpers::db_tests!`.

mod helpers;

mod auth;
mod http_surface;
mod platform;
mod staff;
