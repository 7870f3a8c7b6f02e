//! The generated pages' code blocks, varied the way documentation's code varies.
//!
//! Highlighting is most of a build's time, and what it costs depends on how often a line
//! recurs: canon keeps each parsed line and reuses it when the same line comes again in the
//! same state. Real guidance repeats some lines (shebangs, imports, `set -euo pipefail`,
//! closing braces) and little else: in the bundled corpora about a fifth of non-blank code
//! lines repeat an earlier line of the same language (gds-way 22%, defra 19%). So each block
//! here is written line by line from small grammars of eight languages, in the proportions
//! those corpora use, with names, paths and numbers drawn afresh for every line; a site of
//! the corpora's size repeats about as often as they do, and a larger site repeats more only
//! where a real one would (the shared boilerplate).

use std::fmt::Write as _;

use super::Rng;

/// Nouns that name things in code.
const NOUNS: &[&str] = &[
    "user",
    "session",
    "record",
    "patient",
    "referral",
    "appointment",
    "token",
    "audit",
    "backup",
    "alert",
    "report",
    "service",
    "host",
    "key",
    "policy",
    "role",
    "consent",
    "message",
    "queue",
    "cache",
    "metric",
    "event",
    "request",
    "document",
    "clinic",
    "team",
    "review",
    "risk",
    "asset",
    "certificate",
    "supplier",
    "incident",
    "device",
    "account",
    "ward",
    "practice",
];

/// Verbs that name what code does.
const ACTIONS: &[&str] = &[
    "get", "load", "save", "check", "send", "build", "parse", "validate", "update", "delete",
    "find", "list", "sync", "export", "import", "rotate", "archive", "notify", "count", "fetch",
    "renew", "revoke", "assign", "close",
];

/// A language's block writer: the generator, and the page's number (for a comment).
type Writer = fn(&mut Rng, usize) -> String;

/// Languages, how many blocks in a hundred use each (after the corpora's mix), and the
/// writer of their blocks.
const LANGUAGES: &[(&str, usize, Writer)] = &[
    ("yaml", 16, |rng, _| yaml(rng)),
    ("bash", 16, bash),
    ("python", 14, |rng, _| python(rng)),
    ("javascript", 14, |rng, _| javascript(rng)),
    ("java", 12, |rng, _| java(rng)),
    ("sql", 12, |rng, _| sql(rng)),
    ("json", 8, |rng, _| json(rng)),
    ("go", 8, |rng, _| go(rng)),
];

fn noun(rng: &mut Rng) -> &'static str {
    rng.pick(NOUNS)
}

fn action(rng: &mut Rng) -> &'static str {
    rng.pick(ACTIONS)
}

fn capital(word: &str) -> String {
    let mut c = word.chars();
    c.next()
        .map(|f| f.to_ascii_uppercase().to_string() + c.as_str())
        .unwrap_or_default()
}

/// `check_patient`
fn snake(rng: &mut Rng) -> String {
    format!("{}_{}", action(rng), noun(rng))
}

/// `checkPatient`
fn camel(rng: &mut Rng) -> String {
    format!("{}{}", action(rng), capital(noun(rng)))
}

/// `PatientReferral`
fn pascal(rng: &mut Rng) -> String {
    format!("{}{}", capital(noun(rng)), capital(noun(rng)))
}

/// A fenced block for page `page`: four to eighteen lines, ten on average (the corpora
/// average seven to nine).
pub(super) fn block(rng: &mut Rng, page: usize) -> String {
    // The shares add up to 100: the first language whose running total passes the roll.
    let roll = rng.below(100);
    let mut total = 0;
    let (lang, _, write) = LANGUAGES
        .iter()
        .find(|(_, share, _)| {
            total += share;
            roll < total
        })
        .unwrap_or(&LANGUAGES[0]);
    format!("```{lang}\n{}```\n", write(rng, page))
}

