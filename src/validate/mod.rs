//! Front matter against the schemas: every page's fields are type-checked, defaults filled in,
//! and every problem reported with the span of the offending key or value.
//!
//! Input: [`RawPage`]s and the [`Config`]. Output: [`Page`]s ready to resolve (drafts
//! included; the resolver drops them unless asked), and diagnostics. Pages run in parallel;
//! diagnostics are sorted later, so output never depends on scheduling.

mod fields;

use std::collections::HashMap;
use std::hash::{DefaultHasher, Hash, Hasher};
use std::ops::Range;
use std::sync::Arc;

use indexmap::IndexMap;
use rayon::prelude::*;
use serde_json::Value;

use crate::config::{COMMON_FIELDS, Config, FieldKind};
use crate::diagnostics::{Diagnostic, Diagnostics, FileId, did_you_mean};
use crate::load::RawPage;
use crate::load::frontmatter::{self, FrontMatter, Split};
use crate::model::fields::{DRAFT_STATUS, GLOSSARY_FIELDS, LAST_REVIEWED, REVIEW_DUE, STATUS};
use crate::model::mode::BuildMode;
use crate::model::paths::{is_index_file, is_title_tag};

pub use fields::{FieldValue, parse_date, record_anchor};

/// A page whose front matter passed its schema.
#[derive(Debug, Clone)]
pub struct Page {
    /// Its id in the source map.
    pub file: FileId,
    /// Path under the content folder (`standards/access-control.md`).
    pub rel: String,
    /// The whole file text.
    pub text: Arc<str>,
    /// The Markdown body, as a range of `text`.
    pub body: Range<usize>,
    /// The opening front-matter delimiter (or 0..0), where "missing field" points.
    pub matter_open: Range<usize>,
    /// The declared collection it is in, if any.
    pub collection: Option<String>,
    /// Title: front matter, else the first `#` heading, else the file name.
    pub title: String,
    /// Description, if given.
    pub description: Option<String>,
    /// Publication date (`YYYY-MM-DD`).
    pub date: Option<String>,
    /// Last update (`YYYY-MM-DD`).
    pub updated: Option<String>,
    /// Excluded from builds without `--drafts`.
    pub draft: bool,
    /// Order in listings (lower first), then title.
    pub weight: i64,
    /// Old URLs that redirect here, with their spans.
    pub aliases: Vec<(String, Range<usize>)>,
    /// Replaces the last URL segment.
    pub slug: Option<(String, Range<usize>)>,
    /// A template to use instead of `page.html`.
    pub template: Option<String>,
    /// Schema fields in schema order (defaults filled in).
    pub fields: IndexMap<String, FieldValue>,
    /// Fields of pages outside any collection, kept as they are for templates.
    pub extra: serde_json::Map<String, Value>,
    /// Taxonomy terms by taxonomy, in declaration order.
    pub taxonomies: IndexMap<String, Vec<(String, Range<usize>)>>,
    /// The file is GOV.UK Tech Docs `*.md.erb`.
    pub erb: bool,
    /// Link glossary terms in this page (front matter `glossary_links`, default true).
    pub glossary_links: bool,
    /// Set when the page is a glossary entry.
    pub glossary: Option<GlossaryEntry>,
    /// Hash of everything other pages can show of this one (its front matter and title), so a
    /// build can tell a body-only edit from one that changes listings.
    pub meta_hash: u64,
}

/// The front matter of a glossary entry (the page title is the term, the body its
/// definition).
#[derive(Debug, Clone, Default)]
pub struct GlossaryEntry {
    /// Short form, expanded with `<abbr>` (`MFA`).
    pub abbreviation: Option<(String, Range<usize>)>,
    /// Other words that mean the same and are fine to use.
    pub aliases: Vec<(String, Range<usize>)>,
    /// Variants authors must not use; the entry's term is preferred.
    pub avoid: Vec<(String, Range<usize>)>,
    /// Related terms, by term or file name.
    pub related: Vec<(String, Range<usize>)>,
}

impl Page {
    /// The Markdown body.
    pub fn body_text(&self) -> &str {
        &self.text[self.body.clone()]
    }
}

