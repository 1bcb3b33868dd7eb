//! Hostile inputs beyond the manuscript's text: symlinked folders, network-share links,
//! terminal control characters, binary style files, file names and environment values
//! that are not UTF-8.

use std::os::unix::ffi::OsStrExt;
use std::os::unix::fs::symlink;

use crate::support::{check_json, code, minimal_copy, run, run_within, text};

#[test]
fn style_walks_never_follow_folder_links() {
    // Intent: `styles/a -> .` and `styles/b -> .` (which made check loop forever) and
    // `styles/root -> /` (which walked the whole file system) finish at once: links back
    // into the manuscript are warnings, a link out of it is an error.
    let (work, m) = minimal_copy("walk-loops");
    std::fs::create_dir_all(m.join("styles")).expect("styles");
    symlink(".", m.join("styles/a")).expect("link");
    symlink(".", m.join("styles/b")).expect("link");
    symlink("..", m.join("styles/up")).expect("link");
    let out = run_within(
        &work,
        &["check", "--manuscript", "m", "--message-format", "json"],
        60,
    );
    assert_eq!(code(&out), 0, "{}", text(&out).0);
    let stdout = text(&out).0;
    assert_eq!(
        stdout
            .matches("is a link to a folder, which is not followed")
            .count(),
        3,
        "{stdout}"
    );

    symlink("/", m.join("styles/root")).expect("link");
    for args in [
        &["check", "--manuscript", "m", "--message-format", "json"][..],
        &[
            "build",
            "--manuscript",
            "m",
            "--message-format",
            "json",
            "--out",
            "o",
        ],
    ] {
        let command = args[0];
        let out = run_within(&work, args, 60);
        assert_eq!(code(&out), 1, "{command}: {}", text(&out).1);
        let stdout = text(&out).0;
        assert!(
            stdout.contains("\"code\":\"outside-manuscript\"")
                && stdout.contains("styles/root\\\" points outside the manuscript folder"),
            "{command}: {stdout}"
        );
    }
    assert!(!work.join("o").exists(), "build wrote outputs");
}

#[test]
fn the_styles_folder_itself_may_not_lead_outside() {
    // Intent: a `styles` folder that is a link to `/` is refused before it is walked.
    let (work, m) = minimal_copy("walk-styles-root");
    symlink("/", m.join("styles")).expect("link");
    let out = run_within(
        &work,
        &["check", "--manuscript", "m", "--message-format", "json"],
        60,
    );
    assert_eq!(code(&out), 1);
    assert!(
        text(&out).0.contains("\"code\":\"outside-manuscript\""),
        "{}",
        text(&out).0
    );
}

#[test]
fn network_share_links_are_refused_in_every_url_field() {
    // Intent: `\\host\share\x.docx` (and its percent-encoded and `//` forms) is refused in
    // a Markdown link, a reference's url, the supplement's link, a related item's url and
    // its link: every field that becomes a hyperlink.
    let (work, m) = minimal_copy("unc-links");
    let unc = r"\\\\host\\share\\x.docx"; // TOML basic-string escapes for \\host\share\x.docx
    let supplement = m.join("supplement.toml");
    let text_s = std::fs::read_to_string(&supplement).expect("read").replace(
        "title = \"小さな追補資料\"\n",
        &format!(
            "title = \"小さな追補資料\"\n\n[[supplement.link]]\nlabel = \"l\"\nurl = \"{unc}\"\n\n[[supplement.related]]\nid = \"rel\"\ntitle = \"r\"\nurl = \"%5C%5Chost/share\"\n[[supplement.related.link]]\nlabel = \"l\"\nurl = \"/\\\\host/share\"\n"
        ),
    );
    std::fs::write(&supplement, text_s).expect("write");
    std::fs::write(
        m.join("references.toml"),
        format!("[[reference]]\nid = \"r1\"\ntitle = \"t\"\nurl = \"{unc}\"\n"),
    )
    .expect("write");
    let part = m.join("parts/01-part1.toml");
    let text_p = std::fs::read_to_string(&part).expect("read").replace(
        "body = \"古い用語を新しい用語に置き換える。\"",
        "references = [\"r1\"]\nbody = '''[資料](\\\\host\\share\\x.docx) と [二](%2F%2Fhost/x)'''",
    );
    std::fs::write(&part, text_p).expect("write");
    let (exit, diags) = check_json(&work);
    assert_eq!(exit, 1, "{diags:?}");
    let refused: Vec<String> = diags
        .iter()
        .filter(|d| d["code"] == "link-scheme")
        .map(|d| format!("{}:{}", d["file"].as_str().unwrap_or(""), d["line"]))
        .collect();
    assert_eq!(refused.len(), 6, "{diags:?}");
    for file in ["supplement.toml", "references.toml", "parts/01-part1.toml"] {
        assert!(
            refused.iter().any(|r| r.contains(file)),
            "{file}: {refused:?}"
        );
    }
}

