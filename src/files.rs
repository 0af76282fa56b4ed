//! Reading and writing the files the CLI checks. The only module of the core
//! crate besides `guide` that touches the file system.
//!
//! Reading refuses, with a typed error, what is not a draft: anything but a
//! regular file (a FIFO is never opened, so never blocks), files over the
//! size limit, binary files (NUL bytes), text that is neither UTF-8 nor
//! UTF-16 with a byte-order mark. A UTF-8 byte-order mark is not part of the
//! text; fixes are written back in the file's own encoding, mark included.
//!
//! Writing keeps the file as it was apart from its text: a symbolic link
//! stays a link (its target is written), owner and mode stay, a read-only
//! file (no write bit in its mode) is refused even for root, and a file with
//! several hard links is rewritten in place so every name sees the fix.
//! Otherwise the write is atomic: a temporary `.copydesk-XXXXXX` file in
//! the same folder, renamed over the original. Both are refused if the file
//! changed since it was read. Temporary files are removed on SIGINT, SIGTERM
//! and SIGHUP ([`remove_temporaries_on_signal`]), and ones left by a killed
//! run are removed by the next write to their folder.

use std::collections::HashSet;
use std::fs::{File, Metadata};
use std::io::{Read, Seek, Write};
use std::path::{Path, PathBuf};
use std::sync::Mutex;
use std::time::{Duration, SystemTime};

use crate::guide::Guide;

/// The size limit when the guide sets none: 10 MiB.
pub const DEFAULT_MAX_BYTES: u64 = 10 * 1024 * 1024;

/// Extensions checked in folder walks, before the guide's own.
pub const DEFAULT_EXTENSIONS: &[&str] = &["md", "markdown", "mdx", "txt"];

/// The name of copydesk's own ignore file, read like `.gitignore`.
pub const IGNORE_FILE: &str = ".copydeskignore";

/// Temporary files are this prefix and [`TEMPORARY_RANDOM_LEN`] ASCII
/// letters or digits, nothing else; only such names are ever cleaned up.
const TEMPORARY_PREFIX: &str = ".copydesk-";
const TEMPORARY_RANDOM_LEN: usize = 6;
/// A temporary file older than this is left from a run that was killed
/// (a write takes milliseconds).
const STALE_AFTER: Duration = Duration::from_secs(10 * 60);

#[derive(Debug, thiserror::Error)]
pub enum ReadError {
    // Not `#[from]`: that would make the io error a `source` too, and a
    // printed chain would repeat it.
    #[error("could not read file: {0}")]
    Io(std::io::Error),
    #[error("not a regular file: {0}")]
    NotRegular(&'static str),
    #[error(
        "file is {size} bytes, over the {limit}-byte limit (raise [files] max_bytes to check it)"
    )]
    TooLarge { size: u64, limit: u64 },
    /// Input whose size is not known in advance (standard input), which is
    /// read only up to one byte past the limit.
    #[error("input is over the {limit}-byte limit (raise [files] max_bytes to check it)")]
    OverLimit { limit: u64 },
    #[error("binary file (contains a NUL byte at offset {offset}); not checked")]
    Binary { offset: usize },
    #[error("not valid UTF-8 at line {line}, byte {byte}; save the file as UTF-8 to check it")]
    NotUtf8 { line: usize, byte: usize },
    #[error(
        "not valid UTF-16 ({encoding}) at byte {byte}: an unpaired surrogate; save the file as UTF-8 to check it"
    )]
    NotUtf16 { encoding: &'static str, byte: usize },
}

impl From<std::io::Error> for ReadError {
    fn from(error: std::io::Error) -> ReadError {
        ReadError::Io(error)
    }
}

/// How a draft's text is stored on disk.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Encoding {
    Utf8,
    /// UTF-8 after a byte-order mark (EF BB BF).
    Utf8Bom,
    /// UTF-16 little-endian after a byte-order mark (FF FE).
    Utf16Le,
    /// UTF-16 big-endian after a byte-order mark (FE FF).
    Utf16Be,
}

