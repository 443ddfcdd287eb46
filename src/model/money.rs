//! Amounts of money: `rust_decimal::Decimal` with an ISO 4217 currency, never floats.
//!
//! Amounts cross every boundary (JSON, SQLite, CSV) as canonical decimal text such as `"1471.60"`:
//! a JSON number would pass through an f64 somewhere and lose cents.

use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};
use std::fmt;
use std::str::FromStr;

/// An ISO 4217 currency code such as `EUR` (three upper-case ASCII letters).
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct Currency(String);

impl Currency {
    /// The three-letter code.
    pub fn code(&self) -> &str {
        &self.0
    }
}

impl FromStr for Currency {
    type Err = String;

    fn from_str(value: &str) -> Result<Self, Self::Err> {
        let code = value.trim().to_ascii_uppercase();
        if code.len() == 3 && code.bytes().all(|b| b.is_ascii_uppercase()) {
            Ok(Self(code))
        } else {
            Err(format!(
                "'{value}' is not an ISO 4217 currency code (three letters, e.g. EUR)"
            ))
        }
    }
}

impl TryFrom<String> for Currency {
    type Error = String;
    fn try_from(value: String) -> Result<Self, Self::Error> {
        value.parse()
    }
}

impl From<Currency> for String {
    fn from(value: Currency) -> Self {
        value.0
    }
}

impl fmt::Display for Currency {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// An amount together with its currency.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Money {
    #[serde(with = "rust_decimal::serde::str")]
    pub amount: Decimal,
    pub currency: Currency,
}

/// Parses a plain decimal as written in our files and contracts: `.` as the decimal separator,
/// an optional leading sign, no thousands separators, no exponent.
pub fn parse_plain_decimal(text: &str) -> Result<Decimal, String> {
    let trimmed = text.trim();
    let digits = trimmed.strip_prefix(['-', '+']).unwrap_or(trimmed);
    let well_formed = !digits.is_empty()
        && digits.bytes().all(|b| b.is_ascii_digit() || b == b'.')
        && digits.bytes().filter(|&b| b == b'.').count() <= 1
        && digits.bytes().any(|b| b.is_ascii_digit());
    if !well_formed {
        return Err(format!(
            "'{text}' is not a decimal number (use digits with '.' as the decimal separator)"
        ));
    }
    Decimal::from_str(trimmed).map_err(|e| format!("'{text}' is not a decimal number: {e}"))
}

/// The canonical text of an amount as stored: normalised (no trailing zeros beyond the value's own scale
/// are added or removed), so that `"1471.60"` stays `"1471.60"`.
pub fn decimal_text(value: &Decimal) -> String {
    value.to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn currency_codes_are_normalised_to_upper_case_and_checked() {
        assert_eq!("eur".parse::<Currency>().unwrap().code(), "EUR");
        assert!("EURO".parse::<Currency>().is_err(), "four letters is not a code");
        assert!("E1R".parse::<Currency>().is_err(), "digits are not allowed");
    }

    #[test]
    fn plain_decimals_keep_their_scale_and_reject_locale_formats() {
        assert_eq!(parse_plain_decimal("1471.60").unwrap().to_string(), "1471.60");
        assert_eq!(parse_plain_decimal("-0.5").unwrap().to_string(), "-0.5");
        assert!(
            parse_plain_decimal("1,471.60").is_err(),
            "thousands separators are not plain decimals"
        );
        assert!(
            parse_plain_decimal("1e3").is_err(),
            "exponents are not plain decimals"
        );
        assert!(parse_plain_decimal("").is_err());
        assert!(parse_plain_decimal(".").is_err());
    }

    #[test]
    fn money_serialises_amounts_as_strings_not_floats() {
        let money = Money {
            amount: parse_plain_decimal("0.10").unwrap(),
            currency: "EUR".parse().unwrap(),
        };
        let json = serde_json::to_string(&money).unwrap();
        assert_eq!(json, r#"{"amount":"0.10","currency":"EUR"}"#);
    }
}
