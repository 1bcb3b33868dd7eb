//! XMind `.xmind`: a zip holding what XMind (Zen and later) writes — `content.json` (the
//! sheets), `metadata.json` and `manifest.json` — and, for XMind 8, a real `content.xml`
//! with `META-INF/manifest.xml` and `meta.xml`. Priorities and markers are XMind marker
//! ids (`priority-N`, `smiley-smile`), owners are labels, notes are plain text, links are
//! the topics' `href`, relations are relationships.

use std::collections::HashSet;

use serde_json::{json, Map as JsonMap, Value};

use super::{attr, Map, Native, Node};
use crate::conventions::IconSet;
use crate::emit::markup::escape;
use crate::emit::EmitError;

/// What XMind holds natively: labels (owners) and markers.
pub const NATIVE: Native = Native {
    attributes: false,
    owners: true,
    icons: Some(IconSet::XMind),
};

/// The `.xmind` package.
pub fn render(map: &Map<'_>) -> Result<Vec<u8>, EmitError> {
    let content = content_json(map);
    let metadata = json!({
        "creator": {"name": env!("CARGO_PKG_NAME"), "version": env!("CARGO_PKG_VERSION")},
    });
    let manifest = json!({
        "file-entries": {"content.json": {}, "metadata.json": {}},
    });
    let json_bytes = |v: &Value| serde_json::to_vec(v).unwrap_or_default();
    let content_xml = content_xml(map);
    super::zip(&[
        ("content.json", &json_bytes(&content)),
        ("metadata.json", &json_bytes(&metadata)),
        ("manifest.json", &json_bytes(&manifest)),
        ("content.xml", content_xml.as_bytes()),
        ("meta.xml", META_XML.as_bytes()),
        ("META-INF/manifest.xml", MANIFEST_XML.as_bytes()),
    ])
}

const META_XML: &str = "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"no\"?>\n<meta xmlns=\"urn:xmind:xmap:xmlns:meta:2.0\" version=\"2.0\"/>\n";

const MANIFEST_XML: &str = "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"no\"?>\n<manifest xmlns=\"urn:xmind:xmap:xmlns:manifest:1.0\"><file-entry full-path=\"content.xml\" media-type=\"text/xml\"/><file-entry full-path=\"META-INF/\" media-type=\"\"/><file-entry full-path=\"META-INF/manifest.xml\" media-type=\"text/xml\"/><file-entry full-path=\"meta.xml\" media-type=\"text/xml\"/></manifest>\n";

fn markers(map: &Map<'_>, n: &Node) -> Vec<String> {
    let mut out = Vec::new();
    if let Some(p) = n.priority {
        out.push(map.conventions.priority_icon(p, IconSet::XMind));
    }
    for m in &n.markers {
        if let Some(icon) = map.conventions.marker_icon(m, IconSet::XMind) {
            out.push(icon.to_string());
        }
    }
    out
}

/// Relations (arrows) whose ends are both in the map, in map order.
fn relationships(root: &Node) -> Vec<(&str, &str)> {
    fn ids<'a>(n: &'a Node, out: &mut HashSet<&'a str>) {
        out.insert(&n.id);
        n.children.iter().for_each(|c| ids(c, out));
    }
    fn walk<'a>(n: &'a Node, known: &HashSet<&'a str>, out: &mut Vec<(&'a str, &'a str)>) {
        for a in &n.arrows {
            if let Some(&to) = known.get(a.as_str()) {
                out.push((&n.id, to));
            }
        }
        n.children.iter().for_each(|c| walk(c, known, out));
    }
    let mut known = HashSet::new();
    ids(root, &mut known);
    let mut out = Vec::new();
    walk(root, &known, &mut out);
    out
}

