//! `supplement diff`: two versions of examples/full that differ in every kind of change,
//! the exact records, the Markdown for a pull request, git revisions, exit codes.

use std::path::{Path, PathBuf};
use std::process::Command;

use crate::support::{code, copy_dir, root, run, temp_dir, text};

/// Replaces the one occurrence of `old` in a file of the manuscript.
fn edit(m: &Path, file: &str, old: &str, new: &str) {
    let path = m.join(file);
    let text = std::fs::read_to_string(&path).expect("read");
    assert_eq!(
        text.matches(old).count(),
        1,
        "{file}: {old:?} is not there once"
    );
    std::fs::write(&path, text.replacen(old, new, 1)).expect("write");
}

/// examples/full as it is (`work/v1`) and a second version (`work/v2`) with one change of
/// every kind: document fields, a section, a member and a history entry added, a reason
/// retitled, a reference removed, a form's address, a floating topic's priority, a part's
/// owners, a point added, removed, renamed and moved, a point's status, due date, owners
/// and body, a topic added, removed and reworded.
fn two_versions(name: &str) -> (PathBuf, PathBuf, PathBuf) {
    let work = temp_dir(name);
    let v1 = work.join("v1");
    let v2 = work.join("v2");
    copy_dir(&root().join("examples/full"), &v1);
    copy_dir(&root().join("examples/full"), &v2);
    let s = "supplement.toml";
    edit(
        &v2,
        s,
        "date = \"2024-04-01\"\nauthor",
        "date = \"2024-06-01\"\nauthor",
    );
    edit(
        &v2,
        s,
        "subtitle = \"全機能の見本\"",
        "subtitle = \"全機能の見本（改訂）\"",
    );
    edit(
        &v2,
        s,
        "label = \"第1章-3\"\npart = \"chapter1\"\npages = \"20\"",
        "label = \"第1章-3\"\npart = \"chapter1\"\npages = \"20-21\"",
    );
    edit(
        &v2,
        s,
        "[[team]]\nid = \"editors\"",
        "[[team]]\nid = \"yamada\"\nname = \"山田\"\n\n[[team]]\nid = \"editors\"",
    );
    edit(
        &v2,
        s,
        "[[history]]\ndate = \"2024-04-01\"",
        "[[history]]\ndate = \"2024-06-01\"\nsummary = \"第3版：チェックシートを更新\"\n\n[[history]]\ndate = \"2024-04-01\"",
    );
    edit(
        &v2,
        s,
        "title = \"脅威の最新トレンド対応\"",
        "title = \"脅威の最新動向への対応\"",
    );
    edit(
        &v2,
        s,
        "url = \"https://example.com/full-01/?lang=ja&view=all\"",
        "url = \"https://example.com/full-01/\"",
    );
    edit(
        &v2,
        s,
        "priority = 3\nmarkers = [\"💡\"]",
        "priority = 2\nmarkers = [\"💡\"]",
    );
    edit(
        &v2,
        "references.toml",
        "\n[[reference]]\nid = \"mail-contact\"\ntitle = \"問い合わせ窓口\"\nurl = \"mailto:info@example.com\"\n",
        "\n",
    );
    edit(
        &v2,
        "parts/01-front.toml",
        "[[point]]\nid = \"preface-rewrite\"",
        "[[point]]\nid = \"preface-glossary\"\ntitle = \"用語集の追加\"\ntargets = [\"preface\"]\npages = [\"5\"]\naction = \"add-to\"\nowners = [\"yamada\"]\nbody = \"巻末に用語集を設ける。\"\n\n[[point]]\nid = \"preface-rewrite\"",
    );
    let c1 = "parts/02-chapter1.toml";
    edit(
        &v2,
        c1,
        "owners = [\"suzuki\"]\n\n[[point]]",
        "owners = [\"suzuki\", \"sato\"]\n\n[[point]]",
    );
    edit(&v2, c1, "status = \"review\"", "status = \"done\"");
    edit(&v2, c1, "due = 2024-05-15", "due = 2024-06-30");
    edit(
        &v2,
        c1,
        "owners = [\"tanaka -> suzuki\"]",
        "owners = [\"suzuki\"]",
    );
    edit(
        &v2,
        c1,
        "定期変更の推奨をやめ、長いパスフレーズを勧める。",
        "定期変更の推奨をやめ、十分に長いパスフレーズを勧める。",
    );
    edit(
        &v2,
        c1,
        "after = \"パスワードに加えて、生体認証や FIDO で本人を確認する。\"",
        "after = \"パスワードに加えて、FIDO2 で本人を確認する。\"",
    );
    // Remove the last point of chapter 1, and give the passphrase topic a second sub-topic.
    let path = v2.join(c1);
    let text = std::fs::read_to_string(&path).expect("read");
    let cut = text
        .find("\n[[point]]\nid = \"ch1-3-after\"")
        .expect("ch1-3-after");
    std::fs::write(
        &path,
        format!(
            "{}\n[[point.topic.topic]]\ntitle = \"使い回し対策\"\nbody = \"サービスごとに別のパスフレーズを使う。\"\n",
            &text[..cut]
        ),
    )
    .expect("write");
    // Rename a point, drop a reference from another, move a third to the top of its part,
    // and remove a part topic's sub-topic.
    let back = "parts/03-back.toml";
    edit(
        &v2,
        back,
        "id = \"appendix-old-list\"",
        "id = \"appendix-link-list-removal\"",
    );
    edit(
        &v2,
        back,
        "references = [\"law-2022\", \"mail-contact\"]",
        "references = [\"law-2022\"]",
    );
    edit(
        &v2,
        back,
        "\n[[topic.topic]]\ntitle = \"主な参考文献\"\n",
        "\n",
    );
    let path = v2.join(back);
    let text = std::fs::read_to_string(&path).expect("read");
    let start = text
        .find("# No title: the heading")
        .expect("appendix-add-to");
    let end = text.find("[[topic]]").expect("topic");
    let block = &text[start..end];
    let rest = format!("{}{}", &text[..start], &text[end..]);
    let first = rest
        .find("[[point]]\nid = \"appendix-new\"")
        .expect("appendix-new");
    std::fs::write(
        &path,
        format!("{}{block}{}", &rest[..first], &rest[first..]),
    )
    .expect("write");
    (work, v1, v2)
}

