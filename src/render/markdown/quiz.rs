//! Quiz pass: a fenced block in the language `quiz` is a set of self-check questions.
//!
//! ````markdown
//! ```quiz
//! ? What should you do with an email you think is phishing?
//! - [ ] Reply and ask the sender to confirm
//!   > Replying tells the sender your address is live.
//! - [x] Report it with the Report phishing button
//!   > Yes: the security team can then warn everyone else.
//! ```
//! ````
//!
//! `?` starts a question, `- [ ]` and `- [x]` are its answers (one `[x]`: choose one; several:
//! choose all that apply), and `>` lines under an answer are the feedback for choosing it.
//! Each question renders as a fieldset whose answer and feedback sit in a `<details>`, so the
//! quiz works without JavaScript; the theme's `quiz.js` adds a "Check answer" button with
//! instant feedback. Nothing leaves the reader's browser. A malformed block is a `quiz/syntax`
//! error at the line.

use std::ops::Range;

use pulldown_cmark::{CodeBlockKind, Event, Tag, TagEnd};

use super::{Context, Spanned, escape_html};
use crate::diagnostics::Diagnostic;

#[derive(Debug, Default)]
struct Answer {
    text: String,
    correct: bool,
    feedback: String,
}

#[derive(Debug)]
struct Question {
    prompt: String,
    answers: Vec<Answer>,
    span: Range<usize>,
}

fn syntax_error(cx: &Context<'_>, span: Range<usize>, message: &str, help: &str) -> Diagnostic {
    Diagnostic::error("quiz/syntax", message.to_string())
        .label(cx.file, span, "here")
        .help(help.to_string())
}

/// Reads a quiz; `lines` are its lines with their spans in the file.
///
/// Length: one pass over the block's lines; the question, answer and explanation being read
/// are state every kind of line reads and writes, so the reader stays in one piece.
fn parse(
    lines: &[(&str, Range<usize>)],
    block: Range<usize>,
    cx: &Context<'_>,
    diags: &mut Vec<Diagnostic>,
) -> Option<Vec<Question>> {
    let mut questions: Vec<Question> = Vec::new();
    let before = diags.len();
    for (line, span) in lines {
        let t = line.trim();
        if t.is_empty() {
            continue;
        }
        if let Some(prompt) = t.strip_prefix('?') {
            questions.push(Question {
                prompt: prompt.trim().to_string(),
                answers: Vec::new(),
                span: span.clone(),
            });
            continue;
        }
        let answer = ["- [ ]", "- [x]", "- [X]", "* [ ]", "* [x]", "* [X]"]
            .iter()
            .find_map(|m| t.strip_prefix(m).map(|rest| (m.contains(['x', 'X']), rest)));
        if let Some((correct, rest)) = answer {
            match questions.last_mut() {
                Some(q) => q.answers.push(Answer {
                    text: rest.trim().to_string(),
                    correct,
                    feedback: String::new(),
                }),
                None => diags.push(syntax_error(
                    cx,
                    span.clone(),
                    "an answer comes before any question",
                    "start each question with a line `? The question`",
                )),
            }
            continue;
        }
        if let Some(feedback) = t.strip_prefix('>') {
            match questions.last_mut().and_then(|q| q.answers.last_mut()) {
                Some(a) => {
                    if !a.feedback.is_empty() {
                        a.feedback.push(' ');
                    }
                    a.feedback.push_str(feedback.trim());
                }
                None => diags.push(syntax_error(
                    cx,
                    span.clone(),
                    "feedback comes before any answer",
                    "write `>` feedback under the answer it explains",
                )),
            }
            continue;
        }
        diags.push(syntax_error(
            cx,
            span.clone(),
            "a quiz line must start with `?`, `- [ ]`, `- [x]` or `>`",
            "`?` asks a question, `- [ ]` and `- [x]` are wrong and right answers, `>` is feedback on the answer above",
        ));
    }
    if questions.is_empty() && diags.len() == before {
        diags.push(syntax_error(
            cx,
            block,
            "this quiz has no questions",
            "start each question with a line `? The question`",
        ));
    }
    for q in &questions {
        if q.prompt.is_empty() {
            diags.push(syntax_error(
                cx,
                q.span.clone(),
                "this question has no text",
                "write the question after the `?`",
            ));
        }
        if q.answers.len() < 2 {
            diags.push(syntax_error(
                cx,
                q.span.clone(),
                "a question needs at least two answers",
                "add answers as `- [ ]` (wrong) and `- [x]` (right) lines",
            ));
        } else if !q.answers.iter().any(|a| a.correct) {
            diags.push(syntax_error(
                cx,
                q.span.clone(),
                "no answer to this question is marked right",
                "mark the right answer (or answers) `- [x]`",
            ));
        }
    }
    (diags.len() == before).then_some(questions)
}

