//! Link pass: rewrites links between Markdown files (and to built `.html` paths, and
//! `ref:ID` references) to the pages' URLs, in Markdown links, images and raw HTML `href`s;
//! fills empty link text with the target's title; records every internal link for the
//! fragment check and backlinks; reports links that lead nowhere and images without alt text.

use std::ops::Range;

use pulldown_cmark::{CowStr, Event, LinkType, Tag, TagEnd};

use super::{Context, Spanned};
use crate::diagnostics::{Diagnostic, Severity};

/// Where one link leads, as the rewriter sees it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum LinkOutcome {
    /// Leave it as written (not canon's to change).
    Keep,
    /// Another site, `mailto:` and the like: counted, not fetched.
    External,
    /// A fragment of the page itself.
    SamePage(String),
    /// A page, section or file of the site.
    Internal {
        /// The URL to write.
        url: String,
        /// The target's site path, for the fragment check.
        path: String,
        /// The target page, if it is a page.
        page: Option<usize>,
        /// The fragment, without `#`.
        fragment: Option<String>,
        /// The target's title, for links written with empty text.
        title: Option<String>,
    },
    /// A draft left out of this build (its source path).
    Draft(String),
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

/// An internal link with a fragment, to be checked once every page's ids are known.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FragmentLink {
    /// As written.
    pub href: String,
    /// Where it is written, in file offsets.
    pub span: Range<usize>,
    /// Site path of the target (empty for the page itself).
    pub path: String,
    /// The fragment, without `#`.
    pub fragment: String,
}

/// What the link pass found in one body.
#[derive(Debug, Default, Clone)]
pub struct LinkReport {
    /// Links with a fragment, for the fragment check.
    pub fragments: Vec<FragmentLink>,
    /// Pages linked to, for backlinks.
    pub pages: Vec<usize>,
    /// Links to other sites.
    pub external: usize,
}

struct Pass<'c, 'd> {
    cx: &'c Context<'c>,
    diags: &'d mut Vec<Diagnostic>,
    report: LinkReport,
}

impl Pass<'_, '_> {
    fn rewrite<'a>(
        &mut self,
        dest: CowStr<'a>,
        range: &Range<usize>,
        what: &str,
    ) -> (CowStr<'a>, Option<String>) {
        let at = self.cx.offset + range.start..self.cx.offset + range.end;
        match self.cx.links.rewrite(&dest) {
            LinkOutcome::Keep => (dest, None),
            LinkOutcome::External => {
                self.report.external += 1;
                (dest, None)
            }
            LinkOutcome::SamePage(fragment) => {
                if !fragment.is_empty() && fragment != "top" {
                    self.report.fragments.push(FragmentLink {
                        href: dest.to_string(),
                        span: at,
                        path: String::new(),
                        fragment,
                    });
                }
                (dest, None)
            }
            LinkOutcome::Internal {
                url,
                path,
                page,
                fragment,
                title,
            } => {
                if let Some(fragment) = fragment.filter(|f| !f.is_empty() && f != "top") {
                    self.report.fragments.push(FragmentLink {
                        href: dest.to_string(),
                        span: at,
                        path,
                        fragment,
                    });
                }
                self.report.pages.extend(page);
                (CowStr::from(url), title)
            }
            LinkOutcome::Draft(rel) => {
                let mut d = Diagnostic::error(
                    "link/broken",
                    format!("{what} to `{dest}` leads to a draft ({rel}) that is left out of this build"),
                )
                .label(self.cx.file, at, "a draft")
                .help(format!("publish `{rel}` (give it another status, or remove `draft: true`), build with `--drafts`, or remove the link"));
                d.severity = self.cx.broken;
                self.diags.push(d);
                (dest, None)
            }
            LinkOutcome::Broken { near } => {
                let mut d = Diagnostic::error(
                    "link/broken",
                    format!("{what} to `{dest}` leads to no page or file"),
                )
                .label(self.cx.file, at, "broken")
                .maybe_help(near.map(|n| format!("did you mean `{n}`?")));
                d.severity = self.cx.broken;
                self.diags.push(d);
                (dest, None)
            }
        }
    }

    /// Rewrites `href="…"` values inside raw HTML.
    fn rewrite_html<'a>(&mut self, html: CowStr<'a>, range: &Range<usize>) -> CowStr<'a> {
        if !html.contains("href=") {
            return html;
        }
        let mut out = String::with_capacity(html.len());
        let mut rest: &str = &html;
        while let Some(i) = rest.find("href=") {
            let (before, after) = rest.split_at(i + 5);
            out.push_str(before);
            let Some(q) = after.chars().next().filter(|q| matches!(q, '"' | '\'')) else {
                rest = after;
                continue;
            };
            let Some(end) = after[1..].find(q) else {
                rest = after;
                continue;
            };
            let value = &after[1..1 + end];
            let (new, _) = self.rewrite(CowStr::from(value.to_string()), range, "link");
            out.push(q);
            out.push_str(&new);
            out.push(q);
            rest = &after[end + 2..];
        }
        out.push_str(rest);
        CowStr::from(out)
    }
}

