//! The pages canon makes that no content file stands for: one definition of each one's path,
//! template and name, and of when a site has it. Resolve claims their paths from here, render
//! renders them from here, and templates link to them from here.

/// A generated page.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Generated {
    /// Search results, and every page A to Z without JavaScript.
    Search,
    /// Pages by review date.
    Reviews,
    /// The ISO/IEC 27001 control matrix.
    Controls,
    /// Every requirement of every page.
    Requirements,
    /// The comparison page of the collection at this index in the configuration.
    Compare(usize),
    /// The page served for an unknown address.
    NotFound,
}

/// What the configuration and theme say about which generated pages a site has.
#[derive(Debug, Clone, Default)]
pub struct Wants<'a> {
    /// `search = true`.
    pub search: bool,
    /// A collection has a `review_due` date.
    pub reviews: bool,
    /// A collection maps its pages to ISO/IEC 27001 controls.
    pub controls: bool,
    /// A collection gives its pages ids, so their requirements are numbered.
    pub requirements: bool,
    /// Each collection that lists fields to compare, by index, with the name it is known
    /// by and the path of its section (none when it has no pages).
    pub compare: Vec<(usize, &'a str, Option<&'a str>)>,
    /// The names of the theme's templates.
    pub templates: Vec<&'a str>,
}

/// A generated page a site has, and where.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Planned {
    /// Which page.
    pub page: Generated,
    /// Its site path (`/search/`).
    pub path: String,
    /// What it is, for a clash with another claim on its path ("the search page").
    pub what: String,
}

impl Generated {
    /// The theme template that renders it.
    pub fn template(self) -> &'static str {
        match self {
            Generated::Search => "search.html",
            Generated::Reviews => "reviews.html",
            Generated::Controls => "iso27001.html",
            Generated::Requirements => "requirements.html",
            Generated::Compare(_) => "compare.html",
            Generated::NotFound => "404.html",
        }
    }

    /// Its site path, when that does not depend on the site: every page but a comparison.
    pub fn fixed_path(self) -> Option<&'static str> {
        match self {
            Generated::Search => Some("/search/"),
            Generated::Reviews => Some("/reviews/"),
            Generated::Controls => Some("/iso27001/"),
            Generated::Requirements => Some("/requirements/"),
            Generated::Compare(_) => None,
            Generated::NotFound => Some("/404.html"),
        }
    }
}

/// Where a collection's comparison page is: under its section (`/methods/compare/`).
pub fn compare_path(section_path: &str) -> String {
    format!("{section_path}compare/")
}

/// The generated pages a site has, in the order they are made (the 404 page last).
pub fn plan(wants: &Wants<'_>) -> Vec<Planned> {
    let has = |page: Generated| wants.templates.contains(&page.template());
    let mut out = Vec::new();
    let mut fixed = |page: Generated, wanted: bool, what: &str| {
        if let Some(path) = page.fixed_path().filter(|_| wanted && has(page)) {
            out.push(Planned {
                page,
                path: path.to_string(),
                what: what.to_string(),
            });
        }
    };
    fixed(Generated::Search, wants.search, "the search page");
    fixed(Generated::Reviews, wants.reviews, "the reviews page");
    fixed(
        Generated::Controls,
        wants.controls,
        "the ISO/IEC 27001 control matrix",
    );
    fixed(
        Generated::Requirements,
        wants.requirements,
        "the requirements page",
    );
    for &(c, name, section) in &wants.compare {
        if let Some(section) = section.filter(|_| has(Generated::Compare(c))) {
            out.push(Planned {
                page: Generated::Compare(c),
                path: compare_path(section),
                what: format!("the comparison page of `{name}`"),
            });
        }
    }
    out.push(Planned {
        page: Generated::NotFound,
        path: "/404.html".to_string(),
        what: "the page-not-found page".to_string(),
    });
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_page_is_planned_only_when_wanted_and_the_theme_can_render_it() {
        let wants = Wants {
            search: true,
            reviews: true,
            compare: vec![(0, "methods", Some("/methods/")), (1, "modules", None)],
            templates: vec!["search.html", "compare.html", "404.html"],
            ..Wants::default()
        };
        let paths: Vec<String> = plan(&wants).into_iter().map(|p| p.path).collect();
        assert_eq!(paths, ["/search/", "/methods/compare/", "/404.html"]);
    }
}
