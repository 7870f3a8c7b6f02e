//! YAML front matter, read with yaml-rust2's event parser so every key and value keeps the
//! byte span diagnostics point at.

use std::ops::Range;

use gray_matter::engine::Engine;
use indexmap::IndexMap;
use serde_json::Value;
use yaml_rust2::parser::{Event, MarkedEventReceiver, Parser};
use yaml_rust2::scanner::Marker;

use super::{Field, FrontMatter, MAX_VALUES, SyntaxError, not_a_table};

pub(super) fn parse_yaml(
    matter: &str,
    base: usize,
    open: Range<usize>,
) -> Result<FrontMatter, SyntaxError> {
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
pub(super) fn yaml_error(matter: &str, base: usize, fallback: &str) -> SyntaxError {
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

pub(super) fn marker_error(matter: &str, base: usize, m: &Marker, info: &str) -> SyntaxError {
    let at = marker_offset(matter, m);
    SyntaxError {
        code: None,
        first: None,
        message: format!("invalid YAML: {info}"),
        span: base + at..base + (at + 1).min(matter.len()).max(at),
    }
}

/// Byte offset of a yaml-rust2 marker (1-based line, 0-based column in characters).
pub(super) fn marker_offset(text: &str, m: &Marker) -> usize {
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
pub(super) struct Node {
    span: Range<usize>,
    entries: Vec<(String, Range<usize>, Node)>,
    items: Vec<Node>,
}

/// A mapping or sequence being read.
pub(super) enum Frame {
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
pub(super) struct YamlSpans<'a> {
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
pub(super) const YAML_TAGS: &[&str] = &[
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

/// The fields of a mapping node whose parsed value is `map`, with spans moved by `base`.
pub(super) fn fields_of(
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
pub(super) fn scalar_end(text: &str, start: usize) -> usize {
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
