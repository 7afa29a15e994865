//! Consultations (相談): with a patient or anonymous, which still count in the figures.

use super::{assign, describe, required, set};
use crate::app::{Ctx, changed_fields};
use crate::clock::{tokyo_date, truncate_micros};
use crate::entities::{Consultation, PatientLabel};
use crate::error::{DomainError, FieldError, Validator};
use crate::events::Action;
use crate::if_match::IfMatch;
use crate::page::{Page, PageRequest};
use crate::policy::{self, PatientReach};
use crate::ports::ConsultationFilter;
use crate::shoman::menu;
use crate::values::{self, Channel, Program, Requester, ShomanMenu, ShomanRequester, Topic};
use chrono::{DateTime, Duration, NaiveDate, Utc};
use uuid::Uuid;

const SUMMARY_MAX: usize = 4000;
/// A consultation may be recorded a little ahead of the server's clock (a skewed PC clock),
/// not days ahead.
const FUTURE_SLACK_MINUTES: i64 = 10;

#[derive(Debug, Default, Clone)]
pub struct ConsultationInput {
    pub patient_id: Option<Option<Uuid>>,
    pub occurred_at: Option<String>,
    pub channel: Option<String>,
    pub requester: Option<String>,
    pub topics: Option<Vec<String>>,
    pub duration_minutes: Option<Option<i32>>,
    pub with_employment_supporter: Option<bool>,
    pub summary: Option<Option<String>>,
    /// 小慢 相談支援のメニュー; `Some(None)` clears it.
    pub shoman_menu: Option<Option<String>>,
    /// Who asked, in the 小慢 program's terms; `Some(None)` clears it.
    pub shoman_requester: Option<Option<String>>,
    pub consultant_id: Option<Uuid>,
}

#[derive(Debug, Default, Clone)]
pub struct ConsultationQuery {
    pub patient_id: Option<Uuid>,
    pub consultant_id: Option<Uuid>,
    /// RFC 3339; occurred at or after.
    pub from: Option<String>,
    /// RFC 3339; occurred before.
    pub to: Option<String>,
}

crate::facade!(
    /// Recording and reading consultations: `services.consultations()`.
    Consultations,
    consultations
);

