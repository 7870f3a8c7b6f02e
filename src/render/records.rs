//! Structured records on pages: a method's decision points and reporting, shown as their own
//! sections, along a list of the page when a record field takes its values from it (decision
//! points along the phases), and side by side across a collection on its comparison page.
//!
//! Input: validated pages and their collection's schema. Output: template values, escaped
//! where they are HTML, and the ids those sections use so body headings keep clear of them.

use serde_json::{Value, json};

use super::context::{breadcrumbs, display_date, reference_links};
use super::markdown::escape_html;
use crate::config::{Collection, Config, FieldKind, FieldSpec, Records};
use crate::model::generated::Generated;
use crate::model::paths::heading_id;
use crate::resolve::{SectionKind, Site};
use crate::validate::{FieldValue, Page, record_anchor};

/// A plain value as HTML: dates readable, enums as tags, lists as lists. `None` for values
/// with nothing to show. References and text are shown by their callers.
pub fn value_html(spec: &FieldSpec, v: &FieldValue) -> Option<String> {
    let html = match &spec.kind {
        FieldKind::Date => {
            let d = v.value.as_str()?;
            format!(
                "<time datetime=\"{}\">{}</time>",
                escape_html(d),
                escape_html(&display_date(d))
            )
        }
        FieldKind::Boolean => (if v.value.as_bool() == Some(true) {
            "Yes"
        } else {
            "No"
        })
        .to_string(),
        FieldKind::Enum(_) => format!(
            "<span class=\"tag\">{}</span>",
            escape_html(v.value.as_str().unwrap_or(""))
        ),
        FieldKind::List if spec.vocabulary.as_deref() == Some(crate::controls::ISO27001) => {
            // Control numbers with their titles.
            let lis: String = v
                .strings_with_spans()
                .into_iter()
                .map(|(n, _)| {
                    format!(
                        "<li>{} {}</li>",
                        escape_html(&n),
                        escape_html(crate::controls::title(&n).unwrap_or(""))
                    )
                })
                .collect();
            format!("<ul class=\"summary__list\">{lis}</ul>")
        }
        FieldKind::List => {
            let items: Vec<String> = v
                .strings_with_spans()
                .into_iter()
                .map(|(s, _)| escape_html(&s))
                .collect();
            if items.is_empty() {
                return None;
            }
            // Phrases read better as a list; codes and names as a line.
            if items.iter().any(|i| i.split_whitespace().count() >= 4) {
                let lis: String = items.iter().map(|i| format!("<li>{i}</li>")).collect();
                format!("<ul class=\"summary__list\">{lis}</ul>")
            } else {
                items.join(", ")
            }
        }
        FieldKind::String | FieldKind::Integer => match &v.value {
            Value::String(s) => escape_html(s),
            other => escape_html(&other.to_string()),
        },
        FieldKind::Text
        | FieldKind::Reference { .. }
        | FieldKind::References { .. }
        | FieldKind::Records(_) => return None,
    };
    Some(html)
}

/// The heading of the section that shows a records field: along its list ("Phases and
/// decision points"), or on its own ("Reporting"). Its id is made from it.
fn section_title(c: &Collection, spec: &FieldSpec, r: &Records) -> String {
    match r.stage_field().and_then(|(_, list)| c.fields.get(list)) {
        Some(list) => format!("{} and {}", list.label, spec.label.to_lowercase()),
        None => spec.label.clone(),
    }
}

/// Every id the record sections of page `p` use: section headings and record anchors.
pub fn reserved_ids(c: &Collection, p: &Page) -> Vec<String> {
    let mut ids = Vec::new();
    for (name, spec) in &c.fields {
        let FieldKind::Records(r) = &spec.kind else {
            continue;
        };
        let Some(v) = p.fields.get(name) else {
            continue;
        };
        ids.push(heading_id(&section_title(c, spec, r)));
        if let Some(key) = &r.key {
            ids.extend(
                v.records
                    .iter()
                    .filter_map(|rec| rec.get(key)?.value.as_str().map(record_anchor)),
            );
        }
    }
    ids
}

