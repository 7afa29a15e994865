//! Who may do what. Every role and tenancy check of the use cases asks this module, so "may
//! this actor do this to this record" has one answer, and each kind of refusal one stable
//! problem code:
//!
//! | code | meaning |
//! |---|---|
//! | `insufficient_role` | the caller's role does not allow the operation (before this module, managing integrations answered `role_forbidden`; it is now `insufficient_role`) |
//! | `center_staff_only` | the operation works on a center's records and the caller belongs to no center |
//! | `insufficient_role` (patient merges) | merging two patient records is a supervisor's, in person |
//! | `supervisor_only` | recording work for a colleague, or handing it to someone else |
//! | `lowering_requires_supervisor` | lowering a referral's level |
//! | `four_eyes` | a supervisor reviewing a referral they made or followed up, or a support plan they wrote or submitted |
//! | `role_not_assignable` | a center administrator creating a system administrator |
//! | `supervisor_only` (trainings) | recording another staff member's training without being their supervisor or the center administrator |
//! | `program_not_offered` | 小慢 work (support plans, liaison contacts, optional projects, needs) in a center that does not run `shoman` |
//! | `cannot_change_self` | an administrator resetting their own second factor (their own screens are for that) |
//! | `totp_enrollment_required` | the caller's center requires a second factor for their role and it is not set up |
//! | `password_change_required` | the caller's password was set by an administrator and not changed yet |
//! | `pledge_required` | a council member has not made the confidentiality pledge for a seat in its term ([`council_reach`]) |
//!
//! Tenancy: a record of another center answers 404 exactly like a missing one; the store is
//! always asked with the [`Reach`] this module returns.

use crate::entities::{Actor, Center};
use crate::error::DomainError;
use crate::platform::ClientOwner;
use crate::values::{Program, Role};
use uuid::Uuid;

/// What the caller asks to do.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Permission {
    /// Read and record case work: patients, consents, consultations, referrals, follow-ups,
    /// their history and reviews. Health data is shared on a need-to-know basis: a center
    /// administrator manages staff and agencies but does not see patients.
    CaseWork,
    /// Judge colleagues' work: review referrals, read the audit queue and the supervision
    /// summary. A supervisor in person only; an API client reads with a supervisor's reach
    /// but never judges anyone's work.
    Supervise,
    /// Merge a patient registered twice into the record that stays: a supervisor in person,
    /// since it moves a whole case and cannot be undone by an edit. Not an API client: a
    /// machine cannot judge that two records are the same person.
    MergePatients,
    /// Read the ministry's figures: a center's supervisor or administrator for their center,
    /// the system administrator across centers.
    ReadReports,
    /// Read the audit trail: a center's supervisor or administrator (their center's events),
    /// or the system administrator (every center's and the installation's own).
    ReadAuditTrail,
    /// Read the center's agencies (every member of the center).
    ReadAgencies,
    /// Register and change agencies (the center's administrator).
    ManageAgencies,
    /// API clients and webhooks (the center's administrator, in person).
    ManageIntegrations,
    /// Create and list centers (the system administrator).
    ManageCenters,
    /// Read staff records: the system administrator every center's, others their own center's.
    ReadStaff,
    /// Create staff and change their role or activity: the system administrator anywhere, a
    /// center administrator in their own center.
    ManageStaff,
}

/// How far a permitted caller reaches.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Reach {
    /// One center's records.
    Center(Uuid),
    /// Every center (the system administrator).
    All,
}

impl Reach {
    /// The center, for operations that only ever work inside one.
    pub fn center(self) -> Option<Uuid> {
        match self {
            Reach::Center(c) => Some(c),
            Reach::All => None,
        }
    }
}

pub fn insufficient_role() -> DomainError {
    DomainError::forbidden("insufficient_role", "your role does not allow this")
}

fn center_staff_only() -> DomainError {
    DomainError::forbidden(
        "center_staff_only",
        "only a center's staff work with its records",
    )
}

/// The caller's center, for operations that only a center's staff perform. To an officer
/// of an administration or a council member, a center's records do not exist: they answer
/// 404, so nothing tells them whether a patient is there.
pub fn own_center(actor: &Actor) -> Result<Uuid, DomainError> {
    match (actor.role, actor.center_id) {
        (Role::MunicipalOfficer | Role::CouncilMember, _) => Err(DomainError::NotFound),
        (Role::SystemAdmin, _) | (_, None) => Err(center_staff_only()),
        (_, Some(c)) => Ok(c),
    }
}

/// How far a caller reaches into an administration's records (its centers' aggregates, its
/// councils and regional issues).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RegionReach {
    /// One administration: its officers.
    Administration(Uuid),
    /// Every administration: the system administrator, reading.
    All,
}

impl RegionReach {
    /// Whether a record of `administration` is within reach (else it answers 404).
    pub fn covers(self, administration: Uuid) -> bool {
        match self {
            RegionReach::Administration(a) => a == administration,
            RegionReach::All => true,
        }
    }

    /// The administration, for operations that only ever work inside one.
    pub fn administration(self) -> Option<Uuid> {
        match self {
            RegionReach::Administration(a) => Some(a),
            RegionReach::All => None,
        }
    }
}

/// An administration's own work (its councils, meetings, regional issues, publication):
/// its officers read and write it, and so does the administration's API client within its
/// scopes (`regional:read`, `regional:write`, enforced by the HTTP adapter from the
/// document); the system administrator reads every administration's (the ministry's
/// figures need it) but runs none. Center staff and centers' clients have no part in it
/// (`insufficient_role`); council members reach their councils' records through their
/// membership, checked where those records are read. What stays an officer's own act
/// (publishing, naming council members) asks [`in_person_region`].
pub fn region(actor: &Actor, write: bool) -> Result<RegionReach, DomainError> {
    match (actor.role, actor.administration_id) {
        (Role::MunicipalOfficer, Some(a)) => Ok(RegionReach::Administration(a)),
        (Role::SystemAdmin, _) if !write => Ok(RegionReach::All),
        _ => Err(insufficient_role()),
    }
}

/// An administration's work that stays an officer's own act, never an application's:
/// publishing the year's summary (an approval), naming council members and giving them a
/// sign-in.
pub fn in_person_region(actor: &Actor) -> Result<RegionReach, DomainError> {
    if actor.is_client() {
        return Err(insufficient_role());
    }
    region(actor, true)
}

/// Creating administrations and assigning centers to them: the system administrator.
pub fn manage_administrations(actor: &Actor) -> Result<(), DomainError> {
    permit(actor, Permission::ManageCenters).map(|_| ())
}

/// Reading an administration's own record: the system administrator any, an officer their
/// own (another answers 404).
pub fn read_administration(actor: &Actor, id: Uuid) -> Result<(), DomainError> {
    if region(actor, false)?.covers(id) {
        Ok(())
    } else {
        Err(DomainError::NotFound)
    }
}

