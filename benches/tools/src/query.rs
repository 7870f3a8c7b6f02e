//! Runs a query over the search files exactly as the browser client (`search.js`) does: the
//! same tokens, stems, spellings, compounds, glossary expansion, typo tolerance, ranking and
//! facet counts. The judged query set runs through it in `cargo test`, and the browser tests
//! check that the client agrees with it.
//!
//! A query is read as groups, one per word that counts: each group holds the terms that
//! stand for that word (its stem, a glossary term's words, the word joined to the next one,
//! completions of a word still being typed, and close spellings when the word itself is
//! rare). A document scores by how much of the query it covers, each group weighted by how
//! rare it is (BM25's idf), and by where it matches (id, title, heading, body).

use std::collections::{BTreeMap, HashMap};

use serde_json::Value;

use canon::search::index::{VOCAB_MIN, file_key, prefix, script_data};
use canon::search::text;

/// A word matching in fewer documents than this also looks for close spellings.
pub const FEW: usize = 3;
/// Most completions of a word still being typed.
pub const COMPLETIONS: usize = 30;
/// Most close spellings tried for one word.
pub const CLOSE: usize = 3;
/// A document must cover at least this share of what the best document covers.
pub const MIN_COVER: f64 = 0.5;

/// The search files, by name (`meta`, `t/pa`, `d/3`).
pub struct Index {
    files: HashMap<String, Value>,
}

/// One result.
#[derive(Debug, Clone, PartialEq)]
pub struct Hit {
    /// Document number.
    pub doc: usize,
    /// Title.
    pub title: String,
    /// URL (with the section's or requirement's anchor when the best match is there).
    pub url: String,
    /// Score.
    pub score: f64,
}

/// What a query found.
#[derive(Debug, Default)]
pub struct Results {
    /// Results, best first.
    pub hits: Vec<Hit>,
    /// Counts per collection name, over all matches.
    pub collections: BTreeMap<String, usize>,
    /// The glossary term the query names, if any.
    pub glossary: Option<String>,
    /// Words of the query also searched for as another word: (as typed, as searched).
    pub corrections: Vec<(String, String)>,
}

/// One term a group matches, with the share of its weight it is worth.
#[derive(Debug, Clone, PartialEq)]
struct Alt {
    term: String,
    factor: f64,
}

/// The terms standing for one word of the query.
#[derive(Debug, Clone, Default)]
struct Group {
    alts: Vec<Alt>,
}

impl Group {
    fn add(&mut self, term: String, factor: f64) {
        if let Some(a) = self.alts.iter_mut().find(|a| a.term == term) {
            a.factor = a.factor.max(factor);
        } else {
            self.alts.push(Alt { term, factor });
        }
    }
}

/// A word of the query as typed.
#[derive(Debug, Clone, PartialEq)]
pub enum Token {
    /// A plain word.
    Word(String),
    /// An identifier: `sec-004.2`.
    Id(String),
    /// A hyphenated word: `e-mail`, `self-check`.
    Compound(String),
}

/// The words of a query, lower case: identifiers (with digits, hyphens and dots) whole,
/// hyphenated words whole, anything else split at what is not a letter or digit.
pub fn tokens(query: &str) -> Vec<Token> {
    let lower = query.to_lowercase();
    let mut out = Vec::new();
    for raw in lower.split(|c: char| !(c.is_alphanumeric() || c == '-' || c == '.')) {
        let raw = raw.trim_matches(|c| c == '-' || c == '.');
        if raw.is_empty() {
            continue;
        }
        if (raw.contains('-') || raw.contains('.')) && text::is_identifier(raw) {
            out.push(Token::Id(raw.to_string()));
            continue;
        }
        for piece in raw.split('.').filter(|p| !p.is_empty()) {
            let piece = piece.trim_matches('-');
            if piece.is_empty() {
                continue;
            }
            if piece.contains('-') {
                out.push(Token::Compound(piece.to_string()));
            } else {
                out.push(Token::Word(piece.to_string()));
            }
        }
    }
    out
}

/// Edits between two words (the optimal string alignment distance: a swap of two letters
/// is one edit), as `search.js` counts them.
pub fn distance(a: &str, b: &str) -> usize {
    strsim::osa_distance(a, b)
}

