//! What happened, typed. Every audit event names an [`Action`]; the audit record's `action`
//! string and the webhook a change announces are both derived from that one value, here,
//! so a renamed action can neither drift from the trail nor silently stop a public webhook
//! (`Action::webhook` is an exhaustive match: a new action must say whether it announces).

/// Declares the actions with their stored name and the kind of record they concern. The
/// stored names are part of the audit trail (and the `action` filter third parties use):
/// they never change.
macro_rules! actions {
    ($( $(#[$doc:meta])* $variant:ident = ($name:literal, $resource:literal) ),* $(,)?) => {
        /// Everything the audit trail records: changes, reads, sign-ins and refusals.
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
        pub enum Action {
            $( $(#[$doc])* $variant ),*
        }

        impl Action {
            pub const ALL: &'static [Action] = &[$(Action::$variant),*];

            /// The dotted name stored in the trail, e.g. `referral.create`.
            pub fn as_str(self) -> &'static str {
                match self {
                    $(Action::$variant => $name),*
                }
            }

            /// The kind of record the event's `resource_id` points at.
            pub fn resource_type(self) -> &'static str {
                match self {
                    $(Action::$variant => $resource),*
                }
            }
        }
    };
}

actions! {
    // sign-in and the second factor
    Login = ("auth.login", "session"),
    Refresh = ("auth.refresh", "session"),
    Logout = ("auth.logout", "session"),
    TotpStart = ("auth.totp_start", "user"),
    TotpEnable = ("auth.totp_enable", "user"),
    /// An administrator removed a staff member's two-factor enrolment (they enrol again).
    TotpReset = ("auth.totp_reset", "user"),
    /// A user changed their own password (refusals too: a wrong current password counts
    /// toward the login's lockout).
    PasswordChange = ("auth.password_change", "user"),
    // the installation, centers, staff and agencies
    UserBootstrap = ("user.bootstrap", "user"),
    UserCreate = ("user.create", "user"),
    UserRead = ("user.read", "user"),
    UserList = ("user.list", "user"),
    UserUpdate = ("user.update", "user"),
    CenterCreate = ("center.create", "center"),
    CenterRead = ("center.read", "center"),
    CenterList = ("center.list", "center"),
    CenterUpdate = ("center.update", "center"),
    // administrations (自治体) and their regional work
    AdministrationCreate = ("administration.create", "administration"),
    AdministrationRead = ("administration.read", "administration"),
    AdministrationList = ("administration.list", "administration"),
    AdministrationUpdate = ("administration.update", "administration"),
    /// An administration's aggregate figures across its centers (never a patient).
    AdministrationReport = ("administration.report", "administration"),
    // regional councils (地域協議会), their members, meetings and papers
    CouncilCreate = ("council.create", "council"),
    CouncilRead = ("council.read", "council"),
    CouncilList = ("council.list", "council"),
    CouncilUpdate = ("council.update", "council"),
    /// A council member's confidentiality pledge (守秘義務の誓約), on all their seats.
    CouncilPledge = ("council.pledge", "council_member"),
    CouncilMemberCreate = ("council_member.create", "council_member"),
    CouncilMemberRead = ("council_member.read", "council_member"),
    /// The members of one council.
    CouncilMemberList = ("council_member.list", "council"),
    CouncilMemberUpdate = ("council_member.update", "council_member"),
    /// A sign-in (role `council_member`) given to a member who is not staff.
    CouncilMemberAccount = ("council_member.account", "council_member"),
    MeetingCreate = ("meeting.create", "meeting"),
    MeetingRead = ("meeting.read", "meeting"),
    /// The meetings of one council.
    MeetingList = ("meeting.list", "council"),
    MeetingUpdate = ("meeting.update", "meeting"),
    MeetingAttachmentCreate = ("meeting_attachment.create", "meeting_attachment"),
    MeetingAttachmentRead = ("meeting_attachment.read", "meeting_attachment"),
    /// The papers of one meeting (names and sizes only).
    MeetingAttachmentList = ("meeting_attachment.list", "meeting"),
    MeetingAttachmentDelete = ("meeting_attachment.delete", "meeting_attachment"),
    AgencyCreate = ("agency.create", "agency"),
    AgencyRead = ("agency.read", "agency"),
    AgencyList = ("agency.list", "agency"),
    AgencyUpdate = ("agency.update", "agency"),
    /// Fictitious records written by `tsunagu demo-data`.
    DemoGenerate = ("demo.generate", "center"),
    /// Stored secrets sealed anew under the current data key (`tsunagu keys rotate`, or
    /// plaintext from an older version sealed on start).
    DataKeysReseal = ("data_keys.reseal", "data_key"),
    /// A copy of the whole database written by `tsunagu backup` (every record left it).
    DatabaseBackup = ("database.backup", "database"),
    /// The database put back from a backup by `tsunagu restore` (recorded in the restored
    /// trail, after the backup's last event).
    DatabaseRestore = ("database.restore", "database"),
    // the case
    PatientCreate = ("patient.create", "patient"),
    PatientRead = ("patient.read", "patient"),
    PatientSearch = ("patient.search", "patient"),
    PatientList = ("patient.list", "patient"),
    PatientTimeline = ("patient.timeline", "patient"),
    /// A patient's case exported as a FHIR R4 bundle (a read of every record in it).
    PatientFhir = ("patient.fhir", "patient"),
    /// Everything held about a patient, produced for disclosure to them (APPI
    /// 保有個人データの開示).
    PatientDisclosure = ("patient.disclosure", "patient"),
    /// A center's 台帳 uploaded for import (the file's kind, rows and encoding in the detail).
    ImportCreate = ("import.create", "import"),
    /// An import's problems, duplicates or state read.
    ImportRead = ("import.read", "import"),
    /// The error report (the file's rows with their problems) downloaded.
    ImportReport = ("import.report", "import"),
    /// An import's mapping, duplicate decisions or commit request changed.
    ImportUpdate = ("import.update", "import"),
    /// An import's records written (counts in the detail); each record has its own event.
    ImportCommit = ("import.commit", "import"),
    /// An import's check or commit could not finish; nothing of a failed commit was written.
    ImportFail = ("import.fail", "import"),
    /// A bulk export of the center's case data requested (its detail: format, kind, rows
    /// per kind).
    ExportCreate = ("export.create", "export"),
    /// A bulk export's state read (no personal data).
    ExportRead = ("export.read", "export"),
    /// A bulk export's file read: every record of its kinds (its detail: format, kind, rows
    /// per kind when the download began).
    ExportDownload = ("export.download", "export"),
    PatientUpdate = ("patient.update", "patient"),
    /// A patient registered twice merged into the record that stays: the event's resource
    /// is the merged record, its patient the survivor, and its detail names both and what
    /// moved.
    PatientMerge = ("patient.merge", "patient"),
    /// What a merge would move, read before confirming it (counts of the merged record's).
    PatientMergePreview = ("patient.merge_preview", "patient"),
    ConsentCreate = ("consent.create", "consent"),
    ConsentRead = ("consent.read", "consent"),
    ConsentList = ("consent.list", "consent"),
    ConsentUpdate = ("consent.update", "consent"),
    ConsentWithdraw = ("consent.withdraw", "consent"),
    ConsultationCreate = ("consultation.create", "consultation"),
    ConsultationRead = ("consultation.read", "consultation"),
    ConsultationList = ("consultation.list", "consultation"),
    ConsultationUpdate = ("consultation.update", "consultation"),
    ReferralCreate = ("referral.create", "referral"),
    ReferralRead = ("referral.read", "referral"),
    ReferralList = ("referral.list", "referral"),
    ReferralUpdate = ("referral.update", "referral"),
    ReferralLevelChange = ("referral.level_change", "referral"),
    ReferralClose = ("referral.close", "referral"),
    ReferralLevels = ("referral.levels", "referral"),
    /// Data passed to an agency under a consent (the record of provision).
    DataProvide = ("data.provide", "provision"),
    ProvisionList = ("provision.list", "provision"),
    FollowUpCreate = ("follow_up.create", "follow_up"),
    FollowUpSchedule = ("follow_up.schedule", "follow_up"),
    FollowUpRead = ("follow_up.read", "follow_up"),
    FollowUpList = ("follow_up.list", "follow_up"),
    /// The follow-ups of one referral.
    ReferralFollowUps = ("follow_up.list", "referral"),
    FollowUpUpdate = ("follow_up.update", "follow_up"),
    FollowUpRecord = ("follow_up.record", "follow_up"),
    // closing the loop with the agency: one-time links
    AgencyLinkCreate = ("agency_link.create", "agency_link"),
    AgencyLinkList = ("agency_link.list", "referral"),
    AgencyLinkRevoke = ("agency_link.revoke", "agency_link"),
    /// The agency officer opened the link (actor `agency`, the link's id).
    AgencyLinkView = ("agency_link.view", "agency_link"),
    /// The agency confirmed what happened through the link (actor `agency`).
    ReferralAgencyConfirm = ("referral.agency_confirm", "referral"),
    // supervision
    ReviewApprove = ("review.create", "referral"),
    ReviewReturn = ("review.create", "referral"),
    ReviewList = ("review.list", "referral"),
    AuditQueueRead = ("audit_queue.read", "referral"),
    NotificationList = ("notification.list", "notification"),
    SupervisionSummary = ("supervision.summary", "report"),
    AuditList = ("audit.list", "audit_event"),
    AuditExport = ("audit.export", "audit_event"),
    AuditVerify = ("audit.verify", "audit_event"),
    // 小慢 self-reliance support: support plans, their reviews and actions
    SupportPlanCreate = ("support_plan.create", "support_plan"),
    SupportPlanRead = ("support_plan.read", "support_plan"),
    SupportPlanList = ("support_plan.list", "support_plan"),
    SupportPlanUpdate = ("support_plan.update", "support_plan"),
    /// A draft submitted for a supervisor's review (its revision is kept as a version).
    SupportPlanSubmit = ("support_plan.submit", "support_plan"),
    SupportPlanVersions = ("support_plan.versions", "support_plan"),
    SupportPlanApprove = ("support_plan_review.create", "support_plan"),
    SupportPlanReturn = ("support_plan_review.create", "support_plan"),
    SupportPlanReviewList = ("support_plan_review.list", "support_plan"),
    SupportPlanActionCreate = ("support_plan_action.create", "support_plan_action"),
    SupportPlanActionRead = ("support_plan_action.read", "support_plan_action"),
    /// The actions of one support plan.
    SupportPlanActionList = ("support_plan_action.list", "support_plan"),
    SupportPlanActionUpdate = ("support_plan_action.update", "support_plan_action"),
    /// The 移行期 list: 小慢 children approaching the end of the program.
    TransitionList = ("transition.list", "patient"),
    // 小慢 liaison with schools, employers and agencies
    LiaisonContactCreate = ("liaison_contact.create", "liaison_contact"),
    LiaisonContactRead = ("liaison_contact.read", "liaison_contact"),
    LiaisonContactList = ("liaison_contact.list", "liaison_contact"),
    LiaisonContactUpdate = ("liaison_contact.update", "liaison_contact"),
    /// A child's data passed to a school or employer on a liaison contact (第三者提供).
    LiaisonProvide = ("data.provide", "liaison_provision"),
    // 小慢 optional projects (任意事業), their sessions and the needs register
    ProjectCreate = ("project.create", "project"),
    ProjectRead = ("project.read", "project"),
    ProjectList = ("project.list", "project"),
    ProjectUpdate = ("project.update", "project"),
    /// One event per named participant (each naming the patient), or one naming none.
    ProjectSessionCreate = ("project_session.create", "project_session"),
    ProjectSessionRead = ("project_session.read", "project_session"),
    /// The sessions of one project.
    ProjectSessionList = ("project_session.list", "project"),
    ProjectSessionUpdate = ("project_session.update", "project_session"),
    NeedCreate = ("need.create", "need"),
    NeedRead = ("need.read", "need"),
    NeedList = ("need.list", "need"),
    NeedUpdate = ("need.update", "need"),
    // the center's other work: outreach (周知), staff training (研修), events
    OutreachCreate = ("outreach_activity.create", "outreach_activity"),
    OutreachRead = ("outreach_activity.read", "outreach_activity"),
    OutreachList = ("outreach_activity.list", "outreach_activity"),
    OutreachUpdate = ("outreach_activity.update", "outreach_activity"),
    TrainingCreate = ("training.create", "training"),
    TrainingRead = ("training.read", "training"),
    TrainingList = ("training.list", "training"),
    TrainingUpdate = ("training.update", "training"),
    /// One event per named attendee (each naming the patient), or one naming none.
    EventCreate = ("event.create", "event"),
    EventRead = ("event.read", "event"),
    EventList = ("event.list", "event"),
    EventUpdate = ("event.update", "event"),
    /// A patient named at an event (the event is the resource, the patient is named).
    EventAttendeeAdd = ("event_attendee.create", "event"),
    EventAttendeeList = ("event_attendee.list", "event"),
    EventAttendeeRemove = ("event_attendee.delete", "event"),
    // peer supporters (ピア・サポーター) and the patients assigned to them
    PeerAssignmentCreate = ("peer_assignment.create", "peer_assignment"),
    PeerAssignmentList = ("peer_assignment.list", "peer_assignment"),
    PeerAssignmentEnd = ("peer_assignment.end", "peer_assignment"),
    // 出張相談 with the Hello Work 難病患者就職サポーター: schedules, sessions, booked slots
    SupporterScheduleCreate = ("supporter_schedule.create", "supporter_schedule"),
    SupporterScheduleRead = ("supporter_schedule.read", "supporter_schedule"),
    SupporterScheduleList = ("supporter_schedule.list", "supporter_schedule"),
    SupporterScheduleUpdate = ("supporter_schedule.update", "supporter_schedule"),
    SupporterSessionCreate = ("supporter_session.create", "supporter_session"),
    SupporterSessionRead = ("supporter_session.read", "supporter_session"),
    SupporterSessionList = ("supporter_session.list", "supporter_session"),
    SupporterSessionUpdate = ("supporter_session.update", "supporter_session"),
    /// A session's slots with the patients booked (one event naming each).
    SupporterSlotList = ("supporter_slot.list", "supporter_session"),
    /// A patient booked into a slot (the booking is the resource, the patient is named).
    SupporterBookingCreate = ("supporter_booking.create", "supporter_booking"),
    SupporterBookingRead = ("supporter_booking.read", "supporter_booking"),
    SupporterBookingUpdate = ("supporter_booking.update", "supporter_booking"),
    // reports
    ReportReferralLevels = ("report.referral_levels", "report"),
    ReportCooperationCounts = ("report.cooperation_counts", "report"),
    ReportConsultations = ("report.consultations", "report"),
    ReportEmploymentOutcomes = ("report.employment_outcomes", "report"),
    ReportSupportAwareness = ("report.support_awareness", "report"),
    ReportShomanConsultations = ("report.shoman_consultations", "report"),
    ReportShomanPlans = ("report.shoman_plans", "report"),
    ReportShomanProjects = ("report.shoman_projects", "report"),
    ReportShomanNeeds = ("report.shoman_needs", "report"),
    ReportShomanImplementation = ("report.shoman_implementation", "report"),
    ReportOutreach = ("report.outreach", "report"),
    ReportEvents = ("report.events", "report"),
    ReportPeerSupport = ("report.peer_support", "report"),
    ReportSupporterSessions = ("report.supporter_sessions", "report"),
    // integrations
    ApiClientCreate = ("api_client.create", "api_client"),
    ApiClientRead = ("api_client.read", "api_client"),
    ApiClientList = ("api_client.list", "api_client"),
    ApiClientUpdate = ("api_client.update", "api_client"),
    ApiClientRotateSecret = ("api_client.rotate_secret", "api_client"),
    ApiClientRevoke = ("api_client.revoke", "api_client"),
    OauthToken = ("oauth.token", "api_client"),
    /// A call outside an API client's scopes, or not open to clients at all.
    ScopeCheck = ("api.scope_check", "operation"),
    WebhookCreate = ("webhook.create", "webhook"),
    WebhookRead = ("webhook.read", "webhook"),
    WebhookList = ("webhook.list", "webhook"),
    WebhookUpdate = ("webhook.update", "webhook"),
    WebhookDelete = ("webhook.delete", "webhook"),
    WebhookDeliveries = ("webhook.deliveries", "webhook"),
    // the PDCA register of regional issues and the yearly publication (公表)
    RegionalIssueCreate = ("regional_issue.create", "regional_issue"),
    RegionalIssueRead = ("regional_issue.read", "regional_issue"),
    RegionalIssueList = ("regional_issue.list", "regional_issue"),
    RegionalIssueUpdate = ("regional_issue.update", "regional_issue"),
    RegionalIssueStageChange = ("regional_issue.stage_change", "regional_issue"),
    RegionalIssueComment = ("regional_issue.comment", "regional_issue_comment"),
    /// Which issues a meeting discussed (the meeting's list replaced).
    MeetingIssuesSet = ("meeting.issues_set", "meeting"),
    RegionalMeasureCreate = ("regional_measure.create", "regional_measure"),
    RegionalMeasureUpdate = ("regional_measure.update", "regional_measure"),
    RegionalFigureLink = ("regional_figure.link", "regional_figure"),
    RegionalFigureUnlink = ("regional_figure.unlink", "regional_figure"),
    PublicationPreview = ("publication.preview", "publication"),
    PublicationPublish = ("publication.publish", "publication"),
    PublicationList = ("publication.list", "publication"),
    PublicationRead = ("publication.read", "publication"),
    ReportRegionalCouncils = ("report.regional_councils", "report"),
}

/// Declares the events a webhook may subscribe to, with when each is sent.
macro_rules! webhook_events {
    ($( $variant:ident = ($name:literal, $when:literal) ),* $(,)?) => {
        /// What a center's webhooks announce. The names are a public contract.
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
        pub enum WebhookEvent {
            $( $variant ),*
        }

        impl WebhookEvent {
            pub const ALL: &'static [WebhookEvent] = &[$(WebhookEvent::$variant),*];

            pub fn as_str(self) -> &'static str {
                match self {
                    $(WebhookEvent::$variant => $name),*
                }
            }

            /// When the event is sent, for the API documentation.
            pub fn description(self) -> &'static str {
                match self {
                    $(WebhookEvent::$variant => $when),*
                }
            }

            pub fn parse(s: &str) -> Option<Self> {
                Self::ALL.iter().copied().find(|e| e.as_str() == s)
            }
        }
    };
}

