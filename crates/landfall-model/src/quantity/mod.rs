//! Kubernetes quantities (`500m`, `0.5`, `512Mi`, `129e6`) and durations
//! (`300ms`, `1h30m`), parsed exactly into [`Quantity`]s, exact decimals:
//! no float is ever on the way from the text to bytes, millicores or
//! milliseconds. A syntax error names the byte offset of the character
//! that breaks the syntax; a value past what a quantity or duration holds
//! is a [`RangeError`].

mod decimal;
#[cfg(test)]
mod tests;

pub use decimal::{MAX_DIGITS, Quantity, RangeError, Rounding, WholeError};

use decimal::{from_digits, times_power_of_two};

/// Why a quantity or duration does not parse: `offset` is the byte offset
/// in the text of the first character that cannot be part of it.
#[derive(Debug, Clone, PartialEq)]
pub struct SyntaxError {
    pub offset: usize,
    pub message: String,
}

/// Why a text is not a quantity or a duration.
#[derive(Debug, Clone, PartialEq)]
pub enum ParseError {
    /// It is not written as one.
    Syntax(SyntaxError),
    /// It is written as one, but its value is out of range.
    Range(RangeError),
}

impl From<RangeError> for ParseError {
    fn from(e: RangeError) -> Self {
        ParseError::Range(e)
    }
}

/// The largest quantity Kubernetes holds, 2^63 - 1 (in the quantity's
/// base unit: cores, bytes); a larger one is [`RangeError::TooLarge`].
pub const MAX_QUANTITY: Quantity = Quantity::from_int(i64::MAX);

/// The longest duration Go and Kubernetes hold, 2^63 - 1 nanoseconds, in
/// milliseconds.
pub fn max_duration_ms() -> Quantity {
    Quantity::from_int(i64::MAX)
        .scaled(-6)
        .expect("a small exponent is in range")
}

/// Decimal suffixes and their powers of ten.
const DECIMAL_SUFFIXES: [(&str, i64); 7] = [
    ("m", -3),
    ("k", 3),
    ("M", 6),
    ("G", 9),
    ("T", 12),
    ("P", 15),
    ("E", 18),
];

/// Binary suffixes and their powers of two.
const BINARY_SUFFIXES: [(&str, u32); 6] = [
    ("Ki", 10),
    ("Mi", 20),
    ("Gi", 30),
    ("Ti", 40),
    ("Pi", 50),
    ("Ei", 60),
];

/// `<signedNumber><suffix>` with suffix one of `Ki Mi Gi Ti Pi Ei`,
/// `m k M G T P E` or nothing, or an exponent `e<n>`/`E<n>`. The value
/// is in the base unit (cores, bytes), exact; beyond 2^63 - 1 in
/// magnitude it is [`RangeError::TooLarge`], as in Kubernetes.
pub fn parse_quantity(text: &str) -> Result<Quantity, ParseError> {
    let bytes = text.as_bytes();
    if text.is_empty() {
        return Err(syntax(0, "a quantity cannot be empty"));
    }
    let mut i = 0;
    let negative = bytes[0] == b'-';
    if matches!(bytes[0], b'+' | b'-') {
        i += 1;
    }
    let int_start = i;
    while i < bytes.len() && bytes[i].is_ascii_digit() {
        i += 1;
    }
    let int = &text[int_start..i];
    let mut frac = "";
    if i < bytes.len() && bytes[i] == b'.' {
        i += 1;
        let frac_start = i;
        while i < bytes.len() && bytes[i].is_ascii_digit() {
            i += 1;
        }
        frac = &text[frac_start..i];
    }
    if int.is_empty() && frac.is_empty() {
        return Err(syntax(i.min(text.len()), "expected a number"));
    }
    let suffix = &text[i..];
    let value = if suffix.is_empty() {
        from_digits(negative, int, frac, 0)?
    } else if let Some(&(_, power)) = DECIMAL_SUFFIXES.iter().find(|(s, _)| *s == suffix) {
        from_digits(negative, int, frac, power)?
    } else if let Some(&(_, power)) = BINARY_SUFFIXES.iter().find(|(s, _)| *s == suffix) {
        times_power_of_two(from_digits(negative, int, frac, 0)?, power)?
    } else if suffix.starts_with(['e', 'E']) {
        let exponent = &suffix[1..];
        let digits = exponent.strip_prefix(['+', '-']).unwrap_or(exponent);
        if let Some(bad) = digits.bytes().position(|b| !b.is_ascii_digit()) {
            let at = i + 1 + (exponent.len() - digits.len()) + bad;
            return Err(syntax(at, "expected the digits of an exponent"));
        }
        if digits.is_empty() {
            return Err(syntax(text.len(), "expected the digits of an exponent"));
        }
        // Saturating: an exponent past any range is out of range as a
        // whole, unless the number is zero.
        let magnitude = digits.bytes().fold(0i64, |n, b| {
            n.saturating_mul(10).saturating_add(i64::from(b - b'0'))
        });
        let exponent = if exponent.starts_with('-') {
            -magnitude
        } else {
            magnitude
        };
        from_digits(negative, int, frac, exponent)?
    } else {
        // Point at the first character that no suffix starts with, or
        // at the character that makes a known suffix unknown.
        let longest = DECIMAL_SUFFIXES
            .iter()
            .map(|(s, _)| *s)
            .chain(BINARY_SUFFIXES.iter().map(|(s, _)| *s))
            .filter(|k| suffix.starts_with(k))
            .map(str::len)
            .max()
            .unwrap_or(0);
        return Err(syntax(
            i + longest,
            "expected a unit: m, k, M, G, T, P, E, Ki, Mi, Gi, Ti, Pi, Ei or an exponent like e6",
        ));
    };
    if value > MAX_QUANTITY || value < -MAX_QUANTITY {
        return Err(ParseError::Range(RangeError::TooLarge));
    }
    Ok(value)
}

