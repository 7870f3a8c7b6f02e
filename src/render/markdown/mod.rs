//! Markdown body -> HTML, one pass per feature over pulldown-cmark's events.
//!
//! Input: the body text, its offset in the file, and a [`Context`] (highlighter, link
//! rewriter, title). Output: [`Rendered`]: the HTML, the table of contents, the leading `#`
//! heading lifted out for the page template, and warnings with file spans. Each feature is its
//! own pass in its own file: [`links`] (rewrites and image alt text), [`code`] (syntect),
//! [`blocks`] (alerts, tables, task lists), [`headings`] (ids, self-links, contents). Bodies
//! are never run through a template engine: `{{ }}` stays as written.

pub mod blocks;
pub mod code;
pub mod headings;
pub mod links;
pub mod quiz;
pub mod raw;
pub mod requirements;
pub mod terms;

use std::ops::Range;

use pulldown_cmark::{Event, Options, Parser};

use crate::diagnostics::{Diagnostic, FileId};
pub use code::Highlighter;
pub use headings::{Heading, TocEntry};
pub use links::{FragmentLink, LinkOutcome, LinkReport, LinkRewriter, broken_severity};

/// An event with its byte range in the body.
pub type Spanned<'a> = (Event<'a>, Range<usize>);

/// What a body render needs to know.
pub struct Context<'a> {
    /// The page's file, for diagnostics.
    pub file: FileId,
    /// Offset of the body in the file.
    pub offset: usize,
    /// The page title (replaces the Tech Docs ERB title idiom).
    pub title: &'a str,
    /// Shared syntax highlighter.
    pub highlighter: &'a Highlighter,
    /// Rewrites links between pages.
    pub links: &'a dyn LinkRewriter,
    /// Ids the page template uses, which headings must not take.
    pub reserved_ids: &'a [&'a str],
    /// Severity of a broken link.
    pub broken: crate::diagnostics::Severity,
    /// The site's glossary, for term links and the terminology lint.
    pub glossary: Option<&'a crate::resolve::glossary::Glossary>,
    /// Rooted URL of the glossary page.
    pub glossary_url: &'a str,
    /// Link the first use of each term.
    pub autolink: bool,
    /// Warn about avoided variants.
    pub lint: bool,
    /// Lift a leading `#` heading out of the body (for pages; not for text fields).
    pub lift_title: bool,
    /// The page's id, when its requirements are numbered (`SEC-004`).
    pub requirement_prefix: Option<&'a str>,
    /// Keep the author's raw HTML (the default); when false it is stripped to its text.
    pub raw_html: bool,
}

/// A rendered body.
#[derive(Debug, Default)]
pub struct Rendered {
    /// The HTML.
    pub html: String,
    /// Headings of level 2 and 3, nested.
    pub toc: Vec<TocEntry>,
    /// The leading level-1 heading, if the body starts with one.
    pub heading: Option<Heading>,
    /// Warnings with spans in the file.
    pub diags: Vec<Diagnostic>,
    /// Links found, for the fragment check and backlinks.
    pub links: LinkReport,
    /// Glossary entries the body uses.
    pub terms: Vec<usize>,
    /// Numbered requirements, in page order.
    pub requirements: Vec<crate::model::requirement::Requirement>,
    /// Self-check quizzes in the body.
    pub quizzes: usize,
}

/// The Markdown extensions canon turns on.
pub fn options() -> Options {
    Options::ENABLE_TABLES
        | Options::ENABLE_FOOTNOTES
        | Options::ENABLE_STRIKETHROUGH
        | Options::ENABLE_TASKLISTS
        | Options::ENABLE_HEADING_ATTRIBUTES
        | Options::ENABLE_SMART_PUNCTUATION
        | Options::ENABLE_GFM
}

