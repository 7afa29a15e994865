//! Where a webhook may send: the rules against server-side request forgery. A center
//! administrator names a URL and the server posts to it, so without these rules the
//! administrator could make the server reach what only it can reach — the database port on
//! loopback, a cloud metadata service on 169.254.169.254, the office network. A target must
//! be a public address (or a name that is not obviously internal); the delivery worker checks
//! the addresses a name resolves to again at each send and connects only to the checked ones
//! (a name may resolve to a public address at registration and to loopback later: DNS
//! rebinding). The operator can name exceptions ([`AllowHosts`], `TSUNAGU_WEBHOOK_ALLOW_HOSTS`)
//! for local development and tests.
//!
//! Host parsing follows the WHATWG URL standard where it matters for safety: `2130706433`,
//! `0x7f000001`, `0177.1` and `0` are IPv4 addresses to a browser and to `getaddrinfo`, so
//! they are to these rules too.

use crate::error::FieldError;
use std::net::{IpAddr, Ipv4Addr, Ipv6Addr};

/// The field code of a target that is refused because of where it points.
pub const TARGET_NOT_ALLOWED: &str = "target_not_allowed";
/// What the delivery log says of a refused target: nothing about the network behind it.
pub const REFUSED_TARGET: &str = "the target address is not allowed";

/// A URL's host: an address (however it was spelled) or a DNS name (lower case, no trailing
/// dot).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Host {
    Ip(IpAddr),
    Name(String),
}

/// What a webhook URL points at.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Target {
    pub https: bool,
    pub host: Host,
    pub port: u16,
}

/// Whether an address is one anybody on the internet could reach: not loopback, private,
/// link-local, unique-local, shared (CGNAT), multicast, broadcast, unspecified, reserved or
/// documentation space. IPv6 forms that carry an IPv4 address (mapped, compatible, NAT64,
/// 6to4) are judged by that address.
pub fn is_public(ip: IpAddr) -> bool {
    match ip {
        IpAddr::V4(v4) => is_public_v4(v4),
        IpAddr::V6(v6) => is_public_v6(v6),
    }
}

fn is_public_v4(ip: Ipv4Addr) -> bool {
    let [a, b, c, _] = ip.octets();
    !(a == 0 // "this network", including 0.0.0.0
        || ip.is_private() // 10/8, 172.16/12, 192.168/16
        || ip.is_loopback() // 127/8
        || ip.is_link_local() // 169.254/16: cloud metadata lives here
        || (a == 100 && (64..128).contains(&b)) // 100.64/10 shared address space
        || (a == 192 && b == 0 && c == 0) // 192.0.0/24 protocol assignments
        || ip.is_documentation() // 192.0.2/24, 198.51.100/24, 203.0.113/24
        || (a == 198 && (b == 18 || b == 19)) // 198.18/15 benchmarking
        || (a == 192 && b == 88 && c == 99) // 6to4 relay anycast
        || ip.is_multicast() // 224/4
        || a >= 240) // 240/4 reserved, and the broadcast address
}

fn is_public_v6(ip: Ipv6Addr) -> bool {
    let s = ip.segments();
    // ::ffff:a.b.c.d (mapped) and ::a.b.c.d (the deprecated compatible form): the IPv4
    // address decides. `::` and `::1` fall in this range too and are not public.
    if let Some(v4) = ip.to_ipv4_mapped() {
        return is_public_v4(v4);
    }
    if s[..6] == [0; 6] {
        return ip != Ipv6Addr::UNSPECIFIED
            && ip != Ipv6Addr::LOCALHOST
            && is_public_v4(embedded_v4(s[6], s[7]));
    }
    // 64:ff9b::/96, the well-known NAT64 prefix, translates to the IPv4 address it carries.
    if s[..6] == [0x64, 0xff9b, 0, 0, 0, 0] {
        return is_public_v4(embedded_v4(s[6], s[7]));
    }
    // 2002::/16, 6to4: the IPv4 address is in the next 32 bits.
    if s[0] == 0x2002 {
        return is_public_v4(embedded_v4(s[1], s[2]));
    }
    // Only global unicast (2000::/3) is public; inside it, 2001::/23 holds protocol
    // assignments (Teredo, benchmarking, ORCHID …) and 2001:db8::/32 is documentation.
    // Everything else — ::1, fe80::/10, fc00::/7, ff00::/8, 64:ff9b:1::/48 … — is not.
    (s[0] & 0xe000) == 0x2000
        && !(s[0] == 0x2001 && s[1] < 0x0200)
        && !(s[0] == 0x2001 && s[1] == 0x0db8)
}

