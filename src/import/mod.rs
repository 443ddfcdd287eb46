//! Master-data import (contracts/master-data.md): CSV files of vendors, purchase orders, goods receipts and
//! accounts, parsed and validated row by row. Pure: references to other master data (a PO's vendor, a
//! receipt's PO line) are checked by the use case inside the import transaction.

mod bank_changes;
mod table;

use std::cell::RefCell;
use std::collections::HashMap;
use std::hash::Hash;

use serde::Serialize;

use crate::error::{Error, Result};
use crate::model::master::normalise_identifier;
use crate::model::{
    Account, AccountCode, Origin, PoNumber, PurchaseOrderLine, Receipt, ReceiptId, Vendor, VendorId,
};
pub use bank_changes::{bank_changes, bank_field_label, changed_bank_fields, BankChange, BankFieldChange};
use table::{Cells, Table};

/// Which master-data file is being imported.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum MasterDataKind {
    Vendors,
    PurchaseOrders,
    Receipts,
    Accounts,
}

impl std::str::FromStr for MasterDataKind {
    type Err = Error;
    fn from_str(text: &str) -> Result<Self> {
        match text {
            "vendors" => Ok(Self::Vendors),
            "purchase-orders" => Ok(Self::PurchaseOrders),
            "receipts" => Ok(Self::Receipts),
            "accounts" => Ok(Self::Accounts),
            other => Err(Error::Usage(format!(
                "'{other}' is not something to import; use vendors, purchase-orders, receipts or accounts"
            ))),
        }
    }
}

/// What an import did.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ImportReport {
    pub file: String,
    pub kind: MasterDataKind,
    /// Rows in the file; each is now on file.
    pub rows: usize,
    /// Rows that were new or differed from what was on file (an identical re-import changes none).
    pub changed: usize,
    /// Non-fatal remarks, such as columns the import ignored.
    pub warnings: Vec<String>,
    /// Vendors already on file whose IBAN, BIC or account number the file changed (masked), each also
    /// in the audit trail.
    pub bank_changes: Vec<BankChange>,
}

/// The validated rows of one file, each with its line number.
#[derive(Debug)]
pub struct Parsed<T> {
    pub rows: Vec<(u64, T)>,
    pub warnings: Vec<String>,
}

const VENDOR_COLUMNS: &[&str] = &[
    "vendor_id",
    "name",
    "tax_id",
    "iban",
    "bic",
    "account_number",
    "currency",
    "email",
    "payment_terms_days",
    "default_account",
    "aliases",
];
const PO_COLUMNS: &[&str] = &[
    "po_number",
    "vendor_id",
    "line_no",
    "item_code",
    "description",
    "quantity",
    "unit_price",
    "currency",
    "tax_rate",
    "order_date",
    "department",
    "requester",
    "account",
];
const RECEIPT_COLUMNS: &[&str] = &[
    "receipt_id",
    "po_number",
    "line_no",
    "quantity_received",
    "received_date",
];
const ACCOUNT_COLUMNS: &[&str] = &["code", "name", "type"];

/// Parses vendors.csv.
pub fn parse_vendors(file: &str, bytes: &[u8]) -> Result<Parsed<Vendor>> {
    parse(
        file,
        bytes,
        VENDOR_COLUMNS,
        &["vendor_id", "name"],
        |cells| {
            let vendor_id = cells.required("vendor_id");
            let name = cells.required("name");
            let iban = cells.optional("iban").map(|v| normalise_identifier(&v));
            if let Some(problem) = iban.as_deref().and_then(iban_problem) {
                cells.fail(Some("iban"), problem);
            }
            let vendor = Vendor {
                vendor_id: VendorId(vendor_id?),
                name: name?,
                tax_id: cells.optional("tax_id").map(|v| normalise_identifier(&v)),
                iban,
                bic: cells.optional("bic").map(|v| normalise_identifier(&v)),
                account_number: cells.optional("account_number"),
                currency: cells.currency("currency", false),
                email: cells.optional("email"),
                payment_terms_days: cells.whole_number("payment_terms_days", false),
                default_account: cells.optional("default_account").map(AccountCode),
                aliases: cells
                    .optional("aliases")
                    .map(|a| {
                        a.split('|')
                            .map(str::trim)
                            .filter(|s| !s.is_empty())
                            .map(str::to_owned)
                            .collect()
                    })
                    .unwrap_or_default(),
                origin: Origin::Import(file.to_owned()),
            };
            Some(vendor)
        },
        |v| v.vendor_id.clone(),
    )
}

