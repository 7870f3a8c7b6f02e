//! The governed glossary: entries from `content/<glossary>/*.md`, checked so every word means
//! one thing, and one Aho-Corasick automaton over every term, alias, abbreviation and avoided
//! variant, so each text is matched in one pass however many terms there are.
//!
//! Input: validated pages (glossary entries carry [`GlossaryEntry`]) and the taxonomies'
//! `avoid` lists. Output: [`Glossary`] and diagnostics for clashes and unknown related terms.

use std::collections::HashMap;
use std::ops::Range;
use std::sync::Arc;

use aho_corasick::{AhoCorasick, MatchKind};

use crate::config::Config;
use crate::diagnostics::{Diagnostic, Diagnostics, FileId, did_you_mean};
use crate::model::paths::slugify;
use crate::validate::Page;

/// One glossary entry.
#[derive(Debug, Clone)]
pub struct Entry {
    /// The page holding it.
    pub page: usize,
    /// The term (the page title).
    pub term: String,
    /// Its anchor on the glossary page.
    pub id: String,
    /// Short form.
    pub abbreviation: Option<String>,
    /// Other acceptable names.
    pub aliases: Vec<String>,
    /// Variants not to use.
    pub avoid: Vec<String>,
    /// Related entries.
    pub related: Vec<usize>,
}

/// What a pattern in the automaton stands for.
#[derive(Debug, Clone, PartialEq)]
pub enum Pattern {
    /// A term, alias or abbreviation of an entry: linked, and counted as a use.
    Term {
        /// The entry.
        entry: usize,
        /// Matched with its exact case (abbreviations).
        exact: String,
        /// It is the abbreviation (shown with `<abbr>`).
        abbreviation: bool,
    },
    /// A word authors must not use.
    Avoid {
        /// What to write instead.
        preferred: String,
    },
}

/// The glossary and its matcher.
#[derive(Debug)]
pub struct Glossary {
    /// Entries, ordered by term.
    pub entries: Vec<Entry>,
    /// Site path of the A-Z page (`/glossary/`).
    pub path: String,
    automaton: AhoCorasick,
    patterns: Vec<Pattern>,
}

/// One match in a text.
#[derive(Debug, Clone, PartialEq)]
pub struct Found<'g> {
    /// Byte range in the text.
    pub range: Range<usize>,
    /// What matched.
    pub pattern: &'g Pattern,
}

impl Glossary {
    /// Every whole-word match in `text`, leftmost-longest, not overlapping.
    pub fn find<'g>(&'g self, text: &str) -> Vec<Found<'g>> {
        let mut out = Vec::new();
        for m in self.automaton.find_iter(text) {
            let range = m.start()..m.end();
            if !whole_word(text, &range) {
                continue;
            }
            let pattern = &self.patterns[m.pattern().as_usize()];
            if let Pattern::Term {
                exact,
                abbreviation: true,
                ..
            } = pattern
                && &text[range.clone()] != exact
            {
                continue;
            }
            out.push(Found { range, pattern });
        }
        out
    }

    /// The entry whose term, alias or abbreviation is `name` (any case), if any.
    pub fn entry_named(&self, name: &str) -> Option<usize> {
        let lower = name.to_lowercase();
        self.entries.iter().position(|e| {
            e.term.to_lowercase() == lower
                || e.aliases.iter().any(|a| a.to_lowercase() == lower)
                || e.abbreviation
                    .as_ref()
                    .is_some_and(|a| a.to_lowercase() == lower)
        })
    }
}

fn whole_word(text: &str, range: &Range<usize>) -> bool {
    let before = text[..range.start].chars().next_back();
    let after = text[range.end..].chars().next();
    let word = |c: Option<char>| c.is_some_and(|c| c.is_alphanumeric() || c == '_');
    // A hyphen joins words: "e-mail" is one word, so "mail" inside it is not a match.
    let joined = |c: Option<char>| c == Some('-');
    !word(before) && !word(after) && !joined(before) && !joined(after)
}