/// Changing an administration: the system administrator anything; an officer only its
/// settings (the suppression threshold), never its code, kind or activity.
pub fn update_administration(
    actor: &Actor,
    id: Uuid,
    settings_only: bool,
) -> Result<(), DomainError> {
    match (actor.role, actor.administration_id) {
        (Role::SystemAdmin, _) if !actor.is_client() => Ok(()),
        (Role::MunicipalOfficer, Some(a)) if a != id => Err(DomainError::NotFound),
        (Role::MunicipalOfficer, Some(_)) if settings_only && !actor.is_client() => Ok(()),
        _ => Err(insufficient_role()),
    }
}

/// How far a caller reaches into regional councils' records (councils, their members,
/// meetings and papers).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum CouncilReach {
    /// An administration's officers, or the system administrator reading.
    Region(RegionReach),
    /// A council member: the councils they sit on, in their term, after their pledge.
    Seats(Vec<Uuid>),
}

impl CouncilReach {
    /// Whether council `council` of `administration` is within reach (else it answers 404).
    pub fn covers(&self, administration: Uuid, council: Uuid) -> bool {
        match self {
            CouncilReach::Region(r) => r.covers(administration),
            CouncilReach::Seats(ids) => ids.contains(&council),
        }
    }

    /// Whether a regional issue is within reach: any of the administration's for its
    /// officers; for a council member, those their councils work on (an issue with no
    /// council is the administration's own business).
    pub fn covers_issue(&self, administration: Uuid, council: Option<Uuid>) -> bool {
        match self {
            CouncilReach::Region(r) => r.covers(administration),
            CouncilReach::Seats(ids) => council.is_some_and(|c| ids.contains(&c)),
        }
    }
}

/// Commenting on a regional issue: the administration's officers and the members of the
/// council working on it (who read it), never the system administrator, who only reads.
pub fn comment_regional_issue(actor: &Actor) -> Result<(), DomainError> {
    match actor.role {
        Role::MunicipalOfficer | Role::CouncilMember if !actor.is_client() => Ok(()),
        _ => Err(insufficient_role()),
    }
}

/// A council member's seat, as far as reach is concerned.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Seat {
    pub council_id: Uuid,
    pub term_start: chrono::NaiveDate,
    pub term_end: chrono::NaiveDate,
    pub pledged: bool,
}

impl Seat {
    fn in_term(&self, today: chrono::NaiveDate) -> bool {
        (self.term_start..=self.term_end).contains(&today)
    }
}

pub fn pledge_required() -> DomainError {
    DomainError::forbidden(
        "pledge_required",
        "make the confidentiality pledge first (POST /api/v1/me/confidentiality-pledge)",
    )
}

/// Who reads and runs regional councils. Their administration's officers read and write
/// them; the system administrator reads every administration's and writes none; a council
/// member (`council_member`, not staff) only reads, and only the councils they sit on
/// (not their 部会 or parent unless they sit there too), while today is within that seat's
/// term: before or after it the council answers 404 like a missing one. Until a member
/// has pledged confidentiality (守秘義務) for every seat in term, every council record
/// answers 403 `pledge_required`. `seats` is asked only for a council member. Center staff
/// and API clients have no part in it (`insufficient_role`).
pub fn council_reach(
    actor: &Actor,
    write: bool,
    today: chrono::NaiveDate,
    seats: impl FnOnce(Uuid) -> Result<Vec<Seat>, DomainError>,
) -> Result<CouncilReach, DomainError> {
    if actor.role != Role::CouncilMember {
        return region(actor, write).map(CouncilReach::Region);
    }
    if write || actor.is_client() {
        return Err(insufficient_role());
    }
    let current: Vec<Seat> = seats(actor.user_id)?
        .into_iter()
        .filter(|s| s.in_term(today))
        .collect();
    if current.iter().any(|s| !s.pledged) {
        return Err(pledge_required());
    }
    Ok(CouncilReach::Seats(
        current.into_iter().map(|s| s.council_id).collect(),
    ))
}

/// The confidentiality pledge is a council member's own act.
pub fn pledge(actor: &Actor) -> Result<(), DomainError> {
    if actor.role == Role::CouncilMember && !actor.is_client() {
        Ok(())
    } else {
        Err(insufficient_role())
    }
}

/// Whether signing in needs a second factor the user has yet to set up: where their
/// center requires it for their role, and always for a council member (not staff, reading
/// a council's confidential papers from outside).
pub fn second_factor_required(role: Role, center_requires: bool) -> bool {
    center_requires || role == Role::CouncilMember
}

/// Whose figures a caller reads in the reports.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ReportReach {
    /// A center's supervisor or administrator: their center.
    Center(Uuid),
    /// An administration's officer: the centers assigned to it, per center and combined
    /// (never a patient: these are the figures the ministry's tables hold).
    Administration(Uuid),
    /// The system administrator: every center, or a prefecture's or an administration's.
    All,
}

/// Who reads the reports, and over which centers.
pub fn report_reach(actor: &Actor) -> Result<ReportReach, DomainError> {
    if actor.role == Role::MunicipalOfficer {
        return match region(actor, false)? {
            RegionReach::Administration(a) => Ok(ReportReach::Administration(a)),
            RegionReach::All => Err(insufficient_role()),
        };
    }
    Ok(match permit(actor, Permission::ReadReports)? {
        Reach::Center(c) => ReportReach::Center(c),
        Reach::All => ReportReach::All,
    })
}

/// Whether `actor` may do `p`, and how far it reaches.
pub fn permit(actor: &Actor, p: Permission) -> Result<Reach, DomainError> {
    use Permission as P;
    let in_person = !actor.is_client();
    match p {
        P::CaseWork => {
            let c = own_center(actor)?;
            if can_do_case_work(actor.role) {
                Ok(Reach::Center(c))
            } else {
                Err(insufficient_role())
            }
        }
        P::Supervise => {
            let c = own_center(actor)?;
            if actor.role == Role::Supervisor && in_person {
                Ok(Reach::Center(c))
            } else {
                Err(insufficient_role())
            }
        }
        P::MergePatients => {
            let c = own_center(actor)?;
            if actor.role == Role::Supervisor && in_person {
                Ok(Reach::Center(c))
            } else {
                Err(insufficient_role())
            }
        }
        P::ReadReports | P::ReadAuditTrail => match (actor.role, actor.center_id) {
            (Role::MunicipalOfficer | Role::CouncilMember, _) => Err(DomainError::NotFound),
            (Role::SystemAdmin, _) => Ok(Reach::All),
            (Role::Supervisor | Role::CenterAdmin, Some(c)) => Ok(Reach::Center(c)),
            _ => Err(insufficient_role()),
        },
        P::ReadAgencies => own_center(actor).map(Reach::Center),
        P::ManageAgencies => {
            let c = own_center(actor)?;
            if actor.role == Role::CenterAdmin {
                Ok(Reach::Center(c))
            } else {
                Err(insufficient_role())
            }
        }
        P::ManageIntegrations => {
            let c = own_center(actor)?;
            if actor.role == Role::CenterAdmin && in_person {
                Ok(Reach::Center(c))
            } else {
                Err(insufficient_role())
            }
        }
        P::ManageCenters => {
            if actor.role == Role::SystemAdmin {
                Ok(Reach::All)
            } else {
                Err(insufficient_role())
            }
        }
        P::ReadStaff => match (actor.role, actor.center_id) {
            (Role::SystemAdmin, _) => Ok(Reach::All),
            (Role::MunicipalOfficer | Role::CouncilMember, _) => Err(insufficient_role()),
            (_, Some(c)) => Ok(Reach::Center(c)),
            (_, None) => Err(insufficient_role()),
        },
        P::ManageStaff => match (actor.role, actor.center_id) {
            (Role::SystemAdmin, _) => Ok(Reach::All),
            (Role::CenterAdmin, Some(c)) => Ok(Reach::Center(c)),
            _ => Err(insufficient_role()),
        },
    }
}

