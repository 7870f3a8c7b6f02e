//! Splits a Markdown file into front matter and body, and parses the front matter with the
//! byte span of every key, value and list item.
//!
//! Input: the file text (BOM already removed). Output: [`Split`] and [`FrontMatter`], whose
//! spans are offsets into the whole file so diagnostics can point at file:line:col. Handles CRLF,
//! `---` (YAML, closed by `---` or `...`) and `+++` (TOML). YAML values come from gray_matter's
//! YAML engine; gray_matter cannot locate anything, so a second, cheap pass over yaml-rust2's
//! marked events (the parser gray_matter itself uses) records where each key and value starts.
//! TOML is parsed once by the toml crate, which keeps spans. Does not interpret fields.

use std::ops::Range;

use gray_matter::engine::Engine;
use indexmap::IndexMap;
use serde_json::Value;
use yaml_rust2::parser::{Event, MarkedEventReceiver, Parser};
use yaml_rust2::scanner::Marker;

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

fn not_a_table(kind: &str, open: Range<usize>) -> SyntaxError {
    SyntaxError {
        code: None,
        first: None,
        message: format!("front matter must be a set of `key: value` fields, not {kind}"),
        span: open,
    }
}

fn parse_yaml(matter: &str, base: usize, open: Range<usize>) -> Result<FrontMatter, SyntaxError> {
    if matter.trim().is_empty() {
        return Ok(FrontMatter::default());
    }
    // Read as events first: they never expand aliases, so a bomb, an unknown tag or a
    // repeated key is found before the YAML loader would build the values.
    let mut spans = YamlSpans {
        text: matter,
        ..Default::default()
    };
    Parser::new_from_str(matter)
        .load(&mut spans, false)
        .map_err(|e| marker_error(matter, base, e.marker(), e.info()))?;
    if let Some(e) = spans.problem.take() {
        return Err(SyntaxError {
            span: base + e.span.start..base + e.span.end,
            first: e.first.map(|f| base + f.start..base + f.end),
            ..e
        });
    }
    let pod = gray_matter::engine::YAML::parse(matter)
        .map_err(|e| yaml_error(matter, base, &e.to_string()))?;
    let value: Value = pod.deserialize().map_err(|e| SyntaxError {
        code: None,
        first: None,
        message: format!("front matter could not be read: {e}"),
        span: open.clone(),
    })?;
    let map = match value {
        Value::Object(map) => map,
        Value::Null => return Ok(FrontMatter::default()),
        Value::Array(_) => return Err(not_a_table("a list", open)),
        _ => return Err(not_a_table("a single value", open)),
    };
    let fields = match spans.root {
        Some(root) => fields_of(&root, &map, base),
        None => IndexMap::new(),
    };
    Ok(FrontMatter { fields })
}

/// Locates a YAML error: gray_matter returns only text, so the scan is repeated for the marker.
fn yaml_error(matter: &str, base: usize, fallback: &str) -> SyntaxError {
    let mut sink = YamlSpans {
        text: matter,
        ..Default::default()
    };
    match Parser::new_from_str(matter).load(&mut sink, false) {
        Err(e) => marker_error(matter, base, e.marker(), e.info()),
        Ok(()) => SyntaxError {
            code: None,
            first: None,
            message: format!("invalid YAML: {fallback}"),
            span: base..base,
        },
    }
}

fn marker_error(matter: &str, base: usize, m: &Marker, info: &str) -> SyntaxError {
    let at = marker_offset(matter, m);
    SyntaxError {
        code: None,
        first: None,
        message: format!("invalid YAML: {info}"),
        span: base + at..base + (at + 1).min(matter.len()).max(at),
    }
}

/// Byte offset of a yaml-rust2 marker (1-based line, 0-based column in characters).
fn marker_offset(text: &str, m: &Marker) -> usize {
    let mut line_start = 0;
    for _ in 1..m.line() {
        match text[line_start..].find('\n') {
            Some(i) => line_start += i + 1,
            None => return text.len(),
        }
    }
    let line = &text[line_start..];
    let col = line
        .char_indices()
        .nth(m.col())
        .map_or(line.len(), |(i, _)| i);
    (line_start + col).min(text.len())
}

