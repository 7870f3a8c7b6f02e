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
