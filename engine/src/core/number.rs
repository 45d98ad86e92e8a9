//! Terraform's numbers: binary floating point of arbitrary precision (cty keeps a Go
//! `big.Float`), each value with its own precision in bits. A literal, `tonumber` and
//! `jsondecode` give 512 bits, so `0.1 + 0.2` is `0.3` and `1 / 3` has 155 digits; integers a
//! function counts give 64 bits; what a function computes in 64-bit floating point (`pow`,
//! `log`) gives 53. Results of arithmetic take the larger precision of their operands and are
//! rounded to nearest, ties to even. A number prints as the shortest decimal that reads back to
//! the same value at its precision, never in exponent form.
//!
//! Most numbers are small integers: those, and any value a 64-bit float holds exactly, are
//! kept as an `f64` and computed on without big integers while the results stay exact.

use num_bigint::BigUint;
use num_traits::{One, ToPrimitive, Zero};
use std::cmp::Ordering;
use std::sync::Arc;

/// Precision of literals and parsed text.
pub const LITERAL_BITS: u16 = 512;
/// Precision of integers that functions count.
pub const INT_BITS: u16 = 64;
/// Precision of what a function computes in 64-bit floating point.
pub const FLOAT_BITS: u16 = 53;

/// A number as Terraform keeps it.
#[derive(Clone)]
pub struct Number {
    /// The value when `big` is `None` (exactly); otherwise the nearest 64-bit float to it.
    approx: f64,
    /// The exact value when a 64-bit float cannot hold it.
    big: Option<Arc<Big>>,
    /// Bits of mantissa the value was rounded to.
    prec: u16,
}

/// A finite, non-zero value `±mant × 2^exp` with `mant` odd.
#[derive(Debug, PartialEq, Eq)]
struct Big {
    neg: bool,
    mant: BigUint,
    exp: i64,
}

/// An exact finite value, for computing.
#[derive(Clone, Debug)]
struct Exact {
    neg: bool,
    mant: BigUint,
    exp: i64,
}

impl Number {
    /// A value a 64-bit float holds exactly, with precision `prec`.
    pub fn with_prec(f: f64, prec: u16) -> Number {
        Number {
            approx: if f.is_nan() { 0.0 } else { f },
            big: None,
            prec,
        }
    }

    /// What a function computed in 64-bit floating point.
    pub fn float(f: f64) -> Number {
        Number::with_prec(f, FLOAT_BITS)
    }

    /// An integer a function counted.
    pub fn int(i: i64) -> Number {
        // Integers beyond 2^53 keep every digit.
        if i.unsigned_abs() < (1 << 53) {
            return Number::with_prec(i as f64, INT_BITS);
        }
        round(
            Exact {
                neg: i < 0,
                mant: BigUint::from(i.unsigned_abs()),
                exp: 0,
            },
            INT_BITS,
        )
    }

    /// Positive or negative infinity.
    pub fn infinity(negative: bool) -> Number {
        Number::with_prec(if negative { f64::NEG_INFINITY } else { f64::INFINITY }, LITERAL_BITS)
    }

    /// The nearest 64-bit float.
    pub fn to_f64(&self) -> f64 {
        self.approx
    }

    /// True for an infinity.
    pub fn is_infinite(&self) -> bool {
        self.big.is_none() && self.approx.is_infinite()
    }

    /// True for zero (of either sign).
    pub fn is_zero(&self) -> bool {
        self.big.is_none() && self.approx == 0.0
    }

    /// True below zero (`-0` is not).
    pub fn is_negative(&self) -> bool {
        match &self.big {
            Some(b) => b.neg,
            None => self.approx < 0.0,
        }
    }

    /// True for a whole number.
    pub fn is_integer(&self) -> bool {
        match &self.big {
            Some(b) => b.exp >= 0,
            None => self.approx.is_finite() && self.approx.fract() == 0.0,
        }
    }

    /// The value as an `i64` when it is a whole number in range.
    pub fn to_i64(&self) -> Option<i64> {
        if !self.is_integer() {
            return None;
        }
        match &self.big {
            None if self.approx.abs() < 9.2e18 => Some(self.approx as i64),
            None => None,
            Some(b) => {
                let m = (&b.mant << usize::try_from(b.exp).ok()?).to_i64()?;
                Some(if b.neg { -m } else { m })
            }
        }
    }

