//! Every write of the site: a fresh staging folder beside the output, an ownership marker,
//! and an atomic swap; and `requirements.lock` for `canon lock`.
//!
//! Input: [`SiteOutput`] and the output folder. The site is written into
//! `.<name>.canon-staging-<pid>` beside the output folder and swapped into place (one atomic
//! exchange on Linux) only when every file is written, so a failed or killed build leaves
//! the previous site untouched.
//! canon deletes only what it made: it refuses an output folder that is the site root, holds
//! the content or the root, or already holds files without canon's marker.

mod staging;

pub use staging::Staging;
use staging::{commit, prepare};

use std::fs;
use std::path::{Path, PathBuf};

use anyhow::{Context as _, bail};
use rayon::prelude::*;

use crate::config::Config;
use crate::render::SiteOutput;

/// File canon puts in every output folder it writes, so it knows the folder is its own.
pub const MARKER: &str = ".canon-output";

pub(super) const MARKER_TEXT: &str = "This folder was written by canon (https://example.org/canon). canon replaces it on every build.\n";

/// What was written.
#[derive(Debug, Default, Clone, Copy)]
pub struct WriteStats {
    /// Generated files.
    pub files: usize,
    /// Copied assets.
    pub assets: usize,
}

/// Records the site's requirement ids in `requirements.lock` at the site root (`canon lock`);
/// returns its path.
pub fn lock(
    config: &Config,
    requirements: &[(
        crate::diagnostics::FileId,
        crate::model::requirement::Requirement,
    )],
) -> anyhow::Result<PathBuf> {
    let path = config.root.join(crate::published::LOCK_FILE);
    fs::write(&path, crate::published::write(requirements))
        .map_err(|e| anyhow::anyhow!("cannot write {}: {e}", path.display()))?;
    Ok(path)
}

/// An absolute, normalised form of a path that may not exist yet.
pub(super) fn absolute(path: &Path) -> anyhow::Result<PathBuf> {
    let abs = if path.is_absolute() {
        path.to_path_buf()
    } else {
        std::env::current_dir()?.join(path)
    };
    let mut out = PathBuf::new();
    for c in abs.components() {
        match c {
            std::path::Component::ParentDir => {
                out.pop();
            }
            std::path::Component::CurDir => {}
            c => out.push(c),
        }
    }
    // Resolve symbolic links in the part that exists.
    let mut existing = out.clone();
    let mut rest = Vec::new();
    while !existing.exists() {
        match (
            existing.file_name().map(|n| n.to_os_string()),
            existing.parent(),
        ) {
            (Some(name), Some(parent)) => {
                rest.push(name);
                existing = parent.to_path_buf();
            }
            _ => break,
        }
    }
    let mut resolved = existing.canonicalize().unwrap_or(existing);
    for name in rest.into_iter().rev() {
        resolved.push(name);
    }
    Ok(resolved)
}

/// Checks that `out` is a folder canon may replace. Reads only.
pub fn check_output_dir(out: &Path, config: &Config) -> anyhow::Result<PathBuf> {
    let out = absolute(out)?;
    let root = absolute(&config.root)?;
    let content = absolute(&config.content_dir)?;
    if out.parent().is_none() {
        bail!(
            "refusing to write the site to `{}`: that is the file-system root",
            out.display()
        );
    }
    if let Some(home) = std::env::var_os("HOME").map(PathBuf::from)
        && absolute(&home).is_ok_and(|h| h == out)
    {
        bail!(
            "refusing to write the site to `{}`: that is your home folder",
            out.display()
        );
    }
    if out == root {
        bail!(
            "refusing to write the site to `{}`: that is the site root; choose a folder inside it such as `public`",
            out.display()
        );
    }
    if root.starts_with(&out) {
        bail!(
            "refusing to write the site to `{}`: it holds the site root `{}`",
            out.display(),
            root.display()
        );
    }
    if content.starts_with(&out) {
        bail!(
            "refusing to write the site to `{}`: it holds the content folder `{}`",
            out.display(),
            content.display()
        );
    }
    if out.exists() {
        if !out.is_dir() {
            bail!(
                "refusing to write the site to `{}`: it is a file",
                out.display()
            );
        }
        let marked = out.join(MARKER).is_file();
        let empty = fs::read_dir(&out)
            .with_context(|| format!("failed to read `{}`", out.display()))?
            .next()
            .is_none();
        if !marked && !empty {
            bail!(
                "refusing to replace `{}`: it holds files that canon did not write (no `{MARKER}` marker); choose another output folder or empty this one",
                out.display()
            );
        }
    }
    Ok(out)
}

