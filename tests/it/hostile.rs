//! Hostile and broken input: every case either builds correctly or fails with a diagnostic
//! that names the file (and line), exits normally with a non-zero code (never 101, never a
//! signal), and leaves the previous site byte for byte as it was.

use std::path::Path;

use crate::support::{Run, TestSite, good_site, snapshot};

/// A small good site, built once so there is a previous site to keep.
fn built_site() -> TestSite {
    let site = good_site();
    let run = site.build();
    assert_eq!(run.code, 0, "{}", run.stderr);
    site
}

fn write_bytes(root: &Path, rel: &str, bytes: &[u8]) {
    let path = root.join(rel);
    std::fs::create_dir_all(path.parent().unwrap()).unwrap();
    std::fs::write(path, bytes).unwrap();
}

/// Exits normally with `code`: not a panic (101), not killed by a signal (no code).
fn assert_clean_exit(run: &Run, code: i32, what: &str) {
    assert_eq!(run.code, code, "{what}: exit code\n{}", run.stderr);
    assert!(
        !run.stderr.contains("panicked"),
        "{what}: panicked\n{}",
        run.stderr
    );
}

/// Adds `files` to a built site and builds again: the build fails with every `expected`
/// text in its diagnostics, and the previous site is unchanged.
fn rejected(what: &str, files: &[(&str, &[u8])], expected: &[&str]) {
    let site = built_site();
    let before = snapshot(&site.root().join("public"));
    for (rel, bytes) in files {
        write_bytes(site.root(), rel, bytes);
    }
    let run = site.build();
    assert_clean_exit(&run, 1, what);
    for e in expected {
        assert!(
            run.stderr.contains(e),
            "{what}: expected {e:?} in\n{}",
            run.stderr
        );
    }
    assert!(
        snapshot(&site.root().join("public")) == before,
        "{what}: the previous site changed"
    );
}

/// Adds `files` to a built site and builds again: the build succeeds.
fn accepted(what: &str, files: &[(&str, &[u8])]) -> (TestSite, Run) {
    let site = built_site();
    for (rel, bytes) in files {
        write_bytes(site.root(), rel, bytes);
    }
    let run = site.build();
    assert_clean_exit(&run, 0, what);
    (site, run)
}

#[test]
fn broken_encodings_name_the_file_and_line() {
    let mut utf16 = vec![0xFF, 0xFE];
    for unit in "---\ntitle: Wide\n---\nText\n".encode_utf16() {
        utf16.extend(unit.to_le_bytes());
    }
    let cases: Vec<(&str, Vec<u8>, Vec<&str>)> = vec![
        (
            "invalid UTF-8",
            b"# Title\n\nGood line.\nBad \xff\xfe byte.\n".to_vec(),
            vec!["content/bad.md:4:5", "load/encoding", "UTF-8"],
        ),
        (
            "UTF-16",
            utf16,
            vec!["content/bad.md:1:1", "load/encoding", "UTF-16"],
        ),
        (
            "NUL bytes",
            b"# Title\n\nA NUL \0 here.\n".to_vec(),
            vec!["content/bad.md:3:7", "load/encoding", "NUL"],
        ),
        (
            "unterminated front matter",
            b"---\ntitle: Open\n\nNo closing line.\n".to_vec(),
            vec!["content/bad.md:1:1", "frontmatter/unterminated"],
        ),
        (
            "front matter that is a list",
            b"---\n- a\n- b\n---\nText\n".to_vec(),
            vec!["content/bad.md:1:1", "frontmatter/syntax", "not a list"],
        ),
        (
            "front matter that is a scalar",
            b"---\njust words\n---\nText\n".to_vec(),
            vec!["content/bad.md:1:1", "frontmatter/syntax", "single value"],
        ),
    ];
    for (what, bytes, expected) in &cases {
        rejected(what, &[("content/bad.md", bytes)], expected);
    }
}

