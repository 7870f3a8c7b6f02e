//! The only caller of the stages: config -> load -> validate -> resolve -> render -> write.
//!
//! Each stage adds to one [`Diagnostics`]; the pipeline stops before writing when any is an
//! error, so the previous site stays as it was. Failures to run at all (unreadable folder,
//! refused output folder) are `Err`.

use std::path::PathBuf;
use std::time::{Duration, Instant};

use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};

use crate::config::{self, Config};
use crate::diagnostics::{Diagnostics, SourceMap};
use crate::model::mode::{BuildMode, Produce};
use crate::render::SiteOutput;
use crate::timings::Timings;
use crate::write::WriteStats;
use crate::{load, render, resolve, validate, write};

/// What `canon build` and `canon check` are asked to do.
#[derive(Debug, Clone, Default)]
pub struct BuildOptions {
    /// The site root.
    pub root: PathBuf,
    /// Output folder, overriding `output_dir`.
    pub output: Option<PathBuf>,
    /// Base URL, overriding `base_url`.
    pub base_url: Option<String>,
    /// Include drafts.
    pub drafts: bool,
    /// Write the site (`build`) or only check it (`check`).
    pub write: bool,
    /// Warnings count as errors.
    pub strict: bool,
    /// Show a progress bar (on a terminal, for long builds).
    pub progress: bool,
    /// Link to folders' `index.html`, overriding `index_links`.
    pub index_links: bool,
    /// Whether broken internal links are errors or warnings, overriding `broken_links`.
    pub broken_links: Option<crate::config::BrokenLinks>,
    /// Leave the search index to the caller (`canon serve` builds it after the reload).
    pub defer_search: bool,
    /// Only the diagnostics are wanted (`canon check`, `canon lock`): code is not highlighted
    /// and no search index is built, since neither can find a problem.
    pub check_only: bool,
    /// The day reviews are judged against (`YYYY-MM-DD`), for reproducible runs.
    pub today: Option<String>,
}

/// What a run found and did.
pub struct Report {
    /// Every file read, for printing diagnostics.
    pub sources: SourceMap,
    /// Everything found.
    pub diags: Diagnostics,
    /// Pages per collection, then `other`, for the summary line.
    pub counts: Vec<(String, usize)>,
    /// Pages in all.
    pub pages: usize,
    /// Where the site was written, if it was.
    pub output: Option<PathBuf>,
    /// What was written.
    pub written: Option<WriteStats>,
    /// Wall time.
    pub elapsed: Duration,
    /// Links to other sites (counted, never fetched).
    pub external_links: usize,
    /// When the run started.
    pub started: Instant,
    /// The time each stage took, when `CANON_TIMINGS` is set.
    pub timings: Timings,
}

impl Report {
    fn new(sources: SourceMap, diags: Diagnostics, start: Instant) -> Report {
        Report {
            sources,
            diags,
            counts: Vec::new(),
            pages: 0,
            output: None,
            written: None,
            elapsed: start.elapsed(),
            external_links: 0,
            started: start,
            timings: Timings::default(),
        }
    }

    /// The process exit code: 0 when there are no errors, 1 otherwise.
    pub fn exit_code(&self) -> i32 {
        i32::from(self.diags.has_errors())
    }

    /// One line: pages per collection, warnings, errors, time.
    pub fn summary(&self, verb: &str) -> String {
        let counts: Vec<String> = self
            .counts
            .iter()
            .map(|(c, n)| format!("{c} {n}"))
            .collect();
        let breakdown = if counts.is_empty() {
            String::new()
        } else {
            format!(" ({})", counts.join(", "))
        };
        let into = match &self.output {
            Some(o) => format!(" into {}", config::display_name(o)),
            None => String::new(),
        };
        let errors = self.diags.errors();
        let warnings = self.diags.warnings();
        let external = match self.external_links {
            0 => String::new(),
            n => format!(", {n} external link{} (not fetched)", plural(n)),
        };
        format!(
            "canon: {verb} {} page{}{breakdown}{into} in {:.2} s: {errors} error{}, {warnings} warning{}{external}",
            self.pages,
            plural(self.pages),
            self.elapsed.as_secs_f64(),
            plural(errors),
            plural(warnings)
        )
    }
}

fn plural(n: usize) -> &'static str {
    if n == 1 { "" } else { "s" }
}

