//! `genohub serve` as a process: announces its port, answers, and on SIGTERM stops cleanly
//! (exit 0) after finishing what it was doing.

use std::process::Command;
use std::time::{Duration, Instant};

#[test]
fn serve_stops_cleanly_on_sigterm() {
    let dir = tempfile::tempdir().unwrap();
    let log = dir.path().join("serve.log");
    let mut child = Command::new(env!("CARGO_BIN_EXE_genohub"))
        .arg("--store")
        .arg(dir.path().join("store"))
        .args(["serve", "--listen", "127.0.0.1:0", "--max-upload", "10M"])
        .env("RUST_LOG", "info,tower_http=debug")
        .stderr(std::fs::File::create(&log).unwrap())
        .spawn()
        .unwrap();
    let start = Instant::now();
    let addr = loop {
        let text = std::fs::read_to_string(&log).unwrap_or_default();
        if let Some(line) = text.lines().find(|l| l.contains("listening on http://")) {
            break line.rsplit("http://").next().unwrap().to_string();
        }
        assert!(start.elapsed() < Duration::from_secs(30), "no announcement: {text}");
        std::thread::sleep(Duration::from_millis(50));
    };
    {
        use std::io::{Read, Write};
        let mut s = std::net::TcpStream::connect(&addr).unwrap();
        write!(s, "GET /beacon/v2/info HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n").unwrap();
        let mut reply = String::new();
        s.read_to_string(&mut reply).unwrap();
        assert!(reply.starts_with("HTTP/1.1 200") && reply.contains("\"beaconId\""), "{reply}");
    }
    {
        // A hospital's own patient ID in the path: answered (401 without a token), never logged.
        use std::io::{Read, Write};
        let mut s = std::net::TcpStream::connect(&addr).unwrap();
        write!(s, "GET /api/v1/patients/KUH-SECRET-7?hospital=kyoto HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n").unwrap();
        let mut reply = String::new();
        s.read_to_string(&mut reply).unwrap();
        assert!(reply.starts_with("HTTP/1.1 401"), "{reply}");
    }
    assert!(Command::new("kill").args(["-TERM", &child.id().to_string()]).status().unwrap().success());
    let status = loop {
        if let Some(s) = child.try_wait().unwrap() {
            break s;
        }
        if start.elapsed() > Duration::from_secs(60) {
            let _ = child.kill();
            panic!("genohub serve did not stop on SIGTERM");
        }
        std::thread::sleep(Duration::from_millis(50));
    };
    let text = std::fs::read_to_string(&log).unwrap();
    assert!(status.success(), "{status:?}: {text}");
    assert!(text.contains("shutting down") && text.contains("stopped"), "{text}");
    assert!(text.contains("route=\"/api/v1/patients/{id}\""), "requests are logged by route: {text}");
    assert!(!text.contains("KUH-SECRET-7"), "a patient ID reached the log: {text}");
}

#[test]
fn serve_refuses_half_a_tls_configuration() {
    let out = Command::new(env!("CARGO_BIN_EXE_genohub")).args(["serve", "--tls-cert", "cert.pem"]).output().unwrap();
    assert!(!out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr).contains("--tls-key"), "{}", String::from_utf8_lossy(&out.stderr));
}
