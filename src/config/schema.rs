//! Collections and their front-matter schemas: `[collections.<name>]` and its
//! `fields`, checked into [`Collection`] and [`FieldSpec`].

use std::collections::HashMap;

use indexmap::IndexMap;
use toml::Spanned;

use crate::diagnostics::{Diagnostic, Diagnostics, FileId, did_you_mean};

use super::fields::field_spec;
use super::raw::{RawCollection, RawField};
use super::{check_segment, sentence_case};

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

/// Every `[collections.<name>]`, in order, with its fields checked.
pub(super) fn collections(
    raw: IndexMap<String, Spanned<RawCollection>>,
    file: Option<FileId>,
    diags: &mut Diagnostics,
) -> IndexMap<String, Collection> {
    let names: Vec<String> = raw.keys().cloned().collect();
    let mut collections = IndexMap::new();
    for (name, spanned) in raw {
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
        let (fields, field_spans) = fields(&name, rc.fields, &names, file, diags);
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
            check_stage_lists(&name, &fields, &field_spans, file, diags);
        }
        let compare = compared(&name, rc.compare, &fields, file, diags);
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
    collections
}

/// A collection's fields that could be read, with where each is declared; the others are
/// errors.
fn fields(
    name: &str,
    raw: IndexMap<String, Spanned<RawField>>,
    collections: &[String],
    file: Option<FileId>,
    diags: &mut Diagnostics,
) -> (
    IndexMap<String, FieldSpec>,
    HashMap<String, std::ops::Range<usize>>,
) {
    let mut fields = IndexMap::new();
    let mut field_spans = HashMap::new();
    for (fname, sf) in raw {
        let fspan = sf.span();
        let f = sf.into_inner();
        match field_spec(&fname, f, collections) {
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
    (fields, field_spans)
}

/// A record's `values_from` names one of the same page's lists.
fn check_stage_lists(
    name: &str,
    fields: &IndexMap<String, FieldSpec>,
    field_spans: &HashMap<String, std::ops::Range<usize>>,
    file: FileId,
    diags: &mut Diagnostics,
) {
    let lists: Vec<&str> = fields
        .iter()
        .filter(|(_, f)| f.kind == FieldKind::List)
        .map(|(n, _)| n.as_str())
        .collect();
    for (fname, f) in fields {
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

/// The fields a comparison page shows (`compare = [...]`): those that are fields of the
/// collection; any other is an error.
fn compared(
    name: &str,
    compare: Option<Spanned<Vec<String>>>,
    fields: &IndexMap<String, FieldSpec>,
    file: Option<FileId>,
    diags: &mut Diagnostics,
) -> Vec<String> {
    let Some(c) = compare else {
        return Vec::new();
    };
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
                    None => format!(
                        "its fields are {}",
                        fields.keys().cloned().collect::<Vec<_>>().join(", ")
                    ),
                }),
            );
        }
    }
    names
        .into_iter()
        .filter(|n| fields.contains_key(n))
        .collect()
}
