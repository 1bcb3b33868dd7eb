//! `supplement import`: maps written by this program read back to the same revision points;
//! a hand-made map in the plan's conventions is typed and loses no node; hostile maps are
//! refused with nothing written; a folder in use is not overwritten unless asked.

use std::io::Write;
use std::path::{Path, PathBuf};

use crate::mindmap::build_maps;
use crate::support::{code, root, run, temp_dir, text};

/// The document view of a manuscript folder, with every point's text as the tests compare
/// it: (title, owners, pages, body as text, topics' titles and bodies as text).
type PointText = (String, Vec<String>, String, String, Vec<(String, String)>);

fn points_text(dir: &Path) -> Vec<PointText> {
    let checked = supplement::check(dir).expect("the manuscript loads");
    assert!(
        checked.is_ok(),
        "{}: {:?}",
        dir.display(),
        checked
            .diagnostics
            .iter()
            .map(|d| &d.message)
            .collect::<Vec<_>>()
    );
    let view = checked.view.expect("a view");
    let text = |b| supplement::emit::text::blocks(view.body(b));
    view.points
        .iter()
        .map(|p| {
            (
                p.title.clone(),
                p.owners.clone(),
                p.pages.clone(),
                text(p.body),
                p.topics
                    .iter()
                    .map(|t| (t.heading.text.clone(), text(t.body)))
                    .collect(),
            )
        })
        .collect()
}

fn import(map: &Path, out: &Path, extra: &[&str]) -> std::process::Output {
    let mut args = vec![
        "import",
        map.to_str().expect("utf8"),
        "--out",
        out.to_str().expect("utf8"),
    ];
    args.extend(extra);
    run(&root(), &args)
}

/// What each format keeps of a body, as this test holds it: every format keeps the text
/// of every revision point and topic — titles, owners, pages, bodies — line for line. What
/// none keeps is the body's formatting other than list items: emphasis, strong, links
/// (their text and address stay as text), tables (their cells stay as `| a | b |` lines),
/// quotes and code come back as plain text. FreeMind keeps the formatting in its
/// rich-content note for people reading the map, but import reads notes as text in every
/// format alike; OPML and XMind notes are plain text to begin with. Owners' hand-overs,
/// pages, priorities and markers survive in every format (as attributes, labels or icons,
/// else as note lines); label overrides of the manuscript (`styles/labels.toml`) do not
/// travel with a map, so an imported manuscript shows the built-in words.
#[test]
fn round_trip_keeps_every_revision_points_text() {
    // Intent: manuscript/ and examples/full → mm, opml, xmind, mmap → import → check passes and
    // every revision point has the same title, owners, pages and body text as before, as
    // do its topics; and lists stay lists while emphasis does not survive (the stated loss).
    for (m, name) in [("manuscript", "rt-bundled"), ("examples/full", "rt-full")] {
        let original = points_text(&root().join(m));
        let maps = build_maps(m, name);
        for format in ["mm", "opml", "xmind", "mmap"] {
            let out = temp_dir(&format!("{name}-{format}")).join("imported");
            let result = import(&maps[format], &out, &[]);
            assert_eq!(code(&result), 0, "{m} via {format}: {}", text(&result).1);
            let back = points_text(&out);
            assert_eq!(
                back.len(),
                original.len(),
                "{m} via {format}: number of points"
            );
            for (a, b) in original.iter().zip(&back) {
                assert_eq!(a, b, "{m} via {format}");
            }
            // The stated loss: no emphasis or strong text comes back; lists do.
            let view = supplement::check(&out).unwrap().view.unwrap();
            let json = serde_json::to_string(&view.bodies).unwrap();
            assert!(!json.contains("\"emphasis\"") && !json.contains("\"strong\""));
            if m == "examples/full" {
                assert!(json.contains("\"list\""), "{format}: lists are kept");
            }
        }
    }
}

