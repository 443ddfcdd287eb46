//! Events the core publishes while it works; the desktop shell forwards them to the window.

use serde::Serialize;

/// Something changed that a view may want to reload.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum CoreEvent {
    /// Invoices were added or changed.
    InvoicesChanged,
    /// Documents were added or reached a final state.
    DocumentsChanged,
    /// Master data (vendors, POs, receipts, accounts) was imported.
    MasterDataChanged,
    /// A batch of files is being taken in: `done` of `total`.
    IngestProgress { done: usize, total: usize },
}

/// The sending side, shared by every use case of one workspace.
pub type EventSender = tokio::sync::broadcast::Sender<CoreEvent>;
