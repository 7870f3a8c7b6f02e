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
    /// Whether it is a glossary entry (shown as "Glossary" beside its title).
    pub glossary: bool,
    /// Requirements with citable ids (`SEC-004.2`), each an anchor of its own: a search for
    /// the id leads to it.
    pub requirements: Vec<Requirement>,
}

/// A requirement in a document: its id, which is also its anchor, and its text.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Requirement {
    /// `SEC-004.2`.
    pub id: String,
    /// The requirement's text, plain.
    pub text: String,
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

/// One term of a document: the term, its weight, its best section, and the word it was
/// written as when that differs (`policies` for `policy`), for a "Did you mean".
type DocTerm = (String, u32, usize, Option<Box<str>>);

/// One document's terms as they are met: each term's number, and its entry.
struct Acc {
    index: FxHashMap<String, usize>,
    /// Per term: its [`DocTerm`] and the weight of its best section.
    entries: Vec<(DocTerm, u32)>,
}
impl Acc {
    fn id(&mut self, term: &str, raw: &str) -> usize {
        if let Some(&k) = self.index.get(term) {
            if raw == term {
                self.entries[k].0.3 = None;
            }
            return k;
        }
        let k = self.entries.len();
        self.index.insert(term.to_string(), k);
        let surface = (raw != term).then(|| Box::from(raw));
        self.entries.push(((term.to_string(), 0, 0, surface), 0));
        k
    }
    fn add(&mut self, k: usize, weight: u32, section: usize) {
        let (e, best) = &mut self.entries[k];
        e.1 = (e.1 + weight).min(255);
        if weight > *best {
            e.2 = section;
            *best = weight;
        }
    }
}

