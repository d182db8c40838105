//! Reads `PLUGINS_CONFIG["nautobot_chatops"]` out of a `nautobot_config.py`
//! without executing it: a small tokenizer and an evaluator of Python
//! literals (strings in every quote form, numbers, `True`/`False`/`None`,
//! dicts, lists, tuples) plus the environment look-ups such files are full of
//! (`os.getenv("X")`, `os.environ["X"]`, `os.environ.get("X", default)`,
//! `is_truthy(...)` around one of them). Anything else is "not a literal" for
//! that key, reported with its line, never run.
//!
//! Executing the file is out of the question: it imports Nautobot, reads the
//! environment of whoever runs the import and may do anything.

use std::collections::BTreeMap;

/// The value of one setting, as far as it can be known without running code.
#[derive(Clone, Debug, PartialEq)]
pub enum PyValue {
    /// A string (adjacent literals already concatenated).
    Str(String),
    /// An integer.
    Int(i64),
    /// A float.
    Float(f64),
    /// `True` or `False`.
    Bool(bool),
    /// `None`.
    None,
    /// A list, tuple or set display.
    List(Vec<PyValue>),
    /// A dict display, in source order.
    Dict(Vec<(PyValue, PyValue)>),
    /// Read from the environment at Nautobot's start: `os.getenv("X", default)`
    /// and its spellings; `truthy` when wrapped in `is_truthy(...)`.
    Env {
        /// The variable's name.
        var: String,
        /// The default given, when it is a literal.
        default: Option<Box<PyValue>>,
        /// Whether the value passes through `is_truthy`.
        truthy: bool,
    },
    /// An expression that is not a literal (a comprehension, a call, an
    /// operator...), with what it is in words. Its text is never kept, since
    /// it may hold a credential.
    NotLiteral(String),
}

impl PyValue {
    /// The value as a boolean the way Nautobot's `is_truthy` reads settings,
    /// when it is a literal; `None` for the environment and the unknown.
    pub fn literal_bool(&self) -> Option<bool> {
        match self {
            PyValue::Bool(b) => Some(*b),
            PyValue::None => Some(false),
            PyValue::Int(i) => Some(*i != 0),
            PyValue::Str(s) => Some(is_truthy(s)),
            _ => Option::None,
        }
    }
}

/// Nautobot's `is_truthy` on a string (`nautobot.core.settings_funcs`):
/// `"true"`, `"yes"`, `"on"`, `"1"`... are true, the rest false.
pub fn is_truthy(text: &str) -> bool {
    matches!(
        text.trim().to_ascii_lowercase().as_str(),
        "y" | "yes" | "t" | "true" | "on" | "1"
    )
}

/// One setting of `PLUGINS_CONFIG["nautobot_chatops"]` and the line it was set on.
#[derive(Clone, Debug, PartialEq)]
pub struct Setting {
    /// Its value.
    pub value: PyValue,
    /// The 1-based line of the assignment.
    pub line: usize,
}

/// What the file says about the app's settings.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct ChatopsSettings {
    /// The settings, by key.
    pub values: BTreeMap<String, Setting>,
    /// Whether any assignment to the app's settings was found.
    pub found: bool,
    /// What was seen but not evaluated (conditional assignments, keys that
    /// are not strings...), each a sentence with its line.
    pub problems: Vec<String>,
}

/// Why a file could not be read as Python at all.
#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum ParseError {
    /// A string literal that never ends.
    #[error("line {0}: a string that is never closed")]
    UnterminatedString(usize),
    /// A bracket closed that was never opened, or the reverse.
    #[error("line {0}: unbalanced brackets")]
    Unbalanced(usize),
}

/// The app's key in `PLUGINS_CONFIG`.
pub const APP_KEY: &str = "nautobot_chatops";

#[derive(Clone, Debug, PartialEq)]
enum Tok {
    Name(String),
    Str { text: String, fstring: bool },
    Num(String),
    Op(String),
    Newline,
}

