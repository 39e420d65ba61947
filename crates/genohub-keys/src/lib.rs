//! The hub's secret key and everything derived from it.
//!
//! One 256-bit secret, kept in a file outside the store (mode 0600), from which HKDF-SHA256
//! derives a separate key per use: pseudonyms (HMAC-SHA256), wrapping per-patient data keys,
//! signing audit checkpoints. Losing the file makes pseudonyms unreproducible and encrypted
//! clinical records unreadable; docs/operations.md says how to back it up.

use std::fs;
use std::io::Write;
use std::path::{Path, PathBuf};

use hmac::{Hmac, Mac};
use rand::RngCore;
use sha2::{Digest, Sha256};
use zeroize::Zeroizing;

#[derive(Debug, thiserror::Error)]
pub enum KeyError {
    #[error("hub key file {path}: {message}")]
    File { path: String, message: String },
}

fn file_error(path: &Path, message: impl Into<String>) -> KeyError {
    KeyError::File { path: path.display().to_string(), message: message.into() }
}

pub struct HubKey {
    secret: Zeroizing<[u8; 32]>,
}

impl std::fmt::Debug for HubKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "HubKey({})", self.fingerprint())
    }
}

/// Where a store's key file lives unless `GENOHUB_KEY_FILE` says otherwise: beside the store
/// directory, never inside it (so copying or purging the store never touches it).
pub fn default_path(store_root: &Path) -> PathBuf {
    if let Some(p) = std::env::var_os("GENOHUB_KEY_FILE") {
        return PathBuf::from(p);
    }
    let name = store_root.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_else(|| "genohub".into());
    store_root.with_file_name(format!("{name}.hub-key"))
}

impl HubKey {
    pub fn from_bytes(secret: [u8; 32]) -> HubKey {
        HubKey { secret: Zeroizing::new(secret) }
    }

    /// Creates a new random key file with mode 0600; refuses to overwrite an existing one.
    pub fn generate(path: &Path) -> Result<HubKey, KeyError> {
        let mut secret = Zeroizing::new([0u8; 32]);
        rand::rng().fill_bytes(secret.as_mut());
        let mut options = fs::OpenOptions::new();
        options.write(true).create_new(true);
        #[cfg(unix)]
        std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
        let mut file = options.open(path).map_err(|e| file_error(path, format!("cannot create: {e}")))?;
        let text = Zeroizing::new(hex::encode(secret.as_ref()) + "\n");
        file.write_all(text.as_bytes()).and_then(|_| file.sync_all()).map_err(|e| file_error(path, format!("cannot write: {e}")))?;
        Ok(HubKey { secret })
    }

    /// Reads a key file; refuses one that group or others may read.
    pub fn load(path: &Path) -> Result<HubKey, KeyError> {
        let meta = fs::metadata(path).map_err(|e| file_error(path, format!("cannot read: {e} (create one with `genohub key init`)")))?;
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let mode = meta.permissions().mode() & 0o777;
            if mode & 0o077 != 0 {
                return Err(file_error(path, format!("permissions {mode:o} let others read the key; run chmod 600")));
            }
        }
        let _ = meta;
        let text = Zeroizing::new(fs::read_to_string(path).map_err(|e| file_error(path, format!("cannot read: {e}")))?);
        let bytes = Zeroizing::new(hex::decode(text.trim()).map_err(|_| file_error(path, "not a hex-encoded key"))?);
        let secret: [u8; 32] = bytes.as_slice().try_into().map_err(|_| file_error(path, format!("holds {} bytes, a hub key has 32", bytes.len())))?;
        Ok(HubKey::from_bytes(secret))
    }

    /// Loads the key, or creates it when `create` and the file does not exist yet.
    pub fn load_or_generate(path: &Path, create: bool) -> Result<HubKey, KeyError> {
        if create && !path.exists() {
            HubKey::generate(path)
        } else {
            HubKey::load(path)
        }
    }

    /// A 256-bit key for one purpose (`"pseudonym"`, `"wrap"`, `"audit-signing"`, ...).
    pub fn derive(&self, purpose: &str) -> Zeroizing<[u8; 32]> {
        let hk = hkdf::Hkdf::<Sha256>::new(Some(b"genohub hub key v1"), self.secret.as_ref());
        let mut out = Zeroizing::new([0u8; 32]);
        hk.expand(purpose.as_bytes(), out.as_mut()).expect("32 bytes is a valid HKDF length");
        out
    }

    /// Keyed pseudonym of an identifier within a domain (e.g. `"patient:HOSP-A"`,
    /// `"linkage"`): HMAC-SHA256, hex. The same input always gives the same pseudonym; without
    /// the key it cannot be computed or reversed.
    pub fn pseudonym(&self, domain: &str, identifier: &str) -> String {
        let key = self.derive("pseudonym");
        let mut mac = Hmac::<Sha256>::new_from_slice(key.as_ref()).expect("HMAC takes any key length");
        mac.update(domain.as_bytes());
        mac.update(&[0]);
        mac.update(identifier.as_bytes());
        hex::encode(mac.finalize().into_bytes())
    }

    /// Short public identifier of the key, recorded in the store to catch using the wrong key.
    pub fn fingerprint(&self) -> String {
        hex::encode(&Sha256::digest(self.derive("fingerprint").as_ref())[..8])
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn generate_load_and_derive() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("hub.key");
        let a = HubKey::generate(&path).unwrap();
        assert!(HubKey::generate(&path).is_err(), "never overwrites a key");
        let b = HubKey::load(&path).unwrap();
        assert_eq!(a.fingerprint(), b.fingerprint());
        assert_eq!(a.pseudonym("patient:H1", "P-001"), b.pseudonym("patient:H1", "P-001"));
        assert_ne!(a.pseudonym("patient:H1", "P-001"), a.pseudonym("patient:H2", "P-001"), "domains separate");
        assert_ne!(*a.derive("wrap"), *a.derive("audit-signing"));
        let other = HubKey::from_bytes([7; 32]);
        assert_ne!(other.pseudonym("linkage", "X"), a.pseudonym("linkage", "X"));
        assert_eq!(a.pseudonym("linkage", "X").len(), 64);
    }

    #[cfg(unix)]
    #[test]
    fn refuses_a_key_others_can_read_and_malformed_files() {
        use std::os::unix::fs::PermissionsExt;
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("hub.key");
        HubKey::generate(&path).unwrap();
        assert_eq!(fs::metadata(&path).unwrap().permissions().mode() & 0o777, 0o600);
        fs::set_permissions(&path, fs::Permissions::from_mode(0o644)).unwrap();
        let e = HubKey::load(&path).unwrap_err().to_string();
        assert!(e.contains("chmod 600"), "{e}");
        fs::write(&path, "abcd\n").unwrap();
        fs::set_permissions(&path, fs::Permissions::from_mode(0o600)).unwrap();
        assert!(HubKey::load(&path).unwrap_err().to_string().contains("32"));
    }

    #[test]
    fn default_path_is_beside_the_store_not_inside() {
        if std::env::var_os("GENOHUB_KEY_FILE").is_some() {
            eprintln!("skipping: GENOHUB_KEY_FILE is set");
            return;
        }
        let p = default_path(Path::new("/data/hub/store"));
        assert_eq!(p, Path::new("/data/hub/store.hub-key"));
    }
}
