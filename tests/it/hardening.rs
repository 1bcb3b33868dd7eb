//! Hostile and broken input: mutated manuscripts never panic and every error has a real
//! location; size limits hold; nothing already built is lost; builds are reproducible.

use std::panic::{catch_unwind, AssertUnwindSafe};
use std::path::{Path, PathBuf};

use supplement::diagnostics::Severity;
use supplement::emit::{self, RenderOptions};
use supplement::synth::Rng;

use crate::support::{code, copy_dir, minimal_copy, minimal_with_body, root, run, temp_dir, text};

fn toml_files(dir: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    for sub in ["", "parts"] {
        if let Ok(entries) = std::fs::read_dir(dir.join(sub)) {
            for e in entries.flatten() {
                if e.path().extension().is_some_and(|x| x == "toml") {
                    out.push(e.path());
                }
            }
        }
    }
    out.sort();
    out
}

/// Mutations of one file's bytes.
fn mutations(bytes: &[u8], rng: &mut Rng) -> Vec<(String, Vec<u8>)> {
    let mut out = Vec::new();
    for _ in 0..8 {
        let at = rng.below(bytes.len() + 1);
        out.push((format!("truncated at {at}"), bytes[..at].to_vec()));
    }
    for _ in 0..8 {
        let mut b = bytes.to_vec();
        for _ in 0..1 + rng.below(3) {
            if !b.is_empty() {
                let i = rng.below(b.len());
                b[i] ^= 1 << rng.below(8);
            }
        }
        out.push(("bytes flipped".into(), b));
    }
    let mut invalid = bytes.to_vec();
    invalid.insert(rng.below(bytes.len() + 1), 0xFF);
    out.push(("invalid UTF-8".into(), invalid));
    let mut bom = b"\xEF\xBB\xBF".to_vec();
    bom.extend_from_slice(bytes);
    out.push(("BOM".into(), bom));
    let text = String::from_utf8_lossy(bytes).into_owned();
    out.push(("CRLF".into(), text.replace('\n', "\r\n").into_bytes()));
    // A table header and its keys, repeated.
    let lines: Vec<&str> = text.lines().collect();
    let headers: Vec<usize> = lines
        .iter()
        .enumerate()
        .filter(|(_, l)| l.starts_with('['))
        .map(|(i, _)| i)
        .collect();
    if !headers.is_empty() {
        let h = headers[rng.below(headers.len())];
        let end = headers
            .iter()
            .copied()
            .find(|&i| i > h)
            .unwrap_or(lines.len());
        let block = lines[h..end].join("\n");
        out.push((
            "duplicated table".into(),
            format!("{text}\n{block}\n").into_bytes(),
        ));
    }
    // Wrong value types.
    let values: Vec<usize> = lines
        .iter()
        .enumerate()
        .filter(|(_, l)| l.contains(" = "))
        .map(|(i, _)| i)
        .collect();
    for replacement in [
        "42",
        "true",
        "[1, 2]",
        "{ x = 1 }",
        "\"text\"",
        "1979-05-27",
    ] {
        if values.is_empty() {
            break;
        }
        let i = values[rng.below(values.len())];
        let mut changed: Vec<String> = lines.iter().map(|l| l.to_string()).collect();
        let key = changed[i].split(" = ").next().unwrap_or("").to_string();
        changed[i] = format!("{key} = {replacement}");
        out.push((
            format!("{key} = {replacement}"),
            changed.join("\n").into_bytes(),
        ));
    }
    out
}

