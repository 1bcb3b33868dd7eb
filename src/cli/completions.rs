//! `supplement completions SHELL` and `supplement man`: shell completions and a man page,
//! both generated from the same clap definitions as the parser, so they never drift.

use clap::CommandFactory as _;

use super::{Cli, CompletionsArgs, EXIT_OK};

/// Prints the completion script for a shell.
pub(super) fn completions(args: &CompletionsArgs) -> anyhow::Result<u8> {
    let mut command = Cli::command();
    let mut out = Vec::new();
    clap_complete::generate(args.shell, &mut command, "supplement", &mut out);
    std::io::Write::write_all(&mut std::io::stdout().lock(), &out)?;
    Ok(EXIT_OK)
}

/// Prints the man page (roff), with a section per command.
pub(super) fn man() -> anyhow::Result<u8> {
    let mut out = Vec::new();
    clap_mangen::Man::new(Cli::command()).render(&mut out)?;
    std::io::Write::write_all(&mut std::io::stdout().lock(), &out)?;
    Ok(EXIT_OK)
}
