//! What `genohub serve` is told: where to listen, the store, TLS, limits.

use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::time::Duration;

#[derive(Debug, Clone)]
pub struct ServerConfig {
    pub listen: SocketAddr,
    pub store_dir: PathBuf,
    /// Uploads in progress and job records; beside the store, never inside it (the store's
    /// size statistics would count half-received files).
    pub spool_dir: PathBuf,
    pub tls: Option<TlsFiles>,
    /// Largest accepted upload body, in bytes.
    pub max_upload_bytes: u64,
    /// Largest accepted body of any other request.
    pub max_body_bytes: usize,
    /// Time allowed for an ordinary request.
    pub request_timeout: Duration,
    /// Time allowed for one upload (a whole genome's BAM takes a while).
    pub upload_timeout: Duration,
    /// On shutdown, how long running requests and the running ingest may take to finish.
    pub shutdown_grace: Duration,
    /// Reference FASTA used to normalise uploaded variants (as `genohub ingest --reference`).
    pub reference: Option<PathBuf>,
    /// The URL clients reach this server at, for htsget tickets; defaults to the listen address.
    pub public_url: Option<String>,
    /// The hub key file (default: beside the store, as genohub-keys places it).
    pub key_file: Option<PathBuf>,
    /// Governed calls (authentication, policy, the query, the audit append) run at once on the
    /// blocking pool; further requests wait their turn in order. Unbounded, 64 concurrent
    /// queries on two cores each took seconds and some timed out; bounded, they queue.
    pub governed_concurrency: usize,
    /// Variant lookups (Beacon counts, position lookups) whose counts the hub keeps between
    /// calls; 0 counts every lookup afresh. Authorisation and the audit run on every call.
    pub lookup_cache: usize,
}

#[derive(Debug, Clone)]
pub struct TlsFiles {
    pub cert: PathBuf,
    pub key: PathBuf,
}

impl ServerConfig {
    pub fn new(listen: SocketAddr, store_dir: impl Into<PathBuf>) -> ServerConfig {
        let store_dir = store_dir.into();
        ServerConfig {
            listen,
            spool_dir: default_spool(&store_dir),
            store_dir,
            tls: None,
            max_upload_bytes: 200 << 30,
            max_body_bytes: 1 << 20,
            request_timeout: Duration::from_secs(300),
            upload_timeout: Duration::from_secs(6 * 3600),
            shutdown_grace: Duration::from_secs(30),
            reference: None,
            public_url: None,
            key_file: None,
            governed_concurrency: default_governed_concurrency(),
            lookup_cache: default_lookup_cache(),
        }
    }
}

/// `GENOHUB_GOVERNED_CONCURRENCY` when set, else four per core: some computing while others
/// wait for the audit log's shared sync (audit/group_sync.rs). Measured with
/// benches/server_load.sh (Beacon counts, 64 connections, two cores, counts kept): 4 slots
/// 5,900 answers/s with p99 18.7 ms, 8 slots 8,400/s with 13.1 ms, 16 no better than 8; with
/// uncached counts 4, 8 and 16 were alike. 32 under other load gave a several times worse p99
/// (threads competing for the cores).
pub fn default_governed_concurrency() -> usize {
    if let Some(n) = std::env::var("GENOHUB_GOVERNED_CONCURRENCY").ok().and_then(|v| v.trim().parse::<usize>().ok()).filter(|&n| n > 0) {
        return n;
    }
    4 * std::thread::available_parallelism().map_or(2, |n| n.get())
}

/// `GENOHUB_LOOKUP_CACHE` (entries; 0 turns the cache off, e.g. to measure uncached counts)
/// when set, else the hub's default.
pub fn default_lookup_cache() -> usize {
    std::env::var("GENOHUB_LOOKUP_CACHE").ok().and_then(|v| v.trim().parse::<usize>().ok()).unwrap_or(genohub_governance::DEFAULT_LOOKUPS_KEPT)
}

/// `DIR.spool` next to the store directory `DIR`.
pub fn default_spool(store_dir: &Path) -> PathBuf {
    let mut name = store_dir.file_name().map(|n| n.to_os_string()).unwrap_or_else(|| "genohub-data".into());
    name.push(".spool");
    store_dir.with_file_name(name)
}