/// Where a YAML node is written, with its keys (for a mapping) or items (for a sequence).
#[derive(Debug, Default)]
struct Node {
    span: Range<usize>,
    entries: Vec<(String, Range<usize>, Node)>,
    items: Vec<Node>,
}

/// A mapping or sequence being read.
enum Frame {
    Map {
        start: usize,
        entries: Vec<(String, Range<usize>, Node)>,
        key: Option<(String, Range<usize>)>,
        /// Where each key so far is written, to find one given twice.
        keys: std::collections::HashMap<String, Range<usize>>,
    },
    Seq {
        start: usize,
        items: Vec<Node>,
    },
}

/// Builds the tree of spans from yaml-rust2's marked events.
#[derive(Default)]
struct YamlSpans<'a> {
    text: &'a str,
    stack: Vec<Frame>,
    root: Option<Node>,
    last_end: usize,
    /// Values so far with every alias expanded, and for each open collection its anchor
    /// and the count when it started.
    values: u64,
    open: Vec<(usize, u64)>,
    /// How many values each anchored node stands for, by anchor id.
    anchored: std::collections::HashMap<usize, u64>,
    /// The first problem found (offsets within the front matter).
    problem: Option<SyntaxError>,
}

/// YAML's own tags (`!!str`, `!!int` …), which name the types front matter takes anyway.
const YAML_TAGS: &[&str] = &[
    "str",
    "int",
    "float",
    "bool",
    "null",
    "seq",
    "map",
    "timestamp",
    "binary",
];

impl YamlSpans<'_> {
    /// Attaches a finished node to the collection being read. `key` is the scalar's text,
    /// used when the node is a mapping key.
    fn attach(&mut self, node: Node, key: Option<String>) {
        match self.stack.last_mut() {
            None => self.root = Some(node),
            Some(Frame::Seq { items, .. }) => items.push(node),
            Some(Frame::Map {
                entries,
                key: k,
                start,
                keys,
            }) => match k.take() {
                Some((name, key_span)) => {
                    if let Some(first) = keys.get(&name) {
                        let problem = SyntaxError {
                            message: format!("`{name}` is given twice"),
                            span: key_span.clone(),
                            code: Some("frontmatter/duplicate-key"),
                            first: Some(first.clone()),
                        };
                        entries.push((name, key_span, node));
                        self.problem.get_or_insert(problem);
                        return;
                    }
                    keys.insert(name.clone(), key_span.clone());
                    entries.push((name, key_span, node));
                }
                None => {
                    // A block mapping's start event comes at its first `:`; the mapping
                    // starts at its first key.
                    if entries.is_empty() {
                        *start = (*start).min(node.span.start);
                    }
                    *k = Some((key.unwrap_or_default(), node.span));
                }
            },
        }
    }
}

impl YamlSpans<'_> {
    fn fail(&mut self, code: &'static str, at: Range<usize>, message: String) {
        if self.problem.is_none() {
            self.problem = Some(SyntaxError {
                message,
                span: at,
                code: Some(code),
                first: None,
            });
        }
    }

    /// Counts `n` more values at `at`, and stops an alias bomb.
    fn count(&mut self, n: u64, at: usize) {
        let before = self.values;
        self.values = self.values.saturating_add(n);
        if before <= MAX_VALUES && self.values > MAX_VALUES {
            let end = scalar_end(self.text, at);
            self.fail(
                "frontmatter/aliases",
                at..end,
                format!(
                    "with its aliases expanded, the front matter would hold more than {MAX_VALUES} values"
                ),
            );
        }
    }

    /// A tag that is not one of YAML's own: front matter is data, never objects to build.
    fn check_tag(&mut self, tag: Option<&yaml_rust2::parser::Tag>, at: usize) {
        let Some(tag) = tag else { return };
        let own = tag.handle == "tag:yaml.org,2002:" && YAML_TAGS.contains(&tag.suffix.as_str())
            || tag.handle == "!!" && YAML_TAGS.contains(&tag.suffix.as_str())
            || tag.handle == "!" && tag.suffix.is_empty();
        if !own {
            // The event is marked at the value; the tag is the last `!…` word before it on
            // its line.
            let line = &self.text[self.text[..at].rfind('\n').map_or(0, |i| i + 1)..at];
            let (at, end) = match line.split_whitespace().rev().find(|w| w.starts_with('!')) {
                Some(word) => {
                    let start = at - line.len() + line.rfind(word).unwrap_or(0);
                    (start, start + word.len())
                }
                None => (
                    at,
                    self.text[at..]
                        .find(char::is_whitespace)
                        .map_or(self.text.len(), |i| at + i),
                ),
            };
            self.fail(
                "frontmatter/tag",
                at..end,
                format!(
                    "the tag `{}{}` is not supported: front matter holds plain values",
                    tag.handle, tag.suffix
                ),
            );
        }
    }

    /// A scalar or an alias starting at `at`.
    fn leaf(&mut self, at: usize, key: Option<String>) {
        let end = scalar_end(self.text, at);
        self.last_end = end;
        let node = Node {
            span: at..end,
            ..Default::default()
        };
        self.attach(node, key);
    }
}