fn embedded_v4(hi: u16, lo: u16) -> Ipv4Addr {
    let [a, b] = hi.to_be_bytes();
    let [c, d] = lo.to_be_bytes();
    Ipv4Addr::new(a, b, c, d)
}

/// DNS names that name the machine itself or a private network (RFC 6761, 6762 appendix G,
/// 8375) and the cloud metadata services' names; a name ending in one is refused.
const INTERNAL_SUFFIXES: &[&str] = &[
    "localhost",
    "localdomain",
    "local",
    "internal",
    "intranet",
    "private",
    "corp",
    "home",
    "lan",
    "home.arpa",
    "arpa",
];

/// Whether a DNS name may be registered: it has a dot (a single label is looked up in the
/// server's own search domains) and does not end in an internal suffix such as
/// `localhost` or `internal` (`metadata.google.internal`).
pub fn is_public_name(name: &str) -> bool {
    name.contains('.')
        && !INTERNAL_SUFFIXES
            .iter()
            .any(|s| name == *s || name.strip_suffix(s).is_some_and(|p| p.ends_with('.')))
}

/// Parses an IPv4 address the way browsers and `inet_aton` do: one to four parts, each
/// decimal, octal (`0` prefix) or hexadecimal (`0x`), the last filling the remaining bytes
/// (`127.1`, `2130706433`, `0x7f.0.0.1`). `None` when it is not such an address.
pub fn parse_ipv4_loose(host: &str) -> Option<Ipv4Addr> {
    let host = host.strip_suffix('.').unwrap_or(host);
    let parts: Vec<&str> = host.split('.').collect();
    if parts.is_empty() || parts.len() > 4 {
        return None;
    }
    let mut nums = Vec::with_capacity(parts.len());
    for p in &parts {
        let (digits, radix) = if let Some(h) = p.strip_prefix("0x").or_else(|| p.strip_prefix("0X"))
        {
            (h, 16)
        } else if p.len() > 1 && p.starts_with('0') {
            (&p[1..], 8)
        } else {
            (*p, 10)
        };
        if p.is_empty() || !digits.chars().all(|c| c.is_digit(radix)) {
            return None;
        }
        // "0x" alone is zero, as in the standard.
        let n = if digits.is_empty() {
            0
        } else {
            u64::from_str_radix(digits, radix).ok()?
        };
        nums.push(n);
    }
    let (last, init) = nums.split_last()?;
    if init.iter().any(|n| *n > 255) {
        return None;
    }
    let last_bits = 8 * (5 - nums.len() as u32);
    if *last >= 1u64 << last_bits {
        return None;
    }
    let mut v: u64 = *last;
    for (i, n) in init.iter().enumerate() {
        v |= n << (8 * (3 - i as u32));
    }
    u32::try_from(v).ok().map(Ipv4Addr::from)
}

/// Whether the host's last label is a number (`1.2.3.4`, `0x7f`, `2130706433`): such a host
/// is an IPv4 address or nothing (WHATWG "ends in a number").
fn ends_in_number(host: &str) -> bool {
    let host = host.strip_suffix('.').unwrap_or(host);
    let last = host.rsplit('.').next().unwrap_or("");
    (!last.is_empty() && last.bytes().all(|b| b.is_ascii_digit()))
        || last
            .strip_prefix("0x")
            .or_else(|| last.strip_prefix("0X"))
            .is_some_and(|h| h.bytes().all(|b| b.is_ascii_hexdigit()))
}

/// A host as written in a URL or an allow-list entry (`[::1]`, `::1`, `Example.JP.`,
/// `0x7f000001`), normalised. `None` when it is not a host at all.
pub fn parse_host(raw: &str) -> Option<Host> {
    if let Some(inner) = raw.strip_prefix('[') {
        return inner
            .strip_suffix(']')?
            .parse::<Ipv6Addr>()
            .ok()
            .map(|ip| Host::Ip(IpAddr::V6(ip)));
    }
    if let Ok(ip) = raw.parse::<Ipv6Addr>() {
        return Some(Host::Ip(IpAddr::V6(ip)));
    }
    if ends_in_number(raw) {
        return parse_ipv4_loose(raw).map(|ip| Host::Ip(IpAddr::V4(ip)));
    }
    let name = raw.strip_suffix('.').unwrap_or(raw).to_ascii_lowercase();
    let label_ok = |l: &str| {
        !l.is_empty()
            && l.len() <= 63
            && l.bytes()
                .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
            && !l.starts_with('-')
            && !l.ends_with('-')
    };
    (name.len() <= 253 && name.split('.').all(label_ok)).then_some(Host::Name(name))
}

