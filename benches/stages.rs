//! Criterion micro-benchmarks of each pipeline stage on a generated site of 300 pages
//! (`canon_tools::corpus`, seed 1): load, validate, resolve, Markdown (without highlighting),
//! highlighting one code block (lines never seen, and lines seen before), templates (the render stage with Markdown and highlighting
//! included), the search index and writing. A regression shows up in the stage it is in.
//!
//! Run with `cargo bench --bench stages` (`-- --quick` for a short run).

#![allow(missing_docs, clippy::unwrap_used)]

use std::sync::Arc;

use canon::diagnostics::{Diagnostics, SourceMap};
use canon::pipeline::{self, BuildOptions};
use canon::render::markdown::Highlighter;
use criterion::{BatchSize, Criterion, criterion_group, criterion_main};
use indicatif::ProgressBar;

const PAGES: usize = 300;

fn stages(c: &mut Criterion) {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path().join("site");
    canon_tools::corpus::generate(PAGES, 1, &root, None).unwrap();
    let opts = BuildOptions {
        root: root.clone(),
        ..BuildOptions::default()
    };
    let mut sources = SourceMap::default();
    let mut diags = Diagnostics::default();
    let config = pipeline::load_config(&opts, &mut sources, &mut diags)
        .unwrap()
        .unwrap();
    let mode = pipeline::build_mode(&opts).unwrap();
    let inputs = canon::load::load(&config, &mut sources, &mut diags).unwrap();
    let pages = canon::validate::validate(inputs.pages.clone(), &config, &mode, &mut diags);
    let assets: Vec<String> = inputs.assets.iter().map(|a| a.rel.clone()).collect();
    let templates: Vec<&str> = inputs.templates.iter().map(|t| t.name.as_str()).collect();
    let site = canon::resolve::resolve(
        pages.clone(),
        &assets,
        &templates,
        &config,
        &mode,
        &mut diags,
    );
    assert!(!diags.has_errors(), "the generated site builds cleanly");

    let mut g = c.benchmark_group("stages");
    g.sample_size(10);
    g.bench_function("load", |b| {
        b.iter(|| {
            let mut sources = SourceMap::default();
            let mut diags = Diagnostics::default();
            canon::load::load(&config, &mut sources, &mut diags).unwrap()
        })
    });
    g.bench_function("validate", |b| {
        b.iter_batched(
            || inputs.pages.clone(),
            |raw| canon::validate::validate(raw, &config, &mode, &mut Diagnostics::default()),
            BatchSize::LargeInput,
        )
    });
    g.bench_function("resolve", |b| {
        b.iter_batched(
            || pages.clone(),
            |p: Vec<Arc<canon::validate::Page>>| {
                canon::resolve::resolve(
                    p,
                    &assets,
                    &templates,
                    &config,
                    &mode,
                    &mut Diagnostics::default(),
                )
            },
            BatchSize::LargeInput,
        )
    });
    let plain = Highlighter::plain();
    g.bench_function("markdown", |b| {
        b.iter(|| canon::render::render_markdown(&site, &config, &plain))
    });
    let highlighter = Highlighter::new();
    let code = "#!/usr/bin/env bash\nset -euo pipefail\nfor host in $(cat hosts.txt); do\n  curl --fail \"https://$host/health\" || exit 1\ndone\n";
    highlighter.block("bash", code);
    // Every line new: the parse itself (each line carries the iteration's number).
    let mut n = 0u64;
    g.bench_function("highlight one block, new lines", |b| {
        b.iter_batched(
            || {
                n += 1;
                format!("#!/usr/bin/env bash # {n}\nset -euo pipefail # {n}\nfor host in $(cat hosts-{n}.txt); do\n  curl --fail \"https://$host/health/{n}\" || exit {n}\ndone # {n}\n")
            },
            |code| highlighter.block("bash", &code),
            BatchSize::SmallInput,
        )
    });
    // Every line seen before: the line memo.
    g.bench_function("highlight one block, seen lines", |b| {
        b.iter(|| highlighter.block("bash", code))
    });
    let render = || {
        canon::render::render(
            canon::render::Inputs {
                site: &site,
                config: &config,
                mode: &mode,
                templates: &inputs.templates,
                assets: inputs.assets.clone(),
                stylesheet: &inputs.stylesheet,
                sources: &sources,
                progress: &ProgressBar::hidden(),
            },
            &mut canon::render::Cache::default(),
            &mut canon::timings::Timings::default(),
            &mut Diagnostics::default(),
        )
        .unwrap()
    };
    g.bench_function("render (markdown, highlighting, templates)", |b| {
        b.iter(render)
    });
    let output = render();
    let search = output.search.clone().unwrap();
    g.bench_function("search index", |b| {
        b.iter(|| canon::search::build(&search.docs, &search.facets, &search.glossary))
    });
    let out = dir.path().join("out");
    g.bench_function("write", |b| {
        b.iter(|| canon::write::write(&output, &out, &config).unwrap())
    });
    g.finish();
}

criterion_group!(benches, stages);
criterion_main!(benches);
