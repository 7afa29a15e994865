//! Tsunagu's domain: the entities of a 難病相談支援センター's work, the values that can only
//! hold valid data, the rules, and the ports that the persistence adapter implements.
//!
//! Nothing here knows about HTTP, SQL or OpenAPI. The HTTP crate parses requests into the
//! `*Input` types, calls a use case through an [`app::Services`] facade on the blocking pool, and maps a
//! [`DomainError`] to a problem response; the store crate implements [`ports::Store`].

/// Declares a feature's use-case facade: a borrowed view of the [`app::Services`] whose
/// methods are that feature's use cases, reached as `services.$accessor()`. It derefs to the
/// services, so a use case reaches the ports, the clock and the shared helpers as `self.store`,
/// `self.guard(…)`.
#[macro_export]
macro_rules! facade {
    ($(#[$doc:meta])* $name:ident, $accessor:ident) => {
        $(#[$doc])*
        #[derive(Clone, Copy)]
        pub struct $name<'a>(&'a $crate::app::Services);

        impl std::ops::Deref for $name<'_> {
            type Target = $crate::app::Services;
            fn deref(&self) -> &Self::Target {
                self.0
            }
        }

        impl $crate::app::Services {
            pub fn $accessor(&self) -> $name<'_> {
                $name(self)
            }
        }
    };
}

pub mod access;
pub mod activities;
pub mod app;
pub mod audit;
pub mod auth;
pub mod cases;
pub mod clock;
pub mod contact;
pub mod data_keys;
pub mod entities;
pub mod error;
pub mod events;
pub mod exchange;
pub mod idempotency;
pub mod if_match;
pub mod integrations;
pub mod kana;
pub mod master;
pub mod page;
pub mod peer_support;
pub mod platform;
pub mod policy;
pub mod ports;
pub mod regional;
pub mod reports;
pub mod secrets;
pub mod shoman;
pub mod staff;
pub mod supervision;
pub mod values;

pub use clock::{Clock, SystemClock};
pub use error::{DomainError, FieldError};
