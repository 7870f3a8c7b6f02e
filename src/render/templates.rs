//! Tera set-up and template errors as diagnostics naming the template and line.
//!
//! Tera 1 reports parse errors with a line and column; render errors name the template and
//! the variable or filter at fault but no line, so the line is found by looking for that name
//! in the template's text (and its parents').

use std::collections::HashMap;
use std::error::Error as _;
use std::ops::Range;
use std::sync::Arc;

use tera::Tera;

use crate::diagnostics::{Diagnostic, FileId, SourceMap};
use crate::load::TemplateSource;

/// The parsed templates with where each came from.
#[derive(Clone)]
pub struct Templates {
    /// The Tera instance, shared with later builds while the templates are unchanged.
    pub tera: Arc<Tera>,
    files: HashMap<String, FileId>,
}

/// Templates the renderer needs from every theme.
pub const REQUIRED: &[&str] = &[
    "home.html",
    "section.html",
    "page.html",
    "taxonomy.html",
    "term.html",
    "404.html",
];

impl Templates {
    /// Parses every template; errors name the template and line.
    pub fn new(sources: &[TemplateSource], map: &SourceMap) -> Result<Templates, Vec<Diagnostic>> {
        let files: HashMap<String, FileId> =
            sources.iter().map(|t| (t.name.clone(), t.file)).collect();
        let mut tera = Tera::default();
        tera.autoescape_on(vec![".html", ".xml"]);
        // Tera's own escaper also escapes `/`, which would hide URLs from the relative-link pass.
        tera.set_escape_fn(escape);
        let all: Vec<(&str, &str)> = sources
            .iter()
            .map(|t| (t.name.as_str(), &*t.text))
            .collect();
        if let Err(e) = tera.add_raw_templates(all) {
            // Tera stops at the first template it cannot parse: parse each on its own, so
            // that every syntax error names its own template (parsing is a fixed cost of a
            // build, so it is done twice only when something is wrong).
            let errors: Vec<Diagnostic> = sources
                .iter()
                .filter_map(|t| {
                    tera::Template::new(&t.name, None, &t.text)
                        .err()
                        .map(|e| parse_error(&t.name, t.file, &e, map))
                })
                .collect();
            if !errors.is_empty() {
                return Err(errors);
            }
            let text = chain(&e);
            let file = sources.first().map(|t| t.file);
            let mut d = Diagnostic::error("template/syntax", first_line(&text));
            if let Some(f) = file {
                d = d.label(f, 0..0, "while loading the templates");
            }
            return Err(vec![d.help(text)]);
        }
        let missing: Vec<&str> = REQUIRED
            .iter()
            .copied()
            .filter(|r| !files.contains_key(*r))
            .collect();
        if !missing.is_empty() {
            return Err(vec![Diagnostic::error("template/missing", format!("the theme has no {}", missing.join(", ")))
                .help("add the missing templates to the theme, or copy them from canon's default theme")]);
        }
        Ok(Templates {
            tera: Arc::new(tera),
            files,
        })
    }

    /// The same parsed templates, read from `sources` of a later build (same names and
    /// texts): only where each came from is new.
    pub fn for_sources(&self, sources: &[TemplateSource]) -> Templates {
        Templates {
            tera: self.tera.clone(),
            files: sources.iter().map(|t| (t.name.clone(), t.file)).collect(),
        }
    }

    /// What the parsed templates depend on: every template's name and text.
    pub fn key(sources: &[TemplateSource]) -> u64 {
        use std::hash::{Hash, Hasher};
        let mut h = std::collections::hash_map::DefaultHasher::new();
        for t in sources {
            (&t.name, &*t.text).hash(&mut h);
        }
        h.finish()
    }

    /// Whether a template of this name exists.
    pub fn has(&self, name: &str) -> bool {
        self.files.contains_key(name)
    }

    /// Renders `name`; an error is a diagnostic naming the template and, where it can be
    /// found, the line.
    pub fn render(
        &self,
        name: &str,
        context: &tera::Context,
        map: &SourceMap,
    ) -> Result<String, Failure> {
        self.tera
            .render(name, context)
            .map_err(|e| self.render_error(name, &e, map))
    }

