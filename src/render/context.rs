//! The values templates see: `site`, `page`, `section`, `taxonomy`, `term`. Everything a
//! template shows is computed here (escaped where it is HTML), so templates stay simple and
//! the README can describe one stable context. URLs are site-rooted (`/base/standards/x/`);
//! the renderer makes them relative afterwards.

use std::sync::OnceLock;

use serde_json::{Value, json};

use super::graph::Graph;
use super::markdown::{Rendered, escape_html};
use crate::config::{Config, FieldKind};
use crate::model::generated::Generated;
use crate::resolve::{Section, SectionKind, Site};
use crate::validate::parse_date;

/// A JSON object from `"key" => value` pairs, each value moved in through `Value::from`.
macro_rules! object {
    ($($key:literal => $value:expr),* $(,)?) => {{
        let mut map = serde_json::Map::new();
        $(map.insert($key.to_string(), Value::from($value));)*
        Value::Object(map)
    }};
}

/// `2025-03-04` -> `4 March 2025`.
pub fn display_date(iso: &str) -> String {
    match parse_date(iso) {
        Some(d) => d.strftime("%-d %B %Y").to_string(),
        None => iso.to_string(),
    }
}

/// The `site` value, shared by every page.
pub fn site_value(site: &Site, config: &Config) -> Value {
    let collections: Vec<Value> = config
        .collections
        .values()
        .filter_map(|c| {
            let s = site.sections.iter().find(|s| {
                s.kind == SectionKind::Collection && s.collection.as_deref() == Some(&c.name)
            })?;
            let count = site
                .pages
                .iter()
                .enumerate()
                .filter(|(i, p)| p.collection.as_deref() == Some(&c.name) && !site.is_index[*i])
                .count();
            Some(json!({
                "name": c.name,
                "title": c.title,
                "description": c.description,
                "path": config.rooted(&s.path),
                "count": count,
            }))
        })
        .collect();
    let taxonomies: Vec<Value> = site
        .taxonomies
        .iter()
        .map(|t| {
            let tax = &config.taxonomies[&t.name];
            json!({
                "name": t.name,
                "title": tax.title,
                "description": tax.description,
                "path": config.rooted(&t.path),
                "count": t.terms.iter().filter(|t| !t.pages.is_empty()).count(),
            })
        })
        .collect();
    // Top-level folders that are not collections, for the home page and the menu.
    let sections: Vec<Value> = site.sections[0]
        .subsections
        .iter()
        .map(|&s| &site.sections[s])
        .filter(|s| s.kind == SectionKind::Folder)
        .map(|s| json!({"title": s.title, "path": config.rooted(&s.path), "count": count_pages(site, s)}))
        .collect();
    json!({
        "title": config.title,
        "description": config.description,
        "base_url": config.base_url,
        "language": config.language,
        "home": config.rooted("/"),
        "css": config.rooted("/canon.css"),
        "icon": config.rooted("/favicon.svg"),
        "feed": config.rooted("/atom.xml"),
        "quiz_script": config.rooted("/quiz.js"),
        "progress_script": config.rooted("/progress.js"),
        "collections": collections,
        "sections": sections,
        "taxonomies": taxonomies,
        "glossary": site.glossary.as_ref().map(|g| json!({
            "title": config.glossary.as_ref().map(|c| c.title.clone()),
            "path": config.rooted(&g.path),
        })),
        "reviews": site.generated_path(Generated::Reviews).map(|p| config.rooted(p)),
        "controls": site.generated_path(Generated::Controls).map(|p| config.rooted(p)),
        "search": site.generated_path(Generated::Search).map(|p| json!({"page": config.rooted(p), "script": config.rooted("/search.js")})),
        "generator": concat!("canon ", env!("CARGO_PKG_VERSION")),
        "requirements": site.generated_path(Generated::Requirements).map(|p| config.rooted(p)),
    })
}

fn count_pages(site: &Site, s: &Section) -> usize {
    s.pages.len()
        + s.subsections
            .iter()
            .map(|&c| {
                count_pages(site, &site.sections[c])
                    + usize::from(site.sections[c].index_page.is_some())
            })
            .sum::<usize>()
}

