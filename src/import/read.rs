//! Reading the four map formats into one tree of [`MapNode`]s: FreeMind/Freeplane `.mm`,
//! OPML, XMind (`content.json`, or `content.xml` of XMind 8) and MindManager `.mmap`
//! (`Document.xml`). Every reader is bounded: file size, zip entries and their unpacked
//! size, XML nesting and elements, JSON nesting, and map nodes.

use std::io::Read;
use std::path::Path;

use super::text::html_text;
use super::xml::{self, Element};
use crate::conventions::{Conventions, IconSet};

/// Largest map file read (the loader's per-file limit).
pub const MAX_FILE_BYTES: u64 = 32 * 1024 * 1024;
/// Most entries in a zip package.
pub const MAX_ZIP_ENTRIES: usize = 1_000;
/// Largest part unpacked from a zip package.
pub const MAX_UNPACKED_BYTES: u64 = 64 * 1024 * 1024;
/// Most nodes in a map (the manuscript's limit on points and topics together).
pub const MAX_NODES: usize = 20_000;

/// One node of a map, whatever the format.
#[derive(Debug, Clone, Default)]
pub struct MapNode {
    /// Its text (title).
    pub text: String,
    /// Its id in the map, when the format gives one.
    pub id: Option<String>,
    /// Its note as plain text.
    pub note: String,
    /// The address or file it links to.
    pub link: Option<String>,
    /// A priority icon or marker (1–9).
    pub priority: Option<u8>,
    /// Markers from icons the conventions know.
    pub markers: Vec<String>,
    /// Icons the conventions do not know (kept as markers, with a warning).
    pub unknown_icons: Vec<String>,
    /// Typed attributes (FreeMind): name, value.
    pub attributes: Vec<(String, String)>,
    /// Owners given natively (XMind labels, MindManager task resources).
    pub owners: Vec<String>,
    /// Children, in order.
    pub children: Vec<MapNode>,
}

/// The map formats.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    /// FreeMind / Freeplane.
    Mm,
    /// OPML.
    Opml,
    /// XMind (JSON or XML).
    Xmind,
    /// MindManager.
    Mmap,
}

impl Format {
    /// The format of a file, by its extension.
    pub fn of(path: &Path) -> Option<Format> {
        let ext = path.extension()?.to_str()?.to_ascii_lowercase();
        match ext.as_str() {
            "mm" => Some(Format::Mm),
            "opml" => Some(Format::Opml),
            "xmind" => Some(Format::Xmind),
            "mmap" => Some(Format::Mmap),
            _ => None,
        }
    }
}

/// A map read, with what the reader had to say about it.
pub struct ReadMap {
    /// The central topic.
    pub root: MapNode,
    /// Warnings (things kept but not as the map had them).
    pub warnings: Vec<String>,
}

/// Reads a map file.
pub fn read(path: &Path, format: Format, c: &Conventions) -> Result<ReadMap, String> {
    let meta = std::fs::metadata(path).map_err(|e| format!("cannot read it: {e}"))?;
    if !meta.is_file() {
        return Err("it is not a file".into());
    }
    if meta.len() > MAX_FILE_BYTES {
        return Err(format!(
            "it is {} bytes; a map may have at most {MAX_FILE_BYTES}",
            meta.len()
        ));
    }
    let mut bytes = Vec::new();
    std::fs::File::open(path)
        .and_then(|f| f.take(MAX_FILE_BYTES + 1).read_to_end(&mut bytes))
        .map_err(|e| format!("cannot read it: {e}"))?;
    if bytes.len() as u64 > MAX_FILE_BYTES {
        return Err(format!("it is larger than {MAX_FILE_BYTES} bytes"));
    }
    let mut r = Reader {
        c,
        count: 0,
        warnings: Vec::new(),
    };
    let root = match format {
        Format::Mm => r.mm(&text(&bytes, "the file")?)?,
        Format::Opml => r.opml(&text(&bytes, "the file")?)?,
        Format::Xmind => {
            let mut zip = open_zip(&bytes)?;
            if has_entry(&zip, "content.json") {
                let json = unpack(&mut zip, "content.json")?;
                r.xmind_json(&text(&json, "content.json")?)?
            } else if has_entry(&zip, "content.xml") {
                let xml = unpack(&mut zip, "content.xml")?;
                r.xmind_xml(&text(&xml, "content.xml")?)
                    .map_err(|e| format!("content.xml: {e}"))?
            } else {
                return Err("the package has neither content.json nor content.xml".into());
            }
        }
        Format::Mmap => {
            let mut zip = open_zip(&bytes)?;
            if !has_entry(&zip, "Document.xml") {
                return Err("the package has no Document.xml".into());
            }
            let xml = unpack(&mut zip, "Document.xml")?;
            r.mmap(&text(&xml, "Document.xml")?)
                .map_err(|e| format!("Document.xml: {e}"))?
        }
    };
    Ok(ReadMap {
        root,
        warnings: r.warnings,
    })
}

