//! Referrals to agencies, with their level history and the record of data provided
//! (第三者提供の記録), counted in the reports' rollups as they are written.

use crate::DieselStore;
use crate::audit::{append_events, change_stamp};
use crate::consents::consent;
use crate::db::DbConn;
use crate::error::{R, StoreError, missing_or_stale, not_found};
use crate::follow_ups::FollowUpRow;
use crate::paging::{cursor_date, cursor_time, time_key};
use crate::referral_rows::{LevelChangeRow, ProvisionRow, ReferralRow, provisions_of, referral};
use crate::rollup::{self, Deltas};
use crate::rows::{convert, naive, utc};
use crate::schema::{data_provisions, follow_ups, referral_level_changes, referrals};
use chrono::{DateTime, NaiveDateTime, Utc};
use diesel::prelude::*;
use tsunagu_domain::DomainError;
use tsunagu_domain::audit::AuditDraft;
use tsunagu_domain::entities::{LevelChange, Provision, Referral};
use tsunagu_domain::page::{Page, PageRequest};
use tsunagu_domain::ports::{ReferralEffects, ReferralFilter, ReferralStore, StoreResult};
use uuid::Uuid;

/// Writes what goes with a referral's creation or change, in the caller's transaction.
fn apply_effects(
    conn: &mut DbConn,
    r: &Referral,
    e: &ReferralEffects,
    stamp: NaiveDateTime,
) -> R<()> {
    let center = r.center_id.to_string();
    if let Some(l) = &e.level_change {
        diesel::insert_into(referral_level_changes::table)
            .values(LevelChangeRow::from_entity(l))
            .execute(conn)?;
    }
    if let Some(p) = &e.provision {
        // The consent was checked before the transaction; a withdrawal committed since then
        // must still stop the provision. The domain's rule decides, on the consent as it is
        // now, for the agency type the referral counts under.
        let allowed = consent(conn, r.center_id, p.consent_id)?
            .is_some_and(|c| c.allows_provision(r.agency_type, p.provided_on));
        if !allowed {
            return Err(StoreError::Domain(DomainError::rule(
                "consent_required",
                "the patient's consent was withdrawn; the data cannot be passed to the agency",
            )));
        }
        diesel::insert_into(data_provisions::table)
            .values(ProvisionRow::from_entity(p))
            .execute(conn)?;
    }
    if let Some(f) = &e.follow_up {
        let mut row = FollowUpRow::from_entity(f);
        row.updated_at = stamp;
        diesel::insert_into(follow_ups::table)
            .values(row)
            .execute(conn)?;
    }
    if let Some(day) = e.cancel_open_follow_ups_on {
        diesel::update(
            follow_ups::table
                .filter(follow_ups::referral_id.eq(r.id.to_string()))
                .filter(follow_ups::center_id.eq(&center))
                .filter(follow_ups::done_on.is_null())
                .filter(follow_ups::cancelled_on.is_null()),
        )
        .set((
            follow_ups::cancelled_on.eq(Some(day)),
            follow_ups::version.eq(follow_ups::version + 1),
            follow_ups::updated_at.eq(stamp),
        ))
        .execute(conn)?;
    }
    Ok(())
}

impl ReferralStore for DieselStore {
    #[tracing::instrument(level = "debug", skip_all, fields(center = %r.center_id, id = %r.id, events = audit.len()))]
    fn insert_referral(
        &self,
        r: &Referral,
        effects: &ReferralEffects,
        audit: &[AuditDraft],
    ) -> StoreResult<DateTime<Utc>> {
        self.write(|conn| {
            let stamp = change_stamp(conn, r.center_id, r.updated_at)?;
            let mut row = ReferralRow::from_entity(r);
            row.updated_at = stamp;
            diesel::insert_into(referrals::table)
                .values(&row)
                .execute(conn)?;
            apply_effects(conn, r, effects, stamp)?;
            let mut d = Deltas::default();
            d.referral(r, false, 1);
            d.apply(conn)?;
            append_events(conn, &self.keys, audit)?;
            Ok(utc(stamp))
        })
    }

    #[tracing::instrument(level = "debug", skip_all, fields(%center, %id))]
    fn referral(&self, center: Uuid, id: Uuid) -> StoreResult<Option<Referral>> {
        self.read(|conn| referral(conn, center, id))
    }

