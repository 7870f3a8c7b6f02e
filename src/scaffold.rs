//! `canon init` and `canon new`: start a site, add a page with its front matter filled in.

use std::fmt::Write as _;
use std::fs;
use std::path::Path;

use anyhow::{Context as _, bail};

use crate::config::{self, FieldKind, check_segment};
use crate::diagnostics::{Diagnostics, SourceMap, did_you_mean};

/// The `canon.toml` of a new site: the three collections with their schemas.
pub const INIT_CONFIG: &str = include_str!("scaffold/canon.toml");

const INIT_PAGES: &[(&str, &str)] = &[
    ("content/_index.md", include_str!("scaffold/_index.md")),
    (
        "content/methods/_index.md",
        include_str!("scaffold/methods/_index.md"),
    ),
    (
        "content/methods/agile-delivery.md",
        include_str!("scaffold/methods/agile-delivery.md"),
    ),
    (
        "content/standards/_index.md",
        include_str!("scaffold/standards/_index.md"),
    ),
    (
        "content/standards/access-control.md",
        include_str!("scaffold/standards/access-control.md"),
    ),
    (
        "content/modules/_index.md",
        include_str!("scaffold/modules/_index.md"),
    ),
    (
        "content/modules/spotting-phishing.md",
        include_str!("scaffold/modules/spotting-phishing.md"),
    ),
];

/// Creates a new site in `dir`.
pub fn init(dir: &Path) -> anyhow::Result<String> {
    if dir.exists()
        && fs::read_dir(dir)
            .with_context(|| format!("failed to read `{}`", dir.display()))?
            .next()
            .is_some()
    {
        bail!(
            "`{}` is not empty: canon init creates a new site in an empty or new folder",
            dir.display()
        );
    }
    fs::create_dir_all(dir).with_context(|| format!("failed to create `{}`", dir.display()))?;
    write_new(&dir.join("canon.toml"), INIT_CONFIG)?;
    for (rel, text) in INIT_PAGES {
        write_new(&dir.join(rel), text)?;
    }
    for d in ["templates", "static"] {
        fs::create_dir_all(dir.join(d))
            .with_context(|| format!("failed to create `{}`", dir.join(d).display()))?;
    }
    Ok(format!(
        "canon: created a new site in {d}\n  build it:  canon build --root {d}\n  add pages: canon new standards backup --root {d}\n  It uses the built-in default theme; a template of the same name in {d}/templates/ replaces the theme's.",
        d = dir.display()
    ))
}

fn write_new(path: &Path, text: &str) -> anyhow::Result<()> {
    if let Some(parent) = path.parent() {
        fs::create_dir_all(parent)
            .with_context(|| format!("failed to create `{}`", parent.display()))?;
    }
    fs::write(path, text).with_context(|| format!("failed to write `{}`", path.display()))
}

/// Creates `content/<collection>/<slug>.md` with the collection's required fields.
pub fn new_page(root: &Path, collection: &str, slug: &str) -> anyhow::Result<String> {
    let mut sources = SourceMap::default();
    let mut diags = Diagnostics::default();
    let Some(config) = crate::load::config(root, &mut sources, &mut diags)? else {
        let text = crate::diagnostics::render::render_all(
            &diags,
            &sources,
            crate::diagnostics::render::Style::Short,
        );
        bail!("canon.toml has errors:\n{text}");
    };
    let Some(c) = config.collections.get(collection) else {
        let near = did_you_mean(collection, config.collections.keys().map(String::as_str));
        let known: Vec<&str> = config.collections.keys().map(String::as_str).collect();
        bail!(
            "there is no collection `{collection}`{}; declared: {}",
            near.map(|n| format!(" (did you mean `{n}`?)"))
                .unwrap_or_default(),
            if known.is_empty() {
                "none".to_string()
            } else {
                known.join(", ")
            }
        );
    };
    if let Err(why) = check_segment(slug) {
        bail!("slug `{slug}` {why}");
    }
    let path = config
        .content_dir
        .join(collection)
        .join(format!("{slug}.md"));
    if path.exists() {
        bail!("`{}` already exists", path.display());
    }
    let fm = front_matter(&config, c, slug);
    write_new(&path, &fm)?;
    Ok(format!("canon: created {}", path.display()))
}

/// A new page's front matter: the title, every field of the collection (required ones
/// filled with a placeholder, the others commented out) and each taxonomy, commented out.
fn front_matter(config: &config::Config, c: &config::Collection, slug: &str) -> String {
    let today = crate::model::mode::BuildMode::current_day().to_string();
    let mut fm = String::from("---\n");
    let _ = writeln!(fm, "title: {}", yaml_str(&config::sentence_case(slug)));
    let _ = writeln!(fm, "description: \"\"");
    for (name, spec) in &c.fields {
        let value = match &spec.kind {
            FieldKind::Enum(values) => spec
                .default
                .as_ref()
                .and_then(|d| d.as_str().map(str::to_string))
                .or_else(|| values.first().cloned())
                .unwrap_or_default(),
            FieldKind::Date => today.clone(),
            FieldKind::Boolean => "false".into(),
            FieldKind::Integer => "0".into(),
            FieldKind::List => "[]".into(),
            FieldKind::Reference { .. } | FieldKind::References { .. } => {
                let empty = if matches!(spec.kind, FieldKind::Reference { .. }) {
                    "\"\""
                } else {
                    "[]"
                };
                let prefix = if spec.required { "" } else { "# " };
                let _ = writeln!(
                    fm,
                    "{prefix}{name}: {empty} # pages by id or by path under content/"
                );
                continue;
            }
            FieldKind::String | FieldKind::Text => "TODO".into(),
            FieldKind::Records(r) => {
                example_record(&mut fm, name, spec.required, r, &today);
                continue;
            }
        };
        if spec.required {
            let value = if matches!(spec.kind, FieldKind::String | FieldKind::Text) {
                yaml_str(&value)
            } else {
                value
            };
            let _ = writeln!(fm, "{name}: {value}");
        } else {
            let _ = writeln!(fm, "# {name}: {value}");
        }
    }
    for (name, tax) in &config.taxonomies {
        match tax.terms.as_ref().and_then(|t| t.first()) {
            Some(first) => {
                let _ = writeln!(fm, "# {name}: [{}]", yaml_str(first));
            }
            None => {
                let _ = writeln!(fm, "# {name}: []");
            }
        }
    }
    fm.push_str("---\n\nWrite the page here.\n");
    fm
}

/// One example record, commented out unless the field is required.
fn example_record(fm: &mut String, name: &str, required: bool, r: &config::Records, today: &str) {
    let prefix = if required { "" } else { "# " };
    let _ = writeln!(fm, "{prefix}{name}:");
    for (k, (sub, s)) in r.fields.iter().enumerate() {
        let value = match &s.kind {
            FieldKind::Enum(values) => values.first().cloned().unwrap_or_default(),
            FieldKind::Date => today.to_string(),
            FieldKind::Boolean => "false".into(),
            FieldKind::Integer => "0".into(),
            FieldKind::List => "[]".into(),
            _ => "TODO".into(),
        };
        let lead = if k == 0 { "  - " } else { "    " };
        let optional = if s.required || k == 0 { "" } else { "# " };
        let _ = writeln!(fm, "{prefix}{lead}{optional}{sub}: {value}");
    }
}

fn yaml_str(s: &str) -> String {
    format!("\"{}\"", s.replace('\\', "\\\\").replace('"', "\\\""))
}