/// Splits an absolute `http(s)://` URL into what it points at. Errors are messages for an
/// `invalid_url` field error.
pub fn parse_target(url: &str) -> Result<Target, &'static str> {
    let (scheme, rest) = url
        .split_once("://")
        .ok_or("must be an absolute https:// URL")?;
    let https = match scheme.to_ascii_lowercase().as_str() {
        "https" => true,
        "http" => false,
        _ => return Err("must be an https:// URL"),
    };
    let authority = rest.split(['/', '?', '#']).next().unwrap_or("");
    if authority.is_empty()
        || authority.contains('@')
        || url.chars().any(|c| c.is_whitespace() || c.is_control())
    {
        return Err("must be an absolute URL with a host and no credentials");
    }
    let (host, port) = if authority.starts_with('[') {
        match authority.split_once(']') {
            Some((h, "")) => (format!("{h}]"), None),
            Some((h, p)) => (
                format!("{h}]"),
                Some(p.strip_prefix(':').ok_or("has a malformed host")?),
            ),
            None => return Err("has a malformed host"),
        }
    } else {
        match authority.split_once(':') {
            Some((h, p)) => (h.to_owned(), Some(p)),
            None => (authority.to_owned(), None),
        }
    };
    let port = match port {
        None | Some("") => {
            if https {
                443
            } else {
                80
            }
        }
        Some(p) => p
            .parse::<u16>()
            .ok()
            .filter(|p| *p > 0)
            .ok_or("has a malformed port")?,
    };
    if !host.is_ascii() {
        return Err("must write an international host name in its xn-- (punycode) form");
    }
    let host = parse_host(&host).ok_or("has a malformed host")?;
    Ok(Target { https, host, port })
}

/// The operator's exceptions: hosts (any port) or `host:port`s to which webhooks may go even
/// though they are not public, and over plain http. For local development and tests only.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct AllowHosts(Vec<(Host, Option<u16>)>);

