//! The files beside the pages: the sitemap, robots.txt and the Atom feed, the open data,
//! and a redirect page for every alias.

use std::hash::{DefaultHasher, Hash, Hasher};
use std::sync::Arc;

use crate::config::Config;
use crate::model::generated::Generated;
use crate::model::mode::BuildMode;
use crate::resolve::Site;

use super::body::Body;
use super::cache::requirements_key;
use super::jobs::{Job, job_path, output_path};
use super::markdown::{self};
use super::{OutputFile, api, context, feeds, graph, relative};

/// Redirects for aliases, the sitemap, feeds and search-engine files, and the open data
/// files with the key they were made for (reused from `previous` when it has that key).
#[allow(clippy::too_many_arguments)]
pub(super) fn site_and_api_files(
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

pub(super) fn aliases(site: &Site, config: &Config) -> Vec<OutputFile> {
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

pub(super) fn alias_dir(alias: &str) -> &str {
    if alias.ends_with('/') {
        alias
    } else {
        crate::model::paths::parent_dir(alias)
    }
}

pub(super) fn site_files(
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
