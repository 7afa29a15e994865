// The enum values of the public API contract. The spec types them as enums too (the
// generated `components['schemas']`); these lists give the screens their order and guards.
import type { components } from './schema';

export const ROLES = ['system_admin', 'center_admin', 'supervisor', 'consultant', 'self_reliance_worker', 'peer_supporter', 'municipal_officer', 'council_member'] as const;
export type Role = (typeof ROLES)[number];

export const ADMINISTRATION_KINDS = ['prefecture', 'designated_city', 'health_center_city', 'special_ward'] as const;
export type AdministrationKind = (typeof ADMINISTRATION_KINDS)[number];
// --- regional councils ----------------------------------------------------------------

export const COUNCIL_KINDS = ['intractable', 'pediatric', 'joint'] as const;
export type CouncilKind = (typeof COUNCIL_KINDS)[number];
export const COUNCIL_SCOPES = ['prefecture', 'secondary_medical_area', 'health_center'] as const;
export type CouncilScope = (typeof COUNCIL_SCOPES)[number];
export const MEMBER_CATEGORIES = ['medical', 'welfare', 'public_health', 'consultation', 'community', 'employment', 'education', 'patients_families', 'other'] as const;
export type MemberCategory = (typeof MEMBER_CATEGORIES)[number];
export const COUNCIL_ROLES = ['chair', 'vice_chair', 'member', 'secretariat'] as const;
export type CouncilRole = (typeof COUNCIL_ROLES)[number];
export const MEETING_KINDS = ['plenary', 'subcommittee', 'secretariat'] as const;
export type MeetingKind = (typeof MEETING_KINDS)[number];
export const MEETING_STATUSES = ['planned', 'held', 'cancelled'] as const;
export type MeetingStatus = (typeof MEETING_STATUSES)[number];

/** ①課題の抽出 ②対策の検討 ③対策の実施 ④対策の評価, in the cycle's order. */
export const ISSUE_STAGES = ['extraction', 'planning', 'implementation', 'evaluation'] as const;
export type IssueStage = (typeof ISSUE_STAGES)[number];
export const ISSUE_CATEGORIES = [
  'employment',
  'disaster_medical',
  'home_care',
  'severity_prevention',
  'transition',
  'medical_care_children',
  'awareness',
  'other',
] as const;
export type IssueCategory = (typeof ISSUE_CATEGORIES)[number];
export const MEASURE_STATUSES = ['planned', 'in_progress', 'done', 'dropped'] as const;
export type MeasureStatus = (typeof MEASURE_STATUSES)[number];
export const FIGURE_KINDS = ['referrals_information_only_share', 'overdue_follow_ups', 'open_shoman_needs', 'consultations_on_topic'] as const;
export type FigureKind = (typeof FIGURE_KINDS)[number];
export const OPERATING_TYPES = ['medical_institution', 'municipality', 'patient_organization', 'other'] as const;
export type OperatingType = (typeof OPERATING_TYPES)[number];

export const AGENCY_TYPES = ['hello_work', 'employment_life_support_center', 'vocational_center', 'other'] as const;
export type AgencyType = (typeof AGENCY_TYPES)[number];

// --- the case: patients, consultations, referrals, follow-ups ---------------------------

export const PROGRAMS = ['nanbyo', 'shoman'] as const;
export type Program = (typeof PROGRAMS)[number];

export const SEXES = ['female', 'male', 'other'] as const;
export type Sex = (typeof SEXES)[number];

export const EMPLOYMENT_STATUSES = ['employed', 'on_leave', 'job_seeking', 'not_working', 'student'] as const;
export type EmploymentStatus = (typeof EMPLOYMENT_STATUSES)[number];

export const SUPPORT_AWARENESS = ['using', 'used_before', 'aware_not_used', 'unaware'] as const;
export type SupportAwareness = (typeof SUPPORT_AWARENESS)[number];

