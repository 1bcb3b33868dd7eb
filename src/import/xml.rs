//! A small, bounded XML tree for the map formats: elements with their attributes, text
//! and line numbers. No DTD is accepted (so no entity can expand and no external file can
//! be named), only the five predefined entities and character references are resolved,
//! and nesting and element counts are capped; any problem is an error with its line and
//! column.

use quick_xml::events::Event;
use quick_xml::Reader;

/// Deepest element nesting accepted.
pub const MAX_DEPTH: usize = 256;
/// Most elements accepted in one document.
pub const MAX_ELEMENTS: usize = 2_000_000;

/// An element.
#[derive(Debug, Clone, Default)]
pub struct Element {
    /// The name as written (with its prefix, e.g. `ap:Topic`).
    pub name: String,
    /// Attributes as written (names with prefixes), values unescaped.
    pub attrs: Vec<(String, String)>,
    /// Children in order.
    pub children: Vec<Node>,
    /// The 1-based line of its start tag.
    pub line: usize,
}

/// A child of an element.
#[derive(Debug, Clone)]
pub enum Node {
    /// An element.
    Element(Element),
    /// Text (CDATA included).
    Text(String),
}

impl Element {
    /// The local name (after any prefix).
    pub fn local(&self) -> &str {
        self.name.rsplit(':').next().unwrap_or(&self.name)
    }

    /// An attribute by its name as written, or by its local name.
    pub fn attr(&self, name: &str) -> Option<&str> {
        self.attrs
            .iter()
            .find(|(n, _)| n == name)
            .or_else(|| {
                self.attrs
                    .iter()
                    .find(|(n, _)| n.rsplit(':').next() == Some(name))
            })
            .map(|(_, v)| v.as_str())
    }

    /// Child elements.
    pub fn elements(&self) -> impl Iterator<Item = &Element> {
        self.children.iter().filter_map(|c| match c {
            Node::Element(e) => Some(e),
            Node::Text(_) => None,
        })
    }

    /// The first child element with this local name.
    pub fn child(&self, local: &str) -> Option<&Element> {
        self.elements().find(|e| e.local() == local)
    }

    /// Child elements with this local name.
    pub fn children_named<'a>(&'a self, local: &'a str) -> impl Iterator<Item = &'a Element> {
        self.elements().filter(move |e| e.local() == local)
    }

    /// All the text inside, in order.
    pub fn text(&self) -> String {
        let mut out = String::new();
        let mut stack: Vec<std::slice::Iter<'_, Node>> = vec![self.children.iter()];
        while let Some(top) = stack.last_mut() {
            match top.next() {
                Some(Node::Text(t)) => out.push_str(t),
                Some(Node::Element(e)) => stack.push(e.children.iter()),
                None => {
                    stack.pop();
                }
            }
        }
        out
    }
}

/// Line and column (1-based, in characters) of a byte offset.
pub fn line_column(text: &str, offset: usize) -> (usize, usize) {
    let offset = offset.min(text.len());
    let mut at = offset;
    while !text.is_char_boundary(at) {
        at -= 1;
    }
    let before = &text[..at];
    let line = before.matches('\n').count() + 1;
    let column = before
        .rfind('\n')
        .map_or(before, |n| &before[n + 1..])
        .chars()
        .count()
        + 1;
    (line, column)
}

