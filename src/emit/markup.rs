//! Escaping shared by the markup formats (HTML and the XML parts of DOCX).

/// Escapes text for XML and HTML (content and attribute values alike) and drops the
/// characters XML 1.0 forbids, which validation has already refused.
pub fn escape_into(s: &str, out: &mut String) {
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c if crate::model::xml_allowed(c) => out.push(c),
            _ => {}
        }
    }
}

/// [`escape_into`] into a new string.
pub fn escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    escape_into(s, &mut out);
    out
}

/// An address made safe for an `href` attribute: the characters a URL may not hold raw
/// (space, `"`, `<`, `>`, backtick, `{`, `}`, `|`, `\`, `^`) are percent-encoded; the rest,
/// non-ASCII included, stays as written.
pub fn href(url: &str) -> String {
    let mut out = String::with_capacity(url.len());
    for c in url.trim().chars() {
        match c {
            ' ' | '"' | '<' | '>' | '`' | '{' | '}' | '|' | '\\' | '^' => {
                out.push_str(&format!("%{:02X}", c as u32))
            }
            c if c.is_control() => {}
            c => out.push(c),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escaping_keeps_text_inert() {
        // Intent: text can never become markup, and forbidden characters disappear.
        assert_eq!(
            escape("<a & \"b\">]]>\u{b}'"),
            "&lt;a &amp; &quot;b&quot;&gt;]]&gt;&#39;"
        );
        assert_eq!(href(" a b\"<x>"), "a%20b%22%3Cx%3E");
    }
}

/// Appends `bytes` in standard base64 with padding (RFC 4648), for data URIs.
pub fn base64_into(bytes: &[u8], out: &mut String) {
    const ALPHABET: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    out.reserve(bytes.len().div_ceil(3) * 4);
    for chunk in bytes.chunks(3) {
        let b = [
            chunk[0],
            *chunk.get(1).unwrap_or(&0),
            *chunk.get(2).unwrap_or(&0),
        ];
        let n = (u32::from(b[0]) << 16) | (u32::from(b[1]) << 8) | u32::from(b[2]);
        for i in 0..4 {
            if i <= chunk.len() {
                out.push(ALPHABET[(n >> (18 - 6 * i) & 63) as usize] as char);
            } else {
                out.push('=');
            }
        }
    }
}

#[cfg(test)]
mod base64_tests {
    #[test]
    fn base64_matches_rfc_4648_test_vectors() {
        // Intent: the data URIs browsers decode are standard base64 (RFC 4648, section 10).
        for (plain, coded) in [
            ("", ""),
            ("f", "Zg=="),
            ("fo", "Zm8="),
            ("foo", "Zm9v"),
            ("foob", "Zm9vYg=="),
            ("fooba", "Zm9vYmE="),
            ("foobar", "Zm9vYmFy"),
        ] {
            let mut out = String::new();
            super::base64_into(plain.as_bytes(), &mut out);
            assert_eq!(out, coded);
        }
    }
}
