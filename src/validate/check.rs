//! The checks of one page: its front matter split and parsed, every field checked against
//! its collection's schema, the common fields, taxonomies, records, controls and review
//! dates.

use std::hash::{DefaultHasher, Hash, Hasher};

use crate::config::{Config, FieldKind};
use crate::diagnostics::{Diagnostic, FileId, did_you_mean};
use crate::load::RawPage;
use crate::load::frontmatter::{self, FrontMatter, Split};
use crate::model::fields::{DRAFT_STATUS, GLOSSARY_FIELDS, LAST_REVIEWED, REVIEW_DUE, STATUS};
use crate::model::paths::{is_index_file, is_title_tag};

use super::fields::{self, FieldValue, parse_date};
use super::{GlossaryEntry, Page, first_heading, title_from_file};

/// Checks one page: its front matter split and parsed, then every field against its
/// collection's schema (or as a glossary entry, or kept as extra fields on a plain page).
/// `None` when the front matter cannot be read at all.
pub(super) fn check_page(
    raw: RawPage,
    config: &Config,
    today: jiff::civil::Date,
    out: &mut Vec<Diagnostic>,
) -> Option<Page> {
    let text = raw.text.clone();
    let (split, fm) = read_front_matter(&raw, out)?;
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
        file: raw.file,
        text: &text,
        out,
    };
    let mut page = Page::new(&raw, &split, collection.map(|c| c.name.clone()), erb);
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
        ck.schema_fields(&fm, &split, c, &mut page);
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

/// The page's front matter, split from the body and parsed; `None` (with the error in `out`)
/// when it is never closed or cannot be parsed.
fn read_front_matter(raw: &RawPage, out: &mut Vec<Diagnostic>) -> Option<(Split, FrontMatter)> {
    let text = &raw.text;
    let file = raw.file;
    let split = frontmatter::split(text);
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
    let fm = match frontmatter::parse(text, &split) {
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
    Some((split, fm))
}

pub(super) struct Checker<'a> {
    file: FileId,
    text: &'a str,
    out: &'a mut Vec<Diagnostic>,
}

impl Checker<'_> {
    /// Every field of the collection's schema: checked when given, its default when absent,
    /// and an error when required and absent.
    fn schema_fields(
        &mut self,
        fm: &FrontMatter,
        split: &Split,
        c: &crate::config::Collection,
        page: &mut Page,
    ) {
        for (name, spec) in &c.fields {
            match fm.fields.get(name) {
                Some(field) => {
                    if let Some(v) = self.field(name, &spec.kind, field) {
                        if spec.vocabulary.is_some() {
                            self.controls(name, &v);
                        }
                        page.fields.insert(name.clone(), v);
                    }
                }
                None => match &spec.default {
                    Some(d) => {
                        page.fields
                            .insert(name.clone(), FieldValue::default_value(d.clone()));
                    }
                    None if spec.required => self.missing(name, &spec.kind, split, &c.name),
                    None => {}
                },
            }
        }
    }

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
