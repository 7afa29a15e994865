//! Writes sent together, once, just before a transaction commits (PostgreSQL only).
//!
//! A new consultation's transaction wrote its report rollups (two upserts), its audit event
//! and its chain head's write-back as four statements, each a round trip while the center's
//! other writers waited for the head's lock. None of them is read back in the transaction
//! that writes it, so they can go as one statement: PostgreSQL runs the data-modifying
//! parts of a `WITH` as one statement, all of them or none (`WITH l0 AS (INSERT …), l1 AS
//! (INSERT …) UPDATE audit_chain_head …`). The held rows' write-back (see
//! [`crate::held_rows::finish`]) is that statement's last part.
//!
//! Only a write whose table the same transaction never reads may be deferred: the parts of
//! one statement see the tables as they were before it (the rollups read back with their
//! deltas, `referral_patients`, are written at once). SQLite runs statements in this process,
//! where a statement costs a call rather than a round trip, and has no data-modifying `WITH`;
//! it writes at once.

use diesel::QueryResult;
use diesel::pg::Pg;
use diesel::query_builder::{AstPass, QueryFragment, QueryId};

/// A deferred write, typed away so that writes to different tables join one list.
pub(crate) type Later = Box<dyn QueryFragment<Pg> + Send>;

/// Most writes one transaction defers: a use case writes a record's rollups and events, a
/// few statements. One that writes more (many records in one transaction) sends the rest
/// at once, so the joined statement has few forms (each kept prepared on its connection).
pub(crate) const MOST_DEFERRED: usize = 6;

/// Statements run as one: all but the last as the `WITH` parts of the last.
pub(crate) struct Joined(pub(crate) Vec<Later>);

impl QueryFragment<Pg> for Joined {
    fn walk_ast<'b>(&'b self, mut out: AstPass<'_, 'b, Pg>) -> QueryResult<()> {
        let Some((last, parts)) = self.0.split_last() else {
            return Err(diesel::result::Error::QueryBuilderError(
                "no statement to run".into(),
            ));
        };
        for (i, part) in parts.iter().enumerate() {
            out.push_sql(if i == 0 { "WITH " } else { ", " });
            out.push_sql(&format!("l{i} AS ("));
            part.walk_ast(out.reborrow())?;
            out.push_sql(") ");
        }
        last.walk_ast(out.reborrow())
    }
}

impl QueryId for Joined {
    type QueryId = ();
    const HAS_STATIC_QUERY_ID: bool = false;
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::prepared::prepared;
    use diesel::connection::SimpleConnection;
    use diesel::prelude::*;

    diesel::table! {
        later_a (id) {
            id -> Integer,
            n -> Integer,
        }
    }

    diesel::table! {
        later_b (id) {
            id -> Integer,
            note -> Text,
        }
    }

    fn conn() -> PgConnection {
        let url = std::env::var("TSUNAGU_TEST_POSTGRES_URL")
            .unwrap_or_else(|_| "postgres://postgres@127.0.0.1:5432/postgres".into());
        let mut c = PgConnection::establish(&url).expect("PostgreSQL for the tests");
        c.batch_execute(
            "CREATE TEMPORARY TABLE later_a (id integer PRIMARY KEY, n integer NOT NULL);
             CREATE TEMPORARY TABLE later_b (id integer PRIMARY KEY, note text NOT NULL);
             INSERT INTO later_a VALUES (1, 10);",
        )
        .expect("tables");
        c
    }

    fn upsert(id: i32, n: i32) -> Later {
        use diesel::upsert::excluded;
        Box::new(
            diesel::insert_into(later_a::table)
                .values((later_a::id.eq(id), later_a::n.eq(n)))
                .on_conflict(later_a::id)
                .do_update()
                .set(later_a::n.eq(later_a::n + excluded(later_a::n))),
        )
    }

