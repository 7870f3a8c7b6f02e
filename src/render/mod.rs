//! Markdown and templates -> HTML, in parallel; plus the sitemap, robots.txt and the feed.
//!
//! Input: the resolved [`Site`], the [`Config`] and the templates. Output: [`SiteOutput`],
//! every file of the site in memory, and diagnostics (template errors, broken links, images
//! without alt text). Pure: reads and writes nothing. Bodies render first (all pages, in
//! parallel), then every output page (in parallel), since listings and section pages use
//! other pages' bodies.

pub mod api;
mod body;
mod cache;
pub mod context;
pub mod feeds;
pub mod graph;
pub mod html;
mod jobs;
pub mod linkcheck;
pub mod markdown;
mod page;
pub mod records;
pub mod relative;
mod site_files;
pub mod templates;

use std::collections::{HashMap, HashSet};
use std::hash::{DefaultHasher, Hash, Hasher};
use std::sync::Arc;

use indicatif::ProgressBar;
use rayon::prelude::*;

use crate::config::Config;
use crate::diagnostics::{Diagnostics, SourceMap};
use crate::load::{Asset, TemplateSource};
use crate::model::mode::BuildMode;
use crate::resolve::Site;
use crate::timings::Timings;
use markdown::Highlighter;
use templates::Templates;

use crate::model::requirement::Requirement;
pub use body::render_markdown;
use body::{Body, CachedBody, body_key, render_body};
pub use cache::Cache;
use cache::{listing_key, structure_key};
use jobs::Job;
pub use jobs::{output_path, planned_files};
use page::{JobResult, RenderedPage, Renderer};
use site_files::site_and_api_files;

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
///
/// Bodies first (every page, in parallel; each kept from the last build while nothing it
/// depends on changed), then the link graph, then every output page (in parallel) beside the
/// sitemap, feed and open data, then the link check and the search documents.
pub fn render(
    mut input: Inputs<'_>,
    cache: &mut Cache,
    timings: &mut Timings,
    diags: &mut Diagnostics,
) -> Option<SiteOutput> {
    let (site, config, mode) = (input.site, input.config, input.mode);
    let (template_sources, sources, progress) = (input.templates, input.sources, input.progress);
    let templates = parsed_templates(template_sources, sources, cache, diags)?;
    let structure = structure_key(site, config, mode);
    let (bodies, body_keys) = render_bodies(site, config, mode, structure, cache);
    timings.mark("render: bodies (Markdown, highlighting)");
    let external = report_bodies(&bodies, diags);
    let requirements = requirements(site, &bodies);
    let listing = listing_key(site);
    let (graph, graph_key) = link_graph(site, config, &bodies, (structure, listing), cache);
    timings.mark("render: link graph");
    let jobs = jobs::ordered(site);
    progress.set_length(jobs.len() as u64);
    let renderer = Renderer::new(
        &input,
        &templates,
        &bodies,
        body_keys.clone(),
        (structure, listing),
        &graph,
        &cache.pages,
    );
    // The sitemap, feeds and open data need no rendered page: they are made beside the pages.
    let (results, (site_files, api_files)) = rayon::join(
        || render_jobs(&renderer, &jobs, progress),
        || {
            site_and_api_files(
                site, config, mode, &jobs, &graph, graph_key, &bodies, &cache.api,
            )
        },
    );
    let mut pages = collect_pages(results, cache, diags);
    timings.mark("render: templates, sitemap, feeds, open data");
    let mut files = std::mem::take(&mut pages.files);
    files.extend(site_files);
    files.extend(api_files.1.iter().cloned());
    cache.api = Some(api_files);
    let mut assets = std::mem::take(&mut input.assets);
    assets.retain(|a| !files.iter().any(|f| f.path == a.rel));
    let mut output = SiteOutput {
        files,
        assets,
        external_links: external,
        search: None,
        requirements,
    };
    if pages.failed {
        // Template failures leave pages out; checking links against a partial site would
        // only add noise.
        return Some(output);
    }
    let checked = CheckInputs {
        input: &input,
        bodies: &bodies,
        output: &output,
        pages: &pages,
    };
    output.external_links += check_links(checked, cache, diags);
    timings.mark("render: link check");
    output.search = (config.search && mode.search_index()).then(|| {
        search_input(
            site,
            config,
            &bodies,
            &body_keys,
            (structure, listing),
            cache,
        )
    });
    timings.mark("render: search documents");
    Some(output)
}

