//! `canon serve`: builds the site in memory, serves it on loopback, watches the site and
//! rebuilds on every save, telling open tabs to reload (or to swap a stylesheet, or to show
//! what went wrong) over Server-Sent Events.
//!
//! Nothing is written to disk. A failed rebuild keeps the last good site served and shows its
//! diagnostics over every open page until the next good build; the server never exits on a
//! content error. File-serving threads and reload channels are separate, so serving stays
//! responsive while a rebuild runs and however many tabs are open.

pub mod events;
pub mod http;
pub mod watch;

use std::collections::HashMap;
use std::io::Write;
use std::net::IpAddr;
use std::path::PathBuf;
use std::sync::{Arc, RwLock};
use std::time::Instant;

use anyhow::Context as _;
use notify::Watcher;

use crate::diagnostics::render::{Style, render_all};
use crate::load::AssetSource;
use crate::pipeline::{BuildOptions, Session};
use crate::render::SiteOutput;
use events::{Clients, Event};

/// How long the site must be quiet before the search index is rebuilt.
pub const INDEX_AFTER: std::time::Duration = std::time::Duration::from_millis(250);

/// Threads answering file requests.
pub const WORKERS: usize = 4;

/// What `canon serve` is asked to do.
#[derive(Debug, Clone)]
pub struct ServeOptions {
    /// How to build (root, drafts, broken-link policy).
    pub build: BuildOptions,
    /// Address to listen on.
    pub bind: IpAddr,
    /// Port (0 picks a free one).
    pub port: u16,
    /// Open the site in a browser once it is served.
    pub open: bool,
}

/// The site as served: every file by its path, and the page for unknown paths.
#[derive(Debug, Default)]
pub struct Snapshot {
    /// Output files by path (`standards/x/index.html`).
    pub files: HashMap<String, Arc<[u8]>>,
    /// The 404 page.
    pub not_found: Arc<[u8]>,
    /// The last build's failure, sent to tabs that connect while it stands.
    pub failure: Option<Event>,
}

struct State {
    snapshot: RwLock<Arc<Snapshot>>,
    clients: Clients,
}

impl State {
    fn current(&self) -> Arc<Snapshot> {
        self.snapshot.read().map(|s| s.clone()).unwrap_or_default()
    }

    fn replace(&self, next: Snapshot) {
        if let Ok(mut s) = self.snapshot.write() {
            *s = Arc::new(next);
        }
    }
}

fn say(line: &str) {
    let _ = writeln!(std::io::stderr(), "{line}");
}

/// How often the server opens an empty connection to itself; see [`nudge_connections`].
pub const NUDGE_EVERY: std::time::Duration = std::time::Duration::from_millis(100);

/// Keeps tiny_http from leaving a connection unserved. Its thread pool (0.12) can lose the
/// wake-up for a connection accepted in a burst, such as the sockets a browser opens at once
/// for a page's stylesheet and scripts: the connection's task then waits in the queue until
/// a thread comes free, and threads stay busy while browsers keep their connections open, so
/// a request on it (often `/__canon/live.js`) hangs and the page never finishes loading.
/// Every new connection either starts a thread or wakes one, and a thread that finishes a
/// task takes the next queued one, so an empty connection every [`NUDGE_EVERY`] bounds the
/// wait.
fn nudge_connections(bind: IpAddr, port: u16) {
    let ip = match bind {
        IpAddr::V4(v4) if v4.is_unspecified() => IpAddr::V4(std::net::Ipv4Addr::LOCALHOST),
        IpAddr::V6(v6) if v6.is_unspecified() => IpAddr::V6(std::net::Ipv6Addr::LOCALHOST),
        other => other,
    };
    let addr = std::net::SocketAddr::new(ip, port);
    std::thread::spawn(move || {
        loop {
            std::thread::sleep(NUDGE_EVERY);
            // Connected and closed at once: tiny_http reads nothing and lets it go.
            let _ = std::net::TcpStream::connect_timeout(&addr, NUDGE_EVERY);
        }
    });
}

const SCRIPT_TAG: &str = "<script src=\"/__canon/live.js\" defer></script>";

/// Adds the reload script to a served page (never to `canon build` output).
pub fn inject(html: &[u8]) -> Vec<u8> {
    let text = String::from_utf8_lossy(html);
    match text.rfind("</body>") {
        Some(i) => format!("{}{SCRIPT_TAG}\n{}", &text[..i], &text[i..]).into_bytes(),
        None => format!("{text}{SCRIPT_TAG}\n").into_bytes(),
    }
}

