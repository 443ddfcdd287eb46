//! Command-line options of the desktop binary and where they put the data directory.

use std::ffi::OsString;
use std::path::PathBuf;

/// What the app was asked to open.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LaunchOptions {
    /// The workspace to open at start.
    pub data_dir: PathBuf,
    /// Where "Open the demo workspace" puts the demo: never the user's real data directory.
    pub demo_dir: PathBuf,
    /// Open `data_dir` as the demo workspace (seeding it when empty).
    pub demo: bool,
}

const USAGE: &str = "usage: backdesk-desktop [--data-dir DIR] [--demo] [--demo-dir DIR]

  --data-dir DIR  the workspace to open (default: $BACKDESK_DATA_DIR, else the per-user data directory)
  --demo          open the demo workspace (in --data-dir if given, else in the demo directory)
  --demo-dir DIR  where the demo workspace lives (default: $BACKDESK_DEMO_DIR, else backdesk-demo next to
                  the per-user data directory)";

/// Why the options could not be used; the message is printed with the usage.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum LaunchError {
    /// `--help` was asked for.
    Help,
    /// The arguments were wrong.
    Usage(String),
}

impl LaunchError {
    /// The text to print on stderr.
    pub fn message(&self) -> String {
        match self {
            Self::Help => USAGE.to_owned(),
            Self::Usage(problem) => format!("backdesk-desktop: {problem}\n\n{USAGE}"),
        }
    }
}

/// Reads the options from the arguments (without the program name) and the environment values given.
pub fn parse_launch_options(
    args: impl IntoIterator<Item = OsString>,
    env_data_dir: Option<OsString>,
    env_demo_dir: Option<OsString>,
    default_data_dir: Option<PathBuf>,
) -> Result<LaunchOptions, LaunchError> {
    let mut data_dir: Option<PathBuf> = None;
    let mut demo_dir: Option<PathBuf> = None;
    let mut demo = false;
    let mut args = args.into_iter();
    while let Some(arg) = args.next() {
        match arg.to_str() {
            Some("--demo") => demo = true,
            Some("--data-dir") => data_dir = Some(value_of("--data-dir", args.next())?),
            Some("--demo-dir") => demo_dir = Some(value_of("--demo-dir", args.next())?),
            Some("-h" | "--help") => return Err(LaunchError::Help),
            _ => {
                return Err(LaunchError::Usage(format!(
                    "unexpected argument {}",
                    arg.to_string_lossy()
                )))
            }
        }
    }
    let demo_dir = demo_dir
        .or_else(|| non_empty(env_demo_dir))
        .or_else(|| default_data_dir.as_deref().map(demo_dir_beside))
        .ok_or_else(|| LaunchError::Usage("no per-user data directory is known; pass --demo-dir".into()))?;
    let data_dir = match (data_dir.or_else(|| non_empty(env_data_dir)), demo) {
        (Some(dir), _) => dir,
        (None, true) => demo_dir.clone(),
        (None, false) => default_data_dir.ok_or_else(|| {
            LaunchError::Usage("no per-user data directory is known; pass --data-dir".into())
        })?,
    };
    Ok(LaunchOptions {
        data_dir,
        demo_dir,
        demo,
    })
}

fn value_of(flag: &str, value: Option<OsString>) -> Result<PathBuf, LaunchError> {
    match value {
        Some(value) if !value.is_empty() && !value.to_string_lossy().starts_with("--") => Ok(value.into()),
        _ => Err(LaunchError::Usage(format!("{flag} needs a directory"))),
    }
}

fn non_empty(value: Option<OsString>) -> Option<PathBuf> {
    value.filter(|v| !v.is_empty()).map(PathBuf::from)
}

/// `~/.local/share/backdesk` → `~/.local/share/backdesk-demo`: a sibling, so the demo never mixes with real data.
fn demo_dir_beside(data_dir: &std::path::Path) -> PathBuf {
    let mut name = data_dir
        .file_name()
        .map(OsString::from)
        .unwrap_or_else(|| "backdesk".into());
    name.push("-demo");
    data_dir.with_file_name(name)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(args: &[&str], env_data_dir: Option<&str>) -> Result<LaunchOptions, LaunchError> {
        parse_launch_options(
            args.iter().map(OsString::from),
            env_data_dir.map(OsString::from),
            None,
            Some(PathBuf::from("/home/u/.local/share/backdesk")),
        )
    }

    #[test]
    fn data_dir_flag_wins_over_the_environment() {
        let options = parse(&["--data-dir", "/tmp/a"], Some("/tmp/env")).unwrap();
        assert_eq!(options.data_dir, PathBuf::from("/tmp/a"));
        assert!(!options.demo);
    }

    #[test]
    fn environment_wins_over_the_default() {
        let options = parse(&[], Some("/tmp/env")).unwrap();
        assert_eq!(options.data_dir, PathBuf::from("/tmp/env"));
    }

    #[test]
    fn no_flags_open_the_per_user_data_directory() {
        let options = parse(&[], None).unwrap();
        assert_eq!(options.data_dir, PathBuf::from("/home/u/.local/share/backdesk"));
    }

    #[test]
    fn demo_without_data_dir_never_opens_the_real_data_directory() {
        let options = parse(&["--demo"], None).unwrap();
        assert!(options.demo);
        assert_eq!(
            options.data_dir,
            PathBuf::from("/home/u/.local/share/backdesk-demo")
        );
        assert_eq!(options.demo_dir, options.data_dir);
    }

    #[test]
    fn demo_with_data_dir_seeds_that_directory() {
        let options = parse(&["--data-dir", "/tmp/d", "--demo"], None).unwrap();
        assert_eq!(options.data_dir, PathBuf::from("/tmp/d"));
        assert!(options.demo);
    }

    #[test]
    fn a_flag_without_its_directory_is_a_usage_error() {
        assert!(matches!(parse(&["--data-dir"], None), Err(LaunchError::Usage(_))));
        assert!(matches!(
            parse(&["--data-dir", "--demo"], None),
            Err(LaunchError::Usage(_))
        ));
    }

    #[test]
    fn unknown_arguments_are_refused_with_the_usage() {
        let error = parse(&["--bogus"], None).unwrap_err();
        assert!(
            error.message().contains("--bogus") && error.message().contains("usage:"),
            "{error:?}"
        );
    }
}