export const CONSENT_SCOPES = ['employment_agencies', 'all_agencies', 'schools', 'employers', 'all_bodies'] as const;
/** The scopes for 小慢 liaison with schools and employers, offered for a 小慢 patient only. */
export const SHOMAN_CONSENT_SCOPES: readonly ConsentScope[] = ['schools', 'employers', 'all_bodies'];
export type ConsentScope = (typeof CONSENT_SCOPES)[number];

/** Who gave a consent: the patient, or a minor's guardian. */
export const GIVEN_BY = ['self', 'guardian'] as const;
export type GivenBy = (typeof GIVEN_BY)[number];

/** 小慢 相談支援のメニュー, in the menu's order. */
export const SHOMAN_MENUS = ['ryoiku_guidance', 'itinerant_guidance', 'peer_counseling', 'self_reliance_guidance', 'school_employer'] as const;
export type ShomanMenu = (typeof SHOMAN_MENUS)[number];

export const SHOMAN_REQUESTERS = ['child', 'family', 'school', 'employer', 'other'] as const;
export type ShomanRequester = (typeof SHOMAN_REQUESTERS)[number];

export const LIAISON_CHANNELS = ['phone', 'visit', 'meeting', 'email', 'letter', 'online'] as const;
export type LiaisonChannel = (typeof LIAISON_CHANNELS)[number];

export const CHANNELS = ['in_person', 'phone', 'email', 'outreach', 'home_visit', 'online'] as const;
export type Channel = (typeof CHANNELS)[number];

export const REQUESTERS = ['patient', 'family', 'agency', 'other'] as const;
export type Requester = (typeof REQUESTERS)[number];

export const TOPICS = ['illness', 'employment', 'welfare_system', 'daily_life', 'peer_support', 'psychological', 'other'] as const;
export type Topic = (typeof TOPICS)[number];

export const PURPOSES = ['new_employment', 'job_retention'] as const;
export type Purpose = (typeof PURPOSES)[number];

/** The survey's 対応内容 (referral level), from 1 to 4 in this order. */
export const LEVELS = ['information_only', 'phone_mediation', 'accompanied', 'accompanied_with_follow_up'] as const;
export type Level = (typeof LEVELS)[number];

export const SHARED_ITEMS = [
  'name',
  'birth_date',
  'contact',
  'address',
  'diagnosis',
  'disability_certificate',
  'employment_history',
  'consultation_record',
] as const;
export type SharedItem = (typeof SHARED_ITEMS)[number];

export const FOLLOW_UP_METHODS = ['phone', 'in_person', 'email', 'visit', 'online', 'other'] as const;
export type FollowUpMethod = (typeof FOLLOW_UP_METHODS)[number];

export const CONTACTED = ['patient', 'agency', 'employer'] as const;
export type Contacted = (typeof CONTACTED)[number];

export const CASE_OUTCOMES = ['searching', 'employed', 'retained', 'left_job', 'declined', 'lost_contact', 'other'] as const;
export type CaseOutcome = (typeof CASE_OUTCOMES)[number];

export const FOLLOW_UP_STATES = ['due', 'overdue', 'done', 'cancelled', 'not_recorded'] as const;
export type FollowUpState = (typeof FOLLOW_UP_STATES)[number];

export const REFERRAL_STATUSES = ['open', 'closed'] as const;
export type ReferralStatus = (typeof REFERRAL_STATUSES)[number];

export const TIMELINE_KINDS = ['consent', 'consultation', 'referral', 'level_change', 'provision', 'follow_up', 'program_change', 'project_session', 'event'] as const;
export type TimelineKind = (typeof TIMELINE_KINDS)[number];

// --- supervision: the audit queue, reviews, notifications ------------------------------

/** Why a referral is in the audit queue, most urgent first (the API's order). */
export const QUEUE_REASONS = [
  'follow_up_escalated',
  'follow_up_overdue',
  'follow_up_missing',
  'returned',
  'awaiting_review',
  'sample',
] as const;
export type QueueReason = (typeof QUEUE_REASONS)[number];