/// The parsed templates: the largest fixed cost of a small rebuild, so kept while their
/// texts are unchanged. `None` when they cannot be parsed (the errors are in `diags`).
fn parsed_templates(
    template_sources: &[TemplateSource],
    sources: &SourceMap,
    cache: &mut Cache,
    diags: &mut Diagnostics,
) -> Option<Templates> {
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
    Some(templates)
}

/// Every page's body, rendered again only when its text or the site's structure changed, and
/// what the page cache sees of each: a key that changes whenever the body is rendered again.
fn render_bodies(
    site: &Site,
    config: &Config,
    mode: &BuildMode,
    structure: u64,
    cache: &mut Cache,
) -> (Vec<Arc<Body>>, Vec<u64>) {
    let plain = Highlighter::plain();
    let highlighter = if mode.highlight() {
        Highlighter::shared()
    } else {
        &plain
    };
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
    let body_keys: Vec<u64> = kept
        .iter()
        .map(|c| c.key ^ c.build.rotate_left(32))
        .collect();
    cache.bodies = site.pages.iter().map(|p| p.rel.clone()).zip(kept).collect();
    (bodies, body_keys)
}

/// Reports what the bodies found; returns how many links to other sites they hold.
fn report_bodies(bodies: &[Arc<Body>], diags: &mut Diagnostics) -> usize {
    let mut external = 0;
    for b in bodies {
        diags.extend(b.main.diags.iter().cloned());
        external += b.main.links.external;
        for (_, r) in &b.text_fields {
            diags.extend(r.diags.iter().cloned());
            external += r.links.external;
        }
    }
    external
}

/// Every numbered requirement of the site's own pages, with its page's file.
fn requirements(
    site: &Site,
    bodies: &[Arc<Body>],
) -> Vec<(crate::diagnostics::FileId, Requirement)> {
    bodies
        .iter()
        .enumerate()
        .filter(|(i, _)| site.own_page[*i])
        .flat_map(|(i, b)| {
            b.main
                .requirements
                .iter()
                .map(move |r| (site.pages[i].file, r.clone()))
        })
        .collect()
}

/// The link graph and its key. It depends on front matter, paths and links alone: a body
/// edit that changes no link keeps it (related pages take a scan of every shared term).
fn link_graph(
    site: &Site,
    config: &Config,
    bodies: &[Arc<Body>],
    (structure, listing): (u64, u64),
    cache: &mut Cache,
) -> (Arc<graph::Graph>, u64) {
    let links: Vec<Vec<usize>> = bodies.iter().map(|b| b.linked_pages()).collect();
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
    (graph, graph_key)
}

/// Renders every job, in parallel. Lists (a section's or a term's thousands of cards, the
/// requirements register) take many times longer than a page: started first, they cannot
/// leave one thread working alone at the end. Results keep the jobs' order.
fn render_jobs(renderer: &Renderer<'_>, jobs: &[Job], progress: &ProgressBar) -> Vec<JobResult> {
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
    done.into_iter().map(|(_, r)| r).collect()
}

/// The rendered pages, gathered.
struct Pages {
    files: Vec<OutputFile>,
    /// Pages rendered in this build rather than kept from the last.
    fresh: HashSet<String>,
    checks: Vec<Arc<RenderedPage>>,
    /// Whether any page failed to render.
    failed: bool,
}