impl AllowHosts {
    /// Parses `TSUNAGU_WEBHOOK_ALLOW_HOSTS`: comma-separated `host` or `host:port` entries
    /// (`localhost`, `127.0.0.1:9000`, `[::1]:8080`).
    pub fn parse(list: &str) -> Result<Self, String> {
        let mut out = Vec::new();
        for entry in list.split(',').map(str::trim).filter(|e| !e.is_empty()) {
            let bad = || format!("{entry:?} is not a host or host:port");
            let (host, port) = if entry.starts_with('[') {
                match entry.split_once("]:") {
                    Some((h, p)) => (format!("{h}]"), Some(p)),
                    None => (entry.to_owned(), None),
                }
            } else if entry.matches(':').count() == 1 {
                let (h, p) = entry.split_once(':').ok_or_else(bad)?;
                (h.to_owned(), Some(p))
            } else {
                (entry.to_owned(), None)
            };
            let port = port
                .map(|p| p.parse::<u16>().map_err(|_| bad()))
                .transpose()?;
            out.push((parse_host(&host).ok_or_else(bad)?, port));
        }
        Ok(Self(out))
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    /// Whether the operator allowed this host and port.
    pub fn allows(&self, host: &Host, port: u16) -> bool {
        self.0
            .iter()
            .any(|(h, p)| h == host && p.is_none_or(|p| p == port))
    }

    /// The same for a host as a resolver is given it (`example.jp`, `[::1]`, `2130706433`).
    pub fn allows_raw(&self, host: &str, port: u16) -> bool {
        parse_host(host).is_some_and(|h| self.allows(&h, port))
    }
}

/// The check at registration (POST and PATCH): a well-formed `https://` URL whose host is a
/// public address or a name that does not look internal, unless the operator allowed it
/// (then `http://` is accepted too).
pub fn check_registration(
    field: &str,
    raw: &str,
    allow: &AllowHosts,
) -> Result<String, FieldError> {
    let url = raw.trim();
    let invalid = |msg: &str| FieldError::new(field, "invalid_url", msg.to_owned());
    if url.len() > 2000 {
        return Err(invalid("must be at most 2000 characters"));
    }
    let t = parse_target(url).map_err(invalid)?;
    if allow.allows(&t.host, t.port) {
        return Ok(url.to_owned());
    }
    let public = match &t.host {
        Host::Ip(ip) => is_public(*ip),
        Host::Name(n) => is_public_name(n),
    };
    if !public {
        return Err(FieldError::new(
            field,
            TARGET_NOT_ALLOWED,
            "must point at a public internet host: loopback, private, link-local and other internal addresses and names are refused",
        ));
    }
    if !t.https {
        return Err(invalid("must be an https:// URL"));
    }
    Ok(url.to_owned())
}

/// Why a delivery is not sent.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Refused;

/// The check before each delivery, on what the URL says: the scheme, and the address when
/// the host is one. Names are checked on the addresses they resolve to, by the worker's
/// resolver, with [`resolved_allowed`].
pub fn check_delivery(url: &str, allow: &AllowHosts) -> Result<Target, Refused> {
    let t = parse_target(url).map_err(|_| Refused)?;
    if allow.allows(&t.host, t.port) {
        return Ok(t);
    }
    match &t.host {
        _ if !t.https => Err(Refused),
        Host::Ip(ip) if !is_public(*ip) => Err(Refused),
        _ => Ok(t),
    }
}

/// Whether the worker may connect to what `host` resolved to: every address must be public
/// (one private answer among public ones is how rebinding hides), unless the operator
/// allowed the host.
pub fn resolved_allowed(allow: &AllowHosts, host: &str, port: u16, addrs: &[IpAddr]) -> bool {
    allow.allows_raw(host, port) || (!addrs.is_empty() && addrs.iter().all(|a| is_public(*a)))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ip(s: &str) -> IpAddr {
        s.parse().unwrap()
    }

    #[test]
    fn private_and_special_addresses_are_not_public() {
        for s in [
            "127.0.0.1",
            "127.255.0.9",
            "0.0.0.0",
            "0.1.2.3",
            "10.0.0.1",
            "172.16.0.1",
            "172.31.255.255",
            "192.168.1.1",
            "169.254.169.254",
            "100.64.0.1",
            "100.100.100.200",
            "192.0.0.192",
            "192.0.2.1",
            "198.18.0.1",
            "224.0.0.1",
            "239.255.255.250",
            "240.0.0.1",
            "255.255.255.255",
            "::",
            "::1",
            "fe80::1",
            "fd00::1",
            "fc00::1",
            "fd00:ec2::254",
            "ff02::1",
            "::ffff:127.0.0.1",
            "::ffff:169.254.169.254",
            "::ffff:10.0.0.1",
            "::127.0.0.1",
            "::169.254.169.254",
            "64:ff9b::a9fe:a9fe",
            "64:ff9b:1::1",
            "2002:7f00:1::1",
            "2002:a9fe:a9fe::1",
            "2001::1",
            "2001:db8::1",
            "fec0::1",
            "100::1",
        ] {
            assert!(!is_public(ip(s)), "{s} must not be public");
        }
    }

    #[test]
    fn internet_addresses_are_public() {
        for s in [
            "93.184.215.14",
            "8.8.8.8",
            "172.32.0.1",
            "100.128.0.1",
            "2606:4700::1111",
            "2a00:1450:4001:80b::200e",
            "::ffff:8.8.8.8",
            "64:ff9b::808:808",
            "2002:808:808::1",
        ] {
            assert!(is_public(ip(s)), "{s} must be public");
        }
    }

    #[test]
    fn loose_ipv4_forms_parse_like_browsers() {
        let l = Ipv4Addr::LOCALHOST;
        for s in [
            "2130706433",
            "0x7f000001",
            "0X7F000001",
            "0177.0.0.1",
            "127.1",
            "127.0.1",
            "0x7f.1",
            "127.0.0.1.",
        ] {
            assert_eq!(parse_ipv4_loose(s), Some(l), "{s}");
        }
        assert_eq!(parse_ipv4_loose("0"), Some(Ipv4Addr::UNSPECIFIED));
        assert_eq!(
            parse_ipv4_loose("0xa9fea9fe"),
            Some(Ipv4Addr::new(169, 254, 169, 254))
        );
        for s in [
            "",
            "1.2.3.4.5",
            "256.1.1.1",
            "1.2.3.256",
            "09",
            "0x1g",
            "1..2",
            "a.b",
        ] {
            assert_eq!(parse_ipv4_loose(s), None, "{s}");
        }
    }

    fn code(url: &str) -> &'static str {
        match check_registration("url", url, &AllowHosts::default()) {
            Ok(_) => "ok",
            Err(e) => e.code,
        }
    }

