//! A real browser sees a page reload after an edit, and the error overlay after a broken one.
//! Needs Chromium (`/usr/bin/chromium`, or `CHROMIUM`); `.ci/run` installs it and runs these.

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use serde_json::{Value, json};

use crate::support::{BIN, TestSite};

struct Killed(Child);

impl Drop for Killed {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

/// Starts a process and returns it with the first stderr line containing `marker`.
fn start(mut command: Command, marker: &str) -> (Killed, String) {
    let mut child = Killed(
        command
            .stderr(Stdio::piped())
            .stdout(Stdio::null())
            .spawn()
            .expect("start"),
    );
    let stderr = child.0.stderr.take().expect("stderr");
    let (tx, rx) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        for line in BufReader::new(stderr).lines().map_while(Result::ok) {
            let _ = tx.send(line);
        }
    });
    let deadline = Instant::now() + Duration::from_secs(30);
    loop {
        let line = rx
            .recv_timeout(deadline.saturating_duration_since(Instant::now()))
            .unwrap_or_else(|_| panic!("no `{marker}` line"));
        if line.contains(marker) {
            return (child, line);
        }
    }
}

fn http_get(port: u16, path: &str) -> String {
    let mut s = TcpStream::connect(("127.0.0.1", port)).unwrap();
    s.set_read_timeout(Some(Duration::from_secs(10))).unwrap();
    s.write_all(
        format!("GET {path} HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\nConnection: close\r\n\r\n")
            .as_bytes(),
    )
    .unwrap();
    // DevTools may keep the connection open: read the body by its length.
    let mut buf = Vec::new();
    let mut chunk = [0u8; 8192];
    loop {
        let text = String::from_utf8_lossy(&buf).into_owned();
        if let Some((head, body)) = text.split_once("\r\n\r\n") {
            let len = head.lines().find_map(|l| {
                l.to_ascii_lowercase()
                    .strip_prefix("content-length:")
                    .map(|v| v.trim().parse::<usize>().unwrap_or(0))
            });
            if len.is_some_and(|n| body.len() >= n) {
                return body.to_string();
            }
        }
        match s.read(&mut chunk) {
            Ok(0) | Err(_) => {
                return text
                    .split_once("\r\n\r\n")
                    .map(|(_, b)| b.to_string())
                    .unwrap_or_default();
            }
            Ok(n) => buf.extend_from_slice(&chunk[..n]),
        }
    }
}

struct Page {
    socket: tungstenite::WebSocket<tungstenite::stream::MaybeTlsStream<TcpStream>>,
    next_id: u64,
}

impl Page {
    fn call(&mut self, method: &str, params: Value) -> Value {
        self.next_id += 1;
        let id = self.next_id;
        self.socket
            .send(tungstenite::Message::text(
                json!({"id": id, "method": method, "params": params}).to_string(),
            ))
            .unwrap();
        loop {
            let msg = self.socket.read().unwrap();
            let Ok(text) = msg.to_text() else { continue };
            let Ok(v) = serde_json::from_str::<Value>(text) else {
                continue;
            };
            if v["id"] == json!(id) {
                return v;
            }
        }
    }

    fn eval(&mut self, expression: &str) -> Value {
        let r = self.call(
            "Runtime.evaluate",
            json!({"expression": expression, "returnByValue": true}),
        );
        r["result"]["result"]["value"].clone()
    }

    /// Loads a path of the site served on `port`.
    fn open(&mut self, port: u16, path: &str) {
        self.call(
            "Page.navigate",
            json!({"url": format!("http://127.0.0.1:{port}{path}")}),
        );
    }

    fn wait_until(&mut self, expression: &str) {
        let deadline = Instant::now() + Duration::from_secs(15);
        while self.eval(expression) != json!(true) {
            if Instant::now() >= deadline {
                let state = self.eval("JSON.stringify({url: location.href, ready: document.readyState, resources: performance.getEntriesByType('resource').map(e => e.name + ' ' + e.responseStatus)})");
                panic!("never true: {expression}\npage: {state}");
            }
            std::thread::sleep(Duration::from_millis(50));
        }
    }
}

/// `canon serve` on `root` and headless Chromium with one page, driven over DevTools.
struct Session {
    _server: Killed,
    _browser: Killed,
    _profile: tempfile::TempDir,
    page: Page,
    port: u16,
}

fn port_after(line: &str, marker: &str) -> u16 {
    line.split(marker)
        .nth(1)
        .unwrap()
        .split('/')
        .next()
        .unwrap()
        .parse()
        .unwrap()
}

