//! A scratch schema for `bench http`'s database ceiling on PostgreSQL: pgbench replays the
//! statements one request sends, and the replayed writes must land somewhere that is not
//! the installation's records (nor its audit chains). The tables a request writes are copied,
//! empty, into [`SCRATCH`] with everything that costs at insert time — indexes, defaults,
//! checks, foreign keys — and pgbench runs with `search_path = SCRATCH, public`, so the same
//! SQL text writes to the copies and reads everything else where it is. The audit chain
//! heads are copied with their rows, since a request locks and updates its chain's head.
//! Dropped afterwards; nothing of the replay stays.

use crate::db::DbConn;
use diesel::RunQueryDsl;
use diesel::connection::SimpleConnection;
use diesel::sql_types::Text;

/// The schema pgbench's replay writes into.
pub const SCRATCH: &str = "tsunagu_bench_ceiling";

/// Tables whose rows are copied too (the rest are copied empty).
const WITH_ROWS: &[&str] = &["audit_chain_head"];

#[derive(diesel::QueryableByName)]
struct Definition {
    #[diesel(sql_type = Text)]
    name: String,
    #[diesel(sql_type = Text)]
    definition: String,
}

/// A table name as the store writes them: only these characters, so it can stand in SQL.
fn plain(table: &str) -> Result<&str, String> {
    let ok = !table.is_empty()
        && table
            .chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_');
    ok.then_some(table)
        .ok_or_else(|| format!("not a table name of this database: {table:?}"))
}

impl crate::DieselStore {
    /// Makes [`SCRATCH`] afresh with a copy of each of `tables` (PostgreSQL only).
    pub fn make_ceiling_schema(&self, tables: &[String]) -> Result<(), String> {
        let mut c = self.pool().get().map_err(|e| e.to_string())?;
        let DbConn::Pg(pg) = &mut *c else {
            return Err("the pgbench ceiling needs PostgreSQL".into());
        };
        pg.batch_execute(&format!(
            "DROP SCHEMA IF EXISTS {SCRATCH} CASCADE; CREATE SCHEMA {SCRATCH};"
        ))
        .map_err(|e| e.to_string())?;
        for table in tables {
            let table = plain(table)?;
            pg.batch_execute(&format!(
                "CREATE TABLE {SCRATCH}.{table} (LIKE public.{table} INCLUDING ALL);"
            ))
            .map_err(|e| e.to_string())?;
            if WITH_ROWS.contains(&table) {
                pg.batch_execute(&format!(
                    "INSERT INTO {SCRATCH}.{table} SELECT * FROM public.{table};"
                ))
                .map_err(|e| e.to_string())?;
            }
        }
        // Foreign keys last, so one between two copied tables points at the copy (the
        // definitions name tables unqualified; the search path finds the copy first).
        for table in tables {
            let table = plain(table)?;
            let keys: Vec<Definition> = diesel::sql_query(
                "SELECT conname::text AS name, pg_get_constraintdef(oid) AS definition \
                 FROM pg_constraint WHERE contype = 'f' AND conrelid = ('public.' || $1)::regclass",
            )
            .bind::<Text, _>(table)
            .load(pg)
            .map_err(|e| e.to_string())?;
            for key in keys {
                let name = plain(&key.name)?;
                pg.batch_execute(&format!(
                    "BEGIN; SET LOCAL search_path = {SCRATCH}, public; \
                     ALTER TABLE {SCRATCH}.{table} ADD CONSTRAINT {name} {}; COMMIT;",
                    key.definition
                ))
                .map_err(|e| e.to_string())?;
            }
        }
        Ok(())
    }

    /// Drops [`SCRATCH`] and what the replay wrote there.
    pub fn drop_ceiling_schema(&self) -> Result<(), String> {
        let mut c = self.pool().get().map_err(|e| e.to_string())?;
        c.batch_execute(&format!("DROP SCHEMA IF EXISTS {SCRATCH} CASCADE;"))
            .map_err(|e| e.to_string())
    }
}

#[cfg(test)]
mod tests {
    use super::plain;

    #[test]
    fn only_plain_table_names_stand_in_sql() {
        assert!(plain("audit_chain_head").is_ok());
        assert!(plain("consultations").is_ok());
        assert!(plain("x; DROP TABLE patients").is_err());
        assert!(plain("\"quoted\"").is_err());
        assert!(plain("").is_err());
    }
}
