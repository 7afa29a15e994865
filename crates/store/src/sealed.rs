//! Secrets at rest: `users.totp_secret`, `webhooks.secret`, the answers kept in
//! `idempotency_keys.body` and the staged files of imports (`import_files.cells`) are stored
//! sealed ([`tsunagu_domain::data_keys`]); this file
//! seals and opens them for the feature files, tells which keys the database needs, and
//! re-seals every value under the current key (start-up sealing of old plaintext and
//! `tsunagu keys rotate`).

use crate::DieselStore;
use crate::db::{DbConn, write_tx};
use crate::error::{R, StoreError};
use crate::schema::{idempotency_keys, import_files, users, webhooks};
use diesel::prelude::*;
use diesel::sql_types::Text;
use std::collections::BTreeSet;
use tsunagu_domain::DomainError;
use tsunagu_domain::audit::AuditDraft;
use tsunagu_domain::data_keys::{DataKeys, is_sealed};
use tsunagu_domain::events::Action;
use tsunagu_domain::ports::StoreResult;

pub(crate) fn totp_context(user_id: &str) -> String {
    format!("users.totp_secret:{user_id}")
}

pub(crate) fn webhook_context(webhook_id: &str) -> String {
    format!("webhooks.secret:{webhook_id}")
}

pub(crate) fn idempotency_context(caller: &str, key: &str) -> String {
    format!("idempotency_keys.body:{caller}:{key}")
}

impl DieselStore {
    pub(crate) fn seal(&self, context: &str, plaintext: &str) -> String {
        self.keys.seal(context, plaintext)
    }

    /// Opens a stored secret. Failing to is an operator's problem (a key missing from the
    /// configuration, or a tampered row), never a reason to use the stored text as it is.
    pub(crate) fn open(&self, context: &str, stored: &str) -> R<String> {
        self.keys.open(context, stored).map_err(|e| {
            let what = context.split(':').next().unwrap_or(context);
            StoreError::Domain(DomainError::Internal(format!("{what}: {e}")))
        })
    }

    /// The id of the key that seals new values.
    pub fn data_key_id(&self) -> &str {
        self.keys.current_id()
    }

    /// Seals every stored secret that is not yet sealed under the current key: plaintext
    /// left by an older version, and, when `rotate`, values sealed under an older key.
    pub fn reseal_secrets(&self, rotate: bool) -> StoreResult<Resealed> {
        let mut c = self
            .pool()
            .get()
            .map_err(|e| DomainError::Unavailable(e.to_string()))?;
        reseal(&mut c, &self.keys, rotate).map_err(Into::into)
    }
}

/// How many values [`DieselStore::reseal_secrets`] sealed anew.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Resealed {
    pub plaintext: usize,
    pub old_key: usize,
}