/// One record as the templates see it: `{id, key, title, cells: [{name, label, html}]}`.
/// `skip` names fields left out of the cells (shown otherwise along a list: the stage, the
/// key and the title).
fn record(r: &Records, rec: &indexmap::IndexMap<String, FieldValue>, skip: &[&str]) -> Value {
    let text = |name: &str| {
        rec.get(name)
            .and_then(|v| v.value.as_str().map(str::to_string))
    };
    let key = r.key.as_deref().and_then(text);
    let cells: Vec<Value> = r
        .fields
        .iter()
        .filter(|(n, _)| !skip.contains(&n.as_str()))
        .filter_map(|(n, spec)| {
            let v = rec.get(n)?;
            // Criteria and the like read as lists, however short.
            let html = match spec.kind {
                FieldKind::List => {
                    let lis: String = v
                        .strings_with_spans()
                        .into_iter()
                        .map(|(s, _)| format!("<li>{}</li>", escape_html(&s)))
                        .collect();
                    (!lis.is_empty()).then(|| format!("<ul class=\"summary__list\">{lis}</ul>"))?
                }
                _ => value_html(spec, v)?,
            };
            Some(json!({"name": n, "label": spec.label, "html": html}))
        })
        .collect();
    json!({
        "id": key.as_deref().map(record_anchor),
        "key": key,
        "title": text(&r.title).unwrap_or_default(),
        "cells": cells,
    })
}

/// The record sections of page `p`: `(records, timelines)`. A records field whose records
/// take a value from one of the page's lists is a timeline: each list value in order, with
/// its records (and those with no value after). Any other is a table.
pub fn page_records(c: &Collection, p: &Page) -> (Vec<Value>, Vec<Value>) {
    let mut tables = Vec::new();
    let mut timelines = Vec::new();
    for (name, spec) in &c.fields {
        let FieldKind::Records(r) = &spec.kind else {
            continue;
        };
        let Some(v) = p.fields.get(name).filter(|v| !v.records.is_empty()) else {
            continue;
        };
        let title = section_title(c, spec, r);
        let id = heading_id(&title);
        match r.stage_field() {
            Some((stage, list)) => {
                let stages: Vec<String> = p
                    .fields
                    .get(list)
                    .map(|l| l.strings_with_spans().into_iter().map(|(s, _)| s).collect())
                    .unwrap_or_default();
                let mut shown = vec![stage, r.title.as_str()];
                shown.extend(r.key.as_deref());
                let at = |rec: &indexmap::IndexMap<String, FieldValue>| {
                    rec.get(stage)
                        .and_then(|v| v.value.as_str().map(str::to_string))
                };
                let stage_values: Vec<Value> = stages
                    .iter()
                    .map(|s| {
                        let records: Vec<Value> = v
                            .records
                            .iter()
                            .filter(|rec| at(rec).as_deref() == Some(s))
                            .map(|rec| record(r, rec, &shown))
                            .collect();
                        json!({"name": s, "records": records})
                    })
                    .collect();
                let unplaced: Vec<Value> = v
                    .records
                    .iter()
                    .filter(|rec| at(rec).is_none_or(|s| !stages.contains(&s)))
                    .map(|rec| record(r, rec, &shown))
                    .collect();
                timelines.push(json!({
                    "name": name,
                    "id": id,
                    "title": title,
                    "label": spec.label,
                    "singular": singular(&spec.label),
                    "stage_label": c.fields.get(list).map(|l| singular(&l.label)),
                    "stages": stage_values,
                    "unplaced": unplaced,
                }));
            }
            None => {
                let columns: Vec<Value> = r
                    .fields
                    .iter()
                    .map(|(n, s)| json!({"name": n, "label": s.label}))
                    .collect();
                let rows: Vec<Value> = v.records.iter().map(|rec| record(r, rec, &[])).collect();
                tables.push(json!({
                    "name": name,
                    "id": id,
                    "title": title,
                    "columns": columns,
                    "rows": rows,
                }));
            }
        }
    }
    (tables, timelines)
}

/// "Decision points" -> "Decision point".
fn singular(label: &str) -> String {
    match label.strip_suffix('s') {
        Some(s) if !s.ends_with('s') && !s.is_empty() => s.to_string(),
        _ => label.to_string(),
    }
}

/// The comparison page's title ("Compare delivery methods").
pub fn compare_title(c: &Collection) -> String {
    format!("Compare {}", c.title.to_lowercase())
}

/// Where a collection's comparison page is, when the site has one (`/methods/compare/`).
pub fn compare_path<'s>(site: &'s Site, config: &Config, c: &Collection) -> Option<&'s str> {
    let index = config.collections.get_index_of(&c.name)?;
    site.generated_path(Generated::Compare(index))
}

