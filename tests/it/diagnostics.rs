//! Bad sites: every problem reported at once with file:line:col, exit 1, previous output kept.

use crate::support::{TestSite, repo, snapshot};

fn fixture_names() -> Vec<String> {
    let mut v: Vec<String> = std::fs::read_dir(repo().join("tests/fixtures/bad"))
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    v.sort();
    v
}

#[test]
fn bad_fixtures_report_every_problem_and_keep_previous_output() {
    let names = fixture_names();
    assert!(names.len() >= 6, "{names:?}");
    for name in names {
        let site = TestSite::from_fixture(&format!("bad/{name}"));
        // A previous good build, as canon would have left it.
        site.file("public/.canon-output", "canon\n");
        site.file("public/index.html", "<p>previous site</p>\n");
        let before = snapshot(&site.root().join("public"));
        let run = site.build();
        assert_eq!(run.code, 1, "{name}: exit code\n{}", run.stderr);
        let expected = std::fs::read_to_string(site.root().join("expect.txt")).unwrap();
        for line in expected.lines().filter(|l| !l.trim().is_empty()) {
            assert!(
                run.stderr.contains(line.trim()),
                "{name}: expected {line:?} in\n{}",
                run.stderr
            );
        }
        assert!(!run.stderr.contains("panicked"), "{name}: {}", run.stderr);
        assert_eq!(
            snapshot(&site.root().join("public")),
            before,
            "{name}: previous output changed"
        );
        let leftovers: Vec<_> = std::fs::read_dir(site.root())
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .filter(|n| n.contains("canon-staging") || n.contains("canon-old"))
            .collect();
        assert!(leftovers.is_empty(), "{name}: {leftovers:?}");
        // `check`, which makes no HTML, finds the same problems.
        let check = site.check();
        assert_eq!(check.code, 1, "{name}: check exit code");
        for line in expected
            .lines()
            .filter(|l| !l.trim().is_empty() && !l.starts_with("canon: built"))
        {
            assert!(
                check.stderr.contains(line.trim()),
                "{name}: check: expected {line:?} in\n{}",
                check.stderr
            );
        }
    }
}

#[test]
fn rich_diagnostics_show_a_code_frame_and_hint() {
    let site = TestSite::from_fixture("bad/schema");
    let run = site.run(&["check"]);
    assert_eq!(run.code, 1);
    assert!(
        run.stderr
            .contains("error[schema/enum]: `level` is not one of mandatory, recommended"),
        "{}",
        run.stderr
    );
    assert!(
        run.stderr.contains("┌─ content/standards/backup.md:4:8"),
        "{}",
        run.stderr
    );
    assert!(run.stderr.contains("4 │ level: mandatry"), "{}", run.stderr);
    assert!(
        run.stderr.contains("^^^^^^^^ not an allowed value"),
        "{}",
        run.stderr
    );
    assert!(
        run.stderr.contains("= did you mean `mandatory`?"),
        "{}",
        run.stderr
    );
}

#[test]
fn broken_links_are_errors_unless_downgraded_and_warnings_fail_strict() {
    let site = TestSite::new();
    site.file("content/a.md", "# A\n\n![](x.png) and [gone](missing.md)\n");
    let run = site.check();
    assert_eq!(run.code, 1, "{}", run.stderr);
    assert!(
        run.stderr.contains(
            "content/a.md:3:1: error[link/broken]: image to `x.png` leads to no page or file"
        ),
        "{}",
        run.stderr
    );
    assert!(
        run.stderr.contains(
            "content/a.md:3:16: error[link/broken]: link to `missing.md` leads to no page or file"
        ),
        "{}",
        run.stderr
    );
    assert!(
        run.stderr
            .contains("content/a.md:3:1: warning[markdown/image-alt]"),
        "{}",
        run.stderr
    );
    assert!(run.stderr.contains("2 errors, 1 warning"), "{}", run.stderr);
    let warn = site.run(&["check", "--broken-links", "warn", "--format", "short"]);
    assert_eq!(warn.code, 0, "{}", warn.stderr);
    assert!(
        warn.stderr.contains("0 errors, 3 warnings"),
        "{}",
        warn.stderr
    );
    site.file("canon.toml", "broken_links = \"warn\"\n");
    let config = site.check();
    assert_eq!(config.code, 0, "the canon.toml key: {}", config.stderr);
    let strict = site.run(&["check", "--strict", "--format", "short"]);
    assert_eq!(strict.code, 1, "{}", strict.stderr);
    assert!(
        strict.stderr.contains("3 errors, 0 warnings"),
        "{}",
        strict.stderr
    );
}

