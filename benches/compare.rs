//! canon against Hugo (and Pagefind) on the same generated pages, at 1,000 and 10,000 pages:
//! wall time and peak memory of a full build with and without the search index, of
//! `canon check`, of Hugo's build of the same pages and of Pagefind indexing Hugo's output,
//! with the ratios, and how each grows from the smallest size to the largest.
//!
//! Run with `cargo bench --bench compare` (release build), or `benches/run` for this and the
//! other benchmarks. Pages come from `canon_tools::corpus` (seed 1), written afresh into
//! `target/bench/N/` by each run. Each timing is the median of `CANON_BENCH_RUNS` runs (default
//! 3), taken in rounds of one run of each tool so that drift in the machine's speed falls on
//! all alike, in an order that turns by one each round; each run goes into an empty output
//! folder after `sync` and is measured with `/usr/bin/time`. A previous run's output is moved
//! into `target/bench/trash/` and deleted only when every run is done: on ext4, creating files
//! in the minute after tens of thousands were deleted is slowed by the inode allocator's scan
//! for recently deleted inodes (`recently_deleted` in `perf`), which would charge one tool for
//! the clean-up of the run before it. Hugo and Pagefind are skipped when not installed
//! (`apt-get install -y hugo`; `npm install -g pagefind`).
//! `CANON_BENCH_SIZES=1000,10000` chooses the sizes.

#![allow(clippy::print_stdout, missing_docs, clippy::unwrap_used)]

mod common;

use std::path::{Path, PathBuf};
use std::process::Command;

/// One size: its page count, each tool's median run, and the lowest and highest of
/// Hugo / canon build taken round by round.
type Row = (usize, [Option<Run>; 5], Option<(f64, f64)>);

/// One measurement: median seconds and the largest peak memory, in MB.
#[derive(Clone, Copy)]
struct Run {
    secs: f64,
    mb: f64,
}

fn main() {
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
    let canon = PathBuf::from(env!("CARGO_BIN_EXE_canon"));
    let time = Path::new("/usr/bin/time");
    if !time.exists() {
        println!("skipping: /usr/bin/time is missing (apt-get install -y time)");
        return;
    }
    let sizes: Vec<usize> = std::env::var("CANON_BENCH_SIZES")
        .ok()
        .map(|s| s.split(',').filter_map(|n| n.trim().parse().ok()).collect())
        .unwrap_or_else(|| vec![1000, 10000]);
    let runs: usize = std::env::var("CANON_BENCH_RUNS")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(3);
    let hugo = installed("hugo", "version");
    let pagefind = installed("pagefind", "--version");
    let trash = Trash::new(root.join("target/bench/trash"));
    let mut rows: Vec<Row> = Vec::new();
    for &n in &sizes {
        let dir = root.join(format!("target/bench/{n}"));
        let site = dir.join("canon");
        let hugo_site = dir.join("hugo");
        // Written afresh every run (a second or two), so the pages are always the ones this
        // canon's generator makes, never a previous version's.
        trash.take(&dir);
        canon_tools::corpus::generate(n, 1, &site, Some(&hugo_site))
            .expect("the corpus generator writes the pages");
        let out = dir.join("out");
        let canon_cmd = |args: &[&str]| {
            let mut c = vec![canon.display().to_string()];
            c.extend(args.iter().map(|s| s.to_string()));
            c.extend([
                "--root".to_string(),
                site.display().to_string(),
                "--format".into(),
                "short".into(),
            ]);
            c
        };
        let build = canon_cmd(&["build", "--output", &out.display().to_string()]);
        let check = canon_cmd(&["check"]);
        let public = hugo_site.join("public");
        let hugo_cmd = [
            "hugo".to_string(),
            "--quiet".into(),
            "-s".into(),
            hugo_site.display().to_string(),
        ];
        let pagefind_cmd = [
            "pagefind".to_string(),
            "--site".into(),
            public.display().to_string(),
        ];
        // Round by round, each tool once a round, so a machine that speeds up or slows down
        // during the run does so for every tool alike; and the order turns by one each round,
        // so no tool always runs just after the heaviest (Pagefind) and pays for the memory
        // and writes it leaves the kernel to settle. Pagefind always follows Hugo, whose
        // output it indexes.
        let mut samples: [Samples; 5] = Default::default();
        let units = if hugo { 4 } else { 3 };
        for round in 0..runs {
            for turn in 0..units {
                match (round + turn) % units {
                    0 => {
                        set_search(&site, false);
                        samples[0].add(&build, &[&out], &trash);
                    }
                    1 => {
                        set_search(&site, true);
                        samples[1].add(&build, &[&out], &trash);
                    }
                    2 => samples[2].add(&check, &[], &trash),
                    _ => {
                        samples[3].add(&hugo_cmd, &[&public], &trash);
                        if pagefind {
                            samples[4].add(&pagefind_cmd, &[&public.join("pagefind")], &trash);
                        }
                    }
                }
            }
        }
        // Hugo / canon round by round: how far the machine's noise moves the ratio.
        let rounds: Vec<f64> = samples[3]
            .secs
            .iter()
            .zip(&samples[0].secs)
            .map(|(h, c)| h / c)
            .collect();
        let spread = rounds
            .iter()
            .copied()
            .fold(None, |r: Option<(f64, f64)>, x| {
                Some(r.map_or((x, x), |(lo, hi)| (lo.min(x), hi.max(x))))
            });
        rows.push((n, samples.map(|s| s.median()), spread));
        trash.take(&out);
    }
    trash.empty();
    report(&rows, runs);
}

