//! Wiring: configuration from the environment (and an optional file), the database, the
//! domain services and the HTTP server. `main.rs` is only the command line around this, and
//! the integration tests start the real server through [`start`].

pub mod backup;
pub mod bench;
pub mod bench_ceiling;
pub mod bench_export;
pub mod bench_http;
pub mod bench_import;
pub mod bench_wrk;
pub mod demo;
pub mod housekeeping;
pub mod imports;
pub mod mail;
pub mod webhooks;

use std::collections::HashMap;
use std::net::{SocketAddr, TcpListener};
use std::path::PathBuf;
use std::sync::Arc;
use tsunagu_domain::Clock;
use tsunagu_domain::app::Services;
use tsunagu_domain::data_keys::DataKeys;
use tsunagu_domain::integrations::targets::{self, AllowHosts};
use tsunagu_http::ratelimit::RateLimitConfig;
use tsunagu_http::{AppState, HttpConfig, JwtKeys};
use tsunagu_store::{DatabaseUrl, DieselStore};

pub const DEFAULT_DATABASE_URL: &str = "sqlite://tsunagu.db";
pub const DEFAULT_LISTEN: &str = "127.0.0.1:8080";

/// Everything `tsunagu` reads from its environment. See the README's configuration table.
#[derive(Debug, Clone)]
pub struct Config {
    pub listen: String,
    pub database_url: String,
    pub pool_size: u32,
    pub admin_login: String,
    pub admin_password: Option<String>,
    pub jwt_secret: Option<Vec<u8>>,
    pub cors_origins: Vec<String>,
    pub spa_dir: Option<PathBuf>,
    /// HTTP worker threads; the default is [`default_workers`].
    pub workers: usize,
    pub rate_limits: RateLimitConfig,
    /// Whether this process sends webhook deliveries (several replicas may; each delivery
    /// is leased to one).
    pub webhook_worker: bool,
    /// How often the delivery worker looks for due deliveries when idle.
    pub webhook_poll: std::time::Duration,
    /// Internal hosts webhooks may go to anyway (local development and tests).
    pub webhook_allow_hosts: AllowHosts,
    /// How long a receiver has to answer a delivery; a delivery a dying process was sending
    /// is sent again once its lease ([`webhooks::lease_for`]) has run out.
    pub webhook_timeout: std::time::Duration,
    /// How long a request holds its `Idempotency-Key` (see `tsunagu_domain::idempotency`).
    pub idempotency_lease: std::time::Duration,
    /// Connection limits and timeouts against slow and idle clients.
    pub http_limits: HttpLimits,
    /// How long PostgreSQL lets a statement, a lock wait or an idle transaction run.
    pub db_limits: tsunagu_store::SessionLimits,
    /// The bearer token for `GET /metrics` on the API's address; without it metrics are not
    /// served there.
    pub metrics_token: Option<String>,
    /// A separate address serving only `GET /metrics`, without a token (bind it where only
    /// the monitoring reaches).
    pub metrics_listen: Option<String>,
    /// Whether a proxy in front sets `X-Forwarded-Proto` and is trusted to (HSTS).
    pub trust_proxy: bool,
    /// Where the data keys come from (see [`DataKeySource`]).
    pub data_keys: DataKeySource,
    /// How often the server verifies the audit chain and logs a signed checkpoint of it;
    /// `None` is never.
    pub audit_checkpoint_every: Option<std::time::Duration>,
    /// Where people outside reach the server (`TSUNAGU_PUBLIC_URL`): the base of agency links.
    pub public_url: Option<String>,
    /// The SMTP relay agency links are e-mailed through, if any.
    pub smtp: Option<mail::SmtpConfig>,
}

/// How long a client may take and how many may be connected: a client that sends its head
/// or body slowly (slowloris) or idles on a kept-alive connection is cut off. See the
/// README's configuration table.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct HttpLimits {
    /// The request head must arrive within this (actix-web's `client_request_timeout`);
    /// 408 otherwise.
    pub header_timeout: std::time::Duration,
    /// The request body must arrive within this after the head; 408 otherwise.
    pub body_timeout: std::time::Duration,
    /// An idle kept-alive connection is closed after this.
    pub keep_alive: std::time::Duration,
    /// Time a client has to acknowledge the connection's shutdown.
    pub disconnect_timeout: std::time::Duration,
    /// Connections each worker thread holds at once; more wait in the listen backlog.
    pub max_connections_per_worker: usize,
}

