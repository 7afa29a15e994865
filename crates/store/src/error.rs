//! Store-level failures, folded into [`DomainError`] at the port boundary.

use diesel::result::{DatabaseErrorKind, Error as DieselError};
use tsunagu_domain::DomainError;

#[derive(Debug, thiserror::Error)]
pub(crate) enum StoreError {
    #[error(transparent)]
    Query(#[from] DieselError),
    #[error(transparent)]
    Domain(#[from] DomainError),
}

/// What the connection-level functions of the feature files return.
pub(crate) type R<T> = Result<T, StoreError>;

impl From<StoreError> for DomainError {
    fn from(e: StoreError) -> Self {
        match e {
            StoreError::Domain(d) => d,
            StoreError::Query(q) => query_error(q),
        }
    }
}

pub(crate) fn query_error(e: DieselError) -> DomainError {
    match e {
        DieselError::NotFound => DomainError::NotFound,
        DieselError::DatabaseError(DatabaseErrorKind::UniqueViolation, info) => {
            let what = info
                .constraint_name()
                .map(str::to_owned)
                .unwrap_or_else(|| info.message().to_owned());
            if what.contains("login") {
                DomainError::conflict("login_taken", "this login is already in use")
            } else if what.contains("code") {
                DomainError::conflict("code_taken", "this code is already in use")
            } else {
                DomainError::conflict(
                    "already_exists",
                    "a record with these values already exists",
                )
            }
        }
        // A record the change names was removed, or one it removes came to be named, between
        // the use case's checks and the write: a race the rules cannot see from inside one
        // request. Nothing was written (the statement failed, so did its transaction): the
        // caller may reload and try again. Logged with the constraint (a name, never a value)
        // so that a fault of ours that looks like one is still seen.
        DieselError::DatabaseError(DatabaseErrorKind::ForeignKeyViolation, info) => {
            tracing::warn!(
                constraint = info.constraint_name().unwrap_or("?"),
                table = info.table_name().unwrap_or("?"),
                "a write named a record that changed meanwhile: answered 409 reference_changed"
            );
            DomainError::conflict(
                "reference_changed",
                "a record this change refers to was changed or removed meanwhile; reload and try again",
            )
        }
        DieselError::DatabaseError(kind, info) if is_transient(&kind, info.message()) => {
            DomainError::Unavailable(info.message().to_owned())
        }
        other => DomainError::Internal(other.to_string()),
    }
}

/// Whether a database error means "not now" rather than "wrong", so the caller is told to
/// try again (503 `unavailable`, `Retry-After`) instead of being shown a server fault: a
/// connection lost or closed, a serialization conflict or a deadlock (the transaction was
/// rolled back whole and may be tried again as it was), a statement or lock wait cut off by
/// the session's limits (`db::SessionLimits`) or by an operator, a session ended by the
/// database, or a database that refuses writes (a standby, or a switch-over under way).
/// diesel names the lost connection, the conflict and the refused write; the others are
/// known by PostgreSQL's message, in English or in Japanese (a server installed with a
/// Japanese locale answers in Japanese, and only a superuser, or on PostgreSQL 15 a role
/// granted `SET` on it, may change `lc_messages`), and by SQLite's when its busy wait ran
/// out. A message in another language stays a 500 — a server fault, never a wait without
/// end — and the server warns of such a setting at start (`db::warn_unless_messages_read`).
fn is_transient(kind: &DatabaseErrorKind, message: &str) -> bool {
    match kind {
        DatabaseErrorKind::ClosedConnection
        | DatabaseErrorKind::UnableToSendCommand
        | DatabaseErrorKind::SerializationFailure
        | DatabaseErrorKind::ReadOnlyTransaction => true,
        DatabaseErrorKind::Unknown => TRANSIENT_MESSAGES.iter().any(|m| message.contains(m)),
        _ => false,
    }
}

/// Parts of the messages of transient failures (see [`is_transient`]). PostgreSQL's
/// Japanese translation words them differently from version to version, so the parts are
/// the few words every version's message has.
const TRANSIENT_MESSAGES: &[&str] = &[
    // 57014 (statement timeout, cancel request), 55P03 (lock timeout), and 40001 on a
    // standby (conflict with recovery): "canceling statement due to …".
    "canceling statement due to",
    "キャンセル",
    // 40P01.
    "deadlock detected",
    "デッドロック",
    // 57P01 and idle_in_transaction_session_timeout: "terminating connection due to …".
    "terminating connection due to",
    "接続を終了",
    // SQLite's SQLITE_BUSY once its busy timeout passed.
    "database is locked",
];

/// Whether messages under PostgreSQL's `lc_messages` setting `lc` are in a language
/// [`TRANSIENT_MESSAGES`] covers: English (also the untranslated `C` and `POSIX`) or
/// Japanese, by POSIX or Windows locale name. An empty setting takes the server's own
/// environment, which cannot be seen from a session: not warned about.
pub(crate) fn messages_read(lc: &str) -> bool {
    let lc = lc.trim().to_ascii_lowercase();
    let language = lc.split(['_', '.', '@']).next().unwrap_or_default();
    lc.is_empty() || ["c", "posix", "en", "ja", "english", "japanese"].contains(&language)
}

/// After an update matched no row: the record is gone (or another center's), or its version moved.
pub(crate) fn missing_or_stale(exists: bool) -> StoreError {
    StoreError::Domain(if exists {
        DomainError::PreconditionFailed
    } else {
        DomainError::NotFound
    })
}

/// A record that was just written and cannot be read back (another center's, or deleted).
pub(crate) fn not_found() -> StoreError {
    StoreError::Domain(DomainError::NotFound)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A foreign key broken by a write, on the database itself: the migrated schema with its
    /// keys on, as the server runs it. An insert naming a patient that is not there, and a
    /// delete of a patient a consultation still names, each answer 409 `reference_changed`.
    fn a_broken_reference_is_a_conflict_on(c: &mut crate::db::DbConn) {
        use diesel::RunQueryDsl;
        let (center, patient) = (uuid::Uuid::now_v7(), uuid::Uuid::now_v7());
        let at = "2026-12-01 00:00:00";
        let insert_consultation = format!(
            "INSERT INTO consultations (id, center_id, patient_id, occurred_at, channel, \
             requester, topics, consultant_id, created_by, created_at, updated_at) VALUES \
             ('{}', '{center}', '{patient}', '{at}', 'phone', 'patient', 'employment', \
             'u', 'u', '{at}', '{at}')",
            uuid::Uuid::now_v7()
        );
        let conflict = |e: DieselError| match query_error(e) {
            DomainError::Conflict { code, .. } => code,
            other => panic!("not a conflict: {other:?}"),
        };
        let e = diesel::sql_query(&insert_consultation)
            .execute(c)
            .expect_err("the patient is not there");
        assert_eq!(conflict(e), "reference_changed");
        // The same patient present (with its center and maker), then removed while named.
        for sql in [
            format!(
                "INSERT INTO centers (id, code, name, prefecture_code, operating_type, \
                 created_at, updated_at) VALUES ('{center}', 'fk', 'FK', '13', 'other', '{at}', '{at}')"
            ),
            format!(
                "INSERT INTO users (id, center_id, login, display_name, role, password_hash, \
                 created_at, updated_at) VALUES ('u', '{center}', 'fk.u', 'U', 'consultant', \
                 'x', '{at}', '{at}')"
            ),
            format!(
                "INSERT INTO patients (id, center_id, case_number, family_name, given_name, \
                 family_name_kana, given_name_kana, birth_date, program, employment_status, \
                 support_awareness, search_key, created_by, created_at, updated_at) VALUES \
                 ('{patient}', '{center}', '2026-0001', '山田', '花子', 'ヤマダ', 'ハナコ', \
                 '1990-01-01', 'nanbyo', 'job_seeking', 'unaware', '', 'u', '{at}', '{at}')"
            ),
            insert_consultation.clone(),
        ] {
            diesel::sql_query(sql).execute(c).expect("row");
        }
        let e = diesel::sql_query(format!("DELETE FROM patients WHERE id = '{patient}'"))
            .execute(c)
            .expect_err("a consultation names the patient");
        assert_eq!(conflict(e), "reference_changed");
    }

    #[test]
    fn a_broken_reference_is_a_conflict_on_sqlite() {
        let (mut c, _) = crate::testing::memory_db();
        diesel::RunQueryDsl::execute(diesel::sql_query("PRAGMA foreign_keys = ON"), &mut c)
            .expect("keys on, as the server runs");
        a_broken_reference_is_a_conflict_on(&mut c);
    }

    /// On PostgreSQL (`TSUNAGU_TEST_POSTGRES_URL`).
    #[test]
    fn a_broken_reference_is_a_conflict_on_postgresql() {
        let (mut c, _, _drop) = crate::testing::pg_db();
        a_broken_reference_is_a_conflict_on(&mut c);
    }

    #[test]
    fn timeouts_deadlocks_and_refused_writes_are_transient_in_english_and_japanese() {
        let unknown = DatabaseErrorKind::Unknown;
        for message in [
            "canceling statement due to statement timeout",
            "canceling statement due to lock timeout",
            "canceling statement due to user request",
            "canceling statement due to conflict with recovery",
            "deadlock detected",
            "terminating connection due to idle-in-transaction timeout",
            "terminating connection due to administrator command",
            "ステートメントのタイムアウトのためステートメントをキャンセルしています",
            "ロックのタイムアウトのためステートメントをキャンセルしています",
            "ユーザーからの要求により文をキャンセルしています",
            "デッドロックを検出しました",
            "トランザクション中アイドルタイムアウトのため接続を終了します",
            "管理者コマンドにより接続を終了しています",
            "database is locked",
        ] {
            assert!(is_transient(&unknown, message), "{message}");
        }
        assert!(is_transient(
            &DatabaseErrorKind::SerializationFailure,
            "could not serialize access due to concurrent update"
        ));
        assert!(is_transient(
            &DatabaseErrorKind::ReadOnlyTransaction,
            "cannot execute INSERT in a read-only transaction"
        ));
    }

    #[test]
    fn english_and_japanese_messages_are_read_and_others_are_not() {
        for lc in [
            "C",
            "C.UTF-8",
            "POSIX",
            "en_US.UTF-8",
            "en_GB",
            "ja_JP.UTF-8",
            "ja_JP.eucJP",
            "English_United States.1252",
            "Japanese_Japan.932",
            "",
        ] {
            assert!(messages_read(lc), "{lc}");
        }
        for lc in [
            "fr_FR.UTF-8",
            "de_DE",
            "zh_CN.UTF-8",
            "ko_KR.UTF-8",
            "es",
            "cs_CZ",
        ] {
            assert!(!messages_read(lc), "{lc}");
        }
    }

    #[test]
    fn faults_of_the_statement_itself_are_not_transient() {
        for (kind, message) in [
            (
                DatabaseErrorKind::Unknown,
                "syntax error at or near \"FROM\"",
            ),
            (DatabaseErrorKind::Unknown, "column \"x\" does not exist"),
            (
                DatabaseErrorKind::Unknown,
                "value too long for type character varying(20)",
            ),
            (
                DatabaseErrorKind::NotNullViolation,
                "null value in column \"id\"",
            ),
            (
                DatabaseErrorKind::CheckViolation,
                "new row violates check constraint",
            ),
            (DatabaseErrorKind::ForeignKeyViolation, "deadlock detected"),
        ] {
            assert!(!is_transient(&kind, message), "{message}");
        }
    }
}
