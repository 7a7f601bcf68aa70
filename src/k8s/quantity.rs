//! Resource quantities (`500m`, `0.5`, `1Gi`, `2e3`), read as the API server
//! reads them.

/// A parsed quantity. Zero and sign are exact; the value is approximate.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Quantity {
    /// The amount in base units (cores, bytes), as a float.
    pub value: f64,
    zero: bool,
    negative: bool,
}

impl Quantity {
    /// Parses Kubernetes' quantity syntax: a signed decimal number
    /// (`1`, `1.5`, `.5`, `5.`) followed by a binary suffix (`Ki` … `Ei`), a
    /// decimal suffix (`n`, `u`, `m`, `k`, `M` … `E`) or an exponent (`e3`).
    /// Surrounding spaces are ignored, as the API server trims them.
    pub fn parse(text: &str) -> Option<Quantity> {
        let text = text.trim();
        let (negative, unsigned) = match text.as_bytes().first()? {
            b'-' => (true, &text[1..]),
            b'+' => (false, &text[1..]),
            _ => (false, text),
        };
        let number_len = unsigned
            .bytes()
            .take_while(|b| b.is_ascii_digit() || *b == b'.')
            .count();
        let (number, suffix) = unsigned.split_at(number_len);
        let digits = number.bytes().filter(u8::is_ascii_digit).count();
        if digits == 0 || number.bytes().filter(|&b| b == b'.').count() > 1 {
            return None;
        }
        let multiplier = suffix_multiplier(suffix)?;
        let mantissa: f64 = number.parse().ok()?;
        let zero = number.bytes().all(|b| b == b'0' || b == b'.');
        Some(Quantity {
            value: if negative { -mantissa } else { mantissa } * multiplier,
            zero,
            negative: negative && !zero,
        })
    }

    /// A quantity from a number written without quotes (`cpu: 2`, `cpu: 0.5`).
    pub fn from_number(value: f64) -> Option<Quantity> {
        value.is_finite().then_some(Quantity {
            value,
            zero: value == 0.0,
            negative: value < 0.0,
        })
    }

    pub fn is_zero(&self) -> bool {
        self.zero
    }

    pub fn is_negative(&self) -> bool {
        self.negative
    }
}

fn suffix_multiplier(suffix: &str) -> Option<f64> {
    Some(match suffix {
        "" => 1.0,
        "n" => 1e-9,
        "u" => 1e-6,
        "m" => 1e-3,
        "k" => 1e3,
        "M" => 1e6,
        "G" => 1e9,
        "T" => 1e12,
        "P" => 1e15,
        "E" => 1e18,
        "Ki" => 1024f64,
        "Mi" => 1024f64.powi(2),
        "Gi" => 1024f64.powi(3),
        "Ti" => 1024f64.powi(4),
        "Pi" => 1024f64.powi(5),
        "Ei" => 1024f64.powi(6),
        _ => {
            let exponent = suffix.strip_prefix(['e', 'E'])?;
            let digits = exponent.strip_prefix(['+', '-']).unwrap_or(exponent);
            if digits.is_empty() || !digits.bytes().all(|b| b.is_ascii_digit()) {
                return None;
            }
            10f64.powi(exponent.parse().ok()?)
        }
    })
}

#[cfg(test)]
mod tests {
    use super::Quantity;

    fn value(text: &str) -> f64 {
        Quantity::parse(text)
            .unwrap_or_else(|| panic!("{text}"))
            .value
    }

    #[test]
    fn decimal_binary_and_exponent_suffixes() {
        assert_eq!(value("500m"), 0.5);
        assert_eq!(value("0.5"), 0.5);
        assert_eq!(value(".5"), 0.5);
        assert_eq!(value("2"), 2.0);
        assert_eq!(value("5."), 5.0);
        assert_eq!(value("1Gi"), 1073741824.0);
        assert_eq!(value("128Mi"), 134217728.0);
        assert_eq!(value("1k"), 1000.0);
        assert_eq!(value("2e3"), 2000.0);
        assert_eq!(value("1E-3"), 0.001);
        assert_eq!(value("+1"), 1.0);
        assert_eq!(value(" 256Mi "), 268435456.0);
    }

    #[test]
    fn zero_in_every_spelling() {
        for text in ["0", "0m", "0Mi", "0.0", ".0", "-0", "000", "0e3"] {
            let q = Quantity::parse(text).unwrap_or_else(|| panic!("{text}"));
            assert!(q.is_zero(), "{text}");
            assert!(!q.is_negative(), "{text}");
        }
        assert!(!Quantity::parse("1n").unwrap().is_zero());
        assert!(!Quantity::parse("0.001m").unwrap().is_zero());
    }

    #[test]
    fn negative_values() {
        assert!(Quantity::parse("-100m").unwrap().is_negative());
        assert!(Quantity::from_number(-1.0).unwrap().is_negative());
    }

    #[test]
    fn malformed_quantities() {
        for text in [
            "", " ", "m", "Gi", "1.2.3", "1GB", "1gi", "one", "1e", "1e+", "1 Gi", "--1", "0x10",
        ] {
            assert_eq!(Quantity::parse(text), None, "{text:?}");
        }
        assert_eq!(Quantity::from_number(f64::NAN), None);
        assert_eq!(Quantity::from_number(f64::INFINITY), None);
    }
}