/// Breadcrumbs for a site path: every ancestor, home first, the path itself left out.
pub fn breadcrumbs(site: &Site, config: &Config, path: &str) -> Vec<Value> {
    let mut out = Vec::new();
    if path == "/" {
        return out;
    }
    out.push(json!({"title": "Home", "path": config.rooted("/")}));
    let segs: Vec<&str> = path.trim_matches('/').split('/').collect();
    for n in 1..segs.len() {
        let p = format!("/{}/", segs[..n].join("/"));
        let title = site.title_at(&p).map(str::to_string).or_else(|| {
            site.taxonomies
                .iter()
                .find(|t| t.path == p)
                .map(|t| config.taxonomies[&t.name].title.clone())
        });
        if let Some(title) = title {
            out.push(json!({"title": title, "path": config.rooted(&p)}));
        }
    }
    out
}

/// Every page's card, made the first time a listing needs it and copied after that: a page
/// is listed on its section, on each of its terms and in other pages' related lists, and
/// making its card (looking up its fields, formatting its date) was most of what listing it
/// cost.
pub struct Cards<'a> {
    site: &'a Site,
    config: &'a Config,
    made: Vec<OnceLock<Value>>,
}

impl<'a> Cards<'a> {
    /// No card made yet.
    pub fn new(site: &'a Site, config: &'a Config) -> Self {
        Cards {
            site,
            config,
            made: site.pages.iter().map(|_| OnceLock::new()).collect(),
        }
    }

    /// Page `i`'s card.
    pub fn get(&self, i: usize) -> Value {
        self.made[i]
            .get_or_init(|| card(self.site, self.config, i))
            .clone()
    }
}

/// A page as a list entry.
fn card(site: &Site, config: &Config, i: usize) -> Value {
    let p = &site.pages[i];
    let mut meta: Vec<String> = Vec::new();
    if let Some(c) = config.collection_named(p.collection.as_deref()) {
        if let Some(id) = c
            .id_field
            .as_ref()
            .and_then(|f| p.fields.get(f))
            .and_then(|v| v.value.as_str())
        {
            meta.push(id.to_string());
        }
        for (name, spec) in &c.fields {
            if let (FieldKind::Enum(_), Some(v)) = (
                &spec.kind,
                p.fields.get(name).and_then(|v| v.value.as_str()),
            ) {
                meta.push(v.to_string());
            }
        }
    }
    let date = p.updated.as_ref().or(p.date.as_ref());
    json!({
        "title": p.title,
        "path": config.rooted(&site.paths[i]),
        "permalink": config.absolute_url(&site.paths[i]),
        "description": p.description,
        "meta": meta,
        "date": date,
        "date_display": date.map(|d| display_date(d)),
    })
}

/// The metadata panel rows of a page: `{label, html}` with values escaped.
fn meta_rows(
    site: &Site,
    config: &Config,
    i: usize,
    text_fields: &[(String, String)],
) -> Vec<Value> {
    let p = &site.pages[i];
    let mut rows = Vec::new();
    let Some(c) = config.collection_named(p.collection.as_deref()) else {
        return rows;
    };
    // A sequence is shown as numbered steps of its own.
    for (name, spec) in c.fields.iter().filter(|(_, f)| !f.sequence) {
        let Some(v) = p.fields.get(name) else {
            continue;
        };
        let html = match &spec.kind {
            FieldKind::Text => match text_fields.iter().find(|(n, _)| n == name) {
                Some((_, html)) => html.clone(),
                None => continue,
            },
            // Records have sections of their own.
            FieldKind::Records(_) => continue,
            FieldKind::Reference { .. } | FieldKind::References { .. } => {
                match reference_links(site, config, i, name) {
                    Some(html) => html,
                    None => continue,
                }
            }
            _ => match super::records::value_html(spec, v) {
                Some(html) => html,
                None => continue,
            },
        };
        rows.push(json!({"name": name, "label": spec.label, "html": html}));
    }
    rows
}

