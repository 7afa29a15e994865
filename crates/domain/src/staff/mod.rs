//! The people and places a center works with: centers, staff accounts and the agencies
//! patients are referred to. Each has its use cases behind a facade:
//! `services.centers()`, `services.users()`, `services.agencies()`.

pub mod agencies;
pub mod centers;
pub mod users;

pub use agencies::{Agencies, CreateAgencyInput, UpdateAgencyInput};
pub use centers::{Centers, CreateCenterInput, UpdateCenterInput};
pub use users::{CreateUserInput, UpdateUserInput, Users};
