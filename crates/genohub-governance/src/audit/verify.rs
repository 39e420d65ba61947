use std::collections::BTreeSet;
use std::fmt;

use ed25519_dalek::{Signature, VerifyingKey};
use genohub_store::cf;
use genohub_store::engine::Engine;
use serde::Serialize;

use super::{sha256_hex, AuditEntry, AuditLog, Checkpoint, ENTRY, GENESIS};
use crate::error::Result;

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum ProblemKind {
    /// The entry's bytes are not what the chain (or a signed checkpoint) recorded.
    Changed,
    /// The entry is missing.
    Deleted,
    /// The entry was not appended through the log.
    Inserted,
    /// The entry is stored at another entry's position.
    Reordered,
    /// A head or checkpoint signature does not verify with the hub's key.
    BadSignature,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Problem {
    pub seq: u64,
    pub kind: ProblemKind,
    pub detail: String,
}

impl fmt::Display for Problem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "entry {}: {}", self.seq, self.detail)
    }
}

#[derive(Debug, Clone, Default, Serialize)]
pub struct VerifyReport {
    pub entries: u64,
    pub last_seq: u64,
    pub checkpoints: u64,
    pub problems: Vec<Problem>,
}

impl VerifyReport {
    pub fn is_ok(&self) -> bool {
        self.problems.is_empty()
    }
}

struct Stored {
    seq: u64,
    hash: String,
    entry: Option<AuditEntry>,
}

fn signature_ok(c: &Checkpoint, key: &VerifyingKey) -> bool {
    let Ok(bytes) = hex::decode(&c.signature) else { return false };
    let Ok(sig) = Signature::from_slice(&bytes) else { return false };
    key.verify_strict(&Checkpoint::message(c.seq, &c.hash), &sig).is_ok()
}

/// Checks the whole chain, the signed head and every checkpoint against `key`. Reports every
/// problem found, each naming the entry.
pub fn verify(engine: &Engine, key: &VerifyingKey) -> Result<VerifyReport> {
    let mut problems: Vec<Problem> = Vec::new();
    let mut push = |seq: u64, kind: ProblemKind, detail: String| problems.push(Problem { seq, kind, detail });
    let mut stored: Vec<Stored> = Vec::new();
    for item in engine.scan_prefix(cf::AUDIT, &[ENTRY]) {
        let (k, v) = item?;
        let Ok(seq_bytes) = <[u8; 8]>::try_from(&k[1..]) else {
            push(0, ProblemKind::Inserted, format!("a key that is no entry position ({})", hex::encode(&k)));
            continue;
        };
        stored.push(Stored { seq: u64::from_be_bytes(seq_bytes), hash: sha256_hex(&v), entry: serde_json::from_slice(&v).ok() });
    }
    let mut explained: BTreeSet<usize> = BTreeSet::new();
    let mut expected = 1u64;
    for (i, s) in stored.iter().enumerate() {
        if s.seq > expected {
            for missing in expected..s.seq {
                push(missing, ProblemKind::Deleted, "missing: deleted from the log".into());
            }
            explained.insert(i);
        }
        expected = s.seq + 1;
        match &s.entry {
            None => push(s.seq, ProblemKind::Changed, "changed: no longer a valid audit entry".into()),
            Some(e) if e.seq != s.seq => {
                push(s.seq, ProblemKind::Reordered, format!("reordered: the position holds entry {}", e.seq));
                explained.insert(i);
                explained.insert(i + 1);
            }
            Some(_) => {}
        }
    }
    // Links: entry i must carry the hash of entry i−1.
    let link_ok = |i: usize| -> bool {
        let want = if i == 0 { GENESIS } else { stored[i - 1].hash.as_str() };
        stored[i].entry.as_ref().is_some_and(|e| e.prev == want)
    };
    let broken: Vec<bool> = (0..stored.len()).map(|i| !link_ok(i)).collect();
    // A changed entry breaks the link of the next one (its hash changed) and, when the change
    // is in its own link, its own too: blame the entry that explains the breaks.
    let mut explained_by_previous = false;
    for i in 0..stored.len() {
        let skip = !broken[i] || explained.contains(&i) || (i == 0 && stored[0].seq != 1) || explained_by_previous;
        explained_by_previous = false;
        if skip {
            continue;
        }
        if stored[i].entry.is_none() {
            // Already reported as changed; the next link breaks because of it.
            explained_by_previous = true;
            continue;
        }
        let next_breaks = i + 1 < stored.len() && broken[i + 1] && !explained.contains(&(i + 1)) && stored[i + 1].entry.is_some();
        if next_breaks {
            push(stored[i].seq, ProblemKind::Changed, "changed: its hash and its link both disagree with the chain".into());
            explained_by_previous = true;
        } else if i == 0 {
            push(stored[0].seq, ProblemKind::Changed, "changed: the first entry does not start the chain".into());
        } else if i >= 2 && stored[i].entry.as_ref().is_some_and(|e| e.prev == stored[i - 2].hash) {
            push(stored[i - 1].seq, ProblemKind::Inserted, format!("inserted: entry {} links past it to entry {}", stored[i].seq, stored[i - 2].seq));
        } else {
            push(stored[i - 1].seq, ProblemKind::Changed, format!("changed: its hash is not the one entry {} recorded", stored[i].seq));
        }
    }
    let last = stored.last().map_or(0, |s| s.seq);
    match AuditLog::head(engine) {
        Ok(Some(head)) => {
            if !signature_ok(&head, key) {
                push(head.seq, ProblemKind::BadSignature, "the signed head does not verify with the hub key".into());
            } else if head.seq > last {
                for missing in last + 1..=head.seq {
                    push(missing, ProblemKind::Deleted, "missing: the log was truncated before the signed head".into());
                }
            } else if head.seq < last {
                for extra in head.seq + 1..=last {
                    push(extra, ProblemKind::Inserted, "inserted: appended after the last signed head".into());
                }
            } else if stored.last().is_some_and(|s| s.hash != head.hash) {
                push(last, ProblemKind::Changed, "changed: its hash is not the one the signed head records".into());
            }
        }
        Ok(None) if last > 0 => push(last, ProblemKind::Deleted, "the signed head of the log is missing".into()),
        Ok(None) => {}
        Err(e) => push(last, ProblemKind::Changed, format!("the head is unreadable: {e}")),
    }
    let checkpoints = AuditLog::checkpoints(engine).unwrap_or_default();
    for c in &checkpoints {
        if !signature_ok(c, key) {
            push(c.seq, ProblemKind::BadSignature, "a checkpoint signature does not verify with the hub key".into());
            continue;
        }
        match stored.iter().find(|s| s.seq == c.seq) {
            None => push(c.seq, ProblemKind::Deleted, "missing: a signed checkpoint covers it".into()),
            Some(s) if s.hash != c.hash => push(c.seq, ProblemKind::Changed, "changed: its hash is not the one a signed checkpoint records".into()),
            Some(_) => {}
        }
    }
    problems.sort_by_key(|p| (p.seq, p.kind));
    problems.dedup_by(|a, b| a.seq == b.seq && a.kind == b.kind);
    Ok(VerifyReport { entries: stored.len() as u64, last_seq: last, checkpoints: checkpoints.len() as u64, problems })
}
