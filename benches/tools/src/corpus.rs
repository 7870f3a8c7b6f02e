//! A realistic site of any size for benchmarks (`canon-corpus`): N pages across
//! methods, standards and modules with front matter that uses the schema, taxonomies, 600 to
//! 900 words of varied prose, headings, lists, a table, a highlighted code block, 3 to 6
//! internal links (some to a heading), glossary terms and, in standards, numbered
//! requirements. The same pages can be written as a Hugo site (content, a minimal theme of
//! base, list, single and taxonomy templates, Hugo's own highlighting) so the two tools can
//! be timed on identical content.
//!
//! Deterministic: the same size and seed give byte-identical files. The generator is a
//! SplitMix64 sequence, written out here (a dozen lines) so that output never changes with a
//! dependency's version.

use std::fmt::Write as _;
use std::path::Path;

use anyhow::Context as _;

mod code;

/// A small, fast, deterministic random sequence (SplitMix64).
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    /// A number in `0..n`.
    fn below(&mut self, n: usize) -> usize {
        (self.next() % n.max(1) as u64) as usize
    }

    fn pick<'a, T: ?Sized>(&mut self, items: &'a [&'a T]) -> &'a T {
        items[self.below(items.len())]
    }

    fn chance(&mut self, percent: usize) -> bool {
        self.below(100) < percent
    }
}

