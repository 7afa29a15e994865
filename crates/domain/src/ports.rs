//! The ports the domain needs from persistence. The store crate implements [`Store`] for
//! SQLite and PostgreSQL; every method that changes data writes the given audit event in the
//! same transaction, so a change without its event (or an event without its change) cannot be
//! committed.

use crate::DomainError;
use crate::audit::{AuditDraft, AuditEvent};
use crate::entities::{
    Actor, Agency, CaseHistory, Center, Consent, Consultation, FollowUp, FollowUpView, LevelChange,
    LoginThrottle, Patient, PatientLabel, Provision, QueueRow, Referral, Review, Session, User,
    UserCredentials,
};
use crate::page::{Page, PageRequest};
use crate::platform::{
    ApiClient, AttemptResult, ClientCredentials, Delivery, DeliveryJob, Webhook,
};
use crate::reports::model::{DimCount, OutcomeCount, Period, ReferralCount, ReportScope};
use crate::values::{
    AgencyType, OperatingType, ReferralStatus, ReviewState, Role, SupportAwareness,
};
use chrono::{DateTime, NaiveDate, Utc};
use uuid::Uuid;

pub type StoreResult<T> = Result<T, DomainError>;

/// Which centers' records a query may see. Handing the store a scope (rather than filtering
/// afterwards) keeps other centers' rows out of every result, count and 404.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Scope {
    /// The installation: only ever given for a `system_admin`'s non-patient records.
    All,
    Center(Uuid),
}

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct CenterChanges {
    pub name: Option<String>,
    pub prefecture_code: Option<String>,
    pub operating_type: Option<OperatingType>,
    pub follow_up_days: Option<i32>,
    pub escalation_days: Option<i32>,
    pub sample_percent: Option<i32>,
    pub totp_roles: Option<Vec<Role>>,
    pub active: Option<bool>,
}

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct UserChanges {
    pub display_name: Option<String>,
    pub role: Option<Role>,
    pub active: Option<bool>,
    pub password_hash: Option<String>,
}

impl UserChanges {
    /// Changes after which tokens already issued must stop working at once.
    pub fn ends_sessions(&self) -> bool {
        self.role.is_some() || self.active == Some(false) || self.password_hash.is_some()
    }
}

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct AgencyChanges {
    pub agency_type: Option<AgencyType>,
    pub name: Option<String>,
    pub phone: Option<Option<String>>,
    pub address: Option<Option<String>>,
    pub notes: Option<Option<String>>,
    pub active: Option<bool>,
}

/// Which audit events to list. `center` is `None` only for the system administrator.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct AuditFilter {
    pub center: Option<Uuid>,
    pub patient_id: Option<Uuid>,
    pub actor_id: Option<Uuid>,
    /// An exact action (`patient.read`) or a prefix ending in a dot (`patient.`).
    pub action: Option<String>,
    pub from: Option<DateTime<Utc>>,
    pub to: Option<DateTime<Utc>>,
    /// Newest first: events with `seq` below this.
    pub before_seq: Option<i64>,
}

/// A name search, already folded (see [`crate::kana::fold`]) and split into index grams.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PatientQuery {
    pub folded: String,
    pub grams: Vec<String>,
}

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ConsultationFilter {
    pub patient_id: Option<Uuid>,
    pub consultant_id: Option<Uuid>,
    /// Occurred at or after.
    pub from: Option<DateTime<Utc>>,
    /// Occurred before.
    pub to: Option<DateTime<Utc>>,
}

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ReferralFilter {
    pub patient_id: Option<Uuid>,
    pub agency_id: Option<Uuid>,
    pub consultant_id: Option<Uuid>,
    pub status: Option<ReferralStatus>,
    pub review_state: Option<ReviewState>,
}