    /// On the PostgreSQL the API tests use: the parts and the last statement all write, with
    /// their binds numbered in order, as one statement.
    #[test]
    fn the_parts_and_the_last_statement_all_write_in_one_statement() {
        let mut c = conn();
        let joined = Joined(vec![
            upsert(1, 5),
            Box::new(
                diesel::insert_into(later_b::table)
                    .values((later_b::id.eq(7), later_b::note.eq("seven"))),
            ),
            upsert(2, 3),
        ]);
        let sql = diesel::debug_query::<Pg, _>(&joined).to_string();
        assert!(
            sql.starts_with("WITH l0 AS (INSERT INTO \"later_a\""),
            "{sql}"
        );
        assert!(sql.contains(", l1 AS (INSERT INTO \"later_b\""), "{sql}");
        prepared(joined).run(&mut c).expect("one statement");
        let a: Vec<(i32, i32)> = later_a::table.order(later_a::id).load(&mut c).expect("a");
        assert_eq!(a, vec![(1, 15), (2, 3)]);
        let b: Vec<(i32, String)> = later_b::table.load(&mut c).expect("b");
        assert_eq!(b, vec![(7, "seven".to_owned())]);
    }

    /// A part that fails fails the whole statement: nothing of it is written.
    #[test]
    fn a_failing_part_writes_nothing() {
        let mut c = conn();
        let joined = Joined(vec![
            upsert(3, 1),
            Box::new(diesel::insert_into(later_b::table).values(vec![
                (later_b::id.eq(8), later_b::note.eq("a")),
                (later_b::id.eq(8), later_b::note.eq("b")),
            ])),
            upsert(1, 1),
        ]);
        assert!(prepared(joined).run(&mut c).is_err());
        let a: Vec<(i32, i32)> = later_a::table.order(later_a::id).load(&mut c).expect("a");
        assert_eq!(a, vec![(1, 10)]);
    }

    /// Two upserts of one row in one transaction (a use case that counted twice): PostgreSQL
    /// would refuse them as parts of one statement, so the first goes before the second is
    /// kept, and both count.
    #[test]
    fn a_second_upsert_of_a_table_sends_what_was_kept_first() {
        let (mut c, seen, _db) = crate::testing::pg_db();
        if let crate::db::DbConn::Pg(pg) = &mut c {
            pg.batch_execute(
                "CREATE TEMPORARY TABLE later_a (id integer PRIMARY KEY, n integer NOT NULL);
                 CREATE TEMPORARY TABLE later_b (id integer PRIMARY KEY, note text NOT NULL);
                 INSERT INTO later_a VALUES (1, 10);",
            )
            .expect("tables");
        }
        crate::testing::sent(&seen);
        crate::db::write_tx(&mut c, |c| -> QueryResult<()> {
            crate::held_rows::upsert_later(c, "later_a", upsert(1, 5))?;
            crate::held_rows::upsert_later(c, "later_a", upsert(1, 3))?;
            crate::held_rows::write_later(
                c,
                Box::new(
                    diesel::insert_into(later_b::table)
                        .values((later_b::id.eq(9), later_b::note.eq("nine"))),
                ),
            )
        })
        .expect("both counted");
        let sent = crate::testing::sent(&seen);
        // BEGIN, the first upsert, the second with the insert, COMMIT.
        assert_eq!(sent.len(), 4, "{sent:#?}");
        assert!(
            sent[2].starts_with("WITH l0 AS (INSERT INTO \"later_a\""),
            "{sent:#?}"
        );
        let crate::db::DbConn::Pg(pg) = &mut c else {
            unreachable!("PostgreSQL")
        };
        let a: Vec<(i32, i32)> = later_a::table.load(pg).expect("a");
        assert_eq!(a, vec![(1, 18)]);
        let b: Vec<(i32, String)> = later_b::table.load(pg).expect("b");
        assert_eq!(b, vec![(9, "nine".to_owned())]);
    }

    #[test]
    fn nothing_to_run_is_an_error_not_a_panic() {
        let mut c = conn();
        assert!(prepared(Joined(Vec::new())).run(&mut c).is_err());
    }
}