/// A record as the test states it: kind, entity, id, field, and its values (old → new for
/// a single value; +added −removed for a set; the old id for a rename).
fn brief(r: &serde_json::Value) -> String {
    let s = |k: &str| r[k].as_str().unwrap_or_default().to_string();
    let list = |k: &str| {
        r[k].as_array()
            .map(|a| {
                a.iter()
                    .filter_map(|x| x.as_str())
                    .collect::<Vec<_>>()
                    .join("|")
            })
            .unwrap_or_default()
    };
    let mut out = format!("{} {} {}", s("kind"), s("entity"), s("id"));
    if let Some(f) = r["field"].as_str() {
        out.push_str(&format!(" {f}"));
    }
    if r["added"].is_array() || r["removed"].is_array() {
        out.push_str(&format!(" +{} -{}", list("added"), list("removed")));
    } else if r["old"].is_string() || r["new"].is_string() {
        out.push_str(&format!(": {} -> {}", s("old"), s("new")));
    }
    if let Some(o) = r["old_id"].as_str() {
        out.push_str(&format!(" (was {o})"));
    }
    out
}

#[test]
fn every_kind_of_change_is_one_exact_record_in_document_order() {
    // Intent: each edit of two_versions is reported once, as what it is — a renamed point
    // as renamed (not removed + added), a reordered one as moved, a set as what joined and
    // left it — grouped document-wide first, then part by part, with both locations.
    let (work, _, _) = two_versions("diff-records");
    let out = run(&work, &["diff", "v1", "v2", "--message-format", "json"]);
    let (stdout, stderr) = text(&out);
    assert_eq!(code(&out), 0, "{stderr}");
    let records: Vec<serde_json::Value> = stdout
        .lines()
        .map(|l| serde_json::from_str(l).expect("one JSON object per line"))
        .collect();
    let got: Vec<String> = records.iter().map(brief).collect();
    // The body's figure, as prose compares it (its text and caption lines).
    const FIGURE: &str = "［図：パスワードの文字数ごとの解読時間を示す棒グラフ。文字数が増えるほど時間が急に長くなる］\n図1　パスワードの長さと解読にかかる時間";
    let body = format!("changed point password-basics body: 定期変更の推奨をやめ、長いパスフレーズを勧める。\n{FIGURE} -> 定期変更の推奨をやめ、十分に長いパスフレーズを勧める。\n{FIGURE}");
    let want = [
        "changed document FULL-01 subtitle: 全機能の見本 -> 全機能の見本（改訂）",
        "changed document FULL-01 date: 2024年4月1日 -> 2024年6月1日",
        "changed section ch1-3 pages: p.20 -> p.20～21",
        "added member yamada",
        "added history 2024-06-01",
        "changed reason trends title: 脅威の最新トレンド対応 -> 脅威の最新動向への対応",
        "removed reference mail-contact",
        "changed form 公開ページ url: https://example.com/full-01/?lang=ja&view=all -> https://example.com/full-01/",
        "changed floating 未整理のアイデア priority: 優先度 3 -> 優先度 2",
        "added point preface-glossary",
        "changed point preface-rewrite reasons +脅威の最新動向への対応 -脅威の最新トレンド対応",
        "changed part chapter1 owners +佐藤 -",
        "changed point password-basics status: 査読中 -> 完了",
        "changed point password-basics due: 2024年5月15日 -> 2024年6月30日",
        "changed point password-basics owners +鈴木 -田中（一）⇒鈴木",
        body.as_str(),
        "changed topic password-basics/パスフレーズ/多要素認証 after: パスワードに加えて、生体認証や FIDO で本人を確認する。 -> パスワードに加えて、FIDO2 で本人を確認する。",
        "added topic password-basics/パスフレーズ/使い回し対策",
        "removed point ch1-3-after",
        "moved point appendix-add-to position: 3 -> 1",
        "changed point appendix-new references + -問い合わせ窓口",
        "renamed point appendix-link-list-removal (was appendix-old-list)",
        "removed topic back/参考文献リスト/主な参考文献",
    ];
    assert_eq!(got, want, "\n{}", got.join("\n"));

    // Locations: the new side's for what is there, the old side's for what went.
    let located = |i: usize, key: &str| {
        let l = &records[i][key];
        format!(
            "{}:{}",
            l["file"].as_str().unwrap_or_default().replace('\\', "/"),
            l["line"]
        )
    };
    assert_eq!(located(9, "new_location"), "v2/parts/01-front.toml:9");
    assert_eq!(located(18, "old_location"), "v1/parts/02-chapter1.toml:39");
    assert!(records[18]["new_location"].is_null());
    // The wording of changed prose comes with the record.
    let wording = records[15]["wording"].as_array().expect("wording");
    assert!(wording
        .iter()
        .any(|c| c["kind"] == "added" && c["text"] == "十分に"));
    // The part of every record in a part group.
    assert_eq!(records[20]["part"], "back");
}

