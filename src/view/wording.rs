//! The wording diff: what changes between the old and the new wording of a passage, at
//! the level a Japanese reader checks it.
//!
//! `dissimilar` (diff-match-patch with semantic cleanup) finds the changed characters;
//! then each changed stretch is widened to whole runs of one script — kanji, katakana,
//! digits, Latin letters — so that 「201[-7年11月発-]{+9年4月1日施+}行」 reads
//! 「[-2017年11月発行-]{+2019年4月1日施行+}」: a word is never split in the middle. Hiragana
//! (particles, okurigana) is not widened, nor is punctuation.
//!
//! The cost is bounded: a character diff costs the product of the lengths in the worst case
//! (text that interleaves two scripts), so long passages are compared sentence by sentence
//! first (each sentence one symbol), and only changed stretches of at most [`BLOCK`]
//! characters a side are compared character by character; larger ones, and passages of more
//! than [`MAX_UNITS`] sentences or [`MAX_CHARS`] characters, show as replaced whole.

use std::collections::HashMap;

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

/// Longest passage (in characters, either side) that is compared at all; past it, the
/// whole passage shows as replaced.
pub const MAX_CHARS: usize = 20_000;
/// Most sentences (both sides) compared sentence by sentence.
pub const MAX_UNITS: usize = 2_000;
/// Longest changed stretch (characters, each side) compared character by character.
pub const BLOCK: usize = 300;

/// What a stretch of text is in the comparison.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum ChunkKind {
    /// In both wordings.
    Same,
    /// Only in the old wording.
    Removed,
    /// Only in the new wording.
    Added,
}

/// A stretch of text and whether it changed.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub struct Chunk {
    /// Same, removed or added.
    pub kind: ChunkKind,
    /// The text.
    pub text: String,
}

/// The script class of a character, for widening.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Script {
    Kanji,
    Katakana,
    Digit,
    Latin,
    /// Never widened across (hiragana, punctuation, spaces, symbols).
    Other,
}

fn script(c: char) -> Script {
    match c {
        '0'..='9' | '\u{FF10}'..='\u{FF19}' => Script::Digit,
        'A'..='Z' | 'a'..='z' | '\u{FF21}'..='\u{FF3A}' | '\u{FF41}'..='\u{FF5A}' => Script::Latin,
        // Katakana, the prolonged sound mark, half-width katakana.
        '\u{30A0}'..='\u{30FF}' | '\u{31F0}'..='\u{31FF}' | '\u{FF66}'..='\u{FF9F}' => {
            Script::Katakana
        }
        // CJK ideographs (with extension A and compatibility forms) and the iteration mark 々.
        '\u{3400}'..='\u{4DBF}'
        | '\u{4E00}'..='\u{9FFF}'
        | '\u{F900}'..='\u{FAFF}'
        | '\u{3005}' => Script::Kanji,
        _ => Script::Other,
    }
}

/// The diff of two wordings: the chunks in order (old and new text interleaved where they
/// differ). An empty `before` gives one added chunk, an empty `after` one removed chunk.
pub fn diff(before: &str, after: &str) -> Vec<Chunk> {
    if before == after {
        return vec![chunk(ChunkKind::Same, before)]
            .into_iter()
            .filter(|c| !c.text.is_empty())
            .collect();
    }
    if before.chars().count() > MAX_CHARS || after.chars().count() > MAX_CHARS {
        return replaced(before, after);
    }
    widen(by_sentence(before, after))
}

/// Both sides as one removed and one added chunk (an empty side left out).
fn replaced(before: &str, after: &str) -> Vec<Chunk> {
    [
        chunk(ChunkKind::Removed, before),
        chunk(ChunkKind::Added, after),
    ]
    .into_iter()
    .filter(|c| !c.text.is_empty())
    .collect()
}

