//! What the resource and port rules share: the stricter CPU, memory and
//! duration syntax of the language reference (`docs/language.md`) on top
//! of `landfall_model::quantity`, the container values with their
//! defaults, and how values are shown.

use landfall_diagnostics::Span;
use landfall_model::defaults;
use landfall_model::{Container, Scalar, Spanned, Workload};

use landfall_model::quantity::{
    ParseError, Quantity, RangeError, format_bytes, format_millicores, parse_duration,
    parse_quantity,
};

/// Why a CPU, memory or duration does not parse, ready to report.
#[derive(Debug, Clone, PartialEq)]
pub(super) struct Problem {
    /// Byte offset in the value of the character that breaks it; `None`
    /// when the whole value is at fault.
    pub offset: Option<usize>,
    pub message: String,
    pub label: String,
    pub help: String,
}

/// Which syntax a quantity follows.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum QuantityKind {
    /// Cores: `500m`, `0.5`, `2`; a YAML number is cores.
    Cpu,
    /// Bytes: `512Mi`, `1Gi`, `129e6`; a YAML number is bytes.
    Memory,
}

const CPU_EXPECTED: &str = "expected millicores (500m) or cores (0.5, 2)";
const MEMORY_EXPECTED: &str = "expected bytes with an optional unit (512Mi, 1Gi, 129e6)";
const MEMORY_UNITS: &str =
    "memory units are k M G T P E (powers of 1000) and Ki Mi Gi Ti Pi Ei (powers of 1024)";

/// The length of the number at the start of a quantity: sign, digits and
/// a decimal point.
fn number_len(text: &str) -> usize {
    let bytes = text.as_bytes();
    let mut i = 0;
    if matches!(bytes.first(), Some(b'+' | b'-')) {
        i += 1;
    }
    while i < bytes.len() && (bytes[i].is_ascii_digit() || bytes[i] == b'.') {
        i += 1;
    }
    i
}

/// A CPU or memory as the spec writes it. Kubernetes accepts every
/// quantity suffix for both, but nobody means CPU in mebibytes or memory
/// in millibytes, so those are reported as well.
pub(super) fn parse_resource(kind: QuantityKind, scalar: &Scalar) -> Result<Quantity, Problem> {
    let text = scalar.text.as_str();
    let (what, expected) = match kind {
        QuantityKind::Cpu => ("CPU", CPU_EXPECTED),
        QuantityKind::Memory => ("memory", MEMORY_EXPECTED),
    };
    let message = || format!("invalid {what} `{text}`: {expected}");
    let number_end = number_len(text);
    let quantity = match parse_quantity(text) {
        Ok(q) => Ok(q),
        // A unit of the other kind is the better finding: checked below.
        Err(ParseError::Range(e)) => Err(e),
        Err(ParseError::Syntax(e)) => {
            let in_unit = e.offset >= number_end && number_end > 0;
            let (label, help) = match kind {
                QuantityKind::Cpu if in_unit => (
                    "not a CPU unit".to_string(),
                    match cpu_suggestion(text, number_end) {
                        Some(s) => format!(
                            "did you mean `{s}`? CPU is cores: `500m` is half a core, `2` is two cores"
                        ),
                        None => "CPU is cores: `500m` is half a core, `2` is two cores".to_string(),
                    },
                ),
                QuantityKind::Cpu => (
                    e.message,
                    "CPU is cores: `500m` is half a core, `2` is two cores".to_string(),
                ),
                QuantityKind::Memory => {
                    let label = if in_unit {
                        "not a memory unit".to_string()
                    } else {
                        e.message
                    };
                    let help = match memory_suggestion(text, number_end) {
                        Some((binary, Some(decimal))) => format!(
                            "did you mean `{binary}` (or `{decimal}` in powers of 1000)? {MEMORY_UNITS}"
                        ),
                        Some((binary, None)) => format!("did you mean `{binary}`? {MEMORY_UNITS}"),
                        None => MEMORY_UNITS.to_string(),
                    };
                    (label, help)
                }
            };
            let offset = if scalar.is_number {
                None
            } else {
                Some(e.offset)
            };
            return Err(Problem {
                offset,
                message: message(),
                label,
                help,
            });
        }
    };
    let suffix = &text[number_end.min(text.len())..];
    // `e6`, `E-3`; not `E` (exa) nor `Ei` (exbi).
    let exponent = suffix
        .strip_prefix(['e', 'E'])
        .map(|e| e.trim_start_matches(['+', '-']))
        .is_some_and(|digits| !digits.is_empty() && digits.bytes().all(|b| b.is_ascii_digit()));
    match kind {
        QuantityKind::Cpu if !(suffix.is_empty() || suffix == "m" || exponent) => Err(Problem {
            offset: Some(number_end),
            message: message(),
            label: format!("`{suffix}` is a memory unit"),
            help: "CPU is cores: `500m` is half a core, `2` is two cores".to_string(),
        }),
        QuantityKind::Memory if suffix == "m" => {
            let number = &text[..number_end];
            Err(Problem {
                offset: Some(number_end),
                message: format!("memory in millibytes: did you mean {number}Mi?"),
                label: "`m` is milli: a thousandth of a byte".to_string(),
                help: format!("write `{number}Mi` for mebibytes or `{number}M` for megabytes"),
            })
        }
        _ => quantity.map_err(|e| Problem {
            offset: None,
            message: message(),
            label: range_label(e, "a quantity"),
            help: match e {
                RangeError::TooLarge => match kind {
                    QuantityKind::Cpu => "a CPU is at most 2^63 - 1 cores, as in Kubernetes: write a value such as 8 or 8000m",
                    QuantityKind::Memory => "a memory is at most 2^63 - 1 bytes (just under 8Ei), as in Kubernetes: write a value with a unit, such as 8Gi",
                }
                .to_string(),
                RangeError::TooSmall => "write a value of at least 1e-1000, or 0".to_string(),
                RangeError::TooPrecise => "write at most 38 significant digits".to_string(),
            },
        }),
    }
}

