use std::sync::Mutex;

use ed25519_dalek::{Signer, SigningKey, VerifyingKey};
use genohub_keys::HubKey;
use genohub_store::cf;
use genohub_store::engine::{Batch, Engine};
use time::OffsetDateTime;

use super::group_sync::GroupSync;
use super::{checkpoint_key, entry_key, sha256_hex, AuditEntry, AuditFilter, Checkpoint, CHECKPOINT, ENTRY, GENESIS, HEAD};
use crate::clock::rfc3339;
use crate::error::{GovernanceError, Result};

/// A signed checkpoint is kept every this many entries (the head is signed on every append).
pub const CHECKPOINT_EVERY: u64 = 256;

/// Appends entries under one lock per process (RocksDB allows one writing process).
pub struct AuditLog {
    signing: SigningKey,
    /// Orders appends; holds the (seq, hash) of the last entry this process wrote, so an append
    /// does not read and parse the stored head again (None: not known yet, read it).
    lock: Mutex<Option<(u64, String)>>,
    /// Shares one log sync among entries written close together.
    group: GroupSync,
}

fn corrupt(what: &str, e: impl std::fmt::Display) -> GovernanceError {
    GovernanceError::Corrupt(format!("audit {what}: {e}"))
}

impl AuditLog {
    pub fn new(key: &HubKey) -> AuditLog {
        AuditLog { signing: SigningKey::from_bytes(&key.derive("audit-signing")), lock: Mutex::new(None), group: GroupSync::default() }
    }

    pub fn public_key(&self) -> VerifyingKey {
        self.signing.verifying_key()
    }

    fn sign(&self, seq: u64, hash: &str, now: OffsetDateTime) -> Checkpoint {
        let signature = self.signing.sign(&Checkpoint::message(seq, hash));
        Checkpoint {
            seq,
            hash: hash.to_string(),
            time: rfc3339(now),
            public_key: hex::encode(self.public_key().as_bytes()),
            signature: hex::encode(signature.to_bytes()),
        }
    }

    pub fn head(engine: &Engine) -> Result<Option<Checkpoint>> {
        engine.get(cf::AUDIT, HEAD)?.map(|v| serde_json::from_slice(&v).map_err(|e| corrupt("head", e))).transpose()
    }

    /// Appends `entry` (its `seq`, `time` and `prev` are set here) together with `batch`, in one
    /// atomic write: the change and its record exist together or not at all. Durable when this
    /// returns (group commit, see below).
    pub fn append(&self, engine: &Engine, entry: AuditEntry, batch: Batch, now: OffsetDateTime) -> Result<u64> {
        let seq = self.append_in_order(engine, entry, batch, now)?;
        // The chained write above is made under the lock but not synced there: one fsync per
        // entry under a lock caps the whole hub at one call per fsync. Syncing RocksDB's log
        // afterwards makes this entry and every earlier one durable; the log is written in
        // order, so no later entry can be durable without this one.
        self.group.wait_durable(seq, || Ok(engine.sync_log()?))?;
        Ok(seq)
    }

    fn append_in_order(&self, engine: &Engine, mut entry: AuditEntry, mut batch: Batch, now: OffsetDateTime) -> Result<u64> {
        let mut last = self.lock.lock().unwrap_or_else(|p| p.into_inner());
        let (seq, prev) = match last.take() {
            Some((seq, hash)) => (seq + 1, hash),
            None => {
                let head = AuditLog::head(engine)?;
                if let Some(h) = &head {
                    if h.public_key != hex::encode(self.public_key().as_bytes()) {
                        return Err(GovernanceError::Corrupt(
                            "the audit log was signed with another hub key: this key file does not belong to this store".into(),
                        ));
                    }
                }
                head.map_or((1, GENESIS.to_string()), |h| (h.seq + 1, h.hash))
            }
        };
        // From here `last` is None: a failed write leaves the head to be read again.
        entry.seq = seq;
        entry.prev = prev;
        entry.time = rfc3339(now);
        let bytes = serde_json::to_vec(&entry).expect("audit entries serialise");
        let hash = sha256_hex(&bytes);
        let signed = serde_json::to_vec(&self.sign(seq, &hash, now)).expect("checkpoints serialise");
        batch.put(cf::AUDIT, &entry_key(seq), &bytes);
        batch.put(cf::AUDIT, HEAD, &signed);
        if seq % CHECKPOINT_EVERY == 0 {
            batch.put(cf::AUDIT, &checkpoint_key(seq), &signed);
        }
        engine.write(batch, false)?;
        self.group.written(seq);
        *last = Some((seq, hash));
        Ok(seq)
    }

    /// Signs and keeps a checkpoint of the current head now (e.g. to publish it elsewhere).
    pub fn checkpoint(&self, engine: &Engine, now: OffsetDateTime) -> Result<Option<Checkpoint>> {
        let _guard = self.lock.lock().unwrap_or_else(|p| p.into_inner());
        let Some(head) = AuditLog::head(engine)? else { return Ok(None) };
        let c = self.sign(head.seq, &head.hash, now);
        let mut b = Batch::default();
        b.put(cf::AUDIT, &checkpoint_key(c.seq), &serde_json::to_vec(&c).expect("checkpoints serialise"));
        engine.write(b, true)?;
        Ok(Some(c))
    }

    /// Entries matching `filter`, oldest first (the last `limit` when given).
    pub fn entries(engine: &Engine, filter: &AuditFilter) -> Result<Vec<AuditEntry>> {
        let mut out = Vec::new();
        for item in engine.scan_prefix(cf::AUDIT, &[ENTRY]) {
            let (k, v) = item?;
            let e: AuditEntry = serde_json::from_slice(&v).map_err(|e| corrupt(&format!("entry at key {}", hex::encode(&k[1..])), e))?;
            if filter.matches(&e) {
                out.push(e);
            }
        }
        if let Some(n) = filter.limit {
            let skip = out.len().saturating_sub(n);
            out.drain(..skip);
        }
        Ok(out)
    }

    pub fn checkpoints(engine: &Engine) -> Result<Vec<Checkpoint>> {
        engine
            .scan_prefix(cf::AUDIT, &[CHECKPOINT])
            .map(|r| r.map_err(GovernanceError::from).and_then(|(_, v)| serde_json::from_slice(&v).map_err(|e| corrupt("checkpoint", e))))
            .collect()
    }
}
