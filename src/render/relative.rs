//! Makes every site-rooted `href` and `src` in a page relative to that page, so the output
//! works under any base path and straight from disk.

/// Rewrites `href="/base/…"` and `src="/base/…"` in `html` relative to the folder `from`
/// (a site path such as `/standards/x/`). With `index_links`, links to folders name their
/// `index.html`.
pub fn relativize(html: &str, from: &str, base_path: &str, index_links: bool) -> String {
    let from = folders(from, base_path);
    let ranges = super::html::attrs(html, &["href", "src"])
        .into_iter()
        .map(|(_, r)| r);
    let mut out = String::with_capacity(html.len() + 64);
    let mut last = 0;
    for r in ranges {
        let value = &html[r.clone()];
        if let Some(target) = value
            .strip_prefix(base_path)
            .filter(|_| !value.starts_with("//"))
        {
            out.push_str(&html[last..r.start]);
            push_relative(&mut out, &from, target, index_links);
            last = r.end;
        }
    }
    out.push_str(&html[last..]);
    out
}

/// The relative URL from site folder `from` to `target` (given without the base path).
pub fn relative(from: &str, target: &str, base_path: &str, index_links: bool) -> String {
    let mut out = String::new();
    push_relative(&mut out, &folders(from, base_path), target, index_links);
    out
}

/// The folders of site path `from` below the base path.
fn folders<'a>(from: &'a str, base_path: &str) -> Vec<&'a str> {
    from.strip_prefix(base_path)
        .unwrap_or(from.trim_start_matches('/'))
        .split('/')
        .filter(|s| !s.is_empty())
        .collect()
}

/// Appends the relative URL from the folder `from` (its folder names) to `target`.
fn push_relative(out: &mut String, from: &[&str], target: &str, index_links: bool) {
    let (path, suffix) = match target.find(['#', '?']) {
        Some(i) => target.split_at(i),
        None => (target, ""),
    };
    // The folders `target` shares with `from`, and where the rest of it starts. The part
    // after the last `/` is a file name (empty for a folder), never shared.
    let dirs = path.rfind('/').map_or("", |i| &path[..i]);
    let mut common = 0;
    let mut rest = 0;
    if path.contains('/') {
        for (a, b) in from.iter().zip(dirs.split('/')) {
            if a != &b {
                break;
            }
            common += 1;
            rest += b.len() + 1;
        }
    }
    let start = out.len();
    for _ in common..from.len() {
        out.push_str("../");
    }
    out.push_str(&path[rest..]);
    if index_links && (out.len() == start || out.ends_with('/')) {
        out.push_str("index.html");
    }
    if out.len() == start {
        out.push_str("./");
    }
    out.push_str(suffix);
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn relative_paths() {
        assert_eq!(
            relative("/standards/x/", "standards/y/", "/", false),
            "../y/"
        );
        assert_eq!(
            relative("/standards/x/", "canon.css", "/", false),
            "../../canon.css"
        );
        assert_eq!(relative("/", "standards/", "/", false), "standards/");
        assert_eq!(relative("/", "", "/", false), "./");
        assert_eq!(relative("/a/", "a/#top", "/", false), "./#top");
        assert_eq!(relative("/a/b/", "a/", "/", true), "../index.html");
        assert_eq!(relative("/a/", "", "/", true), "../index.html");
    }

    /// The first way this was written: split, compare, join.
    fn by_segments(from: &str, target: &str, base_path: &str, index_links: bool) -> String {
        let from = from
            .strip_prefix(base_path)
            .unwrap_or(from.trim_start_matches('/'));
        let (path, suffix) = match target.find(['#', '?']) {
            Some(i) => target.split_at(i),
            None => (target, ""),
        };
        let from_segs: Vec<&str> = from.split('/').filter(|s| !s.is_empty()).collect();
        let to_segs: Vec<&str> = path.split('/').collect();
        let dir_segs = &to_segs[..to_segs.len() - 1];
        let common = from_segs
            .iter()
            .zip(dir_segs.iter())
            .take_while(|(a, b)| a == b)
            .count();
        let mut out = "../".repeat(from_segs.len() - common);
        out.push_str(&to_segs[common..].join("/"));
        if index_links && (out.is_empty() || out.ends_with('/')) {
            out.push_str("index.html");
        }
        if out.is_empty() {
            out.push_str("./");
        }
        out.push_str(suffix);
        out
    }

    #[test]
    fn agrees_with_splitting_and_joining() {
        let froms = [
            "/",
            "/a/",
            "/a/b/",
            "/docs/a/b/",
            "/a/bc/",
            "/404.html",
            "/x//y/",
        ];
        let targets = [
            "",
            "a",
            "a/",
            "a/b",
            "a/b/",
            "a/b/c/",
            "a/bc/",
            "ab/",
            "a//b/",
            "/x",
            "a/#t",
            "a/b/?q=1#t",
            "#top",
            "?q",
            "docs/a/",
            "canon.css",
            "a/b/c.png",
            "x//y/",
        ];
        for from in froms {
            for target in targets {
                for base in ["/", "/docs/"] {
                    for index in [false, true] {
                        assert_eq!(
                            relative(from, target, base, index),
                            by_segments(from, target, base, index),
                            "{from} -> {target} (base {base}, index links {index})"
                        );
                    }
                }
            }
        }
    }

    #[test]
    fn rewrites_only_rooted_attributes() {
        let html = r#"<a href="/docs/a/">A</a> <img src="/docs/i.png"> <a href="https://x/docs/">x</a> <a href="//cdn/x">c</a> <code>href="/docs/a/"</code>"#;
        let out = relativize(html, "/docs/a/b/", "/docs/", false);
        assert!(out.contains(r#"<a href="../">A</a>"#), "{out}");
        assert!(out.contains(r#"src="../../i.png""#), "{out}");
        assert!(out.contains(r#"href="https://x/docs/""#));
        assert!(out.contains(r#"href="//cdn/x""#));
    }
}
