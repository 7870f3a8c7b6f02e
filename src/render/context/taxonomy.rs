//! A taxonomy's context and one of its terms'.

use serde_json::{Value, json};

use crate::config::Config;
use crate::resolve::Site;

use super::section::pages_label;
use super::{Cards, breadcrumbs};

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
