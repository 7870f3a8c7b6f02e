//! Watches the site for changes and coalesces what editors really do (a save is often several
//! events: a temporary file, a rename, a truncate and a write) into one batch per save.

use std::path::{Path, PathBuf};
use std::sync::mpsc::{Receiver, RecvTimeoutError};
use std::time::{Duration, Instant};

/// How long the file system must be quiet before a batch is built.
pub const QUIET: Duration = Duration::from_millis(20);
/// The longest a batch waits, however busy the file system.
pub const LONGEST: Duration = Duration::from_millis(300);

/// Whether a changed path can affect the site: not inside the output folder, a hidden or
/// editor-temporary file, or a build folder.
pub fn relevant(path: &Path, root: &Path, output: &Path) -> bool {
    if path.starts_with(output) {
        return false;
    }
    let rel = path.strip_prefix(root).unwrap_or(path);
    for c in rel.components() {
        let name = c.as_os_str().to_string_lossy();
        if name.starts_with('.') || name == "target" || name == "node_modules" {
            return false;
        }
    }
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    !(name.ends_with('~')
        || name.starts_with('#')
        || name.ends_with(".swp")
        || name.ends_with(".tmp"))
}

/// What waiting for changes came to.
#[derive(Debug)]
pub enum Batch {
    /// These paths changed.
    Changed(Vec<PathBuf>),
    /// Nothing changed for the idle time asked for.
    Idle,
    /// The watcher has stopped.
    Stopped,
}

/// Waits for the next batch of relevant changed paths, or for `idle` to pass quietly.
pub fn next_batch(
    rx: &Receiver<notify::Result<notify::Event>>,
    root: &Path,
    output: &Path,
    idle: Option<Duration>,
) -> Batch {
    let mut batch: Vec<PathBuf> = Vec::new();
    let mut started: Option<Instant> = None;
    let waiting_since = Instant::now();
    loop {
        let wait = match started {
            None => idle.map_or(Duration::from_secs(3600), |d| {
                d.saturating_sub(waiting_since.elapsed())
            }),
            Some(t) => QUIET.min(LONGEST.saturating_sub(t.elapsed())),
        };
        match rx.recv_timeout(wait) {
            Ok(Ok(event)) => {
                if matches!(event.kind, notify::EventKind::Access(_)) {
                    continue;
                }
                for p in event.paths {
                    if relevant(&p, root, output) && !batch.contains(&p) {
                        batch.push(p);
                    }
                }
                if !batch.is_empty() && started.is_none() {
                    started = Some(Instant::now());
                }
            }
            // An error from the watcher (a folder vanished mid-scan): build anyway.
            Ok(Err(_)) => {
                if started.is_none() {
                    started = Some(Instant::now());
                }
            }
            Err(RecvTimeoutError::Timeout) => {
                let Some(t) = started else {
                    if idle.is_some_and(|d| waiting_since.elapsed() >= d) {
                        return Batch::Idle;
                    }
                    continue;
                };
                // An editor may truncate a file and write it a moment later: give an empty
                // file the rest of the batch's time to fill before building it.
                let half_written = batch
                    .iter()
                    .any(|p| std::fs::metadata(p).is_ok_and(|m| m.is_file() && m.len() == 0));
                if !half_written || t.elapsed() >= LONGEST {
                    return Batch::Changed(batch);
                }
            }
            Err(RecvTimeoutError::Disconnected) => return Batch::Stopped,
        }
    }
}

/// Whether every changed file is a stylesheet, so pages can swap it without reloading.
pub fn only_css(batch: &[PathBuf]) -> bool {
    !batch.is_empty()
        && batch
            .iter()
            .all(|p| p.extension().is_some_and(|e| e == "css"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ignores_output_hidden_and_temporary_files() {
        let root = Path::new("/site");
        let out = Path::new("/site/public");
        assert!(relevant(Path::new("/site/content/a.md"), root, out));
        assert!(relevant(Path::new("/site/canon.toml"), root, out));
        assert!(!relevant(Path::new("/site/public/index.html"), root, out));
        assert!(!relevant(
            Path::new("/site/.public.canon-staging-1/x"),
            root,
            out
        ));
        assert!(!relevant(Path::new("/site/content/.a.md.swp"), root, out));
        assert!(!relevant(Path::new("/site/content/a.md~"), root, out));
        assert!(!relevant(Path::new("/site/.git/index"), root, out));
        assert!(only_css(&[PathBuf::from("/site/static/x.css")]));
        assert!(!only_css(&[
            PathBuf::from("/site/static/x.css"),
            PathBuf::from("/site/content/a.md")
        ]));
    }
}
