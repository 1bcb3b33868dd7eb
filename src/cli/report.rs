//! What the commands tell the user, and on which stream. Machine-readable records (the
//! `json` and `github` message formats) go to stdout and nothing else does; everything
//! meant for people — diagnostics in the human form, progress, counts — goes to stderr,
//! shortened by `-q` and lengthened by `-v`.

use std::io::{IsTerminal, Write};
use std::path::Path;

use crate::diagnostics::{self, Diagnostic, MessageFormat, Sources};

use super::{ColorArg, GlobalArgs};

/// Where and how a command reports.
#[derive(Debug, Clone)]
pub struct Reporter {
    /// How diagnostics are printed.
    pub format: MessageFormat,
    /// `-q`: only diagnostics and errors.
    pub quiet: bool,
    /// `-v` (counted): also say what was found and done.
    pub verbose: u8,
    /// Whether the human form on stderr is coloured.
    pub color: bool,
}

impl Reporter {
    /// A reporter for the global flags and a message format.
    pub fn new(global: &GlobalArgs, format: MessageFormat) -> Self {
        Reporter {
            format,
            quiet: global.quiet,
            verbose: if global.quiet { 0 } else { global.verbose },
            color: color_enabled(global.color, std::io::stderr().is_terminal()),
        }
    }

    /// A line of progress for people (stderr), unless `-q`.
    pub fn progress(&self, line: &str) {
        if !self.quiet {
            eprintln!("{line}");
        }
    }

    /// A line only `-v` shows (stderr).
    pub fn detail(&self, line: &str) {
        if self.verbose > 0 {
            eprintln!("{line}");
        }
    }

    /// Prints diagnostics: the human form (with a count line naming `manuscript`) on
    /// stderr, the JSON and GitHub forms on stdout.
    pub fn diagnostics(&self, list: &[Diagnostic], sources: &Sources, manuscript: &Path) {
        let text = diagnostics::render(list, sources, self.format, self.color);
        match self.format {
            MessageFormat::Human => {
                eprint!("{text}");
                let (errors, warnings) = diagnostics::counts(list);
                if errors + warnings > 0 && !self.quiet {
                    eprintln!("{}: {}", manuscript.display(), counted(errors, warnings));
                }
            }
            MessageFormat::Json | MessageFormat::Github => stdout_write(&text),
        }
    }

    /// Reports a file the build wrote: a record of its own on stdout in the JSON format
    /// (like cargo's artifact messages), a line for people on stderr otherwise.
    pub fn wrote(&self, path: &Path, bytes: usize) {
        match self.format {
            MessageFormat::Json => {
                let record = serde_json::json!({
                    "reason": "output",
                    "path": path.display().to_string(),
                    "bytes": bytes,
                });
                stdout_write(&format!("{record}\n"));
            }
            MessageFormat::Human | MessageFormat::Github => {
                self.progress(&format!("wrote {} ({bytes} bytes)", path.display()));
            }
        }
    }

    /// The last record of a command in the JSON format: whether it succeeded, with the
    /// counts (and whether `--deny-warnings` made the warnings fail it).
    pub fn finished(&self, success: bool, errors: usize, warnings: usize, denied: bool) {
        if self.format == MessageFormat::Json {
            let record = serde_json::json!({
                "reason": "finished",
                "success": success,
                "errors": errors,
                "warnings": warnings,
                "warnings_denied": denied,
            });
            stdout_write(&format!("{record}\n"));
        }
    }
}

/// "2 errors, 1 warning".
pub fn counted(errors: usize, warnings: usize) -> String {
    format!(
        "{errors} error{}, {warnings} warning{}",
        if errors == 1 { "" } else { "s" },
        if warnings == 1 { "" } else { "s" }
    )
}

/// Writes to stdout, ignoring a closed pipe (`supplement … | head` must not panic).
pub(super) fn stdout_write(text: &str) {
    let mut out = std::io::stdout().lock();
    let _ = out.write_all(text.as_bytes());
    let _ = out.flush();
}

/// Whether to colour: `always` and `never` as said; `auto` when the stream is a terminal
/// and `NO_COLOR` is unset or empty (<https://no-color.org>).
pub fn color_enabled(choice: ColorArg, terminal: bool) -> bool {
    match choice {
        ColorArg::Always => true,
        ColorArg::Never => false,
        ColorArg::Auto => terminal && std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty()),
    }
}
