//! Every read of the site: `canon.toml`, content pages, co-located files, templates, static
//! assets and `requirements.lock`.
//!
//! Input: a checked [`Config`]. Output: [`Inputs`], with every text file registered in the
//! [`SourceMap`] so later stages can point into it. This is the only stage that reads the site;
//! the stages after it take and return values.

pub mod frontmatter;
pub mod theme;

use std::path::{Path, PathBuf};
use std::sync::Arc;

use rayon::prelude::*;
use walkdir::WalkDir;

use crate::config::{CONFIG_FILE, Config, display_name};
use crate::diagnostics::{Diagnostic, Diagnostics, FileId, SourceMap};

/// A Markdown file as read.
#[derive(Debug, Clone)]
pub struct RawPage {
    /// Its id in the source map.
    pub file: FileId,
    /// Path under the content folder, `/`-separated (`standards/access-control.md`).
    pub rel: String,
    /// The text, without a BOM.
    pub text: Arc<str>,
}

/// Where an asset's bytes come from.
#[derive(Debug, Clone)]
pub enum AssetSource {
    /// A file on disk.
    Disk(PathBuf),
    /// A file of the built-in theme.
    Embedded(&'static [u8]),
}

/// A file copied to the output as it is.
#[derive(Debug, Clone)]
pub struct Asset {
    /// Path under the output folder, `/`-separated.
    pub rel: String,
    /// Its bytes.
    pub source: AssetSource,
}

/// A Tera template.
#[derive(Debug, Clone)]
pub struct TemplateSource {
    /// Name used in `{% extends %}` and by the renderer (`page.html`).
    pub name: String,
    /// Its id in the source map.
    pub file: FileId,
    /// Its text.
    pub text: Arc<str>,
}

/// Everything the build reads.
#[derive(Debug, Default)]
pub struct Inputs {
    /// Markdown files, sorted by path.
    pub pages: Vec<RawPage>,
    /// Files copied as they are: theme static, site static, then co-located content files.
    pub assets: Vec<Asset>,
    /// Templates: the theme's, with the site's own replacing any of the same name.
    pub templates: Vec<TemplateSource>,
    /// The text of the theme's `canon.css` (after any site override), which the 404 page
    /// inlines: it is served at any depth, where a linked stylesheet may not resolve.
    pub stylesheet: String,
    /// `requirements.lock`, when the site has one.
    pub lock: Option<LockFile>,
}

/// `requirements.lock` as read: its id in the source map and its entries.
#[derive(Debug)]
pub struct LockFile {
    /// Its id in the source map.
    pub file: FileId,
    /// The published ids it records.
    pub entries: Vec<crate::published::Entry>,
}

/// Reads `canon.toml` under `root`, when there is one, and checks it.
///
/// Returns `None` when the file has errors; they are in `diags`. I/O failures other than the
/// file being absent are returned as `Err`.
pub fn config(
    root: &Path,
    sources: &mut SourceMap,
    diags: &mut Diagnostics,
) -> anyhow::Result<Option<Config>> {
    let path = root.join(CONFIG_FILE);
    if !path.exists() {
        let content_folder = root.join("content").is_dir();
        return Ok(Some(crate::config::without_file(root, content_folder)));
    }
    let text = std::fs::read_to_string(&path)
        .map_err(|e| anyhow::anyhow!("failed to read `{}`: {e}", path.display()))?;
    let file = sources.add(display_name(&path), Arc::from(text.as_str()));
    Ok(crate::config::parse(root, file, &text, diags))
}

/// Reads `requirements.lock` at the site root, when there is one; lines it cannot read are
/// errors in `diags`.
fn lock(
    config: &Config,
    sources: &mut SourceMap,
    diags: &mut Diagnostics,
) -> anyhow::Result<Option<LockFile>> {
    let path = config.root.join(crate::published::LOCK_FILE);
    let text = match std::fs::read_to_string(&path) {
        Ok(t) => t,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(None),
        Err(e) => return Err(anyhow::anyhow!("cannot read {}: {e}", path.display())),
    };
    let file = sources.add(crate::published::LOCK_FILE, Arc::from(text.as_str()));
    let mut found = Vec::new();
    let entries = crate::published::parse(&text, file, &mut found);
    diags.extend(found);
    Ok(Some(LockFile { file, entries }))
}

/// Folder names never treated as content.
const SKIP_DIRS: &[&str] = &["node_modules", "target"];

/// Whether a file name is a Markdown page.
pub fn is_markdown(name: &str) -> bool {
    name.ends_with(".md") || name.ends_with(".markdown") || name.ends_with(".md.erb")
}

enum Found {
    Page(String, PathBuf),
    Asset(String, PathBuf),
}

/// Reads the whole site.
pub fn load(
    config: &Config,
    sources: &mut SourceMap,
    diags: &mut Diagnostics,
) -> anyhow::Result<Inputs> {
    load_with(config, &mut Cache::default(), sources, diags)
}

/// Page texts kept between builds of one session, by path, with the size and modification
/// time they were read at: an unchanged file is not read again, and keeps the same shared
/// text, which later stages compare by pointer.
#[derive(Default)]
pub struct Cache {
    texts: std::collections::HashMap<PathBuf, (u64, std::time::SystemTime, Arc<str>)>,
}

/// A page as read: its content path, file path, size and modification time, and text.
type Read = (
    String,
    PathBuf,
    Option<(u64, std::time::SystemTime)>,
    Result<Arc<str>, ReadError>,
);

/// As [`load`], reading again only the pages whose size or modification time changed.
pub fn load_with(
    config: &Config,
    cache: &mut Cache,
    sources: &mut SourceMap,
    diags: &mut Diagnostics,
) -> anyhow::Result<Inputs> {
    let mut inputs = Inputs::default();
    load_theme(config, sources, diags, &mut inputs)?;
    inputs.stylesheet = match inputs
        .assets
        .iter()
        .find(|a| a.rel == "canon.css")
        .map(|a| &a.source)
    {
        Some(AssetSource::Embedded(bytes)) => String::from_utf8_lossy(bytes).into_owned(),
        Some(AssetSource::Disk(path)) => std::fs::read_to_string(path)
            .map_err(|e| anyhow::anyhow!("failed to read `{}`: {e}", path.display()))?,
        None => String::new(),
    };
    let found = walk_content(config, diags)?;
    let mut page_paths = Vec::new();
    for f in found {
        match f {
            Found::Page(rel, path) => page_paths.push((rel, path)),
            Found::Asset(rel, path) => inputs.assets.push(Asset {
                rel,
                source: AssetSource::Disk(path),
            }),
        }
    }
    let previous = &cache.texts;
    let read: Vec<Read> = page_paths
        .into_par_iter()
        .map(|(rel, path)| {
            let stamp = std::fs::metadata(&path)
                .ok()
                .and_then(|m| Some((m.len(), m.modified().ok()?)));
            if let (Some(stamp), Some((len, modified, text))) = (stamp, previous.get(&path))
                && stamp == (*len, *modified)
            {
                return (rel, path, Some(stamp), Ok(text.clone()));
            }
            let text = read_text(&path).map(Arc::from);
            (rel, path, stamp, text)
        })
        .collect();
    let mut texts = std::collections::HashMap::with_capacity(read.len());
    for (_, path, stamp, text) in &read {
        if let (Some((len, modified)), Ok(text)) = (stamp, text) {
            texts.insert(path.clone(), (*len, *modified, text.clone()));
        }
    }
    cache.texts = texts;
    let read: Vec<(String, PathBuf, Result<Arc<str>, ReadError>)> = read
        .into_iter()
        .map(|(rel, path, _, text)| (rel, path, text))
        .collect();
    for (rel, path, text) in read {
        let name = display_name(&path);
        match text {
            Ok(text) => {
                let file = sources.add(name, text.clone());
                inputs.pages.push(RawPage { file, rel, text });
            }
            Err(ReadError::Io(e)) => anyhow::bail!("failed to read `{}`: {e}", path.display()),
            Err(ReadError::Encoding { why, text, at }) => {
                diags.push(encoding_error(
                    "load/encoding",
                    sources,
                    name,
                    why,
                    text,
                    at,
                ));
            }
        }
    }
    inputs.lock = lock(config, sources, diags)?;
    Ok(inputs)
}

enum ReadError {
    Io(std::io::Error),
    /// Not UTF-8 text: why, the text with bad bytes replaced, and where the first one is.
    Encoding {
        why: String,
        text: String,
        at: usize,
    },
}

/// Line endings of old Mac files (a CR alone) as LF, which YAML, TOML and the front matter's
/// `---` lines expect. One byte for one, so every offset, line and column stays as it was.
fn lone_cr_to_lf(text: &str) -> String {
    if !text.contains('\r') {
        return text.to_string();
    }
    let bytes = text.as_bytes();
    let mut out = bytes.to_vec();
    for (i, b) in out.iter_mut().enumerate() {
        if *b == b'\r' && bytes.get(i + 1) != Some(&b'\n') {
            *b = b'\n';
        }
    }
    // Only one ASCII byte became another.
    String::from_utf8(out).unwrap_or_else(|_| text.to_string())
}

/// A file that is not UTF-8 text, shown as far as it can be read so that the frame points
/// at the line at fault.
fn encoding_error(
    code: &'static str,
    sources: &mut SourceMap,
    name: String,
    why: String,
    text: String,
    at: usize,
) -> Diagnostic {
    let end = text[at..].chars().next().map_or(at, |c| at + c.len_utf8());
    let file = sources.add(name, Arc::from(text));
    Diagnostic::error(code, why)
        .label(file, at..end, "here")
        .help("save the file as UTF-8 text")
}

/// Reads a text file as UTF-8, dropping a BOM.
fn read_text(path: &Path) -> Result<String, ReadError> {
    let bytes = std::fs::read(path).map_err(ReadError::Io)?;
    if bytes.starts_with(&[0xFF, 0xFE]) || bytes.starts_with(&[0xFE, 0xFF]) {
        return Err(ReadError::Encoding {
            why: "file is UTF-16, not UTF-8".into(),
            text: String::new(),
            at: 0,
        });
    }
    let bytes = bytes.strip_prefix(&[0xEF, 0xBB, 0xBF]).unwrap_or(&bytes);
    match std::str::from_utf8(bytes) {
        // A NUL byte is never text: the file is binary or damaged.
        Ok(s) => match memchr::memchr(0, s.as_bytes()) {
            Some(at) => Err(ReadError::Encoding {
                why: "file holds a NUL byte, which text never does".into(),
                text: s.to_string(),
                at,
            }),
            None => Ok(lone_cr_to_lf(s)),
        },
        Err(e) => Err(ReadError::Encoding {
            why: format!(
                "file is not valid UTF-8: byte {:#04x} cannot start or continue a character",
                bytes[e.valid_up_to()]
            ),
            // Up to the bad byte the lossy text is the file byte for byte.
            text: String::from_utf8_lossy(bytes).into_owned(),
            at: e.valid_up_to(),
        }),
    }
}

/// Whether the walk of the content folder reads this entry: never hidden files, nor folders
/// starting with `_`, build folders, the output folder, or (when the content is the root)
/// the theme, template and static folders.
fn entered(e: &walkdir::DirEntry, config: &Config, content_is_root: bool) -> bool {
    if e.depth() == 0 {
        return true;
    }
    let name = e.file_name().to_string_lossy();
    if name.starts_with('.') {
        return false;
    }
    if e.file_type().is_dir() {
        if name.starts_with('_')
            || SKIP_DIRS.contains(&name.as_ref())
            || same_path(e.path(), &config.output_dir)
        {
            return false;
        }
        if content_is_root
            && e.depth() == 1
            && matches!(name.as_ref(), "themes" | "templates" | "static")
        {
            return false;
        }
    }
    true
}

/// Every page and co-located file under the content folder, in file-name order.
fn walk_content(config: &Config, diags: &mut Diagnostics) -> anyhow::Result<Vec<Found>> {
    let content = &config.content_dir;
    if !content.is_dir() {
        anyhow::bail!("content folder `{}` does not exist", content.display());
    }
    let content_is_root = same_path(content, &config.root);
    let mut found = Vec::new();
    let walker = WalkDir::new(content)
        .follow_links(false)
        .sort_by_file_name()
        .into_iter();
    let it = walker.filter_entry(|e| entered(e, config, content_is_root));
    for entry in it {
        let entry = match entry {
            Ok(e) => e,
            Err(e) => {
                let path = e
                    .path()
                    .map(|p| p.display().to_string())
                    .unwrap_or_default();
                anyhow::bail!("failed to read `{path}`: {e}");
            }
        };
        if entry.depth() == 0 {
            continue;
        }
        let path = entry.path().to_path_buf();
        let Ok(rel_path) = path.strip_prefix(content) else {
            continue;
        };
        let Some(rel) = rel_path.to_str().map(|s| s.replace('\\', "/")) else {
            diags.push(Diagnostic::warning(
                "load/file-name",
                format!("skipped `{}`: its name is not UTF-8", path.display()),
            ));
            continue;
        };
        if entry.path_is_symlink() {
            diags.push(
                Diagnostic::warning(
                    "load/symlink",
                    format!("skipped symbolic link `{rel}`: canon does not follow links"),
                )
                .help("copy the file into the content folder instead"),
            );
            // Not followed, so a link to a folder is never entered; the rest of this folder
            // is read as usual.
            continue;
        }
        if !entry.file_type().is_file() {
            continue;
        }
        let name = entry.file_name().to_string_lossy();
        if content_is_root && entry.depth() == 1 && name == CONFIG_FILE {
            continue;
        }
        if is_markdown(&name) {
            found.push(Found::Page(rel, path));
        } else {
            found.push(Found::Asset(rel, path));
        }
    }
    Ok(found)
}

fn load_theme(
    config: &Config,
    sources: &mut SourceMap,
    diags: &mut Diagnostics,
    inputs: &mut Inputs,
) -> anyhow::Result<()> {
    let theme_dir = config.root.join("themes").join(&config.theme);
    if theme_dir.is_dir() {
        read_templates(&theme_dir.join("templates"), sources, diags, inputs)?;
        read_static(&theme_dir.join("static"), inputs)?;
    } else if config.theme == "default" {
        for (name, text) in theme::TEMPLATES {
            let file = sources.add(
                format!("<built-in theme>/templates/{name}"),
                Arc::from(*text),
            );
            inputs.templates.push(TemplateSource {
                name: (*name).to_string(),
                file,
                text: Arc::from(*text),
            });
        }
        for (rel, bytes) in theme::STATIC {
            inputs.assets.push(Asset {
                rel: (*rel).to_string(),
                source: AssetSource::Embedded(bytes),
            });
        }
    } else {
        anyhow::bail!(
            "theme `{}` not found: there is no folder `{}`",
            config.theme,
            theme_dir.display()
        );
    }
    read_templates(&config.root.join("templates"), sources, diags, inputs)?;
    read_static(&config.root.join("static"), inputs)?;
    Ok(())
}

/// Files under `dir` (which may be absent), as `/`-separated relative paths, skipping hidden ones.
fn files_under(dir: &Path) -> anyhow::Result<Vec<(String, PathBuf)>> {
    let mut out = Vec::new();
    if !dir.is_dir() {
        return Ok(out);
    }
    for entry in WalkDir::new(dir).sort_by_file_name() {
        let entry =
            entry.map_err(|e| anyhow::anyhow!("failed to read `{}`: {e}", dir.display()))?;
        if !entry.file_type().is_file() {
            continue;
        }
        let rel = entry
            .path()
            .strip_prefix(dir)
            .ok()
            .and_then(Path::to_str)
            .map(|s| s.replace('\\', "/"));
        match rel {
            Some(rel) if !rel.split('/').any(|s| s.starts_with('.')) => {
                out.push((rel, entry.path().to_path_buf()))
            }
            _ => {}
        }
    }
    Ok(out)
}

fn read_templates(
    dir: &Path,
    sources: &mut SourceMap,
    diags: &mut Diagnostics,
    inputs: &mut Inputs,
) -> anyhow::Result<()> {
    for (name, path) in files_under(dir)? {
        let display = display_name(&path);
        let text = match read_text(&path) {
            Ok(t) => t,
            Err(ReadError::Io(e)) => anyhow::bail!("failed to read `{}`: {e}", path.display()),
            Err(ReadError::Encoding { why, text, at }) => {
                diags.push(encoding_error(
                    "template/encoding",
                    sources,
                    display,
                    why,
                    text,
                    at,
                ));
                continue;
            }
        };
        let text: Arc<str> = Arc::from(text);
        let file = sources.add(display, text.clone());
        inputs.templates.retain(|t| t.name != name);
        inputs.templates.push(TemplateSource { name, file, text });
    }
    Ok(())
}

fn read_static(dir: &Path, inputs: &mut Inputs) -> anyhow::Result<()> {
    for (rel, path) in files_under(dir)? {
        inputs.assets.retain(|a| a.rel != rel);
        inputs.assets.push(Asset {
            rel,
            source: AssetSource::Disk(path),
        });
    }
    Ok(())
}

/// Whether two paths name the same place (comparing canonical forms where they exist).
pub fn same_path(a: &Path, b: &Path) -> bool {
    match (a.canonicalize(), b.canonicalize()) {
        (Ok(a), Ok(b)) => a == b,
        _ => a == b,
    }
}
