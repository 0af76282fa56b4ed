//! Vale's `--filter`: an expression (Vale uses the `expr` language) over
//! each rule's fields that decides whether the rule runs.
//!
//! The subset read here is what Vale's documentation shows: fields `.Name`,
//! `.Level`, `.Scope` (a list), `.Extends`, `.Message`, `.Description`,
//! `.Link`; string, number and boolean literals; lists `[…]`; `==`, `!=`,
//! `in`, `not in`, `contains`, `startsWith`, `endsWith`, `matches`; `and`,
//! `or`, `not` (also `&&`, `||`, `!`) and parentheses.

use super::pattern::Pattern;

/// A rule as the filter sees it.
pub struct FilterFields<'a> {
    pub name: &'a str,
    pub level: &'a str,
    pub scope: Vec<String>,
    pub extends: &'a str,
    pub message: &'a str,
    pub description: &'a str,
    pub link: &'a str,
}

#[derive(Debug, Clone, PartialEq)]
enum Value {
    Str(String),
    Num(f64),
    Bool(bool),
    List(Vec<Value>),
}

#[derive(Debug, Clone, PartialEq)]
enum Expr {
    Literal(Value),
    Field(String),
    List(Vec<Expr>),
    Not(Box<Expr>),
    Binary(Box<Expr>, String, Box<Expr>),
}

/// A parsed `--filter` expression.
#[derive(Debug, Clone, PartialEq)]
pub struct Filter {
    expr: Expr,
}

#[derive(Debug, Clone, PartialEq)]
enum Token {
    Str(String),
    Num(f64),
    Ident(String),
    Field(String),
    Op(String),
}

fn tokenize(text: &str) -> Result<Vec<Token>, String> {
    let chars: Vec<char> = text.chars().collect();
    let mut tokens = Vec::new();
    let mut i = 0;
    while i < chars.len() {
        let c = chars[i];
        if c.is_whitespace() {
            i += 1;
        } else if c == '"' || c == '\'' {
            let mut s = String::new();
            i += 1;
            while i < chars.len() && chars[i] != c {
                if chars[i] == '\\' && i + 1 < chars.len() {
                    i += 1;
                }
                s.push(chars[i]);
                i += 1;
            }
            if i >= chars.len() {
                return Err("unterminated string".to_owned());
            }
            i += 1;
            tokens.push(Token::Str(s));
        } else if c == '.' && chars.get(i + 1).is_some_and(|c| c.is_alphabetic()) {
            let start = i + 1;
            i += 1;
            while i < chars.len() && (chars[i].is_alphanumeric() || chars[i] == '_') {
                i += 1;
            }
            tokens.push(Token::Field(chars[start..i].iter().collect()));
        } else if c.is_ascii_digit() {
            let start = i;
            while i < chars.len() && (chars[i].is_ascii_digit() || chars[i] == '.') {
                i += 1;
            }
            let n: String = chars[start..i].iter().collect();
            tokens.push(Token::Num(
                n.parse().map_err(|_| format!("bad number “{n}”"))?,
            ));
        } else if c.is_alphabetic() || c == '_' {
            let start = i;
            while i < chars.len() && (chars[i].is_alphanumeric() || chars[i] == '_') {
                i += 1;
            }
            tokens.push(Token::Ident(chars[start..i].iter().collect()));
        } else {
            let two: String = chars[i..(i + 2).min(chars.len())].iter().collect();
            if ["==", "!=", "&&", "||"].contains(&two.as_str()) {
                tokens.push(Token::Op(two));
                i += 2;
            } else if "()[],!".contains(c) {
                tokens.push(Token::Op(c.to_string()));
                i += 1;
            } else {
                return Err(format!("unexpected “{c}”"));
            }
        }
    }
    Ok(tokens)
}

struct Parser {
    tokens: Vec<Token>,
    at: usize,
}

impl Parser {
    fn peek(&self) -> Option<&Token> {
        self.tokens.get(self.at)
    }

