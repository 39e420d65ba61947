//! A real hub for the HTTP tests: a RocksDB store in a tempdir with its key, organisations and
//! users of every role with their tokens (made through the governance operator session, as
//! an administrator would), and the real server on an ephemeral loopback port.

#![allow(dead_code)]

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use genohub_clinical::{ConsentInForce, GenomicSampleRef, PatientFacts};
use genohub_duo::DataUse;
use genohub_governance::{FactsTable, Hub, OrgKind, Role};
use genohub_keys::HubKey;
use genohub_server::{Server, ServerConfig};
use genohub_store::{IngestOptions, NoProgress, Store};
use serde_json::Value;

pub const CENTER: &str = "tokyo-seq";
pub const SAMPLES: usize = 12;

pub struct Fixture {
    pub dir: tempfile::TempDir,
    pub tokens: HashMap<String, String>,
    pub facts: Vec<PatientFacts>,
}

pub fn sample_name(i: usize) -> String {
    format!("SIM{:05}", i + 1)
}

/// Patient i: hospital `hosp-a` when even, `hosp-b` when odd; all consent GRU+CC with
/// secondary use.
pub fn facts() -> Vec<PatientFacts> {
    (0..SAMPLES)
        .map(|i| PatientFacts {
            pseudonym: format!("pt{i:03}"),
            hospitals: vec![if i % 2 == 0 { "hosp-a" } else { "hosp-b" }.into()],
            consent: Some(ConsentInForce {
                data_use: DataUse::parse("GRU+CC").unwrap(),
                date: time::macros::date!(2025 - 06 - 01),
                form_version: "v3".into(),
                secondary_use: true,
                recontact: true,
            }),
            withdrawn: false,
            samples: vec![GenomicSampleRef { center: CENTER.into(), name: sample_name(i) }],
        })
        .collect()
}

impl Fixture {
    pub fn new() -> Fixture {
        let dir = tempfile::tempdir().unwrap();
        let f = Fixture { dir, tokens: HashMap::new(), facts: facts() };
        let hub = f.hub();
        let op = hub.operator();
        for (id, kind) in [
            (CENTER, OrgKind::SequencingCenter),
            ("hosp-a", OrgKind::Hospital),
            ("hosp-b", OrgKind::Hospital),
            ("pharma", OrgKind::Company),
            ("irc", OrgKind::Committee),
        ] {
            op.create_org(id, &format!("{id} organisation"), kind).unwrap();
        }
        let mut tokens = HashMap::new();
        for (user, org, role) in [
            ("up", CENTER, Role::Uploader),
            ("doc", "hosp-a", Role::Clinician),
            ("docb", "hosp-b", Role::Clinician),
            ("res", "pharma", Role::Researcher),
            ("rev", "irc", Role::Committee),
        ] {
            op.create_user(user, org, role).unwrap();
            tokens.insert(user.to_string(), op.create_token(user, 30, "test").unwrap().secret.to_string());
        }
        drop(hub);
        Fixture { tokens, ..f }
    }

    pub fn store_dir(&self) -> PathBuf {
        self.dir.path().join("store")
    }

    /// The hub over the store, as the server opens it (the store must not be served now).
    pub fn hub(&self) -> Hub {
        // A stopped server's last blocking tasks may still be closing the store for a moment.
        let deadline = Instant::now() + Duration::from_secs(20);
        let store = loop {
            match Store::open(&self.store_dir()) {
                Err(genohub_store::StoreError::Busy(_)) if Instant::now() < deadline => std::thread::sleep(Duration::from_millis(50)),
                other => break other.unwrap(),
            }
        };
        let key = HubKey::load_or_generate(&genohub_keys::default_path(&self.store_dir()), true).unwrap();
        Hub::new(store, key).unwrap()
    }

    pub fn token(&self, user: &str) -> &str {
        &self.tokens[user]
    }

    /// A simulated cohort of [`SAMPLES`] samples on chr20, as plain VCF.
    pub fn cohort_vcf(&self, seed: u64) -> PathBuf {
        let path = self.dir.path().join(format!("cohort{seed}.vcf"));
        let params = genohub_sim::CohortParams { samples: SAMPLES, length: 40_000, seed, contig: "chr20".into(), ..Default::default() };
        genohub_sim::write_cohort_vcf(&params, std::fs::File::create(&path).unwrap()).unwrap();
        path
    }

    /// Ingests a file directly through the operator session (before the server starts).
    pub fn ingest(&self, path: &Path) {
        let hub = self.hub();
        hub.operator().ingest(path, &IngestOptions { center: CENTER.into(), threads: 2, ..Default::default() }, &NoProgress).unwrap();
    }

    /// Imports each hospital's clinical CSV into the clinical repository of the store (as
    /// `genohub patient import` does), before the server starts.
    pub fn import_clinical(&self, csvs: &[(&str, String)]) {
        let store = Store::open(&self.store_dir()).unwrap();
        let key = HubKey::load_or_generate(&genohub_keys::default_path(&self.store_dir()), false).unwrap();
        let clinical = genohub_clinical::Clinical::new(&store, &key).unwrap();
        for (hospital, csv) in csvs {
            let path = self.dir.path().join(format!("{hospital}.csv"));
            std::fs::write(&path, csv).unwrap();
            clinical.import(hospital, &[path]).unwrap();
        }
    }

    pub fn config(&self) -> ServerConfig {
        ServerConfig::new("127.0.0.1:0".parse().unwrap(), self.store_dir())
    }

