//! Checks every link against what was actually generated: `#fragments` written in page
//! bodies against the ids in the target's HTML, and every link written in a template (menus,
//! footers, listings) against the files and ids of the whole output.
//!
//! Input: the rendered pages with the links their bodies and templates hold. Output:
//! diagnostics (errors, or warnings under `broken_links = "warn"`) and the number of links to
//! other sites, which are counted, never fetched.

use std::collections::{BTreeMap, HashMap, HashSet};
use std::sync::Arc;

use rayon::prelude::*;

use super::markdown::FragmentLink;
use crate::diagnostics::{Diagnostic, FileId, Severity, SourceMap, did_you_mean};
use crate::load::TemplateSource;
use crate::resolve::has_scheme;

/// One generated HTML file, as the check sees it.
pub struct PageHtml {
    /// Its site path (`/standards/x/`, `/404.html`).
    pub path: String,
    /// Every `id` in it.
    pub ids: HashSet<String>,
    /// A hash of its ids, in document order.
    pub ids_hash: u64,
    /// `href`s and `src`s its templates wrote (bodies excluded), site-rooted or relative.
    pub template_links: Vec<String>,
}

/// Body links with fragments, with the page they are written in.
pub struct BodyLinks<'a> {
    /// The page's source file.
    pub file: FileId,
    /// The page's site path (target of same-page fragments).
    pub path: &'a str,
    /// Its links with fragments.
    pub links: &'a [FragmentLink],
}

/// What the template links of one page came to.
#[derive(Debug, Default)]
pub struct PageVerdict {
    /// Links to other sites.
    pub external: usize,
    /// Broken links, with why.
    pub broken: Vec<(String, String)>,
}

/// Verdicts from an earlier build that still hold: the same pages and anchors exist, so a page
/// that was not rendered again has the same template links with the same outcome.
pub struct Reuse<'a> {
    /// Verdicts by page path.
    pub verdicts: &'a HashMap<String, Arc<PageVerdict>>,
    /// Pages rendered in this build, whose links must be checked again.
    pub fresh: &'a HashSet<String>,
}