/// Gathers the rendered pages, keeps them for the next build, and reports each different
/// failure once (a broken template fails every page the same way).
fn collect_pages(results: Vec<JobResult>, cache: &mut Cache, diags: &mut Diagnostics) -> Pages {
    let mut out = Pages {
        files: Vec::with_capacity(results.len() + 4),
        fresh: HashSet::new(),
        checks: Vec::with_capacity(results.len()),
        failed: false,
    };
    let mut pages = HashMap::with_capacity(results.len());
    let mut seen = HashSet::new();
    for r in results {
        match r {
            Ok((key, r)) => {
                out.files.push(r.file.clone());
                if !cache
                    .pages
                    .get(&r.check.path)
                    .is_some_and(|(_, previous)| Arc::ptr_eq(previous, &r))
                {
                    out.fresh.insert(r.check.path.clone());
                }
                pages.insert(r.check.path.clone(), (key, r.clone()));
                out.checks.push(r);
            }
            Err(failure) => {
                out.failed = true;
                let d = failure.diagnostic;
                let at = d.primary.as_ref().map(|l| (l.file, l.span.start));
                if seen.insert((at, failure.cause)) {
                    diags.push(d);
                }
            }
        }
    }
    cache.pages = pages;
    out
}

/// What the link check reads.
struct CheckInputs<'a> {
    input: &'a Inputs<'a>,
    bodies: &'a [Arc<Body>],
    output: &'a SiteOutput,
    pages: &'a Pages,
}

/// Checks every link in bodies and templates against the files and anchors made; returns how
/// many links to other sites the templates hold. When no file or anchor came or went, only
/// pages rendered again need their template links checked again.
fn check_links(checked: CheckInputs<'_>, cache: &mut Cache, diags: &mut Diagnostics) -> usize {
    let CheckInputs {
        input,
        bodies,
        output,
        pages,
    } = checked;
    let (site, config) = (input.site, input.config);
    let (files, assets) = (&output.files, &output.assets);
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
    let checks: Vec<&linkcheck::PageHtml> = pages.checks.iter().map(|r| &r.check).collect();
    let targets = {
        let mut h = DefaultHasher::new();
        for f in files {
            f.path.hash(&mut h);
        }
        for a in assets {
            a.rel.hash(&mut h);
        }
        for c in &checks {
            (&c.path, c.ids_hash).hash(&mut h);
        }
        h.finish()
    };
    let reuse = (targets == cache.targets).then_some(linkcheck::Reuse {
        verdicts: &cache.verdicts,
        fresh: &pages.fresh,
    });
    let mut found = Vec::new();
    let (template_external, verdicts) = linkcheck::check(
        &checks,
        &body_links,
        &all_files,
        (&config.base_url, &config.base_path),
        input.templates,
        input.sources,
        markdown::broken_severity(config.broken_links),
        reuse,
        &mut found,
    );
    cache.targets = targets;
    cache.verdicts = verdicts;
    diags.extend(found);
    template_external
}

/// The search documents, through [`crate::search::documents`]: a page's document changes with
/// the site's structure and listings, its front matter and its body.
fn search_input(
    site: &Site,
    config: &Config,
    bodies: &[Arc<Body>],
    body_keys: &[u64],
    (structure, listing): (u64, u64),
    cache: &mut Cache,
) -> crate::search::Input {
    let keys: Vec<u64> = (0..site.pages.len())
        .map(|i| {
            let mut h = DefaultHasher::new();
            (structure, listing, site.pages[i].meta_hash, body_keys[i]).hash(&mut h);
            h.finish()
        })
        .collect();
    let texts: Vec<crate::search::documents::BodyText<'_>> = bodies
        .iter()
        .map(|b| crate::search::documents::BodyText {
            html: &b.main.html,
            requirements: &b.main.requirements,
        })
        .collect();
    let (input, kept) = crate::search::documents::input(site, config, &texts, &keys, &cache.docs);
    cache.docs = kept;
    input
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