fn text(bytes: &[u8], what: &str) -> Result<String, String> {
    let bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
    String::from_utf8(bytes.to_vec()).map_err(|e| {
        format!(
            "{what} is not UTF-8 (byte {} is invalid)",
            e.utf8_error().valid_up_to()
        )
    })
}

type Zip<'a> = zip::ZipArchive<std::io::Cursor<&'a [u8]>>;

fn open_zip(bytes: &[u8]) -> Result<Zip<'_>, String> {
    let zip = zip::ZipArchive::new(std::io::Cursor::new(bytes))
        .map_err(|e| format!("it is not a readable zip package ({e})"))?;
    if zip.len() > MAX_ZIP_ENTRIES {
        return Err(format!(
            "the package has {} entries; at most {MAX_ZIP_ENTRIES} are accepted",
            zip.len()
        ));
    }
    Ok(zip)
}

fn has_entry(zip: &Zip<'_>, name: &str) -> bool {
    zip.file_names().any(|n| n == name)
}

/// One entry, unpacked to at most [`MAX_UNPACKED_BYTES`] whatever its header claims (a zip
/// bomb stops there).
fn unpack(zip: &mut Zip<'_>, name: &str) -> Result<Vec<u8>, String> {
    let entry = zip
        .by_name(name)
        .map_err(|e| format!("{name}: cannot open it in the package ({e})"))?;
    let mut out = Vec::new();
    entry
        .take(MAX_UNPACKED_BYTES + 1)
        .read_to_end(&mut out)
        .map_err(|e| format!("{name}: cannot unpack it ({e})"))?;
    if out.len() as u64 > MAX_UNPACKED_BYTES {
        return Err(format!(
            "{name} unpacks to more than {MAX_UNPACKED_BYTES} bytes (a zip bomb?)"
        ));
    }
    Ok(out)
}

struct Reader<'c> {
    c: &'c Conventions,
    count: usize,
    warnings: Vec<String>,
}

