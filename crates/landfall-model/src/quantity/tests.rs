use std::cmp::Ordering;
use std::fmt::Write;

use super::*;

fn q(text: &str) -> Quantity {
    parse_quantity(text).unwrap_or_else(|e| panic!("{text}: {e:?}"))
}

/// A decimal without the bound on quantities: `-12.5` as written.
fn exact(text: &str) -> Quantity {
    let (negative, digits) = match text.strip_prefix('-') {
        Some(rest) => (true, rest),
        None => (false, text),
    };
    let (whole, fraction) = digits.split_once('.').unwrap_or((digits, ""));
    from_digits(negative, whole, fraction, 0).unwrap()
}

fn int(value: i64) -> Quantity {
    Quantity::from_int(value)
}

fn bytes(text: &str) -> u64 {
    q(text).to_u64(Rounding::Up).unwrap()
}

fn millicores(text: &str) -> u64 {
    q(text).scaled(3).unwrap().to_u64(Rounding::Up).unwrap()
}

fn range_error(text: &str) -> RangeError {
    match parse_quantity(text) {
        Err(ParseError::Range(e)) => e,
        other => panic!("{text}: {other:?}"),
    }
}

fn syntax_offset(result: Result<Quantity, ParseError>) -> usize {
    match result {
        Err(ParseError::Syntax(e)) => e.offset,
        other => panic!("{other:?}"),
    }
}

/// Every `G` and `T` value with one to six decimals, for the integer
/// parts that matter most, against bytes computed in u128 from the digits:
/// `I.F` with `d` decimals and a suffix of `s` zeros is `I·10^s + F·10^(s-d)`.
/// One of these (`16.001G`, one byte too many) is what floats got wrong.
#[test]
fn every_g_and_t_value_with_up_to_six_decimals_is_exact() {
    let mut text = String::new();
    let mut checked = 0u64;
    for (suffix, zeros) in [("G", 9u32), ("T", 12)] {
        for whole in [0u128, 1, 15, 16, 63, 64] {
            for decimals in 1..=6u32 {
                for fraction in 0..10u128.pow(decimals) {
                    text.clear();
                    write!(
                        text,
                        "{whole}.{fraction:0width$}{suffix}",
                        width = decimals as usize
                    )
                    .unwrap();
                    let expected =
                        whole * 10u128.pow(zeros) + fraction * 10u128.pow(zeros - decimals);
                    let value = parse_quantity(&text).unwrap();
                    assert_eq!(value.to_i128(), Some(expected as i128), "{text}");
                    checked += 1;
                }
            }
        }
    }
    assert_eq!(checked, 2 * 6 * 1_111_110);
}

/// Every integer part from 0 to 64: every fraction of one to four
/// decimals and every 97th of five and six, checked through the whole
/// bytes lowering writes (and against digits written out as text).
#[test]
fn g_and_t_values_of_every_integer_part_to_64_are_exact() {
    let mut text = String::new();
    let mut digits = String::new();
    for (suffix, zeros) in [("G", 9usize), ("T", 12)] {
        for whole in 0..=64u64 {
            for decimals in 1..=6usize {
                let step = if decimals <= 4 { 1 } else { 97 };
                for fraction in (0..10u64.pow(decimals as u32)).step_by(step) {
                    text.clear();
                    write!(text, "{whole}.{fraction:0decimals$}{suffix}").unwrap();
                    // The digits with the point taken out and the suffix's
                    // zeros written in.
                    digits.clear();
                    write!(
                        digits,
                        "{whole}{fraction:0decimals$}{:0<pad$}",
                        "",
                        pad = zeros - decimals
                    )
                    .unwrap();
                    assert_eq!(bytes(&text), digits.parse::<u64>().unwrap(), "{text}");
                }
            }
        }
    }
}

#[test]
fn the_reported_value() {
    assert_eq!(bytes("16.001G"), 16_001_000_000);
    assert_eq!(q("16.001G"), int(16_001_000_000));
}

