//! The DOCX style sheet (`styles/docx.toml`): page, fonts, sizes, spacing, colours and
//! heading options; a manuscript's override is merged over the built-in key by key, and
//! every number is checked against the range Word accepts before anything is built.

use serde::Deserialize;

use crate::emit::EmitError;
use crate::styles::Styles;

/// The style sheet's file name under `styles/`.
pub const FILE: &str = "docx.toml";

/// The whole style sheet.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Sheet {
    /// Page size and margins.
    pub page: Page,
    /// Font names.
    pub fonts: Fonts,
    /// Font sizes in points.
    pub sizes: Sizes,
    /// Line, paragraph and cell spacing.
    pub spacing: Spacing,
    /// Colours as RRGGBB.
    pub colors: Colors,
    /// Heading options.
    pub headings: Headings,
}

/// Page size and margins in millimetres.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
#[allow(missing_docs)]
pub struct Page {
    pub width_mm: f64,
    pub height_mm: f64,
    pub margin_top_mm: f64,
    pub margin_bottom_mm: f64,
    pub margin_left_mm: f64,
    pub margin_right_mm: f64,
    pub header_mm: f64,
    pub footer_mm: f64,
}

/// Font names (Word names), Latin and East Asian separately.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
#[allow(missing_docs)]
pub struct Fonts {
    pub body_latin: String,
    pub body_east_asia: String,
    pub heading_latin: String,
    pub heading_east_asia: String,
    pub code: String,
    pub symbol: String,
}

/// Font sizes in points.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
#[allow(missing_docs)]
pub struct Sizes {
    pub body: f64,
    pub small: f64,
    pub table: f64,
    pub title: f64,
    pub subtitle: f64,
    pub heading1: f64,
    pub heading2: f64,
    pub heading3: f64,
    pub heading4: f64,
    pub heading5: f64,
    pub heading6: f64,
    pub header_footer: f64,
}

/// Spacing.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
#[allow(missing_docs)]
pub struct Spacing {
    pub line: f64,
    pub paragraph_after_pt: f64,
    pub heading_before_pt: f64,
    pub heading_after_pt: f64,
    pub cell_padding_mm: f64,
    pub cell_padding_top_mm: f64,
}

/// Colours, RRGGBB.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
#[allow(missing_docs)]
pub struct Colors {
    pub text: String,
    pub heading: String,
    pub accent: String,
    pub muted: String,
    pub link: String,
    pub rule: String,
    pub table_border: String,
    pub table_header_fill: String,
}

/// Heading options.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Headings {
    /// Number parts and revision points (1., 1.1, …).
    pub numbering: bool,
}

impl Sheet {
    /// The built-in sheet with the manuscript's override (if any) merged over it.
    pub fn from_styles(styles: &Styles) -> Result<Sheet, EmitError> {
        let override_text = styles.get(FILE).filter(|t| *t != BUILTIN);
        let error = |message: String, key: Option<&str>| EmitError::Style {
            name: FILE.into(),
            line: key.and_then(|k| line_of_key(override_text.unwrap_or_default(), k)),
            message,
        };
        let mut merged: toml::Table =
            toml::from_str(BUILTIN).map_err(|e| error(e.to_string(), None))?;
        if let Some(text) = override_text {
            let over: toml::Table = toml::from_str(text).map_err(|e| EmitError::Style {
                name: FILE.into(),
                line: e
                    .span()
                    .map(|r| text[..r.start.min(text.len())].lines().count().max(1)),
                message: e.message().to_string(),
            })?;
            crate::labels::merge(&mut merged, over);
        }
        let sheet: Sheet = merged.try_into().map_err(|e: toml::de::Error| {
            let message = e.message().to_string();
            let key = message.split('`').nth(1).map(str::to_string);
            error(message, key.as_deref())
        })?;
        sheet
            .check()
            .map_err(|(key, message)| error(format!("{key}: {message}"), Some(key)))?;
        Ok(sheet)
    }

