//! `supplement dump`: the validated manuscript (`--what model`) or the document view
//! (`--what view`, the default) as JSON on stdout, each with a `version`: what external
//! emitters and other programs build on.

use super::{report, DumpArgs, GlobalArgs, Reporter, WhatArg, EXIT_MANUSCRIPT, EXIT_OK};

/// The version of the model's JSON shape; a change that breaks consumers bumps it.
pub const MODEL_VERSION: u32 = 1;

/// Runs the command: the JSON on stdout (diagnostics on stderr, whatever the message
/// format, so stdout stays one JSON document).
pub(super) fn run(args: &DumpArgs, global: &GlobalArgs) -> anyhow::Result<u8> {
    let reporter = Reporter::new(global, crate::diagnostics::MessageFormat::Human);
    let manuscript = args.common.manuscript.locate()?;
    reporter.detail(&format!("manuscript: {}", manuscript.display()));
    let checked = crate::check(&manuscript)?;
    if !report(&checked, &args.common, &reporter, &manuscript) {
        eprintln!("error: the manuscript has errors; nothing was dumped");
        return Ok(EXIT_MANUSCRIPT);
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
        _ => return Ok(EXIT_MANUSCRIPT),
    };
    let mut text = json.map_err(|e| anyhow::anyhow!("cannot write JSON: {e}"))?;
    text.push('\n');
    super::report::stdout_write(&text);
    Ok(EXIT_OK)
}
