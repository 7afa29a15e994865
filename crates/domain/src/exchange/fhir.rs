//! One patient's case as an HL7 FHIR R4 `Bundle` (type `collection`), built by pure
//! functions from the records: `Patient` (JP Core's JP_Patient conventions: the kanji name
//! and the kana reading as two `HumanName`s marked `IDE` and `SYL`), the center and each
//! agency referred to as `Organization`, one `ServiceRequest` and one `Task` per referral
//! (the closed-loop referral: see [`task_status`]) and one `Consent` per consent record.
//!
//! A `collection` rather than a `document`: a document needs a `Composition` signed off by
//! an author, and this is a machine read-out of the records, not a clinical document.
//! Every resource's `fullUrl` is `urn:uuid:<its Tsunagu id>` and references point at those,
//! so the bundle stands on its own without a FHIR server's base URL.
//!
//! Tsunagu's own codes (referral level, purpose, agency type, consent scope) are FHIR
//! `CodeSystem`s with canonical URLs under [`CANONICAL`]; the API serves each at
//! `GET /api/v1/fhir/CodeSystem/{name}` ([`code_system`]).

use crate::entities::{Agency, Center, Consent, FollowUp, Patient, Referral};
use crate::values::{
    AgencyOutcome, AgencyType, CaseOutcome, ConsentScope, GivenBy, Level, Purpose, ReferralStatus,
    Sex,
};
use chrono::{DateTime, NaiveDate, SecondsFormat, Utc};
use serde_json::{Map, Value, json};
use sha2::{Digest, Sha256};
use uuid::Uuid;

/// The root of Tsunagu's canonical URLs (code systems, extensions, identifier systems).
/// A URN: canonical URLs name things and need not resolve, and an installation's host is
/// not part of what a code means.
pub const CANONICAL: &str = "urn:tsunagu:fhir";

/// The HL7 extension that marks a name's representation (JP Core: `IDE` 漢字, `SYL` カナ).
pub const EN_REPRESENTATION: &str =
    "http://hl7.org/fhir/StructureDefinition/iso21090-EN-representation";

/// The media type of FHIR's JSON format.
pub const FHIR_JSON: &str = "application/fhir+json";

/// Tsunagu's code systems, by the name in their URL and path.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CodeSystemName {
    ReferralLevel,
    ReferralPurpose,
    AgencyType,
    ConsentScope,
}

impl CodeSystemName {
    pub const ALL: &'static [CodeSystemName] = &[
        CodeSystemName::ReferralLevel,
        CodeSystemName::ReferralPurpose,
        CodeSystemName::AgencyType,
        CodeSystemName::ConsentScope,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            CodeSystemName::ReferralLevel => "referral-level",
            CodeSystemName::ReferralPurpose => "referral-purpose",
            CodeSystemName::AgencyType => "agency-type",
            CodeSystemName::ConsentScope => "consent-scope",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        Self::ALL.iter().copied().find(|n| n.as_str() == s)
    }

    /// The canonical URL codings carry as their `system`.
    pub fn url(self) -> String {
        format!("{CANONICAL}:CodeSystem:{}", self.as_str())
    }

    fn title(self) -> (&'static str, &'static str, &'static str) {
        match self {
            CodeSystemName::ReferralLevel => (
                "TsunaguReferralLevel",
                "紹介の対応内容（レベル1〜4）",
                "How far the center went when referring a patient to an employment support \
                 agency: the four levels of the ministry's survey (対応内容).",
            ),
            CodeSystemName::ReferralPurpose => (
                "TsunaguReferralPurpose",
                "紹介の目的",
                "What a referral is for: finding new work (新規就労) or keeping the current \
                 job (就労継続).",
            ),
            CodeSystemName::AgencyType => (
                "TsunaguAgencyType",
                "就労支援機関の種別",
                "The kinds of employment support agency the ministry's survey counts.",
            ),
            CodeSystemName::ConsentScope => (
                "TsunaguConsentScope",
                "個人情報の提供に関する同意の範囲",
                "Whom a patient's consent to share personal data covers.",
            ),
        }
    }

    /// `(code, display in Japanese, definition)` of every concept, from the enums
    /// themselves so a new value cannot be left out.
    fn concepts(self) -> Vec<(&'static str, &'static str, String)> {
        match self {
            CodeSystemName::ReferralLevel => Level::ALL
                .iter()
                .map(|l| {
                    (
                        l.as_str(),
                        level_display(*l),
                        format!("Level {} of the survey's 対応内容", l.rank()),
                    )
                })
                .collect(),
            CodeSystemName::ReferralPurpose => Purpose::ALL
                .iter()
                .map(|p| {
                    (
                        p.as_str(),
                        purpose_display(*p),
                        p.as_str().replace('_', " "),
                    )
                })
                .collect(),
            CodeSystemName::AgencyType => AgencyType::ALL
                .iter()
                .map(|t| {
                    (
                        t.as_str(),
                        agency_type_display(*t),
                        t.as_str().replace('_', " "),
                    )
                })
                .collect(),
            CodeSystemName::ConsentScope => ConsentScope::ALL
                .iter()
                .map(|s| {
                    (
                        s.as_str(),
                        consent_scope_display(*s),
                        s.as_str().replace('_', " "),
                    )
                })
                .collect(),
        }
    }
}

