//! How values are written for readers: dates, page ranges, owners, citations, brackets —
//! every pattern from the labels, so that a language or house style is one file.

use crate::labels::{fill, Labels};
use crate::model::{Owner, PageRange, PartialDate, Reference, Supplement};

use super::DateView;

/// A date as the manuscript gives it (year, month or day), written with the labels'
/// patterns, with its ISO form for machines.
pub fn date(d: PartialDate, labels: &Labels) -> DateView {
    let f = &labels.format;
    let y = d.year.to_string();
    let text = match (d.month, d.day) {
        (Some(m), day) => {
            let month = f
                .months
                .get(usize::from(m).saturating_sub(1))
                .map_or("", String::as_str);
            let m = m.to_string();
            match day {
                Some(day) => fill(
                    &f.date_day,
                    &[
                        ("y", &y),
                        ("m", &m),
                        ("d", &day.to_string()),
                        ("month", month),
                    ],
                ),
                None => fill(&f.date_month, &[("y", &y), ("m", &m), ("month", month)]),
            }
        }
        (None, _) => fill(&f.date_year, &[("y", &y)]),
    };
    DateView { text, iso: d.iso() }
}

/// Page ranges: `p.8～9, 42～43`, `p.41`, `p.183～` (empty when there are none).
pub fn pages(ranges: &[PageRange], labels: &Labels) -> String {
    if ranges.is_empty() {
        return String::new();
    }
    let f = &labels.format;
    let parts: Vec<String> = ranges
        .iter()
        .map(|r| match r.end {
            Some(end) if end == r.start => r.start.to_string(),
            Some(end) => fill(
                &f.page_range,
                &[("start", &r.start.to_string()), ("end", &end.to_string())],
            ),
            None => fill(&f.page_open, &[("start", &r.start.to_string())]),
        })
        .collect();
    fill(&f.pages, &[("ranges", &parts.join(&f.range_separator))])
}

/// A place in the book: the targets, with their pages when given.
pub fn place(targets: &str, pages: &str, labels: &Labels) -> String {
    if pages.is_empty() {
        fill(&labels.format.place_without_pages, &[("targets", targets)])
    } else {
        fill(
            &labels.format.place,
            &[("targets", targets), ("pages", pages)],
        )
    }
}

/// Names owners: members by name, hand-overs as `from⇒to`, unassigned as its label.
pub fn owners(s: &Supplement, owners: &[Owner], labels: &Labels) -> Vec<String> {
    let name = |id: &str| {
        s.member(id)
            .map_or_else(|| id.to_string(), |m| m.name.clone())
    };
    owners
        .iter()
        .map(|o| match o {
            Owner::Member(id) => name(&id.value),
            Owner::Handover { from, to } => {
                format!(
                    "{}{}{}",
                    name(&from.value),
                    labels.text.handover,
                    name(&to.value)
                )
            }
            Owner::Unassigned(_) => labels.text.unassigned.clone(),
        })
        .collect()
}

/// Who holds the work now: members by name, a hand-over's receiver, unassigned as its
/// label (for the author of a tracked change).
pub fn current_owners(s: &Supplement, owners: &[Owner], labels: &Labels) -> Vec<String> {
    let name = |id: &str| {
        s.member(id)
            .map_or_else(|| id.to_string(), |m| m.name.clone())
    };
    owners
        .iter()
        .map(|o| match o {
            Owner::Member(id) | Owner::Handover { to: id, .. } => name(&id.value),
            Owner::Unassigned(_) => labels.text.unassigned.clone(),
        })
        .collect()
}

/// A title in quotation marks (the nested form when the title holds the outer marks).
pub fn quote(title: &str, labels: &Labels) -> String {
    let f = &labels.format;
    let (open, _) = split(&f.title_quote, "{title}");
    let nested = !open.trim().is_empty() && title.contains(open.trim());
    let pattern = if nested {
        &f.title_quote_nested
    } else {
        &f.title_quote
    };
    fill(pattern, &[("title", title)])
}