/// Parses purchase_orders.csv (one row per PO line).
pub fn parse_purchase_orders(file: &str, bytes: &[u8]) -> Result<Parsed<PurchaseOrderLine>> {
    let required = [
        "po_number",
        "vendor_id",
        "line_no",
        "description",
        "quantity",
        "unit_price",
        "currency",
        "order_date",
    ];
    parse(
        file,
        bytes,
        PO_COLUMNS,
        &required,
        |cells| {
            let po_number = cells.required("po_number");
            let vendor_id = cells.required("vendor_id");
            let line_no = cells.whole_number("line_no", true);
            let description = cells.required("description");
            let quantity = cells.decimal("quantity", true);
            let unit_price = cells.decimal("unit_price", true);
            let currency = cells.currency("currency", true);
            let order_date = cells.date("order_date", true);
            let tax_rate = cells.decimal("tax_rate", false);
            if quantity.is_some_and(|q| q.is_sign_negative()) {
                cells.fail(
                    Some("quantity"),
                    "an ordered quantity cannot be negative".to_owned(),
                );
            }
            Some(PurchaseOrderLine {
                po_number: PoNumber(po_number?),
                line_no: line_no?,
                vendor_id: VendorId(vendor_id?),
                item_code: cells.optional("item_code"),
                description: description?,
                quantity: quantity?,
                unit_price: unit_price?,
                currency: currency?,
                tax_rate,
                order_date: order_date?,
                department: cells.optional("department"),
                requester: cells.optional("requester"),
                account: cells.optional("account").map(AccountCode),
                origin: Origin::Import(file.to_owned()),
            })
        },
        |line| (line.po_number.clone(), line.line_no),
    )
}

/// Parses receipts.csv.
pub fn parse_receipts(file: &str, bytes: &[u8]) -> Result<Parsed<Receipt>> {
    parse(
        file,
        bytes,
        RECEIPT_COLUMNS,
        RECEIPT_COLUMNS,
        |cells| {
            let receipt_id = cells.required("receipt_id");
            let po_number = cells.required("po_number");
            let line_no = cells.whole_number("line_no", true);
            let quantity = cells.decimal("quantity_received", true);
            let received_date = cells.date("received_date", true);
            if quantity.is_some_and(|q| q.is_sign_negative()) {
                cells.fail(
                    Some("quantity_received"),
                    "a received quantity cannot be negative".to_owned(),
                );
            }
            Some(Receipt {
                receipt_id: ReceiptId(receipt_id?),
                po_number: PoNumber(po_number?),
                line_no: line_no?,
                quantity_received: quantity?,
                received_date: received_date?,
                origin: Origin::Import(file.to_owned()),
            })
        },
        |r| (r.receipt_id.clone(), r.po_number.clone(), r.line_no),
    )
}

/// Parses accounts.csv.
pub fn parse_accounts(file: &str, bytes: &[u8]) -> Result<Parsed<Account>> {
    parse(
        file,
        bytes,
        ACCOUNT_COLUMNS,
        &["code", "name"],
        |cells| {
            let code = cells.required("code");
            let name = cells.required("name");
            Some(Account {
                code: AccountCode(code?),
                name: name?,
                account_type: cells.optional("type"),
                origin: Origin::Import(file.to_owned()),
            })
        },
        |a| a.code.clone(),
    )
}

