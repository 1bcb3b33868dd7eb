//! Repairs: what docx-rs 0.4.22 writes wrong or cannot write, put right on parsed XML
//! (quick-xml events, never string search). Each pass says what it fixes, fails when the
//! thing it must fix is not there, and has a unit test.
//!
//! - [`schema`]: children in the order ECMA-376 requires (docx-rs writes `rPr` first in
//!   `pPr`, `numId` before `ilvl`, `headerReference` after `pgSz`…), no empty run
//!   properties in paragraph properties, no undeclared `w:type` on grid columns.
//! - [`header_rows`]: the first row of every table repeats on each page (`w:tblHeader`,
//!   which docx-rs has no API for).
//! - [`document_defaults`]: the document's languages (`w:lang`: Latin, East Asian) and
//!   justified body text (`w:jc`), which docx-rs cannot put in `w:docDefaults`.
//! - [`style_extras`]: run properties docx-rs cannot express (the emphasis mark `w:em`)
//!   added to named styles.
//! - [`revision_ids`]: tracked changes numbered from the package's one allocator (docx-rs
//!   takes `w:ins` / `w:del` ids from a process-wide counter, which would collide with
//!   bookmarks and differ from run to run).

use quick_xml::events::{BytesStart, Event};
use quick_xml::{Reader, Writer};

/// Why a repair could not be made.
#[derive(Debug, thiserror::Error)]
pub enum RepairError {
    /// The part is not well-formed XML.
    #[error("{pass}: the XML does not parse: {message}")]
    Xml {
        /// The pass.
        pass: &'static str,
        /// What the parser said.
        message: String,
    },
    /// The element a pass must change is not in the part.
    #[error("{pass}: {what} is missing")]
    Missing {
        /// The pass.
        pass: &'static str,
        /// What was looked for.
        what: String,
    },
}

type Result<T> = std::result::Result<T, RepairError>;

fn xml_error(pass: &'static str) -> impl Fn(quick_xml::Error) -> RepairError {
    move |e| RepairError::Xml {
        pass,
        message: e.to_string(),
    }
}

fn put(event: Event<'_>, out: &mut Vec<u8>) {
    // Writing into a Vec cannot fail.
    let _ = Writer::new(out).write_event(event);
}

/// Puts every child of the elements below in schema order (a stable sort, so children of
/// one kind keep their order), drops empty `w:rPr` from paragraph properties, and removes
/// the `w:type` attribute docx-rs writes on `w:gridCol`.
pub fn schema(xml: &[u8]) -> Result<Vec<u8>> {
    const PASS: &str = "schema";
    let mut reader = Reader::from_reader(xml);
    let mut out = Vec::with_capacity(xml.len() + 64);
    loop {
        match reader.read_event().map_err(xml_error(PASS))? {
            Event::Start(e) => schema_element(&mut reader, e, &mut out)?,
            Event::Empty(e) => put(Event::Empty(grid_col(e)), &mut out),
            Event::Eof => return Ok(out),
            other => put(other, &mut out),
        }
    }
}

fn schema_element(
    reader: &mut Reader<&[u8]>,
    start: BytesStart<'_>,
    out: &mut Vec<u8>,
) -> Result<()> {
    const PASS: &str = "schema";
    let is_ppr = start.name().as_ref() == b"w:pPr";
    let Some(order) = order_of(start.name().as_ref()) else {
        // Not reordered: copy through, repairing the children.
        put(Event::Start(start), out);
        loop {
            match reader.read_event().map_err(xml_error(PASS))? {
                Event::Start(e) => schema_element(reader, e, out)?,
                Event::Empty(e) => put(Event::Empty(grid_col(e)), out),
                Event::End(e) => {
                    put(Event::End(e), out);
                    return Ok(());
                }
                Event::Eof => return Err(unclosed(PASS)),
                other => put(other, out),
            }
        }
    };
    put(Event::Start(start), out);
    let rank = |local: &[u8]| {
        order
            .iter()
            .position(|x| x.as_bytes() == local)
            .unwrap_or(order.len())
    };
    let mut children: Vec<(usize, Vec<u8>)> = Vec::new();
    loop {
        let mut buf = Vec::new();
        let key = match reader.read_event().map_err(xml_error(PASS))? {
            Event::Start(e) => {
                let key = rank(e.local_name().as_ref());
                schema_element(reader, e, &mut buf)?;
                key
            }
            Event::Empty(e) => {
                if is_ppr && e.name().as_ref() == b"w:rPr" {
                    continue;
                }
                let key = rank(e.local_name().as_ref());
                put(Event::Empty(grid_col(e)), &mut buf);
                key
            }
            Event::End(e) => {
                children.sort_by_key(|c| c.0);
                for (_, bytes) in children {
                    out.extend_from_slice(&bytes);
                }
                put(Event::End(e), out);
                return Ok(());
            }
            Event::Eof => return Err(unclosed(PASS)),
            other => {
                put(other, &mut buf);
                children.last().map_or(0, |c| c.0)
            }
        };
        children.push((key, buf));
    }
}

