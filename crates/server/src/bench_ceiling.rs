//! The database's ceiling for `bench http` on PostgreSQL: pgbench running exactly the SQL
//! one request sends. The statements are captured from the store while the same use case
//! runs once in this process (`tsunagu_store::db::capture_statements`: the SQL text with its
//! bind values as diesel shows them), turned into a pgbench script with the values written
//! in, and replayed by pgbench's clients into a scratch schema (see
//! `tsunagu_store::ceiling`), so what the server does on top of the database shows as a
//! ratio measured in the same run.
//!
//! Values that name a row the request created (UUIDv7 ids made during the capture) and the
//! audit chain's sequence numbers would collide when replayed, so each transaction gets
//! fresh ones from one random number per transaction (`:n`), computed by the database as
//! part of the same statement: no statement is added.

use std::collections::BTreeSet;
use std::path::Path;
use std::time::Duration;
use uuid::Uuid;

/// A bind value as diesel's debug output shows it.
#[derive(Debug, Clone, PartialEq)]
pub enum Bind {
    Null,
    /// A number, a boolean, or a date or time shown without quotes.
    Bare(String),
    /// A string.
    Text(String),
    Array(Vec<Bind>),
}

/// Splits a captured statement into its SQL and its bind values.
pub fn parse_captured(line: &str) -> Result<(String, Vec<Bind>), String> {
    match line.rsplit_once(" -- binds: ") {
        None => Ok((line.trim().to_owned(), Vec::new())),
        Some((sql, binds)) => {
            let mut p = Parser {
                s: binds.trim(),
                at: 0,
            };
            let Bind::Array(values) = p.value()? else {
                return Err(format!("the binds are not a list: {binds}"));
            };
            if p.at != p.s.len() {
                return Err(format!("unexpected text after the binds: {binds}"));
            }
            Ok((sql.trim().to_owned(), values))
        }
    }
}

/// Reads Rust's `Debug` output of the bind values: lists, `Some(…)`, `None`, strings with
/// Rust's escapes, and bare tokens.
struct Parser<'a> {
    s: &'a str,
    at: usize,
}

impl Parser<'_> {
    fn rest(&self) -> &str {
        &self.s[self.at..]
    }

    fn eat(&mut self, prefix: &str) -> bool {
        if self.rest().starts_with(prefix) {
            self.at += prefix.len();
            true
        } else {
            false
        }
    }

    fn value(&mut self) -> Result<Bind, String> {
        if self.eat("[") {
            let mut items = Vec::new();
            if self.eat("]") {
                return Ok(Bind::Array(items));
            }
            loop {
                items.push(self.value()?);
                if self.eat("]") {
                    return Ok(Bind::Array(items));
                }
                if !self.eat(", ") {
                    return Err(format!("expected ', ' or ']' at {:?}", self.rest()));
                }
            }
        }
        if self.eat("Some(") {
            let v = self.value()?;
            return if self.eat(")") {
                Ok(v)
            } else {
                Err(format!("expected ')' at {:?}", self.rest()))
            };
        }
        if self.rest().starts_with('"') {
            return self.string().map(Bind::Text);
        }
        let end = self
            .rest()
            .find([',', ']', ')'])
            .unwrap_or(self.rest().len());
        let token = self.rest()[..end].trim().to_owned();
        self.at += end;
        match token.as_str() {
            "" => Err(format!("expected a value at {:?}", self.rest())),
            "None" => Ok(Bind::Null),
            _ => Ok(Bind::Bare(token)),
        }
    }

    fn string(&mut self) -> Result<String, String> {
        let mut out = String::new();
        let mut chars = self.rest().char_indices();
        chars.next(); // the opening quote
        while let Some((i, c)) = chars.next() {
            match c {
                '"' => {
                    self.at += i + 1;
                    return Ok(out);
                }
                '\\' => match chars.next().map(|(_, e)| e) {
                    Some('n') => out.push('\n'),
                    Some('r') => out.push('\r'),
                    Some('t') => out.push('\t'),
                    Some('0') => out.push('\0'),
                    Some('u') => {
                        // \u{XXXX}
                        let hex: String = chars
                            .by_ref()
                            .map(|(_, c)| c)
                            .skip_while(|c| *c == '{')
                            .take_while(|c| *c != '}')
                            .collect();
                        let c = u32::from_str_radix(&hex, 16)
                            .ok()
                            .and_then(char::from_u32)
                            .ok_or_else(|| format!("bad escape \\u{{{hex}}}"))?;
                        out.push(c);
                    }
                    Some(e) => out.push(e),
                    None => break,
                },
                c => out.push(c),
            }
        }
        Err(format!("unterminated string at {:?}", self.rest()))
    }
}

