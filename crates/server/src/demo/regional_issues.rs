//! The demo's PDCA register: a few regional issues of 広島県 at every stage, each moved
//! through the cycle on its own days by the prefecture's officer, with measures, live
//! figures from the demo centers' data, and last year's summary published — all through the
//! use cases, on the first run that registers the prefecture.

use super::cases::office_time;
use super::clock::DemoClock;
use chrono::{Duration, NaiveDate};
use rand::rngs::StdRng;
use tsunagu_domain::DomainError;
use tsunagu_domain::app::{Ctx, Services};
use tsunagu_domain::entities::{Actor, RequestMeta};
use tsunagu_domain::if_match::IfMatch;
use tsunagu_domain::page::{MAX_LIMIT, PageRequest};
use tsunagu_domain::ports::{CouncilFilter, Scope};
use tsunagu_domain::regional::administrations::Administration;
use tsunagu_domain::regional::issues::{FigureInput, IssueInput, IssueUpdate, MeasureInput};
use tsunagu_domain::values::{
    CouncilKind, FigureKind, IssueCategory, IssueStage, MeasureStatus, MeetingStatus, Role,
};
use uuid::Uuid;

/// One demo issue: where it ends in the cycle, its measures and its figures.
struct Plan {
    title: &'static str,
    category: IssueCategory,
    description: &'static str,
    evidence: &'static str,
    stage: IssueStage,
    measures: &'static [(&'static str, &'static str, MeasureStatus)],
    /// Kind, parameter, label and target.
    figures: &'static [(
        FigureKind,
        Option<&'static str>,
        &'static str,
        Option<&'static str>,
    )],
    evaluation: &'static str,
    /// Which council works on it: the 難病 council's 部会, the 小慢 council, or none.
    council: Works,
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Works {
    IntractableSub,
    Pediatric,
    Nobody,
}

const PLANS: &[Plan] = &[
    Plan {
        title: "就労支援機関への紹介が案内のみに留まっている",
        category: IssueCategory::Employment,
        description: "障害者就業・生活支援センターへの紹介の多くが、相談先の案内のみで終わっている。",
        evidence: "センターの紹介記録（対応レベル1の割合）",
        stage: IssueStage::Evaluation,
        measures: &[
            (
                "同行支援の手引きを作成し、センター職員に研修",
                "難病相談支援センター",
                MeasureStatus::Done,
            ),
            (
                "就業・生活支援センターとの連絡会を年2回開催",
                "県 難病対策担当",
                MeasureStatus::Done,
            ),
        ],
        figures: &[(
            FigureKind::ReferralsInformationOnlyShare,
            Some("employment_life_support_center"),
            "障害者就業・生活支援センターへの紹介のうち案内のみの割合",
            Some("50%以下"),
        )],
        evaluation: "連絡会の後、電話仲介以上の紹介が増えた。次年度も指標を追う。",
        council: Works::IntractableSub,
    },
    Plan {
        title: "フォローアップの約束が期限を過ぎている",
        category: IssueCategory::Employment,
        description: "同席・フォローアップ（レベル4）の約束が期限内に果たされていない例がある。",
        evidence: "監督画面の期限切れ件数",
        stage: IssueStage::Implementation,
        measures: &[(
            "期限の1週間前に担当者へ通知し、月1回の確認会を設ける",
            "難病相談支援センター",
            MeasureStatus::InProgress,
        )],
        figures: &[(
            FigureKind::OverdueFollowUps,
            None,
            "期限を過ぎたフォローアップ（レベル4）",
            Some("0件"),
        )],
        evaluation: "",
        council: Works::IntractableSub,
    },
    Plan {
        title: "災害時に人工呼吸器を使う患者の把握",
        category: IssueCategory::DisasterMedical,
        description: "停電時に電源確保が必要な在宅患者の名簿が保健所ごとに異なる。",
        evidence: "保健所の聞き取り",
        stage: IssueStage::Planning,
        measures: &[(
            "避難行動要支援者名簿との突合の手順を検討",
            "県 危機管理課・保健所",
            MeasureStatus::Planned,
        )],
        figures: &[],
        evaluation: "",
        council: Works::Nobody,
    },
    Plan {
        title: "小慢児童のレスパイト先が足りない",
        category: IssueCategory::MedicalCareChildren,
        description: "医療的ケアのある子どもを預けられる先が少なく、家族の負担が大きい。",
        evidence: "自立支援員のニーズ台帳",
        stage: IssueStage::Extraction,
        measures: &[],
        figures: &[(
            FigureKind::OpenShomanNeeds,
            Some("respite"),
            "レスパイトのニーズ（未充足）",
            None,
        )],
        evaluation: "",
        council: Works::Pediatric,
    },
    Plan {
        title: "センターの就労相談が知られていない",
        category: IssueCategory::Awareness,
        description: "就労の相談ができることが、受給者証の更新時に伝わっていない。",
        evidence: "相談のうち就労に関するものの件数",
        stage: IssueStage::Evaluation,
        measures: &[(
            "受給者証更新の案内にセンターのちらしを同封",
            "県 難病対策担当",
            MeasureStatus::Done,
        )],
        figures: &[(
            FigureKind::ConsultationsOnTopic,
            Some("employment"),
            "就労に関する相談の件数（年度）",
            None,
        )],
        evaluation: "同封後、就労に関する相談が増えた。",
        council: Works::IntractableSub,
    },
];