pub fn level_display(l: Level) -> &'static str {
    match l {
        Level::InformationOnly => "相談先として患者に案内のみ",
        Level::PhoneMediation => "電話仲介の上、患者を誘導",
        Level::Accompanied => "就労支援機関への相談に同席",
        Level::AccompaniedWithFollowUp => "就労支援機関の相談に同席し、その後もフォローアップ",
    }
}

pub fn purpose_display(p: Purpose) -> &'static str {
    match p {
        Purpose::NewEmployment => "新規就労",
        Purpose::JobRetention => "就労継続",
    }
}

pub fn agency_type_display(t: AgencyType) -> &'static str {
    match t {
        AgencyType::HelloWork => "ハローワーク",
        AgencyType::EmploymentLifeSupportCenter => "障害者就業・生活支援センター",
        AgencyType::VocationalCenter => "地域障害者職業センター",
        AgencyType::Other => "その他の就労等関係機関",
    }
}

pub fn consent_scope_display(s: ConsentScope) -> &'static str {
    match s {
        ConsentScope::EmploymentAgencies => "就労支援機関",
        ConsentScope::AllAgencies => "すべての関係機関",
        ConsentScope::Schools => "学校",
        ConsentScope::Employers => "事業主",
        ConsentScope::AllBodies => "関係機関・学校・事業主",
    }
}

/// The `CodeSystem` resource of one of Tsunagu's code systems. It holds no patient data.
pub fn code_system(name: CodeSystemName) -> Value {
    let (machine_name, title, description) = name.title();
    let concepts: Vec<Value> = name
        .concepts()
        .into_iter()
        .map(|(code, display, definition)| {
            json!({"code": code, "display": display, "definition": definition})
        })
        .collect();
    json!({
        "resourceType": "CodeSystem",
        "id": name.as_str(),
        "url": name.url(),
        "version": "1",
        "name": machine_name,
        "title": title,
        "status": "active",
        "experimental": false,
        "publisher": "Tsunagu",
        "description": description,
        "caseSensitive": true,
        "content": "complete",
        "count": concepts.len(),
        "concept": concepts,
    })
}

/// Where a referral stands in the closed loop, as a FHIR `Task` status.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TaskStatus {
    Requested,
    Accepted,
    InProgress,
    Completed,
    Cancelled,
}

impl TaskStatus {
    pub fn as_str(self) -> &'static str {
        match self {
            TaskStatus::Requested => "requested",
            TaskStatus::Accepted => "accepted",
            TaskStatus::InProgress => "in-progress",
            TaskStatus::Completed => "completed",
            TaskStatus::Cancelled => "cancelled",
        }
    }
}

/// The referral's place in the closed loop (requested → accepted → in-progress →
/// completed / cancelled), from the referral and its follow-ups:
///
/// - a closed referral is `completed` when it closed with a finding about the patient's
///   work (employed, kept the job, still searching, left the job, other) and `cancelled`
///   when the patient declined, contact was lost, or it closed with no outcome: the loop
///   did not close with the agency;
/// - an open referral follows its latest follow-up that was done (not cancelled): none yet,
///   or one that found the patient did not come, declined or could not be reached, is
///   `requested` (the agency has not taken the patient on); the patient with the agency
///   (came, registered as a job seeker, searching, other, or done without an outcome) is
///   `accepted`; support under way with a result (employed, kept the job, left the job,
///   job-retention support started) is `in-progress`. What the agency confirmed through
///   its link outranks the consultant's note on the same follow-up.
pub fn task_status(referral: &Referral, follow_ups: &[&FollowUp]) -> TaskStatus {
    if referral.status == ReferralStatus::Closed {
        return match referral.outcome {
            None | Some(CaseOutcome::Declined | CaseOutcome::LostContact) => TaskStatus::Cancelled,
            Some(_) => TaskStatus::Completed,
        };
    }
    let latest = follow_ups
        .iter()
        .filter(|f| f.done_on.is_some() && f.cancelled_on.is_none())
        .max_by_key(|f| (f.done_on, f.updated_at));
    let Some(f) = latest else {
        return TaskStatus::Requested;
    };
    if let Some(a) = f.agency_outcome {
        return match a {
            AgencyOutcome::DidNotCome => TaskStatus::Requested,
            AgencyOutcome::Came | AgencyOutcome::RegisteredJobSeeker => TaskStatus::Accepted,
            AgencyOutcome::Employed | AgencyOutcome::RetentionSupportStarted => {
                TaskStatus::InProgress
            }
        };
    }
    match f.outcome {
        Some(CaseOutcome::Declined | CaseOutcome::LostContact) => TaskStatus::Requested,
        None | Some(CaseOutcome::Searching | CaseOutcome::Other) => TaskStatus::Accepted,
        Some(CaseOutcome::Employed | CaseOutcome::Retained | CaseOutcome::LeftJob) => {
            TaskStatus::InProgress
        }
    }
}

