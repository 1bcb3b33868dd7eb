//! Lowering: raw TOML structs → model types. Parses the small value languages (dates, page
//! ranges, owners, ids, Markdown) and reports each bad value where it was written.

use super::markdown::{self, StringMap};
use super::raw::{self, Spanned, Str};
use crate::diagnostics::{Diagnostic, Sources};
use crate::model::{
    Action, BaseBook, BaseSection, Block, DeclaredEmitter, DocumentLink, FileId, FloatingTopic,
    HistoryEntry, IdRef, Located, Owner, PageRange, Part, PartialDate, Reason, ReasonItem,
    Reference, RelatedMaterial, RevisionPoint, Span, Status, Supplement, TeamMember, Topic,
};

/// Longest id, in characters (ids are ASCII). The supplement's id names the output files
/// (`<id>.changelog.txt` and the build's temporary files beside it), and most file systems
/// allow 255 bytes per name.
pub const MAX_ID_LEN: usize = 128;

/// Lowers every file of a manuscript into one `Supplement`.
pub(super) fn lower(
    sources: &Sources,
    (main_file, main): (FileId, raw::SupplementFile),
    (refs_file, refs): (FileId, raw::ReferencesFile),
    parts: Vec<(FileId, raw::PartFile)>,
    diags: &mut Vec<Diagnostic>,
) -> Supplement {
    let mut l = Lowerer {
        sources,
        file: main_file,
        diags,
        budget: markdown::BodyBudget::default(),
    };
    let s = main.supplement;
    let b = main.base_book;
    let mut supplement = Supplement {
        id: l.id(&s.id),
        title: s.title.into_inner(),
        subtitle: s.subtitle.map(Spanned::into_inner),
        language: match &s.language {
            Some(tag) => l.language_tag(tag),
            None => "ja".to_string(),
        },
        audience: strings(s.audience),
        edition: s.edition.map(Spanned::into_inner),
        date: s.date.as_ref().and_then(|d| l.date(d)),
        author: s.author.map(Spanned::into_inner),
        links: s.link.into_iter().map(|k| l.link(k)).collect(),
        related: s
            .related
            .into_iter()
            .map(|r| RelatedMaterial {
                id: l.id(&r.id),
                title: r.title.into_inner(),
                url: r.url.as_ref().map(|u| l.located(u)),
                links: r.link.into_iter().map(|k| l.link(k)).collect(),
            })
            .collect(),
        base_book: BaseBook {
            title: b.title.into_inner(),
            publisher: b.publisher.into_inner(),
            edition: b.edition.map(Spanned::into_inner),
            published: b.published.as_ref().and_then(|d| l.date(d)),
            pages: b.pages.as_ref().map(|p| l.page_count(p)),
            pages_approximate: b.pages_approximate,
            sections: b
                .section
                .into_iter()
                .filter_map(|sec| {
                    Some(BaseSection {
                        id: l.id(&sec.id),
                        label: sec
                            .label
                            .map_or_else(|| sec.id.get_ref().clone(), Spanned::into_inner),
                        title: sec.title.map(Spanned::into_inner),
                        part: l.located(&sec.part),
                        pages: l.page_range(&sec.pages)?,
                        note: sec.note.map(Spanned::into_inner),
                    })
                })
                .collect(),
        },
        team: main
            .team
            .into_iter()
            .map(|m| TeamMember {
                id: l.id(&m.id),
                name: m.name.into_inner(),
                group: m.group,
            })
            .collect(),
        history: main
            .history
            .into_iter()
            .filter_map(|h| {
                Some(HistoryEntry {
                    date: l.date(&h.date)?,
                    summary: h.summary.into_inner(),
                })
            })
            .collect(),
        reasons: main.reason.into_iter().map(|r| l.reason(r)).collect(),
        general_notes: main.general_notes.iter().map(|n| l.body(Some(n))).collect(),
        parts: Vec::new(),
        references: Vec::new(),
        floating_topics: main
            .floating_topic
            .into_iter()
            .map(|t| {
                let span = l.span(&t);
                let t = t.into_inner();
                FloatingTopic {
                    title: t.title.map(Spanned::into_inner),
                    priority: t.priority.as_ref().and_then(|p| l.priority(p)),
                    markers: strings(t.markers),
                    note: t.note.map(Spanned::into_inner),
                    span,
                }
            })
            .collect(),
        emitters: main
            .emitters
            .iter()
            .map(|(name, e)| l.emitter(name, e))
            .collect(),
        figures: Vec::new(),
        lookup: Default::default(),
    };

    l.file = refs_file;
    supplement.references = refs
        .reference
        .into_iter()
        .map(|r| Reference {
            id: l.id(&r.id),
            title: r.title.into_inner(),
            issuer: r.issuer.map(Spanned::into_inner),
            date: r.date.as_ref().and_then(|d| l.date(d)),
            version: r.version.map(Spanned::into_inner),
            url: r.url.as_ref().map(|u| l.located(u)),
            file: r.file.as_ref().map(|f| l.located(f)),
            note: r.note.map(Spanned::into_inner),
        })
        .collect();

    for (file, part) in parts {
        l.file = file;
        supplement.parts.push(l.part(file, part));
    }
    supplement
}

