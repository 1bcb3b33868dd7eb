//! `supplement formats`: lists the output formats.

use crate::emit::REGISTRY;

/// Runs the command.
pub(super) fn run() -> u8 {
    for emitter in REGISTRY {
        println!("{:<10} {}", emitter.name(), emitter.description());
    }
    super::EXIT_OK
}
