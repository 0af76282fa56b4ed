//! The evaluator: walks the tree [`super::parse`] built, with Tengo's
//! values and semantics, counting every step and every byte it builds
//! against the run's [`Limits`].

use std::cell::RefCell;
use std::collections::{BTreeMap, HashMap};
use std::rc::{Rc, Weak};
use std::sync::Arc;

use super::parse::{Expr, ExprKind, FuncLit, Stmt};
use super::{Limits, Pos, ScriptError, modules};

/// The builtin functions a script may call.
pub const BUILTINS: &[&str] = &[
    "len",
    "append",
    "string",
    "int",
    "float",
    "bool",
    "char",
    "copy",
    "delete",
    "type_name",
    "is_int",
    "is_float",
    "is_string",
    "is_bool",
    "is_char",
    "is_array",
    "is_map",
    "is_undefined",
    "is_error",
    "is_function",
    "is_callable",
    "is_iterable",
];

/// What a value costs against the memory limit, beyond its text.
pub const VALUE_BYTES: usize = 24;
const CONTAINER_BYTES: usize = 64;

pub type Array = Rc<Items>;
pub type Map = Rc<Entries>;

/// An array's elements. Dropping a value never recurses (see
/// [`drop_flat`]): a script may nest arrays a million deep.
#[derive(Debug, Default)]
pub struct Items(RefCell<Vec<Value>>);

/// A map's entries (sorted by key, so iteration is stable).
#[derive(Debug, Default)]
pub struct Entries(RefCell<BTreeMap<String, Value>>);

/// The value an `error(…)` holds.
#[derive(Debug)]
pub struct Boxed(Value);

impl std::ops::Deref for Items {
    type Target = RefCell<Vec<Value>>;
    fn deref(&self) -> &Self::Target {
        &self.0
    }
}

impl std::ops::Deref for Entries {
    type Target = RefCell<BTreeMap<String, Value>>;
    fn deref(&self) -> &Self::Target {
        &self.0
    }
}

impl Drop for Items {
    fn drop(&mut self) {
        drop_flat(self.0.get_mut().drain(..).map(Part::Value).collect());
    }
}

impl Drop for Entries {
    fn drop(&mut self) {
        let entries = std::mem::take(self.0.get_mut());
        drop_flat(entries.into_values().map(Part::Value).collect());
    }
}

impl Drop for Boxed {
    fn drop(&mut self) {
        drop_flat(vec![Part::Value(std::mem::replace(
            &mut self.0,
            Value::Undefined,
        ))]);
    }
}

impl Drop for Env {
    fn drop(&mut self) {
        let mut parts: Vec<Part> = self
            .vars
            .get_mut()
            .drain()
            .map(|(_, v)| Part::Value(v))
            .collect();
        parts.extend(self.parent.take().map(Part::Env));
        drop_flat(parts);
    }
}

/// Something a dropped value held.
enum Part {
    Value(Value),
    Env(Rc<Env>),
}

/// Drop values with a worklist instead of recursion: what the last
/// reference to a container held is moved onto the list before the
/// container itself goes, so no drop nests inside another.
fn drop_flat(mut parts: Vec<Part>) {
    while let Some(part) = parts.pop() {
        match part {
            Part::Value(Value::Array(rc)) => {
                if let Ok(items) = Rc::try_unwrap(rc) {
                    parts.extend(items.0.borrow_mut().drain(..).map(Part::Value));
                }
            }
            Part::Value(Value::Map(rc)) => {
                if let Ok(entries) = Rc::try_unwrap(rc) {
                    let taken = std::mem::take(&mut *entries.0.borrow_mut());
                    parts.extend(taken.into_values().map(Part::Value));
                }
            }
            Part::Value(Value::Error(rc)) => {
                if let Ok(mut boxed) = Rc::try_unwrap(rc) {
                    parts.push(Part::Value(std::mem::replace(
                        &mut boxed.0,
                        Value::Undefined,
                    )));
                }
            }
            Part::Value(Value::Func(rc)) => {
                if let Ok(closure) = Rc::try_unwrap(rc) {
                    parts.push(Part::Env(closure.env));
                }
            }
            Part::Env(rc) => {
                if let Ok(env) = Rc::try_unwrap(rc) {
                    let mut env = env;
                    parts.extend(env.vars.get_mut().drain().map(|(_, v)| Part::Value(v)));
                    parts.extend(env.parent.take().map(Part::Env));
                }
            }
            Part::Value(_) => {}
        }
    }
}

