//! The SQL of third-party integration: API clients, webhook subscriptions, the outbox of
//! deliveries and the log of their attempts.

use crate::db::DbConn;
use crate::rows::{naive, utc, uuid};
use crate::schema::{
    api_clients, centers, follow_ups, webhook_attempts, webhook_deliveries, webhooks,
};
use crate::{StoreError, missing_or_stale};
use chrono::{DateTime, Duration, NaiveDate, NaiveDateTime, Utc};
use diesel::prelude::*;
use std::collections::HashMap;
use tsunagu_domain::DomainError;
use tsunagu_domain::audit::AuditDraft;
use tsunagu_domain::page::{Page, PageRequest};
use tsunagu_domain::platform::{
    self, ApiClient, AttemptRecord, AttemptResult, ClientCredentials, Delivery, DeliveryJob,
    OutboundEvent, Webhook,
};
use uuid::Uuid;

type R<T> = Result<T, StoreError>;

/// Notes a client as used at most this often, so that reading does not mean writing.
const LAST_USED_GRANULARITY: Duration = Duration::minutes(1);

#[derive(Queryable, Selectable, Insertable)]
#[diesel(table_name = api_clients)]
pub struct ApiClientRow {
    pub id: String,
    pub center_id: String,
    pub name: String,
    pub client_id: String,
    pub scopes: String,
    pub secret_hash: String,
    pub previous_secret_hash: Option<String>,
    pub previous_secret_expires_at: Option<NaiveDateTime>,
    pub secret_rotated_at: Option<NaiveDateTime>,
    pub revoked_at: Option<NaiveDateTime>,
    pub last_used_at: Option<NaiveDateTime>,
    pub created_by: String,
    pub created_at: NaiveDateTime,
    pub updated_at: NaiveDateTime,
    pub version: i32,
}

fn words(s: &str) -> Vec<String> {
    s.split(' ')
        .filter(|w| !w.is_empty())
        .map(str::to_owned)
        .collect()
}

impl ApiClientRow {
    fn new(c: &ApiClient, secret_hash: &str) -> Self {
        Self {
            id: c.id.to_string(),
            center_id: c.center_id.to_string(),
            name: c.name.clone(),
            client_id: c.client_id.clone(),
            scopes: c.scopes.join(" "),
            secret_hash: secret_hash.to_owned(),
            previous_secret_hash: None,
            previous_secret_expires_at: c.previous_secret_expires_at.map(naive),
            secret_rotated_at: c.secret_rotated_at.map(naive),
            revoked_at: c.revoked_at.map(naive),
            last_used_at: c.last_used_at.map(naive),
            created_by: c.created_by.to_string(),
            created_at: naive(c.created_at),
            updated_at: naive(c.updated_at),
            version: c.version,
        }
    }

    fn into_entity(self) -> Result<ApiClient, DomainError> {
        Ok(ApiClient {
            id: uuid("api_clients.id", &self.id)?,
            center_id: uuid("api_clients.center_id", &self.center_id)?,
            name: self.name,
            client_id: self.client_id,
            scopes: words(&self.scopes),
            created_by: uuid("api_clients.created_by", &self.created_by)?,
            created_at: utc(self.created_at),
            updated_at: utc(self.updated_at),
            secret_rotated_at: self.secret_rotated_at.map(utc),
            previous_secret_expires_at: self.previous_secret_expires_at.map(utc),
            revoked_at: self.revoked_at.map(utc),
            last_used_at: self.last_used_at.map(utc),
            version: self.version,
        })
    }
}

pub fn insert_api_client(
    c: &mut DbConn,
    client: &ApiClient,
    secret_hash: &str,
    audit: &AuditDraft,
) -> R<()> {
    diesel::insert_into(api_clients::table)
        .values(ApiClientRow::new(client, secret_hash))
        .execute(c)?;
    crate::append_events(c, std::slice::from_ref(audit))
}

pub fn api_client(c: &mut DbConn, center: Uuid, id: Uuid) -> R<Option<ApiClient>> {
    let row: Option<ApiClientRow> = api_clients::table
        .filter(api_clients::id.eq(id.to_string()))
        .filter(api_clients::center_id.eq(center.to_string()))
        .select(ApiClientRow::as_select())
        .first(c)
        .optional()?;
    Ok(row.map(ApiClientRow::into_entity).transpose()?)
}