/// Runs both checks; returns the number of external links the templates hold, and every
/// page's verdict for the next build.
#[allow(clippy::too_many_arguments)]
pub fn check(
    pages: &[&PageHtml],
    bodies: &[BodyLinks<'_>],
    files: &HashSet<String>,
    (base_url, base_path): (&str, &str),
    templates: &[TemplateSource],
    sources: &SourceMap,
    severity: Severity,
    reuse: Option<Reuse<'_>>,
    diags: &mut Vec<Diagnostic>,
) -> (usize, HashMap<String, Arc<PageVerdict>>) {
    let by_path: HashMap<&str, &PageHtml> = pages.iter().map(|p| (p.path.as_str(), *p)).collect();
    check_fragments(bodies, &by_path, severity, diags);
    // Template links: the same broken link usually appears on every page, so report it once.
    let mut broken: BTreeMap<String, (String, Vec<&str>)> = BTreeMap::new();
    let mut external = 0;
    let verdicts: Vec<Arc<PageVerdict>> = pages
        .par_iter()
        .map(|page| {
            if let Some(r) = &reuse
                && !r.fresh.contains(&page.path)
                && let Some(v) = r.verdicts.get(&page.path)
            {
                return v.clone();
            }
            let mut verdict = PageVerdict::default();
            for href in &page.template_links {
                match check_one(href, page, &by_path, files, (base_url, base_path)) {
                    Verdict::Ok => {}
                    Verdict::External => verdict.external += 1,
                    Verdict::Broken(why) => verdict.broken.push((href.clone(), why)),
                }
            }
            Arc::new(verdict)
        })
        .collect();
    for (page, verdict) in pages.iter().zip(&verdicts) {
        external += verdict.external;
        for (href, why) in &verdict.broken {
            broken
                .entry(href.clone())
                .or_insert_with(|| (why.clone(), Vec::new()))
                .1
                .push(&page.path);
        }
    }
    let kept: HashMap<String, Arc<PageVerdict>> =
        pages.iter().map(|p| p.path.clone()).zip(verdicts).collect();
    for (href, (why, on)) in broken {
        let more = match on.len() {
            1 => String::new(),
            2 => " and 1 other page".to_string(),
            n => format!(" and {} other pages", n - 1),
        };
        let mut d = Diagnostic::error(
            "link/template",
            format!(
                "a template links to `{href}`, which {why} (on `{}`{more})",
                on[0]
            ),
        )
        .help("fix the link in the template, or the setting it is built from");
        if let Some((file, span)) = find_in_templates(&href, templates, sources) {
            d = d.label(file, span, "written here");
        }
        d.severity = severity;
        diags.push(d);
    }
    (external, kept)
}

/// Every body link to an anchor (`page.md#part`, `#part`) names an id its target page has.
fn check_fragments(
    bodies: &[BodyLinks<'_>],
    by_path: &HashMap<&str, &PageHtml>,
    severity: Severity,
    diags: &mut Vec<Diagnostic>,
) {
    for body in bodies {
        for link in body.links {
            let target = if link.path.is_empty() {
                body.path
            } else {
                link.path.as_str()
            };
            let Some(page) = by_path.get(target) else {
                continue;
            };
            if page.ids.contains(&link.fragment) {
                continue;
            }
            let near = did_you_mean(&link.fragment, page.ids.iter().map(String::as_str));
            let mut d = Diagnostic::error(
                "link/fragment",
                format!(
                    "link to `{}`: the page has no heading or anchor `#{}`",
                    link.href, link.fragment
                ),
            )
            .label(body.file, link.span.clone(), "no such anchor")
            .maybe_help(near.map(|n| format!("did you mean `#{n}`?")));
            d.severity = severity;
            diags.push(d);
        }
    }
}

enum Verdict {
    Ok,
    External,
    Broken(String),
}

fn check_one(
    href: &str,
    page: &PageHtml,
    by_path: &HashMap<&str, &PageHtml>,
    files: &HashSet<String>,
    (base_url, base_path): (&str, &str),
) -> Verdict {
    let mut href = super::html::unescape(href);
    // An absolute link to the site itself (a canonical link) is checked as internal.
    if base_url.contains("://")
        && let Some(rest) = href.strip_prefix(base_url)
    {
        href = format!("{base_path}{rest}");
    }
    if href.is_empty() || href.starts_with('\u{e000}') {
        return Verdict::Ok;
    }
    if href.starts_with("//") || has_scheme(&href) {
        return Verdict::External;
    }
    let (path, fragment) = match href.split_once('#') {
        Some((p, f)) => (p, Some(f)),
        None => (href.as_str(), None),
    };
    let path = path.split_once('?').map_or(path, |(p, _)| p);
    let target = if path.is_empty() {
        page.path.clone()
    } else if let Some(rest) = path.strip_prefix(base_path) {
        format!("/{rest}")
    } else if path.starts_with('/') {
        return Verdict::Broken(format!("is outside the site's base path `{base_path}`"));
    } else {
        let own = page.path.trim_start_matches('/');
        let dir = if own.is_empty() || own.ends_with('/') {
            own
        } else {
            crate::model::paths::parent_dir(own)
        };
        match crate::model::paths::join_relative(dir, path) {
            Some(rel) => format!("/{rel}"),
            None => return Verdict::Broken("climbs out of the site".to_string()),
        }
    };
    let decoded = crate::resolve::percent_decode(&target);
    let file = super::output_path(&decoded);
    let exists = files.contains(&file)
        || files.contains(&format!("{}/index.html", file.trim_end_matches('/')));
    if !exists {
        return Verdict::Broken("leads to no page or file".to_string());
    }
    if let Some(f) = fragment.filter(|f| !f.is_empty() && *f != "top") {
        let key = if decoded.ends_with('/') || decoded.ends_with(".html") {
            decoded.clone()
        } else {
            format!("{decoded}/")
        };
        if let Some(target) = by_path
            .get(key.as_str())
            .or_else(|| by_path.get(decoded.as_str()))
            && !target.ids.contains(f)
        {
            return Verdict::Broken(format!("has no anchor `#{f}`"));
        }
    }
    Verdict::Ok
}

/// Where a link is written literally in a template, if it is.
fn find_in_templates(
    href: &str,
    templates: &[TemplateSource],
    sources: &SourceMap,
) -> Option<(FileId, std::ops::Range<usize>)> {
    for t in templates {
        let text = sources.text(t.file);
        for quoted in [format!("\"{href}\""), format!("'{href}'")] {
            if let Some(i) = text.find(&quoted) {
                return Some((t.file, i + 1..i + 1 + href.len()));
            }
        }
    }
    None
}

/// Every id in a piece of HTML (and the `name` of old-style anchors), in document order.
pub fn ids(html: &str) -> Vec<String> {
    super::html::attrs(html, &["id", "name"])
        .into_iter()
        .map(|(_, r)| super::html::unescape(&html[r]))
        .collect()
}

/// A page's ids as a set, with a hash of them in the order given.
pub fn ids_of(ids: impl IntoIterator<Item = String>) -> (HashSet<String>, u64) {
    use std::hash::{Hash, Hasher};
    let mut h = std::hash::DefaultHasher::new();
    let mut out = HashSet::new();
    for id in ids {
        id.hash(&mut h);
        out.insert(id);
    }
    (out, h.finish())
}
