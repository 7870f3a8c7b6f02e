//! `canon.toml` -> [`Config`]: the site's settings, collections with their front-matter
//! schemas, and taxonomies.
//!
//! Input: the site root (and the text of `canon.toml` when there is one). Output: a checked
//! [`Config`], or diagnostics pointing into `canon.toml`. Without a `canon.toml` every setting
//! takes its default, and the content folder is `content/` when the root has one, otherwise the
//! root itself, so any folder of Markdown builds.

use std::collections::BTreeSet;
use std::hash::{Hash, Hasher};
use std::path::{Path, PathBuf};

use indexmap::IndexMap;

use crate::diagnostics::{Diagnostic, Diagnostics, FileId};

mod fields;
mod glossary;
mod raw;
mod schema;
mod taxonomy;
mod urls;

pub use fields::toml_to_json;
pub use glossary::GlossaryConfig;
use raw::RawConfig;
pub use schema::{Collection, FieldKind, FieldSpec, Records};
pub use taxonomy::Taxonomy;
pub use urls::BrokenLinks;
use urls::normalize_base_url;

/// Name of the configuration file at the site root.
pub const CONFIG_FILE: &str = "canon.toml";

/// Front-matter fields every page may have, whatever its collection.
pub const COMMON_FIELDS: &[&str] = &[
    "title",
    "description",
    "date",
    "updated",
    "draft",
    "weight",
    "aliases",
    "slug",
    "template",
    "glossary_links",
];

/// The whole site configuration, checked.
#[derive(Debug, Clone)]
pub struct Config {
    /// The site root: where `canon.toml`, `themes/`, `templates/` and `static/` live.
    pub root: PathBuf,
    /// The id of `canon.toml` in the source map, when there is one.
    pub file: Option<FileId>,
    /// Site title.
    pub title: String,
    /// One-sentence description, used on the home page and in meta tags.
    pub description: String,
    /// Where the site is published, always ending in `/` (`https://example.org/standards/`).
    /// `/` when not set.
    pub base_url: String,
    /// The path part of `base_url`, starting and ending with `/`.
    pub base_path: String,
    /// BCP 47 language tag for `<html lang>`.
    pub language: String,
    /// Theme name: `themes/<name>/` under the root, or the built-in `default`.
    pub theme: String,
    /// The content folder.
    pub content_dir: PathBuf,
    /// The output folder.
    pub output_dir: PathBuf,
    /// Links to folders name their `index.html`, so the output can be browsed from disk.
    pub index_links: bool,
    /// Number of entries in the Atom feed.
    pub feed_limit: usize,
    /// Declared collections, in declaration order.
    pub collections: IndexMap<String, Collection>,
    /// Declared taxonomies, in declaration order.
    pub taxonomies: IndexMap<String, Taxonomy>,
    /// Whether a broken internal link is an error or a warning.
    pub broken_links: BrokenLinks,
    /// The glossary, when the site has one.
    pub glossary: Option<GlossaryConfig>,
    /// Build the search index and show the search box.
    pub search: bool,
    /// Keep raw HTML written in Markdown (`markdown.raw_html`); when false it is stripped.
    pub raw_html: bool,
    /// A hash of what this configuration was made from: the root, the text of `canon.toml`
    /// and the overrides applied to it. Equal keys mean equal configurations.
    key: u64,
}

/// The configuration of a root without `canon.toml`: every setting takes its default, and the
/// content folder is `content/` when the root has one (`content_folder`), otherwise the root.
pub fn without_file(root: &Path, content_folder: bool) -> Config {
    let key = source_key(root, None, content_folder);
    defaults(
        root,
        None,
        RawConfig::default(),
        content_folder,
        key,
        &mut Diagnostics::default(),
    )
}

/// What a configuration is made from, hashed.
fn source_key(root: &Path, text: Option<&str>, content_folder: bool) -> u64 {
    let mut h = std::hash::DefaultHasher::new();
    (root, text, content_folder).hash(&mut h);
    h.finish()
}

