//! Stable keyed hashes that stand in for names and phone numbers.
//!
//! The key is 32 random bytes kept in the `meta` table (`pseudonym_key`),
//! created by the first pseudonymised export and never shown. A value's
//! pseudonym is `p_` followed by the first 16 hex digits of
//! HMAC-SHA256(key, column ‖ 0x00 ‖ value): the same name in the same column
//! gets the same pseudonym in every export of this server, and nobody without
//! the key can compute or reverse it (a plain hash of a phone number could be
//! reversed by trying every number).

use hmac::{Hmac, Mac};
use rand::RngCore;
use rusqlite::{Connection, OptionalExtension};
use sha2::Sha256;

use crate::StoreError;

/// The secret behind pseudonyms.
#[derive(Clone)]
pub struct PseudonymKey([u8; 32]);

impl std::fmt::Debug for PseudonymKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("PseudonymKey(…)")
    }
}

impl PseudonymKey {
    /// A key from its 32 bytes.
    pub fn from_bytes(bytes: [u8; 32]) -> Self {
        Self(bytes)
    }

    /// The pseudonym of `value` in `column`.
    pub fn pseudonym(&self, column: &str, value: &str) -> String {
        #[allow(clippy::expect_used)] // HMAC takes keys of any length.
        let mut mac = Hmac::<Sha256>::new_from_slice(&self.0).expect("HMAC accepts any key length");
        mac.update(column.as_bytes());
        mac.update(&[0]);
        mac.update(value.as_bytes());
        let digest = mac.finalize().into_bytes();
        format!("p_{}", hex::encode(&digest[..8]))
    }
}

/// The server's pseudonym key, created on first use.
pub fn ensure_pseudonym_key(conn: &Connection) -> Result<PseudonymKey, StoreError> {
    let mut fresh = [0u8; 32];
    rand::rngs::OsRng.fill_bytes(&mut fresh);
    conn.execute(
        "INSERT INTO meta (key, value) VALUES ('pseudonym_key', ?1) ON CONFLICT (key) DO NOTHING",
        [hex::encode(fresh)],
    )?;
    pseudonym_key(conn)?.ok_or_else(|| StoreError::Inconsistent("the pseudonym key was not stored".into()))
}

/// The server's pseudonym key, if one was made.
pub fn pseudonym_key(conn: &Connection) -> Result<Option<PseudonymKey>, StoreError> {
    let text: Option<String> = conn
        .query_row("SELECT value FROM meta WHERE key = 'pseudonym_key'", [], |r| r.get(0))
        .optional()?;
    let Some(text) = text else { return Ok(None) };
    let bytes = hex::decode(&text)
        .ok()
        .and_then(|b| <[u8; 32]>::try_from(b).ok())
        .ok_or_else(|| StoreError::Inconsistent("the pseudonym key is not 32 hex bytes".into()))?;
    Ok(Some(PseudonymKey(bytes)))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_same_value_under_the_same_key_gets_the_same_pseudonym() {
        let key = PseudonymKey::from_bytes([7; 32]);
        assert_eq!(
            key.pseudonym("given_name", "Amina"),
            key.pseudonym("given_name", "Amina")
        );
        assert_eq!(key.pseudonym("given_name", "Amina").len(), 18);
        assert!(key.pseudonym("given_name", "Amina").starts_with("p_"));
    }

    #[test]
    fn another_key_or_another_column_gives_another_pseudonym() {
        let key = PseudonymKey::from_bytes([7; 32]);
        let other = PseudonymKey::from_bytes([8; 32]);
        assert_ne!(
            key.pseudonym("phone", "+33612345678"),
            other.pseudonym("phone", "+33612345678")
        );
        assert_ne!(
            key.pseudonym("given_name", "Sami"),
            key.pseudonym("family_name", "Sami")
        );
    }
}