/// A pgbench script made from one request's statements.
#[derive(Debug, Clone, PartialEq)]
pub struct Script {
    pub text: String,
    /// Statements per transaction of the script (as the server counts them).
    pub statements: usize,
    /// Tables the statements write (and lock): the scratch schema copies them.
    pub written: BTreeSet<String>,
}

/// Columns whose value must differ in each replayed transaction besides the fresh ids: the
/// audit chain's sequence number is unique per chain.
const FRESH_NUMBER_COLUMNS: &[&str] = &["chain_seq"];

/// Turns captured statements into a pgbench script: `$n` replaced by its value as an SQL
/// literal, ids made since `since` (UUIDv7 time) and the chain sequence replaced by values
/// fresh in each transaction.
pub fn pgbench_script(
    captured: &[String],
    since: chrono::DateTime<chrono::Utc>,
) -> Result<Script, String> {
    let since_ms = u64::try_from(since.timestamp_millis()).unwrap_or(0);
    let mut fresh_ids: Vec<String> = Vec::new();
    let mut fresh_numbers = 0usize;
    let mut text = String::from("\\set n random(1, 500000000000000)\n");
    let mut written = BTreeSet::new();
    for line in captured {
        let (sql, binds) = parse_captured(line)?;
        written.extend(written_tables(&sql));
        let columns = insert_columns(&sql);
        let mut out = String::with_capacity(sql.len());
        let mut rest = sql.as_str();
        while let Some(at) = rest.find('$') {
            out.push_str(&rest[..at]);
            let digits: String = rest[at + 1..]
                .chars()
                .take_while(char::is_ascii_digit)
                .collect();
            rest = &rest[at + 1 + digits.len()..];
            let Ok(n) = digits.parse::<usize>() else {
                out.push('$');
                continue;
            };
            let bind = binds
                .get(n.wrapping_sub(1))
                .ok_or_else(|| format!("${n} has no bind value in {line}"))?;
            let column = columns.get(&n).map(String::as_str);
            if column.is_some_and(|c| FRESH_NUMBER_COLUMNS.contains(&c)) {
                out.push_str(&format!("(:n::bigint * 16 + {fresh_numbers})"));
                fresh_numbers += 1;
                continue;
            }
            out.push_str(&literal(bind, since_ms, &mut fresh_ids));
        }
        out.push_str(rest);
        text.push_str(&out);
        text.push_str(";\n");
    }
    Ok(Script {
        text,
        statements: captured.len(),
        written,
    })
}

/// The tables a statement writes (or a SELECT … FOR UPDATE locks): an INSERT, UPDATE or
/// DELETE, or several joined in one statement as the parts of a `WITH` (see the store's
/// `later`).
fn written_tables(sql: &str) -> Vec<String> {
    if sql.starts_with("SELECT") && sql.contains(" FOR ") && sql.ends_with("UPDATE") {
        return sql
            .split(" FROM \"")
            .nth(1)
            .and_then(|after| after.split('"').next())
            .map(str::to_owned)
            .into_iter()
            .collect();
    }
    let mut tables = Vec::new();
    for verb in ["INSERT INTO \"", "UPDATE \"", "DELETE FROM \""] {
        for (at, _) in sql.match_indices(verb) {
            // A statement, or a part of one: at the start, or after `AS (`.
            let starts = at == 0 || sql[..at].ends_with("AS (") || sql[..at].ends_with(") ");
            if starts && let Some(table) = sql[at + verb.len()..].split('"').next() {
                tables.push(table.to_owned());
            }
        }
    }
    tables
}

/// For each INSERT of a statement (one, or the parts of a `WITH`), which column each `$n`
/// of its VALUES fills.
fn insert_columns(sql: &str) -> std::collections::HashMap<usize, String> {
    let mut map = std::collections::HashMap::new();
    for (at, _) in sql.match_indices("INSERT INTO \"") {
        let rest = &sql[at..];
        let (Some(open), Some(close)) = (rest.find(" ("), rest.find(") VALUES ")) else {
            continue;
        };
        if open > close {
            continue;
        }
        let columns: Vec<&str> = rest[open + 2..close]
            .split(", ")
            .map(|c| c.trim_matches('"'))
            .collect();
        // The tuples: `($1, $2, DEFAULT), ($3, …)`, up to the first text that is not one.
        let mut values = &rest[close + ") VALUES ".len()..];
        while let Some(tuple) = values.strip_prefix('(') {
            let Some(end) = tuple.find(')') else { break };
            for (column, item) in columns.iter().zip(tuple[..end].split(", ")) {
                if let Some(n) = item.trim().strip_prefix('$').and_then(|d| d.parse().ok()) {
                    map.insert(n, (*column).to_owned());
                }
            }
            match tuple[end + 1..].strip_prefix(", ") {
                Some(next) => values = next,
                None => break,
            }
        }
    }
    map
}