fn reseal(conn: &mut DbConn, keys: &DataKeys, rotate: bool) -> R<Resealed> {
    let mut n = Resealed::default();
    // Each table in its own transaction; every update is conditional on the value read, so
    // a concurrent change (a new enrolment, a rotated secret) is never overwritten.
    let again = |value: &str, context: &str, n: &mut Resealed| -> R<Option<String>> {
        if !keys.needs_reseal(value) {
            return Ok(None);
        }
        if !is_sealed(value) {
            n.plaintext += 1;
            return Ok(Some(keys.seal(context, value)));
        }
        if !rotate {
            return Ok(None);
        }
        let plain = keys
            .open(context, value)
            .map_err(|e| StoreError::Domain(DomainError::Internal(format!("{context}: {e}"))))?;
        n.old_key += 1;
        Ok(Some(keys.seal(context, &plain)))
    };
    write_tx(conn, |c| {
        let rows: Vec<(String, Option<String>)> = users::table
            .filter(users::totp_secret.is_not_null())
            .select((users::id, users::totp_secret))
            .load(c)?;
        for (id, v) in rows {
            let Some(v) = v else { continue };
            if let Some(new) = again(&v, &totp_context(&id), &mut n)? {
                diesel::update(
                    users::table
                        .filter(users::id.eq(&id))
                        .filter(users::totp_secret.eq(&v)),
                )
                .set(users::totp_secret.eq(Some(new)))
                .execute(c)?;
            }
        }
        Ok::<_, StoreError>(())
    })?;
    write_tx(conn, |c| {
        let rows: Vec<(String, String)> = webhooks::table
            .select((webhooks::id, webhooks::secret))
            .load(c)?;
        for (id, v) in rows {
            if let Some(new) = again(&v, &webhook_context(&id), &mut n)? {
                diesel::update(
                    webhooks::table
                        .filter(webhooks::id.eq(&id))
                        .filter(webhooks::secret.eq(&v)),
                )
                .set(webhooks::secret.eq(new))
                .execute(c)?;
            }
        }
        Ok::<_, StoreError>(())
    })?;
    write_tx(conn, |c| {
        let rows: Vec<(String, String, Option<String>)> = idempotency_keys::table
            .filter(idempotency_keys::body.is_not_null())
            .select((
                idempotency_keys::caller,
                idempotency_keys::key,
                idempotency_keys::body,
            ))
            .load(c)?;
        for (caller, key, v) in rows {
            let Some(v) = v else { continue };
            if let Some(new) = again(&v, &idempotency_context(&caller, &key), &mut n)? {
                diesel::update(
                    idempotency_keys::table
                        .filter(idempotency_keys::caller.eq(&caller))
                        .filter(idempotency_keys::key.eq(&key))
                        .filter(idempotency_keys::body.eq(&v)),
                )
                .set(idempotency_keys::body.eq(Some(new)))
                .execute(c)?;
            }
        }
        Ok::<_, StoreError>(())
    })?;
    write_tx(conn, |c| {
        // Staged import files: a bulk copy of health data until the import is committed.
        let rows: Vec<(String, String)> = import_files::table
            .select((import_files::import_id, import_files::cells))
            .load(c)?;
        for (id, v) in rows {
            if let Some(new) = again(&v, &format!("import_files.cells:{id}"), &mut n)? {
                diesel::update(
                    import_files::table
                        .filter(import_files::import_id.eq(&id))
                        .filter(import_files::cells.eq(&v)),
                )
                .set(import_files::cells.eq(new))
                .execute(c)?;
            }
        }
        Ok::<_, StoreError>(())
    })?;
    if n != Resealed::default() {
        // Re-sealing rewrites no meaning, but when and under which key it happened is for
        // the trail (the values themselves never are).
        let ev = AuditDraft::system(chrono::Utc::now(), Action::DataKeysReseal)
            .resource(keys.current_id())
            .detail(format!(
                "old_key={}; plaintext={}; rotate={rotate}",
                n.old_key, n.plaintext
            ));
        write_tx(conn, |c| crate::audit::append_event(c, keys, &ev))?;
    }
    Ok(n)
}

#[derive(QueryableByName)]
struct KeyIdRow {
    #[diesel(sql_type = Text)]
    kid: String,
}

/// The ids of the keys the stored secrets are sealed under: each must be configured to
/// open them. Empty on a database that holds no sealed secret.
pub fn sealed_key_ids(conn: &mut DbConn) -> Result<BTreeSet<String>, diesel::result::Error> {
    // `enc:v1:` is 7 characters; the 8-character key id follows.
    let rows: Vec<KeyIdRow> = diesel::sql_query(
        "SELECT DISTINCT substr(v, 8, 8) AS kid FROM (
             SELECT totp_secret AS v FROM users
             UNION ALL SELECT secret AS v FROM webhooks
             UNION ALL SELECT body AS v FROM idempotency_keys
             UNION ALL SELECT cells AS v FROM import_files
         ) s WHERE v LIKE 'enc:v1:%'",
    )
    .load(conn)?;
    Ok(rows.into_iter().map(|r| r.kid).collect())
}
