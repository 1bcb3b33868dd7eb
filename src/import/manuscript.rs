//! The manuscript an import writes: plain data, one struct per table of the manuscript
//! format (README, "The manuscript"), with bodies already in Markdown.

/// A page range.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PageRange {
    /// First page.
    pub start: u32,
    /// Last page; `None` for "from `start` on".
    pub end: Option<u32>,
}

impl std::fmt::Display for PageRange {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self.end {
            Some(end) if end == self.start => write!(f, "{}", self.start),
            Some(end) => write!(f, "{}-{end}", self.start),
            None => write!(f, "{}-", self.start),
        }
    }
}

/// The whole manuscript.
#[derive(Debug, Clone, Default)]
#[allow(missing_docs)]
pub struct Manuscript {
    pub id: String,
    pub title: String,
    pub subtitle: Option<String>,
    pub language: String,
    pub audience: Vec<String>,
    pub edition: Option<String>,
    /// ISO date.
    pub date: Option<String>,
    pub author: Option<String>,
    pub links: Vec<Link>,
    pub related: Vec<Related>,
    pub book: Book,
    pub sections: Vec<Section>,
    pub team: Vec<Member>,
    pub history: Vec<History>,
    pub reasons: Vec<Reason>,
    /// Markdown.
    pub general_notes: Vec<String>,
    pub parts: Vec<Part>,
    pub references: Vec<Reference>,
    pub floating: Vec<Floating>,
}

/// A published form.
#[derive(Debug, Clone, Default)]
#[allow(missing_docs)]
pub struct Link {
    pub label: String,
    pub file: Option<String>,
    pub url: Option<String>,
}

/// Sibling material.
#[derive(Debug, Clone, Default)]
#[allow(missing_docs)]
pub struct Related {
    pub id: String,
    pub title: String,
    pub url: Option<String>,
    pub links: Vec<Link>,
}

/// The base book.
#[derive(Debug, Clone, Default)]
#[allow(missing_docs)]
pub struct Book {
    pub title: String,
    pub publisher: String,
    pub edition: Option<String>,
    /// ISO date.
    pub published: Option<String>,
    pub pages: Option<u32>,
    pub approximate: bool,
}

/// A section of the base book, with every page range the map puts in it.
#[derive(Debug, Clone, Default)]
#[allow(missing_docs)]
pub struct Section {
    pub id: String,
    pub label: String,
    pub part: String,
    pub ranges: Vec<PageRange>,
}

impl Section {
    /// The smallest range that holds every range given (`1-` when none is).
    pub fn pages(&self) -> PageRange {
        let start = self.ranges.iter().map(|r| r.start).min().unwrap_or(1);
        let end = if self.ranges.is_empty() || self.ranges.iter().any(|r| r.end.is_none()) {
            None
        } else {
            self.ranges.iter().filter_map(|r| r.end).max()
        };
        PageRange { start, end }
    }
}

/// A member of the team.
#[derive(Debug, Clone, Default)]
#[allow(missing_docs)]
pub struct Member {
    pub id: String,
    pub name: String,
    pub group: bool,
}

/// An entry of the history.
#[derive(Debug, Clone, Default)]
#[allow(missing_docs)]
pub struct History {
    /// ISO date.
    pub date: String,
    pub summary: String,
}

/// A reason.
#[derive(Debug, Clone, Default)]
#[allow(missing_docs)]
pub struct Reason {
    pub id: String,
    pub title: String,
    pub items: Vec<ReasonItem>,
    pub references: Vec<String>,
    /// Markdown.
    pub body: Option<String>,
    /// Lines gathered for the body.
    pub body_lines: Vec<String>,
}

/// A sub-item of a reason.
#[derive(Debug, Clone, Default)]
#[allow(missing_docs)]
pub struct ReasonItem {
    pub title: String,
    pub note: Option<String>,
    pub references: Vec<String>,
}

/// A part.
#[derive(Debug, Clone, Default)]
#[allow(missing_docs)]
pub struct Part {
    pub id: String,
    pub label: String,
    pub title: String,
    pub plan_heading: Option<String>,
    pub owners: Vec<String>,
    pub notes: Vec<String>,
    /// Markdown.
    pub body: Option<String>,
    pub points: Vec<Point>,
    pub topics: Vec<Topic>,
}

/// A revision point: its own keys, and the topic keys it shares (`topic`).
#[derive(Debug, Clone, Default)]
#[allow(missing_docs)]
pub struct Point {
    pub id: String,
    pub title: Option<String>,
    pub parent: Option<String>,
    pub parent_inferred: bool,
    pub targets: Vec<String>,
    pub pages: Vec<String>,
    pub action: String,
    pub action_note: Option<String>,
    pub status: Option<String>,
    pub reasons: Vec<String>,
    pub topic: Topic,
}

/// A topic (and the content a revision point shares with topics).
#[derive(Debug, Clone, Default)]
#[allow(missing_docs)]
pub struct Topic {
    pub id: Option<String>,
    pub title: String,
    pub priority: Option<u8>,
    pub markers: Vec<String>,
    pub owners: Vec<String>,
    pub references: Vec<String>,
    pub notes: Vec<String>,
    pub before: Option<String>,
    pub after: Option<String>,
    /// Markdown.
    pub body: Option<String>,
    pub topics: Vec<Topic>,
}

/// A cited document.
#[derive(Debug, Clone, Default)]
#[allow(missing_docs)]
pub struct Reference {
    pub id: String,
    pub title: String,
    pub issuer: Option<String>,
    /// ISO date.
    pub date: Option<String>,
    pub version: Option<String>,
    pub url: Option<String>,
    pub file: Option<String>,
    pub note: Option<String>,
}

/// A floating topic.
#[derive(Debug, Clone, Default)]
#[allow(missing_docs)]
pub struct Floating {
    pub title: Option<String>,
    pub priority: Option<u8>,
    pub markers: Vec<String>,
    pub note: Option<String>,
}