#[derive(Debug, Clone)]
pub enum Value {
    Undefined,
    Bool(bool),
    Int(i64),
    Float(f64),
    Char(char),
    Str(Arc<str>),
    Array(Array),
    Map(Map),
    Func(Rc<Closure>),
    Builtin(&'static str),
    /// `import("text")`, `import("math")`, `import("fmt")`.
    Module(&'static str),
    /// A module's function: the module, the function.
    ModFn(&'static str, &'static str),
    Error(Rc<Boxed>),
}

#[derive(Debug)]
pub struct Closure {
    lit: Arc<FuncLit>,
    env: Rc<Env>,
}

#[derive(Debug, Default)]
pub struct Env {
    vars: RefCell<HashMap<String, Value>>,
    parent: Option<Rc<Env>>,
}

impl Env {
    fn child(parent: &Rc<Env>) -> Rc<Env> {
        Rc::new(Env {
            vars: RefCell::new(HashMap::new()),
            parent: Some(parent.clone()),
        })
    }

    fn get(&self, name: &str) -> Option<Value> {
        if let Some(value) = self.vars.borrow().get(name) {
            return Some(value.clone());
        }
        self.parent.as_ref()?.get(name)
    }

    /// Set an existing variable where it is defined; false when none is.
    fn set(&self, name: &str, value: Value) -> Result<(), Value> {
        if let Some(slot) = self.vars.borrow_mut().get_mut(name) {
            *slot = value;
            return Ok(());
        }
        match &self.parent {
            Some(parent) => parent.set(name, value),
            None => Err(value),
        }
    }

    fn define(&self, name: &str, value: Value) {
        self.vars.borrow_mut().insert(name.to_owned(), value);
    }
}

impl Value {
    pub fn str(text: &str) -> Value {
        Value::Str(Arc::from(text))
    }

    /// `error(inner)`.
    pub fn error(inner: Value) -> Value {
        Value::Error(Rc::new(Boxed(inner)))
    }

    pub fn type_name(&self) -> &'static str {
        match self {
            Value::Undefined => "undefined",
            Value::Bool(_) => "bool",
            Value::Int(_) => "int",
            Value::Float(_) => "float",
            Value::Char(_) => "char",
            Value::Str(_) => "string",
            Value::Array(_) => "array",
            Value::Map(_) => "map",
            Value::Func(_) => "compiled-function",
            Value::Builtin(_) | Value::ModFn(..) => "builtin-function",
            Value::Module(_) => "immutable-map",
            Value::Error(_) => "error",
        }
    }

    /// Tengo's `IsFalsy`.
    pub fn is_falsy(&self) -> bool {
        match self {
            Value::Undefined | Value::Error(_) => true,
            Value::Bool(b) => !b,
            Value::Int(n) => *n == 0,
            Value::Float(f) => f.is_nan(),
            Value::Char(c) => *c == '\0',
            Value::Str(s) => s.is_empty(),
            Value::Array(a) => a.borrow().is_empty(),
            Value::Map(m) => m.borrow().is_empty(),
            Value::Func(_) | Value::Builtin(_) | Value::ModFn(..) | Value::Module(_) => false,
        }
    }

    /// Tengo's `ToString` for a defined value: strings as they are.
    pub fn display(&self) -> String {
        let mut out = String::new();
        self.write(&mut out, 0, false);
        out
    }

    /// Print into `out`, at most about [`LONGEST_TEXT`] bytes and
    /// [`DEEPEST_TEXT`] levels: each element printed adds to `out`, so
    /// shared parts (`a = [a, a]`, doubled) cannot print forever.
    fn write(&self, out: &mut String, depth: usize, quoted: bool) {
        match self {
            Value::Undefined => out.push_str("<undefined>"),
            Value::Bool(b) => out.push_str(if *b { "true" } else { "false" }),
            Value::Int(n) => out.push_str(&n.to_string()),
            Value::Float(f) => out.push_str(&format_float(*f)),
            Value::Char(c) => out.push(*c),
            Value::Str(s) if quoted => out.push_str(&quote(s)),
            Value::Str(s) => out.push_str(s),
            Value::Array(_) | Value::Map(_) if depth >= DEEPEST_TEXT => out.push_str("[...]"),
            Value::Array(items) => {
                out.push('[');
                for (i, item) in items.borrow().iter().enumerate() {
                    if i > 0 {
                        out.push_str(", ");
                    }
                    if out.len() > LONGEST_TEXT {
                        out.push_str("...");
                        break;
                    }
                    item.write(out, depth + 1, true);
                }
                out.push(']');
            }
            Value::Map(map) => {
                out.push('{');
                for (i, (key, value)) in map.borrow().iter().enumerate() {
                    if i > 0 {
                        out.push_str(", ");
                    }
                    if out.len() > LONGEST_TEXT {
                        out.push_str("...");
                        break;
                    }
                    out.push_str(key);
                    out.push_str(": ");
                    value.write(out, depth + 1, true);
                }
                out.push('}');
            }
            Value::Func(_) => out.push_str("<compiled-function>"),
            Value::Builtin(_) | Value::ModFn(..) => out.push_str("<builtin-function>"),
            Value::Module(name) => {
                out.push_str("<module ");
                out.push_str(name);
                out.push('>');
            }
            Value::Error(_) if depth >= DEEPEST_TEXT => out.push_str("error: ..."),
            Value::Error(inner) => {
                out.push_str("error: ");
                inner.0.write(out, depth + 1, true);
            }
        }
    }

    /// Tengo's `ToString`: `None` for undefined.
    pub fn to_text(&self) -> Option<String> {
        match self {
            Value::Undefined => None,
            other => Some(other.display()),
        }
    }

    /// Tengo's `ToInt`.
    pub fn to_int(&self) -> Option<i64> {
        match self {
            Value::Int(n) => Some(*n),
            Value::Float(f) => Some(*f as i64),
            Value::Char(c) => Some(*c as i64),
            Value::Bool(b) => Some(i64::from(*b)),
            Value::Str(s) => s.parse().ok(),
            _ => None,
        }
    }

    pub fn to_float(&self) -> Option<f64> {
        match self {
            Value::Int(n) => Some(*n as f64),
            Value::Float(f) => Some(*f),
            Value::Str(s) => s.parse().ok(),
            _ => None,
        }
    }

    /// Tengo's `Equals`, visiting at most `budget` values and
    /// [`DEEPEST_COMPARE`] levels (`None` past either: a script may build
    /// values that share parts, or hold themselves).
    pub fn equals(&self, other: &Value, budget: &mut u64, depth: usize) -> Option<bool> {
        *budget = budget.checked_sub(1)?;
        if depth > DEEPEST_COMPARE {
            return None;
        }
        Some(match (self, other) {
            (Value::Undefined, Value::Undefined) => true,
            (Value::Bool(a), Value::Bool(b)) => a == b,
            (Value::Int(a), Value::Int(b)) => a == b,
            (Value::Float(a), Value::Float(b)) => a == b,
            (Value::Char(a), Value::Char(b)) => a == b,
            (Value::Str(a), Value::Str(b)) => a == b,
            (Value::Array(a), Value::Array(b)) => {
                if Rc::ptr_eq(a, b) {
                    return Some(true);
                }
                let (a, b) = (a.borrow(), b.borrow());
                if a.len() != b.len() {
                    return Some(false);
                }
                for (x, y) in a.iter().zip(b.iter()) {
                    if !x.equals(y, budget, depth + 1)? {
                        return Some(false);
                    }
                }
                true
            }
            (Value::Map(a), Value::Map(b)) => {
                if Rc::ptr_eq(a, b) {
                    return Some(true);
                }
                let (a, b) = (a.borrow(), b.borrow());
                if a.len() != b.len() {
                    return Some(false);
                }
                for (key, x) in a.iter() {
                    match b.get(key) {
                        Some(y) if x.equals(y, budget, depth + 1)? => {}
                        _ => return Some(false),
                    }
                }
                true
            }
            (Value::Error(a), Value::Error(b)) => a.0.equals(&b.0, budget, depth + 1)?,
            (Value::Func(a), Value::Func(b)) => Rc::ptr_eq(a, b),
            (Value::Builtin(a), Value::Builtin(b)) | (Value::Module(a), Value::Module(b)) => a == b,
            (Value::ModFn(m, a), Value::ModFn(n, b)) => m == n && a == b,
            _ => false,
        })
    }
}

/// How long and how deep a printed value may be (see [`Value::write`]).
const LONGEST_TEXT: usize = 4 << 20;
const DEEPEST_TEXT: usize = 64;
/// How deep `==` compares.
const DEEPEST_COMPARE: usize = 1_000;

/// Go's `strconv.FormatFloat(f, 'f', -1, 64)`.
pub fn format_float(f: f64) -> String {
    if f.is_nan() {
        "NaN".to_owned()
    } else if f.is_infinite() {
        if f > 0.0 { "+Inf" } else { "-Inf" }.to_owned()
    } else {
        format!("{f}")
    }
}

/// Go's `strconv.Quote`, for the common characters.
pub fn quote(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + 2);
    out.push('"');
    for c in text.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\t' => out.push_str("\\t"),
            '\r' => out.push_str("\\r"),
            c if c.is_control() => out.push_str(&format!("\\x{:02x}", c as u32)),
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

/// One entry of a script's `matches`, checked: byte offsets into the text
/// the script was given, on character boundaries.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ScriptMatch {
    pub begin: usize,
    pub end: usize,
    /// Replaces the rule's message for this match.
    pub message: Option<String>,
}