#[test]
fn the_markdown_for_a_pull_request_matches_its_reviewed_snapshot() {
    // Intent: the comment a workflow posts is reviewed as a whole: heading, counts, one
    // list per group, struck and inserted wording, escaped text. UPDATE_SNAPSHOTS=1 to
    // accept a change, then read the diff.
    let (work, _, _) = two_versions("diff-markdown");
    let out = run(&work, &["diff", "v1", "v2", "--message-format", "markdown"]);
    assert_eq!(code(&out), 0, "{}", text(&out).1);
    let got = String::from_utf8(out.stdout).expect("utf8");
    let path = root().join("tests/snapshots/diff-full.md");
    if std::env::var_os("UPDATE_SNAPSHOTS").is_some() {
        std::fs::write(&path, &got).expect("write snapshot");
    }
    let want = std::fs::read_to_string(&path).expect("tests/snapshots/diff-full.md");
    assert!(
        got == want,
        "the Markdown differs from tests/snapshots/diff-full.md:\n{got}"
    );
    // And it is what pandoc reads as Markdown with the struck and inserted words intact.
    assert!(got.contains("<ins>十分に</ins>"), "{got}");
    assert!(got.contains("<del>生体認証や </del>"), "{got}");
}

#[test]
fn the_same_manuscript_has_no_changes_and_exit_codes_follow_git_diff() {
    // Intent: diffing a manuscript with itself reports nothing and exits 0, even with
    // --exit-code; two versions that differ exit 1 with --exit-code and 0 without.
    let out = run(
        &root(),
        &["diff", "manuscript", "manuscript", "--exit-code"],
    );
    let (stdout, stderr) = text(&out);
    assert_eq!(code(&out), 0, "{stderr}");
    assert_eq!(stdout.trim(), "変更はありません。");
    let out = run(
        &root(),
        &[
            "diff",
            "manuscript",
            "manuscript",
            "--message-format",
            "json",
        ],
    );
    assert!(out.stdout.is_empty());

    let (work, _, _) = two_versions("diff-exit");
    assert_eq!(code(&run(&work, &["diff", "v1", "v2", "--exit-code"])), 1);
    assert_eq!(code(&run(&work, &["diff", "v1", "v2"])), 0);
}

