use std::ops::Range;
use std::sync::LazyLock;

use regex::Regex;

use crate::declare_rule;
use crate::finding::{Finding, Severity};
use crate::guide::Guide;
use crate::rules::{DocumentContext, Rule, RuleFactory, RuleMeta};

declare_rule! {
    /// ## What it does
    /// Flags personal data and secrets in a post: email addresses, phone
    /// numbers (E.164 and common national formats), payment-card numbers
    /// (Luhn-checked), IBANs (checksum-checked), and secrets (API keys such
    /// as `sk-…`, `ghp_…`, `AKIA…`, Slack and Google keys, private-key
    /// blocks). It looks everywhere in the post, code included. Messages
    /// and source excerpts mask the value (`j***@example.com`, `sk-…f3a9`)
    /// in every output format. The one exception is `--diff`: it is a patch
    /// of the writer's own file, so it shows the lines as they are (masked,
    /// `git apply` and `patch` would reject it).
    ///
    /// ## Why is this bad?
    /// A post is public and copied within minutes. A phone number or an
    /// address exposes a person; a card number, an IBAN or an API key is a
    /// leak to fix at once (revoke the key: deleting the post is too late).
    ///
    /// ## Example
    /// ```markdown
    /// Questions? Call Jo on +44 20 7946 0958 or mail jo.bloggs@example.com.
    /// ```
    ///
    /// ## Use instead
    /// ```markdown
    /// Questions? Write to press@example.com.
    /// ```
    ///
    /// ## Fix safety
    /// No fix: the value has to go, and a secret has to be revoked.
    ///
    /// ## Options
    /// `[sharing] allow_personal_data = ["press@example.com", "+1 800 555 0100"]`
    /// accepts public contact details (emails match in any case, phone
    /// numbers by their digits). Role addresses (`press@`, `support@`,
    /// `sponsor@`, `security-team@`, `noreply@`…) are public contact points
    /// and never flagged, nor is an address the post links as a contact
    /// (`[Jo](mailto:jo@…)`: published on purpose, wherever else the post
    /// writes it), nor one at a domain reserved for examples
    /// (`example.com`, `.test`). Each value is reported once, where it first
    /// appears, with how many times the post holds it. Emails and phone
    /// numbers are warnings; cards, IBANs and secrets are errors.
    ///
    /// ## When it runs
    /// On every document, social post or not, code included: a leak is a leak
    /// wherever it is published.
    pub static META = {
        id: "share/personal-data",
        category: Share,
        severity: Error,
        fixable: No,
    }
}

pub const FACTORY: RuleFactory = RuleFactory { meta: &META, build };

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    Email,
    Phone,
    Card,
    Iban,
    Secret,
    PrivateKey,
}

/// A value found in a text, with its masked form.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Found {
    pub kind: Kind,
    pub range: Range<usize>,
    pub masked: String,
}

/// Role addresses are an organisation's public contact points, not a
/// person's data.
const ROLE_ADDRESSES: &[&str] = &[
    "info",
    "hello",
    "hi",
    "contact",
    "press",
    "media",
    "news",
    "sales",
    "support",
    "help",
    "careers",
    "jobs",
    "recruiting",
    "team",
    "marketing",
    "partners",
    "partnerships",
    "privacy",
    "security",
    "legal",
    "billing",
    "feedback",
    "events",
    "office",
    "admin",
    "noreply",
    "no-reply",
    "newsletter",
    "community",
    "investors",
    "ir",
    "pr",
    "enquiries",
    "inquiries",
    "service",
    "customerservice",
    "webmaster",
    "postmaster",
    "hostmaster",
    "abuse",
    "accessibility",
    "sponsor",
    "sponsors",
    "sponsorship",
    "sponsorships",
    "donate",
    "donations",
    "foundation",
    "board",
    "council",
    "committee",
    "conduct",
    "coc",
    "moderators",
    "mods",
    "maintainers",
    "core",
    "devrel",
    "social",
    "editor",
    "editors",
    "editorial",
    "announce",
    "announcements",
    "helpdesk",
    "orders",
    "returns",
    "membership",
    "members",
    "volunteers",
    "speakers",
    "cfp",
    "talent",
    "hr",
    "donotreply",
    "do-not-reply",
    "notifications",
    "bounce",
    "mailer-daemon",
    "all",
    "everyone",
    "staff",
    "list",
    "lists",
    "funding",
    "fundraising",
    "grants",
    "donors",
];

