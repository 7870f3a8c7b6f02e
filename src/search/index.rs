//! Builds the search index files from the documents of a site.

use std::collections::BTreeMap;

use rustc_hash::FxHashMap;

use rayon::prelude::*;
use serde_json::{Value, json};

use super::text::{self, Section};

/// Postings above which a shard of two-letter prefix is split into three-letter shards.
pub const SPLIT_AT: usize = 3000;

/// One searchable document: a page, or a glossary entry on the glossary page.
#[derive(Debug, Clone, Default)]
pub struct Doc {
    /// Site path, with a fragment for glossary entries (`/glossary/#mfa`).
    pub url: String,
    /// Title.
    pub title: String,
    /// Id such as `SEC-004`, matched before anything else.
    pub id: Option<String>,
    /// Description.
    pub description: Option<String>,
    /// Collection, by index into [`Facets::collections`].
    pub collection: Option<usize>,
    /// Taxonomy terms, by (taxonomy, term) index into [`Facets::taxonomies`].
    pub terms: Vec<(usize, usize)>,
    /// Body sections.
    pub sections: Vec<Section>,
}

/// The facets a search can be filtered by.
#[derive(Debug, Clone, Default)]
pub struct Facets {
    /// Collections: (name, title).
    pub collections: Vec<(String, String)>,
    /// Taxonomies: (name, title, terms).
    pub taxonomies: Vec<(String, String, Vec<String>)>,
}

/// A glossary expansion: a word that stands for a term, and the document defining it.
#[derive(Debug, Clone)]
pub struct Expansion {
    /// The abbreviation, alias or avoided variant, as typed.
    pub key: String,
    /// The term.
    pub term: String,
    /// The document of the glossary entry.
    pub doc: usize,
}

/// Weight of a term in a title, an id, a heading, a description and the body.
const TITLE: u32 = 8;
const ID: u32 = 12;
const HEADING: u32 = 4;
const DESCRIPTION: u32 = 3;
const BODY_CAP: u32 = 4;

/// One posting: document, weight, section.
type Posting = (u32, u32, u32);

/// Most characters of a document's text kept for excerpts.
pub const EXCERPT_TEXT: usize = 3000;

/// One document's terms: (term, weight, section), sorted by term.
///
/// Each distinct term is looked up once per occurrence in one map (no string is allocated
/// for a term seen before); body counts per section live in a vector indexed by the term's
/// number.
fn doc_terms(doc: &Doc) -> Vec<(String, u32, usize)> {
    struct Acc {
        index: FxHashMap<String, usize>,
        /// Per term: (term, weight, best section, its weight).
        entries: Vec<(String, u32, usize, u32)>,
    }
    impl Acc {
        fn id(&mut self, term: &str) -> usize {
            if let Some(&k) = self.index.get(term) {
                return k;
            }
            let k = self.entries.len();
            self.index.insert(term.to_string(), k);
            self.entries.push((term.to_string(), 0, 0, 0));
            k
        }
        fn add(&mut self, k: usize, weight: u32, section: usize) {
            let e = &mut self.entries[k];
            e.1 = (e.1 + weight).min(255);
            if weight > e.3 {
                e.2 = section;
                e.3 = weight;
            }
        }
    }
    let mut acc = Acc {
        index: FxHashMap::default(),
        entries: Vec::new(),
    };
    text::for_each_term(&doc.title, |t| {
        let k = acc.id(t);
        acc.add(k, TITLE, 0);
    });
    if let Some(id) = &doc.id {
        text::for_each_term(id, |t| {
            let k = acc.id(t);
            acc.add(k, ID, 0);
        });
    }
    if let Some(d) = &doc.description {
        text::for_each_term(d, |t| {
            let k = acc.id(t);
            acc.add(k, DESCRIPTION, 0);
        });
    }
    let mut counts: Vec<u32> = Vec::new();
    let mut seen: Vec<usize> = Vec::new();
    for (s, section) in doc.sections.iter().enumerate() {
        text::for_each_term(&section.title, |t| {
            let k = acc.id(t);
            acc.add(k, HEADING, s);
        });
        text::for_each_term(&section.text, |t| {
            let k = acc.id(t);
            if counts.len() <= k {
                counts.resize(k + 1, 0);
            }
            if counts[k] == 0 {
                seen.push(k);
            }
            counts[k] += 1;
        });
        for &k in &seen {
            acc.add(k, counts[k].min(BODY_CAP), s);
            counts[k] = 0;
        }
        seen.clear();
    }
    let mut out: Vec<(String, u32, usize)> = acc
        .entries
        .into_iter()
        .map(|(t, w, s, _)| (t, w, s))
        .collect();
    out.sort();
    out
}

/// What the index is built from.
#[derive(Debug, Clone, Default)]
pub struct Input {
    /// Documents, in the order their numbers follow.
    pub docs: Vec<std::sync::Arc<Doc>>,
    /// Facets.
    pub facets: Facets,
    /// Glossary expansions.
    pub glossary: Vec<Expansion>,
}

