//! The headless command line (shared contracts/cli.md): JSON on stdout, messages on stderr, exit codes
//! 0 success, 1 a problem found and reported, 2 usage, 3 data/IO error.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use backdesk::api::workflow::ExportFormat;
use backdesk::api::{self, MasterDataKind, Workspace};
use backdesk::error::Error;
use backdesk::formats::ReadOutput;
use backdesk::model::{InvoiceId, InvoiceStatus};
use backdesk::workflow::approvals::Role;
use clap::{Parser, Subcommand};

#[path = "backdesk/hires.rs"]
mod hires;

#[derive(Parser)]
#[command(
    name = "backdesk",
    version,
    about = "Backdesk: local-first accounts payable, headless"
)]
struct Cli {
    /// The data directory (database, archive of originals, policy, logs).
    #[arg(long, global = true, env = "BACKDESK_DATA_DIR", value_name = "DIR")]
    data_dir: Option<PathBuf>,

    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Create the data directory (idempotent).
    Init,
    /// Import master data from a CSV file (contracts/master-data.md).
    Import {
        /// vendors | purchase-orders | receipts | accounts
        kind: String,
        file: PathBuf,
    },
    /// Write the whole workspace (database snapshot, originals, policy) into one backup FILE.
    Backup { file: PathBuf },
    /// Restore a backup FILE into DIR, a new (or empty) folder; checks every hash first.
    Restore { file: PathBuf, dir: PathBuf },
    /// Process these files / folders once (recursively), then exit.
    Ingest {
        #[arg(required = true)]
        paths: Vec<PathBuf>,
    },
    /// Watch the inbox folder until interrupted.
    Watch { inbox: Option<PathBuf> },
    /// Every document seen, with its state.
    Documents {
        #[arg(long)]
        json: bool,
    },
    /// Invoices, optionally in one status.
    Invoices {
        #[arg(long)]
        status: Option<String>,
        #[arg(long)]
        json: bool,
    },
    /// One invoice in full.
    Invoice {
        id: i64,
        #[arg(long)]
        json: bool,
    },
    /// People who act on invoices: `people add NAME --role R [--limit AMOUNT]`, or list them.
    People {
        #[command(subcommand)]
        action: Option<PeopleAction>,
        #[arg(long)]
        json: bool,
    },
    /// Correct extracted fields (FIELD=VALUE ...); the invoice is decided again.
    Correct {
        id: i64,
        #[arg(required = true, value_name = "FIELD=VALUE")]
        fields: Vec<String>,
        #[arg(long = "as", value_name = "NAME")]
        by: String,
    },
    /// Approve the current approval step of an invoice, or (`--all-clean`) of every clean invoice you may.
    Approve {
        #[arg(required_unless_present = "all_clean", conflicts_with = "all_clean")]
        id: Option<i64>,
        #[arg(long = "as", value_name = "NAME")]
        by: String,
        #[arg(long)]
        comment: Option<String>,
        /// Approve every invoice awaiting approval with no reasons that NAME may approve (role, limit,
        /// delegation, separation of duties).
        #[arg(long)]
        all_clean: bool,
    },
    /// Reject an invoice.
    Reject {
        id: i64,
        #[arg(long = "as", value_name = "NAME")]
        by: String,
        #[arg(long)]
        reason: String,
    },
    /// Put an open invoice on hold (it leaves the exception and approval queues until released).
    Hold {
        id: i64,
        #[arg(long = "as", value_name = "NAME")]
        by: String,
        #[arg(long)]
        reason: String,
    },
    /// Release an invoice from hold.
    Release {
        id: i64,
        #[arg(long = "as", value_name = "NAME")]
        by: String,
    },
    /// Make a person the owner of an invoice (shown in the exception queue).
    Assign {
        id: i64,
        #[arg(long, value_name = "NAME")]
        to: String,
        #[arg(long = "as", value_name = "NAME")]
        by: String,
    },
    /// Approval steps waiting past the approval queue's SLA.
    Reminders {
        #[arg(long)]
        json: bool,
    },
    /// The queues (exceptions, awaiting approval, on hold) with owners, ages and SLAs.
    Queues {
        #[arg(long)]
        json: bool,
    },
    /// Extraction only (contracts/extraction.md); needs no data directory.
    Extract {
        file: PathBuf,
        #[arg(long)]
        json: bool,
        /// For a PDF: print its text layer instead (every word with page and box in points).
        #[arg(long)]
        words: bool,
    },
    /// E-invoice business-rule check only (EN 16931); exit 1 when fatal rules fire.
    Validate {
        file: PathBuf,
        #[arg(long)]
        json: bool,
    },
    /// Push approved invoices to, and pull master data from, accounting systems.
    Sync {
        /// xero | qbo
        #[arg(long, default_value = "xero", global = true)]
        target: String,
        /// Print the exact payloads that would be sent; send and record nothing.
        #[arg(long)]
        dry_run: bool,
        /// `map-vendor`, `map-account`, `map-tax`: say once how our records are called on the other side.
        #[command(subcommand)]
        action: Option<SyncAction>,
    },
    /// Store a connection's credentials in the OS keychain (reads JSON from stdin).
    Connect {
        /// xero | qbo
        target: String,
    },
    /// The audit trail: `audit verify` checks its hash chain, `audit export --format csv|json` prints it.
    Audit {
        #[command(subcommand)]
        action: AuditAction,
    },
    /// The decision policy: `policy show` prints the one in force, `policy replay FILE` shows what a proposed
    /// policy would decide on past invoices (nothing is saved).
    Policy {
        #[command(subcommand)]
        action: PolicyAction,
    },
    /// The vendors' layout memory learnt from corrections: `layouts export FILE` writes it as JSON,
    /// `layouts import FILE` adds a file written by export (to carry it to another machine or restore it).
    Layouts {
        #[command(subcommand)]
        action: LayoutsAction,
    },
    /// Record that a person confirmed an invoice's new bank account out of band, and decide it again.
    ConfirmBank {
        id: i64,
        #[arg(long = "as", value_name = "NAME")]
        by: String,
        /// How it was confirmed, e.g. "called the number on file".
        #[arg(long)]
        how: String,
    },
    /// Record that an invoice is not a duplicate of the one its reason names, and decide it again.
    NotDuplicate {
        id: i64,
        #[arg(long = "as", value_name = "NAME")]
        by: String,
        #[arg(long)]
        reason: String,
    },
    /// Cycle time, touchless rate, exceptions by reason, time in state, per-vendor accuracy, hours saved.
    Metrics {
        #[arg(long)]
        json: bool,
    },
    /// Onboarding: hires, checklists, templates, deadlines, reminders, purge (docs/cli.md).
    Hires {
        #[command(subcommand)]
        action: hires::HiresAction,
    },
}