/// Text in parentheses, unless it is already wrapped in them.
pub fn parenthesize(text: &str, labels: &Labels) -> String {
    let (open, close) = split(&labels.format.parenthesis, "{text}");
    let (open, close) = (open.trim(), close.trim());
    if !open.is_empty() && text.starts_with(open) && text.ends_with(close) {
        // Keep the pattern's spacing around text that brings its own brackets.
        let lead = &labels.format.parenthesis
            [..labels.format.parenthesis.len() - labels.format.parenthesis.trim_start().len()];
        return format!("{lead}{text}");
    }
    fill(&labels.format.parenthesis, &[("text", text)])
}

/// `label：value`.
pub fn field(label: &str, value: &str, labels: &Labels) -> String {
    fill(&labels.format.field, &[("label", label), ("value", value)])
}

/// A list joined with the list separator.
pub fn list(items: &[String], labels: &Labels) -> String {
    items.join(&labels.format.list_separator)
}

/// A reference in the house citation style: 「title」（issuer、date、version）.
pub fn citation(r: &Reference, labels: &Labels) -> String {
    let mut meta: Vec<String> = Vec::new();
    if let Some(issuer) = &r.issuer {
        meta.push(issuer.clone());
    }
    if let Some(d) = &r.date {
        meta.push(date(d.value, labels).text);
    }
    if let Some(version) = &r.version {
        meta.push(version.clone());
    }
    let title = quote(&r.title, labels);
    if meta.is_empty() {
        title
    } else {
        format!("{title}{}", parenthesize(&list(&meta, labels), labels))
    }
}

/// The base book's length: 約190ページ.
pub fn book_pages(n: u32, approximate: bool, labels: &Labels) -> String {
    let f = &labels.format;
    let pattern = if approximate {
        &f.book_pages_approximate
    } else {
        &f.book_pages
    };
    fill(pattern, &[("n", &n.to_string())])
}

/// The parts of a pattern before and after a placeholder.
fn split<'p>(pattern: &'p str, placeholder: &str) -> (&'p str, &'p str) {
    pattern.split_once(placeholder).unwrap_or((pattern, ""))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ja() -> Labels {
        Labels::builtin("ja")
    }

    #[test]
    fn dates_say_only_what_is_given() {
        // Intent: a year, a month or a day, in the language's own form, never more.
        let d = |year, month, day| PartialDate { year, month, day };
        assert_eq!(
            date(d(2017, Some(11), None), &ja()).text,
            "2017\u{5e74}11\u{6708}"
        );
        assert_eq!(date(d(2017, None, None), &ja()).iso, "2017");
        let en = Labels::builtin("en");
        assert_eq!(date(d(2020, Some(4), Some(9)), &en).text, "April 9, 2020");
        assert_eq!(date(d(2017, Some(11), None), &en).text, "November 2017");
    }

    #[test]
    fn pages_join_ranges_once_prefixed() {
        // Intent: one `p.` for a list of ranges; single pages and open ranges written apart.
        let r = |start, end| PageRange {
            start,
            end,
            span: Default::default(),
        };
        let got = pages(&[r(8, Some(9)), r(41, Some(41)), r(183, None)], &ja());
        assert_eq!(got, "p.8\u{ff5e}9, 41, 183\u{ff5e}");
        assert_eq!(pages(&[], &ja()), "");
    }

    #[test]
    fn brackets_are_never_doubled() {
        // Intent: a note that brings its own parentheses is not wrapped again, and a title
        // that holds 「」 is quoted with 『』.
        let l = ja();
        let note = "\u{ff08}2018\u{ff09}";
        assert_eq!(parenthesize(note, &l), note);
        assert_eq!(parenthesize("a", &l), "\u{ff08}a\u{ff09}");
        assert_eq!(
            quote("\u{300c}x\u{300d}\u{306e}y", &l),
            "\u{300e}\u{300c}x\u{300d}\u{306e}y\u{300f}"
        );
        let en = Labels::builtin("en");
        assert_eq!(parenthesize("(b)", &en), " (b)");
    }
}
