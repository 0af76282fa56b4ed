//! YAML (`---`) and TOML (`+++`) front matter at the start of a Markdown file.

use std::ops::Range;

use serde_json::{Map, Value};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FrontMatterFormat {
    Yaml,
    Toml,
}

#[derive(Debug, Clone, PartialEq)]
pub struct FrontMatter {
    pub format: FrontMatterFormat,
    /// The whole block, fences included.
    pub span: Range<usize>,
    /// The parsed mapping; empty when it could not be parsed.
    pub data: Map<String, Value>,
    /// Why the block could not be parsed, if it could not.
    pub error: Option<String>,
}

/// Find front matter at the start of `text`; returns it and where the body
/// starts (0 when there is none).
pub(super) fn detect(text: &str) -> (Option<FrontMatter>, usize) {
    let body = text.strip_prefix('\u{feff}').unwrap_or(text);
    let bom = text.len() - body.len();
    let (format, fence) = if body.starts_with("---") {
        (FrontMatterFormat::Yaml, "---")
    } else if body.starts_with("+++") {
        (FrontMatterFormat::Toml, "+++")
    } else {
        return (None, 0);
    };
    let first_line_end = body.find('\n').map_or(body.len(), |i| i + 1);
    if body[..first_line_end].trim_end() != fence {
        return (None, 0);
    }
    let mut line_start = first_line_end;
    while line_start < body.len() {
        let line_end = body[line_start..]
            .find('\n')
            .map_or(body.len(), |i| line_start + i + 1);
        let line = body[line_start..line_end].trim_end();
        let closes = line == fence || (format == FrontMatterFormat::Yaml && line == "...");
        if closes {
            let content = &body[first_line_end..line_start];
            let (data, error) = match format {
                FrontMatterFormat::Yaml => parse_yaml(content),
                FrontMatterFormat::Toml => parse_toml(content),
            };
            let front_matter = FrontMatter {
                format,
                span: bom..bom + line_end,
                data,
                error,
            };
            return (Some(front_matter), bom + line_end);
        }
        line_start = line_end;
    }
    (None, 0)
}

fn parse_yaml(content: &str) -> (Map<String, Value>, Option<String>) {
    match yaml_rust2::YamlLoader::load_from_str(content) {
        Ok(documents) => match documents.into_iter().next().map(yaml_to_json) {
            Some(Value::Object(map)) => (map, None),
            None | Some(Value::Null) => (Map::new(), None),
            Some(_) => (Map::new(), Some("front matter is not a mapping".to_owned())),
        },
        Err(error) => (Map::new(), Some(error.to_string())),
    }
}

fn parse_toml(content: &str) -> (Map<String, Value>, Option<String>) {
    match toml::from_str::<Value>(content) {
        Ok(Value::Object(map)) => (map, None),
        Ok(_) => (Map::new(), Some("front matter is not a table".to_owned())),
        Err(error) => (Map::new(), Some(error.message().to_owned())),
    }
}

/// Convert a YAML value to JSON, the shape every consumer reads.
pub fn yaml_to_json(yaml: yaml_rust2::Yaml) -> Value {
    use yaml_rust2::Yaml;
    match yaml {
        Yaml::Real(text) => text
            .parse::<f64>()
            .ok()
            .and_then(serde_json::Number::from_f64)
            .map_or(Value::String(text), Value::Number),
        Yaml::Integer(value) => Value::from(value),
        Yaml::String(text) => Value::String(text),
        Yaml::Boolean(value) => Value::Bool(value),
        Yaml::Array(items) => Value::Array(items.into_iter().map(yaml_to_json).collect()),
        Yaml::Hash(hash) => Value::Object(
            hash.into_iter()
                .map(|(key, value)| (yaml_key(key), yaml_to_json(value)))
                .collect(),
        ),
        Yaml::Alias(_) | Yaml::Null | Yaml::BadValue => Value::Null,
    }
}

fn yaml_key(key: yaml_rust2::Yaml) -> String {
    match yaml_to_json(key) {
        Value::String(text) => text,
        other => other.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn yaml_and_toml_front_matter() {
        let text = "---\nplatforms: [x, linkedin]\nsponsored: true\n---\nBody";
        let (yaml, body) = detect(text);
        let yaml = yaml.unwrap();
        assert_eq!(&text[body..], "Body");
        assert_eq!(yaml.data["platforms"], serde_json::json!(["x", "linkedin"]));
        assert_eq!(yaml.data["sponsored"], serde_json::json!(true));
        let (toml, _) = detect("+++\nplatform = \"x\"\n+++\n");
        assert_eq!(toml.unwrap().data["platform"], serde_json::json!("x"));
    }

    #[test]
    fn broken_or_unclosed_front_matter() {
        let (broken, _) = detect("---\nkey: [unclosed\n---\nBody");
        assert!(broken.unwrap().error.is_some());
        assert_eq!(detect("---\nno close\n").1, 0);
        assert_eq!(detect("----\nnot a fence\n----\n").1, 0);
    }
}
