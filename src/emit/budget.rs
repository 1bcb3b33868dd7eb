//! What a template may spend: fuel (minijinja's count of instructions) and output bytes,
//! both in proportion to the document, so that a built-in template never runs out on a
//! manuscript within the limits while an override with a loop that never ends, or one that
//! writes without bound, stops with a located error instead of hanging or exhausting memory.

use crate::view::{Block, DocumentView, Inline};

/// Fuel and output cap for rendering one template over one document.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Budget {
    /// Instructions the template may execute.
    pub fuel: u64,
    /// Bytes it may write.
    pub max_output: usize,
}

/// Fuel per unit of the document: the built-in page spends about 250 per unit
/// (measured on the bundled manuscript and on synthetic ones up to scale 100).
const FUEL_PER_UNIT: u64 = 2_000;
/// Fuel every document gets.
const FUEL_BASE: u64 = 500_000;
/// Output per unit beyond the text: the built-in page writes about 1.1 KB per unit.
const BYTES_PER_UNIT: usize = 16 * 1024;
/// Output per byte of the document's text (the page repeats titles, places and owners in
/// its contents and tables, and escapes markup characters up to six times their size).
const BYTES_PER_TEXT_BYTE: usize = 32;
/// Output every document gets.
const BYTES_BASE: usize = 16 * 1024 * 1024;

impl Budget {
    /// The budget for a document.
    pub fn for_view(view: &DocumentView) -> Budget {
        let units = units(view) as u64;
        let text = text_bytes(view);
        Budget {
            fuel: FUEL_BASE.saturating_add(units.saturating_mul(FUEL_PER_UNIT)),
            max_output: BYTES_BASE
                .saturating_add((units as usize).saturating_mul(BYTES_PER_UNIT))
                .saturating_add(text.saturating_mul(BYTES_PER_TEXT_BYTE))
                .saturating_add(figure_bytes(view)),
        }
    }
}

/// The things a template walks: headings, history entries, references, forms, members,
/// floating topics and bodies.
fn units(v: &DocumentView) -> usize {
    1 + v.anchors().len()
        + v.history.len()
        + v.references.len()
        + v.forms.len()
        + v.related.iter().map(|r| 1 + r.links.len()).sum::<usize>()
        + v.team.len()
        + v.floating_topics.len()
        + v.bodies.len()
}

/// Room for the figures a page embeds: each shown figure's bytes twice (base64 is 4/3).
fn figure_bytes(v: &DocumentView) -> usize {
    fn blocks(v: &DocumentView, list: &[Block]) -> usize {
        list.iter()
            .map(|b| match b {
                Block::Figure {
                    figure: Some(i), ..
                } => v
                    .figures
                    .get(*i)
                    .map_or(0, |f| f.data.len().saturating_mul(2)),
                Block::List { items, .. } => items.iter().map(|i| blocks(v, i)).sum(),
                Block::Quote { blocks: inner } => blocks(v, inner),
                _ => 0,
            })
            .sum()
    }
    v.bodies.iter().map(|b| blocks(v, b)).sum()
}

