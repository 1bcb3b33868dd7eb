//! MindManager `.mmap` (experimental: written from the public descriptions of the format,
//! not yet opened in MindManager): a zip with `Document.xml` — `ap:Map` / `ap:OneTopic` /
//! `ap:Topic` with `ap:SubTopics`, `ap:Text PlainText`, `ap:Task` (TaskPriority, and owners
//! as Resources), stock icons for markers, `ap:NotesGroup` (XHTML with a plain preview),
//! `ap:Hyperlink`, and `ap:Relationships` for relations. Object ids (OId) are derived from
//! the node ids, so they are stable.

use std::collections::HashMap;

use super::{attr, Map, Native, Node};
use crate::conventions::IconSet;

/// What MindManager holds natively: task resources (owners) and icons.
pub const NATIVE: Native = Native {
    attributes: false,
    owners: true,
    icons: Some(IconSet::MindManager),
};

/// The separator of task resources, as MindManager writes it.
pub const RESOURCE_SEPARATOR: &str = "; ";

/// A stable MindManager object id: 16 bytes from the name, base64 (as MindManager writes
/// its GUIDs).
pub fn oid(name: &str) -> String {
    // Two FNV-1a runs with different offsets: deterministic, spread, no dependency.
    let fnv = |seed: u64| {
        name.bytes().fold(seed, |h, b| {
            (h ^ u64::from(b)).wrapping_mul(0x0000_0100_0000_01B3)
        })
    };
    let mut bytes = [0u8; 16];
    bytes[..8].copy_from_slice(&fnv(0xcbf2_9ce4_8422_2325).to_be_bytes());
    bytes[8..].copy_from_slice(&fnv(0x8422_2325_cbf2_9ce4).to_be_bytes());
    base64(&bytes)
}

fn base64(bytes: &[u8]) -> String {
    const ALPHABET: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let mut out = String::new();
    for chunk in bytes.chunks(3) {
        let b = [
            chunk[0],
            chunk.get(1).copied().unwrap_or(0),
            chunk.get(2).copied().unwrap_or(0),
        ];
        let n = (u32::from(b[0]) << 16) | (u32::from(b[1]) << 8) | u32::from(b[2]);
        for i in 0..4 {
            if i <= chunk.len() {
                out.push(char::from(ALPHABET[((n >> (18 - 6 * i)) & 63) as usize]));
            } else {
                out.push('=');
            }
        }
    }
    out
}

const NAMESPACES: &str = "xmlns:ap=\"http://schemas.mindjet.com/MindManager/Application/2003\" xmlns:cor=\"http://schemas.mindjet.com/MindManager/Core/2003\" xmlns:pri=\"http://schemas.mindjet.com/MindManager/Primitive/2003\" xmlns:xsi=\"http://www.w3.org/2001/XMLSchema-instance\"";

/// `Document.xml`.
pub fn render(map: &Map<'_>) -> String {
    let mut oids = HashMap::new();
    collect(&map.root, &mut oids);
    let mut out = format!(
        "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"no\"?>\n<ap:Map {NAMESPACES} OId=\"{}\" Gen=\"0000000000000000\" Dirty=\"0000000000000000\">\n<ap:OneTopic>\n",
        oid(&format!("map-{}", map.root.id))
    );
    topic(map, &map.root, &mut out);
    out.push_str("</ap:OneTopic>\n<ap:Relationships>\n");
    relationships(&map.root, &oids, &mut out);
    out.push_str("</ap:Relationships>\n</ap:Map>\n");
    out
}

fn collect(n: &Node, oids: &mut HashMap<String, String>) {
    oids.insert(n.id.clone(), oid(&n.id));
    n.children.iter().for_each(|c| collect(c, oids));
}

fn relationships(n: &Node, oids: &HashMap<String, String>, out: &mut String) {
    for a in &n.arrows {
        let (Some(from), Some(to)) = (oids.get(&n.id), oids.get(a)) else {
            continue;
        };
        out.push_str(&format!(
            "<ap:Relationship OId=\"{}\"><ap:ConnectionGroup Index=\"0\"><ap:Connection><ap:ObjectReference OIdRef=\"{from}\"/></ap:Connection></ap:ConnectionGroup><ap:ConnectionGroup Index=\"1\"><ap:Connection><ap:ObjectReference OIdRef=\"{to}\"/></ap:Connection></ap:ConnectionGroup></ap:Relationship>\n",
            oid(&format!("rel-{}-{a}", n.id))
        ));
    }
    n.children.iter().for_each(|c| relationships(c, oids, out));
}

fn topic(map: &Map<'_>, n: &Node, out: &mut String) {
    out.push_str(&format!(
        "<ap:Topic OId=\"{}\" Gen=\"0000000000000000\" Dirty=\"0000000000000000\">\n",
        oid(&n.id)
    ));
    if !n.children.is_empty() {
        out.push_str("<ap:SubTopics>\n");
        for c in &n.children {
            topic(map, c, out);
        }
        out.push_str("</ap:SubTopics>\n");
    }
    out.push_str(&format!(
        "<ap:Text PlainText=\"{}\" ReadOnly=\"false\"><ap:Font/></ap:Text>\n",
        attr(&n.text)
    ));
    if n.priority.is_some() || !n.owners.is_empty() {
        out.push_str("<ap:Task");
        if let Some(p) = n.priority {
            out.push_str(&format!(
                " TaskPriority=\"{}\"",
                attr(&map.conventions.priority_icon(p, IconSet::MindManager))
            ));
        }
        if !n.owners.is_empty() {
            out.push_str(&format!(
                " Resources=\"{}\"",
                attr(&n.owners.join(RESOURCE_SEPARATOR))
            ));
        }
        out.push_str("/>\n");
    }
    let icons: Vec<&str> = n
        .markers
        .iter()
        .filter_map(|m| map.conventions.marker_icon(m, IconSet::MindManager))
        .collect();
    if !icons.is_empty() {
        out.push_str("<ap:IconsGroup><ap:Icons>");
        for icon in icons {
            out.push_str(&format!(
                "<ap:Icon xsi:type=\"ap:StockIcon\" IconType=\"{}\"/>",
                attr(icon)
            ));
        }
        out.push_str("</ap:Icons></ap:IconsGroup>\n");
    }
    let plain = map.plain_note(n, NATIVE);
    if !plain.is_empty() {
        let html = map.html_note(n, NATIVE, "xhtml:");
        out.push_str(&format!(
            "<ap:NotesGroup><ap:NotesXhtmlData PreviewPlainText=\"{}\"><xhtml:html xmlns:xhtml=\"http://www.w3.org/1999/xhtml\">{html}</xhtml:html></ap:NotesXhtmlData></ap:NotesGroup>\n",
            attr(&plain)
        ));
    }
    if let Some(link) = &n.link {
        out.push_str(&format!("<ap:Hyperlink Url=\"{}\"/>\n", attr(link)));
    }
    out.push_str("</ap:Topic>\n");
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn object_ids_are_stable_guid_sized_base64() {
        // Intent: an OId is 16 bytes of base64 (24 characters with padding), the same for
        // the same name and different for different names.
        let a = oid("ID_intro-opening");
        assert_eq!(a.len(), 24);
        assert!(a.ends_with("=="));
        assert_eq!(a, oid("ID_intro-opening"));
        assert_ne!(a, oid("ID_intro-statistics"));
        assert_eq!(base64(b"Man"), "TWFu");
        assert_eq!(base64(b"Ma"), "TWE=");
    }
}
