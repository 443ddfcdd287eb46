//! The demo workspace: sample master data and an inbox of real sample e-invoices, compiled into the binary
//! (the corpora they come from are not on a user's machine), so a first start can show real data.

use std::path::Path;

use super::Workspace;
use crate::error::{Error, Result};
use crate::import::MasterDataKind;
use crate::store;

/// The setting that marks a workspace as the demo.
pub const DEMO_MARKER: &str = "demo_workspace";

const MASTER_DATA: &[(MasterDataKind, &str, &[u8])] = &[
    (
        MasterDataKind::Accounts,
        "accounts.csv",
        include_bytes!("../../demo/accounts.csv"),
    ),
    (
        MasterDataKind::Vendors,
        "vendors.csv",
        include_bytes!("../../demo/vendors.csv"),
    ),
    (
        MasterDataKind::PurchaseOrders,
        "purchase_orders.csv",
        include_bytes!("../../demo/purchase_orders.csv"),
    ),
    (
        MasterDataKind::Receipts,
        "receipts.csv",
        include_bytes!("../../demo/receipts.csv"),
    ),
];

const INBOX: &[(&str, &[u8])] = &[
    (
        "lieferant-471102-teilrechnung.xml",
        include_bytes!("../../demo/inbox/lieferant-471102-teilrechnung.xml"),
    ),
    (
        "elektron-181301674.xml",
        include_bytes!("../../demo/inbox/elektron-181301674.xml"),
    ),
    (
        "enexis-1100512149.xml",
        include_bytes!("../../demo/inbox/enexis-1100512149.xml"),
    ),
    (
        "bluem-20150483.xml",
        include_bytes!("../../demo/inbox/bluem-20150483.xml"),
    ),
    (
        "koksmaat-12115118.xml",
        include_bytes!("../../demo/inbox/koksmaat-12115118.xml"),
    ),
];

/// Opens the workspace in `data_dir`; when it holds nothing yet, fills it with the demo: master data, an
/// inbox folder `demo-inbox/` inside the data directory with the sample invoices, and those invoices taken in.
pub async fn open_demo_workspace(data_dir: &Path) -> Result<Workspace> {
    let workspace = Workspace::open(data_dir).await?;
    let pool = workspace.store().pool();
    let is_empty =
        store::vendors::list(pool).await?.is_empty() && store::documents::list(pool).await?.is_empty();
    if is_empty {
        seed_demo(&workspace).await?;
    }
    Ok(workspace)
}

async fn seed_demo(workspace: &Workspace) -> Result<()> {
    for (kind, name, bytes) in MASTER_DATA {
        workspace.import_master_data_bytes(*kind, name, bytes).await?;
    }
    let inbox = workspace.paths().data_dir.join("demo-inbox");
    std::fs::create_dir_all(&inbox).map_err(|e| Error::io("create directory", &inbox, e))?;
    for (name, bytes) in INBOX {
        let path = inbox.join(name);
        std::fs::write(&path, bytes).map_err(|e| Error::io("write demo invoice", &path, e))?;
    }
    workspace.set_inbox_folder(&inbox).await?;
    store::settings::set(workspace.store().pool(), DEMO_MARKER, "1").await?;
    workspace.ingest_paths(&[inbox]).await?;
    Ok(())
}