/// The `ServiceRequest` status that goes with a referral's task: an open referral is
/// `active`; a closed one `completed`, or `revoked` when its loop was cancelled.
pub fn service_request_status(referral: &Referral, task: TaskStatus) -> &'static str {
    match (referral.status, task) {
        (ReferralStatus::Open, _) => "active",
        (ReferralStatus::Closed, TaskStatus::Cancelled) => "revoked",
        (ReferralStatus::Closed, _) => "completed",
    }
}

/// A referral's `Task` has no record of its own in Tsunagu: its id is derived from the
/// referral's, the same on every export, and distinct from any stored id (a name-based
/// UUID, RFC 9562 version 8).
pub fn task_id(referral_id: Uuid) -> Uuid {
    let digest = Sha256::new()
        .chain_update(b"tsunagu:fhir:Task:")
        .chain_update(referral_id.as_bytes())
        .finalize();
    let mut bytes = [0u8; 16];
    bytes.copy_from_slice(&digest[..16]);
    uuid::Builder::from_custom_bytes(bytes).into_uuid()
}

/// What a patient's bundle is built from: the records of one case, already read within
/// the caller's reach.
#[derive(Debug, Clone, Copy)]
pub struct CaseRecords<'a> {
    pub center: &'a Center,
    pub patient: &'a Patient,
    /// The agencies the referrals name (others are ignored).
    pub agencies: &'a [Agency],
    pub referrals: &'a [Referral],
    pub follow_ups: &'a [FollowUp],
    pub consents: &'a [Consent],
}

fn urn(id: Uuid) -> String {
    format!("urn:uuid:{id}")
}

fn reference(id: Uuid) -> Value {
    json!({"reference": urn(id)})
}

fn instant(t: DateTime<Utc>) -> String {
    t.to_rfc3339_opts(SecondsFormat::Millis, true)
}

fn date(d: NaiveDate) -> String {
    d.format("%Y-%m-%d").to_string()
}

fn coding(system: CodeSystemName, code: &str, display: &str) -> Value {
    json!({"system": system.url(), "code": code, "display": display})
}

fn extension_url(name: &str) -> String {
    format!("{CANONICAL}:StructureDefinition:{name}")
}

/// Text as FHIR's `string` allows it: its only whitespace is the space, tab, CR and LF, so
/// any other (the ideographic space U+3000 a Japanese name is often typed with, a
/// no-break space, a BOM) becomes a space; and none at either end.
pub fn fhir_text(s: &str) -> String {
    let spaced: String = s
        .chars()
        .map(|c| {
            if (c.is_whitespace() || c == '\u{feff}') && !matches!(c, ' ' | '\t' | '\r' | '\n') {
                ' '
            } else {
                c
            }
        })
        .collect();
    spaced.trim().to_owned()
}

/// Sets `key` only when there is a value: FHIR JSON has no nulls.
fn put(obj: &mut Map<String, Value>, key: &str, v: Option<Value>) {
    if let Some(v) = v {
        obj.insert(key.to_owned(), v);
    }
}

/// The identifier system of a center's case numbers (unique per center, so the center's
/// id is part of the system).
pub fn case_number_system(center: Uuid) -> String {
    format!("{CANONICAL}:center:{center}:case-number")
}