impl Consultations<'_> {
    #[tracing::instrument(name = "consultations.create", skip_all, fields(center_id = ?ctx.actor.center_id))]
    pub fn create(&self, ctx: &Ctx, input: ConsultationInput) -> Result<Consultation, DomainError> {
        self.guard(ctx, Action::ConsultationCreate, None, || {
            let reach = policy::patient_reach(&ctx.actor)?;
            let center = reach.center();
            if ctx.actor.is_client() && input.consultant_id.is_none() {
                return Err(DomainError::field(
                    "consultant_id",
                    "required",
                    "an API client names the consultant or supervisor it records for",
                ));
            }
            let now = self.clock.now();
            let blank = blank(Uuid::now_v7(), center, ctx.actor.user_id, now);
            let c = self.apply(ctx, reach, blank, input, true)?;
            let mut ev = self.ev(ctx, Action::ConsultationCreate).resource(c.id);
            if let Some(p) = c.patient_id {
                ev = ev.patient(p);
            }
            let updated_at = self.store.insert_consultation(&c, &ev)?;
            Ok(Consultation { updated_at, ..c })
        })
    }

    #[tracing::instrument(name = "consultations.get", skip_all, fields(center_id = ?ctx.actor.center_id, %id))]
    pub fn get(&self, ctx: &Ctx, id: Uuid) -> Result<Consultation, DomainError> {
        self.guard(ctx, Action::ConsultationRead, Some(id), || {
            let reach = policy::patient_reach(&ctx.actor)?;
            let c = self.reachable(reach, id)?;
            if let Some(p) = c.patient_id {
                self.log_read(ctx, Action::ConsultationRead, id, p)?;
            }
            Ok(c)
        })
    }

    /// Consultations with the case number and name of their patient (none when anonymous).
    #[tracing::instrument(name = "consultations.list", skip_all, fields(center_id = ?ctx.actor.center_id))]
    pub fn list(
        &self,
        ctx: &Ctx,
        q: ConsultationQuery,
        page: PageRequest,
    ) -> Result<Page<(Consultation, Option<PatientLabel>)>, DomainError> {
        self.guard(ctx, Action::ConsultationList, None, || {
            let reach = policy::patient_reach(&ctx.actor)?;
            let center = reach.center();
            let mut v = Validator::new();
            let from = q
                .from
                .as_deref()
                .and_then(|t| v.check(values::timestamp("from", t)));
            let to =
                q.to.as_deref()
                    .and_then(|t| v.check(values::timestamp("to", t)));
            v.finish()?;
            let filter = ConsultationFilter {
                patient_id: q.patient_id,
                consultant_id: q.consultant_id,
                from,
                to,
                supporter: reach.supporter(),
            };
            let found = self.store.consultations(center, &filter, page)?;
            self.log_list(
                ctx,
                Action::ConsultationList,
                &describe(&[
                    ("patient_id", q.patient_id.map(|x| x.to_string())),
                    ("consultant_id", q.consultant_id.map(|x| x.to_string())),
                    ("from", q.from.clone()),
                    ("to", q.to.clone()),
                ]),
                found.items.len(),
            )?;
            let mut ids: Vec<Uuid> = found.items.iter().filter_map(|c| c.patient_id).collect();
            ids.sort();
            ids.dedup();
            let labels = self.store.patient_labels(center, &ids)?;
            Ok(found.map(|c| {
                let label = c
                    .patient_id
                    .and_then(|p| labels.iter().find(|l| l.id == p).cloned());
                (c, label)
            }))
        })
    }

    #[tracing::instrument(name = "consultations.update", skip_all, fields(center_id = ?ctx.actor.center_id, %id))]
    pub fn update(
        &self,
        ctx: &Ctx,
        id: Uuid,
        if_match: IfMatch,
        input: ConsultationInput,
    ) -> Result<Consultation, DomainError> {
        self.guard(ctx, Action::ConsultationUpdate, Some(id), || {
            let reach = policy::patient_reach(&ctx.actor)?;
            let current = self.reachable(reach, id)?;
            policy::peer_edits_consultation(reach, current.consultant_id)?;
            let expected_version = if_match.against(current.version)?;
            let fields = changed_fields(&[
                ("patient_id", input.patient_id.is_some()),
                ("occurred_at", input.occurred_at.is_some()),
                ("channel", input.channel.is_some()),
                ("requester", input.requester.is_some()),
                ("topics", input.topics.is_some()),
                ("duration_minutes", input.duration_minutes.is_some()),
                (
                    "with_employment_supporter",
                    input.with_employment_supporter.is_some(),
                ),
                ("summary", input.summary.is_some()),
                ("shoman_menu", input.shoman_menu.is_some()),
                ("shoman_requester", input.shoman_requester.is_some()),
                ("consultant_id", input.consultant_id.is_some()),
            ]);
            let mut c = self.apply(ctx, reach, current, input, false)?;
            c.updated_at = self.clock.now();
            let mut ev = self
                .ev(ctx, Action::ConsultationUpdate)
                .resource(id)
                .detail(fields);
            if let Some(p) = c.patient_id {
                ev = ev.patient(p);
            }
            self.store.save_consultation(&c, expected_version, &ev)
        })
    }

    /// The consultation if the reach covers it (see [`policy::peer_sees_consultation`]);
    /// otherwise 404, like another center's.
    fn reachable(&self, reach: PatientReach, id: Uuid) -> Result<Consultation, DomainError> {
        let c = self
            .store
            .consultation(reach.center(), id)?
            .ok_or(DomainError::NotFound)?;
        if let Some(me) = reach.supporter() {
            let assigned = match c.patient_id {
                Some(p) => self.store.is_assigned(reach.center(), p, me)?,
                None => false,
            };
            if !policy::peer_sees_consultation(me, c.patient_id, c.consultant_id, assigned) {
                return Err(DomainError::NotFound);
            }
        }
        Ok(c)
    }

    /// Applies the input's own fields, then what it points at: the patient must be within
    /// the caller's reach, and a consultant other than the recorded one is a supervisor's
    /// call.
    fn apply(
        &self,
        ctx: &Ctx,
        reach: PatientReach,
        current: Consultation,
        input: ConsultationInput,
        create: bool,
    ) -> Result<Consultation, DomainError> {
        let center = reach.center();
        let mut c = apply_fields(current, &input, create, self.clock.now())?;
        // The patient the input names, as read for the reach check: the menu check below
        // needs its program, and reading it twice was a statement more on every record.
        let mut named = None;
        if let Some(p) = input.patient_id {
            if let Some(pid) = p {
                named = match self.patients().reachable(reach, pid) {
                    Err(DomainError::NotFound) => {
                        return Err(DomainError::field(
                            "patient_id",
                            "not_found",
                            "no such patient in your center",
                        ));
                    }
                    other => Some(other?),
                };
            }
            c.patient_id = p;
        }
        // The 小慢 menu is checked whenever it or the patient it depends on is written, so a
        // consultation recorded before the menu existed stays valid until one of them changes.
        if create
            || input.patient_id.is_some()
            || input.shoman_menu.is_some()
            || input.shoman_requester.is_some()
        {
            let program = match (c.patient_id, named) {
                (Some(pid), Some(p)) if p.id == pid => Some(p.program),
                (Some(pid), _) => self.store.patient(center, pid)?.map(|p| p.program),
                (None, _) => None,
            };
            let runs_shoman =
                menu::needs_center_programs(program, c.shoman_menu, c.shoman_requester)
                    && self
                        .store
                        .center(center)?
                        .is_some_and(|x| x.programs.contains(&Program::Shoman));
            menu::consultation_menu(program, runs_shoman, c.shoman_menu, c.shoman_requester)?;
        }
        if let Some(who) = input.consultant_id
            && who != c.consultant_id
        {
            c.consultant_id = assign(&*self.store, &ctx.actor, center, "consultant_id", Some(who))?;
        }
        Ok(c)
    }
}