/// Which follow-ups a queue shows. `Open` is due and overdue together, overdue first;
/// `All` is every follow-up including done and cancelled ones, by due date.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FollowUpState {
    All,
    Open,
    Due,
    Overdue,
    Done,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FollowUpFilter {
    pub state: FollowUpState,
    pub assignee: Option<Uuid>,
    pub referral_id: Option<Uuid>,
    pub patient_id: Option<Uuid>,
    /// Today in Asia/Tokyo: what separates due from overdue.
    pub today: NaiveDate,
    /// Only those due before this day (escalation).
    pub due_before: Option<NaiveDate>,
}

/// What a referral's creation or change writes besides the referral row, in the same
/// transaction: its level history, the record of data provided, a scheduled follow-up,
/// and (on closing) the cancellation of follow-ups still open.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ReferralEffects {
    pub level_change: Option<LevelChange>,
    /// The store re-checks, inside the transaction, that the named consent is still in force.
    pub provision: Option<Provision>,
    pub follow_up: Option<FollowUp>,
    pub cancel_open_follow_ups_on: Option<NaiveDate>,
}

/// A stored answer to a creating request, replayed for a retry with the same key.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StoredResponse {
    pub status: u16,
    pub content_type: Option<String>,
    pub location: Option<String>,
    pub etag: Option<String>,
    pub body: String,
}

/// What a request with an `Idempotency-Key` finds.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum IdempotencyBegin {
    /// First use of the key: go ahead, then store the answer.
    Started,
    /// The same request was answered already: send this again.
    Replay(StoredResponse),
    /// The same key is being answered right now.
    InProgress,
    /// The key was used for a different request.
    Mismatch,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum RefreshOutcome {
    /// The old token is spent and the new one stored.
    Rotated { user_id: Uuid, session_id: Uuid },
    /// The token was already spent: someone replayed it, so the whole session was revoked.
    Reused,
    /// Unknown token, or its session is over.
    Invalid,
}

pub trait Store: Send + Sync {
    /// A cheap round trip, for `/readyz`.
    fn ping(&self) -> StoreResult<()>;

    // --- the audit trail -------------------------------------------------------------
    /// Appends events that go with no other change (reads, denials, failed sign-ins).
    fn append_audit(&self, events: &[AuditDraft]) -> StoreResult<()>;
    /// Events with `seq > after_seq` in chain order, for verification.
    fn audit_chain(&self, after_seq: i64, limit: i64) -> StoreResult<Vec<AuditEvent>>;
    /// Events matching the filter, newest first, at most `limit`.
    fn audit_events(&self, filter: &AuditFilter, limit: i64) -> StoreResult<Vec<AuditEvent>>;

    // --- sign-in ---------------------------------------------------------------------
    fn count_users_with_role(&self, role: Role) -> StoreResult<i64>;
    fn credentials_by_login(&self, login: &str) -> StoreResult<Option<UserCredentials>>;
    fn login_throttle(&self, login: &str) -> StoreResult<Option<LoginThrottle>>;
    /// Stores the throttle state after a failure, with the failure's audit event.
    fn record_login_failure(&self, throttle: &LoginThrottle, audit: &AuditDraft)
    -> StoreResult<()>;
    /// Starts a session with its first refresh token and clears the login's failures.
    fn start_session(
        &self,
        session: &Session,
        refresh_hash: &str,
        login: &str,
        audit: &AuditDraft,
    ) -> StoreResult<()>;
    /// Spends `old_hash` and stores `new_hash` in its place, or detects reuse. The store fills
    /// in the audit event's actor and outcome.
    fn rotate_refresh_token(
        &self,
        old_hash: &str,
        new_hash: &str,
        now: DateTime<Utc>,
        audit: AuditDraft,
    ) -> StoreResult<RefreshOutcome>;
    fn revoke_session(
        &self,
        session_id: Uuid,
        now: DateTime<Utc>,
        audit: &AuditDraft,
    ) -> StoreResult<()>;
    /// The actor behind a token, if its session is live, the user active and the center open.
    fn principal(
        &self,
        session_id: Uuid,
        user_id: Uuid,
        now: DateTime<Utc>,
    ) -> StoreResult<Option<Actor>>;

