//! Tengo's tokens, with Go's automatic semicolons: a line that ends after
//! an identifier, a literal, `break`/`continue`/`return`, `true`/`false`/
//! `undefined`, `++`/`--` or a closing bracket ends its statement.

use super::{Pos, ScriptError};

#[derive(Debug, Clone, PartialEq)]
pub enum Tok {
    Ident(String),
    Int(i64),
    Float(f64),
    Char(char),
    Str(String),
    /// An operator or punctuation, as written (`:=`, `+=`, `(`, …).
    Op(&'static str),
    /// A keyword (`if`, `for`, `func`, …).
    Kw(&'static str),
    /// `;`, written or inserted at the end of a line.
    Semi,
    Eof,
}

#[derive(Debug, Clone)]
pub struct Token {
    pub tok: Tok,
    pub pos: Pos,
}

const KEYWORDS: &[&str] = &[
    "break",
    "continue",
    "else",
    "for",
    "func",
    "if",
    "return",
    "true",
    "false",
    "in",
    "undefined",
    "import",
    "export",
    "error",
    "immutable",
];

/// Longest first, so `:=` wins over `:` and `&&` over `&`.
const OPERATORS: &[&str] = &[
    "&^=", "<<=", ">>=", "...", "&&", "||", "++", "--", "==", "!=", "<=", ">=", ":=", "+=", "-=",
    "*=", "/=", "%=", "&=", "|=", "^=", "<<", ">>", "&^", "+", "-", "*", "/", "%", "&", "|", "^",
    "<", ">", "=", "!", "(", ")", "[", "]", "{", "}", ",", ".", ":", "?",
];

/// Whether a line ending after `tok` ends the statement.
fn ends_statement(tok: &Tok) -> bool {
    match tok {
        Tok::Ident(_) | Tok::Int(_) | Tok::Float(_) | Tok::Char(_) | Tok::Str(_) => true,
        Tok::Kw(k) => matches!(
            *k,
            "break" | "continue" | "return" | "true" | "false" | "undefined"
        ),
        Tok::Op(op) => matches!(*op, ")" | "]" | "}" | "++" | "--"),
        Tok::Semi | Tok::Eof => false,
    }
}

struct Lexer<'a> {
    src: &'a str,
    at: usize,
    line: usize,
    line_start: usize,
}

impl Lexer<'_> {
    fn pos(&self) -> Pos {
        Pos {
            line: self.line,
            column: self.src[self.line_start..self.at].chars().count() + 1,
        }
    }

    fn peek(&self) -> Option<char> {
        self.src[self.at..].chars().next()
    }

    fn peek2(&self) -> Option<char> {
        self.src[self.at..].chars().nth(1)
    }

    fn bump(&mut self) -> Option<char> {
        let c = self.peek()?;
        self.at += c.len_utf8();
        if c == '\n' {
            self.line += 1;
            self.line_start = self.at;
        }
        Some(c)
    }

    fn error(&self, pos: Pos, message: impl Into<String>) -> ScriptError {
        ScriptError::compile(pos, message)
    }

    /// Skip blanks and comments; whether a newline was crossed.
    fn skip_space(&mut self) -> Result<bool, ScriptError> {
        let mut newline = false;
        loop {
            match self.peek() {
                Some('\n') => {
                    newline = true;
                    self.bump();
                }
                Some(c) if c.is_whitespace() => {
                    self.bump();
                }
                Some('/') if self.peek2() == Some('/') => {
                    while self.peek().is_some_and(|c| c != '\n') {
                        self.bump();
                    }
                }
                Some('/') if self.peek2() == Some('*') => {
                    let start = self.pos();
                    self.bump();
                    self.bump();
                    loop {
                        match self.bump() {
                            None => return Err(self.error(start, "comment not terminated")),
                            Some('\n') => newline = true,
                            Some('*') if self.peek() == Some('/') => {
                                self.bump();
                                break;
                            }
                            Some(_) => {}
                        }
                    }
                }
                _ => return Ok(newline),
            }
        }
    }

