//! Deterministic random testing ("fuzzing") of the loader and the Markdown lowering:
//! generated Markdown bodies and generated manuscripts — mostly well-formed, with hostile
//! values mixed in — must never panic, and every diagnostic must point inside its file.
//!
//! `cargo test` runs a fixed number of cases from a fixed seed, so CI is short and
//! repeatable; `scripts/fuzz` runs many more with fresh seeds
//! (`SUPPLEMENT_FUZZ_SCALE` times the cases, from `SUPPLEMENT_FUZZ_SEED`). A failing case is shrunk by
//! removing pieces while it still fails, written to `target/fuzz-failures/`, and belongs
//! in `tests/fixtures/fuzz/` once fixed, where `fuzz_regressions_stay_fixed` replays it.

use std::panic::{catch_unwind, AssertUnwindSafe};
use std::path::{Path, PathBuf};

use supplement::load::markdown::{self, BodyBudget, StringMap};
use supplement::model::Span;
use supplement::synth::Rng;

use crate::hardening::exercise;
use crate::support::{root, temp_dir};

/// Cases per run (`SUPPLEMENT_FUZZ_SCALE` times `default_cases`), and the seed.
fn settings(default_cases: usize) -> (usize, u64) {
    let scale: usize = std::env::var("SUPPLEMENT_FUZZ_SCALE")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(1);
    let cases = default_cases * scale;
    let seed = std::env::var("SUPPLEMENT_FUZZ_SEED")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(0x00F0_0D5E_ED16);
    (cases, seed)
}

fn pick<'a>(rng: &mut Rng, items: &[&'a str]) -> &'a str {
    items[rng.below(items.len())]
}

/// Pieces Markdown is made of, hostile ones included.
const MARKDOWN_PIECES: &[&str] = &[
    "text",
    "日本語の文。",
    "😊",
    " ",
    "  ",
    "\n",
    "\n\n",
    "\t",
    "#",
    "## ",
    "- ",
    "* ",
    "+ ",
    "1. ",
    "3) ",
    "> ",
    ">>",
    "*",
    "**",
    "_",
    "__",
    "~~",
    "~",
    "`",
    "```",
    "~~~",
    "[",
    "]",
    "(",
    ")",
    "](",
    "[a](",
    "[a](https://x.jp/",
    "[a](javascript:x)",
    "[a](\\\\host\\s)",
    "[a]: /url\n",
    "![img](",
    "<",
    ">",
    "<b>",
    "</b>",
    "<!--",
    "-->",
    "&amp;",
    "&#0;",
    "\\",
    "|",
    "| a | b |\n",
    "|---|:-:|\n",
    "| 1 | 2 |\n",
    "---\n",
    "***",
    "===\n",
    "[^1]",
    "[^1]: note\n",
    "- [ ] ",
    "- [x] ",
    "    ",
    "\u{3000}",
    "\u{200B}",
    "\u{202E}",
    "\r\n",
    "%",
    "$",
    "$$",
    "<https://a.jp>",
    "https://a.jp",
    "a@b.jp",
    "１２",
    "～",
];

/// A random Markdown body of up to `pieces` pieces.
fn markdown(rng: &mut Rng, pieces: usize) -> String {
    let n = rng.below(pieces + 1);
    let mut out = String::new();
    for _ in 0..n {
        match rng.below(20) {
            // Runs of one piece (deep nesting, long tables, many markers).
            0 => out.push_str(&pick(rng, MARKDOWN_PIECES).repeat(1 + rng.below(60))),
            // Indented continuation lines.
            1 => out.push_str(&" ".repeat(rng.below(12))),
            _ => out.push_str(pick(rng, MARKDOWN_PIECES)),
        }
    }
    out
}

