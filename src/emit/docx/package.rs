//! Packaging: serialises the body element by element (deterministic ids, repeating header
//! rows), patches what docx-rs has no API for into the rendered parts (each patch must
//! match, or rendering fails), and zips with Deflate and fixed timestamps.

use std::collections::HashMap;
use std::io::{Cursor, Write};

use docx_rs::{BuildXML, XMLDocx};

use super::blocks::Element;

use crate::emit::EmitError;

/// Document properties docx-rs cannot set.
pub struct CoreProperties<'a> {
    /// dc:title.
    pub title: &'a str,
    /// dc:subject.
    pub subject: &'a str,
    /// dc:creator and cp:lastModifiedBy.
    pub creator: &'a str,
    /// cp:keywords.
    pub keywords: &'a str,
    /// Language tag of the text (dc:language and the default w:lang), e.g. `ja-JP`.
    pub language: &'a str,
}

fn fail(what: &str) -> EmitError {
    EmitError::Other(format!("docx patch did not apply: {what}"))
}

fn utf8(part: Vec<u8>, what: &str) -> Result<String, EmitError> {
    String::from_utf8(part).map_err(|_| fail(what))
}

/// Replaces the first `from` with `to`; an error if `from` is not there.
fn replace_once(text: &str, from: &str, to: &str, what: &str) -> Result<String, EmitError> {
    if !text.contains(from) {
        return Err(fail(what));
    }
    Ok(text.replacen(from, to, 1))
}

/// Escapes text for an XML element or attribute.
pub fn xml_escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    crate::emit::common::escape_markup(s, &mut out);
    out
}

/// Replaces the paragraph holding `placeholder` in document.xml with `body`.
pub fn splice_body(x: &mut XMLDocx, placeholder: &str, body: &[u8]) -> Result<(), EmitError> {
    let doc = &x.document;
    let needle = xml_escape(placeholder);
    let at = find(doc, needle.as_bytes()).ok_or_else(|| fail("document.xml body placeholder"))?;
    let start = rfind(&doc[..at], b"<w:p ").ok_or_else(|| fail("placeholder paragraph start"))?;
    let end = find(&doc[at..], b"</w:p>").ok_or_else(|| fail("placeholder paragraph end"))?
        + at
        + "</w:p>".len();
    // The rest of document.xml is the section properties: their header and footer
    // references come first in schema order (docx-rs writes them after pgSz).
    let tail = String::from_utf8_lossy(&doc[end..]).into_owned();
    let tail = section_order(&tail);
    let mut out = Vec::with_capacity(doc.len() + body.len());
    out.extend_from_slice(&doc[..start]);
    out.extend_from_slice(body);
    out.extend_from_slice(tail.as_bytes());
    x.document = out;
    Ok(())
}

/// Moves `headerReference` and `footerReference` to the start of `w:sectPr`.
fn section_order(xml: &str) -> String {
    let (Some(open), Some(close)) = (xml.find("<w:sectPr>"), xml.find("</w:sectPr>")) else {
        return xml.to_string();
    };
    let inner_start = open + "<w:sectPr>".len();
    let children = split_children(&xml[inner_start..close]);
    let (refs, others): (Vec<&str>, Vec<&str>) = children
        .into_iter()
        .partition(|c| c.starts_with("<w:headerReference") || c.starts_with("<w:footerReference"));
    format!(
        "{}{}{}{}",
        &xml[..inner_start],
        refs.concat(),
        others.concat(),
        &xml[close..]
    )
}

fn find(haystack: &[u8], needle: &[u8]) -> Option<usize> {
    haystack.windows(needle.len()).position(|w| w == needle)
}

fn rfind(haystack: &[u8], needle: &[u8]) -> Option<usize> {
    haystack.windows(needle.len()).rposition(|w| w == needle)
}

