//! Reading a model's review answer: JSON in the schema asked for, or
//! whatever a model that ignores the schema sends instead.
//!
//! Tolerant on the outside, strict on the inside. The answer may be wrapped
//! in a code fence or prose, cut off at the token limit, shaped as a bare
//! list, or use other key names (`text` for `quote`); every finding that can
//! be read is kept, and each one must still have a question, a quote and a
//! known question id, or it is counted as invalid and dropped. An answer with
//! no JSON in it at all is an error, so the caller can ask again.
//!
//! Pure and synchronous.

use serde::{Deserialize, Serialize};
use serde_json::Value;

use crate::guide::{Confidence, ReviewQuestion};

/// One finding as the model stated it, before anchoring. This is what the
/// cache stores per paragraph.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RawFinding {
    /// A question id the request asked.
    pub question: String,
    /// The 1-based paragraph number of the request the model pointed at.
    #[serde(default)]
    pub paragraph: Option<usize>,
    pub quote: String,
    #[serde(default)]
    pub reason: String,
    #[serde(default)]
    pub confidence: Option<Confidence>,
    #[serde(default)]
    pub rewrite: Option<String>,
}

/// What an answer held.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Answer {
    pub findings: Vec<RawFinding>,
    /// Items that looked like findings but lacked a quote or named a
    /// question that was not asked.
    pub invalid: usize,
}

/// Why an answer could not be read at all.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum AnswerError {
    #[error("the answer has no JSON in it")]
    NoJson,
    #[error("the answer's JSON has no list of findings")]
    NoFindings,
}

/// Read `text` as a review answer for `questions`.
pub fn parse(text: &str, questions: &[ReviewQuestion]) -> Result<Answer, AnswerError> {
    let text = strip_fence(text.trim());
    let items = match whole_value(text) {
        Some(value) => items_of(&value).ok_or(AnswerError::NoFindings)?,
        None => salvage(text)?,
    };
    let mut answer = Answer::default();
    for item in items {
        match finding(&item, questions) {
            Some(found) => answer.findings.push(found),
            None => answer.invalid += 1,
        }
    }
    Ok(answer)
}

/// The inside of a fenced block, if the answer has one.
fn strip_fence(text: &str) -> &str {
    let Some(start) = text.find("```") else {
        return text;
    };
    let after = &text[start + 3..];
    let body_start = after.find('\n').map_or(after.len(), |i| i + 1);
    let body = &after[body_start..];
    body[..body.find("```").unwrap_or(body.len())].trim()
}

/// The first complete JSON object or array in `text`, prose around it
/// ignored.
fn whole_value(text: &str) -> Option<Value> {
    if let Ok(value) = serde_json::from_str::<Value>(text) {
        return Some(value);
    }
    for (start, _) in text.match_indices(['{', '[']) {
        let mut stream = serde_json::Deserializer::from_str(&text[start..]).into_iter::<Value>();
        if let Some(Ok(value)) = stream.next()
            && (value.is_object() || value.is_array())
            && items_of(&value).is_some()
        {
            return Some(value);
        }
    }
    None
}

/// The finding items of a parsed answer: `{"findings": [...]}`, another key
/// holding a list of objects, a bare list, or one finding on its own.
fn items_of(value: &Value) -> Option<Vec<Value>> {
    match value {
        Value::Array(items) => Some(items.iter().filter(|i| i.is_object()).cloned().collect()),
        Value::Object(map) => {
            if let Some(Value::Array(items)) = map.get("findings") {
                return Some(items.clone());
            }
            if looks_like_finding(value) {
                return Some(vec![value.clone()]);
            }
            map.values().find_map(|inner| match inner {
                Value::Array(items) if items.iter().any(Value::is_object) => Some(items.clone()),
                _ => None,
            })
        }
        _ => None,
    }
}

fn looks_like_finding(value: &Value) -> bool {
    QUOTE_KEYS.iter().any(|key| value.get(key).is_some())
}