    /// Parses Terraform's number syntax (`12`, `-1.5`, `1e21`, `.5`) at 512 bits; `None` when
    /// the text is not a number.
    pub fn parse(text: &str) -> Option<Number> {
        // No spaces around it: Terraform's parser takes none.
        let s = text;
        let (neg, s) = match s.as_bytes().first()? {
            b'-' => (true, &s[1..]),
            b'+' => (false, &s[1..]),
            _ => (false, s),
        };
        let (body, exp10) = match s.find(['e', 'E']) {
            Some(i) => (&s[..i], s[i + 1..].parse::<i64>().ok()?),
            None => (s, 0),
        };
        let (int, frac) = body.split_once('.').unwrap_or((body, ""));
        if int.is_empty() && frac.is_empty() {
            return None;
        }
        if !int.bytes().chain(frac.bytes()).all(|b| b.is_ascii_digit()) {
            return None;
        }
        let digits = format!("{int}{frac}");
        let exp10 = exp10.checked_sub(frac.len() as i64)?;
        // Absurd exponents would take unbounded memory; Go's parser refuses them too.
        if exp10.abs() > 1_000_000 {
            return None;
        }
        let mant = BigUint::parse_bytes(digits.as_bytes(), 10)?;
        if mant.is_zero() {
            return Some(Number::with_prec(if neg { -0.0 } else { 0.0 }, LITERAL_BITS));
        }
        let ten = BigUint::from(10u32);
        Some(if exp10 >= 0 {
            round(
                Exact {
                    neg,
                    mant: mant * ten.pow(exp10 as u32),
                    exp: 0,
                },
                LITERAL_BITS,
            )
        } else {
            quotient(neg, mant, 0, ten.pow((-exp10) as u32), 0, LITERAL_BITS)
        })
    }

    fn exact(&self) -> Option<Exact> {
        if let Some(b) = &self.big {
            return Some(Exact {
                neg: b.neg,
                mant: b.mant.clone(),
                exp: b.exp,
            });
        }
        let f = self.approx;
        if !f.is_finite() || f == 0.0 {
            return None;
        }
        let bits = f.abs().to_bits();
        let e = ((bits >> 52) & 0x7ff) as i64;
        let m = bits & ((1 << 52) - 1);
        let (mant, exp) = if e == 0 { (m, -1074) } else { (m | (1 << 52), e - 1075) };
        Some(normal(f < 0.0, BigUint::from(mant), exp))
    }

    fn prec_with(&self, other: &Number) -> u16 {
        self.prec.max(other.prec)
    }

    /// `self + other`, `None` for infinities of opposite signs.
    pub fn add(&self, other: &Number) -> Option<Number> {
        let prec = self.prec_with(other);
        if self.big.is_none() && other.big.is_none() {
            let (a, b) = (self.approx, other.approx);
            if a.is_infinite() || b.is_infinite() {
                let s = a + b;
                return (!s.is_nan()).then(|| Number::with_prec(s, prec));
            }
            let s = a + b;
            // Exact when no rounding error is left (Knuth's two-sum).
            let bb = s - a;
            let err = (a - (s - bb)) + (b - bb);
            if err == 0.0 && s.is_finite() {
                return Some(Number::with_prec(s, prec));
            }
        }
        if self.is_infinite() {
            return Some(self.clone());
        }
        if other.is_infinite() {
            return Some(other.clone());
        }
        let (Some(x), Some(y)) = (self.exact(), other.exact()) else {
            // One is zero: the other, at the wider precision; -0 + -0 is -0.
            let keep = if self.is_zero() { other } else { self };
            if self.is_zero() && other.is_zero() {
                return Some(Number::with_prec(self.approx + other.approx, prec));
            }
            return Some(round_number(keep, prec));
        };
        let e = x.exp.min(y.exp);
        let mx = x.mant << usize::try_from(x.exp - e).ok()?;
        let my = y.mant << usize::try_from(y.exp - e).ok()?;
        let (neg, mant) = match (x.neg, y.neg) {
            (a, b) if a == b => (a, mx + my),
            (xneg, _) => match mx.cmp(&my) {
                Ordering::Greater => (xneg, mx - my),
                Ordering::Less => (!xneg, my - mx),
                Ordering::Equal => return Some(Number::with_prec(0.0, prec)),
            },
        };
        Some(round(Exact { neg, mant, exp: e }, prec))
    }

    /// `|self|`.
    pub fn abs(&self) -> Number {
        if self.is_negative() || self.approx.is_sign_negative() {
            self.neg()
        } else {
            self.clone()
        }
    }

