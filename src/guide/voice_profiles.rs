//! Reading the voice profiles `[voice] profile` and `[voice] profiles`
//! name, once, when a guide loads: relative to the guide's folder, inside
//! its project (`project_files`), regular files of at most 1 MiB.

use std::path::Path;

use crate::project_files::{Project, Refusal, TEXT_FILE_LIMIT};
use crate::voice::{LoadedProfile, VoiceProfile, Voices};

/// Why a named profile could not be used: which entry, and what went wrong.
#[derive(Debug)]
pub struct LoadError {
    pub entry: String,
    pub message: String,
}

/// Read the default profile and the extra ones. A path named twice is
/// read once.
pub fn load(
    project: &Project,
    root: &Path,
    default: Option<&str>,
    extra: &[String],
) -> Result<Voices, LoadError> {
    let mut voices = Voices::default();
    let named = default.into_iter().chain(extra.iter().map(String::as_str));
    for (index, entry) in named.enumerate() {
        if let Some(existing) = voices.all.iter().position(|l| l.path == entry) {
            if index == 0 {
                voices.default = Some(existing);
            }
            continue;
        }
        let fail = |message: String| LoadError {
            entry: entry.to_owned(),
            message,
        };
        let path = project
            .resolve(root, Path::new(entry))
            .map_err(|r: Refusal| fail(r.to_string()))?;
        let text = project
            .read_text(&path, TEXT_FILE_LIMIT)
            .map_err(|r| fail(r.to_string()))?;
        let profile =
            VoiceProfile::from_toml_for_checking(&text).map_err(|e| fail(e.to_string()))?;
        if index == 0 && default.is_some() {
            voices.default = Some(voices.all.len());
        }
        voices.all.push(LoadedProfile {
            path: entry.to_owned(),
            profile,
            digest: crate::hash::stable_hash_hex(&[text.as_bytes()]),
        });
    }
    Ok(voices)
}