const METHODS: &[&str] = &[
    "Discovery",
    "Alpha",
    "Beta",
    "Service assessment",
    "Retrospectives",
    "User research",
    "Kanban",
    "Sprint planning",
    "Roadmapping",
    "Prototyping",
    "Content design",
    "Accessibility testing",
    "Go-live readiness",
    "Incident reviews",
    "Capacity planning",
];
const TOPICS: &[&str] = &[
    "cloud hosting",
    "case management",
    "identity services",
    "patient records",
    "legacy migration",
    "data platforms",
    "online forms",
    "internal tools",
    "API products",
    "shared components",
    "mobile services",
    "contact centres",
    "prescriptions",
    "referrals",
    "appointment booking",
];
const STANDARDS: &[&str] = &[
    "Secure configuration",
    "Access control",
    "Logging and monitoring",
    "Vulnerability management",
    "Encryption at rest",
    "Encryption in transit",
    "Patch management",
    "Secrets management",
    "Supplier assurance",
    "Backup and recovery",
    "Network segmentation",
    "Identity verification",
    "Privileged access",
    "Secure development",
    "Data retention",
];
const ASSETS: &[&str] = &[
    "cloud storage",
    "container platforms",
    "email services",
    "web applications",
    "APIs",
    "end user devices",
    "databases",
    "build pipelines",
    "DNS",
    "source code repositories",
    "mobile apps",
    "data warehouses",
    "message queues",
    "virtual machines",
    "medical devices",
];
const MODULES: &[&str] = &[
    "Recognising phishing emails",
    "Working securely from home",
    "Handling sensitive information",
    "Reporting a security incident",
    "Passwords and passphrases",
    "Social engineering",
    "Using removable media",
    "Secure use of AI tools",
    "Protecting personal data",
    "Travelling with devices",
    "Insider risk",
    "Securing video calls",
    "Physical security",
    "Sharing files safely",
    "Multi-factor authentication",
];
const AUDIENCES: &[&str] = &[
    "Clinical staff",
    "Care staff",
    "Administrative staff",
    "Digital teams",
    "Suppliers",
    "Senior leaders",
    "Information governance teams",
];
const TOPIC_TERMS: &[&str] = &[
    "Access management",
    "Incident management",
    "Supplier assurance",
    "Data protection",
    "Secure development",
    "Vulnerability management",
    "Resilience",
    "Logging and monitoring",
    "Delivery governance",
    "Assurance and reporting",
    "Phishing and social engineering",
    "Remote working",
];
/// Glossary terms: (term, abbreviation, definition).
const GLOSSARY: &[(&str, &str, &str)] = &[
    (
        "Multi-factor authentication",
        "MFA",
        "Proving who you are with two or more different kinds of evidence, such as a password and a code from a phone.",
    ),
    (
        "Data protection impact assessment",
        "DPIA",
        "A structured review of how a change will affect the privacy of the people whose data it uses.",
    ),
    (
        "Service owner",
        "",
        "The person accountable for a service and its outcomes, from discovery until it is retired.",
    ),
    (
        "Penetration test",
        "",
        "An authorised, simulated attack on a system to find weaknesses before someone else does.",
    ),
    (
        "Threat model",
        "",
        "A description of what could go wrong with a system, who might cause it and what stops them.",
    ),
    (
        "Senior responsible owner",
        "SRO",
        "The person accountable for a programme meeting its objectives and delivering its benefits.",
    ),
    (
        "Incident response plan",
        "",
        "The agreed steps for detecting, containing and recovering from a security incident.",
    ),
    (
        "Least privilege",
        "",
        "Giving every account only the access it needs, for only as long as it needs it.",
    ),
    (
        "Single sign-on",
        "SSO",
        "Signing in once to reach several services, with one account managed in one place.",
    ),
    (
        "Recovery point objective",
        "RPO",
        "The most data a service can afford to lose, measured as time since the last good copy.",
    ),
    (
        "Recovery time objective",
        "RTO",
        "How quickly a service must be running again after it fails.",
    ),
    (
        "Information asset owner",
        "IAO",
        "The person responsible for an information asset, its risks and who may use it.",
    ),
    (
        "Phishing",
        "",
        "A message that pretends to come from someone you trust, to make you click, pay or reveal something.",
    ),
    (
        "Vulnerability",
        "",
        "A weakness in software, configuration or process that an attacker could use.",
    ),
    (
        "Encryption",
        "",
        "Turning information into a form only someone with the right key can read.",
    ),
    (
        "Audit log",
        "",
        "A record of who did what, when and from where, kept so that actions can be traced.",
    ),
];
const ROLES: &[&str] = &[
    "the service owner",
    "each delivery team",
    "the security architect",
    "suppliers",
    "the information asset owner",
    "developers",
    "the operations team",
    "content designers",
    "a user researcher",
    "the senior responsible owner",
];
const VERBS: &[&str] = &[
    "review",
    "document",
    "test",
    "agree",
    "record",
    "publish",
    "prioritise",
    "automate",
    "rehearse",
    "monitor",
    "approve",
    "check",
];
const OBJECTS: &[&str] = &[
    "access control policies",
    "the incident response plan",
    "service metrics",
    "encryption keys",
    "firewall rules",
    "third-party dependencies",
    "build artefacts",
    "user needs",
    "the risk register",
    "backup copies",
    "audit logs",
    "deployment pipelines",
    "personal data flows",
    "architecture decision records",
];
const WHEN: &[&str] = &[
    "before each release",
    "every quarter",
    "when a supplier changes",
    "at each decision point",
    "as soon as a weakness is found",
    "after every major incident",
    "during beta",
    "in line with the minimum security standard",
    "with help from the central team",
    "without slowing delivery down",
];
const BECAUSE: &[&str] = &[
    "so that decisions can be traced later",
    "which keeps patient data safe",
    "so that risks are visible to the people who own them",
    "which makes incidents easier to investigate",
    "so that new team members can get up to speed",
    "which helps the service pass its next assessment",
];
const KEYWORDS: &[&str] = &[
    "MUST",
    "MUST",
    "MUST",
    "MUST NOT",
    "SHOULD",
    "SHOULD NOT",
    "MAY",
];

/// Sections of each kind of page, in order: (heading, has a list, has the table, has code).
const LAYOUT: &[&str] = &[
    "When to use it",
    "Roles and responsibilities",
    "How it works",
    "Evidence to keep",
    "Common problems",
    "Further reading",
];

/// One page of the corpus, before it is written in either form.
struct Page {
    kind: usize,
    slug: String,
    title: String,
    id: String,
    description: String,
    date: String,
    audience: Vec<&'static str>,
    topic: Vec<&'static str>,
    body: String,
}

/// Section folders, their singular and id prefix.
const KINDS: &[(&str, &str, &str)] = &[
    ("methods", "Delivery method", "DM"),
    ("standards", "Security standard", "SEC"),
    ("modules", "Cyber e-learning module", "CEL"),
];