export const REVIEW_STATES = ['none', 'pending', 'approved', 'returned'] as const;
export type ReviewState = (typeof REVIEW_STATES)[number];

export const REVIEW_DECISIONS = ['approved', 'returned'] as const;
export type ReviewDecision = (typeof REVIEW_DECISIONS)[number];

export const NOTIFICATION_KINDS = ['follow_up_escalated', 'review_returned'] as const;
export type NotificationKind = (typeof NOTIFICATION_KINDS)[number];

// --- moving a 台帳 in (imports) --------------------------------------------------------
export const IMPORT_KINDS = ['patients', 'consultations', 'referrals', 'follow_ups'] as const;
export type ImportKind = (typeof IMPORT_KINDS)[number];
export const IMPORT_STATES = ['checking', 'checked', 'committing', 'committed', 'failed'] as const;
export type ImportState = (typeof IMPORT_STATES)[number];
export const IMPORT_ENCODINGS = ['utf-8', 'shift_jis', 'xlsx'] as const;
export type ImportEncoding = (typeof IMPORT_ENCODINGS)[number];
export const DUPLICATE_ACTIONS = ['merge', 'create', 'skip'] as const;
export type DuplicateAction = (typeof DUPLICATE_ACTIONS)[number];
export const IMPORT_VALUE_KINDS = ['text', 'date', 'date_time', 'number', 'code', 'list', 'bool'] as const;
export type ImportValueKind = (typeof IMPORT_VALUE_KINDS)[number];

// --- the center's other work: outreach (周知), training (研修), events ------------------

/** How a patient heard of the center; the first ten are also the kinds of outreach. */
export const REFERRAL_SOURCES = [
  'poster_designated_hospital',
  'leaflet_at_application',
  'designated_doctor_training',
  'msw',
  'community_support_center',
  'care_manager',
  'homepage',
  'newsletter',
  'sns',
  'other',
  'family_friend',
  'medical_staff',
  'patient_association',
  'unknown',
] as const;
export type ReferralSource = (typeof REFERRAL_SOURCES)[number];
/** The kinds an outreach activity may be: the sources a center acts on. */
export const OUTREACH_KINDS = [
  'poster_designated_hospital',
  'leaflet_at_application',
  'designated_doctor_training',
  'msw',
  'community_support_center',
  'care_manager',
  'homepage',
  'newsletter',
  'sns',
  'other',
] as const satisfies readonly ReferralSource[];
export type OutreachKind = (typeof OUTREACH_KINDS)[number];

export const TRAINING_PARTICIPATIONS = ['attended', 'given'] as const;
export type TrainingParticipation = (typeof TRAINING_PARTICIPATIONS)[number];

export const TRAINING_COURSES = ['peer_supporter_training', 'staff_training', 'other'] as const;
export type TrainingCourse = (typeof TRAINING_COURSES)[number];

export const EVENT_KINDS = ['peer_consultation', 'cafe', 'seminar', 'lecture', 'employment_seminar', 'legal_consultation', 'other'] as const;
export type EventKind = (typeof EVENT_KINDS)[number];

export const ATTENDEE_ROLES = ['patient', 'family'] as const;
export type AttendeeRole = (typeof ATTENDEE_ROLES)[number];

// --- third-party integration: API clients and webhooks --------------------------------

/** What an API client may be granted, in the API's catalog order. */
export const API_SCOPES = [
  'patients:read',
  'patients:write',
  'consultations:read',
  'consultations:write',
  'referrals:read',
  'referrals:write',
  'follow_ups:read',
  'follow_ups:write',
  'agencies:read',
  'reports:read',
  'audit:read',
  'shoman:read',
  'shoman:write',
  'activities:read',
  'activities:write',
  'regional:read',
  'regional:write',
] as const;
export type ApiScope = (typeof API_SCOPES)[number];