#[test]
fn erb_pages_build_with_one_warning_per_file() {
    let site = TestSite::new();
    site.file("source/x.html.md.erb", "---\ntitle: Tech docs page\n---\n# <%= current_page.data.title %>\n\n<%= partial 'a' %> and <%= partial 'b' %>\n\n## Section\n");
    site.file(
        "source/y.html.md.erb",
        "---\ntitle: Plain\n---\n# <%= current_page.data.title %>\n\nText.\n",
    );
    let run = site.build();
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert_eq!(
        run.stderr.matches("warning[erb/unsupported]").count(),
        1,
        "{}",
        run.stderr
    );
    assert!(
        run.stderr
            .contains("source/x.html.md.erb:6:1: warning[erb/unsupported]"),
        "{}",
        run.stderr
    );
    let html = site.output("source/x/index.html");
    assert!(
        html.contains("<h1 id=\"tech-docs-page\">Tech docs page</h1>"),
        "{html}"
    );
    assert!(
        html.contains("&lt;%= partial ‘a’ %&gt;"),
        "tags stay as text: {html}"
    );
}

#[test]
fn invalid_utf8_is_reported_not_panicked() {
    let site = TestSite::new();
    site.file("content/ok.md", "# Fine\n");
    std::fs::write(
        site.root().join("content/bad.md"),
        b"# Bad \xff\xfe bytes\n",
    )
    .unwrap();
    let run = site.build();
    assert_eq!(run.code, 1, "{}", run.stderr);
    assert!(
        run.stderr
            .contains("content/bad.md:1:7: error[load/encoding]: file is not valid UTF-8"),
        "{}",
        run.stderr
    );
}

#[test]
fn odd_inputs_are_diagnosed_never_panicked() {
    let site = TestSite::new();
    let deep_quote = format!("{}deep\n", "> ".repeat(3000));
    let deep_list = format!("{}deep\n", "- ".repeat(3000));
    let cases: &[(&str, &str)] = &[
        ("content/empty.md", ""),
        ("content/dashes.md", "---"),
        ("content/empty-fm.md", "---\n---\n"),
        ("content/empty-toml.md", "+++\n+++\n"),
        ("content/null-key.md", "---\n: x\n---\n"),
        ("content/list-title.md", "---\ntitle: [a, {b: c}]\n---\n"),
        ("content/scalar.md", "---\njust words\n---\n"),
        (
            "content/bom-crlf.md",
            "\u{feff}---\r\ntitle: BOM\r\n---\r\n# H\r\n",
        ),
        (
            "content/huge-weight.md",
            "---\nweight: 99999999999999999999\n---\n",
        ),
        ("content/yaml-end.md", "---\ntitle: x\n...\nbody\n"),
        (
            "content/headings.md",
            "# \n\n#\n\n## A\n\n## A\n\n[](#)\n[x]()\n![](/)\n",
        ),
        ("content/raw.md", "<a href=\"\n<div>\n"),
        ("content/deep-quote.md", &deep_quote),
        ("content/deep-list.md", &deep_list),
    ];
    for (path, text) in cases {
        site.file(path, text);
    }
    let run = site.build();
    assert_eq!(run.code, 1, "{}", run.stderr);
    assert!(!run.stderr.contains("panicked"), "{}", run.stderr);
    for expected in [
        "content/dashes.md:1:1: error[frontmatter/unterminated]",
        "content/list-title.md:2:8: error[schema/type]: `title` must be a string, found a list",
        "content/scalar.md:1:1: error[frontmatter/syntax]: front matter must be a set of `key: value` fields, not a single value",
        "content/huge-weight.md:2:9: error[schema/type]: `weight` must be an integer",
    ] {
        assert!(
            run.stderr.contains(expected),
            "expected {expected:?} in\n{}",
            run.stderr
        );
    }
}

#[test]
fn two_spellings_of_one_taxonomy_term_are_an_error_at_each_other_spelling() {
    let site = TestSite::new();
    site.file("canon.toml", "[taxonomies.topic]\n");
    site.file(
        "content/a.md",
        "---\ntitle: A\ntopic: [Data protection]\n---\nA.\n",
    );
    site.file(
        "content/b.md",
        "---\ntitle: B\ntopic: [Resilience, data protection]\n---\nB.\n",
    );
    site.file(
        "content/c.md",
        "---\ntitle: C\ntopic: [data protection]\n---\nC.\n",
    );
    site.file(
        "content/d.md",
        "---\ntitle: D\ntopic: [Data protection]\n---\nD.\n",
    );
    let run = site.run(&["check"]);
    assert_eq!(run.code, 1, "{}", run.stderr);
    let message = "error[taxonomy/term-clash]: `data protection` and `Data protection` are written differently but share the URL `/topic/data-protection/`";
    assert_eq!(run.stderr.matches(message).count(), 2, "{}", run.stderr);
    for at in [
        "┌─ content/b.md:3:21",
        "┌─ content/c.md:3:9",
        "content/a.md:3:9",
        "and this way here",
    ] {
        assert!(run.stderr.contains(at), "{at}: {}", run.stderr);
    }
    // The spelling that came first is the term, and its pages are listed under it.
    let short = site.check();
    assert!(!short.stderr.contains("content/d.md"), "{}", short.stderr);
}
