//! Published requirement ids: `requirements.lock` at the site root records every requirement
//! id a site has published with a fingerprint of its text. `canon lock` writes it; later builds
//! warn when an automatic number now gives a published requirement's text another id
//! (`requirements/shifted`) and when a published id has gone (`requirements/removed`), so an
//! id readers have cited never silently comes to mean something else.

use std::collections::{HashMap, HashSet};
use std::ops::Range;

use crate::diagnostics::{Diagnostic, FileId};
use crate::model::requirement::Requirement;

/// The lock file's name, at the site root.
pub const LOCK_FILE: &str = "requirements.lock";

const HEADER: &str = "# Published requirement ids and fingerprints of their text, written by `canon lock`.\n# Commit this file; builds warn when an automatic number would move a published id.\n";

/// One published id.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Entry {
    /// `SEC-004.3`.
    pub id: String,
    /// Fingerprint of the text.
    pub fingerprint: String,
    /// The line in the lock file.
    pub span: Range<usize>,
}

/// A stable fingerprint of a requirement's text: FNV-1a over its lower-case words, so
/// re-wrapping or re-capitalising does not change it.
pub fn fingerprint(text: &str) -> String {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    let words = text
        .split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty());
    for (k, w) in words.enumerate() {
        if k > 0 {
            h ^= u64::from(b' ');
            h = h.wrapping_mul(0x0100_0000_01b3);
        }
        for c in w.chars().flat_map(char::to_lowercase) {
            let mut buf = [0; 4];
            for &b in c.encode_utf8(&mut buf).as_bytes() {
                h ^= u64::from(b);
                h = h.wrapping_mul(0x0100_0000_01b3);
            }
        }
    }
    format!("{h:016x}")
}

/// Reads a lock file; lines it cannot read are errors.
pub fn parse(text: &str, file: FileId, diags: &mut Vec<Diagnostic>) -> Vec<Entry> {
    let mut out = Vec::new();
    let mut at = 0;
    for line in text.split_inclusive('\n') {
        let span = at..at + line.trim_end().len();
        at += line.len();
        let trimmed = line.trim();
        if trimmed.is_empty() || trimmed.starts_with('#') {
            continue;
        }
        let mut parts = trimmed.split_whitespace();
        match (parts.next(), parts.next()) {
            (Some(id), Some(fp))
                if id.contains('.')
                    && fp.len() == 16
                    && fp.chars().all(|c| c.is_ascii_hexdigit()) =>
            {
                out.push(Entry {
                    id: id.to_string(),
                    fingerprint: fp.to_string(),
                    span,
                });
            }
            _ => diags.push(
                Diagnostic::error(
                    "requirements/lock",
                    "this line of the lock file is not `ID FINGERPRINT TEXT`",
                )
                .label(file, span, "unreadable line")
                .help("run `canon lock` to write the file again"),
            ),
        }
    }
    out
}

/// The lock file for these requirements, ordered by id.
pub fn write(requirements: &[(FileId, Requirement)]) -> String {
    let mut rows: Vec<&Requirement> = requirements.iter().map(|(_, r)| r).collect();
    rows.sort_by_key(|r| (prefix(&r.id), r.number));
    let mut out = String::from(HEADER);
    for r in rows {
        let text: String = r.text.chars().take(80).collect();
        out.push_str(&format!("{} {} {}\n", r.id, fingerprint(&r.text), text));
    }
    out
}

/// `SEC-004` of `SEC-004.3`.
fn prefix(id: &str) -> &str {
    id.rsplit_once('.').map_or(id, |(p, _)| p)
}

/// Warnings for requirements whose automatic number moved a published text to a new id, and
/// for published ids that are gone.
pub fn check(
    lock: &[Entry],
    lock_file: FileId,
    requirements: &[(FileId, Requirement)],
    diags: &mut Vec<Diagnostic>,
) {
    let by_fingerprint: HashMap<&str, &Entry> =
        lock.iter().map(|e| (e.fingerprint.as_str(), e)).collect();
    let by_id: HashMap<&str, &Entry> = lock.iter().map(|e| (e.id.as_str(), e)).collect();
    let current: HashSet<&str> = requirements.iter().map(|(_, r)| r.id.as_str()).collect();
    for (file, r) in requirements {
        if r.explicit {
            continue;
        }
        let fp = fingerprint(&r.text);
        if by_id
            .get(r.id.as_str())
            .is_some_and(|e| e.fingerprint == fp)
        {
            continue;
        }
        if let Some(e) = by_fingerprint.get(fp.as_str())
            && e.id != r.id
            && prefix(&e.id) == prefix(&r.id)
        {
            let number = e.id.rsplit_once('.').map_or("", |(_, n)| n);
            diags.push(
                Diagnostic::warning(
                    "requirements/shifted",
                    format!("this requirement was published as {}, but its automatic number now makes it {}", e.id, r.id),
                )
                .label(*file, r.span.clone(), format!("now {}", r.id))
                .secondary(lock_file, e.span.clone(), "published here")
                .help(format!("keep its published id by writing `[{number}]` before the keyword, or run `canon lock` if the new numbering is meant")),
            );
        }
    }
    for e in lock {
        if !current.contains(e.id.as_str()) {
            diags.push(
                Diagnostic::warning(
                    "requirements/removed",
                    format!("published requirement {} is no longer in the site", e.id),
                )
                .label(lock_file, e.span.clone(), "published here")
                .help("if it was withdrawn on purpose, run `canon lock` to record that"),
            );
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn req(id: &str, number: u32, text: &str, explicit: bool) -> Requirement {
        Requirement {
            id: id.into(),
            number,
            keyword: "MUST",
            level: "must",
            level_label: "Must",
            explicit,
            text: text.into(),
            section: None,
            span: 0..1,
        }
    }

    #[test]
    fn fingerprints_ignore_wrapping_and_case() {
        assert_eq!(
            fingerprint("MUST  use\nkeys."),
            fingerprint("must use keys")
        );
        assert_ne!(fingerprint("MUST use keys"), fingerprint("MUST use locks"));
        assert_eq!(fingerprint("").len(), 16);
    }

    #[test]
    fn a_shifted_automatic_number_is_a_warning() {
        let published = [
            req("S-1.1", 1, "MUST a.", false),
            req("S-1.2", 2, "MUST b.", false),
        ];
        let rows: Vec<(FileId, Requirement)> = published.iter().map(|r| (0, r.clone())).collect();
        let text = write(&rows);
        let mut diags = Vec::new();
        let lock = parse(&text, 1, &mut diags);
        assert_eq!(lock.len(), 2);
        // Unchanged: nothing to say.
        check(&lock, 1, &rows, &mut diags);
        assert!(diags.is_empty(), "{diags:?}");
        // A new requirement first moves both.
        let now = [
            req("S-1.1", 1, "MUST new.", false),
            req("S-1.2", 2, "MUST a.", false),
            req("S-1.3", 3, "MUST b.", true),
        ];
        let rows: Vec<(FileId, Requirement)> = now.iter().map(|r| (0, r.clone())).collect();
        check(&lock, 1, &rows, &mut diags);
        let said: Vec<_> = diags.iter().map(|d| (d.code, d.message.clone())).collect();
        assert_eq!(
            said,
            [(
                "requirements/shifted",
                "this requirement was published as S-1.1, but its automatic number now makes it S-1.2".to_string()
            )]
        );
        let mut diags = Vec::new();
        parse("S-1.1 nothex\n", 1, &mut diags);
        assert_eq!(diags[0].code, "requirements/lock");
    }
}