pub fn api_clients(c: &mut DbConn, center: Uuid, req: &PageRequest) -> R<Page<ApiClient>> {
    let rows: Vec<ApiClientRow> = api_clients::table
        .filter(api_clients::center_id.eq(center.to_string()))
        .filter(api_clients::id.gt(crate::after_key(req)))
        .order(api_clients::id.asc())
        .limit(req.limit + 1)
        .select(ApiClientRow::as_select())
        .load(c)?;
    let items = rows
        .into_iter()
        .map(ApiClientRow::into_entity)
        .collect::<Result<Vec<_>, _>>()?;
    Ok(Page::from_rows(items, req, |x| x.id))
}

pub fn save_api_client(
    c: &mut DbConn,
    client: &ApiClient,
    expected_version: i32,
    new_secret_hash: Option<&str>,
    audit: &AuditDraft,
) -> R<ApiClient> {
    let id = client.id.to_string();
    let center = client.center_id.to_string();
    let target = api_clients::table
        .filter(api_clients::id.eq(&id))
        .filter(api_clients::center_id.eq(&center))
        .filter(api_clients::version.eq(expected_version));
    let fields = (
        api_clients::name.eq(&client.name),
        api_clients::scopes.eq(client.scopes.join(" ")),
        api_clients::revoked_at.eq(client.revoked_at.map(naive)),
        api_clients::secret_rotated_at.eq(client.secret_rotated_at.map(naive)),
        api_clients::previous_secret_expires_at.eq(client.previous_secret_expires_at.map(naive)),
        api_clients::updated_at.eq(naive(client.updated_at)),
        api_clients::version.eq(expected_version + 1),
    );
    let n = match new_secret_hash {
        // The current secret becomes the previous one, accepted until the overlap ends.
        Some(h) => diesel::update(target)
            .set((
                fields,
                api_clients::previous_secret_hash.eq(api_clients::secret_hash.nullable()),
                api_clients::secret_hash.eq(h),
            ))
            .execute(c)?,
        None if client.revoked_at.is_some() => diesel::update(target)
            .set((fields, api_clients::previous_secret_hash.eq(None::<String>)))
            .execute(c)?,
        None => diesel::update(target).set(fields).execute(c)?,
    };
    if n == 0 {
        let exists = api_client(c, client.center_id, client.id)?.is_some();
        return Err(missing_or_stale(exists));
    }
    crate::append_events(c, std::slice::from_ref(audit))?;
    api_client(c, client.center_id, client.id)?.ok_or(StoreError::Domain(DomainError::NotFound))
}

pub fn client_credentials(c: &mut DbConn, client_id: &str) -> R<Option<ClientCredentials>> {
    let row: Option<(ApiClientRow, bool)> = api_clients::table
        .inner_join(centers::table)
        .filter(api_clients::client_id.eq(client_id))
        .select((ApiClientRow::as_select(), centers::active))
        .first(c)
        .optional()?;
    let Some((row, center_active)) = row else {
        return Ok(None);
    };
    let secret_hash = row.secret_hash.clone();
    let previous_secret_hash = row.previous_secret_hash.clone();
    Ok(Some(ClientCredentials {
        client: row.into_entity()?,
        secret_hash,
        previous_secret_hash,
        center_active,
    }))
}

pub fn active_client(c: &mut DbConn, id: Uuid, now: DateTime<Utc>) -> R<Option<ApiClient>> {
    let row: Option<ApiClientRow> = api_clients::table
        .inner_join(centers::table)
        .filter(api_clients::id.eq(id.to_string()))
        .filter(api_clients::revoked_at.is_null())
        .filter(centers::active.eq(true))
        .select(ApiClientRow::as_select())
        .first(c)
        .optional()?;
    let Some(row) = row else { return Ok(None) };
    let mut client = row.into_entity()?;
    if client
        .last_used_at
        .is_none_or(|t| t + LAST_USED_GRANULARITY <= now)
    {
        diesel::update(api_clients::table.filter(api_clients::id.eq(id.to_string())))
            .set(api_clients::last_used_at.eq(naive(now)))
            .execute(c)?;
        client.last_used_at = Some(now);
    }
    Ok(Some(client))
}

