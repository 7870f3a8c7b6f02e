//! References between pages: `reference` and `references` fields resolved to pages, their
//! inverses, sequences of steps, succession (`supersedes`), and cycles where a field must
//! have none.

use std::collections::{BTreeMap, HashMap, HashSet};
use std::ops::Range;

use indexmap::IndexMap;

use crate::config::{Config, FieldKind};
use crate::diagnostics::{Diagnostic, Diagnostics, did_you_mean};
use crate::model::paths::{join_relative, link_key, parent_dir, strip_source_suffix};
use crate::validate::Page;

use super::{Edge, SUPERSEDED_BY, SUPERSEDES, Sequence, Site, Step};

impl Site {
    /// Resolves every `reference` and `references` field to pages, reporting those that lead
    /// nowhere, then checks cycles, succession and sequences, and records every page id.
    pub(super) fn resolve_references(&mut self, config: &Config, diags: &mut Diagnostics) {
        let ids = page_ids(&self.pages, config, diags);
        let collections: Vec<&str> = config.collections.keys().map(String::as_str).collect();
        let lookup = Lookup {
            ids: &ids,
            collections: &collections,
        };
        let mut found = Found::default();
        for (i, p) in self.pages.iter().enumerate() {
            let Some(c) = config.collection_named(p.collection.as_deref()) else {
                continue;
            };
            let mut resolved = IndexMap::new();
            for (name, spec) in &c.fields {
                let filter = match &spec.kind {
                    FieldKind::Reference { collection } | FieldKind::References { collection } => {
                        collection.as_deref()
                    }
                    _ => continue,
                };
                let Some(value) = p.fields.get(name) else {
                    continue;
                };
                let mut targets = Vec::new();
                let mut steps = Vec::new();
                for (target, span) in value.strings_with_spans() {
                    match self.find_reference(&target, p, filter, &ids, &collections) {
                        Ok(t) => {
                            steps.push((t, span.clone()));
                            if name == SUPERSEDES || name == SUPERSEDED_BY {
                                found
                                    .succession
                                    .push((name == SUPERSEDES, i, t, span.clone()));
                            }
                            if spec.acyclic {
                                found
                                    .edges
                                    .entry((c.name.clone(), name.clone()))
                                    .or_default()
                                    .push((i, t, span));
                            }
                            targets.push(t);
                        }
                        Err(near) => {
                            let d = self.unresolved(config, &lookup, p, (name, filter), &target);
                            diags.push(d(span, near));
                        }
                    }
                }
                if spec.sequence {
                    found.sequences.push((i, name.clone(), steps));
                }
                resolved.insert(name.clone(), targets);
            }
            self.references[i] = resolved;
        }
        for ((_, field), list) in found.edges {
            self.report_cycles(&field, &list, diags);
        }
        self.check_succession(&found.succession, config, diags);
        let mut by_id: Vec<(&str, &str, usize)> =
            ids.iter().map(|((c, id), &i)| (*id, *c, i)).collect();
        by_id.sort();
        for (id, _, i) in by_id {
            self.ids.entry(id.to_string()).or_insert(i);
        }
        self.build_sequences(&found.sequences, config, diags);
    }

