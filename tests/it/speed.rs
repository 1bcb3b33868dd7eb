//! The fast paths give the same bytes as the plain ones: rendering on two threads as on
//! one, the preview's incremental rebuild as a rebuild from scratch. Timings are measured
//! by scripts/bench and scripts/reload-latency, never here.

use std::path::{Path, PathBuf};

use supplement::emit::{self, EmitError, Emitter, OutputFile, RenderOptions};

use crate::support::{root, temp_dir};

/// The manuscripts the fast paths are compared on: the bundled one, the full example and
/// a synthetic one of scale 10 (written once per test run).
fn manuscripts(name: &str) -> Vec<PathBuf> {
    let synthetic = temp_dir(name).join("scale10");
    supplement::synth::write(&synthetic, 10).expect("synthetic manuscript");
    vec![
        root().join("manuscript"),
        root().join("examples/full"),
        synthetic,
    ]
}

fn checked(dir: &Path) -> supplement::Checked {
    let checked = supplement::check(dir).expect("loads");
    assert!(
        checked.is_ok(),
        "{}: {:?}",
        dir.display(),
        checked.diagnostics
    );
    checked
}

fn names_and_bytes(files: Vec<OutputFile>) -> Vec<(String, Vec<u8>)> {
    files.into_iter().map(|f| (f.name, f.bytes)).collect()
}

#[test]
fn rendering_on_two_threads_gives_the_bytes_of_one() {
    // Intent: `build` renders the emitters side by side; every file, in order, must be
    // byte for byte what rendering them one after the other gives, for every built-in
    // format, on the bundled, the full and a synthetic manuscript.
    let options = RenderOptions {
        source_date_epoch: Some(1_700_000_000),
    };
    for dir in manuscripts("speed-render") {
        let checked = checked(&dir);
        let view = checked.view.as_ref().expect("view");
        let all: Vec<&dyn Emitter> = emit::REGISTRY.to_vec();
        let one = emit::render_on(1, &all, view, &checked.styles, &options).expect("renders");
        let two = emit::render_on(2, &all, view, &checked.styles, &options).expect("renders");
        assert!(
            one.len() >= all.len(),
            "every emitter writes at least one file"
        );
        let (one, two) = (names_and_bytes(one), names_and_bytes(two));
        assert_eq!(
            one.iter().map(|f| &f.0).collect::<Vec<_>>(),
            two.iter().map(|f| &f.0).collect::<Vec<_>>()
        );
        for (a, b) in one.iter().zip(&two) {
            assert!(a.1 == b.1, "{}: {} differs", dir.display(), a.0);
        }
        // And the everyday entry point agrees with both.
        let all_formats = emit::render_all(&all, view, &checked.styles, &options).expect("ok");
        assert!(names_and_bytes(all_formats) == one, "{}", dir.display());
    }
}

#[test]
fn the_direct_docx_writer_gives_the_bytes_of_docx_rs_and_the_repairs() {
    // Intent: the DOCX body is written straight from docx-rs's elements; the whole file
    // must be byte for byte what docx-rs's own writer and the repairs give, on the
    // bundled, the full and a synthetic manuscript (every section, list, table, link,
    // figure and bookmark they have), and on the examples with their own styles.
    use supplement::emit::docx::{render_with, sheet::Sheet, Serializer};
    let options = RenderOptions {
        source_date_epoch: Some(1_700_000_000),
    };
    let mut dirs = manuscripts("speed-docx");
    dirs.extend(["examples/starter", "examples/minimal"].map(|d| root().join(d)));
    for dir in dirs {
        let checked = checked(&dir);
        let view = checked.view.as_ref().expect("view");
        let sheet = Sheet::from_styles(&checked.styles).expect("sheet");
        let direct = render_with(view, &sheet, &options, false, Serializer::Direct).expect("ok");
        let reference =
            render_with(view, &sheet, &options, false, Serializer::Reference).expect("ok");
        assert!(direct.len() > 1000, "{}: a document", dir.display());
        assert!(
            direct == reference,
            "{}: the direct writer differs from the reference",
            dir.display()
        );
    }
}

