//! Link pass: rewrites links between Markdown files (and to built `.html` paths) to the
//! pages' URLs, in Markdown links, images and raw HTML `href`s; warns about links that lead
//! nowhere and images without alt text.

use pulldown_cmark::{CowStr, Event, LinkType, Tag, TagEnd};

use super::{Context, Spanned};
use crate::diagnostics::Diagnostic;

/// What to do with one link.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum LinkOutcome {
    /// Leave it as written (external, same-page, or not canon's to change).
    Keep,
    /// Write this URL instead.
    Replace(String),
    /// Internal, but nothing is there.
    Broken {
        /// The closest existing target, for a hint.
        near: Option<String>,
    },
}

/// Maps a link as written to where it should point.
pub trait LinkRewriter: Sync {
    /// Resolves one `href` or image `src`.
    fn rewrite(&self, href: &str) -> LinkOutcome;
}

pub(super) fn apply<'a>(
    events: Vec<Spanned<'a>>,
    cx: &Context<'_>,
    diags: &mut Vec<Diagnostic>,
) -> Vec<Spanned<'a>> {
    let mut out = Vec::with_capacity(events.len());
    let mut image: Option<(usize, std::ops::Range<usize>, String)> = None;
    for (ev, range) in events {
        match ev {
            Event::Start(Tag::Link {
                link_type,
                dest_url,
                title,
                id,
            }) => {
                let dest_url = if matches!(link_type, LinkType::Autolink | LinkType::Email) {
                    dest_url
                } else {
                    rewrite(dest_url, &range, cx, diags, "link")
                };
                out.push((
                    Event::Start(Tag::Link {
                        link_type,
                        dest_url,
                        title,
                        id,
                    }),
                    range,
                ));
            }
            Event::Start(Tag::Image {
                link_type,
                dest_url,
                title,
                id,
            }) => {
                let dest_url = rewrite(dest_url, &range, cx, diags, "image");
                image = Some((out.len(), range.clone(), String::new()));
                out.push((
                    Event::Start(Tag::Image {
                        link_type,
                        dest_url,
                        title,
                        id,
                    }),
                    range,
                ));
            }
            Event::End(TagEnd::Image) => {
                if let Some((_, img_range, alt)) = image.take()
                    && alt.trim().is_empty()
                {
                    let at = cx.offset + img_range.start..cx.offset + img_range.end;
                    diags.push(
                            Diagnostic::warning("markdown/image-alt", "image has no alt text")
                                .label(cx.file, at, "no alt text")
                                .help("describe the image for people who cannot see it: `![what it shows](file.png)`; write `![](…)` only for decoration, and say so in a caption"),
                        );
                }
                out.push((Event::End(TagEnd::Image), range));
            }
            Event::Text(t) if image.is_some() => {
                if let Some((_, _, alt)) = image.as_mut() {
                    alt.push_str(&t);
                }
                out.push((Event::Text(t), range));
            }
            Event::Html(h) => {
                let h = rewrite_html(h, &range, cx, diags);
                out.push((Event::Html(h), range));
            }
            Event::InlineHtml(h) => {
                let h = rewrite_html(h, &range, cx, diags);
                out.push((Event::InlineHtml(h), range));
            }
            ev => out.push((ev, range)),
        }
    }
    out
}

fn rewrite<'a>(
    dest: CowStr<'a>,
    range: &std::ops::Range<usize>,
    cx: &Context<'_>,
    diags: &mut Vec<Diagnostic>,
    what: &str,
) -> CowStr<'a> {
    match cx.links.rewrite(&dest) {
        LinkOutcome::Keep => dest,
        LinkOutcome::Replace(url) => CowStr::from(url),
        LinkOutcome::Broken { near } => {
            let at = cx.offset + range.start..cx.offset + range.end;
            diags.push(
                Diagnostic::warning(
                    "link/broken",
                    format!("{what} to `{dest}` leads to no page or file"),
                )
                .label(cx.file, at, "broken")
                .maybe_help(near.map(|n| format!("did you mean `{n}`?"))),
            );
            dest
        }
    }
}

/// Rewrites `href="…"` values inside raw HTML.
fn rewrite_html<'a>(
    html: CowStr<'a>,
    range: &std::ops::Range<usize>,
    cx: &Context<'_>,
    diags: &mut Vec<Diagnostic>,
) -> CowStr<'a> {
    if !html.contains("href=") {
        return html;
    }
    let mut out = String::with_capacity(html.len());
    let mut rest: &str = &html;
    while let Some(i) = rest.find("href=") {
        let (before, after) = rest.split_at(i + 5);
        out.push_str(before);
        let quote = after.chars().next();
        let (q, value_start) = match quote {
            Some(q @ ('"' | '\'')) => (q, 1),
            _ => {
                rest = after;
                continue;
            }
        };
        let Some(end) = after[value_start..].find(q) else {
            rest = after;
            continue;
        };
        let value = &after[value_start..value_start + end];
        let new = rewrite(CowStr::from(value.to_string()), range, cx, diags, "link");
        out.push(q);
        out.push_str(&new);
        out.push(q);
        rest = &after[value_start + end + 1..];
    }
    out.push_str(rest);
    CowStr::from(out)
}

#[cfg(test)]
mod tests {
    use super::super::tests::render_str;

    #[test]
    fn rewrites_markdown_and_html_links() {
        let r = render_str(
            "[a](standards/x.md) [b](https://x.org/y.md) <a href=\"guides/y.md\">y</a>\n",
        );
        assert!(r.html.contains("href=\"/standards/x/\""), "{}", r.html);
        assert!(r.html.contains("href=\"https://x.org/y.md\""));
        assert!(r.html.contains("href=\"/guides/y/\""), "{}", r.html);
    }

    #[test]
    fn warns_on_broken_links_and_missing_alt() {
        let r = render_str("Intro\n\nSee [x](missing.md).\n\n![](a.png) ![A diagram](b.png)\n");
        let codes: Vec<_> = r.diags.iter().map(|d| d.code).collect();
        assert_eq!(codes, ["link/broken", "markdown/image-alt"]);
        let broken = &r.diags[0];
        assert_eq!(broken.primary.as_ref().map(|l| l.span.start), Some(11));
        assert_eq!(
            broken.help.as_deref(),
            Some("did you mean `standards/backup.md`?")
        );
    }
}