fn session(root: &std::path::Path) -> Session {
    let chromium = std::env::var("CHROMIUM").unwrap_or_else(|_| "/usr/bin/chromium".to_string());
    let mut serve = Command::new(BIN);
    serve.args(["serve", "--port", "0", "--root"]).arg(root);
    let (server, line) = start(serve, "http://127.0.0.1:");
    let port = port_after(&line, "http://127.0.0.1:");
    let profile = tempfile::tempdir().unwrap();
    let mut browser = Command::new(&chromium);
    browser
        .args([
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-quic",
            "--no-first-run",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--remote-debugging-port=0",
        ])
        .arg(format!("--user-data-dir={}", profile.path().display()))
        .arg("about:blank");
    let (browser, line) = start(browser, "DevTools listening on ws://");
    let devtools = port_after(&line, "ws://127.0.0.1:");
    let targets: Value = serde_json::from_str(&http_get(devtools, "/json/list")).unwrap();
    let ws = targets
        .as_array()
        .unwrap()
        .iter()
        .find(|t| t["type"] == "page")
        .expect("a page target")["webSocketDebuggerUrl"]
        .as_str()
        .unwrap()
        .to_string();
    let (socket, _) = tungstenite::connect(ws.as_str()).expect("devtools socket");
    Session {
        _server: server,
        _browser: browser,
        _profile: profile,
        page: Page { socket, next_id: 0 },
        port,
    }
}

#[test]
#[ignore = "needs Chromium; .ci/run installs it and runs the ignored tests"]
fn a_real_browser_reloads_after_an_edit_and_shows_errors() {
    let site = TestSite::new();
    site.file("content/index.md", "# Home\n");
    site.file(
        "content/guides/setup.md",
        "---\ntitle: Setup\n---\n## Install\n\nFirst version.\n",
    );
    let mut session = session(site.root());
    let port = session.port;
    let page = &mut session.page;

    page.open(port, "/guides/setup/");
    page.wait_until(
        "document.readyState === 'complete' && document.body.innerText.includes('First version.')",
    );
    // The reload channel is open once the server has counted the tab; give it a moment.
    std::thread::sleep(Duration::from_millis(300));
    page.eval("window.canonMarker = 42");

    site.file(
        "content/guides/setup.md",
        "---\ntitle: Setup\n---\n## Install\n\nSecond version.\n",
    );
    page.wait_until(
        "window.canonMarker === undefined && document.body.innerText.includes('Second version.')",
    );

    site.file(
        "content/guides/setup.md",
        "---\ntitle: [Setup\n---\nBroken.\n",
    );
    page.wait_until("!!document.getElementById('canon-overlay') && document.getElementById('canon-overlay').innerText.includes('setup.md')");
    assert_eq!(
        page.eval("document.body.innerText.includes('Second version.')"),
        json!(true),
        "the last good page stays"
    );

    site.file(
        "content/guides/setup.md",
        "---\ntitle: Setup\n---\n## Install\n\nThird version.\n",
    );
    page.wait_until("!document.getElementById('canon-overlay') && document.body.innerText.includes('Third version.')");
}

#[test]
#[ignore = "needs Chromium; .ci/run installs it and runs the ignored tests"]
fn a_real_browser_searches_with_suggestions_keyboard_and_facets() {
    let mut session = session(&crate::support::repo());
    let port = session.port;
    let page = &mut session.page;

    // Suggestions as the reader types in the header box.
    page.open(port, "/");
    page.wait_until("document.readyState === 'complete' && !!window.canonSearch");
    // The client splits and stems words exactly as the index builder does.
    for text in [
        "The Backups, SEC-004 and policies; processes, patches, logging, planned and installed.",
        "Status analysis: access for 2FA e-mail users – A.5.15 Ünïcode naïve cafés",
        "Reporting reported reports; running? run! runs.",
    ] {
        let js = page.eval(&format!(
            "canonSearch.terms({})",
            serde_json::to_string(text).unwrap()
        ));
        assert_eq!(js, json!(canon::search::text::terms(text)), "{text}");
    }
    page.eval("document.getElementById('site-search').focus()");
    page.call("Input.insertText", json!({"text": "mfa"}));
    page.wait_until("document.querySelectorAll('#site-search-options [role=option]').length > 1");
    let first = page.eval("document.querySelector('#site-search-options [role=option]').innerText");
    assert!(
        first
            .as_str()
            .unwrap_or("")
            .contains("multi-factor authentication")
            || first.as_str().unwrap_or("").contains("Multi-factor"),
        "{first}"
    );
    assert_eq!(
        page.eval("document.getElementById('site-search').getAttribute('aria-expanded')"),
        json!("true")
    );
    // Keyboard: the arrow moves the active option, announced through aria-activedescendant.
    page.call("Input.dispatchKeyEvent", json!({"type": "keyDown", "key": "ArrowDown", "code": "ArrowDown", "windowsVirtualKeyCode": 40}));
    page.wait_until("document.getElementById('site-search').getAttribute('aria-activedescendant') === 'site-search-option-0'");
    assert_eq!(
        page.eval("document.getElementById('site-search-option-0').getAttribute('aria-selected')"),
        json!("true")
    );
    page.call(
        "Input.dispatchKeyEvent",
        json!({"type": "keyDown", "key": "Escape", "code": "Escape", "windowsVirtualKeyCode": 27}),
    );
    page.wait_until("document.getElementById('site-search-options').hidden");

    // The search page: a standard's id first, the glossary definition on top, a facet that
    // filters and is kept in the URL.
    page.open(port, "/search/?q=SEC-004");
    page.wait_until("document.querySelectorAll('#search-results li').length > 0");
    assert_eq!(
        page.eval("document.querySelector('#search-results li a').innerText"),
        json!("Data protection by design")
    );
    page.open(port, "/search/?q=mfa");
    page.wait_until("!document.getElementById('search-definition').hidden && document.querySelectorAll('#search-results li').length > 1");
    assert!(
        page.eval("document.getElementById('search-definition').innerText")
            .as_str()
            .unwrap_or("")
            .contains("Multi-factor authentication")
    );
    let count = "parseInt(document.getElementById('search-status').innerText, 10)";
    let before = page.eval(count).as_u64().unwrap();
    page.eval("document.getElementById('facet-collection-modules').click()");
    page.wait_until("location.search.includes('collection=modules')");
    page.wait_until(&format!("{count} > 0 && {count} < {before}"));
    assert!(
        page.eval("document.getElementById('search-status').innerText")
            .as_str()
            .unwrap_or("")
            .contains("result")
    );
}