#[test]
fn the_failure_reported_is_the_first_in_order_whatever_finishes_first() {
    // Intent: with two formats failing, the one reported is the first of them in the
    // order asked for (as a run one after the other reports), on one thread or two, and
    // whichever order they are asked in.
    let mut checked = checked(&root().join("examples/minimal"));
    let broken = "{{ no_such_function() }}";
    for name in ["html/page.html.j2", "changelog.txt.j2"] {
        checked.styles.set(name, broken.into()).expect("a template");
    }
    let view = checked.view.as_ref().expect("view");
    let find = |n: &str| emit::find(n).expect("built in");
    let orders = [
        vec![find("docx"), find("html"), find("changelog")],
        vec![find("docx"), find("changelog"), find("html")],
        vec![find("changelog"), find("docx"), find("html")],
    ];
    for emitters in orders {
        let first_failing = emitters
            .iter()
            .find(|e| e.name() != "docx")
            .expect("a failing one")
            .name()
            .to_string();
        for workers in [1, 2, 3] {
            let options = RenderOptions::default();
            let Err((name, e)) =
                emit::render_on(workers, &emitters, view, &checked.styles, &options)
            else {
                panic!("a broken template fails the render");
            };
            assert_eq!(name, first_failing, "{workers} workers");
            assert!(
                matches!(&e, EmitError::Template { .. }),
                "a template error: {e}"
            );
        }
    }
}

/// Replaces the first `from` in a manuscript file with `to`.
fn edit(path: &Path, from: &str, to: &str) {
    let text = std::fs::read_to_string(path).expect("read");
    assert!(text.contains(from), "{} has {from:?}", path.display());
    std::fs::write(path, text.replacen(from, to, 1)).expect("write");
}

#[test]
fn the_incremental_preview_shows_what_a_fresh_render_shows_after_every_save() {
    // Intent: `serve` parses only the files a save changed; after every kind of save (a
    // retitle, a broken file and its fix, a part added before others and removed, the
    // main file and the references changed, a template override added and removed) its
    // page is byte for byte the page a render from scratch gives, never a stale one.
    for source in [root().join("manuscript"), root().join("examples/full")] {
        let name = source
            .file_name()
            .expect("name")
            .to_string_lossy()
            .to_string();
        let work = temp_dir(&format!("speed-serve-{name}"));
        let m = work.join("m");
        crate::support::copy_dir(&source, &m);
        let parts = m.join("parts");
        let mut files: Vec<PathBuf> = std::fs::read_dir(&parts)
            .expect("parts")
            .map(|e| e.expect("entry").path())
            .collect();
        files.sort();
        let (first, last) = (files[0].clone(), files[files.len() - 1].clone());
        let incremental = supplement::preview::Incremental::new();
        let mut shown = Vec::new();
        let mut same = |step: &str| {
            let fresh = supplement::preview::render(&m);
            let page = incremental.render(&m);
            assert!(page == fresh, "{name}, after {step}: the pages differ");
            shown.push(page);
        };
        same("the first render");
        edit(&first, "title = \"", "title = \"改題：");
        same("a retitle");
        assert_eq!(
            incremental.reused(),
            files.len() + usize::from(m.join("references.toml").exists()),
            "{name}: every file but the retitled one is reused"
        );
        edit(&last, "[[point]]", "[[point]\nbroken = ");
        same("a broken file");
        edit(&last, "[[point]\nbroken = ", "[[point]]");
        same("its fix");
        let early = parts.join("00-aaa-added.toml");
        std::fs::copy(&first, &early).expect("copy");
        same("a part file added before the others");
        std::fs::remove_file(&early).expect("remove");
        same("that file removed");
        edit(&m.join("supplement.toml"), "title = \"", "title = \"改：");
        same("a change to supplement.toml");
        if m.join("references.toml").exists() {
            edit(&m.join("references.toml"), "title = \"", "title = \"改：");
            same("a change to references.toml");
        }
        let page = m.join("styles/html/page.html.j2");
        std::fs::create_dir_all(page.parent().expect("parent")).expect("styles");
        std::fs::write(&page, "<p>{{ doc.title }}</p>\n").expect("template");
        same("a template override");
        std::fs::remove_file(&page).expect("remove");
        same("its removal");
        assert!(
            shown.windows(2).filter(|w| w[0] != w[1]).count() >= 8,
            "{name}: the saves change the page"
        );
    }
}

#[test]
fn the_template_value_follows_the_changes_appendix_attached_after_it() {
    // Intent: the view's template value is converted once and shared; attaching the
    // changes appendix (`build --since`) after it was made must not leave templates
    // reading the view without it.
    use supplement::view::{ChangesView, Heading};
    let mut checked = checked(&root().join("manuscript"));
    let view = checked.view.as_mut().expect("view");
    let before = view.template_value().clone();
    assert!(before.get_attr("changes").expect("a field").is_none());
    let heading = Heading {
        text: "変更点".into(),
        anchor: view.outline[0].heading.anchor.clone(),
        level: 1,
    };
    view.attach_changes(ChangesView {
        heading,
        lead: "v1.0からの変更".into(),
        summary: String::new(),
        none: None,
        groups: Vec::new(),
    });
    let after = view.template_value();
    let lead = after
        .get_attr("changes")
        .and_then(|c| c.get_attr("lead"))
        .expect("the appendix");
    assert_eq!(lead.as_str(), Some("v1.0からの変更"));
}
