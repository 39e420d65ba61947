//! What every handler shares: the governed hub (which owns the store), the job queue, the
//! configuration.

use std::sync::Arc;

use tokio::sync::{OwnedSemaphorePermit, Semaphore};

use genohub_governance::{Hub, Session};
use genohub_keys::HubKey;
use genohub_store::Store;

use crate::auth::Caller;
use crate::config::ServerConfig;
use crate::error::ApiError;
use crate::jobs::JobQueue;

/// Completes the hub before the server uses it.
pub type HubSetup = Box<dyn FnOnce(Hub) -> Hub + Send>;

#[derive(Clone)]
pub struct AppState {
    pub hub: Arc<Hub>,
    pub jobs: JobQueue,
    pub config: Arc<ServerConfig>,
    /// Bounds the governed calls running at once (`ServerConfig::governed_concurrency`).
    pub governed_slots: Arc<Semaphore>,
}

impl AppState {
    /// Opens (creating on first use) the store read-write (which also discards batches an
    /// interrupted ingest left pending), the hub key beside it, and the job queue.
    pub fn open(config: ServerConfig) -> anyhow::Result<AppState> {
        AppState::open_with(config, Box::new(|hub| hub))
    }

    /// As [`AppState::open`], letting the caller attach to the hub what the configuration
    /// cannot name (a clinical source, the OncoTree).
    pub fn open_with(config: ServerConfig, setup: HubSetup) -> anyhow::Result<AppState> {
        // A key is created only with a new store: an existing store whose key file is missing
        // has lost its key (or was given the wrong path), and a new key would only hide that.
        let fresh = !config.store_dir.join("db").join("CURRENT").exists();
        let key_path = config.key_file.clone().unwrap_or_else(|| genohub_keys::default_path(&config.store_dir));
        let key = HubKey::load_or_generate(&key_path, fresh)?;
        let store = Store::open(&config.store_dir)?;
        let hub = Arc::new(setup(Hub::new(store, key)?.with_lookup_cache(config.lookup_cache)));
        let jobs = JobQueue::open(&config.spool_dir, hub.clone(), config.reference.clone())
            .map_err(|e| anyhow::anyhow!("opening the job spool {}: {e}", config.spool_dir.display()))?;
        let governed_slots = Arc::new(Semaphore::new(config.governed_concurrency.max(1)));
        Ok(AppState { hub, jobs, config: Arc::new(config), governed_slots })
    }

    /// Runs `f` in the session of the caller's token, off the async workers (governed calls
    /// read RocksDB and append to the audit log). Anonymous callers get 401.
    pub async fn governed<T: Send + 'static>(
        &self,
        caller: &Caller,
        f: impl FnOnce(&Session<'_>) -> Result<T, ApiError> + Send + 'static,
    ) -> Result<T, ApiError> {
        let token = caller.token()?.to_string();
        let hub = self.hub.clone();
        let slot = self.slot().await?;
        tokio::task::spawn_blocking(move || {
            let _slot = slot;
            let session = hub.authenticate(&token).map_err(ApiError::from)?;
            f(&session)
        })
        .await
        .map_err(|e| ApiError::internal("a governed call", e))?
    }

    /// Runs `f` in the caller's session: the token's user, or the anonymous principal when
    /// there is no token (public answers: the matrix's `anonymous` column decides, and the call
    /// is audited like any other).
    pub async fn session<T: Send + 'static>(
        &self,
        caller: &Caller,
        f: impl FnOnce(&Session<'_>) -> Result<T, ApiError> + Send + 'static,
    ) -> Result<T, ApiError> {
        let token = match caller {
            Caller::Anonymous => None,
            Caller::Bearer(t) => Some(t.clone()),
        };
        let hub = self.hub.clone();
        let slot = self.slot().await?;
        tokio::task::spawn_blocking(move || {
            let _slot = slot;
            let session = match &token {
                Some(t) => hub.authenticate(t).map_err(ApiError::from)?,
                None => hub.anonymous(),
            };
            f(&session)
        })
        .await
        .map_err(|e| ApiError::internal("a governed call", e))?
    }

    /// Waits for a free governed-call slot (FIFO). Held by the blocking task until it ends, so
    /// a request whose client went away still finishes (and is audited) before the slot frees.
    async fn slot(&self) -> Result<OwnedSemaphorePermit, ApiError> {
        self.governed_slots.clone().acquire_owned().await.map_err(|e| ApiError::internal("the governed-call limit", e))
    }

    /// Store metadata that names no one (contig dictionary, genome builds), off the async
    /// workers.
    pub async fn metadata<T: Send + 'static>(&self, f: impl FnOnce(&Hub) -> Result<T, ApiError> + Send + 'static) -> Result<T, ApiError> {
        let hub = self.hub.clone();
        tokio::task::spawn_blocking(move || f(&hub)).await.map_err(|e| ApiError::internal("a metadata read", e))?
    }

    /// A read-only view of the store opened for the request (the upload's duplicate check,
    /// before the job's governed ingest). Never for personal data: that goes through a session.
    pub async fn public_read<T: Send + 'static>(&self, f: impl FnOnce(&Store) -> Result<T, ApiError> + Send + 'static) -> Result<T, ApiError> {
        let dir = self.config.store_dir.clone();
        tokio::task::spawn_blocking(move || {
            let store = Store::open_read_only(&dir)?;
            f(&store)
        })
        .await
        .map_err(|e| ApiError::internal("a store read", e))?
    }
}

impl AppState {
    /// Where clients reach this server: the configured public URL, else the Host they used.
    pub fn base_url(&self, headers: &axum::http::HeaderMap) -> String {
        if let Some(u) = &self.config.public_url {
            return u.trim_end_matches('/').to_string();
        }
        let host = headers.get(axum::http::header::HOST).and_then(|h| h.to_str().ok()).map(String::from).unwrap_or_else(|| self.config.listen.to_string());
        let scheme = if self.config.tls.is_some() { "https" } else { "http" };
        format!("{scheme}://{host}")
    }
}
