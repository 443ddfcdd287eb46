//! `backdesk hires …`: onboarding coordination from the command line (docs/cli.md, "Onboarding").

use std::io::Read;
use std::path::PathBuf;
use std::process::ExitCode;

use backdesk::api::Workspace;
use backdesk::error::Error;
use backdesk::onboarding::EmploymentType;
use backdesk::store::onboarding::NewHire;
use chrono::{NaiveDate, Utc};
use clap::Subcommand;

use super::print_json;

#[derive(Subcommand)]
pub enum HiresAction {
    /// Add a hire from flags, or from a JSON object on stdin (`-`); prints the hire with its checklist.
    Add {
        /// `-`: read {"name", "email", "role", "start_date", "employment_type", "country", "manager"} from stdin.
        #[arg(value_name = "-")]
        stdin: Option<String>,
        #[arg(long)]
        name: Option<String>,
        #[arg(long)]
        email: Option<String>,
        #[arg(long, default_value = "")]
        role: String,
        /// YYYY-MM-DD
        #[arg(long)]
        start: Option<NaiveDate>,
        /// employee | contractor | intern
        #[arg(long = "type", default_value = "employee")]
        employment_type: String,
        /// ISO country code (DE, FR, GB, …)
        #[arg(long)]
        country: Option<String>,
        #[arg(long)]
        manager: Option<String>,
        #[arg(long = "as", value_name = "PERSON", default_value = "coordinator")]
        by: String,
    },
    /// Every hire with its stage and item counts.
    List {
        #[arg(long)]
        json: bool,
    },
    /// One hire's checklist: each item's state, reasons and evidence (page, box, value).
    Show {
        id: i64,
        #[arg(long)]
        json: bool,
    },
    /// Mark an item done (a task, or a document checked by hand); audited.
    Tick {
        id: i64,
        item: String,
        #[arg(long = "as", value_name = "PERSON")]
        by: String,
    },
    /// Checklist templates: list, export (TOML on stdout), import a file (new versions).
    Templates {
        #[command(subcommand)]
        action: TemplatesAction,
    },
    /// Items overdue or due within --days, across all hires.
    Due {
        #[arg(long, default_value_t = 7)]
        days: i64,
        /// The day to judge by (default: today).
        #[arg(long)]
        today: Option<NaiveDate>,
        #[arg(long)]
        json: bool,
    },
    /// A draft e-mail to the hire (or --owner) listing exactly what is missing; .eml to --out, mailto URL on stdout.
    Remind {
        id: i64,
        /// Remind this task owner instead of the hire.
        #[arg(long)]
        owner: Option<String>,
        #[arg(long)]
        out: Option<PathBuf>,
    },
    /// Hires by stage, items overdue, average coordinator minutes per hire (from the audit trail).
    Dashboard {
        #[arg(long)]
        today: Option<NaiveDate>,
    },
    /// Remove archived originals and personal fields of hires past retention (a tombstone row stays); audited.
    Purge {
        #[arg(long = "as", value_name = "PERSON")]
        by: String,
        #[arg(long)]
        today: Option<NaiveDate>,
    },
}

#[derive(Subcommand)]
pub enum TemplatesAction {
    /// The templates in force (newest version of each).
    List {
        #[arg(long)]
        json: bool,
    },
    /// The templates in force as a TOML template file.
    Export,
    /// Import a TOML template file; changed templates get a new version.
    Import {
        file: PathBuf,
        #[arg(long = "as", value_name = "PERSON", default_value = "coordinator")]
        by: String,
    },
}

fn today(given: Option<NaiveDate>) -> NaiveDate {
    given.unwrap_or_else(|| chrono::Local::now().date_naive())
}

fn new_hire_from_flags(
    name: Option<String>,
    email: Option<String>,
    role: String,
    start: Option<NaiveDate>,
    employment_type: &str,
    country: Option<String>,
    manager: Option<String>,
) -> Result<NewHire, Error> {
    let missing = |flag: &str| {
        Error::Usage(format!(
            "hires add needs --{flag} (or a JSON object on stdin with `-`)"
        ))
    };
    Ok(NewHire {
        name: name.ok_or_else(|| missing("name"))?,
        email,
        role,
        start_date: start.ok_or_else(|| missing("start"))?,
        employment_type: EmploymentType::parse(employment_type)?,
        country: country.ok_or_else(|| missing("country"))?,
        manager,
    })
}