/// A value as an SQL literal, or as an expression fresh in each transaction for an id made
/// during the capture.
fn literal(bind: &Bind, since_ms: u64, fresh_ids: &mut Vec<String>) -> String {
    match bind {
        Bind::Null => "NULL".into(),
        Bind::Bare(token) => {
            if token == "true" || token == "false" || token.parse::<f64>().is_ok() {
                token.clone()
            } else {
                quote(token)
            }
        }
        Bind::Text(s) => {
            if made_since(s, since_ms) {
                let k = fresh_ids.iter().position(|x| x == s).unwrap_or_else(|| {
                    fresh_ids.push(s.clone());
                    fresh_ids.len() - 1
                });
                format!("md5(:n::text || '-{k}')")
            } else {
                quote(s)
            }
        }
        Bind::Array(items) => {
            let inner: Vec<String> = items
                .iter()
                .map(|i| match i {
                    Bind::Null => "NULL".into(),
                    Bind::Bare(t) => t.clone(),
                    Bind::Text(t) => {
                        format!("\"{}\"", t.replace('\\', "\\\\").replace('"', "\\\""))
                    }
                    Bind::Array(_) => "NULL".into(),
                })
                .collect();
            quote(&format!("{{{}}}", inner.join(",")))
        }
    }
}

fn quote(s: &str) -> String {
    format!("'{}'", s.replace('\'', "''"))
}

/// Whether `s` is a UUIDv7 made at or after `since_ms`.
fn made_since(s: &str, since_ms: u64) -> bool {
    Uuid::parse_str(s).ok().is_some_and(|u| {
        u.get_version_num() == 7
            && u.get_timestamp()
                .map(|t| {
                    let (secs, nanos) = t.to_unix();
                    secs * 1000 + u64::from(nanos / 1_000_000)
                })
                .is_some_and(|ms| ms >= since_ms)
    })
}

/// What a pgbench run measured.
#[derive(Debug, Clone, Copy)]
pub struct Pgbench {
    pub per_second: f64,
    pub latency_ms: f64,
}

