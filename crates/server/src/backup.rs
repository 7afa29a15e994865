//! `tsunagu backup FILE` and `tsunagu restore FILE [--force]`.
//!
//! SQLite: the backup is an online, consistent copy of the live database (`VACUUM INTO`
//! while the server serves), written under a temporary name, fsynced, and only then given
//! its name, which it never takes from an existing file. The data key file SQLite keeps
//! beside the database (`<db>.key`, when no key is configured) is copied beside the
//! backup as `<backup>.key` (mode 0600): a backup whose TOTP and webhook secrets cannot be
//! opened, and whose keyed audit chain cannot be verified, would not be a backup. A
//! configured key (`TSUNAGU_DATA_KEY`, `TSUNAGU_DATA_KEY_FILE`) is never written anywhere;
//! the command says to keep it.
//!
//! PostgreSQL is dumped with `pg_dump` ([`POSTGRES_HELP`]); `tsunagu restore DUMP` runs
//! `pg_restore` into an empty database.
//!
//! Either way a restore checks before it changes anything that the backup's schema is not
//! newer than this binary and that the data keys it needs are at hand; it then applies
//! pending migrations, verifies the audit chain with those keys (a backup whose trail does
//! not verify is refused) and records `database.restore` after the backup's last event.

use crate::{Config, DataKeySource};
use std::path::{Path, PathBuf};
use std::sync::Arc;
use tsunagu_domain::SystemClock;
use tsunagu_domain::app::Services;
use tsunagu_domain::audit::AuditDraft;
use tsunagu_domain::data_keys::DataKeys;
use tsunagu_domain::events::Action;
use tsunagu_domain::ports::AuditLog;
use tsunagu_store::backup as sql;
use tsunagu_store::{Backend, DatabaseUrl, DieselStore};

/// How PostgreSQL is backed up (the README's "Backups" section has the details).
pub const POSTGRES_HELP: &str = "\
PostgreSQL is backed up with PostgreSQL's own tools, not `tsunagu backup`:
  logical (a consistent dump while the server runs):
    pg_dump -Fc --file tsunagu-$(date +%F).dump \"$TSUNAGU_DATABASE_URL\"
  restore into a new, EMPTY database (createdb), then check it:
    TSUNAGU_DATABASE_URL=postgres://…/tsunagu_restored tsunagu restore tsunagu-YYYY-MM-DD.dump
  physical, with WAL archiving for point-in-time recovery:
    pg_basebackup -D /backups/base-$(date +%F) -Ft -z -Xstream -P
    (and archive_mode = on, archive_command in postgresql.conf)
Keep TSUNAGU_DATA_KEY (and TSUNAGU_DATA_KEYS_OLD) with the backups, stored apart from them:
without it the TOTP and webhook secrets in the dump cannot be opened nor its audit trail verified.";

/// What `tsunagu backup` wrote.
#[derive(Debug, Clone)]
pub struct BackupReport {
    pub file: PathBuf,
    /// The data key file copied beside the backup, when the key lives beside the database.
    pub key_file: Option<PathBuf>,
    /// The sequence number of the newest audit event in the copy.
    pub audit_seq: i64,
    /// What the operator must know about the data key.
    pub key_note: String,
}

/// What `tsunagu restore` did.
#[derive(Debug, Clone)]
pub struct RestoreReport {
    /// The restored SQLite file; `None` on PostgreSQL.
    pub database: Option<PathBuf>,
    /// The database (and key file) that were there before, kept aside (`--force`).
    pub kept_aside: Vec<PathBuf>,
    /// Migrations applied to the restored database.
    pub migrated: Vec<String>,
    /// The sequence number of the backup's newest audit event; `database.restore` follows it.
    pub audit_seq: i64,
}

fn with_suffix(p: &Path, suffix: &str) -> PathBuf {
    let mut s = p.as_os_str().to_owned();
    s.push(suffix);
    PathBuf::from(s)
}

/// A name beside `p` for a file being made, hidden and unique.
fn temp_beside(p: &Path, what: &str) -> PathBuf {
    let name = p
        .file_name()
        .map_or_else(|| "tsunagu".into(), |n| n.to_string_lossy().into_owned());
    p.with_file_name(format!(".{name}.{what}-{}", uuid::Uuid::now_v7().simple()))
}