// --- webhooks --------------------------------------------------------------------------

#[derive(Queryable, Selectable, Insertable)]
#[diesel(table_name = webhooks)]
pub struct WebhookRow {
    pub id: String,
    pub center_id: String,
    pub url: String,
    pub events: String,
    pub description: Option<String>,
    pub active: bool,
    pub created_by: String,
    pub created_at: NaiveDateTime,
    pub updated_at: NaiveDateTime,
    pub version: i32,
}

impl WebhookRow {
    fn from_entity(w: &Webhook) -> Self {
        Self {
            id: w.id.to_string(),
            center_id: w.center_id.to_string(),
            url: w.url.clone(),
            events: w.events.join(" "),
            description: w.description.clone(),
            active: w.active,
            created_by: w.created_by.to_string(),
            created_at: naive(w.created_at),
            updated_at: naive(w.updated_at),
            version: w.version,
        }
    }

    fn into_entity(self) -> Result<Webhook, DomainError> {
        Ok(Webhook {
            id: uuid("webhooks.id", &self.id)?,
            center_id: uuid("webhooks.center_id", &self.center_id)?,
            url: self.url,
            events: words(&self.events),
            description: self.description,
            active: self.active,
            created_by: uuid("webhooks.created_by", &self.created_by)?,
            created_at: utc(self.created_at),
            updated_at: utc(self.updated_at),
            version: self.version,
        })
    }
}

pub fn insert_webhook(c: &mut DbConn, w: &Webhook, secret: &str, audit: &AuditDraft) -> R<()> {
    diesel::insert_into(webhooks::table)
        .values((WebhookRow::from_entity(w), webhooks::secret.eq(secret)))
        .execute(c)?;
    crate::append_events(c, std::slice::from_ref(audit))
}

pub fn webhook(c: &mut DbConn, center: Uuid, id: Uuid) -> R<Option<Webhook>> {
    let row: Option<WebhookRow> = webhooks::table
        .filter(webhooks::id.eq(id.to_string()))
        .filter(webhooks::center_id.eq(center.to_string()))
        .select(WebhookRow::as_select())
        .first(c)
        .optional()?;
    Ok(row.map(WebhookRow::into_entity).transpose()?)
}

pub fn webhooks_of(c: &mut DbConn, center: Uuid, req: &PageRequest) -> R<Page<Webhook>> {
    let rows: Vec<WebhookRow> = webhooks::table
        .filter(webhooks::center_id.eq(center.to_string()))
        .filter(webhooks::id.gt(crate::after_key(req)))
        .order(webhooks::id.asc())
        .limit(req.limit + 1)
        .select(WebhookRow::as_select())
        .load(c)?;
    let items = rows
        .into_iter()
        .map(WebhookRow::into_entity)
        .collect::<Result<Vec<_>, _>>()?;
    Ok(Page::from_rows(items, req, |x| x.id))
}

pub fn save_webhook(
    c: &mut DbConn,
    w: &Webhook,
    expected_version: i32,
    audit: &AuditDraft,
) -> R<Webhook> {
    let n = diesel::update(
        webhooks::table
            .filter(webhooks::id.eq(w.id.to_string()))
            .filter(webhooks::center_id.eq(w.center_id.to_string()))
            .filter(webhooks::version.eq(expected_version)),
    )
    .set((
        webhooks::url.eq(&w.url),
        webhooks::events.eq(w.events.join(" ")),
        webhooks::description.eq(&w.description),
        webhooks::active.eq(w.active),
        webhooks::updated_at.eq(naive(w.updated_at)),
        webhooks::version.eq(expected_version + 1),
    ))
    .execute(c)?;
    if n == 0 {
        let exists = webhook(c, w.center_id, w.id)?.is_some();
        return Err(missing_or_stale(exists));
    }
    crate::append_events(c, std::slice::from_ref(audit))?;
    webhook(c, w.center_id, w.id)?.ok_or(StoreError::Domain(DomainError::NotFound))
}