enum Flow {
    Normal,
    Break,
    Continue,
    Return(Value),
}

/// A container or scope made during a run, kept weakly so that cycles
/// (a map holding itself, a closure stored in its own scope) can be broken
/// when the run ends.
enum Made {
    Array(Weak<Items>),
    Map(Weak<Entries>),
    Env(Weak<Env>),
}

/// How deeply evaluation may nest (expressions, blocks and calls
/// together); the evaluator runs on a thread whose stack holds this many
/// levels with room to spare (see [`super::Script::run`]).
pub const EVAL_DEPTH: usize = 2_000;

fn stmt_pos(stmt: &Stmt) -> Pos {
    match stmt {
        Stmt::Expr(e) | Stmt::If { cond: e, .. } | Stmt::ForIn { iterable: e, .. } => e.pos,
        Stmt::Define(_, _, pos)
        | Stmt::Assign(_, _, _, pos)
        | Stmt::IncDec(_, _, pos)
        | Stmt::Break(pos)
        | Stmt::Continue(pos)
        | Stmt::Return(_, pos) => *pos,
        Stmt::For { pos, .. } => *pos,
        Stmt::Block(_) => Pos::default(),
    }
}

/// Steps between two readings of the clock.
const CLOCK_EVERY: u64 = 4_096;

pub struct Interp {
    limits: Limits,
    started: std::time::Instant,
    next_clock: u64,
    depth: usize,
    steps: u64,
    memory: usize,
    calls: usize,
    made: Vec<Made>,
    regexes: HashMap<String, Result<Rc<regex::Regex>, String>>,
}

type Eval<T> = Result<T, ScriptError>;

impl Interp {
    fn tick(&mut self, pos: Pos) -> Eval<()> {
        self.charge_steps(1, pos)
    }

    /// Count `n` steps.
    pub fn charge_steps(&mut self, n: u64, pos: Pos) -> Eval<()> {
        self.steps = self.steps.saturating_add(n);
        if self.steps >= self.next_clock {
            self.next_clock = self.steps.saturating_add(CLOCK_EVERY);
            if self.started.elapsed() > self.limits.time {
                return Err(ScriptError::limit(
                    pos,
                    format!(
                        "the script ran longer than {} s and was stopped",
                        self.limits.time.as_secs_f64()
                    ),
                ));
            }
        }
        if self.steps > self.limits.steps {
            return Err(ScriptError::limit(
                pos,
                format!(
                    "the script ran more than {} steps and was stopped (an endless loop?)",
                    self.limits.steps
                ),
            ));
        }
        Ok(())
    }

    /// Count `bytes` built.
    pub fn charge_memory(&mut self, bytes: usize, pos: Pos) -> Eval<()> {
        self.memory = self.memory.saturating_add(bytes);
        if self.memory > self.limits.memory {
            return Err(ScriptError::limit(
                pos,
                format!(
                    "the script built more than {} MiB of strings and arrays and was stopped",
                    self.limits.memory >> 20
                ),
            ));
        }
        Ok(())
    }

    /// Whether `bytes` more would still fit (for functions that build
    /// their result piece by piece).
    pub fn memory_left(&self) -> usize {
        self.limits.memory.saturating_sub(self.memory)
    }

    pub fn new_str(&mut self, text: String, pos: Pos) -> Eval<Value> {
        self.charge_memory(text.len(), pos)?;
        Ok(Value::Str(Arc::from(text)))
    }

    pub fn new_array(&mut self, items: Vec<Value>, pos: Pos) -> Eval<Value> {
        self.charge_memory(CONTAINER_BYTES + items.len() * VALUE_BYTES, pos)?;
        let array = Rc::new(Items(RefCell::new(items)));
        self.made.push(Made::Array(Rc::downgrade(&array)));
        Ok(Value::Array(array))
    }

    pub fn new_map(&mut self, entries: BTreeMap<String, Value>, pos: Pos) -> Eval<Value> {
        let keys: usize = entries.keys().map(String::len).sum();
        self.charge_memory(CONTAINER_BYTES + keys + entries.len() * VALUE_BYTES, pos)?;
        let map = Rc::new(Entries(RefCell::new(entries)));
        self.made.push(Made::Map(Rc::downgrade(&map)));
        Ok(Value::Map(map))
    }

    /// A compiled pattern (once per run), or Go's error text.
    pub fn regex(&mut self, pattern: &str, pos: Pos) -> Eval<Result<Rc<regex::Regex>, String>> {
        if let Some(found) = self.regexes.get(pattern) {
            return Ok(found.clone());
        }
        self.charge_steps(pattern.len() as u64 * 16, pos)?;
        let compiled = regex::RegexBuilder::new(pattern)
            .size_limit(1 << 20)
            .build()
            .map(Rc::new)
            .map_err(|e| {
                let text = e.to_string();
                format!(
                    "error parsing regexp: {}",
                    text.lines().last().unwrap_or(&text).trim()
                )
            });
        if self.regexes.len() < 1_000 {
            self.regexes.insert(pattern.to_owned(), compiled.clone());
        }
        Ok(compiled)
    }

