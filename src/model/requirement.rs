//! A requirement: one numbered, citable MUST/SHOULD/MAY statement of a page with an id.

/// A requirement found in a body.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Requirement {
    /// `SEC-004.3`, also the element id.
    pub id: String,
    /// 3.
    pub number: u32,
    /// The keyword as the author wrote it, upper case: `MUST NOT`.
    pub keyword: &'static str,
    /// Its level: `must`, `must-not`, `should`, `should-not` or `may`.
    pub level: &'static str,
    /// The level for people: `Must not`.
    pub level_label: &'static str,
    /// Whether the author fixed the number.
    pub explicit: bool,
    /// The requirement's text, plain.
    pub text: String,
    /// The level 2 or 3 heading it sits under, if any: where the compact list on the page
    /// points, and what a citation names.
    pub section: Option<Section>,
    /// Byte range of the paragraph or item in the file.
    #[serde(skip)]
    pub span: std::ops::Range<usize>,
}

/// The heading a requirement sits under.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Section {
    /// The heading's id.
    pub id: String,
    /// Its text.
    pub title: String,
}
