//! The INI dialect of `.vale.ini`, as Vale's Go INI library reads it.
//!
//! Keys are `key = value` (or `key: value`); `#` and `;` start a comment at
//! the start of a line, or after a space inside one; values may be quoted.
//! A key written twice keeps every value (Vale's "shadows"), so list keys
//! such as `BasedOnStyles` can be split over lines. Sections with the same
//! name are one section. Keys before the first `[section]` belong to the
//! global section, named "".

/// One `key = value` line.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Entry {
    pub key: String,
    pub value: String,
    /// 1-based line in the file.
    pub line: usize,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Section {
    /// "" for the global section, else the text between the brackets.
    pub name: String,
    pub line: usize,
    pub entries: Vec<Entry>,
}

impl Section {
    /// Every value given for `key`, in file order.
    pub fn values(&self, key: &str) -> impl Iterator<Item = &Entry> {
        self.entries.iter().filter(move |entry| entry.key == key)
    }

    /// The last value given for `key`.
    pub fn last(&self, key: &str) -> Option<&Entry> {
        self.values(key).last()
    }

    /// Every value of `key`, split on commas, trimmed, empty items dropped.
    pub fn list(&self, key: &str) -> Vec<String> {
        let mut out: Vec<String> = Vec::new();
        for entry in self.values(key) {
            for item in split_list(&entry.value) {
                if !out.contains(&item) {
                    out.push(item);
                }
            }
        }
        out
    }
}

/// Split a comma-separated value. Commas inside `(`…`)`, `[`…`]` or `{`…`}`
/// do not split, so a regex such as `a{1,3}` stays whole.
pub fn split_list(value: &str) -> Vec<String> {
    let mut items = Vec::new();
    let mut depth = 0i32;
    let mut current = String::new();
    let mut escaped = false;
    for c in value.chars() {
        if escaped {
            current.push(c);
            escaped = false;
            continue;
        }
        match c {
            '\\' => {
                escaped = true;
                current.push(c);
            }
            '(' | '[' | '{' => {
                depth += 1;
                current.push(c);
            }
            ')' | ']' | '}' => {
                depth -= 1;
                current.push(c);
            }
            ',' if depth <= 0 => {
                items.push(std::mem::take(&mut current));
            }
            _ => current.push(c),
        }
    }
    items.push(current);
    items
        .into_iter()
        .map(|item| item.trim().to_owned())
        .filter(|item| !item.is_empty())
        .collect()
}

/// A line the parser could not read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct IniError {
    pub line: usize,
    pub message: String,
}

pub fn parse(text: &str) -> Result<Vec<Section>, IniError> {
    let mut sections = vec![Section {
        name: String::new(),
        line: 1,
        entries: Vec::new(),
    }];
    let mut current = 0;
    for (index, raw) in text.lines().enumerate() {
        let line_number = index + 1;
        let line = raw.trim_start_matches('\u{feff}').trim();
        if line.is_empty() || line.starts_with('#') || line.starts_with(';') {
            continue;
        }
        if let Some(rest) = line.strip_prefix('[') {
            let Some(end) = rest.rfind(']') else {
                return Err(IniError {
                    line: line_number,
                    message: format!("unclosed section header “{line}”"),
                });
            };
            let name = rest[..end].trim().to_owned();
            current = match sections.iter().position(|s| s.name == name) {
                Some(found) => found,
                None => {
                    sections.push(Section {
                        name,
                        line: line_number,
                        entries: Vec::new(),
                    });
                    sections.len() - 1
                }
            };
            continue;
        }
        let Some(split) = line.find(['=', ':']) else {
            return Err(IniError {
                line: line_number,
                message: format!("expected “key = value”, found “{line}”"),
            });
        };
        let key = line[..split].trim().to_owned();
        if key.is_empty() {
            return Err(IniError {
                line: line_number,
                message: format!("missing key before “{}”", &line[split..]),
            });
        }
        let value = clean_value(line[split + 1..].trim());
        sections[current].entries.push(Entry {
            key,
            value,
            line: line_number,
        });
    }
    Ok(sections)
}

/// Strip quotes and an inline comment (` #…` or ` ;…`).
fn clean_value(value: &str) -> String {
    for quote in ["\"\"\"", "\"", "`"] {
        if let Some(rest) = value.strip_prefix(quote)
            && let Some(end) = rest.find(quote)
        {
            return rest[..end].to_owned();
        }
    }
    let bytes = value.as_bytes();
    let mut end = value.len();
    for i in 1..bytes.len() {
        if (bytes[i] == b'#' || bytes[i] == b';') && bytes[i - 1].is_ascii_whitespace() {
            end = i;
            break;
        }
    }
    value[..end].trim().to_owned()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sections_keys_comments_and_shadows() {
        let text = "StylesPath = styles # where\nMinAlertLevel = suggestion\n\n[*.{md,txt}]\n; comment\nBasedOnStyles = Vale, Google\nBasedOnStyles = write-good\nGoogle.We = NO\n\n[*.md]\nTokenIgnores = (\\$+[^\\n$]+\\$+), (:math:`.*`)\n";
        let sections = parse(text).unwrap();
        assert_eq!(sections[0].last("StylesPath").unwrap().value, "styles");
        let md_txt = &sections[1];
        assert_eq!(md_txt.name, "*.{md,txt}");
        assert_eq!(
            md_txt.list("BasedOnStyles"),
            ["Vale", "Google", "write-good"]
        );
        assert_eq!(md_txt.last("Google.We").unwrap().line, 8);
        assert_eq!(
            sections[2].list("TokenIgnores"),
            ["(\\$+[^\\n$]+\\$+)", "(:math:`.*`)"]
        );
    }

    #[test]
    fn a_line_without_a_key_is_an_error_with_its_line() {
        let error = parse("StylesPath = styles\nnonsense\n").unwrap_err();
        assert_eq!(error.line, 2);
    }
}
