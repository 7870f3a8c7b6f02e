//! Requirements pass: on a page with an id (a standard, `SEC-004`), a paragraph or list item
//! that begins with an RFC 2119 / RFC 8174 keyword in capitals (`MUST`, `MUST NOT`,
//! `SHOULD` …) becomes a numbered, anchored requirement (`SEC-004.3`), its keyword styled and
//! its number a self-link.
//!
//! Numbers run in page order. An author fixes one by writing it first, `[SEC-004.3] MUST …`
//! or `[3] MUST …`; automatic numbers skip the ones claimed that way, so fixing the numbers
//! of published requirements keeps them stable when others are added before them. Only
//! capitals count (RFC 8174): "must" in prose is prose.

use pulldown_cmark::{Event, HeadingLevel, Tag, TagEnd};

use super::headings::TocEntry;

use super::{Context, Spanned, escape_html};
use crate::diagnostics::Diagnostic;
use crate::model::requirement::{Requirement, Section};

/// Keywords, longest first so `MUST NOT` wins over `MUST`, with their level.
const KEYWORDS: &[(&str, &str)] = &[
    ("NOT RECOMMENDED", "should-not"),
    ("SHOULD NOT", "should-not"),
    ("SHALL NOT", "must-not"),
    ("MUST NOT", "must-not"),
    ("RECOMMENDED", "should"),
    ("REQUIRED", "must"),
    ("OPTIONAL", "may"),
    ("SHOULD", "should"),
    ("SHALL", "must"),
    ("MUST", "must"),
    ("MAY", "may"),
];

/// The levels in order of strength, with their labels, for tables and filters.
pub const LEVELS: &[(&str, &str)] = &[
    ("must", "Must"),
    ("must-not", "Must not"),
    ("should", "Should"),
    ("should-not", "Should not"),
    ("may", "May"),
];

/// The label of a level.
pub fn level_label(level: &str) -> &'static str {
    LEVELS
        .iter()
        .find(|(l, _)| *l == level)
        .map_or("", |(_, label)| label)
}

/// What the start of a paragraph says: an explicit number, the keyword, and how many bytes
/// of the text they take.
struct Lead<'t> {
    explicit: Option<&'t str>,
    keyword: &'static str,
    level: &'static str,
    len: usize,
}

fn lead(text: &str) -> Option<Lead<'_>> {
    let mut rest = text;
    let mut explicit = None;
    if let Some(after) = rest.strip_prefix('[') {
        let end = after.find(']')?;
        let id = &after[..end];
        if id.is_empty() || id.contains(char::is_whitespace) {
            return None;
        }
        explicit = Some(id);
        rest = after[end + 1..].trim_start();
    }
    let (keyword, level) = KEYWORDS.iter().find(|(k, _)| {
        rest.starts_with(k)
            && rest[k.len()..]
                .chars()
                .next()
                .is_none_or(|c| !c.is_alphanumeric())
    })?;
    Some(Lead {
        explicit,
        keyword,
        level,
        len: text.len() - rest.len() + keyword.len(),
    })
}

/// A paragraph or item that may be a requirement: where its start event is, and the run of
/// text events it begins with.
struct Candidate {
    start: usize,
    texts: std::ops::Range<usize>,
}