    fn render_error(&self, name: &str, e: &tera::Error, map: &SourceMap) -> Failure {
        let text = chain(e);
        // The innermost template named in the chain is where the problem is.
        let culprit = text
            .rsplit("while rendering '")
            .next()
            .filter(|_| text.contains("while rendering '"))
            .and_then(|s| s.split('\'').next())
            .unwrap_or(name)
            .to_string();
        let needle = text.split('`').nth(1).map(str::to_string);
        let message = text.lines().last().unwrap_or("").trim().to_string();
        let mut d = Diagnostic::error(
            "template/render",
            format!("template `{culprit}` failed: {message}"),
        );
        let cause = message;
        let search: Vec<&str> = std::iter::once(culprit.as_str())
            .chain(self.files.keys().map(String::as_str))
            .collect();
        for candidate in search {
            let Some(&file) = self.files.get(candidate) else {
                continue;
            };
            if let Some(span) = needle
                .as_deref()
                .and_then(|n| find_in_tags(map.text(file), n))
            {
                d = d.label(file, span, "here");
                break;
            }
            if candidate == culprit {
                d = d.label(file, 0..0, "in this template");
            }
        }
        Failure {
            diagnostic: d.help(
                "check the names used in the template against the context described in the README",
            ),
            cause,
        }
    }
}

/// A page that could not be rendered: the diagnostic, and the cause alone (without the page
/// or the template that named it), which is the same on every page a broken template fails,
/// so it is reported once.
#[derive(Debug)]
pub struct Failure {
    /// What is reported.
    pub diagnostic: Diagnostic,
    /// What went wrong, for telling one failure from another.
    pub cause: String,
}

impl From<Diagnostic> for Failure {
    fn from(diagnostic: Diagnostic) -> Failure {
        Failure {
            cause: diagnostic.message.clone(),
            diagnostic,
        }
    }
}

fn escape(text: &str) -> String {
    crate::render::markdown::escape_html(text)
}

fn parse_error(name: &str, file: FileId, e: &tera::Error, map: &SourceMap) -> Diagnostic {
    let text = chain(e);
    let span = line_col_in(&text)
        .map(|(l, c)| offset_of(map.text(file), l, c))
        .map(|o| o..o + 1)
        .unwrap_or(0..0);
    let detail = text
        .lines()
        .filter(|l| l.trim_start().starts_with('=') || l.contains("expected"))
        .map(|l| l.trim().trim_start_matches("= ").to_string())
        .next()
        .unwrap_or_else(|| first_line(&text));
    Diagnostic::error(
        "template/syntax",
        format!("template `{name}` cannot be parsed: {detail}"),
    )
    .label(file, span, "here")
}

/// The error and every cause, one per line.
fn chain(e: &tera::Error) -> String {
    let mut out = e.to_string();
    let mut source = e.source();
    while let Some(s) = source {
        out.push('\n');
        out.push_str(&s.to_string());
        source = s.source();
    }
    out
}

fn first_line(s: &str) -> String {
    s.lines().next().unwrap_or("").to_string()
}

/// Finds pest's ` --> line:col` in an error text.
fn line_col_in(text: &str) -> Option<(usize, usize)> {
    let i = text.find("--> ")?;
    let rest = &text[i + 4..];
    let end = rest
        .find(|c: char| !(c.is_ascii_digit() || c == ':'))
        .unwrap_or(rest.len());
    let (l, c) = rest[..end].split_once(':')?;
    Some((l.parse().ok()?, c.parse().ok()?))
}

fn offset_of(text: &str, line: usize, col: usize) -> usize {
    let mut offset = 0;
    for (i, l) in text.split_inclusive('\n').enumerate() {
        if i + 1 == line {
            return offset
                + l.char_indices()
                    .nth(col.saturating_sub(1))
                    .map_or(l.len(), |(b, _)| b);
        }
        offset += l.len();
    }
    text.len()
}