/// Domains reserved for documentation and tests (RFC 2606, RFC 6761): an
/// address there belongs to no one.
fn is_reserved_domain(domain: &str) -> bool {
    let domain = domain.trim_end_matches('.');
    ["example.com", "example.net", "example.org"]
        .iter()
        .any(|reserved| domain == *reserved || domain.ends_with(&format!(".{reserved}")))
        || [".example", ".test", ".invalid", ".localhost"]
            .iter()
            .any(|tld| domain.ends_with(tld))
}

/// Whether an address's local part names a role (`press`, `security-team`,
/// `no-reply`), not a person: the whole part, or one of its `.`/`-`/`_`/`+`
/// separated words, is a role word.
fn is_role_address(local: &str) -> bool {
    ROLE_ADDRESSES.contains(&local)
        || local
            .split(['.', '-', '_', '+'])
            .any(|word| ROLE_ADDRESSES.contains(&word))
}

// Patterns use ASCII word boundaries and digits: these shapes are ASCII, and
// a Unicode `\b` keeps the regex crate off its fast DFA on any text with a
// curly quote in it, which made this scan most of a run's time.
static EMAIL: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"[A-Za-z0-9._%+\-]+@[A-Za-z0-9\-]+(?:\.[A-Za-z0-9\-]+)*\.[A-Za-z]{2,}")
        .expect("email pattern is valid")
});

static SECRET: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(concat!(
        r"(?-u:\b)sk-(?:[A-Za-z0-9]+-)*[A-Za-z0-9_\-]{20,}",
        r"|(?-u:\b)(?:sk|rk|pk)_live_[A-Za-z0-9]{16,}",
        r"|(?-u:\b)gh[pousr]_[A-Za-z0-9]{30,}",
        r"|(?-u:\b)github_pat_[A-Za-z0-9_]{22,}",
        r"|(?-u:\b)(?:AKIA|ASIA)[0-9A-Z]{16}(?-u:\b)",
        r"|(?-u:\b)AIza[0-9A-Za-z_\-]{35}",
        r"|(?-u:\b)xox[abposr]-[A-Za-z0-9\-]{10,}",
        r"|(?-u:\b)glpat-[A-Za-z0-9_\-]{20,}",
    ))
    .expect("secret pattern is valid")
});

static PRIVATE_KEY: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"-----BEGIN (?:[A-Z0-9]+ )*PRIVATE KEY-----").expect("key pattern is valid")
});

/// 13 to 19 digits, in groups separated by single spaces or dashes.
static CARD: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?-u:\b)[0-9](?:[ \-]?[0-9]){12,18}(?-u:\b)").expect("card pattern is valid")
});

static IBAN: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?-u:\b)[A-Z]{2}[0-9]{2}(?: ?[A-Z0-9]{4}){2,7}(?: ?[A-Z0-9]{1,3})?(?-u:\b)")
        .expect("IBAN pattern is valid")
});

static PHONE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(concat!(
        // International: +44 20 7946 0958, +1 (415) 555-0100, 0044 20 …
        r"(?:\+|(?-u:\b)00)[1-9][0-9]{0,3}(?:[ .\-]?\(?[0-9]{1,5}\)?){2,6}",
        // North American: (415) 555-0100, 415-555-0100, 1-800-555-0100
        r"|(?:(?-u:\b)1[ .\-])?(?:\([0-9]{3}\) ?|(?-u:\b)[0-9]{3}[.\-])[0-9]{3}[.\-][0-9]{4}(?-u:\b)",
        // National with a trunk 0: 020 7946 0958, 07700 900123, 01 23 45 67 89
        r"|(?-u:\b)0[1-9][0-9]{0,4}(?:[ .\-][0-9]{2,6}){1,4}(?-u:\b)",
    ))
    .expect("phone pattern is valid")
});

struct PersonalData {
    allowed_emails: Vec<String>,
    allowed_digits: Vec<String>,
    allowed_exact: Vec<String>,
}

fn build(guide: &Guide) -> Box<dyn Rule> {
    let allow = &guide.config.sharing.allow_personal_data;
    Box::new(PersonalData {
        allowed_emails: allow
            .iter()
            .filter(|a| a.contains('@'))
            .map(|a| a.trim().to_ascii_lowercase())
            .collect(),
        allowed_digits: allow
            .iter()
            .map(|a| digits(a))
            .filter(|d| d.len() >= 6)
            .collect(),
        allowed_exact: allow.iter().map(|a| a.trim().to_owned()).collect(),
    })
}

