//! `supplement serve`: the live preview for editors. Prints the address, serves the draft
//! HTML edition, rebuilds on every save, and stops cleanly on Ctrl-C.

use super::{ServeArgs, EXIT_OK, EXIT_USAGE};
use crate::preview::Server;

/// Runs the command (returns only on Ctrl-C or a start-up error).
pub(super) fn run(args: &ServeArgs) -> u8 {
    if !args.manuscript.join(crate::load::SUPPLEMENT_FILE).is_file() {
        eprintln!(
            "error: {:?} is not a manuscript: it has no {}",
            args.manuscript,
            crate::load::SUPPLEMENT_FILE
        );
        return EXIT_USAGE;
    }
    let server = match Server::start(args.manuscript.clone(), &args.host, args.port) {
        Ok(server) => server,
        Err(e) => {
            eprintln!("error: {e:#}");
            return EXIT_USAGE;
        }
    };
    if !server.addr.ip().is_loopback() {
        eprintln!(
            "warning: serving on {}, which other machines can reach: anyone who can connect \
             to this address can read the draft; use --host 127.0.0.1 to serve this machine only",
            server.addr
        );
    }
    let url = format!("http://{}/", server.addr);
    println!(
        "serving {} at {url} (Ctrl-C stops)",
        args.manuscript.display()
    );
    if args.open {
        open_browser(&url);
    }
    let (tx, rx) = std::sync::mpsc::channel();
    if let Err(e) = ctrlc::set_handler(move || {
        let _ = tx.send(());
    }) {
        eprintln!("error: cannot handle Ctrl-C: {e}");
        return EXIT_USAGE;
    }
    let _ = rx.recv();
    server.stop();
    println!("stopped");
    EXIT_OK
}

fn open_browser(url: &str) {
    let opener = if cfg!(target_os = "macos") {
        "open"
    } else if cfg!(windows) {
        "explorer"
    } else {
        "xdg-open"
    };
    if let Err(e) = std::process::Command::new(opener).arg(url).spawn() {
        eprintln!("warning: cannot open a browser ({opener}: {e}); open {url} yourself");
    }
}
