//! The preview server behind `supplement serve`: renders the HTML edition in memory,
//! watches the manuscript folder (which holds its style overrides), rebuilds on save, and
//! tells open pages to reload through server-sent events. It serves only what it built:
//! `/` (the page) and `/__events` (the reload stream); every other path is 404. The HTTP
//! side, with its bounds, is in [`http`].
//!
//! Each rebuild runs on a thread of its own: one that fails, hangs or takes longer than
//! [`REBUILD_TIMEOUT`] (the page then says so) never holds up the rebuilds of later saves,
//! and a result that arrives after a newer one is dropped. The watch is renewed when the
//! manuscript folder is deleted and created again.

pub mod http;

use std::net::{SocketAddr, TcpListener};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::mpsc;
use std::sync::{Arc, Condvar, Mutex};
use std::time::{Duration, Instant};

use notify::{RecursiveMode, Watcher};

use crate::diagnostics::{self, MessageFormat, Severity};
use crate::emit::html::{render_page, PageOptions};

/// Quiet time after the last file event before a rebuild starts (editors save in bursts).
pub const DEBOUNCE: Duration = Duration::from_millis(40);

/// How often the rebuild loop looks at the clock and at the manuscript folder itself.
const TICK: Duration = Duration::from_millis(250);
/// A rebuild still running after this is reported on the page (it goes on; a newer save
/// starts a newer rebuild regardless).
pub const REBUILD_TIMEOUT: Duration = Duration::from_secs(10);
/// Most rebuilds running at once; a save beyond that waits for one to finish.
pub const MAX_RUNNING_REBUILDS: usize = 3;

/// The page currently served, and a generation number that changes on every rebuild.
#[derive(Debug, Default)]
struct Page {
    html: String,
    generation: u64,
    /// The newest rebuild whose page is shown (so an older, slower one cannot replace it).
    rebuild: u64,
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

    /// Shows the page of rebuild `n`, unless a newer rebuild's page is already shown.
    fn publish(&self, n: u64, html: String) {
        let mut page = self.page.lock().unwrap_or_else(|e| e.into_inner());
        if n > page.rebuild {
            page.rebuild = n;
            page.html = html;
            page.generation += 1;
            self.changed.notify_all();
        }
    }