/// Findings from an answer that is not one JSON value: cut off at the
/// token limit, or several objects in prose. Every complete object that
/// looks like a finding is kept.
fn salvage(text: &str) -> Result<Vec<Value>, AnswerError> {
    let mut items = Vec::new();
    let mut any_json = false;
    let mut position = 0;
    while let Some(offset) = text[position..].find('{') {
        let start = position + offset;
        match balanced_object(&text[start..]).and_then(|len| {
            serde_json::from_str::<Value>(&text[start..start + len])
                .ok()
                .map(|v| (len, v))
        }) {
            Some((len, value)) if looks_like_finding(&value) => {
                any_json = true;
                items.push(value);
                position = start + len;
            }
            Some(_) => {
                any_json = true;
                position = start + 1;
            }
            None => position = start + 1,
        }
    }
    if items.is_empty() {
        let empty_list = text.contains("\"findings\"") && text.contains('[');
        return Err(if any_json || empty_list {
            AnswerError::NoFindings
        } else {
            AnswerError::NoJson
        });
    }
    Ok(items)
}

/// The length of the JSON object at the start of `text`, if it closes.
fn balanced_object(text: &str) -> Option<usize> {
    let mut depth = 0usize;
    let mut in_string = false;
    let mut escaped = false;
    for (index, byte) in text.bytes().enumerate() {
        if in_string {
            match byte {
                _ if escaped => escaped = false,
                b'\\' => escaped = true,
                b'"' => in_string = false,
                _ => {}
            }
            continue;
        }
        match byte {
            b'"' => in_string = true,
            b'{' => depth += 1,
            b'}' => {
                depth = depth.checked_sub(1)?;
                if depth == 0 {
                    return Some(index + 1);
                }
            }
            _ => {}
        }
    }
    None
}

const QUESTION_KEYS: [&str; 5] = ["question", "question_id", "id", "rule", "category"];
const QUOTE_KEYS: [&str; 5] = ["quote", "text", "span", "passage", "excerpt"];
const REASON_KEYS: [&str; 4] = ["reason", "why", "explanation", "message"];
const REWRITE_KEYS: [&str; 4] = ["rewrite", "suggestion", "suggested_rewrite", "fix"];
const PARAGRAPH_KEYS: [&str; 3] = ["paragraph", "paragraph_number", "para"];

fn first_string<'a>(item: &'a Value, keys: &[&str]) -> Option<&'a str> {
    keys.iter()
        .find_map(|key| item.get(key).and_then(Value::as_str))
        .map(str::trim)
        .filter(|text| !text.is_empty())
}

/// One item as a finding, if it names an asked question and quotes text.
fn finding(item: &Value, questions: &[ReviewQuestion]) -> Option<RawFinding> {
    let question = question_id(first_string(item, &QUESTION_KEYS)?, questions)?;
    let quote = first_string(item, &QUOTE_KEYS)?.to_owned();
    let paragraph = PARAGRAPH_KEYS.iter().find_map(|key| match item.get(key)? {
        Value::Number(n) => n.as_u64().map(|n| n as usize),
        Value::String(s) => s
            .trim()
            .trim_start_matches(['[', 'P', 'p'])
            .trim_end_matches(']')
            .parse()
            .ok(),
        _ => None,
    });
    let confidence = match item.get("confidence") {
        Some(Value::String(text)) => Confidence::parse(text),
        Some(Value::Number(n)) => n.as_f64().and_then(|n| Confidence::parse(&n.to_string())),
        _ => None,
    };
    let rewrite = first_string(item, &REWRITE_KEYS)
        .filter(|text| !text.eq_ignore_ascii_case("null") && !text.eq_ignore_ascii_case("none"))
        .map(str::to_owned);
    Some(RawFinding {
        question,
        paragraph,
        quote,
        reason: first_string(item, &REASON_KEYS).unwrap_or("").to_owned(),
        confidence,
        rewrite,
    })
}

