//! The governed glossary: auto-links, abbreviations, the terminology lint and the A-Z page.

use crate::support::TestSite;

fn built() -> (TestSite, crate::support::Run) {
    let site = TestSite::from_fixture("good/glossary");
    let run = site.build();
    (site, run)
}

#[test]
fn avoided_words_are_warnings_with_location_and_errors_under_strict() {
    let (site, run) = built();
    assert_eq!(run.code, 0, "{}", run.stderr);
    for expected in [
        "content/index.md:7:7: warning[terminology/avoid]: write “Multi-factor authentication (MFA)”, not “2FA”",
        "content/index.md:7:47: warning[terminology/avoid]: write “clinical staff”, not “clinicians”",
        "content/opted-out.md:6:47: warning[terminology/avoid]: write “Multi-factor authentication (MFA)”, not “two-factor authentication”",
        "0 errors, 3 warnings",
    ] {
        assert!(
            run.stderr.contains(expected),
            "expected {expected:?} in\n{}",
            run.stderr
        );
    }
    // `2FA` inside a code span in a definition is not linted.
    assert!(!run.stderr.contains("phishing.md"), "{}", run.stderr);
    let strict = site.run(&["check", "--strict", "--format", "short"]);
    assert_eq!(strict.code, 1);
    assert!(
        strict.stderr.contains("3 errors, 0 warnings"),
        "{}",
        strict.stderr
    );
}

#[test]
fn first_use_in_prose_links_to_its_definition_and_nowhere_else() {
    let (site, _) = built();
    let html = site.output("index.html");
    let term_links = html.matches("class=\"term\"").count();
    assert_eq!(term_links, 2, "MFA once and phishing once: {html}");
    assert!(html.contains("<p>Turn on <a class=\"term\" href=\"glossary/#multi-factor-authentication\"><abbr title=\"Multi-factor authentication\">MFA</abbr></a> today. MFA stops most attacks; so does two-step verification.</p>"), "{html}");
    assert!(
        html.contains("<h2 id=\"why-mfa-matters\">Why MFA matters</h2>"),
        "not in headings"
    );
    assert!(html.contains("<code>MFA in code</code>"), "not in code");
    assert!(
        html.contains("<a href=\"#why-mfa-matters\">MFA in a link</a>"),
        "not in links"
    );
    assert!(html.contains("MFA in a code block"), "not in code blocks");
    assert!(
        html.contains("The word mfa in lower case"),
        "abbreviations match their case"
    );
    let opted = site.output("opted-out/index.html");
    assert!(!opted.contains("class=\"term\""), "glossary_links: false");
}

#[test]
fn the_a_to_z_page_lists_terms_with_their_uses() {
    let (site, _) = built();
    let html = site.output("glossary/index.html");
    assert!(html.contains("<dt id=\"multi-factor-authentication\">Multi-factor authentication <span class=\"glossary__abbr\">(MFA)</span></dt>"), "{html}");
    assert!(html.contains("<strong>Also called:</strong> two-step verification"));
    assert!(html.contains(
        "<strong>Do not write:</strong> <del>2FA</del>, <del>two-factor authentication</del>"
    ));
    assert!(html.contains("<strong>Related:</strong> <a href=\"#phishing\">Phishing</a>"));
    assert!(
        html.contains("<summary>Used in 2 pages</summary>"),
        "{html}"
    );
    assert!(html.contains("<a href=\"#letter-m\">M</a>"));
    // Entries are not pages of their own, and links to their files reach the anchor.
    assert!(!site.exists("glossary/mfa/index.html"));
    site.file(
        "content/more.md",
        "# More\n\nSee [the definition](glossary/mfa.md).\n",
    );
    assert_eq!(site.build().code, 0);
    assert!(
        site.output("more/index.html")
            .contains("href=\"../glossary/#multi-factor-authentication\"")
    );
}

#[test]
fn a_term_used_on_many_pages_lists_the_first_fifty_and_counts_the_rest() {
    let site = TestSite::from_fixture("good/glossary");
    let before = phishing_uses(&site);
    for k in 0..53 {
        site.file(
            &format!("content/uses/page-{k:02}.md"),
            &format!("---\ntitle: Use {k:02}\n---\n\nReport phishing to the service desk.\n"),
        );
    }
    let used = phishing_uses(&site);
    let total = 53 + before.matches("<li>").count();
    assert!(
        used.contains(&format!("<summary>Used in {total} pages</summary>")),
        "{used}"
    );
    assert_eq!(used.matches("<li>").count(), 50, "{used}");
    assert!(
        used.contains(&format!("<p>and {} more pages</p>", total - 50)),
        "{used}"
    );
    // In title order: the last uses are the ones left out.
    assert!(
        used.contains(">Use 00<") && !used.contains(">Use 52<"),
        "{used}"
    );
}

/// The built glossary's entry for “phishing”, up to the end of its list of uses.
fn phishing_uses(site: &TestSite) -> String {
    let run = site.build();
    assert_eq!(run.code, 0, "{}", run.stderr);
    let html = site.output("glossary/index.html");
    let entry = &html[html
        .find("<dt id=\"phishing\">")
        .expect("the phishing entry")..];
    let end = entry.find("</dd>").expect("the end of the entry");
    entry[..end].to_string()
}
