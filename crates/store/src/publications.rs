//! What the yearly publication and the ministry's part-2 tables are computed from, and the
//! published summaries themselves (kept as the JSON document that was approved).

use crate::DieselStore;
use crate::audit::append_event;
use crate::error::{R, StoreError};
use crate::regional_issues::FigureRow;
use crate::rows::{choice, naive, opt_uuid, utc, uuid};
use crate::schema::{
    council_members, councils, meetings, publications, regional_issue_figures,
    regional_issue_measures, regional_issues,
};
use chrono::{NaiveDate, NaiveDateTime};
use diesel::dsl::count_star;
use diesel::prelude::*;
use tsunagu_domain::DomainError;
use tsunagu_domain::audit::AuditDraft;
use tsunagu_domain::ports::{CouncilFact, IssueFact, PublicationStore, StoreResult};
use tsunagu_domain::regional::issues::LinkedFigure;
use tsunagu_domain::regional::publication::{Publication, Summary};
use tsunagu_domain::values::{IssueCategory, IssueStage, MeasureStatus};
use uuid::Uuid;

#[derive(Queryable, Selectable, Insertable)]
#[diesel(table_name = publications)]
struct PublicationRow {
    id: String,
    administration_id: String,
    fiscal_year: i32,
    summary: String,
    published_by: String,
    published_at: NaiveDateTime,
    version: i32,
}

impl PublicationRow {
    fn into_entity(self) -> Result<Publication, DomainError> {
        let summary: Summary = serde_json::from_str(&self.summary).map_err(|e| {
            DomainError::Internal(format!("stored publication is not a summary: {e}"))
        })?;
        Ok(Publication {
            id: uuid("publications.id", &self.id)?,
            administration_id: uuid("publications.administration_id", &self.administration_id)?,
            fiscal_year: self.fiscal_year,
            summary,
            published_by: uuid("publications.published_by", &self.published_by)?,
            published_at: utc(self.published_at),
            version: self.version,
        })
    }
}

fn publication(
    c: &mut crate::db::DbConn,
    administration: &str,
    fiscal_year: i32,
) -> R<Option<Publication>> {
    let row: Option<PublicationRow> = publications::table
        .filter(publications::administration_id.eq(administration))
        .filter(publications::fiscal_year.eq(fiscal_year))
        .select(PublicationRow::as_select())
        .first(c)
        .optional()?;
    Ok(row.map(PublicationRow::into_entity).transpose()?)
}

impl PublicationStore for DieselStore {
    #[tracing::instrument(level = "debug", skip_all, fields(%from, %to))]
    fn council_facts(
        &self,
        administration: Option<Uuid>,
        from: NaiveDate,
        to: NaiveDate,
    ) -> StoreResult<Vec<CouncilFact>> {
        self.read(|c| {
            type Row = (String, String, Option<String>, String, String, String, bool);
            let mut q = councils::table
                .order(councils::id.asc())
                .select((
                    councils::id,
                    councils::administration_id,
                    councils::parent_id,
                    councils::name,
                    councils::kind,
                    councils::scope,
                    councils::active,
                ))
                .into_boxed();
            if let Some(a) = administration {
                q = q.filter(councils::administration_id.eq(a.to_string()));
            }
            let rows: Vec<Row> = q.load(c)?;
            let mut held = meetings::table
                .filter(meetings::status.eq("held"))
                .filter(meetings::held_on.between(from, to))
                .group_by(meetings::council_id)
                .select((meetings::council_id, count_star()))
                .into_boxed();
            if let Some(a) = administration {
                held = held.filter(meetings::administration_id.eq(a.to_string()));
            }
            let held: std::collections::HashMap<String, i64> =
                held.load::<(String, i64)>(c)?.into_iter().collect();
            rows.into_iter()
                .map(|(id, adm, parent, name, kind, scope, active)| {
                    Ok(CouncilFact {
                        meetings_held: held.get(&id).copied().unwrap_or(0),
                        id: uuid("councils.id", &id)?,
                        administration_id: uuid("councils.administration_id", &adm)?,
                        parent_id: opt_uuid("councils.parent_id", parent.as_deref())?,
                        name,
                        kind,
                        scope,
                        active,
                    })
                })
                .collect()
        })
    }

    #[tracing::instrument(level = "debug", skip_all)]
    fn issue_facts(&self, administration: Option<Uuid>) -> StoreResult<Vec<IssueFact>> {
        self.read(|c| {
            let mut q = regional_issues::table
                .select((
                    regional_issues::administration_id,
                    regional_issues::category,
                    regional_issues::stage,
                ))
                .into_boxed();
            if let Some(a) = administration {
                q = q.filter(regional_issues::administration_id.eq(a.to_string()));
            }
            let rows: Vec<(String, String, String)> = q.load(c)?;
            rows.into_iter()
                .map(|(a, cat, stage)| {
                    Ok(IssueFact {
                        administration_id: uuid("regional_issues.administration_id", &a)?,
                        category: choice("regional_issues.category", IssueCategory::from_db(&cat))?,
                        stage: choice("regional_issues.stage", IssueStage::from_db(&stage))?,
                    })
                })
                .collect()
        })
    }

