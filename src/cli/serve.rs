//! `supplement serve`: the live preview for editors. Prints the address, serves the draft
//! HTML edition, rebuilds on every save, and stops cleanly on Ctrl-C.

use anyhow::Context as _;

use std::sync::Arc;

use super::report::counted;
use super::{GlobalArgs, Reporter, ServeArgs, EXIT_OK};
use crate::diagnostics::{self, MessageFormat};
use crate::preview::{Event, Log, Server};

/// Runs the command (returns only on Ctrl-C or a start-up error).
pub(super) fn run(args: &ServeArgs, global: &GlobalArgs) -> anyhow::Result<u8> {
    super::allocator::keep_memory_warm();
    let manuscript = args.manuscript.locate()?;
    let reporter = Reporter::new(global, MessageFormat::Human);
    let log: Log = Arc::new(move |event: &Event<'_>| tell(&reporter, event));
    let server = Server::start(manuscript.clone(), &args.host, args.port, log)
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

/// Tells the terminal what a build found: one line with the time, how long it took and the
/// counts (`-q` keeps only the lines of builds with problems), then its diagnostics in the
/// human form.
fn tell(reporter: &Reporter, event: &Event<'_>) {
    match event {
        Event::Rebuilt(rebuilt) => {
            let (errors, warnings) = rebuilt.counts();
            let mut line = format!(
                "{} rebuilt in {} ms: {}",
                clock(),
                rebuilt.took.as_millis(),
                counted(errors, warnings)
            );
            if let Some(failure) = &rebuilt.failure {
                line.push_str(&format!(" ({failure})"));
            }
            if errors + warnings > 0 || !reporter.quiet {
                eprintln!("{line}");
            }
            let text = diagnostics::render(
                &rebuilt.diagnostics,
                &rebuilt.sources,
                MessageFormat::Human,
                reporter.color,
            );
            eprint!("{text}");
        }
        Event::Slow(running) => eprintln!(
            "{} the rebuild after the last save has been running for {} s; it goes on",
            clock(),
            running.as_secs()
        ),
    }
}

/// The local time of day, `HH:MM:SS` (UTC where the local zone cannot be read).
fn clock() -> String {
    let secs = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_secs());
    #[cfg(unix)]
    {
        if let Ok(now) = libc::time_t::try_from(secs) {
            // SAFETY: localtime_r reads `now` and writes only into `tm`, which it owns.
            let mut tm: libc::tm = unsafe { std::mem::zeroed() };
            if !unsafe { libc::localtime_r(&now, &mut tm) }.is_null() {
                return format!("{:02}:{:02}:{:02}", tm.tm_hour, tm.tm_min, tm.tm_sec);
            }
        }
    }
    let day = secs % 86_400;
    format!("{:02}:{:02}:{:02}", day / 3600, day / 60 % 60, day % 60)
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