    /// `-self`.
    pub fn neg(&self) -> Number {
        Number {
            approx: -self.approx,
            big: self.big.as_ref().map(|b| {
                Arc::new(Big {
                    neg: !b.neg,
                    mant: b.mant.clone(),
                    exp: b.exp,
                })
            }),
            prec: self.prec,
        }
    }

    /// `self - other`.
    pub fn sub(&self, other: &Number) -> Option<Number> {
        self.add(&other.neg())
    }

    /// `self * other`, `None` for zero times infinity.
    pub fn mul(&self, other: &Number) -> Option<Number> {
        let prec = self.prec_with(other);
        if self.big.is_none() && other.big.is_none() {
            let (a, b) = (self.approx, other.approx);
            let p = a * b;
            if p.is_nan() {
                return None;
            }
            if a.is_infinite() || b.is_infinite() || a == 0.0 || b == 0.0 {
                return Some(Number::with_prec(p, prec));
            }
            if p.is_finite() && a.mul_add(b, -p) == 0.0 && p != 0.0 {
                return Some(Number::with_prec(p, prec));
            }
        }
        if self.is_infinite() || other.is_infinite() {
            if self.is_zero() || other.is_zero() {
                return None;
            }
            return Some(Number::infinity(self.is_negative() != other.is_negative()));
        }
        let (Some(x), Some(y)) = (self.exact(), other.exact()) else {
            // The sign of a product is the operands' signs' exclusive or; an approximation
            // keeps its value's sign, -0 included.
            let neg = self.approx.is_sign_negative() != other.approx.is_sign_negative();
            return Some(Number::with_prec(if neg { -0.0 } else { 0.0 }, prec));
        };
        Some(round(
            Exact {
                neg: x.neg != y.neg,
                mant: x.mant * y.mant,
                exp: x.exp + y.exp,
            },
            prec,
        ))
    }

    /// `self / other`; a non-zero number divided by zero is an infinity, as in Terraform;
    /// `None` for zero by zero and infinity by infinity.
    pub fn div(&self, other: &Number) -> Option<Number> {
        let prec = self.prec_with(other);
        if other.is_zero() {
            if self.is_zero() {
                return None;
            }
            let neg = self.is_negative() != other.approx.is_sign_negative();
            return Some(Number::infinity(neg));
        }
        if self.is_infinite() || other.is_infinite() {
            let q = self.approx / other.approx;
            return (!q.is_nan()).then(|| Number::with_prec(q, prec));
        }
        if self.big.is_none() && other.big.is_none() {
            let (a, b) = (self.approx, other.approx);
            let q = a / b;
            if q.is_finite() && q != 0.0 && q.mul_add(b, -a) == 0.0 {
                return Some(Number::with_prec(q, prec));
            }
        }
        let Some(x) = self.exact() else {
            let neg = self.approx.is_sign_negative() != other.is_negative();
            return Some(Number::with_prec(if neg { -0.0 } else { 0.0 }, prec));
        };
        let y = other.exact()?;
        Some(quotient(x.neg != y.neg, x.mant, x.exp, y.mant, y.exp, prec))
    }

    /// The whole number toward zero, at the precision Terraform's integer conversion gives it
    /// (at least 64 bits).
    pub fn trunc(&self) -> Number {
        match self.exact() {
            None => self.clone(),
            Some(x) if x.exp >= 0 => self.clone(),
            Some(x) => {
                let m: BigUint = x.mant >> usize::try_from(-x.exp).unwrap_or(usize::MAX);
                if m.is_zero() {
                    // Whole numbers are integers in Terraform, and an integer has no -0.
                    return Number::with_prec(0.0, INT_BITS);
                }
                let bits = u16::try_from(m.bits()).unwrap_or(u16::MAX).max(INT_BITS);
                round(
                    Exact {
                        neg: x.neg,
                        mant: m,
                        exp: 0,
                    },
                    bits,
                )
            }
        }
    }

