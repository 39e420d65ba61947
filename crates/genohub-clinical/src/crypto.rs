//! Encryption at rest: each patient's records are sealed (XChaCha20-Poly1305) with a random
//! per-patient data key, and that key is stored wrapped by the hub key's `wrap` derivation.
//! Deleting the wrapped key makes every copy of the records unreadable, including copies left
//! in old database files before compaction removes them.

use chacha20poly1305::aead::{Aead, KeyInit, Payload};
use chacha20poly1305::{XChaCha20Poly1305, XNonce};
use genohub_keys::HubKey;
use rand::RngCore;
use zeroize::Zeroizing;

use crate::ClinicalError;

const NONCE: usize = 24;

pub type DataKey = Zeroizing<[u8; 32]>;

pub fn new_data_key() -> DataKey {
    let mut k = Zeroizing::new([0u8; 32]);
    rand::rng().fill_bytes(k.as_mut());
    k
}

/// nonce || ciphertext+tag, bound to `context` (the patient's pseudonym) so a value moved to
/// another patient's key does not decrypt.
pub fn seal(key: &[u8; 32], context: &[u8], plain: &[u8]) -> Vec<u8> {
    let cipher = XChaCha20Poly1305::new(key.into());
    let mut nonce = [0u8; NONCE];
    rand::rng().fill_bytes(&mut nonce);
    let sealed = cipher.encrypt(XNonce::from_slice(&nonce), Payload { msg: plain, aad: context }).expect("in-memory AEAD encryption cannot fail");
    let mut out = Vec::with_capacity(NONCE + sealed.len());
    out.extend_from_slice(&nonce);
    out.extend_from_slice(&sealed);
    out
}

pub fn open(key: &[u8; 32], context: &[u8], sealed: &[u8], what: &str) -> Result<Zeroizing<Vec<u8>>, ClinicalError> {
    if sealed.len() < NONCE + 16 {
        return Err(ClinicalError::Corrupt(format!("{what}: too short")));
    }
    let cipher = XChaCha20Poly1305::new(key.into());
    cipher
        .decrypt(XNonce::from_slice(&sealed[..NONCE]), Payload { msg: &sealed[NONCE..], aad: context })
        .map(Zeroizing::new)
        .map_err(|_| ClinicalError::Corrupt(format!("{what}: authentication failed (wrong hub key, or the data was altered)")))
}

pub fn wrap(hub: &HubKey, pseudonym: &str, key: &DataKey) -> Vec<u8> {
    seal(&hub.derive("wrap"), pseudonym.as_bytes(), key.as_ref())
}

pub fn unwrap(hub: &HubKey, pseudonym: &str, wrapped: &[u8]) -> Result<DataKey, ClinicalError> {
    let plain = open(&hub.derive("wrap"), pseudonym.as_bytes(), wrapped, &format!("data key of patient {pseudonym}"))?;
    let bytes: [u8; 32] = plain.as_slice().try_into().map_err(|_| ClinicalError::Corrupt(format!("data key of patient {pseudonym}: wrong length")))?;
    Ok(Zeroizing::new(bytes))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sealed_values_open_only_with_their_key_and_context() {
        let hub = HubKey::from_bytes([3; 32]);
        let k = new_data_key();
        let wrapped = wrap(&hub, "p1", &k);
        assert_eq!(*unwrap(&hub, "p1", &wrapped).unwrap(), *k);
        assert!(unwrap(&hub, "p2", &wrapped).is_err(), "bound to the patient");
        assert!(unwrap(&HubKey::from_bytes([4; 32]), "p1", &wrapped).is_err(), "bound to the hub key");
        let sealed = seal(&k, b"p1", b"distinctive clinical text");
        assert!(!sealed.windows(11).any(|w| w == b"distinctive"), "ciphertext hides the text");
        assert_eq!(&**open(&k, b"p1", &sealed, "r").unwrap(), b"distinctive clinical text");
        let mut tampered = sealed.clone();
        *tampered.last_mut().unwrap() ^= 1;
        assert!(open(&k, b"p1", &tampered, "r").is_err());
    }
}
