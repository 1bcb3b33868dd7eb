//! The typed manuscript model: what the supplement *means*, after loading and lowering.
//!
//! Pure data. Nothing here reads files or knows about TOML; spans point back into the
//! source files so that validation can report where a value was written.

pub mod body;

pub use body::{Align, Block, Inline};

/// Whether XML 1.0 allows this character in text (DOCX parts are XML: anything else would
/// make them unreadable).
pub fn xml_allowed(c: char) -> bool {
    matches!(c, '\t' | '\n' | '\r' | '\u{20}'..='\u{D7FF}' | '\u{E000}'..='\u{FFFD}' | '\u{10000}'..='\u{10FFFF}')
}

/// Accepts http, https and mailto links and relative references; refuses every other
/// scheme, network paths (`//host/…`) and any backslash (`\\host\share\x.docx` is a
/// Windows network share that Word would connect to). The link is judged as written and
/// again once percent-decoded, since Word decodes hyperlink targets before opening them.
pub fn check_link(url: &str) -> Result<(), String> {
    let trimmed = url.trim();
    check_link_form(trimmed)?;
    if trimmed.contains('%') {
        let decoded = percent_decode(trimmed);
        check_link_form(decoded.trim()).map_err(|why| format!("{why} once percent-decoded"))?;
    }
    Ok(())
}

fn check_link_form(url: &str) -> Result<(), String> {
    if url.chars().any(|c| c.is_control()) {
        return Err("contains a control character".into());
    }
    // Browsers read `\` as `/`; Windows reads `\\host\share` as a network share. The
    // full-width and small reverse solidi are refused too: some tools fold them to `\`.
    if url.contains(['\\', '\u{FF3C}', '\u{FE68}']) {
        return Err("contains a backslash (a Windows path or network share)".into());
    }
    if url.starts_with("//") {
        return Err("has no scheme (write https://…)".into());
    }
    let scheme_end = url.find(':');
    let path_start = url.find(['/', '?', '#']).unwrap_or(url.len());
    match scheme_end {
        Some(colon) if colon < path_start => {
            let scheme = url[..colon].to_ascii_lowercase();
            match scheme.as_str() {
                "http" | "https" | "mailto" => Ok(()),
                _ => Err(format!("uses the scheme {scheme:?}, which is not allowed")),
            }
        }
        _ => Ok(()),
    }
}

/// `%XX` escapes decoded (bytes that do not form UTF-8 become U+FFFD); malformed escapes
/// stay as written.
fn percent_decode(text: &str) -> String {
    let bytes = text.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        let hex = |b: u8| char::from(b).to_digit(16);
        match (bytes[i], bytes.get(i + 1), bytes.get(i + 2)) {
            (b'%', Some(&h), Some(&l)) if hex(h).is_some() && hex(l).is_some() => {
                out.push((hex(h).unwrap_or(0) * 16 + hex(l).unwrap_or(0)) as u8);
                i += 3;
            }
            (b, _, _) => {
                out.push(b);
                i += 1;
            }
        }
    }
    String::from_utf8_lossy(&out).into_owned()
}

/// Index of a source file in the loader's file table.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Default)]
pub struct FileId(pub u32);

/// A byte range in one source file.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub struct Span {
    /// The file the range is in.
    pub file: FileId,
    /// First byte.
    pub start: usize,
    /// One past the last byte.
    pub end: usize,
}

/// A value together with where it was written.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Located<T> {
    /// The value.
    pub value: T,
    /// Where it was written.
    pub span: Span,
}

impl<T: serde::Serialize> serde::Serialize for Located<T> {
    /// The value alone: where it was written is for diagnostics, not for consumers.
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        self.value.serialize(s)
    }
}

impl serde::Serialize for PartialDate {
    /// The ISO 8601 form with only the parts that are known (`2018`, `2018-05`).
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&self.iso())
    }
}

/// A reference by id to another node (a section, a reason, a reference, a team member...).
pub type IdRef = Located<String>;

