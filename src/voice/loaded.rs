//! The profiles a guide loaded, and which one applies to a post.

use super::VoiceProfile;

/// A profile as the guide named it.
#[derive(Debug, Clone, PartialEq)]
pub struct LoadedProfile {
    /// The path as the guide wrote it (`voices/dana.toml`).
    pub path: String,
    pub profile: VoiceProfile,
    /// A stable hash of the file's text, for the guide's own hash (so the
    /// result cache notices an edited profile without re-serialising it).
    pub digest: String,
}

/// Every profile a guide loaded: `[voice] profile` (the default for every
/// post) and `[voice] profiles` (picked per post with `voice_profile:`).
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Voices {
    /// Index into `all` of `[voice] profile`.
    pub default: Option<usize>,
    pub all: Vec<LoadedProfile>,
}

/// What a post's front matter asked for that the guide cannot give.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UnknownProfile(pub String);

impl Voices {
    /// The profile in effect for a post whose front matter says
    /// `voice_profile: <choice>` (a profile's name, or its path as the guide
    /// names it; `none` or `false` turns voice/drift off), or the guide's
    /// default without a choice.
    pub fn select(
        &self,
        choice: Option<&serde_json::Value>,
    ) -> Result<Option<&LoadedProfile>, UnknownProfile> {
        let Some(choice) = choice else {
            return Ok(self.default.and_then(|i| self.all.get(i)));
        };
        let wanted = match choice {
            serde_json::Value::Bool(false) | serde_json::Value::Null => return Ok(None),
            serde_json::Value::String(s) => s.trim(),
            other => return Err(UnknownProfile(other.to_string())),
        };
        if wanted.eq_ignore_ascii_case("none") {
            return Ok(None);
        }
        let normalise = |p: &str| p.trim_start_matches("./").replace('\\', "/");
        self.all
            .iter()
            .find(|l| l.profile.name == wanted || normalise(&l.path) == normalise(wanted))
            .map(Some)
            .ok_or_else(|| UnknownProfile(wanted.to_owned()))
    }

    pub fn is_empty(&self) -> bool {
        self.all.is_empty()
    }
}

#[cfg(test)]
pub(super) mod tests {
    use super::*;
    use crate::document::{Document, DocumentKind};

    /// Two profiles, "dana" (the default) and "sam".
    pub(crate) fn voices() -> Voices {
        let posts: Vec<Document> = (0..3)
            .map(|i| {
                Document::parse(
                    format!("Post {i}. We write short sentences here. ").repeat(40),
                    DocumentKind::Markdown,
                )
            })
            .collect();
        let profile = |name: &str| crate::voice::learn(name, &posts, 100).expect("enough text");
        Voices {
            default: Some(0),
            all: vec![
                LoadedProfile {
                    path: "voices/dana.toml".to_owned(),
                    profile: profile("dana"),
                    digest: "dana".to_owned(),
                },
                LoadedProfile {
                    path: "voices/sam.toml".to_owned(),
                    profile: profile("sam"),
                    digest: "sam".to_owned(),
                },
            ],
        }
    }

    fn chosen(
        voices: &Voices,
        choice: Option<serde_json::Value>,
    ) -> Result<Option<String>, UnknownProfile> {
        voices
            .select(choice.as_ref())
            .map(|found| found.map(|l| l.profile.name.clone()))
    }

    #[test]
    fn front_matter_picks_by_name_or_path_or_turns_it_off() {
        let v = voices();
        assert_eq!(chosen(&v, None), Ok(Some("dana".to_owned())));
        assert_eq!(chosen(&v, Some("sam".into())), Ok(Some("sam".to_owned())));
        assert_eq!(
            chosen(&v, Some("./voices/sam.toml".into())),
            Ok(Some("sam".to_owned()))
        );
        assert_eq!(chosen(&v, Some("none".into())), Ok(None));
        assert_eq!(chosen(&v, Some(false.into())), Ok(None));
        assert_eq!(
            chosen(&v, Some("kim".into())),
            Err(UnknownProfile("kim".to_owned()))
        );
        assert_eq!(chosen(&Voices::default(), None), Ok(None));
    }
}