/// `512MB` → `512Mi` (or `512M`), `1gb` → `1Gi`, `512MiB` → `512Mi`,
/// `1K` → `1Ki`, `512 Mi` → `512Mi`, `64B` → `64`: the binary unit a
/// mistyped memory unit most likely means, and the decimal one when the
/// unit did not say which.
fn memory_suggestion(text: &str, number_end: usize) -> Option<(String, Option<String>)> {
    let number = text.get(..number_end)?;
    if !number.bytes().any(|b| b.is_ascii_digit()) {
        return None;
    }
    let unit = text[number_end..].trim().to_ascii_lowercase();
    let unit = if unit.len() > 1 || unit == "b" {
        unit.strip_suffix('b').unwrap_or(&unit)
    } else {
        &unit
    };
    let binary = unit.ends_with('i');
    let unit = unit.strip_suffix('i').unwrap_or(unit);
    let letter = match unit {
        "" => return Some((number.to_string(), None)),
        "k" => "K",
        "m" => "M",
        "g" => "G",
        "t" => "T",
        "p" => "P",
        "e" => "E",
        _ => return None,
    };
    let decimal = match (binary, letter) {
        (true, _) => None,
        (false, "K") => Some(format!("{number}k")),
        (false, _) => Some(format!("{number}{letter}")),
    };
    Some((format!("{number}{letter}i"), decimal))
}

/// `8 cores` → `8`, `500 millicores` → `500m`.
fn cpu_suggestion(text: &str, number_end: usize) -> Option<String> {
    let number = text.get(..number_end)?;
    if !number.bytes().any(|b| b.is_ascii_digit()) {
        return None;
    }
    match text[number_end..].trim().to_ascii_lowercase().as_str() {
        "core" | "cores" | "cpu" | "cpus" | "vcpu" | "vcpus" => Some(number.to_string()),
        "millicore" | "millicores" | "mcpu" | "millicpu" => Some(format!("{number}m")),
        _ => None,
    }
}

/// The label of a value out of range: `too large to be a quantity`.
fn range_label(e: RangeError, what: &str) -> String {
    match e {
        RangeError::TooLarge => format!("too large to be {what}"),
        RangeError::TooSmall => format!("too small to be {what}"),
        RangeError::TooPrecise => "more than 38 significant digits".to_string(),
    }
}

