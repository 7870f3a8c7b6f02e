//! canon turns a folder of Markdown with front-matter taxonomy into one cross-linked,
//! accessible static site of delivery methods, security standards and e-learning modules.
//!
//! The pipeline flows one way: [`load`] reads every file, `canon.toml` first, which [`config`]
//! checks;
//! [`validate`] checks front matter against the collection schemas; [`resolve`] gives every
//! page its URL and works out sections, taxonomies, references and links; [`render`] turns
//! Markdown and templates into HTML in parallel; [`write`] swaps the result into the output
//! folder atomically. [`pipeline`] is the only caller of the stages. Problems are
//! [`diagnostics`], collected by every stage and printed only at the edge.

pub mod cli;
pub mod config;
pub mod controls;
pub mod diagnostics;
pub mod load;
pub mod model;
pub mod pipeline;
pub mod published;
pub mod render;
pub mod resolve;
pub mod scaffold;
pub mod search;
pub mod serve;
pub mod timings;
pub mod validate;
pub mod write;
