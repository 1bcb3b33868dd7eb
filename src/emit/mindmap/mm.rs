//! FreeMind / Freeplane `.mm` (map version 1.0.1, valid against FreeMind's `freemind.xsd`):
//! priorities as the built-in icons `full-1`…`full-9`, markers as their icons, owners,
//! targets, pages, action and status as node attributes, the rest of a node's content as
//! its note (rich content), links as node links, relations as arrow links.

use std::collections::HashSet;

use super::{attr, Map, Native, Node};
use crate::conventions::IconSet;

/// What `.mm` holds natively.
pub const NATIVE: Native = Native {
    attributes: true,
    owners: true,
    icons: Some(IconSet::FreeMind),
};

/// The `.mm` document.
pub fn render(map: &Map<'_>) -> String {
    let mut ids = HashSet::new();
    collect_ids(&map.root, &mut ids);
    let mut out = String::from("<map version=\"1.0.1\">\n");
    out.push_str(
        "<!-- To view this file, download free mind mapping software FreeMind from http://freemind.sourceforge.net -->\n",
    );
    node(map, &map.root, 0, &ids, &mut out);
    out.push_str("</map>\n");
    out
}

fn collect_ids<'a>(n: &'a Node, ids: &mut HashSet<&'a str>) {
    ids.insert(&n.id);
    for c in &n.children {
        collect_ids(c, ids);
    }
}

fn node(map: &Map<'_>, n: &Node, depth: usize, ids: &HashSet<&str>, out: &mut String) {
    let pad = " ".repeat(depth.min(40));
    out.push_str(&format!("{pad}<node ID=\"{}\"", attr(&n.id)));
    if depth == 1 {
        out.push_str(" POSITION=\"right\"");
    }
    if depth >= 2 && !n.children.is_empty() {
        out.push_str(" FOLDED=\"true\"");
    }
    if let Some(link) = &n.link {
        out.push_str(&format!(" LINK=\"{}\"", attr(link)));
    }
    out.push_str(&format!(" TEXT=\"{}\"", attr(&n.text)));
    let mut inner = String::new();
    content(map, n, depth, ids, &mut inner);
    if inner.is_empty() {
        out.push_str("/>\n");
    } else {
        out.push_str(">\n");
        out.push_str(&inner);
        out.push_str(&format!("{pad}</node>\n"));
    }
}

fn content(map: &Map<'_>, n: &Node, depth: usize, ids: &HashSet<&str>, out: &mut String) {
    let pad = " ".repeat(depth.min(40));
    if let Some(p) = n.priority {
        let icon = map.conventions.priority_icon(p, IconSet::FreeMind);
        out.push_str(&format!("{pad} <icon BUILTIN=\"{}\"/>\n", attr(&icon)));
    }
    for m in &n.markers {
        if let Some(icon) = map.conventions.marker_icon(m, IconSet::FreeMind) {
            out.push_str(&format!("{pad} <icon BUILTIN=\"{}\"/>\n", attr(icon)));
        }
    }
    for (name, value) in &n.attributes {
        out.push_str(&format!(
            "{pad} <attribute NAME=\"{}\" VALUE=\"{}\"/>\n",
            attr(name),
            attr(value)
        ));
    }
    for a in &n.arrows {
        if ids.contains(a.as_str()) {
            out.push_str(&format!(
                "{pad} <arrowlink DESTINATION=\"{}\" ENDARROW=\"Default\"/>\n",
                attr(a)
            ));
        }
    }
    let note = map.html_note(n, NATIVE, "");
    if !note.is_empty() {
        out.push_str(&format!(
            "{pad} <richcontent TYPE=\"NOTE\"><html><head></head><body>{note}</body></html></richcontent>\n"
        ));
    }
    for c in &n.children {
        node(map, c, depth + 1, ids, out);
    }
}