    fn block(&mut self, body: &[Stmt], env: &Rc<Env>) -> Eval<Flow> {
        self.enter(body.first().map_or_else(Pos::default, stmt_pos))?;
        let inner = Env::child(env);
        let flow = self.statements(body, &inner);
        self.depth -= 1;
        flow
    }

    fn statements(&mut self, body: &[Stmt], env: &Rc<Env>) -> Eval<Flow> {
        for stmt in body {
            match self.statement(stmt, env)? {
                Flow::Normal => {}
                other => return Ok(other),
            }
        }
        Ok(Flow::Normal)
    }

    fn statement(&mut self, stmt: &Stmt, env: &Rc<Env>) -> Eval<Flow> {
        match stmt {
            Stmt::Expr(expr) => {
                self.expr(expr, env)?;
            }
            Stmt::Define(name, value, pos) => {
                self.tick(*pos)?;
                env.define(name, Value::Undefined);
                let value = self.expr(value, env)?;
                env.define(name, value);
            }
            Stmt::Assign(target, op, value, pos) => {
                self.tick(*pos)?;
                let value = match op {
                    None => self.expr(value, env)?,
                    Some(op) => {
                        let current = self.expr(target, env)?;
                        let right = self.expr(value, env)?;
                        self.binary(op, current, right, *pos)?
                    }
                };
                self.assign(target, value, env)?;
            }
            Stmt::IncDec(target, up, pos) => {
                self.tick(*pos)?;
                let current = self.expr(target, env)?;
                let value =
                    self.binary(if *up { "+" } else { "-" }, current, Value::Int(1), *pos)?;
                self.assign(target, value, env)?;
            }
            Stmt::If {
                init,
                cond,
                then,
                otherwise,
            } => {
                let scope = Env::child(env);
                if let Some(init) = init {
                    self.statement(init, &scope)?;
                }
                let test = self.expr(cond, &scope)?;
                if !test.is_falsy() {
                    return self.block(then, &scope);
                } else if let Some(other) = otherwise {
                    return match &**other {
                        Stmt::Block(body) => self.block(body, &scope),
                        other => self.statement(other, &scope),
                    };
                }
            }
            Stmt::For {
                pos,
                init,
                cond,
                post,
                body,
            } => {
                let scope = Env::child(env);
                if let Some(init) = init {
                    self.statement(init, &scope)?;
                }
                loop {
                    if let Some(cond) = cond {
                        if self.expr(cond, &scope)?.is_falsy() {
                            break;
                        }
                    } else {
                        self.tick(*pos)?;
                    }
                    match self.block(body, &scope)? {
                        Flow::Break => break,
                        Flow::Return(value) => return Ok(Flow::Return(value)),
                        Flow::Normal | Flow::Continue => {}
                    }
                    if let Some(post) = post {
                        self.statement(post, &scope)?;
                    }
                }
            }
            Stmt::ForIn {
                key,
                value,
                iterable,
                body,
            } => {
                let pos = iterable.pos;
                let collection = self.expr(iterable, env)?;
                let names = (key.as_deref(), value.as_str());
                // A copy of the elements (not of what they hold), so the
                // body may change the collection; a string is read as it
                // goes, character by character.
                let pairs: Vec<(Value, Value)> = match &collection {
                    Value::Array(items) => {
                        let items = items.borrow().clone();
                        self.charge_steps(items.len() as u64 / 8, pos)?;
                        items
                            .into_iter()
                            .enumerate()
                            .map(|(i, v)| (Value::Int(i as i64), v))
                            .collect()
                    }
                    Value::Map(map) => {
                        let map = map.borrow().clone();
                        self.charge_steps(map.len() as u64 / 8, pos)?;
                        map.into_iter().map(|(k, v)| (Value::str(&k), v)).collect()
                    }
                    Value::Str(text) => {
                        let text = text.clone();
                        for (i, c) in text.chars().enumerate() {
                            let pair = (Value::Int(i as i64), Value::Char(c));
                            if let Some(flow) = self.pass(names, pair, body, env, pos)? {
                                return Ok(flow);
                            }
                        }
                        Vec::new()
                    }
                    Value::Undefined => Vec::new(),
                    other => {
                        return Err(ScriptError::runtime(
                            pos,
                            format!("a {} cannot be iterated over", other.type_name()),
                        ));
                    }
                };
                for pair in pairs {
                    if let Some(flow) = self.pass(names, pair, body, env, pos)? {
                        return Ok(flow);
                    }
                }
            }
            Stmt::Block(body) => return self.block(body, env),
            Stmt::Break(pos) => {
                self.tick(*pos)?;
                return Ok(Flow::Break);
            }
            Stmt::Continue(pos) => {
                self.tick(*pos)?;
                return Ok(Flow::Continue);
            }
            Stmt::Return(value, pos) => {
                self.tick(*pos)?;
                let value = match value {
                    Some(value) => self.expr(value, env)?,
                    None => Value::Undefined,
                };
                return Ok(Flow::Return(value));
            }
        }
        Ok(Flow::Normal)
    }

    /// One pass of a `for … in` body with the key and value named
    /// `names`; `Some` ends the loop, with the flow the statement ends in.
    fn pass(
        &mut self,
        names: (Option<&str>, &str),
        (k, v): (Value, Value),
        body: &[Stmt],
        env: &Rc<Env>,
        pos: Pos,
    ) -> Eval<Option<Flow>> {
        self.tick(pos)?;
        let scope = Env::child(env);
        if let Some(key) = names.0.filter(|k| *k != "_") {
            scope.define(key, k);
        }
        if names.1 != "_" {
            scope.define(names.1, v);
        }
        Ok(match self.block(body, &scope)? {
            Flow::Break => Some(Flow::Normal),
            Flow::Return(value) => Some(Flow::Return(value)),
            Flow::Normal | Flow::Continue => None,
        })
    }

