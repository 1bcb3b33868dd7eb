//! Rules about the source itself: every reader-facing word lives in styles/labels.toml, so
//! no string or character literal in the program's code holds Japanese text.

use std::path::{Path, PathBuf};

use crate::support::root;

/// Japanese script and the CJK punctuation and full-width forms that go with it.
fn japanese(c: char) -> bool {
    matches!(c,
        '\u{3000}'..='\u{303F}' // CJK symbols and punctuation
        | '\u{3040}'..='\u{30FF}' // hiragana, katakana
        | '\u{3400}'..='\u{4DBF}' | '\u{4E00}'..='\u{9FFF}' // kanji
        | '\u{FF00}'..='\u{FFEF}') // full-width forms
}

/// The 1-based lines of string and character literals that hold Japanese text, in code
/// before the file's `#[cfg(test)]` module (comments are not code).
fn japanese_literals(source: &str) -> Vec<usize> {
    let code = source.split("#[cfg(test)]").next().unwrap_or_default();
    let chars: Vec<char> = code.chars().collect();
    let mut found = Vec::new();
    let mut line = 1;
    let mut i = 0;
    let count_lines = |from: usize, to: usize, chars: &[char]| {
        chars[from..to].iter().filter(|&&c| c == '\n').count()
    };
    while i < chars.len() {
        let c = chars[i];
        let next = chars.get(i + 1).copied();
        match c {
            '\n' => {
                line += 1;
                i += 1;
            }
            '/' if next == Some('/') => {
                while i < chars.len() && chars[i] != '\n' {
                    i += 1;
                }
            }
            '/' if next == Some('*') => {
                let start = i;
                i += 2;
                while i + 1 < chars.len() && !(chars[i] == '*' && chars[i + 1] == '/') {
                    i += 1;
                }
                i += 2;
                line += count_lines(start, i.min(chars.len()), &chars);
            }
            'r' if next == Some('"')
                || (next == Some('#') && chars.get(i + 2) == Some(&'"')
                    || next == Some('#') && chars.get(i + 2) == Some(&'#')) =>
            {
                // A raw string: r"…", r#"…"#, r##"…"##.
                let start = i;
                i += 1;
                let mut hashes = 0;
                while chars.get(i) == Some(&'#') {
                    hashes += 1;
                    i += 1;
                }
                i += 1; // the opening quote
                let body_start = i;
                loop {
                    if i >= chars.len() {
                        break;
                    }
                    if chars[i] == '"' && (0..hashes).all(|k| chars.get(i + 1 + k) == Some(&'#')) {
                        break;
                    }
                    i += 1;
                }
                if chars[body_start..i.min(chars.len())]
                    .iter()
                    .any(|&c| japanese(c))
                {
                    found.push(line);
                }
                i += 1 + hashes;
                line += count_lines(start, i.min(chars.len()), &chars);
            }
            '"' => {
                let start = i;
                let mut hit = false;
                i += 1;
                while i < chars.len() && chars[i] != '"' {
                    if chars[i] == '\\' {
                        i += 1;
                    } else if japanese(chars[i]) {
                        hit = true;
                    }
                    i += 1;
                }
                i += 1;
                if hit {
                    found.push(line);
                }
                line += count_lines(start, i.min(chars.len()), &chars);
            }
            '\'' => {
                // A character literal ('x', '\n', '\u{…}') or a lifetime ('a).
                let close = if next == Some('\\') {
                    (i + 2..chars.len().min(i + 12)).find(|&k| chars[k] == '\'')
                } else if chars.get(i + 2) == Some(&'\'') {
                    Some(i + 2)
                } else {
                    None
                };
                match close {
                    Some(end) => {
                        if chars[i + 1..end].iter().any(|&c| japanese(c)) {
                            found.push(line);
                        }
                        i = end + 1;
                    }
                    None => i += 1,
                }
            }
            _ => i += 1,
        }
    }
    found
}

fn rust_files(dir: &Path, out: &mut Vec<PathBuf>) {
    for entry in std::fs::read_dir(dir).expect("read_dir").flatten() {
        let path = entry.path();
        if path.is_dir() {
            rust_files(&path, out);
        } else if path.extension().is_some_and(|e| e == "rs") {
            out.push(path);
        }
    }
}

#[test]
fn the_scanner_finds_literals_and_skips_comments() {
    // Intent: the rule below can fail: literals of every kind are seen, comments are not.
    let src = "// 日本語\nlet a = \"x\";\nlet b = \"改訂\";\n/* 改訂 */ let c = '～';\nlet d = r#\"「x」\"#;\nfn f<'a>(x: &'a str) {}\n#[cfg(test)]\nlet e = \"テスト\";";
    assert_eq!(japanese_literals(src), [3, 4, 5]);
}

#[test]
fn no_japanese_literal_in_the_program() {
    // Intent: grep finds no Japanese literal in src/ outside tests: every word a reader
    // sees comes from styles/labels.toml (one place, overridable).
    let mut files = Vec::new();
    rust_files(&root().join("src"), &mut files);
    files.sort();
    assert!(files.len() > 20);
    let mut hits = Vec::new();
    for file in files {
        let text = std::fs::read_to_string(&file).expect("utf8");
        for line in japanese_literals(&text) {
            hits.push(format!("{}:{line}", file.display()));
        }
    }
    assert!(
        hits.is_empty(),
        "Japanese literals in code:\n{}",
        hits.join("\n")
    );
}

/// The rule codes written as literals where diagnostics are made: right after
/// `Diagnostic::error(` / `Diagnostic::warning(`, or as a `code: "…"` field.
fn rule_literals(source: &str) -> Vec<String> {
    let code = source.split("#[cfg(test)]").next().unwrap_or_default();
    let mut found = Vec::new();
    for opener in ["Diagnostic::error(", "Diagnostic::warning(", "code: "] {
        for piece in code.split(opener).skip(1) {
            let piece = piece.trim_start();
            let Some(rest) = piece.strip_prefix('"') else {
                continue;
            };
            let name = rest.split('"').next().unwrap_or_default();
            if !name.is_empty()
                && name
                    .chars()
                    .all(|c| c.is_ascii_lowercase() || c == '-' || c.is_ascii_digit())
            {
                found.push(name.to_string());
            }
        }
    }
    found
}

#[test]
fn every_rule_code_in_the_program_is_listed() {
    // Intent: RULES (what [lints] and the README know) names every code a diagnostic uses.
    let mut files = Vec::new();
    rust_files(&root().join("src"), &mut files);
    let mut seen = std::collections::BTreeSet::new();
    for file in files {
        let text = std::fs::read_to_string(&file).expect("utf8");
        seen.extend(rule_literals(&text));
    }
    assert!(seen.len() > 30, "{seen:?}");
    let listed: Vec<&str> = supplement::diagnostics::RULES.iter().map(|r| r.0).collect();
    let missing: Vec<&String> = seen
        .iter()
        .filter(|c| !listed.contains(&c.as_str()))
        .collect();
    assert!(missing.is_empty(), "codes missing from RULES: {missing:?}");
}