/// A quiz's HTML. `titled`: it shows its own title, "Check your understanding" (not when a
/// heading of the author's introduces it).
fn html(questions: &[Question], quiz: usize, titled: bool) -> String {
    let mut out =
        String::from("<section class=\"quiz\" aria-label=\"Check your understanding\">\n");
    if titled {
        out.push_str("<p class=\"quiz__title\">Check your understanding</p>\n");
    }
    for (k, q) in questions.iter().enumerate() {
        let name = format!("quiz-{quiz}-{}", k + 1);
        let multiple = q.answers.iter().filter(|a| a.correct).count() > 1;
        let (kind, how) = if multiple {
            ("checkbox", "Choose all that apply.")
        } else {
            ("radio", "Choose one answer.")
        };
        // A prompt moved from other training often says how to answer already.
        let said = q.prompt.to_lowercase();
        let how = if said.contains("all that apply") || said.contains("one answer") {
            String::new()
        } else {
            format!("<p class=\"quiz__how\">{how}</p>\n")
        };
        out.push_str(&format!(
            "<fieldset class=\"quiz__question\" data-quiz-question>\n<legend class=\"quiz__prompt\">{}</legend>\n{how}<ul class=\"quiz__answers\">\n",
            escape_html(&q.prompt)
        ));
        for (j, a) in q.answers.iter().enumerate() {
            let id = format!("{name}-{}", j + 1);
            out.push_str(&format!(
                "<li><input type=\"{kind}\" name=\"{name}\" id=\"{id}\"{}> <label for=\"{id}\">{}</label>",
                if a.correct { " data-correct" } else { "" },
                escape_html(&a.text)
            ));
            if !a.feedback.is_empty() {
                out.push_str(&format!(
                    "<p class=\"quiz__feedback\" hidden>{}</p>",
                    escape_html(&a.feedback)
                ));
            }
            out.push_str("</li>\n");
        }
        out.push_str("</ul>\n<button type=\"button\" class=\"quiz__check\" hidden>Check answer</button>\n<p class=\"quiz__result\" role=\"status\"></p>\n<details class=\"quiz__answer\">\n<summary>Show the answer</summary>\n");
        let right: Vec<String> = q
            .answers
            .iter()
            .filter(|a| a.correct)
            .map(|a| format!("<strong>{}</strong>", escape_html(&a.text)))
            .collect();
        out.push_str(&format!(
            "<p>{} {}.</p>\n",
            if multiple {
                "The right answers are"
            } else {
                "The right answer is"
            },
            right.join("; ")
        ));
        if q.answers.iter().any(|a| !a.feedback.is_empty()) {
            out.push_str("<dl class=\"quiz__explanations\">\n");
            for a in q.answers.iter().filter(|a| !a.feedback.is_empty()) {
                out.push_str(&format!(
                    "<dt>{}{}</dt><dd>{}</dd>\n",
                    escape_html(&a.text),
                    if a.correct { " (right)" } else { " (wrong)" },
                    escape_html(&a.feedback)
                ));
            }
            out.push_str("</dl>\n");
        }
        out.push_str("</details>\n</fieldset>\n");
    }
    out.push_str("</section>\n");
    out
}

/// The lines of a fenced block's content with their spans in the file: the content starts on
/// the line after the opening fence.
fn lines<'s>(
    source: &'s str,
    block: &Range<usize>,
    cx: &Context<'_>,
) -> Vec<(&'s str, Range<usize>)> {
    let Some(text) = source.get(block.clone()) else {
        return Vec::new();
    };
    let Some(first) = text.find('\n') else {
        return Vec::new();
    };
    let mut out = Vec::new();
    let mut at = block.start + first + 1;
    for line in source[at..block.end].split_inclusive('\n') {
        let body = line.trim_end_matches(['\n', '\r']);
        let lead = body.len() - body.trim_start().len();
        let trimmed = body.trim();
        if trimmed.starts_with("```") || trimmed.starts_with("~~~") {
            break;
        }
        let start = cx.offset + at + lead;
        out.push((trimmed, start..start + trimmed.len()));
        at += line.len();
    }
    out
}