fn strings(values: Vec<Str>) -> Vec<String> {
    values.into_iter().map(Spanned::into_inner).collect()
}

struct Lowerer<'a> {
    sources: &'a Sources,
    file: FileId,
    diags: &'a mut Vec<Diagnostic>,
    /// What the bodies lowered so far hold, against the manuscript-wide limits.
    budget: markdown::BodyBudget,
}

impl Lowerer<'_> {
    fn span<T>(&self, value: &Spanned<T>) -> Span {
        let range = value.span();
        Span {
            file: self.file,
            start: range.start,
            end: range.end,
        }
    }

    fn located(&self, value: &Str) -> Located<String> {
        Located {
            value: value.get_ref().clone(),
            span: self.span(value),
        }
    }

    /// `[emitters.NAME]`: a format name that is not built in, a program to run, a plain
    /// extension and a time limit of 1 s to 1 h.
    fn emitter(&mut self, name: &str, e: &Spanned<raw::RawEmitter>) -> DeclaredEmitter {
        let span = self.span(e);
        let raw = e.get_ref();
        let name_ok = !name.is_empty()
            && name.len() <= 64
            && name
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_');
        if !name_ok {
            self.diags.push(
                Diagnostic::error(
                    "invalid-emitter",
                    span,
                    format!("{name:?} is not a format name"),
                )
                .with_hint("format names are ASCII letters, digits, `-` and `_` (at most 64)"),
            );
        } else if name == "all" || crate::emit::find(name).is_some() {
            self.diags.push(
                Diagnostic::error(
                    "invalid-emitter",
                    span,
                    format!("{name:?} is a built-in format; an external emitter cannot replace it"),
                )
                .with_hint("give the external emitter a name of its own, e.g. `my-docx`"),
            );
        }
        let command: Vec<Located<String>> = raw.command.iter().map(|c| self.located(c)).collect();
        match command.first() {
            None => self.diags.push(
                Diagnostic::error(
                    "invalid-emitter",
                    span,
                    format!("the emitter {name:?} has an empty command"),
                )
                .with_hint("command = [\"program\", \"arguments\"…], run in the manuscript folder"),
            ),
            Some(program) if program.value.trim().is_empty() => self.diags.push(Diagnostic::error(
                "invalid-emitter",
                program.span,
                "the program name is empty",
            )),
            Some(_) => {}
        }
        let extension = self.located(&raw.extension);
        let ext_ok = !extension.value.is_empty()
            && extension.value.len() <= 16
            && !extension.value.starts_with('.')
            && !extension.value.ends_with('.')
            && !extension.value.contains("..")
            && extension
                .value
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || c == '.' || c == '-' || c == '_');
        if !ext_ok {
            self.diags.push(
                Diagnostic::error(
                    "invalid-emitter",
                    extension.span,
                    format!("{:?} is not a file extension", extension.value),
                )
                .with_hint("an extension without its dot, e.g. \"pdf\" or \"tar.gz\" (letters, digits, `.`, `-`, `_`; at most 16)"),
            );
        }
        let timeout_s = match &raw.timeout_s {
            None => 60,
            Some(t) => match u64::try_from(*t.get_ref()) {
                Ok(secs @ 1..=3600) => secs,
                _ => {
                    self.diags.push(Diagnostic::error(
                        "invalid-emitter",
                        self.span(t),
                        format!("timeout_s = {} is outside 1 to 3600 seconds", t.get_ref()),
                    ));
                    60
                }
            },
        };
        DeclaredEmitter {
            name: Located {
                value: name.to_string(),
                span,
            },
            command,
            extension,
            timeout_s,
        }
    }

    fn refs(&self, values: &[Str]) -> Vec<IdRef> {
        values.iter().map(|v| self.located(v)).collect()
    }

    /// An identifier: letters, digits, `.`, `_` and `-`, starting with a letter or digit.
    fn id(&mut self, value: &Str) -> Located<String> {
        let id = self.located(value);
        let valid = id
            .value
            .chars()
            .next()
            .is_some_and(|c| c.is_ascii_alphanumeric())
            && id
                .value
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '_' | '-'));
        if !valid {
            self.diags.push(
                Diagnostic::error("invalid-id", id.span, format!("invalid id {:?}", id.value))
                    .with_hint("ids are ASCII letters, digits, `.`, `_` and `-`, starting with a letter or digit (they become anchors in the outputs)"),
            );
        } else if id.value.len() > MAX_ID_LEN {
            self.diags.push(
                Diagnostic::error(
                    "invalid-id",
                    id.span,
                    format!(
                        "id {:?} is {} characters long; the limit is {MAX_ID_LEN}",
                        id.value,
                        id.value.len()
                    ),
                )
                .with_hint(
                    "shorten the id: ids name output files and anchors, which have length limits",
                ),
            );
        }
        id
    }

    /// A language tag such as `ja` or `ja-JP` (BCP 47 shape: a 2–3 letter language, then
    /// subtags of letters and digits).
    fn language_tag(&mut self, value: &Str) -> String {
        let tag = value.get_ref();
        let mut parts = tag.split('-');
        let primary_ok = parts.next().is_some_and(|p| {
            (2..=3).contains(&p.len()) && p.chars().all(|c| c.is_ascii_alphabetic())
        });
        let rest_ok = parts
            .all(|p| (1..=8).contains(&p.len()) && p.chars().all(|c| c.is_ascii_alphanumeric()));
        if !(primary_ok && rest_ok) {
            let span = self.span(value);
            self.diags.push(
                Diagnostic::error(
                    "invalid-language",
                    span,
                    format!("invalid language tag {tag:?}"),
                )
                .with_hint("write a language tag such as \"ja\" or \"ja-JP\""),
            );
            return "ja".to_string();
        }
        tag.clone()
    }

    fn date(&mut self, value: &raw::Date) -> Option<Located<PartialDate>> {
        let span = self.span(value);
        let (shown, parsed) = match value.get_ref() {
            raw::RawDate::Text(text) => (format!("{text:?}"), parse_date(text)),
            raw::RawDate::Native(native) => (native.to_string(), native_date(native)),
        };
        match parsed {
            Ok(date) => Some(Located { value: date, span }),
            Err(why) => {
                self.diags.push(
                    Diagnostic::error(
                        "invalid-date",
                        span,
                        format!("invalid date {shown}: {why}"),
                    )
                    .with_hint("write a date as YYYY-MM-DD, or YYYY-MM / YYYY when only that much is known"),
                );
                None
            }
        }
    }

    fn page_count(&mut self, value: &Spanned<i64>) -> Located<u32> {
        let span = self.span(value);
        match u32::try_from(*value.get_ref()) {
            Ok(n) if n > 0 => Located { value: n, span },
            _ => {
                self.diags.push(Diagnostic::error(
                    "invalid-pages",
                    span,
                    format!(
                        "the book's page count must be a positive number, not {}",
                        value.get_ref()
                    ),
                ));
                Located { value: 0, span }
            }
        }
    }

    fn page_range(&mut self, value: &Str) -> Option<PageRange> {
        let span = self.span(value);
        match parse_pages(value.get_ref()) {
            Ok((start, end)) => Some(PageRange { start, end, span }),
            Err(why) => {
                self.diags.push(
                    Diagnostic::error(
                        "invalid-pages",
                        span,
                        format!("invalid page range {:?}: {why}", value.get_ref()),
                    )
                    .with_hint(
                        "write pages as \"41\", \"98-109\", or \"183-\" for \"from p.183 on\"",
                    ),
                );
                None
            }
        }
    }

    fn priority(&mut self, value: &Spanned<i64>) -> Option<u8> {
        match u8::try_from(*value.get_ref()) {
            Ok(p @ 1..=9) => Some(p),
            _ => {
                let span = self.span(value);
                self.diags.push(
                    Diagnostic::error(
                        "invalid-priority",
                        span,
                        format!("priority {} is out of range", value.get_ref()),
                    )
                    .with_hint("priorities are the map's markers 1 to 9"),
                );
                None
            }
        }
    }

    fn owners(&mut self, values: &[Str]) -> Vec<Owner> {
        values.iter().filter_map(|v| self.owner(v)).collect()
    }

    /// `id`, `from -> to` (a hand-over), or `?` (explicitly unassigned). Each id keeps the
    /// span of its own name inside the string, so that a problem with one of them
    /// underlines that name only.
    fn owner(&mut self, value: &Str) -> Option<Owner> {
        let span = self.span(value);
        let raw = value.get_ref().as_str();
        if raw.trim() == "?" {
            return Some(Owner::Unassigned(span));
        }
        let source = self.sources.get(self.file).map_or("", |f| f.text.as_str());
        let map = StringMap::new(source, span, raw);
        // The trimmed name in raw[range], located in the file.
        let located = |range: std::ops::Range<usize>| {
            let name = &raw[range.clone()];
            let start = range.start + (name.len() - name.trim_start().len());
            let end = range.end - (name.len() - name.trim_end().len());
            Located {
                value: raw[start..end.max(start)].to_string(),
                span: map.span(start..end.max(start)),
            }
        };
        // The plan writes hand-overs with ⇒; → and => are accepted too.
        let arrows = |text: &str| -> Option<(usize, usize)> {
            ["->", "=>", "\u{21d2}", "\u{2192}"]
                .iter()
                .filter_map(|a| text.find(a).map(|at| (at, a.len())))
                .min()
        };
        if let Some((at, len)) = arrows(raw) {
            let from = located(0..at);
            let to = located(at + len..raw.len());
            if from.value.is_empty() || to.value.is_empty() || arrows(&to.value).is_some() {
                self.diags.push(
                    Diagnostic::error(
                        "invalid-owner",
                        span,
                        format!("invalid hand-over {:?}", raw.trim()),
                    )
                    .with_hint("write a hand-over as \"from-id -> to-id\""),
                );
                return None;
            }
            return Some(Owner::Handover { from, to });
        }
        if raw.trim().is_empty() {
            self.diags.push(
                Diagnostic::error("invalid-owner", span, "empty owner")
                    .with_hint("name a team member's id, or write \"?\" for an unassigned owner"),
            );
            return None;
        }
        Some(Owner::Member(located(0..raw.len())))
    }

    fn body(&mut self, value: Option<&Str>) -> Vec<Block> {
        let Some(value) = value else {
            return Vec::new();
        };
        if self.budget.exhausted {
            // A limit was passed (and reported): keep the text unparsed, so that later
            // rules do not see an empty body, without spending more on it.
            return vec![Block::Code(value.get_ref().clone())];
        }
        let span = self.span(value);
        let source = self.sources.get(self.file).map_or("", |f| f.text.as_str());
        let map = StringMap::new(source, span, value.get_ref());
        match markdown::parse(value.get_ref(), map, &mut self.budget) {
            Ok(blocks) => blocks,
            Err(e) => {
                let hint = if e.code == "markdown-too-deep" {
                    "flatten the nesting, or split the text into topics"
                } else {
                    "shorten the text, or split the supplement into several manuscripts"
                };
                self.diags
                    .push(Diagnostic::error(e.code, e.span, e.message).with_hint(hint));
                // Keep the text, unparsed, so that later rules do not see an empty body.
                vec![Block::Code(value.get_ref().clone())]
            }
        }
    }

    fn link(&mut self, link: raw::RawLink) -> DocumentLink {
        DocumentLink {
            label: link.label.into_inner(),
            file: link.file.as_ref().map(|f| self.located(f)),
            url: link.url.as_ref().map(|u| self.located(u)),
        }
    }

    fn reason(&mut self, r: raw::RawReason) -> Reason {
        Reason {
            id: self.id(&r.id),
            title: r.title.into_inner(),
            items: r
                .item
                .into_iter()
                .map(|i| ReasonItem {
                    title: i.title.into_inner(),
                    note: i.note.map(Spanned::into_inner),
                    references: self.refs(&i.references),
                })
                .collect(),
            references: self.refs(&r.references),
            body: self.body(r.body.as_ref()),
        }
    }

    fn part(&mut self, file: FileId, part_file: raw::PartFile) -> Part {
        let p = part_file.part;
        Part {
            id: self.id(&p.id),
            label: p.label.into_inner(),
            title: p.title.into_inner(),
            plan_heading: p.plan_heading.map(Spanned::into_inner),
            owners: self.owners(&p.owners),
            notes: strings(p.notes),
            body: self.body(p.body.as_ref()),
            points: part_file
                .point
                .into_iter()
                .map(|point| self.point(point))
                .collect(),
            topics: part_file
                .topic
                .into_iter()
                .map(|topic| self.topic(topic))
                .collect(),
            file,
        }
    }

    fn point(&mut self, point: Spanned<raw::RawPoint>) -> RevisionPoint {
        let span = self.span(&point);
        let p = point.into_inner();
        let action_span = self.span(&p.action);
        let action = match p.action.into_inner() {
            raw::RawAction::Revise => Action::Revise,
            raw::RawAction::AddAfter => Action::AddAfter,
            raw::RawAction::AddTo => Action::AddTo,
            raw::RawAction::AddNew => Action::AddNew,
            raw::RawAction::Remove => Action::Remove,
        };
        let status = p.status.map(|s| match s.into_inner() {
            raw::RawStatus::Planned => Status::Planned,
            raw::RawStatus::Drafting => Status::Drafting,
            raw::RawStatus::Review => Status::Review,
            raw::RawStatus::Done => Status::Done,
        });
        let titled = p.title.is_some();
        let id = self.id(&p.id);
        let topic = Topic {
            id: None,
            title: p.title.map(Spanned::into_inner).unwrap_or_default(),
            priority: p.priority.as_ref().and_then(|v| self.priority(v)),
            markers: strings(p.markers),
            owners: self.owners(&p.owners),
            references: self.refs(&p.references),
            notes: strings(p.notes),
            before: p.before.map(Spanned::into_inner),
            after: p.after.map(Spanned::into_inner),
            body: self.body(p.body.as_ref()),
            topics: p.topic.into_iter().map(|t| self.topic(t)).collect(),
            span,
        };
        RevisionPoint {
            id,
            parent: p.parent.as_ref().map(|v| self.located(v)),
            parent_inferred: p.parent_inferred,
            titled,
            targets: self.refs(&p.targets),
            pages: p.pages.iter().filter_map(|v| self.page_range(v)).collect(),
            action: Located {
                value: action,
                span: action_span,
            },
            action_note: p.action_note.map(Spanned::into_inner),
            status,
            due: p.due.as_ref().and_then(|d| self.date(d)),
            reasons: self.refs(&p.reasons),
            topic,
        }
    }

    fn topic(&mut self, topic: Spanned<raw::RawTopic>) -> Topic {
        let span = self.span(&topic);
        let t = topic.into_inner();
        Topic {
            id: t.id.as_ref().map(|v| self.id(v)),
            title: t.title.into_inner(),
            priority: t.priority.as_ref().and_then(|v| self.priority(v)),
            markers: strings(t.markers),
            owners: self.owners(&t.owners),
            references: self.refs(&t.references),
            notes: strings(t.notes),
            before: t.before.map(Spanned::into_inner),
            after: t.after.map(Spanned::into_inner),
            body: self.body(t.body.as_ref()),
            topics: t.topic.into_iter().map(|c| self.topic(c)).collect(),
            span,
        }
    }
}

