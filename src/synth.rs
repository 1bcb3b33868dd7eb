//! A synthetic manuscript generator for benchmarks and limit tests: `scale` times the size
//! of the bundled manuscript (parts, revision points, nested topics, references, tables,
//! long Japanese paragraphs), always valid, and the same bytes for the same scale.

use std::fmt::Write as _;

/// The files of a generated manuscript: (path relative to the manuscript folder, contents).
pub type Files = Vec<(String, String)>;

const PHRASES: &[&str] = &[
    "サイバー攻撃の手口は年々巧妙化しており、",
    "中小企業においても経営者自らがリスクを把握し、",
    "取引先を含めたサプライチェーン全体での対策が求められている。",
    "重要な情報資産を洗い出し、優先順位をつけて保護することが重要である。",
    "インシデント発生時の連絡体制と復旧手順をあらかじめ定めておく。",
    "クラウドサービスの利用にあたっては、責任分界点を確認する。",
    "テレワーク環境では端末管理と認証の強化が欠かせない。",
    "従業員への教育と訓練を継続的に実施し、",
    "ガイドラインの改訂内容を踏まえて記述を見直す。",
    "最新の統計データに基づいて説明文を更新する。",
];

const PARTS: &[(&str, &str, &str)] = &[
    ("intro", "はじめに", "はじめに"),
    ("mission1", "Mission1", "知っておきたいサイバー攻撃の知識"),
    (
        "mission2",
        "Mission2",
        "すぐやろう！対サイバー攻撃アクション",
    ),
    (
        "mission3",
        "Mission3",
        "経営者は事前に何を備えればよいのか？",
    ),
    ("mission4", "Mission4", "もしもマニュアル"),
    (
        "mission5",
        "Mission5",
        "やってみよう！サイバー攻撃対策シミュレーション",
    ),
    ("information", "Information", "インフォメーション"),
];

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
        (0..sentences)
            .map(|_| PHRASES[self.below(PHRASES.len())])
            .collect()
    }
}

/// Generates a manuscript `scale` times the size of the bundled one (`scale` ≥ 1).
pub fn generate(scale: usize) -> Files {
    let scale = scale.max(1);
    let mut rng = Rng(0x9E37_79B9_7F4A_7C15 ^ scale as u64);
    let points = POINTS_PER_SCALE * scale;
    let references = REFERENCES_PER_SCALE * scale;
    let sections_per_part = (2 * scale).max(1);
    let pages_per_section = 10u32;
    let total_pages = PARTS.len() as u32 * sections_per_part as u32 * pages_per_section + 10;

    let mut main = String::new();
    let _ = writeln!(main, "general_notes = [\"{}\"]\n", rng.paragraph(2));
    let _ = writeln!(
        main,
        "[supplement]\nid = \"SYNTH-{scale}\"\ntitle = \"合成原稿（規模 {scale}）\"\naudience = [\"経営者\", \"CISO\"]\n"
    );
    let _ = writeln!(
        main,
        "[base_book]\ntitle = \"合成された対象書籍\"\npublisher = \"見本出版\"\npublished = \"2017-11\"\npages = {total_pages}\n"
    );
    for (p, (part, _, _)) in PARTS.iter().enumerate() {
        for k in 0..sections_per_part {
            let start = 1 + ((p * sections_per_part + k) as u32) * pages_per_section;
            let _ = writeln!(
                main,
                "[[base_book.section]]\nid = \"{part}-{k}\"\nlabel = \"{part}-{k}\"\npart = \"{part}\"\npages = \"{start}-{}\"\n",
                start + pages_per_section - 1
            );
        }
    }
    for (id, name) in [
        ("hayade", "早出"),
        ("nakayama", "中山"),
        ("ito", "伊藤"),
        ("kobayashi", "小林"),
    ] {
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
            "[[reason]]\nid = \"reason-{r}\"\ntitle = \"改訂理由 {r}\"\nreferences = [\"ref-{}\"]\n\n[[reason.item]]\ntitle = \"{}\"\nnote = \"{}\"\n",
            r % references,
            rng.paragraph(1),
            rng.paragraph(1)
        );
    }

    let mut refs = String::new();
    for r in 0..references {
        let _ = writeln!(
            refs,
            "[[reference]]\nid = \"ref-{r}\"\ntitle = \"参考資料 {r}：{}\"\nissuer = \"IPA\"\ndate = \"2019-{:02}\"\nurl = \"https://example.com/docs/{r}?lang=ja&v=2\"\n",
            rng.paragraph(1),
            1 + r % 12
        );
    }

    let mut files: Files = vec![
        ("supplement.toml".into(), main),
        ("references.toml".into(), refs),
    ];
    let per_part = points.div_ceil(PARTS.len());
    let mut point = 0usize;
    let mut cited = vec![false; references];
    for (p, (part, label, title)) in PARTS.iter().enumerate() {
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
                let _ = writeln!(body, "- 項目 {i}：{}", rng.paragraph(1));
            }
            if point % 5 == 0 {
                body.push_str("\n| 項目 | 旧版 | 新版 |\n|---|---|---|\n");
                for row in 0..4 {
                    let _ = writeln!(
                        body,
                        "| 行 {row} | {} | {} |",
                        rng.paragraph(1),
                        rng.paragraph(1)
                    );
                }
            }
            let _ = writeln!(
                text,
                "[[point]]\nid = \"pt-{point}\"\ntitle = \"改訂箇所 {point}：{}\"\ntargets = [\"{part}-{k}\"]\npages = [\"{}-{}\"]\naction = \"{}\"\npriority = {}\nowners = [\"{}\"]\nreasons = [\"reason-{}\"]\nreferences = [\"ref-{r}\"]\nbody = \"\"\"\n{body}\"\"\"\n",
                rng.paragraph(1).trim_end_matches('。'),
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
                    "[[point.topic]]\ntitle = \"話題 {point}-{t}\"\nreferences = [\"ref-{tr}\"]\nbody = \"{}\"\n",
                    rng.paragraph(1)
                );
                for u in 0..1 {
                    let _ = writeln!(
                        text,
                        "[[point.topic.topic]]\ntitle = \"小話題 {point}-{t}-{u}\"\nbody = \"- {}\"\n",
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
                "[[topic]]\ntitle = \"その他の参考資料\"\nreferences = [{}]\n",
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
