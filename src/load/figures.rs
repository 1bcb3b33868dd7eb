//! Figures: the image files bodies show (`![alt](figures/chart.png "caption")`), read and
//! measured when the manuscript is loaded, so emitters never touch the disk and every
//! problem is a diagnostic at the image's place in the TOML.
//!
//! A figure's file must lie inside the manuscript folder (no address, no absolute path, no
//! `..`, no link that leads out), be a PNG, JPEG, GIF or SVG whose content matches its
//! extension, whole (a PNG ends with its IEND chunk, a JPEG with its end marker), with a
//! size the format states, within the limits below.

use std::path::{Component, Path};

use crate::diagnostics::Diagnostic;
use crate::model::{Block, FigureFile, Span, Supplement, Topic};

/// Largest figure file, in bytes.
pub const MAX_FIGURE_BYTES: u64 = 5 * 1024 * 1024;
/// Most bytes all figures together may hold.
pub const MAX_FIGURES_BYTES: u64 = 32 * 1024 * 1024;
/// Most figure files a manuscript may have.
pub const MAX_FIGURES: usize = 200;
/// Largest width or height, in pixels.
pub const MAX_FIGURE_SIDE: u32 = 20_000;

/// Reads every figure the bodies of `s` show into `s.figures`, and reports images inside
/// text, figures without alternative text, and files that cannot be used.
pub(super) fn read(dir: &Path, root: &Path, s: &mut Supplement, diags: &mut Vec<Diagnostic>) {
    let mut images: Vec<(String, String, Span, bool)> = Vec::new();
    {
        let mut collect = |blocks: &[Block]| {
            Block::for_each_image(blocks, &mut |i| {
                images.push((i.src.to_string(), i.alt.to_string(), i.span, i.figure));
            });
        };
        for notes in &s.general_notes {
            collect(notes);
        }
        for r in &s.reasons {
            collect(&r.body);
        }
        for p in &s.parts {
            collect(&p.body);
            for point in &p.points {
                walk(&point.topic, &mut collect);
            }
            for t in &p.topics {
                walk(t, &mut collect);
            }
        }
    }
    let mut total: u64 = 0;
    let mut figures: Vec<FigureFile> = Vec::new();
    let mut failed: Vec<String> = Vec::new();
    for (src, alt, span, figure) in images {
        if !figure {
            diags.push(
                Diagnostic::warning(
                    "figure-in-text",
                    span,
                    format!(
                        "the image {src:?} is inside text: it is shown as its alternative text"
                    ),
                )
                .with_hint("put the image in a paragraph of its own to show it as a figure"),
            );
            continue;
        }
        if alt.trim().is_empty() {
            diags.push(
                Diagnostic::warning(
                    "figure-without-alt",
                    span,
                    format!("the figure {src:?} has no alternative text"),
                )
                .with_hint("say what the figure shows between the brackets: ![what it shows](figures/x.png)"),
            );
        }
        if figures.iter().any(|f| f.src == src) || failed.contains(&src) {
            continue;
        }
        match read_one(dir, root, &src, span, &mut total, figures.len()) {
            Ok(f) => figures.push(f),
            Err(d) => {
                failed.push(src);
                diags.push(d);
            }
        }
    }
    s.figures = figures;
}

fn walk(topic: &Topic, f: &mut dyn FnMut(&[Block])) {
    f(&topic.body);
    for t in &topic.topics {
        walk(t, f);
    }
}

/// The `/`-separated relative path a figure names, or why it names none.
fn relative_path(src: &str) -> Result<String, String> {
    if src.contains("://") || src.contains(':') && !src.contains('/') || src.starts_with("data:") {
        return Err(format!(
            "{src:?} is an address; a figure is a file inside the manuscript folder"
        ));
    }
    let decoded = percent_decode(src).ok_or_else(|| format!("{src:?} is not a valid file name"))?;
    let path = Path::new(&decoded);
    let mut parts = Vec::new();
    for c in path.components() {
        match c {
            Component::Normal(p) => parts.push(p.to_string_lossy().into_owned()),
            Component::CurDir => {}
            _ => {
                return Err(format!(
                    "{src:?} leads outside the manuscript folder; a figure is a file inside it"
                ))
            }
        }
    }
    if parts.is_empty() {
        return Err(format!("{src:?} names no file"));
    }
    Ok(parts.join("/"))
}

fn percent_decode(text: &str) -> Option<String> {
    let bytes = text.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%' {
            let hex = std::str::from_utf8(bytes.get(i + 1..i + 3)?).ok()?;
            out.push(u8::from_str_radix(hex, 16).ok()?);
            i += 3;
        } else {
            out.push(bytes[i]);
            i += 1;
        }
    }
    String::from_utf8(out).ok()
}