#[test]
fn a_version_with_errors_is_shown_and_nothing_is_compared() {
    // Intent: both sides are validated; a broken one prints its located diagnostics,
    // nothing goes to stdout, and the exit code is 2 (1 means "different").
    let (work, _, v2) = two_versions("diff-broken");
    crate::support::append(&v2.join("supplement.toml"), "\n[oops\n");
    let out = run(&work, &["diff", "v1", "v2", "--exit-code"]);
    let (stdout, stderr) = text(&out);
    assert_eq!(code(&out), 2, "{stderr}");
    assert!(stdout.is_empty(), "{stdout}");
    assert!(stderr.contains("v2/supplement.toml:"), "{stderr}");
    assert!(stderr.contains("nothing was compared"), "{stderr}");
    // A folder that is not there is an error too, naming it.
    let out = run(&work, &["diff", "v1", "nowhere"]);
    assert_eq!(code(&out), 2);
    assert!(text(&out).1.contains("nowhere"));
}

#[test]
fn github_annotations_point_at_the_changed_lines() {
    // Intent: --message-format github prints one workflow command per change, on the
    // changed line of the new version; what was removed is annotated at its old line.
    let (work, _, _) = two_versions("diff-github");
    let out = run(&work, &["diff", "v1", "v2", "--message-format", "github"]);
    let (stdout, _) = text(&out);
    let lines: Vec<&str> = stdout.lines().collect();
    assert_eq!(lines.len(), 23, "{stdout}");
    assert!(lines.iter().all(|l| l.starts_with("::notice ")), "{stdout}");
    assert!(
        lines
            .iter()
            .any(|l| l.contains("file=v2/parts/02-chapter1.toml,line=9,") && l.contains("完了")),
        "{stdout}"
    );
    assert!(
        lines
            .iter()
            .any(|l| l.contains("file=v1/parts/02-chapter1.toml,line=39,")),
        "{stdout}"
    );
}

