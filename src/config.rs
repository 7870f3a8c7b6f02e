//! `canon.toml` -> [`Config`]: the site's settings, collections with their front-matter
//! schemas, and taxonomies.
//!
//! Input: the site root (and the text of `canon.toml` when there is one). Output: a checked
//! [`Config`], or diagnostics pointing into `canon.toml`. Without a `canon.toml` every setting
//! takes its default, and the content folder is `content/` when the root has one, otherwise the
//! root itself, so any folder of Markdown builds.

use std::collections::{BTreeSet, HashMap};
use std::hash::{Hash, Hasher};
use std::path::{Path, PathBuf};

use indexmap::IndexMap;
use serde::Deserialize;
use toml::Spanned;

use crate::diagnostics::{Diagnostic, Diagnostics, FileId, did_you_mean};

/// Name of the configuration file at the site root.
pub const CONFIG_FILE: &str = "canon.toml";

/// Front-matter fields every page may have, whatever its collection.
pub const COMMON_FIELDS: &[&str] = &[
    "title",
    "description",
    "date",
    "updated",
    "draft",
    "weight",
    "aliases",
    "slug",
    "template",
    "glossary_links",
];

/// The whole site configuration, checked.
#[derive(Debug, Clone)]
pub struct Config {
    /// The site root: where `canon.toml`, `themes/`, `templates/` and `static/` live.
    pub root: PathBuf,
    /// The id of `canon.toml` in the source map, when there is one.
    pub file: Option<FileId>,
    /// Site title.
    pub title: String,
    /// One-sentence description, used on the home page and in meta tags.
    pub description: String,
    /// Where the site is published, always ending in `/` (`https://example.org/standards/`).
    /// `/` when not set.
    pub base_url: String,
    /// The path part of `base_url`, starting and ending with `/`.
    pub base_path: String,
    /// BCP 47 language tag for `<html lang>`.
    pub language: String,
    /// Theme name: `themes/<name>/` under the root, or the built-in `default`.
    pub theme: String,
    /// The content folder.
    pub content_dir: PathBuf,
    /// The output folder.
    pub output_dir: PathBuf,
    /// Links to folders name their `index.html`, so the output can be browsed from disk.
    pub index_links: bool,
    /// Number of entries in the Atom feed.
    pub feed_limit: usize,
    /// Declared collections, in declaration order.
    pub collections: IndexMap<String, Collection>,
    /// Declared taxonomies, in declaration order.
    pub taxonomies: IndexMap<String, Taxonomy>,
    /// Whether a broken internal link is an error or a warning.
    pub broken_links: BrokenLinks,
    /// The glossary, when the site has one.
    pub glossary: Option<GlossaryConfig>,
    /// Build the search index and show the search box.
    pub search: bool,
    /// Keep raw HTML written in Markdown (`markdown.raw_html`); when false it is stripped.
    pub raw_html: bool,
    /// A hash of what this configuration was made from: the root, the text of `canon.toml`
    /// and the overrides applied to it. Equal keys mean equal configurations.
    key: u64,
}

/// A collection: the pages under `content/<name>/`, with a schema for their front matter.
#[derive(Debug, Clone)]
pub struct Collection {
    /// Folder name under the content folder.
    pub name: String,
    /// Display title ("Security standards").
    pub title: String,
    /// Short description for listings.
    pub description: String,
    /// Field whose value identifies a page (`id`: `SEC-004`), if any.
    pub id_field: Option<String>,
    /// Singular noun for one page ("standard").
    pub singular: String,
    /// Schema fields in declaration order.
    pub fields: IndexMap<String, FieldSpec>,
    /// Fields shown side by side on a generated comparison page (`compare = [...]`), in
    /// order; empty for no comparison page.
    pub compare: Vec<String>,
}

/// One field of a collection schema.
#[derive(Debug, Clone, PartialEq)]
pub struct FieldSpec {
    /// The value's type.
    pub kind: FieldKind,
    /// Must be present.
    pub required: bool,
    /// Used when absent.
    pub default: Option<serde_json::Value>,
    /// Label in the metadata panel; defaults to the field name in sentence case.
    pub label: String,
    /// For references: how the target names the pages that point at it ("Taught by").
    pub inverse: Option<String>,
    /// For references: following them must never lead back to the start (prerequisites,
    /// supersedes).
    pub acyclic: bool,
    /// For `references`: the targets are steps taken in the order listed (a learning path's
    /// modules). They must not come before what their own acyclic references (prerequisites)
    /// name, and each shows its place with previous and next.
    pub sequence: bool,
    /// For strings and lists: values must come from this vocabulary shipped with canon
    /// (`iso27001`: the ISO/IEC 27001:2022 Annex A control numbers).
    pub vocabulary: Option<String>,
    /// For a field of a record: its value must be one of the page's values of this `list`
    /// field (a decision point's `phase` is one of the method's `phases`).
    pub values_from: Option<String>,
}