fn unclosed(pass: &'static str) -> RepairError {
    RepairError::Xml {
        pass,
        message: "an element is not closed".into(),
    }
}

/// `w:gridCol` without the `w:type` attribute the schema does not declare.
fn grid_col(e: BytesStart<'_>) -> BytesStart<'_> {
    if e.name().as_ref() != b"w:gridCol" {
        return e;
    }
    let mut fixed = BytesStart::new("w:gridCol");
    for a in e.attributes().flatten() {
        if a.key.as_ref() != b"w:type" {
            fixed.push_attribute(a);
        }
    }
    fixed
}

/// The schema order of the children of an element, for the elements docx-rs gets wrong.
fn order_of(name: &[u8]) -> Option<&'static [&'static str]> {
    Some(match name {
        b"w:style" => &[
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
        ],
        b"w:pPr" => &[
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
        ],
        b"w:rPr" => &[
            "ins",
            "del",
            "moveFrom",
            "moveTo",
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
            "rPrChange",
        ],
        b"w:numPr" => &["ilvl", "numId", "numberingChange", "ins"],
        b"w:sectPr" => &[
            "headerReference",
            "footerReference",
            "footnotePr",
            "endnotePr",
            "type",
            "pgSz",
            "pgMar",
            "paperSrc",
            "pgBorders",
            "lnNumType",
            "pgNumType",
            "cols",
            "formProt",
            "vAlign",
            "noEndnote",
            "titlePg",
            "textDirection",
            "bidi",
            "rtlGutter",
            "docGrid",
            "printerSettings",
            "sectPrChange",
        ],
        b"w:tblPr" => &[
            "tblStyle",
            "tblpPr",
            "tblOverlap",
            "bidiVisual",
            "tblStyleRowBandSize",
            "tblStyleColBandSize",
            "tblW",
            "jc",
            "tblCellSpacing",
            "tblInd",
            "tblBorders",
            "shd",
            "tblLayout",
            "tblCellMar",
            "tblLook",
            "tblCaption",
            "tblDescription",
            "tblPrChange",
        ],
        b"w:trPr" => &[
            "cnfStyle",
            "divId",
            "gridBefore",
            "gridAfter",
            "wBefore",
            "wAfter",
            "cantSplit",
            "trHeight",
            "tblHeader",
            "tblCellSpacing",
            "jc",
            "hidden",
            "ins",
            "del",
            "trPrChange",
        ],
        b"w:tcPr" => &[
            "cnfStyle",
            "tcW",
            "gridSpan",
            "hMerge",
            "vMerge",
            "tcBorders",
            "shd",
            "noWrap",
            "tcMar",
            "textDirection",
            "tcFitText",
            "vAlign",
            "hideMark",
            "headers",
            "cellIns",
            "cellDel",
            "cellMerge",
            "tcPrChange",
        ],
        b"w:tblBorders" | b"w:tcBorders" | b"w:tblCellMar" | b"w:tcMar" | b"w:pBdr" => &[
            "top", "start", "left", "bottom", "end", "right", "between", "bar", "insideH",
            "insideV", "tl2br", "tr2bl",
        ],
        b"w:lvl" => &[
            "start",
            "numFmt",
            "lvlRestart",
            "pStyle",
            "isLgl",
            "suff",
            "lvlText",
            "lvlPicBulletId",
            "legacy",
            "lvlJc",
            "pPr",
            "rPr",
        ],
        b"w:abstractNum" => &[
            "nsid",
            "multiLevelType",
            "tmpl",
            "name",
            "styleLink",
            "numStyleLink",
            "lvl",
        ],
        b"w:num" => &["abstractNumId", "lvlOverride"],
        b"w:lvlOverride" => &["startOverride", "lvl"],
        b"w:docDefaults" => &["rPrDefault", "pPrDefault"],
        _ => return None,
    })
}

