//! Building: outputs written, byte-identical on rebuild, untouched when a build fails.

use crate::support::{code, diagnostics, minimal_copy, root, run, temp_dir, text};

fn json_codes(stdout: &str) -> Vec<String> {
    diagnostics(stdout)
        .iter()
        .map(|v| {
            format!(
                "{}[{}]",
                v["severity"].as_str().unwrap_or(""),
                v["code"].as_str().unwrap_or("")
            )
        })
        .collect()
}

#[test]
fn minimal_example_checks_clean() {
    // Intent: the smallest manuscript is valid with no warnings at all.
    let out = run(
        &root(),
        &[
            "check",
            "--manuscript",
            "examples/minimal",
            "--deny-warnings",
        ],
    );
    assert_eq!(code(&out), 0, "{}", text(&out).1);
}

#[test]
fn full_example_checks_with_only_its_unassigned_owner() {
    // Intent: examples/full is valid; its one warning is the explicit "?" owner it shows off.
    let out = run(
        &root(),
        &[
            "check",
            "--manuscript",
            "examples/full",
            "--message-format",
            "json",
        ],
    );
    assert_eq!(code(&out), 0, "{}", text(&out).1);
    assert_eq!(json_codes(&text(&out).0), vec!["warning[unassigned-owner]"]);
    let strict = run(
        &root(),
        &["check", "--manuscript", "examples/full", "--deny-warnings"],
    );
    assert_eq!(code(&strict), 1);
}

#[test]
fn examples_build_and_rebuild_byte_identical() {
    // Intent: same input, same bytes, for every example and format.
    for example in ["examples/minimal", "examples/full", "manuscript"] {
        let a = temp_dir(&format!("identical-a-{}", example.replace('/', "-")));
        let b = temp_dir(&format!("identical-b-{}", example.replace('/', "-")));
        for dir in [&a, &b] {
            let out = run(
                &root(),
                &[
                    "build",
                    "--manuscript",
                    example,
                    "--out",
                    dir.to_str().expect("utf8"),
                ],
            );
            assert_eq!(code(&out), 0, "{example}: {}", text(&out).1);
        }
        let mut names: Vec<_> = std::fs::read_dir(&a)
            .expect("out")
            .map(|e| e.expect("entry").file_name())
            .collect();
        names.sort();
        assert!(!names.is_empty(), "{example}: nothing built");
        for name in names {
            let x = std::fs::read(a.join(&name)).expect("a");
            let y = std::fs::read(b.join(&name)).expect("b");
            assert!(!x.is_empty(), "{example}: {name:?} is empty");
            assert!(x == y, "{example}: {name:?} differs between two builds");
        }
    }
}

#[test]
fn a_failing_build_leaves_previous_outputs_untouched() {
    // Intent: a manuscript error stops the build before anything is written.
    let (work, manuscript) = minimal_copy("failing-build");
    let out_dir = work.join("out");
    let ok = run(&work, &["build", "--manuscript", "m", "--out", "out"]);
    assert_eq!(code(&ok), 0, "{}", text(&ok).1);
    let file = out_dir.join("min-01.changelog.txt");
    let before = std::fs::read(&file).expect("built");

    let part = manuscript.join("parts/01-part1.toml");
    let broken = std::fs::read_to_string(&part)
        .expect("part")
        .replace("targets = [\"ch1\"]", "targets = [\"nope\"]");
    std::fs::write(&part, broken).expect("write");
    let failed = run(&work, &["build", "--manuscript", "m", "--out", "out"]);
    assert_eq!(code(&failed), 1);
    assert!(text(&failed)
        .1
        .contains("unknown base-book section \"nope\""));
    assert_eq!(std::fs::read(&file).expect("still there"), before);
    let leftovers: Vec<_> = std::fs::read_dir(&out_dir)
        .expect("out")
        .map(|e| e.expect("entry").file_name().to_string_lossy().into_owned())
        .filter(|n| n.starts_with('.'))
        .collect();
    assert!(leftovers.is_empty(), "temp files left: {leftovers:?}");
}

#[test]
fn usage_errors_exit_2_and_write_nothing() {
    // Intent: unknown formats, unknown flags and missing folders are usage errors.
    let work = temp_dir("usage");
    for args in [
        vec![
            "build",
            "--manuscript",
            "../../../../examples/minimal",
            "--format",
            "pdf",
            "--out",
            "o",
        ],
        vec!["build", "--manuscript", "does-not-exist", "--out", "o"],
        vec!["build", "--bogus-flag"],
    ] {
        let out = run(&work, &args);
        assert_eq!(code(&out), 2, "{args:?}: {}", text(&out).1);
        assert!(!work.join("o").exists(), "{args:?} wrote output");
    }
}

