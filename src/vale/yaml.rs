//! A lenient YAML reader for Vale rule files.
//!
//! Vale reads its rules with Go's YAML v2 decoder, which forgives things a
//! strict YAML 1.2 parser rejects, and real style packages depend on that:
//! a key written twice (the later one wins) and a backslash before a
//! character YAML has no escape for (`"\."` in a double-quoted regex). This
//! module builds a small tree from yaml-rust2's event stream, keeping the
//! last value of a repeated key, and retries once with unknown escapes in
//! double-quoted scalars doubled when the first parse fails on one.
//!
//! Scalars keep their text: YAML 1.1 turned `yes`/`no`/`on`/`off` into
//! booleans, which would corrupt swap tables such as `on: onto`, so types
//! are read on demand by the caller.

use yaml_rust2::parser::{Event, MarkedEventReceiver, Parser};
use yaml_rust2::scanner::{Marker, ScanError, TScalarStyle};

/// A YAML node. Mappings keep their keys in file order.
#[derive(Debug, Clone, PartialEq)]
pub enum Value {
    /// A scalar, as written; `plain` when it was not quoted.
    Scalar {
        text: String,
        plain: bool,
    },
    List(Vec<Value>),
    Map(Vec<(String, Value)>),
}

impl Value {
    /// The text of a scalar; `None` for null, lists and maps.
    pub fn as_str(&self) -> Option<&str> {
        match self {
            Value::Scalar { text, plain } if *plain && is_null(text) => None,
            Value::Scalar { text, .. } => Some(text),
            _ => None,
        }
    }

    pub fn as_bool(&self) -> Option<bool> {
        match self {
            Value::Scalar { text, .. } => match text.to_ascii_lowercase().as_str() {
                "true" | "yes" | "on" | "y" => Some(true),
                "false" | "no" | "off" | "n" => Some(false),
                _ => None,
            },
            _ => None,
        }
    }

    pub fn as_f64(&self) -> Option<f64> {
        self.as_str().and_then(|text| text.trim().parse().ok())
    }

    pub fn get(&self, key: &str) -> Option<&Value> {
        match self {
            Value::Map(entries) => entries.iter().rev().find(|(k, _)| k == key).map(|(_, v)| v),
            _ => None,
        }
    }

    /// A scalar or a list of scalars, as strings (Vale accepts both for
    /// `scope`, `tokens`, `exceptions`).
    pub fn as_strings(&self) -> Vec<String> {
        match self {
            Value::List(items) => items
                .iter()
                .filter_map(|item| item.as_str().map(str::to_owned))
                .collect(),
            other => other.as_str().map(str::to_owned).into_iter().collect(),
        }
    }

    pub fn is_null(&self) -> bool {
        matches!(self, Value::Scalar { text, plain: true } if is_null(text))
    }
}

fn is_null(text: &str) -> bool {
    matches!(text, "" | "~" | "null" | "Null" | "NULL")
}

/// A parse failure, with a 1-based line.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct YamlError {
    pub line: usize,
    pub message: String,
}

/// Parse the first document of `text`. An empty file is an empty map.
pub fn parse(text: &str) -> Result<Value, YamlError> {
    match parse_strict(text) {
        Ok(value) => Ok(value),
        Err(error) if error.info().contains("unknown escape") => {
            parse_strict(&double_unknown_escapes(text)).map_err(to_error)
        }
        Err(error) => Err(to_error(error)),
    }
}

fn to_error(error: ScanError) -> YamlError {
    YamlError {
        line: error.marker().line(),
        message: error.info().to_owned(),
    }
}

fn parse_strict(text: &str) -> Result<Value, ScanError> {
    let mut builder = Builder::default();
    let mut parser = Parser::new_from_str(text);
    parser.load(&mut builder, false)?;
    Ok(builder.root.unwrap_or(Value::Map(Vec::new())))
}

#[derive(Default)]
struct Builder {
    /// Open collections: the node, a map's pending key, the anchor id.
    stack: Vec<(Value, Option<String>, usize)>,
    root: Option<Value>,
    anchors: Vec<(usize, Value)>,
}

impl Builder {
    fn push_node(&mut self, node: Value, anchor: usize) {
        if anchor > 0 {
            self.anchors.push((anchor, node.clone()));
        }
        match self.stack.last_mut() {
            None => {
                if self.root.is_none() {
                    self.root = Some(node);
                }
            }
            Some((Value::List(items), _, _)) => items.push(node),
            Some((Value::Map(entries), pending, _)) => match pending.take() {
                None => *pending = Some(key_text(&node)),
                Some(key) => {
                    // A repeated key: the later value wins, as in Vale.
                    entries.retain(|(existing, _)| *existing != key);
                    entries.push((key, node));
                }
            },
            Some((Value::Scalar { .. }, _, _)) => {}
        }
    }
}

