//! The command line: clap definitions and one module per subcommand. Raw flags are turned
//! into library settings here; clap types never reach the library.

mod allocator;
mod build;
mod check;
mod completions;
mod diff;
mod dump;
mod formats;
mod import;
mod init;
mod locate;
mod report;
mod schema;
mod serve;
mod status;
pub mod write;

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use clap::{Args, Parser, Subcommand, ValueEnum};

use crate::diagnostics::MessageFormat;
use crate::Checked;
pub use report::Reporter;

/// Exit code: success.
pub const EXIT_OK: u8 = 0;
/// Exit code: the manuscript has errors (diagnostics were printed).
pub const EXIT_MANUSCRIPT: u8 = 1;
/// Exit code: usage or I/O error.
pub const EXIT_USAGE: u8 = 2;

const EXAMPLES: &str = "\
Examples:
  supplement init my-supplement                     start a new manuscript (commented, checks clean)
  supplement build                                  build every format of the manuscript found here into ./out
  supplement build --format changelog --out dist    build only the changelog into ./dist
  supplement check examples/full                    check a manuscript without writing anything
  supplement check --message-format json            one JSON object per line on stdout, for editors and CI
  supplement check --message-format github          GitHub Actions annotations
  supplement serve --open                           live preview at http://127.0.0.1:8040/
  supplement formats                                list the output formats
  supplement completions bash > ~/.local/share/bash-completion/completions/supplement

The manuscript is the folder given (DIR or -m DIR); else the current folder when it holds
supplement.toml; else ./manuscript; else the nearest parent folder that holds supplement.toml.

Exit codes: 0 success, 1 the manuscript has errors, 2 usage or I/O error.";

/// Compile a supplement manuscript (TOML) into DOCX, HTML and a changelog.
#[derive(Debug, Parser)]
#[command(name = "supplement", version, about, after_help = EXAMPLES)]
pub struct Cli {
    #[command(flatten)]
    global: GlobalArgs,
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
    /// Print the JSON Schema of a manuscript file (for Taplo / Even Better TOML), or of the
    /// document view (`--view`).
    Schema(SchemaArgs),
    /// Print the validated manuscript or its document view as JSON (for external emitters
    /// and other programs).
    Dump(DumpArgs),
    /// Show what changed between two versions of a manuscript (folders or git revisions).
    #[command(after_help = DIFF_EXAMPLES)]
    Diff(DiffArgs),
    /// Show where the revision work stands: owners × status, unassigned, hand-overs, due.
    #[command(after_help = STATUS_EXAMPLES)]
    Status(StatusArgs),
    /// Start a new manuscript: a small, commented one that checks clean and builds.
    Init(InitArgs),
    /// Turn a mind map (FreeMind/Freeplane, OPML, XMind, MindManager) into a manuscript.
    Import(import::ImportArgs),
    /// Print the completion script for a shell (e.g. `supplement completions bash`).
    Completions(CompletionsArgs),
    /// Print the man page (roff): `supplement man > supplement.1`.
    Man,
}

#[derive(Debug, Args)]
struct CompletionsArgs {
    /// The shell.
    #[arg(value_enum, value_name = "SHELL")]
    shell: clap_complete::Shell,
}

#[derive(Debug, Args)]
struct InitArgs {
    /// The folder to create the manuscript in (new or empty; default: the current one).
    #[arg(value_name = "DIR")]
    dir: Option<PathBuf>,
}

#[derive(Debug, Args)]
struct SchemaArgs {
    /// Which file's schema.
    #[arg(value_enum, default_value_t = SchemaFileArg::Supplement)]
    file: SchemaFileArg,
    /// The schema of the document view instead (what `dump` prints and external emitters
    /// read).
    #[arg(long)]
    view: bool,
}

const DIFF_EXAMPLES: &str = "\
Examples:
  supplement diff old/manuscript manuscript         two folders
  supplement diff --git HEAD~1                      the last commit against the working tree
  supplement diff --git v1.0..main                  two revisions (the working tree untouched)
  supplement diff --git origin/main --message-format markdown   a pull request comment
  supplement diff --git origin/main --exit-code     exit 1 when anything changed

Exit codes: 0 no changes (or changes without --exit-code), 1 changes with --exit-code,
2 a version has errors, cannot be read, or a usage error.";

