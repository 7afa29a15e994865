//! Master data for pickers: designated intractable diseases, prefectures, municipalities.
//! Shipped with the binary (see `crates/domain/data/README.md` for sources and licences).

use crate::auth::SignedIn;
use crate::dto::{
    DiseaseDto, DiseaseQuery, ItemsOf, MunicipalityDto, MunicipalityQuery, PrefectureDto,
};
use crate::problem::{ApiError, ListProblems};
use actix_web::http::header;
use actix_web::{HttpResponse, get, web};
use tsunagu_domain::{kana, master};

/// The master data changes only with a release, so browsers may keep it for a day.
fn cached<T: serde::Serialize>(body: &T) -> HttpResponse {
    HttpResponse::Ok()
        .insert_header((header::CACHE_CONTROL, "private, max-age=86400"))
        .json(body)
}

/// The 348 designated intractable diseases (指定難病) with their 告示番号 and groups;
/// `?q=` filters by number or any part of the name.
#[utoipa::path(
    tag = "master data",
    operation_id = "list_diseases",
    params(DiseaseQuery),
    responses((status = 200, body = ItemsOf<DiseaseDto>), ListProblems),
    security(("bearer" = []), ("oauth2" = []))
)]
#[get("/diseases")]
pub async fn diseases(
    _caller: SignedIn,
    q: web::Query<DiseaseQuery>,
) -> Result<HttpResponse, ApiError> {
    let needle = q.q.as_deref().map(kana::fold).unwrap_or_default();
    let items = master::diseases()
        .iter()
        .filter(|d| {
            needle.is_empty()
                || d.number.to_string() == needle
                || kana::fold(&d.name).contains(&needle)
        })
        .map(|d| DiseaseDto {
            number: i32::from(d.number),
            name: d.name.clone(),
            groups: d.groups.clone(),
        })
        .collect();
    Ok(cached(&ItemsOf { items }))
}

/// The 47 prefectures (都道府県) by JIS X 0401 code.
#[utoipa::path(
    tag = "master data",
    operation_id = "list_prefectures",
    responses((status = 200, body = ItemsOf<PrefectureDto>), ListProblems),
    security(("bearer" = []), ("oauth2" = []))
)]
#[get("/prefectures")]
pub async fn prefectures(_caller: SignedIn) -> Result<HttpResponse, ApiError> {
    let items = master::prefectures()
        .iter()
        .map(|p| PrefectureDto {
            code: p.code.clone(),
            name: p.name.clone(),
            kana: p.kana.clone(),
            name_en: p.name_en.clone(),
        })
        .collect();
    Ok(cached(&ItemsOf { items }))
}

/// Municipalities (市区町村) with their local government codes, optionally of one prefecture.
#[utoipa::path(
    tag = "master data",
    operation_id = "list_municipalities",
    params(MunicipalityQuery),
    responses((status = 200, body = ItemsOf<MunicipalityDto>), ListProblems),
    security(("bearer" = []), ("oauth2" = []))
)]
#[get("/municipalities")]
pub async fn municipalities(
    _caller: SignedIn,
    q: web::Query<MunicipalityQuery>,
) -> Result<HttpResponse, ApiError> {
    let list = match q.prefecture_code.as_deref() {
        Some(p) => {
            if master::prefecture(p).is_none() {
                return Err(tsunagu_domain::DomainError::field(
                    "prefecture_code",
                    "invalid_prefecture",
                    "must be a JIS X 0401 code from \"01\" to \"47\"",
                )
                .into());
            }
            master::municipalities_of(p)
        }
        None => master::municipalities(),
    };
    let items = list
        .iter()
        .map(|m| MunicipalityDto {
            code: m.code.clone(),
            prefecture_code: m.prefecture_code.clone(),
            name: m.name.clone(),
            kana: m.kana.clone(),
        })
        .collect();
    Ok(cached(&ItemsOf { items }))
}
