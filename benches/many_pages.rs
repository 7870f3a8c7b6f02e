//! 100,000 tiny pages (the bad-input suite's size case, too slow for `cargo test`): `canon
//! build` and `canon check` must succeed, and this prints their wall time and peak memory.
//!
//! Run with `cargo bench --bench many_pages` (release build). The pages (a title, a sentence
//! and a link to the next page, 1,000 to a folder under one top-level `library/`, since every
//! page's menu lists the top-level folders) are written once into `target/bench/pages-N/`;
//! `CANON_BENCH_PAGES` changes N.

#![allow(clippy::print_stdout, missing_docs, clippy::unwrap_used)]

mod common;

use std::path::{Path, PathBuf};

fn main() {
    let n: usize = std::env::var("CANON_BENCH_PAGES")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(100_000);
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join(format!("target/bench/pages-{n}"));
    if !root.join("done").is_file() {
        let _ = std::fs::remove_dir_all(&root);
        write_pages(&root, n);
        std::fs::write(root.join("done"), "").unwrap();
    }
    let out = root.join("public");
    let _ = std::fs::remove_dir_all(&out);
    for (what, args) in [
        ("build", vec!["build", "--output", out.to_str().unwrap()]),
        ("check", vec!["check"]),
    ] {
        let (secs, mb, stderr) = timed(&root, &args);
        let summary = stderr
            .lines()
            .rev()
            .find(|l| l.starts_with("canon: "))
            .unwrap_or("");
        println!("{n} tiny pages, canon {what}: {secs:.2} s, peak {mb:.0} MB ({summary})");
    }
    let pages = walk_count(&out);
    assert!(pages > n, "{pages} pages written for {n}");
    let _ = std::fs::remove_dir_all(&out);
}

fn write_pages(root: &Path, n: usize) {
    std::fs::create_dir_all(root.join("content")).unwrap();
    std::fs::write(
        root.join("canon.toml"),
        "title = \"Many pages\"\nsearch = true\n",
    )
    .unwrap();
    std::fs::write(root.join("content/_index.md"), "# Many pages\n").unwrap();
    for i in 0..n {
        let dir = root.join(format!("content/library/part-{}", i / 1000));
        if i % 1000 == 0 {
            std::fs::create_dir_all(&dir).unwrap();
        }
        let next = (i + 1) % n;
        std::fs::write(
            dir.join(format!("page-{i}.md")),
            format!(
                "# Page {i}\n\nA tiny page, number {i}, linking to [the next](@/library/part-{}/page-{next}.md).\n",
                next / 1000
            ),
        )
        .unwrap();
    }
}

/// Runs canon under `/usr/bin/time`: seconds, peak MB and what it printed.
fn timed(root: &Path, args: &[&str]) -> (f64, f64, String) {
    let mut cmd = vec![env!("CARGO_BIN_EXE_canon").to_string()];
    cmd.extend(args.iter().map(|a| a.to_string()));
    cmd.extend([
        "--root".to_string(),
        root.display().to_string(),
        "--format".into(),
        "short".into(),
    ]);
    common::timed(&cmd)
}

fn walk_count(dir: &Path) -> usize {
    walkdir::WalkDir::new(dir)
        .into_iter()
        .filter_map(Result::ok)
        .filter(|e| e.file_name() == "index.html")
        .count()
}
