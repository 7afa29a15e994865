//! E-mail through the operator's SMTP relay (`TSUNAGU_SMTP_URL`), for the agency links.
//!
//! The relay is named by the operator, but the same rules as webhooks apply to where the
//! server connects (see `tsunagu_domain::integrations::targets`): a loopback, private or
//! link-local relay only when `TSUNAGU_SMTP_ALLOW_HOSTS` names it, and a name is resolved at
//! each send and the connection goes to the checked address (TLS still verifies the
//! certificate against the name). Plain SMTP (`?tls=none`) only to an allowed host: the
//! mail carries a working link.

use lettre::message::header::ContentType;
use lettre::message::{Mailbox, Message};
use lettre::transport::smtp::authentication::Credentials;
use lettre::transport::smtp::client::{Tls, TlsParameters};
use lettre::{SmtpTransport, Transport};
use std::net::{IpAddr, ToSocketAddrs};
use std::time::Duration;
use tsunagu_domain::integrations::targets::{self, AllowHosts, Host};
use tsunagu_domain::ports::Mailer;

/// How the connection to the relay is protected.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SmtpTls {
    /// TLS from the first byte (`smtps://`, port 465 by default).
    Wrapper,
    /// STARTTLS, required (`smtp://`, port 587 by default).
    StartTls,
    /// None (`smtp://…?tls=none`): only to a host the operator allowed.
    None,
}

/// The relay, parsed from `TSUNAGU_SMTP_URL` and `TSUNAGU_SMTP_FROM`.
#[derive(Clone, PartialEq, Eq)]
pub struct SmtpConfig {
    pub host: Host,
    /// The host as written, for TLS and the resolver.
    pub host_name: String,
    pub port: u16,
    pub tls: SmtpTls,
    pub username: Option<String>,
    pub password: Option<String>,
    pub from: String,
    pub allow: AllowHosts,
}

impl std::fmt::Debug for SmtpConfig {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        // Never the password.
        f.debug_struct("SmtpConfig")
            .field("host", &self.host_name)
            .field("port", &self.port)
            .field("tls", &self.tls)
            .field("username", &self.username)
            .field("from", &self.from)
            .finish_non_exhaustive()
    }
}

fn percent_decode(s: &str) -> Result<String, String> {
    let b = s.as_bytes();
    let mut out = Vec::with_capacity(b.len());
    let mut i = 0;
    while i < b.len() {
        if b[i] == b'%' {
            let hex = s
                .get(i + 1..i + 3)
                .and_then(|h| u8::from_str_radix(h, 16).ok())
                .ok_or("has a malformed %-escape")?;
            out.push(hex);
            i += 3;
        } else {
            out.push(b[i]);
            i += 1;
        }
    }
    String::from_utf8(out).map_err(|_| "is not UTF-8 once decoded".to_owned())
}

impl SmtpConfig {
    /// `smtps://user:password@smtp.example.jp` (TLS, port 465), `smtp://…:587` (STARTTLS
    /// required) or `smtp://relay.local:25?tls=none` (an allowed host only).
    pub fn parse(url: &str, from: Option<&str>, allow: AllowHosts) -> Result<Self, String> {
        let (scheme, rest) = url
            .split_once("://")
            .ok_or("TSUNAGU_SMTP_URL must be smtp://… or smtps://…")?;
        let mut tls = match scheme.to_ascii_lowercase().as_str() {
            "smtps" => SmtpTls::Wrapper,
            "smtp" => SmtpTls::StartTls,
            _ => return Err("TSUNAGU_SMTP_URL must be smtp://… or smtps://…".into()),
        };
        let (rest, query) = match rest.split_once('?') {
            Some((r, q)) => (r, Some(q)),
            None => (rest, None),
        };
        match query {
            None | Some("") => {}
            Some("tls=none") => tls = SmtpTls::None,
            Some(_) => return Err("TSUNAGU_SMTP_URL takes no query but ?tls=none".into()),
        }
        let rest = rest.trim_end_matches('/');
        let (userinfo, hostport) = match rest.rsplit_once('@') {
            Some((u, h)) => (Some(u), h),
            None => (None, rest),
        };
        let (username, password) = match userinfo {
            None => (None, None),
            Some(u) => {
                let (user, pass) = u.split_once(':').unwrap_or((u, ""));
                let dec = |s: &str| percent_decode(s).map_err(|e| format!("TSUNAGU_SMTP_URL {e}"));
                (Some(dec(user)?), Some(dec(pass)?).filter(|p| !p.is_empty()))
            }
        };
        let default_port = if tls == SmtpTls::Wrapper { 465 } else { 587 };
        let (host_name, port) = if let Some(inner) = hostport.strip_prefix('[') {
            let (h, p) = inner
                .split_once(']')
                .ok_or("TSUNAGU_SMTP_URL has a malformed host")?;
            (format!("[{h}]"), p.strip_prefix(':'))
        } else {
            match hostport.split_once(':') {
                Some((h, p)) => (h.to_owned(), Some(p)),
                None => (hostport.to_owned(), None),
            }
        };
        let port = match port {
            None => default_port,
            Some(p) => p
                .parse::<u16>()
                .ok()
                .filter(|p| *p > 0)
                .ok_or("TSUNAGU_SMTP_URL has a malformed port")?,
        };
        let host =
            targets::parse_host(&host_name).ok_or("TSUNAGU_SMTP_URL has a malformed host")?;
        let allowed = allow.allows(&host, port);
        let public = match &host {
            Host::Ip(ip) => targets::is_public(*ip),
            Host::Name(n) => targets::is_public_name(n),
        };
        if !allowed && !public {
            return Err(format!(
                "TSUNAGU_SMTP_URL points at an internal host ({host_name}); name it in TSUNAGU_SMTP_ALLOW_HOSTS to allow it"
            ));
        }
        if tls == SmtpTls::None && !allowed {
            return Err(
                "TSUNAGU_SMTP_URL ?tls=none is only for a relay named in TSUNAGU_SMTP_ALLOW_HOSTS"
                    .into(),
            );
        }
        let from = from
            .ok_or("TSUNAGU_SMTP_FROM (the sender's address) must be set with TSUNAGU_SMTP_URL")?
            .to_owned();
        from.parse::<Mailbox>()
            .map_err(|e| format!("TSUNAGU_SMTP_FROM is not an address: {e}"))?;
        Ok(Self {
            host_name: match &host {
                Host::Ip(IpAddr::V6(ip)) => ip.to_string(),
                _ => host_name
                    .trim_start_matches('[')
                    .trim_end_matches(']')
                    .to_owned(),
            },
            host,
            port,
            tls,
            username,
            password,
            from,
            allow,
        })
    }
}