    // --- safe retries ------------------------------------------------------------------
    /// Claims `(caller, key)` for a request (keys older than `expired_before` are forgotten).
    fn idempotency_begin(
        &self,
        caller: &str,
        key: &str,
        request_hash: &str,
        now: DateTime<Utc>,
        expired_before: DateTime<Utc>,
    ) -> StoreResult<IdempotencyBegin>;
    fn idempotency_finish(
        &self,
        caller: &str,
        key: &str,
        response: &StoredResponse,
    ) -> StoreResult<()>;
    /// Forgets a claimed key whose request failed on the server's side, so it can be retried.
    fn idempotency_abandon(&self, caller: &str, key: &str) -> StoreResult<()>;

    // --- two-factor sign-in ---------------------------------------------------------
    /// Stores a new secret for a user who has not enabled TOTP yet (409 otherwise).
    fn start_totp(&self, user_id: Uuid, secret: &str, audit: &AuditDraft) -> StoreResult<()>;
    /// (secret, enabled, last accepted step).
    fn totp_state(&self, user_id: Uuid) -> StoreResult<(Option<String>, bool, i64)>;
    /// Enables TOTP and replaces the recovery codes (stored as hashes).
    fn enable_totp(
        &self,
        user_id: Uuid,
        step: i64,
        recovery_hashes: &[String],
        audit: &AuditDraft,
    ) -> StoreResult<()>;
    /// Accepts a code's step if it is newer than the last one accepted (a code is good once).
    fn use_totp_step(&self, user_id: Uuid, step: i64) -> StoreResult<bool>;
    /// Spends a recovery code; false if unknown or spent.
    fn use_recovery_code(&self, user_id: Uuid, hash: &str, now: DateTime<Utc>)
    -> StoreResult<bool>;

    // --- centers ---------------------------------------------------------------------
    fn insert_center(&self, center: &Center, audit: &AuditDraft) -> StoreResult<()>;
    fn center(&self, id: Uuid) -> StoreResult<Option<Center>>;
    fn centers(&self, page: PageRequest) -> StoreResult<Page<Center>>;
    fn update_center(
        &self,
        id: Uuid,
        expected_version: i32,
        changes: &CenterChanges,
        now: DateTime<Utc>,
        audit: &AuditDraft,
    ) -> StoreResult<Center>;

    // --- users -----------------------------------------------------------------------
    fn insert_user(&self, user: &User, password_hash: &str, audit: &AuditDraft) -> StoreResult<()>;
    fn user(&self, scope: Scope, id: Uuid) -> StoreResult<Option<User>>;
    fn users(&self, scope: Scope, page: PageRequest) -> StoreResult<Page<User>>;
    /// Applies the changes if the version still matches; revokes the user's sessions when
    /// [`UserChanges::ends_sessions`].
    fn update_user(
        &self,
        scope: Scope,
        id: Uuid,
        expected_version: i32,
        changes: &UserChanges,
        now: DateTime<Utc>,
        audit: &AuditDraft,
    ) -> StoreResult<User>;

    // --- agencies --------------------------------------------------------------------
    fn insert_agency(&self, agency: &Agency, audit: &AuditDraft) -> StoreResult<()>;
    fn agency(&self, scope: Scope, id: Uuid) -> StoreResult<Option<Agency>>;
    fn agencies(
        &self,
        scope: Scope,
        agency_type: Option<AgencyType>,
        page: PageRequest,
    ) -> StoreResult<Page<Agency>>;
    fn update_agency(
        &self,
        scope: Scope,
        id: Uuid,
        expected_version: i32,
        changes: &AgencyChanges,
        now: DateTime<Utc>,
        audit: &AuditDraft,
    ) -> StoreResult<Agency>;

