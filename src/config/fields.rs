//! One front-matter field's declaration, `[collections.<name>.fields.<field>]`, checked into a
//! [`FieldSpec`]: its type, what that type takes, and the options only some types have.

use indexmap::IndexMap;
use toml::Spanned;

use crate::diagnostics::did_you_mean;

use super::raw::RawField;
use super::schema::{FieldKind, FieldSpec, Records};
use super::{COMMON_FIELDS, sentence_case};

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

pub(super) type FieldError = (String, Option<String>, Option<std::ops::Range<usize>>);

pub(super) fn field_spec(
    name: &str,
    f: RawField,
    collections: &[String],
) -> Result<FieldSpec, FieldError> {
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
    check_type_keys(&f, nested.is_some(), in_record, &kind_span)?;
    let kind = field_kind(&mut f, nested, collections, &kind_span)?;
    check_options(name, &kind, &f, &kind_span)?;
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

/// Keys that only some types take: `fields`, `key`, `title` and `group_by` only `records`,
/// `values_from` only a record's fields, which hold plain values.
fn check_type_keys(
    f: &RawField,
    nested: bool,
    in_record: bool,
    kind_span: &Option<std::ops::Range<usize>>,
) -> Result<(), FieldError> {
    let kind_span = kind_span.clone();
    if nested && f.kind.get_ref() != "records" {
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
    Ok(())
}

/// The field's type, from `type` and what that type takes (`values`, `collection`, a record's
/// `fields`).
fn field_kind(
    f: &mut RawField,
    nested: Option<IndexMap<String, Spanned<RawField>>>,
    collections: &[String],
    kind_span: &Option<std::ops::Range<usize>>,
) -> Result<FieldKind, FieldError> {
    let kind_span = kind_span.clone();
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
        "enum" => match f.values.take() {
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
                    collection: f.collection.take(),
                }
            } else {
                FieldKind::References {
                    collection: f.collection.take(),
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
    Ok(kind)
}

/// The options that only some types take (`inverse`, `acyclic`, `vocabulary`, `sequence`),
/// and names no collection may redeclare.
fn check_options(
    name: &str,
    kind: &FieldKind,
    f: &RawField,
    kind_span: &Option<std::ops::Range<usize>>,
) -> Result<(), FieldError> {
    let kind_span = kind_span.clone();
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
    Ok(())
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
