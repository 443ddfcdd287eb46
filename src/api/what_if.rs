//! The policy editor's two calls: the policy text in force (the data directory's `policy.toml` as written,
//! else the defaults as TOML) and the what-if preview of an edited text (replayed over past invoices without
//! saving anything; [`Workspace::replay_policy`] does the work).

use super::decisions::ReplayReport;
use super::Workspace;
use crate::error::{Error, Result};
use crate::policy::{Policy, POLICY_FILE};

/// The name the what-if file gets next to the policy while it is replayed (removed afterwards).
const WHAT_IF_FILE: &str = "policy-what-if.toml";

impl Workspace {
    /// The policy as the editor shows it: the file's own text (comments kept), else the defaults.
    pub fn policy_text(&self) -> Result<String> {
        let path = self.paths().data_dir.join(POLICY_FILE);
        if path.exists() {
            std::fs::read_to_string(&path).map_err(|e| Error::io("read", &path, e))
        } else {
            Policy::default().to_toml()
        }
    }

    /// What `text` would decide differently over the stored invoices; nothing is saved.
    pub async fn replay_policy_text(&self, text: &str) -> Result<ReplayReport> {
        // checked first so a typo is reported against "the edited policy", not a temporary file name
        Policy::parse("the edited policy", text)?;
        let path = self.paths().data_dir.join(WHAT_IF_FILE);
        std::fs::write(&path, text).map_err(|e| Error::io("write", &path, e))?;
        let report = self.replay_policy(&path).await;
        let _ = std::fs::remove_file(&path);
        report
    }
}