impl Default for HttpLimits {
    fn default() -> Self {
        use std::time::Duration;
        Self {
            header_timeout: Duration::from_secs(5),
            body_timeout: Duration::from_secs(30),
            keep_alive: Duration::from_secs(15),
            disconnect_timeout: Duration::from_secs(1),
            max_connections_per_worker: 1024,
        }
    }
}

/// Where the keys that seal secrets at rest come from: `TSUNAGU_DATA_KEY` (with
/// `TSUNAGU_DATA_KEYS_OLD`), a key file (`TSUNAGU_DATA_KEY_FILE`), or — only for a SQLite
/// file — a key file beside the database, made on the first start.
#[derive(Clone, Default)]
pub enum DataKeySource {
    Env {
        current: String,
        old: Vec<String>,
    },
    File(PathBuf),
    #[default]
    Unset,
}

impl std::fmt::Debug for DataKeySource {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        // Never the keys themselves.
        match self {
            Self::Env { old, .. } => write!(f, "Env {{ old: {} }}", old.len()),
            Self::File(p) => write!(f, "File({})", p.display()),
            Self::Unset => write!(f, "Unset"),
        }
    }
}

impl Config {
    /// Reads `TSUNAGU_*` variables; a `KEY=VALUE` file named by `TSUNAGU_CONFIG` adds to them
    /// (the environment wins).
    pub fn from_env() -> Result<Self, String> {
        let mut vars: HashMap<String, String> = HashMap::new();
        if let Ok(path) = std::env::var("TSUNAGU_CONFIG") {
            let text = std::fs::read_to_string(&path)
                .map_err(|e| format!("cannot read TSUNAGU_CONFIG={path}: {e}"))?;
            for (n, line) in text.lines().enumerate() {
                let line = line.trim();
                if line.is_empty() || line.starts_with('#') {
                    continue;
                }
                let (k, v) = line
                    .split_once('=')
                    .ok_or_else(|| format!("{path}:{}: expected KEY=VALUE", n + 1))?;
                vars.insert(k.trim().to_owned(), v.trim().trim_matches('"').to_owned());
            }
        }
        for (k, v) in std::env::vars() {
            if k.starts_with("TSUNAGU_") {
                vars.insert(k, v);
            }
        }
        Self::from_map(&vars)
    }

