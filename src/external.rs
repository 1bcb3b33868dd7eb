//! External emitters: programs that turn the document view into a format this crate does
//! not ship (an agency's Word template, a PDF through a typesetter, a CMS import…).
//!
//! `--format NAME` that is not built in runs the program declared in supplement.toml under
//! `[emitters.NAME]` (run in the manuscript folder), else `supplement-emit-NAME` found on
//! `PATH`. The protocol (README, "External emitters"):
//!
//! - handshake: `PROGRAM --supplement-protocol` prints the protocol versions it speaks
//!   (e.g. `1`); a program that does not speak [`PROTOCOL`] is refused with a clear message;
//! - run: `PROGRAM --output PATH --protocol 1`, with `{"protocol": 1, "generator": …,
//!   "view": <the document view>}` as JSON on stdin; it writes its file to `PATH` (inside
//!   the build's output folder) and exits 0. Anything else — another exit status, no file,
//!   passing its time limit (killed) — fails the build, and nothing is written. Lines of
//!   stderr that are JSON objects with a `message` are diagnostics (with `severity`, `code`,
//!   `file`, `line`, `column` when it has them); other lines are shown as they are.
//!
//! The file it wrote joins the build's all-or-nothing commit: it is read back and written
//! with the other outputs, or not at all.

use std::io::{Read, Write};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use serde::{Deserialize, Serialize};

use crate::emit::{EmitError, Emitter, OutputFile, RenderOptions};
use crate::model::DeclaredEmitter;
use crate::styles::Styles;
use crate::view::DocumentView;

/// The protocol version this build speaks.
pub const PROTOCOL: u32 = 1;
/// The name prefix of emitters found on `PATH`.
pub const PREFIX: &str = "supplement-emit-";
/// Seconds the handshake may take.
const HANDSHAKE_S: u64 = 10;
/// Most bytes of an emitter's stderr (and of a handshake's stdout) kept.
const STDERR_MAX: usize = 256 * 1024;
/// Seconds the pipes are read after the program exits.
const DRAIN_S: u64 = 2;
/// The largest file an emitter may write (it is read back into memory for the commit).
const OUTPUT_MAX: u64 = 1 << 30;

/// What an emitter receives on stdin.
#[derive(Debug, Serialize, Deserialize)]
pub struct Envelope<V> {
    /// [`PROTOCOL`].
    pub protocol: u32,
    /// The program and version that sends it, e.g. `supplement 0.1.0`.
    pub generator: String,
    /// The document view (see `supplement dump --what view` and its JSON Schema).
    pub view: V,
}

/// A diagnostic an emitter printed on stderr.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ExternalDiagnostic {
    /// `error` or `warning` (default `error`).
    #[serde(default = "error")]
    pub severity: String,
    /// A code of the emitter's own, if any.
    #[serde(default)]
    pub code: Option<String>,
    /// What is wrong.
    pub message: String,
    /// A manuscript file, as `supplement` names them, when the problem has a place.
    #[serde(default)]
    pub file: Option<String>,
    /// 1-based line in that file.
    #[serde(default)]
    pub line: Option<usize>,
    /// 1-based column.
    #[serde(default)]
    pub column: Option<usize>,
}

fn error() -> String {
    "error".into()
}

/// An external emitter, resolved.
#[derive(Debug)]
pub struct ExternalEmitter {
    /// The format name.
    pub name: String,
    /// The program and its leading arguments.
    pub command: Vec<String>,
    /// The folder it runs in.
    pub dir: PathBuf,
    /// The extension of its file.
    pub extension: String,
    /// Seconds it may take.
    pub timeout: Duration,
    /// Where the build writes (its temporary file goes here).
    pub out_dir: PathBuf,
    /// What it printed on stderr in a run that succeeded: its diagnostics (warnings) and
    /// other lines, for the build to show.
    reported: std::sync::Mutex<(Vec<ExternalDiagnostic>, Vec<String>)>,
}

/// Why an external emitter could not be used.
#[derive(Debug, thiserror::Error)]
pub enum ExternalError {
    /// The program could not be started.
    #[error("cannot run {program:?}: {source}")]
    Spawn {
        /// The program.
        program: String,
        /// Why.
        source: std::io::Error,
    },
    /// The handshake failed or named other versions.
    #[error("{0}")]
    Handshake(String),
}

