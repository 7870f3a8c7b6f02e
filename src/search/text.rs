//! Words for the search index: plain text and sections from rendered HTML, tokens, and a light
//! English stemmer. The browser client (`search.js`) implements the same tokenising and
//! stemming rules; `tests` pins both to the same examples.

/// Words too common to be worth indexing.
const STOPWORDS: &[&str] = &[
    "a", "an", "and", "are", "as", "at", "be", "by", "for", "from", "has", "have", "in", "is",
    "it", "its", "of", "on", "or", "that", "the", "their", "this", "to", "was", "were", "which",
    "with",
];

/// A part of a page: the text before the first heading (`id` empty) or under one heading.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Section {
    /// The heading's id (empty for the top of the page).
    pub id: String,
    /// The heading's text.
    pub title: String,
    /// The section's text, tags removed.
    pub text: String,
}

/// Splits rendered body HTML into sections at `h2`-`h4` headings with ids, dropping tags,
/// code blocks and the self-link text canon adds to headings.
pub fn sections(html: &str) -> Vec<Section> {
    let mut out = vec![Section::default()];
    let mut rest = html;
    while let Some(lt) = rest.find('<') {
        push_text(&mut out, &rest[..lt]);
        rest = &rest[lt..];
        let Some(gt) = rest.find('>') else { break };
        let tag = &rest[1..gt];
        let name: String = tag
            .trim_start_matches('/')
            .chars()
            .take_while(|c| c.is_ascii_alphanumeric())
            .collect::<String>()
            .to_ascii_lowercase();
        let closing = tag.starts_with('/');
        rest = &rest[gt + 1..];
        if closing {
            continue;
        }
        match name.as_str() {
            "pre" | "script" | "style" => {
                // Code and scripts are not prose.
                let end = format!("</{name}>");
                rest = rest.find(&end).map_or("", |i| &rest[i + end.len()..]);
            }
            "h2" | "h3" | "h4" => {
                let id = attr(tag, "id").unwrap_or_default();
                let end = format!("</{name}>");
                let (inner, after) = rest
                    .find(&end)
                    .map_or((rest, ""), |i| (&rest[..i], &rest[i + end.len()..]));
                let title = strip_tags(inner);
                rest = after;
                if id.is_empty() {
                    push_text(&mut out, &title);
                } else {
                    out.push(Section {
                        id,
                        title,
                        text: String::new(),
                    });
                }
            }
            "a" if attr(tag, "class").is_some_and(|c| c == "self-link") => {
                rest = rest.find("</a>").map_or("", |i| &rest[i + 4..]);
            }
            _ => {
                if matches!(
                    name.as_str(),
                    "p" | "li" | "br" | "td" | "th" | "div" | "dd" | "dt"
                ) {
                    push_text(&mut out, " ");
                }
            }
        }
    }
    push_text(&mut out, rest);
    for s in &mut out {
        s.text = collapse(&s.text);
    }
    out.retain(|s| !s.id.is_empty() || !s.text.is_empty());
    out
}

fn push_text(out: &mut [Section], text: &str) {
    if let Some(last) = out.last_mut() {
        last.text.push_str(&decode(text));
    }
}

fn attr(tag: &str, name: &str) -> Option<String> {
    let needle = format!("{name}=\"");
    let i = tag.find(&needle)? + needle.len();
    let end = tag[i..].find('"')?;
    Some(decode(&tag[i..i + end]))
}

/// Text of an HTML fragment, tags removed and entities decoded.
pub fn strip_tags(html: &str) -> String {
    let mut out = String::with_capacity(html.len());
    let mut in_tag = false;
    for c in html.chars() {
        match c {
            '<' => in_tag = true,
            '>' if in_tag => in_tag = false,
            c if !in_tag => out.push(c),
            _ => {}
        }
    }
    collapse(&decode(&out))
}

fn decode(s: &str) -> String {
    if !s.contains('&') {
        return s.to_string();
    }
    s.replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&quot;", "\"")
        .replace("&#39;", "'")
        .replace("&nbsp;", " ")
        .replace("&amp;", "&")
}

