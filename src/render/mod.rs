//! Markdown and templates -> HTML, in parallel; plus the sitemap, robots.txt and the feed.
//!
//! Input: the resolved [`Site`], the [`Config`] and the templates. Output: [`SiteOutput`],
//! every file of the site in memory, and diagnostics (template errors, broken links, images
//! without alt text). Pure: reads and writes nothing. Bodies render first (all pages, in
//! parallel), then every output page (in parallel), since listings and section pages use
//! other pages' bodies.

pub mod context;
pub mod feeds;
pub mod markdown;
pub mod relative;
pub mod templates;

use std::collections::HashSet;

use indicatif::ProgressBar;
use rayon::prelude::*;
use serde_json::Value;

use crate::config::{Config, FieldKind};
use crate::diagnostics::{Diagnostic, Diagnostics, SourceMap};
use crate::load::{Asset, TemplateSource};
use crate::resolve::{LinkTarget, SectionKind, Site};
use markdown::{Context as MdContext, Highlighter, LinkOutcome, LinkRewriter, Rendered};
use templates::Templates;

/// Ids the default theme's templates use; headings never take them.
pub const RESERVED_IDS: &[&str] = &[
    "main-content",
    "on-this-page",
    "page-details",
    "page-topics",
    "pagination",
    "in-this-section",
];

/// One generated file.
#[derive(Debug, Clone)]
pub struct OutputFile {
    /// Path under the output folder, `/`-separated.
    pub path: String,
    /// Its bytes.
    pub contents: Vec<u8>,
}

/// The whole site, in memory, ready to write.
#[derive(Debug, Default)]
pub struct SiteOutput {
    /// Generated files.
    pub files: Vec<OutputFile>,
    /// Files copied as they are.
    pub assets: Vec<Asset>,
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
            LinkTarget::Page { path, fragment, .. } => {
                let mut url = self.config.rooted(&resolve::urls::encode_path(&path));
                if let Some(f) = fragment {
                    url.push('#');
                    url.push_str(&f);
                }
                LinkOutcome::Replace(url)
            }
            LinkTarget::Asset(path) => {
                LinkOutcome::Replace(self.config.rooted(&resolve::urls::encode_path(&path)))
            }
            LinkTarget::External | LinkTarget::SamePage(_) => LinkOutcome::Keep,
            LinkTarget::Unresolved { near } => LinkOutcome::Broken { near },
        }
    }
}

use crate::resolve;

/// A page's rendered body and text fields.
struct Body {
    main: Rendered,
    text_fields: Vec<(String, String)>,
}

enum Job {
    Page(usize),
    Section(usize),
    Taxonomy(usize),
    Term(usize, usize),
    NotFound,
}

