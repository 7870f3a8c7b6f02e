//! sitemap.xml, robots.txt and the Atom feed.

use crate::config::Config;
use crate::render::markdown::escape_html;

/// One URL of the sitemap.
pub struct SitemapEntry {
    /// Site path.
    pub path: String,
    /// Last modification date, `YYYY-MM-DD`.
    pub lastmod: Option<String>,
}

/// The sitemap, with absolute URLs when `base_url` names a host.
pub fn sitemap(entries: &[SitemapEntry], config: &Config) -> String {
    let mut out = String::from(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<urlset xmlns=\"http://www.sitemaps.org/schemas/sitemap/0.9\">\n",
    );
    for e in entries {
        out.push_str("  <url><loc>");
        out.push_str(&escape_html(&config.absolute_url(&e.path)));
        out.push_str("</loc>");
        if let Some(d) = &e.lastmod {
            out.push_str("<lastmod>");
            out.push_str(&escape_html(d));
            out.push_str("</lastmod>");
        }
        out.push_str("</url>\n");
    }
    out.push_str("</urlset>\n");
    out
}

/// robots.txt allowing everything and naming the sitemap.
pub fn robots(config: &Config) -> String {
    format!(
        "User-agent: *\nAllow: /\n\nSitemap: {}\n",
        config.absolute_url("/sitemap.xml")
    )
}

/// One entry of the feed.
pub struct FeedEntry {
    /// Title.
    pub title: String,
    /// Site path.
    pub path: String,
    /// Date of the last change, `YYYY-MM-DD`.
    pub updated: String,
    /// Summary text.
    pub summary: Option<String>,
}

/// An Atom feed of the latest updates (entries newest first).
pub fn atom(entries: &[FeedEntry], config: &Config) -> String {
    let updated = entries
        .first()
        .map_or("1970-01-01".to_string(), |e| e.updated.clone());
    let mut out = String::from(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<feed xmlns=\"http://www.w3.org/2005/Atom\">\n",
    );
    out.push_str(&format!(
        "  <title>{}</title>\n",
        escape_html(&config.title)
    ));
    if !config.description.is_empty() {
        out.push_str(&format!(
            "  <subtitle>{}</subtitle>\n",
            escape_html(&config.description)
        ));
    }
    out.push_str(&format!(
        "  <id>{}</id>\n",
        escape_html(&config.absolute_url("/"))
    ));
    out.push_str(&format!(
        "  <link href=\"{}\"/>\n",
        escape_html(&config.absolute_url("/"))
    ));
    out.push_str(&format!(
        "  <link rel=\"self\" href=\"{}\"/>\n",
        escape_html(&config.absolute_url("/atom.xml"))
    ));
    out.push_str(&format!("  <updated>{updated}T00:00:00Z</updated>\n"));
    out.push_str(&format!(
        "  <author><name>{}</name></author>\n",
        escape_html(&config.title)
    ));
    for e in entries {
        let url = escape_html(&config.absolute_url(&e.path));
        out.push_str("  <entry>\n");
        out.push_str(&format!("    <title>{}</title>\n", escape_html(&e.title)));
        out.push_str(&format!("    <link href=\"{url}\"/>\n    <id>{url}</id>\n"));
        out.push_str(&format!("    <updated>{}T00:00:00Z</updated>\n", e.updated));
        if let Some(s) = &e.summary {
            out.push_str(&format!("    <summary>{}</summary>\n", escape_html(s)));
        }
        out.push_str("  </entry>\n");
    }
    out.push_str("</feed>\n");
    out
}
