//! `supplement init`: a new manuscript that checks clean and builds, with its schemas.

use crate::support::{check_json, code, root, run, temp_dir, text};

#[test]
fn a_new_manuscript_checks_clean_and_builds_three_files() {
    // Intent: `init book && cd book && build` gives three files and no warning at all.
    let work = temp_dir("init-new");
    let out = run(&work, &["init", "book"]);
    assert_eq!(code(&out), 0, "{}", text(&out).1);
    let book = work.join("book");
    let (status, found) = {
        std::fs::rename(&book, work.join("m")).expect("rename");
        let result = check_json(&work);
        std::fs::rename(work.join("m"), &book).expect("rename back");
        result
    };
    assert_eq!((status, found.len()), (0, 0), "{found:?}");
    let out = run(&book, &["build"]);
    assert_eq!(code(&out), 0, "{}", text(&out).1);
    let stderr = text(&out).1;
    assert_eq!(stderr.lines().count(), 3, "{stderr}");
    assert!(
        stderr.lines().all(|l| l.starts_with("wrote out/")),
        "{stderr}"
    );
    for name in [
        "my-supplement.docx",
        "my-supplement.html",
        "my-supplement.changelog.txt",
    ] {
        assert!(book.join("out").join(name).is_file(), "{name}");
    }
}

#[test]
fn each_file_names_its_schema_and_the_schemas_are_written() {
    // Intent: Taplo finds the schema from each file's `#:schema` line; the schemas written
    // are the shipped ones.
    let work = temp_dir("init-schema");
    assert_eq!(code(&run(&work, &["init", "b"])), 0);
    let b = work.join("b");
    let first = |p: &str| {
        std::fs::read_to_string(b.join(p))
            .expect("file")
            .lines()
            .next()
            .unwrap_or_default()
            .to_string()
    };
    assert_eq!(
        first("supplement.toml"),
        "#:schema ./schema/supplement.schema.json"
    );
    assert_eq!(
        first("references.toml"),
        "#:schema ./schema/references.schema.json"
    );
    assert_eq!(
        first("parts/01-chapter1.toml"),
        "#:schema ../schema/part.schema.json"
    );
    for kind in ["supplement", "references", "part"] {
        let written =
            std::fs::read_to_string(b.join(format!("schema/{kind}.schema.json"))).expect("written");
        let shipped = std::fs::read_to_string(root().join(format!("schema/{kind}.schema.json")))
            .expect("shipped");
        assert_eq!(written, shipped, "{kind}");
    }
    let starter =
        std::fs::read_to_string(root().join("examples/starter/supplement.toml")).expect("starter");
    assert!(
        starter.contains("# required"),
        "the starter marks required keys"
    );
}

#[test]
fn a_folder_that_is_not_empty_is_refused() {
    // Intent: init never writes over anything: a non-empty folder is a usage error.
    let work = temp_dir("init-full");
    std::fs::write(work.join("notes.txt"), "mine").expect("write");
    let out = run(&work, &["init"]);
    assert_eq!(code(&out), 2);
    assert_eq!(
        text(&out).1,
        "error: `.` is not empty: init writes only into a new or empty folder\n  = hint: name a new folder, e.g. `supplement init my-supplement`\n"
    );
    assert_eq!(std::fs::read_dir(&work).expect("dir").count(), 1);
}