impl Reader<'_> {
    fn counted(&mut self) -> Result<(), String> {
        self.count += 1;
        if self.count > MAX_NODES {
            return Err(format!("the map has more than {MAX_NODES} nodes"));
        }
        Ok(())
    }

    fn icon(&mut self, node: &mut MapNode, icon: &str, set: IconSet) {
        if let Some(p) = self.c.icon_priority(icon, set) {
            node.priority = Some(p);
        } else if let Some(m) = self.c.icon_marker(icon, set) {
            node.markers.push(m.to_string());
        } else if !icon.is_empty() {
            node.unknown_icons.push(icon.to_string());
        }
    }

    // ---- FreeMind / Freeplane -------------------------------------------------------

    fn mm(&mut self, text: &str) -> Result<MapNode, String> {
        let map = xml::parse(text)?;
        if map.local() != "map" {
            return Err(format!(
                "line {}: the root element is <{}>, not <map>",
                map.line, map.name
            ));
        }
        let root = map
            .child("node")
            .ok_or_else(|| "the map has no node".to_string())?;
        self.mm_node(root)
    }

    fn mm_node(&mut self, e: &Element) -> Result<MapNode, String> {
        self.counted()?;
        let mut n = MapNode {
            text: e.attr("TEXT").unwrap_or_default().to_string(),
            id: e.attr("ID").map(str::to_string),
            link: e.attr("LINK").map(str::to_string),
            ..MapNode::default()
        };
        let mut notes = Vec::new();
        for c in e.elements() {
            match c.local() {
                "icon" => {
                    if let Some(icon) = c.attr("BUILTIN") {
                        self.icon(&mut n, icon, IconSet::FreeMind);
                    }
                }
                "attribute" => n.attributes.push((
                    c.attr("NAME").unwrap_or_default().to_string(),
                    c.attr("VALUE").unwrap_or_default().to_string(),
                )),
                "richcontent" => {
                    let content = match c.child("html") {
                        Some(html) => html_text(html),
                        None => c.text().trim().to_string(),
                    };
                    match c.attr("TYPE") {
                        Some(t) if t.eq_ignore_ascii_case("NODE") && n.text.is_empty() => {
                            n.text = content
                        }
                        _ if !content.is_empty() => notes.push(content),
                        _ => {}
                    }
                }
                "node" => {
                    let child = self.mm_node(c)?;
                    n.children.push(child);
                }
                _ => {}
            }
        }
        n.note = notes.join("\n\n");
        Ok(n)
    }

    // ---- OPML -------------------------------------------------------------------------

    fn opml(&mut self, text: &str) -> Result<MapNode, String> {
        let opml = xml::parse(text)?;
        if opml.local() != "opml" {
            return Err(format!(
                "line {}: the root element is <{}>, not <opml>",
                opml.line, opml.name
            ));
        }
        let body = opml
            .child("body")
            .ok_or_else(|| "the outline has no <body>".to_string())?;
        let tops: Vec<&Element> = body.children_named("outline").collect();
        if tops.len() == 1 {
            return self.outline(tops[0]);
        }
        // Several top outlines: the head's title is the central topic.
        self.counted()?;
        let title = opml
            .child("head")
            .and_then(|h| h.child("title"))
            .map(|t| t.text().trim().to_string())
            .unwrap_or_default();
        let mut root = MapNode {
            text: title,
            ..MapNode::default()
        };
        for o in tops {
            root.children.push(self.outline(o)?);
        }
        Ok(root)
    }

    fn outline(&mut self, e: &Element) -> Result<MapNode, String> {
        self.counted()?;
        let mut n = MapNode {
            text: e
                .attr("text")
                .or_else(|| e.attr("title"))
                .unwrap_or_default()
                .to_string(),
            note: e.attr("_note").unwrap_or_default().to_string(),
            link: e
                .attr("url")
                .or_else(|| e.attr("htmlUrl"))
                .map(str::to_string),
            ..MapNode::default()
        };
        for c in e.children_named("outline") {
            n.children.push(self.outline(c)?);
        }
        Ok(n)
    }

    // ---- XMind ------------------------------------------------------------------------

    fn xmind_json(&mut self, text: &str) -> Result<MapNode, String> {
        let value: serde_json::Value = serde_json::from_str(text).map_err(|e| {
            format!(
                "content.json: line {}, column {}: {e}",
                e.line(),
                e.column()
            )
        })?;
        let sheets = value
            .as_array()
            .ok_or_else(|| "content.json: not a list of sheets".to_string())?;
        let mut roots = Vec::new();
        for sheet in sheets {
            if let Some(topic) = sheet.get("rootTopic") {
                roots.push(self.xmind_topic(topic)?);
            }
        }
        self.first_sheet(roots)
    }

    fn first_sheet(&mut self, mut roots: Vec<MapNode>) -> Result<MapNode, String> {
        if roots.is_empty() {
            return Err("the workbook has no sheet with a central topic".into());
        }
        let mut first = roots.remove(0);
        if !roots.is_empty() {
            self.warnings.push(format!(
                "the workbook has {} more sheets: their central topics are imported as first-level topics of the first",
                roots.len()
            ));
            first.children.extend(roots);
        }
        Ok(first)
    }

    fn xmind_topic(&mut self, t: &serde_json::Value) -> Result<MapNode, String> {
        self.counted()?;
        let s = |v: &serde_json::Value| v.as_str().unwrap_or_default().to_string();
        let mut n = MapNode {
            text: s(&t["title"]),
            id: t["id"].as_str().map(str::to_string),
            link: t["href"].as_str().map(str::to_string),
            ..MapNode::default()
        };
        n.note = match t["notes"]["plain"]["content"].as_str() {
            Some(plain) => plain.trim_end().to_string(),
            None => t["notes"]["realHTML"]["content"]
                .as_str()
                .and_then(|h| xml::parse(&format!("<body>{h}</body>")).ok())
                .map(|b| html_text(&b))
                .unwrap_or_default(),
        };
        if let Some(labels) = t["labels"].as_array() {
            n.owners = labels.iter().map(s).filter(|l| !l.is_empty()).collect();
        }
        if let Some(markers) = t["markers"].as_array() {
            for m in markers {
                let id = s(&m["markerId"]);
                self.icon(&mut n, &id, IconSet::XMind);
            }
        }
        for kind in ["attached", "detached"] {
            if let Some(children) = t["children"][kind].as_array() {
                for c in children {
                    n.children.push(self.xmind_topic(c)?);
                }
            }
        }
        Ok(n)
    }

    fn xmind_xml(&mut self, text: &str) -> Result<MapNode, String> {
        let content = xml::parse(text)?;
        if content.local() != "xmap-content" {
            return Err(format!(
                "line {}: the root element is <{}>, not <xmap-content>",
                content.line, content.name
            ));
        }
        let mut roots = Vec::new();
        for sheet in content.children_named("sheet") {
            if let Some(topic) = sheet.child("topic") {
                roots.push(self.xmind_xml_topic(topic)?);
            }
        }
        self.first_sheet(roots)
    }

    fn xmind_xml_topic(&mut self, e: &Element) -> Result<MapNode, String> {
        self.counted()?;
        let mut n = MapNode {
            text: e.child("title").map(Element::text).unwrap_or_default(),
            id: e.attr("id").map(str::to_string),
            link: e.attr("xlink:href").map(str::to_string),
            ..MapNode::default()
        };
        if let Some(notes) = e.child("notes") {
            n.note = match (notes.child("plain"), notes.child("html")) {
                (Some(p), _) => p.text().trim_end().to_string(),
                (None, Some(h)) => html_text(h),
                (None, None) => String::new(),
            };
        }
        if let Some(labels) = e.child("labels") {
            n.owners = labels
                .children_named("label")
                .map(|l| l.text().trim().to_string())
                .filter(|l| !l.is_empty())
                .collect();
        }
        if let Some(refs) = e.child("marker-refs") {
            for m in refs.children_named("marker-ref") {
                let id = m.attr("marker-id").unwrap_or_default().to_string();
                self.icon(&mut n, &id, IconSet::XMind);
            }
        }
        if let Some(children) = e.child("children") {
            for topics in children.children_named("topics") {
                for t in topics.children_named("topic") {
                    n.children.push(self.xmind_xml_topic(t)?);
                }
            }
        }
        Ok(n)
    }

    // ---- MindManager ------------------------------------------------------------------

    fn mmap(&mut self, text: &str) -> Result<MapNode, String> {
        let map = xml::parse(text)?;
        if map.local() != "Map" {
            return Err(format!(
                "line {}: the root element is <{}>, not <ap:Map>",
                map.line, map.name
            ));
        }
        let topic = map
            .child("OneTopic")
            .and_then(|o| o.child("Topic"))
            .ok_or_else(|| "the map has no ap:OneTopic/ap:Topic".to_string())?;
        self.mmap_topic(topic)
    }

    fn mmap_topic(&mut self, e: &Element) -> Result<MapNode, String> {
        self.counted()?;
        let mut n = MapNode {
            text: e
                .child("Text")
                .and_then(|t| t.attr("PlainText"))
                .unwrap_or_default()
                .to_string(),
            id: e.attr("OId").map(str::to_string),
            link: e
                .child("Hyperlink")
                .and_then(|h| h.attr("Url"))
                .map(str::to_string),
            ..MapNode::default()
        };
        if let Some(data) = e
            .child("NotesGroup")
            .and_then(|g| g.child("NotesXhtmlData"))
        {
            n.note = match data.child("html") {
                Some(html) => html_text(html),
                None => data
                    .attr("PreviewPlainText")
                    .unwrap_or_default()
                    .to_string(),
            };
        }
        if let Some(task) = e.child("Task") {
            if let Some(p) = task.attr("TaskPriority") {
                self.icon(&mut n, p, IconSet::MindManager);
            }
            if let Some(r) = task.attr("Resources") {
                n.owners = r
                    .split(';')
                    .map(|x| x.trim().to_string())
                    .filter(|x| !x.is_empty())
                    .collect();
            }
        }
        if let Some(icons) = e.child("IconsGroup").and_then(|g| g.child("Icons")) {
            for i in icons.children_named("Icon") {
                let icon = i.attr("IconType").unwrap_or_default().to_string();
                self.icon(&mut n, &icon, IconSet::MindManager);
            }
        }
        if let Some(labels) = e.child("TextLabels") {
            for l in labels.children_named("TextLabel") {
                if let Some(name) = l.attr("TextLabelName") {
                    n.owners.push(name.to_string());
                }
            }
        }
        for group in ["SubTopics", "FloatingTopics"] {
            if let Some(sub) = e.child(group) {
                for t in sub.children_named("Topic") {
                    n.children.push(self.mmap_topic(t)?);
                }
            }
        }
        Ok(n)
    }
}
