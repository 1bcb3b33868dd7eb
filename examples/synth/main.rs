//! Writes a synthetic manuscript N times the size of the bundled one:
//! `cargo run --release --example synth -- --scale N DIR`.

fn main() -> std::process::ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let (scale, dir) = match args.as_slice() {
        [flag, n, dir] if flag == "--scale" => match n.parse::<usize>() {
            Ok(n) if n >= 1 => (n, dir.clone()),
            _ => return usage(),
        },
        _ => return usage(),
    };
    match supplement::synth::write(std::path::Path::new(&dir), scale) {
        Ok(()) => {
            println!("wrote a scale-{scale} manuscript to {dir}");
            std::process::ExitCode::SUCCESS
        }
        Err(e) => {
            eprintln!("error: cannot write {dir}: {e}");
            std::process::ExitCode::from(2)
        }
    }
}

fn usage() -> std::process::ExitCode {
    eprintln!("usage: synth --scale N DIR   (N ≥ 1)");
    std::process::ExitCode::from(2)
}
