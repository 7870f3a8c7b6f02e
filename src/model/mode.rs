//! How one run builds, beside the configuration and never part of it: whether drafts are
//! in, the day reviews are judged against, and what the run makes. `canon.toml` says what the
//! site is; the command line says what this run of it is.

/// How one run builds.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct BuildMode {
    /// Include pages marked `draft: true`.
    pub drafts: bool,
    /// The day reviews are judged against (`--today`, else the current date in UTC).
    pub today: jiff::civil::Date,
    /// What the run makes.
    pub produce: Produce,
}

/// What a run makes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Produce {
    /// The whole site: pages with highlighted code, and the search index.
    Site,
    /// Only what finds problems (`canon check`, `canon lock`): no page HTML, no highlighting
    /// and no search index, since none of them can find a problem.
    Diagnostics,
}

impl BuildMode {
    /// A run that makes the whole site without drafts, judged on `today`.
    pub fn site(today: jiff::civil::Date) -> BuildMode {
        BuildMode {
            drafts: false,
            today,
            produce: Produce::Site,
        }
    }

    /// The current date in UTC.
    pub fn current_day() -> jiff::civil::Date {
        jiff::Timestamp::now()
            .to_zoned(jiff::tz::TimeZone::UTC)
            .date()
    }

    /// Whether code is highlighted.
    pub fn highlight(&self) -> bool {
        self.produce == Produce::Site
    }

    /// Whether the search index's documents and files are made (when the site has search).
    pub fn search_index(&self) -> bool {
        self.produce == Produce::Site
    }

    /// Whether the pages' HTML is made (a check needs only their links and ids).
    pub fn output_files(&self) -> bool {
        self.produce == Produce::Site
    }
}