#[test]
fn odd_but_valid_encodings_build() {
    let (site, _) = accepted(
        "BOM, CRLF, lone CR, empty, front matter only",
        &[
            (
                "content/bom.md",
                "\u{feff}---\ntitle: With BOM\n---\nText\n".as_bytes(),
            ),
            (
                "content/crlf.md",
                b"---\r\ntitle: Windows\r\n---\r\n## Part\r\n\r\nText\r\n",
            ),
            (
                "content/cr.md",
                b"---\rtitle: Old Mac\r---\r## Part\r\rText\r",
            ),
            ("content/empty.md", b""),
            ("content/matter-only.md", b"---\ntitle: Only matter\n---\n"),
        ],
    );
    assert!(site.output("bom/index.html").contains(">With BOM</h1>"));
    let crlf = site.output("crlf/index.html");
    assert!(crlf.contains(">Windows</h1>"), "{crlf}");
    assert!(crlf.contains("id=\"part\""), "{crlf}");
    let cr = site.output("cr/index.html");
    assert!(cr.contains(">Old Mac</h1>"), "{cr}");
    assert!(cr.contains("id=\"part\""), "{cr}");
    assert!(site.exists("empty/index.html"));
    assert!(
        site.output("matter-only/index.html")
            .contains("Only matter")
    );
}

#[test]
fn huge_and_deep_pages_build() {
    let paragraph = "Access to patient records is granted by role and reviewed every six months. ";
    let big = format!(
        "# Big\n\n{}",
        format!("{}\n\n", paragraph.repeat(12)).repeat(50 * 1024 * 1024 / (paragraph.len() * 12))
    );
    assert!(big.len() >= 50 * 1024 * 1024 - 4096, "{}", big.len());
    let headings: String = (0..10_000)
        .map(|i| format!("## Part {i}\n\nText.\n\n"))
        .collect();
    let quotes = format!("{}deep\n", "> ".repeat(10_000));
    let lists = format!("{}deep\n", "- ".repeat(10_000));
    let columns = 5_000;
    let table = format!(
        "|{}\n|{}\n|{}\n",
        (0..columns).map(|c| format!(" c{c} |")).collect::<String>(),
        " --- |".repeat(columns),
        (0..columns).map(|c| format!(" v{c} |")).collect::<String>()
    );
    let line = format!("# Line\n\n{}\n", "word ".repeat(1024 * 1024 / 5));
    let (site, _) = accepted(
        "a 50 MB page, 10,000 headings, 10,000-deep nesting, 5,000 columns, a 1 MB line",
        &[
            ("content/big.md", big.as_bytes()),
            ("content/headings.md", headings.as_bytes()),
            ("content/quotes.md", quotes.as_bytes()),
            ("content/lists.md", lists.as_bytes()),
            ("content/table.md", table.as_bytes()),
            ("content/line.md", line.as_bytes()),
        ],
    );
    assert!(site.output("big/index.html").len() > 50 * 1024 * 1024);
    let headings = site.output("headings/index.html");
    assert!(headings.contains("id=\"part-9999\""));
    assert!(site.output("table/index.html").contains("<td>v4999</td>"));
    assert!(site.output("quotes/index.html").contains("deep"));
    assert!(site.output("lists/index.html").contains("deep"));
    assert!(site.output("line/index.html").len() > 1024 * 1024);
}

#[test]
fn hostile_yaml_and_toml_are_diagnosed() {
    // Nine levels of nine aliases: 387,420,489 strings if expanded.
    let mut bomb = String::from("---\na0: &a0 [x, x, x, x, x, x, x, x, x]\n");
    for level in 1..9 {
        let prev = format!("*a{}", level - 1);
        bomb.push_str(&format!(
            "a{level}: &a{level} [{}]\n",
            [prev.as_str(); 9].join(", ")
        ));
    }
    bomb.push_str("title: Bomb\n---\nText\n");
    let cases: Vec<(&str, String, Vec<&str>)> = vec![
        (
            "billion laughs",
            bomb,
            vec!["content/bad.md:", "frontmatter/aliases"],
        ),
        (
            "duplicate keys",
            "---\ntitle: One\ntitle: Two\n---\nText\n".into(),
            vec![
                "content/bad.md:3:1",
                "frontmatter/duplicate-key",
                "`title` is given twice",
            ],
        ),
        (
            "an unknown tag",
            "---\ntitle: !!python/object:os.system echo\n---\nText\n".into(),
            vec!["content/bad.md:2:"],
        ),
        (
            "an alias to no anchor",
            "---\ntitle: *nowhere\n---\nText\n".into(),
            vec!["content/bad.md:2:"],
        ),
        (
            "TOML with a duplicate table",
            "+++\n[extra]\na = 1\n[extra]\nb = 2\n+++\nText\n".into(),
            vec!["content/bad.md:4:", "frontmatter/syntax"],
        ),
    ];
    for (what, text, expected) in &cases {
        rejected(what, &[("content/bad.md", text.as_bytes())], expected);
    }
    // Anchors used within the front matter, and a second YAML document after it, are fine.
    let (site, _) = accepted(
        "anchors and a second document",
        &[(
            "content/anchors.md",
            b"---\ntitle: &t Anchored\ndescription: *t\n---\nText\n\n---\n\nb: *t\n",
        )],
    );
    let page = site.output("anchors/index.html");
    assert!(
        page.contains("<meta name=\"description\" content=\"Anchored\">"),
        "{page}"
    );
}