/// Checks every page; returns those whose front matter could be read.
pub fn validate(
    pages: Vec<RawPage>,
    config: &Config,
    mode: &BuildMode,
    diags: &mut Diagnostics,
) -> Vec<Arc<Page>> {
    validate_with(pages, config, mode, &mut Cache::default(), diags)
}

/// Checked pages kept between builds of one session, by the hash of what they were checked
/// from: the text, its source id, the configuration and the build mode.
#[derive(Default)]
pub struct Cache {
    entries: HashMap<String, Checked>,
}

/// A page as checked: its key, its text, the page (if it could be read) and what was found.
type Checked = (u64, Arc<str>, Option<Arc<Page>>, Vec<Diagnostic>);

fn page_key(raw: &RawPage, config_key: u64) -> u64 {
    let mut h = DefaultHasher::new();
    (config_key, &raw.rel, raw.file, raw.text.len()).hash(&mut h);
    h.finish()
}

/// As [`validate`], reusing what `cache` holds for pages that have not changed.
pub fn validate_with(
    pages: Vec<RawPage>,
    config: &Config,
    mode: &BuildMode,
    cache: &mut Cache,
    diags: &mut Diagnostics,
) -> Vec<Arc<Page>> {
    let config_key = {
        let mut h = DefaultHasher::new();
        (config.key(), mode).hash(&mut h);
        h.finish()
    };
    let previous = &cache.entries;
    let checked: Vec<(String, Checked)> = pages
        .into_par_iter()
        .map(|raw| {
            let key = page_key(&raw, config_key);
            // Comparing the text (a memcmp) is cheaper than hashing it.
            if let Some((k, text, page, found)) = previous.get(&raw.rel)
                && *k == key
                && *text == raw.text
            {
                return (raw.rel, (key, raw.text, page.clone(), found.clone()));
            }
            let mut out = Vec::new();
            let (rel, text) = (raw.rel.clone(), raw.text.clone());
            let page = check_page(raw, config, mode.today, &mut out);
            (rel, (key, text, page.map(Arc::new), out))
        })
        .collect();
    let mut result = Vec::with_capacity(checked.len());
    let mut entries = HashMap::with_capacity(checked.len());
    for (rel, (key, text, page, found)) in checked {
        diags.extend(found.iter().cloned());
        if let Some(p) = &page {
            result.push(p.clone());
        }
        entries.insert(rel, (key, text, page, found));
    }
    cache.entries = entries;
    result
}

