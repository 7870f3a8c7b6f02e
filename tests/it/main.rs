//! Integration tests: run the real `canon` binary on real sites and assert on what it writes
//! and prints.
#![allow(clippy::unwrap_used, clippy::print_stderr, missing_docs)]

mod support;

mod architecture;
mod browser;
mod build;
mod cli;
mod corpora;
mod diagnostics;
mod glossary;
mod highlighting;
mod hostile;
mod output;
mod search;
mod serve;