#[derive(Clone, Debug, PartialEq)]
struct Token {
    tok: Tok,
    line: usize,
    /// The column of the first token of the logical line this token starts, if it does.
    indent: Option<usize>,
}

/// Splits Python source into tokens; newlines inside brackets and after a
/// backslash do not end a logical line.
fn tokenize(src: &str) -> Result<Vec<Token>, ParseError> {
    let chars: Vec<char> = src.chars().collect();
    let mut out: Vec<Token> = Vec::new();
    let (mut i, mut line, mut depth, mut col) = (0usize, 1usize, 0i32, 0usize);
    let mut at_line_start = true;
    while i < chars.len() {
        let c = chars[i];
        match c {
            '\n' => {
                if depth == 0 && out.last().is_some_and(|t| t.tok != Tok::Newline) {
                    out.push(Token {
                        tok: Tok::Newline,
                        line,
                        indent: None,
                    });
                }
                line += 1;
                i += 1;
                col = 0;
                at_line_start = depth == 0;
                continue;
            }
            '\\' if chars.get(i + 1) == Some(&'\n') => {
                i += 2;
                line += 1;
                col = 0;
                continue;
            }
            '#' => {
                while i < chars.len() && chars[i] != '\n' {
                    i += 1;
                }
                continue;
            }
            ' ' | '\t' | '\r' | '\x0c' => {
                i += 1;
                col += 1;
                continue;
            }
            _ => {}
        }
        let indent = at_line_start.then_some(col);
        at_line_start = false;
        let start_line = line;
        let start = i;
        // A string, possibly with a prefix (r, b, u, f and their pairs).
        let prefix_len = chars[i..]
            .iter()
            .take(3)
            .position(|ch| *ch == '\'' || *ch == '"')
            .filter(|&n| chars[i..i + n].iter().all(|p| "rRbBuUfF".contains(*p)));
        if let Some(n) = prefix_len {
            let prefix: String = chars[i..i + n].iter().collect::<String>().to_ascii_lowercase();
            let raw = prefix.contains('r');
            let fstring = prefix.contains('f');
            i += n;
            let quote = chars[i];
            let triple = chars.get(i + 1) == Some(&quote) && chars.get(i + 2) == Some(&quote);
            i += if triple { 3 } else { 1 };
            let mut text = String::new();
            loop {
                let Some(&ch) = chars.get(i) else {
                    return Err(ParseError::UnterminatedString(start_line));
                };
                if ch == quote
                    && (!triple || (chars.get(i + 1) == Some(&quote) && chars.get(i + 2) == Some(&quote)))
                {
                    i += if triple { 3 } else { 1 };
                    break;
                }
                if ch == '\n' {
                    if !triple {
                        return Err(ParseError::UnterminatedString(start_line));
                    }
                    line += 1;
                }
                if ch == '\\' {
                    let next = chars
                        .get(i + 1)
                        .copied()
                        .ok_or(ParseError::UnterminatedString(start_line))?;
                    if raw {
                        text.push('\\');
                        text.push(next);
                    } else {
                        match next {
                            'n' => text.push('\n'),
                            't' => text.push('\t'),
                            'r' => text.push('\r'),
                            '0' => text.push('\0'),
                            '\n' => {}
                            '\\' | '\'' | '"' => text.push(next),
                            other => {
                                text.push('\\');
                                text.push(other);
                            }
                        }
                    }
                    if next == '\n' {
                        line += 1;
                    }
                    i += 2;
                    continue;
                }
                text.push(ch);
                i += 1;
            }
            col += i - start;
            out.push(Token {
                tok: Tok::Str { text, fstring },
                line: start_line,
                indent,
            });
            continue;
        }
        if c.is_alphabetic() || c == '_' {
            while i < chars.len() && (chars[i].is_alphanumeric() || chars[i] == '_') {
                i += 1;
            }
            col += i - start;
            out.push(Token {
                tok: Tok::Name(chars[start..i].iter().collect()),
                line,
                indent,
            });
            continue;
        }
        if c.is_ascii_digit() || (c == '.' && chars.get(i + 1).is_some_and(char::is_ascii_digit)) {
            while i < chars.len()
                && (chars[i].is_ascii_alphanumeric()
                    || chars[i] == '.'
                    || chars[i] == '_'
                    || ((chars[i] == '+' || chars[i] == '-') && matches!(chars[i - 1], 'e' | 'E')))
            {
                i += 1;
            }
            col += i - start;
            out.push(Token {
                tok: Tok::Num(chars[start..i].iter().collect()),
                line,
                indent,
            });
            continue;
        }
        match c {
            '(' | '[' | '{' => depth += 1,
            ')' | ']' | '}' => {
                depth -= 1;
                if depth < 0 {
                    return Err(ParseError::Unbalanced(line));
                }
            }
            _ => {}
        }
        // Two-character operators matter only so that `==` is not taken for `=`.
        let two: String = chars[i..chars.len().min(i + 2)].iter().collect();
        let op = if matches!(
            two.as_str(),
            "==" | "!=" | "<=" | ">=" | "**" | "//" | "->" | ":="
        ) || (two.len() == 2 && two.ends_with('=') && "+-*/%&|^@<>".contains(c))
        {
            two
        } else {
            c.to_string()
        };
        i += op.chars().count();
        col += op.chars().count();
        out.push(Token {
            tok: Tok::Op(op),
            line,
            indent,
        });
    }
    if depth != 0 {
        return Err(ParseError::Unbalanced(line));
    }
    out.push(Token {
        tok: Tok::Newline,
        line,
        indent: None,
    });
    Ok(out)
}

