//! The output pages to make: one job per page, section, glossary, taxonomy, term and
//! generated page, and the path each is written to.

use std::hash::Hash;

use crate::model::generated::Generated;
use crate::resolve::{SectionKind, Site};

#[derive(Hash)]
pub(super) enum Job {
    Page(usize),
    Section(usize),
    Glossary(usize),
    Taxonomy(usize),
    Term(usize, usize),
    Generated(Generated),
}

pub(super) fn jobs(site: &Site) -> Vec<Job> {
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

/// The site path a job writes.
pub(super) fn job_path(site: &Site, job: &Job) -> String {
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
pub(super) fn top_level(path: &str) -> String {
    match path.trim_start_matches('/').split_once('/') {
        Some((first, _)) if !first.is_empty() => format!("/{first}/"),
        _ => "/".to_string(),
    }
}

/// Every job, listings and generated pages first: they can be large (a collection of
/// thousands, every requirement), so the many small pages fill in around them rather than one
/// large page finishing alone at the end.
pub(super) fn ordered(site: &Site) -> Vec<Job> {
    let mut jobs = jobs(site);
    jobs.sort_by_key(|j| matches!(j, Job::Page(_)));
    jobs
}