/// Loads, validates and (when valid) renders every format; panics are failures. Returns
/// whether the variant was valid (and so was rendered).
pub fn exercise(dir: &Path) -> Result<bool, String> {
    let outcome = catch_unwind(AssertUnwindSafe(|| -> Result<bool, String> {
        let Ok(checked) = supplement::check(dir) else {
            return Ok(false); // an I/O error is reported, not a panic
        };
        for d in &checked.diagnostics {
            let file = checked
                .sources
                .get(d.span.file)
                .ok_or("diagnostic in an unknown file")?;
            if d.span.start > d.span.end || d.span.end > file.text.len() {
                return Err(format!(
                    "span {:?} outside {} ({} bytes): {}",
                    d.span,
                    file.name,
                    file.text.len(),
                    d.message
                ));
            }
            let (line, col) = checked.sources.line_col(d.span);
            if line == 0 || col == 0 || d.message.is_empty() {
                return Err(format!("bad location {line}:{col} for {}", d.message));
            }
        }
        let errors = checked
            .diagnostics
            .iter()
            .any(|d| d.severity == Severity::Error);
        if let (false, Some(s)) = (errors, &checked.view) {
            emit::render_all(
                emit::REGISTRY,
                s,
                &checked.styles,
                &RenderOptions::default(),
            )
            .map_err(|(name, e)| format!("{name} failed on a valid manuscript: {e}"))?;
            return Ok(true);
        }
        Ok(false)
    }));
    outcome.unwrap_or_else(|_| Err("panicked".into()))
}

#[test]
fn mutated_manuscripts_never_panic() {
    // Intent: hundreds of broken variants of every file of examples/full and the bundled
    // manuscript give located errors or valid builds, never a panic.
    let mut rng = Rng(0x5EED_CAFE_F00D_0001);
    let mut cases = 0;
    let mut rendered = 0;
    let mut failures = Vec::new();
    for source in ["examples/full", "manuscript"] {
        let original = root().join(source);
        let work = temp_dir(&format!("mutate-{}", source.replace('/', "-")));
        copy_dir(&original, &work);
        for file in toml_files(&original) {
            let relative = file.strip_prefix(&original).expect("inside").to_path_buf();
            let bytes = std::fs::read(&file).expect("read");
            for (what, mutated) in mutations(&bytes, &mut rng) {
                std::fs::write(work.join(&relative), &mutated).expect("write");
                cases += 1;
                match exercise(&work) {
                    Ok(valid) => rendered += usize::from(valid),
                    Err(why) => {
                        failures.push(format!("{source}/{}: {what}: {why}", relative.display()))
                    }
                }
            }
            std::fs::write(work.join(&relative), &bytes).expect("restore");
        }
    }
    eprintln!("mutations: {cases} cases, {rendered} still valid and rendered in every format");
    assert!(cases >= 300, "only {cases} cases");
    assert!(
        rendered >= 20,
        "only {rendered} valid variants: the render path is barely exercised"
    );
    assert!(
        failures.is_empty(),
        "{} of {cases} cases failed:\n{}",
        failures.len(),
        failures.join("\n")
    );
}

/// A copy of examples/minimal whose part gets `count` more revision points, each opened
/// with `header`; returns the work folder (the manuscript is `work/m`).
fn minimal_with_points(name: &str, header: &str, count: usize) -> PathBuf {
    let (work, m) = minimal_copy(name);
    let file = m.join("parts/01-part1.toml");
    let mut part = std::fs::read_to_string(&file).expect("part");
    for i in 0..count {
        part.push_str(&format!(
            "\n{header}\nid = \"p{i}\"\ntitle = \"t\"\ntargets = [\"ch1\"]\naction = \"revise\"\nbody = \"b\"\n"
        ));
    }
    std::fs::write(file, part).expect("write");
    work
}

#[test]
fn a_twenty_megabyte_string_builds() {
    // Intent: one 20 MB body (long Japanese paragraphs) builds in every format.
    let paragraph = "経営者はサイバーセキュリティのリスクを把握し、対策を指示する。".repeat(20);
    let mut body = String::new();
    while body.len() < 20 * 1024 * 1024 {
        body.push_str(&paragraph);
        body.push_str("\n\n");
    }
    let (_, m) = minimal_with_body("limit-20mb", &body);
    let out = run(&m, &["build", "--manuscript", ".", "--out", "../o"]);
    assert_eq!(code(&out), 0, "{}", text(&out).1);
    let html = std::fs::metadata(m.join("../o/min-01.html"))
        .expect("html")
        .len();
    assert!(html > 20 * 1024 * 1024);
}

