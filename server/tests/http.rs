//! The real server on an ephemeral loopback port, spoken to over TCP.

use std::io::{Read, Write};
use std::net::TcpStream;

fn get(addr: std::net::SocketAddr, path: &str) -> (u16, serde_json::Value) {
    let mut s = TcpStream::connect(addr).unwrap();
    write!(s, "GET {path} HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n").unwrap();
    let mut raw = String::new();
    s.read_to_string(&mut raw).unwrap();
    let status: u16 = raw.split(' ').nth(1).unwrap().parse().unwrap();
    let body = raw.split("\r\n\r\n").nth(1).unwrap();
    (status, serde_json::from_str(body).unwrap_or_else(|e| panic!("body {body:?}: {e}")))
}

#[test]
fn health_and_stats_over_loopback() {
    let dir = tempfile::tempdir().unwrap();
    let store_dir = dir.path().join("store");
    let rt = tokio::runtime::Runtime::new().unwrap();
    let listener = rt.block_on(tokio::net::TcpListener::bind("127.0.0.1:0")).unwrap();
    let addr = listener.local_addr().unwrap();
    let app = genohub_server::router(store_dir.clone());
    rt.spawn(async move { axum::serve(listener, app).await.unwrap() });

    let (status, body) = get(addr, "/api/v1/health");
    assert_eq!((status, body["status"].as_str()), (200, Some("ok")));

    let (status, body) = get(addr, "/api/v1/stats");
    assert_eq!((status, body["code"].as_str()), (404, Some("store_not_found")));

    let vcf = dir.path().join("c.vcf.gz");
    genohub_sim::write_cohort(&genohub_sim::CohortParams { samples: 7, length: 50_000, ..Default::default() }, &vcf, None).unwrap();
    let store = genohub_store::Store::open(&store_dir).unwrap();
    let m = store.ingest(&vcf, &genohub_store::IngestOptions { center: "c".into(), ..Default::default() }, &genohub_store::NoProgress).unwrap();
    drop(store);
    let (status, body) = get(addr, "/api/v1/stats");
    assert_eq!(status, 200);
    assert_eq!(body["samples"], 7);
    assert_eq!(body["sites"], m.variants);
}
