//! The 小慢 self-reliance support work of the demo center, written once every case exists:
//! the 自立支援員's support plans for some of the 小慢 children, at every stage (draft,
//! submitted, approved with a review scheduled — some overdue —, returned with a comment, a
//! second revision), their actions (open, done, overdue), liaison contacts with schools and
//! agencies (one passing data to a school under the guardian's `schools` consent), the
//! optional projects with their sessions over the past year, and the needs register.
//!
//! As for the cases, every record is made through the use cases the API calls, by the
//! 自立支援員 (plans, liaison, projects) or the supervisor (reviews), on the demo clock set to
//! each step's day. The work is bounded (at most [`COHORT_MAX`] children get a plan, three
//! projects hold at most a session a month), so it adds seconds at most to a demo of any
//! size.

use super::cases::{ShomanChild, office_time, pick};
use super::clock::DemoClock;
use super::setup::DemoCenter;
use chrono::{Datelike, Duration, Months, NaiveDate};
use rand::Rng;
use rand::rngs::StdRng;
use tsunagu_domain::DomainError;
use tsunagu_domain::app::Services;
use tsunagu_domain::cases::{ADULT_AGE, ConsentInput, age_on};
use tsunagu_domain::shoman::projects::{
    NeedInput, NeedUpdate, ParticipantInput, ProjectInput, SessionInput,
};
use tsunagu_domain::shoman::{
    ActionInput, ActionUpdate, GoalInput, LiaisonInput, PlanInput, PlanUpdate,
};
use tsunagu_domain::values::{
    BodyKind, ConsentScope, DEFAULT_CHILD_ASSENT_AGE, GoalKind, NeedKind, ProjectKind,
    SessionActivity,
};
use uuid::Uuid;

/// At most this many children get a support plan: enough for every stage several times
/// over and a busy worker's caseload, whatever the demo's size.
const COHORT_MAX: usize = 30;
/// At least this many (when the demo has that many 小慢 children): one plan per stage.
const COHORT_MIN: usize = 6;
/// One in this many 小慢 children gets a plan (the paper: only a minority of areas write
/// individual plans; a center that does, does not write one for every child).
const COHORT_SHARE: usize = 5;

/// What the 小慢 work made, for the summary line.
#[derive(Debug, Default, Clone, Copy)]
pub struct ShomanCounts {
    pub plans: usize,
    pub actions: usize,
    pub contacts: usize,
    pub projects: usize,
    pub sessions: usize,
    pub needs: usize,
}

/// Where a child's plan is left at the end of the story.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Stage {
    Draft,
    Submitted,
    /// Approved, its review ahead.
    Approved,
    /// Approved over six months ago: its review is overdue.
    ReviewOverdue,
    Returned,
    /// Approved, revised and approved again (revision 2).
    Revised,
}

/// Stages in turn through the cohort, so even a small demo has each.
const STAGES: [Stage; 6] = [
    Stage::Approved,
    Stage::ReviewOverdue,
    Stage::Returned,
    Stage::Submitted,
    Stage::Revised,
    Stage::Draft,
];

impl Stage {
    /// The days before today the plan is started in, for the story to reach its stage by
    /// today (an approval six months before a review that should be overdue, …).
    fn window(self) -> (i64, i64) {
        match self {
            Stage::Draft => (30, 0),
            Stage::Submitted => (20, 7),
            Stage::Returned => (60, 14),
            Stage::Approved => (150, 14),
            Stage::ReviewOverdue => (330, 200),
            Stage::Revised => (300, 100),
        }
    }
}

/// A child with the plan written for them.
struct Planned {
    child: ShomanChild,
    /// The day the consent was given (the guardian's for a minor) and the plan started.
    start: NaiveDate,
    plan: Uuid,
    /// The plan's school action, if any (liaison follows it).
    school_action: Option<Uuid>,
    scope: ConsentScope,
}