fn yaml(rng: &mut Rng) -> String {
    let mut s = String::new();
    let _ = writeln!(s, "{}:", noun(rng));
    let _ = writeln!(
        s,
        "  name: {}-{}",
        snake(rng).replace('_', "-"),
        rng.below(500)
    );
    let _ = writeln!(s, "  owner: {}-team", noun(rng));
    for _ in 0..3 + rng.below(3) {
        match rng.below(5) {
            0 => {
                let _ = writeln!(s, "  {}_enabled: {}", noun(rng), rng.chance(50));
            }
            1 => {
                let _ = writeln!(s, "  {}s:", noun(rng));
                for _ in 0..1 + rng.below(3) {
                    let _ = writeln!(s, "    - {}-{}", noun(rng), rng.below(100));
                }
            }
            2 => {
                let _ = writeln!(
                    s,
                    "  schedule: \"{} {} * * {}\"",
                    rng.below(60),
                    rng.below(24),
                    rng.below(7)
                );
            }
            3 => {
                let _ = writeln!(
                    s,
                    "  {}_url: https://{}.example.org/{}/{}",
                    noun(rng),
                    noun(rng),
                    noun(rng),
                    rng.below(1000)
                );
            }
            _ => {
                let _ = writeln!(
                    s,
                    "  {}_{}_days: {}",
                    action(rng),
                    noun(rng),
                    rng.below(400)
                );
            }
        }
    }
    s
}

fn bash(rng: &mut Rng, page: usize) -> String {
    let mut s = String::new();
    if rng.chance(70) {
        s.push_str("#!/usr/bin/env bash\n");
    }
    if rng.chance(60) {
        s.push_str("set -euo pipefail\n");
    }
    let _ = writeln!(s, "# {} every {} for page {page}", action(rng), noun(rng));
    let var = noun(rng).to_uppercase();
    let _ = writeln!(
        s,
        "{var}_DIR=\"/var/lib/{}/{}\"",
        noun(rng),
        rng.below(1000)
    );
    for _ in 0..2 + rng.below(2) {
        match rng.below(4) {
            0 => {
                let item = noun(rng);
                let _ = writeln!(s, "for {item} in \"${var}_DIR\"/*.{}; do", noun(rng));
                let _ = writeln!(
                    s,
                    "  {} {} --{} \"${item}\"",
                    rng.pick(&["kubectl", "aws", "git", "docker", "openssl", "psql"]),
                    action(rng),
                    noun(rng)
                );
                s.push_str("done\n");
            }
            1 => {
                let file = format!("{}-{}.json", noun(rng), rng.below(100));
                let _ = writeln!(s, "if [ ! -f \"${var}_DIR/{file}\" ]; then");
                let _ = writeln!(s, "  echo \"{file} is missing from ${var}_DIR\" >&2");
                let _ = writeln!(s, "  exit {}", 1 + rng.below(4));
                s.push_str("fi\n");
            }
            2 => {
                let _ = writeln!(
                    s,
                    "curl --fail --silent \"https://{}.example.org/{}/{}\" -o \"${var}_DIR/{}.json\"",
                    noun(rng),
                    noun(rng),
                    rng.below(1000),
                    noun(rng)
                );
            }
            _ => {
                let _ = writeln!(
                    s,
                    "echo \"{} $(wc -l < \"${var}_DIR/{}.log\") {}s\"",
                    action(rng),
                    noun(rng),
                    noun(rng)
                );
            }
        }
    }
    s
}

fn python(rng: &mut Rng) -> String {
    const IMPORTS: &[&str] = &[
        "import json",
        "import logging",
        "import os",
        "from datetime import date, timedelta",
        "from pathlib import Path",
        "from dataclasses import dataclass",
    ];
    let mut s = String::new();
    for _ in 0..1 + rng.below(2) {
        let _ = writeln!(s, "{}", rng.pick(IMPORTS));
    }
    let (a, b) = (noun(rng), noun(rng));
    let _ = writeln!(
        s,
        "\n\ndef {}({a}, {b}_limit: int = {}) -> list:",
        snake(rng),
        rng.below(500)
    );
    let _ = writeln!(
        s,
        "    \"\"\"{} each {a} and {} the {b}s it holds.\"\"\"",
        capital(action(rng)),
        action(rng)
    );
    let _ = writeln!(s, "    {b}s = []");
    let _ = writeln!(s, "    for {b} in {a}.{}s:", noun(rng));
    for _ in 0..1 + rng.below(3) {
        match rng.below(3) {
            0 => {
                let _ = writeln!(s, "        if {b}.{}_count > {b}_limit:", noun(rng));
                let _ = writeln!(
                    s,
                    "            logging.warning(\"%s has too many {}s\", {b}.{}_id)",
                    noun(rng),
                    noun(rng)
                );
            }
            1 => {
                let _ = writeln!(
                    s,
                    "        {}_path = Path(\"{}\") / f\"{{{b}.{}_id}}.json\"",
                    noun(rng),
                    noun(rng),
                    noun(rng)
                );
            }
            _ => {
                let _ = writeln!(
                    s,
                    "        {b}s.append({}({b}, {}))",
                    snake(rng),
                    rng.below(90)
                );
            }
        }
    }
    let _ = writeln!(s, "    return {b}s");
    s
}

