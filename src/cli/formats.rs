//! `supplement formats`: lists the output formats.

use crate::emit::{PLANNED, REGISTRY};

/// Runs the command.
pub(super) fn run() -> u8 {
    for emitter in REGISTRY {
        println!("{:<10} {}", emitter.name(), emitter.description());
    }
    for name in PLANNED {
        println!("{name:<10} (not built yet)");
    }
    super::EXIT_OK
}
