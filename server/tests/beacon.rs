//! GA4GH Beacon v2 over the real server: every response validated against the framework's
//! response schemas (shared/data/beacon-v2, $refs resolved from that folder), granularity by
//! caller, and answers checked against the VCF that was ingested.

mod common;

use std::path::PathBuf;

use common::*;
use serde_json::Value;

fn schemas() -> Option<PathBuf> {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../shared/data/beacon-v2/framework/json/responses");
    if dir.is_dir() {
        Some(dir.canonicalize().unwrap())
    } else {
        eprintln!("skipping schema validation: {} is absent", dir.display());
        None
    }
}

/// What is wrong with `body` by `responses/NAME` (relative $refs resolved as files).
fn violations(dir: &std::path::Path, name: &str, body: &Value) -> Vec<String> {
    let path = dir.join(name);
    let schema: Value = serde_json::from_slice(&std::fs::read(&path).unwrap()).unwrap();
    let uri = url::Url::from_file_path(&path).unwrap().to_string();
    let validator = jsonschema::options().with_base_uri(uri).build(&schema).unwrap_or_else(|e| panic!("{name}: {e}"));
    validator.iter_errors(body).map(|e| format!("{} at {}", e, e.instance_path)).collect()
}

fn check(dir: &Option<PathBuf>, name: &str, body: &Value) {
    let Some(dir) = dir else { return };
    let errors = violations(dir, name, body);
    assert!(errors.is_empty(), "{name}: {errors:#?}\n{body:#}");
}

#[test]
fn the_schema_check_catches_what_the_schemas_forbid() {
    let Some(dir) = schemas() else { return };
    // A $ref'd section (meta → receivedRequestSummary → Granularity enum) must be checked too.
    let mut body = serde_json::json!({
        "meta": {"beaconId": "x", "apiVersion": "v2.0.0", "returnedSchemas": [], "returnedGranularity": "boolean",
                 "receivedRequestSummary": {"apiVersion": "v2.0.0", "requestedSchemas": [], "pagination": {}, "requestedGranularity": "boolean"}},
        "responseSummary": {"exists": true}
    });
    assert!(violations(&dir, "beaconBooleanResponse.json", &body).is_empty());
    body["meta"]["receivedRequestSummary"]["requestedGranularity"] = "everything".into();
    assert!(!violations(&dir, "beaconBooleanResponse.json", &body).is_empty());
    body["meta"]["receivedRequestSummary"]["requestedGranularity"] = "boolean".into();
    body["responseSummary"] = serde_json::json!({"exists": true});
    assert!(!violations(&dir, "beaconCountResponse.json", &body).is_empty(), "a count response needs numTotalResults");
}

#[test]
fn beacon_answers_follow_the_schemas_and_the_data() {
    let dir = schemas();
    let fx = Fixture::new();
    let vcf = fx.cohort_vcf(3);
    fx.ingest(&vcf);
    let srv = fx.start();
    let b = format!("{}/beacon/v2", srv.url);

    for (path, schema) in [
        ("", "beaconInfoResponse.json"),
        ("/info", "beaconInfoResponse.json"),
        ("/service-info", "ga4gh-service-info-1-0-0-schema.json"),
        ("/configuration", "beaconConfigurationResponse.json"),
        ("/map", "beaconMapResponse.json"),
        ("/entry_types", "beaconEntryTypesResponse.json"),
        ("/filtering_terms", "beaconFilteringTermsResponse.json"),
    ] {
        let (status, body) = get(&format!("{b}{path}"), None);
        assert_eq!(status, 200, "{path}");
        check(&dir, schema, &body);
    }

    let (chrom, pos, reference, alt) = carried_variant(&vcf);
    let start = pos - 1;
    let bare = chrom.trim_start_matches("chr");
    // Sequence query, anonymous: a boolean, whatever granularity was asked for.
    let q = format!(
        "{b}/g_variants?referenceName={bare}&start={start}&referenceBases={reference}&alternateBases={alt}&assemblyId=GRCh38&requestedGranularity=count"
    );
    let (status, body) = get(&q, None);
    assert_eq!(status, 200, "{body}");
    check(&dir, "beaconBooleanResponse.json", &body);
    assert_eq!(body["responseSummary"]["exists"], true, "{body}");
    assert!(body["responseSummary"].get("numTotalResults").is_none());
    assert_eq!(body["meta"]["returnedGranularity"], "boolean");
    let other_alt = ["A", "C", "G", "T"].into_iter().find(|b| *b != alt && *b != reference).unwrap();
    let (_, body) = get(&format!("{b}/g_variants?referenceName={chrom}&start={start}&referenceBases={reference}&alternateBases={other_alt}"), None);
    assert_eq!(body["responseSummary"]["exists"], false, "{body}");
    let (_, body) = get(&format!("{b}/g_variants?referenceName=chr7&start={start}&alternateBases={alt}"), None);
    assert_eq!(body["responseSummary"]["exists"], false);

    // Range query with a token: a count, equal to the carried variants of the VCF in range.
    let (end, expected) = {
        let end = start + 3000;
        let text = std::fs::read_to_string(&vcf).unwrap();
        let n = text
            .lines()
            .filter(|l| !l.starts_with('#'))
            .map(|l| l.split('\t').collect::<Vec<_>>())
            .filter(|f| {
                let p: u64 = f[1].parse().unwrap();
                p > start && p <= end && f[9..].iter().any(|g| g.split(':').next().unwrap().contains('1'))
            })
            .count();
        (end, n as u64)
    };
    assert!(expected > 1);
    let range = format!("{b}/g_variants?referenceName={chrom}&start={start}&end={end}&requestedGranularity=count");
    let (status, body) = get(&range, Some(fx.token("doc")));
    assert_eq!(status, 200, "{body}");
    check(&dir, "beaconCountResponse.json", &body);
    assert_eq!(body["meta"]["returnedGranularity"], "count");
    assert_eq!(body["responseSummary"]["numTotalResults"], expected, "{body}");
    let (_, anon) = get(&range, None);
    assert_eq!(anon["responseSummary"]["exists"], true);
    check(&dir, "beaconBooleanResponse.json", &anon);

    // Individuals: anonymous yes/no; a clinician counts the patients its consent scope holds.
    let (status, body) = get(&format!("{b}/individuals"), None);
    assert_eq!(status, 200);
    check(&dir, "beaconBooleanResponse.json", &body);
    assert_eq!(body["responseSummary"]["exists"], true);
    let (status, body) = get(&format!("{b}/individuals?requestedGranularity=count"), Some(fx.token("doc")));
    assert_eq!(status, 200, "{body}");
    check(&dir, "beaconCountResponse.json", &body);
    assert_eq!(body["responseSummary"]["numTotalResults"], SAMPLES, "{body}");

    // Errors are Beacon error responses.
    for (url, token, code) in [
        (format!("{b}/g_variants?start=5&end=10"), None, 400),
        (format!("{b}/g_variants?referenceName=20&start=x&end=10"), None, 400),
        (format!("{b}/g_variants?referenceName=20&start=10&end=5"), None, 400),
        (range.clone(), Some("genohub_bogus"), 401),
        (format!("{b}/individuals?filters=HP:0000001"), None, 400),
        (format!("{b}/individuals?filters=NCIT:C16576,NCIT:C20197"), None, 400),
    ] {
        let (status, body) = get(&url, token);
        assert_eq!(status, code, "{url}: {body}");
        check(&dir, "beaconErrorResponse.json", &body);
        assert_eq!(body["error"]["errorCode"], code);
    }
}
