//! The contexts of the glossary and of generated pages: the glossary's entries, the
//! ISO/IEC 27001 controls, the reviews due, and the A-Z of every page.

use serde_json::{Value, json};

use crate::config::Config;
use crate::resolve::Site;
use crate::validate::parse_date;

use super::{breadcrumbs, display_date, links};

/// How many of the pages that use a term the glossary lists under it, in title order; it
/// gives the number of the rest. A term in a large site's common vocabulary is used on
/// thousands of pages, and listing them all made the glossary page megabytes long (10 MB at
/// 10,000 pages) for a list no reader goes through.
pub(super) const USED_IN_SHOWN: usize = 50;

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
pub(super) fn by_letter(
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