impl ExternalEmitter {
    /// The emitter for `name`: the manuscript's declaration (run in `manuscript`), else
    /// `supplement-emit-NAME` on `PATH`; `None` when there is neither.
    pub fn resolve(
        name: &str,
        declared: &[DeclaredEmitter],
        manuscript: &Path,
        out_dir: &Path,
    ) -> Option<ExternalEmitter> {
        if let Some(d) = declared.iter().find(|d| d.name.value == name) {
            // Absolute, so the program's path and its working folder agree.
            let manuscript =
                &std::path::absolute(manuscript).unwrap_or_else(|_| manuscript.to_path_buf());
            return Some(ExternalEmitter {
                name: name.to_string(),
                command: d
                    .command
                    .iter()
                    .enumerate()
                    .map(|(i, c)| {
                        // A program given as a relative path is the manuscript's own.
                        let is_relative_path =
                            i == 0 && c.value.contains('/') && Path::new(&c.value).is_relative();
                        if is_relative_path {
                            manuscript.join(&c.value).to_string_lossy().into_owned()
                        } else {
                            c.value.clone()
                        }
                    })
                    .collect(),
                dir: manuscript.to_path_buf(),
                extension: d.extension.value.clone(),
                timeout: Duration::from_secs(d.timeout_s),
                out_dir: out_dir.to_path_buf(),
                reported: Default::default(),
            });
        }
        if !name
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_')
        {
            return None;
        }
        let program = on_path(&format!("{PREFIX}{name}"))?;
        Some(ExternalEmitter {
            name: name.to_string(),
            command: vec![program.to_string_lossy().into_owned()],
            dir: std::env::current_dir().unwrap_or_default(),
            extension: name.to_string(),
            timeout: Duration::from_secs(60),
            out_dir: out_dir.to_path_buf(),
            reported: Default::default(),
        })
    }

    /// The warnings and other lines it printed in a run that succeeded (taken once).
    pub fn take_reported(&self) -> (Vec<ExternalDiagnostic>, Vec<String>) {
        self.reported
            .lock()
            .map(|mut r| std::mem::take(&mut *r))
            .unwrap_or_default()
    }

    fn command(&self) -> Command {
        let mut cmd = Command::new(&self.command[0]);
        cmd.args(&self.command[1..]).current_dir(&self.dir);
        cmd
    }

    /// Asks the program which protocol versions it speaks; an error unless it speaks ours.
    pub fn handshake(&self) -> Result<(), ExternalError> {
        if self.command.is_empty() {
            return Err(ExternalError::Handshake(format!(
                "the emitter {:?} has an empty command",
                self.name
            )));
        }
        let mut cmd = self.command();
        cmd.arg("--supplement-protocol")
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped());
        let (status, stdout, stderr) =
            run(cmd, None, Duration::from_secs(HANDSHAKE_S)).map_err(|source| {
                ExternalError::Spawn {
                    program: self.command[0].clone(),
                    source,
                }
            })?;
        let Some(status) = status else {
            return Err(ExternalError::Handshake(format!(
                "the emitter {:?} did not answer the handshake (`--supplement-protocol`) within {HANDSHAKE_S} s",
                self.name
            )));
        };
        if !status.success() {
            return Err(ExternalError::Handshake(format!(
                "the emitter {:?} failed the handshake (`--supplement-protocol`, {status}): {}",
                self.name,
                first_line(&stderr)
            )));
        }
        let versions: Vec<u32> = String::from_utf8_lossy(&stdout)
            .split(|c: char| c == ',' || c.is_whitespace())
            .filter_map(|v| v.trim().parse().ok())
            .collect();
        if versions.contains(&PROTOCOL) {
            Ok(())
        } else if versions.is_empty() {
            Err(ExternalError::Handshake(format!(
                "the emitter {:?} named no protocol version in its handshake; supplement speaks protocol {PROTOCOL}",
                self.name
            )))
        } else {
            let list: Vec<String> = versions.iter().map(u32::to_string).collect();
            Err(ExternalError::Handshake(format!(
                "the emitter {:?} speaks protocol {}; this supplement speaks protocol {PROTOCOL}: update one of them",
                self.name,
                list.join(", ")
            )))
        }
    }
}

impl Emitter for ExternalEmitter {
    fn name(&self) -> &str {
        &self.name
    }

