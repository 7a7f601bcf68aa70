//! Sprig's integer math (`int64` results, arguments through `cast`) and its
//! float math, which goes through decimal arithmetic (`addf 0.1 0.2` is 0.3).

use super::args::{int, to_f64, to_i64, want, want_at_least};
use crate::helm::value::{FuncCx, Value};

pub fn add(_: &mut FuncCx, a: &[Value]) -> Result<Value, String> {
    Ok(Value::Int64(
        a.iter().fold(0i64, |acc, v| acc.wrapping_add(to_i64(v))),
    ))
}

pub fn add1(_: &mut FuncCx, a: &[Value]) -> Result<Value, String> {
    want("add1", a, 1)?;
    Ok(Value::Int64(to_i64(&a[0]).wrapping_add(1)))
}

pub fn sub(_: &mut FuncCx, a: &[Value]) -> Result<Value, String> {
    want("sub", a, 2)?;
    Ok(Value::Int64(to_i64(&a[0]).wrapping_sub(to_i64(&a[1]))))
}

pub fn mul(_: &mut FuncCx, a: &[Value]) -> Result<Value, String> {
    want_at_least("mul", a, 1)?;
    Ok(Value::Int64(
        a.iter().fold(1i64, |acc, v| acc.wrapping_mul(to_i64(v))),
    ))
}

pub fn div(_: &mut FuncCx, a: &[Value]) -> Result<Value, String> {
    want("div", a, 2)?;
    let d = to_i64(&a[1]);
    if d == 0 {
        return Err("runtime error: integer divide by zero".into());
    }
    Ok(Value::Int64(to_i64(&a[0]).wrapping_div(d)))
}

pub fn modulo(_: &mut FuncCx, a: &[Value]) -> Result<Value, String> {
    want("mod", a, 2)?;
    let d = to_i64(&a[1]);
    if d == 0 {
        return Err("runtime error: integer divide by zero".into());
    }
    Ok(Value::Int64(to_i64(&a[0]).wrapping_rem(d)))
}

pub fn max(_: &mut FuncCx, a: &[Value]) -> Result<Value, String> {
    want_at_least("max", a, 1)?;
    Ok(Value::Int64(a.iter().map(to_i64).max().unwrap_or(0)))
}

pub fn min(_: &mut FuncCx, a: &[Value]) -> Result<Value, String> {
    want_at_least("min", a, 1)?;
    Ok(Value::Int64(a.iter().map(to_i64).min().unwrap_or(0)))
}

pub fn maxf(_: &mut FuncCx, a: &[Value]) -> Result<Value, String> {
    want_at_least("maxf", a, 1)?;
    Ok(Value::Float(
        a.iter().map(to_f64).fold(f64::NEG_INFINITY, f64::max),
    ))
}

pub fn minf(_: &mut FuncCx, a: &[Value]) -> Result<Value, String> {
    want_at_least("minf", a, 1)?;
    Ok(Value::Float(
        a.iter().map(to_f64).fold(f64::INFINITY, f64::min),
    ))
}

pub fn floor(_: &mut FuncCx, a: &[Value]) -> Result<Value, String> {
    want("floor", a, 1)?;
    Ok(Value::Float(to_f64(&a[0]).floor()))
}

pub fn ceil(_: &mut FuncCx, a: &[Value]) -> Result<Value, String> {
    want("ceil", a, 1)?;
    Ok(Value::Float(to_f64(&a[0]).ceil()))
}

/// Sprig's `round`: up when the fraction at `places` is at least `roundOn`
/// (0.5 unless given), else down.
pub fn round(_: &mut FuncCx, a: &[Value]) -> Result<Value, String> {
    want_at_least("round", a, 2)?;
    let val = to_f64(&a[0]);
    let places = int(&a[1])? as f64;
    let round_on = a.get(2).map_or(0.5, to_f64);
    let pow = 10f64.powf(places);
    let digit = pow * val;
    let frac = digit.fract();
    let r = if frac >= round_on {
        digit.ceil()
    } else {
        digit.floor()
    };
    Ok(Value::Float(r / pow))
}