/// Loads and checks the configuration, applying command-line overrides.
pub fn load_config(
    opts: &BuildOptions,
    sources: &mut SourceMap,
    diags: &mut Diagnostics,
) -> anyhow::Result<Option<Config>> {
    if !opts.root.is_dir() {
        anyhow::bail!("site root `{}` is not a folder", opts.root.display());
    }
    let Some(mut config) = load::config(&opts.root, sources, diags)? else {
        return Ok(None);
    };
    let overrides = config::Overrides {
        base_url: opts.base_url.clone(),
        output_dir: opts.output.clone(),
        index_links: opts.index_links,
        broken_links: opts.broken_links,
    };
    config.apply(&overrides).map_err(anyhow::Error::msg)?;
    Ok(Some(config))
}

/// How this run builds: drafts, the day, and whether it makes the site or only checks it.
pub fn build_mode(opts: &BuildOptions) -> anyhow::Result<BuildMode> {
    let today = match &opts.today {
        Some(day) => crate::validate::parse_date(day)
            .ok_or_else(|| anyhow::anyhow!("--today `{day}` is not a date (YYYY-MM-DD)"))?,
        None => BuildMode::current_day(),
    };
    Ok(BuildMode {
        drafts: opts.drafts,
        today,
        produce: if opts.check_only {
            Produce::Diagnostics
        } else {
            Produce::Site
        },
    })
}

/// Compares the site's requirements with `requirements.lock`, when the site has one.
fn check_published(lock: Option<&load::LockFile>, output: &SiteOutput, diags: &mut Diagnostics) {
    if let Some(lock) = lock {
        let mut found = Vec::new();
        crate::published::check(&lock.entries, lock.file, &output.requirements, &mut found);
        diags.extend(found);
    }
}

/// Records the site's requirement ids in `requirements.lock` (`canon lock`): checks the site
/// first and writes nothing when it has errors.
pub fn lock(opts: &BuildOptions) -> anyhow::Result<(Report, Option<PathBuf>)> {
    let mut session = Session::new(BuildOptions {
        write: false,
        check_only: true,
        ..opts.clone()
    });
    let (report, output, config) = session.run()?;
    let (Some(output), Some(config), false) = (output, config, report.diags.has_errors()) else {
        return Ok((report, None));
    };
    let path = write::lock(&config, &output.requirements)?;
    Ok((report, Some(path)))
}

/// Runs the whole pipeline once: builds, and writes when `opts.write` and there are no errors.
pub fn build(opts: &BuildOptions) -> anyhow::Result<Report> {
    let mut session = Session::new(opts.clone());
    let (mut report, output, config, staging) = run(&session.opts, &mut session.cache, true)?;
    if let (Some(output), Some(config), true, false) =
        (&output, config, opts.write, report.diags.has_errors())
    {
        report.written = Some(match staging {
            Some(staging) => staging.finish(output)?,
            None => write::write(output, &config.output_dir, &config)?,
        });
        report.timings.mark("write");
        report.output = Some(config.output_dir.clone());
        report.elapsed = report.started.elapsed();
    }
    drop_aside((session, output));
    Ok(report)
}

/// Frees a build's caches and pages on another thread. At 10,000 pages that is hundreds of
/// thousands of allocations, a tenth of a second that a one-shot `canon build` or
/// `canon check` would otherwise spend on one core before it can exit (and at exit it need
/// not be spent at all). If no thread can be started, they are freed here.
fn drop_aside<T: Send + 'static>(value: T) {
    let _ = std::thread::Builder::new()
        .name("canon-drop".into())
        .spawn(move || drop(value));
}

/// The search index files of a built site (none when the site has no search).
pub fn search_files(output: &SiteOutput) -> Vec<crate::render::OutputFile> {
    let Some(input) = &output.search else {
        return Vec::new();
    };
    crate::search::build(&input.docs, &input.facets, &input.glossary)
        .into_iter()
        .map(|(path, text)| crate::render::OutputFile {
            path,
            contents: std::sync::Arc::from(text.into_bytes()),
        })
        .collect()
}

/// One site built again and again (`canon serve`): keeps what the next build can reuse.
pub struct Session {
    /// The options every build uses.
    pub opts: BuildOptions,
    cache: Caches,
}

/// What a build can reuse from the one before.
#[derive(Default)]
struct Caches {
    files: load::Cache,
    pages: validate::Cache,
    site: Option<resolve::Resolved>,
    render: render::Cache,
}

impl Session {
    /// A session that has built nothing yet.
    pub fn new(opts: BuildOptions) -> Session {
        Session {
            opts,
            cache: Caches::default(),
        }
    }

    /// The configuration the next build will use, read and checked as a build reads it
    /// (`canon serve` watches the folders it names before the first build).
    pub fn config(&self) -> anyhow::Result<Option<Config>> {
        load_config(
            &self.opts,
            &mut SourceMap::default(),
            &mut Diagnostics::default(),
        )
    }

