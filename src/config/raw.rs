//! The raw tables of `canon.toml` as serde reads them, before any check: every key optional,
//! unknown keys refused, with the spans diagnostics point at.

use indexmap::IndexMap;
use serde::Deserialize;
use toml::Spanned;

#[derive(Deserialize, Default)]
#[serde(deny_unknown_fields)]
pub(super) struct RawConfig {
    pub(super) title: Option<String>,
    pub(super) description: Option<String>,
    pub(super) base_url: Option<Spanned<String>>,
    pub(super) language: Option<String>,
    pub(super) theme: Option<String>,
    pub(super) content_dir: Option<String>,
    pub(super) output_dir: Option<String>,
    pub(super) index_links: Option<bool>,
    pub(super) feed_limit: Option<usize>,
    pub(super) broken_links: Option<Spanned<String>>,
    pub(super) glossary: Option<RawGlossary>,
    pub(super) search: Option<bool>,
    pub(super) markdown: Option<RawMarkdown>,
    #[serde(default)]
    pub(super) collections: IndexMap<String, Spanned<RawCollection>>,
    #[serde(default)]
    pub(super) taxonomies: IndexMap<String, Spanned<RawTaxonomy>>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct RawCollection {
    pub(super) title: Option<String>,
    pub(super) description: Option<String>,
    pub(super) id_field: Option<String>,
    pub(super) singular: Option<String>,
    #[serde(default)]
    pub(super) fields: IndexMap<String, Spanned<RawField>>,
    pub(super) compare: Option<Spanned<Vec<String>>>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct RawField {
    #[serde(rename = "type")]
    pub(super) kind: Spanned<String>,
    #[serde(default)]
    pub(super) required: bool,
    pub(super) default: Option<toml::Value>,
    pub(super) values: Option<Vec<String>>,
    pub(super) collection: Option<String>,
    pub(super) label: Option<String>,
    pub(super) inverse: Option<String>,
    #[serde(default)]
    pub(super) acyclic: bool,
    #[serde(default)]
    pub(super) sequence: bool,
    pub(super) vocabulary: Option<String>,
    /// For `records`: the fields of one record.
    pub(super) fields: Option<IndexMap<String, Spanned<RawField>>>,
    pub(super) key: Option<String>,
    pub(super) title: Option<String>,
    pub(super) group_by: Option<String>,
    pub(super) values_from: Option<String>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct RawMarkdown {
    pub(super) raw_html: Option<bool>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct RawGlossary {
    pub(super) dir: Option<String>,
    pub(super) title: Option<String>,
    pub(super) autolink: Option<bool>,
    pub(super) lint: Option<bool>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct RawTaxonomy {
    pub(super) title: Option<String>,
    pub(super) description: Option<String>,
    pub(super) terms: Option<Vec<String>>,
    #[serde(default)]
    pub(super) avoid: IndexMap<String, String>,
}
