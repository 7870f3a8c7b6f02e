//! Gives every page its URL and works out the structure between pages: sections and
//! collections, previous/next, taxonomies and their terms, aliases, front-matter references,
//! and the lookup that turns a link as written into a page.
//!
//! Input: validated [`Page`]s and the [`Config`]. Output: a [`Site`], and diagnostics for URL
//! clashes and references that lead nowhere. Pure: reads and writes nothing.

mod claims;
pub mod glossary;
mod links;
mod references;
mod sections;
mod taxonomies;

use std::collections::{HashMap, HashSet};
use std::hash::{Hash, Hasher};
use std::ops::Range;
use std::sync::Arc;

use indexmap::IndexMap;

use crate::config::Config;
use crate::diagnostics::{Diagnostic, Diagnostics};
use crate::model::generated::{Generated, Planned};
use crate::model::mode::BuildMode;
use crate::model::paths::{link_key, page_path};
use crate::validate::Page;

use claims::Claims;
pub use links::{has_scheme, percent_decode};

/// The field naming the page a page replaces.
pub const SUPERSEDES: &str = "supersedes";
/// The field naming the page that replaces a page.
pub const SUPERSEDED_BY: &str = "superseded_by";

/// A reference from one page to another, with where it is written.
type Edge = (usize, usize, Range<usize>);

/// What a section is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SectionKind {
    /// The site root.
    Home,
    /// The top folder of a declared collection.
    Collection,
    /// Any other folder.
    Folder,
}

/// A folder of pages.
#[derive(Debug, Clone)]
pub struct Section {
    /// Folder under the content root, with a trailing `/` (empty for the root).
    pub dir: String,
    /// Site path (`/standards/`).
    pub path: String,
    /// Display title.
    pub title: String,
    /// What kind of section.
    pub kind: SectionKind,
    /// The collection it belongs to.
    pub collection: Option<String>,
    /// The page that introduces it (`_index.md`, `index.md`, `README.md`, or `x.md` beside
    /// folder `x/`).
    pub index_page: Option<usize>,
    /// Pages directly in the folder, ordered by weight then title (index page excluded).
    pub pages: Vec<usize>,
    /// Sub-folders, ordered by title.
    pub subsections: Vec<usize>,
}

impl Section {
    /// Whether the section is shown by its index page (page template with a list of
    /// children) rather than a generated listing.
    pub fn shown_as_page(&self, site: &Site) -> bool {
        self.kind == SectionKind::Folder
            && self.index_page.is_some_and(|i| {
                !site.pages[i]
                    .rel
                    .rsplit('/')
                    .next()
                    .unwrap_or("")
                    .starts_with("_index")
            })
    }
}

/// A taxonomy term and its pages.
#[derive(Debug, Clone)]
pub struct Term {
    /// The term as written.
    pub name: String,
    /// Its URL segment.
    pub slug: String,
    /// Site path (`/audience/clinicians/`).
    pub path: String,
    /// Pages, ordered by title.
    pub pages: Vec<usize>,
}

/// A taxonomy with its terms.
#[derive(Debug, Clone)]
pub struct TaxonomyIndex {
    /// Name, as in `canon.toml`.
    pub name: String,
    /// Site path (`/audience/`).
    pub path: String,
    /// Terms, ordered by vocabulary order when controlled, else by name.
    pub terms: Vec<Term>,
}

/// Where a link leads.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum LinkTarget {
    /// A page or section, by site path, with its fragment (without `#`) if any.
    Page {
        /// Site path.
        path: String,
        /// The page, if the target is a page.
        page: Option<usize>,
        /// Fragment.
        fragment: Option<String>,
    },
    /// A file copied from the content folder, by site path.
    Asset(String),
    /// Another site, a `mailto:`, or anything with a scheme.
    External,
    /// Only a fragment on the same page.
    SamePage(String),
    /// A draft left out of this build (its source path): published only with `--drafts`.
    Draft(String),
    /// Internal, but nothing there.
    Unresolved {
        /// The closest page path, for a hint.
        near: Option<String>,
    },
}

