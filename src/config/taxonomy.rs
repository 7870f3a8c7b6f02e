//! Taxonomies: `[taxonomies.<name>]`, the shared terms pages are filed under.

use indexmap::IndexMap;
use toml::Spanned;

use crate::diagnostics::{Diagnostic, Diagnostics, FileId};

use super::raw::RawTaxonomy;
use super::{COMMON_FIELDS, Collection, check_segment, sentence_case};

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

/// Every `[taxonomies.<name>]`, in order. A taxonomy's name may not be a front-matter field's
/// or a collection's: each would claim the same key or the same URL.
pub(super) fn taxonomies(
    raw: IndexMap<String, Spanned<RawTaxonomy>>,
    collections: &IndexMap<String, Collection>,
    file: Option<FileId>,
    diags: &mut Diagnostics,
) -> IndexMap<String, Taxonomy> {
    let mut taxonomies = IndexMap::new();
    for (name, spanned) in raw {
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
    taxonomies
}
