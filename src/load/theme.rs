//! The built-in default theme, compiled into the binary so canon builds any folder without a
//! `themes/` of its own. `themes/default/` in the repository is its source; a test checks that
//! this list names every file there.

macro_rules! theme_files {
    ($kind:literal: $($name:literal),* $(,)?) => {
        &[$(($name, include_str!(concat!("../../themes/default/", $kind, "/", $name)))),*]
    };
}

/// Templates: (name, text).
pub const TEMPLATES: &[(&str, &str)] = theme_files!("templates": "404.html", "base.html",
    "compare.html", "glossary.html", "home.html",
    "iso27001.html", "macros.html", "page.html",
    "requirements.html", "reviews.html", "search.html",
    "section.html", "taxonomy.html", "term.html");

/// Static files: (path under the output folder, bytes).
pub const STATIC: &[(&str, &[u8])] = &[
    (
        "canon.css",
        include_bytes!("../../themes/default/static/canon.css"),
    ),
    (
        "favicon.svg",
        include_bytes!("../../themes/default/static/favicon.svg"),
    ),
    (
        "progress.js",
        include_bytes!("../../themes/default/static/progress.js"),
    ),
    (
        "quiz.js",
        include_bytes!("../../themes/default/static/quiz.js"),
    ),
    (
        "search.js",
        include_bytes!("../../themes/default/static/search.js"),
    ),
];

#[cfg(test)]
mod tests {
    use super::*;

    fn listed(dir: &str) -> Vec<String> {
        let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("themes/default")
            .join(dir);
        let mut v: Vec<String> = std::fs::read_dir(path)
            .expect("theme folder")
            .map(|e| e.expect("entry").file_name().to_string_lossy().into_owned())
            .collect();
        v.sort();
        v
    }

    #[test]
    fn embedded_theme_matches_the_theme_folder() {
        let mut t: Vec<String> = TEMPLATES.iter().map(|(n, _)| n.to_string()).collect();
        t.sort();
        assert_eq!(t, listed("templates"));
        let mut s: Vec<String> = STATIC.iter().map(|(n, _)| n.to_string()).collect();
        s.sort();
        assert_eq!(s, listed("static"));
    }

    #[test]
    fn css_stays_small() {
        let css = STATIC
            .iter()
            .find(|(n, _)| *n == "canon.css")
            .expect("css")
            .1;
        assert!(css.len() < 30 * 1024, "canon.css is {} bytes", css.len());
    }
}