/// A native TOML date (`2025-03-01`) as a date; a time or an offset is refused, since
/// documents carry dates only.
fn native_date(native: &toml::value::Datetime) -> Result<PartialDate, String> {
    match (native.date, native.time, native.offset) {
        (Some(date), None, None) => parse_date(&date.to_string()),
        (Some(date), Some(_), _) => Err(format!(
            "a date and time; documents carry the date only: write {date}"
        )),
        _ => Err("a time without a date".into()),
    }
}

/// Parses `YYYY`, `YYYY-MM` or `YYYY-MM-DD`, checking that the day exists.
pub fn parse_date(text: &str) -> Result<PartialDate, String> {
    // A separator other than `-` (2025/03/01, 2025.03.01) is the likely mistake: say so,
    // rather than blame the year's digits.
    if let Some((at, c)) = text
        .char_indices()
        .find(|&(_, c)| !c.is_ascii_digit() && c != '-')
    {
        let digit_before = text[..at].ends_with(|d: char| d.is_ascii_digit());
        let digit_after = text[at + c.len_utf8()..].starts_with(|d: char| d.is_ascii_digit());
        return Err(if digit_before && digit_after {
            format!("the fields are separated by {c:?}; write `-` between year, month and day")
        } else {
            format!("{c:?} cannot be part of a date")
        });
    }
    let mut fields = text.split('-');
    let number = |s: Option<&str>, digits: usize, what: &str| -> Result<Option<u32>, String> {
        match s {
            None => Ok(None),
            Some(s) if s.len() == digits && s.bytes().all(|b| b.is_ascii_digit()) => {
                Ok(s.parse().ok())
            }
            Some(_) => Err(format!("the {what} must have {digits} digits")),
        }
    };
    let year = number(fields.next(), 4, "year")?.ok_or("the year is missing")?;
    let month = number(fields.next(), 2, "month")?;
    let day = number(fields.next(), 2, "day")?;
    if fields.next().is_some() {
        return Err("too many fields".into());
    }
    if year == 0 {
        return Err("there is no year 0".into());
    }
    if let Some(m) = month {
        if !(1..=12).contains(&m) {
            return Err(format!("there is no month {m}"));
        }
        if let Some(d) = day {
            let last = days_in_month(year, m);
            if d == 0 || d > last {
                return Err(format!("month {m} of {year} has {last} days"));
            }
        }
    }
    Ok(PartialDate {
        year: year as u16,
        month: month.map(|m| m as u8),
        day: day.map(|d| d as u8),
    })
}