impl PersonalData {
    fn allowed(&self, kind: Kind, value: &str) -> bool {
        match kind {
            Kind::Email => {
                let lower = value.to_ascii_lowercase();
                let (local, domain) = lower.split_once('@').unwrap_or((&lower, ""));
                is_role_address(local)
                    || is_reserved_domain(domain)
                    || self.allowed_emails.contains(&lower)
            }
            Kind::Phone => self.allowed_digits.contains(&digits(value)),
            _ => self.allowed_exact.iter().any(|a| a == value),
        }
    }
}

impl Rule for PersonalData {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn check_document(&self, cx: &DocumentContext, out: &mut Vec<Finding>) {
        let document = cx.document;
        let text = document.text();
        let body_start = document.front_matter.as_ref().map_or(0, |f| f.span.end);
        let Some(body) = text.get(body_start..) else {
            return;
        };
        let comments: Vec<Range<usize>> = document
            .comments
            .iter()
            .map(|c| c.start.saturating_sub(body_start)..c.end.saturating_sub(body_start))
            .collect();
        let all: Vec<Found> = scan(body)
            .into_iter()
            .filter(|found| {
                !comments
                    .iter()
                    .any(|c| c.start <= found.range.start && found.range.end <= c.end)
                    && !self.allowed(found.kind, &body[found.range.clone()])
            })
            .collect();
        // An address the post links as a contact (`mailto:`) is published
        // on purpose, wherever else the post writes it.
        let published: Vec<String> = all
            .iter()
            .filter(|f| f.kind == Kind::Email && is_contact_link(body, &f.range))
            .map(|f| identity(f.kind, &body[f.range.clone()]))
            .collect();
        // Each value is reported once, where it first appears.
        let mut reported: Vec<(Kind, String)> = Vec::new();
        for found in &all {
            let key = identity(found.kind, &body[found.range.clone()]);
            if found.kind == Kind::Email && published.contains(&key) {
                continue;
            }
            if reported
                .iter()
                .any(|(kind, k)| *kind == found.kind && *k == key)
            {
                continue;
            }
            reported.push((found.kind, key.clone()));
            let times = all
                .iter()
                .filter(|other| {
                    other.kind == found.kind
                        && identity(other.kind, &body[other.range.clone()]) == key
                })
                .count();
            let (mut message, severity) = message(found);
            if times > 1 {
                message.push_str(&format!(" ({times} times in the post)"));
            }
            let span = found.range.start + body_start..found.range.end + body_start;
            let mut finding = Finding::new(META.id, span, severity, message);
            finding.sensitive = true;
            out.push(finding.with_note(Some(note(found.kind).to_owned())));
        }
    }
}

/// What makes two findings the same value: an address in any case, a
/// phone number by its digits.
fn identity(kind: Kind, value: &str) -> String {
    match kind {
        Kind::Email => value.to_ascii_lowercase(),
        Kind::Phone | Kind::Card => digits(value),
        _ => value.to_owned(),
    }
}

/// Whether the address at `range` is part of a contact link: its target
/// (`mailto:` or the `mail-to:` slip right before it), or its text
/// (`[jo@…](mailto:…)`, `<a href="mailto:…">jo@…</a>`).
fn is_contact_link(text: &str, range: &Range<usize>) -> bool {
    let head =
        crate::document::line_index::floor_char_boundary(text, range.start.saturating_sub(300));
    let before = text[head..range.start].to_ascii_lowercase();
    let after = &text[range.end..];
    if before.ends_with("mailto:") || before.ends_with("mail-to:") {
        return true;
    }
    if before.ends_with('[') && after.to_ascii_lowercase().starts_with("](mailto:") {
        return true;
    }
    // The text of an HTML anchor whose href is a mailto link.
    before.ends_with('>')
        && before.rfind("<a ").is_some_and(|open| {
            let tag = &before[open..];
            !tag[..tag.len() - 1].contains('>') && tag.contains("mailto:")
        })
}