/// Parses `text` as a body; an error message when it panics or points outside the text.
fn lower_markdown(text: &str) -> Result<(), String> {
    let map = StringMap {
        base: Some(0),
        value: Span::default(),
    };
    let outcome = catch_unwind(AssertUnwindSafe(|| {
        markdown::parse(text, map, &mut BodyBudget::default())
    }));
    let blocks = match outcome {
        Err(_) => return Err("panicked".into()),
        Ok(Err(e)) if e.span.start > e.span.end || e.span.end > text.len() => {
            return Err(format!(
                "error span {:?} outside {} bytes",
                e.span,
                text.len()
            ))
        }
        Ok(Err(_)) => return Ok(()),
        Ok(Ok(blocks)) => blocks,
    };
    let mut bad = None;
    supplement::model::Block::for_each_link(&blocks, &mut |_, span| {
        if span.start > span.end || span.end > text.len() {
            bad = Some(format!("link span {span:?} outside {} bytes", text.len()));
        }
    });
    bad.map_or(Ok(()), Err)
}

/// Shrinks `input` (split into lines, then characters) while `fails` still holds.
fn shrink(input: &str, fails: &dyn Fn(&str) -> bool) -> String {
    let mut current = input.to_string();
    for unit in ["\n", ""] {
        let mut chunk = current.len().max(1);
        while chunk >= 1 {
            let pieces: Vec<String> = if unit.is_empty() {
                current.chars().map(String::from).collect()
            } else {
                current.split_inclusive('\n').map(String::from).collect()
            };
            let mut changed = false;
            let mut i = 0;
            let mut kept = pieces.clone();
            while i < kept.len() {
                let end = (i + chunk).min(kept.len());
                let candidate: String = kept[..i].concat() + &kept[end..].concat();
                if fails(&candidate) {
                    kept.drain(i..end);
                    changed = true;
                } else {
                    i += chunk;
                }
            }
            current = kept.concat();
            if !changed {
                chunk /= 2;
            }
            if unit.is_empty() && current.chars().count() > 2_000 {
                break; // characters one by one would take too long: lines did enough
            }
        }
    }
    current
}

/// Writes a failing case where a person can pick it up.
fn keep_failure(name: &str, contents: &[(String, String)]) -> PathBuf {
    let dir = root().join("target/fuzz-failures").join(name);
    let _ = std::fs::remove_dir_all(&dir);
    for (file, text) in contents {
        let path = dir.join(file);
        if let Some(parent) = path.parent() {
            let _ = std::fs::create_dir_all(parent);
        }
        let _ = std::fs::write(path, text);
    }
    dir
}

#[test]
fn markdown_lowering_survives_random_bodies() {
    // Intent: thousands of generated bodies (nesting, tables, links, raw HTML, stray
    // markers) lower without a panic, and every span stays inside the text.
    let (cases, seed) = settings(4_000);
    let mut rng = Rng(seed | 1);
    for case in 0..cases {
        let text = markdown(&mut rng, 80);
        if let Err(why) = lower_markdown(&text) {
            let small = shrink(&text, &|t| lower_markdown(t).is_err());
            let kept = keep_failure(
                &format!("markdown-{seed}-{case}"),
                &[("body.md".into(), small.clone())],
            );
            panic!(
                "case {case} of seed {seed}: {why}; shrunk to {small:?} (in {})",
                kept.display()
            );
        }
    }
}