    /// What is wrong with a reference that leads to no page: the page is in another
    /// collection, is a draft left out, or does not exist (with the nearest id or path).
    fn unresolved<'b>(
        &'b self,
        config: &'b Config,
        lookup: &Lookup<'_>,
        p: &'b Page,
        (name, filter): (&'b str, Option<&'b str>),
        target: &'b str,
    ) -> impl FnOnce(Range<usize>, Option<String>) -> Diagnostic + 'b {
        let what = filter.map_or("page".to_string(), |f| {
            config.collections[f].singular.clone()
        });
        // The page may exist, in the wrong collection: say so.
        let elsewhere = filter
            .and_then(|_| {
                self.find_reference(target, p, None, lookup.ids, lookup.collections)
                    .ok()
            })
            .map(|other| {
                self.pages[other]
                    .collection
                    .as_deref()
                    .and_then(|c| config.collections.get(c))
                    .map_or("page outside any collection".to_string(), |c| {
                        c.singular.clone()
                    })
            });
        let draft = self.left_out_draft(target, p, filter).map(str::to_string);
        move |span, near| {
            if let Some(theirs) = elsewhere {
                return Diagnostic::error(
                    "schema/reference",
                    format!("`{name}` must refer to a {what}, but `{target}` is a {theirs}"),
                )
                .label(p.file, span, "wrong kind of page")
                .help(format!(
                    "`{name}` is declared with `collection = \"{}\"` in canon.toml",
                    filter.unwrap_or_default()
                ));
            }
            if let Some(rel) = draft {
                return Diagnostic::error("schema/reference", format!("`{name}` refers to `{target}`, a draft ({rel}) that is left out of this build"))
                    .label(p.file, span, "a draft")
                    .help(format!("publish `{rel}` (give it another status, or remove `draft: true`), build with `--drafts`, or remove this reference"));
            }
            Diagnostic::error("schema/reference", format!("`{name}` refers to `{target}`, but there is no such {what}"))
                .label(p.file, span, "no such page")
                .help(match near {
                    Some(n) => format!("did you mean `{n}`?"),
                    None => "refer to a page by its id or by its path under content/, e.g. `standards/backup.md`".to_string(),
                })
        }
    }

    /// Places each step of a sequence, after checking that no step comes before a page its own
    /// acyclic references (prerequisites) name, and that none is listed twice.
    pub(super) fn build_sequences(
        &mut self,
        sequences: &[Sequence],
        config: &Config,
        diags: &mut Diagnostics,
    ) {
        for (owner, field, steps) in sequences {
            let p = &self.pages[*owner];
            let mut position: HashMap<usize, usize> = HashMap::new();
            for (k, (t, span)) in steps.iter().enumerate() {
                if *position.entry(*t).or_insert(k) != k {
                    diags.push(
                        Diagnostic::error(
                            "schema/sequence",
                            format!("`{field}` lists “{}” twice", self.pages[*t].title),
                        )
                        .label(p.file, span.clone(), "listed again")
                        .help("list each step once"),
                    );
                }
            }
            for (k, (t, span)) in steps.iter().enumerate() {
                let target = &self.pages[*t];
                let Some(c) = config.collection_named(target.collection.as_deref()) else {
                    continue;
                };
                for (name, _) in c.fields.iter().filter(|(_, f)| f.acyclic) {
                    for u in self.references[*t].get(name).into_iter().flatten() {
                        if position.get(u).is_some_and(|&ku| ku > k) {
                            diags.push(
                                Diagnostic::error("schema/sequence", format!("`{field}` lists “{}” before “{}”, which it names under `{name}`", target.title, self.pages[*u].title))
                                    .label(p.file, span.clone(), "too early")
                                    .help(format!("move “{}” before “{}”", self.pages[*u].title, target.title)),
                            );
                        }
                    }
                }
            }
            let label = config
                .collection_named(p.collection.as_deref())
                .and_then(|c| c.fields.get(field))
                .map_or_else(|| field.clone(), |f| f.label.clone());
            let total = steps.len();
            for (k, (t, _)) in steps.iter().enumerate() {
                if position.get(t) != Some(&k) {
                    continue;
                }
                self.sequences[*t].push(Step {
                    owner: *owner,
                    label: label.clone(),
                    position: k + 1,
                    total,
                    prev: k.checked_sub(1).map(|j| steps[j].0),
                    next: steps.get(k + 1).map(|s| s.0),
                });
            }
        }
    }

    /// Where a collection declares both `supersedes` and `superseded_by`, they must agree: a
    /// page that supersedes another is listed as its successor there, and the other way round.
    pub(super) fn check_succession(
        &self,
        refs: &[(bool, usize, usize, Range<usize>)],
        config: &Config,
        diags: &mut Diagnostics,
    ) {
        let both = |i: usize| {
            config
                .collection_named(self.pages[i].collection.as_deref())
                .is_some_and(|c| {
                    c.fields.contains_key(SUPERSEDES) && c.fields.contains_key(SUPERSEDED_BY)
                })
        };
        for (forward, from, to, span) in refs {
            if !both(*from) || !both(*to) {
                continue;
            }
            let (back_field, this_field) = if *forward {
                (SUPERSEDED_BY, SUPERSEDES)
            } else {
                (SUPERSEDES, SUPERSEDED_BY)
            };
            let agrees = self.references[*to]
                .get(back_field)
                .is_some_and(|t| t.contains(from));
            if !agrees {
                let (a, b) = (&self.pages[*from], &self.pages[*to]);
                diags.push(
                    Diagnostic::error("schema/succession", format!("“{}” lists “{}” under `{this_field}`, but “{}” does not list it under `{back_field}`", a.title, b.title, b.title))
                        .label(a.file, span.clone(), "one side only")
                        .secondary(b.file, b.matter_open.clone(), "add it here")
                        .help(format!("add `{back_field}` to {}, or remove this reference", b.rel)),
                );
            }
        }
    }

    /// Reports every cycle among the edges of one acyclic field, once, at the reference that
    /// closes it.
    pub(super) fn report_cycles(
        &self,
        field: &str,
        edges: &[(usize, usize, Range<usize>)],
        diags: &mut Diagnostics,
    ) {
        let mut out: HashMap<usize, Vec<(usize, &Range<usize>)>> = HashMap::new();
        for (from, to, span) in edges {
            out.entry(*from).or_default().push((*to, span));
        }
        let mut starts: Vec<usize> = out.keys().copied().collect();
        starts.sort();
        let mut state: HashMap<usize, u8> = HashMap::new(); // 1 on the stack, 2 done
        let mut seen_cycles: HashSet<Vec<usize>> = HashSet::new();
        for start in starts {
            if state.contains_key(&start) {
                continue;
            }
            // Iterative depth-first search; the stack holds (node, next edge to follow).
            let mut stack: Vec<(usize, usize)> = vec![(start, 0)];
            state.insert(start, 1);
            while let Some(&mut (node, ref mut next)) = stack.last_mut() {
                let Some(&(to, span)) = out.get(&node).and_then(|v| v.get(*next)) else {
                    state.insert(node, 2);
                    stack.pop();
                    continue;
                };
                *next += 1;
                match state.get(&to) {
                    None => {
                        state.insert(to, 1);
                        stack.push((to, 0));
                    }
                    Some(1) => {
                        let at = stack.iter().position(|(n, _)| *n == to).unwrap_or(0);
                        let cycle: Vec<usize> = stack[at..].iter().map(|(n, _)| *n).collect();
                        let mut key = cycle.clone();
                        key.sort();
                        if seen_cycles.insert(key) {
                            let mut names: Vec<&str> = cycle
                                .iter()
                                .map(|&n| self.pages[n].title.as_str())
                                .collect();
                            names.push(self.pages[to].title.as_str());
                            let p = &self.pages[node];
                            diags.push(
                                Diagnostic::error("schema/cycle", format!("`{field}` goes round in a circle: {}", names.join(" → ")))
                                    .label(p.file, span.clone(), "this reference closes the circle")
                                    .help(format!("`{field}` must lead somewhere else in the end; remove one of these references")),
                            );
                        }
                    }
                    _ => {}
                }
            }
        }
    }

    /// The page a reference names: an id in the filter's collection (or, with no filter, in
    /// the first collection in `canon.toml` that has it), else a path.
    pub(super) fn find_reference(
        &self,
        target: &str,
        from: &Page,
        filter: Option<&str>,
        ids: &HashMap<(&str, &str), usize>,
        collections: &[&str],
    ) -> Result<usize, Option<String>> {
        let in_filter =
            |i: usize| filter.is_none_or(|f| self.pages[i].collection.as_deref() == Some(f));
        let by_id = match filter {
            Some(f) => ids.get(&(f, target)),
            None => collections.iter().find_map(|c| ids.get(&(*c, target))),
        };
        if let Some(&i) = by_id {
            return Ok(i);
        }
        for key in reference_keys(target, from, filter) {
            if let Some(&i) = self.keys.get(&key)
                && in_filter(i)
            {
                return Ok(i);
            }
        }
        let names: Vec<String> = ids
            .iter()
            .filter(|((c, _), _)| filter.is_none_or(|f| f == *c))
            .map(|((_, id), _)| id.to_string())
            .chain(
                self.pages
                    .iter()
                    .enumerate()
                    .filter(|(i, _)| in_filter(*i))
                    .map(|(_, p)| strip_source_suffix(&p.rel).to_string()),
            )
            .collect();
        Err(did_you_mean(target, names.iter().map(String::as_str)).map(str::to_string))
    }

    /// The source path of the draft left out of this build that `target` names (by id or
    /// path), if it names one.
    pub(super) fn left_out_draft(
        &self,
        target: &str,
        from: &Page,
        filter: Option<&str>,
    ) -> Option<&str> {
        if let Some(rel) = self.draft_ids.get(target) {
            return Some(rel);
        }
        reference_keys(target, from, filter)
            .iter()
            .find_map(|k| self.drafts.get(k))
            .map(String::as_str)
            .filter(|rel| filter.is_none_or(|f| rel.starts_with(&format!("{f}/"))))
    }
}