#[test]
fn awkward_file_names_build_to_safe_urls() {
    let (site, run) = accepted(
        "spaces, unicode and leading dots",
        &[
            ("content/guides/my first page.md", b"# Spaces\n"),
            ("content/guides/caf\u{e9} \u{2014} menu.md", b"# Unicode\n"),
            ("content/.hidden.md", b"# Hidden\n"),
            ("content/.drafts/secret.md", b"# Secret\n"),
        ],
    );
    assert!(
        site.exists("guides/my-first-page/index.html"),
        "{}",
        run.stderr
    );
    let names = crate::support::html_files(&site.root().join("public"));
    assert!(
        names
            .iter()
            .any(|n| n.starts_with("guides/caf") && n.ends_with("menu/index.html")),
        "{names:?}"
    );
    assert!(
        !names
            .iter()
            .any(|n| n.contains("hidden") || n.contains("secret")),
        "{names:?}"
    );
}

#[test]
fn slugs_and_aliases_cannot_leave_the_site() {
    rejected(
        "`..` in a slug",
        &[("content/bad.md", b"---\nslug: ../../outside\n---\nText\n")],
        &["content/bad.md:2:7"],
    );
    rejected(
        "`..` in an alias",
        &[(
            "content/bad.md",
            b"---\naliases: [\"/../../../tmp/canon-escape/\"]\n---\nText\n",
        )],
        &["content/bad.md:2:"],
    );
    assert!(!Path::new("/tmp/canon-escape").exists());
}

#[test]
fn names_that_differ_only_by_case_are_an_error() {
    rejected(
        "case collision",
        &[
            ("content/guides/Install.md", b"# Upper\n"),
            ("content/guides/install.md", b"# Lower\n"),
        ],
        &[
            "content/guides/install.md:1:1: error[url/case-collision]",
            "page `guides/Install.md`",
        ],
    );
}

#[cfg(unix)]
#[test]
fn symbolic_links_are_not_followed() {
    let site = built_site();
    let outside = tempfile::tempdir().unwrap();
    std::fs::write(outside.path().join("secret.md"), "# Outside secret\n").unwrap();
    std::os::unix::fs::symlink(
        outside.path().join("secret.md"),
        site.root().join("content/linked.md"),
    )
    .unwrap();
    std::os::unix::fs::symlink(outside.path(), site.root().join("content/outside")).unwrap();
    std::os::unix::fs::symlink(
        site.root().join("content"),
        site.root().join("content/loop"),
    )
    .unwrap();
    // Read after the links, alphabetically: a link must not end the reading of its folder.
    site.file("content/zz-after.md", "# After the links\n");
    let run = site.build();
    assert_clean_exit(&run, 0, "symlinks");
    for name in ["linked.md", "outside", "loop"] {
        assert!(
            run.stderr.contains(&format!(
                "warning[load/symlink]: skipped symbolic link `{name}`"
            )),
            "{name}\n{}",
            run.stderr
        );
    }
    assert!(
        site.output("zz-after/index.html")
            .contains("After the links")
    );
    let public = site.root().join("public");
    for (path, bytes) in snapshot(&public) {
        assert!(
            !String::from_utf8_lossy(&bytes).contains("Outside secret"),
            "{} holds the linked file",
            path.display()
        );
    }
}