#[test]
fn a_ten_thousand_item_list_builds() {
    // Intent: a 10,000-item list becomes 10,000 list paragraphs.
    let body: String = (0..10_000).map(|i| format!("- 項目 {i}\n")).collect();
    let (_, m) = minimal_with_body("limit-list", &body);
    let out = run(&m, &["build", "--manuscript", ".", "--out", "../o"]);
    assert_eq!(code(&out), 0, "{}", text(&out).1);
    let html = std::fs::read_to_string(m.join("../o/min-01.html")).expect("html");
    assert_eq!(html.matches("<li>項目 ").count(), 10_000);
}

#[test]
fn markdown_nested_a_thousand_levels_is_refused() {
    // Intent: 1,000 nested lists and 1,000 nested quotes are refused with a located error,
    // without a stack overflow.
    let lists: String = (0..1000)
        .map(|i| format!("{}- level {i}\n", "  ".repeat(i)))
        .collect();
    let quotes = format!("{} deep\n", ">".repeat(1000));
    for (name, body) in [
        ("limit-nested-lists", lists),
        ("limit-nested-quotes", quotes),
    ] {
        let (_, m) = minimal_with_body(name, &body);
        let out = run(
            &m,
            &["check", "--manuscript", ".", "--message-format", "json"],
        );
        assert_eq!(code(&out), 1, "{name}: {}", text(&out).1);
        assert!(
            text(&out).0.contains("\"code\":\"markdown-too-deep\""),
            "{name}: {}",
            text(&out).0
        );
    }
}

#[test]
fn a_hundred_thousand_revision_points_are_refused() {
    // Intent: far too many points are refused quickly with a clear, located message.
    let work = minimal_with_points("limit-points", "[[point]]", 100_000);
    let out = run(
        &work,
        &["check", "--manuscript", "m", "--message-format", "json"],
    );
    assert_eq!(code(&out), 1);
    let stdout = text(&out).0;
    assert!(stdout.contains("\"code\":\"too-many-points\""), "{stdout}");
    assert!(
        stdout.contains(&format!(
            "more than {} revision points",
            supplement::load::MAX_POINTS
        )),
        "{stdout}"
    );
}

#[test]
fn style_overrides_outside_the_manuscript_are_refused() {
    // Intent: a style override that is a symlink out of the folder is a located error, and
    // so is a parts folder that links outside.
    let (work, m) = minimal_copy("confine-styles");
    std::fs::create_dir_all(m.join("styles")).expect("styles");
    std::fs::write(work.join("labels.toml"), "[status]\nplanned = \"外\"\n").expect("write");
    std::os::unix::fs::symlink(work.join("labels.toml"), m.join("styles/labels.toml"))
        .expect("symlink");
    let out = run(
        &work,
        &["check", "--manuscript", "m", "--message-format", "json"],
    );
    assert_eq!(code(&out), 1);
    assert!(
        text(&out).0.contains("\"code\":\"outside-manuscript\""),
        "{}",
        text(&out).0
    );

    let (work, m) = minimal_copy("confine-parts-dir");
    std::fs::rename(m.join("parts"), work.join("elsewhere")).expect("move");
    std::os::unix::fs::symlink(work.join("elsewhere"), m.join("parts")).expect("symlink");
    let out = run(
        &work,
        &["check", "--manuscript", "m", "--message-format", "json"],
    );
    assert_eq!(code(&out), 1);
    assert!(
        text(&out).0.contains("\"code\":\"outside-manuscript\""),
        "{}",
        text(&out).0
    );
}