/// A duration as the spec writes it: `300ms`, `10s`, `1h30m`. `what`
/// names the field in the message. Returns milliseconds, exactly.
pub(super) fn parse_duration_value(what: &str, scalar: &Scalar) -> Result<Quantity, Problem> {
    let text = scalar.text.as_str();
    // Worded only for a finding: most durations parse.
    let message =
        || format!("invalid {what} `{text}`: expected a duration such as 300ms, 10s, 5m or 1h30m");
    match parse_duration(text) {
        Ok(ms) => Ok(ms),
        Err(ParseError::Range(e)) => Err(Problem {
            offset: None,
            message: message(),
            label: range_label(e, "a duration"),
            help: match e {
                RangeError::TooLarge => "a duration is at most 2^63 - 1 nanoseconds (about 292 years), as in Go and Kubernetes".to_string(),
                _ => "a duration is a number and a unit: 300ms, 10s, 5m, 1h".to_string(),
            },
        }),
        Err(ParseError::Syntax(e)) => {
            let (label, help) = duration_problem(text, e.offset, e.message);
            Err(Problem {
                offset: Some(e.offset),
                message: message(),
                label,
                help,
            })
        }
    }
}

const DURATION_UNITS: &str = "ns, us, ms, s, m or h";

/// The label and help for a duration that breaks at `offset`: name the
/// word that is not a unit, and suggest the unit that was meant.
fn duration_problem(text: &str, offset: usize, fallback: String) -> (String, String) {
    let general = || {
        "a duration is a number and a unit (ns, us, ms, s, m, h), or several as in 1h30m"
            .to_string()
    };
    if text.starts_with('-') {
        return (
            "a duration cannot be negative".to_string(),
            "write a positive duration such as 10s".to_string(),
        );
    }
    let bytes = text.as_bytes();
    if !text.is_empty() && bytes.iter().all(|b| b.is_ascii_digit() || *b == b'.') {
        return (
            "expected a unit after the number".to_string(),
            format!("add a unit: `{text}s` for seconds, `{text}ms` for milliseconds"),
        );
    }
    // The unit word around the offset: from the end of the number before it
    // to the end of the letters after it, skipping one space.
    let Some(before) = text.get(..offset.min(text.len())) else {
        return (fallback, general());
    };
    let word_start = before
        .rfind(|c: char| c.is_ascii_digit() || c == '.')
        .map_or(0, |i| i + 1);
    let word: String = text[word_start..]
        .trim_start()
        .chars()
        .take_while(|c| c.is_alphabetic())
        .collect();
    if word.is_empty() {
        return (fallback, general());
    }
    let number = text[..word_start].trim();
    let meant = match word.to_ascii_lowercase().as_str() {
        "sec" | "secs" | "second" | "seconds" => Some("s"),
        "min" | "mins" | "minute" | "minutes" => Some("m"),
        "hr" | "hrs" | "hour" | "hours" => Some("h"),
        "msec" | "msecs" | "millis" | "milliseconds" => Some("ms"),
        _ => None,
    };
    let label = format!("`{word}` is not a unit: expected {DURATION_UNITS}");
    let help = match meant {
        Some(unit) if !number.is_empty() => format!("did you mean `{number}{unit}`?"),
        _ if matches!(word.to_ascii_lowercase().as_str(), "d" | "day" | "days") => {
            "there is no unit for days: write hours, such as 24h".to_string()
        }
        _ => general(),
    };
    (label, help)
}

/// A container's CPU or memory: the value and, when written, where.
#[derive(Debug, Clone, Copy)]
pub(super) struct Resource<'a> {
    pub value: Quantity,
    pub written: Option<&'a Spanned<Scalar>>,
}

impl Resource<'_> {
    /// The value as written (`500m`, `0.5`), or the default.
    pub fn shown(&self, kind: QuantityKind) -> String {
        match (self.written, kind) {
            (Some(w), QuantityKind::Memory) if w.value.is_number => show_bytes(self.value),
            (Some(w), _) => w.value.text.clone(),
            (None, QuantityKind::Cpu) => defaults::CONTAINER_CPU.to_string(),
            (None, QuantityKind::Memory) => defaults::CONTAINER_MEMORY.to_string(),
        }
    }
}

