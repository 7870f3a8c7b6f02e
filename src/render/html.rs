//! A small scanner for the attributes canon itself writes (`href`, `src`, `id`) in finished
//! HTML. It reads double-quoted attribute values only: text content is escaped (`&quot;`), so
//! an attribute-shaped run of text in a page is never mistaken for one.

use std::ops::Range;

/// The byte ranges of the values of every ` name="…"` attribute in `html`.
pub fn attr_values(html: &str, name: &str) -> Vec<Range<usize>> {
    let needle = format!("{name}=\"");
    let mut out = Vec::new();
    let bytes = html.as_bytes();
    let mut pos = 0;
    while let Some(i) = html[pos..].find(&needle) {
        let at = pos + i;
        let start = at + needle.len();
        // Only whole attribute names: preceded by whitespace.
        let whole = at > 0 && bytes[at - 1].is_ascii_whitespace();
        let Some(len) = html[start..].find('"') else {
            break;
        };
        if whole {
            out.push(start..start + len);
        }
        pos = start + len + 1;
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
        assert_eq!(unescape("a&amp;b"), "a&b");
    }
}