/// A character diff of a short stretch, or the stretch replaced whole when it is long.
fn by_char(before: &str, after: &str) -> Vec<Chunk> {
    if before.chars().count() > BLOCK || after.chars().count() > BLOCK {
        return replaced(before, after);
    }
    dissimilar::diff(before, after)
        .into_iter()
        .map(|c| match c {
            dissimilar::Chunk::Equal(t) => chunk(ChunkKind::Same, t),
            dissimilar::Chunk::Delete(t) => chunk(ChunkKind::Removed, t),
            dissimilar::Chunk::Insert(t) => chunk(ChunkKind::Added, t),
        })
        .collect()
}

/// The sentences of a text, each with its closing mark or line break.
fn sentences(text: &str) -> Vec<&str> {
    let mut out = Vec::new();
    let mut start = 0;
    for (i, c) in text.char_indices() {
        if matches!(
            c,
            '\u{3002}' | '\u{FF0E}' | '\u{FF01}' | '\u{FF1F}' | '.' | '!' | '?' | '\n'
        ) {
            let end = i + c.len_utf8();
            out.push(&text[start..end]);
            start = end;
        }
    }
    if start < text.len() {
        out.push(&text[start..]);
    }
    out
}

/// Compares sentence by sentence (each distinct sentence one private-use symbol), then
/// character by character inside each changed stretch of sentences.
fn by_sentence(before: &str, after: &str) -> Vec<Chunk> {
    let (a, b) = (sentences(before), sentences(after));
    if a.len() + b.len() > MAX_UNITS {
        return by_char(before, after);
    }
    fn encode<'t>(list: &[&'t str], symbols: &mut HashMap<&'t str, char>) -> String {
        let mut out = String::new();
        for s in list {
            let next = symbols.len() as u32;
            let c = *symbols
                .entry(*s)
                .or_insert_with(|| char::from_u32(0xF_0000 + next).unwrap_or('\u{FFFD}'));
            out.push(c);
        }
        out
    }
    let mut symbols: HashMap<&str, char> = HashMap::new();
    let (ea, eb) = (encode(&a, &mut symbols), encode(&b, &mut symbols));
    let mut decoded: HashMap<char, &str> = HashMap::new();
    for (s, c) in &symbols {
        decoded.insert(*c, s);
    }
    let text = |encoded: &str| -> String {
        encoded
            .chars()
            .filter_map(|c| decoded.get(&c).copied())
            .collect()
    };
    let mut out = Vec::new();
    let (mut removed, mut added) = (String::new(), String::new());
    let flush = |out: &mut Vec<Chunk>, removed: &mut String, added: &mut String| {
        if !removed.is_empty() || !added.is_empty() {
            out.extend(by_char(removed, added));
            removed.clear();
            added.clear();
        }
    };
    for c in dissimilar::diff(&ea, &eb) {
        match c {
            dissimilar::Chunk::Equal(t) => {
                flush(&mut out, &mut removed, &mut added);
                out.push(Chunk {
                    kind: ChunkKind::Same,
                    text: text(t),
                });
            }
            dissimilar::Chunk::Delete(t) => removed.push_str(&text(t)),
            dissimilar::Chunk::Insert(t) => added.push_str(&text(t)),
        }
    }
    flush(&mut out, &mut removed, &mut added);
    out
}

fn chunk(kind: ChunkKind, text: &str) -> Chunk {
    Chunk {
        kind,
        text: text.to_string(),
    }
}

/// A stretch of the diff: unchanged text, or a change (what was removed and what was
/// added in its place).
enum Stretch {
    Same(String),
    Change { removed: String, added: String },
}