/// Checks the text of a `canon.toml` already in the source map. `None` when it has errors;
/// they are in `diags`.
pub fn parse(root: &Path, file: FileId, text: &str, diags: &mut Diagnostics) -> Option<Config> {
    let raw: RawConfig = match toml::from_str(text) {
        Ok(raw) => raw,
        Err(e) => {
            let span = e.span().unwrap_or(0..0);
            let message = e
                .message()
                .lines()
                .next()
                .unwrap_or("invalid canon.toml")
                .to_string();
            let mut d = Diagnostic::error("config/syntax", format!("canon.toml: {message}"))
                .label(file, span, "here");
            if message.contains("unknown field") {
                d = d.help("see the README's list of canon.toml keys");
            }
            diags.push(d);
            return None;
        }
    };
    let before = diags.errors();
    let key = source_key(root, Some(text), false);
    let config = defaults(root, Some(file), raw, false, key, diags);
    (diags.errors() == before).then_some(config)
}

fn defaults(
    root: &Path,
    file: Option<FileId>,
    raw: RawConfig,
    content_folder: bool,
    key: u64,
    diags: &mut Diagnostics,
) -> Config {
    let content_dir = match &raw.content_dir {
        Some(dir) => root.join(dir),
        // With a `canon.toml`, pages are under `content/`; without, a folder of Markdown
        // builds as it is unless it has a `content/` folder.
        None if file.is_some() || content_folder => root.join("content"),
        None => root.to_path_buf(),
    };
    let output_dir = root.join(raw.output_dir.as_deref().unwrap_or("public"));
    let (base_url, base_path) = urls::base_url(raw.base_url.as_ref(), file, diags);
    let title = raw.title.unwrap_or_else(|| {
        root.canonicalize()
            .ok()
            .and_then(|p| p.file_name().map(|n| n.to_string_lossy().into_owned()))
            .unwrap_or_else(|| "Site".to_string())
    });
    let collections = schema::collections(raw.collections, file, diags);
    let taxonomies = taxonomy::taxonomies(raw.taxonomies, &collections, file, diags);
    let broken_links = urls::broken_links(raw.broken_links.as_ref(), file, diags);
    let glossary = glossary::glossary(raw.glossary, (&collections, &taxonomies), file, diags);
    Config {
        root: root.to_path_buf(),
        file,
        title,
        description: raw.description.unwrap_or_default(),
        base_url,
        base_path,
        language: raw.language.unwrap_or_else(|| "en".to_string()),
        theme: raw.theme.unwrap_or_else(|| "default".to_string()),
        content_dir,
        output_dir,
        index_links: raw.index_links.unwrap_or(false),
        feed_limit: raw.feed_limit.unwrap_or(20),
        collections,
        taxonomies,
        broken_links,
        glossary,
        search: raw.search.unwrap_or(true),
        raw_html: raw.markdown.and_then(|m| m.raw_html).unwrap_or(true),
        key,
    }
}

/// Settings given on the command line in place of `canon.toml`'s.
#[derive(Debug, Clone, Default, Hash)]
pub struct Overrides {
    /// `--base-url`.
    pub base_url: Option<String>,
    /// `--output`.
    pub output_dir: Option<PathBuf>,
    /// `--index-links` (only turns them on).
    pub index_links: bool,
    /// `--broken-links`.
    pub broken_links: Option<BrokenLinks>,
}

impl Config {
    /// Applies command-line settings; the key changes with them.
    pub fn apply(&mut self, overrides: &Overrides) -> Result<(), String> {
        if let Some(url) = &overrides.base_url {
            let (u, p) = normalize_base_url(url).map_err(|why| format!("--base-url {why}"))?;
            self.base_url = u;
            self.base_path = p;
        }
        if let Some(out) = &overrides.output_dir {
            self.output_dir = out.clone();
        }
        self.index_links |= overrides.index_links;
        if let Some(b) = overrides.broken_links {
            self.broken_links = b;
        }
        let mut h = std::hash::DefaultHasher::new();
        (self.key, overrides).hash(&mut h);
        self.key = h.finish();
        Ok(())
    }

