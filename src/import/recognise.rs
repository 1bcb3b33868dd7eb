//! What import recognises in a map's text: the conventions of `styles/mindmap.toml` and
//! every pattern of the built-in labels, Japanese and English (which is what the
//! mind-map formats write). Nothing here is a literal of the plan's words.

use super::convert::Branch;
use super::manuscript::{Book, PageRange, Reference};
use super::text::{around, unfill, unfill_one};
use crate::conventions::Conventions;
use crate::labels::{fill, Labels};

/// A typed line of a note.
#[derive(Debug, Clone)]
pub enum Line {
    /// 改訂箇所：….
    Place(Place),
    /// 【担当：…】: the owners' text.
    Owners(String),
    /// ※…: a note.
    Note(String),
    /// 優先度 N.
    Priority(u8),
    /// マーカー X.
    Marker(String),
    /// 状態：…: the status keyword.
    Status(String),
    /// A labelled value: the field's key (`before`, `references`, `parent`…) and value.
    Field(String, String),
}

/// A revision point's place, read from its 改訂箇所 line.
#[derive(Debug, Clone)]
pub struct Place {
    /// Target sections, as written.
    pub targets: Vec<String>,
    /// Page ranges.
    pub pages: Vec<PageRange>,
    /// The action keyword.
    pub action: String,
    /// Words qualifying the action.
    pub note: Option<String>,
}

/// An owner read from text.
#[derive(Debug, Clone)]
pub enum Owner {
    /// ？.
    Unassigned,
    /// A name.
    Member(String),
    /// From ⇒ to; true when more names were in the chain (only the ends are kept).
    Handover(String, String, bool),
}

/// The recogniser: the conventions and both languages' built-in labels.
pub struct Recogniser {
    c: Conventions,
    /// The labels lines are written back with (the map's language).
    out: Labels,
    both: [Labels; 2],
    /// Field line prefixes (e.g. 改訂前：) and their keys, longest first.
    fields: Vec<(String, String)>,
}

/// The field keys import types, with the label each has in `labels.field`.
fn field_keys(l: &Labels) -> Vec<(&'static str, String)> {
    let f = &l.field;
    vec![
        ("title", f.title.clone()),
        ("base_book", f.base_book.clone()),
        ("audience", f.audience.clone()),
        ("edition", f.edition.clone()),
        ("date", f.date.clone()),
        ("author", f.author.clone()),
        ("before", f.before.clone()),
        ("after", f.after.clone()),
        ("references", f.references.clone()),
        ("reasons", f.reasons.clone()),
        ("parent", f.parent.clone()),
        (
            "parent_inferred",
            fill(&l.format.editorial, &[("label", &f.parent)]),
        ),
        ("plan_heading", f.plan_heading.clone()),
        ("file", f.file.clone()),
        ("status", f.status.clone()),
        ("owners", f.owners.clone()),
        ("target", f.target.clone()),
        ("pages", f.pages.clone()),
        ("action", f.action.clone()),
    ]
}

impl Recogniser {
    /// The recogniser for a map in `language`.
    pub fn new(language: &str) -> Recogniser {
        let both = [Labels::builtin("ja"), Labels::builtin("en")];
        let mut fields = Vec::new();
        for l in &both {
            for (key, label) in field_keys(l) {
                let prefix = fill(&l.format.field, &[("label", &label), ("value", "")]);
                fields.push((prefix, key.to_string()));
            }
        }
        fields.sort_by(|a, b| b.0.len().cmp(&a.0.len()).then(a.0.cmp(&b.0)));
        Recogniser {
            c: Conventions::builtin(),
            out: Labels::builtin(language),
            both,
            fields,
        }
    }

