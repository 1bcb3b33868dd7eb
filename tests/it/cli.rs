//! The command layer: finding the manuscript, clean streams (JSON only on stdout), the
//! GitHub form, `--deny-warnings`, `-q`/`-v`, `--color`, and I/O errors with their causes.

use std::path::Path;

use crate::support::{code, copy_dir, json_records, minimal_copy, root, run, temp_dir, text};

#[test]
fn the_manuscript_is_found_from_a_sub_folder_like_cargo_finds_its_manifest() {
    // Intent: no DIR: the current folder, else ./manuscript, else the nearest parent.
    let (work, m) = minimal_copy("locate-sub");
    let out = run(&m.join("parts"), &["check"]);
    assert_eq!(code(&out), 0, "{}", text(&out).1);
    assert!(text(&out).1.contains("..: ok"), "{}", text(&out).1);

    let out = run(&m, &["check"]);
    assert!(text(&out).1.contains(".: ok"), "{}", text(&out).1);

    copy_dir(&m, &work.join("manuscript"));
    let out = run(&work, &["check", "-v"]);
    let stderr = text(&out).1;
    assert!(stderr.contains("manuscript: manuscript"), "{stderr}");
    assert!(stderr.contains("manuscript: ok"), "{stderr}");

    let out = run(&work, &["check", "m"]);
    assert!(text(&out).1.contains("m: ok"), "{}", text(&out).1);
}

#[test]
fn a_manuscript_that_is_not_there_is_a_usage_error_naming_dash_m() {
    // Intent: the exact messages for a file, a folder without supplement.toml, and nothing
    // found, each with a hint naming `-m`, exit 2.
    let (work, m) = minimal_copy("locate-bad");
    let cases: [(&Path, &[&str], &str); 4] = [
        (
            &work,
            &["check", "-m", "m/supplement.toml"],
            "error: `m/supplement.toml` is not a folder\n  = hint: name the folder, not the file: `-m m`\n",
        ),
        (
            &work,
            &["build", "m/parts"],
            "error: no supplement.toml in `m/parts`: it is not a manuscript folder\n  = hint: name the folder that holds supplement.toml with `-m DIR`, or start a manuscript there with `supplement init m/parts`\n",
        ),
        (
            &work,
            &["check", "nowhere"],
            "error: manuscript folder `nowhere` does not exist\n  = hint: name the folder that holds supplement.toml with `-m DIR`, or start one with `supplement init DIR`\n",
        ),
        (
            Path::new("/"),
            &["check"],
            "error: no supplement.toml here: not in the current folder, nor in ./manuscript, nor in any parent folder\n  = hint: run inside a manuscript folder, name one (`supplement check DIR` or `-m DIR`), or start one with `supplement init DIR`\n",
        ),
    ];
    for (cwd, args, want) in cases {
        let out = run(cwd, args);
        assert_eq!(code(&out), 2, "{args:?}");
        assert_eq!(text(&out).1, want, "{args:?}");
        assert!(text(&out).0.is_empty(), "{args:?}");
    }
    assert!(m.is_dir());
}

#[test]
fn build_json_stdout_is_only_json_lines_with_a_record_per_file() {
    // Intent: `build --message-format json | jq` parses every line: diagnostics, one
    // `output` record per written file (path and bytes), and a `finished` record.
    let (work, _) = minimal_copy("streams-json");
    let out = run(
        &work,
        &["build", "m", "--message-format", "json", "--out", "o"],
    );
    assert_eq!(code(&out), 0, "{}", text(&out).1);
    let records = json_records(&text(&out).0);
    let outputs: Vec<&serde_json::Value> =
        records.iter().filter(|r| r["reason"] == "output").collect();
    assert_eq!(outputs.len(), 3, "{records:?}");
    for record in &outputs {
        let path = work.join(record["path"].as_str().expect("path"));
        let bytes = std::fs::metadata(&path).expect("written").len();
        assert_eq!(record["bytes"].as_u64(), Some(bytes));
    }
    let last = records.last().expect("records");
    assert_eq!(last["reason"], "finished");
    assert_eq!(last["success"], true);
    assert!(!text(&out).1.contains("wrote"), "{}", text(&out).1);
}

#[test]
fn human_progress_goes_to_stderr_and_quiet_silences_it() {
    // Intent: stdout stays empty in the human form; `-q` drops the progress lines.
    let dir = temp_dir("streams-human");
    let m = root().join("examples/full");
    let args = ["build", m.to_str().expect("utf8"), "-o"];
    let out = run(&dir, &[&args[..], &["o"]].concat());
    assert_eq!(code(&out), 0);
    assert!(text(&out).0.is_empty(), "{}", text(&out).0);
    assert!(text(&out).1.contains("wrote o/"), "{}", text(&out).1);
    let quiet = run(&dir, &[&args[..], &["o", "-q"]].concat());
    assert_eq!(code(&quiet), 0);
    assert!(!text(&quiet).1.contains("wrote"), "{}", text(&quiet).1);
    assert!(!text(&quiet).1.contains("warnings"), "{}", text(&quiet).1);
    assert!(
        text(&quiet).1.contains("warning[unassigned-owner]"),
        "-q keeps the diagnostics: {}",
        text(&quiet).1
    );
}