/// First place `needle` appears inside a `{{ }}` or `{% %}` tag.
fn find_in_tags(text: &str, needle: &str) -> Option<Range<usize>> {
    let mut pos = 0;
    while let Some(i) = text[pos..].find(needle) {
        let at = pos + i;
        let open = text[..at].rfind(['{']).unwrap_or(0);
        let close = text[..at].rfind(['}']).map_or(0, |c| c + 1);
        if open >= close && text[open..].starts_with(['{']) {
            return Some(at..at + needle.len());
        }
        pos = at + needle.len();
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::diagnostics::render::{Style, render_one};
    use std::sync::Arc;

    fn sources(list: &[(&str, &str)]) -> (Vec<TemplateSource>, SourceMap) {
        let mut map = SourceMap::default();
        let v = list
            .iter()
            .map(|(n, t)| {
                let file = map.add(format!("templates/{n}"), Arc::from(*t));
                TemplateSource {
                    name: n.to_string(),
                    file,
                    text: Arc::from(*t),
                }
            })
            .collect();
        (v, map)
    }

    fn full(extra: &[(&'static str, &'static str)]) -> Vec<(&'static str, &'static str)> {
        let mut v: Vec<(&str, &str)> = REQUIRED.iter().map(|n| (*n, "ok")).collect();
        for (n, t) in extra {
            v.retain(|(m, _)| m != n);
            v.push((n, t));
        }
        v
    }

    #[test]
    fn syntax_errors_name_template_and_line() {
        let (src, map) = sources(&full(&[("page.html", "<p>\n{{ page.title }\n</p>")]));
        let errs = Templates::new(&src, &map).err().expect("error");
        let out = render_one(&errs[0], &map, Style::Short);
        assert!(out.starts_with("templates/page.html:2:"), "{out}");
        assert!(out.contains("template/syntax"), "{out}");
    }

    #[test]
    fn every_broken_template_is_reported_at_once() {
        let (src, map) = sources(&full(&[
            ("page.html", "<p>\n{{ page.title }\n</p>"),
            ("term.html", "{% if x %}\n\n{% endfor %}"),
        ]));
        let errs = Templates::new(&src, &map).err().expect("errors");
        let out: Vec<String> = errs
            .iter()
            .map(|e| render_one(e, &map, Style::Short))
            .collect();
        assert_eq!(out.len(), 2, "{out:?}");
        assert!(out[0].starts_with("templates/page.html:2:"), "{out:?}");
        assert!(out[1].starts_with("templates/term.html:"), "{out:?}");
    }

    #[test]
    fn dotted_and_escaped_lookups_find_their_values() {
        // vendor/tera unescapes a path segment only when it holds a `~`, which is how Tera
        // writes a `/` in a key (`page["a/b"]` becomes `page.a~1b`).
        let (src, map) = sources(&full(&[(
            "page.html",
            "{{ page.title }}|{{ page.meta.owner }}|{{ page[\"a/b\"] }}|{{ page[\"c~d\"] }}|{% for r in page.rows %}{{ r.id }}{% endfor %}",
        )]));
        let t = Templates::new(&src, &map).expect("parses");
        let mut cx = tera::Context::new();
        cx.insert(
            "page",
            &serde_json::json!({
                "title": "Backups",
                "meta": {"owner": "CISO"},
                "a/b": "slash",
                "c~d": "tilde",
                "rows": [{"id": 1}, {"id": 2}],
            }),
        );
        let html = t.render("page.html", &cx, &map).expect("renders");
        assert_eq!(html, "Backups|CISO|slash|tilde|12");
    }

    #[test]
    fn render_errors_name_template_and_line() {
        let (src, map) = sources(&full(&[("page.html", "<p>\n\n{{ page.nosuch }}\n</p>")]));
        let t = Templates::new(&src, &map).expect("parses");
        let mut cx = tera::Context::new();
        cx.insert("page", &serde_json::json!({"title": "x"}));
        let d = t.render("page.html", &cx, &map).expect_err("fails");
        let out = render_one(&d.diagnostic, &map, Style::Short);
        assert!(
            out.starts_with("templates/page.html:3:4: error[template/render]"),
            "{out}"
        );
    }
}
