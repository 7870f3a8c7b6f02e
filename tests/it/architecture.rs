//! The shape of the code, checked from its own source: stages import only what lies below
//! them, and files and functions stay small enough to read.

use std::collections::BTreeSet;
use std::path::Path;

/// Every top-level module of `src/`, bottom first, with its layer. A module may import
/// modules of a lower layer only; modules of one layer do not import each other.
const LAYERS: &[(&str, u8)] = &[
    ("diagnostics", 0),
    ("timings", 0),
    ("model", 1),
    ("controls", 1),
    ("published", 2),
    ("config", 3),
    ("load", 4),
    ("validate", 5),
    ("resolve", 6),
    ("search", 7),
    ("render", 8),
    ("write", 9),
    ("pipeline", 10),
    ("serve", 11),
    ("scaffold", 11),
    ("cli", 12),
];

fn layer(module: &str) -> u8 {
    LAYERS
        .iter()
        .find(|(name, _)| *name == module)
        .unwrap_or_else(|| panic!("src/{module}: add it to LAYERS in tests/it/architecture.rs"))
        .1
}

/// The top-level modules a Rust source names through `crate::`, in `use` lists and paths.
fn imports(source: &str) -> BTreeSet<String> {
    let mut out = BTreeSet::new();
    let code: String = source
        .lines()
        .map(|line| {
            let trimmed = line.trim_start();
            if trimmed.starts_with("//") { "" } else { line }
        })
        .collect::<Vec<_>>()
        .join("\n");
    for (at, _) in code.match_indices("crate::") {
        let rest = &code[at + "crate::".len()..];
        if let Some(group) = rest.strip_prefix('{') {
            // `use crate::{a::b, c}`: the first segment of each item of the group.
            let mut depth = 0;
            let mut item = true;
            let mut name = String::new();
            for c in group.chars() {
                match c {
                    '{' => depth += 1,
                    '}' if depth == 0 => break,
                    '}' => depth -= 1,
                    ',' if depth == 0 => item = true,
                    c if item && (c.is_alphanumeric() || c == '_') => name.push(c),
                    _ if item && !name.is_empty() => {
                        out.insert(std::mem::take(&mut name));
                        item = false;
                    }
                    _ => {}
                }
            }
            if !name.is_empty() {
                out.insert(name);
            }
        } else {
            let name: String = rest
                .chars()
                .take_while(|c| c.is_alphanumeric() || *c == '_')
                .collect();
            if !name.is_empty() {
                out.insert(name);
            }
        }
    }
    out
}

fn sources(dir: &Path) -> Vec<std::path::PathBuf> {
    walkdir::WalkDir::new(dir)
        .into_iter()
        .map(|e| e.unwrap().into_path())
        .filter(|p| p.extension().is_some_and(|e| e == "rs"))
        .collect()
}

#[test]
fn the_import_reader_finds_groups_and_paths() {
    let found =
        imports("use crate::{config::{A, B}, load};\n// crate::serve\nlet x = crate::render::f();");
    let names: Vec<&str> = found.iter().map(String::as_str).collect();
    assert_eq!(names, ["config", "load", "render"]);
}

#[test]
fn no_module_imports_a_later_stage() {
    let src = crate::support::repo().join("src");
    let mut wrong = Vec::new();
    for file in sources(&src) {
        let rel = file.strip_prefix(&src).unwrap();
        let first = rel
            .components()
            .next()
            .unwrap()
            .as_os_str()
            .to_string_lossy();
        let module = first.trim_end_matches(".rs");
        if matches!(module, "lib" | "main") {
            continue;
        }
        let text = std::fs::read_to_string(&file).unwrap();
        for target in imports(&text) {
            if target == module {
                continue;
            }
            if layer(&target) >= layer(module) {
                wrong.push(format!("src/{}: {module} imports {target}", rel.display()));
            }
        }
    }
    assert!(
        wrong.is_empty(),
        "imports against the pipeline's direction:\n{}",
        wrong.join("\n")
    );
}

/// Most lines a file of `src/` may have.
const FILE_LINES: usize = 600;
/// Most lines a function may have, unless its doc comment says why in a `Length:` line.
const FUNCTION_LINES: usize = 80;