/// Every search file, as (path under the output folder, JSON text).
pub fn build<D: std::ops::Deref<Target = Doc> + Sync>(
    docs: &[D],
    facets: &Facets,
    glossary: &[Expansion],
) -> Vec<(String, String)> {
    let per_doc: Vec<Vec<(String, u32, usize)>> = docs.par_iter().map(|d| doc_terms(d)).collect();
    // term -> postings in document order.
    let mut postings: FxHashMap<String, Vec<Posting>> = FxHashMap::default();
    for (d, terms) in per_doc.into_iter().enumerate() {
        for (t, w, s) in terms {
            postings.entry(t).or_default().push((d as u32, w, s as u32));
        }
    }
    let mut terms: Vec<(String, Vec<Posting>)> = postings.into_iter().collect();
    terms.sort_by(|a, b| a.0.cmp(&b.0));
    // Shards by two-letter prefix, split by three letters when large.
    let mut shards: BTreeMap<String, Vec<usize>> = BTreeMap::new();
    for (k, (term, _)) in terms.iter().enumerate() {
        shards.entry(prefix(term, 2)).or_default().push(k);
    }
    let mut split = Vec::new();
    let mut groups: Vec<(String, Vec<usize>)> = Vec::new();
    for (key, members) in shards {
        let size: usize = members.iter().map(|&k| terms[k].1.len()).sum();
        if size > SPLIT_AT && key.chars().count() == 2 {
            split.push(key.clone());
            let mut sub: BTreeMap<String, Vec<usize>> = BTreeMap::new();
            for k in members {
                sub.entry(prefix(&terms[k].0, 3)).or_default().push(k);
            }
            groups.extend(sub);
        } else {
            groups.push((key, members));
        }
    }
    let mut files: Vec<(String, String)> = groups
        .par_iter()
        .map(|(key, members)| {
            (
                format!("search/t/{}.json", file_key(key)),
                shard_json(members.iter().map(|&k| &terms[k])),
            )
        })
        .collect();
    files.par_extend(
        docs.par_iter()
            .enumerate()
            .map(|(d, doc)| (format!("search/d/{d}.json"), doc_json(doc))),
    );
    let facet_rows: Vec<Value> = docs
        .iter()
        .map(|d| {
            let mut row = vec![json!(d.collection.map_or(-1, |c| c as i64))];
            row.extend(d.terms.iter().map(|(t, k)| json!([t, k])));
            Value::Array(row)
        })
        .collect();
    files.push((
        "search/facets.json".into(),
        Value::Array(facet_rows).to_string(),
    ));
    let mut expansions = serde_json::Map::new();
    for e in glossary {
        expansions.insert(e.key.to_lowercase(), json!({"t": e.term, "d": e.doc}));
    }
    let meta = json!({
        "v": 1,
        "docs": docs.len(),
        "split": split,
        "shards": groups.iter().map(|(k, _)| k.as_str()).collect::<Vec<_>>(),
        "collections": facets.collections.iter().map(|(n, t)| json!({"name": n, "title": t})).collect::<Vec<_>>(),
        "taxonomies": facets.taxonomies.iter().map(|(n, t, terms)| json!({"name": n, "title": t, "terms": terms})).collect::<Vec<_>>(),
        "glossary": expansions,
    });
    files.push(("search/meta.json".into(), meta.to_string()));
    files
}

/// A document for the results list, its text capped for excerpts.
fn doc_json(doc: &Doc) -> String {
    let mut budget = EXCERPT_TEXT;
    let sections: Vec<Value> = doc
        .sections
        .iter()
        .map(|s| {
            let mut text: String = s.text.chars().take(budget).collect();
            budget -= text.chars().count();
            if text.len() < s.text.len() {
                text.push('…');
            }
            json!([s.id, s.title, text])
        })
        .collect();
    json!({"t": doc.title, "u": doc.url.trim_start_matches('/'), "i": doc.id, "x": doc.description, "c": doc.collection, "s": sections}).to_string()
}

/// The first `n` characters of a term.
pub fn prefix(term: &str, n: usize) -> String {
    term.chars().take(n).collect()
}

/// A prefix as a file name: letters and digits as they are, anything else as `_XX`.
pub fn file_key(prefix: &str) -> String {
    let mut out = String::new();
    for c in prefix.chars() {
        if c.is_ascii_alphanumeric() {
            out.push(c);
        } else {
            let mut buf = [0u8; 4];
            for b in c.encode_utf8(&mut buf).bytes() {
                out.push_str(&format!("_{b:02x}"));
            }
        }
    }
    out
}

/// `{"term": [doc gap, weight, section, doc gap, …]}`: document numbers as gaps from the
/// previous one, which compresses well.
fn shard_json<'a>(terms: impl Iterator<Item = &'a (String, Vec<Posting>)>) -> String {
    use std::fmt::Write as _;
    let mut out = String::from("{");
    for (n, (term, docs)) in terms.enumerate() {
        if n > 0 {
            out.push(',');
        }
        out.push_str(&Value::String(term.clone()).to_string());
        out.push_str(":[");
        let mut last = 0;
        for (k, &(d, w, s)) in docs.iter().enumerate() {
            if k > 0 {
                out.push(',');
            }
            let _ = write!(out, "{},{w},{s}", d - last);
            last = d;
        }
        out.push(']');
    }
    out.push('}');
    out
}