fn javascript(rng: &mut Rng) -> String {
    let mut s = String::new();
    let (a, b) = (noun(rng), noun(rng));
    let _ = writeln!(
        s,
        "import {{ {} }} from './{}.js';\n",
        camel(rng),
        noun(rng)
    );
    let _ = writeln!(
        s,
        "export async function {}({a}, {b}Limit = {}) {{",
        camel(rng),
        rng.below(500)
    );
    let _ = writeln!(
        s,
        "  const response = await fetch(`/api/{}/${{{a}.id}}/{b}s`);",
        noun(rng)
    );
    s.push_str("  if (!response.ok) {\n");
    let _ = writeln!(
        s,
        "    throw new Error(`Could not {} {b}s for ${{{a}.id}}: ${{response.status}}`);",
        action(rng)
    );
    s.push_str("  }\n");
    let _ = writeln!(s, "  const {b}s = await response.json();");
    if rng.chance(50) {
        let _ = writeln!(
            s,
            "  console.info('{} %d {b}s', {b}s.length);",
            capital(action(rng))
        );
    }
    let _ = writeln!(
        s,
        "  return {b}s.filter(({b}) => {b}.{}Count <= {b}Limit).map({});",
        noun(rng),
        camel(rng)
    );
    s.push_str("}\n");
    s
}

fn java(rng: &mut Rng) -> String {
    let mut s = String::new();
    let (class, entity) = (pascal(rng), capital(noun(rng)));
    let field = format!("{}Repository", noun(rng));
    let _ = writeln!(s, "public class {class}Service {{");
    let _ = writeln!(s, "    private final {entity}Repository {field};\n");
    let _ = writeln!(
        s,
        "    public List<{entity}> {}(String {}Id, int limit) {{",
        camel(rng),
        noun(rng)
    );
    let _ = writeln!(s, "        if (limit > {}) {{", 10 + rng.below(990));
    let _ = writeln!(
        s,
        "            throw new IllegalArgumentException(\"at most {} {}s at a time\");",
        rng.below(1000),
        noun(rng)
    );
    s.push_str("        }\n");
    let _ = writeln!(
        s,
        "        return {field}.findBy{}(limit).stream().filter({entity}::is{}).toList();",
        pascal(rng),
        capital(noun(rng))
    );
    s.push_str("    }\n}\n");
    s
}

fn sql(rng: &mut Rng) -> String {
    let mut s = String::new();
    let (t, u) = (noun(rng), noun(rng));
    let (ta, ua) = (&t[..1], &u[..2]);
    let _ = writeln!(
        s,
        "SELECT {ta}.{}_id, {ta}.{}_name, COUNT({ua}.id) AS {u}_count",
        noun(rng),
        noun(rng)
    );
    let _ = writeln!(s, "FROM {t}s {ta}");
    let _ = writeln!(s, "LEFT JOIN {u}s {ua} ON {ua}.{t}_id = {ta}.id");
    let _ = writeln!(
        s,
        "WHERE {ta}.{}_at >= DATE '{}-{:02}-{:02}'",
        action(rng),
        2020 + rng.below(6),
        1 + rng.below(12),
        1 + rng.below(28)
    );
    for _ in 0..rng.below(3) {
        let _ = writeln!(s, "  AND {ta}.{} <> '{}'", noun(rng), noun(rng));
    }
    let _ = writeln!(s, "GROUP BY {ta}.{}_id", noun(rng));
    let _ = writeln!(s, "HAVING COUNT({ua}.id) > {}", rng.below(50));
    let _ = writeln!(s, "ORDER BY {u}_count DESC");
    let _ = writeln!(s, "LIMIT {};", 10 + rng.below(490));
    s
}