#[test]
fn binary_suffixes_are_exact_powers_of_1024() {
    assert_eq!(bytes("1Ki"), 1 << 10);
    assert_eq!(bytes("1Mi"), 1 << 20);
    assert_eq!(bytes("1Gi"), 1 << 30);
    assert_eq!(bytes("1Ti"), 1 << 40);
    assert_eq!(bytes("1Pi"), 1 << 50);
    assert_eq!(bytes("1Ei"), 1 << 60);
    assert_eq!(bytes("7Ei"), 7 << 60);
    assert_eq!(bytes("512Mi"), 536_870_912);
    assert_eq!(bytes("1.5Gi"), 1_610_612_736);
    assert_eq!(bytes("0.5Ki"), 512);
    assert_eq!(bytes("0.25Mi"), 262_144);
    // 102.4 bytes exactly, rounded up to a whole byte.
    assert_eq!(q("0.1Ki"), q("102.4"));
    assert_eq!(bytes("0.1Ki"), 103);
    // 1153433.6 exactly.
    assert_eq!(q("1.1Mi"), q("1153433.6"));
    // Mantissas ending in 5 stay short: 5^27 × 2^60 is 2^33 × 10^27.
    assert_eq!(
        times_power_of_two(q("7450580596923828125"), 60),
        Quantity::new(8_589_934_592, 27)
    );
    assert_eq!(q("1Gi"), q("1073741824"));
    assert_eq!(q("1Ki"), q("1.024k"));
}

#[test]
fn decimal_suffixes_and_exponents_are_powers_of_ten() {
    assert_eq!(bytes("1k"), 1_000);
    assert_eq!(bytes("1M"), 1_000_000);
    assert_eq!(bytes("1G"), 1_000_000_000);
    assert_eq!(bytes("1T"), 1_000_000_000_000);
    assert_eq!(bytes("1P"), 1_000_000_000_000_000);
    assert_eq!(bytes("1E"), 1_000_000_000_000_000_000);
    assert_eq!(bytes("129e6"), 129_000_000);
    assert_eq!(bytes("129E6"), 129_000_000);
    assert_eq!(bytes("1.5k"), 1_500);
    assert_eq!(bytes("+1.5k"), 1_500);
    assert_eq!(q("1e-3"), q("1m"));
    assert_eq!(q("0.001"), q("1m"));
    assert_eq!(q("5e-1"), q("500m"));
    assert_eq!(q("-1.5"), -q("1500m"));
    assert_eq!(q("0012.500"), q("12.5"));
    assert_eq!(q("1."), int(1));
    assert_eq!(q(".5"), q("0.5"));
}

#[test]
fn cpu_is_exact_in_millicores() {
    assert_eq!(millicores("500m"), 500);
    assert_eq!(millicores("0.5"), 500);
    assert_eq!(millicores("2"), 2000);
    assert_eq!(millicores("0.1"), 100);
    assert_eq!(millicores("0.3"), 300);
    assert_eq!(millicores("1.001"), 1001);
    assert_eq!(q("0.1").scaled(3).unwrap(), int(100));
}

#[test]
fn rounding_to_whole_units() {
    let up = |text: &str| q(text).to_u64(Rounding::Up).unwrap();
    let nearest = |text: &str| q(text).to_u64(Rounding::Nearest).unwrap();
    assert_eq!(up("100.5"), 101);
    assert_eq!(up("100.0000001"), 101);
    assert_eq!(up("100.000"), 100);
    assert_eq!(up("0.5"), 1);
    assert_eq!(up("1e-900"), 1);
    assert_eq!(up("0"), 0);
    assert_eq!(nearest("1.5"), 2);
    assert_eq!(nearest("2.5"), 3);
    assert_eq!(nearest("1.4999999"), 1);
    assert_eq!(nearest("0.5"), 1);
    assert_eq!(nearest("0.4"), 0);
    assert_eq!(nearest("1e-900"), 0);
    // A CPU below a millicore is a whole millicore.
    assert_eq!(millicores("0.0001"), 1);
    assert_eq!(millicores("100.5m"), 101);
    assert_eq!(
        q("-1").to_u64(Rounding::Up),
        Err(WholeError::Negative),
        "negative values have no whole units"
    );
    assert_eq!(q("-0.1").to_u64(Rounding::Up), Err(WholeError::Negative));
    assert_eq!(int(i64::MAX).to_u64(Rounding::Up), Ok(i64::MAX as u64));
    assert_eq!(
        int(i64::MAX).scaled(3).unwrap().to_u64(Rounding::Up),
        Err(WholeError::TooLarge)
    );
    assert_eq!(
        q("1e-3").scaled(40).unwrap().to_u64(Rounding::Up),
        Err(WholeError::TooLarge)
    );
}