/// The targets of page `i`'s reference field `name` as links, or `None` when it has none.
pub fn reference_links(site: &Site, config: &Config, i: usize, name: &str) -> Option<String> {
    let targets = site.references[i].get(name)?;
    if targets.is_empty() {
        return None;
    }
    Some(
        targets
            .iter()
            .map(|&t| {
                format!(
                    "<a href=\"{}\">{}</a>",
                    escape_html(&config.rooted(&site.paths[t])),
                    escape_html(&site.pages[t].title)
                )
            })
            .collect::<Vec<_>>()
            .join(", "),
    )
}

fn taxonomy_links(site: &Site, config: &Config, i: usize) -> Vec<Value> {
    let p = &site.pages[i];
    site.taxonomies
        .iter()
        .filter_map(|t| {
            let terms = p.taxonomies.get(&t.name)?;
            if terms.is_empty() {
                return None;
            }
            let terms: Vec<Value> = terms
                .iter()
                .filter_map(|(name, _)| t.terms.iter().find(|term| &term.name == name))
                .map(|term| json!({"name": term.name, "path": config.rooted(&term.path)}))
                .collect();
            Some(json!({"name": t.name, "title": config.taxonomies[&t.name].title, "path": config.rooted(&t.path), "terms": terms}))
        })
        .collect()
}

fn link(site: &Site, config: &Config, i: Option<usize>) -> Value {
    match i {
        Some(i) => json!({"title": site.pages[i].title, "path": config.rooted(&site.paths[i])}),
        None => Value::Null,
    }
}

/// The `page` value for a content page.
#[allow(clippy::too_many_arguments)]
pub fn page_value(
    site: &Site,
    config: &Config,
    cards: &Cards<'_>,
    i: usize,
    body: &Rendered,
    content: &str,
    text_fields: &[(String, String)],
    graph: &Graph,
) -> Value {
    let p = &site.pages[i];
    let path = &site.paths[i];
    let c = config.collection_named(p.collection.as_deref());
    let collection = c.map(|c| {
        let s = site.sections.iter().find(|s| s.kind == SectionKind::Collection && s.collection.as_deref() == Some(&c.name));
        json!({"name": c.name, "title": c.title, "singular": c.singular, "path": s.map(|s| config.rooted(&s.path)), "compare": super::records::compare_path(site, config, c).map(|p| config.rooted(p))})
    });
    let (records, timelines) = c
        .map(|c| super::records::page_records(c, p))
        .unwrap_or_default();
    let (heading_html, heading_id) = match &body.heading {
        Some(h) => (h.html.clone(), h.id.clone()),
        None => (
            escape_html(&p.title),
            crate::model::paths::heading_id(&p.title),
        ),
    };
    let (prev, next) = site.prev_next[i];
    let children: Vec<Value> = match site.sections.iter().find(|s| s.index_page == Some(i)) {
        Some(s) => children(site, config, cards, s),
        None => Vec::new(),
    };
    let updated = p.updated.as_ref().or(p.date.as_ref());
    let steps_of: Vec<Value> = site.sequences[i]
        .iter()
        .map(|st| {
            let link = |j: Option<usize>| j.map(|j| json!({"title": site.pages[j].title, "path": config.rooted(&site.paths[j])}));
            json!({
                "label": st.label,
                "title": site.pages[st.owner].title,
                "path": config.rooted(&site.paths[st.owner]),
                "position": st.position,
                "total": st.total,
                "prev": link(st.prev),
                "next": link(st.next),
            })
        })
        .collect();
    let sequences: Vec<Value> = c
        .map(|c| {
            c.fields.iter().filter(|(_, f)| f.sequence).filter_map(|(name, f)| {
                let steps = site.references[i].get(name)?;
                Some(json!({"label": f.label, "steps": steps.iter().map(|&j| cards.get(j)).collect::<Vec<_>>()}))
            }).collect()
        })
        .unwrap_or_default();
    // Built with `object!`, which moves the lists in: `json!` would serialise a copy of each.
    object! {
        "title" => p.title.clone(),
        "heading_html" => heading_html,
        "heading_id" => heading_id,
        "description" => p.description.clone(),
        "path" => config.rooted(path),
        "permalink" => config.absolute_url(path),
        "source" => p.rel.clone(),
        "collection" => collection,
        "date" => p.date.clone(),
        "date_display" => p.date.as_deref().map(display_date),
        "updated" => updated.cloned(),
        "updated_display" => updated.map(|d| display_date(d)),
        "meta" => meta_rows(site, config, i, text_fields),
        "taxonomies" => taxonomy_links(site, config, i),
        "content" => content,
        "relations" => graph.inverse[i].iter().map(|(label, pages)| json!({"label": label, "pages": links(site, config, pages)})).collect::<Vec<_>>(),
        "backlinks" => links(site, config, &graph.backlinks[i]),
        "related" => graph.related[i].iter().map(|&j| cards.get(j)).collect::<Vec<_>>(),
        "toc" => toc(body, &timelines, &records),
        "records" => records,
        "timelines" => timelines,
        "requirements" => serde_json::to_value(&body.requirements).unwrap_or_default(),
        "steps_of" => steps_of,
        "sequences" => sequences,
        "quiz" => body.quizzes > 0,
        "prev" => link(site, config, prev),
        "next" => link(site, config, next),
        "children" => children,
        "banner" => banner(site, config, graph, i),
        "extra" => p.extra.clone(),
        "breadcrumbs" => breadcrumbs(site, config, path),
    }
}

