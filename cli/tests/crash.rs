//! Crash safety: kill a child ingest at many points; the store must always reopen with the
//! batch either fully present or absent, and a retry must succeed.

use std::path::Path;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use genohub_store::{SampleSelection, Store, ViewRequest};

fn genohub() -> Command {
    Command::new(env!("CARGO_BIN_EXE_genohub"))
}

fn ingest(store: &Path, file: &Path) -> std::process::Child {
    genohub().arg("--store").arg(store).args(["-q", "ingest", "--center", "c"]).arg(file).stdout(Stdio::null()).stderr(Stdio::null()).spawn().unwrap()
}

fn record_count(store: &Store) -> u64 {
    let plan = store.plan_view(&ViewRequest { regions: vec![], samples: SampleSelection::All }).unwrap();
    store.write_view(&plan, &mut |_| Ok(())).unwrap()
}

#[test]
fn killed_ingest_leaves_a_store_with_the_batch_fully_present_or_absent() {
    let dir = tempfile::tempdir().unwrap();
    let vcf = dir.path().join("c.vcf.gz");
    let params = genohub_sim::CohortParams { samples: 300, length: 3_000_000, seed: 5, ..Default::default() };
    genohub_sim::write_cohort(&params, &vcf, None).unwrap();

    // A complete run gives the expected content and its duration.
    let full_dir = dir.path().join("full");
    let started = Instant::now();
    assert!(ingest(&full_dir, &vcf).wait().unwrap().success());
    let full_time = started.elapsed();
    let expected = record_count(&Store::open(&full_dir).unwrap());
    assert!(expected > 1000);

    // Kill points spread over the run, deterministic so a failure can be replayed.
    let mut seed = 0x9e37_79b9_7f4a_7c15u64;
    let mut saw_absent = false;
    for round in 0..8 {
        seed ^= seed << 13;
        seed ^= seed >> 7;
        seed ^= seed << 17;
        let delay = Duration::from_micros(seed % (full_time.as_micros() as u64 + 1));
        let store_dir = dir.path().join(format!("s{round}"));
        let mut child = ingest(&store_dir, &vcf);
        std::thread::sleep(delay);
        let _ = child.kill();
        let status = child.wait().unwrap();
        if !store_dir.join("db").exists() {
            saw_absent = true;
            continue;
        }
        let store = Store::open(&store_dir).unwrap_or_else(|e| panic!("round {round} ({delay:?}): store does not reopen: {e}"));
        let committed = store.committed_batches().unwrap();
        assert!(store.batches().unwrap().len() == committed.len(), "pending batch left after reopen");
        match committed.len() {
            0 => {
                saw_absent = true;
                assert!(store.samples().unwrap().is_empty());
                assert_eq!(record_count(&store), 0, "round {round}: uncommitted blocks visible");
                drop(store);
                assert!(ingest(&store_dir, &vcf).wait().unwrap().success(), "round {round}: retry failed");
                assert_eq!(record_count(&Store::open(&store_dir).unwrap()), expected);
            }
            1 => assert_eq!(record_count(&store), expected, "round {round} (exit {status:?}): committed batch incomplete"),
            n => panic!("{n} batches from one file"),
        }
    }
    assert!(saw_absent, "no kill point landed before the commit; the test did not exercise recovery");
}