    fn assign(&mut self, target: &Expr, value: Value, env: &Rc<Env>) -> Eval<()> {
        match &target.kind {
            ExprKind::Ident(name) => env.set(name, value).map_err(|_| {
                ScriptError::runtime(target.pos, format!("unresolved reference “{name}”"))
            }),
            ExprKind::Index(container, index) => {
                let container = self.expr(container, env)?;
                let index = self.expr(index, env)?;
                self.set_index(container, index, value, target.pos)
            }
            ExprKind::Selector(container, member) => {
                let container = self.expr(container, env)?;
                self.set_index(container, Value::str(member), value, target.pos)
            }
            _ => Err(ScriptError::runtime(target.pos, "cannot assign to this")),
        }
    }

    fn set_index(&mut self, container: Value, index: Value, value: Value, pos: Pos) -> Eval<()> {
        match container {
            Value::Array(items) => {
                let Value::Int(i) = index else {
                    return Err(ScriptError::runtime(
                        pos,
                        format!("an array index must be an int, not a {}", index.type_name()),
                    ));
                };
                let mut items = items.borrow_mut();
                let len = items.len();
                match usize::try_from(i).ok().and_then(|i| items.get_mut(i)) {
                    Some(slot) => {
                        *slot = value;
                        Ok(())
                    }
                    None => Err(ScriptError::runtime(
                        pos,
                        format!("index {i} out of bounds (the array has {len})"),
                    )),
                }
            }
            Value::Map(map) => {
                let Some(key) = index.to_text() else {
                    return Err(ScriptError::runtime(pos, "a map key cannot be undefined"));
                };
                self.charge_memory(key.len() + VALUE_BYTES, pos)?;
                map.borrow_mut().insert(key, value);
                Ok(())
            }
            other => Err(ScriptError::runtime(
                pos,
                format!("a {} cannot be assigned into", other.type_name()),
            )),
        }
    }

    /// Evaluate `expr`, one level deeper.
    fn expr(&mut self, expr: &Expr, env: &Rc<Env>) -> Eval<Value> {
        self.enter(expr.pos)?;
        let value = self.expr_here(expr, env);
        self.depth -= 1;
        value
    }

    fn enter(&mut self, pos: Pos) -> Eval<()> {
        self.depth += 1;
        if self.depth > EVAL_DEPTH {
            self.depth -= 1;
            return Err(ScriptError::limit(
                pos,
                format!(
                    "the script nested more than {EVAL_DEPTH} levels of evaluation and was stopped"
                ),
            ));
        }
        Ok(())
    }

    fn expr_here(&mut self, expr: &Expr, env: &Rc<Env>) -> Eval<Value> {
        self.tick(expr.pos)?;
        let pos = expr.pos;
        Ok(match &expr.kind {
            ExprKind::Ident(name) => match env.get(name) {
                Some(value) => value,
                None => match BUILTINS.iter().find(|b| **b == name) {
                    Some(builtin) => Value::Builtin(builtin),
                    None => {
                        return Err(ScriptError::runtime(
                            pos,
                            format!("unresolved reference “{name}”"),
                        ));
                    }
                },
            },
            ExprKind::Int(n) => Value::Int(*n),
            ExprKind::Float(f) => Value::Float(*f),
            ExprKind::Char(c) => Value::Char(*c),
            ExprKind::Str(s) => Value::Str(s.clone()),
            ExprKind::Bool(b) => Value::Bool(*b),
            ExprKind::Undefined => Value::Undefined,
            ExprKind::Array(items) => {
                let items = items
                    .iter()
                    .map(|e| self.expr(e, env))
                    .collect::<Eval<Vec<_>>>()?;
                self.new_array(items, pos)?
            }
            ExprKind::Map(entries) => {
                let mut map = BTreeMap::new();
                for (key, value) in entries {
                    let value = self.expr(value, env)?;
                    map.insert(key.clone(), value);
                }
                self.new_map(map, pos)?
            }
            ExprKind::Func(lit) => {
                self.charge_memory(CONTAINER_BYTES, pos)?;
                self.made.push(Made::Env(Rc::downgrade(env)));
                Value::Func(Rc::new(Closure {
                    lit: lit.clone(),
                    env: env.clone(),
                }))
            }
            ExprKind::Unary(op, operand) => {
                let value = self.expr(operand, env)?;
                unary(op, value, pos)?
            }
            ExprKind::Binary(op, left, right) => {
                let left = self.expr(left, env)?;
                let right = self.expr(right, env)?;
                self.binary(op, left, right, pos)?
            }
            ExprKind::Logical(and, left, right) => {
                let left = self.expr(left, env)?;
                if left.is_falsy() == *and {
                    left
                } else {
                    self.expr(right, env)?
                }
            }
            ExprKind::Ternary(cond, yes, no) => {
                if self.expr(cond, env)?.is_falsy() {
                    self.expr(no, env)?
                } else {
                    self.expr(yes, env)?
                }
            }
            ExprKind::Call(callee, args) => {
                let callee = self.expr(callee, env)?;
                let args = args
                    .iter()
                    .map(|e| self.expr(e, env))
                    .collect::<Eval<Vec<_>>>()?;
                self.call(callee, args, pos)?
            }
            ExprKind::Index(container, index) => {
                let container = self.expr(container, env)?;
                let index = self.expr(index, env)?;
                index_get(container, index, pos)?
            }
            ExprKind::Selector(container, member) => {
                let container = self.expr(container, env)?;
                match container {
                    Value::Module(module) => match modules::member(module, member) {
                        Some(value) => value,
                        None => {
                            return Err(ScriptError::runtime(
                                pos,
                                format!("{module}.{member} is not in the {module} module"),
                            ));
                        }
                    },
                    Value::Error(inner) if member == "value" => inner.0.clone(),
                    other => index_get(other, Value::str(member), pos)?,
                }
            }
            ExprKind::Slice(container, low, high) => {
                let container = self.expr(container, env)?;
                let low = match low {
                    Some(low) => Some(self.expr(low, env)?),
                    None => None,
                };
                let high = match high {
                    Some(high) => Some(self.expr(high, env)?),
                    None => None,
                };
                self.slice(container, low, high, pos)?
            }
            ExprKind::Import(name) => match modules::MODULES.iter().find(|m| **m == name) {
                Some(module) => Value::Module(module),
                None => {
                    return Err(ScriptError::runtime(
                        pos,
                        format!("module “{name}” is not available"),
                    ));
                }
            },
            ExprKind::Error(inner) => {
                let inner = self.expr(inner, env)?;
                Value::error(inner)
            }
            ExprKind::Immutable(inner) => self.expr(inner, env)?,
        })
    }

