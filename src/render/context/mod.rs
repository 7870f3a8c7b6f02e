//! The values templates see: `site`, `page`, `section`, `taxonomy`, `term`. Everything a
//! template shows is computed here (escaped where it is HTML), so templates stay simple and
//! the README can describe one stable context. URLs are site-rooted (`/base/standards/x/`);
//! the renderer makes them relative afterwards.

use std::sync::OnceLock;

use serde_json::{Value, json};

use super::markdown::escape_html;
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

mod generated;
mod page;
mod section;
mod taxonomy;

pub use generated::{REVIEW_WINDOW_DAYS, az_value, controls_value, glossary_value, reviews_value};
pub use page::page_value;
pub use section::{children, recent, section_value};
pub use taxonomy::{taxonomy_value, term_value};

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

pub(super) fn count_pages(site: &Site, s: &Section) -> usize {
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
pub(super) fn card(site: &Site, config: &Config, i: usize) -> Value {
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

pub(super) fn taxonomy_links(site: &Site, config: &Config, i: usize) -> Vec<Value> {
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

pub(super) fn link(site: &Site, config: &Config, i: Option<usize>) -> Value {
    match i {
        Some(i) => json!({"title": site.pages[i].title, "path": config.rooted(&site.paths[i])}),
        None => Value::Null,
    }
}

/// Pages as `{title, path}` links.
pub(super) fn links(site: &Site, config: &Config, pages: &[usize]) -> Vec<Value> {
    pages.iter().map(|&j| link(site, config, Some(j))).collect()
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