webhook_events! {
    PatientCreated = ("patient.created", "a patient was registered"),
    PatientUpdated = ("patient.updated", "a patient's record changed"),
    PatientMerged = ("patient.merged", "a patient registered twice was merged into another record; the event's id is the merged record, which answers 410 with a pointer from now on"),
    ConsultationCreated = ("consultation.created", "a consultation was recorded"),
    ConsultationUpdated = ("consultation.updated", "a consultation changed"),
    ReferralCreated = ("referral.created", "a patient was referred to an agency"),
    ReferralUpdated = ("referral.updated", "a referral's details changed"),
    ReferralLevelChanged = ("referral.level_changed", "a referral's level of support changed"),
    ReferralClosed = ("referral.closed", "a referral was closed"),
    FollowUpScheduled = ("follow_up.scheduled", "a follow-up was scheduled"),
    FollowUpRecorded = ("follow_up.recorded", "a follow-up was recorded as done"),
    FollowUpOverdue = ("follow_up.overdue", "a follow-up passed its due day without being recorded"),
    ReviewApproved = ("review.approved", "a supervisor approved a referral's follow-up"),
    ReviewReturned = ("review.returned", "a supervisor returned a referral's follow-up with a comment"),
    ReferralAgencyConfirmed = ("referral.agency_confirmed", "the agency confirmed through a one-time link what happened after a referral"),
    SupportPlanCreated = ("support_plan.created", "a 小慢 support plan was drafted"),
    SupportPlanSubmitted = ("support_plan.submitted", "a support plan's revision was submitted for review"),
    SupportPlanApproved = ("support_plan.approved", "a supervisor approved a support plan's revision"),
    SupportPlanReturned = ("support_plan.returned", "a supervisor returned a support plan's revision with a comment"),
}