    pub fn from_map(vars: &HashMap<String, String>) -> Result<Self, String> {
        let get = |k: &str| {
            vars.get(k)
                .map(|s| s.trim().to_owned())
                .filter(|s| !s.is_empty())
        };
        let pool_size = match get("TSUNAGU_DATABASE_POOL_SIZE") {
            None => tsunagu_store::default_pool_size(),
            Some(s) => s
                .parse::<u32>()
                .ok()
                .filter(|n| (1..=256).contains(n))
                .ok_or("TSUNAGU_DATABASE_POOL_SIZE must be a number from 1 to 256")?,
        };
        let jwt_secret = match get("TSUNAGU_JWT_SECRET") {
            None => None,
            Some(s) if s.len() >= 32 => Some(s.into_bytes()),
            Some(_) => return Err("TSUNAGU_JWT_SECRET must be at least 32 characters".into()),
        };
        let spa_dir = match get("TSUNAGU_SPA_DIR") {
            Some(d) => Some(PathBuf::from(d)),
            None => Some(PathBuf::from("frontend/dist")).filter(|p| p.join("index.html").is_file()),
        };
        let per_minute = |k: &str, default: u32| -> Result<u32, String> {
            match get(k) {
                None => Ok(default),
                Some(s) => s
                    .parse::<u32>()
                    .ok()
                    .filter(|n| *n <= 1_000_000)
                    .ok_or_else(|| format!("{k} must be a number from 0 (off) to 1000000")),
            }
        };
        let defaults = RateLimitConfig::default();
        let rate_limits = RateLimitConfig {
            user_per_minute: per_minute(
                "TSUNAGU_RATE_LIMIT_USER_PER_MINUTE",
                defaults.user_per_minute,
            )?,
            client_per_minute: per_minute(
                "TSUNAGU_RATE_LIMIT_CLIENT_PER_MINUTE",
                defaults.client_per_minute,
            )?,
            agency_link_per_minute: per_minute(
                "TSUNAGU_RATE_LIMIT_AGENCY_LINK_PER_MINUTE",
                defaults.agency_link_per_minute,
            )?,
            agency_ip_per_minute: per_minute(
                "TSUNAGU_RATE_LIMIT_AGENCY_IP_PER_MINUTE",
                defaults.agency_ip_per_minute,
            )?,
        };
        let webhook_worker = match get("TSUNAGU_WEBHOOK_WORKER").as_deref() {
            None | Some("on" | "true" | "1") => true,
            Some("off" | "false" | "0") => false,
            Some(_) => return Err("TSUNAGU_WEBHOOK_WORKER must be on or off".into()),
        };
        let webhook_poll = match get("TSUNAGU_WEBHOOK_POLL_MS") {
            None => std::time::Duration::from_secs(1),
            Some(s) => s
                .parse::<u64>()
                .ok()
                .filter(|n| (10..=60_000).contains(n))
                .map(std::time::Duration::from_millis)
                .ok_or("TSUNAGU_WEBHOOK_POLL_MS must be a number from 10 to 60000")?,
        };
        let webhook_timeout = match get("TSUNAGU_WEBHOOK_TIMEOUT_MS") {
            None => webhooks::SEND_TIMEOUT,
            Some(s) => s
                .parse::<u64>()
                .ok()
                .filter(|n| (500..=60_000).contains(n))
                .map(std::time::Duration::from_millis)
                .ok_or("TSUNAGU_WEBHOOK_TIMEOUT_MS must be a number from 500 to 60000")?,
        };
        let idempotency_lease = match get("TSUNAGU_IDEMPOTENCY_LEASE_SECS") {
            None => tsunagu_domain::idempotency::LEASE
                .to_std()
                .map_err(|e| e.to_string())?,
            Some(s) => s
                .parse::<u64>()
                .ok()
                .filter(|n| (1..=300).contains(n))
                .map(std::time::Duration::from_secs)
                .ok_or("TSUNAGU_IDEMPOTENCY_LEASE_SECS must be a number from 1 to 300")?,
        };
        let webhook_allow_hosts =
            AllowHosts::parse(&get("TSUNAGU_WEBHOOK_ALLOW_HOSTS").unwrap_or_default())
                .map_err(|e| format!("TSUNAGU_WEBHOOK_ALLOW_HOSTS: {e}"))?;
        // Milliseconds from 100 up to `max`; with `off`, also 0 (a limit turned off).
        let millis_up_to = |k: &str,
                            default: std::time::Duration,
                            max: u64,
                            off: bool|
         -> Result<std::time::Duration, String> {
            match get(k) {
                None => Ok(default),
                Some(s) => s
                    .parse::<u64>()
                    .ok()
                    .filter(|n| (off && *n == 0) || (100..=max).contains(n))
                    .map(std::time::Duration::from_millis)
                    .ok_or_else(|| {
                        let zero = if off { "0 (no limit) or " } else { "" };
                        format!("{k} must be {zero}a number of milliseconds from 100 to {max}")
                    }),
            }
        };
        let millis =
            |k: &str, default: std::time::Duration| millis_up_to(k, default, 600_000, false);
        let d = HttpLimits::default();
        let http_limits = HttpLimits {
            header_timeout: millis("TSUNAGU_HTTP_HEADER_TIMEOUT_MS", d.header_timeout)?,
            body_timeout: millis("TSUNAGU_HTTP_BODY_TIMEOUT_MS", d.body_timeout)?,
            keep_alive: millis("TSUNAGU_HTTP_KEEP_ALIVE_MS", d.keep_alive)?,
            disconnect_timeout: millis("TSUNAGU_HTTP_DISCONNECT_TIMEOUT_MS", d.disconnect_timeout)?,
            max_connections_per_worker: match get("TSUNAGU_HTTP_MAX_CONNECTIONS") {
                None => d.max_connections_per_worker,
                Some(s) => s
                    .parse::<usize>()
                    .ok()
                    .filter(|n| (1..=100_000).contains(n))
                    .ok_or("TSUNAGU_HTTP_MAX_CONNECTIONS must be a number from 1 to 100000")?,
            },
        };
        // Zero turns a limit off (PostgreSQL's own meaning of 0).
        let db_millis =
            |k: &str, default: std::time::Duration| millis_up_to(k, default, 3_600_000, true);
        let d = tsunagu_store::SessionLimits::default();
        let db_limits = tsunagu_store::SessionLimits {
            statement: db_millis("TSUNAGU_DB_STATEMENT_TIMEOUT_MS", d.statement)?,
            lock: db_millis("TSUNAGU_DB_LOCK_TIMEOUT_MS", d.lock)?,
            idle_in_transaction: db_millis(
                "TSUNAGU_DB_IDLE_IN_TRANSACTION_TIMEOUT_MS",
                d.idle_in_transaction,
            )?,
        };
        let metrics_token = match get("TSUNAGU_METRICS_TOKEN") {
            None => None,
            Some(t) if t.len() >= 32 && t.bytes().all(|b| b.is_ascii_graphic()) => Some(t),
            Some(_) => {
                return Err(
                    "TSUNAGU_METRICS_TOKEN must be at least 32 printable ASCII characters".into(),
                );
            }
        };
        let trust_proxy = match get("TSUNAGU_TRUST_PROXY").as_deref() {
            None | Some("off" | "false" | "0") => false,
            Some("on" | "true" | "1") => true,
            Some(_) => return Err("TSUNAGU_TRUST_PROXY must be on or off".into()),
        };
        let data_keys = match (
            get("TSUNAGU_DATA_KEY"),
            get("TSUNAGU_DATA_KEY_FILE"),
            get("TSUNAGU_DATA_KEYS_OLD"),
        ) {
            (Some(_), Some(_), _) => {
                return Err("set TSUNAGU_DATA_KEY or TSUNAGU_DATA_KEY_FILE, not both".into());
            }
            (Some(current), None, old) => {
                let old: Vec<String> = old
                    .unwrap_or_default()
                    .split(',')
                    .map(|k| k.trim().to_owned())
                    .filter(|k| !k.is_empty())
                    .collect();
                let olds: Vec<&str> = old.iter().map(String::as_str).collect();
                DataKeys::from_base64(&current, &olds)
                    .map_err(|e| format!("TSUNAGU_DATA_KEY / TSUNAGU_DATA_KEYS_OLD: {e}"))?;
                DataKeySource::Env { current, old }
            }
            (None, Some(path), None) => DataKeySource::File(PathBuf::from(path)),
            (None, _, Some(_)) => {
                return Err(
                    "TSUNAGU_DATA_KEYS_OLD needs TSUNAGU_DATA_KEY (a key file lists old keys itself)"
                        .into(),
                );
            }
            (None, None, None) => DataKeySource::Unset,
        };
        let audit_checkpoint_every = match get("TSUNAGU_AUDIT_CHECKPOINT_MINUTES") {
            None => Some(60),
            Some(s) => s
                .parse::<u64>()
                .ok()
                .filter(|n| *n <= 10_080)
                .ok_or("TSUNAGU_AUDIT_CHECKPOINT_MINUTES must be a number from 0 (off) to 10080")?
                .into(),
        }
        .filter(|m| *m > 0)
        .map(|m| std::time::Duration::from_secs(m * 60));
        let public_url = match get("TSUNAGU_PUBLIC_URL") {
            None => None,
            Some(u) => {
                let u = u.trim_end_matches('/').to_owned();
                let ok = (u.starts_with("https://") || u.starts_with("http://"))
                    && targets::parse_target(&u).is_ok()
                    && u.split("://")
                        .nth(1)
                        .is_some_and(|r| !r.contains(['?', '#']));
                if !ok {
                    return Err(
                        "TSUNAGU_PUBLIC_URL must be an absolute http(s) URL, e.g. https://tsunagu.example.jp"
                            .into(),
                    );
                }
                Some(u)
            }
        };
        let smtp_allow = AllowHosts::parse(&get("TSUNAGU_SMTP_ALLOW_HOSTS").unwrap_or_default())
            .map_err(|e| format!("TSUNAGU_SMTP_ALLOW_HOSTS: {e}"))?;
        let smtp = get("TSUNAGU_SMTP_URL")
            .map(|u| mail::SmtpConfig::parse(&u, get("TSUNAGU_SMTP_FROM").as_deref(), smtp_allow))
            .transpose()?;
        Ok(Self {
            public_url,
            smtp,
            data_keys,
            audit_checkpoint_every,
            rate_limits,
            http_limits,
            metrics_token,
            metrics_listen: get("TSUNAGU_METRICS_LISTEN"),
            trust_proxy,
            webhook_worker,
            webhook_poll,
            webhook_allow_hosts,
            webhook_timeout,
            idempotency_lease,
            db_limits,
            listen: get("TSUNAGU_LISTEN").unwrap_or_else(|| DEFAULT_LISTEN.into()),
            database_url: get("TSUNAGU_DATABASE_URL")
                .unwrap_or_else(|| DEFAULT_DATABASE_URL.into()),
            pool_size,
            admin_login: get("TSUNAGU_ADMIN_LOGIN").unwrap_or_else(|| "admin".into()),
            admin_password: get("TSUNAGU_ADMIN_PASSWORD"),
            jwt_secret,
            cors_origins: get("TSUNAGU_CORS_ORIGINS")
                .map(|s| {
                    s.split(',')
                        .map(|o| o.trim().trim_end_matches('/').to_owned())
                        .filter(|o| !o.is_empty())
                        .collect()
                })
                .unwrap_or_default(),
            spa_dir,
            workers: match get("TSUNAGU_WORKERS") {
                None => default_workers(
                    std::thread::available_parallelism().map_or(2, std::num::NonZeroUsize::get),
                ),
                Some(s) => s
                    .parse::<usize>()
                    .ok()
                    .filter(|n| (1..=64).contains(n))
                    .ok_or("TSUNAGU_WORKERS must be a number from 1 to 64")?,
            },
        })
    }
}