    /// The forms an outside test tried; each must be refused at registration.
    #[test]
    fn internal_targets_are_refused_at_registration() {
        for url in [
            "http://127.0.0.1:5432/",
            "https://127.0.0.1/",
            "https://127.0.0.1:8080/hook",
            "https://localhost/hook",
            "https://LOCALHOST./hook",
            "https://app.localhost/hook",
            "https://169.254.169.254/latest/meta-data/",
            "https://metadata.google.internal/computeMetadata/v1/",
            "https://metadata/",
            "https://10.1.2.3/",
            "https://172.16.5.4/",
            "https://192.168.0.10/",
            "https://[fd00::1]/",
            "https://[fd12:3456::1]:8443/",
            "https://[::1]/",
            "https://[::]/",
            "https://[::ffff:169.254.169.254]/",
            "https://[::ffff:7f00:1]/",
            "https://[fe80::1]/",
            "https://[ff02::1]/",
            "https://0x7f000001/",
            "https://2130706433/",
            "https://0/",
            "https://0.0.0.0/",
            "https://0177.0.0.1/",
            "https://127.1/",
            "https://224.0.0.1/",
            "https://100.64.0.1/",
            "https://printer.local/",
            "https://router.home.arpa/",
        ] {
            assert_eq!(code(url), TARGET_NOT_ALLOWED, "{url}");
        }
    }

    #[test]
    fn malformed_urls_are_invalid() {
        for url in [
            "http://example.jp/h",
            "ftp://example.jp",
            "https://user:pw@example.jp/",
            "example.jp/h",
            "https:///path",
            "https://1.2.3.4.5/",
            "https://256.0.0.1/",
            "https://example.jp:0/",
            "https://example.jp:99999/",
            "https://[::1/",
            "https://exa mple.jp/",
            "https://例え.jp/",
            "https://%31%32%37.0.0.1/",
        ] {
            assert_eq!(code(url), "invalid_url", "{url}");
        }
    }

    #[test]
    fn public_targets_are_accepted() {
        for url in [
            "https://example.jp/hook",
            "https://dashboard.example.jp:8443/hooks?x=1",
            "https://93.184.215.14/h",
            "https://[2606:4700::1111]/h",
            "https://xn--r8jz45g.jp/h",
            "https://127.0.0.1.example.jp/h",
        ] {
            assert_eq!(code(url), "ok", "{url}");
        }
    }

    #[test]
    fn the_operator_allow_list_makes_exceptions() {
        let allow = AllowHosts::parse(" localhost, 127.0.0.1:9000 ,[::1]:8080").unwrap();
        let ok = |u: &str| check_registration("url", u, &allow).is_ok();
        assert!(ok("http://localhost:1234/h"));
        assert!(ok("http://127.0.0.1:9000/h"));
        assert!(
            ok("http://2130706433:9000/h"),
            "the same address, spelled otherwise"
        );
        assert!(!ok("http://127.0.0.1:9001/h"), "another port");
        assert!(ok("http://[::1]:8080/h"));
        assert!(!ok("http://[::1]:8081/h"));
        assert!(!ok("http://10.0.0.1/h"));
        assert!(allow.allows_raw("LOCALHOST", 5));
        assert!(allow.allows_raw("[::1]", 8080));
        assert!(AllowHosts::parse("a b").is_err());
        assert!(AllowHosts::parse("host:port").is_err());
        assert!(AllowHosts::parse("").unwrap().is_empty());
    }

    #[test]
    fn deliveries_check_literals_and_resolved_addresses() {
        let none = AllowHosts::default();
        assert_eq!(check_delivery("https://127.0.0.1/h", &none), Err(Refused));
        assert_eq!(check_delivery("https://0x7f000001/h", &none), Err(Refused));
        assert_eq!(check_delivery("http://example.jp/h", &none), Err(Refused));
        assert!(check_delivery("https://example.jp/h", &none).is_ok());
        let lo = [ip("127.0.0.1")];
        let mixed = [ip("93.184.215.14"), ip("10.0.0.1")];
        assert!(!resolved_allowed(&none, "rebind.example.jp", 443, &lo));
        assert!(!resolved_allowed(&none, "rebind.example.jp", 443, &mixed));
        assert!(!resolved_allowed(&none, "rebind.example.jp", 443, &[]));
        assert!(resolved_allowed(
            &none,
            "example.jp",
            443,
            &[ip("93.184.215.14")]
        ));
        let allow = AllowHosts::parse("localhost").unwrap();
        assert!(resolved_allowed(&allow, "localhost", 8080, &lo));
        assert!(check_delivery("http://localhost:8080/h", &allow).is_ok());
    }
}