/// Edits allowed when a word of `len` letters is matched against close spellings: one from
/// five letters, two from nine.
pub fn edits_allowed(len: usize) -> usize {
    match len {
        0..=4 => 0,
        5..=8 => 1,
        _ => 2,
    }
}

/// How much a match of weight `w` (id 12, title 8, heading 4, description 3, body 1-4 per
/// section, summed) counts: BM25's saturation, so each further mention counts for less.
fn strength(w: f64) -> f64 {
    const K: f64 = 10.0;
    w * (K + 1.0) / (w + K)
}

/// BM25's inverse document frequency: rare words count for more.
fn idf(n: usize, df: usize) -> f64 {
    let (n, df) = (n as f64, df as f64);
    (1.0 + (n - df + 0.5) / (df + 0.5)).ln()
}

impl Index {
    /// Reads the files produced by [`canon::search::build`], as (path, text).
    pub fn new(files: &[(String, String)]) -> Index {
        Index {
            files: files
                .iter()
                .filter_map(|(_, t)| {
                    let (name, json) = script_data(t)?;
                    Some((name.to_string(), serde_json::from_str(json).ok()?))
                })
                .collect(),
        }
    }

    fn meta(&self) -> Option<&Value> {
        self.files.get("meta")
    }

    fn shard_for(&self, term: &str) -> Option<&Value> {
        let meta = self.meta()?;
        if term.chars().count() < 2 {
            return None;
        }
        let two = prefix(term, 2);
        let split = meta["split"]
            .as_array()
            .is_some_and(|s| s.iter().any(|v| v.as_str() == Some(two.as_str())));
        let key = if split { prefix(term, 3) } else { two };
        self.files.get(&format!("t/{}", file_key(&key)))
    }

    /// Postings of one term: doc -> (weight, section).
    fn postings(&self, term: &str) -> Vec<(usize, u32, usize)> {
        let Some(list) = self
            .shard_for(term)
            .and_then(|s| s.get(term))
            .and_then(Value::as_array)
        else {
            return Vec::new();
        };
        let mut out = Vec::with_capacity(list.len() / 3);
        let mut doc = 0usize;
        for triple in list.chunks(3) {
            doc += triple[0].as_u64().unwrap_or(0) as usize;
            out.push((
                doc,
                triple[1].as_u64().unwrap_or(0) as u32,
                triple[2].as_u64().unwrap_or(0) as usize,
            ));
        }
        out
    }

    fn has(&self, term: &str) -> bool {
        self.shard_for(term).is_some_and(|s| s.get(term).is_some())
    }

    /// Terms starting with `start`, the most used first, at most [`COMPLETIONS`].
    fn completions(&self, start: &str) -> Vec<String> {
        let Some(shard) = self.shard_for(start).and_then(Value::as_object) else {
            return Vec::new();
        };
        let mut found: Vec<(&String, usize)> = shard
            .iter()
            .filter(|(k, _)| k.starts_with(start) && k.as_str() != start)
            .map(|(k, v)| (k, v.as_array().map_or(0, Vec::len)))
            .collect();
        found.sort_by(|a, b| b.1.cmp(&a.1).then_with(|| a.0.cmp(b.0)));
        found
            .into_iter()
            .take(COMPLETIONS)
            .map(|(k, _)| k.clone())
            .collect()
    }

    /// The vocabulary entries starting with the first letter of `term`: (term, documents,
    /// word as written).
    fn vocabulary(&self, term: &str) -> Vec<(String, usize, String)> {
        let key = format!("v/{}", file_key(&prefix(term, 1)));
        let Some(words) = self.files.get(&key).and_then(Value::as_object) else {
            return Vec::new();
        };
        words
            .iter()
            .map(|(t, v)| match v {
                Value::Array(a) => (
                    t.clone(),
                    a.first().and_then(Value::as_u64).unwrap_or(0) as usize,
                    a.get(1).and_then(Value::as_str).unwrap_or(t).to_string(),
                ),
                v => (t.clone(), v.as_u64().unwrap_or(0) as usize, t.clone()),
            })
            .collect()
    }

