//! Which profile is in effect for a post, and where that choice came from:
//! what `doctor`, hover, the page header and the drift note tell the writer.

use super::{LoadedProfile, UnknownProfile, Voices};
use crate::document::Document;

/// Where the profile in effect for a post was chosen.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ProfileSource {
    /// The guide's `[voice] profile`, for every post.
    Guide,
    /// The post's own front matter, `voice_profile:`.
    FrontMatter,
}

impl ProfileSource {
    /// Short, for JSON: `guide` or `front matter`.
    pub fn as_str(self) -> &'static str {
        match self {
            ProfileSource::Guide => "guide",
            ProfileSource::FrontMatter => "front matter",
        }
    }

    /// In words, after the profile's name.
    pub fn describe(self) -> &'static str {
        match self {
            ProfileSource::Guide => "the guide's [voice] profile",
            ProfileSource::FrontMatter => "this post's front matter (voice_profile)",
        }
    }
}

/// The profile in effect for one post.
#[derive(Debug, Clone, Copy)]
pub struct InEffect<'a> {
    pub loaded: &'a LoadedProfile,
    pub source: ProfileSource,
}

impl InEffect<'_> {
    /// `Voice profile “dana” (voices/dana.toml), from the guide's [voice] profile`.
    pub fn describe(&self) -> String {
        format!(
            "Voice profile “{}” ({}), from {}",
            self.loaded.profile.name,
            self.loaded.path,
            self.source.describe()
        )
    }
}

impl Voices {
    /// The profile in effect for `document`: its front matter's
    /// `voice_profile:` when it has one (see [`Voices::select`]), else the
    /// guide's default. `Ok(None)` when none is (or the post turned it off).
    pub fn for_document(
        &self,
        document: &Document,
    ) -> Result<Option<InEffect<'_>>, UnknownProfile> {
        let choice = document.front_matter_value("voice_profile");
        let source = if choice.is_some() {
            ProfileSource::FrontMatter
        } else {
            ProfileSource::Guide
        };
        Ok(self
            .select(choice)?
            .map(|loaded| InEffect { loaded, source }))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::document::DocumentKind;
    use crate::voice::loaded::tests::voices;

    fn described(voices: &Voices, text: &str) -> Option<String> {
        let document = Document::parse(text, DocumentKind::Markdown);
        voices
            .for_document(&document)
            .expect("known profile")
            .map(|found| found.describe())
    }

    #[test]
    fn names_the_profile_and_where_it_was_chosen() {
        let v = voices();
        assert_eq!(
            described(&v, "Hello there.\n").as_deref(),
            Some("Voice profile “dana” (voices/dana.toml), from the guide's [voice] profile")
        );
        assert_eq!(
            described(&v, "---\nvoice_profile: sam\n---\nHello there.\n").as_deref(),
            Some(
                "Voice profile “sam” (voices/sam.toml), from this post's front matter (voice_profile)"
            )
        );
        assert_eq!(described(&v, "---\nvoice_profile: none\n---\nHi.\n"), None);
        let unknown = Document::parse(
            "---\nvoice_profile: kim\n---\nHi.\n",
            DocumentKind::Markdown,
        );
        assert!(v.for_document(&unknown).is_err());
    }
}
