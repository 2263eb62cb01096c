//! [`Quantity`]: an exact decimal, an integer mantissa times a power of
//! ten, as Kubernetes' `resource.Quantity` holds a value. No float is
//! involved anywhere: `16.001G` is 16001 × 10⁶, `0.1` is 1 × 10⁻¹, and
//! a binary suffix multiplies the mantissa by an exact power of two.
//!
//! A mantissa holds up to [`MAX_DIGITS`] significant digits, enough for
//! any value written by hand; sums and products that would need more are
//! computed exactly in big integers and refused only if the exact result
//! itself needs more digits, never rounded silently.

use std::cmp::Ordering;
use std::fmt;

use num_bigint::{BigInt, BigUint};

/// The most significant digits a quantity holds.
pub const MAX_DIGITS: u32 = 38;
/// The largest exponent a nonzero quantity may have, and the negated
/// smallest: exact arithmetic then never builds a power of ten of more
/// than a few thousand digits.
pub const MAX_EXPONENT: i32 = 1000;

/// 10^MAX_DIGITS: a mantissa's magnitude stays below it.
const MANTISSA_BOUND: u128 = 10u128.pow(MAX_DIGITS);

/// Why an exact value cannot be a [`Quantity`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RangeError {
    /// Past the largest value the context allows (or past
    /// 10^[`MAX_EXPONENT`] at all).
    TooLarge,
    /// Nonzero but below 10^-[`MAX_EXPONENT`].
    TooSmall,
    /// More than [`MAX_DIGITS`] significant digits.
    TooPrecise,
}

impl fmt::Display for RangeError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            RangeError::TooLarge => "too large",
            RangeError::TooSmall => "too small",
            RangeError::TooPrecise => "more than 38 significant digits",
        })
    }
}

/// How a quantity becomes a whole number of units.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Rounding {
    /// To the next whole unit (the ceiling): never below the value.
    Up,
    /// To the nearest whole unit, a half up.
    Nearest,
}

/// Why a quantity has no whole number of units in `u64`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum WholeError {
    Negative,
    TooLarge,
}

/// An exact decimal `mantissa × 10^exponent`, normalised (the mantissa
/// has no trailing zero; zero is `0 × 10⁰`), so that equal values are
/// equal structs and `==` is equality of value.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Quantity {
    mantissa: i128,
    exponent: i32,
}

impl Quantity {
    pub const ZERO: Quantity = Quantity {
        mantissa: 0,
        exponent: 0,
    };

    /// An integer, exactly (an `i64` has at most 19 digits).
    pub const fn from_int(value: i64) -> Quantity {
        let mut mantissa = value as i128;
        let mut exponent = 0;
        if mantissa == 0 {
            return Quantity::ZERO;
        }
        while mantissa % 10 == 0 {
            mantissa /= 10;
            exponent += 1;
        }
        Quantity { mantissa, exponent }
    }

    /// `mantissa × 10^exponent`.
    pub fn new(mantissa: i128, exponent: i64) -> Result<Quantity, RangeError> {
        if mantissa == 0 {
            return Ok(Quantity::ZERO);
        }
        let (mut mantissa, mut exponent) = (mantissa, exponent);
        while mantissa % 10 == 0 {
            mantissa /= 10;
            exponent += 1;
        }
        if mantissa.unsigned_abs() >= MANTISSA_BOUND {
            return Err(RangeError::TooPrecise);
        }
        Ok(Quantity {
            mantissa,
            exponent: checked_exponent(exponent)?,
        })
    }

    /// The value of the shortest decimal that reads back as `value` (what
    /// `{}` prints): `0.1` is exactly one tenth, not the binary fraction
    /// nearest to it. `None` for infinities and NaN.
    pub fn from_f64(value: f64) -> Option<Quantity> {
        if !value.is_finite() {
            return None;
        }
        let text = format!("{value}");
        let (negative, digits) = match text.strip_prefix('-') {
            Some(rest) => (true, rest),
            None => (false, text.as_str()),
        };
        let (int, frac) = digits.split_once('.').unwrap_or((digits, ""));
        // Rust prints at most 17 significant digits and exponents within
        // ±324: always in range.
        from_digits(negative, int, frac, 0).ok()
    }

    pub fn is_zero(self) -> bool {
        self.mantissa == 0
    }

    pub fn is_negative(self) -> bool {
        self.mantissa < 0
    }

    /// `self × 10^power`, exactly.
    pub fn scaled(self, power: i32) -> Result<Quantity, RangeError> {
        if self.is_zero() {
            return Ok(self);
        }
        Ok(Quantity {
            mantissa: self.mantissa,
            exponent: checked_exponent(i64::from(self.exponent) + i64::from(power))?,
        })
    }