#[derive(Subcommand)]
enum PeopleAction {
    /// Add a person (or change their role and limit).
    Add {
        name: String,
        /// clerk | manager | owner
        #[arg(long)]
        role: String,
        /// The largest gross total this person may approve (none: no limit).
        #[arg(long)]
        limit: Option<String>,
    },
}

#[derive(Subcommand)]
// the variant names are the subcommands `map-vendor`, `map-account`, `map-tax`
#[allow(clippy::enum_variant_names)]
enum SyncAction {
    /// Map one of our vendors (by vendor id) to a contact / vendor id of the accounting system, or have sync
    /// create it there (--create).
    MapVendor {
        vendor_id: String,
        #[arg(long, required_unless_present = "create", conflicts_with = "create")]
        to: Option<String>,
        #[arg(long)]
        create: bool,
    },
    /// Map one of our account codes to the accounting system's account code.
    MapAccount {
        code: String,
        #[arg(long)]
        to: String,
    },
    /// Map a VAT category, alone (`S`) or with its rate (`S-19`, preferred when both exist), to a tax code.
    MapTax {
        key: String,
        #[arg(long)]
        to: String,
    },
}

#[derive(Subcommand)]
enum AuditAction {
    /// Check the hash chain; exit 1 naming the first altered, removed or re-ordered entry.
    Verify {
        #[arg(long)]
        json: bool,
    },
    /// Print the whole trail for an auditor.
    Export {
        /// csv | json
        #[arg(long, default_value = "json")]
        format: String,
    },
}

#[derive(Subcommand)]
enum LayoutsAction {
    /// Write every vendor's learnt layout to FILE (JSON).
    Export { file: PathBuf },
    /// Add the layouts in FILE (written by `layouts export`), replacing the same vendor and field.
    Import { file: PathBuf },
}

