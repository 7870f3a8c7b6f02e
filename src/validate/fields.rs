//! Type checks for one front-matter value against its declared type.

use std::ops::Range;

use serde_json::Value;

use indexmap::IndexMap;

use crate::config::{FieldKind, Records};
use crate::diagnostics::did_you_mean;
use crate::load::frontmatter::Field;

/// A checked field value with its spans.
#[derive(Debug, Clone, PartialEq)]
pub struct FieldValue {
    /// The normalised value: dates as `YYYY-MM-DD`, lists as arrays of strings.
    pub value: Value,
    /// Where the value is written (empty for defaults).
    pub span: Range<usize>,
    /// Where each list item is written.
    pub items: Vec<Range<usize>>,
    /// For records: each record's checked fields, with their spans.
    pub records: Vec<IndexMap<String, FieldValue>>,
}

impl FieldValue {
    /// A checked value of `field`, where it was written.
    fn scalar(field: &Field, value: Value) -> Self {
        FieldValue {
            value,
            span: field.span.clone(),
            items: field.items.clone(),
            records: Vec::new(),
        }
    }

    pub(crate) fn default_value(value: Value) -> Self {
        FieldValue {
            value,
            span: 0..0,
            items: Vec::new(),
            records: Vec::new(),
        }
    }

    /// The items of a list (or the one string) with their spans.
    pub fn strings_with_spans(&self) -> Vec<(String, Range<usize>)> {
        match &self.value {
            Value::Array(a) => a
                .iter()
                .enumerate()
                .filter_map(|(i, v)| {
                    v.as_str().map(|s| {
                        (
                            s.to_string(),
                            self.items.get(i).cloned().unwrap_or(self.span.clone()),
                        )
                    })
                })
                .collect(),
            Value::String(s) => vec![(s.clone(), self.span.clone())],
            _ => Vec::new(),
        }
    }
}

/// Why a value does not fit its type.
#[derive(Debug)]
pub(crate) struct FieldError {
    pub(crate) code: &'static str,
    pub(crate) message: String,
    pub(crate) label: &'static str,
    pub(crate) span: Range<usize>,
    pub(crate) help: Option<String>,
}

fn type_error(expected: &str, field: &Field, found: &Value) -> FieldError {
    FieldError {
        code: "schema/type",
        message: format!("must be {expected}, found {}", describe(found)),
        label: "wrong type",
        span: field.span.clone(),
        help: None,
    }
}

fn describe(v: &Value) -> &'static str {
    match v {
        Value::Null => "nothing",
        Value::Bool(_) => "a boolean",
        Value::Number(n) if n.is_i64() || n.is_u64() => "an integer",
        Value::Number(_) => "a number",
        Value::String(_) => "a string",
        Value::Array(_) => "a list",
        Value::Object(_) => "a table",
    }
}

/// A scalar as text: strings as they are, numbers and booleans as written in the source (so
/// `version: 1.10` stays `1.10`).
fn scalar_text(v: &Value, span: &Range<usize>, text: &str) -> Option<String> {
    match v {
        Value::String(s) => Some(s.clone()),
        Value::Number(_) | Value::Bool(_) => {
            let raw = text.get(span.clone()).unwrap_or("").trim();
            Some(if raw.is_empty() {
                v.to_string()
            } else {
                raw.trim_matches(['"', '\'']).to_string()
            })
        }
        _ => None,
    }
}

/// Parses `YYYY-MM-DD` (a TOML date-time keeps its date part).
pub fn parse_date(s: &str) -> Option<jiff::civil::Date> {
    let s = s.trim();
    let date = s.get(..10).unwrap_or(s);
    if date.len() != 10 || (s.len() > 10 && !matches!(s.as_bytes()[10], b'T' | b't' | b' ')) {
        return None;
    }
    date.parse::<jiff::civil::Date>().ok()
}