impl MarkedEventReceiver for YamlSpans<'_> {
    fn on_event(&mut self, ev: Event, mark: Marker) {
        let at = marker_offset(self.text, &mark);
        match &ev {
            Event::MappingStart(anchor, tag) | Event::SequenceStart(anchor, tag) => {
                self.check_tag(tag.as_ref(), at);
                self.count(1, at);
                self.open.push((*anchor, self.values));
            }
            Event::MappingEnd | Event::SequenceEnd => {
                if let Some((anchor, start)) = self.open.pop()
                    && anchor > 0
                {
                    self.anchored.insert(anchor, self.values - start + 1);
                }
            }
            Event::Scalar(_, _, anchor, tag) => {
                self.check_tag(tag.as_ref(), at);
                self.count(1, at);
                if *anchor > 0 {
                    self.anchored.insert(*anchor, 1);
                }
            }
            Event::Alias(id) => {
                let n = self.anchored.get(id).copied().unwrap_or(1);
                self.count(n, at);
            }
            _ => {}
        }
        match ev {
            Event::MappingStart(..) => self.stack.push(Frame::Map {
                start: at,
                entries: Vec::new(),
                key: None,
                keys: std::collections::HashMap::new(),
            }),
            Event::SequenceStart(..) => self.stack.push(Frame::Seq {
                start: at,
                items: Vec::new(),
            }),
            Event::MappingEnd | Event::SequenceEnd => {
                // A flow collection ends at its bracket; a block one at its last value.
                let end = if matches!(self.text.as_bytes().get(at), Some(b']' | b'}')) {
                    at + 1
                } else {
                    self.last_end
                };
                let node = match self.stack.pop() {
                    Some(Frame::Map { start, entries, .. }) => Node {
                        span: start..end.max(start),
                        entries,
                        items: Vec::new(),
                    },
                    Some(Frame::Seq { start, items }) => Node {
                        span: start..end.max(start),
                        entries: Vec::new(),
                        items,
                    },
                    None => return,
                };
                self.last_end = end;
                self.attach(node, None);
            }
            Event::Scalar(value, ..) => self.leaf(at, Some(value)),
            Event::Alias(_) => self.leaf(at, None),
            _ => {}
        }
    }
}

/// The fields of a mapping node whose parsed value is `map`, with spans moved by `base`.
fn fields_of(
    node: &Node,
    map: &serde_json::Map<String, Value>,
    base: usize,
) -> IndexMap<String, Field> {
    let to_file = |r: &Range<usize>| r.start + base..r.end + base;
    let mut fields = IndexMap::new();
    for (key, key_span, value_node) in &node.entries {
        let Some(value) = map.get(key) else { continue };
        let tables = match value {
            Value::Array(items) => value_node
                .items
                .iter()
                .zip(items)
                .map(|(n, v)| match v {
                    Value::Object(m) => fields_of(n, m, base),
                    _ => IndexMap::new(),
                })
                .collect(),
            _ => Vec::new(),
        };
        fields.insert(
            key.clone(),
            Field {
                value: value.clone(),
                key: to_file(key_span),
                span: to_file(&value_node.span),
                items: value_node.items.iter().map(|n| to_file(&n.span)).collect(),
                tables,
            },
        );
    }
    fields
}

