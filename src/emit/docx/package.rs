//! The package: one id allocator for everything that needs an id, the parts this emitter
//! writes itself (content types, relationships, properties, settings, font table, theme),
//! and the zip (Deflate, fixed timestamps, a fixed part order).

use std::io::{Cursor, Write};

use crate::emit::markup::escape;
use crate::emit::EmitError;

/// Every id in the package, given in document order: bookmarks and tracked changes (one
/// sequence: Word wants annotation ids unique across both), hyperlink relationships,
/// paragraph ids and list instances.
#[derive(Debug, Default)]
pub struct Ids {
    annotation: usize,
    paragraph: u32,
    list: usize,
    /// External links: (relationship id, address), in order of first use.
    pub links: Vec<(String, String)>,
    link_ids: std::collections::HashMap<String, usize>,
    /// Figures: (relationship id, index in the view's figures, extension), in order of
    /// first use; each is one file in word/media/.
    pub figures: Vec<(String, usize, &'static str)>,
    drawing: u32,
}

/// The first list instance id (1 is docx-rs's own default list).
const FIRST_LIST: usize = 10;

impl Ids {
    /// A new bookmark id.
    pub fn bookmark(&mut self) -> usize {
        self.annotation += 1;
        self.annotation
    }

    /// A new revision id (`w:ins`, `w:del`), never the id of a bookmark.
    pub fn revision(&mut self) -> usize {
        self.annotation += 1;
        self.annotation
    }

    /// A new `w14:paraId` (8 hex digits, below 0x80000000 as Word requires).
    pub fn paragraph(&mut self) -> String {
        self.paragraph += 1;
        format!("{:08X}", self.paragraph)
    }

    /// A new list (numbering instance) id.
    pub fn list(&mut self) -> usize {
        self.list += 1;
        FIRST_LIST + self.list
    }

    /// The relationship id of a figure's image (one per figure, however often shown).
    pub fn figure(&mut self, index: usize, ext: &'static str) -> String {
        if let Some((rid, ..)) = self.figures.iter().find(|(_, i, _)| *i == index) {
            return rid.clone();
        }
        let rid = format!("rIdFigure{}", self.figures.len() + 1);
        self.figures.push((rid.clone(), index, ext));
        rid
    }

    /// A new drawing object id (`wp:docPr`).
    pub fn drawing(&mut self) -> u32 {
        self.drawing += 1;
        self.drawing
    }

    /// The relationship id of an external address (one per address).
    pub fn link(&mut self, url: &str) -> String {
        if let Some(&i) = self.link_ids.get(url) {
            return self.links[i].0.clone();
        }
        let rid = format!("rIdLink{}", self.links.len() + 1);
        self.link_ids.insert(url.to_string(), self.links.len());
        self.links.push((rid.clone(), url.to_string()));
        rid
    }
}

/// Relationship ids of the parts document.xml refers to.
pub mod rid {
    /// styles.xml
    pub const STYLES: &str = "rIdStyles";
    /// settings.xml
    pub const SETTINGS: &str = "rIdSettings";
    /// fontTable.xml
    pub const FONTS: &str = "rIdFonts";
    /// numbering.xml
    pub const NUMBERING: &str = "rIdNumbering";
    /// theme/theme1.xml
    pub const THEME: &str = "rIdTheme";
    /// header1.xml
    pub const HEADER: &str = "rIdHeader1";
    /// footer1.xml
    pub const FOOTER: &str = "rIdFooter1";
}

const DECLARATION: &str = r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?>"#;

/// The namespaces of document.xml (docx-rs's elements use w, r and w14).
pub const DOCUMENT_OPEN: &str = concat!(
    r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?>"#,
    r#"<w:document xmlns:mc="http://schemas.openxmlformats.org/markup-compatibility/2006" "#,
    r#"xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships" "#,
    r#"xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main" "#,
    r#"xmlns:w14="http://schemas.microsoft.com/office/word/2010/wordml" "#,
    r#"xmlns:wp="http://schemas.openxmlformats.org/drawingml/2006/wordprocessingDrawing" "#,
    r#"mc:Ignorable="w14"><w:body>"#
);

/// The end of document.xml.
pub const DOCUMENT_CLOSE: &str = "</w:body></w:document>";

/// Document properties.
pub struct Properties<'a> {
    /// dc:title.
    pub title: &'a str,
    /// dc:subject.
    pub subject: &'a str,
    /// dc:creator and cp:lastModifiedBy, when the manuscript names an author.
    pub creator: Option<&'a str>,
    /// cp:keywords.
    pub keywords: &'a str,
    /// dc:language.
    pub language: &'a str,
    /// dcterms:created and modified (W3CDTF).
    pub date: &'a str,
}

