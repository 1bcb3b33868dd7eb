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
    let mut out = Vec::with_capacity(doc.len() + body.len());
    out.extend_from_slice(&doc[..start]);
    out.extend_from_slice(body);
    out.extend_from_slice(&doc[end..]);
    x.document = out;
    Ok(())
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
    // Japanese text keeps ja-JP in the East Asian slot whatever the main language is.
    x.styles = replace_once(
        &s,
        "</w:rPr></w:rPrDefault>",
        &format!(
            "<w:lang w:val=\"{}\" w:eastAsia=\"ja-JP\" w:bidi=\"ar-SA\" /></w:rPr></w:rPrDefault>",
            xml_escape(core.language)
        ),
        "styles.xml w:lang",
    )?
    .into_bytes();

    // Ask Word to refresh fields (the table of contents' page numbers) on open.
    let s = utf8(std::mem::take(&mut x.settings), "settings.xml is UTF-8")?;
    x.settings = replace_once(
        &s,
        "<w:compat>",
        "<w:updateFields w:val=\"true\" /><w:compat>",
        "settings.xml updateFields",
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
    for (i, h) in x.headers.into_iter().enumerate() {
        parts.push((format!("word/header{}.xml", i + 1), h));
        if let Some(rels) = x.header_rels.get(i) {
            parts.push((format!("word/_rels/header{}.xml.rels", i + 1), rels.clone()));
        }
    }
    for (i, f) in x.footers.into_iter().enumerate() {
        parts.push((format!("word/footer{}.xml", i + 1), f));
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
    fn escaping_keeps_text_inert() {
        // Intent: spliced text can never become markup.
        assert_eq!(
            xml_escape("<a & \"b\">]]>\u{b}"),
            "&lt;a &amp; &quot;b&quot;&gt;]]&gt;"
        );
    }
}