/// End of the scalar token that starts at `start`: the closing quote, or the end of a plain
/// value (before a comment, a flow separator or the line end).
fn scalar_end(text: &str, start: usize) -> usize {
    let rest = &text[start..];
    let mut chars = rest.char_indices();
    match chars.next() {
        Some((_, q @ ('"' | '\''))) => {
            let mut escaped = false;
            for (i, c) in chars {
                if q == '"' && c == '\\' && !escaped {
                    escaped = true;
                    continue;
                }
                if c == q && !escaped {
                    return start + i + 1;
                }
                if c == '\n' {
                    return start + i;
                }
                escaped = false;
            }
            text.len()
        }
        Some((_, '|' | '>')) => start + 1,
        _ => {
            let line_end = rest.find('\n').unwrap_or(rest.len());
            let line = &rest[..line_end];
            let mut end = line.len();
            for pat in [" #", ",", "]", "}", ": "] {
                if let Some(i) = line.find(pat)
                    && i > 0
                {
                    end = end.min(i);
                }
            }
            start + line[..end].trim_end_matches(['\r', ' ', '\t']).len()
        }
    }
}

fn parse_toml(matter: &str, base: usize) -> Result<FrontMatter, SyntaxError> {
    let table = toml::de::DeTable::parse(matter).map_err(|e| {
        let span = e.span().unwrap_or(0..0);
        SyntaxError {
            code: None,
            first: None,
            message: format!("invalid TOML: {}", e.message().lines().next().unwrap_or("")),
            span: base + span.start..base + span.end,
        }
    })?;
    Ok(FrontMatter {
        fields: toml_fields(table.get_ref(), base),
    })
}

/// The fields of a TOML table, with spans moved by `base`.
fn toml_fields(table: &toml::de::DeTable<'_>, base: usize) -> IndexMap<String, Field> {
    let to_file = |r: Range<usize>| base + r.start..base + r.end;
    let mut fields = IndexMap::new();
    for (key, value) in table.iter() {
        let (items, tables) = match value.get_ref() {
            toml::de::DeValue::Array(a) => (
                a.iter().map(|v| to_file(v.span())).collect(),
                a.iter()
                    .map(|v| match v.get_ref() {
                        toml::de::DeValue::Table(t) => toml_fields(t, base),
                        _ => IndexMap::new(),
                    })
                    .collect(),
            ),
            _ => (Vec::new(), Vec::new()),
        };
        fields.insert(
            key.get_ref().to_string(),
            Field {
                value: de_to_json(value.get_ref()),
                key: to_file(key.span()),
                span: to_file(value.span()),
                items,
                tables,
            },
        );
    }
    fields
}

fn de_to_json(v: &toml::de::DeValue<'_>) -> Value {
    use toml::de::DeValue as D;
    match v {
        D::String(s) => Value::String(s.to_string()),
        D::Integer(i) => {
            let digits = i.as_str().replace('_', "");
            let digits = digits
                .trim_start_matches("0x")
                .trim_start_matches("0o")
                .trim_start_matches("0b");
            i64::from_str_radix(digits, i.radix()).map_or(Value::Null, Value::from)
        }
        D::Float(f) => f
            .as_str()
            .replace('_', "")
            .parse::<f64>()
            .ok()
            .and_then(serde_json::Number::from_f64)
            .map_or(Value::Null, Value::Number),
        D::Boolean(b) => Value::Bool(*b),
        D::Datetime(d) => Value::String(d.to_string()),
        D::Array(a) => Value::Array(a.iter().map(|v| de_to_json(v.get_ref())).collect()),
        D::Table(t) => Value::Object(
            t.iter()
                .map(|(k, v)| (k.get_ref().to_string(), de_to_json(v.get_ref())))
                .collect(),
        ),
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