fn read_one(
    dir: &Path,
    root: &Path,
    src: &str,
    span: Span,
    total: &mut u64,
    count: usize,
) -> Result<FigureFile, Diagnostic> {
    let outside = |message: String| {
        Diagnostic::error("figure-outside", span, message)
            .with_hint("keep figures in the manuscript folder, e.g. figures/chart.png")
    };
    let rel = relative_path(src).map_err(outside)?;
    if count >= MAX_FIGURES {
        return Err(Diagnostic::error(
            "too-many-figures",
            span,
            format!("the manuscript has more than {MAX_FIGURES} figure files"),
        ));
    }
    let path = dir.join(&rel);
    let real = path.canonicalize().map_err(|_| {
        Diagnostic::error(
            "figure-missing",
            span,
            format!("there is no file {rel:?} in the manuscript folder"),
        )
        .with_hint("figure names are relative to the manuscript folder (where supplement.toml is)")
    })?;
    if !real.starts_with(root) {
        return Err(outside(format!(
            "{rel:?} is a link that leads outside the manuscript folder"
        )));
    }
    let meta = std::fs::metadata(&real).map_err(|e| {
        Diagnostic::error("figure-missing", span, format!("cannot read {rel:?}: {e}"))
    })?;
    if !meta.is_file() {
        return Err(Diagnostic::error(
            "figure-missing",
            span,
            format!("{rel:?} is not a file"),
        ));
    }
    if meta.len() > MAX_FIGURE_BYTES {
        return Err(Diagnostic::error(
            "figure-too-large",
            span,
            format!(
                "{rel:?} is {} KB; a figure may be at most {} MB",
                meta.len() / 1024,
                MAX_FIGURE_BYTES >> 20
            ),
        )
        .with_hint(
            "save it smaller: a figure shown at page width needs about 2,000 pixels at most",
        ));
    }
    *total = total.saturating_add(meta.len());
    if *total > MAX_FIGURES_BYTES {
        return Err(Diagnostic::error(
            "figure-too-large",
            span,
            format!(
                "with {rel:?} the figures pass {} MB together",
                MAX_FIGURES_BYTES >> 20
            ),
        ));
    }
    let bytes = std::fs::read(&real).map_err(|e| {
        Diagnostic::error("figure-missing", span, format!("cannot read {rel:?}: {e}"))
    })?;
    let unreadable = |message: String| {
        Diagnostic::error("figure-unreadable", span, message)
            .with_hint("figures are PNG, JPEG, GIF or SVG files, saved whole")
    };
    let ext = rel
        .rsplit_once('.')
        .map(|(_, e)| e.to_ascii_lowercase())
        .unwrap_or_default();
    let (mime, width, height) = measure(&bytes).map_err(|e| unreadable(format!("{rel:?} {e}")))?;
    let expected = match ext.as_str() {
        "png" => "image/png",
        "jpg" | "jpeg" => "image/jpeg",
        "gif" => "image/gif",
        "svg" => "image/svg+xml",
        _ => "",
    };
    if expected != mime {
        return Err(unreadable(format!(
            "{rel:?} holds a {} image, which its name does not say",
            mime.trim_start_matches("image/")
                .trim_end_matches("+xml")
                .to_uppercase()
        )));
    }
    if width == 0 || height == 0 || width > MAX_FIGURE_SIDE || height > MAX_FIGURE_SIDE {
        return Err(unreadable(format!(
            "{rel:?} is {width} × {height} pixels; a figure is 1 to {MAX_FIGURE_SIDE} pixels a side"
        )));
    }
    Ok(FigureFile {
        src: src.to_string(),
        path: rel,
        mime,
        width,
        height,
        bytes: bytes.into(),
    })
}

/// The type and size of an image, or what is wrong with it.
pub fn measure(bytes: &[u8]) -> Result<(&'static str, u32, u32), String> {
    use imagesize::ImageType;
    match imagesize::image_type(bytes) {
        Ok(kind @ (ImageType::Png | ImageType::Jpeg | ImageType::Gif)) => {
            let size = imagesize::blob_size(bytes).map_err(|e| format!("cannot be read: {e}"))?;
            let whole = match kind {
                ImageType::Png => {
                    bytes.len() >= 12 && &bytes[bytes.len() - 8..bytes.len() - 4] == b"IEND"
                }
                ImageType::Jpeg => bytes.ends_with(&[0xFF, 0xD9]),
                _ => bytes.ends_with(b";"),
            };
            if !whole {
                return Err("is cut short (the file ends before the image does)".into());
            }
            let mime = match kind {
                ImageType::Png => "image/png",
                ImageType::Jpeg => "image/jpeg",
                _ => "image/gif",
            };
            let side = |v: usize| u32::try_from(v).unwrap_or(u32::MAX);
            Ok((mime, side(size.width), side(size.height)))
        }
        _ if looks_like_svg(bytes) => svg_size(bytes).map(|(w, h)| ("image/svg+xml", w, h)),
        _ => Err("is not a PNG, JPEG, GIF or SVG image".into()),
    }
}