/// The whole supplement: the root of the model.
#[derive(Debug, Clone, Default, serde::Serialize)]
pub struct Supplement {
    /// Identifier of the supplement, e.g. `Sec01-01-01`.
    pub id: Located<String>,
    /// Title of the supplement.
    pub title: String,
    /// Optional subtitle.
    pub subtitle: Option<String>,
    /// Language tag of the text, e.g. `ja`.
    pub language: String,
    /// Intended readers, e.g. 経営者, CISO.
    pub audience: Vec<String>,
    /// Edition label of the supplement (e.g. 第1版), if given.
    pub edition: Option<String>,
    /// Date of this edition, if given; otherwise the newest history entry stands for it.
    pub date: Option<Located<PartialDate>>,
    /// Author shown in document properties; defaults to the team when absent.
    pub author: Option<String>,
    /// The published forms of this supplement (html, mmap, docx...).
    pub links: Vec<DocumentLink>,
    /// Sibling material that belongs with the supplement.
    pub related: Vec<RelatedMaterial>,
    /// The book this supplement revises.
    pub base_book: BaseBook,
    /// People and groups who own parts of the work.
    pub team: Vec<TeamMember>,
    /// Dated revision history (改訂履歴), in the order written (newest first).
    pub history: Vec<HistoryEntry>,
    /// Why the book is revised (改訂理由).
    pub reasons: Vec<Reason>,
    /// Policies that apply to the whole revision (全般).
    pub general_notes: Vec<Vec<Block>>,
    /// The parts of the supplement, in base-book order.
    pub parts: Vec<Part>,
    /// Every document the manuscript cites.
    pub references: Vec<Reference>,
    /// Topics of the plan that are not attached to any revision point.
    pub floating_topics: Vec<FloatingTopic>,
    /// External emitters the manuscript declares (`[emitters.NAME]`).
    pub emitters: Vec<DeclaredEmitter>,
    /// The figures' files, read and measured by the loader (by the name bodies use).
    pub figures: Vec<FigureFile>,
    /// Positions by id, built on first lookup (the model is not changed after loading).
    #[serde(skip)]
    pub lookup: std::sync::OnceLock<Lookup>,
}

/// Positions of sections, references, members, reasons and points by id (first wins).
#[derive(Debug, Clone, Default)]
pub struct Lookup {
    sections: std::collections::HashMap<String, usize>,
    references: std::collections::HashMap<String, usize>,
    members: std::collections::HashMap<String, usize>,
    reasons: std::collections::HashMap<String, usize>,
    points: std::collections::HashMap<String, (usize, usize)>,
}

impl Lookup {
    fn new(s: &Supplement) -> Self {
        fn positions<'a>(
            ids: impl Iterator<Item = &'a str>,
        ) -> std::collections::HashMap<String, usize> {
            let mut map = std::collections::HashMap::new();
            for (i, id) in ids.enumerate() {
                map.entry(id.to_string()).or_insert(i);
            }
            map
        }
        let mut points = std::collections::HashMap::new();
        for (pi, part) in s.parts.iter().enumerate() {
            for (i, p) in part.points.iter().enumerate() {
                points.entry(p.id.value.clone()).or_insert((pi, i));
            }
        }
        Lookup {
            sections: positions(s.base_book.sections.iter().map(|x| x.id.value.as_str())),
            references: positions(s.references.iter().map(|x| x.id.value.as_str())),
            members: positions(s.team.iter().map(|x| x.id.value.as_str())),
            reasons: positions(s.reasons.iter().map(|x| x.id.value.as_str())),
            points,
        }
    }
}

/// A link to a published form of a document (a file name, an address, or both).
#[derive(Debug, Clone, Default, serde::Serialize)]
pub struct DocumentLink {
    /// What the form is, e.g. `html 版`.
    pub label: String,
    /// File name as given, when there is one.
    pub file: Option<Located<String>>,
    /// Address, when one is known.
    pub url: Option<Located<String>>,
}

/// Sibling material (e.g. the 素材 map) published next to the supplement.
#[derive(Debug, Clone, Default, serde::Serialize)]
pub struct RelatedMaterial {
    /// Identifier, e.g. `Sec01-01-02`.
    pub id: Located<String>,
    /// Title.
    pub title: String,
    /// Address of the material, when known.
    pub url: Option<Located<String>>,
    /// Its published forms.
    pub links: Vec<DocumentLink>,
}

