//! One output page: its template's context, the key of everything that context holds (so an
//! unchanged page is reused), and the HTML with its links and ids for the link check.

use std::collections::HashMap;
use std::hash::{DefaultHasher, Hash, Hasher};
use std::sync::Arc;

use serde_json::Value;

use crate::config::Config;
use crate::diagnostics::{Diagnostic, SourceMap};
use crate::model::generated::Generated;
use crate::model::mode::BuildMode;
use crate::resolve::{SectionKind, Site};

use super::Inputs;
use super::body::{Body, term_use};
use super::cache::{base_key, requirements_key};
use super::jobs::{Job, job_path, output_path, top_level};
use super::markdown::{self};
use super::templates::{Failure, Templates};
use super::{OutputFile, context, graph, html, linkcheck, records, relative};

/// Stands in a template's output for a body, so links the template itself writes can be told
/// apart from links in the content. Private-use characters never occur in escaped output.
pub(super) const MARK: char = '\u{e000}';

pub(super) fn mark(name: &str) -> String {
    format!("{MARK}canon:{name}{MARK}")
}

/// The values a template is given besides `site`, kept as JSON so they can be hashed before
/// anything is rendered.
#[derive(Default)]
pub(super) struct Values(Vec<(&'static str, Value)>);

impl Values {
    /// Adds a value, moved in: contexts are built once, never copied through serde.
    pub(super) fn insert(&mut self, name: &'static str, value: impl Into<Value>) {
        self.0.push((name, value.into()));
    }
}

/// Feeds a JSON value to a hasher without printing it.
pub(super) fn hash_value(value: &Value, h: &mut DefaultHasher) {
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
pub(super) struct RenderedPage {
    pub(super) file: OutputFile,
    pub(super) check: linkcheck::PageHtml,
}

/// What every output job needs.
pub(super) struct Renderer<'a> {
    pub(super) site: &'a Site,
    pub(super) config: &'a Config,
    pub(super) mode: &'a BuildMode,
    pub(super) templates: &'a Templates,
    pub(super) bodies: &'a [Arc<Body>],
    /// The cache key of each page's body.
    pub(super) body_keys: Vec<u64>,
    /// What every page depends on: templates and configuration.
    pub(super) base_key: u64,
    /// What every body depends on (see [`structure_key`]).
    pub(super) structure: u64,
    /// Every page's front matter and title, which listings, neighbours and cards show.
    pub(super) listing: u64,
    /// The output pages of the previous build of this session.
    pub(super) previous: &'a HashMap<String, (u64, Arc<RenderedPage>)>,
    pub(super) graph: &'a graph::Graph,
    /// Per glossary entry, the pages that use it.
    pub(super) term_use: Vec<Vec<usize>>,
    pub(super) site_value: Value,
    /// Every page's card, for listings.
    pub(super) cards: context::Cards<'a>,
    pub(super) stylesheet: &'a str,
    pub(super) sources: &'a SourceMap,
    /// The site's absolute address, escaped, when it has one: printed after body links.
    pub(super) print_base: Option<String>,
}

/// What a job made, with the key it was made for, or why its template failed.
pub(super) type JobResult = Result<(u64, Arc<RenderedPage>), Failure>;

impl<'a> Renderer<'a> {
    /// What every job of one build needs.
    pub(super) fn new(
        input: &Inputs<'a>,
        templates: &'a Templates,
        bodies: &'a [Arc<Body>],
        body_keys: Vec<u64>,
        (structure, listing): (u64, u64),
        graph: &'a graph::Graph,
        previous: &'a HashMap<String, (u64, Arc<RenderedPage>)>,
    ) -> Renderer<'a> {
        let (site, config) = (input.site, input.config);
        let site_value = context::site_value(site, config);
        Renderer {
            site,
            config,
            mode: input.mode,
            templates,
            bodies,
            body_keys,
            base_key: base_key(config, input.mode, input.templates, &site_value),
            structure,
            listing,
            previous,
            graph,
            term_use: term_use(site, bodies),
            site_value,
            cards: context::Cards::new(site, config),
            stylesheet: input.stylesheet,
            sources: input.sources,
            print_base: config
                .base_url
                .contains("://")
                .then(|| markdown::escape_html(&config.base_url)),
        }
    }

    /// The context values of a generated page at `path`.
    pub(super) fn generated_context(&self, page: Generated, path: &str, cx: &mut Values) {
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
    pub(super) fn requirements_value(&self, path: &str) -> Value {
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
    pub(super) fn mark_body(
        &self,
        name: &str,
        i: usize,
        bodies: &mut Vec<(String, &'a str, u64)>,
    ) -> String {
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
    pub(super) fn page_key(&self, i: usize) -> u64 {
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
    pub(super) fn job_key(&self, job: &Job) -> u64 {
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

    /// Renders one job, or keeps the last build's page when everything it was given is
    /// unchanged.
    pub(super) fn job(&self, job: &Job) -> JobResult {
        let key = match job {
            Job::Page(i) => self.page_key(*i),
            _ => self.job_key(job),
        };
        let path = job_path(self.site, job);
        if let Some((k, previous)) = self.previous.get(&path)
            && *k == key
        {
            return Ok((key, previous.clone()));
        }
        let mut cx = Values::default();
        // Bodies stand in as marks until the template's own links have been collected.
        let mut bodies: Marked<'a> = Vec::new();
        let template = self.context(job, &path, &mut cx, &mut bodies)?;
        cx.insert("current", self.config.rooted(&top_level(&path)));
        let page = self.assemble(job, path, &template, cx, &bodies)?;
        Ok((key, Arc::new(page)))
    }

    /// Fills the context of one job; returns the template that renders it.
    fn context(
        &self,
        job: &Job,
        path: &str,
        cx: &mut Values,
        bodies: &mut Marked<'a>,
    ) -> Result<String, Failure> {
        let (site, config) = (self.site, self.config);
        Ok(match job {
            Job::Page(i) => return self.page_context(*i, cx, bodies),
            Job::Section(s) => {
                let intro = site.sections[*s]
                    .index_page
                    .map(|i| self.mark_body("intro", i, bodies));
                cx.insert(
                    "section",
                    context::section_value(site, config, &self.cards, *s, intro.as_deref()),
                );
                if site.sections[*s].kind == SectionKind::Home {
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
                self.glossary_context(*s, cx, bodies);
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
                self.generated_context(*page, path, cx);
                page.template().to_string()
            }
        })
    }

    /// A content page's context: `page`, with its body and text fields as marks.
    fn page_context(
        &self,
        i: usize,
        cx: &mut Values,
        bodies: &mut Marked<'a>,
    ) -> Result<String, Failure> {
        let p = &self.site.pages[i];
        let b = &self.bodies[i];
        let text_fields: Vec<(String, String)> = b
            .text_fields
            .iter()
            .map(|(name, r)| {
                let m = mark(name);
                bodies.push((m.clone(), r.html.as_str(), self.body_keys[i]));
                (name.clone(), m)
            })
            .collect();
        let content = mark("content");
        bodies.push((content.clone(), b.main.html.as_str(), self.body_keys[i]));
        cx.insert(
            "page",
            context::page_value(
                self.site,
                self.config,
                &self.cards,
                i,
                &b.main,
                &content,
                &text_fields,
                self.graph,
            ),
        );
        match &p.template {
            Some(t) if self.templates.has(t) => Ok(t.clone()),
            Some(t) => Err(Diagnostic::error(
                "template/missing",
                format!("page asks for template `{t}`, which the theme does not have"),
            )
            .label(p.file, 0..0, "in this page")
            .help("remove `template`, or add the template under templates/")
            .into()),
            None => Ok("page.html".to_string()),
        }
    }

    /// The glossary's context: its section, and every entry with its definition as a mark.
    fn glossary_context(&self, s: usize, cx: &mut Values, bodies: &mut Marked<'a>) {
        let (site, config) = (self.site, self.config);
        let intro = site.sections[s]
            .index_page
            .map(|i| self.mark_body("intro", i, bodies));
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
            context::section_value(site, config, &self.cards, s, intro.as_deref()),
        );
        cx.insert(
            "glossary",
            context::glossary_value(site, config, &definitions, &self.term_use),
        );
    }

    /// Renders the template, collects its own links and ids (bodies are still marks; each
    /// body's ids come from the body itself), then puts the bodies in with every link made
    /// relative to the page.
    fn assemble(
        &self,
        job: &Job,
        path: String,
        template: &str,
        cx: Values,
        bodies: &Marked<'a>,
    ) -> Result<RenderedPage, Failure> {
        let config = self.config;
        // The context's values are moved in; only the shared `site` value is copied.
        let mut values = serde_json::Map::with_capacity(cx.0.len() + 1);
        values.insert("site".to_string(), self.site_value.clone());
        for (name, value) in cx.0 {
            values.insert(name.to_string(), value);
        }
        let context = tera::Context::from_value(Value::Object(values))
            .map_err(|e| Diagnostic::error("template/render", e.to_string()))?;
        let html = self.templates.render(template, &context, self.sources)?;
        let (link_ranges, check) = template_links(&html, path, bodies);
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
                    from: check.path.as_str(),
                    base_path: config.base_path.as_str(),
                    index_links: config.index_links,
                    print_base: self.print_base.as_deref(),
                },
            );
            relative::assemble(&html, &link_ranges, &parts, relative)
        };
        Ok(RenderedPage {
            file: OutputFile {
                path: output_path(&check.path),
                contents: Arc::from(html.into_bytes()),
            },
            check,
        })
    }
}

/// Bodies standing in a template's output as marks: the mark, the body's HTML, and the key of
/// the body.
pub(super) type Marked<'a> = Vec<(String, &'a str, u64)>;

/// One pass over a template's output for its own links (`href`, `src`, a form's `action`)
/// and ids (`id`, `name`), with the ids of the bodies it shows: the link ranges, and what the
/// link check needs of the page.
fn template_links(
    html: &str,
    path: String,
    bodies: &Marked<'_>,
) -> (Vec<std::ops::Range<usize>>, linkcheck::PageHtml) {
    let mut link_ranges = Vec::new();
    let mut ids = Vec::new();
    for (name, r) in html::attrs(html, &["href", "src", "action", "id", "name"]) {
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
    let check = linkcheck::PageHtml {
        path,
        ids,
        ids_hash,
        template_links,
    };
    (link_ranges, check)
}
