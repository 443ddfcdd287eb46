//! The versions an About box shows that the core knows: its own crate version, the release of the official
//! EN 16931 validation artefacts it carries, and the database schema version its migrations produce.

use serde::Serialize;

use crate::rules::UBL_SCHEMATRON;
use crate::store::MIGRATOR;

/// Versions of the core.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct CoreVersions {
    /// The `backdesk` crate.
    pub core: &'static str,
    /// The CEN EN 16931 validation artefacts vendored in `assets/en16931` (e.g. `1.3.16`), as their
    /// Schematron states it; `unknown` if the header does not say.
    pub en16931_artefacts: String,
    /// The last migration in `migrations/` (the schema every opened database is brought to).
    pub schema: i64,
}

/// The core's versions.
pub fn core_versions() -> CoreVersions {
    CoreVersions {
        core: env!("CARGO_PKG_VERSION"),
        en16931_artefacts: artefact_version(UBL_SCHEMATRON).unwrap_or_else(|| "unknown".to_owned()),
        schema: MIGRATOR.iter().map(|m| m.version).max().unwrap_or_default(),
    }
}

/// The release from the artefacts' header comment: `<!--Schematron version 1.3.16 - Last update: …-->`.
fn artefact_version(schematron: &str) -> Option<String> {
    let header = &schematron[..schematron.len().min(2000)];
    let rest = &header[header.find("Schematron version ")? + "Schematron version ".len()..];
    let version: String = rest
        .chars()
        .take_while(|c| c.is_ascii_digit() || *c == '.')
        .collect();
    (!version.is_empty()).then_some(version)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_artefact_release_is_read_from_the_schematron_header() {
        let header =
            "<?xml version=\"1.0\"?>\n<!--Schematron version 1.3.16 - Last update: 2026-04-10--><schema>";
        assert_eq!(artefact_version(header).as_deref(), Some("1.3.16"));
        assert_eq!(artefact_version("<schema/>"), None, "no header, no version");
    }

    #[test]
    fn the_versions_name_the_vendored_artefacts_and_the_last_migration() {
        let versions = core_versions();
        assert_eq!(versions.core, env!("CARGO_PKG_VERSION"));
        assert!(
            versions.en16931_artefacts.starts_with("1."),
            "the vendored CEN artefacts state their release: {versions:?}"
        );
        let last_file = std::fs::read_dir(concat!(env!("CARGO_MANIFEST_DIR"), "/migrations"))
            .expect("the migrations directory")
            .filter_map(|entry| {
                entry
                    .ok()?
                    .file_name()
                    .to_str()?
                    .split('_')
                    .next()?
                    .parse::<i64>()
                    .ok()
            })
            .max();
        assert_eq!(
            Some(versions.schema),
            last_file,
            "the schema version is the last migration's number"
        );
    }
}
