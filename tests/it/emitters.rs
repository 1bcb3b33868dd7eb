//! External emitters and the view as JSON: `dump`, the published schema, the protocol
//! (handshake, stdin, `--output`, diagnostics, time limit), the all-or-nothing commit, and
//! the two example emitters in examples/emitters/.

#![cfg(unix)]

use std::os::unix::fs::PermissionsExt;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use supplement::view::DocumentView;

use crate::support::{append, code, minimal_copy, root, run, temp_dir, text};

/// Runs the binary with `PATH` starting with `dirs`.
fn run_with_path(cwd: &Path, dirs: &[&Path], args: &[&str]) -> Output {
    let mut path: Vec<PathBuf> = dirs.iter().map(|d| d.to_path_buf()).collect();
    path.extend(std::env::split_paths(
        &std::env::var_os("PATH").unwrap_or_default(),
    ));
    Command::new(env!("CARGO_BIN_EXE_supplement"))
        .args(args)
        .current_dir(cwd)
        .env("PATH", std::env::join_paths(path).expect("PATH"))
        .env_remove("SOURCE_DATE_EPOCH")
        .env("NO_COLOR", "1")
        .output()
        .expect("the supplement binary runs")
}

/// Writes an executable shell script.
fn script(path: &Path, body: &str) {
    std::fs::write(path, format!("#!/bin/sh\n{body}\n")).expect("write script");
    std::fs::set_permissions(path, std::fs::Permissions::from_mode(0o755)).expect("chmod");
}

/// True when `python3` runs; a CI run must have it (the example emitter is Python).
fn have_python() -> bool {
    let ok = Command::new("python3")
        .arg("--version")
        .output()
        .is_ok_and(|o| o.status.success());
    assert!(
        ok || std::env::var_os("CI").is_none(),
        "CI must have python3 for the example emitter"
    );
    if !ok {
        eprintln!("skipped: python3 is not installed");
    }
    ok
}

/// The files of a folder with their bytes, sorted by name.
fn snapshot(dir: &Path) -> Vec<(String, Vec<u8>)> {
    let mut files: Vec<(String, Vec<u8>)> = std::fs::read_dir(dir)
        .expect("read_dir")
        .map(|e| e.expect("entry"))
        .filter(|e| e.file_type().is_ok_and(|t| t.is_file()))
        .map(|e| {
            (
                e.file_name().to_string_lossy().into_owned(),
                std::fs::read(e.path()).expect("read"),
            )
        })
        .collect();
    files.sort();
    files
}

/// The document view of a manuscript, through `dump` (and back into the crate's type).
fn dump_view(manuscript: &Path) -> (serde_json::Value, DocumentView) {
    let out = run(
        &root(),
        &["dump", "--manuscript", manuscript.to_str().expect("utf8")],
    );
    assert_eq!(code(&out), 0, "{}", text(&out).1);
    let value: serde_json::Value = serde_json::from_slice(&out.stdout).expect("dump is JSON");
    let view: DocumentView =
        serde_json::from_slice(&out.stdout).expect("dump reads back as the view");
    (value, view)
}

#[test]
fn the_view_schema_matches_its_published_snapshot() {
    // Intent: the schema is a published contract; any change to it is a visible diff in
    // schema/view.schema.json. Regenerate with UPDATE_SNAPSHOTS=1 cargo test and read the
    // diff: a removed or retyped field is a breaking change and raises the view's version.
    let out = run(&root(), &["schema", "--view"]);
    assert_eq!(code(&out), 0, "{}", text(&out).1);
    let path = root().join("schema/view.schema.json");
    if std::env::var_os("UPDATE_SNAPSHOTS").is_some() {
        std::fs::write(&path, &out.stdout).expect("write schema");
    }
    let want = std::fs::read_to_string(&path).expect("schema/view.schema.json");
    let got = String::from_utf8(out.stdout).expect("utf8");
    assert!(
        got == want,
        "`supplement schema --view` differs from schema/view.schema.json (UPDATE_SNAPSHOTS=1 to accept, then review the diff)"
    );
    let schema: serde_json::Value = serde_json::from_str(&got).expect("schema is JSON");
    assert_eq!(
        schema["properties"]["version"]["const"],
        serde_json::json!(supplement::view::VERSION)
    );
}

