//! A page as checked: its front matter read against its collection's schema, ready for
//! resolving.

use std::ops::Range;
use std::sync::Arc;

use indexmap::IndexMap;
use serde_json::Value;

use crate::diagnostics::FileId;
use crate::load::RawPage;
use crate::load::frontmatter::Split;

use super::fields::FieldValue;

/// A page whose front matter passed its schema.
#[derive(Debug, Clone)]
pub struct Page {
    /// Its id in the source map.
    pub file: FileId,
    /// Path under the content folder (`standards/access-control.md`).
    pub rel: String,
    /// The whole file text.
    pub text: Arc<str>,
    /// The Markdown body, as a range of `text`.
    pub body: Range<usize>,
    /// The opening front-matter delimiter (or 0..0), where "missing field" points.
    pub matter_open: Range<usize>,
    /// The declared collection it is in, if any.
    pub collection: Option<String>,
    /// Title: front matter, else the first `#` heading, else the file name.
    pub title: String,
    /// Description, if given.
    pub description: Option<String>,
    /// Publication date (`YYYY-MM-DD`).
    pub date: Option<String>,
    /// Last update (`YYYY-MM-DD`).
    pub updated: Option<String>,
    /// Excluded from builds without `--drafts`.
    pub draft: bool,
    /// Order in listings (lower first), then title.
    pub weight: i64,
    /// Old URLs that redirect here, with their spans.
    pub aliases: Vec<(String, Range<usize>)>,
    /// Replaces the last URL segment.
    pub slug: Option<(String, Range<usize>)>,
    /// A template to use instead of `page.html`.
    pub template: Option<String>,
    /// Schema fields in schema order (defaults filled in).
    pub fields: IndexMap<String, FieldValue>,
    /// Fields of pages outside any collection, kept as they are for templates.
    pub extra: serde_json::Map<String, Value>,
    /// Taxonomy terms by taxonomy, in declaration order.
    pub taxonomies: IndexMap<String, Vec<(String, Range<usize>)>>,
    /// The file is GOV.UK Tech Docs `*.md.erb`.
    pub erb: bool,
    /// Link glossary terms in this page (front matter `glossary_links`, default true).
    pub glossary_links: bool,
    /// Set when the page is a glossary entry.
    pub glossary: Option<GlossaryEntry>,
    /// Hash of everything other pages can show of this one (its front matter and title), so a
    /// build can tell a body-only edit from one that changes listings.
    pub meta_hash: u64,
}

/// The front matter of a glossary entry (the page title is the term, the body its
/// definition).
#[derive(Debug, Clone, Default)]
pub struct GlossaryEntry {
    /// Short form, expanded with `<abbr>` (`MFA`).
    pub abbreviation: Option<(String, Range<usize>)>,
    /// Other words that mean the same and are fine to use.
    pub aliases: Vec<(String, Range<usize>)>,
    /// Variants authors must not use; the entry's term is preferred.
    pub avoid: Vec<(String, Range<usize>)>,
    /// Related terms, by term or file name.
    pub related: Vec<(String, Range<usize>)>,
}

impl Page {
    /// A page with nothing read from its front matter yet.
    pub(super) fn new(raw: &RawPage, split: &Split, collection: Option<String>, erb: bool) -> Page {
        Page {
            file: raw.file,
            rel: raw.rel.clone(),
            text: raw.text.clone(),
            body: split.body.clone(),
            matter_open: split.open.clone(),
            collection,
            title: String::new(),
            description: None,
            date: None,
            updated: None,
            draft: false,
            weight: 0,
            aliases: Vec::new(),
            slug: None,
            template: None,
            fields: IndexMap::new(),
            extra: serde_json::Map::new(),
            taxonomies: IndexMap::new(),
            erb,
            glossary_links: true,
            glossary: None,
            meta_hash: 0,
        }
    }

    /// The Markdown body.
    pub fn body_text(&self) -> &str {
        &self.text[self.body.clone()]
    }
}