/// The table of contents: the body's headings, then the record sections after it.
fn toc(body: &Rendered, timelines: &[Value], records: &[Value]) -> Value {
    let mut toc = serde_json::to_value(&body.toc).unwrap_or_else(|_| json!([]));
    if let Some(entries) = toc.as_array_mut() {
        for s in timelines.iter().chain(records) {
            entries.push(json!({"id": s["id"], "title": s["title"], "children": []}));
        }
    }
    toc
}

/// Lifecycle states that put a banner at the top of a page, from the `status` taxonomy.
const RETIRED: &[&str] = &["deprecated", "superseded", "withdrawn"];
const UNFINISHED: &[&str] = &["draft", "consultation"];

/// A banner for a page whose `status` says it is retired or not yet in force, naming what
/// replaces it (the pages whose `supersedes` field points at it).
fn banner(site: &Site, config: &Config, graph: &Graph, i: usize) -> Value {
    let p = &site.pages[i];
    let Some(status) = p
        .taxonomies
        .get("status")
        .and_then(|t| t.first())
        .map(|(s, _)| s.as_str())
    else {
        return Value::Null;
    };
    let lower = status.to_lowercase();
    let what = config
        .collection_named(p.collection.as_deref())
        .map_or("page".to_string(), |c| c.singular.clone());
    if RETIRED.contains(&lower.as_str()) {
        let successors: Vec<Value> = graph.successors[i]
            .iter()
            .map(|&j| link(site, config, Some(j)))
            .collect();
        json!({"kind": "retired", "title": format!("This {what} is {lower}"), "successors": successors})
    } else if UNFINISHED.contains(&lower.as_str()) {
        json!({"kind": "unfinished", "title": format!("This {what} is a {lower}: it is not yet in force"), "successors": []})
    } else {
        Value::Null
    }
}

/// Pages as `{title, path}` links.
fn links(site: &Site, config: &Config, pages: &[usize]) -> Vec<Value> {
    pages.iter().map(|&j| link(site, config, Some(j))).collect()
}

