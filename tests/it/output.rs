//! Writing: atomic swap, ownership marker, refusals, subpath hosting.

use crate::support::{TestSite, good_site, html_files, snapshot};

#[test]
fn failed_build_leaves_previous_site_untouched() {
    let site = good_site();
    assert_eq!(site.build().code, 0);
    let before = snapshot(&site.root().join("public"));
    assert!(before.keys().any(|k| k.ends_with(".canon-output")));
    site.file("content/broken.md", "---\ntitle: [\n---\n");
    let run = site.build();
    assert_eq!(run.code, 1, "{}", run.stderr);
    assert_eq!(snapshot(&site.root().join("public")), before);
    // Fixed again: the new site replaces the old one, and no staging folder is left.
    std::fs::remove_file(site.root().join("content/broken.md")).unwrap();
    site.file("content/guides/new.md", "# New page\n");
    assert_eq!(site.build().code, 0);
    assert!(site.exists("guides/new/index.html"));
    let names: Vec<String> = std::fs::read_dir(site.root())
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    assert!(!names.iter().any(|n| n.contains("canon-")), "{names:?}");
}

#[test]
fn refuses_output_folders_it_does_not_own() {
    let site = good_site();
    site.file("elsewhere/precious.txt", "keep me");
    let run = site.run(&["build", "--output", "elsewhere"]);
    assert_eq!(run.code, 2, "{}", run.stderr);
    assert!(run.stderr.contains("refusing to replace"), "{}", run.stderr);
    assert_eq!(
        std::fs::read_to_string(site.root().join("elsewhere/precious.txt")).unwrap(),
        "keep me"
    );

    for (out, why) in [
        (".", "that is the site root"),
        ("..", "it holds the site root"),
        ("content", "it holds the content folder"),
    ] {
        let before = snapshot(site.root());
        let run = site.run(&["build", "--output", out]);
        assert_eq!(run.code, 2, "{out}: {}", run.stderr);
        assert!(run.stderr.contains(why), "{out}: {}", run.stderr);
        assert_eq!(snapshot(site.root()), before, "{out}: something changed");
    }
}

#[test]
fn check_writes_nothing() {
    let site = good_site();
    let run = site.check();
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(
        run.stderr.contains("canon: checked 2 pages"),
        "{}",
        run.stderr
    );
    assert!(!site.root().join("public").exists());
}

#[test]
fn subpath_hosting_keeps_every_link_inside_the_site() {
    let site = good_site();
    let run = site.run(&["build", "--base-url", "https://example.org/standards/"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let page = site.output("guides/setup/index.html");
    assert!(
        page.contains("<link rel=\"stylesheet\" href=\"../../canon.css\">"),
        "{page}"
    );
    assert!(
        page.contains(
            "<link rel=\"canonical\" href=\"https://example.org/standards/guides/setup/\">"
        )
    );
    let home = site.output("index.html");
    assert!(home.contains("href=\"guides/setup/#install\""), "{home}");
    let not_found = site.output("404.html");
    assert!(
        not_found.contains("href=\"/standards/\">home page"),
        "{not_found}"
    );
    assert!(
        site.output("sitemap.xml")
            .contains("<loc>https://example.org/standards/guides/setup/</loc>")
    );
    // Every rooted link in every page points under the base path.
    for f in html_files(&site.root().join("public")) {
        let html = site.output(&f);
        assert!(
            !html.contains("href=\"/") || f == "404.html",
            "{f} has a rooted link"
        );
    }
}

#[test]
fn url_clashes_name_both_files() {
    let site = TestSite::new();
    site.file("content/guides/README.md", "# Guides\n");
    site.file("content/guides/index.md", "# Also guides\n");
    let run = site.build();
    assert_eq!(run.code, 1, "{}", run.stderr);
    assert!(run.stderr.contains("two things would be written to `/guides/`: page `guides/README.md` and page `guides/index.md`"), "{}", run.stderr);
}

#[test]
fn aliases_redirect_and_static_files_are_copied() {
    let site = good_site();
    site.file(
        "content/guides/setup.md",
        "---\ntitle: Setup\naliases: [/old/setup/, /legacy.html]\n---\n## Install\n\n![Diagram](diagram.svg)\n",
    );
    site.file(
        "content/guides/diagram.svg",
        "<svg xmlns=\"http://www.w3.org/2000/svg\"/>",
    );
    site.file("static/robots-extra.txt", "extra");
    let run = site.build();
    assert_eq!(run.code, 0, "{}", run.stderr);
    let stub = site.output("old/setup/index.html");
    assert!(
        stub.contains("<meta http-equiv=\"refresh\" content=\"0; url=../../guides/setup/\">"),
        "{stub}"
    );
    assert!(site.output("legacy.html").contains("url=guides/setup/"));
    assert!(site.exists("guides/diagram.svg"));
    assert!(site.exists("robots-extra.txt"));
    assert!(
        site.output("guides/setup/index.html")
            .contains("<img src=\"../diagram.svg\" alt=\"Diagram\"")
    );
}

#[test]
fn drafts_only_with_the_flag() {
    let site = good_site();
    site.file(
        "content/guides/wip.md",
        "---\ntitle: Work in progress\ndraft: true\n---\nSoon.\n",
    );
    assert_eq!(site.build().code, 0);
    assert!(!site.exists("guides/wip/index.html"));
    assert_eq!(site.run(&["build", "--drafts"]).code, 0);
    assert!(site.exists("guides/wip/index.html"));
}

#[test]
fn a_draft_status_is_left_out_and_links_to_it_say_why() {
    let site = TestSite::new();
    site.file(
        "canon.toml",
        "[collections.standards]\nid_field = \"id\"\n[collections.standards.fields]\nid = { type = \"string\", required = true }\nsee = { type = \"references\", collection = \"standards\" }\n[taxonomies.status]\nterms = [\"Draft\", \"Active\"]\n",
    );
    site.file(
        "content/standards/new.md",
        "---\ntitle: New rules\nid: SEC-009\nstatus: [Draft]\n---\nSoon.\n",
    );
    site.file(
        "content/standards/old.md",
        "---\ntitle: Old rules\nid: SEC-001\nsee: [SEC-009]\nstatus: [Active]\n---\nSee [the new rules](new.md) and [](ref:SEC-009).\n",
    );
    let run = site.build();
    assert_eq!(run.code, 1, "{}", run.stderr);
    assert!(run.stderr.contains("content/standards/old.md:4:7: error[schema/reference]: `see` refers to `SEC-009`, a draft (standards/new.md) that is left out of this build"), "{}", run.stderr);
    assert!(run.stderr.contains("content/standards/old.md:7:5: error[link/broken]: link to `new.md` leads to a draft (standards/new.md)"), "{}", run.stderr);
    assert!(run.stderr.contains("content/standards/old.md:7:33: error[link/broken]: link to `ref:SEC-009` leads to a draft"), "{}", run.stderr);
    assert!(run.stderr.contains("build with `--drafts`"));
    // With the flag the draft is built, with a banner saying it is not in force.
    let run = site.run(&["build", "--drafts"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let html =
        std::fs::read_to_string(site.root().join("public/standards/new/index.html")).unwrap();
    assert!(
        html.contains("This standard is a draft: it is not yet in force"),
        "{html}"
    );
}