/// What a broken internal link is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Hash)]
pub enum BrokenLinks {
    /// Stops the build (the default).
    #[default]
    Error,
    /// Reported; the build goes on, so a repository can publish while its links are fixed.
    Warn,
}

impl std::str::FromStr for BrokenLinks {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, String> {
        match s {
            "error" => Ok(BrokenLinks::Error),
            "warn" | "warning" => Ok(BrokenLinks::Warn),
            other => Err(format!("`{other}` is not `error` or `warn`")),
        }
    }
}

/// The glossary: one Markdown file per term under `content/<dir>/`.
#[derive(Debug, Clone)]
pub struct GlossaryConfig {
    /// Folder under the content folder.
    pub dir: String,
    /// Title of the generated A-Z page.
    pub title: String,
    /// Link the first use of each term in each page to its definition.
    pub autolink: bool,
    /// Warn about `avoid` variants in prose.
    pub lint: bool,
}

/// Field types a schema can declare.
#[derive(Debug, Clone, PartialEq)]
pub enum FieldKind {
    /// One line of text.
    String,
    /// Markdown text, rendered to HTML.
    Text,
    /// A whole number.
    Integer,
    /// `true` or `false`.
    Boolean,
    /// A calendar date, `YYYY-MM-DD`.
    Date,
    /// A list of strings.
    List,
    /// One of a fixed set of strings.
    Enum(Vec<String>),
    /// A page, by path or by id, optionally restricted to a collection.
    Reference {
        /// Collection the target must be in.
        collection: Option<String>,
    },
    /// A list of pages, as for [`FieldKind::Reference`].
    References {
        /// Collection the targets must be in.
        collection: Option<String>,
    },
    /// A list of tables with a schema of their own (a method's decision points).
    Records(Box<Records>),
}

/// The schema of a `records` field: each item is a table of these fields.
#[derive(Debug, Clone, PartialEq)]
pub struct Records {
    /// The fields of one record, in declaration order. None is a reference or records.
    pub fields: IndexMap<String, FieldSpec>,
    /// The field that identifies a record within its page: unique, and the record's anchor.
    pub key: Option<String>,
    /// The field that names a record in lists and comparisons (default: the key, else the
    /// first field).
    pub title: String,
    /// A field whose values group the records in comparisons ("how often" for reporting).
    pub group_by: Option<String>,
}

impl Records {
    /// The field whose values come from one of the page's lists, with that list's name: the
    /// records are then shown along that list (decision points along the phases).
    pub fn stage_field(&self) -> Option<(&str, &str)> {
        self.fields
            .iter()
            .find_map(|(n, f)| f.values_from.as_deref().map(|l| (n.as_str(), l)))
    }
}

impl FieldKind {
    /// How the type is named in `canon.toml` and in messages.
    pub fn name(&self) -> &'static str {
        match self {
            FieldKind::String => "string",
            FieldKind::Text => "text",
            FieldKind::Integer => "integer",
            FieldKind::Boolean => "boolean",
            FieldKind::Date => "date",
            FieldKind::List => "list",
            FieldKind::Enum(_) => "enum",
            FieldKind::Reference { .. } => "reference",
            FieldKind::References { .. } => "references",
            FieldKind::Records(_) => "records",
        }
    }
}

/// A taxonomy such as `audience` or `topic`.
#[derive(Debug, Clone)]
pub struct Taxonomy {
    /// Front-matter key and URL segment.
    pub name: String,
    /// Display title.
    pub title: String,
    /// Short description for the taxonomy index.
    pub description: String,
    /// Allowed terms, when the vocabulary is controlled.
    pub terms: Option<Vec<String>>,
    /// Words authors must not use in body text, each with the term to use instead.
    pub avoid: IndexMap<String, String>,
}

const TYPE_NAMES: &[&str] = &[
    "string",
    "text",
    "integer",
    "boolean",
    "date",
    "list",
    "enum",
    "reference",
    "references",
    "records",
];

