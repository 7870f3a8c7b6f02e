//! `canon serve` on an ephemeral loopback port: pages, headers, refusals, live reload, error
//! events, and incremental output equal to a full build.

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::sync::mpsc::{self, Receiver};
use std::time::{Duration, Instant};

use crate::support::{BIN, TestSite};

/// A running `canon serve`, stopped when dropped.
struct Server {
    child: Child,
    port: u16,
    log: Receiver<String>,
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

impl Server {
    fn start(root: &Path) -> Server {
        Server::start_with(root, &[])
    }

    fn start_with(root: &Path, args: &[&str]) -> Server {
        let mut child = Command::new(BIN)
            .args(["serve", "--port", "0", "--root"])
            .arg(root)
            .args(args)
            .stderr(Stdio::piped())
            .stdout(Stdio::null())
            .spawn()
            .unwrap();
        let stderr = child.stderr.take().unwrap();
        let (tx, rx) = mpsc::channel();
        std::thread::spawn(move || {
            for line in BufReader::new(stderr).lines() {
                let Ok(line) = line else { break };
                if tx.send(line).is_err() {
                    break;
                }
            }
        });
        // Owned at once, so the process is stopped even if the address never comes.
        let mut server = Server {
            child,
            port: 0,
            log: rx,
        };
        let deadline = Instant::now() + Duration::from_secs(30);
        while server.port == 0 {
            let line = server
                .log
                .recv_timeout(deadline.saturating_duration_since(Instant::now()))
                .expect("canon serve printed its address");
            if let Some(rest) = line.split("http://127.0.0.1:").nth(1) {
                server.port = rest.split('/').next().unwrap().parse().unwrap();
            }
        }
        server
    }

    /// Sends raw bytes, returns (status, head, body).
    fn raw(&self, request: &[u8]) -> (u16, String, Vec<u8>) {
        let mut s = TcpStream::connect(("127.0.0.1", self.port)).unwrap();
        s.set_read_timeout(Some(Duration::from_secs(10))).unwrap();
        s.write_all(request).unwrap();
        let mut buf = Vec::new();
        let _ = s.read_to_end(&mut buf);
        let split = buf
            .windows(4)
            .position(|w| w == b"\r\n\r\n")
            .map_or(buf.len(), |i| i + 4);
        let head = String::from_utf8_lossy(&buf[..split]).into_owned();
        let status = head
            .split(' ')
            .nth(1)
            .and_then(|s| s.parse().ok())
            .unwrap_or(0);
        let body = if head
            .to_ascii_lowercase()
            .contains("transfer-encoding: chunked")
        {
            dechunk(&buf[split..])
        } else {
            buf[split..].to_vec()
        };
        (status, head, body)
    }

    fn request(&self, method: &str, path: &str) -> (u16, String, Vec<u8>) {
        self.raw(
            format!("{method} {path} HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n")
                .as_bytes(),
        )
    }

    fn get(&self, path: &str) -> (u16, String) {
        let (status, _, body) = self.request("GET", path);
        (status, String::from_utf8_lossy(&body).into_owned())
    }

    fn events(&self) -> Events {
        let mut s = TcpStream::connect(("127.0.0.1", self.port)).unwrap();
        s.write_all(b"GET /__canon/events HTTP/1.1\r\nHost: localhost\r\n\r\n")
            .unwrap();
        s.set_read_timeout(Some(Duration::from_millis(200)))
            .unwrap();
        let mut events = Events {
            stream: s,
            buf: String::new(),
        };
        // Wait for the headers, so the channel is registered before anything changes.
        events.wait_for_headers();
        events
    }
}

/// The body of a chunked response: each chunk is its size in hex, CRLF, the bytes, CRLF.
fn dechunk(mut rest: &[u8]) -> Vec<u8> {
    let mut body = Vec::new();
    loop {
        let line_end = rest
            .windows(2)
            .position(|w| w == b"\r\n")
            .expect("chunk size");
        let size = std::str::from_utf8(&rest[..line_end]).unwrap();
        let size = usize::from_str_radix(size.split(';').next().unwrap().trim(), 16).unwrap();
        rest = &rest[line_end + 2..];
        if size == 0 {
            return body;
        }
        body.extend_from_slice(&rest[..size]);
        rest = &rest[size + 2..];
    }
}

struct Events {
    stream: TcpStream,
    buf: String,
}

impl Events {
    /// Reads until `done` holds for what has been read.
    fn read_until(&mut self, done: impl Fn(&str) -> bool, what: &str) {
        let deadline = Instant::now() + Duration::from_secs(20);
        let mut chunk = [0u8; 4096];
        while !done(&self.buf) {
            assert!(Instant::now() < deadline, "no {what}; got:\n{}", self.buf);
            match self.stream.read(&mut chunk) {
                Ok(0) => panic!("event stream closed; got:\n{}", self.buf),
                Ok(n) => self.buf.push_str(&String::from_utf8_lossy(&chunk[..n])),
                Err(_) => {}
            }
        }
    }

