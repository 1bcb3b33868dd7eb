//! `supplement dump`: the validated manuscript (`--what model`) or the document view
//! (`--what view`, the default) as JSON on stdout, each with a `version`: what external
//! emitters and other programs build on.

use super::{fail, report, DumpArgs, WhatArg, EXIT_MANUSCRIPT, EXIT_OK};

/// The version of the model's JSON shape; a change that breaks consumers bumps it.
pub const MODEL_VERSION: u32 = 1;

/// Runs the command.
pub(super) fn run(args: &DumpArgs) -> u8 {
    let checked = match crate::check(&args.common.manuscript) {
        Ok(checked) => checked,
        Err(e) => return fail(&e),
    };
    if !report(&checked, &args.common) {
        eprintln!("error: the manuscript has errors; nothing was dumped");
        return EXIT_MANUSCRIPT;
    }
    #[derive(serde::Serialize)]
    struct Model<'a> {
        version: u32,
        supplement: &'a crate::model::Supplement,
    }
    let json = match (args.what, &checked.view, &checked.supplement) {
        (WhatArg::View, Some(view), _) => serde_json::to_string(view),
        (WhatArg::Model, _, Some(model)) => serde_json::to_string(&Model {
            version: MODEL_VERSION,
            supplement: model,
        }),
        _ => return EXIT_MANUSCRIPT,
    };
    match json {
        Ok(text) => print_out(&text),
        Err(e) => fail(&format!("cannot write JSON: {e}")),
    }
}

/// `supplement schema --view`: the JSON Schema of the document view (a published
/// contract: `schema/view.schema.json` holds it, and a test keeps the two equal).
pub(super) fn schema() -> u8 {
    print_out(&crate::view::json_schema())
}

/// Writes a line to stdout; a reader that closed the pipe early (`| head`) is not an error.
fn print_out(text: &str) -> u8 {
    print_raw(&format!("{text}\n"))
}

/// Writes text to stdout as it is; a reader that closed the pipe early is not an error.
pub(super) fn print_raw(text: &str) -> u8 {
    use std::io::Write;
    let mut out = std::io::stdout().lock();
    match out.write_all(text.as_bytes()).and_then(|()| out.flush()) {
        Ok(()) => EXIT_OK,
        Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => EXIT_OK,
        Err(e) => fail(&format!("cannot write to stdout: {e}")),
    }
}