pub(crate) fn check(kind: &FieldKind, field: &Field, text: &str) -> Result<FieldValue, FieldError> {
    let v = &field.value;
    let ok = |value: Value| FieldValue::scalar(field, value);
    match kind {
        FieldKind::String | FieldKind::Text | FieldKind::Reference { .. } => {
            match scalar_text(v, &field.span, text) {
                Some(s) => Ok(ok(Value::String(s))),
                None => Err(type_error("a string", field, v)),
            }
        }
        FieldKind::Integer => match v.as_i64() {
            Some(i) => Ok(ok(Value::from(i))),
            None => Err(type_error("an integer", field, v)),
        },
        FieldKind::Boolean => match v.as_bool() {
            Some(b) => Ok(ok(Value::Bool(b))),
            None => Err(type_error("`true` or `false`", field, v)),
        },
        FieldKind::Date => {
            let Some(s) = v.as_str() else {
                return Err(type_error("a date (YYYY-MM-DD)", field, v));
            };
            match parse_date(s) {
                Some(d) => Ok(ok(Value::String(d.to_string()))),
                None => Err(FieldError {
                    code: "schema/date",
                    message: format!("is not a valid date: `{s}`"),
                    label: "not a date",
                    span: field.span.clone(),
                    help: Some("write dates as YYYY-MM-DD, e.g. 2025-03-31".into()),
                }),
            }
        }
        FieldKind::List | FieldKind::References { .. } => check_list(field, text),
        FieldKind::Records(_) => Err(type_error("a list of tables", field, v)),
        FieldKind::Enum(values) => check_enum(values, field, text),
    }
}

/// A `list` or `references` value: a list of strings (one string is a list of one).
fn check_list(field: &Field, text: &str) -> Result<FieldValue, FieldError> {
    let v = &field.value;
    let items: Vec<(&Value, Range<usize>)> = match v {
        Value::Array(a) => a
            .iter()
            .enumerate()
            .map(|(i, x)| (x, field.items.get(i).cloned().unwrap_or(field.span.clone())))
            .collect(),
        Value::String(_) => vec![(v, field.span.clone())],
        Value::Null => Vec::new(),
        _ => return Err(type_error("a list of strings", field, v)),
    };
    let mut out = Vec::new();
    let mut spans = Vec::new();
    for (x, span) in items {
        match scalar_text(x, &span, text) {
            Some(s) => {
                out.push(Value::String(s));
                spans.push(span);
            }
            None => {
                return Err(FieldError {
                    code: "schema/type",
                    message: format!("items must be strings, found {}", describe(x)),
                    label: "not a string",
                    span,
                    help: None,
                });
            }
        }
    }
    Ok(FieldValue {
        value: Value::Array(out),
        span: field.span.clone(),
        items: spans,
        records: Vec::new(),
    })
}

/// An `enum` value: one of the allowed values, else the nearest named.
fn check_enum(values: &[String], field: &Field, text: &str) -> Result<FieldValue, FieldError> {
    let v = &field.value;
    let ok = |value: Value| FieldValue::scalar(field, value);
    let Some(s) = scalar_text(v, &field.span, text) else {
        return Err(type_error(
            &format!("one of {}", values.join(", ")),
            field,
            v,
        ));
    };
    if values.iter().any(|a| a == &s) {
        return Ok(ok(Value::String(s)));
    }
    let near = did_you_mean(&s, values.iter().map(String::as_str));
    Err(FieldError {
        code: "schema/enum",
        message: format!("is not one of {}", values.join(", ")),
        label: "not an allowed value",
        span: field.span.clone(),
        help: Some(match near {
            Some(n) => format!("did you mean `{n}`?"),
            None => format!("use one of {}", values.join(", ")),
        }),
    })
}

/// What checking a `records` field found: its value (unless it is not a list at all), and
/// every error and warning in its items.
pub(crate) struct RecordsCheck {
    pub(crate) value: Option<FieldValue>,
    pub(crate) errors: Vec<FieldError>,
    pub(crate) warnings: Vec<FieldError>,
}

/// The anchor of a record on its page, from its key (`DP1` -> `dp1`).
pub fn record_anchor(key: &str) -> String {
    crate::model::paths::heading_id(key)
}

