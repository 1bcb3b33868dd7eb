//! `supplement check`: load and validate, render the templates the manuscript overrides
//! (in memory), shake hands with the external emitters it declares, print the
//! diagnostics, write nothing.

use super::{keep_until_exit, report, CheckArgs, GlobalArgs, Reporter, EXIT_MANUSCRIPT, EXIT_OK};

/// Runs the command: `Ok` with exit code 0 or 1, `Err` for a usage or I/O error.
pub(super) fn run(args: &CheckArgs, global: &GlobalArgs) -> anyhow::Result<u8> {
    let reporter = Reporter::new(global, args.common.message_format.into());
    let manuscript = args.common.manuscript.locate()?;
    reporter.detail(&format!("manuscript: {}", manuscript.display()));
    let mut checked = crate::check(&manuscript)?;
    if checked.is_ok() {
        let found = crate::check_templates(&checked);
        checked.diagnostics.extend(found);
        let found = crate::check_emitters(&checked, &manuscript);
        checked.diagnostics.extend(found);
    }
    if !report(&checked, &args.common, &reporter, &manuscript) {
        keep_until_exit(checked);
        return Ok(EXIT_MANUSCRIPT);
    }
    let (errors, warnings) = crate::diagnostics::counts(&checked.diagnostics);
    if reporter.format == crate::diagnostics::MessageFormat::Human {
        reporter.progress(&format!("{}: ok", manuscript.display()));
    }
    reporter.finished(true, errors, warnings, false);
    keep_until_exit(checked);
    Ok(EXIT_OK)
}