#[test]
fn dangerous_output_folders_are_refused_and_nothing_is_deleted() {
    let site = built_site();
    let home = tempfile::tempdir().unwrap();
    std::fs::write(home.path().join("keep.txt"), "keep").unwrap();
    let cases = [
        ("/".to_string(), "file-system root"),
        (home.path().display().to_string(), "home folder"),
    ];
    for (out, why) in &cases {
        let out_bin = std::process::Command::new(crate::support::BIN)
            .args(["build", "--format", "short", "--output", out])
            .current_dir(site.root())
            .env("HOME", home.path())
            .output()
            .unwrap();
        let run = Run {
            code: out_bin.status.code().unwrap_or(-1),
            stderr: String::from_utf8_lossy(&out_bin.stderr).into_owned(),
        };
        assert_clean_exit(&run, 2, out);
        assert!(run.stderr.contains(why), "{out}: {}", run.stderr);
    }
    assert_eq!(
        std::fs::read_to_string(home.path().join("keep.txt")).unwrap(),
        "keep"
    );
}

/// Text that must come out escaped wherever it is shown.
const HOSTILE: &str = "<script>alert(1)</script> \"q\" 'a' {{ site.title }} {% raw %}";

#[test]
fn hostile_text_is_escaped_everywhere_it_appears() {
    let site = TestSite::new();
    site.file(
        "canon.toml",
        // Raw HTML in the body is the author's to write (see the next test); with it off,
        // nothing from the page may reach any output unescaped.
        "title = \"Escapes\"\nbase_url = \"https://example.org/\"\n[markdown]\nraw_html = false\n[glossary]\n[taxonomies.topic]\ntitle = \"Topic\"\n",
    );
    let yaml = HOSTILE.replace('\\', "\\\\").replace('"', "\\\"");
    site.file(
        "content/page.md",
        &format!(
            "---\ntitle: \"{yaml}\"\ndescription: \"{yaml}\"\ndate: 2025-01-02\ntopic: [\"{yaml}\"]\n---\n## {HOSTILE}\n\nThe term {HOSTILE} is used.\n"
        ),
    );
    site.file(
        "content/glossary/term.md",
        &format!("---\ntitle: \"{yaml}\"\n---\nA definition.\n"),
    );
    let run = site.build();
    assert_clean_exit(&run, 0, "hostile text");
    let public = site.root().join("public");
    let mut seen_json = 0;
    for (path, bytes) in snapshot(&public) {
        let name = path.to_string_lossy().replace('\\', "/");
        let text = String::from_utf8_lossy(&bytes);
        if name.ends_with(".html") || name.ends_with(".xml") {
            assert!(
                !text.contains("<script>alert"),
                "{name} has the script unescaped"
            );
        }
        // The search index is JSON handed to the client by a script.
        let json = if name.starts_with("search/") && name.ends_with(".js") {
            let (_, json) = canon::search::index::script_data(&text)
                .unwrap_or_else(|| panic!("{name} is not an index script"));
            Some(json.to_string())
        } else {
            name.ends_with(".json").then(|| text.to_string())
        };
        if let Some(json) = json {
            let value: serde_json::Value =
                serde_json::from_str(&json).unwrap_or_else(|e| panic!("{name} is not JSON: {e}"));
            if value.to_string().contains("alert(1)") {
                seen_json += 1;
                assert!(json_has_string(&value, HOSTILE), "{name} changed the text");
            }
        }
    }
    assert!(seen_json >= 2, "the text reached {seen_json} JSON files");
    let page = std::fs::read_to_string(public.join("page/index.html")).unwrap();
    // Shown as written: escaped, and never evaluated as a template.
    assert!(
        page.contains("&lt;script&gt;alert(1)&lt;&#x2F;script&gt;")
            || page.contains("&lt;script&gt;alert(1)&lt;/script&gt;"),
        "{page}"
    );
    assert!(page.contains("{{ site.title }}"), "{page}");
    // In an attribute, quotes are escaped too, so the value cannot end early.
    assert!(
        page.contains("<meta name=\"description\" content=\"&lt;script&gt;alert(1)&lt;/script&gt; &quot;q&quot; &#39;a&#39;"),
        "{page}"
    );
    let feed = std::fs::read_to_string(public.join("atom.xml")).unwrap();
    assert!(feed.contains("&lt;script&gt;"), "{feed}");
}

