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
        // Each page's place in title order, so sorting compares two numbers, not two titles.
        let lower: Vec<String> = site.pages.iter().map(|p| p.title.to_lowercase()).collect();
        let mut in_order: Vec<usize> = (0..n).collect();
        in_order.sort_by(|&a, &b| lower[a].cmp(&lower[b]).then(a.cmp(&b)));
        let mut title_order = vec![0usize; n];
        for (place, &j) in in_order.iter().enumerate() {
            title_order[j] = place;
        }
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
            for &t in refs.get("supersedes").into_iter().flatten() {
                if t < n && successors[t].last() != Some(&from) {
                    successors[t].push(from);
                }
            }
        }

        let related = related(site, links, &backlinks, &title_order);
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

/// Related pages: the sum, over shared terms, of ln(N / pages with the term), so a term every
/// page has counts for nothing; ties by title.
fn related(
    site: &Site,
    links: &[Vec<usize>],
    backlinks: &[Vec<usize>],
    title_order: &[usize],
) -> Vec<Vec<usize>> {
    let n = site.pages.len();
    let listed_count = (0..n).filter(|&i| listed(site, i)).count().max(1) as f64;
    let mut terms: HashMap<(&str, &str), Vec<usize>> = HashMap::new();
    for (i, p) in site.pages.iter().enumerate() {
        if !listed(site, i) {
            continue;
        }
        for (tax, list) in &p.taxonomies {
            for (term, _) in list {
                terms
                    .entry((tax.as_str(), term.as_str()))
                    .or_default()
                    .push(i);
            }
        }
    }
    // Pages that reference each page, found once rather than per page.
    let mut referenced_by: Vec<Vec<usize>> = vec![Vec::new(); n];
    for (j, refs) in site.references.iter().enumerate() {
        for &t in refs.values().flatten() {
            referenced_by[t].push(j);
        }
    }
    let rank = |a: &(usize, f64), b: &(usize, f64)| {
        b.1.total_cmp(&a.1)
            .then_with(|| title_order[a.0].cmp(&title_order[b.0]))
    };
    // Per thread: a score for every page, the pages scored so far, and a stamp marking the
    // pages already linked from or to page `i` (`stamp[j] == i + 1`). Dense arrays, reused
    // from page to page: a broad term is shared by thousands of pages.
    let out: Vec<Vec<usize>> = (0..n)
        .into_par_iter()
        .map_init(
            || (vec![0.0f64; n], Vec::new(), vec![0usize; n]),
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
                for (tax, list) in &site.pages[i].taxonomies {
                    for (term, _) in list {
                        let Some(pages) = terms.get(&(tax.as_str(), term.as_str())) else {
                            continue;
                        };
                        let weight = (listed_count / pages.len() as f64).ln();
                        if weight <= 0.0 {
                            continue;
                        }
                        for &j in pages {
                            if stamp[j] != mark {
                                if scores[j] == 0.0 {
                                    touched.push(j);
                                }
                                scores[j] += weight;
                            }
                        }
                    }
                }
                // The best few, kept in order while scanning: no list of every candidate.
                let mut best: Vec<(usize, f64)> = Vec::with_capacity(RELATED + 1);
                for &j in touched.iter() {
                    let candidate = (j, scores[j]);
                    scores[j] = 0.0;
                    if best.len() == RELATED
                        && rank(&candidate, &best[RELATED - 1]) != std::cmp::Ordering::Less
                    {
                        continue;
                    }
                    let at =
                        best.partition_point(|b| rank(b, &candidate) == std::cmp::Ordering::Less);
                    best.insert(at, candidate);
                    best.truncate(RELATED);
                }
                touched.clear();
                best.into_iter().map(|(j, _)| j).collect()
            },
        )
        .collect();
    out
}