/// Opens the database, applies pending migrations, loads the data keys (checking that they
/// open every secret the database holds), seals any secret still stored in plaintext, and
/// returns the store.
pub fn open_store(cfg: &Config) -> Result<DieselStore, String> {
    let url = DatabaseUrl::parse(&cfg.database_url);
    let pool = tsunagu_store::open_pool_limited(&url, cfg.pool_size, cfg.db_limits)
        .map_err(|e| e.to_string())?;
    let mut conn = pool
        .get()
        .map_err(|e| format!("cannot connect to {}: {e}", url.redacted()))?;
    let applied = tsunagu_store::run_migrations(&mut conn)
        .map_err(|e| format!("cannot migrate {}: {e}", url.redacted()))?;
    for m in applied {
        tracing::info!(migration = %m, "applied migration");
    }
    tsunagu_store::warn_unless_messages_read(&mut conn);
    let needed = tsunagu_store::sealed::sealed_key_ids(&mut conn)
        .map_err(|e| format!("cannot read {}: {e}", url.redacted()))?;
    drop(conn);
    let keys = data_keys(&cfg.data_keys, &url, !needed.is_empty())?;
    let missing: Vec<&str> = needed
        .iter()
        .map(String::as_str)
        .filter(|id| !keys.ids().contains(id))
        .collect();
    if !missing.is_empty() {
        return Err(format!(
            "the database holds secrets sealed under data key(s) {} which are not configured \
             (configured: {}); add the old key to TSUNAGU_DATA_KEYS_OLD or the key file",
            missing.join(", "),
            keys.ids().join(", ")
        ));
    }
    let store = DieselStore::new(pool, url.backend, keys);
    let sealed = store
        .reseal_secrets(false)
        .map_err(|e| format!("cannot seal stored secrets: {e}"))?;
    if sealed.plaintext > 0 {
        tracing::info!(
            count = sealed.plaintext,
            "sealed secrets that an older version stored in plaintext"
        );
    }
    Ok(store)
}

