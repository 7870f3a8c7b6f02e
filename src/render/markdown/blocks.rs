//! Block pass: GitHub-style alerts (`> [!NOTE]`) as labelled callouts, tables in a
//! scrollable, keyboard-reachable region, and task-list boxes with an accessible name.

use pulldown_cmark::{BlockQuoteKind, Event, Tag, TagEnd};

use super::Spanned;

fn alert_name(kind: BlockQuoteKind) -> (&'static str, &'static str) {
    match kind {
        BlockQuoteKind::Note => ("note", "Note"),
        BlockQuoteKind::Tip => ("tip", "Tip"),
        BlockQuoteKind::Important => ("important", "Important"),
        BlockQuoteKind::Warning => ("warning", "Warning"),
        BlockQuoteKind::Caution => ("caution", "Caution"),
    }
}

pub(super) fn apply(events: Vec<Spanned<'_>>) -> Vec<Spanned<'_>> {
    let mut out = Vec::with_capacity(events.len());
    let mut tables = 0;
    for (ev, range) in events {
        match ev {
            Event::Start(Tag::BlockQuote(Some(kind))) => {
                let (class, title) = alert_name(kind);
                let html = format!(
                    "<div class=\"callout callout-{class}\" role=\"note\">\n<p class=\"callout-title\">{title}</p>\n"
                );
                out.push((Event::Html(html.into()), range));
            }
            Event::End(TagEnd::BlockQuote(Some(_))) => {
                out.push((Event::Html("</div>\n".into()), range))
            }
            Event::Start(Tag::Table(align)) => {
                tables += 1;
                let html = format!(
                    "<div class=\"table-wrap\" role=\"region\" aria-label=\"Table {tables}\" tabindex=\"0\">\n"
                );
                out.push((Event::Html(html.into()), range.clone()));
                out.push((Event::Start(Tag::Table(align)), range));
            }
            Event::End(TagEnd::Table) => {
                out.push((Event::End(TagEnd::Table), range.clone()));
                out.push((Event::Html("</div>\n".into()), range));
            }
            Event::TaskListMarker(done) => {
                let html = if done {
                    "<input type=\"checkbox\" disabled checked aria-label=\"Done\"> "
                } else {
                    "<input type=\"checkbox\" disabled aria-label=\"Not done\"> "
                };
                out.push((Event::InlineHtml(html.into()), range));
            }
            ev => out.push((ev, range)),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::super::tests::render_str;

    #[test]
    fn alerts_become_callouts() {
        let r = render_str("> [!WARNING]\n> Do not share passwords.\n\n> A plain quote.\n");
        assert!(r.html.contains("<div class=\"callout callout-warning\" role=\"note\">\n<p class=\"callout-title\">Warning</p>"), "{}", r.html);
        assert!(
            r.html.contains("<p>Do not share passwords.</p>\n</div>"),
            "{}",
            r.html
        );
        assert!(
            r.html
                .contains("<blockquote>\n<p>A plain quote.</p>\n</blockquote>"),
            "{}",
            r.html
        );
    }
}