    pub fn checked_add(self, other: Quantity) -> Result<Quantity, RangeError> {
        let exponent = self.exponent.min(other.exponent);
        let fast = (|| {
            let a = self
                .mantissa
                .checked_mul(pow10_i128(self.exponent - exponent)?)?;
            let b = other
                .mantissa
                .checked_mul(pow10_i128(other.exponent - exponent)?)?;
            a.checked_add(b)
        })();
        match fast {
            Some(m) => Quantity::new(m, i64::from(exponent)),
            None => {
                let shifted = |q: Quantity| {
                    BigInt::from(q.mantissa)
                        * BigInt::from(big_pow10((q.exponent - exponent) as u32))
                };
                let (a, b) = (shifted(self), shifted(other));
                from_big(a + b, i64::from(exponent))
            }
        }
    }

    pub fn checked_sub(self, other: Quantity) -> Result<Quantity, RangeError> {
        self.checked_add(-other)
    }

    pub fn checked_mul(self, other: Quantity) -> Result<Quantity, RangeError> {
        let exponent = i64::from(self.exponent) + i64::from(other.exponent);
        match self.mantissa.checked_mul(other.mantissa) {
            Some(m) => Quantity::new(m, exponent),
            None => from_big(
                BigInt::from(self.mantissa) * BigInt::from(other.mantissa),
                exponent,
            ),
        }
    }

    /// `self ÷ other` to [`MAX_DIGITS`] significant digits, halves to
    /// even: a quotient such as a third has no exact decimal. `None` when
    /// dividing by zero.
    pub fn div_rounded(self, other: Quantity) -> Option<Result<Quantity, RangeError>> {
        if other.is_zero() {
            return None;
        }
        if self.is_zero() {
            return Some(Ok(Quantity::ZERO));
        }
        // Scale the dividend so that the integer quotient has more digits
        // than are kept, then round the extra ones away.
        let shift = MAX_DIGITS + 1 + digits(other.mantissa.unsigned_abs())
            - digits(self.mantissa.unsigned_abs());
        let dividend = BigUint::from(self.mantissa.unsigned_abs()) * big_pow10(shift);
        let divisor = BigUint::from(other.mantissa.unsigned_abs());
        let quotient = &dividend / &divisor;
        let exact = (&dividend % &divisor) == BigUint::ZERO;
        let extra = big_digits(&quotient) - MAX_DIGITS;
        let unit = big_pow10(extra);
        let mut kept = &quotient / &unit;
        let twice = (&quotient % &unit) * 2u32;
        let odd = (&kept % 2u32) != BigUint::ZERO;
        if twice > unit || (twice == unit && (!exact || odd)) {
            kept += 1u32;
        }
        let mut kept = BigInt::from(kept);
        if (self.mantissa < 0) != (other.mantissa < 0) {
            kept = -kept;
        }
        let exponent = i64::from(self.exponent) - i64::from(other.exponent) - i64::from(shift)
            + i64::from(extra);
        Some(from_big(kept, exponent))
    }

    /// The order of `factors` multiplied together and `others` multiplied
    /// together, exactly (products of quantities can pass what one
    /// quantity holds).
    pub fn cmp_products(factors: &[Quantity], others: &[Quantity]) -> Ordering {
        let product = |qs: &[Quantity]| {
            qs.iter().fold((BigInt::from(1), 0i64), |(m, e), q| {
                (m * q.mantissa, e + i64::from(q.exponent))
            })
        };
        let (a, ea) = product(factors);
        let (b, eb) = product(others);
        cmp_big(a, ea, b, eb)
    }

    /// The least integer not below the value.
    pub fn ceil(self) -> Quantity {
        self.to_integer(true)
    }

    /// The greatest integer not above the value.
    pub fn floor(self) -> Quantity {
        self.to_integer(false)
    }

    fn to_integer(self, up: bool) -> Quantity {
        if self.exponent >= 0 {
            return self;
        }
        let toward_zero = match pow10_i128(-self.exponent) {
            Some(unit) => self.mantissa / unit,
            // Below 10^(MAX_DIGITS - 39) < 1 in magnitude.
            None => 0,
        };
        // Not an integer (a normalised mantissa with a negative exponent
        // never is), so the result is one step away from zero, or not.
        let step = match (up, self.is_negative()) {
            (true, false) => 1,
            (false, true) => -1,
            _ => 0,
        };
        Quantity::new(toward_zero + step, 0).unwrap_or(self)
    }

