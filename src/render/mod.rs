//! Markdown and templates -> HTML, in parallel; plus the sitemap, robots.txt and the feed.
//!
//! Input: the resolved [`Site`], the [`Config`] and the templates. Output: [`SiteOutput`],
//! every file of the site in memory, and diagnostics (template errors, broken links, images
//! without alt text). Pure: reads and writes nothing. Bodies render first (all pages, in
//! parallel), then every output page (in parallel), since listings and section pages use
//! other pages' bodies.

pub mod api;
pub mod context;
pub mod feeds;
pub mod graph;
pub mod html;
pub mod linkcheck;
pub mod markdown;
pub mod records;
pub mod relative;
pub mod templates;

use std::collections::{HashMap, HashSet};
use std::hash::{DefaultHasher, Hash, Hasher};
use std::sync::Arc;

use indicatif::ProgressBar;
use rayon::prelude::*;
use serde_json::Value;

use crate::config::{Config, FieldKind};
use crate::diagnostics::{Diagnostic, Diagnostics, SourceMap};
use crate::load::{Asset, TemplateSource};
use crate::model::generated::Generated;
use crate::model::mode::BuildMode;
use crate::resolve::{LinkTarget, SectionKind, Site};
use crate::timings::Timings;
use markdown::{Context as MdContext, Highlighter, LinkOutcome, LinkRewriter, Rendered};
use templates::Templates;

/// Ids the default theme's templates use; headings never take them.
pub const RESERVED_IDS: &[&str] = &[
    "register",
    "referenced-by",
    "related-pages",
    "main-content",
    "on-this-page",
    "page-details",
    "page-topics",
    "pagination",
    "in-this-section",
    "requirements-summary",
    "steps-1",
    "steps-2",
    "steps-3",
];

/// One generated file.
#[derive(Debug, Clone)]
pub struct OutputFile {
    /// Path under the output folder, `/`-separated.
    pub path: String,
    /// Its bytes.
    pub contents: Arc<[u8]>,
}

/// The whole site, in memory, ready to write.
#[derive(Debug, Default)]
pub struct SiteOutput {
    /// Generated files.
    pub files: Vec<OutputFile>,
    /// Files copied as they are.
    pub assets: Vec<Asset>,
    /// Links to other sites (counted, not fetched).
    pub external_links: usize,
    /// What the search index is built from, when the site has search.
    pub search: Option<crate::search::Input>,
    /// Every numbered requirement, with its page's file.
    pub requirements: Vec<(
        crate::diagnostics::FileId,
        crate::model::requirement::Requirement,
    )>,
}

/// Resolves links written in one page.
struct PageLinks<'a> {
    site: &'a Site,
    config: &'a Config,
    page: usize,
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
pub struct Body {
    main: Rendered,
    text_fields: Vec<(String, Rendered)>,
}

impl Body {
    /// Every page the body and its text fields link to.
    fn linked_pages(&self) -> Vec<usize> {
        let mut v = self.main.links.pages.clone();
        for (_, r) in &self.text_fields {
            v.extend(r.links.pages.iter().copied());
        }
        v
    }
}

#[derive(Hash)]
enum Job {
    Page(usize),
    Section(usize),
    Glossary(usize),
    Taxonomy(usize),
    Term(usize, usize),
    Generated(Generated),
}

/// Stands in a template's output for a body, so links the template itself writes can be told
/// apart from links in the content. Private-use characters never occur in escaped output.
const MARK: char = '\u{e000}';

fn mark(name: &str) -> String {
    format!("{MARK}canon:{name}{MARK}")
}

