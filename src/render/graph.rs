//! What points at each page: relationships read backwards ("Taught by"), backlinks from other
//! pages' bodies ("Referenced by"), and related pages by shared taxonomy terms.
//!
//! Input: the resolved site and the links each body contains. Output: [`Graph`], used by the
//! page context. Every list is deduplicated and ordered by title, so output never depends on
//! scheduling.

use std::collections::HashMap;

use rayon::prelude::*;

use crate::config::Config;
use crate::resolve::Site;

/// How many related pages a page shows.
pub const RELATED: usize = 4;

/// Incoming edges of every page.
#[derive(Debug, Default)]
pub struct Graph {
    /// Per page: (label, pages) for each relationship pointing at it, in schema order.
    pub inverse: Vec<Vec<(String, Vec<usize>)>>,
    /// Per page: the pages whose bodies link to it.
    pub backlinks: Vec<Vec<usize>>,
    /// Per page: pages sharing the most (rarest) taxonomy terms, not already linked.
    pub related: Vec<Vec<usize>>,
    /// Per page: the pages whose `supersedes` field names it, in site order.
    pub successors: Vec<Vec<usize>>,
}

/// Whether a page takes part in links and listings (not a folder intro or glossary entry).
fn listed(site: &Site, i: usize) -> bool {
    site.own_page[i] && site.pages[i].glossary.is_none()
}

impl Graph {
    /// Builds the graph from each page's body links (`links[i]`: pages page `i` links to).
    pub fn new(site: &Site, config: &Config, links: &[Vec<usize>]) -> Graph {
        let n = site.pages.len();
        let title_order = &site.title_rank;
        let by_title = |v: &mut Vec<usize>| {
            v.sort_unstable_by_key(|&a| title_order[a]);
            v.dedup();
        };
        let mut backlinks = vec![Vec::new(); n];
        for (from, targets) in links.iter().enumerate() {
            for &t in targets {
                // Glossary definitions are not pages of their own to point back to.
                if t != from && t < n && site.pages[from].glossary.is_none() {
                    backlinks[t].push(from);
                }
            }
        }
        backlinks.iter_mut().for_each(by_title);

        // Relationships, keyed by (collection, field) so labels stay in schema order.
        let mut inverse_map: Vec<HashMap<(usize, usize), Vec<usize>>> = vec![HashMap::new(); n];
        let collection_pos =
            |name: &str| config.collections.get_index_of(name).unwrap_or(usize::MAX);
        for (from, refs) in site.references.iter().enumerate() {
            let Some(c) = site.pages[from].collection.as_deref() else {
                continue;
            };
            let Some(collection) = config.collections.get(c) else {
                continue;
            };
            for (field, targets) in refs {
                let field_pos = collection.fields.get_index_of(field).unwrap_or(usize::MAX);
                for &t in targets {
                    inverse_map[t]
                        .entry((collection_pos(c), field_pos))
                        .or_default()
                        .push(from);
                }
            }
        }
        let inverse = inverse_map
            .into_iter()
            .map(|m| {
                let mut entries: Vec<((usize, usize), Vec<usize>)> = m.into_iter().collect();
                entries.sort_by_key(|(k, _)| *k);
                entries
                    .into_iter()
                    .map(|((c, f), mut pages)| {
                        by_title(&mut pages);
                        (inverse_label(config, c, f), pages)
                    })
                    .collect()
            })
            .collect();

        let mut successors = vec![Vec::new(); n];
        for (from, refs) in site.references.iter().enumerate() {
            for &t in refs.get(crate::resolve::SUPERSEDES).into_iter().flatten() {
                if t < n && successors[t].last() != Some(&from) {
                    successors[t].push(from);
                }
            }
        }

        let related = related(site, links, &backlinks, title_order);
        Graph {
            inverse,
            backlinks,
            related,
            successors,
        }
    }
}

fn inverse_label(config: &Config, collection: usize, field: usize) -> String {
    let Some((_, c)) = config.collections.get_index(collection) else {
        return String::new();
    };
    let Some((_, spec)) = c.fields.get_index(field) else {
        return String::new();
    };
    spec.inverse
        .clone()
        .unwrap_or_else(|| format!("{} that list this under “{}”", c.title, spec.label))
}

/// Each page's [`RELATED`] best pages by shared terms: a term shared with a page scores
/// ln(listed pages / pages with the term), so rare terms count most; ties go to title order;
/// pages already linked either way are left out.
///
/// Pages with the same terms score the same, so scoring is by *term set*: a broad term on
/// thousands of pages adds to a few hundred term sets rather than to every page, and the
/// cost stays close to linear in the number of pages rather than growing with its square.
/// The weights are added in the same order as page by page, so scores are bit for bit equal.
fn related(
    site: &Site,
    links: &[Vec<usize>],
    backlinks: &[Vec<usize>],
    title_order: &[usize],
) -> Vec<Vec<usize>> {
    let n = site.pages.len();
    let sets = TermSets::new(site, title_order);
    // Pages that reference each page, found once rather than per page.
    let mut referenced_by: Vec<Vec<usize>> = vec![Vec::new(); n];
    for (j, refs) in site.references.iter().enumerate() {
        for &t in refs.values().flatten() {
            referenced_by[t].push(j);
        }
    }
    // Per thread: a score for every term set, the sets scored so far, and a stamp marking
    // the pages already linked from or to page `i` (`stamp[j] == i + 1`), reused from page
    // to page.
    let count = sets.set_pages.len();
    (0..n)
        .into_par_iter()
        .map_init(
            || (vec![0.0f64; count], Vec::new(), vec![0usize; n]),
            |(scores, touched, stamp), i| {
                if !listed(site, i) {
                    return Vec::new();
                }
                let mark = i + 1;
                stamp[i] = mark;
                for &j in links[i]
                    .iter()
                    .chain(&backlinks[i])
                    .chain(site.references[i].values().flatten())
                    .chain(&referenced_by[i])
                {
                    if j < n {
                        stamp[j] = mark;
                    }
                }
                let ranked = sets.scores(i, scores, touched);
                sets.best(&ranked, |j| stamp[j] != mark, title_order)
            },
        )
        .collect()
}

