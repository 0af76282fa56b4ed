//! Tengo's `text` module: Go's `strings`, `strconv` and `regexp` as
//! script functions, with Tengo's argument conversions and return shapes
//! (`re_find` gives `[[{text, begin, end}, …]]`, offsets in bytes). Every
//! function counts the bytes it reads as steps and what it builds as
//! memory.

use std::borrow::Cow;
use std::collections::BTreeMap;
use std::sync::Arc;

use super::eval::{Interp, VALUE_BYTES, Value, quote};
use super::{Pos, ScriptError};

/// The functions this module has.
pub const FUNCTIONS: &[&str] = &[
    "re_match",
    "re_find",
    "re_replace",
    "re_split",
    "compare",
    "contains",
    "contains_any",
    "count",
    "equal_fold",
    "fields",
    "has_prefix",
    "has_suffix",
    "index",
    "index_any",
    "join",
    "last_index",
    "last_index_any",
    "repeat",
    "replace",
    "substr",
    "split",
    "split_after",
    "split_after_n",
    "split_n",
    "title",
    "to_lower",
    "to_title",
    "to_upper",
    "pad_left",
    "pad_right",
    "trim",
    "trim_left",
    "trim_prefix",
    "trim_right",
    "trim_space",
    "trim_suffix",
    "atoi",
    "itoa",
    "format_bool",
    "format_int",
    "parse_bool",
    "parse_int",
    "quote",
    "unquote",
];

/// Bytes a regex function reads per evaluation step; the others search
/// with `memchr`-like loops, several times faster.
const REGEX_BYTES_PER_STEP: u64 = 32;
const BYTES_PER_STEP: u64 = 256;

struct Args<'a> {
    name: &'a str,
    values: Vec<Value>,
    pos: Pos,
}

impl Args<'_> {
    fn error(&self, message: String) -> ScriptError {
        ScriptError::runtime(self.pos, format!("text.{}: {message}", self.name))
    }

    fn count(&self, allowed: &[usize]) -> Result<(), ScriptError> {
        if allowed.contains(&self.values.len()) {
            Ok(())
        } else {
            Err(self.error(format!(
                "wrong number of arguments: want={}, got={}",
                allowed
                    .iter()
                    .map(usize::to_string)
                    .collect::<Vec<_>>()
                    .join(" or "),
                self.values.len()
            )))
        }
    }

    /// Argument `i` as text (a string as it is, without a copy).
    fn string(&self, i: usize) -> Result<Cow<'_, str>, ScriptError> {
        match self.values.get(i) {
            Some(Value::Str(s)) => Ok(Cow::Borrowed(s)),
            other => other
                .and_then(Value::to_text)
                .map(Cow::Owned)
                .ok_or_else(|| self.invalid(i, "string(compatible)")),
        }
    }

    fn int(&self, i: usize) -> Result<i64, ScriptError> {
        self.values
            .get(i)
            .and_then(Value::to_int)
            .ok_or_else(|| self.invalid(i, "int(compatible)"))
    }

    fn invalid(&self, i: usize, expected: &str) -> ScriptError {
        let ordinal = ["first", "second", "third", "fourth"]
            .get(i)
            .copied()
            .unwrap_or("an");
        let found = self.values.get(i).map_or("nothing", Value::type_name);
        self.error(format!(
            "invalid type for argument '{ordinal}': expected {expected}, found {found}"
        ))
    }
}

/// Go's `strings.SplitN`/`SplitAfterN` (`n < 0`: all; `after`: keep the
/// separator at the end of each part), at most `most` parts.
fn split(text: &str, sep: &str, n: i64, after: bool, most: usize) -> Vec<String> {
    if n == 0 {
        return Vec::new();
    }
    let limit = if n < 0 { usize::MAX } else { n as usize }.min(most);
    let mut out = Vec::new();
    if sep.is_empty() {
        let mut rest = text;
        while !rest.is_empty() {
            if out.len() + 1 == limit {
                out.push(rest.to_owned());
                return out;
            }
            let len = rest.chars().next().map_or(1, char::len_utf8);
            out.push(rest[..len].to_owned());
            rest = &rest[len..];
        }
        return out;
    }
    let mut start = 0;
    for (at, _) in text.match_indices(sep) {
        if out.len() + 1 == limit {
            break;
        }
        let end = if after { at + sep.len() } else { at };
        out.push(text[start..end].to_owned());
        start = at + sep.len();
    }
    out.push(text[start..].to_owned());
    out
}

