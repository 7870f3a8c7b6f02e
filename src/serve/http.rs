//! Answers one request from the current snapshot of the site. Only paths that name a file of
//! the built site are served: the URL is decoded once, any `.`/`..` segment, backslash or NUL
//! is refused, and what remains is looked up in the snapshot's own table, never joined onto a
//! folder on disk. GET and HEAD only; `Cache-Control: no-store`, so a preview is never stale.

use std::io::Cursor;
use std::sync::Arc;

use tiny_http::{Header, Method, Request, Response, StatusCode};

use super::Snapshot;

/// Path of the reload script.
pub const LIVE_JS_PATH: &str = "/__canon/live.js";
/// Path of the event stream.
pub const EVENTS_PATH: &str = "/__canon/events";
/// The reload script.
pub const LIVE_JS: &str = include_str!("live.js");

/// What a request asks for, once checked.
#[derive(Debug, PartialEq, Eq)]
pub enum Target {
    /// A file of the site, by its path in the snapshot.
    File(String),
    /// The folder exists; the URL lacks its trailing `/`.
    Redirect(String),
    /// The event stream.
    Events,
    /// The reload script.
    LiveJs,
    /// Nothing there.
    NotFound,
    /// The URL tries to leave the site or is malformed.
    Refused,
}

/// Decodes `%XX`; `None` for malformed escapes or text that is not UTF-8.
fn decode(path: &str) -> Option<String> {
    let bytes = path.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%' {
            let hex = bytes.get(i + 1..i + 3)?;
            let s = std::str::from_utf8(hex).ok()?;
            out.push(u8::from_str_radix(s, 16).ok()?);
            i += 3;
        } else {
            out.push(bytes[i]);
            i += 1;
        }
    }
    String::from_utf8(out).ok()
}

/// Works out what `url` asks for in `snapshot`.
pub fn target(url: &str, snapshot: &Snapshot) -> Target {
    let path = url.split(['?', '#']).next().unwrap_or("");
    if path == EVENTS_PATH {
        return Target::Events;
    }
    if path == LIVE_JS_PATH {
        return Target::LiveJs;
    }
    let Some(decoded) = decode(path) else {
        return Target::Refused;
    };
    if !decoded.starts_with('/') || decoded.contains(['\\', '\0']) {
        return Target::Refused;
    }
    let segments: Vec<&str> = decoded.split('/').skip(1).collect();
    if segments
        .iter()
        .any(|s| *s == ".." || *s == "." || s.contains(':'))
    {
        return Target::Refused;
    }
    let rel = segments.join("/");
    let key = if rel.is_empty() || rel.ends_with('/') {
        format!("{rel}index.html")
    } else {
        rel.clone()
    };
    if snapshot.files.contains_key(&key) {
        return Target::File(key);
    }
    if snapshot.files.contains_key(&format!("{rel}/index.html")) {
        return Target::Redirect(format!("{path}/"));
    }
    Target::NotFound
}

fn header(name: &str, value: &str) -> Option<Header> {
    Header::from_bytes(name.as_bytes(), value.as_bytes()).ok()
}

/// The media type of a path, by extension.
pub fn content_type(path: &str) -> &'static str {
    let ext = path
        .rsplit_once('.')
        .map(|(_, e)| e.to_ascii_lowercase())
        .unwrap_or_default();
    match ext.as_str() {
        "html" | "htm" => "text/html; charset=utf-8",
        "css" => "text/css; charset=utf-8",
        "js" | "mjs" => "text/javascript; charset=utf-8",
        "json" => "application/json",
        "xml" => "application/xml; charset=utf-8",
        "txt" => "text/plain; charset=utf-8",
        "svg" => "image/svg+xml",
        "png" => "image/png",
        "jpg" | "jpeg" => "image/jpeg",
        "gif" => "image/gif",
        "webp" => "image/webp",
        "avif" => "image/avif",
        "ico" => "image/x-icon",
        "pdf" => "application/pdf",
        "woff2" => "font/woff2",
        "woff" => "font/woff",
        "wasm" => "application/wasm",
        _ => "application/octet-stream",
    }
}

