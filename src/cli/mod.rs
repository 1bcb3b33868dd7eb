//! The command line: clap definitions and one module per subcommand. Raw flags are turned
//! into library settings here; clap types never reach the library.

mod build;
mod check;
mod dump;
mod formats;
mod import;
mod serve;
pub mod write;

use std::io::IsTerminal;
use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Args, Parser, Subcommand, ValueEnum};

use crate::diagnostics::{self, MessageFormat};
use crate::Checked;

/// Exit code: success.
pub const EXIT_OK: u8 = 0;
/// Exit code: the manuscript has errors (diagnostics were printed).
pub const EXIT_MANUSCRIPT: u8 = 1;
/// Exit code: usage or I/O error.
pub const EXIT_USAGE: u8 = 2;

const EXAMPLES: &str = "\
Examples:
  supplement build                                  build every format of ./manuscript into ./out
  supplement build --format changelog --out dist    build only the changelog into ./dist
  supplement check --manuscript examples/full       check a manuscript without writing anything
  supplement check --message-format json            one JSON object per diagnostic, for editors and CI
  supplement check --message-format github          GitHub Actions annotations
  supplement serve --open                           live preview at http://127.0.0.1:8040/
  supplement formats                                list the output formats

Exit codes: 0 success, 1 the manuscript has errors, 2 usage or I/O error.";

/// Compile a supplement manuscript (TOML) into DOCX, HTML and a changelog.
#[derive(Debug, Parser)]
#[command(name = "supplement", version, about, after_help = EXAMPLES)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Load, validate and render the manuscript; write the outputs atomically.
    #[command(after_help = EXAMPLES)]
    Build(BuildArgs),
    /// Load and validate the manuscript without writing anything.
    #[command(after_help = EXAMPLES)]
    Check(CheckArgs),
    /// Serve a live preview of the HTML edition that reloads on every save.
    #[command(after_help = EXAMPLES)]
    Serve(ServeArgs),
    /// List the output formats (built in, and external emitters on PATH).
    Formats,
    /// Print the validated manuscript or its document view as JSON (for external emitters
    /// and other programs).
    Dump(DumpArgs),
    /// Print a JSON Schema.
    Schema(SchemaArgs),
    /// Make a manuscript folder from a mind map (.mm, .opml, .xmind, .mmap).
    Import(import::ImportArgs),
}

#[derive(Debug, Args)]
struct DumpArgs {
    #[command(flatten)]
    common: CommonArgs,
    /// What to print: the document view (what every emitter reads) or the model.
    #[arg(long, value_enum, default_value_t = WhatArg::View)]
    what: WhatArg,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
enum WhatArg {
    View,
    Model,
}

#[derive(Debug, Args)]
struct SchemaArgs {
    /// The schema of the document view (`dump --what view`, what external emitters get).
    #[arg(long, required = true)]
    view: bool,
}

#[derive(Debug, Args)]
struct CommonArgs {
    /// The manuscript folder (holds supplement.toml and parts/).
    #[arg(long, short = 'm', default_value = "manuscript", value_name = "DIR")]
    manuscript: PathBuf,
    /// How diagnostics are printed.
    #[arg(long, value_enum, default_value_t = FormatArg::Human, value_name = "FORMAT")]
    message_format: FormatArg,
    /// Treat warnings as errors (exit 1 when there are any).
    #[arg(long)]
    deny_warnings: bool,
}

#[derive(Debug, Args)]
struct CheckArgs {
    #[command(flatten)]
    common: CommonArgs,
}

#[derive(Debug, Args)]
struct BuildArgs {
    #[command(flatten)]
    common: CommonArgs,
    /// Formats to build: a comma-separated list, or `all`.
    #[arg(long, short = 'f', default_value = "all", value_name = "LIST")]
    format: String,
    /// Output folder.
    #[arg(long, short = 'o', default_value = "out", value_name = "DIR")]
    out: PathBuf,
}

#[derive(Debug, Args)]
struct ServeArgs {
    /// The manuscript folder (holds supplement.toml and parts/).
    #[arg(long, short = 'm', default_value = "manuscript", value_name = "DIR")]
    manuscript: PathBuf,
    /// Port to listen on (0 picks a free one).
    #[arg(long, short = 'p', default_value_t = 8040)]
    port: u16,
    /// Address to listen on; the default serves this machine only.
    #[arg(long, default_value = "127.0.0.1")]
    host: String,
    /// Open the page in the default browser.
    #[arg(long)]
    open: bool,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
enum FormatArg {
    Human,
    Json,
    Github,
}

impl From<FormatArg> for MessageFormat {
    fn from(f: FormatArg) -> Self {
        match f {
            FormatArg::Human => MessageFormat::Human,
            FormatArg::Json => MessageFormat::Json,
            FormatArg::Github => MessageFormat::Github,
        }
    }
}

/// Runs the command line and returns the process exit code.
pub fn main() -> ExitCode {
    let cli = match Cli::try_parse() {
        Ok(cli) => cli,
        Err(e) => {
            let _ = e.print();
            return ExitCode::from(if e.use_stderr() { EXIT_USAGE } else { EXIT_OK });
        }
    };
    let code = match cli.command {
        Command::Build(args) => build::run(&args),
        Command::Check(args) => check::run(&args),
        Command::Serve(args) => serve::run(&args),
        Command::Formats => formats::run(),
        Command::Dump(args) => dump::run(&args),
        Command::Schema(_) => dump::schema(),
        Command::Import(args) => import::run(&args),
    };
    ExitCode::from(code)
}

/// Prints an error that stops the command (usage or I/O) as one line with its causes.
fn fail(error: &dyn std::fmt::Display) -> u8 {
    eprintln!("error: {error:#}");
    EXIT_USAGE
}

/// Prints the diagnostics of a check and returns whether the build may go on.
fn report(checked: &Checked, common: &CommonArgs) -> bool {
    let (_, warnings) = diagnostics::counts(&checked.diagnostics);
    print_diagnostics(&checked.diagnostics, &checked.sources, common);
    checked.is_ok() && !(common.deny_warnings && warnings > 0)
}

/// Prints diagnostics in the chosen message format (human ones with a count line).
fn print_diagnostics(
    list: &[crate::diagnostics::Diagnostic],
    sources: &crate::diagnostics::Sources,
    common: &CommonArgs,
) {
    let format = MessageFormat::from(common.message_format);
    let color = format == MessageFormat::Human
        && std::io::stderr().is_terminal()
        && std::env::var_os("NO_COLOR").is_none();
    let text = diagnostics::render(list, sources, format, color);
    let (errors, warnings) = diagnostics::counts(list);
    match format {
        MessageFormat::Human => {
            eprint!("{text}");
            if errors + warnings > 0 {
                eprintln!(
                    "{}: {errors} error{}, {warnings} warning{}",
                    common.manuscript.display(),
                    if errors == 1 { "" } else { "s" },
                    if warnings == 1 { "" } else { "s" }
                );
            }
        }
        MessageFormat::Json | MessageFormat::Github => print!("{text}"),
    }
}