/// The resolved site.
#[derive(Debug)]
pub struct Site {
    /// Published pages (drafts only with `--drafts`), sorted by source path.
    pub pages: Vec<Arc<Page>>,
    /// Site path of each page.
    pub paths: Vec<String>,
    /// Sections; index 0 is the home section.
    pub sections: Vec<Section>,
    /// Declared taxonomies with their terms.
    pub taxonomies: Vec<TaxonomyIndex>,
    /// Resolved reference fields of each page: field -> target pages.
    pub references: Vec<IndexMap<String, Vec<usize>>>,
    /// Previous and next page within a collection.
    pub prev_next: Vec<(Option<usize>, Option<usize>)>,
    /// The sequences (learning paths) each page is a step of.
    pub sequences: Vec<Vec<Step>>,
    /// Section each page is in.
    pub section_of: Vec<usize>,
    /// Pages that are a section's index.
    pub is_index: Vec<bool>,
    /// Pages written as a page of their own: all but the index pages that a generated
    /// listing shows as its introduction.
    pub own_page: Vec<bool>,
    /// Alias site paths -> target page.
    pub aliases: Vec<(String, usize)>,
    /// Pages by id (`SEC-004`), for `ref:` links, across collections with an id field.
    pub ids: HashMap<String, usize>,
    /// The glossary, when the site has one.
    pub glossary: Option<glossary::Glossary>,
    /// The generated pages the site has, in the order they are made.
    pub generated: Vec<Planned>,
    /// Each page's place in title order (case-insensitive; equal titles by source path), so
    /// a list sorts by title comparing numbers.
    pub title_rank: Vec<usize>,
    /// Title of the section or page at each site path (sections first).
    titles: HashMap<String, String>,
    keys: HashMap<String, usize>,
    section_keys: HashMap<String, usize>,
    assets: HashSet<String>,
    /// Drafts left out of this build, by link key and by id -> their source paths, so a link
    /// or reference to one says why it leads nowhere.
    drafts: HashMap<String, String>,
    draft_ids: HashMap<String, String>,
}

/// A `sequence` field as written: (page, field, [(target, span)]).
type Sequence = (usize, String, Vec<(usize, Range<usize>)>);

/// A page's place in a sequence: a page whose `sequence` references field lists it.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Step {
    /// The page that lists the sequence (the learning path).
    pub owner: usize,
    /// The field's label.
    pub label: String,
    /// 1-based position.
    pub position: usize,
    /// Steps in all.
    pub total: usize,
    /// The step before.
    pub prev: Option<usize>,
    /// The step after.
    pub next: Option<usize>,
}

/// Resolves URLs and structure.
pub fn resolve(
    pages: Vec<Arc<Page>>,
    asset_paths: &[String],
    templates: &[&str],
    config: &Config,
    mode: &BuildMode,
    diags: &mut Diagnostics,
) -> Site {
    let (pages, left_out) = published(pages, mode.drafts);
    let (drafts, draft_ids) = left_out_drafts(&left_out, config);
    let paths: Vec<String> = pages
        .iter()
        .map(|p| page_path(&p.rel, p.slug.as_ref().map(|s| s.0.as_str())))
        .collect();
    let title_rank = title_rank(&pages);
    let mut site = Site {
        title_rank,
        paths,
        sections: Vec::new(),
        taxonomies: Vec::new(),
        references: vec![IndexMap::new(); pages.len()],
        prev_next: vec![(None, None); pages.len()],
        sequences: vec![Vec::new(); pages.len()],
        section_of: vec![0; pages.len()],
        is_index: vec![false; pages.len()],
        own_page: vec![true; pages.len()],
        aliases: Vec::new(),
        ids: HashMap::new(),
        glossary: None,
        generated: Vec::new(),
        titles: HashMap::new(),
        keys: HashMap::new(),
        section_keys: HashMap::new(),
        assets: asset_paths.iter().cloned().collect(),
        drafts,
        draft_ids,
        pages,
    };
    let mut claims = Claims::default();
    site.check_page_paths(&mut claims, diags);
    site.build_sections(config);
    site.build_keys();
    for (i, p) in site.pages.iter().enumerate() {
        site.titles.insert(site.paths[i].clone(), p.title.clone());
    }
    for s in &site.sections {
        site.titles.insert(s.path.clone(), s.title.clone());
    }
    site.glossary = glossary::build(&site.pages, config, diags);
    site.mark_own_pages();
    site.build_taxonomies(config, &mut claims, diags);
    site.claim_generated(config, templates, &mut claims, diags);
    site.build_aliases(&mut claims, diags);
    site.build_prev_next(config);
    site.resolve_references(config, diags);
    site
}