fn snapshot(dir: &Path) -> Vec<(String, Vec<u8>)> {
    let mut files: Vec<(String, Vec<u8>)> = std::fs::read_dir(dir)
        .expect("out")
        .flatten()
        .map(|e| {
            (
                e.file_name().to_string_lossy().into_owned(),
                std::fs::read(e.path()).unwrap_or_default(),
            )
        })
        .collect();
    files.sort();
    files
}

#[test]
fn failed_builds_leave_every_output_as_it_was() {
    // Intent: an unwritable output, a failing emitter (a broken template override) and a
    // bad manuscript each leave every existing output byte for byte, and no temp file.
    let (work, m) = minimal_copy("nothing-lost");
    let ok = run(&work, &["build", "--manuscript", "m", "--out", "out"]);
    assert_eq!(code(&ok), 0, "{}", text(&ok).1);
    let before = snapshot(&work.join("out"));
    assert_eq!(before.len(), 3);

    // The manuscript changes, but the html output's name is taken by a folder.
    let part = m.join("parts/01-part1.toml");
    let original = std::fs::read_to_string(&part).expect("part");
    std::fs::write(&part, original.replace("古い用語", "別の用語")).expect("edit");
    std::fs::remove_file(work.join("out/min-01.html")).expect("rm");
    std::fs::create_dir(work.join("out/min-01.html")).expect("dir");
    let blocked = run(&work, &["build", "--manuscript", "m", "--out", "out"]);
    assert_eq!(code(&blocked), 2, "{}", text(&blocked).1);
    std::fs::remove_dir(work.join("out/min-01.html")).expect("rmdir");
    let docx_and_changelog: Vec<_> = before
        .iter()
        .filter(|(n, _)| !n.ends_with(".html"))
        .cloned()
        .collect();
    assert_eq!(
        snapshot(&work.join("out")),
        docx_and_changelog,
        "an output changed although the build failed"
    );

    // A template override that fails to render.
    let ok = run(&work, &["build", "--manuscript", "m", "--out", "out"]);
    assert_eq!(code(&ok), 0);
    let before = snapshot(&work.join("out"));
    std::fs::create_dir_all(m.join("styles")).expect("styles");
    std::fs::write(m.join("styles/changelog.txt.j2"), "{{ doc.no_such_field }}").expect("template");
    std::fs::write(&part, original.replace("古い用語", "三つ目の用語")).expect("edit");
    let failed = run(&work, &["build", "--manuscript", "m", "--out", "out"]);
    assert_eq!(code(&failed), 1, "{}", text(&failed).1);
    assert!(
        text(&failed).1.contains("changelog.txt.j2"),
        "{}",
        text(&failed).1
    );
    assert_eq!(snapshot(&work.join("out")), before);
}

#[test]
fn a_killed_build_never_leaves_a_partial_file_under_its_final_name() {
    // Intent: killing a build at many moments leaves each output either the previous
    // complete file or the new complete file.
    let work = temp_dir("killed");
    let m = work.join("m");
    supplement::synth::write(&m, 8).expect("synth");
    let first = run(&work, &["build", "--manuscript", "m", "--out", "out"]);
    assert_eq!(code(&first), 0, "{}", text(&first).1);
    let complete = snapshot(&work.join("out"));
    let mut rng = Rng(0xDEAD_BEEF);
    for _ in 0..12 {
        let mut child = std::process::Command::new(env!("CARGO_BIN_EXE_supplement"))
            .args(["build", "--manuscript", "m", "--out", "out"])
            .current_dir(&work)
            .stdout(std::process::Stdio::null())
            .stderr(std::process::Stdio::null())
            .spawn()
            .expect("spawn");
        std::thread::sleep(std::time::Duration::from_millis(rng.below(400) as u64));
        let _ = child.kill();
        let _ = child.wait();
        let now: Vec<_> = snapshot(&work.join("out"))
            .into_iter()
            .filter(|(n, _)| !n.starts_with('.'))
            .collect();
        assert_eq!(
            now, complete,
            "an output is not the complete file after a kill"
        );
    }
}