    /// Waits for the stream's headers and drops them, keeping any event that came with them.
    fn wait_for_headers(&mut self) {
        const END: &str = "retry: 500\n\n";
        self.read_until(|t| t.contains(END), "stream headers");
        if let Some(i) = self.buf.find(END) {
            self.buf.drain(..i + END.len());
        }
    }

    /// Waits for the next event of this name and returns its data line; events before it are
    /// skipped, events after it stay for the next call.
    fn next(&mut self, name: &str) -> String {
        let marker = format!("event: {name}\n");
        self.read_until(
            |t| t.find(&marker).is_some_and(|i| t[i..].contains("\n\n")),
            &format!("`{name}` event"),
        );
        let start = self.buf.find(&marker).unwrap_or(0);
        let end = start + self.buf[start..].find("\n\n").unwrap_or(0) + 2;
        let event = self.buf[start..end].to_string();
        self.buf.drain(..end);
        event
            .lines()
            .nth(1)
            .unwrap_or("")
            .trim_start_matches("data: ")
            .to_string()
    }
}

fn site() -> TestSite {
    let site = TestSite::new();
    site.file(
        "content/index.md",
        "# Home\n\nSee [the guide](guides/setup.md).\n",
    );
    site.file(
        "content/guides/setup.md",
        "---\ntitle: Setup\n---\n## Install\n\nFirst version.\n",
    );
    site
}

#[test]
fn serves_pages_folders_404s_and_only_get_and_head() {
    let site = site();
    let server = Server::start(site.root());
    let (status, head, body) = server.request("GET", "/");
    assert_eq!(status, 200, "{head}");
    assert!(
        head.contains("Content-Type: text/html; charset=utf-8"),
        "{head}"
    );
    assert!(head.contains("Cache-Control: no-store"), "{head}");
    let body = String::from_utf8_lossy(&body);
    assert!(
        body.contains("<script src=\"/__canon/live.js\" defer></script>"),
        "reload script injected when serving"
    );
    assert_eq!(server.get("/guides/setup/").0, 200);
    let (status, head, _) = server.request("GET", "/guides/setup");
    assert_eq!(status, 301);
    assert!(head.contains("Location: /guides/setup/"), "{head}");
    let (status, head, _) = server.request("GET", "/canon.css");
    assert_eq!(status, 200);
    assert!(head.contains("Content-Type: text/css"), "{head}");
    let (status, body) = server.get("/no/such/page/");
    assert_eq!(status, 404);
    assert!(body.contains("Page not found"), "the site's own 404 page");
    let (status, head, body) = server.request("HEAD", "/");
    assert_eq!((status, body.len()), (200, 0), "{head}");
    for method in ["POST", "PUT", "DELETE", "OPTIONS"] {
        let (status, head, _) = server.request(method, "/");
        assert_eq!(status, 405, "{method}");
        assert!(head.contains("Allow: GET, HEAD"), "{head}");
    }
    assert_eq!(server.get("/__canon/live.js").0, 200);
}

/// A build's memory comes in 4 KiB pages (see `small_pages` in src/main.rs): the kernel then
/// zeroes only what is touched, not 2 MiB at a time.
#[cfg(target_os = "linux")]
#[test]
fn the_process_asks_for_small_pages_only() {
    let site = site();
    let server = Server::start(site.root());
    let status = std::fs::read_to_string(format!("/proc/{}/status", server.child.id())).unwrap();
    let thp = status
        .lines()
        .find_map(|l| l.strip_prefix("THP_enabled:"))
        .map(str::trim);
    // Linux reports `THP_enabled` since 5.0.
    assert_eq!(thp, Some("0"), "{status}");
}

#[test]
fn nothing_outside_the_site_is_served() {
    let outer = tempfile::tempdir().unwrap();
    std::fs::write(outer.path().join("secret.txt"), "TOP-SECRET-MARKER").unwrap();
    let root = outer.path().join("site");
    std::fs::create_dir_all(root.join("content")).unwrap();
    std::fs::write(root.join("content/index.md"), "# Home\n").unwrap();
    #[cfg(unix)]
    std::os::unix::fs::symlink(
        outer.path().join("secret.txt"),
        root.join("content/leak.txt"),
    )
    .unwrap();
    let server = Server::start(&root);
    for path in [
        "/../secret.txt",
        "/../../secret.txt",
        "/%2e%2e/secret.txt",
        "/%2E%2E%2Fsecret.txt",
        "/..%2fsecret.txt",
        "/..%5csecret.txt",
        "/..\\secret.txt",
        "/content/../../secret.txt",
        "/./../secret.txt",
        "/%252e%252e/secret.txt",
        "/leak.txt",
        "/content/leak.txt",
        &format!("/{}", outer.path().join("secret.txt").display()),
        &format!("http://127.0.0.1{}/../secret.txt", "/x"),
    ] {
        let (status, _, body) = server.request("GET", path);
        assert!(status == 400 || status == 404, "{path}: {status}");
        assert!(
            !String::from_utf8_lossy(&body).contains("TOP-SECRET-MARKER"),
            "{path} leaked"
        );
    }
}

#[test]
fn edits_new_and_deleted_pages_reload_and_are_served() {
    let site = site();
    let server = Server::start(site.root());
    let mut events = server.events();
    site.file(
        "content/guides/setup.md",
        "---\ntitle: Setup\n---\n## Install\n\nSecond version.\n",
    );
    events.next("reload");
    assert!(server.get("/guides/setup/").1.contains("Second version."));
    site.file("content/guides/new.md", "# Brand new\n");
    events.next("reload");
    assert_eq!(server.get("/guides/new/").0, 200);
    assert!(
        server.get("/guides/").1.contains("Brand new"),
        "listings follow"
    );
    std::fs::remove_file(site.root().join("content/guides/new.md")).unwrap();
    events.next("reload");
    assert_eq!(server.get("/guides/new/").0, 404);
    // An editor's atomic save: write a temporary file, then rename it over the page.
    site.file(
        "content/guides/.setup.md.tmp",
        "---\ntitle: Setup\n---\n## Install\n\nThird version.\n",
    );
    std::fs::rename(
        site.root().join("content/guides/.setup.md.tmp"),
        site.root().join("content/guides/setup.md"),
    )
    .unwrap();
    events.next("reload");
    assert!(server.get("/guides/setup/").1.contains("Third version."));
}

#[test]
fn a_broken_edit_reports_where_and_keeps_the_last_good_site() {
    let site = site();
    let mut server = Server::start(site.root());
    let mut events = server.events();
    site.file(
        "content/guides/setup.md",
        "---\ntitle: [Setup\n---\nBroken.\n",
    );
    let data = events.next("failed");
    assert!(data.contains("content/guides/setup.md:"), "{data}");
    assert!(data.contains("frontmatter/syntax"), "{data}");
    let (status, body) = server.get("/guides/setup/");
    assert_eq!(status, 200);
    assert!(
        body.contains("First version."),
        "the last good page is still served"
    );
    // A tab opened now learns of the failure at once.
    let mut late = server.events();
    assert!(late.next("failed").contains("setup.md"));
    site.file(
        "content/guides/setup.md",
        "---\ntitle: Setup\n---\n## Install\n\nFixed.\n",
    );
    events.next("reload");
    assert!(server.get("/guides/setup/").1.contains("Fixed."));
    assert!(
        server.child.try_wait().unwrap().is_none(),
        "the server is still running"
    );
    let _ = &server.log;
}

#[test]
fn a_stylesheet_change_swaps_without_reloading() {
    let site = site();
    site.file("static/extra.css", "body { color: black; }\n");
    let server = Server::start(site.root());
    let mut events = server.events();
    site.file("static/extra.css", "body { color: navy; }\n");
    events.next("css");
    assert!(server.get("/extra.css").1.contains("navy"));
}

#[test]
fn incremental_output_equals_a_full_build() {
    let site = TestSite::from_fixture("good/glossary");
    site.file(
        "content/guides/a.md",
        "# Alpha\n\nSee [beta](b.md) about MFA.\n",
    );
    site.file("content/guides/b.md", "# Beta\n\nPhishing.\n");
    let server = Server::start(site.root());
    let mut events = server.events();
    // A body edit, a title change that other pages show, a new page, a deleted page.
    site.file(
        "content/guides/a.md",
        "# Alpha\n\nSee [beta](b.md) about MFA, again.\n",
    );
    events.next("reload");
    site.file("content/guides/b.md", "# Beta, renamed\n\nPhishing.\n");
    events.next("reload");
    site.file(
        "content/guides/c.md",
        "# Gamma\n\nLinks to [alpha](a.md).\n",
    );
    events.next("reload");
    std::fs::remove_file(site.root().join("content/opted-out.md")).unwrap();
    events.next("reload");
    // The search index follows the reload.
    events.next("indexed");
    assert_serves_a_full_build(site.root(), &server, &[]);
}

/// Every file a full build of `root` writes is served, byte for byte (but for the reload
/// script). `args` go to the build as they went to `canon serve`.
fn assert_serves_a_full_build(root: &Path, server: &Server, args: &[&str]) {
    let out = tempfile::tempdir().unwrap();
    let dest = out.path().join("full");
    let mut build = vec![
        "build",
        "--base-url",
        "/",
        "--output",
        dest.to_str().unwrap(),
    ];
    build.extend(args);
    let run = crate::support::run_in(root, &build);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let full = crate::support::snapshot(&dest);
    let mut compared = 0;
    for (path, bytes) in full {
        let path = path.to_string_lossy().replace('\\', "/");
        if path == ".canon-output" {
            continue;
        }
        let (status, _, served) = server.request("GET", &format!("/{path}"));
        assert_eq!(status, 200, "{path}");
        let served = String::from_utf8_lossy(&served)
            .replace("<script src=\"/__canon/live.js\" defer></script>\n", "");
        assert_eq!(
            served,
            String::from_utf8_lossy(&bytes),
            "{path} differs from a full build"
        );
        compared += 1;
    }
    assert!(compared > 10, "{compared}");
}

/// Body edits that leave the site's structure alone are where a rebuild reuses the most (the
/// link graph, open data, listings, the glossary and requirements pages): after each kind,
/// everything served equals a full build.
#[test]
fn body_edits_keep_every_generated_page_equal_to_a_full_build() {
    let site = TestSite::new();
    for part in ["content", "themes"] {
        crate::support::copy_dir(&crate::support::repo().join(part), &site.root().join(part));
    }
    for file in ["canon.toml", "requirements.lock"] {
        std::fs::copy(crate::support::repo().join(file), site.root().join(file)).unwrap();
    }
    let today = ["--today", "2026-11-22"];
    let server = Server::start_with(site.root(), &today);
    let mut events = server.events();
    let edit = |rel: &str, from: &str, to: &str| {
        let path = site.root().join(rel);
        let text = std::fs::read_to_string(&path).unwrap();
        assert!(text.contains(from), "{rel} has no {from:?}");
        std::fs::write(&path, text.replacen(from, to, 1)).unwrap();
    };
    let edits: [(&str, &str, &str, &str); 8] = [
        // Prose alone: no link, term or requirement changes.
        (
            "plain prose",
            "content/standards/backup-and-recovery.md",
            "\n## ",
            "\nA sentence added to the prose.\n\n## ",
        ),
        // A new link: the target's backlinks and related pages change.
        (
            "a new link",
            "content/standards/backup-and-recovery.md",
            "A sentence added to the prose.",
            "See [access control](access-control.md).",
        ),
        // A new requirement: the standard's table, /requirements/ and the open data change.
        (
            "a new requirement",
            "content/standards/access-control.md",
            "- [2] MUST NOT",
            "- MAY keep a record of this edit.\n- [2] MUST NOT",
        ),
        // A glossary term used for the first time: the glossary lists the page.
        (
            "a glossary term",
            "content/about.md",
            "\n## ",
            "\nThe Caldicott Guardian is named here.\n\n## ",
        ),
        // A definition: the glossary page and /api/glossary.json change.
        (
            "a definition",
            "content/glossary/phishing.md",
            "\n\n",
            "\n\nA definition, edited.\n\n",
        ),
        // Front matter: the site is resolved again, and listings and breadcrumbs change.
        (
            "a new title",
            "content/standards/backup-and-recovery.md",
            "title: Backup and recovery",
            "title: Backups and recovery",
        ),
        (
            "a taxonomy term left out",
            "content/standards/backup-and-recovery.md",
            "audience: [Digital teams, Suppliers, Senior leaders]",
            "audience: [Digital teams, Suppliers]",
        ),
        // Prose again, on the site resolved after those.
        (
            "prose after front matter",
            "content/standards/backup-and-recovery.md",
            "See [access control](access-control.md).",
            "See [access control](access-control.md) first.",
        ),
    ];
    for (what, rel, from, to) in edits {
        edit(rel, from, to);
        let event = events.next("reload");
        assert!(!event.contains("error"), "{what}: {event}");
        events.next("indexed");
        assert_serves_a_full_build(site.root(), &server, &today);
    }
    // A problem found while resolving stays reported through a body edit elsewhere, which
    // reuses the resolved site, and goes when it is fixed.
    let standard = "content/standards/backup-and-recovery.md";
    edit(standard, "id: SEC-007", "id: SEC-001");
    assert!(events.next("failed").contains("schema/duplicate-id"));
    edit("content/about.md", "\n## ", "\nAnother sentence.\n\n## ");
    assert!(events.next("failed").contains("schema/duplicate-id"));
    edit(standard, "id: SEC-001", "id: SEC-007");
    events.next("reload");
    events.next("indexed");
    assert_serves_a_full_build(site.root(), &server, &today);
}

#[test]
fn templates_config_and_folders_rebuild_what_they_touch() {
    let site = site();
    let server = Server::start(site.root());
    let mut events = server.events();
    // A new folder with a page, then the folder removed.
    site.file("content/more/deep/page.md", "# Deep page\n");
    events.next("reload");
    assert_eq!(server.get("/more/deep/page/").0, 200);
    std::fs::remove_dir_all(site.root().join("content/more")).unwrap();
    events.next("reload");
    assert_eq!(server.get("/more/deep/page/").0, 404);
    // A site template replacing the theme's.
    site.file("templates/page.html", "{% extends \"base.html\" %}{% block main %}<h1>{{ page.title }}</h1><p>Custom template.</p>{{ page.content | safe }}{% endblock main %}\n");
    events.next("reload");
    assert!(server.get("/guides/setup/").1.contains("Custom template."));
    // canon.toml.
    site.file("canon.toml", "title = \"Renamed site\"\n");
    events.next("reload");
    assert!(server.get("/").1.contains("Renamed site"));
}

#[test]
fn many_open_tabs_do_not_block_pages_and_are_bounded() {
    let site = site();
    let server = Server::start(site.root());
    let mut tabs: Vec<Events> = (0..canon::serve::events::MAX_CLIENTS)
        .map(|_| server.events())
        .collect();
    assert_eq!(
        server.get("/guides/setup/").0,
        200,
        "pages are served while every channel is open"
    );
    let (status, _, _) = server.request("GET", "/__canon/events");
    assert_eq!(status, 503, "one channel too many");
    site.file(
        "content/guides/setup.md",
        "---\ntitle: Setup\n---\nEveryone hears this.\n",
    );
    for tab in tabs.iter_mut().take(3) {
        tab.next("reload");
    }
}

/// Resident memory of a process, in KiB (Linux).
#[cfg(target_os = "linux")]
fn rss_kib(pid: u32) -> u64 {
    std::fs::read_to_string(format!("/proc/{pid}/status"))
        .unwrap()
        .lines()
        .find_map(|l| l.strip_prefix("VmRSS:"))
        .and_then(|v| v.split_whitespace().next()?.parse().ok())
        .unwrap()
}

/// 200 connections at once (50 reload channels, 100 slow clients that never finish their
/// headers, 50 clients asking for pages) and malformed or hostile requests: normal requests
/// keep being answered, memory stays bounded, nothing outside the site is read.
#[cfg(target_os = "linux")]
#[test]
fn the_server_keeps_answering_under_load_and_attack() {
    let site = TestSite::from_fixture("good/glossary");
    site.file("content/guides/a.md", "# Alpha\n\nSome text.\n");
    // Something outside the site that an escape would reach.
    std::fs::write(site.root().join("secret.txt"), "canon-test-secret").unwrap();
    let server = Server::start(site.root());
    let (status, _) = server.get("/guides/a/");
    assert_eq!(status, 200);
    let rss_before = rss_kib(server.child.id());

    let channels: Vec<Events> = (0..50).map(|_| server.events()).collect();
    let slow: Vec<TcpStream> = (0..100)
        .map(|i| {
            let mut s = TcpStream::connect(("127.0.0.1", server.port)).unwrap();
            // Slowloris: a request line and part of a header, then nothing.
            s.write_all(
                format!("GET /guides/a/ HTTP/1.1\r\nHost: localhost\r\nX-Slow-{i}: ").as_bytes(),
            )
            .unwrap();
            s
        })
        .collect();

    let hostile: Vec<(&str, Vec<u8>)> = vec![
        ("invalid method", b"BREW /guides/a/ HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n".to_vec()),
        ("invalid percent-encoding", b"GET /guides/%zz/ HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n".to_vec()),
        ("encoded traversal", b"GET /%2e%2e/secret.txt HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n".to_vec()),
        ("encoded slash traversal", b"GET /guides/..%2f..%2fsecret.txt HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n".to_vec()),
        ("absolute-form URL", b"GET http://evil.example/../secret.txt HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n".to_vec()),
        ("backslashes", b"GET /..\\secret.txt HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n".to_vec()),
        ("binary garbage", b"\x00\x01\x02\xff\xfe garbage\r\n\r\n".to_vec()),
        ("a header of 1 MiB", {
            let mut r = b"GET /guides/a/ HTTP/1.1\r\nHost: x\r\nX-Big: ".to_vec();
            r.extend(std::iter::repeat_n(b'a', 1 << 20));
            r.extend(b"\r\nConnection: close\r\n\r\n");
            r
        }),
        ("10,000 headers", {
            let mut r = b"GET /guides/a/ HTTP/1.1\r\nHost: x\r\n".to_vec();
            for i in 0..10_000 {
                r.extend(format!("X-H{i}: v\r\n").as_bytes());
            }
            r.extend(b"Connection: close\r\n\r\n");
            r
        }),
    ];
    for (what, request) in &hostile {
        let mut s = TcpStream::connect(("127.0.0.1", server.port)).unwrap();
        s.set_read_timeout(Some(Duration::from_secs(10))).unwrap();
        // The server may close early on a bad request; that is an answer too.
        let _ = s.write_all(request);
        let mut answer = Vec::new();
        let _ = s.read_to_end(&mut answer);
        let answer = String::from_utf8_lossy(&answer);
        assert!(
            !answer.contains("canon-test-secret"),
            "{what}: read outside the site"
        );
        if what.contains("traversal") || what.contains("backslashes") || what.contains("absolute") {
            assert!(!answer.starts_with("HTTP/1.1 200"), "{what}: {answer:.200}");
        }
    }

    // Meanwhile, 50 clients each ask for pages, 10 times.
    let port = server.port;
    let readers: Vec<_> = (0..50)
        .map(|_| {
            std::thread::spawn(move || {
                let mut ok = 0;
                for _ in 0..10 {
                    let mut s = TcpStream::connect(("127.0.0.1", port)).unwrap();
                    s.set_read_timeout(Some(Duration::from_secs(20))).unwrap();
                    s.write_all(b"GET /guides/a/ HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
                        .unwrap();
                    let mut buf = Vec::new();
                    let _ = s.read_to_end(&mut buf);
                    let text = String::from_utf8_lossy(&buf);
                    if text.starts_with("HTTP/1.1 200") && text.contains("Some text.") {
                        ok += 1;
                    }
                }
                ok
            })
        })
        .collect();
    let answered: usize = readers.into_iter().map(|r| r.join().unwrap()).sum();
    assert_eq!(
        answered, 500,
        "pages answered while 150 connections were held open"
    );
    let (status, page) = server.get("/guides/a/");
    assert_eq!(status, 200);
    assert!(page.contains("Some text."));
    let rss_after = rss_kib(server.child.id());
    assert!(
        rss_after < rss_before + 200 * 1024,
        "memory grew from {rss_before} KiB to {rss_after} KiB"
    );
    drop(slow);
    drop(channels);
    // Once the slow clients are gone, the server is as it was.
    let (status, _) = server.get("/guides/a/");
    assert_eq!(status, 200);
}

/// A copy of the bundled example site, with its theme, configuration and lock.
fn example_copy() -> TestSite {
    let site = TestSite::new();
    for part in ["content", "themes"] {
        crate::support::copy_dir(&crate::support::repo().join(part), &site.root().join(part));
    }
    for file in ["canon.toml", "requirements.lock"] {
        std::fs::copy(crate::support::repo().join(file), site.root().join(file)).unwrap();
    }
    site
}

/// Replaces the first `from` in a file of the site with `to`.
fn edit(site: &TestSite, rel: &str, from: &str, to: &str) {
    let path = site.root().join(rel);
    let text = std::fs::read_to_string(&path).unwrap();
    assert!(text.contains(from), "{rel} has no {from:?}");
    std::fs::write(&path, text.replacen(from, to, 1)).unwrap();
}

/// Each kind of input a page can depend on, changed in turn: after each, everything served
/// equals a fresh full build and the served build reports what a full build reports. This is
/// the property that hand-listed cache keys can silently break.
#[test]
fn every_kind_of_input_rebuilds_to_what_a_full_build_makes() {
    let site = example_copy();
    site.file("static/files/policy.txt", "Version 1 of the policy.\n");
    // A body that shows another page's title: links with empty text take it.
    site.file(
        "content/reading.md",
        "# Reading list\n\nStart with [](standards/access-control.md).\n",
    );
    let today = ["--today", crate::support::TODAY];
    let server = Server::start_with(site.root(), &today);
    let mut events = server.events();
    let standard = "content/standards/access-control.md";
    let steps: [(&str, &dyn Fn()); 10] = [
        ("a page body", &|| {
            edit(
                &site,
                "content/about.md",
                "\n## ",
                "\nA sentence added.\n\n## ",
            )
        }),
        ("front matter", &|| {
            edit(
                &site,
                standard,
                "owner: Head of Identity",
                "owner: Chief of Identity",
            )
        }),
        // Methods list the standards they require, by title.
        ("a referenced page's title", &|| {
            edit(
                &site,
                standard,
                "title: Access control",
                "title: Access management",
            )
        }),
        ("a glossary definition", &|| {
            edit(
                &site,
                "content/glossary/phishing.md",
                "A message,",
                "An email,",
            )
        }),
        ("a template", &|| {
            edit(
                &site,
                "themes/default/templates/base.html",
                "</footer>",
                "<p>Template edited.</p></footer>",
            )
        }),
        ("a static file", &|| {
            site.file("static/files/policy.txt", "Version 2 of the policy.\n");
        }),
        ("a theme's static file", &|| {
            edit(
                &site,
                "themes/default/static/canon.css",
                "\n",
                "\n/* edited */\n",
            )
        }),
        ("canon.toml", &|| {
            edit(
                &site,
                "canon.toml",
                "title = \"How we work\"",
                "title = \"How we deliver\"",
            )
        }),
        ("a collection in canon.toml", &|| {
            edit(
                &site,
                "canon.toml",
                "title = \"Delivery methods\"",
                "title = \"Ways of delivery\"",
            )
        }),
        // A published id the site no longer has: the build warns, and still builds.
        ("the lock", &|| {
            let path = site.root().join("requirements.lock");
            let text = std::fs::read_to_string(&path).unwrap();
            let gone = "SEC-999.1 0123456789abcdef MUST be a requirement since withdrawn.\n";
            std::fs::write(path, text + gone).unwrap();
        }),
    ];
    for (what, change) in steps {
        change();
        let event = events.next(if what == "a theme's static file" {
            "css"
        } else {
            "reload"
        });
        assert!(!event.contains("error"), "{what}: {event}");
        events.next("indexed");
        assert_serves_a_full_build(site.root(), &server, &today);
        let full = crate::support::run_in(
            site.root(),
            &[
                "check",
                "--format",
                "short",
                "--today",
                crate::support::TODAY,
            ],
        );
        let served = served_warnings(&server);
        assert_eq!(
            served,
            warnings_of(&full.stderr),
            "{what}: served diagnostics"
        );
    }
    assert!(
        warnings_of(&crate::support::run_in(site.root(), &["check", "--format", "short"]).stderr)
            .iter()
            .any(|w| w.contains("requirements/removed")),
        "the edited lock is read"
    );
}

/// The `file:line:col: warning[code]` lines of one short-format run, sorted.
fn warnings_of(stderr: &str) -> Vec<String> {
    let mut lines: Vec<String> = stderr
        .lines()
        .filter(|l| l.contains(": warning[") || l.contains(": error["))
        .map(str::to_string)
        .collect();
    lines.sort();
    lines
}

/// The diagnostics the server printed for its last rebuild: the lines before its latest
/// `canon: rebuilt` summary and after the one before it.
fn served_warnings(server: &Server) -> Vec<String> {
    let mut groups = vec![Vec::new()];
    let deadline = Instant::now() + Duration::from_secs(10);
    loop {
        // Once a summary has come, a short quiet spell means no other rebuild follows.
        let wait = if groups.len() > 1 {
            Duration::from_millis(300)
        } else {
            deadline.saturating_duration_since(Instant::now())
        };
        let Ok(line) = server.log.recv_timeout(wait) else {
            break;
        };
        let done = line.starts_with("canon: rebuilt");
        groups.last_mut().unwrap().push(line);
        if done {
            groups.push(Vec::new());
        }
    }
    assert!(groups.len() > 1, "no rebuild summary: {groups:?}");
    warnings_of(&groups[groups.len() - 2].join("\n"))
}

/// The day reviews are judged against is an input too (a preview left running over midnight
/// sees a new one): a session's rebuild for a new day equals a fresh build for that day, in
/// files and in what it reports.
#[test]
fn a_new_day_rebuilds_to_what_a_full_build_makes() {
    use canon::pipeline::{BuildOptions, Session};
    let site = example_copy();
    let opts = |day: &str| BuildOptions {
        root: site.root().to_path_buf(),
        today: Some(day.into()),
        ..BuildOptions::default()
    };
    let files = |output: Option<canon::render::SiteOutput>| {
        let mut files: Vec<(String, Vec<u8>)> = output
            .expect("the site renders")
            .files
            .into_iter()
            .map(|f| (f.path, f.contents.to_vec()))
            .collect();
        files.sort();
        files
    };
    let codes = |report: &canon::pipeline::Report| {
        let mut codes: Vec<String> = report.diags.iter().map(|d| d.code.to_string()).collect();
        codes.sort();
        codes
    };
    let mut session = Session::new(opts(crate::support::TODAY));
    let (first, _, _) = session.run().unwrap();
    // A year on, every review is overdue.
    session.opts = opts("2027-11-22");
    let (report, output, _) = session.run().unwrap();
    let (fresh_report, fresh, _) = Session::new(opts("2027-11-22")).run().unwrap();
    assert_eq!(codes(&report), codes(&fresh_report));
    assert_ne!(
        codes(&first),
        codes(&report),
        "the new day finds overdue reviews"
    );
    let (ours, theirs) = (files(output), files(fresh));
    assert_eq!(ours.len(), theirs.len());
    for ((path, a), (_, b)) in ours.iter().zip(&theirs) {
        assert!(a == b, "{path} differs from a fresh build");
    }
}
