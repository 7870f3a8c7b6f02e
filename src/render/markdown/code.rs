//! Code pass: fenced code is highlighted at build time by syntect into a few CSS classes
//! (`hl-comment`, `hl-string`, `hl-constant`, `hl-keyword`, `hl-function`, `hl-tag`, `hl-attr`,
//! `hl-invalid`, `hl-heading`), so the theme's light and dark palettes colour it with no inline
//! styles and no script. Each run of text gets one span with the class of the innermost scope
//! that has one, rather than a span per scope with every scope's name: a twelve-line block is a
//! quarter of the size. Unknown languages render as plain escaped code.
//!
//! Parsing a line is most of a build's highlighting time, and documentation repeats lines
//! (shebangs, imports, `set -euo pipefail`, configuration keys) across many pages. A line's
//! parse depends only on its syntax, its text and the parser's state before it, so each
//! parse is kept in a bounded [`LineMemo`] and reused when all three recur.

use std::cell::RefCell;
use std::collections::HashMap;
use std::hash::{BuildHasher, RandomState};
use std::sync::atomic::{AtomicU64, Ordering};

use pulldown_cmark::{CodeBlockKind, Event, Tag, TagEnd};
use rustc_hash::FxHashMap;
use syntect::parsing::{ParseState, Scope, ScopeStack, ScopeStackOp, SyntaxReference, SyntaxSet};
use syntect::util::LinesWithEndings;

use super::{Spanned, escape_html};

/// Class prefix of highlighted tokens.
pub const CLASS_PREFIX: &str = "hl-";

/// Scope prefixes and the class they give, most specific first where prefixes overlap.
const CLASSES: &[(&str, &str)] = &[
    ("comment", "comment"),
    ("string", "string"),
    ("constant", "constant"),
    ("keyword", "keyword"),
    ("storage", "keyword"),
    ("support.type.property-name", "tag"),
    ("entity.name.function", "function"),
    ("support.function", "function"),
    ("entity.name.type", "function"),
    ("support.type", "function"),
    ("support.class", "function"),
    ("entity.name.tag", "tag"),
    ("meta.mapping.key", "tag"),
    ("entity.name.section", "tag"),
    ("entity.other.attribute-name", "attr"),
    ("variable.parameter", "attr"),
    ("invalid", "invalid"),
    ("markup.heading", "heading"),
];