/// Whether a new consultation's own fields pass the rules of [`Consultations::create`]
/// (not who it is with or by, which need the store): what an import's dry run checks.
pub fn check_fields(input: &ConsultationInput, now: DateTime<Utc>) -> Result<(), DomainError> {
    let blank = blank(Uuid::nil(), Uuid::nil(), Uuid::nil(), now);
    apply_fields(blank, input, true, now).map(|_| ())
}

/// A new consultation before its input is applied, recorded by `by` for themselves.
fn blank(id: Uuid, center: Uuid, by: Uuid, now: DateTime<Utc>) -> Consultation {
    Consultation {
        id,
        center_id: center,
        patient_id: None,
        occurred_at: now,
        channel: Channel::Phone,
        requester: Requester::Patient,
        topics: Vec::new(),
        duration_minutes: None,
        with_employment_supporter: false,
        summary: None,
        shoman_menu: None,
        shoman_requester: None,
        consultant_id: by,
        created_by: by,
        version: 1,
        created_at: now,
        updated_at: now,
    }
}

/// Parses the input's own fields onto `c`. A create names the channel, who asked and the
/// topics.
fn apply_fields(
    mut c: Consultation,
    input: &ConsultationInput,
    create: bool,
    now: DateTime<Utc>,
) -> Result<Consultation, DomainError> {
    let mut v = Validator::new();
    if create {
        for (field, present) in [
            ("channel", input.channel.is_some()),
            ("requester", input.requester.is_some()),
            ("topics", input.topics.is_some()),
        ] {
            if !present {
                v.push(required(field));
            }
        }
    }
    if let Some(t) = input
        .occurred_at
        .as_deref()
        .and_then(|raw| v.check(values::timestamp("occurred_at", raw)))
        .and_then(|t| v.check(occurred_at(t, now)))
    {
        c.occurred_at = t;
    }
    set(
        &mut v,
        &mut c.channel,
        input
            .channel
            .as_deref()
            .map(|x| Channel::parse("channel", x)),
    );
    set(
        &mut v,
        &mut c.requester,
        input
            .requester
            .as_deref()
            .map(|x| Requester::parse("requester", x)),
    );
    set(
        &mut v,
        &mut c.topics,
        input
            .topics
            .as_deref()
            .map(|x| values::enum_list("topics", x, 1, Topic::parse)),
    );
    if let Some(x) = input.duration_minutes {
        c.duration_minutes = x.and_then(|m| v.check(duration(m)));
    }
    if let Some(x) = input.with_employment_supporter {
        c.with_employment_supporter = x;
    }
    if let Some(x) = &input.shoman_menu {
        c.shoman_menu = x
            .as_deref()
            .and_then(|m| v.check(ShomanMenu::parse("shoman_menu", m)));
    }
    if let Some(x) = &input.shoman_requester {
        c.shoman_requester = x
            .as_deref()
            .and_then(|r| v.check(ShomanRequester::parse("shoman_requester", r)));
    }
    if let Some(x) = &input.summary {
        c.summary = v
            .check(values::optional_prose("summary", x.as_deref(), SUMMARY_MAX))
            .flatten();
    }
    v.finish()?;
    Ok(c)
}

