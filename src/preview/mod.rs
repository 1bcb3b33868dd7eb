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
mod page;

use std::net::{SocketAddr, TcpListener};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::mpsc;
use std::sync::{Arc, Condvar, Mutex};
use std::time::{Duration, Instant};

use notify::{RecursiveMode, Watcher};

use crate::diagnostics::{self, Diagnostic, MessageFormat, Severity, Sources};
use crate::emit::html::{render_page_keeping, PageOptions};
use crate::labels::TextLabels;

/// Quiet time after the last file event before a rebuild starts (editors save in bursts,
/// whose events come within a millisecond or two of each other). A burst split by a pause
/// longer than this costs one more rebuild, never a stale page: the last event of a burst
/// always starts a rebuild of its own, after the files are written.
pub const DEBOUNCE: Duration = Duration::from_millis(10);

/// How often the rebuild loop looks at the clock and at the manuscript folder itself.
const TICK: Duration = Duration::from_millis(250);
/// A rebuild still running after this is reported on the page (it goes on; a newer save
/// starts a newer rebuild regardless).
pub const REBUILD_TIMEOUT: Duration = Duration::from_secs(10);
/// Most rebuilds running at once; a save beyond that waits for one to finish.
pub const MAX_RUNNING_REBUILDS: usize = 3;

/// What a rebuild found, for the terminal: how long it took and what is wrong.
#[derive(Debug, Default)]
pub struct Rebuilt {
    /// How long loading, checking and rendering took.
    pub took: Duration,
    /// Every error and warning (after the manuscript's `[lints]`).
    pub diagnostics: Vec<Diagnostic>,
    /// The files read, to render the diagnostics.
    pub sources: Sources,
    /// A problem that is no diagnostic: a folder that cannot be read at all, an output
    /// that failed.
    pub failure: Option<String>,
}

impl Rebuilt {
    /// Errors and warnings, failures counted as errors.
    pub fn counts(&self) -> (usize, usize) {
        let (errors, warnings) = diagnostics::counts(&self.diagnostics);
        (errors + usize::from(self.failure.is_some()), warnings)
    }
}

/// What the preview tells whoever runs it (`serve` prints it on the terminal).
#[derive(Debug)]
pub enum Event<'a> {
    /// A rebuild finished and its page is shown (the first build included).
    Rebuilt(&'a Rebuilt),
    /// The newest rebuild has been running this long; it goes on.
    Slow(Duration),
}

