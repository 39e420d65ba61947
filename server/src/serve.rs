//! Binding and running the server: plain HTTP or TLS (rustls), graceful shutdown that lets
//! running requests finish and leaves the running ingest job resumable.

use std::future::Future;
use std::net::SocketAddr;
use std::sync::Arc;

use anyhow::Context;

use crate::config::ServerConfig;
use crate::state::{AppState, HubSetup};

pub struct Server {
    listener: std::net::TcpListener,
    state: AppState,
    tls: Option<Arc<rustls::ServerConfig>>,
}

impl Server {
    /// Opens the store and the job queue and binds the listening socket.
    pub async fn bind(config: ServerConfig) -> anyhow::Result<Server> {
        Server::bind_with(config, Box::new(|hub| hub)).await
    }

    /// As [`Server::bind`], with a hook completing the hub (clinical source, OncoTree).
    pub async fn bind_with(config: ServerConfig, setup: HubSetup) -> anyhow::Result<Server> {
        let tls = config.tls.as_ref().map(crate::tls::server_config).transpose()?;
        let listen = config.listen;
        let state = tokio::task::spawn_blocking(move || AppState::open_with(config, setup)).await??;
        let listener = std::net::TcpListener::bind(listen).with_context(|| format!("listening on {listen}"))?;
        listener.set_nonblocking(true)?;
        Ok(Server { listener, state, tls })
    }

    pub fn local_addr(&self) -> SocketAddr {
        self.listener.local_addr().expect("a bound socket has an address")
    }

    /// `http://ADDR` or `https://ADDR`.
    pub fn url(&self) -> String {
        format!("{}://{}", if self.tls.is_some() { "https" } else { "http" }, self.local_addr())
    }

    pub fn state(&self) -> &AppState {
        &self.state
    }

    /// Serves until `shutdown` completes, then stops accepting, gives running requests the
    /// configured grace period, and stops the job queue (a job still running stays on disk
    /// as running and is run again at the next start).
    pub async fn run(self, shutdown: impl Future<Output = ()> + Send + 'static) -> anyhow::Result<()> {
        let grace = self.state.config.shutdown_grace;
        let handle = axum_server::Handle::new();
        let stopper = handle.clone();
        tokio::spawn(async move {
            shutdown.await;
            tracing::info!("shutting down: finishing running requests");
            stopper.graceful_shutdown(Some(grace));
        });
        let app = crate::routes::router(self.state.clone()).into_make_service();
        tracing::info!(url = %self.url(), store = %self.state.config.store_dir.display(), "genohub serving");
        match self.tls {
            Some(tls) => axum_server::from_tcp_rustls(self.listener, axum_server::tls_rustls::RustlsConfig::from_config(tls)).handle(handle).serve(app).await?,
            None => axum_server::from_tcp(self.listener).handle(handle).serve(app).await?,
        }
        let jobs = self.state.jobs.clone();
        tokio::task::spawn_blocking(move || jobs.shutdown(grace)).await?;
        // Connection tasks and blocking calls let go of the hub a moment after the listener
        // stops. "Stopped" must mean the store is closed, so that a restart or another process
        // can open it at once (a test saw `Busy` right after the return under load).
        let hub = self.state.hub.clone();
        drop(self.state);
        let deadline = std::time::Instant::now() + grace + std::time::Duration::from_secs(5);
        while Arc::strong_count(&hub) > 1 && std::time::Instant::now() < deadline {
            tokio::time::sleep(std::time::Duration::from_millis(5)).await;
        }
        if Arc::strong_count(&hub) > 1 {
            tracing::warn!("a call still holds the store; it closes when that call ends");
        }
        tokio::task::spawn_blocking(move || drop(hub)).await?;
        tracing::info!("stopped");
        Ok(())
    }
}

/// Ctrl-C or SIGTERM.
pub async fn shutdown_signal() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let term = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut s) => {
                s.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    #[cfg(not(unix))]
    let term = std::future::pending::<()>();
    tokio::select! {
        _ = ctrl_c => {},
        _ = term => {},
    }
}

/// `genohub serve`: says where it listens on stderr first (the port is the system's choice
/// when the listen address has port 0), then serves until Ctrl-C or SIGTERM.
pub async fn serve(config: ServerConfig) -> anyhow::Result<()> {
    serve_with(config, Box::new(|hub| hub)).await
}

/// As [`serve`], with a hook completing the hub (the OncoTree, another clinical source).
pub async fn serve_with(config: ServerConfig, setup: HubSetup) -> anyhow::Result<()> {
    crate::logging::init();
    let server = Server::bind_with(config, setup).await?;
    eprintln!("genohub: listening on {}", server.url());
    server.run(shutdown_signal()).await
}