    fn description(&self) -> &'static str {
        "external emitter"
    }

    fn in_all(&self) -> bool {
        false
    }

    fn render(
        &self,
        view: &DocumentView,
        _styles: &Styles,
        _options: &RenderOptions,
    ) -> Result<Vec<OutputFile>, EmitError> {
        let name = &self.name;
        let fail = |message: String, diagnostics: Vec<ExternalDiagnostic>| EmitError::External {
            name: name.clone(),
            message,
            diagnostics,
        };
        self.handshake()
            .map_err(|e| fail(e.to_string(), Vec::new()))?;
        // Absolute, since the program runs in another folder.
        let out_dir = std::path::absolute(&self.out_dir).unwrap_or_else(|_| self.out_dir.clone());
        std::fs::create_dir_all(&out_dir).map_err(|e| {
            fail(
                format!(
                    "the external emitter {name:?} cannot have its output folder {}: {e}",
                    out_dir.display()
                ),
                Vec::new(),
            )
        })?;
        static COUNTER: AtomicUsize = AtomicUsize::new(0);
        let temp = out_dir.join(format!(
            ".{}.{}.{}.external-tmp",
            self.name,
            std::process::id(),
            COUNTER.fetch_add(1, Ordering::SeqCst)
        ));
        let input = serde_json::to_vec(&Envelope {
            protocol: PROTOCOL,
            generator: format!("supplement {}", env!("CARGO_PKG_VERSION")),
            view,
        })
        .map_err(|e| {
            fail(
                format!("the view cannot be written as JSON for {name:?}: {e}"),
                Vec::new(),
            )
        })?;
        let mut cmd = self.command();
        cmd.arg("--output")
            .arg(&temp)
            .arg("--protocol")
            .arg(PROTOCOL.to_string())
            .stdin(Stdio::piped())
            .stdout(Stdio::null())
            .stderr(Stdio::piped());
        let outcome = run(cmd, Some(input), self.timeout);
        let cleanup = || {
            let _ = std::fs::remove_file(&temp);
        };
        let (status, _, stderr) = match outcome {
            Ok(o) => o,
            Err(e) => {
                cleanup();
                return Err(fail(
                    format!(
                        "the external emitter {name:?} cannot run {:?}: {e}",
                        self.command[0]
                    ),
                    Vec::new(),
                ));
            }
        };
        let (diagnostics, plain) = parse_stderr(&stderr);
        let Some(status) = status else {
            cleanup();
            return Err(fail(
                format!(
                    "the external emitter {name:?} did not finish within {} s and was stopped (raise `timeout_s` under [emitters.{name}] if it needs longer)",
                    self.timeout.as_secs()
                ),
                diagnostics,
            ));
        };
        if !status.success() || diagnostics.iter().any(|d| d.severity == "error") {
            cleanup();
            let mut detail = plain
                .iter()
                .take(10)
                .cloned()
                .collect::<Vec<_>>()
                .join(" / ");
            if plain.len() > 10 {
                detail.push_str(" / …");
            }
            let what = if status.success() {
                "reported errors".to_string()
            } else {
                format!("failed ({status})")
            };
            let detail = if detail.is_empty() {
                detail
            } else {
                format!(": {detail}")
            };
            return Err(fail(
                format!("the external emitter {name:?} {what}{detail}"),
                diagnostics,
            ));
        }
        let size = std::fs::metadata(&temp).map(|m| m.len()).unwrap_or(0);
        if size > OUTPUT_MAX {
            cleanup();
            return Err(fail(
                format!(
                    "the external emitter {name:?} wrote {size} bytes; the limit is {OUTPUT_MAX}"
                ),
                diagnostics,
            ));
        }
        let bytes = std::fs::read(&temp);
        cleanup();
        if let Ok(mut reported) = self.reported.lock() {
            *reported = (diagnostics.clone(), plain);
        }
        let bytes = bytes.map_err(|e| {
            fail(
                format!(
                    "the external emitter {name:?} exited 0 but wrote no file to --output ({e})"
                ),
                diagnostics.clone(),
            )
        })?;
        Ok(vec![OutputFile {
            name: format!("{}.{}", view.id, self.extension),
            bytes,
        }])
    }
}

