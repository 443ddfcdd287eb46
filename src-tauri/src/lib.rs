//! Backdesk desktop shell: opens the workspace named on the command line, registers the commands and
//! plugins (SQL read-only for reporting views, dialog for the folder picker, notifications), watches the
//! inbox folder while the app is open, and forwards core events; the tray icon with counts, the remembered
//! window size and the About box's versions are desktop conventions around that.
//! All business logic lives in the `backdesk` core; nothing here decides anything.

pub mod about;
pub mod actions;
pub mod admin;
pub mod attention;
pub mod commands;
pub mod connections;
pub mod deadlines;
pub mod events;
pub mod launch;
pub mod master_records;
pub mod onboarding;
pub mod rendering;
pub mod review;
pub mod settings;
pub mod state;
pub mod tray;
pub mod window_state;

use backdesk::api::{self, Workspace};
use tauri::Manager;

use crate::launch::{parse_launch_options, LaunchError, LaunchOptions};
use crate::state::AppState;

/// Runs the app; returns the process exit code.
pub fn run() -> i32 {
    // before any thread exists: it may set an environment variable WebKit reads
    rendering::choose_compositing();
    let options = match parse_launch_options(
        std::env::args_os().skip(1),
        // a data directory chosen in Settings comes after --data-dir and $BACKDESK_DATA_DIR
        std::env::var_os("BACKDESK_DATA_DIR")
            .or_else(|| api::app_config::remembered_data_dir().map(Into::into)),
        std::env::var_os("BACKDESK_DEMO_DIR"),
        api::default_data_dir(),
    ) {
        Ok(options) => options,
        Err(error) => {
            eprintln!("{}", error.message());
            return if error == LaunchError::Help { 0 } else { 2 };
        }
    };
    let workspace = match tauri::async_runtime::block_on(open_workspace(&options)) {
        Ok(workspace) => workspace,
        Err(error) => {
            eprintln!("backdesk-desktop: {error}");
            return error.exit_code();
        }
    };
    let state = AppState::new(workspace, options.demo_dir);

    let result = tauri::Builder::default()
        // No migrations here: the core owns the schema. The UI loads the database read-only (`?mode=ro`).
        .plugin(tauri_plugin_sql::Builder::new().build())
        .plugin(tauri_plugin_dialog::init())
        // notifications are raised by the shell (events.rs), never by the page: no capability is granted
        .plugin(tauri_plugin_notification::init())
        .manage(state)
        .manage(attention::AttentionState::default())
        .on_window_event(window_state::on_window_event)
        .setup(|app| {
            let handle = app.handle().clone();
            let state = app.state::<AppState>();
            tauri::async_runtime::block_on(async {
                state.start_forwarding(&handle).await;
                state.restart_watching().await;
            });
            deadlines::notify_onboarding_deadlines(handle.clone());
            window_state::restore_window_state(&handle);
            tray::create_tray(&handle);
            attention::watch_attention(handle);
            Ok(())
        })
        .invoke_handler(tauri::generate_handler![
            commands::workspace_overview,
            commands::list_invoices,
            commands::get_invoice,
            commands::set_inbox_folder,
            commands::ingest_paths,
            commands::open_demo_workspace,
            review::original_info,
            review::original_bytes,
            review::document_words,
            actions::correct_invoice,
            actions::approve_invoice,
            actions::reject_invoice,
            actions::hold_invoice,
            actions::confirm_bank_details,
            actions::mark_not_duplicate,
            admin::people,
            admin::add_person,
            admin::policy_text,
            admin::preview_policy,
            admin::save_policy,
            admin::metrics,
            admin::import_master_data,
            admin::queues,
            onboarding::onboarding_templates,
            onboarding::list_hires,
            onboarding::add_hire,
            onboarding::hire_status,
            onboarding::tick_hire_item,
            onboarding::due_hire_items,
            onboarding::draft_hire_reminder,
            onboarding::onboarding_dashboard,
            settings::preview_master_data,
            settings::open_purchase_orders,
            settings::record_receipt,
            settings::back_up_workspace,
            settings::backup_manifest,
            settings::restore_workspace,
            settings::switch_data_dir,
            master_records::search_vendors,
            master_records::vendor_record,
            master_records::update_vendor,
            master_records::search_purchase_orders,
            master_records::purchase_order_record,
            connections::connection_status,
            connections::connect_account,
            connections::disconnect_account,
            connections::sync_now,
            connections::sync_states,
            about::about,
            attention::watch_approvals_for,
        ])
        .run(tauri::generate_context!());
    match result {
        Ok(()) => 0,
        Err(error) => {
            eprintln!("backdesk-desktop: the window could not be started: {error}");
            1
        }
    }
}

async fn open_workspace(options: &LaunchOptions) -> backdesk::Result<Workspace> {
    if options.demo {
        api::demo::open_demo_workspace(&options.data_dir).await
    } else {
        Workspace::open(&options.data_dir).await
    }
}
