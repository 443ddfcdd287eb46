//! Use case: purchase orders looked up — the list with each order's status (open, partly received,
//! received, closed) and one order with its lines (ordered, received from goods receipts, invoiced from
//! matched invoices, and what is still open), its receipts and its invoices. Quantities are counted as the
//! matching counts them (rejected invoices and duplicates use up nothing).

use chrono::NaiveDate;
use rust_decimal::Decimal;
use serde::Serialize;

use super::decisions::Deciding;
use super::Workspace;
use crate::decide::evidence::{PoLineState, PurchaseOrder};
use crate::error::{Error, Result};
use crate::model::{PoNumber, VendorId};
use crate::store::master_records::{self, InvoiceBrief, ReceiptBrief};
use crate::store::{self};

/// SQLite binds at most a few thousand values per statement; orders are read in chunks of this many.
const CHUNK: usize = 500;

/// Where a purchase order stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum PurchaseOrderStatus {
    /// Nothing received yet.
    Open,
    /// Some goods received, not all.
    PartlyReceived,
    /// Every line received in full; invoices still to come.
    Received,
    /// Every line received and invoiced in full.
    Closed,
}

impl PurchaseOrderStatus {
    /// The status of an order with these lines.
    pub fn of(lines: &[PoLineState]) -> Self {
        let full = |got: Decimal, ordered: Decimal| got >= ordered;
        if lines.iter().all(|l| full(l.received, l.line.quantity)) {
            if lines.iter().all(|l| full(l.invoiced, l.line.quantity)) {
                Self::Closed
            } else {
                Self::Received
            }
        } else if lines.iter().any(|l| l.received > Decimal::ZERO) {
            Self::PartlyReceived
        } else {
            Self::Open
        }
    }
}

/// A purchase order as the list shows it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct PurchaseOrderListing {
    pub po_number: PoNumber,
    pub vendor_id: VendorId,
    pub vendor_name: Option<String>,
    pub order_date: NaiveDate,
    pub currency: String,
    /// Net total ordered (quantity × unit price over the lines).
    #[serde(with = "rust_decimal::serde::str")]
    pub total: Decimal,
    pub line_count: usize,
    pub status: PurchaseOrderStatus,
}

/// One line with what was ordered, received, invoiced and is still open.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct PurchaseOrderLineRecord {
    pub line_no: u32,
    pub item_code: Option<String>,
    pub description: String,
    #[serde(with = "rust_decimal::serde::str")]
    pub unit_price: Decimal,
    #[serde(with = "rust_decimal::serde::str")]
    pub ordered: Decimal,
    #[serde(with = "rust_decimal::serde::str")]
    pub received: Decimal,
    #[serde(with = "rust_decimal::serde::str")]
    pub invoiced: Decimal,
    /// Ordered minus received, never below zero.
    #[serde(with = "rust_decimal::serde::str")]
    pub open_to_receive: Decimal,
    /// Ordered minus invoiced, never below zero.
    #[serde(with = "rust_decimal::serde::str")]
    pub open_to_invoice: Decimal,
}

/// One purchase order in full.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct PurchaseOrderRecord {
    #[serde(flatten)]
    pub order: PurchaseOrderListing,
    pub lines: Vec<PurchaseOrderLineRecord>,
    pub receipts: Vec<ReceiptBrief>,
    /// Invoices matched against or referring to this order, newest first.
    pub invoices: Vec<InvoiceBrief>,
}

impl Workspace {
    /// Purchase orders whose number, vendor id or vendor name contains `query` (ignoring case), newest
    /// order first; every order when `query` is empty.
    pub async fn search_purchase_orders(&self, query: &str) -> Result<Vec<PurchaseOrderListing>> {
        let mut conn = self.store().acquire("list purchase orders").await?;
        let names = vendor_names(self).await?;
        let needle = query.trim().to_lowercase();
        let numbers: Vec<PoNumber> = store::decisions::po_numbers(&mut conn)
            .await?
            .into_iter()
            .filter(|(po, vendor)| {
                needle.is_empty()
                    || po.as_str().to_lowercase().contains(&needle)
                    || vendor.as_str().to_lowercase().contains(&needle)
                    || names
                        .get(vendor)
                        .is_some_and(|n| n.to_lowercase().contains(&needle))
            })
            .map(|(po, _)| po)
            .collect();
        let mut listings = Vec::with_capacity(numbers.len());
        for chunk in numbers.chunks(CHUNK) {
            for order in store::decisions::purchase_orders(&mut conn, chunk, Deciding::New).await? {
                listings.push(listing(&order, &names));
            }
        }
        listings.sort_by(|a, b| {
            b.order_date
                .cmp(&a.order_date)
                .then_with(|| a.po_number.cmp(&b.po_number))
        });
        Ok(listings)
    }

