//! The checks Tengo's compiler makes before a script runs (every name
//! defined before use, none defined twice in a block, `break`/`continue`
//! inside a loop), plus this interpreter's own refusals: a module other
//! than `text`, or a `text` function it does not have.

use std::collections::HashMap;

use super::eval::BUILTINS;
use super::modules;
use super::parse::{Expr, ExprKind, Stmt};
use super::{Pos, ScriptError};

/// A name in a scope, and the module it holds when it was defined by
/// `import(…)`.
type Scope = HashMap<String, Option<String>>;

struct Resolver {
    scopes: Vec<Scope>,
    loops: usize,
}

/// Check a script whose globals start with `globals`.
pub fn check(body: &[Stmt], globals: &[&str]) -> Result<(), ScriptError> {
    let mut resolver = Resolver {
        scopes: vec![globals.iter().map(|g| ((*g).to_owned(), None)).collect()],
        loops: 0,
    };
    resolver.statements(body)
}

/// The message for a module this interpreter does not provide.
pub fn refused_module(name: &str) -> String {
    match name {
        "os" | "times" | "rand" => format!(
            "module “{name}” is refused: scripts get no file, network, environment or clock access (only “text”, “math” and “fmt” are available)"
        ),
        _ => format!("module “{name}” is not supported (only “text”, “math” and “fmt” are)"),
    }
}

impl Resolver {
    fn lookup(&self, name: &str) -> Option<&Option<String>> {
        self.scopes.iter().rev().find_map(|s| s.get(name))
    }

    fn define(&mut self, name: &str, module: Option<String>, pos: Pos) -> Result<(), ScriptError> {
        let scope = self
            .scopes
            .last_mut()
            .expect("the global scope is never popped");
        if scope.contains_key(name) {
            return Err(ScriptError::compile(
                pos,
                format!("“{name}” redeclared in this block"),
            ));
        }
        scope.insert(name.to_owned(), module);
        Ok(())
    }

    fn nested<T>(&mut self, run: impl FnOnce(&mut Self) -> T) -> T {
        self.scopes.push(Scope::new());
        let out = run(self);
        self.scopes.pop();
        out
    }

    fn statements(&mut self, body: &[Stmt]) -> Result<(), ScriptError> {
        body.iter().try_for_each(|stmt| self.statement(stmt))
    }

    fn statement(&mut self, stmt: &Stmt) -> Result<(), ScriptError> {
        match stmt {
            Stmt::Expr(expr) => self.expr(expr),
            Stmt::Define(name, value, pos) => {
                let module = match &value.kind {
                    ExprKind::Import(module) => Some(module.clone()),
                    _ => None,
                };
                // Tengo defines the name first, so a function may call itself.
                self.define(name, module, *pos)?;
                self.expr(value)
            }
            Stmt::Assign(target, _, value, _) => {
                self.target(target)?;
                self.expr(value)
            }
            Stmt::IncDec(target, _, _) => self.target(target),
            Stmt::If {
                init,
                cond,
                then,
                otherwise,
            } => self.nested(|r| {
                if let Some(init) = init {
                    r.statement(init)?;
                }
                r.expr(cond)?;
                r.nested(|r| r.statements(then))?;
                match otherwise {
                    Some(other) => r.nested(|r| r.statement(other)),
                    None => Ok(()),
                }
            }),
            Stmt::For {
                init,
                cond,
                post,
                body,
                ..
            } => self.nested(|r| {
                if let Some(init) = init {
                    r.statement(init)?;
                }
                if let Some(cond) = cond {
                    r.expr(cond)?;
                }
                if let Some(post) = post {
                    r.statement(post)?;
                }
                r.loop_body(body)
            }),
            Stmt::ForIn {
                key,
                value,
                iterable,
                body,
            } => {
                self.expr(iterable)?;
                self.nested(|r| {
                    for name in key.iter().chain(std::iter::once(value)) {
                        if name != "_" {
                            r.scopes
                                .last_mut()
                                .expect("a scope was pushed")
                                .insert(name.clone(), None);
                        }
                    }
                    r.loop_body(body)
                })
            }
            Stmt::Block(body) => self.nested(|r| r.statements(body)),
            Stmt::Break(pos) | Stmt::Continue(pos) => {
                if self.loops == 0 {
                    let word = if matches!(stmt, Stmt::Break(_)) {
                        "break"
                    } else {
                        "continue"
                    };
                    return Err(ScriptError::compile(
                        *pos,
                        format!("“{word}” outside a loop"),
                    ));
                }
                Ok(())
            }
            Stmt::Return(value, _) => value.as_ref().map_or(Ok(()), |v| self.expr(v)),
        }
    }