/// Pages with the reload script added, by the page as built, so an unchanged page (the same
/// shared buffer as last time) is not copied again.
#[derive(Default)]
pub struct Injected {
    /// Path -> (the page as built, the page as served).
    pages: HashMap<String, BuiltAndServed>,
}

type BuiltAndServed = (Arc<[u8]>, Arc<[u8]>);

/// The served form of a built site.
pub fn snapshot(output: &SiteOutput, injected: &mut Injected) -> anyhow::Result<Snapshot> {
    let mut files: HashMap<String, Arc<[u8]>> =
        HashMap::with_capacity(output.files.len() + output.assets.len());
    for a in &output.assets {
        let bytes: Arc<[u8]> = match &a.source {
            AssetSource::Embedded(b) => Arc::from(*b),
            AssetSource::Disk(p) => Arc::from(
                std::fs::read(p).with_context(|| format!("failed to read `{}`", p.display()))?,
            ),
        };
        files.insert(a.rel.clone(), bytes);
    }
    let mut next = HashMap::with_capacity(output.files.len());
    for f in &output.files {
        if !f.path.ends_with(".html") {
            files.insert(f.path.clone(), f.contents.clone());
            continue;
        }
        let served = match injected.pages.get(&f.path) {
            Some((raw, served)) if Arc::ptr_eq(raw, &f.contents) => served.clone(),
            _ => Arc::from(inject(&f.contents)),
        };
        next.insert(f.path.clone(), (f.contents.clone(), served.clone()));
        files.insert(f.path.clone(), served);
    }
    injected.pages = next;
    let not_found = files.get("404.html").cloned().unwrap_or_else(|| {
        Arc::from(inject(
            b"<!DOCTYPE html><title>Not found</title><h1>Not found</h1>",
        ))
    });
    Ok(Snapshot {
        files,
        not_found,
        failure: None,
    })
}

/// A page that says the first build failed, shown until a build succeeds.
fn failure_page(text: &str) -> Arc<[u8]> {
    let escaped = crate::render::markdown::escape_html(text);
    let html = format!(
        "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"><title>canon: the site could not be built</title></head><body><main><h1>The site could not be built</h1><pre>{escaped}</pre></main>{SCRIPT_TAG}</body></html>\n"
    );
    Arc::from(html.into_bytes())
}

/// What one rebuild did.
#[derive(Debug)]
pub struct Outcome {
    /// Whether the new site is being served.
    pub ok: bool,
    /// The event sent to the tabs.
    pub event: Event,
    /// What the search index is to be built from, once the site is quiet.
    pub search: Option<crate::search::Input>,
    /// The output and content folders of the configuration built with, when it could be read.
    pub dirs: Option<(PathBuf, PathBuf)>,
}

fn rebuild(
    session: &mut Session,
    injected: &mut Injected,
    state: &State,
    changed: &[PathBuf],
) -> Outcome {
    let started = Instant::now();
    let built = session.run();
    let dirs = match &built {
        Ok((_, _, Some(config))) => Some((config.output_dir.clone(), config.content_dir.clone())),
        _ => None,
    };
    let mut built_output = None;
    let (event, next) = match built {
        Ok((report, Some(output), _)) if !report.diags.has_errors() => {
            if !report.timings.stages().is_empty() {
                say(report.timings.to_string().trim_end());
            }
            if !report.diags.is_empty() {
                say(&render_all(&report.diags, &report.sources, Style::Short));
            }
            say(&report.summary("rebuilt"));
            let snapped = snapshot(&output, injected);
            built_output = Some(output);
            match snapped {
                Ok(mut snap) => {
                    keep_index(&mut snap, state);
                    let name = if watch::only_css(changed) {
                        "css"
                    } else {
                        "reload"
                    };
                    let data = format!("{{\"ms\":{}}}", started.elapsed().as_millis());
                    (Event { name, data }, Some(snap))
                }
                Err(e) => (failure(1, &format!("{e:#}")), None),
            }
        }
        Ok((report, _, _)) => {
            let text = render_all(&report.diags, &report.sources, Style::Rich);
            say(&render_all(&report.diags, &report.sources, Style::Short));
            say(&report.summary("could not rebuild"));
            (failure(report.diags.errors().max(1), &text), None)
        }
        Err(e) => {
            say(&format!("error: {e:#}"));
            (failure(1, &format!("{e:#}")), None)
        }
    };
    let ok = next.is_some();
    match next {
        Some(snap) => state.replace(snap),
        None => keep_last_good(state, &event),
    }
    state.clients.broadcast(&event);
    let search = built_output.filter(|_| ok).and_then(|o| o.search);
    Outcome {
        ok,
        event,
        search,
        dirs,
    }
}

