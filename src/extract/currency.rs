//! Currencies: ISO 4217 codes and the symbols invoices print instead of them.

/// The ISO 4217 codes the extractor recognises as words on a page.
const CODES: &[&str] = &[
    "EUR", "USD", "GBP", "CHF", "PLN", "CZK", "SEK", "NOK", "DKK", "HUF", "RON", "BGN", "JPY", "CNY", "INR",
    "CAD", "AUD", "NZD", "TRY", "RUB", "BRL", "MXN", "ZAR", "SGD", "HKD", "AED", "ILS", "KRW",
];

/// The ISO code a word names (`EUR`, `€`, `Euro`), if any.
pub fn code_of(word: &str) -> Option<&'static str> {
    let t = word.trim_matches(|c: char| matches!(c, ':' | '.' | ',' | '(' | ')'));
    if let Some(code) = CODES.iter().find(|c| **c == t) {
        return Some(code);
    }
    match t {
        "€" | "Euro" | "EURO" | "euro" => Some("EUR"),
        "£" => Some("GBP"),
        "$" | "US$" => Some("USD"),
        "₹" | "Rs" | "Rs." => Some("INR"),
        "zł" => Some("PLN"),
        "¥" => Some("JPY"),
        "Fr." | "SFr." => Some("CHF"),
        _ => None,
    }
}

/// The ISO code of a symbol glued to an amount (`€3.50`, `12,00€`).
pub fn glued_code(word: &str) -> Option<&'static str> {
    let first = word.chars().next()?;
    let last = word.chars().last()?;
    [first, last].into_iter().find_map(|c| code_of(&c.to_string()))
}
