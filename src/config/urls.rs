//! Where the site lives and how its links are held to account: `base_url` and
//! `broken_links`.

use toml::Spanned;

use crate::diagnostics::{Diagnostic, Diagnostics, FileId};

/// What a broken internal link is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Hash)]
pub enum BrokenLinks {
    /// Stops the build (the default).
    #[default]
    Error,
    /// Reported; the build goes on, so a repository can publish while its links are fixed.
    Warn,
}

impl std::str::FromStr for BrokenLinks {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, String> {
        match s {
            "error" => Ok(BrokenLinks::Error),
            "warn" | "warning" => Ok(BrokenLinks::Warn),
            other => Err(format!("`{other}` is not `error` or `warn`")),
        }
    }
}

/// Splits a base URL into its normalised form (ending in `/`) and its path.
pub(super) fn normalize_base_url(url: &str) -> Result<(String, String), &'static str> {
    let url = url.trim();
    if url.is_empty() || url == "/" {
        return Ok(("/".into(), "/".into()));
    }
    let mut url = url.to_string();
    if !url.ends_with('/') {
        url.push('/');
    }
    if url.starts_with('/') {
        if url.starts_with("//") {
            return Err("must not start with `//`");
        }
        return Ok((url.clone(), url));
    }
    let rest = url
        .strip_prefix("https://")
        .or_else(|| url.strip_prefix("http://"))
        .ok_or("must start with `https://`, `http://` or `/`")?;
    let path = match rest.find('/') {
        Some(i) if i > 0 => rest[i..].to_string(),
        _ => return Err("has no host"),
    };
    if path.contains(['?', '#', ' ']) {
        return Err("must not contain a query, a fragment or spaces");
    }
    Ok((url, path))
}

/// `base_url` and its path part; `/` for both when absent or unusable (which is an error).
pub(super) fn base_url(
    url: Option<&Spanned<String>>,
    file: Option<FileId>,
    diags: &mut Diagnostics,
) -> (String, String) {
    match url {
        Some(url) => {
            match normalize_base_url(url.get_ref()) {
                Ok(pair) => pair,
                Err(why) => {
                    if let Some(file) = file {
                        diags.push(
                        Diagnostic::error("config/base-url", format!("base_url {why}"))
                            .label(file, url.span(), "here")
                            .help("write a full URL such as `https://example.org/standards/`, or `/`"),
                    );
                    }
                    ("/".to_string(), "/".to_string())
                }
            }
        }
        None => ("/".to_string(), "/".to_string()),
    }
}

/// `broken_links`: an error unless it says `warn`.
pub(super) fn broken_links(
    value: Option<&Spanned<String>>,
    file: Option<FileId>,
    diags: &mut Diagnostics,
) -> BrokenLinks {
    match value {
        None => BrokenLinks::Error,
        Some(v) => match v.get_ref().parse() {
            Ok(b) => b,
            Err(why) => {
                if let Some(file) = file {
                    diags.push(
                        Diagnostic::error("config/broken-links", format!("broken_links: {why}"))
                            .label(file, v.span(), "here")
                            .help("write `broken_links = \"error\"` (the default) or `\"warn\"`"),
                    );
                }
                BrokenLinks::Error
            }
        },
    }
}
