//! Taxonomies: each declared taxonomy's terms, the pages filed under each, and the words
//! a taxonomy says to avoid.

use std::collections::HashMap;
use std::ops::Range;

use indexmap::IndexMap;

use crate::config::Config;
use crate::diagnostics::{Diagnostic, Diagnostics, FileId};
use crate::model::paths::slugify;

use super::claims::Claims;
use super::{Site, TaxonomyIndex, Term};

impl Site {
    /// Every declared taxonomy with its terms (its vocabulary's, in order, else those pages
    /// use, alphabetically), each term's pages by title, and the index and term pages' URLs.
    pub(super) fn build_taxonomies(
        &mut self,
        config: &Config,
        claims: &mut Claims,
        diags: &mut Diagnostics,
    ) {
        for (name, tax) in &config.taxonomies {
            let path = format!("/{name}/");
            claims.claim(
                &path,
                config.file,
                0..0,
                format!("the `{name}` taxonomy index"),
                diags,
            );
            let mut terms: IndexMap<String, Term> = IndexMap::new();
            if let Some(vocab) = &tax.terms {
                for t in vocab {
                    let slug = slugify(t);
                    terms.entry(slug.clone()).or_insert(Term {
                        name: t.clone(),
                        path: format!("/{name}/{slug}/"),
                        slug,
                        pages: Vec::new(),
                    });
                }
            }
            self.file_pages(name, &mut terms, diags);
            let mut terms: Vec<Term> = terms.into_values().collect();
            if tax.terms.is_none() {
                terms.sort_by_key(|a| a.name.to_lowercase());
            }
            for t in &mut terms {
                t.pages.sort_by_key(|&a| self.title_rank[a]);
                if !t.pages.is_empty() {
                    claims.claim(
                        &t.path,
                        config.file,
                        0..0,
                        format!("the `{}` term page", t.name),
                        diags,
                    );
                }
            }
            self.taxonomies.push(TaxonomyIndex {
                name: name.clone(),
                path,
                terms,
            });
        }
    }

    /// Files every page under the terms of taxonomy `name` it names, adding terms first met;
    /// two spellings that share a URL are an error naming both.
    fn file_pages(&self, name: &str, terms: &mut IndexMap<String, Term>, diags: &mut Diagnostics) {
        let mut first_use: HashMap<String, (FileId, Range<usize>, String)> = HashMap::new();
        // Each spelling met so far: the index of its term, or `None` when another spelling of
        // the same URL came first. Spellings repeat page after page, so each is slugified and
        // looked up once.
        let mut spellings: HashMap<&str, Option<usize>> = HashMap::new();
        for (i, p) in self.pages.iter().enumerate() {
            let Some(list) = p.taxonomies.get(name) else {
                continue;
            };
            for (term, span) in list {
                let known = match spellings.get(term.as_str()) {
                    Some(&known) => known,
                    None => {
                        let slug = slugify(term);
                        let entry = terms.entry(slug.clone());
                        let index = entry.index();
                        let entry = entry.or_insert_with(|| Term {
                            name: term.clone(),
                            path: format!("/{name}/{slug}/"),
                            slug: slug.clone(),
                            pages: Vec::new(),
                        });
                        let known = (&entry.name == term).then_some(index);
                        if known.is_some() {
                            first_use
                                .entry(slug)
                                .or_insert_with(|| (p.file, span.clone(), term.clone()));
                        }
                        spellings.insert(term, known);
                        known
                    }
                };
                if let Some(index) = known {
                    terms[index].pages.push(i);
                    continue;
                }
                let slug = slugify(term);
                let entry = &terms[&slug];
                let mut d = Diagnostic::error(
                    "taxonomy/term-clash",
                    format!(
                        "`{term}` and `{}` are written differently but share the URL `{}`",
                        entry.name, entry.path
                    ),
                )
                .label(p.file, span.clone(), "written this way here")
                .help(format!(
                    "write the term one way everywhere: `{}`",
                    entry.name
                ));
                if let Some((f, s, _)) = first_use.get(&slug) {
                    d = d.secondary(*f, s.clone(), "and this way here");
                }
                diags.push(d);
            }
        }
    }
}