fn check_page(
    raw: RawPage,
    config: &Config,
    today: jiff::civil::Date,
    out: &mut Vec<Diagnostic>,
) -> Option<Page> {
    let text = raw.text.clone();
    let file = raw.file;
    let split = frontmatter::split(&text);
    if split.unterminated {
        out.push(
            Diagnostic::error("frontmatter/unterminated", "front matter is never closed")
                .label(file, split.open.clone(), "opened here")
                .help(format!(
                    "end the front matter with a line holding only `{}`",
                    &text[split.open.clone()]
                )),
        );
        return None;
    }
    let fm = match frontmatter::parse(&text, &split) {
        Ok(fm) => fm,
        Err(e) => {
            let mut d = Diagnostic::error(e.code.unwrap_or("frontmatter/syntax"), e.message)
                .label(file, e.span, "here");
            d = match e.first {
                Some(first) => d
                    .secondary(file, first, "first given here")
                    .help("keep one of the two"),
                None => {
                    d.help("front matter is YAML between `---` lines, or TOML between `+++` lines")
                }
            };
            out.push(d);
            return None;
        }
    };
    let collection = config.collection_of(&raw.rel);
    // A folder's index (`_index.md`, `index.md`, `README.md`) introduces a listing; the
    // collection's schema is for the pages listed.
    let schema = collection.filter(|_| !is_index_file(&raw.rel));
    let is_glossary = config.glossary.as_ref().is_some_and(|g| {
        raw.rel
            .strip_prefix(g.dir.as_str())
            .is_some_and(|r| r.starts_with('/'))
            && !is_index_file(&raw.rel)
    });
    let erb = raw.rel.ends_with(".erb");
    let mut ck = Checker {
        file,
        text: &text,
        out,
    };
    let mut page = Page {
        file,
        rel: raw.rel.clone(),
        text: text.clone(),
        body: split.body.clone(),
        matter_open: split.open.clone(),
        collection: collection.map(|c| c.name.clone()),
        title: String::new(),
        description: None,
        date: None,
        updated: None,
        draft: false,
        weight: 0,
        aliases: Vec::new(),
        slug: None,
        template: None,
        fields: IndexMap::new(),
        extra: serde_json::Map::new(),
        taxonomies: IndexMap::new(),
        erb,
        glossary_links: true,
        glossary: None,
        meta_hash: 0,
    };
    ck.common(&fm, &mut page, is_glossary);
    ck.taxonomies(&fm, config, &mut page);
    // A page whose lifecycle status is Draft is a draft, like `draft: true`, unless it says
    // `draft: false` (published for comment).
    if !fm.fields.contains_key("draft")
        && page.taxonomies.get(STATUS).is_some_and(|terms| {
            terms
                .iter()
                .any(|(t, _)| t.eq_ignore_ascii_case(DRAFT_STATUS))
        })
    {
        page.draft = true;
    }
    if is_glossary {
        page.glossary = Some(ck.glossary_entry(&fm));
        let mut known = config.known_fields(None);
        known.extend(GLOSSARY_FIELDS.iter().copied());
        ck.unknown_fields(&fm, &known, "glossary entries", "a glossary entry has a term (`title`), `abbreviation`, `aliases`, `avoid` and `related`");
    } else if let Some(c) = schema {
        for (name, spec) in &c.fields {
            match fm.fields.get(name) {
                Some(field) => {
                    if let Some(v) = ck.field(name, &spec.kind, field) {
                        if spec.vocabulary.is_some() {
                            ck.controls(name, &v);
                        }
                        page.fields.insert(name.clone(), v);
                    }
                }
                None => match &spec.default {
                    Some(d) => {
                        page.fields
                            .insert(name.clone(), FieldValue::default_value(d.clone()));
                    }
                    None if spec.required => ck.missing(name, &spec.kind, &split, &c.name),
                    None => {}
                },
            }
        }
        ck.review(&page, today);
        ck.record_stages(&page, c);
        let known = config.known_fields(Some(c));
        let help = format!(
            "declare it under `[collections.{}.fields]` in canon.toml, or remove it",
            c.name
        );
        ck.unknown_fields(&fm, &known, &c.title.to_lowercase(), &help);
    } else {
        let known = config.known_fields(None);
        for (key, field) in &fm.fields {
            if !known.contains(key.as_str()) {
                page.extra.insert(key.clone(), field.value.clone());
            }
        }
    }
    if erb {
        ck.erb_tags(&split);
    }
    page.title = match fm.fields.get("title").and_then(|f| f.value.as_str()) {
        Some(t) if !t.trim().is_empty() => t.trim().to_string(),
        _ => first_heading(&text[split.body.clone()]).unwrap_or_else(|| title_from_file(&raw.rel)),
    };
    let mut h = DefaultHasher::new();
    (&text[..split.body.start], &page.title).hash(&mut h);
    page.meta_hash = h.finish();
    Some(page)
}

struct Checker<'a> {
    file: FileId,
    text: &'a str,
    out: &'a mut Vec<Diagnostic>,
}