struct Parser<'a> {
    toks: &'a [Token],
    pos: usize,
}

impl Parser<'_> {
    fn peek(&self) -> Option<&Tok> {
        self.toks.get(self.pos).map(|t| &t.tok)
    }
    fn is_op(&self, op: &str) -> bool {
        matches!(self.peek(), Some(Tok::Op(o)) if o == op)
    }
    fn eat_op(&mut self, op: &str) -> bool {
        let yes = self.is_op(op);
        if yes {
            self.pos += 1;
        }
        yes
    }
    fn at_delimiter(&self) -> bool {
        match self.peek() {
            None | Some(Tok::Newline) => true,
            Some(Tok::Op(o)) => matches!(o.as_str(), "," | ":" | ")" | "]" | "}" | "="),
            _ => false,
        }
    }

    /// Skips to the next delimiter at this bracket depth; says whether a
    /// `for` was passed (the expression was a comprehension's head).
    fn skip_expression(&mut self) -> bool {
        let mut depth = 0;
        let mut saw_for = false;
        while let Some(tok) = self.peek() {
            match tok {
                Tok::Op(o) if matches!(o.as_str(), "(" | "[" | "{") => depth += 1,
                Tok::Op(o) if matches!(o.as_str(), ")" | "]" | "}") => {
                    if depth == 0 {
                        break;
                    }
                    depth -= 1;
                }
                Tok::Name(n) if depth == 0 && n == "for" => saw_for = true,
                Tok::Newline if depth == 0 => break,
                Tok::Op(o) if depth == 0 && matches!(o.as_str(), "," | ":" | "=") => break,
                _ => {}
            }
            self.pos += 1;
        }
        saw_for
    }

    /// One expression; whatever is not understood becomes [`PyValue::NotLiteral`]
    /// and is skipped up to the next delimiter, so its neighbours still count.
    /// The flag is true when a comprehension's `for` was skipped.
    fn expression(&mut self) -> (PyValue, bool) {
        let value = self.primary();
        if self.at_delimiter() {
            return (value, false);
        }
        let what = match self.peek() {
            Some(Tok::Name(n)) if n == "if" => "a conditional expression",
            Some(Tok::Name(n)) if n == "or" || n == "and" => "a boolean expression",
            Some(Tok::Name(n)) if n == "for" => "a comprehension",
            _ => "an expression with an operator",
        };
        let saw_for = self.skip_expression();
        (PyValue::NotLiteral(what.to_owned()), saw_for)
    }

    fn primary(&mut self) -> PyValue {
        let Some(tok) = self.peek().cloned() else {
            return PyValue::NotLiteral("nothing".to_owned());
        };
        self.pos += 1;
        match tok {
            Tok::Str { text, fstring } => {
                let mut all = text;
                let mut formatted = fstring;
                while let Some(Tok::Str { text, fstring }) = self.peek().cloned() {
                    all.push_str(&text);
                    formatted |= fstring;
                    self.pos += 1;
                }
                if formatted {
                    PyValue::NotLiteral("an f-string".to_owned())
                } else {
                    PyValue::Str(all)
                }
            }
            Tok::Num(n) => number(&n),
            Tok::Op(o) if o == "-" || o == "+" => match self.primary() {
                PyValue::Int(i) if o == "-" => PyValue::Int(-i),
                PyValue::Float(f) if o == "-" => PyValue::Float(-f),
                v @ (PyValue::Int(_) | PyValue::Float(_)) => v,
                _ => PyValue::NotLiteral("an expression with an operator".to_owned()),
            },
            Tok::Op(o) if o == "(" => self.display(")", false),
            Tok::Op(o) if o == "[" => self.display("]", false),
            Tok::Op(o) if o == "{" => self.display("}", true),
            Tok::Name(name) => self.name_expression(name),
            Tok::Op(_) | Tok::Newline => {
                self.pos -= 1;
                PyValue::NotLiteral("an expression".to_owned())
            }
        }
    }

    /// `True`, `os.getenv(...)`, `is_truthy(...)` and the like.
    fn name_expression(&mut self, name: String) -> PyValue {
        match name.as_str() {
            "True" => return PyValue::Bool(true),
            "False" => return PyValue::Bool(false),
            "None" => return PyValue::None,
            _ => {}
        }
        let mut dotted = name;
        while self.is_op(".") {
            if let Some(Tok::Name(next)) = self.toks.get(self.pos + 1).map(|t| &t.tok) {
                dotted = format!("{dotted}.{next}");
                self.pos += 2;
            } else {
                break;
            }
        }
        let environ = dotted == "os.environ" || dotted == "environ";
        if environ && self.is_op("[") {
            self.pos += 1;
            let (key, _) = self.expression();
            if !self.eat_op("]") {
                self.skip_expression();
                self.eat_op("]");
                return PyValue::NotLiteral("a subscript".to_owned());
            }
            return match key {
                PyValue::Str(var) => PyValue::Env {
                    var,
                    default: None,
                    truthy: false,
                },
                _ => PyValue::NotLiteral("an environment look-up by a computed name".to_owned()),
            };
        }
        if !self.is_op("(") {
            return PyValue::NotLiteral(format!("the variable {dotted}"));
        }
        self.pos += 1;
        let mut args = Vec::new();
        let mut keywords = false;
        while !self.is_op(")") && self.peek().is_some() {
            if matches!(self.peek(), Some(Tok::Name(_)))
                && matches!(self.toks.get(self.pos + 1).map(|t| &t.tok), Some(Tok::Op(o)) if o == "=")
            {
                keywords = true;
                self.pos += 2;
            }
            args.push(self.expression().0);
            if !self.eat_op(",") {
                break;
            }
        }
        if !self.eat_op(")") {
            self.skip_expression();
            self.eat_op(")");
            return PyValue::NotLiteral(format!("a call to {dotted}"));
        }
        let getter = matches!(
            dotted.as_str(),
            "os.getenv" | "getenv" | "os.environ.get" | "environ.get"
        );
        match (dotted.as_str(), args.as_slice()) {
            (_, [PyValue::Str(var), rest @ ..]) if getter && !keywords && rest.len() <= 1 => PyValue::Env {
                var: var.clone(),
                default: rest.first().cloned().map(Box::new),
                truthy: false,
            },
            ("is_truthy", [PyValue::Env { var, default, .. }]) => PyValue::Env {
                var: var.clone(),
                default: default.clone(),
                truthy: true,
            },
            ("is_truthy", [literal]) => match literal.literal_bool() {
                Some(b) => PyValue::Bool(b),
                Option::None => PyValue::NotLiteral("a call to is_truthy".to_owned()),
            },
            _ => PyValue::NotLiteral(format!("a call to {dotted}")),
        }
    }

    /// The inside of `( )`, `[ ]` or `{ }` up to `close`, the opener consumed.
    fn display(&mut self, close: &str, braces: bool) -> PyValue {
        let mut items = Vec::new();
        let mut pairs = Vec::new();
        let mut comprehension = false;
        let mut trailing_comma = false;
        let mut is_dict = false;
        while !self.is_op(close) && self.peek().is_some() {
            trailing_comma = false;
            if self.is_op("**") {
                self.pos += 1;
                self.expression();
                pairs.push((
                    PyValue::NotLiteral("an unpacking".to_owned()),
                    PyValue::NotLiteral("an unpacking".to_owned()),
                ));
                is_dict = true;
            } else {
                let (first, saw_for) = self.expression();
                comprehension |= saw_for;
                if braces && self.eat_op(":") {
                    is_dict = true;
                    let (second, saw_for) = self.expression();
                    comprehension |= saw_for;
                    pairs.push((first, second));
                } else {
                    items.push(first);
                }
            }
            if self.eat_op(",") {
                trailing_comma = true;
            } else if !self.is_op(close) {
                // Something this reader does not know (a lambda's `:`, a walrus...).
                self.skip_expression();
                if !self.eat_op(",") && !self.is_op(close) {
                    self.pos += 1;
                }
                comprehension = true;
            }
        }
        self.eat_op(close);
        if comprehension {
            return PyValue::NotLiteral("a comprehension".to_owned());
        }
        if braces && (is_dict || items.is_empty()) {
            return PyValue::Dict(pairs);
        }
        if close == ")" && items.len() == 1 && !trailing_comma {
            return items.pop().unwrap_or(PyValue::None);
        }
        PyValue::List(items)
    }
}