/// `tsunagu keys rotate`: re-seals every stored secret under the current data key (and
/// any left in plaintext); answers the counts and the current key's id.
pub fn rotate_keys(cfg: &Config) -> Result<(tsunagu_store::sealed::Resealed, String), String> {
    let store = open_store(cfg)?;
    let n = store
        .reseal_secrets(true)
        .map_err(|e| format!("cannot re-seal the stored secrets: {e}"))?;
    tracing::info!(
        old_key = n.old_key,
        plaintext = n.plaintext,
        key = store.data_key_id(),
        "re-sealed stored secrets under the current data key"
    );
    Ok((n, store.data_key_id().to_owned()))
}

/// The data keys from the configuration. Without one, a SQLite file gets a key file beside
/// it (made on the first start, mode 0600) so a local start needs no setup; PostgreSQL, a
/// production database, must be given one.
pub(crate) fn data_keys(
    src: &DataKeySource,
    url: &DatabaseUrl,
    holds_sealed: bool,
) -> Result<DataKeys, String> {
    let from_file = |path: &std::path::Path| -> Result<DataKeys, String> {
        let text = std::fs::read_to_string(path)
            .map_err(|e| format!("cannot read the data key file {}: {e}", path.display()))?;
        DataKeys::from_file_text(&text).map_err(|e| format!("{}: {e}", path.display()))
    };
    match src {
        DataKeySource::Env { current, old } => {
            let old: Vec<&str> = old.iter().map(String::as_str).collect();
            DataKeys::from_base64(current, &old).map_err(|e| format!("TSUNAGU_DATA_KEY: {e}"))
        }
        DataKeySource::File(path) => from_file(path),
        DataKeySource::Unset => {
            let Some(db) = url.sqlite_file() else {
                return Err("TSUNAGU_DATA_KEY or TSUNAGU_DATA_KEY_FILE must be set: it seals \
                            TOTP and webhook secrets at rest (make a key with `tsunagu keys generate`)"
                    .into());
            };
            let path = PathBuf::from(format!("{db}.key"));
            if path.exists() {
                return from_file(&path);
            }
            if holds_sealed {
                return Err(format!(
                    "the database holds sealed secrets but no data key is configured and {} \
                     does not exist: restore that file or set TSUNAGU_DATA_KEY",
                    path.display()
                ));
            }
            write_key_file(&path)?;
            tracing::warn!(
                file = %path.display(),
                "TSUNAGU_DATA_KEY is not set: generated a data key file beside the database; \
                 keep it with the database (and its backups) — the secrets it seals cannot be read without it"
            );
            from_file(&path)
        }
    }
}

