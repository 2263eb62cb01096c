//! `invalid-cidr`: an `expose.inbound` or `expose.outbound` entry that is
//! not a valid IPv4 or IPv6 CIDR.

use std::net::{IpAddr, Ipv4Addr, Ipv6Addr};
use std::ops::Range;

use landfall_diagnostics::{Diagnostic, RuleMeta, Severity};
use landfall_model::LoadedDocument;

use landfall_schema::Kind;
use landfall_yaml::value_range_span;

use crate::context::DocumentContext;
use crate::rules::{Reads, Rule};

pub static META: RuleMeta = RuleMeta {
    id: "invalid-cidr",
    severity: Severity::Error,
    summary: "an inbound/outbound entry that is not a valid IPv4/IPv6 CIDR",
    docs: r#"## What it checks
That every entry of a workload's `expose.inbound` and `expose.outbound` is
a CIDR: an IPv4 or IPv6 address, `/`, and a prefix length (0-32 for IPv4,
0-128 for IPv6) written in decimal without leading zeros. It reports, with
the span on the character or part that breaks it:

- an address that does not parse (IPv4 octets are 0-255 without leading
  zeros, as Rust's and Go's parsers read them; zone ids like `%eth0` are
  not allowed);
- a missing prefix: a bare address is not read as a host route. As in
  Kubernetes NetworkPolicy `ipBlock.cidr`, the prefix is required; write
  `/32` (IPv4) or `/128` (IPv6) for a single address;
- a prefix length that is not a number or out of range;
- host bits set below the prefix, such as `10.0.0.1/8`, with the network
  it probably means (`did you mean 10.0.0.0/8?`). A target would either
  refuse it or silently widen it to the network.

## Why
The Control Plane workload reference controls inbound and outbound
traffic with CIDR lists (`0.0.0.0/0` allows everything). A malformed entry
is refused at deploy time, and one with host bits set may open a far wider
range than its author read.

## Example
```yaml fail
apiVersion: landfall.dev/v1
kind: Application
metadata: {name: shop}
spec: {version: "2.4.2"}
---
apiVersion: landfall.dev/v1
kind: ScopeType
metadata: {name: web}
spec: {target: local, workloadTypes: [standard, serverless, cron]}
---
apiVersion: landfall.dev/v1
kind: Scope
metadata: {name: staging, application: shop}
spec: {type: web, workloads: [api]}
---
apiVersion: landfall.dev/v1
kind: Workload
metadata: {name: api, application: shop}
spec:
  type: standard
  containers:
    - name: api
      image: registry.example.com/shop/api:2.4.2
      ports:
        - {port: 8080, protocol: http}
      resources: {cpu: 500m, memory: 512Mi}
      env:
        PORT: "8080"
  expose:
    inbound: [10.0.0.1/8]
```

```yaml pass
apiVersion: landfall.dev/v1
kind: Application
metadata: {name: shop}
spec: {version: "2.4.2"}
---
apiVersion: landfall.dev/v1
kind: ScopeType
metadata: {name: web}
spec: {target: local, workloadTypes: [standard, serverless, cron]}
---
apiVersion: landfall.dev/v1
kind: Scope
metadata: {name: staging, application: shop}
spec: {type: web, workloads: [api]}
---
apiVersion: landfall.dev/v1
kind: Workload
metadata: {name: api, application: shop}
spec:
  type: standard
  containers:
    - name: api
      image: registry.example.com/shop/api:2.4.2
      ports:
        - {port: 8080, protocol: http}
      resources: {cpu: 500m, memory: 512Mi}
      env:
        PORT: "8080"
  expose:
    inbound: [10.0.0.0/8, "2001:db8::/32"]
```
"#,
};

/// Why a text is not a CIDR. Ranges are byte ranges in the text.
#[derive(Debug, PartialEq, Eq)]
pub enum CidrError {
    /// The address part does not parse; `what` says why.
    Address { at: Range<usize>, what: String },
    /// A valid address without `/prefix`.
    NoPrefix { address: IpAddr },
    /// Nothing after `/` (the range is the `/`).
    EmptyPrefix { at: Range<usize> },
    /// A character that cannot be part of the prefix length.
    PrefixChar { at: Range<usize> },
    /// A prefix length with a leading zero, such as `/08`.
    PrefixLeadingZero { at: Range<usize> },
    /// A prefix length above the family's maximum.
    PrefixRange { at: Range<usize>, max: u8 },
    /// Bits set below the prefix; `network` is the CIDR it probably means.
    HostBits { at: Range<usize>, network: String },
}

