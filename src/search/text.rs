//! Words for the search index: plain text and sections from rendered HTML, tokens, a light
//! English stemmer and a fold of British and American spellings. The browser client
//! (`search.js`) implements the same tokenising, stemming and folding rules; the tests pin
//! both to the same examples.

/// Words too common to be worth indexing, or to count in a question ("what do I do if …").
/// Sorted, for a binary search; `search.js` holds the same list.
pub const STOPWORDS: &[&str] = &[
    "a", "about", "after", "all", "also", "am", "an", "and", "any", "are", "as", "at", "be",
    "been", "but", "by", "can", "could", "did", "do", "does", "doing", "for", "from", "get", "got",
    "had", "has", "have", "how", "i", "if", "in", "into", "is", "it", "its", "me", "my", "no",
    "not", "of", "on", "or", "our", "so", "than", "that", "the", "their", "them", "then", "there",
    "these", "they", "this", "those", "to", "up", "us", "was", "we", "were", "what", "when",
    "where", "which", "who", "why", "will", "with", "would", "you", "your",
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
/// code blocks, self-check quizzes and the self-link text canon adds to headings.
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
            // A self-check quiz is left out: its answers are mostly wrong on purpose, and the
            // guidance it checks is in the sections before it, where a search should lead.
            "section" if attr(tag, "class").is_some_and(|c| c == "quiz") => {
                rest = rest.find("</section>").map_or("", |i| &rest[i + 10..]);
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

/// `sec-004`, `a-5-15`, `sec-004.2`: letters and digits joined by hyphens or dots, with at
/// least one digit.
pub fn is_identifier(word: &str) -> bool {
    word.bytes().any(|b| b.is_ascii_digit())
        && word
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'.')
}

/// Whether a word is too common to index.
pub fn is_stopword(word: &str) -> bool {
    STOPWORDS.binary_search(&word).is_ok()
}

/// A word as the index holds it: stemmed, then with British and American spellings folded
/// together ([`fold`]).
pub fn normalize(word: &str) -> String {
    let mut out = String::new();
    stem_into(word, &mut out);
    fold(&mut out);
    out
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

/// Stems whose British and American forms differ other than by a rule of [`fold`]: (either
/// form, the form both are folded to). `search.js` holds the same table.
const SPELLINGS: &[(&str, &str)] = &[
    ("aging", "age"),
    ("cancell", "cancel"),
    ("counsell", "counsel"),
    ("defence", "defense"),
    ("fuell", "fuel"),
    ("grey", "gray"),
    ("labell", "label"),
    ("licence", "license"),
    ("modell", "model"),
    ("offence", "offense"),
    ("practis", "practic"),
    ("practise", "practice"),
    ("pretence", "pretense"),
    ("signall", "signal"),
    ("travell", "travel"),
];

fn is_vowel(b: u8) -> bool {
    b"aeiouy".contains(&b)
}

/// Folds British and American spellings of a stem to one form, so `organisation` meets
/// `organization`, `colour` meets `color`, `centre` meets `center`, `programme` meets
/// `program` and `paediatric` meets `pediatric`. The folded form need not be a word: index
/// and query fold alike. Identifiers and words with digits are left alone.
pub fn fold(w: &mut String) {
    if w.len() < 4 || !w.is_ascii() || w.bytes().any(|b| b.is_ascii_digit() || b == b'-') {
        return;
    }
    if let Ok(k) = SPELLINGS.binary_search_by(|(from, _)| from.cmp(&w.as_str())) {
        *w = SPELLINGS[k].1.to_string();
        return;
    }
    // -ize, -izer, -ization, -iz(ed|ing) -> -is…; -yze -> -yse.
    for (z, s) in [("iz", "is"), ("yz", "ys")] {
        for end in ["ation", "er", "e", ""] {
            let tail = format!("{z}{end}");
            if w.len() >= tail.len() + 3 && w.ends_with(&tail) {
                let at = w.len() - tail.len();
                w.replace_range(at..at + 2, s);
                break;
            }
        }
    }
    // colour, behaviour, favourite, honourable -> color, behavior, favorite, honorable.
    for end in ["our", "ourite", "ourable", "ourful", "ourless", "ourer"] {
        if w.len() >= end.len() + 3 && w.ends_with(end) {
            let at = w.len() - end.len();
            w.remove(at + 1);
            break;
        }
    }
    // centre, fibre -> center, fiber; catalogue -> catalog; programme -> program.
    if w.len() >= 5 && (w.ends_with("tre") || w.ends_with("bre")) {
        let n = w.len();
        w.replace_range(n - 2.., "er");
    } else if (w.len() >= 7 && w.ends_with("ogue")) || w.ends_with("amme") {
        w.truncate(w.len() - 2);
    } else if w.ends_with("llment") || w.ends_with("dgement") {
        // enrollment -> enrolment, judgement -> judgment: the letter five from the end.
        let n = w.len();
        w.remove(n - 5);
    }
    // paediatric, haematology, anaemia -> pediatric, hematology, anemia; oedema, foetal,
    // diarrhoea -> edema, fetal, diarrhea.
    if w.contains("ae") || w.contains("oe") {
        let b = w.as_bytes();
        let mut out = Vec::with_capacity(b.len());
        for (i, &c) in b.iter().enumerate() {
            let next = b.get(i + 1).copied();
            let after = b.get(i + 2).copied();
            let before = i.checked_sub(1).map(|j| b[j]);
            let drop = (c == b'a' || c == b'o')
                && next == Some(b'e')
                && match (before, after) {
                    (Some(p), Some(a)) => {
                        !is_vowel(p)
                            && (!is_vowel(a) || (c == b'o' && a == b'a'))
                            && !(c == b'o' && a == b's' && i + 3 == b.len())
                    }
                    (None, Some(a)) => c == b'o' && !is_vowel(a),
                    _ => false,
                };
            if !drop {
                out.push(c);
            }
        }
        if out.len() != b.len() {
            *w = String::from_utf8(out).unwrap_or_default();
        }
    }
}

/// Calls `f` with each index term of a text, as [`terms`] lists them, and the word it comes
/// from (lower case), without allocating a string per word. A hyphenated word gives its parts
/// and the parts joined (`e-mail` gives `e`, `mail` and `email`), an identifier such as
/// `SEC-004` itself and its parts.
pub fn for_each_term(text: &str, mut f: impl FnMut(&str, &str)) {
    let mut lower = String::new();
    let mut stemmed = String::new();
    let mut joined = String::new();
    let mut emit = |word: &str, f: &mut dyn FnMut(&str, &str)| {
        if !word.is_empty() && !is_stopword(word) {
            stem_into(word, &mut stemmed);
            fold(&mut stemmed);
            f(&stemmed, word);
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
            let identifier = is_identifier(&lower);
            if identifier {
                emit(&lower, &mut f);
            }
            joined.clear();
            let mut parts = 0;
            for part in lower.split('-').filter(|p| !p.is_empty()) {
                emit(part, &mut f);
                joined.push_str(part);
                parts += 1;
            }
            if !identifier && parts > 1 {
                emit(&joined, &mut f);
            }
        } else {
            emit(&lower, &mut f);
        }
    }
}

/// The index terms of a text: words, stopwords dropped, stemmed and folded.
pub fn terms(text: &str) -> Vec<String> {
    let mut out = Vec::new();
    for_each_term(text, |t, _| out.push(t.to_string()));
    out
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;

    /// Shared with the browser client's tests: (word, index term).
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

    /// (one spelling, the other): each pair folds to one term.
    pub(crate) const SPELLING_PAIRS: &[(&str, &str)] = &[
        ("organisation", "organization"),
        ("organisations", "organizations"),
        ("organised", "organized"),
        ("recognising", "recognizing"),
        ("minimise", "minimize"),
        ("authorisation", "authorization"),
        ("analyse", "analyze"),
        ("analysing", "analyzing"),
        ("colour", "color"),
        ("behaviours", "behaviors"),
        ("favourite", "favorite"),
        ("centre", "center"),
        ("centres", "centers"),
        ("fibre", "fiber"),
        ("programme", "program"),
        ("programmes", "programs"),
        ("catalogue", "catalog"),
        ("defence", "defense"),
        ("licence", "license"),
        ("travelled", "traveled"),
        ("cancelled", "canceled"),
        ("enrolment", "enrollment"),
        ("judgement", "judgment"),
        ("paediatric", "pediatric"),
        ("haematology", "hematology"),
        ("anaemia", "anemia"),
        ("oedema", "edema"),
        ("oesophagus", "esophagus"),
        ("foetal", "fetal"),
        ("diarrhoea", "diarrhea"),
        ("grey", "gray"),
    ];

    #[test]
    fn stems() {
        for (word, stemmed) in STEMS {
            assert_eq!(normalize(word), *stemmed, "{word}");
        }
    }

    #[test]
    fn british_and_american_spellings_meet() {
        for (gb, us) in SPELLING_PAIRS {
            assert_eq!(normalize(gb), normalize(us), "{gb} / {us}");
        }
        // Words the rules must leave apart.
        for (a, b) in [
            ("size", "sise"),
            ("hour", "hor"),
            ("journal", "jornal"),
            ("resource", "resorce"),
            ("goes", "ges"),
            ("aero", "ero"),
        ] {
            assert_ne!(normalize(a), normalize(b), "{a} / {b}");
        }
    }

    #[test]
    fn the_visitor_gives_the_same_terms() {
        let text = "The Backups, SEC-004 and policies; ÉTUDES of logging.";
        let mut seen = Vec::new();
        for_each_term(text, |t, _| seen.push(t.to_string()));
        assert_eq!(
            seen,
            ["backup", "sec-004", "sec", "004", "policy", "étude", "log"]
        );
    }

    #[test]
    fn lists_are_sorted_for_lookup() {
        let mut sorted = STOPWORDS.to_vec();
        sorted.sort_unstable();
        assert_eq!(sorted, STOPWORDS);
        let mut sorted = SPELLINGS.to_vec();
        sorted.sort_unstable();
        assert_eq!(sorted, SPELLINGS);
    }

    #[test]
    fn hyphenated_words_are_indexed_whole_and_joined() {
        assert_eq!(
            terms("See SEC-004, A.5.15 and e-mail!"),
            [
                "see", "sec-004", "sec", "004", "5", "15", "e", "mail", "email"
            ]
        );
        assert_eq!(
            terms("The back-up of the policies"),
            ["back", "backup", "policy"]
        );
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
        // A quiz is not indexed; what follows it is.
        let html = "<p>Lock your screen.</p><section class=\"quiz\" aria-label=\"Check\"><fieldset><legend>Leave it unlocked?</legend><ul><li>Yes</li></ul></fieldset></section><p>Report losses.</p>";
        assert_eq!(sections(html)[0].text, "Lock your screen. Report losses.");
    }
}