/// The published book that the supplement revises.
#[derive(Debug, Clone, Default, serde::Serialize)]
pub struct BaseBook {
    /// Title of the book.
    pub title: String,
    /// Publisher or issuing body.
    pub publisher: String,
    /// Edition label, if any.
    pub edition: Option<String>,
    /// First publication date.
    pub published: Option<Located<PartialDate>>,
    /// Number of pages, when known.
    pub pages: Option<Located<u32>>,
    /// Whether `pages` is an approximate figure ("about 190 pages").
    pub pages_approximate: bool,
    /// The sections that revisions point at, with their page ranges.
    pub sections: Vec<BaseSection>,
}

/// A section of the base book that revision points can target.
#[derive(Debug, Clone, Default, serde::Serialize)]
pub struct BaseSection {
    /// Identifier used by `targets`, e.g. `Mission3-10`.
    pub id: Located<String>,
    /// How the section is written in the book, e.g. `Mission3-17～20`.
    pub label: String,
    /// Section title, when known.
    pub title: Option<String>,
    /// The part of the book the section is in.
    pub part: IdRef,
    /// The pages the section spans.
    pub pages: PageRange,
    /// Free note on the section (e.g. where additions start).
    pub note: Option<String>,
}

/// A page range of the base book; `end == None` means open-ended ("p.183以降").
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, serde::Serialize)]
pub struct PageRange {
    /// First page.
    pub start: u32,
    /// Last page, or `None` when the range is open-ended.
    pub end: Option<u32>,
    /// Where the range was written.
    #[serde(skip)]
    pub span: Span,
}

impl PageRange {
    /// True when every page of `self` lies inside `outer`.
    pub fn within(&self, outer: &PageRange) -> bool {
        if self.start < outer.start {
            return false;
        }
        match (self.end, outer.end) {
            (_, None) => true,
            (None, Some(_)) => false,
            (Some(e), Some(oe)) => e <= oe,
        }
    }

    /// True when the two ranges share at least one page.
    pub fn overlaps(&self, other: &PageRange) -> bool {
        let self_end = self.end.unwrap_or(u32::MAX);
        let other_end = other.end.unwrap_or(u32::MAX);
        self.start <= other_end && other.start <= self_end
    }
}

/// A calendar date that may be given only to the year or month ("2018年5月").
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Default)]
pub struct PartialDate {
    /// Year.
    pub year: u16,
    /// Month 1–12, if given.
    pub month: Option<u8>,
    /// Day of month, if given (only with a month).
    pub day: Option<u8>,
}

impl PartialDate {
    /// Days since 1970-01-01 of the first day the date covers (for ordering and properties).
    pub fn days_from_epoch(&self) -> i64 {
        let y = i64::from(self.year);
        let m = i64::from(self.month.unwrap_or(1));
        let d = i64::from(self.day.unwrap_or(1));
        // Howard Hinnant's days_from_civil.
        let y = if m <= 2 { y - 1 } else { y };
        let era = y.div_euclid(400);
        let yoe = y - era * 400;
        let mp = (m + 9) % 12;
        let doy = (153 * mp + 2) / 5 + d - 1;
        let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
        era * 146_097 + doe - 719_468
    }

    /// The ISO 8601 form with only the parts that are known (`2018`, `2018-05`, `2018-05-08`).
    pub fn iso(&self) -> String {
        match (self.month, self.day) {
            (Some(m), Some(d)) => format!("{:04}-{:02}-{:02}", self.year, m, d),
            (Some(m), None) => format!("{:04}-{:02}", self.year, m),
            _ => format!("{:04}", self.year),
        }
    }
}

/// A person or a group that can own work.
#[derive(Debug, Clone, Default, serde::Serialize)]
pub struct TeamMember {
    /// Identifier used in `owners`.
    pub id: Located<String>,
    /// Display name, e.g. 石井（茂）.
    pub name: String,
    /// True for a group such as 専門員全員.
    pub group: bool,
}

