//! TestSite: a site in a temporary folder, built by the real binary.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::OnceLock;

pub(crate) const BIN: &str = env!("CARGO_BIN_EXE_canon");

/// The repository root (the bundled example site).
pub(crate) fn repo() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// The day the example site's reviews are judged against.
pub(crate) const TODAY: &str = "2026-11-22";

/// Builds the example site once per test run into a temporary folder (the site is in `site`
/// under it); returns the folder and what canon printed.
pub(crate) fn example() -> &'static (tempfile::TempDir, String) {
    static SITE: OnceLock<(tempfile::TempDir, String)> = OnceLock::new();
    SITE.get_or_init(|| {
        let out = tempfile::tempdir().unwrap();
        let dest = out.path().join("site");
        let run = run_in(
            &repo(),
            &[
                "build",
                "--output",
                dest.to_str().unwrap(),
                "--format",
                "short",
                // Reviews are judged against a fixed day, so the results do not change with time.
                "--today",
                TODAY,
            ],
        );
        assert_eq!(run.code, 0, "{}", run.stderr);
        (out, run.stderr)
    })
}

/// The search index files of a built site, read for the Rust client.
pub(crate) fn search_index(site: &Path) -> canon_tools::query::Index {
    let mut files = Vec::new();
    for entry in walkdir::WalkDir::new(site.join("search")) {
        let entry = entry.unwrap();
        if entry.file_type().is_file() && entry.path().extension().is_some_and(|e| e == "js") {
            let rel = entry
                .path()
                .strip_prefix(site)
                .unwrap()
                .to_string_lossy()
                .replace('\\', "/");
            files.push((rel, std::fs::read_to_string(entry.path()).unwrap()));
        }
    }
    canon_tools::query::Index::new(&files)
}

pub(crate) struct TestSite {
    pub dir: tempfile::TempDir,
}

pub(crate) struct Run {
    pub code: i32,
    pub stderr: String,
}

impl TestSite {
    pub(crate) fn new() -> TestSite {
        TestSite {
            dir: tempfile::tempdir().unwrap(),
        }
    }

    /// A copy of a fixture under tests/fixtures.
    pub(crate) fn from_fixture(name: &str) -> TestSite {
        let site = TestSite::new();
        copy_dir(&repo().join("tests/fixtures").join(name), site.root());
        site
    }

    pub(crate) fn root(&self) -> &Path {
        self.dir.path()
    }

    pub(crate) fn file(&self, rel: &str, text: &str) -> &Self {
        let path = self.root().join(rel);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(path, text).unwrap();
        self
    }

    pub(crate) fn run(&self, args: &[&str]) -> Run {
        run_in(self.root(), args)
    }

    pub(crate) fn build(&self) -> Run {
        self.run(&["build", "--format", "short"])
    }

    pub(crate) fn check(&self) -> Run {
        self.run(&["check", "--format", "short"])
    }

    pub(crate) fn output(&self, rel: &str) -> String {
        let path = self.root().join("public").join(rel);
        std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
    }

    pub(crate) fn exists(&self, rel: &str) -> bool {
        self.root().join("public").join(rel).exists()
    }
}

/// Two pages, one linking to a heading of the other: the smallest site that builds cleanly.
pub(crate) fn good_site() -> TestSite {
    let site = TestSite::new();
    site.file(
        "content/index.md",
        "# Home\n\nSee [the guide](guides/setup.md#install).\n",
    );
    site.file(
        "content/guides/setup.md",
        "---\ntitle: Setup\ndate: 2025-01-02\n---\n## Install\n\nText.\n",
    );
    site
}

pub(crate) fn run_in(dir: &Path, args: &[&str]) -> Run {
    let out = Command::new(BIN)
        .args(args)
        .current_dir(dir)
        .output()
        .unwrap();
    Run {
        code: out.status.code().unwrap_or(-1),
        stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
    }
}

pub(crate) fn copy_dir(from: &Path, to: &Path) {
    for entry in walkdir::WalkDir::new(from) {
        let entry = entry.unwrap();
        let rel = entry.path().strip_prefix(from).unwrap();
        let dest = to.join(rel);
        if entry.file_type().is_dir() {
            std::fs::create_dir_all(&dest).unwrap();
        } else {
            std::fs::copy(entry.path(), &dest).unwrap();
        }
    }
}

/// Every file under `dir` with its bytes, for "nothing changed" checks.
pub(crate) fn snapshot(dir: &Path) -> BTreeMap<PathBuf, Vec<u8>> {
    walkdir::WalkDir::new(dir)
        .into_iter()
        .map(|e| e.unwrap())
        .filter(|e| e.file_type().is_file())
        .map(|e| {
            (
                e.path().strip_prefix(dir).unwrap().to_path_buf(),
                std::fs::read(e.path()).unwrap(),
            )
        })
        .collect()
}

/// HTML files under `dir`, relative, sorted.
pub(crate) fn html_files(dir: &Path) -> Vec<String> {
    let mut v: Vec<String> = walkdir::WalkDir::new(dir)
        .into_iter()
        .map(|e| e.unwrap())
        .filter(|e| e.path().extension().is_some_and(|x| x == "html"))
        .map(|e| {
            e.path()
                .strip_prefix(dir)
                .unwrap()
                .to_string_lossy()
                .replace('\\', "/")
        })
        .collect();
    v.sort();
    v
}
