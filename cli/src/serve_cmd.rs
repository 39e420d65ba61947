//! `genohub serve`: builds the server configuration from the arguments and runs it.

use std::path::Path;
use std::time::Duration;

use crate::serve_args::ServeArgs;

pub fn run(a: ServeArgs, store_dir: &Path) -> anyhow::Result<()> {
    let mut config = genohub_server::ServerConfig::new(a.listen, store_dir);
    if let (Some(cert), Some(key)) = (a.tls_cert, a.tls_key) {
        config.tls = Some(genohub_server::TlsFiles { cert, key });
    }
    if let Some(spool) = a.spool {
        config.spool_dir = spool;
    }
    config.max_upload_bytes = a.max_upload;
    config.request_timeout = Duration::from_secs(a.request_timeout.max(1));
    config.reference = a.reference;
    config.public_url = a.public_url;
    config.key_file = Some(crate::clinical_key::path());
    let oncotree = match crate::governance_args::oncotree_path() {
        Some(p) => Some(genohub_governance::OncoTree::load(&p)?),
        None => None,
    };
    let setup: genohub_server::HubSetup = Box::new(move |hub| match oncotree {
        Some(tree) => hub.with_oncotree(tree),
        None => hub,
    });
    tokio::runtime::Builder::new_multi_thread().enable_all().build()?.block_on(genohub_server::serve_with(config, setup))
}
