//! What the benchmarks share: a command timed by `/usr/bin/time`.

use std::process::Command;

/// One run of `cmd` (program and arguments) under `/usr/bin/time`: wall seconds, peak
/// resident memory in MB, and what it printed on stderr. Panics if it fails.
pub(crate) fn timed(cmd: &[String]) -> (f64, f64, String) {
    let out = Command::new("/usr/bin/time")
        .args(["-f", "canon-bench %e %M"])
        .args(cmd)
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr).into_owned();
    assert!(out.status.success(), "{cmd:?} failed:\n{stderr}");
    let line = stderr
        .lines()
        .rev()
        .find(|l| l.starts_with("canon-bench "))
        .unwrap();
    let mut parts = line.split_whitespace().skip(1);
    let secs = parts.next().unwrap().parse::<f64>().unwrap();
    let mb = parts.next().unwrap().parse::<f64>().unwrap() / 1024.0;
    (secs, mb, stderr)
}