/// A TOML basic string holding `text` (escaped so that any text can be written).
fn toml_str(text: &str) -> String {
    let mut out = String::from("\"");
    for c in text.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            c if c.is_control() => out.push_str(&format!("\\u{:04X}", u32::from(c))),
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

/// Hostile values, by kind.
const BAD_IDS: &[&str] = &["", "-x", "a b", "日本", "x\u{b}", "a/b", "..", "p1"];
const BAD_PAGES: &[&str] = &[
    "0",
    "9-3",
    "abc",
    "",
    "4294967296",
    "-",
    "5--6",
    "p.",
    "999",
    "１２–１９",
    "183-",
];
const BAD_DATES: &[&str] = &[
    "2020-02-30",
    "2019-13",
    "20",
    "2020-4-9",
    "0000",
    "",
    "2020-01-01T00:00",
];
const BAD_OWNERS: &[&str] = &["?", "sato⇒", "⇒ito", "", "a->b->c", "nobody", "ito => sato"];
const BAD_URLS: &[&str] = &[
    "javascript:alert(1)",
    "\\\\host\\share",
    "%5C%5Chost",
    "//evil",
    "",
    "data:x",
    "a b",
    "https://例え.jp/資料",
    " https://a.jp ",
];

/// Generates manuscripts: a coherent skeleton (so that many are valid and reach every
/// emitter), with a hostile value put in place of a good one at a random rate.
struct Generator {
    rng: Rng,
    /// One value in `fault_rate` is hostile (1 = all of them).
    fault_rate: usize,
}

impl Generator {
    fn fault(&mut self) -> bool {
        self.rng.below(self.fault_rate) == 0
    }

    /// `good` as a TOML string, or — at the fault rate — a hostile value of any type.
    fn value(&mut self, good: &str, bad: &[&str]) -> String {
        if !self.fault() {
            return toml_str(good);
        }
        match self.rng.below(8) {
            0 => "42".into(),
            1 => "true".into(),
            2 => "[1, 2]".into(),
            3 => "{ x = 1 }".into(),
            _ => toml_str(pick(&mut self.rng, bad)),
        }
    }

    /// A list of the `good` values (each possibly replaced by a hostile one).
    fn list(&mut self, good: &[&str], bad: &[&str]) -> String {
        let items: Vec<String> = good.iter().map(|g| self.value(g, bad)).collect();
        format!("[{}]", items.join(", "))
    }

    /// A body: safe Markdown, or at the fault rate anything.
    fn body(&mut self, pieces: usize) -> String {
        let text = markdown(&mut self.rng, pieces);
        if self.fault() {
            return toml_str(&text);
        }
        let safe = text.replace("javascript:", "").replace('\\', "");
        toml_str(&safe)
    }

    /// Topics under `header` (e.g. `point.topic`), to a random depth.
    fn topics(&mut self, header: &str, depth: usize, out: &mut String) {
        if depth > 4 {
            return;
        }
        for t in 0..self.rng.below(3) {
            let title = self.value("話題", BAD_IDS);
            out.push_str(&format!("\n[[{header}]]\ntitle = {title}\n"));
            if self.rng.below(3) == 0 {
                let id = format!("t{}-{depth}-{t}-{}", out.len(), self.rng.below(1000));
                let id = self.value(&id, BAD_IDS);
                out.push_str(&format!("id = {id}\n"));
            }
            if self.rng.below(2) == 0 {
                let body = self.body(40);
                out.push_str(&format!("body = {body}\n"));
            }
            if self.rng.below(3) == 0 {
                let owners = self.list(&["sato"], BAD_OWNERS);
                let refs = self.list(&["r1"], BAD_IDS);
                out.push_str(&format!("owners = {owners}\nreferences = {refs}\n"));
            }
            self.topics(&format!("{header}.topic"), depth + 1, out);
        }
    }

    /// A generated manuscript: (file, contents) pairs.
    fn manuscript(&mut self) -> Vec<(String, String)> {
        let parts = 1 + self.rng.below(3);
        let mut main = String::new();
        if self.rng.below(3) == 0 {
            let note = self.body(30);
            main.push_str(&format!("general_notes = [{note}]\n"));
        }
        let id = self.value("FUZZ-01", BAD_IDS);
        let date = self.value("2020-04-09", BAD_DATES);
        let language = self.value("ja", &["x", "ja-JP-x-toolongsubtag", "12"]);
        main.push_str(&format!(
            "[supplement]\nid = {id}\ntitle = \"題\"\ndate = {date}\nlanguage = {language}\n"
        ));
        for _ in 0..self.rng.below(3) {
            let url = self.value("https://a.jp/x.html", BAD_URLS);
            main.push_str(&format!(
                "\n[[supplement.link]]\nlabel = \"l\"\nurl = {url}\n"
            ));
        }
        let pages = if self.fault() {
            pick(&mut self.rng, &["0", "-1", "\"20\"", "99999999999"]).to_string()
        } else {
            "190".into()
        };
        main.push_str(&format!(
            "\n[base_book]\ntitle = \"本\"\npublisher = \"社\"\npages = {pages}\n"
        ));
        for p in 0..parts {
            let (id, part) = (format!("ch{p}"), format!("p{p}"));
            let id = self.value(&id, BAD_IDS);
            let part = self.value(&part, BAD_IDS);
            let range = format!("{}-{}", 10 * p + 1, 10 * p + 9);
            let range = self.value(&range, BAD_PAGES);
            main.push_str(&format!(
                "\n[[base_book.section]]\nid = {id}\npart = {part}\npages = {range}\n"
            ));
        }
        for member in ["sato", "ito"] {
            let id = self.value(member, BAD_IDS);
            main.push_str(&format!("\n[[team]]\nid = {id}\nname = \"名\"\n"));
        }
        for date in ["2020-04-09", "2019-07-25"] {
            let date = self.value(date, BAD_DATES);
            main.push_str(&format!("\n[[history]]\ndate = {date}\nsummary = \"s\"\n"));
        }
        let reason = self.value("rs1", BAD_IDS);
        let refs = self.list(&["r1"], BAD_IDS);
        let body = self.body(20);
        main.push_str(&format!(
            "\n[[reason]]\nid = {reason}\ntitle = \"理由\"\nreferences = {refs}\nbody = {body}\n"
        ));
        if self.fault() {
            main.push_str("\n[[mystery]]\nx = 1\n");
        }
        let mut files = vec![("supplement.toml".to_string(), main)];
        let mut refs = String::new();
        for r in 1..=2 {
            let id = self.value(&format!("r{r}"), BAD_IDS);
            let url = self.value("https://a.jp/doc.pdf", BAD_URLS);
            let date = self.value("2019-05", BAD_DATES);
            refs.push_str(&format!(
                "[[reference]]\nid = {id}\ntitle = \"資料\"\nurl = {url}\ndate = {date}\n\n"
            ));
        }
        files.push(("references.toml".into(), refs));
        for p in 0..parts {
            let id = self.value(&format!("p{p}"), BAD_IDS);
            let owners = self.list(&["sato"], BAD_OWNERS);
            let body = self.body(30);
            let mut part = format!(
                "[part]\nid = {id}\nlabel = \"L\"\ntitle = \"T\"\nowners = {owners}\nbody = {body}\n"
            );
            for k in 0..1 + self.rng.below(4) {
                let id = self.value(&format!("pt{p}-{k}"), BAD_IDS);
                let targets = self.list(&[&format!("ch{p}")], BAD_IDS);
                let pages = self.list(&[&format!("{}-{}", 10 * p + 2, 10 * p + 3)], BAD_PAGES);
                let action = self.value("revise", &["delete", "", "Revise"]);
                let owners = self.list(&["sato -> ito"], BAD_OWNERS);
                let reasons = self.list(&["rs1"], BAD_IDS);
                let refs = self.list(&["r2"], BAD_IDS);
                let body = self.body(60);
                part.push_str(&format!(
                    "\n[[point]]\nid = {id}\ntitle = \"箇所\"\ntargets = {targets}\npages = {pages}\naction = {action}\nowners = {owners}\nreasons = {reasons}\nreferences = {refs}\nbody = {body}\n"
                ));
                if k > 0 && self.rng.below(3) == 0 {
                    let parent = self.value(&format!("pt{p}-0"), BAD_IDS);
                    part.push_str(&format!("parent = {parent}\n"));
                }
                self.topics("point.topic", 1, &mut part);
            }
            self.topics("topic", 1, &mut part);
            files.push((format!("parts/{p:02}-p.toml"), part));
        }
        if self.rng.below(10) == 0 {
            let planned = self.value("予定", BAD_IDS);
            files.push((
                "styles/labels.toml".into(),
                format!("[status]\nplanned = {planned}\n"),
            ));
        }
        files
    }
}

/// Writes a manuscript into `dir` (emptied first).
fn write(dir: &Path, files: &[(String, String)]) {
    let _ = std::fs::remove_dir_all(dir);
    for (name, text) in files {
        let path = dir.join(name);
        std::fs::create_dir_all(path.parent().expect("parent")).expect("dir");
        std::fs::write(path, text).expect("write");
    }
}

#[test]
fn the_loader_survives_random_manuscripts() {
    // Intent: hundreds of generated manuscripts (wrong types, bad ids, dates, pages,
    // owners, links, nested topics, hostile Markdown) load, validate and — when valid —
    // render in every format without a panic, every diagnostic inside its file.
    let (cases, seed) = settings(300);
    let mut generator = Generator {
        rng: Rng(seed.rotate_left(17) | 1),
        fault_rate: 1,
    };
    let dir = temp_dir("fuzz-manuscript").join("m");
    let mut valid = 0;
    for case in 0..cases {
        // From every value hostile to almost none.
        generator.fault_rate = [1, 3, 10, 40, 200][case % 5];
        let files = generator.manuscript();
        write(&dir, &files);
        match exercise(&dir) {
            Ok(rendered) => valid += usize::from(rendered),
            Err(why) => {
                // Shrink each file in turn while the manuscript still fails.
                let mut small = files.clone();
                for i in 0..small.len() {
                    let others = small.clone();
                    let fails = |text: &str| {
                        let mut trial = others.clone();
                        trial[i].1 = text.to_string();
                        write(&dir, &trial);
                        exercise(&dir).is_err()
                    };
                    small[i].1 = shrink(&small[i].1, &fails);
                }
                let kept = keep_failure(&format!("manuscript-{seed}-{case}"), &small);
                panic!(
                    "case {case} of seed {seed}: {why}; shrunk into {}",
                    kept.display()
                );
            }
        }
    }
    eprintln!("fuzz: {cases} manuscripts, {valid} valid and rendered");
}

#[test]
fn fuzz_regressions_stay_fixed() {
    // Intent: every input once found to crash, hang or be reported at the wrong place
    // stays harmless: tests/fixtures/fuzz/bodies/*.md as bodies, manuscripts/*/ as
    // manuscripts.
    let base = root().join("tests/fixtures/fuzz");
    let listing = |sub: &str| -> Vec<PathBuf> {
        let mut paths: Vec<PathBuf> = std::fs::read_dir(base.join(sub))
            .unwrap_or_else(|e| panic!("tests/fixtures/fuzz/{sub}: {e}"))
            .flatten()
            .map(|e| e.path())
            .collect();
        paths.sort();
        paths
    };
    let bodies = listing("bodies");
    let manuscripts = listing("manuscripts");
    assert!(!bodies.is_empty() && !manuscripts.is_empty());
    for path in bodies {
        let text = std::fs::read_to_string(&path).expect("read");
        if let Err(why) = lower_markdown(&text) {
            panic!("{}: {why}", path.display());
        }
    }
    for path in manuscripts {
        if let Err(why) = exercise(&path) {
            panic!("{}: {why}", path.display());
        }
    }
}

#[test]
fn failing_cases_are_shrunk_to_what_fails() {
    // Intent: the shrinker keeps only what makes a case fail, so a found crash becomes a
    // small fixture.
    let input = "first line\nsecond ~~~ line\nthird\n";
    assert_eq!(shrink(input, &|t| t.contains("~~~")), "~~~");
    let lines = "a = 1\n[[point]]\nid = \"x\"\nb = 2\n";
    assert_eq!(
        shrink(lines, &|t| t.contains("[[point]]") && t.contains("id")),
        "[[point]]id"
    );
}