fn json_has_string(value: &serde_json::Value, wanted: &str) -> bool {
    match value {
        serde_json::Value::String(s) => s.contains(wanted),
        serde_json::Value::Array(a) => a.iter().any(|v| json_has_string(v, wanted)),
        serde_json::Value::Object(o) => o.values().any(|v| json_has_string(v, wanted)),
        _ => false,
    }
}

#[test]
fn raw_html_is_kept_by_default_and_stripped_when_configured() {
    let body = "# Raw\n\n<div class=\"note\">Kept <b>bold</b></div>\n\nInline <span onclick=\"x()\">span</span> text.\n\n<script>alert(1)</script>\n";
    let site = TestSite::new();
    site.file("content/raw.md", body);
    let run = site.build();
    assert_clean_exit(&run, 0, "raw HTML kept");
    let page = site.output("raw/index.html");
    assert!(
        page.contains("<div class=\"note\">Kept <b>bold</b></div>"),
        "{page}"
    );

    site.file("canon.toml", "[markdown]\nraw_html = false\n");
    let run = site.build();
    assert_clean_exit(&run, 0, "raw HTML stripped");
    let page = site.output("raw/index.html");
    assert!(!page.contains("<div class=\"note\">"), "{page}");
    assert!(!page.contains("onclick"), "{page}");
    assert!(!page.contains("<script>alert"), "{page}");
    // The text inside stays readable.
    assert!(page.contains("Kept"), "{page}");
    assert!(page.contains("span"), "{page}");
}

/// A build killed at any moment (SIGKILL: no clean-up runs) leaves the previous site whole,
/// or the new one whole, never a mixture or nothing; the next build then succeeds and leaves
/// no staging folder behind.
#[cfg(unix)]
#[test]
fn a_build_killed_at_any_moment_leaves_a_whole_site() {
    let site = TestSite::new();
    let pages = |version: &str| {
        for i in 0..300 {
            site.file(
                &format!("content/guides/page-{i}.md"),
                &format!(
                    "---\ntitle: Page {i}, {version}\n---\n## Part\n\nText of {version}, linking [the next](page-{}.md).\n",
                    (i + 1) % 300
                ),
            );
        }
    };
    pages("version one");
    let run = site.build();
    assert_clean_exit(&run, 0, "first build");
    let public = site.root().join("public");
    let old = snapshot(&public);
    pages("version two");
    // The new site, built elsewhere, to know it when it appears.
    let elsewhere = tempfile::tempdir().unwrap();
    let new_out = elsewhere.path().join("new");
    let start = std::time::Instant::now();
    let run = site.run(&["build", "--output", new_out.to_str().unwrap()]);
    let took = start.elapsed();
    assert_clean_exit(&run, 0, "reference build");
    let new = snapshot(&new_out);
    assert_ne!(old, new);
    // Kill moments spread over a whole build, from before it reads anything to after it
    // would have finished.
    let rounds = 12u32;
    let mut seen = (0, 0);
    for k in 0..rounds {
        let after = took * (k + 1) * 11 / (rounds * 10);
        let mut child = std::process::Command::new(crate::support::BIN)
            .args(["build", "--format", "short"])
            .current_dir(site.root())
            .stderr(std::process::Stdio::null())
            .spawn()
            .unwrap();
        std::thread::sleep(after);
        let _ = child.kill();
        let _ = child.wait();
        let now = snapshot(&public);
        if now == old {
            seen.0 += 1;
        } else if now == new {
            seen.1 += 1;
        } else {
            panic!(
                "killed after {after:?}: public/ is neither the previous site ({} files) nor the new one ({} files) but {} files",
                old.len(),
                new.len(),
                now.len()
            );
        }
    }
    assert!(seen.0 > 0, "no kill came before the swap: {seen:?}");
    let run = site.build();
    assert_clean_exit(&run, 0, "build after the kills");
    assert!(
        snapshot(&public) == new,
        "the last build is not the new site"
    );
    let leftovers: Vec<String> = std::fs::read_dir(site.root())
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| n.contains("canon-"))
        .collect();
    assert!(
        leftovers.is_empty(),
        "left beside the output after {seen:?} (old, new) kills: {leftovers:?}"
    );
}
