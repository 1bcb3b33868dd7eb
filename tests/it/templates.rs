//! Template overrides at run time: an error shows at `check` as it would at `build`, located
//! in the override, in every message format; a loop that does not end or output without
//! bound stops within the template's budget instead of hanging or exhausting memory.

use crate::support::{code, diagnostics, minimal_copy, run, run_within, text};

/// A minimal manuscript whose changelog template is `template`.
fn with_template(name: &str, template: &str) -> std::path::PathBuf {
    let (work, m) = minimal_copy(name);
    std::fs::create_dir_all(m.join("styles")).expect("styles");
    std::fs::write(m.join("styles/changelog.txt.j2"), template).expect("write");
    work
}

#[test]
fn a_runtime_template_error_fails_check_and_build_alike_at_its_line() {
    // Intent: an undefined value in an override passes compilation but fails when the
    // template runs; `check` runs it too, and both commands give the same located error.
    let work = with_template("tpl-runtime", "line one\n{{ doc.nonexistent }}\n");
    let checked = run(&work, &["check", "-m", "m", "--message-format", "json"]);
    assert_eq!(code(&checked), 1, "{}", text(&checked).1);
    let built = run(
        &work,
        &["build", "-m", "m", "-o", "o", "--message-format", "json"],
    );
    assert_eq!(code(&built), 1);
    assert!(!work.join("o").exists(), "something was written");
    for out in [&checked, &built] {
        let d = diagnostics(&text(out).0);
        assert_eq!(d.len(), 1, "{d:?}");
        assert_eq!(d[0]["code"], "invalid-style");
        assert_eq!(d[0]["line"], 2);
        assert!(d[0]["file"]
            .as_str()
            .is_some_and(|f| f.ends_with("styles/changelog.txt.j2")));
        assert!(d[0]["message"]
            .as_str()
            .is_some_and(|m| m.contains("undefined value")));
    }
    let github = run(&work, &["check", "-m", "m", "--message-format", "github"]);
    assert!(
        text(&github).0.starts_with("::error file="),
        "{}",
        text(&github).0
    );
}

#[test]
fn a_loop_that_does_not_end_runs_out_of_fuel() {
    // Intent: ten billion iterations stop within the budget, as an error at the loop.
    let work = with_template(
        "tpl-fuel",
        "{% for a in range(100000) %}{% for b in range(100000) %}x{% endfor %}{% endfor %}",
    );
    for args in [
        &["check", "-m", "m", "--message-format", "json"][..],
        &["build", "-m", "m", "-o", "o", "--message-format", "json"][..],
    ] {
        let out = run_within(&work, args, 60);
        assert_eq!(code(&out), 1, "{}", text(&out).1);
        let d = diagnostics(&text(&out).0);
        assert!(d[0]["message"]
            .as_str()
            .is_some_and(|m| m.contains("did not finish within its budget")));
    }
}

#[test]
fn output_without_bound_is_cut_off() {
    // Intent: a template that would write gigabytes stops at its output cap, as an error.
    let work = with_template(
        "tpl-output",
        "{% for a in range(100000) %}{{ \"x\" * 100000 }}{% endfor %}",
    );
    let out = run_within(
        &work,
        &["build", "-m", "m", "-o", "o", "--message-format", "json"],
        60,
    );
    assert_eq!(code(&out), 1, "{}", text(&out).1);
    let d = diagnostics(&text(&out).0);
    assert!(
        d[0]["message"]
            .as_str()
            .is_some_and(|m| m.contains("wrote more than")),
        "{d:?}"
    );
    assert!(!work.join("o").exists());
}

#[test]
fn the_built_in_templates_stay_within_their_budget_on_repetitive_manuscripts() {
    // Intent: the budget follows what the document holds, not only how many things it has:
    // two points with 60,000 owners each (text the page repeats in its table and meta
    // lines, 5 MB of it) build with the built-in templates.
    let (work, m) = minimal_copy("tpl-budget");
    let owners = vec!["\"?\""; 60_000].join(", ");
    let mut part =
        String::from("[part]\nid = \"part1\"\nlabel = \"第1部\"\ntitle = \"はじめに\"\n");
    for i in 0..2 {
        part.push_str(&format!(
            "\n[[point]]\nid = \"p{i}\"\ntitle = \"題名 {i}\"\ntargets = [\"ch1\"]\naction = \"revise\"\nowners = [{owners}]\nbody = \"本文\"\n"
        ));
    }
    std::fs::write(m.join("parts/01-part1.toml"), part).expect("write");
    let out = run(&work, &["build", "-m", "m", "-o", "o"]);
    assert_eq!(
        code(&out),
        0,
        "{}",
        text(&out).1.lines().last().unwrap_or("")
    );
}