/// Renders the whole site. Returns `None` when templates cannot be parsed.
#[allow(clippy::too_many_arguments)]
pub fn render(
    site: &Site,
    config: &Config,
    template_sources: &[TemplateSource],
    assets: Vec<Asset>,
    stylesheet: &str,
    sources: &SourceMap,
    progress: &ProgressBar,
    diags: &mut Diagnostics,
) -> Option<SiteOutput> {
    let templates = match Templates::new(template_sources, sources) {
        Ok(t) => t,
        Err(errors) => {
            diags.extend(errors);
            return None;
        }
    };
    let highlighter = Highlighter::new();
    let bodies: Vec<Body> = (0..site.pages.len())
        .into_par_iter()
        .map(|i| render_body(site, config, &highlighter, i))
        .collect();
    for b in &bodies {
        diags.extend(b.main.diags.iter().cloned());
    }
    let jobs = jobs(site);
    progress.set_length(jobs.len() as u64);
    let site_value = context::site_value(site, config);
    let results: Vec<Result<Option<OutputFile>, Diagnostic>> = jobs
        .par_iter()
        .map(|job| {
            let r = render_job(
                job,
                site,
                config,
                &templates,
                &bodies,
                &site_value,
                stylesheet,
                sources,
            );
            progress.inc(1);
            r
        })
        .collect();
    let mut files = Vec::with_capacity(results.len() + 4);
    let mut seen = HashSet::new();
    for r in results {
        match r {
            Ok(Some(f)) => files.push(f),
            Ok(None) => {}
            // A broken template fails every page the same way: say it once.
            Err(d) => {
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
    files.extend(aliases(site, config));
    files.extend(site_files(site, config));
    let assets = assets
        .into_iter()
        .filter(|a| !files.iter().any(|f| f.path == a.rel))
        .collect();
    Some(SiteOutput { files, assets })
}

fn render_body(site: &Site, config: &Config, highlighter: &Highlighter, i: usize) -> Body {
    let p = &site.pages[i];
    let links = PageLinks {
        site,
        config,
        page: i,
    };
    let cx = MdContext {
        file: p.file,
        offset: p.body.start,
        title: &p.title,
        highlighter,
        links: &links,
        reserved_ids: RESERVED_IDS,
        lift_title: true,
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
                    ..cx
                };
                let r = markdown::render(
                    text,
                    &MdContext {
                        offset: p.fields[name].span.start,
                        ..field_cx
                    },
                );
                text_fields.push((name.clone(), r.html));
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
    for (s, sec) in site.sections.iter().enumerate() {
        if !sec.shown_as_page(site) {
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
    jobs.push(Job::NotFound);
    jobs
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

#[allow(clippy::too_many_arguments)]
fn render_job(
    job: &Job,
    site: &Site,
    config: &Config,
    templates: &Templates,
    bodies: &[Body],
    site_value: &Value,
    stylesheet: &str,
    sources: &SourceMap,
) -> Result<Option<OutputFile>, Diagnostic> {
    let mut cx = tera::Context::new();
    cx.insert("site", site_value);
    let (template, path): (String, String) = match job {
        Job::Page(i) => {
            let p = &site.pages[*i];
            let b = &bodies[*i];
            cx.insert(
                "page",
                &context::page_value(site, config, *i, &b.main, &b.text_fields),
            );
            let template = match &p.template {
                Some(t) if templates.has(t) => t.clone(),
                Some(t) => {
                    return Err(Diagnostic::error(
                        "template/missing",
                        format!("page asks for template `{t}`, which the theme does not have"),
                    )
                    .label(p.file, 0..0, "in this page")
                    .help("remove `template`, or add the template under templates/"));
                }
                None => "page.html".to_string(),
            };
            (template, site.paths[*i].clone())
        }
        Job::Section(s) => {
            let sec = &site.sections[*s];
            let intro = sec.index_page.map(|i| &bodies[i].main);
            cx.insert("section", &context::section_value(site, config, *s, intro));
            if sec.kind == SectionKind::Home {
                let recent: Vec<Value> = context::recent(site, 6)
                    .into_iter()
                    .map(|i| context::card(site, config, i))
                    .collect();
                cx.insert("recent", &recent);
                ("home.html".to_string(), "/".to_string())
            } else {
                ("section.html".to_string(), sec.path.clone())
            }
        }
        Job::Taxonomy(t) => {
            cx.insert("taxonomy", &context::taxonomy_value(site, config, *t));
            (
                "taxonomy.html".to_string(),
                site.taxonomies[*t].path.clone(),
            )
        }
        Job::Term(t, k) => {
            cx.insert("term", &context::term_value(site, config, *t, *k));
            (
                "term.html".to_string(),
                site.taxonomies[*t].terms[*k].path.clone(),
            )
        }
        Job::NotFound => {
            cx.insert("inline_css", stylesheet);
            ("404.html".to_string(), "/404.html".to_string())
        }
    };
    cx.insert("current", &config.rooted(&top_level(&path)));
    let html = templates.render(&template, &cx, sources)?;
    let html = if matches!(job, Job::NotFound) {
        // Served for any missing path, so its links stay rooted.
        html
    } else {
        relative::relativize(&html, &path, &config.base_path, config.index_links)
    };
    Ok(Some(OutputFile {
        path: output_path(&path),
        contents: html.into_bytes(),
    }))
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
            let href = relative::relativize(&format!("href=\"{}\"", config.rooted(&site.paths[*target])), alias_dir(alias), &config.base_path, config.index_links);
            let href = href.trim_start_matches("href=\"").trim_end_matches('"').to_string();
            let canonical = markdown::escape_html(&config.absolute_url(&site.paths[*target]));
            let html = format!(
                "<!DOCTYPE html>\n<html lang=\"{lang}\">\n<head>\n<meta charset=\"utf-8\">\n<title>Moved: {title}</title>\n<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n<meta name=\"robots\" content=\"noindex\">\n<link rel=\"canonical\" href=\"{canonical}\">\n<meta http-equiv=\"refresh\" content=\"0; url={href}\">\n</head>\n<body>\n<main>\n<h1>This page has moved</h1>\n<p>It is now at <a href=\"{href}\">{title}</a>.</p>\n</main>\n</body>\n</html>\n",
                lang = markdown::escape_html(&config.language),
            );
            OutputFile { path: output_path(alias), contents: html.into_bytes() }
        })
        .collect()
}

fn alias_dir(alias: &str) -> &str {
    if alias.ends_with('/') {
        alias
    } else {
        resolve::urls::parent_dir(alias)
    }
}

fn site_files(site: &Site, config: &Config) -> Vec<OutputFile> {
    let mut entries = Vec::new();
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
    vec![
        OutputFile {
            path: "sitemap.xml".into(),
            contents: feeds::sitemap(&entries, config).into_bytes(),
        },
        OutputFile {
            path: "robots.txt".into(),
            contents: feeds::robots(config).into_bytes(),
        },
        OutputFile {
            path: "atom.xml".into(),
            contents: feeds::atom(&feed, config).into_bytes(),
        },
    ]
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