/// The listing entries of a section: its pages, then its sub-folders.
pub fn children(site: &Site, config: &Config, cards: &Cards<'_>, s: &Section) -> Vec<Value> {
    let mut out: Vec<Value> = s.pages.iter().map(|&i| cards.get(i)).collect();
    for &c in &s.subsections {
        let sub = &site.sections[c];
        if s.kind == SectionKind::Home && sub.kind == SectionKind::Collection {
            // The home page shows collections in a block of their own.
            continue;
        }
        let description = sub
            .index_page
            .and_then(|i| site.pages[i].description.clone());
        out.push(json!({
            "title": sub.title,
            "path": config.rooted(&sub.path),
            "description": description,
            "meta": [match &site.glossary {
                // The glossary is one page of terms.
                Some(g) if g.path == sub.path => match g.entries.len() {
                    1 => "1 term".to_string(),
                    n => format!("{n} terms"),
                },
                _ => pages_label(count_pages(site, sub)),
            }],
            "folder": true,
        }));
    }
    out
}

fn pages_label(n: usize) -> String {
    if n == 1 {
        "1 page".to_string()
    } else {
        format!("{n} pages")
    }
}

/// The `section` value for a collection, folder listing or the home page.
pub fn section_value(
    site: &Site,
    config: &Config,
    cards: &Cards<'_>,
    s: usize,
    intro: Option<&str>,
) -> Value {
    let sec = &site.sections[s];
    let description = match (sec.kind, sec.collection.as_deref()) {
        (SectionKind::Collection, Some(c)) => {
            Some(config.collections[c].description.clone()).filter(|d| !d.is_empty())
        }
        _ => None,
    }
    .or_else(|| {
        sec.index_page
            .and_then(|i| site.pages[i].description.clone())
    });
    json!({
        "title": sec.title,
        "path": config.rooted(&sec.path),
        "permalink": config.absolute_url(&sec.path),
        "kind": match sec.kind { SectionKind::Home => "home", SectionKind::Collection => "collection", SectionKind::Folder => "folder" },
        "collection": sec.collection,
        "description": description,
        "intro": intro,
        "pages": children(site, config, cards, sec),
        "register": register(site, config, sec),
        "compare": sec.collection.as_deref().filter(|_| sec.kind == SectionKind::Collection).and_then(|c| {
            let c = config.collections.get(c)?;
            let path = super::records::compare_path(site, config, c)?;
            Some(json!({"path": config.rooted(path), "title": super::records::compare_title(c)}))
        }),
        "breadcrumbs": breadcrumbs(site, config, &sec.path),
    })
}

/// Fields a register shows, in this order, when the collection declares them.
const REGISTER_FIELDS: &[&str] = &[
    "version",
    "level",
    "owner",
    crate::model::fields::REVIEW_DUE,
];

/// A collection with an id field lists its pages as a register: id, title, status and the
/// register fields it declares, ordered by id.
fn register(site: &Site, config: &Config, sec: &Section) -> Value {
    let Some(c) = sec
        .collection
        .as_deref()
        .and_then(|c| config.collections.get(c))
        .filter(|_| sec.kind == SectionKind::Collection)
    else {
        return Value::Null;
    };
    let Some(id_field) = &c.id_field else {
        return Value::Null;
    };
    let fields: Vec<&str> = REGISTER_FIELDS
        .iter()
        .copied()
        .filter(|f| c.fields.contains_key(*f))
        .collect();
    let status = config.taxonomies.contains_key("status");
    let mut columns = vec![c.fields[id_field].label.clone(), "Title".to_string()];
    if status {
        columns.push(config.taxonomies["status"].title.clone());
    }
    columns.extend(fields.iter().map(|f| c.fields[*f].label.clone()));
    let mut rows: Vec<(String, Value)> = (0..site.pages.len())
        .filter(|&i| site.own_page[i] && site.pages[i].collection.as_deref() == Some(c.name.as_str()))
        .map(|i| {
            let p = &site.pages[i];
            let id = p.fields.get(id_field).and_then(|v| v.value.as_str()).unwrap_or("").to_string();
            let mut cells: Vec<Value> = Vec::new();
            if status {
                let terms: Vec<&str> = p.taxonomies.get("status").map(|t| t.iter().map(|(n, _)| n.as_str()).collect()).unwrap_or_default();
                cells.push(json!({"text": terms.join(", ")}));
            }
            for f in &fields {
                let v = p.fields.get(*f).and_then(|v| v.value.as_str().map(str::to_string).or_else(|| Some(v.value.to_string())));
                let cell = match (c.fields[*f].kind == FieldKind::Date, v) {
                    (true, Some(d)) => json!({"text": display_date(&d), "date": d}),
                    (_, v) => json!({"text": v.unwrap_or_default()}),
                };
                cells.push(cell);
            }
            (id.clone(), json!({"id": id, "title": p.title, "path": config.rooted(&site.paths[i]), "cells": cells}))
        })
        .collect();
    rows.sort_by(|a, b| a.0.cmp(&b.0));
    json!({"title": format!("{} register", c.singular.chars().next().map(|f| f.to_uppercase().collect::<String>() + &c.singular[f.len_utf8()..]).unwrap_or_default()), "columns": columns, "rows": rows.into_iter().map(|(_, r)| r).collect::<Vec<_>>()})
}

