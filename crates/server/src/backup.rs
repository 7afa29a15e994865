//! `tsunagu backup FILE` and `tsunagu restore FILE [--force]`.
//!
//! SQLite: the backup is an online, consistent copy of the live database (`VACUUM INTO`
//! while the server serves), written under a temporary name, fsynced, and only then given
//! its name, which it never takes from an existing file. The data key file SQLite keeps
//! beside the database (`<db>.key`, when no key is configured) is copied beside the
//! backup as `<backup>.key` (mode 0600): a backup that cannot open its own TOTP and
//! webhook secrets would not be a backup. A configured key (`TSUNAGU_DATA_KEY`,
//! `TSUNAGU_DATA_KEY_FILE`) is never written anywhere; the command says to keep it.
//!
//! A restore checks the file on a copy beside the database (SQLite's integrity check, a
//! Tsunagu schema no newer than this binary, the data keys its secrets need), applies
//! pending migrations to the copy, records the restore in its trail, and only then moves
//! it into place — never over a database a server has open, and over an existing one only
//! with `--force`, which keeps the old file aside rather than deleting it.
//!
//! PostgreSQL is backed up with its own tools ([`POSTGRES_HELP`]).

use crate::{Config, DataKeySource};
use std::path::{Path, PathBuf};
use tsunagu_domain::data_keys::DataKeys;
use tsunagu_store::DatabaseUrl;

/// What to do instead on PostgreSQL (the README's "Backups" section has the details).
pub const POSTGRES_HELP: &str = "\
PostgreSQL is backed up and restored with PostgreSQL's own tools, not `tsunagu backup`:
  logical (a consistent dump while the server runs):
    pg_dump -Fc --file tsunagu-$(date +%F).dump \"$TSUNAGU_DATABASE_URL\"
  restore into an EMPTY database, then bring the schema up to this version:
    createdb tsunagu_restored
    pg_restore --no-owner --exit-on-error -d postgres://…/tsunagu_restored tsunagu-YYYY-MM-DD.dump
    TSUNAGU_DATABASE_URL=postgres://…/tsunagu_restored tsunagu migrate && tsunagu audit verify
  physical, with WAL archiving for point-in-time recovery:
    pg_basebackup -D /backups/base-$(date +%F) -Ft -z -Xstream -P
    (and archive_mode = on, archive_command in postgresql.conf)
Keep TSUNAGU_DATA_KEY (and TSUNAGU_DATA_KEYS_OLD) with the backups, stored apart from them:
without it the TOTP and webhook secrets in the dump cannot be opened.";

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
    pub database: PathBuf,
    /// The database (and key file) that were there before, kept aside (`--force`).
    pub kept_aside: Vec<PathBuf>,
    /// Migrations applied to the restored copy.
    pub migrated: Vec<String>,
    /// The sequence number of the backup's newest audit event.
    pub audit_seq: i64,
}