#[test]
fn files_outside_the_manuscript_are_refused() {
    // Intent: a part file that is a symlink to a file outside the folder is a located error.
    let (work, manuscript) = minimal_copy("confine");
    let outside = work.join("outside.toml");
    std::fs::rename(manuscript.join("parts/01-part1.toml"), &outside).expect("move");
    std::os::unix::fs::symlink(&outside, manuscript.join("parts/01-part1.toml")).expect("symlink");
    let out = run(
        &work,
        &["check", "--manuscript", "m", "--message-format", "json"],
    );
    assert_eq!(code(&out), 1);
    assert!(
        json_codes(&text(&out).0).contains(&"error[outside-manuscript]".to_string()),
        "{}",
        text(&out).0
    );
}

#[test]
fn changelog_lists_history_newest_first_and_points_by_section() {
    // Intent: the changelog's two required views, checked on examples/full.
    let dir = temp_dir("changelog-full");
    let out = run(
        &root(),
        &[
            "build",
            "--manuscript",
            "examples/full",
            "--format",
            "changelog",
            "--out",
            dir.to_str().expect("utf8"),
        ],
    );
    assert_eq!(code(&out), 0, "{}", text(&out).1);
    let text = std::fs::read_to_string(dir.join("FULL-01.changelog.txt")).expect("changelog");
    let pos = |s: &str| {
        text.find(s)
            .unwrap_or_else(|| panic!("missing {s:?}\n{text}"))
    };
    assert!(
        pos("2024年4月1日  第2版") < pos("2023年11月  担当割を記載")
            && pos("2023年11月") < pos("2023年  調査")
    );
    let by_section = &text[pos("■ 改訂箇所一覧")..pos("■ まえがき")];
    for needle in [
        "第1章-3（p.20、第1章）",
        "[ch1-3-after] パスワード管理ツールの紹介",
        "第1章-3（p.20）の後に追加　｜　担当：？（未定）　｜　状態：執筆中",
        "付録（p.102）に追記",
        "付録（p.100～101）を削除　｜　担当：編集部全員",
        "状態：査読中",
    ] {
        assert!(
            by_section.contains(needle),
            "missing {needle:?} in\n{by_section}"
        );
    }
}

#[test]
fn broken_style_overrides_are_reported_by_check() {
    // Intent: a template that does not compile and a style sheet key that does not exist
    // are located errors at `check`, before any build.
    let (work, m) = minimal_copy("style-check");
    std::fs::create_dir_all(m.join("styles/html")).expect("styles");
    std::fs::write(m.join("styles/changelog.txt.j2"), "ok\n{% for x in %}\n").expect("write");
    std::fs::write(
        m.join("styles/docx.toml"),
        "[fonts]\nbody_latin = \"Century\"\nbody_eastasia = \"x\"\n",
    )
    .expect("write");
    std::fs::write(
        m.join("styles/html/page.html.j2"),
        "<p>{{ doc.title }</p>\n",
    )
    .expect("write");
    let out = run(
        &work,
        &["check", "--manuscript", "m", "--message-format", "json"],
    );
    assert_eq!(code(&out), 1, "{}", text(&out).1);
    let lines = diagnostics(&text(&out).0);
    let find = |file: &str| {
        lines
            .iter()
            .find(|v| v["file"].as_str().is_some_and(|f| f.ends_with(file)))
            .unwrap_or_else(|| panic!("no diagnostic for {file}: {lines:?}"))
    };
    let changelog = find("styles/changelog.txt.j2");
    assert_eq!(changelog["code"], "invalid-style");
    assert_eq!(changelog["line"], 2);
    let docx = find("styles/docx.toml");
    assert_eq!(docx["line"], 3);
    assert!(docx["message"]
        .as_str()
        .unwrap_or("")
        .contains("body_eastasia"));
    let html = find("styles/html/page.html.j2");
    assert_eq!(html["line"], 1);
}

#[test]
fn schema_errors_of_one_file_are_all_reported() {
    // Intent: a misspelt key, two bad values and a wrong type in one file come out together,
    // each at its own line, without a spurious "missing key" for the misspelt one.
    let (work, m) = minimal_copy("schema-errors");
    let part = m.join("parts/01-part1.toml");
    let broken = std::fs::read_to_string(&part)
        .expect("part")
        .replace(
            "title = \"用語の更新\"",
            "titel = \"用語の更新\"\nstatus = \"draft\"\npriority = \"high\"",
        )
        .replace("action = \"revise\"", "action = \"revize\"");
    std::fs::write(&part, broken).expect("write");
    let out = run(
        &work,
        &["check", "--manuscript", "m", "--message-format", "json"],
    );
    assert_eq!(code(&out), 1);
    let got: Vec<String> = diagnostics(&text(&out).0)
        .iter()
        .map(|v| {
            format!(
                "{}:{} {}",
                v["line"],
                v["code"].as_str().unwrap_or(""),
                v["hint"].as_str().unwrap_or("")
            )
        })
        .collect();
    assert_eq!(
        got,
        [
            "8:unknown-key did you mean `title`?",
            "9:unknown-value did you mean `drafting`?",
            "10:invalid-type write a whole number: priority = 4",
            "13:unknown-value did you mean `revise`?",
        ]
    );
}