/// One document's terms, sorted by term. A term's section
/// is where it weighs most: 0 for the page's title, id or description, `k + 1` for
/// `doc.sections[k]`, then the requirements after the sections.
///
/// Each distinct term is looked up once per occurrence in one map (no string is allocated
/// for a term seen before); body counts per section live in a vector indexed by the term's
/// number.
fn doc_terms(doc: &Doc) -> Vec<DocTerm> {
    let mut acc = Acc {
        index: FxHashMap::default(),
        entries: Vec::new(),
    };
    text::for_each_term(&doc.title, |t, raw| {
        let k = acc.id(t, raw);
        acc.add(k, TITLE, 0);
    });
    if let Some(id) = &doc.id {
        text::for_each_term(id, |t, raw| {
            let k = acc.id(t, raw);
            acc.add(k, ID, 0);
        });
    }
    if let Some(d) = &doc.description {
        text::for_each_term(d, |t, raw| {
            let k = acc.id(t, raw);
            acc.add(k, DESCRIPTION, 0);
        });
    }
    let mut counts: Vec<u32> = Vec::new();
    let mut seen: Vec<usize> = Vec::new();
    for (s, section) in doc.sections.iter().enumerate() {
        let s = s + 1;
        text::for_each_term(&section.title, |t, raw| {
            let k = acc.id(t, raw);
            acc.add(k, HEADING, s);
        });
        text::for_each_term(&section.text, |t, raw| {
            let k = acc.id(t, raw);
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
    // A requirement's id is one term, dots and all, pointing at the requirement itself.
    for (k, r) in doc.requirements.iter().enumerate() {
        let id = r.id.to_lowercase();
        let t = acc.id(&id, &id);
        acc.add(t, ID, doc.sections.len() + k + 1);
    }
    let mut out: Vec<DocTerm> = acc.entries.into_iter().map(|(e, _)| e).collect();
    out.sort_unstable_by(|a, b| a.0.cmp(&b.0));
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

/// Every term's postings in document order, sorted by term, and the first way each term
/// was written (`None` once some document writes it as it is).
#[allow(clippy::type_complexity)]
fn invert(
    per_doc: Vec<Vec<DocTerm>>,
) -> (
    Vec<(String, Vec<Posting>)>,
    FxHashMap<String, Option<Box<str>>>,
) {
    let mut postings: FxHashMap<String, Vec<Posting>> = FxHashMap::default();
    // None once some document writes the term as it is.
    let mut written: FxHashMap<String, Option<Box<str>>> = FxHashMap::default();
    for (d, terms) in per_doc.into_iter().enumerate() {
        for (t, w, s, raw) in terms {
            match written.get_mut(&t) {
                Some(seen) => {
                    if raw.is_none() {
                        *seen = None;
                    }
                }
                None => {
                    written.insert(t.clone(), raw);
                }
            }
            postings.entry(t).or_default().push((d as u32, w, s as u32));
        }
    }
    let mut terms: Vec<(String, Vec<Posting>)> = postings.into_iter().collect();
    terms.sort_by(|a, b| a.0.cmp(&b.0));
    (terms, written)
}

/// The shards: terms by two-letter prefix, split by three letters when large; the split
/// prefixes, and each shard's key with its terms.
#[allow(clippy::type_complexity)]
fn shards(terms: &[(String, Vec<Posting>)]) -> (Vec<String>, Vec<(String, Vec<usize>)>) {
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
    (split, groups)
}

/// The words of the index by first letter, with how many documents hold each (and the word
/// as written, where the term is a stem): what a misspelt word is matched against.
fn vocabulary(
    terms: &[(String, Vec<Posting>)],
    written: &FxHashMap<String, Option<Box<str>>>,
) -> BTreeMap<String, serde_json::Map<String, Value>> {
    let mut vocab: BTreeMap<String, serde_json::Map<String, Value>> = BTreeMap::new();
    for (term, postings) in terms {
        if term.chars().count() >= VOCAB_MIN && !term.chars().any(|c| c.is_numeric() || c == '-') {
            let entry = match written.get(term) {
                Some(Some(raw)) => json!([postings.len(), raw]),
                _ => json!(postings.len()),
            };
            vocab
                .entry(prefix(term, 1))
                .or_default()
                .insert(term.clone(), entry);
        }
    }
    vocab
}

/// Every search file, as (path under the output folder, JSON text).
pub fn build<D: std::ops::Deref<Target = Doc> + Sync>(
    docs: &[D],
    facets: &Facets,
    glossary: &[Expansion],
) -> Vec<(String, String)> {
    let per_doc: Vec<Vec<DocTerm>> = docs.par_iter().map(|d| doc_terms(d)).collect();
    let (terms, written) = invert(per_doc);
    let (split, groups) = shards(&terms);
    let mut files: Vec<(String, String)> = groups
        .par_iter()
        .map(|(key, members)| {
            let name = format!("t/{}", file_key(key));
            let json = shard_json(members.iter().map(|&k| &terms[k]));
            (format!("search/{name}.js"), script(&name, &json))
        })
        .collect();
    files.par_extend(docs.par_iter().enumerate().map(|(d, doc)| {
        let name = format!("d/{d}");
        (format!("search/{name}.js"), script(&name, &doc_json(doc)))
    }));
    let vocab = vocabulary(&terms, &written);
    for (key, words) in &vocab {
        let name = format!("v/{}", file_key(key));
        files.push((
            format!("search/{name}.js"),
            script(&name, &Value::Object(words.clone()).to_string()),
        ));
    }
    let facet_rows: Vec<Value> = docs
        .iter()
        .map(|d| {
            let mut row = vec![json!(d.collection.map_or(-1, |c| c as i64))];
            row.extend(d.terms.iter().map(|(t, k)| json!([t, k])));
            Value::Array(row)
        })
        .collect();
    files.push((
        "search/facets.js".into(),
        script("facets", &Value::Array(facet_rows).to_string()),
    ));
    let mut expansions = serde_json::Map::new();
    for e in glossary {
        expansions.insert(e.key.to_lowercase(), json!({"t": e.term, "d": e.doc}));
    }
    let meta = json!({
        "v": 2,
        "docs": docs.len(),
        "split": split,
        "shards": groups.iter().map(|(k, _)| k.as_str()).collect::<Vec<_>>(),
        "vocab": vocab.keys().collect::<Vec<_>>(),
        "collections": facets.collections.iter().map(|(n, t)| json!({"name": n, "title": t})).collect::<Vec<_>>(),
        "taxonomies": facets.taxonomies.iter().map(|(n, t, terms)| json!({"name": n, "title": t, "terms": terms})).collect::<Vec<_>>(),
        "glossary": expansions,
    });
    files.push(("search/meta.js".into(), script("meta", &meta.to_string())));
    files
}

/// Shortest word kept in the vocabulary for typo tolerance: a word of five letters with one
/// letter missing.
pub const VOCAB_MIN: usize = 4;

/// An index file as a script that hands its data to the client: a page opened from disk may
/// load scripts but not fetch files.
fn script(name: &str, json: &str) -> String {
    format!("canonSearchData({},{json});\n", Value::String(name.into()))
}

/// The JSON inside an index file written by [`build`], and the file's name.
pub fn script_data(text: &str) -> Option<(&str, &str)> {
    let rest = text.strip_prefix("canonSearchData(\"")?;
    let (name, rest) = rest.split_once("\",")?;
    Some((name, rest.trim_end().strip_suffix(");")?))
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
                // Cut at a space, so an excerpt never ends in half a word.
                if let Some(space) = text.trim_end().rfind(char::is_whitespace) {
                    text.truncate(space);
                }
                text.push('…');
            }
            json!([s.id, s.title, text])
        })
        .chain(doc.requirements.iter().map(|r| json!([r.id, r.id, r.text])))
        .collect();
    json!({"t": doc.title, "u": doc.url.trim_start_matches('/'), "i": doc.id, "x": doc.description, "c": doc.collection, "g": doc.glossary.then_some(1), "s": sections}).to_string()
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
