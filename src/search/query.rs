//! Runs a query over the search files as the browser client does: the same words, stems,
//! glossary expansion, shards, ranking and facet counts. Used by tests, so the index format
//! and the ranking are checked from Rust.

use std::collections::{BTreeMap, HashMap};

use serde_json::Value;

use super::index::{file_key, prefix};
use super::text;

/// The search files, by path.
pub struct Index<'a> {
    files: HashMap<&'a str, Value>,
}

/// One result.
#[derive(Debug, Clone, PartialEq)]
pub struct Hit {
    /// Document number.
    pub doc: usize,
    /// Title.
    pub title: String,
    /// URL (with the section's anchor when the best match is under a heading).
    pub url: String,
    /// Score.
    pub score: u32,
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
}

impl<'a> Index<'a> {
    /// Reads the files produced by [`super::build`].
    pub fn new(files: &'a [(String, String)]) -> Index<'a> {
        Index {
            files: files
                .iter()
                .filter_map(|(p, t)| Some((p.as_str(), serde_json::from_str(t).ok()?)))
                .collect(),
        }
    }

    fn shard_for(&self, term: &str) -> Option<&Value> {
        let meta = self.files.get("search/meta.json")?;
        if term.chars().count() < 2 {
            return None;
        }
        let two = prefix(term, 2);
        let split = meta["split"]
            .as_array()
            .is_some_and(|s| s.iter().any(|v| v.as_str() == Some(two.as_str())));
        let key = if split { prefix(term, 3) } else { two };
        self.files
            .get(format!("search/t/{}.json", file_key(&key)).as_str())
    }

    /// Postings of one term: doc -> (weight, section).
    fn postings(&self, term: &str) -> HashMap<usize, (u32, usize)> {
        let mut out = HashMap::new();
        let Some(list) = self
            .shard_for(term)
            .and_then(|s| s.get(term))
            .and_then(Value::as_array)
        else {
            return out;
        };
        let mut doc = 0usize;
        for triple in list.chunks(3) {
            doc += triple[0].as_u64().unwrap_or(0) as usize;
            out.insert(
                doc,
                (
                    triple[1].as_u64().unwrap_or(0) as u32,
                    triple[2].as_u64().unwrap_or(0) as usize,
                ),
            );
        }
        out
    }

    /// Runs a query: every word must match (a glossary word also matches its term's words).
    pub fn search(&self, query: &str, collection: Option<&str>) -> Results {
        let mut results = Results::default();
        let Some(meta) = self.files.get("search/meta.json") else {
            return results;
        };
        let lower = query.trim().to_lowercase();
        if let Some(e) = meta["glossary"].get(&lower) {
            // The whole query names a glossary term: the term's words together, or the query's.
            let term = e["t"].as_str().unwrap_or("").to_string();
            let sets = [text::terms(&term), text::terms(&lower)];
            results.glossary = Some(term);
            let mut scores = self.score_any(&sets);
            // The term's own entry comes first.
            if let Some(d) = e["d"].as_u64() {
                let top = scores.values().map(|(w, _)| *w).max().unwrap_or(0);
                scores.insert(d as usize, (top + 1, 0));
            }
            return self.finish(results, scores, collection, meta);
        }
        let mut groups: Vec<Vec<String>> = Vec::new();
        for word in text::words(&lower)
            .into_iter()
            .filter(|w| !text::is_stopword(w))
        {
            let mut alternatives = vec![text::stem(&word)];
            if let Some(e) = meta["glossary"].get(&word) {
                alternatives.extend(text::terms(e["t"].as_str().unwrap_or("")));
            }
            groups.push(alternatives);
        }
        let mut scores: Option<HashMap<usize, (u32, usize)>> = None;
        for alternatives in &groups {
            let mut best: HashMap<usize, (u32, usize)> = HashMap::new();
            for term in alternatives {
                for (d, (w, s)) in self.postings(term) {
                    let e = best.entry(d).or_insert((0, s));
                    if w > e.0 {
                        *e = (w, s);
                    }
                }
            }
            scores = Some(match scores {
                None => best,
                Some(prev) => prev
                    .into_iter()
                    .filter_map(|(d, (w, s))| best.get(&d).map(|(w2, _)| (d, (w + w2, s))))
                    .collect(),
            });
        }
        self.finish(results, scores.unwrap_or_default(), collection, meta)
    }

    /// Documents matching every word of any one alternative set.
    fn score_any(&self, sets: &[Vec<String>]) -> HashMap<usize, (u32, usize)> {
        let mut out: HashMap<usize, (u32, usize)> = HashMap::new();
        for set in sets {
            let mut acc: Option<HashMap<usize, (u32, usize)>> = None;
            for t in set {
                let p = self.postings(t);
                acc = Some(match acc {
                    None => p,
                    Some(prev) => prev
                        .into_iter()
                        .filter_map(|(d, (w, s))| p.get(&d).map(|(w2, _)| (d, (w + w2, s))))
                        .collect(),
                });
            }
            for (d, (w, s)) in acc.unwrap_or_default() {
                let e = out.entry(d).or_insert((0, s));
                if w > e.0 {
                    *e = (w, s);
                }
            }
        }
        out
    }

    fn finish(
        &self,
        mut results: Results,
        scores: HashMap<usize, (u32, usize)>,
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
        let facets = self.files.get("search/facets.json");
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
            let Some(doc) = self.files.get(format!("search/d/{d}.json").as_str()) else {
                continue;
            };
            let mut url = doc["u"].as_str().unwrap_or("").to_string();
            if section > 0
                && let Some(id) = doc["s"]
                    .get(section)
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
        hits.sort_by(|a, b| b.score.cmp(&a.score).then_with(|| a.title.cmp(&b.title)));
        results.hits = hits;
        results
    }
}

#[cfg(test)]
mod tests {
    use super::super::index::{Doc, Expansion, Facets, build};
    use super::super::text::Section;
    use super::*;

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
                    "Backups are tested. Access to backups is limited.",
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
        ]
    }

    fn index_files() -> Vec<(String, String)> {
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
        build(&docs, &facets, &glossary)
    }

    #[test]
    fn titles_and_ids_rank_first() {
        let files = index_files();
        let index = Index::new(&files);
        let r = index.search("SEC-007", None);
        assert_eq!(r.hits[0].title, "Backup and recovery");
        let r = index.search("access", None);
        assert_eq!(r.hits[0].title, "Access control", "{:?}", r.hits);
        assert_eq!(r.hits.len(), 2);
        assert_eq!(r.collections["standards"], 2);
    }

    #[test]
    fn stems_and_sections() {
        let files = index_files();
        let index = Index::new(&files);
        let r = index.search("backup", None);
        assert_eq!(r.hits[0].url, "standards/backup/");
        let r = index.search("administrators", None);
        assert_eq!(
            r.hits[0].url, "standards/access/#authentication",
            "match under a heading links to it"
        );
    }

    #[test]
    fn glossary_words_expand_to_their_term() {
        let files = index_files();
        let index = Index::new(&files);
        for q in ["mfa", "MFA", "2fa"] {
            let r = index.search(q, None);
            assert_eq!(
                r.glossary.as_deref(),
                Some("Multi-factor authentication"),
                "{q}"
            );
            let titles: Vec<&str> = r.hits.iter().map(|h| h.title.as_str()).collect();
            assert!(
                titles.contains(&"Passwords and multi-factor authentication"),
                "{q}: {titles:?}"
            );
            assert!(titles.contains(&"Access control"), "{q}: {titles:?}");
        }
    }

    #[test]
    fn facets_filter_and_count() {
        let files = index_files();
        let index = Index::new(&files);
        let r = index.search("authentication", Some("modules"));
        assert_eq!(r.hits.len(), 1);
        assert_eq!(r.collections.get("standards"), Some(&1));
        assert_eq!(r.collections.get("modules"), Some(&1));
    }
}