/// Marks the first row of every table as a header row that repeats on each page. Fails on
/// a table without rows. Returns the repaired XML and the number of tables.
pub fn header_rows(xml: &[u8]) -> Result<(Vec<u8>, usize)> {
    const PASS: &str = "header_rows";
    let mut reader = Reader::from_reader(xml);
    let mut out = Vec::with_capacity(xml.len() + 64);
    // One flag per open table: its first row is still to come.
    let mut pending: Vec<bool> = Vec::new();
    let mut tables = 0;
    // Set right after the start tag of a header row: its properties come next, or not.
    let mut in_header_row = false;
    let header = || BytesStart::new("w:tblHeader");
    loop {
        let event = reader.read_event().map_err(xml_error(PASS))?;
        if in_header_row {
            in_header_row = false;
            match &event {
                Event::Start(e) if e.name().as_ref() == b"w:trPr" => {
                    put(event.clone(), &mut out);
                    put(Event::Empty(header()), &mut out);
                    continue;
                }
                Event::Empty(e) if e.name().as_ref() == b"w:trPr" => {
                    put(Event::Start(BytesStart::new("w:trPr")), &mut out);
                    put(Event::Empty(header()), &mut out);
                    put(
                        Event::End(quick_xml::events::BytesEnd::new("w:trPr")),
                        &mut out,
                    );
                    continue;
                }
                _ => {
                    put(Event::Start(BytesStart::new("w:trPr")), &mut out);
                    put(Event::Empty(header()), &mut out);
                    put(
                        Event::End(quick_xml::events::BytesEnd::new("w:trPr")),
                        &mut out,
                    );
                }
            }
        }
        match &event {
            Event::Start(e) if e.name().as_ref() == b"w:tbl" => {
                pending.push(true);
                tables += 1;
            }
            Event::End(e) if e.name().as_ref() == b"w:tbl" && pending.pop() == Some(true) => {
                return Err(RepairError::Missing {
                    pass: PASS,
                    what: "a row in a table".into(),
                });
            }
            Event::Start(e) if e.name().as_ref() == b"w:tr" => {
                if let Some(first) = pending.last_mut() {
                    in_header_row = std::mem::replace(first, false);
                }
            }
            Event::Eof => return Ok((out, tables)),
            _ => {}
        }
        put(event, &mut out);
    }
}

