//! Tsunagu's domain: the entities of a 難病相談支援センター's work, the values that can only
//! hold valid data, the rules, and the ports that the persistence adapter implements.
//!
//! Nothing here knows about HTTP, SQL or OpenAPI. The HTTP crate parses requests into the
//! `*Input` types, calls a [`service::Services`] method on the blocking pool, and maps a
//! [`DomainError`] to a problem response; the store crate implements [`ports::Store`].

pub mod access;
pub mod audit;
pub mod auth;
pub mod cases;
pub mod clock;
pub mod contact;
pub mod entities;
pub mod error;
pub mod integrations;
pub mod kana;
pub mod master;
pub mod page;
pub mod platform;
pub mod ports;
pub mod reports;
pub mod service;
pub mod supervision;
pub mod totp;
pub mod values;

pub use clock::{Clock, SystemClock};
pub use error::{DomainError, FieldError};