#[derive(Subcommand)]
enum PolicyAction {
    /// Print the policy in force as TOML (the defaults when the data directory has no policy.toml).
    Show,
    /// Check FILE and make it the policy in force (a changed policy needs a new `version`).
    Set { file: PathBuf },
    /// Decide every past invoice again under FILE and report counts per outcome and the invoices that flip.
    Replay {
        file: PathBuf,
        #[arg(long)]
        json: bool,
    },
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    let runtime = match tokio::runtime::Builder::new_multi_thread().enable_all().build() {
        Ok(runtime) => runtime,
        Err(e) => {
            eprintln!("error: could not start the async runtime: {e}");
            return ExitCode::from(3);
        }
    };
    match runtime.block_on(run(cli)) {
        Ok(code) => code,
        Err(error) => {
            eprintln!("error: {error}");
            ExitCode::from(u8::try_from(error.exit_code()).unwrap_or(3))
        }
    }
}

async fn run(cli: Cli) -> Result<ExitCode, Error> {
    match cli.command {
        Command::Extract { file, json, words } => match words {
            true => extract_words(&file),
            false => extract(&file, json),
        },
        Command::Hires { action } => hires::run(open(cli.data_dir).await?, action).await,
        Command::Init => {
            let workspace = open(cli.data_dir).await?;
            eprintln!("data directory ready: {}", workspace.paths().data_dir.display());
            Ok(ExitCode::SUCCESS)
        }
        Command::Import { kind, file } => {
            let kind: MasterDataKind = kind.parse()?;
            let report = open(cli.data_dir).await?.import_master_data(kind, &file).await?;
            for warning in &report.warnings {
                eprintln!("warning: {warning}");
            }
            for change in &report.bank_changes {
                eprintln!("warning: {}: {}", report.file, change.message());
            }
            eprintln!(
                "imported {} rows from {} ({} new or changed)",
                report.rows, report.file, report.changed
            );
            print_json(&report)
        }
        Command::Backup { file } => {
            let report = open(cli.data_dir).await?.back_up(&file).await?;
            eprintln!(
                "backed up {} files ({} invoices) into {}",
                report.entries,
                report.invoice_count,
                report.file.display()
            );
            print_json(&report)
        }
        Command::Restore { file, dir } => {
            let report = api::backup::restore_backup(&file, &dir).await?;
            eprintln!(
                "restored {} files ({} invoices) into {}; open it with --data-dir {}",
                report.entries,
                report.invoice_count,
                report.data_dir.display(),
                report.data_dir.display()
            );
            print_json(&report)
        }
        Command::Ingest { paths } => {
            let report = open(cli.data_dir).await?.ingest_paths(&paths).await?;
            eprintln!(
                "{} files: {} processed, {} rejected, {} duplicate files, {} invoices{}",
                report.files,
                report.processed,
                report.rejected,
                report.duplicate_files,
                report.invoice_ids.len(),
                if report.resumed > 0 {
                    format!(" ({} resumed from the journal)", report.resumed)
                } else {
                    String::new()
                }
            );
            if report.already_taken > 0 {
                eprintln!(
                    "{} files were taken in before (same path, same bytes) and were left alone",
                    report.already_taken
                );
            }
            for unreadable in &report.unreadable_files {
                eprintln!("error: {}", unreadable.message);
            }
            print_json(&report)?;
            // the batch went on, but a file that could not be read is a data/IO error for the caller
            Ok(if report.unreadable_files.is_empty() {
                ExitCode::SUCCESS
            } else {
                ExitCode::from(3)
            })
        }
        Command::Documents { json } => {
            let documents = open(cli.data_dir).await?.list_documents().await?;
            if json {
                return print_json(&documents);
            }
            for d in &documents {
                let reason = d.reason_message.as_deref().unwrap_or("");
                println!("{:>5}  {:<15} {}  {}", d.id, d.state, d.path, reason);
            }
            Ok(ExitCode::SUCCESS)
        }
        Command::Invoices { status, json } => {
            let status = status
                .map(|s| s.parse::<InvoiceStatus>())
                .transpose()
                .map_err(Error::Usage)?;
            let invoices = open(cli.data_dir).await?.list_invoices(status).await?;
            if json {
                return print_json(&invoices);
            }
            for i in &invoices {
                let reasons: Vec<&str> = i.reasons.iter().map(|r| r.code.as_str()).collect();
                println!(
                    "{:>5}  {:<18} {:<20} {:<30} {:>12} {}  {}",
                    i.id,
                    i.status,
                    i.invoice_number.as_deref().unwrap_or("-"),
                    i.vendor_name.as_deref().unwrap_or("-"),
                    i.total_gross.as_deref().unwrap_or("-"),
                    i.currency.as_deref().unwrap_or(""),
                    reasons.join(",")
                );
            }
            Ok(ExitCode::SUCCESS)
        }
        Command::Invoice { id, json: _ } => {
            let invoice = open(cli.data_dir).await?.get_invoice(InvoiceId(id)).await?;
            print_json(&invoice)
        }
        Command::Policy { action } => policy(cli.data_dir, action).await,
        Command::Layouts { action } => layouts(cli.data_dir, action).await,
        Command::ConfirmBank { id, by, how } => {
            let decision = open(cli.data_dir)
                .await?
                .confirm_bank_details(InvoiceId(id), &by, &how)
                .await?;
            eprintln!(
                "invoice {id}: bank account confirmed by {by}; now {}",
                decision.outcome()
            );
            print_json(&decision)
        }
        Command::NotDuplicate { id, by, reason } => {
            let decision = open(cli.data_dir)
                .await?
                .mark_not_duplicate(InvoiceId(id), &by, &reason)
                .await?;
            eprintln!(
                "invoice {id}: marked not a duplicate by {by}; now {}",
                decision.outcome()
            );
            print_json(&decision)
        }
        Command::People { action, json } => people(cli.data_dir, action, json).await,
        Command::Correct { id, fields, by } => {
            let fields = backdesk::workflow::corrections::parse_assignments(&fields)?;
            let report = open(cli.data_dir)
                .await?
                .correct_invoice(InvoiceId(id), &fields, &by)
                .await?;
            eprintln!("{}", report.message);
            print_json(&report)
        }
        Command::Approve {
            id,
            by,
            comment,
            all_clean,
        } => {
            let workspace = open(cli.data_dir).await?;
            let Some(id) = id.filter(|_| !all_clean) else {
                let report = workspace
                    .approve_clean_under_limit_at(&by, comment.as_deref(), chrono::Utc::now())
                    .await?;
                eprintln!(
                    "{} approved by {by}; {} left for someone else",
                    report.approved.len(),
                    report.skipped.len()
                );
                return print_json(&report);
            };
            let report = workspace
                .approve_invoice(InvoiceId(id), &by, comment.as_deref())
                .await?;
            eprintln!(
                "invoice {id}: step {} approved by {by}; now {} ({} step(s) waiting)",
                report.step_order, report.status, report.steps_remaining
            );
            print_json(&report)
        }
        Command::Reject { id, by, reason } => {
            let status = open(cli.data_dir)
                .await?
                .reject_invoice(InvoiceId(id), &by, &reason)
                .await?;
            eprintln!("invoice {id}: rejected by {by}");
            print_json(&serde_json::json!({ "invoice_id": id, "status": status }))
        }
        Command::Hold { id, by, reason } => {
            let workspace = open(cli.data_dir).await?;
            workspace
                .hold_invoice_at(InvoiceId(id), &by, Some(&reason), chrono::Utc::now())
                .await?;
            eprintln!("invoice {id}: on hold ({by}: {reason})");
            Ok(ExitCode::SUCCESS)
        }
        Command::Release { id, by } => {
            let workspace = open(cli.data_dir).await?;
            workspace
                .hold_invoice_at(InvoiceId(id), &by, None, chrono::Utc::now())
                .await?;
            eprintln!("invoice {id}: released by {by}");
            Ok(ExitCode::SUCCESS)
        }
        Command::Assign { id, to, by } => {
            let workspace = open(cli.data_dir).await?;
            workspace
                .assign_invoice_at(InvoiceId(id), &to, &by, chrono::Utc::now())
                .await?;
            eprintln!("invoice {id}: assigned to {to}");
            Ok(ExitCode::SUCCESS)
        }
        Command::Reminders { json: _ } => {
            let reminders = open(cli.data_dir).await?.approval_reminders().await?;
            eprintln!("{} approval step(s) past their SLA", reminders.len());
            print_json(&reminders)
        }
        Command::Queues { json } => {
            let queues = open(cli.data_dir).await?.queues().await?;
            if json {
                return print_json(&queues);
            }
            for item in queues
                .exception
                .iter()
                .chain(&queues.awaiting_approval)
                .chain(&queues.on_hold)
            {
                println!(
                    "{:<18} {:>5}  {:<30} {:>4} h / {:>3} h{}  {:<20} {}",
                    item.queue.as_str(),
                    item.invoice_id,
                    item.vendor_name.as_deref().unwrap_or("-"),
                    item.age_hours,
                    item.sla_hours,
                    if item.overdue { " OVERDUE" } else { "" },
                    item.owner.as_deref().unwrap_or("-"),
                    item.reasons.join(",")
                );
            }
            Ok(ExitCode::SUCCESS)
        }
        Command::Validate { file, json } => validate(&file, json),
        Command::Watch { inbox } => watch(cli.data_dir, inbox).await,
        Command::Sync {
            target,
            action: Some(action),
            ..
        } => sync_map(cli.data_dir, &target, action).await,
        Command::Sync { target, dry_run, .. } => sync(cli.data_dir, &target, dry_run).await,
        Command::Connect { target } => connect(cli.data_dir, &target).await,
        Command::Audit { action } => audit(cli.data_dir, action).await,
        Command::Metrics { json } => {
            let metrics = open(cli.data_dir).await?.metrics().await?;
            if json {
                return print_json(&metrics);
            }
            eprintln!(
                "{} invoices; touchless {}; exceptions {}; receipt to approved median {} h; {} approvals past SLA; \
                 about {} hours saved",
                metrics.invoices_received,
                metrics.touchless_rate,
                metrics.exception_rate,
                metrics
                    .cycle_times
                    .receipt_to_approved
                    .median_hours
                    .map_or("-".to_owned(), |h| h.to_string()),
                metrics.approvals_past_sla,
                metrics.estimated_hours_saved
            );
            print_json(&metrics)
        }
    }
}

