//! Every validation rule has a fixture folder `tests/fixtures/invalid/<rule>/`: a manuscript
//! that breaks the rule, with `expected.txt` beside it listing the diagnostics it must give,
//! one per line: `severity[code] file:line:column: message`.

use std::path::Path;

use crate::support::{code, diagnostics, root, run, text};

fn expected(dir: &Path) -> Vec<String> {
    let text = std::fs::read_to_string(dir.join("expected.txt"))
        .unwrap_or_else(|e| panic!("{}: no expected.txt: {e}", dir.display()));
    text.lines()
        .map(str::trim_end)
        .filter(|l| !l.is_empty() && !l.starts_with('#'))
        .map(str::to_string)
        .collect()
}

fn json_lines(stdout: &str) -> Vec<String> {
    diagnostics(stdout)
        .iter()
        .map(|v| {
            format!(
                "{}[{}] {}:{}:{}: {}",
                v["severity"].as_str().expect("severity"),
                v["code"].as_str().expect("code"),
                v["file"].as_str().expect("file"),
                v["line"],
                v["column"],
                v["message"].as_str().expect("message"),
            )
        })
        .collect()
}

fn fixture_dirs() -> Vec<std::path::PathBuf> {
    let base = root().join("tests/fixtures/invalid");
    let mut dirs: Vec<_> = std::fs::read_dir(&base)
        .expect("fixtures folder")
        .map(|e| e.expect("entry").path())
        .filter(|p| p.is_dir())
        .collect();
    dirs.sort();
    dirs
}

#[test]
fn every_fixture_gives_its_diagnostics_in_json() {
    // Intent: each rule's message and location, exactly, and the exit code that goes with it.
    let dirs = fixture_dirs();
    assert!(
        dirs.len() >= 30,
        "expected a fixture per rule, found {}",
        dirs.len()
    );
    let mut failures = Vec::new();
    for dir in &dirs {
        let want = expected(dir);
        assert!(
            !want.is_empty(),
            "{}: expected.txt lists nothing",
            dir.display()
        );
        let out = run(
            dir,
            &["check", "--manuscript", ".", "--message-format", "json"],
        );
        let got = json_lines(&text(&out).0);
        let rule = dir.file_name().and_then(|n| n.to_str()).unwrap_or_default();
        if got != want {
            failures.push(format!(
                "{rule}:\n  want:\n    {}\n  got:\n    {}",
                want.join("\n    "),
                got.join("\n    ")
            ));
            continue;
        }
        assert!(
            want.iter().any(|l| l.contains(&format!("[{rule}]"))),
            "{rule}: the fixture does not trigger its own rule"
        );
        let has_error = want.iter().any(|l| l.starts_with("error["));
        let expected_code = if has_error { 1 } else { 0 };
        if code(&out) != expected_code {
            failures.push(format!(
                "{rule}: exit {} (want {expected_code})",
                code(&out)
            ));
        }
        if !has_error {
            let strict = run(dir, &["check", "--manuscript", ".", "--deny-warnings"]);
            if code(&strict) != 1 {
                failures.push(format!(
                    "{rule}: --deny-warnings exit {} (want 1)",
                    code(&strict)
                ));
            }
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

#[test]
fn every_fixture_gives_its_diagnostics_in_human_form() {
    // Intent: the human form names the same file:line:column and message, rustc style.
    for dir in fixture_dirs() {
        let out = run(&dir, &["check", "--manuscript", "."]);
        let stderr = text(&out).1;
        for line in expected(&dir) {
            let (head, message) = line
                .split_once(": ")
                .expect("severity[code] location: message");
            let (severity_code, location) = head.split_once(' ').expect("location");
            assert!(
                stderr.contains(&format!("{severity_code}: {message}")),
                "{}: human output lacks {severity_code}: {message}\n{stderr}",
                dir.display()
            );
            assert!(
                stderr.contains(&format!("┌─ {location}"))
                    || stderr.contains(&format!("--> {location}")),
                "{}: human output lacks location {location}\n{stderr}",
                dir.display()
            );
        }
    }
}