fn slugify(s: &str) -> String {
    let mut out = String::new();
    for c in s.chars() {
        if c.is_ascii_alphanumeric() {
            out.push(c.to_ascii_lowercase());
        } else if !out.ends_with('-') {
            out.push('-');
        }
    }
    out.trim_matches('-').to_string()
}

fn sentence(rng: &mut Rng, glossary: bool) -> String {
    let role = rng.pick(ROLES);
    let mut s = format!(
        "{} should {} {} {}, {}.",
        role,
        rng.pick(VERBS),
        rng.pick(OBJECTS),
        rng.pick(WHEN),
        rng.pick(BECAUSE)
    );
    if glossary {
        let (term, abbr, _) = GLOSSARY[rng.below(GLOSSARY.len())];
        let name = if !abbr.is_empty() && rng.chance(50) {
            abbr.to_string()
        } else {
            term.to_lowercase()
        };
        s = format!("{s} Where it applies, say how {name} was considered.");
    }
    let mut c = s.chars();
    match c.next() {
        Some(f) => f.to_uppercase().collect::<String>() + c.as_str(),
        None => s,
    }
}

fn paragraph(rng: &mut Rng, sentences: usize) -> String {
    (0..sentences)
        .map(|k| {
            let glossary = k == 1 && rng.chance(60);
            sentence(rng, glossary)
        })
        .collect::<Vec<_>>()
        .join(" ")
}

fn make_pages(n: usize, seed: u64) -> Vec<Page> {
    let mut rng = Rng(seed);
    let mut pages = Vec::with_capacity(n);
    for i in 0..n {
        let kind = i % KINDS.len();
        let number = i / KINDS.len() + 1;
        let (_, _, prefix) = KINDS[kind];
        let id = format!("{prefix}-{number:05}");
        let title = match kind {
            0 => format!("{} for {}", rng.pick(METHODS), rng.pick(TOPICS)),
            1 => format!("{} for {}", rng.pick(STANDARDS), rng.pick(ASSETS)),
            _ => format!("{} ({})", rng.pick(MODULES), rng.pick(TOPICS)),
        };
        let slug = format!("{}-{}", id.to_lowercase(), slugify(&title));
        let description = match kind {
            0 => format!(
                "How teams use {} when working on {}.",
                title.to_lowercase(),
                rng.pick(TOPICS)
            ),
            1 => format!("What every service must do about {}.", title.to_lowercase()),
            _ => format!("A short module for staff on {}.", title.to_lowercase()),
        };
        let date = format!(
            "{}-{:02}-{:02}",
            2024 + rng.below(2),
            1 + rng.below(12),
            1 + rng.below(28)
        );
        let mut audience = vec![rng.pick(AUDIENCES)];
        let second = rng.pick(AUDIENCES);
        if second != audience[0] {
            audience.push(second);
        }
        let topic = vec![rng.pick(TOPIC_TERMS)];
        pages.push(Page {
            kind,
            slug,
            title,
            id,
            description,
            date,
            audience,
            topic,
            body: String::new(),
        });
    }
    // Bodies, once every page's path is known, so links can point at real pages.
    let targets: Vec<(String, String)> = pages
        .iter()
        .map(|p| {
            (
                format!("{}/{}.md", KINDS[p.kind].0, p.slug),
                p.title.clone(),
            )
        })
        .collect();
    for (i, page) in pages.iter_mut().enumerate() {
        page.body = body(&mut rng, i, page.kind, &targets);
    }
    pages
}

