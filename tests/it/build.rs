//! The bundled example site, built end to end.

use crate::support::{TODAY, example, html_files, repo, run_in};

fn read(rel: &str) -> String {
    let path = example().0.path().join("site").join(rel);
    std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

#[test]
fn example_site_builds_without_warnings_and_summarises() {
    let stderr = &example().1;
    assert!(
        stderr.contains(
            "canon: built 83 pages (methods 6, standards 8, modules 6, paths 2, glossary terms 54, other 7)"
        ),
        "{stderr}"
    );
    assert!(stderr.contains("0 errors, 0 warnings"), "{stderr}");
}

#[test]
fn pretty_urls_for_every_page_kind() {
    let files = html_files(&example().0.path().join("site"));
    for expected in [
        "index.html",
        "404.html",
        "about/index.html",
        "methods/index.html",
        "methods/agile-delivery/index.html",
        "standards/access-control/index.html",
        "modules/spotting-phishing/index.html",
        "audience/index.html",
        "audience/clinical-staff/index.html",
        "topic/access-management/index.html",
        "status/active/index.html",
        "glossary/index.html",
    ] {
        assert!(
            files.iter().any(|f| f == expected),
            "missing {expected} in {files:?}"
        );
    }
    // Section intros are shown by their section, not as pages of their own.
    assert!(!files.iter().any(|f| f.contains("_index")), "{files:?}");
}

#[test]
fn content_page_has_metadata_toc_breadcrumbs_and_neighbours() {
    let html = read("standards/access-control/index.html");
    assert!(html.contains("<html lang=\"en-GB\">"));
    assert!(html.contains("<title>Access control – How we work</title>"));
    assert!(html.contains("<link rel=\"canonical\" href=\"https://example.org/how-we-work/standards/access-control/\">"), "canonical");
    assert!(html.contains("<h1 id=\"access-control\">Access control</h1>"));
    assert!(
        html.contains("<dt>Standard ID</dt><dd>SEC-001</dd>"),
        "metadata panel"
    );
    assert!(
        html.contains("<dt>Requirement level</dt><dd><span class=\"tag\">mandatory</span></dd>")
    );
    assert!(
        html.contains("<time datetime=\"2027-03-12\">12 March 2027</time>"),
        "dates read naturally"
    );
    assert!(html.contains("<nav class=\"page-toc\" aria-labelledby=\"on-this-page\">"));
    assert!(html.contains("<li><a href=\"#purpose\">Purpose</a>"));
    assert!(html.contains("<nav class=\"container breadcrumbs\" aria-label=\"Breadcrumb\">"));
    assert!(
        html.contains("<li><a href=\"../index.html\">Security standards</a></li>"),
        "breadcrumb to collection"
    );
    // Ordered by weight then title: no weights here, so by title.
    assert!(
        html.contains(
            "rel=\"next\"><span class=\"pagination__label\">Next</span> Backup and recovery"
        ) || html.contains("rel=\"prev\""),
        "{html}"
    );
    assert!(html.contains("<a class=\"tag tag--link\" href=\"../../topic/access-management/index.html\">Access management</a>"));
    assert!(html.contains("class=\"skip-link\" href=\"#main-content\""));
}

#[test]
fn links_between_markdown_files_are_rewritten() {
    let html = read("modules/passwords-and-mfa/index.html");
    assert!(
        html.contains("href=\"../../standards/access-control/index.html#authentication\""),
        "relative .md link with fragment"
    );
    let html = read("index.html");
    assert!(
        html.contains("href=\"methods/index.html\""),
        "link to a section's _index.md"
    );
    assert!(!html.contains(".md\""), "no .md link left");
}

#[test]
fn references_render_as_links_to_their_targets() {
    let html = read("modules/ransomware/index.html");
    assert!(html.contains("<dt>Standards it teaches</dt><dd><a href=\"../../standards/backup-and-recovery/index.html\">Backup and recovery</a>, <a href=\"../../standards/incident-response/index.html\">Incident response</a></dd>"), "{html}");
    assert!(html.contains(
        "<dt>Take first</dt><dd><a href=\"../spotting-phishing/index.html\">Spotting phishing</a>"
    ));
}

#[test]
fn markdown_features_render() {
    let html = read("standards/incident-response/index.html");
    assert!(
        html.contains("<div class=\"callout callout-warning\" role=\"note\">"),
        "alert"
    );
    assert!(
        html.contains(
            "<div class=\"table-wrap\" role=\"region\" aria-label=\"Table 1\" tabindex=\"0\">"
        ),
        "table"
    );
    let html = read("standards/access-control/index.html");
    assert!(
        html.contains("<pre class=\"code\" tabindex=\"0\"><code class=\"language-yaml\">"),
        "code block"
    );
    assert!(html.contains("class=\"hl-"), "highlighted with classes");
    assert!(!html.contains(" style=\""), "no inline styles");
    let html = read("modules/spotting-phishing/index.html");
    assert!(
        html.contains("<input type=\"checkbox\" disabled aria-label=\"Not done\">"),
        "task list"
    );
    assert!(html.contains("<div class=\"heading\"><h2 id=\"why-it-matters\">Why it matters</h2><a class=\"self-link\" href=\"#why-it-matters\">"));
}

#[test]
fn collection_and_taxonomy_pages_list_their_pages() {
    let html = read("standards/index.html");
    assert!(html.contains("<h1>Security standards</h1>"));
    // The register lists the eight standards once; they are not listed again as cards.
    assert_eq!(
        html.matches("<tr><td>SEC-00").count(),
        8,
        "eight standards listed"
    );
    assert!(html.contains("<tr><td>SEC-001</td><td><a href=\"access-control/index.html\">"));
    assert_eq!(html.matches("class=\"card\"").count(), 0, "{html}");
    let html = read("methods/index.html");
    assert_eq!(
        html.matches("class=\"card\"").count(),
        6,
        "no register: cards"
    );
    let html = read("index.html");
    assert!(
        html.contains("<span class=\"tag\">54 terms</span>"),
        "the glossary counts terms"
    );
    let html = read("modules/spotting-phishing/index.html");
    assert_eq!(
        html.matches(">Check your understanding<").count(),
        2,
        "the heading and its contents entry; the quiz does not repeat it"
    );
    let html = read("audience/index.html");
    assert!(html.contains("<a href=\"clinical-staff/index.html\">Clinical staff</a>"));
    let html = read("audience/suppliers/index.html");
    assert!(html.contains("<h1>Suppliers</h1>"));
    assert!(html.contains("Supplier security"));
    assert!(!html.contains("Spotting phishing"));
}

#[test]
fn sitemap_feed_robots_and_assets() {
    let sitemap = read("sitemap.xml");
    assert!(sitemap.contains("<loc>https://example.org/how-we-work/standards/access-control/</loc><lastmod>2026-03-12</lastmod>"));
    assert!(
        sitemap.contains("<loc>https://example.org/how-we-work/audience/clinical-staff/</loc>")
    );
    assert!(!sitemap.contains("404"));
    let feed = read("atom.xml");
    assert!(feed.starts_with("<?xml"));
    assert!(feed.contains("<feed xmlns=\"http://www.w3.org/2005/Atom\">"));
    assert!(feed.contains("<link href=\"https://example.org/how-we-work/about/\"/>"));
    let robots = read("robots.txt");
    assert!(robots.contains("Sitemap: https://example.org/how-we-work/sitemap.xml"));
    let css = read("canon.css");
    assert!(css.len() < 30 * 1024);
    assert!(read("index.html").contains("<link rel=\"stylesheet\" href=\"canon.css\">"));
    // The 404 page is served at any depth, so its links are rooted at the base path.
    let not_found = read("404.html");
    assert!(
        not_found.contains("<style>/* canon default theme."),
        "404 inlines its stylesheet"
    );
    assert!(
        not_found.contains("<a href=\"/how-we-work/\">home page</a>"),
        "{not_found}"
    );
}

#[test]
fn nothing_loads_from_another_origin() {
    let site = example().0.path().join("site");
    for f in html_files(&site) {
        let html = std::fs::read_to_string(site.join(&f)).unwrap();
        for attr in [
            "src=\"http",
            "src=\"//",
            "<link rel=\"stylesheet\" href=\"http",
            "<script>",
        ] {
            assert!(!html.contains(attr), "{f} contains {attr}");
        }
        // The only scripts are the site's own search client, quiz checker and path progress, deferred, by a
        // relative URL: pages read the same without them.
        for script in html.split("<script").skip(1) {
            let same_site = !script.starts_with(" src=\"/")
                || (f == "404.html" && script.starts_with(" src=\"/how-we-work/"));
            assert!(
                script.starts_with(" src=\"")
                    && (script.contains("search.js\" defer></script>")
                        || script.contains("quiz.js\" defer></script>")
                        || script.contains("progress.js\" defer data-site=\"https://example.org/how-we-work/\"></script>"))
                    && same_site,
                "{f}: <script{}",
                &script[..60.min(script.len())]
            );
        }
    }
}

#[test]
fn ref_links_fill_their_text_and_resolve_by_id() {
    // Checked on a small site so the example content stays free to change.
    let site = crate::support::TestSite::new();
    site.file(
        "canon.toml",
        "[collections.standards]\nid_field = \"id\"\n[collections.standards.fields]\nid = { type = \"string\" }\n",
    );
    site.file(
        "content/standards/access.md",
        "---\ntitle: Access control\nid: SEC-001\n---\n## Scope\n",
    );
    site.file(
        "content/index.md",
        "# Home\n\nSee [](ref:SEC-001#scope) or [the standard](ref:SEC-001).\n",
    );
    let run = site.build();
    assert_eq!(run.code, 0, "{}", run.stderr);
    let html = site.output("index.html");
    assert!(
        html.contains("<a href=\"standards/access/#scope\">Access control</a>"),
        "{html}"
    );
    assert!(
        html.contains("<a href=\"standards/access/\">the standard</a>"),
        "{html}"
    );
}

#[test]
fn relationships_read_both_ways_with_backlinks_and_related_pages() {
    let html = read("standards/access-control/index.html");
    // Forward in the module's panel; backward here, named for the relationship.
    assert!(html.contains("<dt>Taught by</dt><dd><a href=\"../../modules/passwords-and-mfa/index.html\">Passwords and multi-factor authentication</a>, <a href=\"../../modules/secure-remote-working/index.html\">Secure remote working</a>, <a href=\"../../modules/spotting-phishing/index.html\">Spotting phishing</a></dd>"), "{html}");
    assert!(
        html.contains(
            "<dt>Required by</dt><dd><a href=\"../../methods/agile-delivery/index.html\">"
        ),
        "{html}"
    );
    // Backlinks: pages whose bodies link here, ordered by title, each once.
    let backlinks = html
        .split("<h2 id=\"referenced-by\">Referenced by</h2>")
        .nth(1)
        .expect("backlinks")
        .split("</ul>")
        .next()
        .unwrap();
    let titles: Vec<&str> = backlinks
        .split("\">")
        .skip(1)
        .map(|s| s.split('<').next().unwrap())
        .collect();
    assert_eq!(
        titles,
        [
            "Logging and monitoring",
            "Passwords and multi-factor authentication",
            "Supplier security",
            "Supplier-led delivery"
        ]
    );
    // Related: shares rare terms, and leaves out pages already linked either way.
    let html = read("modules/ransomware/index.html");
    let related = related_section(&html);
    assert!(related.contains("Reporting incidents"), "{related}");
    assert!(
        !related.contains("Backup and recovery"),
        "already linked: {related}"
    );
    assert!(
        !related.contains("Spotting phishing"),
        "already a prerequisite: {related}"
    );
    let leads_on = read("modules/spotting-phishing/index.html");
    assert!(
        leads_on.contains("<dt>Leads on to</dt>"),
        "inverse of prerequisites"
    );
}

#[test]
fn example_glossary_is_governed_and_strict_clean() {
    let html = read("glossary/index.html");
    assert!(html.matches("<dt id=").count() >= 40, "at least 40 terms");
    for id in [
        "caldicott-guardian",
        "data-protection-impact-assessment",
        "multi-factor-authentication",
        "senior-information-risk-owner",
        "decision-point",
        "sprint",
    ] {
        assert!(html.contains(&format!("<dt id=\"{id}\">")), "{id}");
    }
    let run = run_in(
        &repo(),
        &["check", "--strict", "--format", "short", "--today", TODAY],
    );
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(
        run.stderr.contains("0 errors, 0 warnings"),
        "{}",
        run.stderr
    );
    // Prose links its terms; the ransomware module expands an abbreviation.
    let module = read("modules/passwords-and-mfa/index.html");
    assert!(
        module.contains(
            "class=\"term\" href=\"../../glossary/index.html#multi-factor-authentication\""
        ),
        "{module}"
    );
}

#[test]
fn search_finds_ids_titles_and_glossary_words_first() {
    let site = example().0.path().join("site");
    let index = crate::support::search_index(&site);
    // Every standard by its id and by its title.
    for (id, url, title) in [
        ("SEC-001", "standards/access-control/", "Access control"),
        (
            "SEC-002",
            "standards/incident-response/",
            "Incident response",
        ),
        (
            "SEC-003",
            "standards/supplier-security/",
            "Supplier security",
        ),
        (
            "SEC-004",
            "standards/data-protection/",
            "Data protection by design",
        ),
        (
            "SEC-005",
            "standards/secure-development/",
            "Secure development",
        ),
        (
            "SEC-006",
            "standards/vulnerability-management/",
            "Vulnerability management",
        ),
        (
            "SEC-007",
            "standards/backup-and-recovery/",
            "Backup and recovery",
        ),
        (
            "sec-008",
            "standards/logging-and-monitoring/",
            "Logging and monitoring",
        ),
    ] {
        let r = index.search(id, None);
        assert_eq!(r.hits.first().map(|h| h.url.as_str()), Some(url), "{id}");
        let r = index.search(title, Some("standards"));
        assert_eq!(
            r.hits.first().map(|h| h.url.as_str()),
            Some(url),
            "{title}: {:?}",
            r.hits.iter().take(3).map(|h| &h.title).collect::<Vec<_>>()
        );
    }
    // Every abbreviation finds its term's entry first, and the pages about it.
    let glossary = std::fs::read_to_string(site.join("glossary/index.html")).unwrap();
    let mut abbreviations = 0;
    for entry in glossary.split("<dt id=\"").skip(1) {
        let id = entry.split('"').next().unwrap();
        let Some(abbr) = entry
            .split("<span class=\"glossary__abbr\">(")
            .nth(1)
            .and_then(|s| s.split(')').next())
        else {
            continue;
        };
        let r = index.search(abbr, None);
        assert!(r.glossary.is_some(), "{abbr}");
        assert_eq!(
            r.hits.first().map(|h| h.url.as_str()),
            Some(format!("glossary/#{id}").as_str()),
            "{abbr}"
        );
        abbreviations += 1;
    }
    assert!(abbreviations >= 10, "{abbreviations}");
    for (word, term) in [
        ("2fa", "Multi-factor authentication"),
        ("two-factor authentication", "Multi-factor authentication"),
        ("e-mail", "Email"),
    ] {
        let r = index.search(word, None);
        assert_eq!(r.glossary.as_deref(), Some(term), "{word}");
    }
    let r = index.search("mfa", None);
    assert!(
        r.hits
            .iter()
            .take(4)
            .any(|h| h.title == "Passwords and multi-factor authentication"),
        "{:?}",
        r.hits
    );
    // Facets count every match and filter.
    let all = index.search("backup", None);
    let modules = index.search("backup", Some("modules"));
    assert!(all.collections.get("standards").is_some_and(|n| *n >= 1));
    assert!(modules.hits.len() < all.hits.len() && !modules.hits.is_empty());
}

#[test]
fn overdue_reviews_are_warnings_and_listed_by_date() {
    let out = tempfile::tempdir().unwrap();
    let dest = out.path().join("site");
    let run = run_in(
        &repo(),
        &[
            "build",
            "--format",
            "short",
            "--today",
            "2027-03-01",
            "--output",
            dest.to_str().unwrap(),
        ],
    );
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(run.stderr.contains("content/methods/discovery-and-alpha.md:30:13: warning[review/overdue]: review was due on 19 January 2027 (41 days ago)"), "{}", run.stderr);
    assert!(run.stderr.contains("content/standards/vulnerability-management.md:12:13: warning[review/overdue]: review was due on 18 February 2027 (11 days ago)"), "{}", run.stderr);
    assert!(
        !run.stderr.contains("access-control.md"),
        "due 12 March 2027, not yet overdue: {}",
        run.stderr
    );
    let strict = run_in(
        &repo(),
        &[
            "check",
            "--strict",
            "--format",
            "short",
            "--today",
            "2027-03-01",
        ],
    );
    assert_eq!(strict.code, 1);
    let html = std::fs::read_to_string(dest.join("reviews/index.html")).unwrap();
    let order: Vec<&str> = [
        "Discovery and alpha",
        "Vulnerability management",
        "Hybrid delivery",
        "Access control",
        "Staged delivery for national systems",
    ]
    .into_iter()
    .filter(|t| html.contains(&format!(">{t}</a>")))
    .collect();
    assert_eq!(order.len(), 5, "{html}");
    let positions: Vec<usize> = order
        .iter()
        .map(|t| html.find(&format!(">{t}</a>")).unwrap())
        .collect();
    assert!(
        positions.windows(2).all(|w| w[0] < w[1]),
        "soonest first: {order:?}"
    );
    assert!(
        html.contains("<strong>Overdue by 41 days</strong>"),
        "{html}"
    );
    assert!(html.contains("Due in 11 days"), "Access control, 12 March");
    assert!(
        !html.contains(">Logging and monitoring</a>"),
        "due in June, outside 90 days"
    );
    assert!(
        read("index.html").contains("Reviews due"),
        "linked from the footer"
    );
}

#[test]
fn the_control_matrix_maps_standards_and_shows_gaps() {
    let html = read("iso27001/index.html");
    assert!(
        html.contains("Our security standards address 40 of the 93 Annex A controls"),
        "{html}"
    );
    let row = |n: &str| {
        html.split(&format!("<tr id=\"{}\"", n.replace('.', "-")))
            .nth(1)
            .unwrap()
            .split("</tr>")
            .next()
            .unwrap()
            .to_string()
    };
    assert!(row("A.5.15").contains("SEC-001 Access control"));
    assert!(row("A.8.15").contains("SEC-008 Logging and monitoring"));
    assert!(
        row("A.7.4").contains("<strong>Gap</strong>"),
        "{}",
        row("A.7.4")
    );
    assert_eq!(html.matches("<tr id=\"A-").count(), 93);
    // Pages show each control with its title.
    assert!(
        read("standards/backup-and-recovery/index.html")
            .contains("<li>A.8.13 Information backup</li>")
    );
}

#[test]
fn a_collection_with_ids_has_a_register() {
    let html = read("standards/index.html");
    let table = html
        .split("<table class=\"register\">")
        .nth(1)
        .expect("register")
        .split("</table>")
        .next()
        .unwrap();
    assert!(table.contains("<th scope=\"col\">Standard ID</th><th scope=\"col\">Title</th><th scope=\"col\">Status</th><th scope=\"col\">Version</th><th scope=\"col\">Requirement level</th><th scope=\"col\">Owner</th><th scope=\"col\">Next review due</th>"), "{table}");
    let ids: Vec<&str> = table
        .split("<tr><td>")
        .skip(1)
        .map(|r| r.split('<').next().unwrap())
        .collect();
    assert_eq!(
        ids,
        [
            "SEC-001", "SEC-002", "SEC-003", "SEC-004", "SEC-005", "SEC-006", "SEC-007", "SEC-008"
        ]
    );
    assert!(table.contains("<td>Active</td><td>2.1</td><td>mandatory</td><td>Head of Identity and Access Management</td><td><time datetime=\"2027-03-12\">12 March 2027</time></td>"));
    assert!(
        !read("methods/index.html").contains("class=\"register\""),
        "methods have no id field"
    );
}

#[test]
fn open_data_matches_its_own_schemas() {
    let site = example().0.path().join("site");
    for name in ["methods", "standards", "modules", "glossary"] {
        let data: serde_json::Value =
            serde_json::from_str(&read(&format!("api/{name}.json"))).unwrap();
        let schema: serde_json::Value =
            serde_json::from_str(&read(&format!("api/{name}.schema.json"))).unwrap();
        let validator =
            jsonschema::validator_for(&schema).unwrap_or_else(|e| panic!("{name}: {e}"));
        let errors: Vec<String> = validator
            .iter_errors(&data)
            .map(|e| format!("{} at {}", e, e.instance_path()))
            .collect();
        assert!(errors.is_empty(), "{name}: {errors:?}");
        assert!(site.join(format!("api/{name}.json")).is_file());
    }
    let standards: serde_json::Value = serde_json::from_str(&read("api/standards.json")).unwrap();
    let items = standards["items"].as_array().unwrap();
    assert_eq!(items.len(), 8);
    let access = items.iter().find(|i| i["id"] == "SEC-001").unwrap();
    assert_eq!(
        access["url"],
        "https://example.org/how-we-work/standards/access-control/"
    );
    assert_eq!(access["fields"]["level"], "mandatory");
    assert!(
        access["referenced_as"]["Taught by"]
            .as_array()
            .unwrap()
            .iter()
            .any(|l| l["title"] == "Spotting phishing")
    );
    let modules: serde_json::Value = serde_json::from_str(&read("api/modules.json")).unwrap();
    let ransomware = modules["items"]
        .as_array()
        .unwrap()
        .iter()
        .find(|i| i["title"] == "Ransomware")
        .unwrap();
    assert_eq!(ransomware["relationships"]["teaches"][0]["id"], "SEC-007");
    // The schema is strict enough to catch a wrong value.
    let schema: serde_json::Value =
        serde_json::from_str(&read("api/standards.schema.json")).unwrap();
    let mut wrong = standards.clone();
    wrong["items"][0]["fields"]["level"] = serde_json::json!("optional");
    assert!(!jsonschema::validator_for(&schema).unwrap().is_valid(&wrong));
    let glossary: serde_json::Value = serde_json::from_str(&read("api/glossary.json")).unwrap();
    assert!(
        glossary["terms"]
            .as_array()
            .unwrap()
            .iter()
            .any(|t| t["abbreviation"] == "MFA" && t["avoid"][0] == "2FA")
    );
}

/// The "Related" section of a page.
fn related_section(html: &str) -> &str {
    html.split("<h2 id=\"related-pages\">Related</h2>")
        .nth(1)
        .expect("related")
        .split("</section>")
        .next()
        .unwrap()
}

#[test]
fn related_pages_rank_rare_shared_terms_first_then_title_order() {
    let site = crate::support::TestSite::new();
    site.file(
        "canon.toml",
        "[taxonomies.topic]\nterms = [\"Rare\", \"Broad\", \"Other\"]\n",
    );
    let page = |name: &str, title: &str, topics: &str, body: &str| {
        site.file(
            &format!("content/guides/{name}.md"),
            &format!("---\ntitle: {title}\ntopic: [{topics}]\n---\n{body}\n"),
        );
    };
    // Ten listed pages: `Rare` is on two (scores ln 5), `Broad` on six (ln 10/6).
    page("a", "Alpha", "Rare, Broad", "See [Echo](e.md).");
    page("b", "Zulu", "Rare", "Text.");
    for (name, title) in [
        ("c", "Charlie"),
        ("e", "Echo"),
        ("f", "Foxtrot"),
        ("g", "Golf"),
    ] {
        page(name, title, "Broad", "Text.");
    }
    // Same score as the pages above, from a different set of terms.
    page("d", "Delta", "Broad, Other", "Text.");
    for name in ["x1", "x2", "x3"] {
        page(name, &format!("Other {name}"), "Other", "Text.");
    }
    let run = site.build();
    assert_eq!(run.code, 0, "{}", run.stderr);
    let html = site.output("guides/a/index.html");
    let related = related_section(&html);
    let titles: Vec<&str> = related
        .split("</a></h3>")
        .filter_map(|s| s.rsplit("\">").next())
        .filter(|s| !s.trim().is_empty() && !s.contains('<'))
        .collect();
    // The rare term first whatever its title; the four-way tie on `Broad` by title, cut
    // at four; Echo is already linked.
    assert_eq!(titles, ["Zulu", "Charlie", "Delta", "Foxtrot"], "{related}");
}

#[test]
fn a_reference_by_id_with_no_collection_goes_to_the_first_collection_that_has_the_id() {
    let site = crate::support::TestSite::new();
    site.file(
        "canon.toml",
        "[collections.methods]\nid_field = \"id\"\n[collections.methods.fields]\nid = { type = \"string\" }\n[collections.standards]\nid_field = \"id\"\n[collections.standards.fields]\nid = { type = \"string\" }\nsee = { type = \"reference\", inverse = \"Seen from\" }\n",
    );
    site.file(
        "content/standards/s.md",
        "---\ntitle: Standard S\nid: X-1\n---\nS.\n",
    );
    site.file(
        "content/methods/m.md",
        "---\ntitle: Method M\nid: X-1\n---\nM.\n",
    );
    site.file(
        "content/standards/t.md",
        "---\ntitle: Standard T\nid: X-2\nsee: X-1\n---\nT.\n",
    );
    let run = site.build();
    assert_eq!(run.code, 0, "{}", run.stderr);
    // `methods` comes first in canon.toml, whatever the order of files or of a hash map.
    assert!(
        site.output("methods/m/index.html")
            .contains("<dt>Seen from</dt>")
    );
    assert!(
        !site
            .output("standards/s/index.html")
            .contains("<dt>Seen from</dt>")
    );
}

#[test]
fn retired_and_draft_standards_say_so_and_name_their_successor() {
    let site = crate::support::TestSite::new();
    site.file(
        "canon.toml",
        "[collections.standards]\nid_field = \"id\"\n[collections.standards.fields]\nid = { type = \"string\" }\nsupersedes = { type = \"reference\", collection = \"standards\", acyclic = true, inverse = \"Superseded by\" }\n[taxonomies.status]\nterms = [\"Draft\", \"Active\", \"Superseded\"]\n",
    );
    site.file(
        "content/standards/old.md",
        "---\ntitle: Remote access (2019)\nid: SEC-090\nstatus: [Superseded]\n---\nOld.\n",
    );
    site.file("content/standards/new.md", "---\ntitle: Remote access\nid: SEC-091\nsupersedes: SEC-090\nstatus: [Active]\n---\nNew.\n");
    site.file("content/standards/next.md", "---\ntitle: Remote access (next)\nid: SEC-092\nstatus: [Draft]\ndraft: false\n---\nSoon.\n");
    let run = site.build();
    assert_eq!(run.code, 0, "{}", run.stderr);
    let old = site.output("standards/old/index.html");
    assert!(old.contains("<div class=\"banner banner--retired\" role=\"note\">\n    <p class=\"banner__title\">This standard is superseded.</p>\n    <p>Use <a href=\"../new/\">Remote access</a> instead.</p>"), "{old}");
    assert!(old.contains("<dt>Superseded by</dt>"));
    assert!(
        site.output("standards/next/index.html")
            .contains("This standard is a draft: it is not yet in force.")
    );
    assert!(
        !site
            .output("standards/new/index.html")
            .contains("class=\"banner")
    );
}

#[test]
fn standards_number_their_requirements() {
    let page = read("standards/access-control/index.html");
    // Explicit numbers hold; the unnumbered MAY takes the next free number.
    assert!(
        page.contains("<li class=\"requirement requirement--must-not\" id=\"SEC-001.2\"><a class=\"requirement__id\" href=\"#SEC-001.2\" aria-label=\"Requirement SEC-001.2\">SEC-001.2</a> <strong class=\"requirement__keyword requirement__keyword--must-not\">MUST NOT</strong> use shared accounts"),
        "{page}"
    );
    assert!(page.contains("id=\"SEC-001.13\""), "{page}");
    assert!(page.contains("<h2 id=\"requirements-summary\">Requirements in this standard</h2>"));
    assert!(page.contains("<td><a href=\"#SEC-001.6\">SEC-001.6</a></td>"));
    // The list at the end is an index: id, level and the section that states it, not the
    // text a second time.
    let summary = &page[page.find("id=\"requirements-summary\"").unwrap()..];
    assert!(
        summary.contains("<th scope=\"col\">Section</th>"),
        "{summary}"
    );
    assert!(!summary.contains("use shared accounts"), "{summary}");
    assert!(
        page.contains("<td><a href=\"#identity\">Identity</a></td>"),
        "{page}"
    );
    // Prose that says "must" is not a requirement.
    assert!(page.contains("Access to them must be limited"));
    assert!(!page.contains("id=\"SEC-001.14\""));
    let all = read("requirements/index.html");
    let rows = all.matches("class=\"requirements__row ").count();
    assert_eq!(rows, 64, "every example standard states its requirements");
    assert!(
        all.contains("<input type=\"checkbox\" id=\"level-should\" checked> Should (4)"),
        "{all}"
    );
    assert!(
        all.contains("href=\"../standards/access-control/index.html#SEC-001.1\""),
        "{all}"
    );
    // Access control (SEC-001) comes before backup (SEC-007).
    assert!(all.find("SEC-001.1<").unwrap() < all.find("SEC-007.1<").unwrap());
    assert!(read("sitemap.xml").contains("/how-we-work/requirements/</loc>"));
    let standards: serde_json::Value = serde_json::from_str(&read("api/standards.json")).unwrap();
    let backup = standards["items"]
        .as_array()
        .unwrap()
        .iter()
        .find(|i| i["id"] == "SEC-007")
        .unwrap();
    assert_eq!(backup["requirements"][6]["id"], "SEC-007.7");
    assert_eq!(backup["requirements"][6]["level"], "should");
    assert_eq!(
        backup["requirements"][6]["url"],
        "https://example.org/how-we-work/standards/backup-and-recovery/#SEC-007.7"
    );
}

#[test]
fn modules_have_self_check_questions_that_work_without_script() {
    let page = read("modules/spotting-phishing/index.html");
    assert_eq!(page.matches("data-quiz-question").count(), 3);
    assert!(page.contains("<section class=\"quiz\" aria-label=\"Check your understanding\">"));
    assert!(page.contains("<details class=\"quiz__answer\">\n<summary>Show the answer</summary>\n<p>The right answer is <strong>Report it with the Report phishing button, without clicking the link</strong>.</p>"), "{page}");
    assert!(
        page.contains("type=\"checkbox\" name=\"quiz-1-2\""),
        "{page}"
    );
    assert!(page.contains("<script src=\"../../quiz.js\" defer></script>"));
    assert!(
        !read("standards/backup-and-recovery/index.html").contains("quiz.js"),
        "only pages with a quiz load the script"
    );
    // Every module, as real training would, checks understanding with at least three
    // questions, and every answer says why it is right or wrong.
    let site = crate::support::example().0.path().join("site/modules");
    let mut modules = 0;
    for entry in std::fs::read_dir(&site).unwrap() {
        let page = entry.unwrap().path().join("index.html");
        let Ok(html) = std::fs::read_to_string(&page) else {
            continue;
        };
        modules += 1;
        let questions = html.matches("data-quiz-question").count();
        assert!(
            questions >= 3,
            "{} has {questions} questions",
            page.display()
        );
        let answers = html.matches(" name=\"quiz-").count();
        let feedback = html.matches("<p class=\"quiz__feedback\" hidden>").count();
        assert_eq!(
            answers,
            feedback,
            "{}: every answer has feedback",
            page.display()
        );
    }
    assert_eq!(modules, 6);
}

#[test]
fn learning_paths_list_their_modules_in_order_and_modules_link_along_them() {
    let path = read("paths/cyber-security-essentials/index.html");
    let order: Vec<usize> = [
        "Spotting phishing</a>",
        "Passwords and multi-factor authentication</a>",
        "Reporting incidents</a>",
        "Information governance essentials</a>",
    ]
    .iter()
    .map(|t| path.find(t).unwrap_or_else(|| panic!("{t} in {path}")))
    .collect();
    assert!(order.windows(2).all(|w| w[0] < w[1]), "{order:?}");
    assert!(
        path.contains(
            "<h2 id=\"steps-1\">Modules, in order</h2>\n        <p class=\"steps__progress\" role=\"status\" hidden></p>\n        <ol class=\"steps__list\">"
        ),
        "{path}"
    );
    let module = read("modules/passwords-and-mfa/index.html");
    assert!(module.contains("<nav class=\"path-nav\" aria-label=\"Steps in Cyber security essentials\">\n    <p class=\"path-nav__where\">Step 2 of 4 in <a href=\"../../paths/cyber-security-essentials/index.html\">Cyber security essentials</a></p>"), "{module}");
    assert!(module.contains("<a href=\"../spotting-phishing/index.html\"><span class=\"pagination__label\">Previous step</span> Spotting phishing</a>"));
    // The first step of the other path has no previous step.
    let remote = module
        .split("aria-label=\"Steps in Working safely away from the office\"")
        .nth(1)
        .expect("second path");
    let remote = &remote[..remote.find("</nav>").unwrap()];
    assert!(
        remote.contains("Step 1 of 4") && !remote.contains("Previous step"),
        "{remote}"
    );
    assert!(
        module.contains("<dt>Part of learning path</dt>"),
        "{module}"
    );
}

#[test]
fn methods_show_decision_points_along_their_phases_and_compare_side_by_side() {
    let page = read("methods/staged-delivery/index.html");
    // The timeline lists the seven phases in order, each decision point under the phase it closes.
    let timeline = &page[page
        .find("<section class=\"timeline\" aria-labelledby=\"phases-and-decision-points\">")
        .expect("a timeline")..];
    let timeline = &timeline[..timeline.find("</section>").unwrap()];
    let phases: Vec<&str> = timeline
        .split("<h3 class=\"timeline__name\">")
        .skip(1)
        .map(|s| s.split("</h3>").next().unwrap())
        .collect();
    assert_eq!(phases.len(), 7, "{phases:?}");
    assert_eq!(
        phases[0],
        "<span class=\"visually-hidden\">Phase 1: </span>Initiation"
    );
    assert!(phases[4].ends_with("Integration and testing"));
    let design = timeline.split("Design</h3>").nth(1).unwrap();
    let design = &design[..design.find("<li class=\"timeline__stage\">").unwrap()];
    assert!(
        design.contains("<div class=\"record\" id=\"dp3\">"),
        "{design}"
    );
    assert!(design.contains(
        "<span class=\"record__kind\">Decision point DP3:</span> Approve the design</h4>"
    ));
    assert!(design.contains("<dt>Decided by</dt><dd>Technical Design Authority</dd>"));
    assert!(design.contains("<dt>Entry criteria</dt><dd><ul class=\"summary__list\"><li>Technical and service design</li><li>Threat model</li><li>Signed DPIA</li><li>Clinical safety case</li></ul></dd>"));
    // Deployment closes with no decision point; a comma inside a quoted criterion stays one item.
    let deployment = timeline.split("Deployment</h3>").nth(1).unwrap();
    assert!(deployment.trim_start().starts_with("</li>"), "{deployment}");
    assert!(timeline.contains("<li>Tolerances set for time, cost and scope</li>"));
    // Reporting is a table, and both sections are in the contents.
    assert!(page.contains("<h2 id=\"reporting\">Reporting</h2>"));
    assert!(page.contains("<td>Risks, issues and dependencies</td>\n                <td>Portfolio office</td>\n                <td><span class=\"tag\">monthly</span></td>"), "{page}");
    let toc = &page[page.find("class=\"page-toc\"").unwrap()..];
    let toc = &toc[..toc.find("</nav>").unwrap()];
    assert!(
        toc.contains("href=\"#phases-and-decision-points\"") && toc.contains("href=\"#reporting\""),
        "{toc}"
    );
    assert!(page.contains("<a href=\"../compare/index.html\">Compare all delivery methods</a>"));

    // The comparison page: one row per method, in the collection's order.
    let compare = read("methods/compare/index.html");
    let rows: Vec<&str> = compare.split("<th scope=\"row\">").skip(1).collect();
    assert_eq!(rows.len(), 6);
    assert!(rows[0].starts_with(
        "<a href=\"../staged-delivery/index.html\">Staged delivery for national systems</a>"
    ));
    assert!(rows[0].contains("<td data-label=\"Decision points\"><p class=\"compare__count\">6 in total</p><ol class=\"compare__list\"><li><a href=\"../staged-delivery/index.html#dp1\">Approve the business case</a></li>"));
    let agile = rows
        .iter()
        .find(|r| r.contains("Agile delivery for patient-facing services"))
        .unwrap();
    assert!(
        agile.contains(
            "<li><strong>Monthly (2)</strong>: Product roadmap; Key performance indicators</li>"
        ),
        "{agile}"
    );
    assert!(agile.contains("<ol class=\"compare__steps\"><li>Discovery</li><li>Alpha</li><li>Beta</li><li>Live</li></ol>"));
    assert!(agile.contains("directly by patients, carers or the public</strong>"));
    assert!(read("methods/index.html").contains(
        "<p class=\"compare-link\"><a href=\"compare/index.html\">Compare delivery methods side by side</a></p>"
    ));
    assert!(read("sitemap.xml").contains("/how-we-work/methods/compare/</loc>"));

    // Open data carries the records; the schema describes them.
    let methods: serde_json::Value = serde_json::from_str(&read("api/methods.json")).unwrap();
    let staged = methods["items"]
        .as_array()
        .unwrap()
        .iter()
        .find(|i| i["title"] == "Staged delivery for national systems")
        .unwrap();
    assert_eq!(
        staged["fields"]["decision_points"][2]["decided_by"],
        "Technical Design Authority"
    );
    assert_eq!(staged["fields"]["decision_points"][2]["phase"], "Design");
    assert_eq!(
        staged["fields"]["reporting"][3]["frequency"],
        "by exception"
    );
    let schema: serde_json::Value = serde_json::from_str(&read("api/methods.schema.json")).unwrap();
    let mut wrong = methods.clone();
    wrong["items"][0]["fields"]["reporting"][0]["frequency"] = serde_json::json!("yearly");
    assert!(!jsonschema::validator_for(&schema).unwrap().is_valid(&wrong));
    let mut wrong = methods.clone();
    wrong["items"][0]["fields"]["decision_points"][0]
        .as_object_mut()
        .unwrap()
        .remove("decided_by");
    assert!(!jsonschema::validator_for(&schema).unwrap().is_valid(&wrong));
}

/// Where the blocks of a stylesheet stop balancing: the line of a `}` with
/// nothing open, or of the last `{` left open. Comments and strings are
/// skipped. A stray brace makes a browser drop the rule after it.
fn unbalanced_brace(css: &str) -> Option<usize> {
    let (mut depth, mut line, mut opened) = (0usize, 1, Vec::new());
    let mut chars = css.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '\n' => line += 1,
            '/' if chars.peek() == Some(&'*') => {
                chars.next();
                let mut last = ' ';
                for c in chars.by_ref() {
                    line += usize::from(c == '\n');
                    if last == '*' && c == '/' {
                        break;
                    }
                    last = c;
                }
            }
            '"' | '\'' => {
                while let Some(s) = chars.next() {
                    match s {
                        '\\' => _ = chars.next(),
                        '\n' => line += 1,
                        _ if s == c => break,
                        _ => {}
                    }
                }
            }
            '{' => {
                depth += 1;
                opened.push(line);
            }
            '}' if depth == 0 => return Some(line),
            '}' => {
                depth -= 1;
                opened.pop();
            }
            _ => {}
        }
    }
    opened.last().copied()
}

#[test]
fn the_theme_stylesheet_has_no_stray_braces() {
    assert_eq!(
        unbalanced_brace("a { b: c; }\n@media print { a { } }"),
        None
    );
    assert_eq!(unbalanced_brace("a { }\n}\nb { }"), Some(2));
    assert_eq!(
        unbalanced_brace("a { content: \"}\"; } /* } */\nb {"),
        Some(2)
    );
    let css = std::fs::read_to_string(repo().join("themes/default/static/canon.css")).unwrap();
    assert_eq!(
        unbalanced_brace(&css),
        None,
        "canon.css: unbalanced brace at this line"
    );
}