fn candidates(events: &[Spanned<'_>]) -> Vec<Candidate> {
    let mut out = Vec::new();
    for (k, (ev, _)) in events.iter().enumerate() {
        if !matches!(ev, Event::Start(Tag::Paragraph | Tag::Item)) {
            continue;
        }
        // A loose item's paragraph speaks for it.
        if matches!(ev, Event::Start(Tag::Paragraph))
            && k > 0
            && matches!(events[k - 1].0, Event::Start(Tag::Item))
        {
            continue;
        }
        // The item or a loose item's first paragraph: the text starts here.
        let mut first = k + 1;
        if matches!(ev, Event::Start(Tag::Item))
            && matches!(events.get(first), Some((Event::Start(Tag::Paragraph), _)))
        {
            first += 1;
        }
        let end = events[first..]
            .iter()
            .position(|(e, _)| !matches!(e, Event::Text(_)))
            .map_or(events.len(), |n| first + n);
        if end > first {
            out.push(Candidate {
                start: k,
                texts: first..end,
            });
        }
    }
    out
}

/// The plain text of the block opened at `start`: its first paragraph, without nested lists,
/// tables or code.
fn plain_text(events: &[Spanned<'_>], start: usize) -> String {
    let mut text = String::new();
    let mut depth = 0usize;
    for (ev, _) in &events[start + 1..] {
        match ev {
            Event::Start(Tag::Paragraph) if text.is_empty() => depth += 1,
            Event::Start(
                Tag::Paragraph
                | Tag::List(_)
                | Tag::Table(_)
                | Tag::CodeBlock(_)
                | Tag::BlockQuote(_)
                | Tag::HtmlBlock,
            ) => break,
            Event::End(TagEnd::Paragraph) => break,
            Event::Start(_) => depth += 1,
            Event::End(_) if depth == 0 => break,
            Event::End(_) => depth -= 1,
            Event::Text(t) | Event::Code(t) => text.push_str(t),
            Event::SoftBreak | Event::HardBreak => text.push(' '),
            _ => {}
        }
    }
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// Runs the requirements pass over a page's events: returns them with every requirement
/// numbered and anchored, and the requirements in page order.
pub(super) fn apply<'a>(
    events: Vec<Spanned<'a>>,
    cx: &Context<'_>,
    diags: &mut Vec<Diagnostic>,
) -> (Vec<Spanned<'a>>, Vec<Requirement>) {
    let Some(prefix) = cx.requirement_prefix else {
        return (events, Vec::new());
    };
    let mut found = find(&events, prefix, cx, diags);
    number(&mut found, &events, prefix, cx, diags);
    rewrite(events, found, prefix, cx)
}

/// A paragraph or list item that begins with a keyword, as found.
struct Found {
    candidate: Candidate,
    text: String,
    keyword: &'static str,
    level: &'static str,
    len: usize,
    number: Option<u32>,
    explicit: bool,
}

/// Every paragraph or list item that begins with a keyword, with the number its author gave
/// it, if any; a number that is not one of this page's is an error.
fn find(
    events: &[Spanned<'_>],
    prefix: &str,
    cx: &Context<'_>,
    diags: &mut Vec<Diagnostic>,
) -> Vec<Found> {
    let mut found: Vec<Found> = Vec::new();
    for c in candidates(events) {
        let text: String = events[c.texts.clone()]
            .iter()
            .map(|(e, _)| match e {
                Event::Text(t) => t.as_ref(),
                _ => "",
            })
            .collect();
        let Some(l) = lead(&text) else { continue };
        let (keyword, level, len) = (l.keyword, l.level, l.len);
        let explicit = l.explicit.map(str::to_string);
        let from = cx.offset + events[c.texts.start].1.start;
        let at = from..from + len;
        let number = match explicit.as_deref() {
            None => None,
            Some(id) => {
                let n = id
                    .strip_prefix(prefix)
                    .and_then(|r| r.strip_prefix('.'))
                    .unwrap_or(id);
                match n.parse::<u32>() {
                    Ok(n) if n > 0 => Some(n),
                    _ => {
                        diags.push(
                            Diagnostic::error(
                                "requirements/id",
                                format!("`[{id}]` is not a requirement number of {prefix}"),
                            )
                            .label(cx.file, at, "requirement number")
                            .help(format!(
                                "write the number alone, `[3]`, or in full, `[{prefix}.3]`"
                            )),
                        );
                        continue;
                    }
                }
            }
        };
        found.push(Found {
            candidate: c,
            text,
            keyword,
            level,
            len,
            explicit: number.is_some(),
            number,
        });
    }
    found
}

/// Numbers every requirement: explicit numbers first, each once; automatic numbers fill in
/// around them.
fn number(
    found: &mut [Found],
    events: &[Spanned<'_>],
    prefix: &str,
    cx: &Context<'_>,
    diags: &mut Vec<Diagnostic>,
) {
    let mut taken = std::collections::BTreeMap::new();
    for f in found.iter() {
        if let Some(n) = f.number {
            let from = cx.offset + events[f.candidate.texts.start].1.start;
            let at = from..from + f.len;
            if let Some(first) = taken.insert(n, at.clone()) {
                diags.push(
                    Diagnostic::error(
                        "requirements/duplicate",
                        format!("requirement {prefix}.{n} is numbered twice"),
                    )
                    .label(cx.file, at, "numbered again here")
                    .secondary(cx.file, first, "first numbered here")
                    .help("give each requirement its own number, or leave the number out"),
                );
            }
        }
    }
    let mut next = 1;
    for f in found.iter_mut() {
        if f.number.is_none() {
            while taken.contains_key(&next) {
                next += 1;
            }
            f.number = Some(next);
            next += 1;
        }
    }
}

/// Rewrites each requirement as an anchored block with its number and styled keyword;
/// returns the events and the requirements in page order.
fn rewrite<'a>(
    mut events: Vec<Spanned<'a>>,
    found: Vec<Found>,
    prefix: &str,
    cx: &Context<'_>,
) -> (Vec<Spanned<'a>>, Vec<Requirement>) {
    let mut requirements = Vec::with_capacity(found.len());
    // Rewrite back to front so the indices of earlier candidates hold.
    for f in found.into_iter().rev() {
        let n = f.number.unwrap_or_default();
        let id = format!("{prefix}.{n}");
        let c = &f.candidate;
        let tag = if matches!(events[c.start].0, Event::Start(Tag::Item)) {
            "li"
        } else {
            "p"
        };
        let range = events[c.start].1.clone();
        requirements.push(Requirement {
            id: id.clone(),
            number: n,
            keyword: f.keyword,
            level: f.level,
            level_label: level_label(f.level),
            explicit: f.explicit,
            text: strip_lead(&plain_text(&events, c.start), f.explicit),
            section: None,
            span: cx.offset + range.start..cx.offset + range.end,
        });
        let escaped = escape_html(&id);
        let marker = format!(
            "<a class=\"requirement__id\" href=\"#{escaped}\" aria-label=\"Requirement {escaped}\">{escaped}</a> <strong class=\"requirement__keyword requirement__keyword--{}\">{}</strong>",
            f.level, f.keyword
        );
        let text_range = events[c.texts.start].1.start..events[c.texts.end - 1].1.end;
        let rest = f.text[f.len..].to_string();
        let mut replacement = vec![(Event::InlineHtml(marker.into()), text_range.clone())];
        if !rest.is_empty() {
            replacement.push((Event::Text(rest.into()), text_range));
        }
        events.splice(c.texts.clone(), replacement);
        let open = format!(
            "<{tag} class=\"requirement requirement--{}\" id=\"{escaped}\">",
            f.level
        );
        // The block's own end event still closes it.
        events[c.start].0 = Event::Html(open.into());
    }
    requirements.reverse();
    (events, requirements)
}

/// The text without the explicit number it may start with.
fn strip_lead(text: &str, explicit: bool) -> String {
    if explicit && text.starts_with('[') {
        text.split_once(']')
            .map_or(text, |(_, r)| r.trim_start())
            .to_string()
    } else {
        text.to_string()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn leads() {
        let l = lead("MUST NOT share").expect("a requirement");
        assert_eq!((l.keyword, l.level, l.len), ("MUST NOT", "must-not", 8));
        let l = lead("[SEC-004.7] SHOULD use").expect("a requirement");
        assert_eq!(
            (l.explicit, l.keyword, l.len),
            (Some("SEC-004.7"), "SHOULD", 18)
        );
        assert!(lead("MUSTARD is yellow").is_none());
        assert!(lead("Must be done").is_none());
        assert!(lead("[a link] to somewhere").is_none());
        assert_eq!(lead("MAY: optional").expect("a requirement").level, "may");
    }
}

#[cfg(test)]
mod render_tests {
    use super::super::tests::render_str;

    #[test]
    fn items_and_paragraphs_become_numbered_requirements() {
        let r = render_str(
            "Intro that MUST not count.\n\n- MUST NOT share accounts.\n- Teams decide.\n- [5] SHOULD use `keys`.\n- MAY log.\n\nSHOULD review yearly.\n",
        );
        let ids: Vec<_> = r
            .requirements
            .iter()
            .map(|q| (q.id.as_str(), q.level, q.explicit))
            .collect();
        assert_eq!(
            ids,
            [
                ("SEC-004.1", "must-not", false),
                ("SEC-004.5", "should", true),
                ("SEC-004.2", "may", false),
                ("SEC-004.3", "should", false),
            ]
        );
        assert_eq!(r.requirements[1].text, "SHOULD use keys.");
        assert!(
            r.html.contains("<li class=\"requirement requirement--must-not\" id=\"SEC-004.1\"><a class=\"requirement__id\" href=\"#SEC-004.1\" aria-label=\"Requirement SEC-004.1\">SEC-004.1</a> <strong class=\"requirement__keyword requirement__keyword--must-not\">MUST NOT</strong> share accounts.</li>"),
            "{}",
            r.html
        );
        assert!(
            r.html
                .contains("<p class=\"requirement requirement--should\" id=\"SEC-004.3\">"),
            "{}",
            r.html
        );
        assert!(r.html.contains("<li>Teams decide.</li>"));
        assert!(r.html.contains("<p>Intro that MUST not count.</p>"));
        assert!(r.diags.is_empty(), "{:?}", r.diags);
    }

    #[test]
    fn each_requirement_names_the_heading_it_sits_under() {
        let r = render_str(
            "# Title\n\nMUST come first.\n\n## Scope\n\n- MUST scope.\n\n### Who {#who-it-is}\n\n#### Deep\n\nSHOULD sit under Who.\n\n## Scope\n\nMAY repeat.\n",
        );
        let sections: Vec<_> = r
            .requirements
            .iter()
            .map(|q| {
                q.section
                    .as_ref()
                    .map(|s| (s.id.as_str(), s.title.as_str()))
            })
            .collect();
        assert_eq!(
            sections,
            [
                None,
                Some(("scope", "Scope")),
                Some(("who-it-is", "Who")),
                Some(("scope-1", "Scope")),
            ]
        );
    }

    #[test]
    fn the_text_is_the_first_paragraph() {
        let r = render_str(
            "- MUST fix within these times:\n\n  | A | B |\n  |---|---|\n  | 1 | 2 |\n\n  More detail.\n- MAY *defer* with `approval`:\n  - nested\n",
        );
        let texts: Vec<_> = r.requirements.iter().map(|q| q.text.as_str()).collect();
        assert_eq!(
            texts,
            ["MUST fix within these times:", "MAY defer with approval:"]
        );
    }

    #[test]
    fn explicit_numbers_are_checked() {
        let r = render_str("- [2] MUST a.\n- [SEC-004.2] MUST b.\n- [SEC-009.1] MAY c.\n");
        let codes: Vec<_> = r.diags.iter().map(|d| d.code).collect();
        assert_eq!(
            codes,
            ["requirements/id", "requirements/duplicate"],
            "{:?}",
            r.diags
        );
        let dup = &r.diags[1];
        assert_eq!(dup.primary.as_ref().expect("labelled").span, 16..32);
    }
}

/// Where the level 2 and 3 headings of `events` (before the heading pass) start, in order:
/// the same headings, in the same order, as the table of contents the pass makes.
pub fn heading_starts(events: &[Spanned<'_>]) -> Vec<usize> {
    events
        .iter()
        .filter(|(e, _)| {
            matches!(
                e,
                Event::Start(Tag::Heading {
                    level: HeadingLevel::H2 | HeadingLevel::H3,
                    ..
                })
            )
        })
        .map(|(_, span)| span.start)
        .collect()
}

/// Names, for each requirement, the level 2 or 3 heading before it, from where the headings
/// start (`heading_starts`, in the body) and the table of contents that names them.
pub fn place(requirements: &mut [Requirement], starts: &[usize], toc: &[TocEntry], offset: usize) {
    let entries: Vec<&TocEntry> = toc
        .iter()
        .flat_map(|e| std::iter::once(e).chain(&e.children))
        .collect();
    for r in requirements {
        let before = starts.partition_point(|at| offset + at <= r.span.start);
        r.section = before
            .checked_sub(1)
            .and_then(|i| entries.get(i))
            .map(|e| Section {
                id: e.id.clone(),
                title: e.title.clone(),
            });
    }
}