fn json(rng: &mut Rng) -> String {
    let mut s = String::from("{\n");
    let _ = writeln!(
        s,
        "  \"{}\": \"{}-{}\",",
        camel(rng),
        noun(rng),
        rng.below(1000)
    );
    let _ = writeln!(s, "  \"{}Enabled\": {},", noun(rng), rng.chance(50));
    let _ = writeln!(s, "  \"{}s\": [", noun(rng));
    for _ in 0..1 + rng.below(3) {
        let _ = writeln!(s, "    \"{}-{}\",", noun(rng), rng.below(100));
    }
    let _ = writeln!(s, "    \"{}\"", noun(rng));
    s.push_str("  ],\n");
    let _ = writeln!(s, "  \"{}\": {{", noun(rng));
    let _ = writeln!(s, "    \"{}Days\": {},", action(rng), rng.below(400));
    let _ = writeln!(s, "    \"{}\": \"{}\"", noun(rng), noun(rng));
    s.push_str("  }\n}\n");
    s
}

fn go(rng: &mut Rng) -> String {
    let mut s = String::new();
    let (a, ty) = (noun(rng), pascal(rng));
    let _ = writeln!(
        s,
        "func {}(ctx context.Context, {a}ID string) (*{ty}, error) {{",
        capital(&camel(rng))
    );
    let _ = writeln!(
        s,
        "\t{a}, err := {}(ctx, \"{}-\"+{a}ID)",
        camel(rng),
        noun(rng)
    );
    s.push_str("\tif err != nil {\n");
    let _ = writeln!(
        s,
        "\t\treturn nil, fmt.Errorf(\"{} {a} %s: %w\", {a}ID, err)",
        action(rng)
    );
    s.push_str("\t}\n");
    let _ = writeln!(
        s,
        "\tlog.Printf(\"{a} %s has %d {}s\", {a}ID, len({a}.{}s))",
        noun(rng),
        capital(noun(rng))
    );
    let _ = writeln!(
        s,
        "\treturn &{ty}{{{}: {a}.{}, Limit: {}}}, nil",
        capital(noun(rng)),
        capital(noun(rng)),
        rng.below(1000)
    );
    s.push_str("}\n");
    s
}

#[cfg(test)]
mod tests {
    use std::collections::HashSet;

    use super::super::make_pages;

    /// Fenced blocks of `pages`' bodies: (language, lines).
    fn blocks(n: usize) -> Vec<(String, Vec<String>)> {
        let mut out = Vec::new();
        for page in make_pages(n, 1) {
            let mut open: Option<(String, Vec<String>)> = None;
            for line in page.body.lines() {
                match (line.strip_prefix("```"), open.take()) {
                    (Some(lang), None) => open = Some((lang.to_string(), Vec::new())),
                    (Some(_), Some(block)) => out.push(block),
                    (None, Some((lang, mut lines))) => {
                        lines.push(line.to_string());
                        open = Some((lang, lines));
                    }
                    (None, None) => {}
                }
            }
            assert!(open.is_none(), "an unclosed fence in {}", page.slug);
        }
        out
    }

    /// The share of non-blank code lines that repeat an earlier line of the same language.
    fn repeated(blocks: &[(String, Vec<String>)]) -> f64 {
        let mut seen = HashSet::new();
        let (mut lines, mut repeats) = (0, 0);
        for (lang, block) in blocks {
            for line in block.iter().filter(|l| !l.trim().is_empty()) {
                lines += 1;
                if !seen.insert((lang, line)) {
                    repeats += 1;
                }
            }
        }
        repeats as f64 / lines as f64
    }

    #[test]
    fn code_repeats_about_as_often_as_the_corpora_at_their_size() {
        // gds-way (66 pages) repeats 22% of its code lines and defra (55 pages) 19%.
        let small = repeated(&blocks(60));
        assert!((0.12..0.30).contains(&small), "{small:.2} of lines repeat");
        // A larger site repeats more, as its boilerplate recurs, but most lines stay new.
        let large = repeated(&blocks(3000));
        assert!(small < large && large < 0.5, "{large:.2} of lines repeat");
    }

    #[test]
    fn every_language_is_used_and_every_block_has_one() {
        let blocks = blocks(300);
        assert_eq!(blocks.len(), 300);
        let langs: HashSet<&str> = blocks.iter().map(|(l, _)| l.as_str()).collect();
        let expected: HashSet<&str> = super::LANGUAGES.iter().map(|(l, ..)| *l).collect();
        assert_eq!(langs, expected);
        assert_eq!(
            super::LANGUAGES
                .iter()
                .map(|(_, share, _)| share)
                .sum::<usize>(),
            100
        );
        assert!(blocks.iter().all(|(_, lines)| lines.len() >= 4));
    }
}