fn looks_like_svg(bytes: &[u8]) -> bool {
    let head = &bytes[..bytes.len().min(4096)];
    std::str::from_utf8(head)
        .map(|t| {
            t.trim_start_matches('\u{feff}')
                .trim_start()
                .starts_with('<')
                && t.contains("<svg")
        })
        .unwrap_or(false)
}

/// The size of an SVG from its root element: `width` and `height` (px, or an absolute
/// unit at 96 per inch), else its `viewBox`.
fn svg_size(bytes: &[u8]) -> Result<(u32, u32), String> {
    use quick_xml::events::Event;
    let text = std::str::from_utf8(bytes).map_err(|_| "is not UTF-8 text".to_string())?;
    let mut reader = quick_xml::Reader::from_str(text);
    loop {
        match reader.read_event() {
            Ok(Event::Start(e) | Event::Empty(e)) => {
                if e.local_name().as_ref() != b"svg" {
                    return Err("does not start with an <svg> element".into());
                }
                let mut width = None;
                let mut height = None;
                let mut view_box = None;
                for a in e.attributes().flatten() {
                    let value = String::from_utf8_lossy(&a.value).into_owned();
                    match a.key.local_name().as_ref() {
                        b"width" => width = length(&value),
                        b"height" => height = length(&value),
                        b"viewBox" => view_box = Some(value),
                        _ => {}
                    }
                }
                let from_box = view_box.and_then(|v| {
                    let n: Vec<f64> = v
                        .split([' ', ','])
                        .filter(|p| !p.is_empty())
                        .filter_map(|p| p.parse().ok())
                        .collect();
                    (n.len() == 4).then(|| (n[2], n[3]))
                });
                let (w, h) = match (width, height, from_box) {
                    (Some(w), Some(h), _) => (w, h),
                    (Some(w), None, Some((bw, bh))) if bw > 0.0 => (w, w * bh / bw),
                    (None, Some(h), Some((bw, bh))) if bh > 0.0 => (h * bw / bh, h),
                    (_, _, Some((bw, bh))) => (bw, bh),
                    _ => return Err("has no width, height or viewBox, so no size".into()),
                };
                let px = |v: f64| {
                    if v.is_finite() && v >= 1.0 && v <= f64::from(MAX_FIGURE_SIDE) {
                        v.round() as u32
                    } else {
                        0
                    }
                };
                return Ok((px(w), px(h)));
            }
            Ok(Event::Eof) => return Err("has no <svg> element".into()),
            Ok(_) => {}
            Err(e) => return Err(format!("is not well-formed XML: {e}")),
        }
    }
}

/// A length in CSS pixels: a number with no unit or px, pt, pc, mm, cm or in; `None` for
/// a percentage or anything else.
fn length(text: &str) -> Option<f64> {
    let t = text.trim();
    let split = t
        .find(|c: char| {
            !(c.is_ascii_digit() || c == '.' || c == '-' || c == '+' || c == 'e' || c == 'E')
        })
        .unwrap_or(t.len());
    let (number, unit) = t.split_at(split);
    let n: f64 = number.parse().ok()?;
    let factor = match unit.trim() {
        "" | "px" => 1.0,
        "pt" => 96.0 / 72.0,
        "pc" => 16.0,
        "mm" => 96.0 / 25.4,
        "cm" => 96.0 / 2.54,
        "in" => 96.0,
        _ => return None,
    };
    Some(n * factor)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn figure_names_stay_inside_the_folder() {
        // Intent: addresses, absolute paths and `..` are refused; percent-escapes decode.
        assert_eq!(
            relative_path("figures/a.png").as_deref(),
            Ok("figures/a.png")
        );
        assert_eq!(
            relative_path("./figures/%E5%9B%B3.png").as_deref(),
            Ok("figures/図.png")
        );
        assert!(relative_path("https://example.com/a.png").is_err());
        assert!(relative_path("/etc/passwd").is_err());
        assert!(relative_path("figures/../../x.png").is_err());
        assert!(relative_path("data:image/png;base64,AAAA").is_err());
    }

    #[test]
    fn svg_sizes_come_from_width_height_or_the_view_box() {
        // Intent: the common ways an SVG states its size all give pixels.
        let size = |s: &str| svg_size(s.as_bytes());
        assert_eq!(
            size(r#"<svg xmlns="http://www.w3.org/2000/svg" width="320" height="180"/>"#),
            Ok((320, 180))
        );
        assert_eq!(
            size(r#"<svg width="2in" height="1in"></svg>"#),
            Ok((192, 96))
        );
        assert_eq!(
            size(r#"<?xml version="1.0"?><svg viewBox="0 0 400 300"></svg>"#),
            Ok((400, 300))
        );
        assert_eq!(
            size(r#"<svg width="200" viewBox="0 0 400 300"></svg>"#),
            Ok((200, 150))
        );
        assert!(size(r#"<svg></svg>"#).is_err());
        assert!(size(r#"<html></html>"#).is_err());
    }
}