/// When a consultation took place: not in the future (beyond a few minutes of clock skew),
/// not before 2000; stored to the microsecond.
fn occurred_at(t: DateTime<Utc>, now: DateTime<Utc>) -> Result<DateTime<Utc>, FieldError> {
    if t > now + Duration::minutes(FUTURE_SLACK_MINUTES) {
        Err(FieldError::new(
            "occurred_at",
            "in_future",
            "must not be in the future",
        ))
    } else if tokyo_date(t) < NaiveDate::from_ymd_opt(2000, 1, 1).unwrap_or(NaiveDate::MIN) {
        Err(FieldError::new(
            "occurred_at",
            "out_of_range",
            "must be after 2000-01-01",
        ))
    } else {
        Ok(truncate_micros(t))
    }
}

/// How long it took: a minute to a day.
fn duration(minutes: i32) -> Result<i32, FieldError> {
    if (1..=1440).contains(&minutes) {
        Ok(minutes)
    } else {
        Err(FieldError::new(
            "duration_minutes",
            "out_of_range",
            "must be from 1 to 1440 minutes",
        ))
    }
}

#[cfg(test)]
mod tests {
    use super::super::testing::{at, field_codes};
    use super::*;

    fn blank(now: DateTime<Utc>) -> Consultation {
        Consultation {
            id: Uuid::nil(),
            center_id: Uuid::nil(),
            patient_id: None,
            occurred_at: now,
            channel: Channel::Phone,
            requester: Requester::Patient,
            topics: Vec::new(),
            duration_minutes: None,
            with_employment_supporter: false,
            summary: None,
            shoman_menu: None,
            shoman_requester: None,
            consultant_id: Uuid::nil(),
            created_by: Uuid::nil(),
            version: 1,
            created_at: now,
            updated_at: now,
        }
    }

    #[test]
    fn a_consultation_took_place_not_ahead_of_the_clock_and_not_before_2000() {
        let now = at("2026-05-10T10:00:00Z");
        assert_eq!(occurred_at(now, now), Ok(now));
        let skewed = at("2026-05-10T10:10:00Z");
        assert_eq!(occurred_at(skewed, now), Ok(skewed));
        let ahead = occurred_at(at("2026-05-10T10:10:01Z"), now).unwrap_err();
        assert_eq!(ahead.code, "in_future");
        // 2000-01-01 starts at 15:00 UTC the day before, in Tokyo.
        assert!(occurred_at(at("1999-12-31T15:00:00Z"), now).is_ok());
        let early = occurred_at(at("1999-12-31T14:59:59Z"), now).unwrap_err();
        assert_eq!(early.code, "out_of_range");
        let precise = at("2026-05-10T09:00:00.123456789Z");
        assert_eq!(
            occurred_at(precise, now).unwrap(),
            at("2026-05-10T09:00:00.123456Z")
        );
    }

    #[test]
    fn a_new_consultation_names_channel_requester_and_topics() {
        let now = at("2026-05-10T10:00:00Z");
        assert_eq!(
            field_codes(apply_fields(
                blank(now),
                &ConsultationInput::default(),
                true,
                now
            )),
            ["channel:required", "requester:required", "topics:required"]
        );
        let input = ConsultationInput {
            channel: Some("in_person".into()),
            requester: Some("family".into()),
            topics: Some(vec!["employment".into()]),
            duration_minutes: Some(Some(30)),
            ..ConsultationInput::default()
        };
        let c = apply_fields(blank(now), &input, true, now).unwrap();
        assert_eq!(
            (c.channel, c.requester),
            (Channel::InPerson, Requester::Family)
        );
        assert_eq!(
            (c.topics, c.duration_minutes),
            (vec![Topic::Employment], Some(30))
        );
    }

    #[test]
    fn a_duration_is_a_minute_to_a_day() {
        assert_eq!(duration(1), Ok(1));
        assert_eq!(duration(1440), Ok(1440));
        assert!(duration(0).is_err());
        assert!(duration(1441).is_err());
        let now = at("2026-05-10T10:00:00Z");
        let with = Consultation {
            duration_minutes: Some(20),
            ..blank(now)
        };
        let cleared = ConsultationInput {
            duration_minutes: Some(None),
            ..ConsultationInput::default()
        };
        assert_eq!(
            apply_fields(with, &cleared, false, now)
                .unwrap()
                .duration_minutes,
            None
        );
    }
}