impl Action {
    /// The webhook a successful event of this action announces, if any. Exhaustive on
    /// purpose: an action added without deciding this does not compile. `follow_up.overdue`
    /// is not an action: the delivery worker announces it when a due day passes.
    pub fn webhook(self) -> Option<WebhookEvent> {
        use Action as A;
        use WebhookEvent as W;
        match self {
            A::PatientCreate => Some(W::PatientCreated),
            A::PatientUpdate => Some(W::PatientUpdated),
            A::PatientMerge => Some(W::PatientMerged),
            A::ConsultationCreate => Some(W::ConsultationCreated),
            A::ConsultationUpdate => Some(W::ConsultationUpdated),
            A::ReferralCreate => Some(W::ReferralCreated),
            A::ReferralUpdate => Some(W::ReferralUpdated),
            A::ReferralLevelChange => Some(W::ReferralLevelChanged),
            A::ReferralClose => Some(W::ReferralClosed),
            A::FollowUpSchedule | A::FollowUpCreate => Some(W::FollowUpScheduled),
            A::FollowUpRecord => Some(W::FollowUpRecorded),
            A::ReferralAgencyConfirm => Some(W::ReferralAgencyConfirmed),
            A::ReviewApprove => Some(W::ReviewApproved),
            A::ReviewReturn => Some(W::ReviewReturned),
            A::SupportPlanCreate => Some(W::SupportPlanCreated),
            A::SupportPlanSubmit => Some(W::SupportPlanSubmitted),
            A::SupportPlanApprove => Some(W::SupportPlanApproved),
            A::SupportPlanReturn => Some(W::SupportPlanReturned),
            A::Login
            | A::Refresh
            | A::Logout
            | A::TotpStart
            | A::TotpEnable
            | A::TotpReset
            | A::PasswordChange
            | A::UserBootstrap
            | A::UserCreate
            | A::UserRead
            | A::UserList
            | A::UserUpdate
            | A::CenterCreate
            | A::CenterRead
            | A::CenterList
            | A::CenterUpdate
            | A::AdministrationCreate
            | A::AdministrationRead
            | A::AdministrationList
            | A::AdministrationUpdate
            | A::AdministrationReport
            | A::CouncilCreate
            | A::CouncilRead
            | A::CouncilList
            | A::CouncilUpdate
            | A::CouncilPledge
            | A::CouncilMemberCreate
            | A::CouncilMemberRead
            | A::CouncilMemberList
            | A::CouncilMemberUpdate
            | A::CouncilMemberAccount
            | A::MeetingCreate
            | A::MeetingRead
            | A::MeetingList
            | A::MeetingUpdate
            | A::MeetingAttachmentCreate
            | A::MeetingAttachmentRead
            | A::MeetingAttachmentList
            | A::MeetingAttachmentDelete
            | A::AgencyCreate
            | A::AgencyRead
            | A::AgencyList
            | A::AgencyUpdate
            | A::DemoGenerate
            | A::DataKeysReseal
            | A::DatabaseBackup
            | A::DatabaseRestore
            | A::PatientRead
            | A::PatientSearch
            | A::PatientList
            | A::PatientTimeline
            | A::PatientFhir
            | A::PatientDisclosure
            | A::ImportCreate
            | A::ImportRead
            | A::ImportReport
            | A::ImportUpdate
            | A::ImportCommit
            | A::ImportFail
            | A::ExportCreate
            | A::ExportRead
            | A::ExportDownload
            | A::PatientMergePreview
            | A::ConsentCreate
            | A::ConsentRead
            | A::ConsentList
            | A::ConsentUpdate
            | A::ConsentWithdraw
            | A::ConsultationRead
            | A::ConsultationList
            | A::ReferralRead
            | A::ReferralList
            | A::ReferralLevels
            | A::DataProvide
            | A::ProvisionList
            | A::FollowUpRead
            | A::FollowUpList
            | A::ReferralFollowUps
            | A::FollowUpUpdate
            | A::AgencyLinkCreate
            | A::AgencyLinkList
            | A::AgencyLinkRevoke
            | A::AgencyLinkView
            | A::ReviewList
            | A::AuditQueueRead
            | A::NotificationList
            | A::SupervisionSummary
            | A::AuditList
            | A::AuditExport
            | A::AuditVerify
            | A::SupportPlanRead
            | A::SupportPlanList
            | A::SupportPlanUpdate
            | A::SupportPlanVersions
            | A::SupportPlanReviewList
            | A::SupportPlanActionCreate
            | A::SupportPlanActionRead
            | A::SupportPlanActionList
            | A::SupportPlanActionUpdate
            | A::TransitionList
            | A::LiaisonContactCreate
            | A::LiaisonContactRead
            | A::LiaisonContactList
            | A::LiaisonContactUpdate
            | A::LiaisonProvide
            | A::ProjectCreate
            | A::ProjectRead
            | A::ProjectList
            | A::ProjectUpdate
            | A::ProjectSessionCreate
            | A::ProjectSessionRead
            | A::ProjectSessionList
            | A::ProjectSessionUpdate
            | A::NeedCreate
            | A::NeedRead
            | A::NeedList
            | A::NeedUpdate
            | A::OutreachCreate
            | A::OutreachRead
            | A::OutreachList
            | A::OutreachUpdate
            | A::TrainingCreate
            | A::TrainingRead
            | A::TrainingList
            | A::TrainingUpdate
            | A::EventCreate
            | A::EventRead
            | A::EventList
            | A::EventUpdate
            | A::EventAttendeeAdd
            | A::EventAttendeeList
            | A::EventAttendeeRemove
            | A::PeerAssignmentCreate
            | A::PeerAssignmentList
            | A::PeerAssignmentEnd
            | A::SupporterScheduleCreate
            | A::SupporterScheduleRead
            | A::SupporterScheduleList
            | A::SupporterScheduleUpdate
            | A::SupporterSessionCreate
            | A::SupporterSessionRead
            | A::SupporterSessionList
            | A::SupporterSessionUpdate
            | A::SupporterSlotList
            | A::SupporterBookingCreate
            | A::SupporterBookingRead
            | A::SupporterBookingUpdate
            | A::ReportReferralLevels
            | A::ReportCooperationCounts
            | A::ReportConsultations
            | A::ReportEmploymentOutcomes
            | A::ReportSupportAwareness
            | A::ReportShomanConsultations
            | A::ReportShomanPlans
            | A::ReportShomanProjects
            | A::ReportShomanNeeds
            | A::ReportShomanImplementation
            | A::ReportOutreach
            | A::ReportEvents
            | A::ReportPeerSupport
            | A::ReportSupporterSessions
            | A::ApiClientCreate
            | A::ApiClientRead
            | A::ApiClientList
            | A::ApiClientUpdate
            | A::ApiClientRotateSecret
            | A::ApiClientRevoke
            | A::OauthToken
            | A::ScopeCheck
            | A::WebhookCreate
            | A::WebhookRead
            | A::WebhookList
            | A::WebhookUpdate
            | A::WebhookDelete
            | A::WebhookDeliveries
            | A::RegionalIssueCreate
            | A::RegionalIssueRead
            | A::RegionalIssueList
            | A::RegionalIssueUpdate
            | A::RegionalIssueStageChange
            | A::RegionalIssueComment
            | A::MeetingIssuesSet
            | A::RegionalMeasureCreate
            | A::RegionalMeasureUpdate
            | A::RegionalFigureLink
            | A::RegionalFigureUnlink
            | A::PublicationPreview
            | A::PublicationPublish
            | A::PublicationList
            | A::PublicationRead
            | A::ReportRegionalCouncils => None,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::BTreeSet;

    /// The whole table of which action announces which webhook, written out: renaming or
    /// re-mapping an action shows up here as a failing line.
    #[test]
    fn every_action_and_the_webhook_it_announces() {
        let announcing: Vec<(&str, &str)> = Action::ALL
            .iter()
            .filter_map(|a| a.webhook().map(|w| (a.as_str(), w.as_str())))
            .collect();
        assert_eq!(
            announcing,
            vec![
                ("patient.create", "patient.created"),
                ("patient.update", "patient.updated"),
                ("patient.merge", "patient.merged"),
                ("consultation.create", "consultation.created"),
                ("consultation.update", "consultation.updated"),
                ("referral.create", "referral.created"),
                ("referral.update", "referral.updated"),
                ("referral.level_change", "referral.level_changed"),
                ("referral.close", "referral.closed"),
                ("follow_up.create", "follow_up.scheduled"),
                ("follow_up.schedule", "follow_up.scheduled"),
                ("follow_up.record", "follow_up.recorded"),
                ("referral.agency_confirm", "referral.agency_confirmed"),
                ("review.create", "review.approved"),
                ("review.create", "review.returned"),
                ("support_plan.create", "support_plan.created"),
                ("support_plan.submit", "support_plan.submitted"),
                ("support_plan_review.create", "support_plan.approved"),
                ("support_plan_review.create", "support_plan.returned"),
            ]
        );
    }

    #[test]
    fn every_webhook_event_is_sent_by_something() {
        let from_actions: BTreeSet<WebhookEvent> =
            Action::ALL.iter().filter_map(|a| a.webhook()).collect();
        for e in WebhookEvent::ALL {
            assert!(
                from_actions.contains(e) || *e == WebhookEvent::FollowUpOverdue,
                "{} is announced by no action",
                e.as_str()
            );
        }
    }

    #[test]
    fn names_are_dotted_and_webhook_names_unique() {
        for a in Action::ALL {
            assert!(a.as_str().contains('.'), "{a:?}");
            assert!(!a.resource_type().is_empty());
        }
        let names: BTreeSet<&str> = WebhookEvent::ALL.iter().map(|e| e.as_str()).collect();
        assert_eq!(names.len(), WebhookEvent::ALL.len());
        assert_eq!(
            WebhookEvent::parse("review.returned"),
            Some(WebhookEvent::ReviewReturned)
        );
        assert_eq!(WebhookEvent::parse("review.create"), None);
    }
}
