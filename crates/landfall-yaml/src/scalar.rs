//! Scalar resolution with the YAML 1.2 core schema, and the YAML 1.1
//! readings that make a plain scalar ambiguous between the two.

use crate::node::Value;

/// Resolves a plain (untagged, unquoted) scalar as YAML 1.2 core does.
pub fn resolve_plain(text: &str) -> Value {
    match text {
        "" | "~" | "null" | "Null" | "NULL" => return Value::Null,
        "true" | "True" | "TRUE" => return Value::Bool(true),
        "false" | "False" | "FALSE" => return Value::Bool(false),
        ".inf" | ".Inf" | ".INF" | "+.inf" | "+.Inf" | "+.INF" => {
            return Value::Float(f64::INFINITY);
        }
        "-.inf" | "-.Inf" | "-.INF" => return Value::Float(f64::NEG_INFINITY),
        ".nan" | ".NaN" | ".NAN" => return Value::Float(f64::NAN),
        _ => {}
    }
    if let Some(int) = parse_int(text) {
        return int;
    }
    if is_core_float(text)
        && let Ok(f) = text.parse::<f64>()
    {
        return Value::Float(f);
    }
    Value::String(text.to_string())
}

fn parse_int(text: &str) -> Option<Value> {
    let (digits, radix) = if let Some(hex) = text.strip_prefix("0x") {
        (hex, 16)
    } else if let Some(oct) = text.strip_prefix("0o") {
        (oct, 8)
    } else {
        let unsigned = text.strip_prefix(['-', '+']).unwrap_or(text);
        if unsigned.is_empty() || !unsigned.bytes().all(|b| b.is_ascii_digit()) {
            return None;
        }
        // Beyond i64 the value is still a number, as every JSON reader sees it.
        return Some(
            text.parse::<i64>()
                .map(Value::Int)
                .unwrap_or_else(|_| Value::Float(text.parse().unwrap_or(f64::NAN))),
        );
    };
    if digits.is_empty() || !digits.chars().all(|c| c.is_digit(radix)) {
        return None;
    }
    Some(
        i64::from_str_radix(digits, radix)
            .map(Value::Int)
            .unwrap_or(Value::Float(f64::NAN)),
    )
}

/// `[-+]? ( \. [0-9]+ | [0-9]+ ( \. [0-9]* )? ) ( [eE] [-+]? [0-9]+ )?`
fn is_core_float(text: &str) -> bool {
    let bytes = text.as_bytes();
    let mut i = usize::from(matches!(bytes.first(), Some(b'-' | b'+')));
    let int_start = i;
    while i < bytes.len() && bytes[i].is_ascii_digit() {
        i += 1;
    }
    let int_digits = i - int_start;
    if i < bytes.len() && bytes[i] == b'.' {
        i += 1;
        let frac_start = i;
        while i < bytes.len() && bytes[i].is_ascii_digit() {
            i += 1;
        }
        if int_digits == 0 && i == frac_start {
            return false;
        }
    } else if int_digits == 0 {
        return false;
    }
    if i < bytes.len() && (bytes[i] == b'e' || bytes[i] == b'E') {
        i += 1;
        if i < bytes.len() && (bytes[i] == b'-' || bytes[i] == b'+') {
            i += 1;
        }
        let exp_start = i;
        while i < bytes.len() && bytes[i].is_ascii_digit() {
            i += 1;
        }
        if i == exp_start {
            return false;
        }
    }
    i == bytes.len()
}

