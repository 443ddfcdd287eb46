//! Integration tests of the core: one binary, real SQLite files in temp directories, the real CLI.

// tests may unwrap: a panic with the value is the clearest failure
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod cli_import;
mod cli_ingest;
mod intake_api;
mod intake_crash;
mod intake_hostile;
mod intake_support;
mod intake_watch;
mod readers;
mod support;
mod workspace;