fn days_in_month(year: u32, month: u32) -> u32 {
    match month {
        2 if (year % 4 == 0 && year % 100 != 0) || year % 400 == 0 => 29,
        2 => 28,
        4 | 6 | 9 | 11 => 30,
        _ => 31,
    }
}

/// Parses `41`, `98-109` or `183-` (open-ended). The ways the book and the plan write ranges
/// are accepted too: a `p.` prefix, full-width digits, and ～ 〜 – — － as the dash.
pub fn parse_pages(text: &str) -> Result<(u32, Option<u32>), String> {
    let normalized: String = text
        .trim()
        .trim_start_matches(['p', 'P'])
        // `.` or the full-width ．
        .trim_start_matches(['.', '\u{FF0E}'])
        .chars()
        .map(|c| match c {
            // ～ (full-width tilde), 〜 (wave dash), – (en dash), — (em dash), － (full-width
            // hyphen-minus): the dashes the book and the plan write between pages.
            '\u{FF5E}' | '\u{301C}' | '\u{2013}' | '\u{2014}' | '\u{FF0D}' => '-',
            // Full-width digits ０…９.
            '\u{FF10}'..='\u{FF19}' => {
                char::from_u32(u32::from(c) - 0xFF10 + u32::from('0')).unwrap_or(c)
            }
            c => c,
        })
        .collect();
    let text = normalized.as_str();
    let page = |s: &str| -> Result<u32, String> {
        let s = s.trim();
        match s.parse::<u32>() {
            Ok(0) => Err("pages start at 1".into()),
            Ok(n) => Ok(n),
            Err(_) => Err(format!("{s:?} is not a page number")),
        }
    };
    match text.split_once('-') {
        None => {
            let p = page(text)?;
            Ok((p, Some(p)))
        }
        Some((start, end)) if end.trim().is_empty() => Ok((page(start)?, None)),
        Some((start, end)) => Ok((page(start)?, Some(page(end)?))),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dates_check_the_calendar() {
        // Intent: partial dates parse; impossible days are refused.
        assert_eq!(parse_date("2018-05").map(|d| d.iso()), Ok("2018-05".into()));
        assert!(parse_date("2020-02-29").is_ok());
        assert!(parse_date("2019-02-29").is_err());
        assert!(parse_date("2019-13").is_err());
        assert!(parse_date("19-01-01").is_err());
        assert_eq!(
            parse_date("2019/01/01"),
            Err("the fields are separated by '/'; write `-` between year, month and day".into())
        );
    }

    #[test]
    fn pages_allow_open_ranges() {
        // Intent: "183-" means from p.183 on; reversed ranges parse (validation refuses them).
        assert_eq!(parse_pages("41"), Ok((41, Some(41))));
        assert_eq!(parse_pages("98-109"), Ok((98, Some(109))));
        assert_eq!(parse_pages("183-"), Ok((183, None)));
        assert_eq!(parse_pages("9-8"), Ok((9, Some(8))));
        assert_eq!(parse_pages("p.98～109"), Ok((98, Some(109))));
        assert_eq!(parse_pages("１２–１９"), Ok((12, Some(19))));
        assert!(parse_pages("page 8").is_err());
        assert!(parse_pages("8-x").is_err());
        assert!(parse_pages("0").is_err());
    }
}