fn body(rng: &mut Rng, i: usize, kind: usize, targets: &[(String, String)]) -> String {
    let mut b = String::new();
    let _ = writeln!(b, "{}\n", paragraph(rng, 3));
    if kind == 1 {
        b.push_str("## Requirements\n\n");
        for _ in 0..3 + rng.below(4) {
            let _ = writeln!(
                b,
                "- {} {} {} {}.",
                rng.pick(KEYWORDS),
                rng.pick(VERBS),
                rng.pick(OBJECTS),
                rng.pick(WHEN)
            );
        }
        b.push('\n');
    }
    let links = 3 + rng.below(4);
    let table_at = rng.below(LAYOUT.len());
    let code_at = rng.below(LAYOUT.len());
    for (s, heading) in LAYOUT.iter().enumerate() {
        let _ = writeln!(b, "## {heading}\n");
        let sentences = 2 + rng.below(3);
        let _ = writeln!(b, "{}\n", paragraph(rng, sentences));
        if s < links {
            // A link to another page, sometimes to one of its headings.
            let mut t = rng.below(targets.len());
            if t == i {
                t = (t + 1) % targets.len();
            }
            let (path, title) = &targets[t];
            let fragment = if rng.chance(40) {
                format!("#{}", slugify(LAYOUT[rng.below(LAYOUT.len())]))
            } else {
                String::new()
            };
            let _ = writeln!(
                b,
                "Read [{title}](../{path}{fragment}) before you start. {}\n",
                paragraph(rng, 1)
            );
        }
        if s == 1 || s == 4 {
            for _ in 0..3 + rng.below(3) {
                let _ = writeln!(b, "- {} {}", rng.pick(VERBS), rng.pick(OBJECTS));
            }
            b.push('\n');
        }
        if s == table_at {
            b.push_str("| Control | What to do | Owner | How often |\n| --- | --- | --- | --- |\n");
            for _ in 0..3 + rng.below(3) {
                let _ = writeln!(
                    b,
                    "| C-{:03} | {} {} | {} | {} |",
                    rng.below(1000),
                    rng.pick(VERBS),
                    rng.pick(OBJECTS),
                    rng.pick(ROLES),
                    rng.pick(&["Monthly", "Quarterly", "Annually", "Before each release"])
                );
            }
            b.push('\n');
        }
        if s == code_at {
            b.push_str(&code::block(rng, i));
            b.push('\n');
            let _ = writeln!(b, "{}\n", paragraph(rng, 2));
        }
    }
    b
}

fn write(path: &Path, text: &str) -> anyhow::Result<()> {
    if let Some(dir) = path.parent() {
        std::fs::create_dir_all(dir).with_context(|| format!("cannot create {}", dir.display()))?;
    }
    std::fs::write(path, text).with_context(|| format!("cannot write {}", path.display()))
}

fn yaml_list(items: &[&str]) -> String {
    format!(
        "[{}]",
        items
            .iter()
            .map(|s| format!("\"{s}\""))
            .collect::<Vec<_>>()
            .join(", ")
    )
}

const CANON_TOML: &str = r##"# A generated benchmark site (`canon corpus`).
title = "Published guidance"
base_url = "https://example.org/"
language = "en-GB"
broken_links = "warn"

[collections.methods]
title = "Delivery methods"
singular = "method"

[collections.methods.fields]
owner = { type = "string", required = true, label = "Method owner" }
last_reviewed = { type = "date", required = true, label = "Last reviewed" }
review_due = { type = "date", required = true, label = "Next review due" }

[collections.standards]
title = "Security standards"
singular = "standard"
id_field = "id"

[collections.standards.fields]
id = { type = "string", required = true, label = "Standard ID" }
level = { type = "enum", values = ["mandatory", "recommended", "advisory"], required = true, label = "Requirement level" }
owner = { type = "string", required = true, label = "Owner" }
last_reviewed = { type = "date", required = true, label = "Last reviewed" }
review_due = { type = "date", required = true, label = "Next review due" }

[collections.modules]
title = "Cyber e-learning"
singular = "module"

[collections.modules.fields]
duration_minutes = { type = "integer", required = true, label = "Duration (minutes)" }
teaches = { type = "references", collection = "standards", label = "Standards it teaches", inverse = "Taught by" }

[taxonomies.audience]
terms = ["Clinical staff", "Care staff", "Administrative staff", "Digital teams", "Suppliers", "Senior leaders", "Information governance teams"]

[taxonomies.topic]
terms = ["Access management", "Incident management", "Supplier assurance", "Data protection", "Secure development", "Vulnerability management", "Resilience", "Logging and monitoring", "Delivery governance", "Assurance and reporting", "Phishing and social engineering", "Remote working"]

[glossary]
"##;

