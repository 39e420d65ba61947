//! Structured logs on stderr (tracing); `RUST_LOG` selects what is shown, `GENOHUB_LOG=json`
//! switches to one JSON object per line for log collectors.

use std::io::IsTerminal;

use tracing_subscriber::EnvFilter;

/// Installs the subscriber once; later calls (tests starting several servers) do nothing.
pub fn init() {
    let filter = EnvFilter::try_from_default_env().unwrap_or_else(|_| EnvFilter::new("info,tower_http=info"));
    let builder = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr)
        .with_target(false)
        .with_ansi(std::io::stderr().is_terminal())
        // A server whose stderr went away (closed pipe) keeps serving: tracing's own report of
        // a failed write would go through eprintln!, which panics on that pipe.
        .log_internal_errors(false);
    let _ = if std::env::var("GENOHUB_LOG").is_ok_and(|v| v == "json") { builder.json().try_init() } else { builder.try_init() };
}