/// The source with comments, strings and character literals blanked out (newlines kept), so
/// braces can be counted.
fn code_only(source: &str) -> String {
    let chars: Vec<char> = source.chars().collect();
    let mut out = String::with_capacity(source.len());
    let mut i = 0;
    let blank = |c: char| if c == '\n' { '\n' } else { ' ' };
    while i < chars.len() {
        let c = chars[i];
        let next = chars.get(i + 1).copied();
        if c == '/' && next == Some('/') {
            while i < chars.len() && chars[i] != '\n' {
                out.push(' ');
                i += 1;
            }
        } else if c == '/' && next == Some('*') {
            while i < chars.len() && !(chars[i] == '*' && chars.get(i + 1) == Some(&'/')) {
                out.push(blank(chars[i]));
                i += 1;
            }
            out.push_str("  ");
            i += 2;
        } else if c == 'r'
            && matches!(next, Some('"' | '#'))
            && !chars[..i]
                .last()
                .is_some_and(|p| p.is_alphanumeric() || *p == '_')
        {
            // A raw string: r"…", r#"…"#.
            let mut j = i + 1;
            let mut hashes = 0;
            while chars.get(j) == Some(&'#') {
                hashes += 1;
                j += 1;
            }
            if chars.get(j) != Some(&'"') {
                out.push(c);
                i += 1;
                continue;
            }
            let close: Vec<char> = std::iter::once('"')
                .chain(std::iter::repeat_n('#', hashes))
                .collect();
            let mut k = j + 1;
            while k < chars.len() && !chars[k..].starts_with(&close) {
                k += 1;
            }
            let end = (k + close.len()).min(chars.len());
            out.extend(chars[i..end].iter().map(|&c| blank(c)));
            i = end;
        } else if c == '"' {
            out.push(' ');
            i += 1;
            while i < chars.len() && chars[i] != '"' {
                let skip = if chars[i] == '\\' { 2 } else { 1 };
                out.extend(
                    chars[i..(i + skip).min(chars.len())]
                        .iter()
                        .map(|&c| blank(c)),
                );
                i += skip;
            }
            out.push(' ');
            i += 1;
        } else if c == '\'' {
            // A character literal ('x', '\n', '\u{e000}'), not a lifetime ('a).
            let close = match next {
                Some('\\') => chars[i + 2..]
                    .iter()
                    .position(|&c| c == '\'')
                    .map(|p| i + 2 + p),
                Some(_) if chars.get(i + 2) == Some(&'\'') => Some(i + 2),
                _ => None,
            };
            match close {
                Some(end) => {
                    out.extend(std::iter::repeat_n(' ', end + 1 - i));
                    i = end + 1;
                }
                None => {
                    out.push(c);
                    i += 1;
                }
            }
        } else {
            out.push(c);
            i += 1;
        }
    }
    out
}

/// Every function of a source: its name, first line (1-based), length in lines and doc
/// comment.
fn functions(source: &str) -> Vec<(String, usize, usize, String)> {
    let lines: Vec<&str> = source.lines().collect();
    let code = code_only(source);
    let code: Vec<&str> = code.lines().collect();
    let mut out = Vec::new();
    for (n, line) in code.iter().enumerate() {
        let words: Vec<&str> = line.split_whitespace().collect();
        let Some(at) = words.iter().position(|w| *w == "fn") else {
            continue;
        };
        let before_ok = words[..at].iter().all(|w| {
            matches!(*w, "pub" | "const" | "async" | "unsafe" | "extern") || w.starts_with("pub(")
        });
        let Some(name) = words.get(at + 1) else {
            continue;
        };
        if !before_ok {
            continue;
        }
        let name: String = name
            .chars()
            .take_while(|c| c.is_alphanumeric() || *c == '_')
            .collect();
        let mut depth = 0i32;
        let mut end = None;
        'lines: for (k, l) in code.iter().enumerate().skip(n) {
            for c in l.chars() {
                match c {
                    '{' => depth += 1,
                    '}' => {
                        depth -= 1;
                        if depth == 0 {
                            end = Some(k);
                            break 'lines;
                        }
                    }
                    ';' if depth == 0 => break 'lines,
                    _ => {}
                }
            }
        }
        let Some(end) = end else { continue };
        let doc: Vec<&str> = lines[..n]
            .iter()
            .rev()
            .map(|l| l.trim_start())
            .take_while(|l| l.starts_with("///") || l.starts_with("#["))
            .collect();
        out.push((name, n + 1, end - n + 1, doc.join("\n")));
    }
    out
}

#[test]
fn the_function_reader_skips_strings_comments_and_characters() {
    let source = "/// Doc.\nfn a() {\n    let s = \"}\";\n    let c = '}';\n    // }\n    let r = r#\"}\"#;\n}\n\nfn b<'x>(v: &'x str) -> &'x str {\n    v\n}\n";
    let found = functions(source);
    let summary: Vec<(&str, usize, usize)> = found
        .iter()
        .map(|(n, at, len, _)| (n.as_str(), *at, *len))
        .collect();
    assert_eq!(summary, [("a", 2, 6), ("b", 9, 3)]);
    assert_eq!(found[0].3, "/// Doc.");
}

/// Files that fit on a screen or two and functions that fit on one: no file of `src/` over
/// 600 lines, and no function over 80 unless its doc comment gives the reason in a
/// `Length:` line.
#[test]
fn files_and_functions_stay_small() {
    let src = crate::support::repo().join("src");
    let mut wrong = Vec::new();
    for file in sources(&src) {
        let rel = file.strip_prefix(&src).unwrap().display().to_string();
        let text = std::fs::read_to_string(&file).unwrap();
        let lines = text.lines().count();
        if lines > FILE_LINES {
            wrong.push(format!("src/{rel}: {lines} lines"));
        }
        for (name, at, len, doc) in functions(&text) {
            if len > FUNCTION_LINES && !doc.contains("Length:") {
                wrong.push(format!("src/{rel}:{at}: fn {name} is {len} lines"));
            }
        }
    }
    assert!(
        wrong.is_empty(),
        "over {FILE_LINES} lines a file or {FUNCTION_LINES} a function (say why in a `Length:` line of its doc comment):\n{}",
        wrong.join("\n")
    );
}