    fn slice(
        &mut self,
        container: Value,
        low: Option<Value>,
        high: Option<Value>,
        pos: Pos,
    ) -> Eval<Value> {
        let bound = |v: Option<Value>, default: usize| -> Eval<i64> {
            match v {
                None => Ok(default as i64),
                Some(Value::Int(n)) => Ok(n),
                Some(other) => Err(ScriptError::runtime(
                    pos,
                    format!("a slice bound must be an int, not a {}", other.type_name()),
                )),
            }
        };
        let len = match &container {
            Value::Str(s) => s.len(),
            Value::Array(a) => a.borrow().len(),
            other => {
                return Err(ScriptError::runtime(
                    pos,
                    format!("a {} cannot be sliced", other.type_name()),
                ));
            }
        };
        let (low, high) = (bound(low, 0)?, bound(high, len)?);
        if low < 0 || high < low || high as usize > len {
            return Err(ScriptError::runtime(
                pos,
                format!("slice bounds out of range [{low}:{high}] (length {len})"),
            ));
        }
        let range = low as usize..high as usize;
        match container {
            Value::Str(s) => {
                // Go slices bytes; a cut inside a character keeps the
                // replacement character.
                let text = String::from_utf8_lossy(&s.as_bytes()[range]).into_owned();
                self.new_str(text, pos)
            }
            Value::Array(items) => {
                let items = items.borrow()[range].to_vec();
                self.new_array(items, pos)
            }
            _ => Ok(Value::Undefined),
        }
    }

    pub fn binary(&mut self, op: &str, left: Value, right: Value, pos: Pos) -> Eval<Value> {
        if op == "==" || op == "!=" {
            let before = self.limits.steps.saturating_sub(self.steps);
            let mut budget = before;
            let equal = left.equals(&right, &mut budget, 0);
            self.charge_steps(before - budget, pos)?;
            let equal = equal.ok_or_else(|| {
                ScriptError::limit(
                    pos,
                    "the values compared nest too deeply and were not compared",
                )
            })?;
            return Ok(Value::Bool(equal == (op == "==")));
        }
        let invalid = |left: &Value, right: &Value| {
            ScriptError::runtime(
                pos,
                format!(
                    "invalid operation: {} {op} {}",
                    left.type_name(),
                    right.type_name()
                ),
            )
        };
        Ok(match (&left, &right) {
            (Value::Int(a), Value::Int(b)) => {
                int_op(op, *a, *b, pos)?.ok_or_else(|| invalid(&left, &right))?
            }
            (Value::Int(_) | Value::Float(_), Value::Int(_) | Value::Float(_)) => {
                let (a, b) = (
                    left.to_float().unwrap_or(0.0),
                    right.to_float().unwrap_or(0.0),
                );
                float_op(op, a, b).ok_or_else(|| invalid(&left, &right))?
            }
            (Value::Char(_) | Value::Int(_), Value::Char(_) | Value::Int(_)) => {
                let a = left.to_int().unwrap_or(0);
                let b = right.to_int().unwrap_or(0);
                match op {
                    "+" | "-" => {
                        let n = if op == "+" {
                            a.wrapping_add(b)
                        } else {
                            a.wrapping_sub(b)
                        };
                        let c =
                            u32::try_from(n)
                                .ok()
                                .and_then(char::from_u32)
                                .ok_or_else(|| {
                                    ScriptError::runtime(pos, format!("{n} is not a character"))
                                })?;
                        Value::Char(c)
                    }
                    "<" => Value::Bool(a < b),
                    ">" => Value::Bool(a > b),
                    "<=" => Value::Bool(a <= b),
                    ">=" => Value::Bool(a >= b),
                    _ => return Err(invalid(&left, &right)),
                }
            }
            (Value::Str(a), Value::Str(b)) => match op {
                "+" => {
                    let mut text = String::with_capacity(a.len() + b.len());
                    text.push_str(a);
                    text.push_str(b);
                    self.new_str(text, pos)?
                }
                "<" => Value::Bool(a < b),
                ">" => Value::Bool(a > b),
                "<=" => Value::Bool(a <= b),
                ">=" => Value::Bool(a >= b),
                _ => return Err(invalid(&left, &right)),
            },
            (Value::Str(a), other) if op == "+" => {
                let text = format!("{a}{}", other.display());
                self.new_str(text, pos)?
            }
            (Value::Array(a), Value::Array(b)) if op == "+" => {
                let mut items = a.borrow().clone();
                items.extend(b.borrow().iter().cloned());
                self.new_array(items, pos)?
            }
            _ => return Err(invalid(&left, &right)),
        })
    }

    fn call(&mut self, callee: Value, args: Vec<Value>, pos: Pos) -> Eval<Value> {
        match callee {
            Value::Func(closure) => {
                if args.len() != closure.lit.params.len() {
                    return Err(ScriptError::runtime(
                        pos,
                        format!(
                            "wrong number of arguments: want={}, got={}",
                            closure.lit.params.len(),
                            args.len()
                        ),
                    ));
                }
                if self.calls >= self.limits.calls {
                    return Err(ScriptError::limit(
                        pos,
                        format!(
                            "the script nested more than {} function calls and was stopped",
                            self.limits.calls
                        ),
                    ));
                }
                let scope = Env::child(&closure.env);
                for (param, arg) in closure.lit.params.iter().zip(args) {
                    scope.define(param, arg);
                }
                self.calls += 1;
                let flow = self.block(&closure.lit.body, &scope);
                self.calls -= 1;
                Ok(match flow? {
                    Flow::Return(value) => value,
                    _ => Value::Undefined,
                })
            }
            Value::Builtin(name) => self.builtin(name, args, pos),
            Value::ModFn(module, name) => modules::call(self, module, name, args, pos),
            other => Err(ScriptError::runtime(
                pos,
                format!("a {} cannot be called", other.type_name()),
            )),
        }
    }