#[test]
fn ceiling_and_floor() {
    assert_eq!(q("64.5").ceil(), int(65));
    assert_eq!(q("64.5").floor(), int(64));
    assert_eq!(q("-64.5").ceil(), int(-64));
    assert_eq!(q("-64.5").floor(), int(-65));
    assert_eq!(q("64").ceil(), int(64));
    assert_eq!(q("1e-900").ceil(), int(1));
    assert_eq!(q("1e-900").floor(), int(0));
    assert_eq!(q("-1e-900").ceil(), int(0));
    assert_eq!(q("-1e-900").floor(), int(-1));
    assert_eq!(q("0.12345678901234567890123456789012345678").ceil(), int(1));
    assert_eq!(
        exact("9999999999999999999.9999999999999999999").ceil(),
        exact("10000000000000000000")
    );
}

#[test]
fn values_out_of_range_are_errors_not_panics() {
    // Kubernetes' largest quantity is 2^63 - 1.
    assert_eq!(q("9223372036854775807"), int(i64::MAX));
    assert_eq!(q("-9223372036854775807"), -int(i64::MAX));
    assert_eq!(range_error("9223372036854775808"), RangeError::TooLarge);
    assert_eq!(range_error("8Ei"), RangeError::TooLarge);
    assert_eq!(range_error("9.3E"), RangeError::TooLarge);
    assert_eq!(range_error("1e19"), RangeError::TooLarge);
    assert_eq!(range_error("-1e19"), RangeError::TooLarge);
    assert_eq!(range_error("1e999"), RangeError::TooLarge);
    assert_eq!(range_error("1e99999999999"), RangeError::TooLarge);
    assert_eq!(
        range_error("1e999999999999999999999999"),
        RangeError::TooLarge
    );
    assert_eq!(range_error("1e-99999999999"), RangeError::TooSmall);
    assert_eq!(range_error("1e-1039"), RangeError::TooSmall);
    assert_eq!(q("0e99999999999"), Quantity::ZERO);
    assert_eq!(q("0.000e-99999999999"), Quantity::ZERO);
    // 38 significant digits hold; 39 do not, wherever the zeros are.
    assert!(parse_quantity("0.12345678901234567890123456789012345678").is_ok());
    assert!(parse_quantity(&format!("1.{}1", "0".repeat(36))).is_ok());
    assert_eq!(
        range_error("0.123456789012345678901234567890123456789"),
        RangeError::TooPrecise
    );
    assert_eq!(
        range_error(&format!("1.{}1", "0".repeat(37))),
        RangeError::TooPrecise
    );
    assert_eq!(
        range_error(&format!("1{}1", "0".repeat(37))),
        RangeError::TooPrecise
    );
    assert_eq!(
        range_error("1.234567890123456789012345678Ei"),
        RangeError::TooPrecise
    );
    // Trailing zeros are not significant.
    assert_eq!(q(&format!("1{}e-200", "0".repeat(200))), int(1));
}

#[test]
fn syntax_errors_point_at_the_breaking_character() {
    assert_eq!(syntax_offset(parse_quantity("512Mb")), 4);
    assert_eq!(syntax_offset(parse_quantity("512MiB")), 5);
    assert_eq!(syntax_offset(parse_quantity("lots")), 0);
    assert_eq!(syntax_offset(parse_quantity("1e6x")), 3);
    assert_eq!(syntax_offset(parse_quantity("1e")), 2);
    assert_eq!(syntax_offset(parse_quantity("5 m")), 1);
    assert_eq!(syntax_offset(parse_quantity("")), 0);
    assert_eq!(syntax_offset(parse_quantity("-")), 1);
    assert_eq!(syntax_offset(parse_quantity(".")), 1);
    assert_eq!(syntax_offset(parse_quantity("1.2.3")), 3);
}