pub fn delete_webhook(c: &mut DbConn, center: Uuid, id: Uuid, audit: &AuditDraft) -> R<()> {
    let id = id.to_string();
    let n = webhooks::table
        .filter(webhooks::id.eq(&id))
        .filter(webhooks::center_id.eq(center.to_string()))
        .count()
        .get_result::<i64>(c)?;
    if n == 0 {
        return Err(StoreError::Domain(DomainError::NotFound));
    }
    // Explicitly, not by cascade alone: the order matters to foreign keys on both backends.
    let deliveries = webhook_deliveries::table
        .filter(webhook_deliveries::webhook_id.eq(&id))
        .select(webhook_deliveries::id);
    diesel::delete(
        webhook_attempts::table.filter(webhook_attempts::delivery_id.eq_any(deliveries)),
    )
    .execute(c)?;
    diesel::delete(webhook_deliveries::table.filter(webhook_deliveries::webhook_id.eq(&id)))
        .execute(c)?;
    diesel::delete(webhooks::table.filter(webhooks::id.eq(&id))).execute(c)?;
    crate::append_events(c, std::slice::from_ref(audit))
}

/// A delivery as read: (id, webhook, center, event, payload, state, attempts, next attempt,
/// last status, last error, created, delivered).
type DeliveryTuple = (
    String,
    String,
    String,
    String,
    String,
    String,
    i32,
    Option<NaiveDateTime>,
    Option<i32>,
    Option<String>,
    NaiveDateTime,
    Option<NaiveDateTime>,
);

macro_rules! delivery_columns {
    () => {
        (
            webhook_deliveries::id,
            webhook_deliveries::webhook_id,
            webhook_deliveries::center_id,
            webhook_deliveries::event_type,
            webhook_deliveries::payload,
            webhook_deliveries::state,
            webhook_deliveries::attempts,
            webhook_deliveries::next_attempt_at,
            webhook_deliveries::last_status,
            webhook_deliveries::last_error,
            webhook_deliveries::created_at,
            webhook_deliveries::delivered_at,
        )
    };
}

fn delivery(t: DeliveryTuple) -> Result<Delivery, DomainError> {
    Ok(Delivery {
        id: uuid("webhook_deliveries.id", &t.0)?,
        webhook_id: uuid("webhook_deliveries.webhook_id", &t.1)?,
        center_id: uuid("webhook_deliveries.center_id", &t.2)?,
        event_type: t.3,
        payload: t.4,
        state: t.5,
        attempts: t.6,
        next_attempt_at: t.7.map(utc),
        last_status: t.8,
        last_error: t.9,
        created_at: utc(t.10),
        delivered_at: t.11.map(utc),
        log: Vec::new(),
    })
}

pub fn deliveries(
    c: &mut DbConn,
    center: Uuid,
    webhook_id: Uuid,
    req: &PageRequest,
) -> R<Page<Delivery>> {
    let mut q = webhook_deliveries::table
        .filter(webhook_deliveries::center_id.eq(center.to_string()))
        .filter(webhook_deliveries::webhook_id.eq(webhook_id.to_string()))
        .order(webhook_deliveries::id.desc())
        .limit(req.limit + 1)
        .select(delivery_columns!())
        .into_boxed();
    if let Some(after) = req.after {
        q = q.filter(webhook_deliveries::id.lt(after.to_string()));
    }
    let rows: Vec<DeliveryTuple> = q.load(c)?;
    let mut items = rows
        .into_iter()
        .map(delivery)
        .collect::<Result<Vec<_>, _>>()?;
    let ids: Vec<Uuid> = items.iter().map(|d| d.id).collect();
    let mut logs = attempts_of(c, &ids)?;
    for d in &mut items {
        d.log = logs.remove(&d.id).unwrap_or_default();
    }
    Ok(Page::from_rows(items, req, |x| x.id))
}

/// An attempt as read: (delivery, at, status, error, milliseconds).
type AttemptTuple = (String, NaiveDateTime, Option<i32>, Option<String>, i64);

