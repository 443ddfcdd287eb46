//! What a decision looks at besides the invoice: the purchase orders it may name (with what was received
//! and invoiced so far), this vendor's past invoices, confirmed bank accounts, "not a duplicate" overrides
//! and coding history. Loaded by key for one invoice (`store::decisions`), or built in memory by tests.

use chrono::NaiveDate;
use rust_decimal::Decimal;
use serde::Serialize;

use crate::model::{
    AccountCode, DocumentType, InvoiceId, InvoiceStatus, PoNumber, PurchaseOrderLine, VendorId,
};

/// One PO line with its running totals.
#[derive(Debug, Clone, PartialEq)]
pub struct PoLineState {
    pub line: PurchaseOrderLine,
    /// Sum of goods receipts against the line.
    pub received: Decimal,
    /// Sum of quantities already invoiced against the line (credit notes subtract).
    pub invoiced: Decimal,
}

/// A purchase order: its lines, all of one vendor.
#[derive(Debug, Clone, PartialEq)]
pub struct PurchaseOrder {
    pub number: PoNumber,
    pub vendor_id: VendorId,
    pub lines: Vec<PoLineState>,
    /// Whether any goods receipt exists for the PO (then it is matched 3-way).
    pub has_receipts: bool,
}

impl PurchaseOrder {
    /// Groups PO lines (sorted or not) into orders.
    pub fn group(lines: Vec<PoLineState>) -> Vec<PurchaseOrder> {
        let mut orders: Vec<PurchaseOrder> = Vec::new();
        for state in lines {
            match orders.iter_mut().find(|o| o.number == state.line.po_number) {
                Some(order) => {
                    order.has_receipts |= state.received > Decimal::ZERO;
                    order.lines.push(state);
                }
                None => orders.push(PurchaseOrder {
                    number: state.line.po_number.clone(),
                    vendor_id: state.line.vendor_id.clone(),
                    has_receipts: state.received > Decimal::ZERO,
                    lines: vec![state],
                }),
            }
        }
        for order in &mut orders {
            order.lines.sort_by_key(|l| l.line.line_no);
        }
        orders
    }

    /// Whether some quantity is still to be invoiced.
    pub fn is_open(&self) -> bool {
        self.lines.iter().any(|l| l.invoiced < l.line.quantity)
    }
}

/// A past invoice of the same vendor, as far as duplicates and bank history need it.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct PastInvoice {
    pub id: InvoiceId,
    pub document_type: DocumentType,
    pub number: Option<String>,
    pub issue_date: Option<NaiveDate>,
    #[serde(with = "rust_decimal::serde::str_option")]
    pub gross: Option<Decimal>,
    pub currency: Option<String>,
    /// Payee account, normalised.
    pub account: Option<String>,
    pub status: InvoiceStatus,
    /// Its lines in short ([`crate::decide::duplicates::line_signature`]); loaded only for past invoices
    /// issued on the same day as the invoice being decided.
    #[serde(skip)]
    pub line_signature: Option<String>,
}

/// A person confirmed out of band that a vendor's bank account is genuine.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct BankConfirmation {
    pub vendor_id: VendorId,
    /// Normalised account.
    pub account: String,
    pub confirmed_by: String,
    /// How, e.g. "called the number on file".
    pub method: String,
    pub confirmed_at: String,
}

/// A person decided this invoice is not a duplicate of another.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct DuplicateOverride {
    pub invoice_id: InvoiceId,
    pub not_duplicate_of: InvoiceId,
    pub decided_by: String,
    pub reason: String,
}

/// Everything a decision may look at for one invoice.
#[derive(Debug, Clone, Default)]
pub struct Evidence {
    /// POs the invoice's reference(s) may name (any vendor), and — when it names none — this vendor's.
    pub purchase_orders: Vec<PurchaseOrder>,
    /// This vendor's earlier invoices (never the invoice being decided).
    pub past_invoices: Vec<PastInvoice>,
    pub bank_confirmations: Vec<BankConfirmation>,
    /// Overrides recorded for the invoice being decided.
    pub duplicate_overrides: Vec<DuplicateOverride>,
    /// Accounts this vendor's earlier invoices were coded to, newest first.
    pub coding_history: Vec<AccountCode>,
}