#[test]
fn the_schema_validates_the_dumped_view_of_every_bundled_manuscript() {
    // Intent: the published schema describes what `dump` prints, for the real manuscript
    // and the full example (which uses every feature), judged by an independent validator
    // (python-jsonschema, Draft 2020-12); without it, the dump must still read back into
    // the crate's own view type.
    let manuscripts = [root().join("manuscript"), root().join("examples/full")];
    let mut dumps = Vec::new();
    for m in &manuscripts {
        let (value, view) = dump_view(m);
        assert_eq!(
            value["version"],
            serde_json::json!(supplement::view::VERSION)
        );
        assert!(
            !view.points.is_empty(),
            "{}: no points in the view",
            m.display()
        );
        dumps.push(value);
    }
    let validator = Command::new("python3")
        .args(["-c", "import jsonschema"])
        .output()
        .is_ok_and(|o| o.status.success());
    if !validator {
        assert!(
            std::env::var_os("CI").is_none(),
            "CI must have python3 with jsonschema (.ci/run installs it)"
        );
        eprintln!("skipped the schema validation: python3 -m pip install jsonschema");
        return;
    }
    let dir = temp_dir("schema-validate");
    for (i, dump) in dumps.iter().enumerate() {
        let file = dir.join(format!("view-{i}.json"));
        std::fs::write(&file, serde_json::to_vec(dump).expect("json")).expect("write");
        let out = Command::new("python3")
            .args([
                "-c",
                "import json, sys, jsonschema\n\
                 schema = json.load(open(sys.argv[1]))\n\
                 jsonschema.Draft202012Validator.check_schema(schema)\n\
                 errors = list(jsonschema.Draft202012Validator(schema).iter_errors(json.load(open(sys.argv[2]))))\n\
                 [print(e.json_path, e.message) for e in errors[:10]]\n\
                 sys.exit(1 if errors else 0)",
                root().join("schema/view.schema.json").to_str().expect("utf8"),
                file.to_str().expect("utf8"),
            ])
            .output()
            .expect("python3 runs");
        assert!(
            out.status.success(),
            "{}: the view does not validate:\n{}{}",
            manuscripts[i].display(),
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        );
    }
    // And the schema is not vacuous: a view with a point whose id is a number fails it.
    let mut broken = dumps[0].clone();
    broken["points"][0]["id"] = serde_json::json!(7);
    let file = dir.join("broken.json");
    std::fs::write(&file, serde_json::to_vec(&broken).expect("json")).expect("write");
    let out = Command::new("python3")
        .args([
            "-c",
            "import json, sys, jsonschema\n\
             jsonschema.validate(json.load(open(sys.argv[2])), json.load(open(sys.argv[1])))",
            root()
                .join("schema/view.schema.json")
                .to_str()
                .expect("utf8"),
            file.to_str().expect("utf8"),
        ])
        .output()
        .expect("python3 runs");
    assert!(!out.status.success(), "a broken view passed the schema");
}

