//! Type checks for one front-matter value against its declared type.

use std::ops::Range;

use serde_json::Value;

use crate::config::FieldKind;
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
}

impl FieldValue {
    pub(crate) fn default_value(value: Value) -> Self {
        FieldValue {
            value,
            span: 0..0,
            items: Vec::new(),
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
    let ok = |value: Value| FieldValue {
        value,
        span: field.span.clone(),
        items: field.items.clone(),
    };
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
        FieldKind::List | FieldKind::References { .. } => {
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
            })
        }
        FieldKind::Enum(values) => {
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