fn number(text: &str) -> PyValue {
    let clean: String = text.chars().filter(|c| *c != '_').collect();
    let lower = clean.to_ascii_lowercase();
    let parsed = if let Some(hex) = lower.strip_prefix("0x") {
        i64::from_str_radix(hex, 16).ok().map(PyValue::Int)
    } else if let Some(oct) = lower.strip_prefix("0o") {
        i64::from_str_radix(oct, 8).ok().map(PyValue::Int)
    } else if let Some(bin) = lower.strip_prefix("0b") {
        i64::from_str_radix(bin, 2).ok().map(PyValue::Int)
    } else if let Ok(i) = lower.parse::<i64>() {
        Some(PyValue::Int(i))
    } else {
        lower.parse::<f64>().ok().map(PyValue::Float)
    };
    parsed.unwrap_or_else(|| PyValue::NotLiteral("a number this reader does not know".to_owned()))
}

/// Evaluates the literal Python expression `src` (for tests and tools).
pub fn eval_expression(src: &str) -> Result<PyValue, ParseError> {
    let toks = tokenize(src)?;
    let mut parser = Parser { toks: &toks, pos: 0 };
    let (value, _) = parser.expression();
    if parser.peek().is_some_and(|t| *t != Tok::Newline) {
        return Ok(PyValue::NotLiteral("an expression with an operator".to_owned()));
    }
    Ok(value)
}

