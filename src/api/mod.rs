//! Use cases: the only surface the desktop shell and the CLI call. Each function takes what the user asked
//! for, does the work through the other modules, and returns wire-ready DTOs or a core [`Error`].

pub mod about;
pub mod app_config;
pub mod attention;
pub mod backup;
pub mod connections;
pub mod decisions;
pub mod demo;
pub mod events;
mod extraction;
mod ingest;
mod master_data;
pub mod metrics;
pub mod onboarding;
mod purchase_order_records;
mod receipts;
mod review;
pub mod sync;
pub mod sync_state;
mod synthetic;
mod validate;
mod vendor_records;
mod watch;
mod what_if;
pub mod workflow;

use std::path::{Path, PathBuf};

use serde::Serialize;
use tokio::sync::broadcast;

pub use crate::import::{ImportReport, MasterDataKind};
pub use crate::intake::IngestReport;
pub use crate::store::documents::DocumentRecord;
pub use crate::store::invoices::{InvoiceDetail, InvoiceSummary, ReasonRecord};
pub use crate::store::master_records::{InvoiceBrief, ReceiptBrief};
pub use events::CoreEvent;
pub use extraction::{CorrectionOutcome, LayoutFile};
pub use ingest::{in_flight_limit, worker_count};
pub use master_data::MasterDataPreview;
pub use purchase_order_records::{
    PurchaseOrderLineRecord, PurchaseOrderListing, PurchaseOrderRecord, PurchaseOrderStatus,
};
pub use receipts::{
    OpenPurchaseOrder, ReceiptEntry, ReceiptRecorded, ReceivableLine, ReceivedLine, Redecided,
};
pub use review::OriginalDocument;
pub use synthetic::SyntheticReport;
pub use validate::{validate_file, ValidationSummary};
pub use vendor_records::{
    mask_account, CallBack, FieldChange, VendorFields, VendorListing, VendorRecord, VendorSaved, VendorUpdate,
};
pub use watch::InboxWatch;

use crate::error::{Error, Result};
use crate::model::{InvoiceId, InvoiceStatus};
use crate::store::{self, Store};

/// Where a workspace keeps its files, all under one data directory.
#[derive(Debug, Clone, Serialize)]
pub struct WorkspacePaths {
    pub data_dir: PathBuf,
    /// The SQLite database.
    pub database: PathBuf,
    /// Content-addressed originals (`archive/ab/abcdef…`), never modified.
    pub archive: PathBuf,
    /// Log files.
    pub logs: PathBuf,
}

impl WorkspacePaths {
    /// The layout of a data directory.
    pub fn new(data_dir: &Path) -> Self {
        Self {
            data_dir: data_dir.to_owned(),
            database: data_dir.join("backdesk.db"),
            archive: data_dir.join("archive"),
            logs: data_dir.join("logs"),
        }
    }
}

/// The per-user data directory the app and CLI use when none is given
/// (`~/.local/share/backdesk` on Linux, `~/Library/Application Support/app.backdesk.Backdesk` on macOS).
pub fn default_data_dir() -> Option<PathBuf> {
    directories::ProjectDirs::from("app", "backdesk", "Backdesk").map(|dirs| dirs.data_dir().to_owned())
}

/// An open workspace: one data directory with its database, archive and event channel.
#[derive(Debug, Clone)]
pub struct Workspace {
    store: Store,
    paths: WorkspacePaths,
    events: events::EventSender,
    decision_cache: decisions::DecisionCache,
}

/// A short description of a workspace for the app's first screen.
#[derive(Debug, Clone, Serialize)]
pub struct WorkspaceOverview {
    pub data_dir: PathBuf,
    pub database: PathBuf,
    pub inbox_folder: Option<PathBuf>,
    pub is_demo: bool,
    pub invoice_count: usize,
    pub document_count: usize,
    pub vendor_count: usize,
}

