//! The literal filter patched into syntect (vendor/syntect/PATCHED.md) skips a regex search
//! only when the regex cannot match: checked against Oniguruma itself, for every pattern of
//! every grammar syntect ships, on real code lines.

use std::path::Path;

use syntect::parsing::syntax_definition::Pattern;
use syntect::parsing::{Regex, SyntaxSet, TextBytes};

use crate::support::repo;

/// The grammars of the languages the generated and bundled corpora use, and a few more.
const GRAMMARS: &[&str] = &[
    "Bourne Again Shell (bash)",
    "Python",
    "JavaScript",
    "Java",
    "SQL",
    "JSON",
    "Go",
    "YAML",
    "Rust",
    "HTML",
    "CSS",
    "Ruby",
    "XML",
    "Markdown",
];

/// Each line of each fenced code block in the Markdown files under `dir`.
fn code_lines(dir: &Path, lines: &mut Vec<String>) {
    for entry in walkdir::WalkDir::new(dir) {
        let entry = entry.unwrap();
        if entry.path().extension().is_none_or(|e| e != "md") {
            continue;
        }
        let text = std::fs::read_to_string(entry.path()).unwrap();
        let mut fenced = false;
        for line in text.lines() {
            if line.trim_start().starts_with("```") {
                fenced = !fenced;
            } else if fenced {
                lines.push(format!("{line}\n"));
            }
        }
    }
}

/// Where searches of `line` start in the check: its start, and three places further on.
fn starts(line: &str) -> impl Iterator<Item = usize> + '_ {
    [0, line.len() / 4, line.len() / 2, line.len() * 3 / 4]
        .into_iter()
        .map(|i| {
            (i..)
                .find(|&i| line.is_char_boundary(i))
                .unwrap_or(line.len())
        })
}

#[test]
fn the_literal_filter_never_skips_a_search_that_would_match() {
    let corpus = tempfile::tempdir().unwrap();
    canon_tools::corpus::generate(40, 7, corpus.path(), None).unwrap();
    let mut lines = Vec::new();
    code_lines(corpus.path(), &mut lines);
    code_lines(&repo().join("content"), &mut lines);
    code_lines(&repo().join("../shared/corpora"), &mut lines);
    // Case and Unicode: Oniguruma folds `ſ` to `s` and `K` (Kelvin) to `k` when it ignores
    // case, which an ASCII comparison would miss, and `\d` matches `٤`.
    for line in [
        "x = ٤٢ + \u{212A}",
        "SELECT * FROM users WHERE id = 1;",
        "ſelect name from patients;",
        "INSERT INTO audit VALUES ('Straße', 'KEY');",
        "def  f(x):  return x  # Ünïcode",
        "",
        "\n",
    ] {
        lines.push(format!("{line}\n"));
    }
    lines.sort();
    lines.dedup();
    let lines: Vec<(&String, TextBytes)> = lines.iter().map(|l| (l, TextBytes::new(l))).collect();
    assert!(lines.len() > 500, "{} lines", lines.len());

    let set = SyntaxSet::load_defaults_newlines().into_builder();
    for grammar in GRAMMARS {
        assert!(
            set.syntaxes().iter().any(|s| s.name == *grammar),
            "no grammar {grammar}"
        );
    }
    let (mut patterns, mut skipped, mut checked) = (0, 0, 0);
    // Every grammar syntect ships: those of `GRAMMARS` on every line, the rest (whose
    // patterns the filter must read just as safely) on every eighth.
    for syntax in set.syntaxes() {
        let grammar = &syntax.name;
        let step = if GRAMMARS.contains(&grammar.as_str()) {
            1
        } else {
            8
        };
        for context in syntax.contexts.values() {
            for pattern in &context.patterns {
                let Pattern::Match(m) = pattern else { continue };
                // Patterns with backreferences to an earlier match are never filtered.
                if m.has_captures {
                    continue;
                }
                patterns += 1;
                let regex = Regex::new(m.regex.regex_str().to_string());
                for (line, bytes) in lines.iter().step_by(step) {
                    // From the start of the line, and from later on (syntect searches again
                    // from the end of each token).
                    for start in starts(line) {
                        checked += 1;
                        if !regex.may_match_in(bytes, start) {
                            skipped += 1;
                            assert!(
                                !regex.search(line, start, line.len(), None),
                                "{grammar}: `{}` matches {line:?} from byte {start}, but the \
                                 filter skipped it",
                                regex.regex_str()
                            );
                        }
                    }
                }
            }
        }
    }
    assert!(patterns > 7_000, "{patterns} patterns");
    // The filter does its job: most pairs of pattern and line need no search.
    assert!(
        skipped * 2 > checked,
        "{skipped} of {checked} searches skipped"
    );
}