/// Go's `strings.Replace` (`n < 0`: every occurrence).
fn replace(text: &str, old: &str, new: &str, n: i64) -> String {
    if n == 0 || old == new {
        return text.to_owned();
    }
    let limit = if n < 0 { usize::MAX } else { n as usize };
    let mut out = String::with_capacity(text.len());
    if old.is_empty() {
        // Go inserts `new` before each character and at the end.
        let mut done = 0;
        for (i, c) in text.char_indices() {
            if done < limit {
                out.push_str(new);
                done += 1;
            }
            let _ = i;
            out.push(c);
        }
        if done < limit {
            out.push_str(new);
        }
        return out;
    }
    let mut start = 0;
    for (done, (at, _)) in text.match_indices(old).enumerate() {
        if done == limit {
            break;
        }
        out.push_str(&text[start..at]);
        out.push_str(new);
        start = at + old.len();
    }
    out.push_str(&text[start..]);
    out
}

/// How many parts a split may make before its array would pass the memory
/// limit; one more than this means the limit is reached.
fn most_parts(interp: &Interp) -> usize {
    interp.memory_left() / VALUE_BYTES + 1
}

fn strings_array(interp: &mut Interp, parts: Vec<String>, pos: Pos) -> Result<Value, ScriptError> {
    let bytes: usize = parts.iter().map(String::len).sum();
    interp.charge_memory(bytes, pos)?;
    let items = parts
        .into_iter()
        .map(|p| Value::Str(Arc::from(p)))
        .collect();
    interp.new_array(items, pos)
}

fn go_error(message: String) -> Value {
    Value::error(Value::str(&message))
}