pub fn patient_resource(p: &Patient) -> Value {
    let name = |rep: &str, family: &str, given: &str| {
        let (family, given) = (fhir_text(family), fhir_text(given));
        json!({
            "extension": [{"url": EN_REPRESENTATION, "valueCode": rep}],
            "use": "official",
            "text": format!("{family} {given}"),
            "family": family,
            "given": [given],
        })
    };
    let mut r = Map::new();
    r.insert("resourceType".into(), json!("Patient"));
    r.insert("id".into(), json!(p.id.to_string()));
    r.insert(
        "identifier".into(),
        json!([
            {"system": "urn:ietf:rfc:3986", "value": urn(p.id)},
            {"system": case_number_system(p.center_id), "value": p.case_number},
        ]),
    );
    r.insert("active".into(), json!(true));
    r.insert(
        "name".into(),
        json!([
            name("IDE", &p.family_name, &p.given_name),
            name("SYL", &p.family_name_kana, &p.given_name_kana),
        ]),
    );
    let mut telecom = Vec::new();
    if let Some(phone) = &p.phone {
        telecom.push(json!({"system": "phone", "value": fhir_text(phone)}));
    }
    if let Some(email) = &p.email {
        telecom.push(json!({"system": "email", "value": fhir_text(email)}));
    }
    if !telecom.is_empty() {
        r.insert("telecom".into(), Value::Array(telecom));
    }
    put(
        &mut r,
        "gender",
        p.sex.map(|s| {
            json!(match s {
                Sex::Female => "female",
                Sex::Male => "male",
                Sex::Other => "other",
            })
        }),
    );
    r.insert("birthDate".into(), json!(date(p.birth_date)));
    r.insert("managingOrganization".into(), reference(p.center_id));
    Value::Object(r)
}

pub fn center_resource(c: &Center) -> Value {
    json!({
        "resourceType": "Organization",
        "id": c.id.to_string(),
        "identifier": [
            {"system": "urn:ietf:rfc:3986", "value": urn(c.id)},
            {"system": format!("{CANONICAL}:center-code"), "value": c.code},
        ],
        "active": c.active,
        "type": [{"text": "難病相談支援センター"}],
        "name": fhir_text(&c.name),
    })
}

pub fn agency_resource(a: &Agency) -> Value {
    let mut r = Map::new();
    r.insert("resourceType".into(), json!("Organization"));
    r.insert("id".into(), json!(a.id.to_string()));
    r.insert(
        "identifier".into(),
        json!([{"system": "urn:ietf:rfc:3986", "value": urn(a.id)}]),
    );
    r.insert("active".into(), json!(a.active));
    r.insert(
        "type".into(),
        json!([{"coding": [coding(
            CodeSystemName::AgencyType,
            a.agency_type.as_str(),
            agency_type_display(a.agency_type),
        )]}]),
    );
    r.insert("name".into(), json!(fhir_text(&a.name)));
    put(
        &mut r,
        "telecom",
        a.phone
            .as_ref()
            .map(|p| json!([{"system": "phone", "value": fhir_text(p), "use": "work"}])),
    );
    put(
        &mut r,
        "address",
        a.address.as_ref().map(|t| json!([{"text": fhir_text(t)}])),
    );
    Value::Object(r)
}

pub fn service_request_resource(r: &Referral, task: TaskStatus, agency_known: bool) -> Value {
    let mut o = Map::new();
    o.insert("resourceType".into(), json!("ServiceRequest"));
    o.insert("id".into(), json!(r.id.to_string()));
    o.insert(
        "extension".into(),
        json!([
            {"url": extension_url("referral-level"), "valueCoding": coding(
                CodeSystemName::ReferralLevel, r.level.as_str(), level_display(r.level))},
            {"url": extension_url("referral-purpose"), "valueCoding": coding(
                CodeSystemName::ReferralPurpose, r.purpose.as_str(), purpose_display(r.purpose))},
        ]),
    );
    o.insert(
        "identifier".into(),
        json!([{"system": "urn:ietf:rfc:3986", "value": urn(r.id)}]),
    );
    o.insert("status".into(), json!(service_request_status(r, task)));
    o.insert("intent".into(), json!("order"));
    o.insert(
        "code".into(),
        json!({
            "coding": [{"system": "http://snomed.info/sct", "code": "3457005",
                        "display": "Patient referral"}],
            "text": "就労支援機関への紹介",
        }),
    );
    o.insert("subject".into(), reference(r.patient_id));
    o.insert("authoredOn".into(), json!(date(r.referred_on)));
    o.insert("requester".into(), reference(r.center_id));
    if agency_known {
        o.insert("performer".into(), json!([reference(r.agency_id)]));
    }
    o.insert(
        "performerType".into(),
        json!({"coding": [coding(
            CodeSystemName::AgencyType,
            r.agency_type.as_str(),
            agency_type_display(r.agency_type),
        )]}),
    );
    put(
        &mut o,
        "note",
        r.handed_over
            .as_ref()
            .map(|h| json!([{"text": fhir_text(&format!("引き渡したもの: {h}"))}])),
    );
    Value::Object(o)
}