/// Runs a command, feeding it `input`, within `timeout`: its status (`None` when it was
/// stopped for taking too long), stdout and stderr (each cut at [`STDERR_MAX`] bytes, but
/// read to the end so the program never blocks on a full pipe).
///
/// The program runs in a process group of its own, and the whole group is killed at the
/// time limit, so a shell script's children go too. Its pipes are read for at most
/// [`DRAIN_S`] seconds after it exits: a child it left running with the pipes open does
/// not hold up the build.
fn run(
    mut cmd: Command,
    input: Option<Vec<u8>>,
    timeout: Duration,
) -> std::io::Result<(Option<std::process::ExitStatus>, Vec<u8>, Vec<u8>)> {
    #[cfg(unix)]
    {
        use std::os::unix::process::CommandExt;
        cmd.process_group(0);
    }
    let mut child = cmd.spawn()?;
    if let (Some(bytes), Some(mut stdin)) = (input, child.stdin.take()) {
        // Not joined: it ends when the program reads everything or its end of the pipe
        // closes. A program that stops reading early is not an error of ours.
        std::thread::spawn(move || {
            let _ = stdin.write_all(&bytes);
        });
    }
    let (tx, rx) = std::sync::mpsc::channel::<(usize, Vec<u8>)>();
    let pipes: [Option<Box<dyn Read + Send>>; 2] = [
        child
            .stdout
            .take()
            .map(|p| Box::new(p) as Box<dyn Read + Send>),
        child
            .stderr
            .take()
            .map(|p| Box::new(p) as Box<dyn Read + Send>),
    ];
    for (i, pipe) in pipes.into_iter().enumerate() {
        let tx = tx.clone();
        std::thread::spawn(move || {
            let mut kept = Vec::new();
            if let Some(mut pipe) = pipe {
                let mut buf = [0u8; 8192];
                while let Ok(n @ 1..) = pipe.read(&mut buf) {
                    let room = STDERR_MAX.saturating_sub(kept.len());
                    kept.extend_from_slice(&buf[..n.min(room)]);
                }
            }
            let _ = tx.send((i, kept));
        });
    }
    drop(tx);
    let start = Instant::now();
    let status = loop {
        if let Some(status) = child.try_wait()? {
            break Some(status);
        }
        if start.elapsed() >= timeout {
            kill_group(&mut child);
            let _ = child.wait();
            break None;
        }
        std::thread::sleep(Duration::from_millis(5));
    };
    let mut out = [Vec::new(), Vec::new()];
    let deadline = Instant::now() + Duration::from_secs(DRAIN_S);
    for _ in 0..2 {
        match rx.recv_timeout(deadline.saturating_duration_since(Instant::now())) {
            Ok((i, bytes)) => out[i] = bytes,
            Err(_) => break,
        }
    }
    let [stdout, stderr] = out;
    Ok((status, stdout, stderr))
}

/// Kills the program and every process of its group.
fn kill_group(child: &mut std::process::Child) {
    #[cfg(unix)]
    if let Ok(pid) = i32::try_from(child.id()) {
        // SAFETY: kill(2) with a negative pid signals the process group the program leads
        // (it was spawned with process_group(0)); no memory is touched.
        unsafe {
            libc::kill(-pid, libc::SIGKILL);
        }
    }
    let _ = child.kill();
}

/// Splits stderr into JSON diagnostics and plain lines.
fn parse_stderr(stderr: &[u8]) -> (Vec<ExternalDiagnostic>, Vec<String>) {
    let text = String::from_utf8_lossy(stderr);
    let mut diagnostics = Vec::new();
    let mut plain = Vec::new();
    for line in text.lines().map(str::trim).filter(|l| !l.is_empty()) {
        match serde_json::from_str::<ExternalDiagnostic>(line) {
            Ok(d) if line.starts_with('{') => diagnostics.push(d),
            _ => plain.push(line.chars().filter(|c| !c.is_control()).collect()),
        }
    }
    (diagnostics, plain)
}

fn first_line(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes)
        .lines()
        .next()
        .unwrap_or_default()
        .chars()
        .filter(|c| !c.is_control())
        .collect()
}

/// The file `name` in a folder of `PATH`, when it is there and executable.
fn on_path(name: &str) -> Option<PathBuf> {
    let path = std::env::var_os("PATH")?;
    std::env::split_paths(&path)
        .map(|dir| dir.join(name))
        .find(|p| is_executable(p))
}

fn is_executable(path: &Path) -> bool {
    let Ok(meta) = std::fs::metadata(path) else {
        return false;
    };
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        meta.is_file() && meta.permissions().mode() & 0o111 != 0
    }
    #[cfg(not(unix))]
    {
        meta.is_file()
    }
}

/// The external emitters on `PATH`: (format name, program), sorted by name.
pub fn on_path_all() -> Vec<(String, PathBuf)> {
    let Some(path) = std::env::var_os("PATH") else {
        return Vec::new();
    };
    let mut found: Vec<(String, PathBuf)> = Vec::new();
    for dir in std::env::split_paths(&path) {
        let Ok(entries) = std::fs::read_dir(&dir) else {
            continue;
        };
        for entry in entries.flatten().take(10_000) {
            let file = entry.file_name().to_string_lossy().into_owned();
            if let Some(name) = file.strip_prefix(PREFIX) {
                if !name.is_empty()
                    && is_executable(&entry.path())
                    && !found.iter().any(|(n, _)| n == name)
                {
                    found.push((name.to_string(), entry.path()));
                }
            }
        }
    }
    found.sort();
    found
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn stderr_lines_are_diagnostics_or_text() {
        // Intent: JSON objects with a message are diagnostics; anything else is kept as text,
        // without control characters.
        let (d, plain) = parse_stderr(
            b"{\"message\":\"no title\",\"file\":\"parts/01.toml\",\"line\":3}\nwarming up\x1b[2J\n{not json\n",
        );
        assert_eq!(d.len(), 1);
        assert_eq!(d[0].severity, "error");
        assert_eq!(d[0].line, Some(3));
        assert_eq!(plain, ["warming up[2J", "{not json"]);
    }
}
