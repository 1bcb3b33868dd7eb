//! `supplement serve`: the page, live reload after an edit, the diagnostics page while the
//! manuscript is broken, 404 for everything it did not build, and a clean stop; then its
//! bounds: only its own Host, bounded requests and event streams, rebuilds that cannot
//! stall each other, a watch that survives the folder, and a warning beyond loopback.

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
    start_with(
        dir,
        &["serve", "--manuscript", "m", "--port", "0"],
        Stdio::null(),
    )
}

fn start_with(
    dir: &std::path::Path,
    args: &[&str],
    stderr: Stdio,
) -> (Served, BufReader<std::process::ChildStdout>) {
    let mut child = Command::new(env!("CARGO_BIN_EXE_supplement"))
        .args(args)
        .current_dir(dir)
        .stdout(Stdio::piped())
        .stderr(stderr)
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
    if !args.contains(&"--host") {
        assert!(
            addr.starts_with("127.0.0.1:"),
            "binds to loopback by default: {addr}"
        );
    }
    (Served { child, addr }, stdout)
}

/// Sends a raw request line (so that paths are not normalised) and returns (status, body).
fn get(addr: &str, path: &str) -> (u16, String) {
    request(
        addr,
        &format!("GET {path} HTTP/1.1\r\nHost: {addr}\r\nConnection: close\r\n\r\n"),
    )
}