fn core(p: &Properties<'_>) -> String {
    let mut x = String::from(DECLARATION);
    x.push_str(concat!(
        r#"<cp:coreProperties xmlns:cp="http://schemas.openxmlformats.org/package/2006/metadata/core-properties" "#,
        r#"xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:dcterms="http://purl.org/dc/terms/" "#,
        r#"xmlns:dcmitype="http://purl.org/dc/dcmitype/" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">"#
    ));
    x.push_str(&format!("<dc:title>{}</dc:title>", escape(p.title)));
    x.push_str(&format!("<dc:subject>{}</dc:subject>", escape(p.subject)));
    if let Some(c) = p.creator {
        x.push_str(&format!("<dc:creator>{}</dc:creator>", escape(c)));
    }
    x.push_str(&format!(
        "<cp:keywords>{}</cp:keywords>",
        escape(p.keywords)
    ));
    if let Some(c) = p.creator {
        x.push_str(&format!(
            "<cp:lastModifiedBy>{}</cp:lastModifiedBy>",
            escape(c)
        ));
    }
    x.push_str(&format!(
        "<dc:language>{}</dc:language>",
        escape(p.language)
    ));
    x.push_str(&format!(
        r#"<dcterms:created xsi:type="dcterms:W3CDTF">{0}</dcterms:created><dcterms:modified xsi:type="dcterms:W3CDTF">{0}</dcterms:modified>"#,
        escape(p.date)
    ));
    x.push_str("</cp:coreProperties>");
    x
}

fn app() -> String {
    format!(
        r#"{DECLARATION}<Properties xmlns="http://schemas.openxmlformats.org/officeDocument/2006/extended-properties" xmlns:vt="http://schemas.openxmlformats.org/officeDocument/2006/docPropsVTypes"><Application>supplement</Application><DocSecurity>0</DocSecurity><ScaleCrop>false</ScaleCrop><LinksUpToDate>false</LinksUpToDate><SharedDoc>false</SharedDoc><HyperlinksChanged>false</HyperlinksChanged><AppVersion>{}</AppVersion></Properties>"#,
        app_version()
    )
}

/// `AppVersion` must be `XX.YYYY`.
fn app_version() -> String {
    let mut v = env!("CARGO_PKG_VERSION").split('.');
    let major: u32 = v.next().and_then(|x| x.parse().ok()).unwrap_or(0);
    let minor: u32 = v.next().and_then(|x| x.parse().ok()).unwrap_or(0);
    format!("{major:02}.{minor:04}")
}

const WORD: &str = "application/vnd.openxmlformats-officedocument.wordprocessingml";

