//! A small scanner for the attributes canon itself writes (`href`, `src`, `id`) in finished
//! HTML. It reads double-quoted attribute values only: text content is escaped (`&quot;`), so
//! an attribute-shaped run of text in a page is never mistaken for one.

use std::ops::Range;

/// The byte ranges of the values of every ` name="…"` attribute in `html`.
pub fn attr_values(html: &str, name: &str) -> Vec<Range<usize>> {
    attrs(html, &[name]).into_iter().map(|(_, r)| r).collect()
}

/// The values of every ` NAME="…"` attribute for the given names, in one pass and in document
/// order: `(index of the name in names, byte range of the value)`. Finds each `="` with a
/// vectorised search and reads the name before it, so a page is scanned once however many
/// names are wanted.
pub fn attrs(html: &str, names: &[&str]) -> Vec<(usize, Range<usize>)> {
    let bytes = html.as_bytes();
    let mut out = Vec::new();
    let mut next = 0;
    for eq in memchr::memmem::find_iter(bytes, b"=\"") {
        if eq < next {
            continue;
        }
        let start = eq + 2;
        let Some(len) = memchr::memchr(b'"', &bytes[start..]) else {
            break;
        };
        next = start + len + 1;
        let name_start = bytes[..eq]
            .iter()
            .rposition(|b| !(b.is_ascii_alphanumeric() || *b == b'-' || *b == b'_'))
            .map_or(0, |i| i + 1);
        // Only whole attribute names: preceded by whitespace.
        if name_start == 0 || !bytes[name_start - 1].is_ascii_whitespace() {
            continue;
        }
        let name = &html[name_start..eq];
        if let Some(k) = names.iter().position(|n| *n == name) {
            out.push((k, start..start + len));
        }
    }
    out
}

/// Undoes the escaping canon applies to attribute values.
pub fn unescape(value: &str) -> String {
    if !value.contains('&') {
        return value.to_string();
    }
    value
        .replace("&quot;", "\"")
        .replace("&#39;", "'")
        .replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&amp;", "&")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_whole_attributes_only() {
        let html = r#"<a href="/a/" data-href="x"><p>href="nope"</p><img src="i.png"><h2 id="s">"#;
        let values: Vec<&str> = attr_values(html, "href")
            .into_iter()
            .map(|r| &html[r])
            .collect();
        assert_eq!(values, ["/a/"]);
        let ids: Vec<&str> = attr_values(html, "id")
            .into_iter()
            .map(|r| &html[r])
            .collect();
        assert_eq!(ids, ["s"]);
        let both: Vec<(usize, &str)> = attrs(html, &["src", "href"])
            .into_iter()
            .map(|(k, r)| (k, &html[r]))
            .collect();
        assert_eq!(both, [(1, "/a/"), (0, "i.png")]);
        assert_eq!(unescape("a&amp;b"), "a&b");
    }
}
