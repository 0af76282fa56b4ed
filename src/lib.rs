//! copydesk: a copy editor for brand voice and sharing guidelines.
//!
//! The core ([`document`], [`guide`], [`rules`], [`check`], [`fix`], [`diff`])
//! does no IO and never panics on user input: it turns text and a guide into
//! findings and fixes with byte spans. The edges ([`cli`], [`files`],
//! [`output`]) read files, print, and convert positions for their consumers.

pub mod check;
pub mod cli;
pub mod diff;
pub mod document;
pub mod files;
pub mod finding;
pub mod fix;
pub mod guide;
pub mod hash;
pub mod llm;
pub mod output;
pub mod project_files;
pub mod resolve;
pub mod result_cache;
pub mod rules;
pub mod score;
pub mod serve;
pub mod server;
pub mod text;
pub mod vale;
pub mod voice;
pub mod wording;

pub use check::{CheckOptions, Checker};
pub use document::{Document, DocumentKind};
pub use finding::{Finding, Severity};
pub use fix::{Applicability, Edit, Fix, Provenance};
pub use guide::Guide;
