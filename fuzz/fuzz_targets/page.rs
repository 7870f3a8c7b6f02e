//! One page through the whole pipeline: front matter (YAML or TOML), schema validation, link
//! and reference resolution, glossary terms, requirements, quizzes, Markdown, highlighting,
//! templates, link checking and the search index, in memory.
//!
//! The site around the page is `canon init`'s (a schema for methods, standards and modules, a
//! glossary and taxonomies), so links, references and terms in the input have targets. The
//! first byte chooses the folder the page is in, so each collection's schema is used.
//! Errors in the page are expected; a panic, a hang or an overflow is a bug.
//!
//! One build session serves every input, as `canon serve` does for every save: each input
//! is an edit of the page, so the incremental rebuild is fuzzed too. Its caches are keyed by
//! content, so a crash found after one input reproduces from that input alone.

#![no_main]

use std::path::PathBuf;
use std::sync::{Mutex, OnceLock};
use std::time::{Duration, SystemTime};

use canon::pipeline::{BuildOptions, Session};
use libfuzzer_sys::fuzz_target;

/// The site, made once per process.
fn site() -> &'static PathBuf {
    static SITE: OnceLock<PathBuf> = OnceLock::new();
    SITE.get_or_init(|| {
        let dir = std::env::temp_dir().join(format!("canon-fuzz-page-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        canon::scaffold::init(&dir).expect("canon init");
        dir
    })
}

fn session() -> &'static Mutex<(Session, u64)> {
    static SESSION: OnceLock<Mutex<(Session, u64)>> = OnceLock::new();
    SESSION.get_or_init(|| {
        Mutex::new((
            Session::new(BuildOptions {
                root: site().clone(),
                today: Some("2026-11-22".into()),
                ..BuildOptions::default()
            }),
            0,
        ))
    })
}

const FOLDERS: [&str; 4] = ["standards", "methods", "modules", "guides"];

fuzz_target!(|data: &[u8]| {
    let Some((&first, text)) = data.split_first() else {
        return;
    };
    let root = site();
    let folder = FOLDERS[usize::from(first) % FOLDERS.len()];
    for f in FOLDERS {
        let _ = std::fs::remove_file(root.join("content").join(f).join("fuzzed.md"));
    }
    let dir = root.join("content").join(folder);
    std::fs::create_dir_all(&dir).expect("folder");
    let mut guard = session().lock().unwrap_or_else(|e| e.into_inner());
    let (session, edits) = &mut *guard;
    // A new modification time for every input: two of the same length written within one
    // tick of the file-system clock must not look unchanged.
    *edits += 1;
    let file = std::fs::File::create(dir.join("fuzzed.md")).expect("page");
    std::io::Write::write_all(&mut &file, text).expect("page");
    file.set_modified(SystemTime::UNIX_EPOCH + Duration::from_secs(1_000_000 + *edits))
        .expect("mtime");
    drop(file);
    let _ = session.run();
});
