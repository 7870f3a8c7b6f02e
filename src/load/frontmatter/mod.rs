//! Splits a Markdown file into front matter and body, and parses the front matter with the
//! byte span of every key, value and list item.
//!
//! Input: the file text (BOM already removed). Output: [`Split`] and [`FrontMatter`], whose
//! spans are offsets into the whole file so diagnostics can point at file:line:col. Handles CRLF,
//! `---` (YAML, closed by `---` or `...`) and `+++` (TOML). YAML values come from gray_matter's
//! YAML engine; gray_matter cannot locate anything, so a second, cheap pass over yaml-rust2's
//! marked events (the parser gray_matter itself uses) records where each key and value starts.
//! TOML is parsed once by the toml crate, which keeps spans. Does not interpret fields.

mod toml_matter;
mod yaml;

use toml_matter::parse_toml;
use yaml::parse_yaml;

use std::ops::Range;

use indexmap::IndexMap;
use serde_json::Value;

/// The front-matter syntax of a file.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Format {
    /// `---` … `---`
    Yaml,
    /// `+++` … `+++`
    Toml,
}

/// Where the parts of a file are.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Split {
    /// Syntax of the front matter, if the file has any.
    pub format: Option<Format>,
    /// The opening delimiter line (without its line break).
    pub open: Range<usize>,
    /// The front matter between the delimiters.
    pub matter: Range<usize>,
    /// The Markdown body.
    pub body: Range<usize>,
    /// The front matter was opened but never closed.
    pub unterminated: bool,
}

/// Splits `text` into front matter and body.
pub fn split(text: &str) -> Split {
    let none = Split {
        format: None,
        open: 0..0,
        matter: 0..0,
        body: 0..text.len(),
        unterminated: false,
    };
    let first_end = text.find('\n').unwrap_or(text.len());
    let first = text[..first_end].trim_end_matches('\r').trim_end();
    let (format, closers): (Format, &[&str]) = match first {
        "---" => (Format::Yaml, &["---", "..."]),
        "+++" => (Format::Toml, &["+++"]),
        _ => return none,
    };
    let open = 0..first.len();
    let matter_start = (first_end + 1).min(text.len());
    let mut pos = matter_start;
    while pos < text.len() {
        let end = text[pos..].find('\n').map_or(text.len(), |i| pos + i);
        let line = text[pos..end].trim_end_matches('\r').trim_end();
        if closers.contains(&line) {
            return Split {
                format: Some(format),
                open,
                matter: matter_start..pos,
                body: (end + 1).min(text.len())..text.len(),
                unterminated: false,
            };
        }
        pos = end + 1;
    }
    Split {
        format: Some(format),
        open,
        matter: matter_start..text.len(),
        body: text.len()..text.len(),
        unterminated: true,
    }
}

/// One top-level front-matter field.
#[derive(Clone, Debug, PartialEq)]
pub struct Field {
    /// The parsed value (TOML dates become `YYYY-MM-DD…` strings).
    pub value: Value,
    /// The key, as written.
    pub key: Range<usize>,
    /// The value (for a list: the whole list).
    pub span: Range<usize>,
    /// Each item of a list value.
    pub items: Vec<Range<usize>>,
    /// For a list of tables (records): each item's keys, as fields, in the order of `items`
    /// (empty for an item that is not a table).
    pub tables: Vec<IndexMap<String, Field>>,
}

/// The parsed front matter, keys in the order written.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct FrontMatter {
    /// Top-level fields.
    pub fields: IndexMap<String, Field>,
}

/// A front-matter syntax error.
#[derive(Clone, Debug, PartialEq)]
pub struct SyntaxError {
    /// What is wrong.
    pub message: String,
    /// Where, in file offsets.
    pub span: Range<usize>,
    /// The diagnostic's code, when it is not plain `frontmatter/syntax`.
    pub code: Option<&'static str>,
    /// Where the same thing was first written, for a repeated key.
    pub first: Option<Range<usize>>,
}