/// Parses `address/prefix` with `std::net` and checks that no host bit is
/// set; on failure, locates the character or part that breaks it.
pub fn parse_cidr(text: &str) -> Result<(IpAddr, u8), CidrError> {
    let (address_text, prefix_text) = match text.split_once('/') {
        Some((a, p)) => (a, Some(p)),
        None => (text, None),
    };
    let address: IpAddr = address_text
        .parse()
        .map_err(|_| address_error(address_text))?;
    let Some(prefix_text) = prefix_text else {
        return Err(CidrError::NoPrefix { address });
    };
    let slash = address_text.len();
    let start = slash + 1;
    if prefix_text.is_empty() {
        return Err(CidrError::EmptyPrefix { at: slash..start });
    }
    if let Some((i, c)) = prefix_text
        .char_indices()
        .find(|(_, c)| !c.is_ascii_digit())
    {
        return Err(CidrError::PrefixChar {
            at: start + i..start + i + c.len_utf8(),
        });
    }
    let whole = start..text.len();
    if prefix_text.len() > 1 && prefix_text.starts_with('0') {
        return Err(CidrError::PrefixLeadingZero { at: whole });
    }
    let max: u8 = if address.is_ipv4() { 32 } else { 128 };
    // Only digits: a parse failure means a number too large for u8.
    let prefix = prefix_text.parse::<u8>().unwrap_or(u8::MAX);
    if prefix > max {
        return Err(CidrError::PrefixRange { at: whole, max });
    }
    let network = match address {
        IpAddr::V4(a) => {
            let mask = u32::MAX.checked_shl(32 - u32::from(prefix)).unwrap_or(0);
            IpAddr::V4(Ipv4Addr::from(u32::from(a) & mask))
        }
        IpAddr::V6(a) => {
            let mask = u128::MAX.checked_shl(128 - u32::from(prefix)).unwrap_or(0);
            IpAddr::V6(Ipv6Addr::from(u128::from(a) & mask))
        }
    };
    if network != address {
        return Err(CidrError::HostBits {
            at: 0..slash,
            network: format!("{network}/{prefix}"),
        });
    }
    Ok((address, prefix))
}

/// Where and why an address that `std::net` refused breaks.
fn address_error(text: &str) -> CidrError {
    let whole = 0..text.len();
    if text.is_empty() {
        return CidrError::Address {
            at: whole,
            what: "the address is missing".into(),
        };
    }
    if text.contains(':') {
        if let Some((i, c)) = text
            .char_indices()
            .find(|(_, c)| !(c.is_ascii_hexdigit() || matches!(c, ':' | '.')))
        {
            return CidrError::Address {
                at: i..i + c.len_utf8(),
                what: format!("`{c}` cannot be part of an IPv6 address"),
            };
        }
        return CidrError::Address {
            at: whole,
            what: "this is not a valid IPv6 address".into(),
        };
    }
    if !text.contains('.') {
        return CidrError::Address {
            at: whole,
            what: format!("`{text}` is not an IP address"),
        };
    }
    let mut at = 0;
    let mut count = 0;
    for part in text.split('.') {
        count += 1;
        let range = at..at + part.len();
        at += part.len() + 1;
        if count > 4 {
            return CidrError::Address {
                at: range.start - 1..text.len(),
                what: "an IPv4 address has four numbers".into(),
            };
        }
        if part.is_empty() {
            let dot = if range.start > 0 { range.start - 1 } else { 0 };
            return CidrError::Address {
                at: dot..dot + 1,
                what: "a number is missing here".into(),
            };
        }
        if let Some((i, c)) = part.char_indices().find(|(_, c)| !c.is_ascii_digit()) {
            let i = range.start + i;
            return CidrError::Address {
                at: i..i + c.len_utf8(),
                what: format!("`{c}` cannot be part of an IPv4 address"),
            };
        }
        if part.len() > 1 && part.starts_with('0') {
            return CidrError::Address {
                at: range,
                what: format!("`{part}` has a leading zero, which some tools read as octal"),
            };
        }
        if part.len() > 3 || part.parse::<u16>().is_ok_and(|n| n > 255) {
            return CidrError::Address {
                at: range,
                what: format!("`{part}` is above 255"),
            };
        }
    }
    CidrError::Address {
        at: whole,
        what: if count == 4 {
            "this is not a valid IPv4 address".into()
        } else {
            format!("an IPv4 address has four numbers, this one has {count}")
        },
    }
}