impl Encoding {
    /// The bytes that store `text` in this encoding, mark included.
    pub fn encode(self, text: &str) -> Vec<u8> {
        match self {
            Encoding::Utf8 => text.as_bytes().to_vec(),
            Encoding::Utf8Bom => [&[0xEF, 0xBB, 0xBF], text.as_bytes()].concat(),
            Encoding::Utf16Le => std::iter::once(0xFEFF)
                .chain(text.encode_utf16())
                .flat_map(u16::to_le_bytes)
                .collect(),
            Encoding::Utf16Be => std::iter::once(0xFEFF)
                .chain(text.encode_utf16())
                .flat_map(u16::to_be_bytes)
                .collect(),
        }
    }
}

/// A draft's text and how it was stored.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Draft {
    pub text: String,
    pub encoding: Encoding,
}

pub fn max_bytes(guide: &Guide) -> u64 {
    guide.config.files.max_bytes.unwrap_or(DEFAULT_MAX_BYTES)
}

/// What a file that is not a regular file is, in words.
fn kind_of(metadata: &Metadata) -> &'static str {
    let kind = metadata.file_type();
    if kind.is_dir() {
        return "a folder";
    }
    #[cfg(unix)]
    {
        use std::os::unix::fs::FileTypeExt;
        if kind.is_fifo() {
            return "a FIFO (named pipe)";
        }
        if kind.is_char_device() {
            return "a character device";
        }
        if kind.is_block_device() {
            return "a block device";
        }
        if kind.is_socket() {
            return "a socket";
        }
    }
    "not a file copydesk can read"
}

/// Read a file as a draft (its text; see [`read_draft_encoded`]).
pub fn read_draft(path: &Path, limit: u64) -> Result<String, ReadError> {
    read_draft_encoded(path, limit).map(|draft| draft.text)
}

/// Read a file as a draft, with the encoding it is stored in. Only regular
/// files are opened (a FIFO would block the read).
pub fn read_draft_encoded(path: &Path, limit: u64) -> Result<Draft, ReadError> {
    let metadata = std::fs::metadata(path)?;
    if !metadata.is_file() {
        return Err(ReadError::NotRegular(kind_of(&metadata)));
    }
    let size = metadata.len();
    if size > limit {
        return Err(ReadError::TooLarge { size, limit });
    }
    // Sized to the file, the buffer holds the text exactly; grown from
    // empty, it doubles past the size, and the text keeps that capacity.
    let capacity = usize::try_from(size).unwrap_or(0);
    let bytes = read_limited_into(std::fs::File::open(path)?, limit, capacity)?;
    decode(bytes, limit)
}

/// Read at most `limit + 1` bytes: enough to tell that the input is over the
/// limit without holding more of it (standard input may never end).
pub fn read_limited(reader: impl Read, limit: u64) -> std::io::Result<Vec<u8>> {
    read_limited_into(reader, limit, 0)
}

/// [`read_limited`] into a buffer made with room for `capacity` bytes.
fn read_limited_into(reader: impl Read, limit: u64, capacity: usize) -> std::io::Result<Vec<u8>> {
    let mut bytes = Vec::with_capacity(capacity);
    reader
        .take(limit.saturating_add(1))
        .read_to_end(&mut bytes)?;
    Ok(bytes)
}

/// Decode bytes (from a file or standard input) as a draft's text.
pub fn decode_draft(bytes: Vec<u8>, limit: u64) -> Result<String, ReadError> {
    decode(bytes, limit).map(|draft| draft.text)
}