pub fn rand_int(cx: &mut FuncCx, a: &[Value]) -> Result<Value, String> {
    want("randInt", a, 2)?;
    let (lo, hi) = (int(&a[0])?, int(&a[1])?);
    let span = hi.wrapping_sub(lo);
    if span <= 0 {
        return Err("invalid argument to Intn".into());
    }
    Ok(Value::Int(lo + (cx.next_u64() % span as u64) as i64))
}

/// A decimal `mantissa × 10^exp`, as shopspring/decimal holds one.
#[derive(Clone, Copy, Debug)]
struct Decimal {
    m: i128,
    e: i32,
}

impl Decimal {
    /// `decimal.NewFromFloat`: the shortest digits that read back as `f`.
    fn from_f64(f: f64) -> Option<Decimal> {
        if !f.is_finite() {
            return None;
        }
        let s = format!("{f:e}");
        let (mantissa, exp) = s.split_once('e')?;
        let exp: i32 = exp.parse().ok()?;
        let neg = mantissa.starts_with('-');
        let digits: String = mantissa.chars().filter(char::is_ascii_digit).collect();
        let frac_len = mantissa.split_once('.').map_or(0, |(_, f)| f.len()) as i32;
        let m: i128 = digits.parse().ok()?;
        Some(Decimal {
            m: if neg { -m } else { m },
            e: exp - frac_len,
        })
    }

    fn to_f64(self) -> f64 {
        format!("{}e{}", self.m, self.e).parse().unwrap_or(f64::NAN)
    }

    fn align(self, other: Decimal) -> Option<(i128, i128, i32)> {
        let e = self.e.min(other.e);
        let scale = |d: Decimal| -> Option<i128> {
            let shift = u32::try_from(d.e - e).ok()?;
            d.m.checked_mul(10i128.checked_pow(shift)?)
        };
        Some((scale(self)?, scale(other)?, e))
    }

    fn add(self, o: Decimal) -> Option<Decimal> {
        let (a, b, e) = self.align(o)?;
        Some(Decimal {
            m: a.checked_add(b)?,
            e,
        })
    }

    fn sub(self, o: Decimal) -> Option<Decimal> {
        let (a, b, e) = self.align(o)?;
        Some(Decimal {
            m: a.checked_sub(b)?,
            e,
        })
    }

    fn mul(self, o: Decimal) -> Option<Decimal> {
        Some(Decimal {
            m: self.m.checked_mul(o.m)?,
            e: self.e.checked_add(o.e)?,
        })
    }

    /// `Div`: the quotient rounded half away from zero to 16 decimal places.
    fn div(self, o: Decimal) -> Option<Decimal> {
        const PLACES: i32 = 16;
        // self/o = (m1/m2) * 10^(e1-e2); scale to 10^-PLACES.
        let shift = self.e - o.e + PLACES;
        let (num, den) = if shift >= 0 {
            (self.m.checked_mul(10i128.checked_pow(shift as u32)?)?, o.m)
        } else {
            (
                self.m,
                o.m.checked_mul(10i128.checked_pow((-shift) as u32)?)?,
            )
        };
        let q = num / den;
        let r = num % den;
        let q = if r.checked_mul(2)?.abs() >= den.abs() {
            if (num < 0) != (den < 0) { q - 1 } else { q + 1 }
        } else {
            q
        };
        Some(Decimal { m: q, e: -PLACES })
    }
}

fn decimal_op(
    name: &str,
    a: &[Value],
    op: fn(Decimal, Decimal) -> Option<Decimal>,
    float_op: fn(f64, f64) -> f64,
) -> Result<Value, String> {
    want_at_least(name, a, 1)?;
    let mut acc = to_f64(&a[0]);
    for v in &a[1..] {
        let x = to_f64(v);
        if name == "divf" && x == 0.0 {
            return Err("decimal division by 0".into());
        }
        acc = match (Decimal::from_f64(acc), Decimal::from_f64(x)) {
            (Some(p), Some(q)) => op(p, q).map_or_else(|| float_op(acc, x), Decimal::to_f64),
            _ => float_op(acc, x),
        };
    }
    Ok(Value::Float(acc))
}