/// The values a template is given besides `site`, kept as JSON so they can be hashed before
/// anything is rendered.
#[derive(Default)]
struct Values(Vec<(&'static str, Value)>);

impl Values {
    /// Adds a value, moved in: contexts are built once, never copied through serde.
    fn insert(&mut self, name: &'static str, value: impl Into<Value>) {
        self.0.push((name, value.into()));
    }
}

/// Feeds a JSON value to a hasher without printing it.
fn hash_value(value: &Value, h: &mut DefaultHasher) {
    match value {
        Value::Null => 0u8.hash(h),
        Value::Bool(b) => (1u8, b).hash(h),
        Value::Number(n) => (2u8, n.as_f64().map(f64::to_bits), n.as_i64()).hash(h),
        Value::String(s) => (3u8, s).hash(h),
        Value::Array(a) => {
            (4u8, a.len()).hash(h);
            a.iter().for_each(|v| hash_value(v, h));
        }
        Value::Object(o) => {
            (5u8, o.len()).hash(h);
            for (k, v) in o {
                k.hash(h);
                hash_value(v, h);
            }
        }
    }
}

/// One rendered output page, before the link check.
pub struct Rendered2 {
    file: OutputFile,
    check: linkcheck::PageHtml,
}

/// What every output job needs.
struct Renderer<'a> {
    site: &'a Site,
    config: &'a Config,
    mode: &'a BuildMode,
    templates: &'a Templates,
    bodies: &'a [Arc<Body>],
    /// The cache key of each page's body.
    body_keys: Vec<u64>,
    /// What every page depends on: templates and configuration.
    base_key: u64,
    /// What every body depends on (see [`structure_key`]).
    structure: u64,
    /// Every page's front matter and title, which listings, neighbours and cards show.
    listing: u64,
    /// The output pages of the previous build of this session.
    previous: &'a HashMap<String, (u64, Arc<Rendered2>)>,
    graph: &'a graph::Graph,
    /// Per glossary entry, the pages that use it.
    term_use: Vec<Vec<usize>>,
    site_value: Value,
    /// Every page's card, for listings.
    cards: context::Cards<'a>,
    stylesheet: &'a str,
    sources: &'a SourceMap,
    /// The site's absolute address, escaped, when it has one: printed after body links.
    print_base: Option<String>,
}

/// What one build keeps for the next (`canon serve`): the parsed templates, each page's
/// rendered body, reused while neither the page nor anything a body depends on changed, and
/// the pages, graph and files made from them.
#[derive(Default)]
pub struct Cache {
    bodies: HashMap<String, CachedBody>,
    /// Builds so far, to tell a body rendered in this build from one kept from an earlier one.
    builds: u64,
    /// Each output page by path, with the hash of everything its template was given.
    pages: HashMap<String, (u64, Arc<Rendered2>)>,
    /// Every output file and every page's anchors, hashed, when the verdicts were made.
    targets: u64,
    /// Each page's template-link verdicts.
    verdicts: HashMap<String, Arc<linkcheck::PageVerdict>>,
    /// Each search document by URL, with the key of what it was made from.
    docs: HashMap<String, (u64, Arc<crate::search::Doc>)>,
    /// The link graph, with the key of what it was made from.
    graph: Option<(u64, Arc<graph::Graph>)>,
    /// The open-data files, with the key of what they were made from.
    api: Option<(u64, Vec<OutputFile>)>,
    /// The parsed templates, with the key of their texts.
    templates: Option<(u64, Templates)>,
}

/// Every requirement of every page as listings show it (not where it is in its file).
fn requirements_key(site: &Site, bodies: &[Arc<Body>]) -> u64 {
    let mut h = DefaultHasher::new();
    for (i, b) in bodies.iter().enumerate() {
        for r in b.main.requirements.iter().filter(|_| site.own_page[i]) {
            (i, &r.id, r.number, r.keyword, r.explicit, &r.text).hash(&mut h);
        }
    }
    h.finish()
}

/// Every page's front matter, title and path: what listings, cards and the link graph show.
fn listing_key(site: &Site) -> u64 {
    let mut h = DefaultHasher::new();
    for (p, path) in site.pages.iter().zip(&site.paths) {
        (p.meta_hash, path).hash(&mut h);
    }
    h.finish()
}

/// Everything outside a page that its rendered body depends on: the configuration, every
/// page's path, title, id and source id (links resolve to them and take their titles), the
/// glossary, and the files links may point at.
fn structure_key(site: &Site, config: &Config, mode: &BuildMode) -> u64 {
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

fn base_key(
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

/// A rendered body with what it was rendered from.
struct CachedBody {
    /// The structure it depended on and the page's source id.
    key: u64,
    /// The page text (compared, which is cheaper than hashing it).
    text: Arc<str>,
    /// The build that rendered it: part of the version the page cache sees.
    build: u64,
    body: Arc<Body>,
}

fn body_key(structure: u64, site: &Site, i: usize) -> u64 {
    let mut h = DefaultHasher::new();
    (structure, site.pages[i].file).hash(&mut h);
    h.finish()
}

/// What rendering is given.
pub struct Inputs<'a> {
    /// The resolved site.
    pub site: &'a Site,
    /// The configuration.
    pub config: &'a Config,
    /// How this run builds.
    pub mode: &'a BuildMode,
    /// The templates, as read.
    pub templates: &'a [TemplateSource],
    /// Files copied as they are (those a generated file replaces are left out).
    pub assets: Vec<Asset>,
    /// The theme's stylesheet, which the 404 page inlines.
    pub stylesheet: &'a str,
    /// Every file read, for template errors.
    pub sources: &'a SourceMap,
    /// Counts rendered pages.
    pub progress: &'a ProgressBar,
}

/// Renders the whole site. Returns `None` when templates cannot be parsed.
pub fn render(
    input: Inputs<'_>,
    cache: &mut Cache,
    timings: &mut Timings,
    diags: &mut Diagnostics,
) -> Option<SiteOutput> {
    let Inputs {
        site,
        config,
        mode,
        templates: template_sources,
        assets,
        stylesheet,
        sources,
        progress,
    } = input;
    // Parsing the templates is the largest fixed cost of a small rebuild: keep them while
    // their texts are unchanged.
    let templates_key = Templates::key(template_sources);
    let templates = match &cache.templates {
        Some((k, t)) if *k == templates_key => t.for_sources(template_sources),
        _ => match Templates::new(template_sources, sources) {
            Ok(t) => t,
            Err(errors) => {
                cache.templates = None;
                diags.extend(errors);
                return None;
            }
        },
    };
    cache.templates = Some((templates_key, templates.clone()));
    let plain = Highlighter::plain();
    let highlighter = if mode.highlight() {
        Highlighter::shared()
    } else {
        &plain
    };
    let structure = structure_key(site, config, mode);
    cache.builds += 1;
    let this_build = cache.builds;
    let cached = &cache.bodies;
    let kept: Vec<CachedBody> = (0..site.pages.len())
        .into_par_iter()
        .map(|i| {
            let key = body_key(structure, site, i);
            let page = &site.pages[i];
            match cached.get(&page.rel) {
                Some(c) if c.key == key && c.text == page.text => CachedBody {
                    key,
                    text: c.text.clone(),
                    build: c.build,
                    body: c.body.clone(),
                },
                _ => CachedBody {
                    key,
                    text: page.text.clone(),
                    build: this_build,
                    body: Arc::new(render_body(site, config, highlighter, i)),
                },
            }
        })
        .collect();
    let bodies: Vec<Arc<Body>> = kept.iter().map(|c| c.body.clone()).collect();
    timings.mark("render: bodies (Markdown, highlighting)");
    // What the page cache sees of a body: it changes whenever the body is rendered again.
    let body_keys: Vec<u64> = kept
        .iter()
        .map(|c| c.key ^ c.build.rotate_left(32))
        .collect();
    cache.bodies = site.pages.iter().map(|p| p.rel.clone()).zip(kept).collect();
    let mut external = 0;
    for b in &bodies {
        diags.extend(b.main.diags.iter().cloned());
        external += b.main.links.external;
        for (_, r) in &b.text_fields {
            diags.extend(r.diags.iter().cloned());
            external += r.links.external;
        }
    }
    let links: Vec<Vec<usize>> = bodies.iter().map(|b| b.linked_pages()).collect();
    let requirements: Vec<_> = bodies
        .iter()
        .enumerate()
        .filter(|(i, _)| site.own_page[*i])
        .flat_map(|(i, b)| {
            b.main
                .requirements
                .iter()
                .map(move |r| (site.pages[i].file, r.clone()))
        })
        .collect();
    // The link graph depends on front matter, paths and links alone: a body edit that
    // changes no link keeps it (related pages take a scan of every shared term).
    let listing = listing_key(site);
    let graph_key = {
        let mut h = DefaultHasher::new();
        (structure, listing, &links).hash(&mut h);
        h.finish()
    };
    let graph = match &cache.graph {
        Some((k, g)) if *k == graph_key => g.clone(),
        _ => Arc::new(graph::Graph::new(site, config, &links)),
    };
    cache.graph = Some((graph_key, graph.clone()));
    timings.mark("render: link graph");
    let mut jobs = jobs(site);
    // Listings and generated pages can be large (a collection of thousands, every
    // requirement): start them first, so the many small pages fill in around them rather than
    // one large page finishing alone at the end.
    jobs.sort_by_key(|j| matches!(j, Job::Page(_)));
    progress.set_length(jobs.len() as u64);
    let site_value = context::site_value(site, config);
    let renderer = Renderer {
        site,
        config,
        mode,
        templates: &templates,
        bodies: &bodies,
        body_keys: body_keys.clone(),
        base_key: base_key(config, mode, template_sources, &site_value),
        structure,
        listing,
        previous: &cache.pages,
        graph: &graph,
        term_use: term_use(site, &bodies),
        site_value,
        cards: context::Cards::new(site, config),
        stylesheet,
        sources,
        print_base: config
            .base_url
            .contains("://")
            .then(|| markdown::escape_html(&config.base_url)),
    };
    // The sitemap, feeds and open data need no rendered page: they are made beside the pages.
    let (results, (site_files, api_files)) = rayon::join(
        || {
            // Lists (a section's or a term's thousands of cards, the requirements register)
            // take many times longer than a page: started first, they cannot leave one thread
            // working alone at the end. Results keep the jobs' order.
            let mut order: Vec<usize> = (0..jobs.len()).collect();
            order.sort_by_key(|&k| matches!(jobs[k], Job::Page(_)));
            let mut done: Vec<(usize, JobResult)> = order
                .par_iter()
                .map(|&k| {
                    let r = renderer.job(&jobs[k]);
                    progress.inc(1);
                    (k, r)
                })
                .collect();
            done.sort_unstable_by_key(|(k, _)| *k);
            done.into_iter().map(|(_, r)| r).collect::<Vec<_>>()
        },
        || {
            site_and_api_files(
                site, config, mode, &jobs, &graph, graph_key, &bodies, &cache.api,
            )
        },
    );
    let mut files = Vec::with_capacity(results.len() + 4);
    let mut pages = HashMap::with_capacity(results.len());
    let mut fresh: HashSet<String> = HashSet::new();
    let mut checks = Vec::with_capacity(results.len());
    let mut seen = HashSet::new();
    let mut failed = false;
    for r in results {
        match r {
            Ok((key, r)) => {
                files.push(r.file.clone());
                if !cache
                    .pages
                    .get(&r.check.path)
                    .is_some_and(|(_, previous)| Arc::ptr_eq(previous, &r))
                {
                    fresh.insert(r.check.path.clone());
                }
                pages.insert(r.check.path.clone(), (key, r.clone()));
                checks.push(r);
            }
            // A broken template fails every page the same way: say it once.
            Err(d) => {
                failed = true;
                let at = d.primary.as_ref().map(|l| (l.file, l.span.start));
                let what = d
                    .message
                    .split_once("failed: ")
                    .map_or(d.message.as_str(), |(_, w)| w)
                    .to_string();
                if seen.insert((at, what)) {
                    diags.push(d);
                }
            }
        }
    }
    cache.pages = pages;
    timings.mark("render: templates, sitemap, feeds, open data");
    files.extend(site_files);
    files.extend(api_files.1.iter().cloned());
    cache.api = Some(api_files);
    let assets: Vec<Asset> = assets
        .into_iter()
        .filter(|a| !files.iter().any(|f| f.path == a.rel))
        .collect();
    if failed {
        // Template failures leave pages out; checking links against a partial site would
        // only add noise.
        return Some(SiteOutput {
            files,
            assets,
            external_links: external,
            search: None,
            requirements,
        });
    }
    let all_files: HashSet<String> = files
        .iter()
        .map(|f| f.path.clone())
        .chain(assets.iter().map(|a| a.rel.clone()))
        .collect();
    let body_links: Vec<linkcheck::BodyLinks<'_>> = bodies
        .iter()
        .enumerate()
        .flat_map(|(i, b)| {
            std::iter::once(&b.main.links.fragments)
                .chain(b.text_fields.iter().map(|(_, r)| &r.links.fragments))
                .map(move |links| linkcheck::BodyLinks {
                    file: site.pages[i].file,
                    path: &site.paths[i],
                    links,
                })
        })
        .collect();
    let mut found = Vec::new();
    let checks: Vec<&linkcheck::PageHtml> = checks.iter().map(|r| &r.check).collect();
    // When no file or anchor came or went, only pages rendered again need their template
    // links checked again.
    let targets = {
        let mut h = DefaultHasher::new();
        for f in &files {
            f.path.hash(&mut h);
        }
        for a in &assets {
            a.rel.hash(&mut h);
        }
        for c in &checks {
            (&c.path, c.ids_hash).hash(&mut h);
        }
        h.finish()
    };
    let reuse = (targets == cache.targets).then_some(linkcheck::Reuse {
        verdicts: &cache.verdicts,
        fresh: &fresh,
    });
    let (template_external, verdicts) = linkcheck::check(
        &checks,
        &body_links,
        &all_files,
        (&config.base_url, &config.base_path),
        template_sources,
        sources,
        markdown::broken_severity(config.broken_links),
        reuse,
        &mut found,
    );
    external += template_external;
    cache.targets = targets;
    cache.verdicts = verdicts;
    diags.extend(found);
    timings.mark("render: link check");
    let search = (config.search && mode.search_index())
        .then(|| search_input(site, config, &bodies, &body_keys, structure, listing, cache));
    timings.mark("render: search documents");
    Some(SiteOutput {
        files,
        assets,
        external_links: external,
        search,
        requirements,
    })
}

/// Every content page and glossary entry as a search document, with the facets. A document
/// is reused from the previous build while its page, its body and the site's structure are
/// unchanged.
fn search_input(
    site: &Site,
    config: &Config,
    bodies: &[Arc<Body>],
    body_keys: &[u64],
    structure: u64,
    listing: u64,
    cache: &mut Cache,
) -> crate::search::Input {
    use crate::search::{Doc, Expansion, Facets, text};
    let facets = Facets {
        collections: config
            .collections
            .values()
            .map(|c| (c.name.clone(), c.title.clone()))
            .collect(),
        taxonomies: site
            .taxonomies
            .iter()
            .map(|t| {
                (
                    t.name.clone(),
                    config.taxonomies[&t.name].title.clone(),
                    t.terms.iter().map(|term| term.name.clone()).collect(),
                )
            })
            .collect(),
    };
    let key = |i: usize| {
        let mut h = DefaultHasher::new();
        (structure, listing, site.pages[i].meta_hash, body_keys[i]).hash(&mut h);
        h.finish()
    };
    let previous = &cache.docs;
    let pages: Vec<usize> = (0..site.pages.len())
        .filter(|&i| site.own_page[i] && site.pages[i].glossary.is_none())
        .collect();
    let mut docs: Vec<(u64, Arc<Doc>)> = pages
        .par_iter()
        .map(|&i| {
            let k = key(i);
            if let Some((pk, doc)) = previous.get(&site.paths[i])
                && *pk == k
            {
                return (k, doc.clone());
            }
            let p = &site.pages[i];
            let collection = config.collection_named(p.collection.as_deref());
            let terms = site
                .taxonomies
                .iter()
                .enumerate()
                .flat_map(|(t, tax)| {
                    p.taxonomies
                        .get(&tax.name)
                        .into_iter()
                        .flatten()
                        .filter_map(move |(name, _)| {
                            tax.terms
                                .iter()
                                .position(|term| &term.name == name)
                                .map(|k| (t, k))
                        })
                })
                .collect();
            let doc = Doc {
                url: site.paths[i].clone(),
                title: p.title.clone(),
                id: collection
                    .and_then(|c| c.id_field.as_ref())
                    .and_then(|f| p.fields.get(f))
                    .and_then(|v| v.value.as_str())
                    .map(str::to_string),
                description: p.description.clone(),
                collection: collection.and_then(|c| config.collections.get_index_of(&c.name)),
                terms,
                glossary: false,
                sections: text::sections(&bodies[i].main.html),
                requirements: bodies[i]
                    .main
                    .requirements
                    .iter()
                    .map(|r| crate::search::Requirement {
                        id: r.id.clone(),
                        text: r.text.clone(),
                    })
                    .collect(),
            };
            (k, Arc::new(doc))
        })
        .collect();
    // A section shown as a generated listing is found by its title and introduction, at the
    // listing's path (the site's root is the home page, which every page links to).
    for sec in &site.sections {
        let Some(i) = sec.index_page.filter(|&i| !site.own_page[i]) else {
            continue;
        };
        if sec.dir.is_empty() || site.pages[i].glossary.is_some() {
            continue;
        }
        let collection = sec
            .collection
            .as_ref()
            .and_then(|c| config.collections.get_index_of(c));
        let doc = Doc {
            url: sec.path.clone(),
            title: sec.title.clone(),
            description: site.pages[i].description.clone(),
            collection,
            sections: text::sections(&bodies[i].main.html),
            ..Doc::default()
        };
        docs.push((key(i), Arc::new(doc)));
    }
    let mut glossary = Vec::new();
    if let Some(g) = &site.glossary {
        for e in &g.entries {
            let d = docs.len();
            let doc = Doc {
                url: format!("{}#{}", g.path, e.id),
                title: e.term.clone(),
                id: e.abbreviation.clone(),
                glossary: true,
                sections: text::sections(&bodies[e.page].main.html),
                ..Doc::default()
            };
            docs.push((key(e.page), Arc::new(doc)));
            for word in e.abbreviation.iter().chain(&e.aliases).chain(&e.avoid) {
                glossary.push(Expansion {
                    key: word.clone(),
                    term: e.term.clone(),
                    doc: d,
                });
            }
        }
    }
    cache.docs = docs
        .iter()
        .map(|(k, d)| (d.url.clone(), (*k, d.clone())))
        .collect();
    crate::search::Input {
        docs: docs.into_iter().map(|(_, d)| d).collect(),
        facets,
        glossary,
    }
}

/// Pages using each glossary entry, ordered by title.
fn term_use(site: &Site, bodies: &[Arc<Body>]) -> Vec<Vec<usize>> {
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

fn render_body(site: &Site, config: &Config, highlighter: &Highlighter, i: usize) -> Body {
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

fn jobs(site: &Site) -> Vec<Job> {
    let mut jobs = Vec::new();
    for i in 0..site.pages.len() {
        if site.own_page[i] {
            jobs.push(Job::Page(i));
        }
    }
    let glossary = site.glossary_section();
    for (s, sec) in site.sections.iter().enumerate() {
        if glossary == Some(s) {
            jobs.push(Job::Glossary(s));
        } else if !sec.shown_as_page(site) {
            jobs.push(Job::Section(s));
        }
    }
    for (t, tax) in site.taxonomies.iter().enumerate() {
        jobs.push(Job::Taxonomy(t));
        for (k, term) in tax.terms.iter().enumerate() {
            if !term.pages.is_empty() {
                jobs.push(Job::Term(t, k));
            }
        }
    }
    jobs.extend(site.generated.iter().map(|p| Job::Generated(p.page)));
    jobs
}

/// The output files of the site's pages and listings, known once links are resolved, so that
/// their folders can be made while the site renders (see [`crate::write::Staging`]). Pages
/// that depend on what rendering finds (search, reviews, comparisons) are left to the write.
pub fn planned_files(site: &Site) -> Vec<String> {
    jobs(site)
        .iter()
        .map(|j| output_path(&job_path(site, j)))
        .collect()
}

/// Output file of a site path: `/a/b/` -> `a/b/index.html`.
pub fn output_path(site_path: &str) -> String {
    let p = site_path.trim_start_matches('/');
    if p.is_empty() || p.ends_with('/') {
        format!("{p}index.html")
    } else {
        p.to_string()
    }
}

/// What a job made, with the key it was made for, or why its template failed.
type JobResult = Result<(u64, Arc<Rendered2>), Diagnostic>;

impl<'a> Renderer<'a> {
    /// The context values of a generated page at `path`.
    fn generated_context(&self, page: Generated, path: &str, cx: &mut Values) {
        let (site, config) = (self.site, self.config);
        match page {
            Generated::Search => cx.insert(
                "search",
                serde_json::json!({
                    "path": config.rooted(path),
                    "permalink": config.absolute_url(path),
                    "breadcrumbs": context::breadcrumbs(site, config, path),
                    "az": context::az_value(site, config),
                }),
            ),
            Generated::Controls => {
                cx.insert("controls", context::controls_value(site, config, path))
            }
            Generated::Reviews => cx.insert(
                "reviews",
                context::reviews_value(site, config, self.mode.today, path),
            ),
            Generated::Compare(c) => {
                let coll = &config.collections[c];
                let text_html = |i: usize, field: &str| {
                    self.bodies[i]
                        .text_fields
                        .iter()
                        .find(|(n, _)| n == field)
                        .map(|(_, r)| r.html.clone())
                };
                let value = records::compare_value(site, config, coll, &text_html);
                cx.insert("compare", value);
            }
            Generated::Requirements => cx.insert("requirements", self.requirements_value(path)),
            Generated::NotFound => cx.insert("inline_css", self.stylesheet),
        }
    }

    /// The `requirements` value: every requirement of every page, by page id then number,
    /// with the count at each level for the filter.
    fn requirements_value(&self, path: &str) -> Value {
        let (site, config) = (self.site, self.config);
        let mut pages: Vec<usize> = (0..site.pages.len())
            .filter(|&i| site.own_page[i] && !self.bodies[i].main.requirements.is_empty())
            .collect();
        pages.sort_by_key(|&i| &self.bodies[i].main.requirements[0].id[..]);
        let mut items = Vec::new();
        for i in pages {
            let mut reqs: Vec<_> = self.bodies[i].main.requirements.iter().collect();
            reqs.sort_by_key(|r| r.number);
            let path = config.rooted(&site.paths[i]);
            for r in reqs {
                let mut v = serde_json::to_value(r).unwrap_or_default();
                v["href"] = format!("{path}#{}", r.id).into();
                v["page_title"] = site.pages[i].title.clone().into();
                v["page_path"] = path.clone().into();
                items.push(v);
            }
        }
        let levels: Vec<Value> = markdown::requirements::LEVELS
            .iter()
            .map(|(level, label)| {
                let count = items.iter().filter(|v| v["level"] == *level).count();
                serde_json::json!({"level": level, "label": label, "count": count})
            })
            .filter(|v| v["count"] != 0)
            .collect();
        serde_json::json!({
            "items": items,
            "levels": levels,
            "path": config.rooted(path),
            "permalink": config.absolute_url(path),
            "breadcrumbs": context::breadcrumbs(site, config, path),
        })
    }

    /// A mark standing for page `i`'s body, remembered so the body can replace it later.
    fn mark_body(&self, name: &str, i: usize, bodies: &mut Vec<(String, &'a str, u64)>) -> String {
        let m = mark(name);
        bodies.push((
            m.clone(),
            self.bodies[i].main.html.as_str(),
            self.body_keys[i],
        ));
        m
    }

    /// A content page's key from what its context is made of, without making it: its own
    /// front matter and body, everything bodies and listings depend on, and its place in the
    /// link graph. Equal keys mean equal contexts, so the page can be reused as it is.
    fn page_key(&self, i: usize) -> u64 {
        let mut h = DefaultHasher::new();
        (
            self.base_key,
            self.structure,
            self.listing,
            self.site.pages[i].meta_hash,
            self.body_keys[i],
        )
            .hash(&mut h);
        (
            &self.graph.inverse[i],
            &self.graph.backlinks[i],
            &self.graph.related[i],
            self.site.prev_next[i],
            &self.site.sequences[i],
        )
            .hash(&mut h);
        h.finish()
    }

    /// A generated page's key from what its context is made of, without making it (a
    /// collection's listing alone is thousands of cards): the front matter and paths of every
    /// page, which listings, registers and terms show, plus what each kind takes from bodies.
    /// Equal keys mean equal contexts.
    fn job_key(&self, job: &Job) -> u64 {
        let site = self.site;
        let mut h = DefaultHasher::new();
        (self.base_key, self.structure, self.listing, job).hash(&mut h);
        match job {
            Job::Page(_) => {}
            Job::Section(s) | Job::Glossary(s) => {
                // The introduction; for the glossary, also every definition and use.
                site.sections[*s]
                    .index_page
                    .map(|i| self.body_keys[i])
                    .hash(&mut h);
                if matches!(job, Job::Glossary(_)) {
                    for e in site.glossary.iter().flat_map(|g| g.entries.iter()) {
                        self.body_keys[e.page].hash(&mut h);
                    }
                    self.term_use.hash(&mut h);
                }
            }
            Job::Generated(Generated::Requirements) => {
                requirements_key(site, self.bodies).hash(&mut h);
            }
            Job::Generated(Generated::Compare(_)) => {
                for b in self.bodies.iter() {
                    for (name, r) in &b.text_fields {
                        (name, &r.html).hash(&mut h);
                    }
                }
            }
            Job::Generated(Generated::NotFound) => self.stylesheet.hash(&mut h),
            Job::Taxonomy(_) | Job::Term(..) | Job::Generated(_) => {}
        }
        h.finish()
    }

    fn job(&self, job: &Job) -> JobResult {
        let (site, config) = (self.site, self.config);
        let key = match job {
            Job::Page(i) => self.page_key(*i),
            _ => self.job_key(job),
        };
        let path = job_path(site, job);
        if let Some((k, previous)) = self.previous.get(&path)
            && *k == key
        {
            return Ok((key, previous.clone()));
        }
        let mut cx = Values::default();
        // Bodies stand in as marks until the template's own links have been collected.
        let mut bodies: Vec<(String, &str, u64)> = Vec::new();
        let template: String = match job {
            Job::Page(i) => {
                let p = &site.pages[*i];
                let b = &self.bodies[*i];
                let text_fields: Vec<(String, String)> = b
                    .text_fields
                    .iter()
                    .map(|(name, r)| {
                        let m = mark(name);
                        bodies.push((m.clone(), r.html.as_str(), self.body_keys[*i]));
                        (name.clone(), m)
                    })
                    .collect();
                let content = mark("content");
                bodies.push((content.clone(), b.main.html.as_str(), self.body_keys[*i]));
                cx.insert(
                    "page",
                    context::page_value(
                        site,
                        config,
                        &self.cards,
                        *i,
                        &b.main,
                        &content,
                        &text_fields,
                        self.graph,
                    ),
                );
                match &p.template {
                    Some(t) if self.templates.has(t) => t.clone(),
                    Some(t) => {
                        return Err(Diagnostic::error(
                            "template/missing",
                            format!("page asks for template `{t}`, which the theme does not have"),
                        )
                        .label(p.file, 0..0, "in this page")
                        .help("remove `template`, or add the template under templates/"));
                    }
                    None => "page.html".to_string(),
                }
            }
            Job::Section(s) => {
                let sec = &site.sections[*s];
                let intro = sec
                    .index_page
                    .map(|i| self.mark_body("intro", i, &mut bodies));
                cx.insert(
                    "section",
                    context::section_value(site, config, &self.cards, *s, intro.as_deref()),
                );
                if sec.kind == SectionKind::Home {
                    let recent: Vec<Value> = context::recent(site, 6)
                        .into_iter()
                        .map(|i| self.cards.get(i))
                        .collect();
                    cx.insert("recent", recent);
                    "home.html".to_string()
                } else {
                    "section.html".to_string()
                }
            }
            Job::Glossary(s) => {
                let sec = &site.sections[*s];
                let intro = sec
                    .index_page
                    .map(|i| self.mark_body("intro", i, &mut bodies));
                let definitions: Vec<String> = site
                    .glossary
                    .iter()
                    .flat_map(|g| g.entries.iter())
                    .enumerate()
                    .map(|(k, e)| {
                        let m = mark(&format!("definition-{k}"));
                        bodies.push((
                            m.clone(),
                            self.bodies[e.page].main.html.as_str(),
                            self.body_keys[e.page],
                        ));
                        m
                    })
                    .collect();
                cx.insert(
                    "section",
                    context::section_value(site, config, &self.cards, *s, intro.as_deref()),
                );
                cx.insert(
                    "glossary",
                    context::glossary_value(site, config, &definitions, &self.term_use),
                );
                "glossary.html".to_string()
            }
            Job::Taxonomy(t) => {
                cx.insert("taxonomy", context::taxonomy_value(site, config, *t));
                "taxonomy.html".to_string()
            }
            Job::Term(t, k) => {
                cx.insert(
                    "term",
                    context::term_value(site, config, &self.cards, *t, *k),
                );
                "term.html".to_string()
            }
            Job::Generated(page) => {
                self.generated_context(*page, &path, &mut cx);
                page.template().to_string()
            }
        };
        cx.insert("current", config.rooted(&top_level(&path)));
        // The context's values are moved in; only the shared `site` value is copied.
        let mut values = serde_json::Map::with_capacity(cx.0.len() + 1);
        values.insert("site".to_string(), self.site_value.clone());
        for (name, value) in cx.0 {
            values.insert(name.to_string(), value);
        }
        let context = tera::Context::from_value(Value::Object(values))
            .map_err(|e| Diagnostic::error("template/render", e.to_string()))?;
        let html = self.templates.render(&template, &context, self.sources)?;
        // One pass over the template's output (bodies are still marks) for its links and
        // ids; each body's ids come from the body itself.
        let mut link_ranges = Vec::new();
        let mut ids = Vec::new();
        for (name, r) in html::attrs(&html, &["href", "src", "action", "id", "name"]) {
            // `href`, `src` or a form's `action`; else `id` or `name`.
            if name < 3 {
                link_ranges.push(r);
            } else {
                ids.push(html::unescape(&html[r]));
            }
        }
        let template_links = link_ranges
            .iter()
            .map(|r| html[r.clone()].to_string())
            .collect();
        let (ids, ids_hash) = linkcheck::ids_of(
            ids.into_iter().chain(
                bodies
                    .iter()
                    .filter(|(m, _, _)| html.contains(m.as_str()))
                    .flat_map(|(_, body, _)| linkcheck::ids(body)),
            ),
        );
        let html = if !self.mode.output_files() {
            // `canon check` writes nothing: the page is only its links and ids.
            String::new()
        } else {
            let parts: Vec<(&str, &str)> = bodies
                .iter()
                .map(|(m, body, _)| (m.as_str(), *body))
                .collect();
            // The not-found page is served for any missing path, so its links stay rooted.
            let relative = (!matches!(job, Job::Generated(Generated::NotFound))).then_some(
                relative::Relative {
                    from: path.as_str(),
                    base_path: config.base_path.as_str(),
                    index_links: config.index_links,
                    print_base: self.print_base.as_deref(),
                },
            );
            relative::assemble(&html, &link_ranges, &parts, relative)
        };
        Ok((
            key,
            Arc::new(Rendered2 {
                file: OutputFile {
                    path: output_path(&path),
                    contents: Arc::from(html.into_bytes()),
                },
                check: linkcheck::PageHtml {
                    path,
                    ids,
                    ids_hash,
                    template_links,
                },
            }),
        ))
    }
}

/// Redirects for aliases, the sitemap, feeds and search-engine files, and the open data
/// files with the key they were made for (reused from `previous` when it has that key).
#[allow(clippy::too_many_arguments)]
fn site_and_api_files(
    site: &Site,
    config: &Config,
    mode: &BuildMode,
    jobs: &[Job],
    graph: &graph::Graph,
    graph_key: u64,
    bodies: &[Arc<Body>],
    previous: &Option<(u64, Vec<OutputFile>)>,
) -> (Vec<OutputFile>, (u64, Vec<OutputFile>)) {
    let mut files = aliases(site, config);
    // Generated listings are pages readers look for, so the sitemap names them.
    let generated: Vec<String> = jobs
        .iter()
        .filter(|j| {
            matches!(
                j,
                Job::Generated(
                    Generated::Controls
                        | Generated::Requirements
                        | Generated::Reviews
                        | Generated::Compare(_)
                )
            )
        })
        .map(|j| job_path(site, j))
        .collect();
    files.extend(site_files(site, config, mode, &generated));
    // Open data shows front matter, relationships, requirements and the glossary's
    // definitions: a body edit that changes none of them keeps it.
    let api_key = {
        let mut h = DefaultHasher::new();
        // (`canon check` makes only the paths.)
        (
            graph_key,
            requirements_key(site, bodies),
            mode.output_files(),
        )
            .hash(&mut h);
        for e in site.glossary.iter().flat_map(|g| g.entries.iter()) {
            site.pages[e.page].body_text().hash(&mut h);
        }
        h.finish()
    };
    let api_files = match previous {
        Some((k, f)) if *k == api_key => f.clone(),
        _ => api::files(
            site,
            config,
            graph,
            &bodies
                .iter()
                .map(|b| b.main.requirements.as_slice())
                .collect::<Vec<_>>(),
            mode.output_files(),
        )
        .into_iter()
        .map(|(path, text)| OutputFile {
            path,
            contents: Arc::from(text.into_bytes()),
        })
        .collect(),
    };
    (files, (api_key, api_files))
}

/// The site path a job writes.
fn job_path(site: &Site, job: &Job) -> String {
    match job {
        Job::Page(i) => site.paths[*i].clone(),
        Job::Section(s) if site.sections[*s].kind == SectionKind::Home => "/".to_string(),
        Job::Section(s) | Job::Glossary(s) => site.sections[*s].path.clone(),
        Job::Taxonomy(t) => site.taxonomies[*t].path.clone(),
        Job::Term(t, k) => site.taxonomies[*t].terms[*k].path.clone(),
        Job::Generated(page) => site.generated_path(*page).unwrap_or_default().to_string(),
    }
}

/// The top-level section of a site path (`/standards/x/` -> `/standards/`), for the menu.
fn top_level(path: &str) -> String {
    match path.trim_start_matches('/').split_once('/') {
        Some((first, _)) if !first.is_empty() => format!("/{first}/"),
        _ => "/".to_string(),
    }
}

fn aliases(site: &Site, config: &Config) -> Vec<OutputFile> {
    site.aliases
        .iter()
        .map(|(alias, target)| {
            let title = markdown::escape_html(&site.pages[*target].title);
            let href = relative::relative(alias_dir(alias), site.paths[*target].trim_start_matches('/'), "/", config.index_links);
            let canonical = markdown::escape_html(&config.absolute_url(&site.paths[*target]));
            let html = format!(
                "<!DOCTYPE html>\n<html lang=\"{lang}\">\n<head>\n<meta charset=\"utf-8\">\n<title>Moved: {title}</title>\n<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n<meta name=\"robots\" content=\"noindex\">\n<link rel=\"canonical\" href=\"{canonical}\">\n<meta http-equiv=\"refresh\" content=\"0; url={href}\">\n</head>\n<body>\n<main>\n<h1>This page has moved</h1>\n<p>It is now at <a href=\"{href}\">{title}</a>.</p>\n</main>\n</body>\n</html>\n",
                lang = markdown::escape_html(&config.language),
            );
            OutputFile { path: output_path(alias), contents: Arc::from(html.into_bytes()) }
        })
        .collect()
}

fn alias_dir(alias: &str) -> &str {
    if alias.ends_with('/') {
        alias
    } else {
        crate::model::paths::parent_dir(alias)
    }
}

fn site_files(
    site: &Site,
    config: &Config,
    mode: &BuildMode,
    generated: &[String],
) -> Vec<OutputFile> {
    let named = |texts: [String; 3]| {
        ["sitemap.xml", "robots.txt", "atom.xml"]
            .into_iter()
            .zip(texts)
            .map(|(path, text)| OutputFile {
                path: path.into(),
                contents: Arc::from(text.into_bytes()),
            })
            .collect()
    };
    if !mode.output_files() {
        // `canon check` needs only to know these files exist.
        return named(Default::default());
    }
    let mut entries: Vec<feeds::SitemapEntry> = generated
        .iter()
        .map(|path| feeds::SitemapEntry {
            path: path.clone(),
            lastmod: None,
        })
        .collect();
    for (i, p) in site.pages.iter().enumerate() {
        if site.own_page[i] {
            entries.push(feeds::SitemapEntry {
                path: site.paths[i].clone(),
                lastmod: p.updated.clone().or(p.date.clone()),
            });
        }
    }
    for s in &site.sections {
        if !s.shown_as_page(site) {
            let lastmod = s
                .index_page
                .and_then(|i| site.pages[i].updated.clone().or(site.pages[i].date.clone()));
            entries.push(feeds::SitemapEntry {
                path: s.path.clone(),
                lastmod,
            });
        }
    }
    for t in &site.taxonomies {
        entries.push(feeds::SitemapEntry {
            path: t.path.clone(),
            lastmod: None,
        });
        for term in t.terms.iter().filter(|t| !t.pages.is_empty()) {
            entries.push(feeds::SitemapEntry {
                path: term.path.clone(),
                lastmod: None,
            });
        }
    }
    entries.sort_by(|a, b| a.path.cmp(&b.path));
    let feed: Vec<feeds::FeedEntry> = context::recent(site, config.feed_limit)
        .into_iter()
        .map(|i| {
            let p = &site.pages[i];
            feeds::FeedEntry {
                title: p.title.clone(),
                path: site.paths[i].clone(),
                updated: p.updated.clone().or(p.date.clone()).unwrap_or_default(),
                summary: p.description.clone(),
            }
        })
        .collect();
    named([
        feeds::sitemap(&entries, config),
        feeds::robots(config),
        feeds::atom(&feed, config),
    ])
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn output_paths() {
        assert_eq!(output_path("/"), "index.html");
        assert_eq!(output_path("/a/b/"), "a/b/index.html");
        assert_eq!(output_path("/404.html"), "404.html");
        assert_eq!(output_path("/old.html"), "old.html");
    }
}