/// The relay as the domain's [`Mailer`].
pub struct SmtpMailer {
    cfg: SmtpConfig,
}

impl SmtpMailer {
    pub fn new(cfg: SmtpConfig) -> Self {
        Self { cfg }
    }

    /// The address to connect to: the relay's, checked now (a name may have moved inside).
    fn address(&self) -> Result<IpAddr, String> {
        let c = &self.cfg;
        let addrs: Vec<IpAddr> = match &c.host {
            Host::Ip(ip) => vec![*ip],
            Host::Name(n) => (n.as_str(), c.port)
                .to_socket_addrs()
                .map_err(|e| format!("cannot resolve the relay: {e}"))?
                .map(|a| a.ip())
                .collect(),
        };
        if !targets::resolved_allowed(&c.allow, &c.host_name, c.port, &addrs) {
            return Err(targets::REFUSED_TARGET.into());
        }
        addrs
            .first()
            .copied()
            .ok_or_else(|| "the relay resolves to nothing".into())
    }
}

impl Mailer for SmtpMailer {
    fn send(&self, to: &str, subject: &str, body: &str) -> Result<(), String> {
        let c = &self.cfg;
        let from: Mailbox = c.from.parse().map_err(|e| format!("sender: {e}"))?;
        let to: Mailbox = to.parse().map_err(|e| format!("recipient: {e}"))?;
        let msg = Message::builder()
            .from(from)
            .to(to)
            .subject(subject)
            .header(ContentType::TEXT_PLAIN)
            .body(body.to_owned())
            .map_err(|e| format!("message: {e}"))?;
        let ip = self.address()?;
        let params =
            || TlsParameters::new(c.host_name.clone()).map_err(|e| format!("TLS parameters: {e}"));
        let tls = match c.tls {
            SmtpTls::Wrapper => Tls::Wrapper(params()?),
            SmtpTls::StartTls => Tls::Required(params()?),
            SmtpTls::None => Tls::None,
        };
        let mut builder = SmtpTransport::builder_dangerous(ip.to_string())
            .port(c.port)
            .tls(tls)
            .timeout(Some(Duration::from_secs(15)));
        if let Some(user) = &c.username {
            builder = builder.credentials(Credentials::new(
                user.clone(),
                c.password.clone().unwrap_or_default(),
            ));
        }
        builder
            .build()
            .send(&msg)
            .map(|_| ())
            .map_err(|e| format!("relay: {e}"))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(url: &str, allow: &str) -> Result<SmtpConfig, String> {
        SmtpConfig::parse(
            url,
            Some("center@example.jp"),
            AllowHosts::parse(allow).unwrap(),
        )
    }

    #[test]
    fn a_relay_url_names_tls_port_and_credentials() {
        let c = parse("smtps://u%40x:p%3Aw@smtp.example.jp", "").unwrap();
        assert_eq!(
            (c.tls, c.port, c.host_name.as_str()),
            (SmtpTls::Wrapper, 465, "smtp.example.jp")
        );
        assert_eq!(
            (c.username.as_deref(), c.password.as_deref()),
            (Some("u@x"), Some("p:w"))
        );
        assert!(!format!("{c:?}").contains("p:w"));
        let c = parse("smtp://smtp.example.jp:2525", "").unwrap();
        assert_eq!((c.tls, c.port, c.username), (SmtpTls::StartTls, 2525, None));
    }

    #[test]
    fn an_internal_relay_or_plain_smtp_needs_the_operators_say_so() {
        for url in [
            "smtp://127.0.0.1:25",
            "smtp://localhost",
            "smtps://10.0.0.5",
            "smtp://169.254.169.254",
        ] {
            assert!(parse(url, "").is_err(), "{url}");
        }
        assert!(parse("smtp://smtp.example.jp?tls=none", "").is_err());
        let c = parse("smtp://127.0.0.1:2525?tls=none", "127.0.0.1").unwrap();
        assert_eq!(c.tls, SmtpTls::None);
        assert!(parse("ftp://smtp.example.jp", "").is_err());
        assert!(SmtpConfig::parse("smtps://smtp.example.jp", None, AllowHosts::default()).is_err());
    }

    #[test]
    fn a_name_that_resolves_inside_is_refused_at_send_time() {
        // Allowed at parse time as a name that does not look internal, but it resolves to
        // loopback here.
        let mut c = parse("smtp://smtp.example.jp", "").unwrap();
        c.host = Host::Ip("127.0.0.1".parse().unwrap());
        let m = SmtpMailer::new(c);
        assert_eq!(m.address(), Err(targets::REFUSED_TARGET.into()));
    }
}