    /// The whole number of units, rounded as asked.
    pub fn to_u64(self, rounding: Rounding) -> Result<u64, WholeError> {
        if self.is_negative() {
            return Err(WholeError::Negative);
        }
        let m = self.mantissa.unsigned_abs();
        let whole = if self.exponent >= 0 {
            pow10_u128(self.exponent as u32)
                .and_then(|p| m.checked_mul(p))
                .ok_or(WholeError::TooLarge)?
        } else {
            let shift = self.exponent.unsigned_abs();
            match pow10_u128(shift) {
                // The value is below 10^(MAX_DIGITS - shift) < 1.
                None => u128::from(!self.is_zero() && rounding == Rounding::Up),
                Some(unit) => {
                    let (q, r) = (m / unit, m % unit);
                    let up = match rounding {
                        Rounding::Up => r > 0,
                        Rounding::Nearest => r >= unit - r,
                    };
                    q + u128::from(up)
                }
            }
        };
        u64::try_from(whole).map_err(|_| WholeError::TooLarge)
    }

    /// The value as an integer, when it is one and fits.
    pub fn to_i128(self) -> Option<i128> {
        if self.exponent < 0 {
            return None;
        }
        self.mantissa.checked_mul(pow10_i128(self.exponent)?)
    }

    /// The nearest `f64`, for the places that compute in floating point
    /// on purpose (a ratio of two quantities in the policy language).
    pub fn to_f64(self) -> f64 {
        // Display is decimal text that Rust reads back correctly rounded.
        self.to_string().parse().unwrap_or(f64::NAN)
    }
}

impl std::ops::Neg for Quantity {
    type Output = Quantity;

    /// Exact: a mantissa's magnitude is below 10^38, far from `i128::MIN`.
    fn neg(self) -> Quantity {
        Quantity {
            mantissa: -self.mantissa,
            exponent: self.exponent,
        }
    }
}

impl Ord for Quantity {
    fn cmp(&self, other: &Quantity) -> Ordering {
        let sign = self.mantissa.signum().cmp(&other.mantissa.signum());
        if sign != Ordering::Equal || self.is_zero() {
            return sign;
        }
        let magnitude = cmp_magnitude(*self, *other);
        if self.is_negative() {
            magnitude.reverse()
        } else {
            magnitude
        }
    }
}

impl PartialOrd for Quantity {
    fn partial_cmp(&self, other: &Quantity) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

/// Plain decimal (`16.001`, `0.25`, `1073741824`) while it is short, else
/// `<mantissa>e<exponent>` (`15e-900`): either reads back as the same
/// quantity.
impl fmt::Display for Quantity {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        const PLAIN_WIDTH: usize = 40;
        let sign = if self.is_negative() { "-" } else { "" };
        let digits = self.mantissa.unsigned_abs().to_string();
        let exponent = self.exponent;
        if exponent >= 0 {
            let zeros = exponent as usize;
            if digits.len() + zeros <= PLAIN_WIDTH {
                return write!(f, "{sign}{digits}{}", "0".repeat(zeros));
            }
        } else {
            let shift = exponent.unsigned_abs() as usize;
            if shift < digits.len() {
                let (int, frac) = digits.split_at(digits.len() - shift);
                return write!(f, "{sign}{int}.{frac}");
            }
            let zeros = shift - digits.len();
            if zeros + digits.len() + 2 <= PLAIN_WIDTH {
                return write!(f, "{sign}0.{}{digits}", "0".repeat(zeros));
            }
        }
        write!(f, "{sign}{digits}e{exponent}")
    }
}

/// A decimal number written as its sign, integer digits, fraction digits
/// and an exponent: `-12.50e3` is `(true, "12", "50", 3)`. The digits are
/// ASCII digits; either part may be empty.
pub(super) fn from_digits(
    negative: bool,
    int: &str,
    frac: &str,
    exponent: i64,
) -> Result<Quantity, RangeError> {
    let mut mantissa: i128 = 0;
    let mut significant: u64 = 0;
    // Zeros after the last nonzero digit so far: multiplied in only when
    // another nonzero digit follows, so a long run of zeros costs nothing.
    let mut zeros: u64 = 0;
    for b in int.bytes().chain(frac.bytes()) {
        let digit = i128::from(b - b'0');
        if digit == 0 {
            if mantissa != 0 {
                zeros += 1;
            }
            continue;
        }
        significant += zeros + 1;
        if significant > u64::from(MAX_DIGITS) {
            return Err(RangeError::TooPrecise);
        }
        // Below 10^38 by the count above: no overflow.
        mantissa = mantissa * 10i128.pow(zeros as u32 + 1) + digit;
        zeros = 0;
    }
    if mantissa == 0 {
        return Ok(Quantity::ZERO);
    }
    let exponent = exponent
        .saturating_add(zeros as i64)
        .saturating_sub(frac.len() as i64);
    Quantity::new(if negative { -mantissa } else { mantissa }, exponent)
}

