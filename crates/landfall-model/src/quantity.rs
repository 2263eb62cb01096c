//! Kubernetes quantities (`500m`, `0.5`, `512Mi`, `129e6`) and durations
//! (`300ms`, `1h30m`), parsed exactly; an error names the byte offset of
//! the character that breaks the syntax.

/// Why a quantity or duration does not parse: `offset` is the byte offset
/// in the text of the first character that cannot be part of it.
#[derive(Debug, Clone, PartialEq)]
pub struct SyntaxError {
    pub offset: usize,
    pub message: String,
}

/// A quantity's value in base units (cores for CPU, bytes for memory).
#[derive(Debug, Clone, Copy, PartialEq, PartialOrd)]
pub struct Quantity(pub f64);

impl Quantity {
    pub fn millicores(self) -> f64 {
        self.0 * 1000.0
    }

    pub fn mebibytes(self) -> f64 {
        self.0 / (1024.0 * 1024.0)
    }
}

/// `<signedNumber><suffix>` with suffix one of `Ki Mi Gi Ti Pi Ei`,
/// `m k M G T P E` or nothing, or an exponent `e<n>`/`E<n>`.
pub fn parse_quantity(text: &str) -> Result<Quantity, SyntaxError> {
    let bytes = text.as_bytes();
    if text.is_empty() {
        return Err(error(0, "a quantity cannot be empty"));
    }
    let mut i = 0;
    if matches!(bytes[0], b'+' | b'-') {
        i += 1;
    }
    let digits_start = i;
    while i < bytes.len() && bytes[i].is_ascii_digit() {
        i += 1;
    }
    let int_digits = i - digits_start;
    let mut frac_digits = 0;
    if i < bytes.len() && bytes[i] == b'.' {
        i += 1;
        let frac_start = i;
        while i < bytes.len() && bytes[i].is_ascii_digit() {
            i += 1;
        }
        frac_digits = i - frac_start;
    }
    if int_digits + frac_digits == 0 {
        return Err(error(i.min(text.len()), "expected a number"));
    }
    let number: f64 = text[..i]
        .parse()
        .map_err(|_| error(digits_start, "expected a number"))?;
    let suffix = &text[i..];
    let multiplier = match suffix {
        "" => 1.0,
        "m" => 1e-3,
        "k" => 1e3,
        "M" => 1e6,
        "G" => 1e9,
        "T" => 1e12,
        "P" => 1e15,
        "E" => 1e18,
        "Ki" => 1024.0,
        "Mi" => 1024.0_f64.powi(2),
        "Gi" => 1024.0_f64.powi(3),
        "Ti" => 1024.0_f64.powi(4),
        "Pi" => 1024.0_f64.powi(5),
        "Ei" => 1024.0_f64.powi(6),
        _ if suffix.starts_with(['e', 'E']) => {
            let exponent = &suffix[1..];
            let digits = exponent.strip_prefix(['+', '-']).unwrap_or(exponent);
            if let Some(bad) = digits.bytes().position(|b| !b.is_ascii_digit()) {
                let at = i + 1 + (exponent.len() - digits.len()) + bad;
                return Err(error(at, "expected the digits of an exponent"));
            }
            if digits.is_empty() {
                return Err(error(text.len(), "expected the digits of an exponent"));
            }
            let exponent: i32 = exponent
                .parse()
                .map_err(|_| error(i + 1, "exponent out of range"))?;
            10f64.powi(exponent)
        }
        _ => {
            // Point at the first character that no suffix starts with, or
            // at the character that makes a known suffix unknown.
            let known = [
                "m", "k", "M", "G", "T", "P", "E", "Ki", "Mi", "Gi", "Ti", "Pi", "Ei",
            ];
            let longest = known
                .iter()
                .filter(|k| suffix.starts_with(*k))
                .map(|k| k.len())
                .max()
                .unwrap_or(0);
            return Err(error(
                i + longest,
                "expected a unit: m, k, M, G, T, P, E, Ki, Mi, Gi, Ti, Pi, Ei or an exponent like e6",
            ));
        }
    };
    Ok(Quantity(number * multiplier))
}