/// Decode bytes as a draft: UTF-8 (a byte-order mark is dropped from the
/// text), or UTF-16 when a byte-order mark says so.
pub fn decode(bytes: Vec<u8>, limit: u64) -> Result<Draft, ReadError> {
    if bytes.len() as u64 > limit {
        return Err(ReadError::OverLimit { limit });
    }
    match bytes.as_slice() {
        [0xFF, 0xFE, rest @ ..] => return decode_utf16(rest, Encoding::Utf16Le),
        [0xFE, 0xFF, rest @ ..] => return decode_utf16(rest, Encoding::Utf16Be),
        _ => {}
    }
    let mut bytes = bytes;
    let encoding = if bytes.starts_with(&[0xEF, 0xBB, 0xBF]) {
        bytes.drain(..3);
        Encoding::Utf8Bom
    } else {
        Encoding::Utf8
    };
    // Offsets in errors count from the start of the file, mark included.
    let skipped = if encoding == Encoding::Utf8Bom { 3 } else { 0 };
    if let Some(offset) = memchr::memchr(0, &bytes) {
        return Err(ReadError::Binary {
            offset: offset + skipped,
        });
    }
    match String::from_utf8(bytes) {
        Ok(text) => Ok(Draft { text, encoding }),
        Err(error) => {
            let valid = error.utf8_error().valid_up_to();
            let bytes = error.as_bytes();
            let line = memchr::memchr_iter(b'\n', &bytes[..valid]).count() + 1;
            Err(ReadError::NotUtf8 {
                line,
                byte: valid + skipped,
            })
        }
    }
}

fn decode_utf16(bytes: &[u8], encoding: Encoding) -> Result<Draft, ReadError> {
    let name = match encoding {
        Encoding::Utf16Be => "big-endian",
        _ => "little-endian",
    };
    let units = bytes.chunks(2).map(|pair| match (encoding, pair) {
        (Encoding::Utf16Be, [high, low]) => u16::from_be_bytes([*high, *low]),
        (_, [low, high]) => u16::from_le_bytes([*low, *high]),
        // An odd last byte cannot be a code unit: a lone surrogate stands
        // for it, so it is reported like one.
        _ => 0xD800,
    });
    let mut text = String::with_capacity(bytes.len() / 2);
    let mut unit_index = 0;
    for decoded in char::decode_utf16(units) {
        match decoded {
            Ok(c) => {
                unit_index += c.len_utf16();
                text.push(c);
            }
            Err(_) => {
                return Err(ReadError::NotUtf16 {
                    encoding: name,
                    byte: 2 + unit_index * 2,
                });
            }
        }
    }
    if let Some(offset) = text.find('\0') {
        let units_before: usize = text[..offset].chars().map(char::len_utf16).sum();
        return Err(ReadError::Binary {
            offset: 2 + units_before * 2,
        });
    }
    Ok(Draft { text, encoding })
}