/// Renders a Markdown body.
pub fn render(body: &str, cx: &Context<'_>) -> Rendered {
    let mut diags = Vec::new();
    let events: Vec<Spanned<'_>> = Parser::new_ext(body, options())
        .into_offset_iter()
        .collect();
    let events = if cx.raw_html {
        events
    } else {
        raw::strip(events)
    };
    let (events, links) = links::apply(events, cx, &mut diags);
    let (events, quizzes) = quiz::apply(events, body, cx, &mut diags);
    let events = code::apply(events, cx.highlighter);
    let events = blocks::apply(events);
    let (events, mut requirements) = requirements::apply(events, cx, &mut diags);
    let starts = requirements::heading_starts(&events);
    let (events, toc, heading) = headings::apply(events, cx);
    requirements::place(&mut requirements, &starts, &toc, cx.offset);
    let (events, terms) = terms::apply(events, body, cx, &mut diags);
    let mut html = String::with_capacity(html_size(&events));
    pulldown_cmark::html::push_html(&mut html, events.into_iter().map(|(e, _)| e));
    Rendered {
        html,
        toc,
        heading,
        diags,
        links,
        terms,
        requirements,
        quizzes,
    }
}

/// About how long the HTML of `events` is, a little over rather than under: every body is
/// kept until the site is written, and a string that outgrows its first guess doubles, so a
/// guess from the Markdown's length (which highlighted code can triple) left over a third of
/// the bodies' memory unused (80 MB of 10,000 pages).
fn html_size(events: &[Spanned<'_>]) -> usize {
    use pulldown_cmark::Tag;
    let size: usize = events
        .iter()
        .map(|(e, _)| match e {
            Event::Text(t) | Event::Code(t) => t.len() + t.len() / 32,
            Event::Html(t)
            | Event::InlineHtml(t)
            | Event::InlineMath(t)
            | Event::DisplayMath(t) => t.len(),
            Event::Start(
                Tag::Link {
                    dest_url, title, ..
                }
                | Tag::Image {
                    dest_url, title, ..
                },
            ) => dest_url.len() + title.len() + 48,
            Event::Start(Tag::Heading {
                id, classes, attrs, ..
            }) => {
                let id = id.as_ref().map_or(0, |i| i.len());
                let attrs: usize = attrs
                    .iter()
                    .map(|(k, v)| k.len() + v.as_ref().map_or(0, |v| v.len()) + 4)
                    .sum();
                id + classes.iter().map(|c| c.len() + 1).sum::<usize>() + attrs + 48
            }
            _ => 12,
        })
        .sum();
    size + size / 32
}

/// Escapes text for HTML content and attribute values.
pub fn escape_html(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + text.len() / 16);
    // Copies the runs between special bytes whole: they are ASCII, so every run is text.
    let mut from = 0;
    for (i, b) in text.bytes().enumerate() {
        let entity = match b {
            b'&' => "&amp;",
            b'<' => "&lt;",
            b'>' => "&gt;",
            b'"' => "&quot;",
            b'\'' => "&#39;",
            _ => continue,
        };
        out.push_str(&text[from..i]);
        out.push_str(entity);
        from = i + 1;
    }
    out.push_str(&text[from..]);
    out
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;

    #[test]
    fn escaping_replaces_the_five_special_characters_and_keeps_the_rest() {
        assert_eq!(
            escape_html("<a href=\"x\">Caf\u{e9} & 'tea' \u{2014} ok</a>"),
            "&lt;a href=&quot;x&quot;&gt;Caf\u{e9} &amp; &#39;tea&#39; \u{2014} ok&lt;/a&gt;"
        );
        assert_eq!(escape_html(""), "");
        assert_eq!(escape_html("plain"), "plain");
        assert_eq!(escape_html("&"), "&amp;");
    }

    /// A stand-in site: `.md` links are pages, `ref:ID` are standards, `missing` is broken.
    pub(crate) struct KeepLinks;
    impl LinkRewriter for KeepLinks {
        fn rewrite(&self, href: &str) -> LinkOutcome {
            if href.contains("missing") {
                LinkOutcome::Broken {
                    near: Some("standards/backup.md".into()),
                }
            } else if href.contains("://") {
                LinkOutcome::External
            } else if let Some(f) = href.strip_prefix('#') {
                LinkOutcome::SamePage(f.to_string())
            } else if let Some(id) = href.strip_prefix("ref:") {
                let (id, fragment) = id
                    .split_once('#')
                    .map_or((id, None), |(a, b)| (a, Some(b.to_string())));
                let path = format!("/standards/{}/", id.to_lowercase());
                let url = format!(
                    "{path}{}",
                    fragment
                        .as_ref()
                        .map(|f| format!("#{f}"))
                        .unwrap_or_default()
                );
                LinkOutcome::Internal {
                    url,
                    path,
                    page: Some(4),
                    fragment,
                    title: Some(format!("Standard {id}")),
                }
            } else if let Some(rest) = href.strip_suffix(".md") {
                let path = format!("/{rest}/");
                LinkOutcome::Internal {
                    url: path.clone(),
                    path,
                    page: None,
                    fragment: None,
                    title: None,
                }
            } else {
                LinkOutcome::Keep
            }
        }
    }

    pub(crate) fn render_str(body: &str) -> Rendered {
        let h = Highlighter::new();
        let cx = Context {
            file: 0,
            offset: 0,
            title: "Page title",
            highlighter: &h,
            links: &KeepLinks,
            reserved_ids: &["main-content"],
            broken: crate::diagnostics::Severity::Error,
            glossary: None,
            glossary_url: "/glossary/",
            autolink: false,
            lint: false,
            lift_title: true,
            raw_html: true,
            requirement_prefix: Some("SEC-004"),
        };
        render(body, &cx)
    }

    #[test]
    fn extensions_render() {
        let r = render_str(
            "| a | b |\n|---|---|\n| 1 | ~~2~~ |\n\n- [x] done\n- [ ] todo\n\nSay \"hi\" -- ok[^n]\n\n[^n]: A note.\n",
        );
        assert!(r.html.contains("<table>"), "{}", r.html);
        assert!(r.html.contains("<del>2</del>"));
        assert!(
            r.html
                .contains("type=\"checkbox\" disabled checked aria-label=\"Done\""),
            "{}",
            r.html
        );
        assert!(r.html.contains("“hi” – ok"), "{}", r.html);
        assert!(r.html.contains("footnote-definition"));
        assert!(r.html.contains("class=\"table-wrap\""));
    }

    #[test]
    fn a_body_is_written_into_the_room_guessed_for_it() {
        // Highlighted code makes the HTML several times the Markdown's length; a guess that
        // fell short would double the string and leave much of it unused until the write.
        let mut body = String::from(
            "# Backups\n\nKeep [three copies](ref:SEC-001#scope) of *patient* data.\n\n",
        );
        body.push_str("| Copy | Where |\n|---|---|\n| 1 | Site |\n| 2 | Cloud |\n\n");
        body.push_str("```python\n");
        for i in 0..40 {
            body.push_str(&format!("def check_{i}(host, limit: int = {i}) -> list:\n"));
            body.push_str("    return [h for h in host.copies if h.age < limit]\n");
        }
        body.push_str("```\n\n## Restoring\n\nTest a restore every quarter.\n");
        let r = render_str(&body);
        let (len, room) = (r.html.len(), r.html.capacity());
        assert!(r.html.contains("hl-keyword"), "highlighted: {}", r.html);
        assert!(
            len > 3 * body.len(),
            "{len} bytes of HTML from {}",
            body.len()
        );
        assert!(
            room <= len + len / 8,
            "{room} bytes held for {len} bytes of HTML"
        );
    }

    #[test]
    fn template_syntax_in_bodies_stays_literal() {
        let r = render_str("Use {{ page.title }} and {% raw %}.\n\n```\n{{ .Values.x }}\n```\n");
        assert!(r.html.contains("{{ page.title }}"), "{}", r.html);
        assert!(r.html.contains("{% raw %}"));
        assert!(r.html.contains("{{ .Values.x }}"));
    }
}