/// Sets the document's languages and justified text in `w:docDefaults` of styles.xml:
/// `w:lang` (`latin` for Latin script — never ja-JP, with which LibreOffice breaks Latin
/// words anywhere — and ja-JP for East Asian script) in the default run properties and
/// `w:jc both` in the default paragraph properties. Run [`schema`] afterwards to place them.
pub fn document_defaults(styles: &[u8], latin: &str) -> Result<Vec<u8>> {
    const PASS: &str = "document_defaults";
    let lang = {
        let mut e = BytesStart::new("w:lang");
        e.push_attribute(("w:val", latin));
        e.push_attribute(("w:eastAsia", "ja-JP"));
        e.push_attribute(("w:bidi", "ar-SA"));
        e
    };
    let mut jc = BytesStart::new("w:jc");
    jc.push_attribute(("w:val", "both"));
    let mut reader = Reader::from_reader(styles);
    let mut out = Vec::with_capacity(styles.len() + 128);
    let mut inside: Option<&[u8]> = None;
    let (mut langs, mut aligns) = (0, 0);
    loop {
        let event = reader.read_event().map_err(xml_error(PASS))?;
        match &event {
            Event::Start(e) if e.name().as_ref() == b"w:rPrDefault" => inside = Some(b"w:rPr"),
            Event::Start(e) if e.name().as_ref() == b"w:pPrDefault" => inside = Some(b"w:pPr"),
            Event::End(e) if matches!(e.name().as_ref(), b"w:rPrDefault" | b"w:pPrDefault") => {
                inside = None
            }
            Event::Eof => break,
            _ => {}
        }
        let Some(target) = inside else {
            put(event, &mut out);
            continue;
        };
        let add = if target == b"w:rPr" { &lang } else { &jc };
        match &event {
            Event::Start(e) if e.name().as_ref() == target => {
                put(event.clone(), &mut out);
                put(Event::Empty(add.borrow()), &mut out);
            }
            Event::Empty(e) if e.name().as_ref() == target => {
                put(
                    Event::Start(BytesStart::new(String::from_utf8_lossy(target))),
                    &mut out,
                );
                put(Event::Empty(add.borrow()), &mut out);
                put(
                    Event::End(quick_xml::events::BytesEnd::new(String::from_utf8_lossy(
                        target,
                    ))),
                    &mut out,
                );
            }
            // An earlier w:lang or w:jc is replaced.
            Event::Empty(e) if matches!(e.name().as_ref(), b"w:lang" | b"w:jc") => continue,
            _ => {
                put(event, &mut out);
                continue;
            }
        }
        if target == b"w:rPr" {
            langs += 1;
        } else {
            aligns += 1;
        }
    }
    if langs != 1 || aligns != 1 {
        return Err(RepairError::Missing {
            pass: PASS,
            what: "w:docDefaults with w:rPrDefault and w:pPrDefault".into(),
        });
    }
    Ok(out)
}

/// A run property for a named style: (style id, element name, attributes).
pub type StyleExtra<'a> = (&'a str, &'a str, &'a [(&'a str, &'a str)]);

