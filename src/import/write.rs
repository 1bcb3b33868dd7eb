//! The manuscript as TOML files, in the layout and key order of the README's manuscript
//! format: `supplement.toml`, `references.toml`, `parts/NN-<id>.toml`.

use super::convert::part_file;
use super::manuscript::*;

/// A TOML string: a literal string when the text allows one, else a basic string with
/// escapes; multi-line text as a multi-line string.
pub fn string(s: &str) -> String {
    let control = s.chars().any(|c| c.is_control() && c != '\n' && c != '\t');
    if s.contains('\n') {
        if !control && !s.contains("'''") && !s.ends_with('\'') {
            return format!("'''\n{s}'''");
        }
        let mut out = String::from("\"\"\"\n");
        for c in s.chars() {
            match c {
                '\\' => out.push_str("\\\\"),
                '"' => out.push_str("\\\""),
                '\n' => out.push('\n'),
                c if c.is_control() => out.push_str(&format!("\\u{:04X}", c as u32)),
                c => out.push(c),
            }
        }
        out.push_str("\"\"\"");
        return out;
    }
    if !control && !s.contains('\'') && !s.contains('\t') {
        return format!("'{s}'");
    }
    let mut out = String::from("\"");
    for c in s.chars() {
        match c {
            '\\' => out.push_str("\\\\"),
            '"' => out.push_str("\\\""),
            '\t' => out.push_str("\\t"),
            c if c.is_control() => out.push_str(&format!("\\u{:04X}", c as u32)),
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

fn list(items: &[String]) -> String {
    let inner: Vec<String> = items.iter().map(|s| string(s)).collect();
    format!("[{}]", inner.join(", "))
}

struct Toml(String);

impl Toml {
    fn key(&mut self, key: &str, value: &str) {
        self.0.push_str(&format!("{key} = {}\n", string(value)));
    }
    fn opt(&mut self, key: &str, value: &Option<String>) {
        if let Some(v) = value {
            self.key(key, v);
        }
    }
    fn list(&mut self, key: &str, items: &[String]) {
        if !items.is_empty() {
            self.0.push_str(&format!("{key} = {}\n", list(items)));
        }
    }
    fn raw(&mut self, line: &str) {
        self.0.push_str(line);
        self.0.push('\n');
    }
}

/// Every file of the manuscript: (path relative to the folder, contents).
pub fn files(m: &Manuscript, source: &str) -> Vec<(String, String)> {
    let mut out = vec![("supplement.toml".to_string(), supplement(m, source))];
    if !m.references.is_empty() {
        out.push(("references.toml".to_string(), references(m, source)));
    }
    for (i, p) in m.parts.iter().enumerate() {
        out.push((part_file(i, &p.id), part(p, source)));
    }
    out
}

fn header(source: &str) -> String {
    format!("# Imported from the mind map {source} by `supplement import`.\n\n")
}

fn supplement(m: &Manuscript, source: &str) -> String {
    let mut t = Toml(header(source));
    t.list("general_notes", &m.general_notes);
    if !m.general_notes.is_empty() {
        t.raw("");
    }
    t.raw("[supplement]");
    t.key("id", &m.id);
    t.key("title", &m.title);
    t.opt("subtitle", &m.subtitle);
    t.key("language", &m.language);
    t.list("audience", &m.audience);
    t.opt("edition", &m.edition);
    t.opt("date", &m.date);
    t.opt("author", &m.author);
    for l in &m.links {
        t.raw("\n[[supplement.link]]");
        link(&mut t, l);
    }
    for r in &m.related {
        t.raw("\n[[supplement.related]]");
        t.key("id", &r.id);
        t.key("title", &r.title);
        t.opt("url", &r.url);
        for l in &r.links {
            t.raw("\n[[supplement.related.link]]");
            link(&mut t, l);
        }
    }
    t.raw("\n[base_book]");
    t.key("title", &m.book.title);
    t.key("publisher", &m.book.publisher);
    t.opt("edition", &m.book.edition);
    t.opt("published", &m.book.published);
    if let Some(n) = m.book.pages {
        t.raw(&format!("pages = {n}"));
        if m.book.approximate {
            t.raw("pages_approximate = true");
        }
    }
    for s in &m.sections {
        t.raw("\n[[base_book.section]]");
        t.key("id", &s.id);
        if s.label != s.id {
            t.key("label", &s.label);
        }
        t.key("part", &s.part);
        t.key("pages", &s.pages().to_string());
    }
    for member in &m.team {
        t.raw("\n[[team]]");
        t.key("id", &member.id);
        t.key("name", &member.name);
        if member.group {
            t.raw("group = true");
        }
    }
    for h in &m.history {
        t.raw("\n[[history]]");
        t.key("date", &h.date);
        t.key("summary", &h.summary);
    }
    for r in &m.reasons {
        t.raw("\n[[reason]]");
        t.key("id", &r.id);
        t.key("title", &r.title);
        t.list("references", &r.references);
        t.opt("body", &r.body);
        for item in &r.items {
            t.raw("\n[[reason.item]]");
            t.key("title", &item.title);
            t.opt("note", &item.note);
            t.list("references", &item.references);
        }
    }
    for f in &m.floating {
        t.raw("\n[[floating_topic]]");
        t.opt("title", &f.title);
        if let Some(p) = f.priority {
            t.raw(&format!("priority = {p}"));
        }
        t.list("markers", &f.markers);
        t.opt("note", &f.note);
    }
    t.0
}

fn link(t: &mut Toml, l: &Link) {
    t.key("label", &l.label);
    t.opt("file", &l.file);
    t.opt("url", &l.url);
}

fn references(m: &Manuscript, source: &str) -> String {
    let mut t = Toml(header(source));
    for (i, r) in m.references.iter().enumerate() {
        if i > 0 {
            t.raw("");
        }
        t.raw("[[reference]]");
        t.key("id", &r.id);
        t.key("title", &r.title);
        t.opt("issuer", &r.issuer);
        t.opt("date", &r.date);
        t.opt("version", &r.version);
        t.opt("url", &r.url);
        t.opt("file", &r.file);
        t.opt("note", &r.note);
    }
    t.0
}

fn part(p: &Part, source: &str) -> String {
    let mut t = Toml(header(source));
    t.raw("[part]");
    t.key("id", &p.id);
    t.key("label", &p.label);
    t.key("title", &p.title);
    t.opt("plan_heading", &p.plan_heading);
    t.list("owners", &p.owners);
    t.list("notes", &p.notes);
    t.opt("body", &p.body);
    for point in &p.points {
        t.raw("\n[[point]]");
        t.key("id", &point.id);
        t.opt("title", &point.title);
        t.opt("parent", &point.parent);
        if point.parent_inferred {
            t.raw("parent_inferred = true");
        }
        t.list("targets", &point.targets);
        t.list("pages", &point.pages);
        t.key("action", &point.action);
        t.opt("action_note", &point.action_note);
        t.opt("status", &point.status);
        t.list("reasons", &point.reasons);
        topic_keys(&mut t, &point.topic);
        for child in &point.topic.topics {
            topic(&mut t, child, "point.topic");
        }
    }
    for child in &p.topics {
        topic(&mut t, child, "topic");
    }
    t.0
}

fn topic_keys(t: &mut Toml, x: &Topic) {
    if let Some(p) = x.priority {
        t.raw(&format!("priority = {p}"));
    }
    t.list("markers", &x.markers);
    t.list("owners", &x.owners);
    t.list("references", &x.references);
    t.list("notes", &x.notes);
    t.opt("before", &x.before);
    t.opt("after", &x.after);
    t.opt("body", &x.body);
}

fn topic(t: &mut Toml, x: &Topic, table: &str) {
    // Depth first, with an explicit stack: the headers carry the nesting.
    let mut stack: Vec<(&Topic, String)> = vec![(x, table.to_string())];
    while let Some((x, table)) = stack.pop() {
        t.raw(&format!("\n[[{table}]]"));
        t.opt("id", &x.id);
        t.key("title", &x.title);
        topic_keys(t, x);
        for child in x.topics.iter().rev() {
            stack.push((child, format!("{table}.topic")));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn strings_read_back_as_written() {
        // Intent: any text written by `string` parses as TOML to the same text.
        for s in [
            "plain",
            "it's",
            "a\\b\"c",
            "line\nline",
            "tab\tx",
            "end'",
            "'''x\ny",
            "\u{1}z",
        ] {
            let doc = format!("v = {}\n", string(s));
            let parsed: toml::Table = toml::from_str(&doc).unwrap_or_else(|e| panic!("{doc}: {e}"));
            let back = parsed["v"].as_str().unwrap();
            // A multi-line literal ends with the newline before its closing quotes.
            assert_eq!(
                back.trim_end_matches('\n'),
                s.trim_end_matches('\n'),
                "{doc}"
            );
        }
    }
}