fn content_json(map: &Map<'_>) -> Value {
    let rels: Vec<Value> = relationships(&map.root)
        .iter()
        .map(|(from, to)| {
            json!({"id": format!("{from}-{to}"), "class": "relationship", "end1Id": from, "end2Id": to, "title": ""})
        })
        .collect();
    let mut sheet = JsonMap::new();
    sheet.insert("id".into(), json!(format!("sheet-{}", map.root.id)));
    sheet.insert("class".into(), json!("sheet"));
    sheet.insert("title".into(), json!(map.root.text));
    sheet.insert("rootTopic".into(), topic_json(map, &map.root));
    if !rels.is_empty() {
        sheet.insert("relationships".into(), Value::Array(rels));
    }
    Value::Array(vec![Value::Object(sheet)])
}

fn topic_json(map: &Map<'_>, n: &Node) -> Value {
    let mut t = JsonMap::new();
    t.insert("id".into(), json!(n.id));
    t.insert("class".into(), json!("topic"));
    t.insert("title".into(), json!(n.text));
    let note = map.plain_note(n, NATIVE);
    if !note.is_empty() {
        t.insert("notes".into(), json!({"plain": {"content": note}}));
    }
    if !n.owners.is_empty() {
        t.insert("labels".into(), json!(n.owners));
    }
    let m = markers(map, n);
    if !m.is_empty() {
        let list: Vec<Value> = m.iter().map(|id| json!({"markerId": id})).collect();
        t.insert("markers".into(), Value::Array(list));
    }
    if let Some(link) = &n.link {
        t.insert("href".into(), json!(link));
    }
    if !n.children.is_empty() {
        let children: Vec<Value> = n.children.iter().map(|c| topic_json(map, c)).collect();
        t.insert("children".into(), json!({"attached": children}));
    }
    Value::Object(t)
}

fn content_xml(map: &Map<'_>) -> String {
    let mut out = String::from(
        "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"no\"?>\n<xmap-content xmlns=\"urn:xmind:xmap:xmlns:content:2.0\" xmlns:fo=\"http://www.w3.org/1999/XSL/Format\" xmlns:svg=\"http://www.w3.org/2000/svg\" xmlns:xhtml=\"http://www.w3.org/1999/xhtml\" xmlns:xlink=\"http://www.w3.org/1999/xlink\" version=\"2.0\">\n",
    );
    out.push_str(&format!(
        "<sheet id=\"{}\">\n",
        attr(&format!("sheet-{}", map.root.id))
    ));
    topic_xml(map, &map.root, &mut out);
    let rels = relationships(&map.root);
    if !rels.is_empty() {
        out.push_str("<relationships>\n");
        for (from, to) in rels {
            out.push_str(&format!(
                "<relationship id=\"{}\" end1=\"{}\" end2=\"{}\"/>\n",
                attr(&format!("{from}-{to}")),
                attr(from),
                attr(to)
            ));
        }
        out.push_str("</relationships>\n");
    }
    out.push_str(&format!(
        "<title>{}</title>\n</sheet>\n</xmap-content>\n",
        escape(&map.root.text)
    ));
    out
}

fn topic_xml(map: &Map<'_>, n: &Node, out: &mut String) {
    out.push_str(&format!("<topic id=\"{}\"", attr(&n.id)));
    if let Some(link) = &n.link {
        out.push_str(&format!(" xlink:href=\"{}\"", attr(link)));
    }
    out.push_str(&format!("><title>{}</title>", escape(&n.text)));
    let m = markers(map, n);
    if !m.is_empty() {
        out.push_str("<marker-refs>");
        for id in m {
            out.push_str(&format!("<marker-ref marker-id=\"{}\"/>", attr(&id)));
        }
        out.push_str("</marker-refs>");
    }
    if !n.owners.is_empty() {
        out.push_str("<labels>");
        for o in &n.owners {
            out.push_str(&format!("<label>{}</label>", escape(o)));
        }
        out.push_str("</labels>");
    }
    let note = map.plain_note(n, NATIVE);
    if !note.is_empty() {
        out.push_str(&format!("<notes><plain>{}</plain></notes>", escape(&note)));
    }
    if !n.children.is_empty() {
        out.push_str("\n<children><topics type=\"attached\">\n");
        for c in &n.children {
            topic_xml(map, c, out);
        }
        out.push_str("</topics></children>");
    }
    out.push_str("</topic>\n");
}