/// Applies every patch to the rendered parts.
pub fn patch(x: &mut XMLDocx, core: &CoreProperties<'_>) -> Result<(), EmitError> {
    // Core properties: title, subject, creator, keywords, language.
    let mut c = utf8(std::mem::take(&mut x.doc_props.core), "core.xml is UTF-8")?;
    c = replace_once(
        &c,
        "<dc:creator>unknown</dc:creator>",
        &format!("<dc:creator>{}</dc:creator>", xml_escape(core.creator)),
        "core.xml creator",
    )?;
    c = replace_once(
        &c,
        "<cp:lastModifiedBy>unknown</cp:lastModifiedBy>",
        &format!(
            "<cp:lastModifiedBy>{}</cp:lastModifiedBy>",
            xml_escape(core.creator)
        ),
        "core.xml lastModifiedBy",
    )?;
    c = replace_once(
        &c,
        "</cp:coreProperties>",
        &format!(
            "<dc:title>{}</dc:title><dc:subject>{}</dc:subject><cp:keywords>{}</cp:keywords><dc:language>{}</dc:language></cp:coreProperties>",
            xml_escape(core.title),
            xml_escape(core.subject),
            xml_escape(core.keywords),
            xml_escape(core.language)
        ),
        "core.xml title",
    )?;
    x.doc_props.core = c.into_bytes();

    // East Asian language for Japanese line breaking, on the document defaults.
    let s = utf8(std::mem::take(&mut x.styles), "styles.xml is UTF-8")?;
    x.numberings = order_children(&utf8(
        std::mem::take(&mut x.numberings),
        "numbering.xml is UTF-8",
    )?)
    .into_bytes();

    // Japanese text keeps ja-JP in the East Asian slot whatever the main language is.
    let styles = replace_once(
        &s,
        "</w:rPr></w:rPrDefault>",
        &format!(
            "<w:lang w:val=\"{}\" w:eastAsia=\"ja-JP\" w:bidi=\"ar-SA\" /></w:rPr></w:rPrDefault>",
            xml_escape(core.language)
        ),
        "styles.xml w:lang",
    )?;
    x.styles = order_children(&styles).into_bytes();

    // Ask Word to refresh fields (the table of contents' page numbers) on open.
    let s = utf8(std::mem::take(&mut x.settings), "settings.xml is UTF-8")?;
    let s = replace_once(
        &s,
        "<w:compat>",
        "<w:updateFields w:val=\"true\" /><w:compat>",
        "settings.xml updateFields",
    )?;
    // Schema order: zoom comes before defaultTabStop.
    let zoom = "<w:zoom w:percent=\"100\" />";
    let s = replace_once(&s, zoom, "", "settings.xml zoom")?;
    x.settings = replace_once(
        &s,
        "<w:defaultTabStop",
        &format!("{zoom}<w:defaultTabStop"),
        "settings.xml defaultTabStop",
    )?
    .into_bytes();

    Ok(())
}

/// The document body, serialised to WordprocessingML as it is written.
///
/// docx-rs keeps about 3 KB per paragraph in memory, so elements are turned into XML one
/// at a time. On the way, the ids docx-rs takes from process-wide counters (hyperlink
/// relationships, `w14:paraId`) are renumbered in document order, so that the same input
/// gives the same bytes even within one process, and table header rows (the only rows
/// marked `cantSplit`) get `tblHeader`, for which docx-rs has no API.
#[derive(Default)]
pub struct BodyXml {
    /// The serialised elements.
    pub xml: Vec<u8>,
    /// External hyperlinks: (renumbered relationship id, address), in document order.
    pub links: Vec<(String, String)>,
    link_ids: HashMap<String, usize>,
    para_ids: u32,
}

const LINK_PREFIX: &str = "rIdHyperlink";
/// The attribute form of a hyperlink id: manuscript text can never contain it, because
/// quotes in text are escaped.
const LINK_ATTRIBUTE: &str = "r:id=\"rIdHyperlink";
const HEADER_ROW: &str = "<w:trPr><w:cantSplit /></w:trPr>";

impl BodyXml {
    /// Serialises one element.
    pub fn add(&mut self, element: Element) {
        let mut links = Vec::new();
        let xml = match element {
            Element::Paragraph(p) => {
                collect_links(&p, &mut links);
                p.build()
            }
            Element::Table(t) => {
                collect_table_links(&t, &mut links);
                t.build()
            }
        };
        let mut xml = String::from_utf8(xml).unwrap_or_default();
        if xml.contains(HEADER_ROW) {
            xml = xml.replace(
                HEADER_ROW,
                "<w:trPr><w:cantSplit /><w:tblHeader /></w:trPr>",
            );
        }
        for (rid, path) in links {
            let old = rid.trim_start_matches(LINK_PREFIX).to_string();
            if !self.link_ids.contains_key(&old) {
                let new = self.link_ids.len() + 1;
                self.link_ids.insert(old, new);
                self.links.push((format!("{LINK_PREFIX}{new}"), path));
            }
        }
        let ids = &self.link_ids;
        let xml = rewrite_ids(&xml, LINK_ATTRIBUTE, &|n| ids.get(n).map(usize::to_string));
        let xml = renumber_para_ids(&xml, &mut self.para_ids);
        let xml = schema_order(&xml);
        self.xml.extend_from_slice(xml.as_bytes());
    }