/// Writes `n` pages as a canon site into `out` (and, with `hugo`, the same pages as a Hugo
/// site there). Returns the number of files written.
pub fn generate(n: usize, seed: u64, out: &Path, hugo: Option<&Path>) -> anyhow::Result<usize> {
    let pages = make_pages(n, seed);
    write(&out.join("canon.toml"), CANON_TOML)?;
    let mut files = shared_content(out, true)?;
    let standard_ids: Vec<&str> = pages
        .iter()
        .filter(|p| p.kind == 1)
        .map(|p| p.id.as_str())
        .collect();
    let mut rng = Rng(seed ^ 0xC0FFEE);
    for p in &pages {
        // Reviewed on the page's date, due three years later.
        let year: u32 = p.date[..4].parse().unwrap_or(2025);
        let review = format!("{}{}", year + 3, &p.date[4..]);
        let fields = match p.kind {
            0 => format!(
                "owner: {}\nlast_reviewed: {}\nreview_due: {}\n",
                rng.pick(ROLES),
                p.date,
                review
            ),
            1 => format!(
                "id: {}\nlevel: {}\nowner: {}\nlast_reviewed: {}\nreview_due: {}\n",
                p.id,
                rng.pick(&["mandatory", "recommended", "advisory"]),
                rng.pick(ROLES),
                p.date,
                review
            ),
            _ => {
                let teaches = if standard_ids.is_empty() {
                    String::new()
                } else {
                    format!(
                        "teaches: [{}]\n",
                        standard_ids[rng.below(standard_ids.len())]
                    )
                };
                format!("duration_minutes: {}\n{teaches}", 10 + 5 * rng.below(8))
            }
        };
        let text = format!(
            "---\ntitle: \"{}\"\ndescription: \"{}\"\ndate: {}\n{fields}audience: {}\ntopic: {}\n---\n\n{}",
            p.title,
            p.description,
            p.date,
            yaml_list(&p.audience),
            yaml_list(&p.topic),
            p.body
        );
        write(
            &out.join(format!("content/{}/{}.md", KINDS[p.kind].0, p.slug)),
            &text,
        )?;
        files += 1;
        if let Some(h) = hugo {
            write(
                &h.join(format!("content/{}/{}.md", KINDS[p.kind].0, p.slug)),
                &text,
            )?;
        }
    }
    if let Some(h) = hugo {
        hugo_site(h)?;
    }
    Ok(files)
}

/// The home page, the sections' introductions and the glossary, written the same way for
/// both sites (Hugo has no use for abbreviations). Returns the number of glossary entries.
fn shared_content(root: &Path, abbreviations: bool) -> anyhow::Result<usize> {
    write(
        &root.join("content/_index.md"),
        "---\ntitle: Published guidance\n---\n\nDelivery methods, security standards and cyber e-learning.\n",
    )?;
    for (dir, singular, _) in KINDS {
        write(
            &root.join(format!("content/{dir}/_index.md")),
            &format!(
                "---\ntitle: {singular}s\n---\n\nEvery {} we publish.\n",
                singular.to_lowercase()
            ),
        )?;
    }
    for (term, abbr, definition) in GLOSSARY {
        let abbreviation = if abbr.is_empty() || !abbreviations {
            String::new()
        } else {
            format!("abbreviation: {abbr}\n")
        };
        write(
            &root.join(format!("content/glossary/{}.md", slugify(term))),
            &format!("---\ntitle: {term}\n{abbreviation}---\n\n{definition}\n"),
        )?;
    }
    Ok(GLOSSARY.len())
}

