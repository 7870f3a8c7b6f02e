//! Site search, built at `canon build` time from the rendered pages and served as static files:
//! no server at run time, nothing fetched from another origin.
//!
//! Layout under `search/` in the output (all JSON):
//! - `meta.json`: the entry point: counts, which term prefixes are split further, the facets
//!   (collections and taxonomies with their terms) and the glossary expansions;
//! - `facets.json`: each document's collection and taxonomy terms, for counts and filters;
//! - `t/<prefix>.json`: the postings of every term starting with that prefix, so a query
//!   fetches only the few shards its words need;
//! - `d/<n>.json`: one document (title, URL, sections with their text), fetched for the
//!   results shown.
//!
//! [`text`] holds the tokenising and stemming rules the browser client mirrors; [`query`] runs
//! a query over the files the way the client does, for tests.

pub mod index;
pub mod query;
pub mod text;

pub use index::{Doc, Expansion, Facets, Input, build};

/// Whether an output path is one of the index files (not the search page itself).
pub fn is_index_path(path: &str) -> bool {
    path.starts_with("search/t/")
        || path.starts_with("search/d/")
        || path == "search/meta.json"
        || path == "search/facets.json"
}
