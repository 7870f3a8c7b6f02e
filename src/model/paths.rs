//! Page URLs, heading ids and the keys by which links find pages: the naming rules every
//! stage shares.

/// Suffixes that mark a Markdown source, longest first.
const SOURCE_SUFFIXES: &[&str] = &[".html.md.erb", ".md.erb", ".markdown", ".md"];

/// File stems that make a page its folder's index.
pub fn is_index_stem(stem: &str) -> bool {
    matches!(stem, "_index" | "index") || stem.eq_ignore_ascii_case("readme")
}

/// Whether a content path is a folder index (`_index`, `index`, `README`).
pub fn is_index_file(rel: &str) -> bool {
    let name = rel.rsplit('/').next().unwrap_or(rel);
    is_index_stem(strip_source_suffix(name))
}

/// Whether an ERB tag is the Tech Docs title idiom (`<%= current_page.data.title %>`).
pub fn is_title_tag(tag: &str) -> bool {
    let inner = tag.trim_start_matches("<%=").trim_end_matches("%>").trim();
    tag.starts_with("<%=") && inner == "current_page.data.title"
}

/// A heading id as GitHub makes it: lower case, spaces to `-`, punctuation dropped.
pub fn heading_id(text: &str) -> String {
    let id: String = text
        .trim()
        .chars()
        .flat_map(char::to_lowercase)
        .filter_map(|c| match c {
            ' ' => Some('-'),
            c if c.is_alphanumeric() || c == '-' || c == '_' => Some(c),
            _ => None,
        })
        .collect();
    if id.is_empty() {
        "section".to_string()
    } else {
        id
    }
}

/// Strips the source suffix: `standards/x.html.md.erb` -> `standards/x`.
pub fn strip_source_suffix(rel: &str) -> &str {
    for s in SOURCE_SUFFIXES {
        if let Some(stem) = rel.strip_suffix(s) {
            return stem;
        }
    }
    rel
}

/// The folder part of a content path, with a trailing `/` (or empty at the root).
pub fn parent_dir(rel: &str) -> &str {
    match rel.rfind('/') {
        Some(i) => &rel[..=i],
        None => "",
    }
}

/// The site path of a page: `standards/access-control.md` -> `/standards/access-control/`;
/// folder indexes (`_index`, `index`, `README`) take their folder's path. `slug` replaces the
/// last segment. Spaces in file names become `-`.
pub fn page_path(rel: &str, slug: Option<&str>) -> String {
    let stem = strip_source_suffix(rel);
    let (dir, name) = match stem.rfind('/') {
        Some(i) => (&stem[..=i], &stem[i + 1..]),
        None => ("", stem),
    };
    let dir = dir.replace(' ', "-");
    if is_index_stem(name) {
        return format!("/{dir}");
    }
    let name = slug.unwrap_or(name).replace(' ', "-");
    format!("/{dir}{name}/")
}

/// The key under which a link target is looked up: a content path without its source or
/// `.html` suffix, trailing `/` or index name. `standards/x.html`, `standards/x.md`,
/// `standards/x/` and `standards/x.html.md.erb` all give `standards/x`; `guides/README.md`,
/// `guides/index.html` and `guides/` all give `guides`.
pub fn link_key(path: &str) -> String {
    let mut p = path.trim_matches('/');
    p = strip_source_suffix(p);
    p = p.strip_suffix(".html").unwrap_or(p);
    let (dir, name) = match p.rfind('/') {
        Some(i) => (&p[..i], &p[i + 1..]),
        None => ("", p),
    };
    if is_index_stem(name) {
        return dir.to_string();
    }
    p.to_string()
}

/// Joins a relative link onto a folder and removes `.` and `..`. Returns `None` when the
/// path climbs above the content root.
pub fn join_relative(dir: &str, link: &str) -> Option<String> {
    let mut parts: Vec<&str> = dir.split('/').filter(|s| !s.is_empty()).collect();
    for seg in link.split('/') {
        match seg {
            "" | "." => {}
            ".." => {
                parts.pop()?;
            }
            s => parts.push(s),
        }
    }
    let mut out = parts.join("/");
    if link.ends_with('/') && !out.is_empty() {
        out.push('/');
    }
    Some(out)
}

/// A URL-safe slug for a taxonomy term or heading: lower case, letters and digits kept,
/// everything else folded into single `-`.
pub fn slugify(text: &str) -> String {
    let mut out = String::new();
    let mut dash = false;
    for c in text.chars() {
        if c.is_alphanumeric() {
            if dash && !out.is_empty() {
                out.push('-');
            }
            dash = false;
            out.extend(c.to_lowercase());
        } else {
            dash = true;
        }
    }
    if out.is_empty() {
        out.push('-');
    }
    out
}

/// Percent-encodes what may not appear raw in an `href` path.
pub fn encode_path(path: &str) -> String {
    let mut out = String::with_capacity(path.len());
    for c in path.chars() {
        match c {
            ' ' => out.push_str("%20"),
            '"' => out.push_str("%22"),
            '<' => out.push_str("%3C"),
            '>' => out.push_str("%3E"),
            '\\' => out.push_str("%5C"),
            c => out.push(c),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn page_paths() {
        assert_eq!(
            page_path("standards/access-control.md", None),
            "/standards/access-control/"
        );
        assert_eq!(page_path("standards/_index.md", None), "/standards/");
        assert_eq!(page_path("guides/README.md", None), "/guides/");
        assert_eq!(page_path("README.md", None), "/");
        assert_eq!(
            page_path("manuals/python.html.md.erb", None),
            "/manuals/python/"
        );
        assert_eq!(page_path("a/b.md", Some("c")), "/a/c/");
        assert_eq!(page_path("my docs/a b.md", None), "/my-docs/a-b/");
    }

    #[test]
    fn link_keys_agree_across_forms() {
        for p in [
            "standards/x.html",
            "standards/x.md",
            "/standards/x/",
            "standards/x.html.md.erb",
            "standards/x.md/",
        ] {
            assert_eq!(link_key(p), "standards/x", "{p}");
        }
        for p in [
            "guides/README.md",
            "guides/index.html",
            "guides/",
            "guides/_index.md",
        ] {
            assert_eq!(link_key(p), "guides", "{p}");
        }
        assert_eq!(link_key("index.html"), "");
    }

    #[test]
    fn joins_and_refuses_escape() {
        assert_eq!(
            join_relative("standards/", "../modules/a.md").as_deref(),
            Some("modules/a.md")
        );
        assert_eq!(join_relative("", "./a.md").as_deref(), Some("a.md"));
        assert_eq!(join_relative("a/", "../../x"), None);
    }

    #[test]
    fn slugs() {
        assert_eq!(slugify("Clinical staff"), "clinical-staff");
        assert_eq!(slugify("  Don’t panic! "), "don-t-panic");
        assert_eq!(slugify("ISO/IEC 27001"), "iso-iec-27001");
        assert_eq!(slugify("Ünïcode"), "ünïcode");
    }
}
