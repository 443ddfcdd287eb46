//! Commands of the Vendors and Purchase orders panels: search and open a vendor, save a hand edit (the core
//! checks it, asks for the call-back on new bank details and audits it), search and open a purchase order.
//! One call into `backdesk::api` each.

use backdesk::api::{
    PurchaseOrderListing, PurchaseOrderRecord, VendorListing, VendorRecord, VendorSaved, VendorUpdate,
};
use backdesk::error::Error;
use backdesk::model::{PoNumber, VendorId};
use tauri::State;

use crate::state::AppState;

/// Vendors matching `query` (id, name, alias, VAT id, or a whole IBAN), IBANs masked.
#[tauri::command(async)]
pub async fn search_vendors(state: State<'_, AppState>, query: String) -> Result<Vec<VendorListing>, Error> {
    state.workspace().await.search_vendors(&query).await
}

/// One vendor with its recent invoices and the history of its hand edits.
#[tauri::command(async)]
pub async fn vendor_record(state: State<'_, AppState>, vendor_id: String) -> Result<VendorRecord, Error> {
    state.workspace().await.vendor_record(&VendorId(vendor_id)).await
}

/// Saves a hand edit of a vendor; the core refuses new bank details without the call-back record.
#[tauri::command(async)]
pub async fn update_vendor(state: State<'_, AppState>, update: VendorUpdate) -> Result<VendorSaved, Error> {
    state.workspace().await.update_vendor(&update).await
}

/// Purchase orders matching `query` (number, vendor id or name) with their status.
#[tauri::command(async)]
pub async fn search_purchase_orders(
    state: State<'_, AppState>,
    query: String,
) -> Result<Vec<PurchaseOrderListing>, Error> {
    state.workspace().await.search_purchase_orders(&query).await
}

/// One purchase order with its lines (ordered, received, invoiced, open), receipts and invoices.
#[tauri::command(async)]
pub async fn purchase_order_record(
    state: State<'_, AppState>,
    po_number: String,
) -> Result<PurchaseOrderRecord, Error> {
    state
        .workspace()
        .await
        .purchase_order_record(&PoNumber(po_number))
        .await
}
