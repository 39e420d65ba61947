//! The real server on an ephemeral loopback port, spoken to over HTTP: upload → job → query,
//! and each role's allowed and refused calls.

mod common;

use common::*;
use serde_json::Value;

#[test]
fn health_stats_and_json_errors() {
    let fx = Fixture::new();
    let srv = fx.start();
    let (status, body) = get(&format!("{}/api/v1/health", srv.url), None);
    assert_eq!((status, body["status"].as_str()), (200, Some("ok")));
    let (status, body) = get(&format!("{}/api/v1/stats", srv.url), None);
    assert_eq!((status, body["samples"].as_u64()), (200, Some(0)));
    let (status, body) = get(&format!("{}/api/v1/nowhere", srv.url), None);
    assert_eq!((status, body["code"].as_str()), (404, Some("not_found")));
    // A known path with the wrong method: 405 with the same JSON error body.
    let resp = client().delete(format!("{}/api/v1/health", srv.url)).send().unwrap();
    assert_eq!(resp.status().as_u16(), 405);
    assert_eq!(resp.json::<Value>().unwrap()["code"], "method_not_allowed");
    // A malformed Authorization header is refused, not treated as anonymous.
    let resp = client().get(format!("{}/api/v1/jobs", srv.url)).header("Authorization", "Basic abc").send().unwrap();
    assert_eq!(resp.status().as_u16(), 401);
    assert!(resp.headers().get("www-authenticate").is_some());
    let (status, body) = get(&format!("{}/api/v1/jobs", srv.url), Some("genohub_not-a-token"));
    assert_eq!((status, body["code"].as_str()), (401, Some("unauthorized")), "{body}");
}

