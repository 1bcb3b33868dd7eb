//! `supplement import FILE [--out DIR] [--force]`: a mind map into a manuscript folder.

use std::path::PathBuf;

use clap::Args;

use super::{EXIT_MANUSCRIPT, EXIT_OK, EXIT_USAGE};

/// Arguments of `import`.
#[derive(Debug, Args)]
pub struct ImportArgs {
    /// The mind map: FreeMind/Freeplane .mm, OPML, XMind .xmind or MindManager .mmap.
    #[arg(value_name = "FILE")]
    file: PathBuf,
    /// The manuscript folder to write (new, or empty).
    #[arg(long, short = 'o', default_value = "manuscript", value_name = "DIR")]
    out: PathBuf,
    /// Write into a folder that is not empty, replacing its manuscript files.
    #[arg(long)]
    force: bool,
}

/// Runs `import` (`-v` prints where every node of the map went).
pub(super) fn run(args: &ImportArgs, global: &super::GlobalArgs) -> anyhow::Result<u8> {
    let verbose = global.verbose > 0;
    let report = match crate::import::import(&args.file, &args.out, args.force) {
        Ok(r) => r,
        Err(e) => {
            eprintln!("error: {e}");
            return Ok(if e.is_map() {
                EXIT_MANUSCRIPT
            } else {
                EXIT_USAGE
            });
        }
    };
    for w in &report.warnings {
        eprintln!("warning: {w}");
    }
    if verbose {
        for p in &report.placements {
            println!("{} -> {}", p.path, p.destination);
        }
    }
    // Where the nodes went, by kind of destination.
    let mut kinds: Vec<(&str, usize)> = Vec::new();
    for p in &report.placements {
        match kinds.iter_mut().find(|(k, _)| *k == p.kind) {
            Some((_, n)) => *n += 1,
            None => kinds.push((p.kind, 1)),
        }
    }
    println!(
        "read {} nodes from {}; every one is in the manuscript:",
        report.nodes,
        args.file.display()
    );
    for (kind, n) in &kinds {
        println!("  {n:>5}  {kind}");
    }
    for f in &report.files {
        println!("wrote {}", args.out.join(f).display());
    }
    println!(
        "check: 0 errors, {} warning{}; {} node{} could not be typed (warnings above{})",
        report.check_warnings,
        if report.check_warnings == 1 { "" } else { "s" },
        report.warnings.len(),
        if report.warnings.len() == 1 { "" } else { "s" },
        if verbose { "" } else { "; -v lists every node" }
    );
    Ok(EXIT_OK)
}