    #[tracing::instrument(level = "debug", skip_all, fields(%administration))]
    fn measure_counts(
        &self,
        administration: Uuid,
        from: NaiveDate,
        to: NaiveDate,
    ) -> StoreResult<(i64, i64)> {
        self.read(|c| {
            let of_adm = || {
                regional_issue_measures::table
                    .inner_join(
                        regional_issues::table
                            .on(regional_issues::id.eq(regional_issue_measures::issue_id)),
                    )
                    .filter(regional_issues::administration_id.eq(administration.to_string()))
            };
            let done: i64 = of_adm()
                .filter(regional_issue_measures::status.eq(MeasureStatus::Done.as_str()))
                .filter(regional_issue_measures::done_on.between(from, to))
                .select(count_star())
                .first(c)?;
            let live: i64 = of_adm()
                .filter(regional_issue_measures::status.ne(MeasureStatus::Dropped.as_str()))
                .select(count_star())
                .first(c)?;
            Ok((done, live))
        })
    }

    #[tracing::instrument(level = "debug", skip_all, fields(%from, %to))]
    fn member_categories(
        &self,
        administration: Option<Uuid>,
        from: NaiveDate,
        to: NaiveDate,
    ) -> StoreResult<Vec<(String, i64)>> {
        self.read(|c| {
            let mut q = council_members::table
                .filter(council_members::term_start.le(to))
                .filter(council_members::term_end.ge(from))
                .group_by(council_members::category)
                .select((council_members::category, count_star()))
                .order(council_members::category.asc())
                .into_boxed();
            if let Some(a) = administration {
                q = q.filter(council_members::administration_id.eq(a.to_string()));
            }
            Ok(q.load(c)?)
        })
    }

    #[tracing::instrument(level = "debug", skip_all, fields(%administration))]
    fn administration_figures(
        &self,
        administration: Uuid,
    ) -> StoreResult<Vec<(String, LinkedFigure)>> {
        self.read(|c| {
            let rows: Vec<(String, FigureRow)> = regional_issue_figures::table
                .inner_join(
                    regional_issues::table
                        .on(regional_issues::id.eq(regional_issue_figures::issue_id)),
                )
                .filter(regional_issues::administration_id.eq(administration.to_string()))
                .order((regional_issues::id.asc(), regional_issue_figures::id.asc()))
                .select((regional_issues::title, FigureRow::as_select()))
                .load(c)?;
            rows.into_iter()
                .map(|(t, f)| Ok((t, f.into_entity()?)))
                .collect()
        })
    }

    #[tracing::instrument(level = "debug", skip_all, fields(fiscal_year = p.fiscal_year))]
    fn save_publication(&self, p: &Publication, audit: &AuditDraft) -> StoreResult<Publication> {
        let summary = serde_json::to_string(&p.summary)
            .map_err(|e| DomainError::Internal(format!("summary does not serialize: {e}")))?;
        self.write(|c| {
            let adm = p.administration_id.to_string();
            let n = diesel::update(
                publications::table
                    .filter(publications::administration_id.eq(&adm))
                    .filter(publications::fiscal_year.eq(p.fiscal_year)),
            )
            .set((
                publications::summary.eq(&summary),
                publications::published_by.eq(p.published_by.to_string()),
                publications::published_at.eq(naive(p.published_at)),
                publications::version.eq(publications::version + 1),
            ))
            .execute(c)?;
            if n == 0 {
                diesel::insert_into(publications::table)
                    .values(PublicationRow {
                        id: p.id.to_string(),
                        administration_id: adm.clone(),
                        fiscal_year: p.fiscal_year,
                        summary: summary.clone(),
                        published_by: p.published_by.to_string(),
                        published_at: naive(p.published_at),
                        version: 1,
                    })
                    .execute(c)?;
            }
            append_event(c, &self.keys, audit)?;
            publication(c, &adm, p.fiscal_year)?
                .ok_or_else(|| StoreError::Domain(DomainError::NotFound))
        })
    }

    #[tracing::instrument(level = "debug", skip_all, fields(%administration, fiscal_year))]
    fn publication(
        &self,
        administration: Uuid,
        fiscal_year: i32,
    ) -> StoreResult<Option<Publication>> {
        self.read(|c| publication(c, &administration.to_string(), fiscal_year))
    }

    #[tracing::instrument(level = "debug", skip_all, fields(%administration))]
    fn publications(&self, administration: Uuid) -> StoreResult<Vec<Publication>> {
        self.read(|c| {
            let rows: Vec<PublicationRow> = publications::table
                .filter(publications::administration_id.eq(administration.to_string()))
                .order(publications::fiscal_year.desc())
                .select(PublicationRow::as_select())
                .load(c)?;
            rows.into_iter()
                .map(|r| r.into_entity().map_err(StoreError::from))
                .collect()
        })
    }
}