/// Adds run properties (each an empty element such as `w:em w:val="dot"`) to the run
/// properties of named styles. Fails when a style is missing.
pub fn style_extras(styles: &[u8], extras: &[StyleExtra<'_>]) -> Result<Vec<u8>> {
    const PASS: &str = "style_extras";
    let mut reader = Reader::from_reader(styles);
    let mut out = Vec::with_capacity(styles.len() + 64);
    let mut current: Option<usize> = None;
    let mut done = vec![false; extras.len()];
    let element = |i: usize| {
        let (_, name, attrs) = extras[i];
        let mut e = BytesStart::new(name);
        for a in attrs {
            e.push_attribute(*a);
        }
        e
    };
    loop {
        let event = reader.read_event().map_err(xml_error(PASS))?;
        match &event {
            Event::Start(e) if e.name().as_ref() == b"w:style" => {
                let id = e
                    .try_get_attribute("w:styleId")
                    .ok()
                    .flatten()
                    .map(|a| a.value.into_owned());
                current = extras
                    .iter()
                    .position(|(style, _, _)| id.as_deref() == Some(style.as_bytes()));
            }
            Event::End(e) if e.name().as_ref() == b"w:style" => {
                if let Some(i) = current.take() {
                    if !done[i] {
                        // The style had no run properties: give it some.
                        put(Event::Start(BytesStart::new("w:rPr")), &mut out);
                        put(Event::Empty(element(i)), &mut out);
                        put(
                            Event::End(quick_xml::events::BytesEnd::new("w:rPr")),
                            &mut out,
                        );
                        done[i] = true;
                    }
                }
            }
            Event::Eof => break,
            _ => {}
        }
        match (&event, current) {
            (Event::Start(e), Some(i)) if e.name().as_ref() == b"w:rPr" && !done[i] => {
                put(event.clone(), &mut out);
                put(Event::Empty(element(i)), &mut out);
                done[i] = true;
            }
            (Event::Empty(e), Some(i)) if e.name().as_ref() == b"w:rPr" && !done[i] => {
                put(Event::Start(BytesStart::new("w:rPr")), &mut out);
                put(Event::Empty(element(i)), &mut out);
                put(
                    Event::End(quick_xml::events::BytesEnd::new("w:rPr")),
                    &mut out,
                );
                done[i] = true;
            }
            _ => put(event, &mut out),
        }
    }
    if let Some(i) = done.iter().position(|d| !d) {
        return Err(RepairError::Missing {
            pass: PASS,
            what: format!("the style {:?}", extras[i].0),
        });
    }
    Ok(out)
}

/// Gives every `w:ins` and `w:del` a fresh id from `next`. Returns the repaired XML and
/// the number of revisions; an `w:ins` or `w:del` without an id fails.
pub fn revision_ids(xml: &[u8], next: &mut dyn FnMut() -> usize) -> Result<(Vec<u8>, usize)> {
    const PASS: &str = "revision_ids";
    let mut reader = Reader::from_reader(xml);
    let mut out = Vec::with_capacity(xml.len() + 16);
    let mut count = 0;
    loop {
        let event = reader.read_event().map_err(xml_error(PASS))?;
        let renumber = |e: &BytesStart<'_>, id: usize| -> Result<BytesStart<'static>> {
            let name = String::from_utf8_lossy(e.name().as_ref()).into_owned();
            let mut fixed = BytesStart::new(name);
            let mut found = false;
            for a in e.attributes().flatten() {
                if a.key.as_ref() == b"w:id" {
                    fixed.push_attribute(("w:id", id.to_string().as_str()));
                    found = true;
                } else {
                    fixed.push_attribute(a);
                }
            }
            if found {
                Ok(fixed)
            } else {
                Err(RepairError::Missing {
                    pass: PASS,
                    what: "the w:id of a tracked change".into(),
                })
            }
        };
        match &event {
            Event::Start(e) | Event::Empty(e)
                if matches!(e.name().as_ref(), b"w:ins" | b"w:del") =>
            {
                count += 1;
                let fixed = renumber(e, next())?;
                let event = if matches!(event, Event::Start(_)) {
                    Event::Start(fixed)
                } else {
                    Event::Empty(fixed)
                };
                put(event, &mut out);
            }
            Event::Eof => return Ok((out, count)),
            _ => put(event, &mut out),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn revisions_take_ids_from_the_allocator() {
        // Intent: docx-rs's counter ids are replaced in document order; other elements'
        // w:id (bookmarks) are untouched; a revision without an id fails.
        let xml = br#"<w:p><w:bookmarkStart w:id="7" w:name="a"/><w:del w:id="912" w:author="x"><w:r/></w:del><w:ins w:id="913" w:author="x"><w:r/></w:ins></w:p>"#;
        let mut n = 100;
        let (out, count) = revision_ids(xml, &mut || {
            n += 1;
            n
        })
        .unwrap();
        assert_eq!(count, 2);
        assert_eq!(
            s(out),
            r#"<w:p><w:bookmarkStart w:id="7" w:name="a"/><w:del w:id="101" w:author="x"><w:r/></w:del><w:ins w:id="102" w:author="x"><w:r/></w:ins></w:p>"#
        );
        assert!(revision_ids(b"<w:ins/>", &mut || 1).is_err());
    }

    fn s(bytes: Vec<u8>) -> String {
        String::from_utf8(bytes).unwrap()
    }

    #[test]
    fn schema_orders_children_and_drops_what_the_schema_refuses() {
        // Intent: docx-rs's orders (rPr first in pPr, numId before ilvl, style children,
        // headerReference after pgSz) become the schema's; gridCol loses w:type, tcW keeps it.
        let xml = br#"<w:p><w:pPr><w:rPr /><w:pStyle w:val="A" /><w:numPr><w:numId w:val="10" /><w:ilvl w:val="2" /></w:numPr></w:pPr><w:r><w:t xml:space="preserve">a &amp; b</w:t></w:r></w:p><w:tblGrid><w:gridCol w:w="9" w:type="dxa" /></w:tblGrid><w:tcW w:w="9" w:type="dxa" />"#;
        assert_eq!(
            s(schema(xml).unwrap()),
            r#"<w:p><w:pPr><w:pStyle w:val="A" /><w:numPr><w:ilvl w:val="2" /><w:numId w:val="10" /></w:numPr></w:pPr><w:r><w:t xml:space="preserve">a &amp; b</w:t></w:r></w:p><w:tblGrid><w:gridCol w:w="9"/></w:tblGrid><w:tcW w:w="9" w:type="dxa" />"#
        );
        let style = br#"<w:style w:styleId="H"><w:name w:val="h" /><w:rPr><w:sz w:val="32" /><w:b /><w:rFonts w:ascii="A" /></w:rPr><w:pPr><w:outlineLvl w:val="0" /><w:keepNext /></w:pPr><w:next w:val="Normal" /><w:basedOn w:val="Normal" /></w:style><w:sectPr><w:pgSz w:w="1" /><w:headerReference r:id="h" /></w:sectPr>"#;
        assert_eq!(
            s(schema(style).unwrap()),
            r#"<w:style w:styleId="H"><w:name w:val="h" /><w:basedOn w:val="Normal" /><w:next w:val="Normal" /><w:pPr><w:keepNext /><w:outlineLvl w:val="0" /></w:pPr><w:rPr><w:rFonts w:ascii="A" /><w:b /><w:sz w:val="32" /></w:rPr></w:style><w:sectPr><w:headerReference r:id="h" /><w:pgSz w:w="1" /></w:sectPr>"#
        );
        assert!(schema(b"<w:p><w:pPr>").is_err());
    }

    #[test]
    fn first_rows_become_header_rows() {
        // Intent: every table's first row, and only it, gets w:tblHeader, with or without
        // row properties; a table without rows fails.
        let xml = br#"<w:tbl><w:tr><w:trPr><w:cantSplit /></w:trPr><w:tc /></w:tr><w:tr><w:tc /></w:tr></w:tbl><w:tbl><w:tr><w:tc /></w:tr></w:tbl><w:tbl><w:tr><w:trPr /></w:tr></w:tbl>"#;
        let (out, tables) = header_rows(xml).unwrap();
        assert_eq!(tables, 3);
        assert_eq!(
            s(out),
            r#"<w:tbl><w:tr><w:trPr><w:tblHeader/><w:cantSplit /></w:trPr><w:tc /></w:tr><w:tr><w:tc /></w:tr></w:tbl><w:tbl><w:tr><w:trPr><w:tblHeader/></w:trPr><w:tc /></w:tr></w:tbl><w:tbl><w:tr><w:trPr><w:tblHeader/></w:trPr></w:tr></w:tbl>"#
        );
        assert!(matches!(
            header_rows(b"<w:tbl><w:tblPr /></w:tbl>"),
            Err(RepairError::Missing { .. })
        ));
    }

    #[test]
    fn defaults_get_languages_and_justification() {
        // Intent: w:lang (replacing any) and w:jc land in docDefaults, empty rPr included;
        // styles.xml without docDefaults fails.
        let xml = br#"<w:styles><w:docDefaults><w:rPrDefault><w:rPr /></w:rPrDefault><w:pPrDefault><w:pPr><w:spacing w:after="80" /></w:pPr></w:pPrDefault></w:docDefaults></w:styles>"#;
        assert_eq!(
            s(document_defaults(xml, "en-US").unwrap()),
            r#"<w:styles><w:docDefaults><w:rPrDefault><w:rPr><w:lang w:val="en-US" w:eastAsia="ja-JP" w:bidi="ar-SA"/></w:rPr></w:rPrDefault><w:pPrDefault><w:pPr><w:jc w:val="both"/><w:spacing w:after="80" /></w:pPr></w:pPrDefault></w:docDefaults></w:styles>"#
        );
        assert!(document_defaults(b"<w:styles></w:styles>", "ja-JP").is_err());
    }

    #[test]
    fn style_extras_reach_named_styles_only() {
        // Intent: the emphasis mark goes into the Emphasis style's run properties (created
        // when absent), nowhere else; a missing style fails.
        let xml = br#"<w:styles><w:style w:styleId="Other"><w:rPr /></w:style><w:style w:styleId="Emphasis"><w:name w:val="Emphasis" /></w:style></w:styles>"#;
        let em: &[(&str, &str)] = &[("w:val", "dot")];
        assert_eq!(
            s(style_extras(xml, &[("Emphasis", "w:em", em)]).unwrap()),
            r#"<w:styles><w:style w:styleId="Other"><w:rPr /></w:style><w:style w:styleId="Emphasis"><w:name w:val="Emphasis" /><w:rPr><w:em w:val="dot"/></w:rPr></w:style></w:styles>"#
        );
        assert!(style_extras(b"<w:styles/>", &[("Emphasis", "w:em", em)]).is_err());
    }
}
