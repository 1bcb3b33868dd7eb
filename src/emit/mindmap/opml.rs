//! OPML 2.0: the map as an outline, one `outline` per node under one top outline (the
//! central topic), every note as `_note` (plain text, as XMind, OmniOutliner and others
//! read it), links as `type="link"` outlines. OPML has no attributes of its own, no icons
//! and no labels: owners, status, priorities and markers are lines of the note.

use super::{attr, Map, Native, Node};
use crate::emit::markup::escape;

/// What OPML holds natively: nothing beyond text, note and link.
pub const NATIVE: Native = Native {
    attributes: false,
    owners: false,
    icons: None,
};

/// The OPML document.
pub fn render(map: &Map<'_>) -> String {
    let mut out =
        String::from("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<opml version=\"2.0\">\n");
    out.push_str(&format!(
        "<head>\n<title>{}</title>\n</head>\n<body>\n",
        escape(&map.root.text)
    ));
    outline(map, &map.root, 0, &mut out);
    out.push_str("</body>\n</opml>\n");
    out
}

fn outline(map: &Map<'_>, n: &Node, depth: usize, out: &mut String) {
    let pad = " ".repeat(depth.min(40));
    out.push_str(&format!("{pad}<outline text=\"{}\"", attr(&n.text)));
    if let Some(link) = &n.link {
        out.push_str(&format!(" type=\"link\" url=\"{}\"", attr(link)));
    }
    let note = map.plain_note(n, NATIVE);
    if !note.is_empty() {
        out.push_str(&format!(" _note=\"{}\"", attr(&note)));
    }
    if n.children.is_empty() {
        out.push_str("/>\n");
        return;
    }
    out.push_str(">\n");
    for c in &n.children {
        outline(map, c, depth + 1, out);
    }
    out.push_str(&format!("{pad}</outline>\n"));
}