/// Writes a new key file readable by its owner only.
fn write_key_file(path: &std::path::Path) -> Result<(), String> {
    use std::io::Write;
    let mut opts = std::fs::OpenOptions::new();
    opts.write(true).create_new(true);
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::mode(&mut opts, 0o600);
    let mut f = opts
        .open(path)
        .map_err(|e| format!("cannot create the data key file {}: {e}", path.display()))?;
    writeln!(
        f,
        "# Tsunagu data keys: the first line seals, later lines only open (see the README).\n{}",
        tsunagu_domain::data_keys::generate_key()
    )
    .map_err(|e| format!("cannot write the data key file {}: {e}", path.display()))
}

/// A server that is listening; await `server` to run it.
pub struct Running {
    pub addr: SocketAddr,
    pub server: actix_web::dev::Server,
    pub services: Services,
    /// The system administrator's password, when it was generated on this start.
    pub generated_admin_password: Option<String>,
    /// The webhook delivery worker; dropping it stops it.
    pub webhooks: Option<webhooks::Worker>,
    /// Where `GET /metrics` is served without a token (`TSUNAGU_METRICS_LISTEN`).
    pub metrics_addr: Option<SocketAddr>,
    /// Purges expired idempotency keys; dropping it stops it.
    pub housekeeping: housekeeping::Housekeeper,
    /// Runs imports' dry runs and commits; dropping it stops it.
    pub imports: imports::Worker,
}