/// A duration in milliseconds: one or more `<number><unit>` with units
/// `ns us µs ms s m h`, as Go and Kubernetes write them (`1h30m`, `2.5s`).
pub fn parse_duration(text: &str) -> Result<f64, SyntaxError> {
    if text.is_empty() {
        return Err(error(0, "a duration cannot be empty"));
    }
    let mut total = 0.0;
    let mut rest = text;
    while !rest.is_empty() {
        let at = text.len() - rest.len();
        let number_len = rest
            .bytes()
            .take_while(|b| b.is_ascii_digit() || *b == b'.')
            .count();
        if number_len == 0 {
            return Err(error(at, "expected a number"));
        }
        let number: f64 = rest[..number_len]
            .parse()
            .map_err(|_| error(at, "expected a number"))?;
        rest = &rest[number_len..];
        let unit_at = text.len() - rest.len();
        let (unit_len, millis) = if rest.starts_with("ms") {
            (2, 1.0)
        } else if rest.starts_with("ns") {
            (2, 1e-6)
        } else if rest.starts_with("us") {
            (2, 1e-3)
        } else if rest.starts_with("µs") {
            ("µs".len(), 1e-3)
        } else if rest.starts_with('s') {
            (1, 1000.0)
        } else if rest.starts_with('m') {
            (1, 60_000.0)
        } else if rest.starts_with('h') {
            (1, 3_600_000.0)
        } else {
            let message = if rest.is_empty() {
                "expected a unit: ms, s, m or h"
            } else {
                "not a unit: expected ms, s, m or h"
            };
            return Err(error(unit_at, message));
        };
        total += number * millis;
        rest = &rest[unit_len..];
    }
    Ok(total)
}

fn error(offset: usize, message: &str) -> SyntaxError {
    SyntaxError {
        offset,
        message: message.to_string(),
    }
}

/// `1500` millicores as `1500m`, `64.5` as `64.5m`.
pub fn format_millicores(millicores: f64) -> String {
    format!("{}m", trim(millicores))
}

/// Bytes as the largest binary unit that keeps it whole: `512Mi`.
pub fn format_bytes(bytes: f64) -> String {
    for (unit, size) in [
        ("Ei", 1024f64.powi(6)),
        ("Pi", 1024f64.powi(5)),
        ("Ti", 1024f64.powi(4)),
        ("Gi", 1024f64.powi(3)),
        ("Mi", 1024f64.powi(2)),
        ("Ki", 1024.0),
    ] {
        if bytes >= size && (bytes / size).fract() == 0.0 {
            return format!("{}{unit}", bytes / size);
        }
    }
    trim(bytes)
}

fn trim(value: f64) -> String {
    let rounded = (value * 1000.0).round() / 1000.0;
    if rounded.fract() == 0.0 {
        format!("{}", rounded as i64)
    } else {
        format!("{rounded}")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn quantities() {
        assert_eq!(parse_quantity("500m").unwrap().millicores(), 500.0);
        assert_eq!(parse_quantity("0.5").unwrap().millicores(), 500.0);
        assert_eq!(parse_quantity("2").unwrap().millicores(), 2000.0);
        assert_eq!(parse_quantity("512Mi").unwrap().mebibytes(), 512.0);
        assert_eq!(parse_quantity("129e6").unwrap().0, 129e6);
        assert_eq!(parse_quantity("1Gi").unwrap().0, 1073741824.0);
        assert_eq!(parse_quantity("1.5k").unwrap().0, 1500.0);
    }

    #[test]
    fn quantity_errors_point_at_the_breaking_character() {
        assert_eq!(parse_quantity("512Mb").unwrap_err().offset, 4);
        assert_eq!(parse_quantity("512MiB").unwrap_err().offset, 5);
        assert_eq!(parse_quantity("lots").unwrap_err().offset, 0);
        assert_eq!(parse_quantity("1e6x").unwrap_err().offset, 3);
        assert_eq!(parse_quantity("5 m").unwrap_err().offset, 1);
    }

    #[test]
    fn durations() {
        assert_eq!(parse_duration("300ms").unwrap(), 300.0);
        assert_eq!(parse_duration("10s").unwrap(), 10_000.0);
        assert_eq!(parse_duration("1h30m").unwrap(), 5_400_000.0);
        assert_eq!(parse_duration("1.5s").unwrap(), 1500.0);
        assert_eq!(parse_duration("10").unwrap_err().offset, 2);
        assert_eq!(parse_duration("10x").unwrap_err().offset, 2);
        assert_eq!(parse_duration("1h3d").unwrap_err().offset, 3);
    }

    #[test]
    fn formatting() {
        assert_eq!(format_millicores(64.0), "64m");
        assert_eq!(format_bytes(512.0 * 1024.0 * 1024.0), "512Mi");
        assert_eq!(format_bytes(1000.0), "1000");
    }
}
