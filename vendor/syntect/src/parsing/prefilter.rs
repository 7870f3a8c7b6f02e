//! Literals a regex's every match needs: added for canon (see PATCHED.md).
//!
//! Most regex searches a parse makes find nothing: a context tries each of its patterns
//! against the rest of the line, and a line holds a few of a grammar's keywords and
//! operators, not most of them. Oniguruma finds that out by running its matcher at many
//! positions of the line, because most patterns begin with `\b`, a lookbehind or a group.
//! [`required_literals`] reads a pattern and returns strings of which every match must
//! contain one, so a line that holds none of them is known not to match without a search.
//!
//! It has to be right only in one direction: when it is unsure it returns `None` (no
//! filter), and a filter that lets through a line the regex then does not match costs only
//! the search it failed to save. Text inside lookarounds counts: syntect searches the whole
//! line, so what a lookahead or lookbehind must see is in the line too. A short class, as
//! `[)\]}]` or `[0-7]`, needs one of its characters. Negative lookarounds, optional parts,
//! long or negated classes, backreferences and escapes it does not know ask for nothing.

/// What a part of a pattern needs of the text: nothing known, or one of these literals.
#[derive(Clone, Debug, PartialEq)]
enum Need {
    Nothing,
    OneOf(Vec<String>),
}

/// More literals than this in one need are not worth a filter.
const MAX_LITERALS: usize = 64;

/// A class of more characters than this is read as needing nothing.
const MAX_CLASS: usize = 16;

impl Need {
    /// How selective a need is: the length of its shortest literal, then fewer literals.
    fn strength(&self) -> (usize, isize) {
        match self {
            Need::Nothing => (0, 0),
            Need::OneOf(lits) => (
                lits.iter().map(|l| l.len()).min().unwrap_or(0),
                -(lits.len() as isize),
            ),
        }
    }

    /// Of two needs that both hold, the more selective.
    fn best(self, other: Need) -> Need {
        if other.strength() > self.strength() {
            other
        } else {
            self
        }
    }

    /// The need of `a|b`: one of either's literals.
    fn either(self, other: Need) -> Need {
        match (self, other) {
            (Need::OneOf(mut a), Need::OneOf(b)) => {
                for l in b {
                    if !a.contains(&l) {
                        a.push(l);
                    }
                }
                if a.len() > MAX_LITERALS {
                    Need::Nothing
                } else {
                    Need::OneOf(a)
                }
            }
            _ => Need::Nothing,
        }
    }
}

/// What [`required_literals`] found: every match of the pattern contains one of `literals`.
#[derive(Debug)]
pub(crate) struct Literals {
    pub(crate) literals: Vec<String>,
    /// The literals hold only for ASCII text: when any part of the pattern ignores case,
    /// Oniguruma folds case by Unicode's rules (`ſ` matches `s`), and `\d` matches any
    /// Unicode digit.
    pub(crate) ascii_only: bool,
    /// The pattern looks behind, so a literal may lie before where the search starts. Else
    /// every literal lies in the text from there on (in the match or a lookahead).
    pub(crate) behind: bool,
}

/// The strings of which every match of `pattern` contains one (compared without regard to
/// ASCII case), or `None` when its matches need no literal this reading can be sure of.
pub(crate) fn required_literals(pattern: &str) -> Option<Literals> {
    let chars: Vec<char> = pattern.chars().collect();
    let mut parser = Parser {
        chars: &chars,
        pos: 0,
        extended: false,
        ascii_only: false,
        behind: false,
    };
    // Flags for the whole pattern, as `(?x)` or `(?i)`. Later ones hold to the end of their
    // group, and there a change of `x` ends the reading (see `group`).
    parser.flags()?;
    let need = parser.alternation()?;
    if parser.pos != chars.len() {
        return None;
    }
    match need {
        Need::OneOf(literals) if literals.iter().all(|l| !l.is_empty()) => Some(Literals {
            literals,
            ascii_only: parser.ascii_only,
            behind: parser.behind,
        }),
        _ => None,
    }
}

struct Parser<'a> {
    chars: &'a [char],
    pos: usize,
    /// `x`: whitespace and `#` comments are not part of the pattern.
    extended: bool,
    /// What the reading found holds only for ASCII text: `i` is on somewhere (Oniguruma
    /// folds case by Unicode's rules), or `\d` (which matches any Unicode digit) was read.
    ascii_only: bool,
    /// A lookbehind was read.
    behind: bool,
}

