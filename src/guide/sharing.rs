//! `[sharing]`: who posts, where, and what must never go out. Read by the
//! `share/*` rules. Key names are part of the product: renaming one breaks
//! users' guides.

use std::collections::BTreeMap;
use std::fmt;

use serde::{Deserialize, Deserializer, Serialize, Serializer};

use super::merge::{Merge, merge_by_replacing, mergeable};
use super::{GuideError, TermEntry};

/// How the author relates to the organisation the post is about.
#[derive(
    Debug, Clone, Copy, Default, PartialEq, Eq, Hash, Serialize, Deserialize, schemars::JsonSchema,
)]
#[serde(rename_all = "lowercase")]
pub enum AuthorRelationship {
    /// Works for the organisation: posts about it need a disclosure.
    Employee,
    /// Paid to post for the organisation: posts about it need a disclosure.
    Agency,
    /// No tie to the organisation (the default).
    #[default]
    Independent,
}

impl AuthorRelationship {
    pub fn parse(text: &str) -> Option<AuthorRelationship> {
        match text.trim().to_ascii_lowercase().as_str() {
            "employee" => Some(AuthorRelationship::Employee),
            "agency" => Some(AuthorRelationship::Agency),
            "independent" => Some(AuthorRelationship::Independent),
            _ => None,
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            AuthorRelationship::Employee => "employee",
            AuthorRelationship::Agency => "agency",
            AuthorRelationship::Independent => "independent",
        }
    }
}

/// How a platform counts a post's length.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(rename_all = "kebab-case")]
pub enum Counting {
    /// Unicode characters (code points).
    Characters,
    /// User-perceived characters (extended grapheme clusters), like Bluesky.
    Graphemes,
    /// X's weighted count: NFC, URLs 23, emoji 2, most non-Latin text 2.
    XWeighted,
    /// Mastodon's: characters, every URL 23, a remote mention counts only
    /// its `@user` part.
    Mastodon,
}

mergeable! {
    /// `[sharing.limits.NAME]`: a platform's limits, overriding the built-in
    /// table or defining a platform copydesk does not know.
    #[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
    #[serde(deny_unknown_fields)]
    pub struct PlatformLimits {
        /// How length is counted (default for a new platform: characters).
        pub counting: Option<Counting>,
        /// share/length-limit: the longest post, in the platform's counting.
        pub max_chars: Option<usize>,
        /// share/hashtags: more than this many hashtags is flagged.
        pub max_hashtags: Option<usize>,
        /// share/mentions: more than this many @mentions is flagged.
        pub max_mentions: Option<usize>,
        /// share/links: more than this many links is flagged.
        pub max_links: Option<usize>,
        /// Characters shown before "… more"; a disclosure must sit before it.
        pub fold_chars: Option<usize>,
    }
}

merge_by_replacing!(AuthorRelationship, Counting);

/// Per-platform limits layer key by key, under the platform's name in
/// lower case.
fn merge_limits(
    ours: &mut BTreeMap<String, PlatformLimits>,
    theirs: BTreeMap<String, PlatformLimits>,
) {
    for (name, limits) in theirs {
        ours.entry(name.to_ascii_lowercase())
            .or_default()
            .merge(limits);
    }
}

/// A calendar date, written in the guide as a TOML date (`2027-01-15`) or a
/// string (`"2027-01-15"`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Date {
    pub year: i32,
    pub month: u32,
    pub day: u32,
}

impl Date {
    /// Parse `YYYY-MM-DD`.
    pub fn parse(text: &str) -> Option<Date> {
        let mut parts = text.trim().splitn(3, '-');
        let year: i32 = parts.next()?.parse().ok()?;
        let month: u32 = parts.next()?.parse().ok()?;
        let day: u32 = parts.next()?.parse().ok()?;
        let days_in_month = match month {
            1 | 3 | 5 | 7 | 8 | 10 | 12 => 31,
            4 | 6 | 9 | 11 => 30,
            2 if year % 4 == 0 && (year % 100 != 0 || year % 400 == 0) => 29,
            2 => 28,
            _ => return None,
        };
        (1..=days_in_month)
            .contains(&day)
            .then_some(Date { year, month, day })
    }

    pub fn from_tuple((year, month, day): (i32, u32, u32)) -> Date {
        Date { year, month, day }
    }
}

impl fmt::Display for Date {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:04}-{:02}-{:02}", self.year, self.month, self.day)
    }
}

impl Serialize for Date {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(&self.to_string())
    }
}