/// Builds the glossary, or `None` when the site has none.
pub fn build(pages: &[Arc<Page>], config: &Config, diags: &mut Diagnostics) -> Option<Glossary> {
    let g = config.glossary.as_ref()?;
    let mut entries: Vec<Entry> = pages
        .iter()
        .enumerate()
        .filter_map(|(i, p)| {
            let e = p.glossary.as_ref()?;
            Some(Entry {
                page: i,
                term: p.title.clone(),
                id: slugify(&p.title),
                abbreviation: e.abbreviation.as_ref().map(|a| a.0.clone()),
                aliases: e.aliases.iter().map(|a| a.0.clone()).collect(),
                avoid: e.avoid.iter().map(|a| a.0.clone()).collect(),
                related: Vec::new(),
            })
        })
        .collect();
    entries.sort_by_key(|a| a.term.to_lowercase());
    check_clashes(&entries, pages, diags);
    resolve_related(&mut entries, pages, diags);

    let mut words: Vec<String> = Vec::new();
    let mut patterns: Vec<Pattern> = Vec::new();
    for (k, e) in entries.iter().enumerate() {
        for (word, abbreviation) in std::iter::once((&e.term, false))
            .chain(e.aliases.iter().map(|a| (a, false)))
            .chain(e.abbreviation.iter().map(|a| (a, true)))
        {
            words.push(word.clone());
            patterns.push(Pattern::Term {
                entry: k,
                exact: word.clone(),
                abbreviation,
            });
        }
        for a in &e.avoid {
            words.push(a.clone());
            let preferred = match &e.abbreviation {
                Some(abbr) => format!("{} ({abbr})", e.term),
                None => e.term.clone(),
            };
            patterns.push(Pattern::Avoid { preferred });
        }
    }
    for tax in config.taxonomies.values() {
        for (variant, preferred) in &tax.avoid {
            words.push(variant.clone());
            patterns.push(Pattern::Avoid {
                preferred: preferred.clone(),
            });
        }
    }
    let automaton = match AhoCorasick::builder()
        .ascii_case_insensitive(true)
        .match_kind(MatchKind::LeftmostLongest)
        .build(&words)
    {
        Ok(a) => a,
        Err(e) => {
            diags.push(Diagnostic::error(
                "glossary/build",
                format!("the glossary could not be indexed: {e}"),
            ));
            return None;
        }
    };
    Some(Glossary {
        entries,
        path: format!("/{}/", g.dir),
        automaton,
        patterns,
    })
}

/// A word may name only one entry, and may not be both used and avoided.
fn check_clashes(entries: &[Entry], pages: &[Arc<Page>], diags: &mut Diagnostics) {
    let mut seen: HashMap<String, (usize, &'static str)> = HashMap::new();
    for (k, e) in entries.iter().enumerate() {
        let p = &pages[e.page];
        let spans = p.glossary.clone().unwrap_or_default();
        let mut words: Vec<(&str, &'static str, Range<usize>)> = vec![(&e.term, "term", 0..0)];
        words.extend(
            spans
                .aliases
                .iter()
                .map(|(a, s)| (a.as_str(), "alias", s.clone())),
        );
        if let Some((a, s)) = &spans.abbreviation {
            words.push((a, "abbreviation", s.clone()));
        }
        words.extend(
            spans
                .avoid
                .iter()
                .map(|(a, s)| (a.as_str(), "avoided variant", s.clone())),
        );
        for (word, role, span) in words {
            let key = word.to_lowercase();
            match seen.get(&key) {
                Some(&(other, other_role)) if other != k || other_role != role => {
                    let o = &entries[other];
                    diags.push(
                        Diagnostic::error(
                            "glossary/clash",
                            format!("`{word}` is the {role} of “{}” and already the {other_role} of “{}”", e.term, o.term),
                        )
                        .label(p.file, span, "here")
                        .secondary(pages[o.page].file, 0..0, "the other entry")
                        .help("a word means one thing: keep it in one entry"),
                    );
                }
                Some(_) => {}
                None => {
                    seen.insert(key, (k, role));
                }
            }
        }
    }
}

fn resolve_related(entries: &mut [Entry], pages: &[Arc<Page>], diags: &mut Diagnostics) {
    let names: Vec<(String, usize)> = entries
        .iter()
        .enumerate()
        .flat_map(|(k, e)| {
            let stem = pages[e.page]
                .rel
                .rsplit('/')
                .next()
                .unwrap_or("")
                .trim_end_matches(".md")
                .to_lowercase();
            std::iter::once((e.term.to_lowercase(), k))
                .chain(e.abbreviation.iter().map(move |a| (a.to_lowercase(), k)))
                .chain(std::iter::once((stem, k)))
        })
        .collect();
    for k in 0..entries.len() {
        let page = &pages[entries[k].page];
        let file: FileId = page.file;
        let related = page
            .glossary
            .as_ref()
            .map(|g| g.related.clone())
            .unwrap_or_default();
        for (name, span) in related {
            match names.iter().find(|(n, _)| *n == name.to_lowercase()) {
                Some(&(_, target)) if target != k => entries[k].related.push(target),
                Some(_) => {}
                None => {
                    let near = did_you_mean(&name, entries.iter().map(|e| e.term.as_str()));
                    diags.push(
                        Diagnostic::error(
                            "glossary/related",
                            format!("related term `{name}` is not in the glossary"),
                        )
                        .label(file, span, "no such term")
                        .maybe_help(near.map(|n| format!("did you mean `{n}`?"))),
                    );
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn words_must_be_whole() {
        assert!(whole_word("use MFA now", &(4..7)));
        assert!(!whole_word("use MFAs", &(4..7)));
        assert!(!whole_word("e-mail", &(2..6)));
        assert!(whole_word("(MFA)", &(1..4)));
    }
}