/// Call `text.<name>` with `values`.
pub fn call(
    interp: &mut Interp,
    name: &'static str,
    values: Vec<Value>,
    pos: Pos,
) -> Result<Value, ScriptError> {
    let args = Args { name, values, pos };
    // What the function reads, counted up front.
    let read: usize = args
        .values
        .iter()
        .map(|v| match v {
            Value::Str(s) => s.len(),
            Value::Array(a) => a.borrow().len() * 8,
            _ => 0,
        })
        .sum();
    let per_step = if name.starts_with("re_") {
        REGEX_BYTES_PER_STEP
    } else {
        BYTES_PER_STEP
    };
    interp.charge_steps(read as u64 / per_step, pos)?;
    let bool_of = |b: bool| Value::Bool(b);
    Ok(match name {
        "re_match" => {
            args.count(&[2])?;
            let (pattern, text) = (args.string(0)?, args.string(1)?);
            match interp.regex(&pattern, pos)? {
                Ok(re) => bool_of(re.is_match(&text)),
                Err(e) => go_error(e),
            }
        }
        "re_find" => {
            args.count(&[2, 3])?;
            let (pattern, text) = (args.string(0)?, args.string(1)?);
            let limit = if args.values.len() == 3 {
                Some(args.int(2)?)
            } else {
                None
            };
            let re = match interp.regex(&pattern, pos)? {
                Ok(re) => re,
                Err(e) => return Ok(go_error(e)),
            };
            let wanted = match limit {
                None => 1,
                Some(n) if n < 0 => usize::MAX,
                Some(n) => n as usize,
            };
            let mut found = Vec::new();
            for captures in re.captures_iter(&text).take(wanted) {
                let mut groups = Vec::new();
                for group in captures.iter() {
                    let (text, begin, end) = match group {
                        Some(m) => (m.as_str(), m.start() as i64, m.end() as i64),
                        None => ("", -1, -1),
                    };
                    let mut map = BTreeMap::new();
                    map.insert("text".to_owned(), interp.new_str(text.to_owned(), pos)?);
                    map.insert("begin".to_owned(), Value::Int(begin));
                    map.insert("end".to_owned(), Value::Int(end));
                    groups.push(interp.new_map(map, pos)?);
                }
                found.push(interp.new_array(groups, pos)?);
            }
            if found.is_empty() {
                Value::Undefined
            } else {
                interp.new_array(found, pos)?
            }
        }
        "re_replace" => {
            args.count(&[3])?;
            let (pattern, text, replacement) = (args.string(0)?, args.string(1)?, args.string(2)?);
            let re = match interp.regex(&pattern, pos)? {
                Ok(re) => re,
                Err(e) => return Ok(go_error(e)),
            };
            let mut out = String::with_capacity(text.len());
            let mut last = 0;
            for captures in re.captures_iter(&text) {
                let Some(whole) = captures.get(0) else {
                    continue;
                };
                out.push_str(&text[last..whole.start()]);
                captures.expand(&replacement, &mut out);
                last = whole.end();
                if out.len() > interp.memory_left() {
                    interp.charge_memory(out.len(), pos)?;
                }
            }
            out.push_str(&text[last..]);
            interp.new_str(out, pos)?
        }
        "re_split" => {
            args.count(&[2, 3])?;
            let (pattern, text) = (args.string(0)?, args.string(1)?);
            let n = if args.values.len() == 3 {
                args.int(2)?
            } else {
                -1
            };
            let re = match interp.regex(&pattern, pos)? {
                Ok(re) => re,
                Err(e) => return Ok(go_error(e)),
            };
            let most = most_parts(interp);
            let parts: Vec<String> = if n == 0 {
                Vec::new()
            } else if n < 0 {
                re.split(&text).take(most).map(str::to_owned).collect()
            } else {
                re.splitn(&text, n as usize)
                    .take(most)
                    .map(str::to_owned)
                    .collect()
            };
            strings_array(interp, parts, pos)?
        }
        "compare" => {
            args.count(&[2])?;
            Value::Int(match args.string(0)?.cmp(&args.string(1)?) {
                std::cmp::Ordering::Less => -1,
                std::cmp::Ordering::Equal => 0,
                std::cmp::Ordering::Greater => 1,
            })
        }
        "contains" | "has_prefix" | "has_suffix" | "equal_fold" | "contains_any" => {
            args.count(&[2])?;
            let (a, b) = (args.string(0)?, args.string(1)?);
            bool_of(match name {
                "contains" => a.contains(&*b),
                "has_prefix" => a.starts_with(&*b),
                "has_suffix" => a.ends_with(&*b),
                "equal_fold" => a.to_lowercase() == b.to_lowercase(),
                _ => a.contains(|c| b.contains(c)),
            })
        }
        "count" => {
            args.count(&[2])?;
            let (a, b) = (args.string(0)?, args.string(1)?);
            Value::Int(if b.is_empty() {
                a.chars().count() as i64 + 1
            } else {
                a.matches(&*b).count() as i64
            })
        }
        "index" | "last_index" | "index_any" | "last_index_any" => {
            args.count(&[2])?;
            let (a, b) = (args.string(0)?, args.string(1)?);
            let found = match name {
                "index" => a.find(&*b),
                "last_index" => a.rfind(&*b),
                "index_any" => a.find(|c| b.contains(c)),
                _ => a.rfind(|c| b.contains(c)),
            };
            Value::Int(found.map_or(-1, |i| i as i64))
        }
        "fields" => {
            args.count(&[1])?;
            let text = args.string(0)?;
            let parts = text
                .split_whitespace()
                .take(most_parts(interp))
                .map(str::to_owned)
                .collect();
            strings_array(interp, parts, pos)?
        }
        "split" | "split_after" => {
            args.count(&[2])?;
            let most = most_parts(interp);
            let parts = split(
                &args.string(0)?,
                &args.string(1)?,
                -1,
                name == "split_after",
                most,
            );
            strings_array(interp, parts, pos)?
        }
        "split_n" | "split_after_n" => {
            args.count(&[3])?;
            let most = most_parts(interp);
            let parts = split(
                &args.string(0)?,
                &args.string(1)?,
                args.int(2)?,
                name == "split_after_n",
                most,
            );
            strings_array(interp, parts, pos)?
        }
        "join" => {
            args.count(&[2])?;
            let Some(Value::Array(items)) = args.values.first() else {
                return Err(args.invalid(0, "array"));
            };
            let parts: Vec<String> = items.borrow().iter().map(Value::display).collect();
            let joined = parts.join(&args.string(1)?);
            interp.new_str(joined, pos)?
        }
        "repeat" => {
            args.count(&[2])?;
            let (text, n) = (args.string(0)?, args.int(1)?);
            let n = usize::try_from(n).map_err(|_| args.error(format!("negative count {n}")))?;
            let size = text.len().saturating_mul(n);
            interp.charge_memory(size, pos)?;
            interp.charge_steps(size as u64 / BYTES_PER_STEP, pos)?;
            Value::Str(Arc::from(text.repeat(n)))
        }
        "replace" => {
            args.count(&[4])?;
            let (text, old, new) = (args.string(0)?, args.string(1)?, args.string(2)?);
            let n = args.int(3)?;
            // At most this long, checked before it is built.
            let most = text.len() + (text.len() + 1).saturating_mul(new.len());
            if most > interp.memory_left() {
                let count = if old.is_empty() {
                    text.chars().count() + 1
                } else {
                    text.matches(&*old).count()
                };
                let size = text.len() + count.saturating_mul(new.len());
                interp.charge_memory(size, pos)?;
            }
            let replaced = replace(&text, &old, &new, n);
            interp.new_str(replaced, pos)?
        }
        "substr" => {
            args.count(&[2, 3])?;
            let text = args.string(0)?;
            let len = text.len() as i64;
            let low = args.int(1)?;
            let high = if args.values.len() == 3 {
                args.int(2)?
            } else {
                len
            };
            if low > high {
                return Err(args.error(format!("invalid index: {low} > {high}")));
            }
            let (low, high) = (low.clamp(0, len) as usize, high.clamp(0, len) as usize);
            let part = String::from_utf8_lossy(&text.as_bytes()[low..high]).into_owned();
            interp.new_str(part, pos)?
        }
        "title" | "to_lower" | "to_title" | "to_upper" | "trim_space" => {
            args.count(&[1])?;
            let text = args.string(0)?;
            let out = match name {
                "to_lower" => text.to_lowercase(),
                "to_upper" | "to_title" => text.to_uppercase(),
                "trim_space" => text.trim().to_owned(),
                _ => title(&text),
            };
            interp.new_str(out, pos)?
        }
        "trim" | "trim_left" | "trim_right" | "trim_prefix" | "trim_suffix" => {
            args.count(&[2])?;
            let (text, set) = (args.string(0)?, args.string(1)?);
            let cut = |c: char| set.contains(c);
            let out = match name {
                "trim" => text.trim_matches(cut),
                "trim_left" => text.trim_start_matches(cut),
                "trim_right" => text.trim_end_matches(cut),
                "trim_prefix" => text.strip_prefix(&*set).unwrap_or(&text),
                _ => text.strip_suffix(&*set).unwrap_or(&text),
            }
            .to_owned();
            interp.new_str(out, pos)?
        }
        "pad_left" | "pad_right" => {
            args.count(&[2, 3])?;
            let text = args.string(0)?;
            let width = usize::try_from(args.int(1)?).unwrap_or(0);
            let pad = if args.values.len() == 3 {
                args.string(2)?
            } else {
                Cow::Borrowed(" ")
            };
            if text.len() >= width || pad.is_empty() {
                interp.new_str(text.into_owned(), pos)?
            } else {
                interp.charge_memory(width, pos)?;
                let fill = pad.repeat((width - text.len()) / pad.len() + 1);
                let out = if name == "pad_left" {
                    let whole = format!("{fill}{text}");
                    String::from_utf8_lossy(&whole.as_bytes()[whole.len() - width..]).into_owned()
                } else {
                    let whole = format!("{text}{fill}");
                    String::from_utf8_lossy(&whole.as_bytes()[..width]).into_owned()
                };
                Value::Str(Arc::from(out))
            }
        }
        "atoi" => {
            args.count(&[1])?;
            let text = args.string(0)?;
            match text.parse::<i64>() {
                Ok(n) => Value::Int(n),
                Err(_) => go_error(format!(
                    "strconv.Atoi: parsing {}: invalid syntax",
                    quote(&text)
                )),
            }
        }
        "itoa" => {
            args.count(&[1])?;
            let n = args.int(0)?;
            interp.new_str(n.to_string(), pos)?
        }
        "format_bool" => {
            args.count(&[1])?;
            match args.values.first() {
                Some(Value::Bool(b)) => Value::str(if *b { "true" } else { "false" }),
                _ => return Err(args.invalid(0, "bool")),
            }
        }
        "format_int" => {
            args.count(&[2])?;
            let (n, base) = (args.int(0)?, args.int(1)?);
            if !(2..=36).contains(&base) {
                return Err(args.error(format!("invalid base {base}")));
            }
            interp.new_str(to_base(n, base as u32), pos)?
        }
        "parse_bool" => {
            args.count(&[1])?;
            let text = args.string(0)?;
            match &*text {
                "1" | "t" | "T" | "TRUE" | "true" | "True" => Value::Bool(true),
                "0" | "f" | "F" | "FALSE" | "false" | "False" => Value::Bool(false),
                _ => go_error(format!(
                    "strconv.ParseBool: parsing {}: invalid syntax",
                    quote(&text)
                )),
            }
        }
        "parse_int" => {
            args.count(&[3])?;
            let (text, base) = (args.string(0)?, args.int(1)?);
            let base = if base == 0 { 10 } else { base };
            match u32::try_from(base)
                .ok()
                .filter(|b| (2..=36).contains(b))
                .and_then(|b| i64::from_str_radix(&text, b).ok())
            {
                Some(n) => Value::Int(n),
                None => go_error(format!(
                    "strconv.ParseInt: parsing {}: invalid syntax",
                    quote(&text)
                )),
            }
        }
        "quote" => {
            args.count(&[1])?;
            let quoted = quote(&args.string(0)?);
            interp.new_str(quoted, pos)?
        }
        "unquote" => {
            args.count(&[1])?;
            let text = args.string(0)?;
            match super::lex::tokens(&text).ok().as_deref() {
                Some(
                    [
                        super::lex::Token {
                            tok: super::lex::Tok::Str(s),
                            ..
                        },
                        ..,
                    ],
                ) if text.starts_with(['"', '`']) && text.ends_with(['"', '`']) => {
                    interp.new_str(s.clone(), pos)?
                }
                _ => go_error("invalid syntax".to_owned()),
            }
        }
        other => return Err(args.error(format!("“{other}” is not in the text module"))),
    })
}

fn title(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut start = true;
    for c in text.chars() {
        if start && c.is_alphabetic() {
            out.extend(c.to_uppercase());
        } else {
            out.push(c);
        }
        start = !c.is_alphanumeric() && c != '_' && c != '\'';
    }
    out
}

fn to_base(n: i64, base: u32) -> String {
    if n == 0 {
        return "0".to_owned();
    }
    let mut digits = Vec::new();
    let mut rest = n.unsigned_abs();
    while rest > 0 {
        let digit = (rest % u64::from(base)) as u32;
        digits.push(char::from_digit(digit, base).unwrap_or('?'));
        rest /= u64::from(base);
    }
    if n < 0 {
        digits.push('-');
    }
    digits.iter().rev().collect()
}