fn fsync_file(p: &Path) -> Result<(), String> {
    std::fs::File::open(p)
        .and_then(|f| f.sync_all())
        .map_err(|e| format!("cannot flush {} to disk: {e}", p.display()))
}

/// Makes a rename durable. Directories cannot be opened for sync everywhere; where they
/// cannot, the file system orders it anyway.
fn fsync_dir_of(p: &Path) {
    let dir = match p.parent() {
        Some(d) if !d.as_os_str().is_empty() => d,
        _ => Path::new("."),
    };
    if let Ok(d) = std::fs::File::open(dir) {
        let _ = d.sync_all();
    }
}

/// Writes `text` to a new file readable by its owner only (refusing an existing one).
fn write_private(p: &Path, text: &[u8]) -> Result<(), String> {
    use std::io::Write;
    let mut opts = std::fs::OpenOptions::new();
    opts.write(true).create_new(true);
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::mode(&mut opts, 0o600);
    let mut f = opts
        .open(p)
        .map_err(|e| format!("cannot create {}: {e}", p.display()))?;
    f.write_all(text)
        .and_then(|()| f.sync_all())
        .map_err(|e| format!("cannot write {}: {e}", p.display()))
}

/// Moves a file to a name that is not taken, for a file to be replaced: it is kept, never
/// deleted.
fn move_aside(p: &Path, stamp: &str) -> Result<PathBuf, String> {
    let aside = with_suffix(p, &format!(".replaced-{stamp}"));
    if aside.exists() {
        return Err(format!("{} exists already", aside.display()));
    }
    std::fs::rename(p, &aside).map_err(|e| format!("cannot move {} aside: {e}", p.display()))?;
    Ok(aside)
}

fn refuse_existing(p: &Path) -> String {
    format!(
        "{} exists: a backup never overwrites a file; choose a new name",
        p.display()
    )
}

/// `tsunagu backup FILE`: see the module's documentation.
pub fn backup(cfg: &Config, dest: &Path) -> Result<BackupReport, String> {
    let url = DatabaseUrl::parse(&cfg.database_url);
    let db = match url.sqlite_file() {
        Some(f) => PathBuf::from(f),
        None if url.backend == Backend::Postgres => return Err(POSTGRES_HELP.into()),
        None => return Err(format!("{} is not a database file", url.redacted())),
    };
    if !db.exists() {
        return Err(format!("there is no database at {}", db.display()));
    }
    if dest.exists() {
        return Err(refuse_existing(dest));
    }
    let key_src = matches!(cfg.data_keys, DataKeySource::Unset).then(|| with_suffix(&db, ".key"));
    let key_dest = with_suffix(dest, ".key");
    if key_src.is_some() && key_dest.exists() {
        return Err(refuse_existing(&key_dest));
    }
    // The keys chain the `database.backup` event; an absent key file is an error here, not
    // made anew (the server made it on its first start).
    let keys = crate::data_keys(&cfg.data_keys, &url, true)?;
    // No migrations: the server running against this file may be older than this binary.
    let pool = tsunagu_store::open_pool(&url, 2).map_err(|e| e.to_string())?;
    let tmp = temp_beside(dest, "partial");
    let copied = (|| -> Result<i64, String> {
        let seq = sql::sqlite_backup(&pool, &tmp)
            .map_err(|e| format!("cannot copy the database: {e}"))?;
        // SQLite does not fsync what VACUUM INTO writes.
        fsync_file(&tmp)?;
        // The key goes first: a file under the backup's name always has its key beside it.
        if let Some(src) = &key_src {
            let text = std::fs::read(src)
                .map_err(|e| format!("cannot read the data key file {}: {e}", src.display()))?;
            write_private(&key_dest, &text)?;
        }
        if dest.exists() {
            return Err(refuse_existing(dest));
        }
        std::fs::rename(&tmp, dest)
            .map_err(|e| format!("cannot name the backup {}: {e}", dest.display()))?;
        fsync_dir_of(dest);
        Ok(seq)
    })();
    let audit_seq = copied.inspect_err(|_| {
        let _ = std::fs::remove_file(&tmp);
    })?;
    // Every record left the database: the live trail says so.
    let event = AuditDraft::system(chrono::Utc::now(), Action::DatabaseBackup)
        .resource("database")
        .detail(format!("file={}; audit_seq={audit_seq}", dest.display()));
    DieselStore::new(pool, url.backend, keys)
        .append_audit(&[event])
        .map_err(|e| format!("the backup was written but not recorded in the audit trail: {e}"))?;
    let key_file = key_src.map(|_| key_dest);
    let key_note = match (&cfg.data_keys, &key_file) {
        (_, Some(k)) => format!(
            "the data key file was copied to {} (mode 0600): keep it with the backup — and \
             wherever the backup may be read by others, store it apart",
            k.display()
        ),
        (DataKeySource::File(p), None) => format!(
            "the data key is not in the backup: keep {} (TSUNAGU_DATA_KEY_FILE) safe, apart \
             from the backups — without it the TOTP and webhook secrets cannot be opened nor \
             the audit trail verified",
            p.display()
        ),
        (_, None) => "the data key is not in the backup: keep TSUNAGU_DATA_KEY (and \
             TSUNAGU_DATA_KEYS_OLD) safe, apart from the backups — without it the TOTP and \
             webhook secrets cannot be opened nor the audit trail verified"
            .into(),
    };
    Ok(BackupReport {
        file: dest.to_owned(),
        key_file,
        audit_seq,
        key_note,
    })
}

