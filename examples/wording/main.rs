//! Times the wording diff (`supplement::view::wording::diff`) on real-sized and
//! pathological pairs: `cargo run --release --example wording`. BENCHMARKS.md quotes it.

use std::time::Instant;

fn time(name: &str, a: &str, b: &str) {
    let runs = 5;
    let mut best = f64::MAX;
    let mut chunks = 0;
    for _ in 0..runs {
        let start = Instant::now();
        chunks = supplement::view::wording::diff(a, b).len();
        best = best.min(start.elapsed().as_secs_f64() * 1000.0);
    }
    println!(
        "| {name} | {} / {} | {chunks} | {best:.2} |",
        a.chars().count(),
        b.chars().count()
    );
}

fn main() {
    let sentence = "中小企業においても経営者自らがリスクを把握し、取引先を含めたサプライチェーン全体での対策が求められている。";
    let base: String = sentence
        .repeat(10_000 / sentence.chars().count() + 1)
        .chars()
        .take(10_000)
        .collect();
    let edited: String = base
        .chars()
        .enumerate()
        .map(|(i, c)| if i % 500 == 250 { '新' } else { c })
        .collect();
    println!("| pair | characters (old / new) | chunks | best of 5, ms |");
    println!("| --- | ---: | ---: | ---: |");
    time(
        "manuscript pair",
        "情報の入手とその有効活用",
        "情報の提供、及び入手とその有効活用",
    );
    time("10,000 characters, 20 edits", &base, &edited);
    for n in [2_000, 5_000, 10_000, 20_000] {
        let a = "あい".repeat(n / 2);
        let b = "いあ".repeat(n / 2);
        time(&format!("alternating, {n} characters"), &a, &b);
        let a: String = (0..n)
            .map(|i| if i % 3 == 0 { 'ア' } else { '漢' })
            .collect();
        let b: String = (0..n)
            .map(|i| if i % 2 == 0 { 'ア' } else { '字' })
            .collect();
        time(&format!("interleaved scripts, {n} characters"), &a, &b);
    }
    for n in [500, 1_000] {
        let a: String = (0..n)
            .map(|i| if i % 3 == 0 { "ア。" } else { "漢。" })
            .collect();
        let b: String = (0..n)
            .map(|i| if i % 2 == 0 { "ア。" } else { "字。" })
            .collect();
        time(&format!("interleaved sentences, {n} a side"), &a, &b);
    }
    let a = "あい".repeat(50_000);
    let b = "いあ".repeat(50_000);
    time("alternating, 100,000 characters (over the cap)", &a, &b);
}
