//! The changelog emitter: plain text from `styles/changelog.txt.j2`: the dated history,
//! the reasons, every revision point grouped by target section, and the full content by
//! part. The template reads the view as `doc`, its labels as `labels`, and a body as text
//! with `body(id)`.

use std::sync::Arc;

use minijinja::{Environment, UndefinedBehavior};

use super::{text, EmitError, Emitter, OutputFile, RenderOptions};
use crate::styles::Styles;
use crate::view::DocumentView;

/// The template the changelog is rendered from.
pub const TEMPLATE: &str = "changelog.txt.j2";

/// Plain-text changelog.
pub struct Changelog;

impl Emitter for Changelog {
    fn name(&self) -> &'static str {
        "changelog"
    }

    fn description(&self) -> &'static str {
        "plain-text changelog: history, and every revision point by target section"
    }

    fn check_styles(&self, styles: &Styles) -> Result<(), EmitError> {
        let source = styles.get(TEMPLATE).unwrap_or_default();
        let mut env = Environment::new();
        env.add_template(TEMPLATE, source)
            .map_err(|e| EmitError::template(TEMPLATE, &e))
    }

    fn templates(&self) -> &'static [&'static str] {
        &[TEMPLATE]
    }

    fn render(
        &self,
        view: &DocumentView,
        styles: &Styles,
        _options: &RenderOptions,
    ) -> Result<Vec<OutputFile>, EmitError> {
        let source = styles.get(TEMPLATE).ok_or_else(|| EmitError::Template {
            name: TEMPLATE.into(),
            line: None,
            message: "template is missing".into(),
        })?;
        let rendered = render_template(TEMPLATE, source, view)?;
        Ok(vec![OutputFile {
            name: format!("{}.changelog.txt", view.id),
            bytes: rendered.into_bytes(),
        }])
    }
}

/// Renders one template with strict undefined variables and no autoescape (plain text).
pub fn render_template(name: &str, source: &str, view: &DocumentView) -> Result<String, EmitError> {
    let mut env = Environment::new();
    env.set_undefined_behavior(UndefinedBehavior::Strict);
    env.set_trim_blocks(true);
    env.set_lstrip_blocks(true);
    env.set_keep_trailing_newline(true);
    let bodies: Arc<Vec<String>> = Arc::new(view.bodies.iter().map(|b| text::blocks(b)).collect());
    env.add_function("body", move |id: Option<usize>| {
        id.and_then(|i| bodies.get(i)).cloned().unwrap_or_default()
    });
    super::add_label_functions(&mut env, &view.labels);
    let budget = super::budget::Budget::for_view(view);
    env.set_fuel(Some(budget.fuel));
    let template_error = |e: minijinja::Error| EmitError::template(name, &e);
    env.add_template(name, source).map_err(template_error)?;
    let template = env.get_template(name).map_err(template_error)?;
    let out = super::budget::render(
        name,
        &template,
        minijinja::context! { doc => view.template_value(), labels => &view.labels },
        budget,
    )?;
    // Normalise trailing whitespace so the output diffs cleanly.
    Ok(trim_line_ends(out))
}

/// Every line without its trailing whitespace, each ended by one newline (what joining
/// `text.lines()` trimmed with newlines gives), done in place: the changelog of a large
/// manuscript is megabytes, and a copy of it was a tenth of the emitter's memory.
fn trim_line_ends(text: String) -> String {
    let mut bytes = text.into_bytes();
    let len = bytes.len();
    let (mut read, mut write) = (0, 0);
    while read < len {
        let end = bytes[read..]
            .iter()
            .position(|&b| b == b'\n')
            .map_or(len, |i| read + i);
        // Lines split at a newline are whole characters of the (valid) text.
        let kept =
            std::str::from_utf8(&bytes[read..end]).map_or(end - read, |l| l.trim_end().len());
        bytes.copy_within(read..read + kept, write);
        write += kept;
        if write < len {
            bytes[write] = b'\n';
        } else {
            bytes.push(b'\n');
        }
        write += 1;
        read = end + 1;
    }
    bytes.truncate(write);
    if bytes.is_empty() {
        bytes.push(b'\n');
    }
    String::from_utf8(bytes).unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::trim_line_ends;

    #[test]
    fn line_ends_are_trimmed_as_joining_trimmed_lines_would() {
        // Intent: the in-place trim gives exactly `lines()`, trimmed, joined by newlines,
        // plus a final newline: trailing spaces (ASCII and ideographic), CRLF, blank
        // lines, a last line with and without its newline, the empty text.
        let reference = |t: &str| {
            let mut s = t.lines().map(str::trim_end).collect::<Vec<_>>().join("\n");
            s.push('\n');
            s
        };
        for text in [
            "",
            "\n",
            "a",
            "a\n",
            "a\n\n",
            "a  \nb\t\n",
            "改訂\u{3000}\u{3000}\n履歴 \r\n\r\n",
            "  \n  x  \n\n\n  ",
            "末尾に改行なし　",
        ] {
            assert_eq!(
                trim_line_ends(text.to_string()),
                reference(text),
                "{text:?}"
            );
        }
    }
}