/// The bytes of text in the document's bodies and titles.
fn text_bytes(v: &DocumentView) -> usize {
    fn blocks(list: &[Block]) -> usize {
        list.iter()
            .map(|b| match b {
                Block::Heading { content, .. } | Block::Paragraph { content } => inlines(content),
                Block::List { items, .. } => items.iter().map(|i| blocks(i)).sum(),
                Block::Table { head, rows, .. } => {
                    head.iter().map(|c| inlines(c)).sum::<usize>()
                        + rows.iter().flatten().map(|c| inlines(c)).sum::<usize>()
                }
                Block::Quote { blocks: inner } => blocks(inner),
                Block::Code { text } => text.len(),
                Block::Rule => 1,
                Block::Figure { text, .. } => text.len(),
            })
            .sum()
    }
    fn inlines(list: &[Inline]) -> usize {
        list.iter()
            .map(|i| match i {
                Inline::Text { text } | Inline::Code { text } => text.len(),
                Inline::Emphasis { content }
                | Inline::Strong { content }
                | Inline::Strike { content }
                | Inline::Link { content, .. } => 64 + inlines(content),
                Inline::LineBreak => 1,
            })
            .sum()
    }
    let strings = |list: &[String]| list.iter().map(String::len).sum::<usize>();
    let opt = |o: &Option<String>| o.as_ref().map_or(0, String::len);
    v.bodies.iter().map(|b| blocks(b)).sum::<usize>()
        + v.anchors().iter().map(|a| a.id.len() * 4).sum::<usize>()
        + v.front
            .iter()
            .map(|f| f.label.len() + f.value.len())
            .sum::<usize>()
        + v.history.iter().map(|h| h.summary.len()).sum::<usize>()
        + v.reasons
            .iter()
            .map(|r| r.heading.text.len() + r.items.iter().map(|i| i.text.len()).sum::<usize>())
            .sum::<usize>()
        + v.points
            .iter()
            .map(|p| {
                p.heading.text.len()
                    + p.action_phrase.len()
                    + p.place.len()
                    + p.owners_text.len()
                    + strings(&p.notes)
                    + opt(&p.before)
                    + opt(&p.after)
                    + p.topics
                        .iter()
                        .map(|t| {
                            t.heading.text.len()
                                + t.owners_text.len()
                                + strings(&t.notes)
                                + opt(&t.before)
                                + opt(&t.after)
                        })
                        .sum::<usize>()
            })
            .sum::<usize>()
        + v.parts
            .iter()
            .map(|p| p.heading.text.len() + p.owners_text.len() + strings(&p.notes))
            .sum::<usize>()
        + v.references
            .iter()
            .map(|r| r.citation.len() + opt(&r.url) + opt(&r.file) + opt(&r.note))
            .sum::<usize>()
        + v.forms
            .iter()
            .map(|f| f.label.len() + opt(&f.file) + opt(&f.url))
            .sum::<usize>()
        + v.floating_topics
            .iter()
            .map(|f| f.title.len() + opt(&f.note))
            .sum::<usize>()
}

/// A writer that keeps what it is given, up to a limit, and fails past it.
pub struct Capped {
    /// What was written.
    pub out: Vec<u8>,
    limit: usize,
}

impl Capped {
    /// An empty buffer that takes at most `limit` bytes.
    pub fn new(limit: usize) -> Capped {
        Capped {
            out: Vec::new(),
            limit,
        }
    }
}

impl std::io::Write for Capped {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        if self.out.len().saturating_add(buf.len()) > self.limit {
            return Err(std::io::Error::other("output limit"));
        }
        self.out.extend_from_slice(buf);
        Ok(buf.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

/// Renders a template (`name` under `styles/`) within a budget; running out of fuel or
/// output is an error that says which, in words an editor can act on, at the line the
/// template had reached.
pub fn render(
    name: &str,
    template: &minijinja::Template<'_, '_>,
    context: impl serde::Serialize,
    budget: Budget,
) -> Result<String, super::EmitError> {
    let mut out = Capped::new(budget.max_output);
    match template.render_captured_to(context, &mut out) {
        Ok(_) => Ok(String::from_utf8(out.out).unwrap_or_default()),
        Err(e) => {
            let message = match e.kind() {
                minijinja::ErrorKind::OutOfFuel => format!(
                    "the template did not finish within its budget of {} steps for this \
                     manuscript: a loop that does not end, or one far larger than the document",
                    budget.fuel
                ),
                minijinja::ErrorKind::WriteFailure => format!(
                    "the template wrote more than {} MB, far more than this manuscript needs",
                    budget.max_output / (1024 * 1024)
                ),
                _ => return Err(super::EmitError::template(name, &e)),
            };
            Err(super::EmitError::Template {
                name: name.to_string(),
                line: e.line(),
                message,
            })
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::Write;

    #[test]
    fn the_output_cap_holds() {
        // Intent: writing past the limit fails; up to it succeeds.
        let mut w = Capped::new(4);
        assert!(w.write_all(b"abcd").is_ok());
        assert!(w.write_all(b"e").is_err());
        assert_eq!(w.out, b"abcd");
    }
}