fn message(found: &Found) -> (String, Severity) {
    let masked = &found.masked;
    match found.kind {
        Kind::Email => (
            format!("Email address “{masked}” would be public"),
            Severity::Warning,
        ),
        Kind::Phone => (
            format!("Phone number “{masked}” would be public"),
            Severity::Warning,
        ),
        Kind::Card => (
            format!("Payment card number “{masked}” in the post"),
            Severity::Error,
        ),
        Kind::Iban => (
            format!("Bank account number (IBAN) “{masked}” in the post"),
            Severity::Error,
        ),
        Kind::Secret => (
            format!("Secret “{masked}” (an API key or token) in the post"),
            Severity::Error,
        ),
        Kind::PrivateKey => ("Private key block in the post".to_owned(), Severity::Error),
    }
}

fn note(kind: Kind) -> &'static str {
    match kind {
        Kind::Email | Kind::Phone => {
            "Remove it, or use a public contact and add it to [sharing] allow_personal_data"
        }
        Kind::Card | Kind::Iban => "Remove it: account numbers must never be posted",
        Kind::Secret | Kind::PrivateKey => {
            "Revoke it now (removing the post is not enough), then remove it"
        }
    }
}

/// Every email, phone number, card, IBAN and secret in `text`, without
/// overlaps (secrets first, then cards, IBANs, emails, phones).
pub fn scan(text: &str) -> Vec<Found> {
    let mut found: Vec<Found> = Vec::new();
    let push = |found: &mut Vec<Found>, kind: Kind, range: Range<usize>| {
        if found
            .iter()
            .any(|f| f.range.start < range.end && range.start < f.range.end)
        {
            return;
        }
        let masked = mask(kind, &text[range.clone()]);
        found.push(Found {
            kind,
            range,
            masked,
        });
    };
    // Cheap tests first: most posts hold no key header, no key prefix, no
    // '@', and too few digits for a card, an IBAN or a phone number.
    let bytes = text.as_bytes();
    if memchr::memmem::find(bytes, b"-----BEGIN").is_some() {
        for hit in PRIVATE_KEY.find_iter(text) {
            push(&mut found, Kind::PrivateKey, hit.range());
        }
    }
    if SECRET_PREFIXES.is_match(text) {
        for hit in SECRET.find_iter(text) {
            push(&mut found, Kind::Secret, hit.range());
        }
    }
    let digits_in_text = bytes.iter().filter(|b| b.is_ascii_digit()).count();
    if digits_in_text < MIN_DIGITS {
        scan_emails(text, &mut found, push);
        found.sort_by_key(|f| f.range.start);
        return found;
    }
    for hit in CARD.find_iter(text) {
        if in_url(text, hit.range()) || !consistent_groups(hit.as_str()) {
            continue;
        }
        let number = digits(hit.as_str());
        if matches!(number.as_bytes()[0], b'2'..=b'6') && luhn(&number) {
            push(&mut found, Kind::Card, hit.range());
        }
    }
    for hit in IBAN.find_iter(text) {
        if !in_url(text, hit.range()) && iban_valid(hit.as_str()) {
            push(&mut found, Kind::Iban, hit.range());
        }
    }
    scan_emails(text, &mut found, push);
    for hit in PHONE.find_iter(text) {
        let range = trim_phone(text, hit.range());
        if is_phone(text, range.clone()) {
            push(&mut found, Kind::Phone, range);
        }
    }
    found.sort_by_key(|f| f.range.start);
    found
}

/// The fewest digits any card, IBAN or phone number the scan reports holds.
const MIN_DIGITS: usize = 7;

/// Prefixes every secret shape in [`SECRET`] starts with.
static SECRET_PREFIXES: LazyLock<aho_corasick::AhoCorasick> = LazyLock::new(|| {
    aho_corasick::AhoCorasick::new([
        "sk-",
        "sk_live_",
        "rk_live_",
        "pk_live_",
        "ghp_",
        "gho_",
        "ghu_",
        "ghs_",
        "ghr_",
        "github_pat_",
        "AKIA",
        "ASIA",
        "AIza",
        "xoxa-",
        "xoxb-",
        "xoxp-",
        "xoxo-",
        "xoxs-",
        "xoxr-",
        "glpat-",
    ])
    .expect("secret prefixes build")
});

fn scan_emails(
    text: &str,
    found: &mut Vec<Found>,
    push: impl Fn(&mut Vec<Found>, Kind, Range<usize>),
) {
    if memchr::memchr(b'@', text.as_bytes()).is_none() {
        return;
    }
    for hit in EMAIL.find_iter(text) {
        let before = text[..hit.start()].chars().next_back();
        // `@ana@social.example` is a Mastodon handle, not an address.
        if before.is_some_and(|c| c.is_alphanumeric() || matches!(c, '/' | '@'))
            || in_url(text, hit.range())
        {
            continue;
        }
        push(found, Kind::Email, hit.range());
    }
}

