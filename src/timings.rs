//! Time spent in each stage of a build, kept when `CANON_TIMINGS` is set and printed with the
//! run's report: a development aid for finding where a build's time goes. Costs one
//! environment lookup per build when unset.

use std::fmt;
use std::time::Instant;

/// The time each stage of one run took, when `CANON_TIMINGS` is set: a value the pipeline
/// keeps in its report, printed by whoever shows the report.
#[derive(Debug, Default)]
pub struct Timings {
    /// When the last stage ended, and the process's CPU time then, while timing is on.
    last: Option<(Instant, Option<f64>)>,
    stages: Vec<Stage>,
}

/// One stage's time.
#[derive(Debug, Clone)]
pub struct Stage {
    /// What was timed (`load`, `render: link graph`).
    pub name: String,
    /// Wall time, in milliseconds.
    pub ms: f64,
    /// CPU time over wall time: how many cores the stage kept busy.
    pub cores: Option<f64>,
    /// Memory resident after it, in MB: each page first touched is a fault in the kernel, so
    /// peak memory is time too.
    pub resident_mb: Option<f64>,
}

impl Timings {
    /// Starts timing a run, if `CANON_TIMINGS` is set; otherwise marks cost nothing.
    pub fn start() -> Timings {
        Timings {
            last: std::env::var_os("CANON_TIMINGS").map(|_| (Instant::now(), cpu_seconds())),
            stages: Vec::new(),
        }
    }

    /// Ends a stage: records how long it took since the previous mark.
    pub fn mark(&mut self, stage: &str) {
        let Some((then, cpu_then)) = self.last else {
            return;
        };
        let now = Instant::now();
        let cpu_now = cpu_seconds();
        let cores = match (cpu_then, cpu_now) {
            (Some(a), Some(b)) if now > then => Some((b - a) / (now - then).as_secs_f64()),
            _ => None,
        };
        self.stages.push(Stage {
            name: stage.to_string(),
            ms: (now - then).as_secs_f64() * 1e3,
            cores,
            resident_mb: resident_mb(),
        });
        self.last = Some((now, cpu_now));
    }

    /// The stages timed so far, in order.
    pub fn stages(&self) -> &[Stage] {
        &self.stages
    }
}

/// One line a stage: `canon: timing render: 512.3 ms (1.9 cores), 410 MB resident`.
impl fmt::Display for Timings {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for s in &self.stages {
            write!(f, "canon: timing {}: {:.1} ms", s.name, s.ms)?;
            if let Some(cores) = s.cores {
                write!(f, " ({cores:.1} cores)")?;
            }
            if let Some(mb) = s.resident_mb {
                write!(f, ", {mb:.0} MB resident")?;
            }
            writeln!(f)?;
        }
        Ok(())
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