/// The asked question a model's id means: exact, then ignoring case, a
/// `review/` prefix, spaces for dashes, or the question's title.
fn question_id(said: &str, questions: &[ReviewQuestion]) -> Option<String> {
    let simple = |text: &str| {
        text.trim()
            .trim_start_matches("review/")
            .to_lowercase()
            .replace([' ', '_'], "-")
    };
    let wanted = simple(said);
    questions
        .iter()
        .find(|q| q.id == said)
        .or_else(|| questions.iter().find(|q| q.id == wanted))
        .or_else(|| {
            questions
                .iter()
                .find(|q| q.title.as_deref().is_some_and(|t| simple(t) == wanted))
        })
        .map(|q| q.id.clone())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::guide::ReviewConfig;

    fn questions() -> Vec<ReviewQuestion> {
        ReviewConfig::default().effective_questions()
    }

    #[track_caller]
    fn read(text: &str) -> Answer {
        parse(text, &questions()).expect("readable")
    }

    #[test]
    fn the_schema_shape_reads_exactly() {
        let answer = read(
            r#"{"findings": [{"question": "puffery", "paragraph": 2, "quote": "the best tool", "reason": "No source.", "confidence": "high", "rewrite": null}]}"#,
        );
        assert_eq!(
            answer.findings,
            [RawFinding {
                question: "puffery".into(),
                paragraph: Some(2),
                quote: "the best tool".into(),
                reason: "No source.".into(),
                confidence: Some(Confidence::High),
                rewrite: None,
            }]
        );
        assert_eq!(answer.invalid, 0);
        assert_eq!(read(r#"{"findings": []}"#), Answer::default());
    }

    #[test]
    fn prose_fences_other_keys_and_bare_lists_are_read() {
        let answer = read(
            "Sure! Here is my review:\n```json\n[{\"id\": \"Vague advocacy\", \"text\": \"check it out\", \"why\": \"Says nothing.\", \"confidence\": \"Medium\", \"suggestion\": \"It cut our build time in half.\"}]\n```\nHope this helps.",
        );
        assert_eq!(answer.findings.len(), 1);
        let found = &answer.findings[0];
        assert_eq!(found.question, "vague-advocacy");
        assert_eq!(found.quote, "check it out");
        assert_eq!(found.confidence, Some(Confidence::Medium));
        assert_eq!(
            found.rewrite.as_deref(),
            Some("It cut our build time in half.")
        );
        let answer = read(
            r##"The issues: {"issues": [{"question": "review/puffery", "quote": "#1"}]} done"##,
        );
        assert_eq!(answer.findings[0].question, "puffery");
    }

    #[test]
    fn an_answer_cut_off_keeps_its_complete_findings() {
        let answer = read(
            r#"{"findings": [{"question": "puffery", "quote": "the best", "reason": "x", "confidence": "high"}, {"question": "voice", "quote": "synergy", "reason": "jar"#,
        );
        assert_eq!(answer.findings.len(), 1);
        assert_eq!(answer.findings[0].quote, "the best");
    }

    #[test]
    fn unknown_questions_and_missing_quotes_are_counted_not_kept() {
        let answer = read(
            r#"{"findings": [{"question": "grammar", "quote": "x"}, {"question": "puffery", "quote": "  "}, {"question": "puffery", "quote": "the best", "confidence": 0.9}]}"#,
        );
        assert_eq!(answer.findings.len(), 1);
        assert_eq!(answer.findings[0].confidence, Some(Confidence::High));
        assert_eq!(answer.invalid, 2);
    }

    #[test]
    fn an_answer_without_json_is_an_error() {
        let questions = questions();
        assert_eq!(
            parse("The post looks great, no issues!", &questions),
            Err(AnswerError::NoJson)
        );
        assert_eq!(
            parse(r#"{"verdict": "fine"}"#, &questions),
            Err(AnswerError::NoFindings)
        );
        assert_eq!(
            parse(r#"{"findings": [{"question": "pu"#, &questions),
            Err(AnswerError::NoFindings)
        );
    }
}