/// Writes the 小慢 work for `children` (the demo's 小慢 patients), committing through
/// `commit` every few children.
pub(super) fn work(
    rng: &mut StdRng,
    services: &Services,
    clock: &DemoClock,
    demo: &DemoCenter,
    children: &[ShomanChild],
    today: NaiveDate,
    commit: &mut dyn FnMut() -> Result<(), String>,
) -> Result<ShomanCounts, String> {
    let err = |e: DomainError| e.to_string();
    let mut counts = ShomanCounts::default();
    let cohort = cohort(children, today);
    let mut planned = Vec::new();
    for (i, child) in cohort.iter().enumerate() {
        let wanted = STAGES[i % STAGES.len()];
        let p = plan_story(
            rng,
            services,
            clock,
            demo,
            *child,
            wanted,
            today,
            &mut counts,
        )
        .map_err(|e| format!("demo 小慢 plan {}: {e}", i + 1))?;
        planned.push(p);
        if (i + 1) % 10 == 0 {
            commit()?;
        }
    }
    commit()?;
    liaison(rng, services, clock, demo, &planned, today, &mut counts)
        .map_err(|e| format!("demo liaison: {}", err(e)))?;
    commit()?;
    projects(rng, services, clock, demo, &planned, today, &mut counts)
        .map_err(|e| format!("demo projects: {}", err(e)))?;
    commit()?;
    needs(rng, services, clock, demo, &planned, today, &mut counts)
        .map_err(|e| format!("demo needs: {}", err(e)))?;
    commit()?;
    Ok(counts)
}

/// The children who get a plan: one in [`COHORT_SHARE`] of those still in the program
/// (under 20), from [`COHORT_MIN`] to [`COHORT_MAX`], spread over registration order —
/// and always one aged 17 to 19 where there is one, so the transition list has a child
/// with a plan.
fn cohort(children: &[ShomanChild], today: NaiveDate) -> Vec<ShomanChild> {
    let eligible: Vec<ShomanChild> = children
        .iter()
        .copied()
        .filter(|c| age_on(c.birth, today) < 20 && c.registered <= today)
        .collect();
    let n = (eligible.len() / COHORT_SHARE)
        .clamp(COHORT_MIN, COHORT_MAX)
        .min(eligible.len());
    if n == 0 {
        return Vec::new();
    }
    let step = eligible.len() / n;
    let mut chosen: Vec<ShomanChild> = eligible.iter().step_by(step).take(n).copied().collect();
    let near_18 = |c: &ShomanChild| (17..=19).contains(&age_on(c.birth, today));
    if !chosen.iter().any(near_18)
        && let Some(c) = eligible.iter().find(|c| near_18(c))
    {
        chosen.pop();
        chosen.insert(0, *c);
    }
    // The first stage is an approval: the child nearest 18 leads, so their plan with its
    // transition goal is approved.
    if let Some(k) = chosen.iter().position(near_18) {
        let c = chosen.remove(k);
        chosen.insert(0, c);
    }
    chosen
}

/// Sets the demo clock to a moment in office hours on `day`.
fn at(rng: &mut StdRng, clock: &DemoClock, day: NaiveDate) {
    clock.set(office_time(rng, day));
}

/// The goals of a child's plan, by age: school or work, care, independence, and the move to
/// adult care for those 16 and over.
fn goals(age: i32, transition: bool) -> Vec<GoalInput> {
    let g = |kind: GoalKind, text: &str| GoalInput {
        kind: kind.as_str().into(),
        text: text.into(),
        achieved_on: None,
    };
    let mut out = vec![if age < 15 {
        g(
            GoalKind::Schooling,
            "体調に合わせて学校生活を続け、体育や行事に参加する方法を学校と決める",
        )
    } else {
        g(
            GoalKind::Employment,
            "職場体験を通じて、体調に合った仕事の選び方を知る",
        )
    }];
    out.push(g(
        GoalKind::MedicalCare,
        "服薬と通院を自分で管理できるようになる",
    ));
    if age >= 12 {
        out.push(g(
            GoalKind::Independence,
            "困ったときに相談できる先を自分で説明できる",
        ));
    }
    if transition {
        out.push(g(
            GoalKind::Transition,
            "成人の診療科と指定難病の医療費助成への移行を準備する（20歳まで）",
        ));
    }
    out
}