async fn layouts(data_dir: Option<PathBuf>, action: LayoutsAction) -> Result<ExitCode, Error> {
    let workspace = open(data_dir).await?;
    match action {
        LayoutsAction::Export { file } => {
            let vendors = workspace.export_layouts(&file).await?;
            eprintln!("wrote the layouts of {vendors} vendor(s) to {}", file.display());
        }
        LayoutsAction::Import { file } => {
            let fields = workspace.import_layouts(&file).await?;
            eprintln!("imported {fields} field layout(s) from {}", file.display());
        }
    }
    Ok(ExitCode::SUCCESS)
}

async fn policy(data_dir: Option<PathBuf>, action: PolicyAction) -> Result<ExitCode, Error> {
    let workspace = open(data_dir).await?;
    match action {
        PolicyAction::Show => {
            print!("{}", workspace.policy()?.to_toml()?);
            Ok(ExitCode::SUCCESS)
        }
        PolicyAction::Set { file } => {
            let text = std::fs::read_to_string(&file).map_err(|e| Error::io("read", &file, e))?;
            let policy = workspace.save_policy(&file.display().to_string(), &text).await?;
            eprintln!(
                "policy {} is now in force; past decisions keep their version",
                policy.version
            );
            Ok(ExitCode::SUCCESS)
        }
        PolicyAction::Replay { file, json } => {
            let report = workspace.replay_policy(&file).await?;
            eprintln!(
                "policy {}: {} invoices; now {:?}; proposed {:?}; {} would change",
                report.proposed_version,
                report.invoices,
                report.current,
                report.proposed,
                report.flips.len()
            );
            if json {
                return print_json(&report);
            }
            for f in &report.flips {
                println!(
                    "{:>5}  {:<20} {:>12}  {} -> {}",
                    f.invoice_id,
                    f.invoice_number.as_deref().unwrap_or("-"),
                    f.total_gross.map(|g| g.to_string()).unwrap_or_default(),
                    f.from,
                    f.to
                );
            }
            Ok(ExitCode::SUCCESS)
        }
    }
}