#[test]
fn upload_job_then_queries_by_role() {
    let fx = Fixture::new();
    let vcf = fx.cohort_vcf(1);
    let bytes = std::fs::read(&vcf).unwrap();
    let sha = sha256_hex(&bytes);
    let srv = fx.start();
    let base = srv.url.as_str();

    // Refusals come before a byte of the body is stored.
    assert_eq!(upload(base, None, "c.vcf", bytes.clone(), Some(&sha)).0, 401);
    let (status, body) = upload(base, Some(fx.token("doc")), "c.vcf", bytes.clone(), Some(&sha));
    assert_eq!((status, body["code"].as_str()), (403, Some("forbidden")), "{body}");
    let (status, body) = upload(base, Some(fx.token("up")), "c.vcf", bytes.clone(), None);
    assert_eq!((status, body["code"].as_str()), (400, Some("checksum_required")));
    let (status, body) = upload(base, Some(fx.token("up")), "../c.vcf", bytes.clone(), Some(&sha));
    assert!(status == 422 || status == 404, "{status} {body}");
    let wrong = sha256_hex(b"something else");
    let (status, body) = upload(base, Some(fx.token("up")), "c.vcf", bytes.clone(), Some(&wrong));
    assert_eq!((status, body["code"].as_str()), (422, Some("checksum_mismatch")), "{body}");
    let spool = genohub_server::config::default_spool(&fx.store_dir());
    assert_eq!(std::fs::read_dir(spool.join("uploads")).unwrap().count(), 0, "a refused upload leaves nothing in the spool");

    // The real upload: accepted, ingested by the job, visible in the store.
    let (status, job) = upload(base, Some(fx.token("up")), "cohort.vcf", bytes.clone(), Some(&sha));
    assert_eq!(status, 202, "{job}");
    let id = job["id"].as_str().unwrap().to_string();
    let job = wait_job(base, fx.token("up"), &id);
    assert_eq!(job["state"], "succeeded", "{job}");
    assert_eq!(job["result"]["samples"], SAMPLES);
    assert_eq!(job["center"], CENTER);
    assert_eq!(job["bytes"], bytes.len());
    let (_, stats) = get(&format!("{base}/api/v1/stats"), None);
    assert_eq!(stats["samples"], SAMPLES);
    assert_eq!(stats["sites"], job["result"]["variants"]);
    // Jobs are their owner's: another user gets the same answer as for an unknown id.
    assert_eq!(get(&format!("{base}/api/v1/jobs/{id}"), Some(fx.token("doc"))).0, 404);
    // The same content again is refused at once.
    let (status, body) = upload(base, Some(fx.token("up")), "again.vcf", bytes.clone(), Some(&sha));
    assert_eq!((status, body["code"].as_str()), (409, Some("already_ingested")));

    // A broken file: the job fails, says where, and the store is unchanged.
    let broken = b"##fileformat=VCFv4.2\n##contig=<ID=chr20>\n#CHROM\tPOS\tID\tREF\tALT\tQUAL\tFILTER\tINFO\tFORMAT\tNEW1\nchr20\t100\t.\tA\tG\t.\t.\t.\tGT\t0/1\nchr20\tnotanumber\t.\tA\tG\t.\t.\t.\tGT\t0/1\n".to_vec();
    let (status, job) = upload(base, Some(fx.token("up")), "broken.vcf", broken.clone(), Some(&sha256_hex(&broken)));
    assert_eq!(status, 202);
    let job = wait_job(base, fx.token("up"), job["id"].as_str().unwrap());
    assert_eq!(job["state"], "failed");
    assert_eq!(job["error"]["code"], "invalid_input", "{job}");
    let msg = job["error"]["message"].as_str().unwrap();
    assert!(msg.contains("broken.vcf") && msg.contains("line 5"), "{msg}");
    assert!(!msg.contains(&spool.display().to_string()), "server paths stay private: {msg}");
    let (_, after) = get(&format!("{base}/api/v1/stats"), None);
    assert_eq!((after["batches"].clone(), after["samples"].clone()), (stats["batches"].clone(), stats["samples"].clone()));

    // Queries, shaped by role.
    let (chrom, pos, _, _) = carried_variant(&vcf);
    let region = format!("{chrom}:{pos}-{}", pos + 5000);
    let (status, body) = get(&format!("{base}/api/v1/freq?region={region}"), Some(fx.token("doc")));
    assert_eq!(status, 200, "{body}");
    assert!(body["variants"].as_array().unwrap().iter().any(|v| v["pos"] == pos), "{body}");
    let (status, body) = get(&format!("{base}/api/v1/freq?region={region}"), Some(fx.token("res")));
    assert_eq!(status, 403, "a researcher outside a project: {body}");
    let (status, _) = get(&format!("{base}/api/v1/freq?region={region}"), None);
    assert_eq!(status, 401);
    let (status, body) = get(&format!("{base}/api/v1/freq?region=chr20:x-y"), Some(fx.token("doc")));
    assert_eq!((status, body["code"].as_str()), (422, Some("invalid_request")), "{body}");
    let resp = client().get(format!("{base}/api/v1/freq?region={region}&format=tsv")).bearer_auth(fx.token("doc")).send().unwrap();
    assert_eq!(resp.status().as_u16(), 200);
    assert!(resp.text().unwrap().starts_with("#CHROM\tPOS"));
    let (status, body) = get(&format!("{base}/api/v1/variants?region={chrom}:{pos}-{pos}"), Some(fx.token("doc")));
    assert_eq!(status, 200, "{body}");
    assert_eq!(body["variants"][0]["pos"], pos);

    // Genotypes: a clinician's own patients only (even samples belong to hosp-a).
    let own = sample_name(0);
    let resp = client().get(format!("{base}/api/v1/genotypes?region={region}&samples={CENTER}/{own}")).bearer_auth(fx.token("doc")).send().unwrap();
    assert_eq!(resp.status().as_u16(), 200);
    let text = resp.text().unwrap();
    let header = text.lines().find(|l| l.starts_with("#CHROM")).unwrap();
    assert!(header.ends_with(&format!("FORMAT\t{own}")), "{header}");
    let other = sample_name(1);
    let (status, body) = get(&format!("{base}/api/v1/genotypes?region={region}&samples={CENTER}/{other}"), Some(fx.token("doc")));
    assert_eq!(status, 403, "another hospital's patient: {body}");
    assert_eq!(get(&format!("{base}/api/v1/genotypes?region={region}"), Some(fx.token("rev"))).0, 403);

    // Projects: researchers submit, the committee decides.
    let submission = serde_json::json!({"title": "BRCA survey", "research": "GRU", "analyses": ["freq"], "access": "aggregate", "irb": "IRB-1"});
    let resp = client().post(format!("{base}/api/v1/projects")).bearer_auth(fx.token("res")).json(&submission).send().unwrap();
    assert_eq!(resp.status().as_u16(), 201);
    let project: Value = resp.json().unwrap();
    let pid = project["id"].as_str().unwrap().to_string();
    let resp = client().post(format!("{base}/api/v1/projects")).bearer_auth(fx.token("doc")).json(&submission).send().unwrap();
    assert_eq!(resp.status().as_u16(), 403, "only researchers submit");
    // The fixture's cohort is small: the committee sets rules that fit it.
    let approve = serde_json::json!({"conditions": "aggregate results only", "disclosure": {"k": 3, "min_cohort": 5, "min_an": 5, "daily_budget": 50}});
    let resp = client().post(format!("{base}/api/v1/projects/{pid}/approve")).bearer_auth(fx.token("res")).json(&approve).send().unwrap();
    assert_eq!(resp.status().as_u16(), 403, "a researcher cannot approve");
    let resp = client().post(format!("{base}/api/v1/projects/{pid}/approve")).bearer_auth(fx.token("rev")).json(&approve).send().unwrap();
    assert_eq!(resp.status().as_u16(), 200, "{}", resp.text().unwrap());
    let (status, body) = get(&format!("{base}/api/v1/freq?region={region}&project={pid}"), Some(fx.token("res")));
    assert_eq!(status, 200, "inside the approved project: {body}");

    // Audit: the committee reads it; the upload and the refusals are in it.
    let (status, body) = get(&format!("{base}/api/v1/audit"), Some(fx.token("rev")));
    assert_eq!(status, 200);
    let entries = body["entries"].as_array().unwrap();
    assert!(entries.iter().any(|e| e["operation"] == "ingest" && e["actor"] == "up" && e["decision"] == "allowed"), "{body}");
    assert!(entries.iter().any(|e| e["operation"] == "ingest" && e["actor"] == "doc" && e["decision"] == "forbidden"));
    assert_eq!(get(&format!("{base}/api/v1/audit"), Some(fx.token("up"))).0, 403);
    let (status, body) = get(&format!("{base}/api/v1/audit/verify"), Some(fx.token("rev")));
    assert_eq!(status, 200);
    assert_eq!(body["problems"].as_array().unwrap().len(), 0, "{body}");
    srv.stop();
}