const CIDR_HELP: &str = "a CIDR is an address and a prefix length, such as `10.0.0.0/8` or `2001:db8::/32`; `0.0.0.0/0` and `::/0` allow every address";

pub struct InvalidCidr;

impl Rule for InvalidCidr {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn reads(&self) -> Reads {
        Reads::Fields(&[
            (Kind::Workload, "/spec/expose/inbound"),
            (Kind::Workload, "/spec/expose/outbound"),
        ])
    }

    fn check_document(
        &self,
        doc: &LoadedDocument,
        ctx: &DocumentContext,
        out: &mut Vec<Diagnostic>,
    ) {
        let Some(expose) = doc.doc.as_workload().and_then(|w| w.expose.as_ref()) else {
            return;
        };
        let lists = [("inbound", &expose.inbound), ("outbound", &expose.outbound)];
        for (field, entries) in lists {
            for entry in entries {
                let Err(error) = parse_cidr(&entry.value) else {
                    continue;
                };
                let text = ctx.text(entry.span);
                let value = entry.value.as_str();
                let whole = entry.span;
                let at = |range: Range<usize>| {
                    if range.is_empty() {
                        whole
                    } else {
                        value_range_span(text, entry.span, value, range)
                    }
                };
                let (span, message, label, help) = match error {
                    CidrError::Address { at: range, what } => {
                        let any = matches!(
                            value.to_ascii_lowercase().as_str(),
                            "*" | "any" | "all" | "anywhere"
                        );
                        let message = if value.is_empty() {
                            format!("{field} entry is empty")
                        } else {
                            format!("{field} entry `{value}` is not a valid CIDR: {what}")
                        };
                        let help = if any {
                            "write `0.0.0.0/0` (and `::/0` for IPv6) to allow every address"
                                .to_string()
                        } else {
                            CIDR_HELP.to_string()
                        };
                        (at(range), message, "invalid address".to_string(), help)
                    }
                    CidrError::NoPrefix { address } => {
                        let host = if address.is_ipv4() { 32 } else { 128 };
                        (
                            whole,
                            format!(
                                "{field} entry `{value}` is an address without a prefix length"
                            ),
                            "no `/prefix`".to_string(),
                            format!("write `{value}/{host}` for this one address"),
                        )
                    }
                    CidrError::EmptyPrefix { at: range } => (
                        at(range),
                        format!("{field} entry `{value}` has no prefix length after `/`"),
                        "prefix length expected after this".to_string(),
                        CIDR_HELP.to_string(),
                    ),
                    CidrError::PrefixChar { at: range } => (
                        at(range),
                        format!(
                            "{field} entry `{value}` is not a valid CIDR: the prefix length must be a number"
                        ),
                        "not a digit".to_string(),
                        CIDR_HELP.to_string(),
                    ),
                    CidrError::PrefixLeadingZero { at: range } => {
                        let prefix = value.get(range.clone()).unwrap_or_default();
                        let fixed = prefix.trim_start_matches('0');
                        let fixed = if fixed.is_empty() { "0" } else { fixed };
                        (
                            at(range),
                            format!(
                                "{field} entry `{value}` has a prefix length with a leading zero"
                            ),
                            "leading zero".to_string(),
                            format!("write `/{fixed}`"),
                        )
                    }
                    CidrError::PrefixRange { at: range, max } => {
                        let prefix = value.get(range.clone()).unwrap_or_default();
                        let family = if max == 32 { "IPv4" } else { "IPv6" };
                        (
                            at(range),
                            format!(
                                "{field} entry `{value}` has prefix length {prefix}, but an {family} prefix is 0-{max}"
                            ),
                            format!("above {max}"),
                            CIDR_HELP.to_string(),
                        )
                    }
                    CidrError::HostBits { at: range, network } => (
                        at(range),
                        format!(
                            "{field} entry `{value}` has host bits set: the address is not the first of its network"
                        ),
                        "host bits set".to_string(),
                        format!("did you mean `{network}`?"),
                    ),
                };
                let d = Diagnostic::new(&META, span, message)
                    .with_span_label(label)
                    .with_help(help);
                out.push(d);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn error(text: &str) -> CidrError {
        parse_cidr(text).expect_err(text)
    }

    fn address_at(text: &str) -> Range<usize> {
        match error(text) {
            CidrError::Address { at, .. } => at,
            other => panic!("{text}: {other:?}"),
        }
    }

    #[test]
    fn accepts_cidrs() {
        for ok in [
            "0.0.0.0/0",
            "10.0.0.0/8",
            "192.168.1.0/24",
            "192.168.1.7/32",
            "::/0",
            "2001:db8::/32",
            "::1/128",
            "fe80::/10",
            "::ffff:10.0.0.0/104",
        ] {
            assert!(parse_cidr(ok).is_ok(), "{ok}");
        }
        assert_eq!(
            parse_cidr("10.0.0.0/8"),
            Ok((IpAddr::V4(Ipv4Addr::new(10, 0, 0, 0)), 8))
        );
    }

    #[test]
    fn requires_a_prefix() {
        assert!(matches!(error("10.0.0.1"), CidrError::NoPrefix { .. }));
        assert!(matches!(error("::1"), CidrError::NoPrefix { .. }));
        assert_eq!(error("10.0.0.0/"), CidrError::EmptyPrefix { at: 8..9 });
        assert_eq!(error("10.0.0.0/8a"), CidrError::PrefixChar { at: 10..11 });
        assert_eq!(error("10.0.0.0/8/16"), CidrError::PrefixChar { at: 10..11 });
        assert_eq!(error("10.0.0.0/-1"), CidrError::PrefixChar { at: 9..10 });
        assert_eq!(
            error("10.0.0.0/08"),
            CidrError::PrefixLeadingZero { at: 9..11 }
        );
        assert_eq!(
            error("10.0.0.0/33"),
            CidrError::PrefixRange { at: 9..11, max: 32 }
        );
        assert_eq!(
            error("::/129"),
            CidrError::PrefixRange { at: 3..6, max: 128 }
        );
        assert_eq!(
            error("10.0.0.0/99999999999"),
            CidrError::PrefixRange { at: 9..20, max: 32 }
        );
    }

    #[test]
    fn finds_host_bits() {
        assert_eq!(
            error("10.0.0.1/8"),
            CidrError::HostBits {
                at: 0..8,
                network: "10.0.0.0/8".into()
            }
        );
        assert_eq!(
            error("192.168.1.7/0"),
            CidrError::HostBits {
                at: 0..11,
                network: "0.0.0.0/0".into()
            }
        );
        assert_eq!(
            error("2001:db8::1/32"),
            CidrError::HostBits {
                at: 0..11,
                network: "2001:db8::/32".into()
            }
        );
    }

    #[test]
    fn locates_broken_addresses() {
        assert_eq!(address_at("10.0.0.256/32"), 7..10);
        assert_eq!(address_at("10.0.0.1000/32"), 7..11);
        assert_eq!(address_at("10.0.x.0/24"), 5..6);
        assert_eq!(address_at("10..0.0/24"), 2..3);
        assert_eq!(address_at(".10.0.0/24"), 0..1);
        assert_eq!(address_at("10.0.0/24"), 0..6);
        assert_eq!(address_at("10.0.0.0.0/24"), 8..10);
        assert_eq!(address_at("010.0.0.0/8"), 0..3);
        assert_eq!(address_at("2001:db8::g/32"), 10..11);
        assert_eq!(address_at("2001:db8:::1/64"), 0..12);
        assert_eq!(address_at("fe80::1%eth0/64"), 7..8);
        assert_eq!(address_at("any"), 0..3);
        assert_eq!(address_at("/8"), 0..0);
        assert_eq!(address_at("10.0.0.0 /8"), 8..9);
    }
}
