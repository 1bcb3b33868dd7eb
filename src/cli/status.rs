//! `supplement status`: where the revision work stands (see `crate::status`), as a
//! terminal table, JSON, CSV or Markdown; with `--deny-unassigned` / `--deny-overdue`, a
//! gate for CI.

use super::{GlobalArgs, Reporter, StatusArgs, StatusFormat, UsageError, EXIT_MANUSCRIPT, EXIT_OK};
use crate::diagnostics::MessageFormat;

/// Runs the command: the report on stdout; diagnostics and gate failures on stderr.
pub(super) fn run(args: &StatusArgs, global: &GlobalArgs) -> anyhow::Result<u8> {
    let today = match &args.today {
        Some(text) => crate::load::parse_date(text)
            .ok()
            .filter(|d| d.day.is_some())
            .ok_or_else(|| {
                UsageError::new(format!("--today {text:?} is not a date like 2026-11-27"))
            })?,
        // The one place the program reads the clock.
        None => crate::status::today_from_clock(),
    };
    let reporter = Reporter::new(global, MessageFormat::Human);
    let manuscript = args.manuscript.locate()?;
    reporter.detail(&format!("manuscript: {}", manuscript.display()));
    let checked = crate::check(&manuscript)?;
    if !checked.is_ok() {
        reporter.diagnostics(&checked.diagnostics, &checked.sources, &manuscript);
        eprintln!("error: the manuscript has errors; no report");
        return Ok(EXIT_MANUSCRIPT);
    }
    let (Some(model), Some(view)) = (&checked.supplement, &checked.view) else {
        return Ok(EXIT_MANUSCRIPT);
    };
    let labels = &view.labels;
    let report = crate::status::report(model, view, today);
    let text = match args.format {
        StatusFormat::Table => crate::status::text(&report, labels, &checked.sources),
        StatusFormat::Markdown => crate::status::markdown(&report, labels, &checked.sources),
        StatusFormat::Csv => crate::status::csv(&report, labels),
        StatusFormat::Json => {
            let mut json = serde_json::to_string(&report)?;
            json.push('\n');
            json
        }
    };
    super::report::stdout_write(&text);
    let failed = crate::status::gates(&report, args.deny_unassigned, args.deny_overdue);
    if !failed.is_empty() {
        reporter.diagnostics(&failed, &checked.sources, &manuscript);
        return Ok(EXIT_MANUSCRIPT);
    }
    Ok(EXIT_OK)
}