/// Parses a document into its root element, or an error naming the line and column.
pub fn parse(text: &str) -> Result<Element, String> {
    let mut reader = Reader::from_str(text);
    reader.config_mut().check_end_names = true;
    let at = |offset: u64| {
        let (line, column) = line_column(text, usize::try_from(offset).unwrap_or(usize::MAX));
        format!("line {line}, column {column}")
    };
    let mut stack: Vec<Element> = Vec::new();
    let mut root: Option<Element> = None;
    let mut count = 0usize;
    loop {
        let before = reader.buffer_position();
        let event = reader
            .read_event()
            .map_err(|e| format!("{} ({e})", at(reader.error_position())))?;
        let start = |e: &quick_xml::events::BytesStart<'_>| -> Result<Element, String> {
            let name = String::from_utf8_lossy(e.name().as_ref()).into_owned();
            let mut attrs = Vec::new();
            for a in e.attributes() {
                let a = a.map_err(|err| format!("{} ({err})", at(before)))?;
                let key = String::from_utf8_lossy(a.key.as_ref()).into_owned();
                let value = a
                    .normalized_value(quick_xml::XmlVersion::Implicit1_0)
                    .map_err(|err| format!("{} (attribute {key}: {err})", at(before)))?;
                attrs.push((key, value.into_owned()));
            }
            let (line, _) = line_column(text, usize::try_from(before).unwrap_or(0));
            Ok(Element {
                name,
                attrs,
                children: Vec::new(),
                line,
            })
        };
        match event {
            Event::DocType(_) => {
                return Err(format!(
                    "{}: a DOCTYPE is not accepted (entities and external files could be declared there)",
                    at(before)
                ))
            }
            Event::Start(e) | Event::Empty(e) if root.is_some() => {
                let _ = e;
                return Err(format!("{}: content after the root element", at(before)));
            }
            Event::Start(e) => {
                count += 1;
                if count > MAX_ELEMENTS {
                    return Err(format!("{}: more than {MAX_ELEMENTS} elements", at(before)));
                }
                if stack.len() >= MAX_DEPTH {
                    return Err(format!(
                        "{}: elements nested more than {MAX_DEPTH} levels deep",
                        at(before)
                    ));
                }
                stack.push(start(&e)?);
            }
            Event::Empty(e) => {
                count += 1;
                if count > MAX_ELEMENTS {
                    return Err(format!("{}: more than {MAX_ELEMENTS} elements", at(before)));
                }
                let element = start(&e)?;
                match stack.last_mut() {
                    Some(parent) => parent.children.push(Node::Element(element)),
                    None => root = Some(element),
                }
            }
            Event::End(_) => {
                let Some(done) = stack.pop() else {
                    return Err(format!("{}: an end tag without a start", at(before)));
                };
                match stack.last_mut() {
                    Some(parent) => parent.children.push(Node::Element(done)),
                    None => root = Some(done),
                }
            }
            Event::Text(t) => {
                let s = t
                    .xml10_content()
                    .map_err(|e| format!("{} ({e})", at(before)))?;
                push_text(&mut stack, &s);
            }
            Event::CData(t) => {
                let s = t
                    .xml10_content()
                    .map_err(|e| format!("{} ({e})", at(before)))?;
                push_text(&mut stack, &s);
            }
            Event::GeneralRef(r) => {
                let name = r.decode().map_err(|e| format!("{} ({e})", at(before)))?;
                let resolved = match r.resolve_char_ref() {
                    Ok(Some(c)) => c.to_string(),
                    Ok(None) => match quick_xml::escape::resolve_predefined_entity(&name) {
                        Some(s) => s.to_string(),
                        None => {
                            return Err(format!(
                                "{}: unknown entity &{name}; (only the five XML entities are accepted)",
                                at(before)
                            ))
                        }
                    },
                    Err(e) => return Err(format!("{} ({e})", at(before))),
                };
                push_text(&mut stack, &resolved);
            }
            Event::Comment(_) | Event::Decl(_) | Event::PI(_) => {}
            Event::Eof => break,
        }
    }
    if !stack.is_empty() {
        return Err(format!(
            "{}: the document ends inside an element",
            at(text.len() as u64)
        ));
    }
    root.ok_or_else(|| "the document has no root element".to_string())
}

fn push_text(stack: &mut [Element], s: &str) {
    if let Some(parent) = stack.last_mut() {
        if let Some(Node::Text(last)) = parent.children.last_mut() {
            last.push_str(s);
        } else {
            parent.children.push(Node::Text(s.to_string()));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn entities_and_doctypes_are_refused_with_their_place() {
        // Intent: a DTD (where entity bombs and external entities live) and an undeclared
        // entity are errors naming the line; the five XML entities and character
        // references are text.
        let bomb =
            "<?xml version=\"1.0\"?>\n<!DOCTYPE lolz [<!ENTITY lol \"lol\">]>\n<map>&lol;</map>";
        let e = parse(bomb).unwrap_err();
        assert!(e.contains("line 2") && e.contains("DOCTYPE"), "{e}");
        let e = parse("<map>\n&lol;</map>").unwrap_err();
        assert!(e.contains("line 2") && e.contains("lol"), "{e}");
        let ok = parse("<a x=\"1&#10;2\">&lt;&amp;&#x41;</a>").unwrap();
        assert_eq!(ok.attr("x"), Some("1\n2"));
        assert_eq!(ok.text(), "<&A");
    }

    #[test]
    fn nesting_is_bounded() {
        // Intent: a document nested deeper than MAX_DEPTH is an error, not a stack overflow.
        let deep = "<a>".repeat(MAX_DEPTH + 1) + &"</a>".repeat(MAX_DEPTH + 1);
        assert!(parse(&deep).unwrap_err().contains("nested"));
    }
}
