//! The mind-map conventions (`styles/mindmap.toml`): the icon each mind-map format uses for
//! a marker or a priority, and the words `supplement import` recognises in a map. Data, so
//! that no convention of the plan is a literal in the code.

use serde::Deserialize;

/// The built-in conventions file.
pub const MINDMAP: &str = include_str!("../styles/mindmap.toml");

/// Everything in `styles/mindmap.toml`.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Conventions {
    /// Markers and their icons.
    #[serde(default)]
    pub marker: Vec<MarkerIcons>,
    /// Priority icon patterns (`{n}` is the number).
    pub priority: IconPatterns,
    /// What import recognises.
    pub import: ImportConventions,
}

/// The icons of one marker, per format (absent: the format has none).
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct MarkerIcons {
    /// The marker as a manuscript writes it.
    pub marker: String,
    /// FreeMind / Freeplane built-in icon.
    pub freemind: Option<String>,
    /// XMind marker id.
    pub xmind: Option<String>,
    /// MindManager stock icon.
    pub mindmanager: Option<String>,
}

/// Icon id patterns per format.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct IconPatterns {
    /// FreeMind.
    pub freemind: String,
    /// XMind.
    pub xmind: String,
    /// MindManager.
    pub mindmanager: String,
}

/// A mind-map format, for its icon ids.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum IconSet {
    /// FreeMind / Freeplane.
    FreeMind,
    /// XMind.
    XMind,
    /// MindManager.
    MindManager,
}

/// The words import recognises.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
#[allow(missing_docs)]
pub struct ImportConventions {
    pub history: Vec<String>,
    pub purpose: Vec<String>,
    pub reasons: Vec<String>,
    pub general: Vec<String>,
    pub references: Vec<String>,
    pub links: Vec<String>,
    pub team: Vec<String>,
    pub floating: Vec<String>,
    pub place_prefixes: Vec<String>,
    pub target_separators: Vec<String>,
    pub open_parens: Vec<String>,
    pub close_parens: Vec<String>,
    pub page_prefixes: Vec<String>,
    pub page_separators: Vec<String>,
    pub page_open: Vec<String>,
    pub note_separators: Vec<String>,
    pub action: Vec<ActionWords>,
    pub owners: OwnerConventions,
    pub history_entries: HistoryConventions,
    pub parts: PartConventions,
}

/// The words after a place that name an action.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ActionWords {
    /// The words.
    pub words: Vec<String>,
    /// The action keyword (`revise`, `add-after`…).
    pub action: String,
}

/// 【担当：…】.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
#[allow(missing_docs)]
pub struct OwnerConventions {
    pub patterns: Vec<String>,
    pub separators: Vec<String>,
    pub handover: Vec<String>,
    pub unassigned: Vec<String>,
}

/// Entries of 改訂履歴.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
#[allow(missing_docs)]
pub struct HistoryConventions {
    pub patterns: Vec<String>,
    pub dates: Vec<String>,
}

/// Part headings.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
#[allow(missing_docs)]
pub struct PartConventions {
    pub patterns: Vec<String>,
}

impl Conventions {
    /// The built-in conventions.
    pub fn builtin() -> Conventions {
        // The file is part of the program and checked by a unit test.
        toml::from_str(MINDMAP).unwrap_or_else(|e| unreachable!("styles/mindmap.toml: {e}"))
    }

    /// The icon of a marker in a format, when it has one.
    pub fn marker_icon(&self, marker: &str, set: IconSet) -> Option<&str> {
        let m = self.marker.iter().find(|m| m.marker == marker)?;
        match set {
            IconSet::FreeMind => m.freemind.as_deref(),
            IconSet::XMind => m.xmind.as_deref(),
            IconSet::MindManager => m.mindmanager.as_deref(),
        }
    }

    /// The marker an icon stands for, when it stands for one.
    pub fn icon_marker(&self, icon: &str, set: IconSet) -> Option<&str> {
        self.marker
            .iter()
            .find(|m| {
                let own = match set {
                    IconSet::FreeMind => m.freemind.as_deref(),
                    IconSet::XMind => m.xmind.as_deref(),
                    IconSet::MindManager => m.mindmanager.as_deref(),
                };
                own == Some(icon)
            })
            .map(|m| m.marker.as_str())
    }

    fn priority_pattern(&self, set: IconSet) -> &str {
        match set {
            IconSet::FreeMind => &self.priority.freemind,
            IconSet::XMind => &self.priority.xmind,
            IconSet::MindManager => &self.priority.mindmanager,
        }
    }

    /// The icon of a priority (1–9) in a format.
    pub fn priority_icon(&self, n: u8, set: IconSet) -> String {
        crate::labels::fill(self.priority_pattern(set), &[("n", &n.to_string())])
    }

    /// The priority an icon stands for, when it is a priority icon.
    pub fn icon_priority(&self, icon: &str, set: IconSet) -> Option<u8> {
        (1..=9).find(|&n| self.priority_icon(n, set) == icon)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn builtin_conventions_parse_and_map_both_ways() {
        // Intent: the shipped conventions file is complete and typed, and an icon maps back
        // to the marker or priority it was written for.
        let c = Conventions::builtin();
        assert!(!c.import.place_prefixes.is_empty());
        assert!(!c.import.action.is_empty());
        for set in [IconSet::FreeMind, IconSet::XMind, IconSet::MindManager] {
            for n in 1..=9 {
                assert_eq!(c.icon_priority(&c.priority_icon(n, set), set), Some(n));
            }
            for m in &c.marker {
                if let Some(icon) = c.marker_icon(&m.marker, set) {
                    assert_eq!(c.icon_marker(icon, set), Some(m.marker.as_str()));
                }
            }
        }
        for a in &c.import.action {
            assert!(
                crate::model::Action::ALL
                    .iter()
                    .any(|x| x.key() == a.action),
                "{}",
                a.action
            );
        }
    }
}
