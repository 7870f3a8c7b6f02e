//! ISO/IEC 27001:2022 Annex A: the 93 control numbers and titles, shipped with canon so that
//! standards can be mapped to controls, checked at build time, and shown as a matrix.

use std::sync::OnceLock;

/// The vocabulary name a schema field uses: `vocabulary = "iso27001"`.
pub const ISO27001: &str = "iso27001";

const DATA: &str = include_str!("data/iso27001-2022.tsv");

/// The control themes, by the number that starts their controls.
pub const THEMES: &[(&str, &str)] = &[
    ("A.5.", "Organizational controls"),
    ("A.6.", "People controls"),
    ("A.7.", "Physical controls"),
    ("A.8.", "Technological controls"),
];

/// Every control as (number, title), in Annex A order.
pub fn iso27001() -> &'static [(&'static str, &'static str)] {
    static CONTROLS: OnceLock<Vec<(&'static str, &'static str)>> = OnceLock::new();
    CONTROLS.get_or_init(|| {
        DATA.lines()
            .filter(|l| !l.starts_with('#') && !l.is_empty())
            .filter_map(|l| l.split_once('\t'))
            .collect()
    })
}

/// The title of a control, if the number is one.
pub fn title(number: &str) -> Option<&'static str> {
    iso27001()
        .iter()
        .find(|(n, _)| *n == number)
        .map(|(_, t)| *t)
}

/// Vocabularies a field may declare.
pub const VOCABULARIES: &[&str] = &[ISO27001];

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn all_93_controls_in_order() {
        let c = iso27001();
        assert_eq!(c.len(), 93);
        assert_eq!(
            THEMES
                .iter()
                .map(|(p, _)| c.iter().filter(|(n, _)| n.starts_with(p)).count())
                .collect::<Vec<_>>(),
            [37, 8, 14, 34]
        );
        assert_eq!(title("A.5.15"), Some("Access control"));
        assert_eq!(
            title("A.8.34"),
            Some("Protection of information systems during audit testing")
        );
        assert_eq!(title("A.5.38"), None);
    }
}
