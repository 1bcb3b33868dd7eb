//! What the preview adds to the page it serves: a dismissible banner listing the warnings,
//! an overlay listing the errors of a broken save above the last page that built, a page
//! of problems when nothing has built yet, and a script that keeps the scroll position
//! across reloads. Every word comes from the labels' `[text]`; every piece of manuscript
//! text is escaped.

use crate::labels::TextLabels;

/// The id of the warnings banner (the page script finds it by this id).
const BANNER_ID: &str = "supplement-preview-warnings";

/// Keeps the scroll position across reloads (the page reloads on every save) and lets the
/// warnings banner be dismissed until its warnings change.
pub const PAGE_SCRIPT: &str = "<script>(function(){\
var s;try{s=window.sessionStorage;history.scrollRestoration='manual';}catch(e){return;}\
var k='supplement-preview-scroll',y=s.getItem(k);\
function go(){if(y!==null){window.scrollTo(0,+y);}}go();addEventListener('load',go);\
function keep(){s.setItem(k,String(window.scrollY));}\
addEventListener('scroll',keep,{passive:true});addEventListener('pagehide',keep);\
var b=document.getElementById('supplement-preview-warnings');if(!b){return;}\
var key=b.getAttribute('data-key'),d='supplement-preview-dismissed';\
if(s.getItem(d)===key){b.hidden=true;}\
b.querySelector('button').addEventListener('click',function(){b.hidden=true;s.setItem(d,key);});\
})();</script>";

/// The script a page of problems uses to reload when the server says so.
pub const RELOAD_SCRIPT: &str = "<script>(function(){var s=new EventSource('/__events');\
s.addEventListener('reload',function(){location.reload();});})();</script>";

/// `text` escaped for HTML.
fn escape(text: &str) -> String {
    let mut escaped = String::new();
    crate::emit::markup::escape_into(text, &mut escaped);
    escaped
}

/// One `<li>` per item, each a `<pre>` (items keep their line breaks: message, hint).
fn list(items: &[String]) -> String {
    items
        .iter()
        .map(|item| {
            format!(
                "<li style=\"margin:.4rem 0\"><pre style=\"white-space:pre-wrap;margin:0;font:inherit\">{}</pre></li>",
                escape(item)
            )
        })
        .collect()
}

/// Puts `extra` just before the page's `</body>` (at the end when it has none).
fn inject(html: &str, extra: &str) -> String {
    match html.rfind("</body>") {
        Some(at) => format!("{}{extra}{}", &html[..at], &html[at..]),
        None => format!("{html}{extra}"),
    }
}

/// A short, stable key of some text (FNV-1a), so that a dismissed banner comes back only
/// when its warnings change.
fn key_of(items: &[String]) -> String {
    let mut hash: u64 = 0xcbf2_9ce4_8422_2325;
    for byte in items.iter().flat_map(|i| i.bytes().chain([0])) {
        hash ^= u64::from(byte);
        hash = hash.wrapping_mul(0x0100_0000_01b3);
    }
    format!("{hash:016x}")
}

/// The built page with the warnings banner (when there are warnings) and the page script.
pub fn with_warnings(html: &str, warnings: &[String], t: &TextLabels) -> String {
    let banner = if warnings.is_empty() {
        String::new()
    } else {
        format!(
            "<aside id=\"{BANNER_ID}\" role=\"status\" data-key=\"{key}\" style=\"position:fixed;left:1rem;right:1rem;bottom:1rem;z-index:2147483646;max-height:40vh;overflow:auto;background:#fffbe6;color:#1a1a1a;border:1px solid #b58900;border-left:6px solid #b58900;border-radius:4px;padding:.6rem 1rem;font:14px/1.5 sans-serif;box-shadow:0 2px 8px rgba(0,0,0,.2)\">\
<button type=\"button\" style=\"float:right;font:inherit\">{dismiss}</button>\
<p style=\"margin:0\"><strong>{title} ({n})</strong></p>\
<ul style=\"margin:0;padding:0;list-style:none\">{items}</ul></aside>",
            key = key_of(warnings),
            dismiss = escape(&t.dismiss),
            title = escape(&t.warnings_title),
            n = warnings.len(),
            items = list(warnings),
        )
    };
    inject(html, &format!("{banner}{PAGE_SCRIPT}"))
}