/// At most this many values, with every YAML alias expanded, in one page's front matter: far
/// more than any page needs, far fewer than an alias bomb ("billion laughs") would make.
pub const MAX_VALUES: u64 = 100_000;

/// Parses the front matter of `text` described by `split`.
pub fn parse(text: &str, split: &Split) -> Result<FrontMatter, SyntaxError> {
    let matter = &text[split.matter.clone()];
    let base = split.matter.start;
    match split.format {
        None => Ok(FrontMatter::default()),
        Some(Format::Yaml) => parse_yaml(matter, base, split.open.clone()),
        Some(Format::Toml) => parse_toml(matter, base),
    }
}

pub(super) fn not_a_table(kind: &str, open: Range<usize>) -> SyntaxError {
    SyntaxError {
        code: None,
        first: None,
        message: format!("front matter must be a set of `key: value` fields, not {kind}"),
        span: open,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at<'a>(text: &'a str, r: &Range<usize>) -> &'a str {
        &text[r.clone()]
    }

    #[test]
    fn repeated_keys_foreign_tags_and_alias_bombs_are_located() {
        let text = "---\ntitle: One\nnested: {a: 1, a: 2}\n---\n";
        let e = parse(text, &split(text)).expect_err("repeated key");
        assert_eq!(e.code, Some("frontmatter/duplicate-key"));
        assert_eq!(at(text, &e.span), "a");
        assert_eq!(Some(e.span.start), text.find("a: 2"));
        assert_eq!(e.first.map(|f| f.start), text.find("a: 1"));

        let text = "---\ntitle: !!python/object:os.system x\n---\n";
        let e = parse(text, &split(text)).expect_err("foreign tag");
        assert_eq!(e.code, Some("frontmatter/tag"));
        assert_eq!(at(text, &e.span), "!!python/object:os.system");

        let mut bomb = String::from("---\na0: &a0 [x, x, x, x, x, x, x, x, x, x]\n");
        for k in 1..6 {
            let prev = format!("*a{}", k - 1);
            bomb.push_str(&format!(
                "a{k}: &a{k} [{}]\n",
                [prev.as_str(); 10].join(", ")
            ));
        }
        bomb.push_str("---\n");
        let e = parse(&bomb, &split(&bomb)).expect_err("alias bomb");
        assert_eq!(e.code, Some("frontmatter/aliases"));
        assert!(
            bomb[e.span.clone()].starts_with("*a3"),
            "{:?}",
            &bomb[e.span.clone()]
        );

        // Aliases that stay small, and YAML's own tags, are fine.
        let text = "---\ntitle: &t !!str Anchored\ndescription: *t\n---\n";
        let fm = parse(text, &split(text)).expect("plain");
        assert_eq!(fm.fields["description"].value, "Anchored");
    }

    #[test]
    fn splits_yaml_toml_crlf_and_none() {
        let s = split("---\r\ntitle: A\r\n---\r\nBody\r\n");
        assert_eq!(s.format, Some(Format::Yaml));
        assert_eq!(s.matter, 5..15);
        assert_eq!(s.body.start, 20);
        let s = split("+++\ntitle = 'A'\n+++\n# Hi\n");
        assert_eq!(s.format, Some(Format::Toml));
        assert!(!s.unterminated);
        let s = split("# Just Markdown\n---\n");
        assert_eq!(s.format, None);
        assert_eq!(s.body, 0..20);
        let s = split("---\ntitle: A\n");
        assert!(s.unterminated);
    }

    #[test]
    fn yaml_fields_have_spans() {
        let text = "---\ntitle: Access control\nstatus: actve # typo\ntopic:\n  - identity\n  - \"access\"\ntags: [a, b]\n---\nbody";
        let s = split(text);
        let fm = parse(text, &s).expect("parses");
        let status = &fm.fields["status"];
        assert_eq!(status.value, Value::String("actve".into()));
        assert_eq!(at(text, &status.span), "actve");
        assert_eq!(at(text, &status.key), "status");
        let topic = &fm.fields["topic"];
        assert_eq!(
            topic.items.iter().map(|r| at(text, r)).collect::<Vec<_>>(),
            ["identity", "\"access\""]
        );
        let tags = &fm.fields["tags"];
        assert_eq!(
            tags.items.iter().map(|r| at(text, r)).collect::<Vec<_>>(),
            ["a", "b"]
        );
        assert_eq!(
            fm.fields.keys().collect::<Vec<_>>(),
            ["title", "status", "topic", "tags"]
        );
    }

    #[test]
    fn records_have_spans_for_every_key() {
        let text = "---\ndecision_points:\n  - id: DP1\n    phase: Alpha\n    entry: [a, b]\n  - {id: DP2, phase: Beta}\nphases: [Alpha, Beta]\n---\n";
        let fm = parse(text, &split(text)).expect("parses");
        let dp = &fm.fields["decision_points"];
        assert_eq!(dp.tables.len(), 2);
        assert_eq!(at(text, &dp.tables[0]["phase"].span), "Alpha");
        assert_eq!(at(text, &dp.tables[0]["phase"].key), "phase");
        assert_eq!(
            dp.tables[0]["entry"]
                .items
                .iter()
                .map(|r| at(text, r))
                .collect::<Vec<_>>(),
            ["a", "b"]
        );
        assert_eq!(at(text, &dp.tables[1]["id"].span), "DP2");
        assert_eq!(at(text, &dp.items[1]), "{id: DP2, phase: Beta}");
        assert!(
            at(text, &dp.items[0]).starts_with("id: DP1\n"),
            "{:?}",
            at(text, &dp.items[0])
        );
        assert_eq!(at(text, &fm.fields["phases"].span), "[Alpha, Beta]");
        assert!(fm.fields["phases"].tables.iter().all(IndexMap::is_empty));
        let toml = "+++\n[[reporting]]\nwhat = \"Roadmap\"\nto = \"Board\"\n\n[[reporting]]\nwhat = \"KPIs\"\n+++\n";
        let fm = parse(toml, &split(toml)).expect("parses");
        let r = &fm.fields["reporting"];
        assert_eq!(r.tables.len(), 2);
        assert_eq!(at(toml, &r.tables[1]["what"].span), "\"KPIs\"");
    }

    #[test]
    fn yaml_errors_are_located() {
        let text = "---\ntitle: A\nbad: [unclosed\nnext: 1\n---\n";
        let s = split(text);
        let e = parse(text, &s).expect_err("invalid");
        assert!(e.message.starts_with("invalid YAML"), "{}", e.message);
        assert!(e.span.start > 4, "{:?}", e.span);
    }

    #[test]
    fn front_matter_must_be_a_map() {
        let text = "---\n- a\n- b\n---\n";
        let e = parse(text, &split(text)).expect_err("a list");
        assert!(e.message.contains("not a list"));
        let text = "---\njust words\n---\n";
        assert!(parse(text, &split(text)).is_err());
    }

    #[test]
    fn toml_fields_have_spans_and_dates_are_strings() {
        let text =
            "+++\ntitle = \"A\"\ndate = 2024-03-01\nweight = 3\naudience = [\"x\", \"y\"]\n+++\n";
        let fm = parse(text, &split(text)).expect("parses");
        assert_eq!(fm.fields["date"].value, Value::String("2024-03-01".into()));
        assert_eq!(fm.fields["weight"].value, Value::from(3));
        assert_eq!(at(text, &fm.fields["date"].span), "2024-03-01");
        assert_eq!(fm.fields["audience"].items.len(), 2);
        let bad = "+++\ntitle = \n+++\n";
        let e = parse(bad, &split(bad)).expect_err("invalid");
        assert!(e.message.starts_with("invalid TOML"));
    }
}