async fn people(
    data_dir: Option<PathBuf>,
    action: Option<PeopleAction>,
    json: bool,
) -> Result<ExitCode, Error> {
    let workspace = open(data_dir).await?;
    match action {
        Some(PeopleAction::Add { name, role, limit }) => {
            let role: Role = role.parse()?;
            let limit = limit
                .map(|l| {
                    backdesk::model::money::parse_plain_decimal(&l)
                        .map_err(|e| Error::Usage(format!("--limit {l}: {e}")))
                })
                .transpose()?;
            let person = workspace.add_person(&name, role, limit).await?;
            eprintln!("{} is a {}", person.name, person.role);
            print_json(&person)
        }
        None if json => print_json(&workspace.people().await?),
        None => {
            for p in workspace.people().await? {
                let limit = p.approval_limit.map_or("no limit".to_owned(), |l| l.to_string());
                println!("{:<24} {:<8} {limit}", p.name, p.role);
            }
            Ok(ExitCode::SUCCESS)
        }
    }
}

async fn audit(data_dir: Option<PathBuf>, action: AuditAction) -> Result<ExitCode, Error> {
    let workspace = open(data_dir).await?;
    match action {
        AuditAction::Verify { json } => {
            let verification = workspace.verify_audit().await?;
            match &verification.first_break {
                None => eprintln!("audit trail intact: {} entries", verification.entries),
                Some(b) => eprintln!("audit trail broken at entry {}: {}", b.entry, b.problem),
            }
            if json {
                print_json(&verification)?;
            }
            Ok(if verification.ok {
                ExitCode::SUCCESS
            } else {
                ExitCode::from(1)
            })
        }
        AuditAction::Export { format } => {
            let text = workspace.export_audit(format.parse::<ExportFormat>()?).await?;
            let mut stdout = std::io::stdout().lock();
            write!(stdout, "{text}").map_err(|e| Error::io("write to", "stdout", e))?;
            if !text.ends_with('\n') {
                writeln!(stdout).map_err(|e| Error::io("write to", "stdout", e))?;
            }
            Ok(ExitCode::SUCCESS)
        }
    }
}