/// The drafts left out, by the keys a link or a reference may name them with: their paths,
/// and their ids.
type LeftOut = (HashMap<String, String>, HashMap<String, String>);

/// The drafts left out of this build, so a link or reference to one says it is a draft.
fn left_out_drafts(left_out: &[Arc<Page>], config: &Config) -> LeftOut {
    let mut drafts = HashMap::new();
    let mut draft_ids = HashMap::new();
    for p in left_out {
        let path = page_path(&p.rel, p.slug.as_ref().map(|s| s.0.as_str()));
        drafts.insert(link_key(&p.rel), p.rel.clone());
        drafts.insert(link_key(&path), p.rel.clone());
        if let Some(id) = config
            .collection_named(p.collection.as_deref())
            .and_then(|c| c.id_field.as_ref())
            .and_then(|f| p.fields.get(f))
            .and_then(|v| v.value.as_str())
        {
            draft_ids.insert(id.to_string(), p.rel.clone());
        }
    }
    (drafts, draft_ids)
}

impl Site {
    /// Which pages are pages of their own: not glossary entries (shown on the A-Z page) nor
    /// the index pages of sections shown as generated listings.
    fn mark_own_pages(&mut self) {
        for (i, p) in self.pages.iter().enumerate() {
            if p.glossary.is_some() {
                self.own_page[i] = false;
            }
        }
        for s in 0..self.sections.len() {
            if let (Some(i), false) = (
                self.sections[s].index_page,
                self.sections[s].shown_as_page(self),
            ) {
                self.own_page[i] = false;
            }
        }
    }
}

/// The pages in this build (drafts only with `--drafts`), sorted by source path, and the
/// drafts left out.
fn published(pages: Vec<Arc<Page>>, drafts: bool) -> (Vec<Arc<Page>>, Vec<Arc<Page>>) {
    let (mut pages, left_out): (Vec<Arc<Page>>, Vec<Arc<Page>>) =
        pages.into_iter().partition(|p| drafts || !p.draft);
    pages.sort_by(|a, b| a.rel.cmp(&b.rel));
    (pages, left_out)
}

/// A resolved site, with the key of what it was resolved from and what resolving reported,
/// so a session can keep it for its next build.
pub struct Resolved {
    key: u64,
    /// The site.
    pub site: Site,
    found: Vec<Diagnostic>,
}

/// [`resolve`], or the previous build's site when nothing resolving reads has changed.
///
/// Resolving reads the configuration, the asset paths and each page's path, source id and
/// front matter (with its title), never a body, so after a body-only edit in `canon serve`
/// the previous site is reused with the new pages in place of the old: at 10,000 pages that
/// is a third of a rebuild. What resolving reported is reported again.
pub fn resolve_with(
    pages: Vec<Arc<Page>>,
    asset_paths: &[String],
    templates: &[&str],
    config: &Config,
    mode: &BuildMode,
    previous: Option<Resolved>,
    diags: &mut Diagnostics,
) -> Resolved {
    let key = {
        let mut h = std::hash::DefaultHasher::new();
        // Of the mode, resolving reads only whether drafts are in.
        (config.key(), mode.drafts, asset_paths, templates).hash(&mut h);
        for p in &pages {
            (&p.rel, p.file, p.meta_hash).hash(&mut h);
        }
        h.finish()
    };
    match previous {
        Some(mut kept) if kept.key == key => {
            kept.site.pages = published(pages, mode.drafts).0;
            diags.extend(kept.found.iter().cloned());
            kept
        }
        _ => {
            let before = diags.len();
            let site = resolve(pages, asset_paths, templates, config, mode, diags);
            let found = diags.iter().skip(before).cloned().collect();
            Resolved { key, site, found }
        }
    }
}