    fn is_word(&self, word: &str) -> bool {
        matches!(self.peek(), Some(Token::Ident(w) | Token::Op(w)) if w == word)
    }

    fn or(&mut self) -> Result<Expr, String> {
        let mut left = self.and()?;
        while self.is_word("or") || self.is_word("||") {
            self.at += 1;
            left = Expr::Binary(Box::new(left), "or".to_owned(), Box::new(self.and()?));
        }
        Ok(left)
    }

    fn and(&mut self) -> Result<Expr, String> {
        let mut left = self.not()?;
        while self.is_word("and") || self.is_word("&&") {
            self.at += 1;
            left = Expr::Binary(Box::new(left), "and".to_owned(), Box::new(self.not()?));
        }
        Ok(left)
    }

    fn not(&mut self) -> Result<Expr, String> {
        if self.is_word("not") || self.is_word("!") {
            self.at += 1;
            return Ok(Expr::Not(Box::new(self.not()?)));
        }
        self.comparison()
    }

    fn comparison(&mut self) -> Result<Expr, String> {
        let left = self.operand()?;
        let op = match self.peek() {
            Some(Token::Op(op)) if op == "==" || op == "!=" => op.clone(),
            Some(Token::Ident(w))
                if ["in", "contains", "startsWith", "endsWith", "matches"]
                    .contains(&w.as_str()) =>
            {
                w.clone()
            }
            Some(Token::Ident(w))
                if w == "not"
                    && matches!(self.tokens.get(self.at + 1), Some(Token::Ident(n)) if n == "in") =>
            {
                self.at += 1;
                "not in".to_owned()
            }
            _ => return Ok(left),
        };
        self.at += 1;
        let right = self.operand()?;
        Ok(Expr::Binary(Box::new(left), op, Box::new(right)))
    }

    fn operand(&mut self) -> Result<Expr, String> {
        let token = self.peek().cloned().ok_or("unexpected end")?;
        self.at += 1;
        match token {
            Token::Str(s) => Ok(Expr::Literal(Value::Str(s))),
            Token::Num(n) => Ok(Expr::Literal(Value::Num(n))),
            Token::Field(f) => Ok(Expr::Field(f)),
            Token::Ident(w) if w == "true" || w == "false" => {
                Ok(Expr::Literal(Value::Bool(w == "true")))
            }
            Token::Op(o) if o == "(" => {
                let inner = self.or()?;
                self.expect(")")?;
                Ok(inner)
            }
            Token::Op(o) if o == "[" => {
                let mut items = Vec::new();
                while !self.is_word("]") {
                    items.push(self.or()?);
                    if self.is_word(",") {
                        self.at += 1;
                    } else {
                        break;
                    }
                }
                self.expect("]")?;
                Ok(Expr::List(items))
            }
            other => Err(format!("unexpected {other:?}")),
        }
    }

    fn expect(&mut self, op: &str) -> Result<(), String> {
        if self.is_word(op) {
            self.at += 1;
            Ok(())
        } else {
            Err(format!("expected “{op}”"))
        }
    }
}

impl Filter {
    pub fn parse(text: &str) -> Result<Filter, String> {
        let mut parser = Parser {
            tokens: tokenize(text)?,
            at: 0,
        };
        let expr = parser.or()?;
        if parser.at != parser.tokens.len() {
            return Err(format!("unexpected {:?}", parser.tokens[parser.at]));
        }
        Ok(Filter { expr })
    }

    /// Whether a rule passes; an expression that does not give a boolean
    /// (or fails) keeps the rule out, as Vale does.
    pub fn keeps(&self, fields: &FilterFields) -> bool {
        matches!(eval(&self.expr, fields), Ok(Value::Bool(true)))
    }
}

