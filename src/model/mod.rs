//! Canonical types: the EN 16931 invoice, master data, statuses, reasons, money and newtype ids.

pub mod extraction;
pub mod ids;
pub mod invoice;
pub mod master;
pub mod money;
pub mod reason;
pub mod status;

pub use ids::{AccountCode, DocumentId, InvoiceId, PoNumber, ReceiptId, VendorId};
pub use invoice::{DocumentType, Invoice, InvoiceLine, Party};
pub use master::{Account, Origin, PurchaseOrderLine, Receipt, Vendor};
pub use money::{Currency, Money};
pub use reason::{Reason, ReasonCode};
pub use status::{DocumentState, InvoiceStatus};