impl Site {
    /// Where a generated page is, when the site has it.
    pub fn generated_path(&self, page: Generated) -> Option<&str> {
        self.generated
            .iter()
            .find(|p| p.page == page)
            .map(|p| p.path.as_str())
    }

    /// The path of the section that lists a collection, if it has pages.
    fn collection_section_path(&self, collection: &str) -> Option<&str> {
        self.sections
            .iter()
            .find(|s| {
                s.kind == SectionKind::Collection && s.collection.as_deref() == Some(collection)
            })
            .map(|s| s.path.as_str())
    }

    /// Content files links may point at, sorted.
    pub fn asset_paths(&self) -> Vec<&str> {
        let mut v: Vec<&str> = self.assets.iter().map(String::as_str).collect();
        v.sort();
        v
    }

    /// The section holding the glossary, if any.
    pub fn glossary_section(&self) -> Option<usize> {
        let g = self.glossary.as_ref()?;
        self.sections.iter().position(|s| s.path == g.path)
    }

    /// Title of the page or section at a site path, for breadcrumbs.
    pub fn title_at(&self, path: &str) -> Option<&str> {
        self.titles.get(path).map(String::as_str)
    }
}

/// Each page's place when sorted by lower-case title, then by place in `pages`.
fn title_rank(pages: &[Arc<Page>]) -> Vec<usize> {
    let lower: Vec<String> = pages.iter().map(|p| p.title.to_lowercase()).collect();
    let mut in_order: Vec<usize> = (0..pages.len()).collect();
    in_order.sort_by(|&a, &b| lower[a].cmp(&lower[b]).then(a.cmp(&b)));
    let mut rank = vec![0; pages.len()];
    for (place, &i) in in_order.iter().enumerate() {
        rank[i] = place;
    }
    rank
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn schemes() {
        assert!(has_scheme("https://x.org"));
        assert!(has_scheme("mailto:a@b.c"));
        assert!(!has_scheme("../a.md"));
        assert!(!has_scheme("a/b:c"));
    }

    #[test]
    fn decodes() {
        assert_eq!(percent_decode("/standards/backups/"), "/standards/backups/");
        assert_eq!(percent_decode("a%20b"), "a b");
        assert_eq!(percent_decode("100%"), "100%");
        assert_eq!(percent_decode("%zz"), "%zz");
    }
}

#[cfg(test)]
mod site_tests {
    use super::*;
    use crate::diagnostics::{Diagnostics, SourceMap};
    use crate::load::RawPage;
    use std::sync::Arc;

    fn site(config_text: &str, files: &[(&str, &str)]) -> (Site, Diagnostics) {
        let mut sources = SourceMap::default();
        let mut diags = Diagnostics::default();
        let id = sources.add("canon.toml", Arc::from(config_text));
        let config = crate::config::parse(std::path::Path::new("/s"), id, config_text, &mut diags)
            .expect("config");
        let mode = BuildMode::site(BuildMode::current_day());
        let raw = files
            .iter()
            .map(|(rel, text)| RawPage {
                file: sources.add(format!("content/{rel}"), Arc::from(*text)),
                rel: rel.to_string(),
                text: Arc::from(*text),
            })
            .collect();
        let pages = crate::validate::validate(raw, &config, &mode, &mut diags);
        let site = resolve(
            pages,
            &["guides/a.png".to_string()],
            &[],
            &config,
            &mode,
            &mut diags,
        );
        (site, diags)
    }

