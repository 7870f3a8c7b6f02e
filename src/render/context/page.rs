//! A content page's context: `page`, with its metadata rows, contents, banner and links.

use serde_json::{Value, json};

use super::super::graph::Graph;
use super::super::markdown::{Rendered, escape_html};
use crate::config::{Config, FieldKind};
use crate::resolve::{SectionKind, Site};

use super::section::children;
use super::{Cards, breadcrumbs, display_date, link, links, reference_links, taxonomy_links};

/// The metadata panel rows of a page: `{label, html}` with values escaped.
pub(super) fn meta_rows(
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
            _ => match super::super::records::value_html(spec, v) {
                Some(html) => html,
                None => continue,
            },
        };
        rows.push(json!({"name": name, "label": spec.label, "html": html}));
    }
    rows
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
    let collection = c.map(|c| collection_value(site, config, c));
    let (records, timelines) = c
        .map(|c| super::super::records::page_records(c, p))
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
    let steps_of = steps_of(site, config, i);
    let sequences = c.map(|c| sequences(site, c, cards, i)).unwrap_or_default();
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

/// The page's collection: its names, its listing and its comparison page.
fn collection_value(site: &Site, config: &Config, c: &crate::config::Collection) -> Value {
    let s = site
        .sections
        .iter()
        .find(|s| s.kind == SectionKind::Collection && s.collection.as_deref() == Some(&c.name));
    json!({"name": c.name, "title": c.title, "singular": c.singular, "path": s.map(|s| config.rooted(&s.path)), "compare": super::super::records::compare_path(site, config, c).map(|p| config.rooted(p))})
}

/// Where the page is a step: each sequence it is in, with its place and neighbours.
fn steps_of(site: &Site, config: &Config, i: usize) -> Vec<Value> {
    site.sequences[i]
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
        .collect()
}

/// The page's own sequences: each `sequence` field with its steps as cards.
fn sequences(
    site: &Site,
    c: &crate::config::Collection,
    cards: &Cards<'_>,
    i: usize,
) -> Vec<Value> {
    c.fields
        .iter()
        .filter(|(_, f)| f.sequence)
        .filter_map(|(name, f)| {
            let steps = site.references[i].get(name)?;
            Some(json!({"label": f.label, "steps": steps.iter().map(|&j| cards.get(j)).collect::<Vec<_>>()}))
        })
        .collect()
}

/// The table of contents: the body's headings, then the record sections after it.
pub(super) fn toc(body: &Rendered, timelines: &[Value], records: &[Value]) -> Value {
    let mut toc = serde_json::to_value(&body.toc).unwrap_or_else(|_| json!([]));
    if let Some(entries) = toc.as_array_mut() {
        for s in timelines.iter().chain(records) {
            entries.push(json!({"id": s["id"], "title": s["title"], "children": []}));
        }
    }
    toc
}

/// Lifecycle states that put a banner at the top of a page, from the `status` taxonomy.
pub(super) const RETIRED: &[&str] = &["deprecated", "superseded", "withdrawn"];

pub(super) const UNFINISHED: &[&str] = &["draft", "consultation"];

/// A banner for a page whose `status` says it is retired or not yet in force, naming what
/// replaces it (the pages whose `supersedes` field points at it).
pub(super) fn banner(site: &Site, config: &Config, graph: &Graph, i: usize) -> Value {
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
