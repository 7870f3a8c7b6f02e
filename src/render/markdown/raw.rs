//! `markdown.raw_html = false`: the author's raw HTML is stripped. Tags go; the text between
//! them stays, as text; what is inside `script`, `style` and other elements that hold no
//! reading text goes with them, and comments go whole.
//!
//! Input: the parser's events. Output: the same events without `Html` and `InlineHtml`.

use pulldown_cmark::Event;

use super::Spanned;

/// Elements whose content is not text for readers.
const HIDDEN: &[&str] = &[
    "script", "style", "iframe", "object", "embed", "template", "noscript", "textarea", "svg",
    "math",
];

/// Where the scan is between events: an element being skipped, or a comment left open.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Inside {
    Text,
    Hidden(&'static str),
    Comment,
}

/// The events with raw HTML replaced by its text.
pub fn strip(events: Vec<Spanned<'_>>) -> Vec<Spanned<'_>> {
    let mut out = Vec::with_capacity(events.len());
    let mut inside = Inside::Text;
    for (ev, range) in events {
        match ev {
            Event::Html(h) | Event::InlineHtml(h) => {
                let text = text_of(&h, &mut inside);
                if !text.trim().is_empty() {
                    out.push((Event::Text(text.into()), range));
                }
            }
            // Markdown between the tags of a hidden element (`<script>` on its own line
            // followed by text) is part of it.
            Event::Text(_) | Event::Code(_) if inside != Inside::Text => {}
            ev => out.push((ev, range)),
        }
    }
    out
}

/// The text in a piece of raw HTML, carrying over an element or comment left open.
fn text_of(html: &str, inside: &mut Inside) -> String {
    let mut out = String::new();
    let mut rest = html;
    while !rest.is_empty() {
        match *inside {
            Inside::Comment => match rest.find("-->") {
                Some(end) => {
                    rest = &rest[end + 3..];
                    *inside = Inside::Text;
                }
                None => return out,
            },
            Inside::Hidden(name) => match find_close(rest, name) {
                Some(end) => {
                    rest = &rest[end..];
                    *inside = Inside::Text;
                }
                None => return out,
            },
            Inside::Text => {
                let Some(open) = rest.find('<') else {
                    out.push_str(rest);
                    return out;
                };
                out.push_str(&rest[..open]);
                rest = &rest[open..];
                if let Some(after) = rest.strip_prefix("<!--") {
                    rest = after;
                    *inside = Inside::Comment;
                    continue;
                }
                let end = rest.find('>').map_or(rest.len(), |i| i + 1);
                let tag = &rest[..end];
                rest = &rest[end..];
                let name: String = tag
                    .trim_start_matches('<')
                    .chars()
                    .take_while(|c| c.is_ascii_alphanumeric())
                    .collect::<String>()
                    .to_ascii_lowercase();
                if let Some(hidden) = HIDDEN.iter().find(|h| **h == name)
                    && !tag.ends_with("/>")
                {
                    *inside = Inside::Hidden(hidden);
                }
            }
        }
    }
    out
}

/// The offset just past `</name…>` in `text`, ignoring case.
fn find_close(text: &str, name: &str) -> Option<usize> {
    let lower = text.to_ascii_lowercase();
    let at = lower.find(&format!("</{name}"))?;
    Some(lower[at..].find('>').map_or(text.len(), |i| at + i + 1))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn text(html: &str) -> String {
        text_of(html, &mut Inside::Text)
    }

    #[test]
    fn tags_go_and_text_stays() {
        assert_eq!(
            text("<div class=\"note\">Kept <b>bold</b></div>"),
            "Kept bold"
        );
        assert_eq!(text("<span onclick=\"x()\">"), "");
        assert_eq!(text("a<!-- hidden -->b"), "ab");
        assert_eq!(text("<script>alert(1)</script>after"), "after");
        assert_eq!(text("<SCRIPT src=x></Script >after"), "after");
        assert_eq!(text("<br/>line"), "line");
    }

    #[test]
    fn open_elements_carry_over_between_events() {
        let mut inside = Inside::Text;
        assert_eq!(text_of("<style>", &mut inside), "");
        assert_eq!(text_of("p { color: red }", &mut inside), "");
        assert_eq!(text_of("</style>after", &mut inside), "after");
        assert_eq!(text_of("<!-- open", &mut inside), "");
        assert_eq!(text_of("still -->shown", &mut inside), "shown");
    }
}