    /// Serialises several elements.
    pub fn extend(&mut self, elements: Vec<Element>) {
        for e in elements {
            self.add(e);
        }
    }
}

fn collect_links(p: &docx_rs::Paragraph, out: &mut Vec<(String, String)>) {
    for child in &p.children {
        if let docx_rs::ParagraphChild::Hyperlink(h) = child {
            if let docx_rs::HyperlinkData::External { rid, path } = &h.link {
                out.push((rid.clone(), path.clone()));
            }
        }
    }
}

fn collect_table_links(t: &docx_rs::Table, out: &mut Vec<(String, String)>) {
    for docx_rs::TableChild::TableRow(row) in &t.rows {
        for docx_rs::TableRowChild::TableCell(cell) in &row.cells {
            for content in &cell.children {
                match content {
                    docx_rs::TableCellContent::Paragraph(p) => collect_links(p, out),
                    docx_rs::TableCellContent::Table(inner) => collect_table_links(inner, out),
                    _ => {}
                }
            }
        }
    }
}

/// Puts what docx-rs writes out of schema order back in order, for Word's strict reader:
/// the empty run properties it writes first in every paragraph's properties are dropped
/// (they carry nothing, and `rPr` must come last there), `ilvl` goes before `numId`, and
/// the undeclared `w:type` attribute of grid columns is removed.
pub fn schema_order(xml: &str) -> String {
    let mut out = xml.replace("<w:pPr><w:rPr /></w:pPr>", "<w:pPr></w:pPr>");
    out = out.replace("<w:pPr><w:rPr />", "<w:pPr>");
    if out.contains("<w:numPr><w:numId ") {
        out = swap_num_pr(&out);
    }
    if out.contains("<w:gridCol ") {
        out = strip_grid_col_type(&out);
    }
    out
}

/// Removes the `w:type` attribute from `w:gridCol` elements only (tcW and tblW keep theirs).
fn strip_grid_col_type(xml: &str) -> String {
    let mut out = String::with_capacity(xml.len());
    let mut rest = xml;
    while let Some(at) = rest.find("<w:gridCol ") {
        out.push_str(&rest[..at]);
        let tail = &rest[at..];
        let end = tail.find("/>").map_or(tail.len(), |e| e + 2);
        out.push_str(&tail[..end].replace(" w:type=\"dxa\"", ""));
        rest = &tail[end..];
    }
    out.push_str(rest);
    out
}

/// Schema order of the children of `w:style`, `w:pPr` and `w:rPr` (ECMA-376 part 1).
const STYLE_ORDER: &[&str] = &[
    "name",
    "aliases",
    "basedOn",
    "next",
    "link",
    "autoRedefine",
    "uiPriority",
    "semiHidden",
    "unhideWhenUsed",
    "qFormat",
    "locked",
    "personal",
    "personalCompose",
    "personalReply",
    "rsid",
    "pPr",
    "rPr",
    "tblPr",
    "trPr",
    "tcPr",
    "tblStylePr",
];
const PPR_ORDER: &[&str] = &[
    "pStyle",
    "keepNext",
    "keepLines",
    "pageBreakBefore",
    "framePr",
    "widowControl",
    "numPr",
    "suppressLineNumbers",
    "pBdr",
    "shd",
    "tabs",
    "suppressAutoHyphens",
    "kinsoku",
    "wordWrap",
    "overflowPunct",
    "topLinePunct",
    "autoSpaceDE",
    "autoSpaceDN",
    "bidi",
    "adjustRightInd",
    "snapToGrid",
    "spacing",
    "ind",
    "contextualSpacing",
    "mirrorIndents",
    "suppressOverlap",
    "jc",
    "textDirection",
    "textAlignment",
    "textboxTightWrap",
    "outlineLvl",
    "divId",
    "cnfStyle",
    "rPr",
    "sectPr",
    "pPrChange",
];
const RPR_ORDER: &[&str] = &[
    "rStyle",
    "rFonts",
    "b",
    "bCs",
    "i",
    "iCs",
    "caps",
    "smallCaps",
    "strike",
    "dstrike",
    "outline",
    "shadow",
    "emboss",
    "imprint",
    "noProof",
    "snapToGrid",
    "vanish",
    "webHidden",
    "color",
    "spacing",
    "w",
    "kern",
    "position",
    "sz",
    "szCs",
    "highlight",
    "u",
    "effect",
    "bdr",
    "shd",
    "fitText",
    "vertAlign",
    "rtl",
    "cs",
    "em",
    "lang",
    "eastAsianLayout",
    "specVanish",
    "oMath",
];

