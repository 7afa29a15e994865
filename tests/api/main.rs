//! All integration tests in one binary (it links once). Each test runs on SQLite and on
//! PostgreSQL; see `helpers::db_tests!`.

// The harness is test code: a failed unwrap is a failed test, which is what we want.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod helpers;

mod activities_events;
mod activities_outreach;
mod activities_trainings;
mod administrations;
mod agency_links;
mod audit_chain;
mod auth;
mod backup;
mod cases;
mod councils;
mod db_limits;
mod demo;
mod exchange;
mod exports;
mod faults;
mod http_surface;
mod idempotency;
mod imports;
mod integrations;
mod passwords;
mod patient_merges;
mod peer_support;
mod platform;
mod regional_issues;
mod reports;
mod secrets;
mod shoman_liaison;
mod shoman_projects;
mod shoman_queue;
mod shoman_transition;
mod staff;
mod supervision;
mod support_plans;
mod supporter_sessions;
mod two_factor;
