//! Response bodies produced by blocking code (store scans, BGZF writers) streamed as they
//! are written, so a large region never sits whole in memory; a governed refusal is known
//! before the first byte, so it is still a proper error answer.

use std::io::Write;

use axum::body::{Body, Bytes};
use tokio::sync::mpsc;

struct ChannelWriter {
    tx: mpsc::Sender<Result<Bytes, std::io::Error>>,
    buf: Vec<u8>,
}

const CHUNK: usize = 256 << 10;

impl Write for ChannelWriter {
    fn write(&mut self, data: &[u8]) -> std::io::Result<usize> {
        self.buf.extend_from_slice(data);
        if self.buf.len() >= CHUNK {
            self.flush()?;
        }
        Ok(data.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        if !self.buf.is_empty() {
            let chunk = Bytes::from(std::mem::take(&mut self.buf));
            self.tx.blocking_send(Ok(chunk)).map_err(|_| std::io::Error::new(std::io::ErrorKind::BrokenPipe, "client went away"))?;
        }
        Ok(())
    }
}

impl Drop for ChannelWriter {
    fn drop(&mut self) {
        let _ = self.flush();
    }
}

/// What a governed call hands back to be streamed: it may borrow the hub (a `GovernedView`).
pub type Producer<'h> = Box<dyn FnOnce(Box<dyn Write + Send>) -> anyhow::Result<()> + 'h>;

/// Authenticates and runs `decide` on the blocking pool; a refusal becomes the error answer
/// before any byte is sent, an allowed call's producer then streams the body.
pub async fn governed_body<F>(state: &crate::state::AppState, caller: &crate::auth::Caller, decide: F) -> Result<Body, crate::error::ApiError>
where
    F: for<'h> FnOnce(&genohub_governance::Session<'h>) -> Result<Producer<'h>, crate::error::ApiError> + Send + 'static,
{
    use crate::error::ApiError;
    let token = caller.token()?.to_string();
    let hub = state.hub.clone();
    let (ready_tx, ready_rx) = tokio::sync::oneshot::channel::<Result<(), ApiError>>();
    let (tx, mut rx) = mpsc::channel::<Result<Bytes, std::io::Error>>(4);
    tokio::task::spawn_blocking(move || {
        let session = match hub.authenticate(&token) {
            Ok(s) => s,
            Err(e) => {
                let _ = ready_tx.send(Err(e.into()));
                return;
            }
        };
        let producer = match decide(&session) {
            Ok(p) => p,
            Err(e) => {
                let _ = ready_tx.send(Err(e));
                return;
            }
        };
        let _ = ready_tx.send(Ok(()));
        let w = ChannelWriter { tx: tx.clone(), buf: Vec::with_capacity(CHUNK) };
        if let Err(e) = producer(Box::new(w)) {
            tracing::warn!(error = %e, "streamed response failed");
            let _ = tx.blocking_send(Err(std::io::Error::other("the response could not be completed")));
        }
    });
    match ready_rx.await {
        Ok(Ok(())) => Ok(Body::from_stream(futures_util::stream::poll_fn(move |cx| rx.poll_recv(cx)))),
        Ok(Err(e)) => Err(e),
        Err(e) => Err(ApiError::internal("a governed call", e)),
    }
}