/// Reorders the children of every `w:style`, `w:pPr` and `w:rPr` of a part (styles.xml,
/// numbering.xml) into schema order, dropping empty run properties inside paragraph
/// properties. The parts are docx-rs's own output: tags only, text escaped.
pub fn order_children(xml: &str) -> String {
    let mut out = String::with_capacity(xml.len());
    let mut rest = xml;
    while let Some(at) = rest.find('<') {
        out.push_str(&rest[..at]);
        let tail = &rest[at..];
        let Some((name, open_len, self_closing)) = tag(tail) else {
            out.push_str(tail);
            return out;
        };
        let order = match name {
            "w:style" => Some(STYLE_ORDER),
            "w:pPr" => Some(PPR_ORDER),
            "w:rPr" => Some(RPR_ORDER),
            _ => None,
        };
        let close = match order {
            Some(_) if !self_closing => close_of(tail, name, open_len),
            _ => None,
        };
        match (order, close) {
            (Some(order), Some(close)) => {
                let inner = order_children(&tail[open_len..close]);
                let mut children = split_children(&inner);
                if name == "w:pPr" {
                    children.retain(|c| *c != "<w:rPr />");
                }
                children.sort_by_key(|c| {
                    let child = tag(c).map_or("", |t| t.0).trim_start_matches("w:");
                    order
                        .iter()
                        .position(|o| *o == child)
                        .unwrap_or(order.len())
                });
                out.push_str(&tail[..open_len]);
                out.push_str(&children.concat());
                let end = close + format!("</{name}>").len();
                out.push_str(&tail[close..end]);
                rest = &tail[end..];
            }
            _ => {
                out.push_str(&tail[..open_len]);
                rest = &tail[open_len..];
            }
        }
    }
    out.push_str(rest);
    out
}

/// The name of the tag starting `text`, its length, and whether it is self-closing.
fn tag(text: &str) -> Option<(&str, usize, bool)> {
    let end = text.find('>')?;
    let inside = &text[1..end];
    let name_end = inside.find([' ', '/']).unwrap_or(inside.len());
    Some((&inside[..name_end], end + 1, inside.ends_with('/')))
}

/// Where the element opened at the start of `text` closes (the index of its end tag).
fn close_of(text: &str, name: &str, open_len: usize) -> Option<usize> {
    let (open, close) = (format!("<{name}"), format!("</{name}>"));
    let mut depth = 1;
    let mut at = open_len;
    while depth > 0 {
        let next_close = text[at..].find(&close)? + at;
        // Only an opening tag before the next closing one can nest.
        let next_open = text[at..next_close].find(&open).map(|i| i + at);
        match next_open {
            Some(o) if o < next_close => {
                let (_, len, self_closing) = tag(&text[o..])?;
                let boundary = text[o + open.len()..].chars().next();
                if !self_closing && matches!(boundary, Some(' ' | '>')) {
                    depth += 1;
                }
                at = o + len;
            }
            _ => {
                depth -= 1;
                at = next_close + close.len();
                if depth == 0 {
                    return Some(next_close);
                }
            }
        }
    }
    None
}

/// Splits an element's inner XML into its child elements.
fn split_children(inner: &str) -> Vec<&str> {
    let mut children = Vec::new();
    let mut at = 0;
    while let Some(start) = inner[at..].find('<').map(|i| i + at) {
        let Some((name, len, self_closing)) = tag(&inner[start..]) else {
            break;
        };
        let end = if self_closing {
            start + len
        } else {
            match close_of(&inner[start..], name, len) {
                Some(close) => start + close + name.len() + 3,
                None => break,
            }
        };
        children.push(&inner[start..end]);
        at = end;
    }
    children
}

