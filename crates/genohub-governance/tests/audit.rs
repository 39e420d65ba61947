//! The audit log detects every kind of tampering with the stored entries, naming the entry:
//! entries are changed, deleted, swapped and inserted directly in the RocksDB column family,
//! as someone with access to the store's files could.

use genohub_governance::audit::ProblemKind;
use genohub_governance::{AuditFilter, Clock, Hub, OrgKind, VerifyReport};
use genohub_keys::HubKey;
use genohub_store::cf;
use genohub_store::engine::Batch;
use genohub_store::Store;
use time::macros::datetime;

fn entry_key(seq: u64) -> Vec<u8> {
    let mut k = vec![b'e'];
    k.extend_from_slice(&seq.to_be_bytes());
    k
}

/// A hub with `n` audited changes (organisations created).
fn hub_with_entries(dir: &std::path::Path, n: usize) -> Hub {
    let store = Store::open(&dir.join("store")).unwrap();
    let hub = Hub::new(store, HubKey::from_bytes([9; 32])).unwrap().with_clock(Clock::Fixed(datetime!(2026-05-01 10:00 UTC)));
    let op = hub.operator();
    for i in 0..n {
        op.create_org(&format!("org{i}"), &format!("Organisation {i}"), OrgKind::Academic).unwrap();
    }
    hub
}

fn verify(hub: &Hub) -> VerifyReport {
    // Verification is itself audited; read the report before that entry matters.
    hub.operator().audit_verify().unwrap()
}

fn raw(hub_store: &Store, seq: u64) -> Vec<u8> {
    hub_store.engine().get(cf::AUDIT, &entry_key(seq)).unwrap().unwrap()
}

fn put(store: &Store, seq: u64, bytes: &[u8]) {
    let mut b = Batch::default();
    b.put(cf::AUDIT, &entry_key(seq), bytes);
    store.engine().write(b, true).unwrap();
}

/// Tampering needs the store itself; the hub owns it, so reopen it beside the hub's key.
fn tamper(dir: &std::path::Path, hub: Hub, f: impl FnOnce(&Store)) -> Hub {
    let clock = hub.clock();
    drop(hub);
    let store = Store::open(&dir.join("store")).unwrap();
    f(&store);
    Hub::new(store, HubKey::from_bytes([9; 32])).unwrap().with_clock(clock)
}

#[test]
fn an_untouched_log_verifies_and_every_change_is_recorded() {
    let dir = tempfile::tempdir().unwrap();
    let hub = hub_with_entries(dir.path(), 5);
    let r = verify(&hub);
    assert!(r.is_ok(), "{:?}", r.problems);
    assert_eq!((r.entries, r.last_seq), (5, 5));
    let log = hub.operator().audit_log(&AuditFilter::default()).unwrap();
    // 5 creations, the verification, and nothing else yet (the read is recorded after it).
    assert_eq!(log.len(), 6);
    assert_eq!(log[0].operation, "org.create");
    assert_eq!(log[0].parameters["org"], "org0");
    assert_eq!(log[5].operation, "audit.verify");
    assert!(log.windows(2).all(|w| w[1].seq == w[0].seq + 1));
    assert!(verify(&hub).is_ok(), "reads and verifications keep the chain valid");
}

#[test]
fn flipping_one_byte_names_the_entry() {
    for target in [1u64, 3, 5] {
        let dir = tempfile::tempdir().unwrap();
        let hub = hub_with_entries(dir.path(), 5);
        let hub = tamper(dir.path(), hub, |s| {
            let mut bytes = raw(s, target);
            // A byte inside the parameters ("Organisation N" → another letter).
            let at = bytes.windows(12).position(|w| w == b"Organisation").unwrap();
            bytes[at] ^= 0x01;
            put(s, target, &bytes);
        });
        let r = verify(&hub);
        assert!(!r.is_ok());
        assert!(r.problems.iter().all(|p| p.seq == target && p.kind == ProblemKind::Changed), "target {target}: {:?}", r.problems);
    }
}

