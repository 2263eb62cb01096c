//! Plain scalars that a YAML 1.1 reader takes for something else than
//! YAML 1.2's core schema does, and what each version makes of them: the
//! `ambiguous-scalar` rule. Each reading follows YAML 1.1's own types
//! (`bool`, `int`, `float`) and the core schema's resolution table.

/// The two readings of one plain scalar, and how to write it so that
/// both versions agree.
#[derive(Debug, PartialEq)]
pub struct Ambiguity {
    /// What YAML 1.2 reads: `the string "NO"`, `the integer 755`.
    pub yaml12: String,
    /// What YAML 1.1 reads: `the boolean false`.
    pub yaml11: String,
    /// The advice, quoting the scalar exactly as it is written.
    pub help: String,
}

impl Ambiguity {
    /// The finding's message for the scalar written as `source`.
    pub fn message(&self, source: &str) -> String {
        format!(
            "`{source}` is {} in YAML 1.2 but {} in YAML 1.1",
            self.yaml12, self.yaml11
        )
    }
}

/// How YAML 1.1 reads the plain scalar `text` (written as `source`)
/// differently from YAML 1.2, if it does.
pub fn ambiguity(text: &str, source: &str) -> Option<Ambiguity> {
    // Every reading below starts with one of these: most scalars are
    // settled by their first byte.
    if !matches!(
        text.as_bytes().first()?,
        b'0'..=b'9' | b'+' | b'-' | b'y' | b'Y' | b'n' | b'N' | b'o' | b'O'
    ) {
        return None;
    }
    // Built only for the few scalars that are ambiguous.
    let quoted = || format!("\"{source}\"");
    let string = || format!("the string \"{text}\"");
    if let Some(value) = boolean(text) {
        return Some(Ambiguity {
            yaml12: string(),
            yaml11: format!("the boolean {value}"),
            help: format!(
                "quote it ({}) to mean the string; write the value itself to mean the other",
                quoted()
            ),
        });
    }
    let negative = text.starts_with('-');
    let unsigned = text.strip_prefix(['-', '+']).unwrap_or(text);
    let signed = |n: i128| if negative { -n } else { n };
    // A leading zero: YAML 1.2 reads decimal digits, YAML 1.1 octal ones,
    // and any other digits as no number at all.
    if unsigned.len() > 1
        && unsigned.starts_with('0')
        && unsigned.bytes().all(|b| b.is_ascii_digit())
    {
        let decimal = signed(unsigned.parse().ok()?);
        if !unsigned.bytes().all(|b| (b'0'..=b'7').contains(&b)) {
            return Some(Ambiguity {
                yaml12: format!("the integer {decimal}"),
                yaml11: string(),
                help: format!(
                    "write `{decimal}` to mean the number, or quote it ({}) to mean the string",
                    quoted()
                ),
            });
        }
        let octal = signed(i128::from_str_radix(unsigned, 8).ok()?);
        // `007` is 7 either way.
        if octal == decimal {
            return None;
        }
        return Some(Ambiguity {
            yaml12: format!("the integer {decimal}"),
            yaml11: format!("the integer {octal} ({text} read as octal)"),
            help: format!(
                "write `{octal}` or `{decimal}`, which both versions read alike, \
                 or quote it ({}) to mean the string",
                quoted()
            ),
        });
    }
    // The others are strings in YAML 1.2: its core schema has no binary,
    // base-60 or `_`-grouped numbers.
    let number = binary(unsigned)
        .map(|n| {
            (
                format!("the integer {} (binary)", signed(n)),
                signed(n).to_string(),
            )
        })
        .or_else(|| {
            let n = sexagesimal(unsigned)?;
            let n = if negative { -n } else { n };
            Some((format!("the base-60 number {n}"), n.to_string()))
        })
        .or_else(|| {
            let n = grouped(unsigned)?;
            let n = if negative { -n } else { n };
            Some((format!("the number {n}"), n.to_string()))
        });
    let (yaml11, value) = number?;
    Some(Ambiguity {
        yaml12: string(),
        yaml11,
        help: format!(
            "quote it ({}) to mean the string; write `{value}` to mean the number",
            quoted()
        ),
    })
}

/// YAML 1.1's booleans that YAML 1.2 reads as strings.
fn boolean(text: &str) -> Option<bool> {
    match text {
        "y" | "Y" | "yes" | "Yes" | "YES" | "on" | "On" | "ON" => Some(true),
        "n" | "N" | "no" | "No" | "NO" | "off" | "Off" | "OFF" => Some(false),
        _ => None,
    }
}

/// `0b[0-1_]+`, YAML 1.1's binary integers.
fn binary(unsigned: &str) -> Option<i128> {
    let bits = unsigned.strip_prefix("0b")?;
    if !bits.bytes().all(|b| matches!(b, b'0' | b'1' | b'_')) {
        return None;
    }
    i128::from_str_radix(&bits.replace('_', ""), 2).ok()
}