fn content_types(figures: &[(String, usize, &'static str)]) -> String {
    let over =
        |part: &str, kind: &str| format!(r#"<Override PartName="{part}" ContentType="{kind}"/>"#);
    let mut x = format!(
        r#"{DECLARATION}<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/>"#
    );
    for ext in ["png", "jpeg", "gif"] {
        if figures.iter().any(|(_, _, e)| *e == ext) {
            x.push_str(&format!(
                r#"<Default Extension="{ext}" ContentType="image/{ext}"/>"#
            ));
        }
    }
    for (part, kind) in [
        ("/word/document.xml", format!("{WORD}.document.main+xml")),
        ("/word/styles.xml", format!("{WORD}.styles+xml")),
        ("/word/settings.xml", format!("{WORD}.settings+xml")),
        ("/word/fontTable.xml", format!("{WORD}.fontTable+xml")),
        ("/word/numbering.xml", format!("{WORD}.numbering+xml")),
        ("/word/header1.xml", format!("{WORD}.header+xml")),
        ("/word/footer1.xml", format!("{WORD}.footer+xml")),
        (
            "/word/theme/theme1.xml",
            "application/vnd.openxmlformats-officedocument.theme+xml".to_string(),
        ),
        (
            "/docProps/core.xml",
            "application/vnd.openxmlformats-package.core-properties+xml".to_string(),
        ),
        (
            "/docProps/app.xml",
            "application/vnd.openxmlformats-officedocument.extended-properties+xml".to_string(),
        ),
    ] {
        x.push_str(&over(part, &kind));
    }
    x.push_str("</Types>");
    x
}

const REL: &str = "http://schemas.openxmlformats.org/officeDocument/2006/relationships";

fn package_rels() -> String {
    format!(
        r#"{DECLARATION}<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="{REL}/officeDocument" Target="word/document.xml"/><Relationship Id="rId2" Type="http://schemas.openxmlformats.org/package/2006/relationships/metadata/core-properties" Target="docProps/core.xml"/><Relationship Id="rId3" Type="{REL}/extended-properties" Target="docProps/app.xml"/></Relationships>"#
    )
}

fn document_rels(links: &[(String, String)], figures: &[(String, usize, &'static str)]) -> String {
    let mut x = format!(
        r#"{DECLARATION}<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">"#
    );
    for (id, kind, target) in [
        (rid::STYLES, "styles", "styles.xml"),
        (rid::SETTINGS, "settings", "settings.xml"),
        (rid::FONTS, "fontTable", "fontTable.xml"),
        (rid::NUMBERING, "numbering", "numbering.xml"),
        (rid::THEME, "theme", "theme/theme1.xml"),
        (rid::HEADER, "header", "header1.xml"),
        (rid::FOOTER, "footer", "footer1.xml"),
    ] {
        x.push_str(&format!(
            r#"<Relationship Id="{id}" Type="{REL}/{kind}" Target="{target}"/>"#
        ));
    }
    for (id, url) in links {
        x.push_str(&format!(
            r#"<Relationship Id="{id}" Type="{REL}/hyperlink" Target="{}" TargetMode="External"/>"#,
            escape(&crate::emit::markup::href(url))
        ));
    }
    for (n, (id, _, ext)) in figures.iter().enumerate() {
        x.push_str(&format!(
            r#"<Relationship Id="{id}" Type="{REL}/image" Target="media/figure{}.{ext}"/>"#,
            n + 1
        ));
    }
    x.push_str("</Relationships>");
    x
}

/// Word's settings: no field update on open (nothing asks a question), Japanese
/// punctuation compression, the East Asian layout rules.
fn settings(language: &str) -> String {
    format!(
        r#"{DECLARATION}<w:settings xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"><w:zoom w:percent="100"/><w:defaultTabStop w:val="840"/><w:characterSpacingControl w:val="compressPunctuation"/><w:compat><w:spaceForUL/><w:balanceSingleByteDoubleByteWidth/><w:doNotLeaveBackslashAlone/><w:ulTrailSpace/><w:doNotExpandShiftReturn/><w:adjustLineHeightInTable/><w:useFELayout/><w:compatSetting w:name="compatibilityMode" w:uri="http://schemas.microsoft.com/office/word" w:val="15"/></w:compat><w:themeFontLang w:val="{}" w:eastAsia="ja-JP"/><w:decimalSymbol w:val="."/><w:listSeparator w:val=","/></w:settings>"#,
        escape(language)
    )
}

/// A font of the font table: name, alternate name, PANOSE, character set, family.
struct Font<'a> {
    name: &'a str,
    alt: Option<&'a str>,
    panose: &'a str,
    charset: &'a str,
    family: &'a str,
    pitch: &'a str,
}

/// Known faces, with what Word needs to substitute them where they are not installed.
/// The Japanese names are written as escapes (no literal Japanese in code): 游明朝 (Yu
/// Mincho), 游ゴシック (Yu Gothic), ＭＳ 明朝 (MS Mincho), ＭＳ ゴシック (MS Gothic).
const KNOWN: &[Font<'static>] = &[
    Font {
        name: "\u{6E38}\u{660E}\u{671D}",
        alt: Some("Yu Mincho"),
        panose: "02020400000000000000",
        charset: "80",
        family: "roman",
        pitch: "variable",
    },
    Font {
        name: "Yu Mincho",
        alt: Some("\u{6E38}\u{660E}\u{671D}"),
        panose: "02020400000000000000",
        charset: "80",
        family: "roman",
        pitch: "variable",
    },
    Font {
        name: "\u{6E38}\u{30B4}\u{30B7}\u{30C3}\u{30AF}",
        alt: Some("Yu Gothic"),
        panose: "020B0400000000000000",
        charset: "80",
        family: "swiss",
        pitch: "variable",
    },
    Font {
        name: "Yu Gothic",
        alt: Some("\u{6E38}\u{30B4}\u{30B7}\u{30C3}\u{30AF}"),
        panose: "020B0400000000000000",
        charset: "80",
        family: "swiss",
        pitch: "variable",
    },
    Font {
        name: "\u{FF2D}\u{FF33} \u{660E}\u{671D}",
        alt: Some("MS Mincho"),
        panose: "02020609040205080304",
        charset: "80",
        family: "roman",
        pitch: "fixed",
    },
    Font {
        name: "\u{FF2D}\u{FF33} \u{30B4}\u{30B7}\u{30C3}\u{30AF}",
        alt: Some("MS Gothic"),
        panose: "020B0609070205080204",
        charset: "80",
        family: "modern",
        pitch: "fixed",
    },
    Font {
        name: "Consolas",
        alt: None,
        panose: "020B0609020204030204",
        charset: "00",
        family: "modern",
        pitch: "fixed",
    },
    Font {
        name: "Segoe UI Emoji",
        alt: None,
        panose: "020B0502040204020203",
        charset: "00",
        family: "swiss",
        pitch: "variable",
    },
    Font {
        name: "Century",
        alt: None,
        panose: "02040604050505020304",
        charset: "00",
        family: "roman",
        pitch: "variable",
    },
];

/// The font table: every face the styles name, with alternates and PANOSE where known (so
/// that a reader without 游明朝 substitutes a Japanese Mincho face, not any font).
fn font_table(faces: &[&str]) -> String {
    let mut x = format!(
        r#"{DECLARATION}<w:fonts xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main">"#
    );
    let mut seen: Vec<&str> = Vec::new();
    for face in faces {
        if seen.contains(face) {
            continue;
        }
        seen.push(face);
        x.push_str(&format!(r#"<w:font w:name="{}">"#, escape(face)));
        match KNOWN.iter().find(|f| f.name == *face) {
            Some(f) => {
                if let Some(alt) = f.alt {
                    x.push_str(&format!(r#"<w:altName w:val="{}"/>"#, escape(alt)));
                }
                x.push_str(&format!(
                    r#"<w:panose1 w:val="{}"/><w:charset w:val="{}"/><w:family w:val="{}"/><w:pitch w:val="{}"/>"#,
                    f.panose, f.charset, f.family, f.pitch
                ));
            }
            None => x.push_str(r#"<w:family w:val="auto"/><w:pitch w:val="variable"/>"#),
        }
        x.push_str("</w:font>");
    }
    x.push_str("</w:fonts>");
    x
}

/// A theme (Office's colours, the document's fonts for Latin and Japanese), so that Word
/// and the validators find the part they expect.
fn theme(latin_major: &str, latin_minor: &str, jpan_major: &str, jpan_minor: &str) -> String {
    let color =
        |name: &str, value: &str| format!(r#"<a:{name}><a:srgbClr val="{value}"/></a:{name}>"#);
    let mut colors = String::from(
        r#"<a:dk1><a:sysClr val="windowText" lastClr="000000"/></a:dk1><a:lt1><a:sysClr val="window" lastClr="FFFFFF"/></a:lt1>"#,
    );
    for (name, value) in [
        ("dk2", "44546A"),
        ("lt2", "E7E6E6"),
        ("accent1", "4472C4"),
        ("accent2", "ED7D31"),
        ("accent3", "A5A5A5"),
        ("accent4", "FFC000"),
        ("accent5", "5B9BD5"),
        ("accent6", "70AD47"),
        ("hlink", "0563C1"),
        ("folHlink", "954F72"),
    ] {
        colors.push_str(&color(name, value));
    }
    let fonts = |latin: &str, jpan: &str| {
        format!(
            r#"<a:latin typeface="{}"/><a:ea typeface=""/><a:cs typeface=""/><a:font script="Jpan" typeface="{}"/>"#,
            escape(latin),
            escape(jpan)
        )
    };
    let fill = r#"<a:solidFill><a:schemeClr val="phClr"/></a:solidFill>"#;
    let line = |w: u32| {
        format!(
            r#"<a:ln w="{w}" cap="flat" cmpd="sng" algn="ctr"><a:solidFill><a:schemeClr val="phClr"/></a:solidFill><a:prstDash val="solid"/><a:miter lim="800000"/></a:ln>"#
        )
    };
    format!(
        concat!(
            r#"{decl}<a:theme xmlns:a="http://schemas.openxmlformats.org/drawingml/2006/main" name="supplement">"#,
            r#"<a:themeElements><a:clrScheme name="Office">{colors}</a:clrScheme>"#,
            r#"<a:fontScheme name="supplement"><a:majorFont>{major}</a:majorFont><a:minorFont>{minor}</a:minorFont></a:fontScheme>"#,
            r#"<a:fmtScheme name="Office"><a:fillStyleLst>{fill}{fill}{fill}</a:fillStyleLst>"#,
            r#"<a:lnStyleLst>{l1}{l2}{l3}</a:lnStyleLst>"#,
            r#"<a:effectStyleLst><a:effectStyle><a:effectLst/></a:effectStyle><a:effectStyle><a:effectLst/></a:effectStyle><a:effectStyle><a:effectLst/></a:effectStyle></a:effectStyleLst>"#,
            r#"<a:bgFillStyleLst>{fill}{fill}{fill}</a:bgFillStyleLst></a:fmtScheme></a:themeElements>"#,
            r#"<a:objectDefaults/><a:extraClrSchemeLst/></a:theme>"#
        ),
        decl = DECLARATION,
        colors = colors,
        major = fonts(latin_major, jpan_major),
        minor = fonts(latin_minor, jpan_minor),
        fill = fill,
        l1 = line(6350),
        l2 = line(12700),
        l3 = line(19050),
    )
}

/// word/document.xml, compressed as it is written: the body of a large supplement is tens
/// of megabytes of XML but a tenth of that deflated, so it is never held whole. It is
/// written into an archive of its own with the package's options, and [`pack`] copies
/// the compressed entry across unchanged (the same bytes as compressing it there).
pub struct DocumentStream {
    zip: zip::ZipWriter<Cursor<Vec<u8>>>,
}

/// Parts smaller than this are stored uncompressed (see [`pack`]).
pub const STORED_BELOW: usize = 4096;

/// The name of the document part.
const DOCUMENT: &str = "word/document.xml";

impl DocumentStream {
    /// Starts the part.
    pub fn new() -> Result<DocumentStream, EmitError> {
        let mut zip = zip::ZipWriter::new(Cursor::new(Vec::new()));
        zip.start_file(DOCUMENT, deflated()).map_err(zip_error)?;
        Ok(DocumentStream { zip })
    }

    /// Adds XML to the part.
    pub fn write(&mut self, xml: &[u8]) -> Result<(), EmitError> {
        self.zip.write_all(xml).map_err(io_error)
    }

    /// Ends the part: an archive holding only it.
    pub fn finish(self) -> Result<Vec<u8>, EmitError> {
        Ok(self.zip.finish().map_err(zip_error)?.into_inner())
    }
}

fn zip_error(e: zip::result::ZipError) -> EmitError {
    EmitError::Other(format!("zip: {e}"))
}

fn io_error(e: std::io::Error) -> EmitError {
    EmitError::Other(format!("zip: {e}"))
}

/// Deflate (at a fast level: nearly the size of the default on XML, in a fraction of the
/// time) and the fixed DOS-epoch timestamp (1980-01-01), so the same input gives the same
/// bytes.
fn deflated() -> zip::write::SimpleFileOptions {
    zip::write::SimpleFileOptions::default()
        .compression_method(zip::CompressionMethod::Deflated)
        .compression_level(Some(2))
        .last_modified_time(zip::DateTime::default())
        .unix_permissions(0o644)
}

/// The parts docx-rs renders (after repair), and what this module writes around them.
pub struct Parts {
    /// word/document.xml, compressed: [`DocumentStream::finish`].
    pub document: Vec<u8>,
    /// word/styles.xml.
    pub styles: Vec<u8>,
    /// word/numbering.xml.
    pub numbering: Vec<u8>,
    /// word/header1.xml.
    pub header: Vec<u8>,
    /// word/footer1.xml.
    pub footer: Vec<u8>,
    /// The bytes of the view's figures, by index (those used go to word/media/).
    pub media: Vec<std::sync::Arc<[u8]>>,
}

/// Fonts for the font table and theme.
pub struct FontNames<'a> {
    /// Every face the styles use.
    pub faces: Vec<&'a str>,
    /// Latin and Japanese heading faces.
    pub major: (&'a str, &'a str),
    /// Latin and Japanese body faces.
    pub minor: (&'a str, &'a str),
}

/// Zips the package with Deflate and the fixed DOS-epoch timestamp (1980-01-01).
pub fn pack(
    parts: Parts,
    ids: &Ids,
    properties: &Properties<'_>,
    fonts: &FontNames<'_>,
) -> Result<Vec<u8>, EmitError> {
    let mut zip = zip::ZipWriter::new(Cursor::new(Vec::new()));
    let options = deflated();
    let written: [(&str, Vec<u8>); 12] = [
        (
            "[Content_Types].xml",
            content_types(&ids.figures).into_bytes(),
        ),
        ("_rels/.rels", package_rels().into_bytes()),
        ("docProps/core.xml", core(properties).into_bytes()),
        ("docProps/app.xml", app().into_bytes()),
        (
            "word/_rels/document.xml.rels",
            document_rels(&ids.links, &ids.figures).into_bytes(),
        ),
        ("word/styles.xml", parts.styles),
        (
            "word/settings.xml",
            settings(properties.language).into_bytes(),
        ),
        ("word/fontTable.xml", font_table(&fonts.faces).into_bytes()),
        ("word/numbering.xml", parts.numbering),
        (
            "word/theme/theme1.xml",
            theme(fonts.major.0, fonts.minor.0, fonts.major.1, fonts.minor.1).into_bytes(),
        ),
        ("word/header1.xml", parts.header),
        ("word/footer1.xml", parts.footer),
    ];
    let mut document = zip::ZipArchive::new(Cursor::new(parts.document)).map_err(zip_error)?;
    // A part of a few kilobytes is stored as it is: starting a deflate stream allocates
    // and clears a few hundred kilobytes of state, and nine such parts were an eighth of
    // the bundled manuscript's DOCX time, to save about 8 KB.
    let small = options
        .compression_method(zip::CompressionMethod::Stored)
        .compression_level(None);
    for (name, bytes) in written {
        let part_options = if bytes.len() < STORED_BELOW {
            small
        } else {
            options
        };
        zip.start_file(name, part_options).map_err(zip_error)?;
        zip.write_all(&bytes).map_err(io_error)?;
        if name == "word/_rels/document.xml.rels" {
            // The document part comes next, copied compressed.
            let part = document.by_name(DOCUMENT).map_err(zip_error)?;
            zip.raw_copy_file_touch(part, zip::DateTime::default(), Some(0o644))
                .map_err(zip_error)?;
        }
    }
    // Images are compressed already: stored as they are.
    let stored = options
        .compression_method(zip::CompressionMethod::Stored)
        .compression_level(None);
    for (n, (_, index, ext)) in ids.figures.iter().enumerate() {
        let bytes = parts.media.get(*index).map_or(&[][..], |b| &b[..]);
        zip.start_file(format!("word/media/figure{}.{ext}", n + 1), stored)
            .map_err(zip_error)?;
        zip.write_all(bytes).map_err(io_error)?;
    }
    Ok(zip.finish().map_err(zip_error)?.into_inner())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_come_from_one_allocator_in_order() {
        // Intent: each kind counts from its start; one address has one relationship.
        let mut ids = Ids::default();
        assert_eq!(ids.bookmark(), 1);
        assert_eq!(ids.bookmark(), 2);
        assert_eq!(ids.paragraph(), "00000001");
        assert_eq!(ids.list(), 11);
        assert_eq!(ids.link("https://a"), "rIdLink1");
        assert_eq!(ids.link("https://b"), "rIdLink2");
        assert_eq!(ids.link("https://a"), "rIdLink1");
        assert_eq!(
            ids.revision(),
            3,
            "revisions and bookmarks share one sequence"
        );
    }

    #[test]
    fn a_part_compressed_as_it_grows_and_copied_gives_the_bytes_of_writing_it_whole() {
        // Intent: streaming word/document.xml into its own archive and copying the
        // compressed entry changes no byte of the package.
        let xml: Vec<u8> = (0..20_000)
            .flat_map(|i| {
                format!("<w:p w14:paraId=\"{i:08X}\"><w:r><w:t>本文{i}</w:t></w:r></w:p>")
                    .into_bytes()
            })
            .collect();
        let whole = {
            let mut zip = zip::ZipWriter::new(Cursor::new(Vec::new()));
            zip.start_file("before.xml", deflated()).expect("starts");
            zip.write_all(b"<a/>").expect("writes");
            zip.start_file(DOCUMENT, deflated()).expect("starts");
            zip.write_all(&xml).expect("writes");
            zip.finish().expect("finishes").into_inner()
        };
        let streamed = {
            let mut stream = DocumentStream::new().expect("starts");
            for chunk in xml.chunks(7_919) {
                stream.write(chunk).expect("writes");
            }
            let part = stream.finish().expect("finishes");
            let mut part = zip::ZipArchive::new(Cursor::new(part)).expect("reads");
            let mut zip = zip::ZipWriter::new(Cursor::new(Vec::new()));
            zip.start_file("before.xml", deflated()).expect("starts");
            zip.write_all(b"<a/>").expect("writes");
            let file = part.by_name(DOCUMENT).expect("the part");
            zip.raw_copy_file_touch(file, zip::DateTime::default(), Some(0o644))
                .expect("copies");
            zip.finish().expect("finishes").into_inner()
        };
        assert!(whole.len() < xml.len() / 4, "compressed");
        assert!(whole == streamed, "the same bytes");
    }

    #[test]
    fn written_parts_are_well_formed() {
        // Intent: every part this module writes parses as XML, with text escaped.
        let props = Properties {
            title: "a <b> & c",
            subject: "s",
            creator: Some("x\"y"),
            keywords: "k",
            language: "ja-JP",
            date: "2020-04-09T00:00:00Z",
        };
        let mut ids = Ids::default();
        ids.link("https://example.com/?a=1&b=<2>");
        for part in [
            core(&props),
            app(),
            content_types(&[]),
            package_rels(),
            document_rels(&ids.links, &ids.figures),
            settings("ja-JP"),
            font_table(&["游明朝", "Unknown & Co"]),
            theme("Yu Gothic", "Yu Mincho", "游ゴシック", "游明朝"),
        ] {
            roxmltree::Document::parse(&part).unwrap_or_else(|e| panic!("{e}: {part}"));
        }
        assert!(font_table(&["游明朝"]).contains("<w:altName w:val=\"Yu Mincho\"/>"));
    }
}