/// `<w:numPr><w:numId w:val="N" /><w:ilvl w:val="L" /></w:numPr>` → ilvl first.
fn swap_num_pr(xml: &str) -> String {
    let open = "<w:numPr><w:numId ";
    let mut out = String::with_capacity(xml.len());
    let mut rest = xml;
    while let Some(at) = rest.find(open) {
        out.push_str(&rest[..at]);
        let tail = &rest[at..];
        let Some(end) = tail.find("</w:numPr>") else {
            out.push_str(tail);
            return out;
        };
        let inner = &tail["<w:numPr>".len()..end];
        match inner.find("<w:ilvl ") {
            Some(split) => {
                out.push_str("<w:numPr>");
                out.push_str(&inner[split..]);
                out.push_str(&inner[..split]);
                out.push_str("</w:numPr>");
            }
            None => out.push_str(&tail[..end + "</w:numPr>".len()]),
        }
        rest = &tail[end + "</w:numPr>".len()..];
    }
    out.push_str(rest);
    out
}

/// Rewrites `PREFIX<digits>` ids through `map` (ids it does not know are kept).
fn rewrite_ids(text: &str, prefix: &str, map: &dyn Fn(&str) -> Option<String>) -> String {
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(at) = rest.find(prefix) {
        out.push_str(&rest[..at + prefix.len()]);
        let after = &rest[at + prefix.len()..];
        let digits = after.bytes().take_while(u8::is_ascii_digit).count();
        match map(&after[..digits]) {
            Some(new) if digits > 0 => out.push_str(&new),
            _ => out.push_str(&after[..digits]),
        }
        rest = &after[digits..];
    }
    out.push_str(rest);
    out
}

/// Gives every `w14:paraId` the next value of `counter`.
fn renumber_para_ids(xml: &str, counter: &mut u32) -> String {
    let key = "w14:paraId=\"";
    let mut out = String::with_capacity(xml.len());
    let mut rest = xml;
    while let Some(at) = rest.find(key) {
        out.push_str(&rest[..at + key.len()]);
        let after = &rest[at + key.len()..];
        let end = after.find('"').unwrap_or(0);
        *counter += 1;
        out.push_str(&format!("{:08X}", *counter));
        rest = &after[end..];
    }
    out.push_str(rest);
    out
}