/// Opens the store, creates the first system administrator if there is none, binds the
/// listener and builds the server. Must be called inside an actix/tokio runtime.
pub fn start(cfg: &Config, clock: Arc<dyn Clock>) -> Result<Running, String> {
    let store = open_store(cfg)?;
    let lease = chrono::Duration::from_std(cfg.idempotency_lease).map_err(|e| e.to_string())?;
    let mut services = Services::new(Arc::new(store), clock)
        .with_webhook_allow_hosts(cfg.webhook_allow_hosts.clone())
        .with_idempotency_lease(lease);
    if let Some(smtp) = &cfg.smtp {
        services = services.with_mailer(Arc::new(mail::SmtpMailer::new(smtp.clone())));
    }
    if !cfg.webhook_allow_hosts.is_empty() {
        tracing::warn!(
            "TSUNAGU_WEBHOOK_ALLOW_HOSTS is set: webhooks may go to the internal hosts it names; do not use it in production"
        );
    }
    let generated_admin_password = services
        .users()
        .bootstrap_admin(&cfg.admin_login, cfg.admin_password.as_deref())
        .map_err(|e| format!("cannot create the system administrator: {e:?}"))?;
    let secret = match &cfg.jwt_secret {
        Some(s) => s.clone(),
        None => {
            tracing::warn!(
                "TSUNAGU_JWT_SECRET is not set: using a random key, so access tokens do not survive a restart; set it when running more than one replica"
            );
            let mut b = [0u8; 32];
            rand::RngCore::fill_bytes(&mut rand::thread_rng(), &mut b);
            b.to_vec()
        }
    };
    let state = AppState::new(
        services.clone(),
        JwtKeys::from_secret(&secret),
        HttpConfig {
            cors_origins: cfg.cors_origins.clone(),
            spa_dir: cfg.spa_dir.clone(),
            rate_limits: cfg.rate_limits,
            body_timeout: cfg.http_limits.body_timeout,
            metrics_token: cfg.metrics_token.clone(),
            trust_proxy: cfg.trust_proxy,
            public_url: cfg.public_url.clone(),
        },
    );
    let listener = TcpListener::bind(&cfg.listen)
        .map_err(|e| format!("cannot listen on {}: {e}", cfg.listen))?;
    let addr = listener.local_addr().map_err(|e| e.to_string())?;
    let api_state = state.clone();
    let server = actix_web::HttpServer::new(move || tsunagu_http::app(api_state.clone()))
        .workers(cfg.workers)
        .client_request_timeout(cfg.http_limits.header_timeout)
        .client_disconnect_timeout(cfg.http_limits.disconnect_timeout)
        .keep_alive(cfg.http_limits.keep_alive)
        .max_connections(cfg.http_limits.max_connections_per_worker)
        .listen(listener)
        .map_err(|e| format!("cannot listen on {}: {e}", cfg.listen))?
        .shutdown_timeout(10)
        .run();
    let metrics_addr = match &cfg.metrics_listen {
        None => None,
        Some(listen) => {
            let l = TcpListener::bind(listen)
                .map_err(|e| format!("cannot listen on TSUNAGU_METRICS_LISTEN={listen}: {e}"))?;
            let a = l.local_addr().map_err(|e| e.to_string())?;
            let st = state.clone();
            let metrics = actix_web::HttpServer::new(move || tsunagu_http::metrics_app(st.clone()))
                .workers(1)
                .listen(l)
                .map_err(|e| format!("cannot listen on TSUNAGU_METRICS_LISTEN={listen}: {e}"))?
                .shutdown_timeout(1)
                .run();
            actix_web::rt::spawn(metrics);
            Some(a)
        }
    };
    let webhooks = cfg
        .webhook_worker
        .then(|| webhooks::Worker::spawn(services.clone(), cfg.webhook_poll, cfg.webhook_timeout));
    let housekeeping = housekeeping::Housekeeper::spawn_with_checkpoints(
        services.clone(),
        housekeeping::PURGE_EVERY,
        cfg.audit_checkpoint_every,
    );
    let imports = imports::Worker::spawn(services.clone());
    Ok(Running {
        addr,
        server,
        services,
        generated_admin_password,
        webhooks,
        metrics_addr,
        housekeeping,
        imports,
    })
}