/// Until the new index is built, the last one answers searches.
fn keep_index(snap: &mut Snapshot, state: &State) {
    let old = state.current();
    for (path, bytes) in old
        .files
        .iter()
        .filter(|(p, _)| crate::search::is_index_path(p))
    {
        snap.files
            .entry(path.clone())
            .or_insert_with(|| bytes.clone());
    }
}

/// Keeps serving the last good site after a failed rebuild; new tabs learn of the failure on
/// connecting.
fn keep_last_good(state: &State, event: &Event) {
    let old = state.current();
    let not_found = if old.files.is_empty() {
        failure_page(&event.data)
    } else {
        old.not_found.clone()
    };
    state.replace(Snapshot {
        files: old.files.clone(),
        not_found,
        failure: Some(event.clone()),
    });
}

/// Builds the search index of the last good build and serves it.
fn index(input: &crate::search::Input, state: &State) {
    let search = crate::search::build(&input.docs, &input.facets, &input.glossary);
    let current = state.current();
    let mut files: HashMap<String, Arc<[u8]>> = current
        .files
        .iter()
        .filter(|(p, _)| !crate::search::is_index_path(p))
        .map(|(p, b)| (p.clone(), b.clone()))
        .collect();
    for (path, text) in search {
        files.insert(path, Arc::from(text.into_bytes()));
    }
    state.replace(Snapshot {
        files,
        not_found: current.not_found.clone(),
        failure: current.failure.clone(),
    });
    // Tabs may ignore this; tests and tools wait for it before searching.
    state.clients.broadcast(&Event {
        name: "indexed",
        data: "{}".into(),
    });
}

fn failure(errors: usize, text: &str) -> Event {
    let data = serde_json::json!({ "errors": errors, "text": text }).to_string();
    Event {
        name: "failed",
        data,
    }
}

/// Runs the server until the process is stopped.
pub fn serve(opts: ServeOptions) -> anyhow::Result<()> {
    let mut build = opts.build.clone();
    build.write = false;
    // The index is built after the reload is sent, so a save reloads as fast as it can.
    build.defer_search = true;
    // Pages are served from the root of the server, whatever base_url the site publishes to.
    build.base_url = Some("/".into());
    let root = build
        .root
        .canonicalize()
        .with_context(|| format!("site root `{}` is not a folder", build.root.display()))?;
    build.root = root.clone();
    let mut session = Session::new(build);
    let server = tiny_http::Server::http((opts.bind, opts.port))
        .map_err(|e| anyhow::anyhow!("cannot listen on {}:{}: {e}", opts.bind, opts.port))?;
    let port = server.server_addr().to_ip().map_or(opts.port, |a| a.port());
    if !opts.bind.is_loopback() {
        say(&format!(
            "warning: serving on {}, which other machines can reach; the preview is for this computer (use --bind 127.0.0.1)",
            opts.bind
        ));
    }
    let state = Arc::new(State {
        snapshot: RwLock::new(Arc::new(Snapshot::default())),
        clients: Clients::default(),
    });
    let (output, content) = site_dirs(&session);
    let (tx, rx) = std::sync::mpsc::channel();
    let mut watcher =
        notify::recommended_watcher(tx).context("cannot watch the site for changes")?;
    let mut watching = Watching::default();
    watching.update(&mut watcher, &root, &content)?;
    // Watch before the first build, so nothing saved from here on is missed.
    let mut injected = Injected::default();
    let first = rebuild(&mut session, &mut injected, &state, &[]);
    // The first index is ready before the address is given out.
    if let Some(input) = &first.search {
        index(input, &state);
    }
    let url = address(opts.bind, port);
    say(&format!(
        "canon: serving {url} (watching {}; Ctrl-C stops)",
        root.display()
    ));
    answer_requests(Arc::new(server), &state);
    nudge_connections(opts.bind, port);
    if opts.open {
        open_browser(&url);
    }

    // The search index waits until no save has come for a moment, so saves reload at once.
    let mut pending: Option<crate::search::Input> = None;
    loop {
        let idle = pending.as_ref().map(|_| INDEX_AFTER);
        match watch::next_batch(&rx, &root, &output, idle) {
            watch::Batch::Changed(batch) => {
                let outcome = rebuild(&mut session, &mut injected, &state, &batch);
                if outcome.search.is_some() {
                    pending = outcome.search;
                }
                // A folder created since (templates/, static/, a theme) is watched from now on.
                if let Some((_, content)) = &outcome.dirs {
                    watching.update(&mut watcher, &root, content)?;
                }
            }
            watch::Batch::Idle => {
                if let Some(input) = pending.take() {
                    index(&input, &state);
                }
            }
            watch::Batch::Stopped => return Ok(()),
        }
    }
}

