//! Front-matter field names that more than one stage reads.

/// The date field that says when a page must next be reviewed.
pub const REVIEW_DUE: &str = "review_due";
/// The date field that says when a page was last reviewed.
pub const LAST_REVIEWED: &str = "last_reviewed";

/// Front-matter keys of a glossary entry besides the common ones.
pub const GLOSSARY_FIELDS: &[&str] = &["abbreviation", "aliases", "avoid", "related"];

/// The taxonomy that holds a page's lifecycle status.
pub const STATUS: &str = "status";
/// The status that keeps a page out of builds without `--drafts`.
pub const DRAFT_STATUS: &str = "draft";
