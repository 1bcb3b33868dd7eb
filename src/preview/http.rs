//! The preview's HTTP/1.1 server, kept small and bounded: one accepting thread hands
//! connections to a fixed pool of [`WORKERS`] threads through a queue of
//! [`MAX_QUEUED`]; a worker reads at most [`MAX_HEAD_BYTES`] of request head with at most
//! [`MAX_HEADERS`] headers (parsed by httparse) within [`READ_TIMEOUT`], answers only
//! requests whose `Host` names this server (421 otherwise, against DNS rebinding), and
//! closes the connection. Event streams are handed to one broadcasting thread, at most
//! [`MAX_EVENT_STREAMS`] at a time, so they never hold a worker.

use std::io::{Read, Write};
use std::net::{IpAddr, Shutdown, SocketAddr, TcpListener, TcpStream};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::mpsc::{self, SyncSender, TrySendError};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use super::Preview;

/// Threads that read requests and answer them.
pub const WORKERS: usize = 4;
/// Connections waiting for a worker; more are answered 503 at once.
pub const MAX_QUEUED: usize = 64;
/// Largest request head (request line and headers) read, in bytes; larger is 431.
pub const MAX_HEAD_BYTES: usize = 8 * 1024;
/// Most request headers; more is 431.
pub const MAX_HEADERS: usize = 32;
/// Longest wait for a request head or for a client to take a response.
pub const READ_TIMEOUT: Duration = Duration::from_secs(5);
/// Most event streams open at once; more are answered 503.
pub const MAX_EVENT_STREAMS: usize = 16;
/// Time between keep-alive comments on the event streams.
const KEEP_ALIVE: Duration = Duration::from_secs(15);

/// Which `Host` headers a server answers: `localhost`, the address it is bound to, the name
/// it was asked to bind to, and — when bound beyond loopback — any IP address; always with
/// its port. Host names other than those could be an attacker's name that resolves here
/// (DNS rebinding), so they are refused.
#[derive(Debug, Clone)]
pub struct HostPolicy {
    /// The bound address.
    pub addr: SocketAddr,
    /// The name given to bind to (e.g. `--host`), lowercase.
    pub name: String,
}

impl HostPolicy {
    /// Whether a request with this `Host` header value may be answered.
    pub fn allows(&self, host: &str) -> bool {
        let host = host.trim();
        let (name, port) = match host.rsplit_once(':') {
            Some((name, port)) if !port.contains(']') => (name, port.parse::<u16>().ok()),
            _ => (host, Some(80)),
        };
        if port != Some(self.addr.port()) {
            return false;
        }
        let name = name.trim_end_matches('.').to_ascii_lowercase();
        let literal = name.trim_start_matches('[').trim_end_matches(']');
        if name == "localhost" || name == self.name {
            return true;
        }
        match literal.parse::<IpAddr>() {
            Ok(ip) => ip == self.addr.ip() || !self.addr.ip().is_loopback(),
            Err(_) => false,
        }
    }
}

/// A running server: its address and a way to stop it.
pub struct Http {
    /// The address it listens on.
    pub addr: SocketAddr,
    stopping: Arc<AtomicBool>,
}

impl Http {
    /// Starts serving `preview` on `listener`.
    pub fn start(
        listener: TcpListener,
        name: &str,
        preview: Arc<Preview>,
    ) -> std::io::Result<Http> {
        let addr = listener.local_addr()?;
        let policy = Arc::new(HostPolicy {
            addr,
            name: name.trim().to_ascii_lowercase(),
        });
        let stopping = Arc::new(AtomicBool::new(false));
        let streams: Arc<Mutex<Vec<TcpStream>>> = Arc::default();

        let (queue, jobs) = mpsc::sync_channel::<TcpStream>(MAX_QUEUED);
        let jobs = Arc::new(Mutex::new(jobs));
        for _ in 0..WORKERS {
            let jobs = Arc::clone(&jobs);
            let preview = Arc::clone(&preview);
            let policy = Arc::clone(&policy);
            let streams = Arc::clone(&streams);
            std::thread::Builder::new()
                .name("serve-worker".into())
                .spawn(move || loop {
                    let next = jobs.lock().map(|rx| rx.recv());
                    let Ok(Ok(stream)) = next else { return };
                    handle(stream, &preview, &policy, &streams);
                })?;
        }
        let broadcast_preview = Arc::clone(&preview);
        let broadcast_streams = Arc::clone(&streams);
        let broadcast_stopping = Arc::clone(&stopping);
        std::thread::Builder::new()
            .name("serve-events".into())
            .spawn(move || {
                broadcast(&broadcast_preview, &broadcast_streams, &broadcast_stopping)
            })?;
        let accept_stopping = Arc::clone(&stopping);
        std::thread::Builder::new()
            .name("serve-accept".into())
            .spawn(move || accept(&listener, &queue, &accept_stopping))?;
        Ok(Http { addr, stopping })
    }