pub fn task_resource(r: &Referral, follow_ups: &[&FollowUp], agency_known: bool) -> Value {
    let status = task_status(r, follow_ups);
    let last_modified = follow_ups
        .iter()
        .map(|f| f.updated_at)
        .chain(std::iter::once(r.updated_at))
        .max()
        .unwrap_or(r.updated_at);
    let mut o = Map::new();
    o.insert("resourceType".into(), json!("Task"));
    o.insert("id".into(), json!(task_id(r.id).to_string()));
    o.insert("status".into(), json!(status.as_str()));
    o.insert("intent".into(), json!("order"));
    o.insert("focus".into(), reference(r.id));
    o.insert("for".into(), reference(r.patient_id));
    o.insert(
        "executionPeriod".into(),
        match r.closed_on {
            Some(end) => json!({"start": date(r.referred_on), "end": date(end)}),
            None => json!({"start": date(r.referred_on)}),
        },
    );
    o.insert("authoredOn".into(), json!(instant(r.created_at)));
    o.insert("lastModified".into(), json!(instant(last_modified)));
    o.insert("requester".into(), reference(r.center_id));
    if agency_known {
        o.insert("owner".into(), reference(r.agency_id));
    }
    put(
        &mut o,
        "businessStatus",
        r.outcome
            .or_else(|| {
                follow_ups
                    .iter()
                    .filter(|f| f.done_on.is_some())
                    .max_by_key(|f| (f.done_on, f.updated_at))
                    .and_then(|f| f.outcome)
            })
            .map(|o| json!({"text": o.as_str()})),
    );
    Value::Object(o)
}

pub fn consent_resource(c: &Consent) -> Value {
    let performer = match (c.given_by, &c.guardian_name) {
        (Some(GivenBy::Guardian), Some(name)) => {
            let who = match &c.guardian_relationship {
                Some(rel) => format!("{name}（{rel}）"),
                None => name.clone(),
            };
            json!([{"display": fhir_text(&who)}])
        }
        _ => json!([reference(c.patient_id)]),
    };
    let period = match c.withdrawn_on {
        Some(end) => json!({"start": date(c.given_on), "end": date(end)}),
        None => json!({"start": date(c.given_on)}),
    };
    json!({
        "resourceType": "Consent",
        "id": c.id.to_string(),
        "identifier": [{"system": "urn:ietf:rfc:3986", "value": urn(c.id)}],
        "status": if c.withdrawn_on.is_some() { "inactive" } else { "active" },
        "scope": {"coding": [{"system": "http://terminology.hl7.org/CodeSystem/consentscope",
                              "code": "patient-privacy", "display": "Privacy Consent"}]},
        "category": [
            {"coding": [{"system": "http://loinc.org", "code": "59284-0",
                         "display": "Patient Consent"}]},
            {"coding": [coding(CodeSystemName::ConsentScope, c.scope.as_str(),
                               consent_scope_display(c.scope))]},
        ],
        "patient": reference(c.patient_id),
        "dateTime": date(c.given_on),
        "performer": performer,
        "organization": [reference(c.center_id)],
        "policyRule": {"coding": [{"system": "http://terminology.hl7.org/CodeSystem/v3-ActCode",
                                   "code": "OPTIN"}]},
        "provision": {"type": "permit", "period": period},
    })
}

fn entry(resource: Value) -> Value {
    let id = resource
        .get("id")
        .and_then(Value::as_str)
        .unwrap_or_default()
        .to_owned();
    json!({"fullUrl": format!("urn:uuid:{id}"), "resource": resource})
}