/// The container's CPU (`None` when it does not parse: `invalid-quantity`
/// reports it), the default 50m when not set.
pub(super) fn container_cpu(container: &Container) -> Option<Resource<'_>> {
    container_resource(
        container.resources.cpu.as_ref(),
        QuantityKind::Cpu,
        defaults::CONTAINER_CPU,
    )
}

/// The container's memory, the default 128Mi when not set.
pub(super) fn container_memory(container: &Container) -> Option<Resource<'_>> {
    container_resource(
        container.resources.memory.as_ref(),
        QuantityKind::Memory,
        defaults::CONTAINER_MEMORY,
    )
}

fn container_resource<'a>(
    written: Option<&'a Spanned<Scalar>>,
    kind: QuantityKind,
    default: &str,
) -> Option<Resource<'a>> {
    match written {
        Some(w) => parse_resource(kind, &w.value).ok().map(|value| Resource {
            value,
            written: Some(w),
        }),
        None => parse_quantity(default).ok().map(|value| Resource {
            value,
            written: None,
        }),
    }
}

/// Where a finding about a container with nothing better to point at goes.
pub(super) fn container_anchor(container: &Container) -> Span {
    container.name.as_ref().map_or(container.span, |n| n.span)
}

/// `name` of container `api`, or `a container` when it has no name.
pub(super) fn container_label(container: &Container) -> String {
    match container.name() {
        Some(name) => format!("container `{name}`"),
        None => "this container".to_string(),
    }
}

/// A port a workload uses: a container's exposed port, or the port of an
/// HTTP or TCP probe.
#[derive(Debug, Clone, Copy)]
pub(super) struct PortUse<'a> {
    pub port: &'a Spanned<i64>,
    /// `readiness`, `liveness` or `startup` for a probe's port.
    pub probe: Option<&'static str>,
}

impl PortUse<'_> {
    /// `port 8080` or `readiness probe port 8080`.
    pub fn describe(&self) -> String {
        match self.probe {
            Some(probe) => format!("{probe} probe port {}", self.port.value),
            None => format!("port {}", self.port.value),
        }
    }
}

/// Every port number a workload uses, once, where it first appears: the
/// containers' exposed ports in order, then the probes' ports that no
/// container exposes. A port exposed twice is `duplicate-name`'s, and a
/// probe on an exposed port is covered by the finding on that port.
pub(super) fn port_uses(workload: &Workload) -> Vec<PortUse<'_>> {
    let mut seen = std::collections::BTreeSet::new();
    let mut uses = Vec::new();
    for container in &workload.containers {
        for port in &container.ports {
            if seen.insert(port.port.value) {
                uses.push(PortUse {
                    port: &port.port,
                    probe: None,
                });
            }
        }
    }
    for container in &workload.containers {
        for (name, probe) in container.probes.iter() {
            if let Some(port) = probe.action.as_ref().and_then(|a| a.port())
                && seen.insert(port.value)
            {
                uses.push(PortUse {
                    port,
                    probe: Some(name),
                });
            }
        }
    }
    uses
}

/// Whether a port number is one at all.
pub(super) fn in_port_range(port: i64) -> bool {
    (1..=65535).contains(&port)
}

/// Bytes in the largest binary unit that keeps them whole, `bytes` added
/// when there is no unit.
pub(super) fn show_bytes(q: Quantity) -> String {
    let shown = format_bytes(q);
    if shown.ends_with(|c: char| c.is_ascii_digit()) {
        format!("{shown} bytes")
    } else {
        shown
    }
}

/// Cores as millicores: `500m`.
pub(super) fn show_millicores(cores: Quantity) -> String {
    format_millicores(cores)
}

/// Runs the whole checker over one file and keeps the findings of `rule`
/// as `(line, message)`, for the rules' own tests.
#[cfg(test)]
pub(super) fn findings(text: &str, rule: &str) -> Vec<(u32, String)> {
    let (db, outcome) = crate::testing::check_files(&[("shop.yaml", text)], true);
    outcome
        .diagnostics
        .iter()
        .filter(|d| d.rule == rule)
        .map(|d| (db.range(d.span).0.line, d.message.clone()))
        .collect()
}