/** The events a webhook may subscribe to, in the API's catalog order. */
export const WEBHOOK_EVENTS = [
  'patient.created',
  'patient.updated',
  'patient.merged',
  'consultation.created',
  'consultation.updated',
  'referral.created',
  'referral.updated',
  'referral.level_changed',
  'referral.closed',
  'follow_up.scheduled',
  'follow_up.recorded',
  'follow_up.overdue',
  'review.approved',
  'review.returned',
  'referral.agency_confirmed',
  'support_plan.created',
  'support_plan.submitted',
  'support_plan.approved',
  'support_plan.returned',
] as const;
export type WebhookEvent = (typeof WEBHOOK_EVENTS)[number];

/** A delivery's state (the spec types it as a string: `pending`, `delivered` or `failed`). */
export const DELIVERY_STATES = ['pending', 'delivered', 'failed'] as const;
export type DeliveryState = (typeof DELIVERY_STATES)[number];

function guard<T extends string>(values: readonly T[]) {
  return (value: unknown): value is T => typeof value === 'string' && (values as readonly string[]).includes(value);
}

export const isRole = guard(ROLES);
export const isOperatingType = guard(OPERATING_TYPES);
export const isIssueStage = guard(ISSUE_STAGES);
export const isIssueCategory = guard(ISSUE_CATEGORIES);
export const isAgencyType = guard(AGENCY_TYPES);
export const isProgram = guard(PROGRAMS);
export const isSex = guard(SEXES);
export const isEmploymentStatus = guard(EMPLOYMENT_STATUSES);
export const isSupportAwareness = guard(SUPPORT_AWARENESS);
export const isConsentScope = guard(CONSENT_SCOPES);
export const isChannel = guard(CHANNELS);
export const isRequester = guard(REQUESTERS);
export const isTopic = guard(TOPICS);
export const isPurpose = guard(PURPOSES);
export const isLevel = guard(LEVELS);
export const isSharedItem = guard(SHARED_ITEMS);
export const isFollowUpMethod = guard(FOLLOW_UP_METHODS);
export const isContacted = guard(CONTACTED);
export const isCaseOutcome = guard(CASE_OUTCOMES);
export const isFollowUpState = guard(FOLLOW_UP_STATES);
export const isReferralStatus = guard(REFERRAL_STATUSES);
export const isQueueReason = guard(QUEUE_REASONS);
export const isReviewState = guard(REVIEW_STATES);
export const isReviewDecision = guard(REVIEW_DECISIONS);
export const isApiScope = guard(API_SCOPES);
export const isWebhookEvent = guard(WEBHOOK_EVENTS);
export const isDeliveryState = guard(DELIVERY_STATES);

/** Roles a center administrator gives to its own staff (never system_admin). */
export const CENTER_ROLES: readonly Role[] = ['center_admin', 'supervisor', 'consultant', 'self_reliance_worker', 'peer_supporter'];

/**
 * A select's value on its way to the API. Selects start unchosen (`''`); rather than
 * duplicating the server's rules, the form sends what the user chose and the API's
 * validation problem names the field, which the form shows there. Only use it for values
 * that come from a select of the matching list (or its empty choice).
 */
export function fromSelect<T extends string>(value: string): T {
  return value as T;
}

/** Checkbox choices on their way to the API (see fromSelect): values from a list of the matching enum. */
export function fromChecks<T extends string>(values: readonly string[]): T[] {
  return values as T[];
}

// --- the lists above are the spec's enums, no more, no less ----------------------------

// --- the bulk export (/exports) -----------------------------------------------------------

export const EXPORT_FORMATS = ['csv', 'xlsx', 'json'] as const;
export type ExportFormat = (typeof EXPORT_FORMATS)[number];
export const EXPORT_KINDS = ['patients', 'consultations', 'referrals', 'follow_ups', 'consents'] as const;
export type ExportKind = (typeof EXPORT_KINDS)[number];
export const EXPORT_STATES = ['ready', 'completed'] as const;
export type ExportState = (typeof EXPORT_STATES)[number];