/// A records field in a comparison: how many, then the titles (linked to their anchors),
/// grouped by `group_by` when it is set ("Monthly: Product roadmap; KPIs").
fn records_cell(r: &Records, v: &FieldValue, page_path: &str) -> String {
    let title = |rec: &indexmap::IndexMap<String, FieldValue>| {
        let t = escape_html(
            rec.get(&r.title)
                .and_then(|v| v.value.as_str())
                .unwrap_or(""),
        );
        match r
            .key
            .as_ref()
            .and_then(|k| rec.get(k)?.value.as_str())
            .map(record_anchor)
        {
            Some(id) => format!("<a href=\"{}#{id}\">{t}</a>", escape_html(page_path)),
            None => t,
        }
    };
    let n = v.records.len();
    let mut html = format!("<p class=\"compare__count\">{n} in total</p>");
    match &r.group_by {
        Some(g) => {
            // Groups in the order the field declares its values, else as first met.
            let mut groups: Vec<(String, Vec<String>)> = Vec::new();
            if let Some(FieldKind::Enum(values)) = r.fields.get(g).map(|f| &f.kind) {
                groups = values.iter().map(|v| (v.clone(), Vec::new())).collect();
            }
            for rec in &v.records {
                let at = rec
                    .get(g)
                    .and_then(|v| v.value.as_str())
                    .unwrap_or("Other")
                    .to_string();
                match groups.iter_mut().find(|(name, _)| *name == at) {
                    Some((_, items)) => items.push(title(rec)),
                    None => groups.push((at, vec![title(rec)])),
                }
            }
            html.push_str("<ul class=\"compare__groups\">");
            for (name, items) in groups.iter().filter(|(_, items)| !items.is_empty()) {
                html.push_str(&format!(
                    "<li><strong>{} ({})</strong>: {}</li>",
                    escape_html(&crate::config::sentence_case(name)),
                    items.len(),
                    items.join("; ")
                ));
            }
            html.push_str("</ul>");
        }
        None => {
            html.push_str("<ol class=\"compare__list\">");
            for rec in &v.records {
                html.push_str(&format!("<li>{}</li>", title(rec)));
            }
            html.push_str("</ol>");
        }
    }
    html
}

/// The `compare` value: one row per page of the collection, one column per compared field.
/// `text_html(i, field)` is page `i`'s rendered text field.
pub fn compare_value(
    site: &Site,
    config: &Config,
    c: &Collection,
    text_html: &dyn Fn(usize, &str) -> Option<String>,
) -> Value {
    let path = compare_path(site, config, c).unwrap_or_default();
    let columns: Vec<Value> = c
        .compare
        .iter()
        .map(|n| json!({"name": n, "label": c.fields[n].label}))
        .collect();
    // Lists that records are placed along read as steps.
    let staged: Vec<&str> = c
        .fields
        .values()
        .filter_map(|f| match &f.kind {
            FieldKind::Records(r) => r.stage_field().map(|(_, list)| list),
            _ => None,
        })
        .collect();
    let mut pages: Vec<usize> = (0..site.pages.len())
        .filter(|&i| site.own_page[i] && site.pages[i].collection.as_deref() == Some(&c.name))
        .filter(|&i| !crate::model::paths::is_index_file(&site.pages[i].rel))
        .collect();
    pages.sort_by(|&a, &b| {
        let (pa, pb) = (&site.pages[a], &site.pages[b]);
        (pa.weight, pa.title.to_lowercase()).cmp(&(pb.weight, pb.title.to_lowercase()))
    });
    let rows: Vec<Value> = pages
        .iter()
        .map(|&i| {
            let p = &site.pages[i];
            let page_path = config.rooted(&site.paths[i]);
            let cells: Vec<Value> = c
                .compare
                .iter()
                .map(|n| {
                    let spec = &c.fields[n];
                    let html = match (&spec.kind, p.fields.get(n)) {
                        (_, None) => None,
                        (FieldKind::Text, _) => text_html(i, n),
                        (FieldKind::Records(r), Some(v)) => Some(records_cell(r, v, &page_path)),
                        (FieldKind::Reference { .. } | FieldKind::References { .. }, _) => {
                            reference_links(site, config, i, n)
                        }
                        (FieldKind::List, Some(v)) if staged.contains(&n.as_str()) => {
                            let lis: String = v
                                .strings_with_spans()
                                .into_iter()
                                .map(|(s, _)| format!("<li>{}</li>", escape_html(&s)))
                                .collect();
                            Some(format!("<ol class=\"compare__steps\">{lis}</ol>"))
                        }
                        (_, Some(v)) => value_html(spec, v),
                    };
                    json!({"name": n, "label": spec.label, "html": html.unwrap_or_else(|| "<span class=\"compare__none\">None</span>".into())})
                })
                .collect();
            json!({"title": p.title, "path": page_path, "description": p.description, "cells": cells})
        })
        .collect();
    let section = site
        .sections
        .iter()
        .find(|s| s.kind == SectionKind::Collection && s.collection.as_deref() == Some(&c.name));
    json!({
        "title": compare_title(c),
        "collection": {"name": c.name, "title": c.title, "singular": c.singular, "path": section.map(|s| config.rooted(&s.path))},
        "columns": columns,
        "rows": rows,
        "path": config.rooted(path),
        "permalink": config.absolute_url(path),
        "breadcrumbs": breadcrumbs(site, config, path),
    })
}