pub(super) fn apply<'a>(
    events: Vec<Spanned<'a>>,
    source: &str,
    cx: &Context<'_>,
    diags: &mut Vec<Diagnostic>,
) -> (Vec<Spanned<'a>>, usize) {
    let mut out = Vec::with_capacity(events.len());
    let mut quizzes = 0;
    let mut inside: Option<Range<usize>> = None;
    let mut kept: Vec<Spanned<'a>> = Vec::new();
    // Whether the last block outside a quiz was a heading.
    let mut after_heading = false;
    let mut titled = true;
    for (ev, range) in events {
        match ev {
            Event::Start(Tag::CodeBlock(CodeBlockKind::Fenced(ref info)))
                if super::code::fence_lang(info) == "quiz" =>
            {
                titled = !after_heading;
                inside = Some(range.clone());
                kept.push((ev, range));
            }
            Event::End(TagEnd::CodeBlock) if inside.is_some() => {
                let block = inside.take().unwrap_or_default();
                let lines = lines(source, &block, cx);
                kept.push((ev, range));
                // The opening fence, for a quiz with nothing in it.
                let fence = source
                    .get(block.clone())
                    .and_then(|t| t.find('\n'))
                    .unwrap_or(0);
                let fence = cx.offset + block.start..cx.offset + block.start + fence;
                match parse(&lines, fence, cx, diags) {
                    Some(questions) => {
                        quizzes += 1;
                        out.push((Event::Html(html(&questions, quizzes, titled).into()), block));
                        kept.clear();
                    }
                    // Shown as written, so the page still says what the author meant.
                    None => out.append(&mut kept),
                }
            }
            ev if inside.is_some() => kept.push((ev, range)),
            ev => {
                if let Event::End(TagEnd::Heading(_)) = ev {
                    after_heading = true;
                } else if !matches!(
                    ev,
                    Event::Start(Tag::Heading { .. }) | Event::Text(_) | Event::Code(_)
                ) {
                    after_heading = false;
                }
                out.push((ev, range));
            }
        }
    }
    (out, quizzes)
}

#[cfg(test)]
mod tests {
    use super::super::tests::render_str;

    #[test]
    fn questions_render_without_script_and_mark_the_right_answers() {
        let r = render_str(
            "Intro.\n\n```quiz\n? Pick one\n- [ ] Wrong <b>\n  > Because.\n- [x] Right\n\n? Pick two\n- [x] A\n- [X] B\n- [ ] C\n```\n",
        );
        assert!(r.diags.is_empty(), "{:?}", r.diags);
        assert_eq!(r.quizzes, 1);
        let h = &r.html;
        assert!(h.contains("<legend class=\"quiz__prompt\">Pick one</legend>\n<p class=\"quiz__how\">Choose one answer.</p>"), "{h}");
        assert!(h.contains("<li><input type=\"radio\" name=\"quiz-1-1\" id=\"quiz-1-1-1\"> <label for=\"quiz-1-1-1\">Wrong &lt;b&gt;</label><p class=\"quiz__feedback\" hidden>Because.</p></li>"), "{h}");
        assert!(
            h.contains("<input type=\"radio\" name=\"quiz-1-1\" id=\"quiz-1-1-2\" data-correct>"),
            "{h}"
        );
        assert!(
            h.contains("<p>The right answer is <strong>Right</strong>.</p>"),
            "{h}"
        );
        assert!(
            h.contains("<dt>Wrong &lt;b&gt; (wrong)</dt><dd>Because.</dd>"),
            "{h}"
        );
        assert!(
            h.contains("<p class=\"quiz__how\">Choose all that apply.</p>"),
            "{h}"
        );
        assert!(
            h.contains("type=\"checkbox\" name=\"quiz-1-2\" id=\"quiz-1-2-2\" data-correct>"),
            "{h}"
        );
        assert!(
            h.contains("The right answers are <strong>A</strong>; <strong>B</strong>."),
            "{h}"
        );
        assert!(!h.contains("<pre"), "{h}");
    }

    #[test]
    fn a_prompt_that_says_how_to_answer_is_not_told_again() {
        let h = render_str(
            "```quiz\n? Which apply? Select all that apply.\n- [x] A\n- [x] B\n- [ ] C\n```\n",
        )
        .html;
        assert!(h.contains("type=\"checkbox\""), "{h}");
        assert!(!h.contains("quiz__how"), "{h}");
        assert_eq!(h.matches("all that apply").count(), 1, "{h}");
    }

    #[test]
    fn a_malformed_quiz_is_an_error_at_its_line_and_shown_as_written() {
        let body = "```quiz\n? Only one answer\n- [x] Yes\n```\n";
        let r = render_str(body);
        assert_eq!(r.quizzes, 0);
        assert_eq!(r.diags.len(), 1, "{:?}", r.diags);
        assert_eq!(r.diags[0].code, "quiz/syntax");
        let span = r.diags[0].primary.as_ref().expect("labelled").span.clone();
        assert_eq!(&body[span], "? Only one answer");
        assert!(r.html.contains("<pre"), "{}", r.html);
        let r = render_str("```quiz\n? Q\n- [ ] a\n- [ ] b\n```\n");
        assert_eq!(
            r.diags[0].message,
            "no answer to this question is marked right"
        );
    }
}