    const CONFIG: &str = "[collections.standards]\nid_field = \"id\"\n[collections.standards.fields]\nid = { type = \"string\" }\n[taxonomies.topic]\n";

    #[test]
    fn sections_order_neighbours_and_terms() {
        let (site, diags) = site(
            CONFIG,
            &[
                ("standards/_index.md", "# Standards\n"),
                (
                    "standards/b.md",
                    "---\ntitle: Bravo\nid: S-2\ntopic: [Access]\n---\n",
                ),
                (
                    "standards/a.md",
                    "---\ntitle: Alpha\nid: S-1\nweight: 5\ntopic: [Access, Backup]\n---\n",
                ),
                ("standards/c.md", "---\ntitle: Charlie\nid: S-3\n---\n"),
                ("guides/deep/x.md", "# X\n"),
            ],
        );
        assert!(diags.is_empty(), "{diags:?}");
        let paths: Vec<&str> = site.sections.iter().map(|s| s.path.as_str()).collect();
        assert_eq!(paths, ["/", "/guides/", "/guides/deep/", "/standards/"]);
        let standards = &site.sections[3];
        assert_eq!(standards.kind, SectionKind::Collection);
        let titles: Vec<&str> = standards
            .pages
            .iter()
            .map(|&i| site.pages[i].title.as_str())
            .collect();
        assert_eq!(titles, ["Bravo", "Charlie", "Alpha"], "weight, then title");
        let bravo = site
            .pages
            .iter()
            .position(|p| p.title == "Bravo")
            .expect("bravo");
        let (prev, next) = site.prev_next[bravo];
        assert_eq!(
            (prev, next.map(|n| site.pages[n].title.as_str())),
            (None, Some("Charlie"))
        );
        let topic = &site.taxonomies[0];
        assert_eq!(
            topic
                .terms
                .iter()
                .map(|t| (t.name.as_str(), t.pages.len()))
                .collect::<Vec<_>>(),
            [("Access", 2), ("Backup", 1)]
        );
        assert!(
            !site.own_page[site
                .pages
                .iter()
                .position(|p| p.rel == "standards/_index.md")
                .expect("intro")]
        );
    }

    #[test]
    fn links_resolve_in_every_form() {
        let (site, _) = site(
            CONFIG,
            &[
                ("standards/b.md", "# B\n"),
                ("guides/setup.md", "# Setup\n"),
                ("guides/README.md", "# Guides\n"),
            ],
        );
        let from = site
            .pages
            .iter()
            .position(|p| p.rel == "guides/setup.md")
            .expect("setup");
        let page = |path: &str, frag: Option<&str>| LinkTarget::Page {
            path: path.into(),
            page: site.paths.iter().position(|p| p == path),
            fragment: frag.map(str::to_string),
        };
        assert_eq!(
            site.resolve_link(from, "../standards/b.md#scope", "/"),
            page("/standards/b/", Some("scope"))
        );
        assert_eq!(
            site.resolve_link(from, "@/standards/b.md", "/"),
            page("/standards/b/", None)
        );
        assert_eq!(
            site.resolve_link(from, "/standards/b.html", "/"),
            page("/standards/b/", None)
        );
        assert_eq!(
            site.resolve_link(from, "README.md", "/"),
            page("/guides/", None)
        );
        assert_eq!(
            site.resolve_link(from, "a.png", "/"),
            LinkTarget::Asset("/guides/a.png".into())
        );
        assert_eq!(
            site.resolve_link(from, "https://x.org/a.md", "/"),
            LinkTarget::External
        );
        assert_eq!(
            site.resolve_link(from, "#top", "/"),
            LinkTarget::SamePage("top".into())
        );
        assert!(matches!(
            site.resolve_link(from, "../standards/bb.md", "/"),
            LinkTarget::Unresolved { near: Some(_) }
        ));
        assert!(matches!(
            site.resolve_link(from, "../../../etc/passwd", "/"),
            LinkTarget::Unresolved { .. }
        ));
    }
}
