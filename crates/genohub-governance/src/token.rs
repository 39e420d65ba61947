//! API tokens: 256 random bits shown once, stored only as a keyed hash.

use hmac::{Hmac, Mac};
use rand::RngCore;
use serde::{Deserialize, Serialize};
use sha2::Sha256;
use zeroize::Zeroizing;

use genohub_keys::HubKey;

use crate::error::{GovernanceError, Result};

const PREFIX: &str = "genohub_";

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Revocation {
    pub at: i64,
    pub by: String,
}

/// What the store keeps of a token: never the secret, only its keyed hash (the record's key).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TokenRecord {
    /// The first 12 hex digits of the hash: names the token in listings, revocation and audit.
    pub id: String,
    pub user: String,
    pub created: i64,
    pub expires: i64,
    #[serde(default)]
    pub label: String,
    pub created_by: String,
    pub revoked: Option<Revocation>,
}

impl TokenRecord {
    pub fn is_valid_at(&self, unix: i64) -> bool {
        self.revoked.is_none() && unix < self.expires
    }
}

/// A token just created: the secret is here, once, and nowhere else.
pub struct IssuedToken {
    pub secret: Zeroizing<String>,
    pub record: TokenRecord,
}

/// `genohub_` + 64 hex digits (256 bits from the OS generator).
pub fn new_secret() -> Zeroizing<String> {
    let mut bytes = Zeroizing::new([0u8; 32]);
    rand::rng().fill_bytes(bytes.as_mut());
    Zeroizing::new(format!("{PREFIX}{}", hex::encode(bytes.as_ref())))
}

/// HMAC-SHA256 under a key derived from the hub key, hex: a copy of the store alone gives an
/// attacker nothing to test guesses against.
pub fn token_hash(key: &HubKey, secret: &str) -> Result<String> {
    let body = secret.trim().strip_prefix(PREFIX).filter(|b| b.len() == 64 && b.bytes().all(|c| c.is_ascii_hexdigit()));
    if body.is_none() {
        return Err(GovernanceError::Unauthenticated("malformed token (expected genohub_ and 64 hex digits)".into()));
    }
    let k = key.derive("api-token");
    let mut mac = Hmac::<Sha256>::new_from_slice(k.as_ref()).expect("HMAC takes any key length");
    mac.update(secret.trim().as_bytes());
    Ok(hex::encode(mac.finalize().into_bytes()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn secrets_are_random_and_hashes_keyed() {
        let a = new_secret();
        let b = new_secret();
        assert_ne!(*a, *b);
        assert_eq!(a.len(), PREFIX.len() + 64);
        let k1 = HubKey::from_bytes([1; 32]);
        let k2 = HubKey::from_bytes([2; 32]);
        let h = token_hash(&k1, &a).unwrap();
        assert_eq!(h, token_hash(&k1, &a).unwrap());
        assert_ne!(h, token_hash(&k2, &a).unwrap(), "keyed");
        assert!(!h.contains(&a[PREFIX.len()..]));
        assert!(token_hash(&k1, "genohub_xyz").is_err());
        assert!(token_hash(&k1, &a[1..]).is_err());
    }
}