    /// Compares two numbers exactly.
    pub fn cmp_exact(&self, other: &Number) -> Ordering {
        if self.big.is_none() && other.big.is_none() {
            return self.approx.partial_cmp(&other.approx).unwrap_or(Ordering::Equal);
        }
        let (x, y) = match (self.exact(), other.exact()) {
            (Some(x), Some(y)) => (x, y),
            _ => return self.approx.partial_cmp(&other.approx).unwrap_or(Ordering::Equal),
        };
        match (x.neg, y.neg) {
            (false, true) => return Ordering::Greater,
            (true, false) => return Ordering::Less,
            _ => {}
        }
        let e = x.exp.min(y.exp);
        let shift = |m: BigUint, by: i64| m << usize::try_from(by).unwrap_or(0);
        let ord = shift(x.mant, x.exp - e).cmp(&shift(y.mant, y.exp - e));
        if x.neg {
            ord.reverse()
        } else {
            ord
        }
    }

    /// The number as Terraform prints it: the shortest decimal that reads back to the same
    /// value at its precision, without an exponent; `+Inf` and `-Inf` for infinities.
    pub fn text(&self) -> String {
        if self.big.is_none() {
            let f = self.approx;
            if f.is_infinite() {
                return if f > 0.0 { "+Inf".into() } else { "-Inf".into() };
            }
            if f == 0.0 {
                return if f.is_sign_negative() { "-0".into() } else { "0".into() };
            }
            if f.fract() == 0.0 && f.abs() < 9.0e15 {
                return format!("{}", f as i64);
            }
            if self.prec == FLOAT_BITS && f.to_bits() & ((1 << 52) - 1) != 0 {
                // Rust's shortest form of a 64-bit float is the same digits, except at a power
                // of two, where Go keeps the bounds symmetric and Rust does not.
                return format!("{f}");
            }
        }
        let Some(x) = self.exact() else {
            return "0".into();
        };
        shortest(&x, self.prec)
    }
}

/// `±mant × 2^exp` with the trailing zero bits moved into the exponent.
fn normal(neg: bool, mant: BigUint, exp: i64) -> Exact {
    let zeros = mant.trailing_zeros().unwrap_or(0);
    Exact {
        neg,
        mant: mant >> zeros,
        exp: exp + zeros as i64,
    }
}

/// `num × 2^ne / (den × 2^de)` rounded to `prec` bits.
fn quotient(neg: bool, num: BigUint, ne: i64, den: BigUint, de: i64, prec: u16) -> Number {
    // Enough bits for the rounding decision: prec + 2, and a sticky bit for a remainder.
    let want = i64::from(prec) + 2;
    let s = (want + den.bits() as i64 - num.bits() as i64).max(0);
    let scaled = num << s as usize;
    let q = &scaled / &den;
    let r = scaled - &q * &den;
    let (q, exp) = if r.is_zero() {
        (q, ne - de - s)
    } else {
        ((q << 1usize) | BigUint::one(), ne - de - s - 1)
    };
    round(Exact { neg, mant: q, exp }, prec)
}

/// Rounds an exact value to `prec` bits, to nearest, ties to even.
fn round(x: Exact, prec: u16) -> Number {
    let mut x = normal(x.neg, x.mant, x.exp);
    let bits = x.mant.bits();
    if bits > u64::from(prec) {
        let shift = (bits - u64::from(prec)) as usize;
        let kept: BigUint = &x.mant >> shift;
        let rest = &x.mant - (&kept << shift);
        let half = BigUint::one() << (shift - 1);
        let up = match rest.cmp(&half) {
            Ordering::Greater => true,
            Ordering::Equal => kept.bit(0),
            Ordering::Less => false,
        };
        x = normal(x.neg, if up { kept + 1u32 } else { kept }, x.exp + shift as i64);
    }
    make(x, prec)
}

fn round_number(n: &Number, prec: u16) -> Number {
    match n.exact() {
        Some(x) => round(x, prec),
        None => Number::with_prec(n.approx, prec),
    }
}

/// The number for an exact value already within its precision.
fn make(x: Exact, prec: u16) -> Number {
    let approx = to_f64(&x);
    // A 64-bit float holds it exactly when it has 53 bits or fewer and a normal exponent.
    if x.mant.bits() <= 53 && approx.is_finite() && approx != 0.0 {
        let back = Number::with_prec(approx, prec).exact();
        if back.is_some_and(|b| b.mant == x.mant && b.exp == x.exp) {
            return Number::with_prec(approx, prec);
        }
    }
    Number {
        approx,
        big: Some(Arc::new(Big {
            neg: x.neg,
            mant: x.mant,
            exp: x.exp,
        })),
        prec,
    }
}