/// Pages newest first by `updated` or `date`, for the home page and the feed.
pub fn recent(site: &Site, limit: usize) -> Vec<usize> {
    let mut dated: Vec<(usize, &str)> = site
        .pages
        .iter()
        .enumerate()
        .filter_map(|(i, p)| p.updated.as_deref().or(p.date.as_deref()).map(|d| (i, d)))
        .collect();
    dated.sort_by(|a, b| {
        b.1.cmp(a.1)
            .then_with(|| site.pages[a.0].title.cmp(&site.pages[b.0].title))
    });
    dated.into_iter().take(limit).map(|(i, _)| i).collect()
}

/// How many of the pages that use a term the glossary lists under it, in title order; it
/// gives the number of the rest. A term in a large site's common vocabulary is used on
/// thousands of pages, and listing them all made the glossary page megabytes long (10 MB at
/// 10,000 pages) for a list no reader goes through.
const USED_IN_SHOWN: usize = 50;

/// The `glossary` value: entries grouped by initial letter, each with its definition (a
/// placeholder the renderer fills), related terms and the pages that use it (the first
/// [`USED_IN_SHOWN`], with the count of all and of the rest).
pub fn glossary_value(
    site: &Site,
    config: &Config,
    definitions: &[String],
    used: &[Vec<usize>],
) -> Value {
    let Some(g) = &site.glossary else {
        return Value::Null;
    };
    let mut letters: Vec<(String, Value)> = Vec::new();
    for (k, e) in g.entries.iter().enumerate() {
        let uses = used.get(k).map_or(&[][..], |pages| &pages[..]);
        let letter = e
            .term
            .chars()
            .next()
            .map(|c| c.to_uppercase().collect::<String>())
            .unwrap_or_default();
        let entry = json!({
            "term": e.term,
            "id": e.id,
            "abbreviation": e.abbreviation,
            "aliases": e.aliases,
            "avoid": e.avoid,
            "definition": definitions.get(k),
            "related": e.related.iter().map(|&r| json!({"term": g.entries[r].term, "id": g.entries[r].id})).collect::<Vec<_>>(),
            "used_in": links(site, config, &uses[..uses.len().min(USED_IN_SHOWN)]),
            "used_in_count": uses.len(),
            "used_in_more": uses.len().saturating_sub(USED_IN_SHOWN),
        });
        letters.push((letter, entry));
    }
    let letters = by_letter(letters, "letter", "entries");
    json!({"title": config.glossary.as_ref().map(|g| g.title.clone()), "path": config.rooted(&g.path), "letters": letters})
}

