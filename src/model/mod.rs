//! What every stage shares: the field names, the naming rules of paths, files and headings,
//! requirements, and the pages canon generates. The bottom of the pipeline: it imports
//! nothing of the crate but [`crate::diagnostics`].

pub mod fields;
pub mod generated;
pub mod mode;
pub mod paths;
pub mod requirement;