fn sqlite_target(cfg: &Config) -> Result<(DatabaseUrl, PathBuf), String> {
    let url = DatabaseUrl::parse(&cfg.database_url);
    match url.sqlite_file() {
        Some(f) => {
            let p = PathBuf::from(f);
            Ok((url, p))
        }
        None if url.backend == tsunagu_store::Backend::Postgres => Err(POSTGRES_HELP.into()),
        None => Err(format!(
            "{} is not a database file: only a file database can be backed up or restored",
            url.redacted()
        )),
    }
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

/// `tsunagu backup FILE`: see the module's documentation.
pub fn backup(cfg: &Config, dest: &Path) -> Result<BackupReport, String> {
    let (url, db) = sqlite_target(cfg)?;
    if dest.exists() {
        return Err(format!(
            "{} exists: a backup never overwrites a file; choose a new name",
            dest.display()
        ));
    }
    let key_src = match &cfg.data_keys {
        DataKeySource::Unset => Some(with_suffix(&db, ".key")).filter(|p| p.exists()),
        _ => None,
    };
    let key_dest = with_suffix(dest, ".key");
    if key_src.is_some() && key_dest.exists() {
        return Err(format!(
            "{} exists: a backup never overwrites a file; choose a new name",
            key_dest.display()
        ));
    }
    if !db.exists() {
        return Err(format!("there is no database at {}", db.display()));
    }
    // Two connections: the copy, and the audit event saying it was made. No migrations:
    // the server running against this file may be an older version than this binary.
    let pool = tsunagu_store::open_pool(&url, 2).map_err(|e| e.to_string())?;
    let tmp = temp_beside(dest, "partial");
    let result = (|| {
        let seq =
            tsunagu_store::backup::sqlite_backup(&pool, &tmp, &format!("file={}", dest.display()))
                .map_err(|e| format!("cannot copy the database: {e}"))?;
        // SQLite does not fsync what VACUUM INTO writes.
        fsync_file(&tmp)?;
        // The key goes first: a file under the backup's name always has its key beside it.
        let key_file = match &key_src {
            Some(src) => {
                let text = std::fs::read(src)
                    .map_err(|e| format!("cannot read the data key file {}: {e}", src.display()))?;
                write_private(&key_dest, &text)?;
                Some(key_dest.clone())
            }
            None => None,
        };
        if dest.exists() {
            return Err(format!(
                "{} appeared while the copy was made",
                dest.display()
            ));
        }
        std::fs::rename(&tmp, dest)
            .map_err(|e| format!("cannot name the backup {}: {e}", dest.display()))?;
        fsync_dir_of(dest);
        Ok((seq, key_file))
    })();
    let (audit_seq, key_file) = result.inspect_err(|_| {
        let _ = std::fs::remove_file(&tmp);
    })?;
    let key_note = match (&cfg.data_keys, &key_file) {
        (DataKeySource::Unset, Some(k)) => format!(
            "the data key file was copied to {} (mode 0600): keep it with the backup — and \
             wherever the backup may be read by others, store it apart",
            k.display()
        ),
        (DataKeySource::Unset, None) => "no data key file was found beside the database: \
             the backup holds no sealed secret or cannot open them"
            .into(),
        (DataKeySource::Env { .. }, _) => "the data key is not in the backup: keep \
             TSUNAGU_DATA_KEY (and TSUNAGU_DATA_KEYS_OLD) safe, apart from the backups — \
             the TOTP and webhook secrets cannot be opened without it"
            .into(),
        (DataKeySource::File(p), _) => format!(
            "the data key is not in the backup: keep {} (TSUNAGU_DATA_KEY_FILE) safe, apart \
             from the backups — the TOTP and webhook secrets cannot be opened without it",
            p.display()
        ),
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
    let (_, target) = sqlite_target(cfg)?;
    if !src.is_file() {
        return Err(format!("there is no backup file at {}", src.display()));
    }
    let target_key = with_suffix(&target, ".key");
    let exists = target.exists();
    if exists && !force {
        return Err(format!(
            "{} exists: stop the server and pass --force to replace it (the old file is kept \
             aside, not deleted)",
            target.display()
        ));
    }
    if exists && tsunagu_store::backup::sqlite_in_use(&target)? {
        return Err(format!(
            "{} is open in another process (a running server?): stop it first",
            target.display()
        ));
    }
    let tmp = temp_beside(&target, "restore");
    let result = (|| {
        std::fs::copy(src, &tmp)
            .map_err(|e| format!("cannot copy {} to {}: {e}", src.display(), tmp.display()))?;
        let check = tsunagu_store::backup::check_sqlite_backup(&tmp)
            .map_err(|e| e.replace(&tmp.display().to_string(), &src.display().to_string()))?;
        // The keys the restored server will have: the one the backup brought, or the one
        // already beside the database, or the configured one.
        let backup_key = with_suffix(src, ".key");
        let (keys, key_text) = match &cfg.data_keys {
            DataKeySource::Unset => {
                let from = [&backup_key, &target_key].into_iter().find(|p| p.exists());
                match from {
                    Some(p) => {
                        let text = std::fs::read_to_string(p).map_err(|e| {
                            format!("cannot read the data key file {}: {e}", p.display())
                        })?;
                        let keys = DataKeys::from_file_text(&text)
                            .map_err(|e| format!("{}: {e}", p.display()))?;
                        let bring = (p == &backup_key).then_some(text);
                        (Some(keys), bring)
                    }
                    None => (None, None),
                }
            }
            configured => (
                Some(crate::data_keys(
                    configured,
                    &DatabaseUrl::parse(&cfg.database_url),
                    true,
                )?),
                None,
            ),
        };
        let have: Vec<&str> = keys.as_ref().map(DataKeys::ids).unwrap_or_default();
        let missing: Vec<&str> = check
            .key_ids
            .iter()
            .map(String::as_str)
            .filter(|id| !have.contains(id))
            .collect();
        if !missing.is_empty() {
            return Err(format!(
                "the backup holds secrets sealed under data key(s) {} which are not at hand \
                 (put the backup's key file at {}, or configure TSUNAGU_DATA_KEY / \
                 TSUNAGU_DATA_KEYS_OLD); nothing was changed",
                missing.join(", "),
                backup_key.display()
            ));
        }
        let migrated = tsunagu_store::backup::finish_sqlite_restore(
            &tmp,
            &format!("from={}; audit_seq={}", src.display(), check.audit_seq),
        )?;
        fsync_file(&tmp)?;
        Ok((check, key_text, migrated))
    })();
    let (check, key_text, migrated) = result.inspect_err(|_| {
        let _ = std::fs::remove_file(&tmp);
        let _ = std::fs::remove_file(with_suffix(&tmp, "-journal"));
    })?;

    let stamp = chrono::Utc::now().format("%Y%m%dT%H%M%SZ").to_string();
    let mut kept_aside = Vec::new();
    if exists {
        // The in-use check folded the WAL into the file; a `-shm` left is only an index.
        kept_aside.push(move_aside(&target, &stamp)?);
        let _ = std::fs::remove_file(with_suffix(&target, "-shm"));
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
        let _ = std::fs::remove_file(with_suffix(&target, stale));
    }
    std::fs::rename(&tmp, &target)
        .map_err(|e| format!("cannot move the restored database into place: {e}"))?;
    fsync_dir_of(&target);
    Ok(RestoreReport {
        database: target,
        kept_aside,
        migrated,
        audit_seq: check.audit_seq,
    })
}