    // --- patients --------------------------------------------------------------------
    // Case records are only ever a center's: these take the center, never a `Scope::All`.

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
    /// Patients in id order; with a query, those whose names or readings contain it.
    fn patients(
        &self,
        center: Uuid,
        query: Option<&PatientQuery>,
        page: PageRequest,
    ) -> StoreResult<Page<Patient>>;
    /// Writes the whole record if its version is still `expected_version`, and rebuilds its
    /// search grams.
    fn save_patient(
        &self,
        patient: &Patient,
        expected_version: i32,
        audit: &AuditDraft,
    ) -> StoreResult<Patient>;

    // --- consents --------------------------------------------------------------------
    fn insert_consent(&self, consent: &Consent, audit: &AuditDraft) -> StoreResult<()>;
    fn consent(&self, center: Uuid, id: Uuid) -> StoreResult<Option<Consent>>;
    /// A patient's consents, oldest first (the history is never rewritten).
    fn consents(&self, center: Uuid, patient_id: Uuid) -> StoreResult<Vec<Consent>>;
    fn save_consent(
        &self,
        consent: &Consent,
        expected_version: i32,
        audit: &AuditDraft,
    ) -> StoreResult<Consent>;

    // --- consultations ---------------------------------------------------------------
    /// Returns the stored `updated_at` (see [`Store::insert_referral`]).
    fn insert_consultation(
        &self,
        c: &Consultation,
        audit: &AuditDraft,
    ) -> StoreResult<DateTime<Utc>>;
    fn consultation(&self, center: Uuid, id: Uuid) -> StoreResult<Option<Consultation>>;
    /// Newest first.
    fn consultations(
        &self,
        center: Uuid,
        filter: &ConsultationFilter,
        page: PageRequest,
    ) -> StoreResult<Page<Consultation>>;
    fn save_consultation(
        &self,
        c: &Consultation,
        expected_version: i32,
        audit: &AuditDraft,
    ) -> StoreResult<Consultation>;

    // --- referrals -------------------------------------------------------------------
    /// Returns the stored `updated_at`: writes to case records take it from a clock that
    /// follows commit order (never earlier than the record's own), for incremental sync.
    fn insert_referral(
        &self,
        r: &Referral,
        effects: &ReferralEffects,
        audit: &[AuditDraft],
    ) -> StoreResult<DateTime<Utc>>;
    fn referral(&self, center: Uuid, id: Uuid) -> StoreResult<Option<Referral>>;
    /// Newest referral date first.
    fn referrals(
        &self,
        center: Uuid,
        filter: &ReferralFilter,
        page: PageRequest,
    ) -> StoreResult<Page<Referral>>;
    fn save_referral(
        &self,
        r: &Referral,
        expected_version: i32,
        effects: &ReferralEffects,
        audit: &[AuditDraft],
    ) -> StoreResult<Referral>;
    /// A referral's level history, oldest first.
    fn level_changes(&self, center: Uuid, referral_id: Uuid) -> StoreResult<Vec<LevelChange>>;
    /// The record of data provided to agencies about a patient, oldest first.
    fn provisions(&self, center: Uuid, patient_id: Uuid) -> StoreResult<Vec<Provision>>;

    // --- follow-ups ------------------------------------------------------------------
    /// Returns the stored `updated_at` (see [`Store::insert_referral`]).
    fn insert_follow_up(&self, f: &FollowUp, audit: &AuditDraft) -> StoreResult<DateTime<Utc>>;
    fn follow_up(&self, center: Uuid, id: Uuid) -> StoreResult<Option<FollowUpView>>;
    fn follow_ups(
        &self,
        center: Uuid,
        filter: &FollowUpFilter,
        page: PageRequest,
    ) -> StoreResult<Page<FollowUpView>>;
    /// Writes the follow-up if its version matches, and inserts `next` (the one it scheduled).
    /// With `review_pending`, its referral goes to review (`pending`) in the same transaction.
    fn save_follow_up(
        &self,
        f: &FollowUp,
        expected_version: i32,
        next: Option<&FollowUp>,
        review_pending: bool,
        audit: &[AuditDraft],
    ) -> StoreResult<FollowUp>;
    fn count_done_follow_ups(&self, center: Uuid, referral_id: Uuid) -> StoreResult<i64>;