/// `tsunagu restore FILE [--force]`: see the module's documentation.
pub fn restore(cfg: &Config, src: &Path, force: bool) -> Result<RestoreReport, String> {
    if !src.is_file() {
        return Err(format!("there is no backup file at {}", src.display()));
    }
    let url = DatabaseUrl::parse(&cfg.database_url);
    match (url.backend, url.sqlite_file()) {
        (Backend::Postgres, _) => restore_postgres(cfg, &url, src),
        (Backend::Sqlite, Some(f)) => restore_sqlite(cfg, Path::new(f), src, force),
        (Backend::Sqlite, None) => Err(format!("{} is not a database file", url.redacted())),
    }
}

/// Opens a restored database with `keys`: applies this binary's pending migrations, checks
/// that every key its secrets and audit events need is among `keys`, verifies the audit
/// chain and records the restore after the backup's last event. Answers the migrations
/// applied and the sequence number of the backup's last event.
fn finish_restore(
    url: &DatabaseUrl,
    keys: DataKeys,
    from: &Path,
) -> Result<(Vec<String>, i64), String> {
    let pool = tsunagu_store::open_short_lived_pool(url, 2).map_err(|e| e.to_string())?;
    let mut conn = pool.get().map_err(|e| e.to_string())?;
    let migrated = tsunagu_store::run_migrations(&mut conn)
        .map_err(|e| format!("cannot migrate the restored database: {e}"))?;
    let missing: Vec<String> = sql::needed_key_ids(&mut conn)?
        .into_iter()
        .filter(|id| !keys.ids().contains(&id.as_str()))
        .collect();
    drop(conn);
    if !missing.is_empty() {
        return Err(format!(
            "the backup needs data key(s) {} (its sealed secrets or audit chain) which are not \
             at hand: configure them in TSUNAGU_DATA_KEY / TSUNAGU_DATA_KEYS_OLD or put the \
             backup's key file beside it",
            missing.join(", ")
        ));
    }
    let store = Arc::new(DieselStore::new(pool, url.backend, keys));
    let released = Arc::downgrade(&store);
    let services = Services::new(store, Arc::new(SystemClock));
    let outcome = verify_and_record(&services, from);
    // The database is moved, used or deleted next, so its connections must be closed on
    // every path, a refusal too: the access-log writer thread (the verification queued an
    // access event) lets go of the store within half a second of the services, and writing
    // after the caller removed a refused copy would leave a file behind.
    drop(services);
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(5);
    while released.strong_count() > 0 && std::time::Instant::now() < deadline {
        std::thread::sleep(std::time::Duration::from_millis(20));
    }
    outcome.map(|seq| (migrated, seq))
}

