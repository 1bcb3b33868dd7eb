//! The HTML emitter: one self-contained page (CSS inline, no scripts unless live reload is
//! asked for) rendered from the minijinja templates in `styles/html/`, autoescaped, with
//! undefined variables an error. Templates read the document view as `doc` and its labels
//! as `labels`; `body(id)` gives a body as HTML.

mod body;

use std::sync::Arc;

use minijinja::{AutoEscape, Environment, UndefinedBehavior, Value};
use serde::Serialize;

use super::{EmitError, Emitter, OutputFile, RenderOptions};
use crate::labels::Labels;
use crate::styles::{Styles, BUILTIN};
use crate::view::DocumentView;

pub use body::render_blocks;

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

    fn templates(&self) -> &'static [&'static str] {
        &[PAGE]
    }

    fn render(
        &self,
        view: &DocumentView,
        styles: &Styles,
        _options: &RenderOptions,
    ) -> Result<Vec<OutputFile>, EmitError> {
        let html = render_page(view, styles, PageOptions::default())?;
        Ok(vec![OutputFile {
            name: format!("{}.html", view.id),
            bytes: html.into_bytes(),
        }])
    }
}

#[derive(Serialize)]
struct PageContext<'a> {
    doc: &'a Value,
    labels: &'a Labels,
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
    env.add_filter("href", |url: String| super::markup::href(&url));
    // h2…h6 for a view heading level (HTML's h1 is the title): a function rather than a
    // template macro, as it is called twice per heading and a macro call costs far more.
    env.add_function("h", |level: i64| {
        format!("h{}", if level < 6 { level + 1 } else { 6 })
    });
    // Until a body is given, `body()` renders nothing (check compiles templates only).
    env.add_function("body", |_: Option<usize>| {
        Value::from_safe_string(String::new())
    });
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
    view: &DocumentView,
    styles: &Styles,
    options: PageOptions,
) -> Result<String, EmitError> {
    render_page_keeping(view, styles, options).map(|(html, _)| html)
}

/// What rendering the page leaves behind: the document as the template saw it. Freeing it
/// takes about a tenth of the render; the preview server frees it after the new page is
/// shown.
#[derive(Debug)]
pub struct Leftover(#[allow(dead_code)] Value);

/// [`render_page`], also returning what rendering leaves behind, for the caller to free
/// when it suits it.
pub fn render_page_keeping(
    view: &DocumentView,
    styles: &Styles,
    options: PageOptions,
) -> Result<(String, Leftover), EmitError> {
    let mut env = environment(styles)?;
    super::add_label_functions(&mut env, &view.labels);
    let budget = super::budget::Budget::for_view(view);
    env.set_fuel(Some(budget.fuel));
    // Every body rendered once; templates place them with `body(id)`.
    let bodies: Arc<Vec<String>> = Arc::new(
        view.bodies
            .iter()
            .map(|b| render_blocks(b, &view.figures))
            .collect(),
    );
    env.add_function("body", move |id: Option<usize>| {
        let html = id.and_then(|i| bodies.get(i)).cloned().unwrap_or_default();
        Value::from_safe_string(html)
    });
    // The style sheet goes inside <style>: every "<" is written as the CSS escape "\3C "
    // (the same character to CSS, in strings; "<" has no other use in CSS), so that no
    // override can close the element and start markup.
    let css = styles.get(CSS).unwrap_or_default().replace('<', "\\3C ");
    let template = env
        .get_template(PAGE)
        .map_err(|e| EmitError::template(PAGE, &e))?;
    let context = Value::from_serialize(PageContext {
        doc: view.template_value(),
        labels: &view.labels,
        css: &css,
        draft: options.draft,
        reload: options.reload,
    });
    let html = super::budget::render(PAGE, &template, context.clone(), budget)?;
    Ok((html, Leftover(context)))
}