/// The pages' taxonomy terms as numbers, grouped by term set.
struct TermSets {
    /// Each page's terms.
    page_terms: Vec<Vec<usize>>,
    /// Each term set's listed pages, in title order.
    set_pages: Vec<Vec<usize>>,
    /// Per term, how many listed pages have it.
    term_pages: Vec<usize>,
    /// Per term, the sets holding it (once for each time a set holds it).
    term_sets: Vec<Vec<usize>>,
    /// Listed pages in all (at least one).
    listed_count: f64,
}

impl TermSets {
    fn new(site: &Site, title_order: &[usize]) -> TermSets {
        let n = site.pages.len();
        let listed_count = (0..n).filter(|&i| listed(site, i)).count().max(1) as f64;
        let mut term_ids: HashMap<(&str, &str), usize> = HashMap::new();
        let mut page_terms: Vec<Vec<usize>> = vec![Vec::new(); n];
        for (i, p) in site.pages.iter().enumerate() {
            for (tax, list) in &p.taxonomies {
                for (term, _) in list {
                    let next = term_ids.len();
                    page_terms[i].push(
                        *term_ids
                            .entry((tax.as_str(), term.as_str()))
                            .or_insert(next),
                    );
                }
            }
        }
        let mut set_ids: HashMap<Vec<usize>, usize> = HashMap::new();
        let mut set_pages: Vec<Vec<usize>> = Vec::new();
        let mut term_pages = vec![0usize; term_ids.len()];
        for i in (0..n).filter(|&i| listed(site, i) && !page_terms[i].is_empty()) {
            let mut key = page_terms[i].clone();
            key.sort_unstable();
            for &t in &key {
                term_pages[t] += 1;
            }
            let next = set_pages.len();
            let id = *set_ids.entry(key).or_insert(next);
            if id == next {
                set_pages.push(Vec::new());
            }
            set_pages[id].push(i);
        }
        let mut term_sets: Vec<Vec<usize>> = vec![Vec::new(); term_ids.len()];
        for (key, &id) in &set_ids {
            for &t in key {
                term_sets[t].push(id);
            }
        }
        for pages in &mut set_pages {
            pages.sort_unstable_by_key(|&j| title_order[j]);
        }
        TermSets {
            page_terms,
            set_pages,
            term_pages,
            term_sets,
            listed_count,
        }
    }

    /// Every term set sharing a term with page `i`, with its score, best first. `scores` is
    /// all zeros on entry and on return; `touched` is empty.
    fn scores(&self, i: usize, scores: &mut [f64], touched: &mut Vec<usize>) -> Vec<(f64, usize)> {
        for &t in &self.page_terms[i] {
            let weight = (self.listed_count / self.term_pages[t].max(1) as f64).ln();
            if self.term_pages[t] == 0 || weight <= 0.0 {
                continue;
            }
            for &set in &self.term_sets[t] {
                if scores[set] == 0.0 {
                    touched.push(set);
                }
                scores[set] += weight;
            }
        }
        let mut ranked: Vec<(f64, usize)> = touched
            .drain(..)
            .map(|set| (std::mem::take(&mut scores[set]), set))
            .collect();
        ranked.sort_unstable_by(|a, b| b.0.total_cmp(&a.0));
        ranked
    }

    /// The [`RELATED`] best pages of the ranked sets that `wanted` lets through; equal scores
    /// tie on title order across every set that has that score.
    fn best(
        &self,
        ranked: &[(f64, usize)],
        wanted: impl Fn(usize) -> bool,
        title_order: &[usize],
    ) -> Vec<usize> {
        let mut best = Vec::with_capacity(RELATED);
        let mut k = 0;
        while k < ranked.len() && best.len() < RELATED {
            let score = ranked[k].0;
            let mut tied: Vec<usize> = Vec::new();
            while k < ranked.len() && ranked[k].0 == score {
                let want = RELATED - best.len();
                tied.extend(
                    self.set_pages[ranked[k].1]
                        .iter()
                        .filter(|&&j| wanted(j))
                        .take(want),
                );
                k += 1;
            }
            tied.sort_unstable_by_key(|&j| title_order[j]);
            tied.truncate(RELATED - best.len());
            best.extend(tied);
        }
        best
    }
}
