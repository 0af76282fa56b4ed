//! Stable hashing, for keys that outlive the process (caches on disk,
//! guide and style identities).

/// FNV-1a over several byte strings, as 16 hex digits. Stable across
/// platforms and Rust versions, so it can key files on disk.
pub fn stable_hash_hex(parts: &[&[u8]]) -> String {
    format!("{:016x}", stable_hash(parts))
}

pub fn stable_hash(parts: &[&[u8]]) -> u64 {
    const OFFSET: u64 = 0xcbf2_9ce4_8422_2325;
    const PRIME: u64 = 0x0000_0100_0000_01b3;
    let mut hash = OFFSET;
    for part in parts {
        for &byte in *part {
            hash ^= u64::from(byte);
            hash = hash.wrapping_mul(PRIME);
        }
        // Separate parts so ("ab", "c") and ("a", "bc") differ.
        hash ^= 0xff;
        hash = hash.wrapping_mul(PRIME);
    }
    hash
}