/// The actions a plan sets in motion: a school or Hello Work by age, the hospital, and for
/// some the exchange workshop.
fn action_inputs(rng: &mut StdRng, age: i32, start: NaiveDate) -> Vec<ActionInput> {
    let due = |rng: &mut StdRng| (start + Duration::days(rng.gen_range(30..=120))).to_string();
    let a = |kind: BodyKind, name: &str, what: &str, who: &str, due_on: String| ActionInput {
        body_kind: kind.as_str().into(),
        body_name: name.into(),
        description: Some(what.into()),
        responsible: who.into(),
        due_on,
    };
    let mut out = Vec::new();
    if age < 18 {
        let school = if age < 12 {
            "デモ市立つなぐ小学校"
        } else if age < 15 {
            "デモ市立つなぐ中学校"
        } else {
            "広島県立デモ高等学校"
        };
        out.push(a(
            BodyKind::School,
            school,
            "体育の参加方法と通院日の配慮を学校と相談する",
            "担任",
            due(rng),
        ));
    }
    if age >= 15 {
        out.push(a(
            BodyKind::HelloWork,
            "ハローワーク広島（デモ）",
            "職業相談と職場体験の調整",
            "就職支援ナビゲーター",
            due(rng),
        ));
    }
    out.push(a(
        BodyKind::Hospital,
        "デモ大学病院 小児科",
        "主治医と療養の見通しを確認する",
        "主治医",
        due(rng),
    ));
    if rng.gen_bool(0.4) {
        out.push(a(
            BodyKind::OptionalProject,
            "相互交流支援ワークショップ",
            "同世代の子どもとの交流会に参加する",
            "自立支援員",
            due(rng),
        ));
    }
    out
}