/// Verifies the restored trail and records the restore after its last event; the last
/// `seq` of the backup's trail.
fn verify_and_record(services: &Services, from: &Path) -> Result<i64, String> {
    let report = services
        .audit_trail()
        .verify_chain()
        .map_err(|e| format!("cannot read the backup's audit trail: {e}"))?;
    if let Some(b) = report.first_broken {
        return Err(format!(
            "the backup's audit trail does not verify (broken in chain {} at seq {}: {}): it is not restored",
            b.chain, b.seq, b.reason
        ));
    }
    let event = AuditDraft::system(chrono::Utc::now(), Action::DatabaseRestore)
        .resource("database")
        .detail(format!(
            "from={}; audit_seq={}; audit_chains={}; audit_events={}",
            from.display(),
            report.last_seq,
            report.chains.len(),
            report.checked
        ));
    services
        .store()
        .append_audit(&[event])
        .map_err(|e| format!("cannot record the restore: {e}"))?;
    Ok(report.last_seq)
}

/// The keys a restored SQLite database will have, and the key file text to put beside it
/// (when the backup brought one): the backup's `<FILE>.key`, else the key file already
/// beside the database, else the configured keys.
fn sqlite_restore_keys(
    cfg: &Config,
    src: &Path,
    target_key: &Path,
) -> Result<(DataKeys, Option<String>), String> {
    if !matches!(cfg.data_keys, DataKeySource::Unset) {
        let url = DatabaseUrl::parse(&cfg.database_url);
        return Ok((crate::data_keys(&cfg.data_keys, &url, true)?, None));
    }
    let backup_key = with_suffix(src, ".key");
    let Some(p) = [backup_key.as_path(), target_key]
        .into_iter()
        .find(|p| p.exists())
    else {
        return Err(format!(
            "no data key for the restored database: put the backup's key file at {} (or \
             configure TSUNAGU_DATA_KEY); nothing was changed",
            backup_key.display()
        ));
    };
    let text = std::fs::read_to_string(p)
        .map_err(|e| format!("cannot read the data key file {}: {e}", p.display()))?;
    let keys = DataKeys::from_file_text(&text).map_err(|e| format!("{}: {e}", p.display()))?;
    Ok((keys, (p == backup_key).then_some(text)))
}

fn restore_sqlite(
    cfg: &Config,
    target: &Path,
    src: &Path,
    force: bool,
) -> Result<RestoreReport, String> {
    let target_key = with_suffix(target, ".key");
    let exists = target.exists();
    if exists && !force && sql::sqlite_holds_records(target)? {
        return Err(format!(
            "{} holds records: stop the server and pass --force to replace it (the old file \
             is kept aside, not deleted)",
            target.display()
        ));
    }
    if exists && sql::sqlite_in_use(target)? {
        return Err(format!(
            "{} is open in another process (a running server?): stop it first",
            target.display()
        ));
    }
    // Everything is checked and done on a copy beside the database; only a copy that
    // passed is moved into place.
    let tmp = temp_beside(target, "restore");
    let prepared = (|| -> Result<_, String> {
        std::fs::copy(src, &tmp)
            .map_err(|e| format!("cannot copy {} to {}: {e}", src.display(), tmp.display()))?;
        sql::check_sqlite_backup(&tmp)
            .map_err(|e| e.replace(&tmp.display().to_string(), &src.display().to_string()))?;
        let (keys, key_text) = sqlite_restore_keys(cfg, src, &target_key)?;
        let tmp_url = DatabaseUrl::parse(&tmp.display().to_string());
        let (migrated, audit_seq) = finish_restore(&tmp_url, keys, src)?;
        sql::sqlite_self_contained(&tmp)?;
        fsync_file(&tmp)?;
        Ok((key_text, migrated, audit_seq))
    })();
    let (key_text, migrated, audit_seq) = prepared.inspect_err(|_| {
        for companion in ["", "-journal", "-wal", "-shm"] {
            let _ = std::fs::remove_file(with_suffix(&tmp, companion));
        }
    })?;

    let stamp = chrono::Utc::now().format("%Y%m%dT%H%M%SZ").to_string();
    let mut kept_aside = Vec::new();
    if exists {
        // The in-use check folded the WAL into the file; a `-shm` left is only an index.
        kept_aside.push(move_aside(target, &stamp)?);
    }
    if let Some(text) = key_text {
        let same = std::fs::read_to_string(&target_key).is_ok_and(|t| t == text);
        if !same {
            if target_key.exists() {
                kept_aside.push(move_aside(&target_key, &stamp)?);
            }
            write_private(&target_key, text.as_bytes())?;
        }
    }
    // No WAL of another database may be replayed onto this one.
    for stale in ["-wal", "-shm"] {
        let _ = std::fs::remove_file(with_suffix(target, stale));
    }
    std::fs::rename(&tmp, target)
        .map_err(|e| format!("cannot move the restored database into place: {e}"))?;
    fsync_dir_of(target);
    Ok(RestoreReport {
        database: Some(target.to_owned()),
        kept_aside,
        migrated,
        audit_seq,
    })
}

