//! Time spent in each stage of a build, printed to stderr when `CANON_TIMINGS` is set: a
//! development aid for finding where a build's time goes (`benches/run` prints it). Costs one
//! environment lookup per build when unset.

use std::io::Write;
use std::sync::Mutex;
use std::time::Instant;

/// When the last stage ended, and the process's CPU time then, while timing is on.
static LAST: Mutex<Option<(Instant, Option<f64>)>> = Mutex::new(None);

/// Starts timing a build, if `CANON_TIMINGS` is set.
pub fn start() {
    if let Ok(mut last) = LAST.lock() {
        *last = std::env::var_os("CANON_TIMINGS").map(|_| (Instant::now(), cpu_seconds()));
    }
}

/// Ends a stage: prints how long it took since the previous mark.
pub fn mark(stage: &str) {
    if let Ok(mut last) = LAST.lock()
        && let Some((then, cpu_then)) = *last
    {
        let now = Instant::now();
        let cpu_now = cpu_seconds();
        // CPU time over wall time shows how many cores a stage kept busy.
        let cores = match (cpu_then, cpu_now) {
            (Some(a), Some(b)) if now > then => {
                format!(" ({:.1} cores)", (b - a) / (now - then).as_secs_f64())
            }
            _ => String::new(),
        };
        // Memory: each page first touched is a fault in the kernel, so peak memory is time too.
        let memory = resident_mb().map_or_else(String::new, |mb| format!(", {mb:.0} MB resident"));
        let _ = writeln!(
            std::io::stderr(),
            "canon: timing {stage}: {:.1} ms{cores}{memory}",
            (now - then).as_secs_f64() * 1e3
        );
        *last = Some((now, cpu_now));
    }
}

/// User and system CPU time of the whole process so far, from `/proc/self/stat` (Linux; in
/// clock ticks of 10 ms, so short stages read coarsely). `None` elsewhere.
fn cpu_seconds() -> Option<f64> {
    let stat = std::fs::read_to_string("/proc/self/stat").ok()?;
    // Fields after the command name, which is in parentheses and may contain spaces:
    // utime and stime are the 12th and 13th.
    let mut fields = stat.rsplit_once(')')?.1.split_whitespace().skip(11);
    let user: f64 = fields.next()?.parse().ok()?;
    let system: f64 = fields.next()?.parse().ok()?;
    Some((user + system) / 100.0)
}

/// The process's resident memory now, in MB, from `/proc/self/statm` (Linux; counted in pages,
/// taken as 4 KiB, their size on x86-64). `None` elsewhere.
fn resident_mb() -> Option<f64> {
    let statm = std::fs::read_to_string("/proc/self/statm").ok()?;
    let pages: f64 = statm.split_whitespace().nth(1)?.parse().ok()?;
    Some(pages * 4096.0 / 1e6)
}