/// `[1-9][0-9_]*(:[0-5]?[0-9])+`, YAML 1.1's base-60 integers, and
/// `[0-9][0-9_]*(:[0-5]?[0-9])+\.[0-9_]*`, its base-60 floats.
fn sexagesimal(unsigned: &str) -> Option<f64> {
    if !unsigned.contains(':') {
        return None;
    }
    let (whole, fraction) = match unsigned.split_once('.') {
        Some((whole, fraction)) => (whole, Some(fraction)),
        None => (unsigned, None),
    };
    let mut parts = whole.split(':');
    let head = parts.next()?;
    let digits = |s: &str| !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit() || b == b'_');
    if !digits(head) || (fraction.is_none() && head.starts_with('0')) {
        return None;
    }
    let mut value: f64 = head.replace('_', "").parse().ok()?;
    let mut count = 0;
    for part in parts {
        if part.is_empty() || part.len() > 2 || !part.bytes().all(|b| b.is_ascii_digit()) {
            return None;
        }
        let n: f64 = part.parse().ok()?;
        if n >= 60.0 {
            return None;
        }
        value = value * 60.0 + n;
        count += 1;
    }
    if let Some(fraction) = fraction {
        if !fraction.bytes().all(|b| b.is_ascii_digit() || b == b'_') {
            return None;
        }
        let fraction = fraction.replace('_', "");
        if !fraction.is_empty() {
            value += format!("0.{fraction}").parse::<f64>().ok()?;
        }
    }
    (count > 0).then_some(value)
}

/// Numbers with `_` between digits: YAML 1.1's `[1-9][0-9_]*`,
/// `0[0-7_]+` (octal), `0x[0-9a-fA-F_]+` and `[0-9][0-9_]*\.[0-9_]*`.
fn grouped(unsigned: &str) -> Option<f64> {
    if !unsigned.contains('_') {
        return None;
    }
    let plain = unsigned.replace('_', "");
    if let Some(hex) = plain.strip_prefix("0x") {
        return i128::from_str_radix(hex, 16).ok().map(|n| n as f64);
    }
    if !unsigned.bytes().next()?.is_ascii_digit() {
        return None;
    }
    if let Some((whole, fraction)) = plain.split_once('.') {
        let digits = |s: &str| s.bytes().all(|b| b.is_ascii_digit());
        return (digits(whole) && digits(fraction))
            .then(|| plain.parse().ok())
            .flatten();
    }
    if !plain.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    if plain.starts_with('0') && plain.len() > 1 {
        return i128::from_str_radix(&plain, 8).ok().map(|n| n as f64);
    }
    plain.parse().ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn says(text: &str) -> Option<(String, String)> {
        ambiguity(text, text).map(|a| (a.message(text), a.help))
    }

    #[test]
    fn booleans_are_strings_in_yaml_1_2() {
        let (message, help) = says("NO").unwrap();
        assert_eq!(
            message,
            "`NO` is the string \"NO\" in YAML 1.2 but the boolean false in YAML 1.1"
        );
        assert_eq!(
            help,
            "quote it (\"NO\") to mean the string; write the value itself to mean the other"
        );
        assert!(says("Y").unwrap().0.contains("the boolean true"));
        assert!(says("off").unwrap().0.contains("the boolean false"));
    }

    #[test]
    fn a_leading_zero_is_decimal_in_yaml_1_2_and_octal_in_yaml_1_1() {
        let (message, help) = says("0755").unwrap();
        assert_eq!(
            message,
            "`0755` is the integer 755 in YAML 1.2 but the integer 493 (0755 read as octal) in YAML 1.1"
        );
        assert_eq!(
            help,
            "write `493` or `755`, which both versions read alike, or quote it (\"0755\") to mean the string"
        );
        assert!(
            says("-0755")
                .unwrap()
                .0
                .contains("integer -755 in YAML 1.2")
        );
        // Not octal in YAML 1.1, so not a number at all there.
        assert_eq!(
            says("089").unwrap().0,
            "`089` is the integer 89 in YAML 1.2 but the string \"089\" in YAML 1.1"
        );
        // The same number in both.
        assert_eq!(says("007"), None);
        assert_eq!(says("00"), None);
        assert_eq!(says("0"), None);
    }

    #[test]
    fn base_60_binary_and_grouped_numbers_are_strings_in_yaml_1_2() {
        let (message, help) = says("1:30").unwrap();
        assert_eq!(
            message,
            "`1:30` is the string \"1:30\" in YAML 1.2 but the base-60 number 90 in YAML 1.1"
        );
        assert_eq!(
            help,
            "quote it (\"1:30\") to mean the string; write `90` to mean the number"
        );
        assert!(says("12:30:00").unwrap().0.contains("base-60 number 45000"));
        assert!(says("-1:30").unwrap().0.contains("base-60 number -90"));
        assert!(says("1:30.5").unwrap().0.contains("base-60 number 90.5"));
        assert_eq!(says("10:70"), None);
        assert_eq!(says("01:30"), None);
        assert!(
            says("0b1010")
                .unwrap()
                .0
                .contains("the integer 10 (binary)")
        );
        assert!(says("1_000").unwrap().0.contains("the number 1000 in"));
        assert!(says("1_000.5").unwrap().0.contains("the number 1000.5 in"));
        assert!(says("0_17").unwrap().0.contains("the number 15 in"));
        assert_eq!(says("1_a"), None);
    }

    #[test]
    fn what_both_read_alike_is_not_ambiguous() {
        for text in ["true", "api", "8080", "0x1F", "1.5", "-12", "null", "2.4.2"] {
            assert_eq!(says(text), None, "{text}");
        }
    }
}
