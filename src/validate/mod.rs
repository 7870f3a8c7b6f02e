//! Front matter against the schemas: every page's fields are type-checked, defaults filled in,
//! and every problem reported with the span of the offending key or value.
//!
//! Input: [`RawPage`]s and the [`Config`]. Output: [`Page`]s ready to resolve (drafts
//! included; the resolver drops them unless asked), and diagnostics. Pages run in parallel;
//! diagnostics are sorted later, so output never depends on scheduling.

mod check;
mod fields;
mod page;

use std::collections::HashMap;
use std::hash::{DefaultHasher, Hash, Hasher};
use std::sync::Arc;

use rayon::prelude::*;

use crate::config::{COMMON_FIELDS, Config};
use crate::diagnostics::{Diagnostic, Diagnostics};
use crate::load::RawPage;
use crate::model::mode::BuildMode;

use check::check_page;
pub use fields::{FieldValue, parse_date, record_anchor};
pub use page::{GlossaryEntry, Page};

/// Checks every page; returns those whose front matter could be read.
pub fn validate(
    pages: Vec<RawPage>,
    config: &Config,
    mode: &BuildMode,
    diags: &mut Diagnostics,
) -> Vec<Arc<Page>> {
    validate_with(pages, config, mode, &mut Cache::default(), diags)
}

/// Checked pages kept between builds of one session, by the hash of what they were checked
/// from: the text, its source id, the configuration and the build mode.
#[derive(Default)]
pub struct Cache {
    entries: HashMap<String, Checked>,
}

/// A page as checked: its key, its text, the page (if it could be read) and what was found.
type Checked = (u64, Arc<str>, Option<Arc<Page>>, Vec<Diagnostic>);

fn page_key(raw: &RawPage, config_key: u64) -> u64 {
    let mut h = DefaultHasher::new();
    (config_key, &raw.rel, raw.file, raw.text.len()).hash(&mut h);
    h.finish()
}

/// As [`validate`], reusing what `cache` holds for pages that have not changed.
pub fn validate_with(
    pages: Vec<RawPage>,
    config: &Config,
    mode: &BuildMode,
    cache: &mut Cache,
    diags: &mut Diagnostics,
) -> Vec<Arc<Page>> {
    let config_key = {
        let mut h = DefaultHasher::new();
        (config.key(), mode).hash(&mut h);
        h.finish()
    };
    let previous = &cache.entries;
    let checked: Vec<(String, Checked)> = pages
        .into_par_iter()
        .map(|raw| {
            let key = page_key(&raw, config_key);
            // Comparing the text (a memcmp) is cheaper than hashing it.
            if let Some((k, text, page, found)) = previous.get(&raw.rel)
                && *k == key
                && *text == raw.text
            {
                return (raw.rel, (key, raw.text, page.clone(), found.clone()));
            }
            let mut out = Vec::new();
            let (rel, text) = (raw.rel.clone(), raw.text.clone());
            let page = check_page(raw, config, mode.today, &mut out);
            (rel, (key, text, page.map(Arc::new), out))
        })
        .collect();
    let mut result = Vec::with_capacity(checked.len());
    let mut entries = HashMap::with_capacity(checked.len());
    for (rel, (key, text, page, found)) in checked {
        diags.extend(found.iter().cloned());
        if let Some(p) = &page {
            result.push(p.clone());
        }
        entries.insert(rel, (key, text, page, found));
    }
    cache.entries = entries;
    result
}

/// Text of the first level-1 heading of a Markdown body.
pub fn first_heading(body: &str) -> Option<String> {
    use pulldown_cmark::{Event, HeadingLevel, Parser, Tag, TagEnd};
    let mut in_h1 = false;
    let mut title = String::new();
    for ev in Parser::new(body) {
        match ev {
            Event::Start(Tag::Heading {
                level: HeadingLevel::H1,
                ..
            }) => in_h1 = true,
            Event::End(TagEnd::Heading(HeadingLevel::H1)) if in_h1 => {
                let t = title.trim().to_string();
                return (!t.is_empty() && !t.contains("<%")).then_some(t);
            }
            Event::Text(t) | Event::Code(t) if in_h1 => title.push_str(&t),
            _ => {}
        }
    }
    None
}

/// `guides/new_starters.md` -> `New starters`.
pub(super) fn title_from_file(rel: &str) -> String {
    let name = rel.rsplit('/').next().unwrap_or(rel);
    let stem = name.split('.').next().unwrap_or(name);
    let stem = if matches!(stem.to_lowercase().as_str(), "index" | "_index" | "readme") {
        rel.rsplit('/').nth(1).unwrap_or("Home")
    } else {
        stem
    };
    crate::config::sentence_case(stem)
}