    fn number(&mut self, pos: Pos) -> Result<Tok, ScriptError> {
        let start = self.at;
        let rest = &self.src[self.at..];
        let radix = if rest.starts_with("0x") || rest.starts_with("0X") {
            16
        } else if rest.starts_with("0b") || rest.starts_with("0B") {
            2
        } else if rest.starts_with("0o") || rest.starts_with("0O") {
            8
        } else {
            10
        };
        if radix != 10 {
            self.bump();
            self.bump();
            let digits_start = self.at;
            while self.peek().is_some_and(|c| c.is_digit(radix) || c == '_') {
                self.bump();
            }
            let digits = self.src[digits_start..self.at].replace('_', "");
            return i64::from_str_radix(&digits, radix)
                .map(Tok::Int)
                .map_err(|_| {
                    self.error(
                        pos,
                        format!("invalid number “{}”", &self.src[start..self.at]),
                    )
                });
        }
        let mut float = false;
        while self.peek().is_some_and(|c| c.is_ascii_digit() || c == '_') {
            self.bump();
        }
        if self.peek() == Some('.') && self.peek2().is_some_and(|c| c.is_ascii_digit()) {
            float = true;
            self.bump();
            while self.peek().is_some_and(|c| c.is_ascii_digit() || c == '_') {
                self.bump();
            }
        }
        if matches!(self.peek(), Some('e' | 'E')) {
            let save = (self.at, self.line, self.line_start);
            self.bump();
            if matches!(self.peek(), Some('+' | '-')) {
                self.bump();
            }
            if self.peek().is_some_and(|c| c.is_ascii_digit()) {
                float = true;
                while self.peek().is_some_and(|c| c.is_ascii_digit()) {
                    self.bump();
                }
            } else {
                (self.at, self.line, self.line_start) = save;
            }
        }
        let text = self.src[start..self.at].replace('_', "");
        if float {
            text.parse::<f64>()
                .map(Tok::Float)
                .map_err(|_| self.error(pos, format!("invalid number “{text}”")))
        } else if text.len() > 1 && text.starts_with('0') {
            // Go's legacy octal: `017`.
            i64::from_str_radix(&text[1..], 8)
                .map(Tok::Int)
                .map_err(|_| self.error(pos, format!("invalid number “{text}”")))
        } else {
            text.parse::<i64>().map(Tok::Int).map_err(|_| {
                self.error(
                    pos,
                    format!("invalid number “{text}” (integers are 64-bit)"),
                )
            })
        }
    }

    /// One escape after a backslash, in a `quote`-delimited literal.
    fn escape(&mut self, quote: char) -> Result<char, ScriptError> {
        let pos = self.pos();
        let Some(c) = self.bump() else {
            return Err(self.error(pos, "escape sequence not terminated"));
        };
        let hex = |lexer: &mut Self, n: usize| -> Result<u32, ScriptError> {
            let mut value = 0u32;
            for _ in 0..n {
                let digit = lexer
                    .bump()
                    .and_then(|c| c.to_digit(16))
                    .ok_or_else(|| lexer.error(pos, "invalid escape sequence"))?;
                value = value * 16 + digit;
            }
            Ok(value)
        };
        let code = match c {
            'a' => 7,
            'b' => 8,
            'f' => 12,
            'n' => 10,
            'r' => 13,
            't' => 9,
            'v' => 11,
            '\\' => 92,
            '0'..='7' => {
                let mut value = c.to_digit(8).unwrap_or(0);
                for _ in 0..2 {
                    let digit = self
                        .bump()
                        .and_then(|c| c.to_digit(8))
                        .ok_or_else(|| self.error(pos, "invalid octal escape"))?;
                    value = value * 8 + digit;
                }
                value
            }
            'x' => hex(self, 2)?,
            'u' => hex(self, 4)?,
            'U' => hex(self, 8)?,
            c if c == quote => c as u32,
            other => {
                return Err(self.error(pos, format!("unknown escape sequence “\\{other}”")));
            }
        };
        char::from_u32(code)
            .ok_or_else(|| self.error(pos, "escape sequence is an invalid Unicode code point"))
    }

