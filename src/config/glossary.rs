//! The glossary: `[glossary]`, the folder of term pages and how they are used.

use indexmap::IndexMap;

use crate::diagnostics::{Diagnostic, Diagnostics, FileId};

use super::raw::RawGlossary;
use super::{Collection, Taxonomy};

/// The glossary: one Markdown file per term under `content/<dir>/`.
#[derive(Debug, Clone)]
pub struct GlossaryConfig {
    /// Folder under the content folder.
    pub dir: String,
    /// Title of the generated A-Z page.
    pub title: String,
    /// Link the first use of each term in each page to its definition.
    pub autolink: bool,
    /// Warn about `avoid` variants in prose.
    pub lint: bool,
}

/// `[glossary]`, with its defaults; its folder may not also be a collection or taxonomy.
pub(super) fn glossary(
    raw: Option<RawGlossary>,
    (collections, taxonomies): (&IndexMap<String, Collection>, &IndexMap<String, Taxonomy>),
    file: Option<FileId>,
    diags: &mut Diagnostics,
) -> Option<GlossaryConfig> {
    let glossary = raw.map(|g| GlossaryConfig {
        dir: g.dir.unwrap_or_else(|| "glossary".to_string()),
        title: g.title.unwrap_or_else(|| "Glossary".to_string()),
        autolink: g.autolink.unwrap_or(true),
        lint: g.lint.unwrap_or(true),
    });
    if let (Some(g), Some(file)) = (&glossary, file)
        && (collections.contains_key(&g.dir) || taxonomies.contains_key(&g.dir))
    {
        diags.push(
            Diagnostic::error(
                "config/glossary",
                format!(
                    "the glossary folder `{}` is also declared as a collection or taxonomy",
                    g.dir
                ),
            )
            .label(file, 0..0, "in this file")
            .help("give the glossary its own folder with `[glossary] dir = \"…\"`"),
        );
    }
    glossary
}