/// Runs the link pass over a page's events: returns them with every link and image rewritten,
/// and the links found.
///
/// Length: one pass over the event stream; the open link's destination, outcome and text are
/// state every arm of the match shares, so the pass stays in one piece.
pub(super) fn apply<'a>(
    events: Vec<Spanned<'a>>,
    cx: &Context<'_>,
    diags: &mut Vec<Diagnostic>,
) -> (Vec<Spanned<'a>>, LinkReport) {
    let mut pass = Pass {
        cx,
        diags,
        report: LinkReport::default(),
    };
    let mut out: Vec<Spanned<'a>> = Vec::with_capacity(events.len());
    let mut image: Option<(Range<usize>, String)> = None;
    let mut fill: Option<String> = None;
    for (ev, range) in events {
        if let Some(title) = fill.take()
            && matches!(ev, Event::End(TagEnd::Link))
        {
            out.push((Event::Text(CowStr::from(title)), range.clone()));
        }
        match ev {
            Event::Start(Tag::Link {
                link_type,
                dest_url,
                title,
                id,
            }) => {
                let (dest_url, target_title) =
                    if matches!(link_type, LinkType::Autolink | LinkType::Email) {
                        pass.report.external += 1;
                        (dest_url, None)
                    } else {
                        pass.rewrite(dest_url, &range, "link")
                    };
                fill = target_title;
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
                let (dest_url, _) = pass.rewrite(dest_url, &range, "image");
                image = Some((range.clone(), String::new()));
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
                if let Some((img_range, alt)) = image.take()
                    && alt.trim().is_empty()
                {
                    let at = cx.offset + img_range.start..cx.offset + img_range.end;
                    pass.diags.push(
                        Diagnostic::warning("markdown/image-alt", "image has no alt text")
                            .label(cx.file, at, "no alt text")
                            .help("describe the image for people who cannot see it: `![what it shows](file.png)`; write `![](…)` only for decoration, and say so in a caption"),
                    );
                }
                out.push((Event::End(TagEnd::Image), range));
            }
            Event::Text(t) if image.is_some() => {
                if let Some((_, alt)) = image.as_mut() {
                    alt.push_str(&t);
                }
                out.push((Event::Text(t), range));
            }
            Event::Html(h) => {
                let h = pass.rewrite_html(h, &range);
                out.push((Event::Html(h), range));
            }
            Event::InlineHtml(h) => {
                let h = pass.rewrite_html(h, &range);
                out.push((Event::InlineHtml(h), range));
            }
            ev => out.push((ev, range)),
        }
    }
    (out, pass.report)
}

/// Severity of a broken link under the site's policy.
pub fn broken_severity(policy: crate::config::BrokenLinks) -> Severity {
    match policy {
        crate::config::BrokenLinks::Error => Severity::Error,
        crate::config::BrokenLinks::Warn => Severity::Warning,
    }
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
        assert_eq!(r.links.external, 1);
    }

    #[test]
    fn reports_broken_links_and_missing_alt() {
        let r = render_str("Intro\n\nSee [x](missing.md).\n\n![](a.png) ![A diagram](b.png)\n");
        let codes: Vec<_> = r.diags.iter().map(|d| d.code).collect();
        assert_eq!(codes, ["link/broken", "markdown/image-alt"]);
        let broken = &r.diags[0];
        assert_eq!(broken.severity, crate::diagnostics::Severity::Error);
        assert_eq!(broken.primary.as_ref().map(|l| l.span.start), Some(11));
        assert_eq!(
            broken.help.as_deref(),
            Some("did you mean `standards/backup.md`?")
        );
    }

    #[test]
    fn empty_link_text_takes_the_target_title_and_fragments_are_recorded() {
        let r = render_str("See [](ref:SEC-004#scope) and [own](#here).\n");
        assert!(
            r.html
                .contains("<a href=\"/standards/sec-004/#scope\">Standard SEC-004</a>"),
            "{}",
            r.html
        );
        assert_eq!(r.links.fragments.len(), 2);
        assert_eq!(r.links.fragments[0].fragment, "scope");
        assert_eq!(r.links.fragments[1].path, "");
        assert_eq!(r.links.pages, [4]);
    }
}