/// Sends `head` as it is and returns (status, body); status 0 when no answer came in 5 s.
fn request(addr: &str, head: &str) -> (u16, String) {
    let mut stream = TcpStream::connect(addr).expect("connect");
    stream
        .set_read_timeout(Some(Duration::from_secs(5)))
        .expect("timeout");
    let _ = stream.write_all(head.as_bytes());
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
    // The page with the error overlay is valid HTML too.
    let file = work.join("diagnostics.html");
    std::fs::write(&file, &page).expect("write");
    crate::support::run_checker(
        "preview_reloads_shows_diagnostics_and_serves_nothing_else",
        "html-check",
        &[file.as_os_str()],
    );

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

/// Waits for reload events until the page holds `needle`; panics after `secs` seconds.
fn wait_for_page(addr: &str, rx: &mpsc::Receiver<String>, needle: &str, secs: u64) {
    let deadline = Instant::now() + Duration::from_secs(secs);
    loop {
        let left = deadline.saturating_duration_since(Instant::now());
        let reloaded = rx.recv_timeout(left).is_ok();
        let page = get(addr, "/").1;
        if page.contains(needle) {
            return;
        }
        assert!(
            reloaded && Instant::now() < deadline,
            "no page with {needle:?} within {secs} s; the page is:\n{page}"
        );
    }
}

#[test]
fn preview_answers_only_its_own_host() {
    // Intent: a request naming another host (DNS rebinding), another port or no host at
    // all is 421 and carries no draft; localhost and the bound address are answered.
    let (work, _) = minimal_copy("serve-host");
    let (served, _stdout) = start(&work);
    let addr = served.addr.clone();
    let port = addr.rsplit(':').next().expect("port").to_string();
    for host in [
        format!("Host: evil.example:{port}\r\n"),
        format!(
            "Host: 127.0.0.1:{}\r\n",
            port.parse::<u32>().expect("port") + 1
        ),
        format!("Host: 10.1.2.3:{port}\r\n"),
        String::new(),
    ] {
        let (status, body) = request(&addr, &format!("GET / HTTP/1.1\r\n{host}\r\n"));
        assert_eq!(status, 421, "{host:?}");
        assert!(!body.contains("古い用語"), "{host:?} leaked the draft");
        let (status, _) = request(&addr, &format!("GET /__events HTTP/1.1\r\n{host}\r\n"));
        assert_eq!(status, 421, "events with {host:?}");
    }
    for host in [format!("localhost:{port}"), addr.clone()] {
        let (status, body) = request(&addr, &format!("GET / HTTP/1.1\r\nHost: {host}\r\n\r\n"));
        assert_eq!(status, 200, "{host}");
        assert!(body.contains("古い用語"));
    }
}

#[test]
fn oversized_requests_are_refused_without_buffering_them() {
    // Intent: a request head past 8 KB (here an unterminated 64 KB header) and one with
    // 100 headers are 431 at once; the server goes on serving.
    let (work, _) = minimal_copy("serve-big");
    let (served, _stdout) = start(&work);
    let addr = served.addr.clone();
    let big = format!(
        "GET / HTTP/1.1\r\nHost: {addr}\r\nX-Big: {}",
        "a".repeat(64 * 1024)
    );
    assert_eq!(request(&addr, &big).0, 431);
    let many: String = (0..100).map(|i| format!("X-H{i}: v\r\n")).collect();
    let head = format!("GET / HTTP/1.1\r\nHost: {addr}\r\n{many}\r\n");
    assert_eq!(request(&addr, &head).0, 431);
    assert_eq!(get(&addr, "/").0, 200);
}

#[test]
fn event_streams_are_capped_and_never_hold_the_page() {
    // Intent: of 40 event streams opened at once, 16 are served and the rest get 503 (one
    // thread each used to be spawned, without bound), and the page is still answered.
    let (work, _) = minimal_copy("serve-streams");
    let (served, _stdout) = start(&work);
    let addr = served.addr.clone();
    let mut open = Vec::new();
    let mut statuses = Vec::new();
    for _ in 0..40 {
        let mut stream = TcpStream::connect(&addr).expect("connect");
        stream
            .set_read_timeout(Some(Duration::from_secs(5)))
            .expect("timeout");
        write!(stream, "GET /__events HTTP/1.1\r\nHost: {addr}\r\n\r\n").expect("send");
        let mut line = String::new();
        let mut reader = BufReader::new(stream.try_clone().expect("clone"));
        let _ = reader.read_line(&mut line);
        statuses.push(line.split_whitespace().nth(1).unwrap_or("").to_string());
        open.push(stream);
    }
    let served_streams = statuses.iter().filter(|s| *s == "200").count();
    let refused = statuses.iter().filter(|s| *s == "503").count();
    assert_eq!((served_streams, refused), (16, 24), "{statuses:?}");
    assert_eq!(get(&addr, "/").0, 200);
}

#[test]
fn a_rebuild_that_hangs_never_stalls_later_ones() {
    // Intent: a template override that loops for hours makes one rebuild hang; removing
    // it still reloads the page with the good edition (the single rebuild thread used to
    // be stuck for good).
    let (work, m) = minimal_copy("serve-hang");
    let (served, _stdout) = start(&work);
    let addr = served.addr.clone();
    let rx = events(&addr);
    std::fs::create_dir_all(m.join("styles/html")).expect("styles");
    let override_path = m.join("styles/html/page.html.j2");
    std::fs::write(
        &override_path,
        "{% for i in range(100000) %}{% for j in range(100000) %}{% endfor %}{% endfor %}",
    )
    .expect("write");
    std::thread::sleep(Duration::from_millis(800));
    std::fs::remove_file(&override_path).expect("remove");
    std::fs::write(
        m.join("parts/01-part1.toml"),
        std::fs::read_to_string(m.join("parts/01-part1.toml"))
            .expect("part")
            .replace("古い用語", "直した後の用語"),
    )
    .expect("edit");
    wait_for_page(&addr, &rx, "直した後の用語", 20);
}

#[test]
fn the_preview_recovers_when_the_folder_comes_back() {
    // Intent: deleting the manuscript folder shows the problem; creating it again brings
    // the page back (it used to say "does not exist" for good).
    let (work, m) = minimal_copy("serve-gone");
    let (served, _stdout) = start(&work);
    let addr = served.addr.clone();
    let rx = events(&addr);
    std::fs::remove_dir_all(&m).expect("delete");
    wait_for_page(&addr, &rx, "does not exist", 10);
    crate::support::copy_dir(&crate::support::root().join("examples/minimal"), &m);
    wait_for_page(&addr, &rx, "古い用語を新しい用語に置き換える。", 20);
}

#[test]
fn serving_beyond_loopback_warns() {
    // Intent: `--host 0.0.0.0` prints a clear warning that other machines can read the
    // draft; the default (loopback) prints none.
    let (work, _) = minimal_copy("serve-wide");
    let args = [
        "serve",
        "--manuscript",
        "m",
        "--port",
        "0",
        "--host",
        "0.0.0.0",
    ];
    let (mut served, _stdout) = start_with(&work, &args, Stdio::piped());
    let _ = served.child.kill();
    let mut stderr = String::new();
    served
        .child
        .stderr
        .take()
        .expect("stderr")
        .read_to_string(&mut stderr)
        .expect("read");
    assert!(
        stderr.contains("warning: serving on 0.0.0.0:") && stderr.contains("other machines"),
        "{stderr}"
    );
    let (mut local, _stdout) = start_with(
        &work,
        &["serve", "--manuscript", "m", "--port", "0"],
        Stdio::piped(),
    );
    let _ = local.child.kill();
    let mut stderr = String::new();
    let _ = local
        .child
        .stderr
        .take()
        .expect("stderr")
        .read_to_string(&mut stderr);
    assert!(!stderr.contains("warning:"), "{stderr}");
}

/// Whether `line` is a rebuild line, `HH:MM:SS rebuilt in N ms: <counts>`.
fn is_rebuild_line(line: &str, counts: &str) -> bool {
    let Some((time, rest)) = line.split_once(' ') else {
        return false;
    };
    let clock = time.len() == 8
        && time.chars().enumerate().all(|(i, c)| {
            if i == 2 || i == 5 {
                c == ':'
            } else {
                c.is_ascii_digit()
            }
        });
    let Some(ms) = rest
        .strip_prefix("rebuilt in ")
        .and_then(|r| r.strip_suffix(&format!(" ms: {counts}")))
    else {
        return false;
    };
    clock && ms.parse::<u64>().is_ok()
}

/// Reads stderr lines until one is a rebuild line with `counts`; returns the lines read.
fn wait_line(rx: &mpsc::Receiver<String>, counts: &str) -> Vec<String> {
    let deadline = Instant::now() + Duration::from_secs(10);
    let mut seen = Vec::new();
    loop {
        let left = deadline.saturating_duration_since(Instant::now());
        let line = rx.recv_timeout(left).unwrap_or_else(|_| {
            panic!(
                "no rebuild line with {counts:?}; read:\n{}",
                seen.join("\n")
            )
        });
        let done = is_rebuild_line(&line, counts);
        seen.push(line);
        if done {
            return seen;
        }
    }
}

#[test]
fn the_terminal_hears_of_every_rebuild_and_a_broken_save_keeps_the_last_good_page() {
    // Intent: one line per rebuild (time, counts) with the diagnostics under it; warnings
    // as a dismissible banner on the page; a broken save as an overlay above the last page
    // that built; a script that keeps the scroll position.
    let (work, _) = minimal_copy("serve-talks");
    let (mut served, _stdout) = start_with(
        &work,
        &["serve", "--manuscript", "m", "--port", "0"],
        Stdio::piped(),
    );
    let addr = served.addr.clone();
    let stderr = BufReader::new(served.child.stderr.take().expect("stderr"));
    let (tx, lines) = mpsc::channel();
    std::thread::spawn(move || {
        for line in stderr.lines().map_while(Result::ok) {
            if tx.send(line).is_err() {
                return;
            }
        }
    });
    assert_eq!(wait_line(&lines, "0 errors, 0 warnings").len(), 1);
    let rx = events(&addr);

    let part = work.join("m/parts/01-part1.toml");
    let original = std::fs::read_to_string(&part).expect("part");
    let warned = original.replacen("[part]\n", "[part]\nowners = [\"?\"]\n", 1);
    std::fs::write(&part, &warned).expect("warn");
    let read = wait_line(&lines, "0 errors, 1 warning");
    wait_for_page(&addr, &rx, "id=\"supplement-preview-warnings\"", 10);
    let (_, page) = get(&addr, "/");
    assert!(page.contains("no owner is assigned yet"), "{page}");
    assert!(
        page.contains(">閉じる</button>"),
        "the banner can be dismissed"
    );
    assert!(page.contains("supplement-preview-scroll"), "scroll is kept");
    let _ = read;

    std::fs::write(
        &part,
        warned.replace("targets = [\"ch1\"]", "targets = [\"nope\"]"),
    )
    .expect("break");
    let read = wait_line(&lines, "1 error, 1 warning");
    let mut told = read.join("\n");
    while !told.contains("error[unknown-section]") {
        match lines.recv_timeout(Duration::from_secs(5)) {
            Ok(line) => told.push_str(&format!("\n{line}")),
            Err(_) => panic!("the error is not shown in the terminal:\n{told}"),
        }
    }
    wait_for_page(&addr, &rx, "id=\"supplement-preview-errors\"", 10);
    let (status, page) = get(&addr, "/");
    assert_eq!(status, 200);
    assert!(
        page.contains("古い用語を新しい用語に置き換える。"),
        "the last good page stays"
    );
    assert!(
        page.contains("unknown base-book section &quot;nope&quot;"),
        "{page}"
    );
    assert!(page.contains("最後に正しく組めた版"), "{page}");

    std::fs::write(&part, &original).expect("fix");
    wait_line(&lines, "0 errors, 0 warnings");
    wait_for_page(&addr, &rx, "古い用語を新しい用語に置き換える。", 10);
    let (_, page) = get(&addr, "/");
    assert!(
        !page.contains("id=\"supplement-preview-errors\"")
            && !page.contains("id=\"supplement-preview-warnings\"")
    );
}
