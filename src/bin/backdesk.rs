//! The headless command line (shared contracts/cli.md): JSON on stdout, messages on stderr, exit codes
//! 0 success, 1 a problem found and reported, 2 usage, 3 data/IO error.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use backdesk::api::{self, MasterDataKind, Workspace};
use backdesk::error::Error;
use backdesk::formats::ReadOutput;
use backdesk::model::{InvoiceId, InvoiceStatus};
use clap::{Parser, Subcommand};

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
    /// People who act on invoices.
    People {
        #[arg(trailing_var_arg = true, allow_hyphen_values = true)]
        args: Vec<String>,
    },
    /// Correct extracted fields (FIELD=VALUE ...).
    Correct {
        #[arg(trailing_var_arg = true, allow_hyphen_values = true)]
        args: Vec<String>,
    },
    /// Approve the current approval step.
    Approve {
        #[arg(trailing_var_arg = true, allow_hyphen_values = true)]
        args: Vec<String>,
    },
    /// Reject an invoice.
    Reject {
        #[arg(trailing_var_arg = true, allow_hyphen_values = true)]
        args: Vec<String>,
    },
    /// Extraction only (contracts/extraction.md); needs no data directory.
    Extract {
        file: PathBuf,
        #[arg(long)]
        json: bool,
    },
    /// E-invoice business-rule check only.
    Validate {
        #[arg(trailing_var_arg = true, allow_hyphen_values = true)]
        args: Vec<String>,
    },
    /// Push approved invoices to, and pull master data from, accounting systems.
    Sync {
        #[arg(trailing_var_arg = true, allow_hyphen_values = true)]
        args: Vec<String>,
    },
    /// Store a connection's credentials in the OS keychain (reads JSON from stdin).
    Connect {
        #[arg(trailing_var_arg = true, allow_hyphen_values = true)]
        args: Vec<String>,
    },
    /// Audit trail commands (verify).
    Audit {
        #[arg(trailing_var_arg = true, allow_hyphen_values = true)]
        args: Vec<String>,
    },
    /// Cycle time, touchless rate, exceptions by reason.
    Metrics {
        #[arg(trailing_var_arg = true, allow_hyphen_values = true)]
        args: Vec<String>,
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
        Command::Extract { file, json } => extract(&file, json),
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
            eprintln!(
                "imported {} rows from {} ({} new or changed)",
                report.rows, report.file, report.changed
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
        Command::Watch { inbox } => watch(cli.data_dir, inbox).await,
        Command::People { .. } => Err(Error::NotAvailable("people")),
        Command::Correct { .. } => Err(Error::NotAvailable("correct")),
        Command::Approve { .. } => Err(Error::NotAvailable("approve")),
        Command::Reject { .. } => Err(Error::NotAvailable("reject")),
        Command::Validate { .. } => Err(Error::NotAvailable("validate")),
        Command::Sync { .. } => Err(Error::NotAvailable("sync")),
        Command::Connect { .. } => Err(Error::NotAvailable("connect")),
        Command::Audit { .. } => Err(Error::NotAvailable("audit")),
        Command::Metrics { .. } => Err(Error::NotAvailable("metrics")),
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
        ReadOutput::Container(container) => {
            return Err(Error::UnreadableDocument {
                file: source,
                reason: format!(
                    "this is an e-mail with {} attachment(s): extract each attachment on its own",
                    container.parts.len()
                ),
            })
        }
    };
    if let [single] = extractions.as_slice() {
        print_json(single)
    } else {
        print_json(&extractions)
    }
}

fn print_json(value: &impl serde::Serialize) -> Result<ExitCode, Error> {
    let text = serde_json::to_string_pretty(value)
        .map_err(|e| Error::InvalidData(format!("could not write JSON output: {e}")))?;
    let mut stdout = std::io::stdout().lock();
    writeln!(stdout, "{text}").map_err(|e| Error::io("write to", "stdout", e))?;
    Ok(ExitCode::SUCCESS)
}