const REASONS: [&str; 4] = [
    "課題の登録",
    "協議会で課題として確認し、対策の検討へ",
    "対策を決定し、実施へ",
    "年度末に評価",
];

/// The officer of the administration, as they act.
fn officer(services: &Services, a: &Administration) -> Result<Option<Ctx>, DomainError> {
    let page = PageRequest {
        limit: MAX_LIMIT,
        after: None,
        after_key: None,
        updated_since: None,
    };
    let users = services.store().users(Scope::All, page)?;
    Ok(users
        .items
        .into_iter()
        .find(|u| u.role == Role::MunicipalOfficer && u.administration_id == Some(a.id))
        .map(|u| Ctx {
            actor: Actor {
                user_id: u.id,
                session_id: Uuid::now_v7(),
                role: u.role,
                center_id: None,
                administration_id: Some(a.id),
                login: u.login.clone(),
                display_name: u.display_name.clone(),
                totp_enabled: false,
                must_enroll_totp: false,
                must_change_password: false,
                scopes: None,
            },
            meta: RequestMeta {
                request_id: "demo-data".into(),
                source: Some("tsunagu demo-data".into()),
                idempotency: None,
            },
        }))
}

/// Registers the issues and moves each through the cycle over the past months; publishes
/// last fiscal year's summary. Answers how many issues it registered.
pub(super) fn work(
    rng: &mut StdRng,
    services: &Services,
    clock: &DemoClock,
    administration: &Administration,
    today: NaiveDate,
) -> Result<usize, DomainError> {
    let Some(ctx) = officer(services, administration)? else {
        return Ok(0);
    };
    let issues = services.regional_issues();
    let page = PageRequest {
        limit: MAX_LIMIT,
        after: None,
        after_key: None,
        updated_since: None,
    };
    let councils = services
        .store()
        .councils(
            &CouncilFilter {
                administration: Some(administration.id),
                ..Default::default()
            },
            page.clone(),
        )?
        .items;
    let sub = councils
        .iter()
        .find(|c| c.kind == CouncilKind::Intractable && c.parent_id.is_some())
        .or_else(|| councils.iter().find(|c| c.kind == CouncilKind::Intractable))
        .map(|c| c.id);
    let pediatric = councils
        .iter()
        .find(|c| c.kind == CouncilKind::Pediatric)
        .map(|c| c.id);
    let mut discussed: Vec<(Uuid, Uuid)> = Vec::new();
    for (n, plan) in PLANS.iter().enumerate() {
        let council = match plan.council {
            Works::IntractableSub => sub,
            Works::Pediatric => pediatric,
            Works::Nobody => None,
        };
        // Each issue starts on its own day, 300 to 200 days ago, and moves every 40 days.
        let start = today - Duration::days(300 - 20 * n as i64);
        let day = |step: i64| (start + Duration::days(40 * step)).min(today);
        clock.set(office_time(rng, day(0)));
        let issue = issues.create(
            &ctx,
            IssueInput {
                title: plan.title.into(),
                description: Some(plan.description.into()),
                category: plan.category.as_str().into(),
                evidence: Some(plan.evidence.into()),
                council_id: council,
                officer_id: None,
            },
        )?;
        if let Some(c) = council {
            discussed.push((c, issue.id));
        }
        for (kind, parameter, label, target) in plan.figures {
            issues.link_figure(
                &ctx,
                issue.id,
                FigureInput {
                    kind: kind.as_str().into(),
                    parameter: parameter.map(str::to_owned),
                    label: (*label).into(),
                    target: target.map(str::to_owned),
                },
            )?;
        }
        let mut version = issue.version;
        for step in 1..plan.stage.step() {
            let to = IssueStage::ALL[usize::from(step)];
            clock.set(office_time(rng, day(i64::from(step))));
            // The measures are decided before the council implements them.
            if to == IssueStage::Implementation {
                add_measures(&issues, &ctx, issue.id, plan, today + Duration::days(120))?;
            }
            let (moved, _) = issues.change_stage(
                &ctx,
                issue.id,
                IfMatch::Version(version),
                to.as_str(),
                REASONS[usize::from(step)],
                None,
            )?;
            version = moved.version;
        }
        // An issue still being planned has its measures drafted.
        if plan.stage < IssueStage::Implementation {
            add_measures(&issues, &ctx, issue.id, plan, today + Duration::days(180))?;
        }
        clock.set(office_time(rng, today));
        for m in issues_measures(services, &ctx, issue.id)? {
            if let Some((_, _, status)) = plan.measures.iter().find(|(t, _, _)| *t == m.title)
                && *status != MeasureStatus::Planned
            {
                issues.update_measure(
                    &ctx,
                    issue.id,
                    m.id,
                    IfMatch::Version(m.version),
                    tsunagu_domain::regional::issues::MeasureUpdate {
                        status: Some(status.as_str().into()),
                        ..Default::default()
                    },
                )?;
            }
        }
        if !plan.evaluation.is_empty() {
            issues.update(
                &ctx,
                issue.id,
                IfMatch::Version(version),
                IssueUpdate {
                    evaluation: Some(plan.evaluation.into()),
                    ..Default::default()
                },
            )?;
        }
    }
    // Each council's held meetings discussed the issues it works on.
    let mut by_council: std::collections::BTreeMap<Uuid, Vec<Uuid>> = Default::default();
    for (c, i) in discussed {
        by_council.entry(c).or_default().push(i);
    }
    for (council, ids) in by_council {
        for m in services.store().meetings(council, page.clone())?.items {
            if m.status == MeetingStatus::Held {
                issues.set_meeting_issues(&ctx, m.id, ids.clone())?;
            }
        }
    }
    let last_year = tsunagu_domain::values::fiscal_year(today) - 1;
    services
        .publications()
        .publish(&ctx, administration.id, last_year)?;
    Ok(PLANS.len())
}

fn add_measures(
    issues: &tsunagu_domain::regional::issues::RegionalIssues<'_>,
    ctx: &Ctx,
    issue: Uuid,
    plan: &Plan,
    due: NaiveDate,
) -> Result<(), DomainError> {
    for (title, owner, _) in plan.measures {
        issues.add_measure(
            ctx,
            issue,
            MeasureInput {
                title: (*title).into(),
                owner: (*owner).into(),
                due_on: Some(due.to_string()),
                ..Default::default()
            },
        )?;
    }
    Ok(())
}

fn issues_measures(
    services: &Services,
    ctx: &Ctx,
    issue: Uuid,
) -> Result<Vec<tsunagu_domain::regional::issues::Measure>, DomainError> {
    Ok(services.regional_issues().get(ctx, issue)?.measures)
}
