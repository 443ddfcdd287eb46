//! Integration tests of the core: one binary, real SQLite files in temp directories, the real CLI.

// tests may unwrap: a panic with the value is the clearest failure
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod cli_import;
mod cli_ingest;
mod decide_cli;
mod decide_scenario;
mod decide_store;
mod extract_accuracy;
mod extract_corrections;
mod extract_learning;
mod extract_robustness;
mod extract_scans;
mod extract_scoring;
mod formats_email;
mod formats_ingest;
mod formats_pdf;
mod formats_pdf_cmap;
mod formats_pdf_consistency;
mod formats_pdf_content;
mod formats_pdf_text;
mod intake_api;
mod intake_crash;
mod intake_eml;
mod intake_hostile;
mod intake_support;
mod intake_watch;
mod readers;
mod rules_cli;
mod rules_corpus;
mod rules_embedded;
mod rules_parity;
mod rules_vefa;
mod rules_xrechnung;
mod support;
mod sync_contract;
mod sync_server;
mod sync_xero;
mod workflow_approvals;
mod workflow_audit;
mod workflow_cli;
mod workflow_simulation;
mod workflow_support;
mod workspace;