/// `backdesk watch [INBOX]`: progress and notices on stderr until SIGINT/SIGTERM, then the report as JSON.
async fn watch(data_dir: Option<PathBuf>, inbox: Option<PathBuf>) -> Result<ExitCode, Error> {
    let workspace = open(data_dir).await?;
    let inbox = match inbox {
        Some(inbox) => inbox,
        None => workspace.inbox_folder().await?.ok_or_else(|| {
            Error::Usage(
                "no inbox folder is configured: pass one (backdesk watch FOLDER) or choose it in the app"
                    .to_owned(),
            )
        })?,
    };
    let mut events = workspace.subscribe();
    let printer = tokio::spawn(async move {
        loop {
            match events.recv().await {
                Ok(event) => print_watch_event(&event),
                Err(tokio::sync::broadcast::error::RecvError::Lagged(_)) => continue,
                Err(tokio::sync::broadcast::error::RecvError::Closed) => break,
            }
        }
    });
    eprintln!("watching {} (Ctrl-C to stop)", inbox.display());
    let report = workspace.watch_inbox(&inbox, shutdown_signal()).await;
    printer.abort();
    let report = report?;
    for unreadable in &report.unreadable_files {
        eprintln!("error: {}", unreadable.message);
    }
    eprintln!(
        "stopped: {} processed, {} rejected, {} duplicate files, {} invoices",
        report.processed,
        report.rejected,
        report.duplicate_files,
        report.invoice_ids.len()
    );
    print_json(&report)
}

fn print_watch_event(event: &api::CoreEvent) {
    match event {
        api::CoreEvent::IngestProgress { done, total } => eprintln!("taken in {done} of {total}"),
        api::CoreEvent::BatchFinished {
            documents,
            processed,
            rejected,
            duplicate_files,
            exceptions,
        } => eprintln!(
            "batch done: {documents} documents, {processed} processed, {rejected} rejected, \
             {duplicate_files} duplicate files, {exceptions} new exceptions"
        ),
        api::CoreEvent::WatcherNotice { message } => eprintln!("notice: {message}"),
        _ => {}
    }
}