#[derive(Debug, thiserror::Error)]
pub enum WriteError {
    #[error("file changed on disk since it was read; not written (run again)")]
    Changed,
    #[error("read-only file (mode {mode:04o}); make it writable to apply fixes")]
    ReadOnly { mode: u32 },
    #[error("not a regular file: {0}")]
    NotRegular(&'static str),
    // Not `#[from]`, so that a printed chain does not repeat the reason.
    #[error("could not write file: {0}")]
    Io(std::io::Error),
}

impl From<std::io::Error> for WriteError {
    fn from(error: std::io::Error) -> WriteError {
        WriteError::Io(error)
    }
}

/// Replace the text of the draft at `path` with `new_text`, only if the
/// file still holds `original`, in the encoding the file is stored in.
///
/// A symbolic link is followed and its target written. A file with no write
/// bit in its mode is refused (root could write it; the mode says not to).
/// Owner, group and mode are kept. A file with more than one hard link, or
/// whose owner could not be given to a new file, is rewritten in place;
/// any other file is replaced atomically.
pub fn write_atomically(path: &Path, original: &str, new_text: &str) -> Result<(), WriteError> {
    let target = std::fs::canonicalize(path)?;
    let metadata = std::fs::metadata(&target)?;
    if !metadata.is_file() {
        return Err(WriteError::NotRegular(kind_of(&metadata)));
    }
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = metadata.permissions().mode();
        if mode & 0o222 == 0 {
            return Err(WriteError::ReadOnly {
                mode: mode & 0o7777,
            });
        }
    }
    #[cfg(not(unix))]
    if metadata.permissions().readonly() {
        return Err(WriteError::ReadOnly { mode: 0o444 });
    }
    // Opening for writing asks the system whether we may write the file
    // itself (a rename only needs the folder).
    let mut file = std::fs::OpenOptions::new().write(true).open(&target)?;
    let encoding = match decode(std::fs::read(&target)?, u64::MAX) {
        Ok(current) if current.text == original => current.encoding,
        _ => return Err(WriteError::Changed),
    };
    let original_bytes = encoding.encode(original);
    let new_bytes = encoding.encode(new_text);
    if link_count(&metadata) > 1 {
        return write_in_place(&mut file, &new_bytes);
    }
    let folder = target
        .parent()
        .filter(|p| !p.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    remove_stale_temporaries(folder);
    let mut temporary = tempfile::Builder::new()
        .prefix(TEMPORARY_PREFIX)
        .rand_bytes(TEMPORARY_RANDOM_LEN)
        .tempfile_in(folder)?;
    let _pending = Pending::register(temporary.path());
    if !give_owner(temporary.as_file(), &metadata) {
        // The new file would change hands: keep the file, write in place.
        drop(temporary);
        return write_in_place(&mut file, &new_bytes);
    }
    temporary.write_all(&new_bytes)?;
    temporary.as_file().sync_all()?;
    hold_for_tests();
    std::fs::set_permissions(temporary.path(), metadata.permissions())?;
    // Check once more just before the rename, to keep the window small.
    if std::fs::read(&target)? != original_bytes {
        return Err(WriteError::Changed);
    }
    temporary.persist(&target).map_err(|error| error.error)?;
    Ok(())
}

/// In debug builds, with `COPYDESK_TEST_HOLD_TEMPORARY` set, wait here
/// while the temporary file exists, so that a test can interrupt the run
/// at that moment (it gives up after a minute).
fn hold_for_tests() {
    #[cfg(debug_assertions)]
    if std::env::var_os("COPYDESK_TEST_HOLD_TEMPORARY").is_some() {
        std::thread::sleep(Duration::from_secs(60));
    }
}

/// Overwrite a file's contents through an open handle, keeping its inode
/// (so its links, owner, mode and attributes). Not atomic: a crash in the
/// middle leaves part of the new text.
fn write_in_place(file: &mut File, bytes: &[u8]) -> Result<(), WriteError> {
    file.rewind()?;
    file.write_all(bytes)?;
    file.set_len(bytes.len() as u64)?;
    file.sync_all()?;
    Ok(())
}

fn link_count(metadata: &Metadata) -> u64 {
    #[cfg(unix)]
    {
        std::os::unix::fs::MetadataExt::nlink(metadata)
    }
    #[cfg(not(unix))]
    {
        let _ = metadata;
        1
    }
}

/// Give `file` the owner and group of `like`; false when the system refuses
/// (only root may give a file away).
fn give_owner(file: &File, like: &Metadata) -> bool {
    #[cfg(unix)]
    {
        use std::os::unix::fs::MetadataExt;
        let Ok(current) = file.metadata() else {
            return false;
        };
        if current.uid() == like.uid() && current.gid() == like.gid() {
            return true;
        }
        std::os::unix::fs::fchown(file, Some(like.uid()), Some(like.gid())).is_ok()
    }
    #[cfg(not(unix))]
    {
        let _ = (file, like);
        true
    }
}

/// Whether two paths name the same file (after links), for refusing to
/// write a report over a draft. False when either does not exist.
pub fn same_file(a: &Path, b: &Path) -> bool {
    let (Ok(first), Ok(second)) = (std::fs::metadata(a), std::fs::metadata(b)) else {
        return false;
    };
    #[cfg(unix)]
    {
        use std::os::unix::fs::MetadataExt;
        first.dev() == second.dev() && first.ino() == second.ino()
    }
    #[cfg(not(unix))]
    {
        let _ = (first, second);
        matches!(
            (std::fs::canonicalize(a), std::fs::canonicalize(b)),
            (Ok(x), Ok(y)) if x == y
        )
    }
}

/// Temporary files being written now, removed if the process is told to stop.
static PENDING: Mutex<Vec<PathBuf>> = Mutex::new(Vec::new());
/// Folders already cleaned of stale temporary files in this run.
static CLEANED: Mutex<Option<HashSet<PathBuf>>> = Mutex::new(None);

/// A temporary file's entry in [`PENDING`], dropped with it.
struct Pending(PathBuf);

impl Pending {
    fn register(path: &Path) -> Pending {
        let path = path.to_path_buf();
        if let Ok(mut pending) = PENDING.lock() {
            pending.push(path.clone());
        }
        Pending(path)
    }
}

impl Drop for Pending {
    fn drop(&mut self) {
        if let Ok(mut pending) = PENDING.lock()
            && let Some(index) = pending.iter().position(|p| *p == self.0)
        {
            pending.swap_remove(index);
        }
    }
}

/// Whether `name` is exactly a temporary file name of ours.
fn is_temporary_name(name: &str) -> bool {
    name.strip_prefix(TEMPORARY_PREFIX).is_some_and(|random| {
        random.len() == TEMPORARY_RANDOM_LEN && random.bytes().all(|b| b.is_ascii_alphanumeric())
    })
}

/// Remove temporary files of ours that a killed run left in `folder`: only
/// regular files named exactly like ours, older than [`STALE_AFTER`], and
/// not being written by this process. Once per folder per run; failures
/// are ignored (the file is someone else's to keep).
pub fn remove_stale_temporaries(folder: &Path) {
    {
        let Ok(mut cleaned) = CLEANED.lock() else {
            return;
        };
        if !cleaned
            .get_or_insert_with(HashSet::new)
            .insert(folder.to_path_buf())
        {
            return;
        }
    }
    let Ok(entries) = std::fs::read_dir(folder) else {
        return;
    };
    let now = SystemTime::now();
    for entry in entries.flatten() {
        let name = entry.file_name();
        if !name.to_str().is_some_and(is_temporary_name) {
            continue;
        }
        let path = entry.path();
        // `symlink_metadata`: a link named like ours is not ours.
        let Ok(metadata) = std::fs::symlink_metadata(&path) else {
            continue;
        };
        let old = metadata
            .modified()
            .ok()
            .and_then(|modified| now.duration_since(modified).ok())
            .is_some_and(|age| age >= STALE_AFTER);
        let busy = PENDING.lock().is_ok_and(|pending| pending.contains(&path));
        if metadata.is_file() && old && !busy {
            let _ = std::fs::remove_file(&path);
        }
    }
}

/// Remove every temporary file being written now.
#[cfg_attr(not(unix), allow(dead_code))]
fn remove_pending_temporaries() {
    if let Ok(pending) = PENDING.lock() {
        for path in pending.iter() {
            let _ = std::fs::remove_file(path);
        }
    }
}

/// From now on, SIGINT, SIGTERM and SIGHUP remove the temporary files being
/// written before the process ends as the signal says. Call it before any
/// other thread starts: the signals are blocked in this thread, and so in
/// every thread it starts, and one watcher thread waits for them.
pub fn remove_temporaries_on_signal() {
    #[cfg(unix)]
    {
        use std::sync::Once;
        static INSTALLED: Once = Once::new();
        INSTALLED.call_once(signals::install);
    }
}

#[cfg(unix)]
mod signals {
    const SIGNALS: [libc::c_int; 3] = [libc::SIGINT, libc::SIGTERM, libc::SIGHUP];

