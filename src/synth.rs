//! A synthetic manuscript generator for benchmarks and limit tests: `scale` times the size
//! of the bundled manuscript (parts, revision points, nested topics, references, tables,
//! long Japanese paragraphs), always valid, and the same bytes for the same scale.

use std::fmt::Write as _;

/// The files of a generated manuscript: (path relative to the manuscript folder, contents).
pub type Files = Vec<(String, String)>;

/// The vocabulary of generated manuscripts (Japanese, like the real one's).
#[derive(Debug, serde::Deserialize)]
struct Words {
    phrases: Vec<String>,
    sentence_end: String,
    parts: Vec<[String; 3]>,
    team: Vec<[String; 2]>,
    title: String,
    audience: Vec<String>,
    book: String,
    publisher: String,
    reason: String,
    reference: String,
    item: String,
    table_head: String,
    row: String,
    point: String,
    topic: String,
    subtopic: String,
    other_references: String,
}

fn words() -> &'static Words {
    static WORDS: std::sync::OnceLock<Words> = std::sync::OnceLock::new();
    WORDS.get_or_init(|| {
        // Part of the program, checked by a unit test.
        toml::from_str(include_str!("../examples/synth/words.toml"))
            .unwrap_or_else(|e| unreachable!("examples/synth/words.toml: {e}"))
    })
}

/// A pattern with `{n}` replaced.
fn n(pattern: &str, value: impl std::fmt::Display) -> String {
    pattern.replace("{n}", &value.to_string())
}

/// Revision points per unit of scale (the bundled manuscript has about this many).
pub const POINTS_PER_SCALE: usize = 20;
/// References per unit of scale.
pub const REFERENCES_PER_SCALE: usize = 24;

/// A small deterministic pseudo-random generator (xorshift64*), for generated content and
/// seeded property tests.
pub struct Rng(pub u64);

impl Rng {
    /// The next 64 random bits.
    pub fn next_u64(&mut self) -> u64 {
        // xorshift64*
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }

    /// A number in `0..n` (0 when `n` is 0).
    pub fn below(&mut self, n: usize) -> usize {
        (self.next_u64() % n.max(1) as u64) as usize
    }

    fn paragraph(&mut self, sentences: usize) -> String {
        let phrases = &words().phrases;
        (0..sentences)
            .map(|_| phrases[self.below(phrases.len())].as_str())
            .collect()
    }
}