/// Runs a PostgreSQL client tool (from `PATH`), answering its standard output.
fn pg_tool(tool: &str, args: &[&std::ffi::OsStr]) -> Result<String, String> {
    let out = std::process::Command::new(tool)
        .args(args)
        .output()
        .map_err(|e| format!("cannot run {tool} (PostgreSQL's client tools): {e}"))?;
    if !out.status.success() {
        return Err(format!(
            "{tool} failed: {}",
            String::from_utf8_lossy(&out.stderr).trim()
        ));
    }
    Ok(String::from_utf8_lossy(&out.stdout).into_owned())
}

/// The migration versions a `pg_dump -Fc` archive holds, read without loading it: the data
/// of its `__diesel_schema_migrations` table, which `pg_restore` prints as a `COPY` block
/// (one row a line, the version first, ended by `\.`).
fn dump_migrations(dump: &Path) -> Result<Vec<String>, String> {
    let script = pg_tool(
        "pg_restore",
        &[
            "--data-only".as_ref(),
            "--table=__diesel_schema_migrations".as_ref(),
            "--file=-".as_ref(),
            dump.as_os_str(),
        ],
    )
    .map_err(|e| format!("{} is not a readable pg_dump archive: {e}", dump.display()))?;
    let rows = script
        .lines()
        .skip_while(|l| !(l.starts_with("COPY ") && l.contains("__diesel_schema_migrations")))
        .skip(1)
        .take_while(|l| *l != "\\.");
    Ok(rows
        .filter_map(|l| l.split('\t').next())
        .map(str::to_owned)
        .collect())
}

fn restore_postgres(cfg: &Config, url: &DatabaseUrl, src: &Path) -> Result<RestoreReport, String> {
    sql::schema_check(Backend::Postgres, &dump_migrations(src)?)
        .map_err(|e| format!("{}: {e}", src.display()))?;
    let keys = crate::data_keys(&cfg.data_keys, url, true)?;
    {
        let pool = tsunagu_store::open_pool(url, 1).map_err(|e| e.to_string())?;
        let mut conn = pool.get().map_err(|e| e.to_string())?;
        // `--force` does not apply: no pg_restore option makes a database that holds
        // tables equal to the dump, and the old data could not be kept aside.
        if sql::postgres_holds_tables(&mut conn)? {
            return Err(format!(
                "{} holds tables: restore into a new, empty database (createdb) and point \
                 TSUNAGU_DATABASE_URL at it; a PostgreSQL database is never restored over",
                url.redacted()
            ));
        }
    }
    // One transaction: a dump that fails half-way leaves the database empty.
    pg_tool(
        "pg_restore",
        &[
            "--no-owner".as_ref(),
            "--exit-on-error".as_ref(),
            "--single-transaction".as_ref(),
            "--dbname".as_ref(),
            cfg.database_url.as_ref(),
            src.as_os_str(),
        ],
    )?;
    let (migrated, audit_seq) = finish_restore(url, keys, src).map_err(|e| {
        format!(
            "{e} — {} now holds the dump unchecked: drop it before trying again",
            url.redacted()
        )
    })?;
    Ok(RestoreReport {
        database: None,
        kept_aside: Vec::new(),
        migrated,
        audit_seq,
    })
}
