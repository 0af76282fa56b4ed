//! Tengo's grammar (the part Vale scripts use), as a tree. Nesting is
//! bounded ([`MAX_DEPTH`]), so a hostile script cannot exhaust the stack
//! here or in the evaluator, which follows the same tree.

use std::sync::Arc;

use super::lex::{Tok, Token, tokens};
use super::{Pos, ScriptError};

/// How deeply expressions and blocks may nest.
pub const MAX_DEPTH: usize = 64;

#[derive(Debug)]
pub struct Expr {
    pub kind: ExprKind,
    pub pos: Pos,
}

#[derive(Debug)]
pub enum ExprKind {
    Ident(String),
    Int(i64),
    Float(f64),
    Char(char),
    Str(Arc<str>),
    Bool(bool),
    Undefined,
    Array(Vec<Expr>),
    Map(Vec<(String, Expr)>),
    Func(Arc<FuncLit>),
    Unary(&'static str, Box<Expr>),
    /// Every binary operator but `&&` and `||`.
    Binary(&'static str, Box<Expr>, Box<Expr>),
    /// `&&` (true) or `||` (false): the right side only when needed.
    Logical(bool, Box<Expr>, Box<Expr>),
    Ternary(Box<Expr>, Box<Expr>, Box<Expr>),
    Call(Box<Expr>, Vec<Expr>),
    Index(Box<Expr>, Box<Expr>),
    Slice(Box<Expr>, Option<Box<Expr>>, Option<Box<Expr>>),
    Selector(Box<Expr>, String),
    Import(String),
    Error(Box<Expr>),
    Immutable(Box<Expr>),
}

#[derive(Debug)]
pub struct FuncLit {
    pub params: Vec<String>,
    pub body: Vec<Stmt>,
}

#[derive(Debug)]
pub enum Stmt {
    Expr(Expr),
    /// `name := value`
    Define(String, Expr, Pos),
    /// `target = value`, or `target op= value` (op is `+`, `-`, …).
    Assign(Expr, Option<&'static str>, Expr, Pos),
    /// `target++` (true) or `target--`.
    IncDec(Expr, bool, Pos),
    If {
        init: Option<Box<Stmt>>,
        cond: Expr,
        then: Vec<Stmt>,
        otherwise: Option<Box<Stmt>>,
    },
    For {
        pos: Pos,
        init: Option<Box<Stmt>>,
        cond: Option<Expr>,
        post: Option<Box<Stmt>>,
        body: Vec<Stmt>,
    },
    ForIn {
        key: Option<String>,
        value: String,
        iterable: Expr,
        body: Vec<Stmt>,
    },
    Block(Vec<Stmt>),
    Break(Pos),
    Continue(Pos),
    Return(Option<Expr>, Pos),
}

struct Parser {
    tokens: Vec<Token>,
    at: usize,
    depth: usize,
}

type Parsed<T> = Result<T, ScriptError>;

impl Parser {
    fn tok(&self) -> &Tok {
        &self.tokens[self.at].tok
    }

    fn pos(&self) -> Pos {
        self.tokens[self.at].pos
    }

    fn advance(&mut self) -> Token {
        let token = self.tokens[self.at].clone();
        if self.at + 1 < self.tokens.len() {
            self.at += 1;
        }
        token
    }

    fn is_op(&self, op: &str) -> bool {
        matches!(self.tok(), Tok::Op(o) if *o == op)
    }

    fn is_kw(&self, kw: &str) -> bool {
        matches!(self.tok(), Tok::Kw(k) if *k == kw)
    }

    fn describe(&self) -> String {
        match self.tok() {
            Tok::Ident(name) => format!("“{name}”"),
            Tok::Int(n) => format!("“{n}”"),
            Tok::Float(n) => format!("“{n}”"),
            Tok::Char(c) => format!("“'{c}'”"),
            Tok::Str(_) => "a string".to_owned(),
            Tok::Op(op) => format!("“{op}”"),
            Tok::Kw(kw) => format!("“{kw}”"),
            Tok::Semi => "the end of the line".to_owned(),
            Tok::Eof => "the end of the script".to_owned(),
        }
    }

    fn unexpected(&self, wanted: &str) -> ScriptError {
        ScriptError::compile(
            self.pos(),
            format!("expected {wanted}, found {}", self.describe()),
        )
    }

    fn expect_op(&mut self, op: &str) -> Parsed<Pos> {
        if self.is_op(op) {
            Ok(self.advance().pos)
        } else {
            Err(self.unexpected(&format!("“{op}”")))
        }
    }

    fn ident(&mut self) -> Parsed<String> {
        match self.tok().clone() {
            Tok::Ident(name) => {
                self.advance();
                Ok(name)
            }
            _ => Err(self.unexpected("a name")),
        }
    }

    fn enter(&mut self) -> Parsed<()> {
        self.depth += 1;
        if self.depth > MAX_DEPTH {
            return Err(too_deep(self.pos()));
        }
        Ok(())
    }

    fn skip_semis(&mut self) {
        while *self.tok() == Tok::Semi {
            self.advance();
        }
    }

    /// Statements up to `}` (not consumed) or the end of the script.
    fn statements(&mut self) -> Parsed<Vec<Stmt>> {
        let mut out = Vec::new();
        loop {
            self.skip_semis();
            if self.is_op("}") || *self.tok() == Tok::Eof {
                return Ok(out);
            }
            out.push(self.statement()?);
            match self.tok() {
                Tok::Semi => {
                    self.advance();
                }
                Tok::Op("}") | Tok::Eof => {}
                _ => return Err(self.unexpected("the end of the statement")),
            }
        }
    }

    fn block(&mut self) -> Parsed<Vec<Stmt>> {
        self.enter()?;
        self.expect_op("{")?;
        let body = self.statements()?;
        self.expect_op("}")?;
        self.depth -= 1;
        Ok(body)
    }

    fn statement(&mut self) -> Parsed<Stmt> {
        let pos = self.pos();
        match self.tok().clone() {
            Tok::Kw("if") => self.if_statement(),
            Tok::Kw("for") => self.for_statement(),
            Tok::Kw("break") => {
                self.advance();
                Ok(Stmt::Break(pos))
            }
            Tok::Kw("continue") => {
                self.advance();
                Ok(Stmt::Continue(pos))
            }
            Tok::Kw("return") => {
                self.advance();
                let value = if matches!(self.tok(), Tok::Semi | Tok::Eof | Tok::Op("}")) {
                    None
                } else {
                    Some(self.expr()?)
                };
                Ok(Stmt::Return(value, pos))
            }
            Tok::Kw("export") => Err(ScriptError::compile(
                pos,
                "“export” is for modules; a Vale script is not one",
            )),
            Tok::Op("{") => Ok(Stmt::Block(self.block()?)),
            _ => self.simple_statement(),
        }
    }

    /// An expression, assignment, definition or `++`/`--`.
    fn simple_statement(&mut self) -> Parsed<Stmt> {
        let pos = self.pos();
        let target = self.expr()?;
        let op = match self.tok() {
            Tok::Op(op) => *op,
            _ => return Ok(Stmt::Expr(target)),
        };
        match op {
            ":=" => {
                let ExprKind::Ident(name) = target.kind else {
                    return Err(ScriptError::compile(pos, "“:=” needs a name on its left"));
                };
                self.advance();
                let value = self.expr()?;
                Ok(Stmt::Define(name, value, pos))
            }
            "=" | "+=" | "-=" | "*=" | "/=" | "%=" | "&=" | "|=" | "^=" | "<<=" | ">>=" | "&^=" => {
                check_target(&target)?;
                let op_pos = self.advance().pos;
                let value = self.expr()?;
                let binary = match op {
                    "=" => None,
                    other => Some(binary_of(other)),
                };
                Ok(Stmt::Assign(target, binary, value, op_pos))
            }
            "++" | "--" => {
                check_target(&target)?;
                let op_pos = self.advance().pos;
                Ok(Stmt::IncDec(target, op == "++", op_pos))
            }
            "," => Err(ScriptError::compile(
                self.pos(),
                "Tengo has no multiple assignment",
            )),
            _ => Ok(Stmt::Expr(target)),
        }
    }

    fn if_statement(&mut self) -> Parsed<Stmt> {
        self.enter()?;
        self.advance();
        let first = self.simple_statement()?;
        let (init, cond) = if *self.tok() == Tok::Semi {
            self.advance();
            (Some(Box::new(first)), self.expr()?)
        } else {
            match first {
                Stmt::Expr(cond) => (None, cond),
                _ => {
                    return Err(ScriptError::compile(
                        self.pos(),
                        "expected a condition after “if”",
                    ));
                }
            }
        };
        let then = self.block()?;
        let otherwise = if self.is_kw("else") {
            self.advance();
            if self.is_kw("if") {
                Some(Box::new(self.if_statement()?))
            } else {
                Some(Box::new(Stmt::Block(self.block()?)))
            }
        } else {
            None
        };
        self.depth -= 1;
        Ok(Stmt::If {
            init,
            cond,
            then,
            otherwise,
        })
    }

    fn for_statement(&mut self) -> Parsed<Stmt> {
        self.enter()?;
        let for_pos = self.advance().pos;
        // `for x in …` and `for k, v in …`
        if let Tok::Ident(first) = self.tok().clone() {
            let next = &self.tokens[(self.at + 1).min(self.tokens.len() - 1)].tok;
            if matches!(next, Tok::Kw("in") | Tok::Op(",")) {
                self.advance();
                let (key, value) = if self.is_op(",") {
                    self.advance();
                    (Some(first), self.ident()?)
                } else {
                    (None, first)
                };
                if !self.is_kw("in") {
                    return Err(self.unexpected("“in”"));
                }
                self.advance();
                let iterable = self.expr()?;
                let body = self.block()?;
                self.depth -= 1;
                return Ok(Stmt::ForIn {
                    key,
                    value,
                    iterable,
                    body,
                });
            }
        }
        let mut init = None;
        let mut cond = None;
        let mut post = None;
        if !self.is_op("{") {
            let first = if *self.tok() == Tok::Semi {
                None
            } else {
                Some(self.simple_statement()?)
            };
            if *self.tok() == Tok::Semi {
                // for init; cond; post
                self.advance();
                init = first.map(Box::new);
                if *self.tok() != Tok::Semi {
                    cond = Some(self.expr()?);
                }
                if *self.tok() != Tok::Semi {
                    return Err(self.unexpected("“;”"));
                }
                self.advance();
                if !self.is_op("{") {
                    post = Some(Box::new(self.simple_statement()?));
                }
            } else {
                match first {
                    Some(Stmt::Expr(expr)) => cond = Some(expr),
                    _ => return Err(self.unexpected("a condition")),
                }
            }
        }
        let body = self.block()?;
        self.depth -= 1;
        Ok(Stmt::For {
            pos: for_pos,
            init,
            cond,
            post,
            body,
        })
    }

    fn expr(&mut self) -> Parsed<Expr> {
        self.enter()?;
        let cond = self.binary(1)?;
        let out = if self.is_op("?") {
            let pos = self.advance().pos;
            let yes = self.expr()?;
            self.expect_op(":")?;
            let no = self.expr()?;
            Expr {
                kind: ExprKind::Ternary(Box::new(cond), Box::new(yes), Box::new(no)),
                pos,
            }
        } else {
            cond
        };
        self.depth -= 1;
        Ok(out)
    }

    fn binary(&mut self, min: u8) -> Parsed<Expr> {
        let mut left = self.unary()?;
        // Each operator of a chain (`a + b + c`) nests one level in the tree.
        let mut chain = 0;
        loop {
            let Tok::Op(op) = *self.tok() else {
                return Ok(left);
            };
            let Some(prec) = precedence(op) else {
                return Ok(left);
            };
            if prec < min {
                return Ok(left);
            }
            let pos = self.advance().pos;
            chain += 1;
            if self.depth + chain > MAX_DEPTH {
                return Err(too_deep(pos));
            }
            self.enter()?;
            let right = self.binary(prec + 1)?;
            self.depth -= 1;
            let kind = match op {
                "&&" => ExprKind::Logical(true, Box::new(left), Box::new(right)),
                "||" => ExprKind::Logical(false, Box::new(left), Box::new(right)),
                _ => ExprKind::Binary(op, Box::new(left), Box::new(right)),
            };
            left = Expr { kind, pos };
        }
    }

    fn unary(&mut self) -> Parsed<Expr> {
        if let Tok::Op(op @ ("-" | "+" | "!" | "^")) = *self.tok() {
            let pos = self.advance().pos;
            self.enter()?;
            let operand = self.unary()?;
            self.depth -= 1;
            return Ok(Expr {
                kind: ExprKind::Unary(op, Box::new(operand)),
                pos,
            });
        }
        self.postfix()
    }

    fn postfix(&mut self) -> Parsed<Expr> {
        let mut expr = self.operand()?;
        let start = expr.pos;
        let mut chain = 0;
        loop {
            let pos = self.pos();
            let kind = match self.tok() {
                Tok::Op("(") => {
                    self.advance();
                    let args = self.list(")")?;
                    ExprKind::Call(Box::new(expr), args)
                }
                Tok::Op("[") => {
                    self.advance();
                    let low = if self.is_op(":") {
                        None
                    } else {
                        Some(Box::new(self.expr()?))
                    };
                    let kind = if self.is_op(":") {
                        self.advance();
                        let high = if self.is_op("]") {
                            None
                        } else {
                            Some(Box::new(self.expr()?))
                        };
                        ExprKind::Slice(Box::new(expr), low, high)
                    } else {
                        match low {
                            Some(index) => ExprKind::Index(Box::new(expr), index),
                            None => return Err(self.unexpected("an index")),
                        }
                    };
                    self.expect_op("]")?;
                    kind
                }
                Tok::Op(".") => {
                    self.advance();
                    let name = self.ident()?;
                    ExprKind::Selector(Box::new(expr), name)
                }
                _ => return Ok(expr),
            };
            // Each link of a chain nests one level in the tree.
            chain += 1;
            if self.depth + chain > MAX_DEPTH {
                return Err(too_deep(pos));
            }
            // Placed where the chain starts: `text.split(…)` at `text`.
            expr = Expr { kind, pos: start };
        }
    }

    /// Comma-separated expressions up to `close` (consumed).
    fn list(&mut self, close: &str) -> Parsed<Vec<Expr>> {
        let mut items = Vec::new();
        loop {
            self.skip_semis();
            if self.is_op(close) {
                break;
            }
            if self.is_op("...") {
                return Err(ScriptError::compile(self.pos(), "“...” is not supported"));
            }
            items.push(self.expr()?);
            if self.is_op("...") {
                return Err(ScriptError::compile(self.pos(), "“...” is not supported"));
            }
            self.skip_semis();
            if self.is_op(",") {
                self.advance();
            } else if !self.is_op(close) {
                return Err(self.unexpected(&format!("“,” or “{close}”")));
            }
        }
        self.expect_op(close)?;
        Ok(items)
    }

    fn operand(&mut self) -> Parsed<Expr> {
        let pos = self.pos();
        let kind = match self.tok().clone() {
            Tok::Ident(name) => {
                self.advance();
                ExprKind::Ident(name)
            }
            Tok::Int(n) => {
                self.advance();
                ExprKind::Int(n)
            }
            Tok::Float(n) => {
                self.advance();
                ExprKind::Float(n)
            }
            Tok::Char(c) => {
                self.advance();
                ExprKind::Char(c)
            }
            Tok::Str(text) => {
                self.advance();
                ExprKind::Str(text.into())
            }
            Tok::Kw("true") => {
                self.advance();
                ExprKind::Bool(true)
            }
            Tok::Kw("false") => {
                self.advance();
                ExprKind::Bool(false)
            }
            Tok::Kw("undefined") => {
                self.advance();
                ExprKind::Undefined
            }
            Tok::Op("(") => {
                self.advance();
                self.skip_semis();
                let inner = self.expr()?;
                self.skip_semis();
                self.expect_op(")")?;
                return Ok(inner);
            }
            Tok::Op("[") => {
                self.advance();
                ExprKind::Array(self.list("]")?)
            }
            Tok::Op("{") => {
                self.advance();
                ExprKind::Map(self.map_entries()?)
            }
            Tok::Kw("func") => {
                self.advance();
                self.expect_op("(")?;
                let mut params = Vec::new();
                while !self.is_op(")") {
                    params.push(self.ident()?);
                    if self.is_op("...") {
                        return Err(ScriptError::compile(self.pos(), "“...” is not supported"));
                    }
                    if self.is_op(",") {
                        self.advance();
                    } else if !self.is_op(")") {
                        return Err(self.unexpected("“,” or “)”"));
                    }
                }
                self.advance();
                let body = self.block()?;
                ExprKind::Func(Arc::new(FuncLit { params, body }))
            }
            Tok::Kw(kw @ ("import" | "error" | "immutable")) => {
                self.advance();
                self.expect_op("(")?;
                let kind = if kw == "import" {
                    let Tok::Str(name) = self.tok().clone() else {
                        return Err(self.unexpected("a module name in quotes"));
                    };
                    self.advance();
                    ExprKind::Import(name)
                } else {
                    let inner = Box::new(self.expr()?);
                    if kw == "error" {
                        ExprKind::Error(inner)
                    } else {
                        ExprKind::Immutable(inner)
                    }
                };
                self.expect_op(")")?;
                kind
            }
            _ => return Err(self.unexpected("an expression")),
        };
        Ok(Expr { kind, pos })
    }

    fn map_entries(&mut self) -> Parsed<Vec<(String, Expr)>> {
        let mut entries = Vec::new();
        loop {
            self.skip_semis();
            if self.is_op("}") {
                break;
            }
            let key = match self.tok().clone() {
                Tok::Ident(name) => name,
                Tok::Str(text) => text,
                // Keywords are keys too (`{in: 1}` is not, in Tengo, but
                // `{error: x}` reads naturally); Tengo takes only names
                // and strings.
                _ => return Err(self.unexpected("a map key (a name or a string)")),
            };
            self.advance();
            self.expect_op(":")?;
            entries.push((key, self.expr()?));
            self.skip_semis();
            if self.is_op(",") {
                self.advance();
            } else if !self.is_op("}") {
                return Err(self.unexpected("“,” or “}”"));
            }
        }
        self.advance();
        Ok(entries)
    }
}

fn too_deep(pos: Pos) -> ScriptError {
    ScriptError::compile(
        pos,
        format!("the script nests more than {MAX_DEPTH} levels deep"),
    )
}

fn check_target(target: &Expr) -> Parsed<()> {
    match &target.kind {
        ExprKind::Ident(_) | ExprKind::Index(..) | ExprKind::Selector(..) => Ok(()),
        _ => Err(ScriptError::compile(
            target.pos,
            "only a name, an index or a field can be assigned to",
        )),
    }
}

fn binary_of(assign: &str) -> &'static str {
    match assign {
        "+=" => "+",
        "-=" => "-",
        "*=" => "*",
        "/=" => "/",
        "%=" => "%",
        "&=" => "&",
        "|=" => "|",
        "^=" => "^",
        "<<=" => "<<",
        ">>=" => ">>",
        _ => "&^",
    }
}

/// Go's precedence levels (higher binds tighter).
fn precedence(op: &str) -> Option<u8> {
    Some(match op {
        "||" => 1,
        "&&" => 2,
        "==" | "!=" | "<" | "<=" | ">" | ">=" => 3,
        "+" | "-" | "|" | "^" => 4,
        "*" | "/" | "%" | "<<" | ">>" | "&" | "&^" => 5,
        _ => return None,
    })
}

/// The statements of a script.
pub fn parse(src: &str) -> Result<Vec<Stmt>, ScriptError> {
    let mut parser = Parser {
        tokens: tokens(src)?,
        at: 0,
        depth: 0,
    };
    let body = parser.statements()?;
    if *parser.tok() != Tok::Eof {
        return Err(parser.unexpected("a statement"));
    }
    Ok(body)
}