#[derive(Debug, Args)]
struct DiffArgs {
    /// The old manuscript folder.
    #[arg(value_name = "OLD")]
    old: Option<PathBuf>,
    /// The new manuscript folder.
    #[arg(value_name = "NEW")]
    new: Option<PathBuf>,
    /// Compare git revisions of the manuscript folder: REV against the folder as it is, or
    /// A..B (the working tree and the index are not touched).
    #[arg(long, value_name = "REV[..REV]")]
    git: Option<String>,
    /// The manuscript folder whose revisions --git compares (found as for `build` when
    /// not given).
    #[arg(long, short = 'm', value_name = "DIR")]
    manuscript: Option<PathBuf>,
    /// How the changes are printed.
    #[arg(long, value_enum, default_value_t = DiffFormat::Human, value_name = "FORMAT")]
    message_format: DiffFormat,
    /// Exit 1 when the versions differ (as `git diff --exit-code`).
    #[arg(long)]
    exit_code: bool,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
enum DiffFormat {
    /// Grouped by part, coloured on a terminal.
    Human,
    /// One JSON object per change.
    Json,
    /// For a pull request comment.
    Markdown,
    /// GitHub Actions annotations on the changed lines.
    Github,
}

const STATUS_EXAMPLES: &str = "\
Examples:
  supplement status                                 the team's progress as tables
  supplement status --format markdown               for a wiki or a pull request
  supplement status --format csv > status.csv       one row per item, for a spreadsheet
  supplement status --deny-unassigned               CI: fail while any work has no owner
  supplement status --deny-overdue --today 2026-12-01   CI: fail on work past its due date

Exit codes: 0 success, 1 the manuscript has errors or a --deny gate failed, 2 usage error.";

#[derive(Debug, Args)]
struct StatusArgs {
    #[command(flatten)]
    manuscript: ManuscriptArgs,
    /// How the report is printed.
    #[arg(long, short = 'f', value_enum, default_value_t = StatusFormat::Table, value_name = "FORMAT")]
    format: StatusFormat,
    /// The day overdue is judged against (YYYY-MM-DD); default: today (UTC).
    #[arg(long, value_name = "DATE")]
    today: Option<String>,
    /// Fail (exit 1) while any place is marked `?` or any item has no owner.
    #[arg(long)]
    deny_unassigned: bool,
    /// Fail (exit 1) while any item is past its `due` date and not done.
    #[arg(long)]
    deny_overdue: bool,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
enum StatusFormat {
    /// Aligned tables for a terminal.
    Table,
    /// One JSON object.
    Json,
    /// One row per item.
    Csv,
    /// Tables and lists in Markdown.
    Markdown,
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

/// A manuscript file that has a schema.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
enum SchemaFileArg {
    /// supplement.toml
    Supplement,
    /// references.toml
    References,
    /// parts/*.toml
    Part,
}

/// Flags every command takes.
#[derive(Debug, Args)]
pub struct GlobalArgs {
    /// Print only diagnostics and errors (no progress, no counts).
    #[arg(long, short = 'q', global = true, conflicts_with = "verbose")]
    quiet: bool,
    /// Say more: which manuscript was found and what was rendered.
    #[arg(long, short = 'v', global = true, action = clap::ArgAction::Count)]
    verbose: u8,
    /// Colour the human form of diagnostics (`auto`: on a terminal, unless NO_COLOR is set).
    #[arg(long, value_enum, global = true, default_value_t = ColorArg::Auto, value_name = "WHEN")]
    color: ColorArg,
}

/// When to colour.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ColorArg {
    /// On a terminal, unless NO_COLOR is set.
    Auto,
    /// Always.
    Always,
    /// Never.
    Never,
}

/// Which manuscript: a positional folder or `-m DIR`; found like cargo finds its manifest
/// when neither is given.
#[derive(Debug, Args)]
struct ManuscriptArgs {
    /// The manuscript folder (holds supplement.toml and parts/); found when not given.
    #[arg(value_name = "DIR")]
    dir: Option<PathBuf>,
    /// The manuscript folder, as a flag (same as DIR).
    #[arg(long, short = 'm', value_name = "DIR", conflicts_with = "dir")]
    manuscript: Option<PathBuf>,
}

impl ManuscriptArgs {
    /// The manuscript folder: the one named, or the one found from the current folder.
    fn locate(&self) -> anyhow::Result<PathBuf> {
        let cwd = std::env::current_dir()
            .map_err(|e| anyhow::Error::new(e).context("cannot read the current folder"))?;
        let explicit = self.dir.as_deref().or(self.manuscript.as_deref());
        Ok(locate::manuscript(explicit, &cwd)?)
    }
}

#[derive(Debug, Args)]
struct CommonArgs {
    #[command(flatten)]
    manuscript: ManuscriptArgs,
    /// How diagnostics are printed (json and github: on stdout, and nothing else is).
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
    /// Add a 変更点 appendix: what changed since this git revision of the manuscript (or
    /// since this manuscript folder).
    #[arg(long, value_name = "REV")]
    since: Option<String>,
}

#[derive(Debug, Args)]
struct ServeArgs {
    #[command(flatten)]
    manuscript: ManuscriptArgs,
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

/// A usage error: what is wrong with how the command was called, and how to call it.
#[derive(Debug, thiserror::Error)]
#[error("{message}")]
pub struct UsageError {
    /// What is wrong, lowercase.
    pub message: String,
    /// How to fix it.
    pub hint: Option<String>,
}

impl UsageError {
    /// A usage error without a hint.
    pub fn new(message: impl Into<String>) -> Self {
        UsageError {
            message: message.into(),
            hint: None,
        }
    }