fn respond(request: Request, status: u16, ctype: &str, body: Arc<[u8]>, extra: &[(&str, &str)]) {
    let head = *request.method() == Method::Head;
    let len = body.len();
    let data: Vec<u8> = if head { Vec::new() } else { body.to_vec() };
    let mut response = Response::new(
        StatusCode(status),
        Vec::new(),
        Cursor::new(data),
        Some(len),
        None,
    );
    for (name, value) in [
        ("Content-Type", ctype),
        ("Cache-Control", "no-store"),
        ("X-Content-Type-Options", "nosniff"),
    ]
    .iter()
    .chain(extra.iter())
    {
        if let Some(h) = header(name, value) {
            response.add_header(h);
        }
    }
    // A client that went away is no error of the server's.
    let _ = request.respond(response);
}

/// Answers a request that is not for the event stream.
pub fn answer(request: Request, snapshot: &Snapshot) {
    if !matches!(request.method(), Method::Get | Method::Head) {
        return respond(
            request,
            405,
            "text/plain; charset=utf-8",
            Arc::from(&b"Only GET and HEAD are allowed.\n"[..]),
            &[("Allow", "GET, HEAD")],
        );
    }
    match target(request.url(), snapshot) {
        Target::File(path) => {
            let body = snapshot
                .files
                .get(&path)
                .cloned()
                .unwrap_or_else(|| Arc::from(&b""[..]));
            respond(request, 200, content_type(&path), body, &[]);
        }
        Target::Redirect(to) => respond(
            request,
            301,
            "text/plain; charset=utf-8",
            Arc::from(&b"Moved.\n"[..]),
            &[("Location", &to)],
        ),
        Target::LiveJs => respond(
            request,
            200,
            "text/javascript; charset=utf-8",
            Arc::from(LIVE_JS.as_bytes()),
            &[],
        ),
        Target::Refused => respond(
            request,
            400,
            "text/plain; charset=utf-8",
            Arc::from(&b"Bad request.\n"[..]),
            &[],
        ),
        Target::NotFound | Target::Events => respond(
            request,
            404,
            "text/html; charset=utf-8",
            snapshot.not_found.clone(),
            &[],
        ),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashMap;

    fn snapshot() -> Snapshot {
        let mut files: HashMap<String, Arc<[u8]>> = HashMap::new();
        for p in [
            "index.html",
            "standards/index.html",
            "standards/a b/index.html",
            "canon.css",
        ] {
            files.insert(p.to_string(), Arc::from(p.as_bytes()));
        }
        Snapshot {
            files,
            not_found: Arc::from(&b"404"[..]),
            failure: None,
        }
    }

    #[test]
    fn serves_files_folders_and_redirects() {
        let s = snapshot();
        assert_eq!(target("/", &s), Target::File("index.html".into()));
        assert_eq!(
            target("/standards/?q=1", &s),
            Target::File("standards/index.html".into())
        );
        assert_eq!(
            target("/standards", &s),
            Target::Redirect("/standards/".into())
        );
        assert_eq!(
            target("/standards/a%20b/", &s),
            Target::File("standards/a b/index.html".into())
        );
        assert_eq!(target("/canon.css", &s), Target::File("canon.css".into()));
        assert_eq!(target("/nope/", &s), Target::NotFound);
        assert_eq!(target("/__canon/events", &s), Target::Events);
    }

    #[test]
    fn refuses_every_form_of_traversal() {
        let s = snapshot();
        for url in [
            "/../etc/passwd",
            "/standards/../../etc/passwd",
            "/%2e%2e/etc/passwd",
            "/%2E%2E%2Fetc%2Fpasswd",
            "/standards/%2e%2e%2f%2e%2e%2fetc/passwd",
            "/..%5c..%5cetc%5cpasswd",
            "/standards\\..\\..\\etc\\passwd",
            "/./index.html",
            "/C:/Windows/win.ini",
            "/%00",
            "/%zz",
            "/%c0%ae%c0%ae/",
            "etc/passwd",
            "//etc/passwd",
        ] {
            let t = target(url, &s);
            assert!(
                matches!(t, Target::Refused | Target::NotFound),
                "{url}: {t:?}"
            );
        }
        assert_eq!(target("/etc/passwd", &s), Target::NotFound);
    }

    #[test]
    fn content_types() {
        assert_eq!(content_type("a/index.html"), "text/html; charset=utf-8");
        assert_eq!(content_type("canon.css"), "text/css; charset=utf-8");
        assert_eq!(content_type("x.SVG"), "image/svg+xml");
        assert_eq!(content_type("noext"), "application/octet-stream");
    }
}
