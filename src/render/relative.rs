//! Makes every site-rooted `href` and `src` in a page relative to that page, so the output
//! works under any base path and straight from disk.

use std::ops::Range;

/// How a page's links are written.
#[derive(Clone, Copy)]
pub struct Relative<'a> {
    /// The page's site path (`/base/standards/x/`): links are made relative to it.
    pub from: &'a str,
    /// The site's base path, which rooted links start with.
    pub base_path: &'a str,
    /// Links to folders name their `index.html`.
    pub index_links: bool,
    /// The site's absolute address, escaped, when it has one: what a printed body link shows.
    pub print_base: Option<&'a str>,
}

/// Appends `html` to `out` with every site-rooted `href="/base/…"` and `src="/base/…"`
/// rewritten relative to the folders `from` (of a site path such as `/standards/x/`). With
/// `index_links`, links to folders name their `index.html`. Given `print_base` (the site's
/// absolute address, escaped), a link (`<a href>`, not a glossary term's) also gets
/// `data-url` with its full address, which the print style sheet shows after it: paper has
/// no links to follow.
fn push_relativized(
    out: &mut String,
    html: &str,
    from: &[&str],
    base_path: &str,
    index_links: bool,
    print_base: Option<&str>,
) {
    let mut last = 0;
    for (k, r) in super::html::attrs(html, &["href", "src"]) {
        let Some(target) = rooted(&html[r.clone()], base_path) else {
            continue;
        };
        out.push_str(&html[last..r.start]);
        push_relative(out, from, target, index_links);
        last = r.end;
        if let Some(base) = print_base.filter(|_| k == 0 && is_printed_link(&html[..r.start])) {
            // After the closing quote.
            last = r.end + 1;
            out.push_str("\" data-url=\"");
            out.push_str(base);
            out.push_str(target);
            out.push('"');
        }
    }
    out.push_str(&html[last..]);
}

/// Whether the tag that `before` ends inside is a link whose address a printout shows: an
/// `<a>` that is not a glossary term's (those all lead to the glossary).
fn is_printed_link(before: &str) -> bool {
    before.rfind('<').is_some_and(|lt| {
        let tag = &before[lt..];
        tag.starts_with("<a ") && !tag.contains("class=\"term\"")
    })
}

/// The target of a link written from the site's root (`/base/…`, not `//host/…`), without the
/// base path.
fn rooted<'a>(value: &'a str, base_path: &str) -> Option<&'a str> {
    value
        .strip_prefix(base_path)
        .filter(|_| !value.starts_with("//"))
}

/// A page's finished HTML from its template's output: each mark in `parts` replaced by its
/// body, and, given `relative`, every site-rooted `href` and `src` made relative to that page
/// (and the bodies' links given their printed address).
/// `links` are the byte ranges of the `href` and `src` values in `html`, as the one
/// attribute pass over the template's output found them, so that part is not scanned again
/// and the page is copied once; only the bodies are scanned for their links.
pub fn assemble(
    html: &str,
    links: &[Range<usize>],
    parts: &[(&str, &str)],
    relative: Option<Relative<'_>>,
) -> String {
    let mut at: Vec<(usize, Piece)> = Vec::with_capacity(links.len() + parts.len());
    if relative.is_some() {
        at.extend(links.iter().map(|r| (r.start, Piece::Link(r.clone()))));
    }
    let mut size = html.len();
    for (k, (mark, body)) in parts.iter().enumerate() {
        for m in memchr::memmem::find_iter(html.as_bytes(), mark.as_bytes()) {
            at.push((m, Piece::Body(k)));
            size += body.len();
        }
    }
    at.sort_by_key(|(start, _)| *start);
    let relative = relative.map(|r| (folders(r.from, r.base_path), r));
    // Room for what making links relative adds, so the page is not copied again as it grows:
    // a link gains at most a `../` for each folder of the page, less one, and `index.html`;
    // bodies hold far fewer links than one in 16 bytes.
    let room = relative.as_ref().map_or(0, |(from, r)| {
        let per_link = 3 * from.len()
            + if r.index_links { 10 } else { 0 }
            + r.print_base.map_or(0, |b| b.len() + 16);
        (links.len() + (size - html.len()) / 16) * per_link
    });
    let mut out = String::with_capacity(size + room);
    let mut last = 0;
    for (start, piece) in at {
        match (piece, &relative) {
            (Piece::Link(r), Some((from, rel))) => {
                if let Some(target) = rooted(&html[r.clone()], rel.base_path) {
                    out.push_str(&html[last..r.start]);
                    push_relative(&mut out, from, target, rel.index_links);
                    last = r.end;
                }
            }
            (Piece::Link(_), None) => {}
            (Piece::Body(k), relative) => {
                let (mark, body) = parts[k];
                out.push_str(&html[last..start]);
                match relative {
                    Some((from, rel)) => push_relativized(
                        &mut out,
                        body,
                        from,
                        rel.base_path,
                        rel.index_links,
                        rel.print_base,
                    ),
                    None => out.push_str(body),
                }
                last = start + mark.len();
            }
        }
    }
    out.push_str(&html[last..]);
    out
}