/// Syntax definitions, loaded once per build and shared by all threads.
pub struct Highlighter {
    syntaxes: SyntaxSet,
    /// [`CLASSES`] as scopes.
    classes: Vec<(Scope, &'static str)>,
    /// Which highlighter this is, for the line memo of each thread.
    id: u64,
}

/// Numbers each highlighter made, so a thread's memo never serves another's lines.
static NEXT_ID: AtomicU64 = AtomicU64::new(0);

thread_local! {
    /// This thread's parsed lines. Per thread because a parser state holds regex captures,
    /// which may not cross threads; a build's two or more threads each warm their own.
    static MEMO: RefCell<LineMemo> = RefCell::default();
    /// The class each scope gives, for this thread's highlighter (see [`Highlighter::class_of`]).
    static SCOPE_CLASSES: RefCell<ScopeClasses> = RefCell::default();
}

/// The class each scope gives (or none), and the highlighter it is for.
type ScopeClasses = (Option<u64>, FxHashMap<Scope, Option<&'static str>>);

/// One parsed line: what the parser was given and what it returned.
struct Parsed {
    syntax: String,
    line: Box<str>,
    before: ParseState,
    ops: Vec<(usize, ScopeStackOp)>,
    after: ParseState,
}

/// Parsed lines by a hash of syntax and text. Bounded: past this thread's share of
/// [`LineMemo::BUDGET`] lines, or for lines longer than [`LineMemo::MAX_LINE`], lines are
/// parsed and not kept. A kept line costs about 2 KB (two parser states and its operations),
/// so a long-running `canon serve` holds about 40 MB in all at most, on any number of cores.
/// Lines that recur across a site (boilerplate) tend to be met early, so the first lines are
/// the ones worth keeping.
#[derive(Default)]
struct LineMemo {
    /// The highlighter whose lines these are.
    owner: Option<u64>,
    hasher: RandomState,
    lines: HashMap<u64, Vec<Parsed>>,
    kept: usize,
}

impl LineMemo {
    /// Lines kept by all of a build's threads together.
    const BUDGET: usize = 20_000;
    const MAX_LINE: usize = 200;

    /// This thread's share of [`Self::BUDGET`]: a build's threads are rayon's, one a core, so
    /// the memo's memory does not grow with the machine's cores.
    fn max_lines() -> usize {
        Self::BUDGET / rayon::current_num_threads().max(1)
    }

    fn key(&self, syntax: &str, line: &str) -> u64 {
        self.hasher.hash_one((syntax, line))
    }

    /// The operations and next state for `line` parsed from `before`, if kept.
    fn get(
        &self,
        key: u64,
        syntax: &str,
        line: &str,
        before: &ParseState,
    ) -> Option<(Vec<(usize, ScopeStackOp)>, ParseState)> {
        self.lines
            .get(&key)?
            .iter()
            .find(|p| p.syntax == syntax && &*p.line == line && p.before == *before)
            .map(|p| (p.ops.clone(), p.after.clone()))
    }

    fn keep(&mut self, key: u64, parsed: Parsed) {
        if self.kept < Self::max_lines() && parsed.line.len() <= Self::MAX_LINE {
            self.kept += 1;
            self.lines.entry(key).or_default().push(parsed);
        }
    }
}

impl Default for Highlighter {
    fn default() -> Self {
        Self::new()
    }
}

impl Highlighter {
    /// Loads syntect's bundled syntax definitions (a compressed dump; no files read).
    pub fn new() -> Self {
        Highlighter {
            syntaxes: SyntaxSet::load_defaults_newlines(),
            classes: Self::classes(),
            id: NEXT_ID.fetch_add(1, Ordering::Relaxed),
        }
    }

    /// The process's highlighter, loaded on first use and kept warm for every later build
    /// (`canon serve`, benchmarks, fuzzing).
    pub fn shared() -> &'static Highlighter {
        static SHARED: std::sync::OnceLock<Highlighter> = std::sync::OnceLock::new();
        SHARED.get_or_init(Highlighter::new)
    }

    fn find(&self, lang: &str) -> Option<&SyntaxReference> {
        let lang = lang.to_ascii_lowercase();
        let token = match lang.as_str() {
            "" | "text" | "txt" | "plain" | "plaintext" | "none" => return None,
            "shell" | "console" | "zsh" | "sh" | "shell-session" => "bash",
            "csharp" | "c#" => "cs",
            "yml" => "yaml",
            "jsonc" | "json5" => "json",
            "golang" => "go",
            "py" | "python3" => "python",
            "rb" => "ruby",
            "rs" => "rust",
            "js" | "node" | "mjs" | "cjs" => "js",
            "html" | "xhtml" => "html",
            "plsql" | "tsql" | "mysql" | "postgresql" | "psql" => "sql",
            other => other,
        };
        self.syntaxes.find_syntax_by_token(token)
    }

    /// A highlighter that knows no language: every block is escaped text (for `canon check`).
    pub fn plain() -> Self {
        Highlighter {
            syntaxes: SyntaxSet::new(),
            classes: Vec::new(),
            id: NEXT_ID.fetch_add(1, Ordering::Relaxed),
        }
    }

    /// Renders one code block: highlighted when the language is known, escaped otherwise.
    pub fn block(&self, lang: &str, code: &str) -> String {
        let lang_class = if lang.is_empty() {
            String::new()
        } else {
            format!(" class=\"language-{}\"", escape_html(lang))
        };
        let body = self
            .find(lang)
            .and_then(|syntax| self.highlight(syntax, code))
            .unwrap_or_else(|| escape_html(code));
        format!("<pre class=\"code\" tabindex=\"0\"><code{lang_class}>{body}</code></pre>\n")
    }

    fn classes() -> Vec<(Scope, &'static str)> {
        CLASSES
            .iter()
            .filter_map(|(prefix, class)| Scope::new(prefix).ok().map(|s| (s, *class)))
            .collect()
    }

    /// The class of the innermost scope on the stack that has one. Asked for every run of
    /// text, with a stack of several scopes each tried against every class prefix: each
    /// scope's class is worked out once per thread and looked up after that (a grammar uses a
    /// few hundred scopes).
    fn class_of(&self, stack: &ScopeStack) -> Option<&'static str> {
        SCOPE_CLASSES.with_borrow_mut(|(owner, known)| {
            if *owner != Some(self.id) {
                *owner = Some(self.id);
                known.clear();
            }
            stack.as_slice().iter().rev().find_map(|scope| {
                *known.entry(*scope).or_insert_with(|| {
                    self.classes
                        .iter()
                        .find(|(prefix, _)| prefix.is_prefix_of(*scope))
                        .map(|(_, class)| *class)
                })
            })
        })
    }