    /// Terms within `max` edits of `term`: the closest first, then the most used; at most
    /// `limit`. Each with its distance and the word as written.
    fn close(&self, term: &str, max: usize, limit: usize) -> Vec<(String, usize, String)> {
        let mut found: Vec<(usize, usize, String, String)> = self
            .vocabulary(term)
            .into_iter()
            .filter(|(t, _, _)| t != term)
            .filter_map(|(t, df, written)| {
                if t.chars().count().abs_diff(term.chars().count()) > max {
                    return None;
                }
                let d = distance(term, &t);
                (d <= max).then_some((d, df, t, written))
            })
            .collect();
        found.sort_by(|a, b| a.0.cmp(&b.0).then(b.1.cmp(&a.1)).then(a.2.cmp(&b.2)));
        found
            .into_iter()
            .take(limit)
            .map(|(d, _, t, w)| (t, d, w))
            .collect()
    }

    /// The groups of a query. `typing`: the last word may be the start of a longer one.
    fn groups(&self, query: &str, typing: bool, results: &mut Results) -> Vec<Group> {
        let meta = self.meta();
        let glossary = |w: &str| {
            meta.and_then(|m| m["glossary"].get(w))
                .and_then(|e| e["t"].as_str())
                .map(str::to_string)
        };
        let toks = tokens(query);
        let mut groups: Vec<Group> = Vec::new();
        let mut i = 0;
        while i < toks.len() {
            let last = i + 1 == toks.len();
            match &toks[i] {
                Token::Id(id) => {
                    let whole = self.has(id);
                    let completions = if typing && last {
                        self.completions(id)
                    } else {
                        Vec::new()
                    };
                    if whole || !completions.is_empty() {
                        let mut g = Group::default();
                        if whole {
                            g.add(id.clone(), 1.0);
                        }
                        for t in completions {
                            g.add(t, 0.5);
                        }
                        groups.push(g);
                    } else {
                        // Not an id of this site: its parts as words.
                        for part in id.split(['-', '.']).filter(|p| !p.is_empty()) {
                            self.word_group(part, false, &glossary, &mut groups, results);
                        }
                    }
                }
                Token::Compound(c) => {
                    let joined: String = c.split('-').collect();
                    let norm = text::normalize(&joined);
                    if self.has(&norm) {
                        let mut g = Group::default();
                        g.add(norm, 1.0);
                        groups.push(g);
                    } else {
                        for p in c.split('-').filter(|p| !p.is_empty()) {
                            self.word_group(p, false, &glossary, &mut groups, results);
                        }
                    }
                }
                Token::Word(w) => {
                    // Two words that the site writes as one: "back up" is "backup".
                    if let Some(Token::Word(next)) = toks.get(i + 1) {
                        let joined = text::normalize(&format!("{w}{next}"));
                        if self.has(&joined) {
                            let mut g = Group::default();
                            g.add(joined, 1.0);
                            for part in [w, next] {
                                if !text::is_stopword(part) {
                                    g.add(text::normalize(part), 0.5);
                                }
                            }
                            groups.push(g);
                            i += 2;
                            continue;
                        }
                    }
                    self.word_group(w, typing && last, &glossary, &mut groups, results);
                }
            }
            i += 1;
        }
        groups
    }

    /// The group of one plain word, if it counts.
    fn word_group(
        &self,
        word: &str,
        typing: bool,
        glossary: &dyn Fn(&str) -> Option<String>,
        groups: &mut Vec<Group>,
        results: &mut Results,
    ) {
        if text::is_stopword(word) && !typing {
            return;
        }
        let mut g = Group::default();
        let norm = text::normalize(word);
        if !text::is_stopword(word) {
            g.add(norm.clone(), 1.0);
        }
        if let Some(term) = glossary(word) {
            for t in text::terms(&term) {
                g.add(t, 0.6);
            }
        }
        if typing && word.chars().count() >= 2 {
            for t in self.completions(word) {
                g.add(t, 0.5);
            }
        }
        let letters = word.chars().count();
        let max = edits_allowed(letters);
        if max > 0 && !word.chars().any(char::is_numeric) {
            let mut docs: Vec<usize> = g
                .alts
                .iter()
                .flat_map(|a| self.postings(&a.term).into_iter().map(|p| p.0))
                .collect();
            docs.sort_unstable();
            docs.dedup();
            if docs.len() < FEW {
                for (t, d, written) in self.close(&norm, max, CLOSE) {
                    if results.corrections.iter().all(|(_, w)| *w != written) {
                        results.corrections.push((word.to_string(), written));
                    }
                    g.add(t, if d == 1 { 0.8 } else { 0.6 });
                }
            }
        }
        if !g.alts.is_empty() {
            groups.push(g);
        }
    }

