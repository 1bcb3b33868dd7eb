//! Packaging: patches what docx-rs has no API for into the rendered XML parts (each patch
//! must match, or rendering fails), makes ids deterministic, and re-zips with Deflate and
//! fixed timestamps.

use std::io::{Cursor, Read, Write};

use docx_rs::XMLDocx;

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
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&apos;"),
            c if crate::load::xml_allowed(c) => out.push(c),
            _ => {}
        }
    }
    out
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
            "<dc:title>{}</dc:title><dc:subject>{}</dc:subject><cp:keywords>{}</cp:keywords><dc:language>ja-JP</dc:language></cp:coreProperties>",
            xml_escape(core.title),
            xml_escape(core.subject),
            xml_escape(core.keywords)
        ),
        "core.xml title",
    )?;
    x.doc_props.core = c.into_bytes();

    // East Asian language for Japanese line breaking, on the document defaults.
    let s = utf8(std::mem::take(&mut x.styles), "styles.xml is UTF-8")?;
    x.styles = replace_once(
        &s,
        "</w:rPr></w:rPrDefault>",
        "<w:lang w:val=\"ja-JP\" w:eastAsia=\"ja-JP\" w:bidi=\"ar-SA\" /></w:rPr></w:rPrDefault>",
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

    // Header rows repeat on every page: header rows are the only rows marked cantSplit.
    let d = utf8(std::mem::take(&mut x.document), "document.xml is UTF-8")?;
    let marker = "<w:trPr><w:cantSplit /></w:trPr>";
    let d = if d.contains(marker) {
        d.replace(marker, "<w:trPr><w:cantSplit /><w:tblHeader /></w:trPr>")
    } else {
        d
    };

    // docx-rs numbers hyperlink relationships and paragraph ids from process-wide counters;
    // renumber them in document order so that the same input always gives the same bytes.
    let rels = utf8(
        std::mem::take(&mut x.document_rels),
        "document.xml.rels is UTF-8",
    )?;
    let (d, rels) = renumber_pair(&d, &rels, "rIdHyperlink");
    let d = renumber_para_ids(&d);
    x.document = d.into_bytes();
    x.document_rels = rels.into_bytes();
    Ok(())
}

/// Renumbers `PREFIX<digits>` ids in order of first appearance in the document, in both
/// texts, and sorts those relationships by their new number (docx-rs writes them in an
/// order that depends on its global counter).
fn renumber_pair(doc: &str, rels: &str, prefix: &str) -> (String, String) {
    let mut order: Vec<String> = Vec::new();
    scan_ids(doc, prefix, &mut |n| {
        if !order.iter().any(|o| o == n) {
            order.push(n.to_string());
        }
    });
    scan_ids(rels, prefix, &mut |n| {
        if !order.iter().any(|o| o == n) {
            order.push(n.to_string());
        }
    });
    let map = |n: &str| {
        order
            .iter()
            .position(|o| o == n)
            .map(|i| (i + 1).to_string())
    };
    let doc = rewrite_ids(doc, prefix, &map);
    let rels = rewrite_ids(rels, prefix, &map);
    (doc, sort_relationships(&rels, prefix))
}

/// Sorts the `<Relationship …/>` elements whose id starts with `prefix` by their number,
/// after all the others (which keep their order).
fn sort_relationships(rels: &str, prefix: &str) -> String {
    let tag = "<Relationship ";
    let (Some(first), Some(close)) = (rels.find(tag), rels.rfind("</Relationships>")) else {
        return rels.to_string();
    };
    let body = &rels[first..close];
    let mut elements: Vec<&str> = Vec::new();
    let mut rest = body;
    while let Some(next) = rest[tag.len().min(rest.len())..].find(tag) {
        let end = next + tag.len();
        elements.push(&rest[..end]);
        rest = &rest[end..];
    }
    if !rest.is_empty() {
        elements.push(rest);
    }
    let key = |e: &&str| -> (bool, u64) {
        let id_at = e.find("Id=\"").map(|i| i + 4).unwrap_or(0);
        let id = &e[id_at..];
        match id.strip_prefix(prefix) {
            Some(n) => (
                true,
                n.bytes()
                    .take_while(u8::is_ascii_digit)
                    .fold(0, |a, b| a * 10 + u64::from(b - b'0')),
            ),
            None => (false, 0),
        }
    };
    elements.sort_by_key(key);
    format!("{}{}{}", &rels[..first], elements.concat(), &rels[close..])
}

