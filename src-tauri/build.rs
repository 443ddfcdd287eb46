//! Build script: generates the Tauri context and one permission per app command (`allow-<command>`),
//! so the capability file can grant the window exactly the commands it uses.

/// Must list every command in `generate_handler!` (src/lib.rs); a command missing here cannot be granted.
const COMMANDS: &[&str] = &[
    "workspace_overview",
    "list_invoices",
    "get_invoice",
    "set_inbox_folder",
    "ingest_paths",
    "open_demo_workspace",
    "original_info",
    "original_bytes",
    "document_words",
    "correct_invoice",
    "approve_invoice",
    "reject_invoice",
    "hold_invoice",
    "confirm_bank_details",
    "mark_not_duplicate",
    "people",
    "add_person",
    "policy_text",
    "preview_policy",
    "save_policy",
    "metrics",
    "import_master_data",
    "queues",
    // onboarding (src/onboarding.rs)
    "onboarding_templates",
    "list_hires",
    "add_hire",
    "hire_status",
    "tick_hire_item",
    "due_hire_items",
    "draft_hire_reminder",
    "onboarding_dashboard",
    // settings and master data (src/settings.rs)
    "preview_master_data",
    "open_purchase_orders",
    "record_receipt",
    "back_up_workspace",
    "backup_manifest",
    "restore_workspace",
    "switch_data_dir",
    // vendors and purchase orders (src/master_records.rs)
    "search_vendors",
    "vendor_record",
    "update_vendor",
    "search_purchase_orders",
    "purchase_order_record",
    // connections (src/connections.rs)
    "connection_status",
    "connect_account",
    "disconnect_account",
    "sync_now",
    "sync_states",
    // desktop conventions (src/about.rs, src/attention.rs)
    "about",
    "watch_approvals_for",
];

fn main() {
    tauri_build::try_build(
        tauri_build::Attributes::new().app_manifest(tauri_build::AppManifest::new().commands(COMMANDS)),
    )
    .expect("tauri build step failed: see the message above (tauri.conf.json, capabilities or icons)");
}
