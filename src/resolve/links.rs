//! Links written in pages: a Markdown link's target resolved to a page (by source path,
//! output path, or the form a migrated site used), a file, a draft left out, or nothing.

use crate::diagnostics::did_you_mean;
use crate::model::paths::{join_relative, link_key, parent_dir};

use super::{LinkTarget, Site};

impl Site {
    /// Where a link written in page `from` leads.
    pub fn resolve_link(&self, from: usize, href: &str, base_path: &str) -> LinkTarget {
        let href = href.trim();
        if href.is_empty() {
            return LinkTarget::SamePage(String::new());
        }
        if let Some(frag) = href.strip_prefix('#') {
            return LinkTarget::SamePage(frag.to_string());
        }
        if let Some(reference) = href.strip_prefix("ref:") {
            let (id, fragment) = match reference.split_once('#') {
                Some((id, f)) => (id, Some(f.to_string())),
                None => (reference, None),
            };
            return match self.ids.get(id) {
                Some(&i) => LinkTarget::Page {
                    path: self.paths[i].clone(),
                    page: Some(i),
                    fragment,
                },
                None => match self.draft_ids.get(id) {
                    Some(rel) => LinkTarget::Draft(rel.clone()),
                    None => LinkTarget::Unresolved {
                        near: did_you_mean(id, self.ids.keys().map(String::as_str))
                            .map(|n| format!("ref:{n}")),
                    },
                },
            };
        }
        if href.starts_with("//") || has_scheme(href) {
            return LinkTarget::External;
        }
        let (path, fragment) = match href.split_once('#') {
            Some((p, f)) => (p, Some(f.to_string())),
            None => (href, None),
        };
        let path = path.split_once('?').map_or(path, |(p, _)| p);
        let decoded = percent_decode(path);
        let rel = if let Some(rest) = decoded.strip_prefix("@/") {
            Some(rest.to_string())
        } else if decoded.starts_with('/') {
            let rest = decoded
                .strip_prefix(base_path)
                .or_else(|| decoded.strip_prefix('/'))
                .unwrap_or(&decoded);
            Some(rest.to_string())
        } else {
            // Relative to the source file's folder, as on a code host.
            join_relative(parent_dir(&self.pages[from].rel), &decoded)
        };
        let Some(rel) = rel else {
            return LinkTarget::Unresolved { near: None };
        };
        let found = self.lookup(&rel, fragment.clone());
        if !matches!(found, LinkTarget::Unresolved { .. }) || !decoded.starts_with('/') {
            return found;
        }
        // A root-absolute link in a site whose pages live under one folder of the content
        // root (`source/`, `docs/`) is written against that folder: try it there too.
        match self.pages[from].rel.split_once('/') {
            Some((top, _)) => match self.lookup(&format!("{top}/{rel}"), fragment) {
                LinkTarget::Unresolved { .. } => found,
                other => other,
            },
            None => found,
        }
    }

    pub(super) fn lookup(&self, rel: &str, fragment: Option<String>) -> LinkTarget {
        if self.assets.contains(rel.trim_end_matches('/')) {
            return LinkTarget::Asset(format!("/{}", rel.trim_end_matches('/')));
        }
        let key = link_key(rel);
        if let Some(&i) = self.keys.get(&key) {
            // A glossary entry lives at its anchor on the A-Z page.
            if let Some(g) = &self.glossary
                && let Some(e) = g.entries.iter().find(|e| e.page == i)
            {
                return LinkTarget::Page {
                    path: g.path.clone(),
                    page: None,
                    fragment: fragment.or(Some(e.id.clone())),
                };
            }
            return LinkTarget::Page {
                path: self.paths[i].clone(),
                page: Some(i),
                fragment,
            };
        }
        if let Some(&s) = self.section_keys.get(&key) {
            return LinkTarget::Page {
                path: self.sections[s].path.clone(),
                page: None,
                fragment,
            };
        }
        for t in &self.taxonomies {
            if link_key(&t.path) == key {
                return LinkTarget::Page {
                    path: t.path.clone(),
                    page: None,
                    fragment,
                };
            }
            if let Some(term) = t.terms.iter().find(|term| link_key(&term.path) == key) {
                return LinkTarget::Page {
                    path: term.path.clone(),
                    page: None,
                    fragment,
                };
            }
        }
        if let Some(rel) = self.drafts.get(&key) {
            return LinkTarget::Draft(rel.clone());
        }
        let near = did_you_mean(&key, self.keys.keys().map(String::as_str)).map(str::to_string);
        LinkTarget::Unresolved { near }
    }
}

/// Whether a link starts with a URL scheme (`https:`, `mailto:` …).
pub fn has_scheme(href: &str) -> bool {
    match href.find(':') {
        Some(i) if i > 0 => {
            let scheme = &href[..i];
            scheme
                .chars()
                .next()
                .is_some_and(|c| c.is_ascii_alphabetic())
                && scheme
                    .chars()
                    .all(|c| c.is_ascii_alphanumeric() || matches!(c, '+' | '-' | '.'))
                && !href[..i].contains('/')
        }
        _ => false,
    }
}

/// Decodes `%XX` escapes (leaving invalid ones as written).
pub fn percent_decode(s: &str) -> String {
    // Most links have no escapes: every link of every page is decoded for the link check.
    if !s.contains('%') {
        return s.to_string();
    }
    let bytes = s.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%'
            && i + 2 < bytes.len()
            && let (Some(h), Some(l)) = (hex(bytes[i + 1]), hex(bytes[i + 2]))
        {
            out.push(h * 16 + l);
            i += 3;
            continue;
        }
        out.push(bytes[i]);
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

pub(super) fn hex(b: u8) -> Option<u8> {
    (b as char).to_digit(16).map(|d| d as u8)
}