/// The `controls` value: every ISO/IEC 27001:2022 Annex A control by theme, with the pages
/// mapped to it; controls no page maps to are the gaps.
pub fn controls_value(site: &Site, config: &Config, path: &str) -> Value {
    let Some((collection, field)) = config.control_field() else {
        return Value::Null;
    };
    let mut mapped: std::collections::HashMap<&str, Vec<usize>> = std::collections::HashMap::new();
    for (i, p) in site.pages.iter().enumerate() {
        if p.collection.as_deref() != Some(collection.name.as_str()) || !site.own_page[i] {
            continue;
        }
        for (n, _) in p
            .fields
            .get(field)
            .map(|v| v.strings_with_spans())
            .unwrap_or_default()
        {
            if let Some((number, _)) = crate::controls::iso27001().iter().find(|(c, _)| *c == n) {
                mapped.entry(number).or_default().push(i);
            }
        }
    }
    let id_of = |i: usize| {
        collection
            .id_field
            .as_ref()
            .and_then(|f| site.pages[i].fields.get(f))
            .and_then(|v| v.value.as_str())
    };
    let themes: Vec<Value> = crate::controls::THEMES
        .iter()
        .map(|(prefix, title)| {
            let controls: Vec<Value> = crate::controls::iso27001()
                .iter()
                .filter(|(n, _)| n.starts_with(prefix))
                .map(|(n, t)| {
                    let mut pages = mapped.get(n).cloned().unwrap_or_default();
                    pages.sort_by(|&a, &b| site.pages[a].title.cmp(&site.pages[b].title));
                    let pages: Vec<Value> = pages.iter().map(|&i| json!({"title": site.pages[i].title, "path": config.rooted(&site.paths[i]), "id": id_of(i)})).collect();
                    json!({"number": n, "title": t, "pages": pages})
                })
                .collect();
            let covered = controls.iter().filter(|c| c["pages"].as_array().is_some_and(|p| !p.is_empty())).count();
            json!({"title": title, "controls": controls, "covered": covered})
        })
        .collect();
    let covered = mapped.len();
    json!({
        "collection": collection.title,
        "lead": format!(
            "Our {} address {covered} of the {} Annex A controls; controls none of them addresses are marked as gaps.",
            collection.title.to_lowercase(),
            crate::controls::iso27001().len()
        ),
        "themes": themes,
        "covered": covered,
        "total": crate::controls::iso27001().len(),
        "path": config.rooted(path),
        "permalink": config.absolute_url(path),
        "breadcrumbs": breadcrumbs(site, config, path),
    })
}

/// Days ahead the reviews page looks.
pub const REVIEW_WINDOW_DAYS: i32 = 90;

/// The `reviews` value: pages whose review is overdue or due within the window, soonest first.
pub fn reviews_value(site: &Site, config: &Config, today: jiff::civil::Date, path: &str) -> Value {
    use crate::model::fields::{LAST_REVIEWED, REVIEW_DUE};
    let mut due: Vec<(jiff::civil::Date, usize)> = site
        .pages
        .iter()
        .enumerate()
        .filter(|(i, _)| site.own_page[*i])
        .filter_map(|(i, p)| Some((parse_date(p.fields.get(REVIEW_DUE)?.value.as_str()?)?, i)))
        .filter(|(d, _)| (*d - today).get_days() <= REVIEW_WINDOW_DAYS)
        .collect();
    due.sort_by(|a, b| {
        a.0.cmp(&b.0)
            .then_with(|| site.pages[a.1].title.cmp(&site.pages[b.1].title))
    });
    let rows: Vec<Value> = due
        .into_iter()
        .map(|(d, i)| {
            let p = &site.pages[i];
            let days = (d - today).get_days();
            let state = match days {
                n if n < 0 => format!("Overdue by {} day{}", -n, if n == -1 { "" } else { "s" }),
                0 => "Due today".to_string(),
                n => format!("Due in {n} day{}", if n == 1 { "" } else { "s" }),
            };
            let last = p.fields.get(LAST_REVIEWED).and_then(|v| v.value.as_str());
            json!({
                "title": p.title,
                "path": config.rooted(&site.paths[i]),
                "collection": config.collection_named(p.collection.as_deref()).map(|c| c.singular.clone()),
                "owner": p.fields.get("owner").and_then(|v| v.value.as_str()),
                "last_reviewed": last,
                "last_reviewed_display": last.map(display_date),
                "due": d.to_string(),
                "due_display": display_date(&d.to_string()),
                "overdue": days < 0,
                "state": state,
            })
        })
        .collect();
    json!({
        "today": today.to_string(),
        "today_display": display_date(&today.to_string()),
        "window_days": REVIEW_WINDOW_DAYS,
        "pages": rows,
        "path": config.rooted(path),
        "permalink": config.absolute_url(path),
        "breadcrumbs": breadcrumbs(site, config, path),
    })
}