fn scan_ids(text: &str, prefix: &str, f: &mut dyn FnMut(&str)) {
    let mut rest = text;
    while let Some(at) = rest.find(prefix) {
        let after = &rest[at + prefix.len()..];
        let digits = after.bytes().take_while(u8::is_ascii_digit).count();
        if digits > 0 {
            f(&after[..digits]);
        }
        rest = &after[digits..];
    }
}

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

/// Gives every `w14:paraId` a sequential value in document order.
fn renumber_para_ids(doc: &str) -> String {
    let key = "w14:paraId=\"";
    let mut out = String::with_capacity(doc.len());
    let mut rest = doc;
    let mut n: u32 = 0;
    while let Some(at) = rest.find(key) {
        out.push_str(&rest[..at + key.len()]);
        let after = &rest[at + key.len()..];
        let end = after.find('"').unwrap_or(0);
        n += 1;
        out.push_str(&format!("{:08X}", n));
        rest = &after[end..];
    }
    out.push_str(rest);
    out
}

/// Packs the parts and re-zips every entry with Deflate and the fixed DOS epoch timestamp.
pub fn pack(x: XMLDocx) -> Result<Vec<u8>, EmitError> {
    let zip_error = |e: zip::result::ZipError| EmitError::Other(format!("zip: {e}"));
    let mut stored = Cursor::new(Vec::new());
    x.pack(&mut stored).map_err(zip_error)?;
    let mut input = zip::ZipArchive::new(Cursor::new(stored.into_inner())).map_err(zip_error)?;
    let mut output = zip::ZipWriter::new(Cursor::new(Vec::new()));
    let options = zip::write::SimpleFileOptions::default()
        .compression_method(zip::CompressionMethod::Deflated)
        .last_modified_time(zip::DateTime::default())
        .unix_permissions(0o644);
    for i in 0..input.len() {
        let mut entry = input.by_index(i).map_err(zip_error)?;
        if entry.is_dir() {
            continue;
        }
        let mut bytes = Vec::with_capacity(entry.size() as usize);
        entry
            .read_to_end(&mut bytes)
            .map_err(|e| EmitError::Other(format!("zip: {e}")))?;
        let name = entry.name().to_string();
        drop(entry);
        output.start_file(name, options).map_err(zip_error)?;
        output
            .write_all(&bytes)
            .map_err(|e| EmitError::Other(format!("zip: {e}")))?;
    }
    Ok(output.finish().map_err(zip_error)?.into_inner())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hyperlink_ids_are_renumbered_in_document_order() {
        // Intent: ids from docx-rs's global counter become 1, 2, … in document order, and the
        // relationships are listed in that order.
        let rels = r#"<Relationships><Relationship Id="rIdHyperlink7" /><Relationship Id="rId1" /><Relationship Id="rIdHyperlink9" /></Relationships>"#;
        let doc = r#"<h r:id="rIdHyperlink9"/><h r:id="rIdHyperlink7"/>"#;
        let (d, r) = renumber_pair(doc, rels, "rIdHyperlink");
        assert_eq!(
            r,
            r#"<Relationships><Relationship Id="rId1" /><Relationship Id="rIdHyperlink1" /><Relationship Id="rIdHyperlink2" /></Relationships>"#
        );
        assert_eq!(d, r#"<h r:id="rIdHyperlink1"/><h r:id="rIdHyperlink2"/>"#);
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