fn git(dir: &Path, args: &[&str]) -> String {
    let out = Command::new("git")
        .args(args)
        .current_dir(dir)
        .env("GIT_AUTHOR_NAME", "test")
        .env("GIT_AUTHOR_EMAIL", "test@example.com")
        .env("GIT_COMMITTER_NAME", "test")
        .env("GIT_COMMITTER_EMAIL", "test@example.com")
        .env("GIT_AUTHOR_DATE", "2024-05-01T00:00:00Z")
        .env("GIT_COMMITTER_DATE", "2024-05-01T00:00:00Z")
        .output()
        .expect("git runs");
    assert!(
        out.status.success(),
        "git {args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stdout).into_owned()
}

#[test]
fn git_revisions_are_compared_without_touching_the_working_tree() {
    // Intent: two commits of a temporary repository are compared by revision (A..B) and a
    // revision against the working tree; files are named as git names them; the working
    // tree and the index are exactly as before.
    let (work, v1, v2) = two_versions("diff-git");
    let repo = work.join("repo");
    std::fs::create_dir_all(&repo).expect("repo");
    git(&repo, &["init", "-q"]);
    let m = repo.join("docs/manuscript");
    copy_dir(&v1, &m);
    git(&repo, &["add", "."]);
    git(&repo, &["commit", "-q", "-m", "v1"]);
    std::fs::remove_dir_all(&m).expect("clear");
    copy_dir(&v2, &m);
    git(&repo, &["add", "."]);
    git(&repo, &["commit", "-q", "-m", "v2"]);
    // An uncommitted edit in the working tree, which A..B must not see.
    crate::support::append(&m.join("supplement.toml"), "\n# local edit\n");
    let status_before = git(&repo, &["status", "--porcelain"]);

    let dir = m.to_str().expect("utf8");
    let out = run(
        &repo,
        &[
            "diff",
            "--git",
            "HEAD~1..HEAD",
            "-m",
            dir,
            "--message-format",
            "json",
        ],
    );
    let (stdout, stderr) = text(&out);
    assert_eq!(code(&out), 0, "{stderr}");
    let records: Vec<serde_json::Value> = stdout
        .lines()
        .map(|l| serde_json::from_str(l).expect("json"))
        .collect();
    assert_eq!(records.len(), 23, "{stdout}");
    assert!(records
        .iter()
        .any(|r| brief(r) == "renamed point appendix-link-list-removal (was appendix-old-list)"));
    let removed = records
        .iter()
        .find(|r| r["id"] == "ch1-3-after")
        .expect("removed point");
    assert_eq!(
        removed["old_location"]["file"],
        "HEAD~1:docs/manuscript/parts/02-chapter1.toml"
    );

    // A revision against the working tree (the same changes: the local edit is a comment).
    let out = run(
        &repo,
        &[
            "diff",
            "--git",
            "HEAD~1",
            "-m",
            dir,
            "--message-format",
            "json",
        ],
    );
    assert_eq!(code(&out), 0, "{}", text(&out).1);
    assert_eq!(text(&out).0.lines().count(), 23);
    // Nothing to compare between a commit and itself.
    let out = run(
        &repo,
        &["diff", "--git", "HEAD..HEAD", "-m", dir, "--exit-code"],
    );
    assert_eq!(code(&out), 0, "{}", text(&out).1);

    assert_eq!(git(&repo, &["status", "--porcelain"]), status_before);
    // A revision that does not exist is a clear error.
    let out = run(&repo, &["diff", "--git", "no-such-rev", "-m", dir]);
    assert_eq!(code(&out), 2);
    assert!(text(&out).1.contains("no-such-rev"), "{}", text(&out).1);
}

#[test]
fn build_since_adds_the_changes_appendix_to_every_format() {
    // Intent: `build --since REV` adds 変更点 as the last section of the changelog, the
    // page and the Word document, from the same diff: the since-line with the commit's
    // date, the counts, each change under its part, links to what is still there; a
    // folder works as well as a revision; without --since there is no such section.
    let (work, v1, v2) = two_versions("diff-since");
    let repo = work.join("repo");
    std::fs::create_dir_all(&repo).expect("repo");
    git(&repo, &["init", "-q"]);
    let m = repo.join("m");
    copy_dir(&v1, &m);
    git(&repo, &["add", "."]);
    git(&repo, &["commit", "-q", "-m", "v1"]);
    std::fs::remove_dir_all(&m).expect("clear");
    copy_dir(&v2, &m);

    let out = run(&repo, &["build", "m", "--since", "HEAD", "--out", "out"]);
    assert_eq!(code(&out), 0, "{}", text(&out).1);
    let changelog =
        std::fs::read_to_string(repo.join("out/FULL-01.changelog.txt")).expect("changelog");
    let appendix = &changelog[changelog.find("■ 変更点").expect("the appendix")..];
    assert!(
        appendix.contains("HEAD（2024年5月1日）からの変更"),
        "{appendix}"
    );
    assert!(
        appendix.contains("追加 4、削除 3、名称変更 1、移動 1、変更 14"),
        "{appendix}"
    );
    assert!(
        appendix.contains(
            "- 変更 改訂箇所 password-basics「パスワードの基本の更新」 状態：査読中 → 完了"
        ),
        "{appendix}"
    );
    assert!(appendix.contains("{+十分に+}"), "{appendix}");
    assert!(!changelog[..changelog.find("■ 変更点").unwrap_or(0)].contains("変更点"));

    let html = std::fs::read_to_string(repo.join("out/FULL-01.html")).expect("html");
    let section = &html[html
        .find("<section class=\"section-changes\"")
        .expect("html appendix")..];
    assert!(section.contains("<ins>十分に</ins>"), "{section}");
    // Every link in the appendix goes to an id the page has.
    for (i, _) in section.match_indices("href=\"#") {
        let rest = &section[i + 7..];
        let id = &rest[..rest.find('"').expect("quote")];
        assert!(html.contains(&format!("id=\"{id}\"")), "dangling #{id}");
    }
    // The removed point is named but not linked.
    assert!(
        section.contains("削除</span> 改訂箇所 ch1-3-after「パスワード管理ツールの紹介」"),
        "{section}"
    );

    let docx = std::fs::read(repo.join("out/FULL-01.docx")).expect("docx");
    let xml = crate::comparison::document_xml(docx);
    assert!(xml.contains("変更点"), "no 変更点 in the Word document");
    assert!(
        xml.contains("<w:strike/>") || xml.contains("<w:strike "),
        "removed words are struck through"
    );

    // A folder names the earlier version just as well (no date then).
    let out = run(
        &work,
        &[
            "build",
            "v2",
            "--since",
            "v1",
            "--format",
            "changelog",
            "--out",
            "out2",
        ],
    );
    assert_eq!(code(&out), 0, "{}", text(&out).1);
    let changelog =
        std::fs::read_to_string(work.join("out2/FULL-01.changelog.txt")).expect("changelog");
    assert!(changelog.contains("v1からの変更"), "{changelog}");

    // Without --since: no appendix.
    let out = run(
        &work,
        &["build", "v2", "--format", "changelog", "--out", "out3"],
    );
    assert_eq!(code(&out), 0);
    let changelog =
        std::fs::read_to_string(work.join("out3/FULL-01.changelog.txt")).expect("changelog");
    assert!(!changelog.contains("■ 変更点"));

    // A revision that is not there stops the build before anything is written.
    let out = run(
        &repo,
        &["build", "m", "--since", "no-such-rev", "--out", "out4"],
    );
    assert_eq!(code(&out), 2, "{}", text(&out).1);
    assert!(!repo.join("out4").exists());
}