/// Hugo's configuration and a minimal theme with the same kinds of page canon makes.
fn hugo_site(h: &Path) -> anyhow::Result<()> {
    write(
        &h.join("hugo.toml"),
        r##"baseURL = "https://example.org/"
title = "Published guidance"
languageCode = "en-gb"
disableKinds = ["RSS"]

[taxonomies]
  audience = "audience"
  topic = "topic"

[markup.highlight]
  noClasses = false

[markup.tableOfContents]
  startLevel = 2
  endLevel = 3
"##,
    )?;
    shared_content(h, false)?;
    write(
        &h.join("layouts/_default/baseof.html"),
        r##"<!doctype html>
<html lang="en-GB">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{{ .Title }} – {{ .Site.Title }}</title>
<meta name="description" content="{{ with .Description }}{{ . }}{{ else }}{{ .Site.Title }}{{ end }}">
<link rel="canonical" href="{{ .Permalink }}">
<link rel="stylesheet" href="{{ "style.css" | relURL }}">
</head>
<body>
<a href="#main">Skip to main content</a>
<header><a href="{{ "/" | relURL }}">{{ .Site.Title }}</a>
<nav aria-label="Main"><ul>{{ range .Site.Sections }}<li><a href="{{ .RelPermalink }}">{{ .Title }}</a></li>{{ end }}</ul></nav>
</header>
<main id="main">{{ block "main" . }}{{ end }}</main>
<footer><p>{{ .Site.Title }}</p></footer>
</body>
</html>
"##,
    )?;
    write(
        &h.join("layouts/_default/single.html"),
        r##"{{ define "main" }}
<nav aria-label="Breadcrumb"><a href="{{ "/" | relURL }}">Home</a> › <a href="{{ .Parent.RelPermalink }}">{{ .Parent.Title }}</a></nav>
<article>
<h1>{{ .Title }}</h1>
{{ with .Description }}<p class="lead">{{ . }}</p>{{ end }}
<dl>
{{ with .Params.id }}<dt>ID</dt><dd>{{ . }}</dd>{{ end }}
{{ with .Params.owner }}<dt>Owner</dt><dd>{{ . }}</dd>{{ end }}
{{ with .Params.review_due }}<dt>Next review due</dt><dd>{{ . }}</dd>{{ end }}
{{ range $name, $_ := .Site.Taxonomies }}{{ with $.GetTerms $name }}<dt>{{ $name | humanize }}</dt><dd>{{ range . }}<a href="{{ .RelPermalink }}">{{ .LinkTitle }}</a> {{ end }}</dd>{{ end }}{{ end }}
</dl>
<nav aria-label="On this page">{{ .TableOfContents }}</nav>
{{ .Content }}
{{ with .NextInSection }}<a href="{{ .RelPermalink }}">Next: {{ .Title }}</a>{{ end }}
</article>
{{ end }}
"##,
    )?;
    write(
        &h.join("layouts/_default/list.html"),
        r##"{{ define "main" }}
<h1>{{ .Title }}</h1>
{{ .Content }}
<ul>{{ range .Pages }}<li><a href="{{ .RelPermalink }}">{{ .Title }}</a>{{ with .Description }}<p>{{ . }}</p>{{ end }}</li>{{ end }}</ul>
{{ end }}
"##,
    )?;
    write(
        &h.join("layouts/_default/terms.html"),
        r##"{{ define "main" }}
<h1>{{ .Title }}</h1>
<ul>{{ range .Data.Terms.Alphabetical }}<li><a href="{{ .Page.RelPermalink }}">{{ .Page.Title }}</a> ({{ .Count }})</li>{{ end }}</ul>
{{ end }}
"##,
    )?;
    write(
        &h.join("layouts/index.html"),
        r##"{{ define "main" }}
<h1>{{ .Site.Title }}</h1>
{{ .Content }}
<ul>{{ range .Site.Sections }}<li><a href="{{ .RelPermalink }}">{{ .Title }}</a> ({{ len .Pages }})</li>{{ end }}</ul>
{{ end }}
"##,
    )?;
    write(
        &h.join("static/style.css"),
        "body { font-family: sans-serif; max-width: 50rem; margin: auto; }\n",
    )?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_same_seed_gives_the_same_pages() {
        let a = make_pages(30, 7);
        let b = make_pages(30, 7);
        assert!(
            a.iter()
                .zip(&b)
                .all(|(x, y)| x.body == y.body && x.title == y.title)
        );
        let c = make_pages(30, 8);
        assert!(a.iter().zip(&c).any(|(x, y)| x.body != y.body));
        let words: usize = a[4].body.split_whitespace().count();
        assert!((450..1400).contains(&words), "{words} words");
        assert!(a[1].body.contains("## Requirements\n\n- "));
        assert!(a.iter().all(|p| p.body.contains("```")));
    }
}
