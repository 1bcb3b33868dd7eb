//! The JSON Schema of the manuscript files: the shipped copies are what `supplement schema`
//! prints, and the schema accepts and refuses manuscripts as `check` does.

use std::path::PathBuf;

use crate::support::{client_missing, code, diagnostics, root, run, text};

#[test]
fn shipped_schemas_are_what_the_command_prints() {
    // Intent: schema/*.json never drift from the loader's structs. Regenerate with
    // `supplement schema KIND > schema/KIND.schema.json`.
    for kind in ["supplement", "references", "part"] {
        let out = run(&root(), &["schema", kind]);
        assert_eq!(code(&out), 0);
        let shipped = std::fs::read_to_string(root().join(format!("schema/{kind}.schema.json")))
            .expect("shipped schema");
        assert_eq!(text(&out).0, shipped, "schema/{kind}.schema.json is stale");
        let value: serde_json::Value = serde_json::from_str(&shipped).expect("JSON");
        assert_eq!(value["$schema"], "http://json-schema.org/draft-07/schema#");
    }
}

/// Codes that the schema itself can see: keys, their types and their allowed values.
const SCHEMA_CODES: [&str; 5] = [
    "unknown-key",
    "missing-key",
    "invalid-type",
    "unknown-value",
    "unknown-lint",
];

/// Every manuscript the repository holds: examples, the bundled one, test fixtures.
fn manuscripts() -> Vec<PathBuf> {
    let mut dirs = vec![
        root().join("manuscript"),
        root().join("examples/minimal"),
        root().join("examples/full"),
        root().join("examples/starter"),
        root().join("tests/fixtures/hostile"),
    ];
    for group in ["tests/fixtures/invalid", "tests/fixtures/fuzz/manuscripts"] {
        let mut found: Vec<PathBuf> = std::fs::read_dir(root().join(group))
            .expect("fixtures")
            .map(|e| e.expect("entry").path())
            .filter(|p| p.join("supplement.toml").is_file())
            .collect();
        found.sort();
        dirs.extend(found);
    }
    dirs
}

#[test]
fn the_schema_accepts_what_check_accepts_and_refuses_its_schema_errors() {
    // Intent: every manuscript `check` accepts validates against the schema, and every one
    // `check` refuses only for keys, types or values is refused by it too (validated by
    // the Python `jsonschema` package, through tools/schema-check).
    if std::process::Command::new("python3")
        .args(["-c", "import jsonschema"])
        .output()
        .map_or(true, |o| !o.status.success())
    {
        client_missing(
            "the_schema_accepts_what_check_accepts_and_refuses_its_schema_errors",
            "the Python package jsonschema is not installed",
        );
        return;
    }
    let dirs = manuscripts();
    let mut accepted = Vec::new();
    let mut refused = Vec::new();
    for dir in &dirs {
        let out = run(dir, &["check", ".", "--message-format", "json"]);
        let errors: Vec<String> = diagnostics(&text(&out).0)
            .iter()
            .filter(|d| d["severity"] == "error")
            .map(|d| d["code"].as_str().unwrap_or_default().to_string())
            .collect();
        if code(&out) == 0 {
            accepted.push(dir);
        } else if !errors.is_empty() && errors.iter().all(|c| SCHEMA_CODES.contains(&c.as_str())) {
            refused.push(dir);
        }
    }
    assert!(accepted.len() >= 10, "{accepted:?}");
    assert!(refused.len() >= 5, "{refused:?}");
    let out = std::process::Command::new("python3")
        .arg(root().join("tools/schema-check"))
        .args(&dirs)
        .output()
        .expect("schema-check runs");
    let report = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.code() != Some(2),
        "{report}{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let mut wrong = Vec::new();
    for dir in accepted {
        if !report.lines().any(|l| l == format!("ok {}", dir.display())) {
            wrong.push(format!(
                "check accepts {} but the schema does not",
                dir.display()
            ));
        }
    }
    for dir in refused {
        if !report
            .lines()
            .any(|l| l.starts_with(&format!("invalid {}:", dir.display())))
        {
            wrong.push(format!(
                "check refuses {} but the schema accepts it",
                dir.display()
            ));
        }
    }
    assert!(wrong.is_empty(), "{}\n{report}", wrong.join("\n"));
}
