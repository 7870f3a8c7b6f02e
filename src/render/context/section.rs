//! A section's context: `section`, its children, the register of a collection, and the
//! pages changed most recently.

use serde_json::{Value, json};

use crate::config::{Config, FieldKind};
use crate::resolve::{Section, SectionKind, Site};

use super::{Cards, breadcrumbs, count_pages, display_date};

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

pub(super) fn pages_label(n: usize) -> String {
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
            let path = super::super::records::compare_path(site, config, c)?;
            Some(json!({"path": config.rooted(path), "title": super::super::records::compare_title(c)}))
        }),
        "breadcrumbs": breadcrumbs(site, config, &sec.path),
    })
}

/// Fields a register shows, in this order, when the collection declares them.
pub(super) const REGISTER_FIELDS: &[&str] = &[
    "version",
    "level",
    "owner",
    crate::model::fields::REVIEW_DUE,
];

/// A collection with an id field lists its pages as a register: id, title, status and the
/// register fields it declares, ordered by id.
pub(super) fn register(site: &Site, config: &Config, sec: &Section) -> Value {
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