/// One child's plan from the guardian's consent to its stage, with its actions followed up.
#[allow(clippy::too_many_arguments)]
fn plan_story(
    rng: &mut StdRng,
    services: &Services,
    clock: &DemoClock,
    demo: &DemoCenter,
    child: ShomanChild,
    wanted: Stage,
    today: NaiveDate,
    counts: &mut ShomanCounts,
) -> Result<Planned, DomainError> {
    let srw = &demo.self_reliance;
    let sup = &demo.supervisor;
    // The stage the child's time with the center allows: a plan cannot start before the
    // child was registered.
    let (stage, start) = [wanted, Stage::Approved, Stage::Draft]
        .into_iter()
        .find_map(|s| {
            let (from, to) = s.window();
            let lo = (today - Duration::days(from)).max(child.registered);
            let hi = today - Duration::days(to);
            (lo <= hi).then(|| (s, super::cases::day_between(rng, lo, hi)))
        })
        .unwrap_or((Stage::Draft, today));
    let age = age_on(child.birth, start);
    let transition = age_on(child.birth, today) >= 16;

    // The consent liaison and the sessions rest on: the guardian's for a minor (with the
    // child's assent from the default age), the young adult's own after 18.
    at(rng, clock, start);
    let scope = if age < ADULT_AGE {
        ConsentScope::Schools
    } else {
        ConsentScope::Employers
    };
    let minor = age < ADULT_AGE;
    services.consents().create(
        srw,
        child.patient,
        ConsentInput {
            given_on: start.to_string(),
            scope: scope.as_str().into(),
            notes: Some("デモデータ（自立支援事業の連絡調整と交流事業への参加）".into()),
            given_by: Some(if minor { "guardian" } else { "self" }.into()),
            guardian_name: minor.then(|| "保護者（デモ）".into()),
            guardian_relationship: minor.then(|| (*pick(rng, &["母", "父"])).into()),
            child_assent: Some(age >= DEFAULT_CHILD_ASSENT_AGE),
        },
    )?;

    let plan = services.support_plans().create(
        srw,
        PlanInput {
            patient_id: child.patient,
            situation: Some(
                "デモデータ（架空）: 通院を続けながら学校生活を送っている。家族は進路と将来の生活を心配している。".into(),
            ),
            wishes: Some("本人: 友だちと同じように過ごしたい。家族: 将来の働き方を一緒に考えたい。".into()),
            goals: goals(age, transition),
            author_id: None,
        },
    )?;
    counts.plans += 1;
    let mut actions = Vec::new();
    for input in action_inputs(rng, age, start) {
        let kind = input.body_kind.clone();
        let a = services.support_plans().add_action(srw, plan.id, input)?;
        counts.actions += 1;
        actions.push((kind, a));
    }

    let submit = |rng: &mut StdRng, day: NaiveDate, version: i32| {
        at(rng, clock, day);
        services.support_plans().update(
            srw,
            plan.id,
            version.into(),
            PlanUpdate {
                state: Some("submitted".into()),
                ..PlanUpdate::default()
            },
        )
    };
    let review = |rng: &mut StdRng, day: NaiveDate, decision: &str, due: Option<NaiveDate>| {
        at(rng, clock, day);
        let comment = (decision == "returned")
            .then_some("目標に期限と担当を入れてください。学校との相談の予定も書いてください。");
        let due = due.map(|d| d.to_string());
        services
            .support_plans()
            .review(sup, plan.id, decision, comment, due.as_deref())
    };
    let d1 = start + Duration::days(rng.gen_range(2..=5));
    let d2 = d1 + Duration::days(rng.gen_range(1..=5));
    match stage {
        Stage::Draft => {}
        Stage::Submitted => {
            submit(rng, d1.min(today), plan.version)?;
        }
        Stage::Returned => {
            submit(rng, d1, plan.version)?;
            review(rng, d2, "returned", None)?;
        }
        Stage::Approved | Stage::ReviewOverdue => {
            submit(rng, d1, plan.version)?;
            // The child nearing 18 is reviewed at that milestone, when it lies within the
            // year; the others six months on.
            let eighteen = child
                .birth
                .checked_add_months(Months::new(18 * 12))
                .filter(|d| *d > d2 && *d <= d2 + Duration::days(365));
            let due = (transition && stage == Stage::Approved)
                .then_some(eighteen)
                .flatten();
            review(rng, d2, "approved", due)?;
        }
        Stage::Revised => {
            submit(rng, d1, plan.version)?;
            let (p, _) = review(rng, d2, "approved", None)?;
            // A milestone two months on (the new school term, a change in treatment) makes
            // the worker revise the plan: revision 2, submitted and approved again.
            let d3 = d2 + Duration::days(rng.gen_range(50..=70));
            at(rng, clock, d3);
            let mut g = goals(age, transition);
            // The revision records the first goal as reached on its day.
            if let Some(first) = g.first_mut() {
                first.achieved_on = Some(d3.to_string());
            }
            g.push(GoalInput {
                kind: GoalKind::Independence.as_str().into(),
                text: "新しい学期の時間割に合わせて通院日を自分で調整する".into(),
                achieved_on: None,
            });
            let p = services.support_plans().update(
                srw,
                plan.id,
                p.version.into(),
                PlanUpdate {
                    goals: Some(g),
                    ..PlanUpdate::default()
                },
            )?;
            let d4 = d3 + Duration::days(rng.gen_range(1..=4));
            submit(rng, d4, p.version)?;
            let d5 = d4 + Duration::days(rng.gen_range(1..=5));
            review(rng, d5, "approved", None)?;
        }
    }

    // Actions due by today are followed up on their day (a few days late at most), except
    // the overdue plan's first, left open: the worker's catch.
    let mut school_action = None;
    for (k, (kind, a)) in actions.into_iter().enumerate() {
        if kind == BodyKind::School.as_str() {
            school_action = Some(a.id);
        }
        let leave_open = stage == Stage::ReviewOverdue && k == 0;
        let done_on = a.due_on + Duration::days(rng.gen_range(-5..=3));
        if leave_open || a.due_on >= today || done_on > today || stage == Stage::Draft {
            continue;
        }
        at(rng, clock, done_on.max(start));
        services.support_plans().update_action(
            srw,
            plan.id,
            a.id,
            a.version.into(),
            ActionUpdate {
                state: Some("done".into()),
                outcome: Some(Some("実施した（デモ）。本人と家族に結果を伝えた。".into())),
                next_on: Some(
                    (rng.gen_bool(0.5)).then(|| (done_on + Duration::days(90)).to_string()),
                ),
                ..ActionUpdate::default()
            },
        )?;
    }
    Ok(Planned {
        child,
        start,
        plan: plan.id,
        school_action,
        scope,
    })
}

