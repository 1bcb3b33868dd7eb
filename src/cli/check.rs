//! `supplement check`: load and validate, print the diagnostics, write nothing.

use super::{fail, report, CheckArgs, EXIT_MANUSCRIPT, EXIT_OK};

/// Runs the command.
pub(super) fn run(args: &CheckArgs) -> u8 {
    let checked = match crate::check(&args.common.manuscript) {
        Ok(checked) => checked,
        Err(e) => return fail(&e),
    };
    if report(&checked, &args.common) {
        if args.common.message_format == super::FormatArg::Human {
            eprintln!("{}: ok", args.common.manuscript.display());
        }
        EXIT_OK
    } else {
        EXIT_MANUSCRIPT
    }
}