#[test]
fn dump_prints_the_model_with_its_version() {
    // Intent: `--what model` is the validated manuscript (ids, parts, points, owners) as
    // JSON, versioned; a manuscript with errors dumps nothing and exits 1.
    let out = run(&root(), &["dump", "--what", "model"]);
    assert_eq!(code(&out), 0, "{}", text(&out).1);
    let model: serde_json::Value = serde_json::from_slice(&out.stdout).expect("JSON");
    assert_eq!(model["version"], 1);
    let s = &model["supplement"];
    assert_eq!(s["id"], "Sec01-01-01");
    let parts = s["parts"].as_array().expect("parts");
    assert_eq!(parts.len(), 7, "はじめに, Mission1–5, Information");
    // 【担当：？】 of Mission5 comes through as an owner of its own kind.
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(
        text.contains(r#"{"kind":"unassigned"}"#),
        "no unassigned owner"
    );
    assert!(
        text.contains(r#"{"kind":"member","id":"#),
        "no member owner"
    );

    let (work, m) = minimal_copy("dump-errors");
    append(&m.join("supplement.toml"), "\n[oops\n");
    let out = run(&work, &["dump", "--manuscript", "m"]);
    assert_eq!(code(&out), 1);
    assert!(out.stdout.is_empty(), "dumped despite errors");
}

#[test]
fn the_csv_example_emitter_writes_one_row_per_point_with_the_other_formats() {
    // Intent: `--format csv` with examples/emitters on PATH runs supplement-emit-csv, whose
    // file is written with the built-in formats; one row per revision point, in document
    // order, headed by the manuscript's own labels.
    if !have_python() {
        return;
    }
    let out_dir = temp_dir("emit-csv");
    let emitters = root().join("examples/emitters");
    let out = run_with_path(
        &root(),
        &[&emitters],
        &[
            "build",
            "--format",
            "csv,html",
            "--out",
            out_dir.to_str().expect("utf8"),
        ],
    );
    assert_eq!(code(&out), 0, "{}", text(&out).1);
    let (_, view) = dump_view(&root().join("manuscript"));
    let csv = std::fs::read(out_dir.join(format!("{}.csv", view.id))).expect("the csv");
    assert!(csv.starts_with("\u{feff}".as_bytes()), "no BOM for Excel");
    let csv = String::from_utf8(csv).expect("utf8");
    let records = parse_csv(csv.trim_start_matches('\u{feff}'));
    assert_eq!(
        records.len(),
        view.points.len() + 1,
        "header + one row per point"
    );
    assert_eq!(records[0][0], "id");
    assert_eq!(records[0][2], view.labels.field.title);
    for (row, point) in records[1..].iter().zip(&view.points) {
        assert_eq!(row[0], point.id);
        assert_eq!(row[2], point.title);
        assert_eq!(row[4], point.pages);
        assert_eq!(row[5], point.action_label);
    }
    assert!(out_dir.join(format!("{}.html", view.id)).exists());
    // `formats` lists it as external.
    let out = run_with_path(&root(), &[&emitters], &["formats"]);
    let (stdout, _) = text(&out);
    assert!(
        stdout
            .lines()
            .any(|l| l.starts_with("csv") && l.contains("external")),
        "{stdout}"
    );
}

/// A minimal RFC 4180 reader (quoted fields with "" and line breaks; CRLF records).
fn parse_csv(text: &str) -> Vec<Vec<String>> {
    let mut records = Vec::new();
    let mut record = Vec::new();
    let mut field = String::new();
    let mut quoted = false;
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        match (quoted, c) {
            (true, '"') if chars.peek() == Some(&'"') => {
                chars.next();
                field.push('"');
            }
            (true, '"') => quoted = false,
            (true, c) => field.push(c),
            (false, '"') => quoted = true,
            (false, ',') => record.push(std::mem::take(&mut field)),
            (false, '\r') => {}
            (false, '\n') => {
                record.push(std::mem::take(&mut field));
                records.push(std::mem::take(&mut record));
            }
            (false, c) => field.push(c),
        }
    }
    if !field.is_empty() || !record.is_empty() {
        record.push(field);
        records.push(record);
    }
    records
}

/// A minimal manuscript declaring `[emitters.NAME]` with `command`, built once into `out`
/// (HTML) so a failing build has something to lose; its title is then changed so any
/// rewrite of the HTML would show.
fn declared(name: &str, emitter: &str) -> (PathBuf, PathBuf, PathBuf) {
    let (work, m) = minimal_copy(name);
    let out = work.join("out");
    let built = run(
        &work,
        &["build", "-m", "m", "--format", "html", "--out", "out"],
    );
    assert_eq!(code(&built), 0, "{}", text(&built).1);
    let toml = m.join("supplement.toml");
    let old = std::fs::read_to_string(&toml).expect("read");
    let new = old.replace("title = \"小さな追補資料\"", "title = \"変更後の題名\"");
    assert_ne!(old, new);
    std::fs::write(&toml, new).expect("write");
    append(&toml, &format!("\n[emitters.fmt]\n{emitter}\n"));
    (work, m, out)
}

/// Builds `html,fmt` and shows that it failed and the output folder is as it was.
fn assert_nothing_replaced(work: &Path, out_dir: &Path) -> String {
    let before = snapshot(out_dir);
    let out = run(
        work,
        &["build", "-m", "m", "--format", "html,fmt", "--out", "out"],
    );
    let (_, stderr) = text(&out);
    assert_eq!(code(&out), 1, "{stderr}");
    assert!(stderr.contains("nothing was written"), "{stderr}");
    assert_eq!(snapshot(out_dir), before, "the output folder changed");
    stderr
}

#[test]
fn a_failing_emitter_fails_the_build_and_replaces_nothing() {
    // Intent: an emitter that writes half a file and exits non-zero fails the whole build;
    // the HTML it was built with is not replaced and no temporary file is left behind. Its
    // plain stderr is shown, and a JSON diagnostic naming a manuscript file is located there.
    let (work, m, out_dir) = declared(
        "emit-fails",
        "command = [\"./fail.sh\"]\nextension = \"txt\"",
    );
    script(
        &m.join("fail.sh"),
        r#"[ "$1" = --supplement-protocol ] && { echo 1; exit 0; }
echo partial > "$2"
echo 'the template is missing' >&2
echo '{"severity":"error","code":"no-template","message":"no template for part","file":"parts/01-part1.toml","line":2,"column":1}' >&2
exit 3"#,
    );
    let stderr = assert_nothing_replaced(&work, &out_dir);
    assert!(stderr.contains("the template is missing"), "{stderr}");
    assert!(stderr.contains("no template for part"), "{stderr}");
    assert!(stderr.contains("parts/01-part1.toml:2:1"), "{stderr}");
}

#[test]
fn a_declared_emitter_gets_the_envelope_and_an_output_path_it_can_write() {
    // Intent: the protocol as documented — `--output PATH --protocol 1` (PATH absolute, in
    // the output folder, though the program runs in the manuscript folder), the envelope on
    // stdin — and its file lands as `<id>.<extension>` beside the other formats.
    let (work, m, out_dir) = declared(
        "emit-protocol",
        "command = [\"./copy.sh\", \"--flag\"]\nextension = \"view.json\"",
    );
    script(
        &m.join("copy.sh"),
        r#"[ "$2" = --supplement-protocol ] && { echo 1; exit 0; }
[ "$1" = --flag ] && [ "$2" = --output ] && [ "$4" = --protocol ] && [ "$5" = 1 ] || exit 9
case "$3" in /*) ;; *) exit 8 ;; esac
[ -f supplement.toml ] || exit 7
echo 'working on it' >&2
echo '{"severity":"warning","code":"wide","message":"a table is too wide","file":"supplement.toml","line":2,"column":1}' >&2
cat > "$3""#,
    );
    let out = run(
        &work,
        &["build", "-m", "m", "--format", "html,fmt", "--out", "out"],
    );
    let (_, stderr) = text(&out);
    assert_eq!(code(&out), 0, "{stderr}");
    // What it said on stderr is shown: text marked with its name, a diagnostic located.
    assert!(stderr.contains("fmt: working on it"), "{stderr}");
    assert!(
        stderr.contains("warning[external-emitter]: fmt: [wide] a table is too wide"),
        "{stderr}"
    );
    assert!(stderr.contains("supplement.toml:2:1"), "{stderr}");
    let envelope: serde_json::Value = serde_json::from_slice(
        &std::fs::read(out_dir.join("min-01.view.json")).expect("the emitter's file"),
    )
    .expect("the envelope is JSON");
    assert_eq!(envelope["protocol"], 1);
    assert!(envelope["generator"]
        .as_str()
        .is_some_and(|g| g.starts_with("supplement ")));
    assert_eq!(envelope["view"]["title"], "変更後の題名");
    let leftovers: Vec<String> = snapshot(&out_dir)
        .into_iter()
        .map(|(name, _)| name)
        .filter(|name| name.contains("external-tmp"))
        .collect();
    assert!(leftovers.is_empty(), "{leftovers:?}");
}

#[test]
fn an_emitter_past_its_time_limit_is_stopped_and_replaces_nothing() {
    // Intent: a hung emitter is killed at `timeout_s`, the build fails with that reason, and
    // nothing is replaced.
    let (work, m, out_dir) = declared(
        "emit-hangs",
        "command = [\"./hang.sh\"]\nextension = \"txt\"\ntimeout_s = 1",
    );
    script(
        &m.join("hang.sh"),
        // Not `exec`: the sleep is the script's child, which must be stopped with it.
        r#"[ "$1" = --supplement-protocol ] && { echo 1; exit 0; }
sleep 30
echo late > "$2""#,
    );
    let start = std::time::Instant::now();
    let stderr = assert_nothing_replaced(&work, &out_dir);
    assert!(stderr.contains("did not finish within 1 s"), "{stderr}");
    assert!(
        start.elapsed() < std::time::Duration::from_secs(20),
        "the emitter was not stopped"
    );
}

#[test]
fn a_noisy_emitter_or_one_that_leaves_a_child_running_does_not_hang_the_build() {
    // Intent: megabytes of stderr do not block the program on a full pipe, and a
    // background child still holding stderr open after the program exits does not hold up
    // the build.
    let (work, m, out_dir) = declared(
        "emit-noisy",
        "command = [\"./noisy.sh\"]\nextension = \"txt\"\ntimeout_s = 30",
    );
    script(
        &m.join("noisy.sh"),
        r#"[ "$1" = --supplement-protocol ] && { echo 1; exit 0; }
cat > /dev/null
i=0; while [ $i -lt 20000 ]; do echo "progress line $i of a chatty emitter ......................................" >&2; i=$((i+1)); done
sleep 60 &
echo done > "$2""#,
    );
    let start = std::time::Instant::now();
    let out = run(
        &work,
        &["build", "-m", "m", "--format", "fmt", "--out", "out"],
    );
    assert_eq!(code(&out), 0, "{}", text(&out).1);
    assert!(
        start.elapsed() < std::time::Duration::from_secs(20),
        "the build waited for the emitter's child"
    );
    assert_eq!(
        std::fs::read_to_string(out_dir.join("min-01.txt")).expect("written"),
        "done\n"
    );
}

#[test]
fn an_emitter_that_writes_nothing_fails_the_build() {
    // Intent: exit 0 without the file is a failure, not an empty output.
    let (work, m, out_dir) = declared(
        "emit-nothing",
        "command = [\"./nothing.sh\"]\nextension = \"txt\"",
    );
    script(
        &m.join("nothing.sh"),
        r#"[ "$1" = --supplement-protocol ] && { echo 1; exit 0; }
cat > /dev/null"#,
    );
    let stderr = assert_nothing_replaced(&work, &out_dir);
    assert!(stderr.contains("wrote no file"), "{stderr}");
}

#[test]
fn a_protocol_mismatch_is_refused_by_build_and_found_by_check() {
    // Intent: an emitter that speaks only protocol 2 is refused with both versions named,
    // before it is given any input; `check` finds it too, located at the declaration.
    let (work, m, out_dir) = declared(
        "emit-mismatch",
        "command = [\"./v2.sh\"]\nextension = \"txt\"",
    );
    script(
        &m.join("v2.sh"),
        r#"[ "$1" = --supplement-protocol ] && { echo 2; exit 0; }
echo ran > "$2""#,
    );
    let stderr = assert_nothing_replaced(&work, &out_dir);
    assert!(
        stderr.contains("speaks protocol 2") && stderr.contains("speaks protocol 1"),
        "{stderr}"
    );
    let out = run(&work, &["check", "-m", "m"]);
    let (_, stderr) = text(&out);
    assert_eq!(code(&out), 1, "{stderr}");
    assert!(stderr.contains("external-emitter"), "{stderr}");
    assert!(stderr.contains("supplement.toml:"), "{stderr}");
    assert!(stderr.contains("speaks protocol 2"), "{stderr}");
}

#[test]
fn check_finds_a_missing_emitter_before_a_build_needs_it() {
    // Intent: a declared program that does not exist is an error of `check`, at the line of
    // its declaration.
    let (work, m) = minimal_copy("emit-missing");
    let toml = m.join("supplement.toml");
    let lines = std::fs::read_to_string(&toml)
        .expect("read")
        .lines()
        .count();
    append(
        &toml,
        "\n[emitters.pdf]\ncommand = [\"no-such-program-supplement-test\"]\nextension = \"pdf\"\n",
    );
    let out = run(&work, &["check", "-m", "m", "--message-format", "json"]);
    assert_eq!(code(&out), 1);
    let diags = crate::support::diagnostics(&text(&out).0);
    let d = diags
        .iter()
        .find(|d| d["code"] == "external-emitter")
        .unwrap_or_else(|| panic!("no external-emitter diagnostic: {diags:?}"));
    assert!(
        d["file"]
            .as_str()
            .is_some_and(|f| f.ends_with("supplement.toml")),
        "{d}"
    );
    assert!(
        d["line"].as_u64().is_some_and(|l| l as usize > lines),
        "{d}"
    );
    assert!(
        d["message"]
            .as_str()
            .is_some_and(|m| m.contains("no-such-program-supplement-test")),
        "{d}"
    );
}

#[test]
fn bad_emitter_declarations_are_located_errors() {
    // Intent: a declaration that could never work — a built-in name, no program, an
    // extension that is a path, a time limit out of range — is an `invalid-emitter` error.
    for (decl, needle) in [
        (
            "[emitters.docx]\ncommand = [\"x\"]\nextension = \"docx\"",
            "built-in",
        ),
        (
            "[emitters.pdf]\ncommand = []\nextension = \"pdf\"",
            "empty command",
        ),
        (
            "[emitters.pdf]\ncommand = [\"x\"]\nextension = \"../pdf\"",
            "not a file extension",
        ),
        (
            "[emitters.pdf]\ncommand = [\"x\"]\nextension = \"pdf\"\ntimeout_s = 0",
            "outside 1 to 3600",
        ),
        (
            "[emitters.\"p f\"]\ncommand = [\"x\"]\nextension = \"pdf\"",
            "not a format name",
        ),
    ] {
        let (work, m) = minimal_copy("emit-invalid");
        append(&m.join("supplement.toml"), &format!("\n{decl}\n"));
        let out = run(&work, &["check", "-m", "m", "--message-format", "json"]);
        assert_eq!(code(&out), 1, "{decl}");
        let diags = crate::support::diagnostics(&text(&out).0);
        assert!(
            diags.iter().any(|d| d["code"] == "invalid-emitter"
                && d["file"]
                    .as_str()
                    .is_some_and(|f| f.ends_with("supplement.toml"))
                && d["message"].as_str().is_some_and(|m| m.contains(needle))),
            "{decl}: {diags:?}"
        );
    }
}

#[test]
fn an_unknown_format_names_where_it_was_looked_for() {
    // Intent: a format that is neither built in, declared nor on PATH is a usage error that
    // says all three.
    let out = run(
        &root(),
        &[
            "build",
            "--format",
            "nosuchformat",
            "--out",
            "target/unused",
        ],
    );
    let (_, stderr) = text(&out);
    assert_eq!(code(&out), 2, "{stderr}");
    assert!(
        stderr.contains("[emitters.nosuchformat]")
            && stderr.contains("supplement-emit-nosuchformat"),
        "{stderr}"
    );
}

#[test]
fn the_rust_example_emitter_reads_the_view_through_the_crate_types() {
    // Intent: examples/emitters/supplement-emit-md.rs (built by `cargo test` with the other
    // examples) deserialises the envelope into this crate's DocumentView and writes
    // Markdown with every part and point heading and working anchors.
    let exe = Path::new(env!("CARGO_BIN_EXE_supplement"))
        .parent()
        .expect("target dir")
        .join("examples/supplement-emit-md");
    assert!(exe.exists(), "{} was not built", exe.display());
    let (work, m) = minimal_copy("emit-md");
    let full = work.join("full");
    crate::support::copy_dir(&root().join("examples/full"), &full);
    for dir in [&m, &full] {
        append(
            &dir.join("supplement.toml"),
            &format!(
                "\n[emitters.md]\ncommand = [{:?}]\nextension = \"md\"\n",
                exe.to_str().expect("utf8")
            ),
        );
        let check = run(&work, &["check", "-m", dir.to_str().expect("utf8")]);
        assert_eq!(code(&check), 0, "{}", text(&check).1);
        let out_dir = dir.join("out");
        let out = run(
            &work,
            &[
                "build",
                "-m",
                dir.to_str().expect("utf8"),
                "--format",
                "md",
                "--out",
                out_dir.to_str().expect("utf8"),
            ],
        );
        assert_eq!(code(&out), 0, "{}", text(&out).1);
        let (_, view) = dump_view(dir);
        let md = std::fs::read_to_string(out_dir.join(format!("{}.md", view.id))).expect("md");
        assert!(md.starts_with("# "), "{md}");
        for point in &view.points {
            assert!(
                md.contains(&format!("<a id=\"{}\"></a>", point.heading.anchor.id)),
                "no anchor for {}",
                point.id
            );
        }
        for part in &view.parts {
            assert!(
                md.contains(&format!("<a id=\"{}\"></a>", part.heading.anchor.id)),
                "no anchor for part {}",
                part.id
            );
        }
        // Every in-document link goes to an anchor the file has.
        for (i, _) in md.match_indices("](#") {
            let rest = &md[i + 3..];
            let id = &rest[..rest.find(')').expect("closing )")];
            assert!(md.contains(&format!("<a id=\"{id}\">")), "dangling #{id}");
        }
    }
}