    /// Scores every document matching any group: doc -> (score, section). The section is the
    /// one that covers most of the query (0: the top of the page, where the title is).
    fn score(&self, groups: &[Group]) -> HashMap<usize, (f64, usize)> {
        let Some(meta) = self.meta() else {
            return HashMap::new();
        };
        let n = meta["docs"].as_u64().unwrap_or(0) as usize;
        // Per document: sum of strength × idf, sum of idf covered, and the idf covered per
        // section.
        let mut acc: HashMap<usize, (f64, f64, BTreeMap<usize, f64>)> = HashMap::new();
        let mut total = 0.0;
        for g in groups {
            let mut best: HashMap<usize, (f64, usize)> = HashMap::new();
            for a in &g.alts {
                for (d, w, s) in self.postings(&a.term) {
                    let v = strength(f64::from(w)) * a.factor;
                    let e = best.entry(d).or_insert((0.0, s));
                    if v > e.0 {
                        *e = (v, s);
                    }
                }
            }
            let weight = idf(n, best.len());
            total += weight;
            for (d, (v, s)) in best {
                let e = acc.entry(d).or_default();
                e.0 += v * weight;
                e.1 += weight;
                *e.2.entry(s).or_default() += weight;
            }
        }
        if total == 0.0 {
            return HashMap::new();
        }
        let best_cover = acc.values().map(|e| e.1).fold(0.0, f64::max);
        acc.into_iter()
            .filter(|(_, e)| e.1 >= best_cover * MIN_COVER)
            .map(|(d, (sum, cover, sections))| {
                let mut section = 0;
                let mut top = f64::MIN;
                for (s, v) in sections {
                    if v > top {
                        (section, top) = (s, v);
                    }
                }
                (d, (round(sum * cover / total), section))
            })
            .collect()
    }

    /// Runs a query. `typing`: the last word may be the start of a longer one (the header
    /// box and the search page both pass whether the query ends in a space).
    pub fn search(&self, query: &str, collection: Option<&str>) -> Results {
        let mut results = Results::default();
        let Some(meta) = self.meta() else {
            return results;
        };
        let typing = !query.ends_with(char::is_whitespace);
        let lower = query.trim().to_lowercase();
        let mut scores;
        if let Some(e) = meta["glossary"].get(&lower) {
            // The whole query names a glossary term: the term's words, or the query's.
            let term = e["t"].as_str().unwrap_or("").to_string();
            let mut ignored = Results::default();
            scores = self.score(&self.groups(&term, false, &mut ignored));
            let own = self.score(&self.groups(&lower, false, &mut ignored));
            for (d, v) in own {
                let e = scores.entry(d).or_insert(v);
                if v.0 > e.0 {
                    *e = v;
                }
            }
            results.glossary = Some(term);
            // The term's own entry comes first.
            if let Some(d) = e["d"].as_u64() {
                let top = scores.values().map(|v| v.0).fold(0.0, f64::max);
                scores.insert(d as usize, (top + 1.0, 0));
            }
        } else {
            let groups = self.groups(query, typing, &mut results);
            scores = self.score(&groups);
        }
        self.finish(results, scores, collection, meta)
    }

    /// For a query that found nothing: the same query with each unknown word replaced by the
    /// closest word of the site, if that finds something.
    pub fn did_you_mean(&self, query: &str) -> Option<String> {
        let mut changed = false;
        let mut words = Vec::new();
        for t in tokens(query) {
            let w = match t {
                Token::Word(w) => w,
                Token::Id(w) | Token::Compound(w) => {
                    words.push(w);
                    continue;
                }
            };
            let letters = w.chars().count();
            let norm = text::normalize(&w);
            if text::is_stopword(&w) || letters < VOCAB_MIN - 1 || self.has(&norm) {
                words.push(w);
                continue;
            }
            match self.close(&norm, edits_allowed(letters) + 1, 1).pop() {
                Some((_, _, written)) => {
                    changed = true;
                    words.push(written);
                }
                None => words.push(w),
            }
        }
        let fixed = words.join(" ");
        (changed && !self.search(&format!("{fixed} "), None).hits.is_empty()).then_some(fixed)
    }