#[test]
fn flipping_a_byte_of_the_link_or_the_syntax_is_caught_too() {
    let dir = tempfile::tempdir().unwrap();
    let hub = hub_with_entries(dir.path(), 4);
    let hub = tamper(dir.path(), hub, |s| {
        let mut bytes = raw(s, 2);
        let at = bytes.windows(7).position(|w| w == b"\"prev\":").unwrap() + 9;
        bytes[at] = if bytes[at] == b'0' { b'1' } else { b'0' };
        put(s, 2, &bytes);
        let mut bytes = raw(s, 4);
        bytes[0] = b'[';
        put(s, 4, &bytes);
    });
    let r = verify(&hub);
    let named: Vec<(u64, ProblemKind)> = r.problems.iter().map(|p| (p.seq, p.kind)).collect();
    assert_eq!(named, vec![(2, ProblemKind::Changed), (4, ProblemKind::Changed)], "{:?}", r.problems);
}

#[test]
fn deleting_an_entry_names_it() {
    let dir = tempfile::tempdir().unwrap();
    let hub = hub_with_entries(dir.path(), 5);
    let hub = tamper(dir.path(), hub, |s| {
        let mut b = Batch::default();
        b.delete(cf::AUDIT, &entry_key(3));
        s.engine().write(b, true).unwrap();
    });
    let r = verify(&hub);
    let named: Vec<(u64, ProblemKind)> = r.problems.iter().map(|p| (p.seq, p.kind)).collect();
    assert_eq!(named, vec![(3, ProblemKind::Deleted)], "{:?}", r.problems);
}

#[test]
fn deleting_the_last_entries_is_caught_by_the_signed_head() {
    let dir = tempfile::tempdir().unwrap();
    let hub = hub_with_entries(dir.path(), 5);
    let hub = tamper(dir.path(), hub, |s| {
        let mut b = Batch::default();
        b.delete(cf::AUDIT, &entry_key(5));
        b.delete(cf::AUDIT, &entry_key(4));
        s.engine().write(b, true).unwrap();
    });
    let r = verify(&hub);
    let named: Vec<(u64, ProblemKind)> = r.problems.iter().map(|p| (p.seq, p.kind)).collect();
    assert_eq!(named, vec![(4, ProblemKind::Deleted), (5, ProblemKind::Deleted)], "{:?}", r.problems);
}

#[test]
fn swapping_two_entries_names_both() {
    let dir = tempfile::tempdir().unwrap();
    let hub = hub_with_entries(dir.path(), 5);
    let hub = tamper(dir.path(), hub, |s| {
        let (a, b) = (raw(s, 2), raw(s, 3));
        put(s, 2, &b);
        put(s, 3, &a);
    });
    let r = verify(&hub);
    let named: Vec<(u64, ProblemKind)> = r.problems.iter().map(|p| (p.seq, p.kind)).collect();
    assert_eq!(named, vec![(2, ProblemKind::Reordered), (3, ProblemKind::Reordered)], "{:?}", r.problems);
}

#[test]
fn inserted_entries_are_named_even_with_a_correct_link() {
    let dir = tempfile::tempdir().unwrap();
    let hub = hub_with_entries(dir.path(), 3);
    // A forged entry appended with the right link to entry 3: only the signed head knows.
    let hub = tamper(dir.path(), hub, |s| {
        use sha2::{Digest, Sha256};
        let last = raw(s, 3);
        let mut forged: serde_json::Value = serde_json::from_slice(&last).unwrap();
        forged["seq"] = 4.into();
        forged["prev"] = hex::encode(Sha256::digest(&last)).into();
        forged["actor"] = "someone-else".into();
        put(s, 4, &serde_json::to_vec(&forged).unwrap());
    });
    let r = verify(&hub);
    let named: Vec<(u64, ProblemKind)> = r.problems.iter().map(|p| (p.seq, p.kind)).collect();
    assert_eq!(named, vec![(4, ProblemKind::Inserted)], "{:?}", r.problems);
}

#[test]
fn a_store_opened_with_another_key_cannot_extend_or_verify_its_log() {
    let dir = tempfile::tempdir().unwrap();
    let hub = hub_with_entries(dir.path(), 2);
    drop(hub);
    let store = Store::open(&dir.path().join("store")).unwrap();
    let other = Hub::new(store, HubKey::from_bytes([1; 32])).unwrap();
    let e = other.operator().create_org("x", "X", OrgKind::Hospital).unwrap_err();
    assert!(e.to_string().contains("another hub key"), "{e}");
}