/// What a YAML 1.1 reader makes of a plain scalar that YAML 1.2 reads
/// differently, if anything: `Some("the boolean true")` for `yes`.
pub fn yaml11_reading(text: &str) -> Option<String> {
    // Every reading below starts with one of these: most scalars are
    // settled by their first byte.
    if !matches!(
        text.as_bytes().first()?,
        b'0'..=b'9' | b'+' | b'-' | b'y' | b'Y' | b'n' | b'N' | b'o' | b'O'
    ) {
        return None;
    }
    match text {
        "y" | "Y" | "yes" | "Yes" | "YES" | "on" | "On" | "ON" => {
            return Some("the boolean true".to_string());
        }
        "n" | "N" | "no" | "No" | "NO" | "off" | "Off" | "OFF" => {
            return Some("the boolean false".to_string());
        }
        _ => {}
    }
    let unsigned = text.strip_prefix(['-', '+']).unwrap_or(text);
    // Octal: 0755 is 493 in YAML 1.1 and 755 in YAML 1.2.
    if unsigned.len() > 1
        && unsigned.starts_with('0')
        && unsigned.bytes().all(|b| b.is_ascii_digit())
    {
        return Some(if unsigned.bytes().all(|b| (b'0'..=b'7').contains(&b)) {
            let value = i64::from_str_radix(unsigned, 8).unwrap_or(0);
            format!("the octal number {value}")
        } else {
            "a number".to_string()
        });
    }
    // Binary: 0b1010.
    if let Some(bits) = unsigned.strip_prefix("0b")
        && !bits.is_empty()
        && bits.bytes().all(|b| b == b'0' || b == b'1' || b == b'_')
    {
        return Some("a binary number".to_string());
    }
    // Sexagesimal: 1:30 is 90 in YAML 1.1.
    if let Some(value) = sexagesimal(unsigned) {
        return Some(format!("the base-60 number {value}"));
    }
    // Digit grouping: 1_000 is 1000 in YAML 1.1.
    if unsigned.contains('_')
        && unsigned.bytes().next().is_some_and(|b| b.is_ascii_digit())
        && unsigned
            .bytes()
            .all(|b| b.is_ascii_digit() || b == b'_' || b == b'.')
    {
        return Some("a number".to_string());
    }
    None
}

/// `[1-9][0-9_]*(:[0-5]?[0-9])+` (optionally with a fraction), as YAML 1.1 ints and floats.
fn sexagesimal(text: &str) -> Option<String> {
    let mut parts = text.split(':');
    let head = parts.next()?;
    if head.is_empty()
        || head.starts_with('0')
        || !head.bytes().all(|b| b.is_ascii_digit() || b == b'_')
    {
        return None;
    }
    let mut value: f64 = head.replace('_', "").parse().ok()?;
    let mut count = 0;
    let rest: Vec<&str> = parts.collect();
    for (i, part) in rest.iter().enumerate() {
        let last = i + 1 == rest.len();
        let (whole, _) = if last {
            part.split_once('.').unwrap_or((part, ""))
        } else {
            (*part, "")
        };
        if whole.is_empty() || whole.len() > 2 || !whole.bytes().all(|b| b.is_ascii_digit()) {
            return None;
        }
        let n: f64 = part.parse().ok()?;
        if n >= 60.0 {
            return None;
        }
        value = value * 60.0 + n;
        count += 1;
    }
    (count > 0).then(|| value.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn core_schema_resolution() {
        assert_eq!(resolve_plain("8080"), Value::Int(8080));
        assert_eq!(resolve_plain("-12"), Value::Int(-12));
        assert_eq!(resolve_plain("0x1F"), Value::Int(31));
        assert_eq!(resolve_plain("0o17"), Value::Int(15));
        assert_eq!(resolve_plain("0.5"), Value::Float(0.5));
        assert_eq!(resolve_plain("129e6"), Value::Float(129e6));
        assert_eq!(resolve_plain("2.4.2"), Value::String("2.4.2".into()));
        assert_eq!(resolve_plain("yes"), Value::String("yes".into()));
        assert_eq!(resolve_plain("~"), Value::Null);
        assert_eq!(resolve_plain("True"), Value::Bool(true));
        assert_eq!(resolve_plain("512Mi"), Value::String("512Mi".into()));
        assert_eq!(resolve_plain("."), Value::String(".".into()));
        assert_eq!(resolve_plain("1e"), Value::String("1e".into()));
    }

    #[test]
    fn yaml11_ambiguities() {
        assert_eq!(yaml11_reading("Y").as_deref(), Some("the boolean true"));
        assert_eq!(yaml11_reading("off").as_deref(), Some("the boolean false"));
        assert_eq!(
            yaml11_reading("0755").as_deref(),
            Some("the octal number 493")
        );
        assert_eq!(
            yaml11_reading("1:30").as_deref(),
            Some("the base-60 number 90")
        );
        assert_eq!(yaml11_reading("1_000").as_deref(), Some("a number"));
        assert_eq!(yaml11_reading("0"), None);
        assert_eq!(yaml11_reading("true"), None);
        assert_eq!(yaml11_reading("10:70"), None);
        assert_eq!(yaml11_reading("api"), None);
        assert_eq!(
            yaml11_reading("12:30:00"),
            Some("the base-60 number 45000".into())
        );
    }
}