impl Checker<'_> {
    fn unknown_fields(
        &mut self,
        fm: &FrontMatter,
        known: &std::collections::BTreeSet<&str>,
        what: &str,
        help: &str,
    ) {
        for (key, field) in &fm.fields {
            if !known.contains(key.as_str()) {
                let near = did_you_mean(key, known.iter().copied());
                self.out.push(
                    Diagnostic::warning(
                        "schema/unknown-field",
                        format!("`{key}` is not a field of {what}"),
                    )
                    .label(self.file, field.key.clone(), "unknown field")
                    .help(match near {
                        Some(n) => format!("did you mean `{n}`?"),
                        None => help.to_string(),
                    }),
                );
            }
        }
    }

    /// A record field with `values_from` must hold one of the page's values of that list (a
    /// decision point's `phase` is one of the method's `phases`).
    fn record_stages(&mut self, page: &Page, c: &crate::config::Collection) {
        for (name, spec) in &c.fields {
            let FieldKind::Records(r) = &spec.kind else {
                continue;
            };
            let (Some((sub, list)), Some(v)) = (r.stage_field(), page.fields.get(name)) else {
                continue;
            };
            let allowed: Vec<String> = page
                .fields
                .get(list)
                .map(|l| l.strings_with_spans().into_iter().map(|(s, _)| s).collect())
                .unwrap_or_default();
            for (i, record) in v.records.iter().enumerate() {
                let Some(value) = record.get(sub) else {
                    continue;
                };
                let Some(s) = value.value.as_str() else {
                    continue;
                };
                if allowed.iter().any(|a| a == s) {
                    continue;
                }
                let help = match did_you_mean(s, allowed.iter().map(String::as_str)) {
                    Some(n) => format!("did you mean `{n}`?"),
                    None if allowed.is_empty() => format!("give the page its `{list}` first"),
                    None => format!(
                        "use one of {}, or add `{s}` to `{list}`",
                        allowed.join(", ")
                    ),
                };
                self.out.push(
                    Diagnostic::error(
                        "schema/enum",
                        format!(
                            "`{name}` item {}: `{sub}` `{s}` is not one of this page's `{list}`",
                            i + 1
                        ),
                    )
                    .label(self.file, value.span.clone(), "not in the list")
                    .help(help),
                );
            }
        }
    }

    /// Every value of a field using the ISO/IEC 27001 vocabulary must be a control number.
    fn controls(&mut self, name: &str, value: &FieldValue) {
        let known = crate::controls::iso27001();
        for (item, span) in value.strings_with_spans() {
            if crate::controls::title(&item).is_some() {
                continue;
            }
            let near = did_you_mean(&item, known.iter().map(|(n, _)| *n));
            self.out.push(
                Diagnostic::error("schema/control", format!("`{name}`: `{item}` is not an ISO/IEC 27001:2022 Annex A control"))
                    .label(self.file, span, "no such control")
                    .help(match near {
                        Some(n) => format!("did you mean `{n}` ({})?", crate::controls::title(n).unwrap_or("")),
                        None => "controls are numbered A.5.1 to A.5.37, A.6.1 to A.6.8, A.7.1 to A.7.14 and A.8.1 to A.8.34".to_string(),
                    }),
            );
        }
    }

    /// A `review_due` date that has passed is a warning at that date.
    fn review(&mut self, page: &Page, today: jiff::civil::Date) {
        let Some(due) = page.fields.get(REVIEW_DUE) else {
            return;
        };
        let Some(day) = due.value.as_str().and_then(parse_date) else {
            return;
        };
        if day >= today {
            return;
        }
        let days = (today - day).get_days();
        let span = if due.span.is_empty() {
            page.matter_open.clone()
        } else {
            due.span.clone()
        };
        self.out.push(
            Diagnostic::warning(
                "review/overdue",
                format!(
                    "review was due on {} ({days} day{} ago)",
                    day.strftime("%-d %B %Y"),
                    if days == 1 { "" } else { "s" }
                ),
            )
            .label(self.file, span, "overdue")
            .help(format!(
                "review the page, then set `{LAST_REVIEWED}` and a new `{REVIEW_DUE}`"
            )),
        );
    }

    fn glossary_entry(&mut self, fm: &FrontMatter) -> GlossaryEntry {
        let mut entry = GlossaryEntry::default();
        if let Some(v) = fm.fields.get("abbreviation") {
            entry.abbreviation = self
                .expect_string("abbreviation", v)
                .map(|a| (a, v.span.clone()));
        }
        let mut list = |name: &str| {
            fm.fields
                .get(name)
                .and_then(|v| self.field(name, &FieldKind::List, v))
                .map(|l| l.strings_with_spans())
                .unwrap_or_default()
        };
        entry.aliases = list("aliases");
        entry.avoid = list("avoid");
        entry.related = list("related");
        entry
    }

    fn common(&mut self, fm: &FrontMatter, page: &mut Page, is_glossary: bool) {
        let f = &fm.fields;
        if let Some(v) = f.get("title") {
            self.expect_string("title", v);
        }
        if let Some(v) = f.get("description") {
            page.description = self.expect_string("description", v);
        }
        if let Some(v) = f.get("date") {
            page.date = self
                .field("date", &FieldKind::Date, v)
                .and_then(|v| v.value.as_str().map(str::to_string));
        }
        if let Some(v) = f.get("updated") {
            page.updated = self
                .field("updated", &FieldKind::Date, v)
                .and_then(|v| v.value.as_str().map(str::to_string));
        }
        if let Some(v) = f.get("draft") {
            page.draft = self
                .field("draft", &FieldKind::Boolean, v)
                .and_then(|v| v.value.as_bool())
                .unwrap_or(false);
        }
        if let Some(v) = f.get("weight") {
            page.weight = self
                .field("weight", &FieldKind::Integer, v)
                .and_then(|v| v.value.as_i64())
                .unwrap_or(0);
        }
        if let Some(v) = f.get("glossary_links") {
            page.glossary_links = self
                .field("glossary_links", &FieldKind::Boolean, v)
                .and_then(|v| v.value.as_bool())
                .unwrap_or(true);
        }
        // In a glossary entry `aliases` are other names for the term, not old URLs.
        if let Some(v) = f.get("aliases").filter(|_| !is_glossary)
            && let Some(list) = self.field("aliases", &FieldKind::List, v)
        {
            page.aliases = list.strings_with_spans();
        }
        if let Some(v) = f.get("slug")
            && let Some(s) = self.expect_string("slug", v)
        {
            match crate::config::check_segment(&s) {
                Ok(()) => page.slug = Some((s, v.span.clone())),
                Err(why) => self.out.push(
                    Diagnostic::error("schema/slug", format!("slug `{s}` {why}"))
                        .label(self.file, v.span.clone(), "invalid slug")
                        .help(
                            "a slug names one page: letters, digits and `-`, e.g. `access-control`",
                        ),
                ),
            }
        }
        if let Some(v) = f.get("template") {
            page.template = self.expect_string("template", v);
        }
    }

    fn expect_string(&mut self, name: &str, field: &frontmatter::Field) -> Option<String> {
        self.field(name, &FieldKind::String, field)
            .and_then(|v| v.value.as_str().map(str::to_string))
    }

    fn taxonomies(&mut self, fm: &FrontMatter, config: &Config, page: &mut Page) {
        for (name, tax) in &config.taxonomies {
            let Some(field) = fm.fields.get(name) else {
                continue;
            };
            let Some(list) = self.field(name, &FieldKind::List, field) else {
                continue;
            };
            let mut terms = Vec::new();
            for (term, span) in list.strings_with_spans() {
                if let Some(allowed) = &tax.terms
                    && !allowed.iter().any(|a| a == &term)
                {
                    let near = did_you_mean(&term, allowed.iter().map(String::as_str));
                    self.out.push(
                        Diagnostic::error(
                            "taxonomy/unknown-term",
                            format!(
                                "`{term}` is not a term of the {} vocabulary",
                                tax.title.to_lowercase()
                            ),
                        )
                        .label(self.file, span.clone(), "not in the vocabulary")
                        .help(match near {
                            Some(n) => format!("did you mean `{n}`?"),
                            None => format!("allowed: {}", allowed.join(", ")),
                        }),
                    );
                    continue;
                }
                if !terms.iter().any(|(t, _)| t == &term) {
                    terms.push((term, span));
                }
            }
            page.taxonomies.insert(name.clone(), terms);
        }
    }

    fn field(
        &mut self,
        name: &str,
        kind: &FieldKind,
        field: &frontmatter::Field,
    ) -> Option<FieldValue> {
        if let FieldKind::Records(spec) = kind {
            let found = fields::check_records(spec, field, self.text);
            for (e, error) in found
                .errors
                .into_iter()
                .map(|e| (e, true))
                .chain(found.warnings.into_iter().map(|e| (e, false)))
            {
                let message = format!("`{name}` {}", e.message);
                let d = if error {
                    Diagnostic::error(e.code, message)
                } else {
                    Diagnostic::warning(e.code, message)
                };
                self.out
                    .push(d.label(self.file, e.span, e.label).maybe_help(e.help));
            }
            return found.value;
        }
        match fields::check(kind, field, self.text) {
            Ok(v) => Some(v),
            Err(e) => {
                self.out.push(
                    Diagnostic::error(e.code, format!("`{name}` {}", e.message))
                        .label(self.file, e.span, e.label)
                        .maybe_help(e.help),
                );
                None
            }
        }
    }

    fn missing(&mut self, name: &str, kind: &FieldKind, split: &Split, collection: &str) {
        let example = match kind {
            FieldKind::Enum(values) => {
                format!("{name}: {}", values.first().map_or("…", String::as_str))
            }
            FieldKind::Date => format!("{name}: 2025-01-31"),
            FieldKind::Boolean => format!("{name}: false"),
            FieldKind::Integer => format!("{name}: 1"),
            FieldKind::List | FieldKind::References { .. } => format!("{name}: [ … ]"),
            FieldKind::Records(r) => format!(
                "{name}:\n  - {}: …",
                r.fields.keys().next().map_or("…", String::as_str)
            ),
            _ => format!("{name}: …"),
        };
        let (span, label) = if split.format.is_some() {
            (split.open.clone(), "in this front matter")
        } else {
            (0..0, "this page has no front matter")
        };
        self.out.push(
            Diagnostic::error(
                "schema/missing",
                format!(
                    "missing required field `{name}` ({} pages need it)",
                    collection
                ),
            )
            .label(self.file, span, label)
            .help(format!("add `{example}` to the front matter")),
        );
    }

    /// GOV.UK Tech Docs pages: `# <%= current_page.data.title %>` is understood; any other
    /// ERB tag stays as text, with one warning per file.
    fn erb_tags(&mut self, split: &Split) {
        let body = &self.text[split.body.clone()];
        let mut pos = 0;
        while let Some(i) = body[pos..].find("<%") {
            let at = pos + i;
            let end = body[at..].find("%>").map_or(body.len(), |j| at + j + 2);
            let tag = &body[at..end];
            if !is_title_tag(tag) {
                let start = split.body.start + at;
                self.out.push(
                    Diagnostic::warning("erb/unsupported", "ERB tags are not run: this and any other tags in the file stay as text")
                        .label(self.file, start..split.body.start + end.min(at + 60), "left as written")
                        .help("canon understands only `# <%= current_page.data.title %>`; replace other tags with Markdown"),
                );
                return;
            }
            pos = end;
        }
    }
}

