//! The anchor scheme: one name per place a reader can be sent to, used by every format.
//!
//! Revision points and topics with an id are anchored by that id, so `[text](#id)` in a
//! body and `page.html#id` both work. Everything else the document makes gets an anchor
//! that starts with `_`, which no manuscript id can, so the two never collide:
//!
//! | place | anchor |
//! | --- | --- |
//! | the document's own sections | `_main`, `_history`, `_purpose` (with `_reasons` and `_general` in it), `_points`, `_references`, `_forms` (with `_related`), `_team`, `_floating` |
//! | a part | `_part-<part id>` |
//! | a part's topics that are tied to no place | `_part-<part id>-topics` |
//! | a reason | `_reason-<reason id>` |
//! | a reference | `_ref-<reference id>` |
//! | a topic without an id | `_t-<point id>-<n>`, or `_pt-<part id>-<n>` under a part (n counts the owner's topics from 1, depth first) |
//!
//! Word limits bookmark names to 40 letters, digits and `_`; each anchor also has such a
//! name (`bookmark`), derived from it and unique in the document.

use std::collections::HashSet;

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

/// A place in the document that links can point to.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize, JsonSchema)]
pub struct Anchor {
    /// The anchor: the HTML `id`, and what `#…` links name.
    pub id: String,
    /// The Word bookmark name of the same place (at most 40 of `[A-Za-z0-9_]`).
    pub bookmark: String,
}

/// The anchor of a part.
pub fn part(id: &str) -> String {
    format!("_part-{id}")
}

/// The anchor of a part's topics that are tied to no place in the book.
pub fn part_topics(id: &str) -> String {
    format!("_part-{id}-topics")
}

/// The anchor of a reason.
pub fn reason(id: &str) -> String {
    format!("_reason-{id}")
}

/// The anchor of a reference.
pub fn reference(id: &str) -> String {
    format!("_ref-{id}")
}

/// The anchor of the `n`th topic without an id under a revision point.
pub fn point_topic(point: &str, n: usize) -> String {
    format!("_t-{point}-{n}")
}

/// The anchor of the `n`th topic without an id under a part.
pub fn part_topic(part: &str, n: usize) -> String {
    format!("_pt-{part}-{n}")
}

/// Word's longest bookmark name.
pub const BOOKMARK_MAX: usize = 40;

/// Gives anchors their bookmark names, keeping the names unique.
#[derive(Debug, Default)]
pub struct Anchors {
    used: HashSet<String>,
}

impl Anchors {
    /// The anchor `id` with a bookmark name that no earlier anchor has: the id itself when
    /// Word accepts it, else the id with every other character as `_`, a leading `_` when it
    /// starts with a digit, cut to 40 characters, and a number added when that is taken.
    pub fn make(&mut self, id: String) -> Anchor {
        let mut base: String = id
            .chars()
            .map(|c| if c.is_ascii_alphanumeric() { c } else { '_' })
            .collect();
        if !base.starts_with(|c: char| c.is_ascii_alphabetic() || c == '_') {
            base.insert(0, '_');
        }
        base.truncate(BOOKMARK_MAX);
        let mut bookmark = base.clone();
        let mut n = 1usize;
        while self.used.contains(&bookmark) {
            n += 1;
            let suffix = format!("_{n}");
            let mut stem = base.clone();
            stem.truncate(BOOKMARK_MAX - suffix.len());
            bookmark = stem + &suffix;
        }
        self.used.insert(bookmark.clone());
        Anchor { id, bookmark }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bookmarks_are_word_names_and_unique() {
        // Intent: any id becomes a legal, unique Word bookmark name of at most 40 characters.
        let mut a = Anchors::default();
        assert_eq!(a.make("intro_opening".into()).bookmark, "intro_opening");
        assert_eq!(a.make("intro-opening".into()).bookmark, "intro_opening_2");
        assert_eq!(a.make("_part-x".into()).bookmark, "_part_x");
        assert_eq!(a.make("1.2".into()).bookmark, "_1_2");
        let long = "a".repeat(60);
        let first = a.make(long.clone()).bookmark;
        let second = a.make(long).bookmark;
        assert_eq!(first.len(), 40);
        assert_eq!(second.len(), 40);
        assert_ne!(first, second);
    }
}
