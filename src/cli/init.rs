//! `supplement init [DIR]`: starts a new manuscript — a small, commented one that checks
//! clean and builds (`examples/starter/`, embedded) — with the JSON Schemas beside it and a
//! `#:schema` line in each file, so Taplo / Even Better TOML complete keys at once.
//! Writes only into a folder that is new or empty.

use std::path::{Path, PathBuf};

use anyhow::Context as _;

use super::{schema, GlobalArgs, InitArgs, Reporter, UsageError, EXIT_OK};
use crate::diagnostics::MessageFormat;
use crate::load::SchemaFile;

/// The folder the schemas are written to, inside the new manuscript.
const SCHEMA_DIR: &str = "schema";

/// The starter manuscript's files: (path in the manuscript, the schema it follows, text).
const STARTER: [(&str, SchemaFile, &str); 4] = [
    (
        "supplement.toml",
        SchemaFile::Supplement,
        include_str!("../../examples/starter/supplement.toml"),
    ),
    (
        "references.toml",
        SchemaFile::References,
        include_str!("../../examples/starter/references.toml"),
    ),
    (
        "parts/01-chapter1.toml",
        SchemaFile::Part,
        include_str!("../../examples/starter/parts/01-chapter1.toml"),
    ),
    (
        "parts/02-chapter2.toml",
        SchemaFile::Part,
        include_str!("../../examples/starter/parts/02-chapter2.toml"),
    ),
];

/// The starter's figure (a small chart), written as it is.
const STARTER_FIGURE: (&str, &[u8]) = (
    "figures/chart.png",
    include_bytes!("../../examples/starter/figures/chart.png"),
);

/// Runs the command.
pub(super) fn run(args: &InitArgs, global: &GlobalArgs) -> anyhow::Result<u8> {
    let reporter = Reporter::new(global, MessageFormat::Human);
    let dir = args.dir.clone().unwrap_or_else(|| PathBuf::from("."));
    refuse_unless_empty(&dir)?;
    for (name, schema_file, text) in STARTER {
        let path = dir.join(name);
        let depth = name.matches('/').count();
        let directive = format!(
            "#:schema {}{SCHEMA_DIR}/{}\n",
            if depth == 0 {
                "./".to_string()
            } else {
                "../".repeat(depth)
            },
            schema_file.file_name()
        );
        write_new(&path, format!("{directive}{text}").as_bytes())?;
    }
    write_new(&dir.join(STARTER_FIGURE.0), STARTER_FIGURE.1)?;
    for file in SchemaFile::ALL {
        let path = dir.join(SCHEMA_DIR).join(file.file_name());
        write_new(&path, format!("{}\n", schema::pretty(file)).as_bytes())?;
    }
    reporter.progress(&format!(
        "created a manuscript in {}: supplement.toml, references.toml, parts/, figures/, and the JSON Schemas in {SCHEMA_DIR}/",
        dir.display()
    ));
    let cd = if dir == Path::new(".") {
        String::new()
    } else {
        format!("cd {} && ", dir.display())
    };
    reporter.progress(&format!(
        "next: {cd}supplement build   (or `supplement serve --open` to preview while you write)"
    ));
    Ok(EXIT_OK)
}

/// A usage error unless `dir` does not exist or is an empty folder.
fn refuse_unless_empty(dir: &Path) -> anyhow::Result<()> {
    match std::fs::read_dir(dir) {
        Ok(mut entries) => {
            if entries.next().is_some() {
                return Err(UsageError::new(format!(
                    "`{}` is not empty: init writes only into a new or empty folder",
                    dir.display()
                ))
                .with_hint("name a new folder, e.g. `supplement init my-supplement`")
                .into());
            }
            Ok(())
        }
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(()),
        Err(e) if dir.exists() && !dir.is_dir() => Err(UsageError::new(format!(
            "`{}` is not a folder: caused by: {e}",
            dir.display()
        ))
        .into()),
        Err(e) => Err(anyhow::Error::new(e).context(format!("cannot read {}", dir.display()))),
    }
}

/// Writes a file that must not exist yet, creating its folder.
fn write_new(path: &Path, bytes: &[u8]) -> anyhow::Result<()> {
    if let Some(parent) = path.parent() {
        std::fs::create_dir_all(parent)
            .with_context(|| format!("cannot create {}", parent.display()))?;
    }
    let mut file = std::fs::File::create_new(path)
        .with_context(|| format!("cannot write {}", path.display()))?;
    std::io::Write::write_all(&mut file, bytes)
        .with_context(|| format!("cannot write {}", path.display()))
}
