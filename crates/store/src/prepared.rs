//! Write statements that stay prepared on their connection.
//!
//! diesel prepares and keeps a `SELECT` per connection, but sends every `INSERT` that may
//! write `DEFAULT`, every upsert and every `UPDATE` as new text each time (their SQL depends
//! on the values, and a program could make unboundedly many of them). The database then
//! parses, analyses and plans each again: five of the twelve statements of a new
//! consultation, the audit event of every read of a patient's data, and the chain head
//! update of every write. The statements wrapped here are the hot ones whose text has few
//! forms (a fixed column list, `DEFAULT` in a few optional columns, a handful of rows), so
//! keeping each form costs a few prepared statements per connection, bounded by the code,
//! not by the data. Bulk statements (an import's rows, chunks of hundreds of values) are not
//! wrapped: every row count would be a statement kept for the connection's life.

use crate::db::DbConn;
use diesel::backend::Backend;
use diesel::query_builder::{AstPass, Query, QueryFragment, QueryId};
use diesel::query_dsl::LoadQuery;
use diesel::sql_types::Untyped;
use diesel::{PgConnection, QueryResult, QueryableByName, RunQueryDsl, SqliteConnection};

/// `query`, prepared on the connection on first use and reused by its SQL text after.
pub(crate) fn prepared<Q>(query: Q) -> Prepared<Q> {
    prepared_if(true, query)
}

/// `query`, prepared and kept when `keep` (the statement has one of a few forms), else
/// sent as diesel would.
pub(crate) fn prepared_if<Q>(keep: bool, query: Q) -> Prepared<Q> {
    Prepared { query, keep }
}

#[derive(Debug, Clone, Copy)]
pub(crate) struct Prepared<Q> {
    query: Q,
    keep: bool,
}

impl<Q, DB> QueryFragment<DB> for Prepared<Q>
where
    DB: Backend,
    Q: QueryFragment<DB>,
{
    fn walk_ast<'b>(&'b self, pass: AstPass<'_, 'b, DB>) -> QueryResult<()> {
        self.query.walk_ast(pass)
    }

    // The cache is keyed by the SQL text and the bind types (no static query id), so each
    // form of the statement is its own entry and a value never changes the text it runs.
    fn is_safe_to_cache_prepared(&self, backend: &DB) -> QueryResult<bool> {
        if self.keep {
            return Ok(true);
        }
        self.query.is_safe_to_cache_prepared(backend)
    }
}

impl<Q> QueryId for Prepared<Q> {
    type QueryId = ();
    const HAS_STATIC_QUERY_ID: bool = false;
}

impl<Q> Prepared<Q> {
    /// Runs the statement, which returns no rows.
    ///
    /// Through diesel's loading path on purpose: its `execute` hands the connection a
    /// reference to the statement, and a reference asks the statement inside whether it may
    /// be kept (`false` for these) instead of asking this wrapper. Loading takes the
    /// wrapper itself.
    pub(crate) fn run<'q, Conn>(self, conn: &mut Conn) -> QueryResult<()>
    where
        Self: LoadQuery<'q, Conn, NoRow> + 'q,
    {
        self.load::<NoRow>(conn).map(drop)
    }

    /// [`Self::run`] on the backend's own connection, not through `MultiConnection`'s
    /// wrapper (see `per_backend!` in the crate root): for the statements every write runs.
    pub(crate) fn run_direct<'q>(self, conn: &mut DbConn) -> QueryResult<()>
    where
        Self: LoadQuery<'q, PgConnection, NoRow> + LoadQuery<'q, SqliteConnection, NoRow> + 'q,
    {
        match conn {
            DbConn::Pg(c) => self.run(c),
            DbConn::Sqlite(c) => self.run(c),
        }
    }
}

/// What a statement without `RETURNING` answers: no rows, and nothing to read from one.
#[derive(QueryableByName)]
pub(crate) struct NoRow {}

// Untyped, like `sql_query`'s: the rows (none) are read by name.
impl<Q> Query for Prepared<Q> {
    type SqlType = Untyped;
}

impl<Q, Conn> RunQueryDsl<Conn> for Prepared<Q> {}

#[cfg(test)]
mod tests {
    use super::*;
    use diesel::connection::SimpleConnection;
    use diesel::pg::PgConnection;
    use diesel::prelude::*;

    diesel::table! {
        prepared_probe (id) {
            id -> Integer,
            note -> Nullable<Text>,
        }
    }

    #[derive(Insertable)]
    #[diesel(table_name = prepared_probe)]
    struct Probe<'a> {
        id: i32,
        note: Option<&'a str>,
    }

    fn kept(c: &mut PgConnection, like: &str) -> i64 {
        diesel::sql_query(
            "SELECT count(*) AS n FROM pg_prepared_statements WHERE statement LIKE $1",
        )
        .bind::<diesel::sql_types::Text, _>(like)
        .get_result::<Count>(c)
        .expect("pg_prepared_statements")
        .n
    }

    #[derive(QueryableByName)]
    struct Count {
        #[diesel(sql_type = diesel::sql_types::BigInt)]
        n: i64,
    }

    /// On the PostgreSQL the API tests use (`TSUNAGU_TEST_POSTGRES_URL`): each form of a
    /// wrapped statement is prepared once on its connection and reused; unwrapped, diesel
    /// prepares none of them.
    #[test]
    fn wrapped_statements_stay_prepared_on_their_connection() {
        let url = std::env::var("TSUNAGU_TEST_POSTGRES_URL")
            .unwrap_or_else(|_| "postgres://postgres@127.0.0.1:5432/postgres".into());
        let mut c = PgConnection::establish(&url).expect("PostgreSQL for the tests");
        c.batch_execute(
            "CREATE TEMPORARY TABLE prepared_probe (id integer PRIMARY KEY, note text)",
        )
        .expect("probe table");
        let insert = |c: &mut PgConnection, id: i32, note: Option<&str>, wrap: bool| {
            let q = diesel::insert_into(prepared_probe::table).values(Probe { id, note });
            if wrap {
                prepared(q).run(c)
            } else {
                q.execute(c).map(drop)
            }
        };
        let like = r#"INSERT INTO "prepared_probe"%"#;
        insert(&mut c, 1, Some("a"), false).expect("insert");
        insert(&mut c, 2, Some("b"), false).expect("insert");
        assert_eq!(kept(&mut c, like), 0);
        insert(&mut c, 3, Some("c"), true).expect("insert");
        insert(&mut c, 4, Some("d"), true).expect("insert");
        assert_eq!(kept(&mut c, like), 1);
        // `DEFAULT` for the missing note: another form, kept beside the first.
        insert(&mut c, 5, None, true).expect("insert");
        insert(&mut c, 6, None, true).expect("insert");
        assert_eq!(kept(&mut c, like), 2);
        let update = |c: &mut PgConnection, keep: bool| {
            prepared_if(
                keep,
                diesel::update(prepared_probe::table.filter(prepared_probe::id.eq(1)))
                    .set(prepared_probe::note.eq("z")),
            )
            .run(c)
        };
        let like = r#"UPDATE "prepared_probe"%"#;
        update(&mut c, false).expect("update");
        assert_eq!(kept(&mut c, like), 0);
        update(&mut c, true).expect("update");
        update(&mut c, true).expect("update");
        assert_eq!(kept(&mut c, like), 1);
        let rows: i64 = prepared_probe::table
            .count()
            .get_result(&mut c)
            .expect("count");
        assert_eq!(rows, 6);
    }
}
