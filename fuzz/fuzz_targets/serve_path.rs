//! `canon serve`'s request paths: whatever the URL, the answer is a file of the site, a
//! redirect to a path on the same server, the event stream or the reload script, not found,
//! or refused; never a panic, never a path outside the site.

#![no_main]

use std::collections::HashMap;
use std::sync::{Arc, OnceLock};

use canon::serve::Snapshot;
use canon::serve::http::{Target, target};
use libfuzzer_sys::fuzz_target;

fn snapshot() -> &'static Snapshot {
    static SNAPSHOT: OnceLock<Snapshot> = OnceLock::new();
    SNAPSHOT.get_or_init(|| {
        let files: HashMap<String, Arc<[u8]>> = [
            "index.html",
            "404.html",
            "canon.css",
            "standards/index.html",
            "standards/access-control/index.html",
            "search/d/0.json",
            "caf\u{e9} menu/index.html",
        ]
        .into_iter()
        .map(|p| (p.to_string(), Arc::from(&b"x"[..])))
        .collect();
        Snapshot {
            files,
            not_found: Arc::from(&b"404"[..]),
            failure: None,
        }
    })
}

fuzz_target!(|data: &[u8]| {
    let Ok(url) = std::str::from_utf8(data) else {
        return;
    };
    let snapshot = snapshot();
    match target(url, snapshot) {
        Target::File(path) => {
            assert!(snapshot.files.contains_key(&path), "{url:?} -> {path:?}");
            assert!(!path.split('/').any(|s| s == ".."), "{url:?} -> {path:?}");
        }
        Target::Redirect(to) => {
            // Same server, never another host (`//evil.example/`).
            assert!(to.starts_with('/'), "{url:?} -> {to:?}");
            assert!(
                !to.starts_with("//") && !to.starts_with("/\\"),
                "{url:?} -> {to:?}"
            );
            assert!(to.ends_with('/'), "{url:?} -> {to:?}");
        }
        Target::Events | Target::LiveJs | Target::NotFound | Target::Refused => {}
    }
});