    /// Everything on one patient's path, for the timeline.
    fn case_history(&self, center: Uuid, patient_id: Uuid) -> StoreResult<CaseHistory>;

    // --- reports (read from rollups kept by the writes above) --------------------------

    /// Every center the scope covers.
    fn report_centers(&self, scope: &ReportScope) -> StoreResult<Vec<Uuid>>;
    /// Referrals made in the period (inclusive dates) per center, agency type, purpose and
    /// current level.
    fn referral_counts(
        &self,
        scope: &ReportScope,
        from: NaiveDate,
        to: NaiveDate,
    ) -> StoreResult<Vec<ReferralCount>>;
    /// Consultations in the period per dimension and value (`total`, `channel`, `requester`,
    /// `topic`, `joint`, `anonymous`).
    fn consultation_dims(
        &self,
        scope: &ReportScope,
        from: NaiveDate,
        to: NaiveDate,
    ) -> StoreResult<Vec<DimCount>>;
    /// Consultations per Tokyo day with any.
    fn consultation_days(
        &self,
        scope: &ReportScope,
        from: NaiveDate,
        to: NaiveDate,
    ) -> StoreResult<Vec<(NaiveDate, i64)>>;
    /// Patients with at least one consultation in the period.
    fn consulted_patients(&self, scope: &ReportScope, period: &Period) -> StoreResult<i64>;
    /// Patients referred in the period per agency type and purpose, and those reaching the
    /// outcome.
    fn referral_outcomes(
        &self,
        scope: &ReportScope,
        period: &Period,
    ) -> StoreResult<Vec<OutcomeCount>>;
    /// Patients registered in `[from, to)` who were not working or seeking work, per awareness.
    fn support_awareness(
        &self,
        scope: &ReportScope,
        from: DateTime<Utc>,
        to: DateTime<Utc>,
    ) -> StoreResult<Vec<(SupportAwareness, i64)>>;

    // --- supervision -------------------------------------------------------------------

    /// Stores a review and moves its referral to `state` (its version too), if the referral
    /// is still at `expected_version`.
    fn insert_review(
        &self,
        review: &Review,
        state: ReviewState,
        expected_version: i32,
        audit: &AuditDraft,
    ) -> StoreResult<Referral>;
    /// A referral's reviews, oldest first.
    fn reviews(&self, center: Uuid, referral_id: Uuid) -> StoreResult<Vec<Review>>;
    /// Who recorded the referral's done follow-ups.
    fn follow_up_recorders(&self, center: Uuid, referral_id: Uuid) -> StoreResult<Vec<Uuid>>;
    /// What may need a supervisor's eye: open level-4 referrals, referrals pending review or
    /// returned, referrals with a follow-up open and due before `escalate_before`, and
    /// lower-level referrals not yet reviewed since `sample_since` whose id falls in the
    /// sample (`sample_percent`).
    fn queue_rows(
        &self,
        center: Uuid,
        escalate_before: NaiveDate,
        sample_since: NaiveDate,
        sample_percent: i32,
    ) -> StoreResult<Vec<QueueRow>>;
    /// Follow-up statistics per consultant or agency type for a period: see
    /// [`SummaryCounts`].
    fn summary_counts(
        &self,
        center: Uuid,
        from: NaiveDate,
        to: NaiveDate,
        today: NaiveDate,
    ) -> StoreResult<SummaryCounts>;

    // --- API clients -------------------------------------------------------------------

