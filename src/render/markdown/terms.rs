//! Terminology pass: in prose (never in headings, code, links, images or raw HTML), the first
//! use of each glossary term, alias or abbreviation links to its definition, abbreviations
//! expanded with `<abbr>`; every avoided variant is a `terminology/avoid` warning with the
//! word to use instead. One Aho-Corasick pass per text event, whatever the number of terms.
//! Runs after the heading and code passes, so headings and code are already HTML and left
//! alone.

use std::collections::BTreeSet;

use pulldown_cmark::{Event, Tag, TagEnd};

use super::{Context, Spanned, escape_html};
use crate::diagnostics::Diagnostic;
use crate::resolve::glossary::Pattern;

/// Runs the terminology pass over a page's events: returns them with each term's first use
/// linked, and the glossary entries the page uses.
///
/// Length: one pass over the event stream; where the text is (heading, code, link, raw HTML)
/// and which terms have been linked are state every arm shares, so the pass stays in one
/// piece.
pub(super) fn apply<'a>(
    events: Vec<Spanned<'a>>,
    source: &str,
    cx: &Context<'_>,
    diags: &mut Vec<Diagnostic>,
) -> (Vec<Spanned<'a>>, Vec<usize>) {
    let Some(g) = cx.glossary else {
        return (events, Vec::new());
    };
    let mut used = BTreeSet::new();
    let mut linked = BTreeSet::new();
    let mut depth = 0usize;
    let mut out = Vec::with_capacity(events.len());
    for (ev, range) in events {
        let text = match ev {
            Event::Start(Tag::Link { .. } | Tag::Image { .. }) => {
                depth += 1;
                out.push((ev, range));
                continue;
            }
            Event::End(TagEnd::Link | TagEnd::Image) => {
                depth = depth.saturating_sub(1);
                out.push((ev, range));
                continue;
            }
            Event::Text(t) if depth == 0 => t,
            ev => {
                out.push((ev, range));
                continue;
            }
        };
        let found = g.find(&text);
        if found.is_empty() {
            out.push((Event::Text(text), range));
            continue;
        }
        let mut html = String::new();
        let mut last = 0;
        for f in found {
            let word = &text[f.range.clone()];
            match f.pattern {
                Pattern::Avoid { preferred } => {
                    if cx.lint {
                        let preferred = match_case(preferred, word);
                        let at = locate(source, &range, &text, f.range.clone());
                        diags.push(
                            Diagnostic::warning("terminology/avoid", format!("write “{preferred}”, not “{word}”"))
                                .label(cx.file, cx.offset + at.start..cx.offset + at.end, "avoided term")
                                .help(format!("the glossary prefers “{preferred}”; quote the word as `code` to mention it")),
                        );
                    }
                }
                Pattern::Term {
                    entry,
                    abbreviation,
                    ..
                } => {
                    used.insert(*entry);
                    if cx.autolink && linked.insert(*entry) {
                        let e = &g.entries[*entry];
                        html.push_str(&escape_html(&text[last..f.range.start]));
                        let inner = if *abbreviation {
                            format!(
                                "<abbr title=\"{}\">{}</abbr>",
                                escape_html(&e.term),
                                escape_html(word)
                            )
                        } else {
                            escape_html(word)
                        };
                        html.push_str(&format!(
                            "<a class=\"term\" href=\"{}#{}\">{inner}</a>",
                            cx.glossary_url, e.id
                        ));
                        last = f.range.end;
                    }
                }
            }
        }
        if last == 0 {
            out.push((Event::Text(text), range));
        } else {
            html.push_str(&escape_html(&text[last..]));
            out.push((Event::InlineHtml(html.into()), range));
        }
    }
    (out, used.into_iter().collect())
}

/// "Supplier" for "vendor", "Supplier" for "Vendor": a term capitalised only as a sentence
/// would be takes the case of the word it replaces; names and acronyms keep theirs.
fn match_case(preferred: &str, word: &str) -> String {
    let mut chars = preferred.chars();
    let Some(first) = chars.next() else {
        return String::new();
    };
    let rest: String = chars.collect();
    let plain = rest.chars().all(|c| !c.is_uppercase());
    if plain && word.chars().next().is_some_and(char::is_lowercase) {
        first.to_lowercase().chain(rest.chars()).collect()
    } else {
        preferred.to_string()
    }
}

/// Where a match in an event's text is in the source (they differ after entities or smart
/// punctuation; then the word is looked for in the source slice).
fn locate(
    source: &str,
    range: &std::ops::Range<usize>,
    text: &str,
    m: std::ops::Range<usize>,
) -> std::ops::Range<usize> {
    let Some(slice) = source.get(range.clone()) else {
        return range.clone();
    };
    if slice == text {
        return range.start + m.start..range.start + m.end;
    }
    let word = &text[m.clone()];
    match slice.to_ascii_lowercase().find(&word.to_ascii_lowercase()) {
        Some(i) => range.start + i..range.start + i + word.len(),
        None => range.clone(),
    }
}
