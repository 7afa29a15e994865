//! The outside offices a center refers patients to (ハローワーク, 障害者就業・生活支援センター …):
//! every member of the center reads them, its administrator registers and changes them.

use crate::app::{Ctx, NAME_MAX, NOTES_MAX, changed_fields};
use crate::audit::AuditDraft;
use crate::entities::Agency;
use crate::error::{DomainError, Validator};
use crate::events::Action;
use crate::if_match::IfMatch;
use crate::page::{Page, PageRequest};
use crate::policy::{self, Permission};
use crate::ports::{AgencyChanges, Scope};
use crate::values::{self, AgencyType};
use uuid::Uuid;

const PHONE_MAX: usize = 30;
const ADDRESS_MAX: usize = 200;

pub struct CreateAgencyInput {
    pub agency_type: String,
    pub name: String,
    pub phone: Option<String>,
    pub address: Option<String>,
    pub notes: Option<String>,
}

#[derive(Default)]
pub struct UpdateAgencyInput {
    pub agency_type: Option<String>,
    pub name: Option<String>,
    pub phone: Option<Option<String>>,
    pub address: Option<Option<String>>,
    pub notes: Option<Option<String>>,
    pub active: Option<bool>,
}

crate::facade!(
    /// A center's agencies: `services.agencies()`.
    Agencies,
    agencies
);

impl Agencies<'_> {
    #[tracing::instrument(skip_all, fields(agency_id = tracing::field::Empty))]
    pub fn create(&self, ctx: &Ctx, input: CreateAgencyInput) -> Result<Agency, DomainError> {
        self.guard(ctx, Action::AgencyCreate, None, || {
            let center_id = policy::permit_in_center(&ctx.actor, Permission::ManageAgencies)?;
            let mut v = Validator::new();
            let agency_type = v.check(AgencyType::parse("agency_type", &input.agency_type));
            let name = v.check(values::name_text("name", &input.name, 1, NAME_MAX));
            let phone = v
                .check(values::optional_text(
                    "phone",
                    input.phone.as_deref(),
                    PHONE_MAX,
                ))
                .flatten();
            let address = v
                .check(values::optional_text(
                    "address",
                    input.address.as_deref(),
                    ADDRESS_MAX,
                ))
                .flatten();
            let notes = v
                .check(values::optional_prose(
                    "notes",
                    input.notes.as_deref(),
                    NOTES_MAX,
                ))
                .flatten();
            v.finish()?;
            let (Some(agency_type), Some(name)) = (agency_type, name) else {
                return Err(DomainError::Internal(
                    "validator passed with missing values".into(),
                ));
            };
            let now = self.clock.now();
            let agency = Agency {
                id: Uuid::now_v7(),
                center_id,
                agency_type,
                name,
                phone,
                address,
                notes,
                active: true,
                version: 1,
                created_at: now,
                updated_at: now,
            };
            let ev = AuditDraft::by_actor(&ctx.actor, &ctx.meta, now, Action::AgencyCreate)
                .resource(agency.id);
            self.store.insert_agency(&agency, &ev)?;
            tracing::Span::current().record("agency_id", tracing::field::display(agency.id));
            Ok(agency)
        })
    }

    #[tracing::instrument(skip_all, fields(agency_id = %id))]
    pub fn get(&self, ctx: &Ctx, id: Uuid) -> Result<Agency, DomainError> {
        self.guard(ctx, Action::AgencyRead, Some(id), || {
            let center = policy::permit_in_center(&ctx.actor, Permission::ReadAgencies)?;
            self.store
                .agency(Scope::Center(center), id)?
                .ok_or(DomainError::NotFound)
        })
    }

    #[tracing::instrument(skip_all, fields(count = tracing::field::Empty))]
    pub fn list(
        &self,
        ctx: &Ctx,
        agency_type: Option<&str>,
        page: PageRequest,
    ) -> Result<Page<Agency>, DomainError> {
        self.guard(ctx, Action::AgencyList, None, || {
            let center = policy::permit_in_center(&ctx.actor, Permission::ReadAgencies)?;
            let t = agency_type
                .map(|t| AgencyType::parse("agency_type", t))
                .transpose()
                .map_err(|e| DomainError::Validation(vec![e]))?;
            let page = self.store.agencies(Scope::Center(center), t, page)?;
            tracing::Span::current().record("count", page.items.len());
            Ok(page)
        })
    }

    #[tracing::instrument(skip_all, fields(agency_id = %id))]
    pub fn update(
        &self,
        ctx: &Ctx,
        id: Uuid,
        if_match: IfMatch,
        input: UpdateAgencyInput,
    ) -> Result<Agency, DomainError> {
        self.guard(ctx, Action::AgencyUpdate, Some(id), || {
            let center_id = policy::permit_in_center(&ctx.actor, Permission::ManageAgencies)?;
            let mut v = Validator::new();
            let changes = AgencyChanges {
                agency_type: input
                    .agency_type
                    .as_deref()
                    .and_then(|t| v.check(AgencyType::parse("agency_type", t))),
                name: input
                    .name
                    .as_deref()
                    .and_then(|n| v.check(values::name_text("name", n, 1, NAME_MAX))),
                phone: input.phone.map(|p| {
                    v.check(values::optional_text("phone", p.as_deref(), PHONE_MAX))
                        .flatten()
                }),
                address: input.address.map(|p| {
                    v.check(values::optional_text("address", p.as_deref(), ADDRESS_MAX))
                        .flatten()
                }),
                notes: input.notes.map(|p| {
                    v.check(values::optional_prose("notes", p.as_deref(), NOTES_MAX))
                        .flatten()
                }),
                active: input.active,
            };
            v.finish()?;
            let current = self
                .store
                .agency(Scope::Center(center_id), id)?
                .ok_or(DomainError::NotFound)?;
            let expected_version = if_match.against(current.version)?;
            let now = self.clock.now();
            let ev = AuditDraft::by_actor(&ctx.actor, &ctx.meta, now, Action::AgencyUpdate)
                .resource(id)
                .detail(changed_fields(&[
                    ("agency_type", changes.agency_type.is_some()),
                    ("name", changes.name.is_some()),
                    ("phone", changes.phone.is_some()),
                    ("address", changes.address.is_some()),
                    ("notes", changes.notes.is_some()),
                    ("active", changes.active.is_some()),
                ]));
            self.store.update_agency(
                Scope::Center(center_id),
                id,
                expected_version,
                &changes,
                now,
                &ev,
            )
        })
    }
}