/// Finds the app's settings in a `nautobot_config.py`: top-level
/// `PLUGINS_CONFIG = {...}`, `PLUGINS_CONFIG["nautobot_chatops"] = {...}` and
/// `PLUGINS_CONFIG["nautobot_chatops"]["key"] = value`, later ones winning
/// as they would when the file runs. Indented assignments (under an `if`)
/// run only sometimes: they are reported, not applied.
pub fn chatops_settings(src: &str) -> Result<ChatopsSettings, ParseError> {
    let toks = tokenize(src)?;
    let mut settings = ChatopsSettings::default();
    let mut parser = Parser { toks: &toks, pos: 0 };
    while parser.pos < toks.len() {
        let start = &toks[parser.pos];
        let statement_start = parser.pos;
        let line = start.line;
        if let (Tok::Name(name), Some(indent)) = (&start.tok, start.indent)
            && name == "PLUGINS_CONFIG"
        {
            parser.pos += 1;
            let mut path = Vec::new();
            let mut plain = true;
            while parser.eat_op("[") {
                match parser.expression().0 {
                    PyValue::Str(key) => path.push(key),
                    _ => plain = false,
                }
                parser.eat_op("]");
            }
            let assigned = parser.eat_op("=");
            if assigned && plain && indent == 0 {
                let (value, _) = parser.expression();
                apply(&mut settings, &path, value, line);
            } else if path.first().is_none_or(|k| k == APP_KEY) && (assigned || parser.is_op(".")) {
                let why = if indent > 0 {
                    "runs only under a condition (it is indented)"
                } else {
                    "is not a plain assignment"
                };
                settings.problems.push(format!(
                    "line {line}: a change to PLUGINS_CONFIG that {why} was not applied"
                ));
            }
        }
        // On to the next logical line.
        parser.pos = parser.pos.max(statement_start + 1);
        while parser.pos < toks.len() && toks[parser.pos].tok != Tok::Newline {
            parser.pos += 1;
        }
        parser.pos += 1;
    }
    Ok(settings)
}

