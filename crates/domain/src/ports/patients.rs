use super::StoreResult;
use crate::audit::AuditDraft;
use crate::cases::DuplicateProbe;
use crate::entities::{Patient, PatientLabel, ProgramChange};
use crate::page::{Page, PageRequest};
use crate::values::{EmploymentStatus, Program};
use chrono::NaiveDate;
use uuid::Uuid;

/// What the one search box was asked (see `cases::patients::search_query`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PatientQuery {
    /// Part of a name or reading, already folded (see [`crate::kana::fold`]) and split into
    /// index grams.
    Name {
        folded: String,
        grams: Vec<String>,
    },
    /// A case number, exactly (`2026-0001`).
    CaseNumber(String),
    /// A phone number's digits, however the stored number is grouped.
    Phone(String),
    BirthDate(NaiveDate),
}

/// How a patient list is narrowed (besides the search box) and ordered.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct PatientFilter {
    pub program: Option<Program>,
    pub disease_number: Option<i32>,
    pub employment_status: Option<EmploymentStatus>,
    /// Patients this consultant talked with or referred.
    pub consultant: Option<Uuid>,
    /// Only patients with a referral still open.
    pub open_referral: bool,
    /// Only patients with a follow-up open and due before this day (today in Tokyo).
    pub overdue_before: Option<NaiveDate>,
    pub sort: PatientSort,
}

/// The order of a patient list; each pages by the last patient's id.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum PatientSort {
    /// Oldest registration first (case number order).
    #[default]
    Registered,
    /// Newest registration first.
    RegisteredDesc,
    /// By reading (family, then given name), as a paper 台帳 is kept.
    Kana,
}

/// Patients and their name index. Case records are only ever a center's: the case ports
/// take the center, never a `Scope::All`.
pub trait PatientStore {
    /// Inserts the patient with its search grams, giving it the center's next case number
    /// of `fiscal_year`; returns the patient as stored.
    fn insert_patient(
        &self,
        patient: &Patient,
        fiscal_year: i32,
        audit: &AuditDraft,
    ) -> StoreResult<Patient>;
    fn patient(&self, center: Uuid, id: Uuid) -> StoreResult<Option<Patient>>;
    /// Case numbers and names of the given patients of the center, for lists.
    fn patient_labels(&self, center: Uuid, ids: &[Uuid]) -> StoreResult<Vec<PatientLabel>>;
    /// Patients in the filter's order; with a query, those whose names or readings contain
    /// it; with a `supporter`, only those assigned to that peer supporter now.
    fn patients(
        &self,
        center: Uuid,
        supporter: Option<Uuid>,
        query: Option<&PatientQuery>,
        filter: &PatientFilter,
        page: PageRequest,
    ) -> StoreResult<Page<Patient>>;
    /// How many patients [`PatientStore::patients`] would list over all its pages.
    fn count_patients(
        &self,
        center: Uuid,
        supporter: Option<Uuid>,
        query: Option<&PatientQuery>,
        filter: &PatientFilter,
    ) -> StoreResult<i64>;
    /// Up to 20 patients of the center with the probe's reading and birth date, or its
    /// phone digits (however the stored number is grouped).
    fn possible_duplicates(
        &self,
        center: Uuid,
        probe: &DuplicateProbe,
    ) -> StoreResult<Vec<Patient>>;
    /// Writes the whole record if its version is still `expected_version`, and rebuilds its
    /// search grams; a change of program is kept in the same transaction.
    fn save_patient(
        &self,
        patient: &Patient,
        expected_version: i32,
        program_change: Option<&ProgramChange>,
        audit: &AuditDraft,
    ) -> StoreResult<Patient>;
}
