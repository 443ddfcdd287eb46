//! Use case: a goods receipt recorded by hand — the purchase orders still waiting for goods (ordered and
//! received so far per line), storing a receipt like an imported one, and deciding again the invoices in
//! exception on those purchase orders (as after a receipts import).

use std::collections::{BTreeMap, BTreeSet};

use chrono::{NaiveDate, Utc};
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};

use super::{CoreEvent, Workspace};
use crate::error::{Error, Result};
use crate::model::{InvoiceId, InvoiceStatus, Origin, PoNumber, Receipt, ReceiptId, VendorId};
use crate::store::{self, timestamp};

/// One PO line with what was ordered and what has been received against it so far.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ReceivableLine {
    pub line_no: u32,
    pub description: String,
    #[serde(with = "rust_decimal::serde::str")]
    pub ordered: Decimal,
    #[serde(with = "rust_decimal::serde::str")]
    pub received: Decimal,
}

/// A purchase order with at least one line not yet received in full.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct OpenPurchaseOrder {
    pub po_number: PoNumber,
    pub vendor_id: VendorId,
    pub vendor_name: Option<String>,
    pub order_date: NaiveDate,
    /// Every line of the PO (received in full or not), by line number.
    pub lines: Vec<ReceivableLine>,
}

/// A quantity received against one PO line.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ReceivedLine {
    pub line_no: u32,
    #[serde(with = "rust_decimal::serde::str")]
    pub quantity: Decimal,
}

/// A goods receipt typed in by a person.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ReceiptEntry {
    pub po_number: PoNumber,
    /// The delivery note's number; when empty one is made from the PO and the time of entry.
    pub receipt_id: Option<String>,
    pub received_date: NaiveDate,
    /// Lines with a quantity above zero; lines left out were not delivered.
    pub lines: Vec<ReceivedLine>,
    /// Who recorded it (kept as the receipt's origin).
    pub who: String,
}

/// An invoice decided again after a receipt, with its status before and after.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Redecided {
    pub invoice_id: InvoiceId,
    pub before: InvoiceStatus,
    pub after: InvoiceStatus,
}

/// What recording a receipt did.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ReceiptRecorded {
    pub receipt_id: ReceiptId,
    pub lines: usize,
    /// The invoices in exception on this PO, decided again.
    pub redecided: Vec<Redecided>,
}

impl Workspace {
    /// Purchase orders with a line not yet received in full, by PO number.
    pub async fn open_purchase_orders(&self) -> Result<Vec<OpenPurchaseOrder>> {
        let pool = self.store().pool();
        let lines = store::purchase_orders::list(pool).await?;
        let mut received: BTreeMap<(PoNumber, u32), Decimal> = BTreeMap::new();
        for receipt in store::receipts::list(pool).await? {
            *received.entry((receipt.po_number, receipt.line_no)).or_default() += receipt.quantity_received;
        }
        let names: BTreeMap<VendorId, String> = store::vendors::list(pool)
            .await?
            .into_iter()
            .map(|v| (v.vendor_id, v.name))
            .collect();
        let mut orders: BTreeMap<PoNumber, OpenPurchaseOrder> = BTreeMap::new();
        for line in lines {
            let got = received
                .get(&(line.po_number.clone(), line.line_no))
                .copied()
                .unwrap_or_default();
            let order = orders
                .entry(line.po_number.clone())
                .or_insert_with(|| OpenPurchaseOrder {
                    po_number: line.po_number.clone(),
                    vendor_name: names.get(&line.vendor_id).cloned(),
                    vendor_id: line.vendor_id.clone(),
                    order_date: line.order_date,
                    lines: Vec::new(),
                });
            order.lines.push(ReceivableLine {
                line_no: line.line_no,
                description: line.description,
                ordered: line.quantity,
                received: got,
            });
        }
        Ok(orders
            .into_values()
            .filter(|order| order.lines.iter().any(|l| l.received < l.ordered))
            .map(|mut order| {
                order.lines.sort_by_key(|l| l.line_no);
                order
            })
            .collect())
    }