/// Writes the site into `out`, replacing what canon wrote there before.
pub fn write(output: &SiteOutput, out: &Path, config: &Config) -> anyhow::Result<WriteStats> {
    let out = check_output_dir(out, config)?;
    commit(prepare(out, &[])?, output)
}

/// Removes a folder only if it carries canon's marker (or is empty). The marker goes last,
/// so a build killed while deleting leaves a folder the next build still knows as its own.
pub(super) fn remove_own(dir: &Path) {
    if dir.join(MARKER).is_file() || fs::read_dir(dir).is_ok_and(|mut d| d.next().is_none()) {
        let _ = on_io_threads(|| {
            let entries = fs::read_dir(dir)?.collect::<Result<Vec<_>, _>>()?;
            entries
                .par_iter()
                .filter(|e| e.file_name() != MARKER)
                .try_for_each(remove_entry)?;
            let _ = fs::remove_file(dir.join(MARKER));
            fs::remove_dir(dir)
        });
    }
}

pub(super) fn remove_entry(e: &fs::DirEntry) -> std::io::Result<()> {
    if e.file_type()?.is_dir() {
        remove_tree(&e.path())
    } else {
        fs::remove_file(e.path())
    }
}

/// Threads for writing and deleting files. Creating and removing thousands of files waits on
/// the disk far more than on the processor, so more threads than cores keep several
/// operations in flight: deleting a 10,000-page site this way took 2.6 s where one thread took
/// 13.6 s on this project's build machine.
pub(super) const IO_THREADS: usize = 16;

/// Runs `f` with rayon's parallel iterators on the I/O threads (on the caller's pool if they
/// cannot be started).
pub(super) fn on_io_threads<R: Send>(f: impl FnOnce() -> R + Send) -> R {
    static POOL: std::sync::OnceLock<Option<rayon::ThreadPool>> = std::sync::OnceLock::new();
    let pool = POOL.get_or_init(|| {
        rayon::ThreadPoolBuilder::new()
            .num_threads(IO_THREADS)
            .thread_name(|i| format!("canon-io-{i}"))
            .build()
            .ok()
    });
    match pool {
        Some(p) => p.install(f),
        None => f(),
    }
}

/// Deletes a folder and everything in it, entries in parallel. Links are removed, never
/// followed.
pub(super) fn remove_tree(dir: &Path) -> std::io::Result<()> {
    let entries = fs::read_dir(dir)?.collect::<Result<Vec<_>, _>>()?;
    entries.par_iter().try_for_each(remove_entry)?;
    fs::remove_dir(dir)
}