    fn finish(
        &self,
        mut results: Results,
        scores: HashMap<usize, (f64, usize)>,
        collection: Option<&str>,
        meta: &Value,
    ) -> Results {
        let names: Vec<String> = meta["collections"]
            .as_array()
            .map(|a| {
                a.iter()
                    .map(|c| c["name"].as_str().unwrap_or("").to_string())
                    .collect()
            })
            .unwrap_or_default();
        let facets = self.files.get("facets");
        let collection_of = |d: usize| -> Option<String> {
            let c = facets?.get(d)?.get(0)?.as_i64()?;
            names.get(usize::try_from(c).ok()?).cloned()
        };
        let mut hits = Vec::new();
        for (d, (score, section)) in scores {
            let c = collection_of(d);
            if let Some(c) = &c {
                *results.collections.entry(c.clone()).or_default() += 1;
            }
            if collection.is_some_and(|want| c.as_deref() != Some(want)) {
                continue;
            }
            let Some(doc) = self.files.get(&format!("d/{d}")) else {
                continue;
            };
            let mut url = doc["u"].as_str().unwrap_or("").to_string();
            if let Some(id) = section
                .checked_sub(1)
                .and_then(|k| doc["s"].get(k))
                .and_then(|s| s.get(0))
                .and_then(Value::as_str)
                .filter(|id| !id.is_empty())
            {
                url = format!("{url}#{id}");
            }
            hits.push(Hit {
                doc: d,
                title: doc["t"].as_str().unwrap_or("").to_string(),
                url,
                score,
            });
        }
        hits.sort_by(|a, b| b.score.total_cmp(&a.score).then(a.doc.cmp(&b.doc)));
        results.hits = hits;
        results
    }
}

/// Scores to six decimals, so this and the client (whose logarithms may differ in the last
/// bit) order documents alike.
fn round(x: f64) -> f64 {
    (x * 1e6).round() / 1e6
}

#[cfg(test)]
mod tests {
    use super::*;
    use canon::search::index::{Doc, Expansion, Facets, Requirement, build};
    use canon::search::text::Section;

    fn docs() -> Vec<Doc> {
        let s = |id: &str, title: &str, text: &str| Section {
            id: id.into(),
            title: title.into(),
            text: text.into(),
        };
        vec![
            Doc {
                url: "/standards/access/".into(),
                title: "Access control".into(),
                id: Some("SEC-001".into()),
                collection: Some(0),
                sections: vec![
                    s("", "", "Who may see records."),
                    s(
                        "authentication",
                        "Authentication",
                        "Multi-factor authentication for every administrator.",
                    ),
                ],
                requirements: vec![Requirement {
                    id: "SEC-001.2".into(),
                    text: "MUST review access every quarter.".into(),
                }],
                ..Doc::default()
            },
            Doc {
                url: "/standards/backup/".into(),
                title: "Backup and recovery".into(),
                id: Some("SEC-007".into()),
                collection: Some(0),
                sections: vec![s(
                    "",
                    "",
                    "Backups are tested. Access to backups is limited by the organisation.",
                )],
                ..Doc::default()
            },
            Doc {
                url: "/modules/mfa/".into(),
                title: "Passwords and multi-factor authentication".into(),
                collection: Some(1),
                sections: vec![s("", "", "Approve only prompts you started.")],
                ..Doc::default()
            },
            Doc {
                url: "/glossary/#multi-factor-authentication".into(),
                title: "Multi-factor authentication".into(),
                sections: vec![s("", "", "Signing in with more than a password.")],
                ..Doc::default()
            },
            Doc {
                url: "/modules/phishing/".into(),
                title: "Spotting phishing".into(),
                collection: Some(1),
                sections: vec![s(
                    "clicked",
                    "If you clicked a link",
                    "Report it at once: a bad link can install malware.",
                )],
                ..Doc::default()
            },
        ]
    }

    fn index() -> Index {
        let facets = Facets {
            collections: vec![
                ("standards".into(), "Standards".into()),
                ("modules".into(), "Modules".into()),
            ],
            taxonomies: vec![],
        };
        let glossary = vec![
            Expansion {
                key: "MFA".into(),
                term: "Multi-factor authentication".into(),
                doc: 3,
            },
            Expansion {
                key: "2FA".into(),
                term: "Multi-factor authentication".into(),
                doc: 3,
            },
        ];
        let docs: Vec<std::sync::Arc<Doc>> = docs().into_iter().map(std::sync::Arc::new).collect();
        Index::new(&build(&docs, &facets, &glossary))
    }