    fn any<'a>(&'a self, f: impl Fn(&'a Labels) -> &'a str) -> impl Iterator<Item = &'a str> {
        self.both.iter().map(f)
    }

    /// The kind of a first-level section heading, when the text is one.
    pub fn branch(&self, text: &str) -> Option<Branch> {
        let t = text.trim();
        let i = &self.c.import;
        let is = |list: &[String], label: &dyn Fn(&Labels) -> &str| {
            list.iter().any(|x| x == t) || self.both.iter().any(|l| label(l) == t)
        };
        if is(&i.history, &|l| &l.section.history) {
            Some(Branch::History)
        } else if is(&i.purpose, &|l| &l.section.purpose) {
            Some(Branch::Purpose)
        } else if is(&i.reasons, &|l| &l.section.reasons) {
            Some(Branch::Reasons)
        } else if is(&i.general, &|l| &l.section.general) {
            Some(Branch::General)
        } else if is(&i.references, &|l| &l.section.references) {
            Some(Branch::References)
        } else if is(&i.links, &|l| &l.section.forms) {
            Some(Branch::Links)
        } else if is(&[], &|l| &l.section.related) {
            Some(Branch::Related)
        } else if is(&i.team, &|l| &l.section.team) {
            Some(Branch::Team)
        } else if is(&i.floating, &|l| &l.section.floating) {
            Some(Branch::Floating)
        } else if is(&[], &|l| &l.section.points) {
            Some(Branch::Points)
        } else {
            None
        }
    }

    fn place_prefixes(&self) -> Vec<String> {
        let mut out: Vec<String> = self.c.import.place_prefixes.clone();
        for l in &self.both {
            if let Some((before, _)) = around(&l.mindmap.place, "phrase") {
                if !before.is_empty() {
                    out.push(before.to_string());
                }
            }
        }
        out
    }

    fn owner_patterns(&self) -> Vec<String> {
        let mut out = self.c.import.owners.patterns.clone();
        out.extend(self.any(|l| &l.mindmap.owners).map(str::to_string));
        out
    }

    /// A typed line, when the text is one.
    pub fn line(&self, text: &str) -> Option<Line> {
        let t = text.trim();
        for prefix in self.place_prefixes() {
            if let Some(rest) = t.strip_prefix(prefix.as_str()) {
                return Some(Line::Place(self.parse_place(rest)));
            }
        }
        for p in self.owner_patterns() {
            if let Some(o) = unfill_one(&p, t, "owners") {
                return Some(Line::Owners(o.to_string()));
            }
        }
        for (prefix, key) in &self.fields {
            if let Some(v) = t.strip_prefix(prefix.as_str()) {
                let v = v.trim();
                if v.is_empty() {
                    continue;
                }
                if key == "status" {
                    if let Some(s) = self.status(v) {
                        return Some(Line::Status(s));
                    }
                }
                return Some(Line::Field(key.clone(), v.to_string()));
            }
        }
        for l in &self.both {
            if let Some(n) = unfill_one(&l.format.priority, t, "n") {
                if let Ok(n @ 1..=9) = n.parse::<u8>() {
                    return Some(Line::Priority(n));
                }
            }
            if let Some(m) = unfill_one(&l.format.marker, t, "marker") {
                return Some(Line::Marker(m.to_string()));
            }
            if let Some(n) = unfill_one(&l.format.note, t, "text") {
                return Some(Line::Note(n.to_string()));
            }
        }
        None
    }

    /// A line written back as text (in the map's language).
    pub fn line_text(&self, line: &Line) -> String {
        let l = &self.out;
        match line {
            Line::Place(p) => fill(
                &l.mindmap.place,
                &[(
                    "phrase",
                    &format!("{}{}", p.targets.join(&l.format.list_separator), p.action),
                )],
            ),
            Line::Owners(o) => fill(&l.mindmap.owners, &[("owners", o)]),
            Line::Note(n) => n.clone(),
            Line::Priority(n) => fill(&l.format.priority, &[("n", &n.to_string())]),
            Line::Marker(m) => fill(&l.format.marker, &[("marker", m)]),
            Line::Status(s) => self.status_text(s),
            Line::Field(k, v) => self.field_text(k, v),
        }
    }

    /// A labelled value as a line (`改訂前：…`).
    pub fn field_text(&self, key: &str, value: &str) -> String {
        let l = &self.out;
        let label = field_keys(l)
            .into_iter()
            .find(|(k, _)| *k == key)
            .map_or_else(|| key.to_string(), |(_, label)| label);
        crate::view::format::field(&label, value, l)
    }

    /// The field key of an attribute's name (FreeMind attributes use the field labels).
    pub fn field_key(&self, name: &str) -> Option<String> {
        let n = name.trim();
        self.both.iter().find_map(|l| {
            field_keys(l)
                .into_iter()
                .find(|(_, label)| label == n)
                .map(|(k, _)| k.to_string())
        })
    }

    /// The status keyword of a label (either language) or keyword.
    pub fn status(&self, text: &str) -> Option<String> {
        let t = text.trim();
        crate::model::Status::ALL
            .iter()
            .find(|s| s.key() == t || self.both.iter().any(|l| l.status.get(**s) == t))
            .map(|s| s.key().to_string())
    }

    /// A status keyword as a line.
    pub fn status_text(&self, key: &str) -> String {
        let l = &self.out;
        let label = crate::model::Status::ALL
            .iter()
            .find(|s| s.key() == key)
            .map_or(key, |s| l.status.get(*s));
        crate::view::format::field(&l.field.status, label, l)
    }

    fn list_separators(&self) -> Vec<String> {
        let mut out: Vec<String> = self
            .any(|l| &l.format.list_separator)
            .map(str::to_string)
            .collect();
        out.extend(self.c.import.target_separators.iter().cloned());
        out
    }

    /// A list written with any known separator.
    pub fn split_list(&self, text: &str) -> Vec<String> {
        split_any(text, &self.list_separators())
    }

    /// Owners: names separated by the owner separators, hand-overs by an arrow, ？ for
    /// unassigned.
    pub fn split_owners(&self, text: &str) -> Vec<Owner> {
        let o = &self.c.import.owners;
        let mut seps = o.separators.clone();
        seps.extend(self.any(|l| &l.format.list_separator).map(str::to_string));
        let mut unassigned: Vec<String> = o.unassigned.clone();
        unassigned.extend(self.any(|l| &l.text.unassigned).map(str::to_string));
        let mut arrows: Vec<String> = o.handover.clone();
        arrows.extend(self.any(|l| l.text.handover.trim()).map(str::to_string));
        arrows.retain(|a| !a.is_empty());
        let mut out = Vec::new();
        for piece in split_any(text, &seps) {
            if unassigned.iter().any(|u| u.trim() == piece) {
                out.push(Owner::Unassigned);
                continue;
            }
            let names = split_any(&piece, &arrows);
            match names.len() {
                0 => {}
                1 => out.push(Owner::Member(names[0].clone())),
                n => out.push(Owner::Handover(
                    names[0].clone(),
                    names[n - 1].clone(),
                    n > 2,
                )),
            }
        }
        out
    }

    /// A title without its 【担当：…】, and the owners it named.
    pub fn take_owners(&self, text: &str) -> (String, Option<String>) {
        for p in self.owner_patterns() {
            let Some((open, close)) = around(&p, "owners") else {
                continue;
            };
            if open.is_empty() || close.is_empty() {
                continue;
            }
            let Some(start) = text.find(open) else {
                continue;
            };
            let Some(len) = text[start + open.len()..].find(close) else {
                continue;
            };
            let owners = text[start + open.len()..start + open.len() + len]
                .trim()
                .to_string();
            if owners.is_empty() {
                continue;
            }
            let rest = format!(
                "{}{}",
                text[..start].trim_end(),
                text[start + open.len() + len + close.len()..].trim_start()
            );
            return (rest.trim().to_string(), Some(owners));
        }
        (text.to_string(), None)
    }

    /// A place from its 改訂箇所 text (after the prefix).
    pub fn parse_place(&self, text: &str) -> Place {
        let t = text.trim();
        let i = &self.c.import;
        // The action: the earliest action words after the place (longest at a tie), or
        // words before it (English labels).
        let mut words: Vec<(String, String, bool)> = Vec::new();
        for a in &i.action {
            for w in &a.words {
                words.push((w.clone(), a.action.clone(), false));
            }
        }
        for l in &self.both {
            for action in crate::model::Action::ALL {
                if let Some((before, after)) = around(l.action_phrase.get(action), "place") {
                    if !after.is_empty() {
                        words.push((after.to_string(), action.key().to_string(), false));
                    } else if !before.is_empty() {
                        words.push((before.to_string(), action.key().to_string(), true));
                    }
                }
            }
        }
        let mut best: Option<(usize, usize, &str, bool)> = None;
        for (w, action, prefix) in &words {
            let at = if *prefix {
                t.starts_with(w.as_str()).then_some(0)
            } else {
                t.find(w.as_str()).filter(|&at| at > 0)
            };
            if let Some(at) = at {
                let better = match best {
                    None => true,
                    Some((b_at, b_len, _, _)) => at < b_at || (at == b_at && w.len() > b_len),
                };
                if better {
                    best = Some((at, w.len(), action, *prefix));
                }
            }
        }
        let (place, action, rest) = match best {
            Some((at, len, action, true)) => (&t[at + len..], action.to_string(), ""),
            Some((at, len, action, false)) => (&t[..at], action.to_string(), &t[at + len..]),
            None => (t, crate::model::Action::Revise.key().to_string(), ""),
        };
        let note = self.action_note(rest);
        let (targets, pages) = self.targets_and_pages(place.trim());
        Place {
            targets,
            pages,
            action,
            note,
        }
    }

    fn action_note(&self, rest: &str) -> Option<String> {
        let mut r = rest.trim();
        for sep in &self.c.import.note_separators {
            r = r.strip_prefix(sep.as_str()).unwrap_or(r).trim();
        }
        for l in &self.both {
            if let Some(inner) = unfill_one(&l.format.parenthesis, r, "text") {
                r = inner;
            }
        }
        (!r.is_empty()).then(|| r.to_string())
    }

    fn targets_and_pages(&self, place: &str) -> (Vec<String>, Vec<PageRange>) {
        let i = &self.c.import;
        let closes = i.close_parens.iter().find(|c| place.ends_with(c.as_str()));
        let split = closes.and_then(|close| {
            let body = &place[..place.len() - close.len()];
            let open_at = i
                .open_parens
                .iter()
                .filter_map(|o| body.rfind(o.as_str()).map(|at| (at, o.len())))
                .max();
            open_at.map(|(at, len)| (&body[..at], &body[at + len..]))
        });
        let (targets, pages) = match split {
            Some((t, p)) => (t, Some(p)),
            None => (place, None),
        };
        let targets = split_any(targets.trim(), &self.list_separators());
        let pages = pages.map(|p| self.pages(p)).unwrap_or_default();
        (targets, pages)
    }

    /// Page ranges: `p.8～9, 42～43`, `P.124～131,180～183`, `p.183以降`.
    pub fn pages(&self, text: &str) -> Vec<PageRange> {
        let i = &self.c.import;
        let mut out = Vec::new();
        for piece in split_any(text, &i.page_separators) {
            let mut p = piece.as_str();
            let mut prefixes = i.page_prefixes.clone();
            prefixes.sort_by_key(|x| std::cmp::Reverse(x.len()));
            for prefix in &prefixes {
                if let Some(rest) = p.strip_prefix(prefix.as_str()) {
                    p = rest.trim();
                    break;
                }
            }
            let open = i
                .page_open
                .iter()
                .find_map(|o| p.strip_suffix(o.as_str()).map(str::trim));
            let parsed = match open {
                Some(start) => crate::load::parse_pages(start).map(|(s, _)| (s, None)),
                None => crate::load::parse_pages(p),
            };
            if let Ok((start, end)) = parsed {
                out.push(match end {
                    Some(e) if e < start => PageRange {
                        start: e,
                        end: Some(start),
                    },
                    end => PageRange { start, end },
                });
            }
        }
        out
    }

    /// A place from FreeMind attributes (target, pages, action), when they name a target.
    pub fn place_from_attributes(&self, attrs: &[(String, String)]) -> Option<Place> {
        let get = |key: &str| {
            attrs
                .iter()
                .find(|(n, _)| self.field_key(n).as_deref() == Some(key))
                .map(|(_, v)| v.as_str())
        };
        let targets = self.split_list(get("target")?);
        let pages = get("pages").map(|p| self.pages(p)).unwrap_or_default();
        let action = get("action")
            .and_then(|a| {
                crate::model::Action::ALL
                    .iter()
                    .find(|x| x.key() == a || self.both.iter().any(|l| l.action.get(**x) == a))
            })
            .copied()
            .unwrap_or(crate::model::Action::Revise);
        Some(Place {
            targets,
            pages,
            action: action.key().to_string(),
            note: None,
        })
    }

    /// A date in any pattern import knows, as ISO 8601.
    pub fn date(&self, text: &str) -> Option<String> {
        let t = text.trim();
        let mut patterns: Vec<(String, Option<&Vec<String>>)> = self
            .c
            .import
            .history_entries
            .dates
            .iter()
            .map(|p| (p.clone(), None))
            .collect();
        for l in &self.both {
            for p in [
                &l.format.date_day,
                &l.format.date_month,
                &l.format.date_year,
            ] {
                patterns.push((p.clone(), Some(&l.format.months)));
            }
        }
        for (p, months) in patterns {
            let Some(values) = unfill(&p, t) else {
                continue;
            };
            let get = |k: &str| values.iter().find(|(n, _)| n == k).map(|(_, v)| *v);
            let num = |s: &str| -> Option<u32> {
                let ascii: String = s
                    .chars()
                    .map(|c| match c {
                        '\u{FF10}'..='\u{FF19}' => {
                            char::from_u32(u32::from(c) - 0xFF10 + u32::from('0')).unwrap_or(c)
                        }
                        c => c,
                    })
                    .collect();
                ascii.trim().parse().ok()
            };
            let Some(y) = get("y").and_then(num) else {
                continue;
            };
            let m = match (get("m"), get("month")) {
                (Some(m), _) => Some(num(m)?),
                (None, Some(name)) => Some(
                    months?
                        .iter()
                        .position(|x| x == name)
                        .map(|i| i as u32 + 1)?,
                ),
                (None, None) => None,
            };
            let d = match get("d") {
                Some(d) => Some(num(d)?),
                None => None,
            };
            let iso = match (m, d) {
                (Some(m), Some(d)) => format!("{y:04}-{m:02}-{d:02}"),
                (Some(m), None) => format!("{y:04}-{m:02}"),
                (None, Some(_)) => continue,
                (None, None) => format!("{y:04}"),
            };
            if crate::load::parse_date(&iso).is_ok() {
                return Some(iso);
            }
        }
        None
    }

    /// A history entry: its date (ISO) and summary.
    pub fn history(&self, text: &str) -> Option<(String, String)> {
        let mut patterns = self.c.import.history_entries.patterns.clone();
        patterns.extend(self.any(|l| &l.mindmap.history).map(str::to_string));
        for p in patterns {
            let Some(values) = unfill(&p, text.trim()) else {
                continue;
            };
            let get = |k: &str| values.iter().find(|(n, _)| n == k).map(|(_, v)| *v);
            if let (Some(d), Some(s)) = (get("date"), get("summary")) {
                if let Some(iso) = self.date(d) {
                    return Some((iso, s.to_string()));
                }
            }
        }
        None
    }

    /// A title in quotes and what follows it.
    fn quoted<'t>(&self, text: &'t str) -> Option<(&'t str, &'t str)> {
        for l in &self.both {
            for q in [&l.format.title_quote, &l.format.title_quote_nested] {
                let Some((open, close)) = around(q, "title") else {
                    continue;
                };
                if open.is_empty() || close.is_empty() {
                    continue;
                }
                let Some(inner) = text.strip_prefix(open) else {
                    continue;
                };
                if let Some(title) = inner.strip_suffix(close) {
                    return Some((title, ""));
                }
                // The closing quote that comes right before the parenthesis.
                for p in self.any(|l| &l.format.parenthesis) {
                    let Some((p_open, _)) = around(p, "text") else {
                        continue;
                    };
                    let key = format!("{close}{}", p_open.trim_start());
                    if let Some(at) = inner.rfind(&key) {
                        return Some((&inner[..at], &inner[at + close.len()..]));
                    }
                }
            }
        }
        None
    }

    fn parenthesized<'t>(&self, text: &'t str) -> Option<&'t str> {
        let t = text.trim();
        self.both.iter().find_map(|l| {
            let (open, close) = around(&l.format.parenthesis, "text")?;
            t.strip_prefix(open.trim_start())?.strip_suffix(close)
        })
    }

    /// The base book from its summary: 「title」（publisher、edition、date、pages）.
    pub fn book(&self, text: &str) -> Book {
        let mut book = Book::default();
        let Some((title, rest)) = self.quoted(text.trim()) else {
            book.title = text.trim().to_string();
            return book;
        };
        book.title = title.to_string();
        let facts = self
            .parenthesized(rest)
            .map(|f| self.split_list(f))
            .unwrap_or_default();
        for (i, fact) in facts.into_iter().enumerate() {
            if i == 0 {
                book.publisher = fact;
                continue;
            }
            if let Some(d) = self.date(&fact) {
                book.published = Some(d);
                continue;
            }
            let pages = self.both.iter().find_map(|l| {
                if let Some(n) = unfill_one(&l.format.book_pages_approximate, &fact, "n") {
                    return Some((n.parse().ok()?, true));
                }
                unfill_one(&l.format.book_pages, &fact, "n")
                    .and_then(|n| Some((n.parse().ok()?, false)))
            });
            match pages {
                Some((n, approx)) => {
                    book.pages = Some(n);
                    book.approximate = approx;
                }
                None => book.edition = Some(fact),
            }
        }
        book
    }

    /// A reference from its citation: 「title」（issuer、date、version）, else the text as
    /// its title.
    pub fn citation(&self, text: &str) -> Reference {
        let mut r = Reference::default();
        let Some((title, rest)) = self.quoted(text.trim()) else {
            r.title = text.trim().to_string();
            return r;
        };
        let Some(facts) = self
            .parenthesized(rest)
            .or(rest.trim().is_empty().then_some(""))
        else {
            r.title = text.trim().to_string();
            return r;
        };
        r.title = title.to_string();
        let mut version = Vec::new();
        for fact in self.split_list(facts) {
            if r.date.is_none() {
                if let Some(d) = self.date(&fact) {
                    r.date = Some(d);
                    continue;
                }
            }
            if r.issuer.is_none() && r.date.is_none() && version.is_empty() {
                r.issuer = Some(fact);
            } else {
                version.push(fact);
            }
        }
        if !version.is_empty() {
            r.version = Some(version.join(&self.out.format.list_separator));
        }
        r
    }

    /// A team member's name without the group mark, and whether it had one.
    pub fn group(&self, text: &str) -> (String, bool) {
        for g in self.any(|l| &l.text.group) {
            if let Some(name) = text.strip_suffix(g) {
                return (name.trim().to_string(), true);
            }
        }
        (text.trim().to_string(), false)
    }

    /// A reason item: its title and the note in parentheses after it.
    pub fn item(&self, text: &str) -> (String, Option<String>) {
        for l in &self.both {
            let Some((open, close)) = around(&l.format.parenthesis, "text") else {
                continue;
            };
            let open = open.trim_start();
            if open.is_empty() || close.is_empty() || !text.ends_with(close) {
                continue;
            }
            let body = &text[..text.len() - close.len()];
            if let Some(at) = body.rfind(open) {
                let title = text[..at].trim_end();
                let note = &body[at + open.len()..];
                if !title.is_empty() && !note.is_empty() {
                    return (title.to_string(), Some(note.to_string()));
                }
            }
        }
        (text.to_string(), None)
    }

    /// A part's label and title from its heading, and the heading itself when it is
    /// written in the plan's own way (【Mission04】 …).
    pub fn part_heading(&self, text: &str) -> (String, String, Option<String>) {
        for p in &self.c.import.parts.patterns {
            if let Some(v) = unfill(p, text) {
                let get = |k: &str| v.iter().find(|(n, _)| n == k).map(|(_, x)| x.to_string());
                if let (Some(label), Some(title)) = (get("label"), get("title")) {
                    return (label, title, Some(text.to_string()));
                }
            }
        }
        for l in &self.both {
            if let Some(v) = unfill(&l.format.part_heading, text) {
                let get = |k: &str| v.iter().find(|(n, _)| n == k).map(|(_, x)| x.to_string());
                if let (Some(label), Some(title)) = (get("label"), get("title")) {
                    return (label, title, None);
                }
            }
        }
        (text.to_string(), text.to_string(), None)
    }

    /// True for the label of an untitled floating topic.
    pub fn is_untitled(&self, text: &str) -> bool {
        self.any(|l| &l.text.untitled).any(|u| u == text)
    }
}