/// The `taxonomy` value.
pub fn taxonomy_value(site: &Site, config: &Config, t: usize) -> Value {
    let tax = &site.taxonomies[t];
    let decl = &config.taxonomies[&tax.name];
    let terms: Vec<Value> = tax
        .terms
        .iter()
        .filter(|term| !term.pages.is_empty())
        .map(|term| json!({"name": term.name, "path": config.rooted(&term.path), "count": term.pages.len()}))
        .collect();
    json!({
        "name": tax.name,
        "title": decl.title,
        "description": decl.description,
        "path": config.rooted(&tax.path),
        "permalink": config.absolute_url(&tax.path),
        "terms": terms,
        "breadcrumbs": breadcrumbs(site, config, &tax.path),
    })
}

/// The `term` value.
pub fn term_value(site: &Site, config: &Config, cards: &Cards<'_>, t: usize, k: usize) -> Value {
    let tax = &site.taxonomies[t];
    let term = &tax.terms[k];
    let pages: Vec<Value> = term.pages.iter().map(|&i| cards.get(i)).collect();
    json!({
        "name": term.name,
        "path": config.rooted(&term.path),
        "permalink": config.absolute_url(&term.path),
        "taxonomy": {"name": tax.name, "title": config.taxonomies[&tax.name].title, "path": config.rooted(&tax.path)},
        "count_label": pages_label(pages.len()),
        "pages": pages,
        "breadcrumbs": breadcrumbs(site, config, &term.path),
    })
}

/// Every page of the site, A to Z by title, grouped by first letter: what the search page
/// offers when searching cannot run (scripts off or blocked). Pages shown on a listing are
/// listed at the listing; glossary entries are on the glossary's own A to Z.
pub fn az_value(site: &Site, config: &Config) -> Value {
    let mut pages: Vec<(String, String, String)> = Vec::new();
    for (i, p) in site.pages.iter().enumerate() {
        if !site.own_page[i] || p.glossary.is_some() {
            continue;
        }
        let kind = config
            .collection_named(p.collection.as_deref())
            .map(|c| c.singular.clone())
            .unwrap_or_default();
        pages.push((p.title.clone(), config.rooted(&site.paths[i]), kind));
    }
    for s in &site.sections {
        if !s.dir.is_empty() && !s.shown_as_page(site) {
            pages.push((s.title.clone(), config.rooted(&s.path), String::new()));
        }
    }
    pages.sort_by_cached_key(|(title, path, _)| (title.to_lowercase(), path.clone()));
    let items = pages.into_iter().map(|(title, path, kind)| {
        let letter = match title.chars().find(|c| c.is_alphanumeric()) {
            Some(c) if c.is_alphabetic() => c.to_uppercase().collect(),
            Some(_) => "0–9".to_string(),
            None => "#".to_string(),
        };
        (letter, json!({"title": title, "path": path, "kind": kind}))
    });
    Value::Array(by_letter(items, "az", "pages"))
}

/// Items in order under their letters, a group for each run of one letter:
/// `{"letter", "id": "PREFIX-letter", FIELD: [items]}`.
fn by_letter(
    items: impl IntoIterator<Item = (String, Value)>,
    prefix: &str,
    field: &str,
) -> Vec<Value> {
    let mut groups: Vec<(String, Vec<Value>)> = Vec::new();
    for (letter, item) in items {
        match groups.last_mut() {
            Some((l, group)) if *l == letter => group.push(item),
            _ => groups.push((letter, vec![item])),
        }
    }
    groups
        .into_iter()
        .map(|(letter, group)| {
            let id = format!("{prefix}-{}", crate::model::paths::slugify(&letter));
            json!({"letter": letter, "id": id, field: group})
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dates_read_naturally() {
        assert_eq!(display_date("2025-03-04"), "4 March 2025");
        assert_eq!(display_date("nonsense"), "nonsense");
    }
}