/// The center of a center-scoped permission (every permission but the system
/// administrator's).
pub fn permit_in_center(actor: &Actor, p: Permission) -> Result<Uuid, DomainError> {
    match permit(actor, p)? {
        Reach::Center(c) => Ok(c),
        Reach::All => Err(center_staff_only()),
    }
}

/// Registering and managing API clients: a center's administrator for the center, an
/// administration's officer for the administration; both in person (a client never makes
/// another). Answers whose clients the caller manages; another owner's answer 404.
pub fn manage_clients(actor: &Actor) -> Result<ClientOwner, DomainError> {
    match (actor.role, actor.administration_id) {
        (Role::MunicipalOfficer, Some(a)) if !actor.is_client() => {
            Ok(ClientOwner::Administration(a))
        }
        _ => permit_in_center(actor, Permission::ManageIntegrations).map(ClientOwner::Center),
    }
}

/// Whether the caller may read what staff typed to find patients (the `q=` of search
/// events in the audit trail): a name typed into the search is patient data, so only who
/// may see patients reads it — not a center administrator nor the system administrator,
/// and an API client only with `patients:read`. Others read the events with the query
/// redacted.
pub fn may_read_patient_searches(actor: &Actor) -> bool {
    permit(actor, Permission::CaseWork).is_ok()
        && actor
            .scopes
            .as_ref()
            .is_none_or(|s| s.iter().any(|x| x == "patients:read"))
}

/// Roles that carry case work, and so may be given records to look after. The 自立支援員
/// of the 小慢 project has a consultant's reach in the same center.
pub fn can_do_case_work(role: Role) -> bool {
    matches!(
        role,
        Role::Consultant | Role::Supervisor | Role::SelfRelianceWorker
    )
}

/// How far a caller reaches into patients and their consultations.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PatientReach {
    /// Every patient of the center: the case workers.
    Center(Uuid),
    /// A ピア・サポーター: the patients assigned to them (while the assignment lasts) and the
    /// anonymous consultations they recorded themselves. A peer supporter is a patient
    /// who supports peers; the rest of a case (consents, referrals, follow-ups) stays with
    /// the consultants, so those routes refuse them (`insufficient_role`).
    Assigned { center: Uuid, supporter: Uuid },
}

impl PatientReach {
    pub fn center(self) -> Uuid {
        match self {
            PatientReach::Center(c) | PatientReach::Assigned { center: c, .. } => c,
        }
    }

    /// The peer supporter whose assignments bound the reach, if any.
    pub fn supporter(self) -> Option<Uuid> {
        match self {
            PatientReach::Center(_) => None,
            PatientReach::Assigned { supporter, .. } => Some(supporter),
        }
    }
}

/// Reading patients and recording consultations: case workers reach the whole center, a
/// peer supporter their assigned patients (see [`PatientReach`]).
pub fn patient_reach(actor: &Actor) -> Result<PatientReach, DomainError> {
    if actor.role == Role::PeerSupporter {
        let center = own_center(actor)?;
        Ok(PatientReach::Assigned {
            center,
            supporter: actor.user_id,
        })
    } else {
        permit_in_center(actor, Permission::CaseWork).map(PatientReach::Center)
    }
}

/// Exporting a patient's whole case (FHIR): whoever reaches every patient of the center —
/// the case workers, and API clients with their reach. A peer supporter does not: the
/// consents, referrals and follow-ups in it stay with the consultants (see
/// [`PatientReach`]). Another center's patient answers 404 where it is looked up.
pub fn export_patient(actor: &Actor) -> Result<Uuid, DomainError> {
    permit_in_center(actor, Permission::CaseWork)
}

/// Importing a center's existing 台帳: the center's supervisor in person. An import brings
/// in whole cases at once and decides which rows are patients already registered, which,
/// like a merge, a person answers for and a machine cannot judge.
pub fn import(actor: &Actor) -> Result<Uuid, DomainError> {
    permit_in_center(actor, Permission::MergePatients)
}

/// Producing everything held about a patient for disclosure to them (APPI
/// 保有個人データの開示): the center's supervisor in person, who answers for the request. It
/// includes who read the record, which no case worker or API client reads otherwise.
pub fn disclose_patient(actor: &Actor) -> Result<Uuid, DomainError> {
    permit_in_center(actor, Permission::Supervise)
}

/// A bulk export of the center's case data (every patient, consultation, referral,
/// follow-up and consent): the center's supervisor in person, who answers for it. Not an
/// API client (a mirror of changes uses the lists with `updated_since`), not a consultant.
pub fn export_center(actor: &Actor) -> Result<Uuid, DomainError> {
    permit_in_center(actor, Permission::Supervise)
}

/// Whether a consultation is within a peer supporter's reach: one with an assigned
/// patient, or an anonymous one they recorded. `assigned` says whether the consultation's
/// patient is assigned to them now.
pub fn peer_sees_consultation(
    supporter: Uuid,
    patient: Option<Uuid>,
    consultant: Uuid,
    assigned: bool,
) -> bool {
    match patient {
        Some(_) => assigned,
        None => consultant == supporter,
    }
}

/// A peer supporter changes only the consultations they recorded; a colleague's record of
/// the same patient is theirs to read, not to rewrite.
pub fn peer_edits_consultation(reach: PatientReach, consultant: Uuid) -> Result<(), DomainError> {
    match reach.supporter() {
        Some(me) if me != consultant => Err(insufficient_role()),
        _ => Ok(()),
    }
}

/// Assigning peer supporters to patients, and ending an assignment, is a supervisor's call
/// (in person: it widens who reads a patient's record).
pub fn assign_peer_supporters(actor: &Actor) -> Result<Uuid, DomainError> {
    permit_in_center(actor, Permission::Supervise)
}

