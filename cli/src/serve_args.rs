//! Arguments of `genohub serve`.

use std::path::PathBuf;

use clap::Args;

#[derive(Args)]
pub struct ServeArgs {
    /// Address and port to listen on (port 0: any free port, announced on stderr).
    #[arg(long, default_value = "127.0.0.1:8080")]
    pub listen: std::net::SocketAddr,
    /// PEM certificate chain; with --tls-key, serve HTTPS (rustls).
    #[arg(long, requires = "tls_key")]
    pub tls_cert: Option<PathBuf>,
    /// PEM private key for --tls-cert.
    #[arg(long, requires = "tls_cert")]
    pub tls_key: Option<PathBuf>,
    /// Largest accepted upload, e.g. 500G, 20M, 1048576.
    #[arg(long, default_value = "200G", value_parser = parse_size)]
    pub max_upload: u64,
    /// Seconds an ordinary request may take.
    #[arg(long, default_value_t = 300)]
    pub request_timeout: u64,
    /// Directory for uploads in progress and job records (default: STORE.spool beside the store).
    #[arg(long)]
    pub spool: Option<PathBuf>,
    /// Reference FASTA used to normalise uploaded variants (as `ingest --reference`).
    #[arg(long)]
    pub reference: Option<PathBuf>,
    /// URL clients reach this server at, used in htsget tickets (default: the Host they used).
    #[arg(long)]
    pub public_url: Option<String>,
}

pub fn parse_size(s: &str) -> Result<u64, String> {
    let s = s.trim();
    let (digits, unit) = s.split_at(s.find(|c: char| !c.is_ascii_digit()).unwrap_or(s.len()));
    let n: u64 = digits.parse().map_err(|_| format!("size {s:?}: expected a number with an optional K, M, G or T suffix"))?;
    let mult: u64 = match unit.to_ascii_uppercase().as_str() {
        "" | "B" => 1,
        "K" | "KB" => 1 << 10,
        "M" | "MB" => 1 << 20,
        "G" | "GB" => 1 << 30,
        "T" | "TB" => 1 << 40,
        _ => return Err(format!("size {s:?}: unknown unit {unit:?} (use K, M, G or T)")),
    };
    n.checked_mul(mult).ok_or_else(|| format!("size {s:?} is too large"))
}