/// Who owns a part, revision point or topic (【担当：…】).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Owner {
    /// One team member or group.
    Member(IdRef),
    /// Work handed over from one member to another (伊藤⇒中山).
    Handover {
        /// Who had it.
        from: IdRef,
        /// Who has it now.
        to: IdRef,
    },
    /// Explicitly not assigned yet (【担当：？】).
    Unassigned(Span),
}

/// `{"kind": "member", "id": …}`, `{"kind": "handover", "from": …, "to": …}`
/// or `{"kind": "unassigned"}`: one flat object per owner, so a consumer
/// switches on `kind` without unwrapping a newtype.
impl serde::Serialize for Owner {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        use serde::ser::SerializeMap;
        match self {
            Owner::Member(id) => {
                let mut map = serializer.serialize_map(Some(2))?;
                map.serialize_entry("kind", "member")?;
                map.serialize_entry("id", id)?;
                map.end()
            }
            Owner::Handover { from, to } => {
                let mut map = serializer.serialize_map(Some(3))?;
                map.serialize_entry("kind", "handover")?;
                map.serialize_entry("from", from)?;
                map.serialize_entry("to", to)?;
                map.end()
            }
            Owner::Unassigned(_) => {
                let mut map = serializer.serialize_map(Some(1))?;
                map.serialize_entry("kind", "unassigned")?;
                map.end()
            }
        }
    }
}

/// One dated entry of the revision history.
#[derive(Debug, Clone, Default, serde::Serialize)]
pub struct HistoryEntry {
    /// The date of the entry.
    pub date: Located<PartialDate>,
    /// What happened.
    pub summary: String,
}

/// A reason for the revision (改訂理由).
#[derive(Debug, Clone, Default, serde::Serialize)]
pub struct Reason {
    /// Identifier used by revision points' `reasons`.
    pub id: Located<String>,
    /// The reason as written.
    pub title: String,
    /// Sub-items (laws, strategies, guideline versions...).
    pub items: Vec<ReasonItem>,
    /// Documents cited for the reason.
    pub references: Vec<IdRef>,
    /// Free text on the reason.
    pub body: Vec<Block>,
}

/// A sub-item of a reason.
#[derive(Debug, Clone, Default, serde::Serialize)]
pub struct ReasonItem {
    /// The sub-item as written.
    pub title: String,
    /// A note under it.
    pub note: Option<String>,
    /// Documents cited for it.
    pub references: Vec<IdRef>,
}

/// A part of the supplement, mirroring a part of the base book (はじめに, Mission1…, Information).
#[derive(Debug, Clone, Default, serde::Serialize)]
pub struct Part {
    /// Identifier, e.g. `mission3`.
    pub id: Located<String>,
    /// Short label, e.g. `Mission3`.
    pub label: String,
    /// Title of the part in the base book.
    pub title: String,
    /// The part's heading as the revision plan writes it, when the plan has one (it may
    /// differ from the book's title).
    pub plan_heading: Option<String>,
    /// Who owns the whole part.
    pub owners: Vec<Owner>,
    /// Notes on the part.
    pub notes: Vec<String>,
    /// Introductory text.
    pub body: Vec<Block>,
    /// The revision points of the part, in the order written.
    pub points: Vec<RevisionPoint>,
    /// Topics of the part that are tied to no place in the base book (e.g. lists to add).
    pub topics: Vec<Topic>,
    /// The file the part was read from.
    #[serde(skip)]
    pub file: FileId,
}

/// What a revision does at its target.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, serde::Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Action {
    /// 改訂: rewrite the target.
    Revise,
    /// のあとに追加: add new material after the target.
    AddAfter,
    /// に追加: add material inside the target.
    AddTo,
    /// として追加: add as a new section.
    AddNew,
    /// 削除: remove the target.
    Remove,
}

impl Action {
    /// Every action, in the order the manuscript documents them.
    pub const ALL: [Action; 5] = [
        Action::Revise,
        Action::AddAfter,
        Action::AddTo,
        Action::AddNew,
        Action::Remove,
    ];

    /// The manuscript keyword.
    pub fn key(self) -> &'static str {
        match self {
            Action::Revise => "revise",
            Action::AddAfter => "add-after",
            Action::AddTo => "add-to",
            Action::AddNew => "add-new",
            Action::Remove => "remove",
        }
    }
}

