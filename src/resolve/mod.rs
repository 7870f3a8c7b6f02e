//! Gives every page its URL and works out the structure between pages: sections and
//! collections, previous/next, taxonomies and their terms, aliases, front-matter references,
//! and the lookup that turns a link as written into a page.
//!
//! Input: validated [`Page`]s and the [`Config`]. Output: a [`Site`], and diagnostics for URL
//! clashes and references that lead nowhere. Pure: reads and writes nothing.

pub mod glossary;

use std::collections::{BTreeMap, HashMap, HashSet};
use std::hash::{Hash, Hasher};
use std::ops::Range;
use std::sync::Arc;

use indexmap::IndexMap;

use crate::config::{Config, FieldKind};
use crate::diagnostics::{Diagnostic, Diagnostics, FileId, did_you_mean};
use crate::model::generated::{self, Generated, Planned, Wants};
use crate::model::mode::BuildMode;
use crate::model::paths::{
    join_relative, link_key, page_path, parent_dir, slugify, strip_source_suffix,
};
use crate::validate::Page;

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
    let mut drafts = HashMap::new();
    let mut draft_ids = HashMap::new();
    for p in &left_out {
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
    for (i, p) in site.pages.iter().enumerate() {
        if p.glossary.is_some() {
            // An entry is shown on the A-Z page, not as a page of its own.
            site.own_page[i] = false;
        }
    }
    for s in 0..site.sections.len() {
        if let (Some(i), false) = (
            site.sections[s].index_page,
            site.sections[s].shown_as_page(&site),
        ) {
            site.own_page[i] = false;
        }
    }
    site.build_taxonomies(config, &mut claims, diags);
    site.claim_generated(config, templates, &mut claims, diags);
    site.build_aliases(&mut claims, diags);
    site.build_prev_next(config);
    site.resolve_references(config, diags);
    site
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
        (config.key(), mode, asset_paths, templates).hash(&mut h);
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

/// Who claims each output path, to report clashes.
#[derive(Default)]
struct Claims {
    by_path: HashMap<String, (Option<FileId>, Range<usize>, String)>,
    /// Each claimed path by its lower-case form, for paths that differ only by case.
    by_folded: HashMap<String, String>,
}

impl Claims {
    fn claim(
        &mut self,
        path: &str,
        file: Option<FileId>,
        span: Range<usize>,
        what: String,
        diags: &mut Diagnostics,
    ) -> bool {
        let clash = if let Some((other_file, other_span, other_what)) = self.by_path.get(path) {
            Some((
                Diagnostic::error(
                    "url/collision",
                    format!("two things would be written to `{path}`: {other_what} and {what}"),
                ),
                other_file,
                other_span,
                "also claims it",
            ))
        } else {
            self.by_folded
                .get(&path.to_lowercase())
                .and_then(|other| Some((other, self.by_path.get(other)?)))
                .map(|(other, (other_file, other_span, other_what))| {
                    (
                        Diagnostic::error(
                            "url/case-collision",
                            format!(
                                "`{path}` ({what}) and `{other}` ({other_what}) differ only by case: on a case-insensitive file system, as on Windows and macOS, one would overwrite the other"
                            ),
                        ),
                        other_file,
                        other_span,
                        "claims the other",
                    )
                })
        };
        if let Some((mut d, other_file, other_span, other_label)) = clash {
            d = d.help("rename one of the files, or give one a different `slug`");
            if let Some(f) = file {
                d = d.label(f, span, "claims this URL");
            }
            if let Some(f) = other_file {
                d = d.secondary(*f, other_span.clone(), other_label);
            }
            diags.push(d);
            return false;
        }
        let folded = path.to_lowercase();
        self.by_folded.insert(folded, path.to_string());
        self.by_path.insert(path.to_string(), (file, span, what));
        true
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

    fn check_page_paths(&mut self, claims: &mut Claims, diags: &mut Diagnostics) {
        for (i, p) in self.pages.iter().enumerate() {
            let span = p.slug.as_ref().map_or(0..0, |s| s.1.clone());
            claims.claim(
                &self.paths[i],
                Some(p.file),
                span,
                format!("page `{}`", p.rel),
                diags,
            );
        }
    }

    fn build_sections(&mut self, config: &Config) {
        // Every folder holding a page, and every ancestor of one, is a section.
        let mut dirs: BTreeMap<String, ()> = BTreeMap::new();
        dirs.insert(String::new(), ());
        for p in &self.pages {
            let mut dir = parent_dir(&p.rel).to_string();
            while !dir.is_empty() {
                dirs.insert(dir.clone(), ());
                let trimmed = dir.trim_end_matches('/');
                dir = parent_dir(trimmed).to_string();
            }
        }
        let path_to_page: HashMap<&str, usize> = self
            .paths
            .iter()
            .enumerate()
            .map(|(i, p)| (p.as_str(), i))
            .collect();
        let mut index_of_dir: HashMap<String, usize> = HashMap::new();
        for dir in dirs.keys() {
            let path = format!("/{}", dir.replace(' ', "-"));
            let index_page = path_to_page.get(path.as_str()).copied();
            let top = dir.split('/').next().unwrap_or("");
            let collection = config.collections.get(top).map(|c| c.name.clone());
            let kind = if dir.is_empty() {
                SectionKind::Home
            } else if collection.is_some() && dir.trim_end_matches('/') == top {
                SectionKind::Collection
            } else {
                SectionKind::Folder
            };
            let title = match (kind, index_page) {
                (SectionKind::Home, _) => config.title.clone(),
                (SectionKind::Collection, _) => config.collections[top].title.clone(),
                (_, Some(i)) => self.pages[i].title.clone(),
                (_, None) => crate::config::sentence_case(
                    dir.trim_end_matches('/').rsplit('/').next().unwrap_or(""),
                ),
            };
            if let Some(i) = index_page {
                self.is_index[i] = true;
            }
            index_of_dir.insert(dir.clone(), self.sections.len());
            self.sections.push(Section {
                dir: dir.clone(),
                path,
                title,
                kind,
                collection,
                index_page,
                pages: Vec::new(),
                subsections: Vec::new(),
            });
        }
        for i in 0..self.pages.len() {
            let rel = &self.pages[i].rel;
            let dir = if self.is_index[i] {
                // An index page belongs to its own folder's section, found by path.
                self.sections
                    .iter()
                    .position(|s| s.index_page == Some(i))
                    .map(|s| self.sections[s].dir.clone())
            } else {
                None
            };
            let dir = dir.unwrap_or_else(|| parent_dir(rel).to_string());
            let s = index_of_dir.get(&dir).copied().unwrap_or(0);
            self.section_of[i] = s;
            if !self.is_index[i] {
                self.sections[s].pages.push(i);
            }
        }
        for s in 1..self.sections.len() {
            let dir = self.sections[s].dir.trim_end_matches('/').to_string();
            let parent = parent_dir(&dir).to_string();
            if let Some(&p) = index_of_dir.get(&parent) {
                self.sections[p].subsections.push(s);
            }
        }
        let pages = &self.pages;
        let titles: Vec<String> = self.sections.iter().map(|s| s.title.clone()).collect();
        // Listing order: weight, then title, then source path (the order of `pages`).
        let rank = &self.title_rank;
        for s in &mut self.sections {
            s.pages
                .sort_unstable_by_key(|&a| (pages[a].weight, rank[a]));
            s.subsections
                .sort_by_cached_key(|&a| titles[a].to_lowercase());
        }
    }

    fn build_keys(&mut self) {
        for (i, p) in self.pages.iter().enumerate() {
            self.keys.insert(link_key(&p.rel), i);
        }
        for (i, path) in self.paths.iter().enumerate() {
            self.keys.entry(link_key(path)).or_insert(i);
        }
        for (s, sec) in self.sections.iter().enumerate() {
            if sec.index_page.is_none() {
                self.section_keys.insert(link_key(&sec.dir), s);
                self.section_keys.insert(link_key(&sec.path), s);
            }
        }
    }

    fn build_taxonomies(&mut self, config: &Config, claims: &mut Claims, diags: &mut Diagnostics) {
        for (name, tax) in &config.taxonomies {
            let path = format!("/{name}/");
            claims.claim(
                &path,
                config.file,
                0..0,
                format!("the `{name}` taxonomy index"),
                diags,
            );
            let mut terms: IndexMap<String, Term> = IndexMap::new();
            let mut first_use: HashMap<String, (FileId, Range<usize>, String)> = HashMap::new();
            if let Some(vocab) = &tax.terms {
                for t in vocab {
                    let slug = slugify(t);
                    terms.entry(slug.clone()).or_insert(Term {
                        name: t.clone(),
                        path: format!("/{name}/{slug}/"),
                        slug,
                        pages: Vec::new(),
                    });
                }
            }
            // Each spelling met so far: the index of its term, or `None` when another
            // spelling of the same URL came first. Spellings repeat page after page, so each
            // is slugified and looked up once.
            let mut spellings: HashMap<&str, Option<usize>> = HashMap::new();
            for (i, p) in self.pages.iter().enumerate() {
                let Some(list) = p.taxonomies.get(name) else {
                    continue;
                };
                for (term, span) in list {
                    let known = match spellings.get(term.as_str()) {
                        Some(&known) => known,
                        None => {
                            let slug = slugify(term);
                            let entry = terms.entry(slug.clone());
                            let index = entry.index();
                            let entry = entry.or_insert_with(|| Term {
                                name: term.clone(),
                                path: format!("/{name}/{slug}/"),
                                slug: slug.clone(),
                                pages: Vec::new(),
                            });
                            let known = (&entry.name == term).then_some(index);
                            if known.is_some() {
                                first_use
                                    .entry(slug)
                                    .or_insert_with(|| (p.file, span.clone(), term.clone()));
                            }
                            spellings.insert(term, known);
                            known
                        }
                    };
                    if let Some(index) = known {
                        terms[index].pages.push(i);
                        continue;
                    }
                    let slug = slugify(term);
                    let entry = &terms[&slug];
                    let mut d = Diagnostic::error(
                        "taxonomy/term-clash",
                        format!(
                            "`{term}` and `{}` are written differently but share the URL `{}`",
                            entry.name, entry.path
                        ),
                    )
                    .label(p.file, span.clone(), "written this way here")
                    .help(format!(
                        "write the term one way everywhere: `{}`",
                        entry.name
                    ));
                    if let Some((f, s, _)) = first_use.get(&slug) {
                        d = d.secondary(*f, s.clone(), "and this way here");
                    }
                    diags.push(d);
                }
            }
            let mut terms: Vec<Term> = terms.into_values().collect();
            if tax.terms.is_none() {
                terms.sort_by_key(|a| a.name.to_lowercase());
            }
            for t in &mut terms {
                t.pages.sort_by_key(|&a| self.title_rank[a]);
                if !t.pages.is_empty() {
                    claims.claim(
                        &t.path,
                        config.file,
                        0..0,
                        format!("the `{}` term page", t.name),
                        diags,
                    );
                }
            }
            self.taxonomies.push(TaxonomyIndex {
                name: name.clone(),
                path,
                terms,
            });
        }
    }

    /// Plans the generated pages and claims their paths, then the folders' listing pages.
    fn claim_generated(
        &mut self,
        config: &Config,
        templates: &[&str],
        claims: &mut Claims,
        diags: &mut Diagnostics,
    ) {
        let wants = Wants {
            search: config.search,
            reviews: config.has_reviews(),
            controls: config.control_field().is_some(),
            requirements: config.collections.values().any(|c| c.id_field.is_some()),
            compare: config
                .collections
                .values()
                .enumerate()
                .filter(|(_, c)| !c.compare.is_empty())
                .map(|(i, c)| (i, c.name.as_str(), self.collection_section_path(&c.name)))
                .collect(),
            templates: templates.to_vec(),
        };
        self.generated = generated::plan(&wants);
        for planned in &self.generated {
            claims.claim(
                &planned.path,
                config.file,
                0..0,
                planned.what.clone(),
                diags,
            );
        }
        // Sections claim their paths after taxonomies so a clash names the folder.
        for s in &self.sections {
            if s.index_page.is_none() {
                claims.claim(&s.path, None, 0..0, format!("folder `{}`", s.dir), diags);
            }
        }
    }

    fn build_aliases(&mut self, claims: &mut Claims, diags: &mut Diagnostics) {
        for (i, p) in self.pages.iter().enumerate() {
            for (alias, span) in &p.aliases {
                let trimmed = alias.trim().trim_start_matches('/');
                let ok = !trimmed.is_empty()
                    && !trimmed.split('/').any(|s| s == ".." || s == ".")
                    && !trimmed.contains(['\\', '?', '#', '\0']);
                if !ok {
                    diags.push(
                        Diagnostic::error(
                            "schema/alias",
                            format!("alias `{alias}` is not a path inside the site"),
                        )
                        .label(p.file, span.clone(), "invalid alias")
                        .help("write an old path such as `/old/access-policy/`"),
                    );
                    continue;
                }
                let path = if trimmed.ends_with(".html") || trimmed.ends_with('/') {
                    format!("/{trimmed}")
                } else {
                    format!("/{trimmed}/")
                };
                if claims.claim(
                    &path,
                    Some(p.file),
                    span.clone(),
                    format!("an alias of `{}`", p.rel),
                    diags,
                ) {
                    self.aliases.push((path, i));
                }
            }
        }
    }

    fn build_prev_next(&mut self, config: &Config) {
        for name in config.collections.keys() {
            let mut members: Vec<usize> = (0..self.pages.len())
                .filter(|&i| !self.is_index[i] && self.pages[i].collection.as_deref() == Some(name))
                .collect();
            // Listing order, as in sections.
            members.sort_unstable_by_key(|&a| (self.pages[a].weight, self.title_rank[a]));
            for (k, &i) in members.iter().enumerate() {
                let prev = k.checked_sub(1).map(|k| members[k]);
                let next = members.get(k + 1).copied();
                self.prev_next[i] = (prev, next);
            }
        }
    }

    fn resolve_references(&mut self, config: &Config, diags: &mut Diagnostics) {
        let collections: Vec<&str> = config.collections.keys().map(String::as_str).collect();
        let mut ids: HashMap<(&str, &str), usize> = HashMap::new();
        for (i, p) in self.pages.iter().enumerate() {
            let Some(c) = config.collection_named(p.collection.as_deref()) else {
                continue;
            };
            let Some(id_field) = &c.id_field else {
                continue;
            };
            if let Some(id) = p.fields.get(id_field).and_then(|v| v.value.as_str()) {
                if let Some(&other) = ids.get(&(c.name.as_str(), id)) {
                    let o = &self.pages[other];
                    diags.push(
                        Diagnostic::error(
                            "schema/duplicate-id",
                            format!("id `{id}` is used by two {}", c.title.to_lowercase()),
                        )
                        .label(p.file, p.fields[id_field].span.clone(), "used here")
                        .secondary(o.file, o.fields[id_field].span.clone(), "and here")
                        .help("give each page its own id"),
                    );
                } else {
                    ids.insert((c.name.as_str(), id), i);
                }
            }
        }
        let mut all = Vec::new();
        // Edges of fields that must not loop, by (collection, field).
        let mut edges: BTreeMap<(String, String), Vec<Edge>> = BTreeMap::new();
        // (is `supersedes`, from, to, span) for every `supersedes` / `superseded_by` reference.
        let mut succession: Vec<(bool, usize, usize, Range<usize>)> = Vec::new();
        // (page, field, [(target, span)]) for every `sequence` field.
        let mut sequences: Vec<Sequence> = Vec::new();
        for (i, p) in self.pages.iter().enumerate() {
            let Some(c) = config.collection_named(p.collection.as_deref()) else {
                continue;
            };
            let mut resolved = IndexMap::new();
            for (name, spec) in &c.fields {
                let filter = match &spec.kind {
                    FieldKind::Reference { collection } | FieldKind::References { collection } => {
                        collection.as_deref()
                    }
                    _ => continue,
                };
                let Some(value) = p.fields.get(name) else {
                    continue;
                };
                let mut targets = Vec::new();
                let mut steps = Vec::new();
                for (target, span) in value.strings_with_spans() {
                    match self.find_reference(&target, p, filter, &ids, &collections) {
                        Ok(t) => {
                            steps.push((t, span.clone()));
                            if name == SUPERSEDES || name == SUPERSEDED_BY {
                                succession.push((name == SUPERSEDES, i, t, span.clone()));
                            }
                            if spec.acyclic {
                                edges
                                    .entry((c.name.clone(), name.clone()))
                                    .or_default()
                                    .push((i, t, span));
                            }
                            targets.push(t);
                        }
                        Err(near) => {
                            let what = filter.map_or("page".to_string(), |f| {
                                config.collections[f].singular.clone()
                            });
                            // The page may exist, in the wrong collection: say so.
                            if filter.is_some()
                                && let Ok(other) =
                                    self.find_reference(&target, p, None, &ids, &collections)
                            {
                                let theirs = self.pages[other]
                                    .collection
                                    .as_deref()
                                    .and_then(|c| config.collections.get(c))
                                    .map_or("page outside any collection".to_string(), |c| {
                                        c.singular.clone()
                                    });
                                diags.push(
                                    Diagnostic::error("schema/reference", format!("`{name}` must refer to a {what}, but `{target}` is a {theirs}"))
                                        .label(p.file, span, "wrong kind of page")
                                        .help(format!("`{name}` is declared with `collection = \"{}\"` in canon.toml", filter.unwrap_or_default())),
                                );
                                continue;
                            }
                            if let Some(rel) = self.left_out_draft(&target, p, filter) {
                                diags.push(
                                    Diagnostic::error("schema/reference", format!("`{name}` refers to `{target}`, a draft ({rel}) that is left out of this build"))
                                        .label(p.file, span, "a draft")
                                        .help(format!("publish `{rel}` (give it another status, or remove `draft: true`), build with `--drafts`, or remove this reference")),
                                );
                                continue;
                            }
                            diags.push(
                                Diagnostic::error("schema/reference", format!("`{name}` refers to `{target}`, but there is no such {what}"))
                                    .label(p.file, span, "no such page")
                                    .help(match near {
                                        Some(n) => format!("did you mean `{n}`?"),
                                        None => "refer to a page by its id or by its path under content/, e.g. `standards/backup.md`".to_string(),
                                    }),
                            );
                        }
                    }
                }
                if spec.sequence {
                    sequences.push((i, name.clone(), steps));
                }
                resolved.insert(name.clone(), targets);
            }
            all.push((i, resolved));
        }
        for (i, r) in all {
            self.references[i] = r;
        }
        for ((_, field), list) in edges {
            self.report_cycles(&field, &list, diags);
        }
        self.check_succession(&succession, config, diags);
        let mut by_id: Vec<(&str, &str, usize)> =
            ids.iter().map(|((c, id), &i)| (*id, *c, i)).collect();
        by_id.sort();
        for (id, _, i) in by_id {
            self.ids.entry(id.to_string()).or_insert(i);
        }
        self.build_sequences(&sequences, config, diags);
    }

    /// Places each step of a sequence, after checking that no step comes before a page its own
    /// acyclic references (prerequisites) name, and that none is listed twice.
    fn build_sequences(
        &mut self,
        sequences: &[Sequence],
        config: &Config,
        diags: &mut Diagnostics,
    ) {
        for (owner, field, steps) in sequences {
            let p = &self.pages[*owner];
            let mut position: HashMap<usize, usize> = HashMap::new();
            for (k, (t, span)) in steps.iter().enumerate() {
                if *position.entry(*t).or_insert(k) != k {
                    diags.push(
                        Diagnostic::error(
                            "schema/sequence",
                            format!("`{field}` lists “{}” twice", self.pages[*t].title),
                        )
                        .label(p.file, span.clone(), "listed again")
                        .help("list each step once"),
                    );
                }
            }
            for (k, (t, span)) in steps.iter().enumerate() {
                let target = &self.pages[*t];
                let Some(c) = config.collection_named(target.collection.as_deref()) else {
                    continue;
                };
                for (name, _) in c.fields.iter().filter(|(_, f)| f.acyclic) {
                    for u in self.references[*t].get(name).into_iter().flatten() {
                        if position.get(u).is_some_and(|&ku| ku > k) {
                            diags.push(
                                Diagnostic::error("schema/sequence", format!("`{field}` lists “{}” before “{}”, which it names under `{name}`", target.title, self.pages[*u].title))
                                    .label(p.file, span.clone(), "too early")
                                    .help(format!("move “{}” before “{}”", self.pages[*u].title, target.title)),
                            );
                        }
                    }
                }
            }
            let label = config
                .collection_named(p.collection.as_deref())
                .and_then(|c| c.fields.get(field))
                .map_or_else(|| field.clone(), |f| f.label.clone());
            let total = steps.len();
            for (k, (t, _)) in steps.iter().enumerate() {
                if position.get(t) != Some(&k) {
                    continue;
                }
                self.sequences[*t].push(Step {
                    owner: *owner,
                    label: label.clone(),
                    position: k + 1,
                    total,
                    prev: k.checked_sub(1).map(|j| steps[j].0),
                    next: steps.get(k + 1).map(|s| s.0),
                });
            }
        }
    }

    /// Where a collection declares both `supersedes` and `superseded_by`, they must agree: a
    /// page that supersedes another is listed as its successor there, and the other way round.
    fn check_succession(
        &self,
        refs: &[(bool, usize, usize, Range<usize>)],
        config: &Config,
        diags: &mut Diagnostics,
    ) {
        let both = |i: usize| {
            config
                .collection_named(self.pages[i].collection.as_deref())
                .is_some_and(|c| {
                    c.fields.contains_key(SUPERSEDES) && c.fields.contains_key(SUPERSEDED_BY)
                })
        };
        for (forward, from, to, span) in refs {
            if !both(*from) || !both(*to) {
                continue;
            }
            let (back_field, this_field) = if *forward {
                (SUPERSEDED_BY, SUPERSEDES)
            } else {
                (SUPERSEDES, SUPERSEDED_BY)
            };
            let agrees = self.references[*to]
                .get(back_field)
                .is_some_and(|t| t.contains(from));
            if !agrees {
                let (a, b) = (&self.pages[*from], &self.pages[*to]);
                diags.push(
                    Diagnostic::error("schema/succession", format!("“{}” lists “{}” under `{this_field}`, but “{}” does not list it under `{back_field}`", a.title, b.title, b.title))
                        .label(a.file, span.clone(), "one side only")
                        .secondary(b.file, b.matter_open.clone(), "add it here")
                        .help(format!("add `{back_field}` to {}, or remove this reference", b.rel)),
                );
            }
        }
    }

    /// Reports every cycle among the edges of one acyclic field, once, at the reference that
    /// closes it.
    fn report_cycles(
        &self,
        field: &str,
        edges: &[(usize, usize, Range<usize>)],
        diags: &mut Diagnostics,
    ) {
        let mut out: HashMap<usize, Vec<(usize, &Range<usize>)>> = HashMap::new();
        for (from, to, span) in edges {
            out.entry(*from).or_default().push((*to, span));
        }
        let mut starts: Vec<usize> = out.keys().copied().collect();
        starts.sort();
        let mut state: HashMap<usize, u8> = HashMap::new(); // 1 on the stack, 2 done
        let mut seen_cycles: HashSet<Vec<usize>> = HashSet::new();
        for start in starts {
            if state.contains_key(&start) {
                continue;
            }
            // Iterative depth-first search; the stack holds (node, next edge to follow).
            let mut stack: Vec<(usize, usize)> = vec![(start, 0)];
            state.insert(start, 1);
            while let Some(&mut (node, ref mut next)) = stack.last_mut() {
                let Some(&(to, span)) = out.get(&node).and_then(|v| v.get(*next)) else {
                    state.insert(node, 2);
                    stack.pop();
                    continue;
                };
                *next += 1;
                match state.get(&to) {
                    None => {
                        state.insert(to, 1);
                        stack.push((to, 0));
                    }
                    Some(1) => {
                        let at = stack.iter().position(|(n, _)| *n == to).unwrap_or(0);
                        let cycle: Vec<usize> = stack[at..].iter().map(|(n, _)| *n).collect();
                        let mut key = cycle.clone();
                        key.sort();
                        if seen_cycles.insert(key) {
                            let mut names: Vec<&str> = cycle
                                .iter()
                                .map(|&n| self.pages[n].title.as_str())
                                .collect();
                            names.push(self.pages[to].title.as_str());
                            let p = &self.pages[node];
                            diags.push(
                                Diagnostic::error("schema/cycle", format!("`{field}` goes round in a circle: {}", names.join(" → ")))
                                    .label(p.file, span.clone(), "this reference closes the circle")
                                    .help(format!("`{field}` must lead somewhere else in the end; remove one of these references")),
                            );
                        }
                    }
                    _ => {}
                }
            }
        }
    }

    /// The page a reference names: an id in the filter's collection (or, with no filter, in
    /// the first collection in `canon.toml` that has it), else a path.
    fn find_reference(
        &self,
        target: &str,
        from: &Page,
        filter: Option<&str>,
        ids: &HashMap<(&str, &str), usize>,
        collections: &[&str],
    ) -> Result<usize, Option<String>> {
        let in_filter =
            |i: usize| filter.is_none_or(|f| self.pages[i].collection.as_deref() == Some(f));
        let by_id = match filter {
            Some(f) => ids.get(&(f, target)),
            None => collections.iter().find_map(|c| ids.get(&(*c, target))),
        };
        if let Some(&i) = by_id {
            return Ok(i);
        }
        for key in reference_keys(target, from, filter) {
            if let Some(&i) = self.keys.get(&key)
                && in_filter(i)
            {
                return Ok(i);
            }
        }
        let names: Vec<String> = ids
            .iter()
            .filter(|((c, _), _)| filter.is_none_or(|f| f == *c))
            .map(|((_, id), _)| id.to_string())
            .chain(
                self.pages
                    .iter()
                    .enumerate()
                    .filter(|(i, _)| in_filter(*i))
                    .map(|(_, p)| strip_source_suffix(&p.rel).to_string()),
            )
            .collect();
        Err(did_you_mean(target, names.iter().map(String::as_str)).map(str::to_string))
    }

    /// The source path of the draft left out of this build that `target` names (by id or
    /// path), if it names one.
    fn left_out_draft(&self, target: &str, from: &Page, filter: Option<&str>) -> Option<&str> {
        if let Some(rel) = self.draft_ids.get(target) {
            return Some(rel);
        }
        reference_keys(target, from, filter)
            .iter()
            .find_map(|k| self.drafts.get(k))
            .map(String::as_str)
            .filter(|rel| filter.is_none_or(|f| rel.starts_with(&format!("{f}/"))))
    }

    /// Where a link written in page `from` leads.
    pub fn resolve_link(&self, from: usize, href: &str, base_path: &str) -> LinkTarget {
        let href = href.trim();
        if href.is_empty() {
            return LinkTarget::SamePage(String::new());
        }
        if let Some(frag) = href.strip_prefix('#') {
            return LinkTarget::SamePage(frag.to_string());
        }
        if let Some(reference) = href.strip_prefix("ref:") {
            let (id, fragment) = match reference.split_once('#') {
                Some((id, f)) => (id, Some(f.to_string())),
                None => (reference, None),
            };
            return match self.ids.get(id) {
                Some(&i) => LinkTarget::Page {
                    path: self.paths[i].clone(),
                    page: Some(i),
                    fragment,
                },
                None => match self.draft_ids.get(id) {
                    Some(rel) => LinkTarget::Draft(rel.clone()),
                    None => LinkTarget::Unresolved {
                        near: did_you_mean(id, self.ids.keys().map(String::as_str))
                            .map(|n| format!("ref:{n}")),
                    },
                },
            };
        }
        if href.starts_with("//") || has_scheme(href) {
            return LinkTarget::External;
        }
        let (path, fragment) = match href.split_once('#') {
            Some((p, f)) => (p, Some(f.to_string())),
            None => (href, None),
        };
        let path = path.split_once('?').map_or(path, |(p, _)| p);
        let decoded = percent_decode(path);
        let rel = if let Some(rest) = decoded.strip_prefix("@/") {
            Some(rest.to_string())
        } else if decoded.starts_with('/') {
            let rest = decoded
                .strip_prefix(base_path)
                .or_else(|| decoded.strip_prefix('/'))
                .unwrap_or(&decoded);
            Some(rest.to_string())
        } else {
            // Relative to the source file's folder, as on a code host.
            join_relative(parent_dir(&self.pages[from].rel), &decoded)
        };
        let Some(rel) = rel else {
            return LinkTarget::Unresolved { near: None };
        };
        let found = self.lookup(&rel, fragment.clone());
        if !matches!(found, LinkTarget::Unresolved { .. }) || !decoded.starts_with('/') {
            return found;
        }
        // A root-absolute link in a site whose pages live under one folder of the content
        // root (`source/`, `docs/`) is written against that folder: try it there too.
        match self.pages[from].rel.split_once('/') {
            Some((top, _)) => match self.lookup(&format!("{top}/{rel}"), fragment) {
                LinkTarget::Unresolved { .. } => found,
                other => other,
            },
            None => found,
        }
    }

    fn lookup(&self, rel: &str, fragment: Option<String>) -> LinkTarget {
        if self.assets.contains(rel.trim_end_matches('/')) {
            return LinkTarget::Asset(format!("/{}", rel.trim_end_matches('/')));
        }
        let key = link_key(rel);
        if let Some(&i) = self.keys.get(&key) {
            // A glossary entry lives at its anchor on the A-Z page.
            if let Some(g) = &self.glossary
                && let Some(e) = g.entries.iter().find(|e| e.page == i)
            {
                return LinkTarget::Page {
                    path: g.path.clone(),
                    page: None,
                    fragment: fragment.or(Some(e.id.clone())),
                };
            }
            return LinkTarget::Page {
                path: self.paths[i].clone(),
                page: Some(i),
                fragment,
            };
        }
        if let Some(&s) = self.section_keys.get(&key) {
            return LinkTarget::Page {
                path: self.sections[s].path.clone(),
                page: None,
                fragment,
            };
        }
        for t in &self.taxonomies {
            if link_key(&t.path) == key {
                return LinkTarget::Page {
                    path: t.path.clone(),
                    page: None,
                    fragment,
                };
            }
            if let Some(term) = t.terms.iter().find(|term| link_key(&term.path) == key) {
                return LinkTarget::Page {
                    path: term.path.clone(),
                    page: None,
                    fragment,
                };
            }
        }
        if let Some(rel) = self.drafts.get(&key) {
            return LinkTarget::Draft(rel.clone());
        }
        let near = did_you_mean(&key, self.keys.keys().map(String::as_str)).map(str::to_string);
        LinkTarget::Unresolved { near }
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

/// Whether a link starts with a URL scheme (`https:`, `mailto:` …).
pub fn has_scheme(href: &str) -> bool {
    match href.find(':') {
        Some(i) if i > 0 => {
            let scheme = &href[..i];
            scheme
                .chars()
                .next()
                .is_some_and(|c| c.is_ascii_alphabetic())
                && scheme
                    .chars()
                    .all(|c| c.is_ascii_alphanumeric() || matches!(c, '+' | '-' | '.'))
                && !href[..i].contains('/')
        }
        _ => false,
    }
}

/// Decodes `%XX` escapes (leaving invalid ones as written).
pub fn percent_decode(s: &str) -> String {
    // Most links have no escapes: every link of every page is decoded for the link check.
    if !s.contains('%') {
        return s.to_string();
    }
    let bytes = s.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%'
            && i + 2 < bytes.len()
            && let (Some(h), Some(l)) = (hex(bytes[i + 1]), hex(bytes[i + 2]))
        {
            out.push(h * 16 + l);
            i += 3;
            continue;
        }
        out.push(bytes[i]);
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

/// The link keys a reference written in page `from` may name: as written from the content
/// root, relative to the page, and inside the field's collection.
fn reference_keys(target: &str, from: &Page, filter: Option<&str>) -> Vec<String> {
    let stripped = target.strip_prefix("@/").unwrap_or(target);
    let mut keys = vec![link_key(stripped)];
    if let Some(rel) = join_relative(parent_dir(&from.rel), stripped) {
        keys.push(link_key(&rel));
    }
    if let Some(f) = filter {
        keys.push(link_key(&format!("{f}/{stripped}")));
    }
    keys
}

fn hex(b: u8) -> Option<u8> {
    (b as char).to_digit(16).map(|d| d as u8)
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