    /// Stores a receipt typed in by hand (one row per line, like a receipts.csv row, origin `manual:WHO`) in
    /// one transaction, then decides again the invoices in exception on that purchase order.
    pub async fn record_receipt(&self, entry: &ReceiptEntry) -> Result<ReceiptRecorded> {
        let who = entry.who.trim();
        if who.is_empty() {
            return Err(Error::Usage(
                "a goods receipt needs the name of who received the goods; choose a person first".into(),
            ));
        }
        let lines: Vec<&ReceivedLine> = entry.lines.iter().filter(|l| !l.quantity.is_zero()).collect();
        if lines.is_empty() {
            return Err(Error::Usage(format!(
                "no quantity was entered for purchase order {}; type the quantity received on at least one line",
                entry.po_number
            )));
        }
        if let Some(line) = lines.iter().find(|l| l.quantity.is_sign_negative()) {
            return Err(Error::Usage(format!(
                "line {} of purchase order {}: a received quantity cannot be negative; enter what arrived, or 0",
                line.line_no, entry.po_number
            )));
        }
        let now = Utc::now();
        let today = now.with_timezone(&chrono::Local).date_naive();
        if entry.received_date > today {
            return Err(Error::Usage(format!(
                "goods cannot have been received on {} — that is after today ({today}); enter the day they arrived",
                entry.received_date
            )));
        }
        let receipt_id = ReceiptId(
            entry
                .receipt_id
                .as_deref()
                .map(str::trim)
                .filter(|id| !id.is_empty())
                .map_or_else(
                    || format!("{}-{}", entry.po_number, now.format("%Y%m%d%H%M%S")),
                    str::to_owned,
                ),
        );
        let mut tx = self.store().begin("record a goods receipt").await?;
        for line in &lines {
            if !store::purchase_orders::line_exists(&mut tx, entry.po_number.as_str(), line.line_no).await? {
                return Err(Error::Usage(format!(
                    "purchase order {} has no line {}; choose one of its lines",
                    entry.po_number, line.line_no
                )));
            }
            let receipt = Receipt {
                receipt_id: receipt_id.clone(),
                po_number: entry.po_number.clone(),
                line_no: line.line_no,
                quantity_received: line.quantity,
                received_date: entry.received_date,
                origin: Origin::Manual(who.to_owned()),
            };
            store::receipts::upsert(&mut tx, &receipt, &timestamp(now)).await?;
        }
        tx.commit().await.map_err(Error::database(format!(
            "record goods receipt {receipt_id} on purchase order {}",
            entry.po_number
        )))?;
        self.publish(CoreEvent::MasterDataChanged);
        let redecided = self
            .redecide_waiting_on(&BTreeSet::from([entry.po_number.clone()]), who)
            .await?;
        Ok(ReceiptRecorded {
            receipt_id,
            lines: lines.len(),
            redecided,
        })
    }

    /// Decides again, each in its own transaction, every invoice in exception matched against (or
    /// referring to) one of `po_numbers`; on behalf of `who` in the audit trail.
    pub(crate) async fn redecide_waiting_on(
        &self,
        po_numbers: &BTreeSet<PoNumber>,
        who: &str,
    ) -> Result<Vec<Redecided>> {
        let po_numbers: Vec<PoNumber> = po_numbers.iter().cloned().collect();
        let ids = {
            let mut conn = self.store().acquire("open a connection").await?;
            store::decisions::exceptions_on_purchase_orders(&mut conn, &po_numbers).await?
        };
        let mut redecided = Vec::with_capacity(ids.len());
        for id in ids {
            let decision = self
                .redecide_invoice_as(id, who, "goods received", Utc::now())
                .await?;
            redecided.push(Redecided {
                invoice_id: id,
                before: InvoiceStatus::Exception,
                after: decision.status,
            });
        }
        Ok(redecided)
    }
}