#[test]
fn durations_are_exact_milliseconds() {
    let ms = |text: &str| parse_duration(text).unwrap_or_else(|e| panic!("{text}: {e:?}"));
    assert_eq!(ms("300ms"), int(300));
    assert_eq!(ms("10s"), int(10_000));
    assert_eq!(ms("1h30m"), int(5_400_000));
    assert_eq!(ms("1.5s"), int(1500));
    assert_eq!(ms("0.1s"), int(100));
    assert_eq!(ms("2.5m"), int(150_000));
    assert_eq!(ms("300us"), q("0.3"));
    assert_eq!(ms("300µs"), q("0.3"));
    assert_eq!(ms("1ns"), q("0.000001"));
    assert_eq!(ms("1h0.001s"), q("3600001"));
    assert_eq!(ms("1.ms"), int(1));
    assert_eq!(ms(".5s"), int(500));
    // Go's longest duration, 2^63 - 1 ns, is about 2562047.79 hours.
    assert!(parse_duration("2562047h").is_ok());
    assert_eq!(ms("9223372036854775807ns"), max_duration_ms());
    for too_long in [
        "2562048h",
        "9223372036854775808ns",
        "99999999999999999999999999h",
    ] {
        assert_eq!(
            parse_duration(too_long),
            Err(ParseError::Range(RangeError::TooLarge)),
            "{too_long}"
        );
    }
    assert_eq!(syntax_offset(parse_duration("10")), 2);
    assert_eq!(syntax_offset(parse_duration("10x")), 2);
    assert_eq!(syntax_offset(parse_duration("1h3d")), 3);
    assert_eq!(syntax_offset(parse_duration("1..5s")), 0);
    assert_eq!(syntax_offset(parse_duration("-5s")), 0);
    assert_eq!(syntax_offset(parse_duration("")), 0);
}

#[test]
fn order_and_equality_are_by_value() {
    assert_eq!(q("1000m"), q("1"));
    assert_eq!(q("1Ki"), q("1024"));
    assert_eq!(q("0.10"), q("100m"));
    assert!(q("0.5") > q("499m"));
    assert!(q("0.5") < q("501m"));
    assert!(q("-1") < q("-0.5"));
    assert!(q("-1") < Quantity::ZERO);
    assert!(q("1e-900") > Quantity::ZERO);
    assert!(q("8Gi") < q("8.000000001Gi"));
    assert_eq!(
        q("99999999999999999999e-10").cmp(&q("1e10")),
        Ordering::Less
    );
    assert_eq!(q("123e-2").cmp(&q("1.2300")), Ordering::Equal);
}

#[test]
fn arithmetic_is_exact() {
    assert_eq!(q("0.1").checked_add(q("0.2")).unwrap(), q("0.3"));
    assert_eq!(q("512Mi").checked_sub(q("256Mi")).unwrap(), q("256Mi"));
    assert_eq!(q("0.1").checked_mul(q("3")).unwrap(), q("0.3"));
    assert_eq!(q("-2").checked_mul(q("0.5")).unwrap(), q("-1"));
    // Past an i128 on the way, exact in the end.
    let big = exact("99999999999999999999999999999999999999");
    assert_eq!(big.checked_sub(big).unwrap(), Quantity::ZERO);
    let e900 = Quantity::new(1, 900).unwrap();
    assert_eq!(e900.checked_add(q("1e-100")), Err(RangeError::TooPrecise));
    assert_eq!(big.checked_mul(q("2e-1")), Err(RangeError::TooPrecise));
    assert_eq!(big.checked_mul(big), Err(RangeError::TooPrecise));
    assert_eq!(e900.checked_mul(e900), Err(RangeError::TooLarge));
    assert_eq!(
        q("1e-900").checked_mul(q("1e-900")),
        Err(RangeError::TooSmall)
    );
    // 5^50 × 2^50 = 10^50: past an i128 on the way, exact in the end.
    let fives = (0..50).fold(int(1), |p, _| p.checked_mul(int(5)).unwrap());
    let twos = (0..50).fold(int(1), |p, _| p.checked_mul(int(2)).unwrap());
    assert_eq!(fives.checked_mul(twos), Quantity::new(1, 50));
    assert_eq!(
        Quantity::new(1, 50)
            .unwrap()
            .checked_sub(fives.checked_mul(twos).unwrap()),
        Ok(Quantity::ZERO)
    );
}

#[test]
fn division_rounds_to_38_digits_halves_to_even() {
    let div = |a: &str, b: &str| exact(a).div_rounded(exact(b)).unwrap().unwrap();
    assert_eq!(q("1Gi").div_rounded(int(2)), Some(Ok(q("512Mi"))));
    assert_eq!(div("1", "8"), q("0.125"));
    assert_eq!(div("-1", "4"), q("-0.25"));
    assert_eq!(div("1", "3"), q("0.33333333333333333333333333333333333333"));
    assert_eq!(div("2", "3"), q("0.66666666666666666666666666666666666667"));
    assert_eq!(
        div("1", "-3"),
        q("-0.33333333333333333333333333333333333333")
    );
    // Exact quotients of 38 digits are kept whole.
    assert_eq!(
        div("10000000000000000000000000000000000001", "20"),
        exact("500000000000000000000000000000000000.05")
    );
    // Ties (a 39th digit of exactly 5) go to the even neighbour.
    let nines = "99999999999999999999999999999999999999";
    assert_eq!(div(nines, "2"), Quantity::new(5, 37).unwrap());
    assert_eq!(
        div("99999999999999999999999999999999999997", "2"),
        exact("49999999999999999999999999999999999998")
    );
    // More than a half goes up: 2/7 is 0.285714…28|571….
    assert_eq!(div("2", "7"), q("0.28571428571428571428571428571428571429"));
    assert_eq!(q("1").div_rounded(Quantity::ZERO), None);
    assert_eq!(div("0", "7"), Quantity::ZERO);
}