/// Contacts with the children's schools and the hospital: about every other child with a
/// plan, on the school's action; the first school contact after the consent passed the
/// child's data to the school (a provision record under the `schools` consent).
fn liaison(
    rng: &mut StdRng,
    services: &Services,
    clock: &DemoClock,
    demo: &DemoCenter,
    planned: &[Planned],
    today: NaiveDate,
    counts: &mut ShomanCounts,
) -> Result<(), DomainError> {
    let mut shared = false;
    for (i, p) in planned.iter().enumerate() {
        if i % 2 == 1 && p.school_action.is_none() {
            continue;
        }
        let day = (p.start + Duration::days(rng.gen_range(3..=30))).min(today);
        let (kind, name, person, summary, action) = match p.school_action {
            Some(a) => (
                BodyKind::School,
                "学校（デモ）",
                "担任",
                "通院日の欠席の扱いと体育の参加方法を相談した（デモ）",
                Some(a),
            ),
            None => (
                BodyKind::Hospital,
                "デモ大学病院 小児科",
                "医療ソーシャルワーカー",
                "療養の見通しと就労についての主治医の意見を確認した（デモ）",
                None,
            ),
        };
        let share = !shared && kind == BodyKind::School && p.scope == ConsentScope::Schools;
        shared |= share;
        at(rng, clock, day);
        services.liaison().create(
            &demo.self_reliance,
            LiaisonInput {
                patient_id: p.child.patient,
                plan_id: Some(p.plan),
                action_id: action,
                body_kind: kind.as_str().into(),
                body_name: if share {
                    "広島県立デモ高等学校".into()
                } else {
                    name.into()
                },
                contact_person: Some(person.into()),
                channel: (*pick(rng, &["phone", "visit", "meeting"])).into(),
                contacted_on: day.to_string(),
                summary: if share {
                    "保護者の同意のもと、配慮が必要な症状と緊急時の連絡先を学校に伝えた（デモ）"
                        .into()
                } else {
                    summary.into()
                },
                shared_data: Some(share),
                next_on: Some((day + Duration::days(60)).to_string()),
            },
        )?;
        counts.contacts += 1;
    }
    Ok(())
}

/// The optional projects the demo center runs and their sessions over the past year: a
/// monthly 相互交流支援 workshop, 就職支援 work experience every quarter, and きょうだい支援
/// twice a year. Children with a consent in force on the day are named (at most three);
/// the others are only counted.
fn projects(
    rng: &mut StdRng,
    services: &Services,
    clock: &DemoClock,
    demo: &DemoCenter,
    planned: &[Planned],
    today: NaiveDate,
    counts: &mut ShomanCounts,
) -> Result<(), DomainError> {
    let srw = &demo.self_reliance;
    let begun = today - Duration::days(365);
    // (kind, name, partner, activity, every n months)
    let runs: [(ProjectKind, &str, Option<&str>, SessionActivity, u32); 3] = [
        (
            ProjectKind::Exchange,
            "相互交流支援ワークショップ（デモ）",
            None,
            SessionActivity::Workshop,
            1,
        ),
        (
            ProjectKind::Employment,
            "就職支援 職場体験（デモ）",
            Some("デモ商工会議所"),
            SessionActivity::WorkExperience,
            3,
        ),
        (
            ProjectKind::Caregiver,
            "きょうだい支援の集い（デモ）",
            Some("デモ難病の子ども支援ネット"),
            SessionActivity::SiblingSupport,
            6,
        ),
    ];
    at(rng, clock, begun);
    for (kind, name, partner, activity, every) in runs {
        let project = services.shoman_projects().create_project(
            srw,
            ProjectInput {
                kind: kind.as_str().into(),
                name: name.into(),
                description: Some("デモデータ（架空の事業）".into()),
                started_on: begun.to_string(),
                ended_on: None,
                partner: partner.map(Into::into),
            },
        )?;
        counts.projects += 1;
        let mut month = every;
        while month <= 12 {
            let first = begun
                .checked_add_months(Months::new(month))
                .unwrap_or(begun)
                .with_day(1)
                .unwrap_or(begun);
            // The second Saturday of the month.
            let to_saturday = (5 + 7 - i64::from(first.weekday().num_days_from_monday())) % 7;
            let held_on = first + Duration::days(to_saturday + 7);
            month += every;
            if held_on > today || held_on < begun {
                continue;
            }
            let mut participants = Vec::new();
            for p in planned {
                let age = age_on(p.child.birth, held_on);
                let fits = kind != ProjectKind::Employment || age >= 15;
                if participants.len() < 3 && p.start <= held_on && fits && rng.gen_bool(0.5) {
                    participants.push(ParticipantInput {
                        patient_id: p.child.patient,
                        role: if kind == ProjectKind::Caregiver {
                            "family"
                        } else {
                            "child"
                        }
                        .into(),
                    });
                }
            }
            let named = |role: &str| participants.iter().filter(|p| p.role == role).count() as i32;
            let children_count = named("child") + rng.gen_range(1..=8);
            let family_count = named("family") + rng.gen_range(0..=6);
            let mut staff_ids = vec![srw.actor.user_id];
            if rng.gen_bool(0.3) {
                staff_ids.push(demo.supervisor.actor.user_id);
            }
            at(rng, clock, held_on);
            services.shoman_projects().create_session(
                srw,
                project.id,
                SessionInput {
                    held_on: held_on.to_string(),
                    activity: activity.as_str().into(),
                    place: Some(
                        match kind {
                            ProjectKind::Employment => "デモ市内の協力事業所",
                            _ => "デモ難病相談支援センター 交流室",
                        }
                        .into(),
                    ),
                    online: false,
                    staff_ids,
                    children_count,
                    family_count,
                    participants,
                    notes: Some("デモデータ（架空の開催記録）".into()),
                },
            )?;
            counts.sessions += 1;
        }
    }
    Ok(())
}