fn collapse(s: &str) -> String {
    s.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// The words of a text, lower case, split at anything that is not a letter or digit; an id
/// such as `SEC-004` is kept whole as well as in parts.
pub fn words(text: &str) -> Vec<String> {
    let mut out = Vec::new();
    for raw in text.split(|c: char| !(c.is_alphanumeric() || c == '-')) {
        let raw = raw.trim_matches('-');
        if raw.is_empty() {
            continue;
        }
        let lower = raw.to_lowercase();
        if lower.contains('-') {
            if is_identifier(&lower) {
                out.push(lower.clone());
            }
            out.extend(
                lower
                    .split('-')
                    .filter(|p| !p.is_empty())
                    .map(str::to_string),
            );
        } else {
            out.push(lower);
        }
    }
    out
}

/// `sec-004`, `a-5-15`: letters then digits, joined by hyphens.
fn is_identifier(word: &str) -> bool {
    word.chars().any(|c| c.is_ascii_digit())
        && word.chars().all(|c| c.is_ascii_alphanumeric() || c == '-')
}

/// Whether a word is too common to index.
pub fn is_stopword(word: &str) -> bool {
    STOPWORDS.binary_search(&word).is_ok()
}

/// A light English stemmer: plurals, `-ing` and `-ed`, so "backups", "backed" and "backing"
/// meet "backup". Identifiers and short words are left alone.
pub fn stem(word: &str) -> String {
    let mut out = String::new();
    stem_into(word, &mut out);
    out
}

/// [`stem`] into a reusable buffer.
pub fn stem_into(word: &str, w: &mut String) {
    w.clear();
    w.push_str(word);
    if word.len() <= 3 || word.contains('-') || word.bytes().any(|b| b.is_ascii_digit()) {
        return;
    }
    if w.ends_with("ies") && w.len() > 4 {
        w.truncate(w.len() - 3);
        w.push('y');
    } else if w.ends_with("sses")
        || ["xes", "zes", "ches", "shes"]
            .iter()
            .any(|s| w.ends_with(s))
    {
        w.truncate(w.len() - 2);
    } else if w.ends_with('s') && !w.ends_with("ss") && !w.ends_with("us") && !w.ends_with("is") {
        w.truncate(w.len() - 1);
    }
    let stripped = if w.ends_with("ing") && w.len() > 5 {
        w.truncate(w.len() - 3);
        true
    } else if w.ends_with("ed") && w.len() > 4 {
        w.truncate(w.len() - 2);
        true
    } else {
        false
    };
    // "logg(ed)" -> "log", "plann(ed)" -> "plan"; "install" keeps its double letter.
    let b = w.as_bytes();
    if stripped
        && b.len() > 2
        && b[b.len() - 1] == b[b.len() - 2]
        && !b"lsz".contains(&b[b.len() - 1])
    {
        w.pop();
    }
}

/// Calls `f` with each index term of a text, as [`terms`] lists them, without allocating a
/// string per word.
pub fn for_each_term(text: &str, mut f: impl FnMut(&str)) {
    let mut lower = String::new();
    let mut stemmed = String::new();
    let mut emit = |word: &str, f: &mut dyn FnMut(&str)| {
        if !word.is_empty() && !is_stopword(word) {
            stem_into(word, &mut stemmed);
            f(&stemmed);
        }
    };
    for raw in text.split(|c: char| !(c.is_alphanumeric() || c == '-')) {
        let raw = raw.trim_matches('-');
        if raw.is_empty() {
            continue;
        }
        lower.clear();
        if raw.is_ascii() {
            lower.push_str(raw);
            lower.make_ascii_lowercase();
        } else {
            lower.extend(raw.chars().flat_map(char::to_lowercase));
        }
        if lower.contains('-') {
            if is_identifier(&lower) {
                emit(&lower, &mut f);
            }
            for part in lower.split('-') {
                emit(part, &mut f);
            }
        } else {
            emit(&lower, &mut f);
        }
    }
}

/// The index terms of a text: words, stopwords dropped, stemmed.
pub fn terms(text: &str) -> Vec<String> {
    words(text)
        .into_iter()
        .filter(|w| !is_stopword(w))
        .map(|w| stem(&w))
        .collect()
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;

    /// Shared with the browser client's tests: (word, stem).
    pub(crate) const STEMS: &[(&str, &str)] = &[
        ("backups", "backup"),
        ("policies", "policy"),
        ("passwords", "password"),
        ("processes", "process"),
        ("patches", "patch"),
        ("access", "access"),
        ("status", "status"),
        ("analysis", "analysis"),
        ("logging", "log"),
        ("logged", "log"),
        ("planned", "plan"),
        ("installed", "install"),
        ("reporting", "report"),
        ("reported", "report"),
        ("mfa", "mfa"),
        ("sec-004", "sec-004"),
        ("a5", "a5"),
    ];

    #[test]
    fn stems() {
        for (word, stemmed) in STEMS {
            assert_eq!(stem(word), *stemmed, "{word}");
        }
    }

    #[test]
    fn the_visitor_gives_the_same_terms() {
        let text = "The Backups, SEC-004 and policies; ÉTUDES of logging.";
        let mut seen = Vec::new();
        for_each_term(text, |t| seen.push(t.to_string()));
        assert_eq!(seen, terms(text));
    }

    #[test]
    fn stopwords_are_sorted_for_lookup() {
        let mut sorted = STOPWORDS.to_vec();
        sorted.sort();
        assert_eq!(sorted, STOPWORDS);
    }

    #[test]
    fn words_keep_identifiers_whole() {
        assert_eq!(
            words("See SEC-004, A.5.15 and e-mail!"),
            [
                "see", "sec-004", "sec", "004", "a", "5", "15", "and", "e", "mail"
            ]
        );
        assert_eq!(terms("The backups of the policies"), ["backup", "policy"]);
    }

    #[test]
    fn sections_split_at_headings_and_drop_code() {
        let html = "<p>Intro &amp; more.</p>\n<div class=\"heading\"><h2 id=\"scope\">Scope</h2><a class=\"self-link\" href=\"#scope\"><span aria-hidden=\"true\">#</span><span class=\"visually-hidden\">Link to section: Scope</span></a></div>\n<p>Applies to <strong>all</strong> staff.</p><pre class=\"code\"><code>rm -rf /</code></pre>";
        let s = sections(html);
        assert_eq!(s.len(), 2, "{s:?}");
        assert_eq!(s[0].text, "Intro & more.");
        assert_eq!(
            (s[1].id.as_str(), s[1].title.as_str(), s[1].text.as_str()),
            ("scope", "Scope", "Applies to all staff.")
        );
    }
}