fn apply(settings: &mut ChatopsSettings, path: &[String], value: PyValue, line: usize) {
    let app = match path {
        [] => match value {
            PyValue::Dict(pairs) => {
                match pairs
                    .into_iter()
                    .find(|(k, _)| *k == PyValue::Str(APP_KEY.to_owned()))
                {
                    Some((_, app)) => app,
                    Option::None => return,
                }
            }
            _ => {
                settings
                    .problems
                    .push(format!("line {line}: PLUGINS_CONFIG is not a literal dict"));
                return;
            }
        },
        [app] if app == APP_KEY => value,
        [app, key] if app == APP_KEY => {
            settings.found = true;
            settings.values.insert(key.clone(), Setting { value, line });
            return;
        }
        _ => return,
    };
    settings.found = true;
    match app {
        PyValue::Dict(pairs) => {
            // A whole new dict replaces what was there, as in Python.
            settings.values.clear();
            for (key, value) in pairs {
                match key {
                    PyValue::Str(key) => {
                        settings.values.insert(key, Setting { value, line });
                    }
                    _ => settings.problems.push(format!(
                        "line {line}: a key of PLUGINS_CONFIG[\"{APP_KEY}\"] that is not a string"
                    )),
                }
            }
        }
        _ => settings.problems.push(format!(
            "line {line}: PLUGINS_CONFIG[\"{APP_KEY}\"] is not a literal dict"
        )),
    }
}

#[cfg(test)]
mod tests {
    use proptest::prelude::*;

    use super::*;

    fn s(text: &str) -> PyValue {
        PyValue::Str(text.to_owned())
    }

    fn env(var: &str, default: Option<PyValue>, truthy: bool) -> PyValue {
        PyValue::Env {
            var: var.to_owned(),
            default: default.map(Box::new),
            truthy,
        }
    }