/// Splits on any of the separators; pieces trimmed, empty ones dropped.
pub fn split_any(text: &str, separators: &[String]) -> Vec<String> {
    let mut pieces = vec![text.to_string()];
    for sep in separators.iter().filter(|s| !s.trim().is_empty()) {
        let sep = sep.trim();
        pieces = pieces
            .iter()
            .flat_map(|p| p.split(sep).map(str::to_string).collect::<Vec<_>>())
            .collect();
    }
    pieces
        .into_iter()
        .map(|p| p.trim().to_string())
        .filter(|p| !p.is_empty())
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_plans_place_lines_are_typed() {
        // Intent: the 改訂箇所 lines of manuscript/source-plan.txt and of this program's
        // own maps give their targets, pages, action and note.
        let r = Recogniser::new("ja");
        let p = r.parse_place("「はじめに」,Mission1-13(p.8～9,42～43)を改訂");
        assert_eq!(p.targets, ["「はじめに」", "Mission1-13"]);
        assert_eq!(p.pages.len(), 2);
        assert_eq!(p.action, "revise");
        let p = r.parse_place("Mission1-12 (P.41)のあとに追加");
        assert_eq!(
            (p.targets[0].as_str(), p.action.as_str()),
            ("Mission1-12", "add-after")
        );
        let p = r.parse_place("Information6-7(p.183以降)として追加");
        assert_eq!(p.pages[0].end, None);
        assert_eq!(p.action, "add-new");
        let p = r.parse_place("Mission3-11, コラム(p.110～131)を改訂、必要に応じて追加");
        assert_eq!(p.note.as_deref(), Some("必要に応じて追加"));
        let p = r.parse_place("Mission3-11（p.110～131）を改訂（必要に応じて追加）");
        assert_eq!(p.note.as_deref(), Some("必要に応じて追加"));
        assert_eq!(p.targets, ["Mission3-11"]);
    }

    #[test]
    fn owners_dates_and_citations_are_typed() {
        // Intent: 【担当：…】 with hand-overs and ？, the plan's dates, and citations read back.
        let r = Recogniser::new("ja");
        let o = r.split_owners("伊藤⇒中山、？");
        assert!(matches!(&o[0], Owner::Handover(a, b, false) if a == "伊藤" && b == "中山"));
        assert!(matches!(o[1], Owner::Unassigned));
        assert_eq!(
            r.take_owners("【Mission04】 もしもマニュアル 【担当：石井（茂）】")
                .1
                .as_deref(),
            Some("石井（茂）")
        );
        assert_eq!(r.date("2020年4月9日").as_deref(), Some("2020-04-09"));
        assert_eq!(
            r.history("（2019年7月25日）（調査）").map(|h| h.0),
            Some("2019-07-25".into())
        );
        let c = r.citation("「なりすまし EC サイト対策マニュアル」（一般社団法人セーファーインターネット協会、2015年3月）");
        assert_eq!(c.title, "なりすまし EC サイト対策マニュアル");
        assert_eq!(c.date.as_deref(), Some("2015-03"));
        assert!(c.issuer.is_some());
    }
}