/// Every attempt at these deliveries, oldest first.
fn attempts_of(c: &mut DbConn, ids: &[Uuid]) -> R<HashMap<Uuid, Vec<AttemptRecord>>> {
    let keys: Vec<String> = ids.iter().map(Uuid::to_string).collect();
    let rows: Vec<AttemptTuple> = webhook_attempts::table
        .filter(webhook_attempts::delivery_id.eq_any(&keys))
        .order((
            webhook_attempts::delivery_id,
            webhook_attempts::attempted_at,
        ))
        .select((
            webhook_attempts::delivery_id,
            webhook_attempts::attempted_at,
            webhook_attempts::status,
            webhook_attempts::error,
            webhook_attempts::duration_ms,
        ))
        .load(c)?;
    let mut out: HashMap<Uuid, Vec<_>> = HashMap::new();
    for (d, at, status, error, ms) in rows {
        out.entry(uuid("webhook_attempts.delivery_id", &d)?)
            .or_default()
            .push(AttemptRecord {
                attempted_at: utc(at),
                status,
                error,
                duration_ms: ms,
            });
    }
    Ok(out)
}

/// Writes the event to the outbox of every active subscription of its center that wants
/// it. Runs inside the transaction of the change the event announces.
pub fn enqueue(c: &mut DbConn, e: &OutboundEvent, now: DateTime<Utc>) -> R<usize> {
    let subs: Vec<(String, String)> = webhooks::table
        .filter(webhooks::center_id.eq(e.center_id.to_string()))
        .filter(webhooks::active.eq(true))
        .select((webhooks::id, webhooks::events))
        .load(c)?;
    let mut n = 0;
    for (id, events) in subs {
        if !events.split(' ').any(|x| x == e.event_type) {
            continue;
        }
        diesel::insert_into(webhook_deliveries::table)
            .values((
                webhook_deliveries::id.eq(Uuid::now_v7().to_string()),
                webhook_deliveries::webhook_id.eq(id),
                webhook_deliveries::center_id.eq(e.center_id.to_string()),
                webhook_deliveries::event_type.eq(e.event_type),
                webhook_deliveries::payload.eq(&e.payload),
                webhook_deliveries::state.eq("pending"),
                webhook_deliveries::attempts.eq(0),
                webhook_deliveries::next_attempt_at.eq(Some(naive(now))),
                webhook_deliveries::created_at.eq(naive(now)),
            ))
            .execute(c)?;
        n += 1;
    }
    Ok(n)
}

/// The outbox side of appending audit events: each audited change that is a webhook event.
pub fn enqueue_audited(c: &mut DbConn, drafts: &[AuditDraft]) -> R<()> {
    for d in drafts {
        if let Some(e) = platform::event_of(d) {
            enqueue(c, &e, d.occurred_at)?;
        }
    }
    Ok(())
}

pub fn claim_deliveries(
    c: &mut DbConn,
    now: DateTime<Utc>,
    lease_until: DateTime<Utc>,
    limit: i64,
) -> R<Vec<DeliveryJob>> {
    let now_n = naive(now);
    let free = || {
        webhook_deliveries::locked_until
            .is_null()
            .or(webhook_deliveries::locked_until.lt(now_n))
    };
    let candidates: Vec<String> = webhook_deliveries::table
        .filter(webhook_deliveries::state.eq("pending"))
        .filter(webhook_deliveries::next_attempt_at.le(now_n))
        .filter(free())
        .order(webhook_deliveries::next_attempt_at.asc())
        .limit(limit)
        .select(webhook_deliveries::id)
        .load(c)?;
    let mut jobs = Vec::new();
    for id in candidates {
        // Re-checked under the row's lock: of two replicas racing for it, one updates it.
        let won = diesel::update(
            webhook_deliveries::table
                .filter(webhook_deliveries::id.eq(&id))
                .filter(webhook_deliveries::state.eq("pending"))
                .filter(free()),
        )
        .set(webhook_deliveries::locked_until.eq(Some(naive(lease_until))))
        .execute(c)?;
        if won == 0 {
            continue;
        }
        let (t, url, secret): (DeliveryTuple, String, String) = webhook_deliveries::table
            .inner_join(webhooks::table)
            .filter(webhook_deliveries::id.eq(&id))
            .select((delivery_columns!(), webhooks::url, webhooks::secret))
            .first(c)?;
        jobs.push(DeliveryJob {
            delivery: delivery(t)?,
            url,
            secret,
        });
    }
    Ok(jobs)
}