/// What [`assemble`] meets in a template's output.
enum Piece {
    /// An `href` or `src` value.
    Link(Range<usize>),
    /// A mark standing for the body at this index.
    Body(usize),
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

    /// `html` with its site-rooted links made relative to the page at `from`.
    fn relativize(html: &str, from: &str, base_path: &str, index_links: bool) -> String {
        let mut out = String::new();
        push_relativized(
            &mut out,
            html,
            &folders(from, base_path),
            base_path,
            index_links,
            None,
        );
        out
    }

    fn rel<'a>(from: &'a str, index_links: bool, print_base: Option<&'a str>) -> Relative<'a> {
        Relative {
            from,
            base_path: "/docs/",
            index_links,
            print_base,
        }
    }

    #[test]
    fn assembling_in_one_pass_equals_splicing_then_relativizing() {
        let body = r#"<p><a href="/docs/b/#x">b</a> <img src="/docs/i.png"> <a href="https://x/">x</a></p>"#;
        let side = r#"<a href="/docs/">home</a>"#;
        let html = "<head><link href=\"/docs/canon.css\"></head><main>\u{e000}body\u{e000}</main>\
            <aside>\u{e000}side\u{e000}<a href=\"/docs/a/b/#top\">top</a></aside>\u{e000}body\u{e000}";
        let links: Vec<Range<usize>> = crate::render::html::attrs(html, &["href", "src"])
            .into_iter()
            .map(|(_, r)| r)
            .collect();
        let parts = [
            ("\u{e000}body\u{e000}", body),
            ("\u{e000}side\u{e000}", side),
        ];
        let spliced = html
            .replace(parts[0].0, parts[0].1)
            .replace(parts[1].0, parts[1].1);
        for (from, index_links) in [("/docs/a/b/", false), ("/docs/", true), ("/docs/b/", false)] {
            let relative = Some(rel(from, index_links, None));
            assert_eq!(
                assemble(html, &links, &parts, relative),
                relativize(&spliced, from, "/docs/", index_links)
            );
        }
        // Without `relative` (the not-found page), bodies are spliced and links left rooted.
        assert_eq!(assemble(html, &links, &parts, None), spliced);
        assert!(spliced.contains(r#"href="/docs/b/#x""#) && !spliced.contains('\u{e000}'));
    }

    #[test]
    fn body_links_carry_their_printed_address() {
        let body = r#"<p><a href="/docs/b/#x">b</a> <a class="term" href="/docs/glossary/#t">t</a> <img src="/docs/i.png"> <a href="https://x/">x</a> <a title="T" href="/docs/">home</a></p>"#;
        let html = "<nav><a href=\"/docs/a/\">a</a></nav>\u{e000}body\u{e000}";
        let links: Vec<Range<usize>> = crate::render::html::attrs(html, &["href", "src"])
            .into_iter()
            .map(|(_, r)| r)
            .collect();
        let parts = [("\u{e000}body\u{e000}", body)];
        let out = assemble(
            html,
            &links,
            &parts,
            Some(rel("/docs/a/", false, Some("https://example.org/docs/"))),
        );
        assert_eq!(
            out,
            r#"<nav><a href="./">a</a></nav><p><a href="../b/#x" data-url="https://example.org/docs/b/#x">b</a> <a class="term" href="../glossary/#t">t</a> <img src="../i.png"> <a href="https://x/">x</a> <a title="T" href="../" data-url="https://example.org/docs/">home</a></p>"#
        );
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