    /// Every number in its range and every colour RRGGBB; the offending key otherwise.
    fn check(&self) -> Result<(), (&'static str, String)> {
        let in_range = |key: &'static str, v: f64, lo: f64, hi: f64| {
            if v.is_finite() && (lo..=hi).contains(&v) {
                Ok(())
            } else {
                Err((key, format!("{v} is not between {lo} and {hi}")))
            }
        };
        let p = &self.page;
        in_range("width_mm", p.width_mm, 50.0, 1000.0)?;
        in_range("height_mm", p.height_mm, 50.0, 1000.0)?;
        for (key, v) in [
            ("margin_top_mm", p.margin_top_mm),
            ("margin_bottom_mm", p.margin_bottom_mm),
            ("margin_left_mm", p.margin_left_mm),
            ("margin_right_mm", p.margin_right_mm),
            ("header_mm", p.header_mm),
            ("footer_mm", p.footer_mm),
        ] {
            in_range(key, v, 0.0, 200.0)?;
        }
        if p.margin_left_mm + p.margin_right_mm > p.width_mm - 20.0 {
            return Err((
                "margin_left_mm",
                "left and right margins leave less than 20 mm for text".into(),
            ));
        }
        if p.margin_top_mm + p.margin_bottom_mm > p.height_mm - 20.0 {
            return Err((
                "margin_top_mm",
                "top and bottom margins leave less than 20 mm for text".into(),
            ));
        }
        let z = &self.sizes;
        for (key, v) in [
            ("body", z.body),
            ("small", z.small),
            ("table", z.table),
            ("title", z.title),
            ("subtitle", z.subtitle),
            ("heading1", z.heading1),
            ("heading2", z.heading2),
            ("heading3", z.heading3),
            ("heading4", z.heading4),
            ("heading5", z.heading5),
            ("heading6", z.heading6),
            ("header_footer", z.header_footer),
        ] {
            in_range(key, v, 4.0, 96.0)?;
        }
        let s = &self.spacing;
        in_range("line", s.line, 0.5, 5.0)?;
        in_range("paragraph_after_pt", s.paragraph_after_pt, 0.0, 100.0)?;
        in_range("heading_before_pt", s.heading_before_pt, 0.0, 100.0)?;
        in_range("heading_after_pt", s.heading_after_pt, 0.0, 100.0)?;
        in_range("cell_padding_mm", s.cell_padding_mm, 0.0, 20.0)?;
        in_range("cell_padding_top_mm", s.cell_padding_top_mm, 0.0, 20.0)?;
        let c = &self.colors;
        for (key, v) in [
            ("text", &c.text),
            ("heading", &c.heading),
            ("accent", &c.accent),
            ("muted", &c.muted),
            ("link", &c.link),
            ("rule", &c.rule),
            ("table_border", &c.table_border),
            ("table_header_fill", &c.table_header_fill),
        ] {
            if v.len() != 6 || !v.chars().all(|x| x.is_ascii_hexdigit()) {
                return Err((key, format!("colour {v:?} is not RRGGBB")));
            }
        }
        let f = &self.fonts;
        for (key, v) in [
            ("body_latin", &f.body_latin),
            ("body_east_asia", &f.body_east_asia),
            ("heading_latin", &f.heading_latin),
            ("heading_east_asia", &f.heading_east_asia),
            ("code", &f.code),
            ("symbol", &f.symbol),
        ] {
            if v.trim().is_empty() || v.chars().count() > 31 {
                return Err((key, "a font name has 1 to 31 characters".into()));
            }
        }
        Ok(())
    }

    /// Width of the text area in twips.
    pub fn text_width(&self) -> i32 {
        mm(self.page.width_mm - self.page.margin_left_mm - self.page.margin_right_mm)
    }
}

/// The built-in sheet.
pub const BUILTIN: &str = include_str!("../../../styles/docx.toml");

/// Millimetres to twips.
pub fn mm(v: f64) -> i32 {
    (v * 1440.0 / 25.4).round() as i32
}

/// Points to half-points (Word's font size unit).
pub fn half_points(v: f64) -> usize {
    (v * 2.0).round().max(1.0) as usize
}

/// Points to twips.
pub fn pt(v: f64) -> u32 {
    (v * 20.0).round().max(0.0) as u32
}

/// The 1-based line where `key` is set in a TOML text, if it is.
fn line_of_key(text: &str, key: &str) -> Option<usize> {
    text.lines()
        .position(|l| {
            let l = l.trim_start();
            l.strip_prefix(key)
                .is_some_and(|rest| rest.trim_start().starts_with('='))
        })
        .map(|i| i + 1)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn with(text: &str) -> Result<Sheet, EmitError> {
        let mut styles = Styles::builtin();
        styles.set(FILE, text.to_string()).unwrap();
        Sheet::from_styles(&styles)
    }

    #[test]
    fn numbers_out_of_range_are_refused_at_their_key() {
        // Intent: NaN, infinities, negative and huge values never reach the XML; the error
        // names the key and its line.
        for bad in ["-1e9", "1e300", "nan", "inf", "-inf"] {
            let text = format!("[page]\n\nmargin_left_mm = {bad}\n");
            match with(&text) {
                Err(EmitError::Style { line, message, .. }) => {
                    assert_eq!(line, Some(3), "{bad}: {message}");
                    assert!(message.contains("margin_left_mm"), "{message}");
                }
                other => panic!("{bad}: {other:?}"),
            }
        }
        assert!(with("[spacing]\nline = 0\n").is_err());
        assert!(with("[colors]\nrule = \"red\"\n").is_err());
        assert!(with("[sizes]\nbody = 11\n").is_ok());
    }
}
