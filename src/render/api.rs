//! Open data: every collection and the glossary as JSON (`/api/<collection>.json`,
//! `/api/glossary.json`), each with a JSON Schema beside it (`….schema.json`), so other systems
//! can consume the guidance without scraping it.

use serde_json::{Map, Value, json};

use super::graph::Graph;
use crate::model::requirement::Requirement;
use indexmap::IndexMap;

use crate::config::{Collection, Config, FieldKind, FieldSpec};
use crate::resolve::Site;

/// The JSON Schema dialect the schemas use.
const DIALECT: &str = "https://json-schema.org/draft/2020-12/schema";

/// Every open-data file as (output path, JSON text); with `contents` false, only the paths
/// (the texts are empty), for `canon check`.
/// `requirements[i]` are page `i`'s numbered requirements.
pub fn files(
    site: &Site,
    config: &Config,
    graph: &Graph,
    requirements: &[&[Requirement]],
    contents: bool,
) -> Vec<(String, String)> {
    let text = |value: &dyn Fn() -> Value| {
        if contents {
            pretty(&value())
        } else {
            String::new()
        }
    };
    let mut out = Vec::new();
    for c in config.collections.values() {
        out.push((
            format!("api/{}.json", c.name),
            text(&|| collection(site, config, graph, requirements, c)),
        ));
        out.push((
            format!("api/{}.schema.json", c.name),
            text(&|| collection_schema(config, c)),
        ));
    }
    if let Some(g) = &site.glossary {
        out.push((
            "api/glossary.json".into(),
            text(&|| glossary(site, config, g)),
        ));
        out.push(("api/glossary.schema.json".into(), text(&glossary_schema)));
    }
    out
}

/// The glossary's terms as open data.
fn glossary(site: &Site, config: &Config, g: &crate::resolve::glossary::Glossary) -> Value {
    let terms: Vec<Value> = g
        .entries
        .iter()
        .map(|e| {
            json!({
                "term": e.term,
                "id": e.id,
                "url": config.absolute_url(&format!("{}#{}", g.path, e.id)),
                "abbreviation": e.abbreviation,
                "aliases": e.aliases,
                "avoid": e.avoid,
                "related": e.related.iter().map(|&r| g.entries[r].term.clone()).collect::<Vec<_>>(),
                "definition": site.pages[e.page].body_text().trim(),
            })
        })
        .collect();
    json!({"title": config.glossary.as_ref().map(|g| g.title.clone()), "terms": terms})
}

fn pretty(v: &Value) -> String {
    let mut s = serde_json::to_string_pretty(v).unwrap_or_default();
    s.push('\n');
    s
}

fn collection(
    site: &Site,
    config: &Config,
    graph: &Graph,
    requirements: &[&[Requirement]],
    c: &Collection,
) -> Value {
    let mut items = Vec::new();
    for (i, p) in site.pages.iter().enumerate() {
        if !site.own_page[i] || p.collection.as_deref() != Some(c.name.as_str()) {
            continue;
        }
        let mut fields = Map::new();
        for (name, spec) in &c.fields {
            let Some(v) = p.fields.get(name) else {
                continue;
            };
            if matches!(
                spec.kind,
                FieldKind::Reference { .. } | FieldKind::References { .. }
            ) {
                continue;
            }
            fields.insert(name.clone(), v.value.clone());
        }
        let mut relationships = Map::new();
        for (name, targets) in &site.references[i] {
            relationships.insert(
                name.clone(),
                Value::Array(targets.iter().map(|&t| link(site, config, t)).collect()),
            );
        }
        let inverse: Map<String, Value> = graph.inverse[i]
            .iter()
            .map(|(label, pages)| {
                (
                    label.clone(),
                    Value::Array(pages.iter().map(|&t| link(site, config, t)).collect()),
                )
            })
            .collect();
        let taxonomies: Map<String, Value> = p
            .taxonomies
            .iter()
            .map(|(name, terms)| {
                (
                    name.clone(),
                    Value::Array(
                        terms
                            .iter()
                            .map(|(t, _)| Value::String(t.clone()))
                            .collect(),
                    ),
                )
            })
            .collect();
        items.push(json!({
            "id": c.id_field.as_ref().and_then(|f| p.fields.get(f)).and_then(|v| v.value.as_str()),
            "title": p.title,
            "description": p.description,
            "url": config.absolute_url(&site.paths[i]),
            "source": p.rel,
            "date": p.date,
            "updated": p.updated,
            "fields": fields,
            "taxonomies": taxonomies,
            "relationships": relationships,
            "referenced_as": inverse,
            "requirements": requirements.get(i).copied().unwrap_or_default().iter().map(|r| json!({
                "id": r.id,
                "number": r.number,
                "keyword": r.keyword,
                "level": r.level,
                "text": r.text,
                "url": format!("{}#{}", config.absolute_url(&site.paths[i]), r.id),
            })).collect::<Vec<_>>(),
        }));
    }
    json!({"collection": c.name, "title": c.title, "description": c.description, "items": items})
}

fn link(site: &Site, config: &Config, t: usize) -> Value {
    let p = &site.pages[t];
    let id = config
        .collection_named(p.collection.as_deref())
        .and_then(|c| c.id_field.as_ref())
        .and_then(|f| p.fields.get(f))
        .and_then(|v| v.value.as_str());
    json!({"title": p.title, "url": config.absolute_url(&site.paths[t]), "id": id})
}

