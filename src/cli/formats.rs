//! `supplement formats`: lists the output formats.

use crate::emit::REGISTRY;

/// Runs the command.
pub(super) fn run() -> anyhow::Result<u8> {
    for emitter in REGISTRY {
        let note = if emitter.in_all() {
            ""
        } else {
            " (only when asked for by name)"
        };
        println!("{:<13} {}{note}", emitter.name(), emitter.description());
    }
    for (name, program) in crate::external::on_path_all() {
        println!(
            "{:<13} external emitter {} (only when asked for by name)",
            name,
            program.display()
        );
    }
    Ok(super::EXIT_OK)
}