/// The nearest 64-bit float to an exact value (infinite beyond its range).
fn to_f64(x: &Exact) -> f64 {
    let bits = x.mant.bits() as i64;
    // The top 64 bits carry all a float can hold; the rest only decides rounding, which is
    // close enough for an approximation.
    let (top, exp) = if bits > 64 {
        (
            (&x.mant >> (bits - 64) as usize).to_u64().unwrap_or(u64::MAX),
            x.exp + bits - 64,
        )
    } else {
        (x.mant.to_u64().unwrap_or(0), x.exp)
    };
    let mut f = top as f64;
    let mut e = exp;
    while e > 0 {
        let step = e.min(1000);
        f *= 2f64.powi(step as i32);
        e -= step;
        if f.is_infinite() {
            break;
        }
    }
    while e < 0 {
        let step = (-e).min(1000);
        f /= 2f64.powi(step as i32);
        e += step;
        if f == 0.0 {
            break;
        }
    }
    if x.neg {
        -f
    } else {
        f
    }
}

/// Decimal digits (no leading zeros) and the position of the point: `value = 0.DIGITS × 10^dp`.
fn decimal(mant: &BigUint, exp: i64) -> (Vec<u8>, i64) {
    let (digits, point) = if exp >= 0 {
        let s = (mant << exp as usize).to_str_radix(10);
        let n = s.len() as i64;
        (s, n)
    } else {
        // m / 2^k = m × 5^k / 10^k.
        let k = (-exp) as u32;
        let s = (mant * BigUint::from(5u32).pow(k)).to_str_radix(10);
        let n = s.len() as i64;
        (s, n - i64::from(k))
    };
    let mut d = digits.into_bytes();
    while d.last() == Some(&b'0') {
        d.pop();
    }
    (d, point)
}

/// The shortest decimal that rounds back to `x` at `prec` bits, written without an exponent.
fn shortest(x: &Exact, prec: u16) -> String {
    // Scale the mantissa to exactly prec + 1 bits: its last bit is then half a unit in the last
    // place, and the neighbours halfway to the next values bound what reads back to x.
    let bits = x.mant.bits() as i64;
    let shift = i64::from(prec) + 1 - bits;
    let (m2, e2) = if shift >= 0 {
        (&x.mant << shift as usize, x.exp - shift)
    } else {
        (&x.mant >> (-shift) as usize, x.exp - shift)
    };
    let (d, dp) = decimal(&x.mant, x.exp);
    let (lo, lo_dp) = decimal(&(&m2 - 1u32), e2);
    let (hi, hi_dp) = decimal(&(&m2 + 1u32), e2);
    // The bounds themselves read back to x only when its mantissa is even.
    let inclusive = !m2.bit(1);
    // Digits of the three aligned at one decimal point.
    let top = dp.max(lo_dp).max(hi_dp);
    let at = |digits: &[u8], point: i64, i: i64| -> u8 {
        let j = i - (top - point);
        if j < 0 || j >= digits.len() as i64 {
            b'0'
        } else {
            digits[j as usize]
        }
    };
    let len = |digits: &[u8], point: i64| digits.len() as i64 + (top - point);
    let d_len = len(&d, dp);
    let mut digits: Vec<u8> = (0..d_len).map(|i| at(&d, dp, i)).collect();
    let mut point = top;
    for i in 0..d_len {
        let (l, m, u) = (at(&lo, lo_dp, i), at(&d, dp, i), at(&hi, hi_dp, i));
        let okdown = l != m || inclusive && i + 1 == len(&lo, lo_dp);
        let okup = m != u && (inclusive || m + 1 < u || i + 1 < len(&hi, hi_dp));
        let n = (i + 1) as usize;
        let up = match (okdown, okup) {
            (true, true) => Some(round_half_even(&digits, n)),
            (true, false) => Some(false),
            (false, true) => Some(true),
            (false, false) => None,
        };
        if let Some(up) = up {
            digits.truncate(n);
            if up && increment(&mut digits) {
                point += 1;
            }
            break;
        }
    }
    // Back to digits without leading zeros and the point's position.
    while digits.first() == Some(&b'0') {
        digits.remove(0);
        point -= 1;
    }
    while digits.last() == Some(&b'0') {
        digits.pop();
    }
    let mut out = String::new();
    if x.neg {
        out.push('-');
    }
    let digits = String::from_utf8(digits).unwrap_or_default();
    let n = digits.len() as i64;
    if digits.is_empty() {
        out.push('0');
    } else if point <= 0 {
        out.push_str("0.");
        out.push_str(&"0".repeat((-point) as usize));
        out.push_str(&digits);
    } else if point >= n {
        out.push_str(&digits);
        out.push_str(&"0".repeat((point - n) as usize));
    } else {
        out.push_str(&digits[..point as usize]);
        out.push('.');
        out.push_str(&digits[point as usize..]);
    }
    out
}