pub fn finish_delivery(
    c: &mut DbConn,
    id: Uuid,
    at: DateTime<Utc>,
    result: &AttemptResult,
    next_attempt_at: Option<DateTime<Utc>>,
) -> R<()> {
    let key = id.to_string();
    diesel::insert_into(webhook_attempts::table)
        .values((
            webhook_attempts::id.eq(Uuid::now_v7().to_string()),
            webhook_attempts::delivery_id.eq(&key),
            webhook_attempts::attempted_at.eq(naive(at)),
            webhook_attempts::status.eq(result.status),
            webhook_attempts::error.eq(&result.error),
            webhook_attempts::duration_ms.eq(result.duration_ms),
        ))
        .execute(c)?;
    let (state, delivered_at) = if result.succeeded() {
        ("delivered", Some(naive(at)))
    } else if next_attempt_at.is_some() {
        ("pending", None)
    } else {
        ("failed", None)
    };
    diesel::update(webhook_deliveries::table.filter(webhook_deliveries::id.eq(&key)))
        .set((
            webhook_deliveries::state.eq(state),
            webhook_deliveries::attempts.eq(webhook_deliveries::attempts + 1),
            webhook_deliveries::next_attempt_at.eq(next_attempt_at.map(naive)),
            webhook_deliveries::locked_until.eq(None::<NaiveDateTime>),
            webhook_deliveries::last_status.eq(result.status),
            webhook_deliveries::last_error.eq(&result.error),
            webhook_deliveries::delivered_at.eq(delivered_at),
        ))
        .execute(c)?;
    Ok(())
}

pub fn announce_overdue(
    c: &mut DbConn,
    today: NaiveDate,
    now: DateTime<Utc>,
    limit: i64,
) -> R<usize> {
    // Only centers that listen, and only follow-ups that fell overdue since they started
    // listening: subscribing does not replay years of history.
    let subs: Vec<(String, String, NaiveDateTime)> = webhooks::table
        .filter(webhooks::active.eq(true))
        .select((webhooks::center_id, webhooks::events, webhooks::created_at))
        .load(c)?;
    let mut since: HashMap<String, NaiveDate> = HashMap::new();
    for (center, events, created) in subs {
        if events.split(' ').any(|e| e == "follow_up.overdue") {
            let d = tsunagu_domain::clock::tokyo_date(utc(created)) - Duration::days(1);
            since
                .entry(center)
                .and_modify(|x| *x = (*x).min(d))
                .or_insert(d);
        }
    }
    let mut n = 0usize;
    for (center, from) in since {
        let left = limit - i64::try_from(n).unwrap_or(i64::MAX);
        if left <= 0 {
            break;
        }
        let rows: Vec<(String, String, String)> = follow_ups::table
            .filter(follow_ups::center_id.eq(&center))
            .filter(follow_ups::done_on.is_null())
            .filter(follow_ups::cancelled_on.is_null())
            .filter(follow_ups::overdue_announced_at.is_null())
            .filter(follow_ups::due_on.lt(today))
            .filter(follow_ups::due_on.ge(from))
            .order(follow_ups::due_on.asc())
            .limit(left)
            .select((
                follow_ups::id,
                follow_ups::referral_id,
                follow_ups::patient_id,
            ))
            .load(c)?;
        let center_id = uuid("follow_ups.center_id", &center)?;
        for (id, referral, patient) in rows {
            let won = diesel::update(
                follow_ups::table
                    .filter(follow_ups::id.eq(&id))
                    .filter(follow_ups::overdue_announced_at.is_null()),
            )
            .set(follow_ups::overdue_announced_at.eq(Some(naive(now))))
            .execute(c)?;
            if won == 1 {
                let e = platform::overdue_event(
                    center_id,
                    uuid("follow_ups.id", &id)?,
                    uuid("follow_ups.referral_id", &referral)?,
                    uuid("follow_ups.patient_id", &patient)?,
                    now,
                );
                enqueue(c, &e, now)?;
                n += 1;
            }
        }
    }
    Ok(n)
}