/// Progress of a revision point.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Default, serde::Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Status {
    /// Planned, not started.
    #[default]
    Planned,
    /// Being written.
    Drafting,
    /// Written, under review.
    Review,
    /// Finished.
    Done,
}

impl Status {
    /// Every status, in workflow order.
    pub const ALL: [Status; 4] = [
        Status::Planned,
        Status::Drafting,
        Status::Review,
        Status::Done,
    ];

    /// The manuscript keyword.
    pub fn key(self) -> &'static str {
        match self {
            Status::Planned => "planned",
            Status::Drafting => "drafting",
            Status::Review => "review",
            Status::Done => "done",
        }
    }
}

/// A place in the base book to revise (改訂箇所), with what to do there.
#[derive(Debug, Clone, serde::Serialize)]
pub struct RevisionPoint {
    /// Identifier, unique in the manuscript; also the anchor in the outputs.
    pub id: Located<String>,
    /// The revision point this one sits under in the plan, if any.
    pub parent: Option<IdRef>,
    /// True when that relation is the editors' grouping, not stated by the plan (outputs
    /// say so).
    pub parent_inferred: bool,
    /// False when the manuscript gives no title: the point's place and action stand for it.
    pub titled: bool,
    /// Base-book sections the revision applies to.
    pub targets: Vec<IdRef>,
    /// Pages of the base book the revision applies to.
    pub pages: Vec<PageRange>,
    /// What is done at the target.
    pub action: Located<Action>,
    /// Free words that qualify the action (e.g. 必要に応じて追加).
    pub action_note: Option<String>,
    /// Progress, when the manuscript gives it.
    pub status: Option<Status>,
    /// When the revision is due, when the manuscript gives it (team planning only).
    pub due: Option<Located<PartialDate>>,
    /// Why (ids of reasons).
    pub reasons: Vec<IdRef>,
    /// Title, owners, markers, body and nested topics.
    pub topic: Topic,
}

/// A titled node with its owners, markers, citations, text and sub-topics.
///
/// Every revision point has one at its root; nested topics are the plan's sub-topics.
#[derive(Debug, Clone, Default, serde::Serialize)]
pub struct Topic {
    /// Optional identifier (an anchor) of the topic.
    pub id: Option<Located<String>>,
    /// Title as written.
    pub title: String,
    /// MindManager priority marker (the plan's 4, 5, 6), if any.
    pub priority: Option<u8>,
    /// Other markers as written (e.g. 😊).
    pub markers: Vec<String>,
    /// Who owns the topic (【担当：…】).
    pub owners: Vec<Owner>,
    /// Documents cited (ids of references).
    pub references: Vec<IdRef>,
    /// Notes that say what changes.
    pub notes: Vec<String>,
    /// Old wording, when the manuscript gives it.
    pub before: Option<String>,
    /// New wording, when the manuscript gives it.
    pub after: Option<String>,
    /// The text.
    pub body: Vec<Block>,
    /// Nested topics.
    pub topics: Vec<Topic>,
    /// Where the topic was written.
    #[serde(skip)]
    pub span: Span,
}

impl Topic {
    /// Calls `f` on this topic and every nested topic, depth first, with its depth (0 = self).
    pub fn walk<'a>(&'a self, f: &mut dyn FnMut(&'a Topic, usize)) {
        let mut stack = vec![(self, 0usize)];
        while let Some((topic, depth)) = stack.pop() {
            f(topic, depth);
            for child in topic.topics.iter().rev() {
                stack.push((child, depth + 1));
            }
        }
    }

    /// True when the topic says nothing beyond its title.
    pub fn is_empty(&self) -> bool {
        self.body.is_empty()
            && self.topics.is_empty()
            && self.references.is_empty()
            && self.notes.is_empty()
            && self.before.is_none()
            && self.after.is_none()
    }
}

