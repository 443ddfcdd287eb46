//! Seeds a workspace with synthetic invoices for the desktop performance run (scripts/e2e.sh):
//! `seed_synthetic DATA_DIR N` opens the demo workspace in DATA_DIR (seeding the demo when empty) and adds N
//! copies of its invoices in one transaction (`Workspace::seed_synthetic_invoices`). Prints the report as JSON.

use std::path::PathBuf;
use std::process::ExitCode;

#[tokio::main]
async fn main() -> ExitCode {
    let mut args = std::env::args_os().skip(1);
    let (Some(dir), Some(count)) = (args.next(), args.next()) else {
        eprintln!("usage: seed_synthetic DATA_DIR N");
        return ExitCode::from(2);
    };
    let Some(count) = count.to_str().and_then(|c| c.parse::<usize>().ok()) else {
        eprintln!("seed_synthetic: N must be a whole number of invoices");
        return ExitCode::from(2);
    };
    let started = std::time::Instant::now();
    let result = async {
        let workspace = backdesk::api::demo::open_demo_workspace(&PathBuf::from(dir)).await?;
        let report = workspace.seed_synthetic_invoices(count).await;
        // the seeding is one large transaction: checkpoint its WAL so the app's start does not replay it
        workspace.close().await;
        report
    }
    .await;
    match result {
        Ok(report) => {
            println!(
                "{{\"templates\":{},\"added\":{},\"seconds\":{:.2}}}",
                report.templates,
                report.added,
                started.elapsed().as_secs_f64()
            );
            ExitCode::SUCCESS
        }
        Err(error) => {
            eprintln!("seed_synthetic: {error}");
            ExitCode::FAILURE
        }
    }
}