/// Checks each item of a `records` field against the record schema, reporting every problem
/// at the item or value it concerns.
pub(crate) fn check_records(spec: &Records, field: &Field, text: &str) -> RecordsCheck {
    let mut out = RecordsCheck {
        value: None,
        errors: Vec::new(),
        warnings: Vec::new(),
    };
    let items: &[Value] = match &field.value {
        Value::Array(a) => a,
        Value::Null => &[],
        other => {
            out.errors
                .push(type_error("a list of tables", field, other));
            return out;
        }
    };
    let names: Vec<&str> = spec.fields.keys().map(String::as_str).collect();
    let mut values = Vec::new();
    let mut records = Vec::new();
    let mut keys: std::collections::HashMap<String, usize> = std::collections::HashMap::new();
    for (i, item) in items.iter().enumerate() {
        let n = i + 1;
        let item_span = field.items.get(i).cloned().unwrap_or(field.span.clone());
        let Value::Object(obj) = item else {
            out.errors.push(FieldError {
                code: "schema/type",
                message: format!(
                    "item {n} must be a table of {}, found {}",
                    names.join(", "),
                    describe(item)
                ),
                label: "not a table",
                span: item_span,
                help: Some(format!(
                    "write each item as `- {}: …` with the other fields indented under it",
                    names[0]
                )),
            });
            continue;
        };
        let located = field.tables.get(i);
        let (value, checked) =
            check_record_fields(spec, obj, located, &item_span, n, text, &mut out);
        unknown_keys(spec, obj, located, &item_span, n, &mut out);
        if let Some(key) = &spec.key
            && let Some(k) = checked.get(key)
        {
            let id = record_anchor(k.value.as_str().unwrap_or(""));
            if let Some(first) = keys.get(&id) {
                out.errors.push(FieldError {
                    code: "schema/duplicate",
                    message: format!(
                        "item {n}: `{key}` `{}` is item {first}'s anchor too",
                        k.value.as_str().unwrap_or("")
                    ),
                    label: "used twice",
                    span: k.span.clone(),
                    help: Some(format!("each record's `{key}` becomes its anchor on the page (`#{id}`), so it must be unique, ignoring case")),
                });
            } else {
                keys.insert(id, n);
            }
        }
        values.push(Value::Object(value));
        records.push(checked);
    }
    out.value = Some(FieldValue {
        value: Value::Array(values),
        span: field.span.clone(),
        items: field.items.clone(),
        records,
    });
    out
}

/// The fields of record `n` checked against the record schema (defaults filled in); errors
/// go into `out`.
fn check_record_fields(
    spec: &Records,
    obj: &serde_json::Map<String, Value>,
    located: Option<&IndexMap<String, Field>>,
    item_span: &Range<usize>,
    n: usize,
    text: &str,
    out: &mut RecordsCheck,
) -> (serde_json::Map<String, Value>, IndexMap<String, FieldValue>) {
    let mut value = serde_json::Map::new();
    let mut checked = IndexMap::new();
    for (name, sub) in &spec.fields {
        let Some(v) = obj.get(name) else {
            if let Some(d) = &sub.default {
                value.insert(name.clone(), d.clone());
            } else if sub.required {
                out.errors.push(FieldError {
                    code: "schema/missing",
                    message: format!("item {n} is missing required field `{name}`"),
                    label: "in this item",
                    span: item_span.clone(),
                    help: Some(format!("add `{name}: …` to the item")),
                });
            }
            continue;
        };
        let at = located
            .and_then(|t| t.get(name))
            .cloned()
            .unwrap_or_else(|| Field {
                value: v.clone(),
                key: item_span.clone(),
                span: item_span.clone(),
                items: Vec::new(),
                tables: Vec::new(),
            });
        match check(&sub.kind, &at, text) {
            Ok(fv) => {
                value.insert(name.clone(), fv.value.clone());
                checked.insert(name.clone(), fv);
            }
            Err(mut e) => {
                e.message = format!("item {n}: `{name}` {}", e.message);
                out.errors.push(e);
            }
        }
    }
    (value, checked)
}

/// A warning for each key of record `n` that is not one of the record's fields.
fn unknown_keys(
    spec: &Records,
    obj: &serde_json::Map<String, Value>,
    located: Option<&IndexMap<String, Field>>,
    item_span: &Range<usize>,
    n: usize,
    out: &mut RecordsCheck,
) {
    let names: Vec<&str> = spec.fields.keys().map(String::as_str).collect();
    for key in obj.keys().filter(|k| !spec.fields.contains_key(*k)) {
        let span = located
            .and_then(|t| t.get(key))
            .map_or(item_span.clone(), |f| f.key.clone());
        out.warnings.push(FieldError {
            code: "schema/unknown-field",
            message: format!("item {n}: `{key}` is not a field of this record"),
            label: "unknown field",
            span,
            help: Some(match did_you_mean(key, names.iter().copied()) {
                Some(m) => format!("did you mean `{m}`?"),
                None => format!("a record has {}", names.join(", ")),
            }),
        });
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dates() {
        assert!(parse_date("2024-02-29").is_some());
        assert!(parse_date("2023-02-29").is_none());
        assert!(parse_date("2024-03-01T10:00:00Z").is_some());
        assert!(parse_date("1 July 2019").is_none());
        assert!(parse_date("2024-03-0").is_none());
    }
}