/// Widens every change to whole script runs, taking the characters from the unchanged
/// text around it, and merges changes that meet.
fn widen(chunks: Vec<Chunk>) -> Vec<Chunk> {
    // Group into alternating same / change stretches.
    let mut stretches: Vec<Stretch> = Vec::new();
    for c in chunks {
        match (c.kind, stretches.last_mut()) {
            (ChunkKind::Same, Some(Stretch::Same(s))) => s.push_str(&c.text),
            (ChunkKind::Same, _) => stretches.push(Stretch::Same(c.text)),
            (kind, Some(Stretch::Change { removed, added })) => {
                if kind == ChunkKind::Removed {
                    removed.push_str(&c.text);
                } else {
                    added.push_str(&c.text);
                }
            }
            (kind, _) => stretches.push(if kind == ChunkKind::Removed {
                Stretch::Change {
                    removed: c.text,
                    added: String::new(),
                }
            } else {
                Stretch::Change {
                    removed: String::new(),
                    added: c.text,
                }
            }),
        }
    }
    // Move script-run characters from the unchanged neighbours into each change.
    for i in 0..stretches.len() {
        let (left, rest) = stretches.split_at_mut(i);
        let Some((Stretch::Change { removed, added }, right)) = rest.split_first_mut() else {
            continue;
        };
        let first: Vec<Script> = [removed.chars().next(), added.chars().next()]
            .into_iter()
            .flatten()
            .map(script)
            .filter(|s| *s != Script::Other)
            .collect();
        if let Some(Stretch::Same(before)) = left.last_mut() {
            let take: usize = before
                .chars()
                .rev()
                .take_while(|c| first.contains(&script(*c)))
                .map(char::len_utf8)
                .sum();
            if take > 0 {
                let moved = before.split_off(before.len() - take);
                removed.insert_str(0, &moved);
                added.insert_str(0, &moved);
            }
        }
        let last: Vec<Script> = [removed.chars().next_back(), added.chars().next_back()]
            .into_iter()
            .flatten()
            .map(script)
            .filter(|s| *s != Script::Other)
            .collect();
        if let Some(Stretch::Same(after)) = right.first_mut() {
            let take: usize = after
                .chars()
                .take_while(|c| last.contains(&script(*c)))
                .map(char::len_utf8)
                .sum();
            if take > 0 {
                let rest = after.split_off(take);
                let moved = std::mem::replace(after, rest);
                removed.push_str(&moved);
                added.push_str(&moved);
            }
        }
    }
    // Back to chunks, merging changes that now meet (their unchanged text was taken).
    let mut out: Vec<Chunk> = Vec::new();
    let mut pending: Option<(String, String)> = None;
    for s in stretches {
        match s {
            Stretch::Same(text) if text.is_empty() => {}
            Stretch::Same(text) => {
                if let Some((r, a)) = pending.take() {
                    push_change(&mut out, r, a);
                }
                out.push(Chunk {
                    kind: ChunkKind::Same,
                    text,
                });
            }
            Stretch::Change { removed, added } => {
                let (r, a) = pending.get_or_insert_with(Default::default);
                r.push_str(&removed);
                a.push_str(&added);
            }
        }
    }
    if let Some((r, a)) = pending {
        push_change(&mut out, r, a);
    }
    out
}

fn push_change(out: &mut Vec<Chunk>, removed: String, added: String) {
    if !removed.is_empty() {
        out.push(Chunk {
            kind: ChunkKind::Removed,
            text: removed,
        });
    }
    if !added.is_empty() {
        out.push(Chunk {
            kind: ChunkKind::Added,
            text: added,
        });
    }
}

/// The old wording (unchanged and removed chunks).
pub fn old_text(chunks: &[Chunk]) -> String {
    chunks
        .iter()
        .filter(|c| c.kind != ChunkKind::Added)
        .map(|c| c.text.as_str())
        .collect()
}

