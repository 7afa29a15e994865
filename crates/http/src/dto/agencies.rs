//! Wire types of agencies (就労支援機関): where patients are referred.

use super::{AgencyType, ConsentScope, double_option, ts};
use serde::{Deserialize, Serialize};
use tsunagu_domain::entities::Agency;
use tsunagu_domain::values;
use utoipa::{IntoParams, ToSchema};
use uuid::Uuid;

/// An outside office patients are referred to (就労支援機関).
#[derive(Debug, Serialize, ToSchema)]
pub struct AgencyDto {
    pub id: Uuid,
    pub center_id: Uuid,
    /// `hello_work`, `employment_life_support_center`, `vocational_center` or `other`.
    #[schema(value_type = AgencyType)]
    pub agency_type: String,
    /// e.g. ハローワーク広島.
    pub name: String,
    pub phone: Option<String>,
    pub address: Option<String>,
    pub notes: Option<String>,
    pub active: bool,
    /// The consent scopes that cover an agency of this type, narrowest first: data goes to
    /// it at `phone_mediation` and up only under a consent in force of one of these scopes.
    #[schema(value_type = Vec<ConsentScope>)]
    pub consent_scopes: Vec<&'static str>,
    #[schema(format = DateTime)]
    pub created_at: String,
    #[schema(format = DateTime)]
    pub updated_at: String,
}

impl From<Agency> for AgencyDto {
    fn from(a: Agency) -> Self {
        Self {
            id: a.id,
            center_id: a.center_id,
            agency_type: a.agency_type.as_str().to_owned(),
            name: a.name,
            phone: a.phone,
            address: a.address,
            notes: a.notes,
            active: a.active,
            consent_scopes: values::ConsentScope::covering(a.agency_type)
                .into_iter()
                .map(values::ConsentScope::as_str)
                .collect(),
            created_at: ts(a.created_at),
            updated_at: ts(a.updated_at),
        }
    }
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"agency_type": "hello_work", "name": "ハローワーク広島", "phone": "082-223-8609"}))]
pub struct CreateAgency {
    #[schema(value_type = AgencyType)]
    pub agency_type: String,
    #[schema(pattern = "{name}", max_length = 100)]
    pub name: String,
    #[schema(pattern = "{optional_name}", max_length = 30)]
    pub phone: Option<String>,
    #[schema(pattern = "{optional_name}", max_length = 200)]
    pub address: Option<String>,
    #[schema(pattern = "{prose}", max_length = 2000)]
    pub notes: Option<String>,
}

/// Fields to change; absent fields stay as they are, `null` clears an optional one.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct UpdateAgency {
    #[schema(value_type = Option<AgencyType>)]
    pub agency_type: Option<String>,
    #[schema(pattern = "{name}", max_length = 100)]
    pub name: Option<String>,
    #[serde(default, deserialize_with = "double_option")]
    #[schema(value_type = Option<String>, pattern = "{optional_name}", max_length = 30)]
    pub phone: Option<Option<String>>,
    #[serde(default, deserialize_with = "double_option")]
    #[schema(value_type = Option<String>, pattern = "{optional_name}", max_length = 200)]
    pub address: Option<Option<String>>,
    #[serde(default, deserialize_with = "double_option")]
    #[schema(value_type = Option<String>, pattern = "{prose}", max_length = 2000)]
    pub notes: Option<Option<String>>,
    pub active: Option<bool>,
}

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct AgencyListQuery {
    /// Only agencies of this type.
    #[param(value_type = Option<AgencyType>)]
    pub agency_type: Option<String>,
    #[param(minimum = 1, maximum = 200)]
    pub limit: Option<i64>,
    pub cursor: Option<String>,
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::Utc;
    use tsunagu_domain::values::AgencyType as Type;

    fn agency(agency_type: Type) -> Agency {
        Agency {
            id: Uuid::nil(),
            center_id: Uuid::nil(),
            agency_type,
            name: "ハローワーク広島".into(),
            phone: None,
            address: None,
            notes: None,
            active: true,
            version: 1,
            created_at: Utc::now(),
            updated_at: Utc::now(),
        }
    }

    #[test]
    fn an_agency_names_the_consent_scopes_that_cover_it() {
        let d = AgencyDto::from(agency(Type::HelloWork));
        assert_eq!(
            d.consent_scopes,
            ["employment_agencies", "all_agencies", "all_bodies"]
        );
        let d = AgencyDto::from(agency(Type::Other));
        assert_eq!(d.consent_scopes, ["all_agencies", "all_bodies"]);
    }
}