/// The patient's bundle: Patient, the center, the agencies referred to, then per referral
/// its ServiceRequest and Task, then the consents.
pub fn patient_bundle(rec: CaseRecords<'_>, bundle_id: Uuid, now: DateTime<Utc>) -> Value {
    let mut entries = vec![
        entry(patient_resource(rec.patient)),
        entry(center_resource(rec.center)),
    ];
    let mut named: Vec<Uuid> = Vec::new();
    for r in rec.referrals {
        if !named.contains(&r.agency_id) {
            named.push(r.agency_id);
        }
    }
    for id in &named {
        if let Some(a) = rec.agencies.iter().find(|a| a.id == *id) {
            entries.push(entry(agency_resource(a)));
        }
    }
    for r in rec.referrals {
        let fus: Vec<&FollowUp> = rec
            .follow_ups
            .iter()
            .filter(|f| f.referral_id == r.id)
            .collect();
        let known = rec.agencies.iter().any(|a| a.id == r.agency_id);
        let status = task_status(r, &fus);
        entries.push(entry(service_request_resource(r, status, known)));
        entries.push(entry(task_resource(r, &fus, known)));
    }
    for c in rec.consents {
        entries.push(entry(consent_resource(c)));
    }
    json!({
        "resourceType": "Bundle",
        "id": bundle_id.to_string(),
        "meta": {"lastUpdated": instant(now)},
        "identifier": {"system": "urn:ietf:rfc:3986", "value": urn(bundle_id)},
        "type": "collection",
        "timestamp": instant(now),
        "entry": entries,
    })
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;
    use crate::values::{EmploymentStatus, OperatingType, Program, ReviewState, SupportAwareness};

    pub(crate) fn t(s: &str) -> DateTime<Utc> {
        DateTime::parse_from_rfc3339(s)
            .map(|d| d.with_timezone(&Utc))
            .unwrap_or_default()
    }

    fn d(s: &str) -> NaiveDate {
        NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap_or_default()
    }

    pub(crate) fn center() -> Center {
        Center {
            id: Uuid::from_u128(1),
            code: "hiroshima".into(),
            name: "広島県難病相談支援センター".into(),
            prefecture_code: "34".into(),
            operating_type: OperatingType::PatientOrganization,
            follow_up_days: 14,
            escalation_days: 7,
            sample_percent: 10,
            totp_roles: vec![],
            programs: vec![Program::Nanbyo],
            child_assent_age: 0,
            administration_id: None,
            active: true,
            version: 1,
            created_at: t("2026-04-01T00:00:00Z"),
            updated_at: t("2026-04-01T00:00:00Z"),
        }
    }

    pub(crate) fn patient() -> Patient {
        Patient {
            id: Uuid::from_u128(2),
            center_id: Uuid::from_u128(1),
            case_number: "2026-0001".into(),
            family_name: "山田".into(),
            given_name: "花子".into(),
            family_name_kana: "ヤマダ".into(),
            given_name_kana: "ハナコ".into(),
            birth_date: d("1990-05-01"),
            sex: Some(Sex::Female),
            prefecture_code: None,
            municipality_code: None,
            phone: Some("082-000-0000".into()),
            email: None,
            program: Program::Nanbyo,
            disease_number: None,
            diagnosis: None,
            employment_status: EmploymentStatus::JobSeeking,
            support_awareness: SupportAwareness::Unaware,
            referral_source: None,
            disability_certificate: false,
            notes: None,
            created_by: Uuid::from_u128(9),
            version: 1,
            created_at: t("2026-04-02T01:00:00Z"),
            updated_at: t("2026-04-02T01:00:00Z"),
        }
    }

    fn agency() -> Agency {
        Agency {
            id: Uuid::from_u128(3),
            center_id: Uuid::from_u128(1),
            agency_type: AgencyType::HelloWork,
            name: "ハローワーク広島".into(),
            phone: None,
            address: None,
            notes: None,
            active: true,
            version: 1,
            created_at: t("2026-04-01T00:00:00Z"),
            updated_at: t("2026-04-01T00:00:00Z"),
        }
    }

    fn referral(status: ReferralStatus, outcome: Option<CaseOutcome>) -> Referral {
        Referral {
            id: Uuid::from_u128(4),
            center_id: Uuid::from_u128(1),
            patient_id: Uuid::from_u128(2),
            consultation_id: None,
            agency_id: Uuid::from_u128(3),
            agency_type: AgencyType::HelloWork,
            purpose: Purpose::NewEmployment,
            level: Level::AccompaniedWithFollowUp,
            referred_on: d("2026-05-01"),
            handed_over: None,
            notes: None,
            status,
            outcome,
            closed_on: None,
            review_state: ReviewState::None,
            consultant_id: Uuid::from_u128(9),
            created_by: Uuid::from_u128(9),
            version: 1,
            created_at: t("2026-05-01T02:00:00Z"),
            updated_at: t("2026-05-01T02:00:00Z"),
        }
    }

    fn follow_up(
        n: u128,
        done_on: Option<&str>,
        outcome: Option<CaseOutcome>,
        agency: Option<AgencyOutcome>,
    ) -> FollowUp {
        FollowUp {
            id: Uuid::from_u128(100 + n),
            center_id: Uuid::from_u128(1),
            referral_id: Uuid::from_u128(4),
            patient_id: Uuid::from_u128(2),
            assignee_id: Uuid::from_u128(9),
            due_on: d("2026-05-15"),
            done_on: done_on.map(d),
            method: None,
            contacted: None,
            outcome,
            notes: None,
            next_due_on: None,
            cancelled_on: None,
            not_recorded: false,
            recorded_by: None,
            agency_link_id: None,
            agency_outcome: agency,
            created_by: Uuid::from_u128(9),
            version: 1,
            created_at: t("2026-05-01T02:00:00Z"),
            updated_at: t("2026-05-16T02:00:00Z"),
        }
    }

    #[test]
    fn text_keeps_only_the_whitespace_fhir_allows() {
        assert_eq!(fhir_text("山田\u{3000}花子"), "山田 花子");
        assert_eq!(fhir_text("a\u{a0}b\u{feff}c\td\ne"), "a b c\td\ne");
        let mut p = patient();
        p.family_name = "山田\u{3000}".into();
        let r = patient_resource(&p);
        assert_eq!(r["name"][0]["family"], "山田");
        assert_eq!(r["name"][0]["text"], "山田 花子");
    }

    #[test]
    fn a_referral_with_nothing_done_yet_is_requested() {
        let r = referral(ReferralStatus::Open, None);
        let pending = follow_up(1, None, None, None);
        assert_eq!(task_status(&r, &[]), TaskStatus::Requested);
        assert_eq!(task_status(&r, &[&pending]), TaskStatus::Requested);
        assert_eq!(service_request_status(&r, TaskStatus::Requested), "active");
    }

    #[test]
    fn the_latest_done_follow_up_moves_an_open_referral_along_the_loop() {
        let r = referral(ReferralStatus::Open, None);
        let searching = follow_up(1, Some("2026-05-15"), Some(CaseOutcome::Searching), None);
        assert_eq!(task_status(&r, &[&searching]), TaskStatus::Accepted);
        let employed = follow_up(2, Some("2026-06-15"), Some(CaseOutcome::Employed), None);
        assert_eq!(
            task_status(&r, &[&employed, &searching]),
            TaskStatus::InProgress
        );
        let lost = follow_up(3, Some("2026-07-15"), Some(CaseOutcome::LostContact), None);
        assert_eq!(
            task_status(&r, &[&searching, &employed, &lost]),
            TaskStatus::Requested
        );
        let mut cancelled = follow_up(4, Some("2026-08-15"), Some(CaseOutcome::Declined), None);
        cancelled.cancelled_on = Some(d("2026-08-15"));
        assert_eq!(
            task_status(&r, &[&searching, &cancelled]),
            TaskStatus::Accepted,
            "a cancelled follow-up says nothing about the loop"
        );
    }

    #[test]
    fn what_the_agency_confirmed_outranks_the_note() {
        let r = referral(ReferralStatus::Open, None);
        let came = follow_up(
            1,
            Some("2026-05-15"),
            Some(CaseOutcome::LostContact),
            Some(AgencyOutcome::Came),
        );
        assert_eq!(task_status(&r, &[&came]), TaskStatus::Accepted);
        let started = follow_up(
            2,
            Some("2026-05-20"),
            None,
            Some(AgencyOutcome::RetentionSupportStarted),
        );
        assert_eq!(task_status(&r, &[&came, &started]), TaskStatus::InProgress);
        let absent = follow_up(3, Some("2026-05-25"), None, Some(AgencyOutcome::DidNotCome));
        assert_eq!(task_status(&r, &[&came, &absent]), TaskStatus::Requested);
    }

    #[test]
    fn a_closed_referral_is_completed_or_cancelled_by_its_outcome() {
        let done = referral(ReferralStatus::Closed, Some(CaseOutcome::Employed));
        assert_eq!(task_status(&done, &[]), TaskStatus::Completed);
        assert_eq!(
            service_request_status(&done, TaskStatus::Completed),
            "completed"
        );
        for o in [
            None,
            Some(CaseOutcome::Declined),
            Some(CaseOutcome::LostContact),
        ] {
            let r = referral(ReferralStatus::Closed, o);
            assert_eq!(task_status(&r, &[]), TaskStatus::Cancelled, "{o:?}");
            assert_eq!(service_request_status(&r, TaskStatus::Cancelled), "revoked");
        }
    }

    #[test]
    fn the_patient_carries_kanji_and_kana_names_the_jp_core_way() {
        let p = patient_resource(&patient());
        assert_eq!(p["resourceType"], "Patient");
        let names = p["name"].as_array().cloned().unwrap_or_default();
        assert_eq!(names.len(), 2);
        assert_eq!(names[0]["extension"][0]["url"], EN_REPRESENTATION);
        assert_eq!(names[0]["extension"][0]["valueCode"], "IDE");
        assert_eq!(names[0]["family"], "山田");
        assert_eq!(names[0]["given"][0], "花子");
        assert_eq!(names[1]["extension"][0]["valueCode"], "SYL");
        assert_eq!(names[1]["family"], "ヤマダ");
        assert_eq!(p["gender"], "female");
        assert_eq!(p["birthDate"], "1990-05-01");
        assert_eq!(p["identifier"][1]["value"], "2026-0001");
        assert_eq!(
            p["managingOrganization"]["reference"],
            format!("urn:uuid:{}", Uuid::from_u128(1))
        );
        let mut unknown = patient();
        unknown.sex = None;
        assert!(patient_resource(&unknown).get("gender").is_none());
    }

    #[test]
    fn the_bundle_holds_one_request_and_task_per_referral_and_links_them() {
        let c = center();
        let p = patient();
        let a = agency();
        let r = referral(ReferralStatus::Open, None);
        let f = follow_up(1, Some("2026-05-15"), Some(CaseOutcome::Searching), None);
        let consent = Consent {
            id: Uuid::from_u128(5),
            center_id: c.id,
            patient_id: p.id,
            given_on: d("2026-04-02"),
            scope: ConsentScope::EmploymentAgencies,
            withdrawn_on: Some(d("2026-09-01")),
            notes: None,
            given_by: Some(GivenBy::SelfGiven),
            guardian_name: None,
            guardian_relationship: None,
            child_assent: false,
            recorded_by: Uuid::from_u128(9),
            version: 1,
            created_at: t("2026-04-02T01:00:00Z"),
            updated_at: t("2026-04-02T01:00:00Z"),
        };
        let b = patient_bundle(
            CaseRecords {
                center: &c,
                patient: &p,
                agencies: std::slice::from_ref(&a),
                referrals: std::slice::from_ref(&r),
                follow_ups: std::slice::from_ref(&f),
                consents: std::slice::from_ref(&consent),
            },
            Uuid::from_u128(77),
            t("2026-10-01T00:00:00Z"),
        );
        assert_eq!(b["resourceType"], "Bundle");
        assert_eq!(b["type"], "collection");
        assert!(b.get("total").is_none());
        let kinds: Vec<&str> = b["entry"]
            .as_array()
            .map(|e| {
                e.iter()
                    .filter_map(|x| x["resource"]["resourceType"].as_str())
                    .collect()
            })
            .unwrap_or_default();
        assert_eq!(
            kinds,
            vec![
                "Patient",
                "Organization",
                "Organization",
                "ServiceRequest",
                "Task",
                "Consent"
            ]
        );
        let sr = &b["entry"][3]["resource"];
        assert_eq!(sr["intent"], "order");
        assert_eq!(sr["status"], "active");
        assert_eq!(
            sr["performer"][0]["reference"],
            format!("urn:uuid:{}", a.id)
        );
        assert_eq!(
            sr["extension"][0]["valueCoding"]["code"],
            "accompanied_with_follow_up"
        );
        assert_eq!(
            sr["extension"][0]["valueCoding"]["system"],
            CodeSystemName::ReferralLevel.url()
        );
        assert_eq!(sr["extension"][1]["valueCoding"]["code"], "new_employment");
        let task = &b["entry"][4]["resource"];
        assert_eq!(task["status"], "accepted");
        assert_eq!(task["focus"]["reference"], format!("urn:uuid:{}", r.id));
        assert_eq!(task["for"]["reference"], format!("urn:uuid:{}", p.id));
        assert_eq!(
            b["entry"][4]["fullUrl"],
            format!("urn:uuid:{}", task_id(r.id))
        );
        assert_ne!(task_id(r.id), r.id);
        assert_eq!(task_id(r.id), task_id(r.id));
        let cons = &b["entry"][5]["resource"];
        assert_eq!(cons["status"], "inactive");
        assert_eq!(cons["provision"]["period"]["end"], "2026-09-01");
    }

    #[test]
    fn every_code_system_lists_every_value_and_names_itself() {
        for n in CodeSystemName::ALL {
            assert_eq!(CodeSystemName::parse(n.as_str()), Some(*n));
            let cs = code_system(*n);
            assert_eq!(cs["url"], n.url());
            assert_eq!(cs["content"], "complete");
            assert_eq!(cs["count"], cs["concept"].as_array().map_or(0, Vec::len));
        }
        let levels = code_system(CodeSystemName::ReferralLevel);
        assert_eq!(levels["concept"].as_array().map(Vec::len), Some(4));
        assert_eq!(levels["concept"][3]["code"], "accompanied_with_follow_up");
        assert_eq!(CodeSystemName::parse("patients"), None);
    }
}