#[test]
fn the_literal_filter_reads_what_a_match_needs() {
    let cases: &[(&str, &str, bool)] = &[
        // Keywords, whole or in a lookahead: the line must hold one.
        (r"\b(if|else|while)\b", "x = y + 1\n", false),
        (r"\b(if|else|while)\b", "  while true\n", true),
        (r"(?<![\w$])function(?=\s*\()", "return x;\n", false),
        (r"(?<![\w$])function(?=\s*\()", "function f() {}\n", true),
        (r"(?x) \b (select | from) \b  # words", "update t\n", false),
        (r"(?x) \b (select | from) \b  # words", "SELECT 1\n", true),
        (r"(?i:\bselect\b)", "SeLeCt 1\n", true),
        // Case folded by Unicode's rules: any line that is not ASCII is searched.
        (r"(?i)\bselect\b", "ſelect 1\n", true),
        (r"\.\.\.", "a..b\n", false),
        (r"ab+c", "xabx\n", true),
        (r"ab+c", "xbcx\n", false),
        // Nothing certain is needed: every line is searched.
        (r"\w+", "!!!\n", true),
        (r"(?!if)\w+", "!!!\n", true),
        (r"(if)?\w", "!!!\n", true),
        (r"if|\w", "!!!\n", true),
        (r"[a-z]+", "123\n", true),
        (r"[^abc]", "abc\n", true),
        (r"[[:alpha:]]", "123\n", true),
        (r"\w", "!!!\n", true),
        // A short class needs one of its characters; `\d` any digit, ASCII in ASCII text.
        (r"[abc]", "xyz\n", false),
        // A range may start at an escaped character or a leading `]`.
        (r"[\.-z]", "abc\n", true),
        (r"[]-a]", "^\n", true),
        (r"[\d-z]", "abc\n", true),
        (r"(?=[)\]}])", "f(x\n", false),
        (r"(?=[)\]}])", "f(x]\n", true),
        (r"\b[1-9][\d_]*", "x = y\n", false),
        (r"\b[1-9][\d_]*", "x = 42\n", true),
        (r"\d+", "x = y\n", false),
        (r"\d+", "x = ٤\n", true),
        (r"\x41bc", "xyz\n", false),
        (r"\x41bc", "Abc\n", true),
        // Flags in mid-pattern hold to the end of their group: `a(?i:b|c)`.
        (r"a(?i)b|c", "xyz\n", false),
        (r"a(?i)b|c", "xc\n", true),
        (r"\b(?i)(0x)\h*(L)", "x = 1\n", false),
        (r"\b(?i)(0x)\h*(L)", "y = 0XffL\n", true),
        (r"a(?x) b", "xyz\n", true),
    ];
    // Why a line that is not ASCII is always searched when case is ignored:
    let select = Regex::new(r"(?i)\bselect\b".to_string());
    assert!(select.search("ſelect 1\n", 0, 9, None));
    // ... and why a range may start anywhere:
    for (pattern, line) in [(r"[\.-z]", "abc\n"), (r"[]-a]", "^\n")] {
        assert!(Regex::new(pattern.to_string()).search(line, 0, line.len(), None));
    }
    let digit = Regex::new(r"\d".to_string());
    assert!(digit.search("٤\n", 0, 3, None));
    // A search from further on needs the literal from there on, unless the pattern looks
    // behind, when it may lie before.
    let paren = Regex::new(r"\(".to_string());
    let bytes = TextBytes::new("f(x) + g\n");
    assert!(paren.may_match_in(&bytes, 0));
    assert!(!paren.may_match_in(&bytes, 2));
    assert!(!paren.search("f(x) + g\n", 2, 9, None));
    let behind = Regex::new(r"(?<=\()x".to_string());
    assert!(behind.may_match_in(&bytes, 2));
    assert!(behind.search("f(x) + g\n", 2, 9, None));
    for (pattern, line, may) in cases {
        let regex = Regex::new(pattern.to_string());
        assert_eq!(regex.may_match(line), *may, "`{pattern}` on {line:?}");
        if !may {
            assert!(!regex.search(line, 0, line.len(), None), "`{pattern}`");
        }
    }
}