/// Assignments of a patient are read by whoever reaches the whole center's patients.
pub fn read_peer_assignments(actor: &Actor) -> Result<Uuid, DomainError> {
    permit_in_center(actor, Permission::CaseWork)
}

/// Peer support evidence (hours, consultations, completed courses per supporter, by name):
/// a center's supervisor or administrator reads their center's, a peer supporter their own
/// line. It names staff, so it is a center's record, not a figure across centers.
pub fn peer_support_report(actor: &Actor) -> Result<(Uuid, Option<Uuid>), DomainError> {
    if actor.role == Role::PeerSupporter {
        Ok((own_center(actor)?, Some(actor.user_id)))
    } else {
        permit_in_center(actor, Permission::ReadReports).map(|c| (c, None))
    }
}

/// 小慢 work (support plans) is open only in a center that runs the `shoman` program;
/// elsewhere it answers 403 `program_not_offered`, so a client learns the center does not
/// run it rather than that a record is missing.
pub fn program_offered(center: &Center, program: Program) -> Result<(), DomainError> {
    if center.programs.contains(&program) {
        Ok(())
    } else {
        Err(DomainError::forbidden(
            "program_not_offered",
            format!("your center does not run the {} program", program.as_str()),
        ))
    }
}

/// Reading or recording a 小慢 center's optional projects (任意事業), their sessions and its
/// needs register: the same reach as its support plans (the 自立支援員, consultants and
/// supervisors read and write; a center administrator manages staff, not children's
/// records). One place, so that reading and writing can part later without touching the
/// use cases.
pub fn shoman_projects(actor: &Actor, write: bool) -> Result<Uuid, DomainError> {
    // Reading names children (the participants of a session, the patient of a need), so
    // it needs case work just as writing does.
    let _ = write;
    permit_in_center(actor, Permission::CaseWork)
}

/// Outreach (周知) names no patient: every member of a center records and reads its
/// outreach, the center administrator included.
pub fn outreach(actor: &Actor) -> Result<Uuid, DomainError> {
    own_center(actor)
}

/// Trainings (研修): every member of a center reads the center's; a member records their
/// own (`staff` is the caller), a supervisor or the center administrator anyone's in the
/// center (403 `supervisor_only` otherwise).
pub fn trainings(actor: &Actor, staff: Uuid) -> Result<Uuid, DomainError> {
    let center = own_center(actor)?;
    if staff == actor.user_id || matches!(actor.role, Role::Supervisor | Role::CenterAdmin) {
        Ok(center)
    } else {
        Err(DomainError::forbidden(
            "supervisor_only",
            "only a supervisor or the center administrator records another staff member's training",
        ))
    }
}

/// Events and group activities name the patients who came, so reading and writing them is
/// case work (a center administrator manages staff, not patients' records).
pub fn events(actor: &Actor) -> Result<Uuid, DomainError> {
    permit_in_center(actor, Permission::CaseWork)
}

/// 出張相談 sessions with the Hello Work 就職サポーター book named patients into slots and
/// link their consultations: case work, the same reach as events.
pub fn supporter_sessions(actor: &Actor) -> Result<Uuid, DomainError> {
    permit_in_center(actor, Permission::CaseWork)
}

/// Four eyes on a support plan: a supervisor does not review a plan they wrote or
/// submitted.
pub fn review_plan(
    actor: &Actor,
    author_id: Uuid,
    submitted_by: Option<Uuid>,
) -> Result<(), DomainError> {
    let me = actor.user_id;
    if author_id == me || submitted_by == Some(me) {
        Err(DomainError::forbidden(
            "four_eyes",
            "a supervisor does not review a support plan they wrote or submitted",
        ))
    } else {
        Ok(())
    }
}

/// Recording work in a colleague's name, or handing a record to someone else: a
/// supervisor's call.
pub fn act_for_colleague(actor: &Actor) -> Result<(), DomainError> {
    if actor.role == Role::Supervisor {
        Ok(())
    } else {
        Err(DomainError::forbidden(
            "supervisor_only",
            "only a supervisor records work for someone else or hands it over",
        ))
    }
}

/// Lowering a referral's level undoes a promise made to the patient: a supervisor's call.
pub fn lower_level(actor: &Actor) -> Result<(), DomainError> {
    if actor.role == Role::Supervisor {
        Ok(())
    } else {
        Err(DomainError::forbidden(
            "lowering_requires_supervisor",
            "only a supervisor may lower a referral's level",
        ))
    }
}

/// Four eyes: a supervisor does not review a referral they made, are in charge of, or
/// followed up.
pub fn review(
    actor: &Actor,
    consultant_id: Uuid,
    created_by: Uuid,
    follow_up_recorders: &[Uuid],
) -> Result<(), DomainError> {
    let me = actor.user_id;
    if consultant_id == me || created_by == me || follow_up_recorders.contains(&me) {
        Err(DomainError::forbidden(
            "four_eyes",
            "a supervisor does not review a referral they made or followed up",
        ))
    } else {
        Ok(())
    }
}

/// Staff may read their own center (to show its name); only the system administrator sees
/// the others. Anything else answers 404, like a missing center.
pub fn may_see_center(actor: &Actor, center_id: Uuid) -> bool {
    actor.role == Role::SystemAdmin || actor.center_id == Some(center_id)
}

/// The system administrator runs centers; a center administrator may tune its own center's
/// case settings (`settings_only`) and nothing else. Another center answers 404.
pub fn update_center(
    actor: &Actor,
    center_id: Uuid,
    settings_only: bool,
) -> Result<(), DomainError> {
    match (actor.role, actor.center_id) {
        (Role::SystemAdmin, _) => Ok(()),
        (Role::CenterAdmin, Some(c)) if c == center_id && settings_only => Ok(()),
        (Role::CenterAdmin, Some(c)) if c != center_id => Err(DomainError::NotFound),
        _ => Err(insufficient_role()),
    }
}

/// Who may give a new or changed staff member this role: only the system administrator
/// makes system administrators and administrations' officers; council members get their
/// sign-in from their council (not from the staff screens), so no one assigns that role
/// here.
pub fn assign_role(actor: &Actor, role: Role) -> Result<(), DomainError> {
    let allowed = match role {
        Role::SystemAdmin | Role::MunicipalOfficer => actor.role == Role::SystemAdmin,
        Role::CouncilMember => false,
        _ => true,
    };
    if allowed {
        Ok(())
    } else {
        Err(DomainError::forbidden(
            "role_not_assignable",
            format!("your role cannot give the role {}", role.as_str()),
        ))
    }
}

/// Changing a staff record: administrators change their staff; anyone may change their own
/// name and password, but not their own role or activity.
pub fn update_staff(
    actor: &Actor,
    user_id: Uuid,
    changes_role_or_activity: bool,
) -> Result<Reach, DomainError> {
    match actor.role {
        Role::SystemAdmin | Role::CenterAdmin => permit(actor, Permission::ManageStaff),
        _ if actor.user_id == user_id && !changes_role_or_activity => {
            permit(actor, Permission::ReadStaff)
        }
        _ => Err(insufficient_role()),
    }
}