/// Generates a manuscript `scale` times the size of the bundled one (`scale` ≥ 1).
pub fn generate(scale: usize) -> Files {
    let scale = scale.max(1);
    let w = words();
    let parts = &w.parts;
    let mut rng = Rng(0x9E37_79B9_7F4A_7C15 ^ scale as u64);
    let points = POINTS_PER_SCALE * scale;
    let references = REFERENCES_PER_SCALE * scale;
    let sections_per_part = (2 * scale).max(1);
    let pages_per_section = 10u32;
    let total_pages = parts.len() as u32 * sections_per_part as u32 * pages_per_section + 10;

    let mut main = String::new();
    let _ = writeln!(main, "general_notes = [\"{}\"]\n", rng.paragraph(2));
    let audience: Vec<String> = w.audience.iter().map(|a| format!("{a:?}")).collect();
    let _ = writeln!(
        main,
        "[supplement]\nid = \"SYNTH-{scale}\"\ntitle = \"{}\"\naudience = [{}]\n",
        n(&w.title, scale),
        audience.join(", ")
    );
    let _ = writeln!(
        main,
        "[base_book]\ntitle = \"{}\"\npublisher = \"{}\"\npublished = \"2017-11\"\npages = {total_pages}\n",
        w.book, w.publisher
    );
    for (p, [part, _, _]) in parts.iter().enumerate() {
        for k in 0..sections_per_part {
            let start = 1 + ((p * sections_per_part + k) as u32) * pages_per_section;
            let _ = writeln!(
                main,
                "[[base_book.section]]\nid = \"{part}-{k}\"\nlabel = \"{part}-{k}\"\npart = \"{part}\"\npages = \"{start}-{}\"\n",
                start + pages_per_section - 1
            );
        }
    }
    for [id, name] in &w.team {
        let _ = writeln!(main, "[[team]]\nid = \"{id}\"\nname = \"{name}\"\n");
    }
    let history = 4 + scale;
    for h in 0..history {
        let day = history - h;
        let _ = writeln!(
            main,
            "[[history]]\ndate = \"{}-{:02}-{:02}\"\nsummary = \"{}\"\n",
            2000 + day / 300,
            1 + (day / 28) % 12,
            1 + day % 28,
            rng.paragraph(1)
        );
    }
    for r in 0..(4 * scale) {
        let _ = writeln!(
            main,
            "[[reason]]\nid = \"reason-{r}\"\ntitle = \"{}\"\nreferences = [\"ref-{}\"]\n\n[[reason.item]]\ntitle = \"{}\"\nnote = \"{}\"\n",
            n(&w.reason, r),
            r % references,
            rng.paragraph(1),
            rng.paragraph(1)
        );
    }

    let mut refs = String::new();
    for r in 0..references {
        let _ = writeln!(
            refs,
            "[[reference]]\nid = \"ref-{r}\"\ntitle = \"{}{}\"\nissuer = \"IPA\"\ndate = \"2019-{:02}\"\nurl = \"https://example.com/docs/{r}?lang=ja&v=2\"\n",
            n(&w.reference, r),
            rng.paragraph(1),
            1 + r % 12
        );
    }

    let mut files: Files = vec![
        ("supplement.toml".into(), main),
        ("references.toml".into(), refs),
    ];
    let per_part = points.div_ceil(parts.len());
    let mut point = 0usize;
    let mut cited = vec![false; references];
    for (p, [part, label, title]) in parts.iter().enumerate() {
        let mut text = String::new();
        let _ = writeln!(text, "[part]\nid = \"{part}\"\nlabel = \"{label}\"\ntitle = \"{title}\"\nowners = [\"hayade\"]\n");
        for _ in 0..per_part {
            if point >= points {
                break;
            }
            let k = rng.below(sections_per_part);
            let start = 1 + ((p * sections_per_part + k) as u32) * pages_per_section;
            let r = point % references;
            cited[r] = true;
            let mut body = format!("{}\n\n", rng.paragraph(3));
            for i in 0..2 {
                let _ = writeln!(body, "- {}{}", n(&w.item, i), rng.paragraph(1));
            }
            if point % 5 == 0 {
                let _ = writeln!(body, "\n{}\n|---|---|---|", w.table_head);
                for row in 0..4 {
                    let _ = writeln!(
                        body,
                        "| {} | {} | {} |",
                        n(&w.row, row),
                        rng.paragraph(1),
                        rng.paragraph(1)
                    );
                }
            }
            let _ = writeln!(
                text,
                "[[point]]\nid = \"pt-{point}\"\ntitle = \"{}{}\"\ntargets = [\"{part}-{k}\"]\npages = [\"{}-{}\"]\naction = \"{}\"\npriority = {}\nowners = [\"{}\"]\nreasons = [\"reason-{}\"]\nreferences = [\"ref-{r}\"]\nbody = \"\"\"\n{body}\"\"\"\n",
                n(&w.point, point),
                rng.paragraph(1).trim_end_matches(w.sentence_end.as_str()),
                start + 1,
                start + 3,
                ["revise", "add-after", "add-to", "add-new"][point % 4],
                4 + point % 3,
                ["hayade", "nakayama", "ito -> nakayama", "kobayashi"][point % 4],
                point % (4 * scale),
            );
            for t in 0..2 {
                let tr = (point * 2 + t + 1) % references;
                cited[tr] = true;
                let _ = writeln!(
                    text,
                    "[[point.topic]]\ntitle = \"{}\"\nreferences = [\"ref-{tr}\"]\nbody = \"{}\"\n",
                    n(&w.topic, format!("{point}-{t}")),
                    rng.paragraph(1)
                );
                for u in 0..1 {
                    let _ = writeln!(
                        text,
                        "[[point.topic.topic]]\ntitle = \"{}\"\nbody = \"- {}\"\n",
                        n(&w.subtopic, format!("{point}-{t}-{u}")),
                        rng.paragraph(1)
                    );
                }
            }
            point += 1;
        }
        files.push((format!("parts/{p:02}-{part}.toml"), text));
    }
    // Cite every reference once so that the manuscript has no warnings.
    if let Some((_, last)) = files.last_mut() {
        let unused: Vec<String> = cited
            .iter()
            .enumerate()
            .filter(|(_, c)| !**c)
            .map(|(i, _)| format!("\"ref-{i}\""))
            .collect();
        if !unused.is_empty() {
            let _ = writeln!(
                last,
                "[[topic]]\ntitle = \"{}\"\nreferences = [{}]\n",
                w.other_references,
                unused.join(", ")
            );
        }
    }
    files
}

/// Writes a generated manuscript into `dir`.
pub fn write(dir: &std::path::Path, scale: usize) -> std::io::Result<()> {
    for (name, text) in generate(scale) {
        let path = dir.join(name);
        if let Some(parent) = path.parent() {
            std::fs::create_dir_all(parent)?;
        }
        std::fs::write(path, text)?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    #[test]
    fn generated_manuscripts_are_valid_and_repeatable() {
        // Intent: the vocabulary file parses, and a scale gives the same files every time.
        assert!(super::words().phrases.len() > 3);
        assert_eq!(super::generate(2), super::generate(2));
    }
}
