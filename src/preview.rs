//! The preview server behind `supplement serve`: renders the HTML edition in memory,
//! watches the manuscript folder (which holds its style overrides), rebuilds on save, and
//! tells open pages to reload through server-sent events. It serves only what it built:
//! `/` (the page) and `/__events` (the reload stream); every other path is 404.

use std::io::Write;
use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::sync::mpsc;
use std::sync::{Arc, Condvar, Mutex};
use std::time::{Duration, Instant};

use notify::{RecursiveMode, Watcher};

use crate::diagnostics::{self, MessageFormat, Severity};
use crate::emit::html::{render_page, PageOptions};

/// Quiet time after the last file event before a rebuild starts (editors save in bursts).
pub const DEBOUNCE: Duration = Duration::from_millis(40);

/// The page currently served, and a generation number that changes on every rebuild.
#[derive(Debug, Default)]
struct Page {
    html: String,
    generation: u64,
}

/// Shared state between the watcher, the request handlers and the event streams.
#[derive(Debug, Default)]
pub struct Preview {
    page: Mutex<Page>,
    changed: Condvar,
}

impl Preview {
    fn set(&self, html: String) {
        let mut page = self.page.lock().unwrap_or_else(|e| e.into_inner());
        page.html = html;
        page.generation += 1;
        self.changed.notify_all();
    }

    fn current(&self) -> (String, u64) {
        let page = self.page.lock().unwrap_or_else(|e| e.into_inner());
        (page.html.clone(), page.generation)
    }

    /// Waits until the generation moves past `seen` or `timeout` passes.
    fn wait_change(&self, seen: u64, timeout: Duration) -> u64 {
        let page = self.page.lock().unwrap_or_else(|e| e.into_inner());
        let (page, _) = self
            .changed
            .wait_timeout_while(page, timeout, |p| p.generation == seen)
            .unwrap_or_else(|e| e.into_inner());
        page.generation
    }
}

/// Renders the manuscript as the preview page: the draft HTML edition, or a page listing
/// the diagnostics while the manuscript is broken.
pub fn render(manuscript: &Path) -> String {
    let checked = match crate::check(manuscript) {
        Ok(c) => c,
        Err(e) => return problem_page(&[format!("{e}")], None),
    };
    let errors: Vec<_> = checked
        .diagnostics
        .iter()
        .filter(|d| d.severity == Severity::Error)
        .cloned()
        .collect();
    if !errors.is_empty() || checked.supplement.is_none() {
        let lines = diagnostics::render(&errors, &checked.sources, MessageFormat::Human, false);
        let mut items: Vec<String> = Vec::new();
        for d in &errors {
            let (line, col) = checked.sources.line_col(d.span);
            let mut item = format!(
                "{}:{line}:{col}: {}[{}]: {}",
                checked.sources.name(d.span),
                d.severity.as_str(),
                d.code,
                d.message
            );
            if let Some(hint) = &d.hint {
                item.push_str(&format!("\nhint: {hint}"));
            }
            items.push(item);
        }
        return problem_page(&items, Some(&lines));
    }
    let Some(view) = &checked.view else {
        return problem_page(&["the manuscript could not be loaded".into()], None);
    };
    match render_page(
        view,
        &checked.styles,
        PageOptions {
            draft: true,
            reload: true,
        },
    ) {
        Ok(html) => html,
        Err(e) => problem_page(&[format!("html output failed: {e}")], None),
    }
}

/// A minimal page that shows what is wrong (one item per problem, and optionally the full
/// rustc-style report) and reloads itself on the next save.
fn problem_page(items: &[String], detail: Option<&str>) -> String {
    // The manuscript may not load (nor its label overrides): the built-in labels speak.
    let labels = crate::labels::Labels::builtin("ja");
    let t = &labels.text;
    let escape = |text: &str| {
        let mut escaped = String::new();
        crate::emit::markup::escape_into(text, &mut escaped);
        escaped
    };
    let mut body = String::new();
    for item in items {
        body.push_str(&format!("<li><pre>{}</pre></li>\n", escape(item)));
    }
    let detail = detail
        .filter(|d| !d.is_empty())
        .map(|d| {
            format!(
                "<details><summary>{}</summary><pre>{}</pre></details>\n",
                escape(&t.error_details),
                escape(d)
            )
        })
        .unwrap_or_default();
    format!(
        "<!DOCTYPE html>\n<html lang=\"ja\"><head><meta charset=\"utf-8\"><meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\
<title>{title}</title><style>body{{font-family:sans-serif;margin:2rem;line-height:1.6;color:#1a1a1a}}\
h1{{color:#a40000;font-size:1.4rem}}pre{{white-space:pre-wrap;background:#fff4f4;border-left:4px solid #a40000;padding:.6rem;margin:0}}\
li{{margin:.6rem 0;list-style:none}}ul{{padding:0}}</style></head><body><main><h1>{title}</h1>\
<p>{reload}</p><ul class=\"diagnostics\">\n{body}</ul>\n{detail}</main>{RELOAD_SCRIPT}</body></html>\n",
        title = escape(&t.errors_title),
        reload = escape(&t.errors_reload),
    )
}