/// The last page that built, under an overlay that lists the errors of the broken save.
pub fn with_errors(last_good: &str, errors: &[String], detail: &str, t: &TextLabels) -> String {
    let overlay = format!(
        "<div id=\"supplement-preview-errors\" role=\"alert\" style=\"position:fixed;top:0;right:0;bottom:0;left:0;z-index:2147483647;overflow:auto;background:rgba(255,255,255,.75);padding:2rem 1rem\">\
<div style=\"max-width:60rem;margin:0 auto;background:#fff;color:#1a1a1a;border:1px solid #a40000;border-left:6px solid #a40000;border-radius:4px;padding:1rem 1.4rem;font:15px/1.6 sans-serif;box-shadow:0 4px 16px rgba(0,0,0,.25)\">\
<p style=\"margin:0;color:#a40000;font-size:1.3rem\"><strong>{title}</strong></p>\
<p style=\"margin:.3rem 0\">{reload} {last_good}</p>\
<ul class=\"diagnostics\" style=\"margin:0;padding:0;list-style:none\">{items}</ul>{detail}</div></div>",
        title = escape(&t.errors_title),
        reload = escape(&t.errors_reload),
        last_good = escape(&t.errors_last_good),
        items = list(errors),
        detail = details(detail, t),
    );
    inject(last_good, &format!("{overlay}{PAGE_SCRIPT}"))
}

/// The full report, folded.
fn details(detail: &str, t: &TextLabels) -> String {
    if detail.is_empty() {
        return String::new();
    }
    format!(
        "<details><summary>{}</summary><pre style=\"white-space:pre-wrap\">{}</pre></details>",
        escape(&t.error_details),
        escape(detail)
    )
}

/// A page of its own that shows what is wrong, for when nothing has built yet; it reloads
/// itself on the next save.
pub fn problems(items: &[String], detail: &str, t: &TextLabels) -> String {
    format!(
        "<!DOCTYPE html>\n<html lang=\"ja\"><head><meta charset=\"utf-8\"><meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\
<title>{title}</title><style>body{{font-family:sans-serif;margin:2rem;line-height:1.6;color:#1a1a1a}}\
h1{{color:#a40000;font-size:1.4rem}}pre{{white-space:pre-wrap;background:#fff4f4;border-left:4px solid #a40000;padding:.6rem;margin:0}}\
li{{margin:.6rem 0;list-style:none}}ul{{padding:0}}</style></head><body><main><h1>{title}</h1>\
<p>{reload}</p><ul class=\"diagnostics\">\n{body}</ul>\n{detail}</main>{RELOAD_SCRIPT}</body></html>\n",
        title = escape(&t.errors_title),
        reload = escape(&t.errors_reload),
        body = items
            .iter()
            .map(|i| format!("<li><pre>{}</pre></li>\n", escape(i)))
            .collect::<String>(),
        detail = details(detail, t),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn manuscript_text_is_escaped_in_the_banner_and_the_overlay() {
        // Intent: a diagnostic quoting `<script>` stays text in both decorations.
        let t = crate::labels::Labels::builtin("ja").text;
        let items = vec!["x.toml:1:1: <script>alert(1)</script>".to_string()];
        let page = "<html><body><p>ok</p></body></html>";
        for html in [
            with_warnings(page, &items, &t),
            with_errors(page, &items, "<b>", &t),
        ] {
            assert!(!html.contains("<script>alert"), "{html}");
            assert!(html.contains("&lt;script&gt;alert(1)"), "{html}");
            assert!(html.contains("<p>ok</p>"), "the page is kept");
            assert!(html.ends_with("</script></body></html>"), "{html}");
        }
    }
}