/// The needs the center sees and no one meets, of several kinds: some met since, most still
/// open; about half about a named child.
fn needs(
    rng: &mut StdRng,
    services: &Services,
    clock: &DemoClock,
    demo: &DemoCenter,
    planned: &[Planned],
    today: NaiveDate,
    counts: &mut ShomanCounts,
) -> Result<(), DomainError> {
    let srw = &demo.self_reliance;
    let kinds: [(NeedKind, &str); 8] = [
        (NeedKind::Respite, "通院中に預けられる一時預かりの場がない"),
        (NeedKind::SiblingSupport, "きょうだいが相談できる場がほしい"),
        (
            NeedKind::LearningSupport,
            "長期入院中の学習の遅れを取り戻したい",
        ),
        (
            NeedKind::Transition,
            "成人の診療科へ移る時期と手続きがわからない",
        ),
        (
            NeedKind::Employment,
            "体調に合わせた働き方を相談できる企業が少ない",
        ),
        (NeedKind::Financial, "通院の交通費の負担が大きい"),
        (
            NeedKind::CaregiverSupport,
            "付き添いで保護者が仕事を続けにくい",
        ),
        (
            NeedKind::Schooling,
            "修学旅行への参加に看護の付き添いが必要",
        ),
    ];
    let n = (4 + planned.len() / 3).min(kinds.len());
    for (i, (kind, text)) in kinds.iter().take(n).enumerate() {
        // Every third need has been met since: noted early enough to be met by today.
        let met = i % 3 == 1;
        let latest = today - Duration::days(if met { 100 } else { 0 });
        let noted_on = super::cases::day_between(rng, today - Duration::days(330), latest);
        // About a child only after the child's consent, so a need names no one early.
        let patient = planned
            .get(i)
            .filter(|p| i % 2 == 0 && p.start <= noted_on)
            .map(|p| p.child.patient);
        at(rng, clock, noted_on);
        let need = services.shoman_projects().create_need(
            srw,
            NeedInput {
                kind: kind.as_str().into(),
                description: format!("{text}（デモ）"),
                noted_on: noted_on.to_string(),
                patient_id: patient,
                status: None,
                met_on: None,
            },
        )?;
        counts.needs += 1;
        let met_on = noted_on + Duration::days(rng.gen_range(20..=90));
        if met {
            at(rng, clock, met_on);
            services.shoman_projects().update_need(
                srw,
                need.id,
                need.version.into(),
                NeedUpdate {
                    status: Some("met".into()),
                    met_on: Some(Some(met_on.to_string())),
                    ..NeedUpdate::default()
                },
            )?;
        }
    }
    Ok(())
}