    /// The newest rebuild whose page is shown.
    fn shown_rebuild(&self) -> u64 {
        self.page.lock().unwrap_or_else(|e| e.into_inner()).rebuild
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
        Err(e) => return problem_page(&[error_chain(&e)], None),
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

/// An error with its causes, on one line.
fn error_chain(error: &dyn std::error::Error) -> String {
    let mut text = error.to_string();
    let mut cause = error.source();
    while let Some(e) = cause {
        text.push_str(&format!(": caused by: {e}"));
        cause = e.source();
    }
    text
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
    http: http::Http,
}

impl Server {
    /// Starts listening on `host:port` (port 0 picks a free one) and serving `manuscript`.
    pub fn start(manuscript: PathBuf, host: &str, port: u16) -> std::io::Result<Server> {
        let listener = TcpListener::bind((host, port))
            .map_err(|e| std::io::Error::other(format!("cannot listen on {host}:{port}: {e}")))?;
        let preview = Arc::new(Preview::default());
        preview.set(render(&manuscript));
        watch(manuscript, Arc::clone(&preview))?;
        let http = http::Http::start(listener, host, preview)?;
        Ok(Server {
            addr: http.addr,
            http,
        })
    }

    /// Stops accepting requests.
    pub fn stop(&self) {
        self.http.stop();
    }
}

/// A watch on the manuscript folder that sends a message on every change.
struct FolderWatch {
    _watcher: notify::RecommendedWatcher,
    identity: Option<FolderId>,
}

/// What makes the manuscript folder the same folder: device and inode on Unix (a folder
/// deleted and created again is another one), its existence elsewhere.
#[cfg(unix)]
type FolderId = (u64, u64);
#[cfg(not(unix))]
type FolderId = ();

#[cfg(unix)]
fn folder_id(dir: &Path) -> Option<FolderId> {
    use std::os::unix::fs::MetadataExt;
    std::fs::metadata(dir)
        .ok()
        .filter(|m| m.is_dir())
        .map(|m| (m.dev(), m.ino()))
}

#[cfg(not(unix))]
fn folder_id(dir: &Path) -> Option<FolderId> {
    dir.is_dir().then_some(())
}

/// What the watcher tells the rebuild loop.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Change {
    /// Something under the folder changed.
    Files,
    /// The folder itself was deleted or moved away: its watch is dead.
    Folder,
}

/// Watches `dir` (recursively, never following symbolic links: a link to `/` must not
/// make the watcher walk the file system); `None` while the folder does not exist.
fn watch_folder(dir: &Path, tx: &mpsc::Sender<Change>) -> std::io::Result<Option<FolderWatch>> {
    let Some(identity) = folder_id(dir) else {
        return Ok(None);
    };
    let tx = tx.clone();
    let root = dir.to_path_buf();
    let mut watcher = notify::RecommendedWatcher::new(
        move |event: notify::Result<notify::Event>| {
            let Ok(event) = event else { return };
            if event.kind.is_access() {
                return;
            }
            let itself = event.paths.iter().any(|p| p == &root)
                && matches!(
                    event.kind,
                    notify::EventKind::Remove(_)
                        | notify::EventKind::Modify(notify::event::ModifyKind::Name(_))
                );
            let _ = tx.send(if itself {
                Change::Folder
            } else {
                Change::Files
            });
        },
        notify::Config::default().with_follow_symlinks(false),
    )
    .map_err(std::io::Error::other)?;
    watcher
        .watch(dir, RecursiveMode::Recursive)
        .map_err(std::io::Error::other)?;
    Ok(Some(FolderWatch {
        _watcher: watcher,
        identity: Some(identity),
    }))
}

/// Watches the manuscript folder and rebuilds after each burst of changes (see the module
/// comment for how slow and failed rebuilds are kept from holding up later ones). The
/// folder's own removal, or a change of its identity, renews the watch: a folder deleted
/// and created again (even with the same inode number) is watched again.
fn watch(manuscript: PathBuf, preview: Arc<Preview>) -> std::io::Result<()> {
    let (tx, rx) = mpsc::channel::<Change>();
    let mut folder = watch_folder(&manuscript, &tx)?;
    std::thread::Builder::new()
        .name("serve-watch".into())
        .spawn(move || {
            let running = Arc::new(AtomicUsize::new(0));
            let mut started: u64 = 0;
            let mut latest_start = Instant::now();
            let mut timeout_shown = true;
            let mut quiet_since: Option<Instant> = None;
            loop {
                let mut note = |change: Change, folder: &mut Option<FolderWatch>| {
                    quiet_since = Some(Instant::now());
                    if change == Change::Folder {
                        *folder = None;
                    }
                };
                match rx.recv_timeout(TICK) {
                    Ok(change) => note(change, &mut folder),
                    Err(mpsc::RecvTimeoutError::Timeout) => {}
                    Err(mpsc::RecvTimeoutError::Disconnected) => return,
                }
                // Debounce: wait until no event has arrived for DEBOUNCE.
                while let Ok(change) = rx.recv_timeout(DEBOUNCE) {
                    note(change, &mut folder);
                }
                // The folder deleted, or created again: renew the watch, and rebuild.
                let now = folder_id(&manuscript);
                if now != folder.as_ref().and_then(|f| f.identity) {
                    folder = watch_folder(&manuscript, &tx).ok().flatten();
                    if folder.is_none() && now.is_some() {
                        // Created but not watchable yet: try again on the next tick.
                        continue;
                    }
                    quiet_since.get_or_insert_with(Instant::now);
                }
                if quiet_since.is_some() && running.load(Ordering::SeqCst) < MAX_RUNNING_REBUILDS {
                    quiet_since = None;
                    started += 1;
                    latest_start = Instant::now();
                    timeout_shown = false;
                    spawn_rebuild(started, &manuscript, &preview, &running);
                }
                if !timeout_shown
                    && latest_start.elapsed() > REBUILD_TIMEOUT
                    && preview.shown_rebuild() < started
                {
                    timeout_shown = true;
                    preview.set(problem_page(
                        &[format!(
                            "the rebuild after the last save has not finished after {} s; it goes on, and the next save starts a new one",
                            REBUILD_TIMEOUT.as_secs()
                        )],
                        None,
                    ));
                }
            }
        })?;
    Ok(())
}

/// Renders the manuscript on a thread of its own and publishes the page as rebuild `n`.
fn spawn_rebuild(n: u64, manuscript: &Path, preview: &Arc<Preview>, running: &Arc<AtomicUsize>) {
    let manuscript = manuscript.to_path_buf();
    let shared = Arc::clone(preview);
    let counter = Arc::clone(running);
    counter.fetch_add(1, Ordering::SeqCst);
    let spawned = std::thread::Builder::new()
        .name(format!("serve-rebuild-{n}"))
        .stack_size(crate::emit::RENDER_STACK)
        .spawn(move || {
            // Counted down even if rendering panics.
            struct Done(Arc<AtomicUsize>);
            impl Drop for Done {
                fn drop(&mut self) {
                    self.0.fetch_sub(1, Ordering::SeqCst);
                }
            }
            let _done = Done(counter);
            let html = std::panic::catch_unwind(|| render(&manuscript)).unwrap_or_else(|_| {
                problem_page(
                    &["the rebuild failed unexpectedly; save again".into()],
                    None,
                )
            });
            shared.publish(n, html);
        });
    if spawned.is_err() {
        running.fetch_sub(1, Ordering::SeqCst);
        preview.publish(
            n,
            problem_page(
                &["no thread could be started for the rebuild; save again".into()],
                None,
            ),
        );
    }
}