/// Zips the parts with Deflate and the fixed DOS-epoch timestamp (1980-01-01), in the
/// order and under the names docx-rs uses.
pub fn pack(x: XMLDocx) -> Result<Vec<u8>, EmitError> {
    if !x.media.is_empty()
        || x.taskpanes.is_some()
        || !x.custom_items.is_empty()
        || !x.web_extensions.is_empty()
    {
        return Err(EmitError::Other(
            "docx parts this packer does not write were produced".into(),
        ));
    }
    let zip_error = |e: zip::result::ZipError| EmitError::Other(format!("zip: {e}"));
    let io_error = |e: std::io::Error| EmitError::Other(format!("zip: {e}"));
    let mut zip = zip::ZipWriter::new(Cursor::new(Vec::new()));
    let options = zip::write::SimpleFileOptions::default()
        .compression_method(zip::CompressionMethod::Deflated)
        // A fast level: nearly the size of the default on XML, in a fraction of the time.
        .compression_level(Some(2))
        .last_modified_time(zip::DateTime::default())
        .unix_permissions(0o644);
    let mut parts: Vec<(String, Vec<u8>)> = vec![
        ("[Content_Types].xml".into(), x.content_type),
        ("_rels/.rels".into(), x.rels),
        ("docProps/app.xml".into(), x.doc_props.app),
        ("docProps/core.xml".into(), x.doc_props.core),
        ("docProps/custom.xml".into(), x.doc_props.custom),
        ("word/_rels/document.xml.rels".into(), x.document_rels),
        ("word/document.xml".into(), x.document),
        ("word/styles.xml".into(), x.styles),
        ("word/settings.xml".into(), x.settings),
        ("word/fontTable.xml".into(), x.font_table),
        ("word/comments.xml".into(), x.comments),
        ("word/numbering.xml".into(), x.numberings),
        ("word/commentsExtended.xml".into(), x.comments_extended),
        ("word/footnotes.xml".into(), x.footnotes),
    ];
    let ordered = |part: Vec<u8>| match String::from_utf8(part) {
        Ok(text) => schema_order(&text).into_bytes(),
        Err(e) => e.into_bytes(),
    };
    for (i, h) in x.headers.into_iter().enumerate() {
        parts.push((format!("word/header{}.xml", i + 1), ordered(h)));
        if let Some(rels) = x.header_rels.get(i) {
            parts.push((format!("word/_rels/header{}.xml.rels", i + 1), rels.clone()));
        }
    }
    for (i, f) in x.footers.into_iter().enumerate() {
        parts.push((format!("word/footer{}.xml", i + 1), ordered(f)));
        if let Some(rels) = x.footer_rels.get(i) {
            parts.push((format!("word/_rels/footer{}.xml.rels", i + 1), rels.clone()));
        }
    }
    for (name, bytes) in parts {
        zip.start_file(name, options).map_err(zip_error)?;
        zip.write_all(&bytes).map_err(io_error)?;
    }
    Ok(zip.finish().map_err(zip_error)?.into_inner())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_are_renumbered_in_document_order() {
        // Intent: ids from docx-rs's global counters become 1, 2, … in document order.
        let map = |n: &str| match n {
            "9" => Some("1".to_string()),
            "7" => Some("2".to_string()),
            _ => None,
        };
        let doc = r#"<h r:id="rIdHyperlink9"/><h r:id="rIdHyperlink7"/><h r:id="rIdHyperlink3"/>"#;
        assert_eq!(
            rewrite_ids(doc, "rIdHyperlink", &map),
            r#"<h r:id="rIdHyperlink1"/><h r:id="rIdHyperlink2"/><h r:id="rIdHyperlink3"/>"#
        );
        assert_eq!(
            schema_order(
                r#"<w:pPr><w:rPr /><w:pStyle w:val="A" /><w:numPr><w:numId w:val="10" /><w:ilvl w:val="2" /></w:numPr></w:pPr><w:gridCol w:w="9" w:type="dxa" /><w:tcW w:w="9" w:type="dxa" />"#
            ),
            r#"<w:pPr><w:pStyle w:val="A" /><w:numPr><w:ilvl w:val="2" /><w:numId w:val="10" /></w:numPr></w:pPr><w:gridCol w:w="9" /><w:tcW w:w="9" w:type="dxa" />"#
        );
        let mut counter = 0;
        assert_eq!(
            renumber_para_ids(
                r#"<w:p w14:paraId="0000ABCD"/><w:p w14:paraId="00000001"/>"#,
                &mut counter
            ),
            r#"<w:p w14:paraId="00000001"/><w:p w14:paraId="00000002"/>"#
        );
    }

    #[test]
    fn children_are_put_in_schema_order() {
        // Intent: docx-rs's style element order (rPr, pPr, next, qFormat, basedOn; sz before
        // b and rFonts) becomes the order Word's schema requires.
        let style = r#"<w:style w:type="paragraph" w:styleId="H"><w:name w:val="h" /><w:rPr><w:sz w:val="32" /><w:color w:val="1F3864" /><w:b /><w:rFonts w:ascii="A" /></w:rPr><w:pPr><w:rPr /><w:spacing w:before="280" /><w:outlineLvl w:val="0" /><w:keepNext /></w:pPr><w:next w:val="Normal" /><w:qFormat /><w:basedOn w:val="Normal" /></w:style>"#;
        assert_eq!(
            order_children(style),
            r#"<w:style w:type="paragraph" w:styleId="H"><w:name w:val="h" /><w:basedOn w:val="Normal" /><w:next w:val="Normal" /><w:qFormat /><w:pPr><w:keepNext /><w:spacing w:before="280" /><w:outlineLvl w:val="0" /></w:pPr><w:rPr><w:rFonts w:ascii="A" /><w:b /><w:color w:val="1F3864" /><w:sz w:val="32" /></w:rPr></w:style>"#
        );
        assert_eq!(
            section_order(
                r#"<w:sectPr><w:pgSz w:w="1" /><w:headerReference r:id="h" /><w:titlePg /></w:sectPr>"#
            ),
            r#"<w:sectPr><w:headerReference r:id="h" /><w:pgSz w:w="1" /><w:titlePg /></w:sectPr>"#
        );
    }

    #[test]
    fn escaping_keeps_text_inert() {
        // Intent: spliced text can never become markup.
        assert_eq!(
            xml_escape("<a & \"b\">]]>\u{b}"),
            "&lt;a &amp; &quot;b&quot;&gt;]]&gt;"
        );
    }
}