#[test]
fn upload_limits_and_timeouts() {
    let fx = Fixture::new();
    let mut config = fx.config();
    config.max_upload_bytes = 1000;
    config.upload_timeout = std::time::Duration::from_secs(1);
    let srv = common::TestServer::start(config, fx.facts.clone());
    let base = srv.url.as_str();
    let big = vec![b'#'; 5000];
    let (status, body) = upload(base, Some(fx.token("up")), "big.vcf", big.clone(), Some(&sha256_hex(&big)));
    assert_eq!((status, body["code"].as_str()), (413, Some("payload_too_large")));
    // Without a Content-Length the limit is enforced while streaming.
    let chunks: Vec<Result<Vec<u8>, std::io::Error>> = (0..10).map(|_| Ok(vec![b'#'; 500])).collect();
    let resp = client()
        .put(format!("{base}/api/v1/uploads/chunked.vcf"))
        .bearer_auth(fx.token("up"))
        .header("X-Content-SHA256", sha256_hex(&[b'#'; 5000]))
        .body(reqwest::blocking::Body::new(ChunkReader(chunks.into_iter(), std::time::Duration::ZERO)))
        .send()
        .unwrap();
    assert_eq!(resp.status().as_u16(), 413);
    // A body trickling in slower than the upload timeout allows: 408, JSON, nothing kept.
    {
        use std::io::{Read, Write};
        let addr = base.trim_start_matches("http://");
        let mut s = std::net::TcpStream::connect(addr).unwrap();
        let sha = sha256_hex(&[b'#'; 100]);
        write!(s, "PUT /api/v1/uploads/slow.vcf HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer {}\r\nX-Content-SHA256: {sha}\r\nContent-Length: 100\r\nConnection: close\r\n\r\n##fileformat", fx.token("up")).unwrap();
        s.flush().unwrap();
        std::thread::sleep(std::time::Duration::from_millis(1500));
        let mut reply = String::new();
        let _ = s.read_to_string(&mut reply);
        assert!(reply.starts_with("HTTP/1.1 408"), "{reply}");
        assert!(reply.contains("\"code\":\"timeout\""), "{reply}");
    }
    std::thread::sleep(std::time::Duration::from_millis(300));
    let spool = genohub_server::config::default_spool(&fx.store_dir());
    assert_eq!(std::fs::read_dir(spool.join("uploads")).unwrap().count(), 0, "nothing of refused uploads is kept");
}

/// A body read in chunks, pausing before each.
struct ChunkReader(std::vec::IntoIter<Result<Vec<u8>, std::io::Error>>, std::time::Duration);

impl std::io::Read for ChunkReader {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        std::thread::sleep(self.1);
        match self.0.next() {
            None => Ok(0),
            Some(Err(e)) => Err(e),
            Some(Ok(chunk)) => {
                buf[..chunk.len()].copy_from_slice(&chunk);
                Ok(chunk.len())
            }
        }
    }
}

#[test]
fn openapi_documents_the_routes_that_exist() {
    let fx = Fixture::new();
    let srv = fx.start();
    let (status, doc) = get(&format!("{}/api/v1/openapi.json", srv.url), None);
    assert_eq!(status, 200);
    assert!(doc["openapi"].as_str().unwrap().starts_with("3."));
    let paths = doc["paths"].as_object().unwrap();
    for wanted in
        ["/api/v1/uploads/{name}", "/api/v1/jobs/{id}", "/api/v1/freq", "/beacon/v2/g_variants", "/htsget/variants/{id}", "/htsget/reads/{id}", "/api/v1/audit"]
    {
        assert!(paths.contains_key(wanted), "{wanted} is not documented");
    }
    // Every documented path and method is served (never the fallback's "no such endpoint",
    // never 405).
    for (path, item) in paths {
        let url = format!("{}{}", srv.url, path.replace("{name}", "x.vcf").replace("{id}", "x"));
        for method in item.as_object().unwrap().keys() {
            let m = reqwest::Method::from_bytes(method.to_uppercase().as_bytes()).unwrap();
            let resp = client().request(m, &url).header("content-type", "application/json").body("{}").send().unwrap();
            let status = resp.status().as_u16();
            let body = resp.text().unwrap();
            assert_ne!(status, 405, "{method} {path}");
            assert!(!body.contains("no such endpoint"), "{method} {path} is documented but not routed");
        }
    }
}
