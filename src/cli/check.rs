//! `supplement check`: load and validate, render the templates the manuscript overrides
//! (in memory), shake hands with the external emitters it declares, print the
//! diagnostics, write nothing.

use super::{fail, report, CheckArgs, EXIT_MANUSCRIPT, EXIT_OK};

/// Runs the command.
pub(super) fn run(args: &CheckArgs) -> u8 {
    let mut checked = match crate::check(&args.common.manuscript) {
        Ok(checked) => checked,
        Err(e) => return fail(&e),
    };
    if checked.is_ok() {
        let found = crate::check_templates(&checked);
        checked.diagnostics.extend(found);
        let found = crate::check_emitters(&checked, &args.common.manuscript);
        checked.diagnostics.extend(found);
    }
    if report(&checked, &args.common) {
        if args.common.message_format == super::FormatArg::Human {
            eprintln!("{}: ok", args.common.manuscript.display());
        }
        EXIT_OK
    } else {
        EXIT_MANUSCRIPT
    }
}
