//! Turns [`Diagnostic`]s into text: rich code frames for people, one line each for CI.

use codespan_reporting::diagnostic::{
    Diagnostic as CsDiagnostic, Label as CsLabel, Severity as CsSeverity,
};
use codespan_reporting::term::{self, Config, DisplayStyle};

use super::{Diagnostic, Diagnostics, Severity, SourceMap};

/// How diagnostics are printed.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Style {
    /// Code frame with the offending line, a caret under the span, and the hint.
    Rich,
    /// `file:line:col: error[code]: message`, one line each (plus the hint).
    Short,
}

fn to_codespan(d: &Diagnostic) -> CsDiagnostic<usize> {
    let severity = match d.severity {
        Severity::Error => CsSeverity::Error,
        Severity::Warning => CsSeverity::Warning,
    };
    let mut labels = Vec::new();
    if let Some(l) = &d.primary {
        labels.push(CsLabel::primary(l.file, l.span.clone()).with_message(&l.message));
    }
    for l in &d.secondary {
        labels.push(CsLabel::secondary(l.file, l.span.clone()).with_message(&l.message));
    }
    let mut notes = Vec::new();
    if let Some(h) = &d.help {
        notes.push(h.clone());
    }
    CsDiagnostic::new(severity)
        .with_code(d.code)
        .with_message(&d.message)
        .with_labels(labels)
        .with_notes(notes)
}

/// Renders one diagnostic without colour.
pub fn render_one(d: &Diagnostic, sources: &SourceMap, style: Style) -> String {
    let config = Config {
        display_style: match style {
            Style::Rich => DisplayStyle::Rich,
            Style::Short => DisplayStyle::Short,
        },
        ..Config::default()
    };
    match term::emit_into_string(&config, sources, &to_codespan(d)) {
        Ok(s) => s,
        // A span outside its file is a bug in a stage; still say what is wrong.
        Err(_) => format!("{}[{}]: {}\n", severity_word(d.severity), d.code, d.message),
    }
}

/// Renders every diagnostic in stable order without colour.
pub fn render_all(diags: &Diagnostics, sources: &SourceMap, style: Style) -> String {
    diags
        .sorted(sources)
        .into_iter()
        .map(|d| {
            let mut s = render_one(d, sources, style);
            if style == Style::Short
                && let Some(h) = &d.help
            {
                // codespan's short style drops notes; a hint is too useful to lose.
                if !s.ends_with('\n') {
                    s.push('\n');
                }
                s.push_str(&format!("  = {h}\n"));
            }
            s
        })
        .collect()
}

/// Writes every diagnostic to stderr, in colour when stderr is a terminal.
pub fn emit_to_stderr(diags: &Diagnostics, sources: &SourceMap, style: Style, color: bool) {
    use codespan_reporting::term::termcolor::{ColorChoice, StandardStream};
    let choice = if color {
        ColorChoice::Auto
    } else {
        ColorChoice::Never
    };
    let stream = StandardStream::stderr(choice);
    let mut lock = stream.lock();
    let config = Config {
        display_style: match style {
            Style::Rich => DisplayStyle::Rich,
            Style::Short => DisplayStyle::Short,
        },
        ..Config::default()
    };
    let styles = term::Styles::default();
    for d in diags.sorted(sources) {
        let mut writer = term::StylesWriter::new(&mut lock, &styles);
        if term::emit_to_write_style(&mut writer, &config, sources, &to_codespan(d)).is_err() {
            use std::io::Write;
            let _ = writeln!(
                lock,
                "{}[{}]: {}",
                severity_word(d.severity),
                d.code,
                d.message
            );
        }
        if style == Style::Short
            && let Some(h) = &d.help
        {
            use std::io::Write;
            let _ = writeln!(lock, "  = {h}");
        }
    }
}

fn severity_word(s: Severity) -> &'static str {
    match s {
        Severity::Error => "error",
        Severity::Warning => "warning",
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::Arc;

    #[test]
    fn rich_output_has_location_frame_and_hint() {
        let mut sources = SourceMap::default();
        let id = sources.add(
            "content/standards/x.md",
            Arc::from("---\nstatus: actve\n---\n"),
        );
        let d = Diagnostic::error("schema/enum", "`status` is not one of draft, active")
            .label(id, 12..17, "unknown status")
            .help("did you mean `active`?");
        let out = render_one(&d, &sources, Style::Rich);
        assert!(out.contains("error[schema/enum]"), "{out}");
        assert!(out.contains("content/standards/x.md:2:9"), "{out}");
        assert!(out.contains("status: actve"), "{out}");
        assert!(out.contains("^^^^^ unknown status"), "{out}");
        assert!(out.contains("did you mean `active`?"), "{out}");
        let mut all = Diagnostics::default();
        all.push(d);
        let short = render_all(&all, &sources, Style::Short);
        assert!(
            short.starts_with("content/standards/x.md:2:9: error[schema/enum]"),
            "{short}"
        );
        assert!(short.contains("= did you mean `active`?"), "{short}");
    }
}