impl Workspace {
    /// Opens the workspace in `data_dir`, creating the directory layout and database if needed (idempotent).
    pub async fn open(data_dir: &Path) -> Result<Self> {
        let paths = WorkspacePaths::new(data_dir);
        for dir in [&paths.data_dir, &paths.archive, &paths.logs] {
            std::fs::create_dir_all(dir).map_err(|e| Error::io("create directory", dir, e))?;
        }
        let store = Store::open(&paths.database).await?;
        let (events, _) = broadcast::channel(256);
        Ok(Self {
            store,
            paths,
            events,
            decision_cache: decisions::DecisionCache::default(),
        })
    }

    /// The files of this workspace.
    pub fn paths(&self) -> &WorkspacePaths {
        &self.paths
    }

    /// The underlying store (for tests and benchmarks of the core).
    pub fn store(&self) -> &Store {
        &self.store
    }

    /// Closes the workspace's database cleanly (its WAL checkpointed and truncated). Call it when a process
    /// that wrote much is about to exit; using the workspace afterwards fails.
    pub async fn close(&self) {
        self.store.clone().close().await;
    }

    /// The vendor directory and PO-number index kept between decisions.
    pub(crate) fn decision_cache(&self) -> &decisions::DecisionCache {
        &self.decision_cache
    }

    /// Subscribes to the events of this workspace.
    pub fn subscribe(&self) -> broadcast::Receiver<CoreEvent> {
        self.events.subscribe()
    }

    pub(crate) fn publish(&self, event: CoreEvent) {
        // no subscriber is fine: the CLI does not listen
        let _ = self.events.send(event);
    }

    /// Invoices, newest first, optionally in one status.
    pub async fn list_invoices(&self, status: Option<InvoiceStatus>) -> Result<Vec<InvoiceSummary>> {
        let mut invoices = store::invoices::list(self.store.pool(), status).await?;
        self.fill_approval_steps(&mut invoices).await?;
        Ok(invoices)
    }

    /// One invoice in full.
    pub async fn get_invoice(&self, id: InvoiceId) -> Result<InvoiceDetail> {
        let mut detail = store::invoices::get(self.store.pool(), id).await?;
        (detail.decisions, detail.matches) = self.decisions_and_matches(id).await?;
        (detail.audit_trail, detail.approval) = self.workflow_of(id).await?;
        self.fill_approval_steps(std::slice::from_mut(&mut detail.summary))
            .await?;
        Ok(detail)
    }

    /// Every document seen, oldest first.
    pub async fn list_documents(&self) -> Result<Vec<DocumentRecord>> {
        store::documents::list(self.store.pool()).await
    }

    /// The configured inbox folder.
    pub async fn inbox_folder(&self) -> Result<Option<PathBuf>> {
        Ok(
            store::settings::get(self.store.pool(), store::settings::INBOX_FOLDER)
                .await?
                .map(PathBuf::from),
        )
    }

    /// Sets the inbox folder; it must be an existing directory.
    pub async fn set_inbox_folder(&self, folder: &Path) -> Result<()> {
        if !folder.is_dir() {
            return Err(Error::Usage(format!(
                "{} is not a folder; choose an existing folder as the inbox",
                folder.display()
            )));
        }
        let text = folder.to_str().ok_or_else(|| {
            Error::Usage(format!(
                "{} is not valid UTF-8; choose a folder with a plain name",
                folder.display()
            ))
        })?;
        store::settings::set(self.store.pool(), store::settings::INBOX_FOLDER, text).await
    }

    /// Counts and paths for the app's first screen.
    pub async fn overview(&self) -> Result<WorkspaceOverview> {
        let pool = self.store.pool();
        Ok(WorkspaceOverview {
            data_dir: self.paths.data_dir.clone(),
            database: self.paths.database.clone(),
            inbox_folder: self.inbox_folder().await?,
            is_demo: store::settings::get(pool, demo::DEMO_MARKER).await?.is_some(),
            invoice_count: store::invoices::count(pool).await?,
            document_count: store::documents::count(pool).await?,
            vendor_count: store::vendors::count(pool).await?,
        })
    }
}