    fn signal_set() -> libc::sigset_t {
        // SAFETY: `sigemptyset` initialises the set before `sigaddset` uses it.
        unsafe {
            let mut set: libc::sigset_t = std::mem::zeroed();
            libc::sigemptyset(&mut set);
            for signal in SIGNALS {
                libc::sigaddset(&mut set, signal);
            }
            set
        }
    }

    pub(super) fn install() {
        let set = signal_set();
        // SAFETY: a valid, initialised set; the old mask is not wanted.
        let blocked =
            unsafe { libc::pthread_sigmask(libc::SIG_BLOCK, &set, std::ptr::null_mut()) } == 0;
        if !blocked {
            return;
        }
        let spawned = std::thread::Builder::new()
            .name("copydesk-signals".to_owned())
            .spawn(move || {
                let mut signal: libc::c_int = 0;
                // SAFETY: `set` is initialised; `signal` is a valid out pointer.
                if unsafe { libc::sigwait(&set, &mut signal) } != 0 {
                    return;
                }
                super::remove_pending_temporaries();
                // End as the signal would have: default action, unblocked,
                // raised again in this thread (the shell sees 130 for ^C).
                // SAFETY: plain libc calls with valid arguments.
                unsafe {
                    libc::signal(signal, libc::SIG_DFL);
                    libc::pthread_sigmask(libc::SIG_UNBLOCK, &set, std::ptr::null_mut());
                    libc::raise(signal);
                }
                std::process::exit(128 + signal);
            });
        if spawned.is_err() {
            // Nobody would wait for the signals: let them act as before.
            // SAFETY: as above.
            unsafe {
                libc::pthread_sigmask(libc::SIG_UNBLOCK, &set, std::ptr::null_mut());
            }
        }
    }
}

/// What a command-line path expanded to.
#[derive(Debug, Default)]
pub struct Expanded {
    pub files: Vec<PathBuf>,
    /// Paths that matched nothing or could not be walked, with why.
    pub errors: Vec<(PathBuf, String)>,
}

/// [`expand_paths`] for paths that may each have their own guide, so their
/// own extra extensions (`extensions_for`, usually `[files] extensions` of
/// the guide for that path). Sorted and free of duplicates, like it.
pub fn expand_paths_each(
    paths: &[PathBuf],
    mut extensions_for: impl FnMut(&Path) -> Vec<String>,
) -> Expanded {
    let mut all = Expanded::default();
    for path in paths {
        let expanded = expand_paths(std::slice::from_ref(path), &extensions_for(path));
        all.files.extend(expanded.files);
        all.errors.extend(expanded.errors);
    }
    all.files.sort();
    all.files.dedup();
    all
}

/// Expand command-line paths: a file is taken whatever its extension; a
/// folder is walked (respecting .gitignore, .copydeskignore, skipping hidden
/// files and `node_modules` folders, as Vale does) for files with
/// `extensions`; anything else is tried as a glob.
/// The result is sorted and free of duplicates.
pub fn expand_paths(paths: &[PathBuf], extensions: &[String]) -> Expanded {
    let mut expanded = Expanded::default();
    for path in paths {
        match std::fs::metadata(path) {
            Ok(metadata) if metadata.is_file() => expanded.files.push(path.clone()),
            Ok(metadata) if metadata.is_dir() => walk(path, extensions, None, &mut expanded),
            // Said here, and never opened: reading a FIFO would block.
            Ok(metadata) => expanded.errors.push((
                path.clone(),
                format!("not a regular file: {}", kind_of(&metadata)),
            )),
            Err(_) if path.to_str().is_some_and(has_glob_meta) => {
                expand_glob(&path.to_string_lossy(), extensions, &mut expanded);
            }
            Err(error) if error.kind() == std::io::ErrorKind::NotFound => expanded
                .errors
                .push((path.clone(), "no such file or folder".to_owned())),
            Err(error) => expanded.errors.push((path.clone(), error.to_string())),
        }
    }
    expanded.files.sort();
    expanded.files.dedup();
    expanded
}

pub(crate) fn has_glob_meta(text: &str) -> bool {
    text.contains(['*', '?', '[', '{'])
}

fn expand_glob(pattern: &str, extensions: &[String], expanded: &mut Expanded) {
    let matcher = match globset::GlobBuilder::new(pattern)
        .literal_separator(true)
        .build()
    {
        Ok(glob) => glob.compile_matcher(),
        Err(error) => {
            expanded
                .errors
                .push((PathBuf::from(pattern), format!("invalid glob: {error}")));
            return;
        }
    };
    // Walk from the longest leading part without glob characters.
    let base: PathBuf = Path::new(pattern)
        .components()
        .take_while(|c| !has_glob_meta(&c.as_os_str().to_string_lossy()))
        .collect();
    let base = if base.as_os_str().is_empty() {
        PathBuf::from(".")
    } else {
        base
    };
    let before = expanded.files.len();
    walk(&base, extensions, Some(&matcher), expanded);
    if expanded.files.len() == before {
        expanded
            .errors
            .push((PathBuf::from(pattern), "glob matched no files".to_owned()));
    }
}

fn walk(
    root: &Path,
    extensions: &[String],
    glob: Option<&globset::GlobMatcher>,
    expanded: &mut Expanded,
) {
    let walker = ignore::WalkBuilder::new(root)
        .hidden(true)
        .git_ignore(true)
        .git_exclude(true)
        .require_git(false)
        .add_custom_ignore_filename(IGNORE_FILE)
        // Installed packages are nobody's draft (Vale skips them too).
        .filter_entry(|entry| {
            entry.depth() == 0
                || !(entry.file_name() == "node_modules"
                    && entry.file_type().is_some_and(|t| t.is_dir()))
        })
        .build();
    for entry in walker {
        match entry {
            Ok(entry) => {
                if !entry.file_type().is_some_and(|t| t.is_file()) {
                    continue;
                }
                let path = entry.path();
                let matches = match glob {
                    Some(glob) => glob.is_match(path.strip_prefix("./").unwrap_or(path)),
                    None => has_extension(path, extensions),
                };
                if matches {
                    expanded.files.push(path.to_path_buf());
                }
            }
            Err(error) => expanded.errors.push(walk_error(root, &error)),
        }
    }
}

/// A walk error as the path it is about and the reason, said once (the
/// walker's own text repeats the path: "e: e/sub: IO error for operation
/// on e/sub: …").
fn walk_error(root: &Path, error: &ignore::Error) -> (PathBuf, String) {
    fn path_of(error: &ignore::Error) -> Option<&Path> {
        match error {
            ignore::Error::WithPath { path, .. } => Some(path),
            ignore::Error::WithDepth { err, .. } | ignore::Error::WithLineNumber { err, .. } => {
                path_of(err)
            }
            _ => None,
        }
    }
    let path = path_of(error).unwrap_or(root).to_path_buf();
    let reason = match error.io_error() {
        Some(io) => {
            // The walker's io errors wrap the system's, path and all: say
            // the system's alone.
            let mut innermost: &dyn std::error::Error = io.get_ref().map_or(io as _, |e| e as _);
            while let Some(next) = innermost.source() {
                innermost = next;
            }
            format!("could not read: {innermost}")
        }
        None => error.to_string(),
    };
    (path, reason)
}

fn has_extension(path: &Path, extensions: &[String]) -> bool {
    let Some(extension) = path.extension().and_then(|e| e.to_str()) else {
        return false;
    };
    DEFAULT_EXTENSIONS
        .iter()
        .any(|known| known.eq_ignore_ascii_case(extension))
        || extensions.iter().any(|known| {
            known
                .trim_start_matches('.')
                .eq_ignore_ascii_case(extension)
        })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn decoding_refuses_binary_and_invalid_utf8() {
        assert!(matches!(
            decode_draft(b"ab\0c".to_vec(), 100),
            Err(ReadError::Binary { offset: 2 })
        ));
        assert!(matches!(
            decode_draft(b"ok\nbad \xff here".to_vec(), 100),
            Err(ReadError::NotUtf8 { line: 2, byte: 7 })
        ));
        assert!(matches!(
            decode_draft(vec![b'a'; 10], 5),
            Err(ReadError::OverLimit { limit: 5 })
        ));
        assert_eq!(decode_draft(b"fine".to_vec(), 100).unwrap(), "fine");
    }

    #[test]
    fn decoding_reads_utf16_and_drops_a_utf8_mark() {
        let le: Vec<u8> = [0xFF, 0xFE, b'h', 0, b'i', 0, 0x3D, 0xD8, 0x00, 0xDE].to_vec();
        let draft = decode(le.clone(), 100).unwrap();
        assert_eq!(draft.text, "hi😀");
        assert_eq!(draft.encoding, Encoding::Utf16Le);
        assert_eq!(draft.encoding.encode(&draft.text), le);
        let be = Encoding::Utf16Be.encode("é\n");
        assert_eq!(be, [0xFE, 0xFF, 0x00, 0xE9, 0x00, b'\n']);
        assert_eq!(decode(be, 100).unwrap().text, "é\n");
        let bom = decode(b"\xEF\xBB\xBFtext".to_vec(), 100).unwrap();
        assert_eq!(
            (bom.text.as_str(), bom.encoding),
            ("text", Encoding::Utf8Bom)
        );
        assert_eq!(Encoding::Utf8Bom.encode("text"), b"\xEF\xBB\xBFtext");
        // A lone surrogate or an odd last byte is not text.
        assert!(matches!(
            decode(vec![0xFF, 0xFE, b'a', 0, 0x00, 0xD8, b'b', 0], 100),
            Err(ReadError::NotUtf16 { byte: 4, .. })
        ));
        assert!(matches!(
            decode(vec![0xFF, 0xFE, b'a', 0, b'b'], 100),
            Err(ReadError::NotUtf16 { byte: 4, .. })
        ));
        // An encoded NUL is still binary, at its byte offset in the file.
        assert!(matches!(
            decode(vec![0xFF, 0xFE, b'a', 0, 0, 0], 100),
            Err(ReadError::Binary { offset: 4 })
        ));
        // Offsets after a UTF-8 mark count the mark.
        assert!(matches!(
            decode(b"\xEF\xBB\xBFab\xff".to_vec(), 100),
            Err(ReadError::NotUtf8 { line: 1, byte: 5 })
        ));
    }

    #[test]
    fn only_our_exact_temporary_names_are_ours() {
        assert!(is_temporary_name(".copydesk-a1B2c3"));
        for name in [
            ".copydesk-a1B2c",
            ".copydesk-a1B2c3d",
            ".copydesk-a1B2c.",
            ".copydeskignore",
            "copydesk-a1B2c3",
            ".copydesk-a1B2c3.md",
        ] {
            assert!(!is_temporary_name(name), "{name}");
        }
    }

    #[test]
    fn same_file_sees_through_links_and_dots() {
        let folder = tempfile::tempdir().unwrap();
        let path = folder.path().join("post.md");
        std::fs::write(&path, "x").unwrap();
        assert!(same_file(&path, &folder.path().join(".").join("post.md")));
        std::fs::hard_link(&path, folder.path().join("other.md")).unwrap();
        assert!(same_file(&path, &folder.path().join("other.md")));
        assert!(!same_file(&path, &folder.path().join("missing.md")));
        std::fs::write(folder.path().join("third.md"), "x").unwrap();
        assert!(!same_file(&path, &folder.path().join("third.md")));
    }

    #[test]
    fn atomic_write_refuses_a_changed_file() {
        let folder = tempfile::tempdir().unwrap();
        let path = folder.path().join("post.md");
        std::fs::write(&path, "old").unwrap();
        assert!(matches!(
            write_atomically(&path, "older", "new"),
            Err(WriteError::Changed)
        ));
        write_atomically(&path, "old", "new").unwrap();
        assert_eq!(std::fs::read_to_string(&path).unwrap(), "new");
    }
}