    fn next(&mut self) -> Result<Token, ScriptError> {
        let pos = self.pos();
        let Some(c) = self.peek() else {
            return Ok(Token { tok: Tok::Eof, pos });
        };
        let tok = if c.is_alphabetic() || c == '_' {
            let start = self.at;
            while self.peek().is_some_and(|c| c.is_alphanumeric() || c == '_') {
                self.bump();
            }
            let word = &self.src[start..self.at];
            match KEYWORDS.iter().find(|k| **k == word) {
                Some(k) => Tok::Kw(k),
                None => Tok::Ident(word.to_owned()),
            }
        } else if c.is_ascii_digit()
            || (c == '.' && self.peek2().is_some_and(|c| c.is_ascii_digit()))
        {
            self.number(pos)?
        } else if c == '"' {
            self.bump();
            let mut text = String::new();
            loop {
                match self.bump() {
                    None | Some('\n') => {
                        return Err(self.error(pos, "string literal not terminated"));
                    }
                    Some('"') => break,
                    Some('\\') => text.push(self.escape('"')?),
                    Some(c) => text.push(c),
                }
            }
            Tok::Str(text)
        } else if c == '`' {
            self.bump();
            let mut text = String::new();
            loop {
                match self.bump() {
                    None => return Err(self.error(pos, "raw string literal not terminated")),
                    Some('`') => break,
                    Some('\r') => {}
                    Some(c) => text.push(c),
                }
            }
            Tok::Str(text)
        } else if c == '\'' {
            self.bump();
            let value = match self.bump() {
                Some('\\') => self.escape('\'')?,
                Some(c) if c != '\'' && c != '\n' => c,
                _ => return Err(self.error(pos, "invalid character literal")),
            };
            if self.bump() != Some('\'') {
                return Err(self.error(pos, "character literal not terminated"));
            }
            Tok::Char(value)
        } else if c == ';' {
            self.bump();
            Tok::Semi
        } else {
            let rest = &self.src[self.at..];
            let Some(op) = OPERATORS.iter().find(|op| rest.starts_with(**op)) else {
                return Err(self.error(pos, format!("unexpected character “{c}”")));
            };
            for _ in 0..op.len() {
                self.bump();
            }
            Tok::Op(op)
        };
        Ok(Token { tok, pos })
    }
}

/// The tokens of a script, ending with [`Tok::Eof`].
pub fn tokens(src: &str) -> Result<Vec<Token>, ScriptError> {
    let mut lexer = Lexer {
        src,
        at: 0,
        line: 1,
        line_start: 0,
    };
    let mut out: Vec<Token> = Vec::new();
    loop {
        let before = lexer.pos();
        let newline = lexer.skip_space()?;
        if (newline || lexer.peek().is_none()) && out.last().is_some_and(|t| ends_statement(&t.tok))
        {
            out.push(Token {
                tok: Tok::Semi,
                pos: before,
            });
        }
        let token = lexer.next()?;
        let eof = token.tok == Tok::Eof;
        out.push(token);
        if eof {
            return Ok(out);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn kinds(src: &str) -> Vec<Tok> {
        tokens(src).unwrap().into_iter().map(|t| t.tok).collect()
    }

    #[test]
    fn a_line_ending_after_a_value_ends_the_statement() {
        assert_eq!(
            kinds("x := 1 // one\ny"),
            [
                Tok::Ident("x".into()),
                Tok::Op(":="),
                Tok::Int(1),
                Tok::Semi,
                Tok::Ident("y".into()),
                Tok::Semi,
                Tok::Eof
            ]
        );
        // After an operator the statement goes on.
        assert_eq!(
            kinds("x +\n1"),
            [
                Tok::Ident("x".into()),
                Tok::Op("+"),
                Tok::Int(1),
                Tok::Semi,
                Tok::Eof
            ]
        );
    }

    #[test]
    fn literals() {
        assert_eq!(
            kinds(r#""a\tb\u00e9\x41" `raw\n` 'c' 0x1F 1.5e2 017"#)[..6],
            [
                Tok::Str("a\tbéA".into()),
                Tok::Str("raw\\n".into()),
                Tok::Char('c'),
                Tok::Int(31),
                Tok::Float(150.0),
                Tok::Int(15)
            ]
        );
    }

    #[test]
    fn errors_have_positions() {
        let error = tokens("x := 1\ny := \"open").unwrap_err();
        assert_eq!((error.pos.line, error.pos.column), (2, 6));
        assert!(error.message.contains("not terminated"), "{error}");
        let error = tokens("a /* never closed").unwrap_err();
        assert_eq!((error.pos.line, error.pos.column), (1, 3));
        let error = tokens("x := \"\\q\"").unwrap_err();
        assert!(error.message.contains("unknown escape"), "{error}");
    }
}