/// HTTP worker threads for a machine of `cores` when `TSUNAGU_WORKERS` is not set: one for
/// every three cores, at least one. A worker only reads requests, routes them, checks the
/// token and writes the answer's JSON; the use cases run on the blocking pool, and the
/// workers' part measured a quarter of the server's CPU (`perf`, the timeline at four
/// connections), so a third of the cores leaves them room. More workers than that only
/// compete with the blocking threads and the database for the cores: on two cores with
/// PostgreSQL, one worker instead of two served the timeline 5–15 % faster with 4–10 % less
/// CPU per request, at 4 and at 16 connections; on SQLite it made no difference (see
/// `deploy/benchmarks-history.md`).
pub fn default_workers(cores: usize) -> usize {
    cores.div_ceil(3).max(1)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn one_worker_for_every_three_cores_at_least_one() {
        let workers: Vec<usize> = [1, 2, 3, 4, 6, 8, 16].map(default_workers).to_vec();
        assert_eq!(workers, [1, 1, 1, 2, 2, 3, 6]);
        assert_eq!(default_workers(0), 1);
        assert_eq!(with("TSUNAGU_WORKERS", "4").map(|c| c.workers), Ok(4));
        assert!(with("TSUNAGU_WORKERS", "0").is_err());
    }

    fn with(k: &str, v: &str) -> Result<Config, String> {
        Config::from_map(&HashMap::from([(k.to_owned(), v.to_owned())]))
    }

    #[test]
    fn idempotency_lease_and_webhook_timeout_default_and_bounds() {
        use std::time::Duration;
        let d = Config::from_map(&HashMap::new()).unwrap();
        assert_eq!(d.idempotency_lease, Duration::from_secs(30));
        assert_eq!(d.webhook_timeout, Duration::from_secs(15));
        assert_eq!(webhooks::lease_for(d.webhook_timeout).num_seconds(), 120);
        let lease =
            |v: &str| with("TSUNAGU_IDEMPOTENCY_LEASE_SECS", v).map(|c| c.idempotency_lease);
        assert_eq!(lease("2"), Ok(Duration::from_secs(2)));
        for bad in ["0", "301", "x"] {
            assert!(lease(bad).is_err(), "{bad}");
        }
        let timeout = |v: &str| with("TSUNAGU_WEBHOOK_TIMEOUT_MS", v).map(|c| c.webhook_timeout);
        assert_eq!(timeout("1000"), Ok(Duration::from_secs(1)));
        for bad in ["499", "60001", "x"] {
            assert!(timeout(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn audit_checkpoints_are_hourly_unless_configured() {
        use std::time::Duration;
        let every =
            |v: &str| with("TSUNAGU_AUDIT_CHECKPOINT_MINUTES", v).map(|c| c.audit_checkpoint_every);
        assert_eq!(
            Config::from_map(&HashMap::new()).map(|c| c.audit_checkpoint_every),
            Ok(Some(Duration::from_secs(3600)))
        );
        assert_eq!(every("15"), Ok(Some(Duration::from_secs(900))));
        assert_eq!(every("0"), Ok(None));
        for bad in ["-1", "x", "10081"] {
            assert!(every(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn database_limits_default_and_bounds_and_zero_turns_one_off() {
        use std::time::Duration;
        let d = Config::from_map(&HashMap::new()).unwrap().db_limits;
        assert_eq!(
            (d.statement, d.lock, d.idle_in_transaction),
            (
                Duration::from_secs(30),
                Duration::from_secs(10),
                Duration::from_secs(60)
            )
        );
        let statement =
            |v: &str| with("TSUNAGU_DB_STATEMENT_TIMEOUT_MS", v).map(|c| c.db_limits.statement);
        assert_eq!(statement("0"), Ok(Duration::ZERO));
        assert_eq!(statement("5000"), Ok(Duration::from_secs(5)));
        for bad in ["99", "3600001", "-1", "x"] {
            assert!(statement(bad).is_err(), "{bad}");
        }
        let lock = |v: &str| with("TSUNAGU_DB_LOCK_TIMEOUT_MS", v).map(|c| c.db_limits.lock);
        assert_eq!(lock("0"), Ok(Duration::ZERO));
        let idle = |v: &str| {
            with("TSUNAGU_DB_IDLE_IN_TRANSACTION_TIMEOUT_MS", v)
                .map(|c| c.db_limits.idle_in_transaction)
        };
        assert_eq!(idle("120000"), Ok(Duration::from_secs(120)));
        assert!(idle("50").is_err());
    }
}
