//! `supplement serve`: the live preview for editors. Prints the address, serves the draft
//! HTML edition, rebuilds on every save, and stops cleanly on Ctrl-C.

use anyhow::Context as _;

use super::{GlobalArgs, ServeArgs, EXIT_OK};
use crate::preview::Server;

/// Runs the command (returns only on Ctrl-C or a start-up error).
pub(super) fn run(args: &ServeArgs, _global: &GlobalArgs) -> anyhow::Result<u8> {
    let manuscript = args.manuscript.locate()?;
    let server = Server::start(manuscript.clone(), &args.host, args.port)
        .context("the preview server cannot start")?;
    if !server.addr.ip().is_loopback() {
        eprintln!(
            "warning: serving on {}, which other machines can reach: anyone who can connect \
             to this address can read the draft; use --host 127.0.0.1 to serve this machine only",
            server.addr
        );
    }
    let url = format!("http://{}/", server.addr);
    println!("serving {} at {url} (Ctrl-C stops)", manuscript.display());
    if args.open {
        open_browser(&url);
    }
    let (tx, rx) = std::sync::mpsc::channel();
    ctrlc::set_handler(move || {
        let _ = tx.send(());
    })
    .context("cannot handle Ctrl-C")?;
    let _ = rx.recv();
    server.stop();
    println!("stopped");
    Ok(EXIT_OK)
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