    #[test]
    fn titles_and_ids_rank_first() {
        let index = index();
        let r = index.search("SEC-007", None);
        assert_eq!(r.hits[0].title, "Backup and recovery");
        let r = index.search("access", None);
        assert_eq!(r.hits[0].title, "Access control", "{:?}", r.hits);
        assert_eq!(r.hits.len(), 2);
        assert_eq!(r.collections["standards"], 2);
    }

    #[test]
    fn a_requirement_id_leads_to_the_requirement() {
        let index = index();
        for q in ["SEC-001.2", "sec-001.2 "] {
            let r = index.search(q, None);
            assert_eq!(r.hits[0].url, "standards/access/#SEC-001.2", "{q}");
        }
    }

    #[test]
    fn stems_spellings_and_sections() {
        let index = index();
        let r = index.search("backup ", None);
        assert_eq!(r.hits[0].url, "standards/backup/");
        let r = index.search("back up ", None);
        assert_eq!(
            r.hits[0].url, "standards/backup/",
            "two words the site writes as one"
        );
        let r = index.search("organization ", None);
        assert_eq!(r.hits[0].url, "standards/backup/", "American spelling");
        let r = index.search("administrators ", None);
        assert_eq!(
            r.hits[0].url, "standards/access/#authentication",
            "match under a heading links to it"
        );
    }

    #[test]
    fn questions_rank_by_how_much_they_cover() {
        let index = index();
        let r = index.search("what to do if I clicked a bad link", None);
        assert_eq!(r.hits[0].url, "modules/phishing/#clicked", "{:?}", r.hits);
    }

    #[test]
    fn typos_find_the_word_meant() {
        let index = index();
        let r = index.search("pasword ", None);
        assert!(!r.hits.is_empty());
        assert_eq!(
            r.corrections,
            [("pasword".to_string(), "password".to_string())]
        );
        assert!(
            index.search("pas ", None).hits.is_empty(),
            "short words are not corrected"
        );
        assert_eq!(index.did_you_mean("zzzzz qqqqq").as_deref(), None);
        assert_eq!(
            index.did_you_mean("recovry zzzz").as_deref(),
            Some("recovery zzzz")
        );
        assert_eq!(index.did_you_mean("bakup").as_deref(), Some("backup"));
    }

    #[test]
    fn the_word_being_typed_completes() {
        let index = index();
        assert_eq!(index.search("authent", None).hits.len(), 3);
        assert!(index.search("authent ", None).hits.is_empty());
    }

    #[test]
    fn distance_counts_a_swap_as_one_edit() {
        assert_eq!(distance("password", "pasword"), 1);
        assert_eq!(distance("recieve", "receive"), 1);
        assert_eq!(distance("kitten", "sitting"), 3);
    }

    #[test]
    fn tokens_keep_ids_and_compounds() {
        assert_eq!(
            tokens("SEC-004.2, e-mail and e.g. back-up."),
            [
                Token::Id("sec-004.2".into()),
                Token::Compound("e-mail".into()),
                Token::Word("and".into()),
                Token::Word("e".into()),
                Token::Word("g".into()),
                Token::Compound("back-up".into()),
            ]
        );
    }

    #[test]
    fn glossary_words_expand_to_their_term() {
        let index = index();
        for q in ["mfa", "MFA", "2fa"] {
            let r = index.search(q, None);
            assert_eq!(
                r.glossary.as_deref(),
                Some("Multi-factor authentication"),
                "{q}"
            );
            let titles: Vec<&str> = r.hits.iter().map(|h| h.title.as_str()).collect();
            assert_eq!(titles[0], "Multi-factor authentication");
            assert!(
                titles.contains(&"Passwords and multi-factor authentication"),
                "{q}: {titles:?}"
            );
            assert!(titles.contains(&"Access control"), "{q}: {titles:?}");
        }
    }

    #[test]
    fn facets_filter_and_count() {
        let index = index();
        let r = index.search("authentication ", Some("modules"));
        assert_eq!(r.hits.len(), 1);
        assert_eq!(r.collections.get("standards"), Some(&1));
        assert_eq!(r.collections.get("modules"), Some(&1));
    }
}
