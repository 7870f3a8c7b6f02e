//! Site search, built at `canon build` time from the rendered pages and served as static files:
//! no server at run time, nothing fetched from another origin.
//!
//! Layout under `search/` in the output. Each file is a script, `canonSearchData(name, JSON)`,
//! so the client can load it with a `<script>` element, which browsers allow on a page opened
//! from disk, where `fetch` is refused:
//! - `meta.js`: the entry point: counts, which term prefixes are split further, the facets
//!   (collections and taxonomies with their terms) and the glossary expansions;
//! - `facets.js`: each document's collection and taxonomy terms, for counts and filters;
//! - `t/<prefix>.js`: the postings of every term starting with that prefix, so a query
//!   loads only the few shards its words need;
//! - `v/<letter>.js`: the words of the index starting with that letter and how many
//!   documents hold each, loaded only to correct a misspelt word;
//! - `d/<n>.js`: one document (title, URL, sections with their text, requirements), loaded
//!   for the results shown.
//!
//! [`text`] holds the tokenising, stemming and spelling rules the browser client mirrors;
//! `canon_tools::query` (in `benches/tools`) runs a query over the files the way the client
//! does, for tests.

pub mod documents;
pub mod index;
pub mod text;

pub use index::{Doc, Expansion, Facets, Input, Requirement, build};

/// Whether an output path is one of the index files (not the search page itself).
pub fn is_index_path(path: &str) -> bool {
    path.starts_with("search/t/")
        || path.starts_with("search/d/")
        || path.starts_with("search/v/")
        || path == "search/meta.js"
        || path == "search/facets.js"
}