    #[test]
    fn literals_in_every_form() {
        let table: Vec<(&str, PyValue)> = vec![
            ("'a'", s("a")),
            ("\"a\"", s("a")),
            ("'''a\nb'''", s("a\nb")),
            ("\"\"\"x\"y\"\"\"", s("x\"y")),
            ("r'C:\\new'", s("C:\\new")),
            ("'C:\\new'", s("C:\new")),
            ("'a' \"b\"\n", s("ab")),
            ("('a'\n 'b')", s("ab")),
            ("u'x'", s("x")),
            ("b'x'", s("x")),
            ("f'{x}'", PyValue::NotLiteral("an f-string".into())),
            ("42", PyValue::Int(42)),
            ("-7", PyValue::Int(-7)),
            ("86_400", PyValue::Int(86400)),
            ("0x1F", PyValue::Int(31)),
            ("1.5", PyValue::Float(1.5)),
            ("True", PyValue::Bool(true)),
            ("False", PyValue::Bool(false)),
            ("None", PyValue::None),
            ("[1, 'a',]", PyValue::List(vec![PyValue::Int(1), s("a")])),
            ("(1,)", PyValue::List(vec![PyValue::Int(1)])),
            ("(1)", PyValue::Int(1)),
            ("{}", PyValue::Dict(vec![])),
            (
                "{'a': {'b': [True]}}",
                PyValue::Dict(vec![(
                    s("a"),
                    PyValue::Dict(vec![(s("b"), PyValue::List(vec![PyValue::Bool(true)]))]),
                )]),
            ),
            ("os.getenv('X')", env("X", None, false)),
            ("os.getenv('X', 'd')", env("X", Some(s("d")), false)),
            ("os.environ['X']", env("X", None, false)),
            (
                "os.environ.get(\"X\", 15)",
                env("X", Some(PyValue::Int(15)), false),
            ),
            (
                "is_truthy(os.getenv('X', 'true'))",
                env("X", Some(s("true")), true),
            ),
            ("is_truthy('yes')", PyValue::Bool(true)),
            (
                "int(os.getenv('X', '7439'))",
                PyValue::NotLiteral("a call to int".into()),
            ),
            (
                "{x: os.environ[x] for x in os.environ if 'APIC' in x}",
                PyValue::NotLiteral("a comprehension".into()),
            ),
            (
                "SECRET_KEY",
                PyValue::NotLiteral("the variable SECRET_KEY".into()),
            ),
            (
                "'a' + b",
                PyValue::NotLiteral("an expression with an operator".into()),
            ),
            (
                "x if y else 'z'",
                PyValue::NotLiteral("a conditional expression".into()),
            ),
        ];
        for (src, want) in table {
            assert_eq!(eval_expression(src).unwrap(), want, "{src}");
        }
    }

    #[test]
    fn a_string_never_closed_is_an_error_with_its_line() {
        assert_eq!(eval_expression("\n'abc"), Err(ParseError::UnterminatedString(2)));
        assert_eq!(eval_expression("{'a': 1"), Err(ParseError::Unbalanced(1)));
    }

    const CONFIG: &str = r#"
import os
from nautobot.core.settings_funcs import is_truthy
SECRET_KEY = os.getenv("NAUTOBOT_SECRET_KEY", "")  # PLUGINS_CONFIG = {"no": 1}
PLUGINS = ["nautobot_chatops"]
x = "PLUGINS_CONFIG = {}"
PLUGINS_CONFIG = {
    "nautobot_chatops": {
        # Slack
        "enable_slack": True,
        "slack_api_token": os.environ.get("SLACK_API_TOKEN"),
        "slack_signing_secret": "abc" \
            "def",
        "restrict_help": is_truthy(os.getenv("RESTRICT", "false")),
        "aci_creds": {x: os.environ[x] for x in os.environ if "APIC" in x},
        "session_cache_timeout": 3600,
    },
    "other_app": {"k": "v"},
}
PLUGINS_CONFIG["nautobot_chatops"]["enable_webex"] = False
if os.getenv("ENABLE_MM", "") != "":
    PLUGINS_CONFIG["nautobot_chatops"]["enable_mattermost"] = True
"#;

