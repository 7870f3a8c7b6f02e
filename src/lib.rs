//! canon turns a folder of Markdown with front-matter taxonomy into one cross-linked,
//! accessible static site of delivery methods, security standards and e-learning modules.
//!
//! The pipeline flows one way: [`load`] reads every file, `canon.toml` first, which [`config`]
//! checks; [`validate`] checks front matter against the collection schemas; [`resolve`] gives
//! every page its URL and works out sections, taxonomies, references and links; [`render`]
//! turns Markdown and templates into HTML in parallel; [`write`] swaps the result into the
//! output folder atomically. [`pipeline`] is the only caller of the stages. Problems are
//! [`diagnostics`], collected by every stage and printed only at the edge. ARCHITECTURE.md
//! says what each module may import.
//!
//! The modules below are listed bottom first, as the pipeline runs
//! (`tests/it/architecture.rs` checks that none imports one listed after it, but for the
//! edges: `serve`, `scaffold` and `cli`).

// What every stage shares: problems as data, timings, the model, ISO/IEC 27001's controls
// and the published-id lock format.
pub mod diagnostics;
pub mod timings;

pub mod controls;
pub mod model;

pub mod published;

// The stages, in the order they run (each in a group of its own, so rustfmt keeps the
// order).
pub mod config;

pub mod load;

pub mod validate;

pub mod resolve;

pub mod search;

pub mod render;

pub mod write;

// Their one caller, and the edges that drive it.
pub mod pipeline;

pub mod scaffold;
pub mod serve;

pub mod cli;
