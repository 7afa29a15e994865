//! Part 2 of the paper over HTTP: `/administrations` (自治体) and their regional work. Each
//! feature's file holds its wire types and its handlers.

pub mod administrations;
pub mod councils;
pub mod issues;
pub mod meetings;
pub mod publication;
