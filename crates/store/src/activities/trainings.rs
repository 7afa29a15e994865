//! Staff trainings (研修).

use crate::DieselStore;
use crate::audit::{append_event, change_stamp};
use crate::db::DbConn;
use crate::error::{R, missing_or_stale, not_found};
use crate::paging::after_key;
use crate::rows::{choice, convert, naive, utc, uuid};
use crate::schema::trainings;
use chrono::{NaiveDate, NaiveDateTime};
use diesel::prelude::*;
use tsunagu_domain::DomainError;
use tsunagu_domain::activities::Training;
use tsunagu_domain::activities::trainings::TrainingFilter;
use tsunagu_domain::audit::AuditDraft;
use tsunagu_domain::page::{Page, PageRequest};
use tsunagu_domain::values::{TrainingCourse, TrainingParticipation};
use uuid::Uuid;

#[derive(Queryable, Selectable, Insertable)]
#[diesel(table_name = trainings)]
struct TrainingRow {
    id: String,
    center_id: String,
    user_id: String,
    participation: String,
    course: String,
    title: String,
    organiser: Option<String>,
    held_on: NaiveDate,
    ended_on: Option<NaiveDate>,
    hours_hundredths: i32,
    notes: Option<String>,
    created_by: String,
    version: i32,
    created_at: NaiveDateTime,
    updated_at: NaiveDateTime,
}

impl TrainingRow {
    fn from_entity(t: &Training) -> Self {
        Self {
            id: t.id.to_string(),
            center_id: t.center_id.to_string(),
            user_id: t.user_id.to_string(),
            participation: t.participation.as_str().to_owned(),
            course: t.course.as_str().to_owned(),
            title: t.title.clone(),
            organiser: t.organiser.clone(),
            held_on: t.held_on,
            ended_on: t.ended_on,
            hours_hundredths: t.hours_hundredths,
            notes: t.notes.clone(),
            created_by: t.created_by.to_string(),
            version: t.version,
            created_at: naive(t.created_at),
            updated_at: naive(t.updated_at),
        }
    }

    fn into_entity(self) -> Result<Training, DomainError> {
        Ok(Training {
            id: uuid("trainings.id", &self.id)?,
            center_id: uuid("trainings.center_id", &self.center_id)?,
            user_id: uuid("trainings.user_id", &self.user_id)?,
            participation: choice(
                "trainings.participation",
                TrainingParticipation::from_db(&self.participation),
            )?,
            course: choice("trainings.course", TrainingCourse::from_db(&self.course))?,
            title: self.title,
            organiser: self.organiser,
            held_on: self.held_on,
            ended_on: self.ended_on,
            hours_hundredths: self.hours_hundredths,
            notes: self.notes,
            created_by: uuid("trainings.created_by", &self.created_by)?,
            version: self.version,
            created_at: utc(self.created_at),
            updated_at: utc(self.updated_at),
        })
    }
}

fn training(conn: &mut DbConn, center: Uuid, id: Uuid) -> R<Option<Training>> {
    let row: Option<TrainingRow> = trainings::table
        .filter(trainings::id.eq(id.to_string()))
        .filter(trainings::center_id.eq(center.to_string()))
        .select(TrainingRow::as_select())
        .first(conn)
        .optional()?;
    Ok(row.map(TrainingRow::into_entity).transpose()?)
}

/// The ピア・サポーター養成講習会 the given staff attended up to `to`: when they first
/// completed one, and the hours of the period.
pub(crate) fn peer_courses(
    conn: &mut DbConn,
    center: Uuid,
    users: &[String],
    to: NaiveDate,
) -> R<Vec<Training>> {
    let rows: Vec<TrainingRow> = trainings::table
        .filter(trainings::center_id.eq(center.to_string()))
        .filter(trainings::user_id.eq_any(users))
        .filter(trainings::course.eq(TrainingCourse::PeerSupporterTraining.as_str()))
        .filter(trainings::participation.eq(TrainingParticipation::Attended.as_str()))
        .filter(trainings::held_on.le(to))
        .select(TrainingRow::as_select())
        .load(conn)?;
    convert(rows, TrainingRow::into_entity)
}