    /// Builds the site in memory, reusing what the previous build of this session rendered
    /// when its inputs have not changed. Writes nothing.
    pub fn run(&mut self) -> anyhow::Result<(Report, Option<SiteOutput>, Option<Config>)> {
        let (report, output, config, _) = run(&self.opts, &mut self.cache, false)?;
        Ok((report, output, config))
    }
}

/// What [`run`] made: the report, the site if it rendered, the configuration, and the staging
/// folder being made for it when asked for.
type Run = (
    Report,
    Option<SiteOutput>,
    Option<Config>,
    Option<write::Staging>,
);

/// A progress bar on stderr when `shown`, else one that draws nothing.
fn progress_bar(shown: bool) -> ProgressBar {
    if !shown {
        return ProgressBar::hidden();
    }
    let bar = ProgressBar::with_draw_target(None, ProgressDrawTarget::stderr());
    if let Ok(style) = ProgressStyle::with_template("{spinner} rendering {pos}/{len} {wide_bar}") {
        bar.set_style(style);
    }
    bar
}

/// Pages per collection (index pages left out), glossary terms, then everything else.
fn counts(site: &resolve::Site, config: &Config) -> Vec<(String, usize)> {
    let mut counts = Vec::new();
    for name in config.collections.keys() {
        let n = (0..site.pages.len())
            .filter(|&i| !site.is_index[i] && site.pages[i].collection.as_deref() == Some(name))
            .count();
        counts.push((name.clone(), n));
    }
    let glossary = site.pages.iter().filter(|p| p.glossary.is_some()).count();
    if glossary > 0 {
        counts.push(("glossary terms".into(), glossary));
    }
    // Everything else: plain pages and the folders' index pages.
    let other = site.pages.len() - counts.iter().map(|(_, n)| n).sum::<usize>();
    if !counts.is_empty() {
        counts.push(("other".into(), other));
    }
    counts
}

/// Builds the site in memory. With `stage` (and `opts.write`), also starts making the staging
/// folder for the write once the site is known to have no errors so far.
fn run(opts: &BuildOptions, cache: &mut Caches, stage: bool) -> anyhow::Result<Run> {
    let start = Instant::now();
    let mut sources = SourceMap::default();
    let mut diags = Diagnostics::default();
    let Some(config) = load_config(opts, &mut sources, &mut diags)? else {
        return Ok((Report::new(sources, diags, start), None, None, None));
    };
    let mode = build_mode(opts)?;
    if opts.write {
        // Refuse a dangerous output folder before doing any work.
        write::check_output_dir(&config.output_dir, &config)?;
    }
    let mut timings = Timings::start();
    let inputs = load::load_with(&config, &mut cache.files, &mut sources, &mut diags)?;
    timings.mark("load");
    let pages = validate::validate_with(inputs.pages, &config, &mode, &mut cache.pages, &mut diags);
    timings.mark("validate");
    let asset_paths: Vec<String> = inputs.assets.iter().map(|a| a.rel.clone()).collect();
    let templates: Vec<&str> = inputs.templates.iter().map(|t| t.name.as_str()).collect();
    let resolved = resolve::resolve_with(
        pages,
        &asset_paths,
        &templates,
        &config,
        &mode,
        cache.site.take(),
        &mut diags,
    );
    let site = &resolved.site;
    timings.mark("resolve");
    let staging = (stage && opts.write && !diags.has_errors())
        .then(|| write::Staging::begin(&config.output_dir, &config, render::planned_files(site)))
        .transpose()?;
    let progress = progress_bar(opts.progress && site.pages.len() >= 200);
    let output = render::render(
        render::Inputs {
            site,
            config: &config,
            mode: &mode,
            templates: &inputs.templates,
            assets: inputs.assets,
            stylesheet: &inputs.stylesheet,
            sources: &sources,
            progress: &progress,
        },
        &mut cache.render,
        &mut timings,
        &mut diags,
    );
    progress.finish_and_clear();
    timings.mark("render");
    if let Some(out) = &output {
        check_published(inputs.lock.as_ref(), out, &mut diags);
    }
    if opts.strict {
        diags.promote_warnings();
    }
    let mut report = Report::new(SourceMap::default(), Diagnostics::default(), start);
    report.pages = site.pages.len();
    report.counts = counts(site, &config);
    let mut output = output;
    if let Some(out) = output
        .as_mut()
        .filter(|_| !opts.defer_search && mode.search_index())
    {
        out.files.extend(search_files(out));
        timings.mark("search index");
    }
    report.external_links = output.as_ref().map_or(0, |o| o.external_links);
    cache.site = Some(resolved);
    report.sources = sources;
    report.diags = diags;
    report.timings = timings;
    report.elapsed = start.elapsed();
    Ok((report, output, Some(config), staging))
}