/// Staging or old folders left by a killed build.
pub(super) fn remove_stale(parent: &Path, name: &str) {
    let Ok(entries) = fs::read_dir(parent) else {
        return;
    };
    let prefixes = [
        format!(".{name}.canon-staging-"),
        format!(".{name}.canon-old-"),
    ];
    for e in entries.flatten() {
        let file_name = e.file_name().to_string_lossy().into_owned();
        let Some(pid) = prefixes
            .iter()
            .find_map(|p| file_name.strip_prefix(p.as_str()))
        else {
            continue;
        };
        // Another build of the same site may be running: leave its folders alone.
        let alive = Path::new("/proc").is_dir() && Path::new("/proc").join(pid).exists();
        if alive || !e.path().is_dir() {
            continue;
        }
        // A build killed between moving the previous site aside and moving the new one in:
        // the previous site goes back.
        let out = parent.join(name);
        if file_name.contains(".canon-old-") && !out.exists() && fs::rename(e.path(), &out).is_ok()
        {
            continue;
        }
        remove_own(&e.path());
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::load::{Asset, AssetSource};
    use crate::render::OutputFile;
    use std::sync::Arc;

    fn config(root: &Path) -> Config {
        let mut sources = crate::diagnostics::SourceMap::default();
        let mut diags = crate::diagnostics::Diagnostics::default();
        crate::load::config(root, &mut sources, &mut diags)
            .expect("io")
            .expect("defaults")
    }

    fn output(text: &str) -> SiteOutput {
        SiteOutput {
            files: vec![OutputFile {
                path: "a/index.html".into(),
                contents: Arc::from(text.as_bytes()),
            }],
            assets: vec![Asset {
                rel: "x.css".into(),
                source: AssetSource::Embedded(b"css"),
            }],
            external_links: 0,
            search: None,
            requirements: Vec::new(),
        }
    }

    #[test]
    fn writes_marks_and_replaces_its_own_output() {
        let (tmp, config, out) = site();
        write(&output("one"), &out, &config).expect("first write");
        assert!(out.join(MARKER).is_file());
        assert_eq!(
            fs::read_to_string(out.join("a/index.html")).expect("read"),
            "one"
        );
        assert_eq!(fs::read(out.join("x.css")).expect("read"), b"css");
        // A staging folder left by a killed build (of a process that no longer exists) goes.
        let stale = tmp.path().join(".public.canon-staging-999999999");
        fs::create_dir(&stale).expect("mkdir");
        fs::write(stale.join(MARKER), MARKER_TEXT).expect("write");
        write(&output("two"), &out, &config).expect("second write");
        assert_eq!(
            fs::read_to_string(out.join("a/index.html")).expect("read"),
            "two"
        );
        assert!(!stale.exists());
        let names: Vec<_> = fs::read_dir(tmp.path())
            .expect("ls")
            .map(|e| e.expect("entry").file_name())
            .collect();
        assert_eq!(names.len(), 2, "only content/ and public/: {names:?}");
    }

    /// A folder with `content/` and a configuration whose output is `public/` (not made).
    fn site() -> (tempfile::TempDir, Config, PathBuf) {
        let tmp = tempfile::tempdir().expect("tmp");
        fs::create_dir(tmp.path().join("content")).expect("mkdir");
        let config = config(tmp.path());
        let out = tmp.path().join("public");
        (tmp, config, out)
    }

    /// The names beside the output folder, sorted.
    fn beside(root: &Path) -> Vec<String> {
        let mut names: Vec<String> = fs::read_dir(root)
            .expect("ls")
            .map(|e| e.expect("entry").file_name().to_string_lossy().into_owned())
            .collect();
        names.sort();
        names
    }

    #[test]
    fn a_staging_folder_made_in_advance_keeps_only_the_folders_used() {
        let (tmp, config, out) = site();
        let planned = vec![
            "a/index.html".to_string(),
            "gone/deep/index.html".to_string(),
        ];
        let staging = Staging::begin(&out, &config, planned).expect("begin");
        let stats = staging.finish(&output("one")).expect("finish");
        assert_eq!((stats.files, stats.assets), (1, 1));
        assert_eq!(
            fs::read_to_string(out.join("a/index.html")).expect("read"),
            "one"
        );
        // `gone/deep/` was planned but nothing went there: neither it nor `gone/` is left.
        let mut top = beside(&out);
        top.retain(|n| n != MARKER);
        assert_eq!(top, ["a", "x.css"]);
        assert_eq!(beside(tmp.path()), ["content", "public"]);
    }

    #[test]
    fn a_staging_folder_never_finished_is_deleted_and_the_site_kept() {
        let (tmp, config, out) = site();
        write(&output("previous"), &out, &config).expect("first write");
        let staging = Staging::begin(&out, &config, vec!["b/index.html".into()]).expect("begin");
        // The build found errors: the staging folder is dropped unused.
        drop(staging);
        assert_eq!(beside(tmp.path()), ["content", "public"]);
        assert_eq!(
            fs::read_to_string(out.join("a/index.html")).expect("read"),
            "previous"
        );
        assert!(!out.join("b").exists());
        // A dangerous output folder is refused before any thread starts.
        assert!(Staging::begin(tmp.path(), &config, Vec::new()).is_err());
    }

    #[test]
    fn refuses_what_it_does_not_own() {
        let tmp = tempfile::tempdir().expect("tmp");
        fs::create_dir(tmp.path().join("content")).expect("mkdir");
        let config = config(tmp.path());
        let foreign = tmp.path().join("docs");
        fs::create_dir(&foreign).expect("mkdir");
        fs::write(foreign.join("keep.txt"), "mine").expect("write");
        let err = write(&output("x"), &foreign, &config).expect_err("refused");
        assert!(err.to_string().contains("did not write"), "{err}");
        assert_eq!(
            fs::read_to_string(foreign.join("keep.txt")).expect("read"),
            "mine"
        );
        for bad in [
            tmp.path().to_path_buf(),
            tmp.path().join("content"),
            tmp.path().join(".."),
            PathBuf::from("/"),
        ] {
            assert!(
                check_output_dir(&bad, &config).is_err(),
                "{}",
                bad.display()
            );
        }
        // An empty folder is fine: nothing is lost by replacing it.
        let empty = tmp.path().join("empty");
        fs::create_dir(&empty).expect("mkdir");
        assert!(check_output_dir(&empty, &config).is_ok());
    }
}
