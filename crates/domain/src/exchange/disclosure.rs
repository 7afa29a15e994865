//! Everything held about one patient, produced for disclosure to them (APPI
//! 保有個人データの開示, 個人情報保護法第33条): the profile, consultations, consents,
//! referrals with the records of data provided and their follow-ups, and who read or
//! changed the record and when (the audit trail's events for the patient).

use super::Exchange;
use crate::app::Ctx;
use crate::audit::AuditEvent;
use crate::entities::{Agency, CaseHistory, Center, Patient};
use crate::error::DomainError;
use crate::events::Action;
use crate::policy;
use crate::ports::{AuditFilter, Scope};
use chrono::{DateTime, Utc};
use uuid::Uuid;

/// How many audit events are read per round: a patient's trail is read whole, in pages.
const TRAIL_PAGE: i64 = 500;

/// One event of the patient's trail, with the name of the staff member it was by (when
/// it was a person of the center).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AccessEntry {
    pub event: AuditEvent,
    pub actor_name: Option<String>,
}

/// Everything held about one patient.
#[derive(Debug, Clone)]
pub struct Disclosure {
    pub produced_at: DateTime<Utc>,
    pub center: Center,
    pub patient: Patient,
    pub history: CaseHistory,
    /// The agencies the referrals and data provided name.
    pub agencies: Vec<Agency>,
    /// Oldest first.
    pub access: Vec<AccessEntry>,
}

/// The trail's events oldest first (the store answers newest first, page by page).
pub fn oldest_first(pages: Vec<Vec<AuditEvent>>) -> Vec<AuditEvent> {
    let mut all: Vec<AuditEvent> = pages.into_iter().flatten().collect();
    all.sort_by_key(|e| e.seq);
    all.dedup_by_key(|e| e.seq);
    all
}

impl Exchange<'_> {
    /// Everything held about the patient, for the supervisor to hand to them. Audited as
    /// a disclosure (durable before it is answered).
    #[tracing::instrument(name = "exchange.disclosure", skip_all, fields(center_id = ?ctx.actor.center_id, %id))]
    pub fn disclosure(&self, ctx: &Ctx, id: Uuid) -> Result<Disclosure, DomainError> {
        self.guard(ctx, Action::PatientDisclosure, Some(id), || {
            let center_id = policy::disclose_patient(&ctx.actor)?;
            let reach = policy::PatientReach::Center(center_id);
            let patient = self.patients().reachable(reach, id)?;
            let center = self.store.center(center_id)?.ok_or(DomainError::NotFound)?;
            let history = self.store.case_history(center_id, &patient)?;
            let mut agencies: Vec<Agency> = Vec::new();
            let named = history
                .referrals
                .iter()
                .map(|r| r.agency_id)
                .chain(history.provisions.iter().map(|p| p.agency_id));
            for agency_id in named {
                if agencies.iter().any(|a| a.id == agency_id) {
                    continue;
                }
                if let Some(a) = self.store.agency(Scope::Center(center_id), agency_id)? {
                    agencies.push(a);
                }
            }
            let mut pages = Vec::new();
            let mut before = None;
            loop {
                let filter = AuditFilter {
                    center: Some(center_id),
                    patient_id: Some(id),
                    before_seq: before,
                    ..AuditFilter::default()
                };
                let page = self.store.audit_events(&filter, TRAIL_PAGE)?;
                let full = page.len() as i64 == TRAIL_PAGE;
                before = page.iter().map(|e| e.seq).min();
                pages.push(page);
                if !full || before.is_none() {
                    break;
                }
            }
            let events = oldest_first(pages);
            let mut names: Vec<(String, Option<String>)> = Vec::new();
            let mut access = Vec::with_capacity(events.len());
            for event in events {
                let actor_name = match &event.record.actor_id {
                    None => None,
                    Some(a) => match names.iter().find(|(k, _)| k == a) {
                        Some((_, n)) => n.clone(),
                        None => {
                            let n = match Uuid::parse_str(a) {
                                Ok(u) => self
                                    .store
                                    .user(Scope::Center(center_id), u)?
                                    .map(|u| u.display_name),
                                Err(_) => None,
                            };
                            names.push((a.clone(), n.clone()));
                            n
                        }
                    },
                };
                access.push(AccessEntry { event, actor_name });
            }
            self.log_read(ctx, Action::PatientDisclosure, id, id)?;
            Ok(Disclosure {
                produced_at: self.clock.now(),
                center,
                patient,
                history,
                agencies,
                access,
            })
        })
    }
}

/// One line of the disclosure as a document for the patient to read (the PDF).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum DocLine {
    Title(String),
    Heading(String),
    Text(String),
}

fn opt(v: Option<&str>) -> &str {
    v.unwrap_or("—")
}

