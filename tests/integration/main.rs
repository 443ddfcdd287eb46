//! Integration tests of the core: one binary, real SQLite files in temp directories, the real CLI.

// tests may unwrap: a panic with the value is the clearest failure
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod cli_import;
mod cli_ingest;
mod decide_cli;
mod decide_scenario;
mod decide_store;
mod readers;
mod support;
mod workflow_approvals;
mod workflow_audit;
mod workflow_cli;
mod workflow_simulation;
mod workflow_support;
mod workspace;