/// Runs pgbench with `scripts` (equal weights: each transaction picks one) at `clients`
/// connections for `length`, against `url`, with the scratch schema first on the search path.
pub fn pgbench(
    url: &str,
    scripts: &[&Path],
    clients: usize,
    length: Duration,
) -> Result<Pgbench, String> {
    let mut cmd = std::process::Command::new("pgbench");
    cmd.args(["-n", "-M", "prepared", "-c"])
        .arg(clients.to_string())
        .arg("-j")
        .arg(clients.min(2).to_string())
        .arg("-T")
        .arg(length.as_secs().max(1).to_string());
    for s in scripts {
        cmd.arg("-f").arg(s);
    }
    let out = cmd
        .arg(url)
        .env(
            "PGOPTIONS",
            format!("-c search_path={},public", tsunagu_store::ceiling::SCRATCH),
        )
        .output()
        .map_err(|e| format!("cannot run pgbench: {e}"))?;
    let stdout = String::from_utf8_lossy(&out.stdout);
    if !out.status.success() {
        return Err(format!(
            "pgbench failed: {}{}",
            stdout,
            String::from_utf8_lossy(&out.stderr)
        ));
    }
    let figure = |prefix: &str| {
        stdout.lines().find_map(|l| {
            l.strip_prefix(prefix)
                .and_then(|v| v.split_whitespace().next())
                .and_then(|v| v.parse::<f64>().ok())
        })
    };
    Ok(Pgbench {
        per_second: figure("tps = ")
            .ok_or_else(|| format!("no tps in pgbench's output: {stdout}"))?,
        latency_ms: figure("latency average = ").unwrap_or(0.0),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_the_bind_values_as_diesel_shows_them() {
        let (sql, binds) = parse_captured(
            r#"SELECT 1 WHERE a = $1 -- binds: ["x, \"y\"]", 2026-12-05T02:29:12.038722, true, 1, Some(2026-12-05), None, [], ["a"]]"#,
        )
        .unwrap();
        assert_eq!(sql, "SELECT 1 WHERE a = $1");
        assert_eq!(
            binds,
            vec![
                Bind::Text("x, \"y\"]".into()),
                Bind::Bare("2026-12-05T02:29:12.038722".into()),
                Bind::Bare("true".into()),
                Bind::Bare("1".into()),
                Bind::Bare("2026-12-05".into()),
                Bind::Null,
                Bind::Array(vec![]),
                Bind::Array(vec![Bind::Text("a".into())]),
            ]
        );
        assert_eq!(parse_captured("BEGIN").unwrap(), ("BEGIN".into(), vec![]));
        assert!(parse_captured("SELECT $1 -- binds: [\"open").is_err());
    }

    #[test]
    fn writes_values_in_and_makes_new_ids_and_chain_numbers_fresh() {
        let since = chrono::DateTime::parse_from_rfc3339("2026-12-05T02:00:00Z")
            .unwrap()
            .with_timezone(&chrono::Utc);
        let old = "01a00000-0000-7000-8000-000000000000"; // 2026-11 or earlier
        let new = Uuid::now_v7().to_string();
        let captured = vec![
            "BEGIN".to_owned(),
            format!(
                r#"SELECT "h"."seq" FROM "audit_chain_head" WHERE ("audit_chain_head"."chain" = $1) LIMIT $2 FOR NO KEY UPDATE -- binds: ["{old}", 1]"#
            ),
            format!(
                r#"INSERT INTO "audit_events" ("seq", "id", "note", "chain_seq") VALUES (DEFAULT, $1, $2, $3) -- binds: ["{new}", "it's", 2829]"#
            ),
            format!(
                r#"INSERT INTO "consultations" ("id", "patient_id") VALUES ($1, $2) -- binds: ["{new}", "{old}"]"#
            ),
            "COMMIT".to_owned(),
        ];
        let s = pgbench_script(&captured, since).unwrap();
        assert_eq!(s.statements, 5);
        assert_eq!(
            s.written.iter().map(String::as_str).collect::<Vec<_>>(),
            vec!["audit_chain_head", "audit_events", "consultations"]
        );
        let lines: Vec<&str> = s.text.lines().collect();
        assert_eq!(lines[0], "\\set n random(1, 500000000000000)");
        assert_eq!(lines[1], "BEGIN;");
        assert!(lines[2].ends_with(&format!("= '{old}') LIMIT 1 FOR NO KEY UPDATE;")));
        assert!(
            lines[3].ends_with(
                "VALUES (DEFAULT, md5(:n::text || '-0'), 'it''s', (:n::bigint * 16 + 0));"
            )
        );
        // The same new id is the same fresh value in the next statement; the old one stays.
        assert!(lines[4].ends_with(&format!("VALUES (md5(:n::text || '-0'), '{old}');")));
        assert_eq!(lines[5], "COMMIT;");
    }

    #[test]
    fn a_joined_statement_writes_each_of_its_tables_with_fresh_chain_numbers() {
        let since = chrono::DateTime::parse_from_rfc3339("2026-12-05T02:00:00Z")
            .unwrap()
            .with_timezone(&chrono::Utc);
        let new = Uuid::now_v7().to_string();
        let captured = vec![format!(
            r#"WITH l0 AS (INSERT INTO "consultation_counts" ("center_id", "n") VALUES ($1, $2), ($3, $4) ON CONFLICT ("center_id") DO UPDATE SET "n" = ("consultation_counts"."n" + excluded."n")) , l1 AS (INSERT INTO "audit_events" ("seq", "id", "chain_seq") VALUES (DEFAULT, $5, $6)) UPDATE "audit_chain_head" SET "seq" = $7 WHERE ("audit_chain_head"."chain" = $8) -- binds: ["c", 1, "c", 2, "{new}", 41, 41, "center:c"]"#
        )];
        let s = pgbench_script(&captured, since).unwrap();
        assert_eq!(
            s.written.iter().map(String::as_str).collect::<Vec<_>>(),
            vec!["audit_chain_head", "audit_events", "consultation_counts"]
        );
        let line = s.text.lines().nth(1).unwrap();
        assert!(
            line.contains("VALUES ('c', 1), ('c', 2) ON CONFLICT"),
            "{line}"
        );
        assert!(
            line.contains("VALUES (DEFAULT, md5(:n::text || '-0'), (:n::bigint * 16 + 0)))"),
            "{line}"
        );
        // The head's own number is a bind of the UPDATE, not of an INSERT's column.
        assert!(line.contains("SET \"seq\" = 41 WHERE"), "{line}");
        assert_eq!(s.statements, 1);
    }

    #[test]
    fn lists_become_array_literals() {
        let mut fresh = Vec::new();
        let a = Bind::Array(vec![Bind::Text("a\"b".into()), Bind::Bare("1".into())]);
        assert_eq!(literal(&a, 0, &mut fresh), "'{\"a\\\"b\",1}'");
        assert_eq!(literal(&Bind::Array(vec![]), 0, &mut fresh), "'{}'");
        assert_eq!(
            literal(&Bind::Bare("2026-12-05".into()), 0, &mut fresh),
            "'2026-12-05'"
        );
        assert_eq!(literal(&Bind::Null, 0, &mut fresh), "NULL");
    }
}
