//! The search documents of a site: every content page, every section shown as a generated
//! listing, and every glossary entry, with the facets (collections and taxonomies) and the
//! glossary's expansions. Made from the resolved site and each page's rendered body; a
//! document is reused from the previous build while its key is unchanged.

use std::collections::HashMap;
use std::sync::Arc;

use rayon::prelude::*;

use crate::config::Config;
use crate::model::requirement::Requirement as PageRequirement;
use crate::resolve::Site;

use super::{Doc, Expansion, Facets, Input, Requirement, text};

/// What a page's rendered body gives its document.
pub struct BodyText<'a> {
    /// The body's HTML, cut into sections at its headings.
    pub html: &'a str,
    /// Its numbered requirements.
    pub requirements: &'a [PageRequirement],
}

/// Documents kept from a build for the next, by URL, with the key each was made from.
pub type Kept = HashMap<String, (u64, Arc<Doc>)>;

/// Every document of the site and what the next build can reuse. `keys[i]` changes whenever
/// anything page `i`'s document shows changes.
pub fn input(
    site: &Site,
    config: &Config,
    bodies: &[BodyText<'_>],
    keys: &[u64],
    previous: &Kept,
) -> (Input, Kept) {
    let pages: Vec<usize> = (0..site.pages.len())
        .filter(|&i| site.own_page[i] && site.pages[i].glossary.is_none())
        .collect();
    let mut docs: Vec<(u64, Arc<Doc>)> = pages
        .par_iter()
        .map(|&i| match previous.get(&site.paths[i]) {
            Some((k, doc)) if *k == keys[i] => (keys[i], doc.clone()),
            _ => (keys[i], Arc::new(page_doc(site, config, &bodies[i], i))),
        })
        .collect();
    docs.extend(listing_docs(site, config, bodies, keys));
    let mut glossary = Vec::new();
    if let Some(g) = &site.glossary {
        for e in &g.entries {
            let d = docs.len();
            let doc = Doc {
                url: format!("{}#{}", g.path, e.id),
                title: e.term.clone(),
                id: e.abbreviation.clone(),
                glossary: true,
                sections: text::sections(bodies[e.page].html),
                ..Doc::default()
            };
            docs.push((keys[e.page], Arc::new(doc)));
            for word in e.abbreviation.iter().chain(&e.aliases).chain(&e.avoid) {
                glossary.push(Expansion {
                    key: word.clone(),
                    term: e.term.clone(),
                    doc: d,
                });
            }
        }
    }
    let kept = docs
        .iter()
        .map(|(k, d)| (d.url.clone(), (*k, d.clone())))
        .collect();
    let input = Input {
        docs: docs.into_iter().map(|(_, d)| d).collect(),
        facets: facets(site, config),
        glossary,
    };
    (input, kept)
}

/// The collections and each taxonomy with its terms, as results are filtered by them.
fn facets(site: &Site, config: &Config) -> Facets {
    Facets {
        collections: config
            .collections
            .values()
            .map(|c| (c.name.clone(), c.title.clone()))
            .collect(),
        taxonomies: site
            .taxonomies
            .iter()
            .map(|t| {
                (
                    t.name.clone(),
                    config.taxonomies[&t.name].title.clone(),
                    t.terms.iter().map(|term| term.name.clone()).collect(),
                )
            })
            .collect(),
    }
}

/// A content page's document: its title, id, description, collection, taxonomy terms,
/// sections and requirements.
fn page_doc(site: &Site, config: &Config, body: &BodyText<'_>, i: usize) -> Doc {
    let p = &site.pages[i];
    let collection = config.collection_named(p.collection.as_deref());
    let terms = site
        .taxonomies
        .iter()
        .enumerate()
        .flat_map(|(t, tax)| {
            p.taxonomies
                .get(&tax.name)
                .into_iter()
                .flatten()
                .filter_map(move |(name, _)| {
                    tax.terms
                        .iter()
                        .position(|term| &term.name == name)
                        .map(|k| (t, k))
                })
        })
        .collect();
    Doc {
        url: site.paths[i].clone(),
        title: p.title.clone(),
        id: collection
            .and_then(|c| c.id_field.as_ref())
            .and_then(|f| p.fields.get(f))
            .and_then(|v| v.value.as_str())
            .map(str::to_string),
        description: p.description.clone(),
        collection: collection.and_then(|c| config.collections.get_index_of(&c.name)),
        terms,
        glossary: false,
        sections: text::sections(body.html),
        requirements: body
            .requirements
            .iter()
            .map(|r| Requirement {
                id: r.id.clone(),
                text: r.text.clone(),
            })
            .collect(),
    }
}

/// A section shown as a generated listing is found by its title and introduction, at the
/// listing's path (the site's root is the home page, which every page links to).
fn listing_docs(
    site: &Site,
    config: &Config,
    bodies: &[BodyText<'_>],
    keys: &[u64],
) -> Vec<(u64, Arc<Doc>)> {
    let mut docs = Vec::new();
    for sec in &site.sections {
        let Some(i) = sec.index_page.filter(|&i| !site.own_page[i]) else {
            continue;
        };
        if sec.dir.is_empty() || site.pages[i].glossary.is_some() {
            continue;
        }
        let collection = sec
            .collection
            .as_ref()
            .and_then(|c| config.collections.get_index_of(c));
        let doc = Doc {
            url: sec.path.clone(),
            title: sec.title.clone(),
            description: site.pages[i].description.clone(),
            collection,
            sections: text::sections(bodies[i].html),
            ..Doc::default()
        };
        docs.push((keys[i], Arc::new(doc)));
    }
    docs
}