/// A document the manuscript cites.
#[derive(Debug, Clone, Default, serde::Serialize)]
pub struct Reference {
    /// Identifier used by `references`.
    pub id: Located<String>,
    /// Title as given.
    pub title: String,
    /// Who issued it.
    pub issuer: Option<String>,
    /// When it was issued.
    pub date: Option<Located<PartialDate>>,
    /// Version or edition.
    pub version: Option<String>,
    /// Address, when known.
    pub url: Option<Located<String>>,
    /// File name, when that is all that is known.
    pub file: Option<Located<String>>,
    /// A note (e.g. 再掲).
    pub note: Option<String>,
}

/// An external emitter declared by the manuscript: the program `--format NAME` runs.
#[derive(Debug, Clone, Default, serde::Serialize)]
pub struct DeclaredEmitter {
    /// The format name.
    pub name: Located<String>,
    /// The program and its arguments, run in the manuscript folder.
    pub command: Vec<Located<String>>,
    /// The extension of the file it writes (`<id>.<extension>`).
    pub extension: Located<String>,
    /// Seconds it may take (default 60).
    pub timeout_s: u64,
}

/// An image file a body shows as a figure: read when the manuscript is loaded, so that
/// emitters never touch the disk.
#[derive(Debug, Clone, Default, serde::Serialize)]
pub struct FigureFile {
    /// The name as bodies write it (`figures/chart.png`).
    pub src: String,
    /// Its path inside the manuscript folder, `/`-separated.
    pub path: String,
    /// `image/png`, `image/jpeg`, `image/gif` or `image/svg+xml`.
    pub mime: &'static str,
    /// Width in pixels (for SVG, CSS pixels).
    pub width: u32,
    /// Height in pixels.
    pub height: u32,
    /// The file's bytes.
    #[serde(skip)]
    pub bytes: std::sync::Arc<[u8]>,
}

impl Supplement {
    /// The figure file a body names as `src`.
    pub fn figure(&self, src: &str) -> Option<&FigureFile> {
        self.figures.iter().find(|f| f.src == src)
    }
}

/// A topic of the plan that hangs on no revision point (MindManager's floating topics and
/// topics that carry only markers).
#[derive(Debug, Clone, Default, serde::Serialize)]
pub struct FloatingTopic {
    /// Title, if the topic has any text.
    pub title: Option<String>,
    /// Priority marker.
    pub priority: Option<u8>,
    /// Other markers.
    pub markers: Vec<String>,
    /// Where the topic stands in the plan.
    pub note: Option<String>,
    /// Where it was written.
    #[serde(skip)]
    pub span: Span,
}

impl Supplement {
    /// Every revision point of every part, in document order.
    pub fn points(&self) -> impl Iterator<Item = &RevisionPoint> {
        self.parts.iter().flat_map(|p| p.points.iter())
    }

    fn lookup(&self) -> &Lookup {
        self.lookup.get_or_init(|| Lookup::new(self))
    }

    /// The section with this id.
    pub fn section(&self, id: &str) -> Option<&BaseSection> {
        self.lookup()
            .sections
            .get(id)
            .and_then(|&i| self.base_book.sections.get(i))
    }

    /// The reference with this id.
    pub fn reference(&self, id: &str) -> Option<&Reference> {
        self.lookup()
            .references
            .get(id)
            .and_then(|&i| self.references.get(i))
    }

    /// The team member with this id.
    pub fn member(&self, id: &str) -> Option<&TeamMember> {
        self.lookup()
            .members
            .get(id)
            .and_then(|&i| self.team.get(i))
    }

    /// The reason with this id.
    pub fn reason(&self, id: &str) -> Option<&Reason> {
        self.lookup()
            .reasons
            .get(id)
            .and_then(|&i| self.reasons.get(i))
    }

    /// The revision point with this id.
    pub fn point(&self, id: &str) -> Option<&RevisionPoint> {
        self.lookup()
            .points
            .get(id)
            .and_then(|&(part, i)| self.parts.get(part).and_then(|p| p.points.get(i)))
    }

    /// The date the supplement stands at: its own date, else the newest history entry.
    pub fn effective_date(&self) -> Option<PartialDate> {
        self.date
            .as_ref()
            .map(|d| d.value)
            .or_else(|| self.history.iter().map(|h| h.date.value).max())
    }
}