/// One item of a sequence: a character that must appear as written, or a need of its own.
enum Item {
    Char(char),
    Need(Need),
}

impl Parser<'_> {
    fn peek(&self) -> Option<char> {
        self.chars.get(self.pos).copied()
    }

    fn peek_at(&self, k: usize) -> Option<char> {
        self.chars.get(self.pos + k).copied()
    }

    /// Branches separated by `|`, up to a `)` (left unread) or the end. `None`: unreadable.
    fn alternation(&mut self) -> Option<Need> {
        let mut need = self.sequence()?;
        while self.peek() == Some('|') {
            self.pos += 1;
            let next = self.sequence()?;
            need = need.either(next);
        }
        Some(need)
    }

    /// A branch: items in a row. Runs of characters that must appear next to each other
    /// become one literal; the branch needs its most selective part.
    fn sequence(&mut self) -> Option<Need> {
        let mut need = Need::Nothing;
        let mut run = String::new();
        let end_run = |run: &mut String, need: Need| -> Need {
            if run.is_empty() {
                need
            } else {
                need.best(Need::OneOf(vec![std::mem::take(run)]))
            }
        };
        loop {
            let Some(c) = self.peek() else { break };
            if c == '|' || c == ')' {
                break;
            }
            if self.extended && c.is_whitespace() {
                self.pos += 1;
                continue;
            }
            if self.extended && c == '#' {
                while self.peek().is_some_and(|c| c != '\n') {
                    self.pos += 1;
                }
                continue;
            }
            let item = self.atom()?;
            let (min, max_one) = self.quantifier()?;
            match item {
                Item::Char(ch) if min >= 1 && max_one => run.push(ch),
                Item::Char(ch) if min >= 1 => {
                    // `a+`: at least one `a`, ending the run.
                    run.push(ch);
                    need = end_run(&mut run, need);
                }
                Item::Need(n) if min >= 1 => {
                    need = end_run(&mut run, need);
                    need = need.best(n);
                }
                _ => need = end_run(&mut run, need),
            }
        }
        Some(end_run(&mut run, need))
    }

    /// Flags with no colon at the start, as `(?x)` or `(?i-x)`, which hold for the whole
    /// pattern. `None`: flags this reading does not know.
    fn flags(&mut self) -> Option<()> {
        while self.peek() == Some('(') && self.peek_at(1) == Some('?') {
            let mut k = 2;
            while self.peek_at(k).is_some_and(|c| "imsx-".contains(c)) {
                k += 1;
            }
            if k == 2 || self.peek_at(k) != Some(')') {
                return Some(());
            }
            self.pos += 2;
            self.set_flags()?;
            self.pos += 1;
        }
        Some(())
    }

    /// Reads flags up to a `:` or `)` (left unread), setting extended mode and noting case.
    fn set_flags(&mut self) -> Option<()> {
        let mut on = true;
        loop {
            match self.peek()? {
                ':' | ')' => return Some(()),
                '-' => on = false,
                'x' => self.extended = on,
                'i' => self.ascii_only |= on,
                'm' | 's' => {}
                _ => return None,
            }
            self.pos += 1;
        }
    }

    /// How many times the last atom may occur: (at least, at most once?). `None`: unreadable.
    fn quantifier(&mut self) -> Option<(usize, bool)> {
        if self.extended {
            while self.peek().is_some_and(char::is_whitespace) {
                self.pos += 1;
            }
        }
        let (min, one) = match self.peek() {
            Some('?') => {
                self.pos += 1;
                (0, true)
            }
            Some('*') => {
                self.pos += 1;
                (0, false)
            }
            Some('+') => {
                self.pos += 1;
                (1, false)
            }
            Some('{') => match self.interval() {
                Some((min, max)) => (min, max == Some(1)),
                None => return Some((1, true)),
            },
            _ => return Some((1, true)),
        };
        // Lazy `?` or possessive `+` after a quantifier, then no further quantifier.
        if matches!(self.peek(), Some('?') | Some('+')) {
            self.pos += 1;
        }
        if matches!(self.peek(), Some('?') | Some('*') | Some('+') | Some('{')) {
            return None;
        }
        Some((min, one))
    }

    /// `{n}`, `{n,}`, `{,m}` or `{n,m}`: (n, m). Anything else after `{` is a literal brace
    /// (left unread).
    fn interval(&mut self) -> Option<(usize, Option<usize>)> {
        let mut k = 1;
        let digits = |k: &mut usize| {
            let start = *k;
            while self.peek_at(*k).is_some_and(|c| c.is_ascii_digit()) {
                *k += 1;
            }
            let s: String = self.chars[self.pos + start..self.pos + *k].iter().collect();
            s.parse::<usize>().ok()
        };
        let min = digits(&mut k);
        let max = if self.peek_at(k) == Some(',') {
            k += 1;
            digits(&mut k)
        } else {
            if min.is_none() {
                return None;
            }
            min
        };
        if self.peek_at(k) != Some('}') || (min.is_none() && max.is_none()) {
            return None;
        }
        self.pos += k + 1;
        Some((min.unwrap_or(0), max))
    }

    fn atom(&mut self) -> Option<Item> {
        let c = self.peek()?;
        self.pos += 1;
        match c {
            '(' => self.group(),
            '[' => {
                let start = self.pos;
                self.class()?;
                let chars = self.class_chars(&self.chars[start..self.pos - 1]);
                Some(Item::Need(chars.map_or(Need::Nothing, Need::OneOf)))
            }
            '.' | '^' | '$' => Some(Item::Need(Need::Nothing)),
            '\\' => self.escape(),
            '?' | '*' | '+' => None,
            // A brace that starts no interval is itself.
            '{' => Some(Item::Char('{')),
            c => Some(Item::Char(c)),
        }
    }

    /// After `(`: the group's need, through its `)`.
    fn group(&mut self) -> Option<Item> {
        let mut counts = true;
        let outer_extended = self.extended;
        if self.peek() == Some('?') {
            self.pos += 1;
            match self.peek()? {
                ':' | '>' | '=' => self.pos += 1,
                '!' => {
                    self.pos += 1;
                    counts = false;
                }
                '<' => match self.peek_at(1)? {
                    '=' => {
                        self.pos += 2;
                        self.behind = true;
                    }
                    '!' => {
                        self.pos += 2;
                        counts = false;
                    }
                    _ => {
                        // A named group, `(?<name>...)`.
                        while self.peek()? != '>' {
                            self.pos += 1;
                        }
                        self.pos += 1;
                    }
                },
                '\'' => {
                    self.pos += 1;
                    while self.peek()? != '\'' {
                        self.pos += 1;
                    }
                    self.pos += 1;
                }
                '#' => {
                    // A comment group.
                    while self.peek()? != ')' {
                        self.pos += 1;
                    }
                    self.pos += 1;
                    return Some(Item::Need(Need::Nothing));
                }
                _ => {
                    // Scoped flags, `(?i:...)` or `(?x-i:...)`.
                    self.set_flags()?;
                    if self.peek()? == ')' {
                        // Flags alone, `(?i)`, hold to the end of their group, alternatives
                        // after them included: `a(?i)b|c` is `a(?i:b|c)`. Read as `(ab)|c`,
                        // its need still holds (a match has `ab` or `c`). Whitespace that
                        // starts or stops counting would change the reading: not read.
                        if self.extended != outer_extended {
                            return None;
                        }
                        self.pos += 1;
                        return Some(Item::Need(Need::Nothing));
                    }
                    self.pos += 1;
                }
            }
        }
        let need = self.alternation()?;
        self.extended = outer_extended;
        if self.peek() != Some(')') {
            return None;
        }
        self.pos += 1;
        Some(Item::Need(if counts { need } else { Need::Nothing }))
    }

    /// After `[`: skips the class, nested classes included, through its `]`.
    fn class(&mut self) -> Option<()> {
        if self.peek() == Some('^') {
            self.pos += 1;
        }
        // A `]` first is a literal.
        if self.peek() == Some(']') {
            self.pos += 1;
        }
        loop {
            match self.peek()? {
                ']' => {
                    self.pos += 1;
                    return Some(());
                }
                '\\' => self.pos += 2,
                '[' => {
                    self.pos += 1;
                    if self.peek() == Some(':') {
                        // A POSIX bracket, `[:alpha:]`.
                        while self.peek()? != ']' {
                            self.pos += 1;
                        }
                        self.pos += 1;
                    } else {
                        self.class()?;
                    }
                }
                _ => self.pos += 1,
            }
        }
    }

    /// The characters a class body (between `[` and `]`) matches, when it lists at most
    /// [`MAX_CLASS`] of them one by one or in short ASCII ranges: `[)\]}]`, `[0-7]`, `[\d_]`.
    /// Negated, nested and intersected classes, and class escapes but `\d`, give `None`.
    fn class_chars(&mut self, body: &[char]) -> Option<Vec<String>> {
        if body.first() == Some(&'^') {
            return None;
        }
        let mut set: Vec<char> = Vec::new();
        let mut i = 0;
        while i < body.len() {
            // One character of the class (a `]` first is one), or `\d`.
            let (c, width) = match body[i] {
                '[' => return None,
                '&' if body.get(i + 1) == Some(&'&') => return None,
                // Oniguruma may or may not skip whitespace in a class in `x` mode: not read.
                c if c.is_whitespace() && self.extended => return None,
                '\\' => match *body.get(i + 1)? {
                    'n' => ('\n', 2),
                    't' => ('\t', 2),
                    // Any digit, ASCII ones only in ASCII text; a `-` after it is not read.
                    'd' if body.get(i + 2) != Some(&'-') => {
                        set.extend('0'..='9');
                        self.ascii_only = true;
                        i += 2;
                        continue;
                    }
                    e if e.is_ascii_alphanumeric() || !e.is_ascii() => return None,
                    e => (e, 2),
                },
                c => (c, 1),
            };
            i += width;
            // A range from any character, escaped or first (`[\.-z]`, `[]-a]`), unless the
            // `-` is the class's last character.
            if body.get(i) == Some(&'-') && i + 1 < body.len() {
                let last = body[i + 1];
                if !c.is_ascii() || !last.is_ascii() || last == '\\' || last < c {
                    return None;
                }
                if (last as u32 - c as u32) as usize >= MAX_CLASS {
                    return None;
                }
                set.extend(c..=last);
                i += 2;
            } else {
                set.push(c);
            }
        }
        set.sort_unstable();
        set.dedup();
        if set.is_empty() || set.len() > MAX_CLASS {
            return None;
        }
        Some(set.into_iter().map(String::from).collect())
    }

    /// After `\`: an escaped character is itself; every class, anchor, reference and code
    /// point escape needs nothing known.
    fn escape(&mut self) -> Option<Item> {
        let c = self.peek()?;
        self.pos += 1;
        Some(match c {
            'n' => Item::Char('\n'),
            't' => Item::Char('\t'),
            'd' => {
                // Any digit, ASCII ones only in ASCII text.
                self.ascii_only = true;
                Item::Need(Need::OneOf(('0'..='9').map(String::from).collect()))
            }
            // Meta and control characters, `\M-x` and `\C-x`.
            'M' | 'C' => return None,
            // A character by its octal or hexadecimal number, or a backreference.
            '0'..='9' => {
                while self.peek().is_some_and(|c| c.is_ascii_digit()) {
                    self.pos += 1;
                }
                Item::Need(Need::Nothing)
            }
            'x' | 'u' if self.peek() != Some('{') => {
                let most = if c == 'x' { 2 } else { 4 };
                for _ in 0..most {
                    if self.peek().is_some_and(|c| c.is_ascii_hexdigit()) {
                        self.pos += 1;
                    }
                }
                Item::Need(Need::Nothing)
            }
            // A control character, `\cx`.
            'c' => {
                self.pos += 1;
                Item::Need(Need::Nothing)
            }
            c if c.is_ascii_alphanumeric() => {
                // `\k<name>`, `\g<name>`, `\p{...}`, `\x{...}`: skip what they enclose.
                if matches!(c, 'k' | 'g') && matches!(self.peek(), Some('<') | Some('\'')) {
                    let close = if self.peek() == Some('<') { '>' } else { '\'' };
                    while self.peek()? != close {
                        self.pos += 1;
                    }
                    self.pos += 1;
                } else if matches!(c, 'p' | 'P' | 'x' | 'o' | 'u') && self.peek() == Some('{') {
                    while self.peek()? != '}' {
                        self.pos += 1;
                    }
                    self.pos += 1;
                }
                Item::Need(Need::Nothing)
            }
            c if c.is_ascii() => Item::Char(c),
            _ => Item::Need(Need::Nothing),
        })
    }
}