    /// A hash of what this configuration was made from (see the field).
    pub fn key(&self) -> u64 {
        self.key
    }

    /// An absolute URL for a site path (`/standards/x/` -> `https://example.org/standards/x/`).
    /// With no base URL set, the site path under the base path.
    pub fn absolute_url(&self, site_path: &str) -> String {
        format!("{}{}", self.base_url, site_path.trim_start_matches('/'))
    }

    /// A site path under the base path (`/standards/x/` -> `/docs/standards/x/`).
    pub fn rooted(&self, site_path: &str) -> String {
        format!("{}{}", self.base_path, site_path.trim_start_matches('/'))
    }

    /// Whether `base_url` names a host (so sitemap and feed URLs are absolute).
    pub fn has_host(&self) -> bool {
        self.base_url.starts_with("http")
    }

    /// The declared collection of this name, if any (for `page.collection`).
    pub fn collection_named(&self, name: Option<&str>) -> Option<&Collection> {
        name.and_then(|n| self.collections.get(n))
    }

    /// The collection and field mapping pages to ISO/IEC 27001 controls, if any.
    pub fn control_field(&self) -> Option<(&Collection, &str)> {
        self.collections.values().find_map(|c| {
            c.fields
                .iter()
                .find(|(_, f)| f.vocabulary.as_deref() == Some(crate::controls::ISO27001))
                .map(|(n, _)| (c, n.as_str()))
        })
    }

    /// Whether any collection declares a `review_due` date, so the site has a reviews page.
    pub fn has_reviews(&self) -> bool {
        self.collections.values().any(|c| {
            c.fields
                .get(crate::model::fields::REVIEW_DUE)
                .is_some_and(|f| f.kind == FieldKind::Date)
        })
    }

    /// The collection a content-relative path falls in (its first folder).
    pub fn collection_of(&self, rel: &str) -> Option<&Collection> {
        let first = rel.split('/').next()?;
        if first == rel {
            return None;
        }
        self.collections.get(first)
    }

    /// Every front-matter key a page of `collection` may have.
    pub fn known_fields<'a>(&'a self, collection: Option<&'a Collection>) -> BTreeSet<&'a str> {
        let mut known: BTreeSet<&str> = COMMON_FIELDS.iter().copied().collect();
        known.extend(self.taxonomies.keys().map(String::as_str));
        if let Some(c) = collection {
            known.extend(c.fields.keys().map(String::as_str));
        }
        known
    }
}

/// Checks a name used as one URL segment.
pub fn check_segment(name: &str) -> Result<(), &'static str> {
    if name.is_empty() {
        return Err("is empty");
    }
    if name == "."
        || name == ".."
        || name.contains(['/', '\\', '?', '#', '%', '\0'])
        || name.chars().any(char::is_whitespace)
    {
        return Err("must be one URL segment: no `/`, `\\`, `..`, `?`, `#`, `%` or spaces");
    }
    Ok(())
}

/// `last_reviewed` -> `Last reviewed`.
pub fn sentence_case(name: &str) -> String {
    let words = name.replace(['_', '-'], " ");
    let mut chars = words.chars();
    match chars.next() {
        Some(c) => c.to_uppercase().chain(chars).collect(),
        None => String::new(),
    }
}