/// Resolves on SIGINT or SIGTERM (Ctrl-C elsewhere).
async fn shutdown_signal() {
    #[cfg(unix)]
    {
        use tokio::signal::unix::{signal, SignalKind};
        match signal(SignalKind::terminate()) {
            Ok(mut terminate) => {
                tokio::select! {
                    _ = tokio::signal::ctrl_c() => {}
                    _ = terminate.recv() => {}
                }
            }
            Err(_) => {
                let _ = tokio::signal::ctrl_c().await;
            }
        }
    }
    #[cfg(not(unix))]
    {
        let _ = tokio::signal::ctrl_c().await;
    }
}

/// `backdesk sync`: drain the outbox; exit 1 when invoices are left waiting (offline, or failures).
async fn sync(data_dir: Option<PathBuf>, target: &str, dry_run: bool) -> Result<ExitCode, Error> {
    let target = backdesk::sync::Target::parse(target)?;
    let workspace = open(data_dir).await?;
    if dry_run {
        return print_json(&workspace.sync_plan(target).await?);
    }
    let keychain = backdesk::secrets::Keychain::for_workspace(&workspace.paths().data_dir);
    let report = match workspace.sync(target, &keychain).await {
        Ok(report) => report,
        Err(error) => {
            let waiting = workspace.sync_waiting(target).await.unwrap_or(0);
            eprintln!(
                "{} invoice(s) wait in the {} outbox until this is fixed",
                waiting,
                target.name()
            );
            return Err(error);
        }
    };
    if report.offline {
        eprintln!(
            "offline: {} could not be reached; {} invoice(s) wait in the outbox and go out on the next sync",
            target.name(),
            report.waiting
        );
    } else if report.waiting > 0 {
        eprintln!(
            "{} invoice(s) still wait in the {} outbox; run sync again",
            report.waiting,
            target.name()
        );
    }
    for refusal in &report.failed {
        eprintln!("not synced: {refusal}");
    }
    print_json(&report)?;
    Ok(if report.waiting > 0 || !report.failed.is_empty() {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    })
}

/// `backdesk sync map-vendor|map-account|map-tax`: record a mapping, remembered for every later sync.
async fn sync_map(data_dir: Option<PathBuf>, target: &str, action: SyncAction) -> Result<ExitCode, Error> {
    use backdesk::sync::mapping::{Kind, Mapping};
    let target = backdesk::sync::Target::parse(target)?;
    let workspace = open(data_dir).await?;
    let (kind, key, mapping) = match action {
        SyncAction::MapVendor {
            vendor_id,
            to,
            create,
        } => {
            let mapping = match (to, create) {
                (Some(id), false) => Mapping::Remote(id),
                _ => Mapping::Create,
            };
            (Kind::Vendor, vendor_id, mapping)
        }
        SyncAction::MapAccount { code, to } => (Kind::Account, code, Mapping::Remote(to)),
        SyncAction::MapTax { key, to } => (Kind::Tax, key, Mapping::Remote(to)),
    };
    workspace.sync_map(target, kind, &key, &mapping).await?;
    match &mapping {
        Mapping::Remote(id) => eprintln!("{} {key} is {id} in {}", kind.name(), target.name()),
        Mapping::Create => eprintln!("vendor {key} will be created in {}", target.name()),
    }
    Ok(ExitCode::SUCCESS)
}

/// `backdesk connect xero|qbo`: credentials from stdin into the OS keychain, checked by one token refresh.
async fn connect(data_dir: Option<PathBuf>, target: &str) -> Result<ExitCode, Error> {
    use std::io::Read as _;
    let target = backdesk::sync::Target::parse(target)?;
    let workspace = open(data_dir).await?;
    let mut input = String::new();
    std::io::stdin()
        .read_to_string(&mut input)
        .map_err(|e| Error::io("read the credentials from", "stdin", e))?;
    let keychain = backdesk::secrets::Keychain::for_workspace(&workspace.paths().data_dir);
    api::sync::connect(target, &keychain, &input).await?;
    eprintln!(
        "connected to {}: the credentials are in the OS keychain",
        target.name()
    );
    Ok(ExitCode::SUCCESS)
}

async fn open(data_dir: Option<PathBuf>) -> Result<Workspace, Error> {
    let dir = data_dir.or_else(api::default_data_dir).ok_or_else(|| {
        Error::Usage("no data directory: pass --data-dir DIR or set BACKDESK_DATA_DIR".to_owned())
    })?;
    Workspace::open(&dir).await
}