fn eval(expr: &Expr, fields: &FilterFields) -> Result<Value, String> {
    Ok(match expr {
        Expr::Literal(v) => v.clone(),
        Expr::Field(name) => match name.as_str() {
            "Name" => Value::Str(fields.name.to_owned()),
            "Level" => Value::Str(fields.level.to_owned()),
            "Scope" => Value::List(fields.scope.iter().cloned().map(Value::Str).collect()),
            "Extends" => Value::Str(fields.extends.to_owned()),
            "Message" => Value::Str(fields.message.to_owned()),
            "Description" => Value::Str(fields.description.to_owned()),
            "Link" => Value::Str(fields.link.to_owned()),
            other => return Err(format!("unknown field .{other}")),
        },
        Expr::List(items) => Value::List(
            items
                .iter()
                .map(|i| eval(i, fields))
                .collect::<Result<_, _>>()?,
        ),
        Expr::Not(inner) => match eval(inner, fields)? {
            Value::Bool(b) => Value::Bool(!b),
            _ => return Err("not needs a boolean".to_owned()),
        },
        Expr::Binary(left, op, right) => {
            let l = eval(left, fields)?;
            if op == "and" || op == "or" {
                let lb = l == Value::Bool(true);
                if op == "and" && !lb {
                    return Ok(Value::Bool(false));
                }
                if op == "or" && lb {
                    return Ok(Value::Bool(true));
                }
                return Ok(Value::Bool(eval(right, fields)? == Value::Bool(true)));
            }
            let r = eval(right, fields)?;
            let text = |v: &Value| match v {
                Value::Str(s) => Ok(s.clone()),
                _ => Err(format!("{op} needs strings")),
            };
            Value::Bool(match op.as_str() {
                "==" => l == r,
                "!=" => l != r,
                "in" | "not in" => {
                    let found = match &r {
                        Value::List(items) => items.contains(&l),
                        Value::Str(s) => s.contains(&text(&l)?),
                        _ => return Err("in needs a list".to_owned()),
                    };
                    found == (op == "in")
                }
                "contains" => text(&l)?.contains(&text(&r)?),
                "startsWith" => text(&l)?.starts_with(&text(&r)?),
                "endsWith" => text(&l)?.ends_with(&text(&r)?),
                "matches" => Pattern::compile(&text(&r)?)
                    .map_err(|e| e.to_string())?
                    .is_match(&text(&l)?),
                other => return Err(format!("unknown operator {other}")),
            })
        }
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rule<'a>(
        name: &'a str,
        level: &'a str,
        extends: &'a str,
        scope: &[&str],
    ) -> FilterFields<'a> {
        FilterFields {
            name,
            level,
            scope: scope.iter().map(|s| (*s).to_owned()).collect(),
            extends,
            message: "",
            description: "",
            link: "",
        }
    }

    #[test]
    fn vale_documented_filters_select_rules() {
        let cap = rule("demo.Cap", "error", "capitalization", &["heading"]);
        let rep = rule("Vale.Repetition", "error", "repetition", &["text"]);
        let ex = rule("demo.Start", "suggestion", "existence", &["heading"]);
        let levels =
            Filter::parse(r#".Level in ["error", "suggestion"] and .Name != "demo.Cap""#).unwrap();
        assert_eq!(
            [levels.keeps(&cap), levels.keeps(&rep), levels.keeps(&ex)],
            [false, true, true]
        );
        let scope = Filter::parse(r#""heading" in .Scope"#).unwrap();
        assert_eq!([scope.keeps(&cap), scope.keeps(&rep)], [true, false]);
        let extends = Filter::parse(r#".Extends in ["existence"]"#).unwrap();
        assert_eq!([extends.keeps(&cap), extends.keeps(&ex)], [false, true]);
        let not = Filter::parse(r#"not (.Name startsWith "demo.") || .Level == "error""#).unwrap();
        assert_eq!(
            [not.keeps(&cap), not.keeps(&rep), not.keeps(&ex)],
            [true, true, false]
        );
    }

    #[test]
    fn malformed_filters_are_errors() {
        for bad in [r#".Level in ["error""#, r#""open"#, ".Name ==", ".Name @ 1"] {
            assert!(Filter::parse(bad).is_err(), "{bad}");
        }
    }
}
