//! The DOCX style sheet (`styles/docx.toml`): page, fonts, sizes, spacing, colours, heading
//! numbering and labels; a manuscript's override is merged over the built-in key by key.

use std::collections::BTreeMap;

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
    /// Line and paragraph spacing.
    pub spacing: Spacing,
    /// Colours as RRGGBB.
    pub colors: Colors,
    /// Heading options.
    pub headings: Headings,
    /// Fixed words of the document.
    pub labels: BTreeMap<String, String>,
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
    pub table_border: String,
    pub table_header_fill: String,
    pub meta_label_fill: String,
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
        let override_text = styles.get(FILE).unwrap_or_default();
        let error = |message: String, key: Option<&str>| EmitError::Style {
            name: FILE.into(),
            line: key.and_then(|k| line_of_key(override_text, k)),
            message,
        };
        let mut merged: toml::Table = toml::from_str(include_str!("../../../styles/docx.toml"))
            .map_err(|e| error(e.to_string(), None))?;
        if let Some(text) = styles.get(FILE) {
            let override_table: toml::Table =
                toml::from_str(text).map_err(|e| EmitError::Style {
                    name: FILE.into(),
                    line: e
                        .span()
                        .map(|r| text[..r.start.min(text.len())].lines().count().max(1)),
                    message: e.message().to_string(),
                })?;
            merge(&mut merged, override_table);
        }
        let sheet: Sheet = merged.try_into().map_err(|e: toml::de::Error| {
            let message = e.message().to_string();
            let key = message.split('`').nth(1).map(str::to_string);
            error(message, key.as_deref())
        })?;
        sheet.check().map_err(|m| error(m, None))?;
        Ok(sheet)
    }

    fn check(&self) -> Result<(), String> {
        let colors = [
            &self.colors.text,
            &self.colors.heading,
            &self.colors.accent,
            &self.colors.muted,
            &self.colors.link,
            &self.colors.table_border,
            &self.colors.table_header_fill,
            &self.colors.meta_label_fill,
        ];
        for c in colors {
            if c.len() != 6 || !c.chars().all(|x| x.is_ascii_hexdigit()) {
                return Err(format!("colour {c:?} is not RRGGBB"));
            }
        }
        let p = &self.page;
        if !(50.0..=1000.0).contains(&p.width_mm) || !(50.0..=1000.0).contains(&p.height_mm) {
            return Err("page size must be between 50 and 1000 mm".into());
        }
        if p.margin_left_mm + p.margin_right_mm >= p.width_mm - 20.0 {
            return Err("left and right margins leave no room for text".into());
        }
        let sizes = [
            self.sizes.body,
            self.sizes.small,
            self.sizes.table,
            self.sizes.title,
            self.sizes.subtitle,
            self.sizes.heading1,
            self.sizes.heading2,
            self.sizes.heading3,
            self.sizes.heading4,
            self.sizes.header_footer,
        ];
        if sizes.iter().any(|s| !(4.0..=96.0).contains(s)) {
            return Err("font sizes must be between 4 and 96 points".into());
        }
        Ok(())
    }

    /// A label by key (the key itself when the sheet has none).
    pub fn label(&self, key: &str) -> String {
        self.labels
            .get(key)
            .cloned()
            .unwrap_or_else(|| key.to_string())
    }

    /// Width of the text area in twips.
    pub fn text_width(&self) -> usize {
        mm(self.page.width_mm - self.page.margin_left_mm - self.page.margin_right_mm) as usize
    }
}

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

fn merge(base: &mut toml::Table, over: toml::Table) {
    for (key, value) in over {
        match (base.get_mut(&key), value) {
            (Some(toml::Value::Table(b)), toml::Value::Table(o)) => merge(b, o),
            (_, value) => {
                base.insert(key, value);
            }
        }
    }
}
