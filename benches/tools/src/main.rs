//! `canon-corpus`: writes a generated site of N pages for benchmarks, and the same pages as a
//! Hugo site, so the two tools can be timed on identical content.
//!
//! `cargo run --release -p canon-tools -- --pages 10000 OUT [--hugo HUGO_OUT]`

use std::io::Write as _;
use std::path::PathBuf;
use std::process::ExitCode;

use clap::Parser;

/// Write a generated site of N pages for benchmarks (and the same pages as a Hugo site).
#[derive(Parser)]
#[command(name = "canon-corpus", version)]
struct Args {
    /// Number of pages.
    #[arg(long, default_value_t = 1000)]
    pages: usize,
    /// Seed: the same pages and seed give the same files.
    #[arg(long, default_value_t = 1)]
    seed: u64,
    /// Folder for the canon site (must be empty or absent).
    out: PathBuf,
    /// Also write the pages as a Hugo site in this folder.
    #[arg(long)]
    hugo: Option<PathBuf>,
}

fn main() -> ExitCode {
    let args = Args::parse();
    let mut stderr = std::io::stderr();
    match canon_tools::corpus::generate(args.pages, args.seed, &args.out, args.hugo.as_deref()) {
        Ok(n) => {
            let hugo = args
                .hugo
                .as_ref()
                .map(|h| format!(" and {}", h.display()))
                .unwrap_or_default();
            let _ = writeln!(
                stderr,
                "canon-corpus: wrote {n} pages into {}{hugo}",
                args.out.display()
            );
            ExitCode::SUCCESS
        }
        Err(e) => {
            let _ = writeln!(stderr, "error: {e:#}");
            ExitCode::from(2)
        }
    }
}
