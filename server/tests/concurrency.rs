//! Governed calls are bounded (`ServerConfig::governed_concurrency`): with a single slot, a
//! burst of concurrent Beacon queries queues instead of failing, every request gets the same
//! answer as alone, and every answered request has its own entry in an audit log that still
//! verifies.

mod common;

use common::*;
use genohub_governance::AuditFilter;

#[test]
fn a_burst_beyond_the_limit_queues_and_every_answer_is_audited() {
    let fx = Fixture::new();
    let vcf = fx.cohort_vcf(5);
    fx.ingest(&vcf);
    let (chrom, pos, reference, alt) = carried_variant(&vcf);
    let mut config = fx.config();
    config.governed_concurrency = 1;
    let srv = TestServer::start(config, fx.facts.clone());
    let query = format!("{}/beacon/v2/g_variants?referenceName={chrom}&start={}&referenceBases={reference}&alternateBases={alt}", srv.url, pos - 1);
    let counted = format!("{query}&requestedGranularity=count");
    let (status, alone) = get(&counted, Some(fx.token("doc")));
    assert_eq!(status, 200, "{alone}");
    let alone = alone["responseSummary"]["numTotalResults"].as_u64().expect("a count for a token holder");
    assert_eq!(alone, 1, "the carried variant is counted once");

    const BURST: usize = 24;
    let answers: Vec<(u16, serde_json::Value)> = std::thread::scope(|s| {
        let handles: Vec<_> = (0..BURST)
            .map(|i| {
                let (query, counted, token) = (&query, &counted, fx.token("doc"));
                s.spawn(move || if i % 2 == 0 { get(counted, Some(token)) } else { get(query, None) })
            })
            .collect();
        handles.into_iter().map(|h| h.join().unwrap()).collect()
    });
    for (i, (status, body)) in answers.iter().enumerate() {
        assert_eq!(*status, 200, "request {i}: {body}");
        assert_eq!(body["responseSummary"]["exists"], true, "request {i}: {body}");
        if i % 2 == 0 {
            assert_eq!(body["responseSummary"]["numTotalResults"].as_u64(), Some(alone), "request {i}: {body}");
        }
    }
    srv.stop();

    let hub = fx.hub();
    let op = hub.operator();
    let entries = op.audit_log(&AuditFilter::default()).unwrap();
    let lookups = entries.iter().filter(|e| e.operation == "variant.lookup" && e.actor == "doc").count();
    let exists = entries.iter().filter(|e| e.operation == "exists" && e.actor == "anonymous").count();
    assert_eq!((lookups, exists), (BURST / 2 + 1, BURST / 2), "one entry per answered request");
    let seqs: Vec<u64> = entries.iter().map(|e| e.seq).collect();
    assert!(seqs.windows(2).all(|w| w[1] == w[0] + 1), "entries are numbered without gaps");
    let report = op.audit_verify().unwrap();
    assert!(report.is_ok(), "{:?}", report.problems);
}
