//! voice: word choice and tone against the brand's guide.

// The rules: every file here that declares `pub const FACTORY` (build.rs).
include!(concat!(env!("OUT_DIR"), "/rules/voice.rs"));
