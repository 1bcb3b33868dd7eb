//! `supplement serve`: the page, live reload after an edit, the diagnostics page while the
//! manuscript is broken, 404 for everything it did not build, and a clean stop.

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::process::{Child, Command, Stdio};
use std::sync::mpsc;
use std::time::{Duration, Instant};

use crate::support::minimal_copy;

struct Served {
    child: Child,
    addr: String,
}

impl Drop for Served {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn start(dir: &std::path::Path) -> (Served, BufReader<std::process::ChildStdout>) {
    let mut child = Command::new(env!("CARGO_BIN_EXE_supplement"))
        .args(["serve", "--manuscript", "m", "--port", "0"])
        .current_dir(dir)
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .expect("serve starts");
    let mut stdout = BufReader::new(child.stdout.take().expect("stdout"));
    let mut line = String::new();
    stdout.read_line(&mut line).expect("first line");
    let url = line
        .split_whitespace()
        .find(|w| w.starts_with("http://"))
        .unwrap_or_else(|| panic!("no address in {line:?}"));
    let addr = url
        .trim_start_matches("http://")
        .trim_end_matches('/')
        .to_string();
    assert!(
        addr.starts_with("127.0.0.1:"),
        "binds to loopback by default: {addr}"
    );
    (Served { child, addr }, stdout)
}

/// Sends a raw request line (so that paths are not normalised) and returns (status, body).
fn get(addr: &str, path: &str) -> (u16, String) {
    let mut stream = TcpStream::connect(addr).expect("connect");
    stream
        .set_read_timeout(Some(Duration::from_secs(5)))
        .expect("timeout");
    write!(
        stream,
        "GET {path} HTTP/1.1\r\nHost: {addr}\r\nConnection: close\r\n\r\n"
    )
    .expect("send");
    let mut response = Vec::new();
    let _ = stream.read_to_end(&mut response);
    let response = String::from_utf8_lossy(&response).into_owned();
    let status = response
        .split_whitespace()
        .nth(1)
        .and_then(|s| s.parse().ok())
        .unwrap_or(0);
    let body = response
        .split_once("\r\n\r\n")
        .map(|(_, b)| b.to_string())
        .unwrap_or_default();
    (status, body)
}

/// Opens the event stream; every `event:` line arrives on the channel.
fn events(addr: &str) -> mpsc::Receiver<String> {
    let mut stream = TcpStream::connect(addr).expect("connect");
    write!(stream, "GET /__events HTTP/1.1\r\nHost: {addr}\r\n\r\n").expect("send");
    let (tx, rx) = mpsc::channel();
    let (ready_tx, ready_rx) = mpsc::channel();
    std::thread::spawn(move || {
        let reader = BufReader::new(stream);
        for line in reader.lines() {
            let Ok(line) = line else { return };
            if line.starts_with("retry:") {
                let _ = ready_tx.send(());
            }
            if line.starts_with("event:") && tx.send(line).is_err() {
                return;
            }
        }
    });
    ready_rx
        .recv_timeout(Duration::from_secs(5))
        .expect("event stream opened");
    rx
}

fn wait_reload(rx: &mpsc::Receiver<String>) -> Duration {
    let start = Instant::now();
    let event = rx
        .recv_timeout(Duration::from_secs(2))
        .expect("a reload event within 2 s");
    assert_eq!(event, "event: reload");
    start.elapsed()
}

#[test]
fn preview_reloads_shows_diagnostics_and_serves_nothing_else() {
    // Intent: the editor's loop: page → save → reload event and new content → broken save →
    // diagnostics page → fixed save → page again; traversal gets 404; Ctrl-C stops cleanly.
    let (work, _) = minimal_copy("serve");
    let (mut served, mut stdout) = start(&work);
    let addr = served.addr.clone();

    let (status, page) = get(&addr, "/");
    assert_eq!(status, 200);
    assert!(page.contains("古い用語を新しい用語に置き換える。"));
    assert!(page.contains("下書き"), "the preview is marked as a draft");
    assert!(
        page.contains("/__events"),
        "the preview listens for reloads"
    );

    let rx = events(&addr);
    let part = work.join("m/parts/01-part1.toml");
    let original = std::fs::read_to_string(&part).expect("part");
    std::fs::write(
        &part,
        original.replace(
            "古い用語を新しい用語に置き換える。",
            "保存した直後の新しい本文。",
        ),
    )
    .expect("edit");
    let latency = wait_reload(&rx);
    eprintln!("save-to-reload-event latency: {latency:?}");
    let (_, page) = get(&addr, "/");
    assert!(
        page.contains("保存した直後の新しい本文。"),
        "the new content is served"
    );

    std::fs::write(
        &part,
        original.replace("targets = [\"ch1\"]", "targets = [\"nope\"]"),
    )
    .expect("break");
    wait_reload(&rx);
    let (status, page) = get(&addr, "/");
    assert_eq!(status, 200);
    assert!(page.contains("原稿にエラーがあります"), "{page}");
    assert!(
        page.contains("m/parts/01-part1.toml:9:12"),
        "diagnostic with file:line:column\n{page}"
    );
    assert!(
        page.contains("unknown base-book section &quot;nope&quot;"),
        "{page}"
    );
    if let Some(jar) = crate::html::vnu_jar() {
        // The diagnostics page is valid HTML too.
        let file = work.join("diagnostics.html");
        std::fs::write(&file, &page).expect("write");
        let out = Command::new("java")
            .arg("-jar")
            .arg(jar)
            .args(["--format", "gnu"])
            .arg(&file)
            .output()
            .expect("vnu");
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
    }

    std::fs::write(&part, &original).expect("fix");
    wait_reload(&rx);
    let (_, page) = get(&addr, "/");
    assert!(
        page.contains("古い用語を新しい用語に置き換える。"),
        "recovers on the next good save"
    );

    for path in [
        "/../Cargo.toml",
        "/%2e%2e/supplement.toml",
        "/..%2f..%2fetc%2fpasswd",
        "/%2e%2e%2f%2e%2e%2fCargo.toml",
        "/parts/01-part1.toml",
        "/supplement.toml",
        "//etc/passwd",
        "/index.html/..",
        "/favicon.ico",
    ] {
        let (status, body) = get(&addr, path);
        assert_eq!(status, 404, "{path} -> {status}");
        assert!(
            !body.contains("[part]") && !body.contains("root:"),
            "{path} leaked a file"
        );
    }

    let pid = served.child.id().to_string();
    let killed = Command::new("kill")
        .args(["-INT", &pid])
        .status()
        .expect("kill");
    assert!(killed.success());
    let deadline = Instant::now() + Duration::from_secs(5);
    let status = loop {
        if let Some(status) = served.child.try_wait().expect("wait") {
            break status;
        }
        assert!(Instant::now() < deadline, "serve did not stop on SIGINT");
        std::thread::sleep(Duration::from_millis(20));
    };
    assert!(status.success(), "exit status {status:?}");
    let mut rest = String::new();
    let _ = stdout.read_to_string(&mut rest);
    assert!(rest.contains("stopped"));
}