fn extract(file: &Path, _json: bool) -> Result<ExitCode, Error> {
    let bytes = std::fs::read(file).map_err(|e| Error::io("read", file, e))?;
    let source = file.display().to_string();
    let output =
        backdesk::formats::read_document(&source, &bytes).map_err(|failure| Error::UnreadableDocument {
            file: source.clone(),
            reason: failure.message,
        })?;
    let extractions = match output {
        ReadOutput::Invoices(extractions) => extractions,
        ReadOutput::Container(container) => extract_parts(&source, container, 0)?,
    };
    if let [single] = extractions.as_slice() {
        print_json(single)
    } else {
        print_json(&extractions)
    }
}

/// The invoices in an e-mail's attachments (attached e-mails included, three levels deep); each part that
/// holds none is named on stderr with the reason.
fn extract_parts(
    source: &str,
    container: backdesk::formats::Container,
    depth: usize,
) -> Result<Vec<backdesk::model::extraction::Extraction>, Error> {
    let mut found = Vec::new();
    let mut skipped = Vec::new();
    for part in container.parts {
        let part_source = format!("{source}/{}", part.name);
        match backdesk::formats::read_document(&part_source, &part.bytes) {
            Ok(ReadOutput::Invoices(extractions)) => found.extend(extractions),
            Ok(ReadOutput::Container(inner)) if depth < 3 => {
                found.extend(extract_parts(&part_source, inner, depth + 1)?)
            }
            Ok(ReadOutput::Container(_)) => skipped.push(format!("{part_source}: e-mails nested too deep")),
            Err(failure) => skipped.push(format!("{part_source}: {}", failure.message)),
        }
    }
    for line in &skipped {
        eprintln!("skipped {line}");
    }
    if found.is_empty() && depth == 0 {
        return Err(Error::UnreadableDocument {
            file: source.to_owned(),
            reason: format!(
                "no attachment of this e-mail is an invoice ({})",
                skipped.join("; ")
            ),
        });
    }
    Ok(found)
}

/// `extract FILE --words`: the positioned text layer of a PDF as JSON.
fn extract_words(file: &Path) -> Result<ExitCode, Error> {
    let bytes = std::fs::read(file).map_err(|e| Error::io("read", file, e))?;
    let format = backdesk::formats::sniff(&bytes);
    if format != backdesk::formats::Format::Pdf {
        return Err(Error::UnreadableDocument {
            file: file.display().to_string(),
            reason: format!("--words reads PDFs; this file is {}", format.label()),
        });
    }
    let text = backdesk::formats::pdf_invoice::read_pdf_text(&bytes).map_err(|failure| {
        Error::UnreadableDocument {
            file: file.display().to_string(),
            reason: failure.message,
        }
    })?;
    print_json(&text)
}

/// Prints the contract's JSON (or a short report), the rule messages on stderr, and exits 1 on fatal rules.
fn validate(file: &Path, json: bool) -> Result<ExitCode, Error> {
    let validation = api::validate_file(file)?;
    if let backdesk::rules::Applicability::NotApplicable { reason } = &validation.applicability {
        eprintln!("{}: EN 16931 rules not applied: {reason}", file.display());
    }
    for violation in validation.fatal.iter().chain(&validation.warning) {
        eprintln!(
            "{:?} {} at {}: {}",
            violation.flag, violation.id, violation.location, violation.message
        );
    }
    let summary = api::ValidationSummary::from(&validation);
    if json {
        print_json(&summary)?;
    } else {
        println!(
            "{}: {} fatal, {} warning ({})",
            file.display(),
            summary.fatal.len(),
            summary.warning.len(),
            summary.profile.as_deref().unwrap_or("no BT-24")
        );
    }
    Ok(if validation.fatal.is_empty() {
        ExitCode::SUCCESS
    } else {
        ExitCode::from(1)
    })
}

fn print_json(value: &impl serde::Serialize) -> Result<ExitCode, Error> {
    let text = serde_json::to_string_pretty(value)
        .map_err(|e| Error::InvalidData(format!("could not write JSON output: {e}")))?;
    let mut stdout = std::io::stdout().lock();
    writeln!(stdout, "{text}").map_err(|e| Error::io("write to", "stdout", e))?;
    Ok(ExitCode::SUCCESS)
}