impl DieselStore {
    #[tracing::instrument(level = "debug", skip_all, fields(center = %t.center_id, id = %t.id))]
    pub(crate) fn insert_training_row(
        &self,
        t: &Training,
        audit: &AuditDraft,
    ) -> Result<Training, DomainError> {
        self.write(|conn| {
            let stamp = change_stamp(conn, t.center_id, t.updated_at)?;
            let mut row = TrainingRow::from_entity(t);
            row.updated_at = stamp;
            diesel::insert_into(trainings::table)
                .values(row)
                .execute(conn)?;
            append_event(conn, &self.keys, audit)?;
            training(conn, t.center_id, t.id)?.ok_or_else(not_found)
        })
    }

    #[tracing::instrument(level = "debug", skip_all, fields(%center, %id))]
    pub(crate) fn training_one(
        &self,
        center: Uuid,
        id: Uuid,
    ) -> Result<Option<Training>, DomainError> {
        self.read(|conn| training(conn, center, id))
    }

    #[tracing::instrument(level = "debug", skip_all, fields(%center))]
    pub(crate) fn training_page(
        &self,
        center: Uuid,
        f: &TrainingFilter,
        req: PageRequest,
    ) -> Result<Page<Training>, DomainError> {
        self.read(|conn| {
            use trainings::dsl as t;
            let mut q = trainings::table
                .filter(t::center_id.eq(center.to_string()))
                .filter(t::id.gt(after_key(&req)))
                .select(TrainingRow::as_select())
                .order(t::id.asc())
                .limit(req.limit + 1)
                .into_boxed();
            if let Some(u) = f.user_id {
                q = q.filter(t::user_id.eq(u.to_string()));
            }
            if let Some(c) = f.course {
                q = q.filter(t::course.eq(c.as_str()));
            }
            if let Some((from, to)) = f.held {
                q = q.filter(t::held_on.between(from, to));
            }
            let rows: Vec<TrainingRow> = q.load(conn)?;
            let items = convert(rows, TrainingRow::into_entity)?;
            Ok(Page::from_rows(items, &req, |x| x.id))
        })
    }

    #[tracing::instrument(level = "debug", skip_all, fields(center = %t.center_id, id = %t.id))]
    pub(crate) fn save_training_row(
        &self,
        t: &Training,
        expected_version: i32,
        audit: &AuditDraft,
    ) -> Result<Training, DomainError> {
        self.write(|conn| {
            use trainings::dsl as x;
            let stamp = change_stamp(conn, t.center_id, t.updated_at)?;
            let row = TrainingRow::from_entity(t);
            let n = diesel::update(
                trainings::table
                    .filter(x::id.eq(&row.id))
                    .filter(x::center_id.eq(&row.center_id))
                    .filter(x::version.eq(expected_version)),
            )
            .set((
                x::user_id.eq(&row.user_id),
                x::participation.eq(&row.participation),
                x::course.eq(&row.course),
                x::title.eq(&row.title),
                x::organiser.eq(&row.organiser),
                x::held_on.eq(row.held_on),
                x::ended_on.eq(row.ended_on),
                x::hours_hundredths.eq(row.hours_hundredths),
                x::notes.eq(&row.notes),
                x::version.eq(expected_version + 1),
                x::updated_at.eq(stamp),
            ))
            .execute(conn)?;
            if n == 0 {
                return Err(missing_or_stale(
                    training(conn, t.center_id, t.id)?.is_some(),
                ));
            }
            append_event(conn, &self.keys, audit)?;
            training(conn, t.center_id, t.id)?.ok_or_else(not_found)
        })
    }
}