/// A path as shown in diagnostics: relative to the current directory when it is under it.
pub fn display_name(path: &Path) -> String {
    // Read once: the process never changes its working folder.
    static CWD: std::sync::OnceLock<Option<PathBuf>> = std::sync::OnceLock::new();
    let cwd = CWD.get_or_init(|| std::env::current_dir().ok());
    let abs = if path.is_absolute() {
        path.to_path_buf()
    } else {
        cwd.as_deref()
            .map(|c| c.join(path))
            .unwrap_or_else(|| path.to_path_buf())
    };
    if let Some(rel) = cwd.as_deref().and_then(|c| abs.strip_prefix(c).ok()) {
        return rel.to_string_lossy().replace('\\', "/");
    }
    path.to_string_lossy().replace('\\', "/")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::diagnostics::SourceMap;
    use std::sync::Arc;

    fn parse_str(text: &str) -> (Option<Config>, Diagnostics, SourceMap) {
        let mut sources = SourceMap::default();
        let mut diags = Diagnostics::default();
        let id = sources.add("canon.toml", Arc::from(text));
        let c = parse(Path::new("/site"), id, text, &mut diags);
        (c, diags, sources)
    }

    #[test]
    fn reads_collections_fields_and_taxonomies_in_order() {
        let (c, diags, _) = parse_str(
            r#"
title = "Standards"
base_url = "https://example.org/standards"
[collections.standards]
id_field = "id"
[collections.standards.fields]
id = { type = "string", required = true }
status = { type = "enum", values = ["draft", "active"], default = "draft" }
owner = { type = "string" }
[taxonomies.audience]
terms = ["Clinicians"]
"#,
        );
        assert_eq!(diags.len(), 0, "{diags:?}");
        let c = c.expect("config");
        assert_eq!(c.base_url, "https://example.org/standards/");
        assert_eq!(c.base_path, "/standards/");
        let s = &c.collections["standards"];
        assert_eq!(
            s.fields.keys().collect::<Vec<_>>(),
            ["id", "status", "owner"]
        );
        assert_eq!(
            s.fields["status"].kind,
            FieldKind::Enum(vec!["draft".into(), "active".into()])
        );
        assert_eq!(s.fields["status"].default, Some(serde_json::json!("draft")));
        assert_eq!(c.taxonomies["audience"].title, "Audience");
        assert_eq!(c.absolute_url("/a/"), "https://example.org/standards/a/");
    }

    #[test]
    fn reports_bad_types_with_location_and_suggestion() {
        let text = "[collections.methods.fields]\nphase = { type = \"strng\" }\n";
        let (c, diags, sources) = parse_str(text);
        assert!(c.is_none());
        let out = crate::diagnostics::render::render_all(
            &diags,
            &sources,
            crate::diagnostics::render::Style::Short,
        );
        assert!(
            out.contains("canon.toml:2:18: error[config/field]"),
            "{out}"
        );
        assert!(out.contains("did you mean `string`?"), "{out}");
    }

    #[test]
    fn reports_unknown_keys_and_bad_base_url() {
        let (c, diags, sources) = parse_str("titel = \"x\"\n");
        assert!(c.is_none());
        let out = crate::diagnostics::render::render_all(
            &diags,
            &sources,
            crate::diagnostics::render::Style::Short,
        );
        assert!(
            out.contains("canon.toml:1:1: error[config/syntax]"),
            "{out}"
        );
        let (c, diags, _) = parse_str("base_url = \"ftp://x\"\n");
        assert!(c.is_none());
        assert_eq!(diags.errors(), 1);
    }

    #[test]
    fn vocabularies_are_checked() {
        let (c, _, _) = parse_str(
            "[collections.s.fields]\nc = { type = \"list\", vocabulary = \"iso27001\" }\n",
        );
        assert_eq!(
            c.expect("valid").collections["s"].fields["c"]
                .vocabulary
                .as_deref(),
            Some("iso27001")
        );
        let (c, diags, _) =
            parse_str("[collections.s.fields]\nc = { type = \"list\", vocabulary = \"nist\" }\n");
        assert!(c.is_none());
        assert!(
            diags
                .iter()
                .any(|d| d.message.contains("unknown vocabulary `nist`"))
        );
        let (c, _, _) = parse_str(
            "[collections.s.fields]\nc = { type = \"date\", vocabulary = \"iso27001\" }\n",
        );
        assert!(c.is_none());
    }

    #[test]
    fn taxonomy_may_not_shadow_a_field() {
        let (c, diags, _) = parse_str(
            "[collections.s.fields]\nstatus = { type = \"string\" }\n[taxonomies.status]\n",
        );
        assert!(c.is_none());
        assert!(diags.iter().any(|d| d.code == "config/taxonomy"));
    }
}
