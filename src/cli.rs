//! The command line: clap types and their translation into [`BuildOptions`]. The only file
//! that knows clap.

use std::path::PathBuf;

use clap::{Args, Parser, Subcommand, ValueEnum};

use crate::config::BrokenLinks;
use crate::pipeline::BuildOptions;

/// canon: a static-site generator for delivery methods, security standards and e-learning.
#[derive(Debug, Parser)]
#[command(name = "canon", version, about, long_about = None)]
pub struct Cli {
    /// What to do.
    #[command(subcommand)]
    pub command: Command,
}

/// The commands.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// Build the site into the output folder (atomically: a failed build changes nothing).
    Build(BuildArgs),
    /// Do everything `build` does, writing nothing; exit 1 on any error.
    Check(CheckArgs),
    /// Build in memory, serve on this computer, and rebuild and reload on every save.
    Serve(ServeArgs),
    /// Check the site, then record every requirement id it publishes in requirements.lock,
    /// so later builds warn when an automatic number would move one.
    Lock(CheckArgs),
    /// Create a new site in DIR from the default theme, with one page of each collection.
    Init {
        /// Folder to create (must be empty or absent).
        dir: PathBuf,
    },
    /// Create a page in a collection, with its required front matter filled in.
    New {
        /// Collection, as declared in canon.toml (`standards`).
        collection: String,
        /// File name without `.md` (`access-control`).
        slug: String,
        /// Site root.
        #[arg(long, default_value = ".")]
        root: PathBuf,
    },
}

/// How diagnostics are printed.
#[derive(Debug, Clone, Copy, ValueEnum, Default)]
pub enum Format {
    /// Code frames with the offending line and a hint.
    #[default]
    Rich,
    /// One line each: `file:line:col: error[code]: message`.
    Short,
}

/// Options shared by `build` and `check`.
#[derive(Debug, Args)]
pub struct CommonArgs {
    /// Site root (where canon.toml is).
    #[arg(long, default_value = ".")]
    pub root: PathBuf,
    /// Include pages marked `draft: true`.
    #[arg(long)]
    pub drafts: bool,
    /// Treat warnings as errors (for CI).
    #[arg(long)]
    pub strict: bool,
    /// How to print diagnostics.
    #[arg(long, value_enum, default_value_t)]
    pub format: Format,
    /// Override `base_url` (e.g. `https://example.org/standards/`).
    #[arg(long)]
    pub base_url: Option<String>,
    /// Whether a broken internal link is an `error` (default) or a `warn`ing.
    #[arg(long, value_name = "error|warn")]
    pub broken_links: Option<BrokenLinks>,
    /// Judge review dates against this day (YYYY-MM-DD) instead of today, for reproducible runs.
    #[arg(long, value_name = "DATE")]
    pub today: Option<String>,
}

/// `canon build`.
#[derive(Debug, Args)]
pub struct BuildArgs {
    #[command(flatten)]
    /// Shared options.
    pub common: CommonArgs,
    /// Output folder (default: `output_dir` from canon.toml, else `public`).
    #[arg(long, short)]
    pub output: Option<PathBuf>,
    /// Make links to folders name their `index.html`, to browse the output from disk.
    #[arg(long)]
    pub index_links: bool,
}

/// `canon serve`.
#[derive(Debug, Args)]
pub struct ServeArgs {
    /// Site root (where canon.toml is).
    #[arg(long, default_value = ".")]
    pub root: PathBuf,
    /// Address to listen on; anything but loopback is reachable from other machines.
    #[arg(long, default_value = "127.0.0.1")]
    pub bind: std::net::IpAddr,
    /// Port to listen on (0 picks a free one).
    #[arg(long, default_value_t = 1111)]
    pub port: u16,
    /// Open the site in the default browser.
    #[arg(long)]
    pub open: bool,
    /// Include pages marked `draft: true`.
    #[arg(long)]
    pub drafts: bool,
    /// Whether a broken internal link is an `error` (default) or a `warn`ing.
    #[arg(long, value_name = "error|warn")]
    pub broken_links: Option<BrokenLinks>,
    /// Judge review dates against this day (YYYY-MM-DD) instead of today.
    #[arg(long, value_name = "DATE")]
    pub today: Option<String>,
}

impl ServeArgs {
    /// The server options.
    pub fn options(&self) -> crate::serve::ServeOptions {
        crate::serve::ServeOptions {
            build: BuildOptions {
                root: self.root.clone(),
                drafts: self.drafts,
                broken_links: self.broken_links,
                today: self.today.clone(),
                ..BuildOptions::default()
            },
            bind: self.bind,
            port: self.port,
            open: self.open,
        }
    }
}

/// `canon check`.
#[derive(Debug, Args)]
pub struct CheckArgs {
    #[command(flatten)]
    /// Shared options.
    pub common: CommonArgs,
}

impl CommonArgs {
    fn options(&self, write: bool, progress: bool) -> BuildOptions {
        BuildOptions {
            root: self.root.clone(),
            output: None,
            base_url: self.base_url.clone(),
            drafts: self.drafts,
            write,
            strict: self.strict,
            progress,
            index_links: false,
            broken_links: self.broken_links,
            defer_search: false,
            check_only: !write,
            today: self.today.clone(),
        }
    }
}

impl BuildArgs {
    /// The pipeline options.
    pub fn options(&self, progress: bool) -> BuildOptions {
        let mut o = self.common.options(true, progress);
        o.output = self.output.clone();
        o.index_links = self.index_links;
        o
    }
}

impl CheckArgs {
    /// The pipeline options.
    pub fn options(&self, progress: bool) -> BuildOptions {
        self.common.options(false, progress)
    }
}
