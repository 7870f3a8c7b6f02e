//! Tools for canon's tests and benchmarks, kept out of the product.
//!
//! - [`corpus`] writes a realistic site of any size, and the same pages as a Hugo site, for
//!   the benchmarks and the tests that need many pages (`canon-corpus` on the command line).
//! - [`query`] runs a query over a built site's search files the way the browser client does,
//!   so the judged query set runs in `cargo test` without a browser.

pub mod corpus;
pub mod query;
