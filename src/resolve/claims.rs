//! URL ownership: every page, alias, taxonomy and generated page claims its output path,
//! and two claims on one path are an error naming both.

use std::collections::HashMap;
use std::ops::Range;

use crate::config::Config;
use crate::diagnostics::{Diagnostic, Diagnostics, FileId};
use crate::model::generated::{self, Wants};

use super::Site;

/// Who claims each output path, to report clashes.
#[derive(Default)]
pub(super) struct Claims {
    by_path: HashMap<String, (Option<FileId>, Range<usize>, String)>,
    /// Each claimed path by its lower-case form, for paths that differ only by case.
    by_folded: HashMap<String, String>,
}

impl Claims {
    pub(super) fn claim(
        &mut self,
        path: &str,
        file: Option<FileId>,
        span: Range<usize>,
        what: String,
        diags: &mut Diagnostics,
    ) -> bool {
        let clash = if let Some((other_file, other_span, other_what)) = self.by_path.get(path) {
            Some((
                Diagnostic::error(
                    "url/collision",
                    format!("two things would be written to `{path}`: {other_what} and {what}"),
                ),
                other_file,
                other_span,
                "also claims it",
            ))
        } else {
            self.by_folded
                .get(&path.to_lowercase())
                .and_then(|other| Some((other, self.by_path.get(other)?)))
                .map(|(other, (other_file, other_span, other_what))| {
                    (
                        Diagnostic::error(
                            "url/case-collision",
                            format!(
                                "`{path}` ({what}) and `{other}` ({other_what}) differ only by case: on a case-insensitive file system, as on Windows and macOS, one would overwrite the other"
                            ),
                        ),
                        other_file,
                        other_span,
                        "claims the other",
                    )
                })
        };
        if let Some((mut d, other_file, other_span, other_label)) = clash {
            d = d.help("rename one of the files, or give one a different `slug`");
            if let Some(f) = file {
                d = d.label(f, span, "claims this URL");
            }
            if let Some(f) = other_file {
                d = d.secondary(*f, other_span.clone(), other_label);
            }
            diags.push(d);
            return false;
        }
        let folded = path.to_lowercase();
        self.by_folded.insert(folded, path.to_string());
        self.by_path.insert(path.to_string(), (file, span, what));
        true
    }
}

impl Site {
    pub(super) fn check_page_paths(&mut self, claims: &mut Claims, diags: &mut Diagnostics) {
        for (i, p) in self.pages.iter().enumerate() {
            let span = p.slug.as_ref().map_or(0..0, |s| s.1.clone());
            claims.claim(
                &self.paths[i],
                Some(p.file),
                span,
                format!("page `{}`", p.rel),
                diags,
            );
        }
    }

    /// Plans the generated pages and claims their paths, then the folders' listing pages.
    pub(super) fn claim_generated(
        &mut self,
        config: &Config,
        templates: &[&str],
        claims: &mut Claims,
        diags: &mut Diagnostics,
    ) {
        let wants = Wants {
            search: config.search,
            reviews: config.has_reviews(),
            controls: config.control_field().is_some(),
            requirements: config.collections.values().any(|c| c.id_field.is_some()),
            compare: config
                .collections
                .values()
                .enumerate()
                .filter(|(_, c)| !c.compare.is_empty())
                .map(|(i, c)| (i, c.name.as_str(), self.collection_section_path(&c.name)))
                .collect(),
            templates: templates.to_vec(),
        };
        self.generated = generated::plan(&wants);
        for planned in &self.generated {
            claims.claim(
                &planned.path,
                config.file,
                0..0,
                planned.what.clone(),
                diags,
            );
        }
        // Sections claim their paths after taxonomies so a clash names the folder.
        for s in &self.sections {
            if s.index_page.is_none() {
                claims.claim(&s.path, None, 0..0, format!("folder `{}`", s.dir), diags);
            }
        }
    }

    pub(super) fn build_aliases(&mut self, claims: &mut Claims, diags: &mut Diagnostics) {
        for (i, p) in self.pages.iter().enumerate() {
            for (alias, span) in &p.aliases {
                let trimmed = alias.trim().trim_start_matches('/');
                let ok = !trimmed.is_empty()
                    && !trimmed.split('/').any(|s| s == ".." || s == ".")
                    && !trimmed.contains(['\\', '?', '#', '\0']);
                if !ok {
                    diags.push(
                        Diagnostic::error(
                            "schema/alias",
                            format!("alias `{alias}` is not a path inside the site"),
                        )
                        .label(p.file, span.clone(), "invalid alias")
                        .help("write an old path such as `/old/access-policy/`"),
                    );
                    continue;
                }
                let path = if trimmed.ends_with(".html") || trimmed.ends_with('/') {
                    format!("/{trimmed}")
                } else {
                    format!("/{trimmed}/")
                };
                if claims.claim(
                    &path,
                    Some(p.file),
                    span.clone(),
                    format!("an alias of `{}`", p.rel),
                    diags,
                ) {
                    self.aliases.push((path, i));
                }
            }
        }
    }
}
