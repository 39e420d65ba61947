//! TLS with a certificate made in the test (rcgen), and jobs across a restart.

mod common;

use common::*;

#[test]
fn serves_https_with_the_given_certificate() {
    let fx = Fixture::new();
    let cert = rcgen::generate_simple_self_signed(vec!["localhost".to_string(), "127.0.0.1".to_string()]).unwrap();
    let dir = fx.dir.path();
    std::fs::write(dir.join("cert.pem"), cert.cert.pem()).unwrap();
    std::fs::write(dir.join("key.pem"), cert.key_pair.serialize_pem()).unwrap();
    let mut config = fx.config();
    config.tls = Some(genohub_server::TlsFiles { cert: dir.join("cert.pem"), key: dir.join("key.pem") });
    let srv = TestServer::start(config, fx.facts.clone());
    assert!(srv.url.starts_with("https://"));
    let https = reqwest::blocking::Client::builder().add_root_certificate(reqwest::Certificate::from_pem(cert.cert.pem().as_bytes()).unwrap()).build().unwrap();
    let resp = https.get(format!("{}/api/v1/health", srv.url)).send().unwrap();
    assert_eq!(resp.status().as_u16(), 200);
    // A client that does not trust the certificate is refused at the handshake.
    assert!(client().get(format!("{}/api/v1/health", srv.url)).send().is_err());
    // Plain HTTP to the TLS port gets no HTTP answer.
    assert!(client().get(format!("{}/api/v1/health", srv.url.replace("https", "http"))).send().is_err());
}

#[test]
fn unfinished_jobs_are_interrupted_at_restart_and_resumable_by_their_owner() {
    use genohub_server::jobs::{record, JobRecord, JobState};
    let fx = Fixture::new();
    let vcf = fx.cohort_vcf(9);
    let spool = genohub_server::config::default_spool(&fx.store_dir());
    let jobs_dir = spool.join("jobs");
    std::fs::create_dir_all(&jobs_dir).unwrap();
    // What a server killed mid-ingest leaves: a running job with its file, and one whose
    // file is gone.
    let job = |id: &str, name: &str| JobRecord {
        id: id.into(),
        kind: "ingest".into(),
        file_name: name.into(),
        bytes: 0,
        sha256: String::new(),
        center: CENTER.into(),
        owner: "up".into(),
        replace: false,
        state: JobState::Running,
        progress: Default::default(),
        created: 1,
        started: Some(2),
        finished: None,
        attempts: 1,
        error: None,
        result: None,
    };
    std::fs::create_dir_all(spool.join("uploads/aaaa")).unwrap();
    std::fs::copy(&vcf, spool.join("uploads/aaaa/kept.vcf")).unwrap();
    record::save(&jobs_dir, &job("aaaa", "kept.vcf")).unwrap();
    record::save(&jobs_dir, &job("bbbb", "lost.vcf")).unwrap();

    let srv = fx.start();
    let base = srv.url.as_str();
    let (_, kept) = get(&format!("{base}/api/v1/jobs/aaaa"), Some(fx.token("up")));
    assert_eq!(kept["state"], "interrupted", "{kept}");
    let (_, lost) = get(&format!("{base}/api/v1/jobs/bbbb"), Some(fx.token("up")));
    assert_eq!((lost["state"].as_str(), lost["error"]["code"].as_str()), (Some("failed"), Some("interrupted")));
    let (_, stats) = get(&format!("{base}/api/v1/stats"), None);
    assert_eq!(stats["batches"], 0, "nothing of the interrupted ingest is in the store");

    // Only the owner resumes; the job then runs to completion in the owner's session.
    let resp = client().post(format!("{base}/api/v1/jobs/aaaa/resume")).bearer_auth(fx.token("doc")).send().unwrap();
    assert_eq!(resp.status().as_u16(), 404);
    let resp = client().post(format!("{base}/api/v1/jobs/aaaa/resume")).bearer_auth(fx.token("up")).send().unwrap();
    assert_eq!(resp.status().as_u16(), 202);
    let done = wait_job(base, fx.token("up"), "aaaa");
    assert_eq!(done["state"], "succeeded", "{done}");
    assert_eq!(done["attempts"], 2);
    let resp = client().post(format!("{base}/api/v1/jobs/aaaa/resume")).bearer_auth(fx.token("up")).send().unwrap();
    assert_eq!(resp.status().as_u16(), 409);
    srv.stop();

    // Settled jobs survive a restart as they were.
    let srv = fx.start();
    let (_, again) = get(&format!("{}/api/v1/jobs/aaaa", srv.url), Some(fx.token("up")));
    assert_eq!(again["state"], "succeeded");
    let (_, stats) = get(&format!("{}/api/v1/stats", srv.url), None);
    assert_eq!(stats["samples"], SAMPLES);
}