/// Where a center requires a second factor for the caller's role and it is not set up yet,
/// only the caller's own account (reading it, enrolling, signing out) is open: every other
/// operation refuses until then.
pub fn second_factor_in_place(actor: &Actor) -> Result<(), DomainError> {
    if actor.must_enroll_totp {
        Err(DomainError::forbidden(
            "totp_enrollment_required",
            "your center requires two-factor sign-in for your role: set it up first (POST /api/v1/me/totp)",
        ))
    } else {
        Ok(())
    }
}

/// Whether an API client's scopes, as they are now (its token's, less any withdrawn since),
/// include the one an operation needs. People have no scopes and pass: their role decides.
pub fn client_scope(actor: &Actor, scope: &str) -> Result<(), DomainError> {
    match &actor.scopes {
        Some(granted) => grants(granted, scope),
        None => Ok(()),
    }
}

/// Whether scopes granted (a token's, or a client's as it is now) include the one needed.
pub fn grants(granted: &[String], scope: &str) -> Result<(), DomainError> {
    if granted.iter().any(|g| g == scope) {
        Ok(())
    } else {
        Err(DomainError::InsufficientScope {
            scope: scope.to_owned(),
        })
    }
}

/// While the caller's password is one an administrator chose (a new account, or a password
/// set for them), only their own account is open: reading it (`GET /me`), changing the
/// password (`POST /me/password`) and signing out. Every other operation — second-factor
/// enrolment included — refuses until then. API clients have no password and pass.
pub fn password_changed(actor: &Actor) -> Result<(), DomainError> {
    if actor.must_change_password && !actor.is_client() {
        Err(DomainError::forbidden(
            "password_change_required",
            "your password was set by an administrator: change it first (POST /api/v1/me/password)",
        ))
    } else {
        Ok(())
    }
}

/// Resetting a staff member's second factor (they enrol again at their next sign-in): who
/// manages staff may, in person, but never their own (they use their own screens). The
/// reach the target is then looked up in: another center's user answers 404.
pub fn reset_second_factor(actor: &Actor, user_id: Uuid) -> Result<Reach, DomainError> {
    let reach = permit(actor, Permission::ManageStaff)?;
    if actor.is_client() {
        return Err(insufficient_role());
    }
    if user_id == actor.user_id {
        return Err(DomainError::forbidden(
            "cannot_change_self",
            "you cannot reset your own two-factor sign-in; set it up again on your own two-factor screen",
        ));
    }
    Ok(reach)
}