    fn loop_body(&mut self, body: &[Stmt]) -> Result<(), ScriptError> {
        self.loops += 1;
        let out = self.nested(|r| r.statements(body));
        self.loops -= 1;
        out
    }

    fn target(&mut self, target: &Expr) -> Result<(), ScriptError> {
        match &target.kind {
            ExprKind::Ident(name) => {
                if self.lookup(name).is_none() {
                    return Err(unresolved(name, target.pos));
                }
                Ok(())
            }
            _ => self.expr(target),
        }
    }

    fn expr(&mut self, expr: &Expr) -> Result<(), ScriptError> {
        match &expr.kind {
            ExprKind::Ident(name) => {
                if self.lookup(name).is_none() && !BUILTINS.contains(&name.as_str()) {
                    return Err(unresolved(name, expr.pos));
                }
                Ok(())
            }
            ExprKind::Int(_)
            | ExprKind::Float(_)
            | ExprKind::Char(_)
            | ExprKind::Str(_)
            | ExprKind::Bool(_)
            | ExprKind::Undefined => Ok(()),
            ExprKind::Import(module) => {
                if modules::MODULES.contains(&module.as_str()) {
                    Ok(())
                } else {
                    Err(ScriptError::compile(expr.pos, refused_module(module)))
                }
            }
            ExprKind::Array(items) => items.iter().try_for_each(|e| self.expr(e)),
            ExprKind::Map(entries) => entries.iter().try_for_each(|(_, e)| self.expr(e)),
            ExprKind::Func(lit) => {
                let saved = std::mem::take(&mut self.loops);
                let out = self.nested(|r| {
                    for param in &lit.params {
                        r.define(param, None, expr.pos)?;
                    }
                    r.nested(|r| r.statements(&lit.body))
                });
                self.loops = saved;
                out
            }
            ExprKind::Unary(_, e) | ExprKind::Error(e) | ExprKind::Immutable(e) => self.expr(e),
            ExprKind::Binary(_, a, b) | ExprKind::Logical(_, a, b) | ExprKind::Index(a, b) => {
                self.expr(a)?;
                self.expr(b)
            }
            ExprKind::Ternary(a, b, c) => {
                self.expr(a)?;
                self.expr(b)?;
                self.expr(c)
            }
            ExprKind::Call(callee, args) => {
                self.expr(callee)?;
                args.iter().try_for_each(|e| self.expr(e))
            }
            ExprKind::Slice(e, low, high) => {
                self.expr(e)?;
                for bound in [low, high].into_iter().flatten() {
                    self.expr(bound)?;
                }
                Ok(())
            }
            ExprKind::Selector(inner, member) => {
                let module = match &inner.kind {
                    ExprKind::Ident(name) => self.lookup(name).cloned().flatten(),
                    ExprKind::Import(name) => Some(name.clone()),
                    _ => None,
                };
                if let Some(module) = module.filter(|m| !modules::has(m, member)) {
                    return Err(ScriptError::compile(
                        inner.pos,
                        format!(
                            "{module}.{member} is not in Tengo's {module} module as copydesk runs it"
                        ),
                    ));
                }
                self.expr(inner)
            }
        }
    }
}

fn unresolved(name: &str, pos: Pos) -> ScriptError {
    ScriptError::compile(pos, format!("unresolved reference “{name}”"))
}