/// The disclosure as lines of Japanese text, in the order the JSON has them: who holds
/// the records, the profile, consultations, consents, referrals with the data provided and
/// their follow-ups, and who read or changed the record when.
pub fn document(d: &Disclosure) -> Vec<DocLine> {
    use super::fhir::{agency_type_display, consent_scope_display, level_display, purpose_display};
    let h = &d.history;
    let p = &d.patient;
    let agency = |id: Uuid| {
        d.agencies
            .iter()
            .find(|a| a.id == id)
            .map_or_else(|| id.to_string(), |a| a.name.clone())
    };
    let mut out = vec![
        DocLine::Title("保有個人データの開示".into()),
        DocLine::Text(format!("保有者: {}", d.center.name)),
        DocLine::Text(format!(
            "作成日時: {}",
            d.produced_at
                .with_timezone(&crate::clock::tokyo())
                .format("%Y-%m-%d %H:%M")
        )),
        DocLine::Heading("本人の情報".into()),
        DocLine::Text(format!("氏名: {} {}", p.family_name, p.given_name)),
        DocLine::Text(format!(
            "フリガナ: {} {}",
            p.family_name_kana, p.given_name_kana
        )),
        DocLine::Text(format!("生年月日: {}", p.birth_date)),
        DocLine::Text(format!("ケース番号: {}", p.case_number)),
        DocLine::Text(format!("電話: {}", opt(p.phone.as_deref()))),
        DocLine::Text(format!("メール: {}", opt(p.email.as_deref()))),
        DocLine::Text(format!("診断名: {}", opt(p.diagnosis.as_deref()))),
        DocLine::Text(format!("備考: {}", opt(p.notes.as_deref()))),
        DocLine::Heading(format!("相談（{}件）", h.consultations.len())),
    ];
    for c in &h.consultations {
        let topics: Vec<&str> = c.topics.iter().map(|t| t.as_str()).collect();
        out.push(DocLine::Text(format!(
            "{} {} {}: {}",
            c.occurred_at
                .with_timezone(&crate::clock::tokyo())
                .format("%Y-%m-%d %H:%M"),
            c.channel.as_str(),
            topics.join("・"),
            opt(c.summary.as_deref())
        )));
    }
    out.push(DocLine::Heading(format!(
        "個人情報の提供に関する同意（{}件）",
        h.consents.len()
    )));
    for c in &h.consents {
        out.push(DocLine::Text(format!(
            "{} {}{}",
            c.given_on,
            consent_scope_display(c.scope),
            c.withdrawn_on
                .map(|w| format!("（{w} 撤回）"))
                .unwrap_or_default()
        )));
    }
    out.push(DocLine::Heading(format!(
        "就労支援機関への紹介（{}件）",
        h.referrals.len()
    )));
    for r in &h.referrals {
        out.push(DocLine::Text(format!(
            "{} {}（{}） {} レベル{} {} 状態: {}{}",
            r.referred_on,
            agency(r.agency_id),
            agency_type_display(r.agency_type),
            purpose_display(r.purpose),
            r.level.rank(),
            level_display(r.level),
            r.status.as_str(),
            r.outcome
                .map(|o| format!(" 結果: {}", o.as_str()))
                .unwrap_or_default()
        )));
        for pr in h.provisions.iter().filter(|x| x.referral_id == r.id) {
            let items: Vec<&str> = pr.items.iter().map(|i| i.as_str()).collect();
            out.push(DocLine::Text(format!(
                "  提供した情報 {} {}: {}",
                pr.provided_on,
                agency(pr.agency_id),
                items.join("・")
            )));
        }
        for f in h
            .follow_ups
            .iter()
            .filter(|f| f.follow_up.referral_id == r.id)
        {
            let f = &f.follow_up;
            out.push(DocLine::Text(format!(
                "  フォローアップ 予定 {} 実施 {} 結果 {} {}",
                f.due_on,
                match (f.done_on, f.not_recorded) {
                    (Some(d), _) => d.to_string(),
                    // Imported from a 台帳 whose day had passed with nothing written.
                    (None, true) => "記録なし".into(),
                    (None, false) => "—".into(),
                },
                f.outcome.map_or("—", |o| o.as_str()),
                opt(f.notes.as_deref())
            )));
        }
    }
    if !h.events.is_empty() || !h.project_sessions.is_empty() {
        out.push(DocLine::Heading("参加した催し・事業".into()));
        for e in &h.events {
            out.push(DocLine::Text(format!("{} {}", e.held_on, e.title)));
        }
        for s in &h.project_sessions {
            out.push(DocLine::Text(format!("{} 小慢の任意事業", s.held_on)));
        }
    }
    out.push(DocLine::Heading(format!(
        "記録を閲覧・変更した人と日時（日本時間、{}件）",
        d.access.len()
    )));
    for a in &d.access {
        let r = &a.event.record;
        out.push(DocLine::Text(format!(
            "{} {} {} {} {}",
            DateTime::parse_from_rfc3339(&r.occurred_at).map_or_else(
                |_| r.occurred_at.clone(),
                |t| t
                    .with_timezone(&crate::clock::tokyo())
                    .format("%Y-%m-%d %H:%M:%S")
                    .to_string()
            ),
            a.actor_name.as_deref().unwrap_or(&r.actor_kind),
            opt(r.actor_role.as_deref()),
            r.action,
            r.outcome
        )));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::exchange::fhir::tests::{center, patient, t};

    #[test]
    fn the_document_reads_in_japanese_and_in_japan_time() {
        let d = Disclosure {
            produced_at: t("2026-10-01T00:30:00Z"),
            center: center(),
            patient: patient(),
            history: CaseHistory::default(),
            agencies: vec![],
            access: vec![],
        };
        let lines = document(&d);
        assert_eq!(lines[0], DocLine::Title("保有個人データの開示".into()));
        for line in [
            DocLine::Text("保有者: 広島県難病相談支援センター".into()),
            DocLine::Text("作成日時: 2026-10-01 09:30".into()),
            DocLine::Text("氏名: 山田 花子".into()),
            DocLine::Text("フリガナ: ヤマダ ハナコ".into()),
            DocLine::Text("メール: —".into()),
            DocLine::Heading("相談（0件）".into()),
            DocLine::Heading("就労支援機関への紹介（0件）".into()),
        ] {
            assert!(lines.contains(&line), "{line:?} in {lines:?}");
        }
        assert_eq!(
            lines.last(),
            Some(&DocLine::Heading(
                "記録を閲覧・変更した人と日時（日本時間、0件）".into()
            ))
        );
    }
}