/// The link keys a reference written in page `from` may name: as written from the content
/// root, relative to the page, and inside the field's collection.
pub(super) fn reference_keys(target: &str, from: &Page, filter: Option<&str>) -> Vec<String> {
    let stripped = target.strip_prefix("@/").unwrap_or(target);
    let mut keys = vec![link_key(stripped)];
    if let Some(rel) = join_relative(parent_dir(&from.rel), stripped) {
        keys.push(link_key(&rel));
    }
    if let Some(f) = filter {
        keys.push(link_key(&format!("{f}/{stripped}")));
    }
    keys
}

/// How references are looked up: every page id by (collection, id), and the collections.
struct Lookup<'a> {
    ids: &'a HashMap<(&'a str, &'a str), usize>,
    collections: &'a [&'a str],
}

/// What resolving references collects for the checks after it.
#[derive(Default)]
struct Found {
    /// Edges of fields that must not loop, by (collection, field).
    edges: BTreeMap<(String, String), Vec<Edge>>,
    /// (is `supersedes`, from, to, span) for every `supersedes` / `superseded_by` reference.
    succession: Vec<(bool, usize, usize, Range<usize>)>,
    /// (page, field, [(target, span)]) for every `sequence` field.
    sequences: Vec<Sequence>,
}

/// Every page's id by (collection, id); an id two pages of one collection share is an error.
fn page_ids<'a>(
    pages: &'a [std::sync::Arc<Page>],
    config: &'a Config,
    diags: &mut Diagnostics,
) -> HashMap<(&'a str, &'a str), usize> {
    let mut ids: HashMap<(&str, &str), usize> = HashMap::new();
    for (i, p) in pages.iter().enumerate() {
        let Some(c) = config.collection_named(p.collection.as_deref()) else {
            continue;
        };
        let Some(id_field) = &c.id_field else {
            continue;
        };
        if let Some(id) = p.fields.get(id_field).and_then(|v| v.value.as_str()) {
            if let Some(&other) = ids.get(&(c.name.as_str(), id)) {
                let o = &pages[other];
                diags.push(
                    Diagnostic::error(
                        "schema/duplicate-id",
                        format!("id `{id}` is used by two {}", c.title.to_lowercase()),
                    )
                    .label(p.file, p.fields[id_field].span.clone(), "used here")
                    .secondary(o.file, o.fields[id_field].span.clone(), "and here")
                    .help("give each page its own id"),
                );
            } else {
                ids.insert((c.name.as_str(), id), i);
            }
        }
    }
    ids
}
