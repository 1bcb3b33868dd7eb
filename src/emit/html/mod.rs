//! The HTML emitter: one self-contained page (CSS inline, no scripts unless live reload is
//! asked for) rendered from the minijinja templates in `styles/html/`, autoescaped, with
//! undefined variables an error.

mod body;

use minijinja::{AutoEscape, Environment, UndefinedBehavior};
use serde::Serialize;

use super::common::DocumentView;
use super::{EmitError, Emitter, OutputFile, RenderOptions};
use crate::model::Supplement;
use crate::styles::{Styles, BUILTIN};

pub use body::{escape, render_blocks};

/// The page template.
pub const PAGE: &str = "html/page.html.j2";
/// The style sheet inlined into the page.
pub const CSS: &str = "html/style.css";

/// Web page.
pub struct HtmlEmitter;

/// How the page is rendered beyond the manuscript itself.
#[derive(Debug, Clone, Copy, Default)]
pub struct PageOptions {
    /// Mark the page as a draft (the preview server does).
    pub draft: bool,
    /// Include the live-reload script (the preview server does).
    pub reload: bool,
}

impl Emitter for HtmlEmitter {
    fn name(&self) -> &'static str {
        "html"
    }

    fn description(&self) -> &'static str {
        "self-contained web page (.html) with navigation, badges and print CSS"
    }

    fn check_styles(&self, styles: &Styles) -> Result<(), EmitError> {
        environment(styles).map(|_| ())
    }

    fn render(
        &self,
        s: &Supplement,
        styles: &Styles,
        _options: &RenderOptions,
    ) -> Result<Vec<OutputFile>, EmitError> {
        let html = render_page(s, styles, PageOptions::default())?;
        Ok(vec![OutputFile {
            name: format!("{}.html", s.id.value),
            bytes: html.into_bytes(),
        }])
    }
}

#[derive(Serialize)]
struct PageContext<'a> {
    doc: DocumentView<'a>,
    css: &'a str,
    draft: bool,
    reload: bool,
}

/// The template environment: every HTML template (built-in or overridden) compiled,
/// autoescape on, undefined variables an error, with the `href` filter.
fn environment(styles: &Styles) -> Result<Environment<'_>, EmitError> {
    let mut env = Environment::new();
    env.set_undefined_behavior(UndefinedBehavior::Strict);
    env.set_auto_escape_callback(|_| AutoEscape::Html);
    env.set_trim_blocks(true);
    env.set_lstrip_blocks(true);
    env.add_filter("href", |url: String| super::common::href(&url));
    for (name, _) in BUILTIN
        .iter()
        .filter(|(n, _)| n.starts_with("html/") && n.ends_with(".j2"))
    {
        let source = styles.get(name).unwrap_or_default();
        env.add_template(name, source)
            .map_err(|e| EmitError::template(name, &e))?;
    }
    Ok(env)
}

/// Renders the page.
pub fn render_page(
    s: &Supplement,
    styles: &Styles,
    options: PageOptions,
) -> Result<String, EmitError> {
    let env = environment(styles)?;
    // The style sheet goes inside <style>: every "<" is written as the CSS escape "\3C "
    // (the same character to CSS, in strings; "<" has no other use in CSS), so that no
    // override can close the element and start markup.
    let css = styles.get(CSS).unwrap_or_default().replace('<', "\\3C ");
    let view = DocumentView::build(s, &styles.labels, &render_blocks);
    let template = env
        .get_template(PAGE)
        .map_err(|e| EmitError::template(PAGE, &e))?;
    let context = PageContext {
        doc: view,
        css: &css,
        draft: options.draft,
        reload: options.reload,
    };
    let html = template
        .render(&context)
        .map_err(|e| EmitError::template(PAGE, &e))?;
    Ok(html)
}