pub fn addf(_: &mut FuncCx, a: &[Value]) -> Result<Value, String> {
    if a.is_empty() {
        return Ok(Value::Float(0.0));
    }
    let mut all = vec![Value::Float(0.0)];
    all.extend_from_slice(a);
    decimal_op("addf", &all, Decimal::add, |x, y| x + y)
}

pub fn add1f(_: &mut FuncCx, a: &[Value]) -> Result<Value, String> {
    want("add1f", a, 1)?;
    decimal_op(
        "add1f",
        &[a[0].clone(), Value::Float(1.0)],
        Decimal::add,
        |x, y| x + y,
    )
}

pub fn subf(_: &mut FuncCx, a: &[Value]) -> Result<Value, String> {
    decimal_op("subf", a, Decimal::sub, |x, y| x - y)
}

pub fn mulf(_: &mut FuncCx, a: &[Value]) -> Result<Value, String> {
    decimal_op("mulf", a, Decimal::mul, |x, y| x * y)
}

pub fn divf(_: &mut FuncCx, a: &[Value]) -> Result<Value, String> {
    decimal_op("divf", a, Decimal::div, |x, y| x / y)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn call(f: crate::helm::value::Func, args: &[Value]) -> String {
        let mut cx = FuncCx::default();
        match f(&mut cx, args) {
            Ok(v) => v.go_string(),
            Err(e) => format!("ERR {e}"),
        }
    }

    /// Outputs of Helm 4.2.3 for the same calls.
    #[test]
    fn math_matches_sprig() {
        let i = Value::Int;
        let f = Value::Float;
        let s = Value::str;
        assert_eq!(call(add1, &[s("3")]), "4");
        assert_eq!(call(sub, &[i(5), s("2")]), "3");
        assert_eq!(call(mul, &[i(2), i(3), i(4)]), "24");
        assert_eq!(call(div, &[i(7), i(2)]), "3");
        assert_eq!(call(modulo, &[i(7), i(3)]), "1");
        assert_eq!(call(max, &[i(1), i(5), i(3)]), "5");
        assert_eq!(call(min, &[i(4), i(2), i(8)]), "2");
        assert_eq!(call(add, &[i(1), s("2"), f(3.7)]), "6");
        assert_eq!(
            call(div, &[i(1), i(0)]),
            "ERR runtime error: integer divide by zero"
        );
        assert_eq!(call(floor, &[f(1.7)]), "1");
        assert_eq!(call(ceil, &[f(1.2)]), "2");
        assert_eq!(call(round, &[f(1.2345), i(2)]), "1.23");
        assert_eq!(call(round, &[f(1.5), i(0)]), "2");
        assert_eq!(call(round, &[f(-1.5), i(0)]), "-2");
        assert_eq!(call(round, &[f(2.5), i(0), f(0.6)]), "2");
        assert_eq!(call(addf, &[i(1), f(2.5), s("3")]), "6.5");
        assert_eq!(call(add1f, &[f(1.5)]), "2.5");
        assert_eq!(call(subf, &[i(10), f(2.2), i(3)]), "4.8");
        assert_eq!(call(mulf, &[f(1.5), i(2), i(3)]), "9");
        assert_eq!(call(divf, &[i(10), i(4)]), "2.5");
        assert_eq!(call(divf, &[i(2), i(3)]), "0.6666666666666667");
        assert_eq!(call(maxf, &[i(1), f(2.5)]), "2.5");
        assert_eq!(call(minf, &[i(1), f(-2.5)]), "-2.5");
        assert_eq!(call(addf, &[f(0.1), f(0.2)]), "0.3");
        assert_eq!(call(mulf, &[f(1.1), i(3)]), "3.3");
        assert_eq!(call(divf, &[i(1), i(3)]), "0.3333333333333333");
        assert_eq!(call(subf, &[i(1), f(0.9)]), "0.1");
        assert_eq!(call(divf, &[i(1), i(0)]), "ERR decimal division by 0");
    }
}
