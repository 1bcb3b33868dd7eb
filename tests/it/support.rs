//! Helpers shared by the integration tests: run the binary, find the repository's folders.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

/// The repository root.
pub fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// Runs the `supplement` binary with `args` in `cwd`.
pub fn run(cwd: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_supplement"))
        .args(args)
        .current_dir(cwd)
        .env_remove("SOURCE_DATE_EPOCH")
        .env("NO_COLOR", "1")
        .output()
        .expect("the supplement binary runs")
}

/// A fresh, empty temporary folder under the target directory.
pub fn temp_dir(name: &str) -> PathBuf {
    let dir = root()
        .join("target")
        .join("test-tmp")
        .join(format!("{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).expect("temp dir");
    dir
}

/// Copies a folder tree.
pub fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).expect("create");
    for entry in std::fs::read_dir(from).expect("read_dir") {
        let entry = entry.expect("entry");
        let target = to.join(entry.file_name());
        if entry.file_type().expect("type").is_dir() {
            copy_dir(&entry.path(), &target);
        } else {
            std::fs::copy(entry.path(), &target).expect("copy");
        }
    }
}

/// Exit code of a finished process.
pub fn code(output: &Output) -> i32 {
    output.status.code().unwrap_or(-1)
}

/// Stdout and stderr as text.
pub fn text(output: &Output) -> (String, String) {
    (
        String::from_utf8_lossy(&output.stdout).into_owned(),
        String::from_utf8_lossy(&output.stderr).into_owned(),
    )
}

/// Builds one format of a manuscript (a path relative to the repository) into a fresh
/// folder and returns the path of the file it wrote.
pub fn build_format(manuscript: &Path, format: &str, name: &str) -> PathBuf {
    let dir = temp_dir(name);
    let out = run(
        &root(),
        &[
            "build",
            "--manuscript",
            manuscript.to_str().expect("utf8"),
            "--format",
            format,
            "--out",
            dir.to_str().expect("utf8"),
        ],
    );
    assert_eq!(code(&out), 0, "{}", text(&out).1);
    std::fs::read_dir(&dir)
        .expect("out")
        .map(|e| e.expect("entry").path())
        .find(|p| p.extension().is_some_and(|e| e == format))
        .unwrap_or_else(|| panic!("no .{format} was written"))
}

/// A fresh copy of examples/minimal: (the work folder, the manuscript folder `work/m`).
pub fn minimal_copy(name: &str) -> (PathBuf, PathBuf) {
    let work = temp_dir(name);
    let m = work.join("m");
    copy_dir(&root().join("examples/minimal"), &m);
    (work, m)
}

/// The diagnostics of a `--message-format json` run: the records whose `reason` is
/// `diagnostic` (every line of stdout must be JSON).
pub fn diagnostics(stdout: &str) -> Vec<serde_json::Value> {
    json_records(stdout)
        .into_iter()
        .filter(|v| v["reason"] == "diagnostic")
        .collect()
}

/// Every line of a `--message-format json` run's stdout, parsed (panics on a line that is
/// not JSON).
pub fn json_records(stdout: &str) -> Vec<serde_json::Value> {
    stdout
        .lines()
        .map(|l| serde_json::from_str(l).unwrap_or_else(|e| panic!("not JSON ({e}): {l}")))
        .collect()
}

/// A copy of examples/minimal whose revision point's body is `body` (written as a literal
/// multi-line string, so its first line is line 12 of `parts/01-part1.toml`): (the work
/// folder, the manuscript folder `work/m`).
pub fn minimal_with_body(name: &str, body: &str) -> (PathBuf, PathBuf) {
    let (work, m) = minimal_copy(name);
    let part = m.join("parts/01-part1.toml");
    let text = std::fs::read_to_string(&part).expect("part");
    let text = text.replace(
        "body = \"古い用語を新しい用語に置き換える。\"",
        &format!("body = '''\n{body}'''"),
    );
    std::fs::write(&part, text).expect("write");
    (work, m)
}

/// Appends `text` to a file of the manuscript.
pub fn append(path: &Path, text: &str) {
    let mut old = std::fs::read_to_string(path).expect("read");
    old.push_str(text);
    std::fs::write(path, old).expect("write");
}

/// Runs `check --message-format json` on `work/m`: the exit code and the diagnostics.
pub fn check_json(work: &Path) -> (i32, Vec<serde_json::Value>) {
    let out = run(
        work,
        &["check", "--manuscript", "m", "--message-format", "json"],
    );
    (code(&out), diagnostics(&text(&out).0))
}

/// Runs the binary with `args` in `cwd`, killing it and failing the test if it has not
/// finished after `secs` seconds (for inputs that used to make it hang).
pub fn run_within(cwd: &Path, args: &[&str], secs: u64) -> Output {
    let mut child = Command::new(env!("CARGO_BIN_EXE_supplement"))
        .args(args)
        .current_dir(cwd)
        .env_remove("SOURCE_DATE_EPOCH")
        .env("NO_COLOR", "1")
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .expect("the supplement binary runs");
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(secs);
    while child.try_wait().expect("wait").is_none() {
        if std::time::Instant::now() > deadline {
            let _ = child.kill();
            let _ = child.wait();
            panic!(
                "`supplement {}` did not finish within {secs} s",
                args.join(" ")
            );
        }
        std::thread::sleep(std::time::Duration::from_millis(20));
    }
    child.wait_with_output().expect("output")
}

/// A real client (or validator) that a test needs is missing. Under `CI=true` that fails
/// the test (CI installs every client, so a missing one is a broken set-up); elsewhere the
/// test says so on the terminal — written past cargo's output capture, so it shows in the
/// test run's output — and checks what it can without it.
pub fn client_missing(test: &str, why: &str) {
    use std::io::Write as _;
    if std::env::var("CI").is_ok_and(|v| v == "true") {
        panic!("{test}: {why} (.ci/run installs it)");
    }
    let _ = writeln!(
        std::io::stderr(),
        "\nSKIPPED {test}: {why} (.ci/run installs it; under CI=true this fails)"
    );
}

/// Runs one of the repository's real-client checkers (`tools/docx-check`,
/// `tools/html-check`) on `args`, allowing missing clients: what it skipped is reported
/// through [`client_missing`] (a failure under CI=true), and any check that ran must pass.
/// Returns the checker's report.
pub fn run_checker(test: &str, tool: &str, args: &[&std::ffi::OsStr]) -> String {
    let out = Command::new("python3")
        .arg(root().join("tools").join(tool))
        .arg("--allow-missing")
        .args(args)
        .output();
    let out = match out {
        Ok(out) => out,
        Err(e) => {
            client_missing(test, &format!("python3 cannot run ({e})"));
            return String::new();
        }
    };
    let report = format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    for line in report.lines() {
        if let Some(what) = line.strip_prefix("SKIPPED ") {
            client_missing(test, what);
        }
    }
    assert!(out.status.success(), "{tool} failed:\n{report}");
    report
}