#[test]
fn human_diagnostics_escape_terminal_control_characters() {
    // Intent: ESC and BEL in a manuscript line (an OSC title sequence and a screen clear)
    // are shown as `\u{1b}` / `\u{7}` in the human report, never sent to the terminal raw.
    let (work, m) = minimal_copy("terminal");
    let part = m.join("parts/01-part1.toml");
    let text_p = std::fs::read_to_string(&part).expect("read").replace(
        "title = \"用語の更新\"",
        "title = \"\u{1b}]0;owned\u{7}\u{1b}[2J\"",
    );
    std::fs::write(&part, text_p).expect("write");
    let out = run(&work, &["check", "--manuscript", "m"]);
    assert_eq!(code(&out), 1);
    let stderr = text(&out).1;
    assert!(
        !stderr.contains(['\u{1b}', '\u{7}']),
        "raw control characters: {stderr:?}"
    );
    assert!(stderr.contains(r"\u{1b}]0;owned\u{7}\u{1b}[2J"), "{stderr}");
}

#[test]
fn binary_and_unknown_style_files_are_warnings() {
    // Intent: a binary file in styles/ is the `unknown-style` warning README promises (it
    // used to be an `invalid-utf8` error), and is never read.
    let (work, m) = minimal_copy("binary-style");
    std::fs::create_dir_all(m.join("styles/html")).expect("styles");
    std::fs::write(
        m.join("styles/logo.png"),
        [0x89, b'P', b'N', b'G', 0xff, 0xfe, 0],
    )
    .expect("write");
    std::fs::write(m.join("styles/html/extra.css"), "p{}").expect("write");
    let (exit, diags) = check_json(&work);
    assert_eq!(exit, 0, "{diags:?}");
    let codes: Vec<&str> = diags.iter().filter_map(|d| d["code"].as_str()).collect();
    assert_eq!(codes, ["unknown-style", "unknown-style"], "{diags:?}");
}

#[test]
fn a_part_file_name_that_is_not_utf8_is_reported_as_such() {
    // Intent: `parts/\xff.toml` is an `invalid-utf8` error naming the file, not "cannot
    // read … no such file" (exit 2) as when its name was decoded lossily and looked up.
    let (work, m) = minimal_copy("non-utf8-name");
    let name = std::ffi::OsStr::from_bytes(b"02-\xff.toml");
    std::fs::write(m.join("parts").join(name), "[part]\n").expect("write");
    let (exit, diags) = check_json(&work);
    assert_eq!(exit, 1, "{diags:?}");
    let d = diags
        .iter()
        .find(|d| d["code"] == "invalid-utf8")
        .unwrap_or_else(|| panic!("{diags:?}"));
    assert!(
        d["message"]
            .as_str()
            .is_some_and(|m| m.contains("file name") && m.contains("not valid UTF-8")),
        "{d}"
    );
    assert!(
        d["file"].as_str().is_some_and(|f| f.contains("parts/02-")),
        "{d}"
    );
}

#[test]
fn a_source_date_epoch_that_is_not_utf8_is_refused() {
    // Intent: SOURCE_DATE_EPOCH holding bytes that are not UTF-8 is a usage error like any
    // other bad value, not silently ignored.
    let (work, _) = minimal_copy("epoch-bytes");
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_supplement"))
        .args(["build", "--manuscript", "m", "--out", "o"])
        .current_dir(&work)
        .env("SOURCE_DATE_EPOCH", std::ffi::OsStr::from_bytes(b"17\xff"))
        .output()
        .expect("runs");
    assert_eq!(code(&out), 2, "{}", text(&out).1);
    assert!(text(&out)
        .1
        .contains("SOURCE_DATE_EPOCH must be seconds since 1970"));
    assert!(!work.join("o").exists());
}

#[test]
fn the_styles_walk_is_bounded_in_depth_and_entries() {
    // Intent: folders nested past 4 levels and more than 1,000 entries under styles/ are
    // each one `unknown-style` warning, not walked or read further.
    let (work, m) = minimal_copy("walk-bounds");
    std::fs::create_dir_all(m.join("styles/a/b/c/d/e")).expect("deep");
    std::fs::write(m.join("styles/a/b/c/d/e/labels.toml"), "x").expect("write");
    let (exit, diags) = check_json(&work);
    assert_eq!(exit, 0, "{diags:?}");
    let messages: Vec<&str> = diags.iter().filter_map(|d| d["message"].as_str()).collect();
    assert_eq!(
        messages,
        ["styles/a/b/c/d is nested more than 4 folders deep and is ignored"],
        "{diags:?}"
    );

    let (work, m) = minimal_copy("walk-entries");
    std::fs::create_dir_all(m.join("styles")).expect("styles");
    for i in 0..1_200 {
        std::fs::write(m.join(format!("styles/x{i}.txt")), "").expect("write");
    }
    let (exit, diags) = check_json(&work);
    assert_eq!(exit, 0);
    assert!(
        diags.iter().any(|d| d["message"]
            .as_str()
            .is_some_and(|m| m.contains("styles/ has more than 1000 entries"))),
        "{diags:?}"
    );
    assert!(diags.len() <= 102, "{} diagnostics", diags.len());
}
