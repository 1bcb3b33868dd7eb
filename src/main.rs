//! The `supplement` binary: a thin shell around [`supplement::cli`].

fn main() -> std::process::ExitCode {
    supplement::cli::main()
}
