//! The floor of a build, for scripts/bench: a program that does only what any tool must do
//! to turn these inputs into outputs of these sizes — read every file of the manuscript
//! folder, then write each output the way `build` does (a temporary file, fsync, rename,
//! then fsync the folder) — and nothing else.
//!
//! `cargo run --release --example floor -- MANUSCRIPT OUT SIZE...` writes one output of
//! each SIZE bytes into OUT.

use std::io::Write as _;
use std::path::Path;

fn read_all(dir: &Path, total: &mut usize) -> std::io::Result<()> {
    let mut entries: Vec<_> = std::fs::read_dir(dir)?.collect::<Result<_, _>>()?;
    entries.sort_by_key(|e| e.file_name());
    for entry in entries {
        let path = entry.path();
        if entry.file_type()?.is_dir() {
            read_all(&path, total)?;
        } else {
            *total += std::fs::read(&path)?.len();
        }
    }
    Ok(())
}

fn main() -> std::process::ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let [manuscript, out, sizes @ ..] = args.as_slice() else {
        eprintln!("usage: floor MANUSCRIPT OUT SIZE...");
        return std::process::ExitCode::from(2);
    };
    let run = || -> std::io::Result<usize> {
        let mut total = 0;
        read_all(Path::new(manuscript), &mut total)?;
        let out = Path::new(out);
        std::fs::create_dir_all(out)?;
        let mut written = Vec::new();
        for (i, size) in sizes.iter().enumerate() {
            let size: usize = size.parse().map_err(std::io::Error::other)?;
            let tmp = out.join(format!(".floor-{i}.tmp"));
            let mut f = std::fs::File::create(&tmp)?;
            f.write_all(&vec![b'x'; size])?;
            f.sync_all()?;
            written.push((tmp, out.join(format!("floor-{i}.out"))));
        }
        for (tmp, name) in &written {
            std::fs::rename(tmp, name)?;
        }
        std::fs::File::open(out)?.sync_all()?;
        Ok(total)
    };
    match run() {
        Ok(_) => std::process::ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("error: {e}");
            std::process::ExitCode::from(2)
        }
    }
}