    #[test]
    fn the_app_settings_are_found_without_running_anything() {
        let settings = chatops_settings(CONFIG).unwrap();
        assert!(settings.found);
        let get = |k: &str| settings.values.get(k).map(|s| s.value.clone());
        assert_eq!(get("enable_slack"), Some(PyValue::Bool(true)));
        assert_eq!(get("slack_api_token"), Some(env("SLACK_API_TOKEN", None, false)));
        assert_eq!(get("slack_signing_secret"), Some(s("abcdef")));
        assert_eq!(
            get("restrict_help"),
            Some(env("RESTRICT", Some(s("false")), true))
        );
        assert_eq!(
            get("aci_creds"),
            Some(PyValue::NotLiteral("a comprehension".into()))
        );
        assert_eq!(get("session_cache_timeout"), Some(PyValue::Int(3600)));
        assert_eq!(get("enable_webex"), Some(PyValue::Bool(false)));
        assert_eq!(get("enable_mattermost"), None);
        assert_eq!(settings.values["slack_signing_secret"].line, 7);
        assert_eq!(settings.values["enable_webex"].line, 20);
        assert_eq!(settings.problems.len(), 1, "{:?}", settings.problems);
        assert!(
            settings.problems[0].starts_with("line 22: "),
            "{:?}",
            settings.problems
        );
        assert!(!settings.values.contains_key("k"));
    }

    #[test]
    fn a_file_without_the_app_says_so() {
        let settings = chatops_settings("PLUGINS = []\nPLUGINS_CONFIG = {'x': {}}\n").unwrap();
        assert!(!settings.found);
        assert!(settings.values.is_empty());
    }

    #[test]
    fn the_app_dict_assigned_alone_counts() {
        let settings = chatops_settings(
            "PLUGINS_CONFIG = {}\nPLUGINS_CONFIG[\"nautobot_chatops\"] = {'enable_slack': 'yes'}\n",
        )
        .unwrap();
        assert_eq!(settings.values["enable_slack"].value.literal_bool(), Some(true));
    }

    fn python_string(text: &str) -> String {
        let mut out = String::from("'");
        for c in text.chars() {
            match c {
                '\\' => out.push_str("\\\\"),
                '\'' => out.push_str("\\'"),
                '\n' => out.push_str("\\n"),
                '\t' => out.push_str("\\t"),
                '\r' => out.push_str("\\r"),
                c => out.push(c),
            }
        }
        out.push('\'');
        out
    }

    proptest! {
        #[test]
        fn any_escaped_string_reads_back(text in "[ -~\t\n\r\u{e9}\u{2603}]{0,40}") {
            prop_assert_eq!(eval_expression(&python_string(&text)).unwrap(), PyValue::Str(text));
        }

        #[test]
        fn any_integer_reads_back(n in any::<i64>().prop_filter("-i64::MIN has no i64", |n| *n != i64::MIN)) {
            prop_assert_eq!(eval_expression(&n.to_string()).unwrap(), PyValue::Int(n));
        }

        #[test]
        fn arbitrary_text_never_panics(src in "[ -~\n]{0,80}") {
            let _ = chatops_settings(&src);
            let _ = eval_expression(&src);
        }

        #[test]
        fn dicts_of_strings_read_back(pairs in proptest::collection::btree_map("[a-z_]{1,12}", "[ -~]{0,12}", 0..6)) {
            let body: Vec<String> = pairs.iter().map(|(k, v)| format!("{}: {}", python_string(k), python_string(v))).collect();
            let src = format!("PLUGINS_CONFIG = {{'nautobot_chatops': {{\n {}\n}}}}\n", body.join(",\n "));
            let settings = chatops_settings(&src).unwrap();
            let got: BTreeMap<String, PyValue> = settings.values.into_iter().map(|(k, s)| (k, s.value)).collect();
            let want: BTreeMap<String, PyValue> = pairs.into_iter().map(|(k, v)| (k, PyValue::Str(v))).collect();
            prop_assert_eq!(got, want);
        }
    }
}
