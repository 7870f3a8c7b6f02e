//! Save-to-reload latency of `canon serve`: for a generated site of 1,000 and 10,000 pages
//! (`canon_tools::corpus`), the time from a page's file being written to the `reload`
//! event reaching a connected browser tab, over repeated one-page body edits.
//!
//! Run with `cargo bench --bench serve_latency`. Release build; each size is generated once
//! into `target/bench/serve-N`.

#![allow(clippy::print_stdout, missing_docs)]

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

const EDITS: usize = 20;

fn main() {
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
    let sizes: Vec<usize> = std::env::var("CANON_BENCH_SIZES")
        .ok()
        .map(|s| s.split(',').filter_map(|n| n.trim().parse().ok()).collect())
        .unwrap_or_else(|| vec![1000, 10000]);
    for n in sizes {
        // `canon_tools::corpus`'s pages, written afresh every run: the edits change them, and a
        // previous run's copy may come from an older generator.
        let corpus = root.join(format!("target/bench/serve-{n}"));
        let _ = std::fs::remove_dir_all(&corpus);
        if let Err(e) = canon_tools::corpus::generate(n, 1, &corpus, None) {
            println!("skipping {n}: the corpus generator failed: {e:#}");
            continue;
        }
        measure(n, &corpus);
    }
}

fn measure(n: usize, corpus: &Path) {
    let mut child = Command::new(env!("CARGO_BIN_EXE_canon"))
        .args(["serve", "--port", "0", "--broken-links", "warn", "--root"])
        .arg(corpus)
        .stderr(Stdio::piped())
        .stdout(Stdio::null())
        .spawn()
        .expect("canon serve starts");
    let started = Instant::now();
    let mut lines = BufReader::new(child.stderr.take().expect("stderr"));
    let mut port = 0u16;
    let mut line = String::new();
    while port == 0 {
        line.clear();
        if lines.read_line(&mut line).unwrap_or(0) == 0 {
            break;
        }
        if let Some(rest) = line.split("http://127.0.0.1:").nth(1) {
            port = rest
                .split('/')
                .next()
                .and_then(|p| p.parse().ok())
                .unwrap_or(0);
        }
    }
    let first_build = started.elapsed();
    std::thread::spawn(move || for _ in lines.lines() {});
    let mut events = TcpStream::connect(("127.0.0.1", port)).expect("connect");
    events
        .write_all(b"GET /__canon/events HTTP/1.1\r\nHost: localhost\r\n\r\n")
        .expect("request");
    events
        .set_read_timeout(Some(Duration::from_secs(30)))
        .expect("timeout");
    read_until(&mut events, "retry:");
    let pages: Vec<PathBuf> = ["standards", "methods"]
        .iter()
        .filter_map(|d| {
            std::fs::read_dir(corpus.join("content").join(d))
                .ok()?
                .flatten()
                .map(|e| e.path())
                .find(|p| p.extension().is_some_and(|e| e == "md"))
        })
        .collect();
    let mut samples = Vec::with_capacity(EDITS);
    for k in 0..EDITS {
        let page = &pages[k % pages.len()];
        let mut text = std::fs::read_to_string(page).expect("read page");
        text.push_str(&format!("\nEdited for the benchmark, round {k}.\n"));
        std::thread::sleep(Duration::from_millis(150));
        let t0 = Instant::now();
        std::fs::write(page, text).expect("write page");
        read_until(&mut events, "event: reload");
        samples.push(t0.elapsed());
    }
    let _ = child.kill();
    let _ = child.wait();
    samples.sort();
    let ms = |d: Duration| d.as_secs_f64() * 1000.0;
    println!(
        "serve, {n} pages: first build {:.0} ms; save -> reload event over {EDITS} one-page edits: median {:.0} ms, p90 {:.0} ms, max {:.0} ms",
        ms(first_build),
        ms(samples[EDITS / 2]),
        ms(samples[EDITS * 9 / 10]),
        ms(samples[EDITS - 1])
    );
}

fn read_until(stream: &mut TcpStream, marker: &str) {
    let mut seen = String::new();
    let mut chunk = [0u8; 4096];
    while !seen.contains(marker) {
        match stream.read(&mut chunk) {
            Ok(0) | Err(_) => panic!("event stream ended before `{marker}`: {seen}"),
            Ok(k) => seen.push_str(&String::from_utf8_lossy(&chunk[..k])),
        }
    }
}
