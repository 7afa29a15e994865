//! Part 2 of the paper: the administrations (自治体) that run regional councils
//! (難病対策地域協議会, 慢性疾病児童等地域支援協議会) and see their centers' aggregates — never a
//! patient. One module per feature: the administrations themselves here; councils,
//! meetings and the PDCA register of regional issues beside them.

pub mod administrations;
pub mod councils;
pub mod figures;
pub mod issues;
pub mod meetings;
pub mod national;
pub mod pdca;
pub mod publication;
pub mod suppression;