/// Receives the preview's events, from its threads.
pub type Log = Arc<dyn Fn(&Event<'_>) + Send + Sync>;

/// One rebuild, rendered: the page when the manuscript built, its problems otherwise.
struct Outcome {
    /// The draft page, undecorated, when the manuscript built.
    page: Option<String>,
    /// One item per error (file:line:col, message, hint), for the page.
    errors: Vec<String>,
    /// One item per warning, for the banner.
    warnings: Vec<String>,
    /// The errors in the human form, for the page's details.
    detail: String,
    /// The words the page decorations use (the manuscript's labels when it loaded).
    text: TextLabels,
    /// What the terminal is told.
    report: Rebuilt,
    /// What the rebuild leaves to free (the model, the view, what the template saw): kept
    /// with the outcome so that it is freed after the page is shown, not before.
    _leftovers: Option<Box<dyn std::any::Any + Send>>,
}

/// The page currently served, and a generation number that changes on every rebuild.
#[derive(Debug, Default)]
struct Page {
    html: String,
    generation: u64,
    /// The newest rebuild whose page is shown (so an older, slower one cannot replace it).
    rebuild: u64,
    /// The last page that built, undecorated, with its words: a broken save is shown
    /// above it.
    last_good: Option<(String, TextLabels)>,
}

/// Shared state between the watcher, the request handlers and the event streams.
#[derive(Debug, Default)]
pub struct Preview {
    page: Mutex<Page>,
    changed: Condvar,
}

impl Preview {
    /// Shows an outcome as rebuild `n` (the first build when `n` is `None`), unless a newer
    /// rebuild's page is already shown; returns whether it was shown.
    fn publish(&self, n: Option<u64>, outcome: &Outcome) -> bool {
        let mut page = self.page.lock().unwrap_or_else(|e| e.into_inner());
        if let Some(n) = n {
            if n <= page.rebuild {
                return false;
            }
            page.rebuild = n;
        }
        let html = match &outcome.page {
            Some(html) => {
                page.last_good = Some((html.clone(), outcome.text.clone()));
                page::with_warnings(html, &outcome.warnings, &outcome.text)
            }
            None => match &page.last_good {
                Some((good, _)) => {
                    page::with_errors(good, &outcome.errors, &outcome.detail, &outcome.text)
                }
                None => page::problems(&outcome.errors, &outcome.detail, &outcome.text),
            },
        };
        page.html = html;
        page.generation += 1;
        self.changed.notify_all();
        true
    }

    /// Shows a problem that is not the manuscript's (a rebuild that hangs), above the last
    /// page that built when there is one.
    fn problem(&self, item: String) {
        let mut page = self.page.lock().unwrap_or_else(|e| e.into_inner());
        let builtin = || crate::labels::Labels::builtin("ja").text;
        page.html = match &page.last_good {
            Some((good, text)) => page::with_errors(good, &[item], "", text),
            None => page::problems(&[item], "", &builtin()),
        };
        page.generation += 1;
        self.changed.notify_all();
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

/// Renders the manuscript as the preview page: the draft HTML edition (with a banner
/// when there are warnings), or a page listing the errors while the manuscript is broken.
pub fn render(manuscript: &Path) -> String {
    let preview = Preview::default();
    preview.publish(None, &build(manuscript, &Parsed::default()));
    preview.current().0
}

/// The files parsed by the latest rebuild, for the next one to reuse (see
/// [`crate::load::Cache`]). A rebuild takes the cache while it loads; one that starts
/// meanwhile loads without it. Either way the page is the one a load from scratch gives.
#[derive(Debug, Default)]
struct Parsed(Mutex<Option<crate::load::Cache>>);

impl Parsed {
    /// Loads and checks the manuscript, with the cache when no other rebuild holds it.
    fn check(&self, manuscript: &Path) -> Result<crate::Checked, crate::load::LoadError> {
        let taken = self.0.lock().ok().and_then(|mut c| c.take());
        let Some(mut cache) = taken else {
            return crate::check(manuscript);
        };
        let loaded = crate::load::load_with(manuscript, &mut cache);
        if let Ok(mut slot) = self.0.lock() {
            *slot = Some(cache);
        }
        Ok(crate::check_loaded(loaded?))
    }
}

/// A preview that keeps its parsed files between renders: what the server does on every
/// save, for tests and measurements that drive it without a server.
#[derive(Debug, Default)]
pub struct Incremental {
    parsed: Parsed,
}

impl Incremental {
    /// Starts with nothing parsed.
    pub fn new() -> Self {
        Self {
            parsed: Parsed(Mutex::new(Some(crate::load::Cache::default()))),
        }
    }

    /// The preview page of the manuscript as it is now, as [`render`] gives it.
    pub fn render(&self, manuscript: &Path) -> String {
        let preview = Preview::default();
        preview.publish(None, &build(manuscript, &self.parsed));
        preview.current().0
    }

    /// How many files the latest render took from what earlier ones parsed.
    pub fn reused(&self) -> usize {
        self.parsed
            .0
            .lock()
            .ok()
            .and_then(|c| c.as_ref().map(crate::load::Cache::reused))
            .unwrap_or(0)
    }
}

/// One diagnostic as a page item: where, what, and the hint.
fn item(d: &Diagnostic, sources: &Sources) -> String {
    let (line, col) = sources.line_col(d.span);
    let mut item = format!(
        "{}:{line}:{col}: {}[{}]: {}",
        sources.name(d.span),
        d.severity.as_str(),
        d.code,
        d.message
    );
    if let Some(hint) = &d.hint {
        item.push_str(&format!("\nhint: {hint}"));
    }
    item
}

/// Loads, checks and renders the manuscript, timing it.
fn build(manuscript: &Path, parsed: &Parsed) -> Outcome {
    let started = Instant::now();
    let builtin = || crate::labels::Labels::builtin("ja").text;
    let failed = |message: String, text: TextLabels, mut report: Rebuilt| {
        report.took = started.elapsed();
        report.failure = Some(message.clone());
        Outcome {
            page: None,
            errors: vec![message],
            warnings: Vec::new(),
            detail: String::new(),
            text,
            report,
            _leftovers: None,
        }
    };
    let checked = match parsed.check(manuscript) {
        Ok(c) => c,
        Err(e) => return failed(error_chain(&e), builtin(), Rebuilt::default()),
    };
    let text = checked
        .supplement
        .as_ref()
        .and_then(|s| checked.styles.labels(&s.language).ok())
        .map_or_else(builtin, |l| l.text);
    let (errors, warnings): (Vec<&Diagnostic>, Vec<&Diagnostic>) = checked
        .diagnostics
        .iter()
        .partition(|d| d.severity == Severity::Error);
    let error_items: Vec<String> = errors.iter().map(|d| item(d, &checked.sources)).collect();
    let warning_items: Vec<String> = warnings.iter().map(|d| item(d, &checked.sources)).collect();
    let page = if errors.is_empty() {
        checked.view.as_ref().map(|view| {
            render_page_keeping(
                view,
                &checked.styles,
                PageOptions {
                    draft: true,
                    reload: true,
                },
            )
        })
    } else {
        None
    };
    let detail = if errors.is_empty() {
        String::new()
    } else {
        let errors: Vec<Diagnostic> = errors.into_iter().cloned().collect();
        diagnostics::render(&errors, &checked.sources, MessageFormat::Human, false)
    };
    let mut report = Rebuilt {
        took: Duration::ZERO,
        diagnostics: checked.diagnostics,
        sources: checked.sources,
        failure: None,
    };
    let mut leftovers: Vec<Box<dyn std::any::Any + Send>> = vec![
        Box::new(checked.supplement),
        Box::new(checked.view),
        Box::new(checked.styles),
    ];
    let page = match page {
        Some(Ok((html, leftover))) => {
            leftovers.push(Box::new(leftover));
            Some(html)
        }
        Some(Err(e)) => return failed(format!("html output failed: {e}"), text, report),
        None if error_items.is_empty() => {
            return failed("the manuscript could not be loaded".into(), text, report)
        }
        None => None,
    };
    report.took = started.elapsed();
    Outcome {
        page,
        errors: error_items,
        warnings: warning_items,
        detail,
        text,
        report,
        _leftovers: Some(Box::new(leftovers)),
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

/// A running preview server.
pub struct Server {
    /// The address it listens on.
    pub addr: SocketAddr,
    http: http::Http,
}

impl Server {
    /// Starts listening on `host:port` (port 0 picks a free one) and serving `manuscript`;
    /// `log` hears of every build (the first one included, before this returns).
    pub fn start(manuscript: PathBuf, host: &str, port: u16, log: Log) -> std::io::Result<Server> {
        let listener = TcpListener::bind((host, port))
            .map_err(|e| std::io::Error::other(format!("cannot listen on {host}:{port}: {e}")))?;
        let preview = Arc::new(Preview::default());
        let parsed = Arc::new(Incremental::new().parsed);
        let first = build(&manuscript, &parsed);
        preview.publish(None, &first);
        log(&Event::Rebuilt(&first.report));
        drop(first);
        watch(manuscript, Arc::clone(&preview), parsed, log)?;
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
fn watch(
    manuscript: PathBuf,
    preview: Arc<Preview>,
    parsed: Arc<Parsed>,
    log: Log,
) -> std::io::Result<()> {
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
                    spawn_rebuild(started, &manuscript, &preview, &parsed, &running, &log);
                }
                if !timeout_shown
                    && latest_start.elapsed() > REBUILD_TIMEOUT
                    && preview.shown_rebuild() < started
                {
                    timeout_shown = true;
                    preview.problem(format!(
                        "the rebuild after the last save has not finished after {} s; it goes on, and the next save starts a new one",
                        REBUILD_TIMEOUT.as_secs()
                    ));
                    log(&Event::Slow(latest_start.elapsed()));
                }
            }
        })?;
    Ok(())
}

/// Renders the manuscript on a thread of its own, publishes the page as rebuild `n` and,
/// when it is shown, tells `log`.
fn spawn_rebuild(
    n: u64,
    manuscript: &Path,
    preview: &Arc<Preview>,
    parsed: &Arc<Parsed>,
    running: &Arc<AtomicUsize>,
    log: &Log,
) {
    let manuscript = manuscript.to_path_buf();
    let shared = Arc::clone(preview);
    let parsed = Arc::clone(parsed);
    let counter = Arc::clone(running);
    let told = Arc::clone(log);
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
            // Shown first, freed after: the outcome (with what the rebuild left) is
            // dropped at the end of this thread.
            let outcome = std::panic::catch_unwind(|| build(&manuscript, &parsed))
                .unwrap_or_else(|_| failure("the rebuild failed unexpectedly; save again"));
            if shared.publish(Some(n), &outcome) {
                told(&Event::Rebuilt(&outcome.report));
            }
        });
    if spawned.is_err() {
        running.fetch_sub(1, Ordering::SeqCst);
        let outcome = failure("no thread could be started for the rebuild; save again");
        if preview.publish(Some(n), &outcome) {
            log(&Event::Rebuilt(&outcome.report));
        }
    }
}

/// The outcome of a rebuild that produced nothing but `message`.
fn failure(message: &str) -> Outcome {
    Outcome {
        page: None,
        errors: vec![message.to_string()],
        warnings: Vec::new(),
        detail: String::new(),
        text: crate::labels::Labels::builtin("ja").text,
        report: Rebuilt {
            failure: Some(message.to_string()),
            ..Rebuilt::default()
        },
        _leftovers: None,
    }
}