    #[tracing::instrument(level = "debug", skip_all, fields(%center))]
    fn referrals(
        &self,
        center: Uuid,
        f: &ReferralFilter,
        req: PageRequest,
    ) -> StoreResult<Page<Referral>> {
        self.read(|conn| {
            use referrals::dsl as r;
            let mut q = r::referrals
                .filter(r::center_id.eq(center.to_string()))
                .order((r::referred_on.desc(), r::id.desc()))
                .limit(req.limit + 1)
                .select(ReferralRow::as_select())
                .into_boxed();
            if let Some(since) = req.updated_since {
                q = q
                    .filter(r::updated_at.gt(naive(since)))
                    .order((r::updated_at.asc(), r::id.asc()));
                if let Some((t, id)) = cursor_time(&req)? {
                    q = q.filter(
                        r::updated_at
                            .gt(t)
                            .or(r::updated_at.eq(t).and(r::id.gt(id))),
                    );
                }
            } else if let Some((d, id)) = cursor_date(&req)? {
                q = q.filter(
                    r::referred_on
                        .lt(d)
                        .or(r::referred_on.eq(d).and(r::id.lt(id))),
                );
            }
            if let Some(p) = f.patient_id {
                q = q.filter(r::patient_id.eq(p.to_string()));
            }
            if let Some(a) = f.agency_id {
                q = q.filter(r::agency_id.eq(a.to_string()));
            }
            if let Some(u) = f.consultant_id {
                q = q.filter(r::consultant_id.eq(u.to_string()));
            }
            if let Some(s) = f.status {
                q = q.filter(r::status.eq(s.as_str()));
            }
            if let Some(s) = f.review_state {
                q = q.filter(r::review_state.eq(s.as_str()));
            }
            let rows: Vec<ReferralRow> = q.load(conn)?;
            let items = convert(rows, ReferralRow::into_entity)?;
            let sync = req.updated_since.is_some();
            Ok(Page::from_rows_keyed(items, &req, |x| {
                if sync {
                    (time_key(x.updated_at), x.id)
                } else {
                    (x.referred_on.to_string(), x.id)
                }
            }))
        })
    }

    #[tracing::instrument(level = "debug", skip_all, fields(center = %r.center_id, id = %r.id, events = audit.len()))]
    fn save_referral(
        &self,
        r: &Referral,
        expected_version: i32,
        effects: &ReferralEffects,
        audit: &[AuditDraft],
    ) -> StoreResult<Referral> {
        self.write(|conn| {
            let stamp = change_stamp(conn, r.center_id, r.updated_at)?;
            let old = referral(conn, r.center_id, r.id)?;
            let mut row = ReferralRow::from_entity(r);
            row.updated_at = stamp;
            let n = diesel::update(
                referrals::table
                    .filter(referrals::id.eq(&row.id))
                    .filter(referrals::center_id.eq(&row.center_id))
                    .filter(referrals::version.eq(expected_version)),
            )
            .set((
                referrals::purpose.eq(&row.purpose),
                referrals::level.eq(&row.level),
                referrals::handed_over.eq(&row.handed_over),
                referrals::notes.eq(&row.notes),
                referrals::status.eq(&row.status),
                referrals::outcome.eq(&row.outcome),
                referrals::closed_on.eq(row.closed_on),
                referrals::review_state.eq(&row.review_state),
                referrals::consultant_id.eq(&row.consultant_id),
                referrals::version.eq(expected_version + 1),
                referrals::updated_at.eq(row.updated_at),
            ))
            .execute(conn)?;
            if n == 0 {
                return Err(missing_or_stale(
                    referral(conn, r.center_id, r.id)?.is_some(),
                ));
            }
            apply_effects(conn, r, effects, stamp)?;
            // The counts move from what the referral was to what it is: its level and
            // purpose, and whether it reached its outcome (which the purpose decides too).
            let mut d = Deltas::default();
            let was = rollup::is_achieved(conn, &row.id)?;
            let now = rollup::settle_achieved(conn, r)?;
            match old {
                Some(old) if old.level != r.level || old.purpose != r.purpose => {
                    d.referral(&old, was, -1);
                    d.referral(r, now, 1);
                }
                _ if was != now => d.achieved(r, if now { 1 } else { -1 }),
                _ => {}
            }
            d.apply(conn)?;
            append_events(conn, &self.keys, audit)?;
            referral(conn, r.center_id, r.id)?.ok_or_else(not_found)
        })
    }

    #[tracing::instrument(level = "debug", skip_all, fields(%center, referral = %referral_id))]
    fn level_changes(&self, center: Uuid, referral_id: Uuid) -> StoreResult<Vec<LevelChange>> {
        self.read(|conn| {
            let rows: Vec<LevelChangeRow> = referral_level_changes::table
                .filter(referral_level_changes::referral_id.eq(referral_id.to_string()))
                .filter(referral_level_changes::center_id.eq(center.to_string()))
                .order((
                    referral_level_changes::changed_at.asc(),
                    referral_level_changes::id.asc(),
                ))
                .select(LevelChangeRow::as_select())
                .load(conn)?;
            convert(rows, LevelChangeRow::into_entity)
        })
    }

    #[tracing::instrument(level = "debug", skip_all, fields(%center, patient = %patient_id))]
    fn provisions(&self, center: Uuid, patient_id: Uuid) -> StoreResult<Vec<Provision>> {
        self.read(|conn| provisions_of(conn, center, patient_id))
    }
}