/// Where earlier outputs wait until every run is done (see the module comment).
struct Trash {
    dir: PathBuf,
    count: std::cell::Cell<usize>,
}

impl Trash {
    /// Empties what an interrupted run may have left, before anything is measured.
    fn new(dir: PathBuf) -> Trash {
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).unwrap();
        Trash {
            dir,
            count: std::cell::Cell::new(0),
        }
    }

    /// Moves `path`, if it exists, out of the way (a rename, so no inode is freed).
    fn take(&self, path: &Path) {
        if path.exists() {
            let n = self.count.get();
            self.count.set(n + 1);
            std::fs::rename(path, self.dir.join(n.to_string())).unwrap();
        }
    }

    fn empty(&self) {
        let _ = std::fs::remove_dir_all(&self.dir);
    }
}

fn installed(tool: &str, version: &str) -> bool {
    Command::new(tool)
        .arg(version)
        .output()
        .is_ok_and(|o| o.status.success())
}

/// Turns the generated site's search index on or off.
fn set_search(site: &Path, on: bool) {
    let path = site.join("canon.toml");
    let text = std::fs::read_to_string(&path).unwrap();
    let kept: Vec<&str> = text
        .lines()
        .filter(|l| !l.starts_with("search ="))
        .collect();
    let mut text = kept.join("\n");
    // Top-level keys go before the first table.
    let at = text.find("\n[").unwrap_or(text.len());
    text.insert_str(at, &format!("\nsearch = {on}"));
    text.push('\n');
    std::fs::write(&path, text).unwrap();
}

/// One tool's timings at one size.
#[derive(Default)]
struct Samples {
    secs: Vec<f64>,
    mb: f64,
}

impl Samples {
    /// Runs `cmd` once under `/usr/bin/time`, after moving `fresh` to the trash and syncing.
    fn add(&mut self, cmd: &[String], fresh: &[&Path], trash: &Trash) {
        for p in fresh {
            trash.take(p);
        }
        let _ = Command::new("sync").status();
        let (s, m, _) = common::timed(cmd);
        self.secs.push(s);
        self.mb = self.mb.max(m);
    }

    /// The median time and the highest peak memory, if the tool ran.
    fn median(mut self) -> Option<Run> {
        self.secs.sort_by(f64::total_cmp);
        let secs = *self.secs.get(self.secs.len() / 2)?;
        Some(Run { secs, mb: self.mb })
    }
}

fn report(rows: &[Row], runs: usize) {
    let cell = |r: &Option<Run>| match r {
        Some(r) => format!("{:.2} s, {:.0} MB", r.secs, r.mb),
        None => "not installed".to_string(),
    };
    println!();
    println!("Median of {runs} runs each, empty output folder, `/usr/bin/time`:");
    println!();
    println!(
        "| Pages | canon build | canon build + search | canon check | Hugo | Pagefind on Hugo's output |"
    );
    println!("|---|---|---|---|---|---|");
    for (n, r, _) in rows {
        println!(
            "| {n} | {} | {} | {} | {} | {} |",
            cell(&r[0]),
            cell(&r[1]),
            cell(&r[2]),
            cell(&r[3]),
            cell(&r[4])
        );
    }
    println!();
    for (n, r, spread) in rows {
        let (Some(build), Some(search), Some(check)) = (r[0], r[1], r[2]) else {
            continue;
        };
        let mut line = format!(
            "{n} pages: canon check takes {:.2} of canon's build (with search)",
            check.secs / search.secs
        );
        if let Some(hugo) = r[3] {
            line.push_str(&format!(
                "; Hugo / canon build: {:.2}x time, {:.2}x memory",
                hugo.secs / build.secs,
                hugo.mb / build.mb
            ));
            if let Some((lo, hi)) = spread {
                line.push_str(&format!(" (round by round {lo:.2}x to {hi:.2}x)"));
            }
            if let Some(pf) = r[4] {
                line.push_str(&format!(
                    "; (Hugo + Pagefind) / (canon build + search): {:.2}x",
                    (hugo.secs + pf.secs) / search.secs
                ));
            }
        }
        println!("{line}");
    }
    if let (Some((n0, first, _)), Some((n1, last, _))) = (rows.first(), rows.last())
        && n1 > n0
    {
        let grow = |k: usize| match (first[k], last[k]) {
            (Some(a), Some(b)) => {
                format!("{:.1}x time, {:.1}x memory", b.secs / a.secs, b.mb / a.mb)
            }
            _ => "n/a".to_string(),
        };
        println!(
            "From {n0} to {n1} pages ({:.0}x): canon build {}; with search {}; check {}; Hugo {}",
            *n1 as f64 / *n0 as f64,
            grow(0),
            grow(1),
            grow(2),
            grow(3)
        );
    }
}
