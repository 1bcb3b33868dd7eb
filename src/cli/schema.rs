//! `supplement schema`: prints the JSON Schema of a manuscript file, for editors (Taplo /
//! Even Better TOML complete keys and flag wrong types with it while typing).

use super::{SchemaArgs, SchemaFileArg, EXIT_OK};
use crate::load::SchemaFile;

/// Runs the command.
pub(super) fn run(args: &SchemaArgs) -> anyhow::Result<u8> {
    if args.view {
        super::report::stdout_write(&format!("{}\n", crate::view::json_schema()));
        return Ok(EXIT_OK);
    }
    let file = match args.file {
        SchemaFileArg::Supplement => SchemaFile::Supplement,
        SchemaFileArg::References => SchemaFile::References,
        SchemaFileArg::Part => SchemaFile::Part,
    };
    let mut text = pretty(file);
    text.push('\n');
    std::io::Write::write_all(&mut std::io::stdout().lock(), text.as_bytes())?;
    Ok(EXIT_OK)
}

/// The schema of `file` as pretty-printed JSON (what `schema/` in the repository holds and
/// `init` writes), without a final newline.
pub fn pretty(file: SchemaFile) -> String {
    serde_json::to_string_pretty(&crate::load::schema(file)).unwrap_or_default()
}
