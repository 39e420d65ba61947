//! A sequencing center uploads a BAM: the job ingests it through the governed session (depth,
//! QC, kept file) and reports the sample; another hospital's user is refused before any byte.

mod common;

use std::fmt::Write as _;

use common::*;
use genohub_store::Store;

/// 40 reads of 50 bp tiled every 25 bp on chr20 from 1,001, all of sample S-BAM.
fn sam() -> String {
    let mut s = String::from("@HD\tVN:1.6\tSO:coordinate\n@SQ\tSN:chr20\tLN:100000\n@RG\tID:rg1\tSM:S-BAM\n");
    for i in 0..40 {
        let pos = 1001 + i * 25;
        let _ = writeln!(s, "r{i}\t0\tchr20\t{pos}\t60\t50M\t*\t0\t0\t{}\t{}\tRG:Z:rg1", "A".repeat(50), "I".repeat(50));
    }
    s
}

#[test]
fn a_bam_upload_becomes_the_samples_depth_and_qc() {
    let fx = Fixture::new();
    let bam = fx.dir.path().join("s.bam");
    genohub_reads::sam_to_bam::write_bam(&sam(), &bam).unwrap();
    let bytes = std::fs::read(&bam).unwrap();
    let sha = sha256_hex(&bytes);
    let srv = fx.start();
    let base = srv.url.as_str();

    let (status, body) = upload(base, Some(fx.token("doc")), "s.bam", bytes.clone(), Some(&sha));
    assert_eq!((status, body["code"].as_str()), (403, Some("forbidden")), "{body}");

    let (status, job) = upload(base, Some(fx.token("up")), "s.bam", bytes.clone(), Some(&sha));
    assert_eq!(status, 202, "{job}");
    let job = wait_job(base, fx.token("up"), job["id"].as_str().unwrap());
    assert_eq!(job["state"], "succeeded", "{job}");
    assert_eq!(job["result"]["reads"]["sample"], format!("{CENTER}/S-BAM"), "{job}");
    assert_eq!(job["result"]["reads"]["records"], 40, "{job}");
    assert!(job["result"]["batch"].is_null(), "a BAM writes no variant batch: {job}");
    srv.stop();

    let store = Store::open(&fx.store_dir()).unwrap();
    let r = store.read_sample(CENTER, "S-BAM").unwrap().expect("the read sample is stored");
    assert_eq!(r.file_sha256, sha);
    assert!(store.root().join(r.stored_file.unwrap()).exists(), "the BAM is kept for htsget");
}