/// Drop a closing parenthesis the pattern took without its opener.
fn trim_phone(text: &str, mut range: Range<usize>) -> Range<usize> {
    let value = &text[range.clone()];
    if value.ends_with(')') && value.matches('(').count() < value.matches(')').count() {
        range.end -= 1;
    }
    range
}

fn is_phone(text: &str, range: Range<usize>) -> bool {
    let value = &text[range.clone()];
    let count = value.bytes().filter(u8::is_ascii_digit).count();
    let before = text[..range.start].chars().next_back();
    let after = text[range.end..].chars().next();
    let glued = before.is_some_and(|c| {
        c.is_alphanumeric() || matches!(c, '/' | '=' | '#' | '.' | ',' | '-' | '_')
    }) || after.is_some_and(|c| c.is_alphanumeric() || c == '%');
    if glued || in_url(text, range) {
        return false;
    }
    let international = value.starts_with('+') || value.starts_with("00");
    if international {
        return (8..=15).contains(&count);
    }
    if value.starts_with('0') {
        // A date or a version (01.02.2024, 0.5.1) is not a phone number.
        let dotted = value.contains('.');
        let two_digit_groups = value.split(['.', ' ', '-']).all(|group| group.len() == 2);
        return (10..=11).contains(&count) && (!dotted || two_digit_groups);
    }
    count == 10 || count == 11
}

/// Groups of a card number are all separated the same way, and sized as
/// cards print them (4s, or 4-6-5 for Amex).
fn consistent_groups(value: &str) -> bool {
    let has_space = value.contains(' ');
    let has_dash = value.contains('-');
    if !has_space && !has_dash {
        return true;
    }
    if has_space && has_dash {
        return false;
    }
    let groups: Vec<usize> = value.split([' ', '-']).map(str::len).collect();
    let last = groups.len() - 1;
    groups
        .iter()
        .enumerate()
        .all(|(i, &len)| len == 4 || (i == last && (1..=4).contains(&len)))
        || groups == [4, 6, 5]
        || groups == [4, 6, 4]
}

/// Whether `range` sits inside a URL (a token holding `://` or `www.`).
fn in_url(text: &str, range: Range<usize>) -> bool {
    let start = text[..range.start]
        .rfind(|c: char| c.is_whitespace() || matches!(c, '(' | '<' | '[' | '"'))
        .map_or(0, |i| i + 1);
    let end = text[range.end..]
        .find(|c: char| c.is_whitespace() || matches!(c, ')' | '>' | ']' | '"'))
        .map_or(text.len(), |i| range.end + i);
    let token = &text[start..end];
    token.contains("://") || token.starts_with("www.")
}

fn digits(value: &str) -> String {
    value.chars().filter(char::is_ascii_digit).collect()
}

pub fn luhn(number: &str) -> bool {
    let mut sum = 0;
    for (i, byte) in number.bytes().rev().enumerate() {
        let mut digit = u32::from(byte - b'0');
        if i % 2 == 1 {
            digit *= 2;
            if digit > 9 {
                digit -= 9;
            }
        }
        sum += digit;
    }
    sum % 10 == 0
}

pub fn iban_valid(value: &str) -> bool {
    let compact: String = value.chars().filter(|c| !c.is_whitespace()).collect();
    if !(15..=34).contains(&compact.len()) {
        return false;
    }
    let (head, tail) = compact.split_at(4);
    let mut remainder: u32 = 0;
    for c in tail.chars().chain(head.chars()) {
        let value = match c {
            '0'..='9' => u32::from(c) - u32::from('0'),
            'A'..='Z' => u32::from(c) - u32::from('A') + 10,
            _ => return false,
        };
        remainder = if value >= 10 {
            (remainder * 100 + value) % 97
        } else {
            (remainder * 10 + value) % 97
        };
    }
    remainder == 1
}