/// The script the page uses to reload when the server says so.
pub const RELOAD_SCRIPT: &str = "<script>(function(){var s=new EventSource('/__events');\
s.addEventListener('reload',function(){location.reload();});})();</script>";

/// A running preview server.
pub struct Server {
    /// The address it listens on.
    pub addr: SocketAddr,
    server: Arc<tiny_http::Server>,
}

impl Server {
    /// Starts listening on `host:port` (port 0 picks a free one) and serving `manuscript`.
    pub fn start(manuscript: PathBuf, host: &str, port: u16) -> std::io::Result<Server> {
        let server = tiny_http::Server::http((host, port))
            .map_err(|e| std::io::Error::other(format!("cannot listen on {host}:{port}: {e}")))?;
        let addr = server
            .server_addr()
            .to_ip()
            .ok_or_else(|| std::io::Error::other("not an IP address"))?;
        let server = Arc::new(server);
        let preview = Arc::new(Preview::default());
        preview.set(render(&manuscript));

        watch(manuscript, Arc::clone(&preview))?;

        let accept = Arc::clone(&server);
        std::thread::spawn(move || {
            for request in accept.incoming_requests() {
                let preview = Arc::clone(&preview);
                std::thread::spawn(move || handle(request, &preview));
            }
        });
        Ok(Server { addr, server })
    }

    /// Stops accepting requests.
    pub fn stop(&self) {
        self.server.unblock();
    }
}

/// Watches the manuscript folder and rebuilds after each burst of changes.
fn watch(manuscript: PathBuf, preview: Arc<Preview>) -> std::io::Result<()> {
    let (tx, rx) = mpsc::channel::<()>();
    let mut watcher = notify::recommended_watcher(move |event: notify::Result<notify::Event>| {
        if let Ok(event) = event {
            if !event.kind.is_access() {
                let _ = tx.send(());
            }
        }
    })
    .map_err(std::io::Error::other)?;
    watcher
        .watch(&manuscript, RecursiveMode::Recursive)
        .map_err(std::io::Error::other)?;
    let builder = std::thread::Builder::new().stack_size(crate::emit::RENDER_STACK);
    builder.spawn(move || {
        let _watcher = watcher; // keep it alive as long as the loop runs
        while rx.recv().is_ok() {
            // Debounce: wait until no event has arrived for DEBOUNCE.
            let mut deadline = Instant::now() + DEBOUNCE;
            loop {
                let wait = deadline.saturating_duration_since(Instant::now());
                match rx.recv_timeout(wait) {
                    Ok(()) => deadline = Instant::now() + DEBOUNCE,
                    Err(mpsc::RecvTimeoutError::Timeout) => break,
                    Err(mpsc::RecvTimeoutError::Disconnected) => return,
                }
            }
            preview.set(render(&manuscript));
        }
    })?;
    Ok(())
}

fn handle(request: tiny_http::Request, preview: &Preview) {
    let path = request
        .url()
        .split(['?', '#'])
        .next()
        .unwrap_or("")
        .to_string();
    let method_ok = matches!(
        request.method(),
        tiny_http::Method::Get | tiny_http::Method::Head
    );
    let header = |k: &str, v: &str| tiny_http::Header::from_bytes(k.as_bytes(), v.as_bytes()).ok();
    if !method_ok {
        let _ = request
            .respond(tiny_http::Response::from_string("method not allowed").with_status_code(405));
        return;
    }
    match path.as_str() {
        "/" | "/index.html" => {
            let (html, _) = preview.current();
            let mut response = tiny_http::Response::from_string(html);
            for h in [
                header("Content-Type", "text/html; charset=utf-8"),
                header("Cache-Control", "no-store"),
                header("X-Content-Type-Options", "nosniff"),
            ]
            .into_iter()
            .flatten()
            {
                response.add_header(h);
            }
            let _ = request.respond(response);
        }
        "/__events" => {
            // Server-sent events need a flush after every event, which tiny_http's chunked
            // bodies do not do: write the response by hand on the raw connection.
            let (_, generation) = preview.current();
            let mut writer = request.into_writer();
            let _ = stream_events(&mut writer, preview, generation);
        }
        _ => {
            let _ = request
                .respond(tiny_http::Response::from_string("not found").with_status_code(404));
        }
    }
}

/// Writes a never-ending event stream: a `reload` event whenever the page changes, and a
/// comment every 15 s to keep the connection open. Returns when the client goes away.
fn stream_events(writer: &mut dyn Write, preview: &Preview, mut seen: u64) -> std::io::Result<()> {
    writer.write_all(
        b"HTTP/1.1 200 OK\r\nContent-Type: text/event-stream\r\nCache-Control: no-store\r\nConnection: close\r\n\r\nretry: 500\n\n",
    )?;
    writer.flush()?;
    loop {
        let generation = preview.wait_change(seen, Duration::from_secs(15));
        if generation != seen {
            seen = generation;
            write!(writer, "event: reload\ndata: {generation}\n\n")?;
        } else {
            writer.write_all(b": keep-alive\n\n")?;
        }
        writer.flush()?;
    }
}