/// Text of the first level-1 heading of a Markdown body.
pub fn first_heading(body: &str) -> Option<String> {
    use pulldown_cmark::{Event, HeadingLevel, Parser, Tag, TagEnd};
    let mut in_h1 = false;
    let mut title = String::new();
    for ev in Parser::new(body) {
        match ev {
            Event::Start(Tag::Heading {
                level: HeadingLevel::H1,
                ..
            }) => in_h1 = true,
            Event::End(TagEnd::Heading(HeadingLevel::H1)) if in_h1 => {
                let t = title.trim().to_string();
                return (!t.is_empty() && !t.contains("<%")).then_some(t);
            }
            Event::Text(t) | Event::Code(t) if in_h1 => title.push_str(&t),
            _ => {}
        }
    }
    None
}

/// `guides/new_starters.md` -> `New starters`.
fn title_from_file(rel: &str) -> String {
    let name = rel.rsplit('/').next().unwrap_or(rel);
    let stem = name.split('.').next().unwrap_or(name);
    let stem = if matches!(stem.to_lowercase().as_str(), "index" | "_index" | "readme") {
        rel.rsplit('/').nth(1).unwrap_or("Home")
    } else {
        stem
    };
    crate::config::sentence_case(stem)
}

/// The common fields, for documentation and `canon new`.
pub fn common_fields() -> &'static [&'static str] {
    COMMON_FIELDS
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::diagnostics::render::{Style, render_all};
    use crate::diagnostics::{Diagnostics, SourceMap};
    use std::path::Path;

    fn config(toml: &str) -> Config {
        let mut sources = SourceMap::default();
        let mut diags = Diagnostics::default();
        let id = sources.add("canon.toml", Arc::from(toml));
        crate::config::parse(Path::new("/s"), id, toml, &mut diags).expect("valid config")
    }

    fn run(config: &Config, rel: &str, text: &str) -> (Vec<Arc<Page>>, String) {
        let mut sources = SourceMap::default();
        let file = sources.add(format!("content/{rel}"), Arc::from(text));
        let mut diags = Diagnostics::default();
        let pages = validate(
            vec![RawPage {
                file,
                rel: rel.into(),
                text: Arc::from(text),
            }],
            config,
            &BuildMode::site(BuildMode::current_day()),
            &mut diags,
        );
        (pages, render_all(&diags, &sources, Style::Short))
    }

    const SCHEMA: &str = r#"
[collections.standards]
id_field = "id"
[collections.standards.fields]
id = { type = "string", required = true }
owner = { type = "string", required = true }
level = { type = "enum", values = ["mandatory", "recommended"], default = "mandatory" }
effective = { type = "date" }
controls = { type = "list" }
[taxonomies.audience]
terms = ["Clinicians", "Managers"]
"#;

    #[test]
    fn reports_every_violation_with_location() {
        let c = config(SCHEMA);
        let text = "---\ntitle: Backup\nid: SEC-007\nlevel: mandatry\neffective: 2024-13-01\ncontrols: 5\naudience: [Clinicans]\ncolour: blue\ndate: yesterday\n---\n# Backup\n";
        let (pages, out) = run(&c, "standards/backup.md", text);
        assert_eq!(pages.len(), 1);
        for expected in [
            "content/standards/backup.md:1:1: error[schema/missing]: missing required field `owner`",
            "content/standards/backup.md:4:8: error[schema/enum]",
            "did you mean `mandatory`?",
            "content/standards/backup.md:5:12: error[schema/date]",
            "content/standards/backup.md:6:11: error[schema/type]",
            "content/standards/backup.md:7:12: error[taxonomy/unknown-term]",
            "did you mean `Clinicians`?",
            "content/standards/backup.md:8:1: warning[schema/unknown-field]",
            "content/standards/backup.md:9:7: error[schema/date]",
        ] {
            assert!(out.contains(expected), "missing {expected:?} in\n{out}");
        }
    }

    #[test]
    fn fills_defaults_and_titles() {
        let c = config(SCHEMA);
        let (pages, out) = run(
            &c,
            "standards/x.md",
            "---\nid: SEC-1\nowner: CISO\n---\n\n# Access control\n\nText",
        );
        assert_eq!(out, "");
        assert_eq!(pages[0].title, "Access control");
        assert_eq!(
            pages[0].fields["level"].value,
            serde_json::json!("mandatory")
        );
        let (pages, _) = run(&c, "guides/new_starters.md", "No heading here");
        assert_eq!(pages[0].title, "New starters");
        assert_eq!(pages[0].collection, None);
    }

    #[test]
    fn plain_pages_keep_unknown_fields_without_warnings() {
        let c = config(SCHEMA);
        let (pages, out) = run(
            &c,
            "manuals/x.html.md.erb",
            "---\ntitle: X\nowner_slack: \"#team\"\n---\n# <%= current_page.data.title %>\n",
        );
        assert_eq!(out, "");
        assert_eq!(pages[0].extra["owner_slack"], serde_json::json!("#team"));
        let (_, out) = run(
            &c,
            "y.html.md.erb",
            "---\ntitle: Y\n---\n<%= partial 'x' %>\n\n<%= other %>\n",
        );
        assert_eq!(out.matches("warning[erb/unsupported]").count(), 1, "{out}");
        assert!(out.contains("y.html.md.erb:4:1"), "{out}");
    }

    #[test]
    fn broken_front_matter_is_an_error_not_a_panic() {
        let c = config(SCHEMA);
        let (pages, out) = run(&c, "a.md", "---\ntitle: [\n---\n");
        assert!(pages.is_empty());
        assert!(out.contains("error[frontmatter/syntax]"), "{out}");
        let (pages, out) = run(&c, "b.md", "---\ntitle: x\n");
        assert!(pages.is_empty());
        assert!(
            out.contains("b.md:1:1: error[frontmatter/unterminated]"),
            "{out}"
        );
    }
}