#[derive(Deserialize, Default)]
#[serde(deny_unknown_fields)]
struct RawConfig {
    title: Option<String>,
    description: Option<String>,
    base_url: Option<Spanned<String>>,
    language: Option<String>,
    theme: Option<String>,
    content_dir: Option<String>,
    output_dir: Option<String>,
    index_links: Option<bool>,
    feed_limit: Option<usize>,
    broken_links: Option<Spanned<String>>,
    glossary: Option<RawGlossary>,
    search: Option<bool>,
    markdown: Option<RawMarkdown>,
    #[serde(default)]
    collections: IndexMap<String, Spanned<RawCollection>>,
    #[serde(default)]
    taxonomies: IndexMap<String, Spanned<RawTaxonomy>>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawCollection {
    title: Option<String>,
    description: Option<String>,
    id_field: Option<String>,
    singular: Option<String>,
    #[serde(default)]
    fields: IndexMap<String, Spanned<RawField>>,
    compare: Option<Spanned<Vec<String>>>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawField {
    #[serde(rename = "type")]
    kind: Spanned<String>,
    #[serde(default)]
    required: bool,
    default: Option<toml::Value>,
    values: Option<Vec<String>>,
    collection: Option<String>,
    label: Option<String>,
    inverse: Option<String>,
    #[serde(default)]
    acyclic: bool,
    #[serde(default)]
    sequence: bool,
    vocabulary: Option<String>,
    /// For `records`: the fields of one record.
    fields: Option<IndexMap<String, Spanned<RawField>>>,
    key: Option<String>,
    title: Option<String>,
    group_by: Option<String>,
    values_from: Option<String>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawMarkdown {
    raw_html: Option<bool>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawGlossary {
    dir: Option<String>,
    title: Option<String>,
    autolink: Option<bool>,
    lint: Option<bool>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawTaxonomy {
    title: Option<String>,
    description: Option<String>,
    terms: Option<Vec<String>>,
    #[serde(default)]
    avoid: IndexMap<String, String>,
}

/// The configuration of a root without `canon.toml`: every setting takes its default, and the
/// content folder is `content/` when the root has one (`content_folder`), otherwise the root.
pub fn without_file(root: &Path, content_folder: bool) -> Config {
    let key = source_key(root, None, content_folder);
    defaults(
        root,
        None,
        RawConfig::default(),
        content_folder,
        key,
        &mut Diagnostics::default(),
    )
}

/// What a configuration is made from, hashed.
fn source_key(root: &Path, text: Option<&str>, content_folder: bool) -> u64 {
    let mut h = std::hash::DefaultHasher::new();
    (root, text, content_folder).hash(&mut h);
    h.finish()
}

/// Checks the text of a `canon.toml` already in the source map. `None` when it has errors;
/// they are in `diags`.
pub fn parse(root: &Path, file: FileId, text: &str, diags: &mut Diagnostics) -> Option<Config> {
    let raw: RawConfig = match toml::from_str(text) {
        Ok(raw) => raw,
        Err(e) => {
            let span = e.span().unwrap_or(0..0);
            let message = e
                .message()
                .lines()
                .next()
                .unwrap_or("invalid canon.toml")
                .to_string();
            let mut d = Diagnostic::error("config/syntax", format!("canon.toml: {message}"))
                .label(file, span, "here");
            if message.contains("unknown field") {
                d = d.help("see the README's list of canon.toml keys");
            }
            diags.push(d);
            return None;
        }
    };
    let before = diags.errors();
    let key = source_key(root, Some(text), false);
    let config = defaults(root, Some(file), raw, false, key, diags);
    (diags.errors() == before).then_some(config)
}

fn defaults(
    root: &Path,
    file: Option<FileId>,
    raw: RawConfig,
    content_folder: bool,
    key: u64,
    diags: &mut Diagnostics,
) -> Config {
    let content_dir = match &raw.content_dir {
        Some(dir) => root.join(dir),
        // With a `canon.toml`, pages are under `content/`; without, a folder of Markdown
        // builds as it is unless it has a `content/` folder.
        None if file.is_some() || content_folder => root.join("content"),
        None => root.to_path_buf(),
    };
    let output_dir = root.join(raw.output_dir.as_deref().unwrap_or("public"));
    let (base_url, base_path) = match &raw.base_url {
        Some(url) => {
            match normalize_base_url(url.get_ref()) {
                Ok(pair) => pair,
                Err(why) => {
                    if let Some(file) = file {
                        diags.push(
                        Diagnostic::error("config/base-url", format!("base_url {why}"))
                            .label(file, url.span(), "here")
                            .help("write a full URL such as `https://example.org/standards/`, or `/`"),
                    );
                    }
                    ("/".to_string(), "/".to_string())
                }
            }
        }
        None => ("/".to_string(), "/".to_string()),
    };
    let title = raw.title.unwrap_or_else(|| {
        root.canonicalize()
            .ok()
            .and_then(|p| p.file_name().map(|n| n.to_string_lossy().into_owned()))
            .unwrap_or_else(|| "Site".to_string())
    });
    let mut collections = IndexMap::new();
    let names: Vec<String> = raw.collections.keys().cloned().collect();
    for (name, spanned) in raw.collections {
        let span = spanned.span();
        let rc = spanned.into_inner();
        if let (Some(file), Err(why)) = (file, check_segment(&name)) {
            diags.push(
                Diagnostic::error(
                    "config/collection",
                    format!("collection name `{name}` {why}"),
                )
                .label(file, span.clone(), "declared here"),
            );
        }
        let mut fields = IndexMap::new();
        let mut field_spans = HashMap::new();
        for (fname, sf) in rc.fields {
            let fspan = sf.span();
            let f = sf.into_inner();
            match field_spec(&fname, f, &names) {
                Ok(spec) => {
                    field_spans.insert(fname.clone(), fspan);
                    fields.insert(fname, spec);
                }
                Err((msg, help, kind_span)) => {
                    if let Some(file) = file {
                        let at = kind_span.unwrap_or(fspan.clone());
                        diags.push(
                            Diagnostic::error(
                                "config/field",
                                format!("collection `{name}`, field `{fname}`: {msg}"),
                            )
                            .label(file, at, "in this field")
                            .maybe_help(help),
                        );
                    }
                }
            }
        }
        if let (Some(id), Some(file)) = (&rc.id_field, file)
            && !fields.contains_key(id)
        {
            diags.push(
                    Diagnostic::error("config/id-field", format!("collection `{name}` names `{id}` as its id field, but declares no such field"))
                        .label(file, span.clone(), "in this collection")
                        .help(format!("add `[collections.{name}.fields.{id}]` with `type = \"string\"` and `required = true`")),
                );
        }
        if let Some(file) = file {
            // A record's `values_from` names one of the same page's lists.
            let lists: Vec<&str> = fields
                .iter()
                .filter(|(_, f)| f.kind == FieldKind::List)
                .map(|(n, _)| n.as_str())
                .collect();
            for (fname, f) in &fields {
                let FieldKind::Records(r) = &f.kind else {
                    continue;
                };
                if let Some((sub, list)) = r.stage_field()
                    && !lists.contains(&list)
                {
                    diags.push(
                        Diagnostic::error(
                            "config/field",
                            format!("collection `{name}`, field `{fname}`: record field `{sub}` takes `values_from = \"{list}\"`, which is not a `list` field of this collection"),
                        )
                        .label(file, field_spans[fname].clone(), "in this field")
                        .help(match did_you_mean(list, lists.iter().copied()) {
                            Some(n) => format!("did you mean `{n}`?"),
                            None => "declare the list, e.g. `phases = { type = \"list\" }`".to_string(),
                        }),
                    );
                }
            }
        }
        let compare = match rc.compare {
            None => Vec::new(),
            Some(c) => {
                let span = c.span();
                let names = c.into_inner();
                for n in &names {
                    if !fields.contains_key(n)
                        && let Some(file) = file
                    {
                        diags.push(
                            Diagnostic::error(
                                "config/compare",
                                format!("collection `{name}` compares `{n}`, which is not one of its fields"),
                            )
                            .label(file, span.clone(), "in this list")
                            .help(match did_you_mean(n, fields.keys().map(String::as_str)) {
                                Some(m) => format!("did you mean `{m}`?"),
                                None => format!("its fields are {}", fields.keys().cloned().collect::<Vec<_>>().join(", ")),
                            }),
                        );
                    }
                }
                names
                    .into_iter()
                    .filter(|n| fields.contains_key(n))
                    .collect()
            }
        };
        let title = rc.title.unwrap_or_else(|| sentence_case(&name));
        collections.insert(
            name.clone(),
            Collection {
                singular: rc
                    .singular
                    .unwrap_or_else(|| name.trim_end_matches('s').to_string()),
                name,
                title,
                description: rc.description.unwrap_or_default(),
                id_field: rc.id_field,
                fields,
                compare,
            },
        );
    }
    let mut taxonomies = IndexMap::new();
    for (name, spanned) in raw.taxonomies {
        let span = spanned.span();
        let rt = spanned.into_inner();
        if let Some(file) = file {
            if let Err(why) = check_segment(&name) {
                diags.push(
                    Diagnostic::error("config/taxonomy", format!("taxonomy name `{name}` {why}"))
                        .label(file, span.clone(), "declared here"),
                );
            }
            if COMMON_FIELDS.contains(&name.as_str())
                || collections
                    .values()
                    .any(|c: &Collection| c.fields.contains_key(&name))
            {
                diags.push(
                    Diagnostic::error("config/taxonomy", format!("taxonomy `{name}` has the same name as a front-matter field"))
                        .label(file, span.clone(), "declared here")
                        .help("rename the taxonomy or the field: a front-matter key can mean only one thing"),
                );
            }
            if collections.contains_key(&name) {
                diags.push(
                    Diagnostic::error("config/taxonomy", format!("taxonomy `{name}` has the same name as a collection, so both would claim `/{name}/`"))
                        .label(file, span.clone(), "declared here"),
                );
            }
        }
        taxonomies.insert(
            name.clone(),
            Taxonomy {
                title: rt.title.unwrap_or_else(|| sentence_case(&name)),
                name,
                description: rt.description.unwrap_or_default(),
                terms: rt.terms,
                avoid: rt.avoid,
            },
        );
    }
    let broken_links = match &raw.broken_links {
        None => BrokenLinks::Error,
        Some(v) => match v.get_ref().parse() {
            Ok(b) => b,
            Err(why) => {
                if let Some(file) = file {
                    diags.push(
                        Diagnostic::error("config/broken-links", format!("broken_links: {why}"))
                            .label(file, v.span(), "here")
                            .help("write `broken_links = \"error\"` (the default) or `\"warn\"`"),
                    );
                }
                BrokenLinks::Error
            }
        },
    };
    let glossary = raw.glossary.map(|g| GlossaryConfig {
        dir: g.dir.unwrap_or_else(|| "glossary".to_string()),
        title: g.title.unwrap_or_else(|| "Glossary".to_string()),
        autolink: g.autolink.unwrap_or(true),
        lint: g.lint.unwrap_or(true),
    });
    if let (Some(g), Some(file)) = (&glossary, file)
        && (collections.contains_key(&g.dir) || taxonomies.contains_key(&g.dir))
    {
        diags.push(
            Diagnostic::error(
                "config/glossary",
                format!(
                    "the glossary folder `{}` is also declared as a collection or taxonomy",
                    g.dir
                ),
            )
            .label(file, 0..0, "in this file")
            .help("give the glossary its own folder with `[glossary] dir = \"…\"`"),
        );
    }
    Config {
        root: root.to_path_buf(),
        file,
        title,
        description: raw.description.unwrap_or_default(),
        base_url,
        base_path,
        language: raw.language.unwrap_or_else(|| "en".to_string()),
        theme: raw.theme.unwrap_or_else(|| "default".to_string()),
        content_dir,
        output_dir,
        index_links: raw.index_links.unwrap_or(false),
        feed_limit: raw.feed_limit.unwrap_or(20),
        collections,
        taxonomies,
        broken_links,
        glossary,
        search: raw.search.unwrap_or(true),
        raw_html: raw.markdown.and_then(|m| m.raw_html).unwrap_or(true),
        key,
    }
}

type FieldError = (String, Option<String>, Option<std::ops::Range<usize>>);

fn field_spec(name: &str, f: RawField, collections: &[String]) -> Result<FieldSpec, FieldError> {
    field_spec_in(name, f, collections, false)
}

/// `in_record`: the field is one of a record's, so it may take `values_from` and may not be
/// a reference or records itself.
fn field_spec_in(
    name: &str,
    mut f: RawField,
    collections: &[String],
    in_record: bool,
) -> Result<FieldSpec, FieldError> {
    let kind_span = Some(f.kind.span());
    let nested = f.fields.take();
    if nested.is_some() && f.kind.get_ref() != "records" {
        return Err((
            "`fields` applies only to `records` fields".to_string(),
            None,
            kind_span,
        ));
    }
    if f.values_from.is_some() && !in_record {
        return Err((
            "`values_from` applies only to the fields of a `records` field".to_string(),
            Some("a record's field can take its values from one of the page's lists, as a decision point's `phase` does from `phases`".to_string()),
            kind_span,
        ));
    }
    if (f.key.is_some() || f.title.is_some() || f.group_by.is_some())
        && f.kind.get_ref() != "records"
    {
        return Err((
            "`key`, `title` and `group_by` apply only to `records` fields".to_string(),
            None,
            kind_span,
        ));
    }
    if in_record
        && matches!(
            f.kind.get_ref().as_str(),
            "text" | "reference" | "references" | "records"
        )
    {
        return Err((
            format!("a record's field cannot be of type `{}`", f.kind.get_ref()),
            Some("a record holds plain values: use `string`, `integer`, `boolean`, `date`, `list` or `enum`".to_string()),
            kind_span,
        ));
    }
    let kind = match f.kind.get_ref().as_str() {
        "records" => FieldKind::Records(Box::new(records_spec(
            nested.unwrap_or_default(),
            f.key.take(),
            f.title.take(),
            f.group_by.take(),
            collections,
            kind_span.clone(),
        )?)),
        "string" => FieldKind::String,
        "text" => FieldKind::Text,
        "integer" => FieldKind::Integer,
        "boolean" => FieldKind::Boolean,
        "date" => FieldKind::Date,
        "list" => FieldKind::List,
        "enum" => match f.values {
            Some(values) if !values.is_empty() => FieldKind::Enum(values),
            _ => {
                return Err((
                    "an enum needs its allowed `values`".to_string(),
                    Some("add `values = [\"…\", \"…\"]`".to_string()),
                    kind_span,
                ));
            }
        },
        kind @ ("reference" | "references") => {
            if let Some(c) = &f.collection
                && !collections.contains(c)
            {
                let near = did_you_mean(c, collections.iter().map(String::as_str));
                return Err((
                    format!("`collection = \"{c}\"` names no declared collection"),
                    near.map(|n| format!("did you mean `{n}`?")),
                    kind_span,
                ));
            }
            if kind == "reference" {
                FieldKind::Reference {
                    collection: f.collection,
                }
            } else {
                FieldKind::References {
                    collection: f.collection,
                }
            }
        }
        other => {
            let near = did_you_mean(other, TYPE_NAMES.iter().copied());
            return Err((
                format!("unknown type `{other}`"),
                Some(match near {
                    Some(n) => format!("did you mean `{n}`? types are {}", TYPE_NAMES.join(", ")),
                    None => format!("types are {}", TYPE_NAMES.join(", ")),
                }),
                kind_span,
            ));
        }
    };
    if COMMON_FIELDS.contains(&name) {
        return Err((
            format!("`{name}` is a common field every page has; it cannot be redeclared"),
            None,
            None,
        ));
    }
    let is_reference = matches!(
        kind,
        FieldKind::Reference { .. } | FieldKind::References { .. }
    );
    if !is_reference && (f.inverse.is_some() || f.acyclic) {
        return Err((
            "`inverse` and `acyclic` apply only to `reference` and `references` fields".to_string(),
            None,
            kind_span,
        ));
    }
    if let Some(v) = &f.vocabulary {
        if !matches!(kind, FieldKind::String | FieldKind::List) {
            return Err((
                "`vocabulary` applies only to `string` and `list` fields".to_string(),
                None,
                kind_span,
            ));
        }
        if !crate::controls::VOCABULARIES.contains(&v.as_str()) {
            return Err((
                format!("unknown vocabulary `{v}`"),
                Some(format!(
                    "vocabularies: {}",
                    crate::controls::VOCABULARIES.join(", ")
                )),
                kind_span,
            ));
        }
    }
    if f.sequence && !matches!(kind, FieldKind::References { .. }) {
        return Err((
            "`sequence` applies only to `references` fields".to_string(),
            None,
            kind_span,
        ));
    }
    let default = f.default.map(toml_to_json);
    Ok(FieldSpec {
        kind,
        required: f.required,
        default,
        label: f.label.unwrap_or_else(|| sentence_case(name)),
        inverse: f.inverse,
        acyclic: f.acyclic,
        sequence: f.sequence,
        vocabulary: f.vocabulary,
        values_from: f.values_from,
    })
}

/// The schema of a `records` field from its `fields`, `key`, `title` and `group_by`.
fn records_spec(
    raw: IndexMap<String, Spanned<RawField>>,
    key: Option<String>,
    title: Option<String>,
    group_by: Option<String>,
    collections: &[String],
    kind_span: Option<std::ops::Range<usize>>,
) -> Result<Records, FieldError> {
    if raw.is_empty() {
        return Err((
            "a `records` field needs the `fields` of one record".to_string(),
            Some("add `fields = { name = { type = \"string\", required = true } }`".to_string()),
            kind_span,
        ));
    }
    let mut fields = IndexMap::new();
    for (name, sf) in raw {
        let span = sf.span();
        let spec = field_spec_in(&name, sf.into_inner(), collections, true).map_err(
            |(msg, help, at)| {
                (
                    format!("record field `{name}`: {msg}"),
                    help,
                    at.or(Some(span)),
                )
            },
        )?;
        fields.insert(name, spec);
    }
    let names: Vec<&str> = fields.keys().map(String::as_str).collect();
    let check = |what: &str, v: &Option<String>| -> Result<(), FieldError> {
        match v {
            Some(n) if !fields.contains_key(n) => Err((
                format!("`{what} = \"{n}\"` names no field of the record"),
                Some(match did_you_mean(n, names.iter().copied()) {
                    Some(m) => format!("did you mean `{m}`?"),
                    None => format!("the record's fields are {}", names.join(", ")),
                }),
                kind_span.clone(),
            )),
            _ => Ok(()),
        }
    };
    check("key", &key)?;
    check("title", &title)?;
    check("group_by", &group_by)?;
    if let Some(k) = &key
        && (fields[k].kind != FieldKind::String || !fields[k].required)
    {
        return Err((
            format!("the key `{k}` must be a required `string` field"),
            Some(format!(
                "declare `{k} = {{ type = \"string\", required = true }}`"
            )),
            kind_span,
        ));
    }
    let title = title
        .or_else(|| key.clone())
        .unwrap_or_else(|| names[0].to_string());
    Ok(Records {
        fields,
        key,
        title,
        group_by,
    })
}

/// Converts a TOML value to JSON (dates become `YYYY-MM-DD` strings).
pub fn toml_to_json(v: toml::Value) -> serde_json::Value {
    use serde_json::Value as J;
    match v {
        toml::Value::String(s) => J::String(s),
        toml::Value::Integer(i) => J::from(i),
        toml::Value::Float(f) => serde_json::Number::from_f64(f).map_or(J::Null, J::Number),
        toml::Value::Boolean(b) => J::Bool(b),
        toml::Value::Datetime(d) => J::String(d.to_string()),
        toml::Value::Array(a) => J::Array(a.into_iter().map(toml_to_json).collect()),
        toml::Value::Table(t) => {
            J::Object(t.into_iter().map(|(k, v)| (k, toml_to_json(v))).collect())
        }
    }
}

/// Splits a base URL into its normalised form (ending in `/`) and its path.
fn normalize_base_url(url: &str) -> Result<(String, String), &'static str> {
    let url = url.trim();
    if url.is_empty() || url == "/" {
        return Ok(("/".into(), "/".into()));
    }
    let mut url = url.to_string();
    if !url.ends_with('/') {
        url.push('/');
    }
    if url.starts_with('/') {
        if url.starts_with("//") {
            return Err("must not start with `//`");
        }
        return Ok((url.clone(), url));
    }
    let rest = url
        .strip_prefix("https://")
        .or_else(|| url.strip_prefix("http://"))
        .ok_or("must start with `https://`, `http://` or `/`")?;
    let path = match rest.find('/') {
        Some(i) if i > 0 => rest[i..].to_string(),
        _ => return Err("has no host"),
    };
    if path.contains(['?', '#', ' ']) {
        return Err("must not contain a query, a fragment or spaces");
    }
    Ok((url, path))
}

/// Settings given on the command line in place of `canon.toml`'s.
#[derive(Debug, Clone, Default, Hash)]
pub struct Overrides {
    /// `--base-url`.
    pub base_url: Option<String>,
    /// `--output`.
    pub output_dir: Option<PathBuf>,
    /// `--index-links` (only turns them on).
    pub index_links: bool,
    /// `--broken-links`.
    pub broken_links: Option<BrokenLinks>,
}

impl Config {
    /// Applies command-line settings; the key changes with them.
    pub fn apply(&mut self, overrides: &Overrides) -> Result<(), String> {
        if let Some(url) = &overrides.base_url {
            let (u, p) = normalize_base_url(url).map_err(|why| format!("--base-url {why}"))?;
            self.base_url = u;
            self.base_path = p;
        }
        if let Some(out) = &overrides.output_dir {
            self.output_dir = out.clone();
        }
        self.index_links |= overrides.index_links;
        if let Some(b) = overrides.broken_links {
            self.broken_links = b;
        }
        let mut h = std::hash::DefaultHasher::new();
        (self.key, overrides).hash(&mut h);
        self.key = h.finish();
        Ok(())
    }

    /// A hash of what this configuration was made from (see the field).
    pub fn key(&self) -> u64 {
        self.key
    }

    /// An absolute URL for a site path (`/standards/x/` -> `https://example.org/standards/x/`).
    /// With no base URL set, the site path under the base path.
    pub fn absolute_url(&self, site_path: &str) -> String {
        format!("{}{}", self.base_url, site_path.trim_start_matches('/'))
    }

    /// A site path under the base path (`/standards/x/` -> `/docs/standards/x/`).
    pub fn rooted(&self, site_path: &str) -> String {
        format!("{}{}", self.base_path, site_path.trim_start_matches('/'))
    }

    /// Whether `base_url` names a host (so sitemap and feed URLs are absolute).
    pub fn has_host(&self) -> bool {
        self.base_url.starts_with("http")
    }

    /// The declared collection of this name, if any (for `page.collection`).
    pub fn collection_named(&self, name: Option<&str>) -> Option<&Collection> {
        name.and_then(|n| self.collections.get(n))
    }

    /// The collection and field mapping pages to ISO/IEC 27001 controls, if any.
    pub fn control_field(&self) -> Option<(&Collection, &str)> {
        self.collections.values().find_map(|c| {
            c.fields
                .iter()
                .find(|(_, f)| f.vocabulary.as_deref() == Some(crate::controls::ISO27001))
                .map(|(n, _)| (c, n.as_str()))
        })
    }

    /// Whether any collection declares a `review_due` date, so the site has a reviews page.
    pub fn has_reviews(&self) -> bool {
        self.collections.values().any(|c| {
            c.fields
                .get(crate::model::fields::REVIEW_DUE)
                .is_some_and(|f| f.kind == FieldKind::Date)
        })
    }

    /// The collection a content-relative path falls in (its first folder).
    pub fn collection_of(&self, rel: &str) -> Option<&Collection> {
        let first = rel.split('/').next()?;
        if first == rel {
            return None;
        }
        self.collections.get(first)
    }

    /// Every front-matter key a page of `collection` may have.
    pub fn known_fields<'a>(&'a self, collection: Option<&'a Collection>) -> BTreeSet<&'a str> {
        let mut known: BTreeSet<&str> = COMMON_FIELDS.iter().copied().collect();
        known.extend(self.taxonomies.keys().map(String::as_str));
        if let Some(c) = collection {
            known.extend(c.fields.keys().map(String::as_str));
        }
        known
    }
}

/// Checks a name used as one URL segment.
pub fn check_segment(name: &str) -> Result<(), &'static str> {
    if name.is_empty() {
        return Err("is empty");
    }
    if name == "."
        || name == ".."
        || name.contains(['/', '\\', '?', '#', '%', '\0'])
        || name.chars().any(char::is_whitespace)
    {
        return Err("must be one URL segment: no `/`, `\\`, `..`, `?`, `#`, `%` or spaces");
    }
    Ok(())
}

/// `last_reviewed` -> `Last reviewed`.
pub fn sentence_case(name: &str) -> String {
    let words = name.replace(['_', '-'], " ");
    let mut chars = words.chars();
    match chars.next() {
        Some(c) => c.to_uppercase().chain(chars).collect(),
        None => String::new(),
    }
}

/// A path as shown in diagnostics: relative to the current directory when it is under it.
pub fn display_name(path: &Path) -> String {
    // Read once: the process never changes its working folder.
    static CWD: std::sync::OnceLock<Option<PathBuf>> = std::sync::OnceLock::new();
    let cwd = CWD.get_or_init(|| std::env::current_dir().ok());
    let abs = if path.is_absolute() {
        path.to_path_buf()
    } else {
        cwd.as_deref()
            .map(|c| c.join(path))
            .unwrap_or_else(|| path.to_path_buf())
    };
    if let Some(rel) = cwd.as_deref().and_then(|c| abs.strip_prefix(c).ok()) {
        return rel.to_string_lossy().replace('\\', "/");
    }
    path.to_string_lossy().replace('\\', "/")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::diagnostics::SourceMap;
    use std::sync::Arc;

    fn parse_str(text: &str) -> (Option<Config>, Diagnostics, SourceMap) {
        let mut sources = SourceMap::default();
        let mut diags = Diagnostics::default();
        let id = sources.add("canon.toml", Arc::from(text));
        let c = parse(Path::new("/site"), id, text, &mut diags);
        (c, diags, sources)
    }

    #[test]
    fn reads_collections_fields_and_taxonomies_in_order() {
        let (c, diags, _) = parse_str(
            r#"
title = "Standards"
base_url = "https://example.org/standards"
[collections.standards]
id_field = "id"
[collections.standards.fields]
id = { type = "string", required = true }
status = { type = "enum", values = ["draft", "active"], default = "draft" }
owner = { type = "string" }
[taxonomies.audience]
terms = ["Clinicians"]
"#,
        );
        assert_eq!(diags.len(), 0, "{diags:?}");
        let c = c.expect("config");
        assert_eq!(c.base_url, "https://example.org/standards/");
        assert_eq!(c.base_path, "/standards/");
        let s = &c.collections["standards"];
        assert_eq!(
            s.fields.keys().collect::<Vec<_>>(),
            ["id", "status", "owner"]
        );
        assert_eq!(
            s.fields["status"].kind,
            FieldKind::Enum(vec!["draft".into(), "active".into()])
        );
        assert_eq!(s.fields["status"].default, Some(serde_json::json!("draft")));
        assert_eq!(c.taxonomies["audience"].title, "Audience");
        assert_eq!(c.absolute_url("/a/"), "https://example.org/standards/a/");
    }

    #[test]
    fn reports_bad_types_with_location_and_suggestion() {
        let text = "[collections.methods.fields]\nphase = { type = \"strng\" }\n";
        let (c, diags, sources) = parse_str(text);
        assert!(c.is_none());
        let out = crate::diagnostics::render::render_all(
            &diags,
            &sources,
            crate::diagnostics::render::Style::Short,
        );
        assert!(
            out.contains("canon.toml:2:18: error[config/field]"),
            "{out}"
        );
        assert!(out.contains("did you mean `string`?"), "{out}");
    }

    #[test]
    fn reports_unknown_keys_and_bad_base_url() {
        let (c, diags, sources) = parse_str("titel = \"x\"\n");
        assert!(c.is_none());
        let out = crate::diagnostics::render::render_all(
            &diags,
            &sources,
            crate::diagnostics::render::Style::Short,
        );
        assert!(
            out.contains("canon.toml:1:1: error[config/syntax]"),
            "{out}"
        );
        let (c, diags, _) = parse_str("base_url = \"ftp://x\"\n");
        assert!(c.is_none());
        assert_eq!(diags.errors(), 1);
    }

    #[test]
    fn vocabularies_are_checked() {
        let (c, _, _) = parse_str(
            "[collections.s.fields]\nc = { type = \"list\", vocabulary = \"iso27001\" }\n",
        );
        assert_eq!(
            c.expect("valid").collections["s"].fields["c"]
                .vocabulary
                .as_deref(),
            Some("iso27001")
        );
        let (c, diags, _) =
            parse_str("[collections.s.fields]\nc = { type = \"list\", vocabulary = \"nist\" }\n");
        assert!(c.is_none());
        assert!(
            diags
                .iter()
                .any(|d| d.message.contains("unknown vocabulary `nist`"))
        );
        let (c, _, _) = parse_str(
            "[collections.s.fields]\nc = { type = \"date\", vocabulary = \"iso27001\" }\n",
        );
        assert!(c.is_none());
    }

    #[test]
    fn taxonomy_may_not_shadow_a_field() {
        let (c, diags, _) = parse_str(
            "[collections.s.fields]\nstatus = { type = \"string\" }\n[taxonomies.status]\n",
        );
        assert!(c.is_none());
        assert!(diags.iter().any(|d| d.code == "config/taxonomy"));
    }
}