/// A duration in milliseconds, exact: one or more `<number><unit>` with
/// units `ns us µs ms s m h`, as Go and Kubernetes write them (`1h30m`,
/// `2.5s`). Past 2^63 - 1 nanoseconds it is [`RangeError::TooLarge`].
pub fn parse_duration(text: &str) -> Result<Quantity, ParseError> {
    if text.is_empty() {
        return Err(syntax(0, "a duration cannot be empty"));
    }
    let mut total = Quantity::ZERO;
    let mut rest = text;
    while !rest.is_empty() {
        let at = text.len() - rest.len();
        let number_len = rest
            .bytes()
            .take_while(|b| b.is_ascii_digit() || *b == b'.')
            .count();
        let number = &rest[..number_len];
        // Digits with at most one point, and at least one digit.
        let (int, frac) = number.split_once('.').unwrap_or((number, ""));
        if number_len == 0 || frac.contains('.') || int.len() + frac.len() == 0 {
            return Err(syntax(at, "expected a number"));
        }
        rest = &rest[number_len..];
        let unit_at = text.len() - rest.len();
        // The unit in milliseconds: `mantissa × 10^exponent`.
        let (unit_len, (mantissa, exponent)) = if rest.starts_with("ms") {
            (2, (1, 0))
        } else if rest.starts_with("ns") {
            (2, (1, -6))
        } else if rest.starts_with("us") {
            (2, (1, -3))
        } else if rest.starts_with("µs") {
            ("µs".len(), (1, -3))
        } else if rest.starts_with('s') {
            (1, (1, 3))
        } else if rest.starts_with('m') {
            (1, (6, 4))
        } else if rest.starts_with('h') {
            (1, (36, 5))
        } else {
            let message = if rest.is_empty() {
                "expected a unit: ms, s, m or h"
            } else {
                "not a unit: expected ms, s, m or h"
            };
            return Err(syntax(unit_at, message));
        };
        let unit = Quantity::new(mantissa, exponent)?;
        let term = from_digits(false, int, frac, 0)?.checked_mul(unit)?;
        total = total.checked_add(term)?;
        rest = &rest[unit_len..];
    }
    if total > max_duration_ms() {
        return Err(ParseError::Range(RangeError::TooLarge));
    }
    Ok(total)
}

fn syntax(offset: usize, message: &str) -> ParseError {
    ParseError::Syntax(SyntaxError {
        offset,
        message: message.to_string(),
    })
}

/// Cores as millicores: `0.064` as `64m`, `0.0645` as `64.5m`.
pub fn format_millicores(cores: Quantity) -> String {
    match cores.scaled(3) {
        Ok(millicores) => format!("{millicores}m"),
        // Only at the very end of the exponent range.
        Err(_) => format!("{cores}"),
    }
}

/// Bytes as the largest binary unit that keeps them whole (`512Mi`), else
/// as a number (`1000`, `0.5`).
pub fn format_bytes(bytes: Quantity) -> String {
    if let Some(n) = bytes.to_i128() {
        for &(unit, power) in BINARY_SUFFIXES.iter().rev() {
            let size = 1i128 << power;
            if n >= size && n % size == 0 {
                return format!("{}{unit}", n / size);
            }
        }
    }
    bytes.to_string()
}