/// A workload `api` whose first container ends with `rest`, indented as
/// the container's fields.
#[cfg(test)]
pub(super) fn workload(rest: &str) -> String {
    format!(
        "apiVersion: landfall.dev/v1
kind: Workload
metadata: {{name: api, application: shop}}
spec:
  type: standard
  containers:
    - name: api
      image: registry.example.com/shop/api:2.4.2
{rest}"
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn string(text: &str) -> Scalar {
        Scalar {
            text: text.to_string(),
            is_number: false,
        }
    }

    fn number(text: &str) -> Scalar {
        Scalar {
            text: text.to_string(),
            is_number: true,
        }
    }

    fn int(value: i64) -> Quantity {
        Quantity::from_int(value)
    }

    #[test]
    fn cpu_accepts_cores_and_millicores() {
        let millicores =
            |t| parse_resource(QuantityKind::Cpu, &string(t)).map(|q| q.scaled(3).unwrap());
        assert_eq!(millicores("500m"), Ok(int(500)));
        assert_eq!(millicores("2"), Ok(int(2000)));
        assert_eq!(millicores("0.25"), Ok(int(250)));
        assert_eq!(millicores("5e-1"), Ok(int(500)));
        let n = parse_resource(QuantityKind::Cpu, &number("0.1")).unwrap();
        assert_eq!(n.scaled(3), Ok(int(100)));
    }

    #[test]
    fn cpu_rejects_memory_units_at_the_unit() {
        let e = parse_resource(QuantityKind::Cpu, &string("1Gi")).unwrap_err();
        assert_eq!(e.offset, Some(1));
        assert_eq!(e.label, "`Gi` is a memory unit");
        let e = parse_resource(QuantityKind::Cpu, &string("1Ei")).unwrap_err();
        assert_eq!(e.label, "`Ei` is a memory unit");
        let e = parse_resource(QuantityKind::Cpu, &string("1E")).unwrap_err();
        assert_eq!(e.label, "`E` is a memory unit");
        assert!(parse_resource(QuantityKind::Cpu, &string("1E-1")).is_ok());
        let e = parse_resource(QuantityKind::Cpu, &string("500mm")).unwrap_err();
        assert_eq!(e.offset, Some(4));
        let e = parse_resource(QuantityKind::Cpu, &string("8 cores")).unwrap_err();
        assert!(e.help.starts_with("did you mean `8`?"), "{}", e.help);
        let e = parse_resource(QuantityKind::Cpu, &string("250millicores")).unwrap_err();
        assert!(e.help.starts_with("did you mean `250m`?"), "{}", e.help);
        let e = parse_resource(QuantityKind::Cpu, &string("half")).unwrap_err();
        assert_eq!(e.offset, Some(0));
    }

    #[test]
    fn memory_in_millibytes_is_reported() {
        let e = parse_resource(QuantityKind::Memory, &string("500m")).unwrap_err();
        assert_eq!(e.offset, Some(3));
        assert_eq!(e.message, "memory in millibytes: did you mean 500Mi?");
    }

    #[test]
    fn memory_units_are_suggested() {
        let help = |t| parse_resource(QuantityKind::Memory, &string(t)).unwrap_err();
        let e = help("512MB");
        assert_eq!(e.offset, Some(4));
        assert!(
            e.help
                .starts_with("did you mean `512Mi` (or `512M` in powers of 1000)?"),
            "{}",
            e.help
        );
        assert!(help("1gb").help.starts_with("did you mean `1Gi` (or `1G`"));
        assert!(help("1kb").help.starts_with("did you mean `1Ki` (or `1k`"));
        assert!(help("512MiB").help.starts_with("did you mean `512Mi`?"));
        assert!(help("1K").help.starts_with("did you mean `1Ki` (or `1k`"));
        assert!(help("512 Mi").help.starts_with("did you mean `512Mi`?"));
        assert!(help("64B").help.starts_with("did you mean `64`?"));
        assert!(help("lots").help.starts_with("memory units"));
        assert!(help("1x").help.starts_with("memory units"));
    }

    #[test]
    fn memory_accepts_kubernetes_quantities() {
        let mem = |t| parse_resource(QuantityKind::Memory, &string(t));
        assert_eq!(mem("512Mi"), Ok(int(536_870_912)));
        assert_eq!(mem("129e6"), Ok(int(129_000_000)));
        assert_eq!(mem("1G"), Ok(int(1_000_000_000)));
        assert_eq!(mem("16.001G"), Ok(int(16_001_000_000)));
        assert!(parse_resource(QuantityKind::Memory, &number("1024")).is_ok());
    }

    #[test]
    fn values_out_of_range_are_reported_whole() {
        let e = parse_resource(QuantityKind::Memory, &string("1e999")).unwrap_err();
        assert_eq!(e.offset, None);
        assert_eq!(e.label, "too large to be a quantity");
        let e = parse_resource(QuantityKind::Memory, &string("9223372036854775808")).unwrap_err();
        assert_eq!(e.label, "too large to be a quantity");
        assert!(e.help.contains("2^63 - 1"), "{}", e.help);
        assert!(parse_resource(QuantityKind::Memory, &string("9223372036854775807")).is_ok());
        let e = parse_resource(QuantityKind::Memory, &string("1e-1001")).unwrap_err();
        assert_eq!(e.label, "too small to be a quantity");
        let e = parse_resource(
            QuantityKind::Cpu,
            &string(&format!("1.{}1", "0".repeat(37))),
        )
        .unwrap_err();
        assert_eq!(e.label, "more than 38 significant digits");
        let e = parse_resource(QuantityKind::Cpu, &number("inf")).unwrap_err();
        assert_eq!(e.offset, None);
        // A memory unit on a CPU says so, however large.
        let e = parse_resource(QuantityKind::Cpu, &string("9Ei")).unwrap_err();
        assert_eq!(e.label, "`Ei` is a memory unit");
        let e = parse_duration_value("timeout", &string("2562048h")).unwrap_err();
        assert_eq!(
            (e.offset, e.label.as_str()),
            (None, "too large to be a duration")
        );
        assert!(parse_duration_value("timeout", &string("2562047h")).is_ok());
    }

    #[test]
    fn durations() {
        assert_eq!(
            parse_duration_value("timeout", &string("1h30m")),
            Ok(int(5_400_000))
        );
        assert_eq!(
            parse_duration_value("timeout", &string("0.1s")),
            Ok(int(100))
        );
        let e = parse_duration_value("timeout", &string("30")).unwrap_err();
        assert_eq!(e.offset, Some(2));
        assert!(e.help.contains("`30s`"));
        let e = parse_duration_value("timeout", &string("2d")).unwrap_err();
        assert_eq!(e.offset, Some(1));
        assert!(e.help.contains("24h"), "{}", e.help);
        let e = parse_duration_value("timeout", &string("5sec")).unwrap_err();
        assert_eq!(e.offset, Some(2));
        assert_eq!(
            e.label,
            "`sec` is not a unit: expected ns, us, ms, s, m or h"
        );
        assert_eq!(e.help, "did you mean `5s`?");
        let e = parse_duration_value("timeout", &string("5 min")).unwrap_err();
        assert_eq!(e.help, "did you mean `5m`?");
        let e = parse_duration_value("timeout", &string("1h30 minutes")).unwrap_err();
        assert_eq!(e.help, "did you mean `1h30m`?");
        let e = parse_duration_value("timeout", &string("-5s")).unwrap_err();
        assert_eq!(e.label, "a duration cannot be negative");
        let e = parse_duration_value("timeout", &string("soon")).unwrap_err();
        assert_eq!(e.offset, Some(0));
    }

    #[test]
    fn showing_values() {
        let q = |t| parse_quantity(t).unwrap();
        assert_eq!(show_bytes(q("512")), "512 bytes");
        assert_eq!(show_bytes(q("1048576")), "1Mi");
        assert_eq!(show_bytes(q("16.001G")), "16001000000 bytes");
        assert_eq!(show_bytes(q("0.5")), "0.5 bytes");
        assert_eq!(show_millicores(q("0.064")), "64m");
        assert_eq!(show_millicores(q("0.0645")), "64.5m");
        assert_eq!(
            show_millicores(q("9223372036854775807")),
            "9223372036854775807000m"
        );
        assert_eq!(show_millicores(q("-1")), "-1000m");
    }
}