fn key_text(node: &Value) -> String {
    match node {
        Value::Scalar { text, .. } => text.clone(),
        other => format!("{other:?}"),
    }
}

impl MarkedEventReceiver for Builder {
    fn on_event(&mut self, event: Event, _mark: Marker) {
        match event {
            Event::Scalar(text, style, anchor, _tag) => {
                let plain = style == TScalarStyle::Plain;
                self.push_node(Value::Scalar { text, plain }, anchor);
            }
            Event::SequenceStart(anchor, _) => {
                self.stack.push((Value::List(Vec::new()), None, anchor))
            }
            Event::MappingStart(anchor, _) => {
                self.stack.push((Value::Map(Vec::new()), None, anchor))
            }
            Event::SequenceEnd | Event::MappingEnd => {
                if let Some((node, _, anchor)) = self.stack.pop() {
                    self.push_node(node, anchor);
                }
            }
            Event::Alias(id) => {
                let node = self
                    .anchors
                    .iter()
                    .rev()
                    .find(|(anchor, _)| *anchor == id)
                    .map_or_else(
                        || Value::Scalar {
                            text: String::new(),
                            plain: true,
                        },
                        |(_, v)| v.clone(),
                    );
                self.push_node(node, 0);
            }
            Event::Nothing
            | Event::StreamStart
            | Event::StreamEnd
            | Event::DocumentStart
            | Event::DocumentEnd => {}
        }
    }
}

/// Double every backslash in a double-quoted scalar that does not start a
/// YAML escape, so `"\."` reads as the two characters `\.`, as Vale reads it.
fn double_unknown_escapes(text: &str) -> String {
    const ESCAPES: &[char] = &[
        '0', 'a', 'b', 't', '\t', 'n', 'v', 'f', 'r', 'e', ' ', '"', '/', '\\', 'N', '_', 'L', 'P',
        'x', 'u', 'U', '\n',
    ];
    let mut out = String::with_capacity(text.len() + 16);
    let mut in_double = false;
    let mut in_single = false;
    let mut in_comment = false;
    let mut chars = text.chars().peekable();
    let mut previous = '\n';
    while let Some(c) = chars.next() {
        if c == '\n' {
            in_comment = false;
        }
        if in_comment {
            out.push(c);
            previous = c;
            continue;
        }
        if in_double {
            if c == '\\' {
                match chars.peek() {
                    Some(next) if ESCAPES.contains(next) => {
                        out.push(c);
                        if let Some(next) = chars.next() {
                            out.push(next);
                            previous = next;
                        }
                        continue;
                    }
                    _ => out.push('\\'),
                }
            } else if c == '"' {
                in_double = false;
            }
        } else if in_single {
            if c == '\'' {
                in_single = false;
            }
        } else if c == '"' {
            in_double = true;
        } else if c == '\'' && !previous.is_alphanumeric() {
            in_single = true;
        } else if c == '#' && (previous == ' ' || previous == '\n' || previous == '\t') {
            in_comment = true;
        }
        out.push(c);
        previous = c;
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn repeated_keys_keep_the_last_value() {
        let value = parse("message: one\nlevel: error\nmessage: two\n").unwrap();
        assert_eq!(value.get("message").and_then(Value::as_str), Some("two"));
        assert_eq!(value.get("level").and_then(Value::as_str), Some("error"));
    }

    #[test]
    fn unknown_escapes_read_as_written() {
        let value = parse("tokens:\n  - \"e\\.g\\.\"\n  - \"tab\\there\"\n").unwrap();
        assert_eq!(
            value.get("tokens").map(Value::as_strings),
            Some(vec!["e\\.g\\.".to_owned(), "tab\there".to_owned()])
        );
    }

    #[test]
    fn scalars_keep_their_text() {
        let value = parse("swap:\n  on: onto\n  'it''s': it is\nignorecase: yes\n").unwrap();
        let swap = value.get("swap").unwrap();
        assert_eq!(swap.get("on").and_then(Value::as_str), Some("onto"));
        assert_eq!(swap.get("it's").and_then(Value::as_str), Some("it is"));
        assert_eq!(value.get("ignorecase").and_then(Value::as_bool), Some(true));
    }

    #[test]
    fn broken_yaml_reports_its_line() {
        let error = parse("message: ok\ntokens: [a, b\nlevel: error\n").unwrap_err();
        assert!(error.line >= 2, "{error:?}");
    }
}
