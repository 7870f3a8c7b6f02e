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
        vec!["lock", "--help"],
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

#[test]
fn lock_records_requirement_ids_and_check_warns_when_one_shifts() {
    let site = TestSite::new();
    let standard = |extra: &str| {
        format!(
            "---\ntitle: Keys\nid: SEC-010\n---\n\n## Requirements\n\n{extra}- MUST rotate keys every year.\n- [2] MUST NOT reuse keys.\n- SHOULD use a hardware security module.\n"
        )
    };
    site.file(
        "canon.toml",
        "[collections.standards]\nid_field = \"id\"\n[collections.standards.fields]\nid = { type = \"string\", required = true }\n",
    )
    .file("content/standards/keys.md", &standard(""));
    let run = site.run(&["lock"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(run.stderr.contains("requirements.lock"), "{}", run.stderr);
    let lock = std::fs::read_to_string(site.root().join("requirements.lock")).unwrap();
    let ids: Vec<&str> = lock
        .lines()
        .filter(|l| !l.starts_with('#'))
        .map(|l| l.split(' ').next().unwrap())
        .collect();
    assert_eq!(ids, ["SEC-010.1", "SEC-010.2", "SEC-010.3"], "{lock}");
    assert!(!site.root().join("public").exists(), "lock writes no site");
    // Unchanged: clean under --strict.
    assert_eq!(site.run(&["check", "--strict"]).code, 0);
    // A new first requirement takes 1, so the automatic numbers after it move (the fixed
    // `[2]` stays): rotation goes from 1 to 3 and the module rule from 3 to 4.
    site.file(
        "content/standards/keys.md",
        &standard("- MUST name an owner for every key.\n"),
    );
    let run = site.run(&["check", "--format", "short"]);
    assert_eq!(run.code, 0, "warnings only: {}", run.stderr);
    assert!(
        run.stderr.contains("content/standards/keys.md:9:1: warning[requirements/shifted]: this requirement was published as SEC-010.1, but its automatic number now makes it SEC-010.3"),
        "{}",
        run.stderr
    );
    assert!(run.stderr.contains("keys.md:11:1: warning[requirements/shifted]: this requirement was published as SEC-010.3, but its automatic number now makes it SEC-010.4"), "{}", run.stderr);
    assert!(
        run.stderr.contains("writing `[1]` before the keyword"),
        "{}",
        run.stderr
    );
    assert!(
        run.stderr.contains("0 errors, 2 warnings"),
        "{}",
        run.stderr
    );
    assert_eq!(site.run(&["check", "--strict"]).code, 1);
    // Fixing the number settles it; dropping a published requirement is reported at the lock.
    site.file(
        "content/standards/keys.md",
        "---\ntitle: Keys\nid: SEC-010\n---\n\n- [1] MUST rotate keys every year.\n- [2] MUST NOT reuse keys.\n",
    );
    let run = site.run(&["check", "--format", "short"]);
    assert!(
        run.stderr.contains("requirements.lock:5:1: warning[requirements/removed]: published requirement SEC-010.3 is no longer in the site"),
        "{}",
        run.stderr
    );
    assert!(!run.stderr.contains("shifted"), "{}", run.stderr);
}

#[test]
fn the_benchmark_corpus_is_deterministic_and_builds_cleanly() {
    let tmp = tempfile::tempdir().unwrap();
    for (out, hugo) in [("a", "ha"), ("b", "hb")] {
        let (out, hugo) = (tmp.path().join(out), tmp.path().join(hugo));
        canon_tools::corpus::generate(60, 3, &out, Some(&hugo)).unwrap();
    }
    let a = crate::support::snapshot(&tmp.path().join("a"));
    assert_eq!(a, crate::support::snapshot(&tmp.path().join("b")));
    assert!(
        a.keys()
            .filter(|k| k.starts_with("content/standards/"))
            .count()
            >= 20
    );
    assert!(tmp.path().join("ha/hugo.toml").is_file());
    assert!(tmp.path().join("ha/layouts/_default/single.html").is_file());
    let standard = a
        .iter()
        .find(|(k, _)| {
            k.to_string_lossy()
                .starts_with("content/standards/sec-00001")
        })
        .map(|(_, v)| String::from_utf8_lossy(v).into_owned())
        .unwrap();
    assert!(standard.contains("## Requirements\n\n- "), "{standard}");
    // Every link, glossary term, requirement and field of it is valid.
    let run = run_in(
        &tmp.path().join("a"),
        &[
            "check",
            "--strict",
            "--format",
            "short",
            "--today",
            "2026-11-22",
        ],
    );
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(
        run.stderr.contains("0 errors, 0 warnings"),
        "{}",
        run.stderr
    );
    assert!(
        run.stderr
            .contains("(methods 20, standards 20, modules 20, glossary terms 16"),
        "{}",
        run.stderr
    );
}
