//! `[lints]` in supplement.toml: known warnings allowed, others denied, like cargo's lints.

use crate::support::{append, check_json, code, minimal_copy, run, text};

#[test]
fn allowed_warnings_are_not_reported_and_denied_ones_fail_at_both_places() {
    // Intent: `allow` drops a rule's warnings; `deny` makes them errors (exit 1) that also
    // point at the [lints] entry; `warn` leaves them as they are.
    let (work, m) = minimal_copy("lints");
    let part = m.join("parts/01-part1.toml");
    let text_of = std::fs::read_to_string(&part).expect("part");
    std::fs::write(
        &part,
        text_of.replacen("[part]\n", "[part]\nowners = [\"?\"]\n", 1),
    )
    .expect("write");
    let (status, found) = check_json(&work);
    assert_eq!(status, 0);
    assert_eq!(found.len(), 1, "{found:?}");
    assert_eq!(found[0]["code"], "unassigned-owner");

    let main = m.join("supplement.toml");
    let original = std::fs::read_to_string(&main).expect("main");
    append(&main, "\n[lints]\nunassigned-owner = \"allow\"\n");
    let (status, found) = check_json(&work);
    assert_eq!((status, found.len()), (0, 0), "{found:?}");

    std::fs::write(&main, &original).expect("write");
    append(&main, "\n[lints]\nunassigned-owner = \"deny\"\n");
    let (status, found) = check_json(&work);
    assert_eq!(status, 1);
    assert_eq!(found[0]["severity"], "error");
    assert_eq!(found[0]["related"][0]["file"], "m/supplement.toml");
    let out = run(&work, &["build", "m", "-o", "o"]);
    assert_eq!(code(&out), 1, "{}", text(&out).1);
    assert!(!work.join("o").exists());

    std::fs::write(&main, &original).expect("write");
    append(&main, "\n[lints]\nunassigned-owner = \"warn\"\n");
    let (status, found) = check_json(&work);
    assert_eq!(
        (status, found[0]["severity"].as_str()),
        (0, Some("warning"))
    );
}