impl<'de> Deserialize<'de> for Date {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Date, D::Error> {
        // A TOML date arrives as a datetime value; a string as a string.
        let value = toml::Value::deserialize(deserializer)?;
        let text = match &value {
            toml::Value::Datetime(datetime) => datetime.to_string(),
            toml::Value::String(text) => text.clone(),
            _ => String::new(),
        };
        Date::parse(&text).ok_or_else(|| {
            serde::de::Error::custom(format!(
                "expected a date like 2027-01-15, found {}",
                if text.is_empty() {
                    value.to_string()
                } else {
                    text
                }
            ))
        })
    }
}

impl schemars::JsonSchema for Date {
    fn schema_name() -> std::borrow::Cow<'static, str> {
        "Date".into()
    }

    fn json_schema(_: &mut schemars::SchemaGenerator) -> schemars::Schema {
        // TOML tools check a bare TOML date against a string with this
        // format; a quoted "2027-01-15" is accepted too.
        schemars::json_schema!({
            "type": "string",
            "format": "date",
            "description": "A day, like 2027-01-15",
        })
    }
}

/// `[[sharing.embargo]]`: a term that must not appear before a date.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Embargo {
    pub term: String,
    /// The embargo lifts at the start of this day (UTC): the term is flagged
    /// before it and allowed from it on.
    pub until: Date,
    #[serde(default)]
    pub why: Option<String>,
}

mergeable! {
    /// `[sharing]`.
    #[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
    #[serde(deny_unknown_fields)]
    pub struct SharingConfig {
        /// Platforms a post is for when neither its front matter nor
        /// `--platform` says. With `posts` set, only files inside those folders
        /// count as posts for these platforms.
        #[serde(default)]
        pub platforms: Vec<String>,
        /// Folders (or files), relative to the guide, that hold social posts:
        /// when set, `platforms` applies only to files inside them, so a blog
        /// post elsewhere is not checked as a tweet.
        #[serde(default)]
        pub posts: Vec<String>,
        /// The author's relationship to the organisation when the post's front
        /// matter does not say (default: independent).
        pub author: Option<AuthorRelationship>,
        /// Names of the organisation and its products.
        #[serde(default)]
        pub employer: Vec<String>,
        /// Accepted employee disclosures ("#AcmeEmployee", "I work at Acme").
        #[serde(default)]
        pub disclosure: Vec<String>,
        /// Codenames and terms that must never appear.
        #[serde(default)]
        pub confidential: Vec<String>,
        #[serde(default)]
        pub competitors: Vec<String>,
        /// Files or folders of curated key messages, relative to the guide.
        #[serde(default)]
        pub key_messages: Vec<String>,
        #[serde(default)]
        pub embargo: Vec<Embargo>,
        /// Per-platform limits, over the built-in table.
        #[serde(default)]
        @merge(merge_limits)
        pub limits: BTreeMap<String, PlatformLimits>,
        /// Hashtags as the brand writes them ("#CustomerAdvocacy"): share/hashtags
        /// fixes an all-lowercase spelling of one of these.
        #[serde(default)]
        pub hashtags: Vec<String>,
        /// Contact details share/personal-data accepts (a public press address).
        #[serde(default)]
        pub allow_personal_data: Vec<String>,
        /// share/sensitive-topic's lexicon (rows add to the built-in one; the
        /// top-level `allow` list trims it).
        #[serde(default)]
        pub sensitive_topics: Vec<TermEntry>,
        /// share/unsubstantiated-claim's phrases; `why` says what source a
        /// claim needs.
        #[serde(default)]
        pub claims: Vec<TermEntry>,
        /// share/reputation's negative judgements ("scam", "fraud").
        #[serde(default)]
        pub negative_judgements: Vec<TermEntry>,
    }
}

impl SharingConfig {
    /// Checks serde cannot make: platform names.
    pub(super) fn validate(&self, name: &str, text: &str) -> Result<(), GuideError> {
        for platform in &self.platforms {
            let known = super::platforms::builtin(platform).is_some()
                || self.limits.contains_key(&platform.to_ascii_lowercase());
            if !known {
                let offset = text
                    .find(&format!("\"{platform}\""))
                    .or_else(|| text.find(platform.as_str()))
                    .unwrap_or(0);
                return Err(GuideError::at(
                    name,
                    text,
                    offset,
                    format!(
                        "unknown platform “{platform}” in [sharing] platforms: expected one of {}, or define it under [sharing.limits.{platform}]",
                        super::platforms::known_names()
                    ),
                ));
            }
        }
        Ok(())
    }
}