    pub fn start(&self) -> TestServer {
        TestServer::start(self.config(), self.facts.clone())
    }
}

pub struct TestServer {
    pub url: String,
    rt: tokio::runtime::Runtime,
    stop: Option<tokio::sync::oneshot::Sender<()>>,
    done: Option<tokio::task::JoinHandle<anyhow::Result<()>>>,
}

impl TestServer {
    pub fn start(config: ServerConfig, facts: Vec<PatientFacts>) -> TestServer {
        genohub_server::logging::init();
        let rt = tokio::runtime::Builder::new_multi_thread().worker_threads(2).enable_all().build().unwrap();
        let server = rt.block_on(Server::bind_with(config, Box::new(move |hub| hub.with_clinical(Box::new(FactsTable { facts }))))).unwrap();
        let url = server.url();
        let (tx, rx) = tokio::sync::oneshot::channel::<()>();
        let done = rt.spawn(server.run(async move {
            let _ = rx.await;
        }));
        TestServer { url, rt, stop: Some(tx), done: Some(done) }
    }

    /// The server as `genohub serve` runs it: patients come from the clinical repository in
    /// the store (imported before the start), not from a facts table.
    pub fn start_with_repository(config: ServerConfig) -> TestServer {
        genohub_server::logging::init();
        let rt = tokio::runtime::Builder::new_multi_thread().worker_threads(2).enable_all().build().unwrap();
        let server = rt.block_on(Server::bind(config)).unwrap();
        let url = server.url();
        let (tx, rx) = tokio::sync::oneshot::channel::<()>();
        let done = rt.spawn(server.run(async move {
            let _ = rx.await;
        }));
        TestServer { url, rt, stop: Some(tx), done: Some(done) }
    }

    /// Graceful shutdown; returns once the server and its job queue stopped.
    pub fn stop(mut self) {
        self.shutdown();
    }

    fn shutdown(&mut self) {
        if let Some(tx) = self.stop.take() {
            let _ = tx.send(());
        }
        if let Some(done) = self.done.take() {
            self.rt.block_on(done).unwrap().unwrap();
        }
    }
}

impl Drop for TestServer {
    fn drop(&mut self) {
        self.shutdown();
    }
}

pub fn client() -> reqwest::blocking::Client {
    reqwest::blocking::Client::builder().timeout(Duration::from_secs(120)).build().unwrap()
}

/// GET with an optional token; status and JSON body.
pub fn get(url: &str, token: Option<&str>) -> (u16, Value) {
    let mut r = client().get(url);
    if let Some(t) = token {
        r = r.bearer_auth(t);
    }
    let resp = r.send().unwrap();
    let status = resp.status().as_u16();
    let text = resp.text().unwrap();
    (status, serde_json::from_str(&text).unwrap_or_else(|e| panic!("{url}: body {text:?}: {e}")))
}

/// Any method with an optional token and JSON body; status and JSON body (null if none).
pub fn send(method: reqwest::Method, url: &str, token: Option<&str>, body: Option<Value>) -> (u16, Value) {
    let mut r = client().request(method, url);
    if let Some(t) = token {
        r = r.bearer_auth(t);
    }
    if let Some(b) = body {
        r = r.json(&b);
    }
    let resp = r.send().unwrap();
    let status = resp.status().as_u16();
    (status, resp.json().unwrap_or(Value::Null))
}

pub fn sha256_hex(bytes: &[u8]) -> String {
    use sha2::Digest;
    hex::encode(sha2::Sha256::digest(bytes))
}

/// PUT an upload with the right checksum header; status and JSON body.
pub fn upload(base: &str, token: Option<&str>, name: &str, body: Vec<u8>, sha: Option<&str>) -> (u16, Value) {
    let mut r = client().put(format!("{base}/api/v1/uploads/{name}")).body(body);
    if let Some(t) = token {
        r = r.bearer_auth(t);
    }
    if let Some(s) = sha {
        r = r.header("X-Content-SHA256", s);
    }
    let resp = r.send().unwrap();
    let status = resp.status().as_u16();
    (status, resp.json().unwrap())
}

/// Polls a job until it is settled.
pub fn wait_job(base: &str, token: &str, id: &str) -> Value {
    let start = Instant::now();
    loop {
        let (status, job) = get(&format!("{base}/api/v1/jobs/{id}"), Some(token));
        assert_eq!(status, 200, "{job}");
        if matches!(job["state"].as_str(), Some("succeeded" | "failed" | "interrupted")) {
            return job;
        }
        assert!(start.elapsed() < Duration::from_secs(120), "job {id} did not finish: {job}");
        std::thread::sleep(Duration::from_millis(100));
    }
}

/// The first data line of a plain VCF with an alternate allele carried by someone:
/// (chrom, pos, ref, alt).
pub fn carried_variant(vcf: &Path) -> (String, u64, String, String) {
    let text = std::fs::read_to_string(vcf).unwrap();
    for line in text.lines().filter(|l| !l.starts_with('#')) {
        let f: Vec<&str> = line.split('\t').collect();
        if !f[4].contains(',') && f[9..].iter().any(|g| g.split(':').next().unwrap().contains('1')) {
            return (f[0].into(), f[1].parse().unwrap(), f[3].into(), f[4].into());
        }
    }
    panic!("no carried variant in {}", vcf.display());
}

pub fn have(tool: &str) -> bool {
    std::process::Command::new(tool).arg("--version").output().is_ok_and(|o| o.status.success())
}
