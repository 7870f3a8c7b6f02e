//! Code pass: fenced code is highlighted at build time by syntect into a few CSS classes
//! (`hl-comment`, `hl-string`, `hl-constant`, `hl-keyword`, `hl-function`, `hl-tag`, `hl-attr`,
//! `hl-invalid`, `hl-heading`), so the theme's light and dark palettes colour it with no inline
//! styles and no script. Each run of text gets one span with the class of the innermost scope
//! that has one, rather than a span per scope with every scope's name: a twelve-line block is a
//! quarter of the size. Unknown languages render as plain escaped code.

use pulldown_cmark::{CodeBlockKind, Event, Tag, TagEnd};
use syntect::parsing::{ParseState, Scope, ScopeStack, SyntaxReference, SyntaxSet};
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

    /// The class of the innermost scope on the stack that has one.
    fn class_of(&self, stack: &ScopeStack) -> Option<&'static str> {
        stack.as_slice().iter().rev().find_map(|scope| {
            self.classes
                .iter()
                .find(|(prefix, _)| prefix.is_prefix_of(*scope))
                .map(|(_, class)| *class)
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
            let ops = state.parse_line(line, &self.syntaxes).ok()?;
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