type S = components['schemas'];
type Same<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;
type Assert<T extends true> = T;

/** Does not compile when a list above and the spec's enum differ (after `npm run gen:api`). */
export type EnumsMatchTheSpec = [
  Assert<Same<Role, S['Role']>>,
  Assert<Same<OutreachKind, S['OutreachKind']>>,
  Assert<Same<OperatingType, S['OperatingType']>>,
  Assert<Same<AdministrationKind, S['AdministrationKind']>>,
  Assert<Same<CouncilKind, S['CouncilKind']>>,
  Assert<Same<CouncilScope, S['CouncilScope']>>,
  Assert<Same<MemberCategory, S['MemberCategory']>>,
  Assert<Same<CouncilRole, S['CouncilRole']>>,
  Assert<Same<MeetingKind, S['MeetingKind']>>,
  Assert<Same<MeetingStatus, S['MeetingStatus']>>,
  Assert<Same<AgencyType, S['AgencyType']>>,
  Assert<Same<IssueStage, S['IssueStage']>>,
  Assert<Same<IssueCategory, S['IssueCategory']>>,
  Assert<Same<MeasureStatus, S['MeasureStatus']>>,
  Assert<Same<FigureKind, S['FigureKind']>>,
  Assert<Same<Program, S['Program']>>,
  Assert<Same<Sex, S['Sex']>>,
  Assert<Same<EmploymentStatus, S['EmploymentStatus']>>,
  Assert<Same<SupportAwareness, S['SupportAwareness']>>,
  Assert<Same<ConsentScope, S['ConsentScope']>>,
  Assert<Same<GivenBy, S['GivenBy']>>,
  Assert<Same<ShomanMenu, S['ShomanMenu']>>,
  Assert<Same<ShomanRequester, S['ShomanRequester']>>,
  Assert<Same<LiaisonChannel, S['LiaisonChannel']>>,
  Assert<Same<Channel, S['Channel']>>,
  Assert<Same<Requester, S['Requester']>>,
  Assert<Same<Topic, S['Topic']>>,
  Assert<Same<Purpose, S['Purpose']>>,
  Assert<Same<Level, S['Level']>>,
  Assert<Same<SharedItem, S['SharedItem']>>,
  Assert<Same<FollowUpMethod, S['FollowUpMethod']>>,
  Assert<Same<Contacted, S['Contacted']>>,
  Assert<Same<CaseOutcome, S['CaseOutcome']>>,
  Assert<Same<FollowUpState, S['FollowUpState']>>,
  Assert<Same<ReferralStatus, S['ReferralStatus']>>,
  Assert<Same<TimelineKind, S['TimelineKind']>>,
  Assert<Same<QueueReason, S['QueueReason']>>,
  Assert<Same<ReviewState, S['ReviewState']>>,
  Assert<Same<ReviewDecision, S['ReviewDecision']>>,
  Assert<Same<NotificationKind, S['NotificationKind']>>,
  Assert<Same<ImportKind, S['ImportKind']>>,
  Assert<Same<ImportState, S['ImportState']>>,
  Assert<Same<ImportEncoding, S['ImportEncoding']>>,
  Assert<Same<DuplicateAction, S['DuplicateAction']>>,
  Assert<Same<ImportValueKind, S['ImportValueKind']>>,
  Assert<Same<ApiScope, S['ApiScope']>>,
  Assert<Same<WebhookEvent, S['WebhookEvent']>>,
  Assert<Same<ReferralSource, S['ReferralSource']>>,
  Assert<Same<TrainingParticipation, S['TrainingParticipation']>>,
  Assert<Same<TrainingCourse, S['TrainingCourse']>>,
  Assert<Same<EventKind, S['EventKind']>>,
  Assert<Same<AttendeeRole, S['AttendeeRole']>>,
  Assert<Same<ExportFormat, S['ExportFormat']>>,
  Assert<Same<ExportKind, S['ExportKind']>>,
  Assert<Same<ExportState, S['ExportState']>>,
];