    fn builtin(&mut self, name: &str, args: Vec<Value>, pos: Pos) -> Eval<Value> {
        let arity = |n: usize| -> Eval<()> {
            if args.len() == n {
                Ok(())
            } else {
                Err(ScriptError::runtime(
                    pos,
                    format!(
                        "{name}: wrong number of arguments: want={n}, got={}",
                        args.len()
                    ),
                ))
            }
        };
        let first = args.first().cloned().unwrap_or(Value::Undefined);
        let default = || args.get(1).cloned().unwrap_or(Value::Undefined);
        if let Some(kind) = name.strip_prefix("is_") {
            arity(1)?;
            return Ok(Value::Bool(match kind {
                "function" => matches!(first, Value::Func(_)),
                "callable" => {
                    matches!(first, Value::Func(_) | Value::Builtin(_) | Value::ModFn(..))
                }
                "iterable" => matches!(
                    first,
                    Value::Array(_) | Value::Map(_) | Value::Str(_) | Value::Undefined
                ),
                kind => first.type_name() == kind,
            }));
        }
        Ok(match name {
            "len" => {
                arity(1)?;
                Value::Int(match &first {
                    Value::Str(s) => s.len() as i64,
                    Value::Array(a) => a.borrow().len() as i64,
                    Value::Map(m) => m.borrow().len() as i64,
                    other => {
                        return Err(ScriptError::runtime(
                            pos,
                            format!("len: invalid argument type: {}", other.type_name()),
                        ));
                    }
                })
            }
            "append" => {
                let Some(Value::Array(items)) = args.first() else {
                    return Err(ScriptError::runtime(
                        pos,
                        format!(
                            "append: the first argument must be an array, not a {}",
                            first.type_name()
                        ),
                    ));
                };
                let old = items.borrow();
                self.charge_steps(old.len() as u64 / 64, pos)?;
                self.charge_memory((args.len() - 1) * VALUE_BYTES, pos)?;
                let mut grown = Vec::with_capacity(old.len() + args.len());
                grown.extend(old.iter().cloned());
                grown.extend(args[1..].iter().cloned());
                drop(old);
                let array = Rc::new(Items(RefCell::new(grown)));
                self.made.push(Made::Array(Rc::downgrade(&array)));
                Value::Array(array)
            }
            "string" => match first.to_text() {
                Some(text) => self.new_str(text, pos)?,
                None => default(),
            },
            "int" => first.to_int().map_or_else(default, Value::Int),
            "float" => first.to_float().map_or_else(default, Value::Float),
            "bool" => Value::Bool(!first.is_falsy()),
            "char" => match &first {
                Value::Char(c) => Value::Char(*c),
                Value::Int(n) => u32::try_from(*n)
                    .ok()
                    .and_then(char::from_u32)
                    .map_or_else(default, Value::Char),
                Value::Str(s) if s.chars().count() == 1 => {
                    Value::Char(s.chars().next().unwrap_or('\0'))
                }
                _ => default(),
            },
            "copy" => {
                arity(1)?;
                self.deep_copy(&first, pos, 0)?
            }
            "delete" => {
                arity(2)?;
                let Value::Map(map) = &first else {
                    return Err(ScriptError::runtime(
                        pos,
                        "delete: the first argument must be a map",
                    ));
                };
                if let Some(key) = args[1].to_text() {
                    map.borrow_mut().remove(&key);
                }
                Value::Undefined
            }
            "type_name" => {
                arity(1)?;
                Value::str(first.type_name())
            }
            other => {
                return Err(ScriptError::runtime(
                    pos,
                    format!("unknown builtin “{other}”"),
                ));
            }
        })
    }

    fn deep_copy(&mut self, value: &Value, pos: Pos, depth: usize) -> Eval<Value> {
        if depth > super::parse::MAX_DEPTH {
            return Err(ScriptError::limit(pos, "copy: the value nests too deeply"));
        }
        match value {
            Value::Array(items) => {
                let items = items.borrow().clone();
                let copied = items
                    .iter()
                    .map(|v| self.deep_copy(v, pos, depth + 1))
                    .collect::<Eval<Vec<_>>>()?;
                self.new_array(copied, pos)
            }
            Value::Map(map) => {
                let map = map.borrow().clone();
                let mut copied = BTreeMap::new();
                for (k, v) in &map {
                    copied.insert(k.clone(), self.deep_copy(v, pos, depth + 1)?);
                }
                self.new_map(copied, pos)
            }
            other => Ok(other.clone()),
        }
    }
}

fn unary(op: &str, value: Value, pos: Pos) -> Eval<Value> {
    Ok(match (op, &value) {
        ("!", _) => Value::Bool(value.is_falsy()),
        ("-", Value::Int(n)) => Value::Int(n.wrapping_neg()),
        ("-", Value::Float(f)) => Value::Float(-f),
        ("+", Value::Int(_) | Value::Float(_)) => value,
        ("^", Value::Int(n)) => Value::Int(!n),
        _ => {
            return Err(ScriptError::runtime(
                pos,
                format!("invalid operation: {op}{}", value.type_name()),
            ));
        }
    })
}

fn int_op(op: &str, a: i64, b: i64, pos: Pos) -> Eval<Option<Value>> {
    let shift = |b: i64| -> Eval<u32> {
        u32::try_from(b).map_err(|_| ScriptError::runtime(pos, format!("negative shift count {b}")))
    };
    Ok(Some(match op {
        "+" => Value::Int(a.wrapping_add(b)),
        "-" => Value::Int(a.wrapping_sub(b)),
        "*" => Value::Int(a.wrapping_mul(b)),
        "/" | "%" if b == 0 => return Err(ScriptError::runtime(pos, "division by zero")),
        "/" => Value::Int(a.wrapping_div(b)),
        "%" => Value::Int(a.wrapping_rem(b)),
        "&" => Value::Int(a & b),
        "|" => Value::Int(a | b),
        "^" => Value::Int(a ^ b),
        "&^" => Value::Int(a & !b),
        "<<" => Value::Int(a.checked_shl(shift(b)?).unwrap_or(0)),
        ">>" => Value::Int(
            a.checked_shr(shift(b)?)
                .unwrap_or(if a < 0 { -1 } else { 0 }),
        ),
        "<" => Value::Bool(a < b),
        ">" => Value::Bool(a > b),
        "<=" => Value::Bool(a <= b),
        ">=" => Value::Bool(a >= b),
        _ => return Ok(None),
    }))
}