    /// One purchase order with its lines, receipts and invoices.
    pub async fn purchase_order_record(&self, po_number: &PoNumber) -> Result<PurchaseOrderRecord> {
        let names = vendor_names(self).await?;
        let mut conn = self.store().acquire("read a purchase order").await?;
        let order =
            store::decisions::purchase_orders(&mut conn, std::slice::from_ref(po_number), Deciding::New)
                .await?
                .into_iter()
                .next()
                .ok_or_else(|| Error::NotFound {
                    what: "purchase order",
                    id: po_number.to_string(),
                })?;
        let mut lines: Vec<PurchaseOrderLineRecord> = order.lines.iter().map(line_record).collect();
        lines.sort_by_key(|l| l.line_no);
        Ok(PurchaseOrderRecord {
            order: listing(&order, &names),
            lines,
            receipts: master_records::receipts_of(&mut conn, po_number).await?,
            invoices: master_records::invoices_on(&mut conn, po_number).await?,
        })
    }
}

async fn vendor_names(workspace: &Workspace) -> Result<std::collections::HashMap<VendorId, String>> {
    Ok(store::vendors::list(workspace.store().pool())
        .await?
        .into_iter()
        .map(|v| (v.vendor_id, v.name))
        .collect())
}

fn listing(
    order: &PurchaseOrder,
    names: &std::collections::HashMap<VendorId, String>,
) -> PurchaseOrderListing {
    let first = order.lines.iter().map(|l| &l.line).min_by_key(|l| l.line_no);
    PurchaseOrderListing {
        po_number: order.number.clone(),
        vendor_name: names.get(&order.vendor_id).cloned(),
        vendor_id: order.vendor_id.clone(),
        order_date: order
            .lines
            .iter()
            .map(|l| l.line.order_date)
            .min()
            .unwrap_or_default(),
        currency: first.map(|l| l.currency.code().to_owned()).unwrap_or_default(),
        total: order
            .lines
            .iter()
            .map(|l| l.line.quantity * l.line.unit_price)
            .sum(),
        line_count: order.lines.len(),
        status: PurchaseOrderStatus::of(&order.lines),
    }
}

/// Quantities are shown without trailing zeros (an invoice's `3.0000` is the order's `3`).
fn line_record(state: &PoLineState) -> PurchaseOrderLineRecord {
    let open = |done: Decimal| (state.line.quantity - done).max(Decimal::ZERO).normalize();
    PurchaseOrderLineRecord {
        line_no: state.line.line_no,
        item_code: state.line.item_code.clone(),
        description: state.line.description.clone(),
        unit_price: state.line.unit_price,
        ordered: state.line.quantity.normalize(),
        received: state.received.normalize(),
        invoiced: state.invoiced.normalize(),
        open_to_receive: open(state.received),
        open_to_invoice: open(state.invoiced),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{Origin, PurchaseOrderLine};

    fn dec(text: &str) -> Decimal {
        text.parse().unwrap()
    }

    fn line(ordered: Decimal, received: Decimal, invoiced: Decimal) -> PoLineState {
        PoLineState {
            line: PurchaseOrderLine {
                po_number: PoNumber("PO-1".into()),
                line_no: 1,
                vendor_id: VendorId("V-1".into()),
                item_code: None,
                description: "bolts".into(),
                quantity: ordered,
                unit_price: dec("2.5"),
                currency: "EUR".parse().unwrap(),
                tax_rate: None,
                order_date: NaiveDate::from_ymd_opt(2026, 1, 5).unwrap(),
                department: None,
                requester: None,
                account: None,
                origin: Origin::Import("po.csv".into()),
            },
            received,
            invoiced,
        }
    }

    #[test]
    fn the_status_follows_what_was_received_then_what_was_invoiced() {
        use PurchaseOrderStatus::*;
        let of = |lines: &[PoLineState]| PurchaseOrderStatus::of(lines);
        assert_eq!(of(&[line(dec("10"), dec("0"), dec("0"))]), Open);
        assert_eq!(
            of(&[line(dec("10"), dec("0"), dec("4"))]),
            Open,
            "invoiced before goods came"
        );
        assert_eq!(of(&[line(dec("10"), dec("4"), dec("0"))]), PartlyReceived);
        assert_eq!(
            of(&[
                line(dec("10"), dec("10"), dec("0")),
                line(dec("5"), dec("0"), dec("0"))
            ]),
            PartlyReceived
        );
        assert_eq!(of(&[line(dec("10"), dec("10"), dec("9.5"))]), Received);
        assert_eq!(of(&[line(dec("10"), dec("12"), dec("10"))]), Closed);
    }

    #[test]
    fn open_quantities_never_go_below_zero() {
        let record = line_record(&line(dec("10"), dec("12"), dec("3.25")));
        assert_eq!(record.open_to_receive, dec("0"));
        assert_eq!(record.open_to_invoice, dec("6.75"));
        let invoiced = line_record(&line(dec("3"), dec("0"), dec("3.0000")));
        assert_eq!(invoiced.invoiced.to_string(), "3", "no trailing zeros on screen");
        assert_eq!(invoiced.open_to_invoice.to_string(), "0");
    }
}
