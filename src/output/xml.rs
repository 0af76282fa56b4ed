//! Escaping for the XML formats (JUnit, checkstyle).

use std::borrow::Cow;

/// Escape `text` for an XML attribute value or element text. Line breaks
/// and tabs become character references, so attribute values keep them
/// (XML parsers turn a literal newline in an attribute into a space).
/// Characters XML 1.0 cannot carry at all become U+FFFD.
pub fn escape(text: &str) -> Cow<'_, str> {
    if !text.chars().any(needs_escape) {
        return Cow::Borrowed(text);
    }
    let mut escaped = String::with_capacity(text.len() + 16);
    for c in text.chars() {
        match c {
            '&' => escaped.push_str("&amp;"),
            '<' => escaped.push_str("&lt;"),
            '>' => escaped.push_str("&gt;"),
            '"' => escaped.push_str("&quot;"),
            '\'' => escaped.push_str("&apos;"),
            '\n' => escaped.push_str("&#10;"),
            '\r' => escaped.push_str("&#13;"),
            '\t' => escaped.push_str("&#9;"),
            c if is_forbidden(c) => escaped.push('\u{FFFD}'),
            c => escaped.push(c),
        }
    }
    Cow::Owned(escaped)
}

fn needs_escape(c: char) -> bool {
    matches!(c, '&' | '<' | '>' | '"' | '\'' | '\n' | '\r' | '\t') || is_forbidden(c)
}

/// Not allowed anywhere in an XML 1.0 document, even as a reference.
fn is_forbidden(c: char) -> bool {
    matches!(c, '\u{0}'..='\u{8}' | '\u{B}' | '\u{C}' | '\u{E}'..='\u{1F}' | '\u{FFFE}' | '\u{FFFF}')
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escapes_markup_quotes_breaks_and_forbidden_characters() {
        assert_eq!(escape("plain “text”"), "plain “text”");
        assert_eq!(
            escape("a<b> & \"c\" 'd'\ne\u{1}"),
            "a&lt;b&gt; &amp; &quot;c&quot; &apos;d&apos;&#10;e\u{FFFD}"
        );
    }
}