fn float_op(op: &str, a: f64, b: f64) -> Option<Value> {
    Some(match op {
        "+" => Value::Float(a + b),
        "-" => Value::Float(a - b),
        "*" => Value::Float(a * b),
        "/" => Value::Float(a / b),
        "<" => Value::Bool(a < b),
        ">" => Value::Bool(a > b),
        "<=" => Value::Bool(a <= b),
        ">=" => Value::Bool(a >= b),
        _ => return None,
    })
}

fn index_get(container: Value, index: Value, pos: Pos) -> Eval<Value> {
    match container {
        Value::Array(items) => {
            let Value::Int(i) = index else {
                return Err(ScriptError::runtime(
                    pos,
                    format!("an array index must be an int, not a {}", index.type_name()),
                ));
            };
            // Out of range is undefined, as in Tengo (only setting fails).
            let items = items.borrow();
            Ok(usize::try_from(i)
                .ok()
                .and_then(|i| items.get(i).cloned())
                .unwrap_or(Value::Undefined))
        }
        Value::Map(map) => Ok(index
            .to_text()
            .and_then(|key| map.borrow().get(&key).cloned())
            .unwrap_or(Value::Undefined)),
        Value::Str(text) => {
            let Value::Int(i) = index else {
                return Err(ScriptError::runtime(
                    pos,
                    format!("a string index must be an int, not a {}", index.type_name()),
                ));
            };
            // Tengo indexes a string by characters.
            Ok(usize::try_from(i)
                .ok()
                .and_then(|i| text.chars().nth(i))
                .map_or(Value::Undefined, Value::Char))
        }
        // Tengo's undefined gives undefined for any index or field.
        Value::Undefined => Ok(Value::Undefined),
        other => Err(ScriptError::runtime(
            pos,
            format!("a {} cannot be indexed", other.type_name()),
        )),
    }
}

/// Run a script on `text` and read back its `matches`.
pub fn run(body: &[Stmt], text: &str, limits: Limits) -> Result<Vec<ScriptMatch>, ScriptError> {
    run_traced(body, text, limits).0
}

/// [`run`], and what the run made (all of it gone, once this returns).
fn run_traced(
    body: &[Stmt],
    text: &str,
    limits: Limits,
) -> (Result<Vec<ScriptMatch>, ScriptError>, Vec<Made>) {
    let mut interp = Interp {
        limits,
        started: std::time::Instant::now(),
        next_clock: CLOCK_EVERY,
        depth: 0,
        steps: 0,
        memory: 0,
        calls: 0,
        made: Vec::new(),
        regexes: HashMap::new(),
    };
    let globals = Rc::new(Env::default());
    globals.define("scope", Value::str(text));
    let result = interp
        .statements(body, &globals)
        .and_then(|_| read_matches(globals.get("matches"), text));
    // Break any cycles the script made, so nothing outlives the run
    // (oldest first, so each clearing drops little).
    for made in &interp.made {
        match made {
            Made::Array(weak) => {
                if let Some(array) = weak.upgrade() {
                    array.borrow_mut().clear();
                }
            }
            Made::Map(weak) => {
                if let Some(map) = weak.upgrade() {
                    map.borrow_mut().clear();
                }
            }
            Made::Env(weak) => {
                if let Some(env) = weak.upgrade() {
                    env.vars.borrow_mut().clear();
                }
            }
        }
    }
    globals.vars.borrow_mut().clear();
    (result, interp.made)
}

/// `matches` as Vale reads it: an array of maps with int `begin` and `end`
/// and an optional string `message`. Anything else in the array is an
/// error (Vale would stop); `matches` itself missing is no matches.
fn read_matches(matches: Option<Value>, text: &str) -> Result<Vec<ScriptMatch>, ScriptError> {
    let Some(Value::Array(items)) = matches else {
        return Ok(Vec::new());
    };
    let items = items.borrow();
    let mut out = Vec::with_capacity(items.len());
    let bad = |i: usize, what: String| {
        ScriptError::runtime(Pos::default(), format!("matches[{i}]: {what}"))
    };
    for (i, item) in items.iter().enumerate() {
        let Value::Map(map) = item else {
            return Err(bad(
                i,
                format!(
                    "expected a map {{begin, end}}, found a {}",
                    item.type_name()
                ),
            ));
        };
        let map = map.borrow();
        let offset = |key: &str| -> Result<usize, ScriptError> {
            match map.get(key) {
                Some(Value::Int(n)) => usize::try_from(*n)
                    .ok()
                    .filter(|n| *n <= text.len())
                    .ok_or_else(|| {
                        bad(
                            i,
                            format!("{key} {n} is outside the text (0 to {})", text.len()),
                        )
                    }),
                Some(other) => Err(bad(
                    i,
                    format!("{key} must be an int, found a {}", other.type_name()),
                )),
                None => Err(bad(i, format!("{key} is missing"))),
            }
        };
        let (mut begin, mut end) = (offset("begin")?, offset("end")?);
        if begin > end {
            return Err(bad(i, format!("begin {begin} is after end {end}")));
        }
        // Offsets are bytes; one inside a character takes the whole character.
        while !text.is_char_boundary(begin) {
            begin -= 1;
        }
        while !text.is_char_boundary(end) {
            end += 1;
        }
        let message = match map.get("message") {
            Some(Value::Str(s)) => Some(s.to_string()),
            _ => None,
        };
        out.push(ScriptMatch {
            begin,
            end,
            message,
        });
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cycles_do_not_outlive_the_run() {
        // A map that holds itself, an array in itself, and a closure kept
        // in its own scope: each would leak without the clean-up.
        let body = super::super::parse::parse(
            "m := {}\nm.self = m\na := [0]\na[0] = a\nf := func() { return f }\nmatches := [m, a, f]",
        )
        .unwrap();
        let (result, made) = run_traced(&body, "", Limits::default());
        assert!(result.is_err(), "matches holds no maps of offsets");
        assert!(made.len() >= 3);
        for made in &made {
            let alive = match made {
                Made::Array(weak) => weak.strong_count(),
                Made::Map(weak) => weak.strong_count(),
                Made::Env(weak) => weak.strong_count(),
            };
            assert_eq!(alive, 0);
        }
    }
}
