//! What one build keeps for the next, and the keys that say when it can be reused.

use std::collections::HashMap;
use std::hash::{DefaultHasher, Hash, Hasher};
use std::sync::Arc;

use serde_json::Value;

use crate::config::Config;
use crate::load::TemplateSource;
use crate::model::mode::BuildMode;
use crate::resolve::Site;

use super::body::{Body, CachedBody};
use super::page::{RenderedPage, hash_value};
use super::templates::Templates;
use super::{OutputFile, graph, linkcheck};

/// What one build keeps for the next (`canon serve`): the parsed templates, each page's
/// rendered body, reused while neither the page nor anything a body depends on changed, and
/// the pages, graph and files made from them.
#[derive(Default)]
pub struct Cache {
    pub(super) bodies: HashMap<String, CachedBody>,
    /// Builds so far, to tell a body rendered in this build from one kept from an earlier one.
    pub(super) builds: u64,
    /// Each output page by path, with the hash of everything its template was given.
    pub(super) pages: HashMap<String, (u64, Arc<RenderedPage>)>,
    /// Every output file and every page's anchors, hashed, when the verdicts were made.
    pub(super) targets: u64,
    /// Each page's template-link verdicts.
    pub(super) verdicts: HashMap<String, Arc<linkcheck::PageVerdict>>,
    /// Each search document by URL, with the key of what it was made from.
    pub(super) docs: HashMap<String, (u64, Arc<crate::search::Doc>)>,
    /// The link graph, with the key of what it was made from.
    pub(super) graph: Option<(u64, Arc<graph::Graph>)>,
    /// The open-data files, with the key of what they were made from.
    pub(super) api: Option<(u64, Vec<OutputFile>)>,
    /// The parsed templates, with the key of their texts.
    pub(super) templates: Option<(u64, Templates)>,
}

/// Every requirement of every page as listings show it (not where it is in its file).
pub(super) fn requirements_key(site: &Site, bodies: &[Arc<Body>]) -> u64 {
    let mut h = DefaultHasher::new();
    for (i, b) in bodies.iter().enumerate() {
        for r in b.main.requirements.iter().filter(|_| site.own_page[i]) {
            (i, &r.id, r.number, r.keyword, r.explicit, &r.text).hash(&mut h);
        }
    }
    h.finish()
}

/// Every page's front matter, title and path: what listings, cards and the link graph show.
pub(super) fn listing_key(site: &Site) -> u64 {
    let mut h = DefaultHasher::new();
    for (p, path) in site.pages.iter().zip(&site.paths) {
        (p.meta_hash, path).hash(&mut h);
    }
    h.finish()
}

/// Everything outside a page that its rendered body depends on: the configuration, every
/// page's path, title, id and source id (links resolve to them and take their titles), the
/// glossary, and the files links may point at.
pub(super) fn structure_key(site: &Site, config: &Config, mode: &BuildMode) -> u64 {
    let mut h = DefaultHasher::new();
    (config.key(), mode).hash(&mut h);
    for (i, p) in site.pages.iter().enumerate() {
        (
            &p.rel,
            &site.paths[i],
            &p.title,
            p.file,
            p.glossary.is_some(),
            p.draft,
        )
            .hash(&mut h);
    }
    let mut ids: Vec<(&String, &usize)> = site.ids.iter().collect();
    ids.sort();
    ids.hash(&mut h);
    if let Some(g) = &site.glossary {
        format!("{:?}", g.entries).hash(&mut h);
    }
    for a in site.asset_paths() {
        a.hash(&mut h);
    }
    h.finish()
}

pub(super) fn base_key(
    config: &Config,
    mode: &BuildMode,
    templates: &[TemplateSource],
    site_value: &Value,
) -> u64 {
    let mut h = DefaultHasher::new();
    (config.key(), mode).hash(&mut h);
    hash_value(site_value, &mut h);
    for t in templates {
        (&t.name, &*t.text).hash(&mut h);
    }
    h.finish()
}
