//! Sections: every folder of the content, its index page and its pages in order, and each
//! page's neighbours.

use std::collections::{BTreeMap, HashMap};

use crate::config::Config;
use crate::model::paths::{link_key, parent_dir};

use super::{Section, SectionKind, Site};

impl Site {
    /// Every folder holding a page, and every ancestor of one, as a section with its index
    /// page, pages and subsections in listing order; and each page's section.
    pub(super) fn build_sections(&mut self, config: &Config) {
        let mut dirs: BTreeMap<String, ()> = BTreeMap::new();
        dirs.insert(String::new(), ());
        for p in &self.pages {
            let mut dir = parent_dir(&p.rel).to_string();
            while !dir.is_empty() {
                dirs.insert(dir.clone(), ());
                let trimmed = dir.trim_end_matches('/');
                dir = parent_dir(trimmed).to_string();
            }
        }
        let index_of_dir = self.make_sections(config, dirs.keys());
        for i in 0..self.pages.len() {
            let rel = &self.pages[i].rel;
            let dir = if self.is_index[i] {
                // An index page belongs to its own folder's section, found by path.
                self.sections
                    .iter()
                    .position(|s| s.index_page == Some(i))
                    .map(|s| self.sections[s].dir.clone())
            } else {
                None
            };
            let dir = dir.unwrap_or_else(|| parent_dir(rel).to_string());
            let s = index_of_dir.get(&dir).copied().unwrap_or(0);
            self.section_of[i] = s;
            if !self.is_index[i] {
                self.sections[s].pages.push(i);
            }
        }
        for s in 1..self.sections.len() {
            let dir = self.sections[s].dir.trim_end_matches('/').to_string();
            let parent = parent_dir(&dir).to_string();
            if let Some(&p) = index_of_dir.get(&parent) {
                self.sections[p].subsections.push(s);
            }
        }
        let pages = &self.pages;
        let titles: Vec<String> = self.sections.iter().map(|s| s.title.clone()).collect();
        // Listing order: weight, then title, then source path (the order of `pages`).
        let rank = &self.title_rank;
        for s in &mut self.sections {
            s.pages
                .sort_unstable_by_key(|&a| (pages[a].weight, rank[a]));
            s.subsections
                .sort_by_cached_key(|&a| titles[a].to_lowercase());
        }
    }

    /// One section per folder, with its kind, title and index page; returns each folder's
    /// section.
    fn make_sections<'d>(
        &mut self,
        config: &Config,
        dirs: impl Iterator<Item = &'d String>,
    ) -> HashMap<String, usize> {
        let path_to_page: HashMap<&str, usize> = self
            .paths
            .iter()
            .enumerate()
            .map(|(i, p)| (p.as_str(), i))
            .collect();
        let mut index_of_dir: HashMap<String, usize> = HashMap::new();
        for dir in dirs {
            let path = format!("/{}", dir.replace(' ', "-"));
            let index_page = path_to_page.get(path.as_str()).copied();
            let top = dir.split('/').next().unwrap_or("");
            let collection = config.collections.get(top).map(|c| c.name.clone());
            let kind = if dir.is_empty() {
                SectionKind::Home
            } else if collection.is_some() && dir.trim_end_matches('/') == top {
                SectionKind::Collection
            } else {
                SectionKind::Folder
            };
            let title = match (kind, index_page) {
                (SectionKind::Home, _) => config.title.clone(),
                (SectionKind::Collection, _) => config.collections[top].title.clone(),
                (_, Some(i)) => self.pages[i].title.clone(),
                (_, None) => crate::config::sentence_case(
                    dir.trim_end_matches('/').rsplit('/').next().unwrap_or(""),
                ),
            };
            if let Some(i) = index_page {
                self.is_index[i] = true;
            }
            index_of_dir.insert(dir.clone(), self.sections.len());
            self.sections.push(Section {
                dir: dir.clone(),
                path,
                title,
                kind,
                collection,
                index_page,
                pages: Vec::new(),
                subsections: Vec::new(),
            });
        }
        index_of_dir
    }

    pub(super) fn build_keys(&mut self) {
        for (i, p) in self.pages.iter().enumerate() {
            self.keys.insert(link_key(&p.rel), i);
        }
        for (i, path) in self.paths.iter().enumerate() {
            self.keys.entry(link_key(path)).or_insert(i);
        }
        for (s, sec) in self.sections.iter().enumerate() {
            if sec.index_page.is_none() {
                self.section_keys.insert(link_key(&sec.dir), s);
                self.section_keys.insert(link_key(&sec.path), s);
            }
        }
    }

    pub(super) fn build_prev_next(&mut self, config: &Config) {
        for name in config.collections.keys() {
            let mut members: Vec<usize> = (0..self.pages.len())
                .filter(|&i| !self.is_index[i] && self.pages[i].collection.as_deref() == Some(name))
                .collect();
            // Listing order, as in sections.
            members.sort_unstable_by_key(|&a| (self.pages[a].weight, self.title_rank[a]));
            for (k, &i) in members.iter().enumerate() {
                let prev = k.checked_sub(1).map(|k| members[k]);
                let next = members.get(k + 1).copied();
                self.prev_next[i] = (prev, next);
            }
        }
    }
}