    fn insert_api_client(
        &self,
        client: &ApiClient,
        secret_hash: &str,
        audit: &AuditDraft,
    ) -> StoreResult<()>;
    fn api_client(&self, center: Uuid, id: Uuid) -> StoreResult<Option<ApiClient>>;
    fn api_clients(&self, center: Uuid, page: PageRequest) -> StoreResult<Page<ApiClient>>;
    /// Saves a client's name, scopes, revocation and secret state if it is still at
    /// `expected_version`; `secret` replaces the current secret's hash (the previous one then
    /// keeps working until `previous_secret_expires_at`).
    fn save_api_client(
        &self,
        client: &ApiClient,
        expected_version: i32,
        secret: Option<&SecretRotation>,
        audit: &AuditDraft,
    ) -> StoreResult<ApiClient>;
    /// What the token endpoint checks a client's secret against.
    fn client_credentials(&self, client_id: &str) -> StoreResult<Option<ClientCredentials>>;
    /// A client that may act now (not revoked, its center active); notes it as used at
    /// `now` (at most once a minute, so reads stay reads).
    fn active_client(&self, id: Uuid, now: DateTime<Utc>) -> StoreResult<Option<ApiClient>>;

    // --- webhooks ----------------------------------------------------------------------

    fn insert_webhook(&self, w: &Webhook, secret: &str, audit: &AuditDraft) -> StoreResult<()>;
    fn webhook(&self, center: Uuid, id: Uuid) -> StoreResult<Option<Webhook>>;
    fn webhooks(&self, center: Uuid, page: PageRequest) -> StoreResult<Page<Webhook>>;
    fn save_webhook(
        &self,
        w: &Webhook,
        expected_version: i32,
        audit: &AuditDraft,
    ) -> StoreResult<Webhook>;
    /// Removes a subscription and its pending deliveries (the delivery log goes with it).
    fn delete_webhook(&self, center: Uuid, id: Uuid, audit: &AuditDraft) -> StoreResult<()>;
    /// A subscription's deliveries, newest first.
    fn deliveries(
        &self,
        center: Uuid,
        webhook_id: Uuid,
        page: PageRequest,
    ) -> StoreResult<Page<Delivery>>;
    /// Leases up to `limit` deliveries that are due at `now` until `lease_until`, so that of
    /// several workers (replicas) exactly one sends each.
    fn claim_deliveries(
        &self,
        now: DateTime<Utc>,
        lease_until: DateTime<Utc>,
        limit: i64,
    ) -> StoreResult<Vec<DeliveryJob>>;
    /// Logs an attempt and moves the delivery on: delivered, retried at `next_attempt_at`,
    /// or given up (`next_attempt_at` `None` after a failure).
    fn finish_delivery(
        &self,
        delivery_id: Uuid,
        at: DateTime<Utc>,
        result: &AttemptResult,
        next_attempt_at: Option<DateTime<Utc>>,
    ) -> StoreResult<()>;
    /// Writes `follow_up.overdue` events for follow-ups that became overdue (due before
    /// `today`, not done or cancelled) in centers subscribed to it, each once; returns how
    /// many. At most `limit` per call.
    fn announce_overdue(
        &self,
        today: NaiveDate,
        now: DateTime<Utc>,
        limit: i64,
    ) -> StoreResult<usize>;
}

/// A client's new secret at a rotation.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SecretRotation {
    pub new_hash: String,
}

/// Raw counts behind the supervision summary; the domain turns them into rates and medians.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct SummaryCounts {
    /// (consultant, agency type, level, referrals made in the period).
    pub referrals: Vec<(Uuid, AgencyType, crate::values::Level, i64)>,
    /// (assignee, agency type, follow-ups due in the period (not cancelled), done on time).
    pub due: Vec<(Uuid, AgencyType, i64, i64)>,
    /// (assignee, agency type, open follow-ups overdue today).
    pub overdue: Vec<(Uuid, AgencyType, i64)>,
    /// (consultant, agency type, days from a referral in the period to its first done
    /// follow-up).
    pub first_follow_up_days: Vec<(Uuid, AgencyType, i64)>,
    /// (consultant, agency type, reviews returned in the period).
    pub returned: Vec<(Uuid, AgencyType, i64)>,
}
