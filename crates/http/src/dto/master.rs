//! Wire types of the master data behind the pickers: diseases, prefectures, municipalities.

use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

/// A designated intractable disease (指定難病).
#[derive(Debug, Serialize, ToSchema)]
pub struct DiseaseDto {
    /// 告示番号.
    pub number: i32,
    pub name: String,
    /// 疾患群.
    pub groups: Vec<String>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct PrefectureDto {
    /// JIS X 0401, `"01"` … `"47"`.
    pub code: String,
    pub name: String,
    /// In hiragana, as the source gives it.
    pub kana: String,
    pub name_en: String,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct MunicipalityDto {
    /// 全国地方公共団体コード, 6 digits with the check digit.
    pub code: String,
    pub prefecture_code: String,
    pub name: String,
    pub kana: String,
}

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct DiseaseQuery {
    /// Any part of the name (width-insensitive), or the number.
    pub q: Option<String>,
}

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct MunicipalityQuery {
    /// Only this prefecture's (`"01"` … `"47"`).
    #[param(pattern = r"^(0[1-9]|[1-3][0-9]|4[0-7])$")]
    pub prefecture_code: Option<String>,
}