    /// Adds a hint.
    pub fn with_hint(mut self, hint: impl Into<String>) -> Self {
        self.hint = Some(hint.into());
        self
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
    let result = match &cli.command {
        Command::Build(args) => build::run(args, &cli.global),
        Command::Check(args) => check::run(args, &cli.global),
        Command::Serve(args) => serve::run(args, &cli.global),
        Command::Formats => formats::run(),
        Command::Dump(args) => dump::run(args, &cli.global),
        Command::Diff(args) => diff::run(args, &cli.global),
        Command::Status(args) => status::run(args, &cli.global),
        Command::Schema(args) => schema::run(args),
        Command::Init(args) => init::run(args, &cli.global),
        Command::Import(args) => import::run(args, &cli.global),
        Command::Completions(args) => completions::completions(args),
        Command::Man => completions::man(),
    };
    ExitCode::from(match result {
        Ok(code) => code,
        Err(e) => {
            eprint!("{}", error_text(&e));
            EXIT_USAGE
        }
    })
}

/// An error that stops a command, as printed: `error: ` and the message, each cause after
/// `caused by:` on the same line, then the hint when there is one.
pub fn error_text(error: &anyhow::Error) -> String {
    let mut text = format!("error: {error}");
    for cause in error.chain().skip(1) {
        text.push_str(&format!(": caused by: {cause}"));
    }
    text.push('\n');
    if let Some(hint) = error
        .chain()
        .find_map(|e| e.downcast_ref::<UsageError>())
        .and_then(|u| u.hint.as_deref())
    {
        text.push_str(&format!("  = hint: {hint}\n"));
    }
    text
}

/// Prints the diagnostics of a check and returns whether the command may go on; with
/// `--deny-warnings`, says that it turned the warnings into a failure.
fn report(checked: &Checked, common: &CommonArgs, reporter: &Reporter, manuscript: &Path) -> bool {
    let (errors, warnings) = crate::diagnostics::counts(&checked.diagnostics);
    reporter.diagnostics(&checked.diagnostics, &checked.sources, manuscript);
    let denied = common.deny_warnings && warnings > 0;
    if denied && errors == 0 {
        eprintln!(
            "error: --deny-warnings turned {warnings} warning{} into a failure",
            if warnings == 1 { "" } else { "s" }
        );
    }
    let ok = checked.is_ok() && !denied;
    if !ok {
        reporter.finished(false, errors, warnings, denied);
    }
    ok
}

/// Leaves `value` to the end of the process instead of freeing it: a command that is about
/// to exit gains nothing from walking the model and the view to free them one allocation
/// at a time (about a tenth of `check` on a large manuscript). Only for values a command
/// holds until it returns to `main`.
fn keep_until_exit<T>(value: T) {
    std::mem::forget(value);
}