fn field_schema(kind: &FieldKind) -> Value {
    match kind {
        FieldKind::String | FieldKind::Text => json!({"type": "string"}),
        FieldKind::Integer => json!({"type": "integer"}),
        FieldKind::Boolean => json!({"type": "boolean"}),
        FieldKind::Date => json!({"type": "string", "format": "date"}),
        FieldKind::List => json!({"type": "array", "items": {"type": "string"}}),
        FieldKind::Enum(values) => json!({"type": "string", "enum": values}),
        FieldKind::Reference { .. } | FieldKind::References { .. } => json!({"type": "array"}),
        FieldKind::Records(r) => {
            let (props, required) = fields_schema(&r.fields);
            json!({"type": "array", "items": {"type": "object", "properties": props, "required": required, "additionalProperties": false}})
        }
    }
}

/// The properties of a set of fields (references left out: they are relationships) and the
/// names of those required.
fn fields_schema(fields: &IndexMap<String, FieldSpec>) -> (Map<String, Value>, Vec<String>) {
    let mut props = Map::new();
    let mut required = Vec::new();
    for (name, spec) in fields {
        if matches!(
            spec.kind,
            FieldKind::Reference { .. } | FieldKind::References { .. }
        ) {
            continue;
        }
        let mut s = field_schema(&spec.kind);
        if let Some(obj) = s.as_object_mut() {
            obj.insert("title".into(), Value::String(spec.label.clone()));
        }
        props.insert(name.clone(), s);
        if spec.required {
            required.push(name.clone());
        }
    }
    (props, required)
}

fn link_schema() -> Value {
    json!({"type": "object", "required": ["title", "url"], "properties": {"title": {"type": "string"}, "url": {"type": "string"}, "id": {"type": ["string", "null"]}}, "additionalProperties": false})
}

fn collection_schema(config: &Config, c: &Collection) -> Value {
    let (props, required) = fields_schema(&c.fields);
    let relationship_names: Vec<&String> = c
        .fields
        .iter()
        .filter(|(_, f)| {
            matches!(
                f.kind,
                FieldKind::Reference { .. } | FieldKind::References { .. }
            )
        })
        .map(|(n, _)| n)
        .collect();
    let mut relationships = Map::new();
    for n in relationship_names {
        relationships.insert(n.clone(), json!({"type": "array", "items": link_schema()}));
    }
    let taxonomies: Map<String, Value> = config
        .taxonomies
        .iter()
        .map(|(name, t)| {
            let items = match &t.terms {
                Some(terms) => json!({"type": "string", "enum": terms}),
                None => json!({"type": "string"}),
            };
            (name.clone(), json!({"type": "array", "items": items}))
        })
        .collect();
    json!({
        "$schema": DIALECT,
        "$id": config.absolute_url(&format!("/api/{}.schema.json", c.name)),
        "title": c.title,
        "type": "object",
        "required": ["collection", "title", "items"],
        "properties": {
            "collection": {"const": c.name},
            "title": {"type": "string"},
            "description": {"type": "string"},
            "items": {"type": "array", "items": {
                "type": "object",
                "required": ["title", "url", "source", "fields", "taxonomies", "relationships", "referenced_as", "requirements"],
                "properties": {
                    "id": {"type": ["string", "null"]},
                    "title": {"type": "string"},
                    "description": {"type": ["string", "null"]},
                    "url": {"type": "string"},
                    "source": {"type": "string"},
                    "date": {"type": ["string", "null"], "format": "date"},
                    "updated": {"type": ["string", "null"], "format": "date"},
                    "fields": {"type": "object", "properties": props, "required": required, "additionalProperties": false},
                    "taxonomies": {"type": "object", "properties": taxonomies, "additionalProperties": false},
                    "relationships": {"type": "object", "properties": relationships, "additionalProperties": false},
                    "referenced_as": {"type": "object", "additionalProperties": {"type": "array", "items": link_schema()}},
                    "requirements": {"type": "array", "items": requirement_schema()},
                },
                "additionalProperties": false,
            }},
        },
        "additionalProperties": false,
    })
}

/// One numbered requirement.
fn requirement_schema() -> Value {
    json!({
        "type": "object",
        "required": ["id", "number", "keyword", "level", "text", "url"],
        "properties": {
            "id": {"type": "string"},
            "number": {"type": "integer", "minimum": 1},
            "keyword": {"enum": ["MUST", "MUST NOT", "REQUIRED", "SHALL", "SHALL NOT", "SHOULD", "SHOULD NOT", "RECOMMENDED", "NOT RECOMMENDED", "MAY", "OPTIONAL"]},
            "level": {"enum": ["must", "must-not", "should", "should-not", "may"]},
            "text": {"type": "string"},
            "url": {"type": "string"},
        },
        "additionalProperties": false,
    })
}

fn glossary_schema() -> Value {
    json!({
        "$schema": DIALECT,
        "title": "Glossary",
        "type": "object",
        "required": ["terms"],
        "properties": {
            "title": {"type": ["string", "null"]},
            "terms": {"type": "array", "items": {
                "type": "object",
                "required": ["term", "id", "url", "aliases", "avoid", "related", "definition"],
                "properties": {
                    "term": {"type": "string"},
                    "id": {"type": "string"},
                    "url": {"type": "string"},
                    "abbreviation": {"type": ["string", "null"]},
                    "aliases": {"type": "array", "items": {"type": "string"}},
                    "avoid": {"type": "array", "items": {"type": "string"}},
                    "related": {"type": "array", "items": {"type": "string"}},
                    "definition": {"type": "string"},
                },
                "additionalProperties": false,
            }},
        },
        "additionalProperties": false,
    })
}