/// `value × 2^power`, exactly: the mantissa is doubled `power` times (a
/// mantissa ending in 5 becomes a fifth of it and the exponent grows
/// instead, which keeps it short).
pub(super) fn times_power_of_two(value: Quantity, power: u32) -> Result<Quantity, RangeError> {
    let Quantity {
        mut mantissa,
        mut exponent,
    } = value;
    if mantissa == 0 {
        return Ok(value);
    }
    for _ in 0..power {
        if mantissa % 5 == 0 {
            // m × 2 = (m / 5) × 10, and m / 5 has no trailing zero: m is
            // odd (it ends in 5).
            mantissa /= 5;
            exponent = checked_exponent(i64::from(exponent) + 1)?;
        } else {
            // m is not a multiple of 5, nor is 2m: it only grows.
            mantissa = mantissa
                .checked_mul(2)
                .filter(|m| m.unsigned_abs() < MANTISSA_BOUND)
                .ok_or(RangeError::TooPrecise)?;
        }
    }
    Ok(Quantity { mantissa, exponent })
}

fn checked_exponent(exponent: i64) -> Result<i32, RangeError> {
    if exponent > i64::from(MAX_EXPONENT) {
        Err(RangeError::TooLarge)
    } else if exponent < -i64::from(MAX_EXPONENT) {
        Err(RangeError::TooSmall)
    } else {
        Ok(exponent as i32)
    }
}

fn from_big(mantissa: BigInt, exponent: i64) -> Result<Quantity, RangeError> {
    if mantissa == BigInt::ZERO {
        return Ok(Quantity::ZERO);
    }
    let (mut mantissa, mut exponent) = (mantissa, exponent);
    let ten = BigInt::from(10);
    while (&mantissa % &ten) == BigInt::ZERO {
        mantissa /= &ten;
        exponent += 1;
    }
    let mantissa = i128::try_from(&mantissa).map_err(|_| RangeError::TooPrecise)?;
    Quantity::new(mantissa, exponent)
}

/// Magnitudes compared: first by the place of the leading digit, then
/// digit by digit with both mantissas at the same length.
fn cmp_magnitude(a: Quantity, b: Quantity) -> Ordering {
    let (ma, mb) = (a.mantissa.unsigned_abs(), b.mantissa.unsigned_abs());
    let (da, db) = (digits(ma), digits(mb));
    let lead =
        (i64::from(da) + i64::from(a.exponent)).cmp(&(i64::from(db) + i64::from(b.exponent)));
    if lead != Ordering::Equal {
        return lead;
    }
    // Both at most MAX_DIGITS digits long: no overflow.
    if da >= db {
        ma.cmp(&(mb * 10u128.pow(da - db)))
    } else {
        (ma * 10u128.pow(db - da)).cmp(&mb)
    }
}

fn cmp_big(a: BigInt, ea: i64, b: BigInt, eb: i64) -> Ordering {
    let sign = a.sign().cmp(&b.sign());
    if sign != Ordering::Equal || a == BigInt::ZERO {
        return sign;
    }
    let (ma, mb) = (a.magnitude(), b.magnitude());
    let (da, db) = (i64::from(big_digits(ma)), i64::from(big_digits(mb)));
    let lead = (da + ea).cmp(&(db + eb));
    // With the leading digits in the same place, the exponents differ by
    // at most the length of the longer mantissa.
    let magnitude = if lead != Ordering::Equal {
        lead
    } else if ea >= eb {
        (ma * big_pow10((ea - eb) as u32)).cmp(mb)
    } else {
        ma.cmp(&(mb * big_pow10((eb - ea) as u32)))
    };
    if a < BigInt::ZERO {
        magnitude.reverse()
    } else {
        magnitude
    }
}

fn digits(m: u128) -> u32 {
    m.checked_ilog10().map_or(1, |l| l + 1)
}

fn big_digits(m: &BigUint) -> u32 {
    m.to_string().len() as u32
}

fn pow10_i128(k: i32) -> Option<i128> {
    10i128.checked_pow(u32::try_from(k).ok()?)
}

fn pow10_u128(k: u32) -> Option<u128> {
    10u128.checked_pow(k)
}

fn big_pow10(k: u32) -> BigUint {
    BigUint::from(10u32).pow(k)
}