#[test]
#[ignore = "needs Chromium; .ci/run installs it and runs the ignored tests"]
fn a_real_browser_checks_quiz_answers_instantly() {
    let mut session = session(&crate::support::repo());
    let port = session.port;
    let page = &mut session.page;
    page.open(port, "/modules/spotting-phishing/");
    // The script shows the buttons it drives; without it they stay hidden.
    page.wait_until(
        "!!document.querySelector('.quiz__check') && !document.querySelector('.quiz__check').hidden",
    );
    let first = "document.querySelectorAll('[data-quiz-question]')[0]";
    page.eval(&format!("{first}.querySelector('.quiz__check').click()"));
    page.wait_until(&format!(
        "{first}.querySelector('.quiz__result').innerText === 'Choose an answer first.'"
    ));
    // A wrong answer shows its own feedback and says so.
    page.eval(&format!("{first}.querySelectorAll('input')[0].click()"));
    page.eval(&format!("{first}.querySelector('.quiz__check').click()"));
    page.wait_until(&format!(
        "{first}.querySelector('.quiz__result').innerText.startsWith('Not quite')"
    ));
    assert_eq!(
        page.eval(&format!(
            "{first}.querySelectorAll('.quiz__feedback')[0].hidden"
        )),
        json!(false)
    );
    // The right one.
    page.eval(&format!("{first}.querySelectorAll('input')[1].click()"));
    page.eval(&format!("{first}.querySelector('.quiz__check').click()"));
    page.wait_until(&format!(
        "{first}.querySelector('.quiz__result').innerText === 'Correct.'"
    ));
    assert_eq!(
        page.eval(&format!(
            "{first}.querySelectorAll('.quiz__feedback')[0].hidden"
        )),
        json!(true),
        "the feedback of an answer no longer chosen is hidden again"
    );
}

#[test]
#[ignore = "needs Chromium; .ci/run installs it and runs the ignored tests"]
fn a_real_browser_keeps_learning_path_progress_locally() {
    let mut session = session(&crate::support::repo());
    let port = session.port;
    let page = &mut session.page;
    page.open(port, "/modules/passwords-and-mfa/");
    // The script shows the toggle; without it the page has none.
    page.wait_until(
        "!!document.querySelector('.path-progress') && !document.querySelector('.path-progress').hidden",
    );
    page.eval("document.querySelector('.path-progress__toggle').click()");
    page.wait_until(
        "document.querySelector('.path-progress__toggle').getAttribute('aria-pressed') === 'true'",
    );
    page.open(port, "/paths/cyber-security-essentials/");
    page.wait_until(
        "!!document.querySelector('.steps__progress') && !document.querySelector('.steps__progress').hidden",
    );
    assert_eq!(
        page.eval("document.querySelector('.steps__progress').innerText"),
        json!("1 of 4 done (kept only in this browser)")
    );
    assert_eq!(
        page.eval("Array.from(document.querySelectorAll('.steps__done')).map(e => !e.hidden)"),
        json!([false, true, false, false])
    );
}

#[test]
#[ignore = "needs Chromium; .ci/run installs it and runs the ignored tests"]
fn a_fresh_browser_finishes_loading_a_served_page() {
    // A fresh browser opens several connections at once for a page's stylesheet and
    // scripts; tiny_http could leave one unserved, so the page never finished loading (about
    // half the time before the server nudged its thread pool). Five fresh browsers in a row.
    for _ in 0..5 {
        let mut session = session(&crate::support::repo());
        let port = session.port;
        let page = &mut session.page;
        page.open(port, "/modules/spotting-phishing/");
        page.wait_until("document.readyState === 'complete'");
        assert_eq!(
            page.eval("performance.getEntriesByType('resource').some(e => e.name.endsWith('/__canon/live.js'))"),
            json!(true)
        );
    }
}
