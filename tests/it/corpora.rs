//! The real corpora in ../shared/corpora build, every Markdown file becoming a page.

use std::path::PathBuf;

use crate::support::{Run, repo, run_in};

/// Builds a corpus into a fresh temporary folder; returns the folder, the site and the run.
fn build(corpus: &std::path::Path) -> (tempfile::TempDir, PathBuf, Run) {
    let out = tempfile::tempdir().unwrap();
    let dest = out.path().join("site");
    let args = [
        "build",
        "--root",
        corpus.to_str().unwrap(),
        "--output",
        dest.to_str().unwrap(),
        "--format",
        "short",
        // The corpora have real broken links: reported, and the sites still build.
        "--broken-links",
        "warn",
    ];
    let run = run_in(&repo(), &args);
    assert_eq!(run.code, 0, "{}: {}", corpus.display(), run.stderr);
    (out, dest, run)
}

fn corpora() -> Option<Vec<PathBuf>> {
    let dir = repo().join("../shared/corpora");
    if !dir.is_dir() {
        eprintln!(
            "skipping: {} is absent (the corpora live beside the project in ../shared)",
            dir.display()
        );
        return None;
    }
    let mut v: Vec<PathBuf> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.is_dir())
        .collect();
    v.sort();
    Some(v)
}

#[test]
fn every_corpus_builds_and_every_markdown_file_becomes_a_page() {
    let Some(corpora) = corpora() else { return };
    assert!(!corpora.is_empty());
    for corpus in corpora {
        let (_out, dest, run) = build(&corpus);
        assert!(!run.stderr.contains("error["), "{}", run.stderr);
        let mut pages = 0;
        for entry in walkdir::WalkDir::new(&corpus) {
            let entry = entry.unwrap();
            let rel = entry
                .path()
                .strip_prefix(&corpus)
                .unwrap()
                .to_string_lossy()
                .replace('\\', "/");
            if !canon::load::is_markdown(&rel)
                || rel
                    .split('/')
                    .any(|s| s.starts_with('_') || s.starts_with('.'))
            {
                continue;
            }
            let path = canon::model::paths::page_path(&rel, None);
            let file = dest.join(canon::render::output_path(&path));
            assert!(
                file.is_file(),
                "{}: {rel} was not built as {}",
                corpus.display(),
                file.display()
            );
            pages += 1;
        }
        assert!(
            pages > 40,
            "{}: only {pages} Markdown files found",
            corpus.display()
        );
        assert!(
            run.stderr.contains(&format!("canon: built {pages} pages")),
            "{}",
            run.stderr
        );
    }
}

#[test]
fn corpus_conventions_are_understood() {
    let Some(corpora) = corpora() else { return };
    for corpus in corpora {
        let name = corpus.file_name().unwrap().to_string_lossy().into_owned();
        let (_out, dest, _) = build(&corpus);
        let read = |rel: &str| {
            std::fs::read_to_string(dest.join(rel)).unwrap_or_else(|e| panic!("{rel}: {e}"))
        };
        match name.as_str() {
            "gds-way" => {
                // ERB title idiom -> the page's h1, with the id links rely on.
                let html = read("source/standards/dns-hosting/index.html");
                assert!(
                    html.contains("<h1 id=\"domain-names-and-dns-records-for-your-service\">"),
                    "h1 from title, with the id links use"
                );
                // Links to built `.html` paths, root-absolute, reach the pages.
                let html = read("source/standards/alerting/index.html");
                assert!(
                    html.contains("href=\"../monitoring/\""),
                    "root-absolute .html link rewritten"
                );
            }
            "defra-software-development-standards" => {
                // No front matter: title from the first heading, lifted into the page's h1.
                let html = read("docs/standards/python_coding_standards/index.html");
                assert_eq!(html.matches("<h1").count(), 1);
                assert!(html.contains("<title>Python Standards –"), "title from h1");
                // `{{ }}` in content stays as written.
                let html = read("docs/standards/kubernetes_standards/index.html");
                assert!(html.contains("{{"), "template syntax left alone");
                // Relative .md links and images.
                let html = read("docs/guides/developer_workflows/index.html");
                assert!(html.contains("src=\"../gitflow.png\""), "{html}");
                assert!(dest.join("docs/guides/gitflow.png").is_file());
            }
            _ => {}
        }
    }
}