#[test]
fn github_annotations_carry_the_range_and_related_locations() {
    // Intent: endLine/endColumn on every annotation, and "first defined here" as a notice.
    let dir = root().join("tests/fixtures/invalid/duplicate-id");
    let out = run(&dir, &["check", ".", "--message-format", "github"]);
    assert_eq!(code(&out), 1);
    let stdout = text(&out).0;
    let lines: Vec<&str> = stdout.lines().collect();
    assert!(
        lines[0].starts_with(
            "::error file=parts/01-part1.toml,line=16,endLine=16,col=6,endColumn=18,title=duplicate-id::"
        ),
        "{stdout}"
    );
    assert!(
        lines[1].starts_with("::notice file=parts/01-part1.toml,line=")
            && lines[1].contains("title=duplicate-id::"),
        "{stdout}"
    );
}

#[test]
fn deny_warnings_says_it_turned_warnings_into_failure() {
    // Intent: the failure names its cause instead of a bare count.
    let out = run(&root(), &["check", "examples/full", "--deny-warnings"]);
    assert_eq!(code(&out), 1);
    assert!(
        text(&out)
            .1
            .contains("error: --deny-warnings turned 1 warning into a failure"),
        "{}",
        text(&out).1
    );
}

#[test]
fn color_is_chosen_by_the_flag_and_no_color() {
    // Intent: `--color always` colours even off a terminal; `never` and NO_COLOR do not.
    let always = run(&root(), &["check", "examples/full", "--color", "always"]);
    assert!(text(&always).1.contains("\u{1b}["), "{}", text(&always).1);
    let never = run(&root(), &["check", "examples/full", "--color", "never"]);
    assert!(!text(&never).1.contains('\u{1b}'));
}

#[test]
fn an_output_that_cannot_be_written_names_the_file_and_its_cause() {
    // Intent: "cannot write <path>: caused by: <the system's reason>", exit 2.
    let (work, _) = minimal_copy("write-cause");
    std::fs::write(work.join("taken"), "a file").expect("write");
    let out = run(&work, &["build", "m", "-f", "changelog", "-o", "taken/o"]);
    assert_eq!(code(&out), 2);
    let stderr = text(&out).1;
    assert!(
        stderr.contains("error: cannot write taken/o: caused by: "),
        "{stderr}"
    );
}

#[test]
fn completions_and_the_man_page_come_from_the_parser() {
    // Intent: every shell's script and the man page name every command; an unknown shell
    // is a usage error.
    let commands = [
        "build",
        "check",
        "serve",
        "formats",
        "schema",
        "init",
        "completions",
        "man",
    ];
    for shell in ["bash", "zsh", "fish", "elvish", "powershell"] {
        let out = run(&root(), &["completions", shell]);
        assert_eq!(code(&out), 0, "{shell}");
        let script = text(&out).0;
        for command in commands {
            assert!(script.contains(command), "{shell} lacks {command}");
        }
        assert!(script.contains("message-format"), "{shell} lacks the flags");
    }
    assert_eq!(code(&run(&root(), &["completions", "tcsh"])), 2);
    let out = run(&root(), &["man"]);
    assert_eq!(code(&out), 0);
    let page = text(&out).0;
    assert!(page.contains(".TH supplement 1"), "{page}");
    for command in commands {
        assert!(
            page.contains(&format!("supplement\\-{command}")) || page.contains(command),
            "{command}"
        );
    }
}

#[test]
fn the_ci_workflow_example_caches_a_binary_with_least_permissions_and_runs() {
    // Intent: examples/ci/supplement.yml reads only, caches the built binary (exactly)
    // and cargo's build (with restore keys), and the commands it runs work as written.
    let yml = std::fs::read_to_string(root().join("examples/ci/supplement.yml")).expect("yml");
    assert!(yml.contains("\npermissions:\n  contents: read\n"), "{yml}");
    assert!(yml.contains("path: ~/.local/bin/supplement"), "{yml}");
    assert!(yml.contains("restore-keys:"), "{yml}");
    assert!(
        yml.contains("if: steps.binary.outputs.cache-hit != 'true'"),
        "{yml}"
    );
    let out_dir = temp_dir("ci-example");
    let mut ran = 0;
    for line in yml.lines() {
        let Some((_, command)) = line.split_once("\"$HOME/.local/bin/supplement\" ") else {
            continue;
        };
        let command = command.split('>').next().unwrap_or_default().trim();
        let command = command.replace("--out out", &format!("--out {}", out_dir.display()));
        let args: Vec<&str> = command.split_whitespace().collect();
        let out = run(&root(), &args);
        assert_eq!(code(&out), 0, "{command}: {}", text(&out).1);
        if command.contains("--message-format json") {
            assert!(json_records(&text(&out).0)
                .iter()
                .any(|r| r["reason"] == "output"));
        }
        ran += 1;
    }
    assert_eq!(ran, 2, "the example runs check and build");
}