pub async fn run(workspace: Workspace, action: HiresAction) -> Result<ExitCode, Error> {
    match action {
        HiresAction::Add {
            stdin,
            name,
            email,
            role,
            start,
            employment_type,
            country,
            manager,
            by,
        } => {
            let new = if stdin.as_deref() == Some("-") {
                let mut text = String::new();
                std::io::stdin()
                    .read_to_string(&mut text)
                    .map_err(|e| Error::io("read", "stdin", e))?;
                serde_json::from_str(&text).map_err(|e| {
                    Error::Usage(format!(
                        "stdin is not a hire as JSON ({e}); give name, start_date (YYYY-MM-DD), employment_type, country"
                    ))
                })?
            } else {
                new_hire_from_flags(name, email, role, start, &employment_type, country, manager)?
            };
            let status = workspace.add_hire(&new, &by).await?;
            eprintln!(
                "hire {} added from template {} v{}: drop documents into INBOX/{}/",
                status.summary.hire.id,
                status.summary.hire.template_key,
                status.summary.hire.template_version,
                status.folder
            );
            print_json(&status)
        }
        HiresAction::List { json } => {
            let hires = workspace.list_hires().await?;
            if json {
                return print_json(&hires);
            }
            for h in &hires {
                println!(
                    "{:>4}  {:<24} {}  {:<18} {}/{} done, {} with problems",
                    h.hire.id,
                    h.hire.name,
                    h.hire.start_date,
                    format!("{:?}", h.stage),
                    h.items_done,
                    h.items_total,
                    h.items_with_problems
                );
            }
            Ok(ExitCode::SUCCESS)
        }
        HiresAction::Show { id, json } => {
            let status = workspace.hire_status(id).await?;
            if json {
                return print_json(&status);
            }
            println!(
                "{} — starts {} — {:?}",
                status.summary.hire.name, status.summary.hire.start_date, status.summary.stage
            );
            for item in &status.items {
                println!(
                    "  [{:<7}] {:<14} due {}  {}",
                    item.state, item.key, item.due_date, item.label
                );
                for reason in &item.reasons {
                    println!("            {:?}: {}", reason.code, reason.message);
                }
            }
            Ok(ExitCode::SUCCESS)
        }
        HiresAction::Tick { id, item, by } => {
            let status = workspace.tick_item(id, &item, &by, Utc::now()).await?;
            eprintln!("{item} of hire {id} ticked by {by}");
            print_json(&status)
        }
        HiresAction::Templates { action } => match action {
            TemplatesAction::List { json } => {
                let templates = workspace.onboarding_templates().await?;
                if json {
                    return print_json(&templates);
                }
                for t in &templates {
                    println!(
                        "{:<22} v{}  {:<10} {:<3} {} items, retention {} days",
                        t.key,
                        t.version.unwrap_or(1),
                        t.employment_type.as_str(),
                        t.country,
                        t.items.len(),
                        t.retention_days
                    );
                }
                Ok(ExitCode::SUCCESS)
            }
            TemplatesAction::Export => {
                print!("{}", workspace.export_onboarding_templates().await?);
                Ok(ExitCode::SUCCESS)
            }
            TemplatesAction::Import { file, by } => {
                let report = workspace.import_onboarding_templates(&file, &by).await?;
                for t in &report {
                    match t.new_version {
                        Some(v) => eprintln!("{}: new version {v}", t.key),
                        None => eprintln!("{}: unchanged", t.key),
                    }
                }
                print_json(&report)
            }
        },
        HiresAction::Due {
            days,
            today: day,
            json,
        } => {
            let due = workspace.due_items(today(day), days).await?;
            if json {
                return print_json(&due);
            }
            for d in &due {
                println!(
                    "{:<8?} {:>4} days  hire {:>4} {:<22} {:<14} owner {}",
                    d.urgency, d.days_left, d.item.hire_id, d.item.hire_name, d.item.item_key, d.item.owner
                );
            }
            Ok(ExitCode::SUCCESS)
        }
        HiresAction::Remind { id, owner, out } => {
            let draft = workspace.hire_reminder(id, owner.as_deref(), Utc::now()).await?;
            if let Some(out) = out {
                std::fs::write(&out, &draft.eml).map_err(|e| Error::io("write", &out, e))?;
                eprintln!(
                    "draft written to {} (open it in your mail program to send)",
                    out.display()
                );
            }
            println!("{}", draft.mailto);
            Ok(ExitCode::SUCCESS)
        }
        HiresAction::Dashboard { today: day } => {
            print_json(&workspace.onboarding_dashboard(today(day)).await?)
        }
        HiresAction::Purge { by, today: day } => {
            let report = workspace.purge_hires(&by, today(day)).await?;
            eprintln!(
                "{} hires purged, {} archived originals removed",
                report.hires_purged.len(),
                report.originals_removed
            );
            print_json(&report)
        }
    }
}
