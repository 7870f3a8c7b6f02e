//! Page bodies: each page's Markdown and text fields rendered once, with the links, terms
//! and requirements found in them; reused between builds while nothing a body depends on
//! changes.

use std::hash::{DefaultHasher, Hash, Hasher};
use std::sync::Arc;

use rayon::prelude::*;

use crate::config::{Config, FieldKind};
use crate::resolve::{LinkTarget, Site};

use super::markdown::{
    self, Context as MdContext, Highlighter, LinkOutcome, LinkRewriter, Rendered,
};
use super::{RESERVED_IDS, records};

/// Resolves links written in one page.
pub(super) struct PageLinks<'a> {
    pub(super) site: &'a Site,
    pub(super) config: &'a Config,
    pub(super) page: usize,
}

impl LinkRewriter for PageLinks<'_> {
    fn rewrite(&self, href: &str) -> LinkOutcome {
        match self
            .site
            .resolve_link(self.page, href, &self.config.base_path)
        {
            LinkTarget::Page {
                path,
                page,
                fragment,
            } => {
                let mut url = self.config.rooted(&crate::model::paths::encode_path(&path));
                if let Some(f) = &fragment {
                    url.push('#');
                    url.push_str(f);
                }
                let title = match page {
                    Some(p) => Some(self.site.pages[p].title.clone()),
                    None => self.site.title_at(&path).map(str::to_string),
                };
                LinkOutcome::Internal {
                    url,
                    path,
                    page,
                    fragment,
                    title,
                }
            }
            LinkTarget::Asset(path) => {
                let url = self.config.rooted(&crate::model::paths::encode_path(&path));
                LinkOutcome::Internal {
                    url,
                    path,
                    page: None,
                    fragment: None,
                    title: None,
                }
            }
            LinkTarget::External => LinkOutcome::External,
            LinkTarget::SamePage(f) => LinkOutcome::SamePage(f),
            LinkTarget::Unresolved { near } => LinkOutcome::Broken { near },
            LinkTarget::Draft(rel) => LinkOutcome::Draft(rel),
        }
    }
}

/// A page's rendered body and text fields.
pub(super) struct Body {
    pub(super) main: Rendered,
    pub(super) text_fields: Vec<(String, Rendered)>,
}

impl Body {
    /// Every page the body and its text fields link to.
    pub(super) fn linked_pages(&self) -> Vec<usize> {
        let mut v = self.main.links.pages.clone();
        for (_, r) in &self.text_fields {
            v.extend(r.links.pages.iter().copied());
        }
        v
    }
}

/// A rendered body with what it was rendered from.
pub(super) struct CachedBody {
    /// The structure it depended on and the page's source id.
    pub(super) key: u64,
    /// The page text (compared, which is cheaper than hashing it).
    pub(super) text: Arc<str>,
    /// The build that rendered it: part of the version the page cache sees.
    pub(super) build: u64,
    pub(super) body: Arc<Body>,
}

pub(super) fn body_key(structure: u64, site: &Site, i: usize) -> u64 {
    let mut h = DefaultHasher::new();
    (structure, site.pages[i].file).hash(&mut h);
    h.finish()
}

/// Pages using each glossary entry, ordered by title.
pub(super) fn term_use(site: &Site, bodies: &[Arc<Body>]) -> Vec<Vec<usize>> {
    let Some(g) = &site.glossary else {
        return Vec::new();
    };
    let mut out = vec![Vec::new(); g.entries.len()];
    for (i, b) in bodies.iter().enumerate() {
        if site.pages[i].glossary.is_some() {
            continue;
        }
        for &e in b
            .main
            .terms
            .iter()
            .chain(b.text_fields.iter().flat_map(|(_, r)| r.terms.iter()))
        {
            out[e].push(i);
        }
    }
    // By title, so a page that uses a term twice is next to itself.
    for v in &mut out {
        v.sort_unstable_by_key(|&a| site.title_rank[a]);
        v.dedup();
    }
    out
}

/// Renders every page's Markdown (no templates, no caching) and returns the length of the
/// HTML: the Markdown stage on its own, for benchmarks.
pub fn render_markdown(site: &Site, config: &Config, highlighter: &Highlighter) -> usize {
    (0..site.pages.len())
        .into_par_iter()
        .map(|i| render_body(site, config, highlighter, i).main.html.len())
        .sum()
}

pub(super) fn render_body(
    site: &Site,
    config: &Config,
    highlighter: &Highlighter,
    i: usize,
) -> Body {
    let p = &site.pages[i];
    let links = PageLinks {
        site,
        config,
        page: i,
    };
    let glossary_url = site
        .glossary
        .as_ref()
        .map(|g| config.rooted(&g.path))
        .unwrap_or_default();
    // Headings keep clear of the ids the template gives record sections and records.
    let record_ids = config
        .collection_named(p.collection.as_deref())
        .map(|c| records::reserved_ids(c, p))
        .unwrap_or_default();
    let reserved: Vec<&str> = RESERVED_IDS
        .iter()
        .copied()
        .chain(record_ids.iter().map(String::as_str))
        .collect();
    let requirement_prefix = config
        .collection_named(p.collection.as_deref())
        .and_then(|c| c.id_field.as_ref())
        .and_then(|f| p.fields.get(f))
        .and_then(|v| v.value.as_str());
    let cx = MdContext {
        file: p.file,
        offset: p.body.start,
        title: &p.title,
        highlighter,
        links: &links,
        reserved_ids: &reserved,
        broken: markdown::broken_severity(config.broken_links),
        glossary: site.glossary.as_ref(),
        glossary_url: &glossary_url,
        // Definitions link their related terms explicitly; elsewhere authors may opt out.
        autolink: config.glossary.as_ref().is_some_and(|g| g.autolink)
            && p.glossary_links
            && p.glossary.is_none(),
        lint: config.glossary.as_ref().is_some_and(|g| g.lint),
        lift_title: true,
        requirement_prefix,
        raw_html: config.raw_html,
    };
    let main = markdown::render(p.body_text(), &cx);
    let mut text_fields = Vec::new();
    if let Some(c) = config.collection_named(p.collection.as_deref()) {
        for (name, spec) in &c.fields {
            if spec.kind != FieldKind::Text {
                continue;
            }
            if let Some(text) = p.fields.get(name).and_then(|v| v.value.as_str()) {
                let field_cx = MdContext {
                    lift_title: false,
                    requirement_prefix: None,
                    ..cx
                };
                let r = markdown::render(
                    text,
                    &MdContext {
                        offset: p.fields[name].span.start,
                        ..field_cx
                    },
                );
                text_fields.push((name.clone(), r));
            }
        }
    }
    Body { main, text_fields }
}