/// The new wording (unchanged and added chunks).
pub fn new_text(chunks: &[Chunk]) -> String {
    chunks
        .iter()
        .filter(|c| c.kind != ChunkKind::Removed)
        .map(|c| c.text.as_str())
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    /// `[-x-]` for removed, `{+x+}` for added.
    fn show(chunks: &[Chunk]) -> String {
        chunks
            .iter()
            .map(|c| match c.kind {
                ChunkKind::Same => c.text.clone(),
                ChunkKind::Removed => format!("[-{}-]", c.text),
                ChunkKind::Added => format!("{{+{}+}}", c.text),
            })
            .collect()
    }

    #[test]
    fn changes_widen_to_whole_script_runs() {
        // Intent: the example: digits and kanji around a change join it.
        let d = diff("2017年11月発行", "2019年4月1日施行");
        assert_eq!(show(&d), "[-2017年11月発行-]{+2019年4月1日施行+}");
    }

    #[test]
    fn hiragana_and_punctuation_stay_outside_the_change() {
        // Intent: real pairs from manuscript/ and examples/full: particles are not widened.
        let d = diff(
            "情報の入手とその有効活用",
            "情報の提供、及び入手とその有効活用",
        );
        assert_eq!(old_text(&d), "情報の入手とその有効活用");
        assert_eq!(new_text(&d), "情報の提供、及び入手とその有効活用");
        assert_eq!(show(&d), "情報の{+提供、及び+}入手とその有効活用");
        // 社員向 is one kanji run, so 向 goes with the change; the okurigana け does not.
        let d = diff("すべての社員向け", "経営者と CISO 向け");
        assert_eq!(show(&d), "[-すべての社員向-]{+経営者と CISO 向+}け");
    }

    #[test]
    fn katakana_and_latin_words_are_never_split() {
        // Intent: a changed letter in a katakana or Latin word marks the whole word.
        assert_eq!(
            show(&diff("クラウドサービスを使う", "クラウドサーバーを使う")),
            "[-クラウドサービス-]{+クラウドサーバー+}を使う"
        );
        assert_eq!(
            show(&diff("NIST SP800-53", "NIST SP800-171")),
            "NIST SP800-[-53-]{+171+}"
        );
    }

    #[test]
    fn all_new_and_all_removed_passages() {
        // Intent: an empty side gives one chunk; equal sides give no change.
        assert_eq!(show(&diff("", "新しい節")), "{+新しい節+}");
        assert_eq!(show(&diff("古い節", "")), "[-古い節-]");
        assert_eq!(show(&diff("同じ", "同じ")), "同じ");
        assert!(diff("", "").is_empty());
    }

    #[test]
    fn long_inputs_are_not_searched() {
        // Intent: past the cap, the whole passage is replaced, and the sides still add up.
        let a = "あい".repeat(MAX_CHARS);
        let b = "いあ".repeat(MAX_CHARS);
        let d = diff(&a, &b);
        assert_eq!(d.len(), 2);
        assert_eq!(old_text(&d), a);
        assert_eq!(new_text(&d), b);
    }

    #[test]
    fn long_passages_are_compared_sentence_by_sentence() {
        // Intent: in a long passage, an edited sentence is found and marked precisely;
        // unchanged sentences stay unchanged.
        let s = "経営者自らがリスクを把握する。";
        let a = s.repeat(200) + "取引先を含めた対策が求められている。" + &s.repeat(200);
        let b = s.repeat(200) + "取引先を含めた対策が強く求められている。" + &s.repeat(200);
        let d = diff(&a, &b);
        assert_eq!(old_text(&d), a);
        assert_eq!(new_text(&d), b);
        let changed: Vec<&Chunk> = d.iter().filter(|c| c.kind != ChunkKind::Same).collect();
        assert_eq!(changed.len(), 1, "{changed:?}");
        assert_eq!(changed[0].text, "強く");
    }

    #[test]
    fn both_sides_are_always_rebuilt_exactly() {
        // Intent: whatever the widening does, old and new text come back unchanged.
        let pairs = [
            ("第3版のリスク分析", "第4版のリスク評価と分析"),
            ("a1b2c3", "a9b8c7"),
            (
                "（2018年度報告・2019年度計画）",
                "（2019年度報告・2020年度計画）",
            ),
            ("テスト", "テキスト"),
            ("x", "y"),
            (
                "長い文章の途中で一語だけ変える。",
                "長い文章の途中で一句だけ変える。",
            ),
        ];
        for (a, b) in pairs {
            let d = diff(a, b);
            assert_eq!(old_text(&d), a, "{}", show(&d));
            assert_eq!(new_text(&d), b, "{}", show(&d));
        }
    }
}