/// Whether keeping `n` digits rounds up: above half, or exactly half and the last kept digit
/// odd.
fn round_half_even(digits: &[u8], n: usize) -> bool {
    match digits.get(n) {
        None => false,
        Some(b'5') if n + 1 == digits.len() => n > 0 && (digits[n - 1] - b'0') % 2 == 1,
        Some(d) => *d >= b'5',
    }
}

/// Adds one to the last digit, carrying; true when a carry out of the first digit prepended
/// a 1.
fn increment(digits: &mut Vec<u8>) -> bool {
    for d in digits.iter_mut().rev() {
        if *d == b'9' {
            *d = b'0';
        } else {
            *d += 1;
            return false;
        }
    }
    digits.insert(0, b'1');
    true
}

impl PartialEq for Number {
    /// Equal values, whatever their precision.
    fn eq(&self, other: &Number) -> bool {
        self.cmp_exact(other) == Ordering::Equal
    }
}

impl PartialOrd for Number {
    fn partial_cmp(&self, other: &Number) -> Option<Ordering> {
        Some(self.cmp_exact(other))
    }
}

impl std::fmt::Debug for Number {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}", self.text())
    }
}

impl std::fmt::Display for Number {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.text())
    }
}

impl From<f64> for Number {
    /// A 64-bit float: what a provider, the state or a function computing in floating point
    /// gives.
    fn from(f: f64) -> Number {
        Number::float(f)
    }
}

impl From<i64> for Number {
    fn from(i: i64) -> Number {
        Number::int(i)
    }
}

impl serde::Serialize for Number {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        // Saved plans keep every digit and the precision.
        s.serialize_str(&format!("{}@{}", self.text(), self.prec))
    }
}

impl<'de> serde::Deserialize<'de> for Number {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Number, D::Error> {
        let s = String::deserialize(d)?;
        let (text, prec) = s.rsplit_once('@').unwrap_or((&s, "512"));
        let prec: u16 = prec.parse().map_err(serde::de::Error::custom)?;
        let n = match text {
            "+Inf" => Number::infinity(false),
            "-Inf" => Number::infinity(true),
            t => Number::parse(t).ok_or_else(|| serde::de::Error::custom(format!("not a number: {t}")))?,
        };
        Ok(round_number(&n, prec))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn lit(s: &str) -> Number {
        Number::parse(s).expect("a number")
    }

    #[test]
    fn literals_are_512_bit_decimals() {
        assert_eq!(lit("0.1").add(&lit("0.2")).map(|n| n.text()).as_deref(), Some("0.3"));
        assert_eq!(
            lit("1").div(&lit("3")).map(|n| n.text()).unwrap_or_default().len(),
            "0.".len() + 155
        );
        assert_eq!(
            lit("9007199254740993").add(&lit("0")).map(|n| n.text()).as_deref(),
            Some("9007199254740993")
        );
        assert_eq!(lit("1e21").text(), "1000000000000000000000");
        assert_eq!(lit("0.000001").text(), "0.000001");
        assert_eq!(lit("-0").text(), "-0");
    }

    #[test]
    fn floats_print_at_their_own_precision() {
        assert_eq!(Number::float(2f64.powi(64)).text(), "18446744073709550000");
        assert_eq!(Number::float(2f64.sqrt()).text(), "1.4142135623730951");
        assert_eq!(Number::float(0.1).text(), "0.1");
        assert_eq!(Number::int(3600).text(), "3600");
    }

    #[test]
    fn division_by_zero_is_infinite_and_comparison_is_exact() {
        assert_eq!(lit("1").div(&lit("0")).map(|n| n.text()).as_deref(), Some("+Inf"));
        assert!(lit("0").div(&lit("0")).is_none());
        assert!(lit("1e21") != lit("1e21").add(&lit("1")).expect("a sum"));
        assert!(lit("0.3") == lit("0.1").add(&lit("0.2")).expect("a sum"));
        assert_eq!(lit("2.5").trunc().text(), "2");
        assert_eq!(lit("-2.5").trunc().text(), "-2");
    }
}
