//! Heading pass: every heading gets a stable, unique id (GitHub's rule, or `{#id}` when the
//! author gives one) and a visible self-link; levels 2 and 3 make the table of contents; a
//! leading level-1 heading is lifted out so the page template shows it as the page's `<h1>`.
//! GOV.UK Tech Docs' `# <%= current_page.data.title %>` becomes the page title.

use std::collections::HashSet;

use pulldown_cmark::{Event, HeadingLevel, Tag, TagEnd};
use serde::Serialize;

use super::{Context, Spanned, escape_html};
use crate::model::paths::{heading_id, is_title_tag};

/// The lifted leading heading.
#[derive(Debug, Clone, Serialize)]
pub struct Heading {
    /// Its inner HTML.
    pub html: String,
    /// Its id.
    pub id: String,
}

/// One entry of a table of contents.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct TocEntry {
    /// Heading id.
    pub id: String,
    /// Heading text.
    pub title: String,
    /// Sub-headings (level 3 under level 2).
    pub children: Vec<TocEntry>,
}

fn unique(id: String, used: &mut HashSet<String>) -> String {
    if used.insert(id.clone()) {
        return id;
    }
    (1..)
        .map(|n| format!("{id}-{n}"))
        .find(|candidate| !used.contains(candidate))
        .inspect(|candidate| {
            used.insert(candidate.clone());
        })
        .unwrap_or(id)
}

fn level_num(l: HeadingLevel) -> u8 {
    l as u8
}

/// Runs the heading pass over a page's events: returns them with every heading given its id
/// and self-link, the table of contents, and the leading level-1 heading when there is one.
///
/// Length: one pass over the event stream; the open heading's events, text, level and id are
/// state every arm of the match reads and writes, so the pass stays in one piece.
pub(super) fn apply<'a>(
    events: Vec<Spanned<'a>>,
    cx: &Context<'_>,
) -> (Vec<Spanned<'a>>, Vec<TocEntry>, Option<super::Heading>) {
    let mut used: HashSet<String> = cx.reserved_ids.iter().map(|s| s.to_string()).collect();
    // Without a leading `#` heading the template's <h1> takes the title's id: keep it free.
    let title_id = heading_id(cx.title);
    used.insert(title_id.clone());
    let mut out = Vec::with_capacity(events.len());
    let mut toc: Vec<TocEntry> = Vec::new();
    let mut lifted = None;
    let mut it = events.into_iter().peekable();
    let mut first_block = true;
    while let Some((ev, range)) = it.next() {
        let Event::Start(Tag::Heading {
            level,
            id,
            classes,
            attrs: _,
        }) = ev
        else {
            if !matches!(ev, Event::Html(ref h) if h.trim().is_empty()) {
                first_block = false;
            }
            out.push((ev, range));
            continue;
        };
        let mut inner = Vec::new();
        let mut text = String::new();
        for (ev, _) in it.by_ref() {
            match ev {
                Event::End(TagEnd::Heading(_)) => break,
                Event::Text(ref t) | Event::Code(ref t) => text.push_str(t),
                _ => {}
            }
            inner.push(ev);
        }
        let erb_title = is_title_tag(text.trim());
        let (inner_html, text) = if erb_title {
            (escape_html(cx.title), cx.title.to_string())
        } else {
            let mut h = String::new();
            pulldown_cmark::html::push_html(&mut h, inner.into_iter());
            (h, text)
        };
        let wanted = id.map_or_else(|| heading_id(&text), |i| i.to_string());
        // The page's <h1>: a leading `#` heading, or the Tech Docs title idiom wherever it is.
        let lift = cx.lift_title
            && lifted.is_none()
            && level == HeadingLevel::H1
            && (first_block || erb_title);
        if lift {
            let id = if wanted == title_id {
                wanted
            } else {
                unique(wanted, &mut used)
            };
            lifted = Some(Heading {
                html: inner_html,
                id,
            });
            first_block = false;
            continue;
        }
        let id = unique(wanted, &mut used);
        first_block = false;
        let n = level_num(level);
        let class = if classes.is_empty() {
            String::new()
        } else {
            format!(" class=\"{}\"", escape_html(&classes.join(" ")))
        };
        let html = format!(
            "<div class=\"heading\"><h{n} id=\"{id}\"{class}>{inner_html}</h{n}><a class=\"self-link\" href=\"#{id}\"><span aria-hidden=\"true\">#</span><span class=\"visually-hidden\">Link to section: {}</span></a></div>\n",
            escape_html(text.trim())
        );
        out.push((Event::Html(html.into()), range));
        let entry = TocEntry {
            id,
            title: text.trim().to_string(),
            children: Vec::new(),
        };
        match level {
            HeadingLevel::H2 => toc.push(entry),
            HeadingLevel::H3 => match toc.last_mut() {
                Some(parent) => parent.children.push(entry),
                None => toc.push(entry),
            },
            _ => {}
        }
    }
    (out, toc, lifted)
}