/// The common fields, for documentation and `canon new`.
pub fn common_fields() -> &'static [&'static str] {
    COMMON_FIELDS
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::diagnostics::render::{Style, render_all};
    use crate::diagnostics::{Diagnostics, SourceMap};
    use std::path::Path;

    fn config(toml: &str) -> Config {
        let mut sources = SourceMap::default();
        let mut diags = Diagnostics::default();
        let id = sources.add("canon.toml", Arc::from(toml));
        crate::config::parse(Path::new("/s"), id, toml, &mut diags).expect("valid config")
    }

    fn run(config: &Config, rel: &str, text: &str) -> (Vec<Arc<Page>>, String) {
        let mut sources = SourceMap::default();
        let file = sources.add(format!("content/{rel}"), Arc::from(text));
        let mut diags = Diagnostics::default();
        let pages = validate(
            vec![RawPage {
                file,
                rel: rel.into(),
                text: Arc::from(text),
            }],
            config,
            &BuildMode::site(BuildMode::current_day()),
            &mut diags,
        );
        (pages, render_all(&diags, &sources, Style::Short))
    }

    const SCHEMA: &str = r#"
[collections.standards]
id_field = "id"
[collections.standards.fields]
id = { type = "string", required = true }
owner = { type = "string", required = true }
level = { type = "enum", values = ["mandatory", "recommended"], default = "mandatory" }
effective = { type = "date" }
controls = { type = "list" }
[taxonomies.audience]
terms = ["Clinicians", "Managers"]
"#;

    #[test]
    fn reports_every_violation_with_location() {
        let c = config(SCHEMA);
        let text = "---\ntitle: Backup\nid: SEC-007\nlevel: mandatry\neffective: 2024-13-01\ncontrols: 5\naudience: [Clinicans]\ncolour: blue\ndate: yesterday\n---\n# Backup\n";
        let (pages, out) = run(&c, "standards/backup.md", text);
        assert_eq!(pages.len(), 1);
        for expected in [
            "content/standards/backup.md:1:1: error[schema/missing]: missing required field `owner`",
            "content/standards/backup.md:4:8: error[schema/enum]",
            "did you mean `mandatory`?",
            "content/standards/backup.md:5:12: error[schema/date]",
            "content/standards/backup.md:6:11: error[schema/type]",
            "content/standards/backup.md:7:12: error[taxonomy/unknown-term]",
            "did you mean `Clinicians`?",
            "content/standards/backup.md:8:1: warning[schema/unknown-field]",
            "content/standards/backup.md:9:7: error[schema/date]",
        ] {
            assert!(out.contains(expected), "missing {expected:?} in\n{out}");
        }
    }

    #[test]
    fn fills_defaults_and_titles() {
        let c = config(SCHEMA);
        let (pages, out) = run(
            &c,
            "standards/x.md",
            "---\nid: SEC-1\nowner: CISO\n---\n\n# Access control\n\nText",
        );
        assert_eq!(out, "");
        assert_eq!(pages[0].title, "Access control");
        assert_eq!(
            pages[0].fields["level"].value,
            serde_json::json!("mandatory")
        );
        let (pages, _) = run(&c, "guides/new_starters.md", "No heading here");
        assert_eq!(pages[0].title, "New starters");
        assert_eq!(pages[0].collection, None);
    }

    #[test]
    fn plain_pages_keep_unknown_fields_without_warnings() {
        let c = config(SCHEMA);
        let (pages, out) = run(
            &c,
            "manuals/x.html.md.erb",
            "---\ntitle: X\nowner_slack: \"#team\"\n---\n# <%= current_page.data.title %>\n",
        );
        assert_eq!(out, "");
        assert_eq!(pages[0].extra["owner_slack"], serde_json::json!("#team"));
        let (_, out) = run(
            &c,
            "y.html.md.erb",
            "---\ntitle: Y\n---\n<%= partial 'x' %>\n\n<%= other %>\n",
        );
        assert_eq!(out.matches("warning[erb/unsupported]").count(), 1, "{out}");
        assert!(out.contains("y.html.md.erb:4:1"), "{out}");
    }

    #[test]
    fn broken_front_matter_is_an_error_not_a_panic() {
        let c = config(SCHEMA);
        let (pages, out) = run(&c, "a.md", "---\ntitle: [\n---\n");
        assert!(pages.is_empty());
        assert!(out.contains("error[frontmatter/syntax]"), "{out}");
        let (pages, out) = run(&c, "b.md", "---\ntitle: x\n");
        assert!(pages.is_empty());
        assert!(
            out.contains("b.md:1:1: error[frontmatter/unterminated]"),
            "{out}"
        );
    }
}
