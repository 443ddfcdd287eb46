//! The app's own configuration (not a workspace's): the data directory chosen in Settings, remembered in
//! `config.toml` in the per-user config folder (`$BACKDESK_CONFIG_DIR` when set) and used on the next start.

use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

use crate::error::{Error, Result};

const CONFIG_FILE: &str = "config.toml";

/// What the app remembers between starts.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct AppConfig {
    /// The data directory to open when none is given on the command line or in `$BACKDESK_DATA_DIR`.
    pub data_dir: Option<PathBuf>,
}

/// The folder of the app's configuration: `$BACKDESK_CONFIG_DIR`, else the per-user config folder.
pub fn config_dir() -> Option<PathBuf> {
    std::env::var_os("BACKDESK_CONFIG_DIR")
        .map(PathBuf::from)
        .or_else(|| {
            directories::ProjectDirs::from("app", "backdesk", "Backdesk").map(|d| d.config_dir().to_owned())
        })
}

/// Reads the configuration in `dir`; a missing file is the default configuration.
pub fn load(dir: &Path) -> Result<AppConfig> {
    let path = dir.join(CONFIG_FILE);
    let text = match std::fs::read_to_string(&path) {
        Ok(text) => text,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(AppConfig::default()),
        Err(e) => return Err(Error::io("read", path, e)),
    };
    toml::from_str(&text).map_err(|e| {
        Error::InvalidData(format!(
            "{}: {e}; fix the file or delete it to start with the defaults",
            path.display()
        ))
    })
}

/// Remembers `data_dir` as the one to open on the next start (written to a temporary file, then renamed).
pub fn remember_data_dir(dir: &Path, data_dir: &Path) -> Result<()> {
    let mut config = load(dir).unwrap_or_default();
    config.data_dir = Some(data_dir.to_owned());
    std::fs::create_dir_all(dir).map_err(|e| Error::io("create directory", dir, e))?;
    let text = toml::to_string(&config)
        .map_err(|e| Error::InvalidData(format!("the app configuration could not be written: {e}")))?;
    let path = dir.join(CONFIG_FILE);
    let partial = dir.join(format!("{CONFIG_FILE}.partial"));
    std::fs::write(&partial, text).map_err(|e| Error::io("write", &partial, e))?;
    std::fs::rename(&partial, &path).map_err(|e| Error::io("replace", &path, e))
}

/// The data directory remembered in the user's configuration, if any (a broken file counts as none).
pub fn remembered_data_dir() -> Option<PathBuf> {
    config_dir()
        .and_then(|dir| load(&dir).ok())
        .and_then(|config| config.data_dir)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_remembered_data_dir_survives_a_reload_and_a_missing_file_is_the_default() {
        let dir = tempfile::tempdir().unwrap();
        assert_eq!(load(dir.path()).unwrap(), AppConfig::default());
        remember_data_dir(dir.path(), Path::new("/srv/ap books")).unwrap();
        assert_eq!(
            load(dir.path()).unwrap().data_dir.as_deref(),
            Some(Path::new("/srv/ap books"))
        );
    }

    #[test]
    fn a_broken_config_names_the_file_and_what_to_do() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join(CONFIG_FILE), "data_dir = [").unwrap();
        let error = load(dir.path()).unwrap_err().to_string();
        assert!(
            error.contains("config.toml") && error.contains("delete it"),
            "{error}"
        );
    }
}