#[cfg(test)]
mod tests {
    use super::super::tests::render_str;
    use super::*;

    #[test]
    fn ids_are_unique_stable_and_self_linked() {
        let r = render_str(
            "# Title\n\n## Scope\n\n### Who it's for\n\n## Scope\n\n## Main content\n\n## Custom {#my-id}\n",
        );
        let h = r.heading.expect("lifted");
        assert_eq!((h.html.as_str(), h.id.as_str()), ("Title", "title"));
        assert!(
            r.html
                .contains("<h2 id=\"scope\">Scope</h2><a class=\"self-link\" href=\"#scope\">"),
            "{}",
            r.html
        );
        assert!(r.html.contains("<h2 id=\"scope-1\">"));
        assert!(
            r.html.contains("<h2 id=\"main-content-1\">"),
            "reserved id avoided: {}",
            r.html
        );
        assert!(r.html.contains("<h2 id=\"my-id\">"));
        assert!(
            r.html.contains("<h3 id=\"whos-it-for\">")
                || r.html.contains("<h3 id=\"who-its-for\">"),
            "{}",
            r.html
        );
        assert_eq!(r.toc.len(), 4);
        assert_eq!(r.toc[0].children.len(), 1);
        assert!(!r.html.contains("<h1"));
    }

    #[test]
    fn erb_title_idiom_uses_page_title() {
        let r = render_str("# <%= current_page.data.title %>\n\nBody\n");
        let h = r.heading.expect("lifted");
        assert_eq!(
            (h.html.as_str(), h.id.as_str()),
            ("Page title", "page-title")
        );
    }

    #[test]
    fn later_h1_is_not_lifted_and_the_title_id_stays_free() {
        let r = render_str("Intro\n\n# Later\n\n## Page title\n");
        assert!(r.heading.is_none());
        assert!(r.html.contains("<h1 id=\"later\">"));
        assert!(r.html.contains("<h2 id=\"page-title-1\">"), "{}", r.html);
    }

    #[test]
    fn erb_title_idiom_is_lifted_wherever_it_is() {
        let r =
            render_str("<div>sidebar</div>\n\n# <%= current_page.data.title %>\n\n## Page title\n");
        let h = r.heading.expect("lifted");
        assert_eq!(h.id, "page-title");
        assert!(!r.html.contains("<h1"), "{}", r.html);
        assert!(r.html.contains("<h2 id=\"page-title-1\">"), "{}", r.html);
    }

    #[test]
    fn github_ids() {
        assert_eq!(
            heading_id("Domain names and DNS records for your service"),
            "domain-names-and-dns-records-for-your-service"
        );
        assert_eq!(
            heading_id("What is GitHub Copilot?"),
            "what-is-github-copilot"
        );
        assert_eq!(heading_id("snake_case & C#"), "snake_case--c");
    }
}
