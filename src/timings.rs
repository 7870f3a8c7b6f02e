//! Time spent in each stage of a build, printed to stderr when `CANON_TIMINGS` is set: a
//! development aid for finding where a build's time goes (`benches/run` prints it). Costs one
//! environment lookup per build when unset.

use std::io::Write;
use std::sync::Mutex;
use std::time::Instant;

/// When the last stage ended, while timing is on.
static LAST: Mutex<Option<Instant>> = Mutex::new(None);

/// Starts timing a build, if `CANON_TIMINGS` is set.
pub fn start() {
    if let Ok(mut last) = LAST.lock() {
        *last = std::env::var_os("CANON_TIMINGS").map(|_| Instant::now());
    }
}

/// Ends a stage: prints how long it took since the previous mark.
pub fn mark(stage: &str) {
    if let Ok(mut last) = LAST.lock()
        && let Some(then) = *last
    {
        let now = Instant::now();
        let _ = writeln!(
            std::io::stderr(),
            "canon: timing {stage}: {:.1} ms",
            (now - then).as_secs_f64() * 1e3
        );
        *last = Some(now);
    }
}