/// Once the target is found: a center administrator resets their center's staff, but a
/// fellow center administrator's second factor is the system administrator's to reset
/// (otherwise one administrator could take over another's account).
pub fn reset_second_factor_of(actor: &Actor, target: Role) -> Result<(), DomainError> {
    match (actor.role, target) {
        (Role::SystemAdmin, _) => Ok(()),
        (Role::CenterAdmin, Role::CenterAdmin | Role::SystemAdmin) => Err(DomainError::forbidden(
            "insufficient_role",
            "a center administrator's two-factor sign-in is reset by the system administrator",
        )),
        (Role::CenterAdmin, _) => Ok(()),
        _ => Err(insufficient_role()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn actor(role: Role, center: Option<Uuid>) -> Actor {
        Actor {
            user_id: Uuid::now_v7(),
            session_id: Uuid::now_v7(),
            role,
            center_id: center,
            administration_id: None,
            login: "x".into(),
            display_name: "x".into(),
            totp_enabled: false,
            must_enroll_totp: false,
            must_change_password: false,
            scopes: None,
        }
    }

    fn client(center: Uuid) -> Actor {
        Actor {
            scopes: Some(vec!["patients:read".into()]),
            ..actor(Role::Supervisor, Some(center))
        }
    }

    #[test]
    fn a_client_needs_the_scope_and_a_person_does_not() {
        let center = Uuid::now_v7();
        assert_eq!(client_scope(&client(center), "patients:read"), Ok(()));
        assert_eq!(
            client_scope(&client(center), "patients:write"),
            Err(DomainError::InsufficientScope {
                scope: "patients:write".into()
            })
        );
        let withdrawn = Actor {
            scopes: Some(vec![]),
            ..client(center)
        };
        assert!(client_scope(&withdrawn, "patients:read").is_err());
        assert_eq!(
            client_scope(&actor(Role::Consultant, Some(center)), "patients:write"),
            Ok(())
        );
    }

    fn code(r: Result<Reach, DomainError>) -> &'static str {
        match r {
            Ok(Reach::Center(_)) => "center",
            Ok(Reach::All) => "all",
            Err(DomainError::Forbidden { code, .. }) => code,
            Err(_) => "other",
        }
    }

    /// The whole matrix of roles and permissions, written out.
    fn officer(administration: Uuid) -> Actor {
        let mut a = actor(Role::MunicipalOfficer, None);
        a.administration_id = Some(administration);
        a
    }

    #[test]
    fn who_exports_a_case_and_who_discloses_it() {
        let c = Uuid::now_v7();
        for r in [Role::Consultant, Role::Supervisor, Role::SelfRelianceWorker] {
            assert_eq!(export_patient(&actor(r, Some(c))), Ok(c), "{r:?}");
        }
        assert_eq!(export_patient(&client(c)), Ok(c));
        for r in [Role::CenterAdmin, Role::PeerSupporter] {
            assert_eq!(
                export_patient(&actor(r, Some(c))),
                Err(insufficient_role()),
                "{r:?}"
            );
        }
        assert_eq!(
            export_patient(&officer(Uuid::now_v7())),
            Err(DomainError::NotFound)
        );
        assert_eq!(disclose_patient(&actor(Role::Supervisor, Some(c))), Ok(c));
        for a in [
            actor(Role::Consultant, Some(c)),
            actor(Role::CenterAdmin, Some(c)),
            client(c),
        ] {
            assert_eq!(disclose_patient(&a), Err(insufficient_role()), "{a:?}");
        }
        assert_eq!(
            disclose_patient(&officer(Uuid::now_v7())),
            Err(DomainError::NotFound)
        );
    }

    #[test]
    fn only_the_supervisor_exports_the_center() {
        let c = Uuid::now_v7();
        assert_eq!(export_center(&actor(Role::Supervisor, Some(c))), Ok(c));
        for a in [
            actor(Role::Consultant, Some(c)),
            actor(Role::SelfRelianceWorker, Some(c)),
            actor(Role::PeerSupporter, Some(c)),
            actor(Role::CenterAdmin, Some(c)),
            client(c),
        ] {
            assert_eq!(export_center(&a), Err(insufficient_role()), "{a:?}");
        }
        assert_eq!(
            export_center(&officer(Uuid::now_v7())),
            Err(DomainError::NotFound)
        );
    }

    #[test]
    fn an_officer_reaches_their_administration_and_never_a_patient() {
        let (mine, other) = (Uuid::now_v7(), Uuid::now_v7());
        let o = officer(mine);
        assert_eq!(region(&o, true), Ok(RegionReach::Administration(mine)));
        assert!(region(&o, false).unwrap().covers(mine));
        assert!(!region(&o, false).unwrap().covers(other));
        assert_eq!(read_administration(&o, other), Err(DomainError::NotFound));
        assert_eq!(report_reach(&o), Ok(ReportReach::Administration(mine)));
        assert_eq!(update_administration(&o, mine, true), Ok(()));
        assert_eq!(
            update_administration(&o, mine, false),
            Err(insufficient_role())
        );
        assert_eq!(
            update_administration(&o, other, true),
            Err(DomainError::NotFound)
        );
        // Patients and everything of a center answer 404, as if nothing were there.
        for p in [
            Permission::CaseWork,
            Permission::Supervise,
            Permission::ReadReports,
            Permission::ReadAgencies,
        ] {
            assert_eq!(permit(&o, p), Err(DomainError::NotFound), "{p:?}");
        }
        assert_eq!(patient_reach(&o), Err(DomainError::NotFound));
        let member = actor(Role::CouncilMember, None);
        assert_eq!(patient_reach(&member), Err(DomainError::NotFound));
        assert_eq!(region(&member, false), Err(insufficient_role()));
        // The system administrator reads every administration's work but runs none.
        let sys = actor(Role::SystemAdmin, None);
        assert_eq!(region(&sys, false), Ok(RegionReach::All));
        assert_eq!(region(&sys, true), Err(insufficient_role()));
        // Center staff have no part in an administration's work.
        let sup = actor(Role::Supervisor, Some(Uuid::now_v7()));
        assert_eq!(region(&sup, false), Err(insufficient_role()));
        assert!(matches!(report_reach(&sup), Ok(ReportReach::Center(_))));
        // Only the system administrator gives the officer's role; nobody gives a council
        // member's from the staff screens.
        assert!(assign_role(&sys, Role::MunicipalOfficer).is_ok());
        assert!(
            assign_role(
                &actor(Role::CenterAdmin, Some(Uuid::now_v7())),
                Role::MunicipalOfficer
            )
            .is_err()
        );
        assert!(assign_role(&sys, Role::CouncilMember).is_err());
    }

    #[test]
    fn every_role_against_every_permission() {
        let c = Uuid::now_v7();
        let sys = actor(Role::SystemAdmin, None);
        let admin = actor(Role::CenterAdmin, Some(c));
        let sup = actor(Role::Supervisor, Some(c));
        let con = actor(Role::Consultant, Some(c));
        let app = client(c);
        use Permission as P;
        let rows: &[(P, [&str; 5])] = &[
            // system admin, center admin, supervisor, consultant, API client
            (
                P::CaseWork,
                [
                    "center_staff_only",
                    "insufficient_role",
                    "center",
                    "center",
                    "center",
                ],
            ),
            (
                P::Supervise,
                [
                    "center_staff_only",
                    "insufficient_role",
                    "center",
                    "insufficient_role",
                    "insufficient_role",
                ],
            ),
            (
                P::MergePatients,
                [
                    "center_staff_only",
                    "insufficient_role",
                    "center",
                    "insufficient_role",
                    "insufficient_role",
                ],
            ),
            (
                P::ReadReports,
                ["all", "center", "center", "insufficient_role", "center"],
            ),
            (
                P::ReadAuditTrail,
                ["all", "center", "center", "insufficient_role", "center"],
            ),
            (
                P::ReadAgencies,
                ["center_staff_only", "center", "center", "center", "center"],
            ),
            (
                P::ManageAgencies,
                [
                    "center_staff_only",
                    "center",
                    "insufficient_role",
                    "insufficient_role",
                    "insufficient_role",
                ],
            ),
            (
                P::ManageIntegrations,
                [
                    "center_staff_only",
                    "center",
                    "insufficient_role",
                    "insufficient_role",
                    "insufficient_role",
                ],
            ),
            (
                P::ManageCenters,
                [
                    "all",
                    "insufficient_role",
                    "insufficient_role",
                    "insufficient_role",
                    "insufficient_role",
                ],
            ),
            (
                P::ReadStaff,
                ["all", "center", "center", "center", "center"],
            ),
            (
                P::ManageStaff,
                [
                    "all",
                    "center",
                    "insufficient_role",
                    "insufficient_role",
                    "insufficient_role",
                ],
            ),
        ];
        for (p, expected) in rows {
            let got = [&sys, &admin, &sup, &con, &app].map(|a| code(permit(a, *p)));
            assert_eq!(&got, expected, "{p:?}");
        }
        // Typed patient searches in the audit trail: only who sees patients.
        let audit_only = Actor {
            scopes: Some(vec!["audit:read".into()]),
            ..actor(Role::Supervisor, Some(c))
        };
        assert_eq!(
            [&sys, &admin, &sup, &con, &app, &audit_only].map(may_read_patient_searches),
            [false, false, true, true, true, false]
        );
    }

    #[test]
    fn reach_is_the_callers_own_center() {
        let c = Uuid::now_v7();
        let con = actor(Role::Consultant, Some(c));
        assert_eq!(
            permit(&con, Permission::CaseWork).unwrap(),
            Reach::Center(c)
        );
        assert_eq!(permit_in_center(&con, Permission::CaseWork).unwrap(), c);
        let sys = actor(Role::SystemAdmin, None);
        assert!(permit_in_center(&sys, Permission::ReadReports).is_err());
    }

    #[test]
    fn only_a_supervisor_lowers_a_level_or_acts_for_a_colleague() {
        let c = Some(Uuid::now_v7());
        assert!(lower_level(&actor(Role::Supervisor, c)).is_ok());
        assert!(act_for_colleague(&actor(Role::Supervisor, c)).is_ok());
        for a in [actor(Role::Consultant, c), actor(Role::CenterAdmin, c)] {
            assert!(matches!(
                lower_level(&a),
                Err(DomainError::Forbidden {
                    code: "lowering_requires_supervisor",
                    ..
                })
            ));
            assert!(matches!(
                act_for_colleague(&a),
                Err(DomainError::Forbidden {
                    code: "supervisor_only",
                    ..
                })
            ));
        }
    }

    #[test]
    fn four_eyes_on_reviews() {
        let sup = actor(Role::Supervisor, Some(Uuid::now_v7()));
        let other = Uuid::now_v7();
        assert!(review(&sup, other, other, &[other]).is_ok());
        for (consultant, creator, recorders) in [
            (sup.user_id, other, vec![]),
            (other, sup.user_id, vec![]),
            (other, other, vec![other, sup.user_id]),
        ] {
            assert!(matches!(
                review(&sup, consultant, creator, &recorders),
                Err(DomainError::Forbidden {
                    code: "four_eyes",
                    ..
                })
            ));
        }
    }

    #[test]
    fn a_self_reliance_worker_has_a_consultants_reach() {
        let c = Uuid::now_v7();
        let con = actor(Role::Consultant, Some(c));
        let srw = actor(Role::SelfRelianceWorker, Some(c));
        for p in [
            Permission::CaseWork,
            Permission::Supervise,
            Permission::ReadReports,
            Permission::ReadAuditTrail,
            Permission::ReadAgencies,
            Permission::ManageAgencies,
            Permission::ManageIntegrations,
            Permission::ManageCenters,
            Permission::ReadStaff,
            Permission::ManageStaff,
        ] {
            assert_eq!(code(permit(&srw, p)), code(permit(&con, p)), "{p:?}");
        }
        assert!(can_do_case_work(Role::SelfRelianceWorker));
        assert!(lower_level(&srw).is_err());
    }

    #[test]
    fn four_eyes_on_support_plans() {
        let sup = actor(Role::Supervisor, Some(Uuid::now_v7()));
        let other = Uuid::now_v7();
        assert!(review_plan(&sup, other, Some(other)).is_ok());
        assert!(review_plan(&sup, other, None).is_ok());
        for (author, submitter) in [(sup.user_id, None), (other, Some(sup.user_id))] {
            assert!(matches!(
                review_plan(&sup, author, submitter),
                Err(DomainError::Forbidden {
                    code: "four_eyes",
                    ..
                })
            ));
        }
    }

    #[test]
    fn shoman_work_only_where_the_center_runs_it() {
        let now = chrono::Utc::now();
        let mut center = Center {
            id: Uuid::now_v7(),
            code: "c".into(),
            name: "c".into(),
            prefecture_code: "34".into(),
            operating_type: crate::values::OperatingType::Other,
            follow_up_days: 14,
            escalation_days: 7,
            sample_percent: 10,
            totp_roles: vec![],
            programs: vec![Program::Nanbyo],
            child_assent_age: crate::values::DEFAULT_CHILD_ASSENT_AGE,
            administration_id: None,
            active: true,
            version: 1,
            created_at: now,
            updated_at: now,
        };
        assert!(matches!(
            program_offered(&center, Program::Shoman),
            Err(DomainError::Forbidden {
                code: "program_not_offered",
                ..
            })
        ));
        center.programs = vec![Program::Nanbyo, Program::Shoman];
        assert!(program_offered(&center, Program::Shoman).is_ok());
    }

    #[test]
    fn optional_projects_are_read_and_written_like_support_plans() {
        let c = Uuid::now_v7();
        for (role, allowed) in [
            (Role::SelfRelianceWorker, true),
            (Role::Consultant, true),
            (Role::Supervisor, true),
            (Role::CenterAdmin, false),
        ] {
            for write in [false, true] {
                let got = shoman_projects(&actor(role, Some(c)), write);
                assert_eq!(got.is_ok(), allowed, "{role:?} write={write}");
                assert_eq!(
                    got.is_ok(),
                    permit_in_center(&actor(role, Some(c)), Permission::CaseWork).is_ok()
                );
            }
        }
        assert!(matches!(
            shoman_projects(&actor(Role::SystemAdmin, None), false),
            Err(DomainError::Forbidden {
                code: "center_staff_only",
                ..
            })
        ));
    }

    #[test]
    fn who_records_outreach_trainings_and_events() {
        let c = Uuid::now_v7();
        let admin = actor(Role::CenterAdmin, Some(c));
        let sup = actor(Role::Supervisor, Some(c));
        let con = actor(Role::Consultant, Some(c));
        let srw = actor(Role::SelfRelianceWorker, Some(c));
        let sys = actor(Role::SystemAdmin, None);
        for a in [&admin, &sup, &con, &srw] {
            assert_eq!(outreach(a).unwrap(), c);
            assert_eq!(trainings(a, a.user_id).unwrap(), c);
        }
        let colleague = Uuid::now_v7();
        assert!(trainings(&sup, colleague).is_ok());
        assert!(trainings(&admin, colleague).is_ok());
        for a in [&con, &srw] {
            assert!(matches!(
                trainings(a, colleague),
                Err(DomainError::Forbidden {
                    code: "supervisor_only",
                    ..
                })
            ));
        }
        assert!(events(&con).is_ok());
        assert!(events(&srw).is_ok());
        assert!(events(&sup).is_ok());
        assert!(matches!(
            events(&admin),
            Err(DomainError::Forbidden {
                code: "insufficient_role",
                ..
            })
        ));
        for r in [outreach(&sys), trainings(&sys, sys.user_id), events(&sys)] {
            assert!(matches!(
                r,
                Err(DomainError::Forbidden {
                    code: "center_staff_only",
                    ..
                })
            ));
        }
    }

    #[test]
    fn who_reaches_a_council() {
        use chrono::NaiveDate;
        let d = |m, day| NaiveDate::from_ymd_opt(2026, m, day).unwrap();
        let a = Uuid::now_v7();
        let council = Uuid::now_v7();
        let officer = Actor {
            administration_id: Some(a),
            ..actor(Role::MunicipalOfficer, None)
        };
        let none = |_| -> Result<Vec<Seat>, DomainError> { panic!("seats asked for") };
        let today = d(6, 1);
        fn ecode<T>(r: Result<T, DomainError>) -> &'static str {
            match r {
                Err(DomainError::Forbidden { code, .. }) => code,
                _ => "other",
            }
        }
        assert_eq!(
            council_reach(&officer, true, today, none).unwrap(),
            CouncilReach::Region(RegionReach::Administration(a))
        );
        let sys = actor(Role::SystemAdmin, None);
        assert!(
            council_reach(&sys, false, today, none)
                .unwrap()
                .covers(a, council)
        );
        assert_eq!(
            ecode(council_reach(&sys, true, today, none)),
            "insufficient_role"
        );
        let staff = actor(Role::Consultant, Some(Uuid::now_v7()));
        assert_eq!(
            ecode(council_reach(&staff, false, today, none)),
            "insufficient_role"
        );

        let member = actor(Role::CouncilMember, None);
        let seat = Seat {
            council_id: council,
            term_start: d(4, 1),
            term_end: d(12, 31),
            pledged: true,
        };
        let r = council_reach(&member, false, today, |_| Ok(vec![seat])).unwrap();
        assert!(r.covers(a, council));
        assert!(!r.covers(a, Uuid::now_v7()));
        assert_eq!(
            ecode(council_reach(&member, true, today, |_| Ok(vec![seat]))),
            "insufficient_role"
        );
        let unpledged = Seat {
            pledged: false,
            ..seat
        };
        assert_eq!(
            ecode(council_reach(&member, false, today, |_| Ok(vec![
                unpledged
            ]))),
            "pledge_required"
        );
        // Out of term: the seat gives nothing (and needs no pledge).
        for day in [d(3, 31), NaiveDate::from_ymd_opt(2027, 1, 1).unwrap()] {
            let r = council_reach(&member, false, day, |_| Ok(vec![unpledged])).unwrap();
            assert!(!r.covers(a, council));
        }
        assert!(pledge(&member).is_ok());
        assert!(pledge(&officer).is_err());
        assert!(second_factor_required(Role::CouncilMember, false));
        assert!(!second_factor_required(Role::MunicipalOfficer, false));
        assert!(second_factor_required(Role::Consultant, true));
    }

    #[test]
    fn a_required_second_factor_comes_first() {
        let mut a = actor(Role::Supervisor, Some(Uuid::now_v7()));
        assert!(second_factor_in_place(&a).is_ok());
        a.must_enroll_totp = true;
        assert!(matches!(
            second_factor_in_place(&a),
            Err(DomainError::Forbidden {
                code: "totp_enrollment_required",
                ..
            })
        ));
    }

    #[test]
    fn a_password_set_by_an_administrator_is_changed_first() {
        let c = Some(Uuid::now_v7());
        let mut a = actor(Role::Consultant, c);
        assert!(password_changed(&a).is_ok());
        a.must_change_password = true;
        assert!(matches!(
            password_changed(&a),
            Err(DomainError::Forbidden {
                code: "password_change_required",
                ..
            })
        ));
        // An API client has no password to change.
        let app = Actor {
            must_change_password: true,
            ..client(Uuid::now_v7())
        };
        assert!(password_changed(&app).is_ok());
    }

    #[test]
    fn who_resets_a_second_factor() {
        let c = Uuid::now_v7();
        let sys = actor(Role::SystemAdmin, None);
        let admin = actor(Role::CenterAdmin, Some(c));
        let someone = Uuid::now_v7();
        assert_eq!(reset_second_factor(&sys, someone).unwrap(), Reach::All);
        assert_eq!(
            reset_second_factor(&admin, someone).unwrap(),
            Reach::Center(c)
        );
        for a in [
            actor(Role::Supervisor, Some(c)),
            actor(Role::Consultant, Some(c)),
            actor(Role::PeerSupporter, Some(c)),
            client(c),
        ] {
            assert_eq!(code(reset_second_factor(&a, someone)), "insufficient_role");
        }
        for a in [&sys, &admin] {
            assert_eq!(
                code(reset_second_factor(a, a.user_id)),
                "cannot_change_self"
            );
        }
        for r in [
            Role::Supervisor,
            Role::Consultant,
            Role::SelfRelianceWorker,
            Role::PeerSupporter,
        ] {
            assert!(reset_second_factor_of(&admin, r).is_ok(), "{r:?}");
            assert!(reset_second_factor_of(&sys, r).is_ok(), "{r:?}");
        }
        assert!(reset_second_factor_of(&sys, Role::CenterAdmin).is_ok());
        assert!(reset_second_factor_of(&admin, Role::CenterAdmin).is_err());
        assert!(reset_second_factor_of(&admin, Role::SystemAdmin).is_err());
    }

    #[test]
    fn centers_and_staff() {
        let c = Uuid::now_v7();
        let elsewhere = Uuid::now_v7();
        let admin = actor(Role::CenterAdmin, Some(c));
        assert!(may_see_center(&admin, c));
        assert!(!may_see_center(&admin, elsewhere));
        assert!(may_see_center(&actor(Role::SystemAdmin, None), elsewhere));
        assert!(update_center(&admin, c, true).is_ok());
        assert!(update_center(&admin, c, false).is_err());
        assert!(matches!(
            update_center(&admin, elsewhere, true),
            Err(DomainError::NotFound)
        ));
        assert!(update_center(&actor(Role::Supervisor, Some(c)), c, true).is_err());
        assert!(assign_role(&admin, Role::SystemAdmin).is_err());
        assert!(assign_role(&admin, Role::Supervisor).is_ok());
        let con = actor(Role::Consultant, Some(c));
        assert_eq!(
            update_staff(&con, con.user_id, false).unwrap(),
            Reach::Center(c)
        );
        assert!(update_staff(&con, con.user_id, true).is_err());
        assert!(update_staff(&con, Uuid::now_v7(), false).is_err());
        assert_eq!(
            update_staff(&admin, Uuid::now_v7(), true).unwrap(),
            Reach::Center(c)
        );
    }
    #[test]
    fn a_peer_supporter_reaches_assigned_patients_and_nothing_else_of_a_case() {
        let c = Uuid::now_v7();
        let peer = actor(Role::PeerSupporter, Some(c));
        let con = actor(Role::Consultant, Some(c));
        let admin = actor(Role::CenterAdmin, Some(c));
        let sup = actor(Role::Supervisor, Some(c));
        // Consents, referrals, follow-ups and supervision all ask for case work.
        assert_eq!(
            code(permit(&peer, Permission::CaseWork)),
            "insufficient_role"
        );
        assert_eq!(
            code(permit(&peer, Permission::Supervise)),
            "insufficient_role"
        );
        assert_eq!(
            code(permit(&peer, Permission::ReadReports)),
            "insufficient_role"
        );
        assert_eq!(
            patient_reach(&peer).unwrap(),
            PatientReach::Assigned {
                center: c,
                supporter: peer.user_id
            }
        );
        assert_eq!(patient_reach(&con).unwrap(), PatientReach::Center(c));
        assert!(patient_reach(&admin).is_err());
        assert!(patient_reach(&actor(Role::SystemAdmin, None)).is_err());

        let me = peer.user_id;
        let other = Uuid::now_v7();
        let patient = Some(Uuid::now_v7());
        assert!(peer_sees_consultation(me, patient, other, true));
        assert!(!peer_sees_consultation(me, patient, me, false));
        assert!(peer_sees_consultation(me, None, me, false));
        assert!(!peer_sees_consultation(me, None, other, false));

        let reach = patient_reach(&peer).unwrap();
        assert!(peer_edits_consultation(reach, me).is_ok());
        assert!(peer_edits_consultation(reach, other).is_err());
        assert!(peer_edits_consultation(PatientReach::Center(c), other).is_ok());

        assert!(assign_peer_supporters(&sup).is_ok());
        assert!(assign_peer_supporters(&con).is_err());
        assert!(assign_peer_supporters(&peer).is_err());
        assert_eq!(peer_support_report(&peer).unwrap(), (c, Some(me)));
        assert_eq!(peer_support_report(&sup).unwrap(), (c, None));
        assert!(peer_support_report(&con).is_err());
        assert!(peer_support_report(&actor(Role::SystemAdmin, None)).is_err());
    }
}