    /// Stops accepting connections (the threads end as their work runs out).
    pub fn stop(&self) {
        self.stopping.store(true, Ordering::SeqCst);
        // Wake the accepting thread with a connection of our own.
        let _ = TcpStream::connect_timeout(&self.addr, Duration::from_millis(200));
    }
}

fn accept(listener: &TcpListener, queue: &SyncSender<TcpStream>, stopping: &AtomicBool) {
    for stream in listener.incoming() {
        if stopping.load(Ordering::SeqCst) {
            return;
        }
        // Accept errors (too many open files, a reset before accept) are per connection:
        // keep serving the others.
        let Ok(stream) = stream else { continue };
        match queue.try_send(stream) {
            Ok(()) => {}
            Err(TrySendError::Full(stream)) => {
                let _ = stream.set_write_timeout(Some(Duration::from_millis(200)));
                respond(&stream, 503, "busy", "", false);
            }
            Err(TrySendError::Disconnected(_)) => return,
        }
    }
}

/// What a request head asked for, or the status that refuses it.
enum Head {
    Get { path: String, head_only: bool },
    Refuse(u16, &'static str),
}

/// Reads and checks one request head.
fn read_head(stream: &mut TcpStream, policy: &HostPolicy) -> Head {
    let mut buf = vec![0u8; MAX_HEAD_BYTES];
    let mut len = 0;
    loop {
        let mut headers = [httparse::EMPTY_HEADER; MAX_HEADERS];
        let mut request = httparse::Request::new(&mut headers);
        match request.parse(&buf[..len]) {
            Ok(httparse::Status::Complete(_)) => {
                let host = request
                    .headers
                    .iter()
                    .find(|h| h.name.eq_ignore_ascii_case("host"))
                    .and_then(|h| std::str::from_utf8(h.value).ok());
                if !host.is_some_and(|h| policy.allows(h)) {
                    return Head::Refuse(
                        421,
                        "misdirected request: this server answers only its own address",
                    );
                }
                let head_only = match request.method {
                    Some("GET") => false,
                    Some("HEAD") => true,
                    _ => return Head::Refuse(405, "method not allowed"),
                };
                let path = request.path.unwrap_or("").to_string();
                return Head::Get { path, head_only };
            }
            Ok(httparse::Status::Partial) => {}
            Err(httparse::Error::TooManyHeaders) => {
                return Head::Refuse(431, "request header fields too large")
            }
            Err(_) => return Head::Refuse(400, "bad request"),
        }
        if len == buf.len() {
            return Head::Refuse(431, "request header fields too large");
        }
        match stream.read(&mut buf[len..]) {
            Ok(0) | Err(_) => return Head::Refuse(408, "request timeout"),
            Ok(n) => len += n,
        }
    }
}

fn handle(
    mut stream: TcpStream,
    preview: &Preview,
    policy: &HostPolicy,
    streams: &Mutex<Vec<TcpStream>>,
) {
    let _ = stream.set_read_timeout(Some(READ_TIMEOUT));
    let _ = stream.set_write_timeout(Some(READ_TIMEOUT));
    let (path, head_only) = match read_head(&mut stream, policy) {
        Head::Get { path, head_only } => (path, head_only),
        Head::Refuse(status, why) => {
            refuse(&stream, status, why);
            return;
        }
    };
    let path = path.split(['?', '#']).next().unwrap_or("");
    match path {
        "/" | "/index.html" => {
            let (html, _) = preview.current();
            respond(&stream, 200, &html, "text/html; charset=utf-8", head_only);
        }
        "/__events" => {
            let Ok(mut open) = streams.lock() else { return };
            if open.len() >= MAX_EVENT_STREAMS {
                drop(open);
                respond(&stream, 503, "too many event streams", "text/plain", false);
                return;
            }
            let started = stream.write_all(
                b"HTTP/1.1 200 OK\r\nContent-Type: text/event-stream\r\nCache-Control: no-store\r\nConnection: close\r\n\r\nretry: 500\n\n",
            );
            // The broadcaster never blocks on a client: one that stops reading is dropped
            // when its buffer is full.
            if started.is_ok() && stream.set_nonblocking(true).is_ok() {
                open.push(stream);
            }
        }
        _ => respond(
            &stream,
            404,
            "not found",
            "text/plain; charset=utf-8",
            head_only,
        ),
    }
}

/// Writes a whole response and closes the connection.
fn respond(mut stream: &TcpStream, status: u16, body: &str, content_type: &str, head_only: bool) {
    let reason = match status {
        200 => "OK",
        400 => "Bad Request",
        404 => "Not Found",
        405 => "Method Not Allowed",
        408 => "Request Timeout",
        421 => "Misdirected Request",
        431 => "Request Header Fields Too Large",
        _ => "Service Unavailable",
    };
    let content_type = if content_type.is_empty() {
        "text/plain; charset=utf-8"
    } else {
        content_type
    };
    let head = format!(
        "HTTP/1.1 {status} {reason}\r\nContent-Type: {content_type}\r\nContent-Length: {}\r\nCache-Control: no-store\r\nX-Content-Type-Options: nosniff\r\nConnection: close\r\n\r\n",
        body.len()
    );
    let _ = stream.write_all(head.as_bytes());
    if !head_only {
        let _ = stream.write_all(body.as_bytes());
    }
    let _ = stream.flush();
    let _ = stream.shutdown(Shutdown::Write);
}

/// Answers a refused request, then reads on a little before closing: the request may not
/// have been read whole, and closing with unread bytes resets the connection, which can
/// lose the answer on its way to the client.
fn refuse(mut stream: &TcpStream, status: u16, why: &str) {
    respond(stream, status, why, "text/plain; charset=utf-8", false);
    let _ = stream.set_read_timeout(Some(Duration::from_millis(500)));
    let mut sink = [0u8; 4096];
    let mut drained = 0;
    while drained < 64 * 1024 {
        match stream.read(&mut sink) {
            Ok(0) | Err(_) => break,
            Ok(n) => drained += n,
        }
    }
}

/// Sends a `reload` event to every open stream whenever the page changes, and a comment
/// every [`KEEP_ALIVE`]; drops the streams that fail or cannot take more.
fn broadcast(preview: &Preview, streams: &Mutex<Vec<TcpStream>>, stopping: &AtomicBool) {
    let (_, mut seen) = preview.current();
    while !stopping.load(Ordering::SeqCst) {
        let generation = preview.wait_change(seen, KEEP_ALIVE);
        let message = if generation != seen {
            seen = generation;
            format!("event: reload\ndata: {generation}\n\n")
        } else {
            ": keep-alive\n\n".to_string()
        };
        let Ok(mut open) = streams.lock() else { return };
        open.retain_mut(
            |stream| matches!(stream.write(message.as_bytes()), Ok(n) if n == message.len()),
        );
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_this_servers_own_names_are_answered() {
        // Intent: on loopback, localhost and the bound address with the right port pass;
        // another name (DNS rebinding), another port or another address do not.
        let policy = HostPolicy {
            addr: "127.0.0.1:8040".parse().expect("addr"),
            name: "127.0.0.1".into(),
        };
        for ok in [
            "127.0.0.1:8040",
            "localhost:8040",
            "LOCALHOST:8040",
            "localhost.:8040",
        ] {
            assert!(policy.allows(ok), "{ok}");
        }
        for bad in [
            "evil.example:8040",
            "127.0.0.1:8041",
            "127.0.0.1",
            "10.0.0.1:8040",
            "localhost",
            "",
            "127.0.0.1:8040.evil.example",
        ] {
            assert!(!policy.allows(bad), "{bad}");
        }
        let wide = HostPolicy {
            addr: "0.0.0.0:80".parse().expect("addr"),
            name: "editor-box".into(),
        };
        for ok in ["192.168.1.5", "[fe80::1]:80", "editor-box", "localhost:80"] {
            assert!(wide.allows(ok), "{ok}");
        }
        for bad in ["evil.example", "192.168.1.5:81"] {
            assert!(!wide.allows(bad), "{bad}");
        }
    }
}