#[test]
fn builds_are_reproducible_across_folders_and_times() {
    // Intent: with SOURCE_DATE_EPOCH set, builds in different folders at different times
    // give the same bytes for every format.
    let mut outputs = Vec::new();
    for (i, source) in ["examples/full", "examples/full"].iter().enumerate() {
        let work = temp_dir(&format!("repro-{i}"));
        copy_dir(&root().join(source), &work.join(format!("copy-{i}")));
        if i == 1 {
            std::thread::sleep(std::time::Duration::from_millis(1100));
        }
        let out = std::process::Command::new(env!("CARGO_BIN_EXE_supplement"))
            .args([
                "build",
                "--manuscript",
                &format!("copy-{i}"),
                "--out",
                "out",
            ])
            .current_dir(&work)
            .env("SOURCE_DATE_EPOCH", "1712000000")
            .output()
            .expect("build");
        assert_eq!(code(&out), 0);
        outputs.push(snapshot(&work.join("out")));
    }
    assert_eq!(outputs[0].len(), 3);
    assert!(outputs[0] == outputs[1], "two builds differ");
    let core = {
        let bytes = &outputs[0]
            .iter()
            .find(|(n, _)| n.ends_with(".docx"))
            .expect("docx")
            .1;
        let mut zip = zip::ZipArchive::new(std::io::Cursor::new(bytes.clone())).expect("zip");
        let mut s = String::new();
        std::io::Read::read_to_string(&mut zip.by_name("docProps/core.xml").expect("core"), &mut s)
            .expect("read");
        s
    };
    assert!(core.contains("2024-04-01T19:33:20Z"), "{core}");
}

#[test]
fn every_format_builds_at_the_nesting_limit() {
    // Intent: what check accepts, every emitter renders: the deepest quotes and lists the
    // Markdown limit allows build without exhausting a render thread's stack.
    let quotes = format!("{} deep\n", ">".repeat(47));
    let lists: String = (0..23)
        .map(|i| format!("{}- level {i}\n", "  ".repeat(i)))
        .collect();
    for (name, body) in [("depth-quotes", quotes), ("depth-lists", lists)] {
        let (_, m) = minimal_with_body(name, &body);
        let out = run(&m, &["build", "--manuscript", ".", "--out", "../o"]);
        assert_eq!(code(&out), 0, "{name}: {}", text(&out).1);
        assert_eq!(snapshot(&m.join("../o")).len(), 3, "{name}");
    }
}

#[test]
fn the_point_limit_counts_every_way_of_writing_a_table() {
    // Intent: `[[ point ]]` (valid TOML with spaces) counts like `[[point]]`.
    let work = minimal_with_points(
        "limit-points-spaced",
        "[[ point ]]",
        supplement::load::MAX_POINTS + 1,
    );
    let out = run(
        &work,
        &["check", "--manuscript", "m", "--message-format", "json"],
    );
    assert_eq!(code(&out), 1);
    assert!(
        text(&out).0.contains("\"code\":\"too-many-points\""),
        "{}",
        text(&out).0
    );
}

#[test]
fn special_files_are_refused_without_reading_them() {
    // Intent: a FIFO (which would block a read) or a link to a device in parts/ is a
    // located error, promptly.
    let (work, m) = minimal_copy("special-files");
    let made = std::process::Command::new("mkfifo")
        .arg(m.join("parts/02-fifo.toml"))
        .status();
    assert!(made.is_ok_and(|s| s.success()), "mkfifo");
    std::os::unix::fs::symlink("/dev/zero", m.join("parts/03-zero.toml")).expect("symlink");
    let mut child = std::process::Command::new(env!("CARGO_BIN_EXE_supplement"))
        .args(["check", "--manuscript", "m", "--message-format", "json"])
        .current_dir(&work)
        .stdout(std::process::Stdio::piped())
        .spawn()
        .expect("spawn");
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(20);
    while child.try_wait().expect("wait").is_none() {
        if std::time::Instant::now() > deadline {
            let _ = child.kill();
            panic!("check hung on a special file");
        }
        std::thread::sleep(std::time::Duration::from_millis(20));
    }
    let out = child.wait_with_output().expect("output");
    assert_eq!(code(&out), 1);
    let stdout = text(&out).0;
    assert_eq!(
        stdout.matches("\"code\":\"outside-manuscript\"").count(),
        2,
        "{stdout}"
    );
}

