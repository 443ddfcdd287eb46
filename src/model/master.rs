//! Master data: vendors, purchase-order lines, goods receipts and accounts (contracts/master-data.md).

use chrono::NaiveDate;
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};

use super::ids::{AccountCode, PoNumber, ReceiptId, VendorId};
use super::money::Currency;

/// Where a master-data record came from: a user's CSV import or a pull from an accounting system.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case", tag = "kind", content = "name")]
pub enum Origin {
    /// Imported from a CSV file (the file name is kept).
    Import(String),
    /// Pulled from a connected accounting system (the connection name is kept).
    Sync(String),
    /// Entered by hand in the app (the person who entered it is kept).
    Manual(String),
}

impl Origin {
    /// The stored text form: `import:FILE` or `sync:NAME`.
    pub fn to_text(&self) -> String {
        match self {
            Self::Import(file) => format!("import:{file}"),
            Self::Sync(name) => format!("sync:{name}"),
            Self::Manual(who) => format!("manual:{who}"),
        }
    }

    /// Reads the stored text form back.
    pub fn from_text(text: &str) -> Option<Self> {
        let (kind, name) = text.split_once(':')?;
        match kind {
            "import" => Some(Self::Import(name.to_owned())),
            "sync" => Some(Self::Sync(name.to_owned())),
            "manual" => Some(Self::Manual(name.to_owned())),
            _ => None,
        }
    }
}

/// A vendor on file.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Vendor {
    pub vendor_id: VendorId,
    pub name: String,
    /// VAT / tax registration id, upper case without spaces.
    pub tax_id: Option<String>,
    /// IBAN on file, upper case without spaces.
    pub iban: Option<String>,
    pub bic: Option<String>,
    /// Non-IBAN account on file (e.g. `ROUTING:ACCOUNT`).
    pub account_number: Option<String>,
    pub currency: Option<Currency>,
    pub email: Option<String>,
    pub payment_terms_days: Option<u32>,
    pub default_account: Option<AccountCode>,
    pub aliases: Vec<String>,
    pub origin: Origin,
}

/// One line of a purchase order.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PurchaseOrderLine {
    pub po_number: PoNumber,
    pub line_no: u32,
    pub vendor_id: VendorId,
    pub item_code: Option<String>,
    pub description: String,
    #[serde(with = "rust_decimal::serde::str")]
    pub quantity: Decimal,
    #[serde(with = "rust_decimal::serde::str")]
    pub unit_price: Decimal,
    pub currency: Currency,
    #[serde(with = "rust_decimal::serde::str_option")]
    pub tax_rate: Option<Decimal>,
    pub order_date: NaiveDate,
    pub department: Option<String>,
    pub requester: Option<String>,
    pub account: Option<AccountCode>,
    pub origin: Origin,
}

/// A goods-received note line: a quantity received against one PO line.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Receipt {
    pub receipt_id: ReceiptId,
    pub po_number: PoNumber,
    pub line_no: u32,
    #[serde(with = "rust_decimal::serde::str")]
    pub quantity_received: Decimal,
    pub received_date: NaiveDate,
    pub origin: Origin,
}

/// A chart-of-accounts entry.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Account {
    pub code: AccountCode,
    pub name: String,
    pub account_type: Option<String>,
    pub origin: Origin,
}

/// Normalises a tax id or IBAN for comparison and storage: no whitespace, upper case.
pub fn normalise_identifier(text: &str) -> String {
    text.chars()
        .filter(|c| !c.is_whitespace())
        .flat_map(char::to_uppercase)
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn identifiers_compare_without_spaces_or_case() {
        assert_eq!(normalise_identifier("de 123 456 789"), "DE123456789");
        assert_eq!(
            normalise_identifier("DE89 3704 0044 0532 0130 00"),
            "DE89370400440532013000"
        );
    }

    #[test]
    fn origin_text_round_trips() {
        for origin in [
            Origin::Import("vendors.csv".into()),
            Origin::Sync("xero".into()),
            Origin::Manual("Dana".into()),
        ] {
            assert_eq!(Origin::from_text(&origin.to_text()), Some(origin));
        }
        assert_eq!(Origin::from_text("nonsense"), None);
    }
}
