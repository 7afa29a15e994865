//! Values that can only hold valid data ("parse, don't validate"). Each `parse` returns a
//! [`FieldError`] naming the field, so an input reports every bad field at once.

use crate::error::FieldError;
use std::fmt;

macro_rules! text_enum {
    ($(#[$m:meta])* $name:ident { $($variant:ident = $s:literal),+ $(,)? }) => {
        $(#[$m])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
        pub enum $name { $($variant),+ }

        impl $name {
            pub const ALL: &'static [$name] = &[$($name::$variant),+];

            pub fn as_str(self) -> &'static str {
                match self { $($name::$variant => $s),+ }
            }

            pub fn parse(field: &str, s: &str) -> Result<Self, FieldError> {
                match s {
                    $($s => Ok($name::$variant),)+
                    _ => Err(FieldError::new(field, "invalid_choice", format!(
                        "must be one of: {}", [$($s),+].join(", ")))),
                }
            }

            /// For values read back from the database, which only ever holds valid ones.
            pub fn from_db(s: &str) -> Option<Self> {
                match s { $($s => Some($name::$variant),)+ _ => None }
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result { f.write_str(self.as_str()) }
        }
    };
}

text_enum!(
    /// What a person may do. `system_admin` runs the installation and never sees a patient.
    Role {
        SystemAdmin = "system_admin",
        CenterAdmin = "center_admin",
        Supervisor = "supervisor",
        Consultant = "consultant",
    }
);

text_enum!(
    /// 運営形態 of a center.
    OperatingType {
        MedicalInstitution = "medical_institution",
        Municipality = "municipality",
        PatientOrganization = "patient_organization",
        Other = "other",
    }
);

text_enum!(
    /// The four kinds of employment support agency the ministry's survey counts.
    AgencyType {
        HelloWork = "hello_work",
        EmploymentLifeSupportCenter = "employment_life_support_center",
        VocationalCenter = "vocational_center",
        Other = "other",
    }
);

/// Trims and checks a free-text field's length in characters (not bytes: names are Japanese).
pub fn text(field: &str, raw: &str, min: usize, max: usize) -> Result<String, FieldError> {
    let t = raw.trim();
    let n = t.chars().count();
    if n < min {
        return Err(if n == 0 {
            FieldError::new(field, "required", "must not be empty")
        } else {
            FieldError::new(
                field,
                "too_short",
                format!("must be at least {min} characters"),
            )
        });
    }
    if n > max {
        return Err(FieldError::new(
            field,
            "too_long",
            format!("must be at most {max} characters"),
        ));
    }
    if t.chars().any(|c| c.is_control()) {
        return Err(FieldError::new(
            field,
            "invalid_characters",
            "must not contain control characters",
        ));
    }
    Ok(t.to_owned())
}

/// Optional free text: empty after trimming means absent.
pub fn optional_text(
    field: &str,
    raw: Option<&str>,
    max: usize,
) -> Result<Option<String>, FieldError> {
    match raw.map(str::trim) {
        None | Some("") => Ok(None),
        Some(t) => text(field, t, 1, max).map(Some),
    }
}

/// A sign-in name: ASCII letters, digits and `._-@`, 3 to 64 characters, compared
/// case-insensitively (stored lower-case) so `Sato` and `sato` cannot both exist.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Login(String);

impl Login {
    pub fn parse(field: &str, raw: &str) -> Result<Self, FieldError> {
        let t = raw.trim().to_ascii_lowercase();
        if t.is_empty() {
            return Err(FieldError::new(field, "required", "must not be empty"));
        }
        if t.len() < 3 || t.len() > 64 {
            return Err(FieldError::new(
                field,
                "invalid_length",
                "must be 3 to 64 characters",
            ));
        }
        if !t
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '_' | '-' | '@'))
        {
            return Err(FieldError::new(
                field,
                "invalid_characters",
                "may contain only letters, digits and . _ - @",
            ));
        }
        Ok(Self(t))
    }

    /// Normalises without validating: used to look a login up, so that a malformed login
    /// is answered exactly like an unknown one.
    pub fn normalise(raw: &str) -> String {
        raw.trim().to_ascii_lowercase()
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// 都道府県コード (JIS X 0401): "01" 北海道 … "47" 沖縄県, always two digits.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PrefectureCode(u8);

impl PrefectureCode {
    pub fn parse(field: &str, raw: &str) -> Result<Self, FieldError> {
        let err = || {
            FieldError::new(
                field,
                "invalid_prefecture",
                "must be a JIS X 0401 code from \"01\" to \"47\"",
            )
        };
        if raw.len() != 2 || !raw.bytes().all(|b| b.is_ascii_digit()) {
            return Err(err());
        }
        match raw.parse::<u8>() {
            Ok(n @ 1..=47) => Ok(Self(n)),
            _ => Err(err()),
        }
    }

    pub fn as_string(self) -> String {
        format!("{:02}", self.0)
    }
}

/// A center's short code, unique in the installation (e.g. `hiroshima`), used in exports.
pub fn center_code(field: &str, raw: &str) -> Result<String, FieldError> {
    let t = raw.trim().to_ascii_lowercase();
    if t.is_empty()
        || t.len() > 32
        || !t
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_')
    {
        return Err(FieldError::new(
            field,
            "invalid_code",
            "must be 1 to 32 letters, digits, - or _",
        ));
    }
    Ok(t)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn prefecture_codes() {
        assert!(PrefectureCode::parse("p", "01").is_ok());
        assert_eq!(PrefectureCode::parse("p", "47").unwrap().as_string(), "47");
        for bad in ["00", "48", "1", "001", "ab", "", "１３"] {
            assert!(PrefectureCode::parse("p", bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn logins() {
        assert_eq!(
            Login::parse("l", " Sato.Hanako ").unwrap().as_str(),
            "sato.hanako"
        );
        assert_eq!(Login::parse("l", "ab").unwrap_err().code, "invalid_length");
        assert_eq!(
            Login::parse("l", "佐藤さん").unwrap_err().code,
            "invalid_characters"
        );
    }

    #[test]
    fn text_counts_characters() {
        assert!(text("n", "難病相談支援センター", 1, 10).is_ok());
        assert_eq!(text("n", "  ", 1, 10).unwrap_err().code, "required");
        assert_eq!(
            text("n", "あいうえおかきくけこさ", 1, 10).unwrap_err().code,
            "too_long"
        );
        assert_eq!(
            text("n", "a\u{0}b", 1, 10).unwrap_err().code,
            "invalid_characters"
        );
    }

    #[test]
    fn enums_round_trip() {
        for r in Role::ALL {
            assert_eq!(Role::parse("role", r.as_str()).unwrap(), *r);
        }
        assert_eq!(
            AgencyType::parse("t", "nope").unwrap_err().code,
            "invalid_choice"
        );
    }
}