/// A masked form that names the value without giving it away.
pub fn mask(kind: Kind, value: &str) -> String {
    let last = |n: usize| -> String {
        let chars: Vec<char> = value.chars().filter(|c| c.is_alphanumeric()).collect();
        chars[chars.len().saturating_sub(n)..].iter().collect()
    };
    match kind {
        Kind::Email => {
            let (local, domain) = value.split_once('@').unwrap_or((value, ""));
            let first: String = local.chars().take(1).collect();
            format!("{first}***@{domain}")
        }
        Kind::Phone => {
            let prefix = if value.starts_with('+') { "+" } else { "" };
            format!("{prefix}…{}", last(2))
        }
        Kind::Card => format!("…{}", last(4)),
        Kind::Iban => format!("{}…{}", &value[..2], last(4)),
        Kind::Secret => {
            let prefix_len = value
                .find(['-', '_'])
                .map_or(4, |i| i + 1)
                .min(value.len() / 3);
            format!("{}…{}", &value[..prefix_len], last(4))
        }
        Kind::PrivateKey => "-----BEGIN … PRIVATE KEY-----".to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn kinds(text: &str) -> Vec<(Kind, String)> {
        scan(text)
            .into_iter()
            .map(|f| (f.kind, text[f.range].to_owned()))
            .collect()
    }

    #[test]
    fn finds_each_kind() {
        assert_eq!(
            kinds("Mail jo.bloggs@example.com or call +44 20 7946 0958."),
            [
                (Kind::Email, "jo.bloggs@example.com".to_owned()),
                (Kind::Phone, "+44 20 7946 0958".to_owned())
            ]
        );
        assert_eq!(
            kinds("Call (415) 555-0100 or 020 7946 0958 today"),
            [
                (Kind::Phone, "(415) 555-0100".to_owned()),
                (Kind::Phone, "020 7946 0958".to_owned())
            ]
        );
        assert_eq!(
            kinds("Card 4111 1111 1111 1111, IBAN GB82 WEST 1234 5698 7654 32."),
            [
                (Kind::Card, "4111 1111 1111 1111".to_owned()),
                (Kind::Iban, "GB82 WEST 1234 5698 7654 32".to_owned())
            ]
        );
        assert_eq!(
            kinds("E.164: +442079460958, national: 07700 900123"),
            [
                (Kind::Phone, "+442079460958".to_owned()),
                (Kind::Phone, "07700 900123".to_owned())
            ]
        );
        let key = "sk-proj-abcDEF1234567890xyzQRS7f3a9";
        assert_eq!(
            kinds(&format!("key={key}")),
            [(Kind::Secret, key.to_owned())]
        );
        assert_eq!(
            kinds("AKIAIOSFODNN7EXAMPLE and ghp_0123456789abcdefghijABCDEFGHIJ012345"),
            [
                (Kind::Secret, "AKIAIOSFODNN7EXAMPLE".to_owned()),
                (
                    Kind::Secret,
                    "ghp_0123456789abcdefghijABCDEFGHIJ012345".to_owned()
                )
            ]
        );
    }

    #[test]
    fn ordinary_numbers_are_not_personal_data() {
        for text in [
            "Revenue grew 12% in 2024-2025 to $1,234,567.",
            "Released on 2026-01-15 at 10:30, version 1.2.3.",
            "Order 4111 1111 1111 1112 failed the Luhn check.",
            "See https://x.com/acme/status/1234567890123456789 for more.",
            "Call volume rose from 1000 to 2000 to 3000 calls.",
            "ISBN 978-0-306-40615-7 is a book.",
            "We hit 10,000,000 downloads and 250 000 users.",
            "Meet at 01.02.2024 for the v0.12.3 release.",
        ] {
            assert_eq!(kinds(text), [], "{text}");
        }
    }

    #[test]
    fn masks_never_hold_the_value() {
        assert_eq!(mask(Kind::Email, "jo@example.com"), "j***@example.com");
        assert_eq!(
            mask(Kind::Secret, "sk-proj-abcDEF1234567890xyzQRS7f3a9"),
            "sk-…f3a9"
        );
        assert_eq!(mask(Kind::Card, "4111 1111 1111 1111"), "…1111");
        assert_eq!(mask(Kind::Phone, "+44 20 7946 0958"), "+…58");
    }

    #[test]
    fn luhn_and_iban_checksums() {
        assert!(luhn("4111111111111111"));
        assert!(!luhn("4111111111111112"));
        assert!(iban_valid("GB82 WEST 1234 5698 7654 32"));
        assert!(!iban_valid("GB82 WEST 1234 5698 7654 33"));
    }
}