    /// Parses one line from `state`, which it advances, through the memo.
    fn parse_line(
        &self,
        syntax: &SyntaxReference,
        state: &mut ParseState,
        line: &str,
    ) -> Option<Vec<(usize, ScopeStackOp)>> {
        MEMO.with_borrow_mut(|memo| {
            if memo.owner != Some(self.id) {
                *memo = LineMemo {
                    owner: Some(self.id),
                    ..LineMemo::default()
                };
            }
            let key = memo.key(&syntax.name, line);
            if let Some((ops, after)) = memo.get(key, &syntax.name, line, state) {
                *state = after;
                return Some(ops);
            }
            let before = state.clone();
            let ops = state.parse_line(line, &self.syntaxes).ok()?;
            memo.keep(
                key,
                Parsed {
                    syntax: syntax.name.clone(),
                    line: line.into(),
                    before,
                    ops: ops.clone(),
                    after: state.clone(),
                },
            );
            Some(ops)
        })
    }

    fn highlight(&self, syntax: &SyntaxReference, code: &str) -> Option<String> {
        let mut state = ParseState::new(syntax);
        let mut stack = ScopeStack::new();
        let mut out = String::with_capacity(code.len() * 2);
        // The run being written: its class and text, merged while the class stays the same.
        let mut run: (Option<&'static str>, String) = (None, String::new());
        let flush = |run: &mut (Option<&'static str>, String), out: &mut String| {
            if run.1.is_empty() {
                return;
            }
            match run.0 {
                Some(class) => {
                    out.push_str("<span class=\"");
                    out.push_str(CLASS_PREFIX);
                    out.push_str(class);
                    out.push_str("\">");
                    out.push_str(&escape_html(&run.1));
                    out.push_str("</span>");
                }
                None => out.push_str(&escape_html(&run.1)),
            }
            run.1.clear();
        };
        for line in LinesWithEndings::from(code) {
            let ops = self.parse_line(syntax, &mut state, line)?;
            let mut pos = 0;
            for (at, op) in ops {
                let at = at.min(line.len());
                if at > pos {
                    let class = self.class_of(&stack);
                    if class != run.0 {
                        flush(&mut run, &mut out);
                        run.0 = class;
                    }
                    run.1.push_str(&line[pos..at]);
                    pos = at;
                }
                stack.apply(&op).ok()?;
            }
            if pos < line.len() {
                let class = self.class_of(&stack);
                if class != run.0 {
                    flush(&mut run, &mut out);
                    run.0 = class;
                }
                run.1.push_str(&line[pos..]);
            }
        }
        flush(&mut run, &mut out);
        Some(out)
    }
}

/// The language named by a fence's info string: its first word (`rust,ignore` -> `rust`).
pub(super) fn fence_lang(info: &str) -> &str {
    let info = info.trim().trim_start_matches('{').trim_start_matches('.');
    info.split(|c: char| c.is_whitespace() || c == ',' || c == '{' || c == '}')
        .next()
        .unwrap_or("")
}

pub(super) fn apply<'a>(events: Vec<Spanned<'a>>, highlighter: &Highlighter) -> Vec<Spanned<'a>> {
    let mut out = Vec::with_capacity(events.len());
    let mut block: Option<(String, String, std::ops::Range<usize>)> = None;
    for (ev, range) in events {
        match ev {
            Event::Start(Tag::CodeBlock(kind)) => {
                let lang = match &kind {
                    CodeBlockKind::Fenced(info) => fence_lang(info).to_string(),
                    CodeBlockKind::Indented => String::new(),
                };
                block = Some((lang, String::new(), range));
            }
            Event::Text(t) if block.is_some() => {
                if let Some((_, code, _)) = block.as_mut() {
                    code.push_str(&t);
                }
            }
            Event::End(TagEnd::CodeBlock) => {
                if let Some((lang, code, start)) = block.take() {
                    out.push((
                        Event::Html(highlighter.block(&lang, &code).into()),
                        start.start..range.end,
                    ));
                }
            }
            ev => out.push((ev, range)),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::super::tests::render_str;
    use super::*;

    #[test]
    fn highlights_known_languages_with_classes_only() {
        let r = render_str("```rust\nfn main() { let x = \"<hi>\"; }\n```\n");
        assert!(
            r.html
                .contains("<pre class=\"code\" tabindex=\"0\"><code class=\"language-rust\">"),
            "{}",
            r.html
        );
        assert!(r.html.contains("class=\"hl-"), "{}", r.html);
        assert!(r.html.contains("&lt;hi&gt;"));
        assert!(!r.html.contains("style="));
    }

    #[test]
    fn unknown_languages_are_escaped_plain_code() {
        let r = render_str("```nosuchlang\n<script>alert(1)</script>\n```\n");
        assert!(
            r.html.contains(
                "<code class=\"language-nosuchlang\">&lt;script&gt;alert(1)&lt;/script&gt;\n</code>"
            ),
            "{}",
            r.html
        );
        assert!(!r.html.contains("hl-"));
    }

    #[test]
    fn a_repeated_line_is_highlighted_for_the_state_it_is_in() {
        let h = Highlighter::new();
        // The same line as code, then inside a string: the memo must tell them apart.
        let code = "x = open(1)\ns = \"\"\"\nx = open(1)\n\"\"\"\nx = open(1)\n";
        let out = h.block("python", code);
        let lines: Vec<&str> = out.split('\n').collect();
        // Inside the string the line is one run of the string's span, opened the line before.
        assert!(
            lines[1].ends_with("<span class=\"hl-string\">&quot;&quot;&quot;"),
            "{out}"
        );
        assert_eq!(lines[2], "x = open(1)", "{out}");
        assert!(
            lines[4].contains("<span class=\"hl-function\">open</span>"),
            "{out}"
        );
        // Kept lines give what parsing them afresh gives, in this highlighter and another.
        assert_eq!(h.block("python", code), out);
        let other = Highlighter::new();
        assert_eq!(other.block("python", code), out);
        assert_eq!(h.block("python", code), out);
        // A line kept for one language is not used for another.
        let yaml = h.block("yaml", "x = open(1)\n");
        assert_ne!(
            yaml.split_once("<code").map(|(_, c)| c),
            out.split_once("<code").map(|(_, c)| c)
        );
    }

    #[test]
    fn the_line_memo_is_bounded() {
        let h = Highlighter::new();
        let long = format!("x = \"{}\"\n", "a".repeat(LineMemo::MAX_LINE));
        h.block("python", &long);
        let max = LineMemo::max_lines();
        let code: String = (0..max + 10).map(|i| format!("x{i} = {i}\n")).collect();
        let out = h.block("python", &code);
        assert!(out.contains(&format!("\nx{} ", max + 9)));
        MEMO.with_borrow(|memo| {
            assert_eq!(memo.owner, Some(h.id));
            assert_eq!(memo.kept, max);
            assert!(
                memo.lines
                    .values()
                    .flatten()
                    .all(|p| p.line.len() <= LineMemo::MAX_LINE)
            );
        });
    }

    #[test]
    fn fence_languages() {
        assert_eq!(fence_lang("rust,ignore"), "rust");
        assert_eq!(fence_lang("python title=\"x\""), "python");
        assert_eq!(fence_lang("{.yaml}"), "yaml");
        let h = Highlighter::new();
        for lang in [
            "yaml", "yml", "bash", "shell", "python", "json", "sql", "java", "js", "go", "ruby",
            "xml",
        ] {
            assert!(h.find(lang).is_some(), "{lang}");
        }
    }
}