#[test]
fn products_compare_exactly() {
    // 64 millicores at 8 MiB per millicore are exactly 512Mi.
    let per_core = int(1000 * 1024 * 1024);
    let cmp = |cpu: &str, ratio: &str, memory: &str| {
        Quantity::cmp_products(&[q(cpu), q(ratio), per_core], &[q(memory)])
    };
    assert_eq!(cmp("64m", "8", "512Mi"), Ordering::Equal);
    assert_eq!(cmp("63m", "8", "512Mi"), Ordering::Less);
    assert_eq!(cmp("0.064", "8", "512Mi"), Ordering::Equal);
    assert_eq!(
        cmp("64m", "8", "512.000000000000000000000000001Mi"),
        Ordering::Less
    );
    assert_eq!(
        cmp(
            "0.12345678901234567890123456789012345678",
            "0.3333333333333333",
            "1e-900"
        ),
        Ordering::Greater
    );
    assert_eq!(
        Quantity::cmp_products(&[q("-2"), q("3")], &[q("-6")]),
        Ordering::Equal
    );
    assert_eq!(
        Quantity::cmp_products(&[q("-2"), q("3")], &[q("-5.9")]),
        Ordering::Less
    );
    assert_eq!(
        Quantity::cmp_products(&[Quantity::ZERO], &[q("-1")]),
        Ordering::Greater
    );
}

#[test]
fn floats_are_read_as_their_shortest_decimal() {
    assert_eq!(Quantity::from_f64(0.1), Some(q("0.1")));
    assert_eq!(Quantity::from_f64(16.001), Some(q("16.001")));
    assert_eq!(Quantity::from_f64(0.3), Some(q("0.3")));
    assert_eq!(Quantity::from_f64(-0.0), Some(Quantity::ZERO));
    assert_eq!(Quantity::from_f64(129e6), Some(q("129e6")));
    assert_eq!(Quantity::from_f64(1e300), Quantity::new(1, 300).ok());
    assert!(Quantity::from_f64(5e-324).is_some());
    assert!(Quantity::from_f64(f64::MAX).is_some());
    assert_eq!(Quantity::from_f64(f64::INFINITY), None);
    assert_eq!(Quantity::from_f64(f64::NAN), None);
    assert_eq!(q("0.1").to_f64(), 0.1);
}

#[test]
fn display_reads_back_as_the_same_value() {
    for (text, shown) in [
        ("16.001G", "16001000000"),
        ("0.1", "0.1"),
        ("-1.5", "-1.5"),
        ("500m", "0.5"),
        ("0", "0"),
        ("1e-5", "0.00001"),
        ("1.024k", "1024"),
        ("1e-900", "1e-900"),
        ("15e-100", "15e-100"),
        (
            "12345678901234567890123456789012345678e-38",
            "0.12345678901234567890123456789012345678",
        ),
    ] {
        let value = q(text);
        assert_eq!(value.to_string(), shown, "{text}");
        assert_eq!(q(shown), value, "{text}");
    }
    let huge = Quantity::new(1, 900)
        .unwrap()
        .checked_mul(q("1e10"))
        .unwrap();
    assert_eq!(huge.to_string(), "1e910");
}

#[test]
fn formatting() {
    assert_eq!(format_millicores(q("64m")), "64m");
    assert_eq!(format_millicores(q("0.0645")), "64.5m");
    assert_eq!(format_millicores(q("2")), "2000m");
    assert_eq!(format_bytes(q("512Mi")), "512Mi");
    assert_eq!(format_bytes(q("1000")), "1000");
    assert_eq!(format_bytes(q("16.001G")), "16001000000");
    assert_eq!(format_bytes(q("1.5Gi")), "1536Mi");
    assert_eq!(format_bytes(q("102.4")), "102.4");
    assert_eq!(format_bytes(q("-1Mi")), "-1048576");
}
