//! The command line: help, init, new.

use crate::support::{BIN, TestSite, run_in};

#[test]
fn every_command_has_help() {
    for args in [
        vec!["--help"],
        vec!["build", "--help"],
        vec!["check", "--help"],
        vec!["init", "--help"],
        vec!["new", "--help"],
    ] {
        let out = std::process::Command::new(BIN)
            .args(&args)
            .output()
            .unwrap();
        assert_eq!(out.status.code(), Some(0), "{args:?}");
        let text = String::from_utf8_lossy(&out.stdout);
        assert!(text.contains("Usage: canon"), "{args:?}: {text}");
    }
}

#[test]
fn init_creates_a_site_that_builds_and_new_adds_a_valid_page() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("site");
    let run = run_in(tmp.path(), &["init", "site"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    for f in [
        "canon.toml",
        "content/methods/agile-delivery.md",
        "content/standards/access-control.md",
        "content/modules/spotting-phishing.md",
    ] {
        assert!(dir.join(f).is_file(), "{f}");
    }
    let run = run_in(&dir, &["new", "standards", "backup"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let page = std::fs::read_to_string(dir.join("content/standards/backup.md")).unwrap();
    assert!(
        page.contains("title: \"Backup\"") && page.contains("level: mandatory"),
        "{page}"
    );
    let run = run_in(&dir, &["build", "--format", "short"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(dir.join("public/standards/backup/index.html").is_file());
    assert!(
        run.stderr.contains("methods 1, standards 2, modules 1"),
        "{}",
        run.stderr
    );
    // Refusals.
    assert_eq!(
        run_in(tmp.path(), &["init", "site"]).code,
        2,
        "init into a non-empty folder"
    );
    assert_eq!(
        run_in(&dir, &["new", "standards", "backup"]).code,
        2,
        "page exists"
    );
    let run = run_in(&dir, &["new", "standard", "x"]);
    assert_eq!(run.code, 2);
    assert!(
        run.stderr.contains("did you mean `standards`?"),
        "{}",
        run.stderr
    );
    assert_eq!(
        run_in(&dir, &["new", "standards", "../x"]).code,
        2,
        "slug escaping the folder"
    );
}

#[test]
fn a_folder_without_config_builds_on_defaults() {
    let site = TestSite::from_fixture("good/plain");
    let run = site.build();
    assert_eq!(run.code, 0, "{}", run.stderr);
    let home = site.output("index.html");
    assert!(home.contains("href=\"docs/guides/\""), "{home}");
    assert!(
        home.contains("href=\"docs/guides/setup/#install\""),
        "{home}"
    );
    let page = site.output("docs/guides/setup/index.html");
    assert!(page.contains("<h1 id=\"setting-up\">Setting up</h1>"));
    assert!(page.contains("{{ literal braces }}"));
    assert!(site.exists("docs/guides/diagram.png"));
    // The folder index lists its children.
    let guides = site.output("docs/guides/index.html");
    assert!(guides.contains("In this section"), "{guides}");
}

#[test]
fn missing_root_is_exit_2() {
    let run = run_in(
        std::path::Path::new("."),
        &["build", "--root", "/nonexistent/site"],
    );
    assert_eq!(run.code, 2);
    assert!(run.stderr.contains("is not a folder"), "{}", run.stderr);
}

#[test]
fn readme_lists_every_diagnostic_code() {
    let readme = std::fs::read_to_string(crate::support::repo().join("README.md")).unwrap();
    let mut codes = Vec::new();
    for entry in walkdir::WalkDir::new(crate::support::repo().join("src")) {
        let entry = entry.unwrap();
        if entry.path().extension().is_none_or(|e| e != "rs") {
            continue;
        }
        let text = std::fs::read_to_string(entry.path()).unwrap();
        // Every string literal shaped like a code of one of the families.
        for piece in text.split('"').skip(1).step_by(2) {
            let Some((family, rest)) = piece.split_once('/') else {
                continue;
            };
            let families = [
                "config",
                "load",
                "frontmatter",
                "schema",
                "taxonomy",
                "url",
                "link",
                "markdown",
                "erb",
                "template",
                "glossary",
                "terminology",
                "review",
            ];
            if families.contains(&family)
                && !rest.is_empty()
                && rest.chars().all(|c| c.is_ascii_lowercase() || c == '-')
            {
                codes.push(piece.to_string());
            }
        }
    }
    assert!(codes.len() > 20, "{codes:?}");
    for code in codes {
        assert!(
            readme.contains(&format!("`{code}`")),
            "README does not list `{code}`"
        );
    }
}