#[test]
fn a_hand_made_map_is_typed_and_loses_no_node() {
    // Intent: a map written by hand in the plan's conventions (【担当：…】 with ⇒ and ？,
    // 改訂箇所 lines in a note and as a title, priority and smiley icons, dated history)
    // becomes typed fields; what import does not know (an unknown icon, an attribute, an
    // undated history entry, nesting deeper than a manuscript allows) is kept and warned
    // about with the node's path; every node's text is in the new manuscript.
    let fixture = root().join("tests/fixtures/import/hand-made.mm");
    let out = temp_dir("import-hand-made").join("m");
    let result = import(&fixture, &out, &["-v"]);
    let (stdout, stderr) = text(&result);
    assert_eq!(code(&result), 0, "{stderr}");
    let xml = std::fs::read_to_string(&fixture).unwrap();
    let doc = roxmltree::Document::parse(&xml).unwrap();
    let texts: Vec<&str> = doc
        .descendants()
        .filter(|n| n.has_tag_name("node"))
        .filter_map(|n| n.attribute("TEXT"))
        .collect();
    assert!(
        stdout.contains(&format!("read {} nodes", texts.len())),
        "{stdout}"
    );
    assert_eq!(stdout.matches(" -> ").count(), texts.len(), "{stdout}");
    assert!(
        stderr.contains("button_ok"),
        "the unknown icon is named: {stderr}"
    );
    assert!(
        stderr.contains("いつかの打ち合わせ"),
        "the undated entry is named: {stderr}"
    );
    assert!(
        stderr.contains("第十三層"),
        "the too-deep topic is named: {stderr}"
    );

    let dump = run(&root(), &["dump", "--manuscript", out.to_str().unwrap()]);
    assert_eq!(code(&dump), 0, "{}", text(&dump).1);
    let all = String::from_utf8_lossy(&dump.stdout).into_owned();
    let view: serde_json::Value = serde_json::from_str(&all).unwrap();
    // A node typed by a convention is found by what it typed: a history entry by its
    // summary, an owners node by the owners, a place title by its section.
    for t in &texts {
        let mut candidates = vec![t.to_string()];
        candidates.extend(t.rsplit(['】', '）']).next().map(str::to_string));
        if let Some(inner) = t
            .strip_prefix("【担当：")
            .and_then(|x| x.strip_suffix('】'))
        {
            candidates.push(inner.to_string());
        }
        if let Some(place) = t.strip_prefix("改訂箇所：") {
            candidates.extend(place.split([' ', '(']).next().map(str::to_string));
        }
        let found = candidates
            .iter()
            .any(|c| !c.is_empty() && all.contains(c.as_str()));
        assert!(found, "the node {t:?} is not in the imported manuscript");
    }
    let point = &view["points"][0];
    assert_eq!(point["title"], "事業継続計画の見直し");
    assert_eq!(point["priority"]["n"], 5);
    assert_eq!(point["markers"][0]["text"], "😊");
    assert_eq!(point["owners"][0], "伊藤⇒中山");
    assert_eq!(point["target_text"], "Mission4-1");
    assert_eq!(point["action"], "revise");
    assert!(point["action_phrase"]
        .as_str()
        .unwrap()
        .contains("必要に応じて追加"));
    let second = &view["points"][1];
    assert_eq!(second["action"], "add-after");
    assert!(!second["titled"].as_bool().unwrap());
    assert_eq!(
        view["parts"][0]["plan_heading"],
        "【Mission04】 もしもマニュアル"
    );
    assert_eq!(view["parts"][0]["label"], "Mission04");
    assert_eq!(view["history"][0]["date"]["iso"], "2021-02-03");
    assert_eq!(view["history"][1]["date"]["iso"], "2020-12-01");
    assert_eq!(view["floating_topics"][0]["priority"]["n"], 4);
}

fn hostile(dir: &Path, name: &str, bytes: &[u8]) -> PathBuf {
    let path = dir.join(name);
    std::fs::write(&path, bytes).unwrap();
    path
}

fn zipped(entries: &[(&str, &[u8])]) -> Vec<u8> {
    let mut zip = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    let options = zip::write::SimpleFileOptions::default()
        .compression_method(zip::CompressionMethod::Deflated);
    for (name, bytes) in entries {
        zip.start_file(*name, options).unwrap();
        zip.write_all(bytes).unwrap();
    }
    zip.finish().unwrap().into_inner()
}