#[test]
fn ids_never_collide_with_the_outputs_own_anchors() {
    // Intent: points named like the outputs' own sections (main, references, history,
    // sec-history, part-part1) still give unique HTML ids and DOCX bookmarks.
    let (work, m) = minimal_copy("anchor-ids");
    let mut part = std::fs::read_to_string(m.join("parts/01-part1.toml")).expect("part");
    for id in [
        "main",
        "references",
        "history",
        "sec-history",
        "part-part1",
        "toc-heading",
    ] {
        part.push_str(&format!("\n[[point]]\nid = \"{id}\"\ntitle = \"t\"\ntargets = [\"ch1\"]\naction = \"revise\"\nbody = \"b\"\n"));
    }
    std::fs::write(m.join("parts/01-part1.toml"), part).expect("write");
    let out = run(&work, &["build", "--manuscript", "m", "--out", "o"]);
    assert_eq!(code(&out), 0, "{}", text(&out).1);
    let html = std::fs::read_to_string(work.join("o/min-01.html")).expect("html");
    let mut ids: Vec<&str> = html
        .split(" id=\"")
        .skip(1)
        .map(|r| &r[..r.find('"').unwrap_or(0)])
        .collect();
    let total = ids.len();
    ids.sort_unstable();
    ids.dedup();
    assert_eq!(ids.len(), total, "duplicate HTML ids");
    let bytes = std::fs::read(work.join("o/min-01.docx")).expect("docx");
    let mut zip = zip::ZipArchive::new(std::io::Cursor::new(bytes)).expect("zip");
    let mut doc = String::new();
    std::io::Read::read_to_string(
        &mut zip.by_name("word/document.xml").expect("doc"),
        &mut doc,
    )
    .expect("read");
    let mut names: Vec<&str> = doc
        .split("w:name=\"")
        .skip(1)
        .map(|r| &r[..r.find('"').unwrap_or(0)])
        .collect();
    let total = names.len();
    names.sort_unstable();
    names.dedup();
    assert_eq!(names.len(), total, "duplicate DOCX bookmarks");
}

#[test]
fn style_overrides_may_not_carry_control_characters() {
    // Intent: an escaped control character in a labels override is refused at check.
    let (work, m) = minimal_copy("labels-control");
    std::fs::create_dir_all(m.join("styles")).expect("styles");
    std::fs::write(
        m.join("styles/labels.toml"),
        "[status]\nreview = \"査読\\u000B中\"\n",
    )
    .expect("write");
    let out = run(
        &work,
        &["check", "--manuscript", "m", "--message-format", "json"],
    );
    assert_eq!(code(&out), 1);
    assert!(
        text(&out).0.contains("\"code\":\"forbidden-character\""),
        "{}",
        text(&out).0
    );
}

#[test]
fn source_date_epoch_must_be_a_usable_date() {
    // Intent: a SOURCE_DATE_EPOCH no document date can hold is a usage error.
    for value in ["9223372036854775807", "-5", "yesterday"] {
        let out = std::process::Command::new(env!("CARGO_BIN_EXE_supplement"))
            .args(["build", "--manuscript", "examples/minimal", "--out"])
            .arg(temp_dir("epoch-bad"))
            .current_dir(root())
            .env("SOURCE_DATE_EPOCH", value)
            .output()
            .expect("runs");
        assert_eq!(code(&out), 2, "{value}");
    }
}
