//! TOML front matter (between `+++` lines), read with toml's span-keeping parser.

use std::ops::Range;

use indexmap::IndexMap;
use serde_json::Value;

use super::{Field, FrontMatter, SyntaxError};

pub(super) fn parse_toml(matter: &str, base: usize) -> Result<FrontMatter, SyntaxError> {
    let table = toml::de::DeTable::parse(matter).map_err(|e| {
        let span = e.span().unwrap_or(0..0);
        SyntaxError {
            code: None,
            first: None,
            message: format!("invalid TOML: {}", e.message().lines().next().unwrap_or("")),
            span: base + span.start..base + span.end,
        }
    })?;
    Ok(FrontMatter {
        fields: toml_fields(table.get_ref(), base),
    })
}

/// The fields of a TOML table, with spans moved by `base`.
pub(super) fn toml_fields(table: &toml::de::DeTable<'_>, base: usize) -> IndexMap<String, Field> {
    let to_file = |r: Range<usize>| base + r.start..base + r.end;
    let mut fields = IndexMap::new();
    for (key, value) in table.iter() {
        let (items, tables) = match value.get_ref() {
            toml::de::DeValue::Array(a) => (
                a.iter().map(|v| to_file(v.span())).collect(),
                a.iter()
                    .map(|v| match v.get_ref() {
                        toml::de::DeValue::Table(t) => toml_fields(t, base),
                        _ => IndexMap::new(),
                    })
                    .collect(),
            ),
            _ => (Vec::new(), Vec::new()),
        };
        fields.insert(
            key.get_ref().to_string(),
            Field {
                value: de_to_json(value.get_ref()),
                key: to_file(key.span()),
                span: to_file(value.span()),
                items,
                tables,
            },
        );
    }
    fields
}

pub(super) fn de_to_json(v: &toml::de::DeValue<'_>) -> Value {
    use toml::de::DeValue as D;
    match v {
        D::String(s) => Value::String(s.to_string()),
        D::Integer(i) => {
            let digits = i.as_str().replace('_', "");
            let digits = digits
                .trim_start_matches("0x")
                .trim_start_matches("0o")
                .trim_start_matches("0b");
            i64::from_str_radix(digits, i.radix()).map_or(Value::Null, Value::from)
        }
        D::Float(f) => f
            .as_str()
            .replace('_', "")
            .parse::<f64>()
            .ok()
            .and_then(serde_json::Number::from_f64)
            .map_or(Value::Null, Value::Number),
        D::Boolean(b) => Value::Bool(*b),
        D::Datetime(d) => Value::String(d.to_string()),
        D::Array(a) => Value::Array(a.iter().map(|v| de_to_json(v.get_ref())).collect()),
        D::Table(t) => Value::Object(
            t.iter()
                .map(|(k, v)| (k.get_ref().to_string(), de_to_json(v.get_ref())))
                .collect(),
        ),
    }
}