#[test]
fn hostile_maps_are_refused_and_nothing_is_written() {
    // Intent: entity expansion, external entities, zip bombs, too many zip entries, deep
    // nesting, too many nodes, huge files, malformed XML and JSON, and files that are not
    // UTF-8 each stop the import with an error naming the file (and the place, when there
    // is one), exit 1, and leave no output folder and no temporary folder behind.
    let dir = temp_dir("import-hostile");
    let laughs = format!(
        "<?xml version=\"1.0\"?>\n<!DOCTYPE map [<!ENTITY a \"aaaaaaaaaa\">{}]>\n<map version=\"1.0.1\"><node TEXT=\"&j;\"/></map>",
        (b'b'..=b'j')
            .map(|c| format!("<!ENTITY {} \"{}\">", c as char, format!("&{};", (c - 1) as char).repeat(10)))
            .collect::<String>()
    );
    let deep = format!(
        "<map version=\"1.0.1\">{}{}</map>",
        "<node TEXT=\"x\">".repeat(300),
        "</node>".repeat(300)
    );
    let many = format!(
        "<opml version=\"2.0\"><head/><body><outline text=\"r\">{}</outline></body></opml>",
        "<outline text=\"n\"/>".repeat(20_001)
    );
    let deep_json = format!("{}{}", "[".repeat(200), "]".repeat(200));
    let bomb = vec![b' '; 65 * 1024 * 1024];
    let names: Vec<String> = (0..1001).map(|i| format!("f{i}.xml")).collect();
    let entries: Vec<(&str, &[u8])> = names.iter().map(|n| (n.as_str(), &b"x"[..])).collect();
    let cases: Vec<(PathBuf, &str)> = vec![
        (hostile(&dir, "laughs.mm", laughs.as_bytes()), "DOCTYPE"),
        (
            hostile(
                &dir,
                "external.opml",
                b"<?xml version=\"1.0\"?>\n<!DOCTYPE opml SYSTEM \"file:///etc/passwd\">\n<opml/>",
            ),
            "line 2",
        ),
        (
            hostile(
                &dir,
                "entity.mm",
                b"<map version=\"1.0.1\">\n<node TEXT=\"&xxe;\"/></map>",
            ),
            "line 2",
        ),
        (hostile(&dir, "deep.mm", deep.as_bytes()), "nested"),
        (hostile(&dir, "many.opml", many.as_bytes()), "20000"),
        (
            hostile(
                &dir,
                "broken.mm",
                b"<map version=\"1.0.1\">\n<node TEXT=\"a\">\n</map>",
            ),
            "line 3",
        ),
        (
            hostile(
                &dir,
                "latin1.opml",
                b"<opml><body><outline text=\"\xe9\"/></body></opml>",
            ),
            "UTF-8",
        ),
        (
            hostile(&dir, "bomb.xmind", &zipped(&[("content.json", &bomb)])),
            "zip bomb",
        ),
        (hostile(&dir, "entries.mmap", &zipped(&entries)), "entries"),
        (
            hostile(
                &dir,
                "deep.xmind",
                &zipped(&[("content.json", deep_json.as_bytes())]),
            ),
            "content.json",
        ),
        (hostile(&dir, "notzip.xmind", b"PK not really"), "zip"),
        (
            hostile(&dir, "nodoc.mmap", &zipped(&[("other.xml", b"<a/>")])),
            "Document.xml",
        ),
    ];
    let huge = dir.join("huge.opml");
    std::fs::File::create(&huge)
        .unwrap()
        .set_len(33 * 1024 * 1024)
        .unwrap();
    let mut cases = cases;
    cases.push((huge, "bytes"));
    for (path, expect) in cases {
        let out = dir.join("out");
        let result = run_within_import(&path, &out);
        let (_, stderr) = text(&result);
        assert_eq!(code(&result), 1, "{}: {stderr}", path.display());
        let file = path.file_name().unwrap().to_str().unwrap();
        assert!(stderr.contains(file), "the error names the file: {stderr}");
        assert!(
            stderr.contains(expect),
            "{file}: expected {expect:?} in {stderr}"
        );
        assert!(!out.exists(), "{file}: an output folder was written");
        let leftovers: Vec<_> = std::fs::read_dir(&dir)
            .unwrap()
            .filter_map(|e| e.ok())
            .filter(|e| e.file_name().to_string_lossy().contains(".import-"))
            .collect();
        assert!(leftovers.is_empty(), "{file}: a temporary folder was left");
    }
}

fn run_within_import(map: &Path, out: &Path) -> std::process::Output {
    crate::support::run_within(
        &root(),
        &[
            "import",
            map.to_str().unwrap(),
            "--out",
            out.to_str().unwrap(),
        ],
        60,
    )
}

#[test]
fn import_refuses_a_folder_in_use_unless_forced() {
    // Intent: a non-empty output folder is refused (exit 2, nothing touched); with --force
    // its manuscript files are replaced, its stale parts removed and its other files kept.
    let dir = temp_dir("import-force");
    let out = dir.join("m");
    std::fs::create_dir_all(out.join("parts")).unwrap();
    std::fs::write(out.join("NOTES.md"), "keep me").unwrap();
    std::fs::write(out.join("parts/99-stale.toml"), "stale").unwrap();
    let fixture = root().join("tests/fixtures/import/hand-made.mm");
    let refused = import(&fixture, &out, &[]);
    assert_eq!(code(&refused), 2, "{}", text(&refused).1);
    assert!(text(&refused).1.contains("--force"));
    assert!(!out.join("supplement.toml").exists());
    let forced = import(&fixture, &out, &["--force"]);
    assert_eq!(code(&forced), 0, "{}", text(&forced).1);
    assert_eq!(
        std::fs::read_to_string(out.join("NOTES.md")).unwrap(),
        "keep me"
    );
    assert!(!out.join("parts/99-stale.toml").exists());
    let check = run(&root(), &["check", "--manuscript", out.to_str().unwrap()]);
    assert_eq!(code(&check), 0, "{}", text(&check).1);
}