/// Reads the table, converts each row, rejects repeated keys, and returns every row or every problem.
fn parse<T, K: Eq + Hash>(
    file: &str,
    bytes: &[u8],
    known: &[&str],
    required: &[&str],
    convert: impl Fn(&Cells<'_>) -> Option<T>,
    key: impl Fn(&T) -> K,
) -> Result<Parsed<T>> {
    let invalid = |rows| Error::InvalidRows {
        file: file.to_owned(),
        rows,
    };
    let table = Table::read(bytes, known, required).map_err(invalid)?;
    let errors = RefCell::new(Vec::new());
    let mut rows = Vec::new();
    let mut first_line_of_key: HashMap<K, u64> = HashMap::new();
    for cells in table.rows(&errors) {
        let converted = convert(&cells);
        match converted {
            Some(row) if !cells.has_failed() => {
                if let Some(first) = first_line_of_key.insert(key(&row), cells.line) {
                    cells.fail(
                        None,
                        format!("the same key is already on line {first}; each key may appear once"),
                    );
                } else {
                    rows.push((cells.line, row));
                }
            }
            _ => {}
        }
    }
    let errors = errors.into_inner();
    if !errors.is_empty() {
        return Err(invalid(errors));
    }
    let warnings = table
        .unknown_columns
        .iter()
        .map(|column| format!("{file}: column '{column}' is not used and was ignored"))
        .collect();
    Ok(Parsed { rows, warnings })
}

/// Why `iban` (upper case, no spaces) is not an IBAN, as the import says it; `None` when it is one. Every
/// place that takes an IBAN into master data (the import, an edit by hand) checks it with this.
pub fn iban_problem(iban: &str) -> Option<String> {
    (!looks_like_iban(iban))
        .then(|| format!("'{iban}' is not an IBAN (two letters, two check digits, then the account)"))
}

/// A light structural IBAN check (country letters, check digits, length, mod-97).
fn looks_like_iban(iban: &str) -> bool {
    let bytes = iban.as_bytes();
    if !(15..=34).contains(&bytes.len())
        || !bytes[..2].iter().all(u8::is_ascii_uppercase)
        || !bytes[2..4].iter().all(u8::is_ascii_digit)
        || !bytes.iter().all(u8::is_ascii_alphanumeric)
    {
        return false;
    }
    let rearranged = iban[4..].chars().chain(iban[..4].chars());
    let mut remainder: u32 = 0;
    for c in rearranged {
        let value = c.to_digit(36).unwrap_or(0);
        for digit in value.to_string().chars() {
            remainder = (remainder * 10 + digit.to_digit(10).unwrap_or(0)) % 97;
        }
    }
    remainder == 1
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::error::RowError;

    fn row_errors(result: Result<impl std::fmt::Debug>) -> Vec<RowError> {
        match result {
            Err(Error::InvalidRows { rows, .. }) => rows,
            other => panic!("expected row errors, got {other:?}"),
        }
    }

    #[test]
    fn vendors_parse_in_any_column_order_and_normalise_ids() {
        let csv = "name,vendor_id,tax_id,iban,aliases,extra\nAcme GmbH,V1,de 123456789,DE89 3704 0044 0532 0130 00,ACME|Acme Corp,x\n";
        let parsed = parse_vendors("vendors.csv", csv.as_bytes()).unwrap();
        let (line, vendor) = &parsed.rows[0];
        assert_eq!(*line, 2);
        assert_eq!(vendor.tax_id.as_deref(), Some("DE123456789"));
        assert_eq!(vendor.iban.as_deref(), Some("DE89370400440532013000"));
        assert_eq!(vendor.aliases, vec!["ACME", "Acme Corp"]);
        assert_eq!(
            parsed.warnings,
            vec!["vendors.csv: column 'extra' is not used and was ignored"]
        );
    }

    #[test]
    fn a_wrong_date_is_reported_with_line_and_column() {
        let csv = "po_number,vendor_id,line_no,description,quantity,unit_price,currency,order_date\n\
                   PO1,V1,1,Bolts,10,0.50,EUR,2026-01-05\n\
                   PO1,V1,2,Nuts,10,0.20,EUR,05/01/2026\n";
        let errors = row_errors(parse_purchase_orders("po.csv", csv.as_bytes()));
        assert_eq!(errors.len(), 1);
        assert_eq!(errors[0].line, 3);
        assert_eq!(errors[0].column.as_deref(), Some("order_date"));
        assert!(errors[0].message.contains("YYYY-MM-DD"), "{}", errors[0].message);
    }

    #[test]
    fn a_missing_required_column_is_reported_on_the_header_line() {
        let csv = "po_number,vendor_id,line_no,description,quantity,unit_price,currency\nPO1,V1,1,Bolts,10,0.5,EUR\n";
        let errors = row_errors(parse_purchase_orders("po.csv", csv.as_bytes()));
        assert_eq!(errors[0].line, 1);
        assert_eq!(errors[0].column.as_deref(), Some("order_date"));
    }

    #[test]
    fn every_bad_cell_of_every_row_is_reported_not_only_the_first() {
        let csv = "receipt_id,po_number,line_no,quantity_received,received_date\nR1,PO1,x,abc,2026-02-30\nR2,PO1,1,-1,2026-02-01\n";
        let errors = row_errors(parse_receipts("receipts.csv", csv.as_bytes()));
        let columns: Vec<_> = errors
            .iter()
            .map(|e| (e.line, e.column.clone().unwrap_or_default()))
            .collect();
        assert_eq!(
            columns,
            vec![
                (2, "line_no".into()),
                (2, "quantity_received".into()),
                (2, "received_date".into()),
                (3, "quantity_received".into())
            ]
        );
    }

    #[test]
    fn repeated_keys_in_one_file_are_rejected() {
        let csv = "code,name\n4000,Materials\n4000,Services\n";
        let errors = row_errors(parse_accounts("accounts.csv", csv.as_bytes()));
        assert_eq!(errors[0].line, 3);
        assert!(errors[0].message.contains("line 2"));
    }

    #[test]
    fn money_with_thousands_separators_is_refused_not_guessed() {
        let csv = "po_number,vendor_id,line_no,description,quantity,unit_price,currency,order_date\nPO1,V1,1,Desk,1,\"1,200.00\",EUR,2026-01-05\n";
        let errors = row_errors(parse_purchase_orders("po.csv", csv.as_bytes()));
        assert_eq!(errors[0].column.as_deref(), Some("unit_price"));
    }

    #[test]
    fn an_invalid_iban_checksum_is_refused() {
        let csv = "vendor_id,name,iban\nV1,Acme,DE89370400440532013001\n";
        let errors = row_errors(parse_vendors("vendors.csv", csv.as_bytes()));
        assert_eq!(errors[0].column.as_deref(), Some("iban"));
        assert!(looks_like_iban("GB82WEST12345698765432"));
    }

    #[test]
    fn ragged_rows_and_bad_utf8_are_clear_errors() {
        let ragged = "code,name\n4000\n";
        let errors = row_errors(parse_accounts("a.csv", ragged.as_bytes()));
        assert!(errors[0].message.contains("cells"), "{}", errors[0].message);
        let latin1 = b"code,name\n4000,Mat\xe9riel\n";
        let errors = row_errors(parse_accounts("a.csv", latin1));
        assert!(errors[0].message.contains("UTF-8"), "{}", errors[0].message);
    }
}