/// The address to give out: loopback for an unspecified bind, IPv6 in brackets.
fn address(bind: IpAddr, port: u16) -> String {
    let host = if bind.is_unspecified() {
        "127.0.0.1".to_string()
    } else {
        bind.to_string()
    };
    let host = if host.contains(':') {
        format!("[{host}]")
    } else {
        host
    };
    format!("http://{host}:{port}/")
}

/// Starts the workers that answer requests from the current snapshot; each tab's event
/// stream gets a thread of its own, up to the limit.
fn answer_requests(server: Arc<tiny_http::Server>, state: &Arc<State>) {
    for _ in 0..WORKERS {
        let server = server.clone();
        let state = state.clone();
        std::thread::spawn(move || {
            while let Ok(request) = server.recv() {
                let snapshot = state.current();
                if http::target(request.url(), &snapshot) == http::Target::Events {
                    match state.clients.join() {
                        Some(rx) => {
                            let first = snapshot.failure.clone();
                            std::thread::spawn(move || {
                                events::stream(request.into_writer(), rx, first)
                            });
                        }
                        None => {
                            let _ = request.respond(
                                tiny_http::Response::from_string("Too many open tabs.\n")
                                    .with_status_code(503),
                            );
                        }
                    }
                } else {
                    http::answer(request, &snapshot);
                }
            }
        });
    }
}

/// The output folder `canon build` would write, ignored by the watcher, and the content
/// folder, from the session's configuration (defaults when it cannot be read).
fn site_dirs(session: &Session) -> (PathBuf, PathBuf) {
    let root = &session.opts.root;
    match session.config() {
        Ok(Some(c)) => (c.output_dir, c.content_dir),
        _ => (root.join("public"), root.join("content")),
    }
}

/// The folders being watched: the root itself (for `canon.toml` and new folders), and, with
/// everything under them, the content, templates, themes and static folders, so that a build
/// folder such as `target/` beside them costs nothing.
#[derive(Default)]
struct Watching {
    folders: Vec<PathBuf>,
}

impl Watching {
    fn update(
        &mut self,
        watcher: &mut impl Watcher,
        root: &std::path::Path,
        content: &std::path::Path,
    ) -> anyhow::Result<()> {
        let content_is_root = crate::load::same_path(content, root);
        let mut wanted = vec![(root.to_path_buf(), content_is_root)];
        if !content_is_root {
            wanted.push((content.to_path_buf(), true));
        }
        for dir in ["templates", "themes", "static"] {
            wanted.push((root.join(dir), true));
        }
        for (dir, recursive) in wanted {
            if self.folders.contains(&dir) || !dir.is_dir() {
                continue;
            }
            let mode = if recursive {
                notify::RecursiveMode::Recursive
            } else {
                notify::RecursiveMode::NonRecursive
            };
            watcher
                .watch(&dir, mode)
                .with_context(|| format!("cannot watch `{}`", dir.display()))?;
            self.folders.push(dir);
        }
        Ok(())
    }
}

fn open_browser(url: &str) {
    let program = if cfg!(target_os = "macos") {
        "open"
    } else if cfg!(windows) {
        "explorer"
    } else {
        "xdg-open"
    };
    if std::process::Command::new(program)
        .arg(url)
        .spawn()
        .is_err()
    {
        say(&format!("canon: could not open a browser; visit {url}"));
    }
}
