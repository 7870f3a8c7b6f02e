//! The judged query set (`tests/search-queries.toml`) through the Rust client, which runs a
//! query exactly as the browser's does; the browser tests run the same set through
//! `search.js`.

use crate::support::{example, search_index};

/// One judged query.
pub(crate) struct Judged {
    pub q: String,
    pub expect: String,
    pub kind: String,
}

/// The judged query set.
pub(crate) fn judged() -> Vec<Judged> {
    let text =
        std::fs::read_to_string(crate::support::repo().join("tests/search-queries.toml")).unwrap();
    let doc: toml::Table = toml::from_str(&text).unwrap();
    doc["query"]
        .as_array()
        .unwrap()
        .iter()
        .map(|q| Judged {
            q: q["q"].as_str().unwrap().to_string(),
            expect: q["expect"].as_str().unwrap().to_string(),
            kind: q["kind"].as_str().unwrap().to_string(),
        })
        .collect()
}

/// Whether a result's URL is what the judged query expects: the same page, and the same
/// anchor when the judgement names one.
pub(crate) fn is_expected(url: &str, expect: &str) -> bool {
    if expect.contains('#') {
        url == expect
    } else {
        url.split('#').next() == Some(expect)
    }
}

/// Scores result lists against the set: (right first, in the top three, report of misses).
pub(crate) fn score(set: &[Judged], results: &[Vec<String>]) -> (usize, usize, String) {
    let (mut first, mut top3) = (0, 0);
    let mut report = String::new();
    for (j, urls) in set.iter().zip(results) {
        let at = urls.iter().position(|u| is_expected(u, &j.expect));
        if at == Some(0) {
            first += 1;
        }
        if at.is_some_and(|k| k < 3) {
            top3 += 1;
        }
        if at != Some(0) {
            report.push_str(&format!(
                "  [{}] {:?}: expected {} at {:?}, got {:?}\n",
                j.kind,
                j.q,
                j.expect,
                at.map(|k| k + 1),
                urls.iter().take(3).collect::<Vec<_>>()
            ));
        }
    }
    (first, top3, report)
}

/// Asserts the set's thresholds: 85% right first, 95% in the top three.
pub(crate) fn assert_scores(who: &str, set: &[Judged], results: &[Vec<String>]) {
    let (first, top3, report) = score(set, results);
    let n = set.len();
    eprintln!(
        "{who}: {first}/{n} right first ({:.0}%), {top3}/{n} in the top three ({:.0}%)\n{report}",
        100.0 * first as f64 / n as f64,
        100.0 * top3 as f64 / n as f64
    );
    assert!(first * 100 >= n * 85, "{who}: {first}/{n} first\n{report}");
    assert!(
        top3 * 100 >= n * 95,
        "{who}: {top3}/{n} in the top three\n{report}"
    );
}

#[test]
fn the_judged_query_set_finds_what_staff_look_for() {
    let set = judged();
    assert!(set.len() >= 60, "{} queries", set.len());
    for kind in [
        "title", "prefix", "question", "typo", "compound", "spelling", "glossary", "id",
    ] {
        assert!(
            set.iter().filter(|j| j.kind == kind).count() >= 4,
            "too few {kind} queries"
        );
    }
    let site = example().0.path().join("site");
    let index = search_index(&site);
    let results: Vec<Vec<String>> = set
        .iter()
        .map(|j| {
            index
                .search(&j.q, None)
                .hits
                .into_iter()
                .map(|h| h.url)
                .collect()
        })
        .collect();
    assert_scores("Rust client", &set, &results);
}

#[test]
fn a_query_that_finds_nothing_gets_a_did_you_mean() {
    let site = example().0.path().join("site");
    let index = search_index(&site);
    let r = index.search("rnsomwre", None);
    assert!(r.hits.is_empty());
    assert_eq!(
        index.did_you_mean("rnsomwre").as_deref(),
        Some("ransomware")
    );
    assert_eq!(index.did_you_mean("qqqqqqq"), None);
}
