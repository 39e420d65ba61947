//! `freq_text` (rows formatted where they are counted) writes exactly what `freq`'s rows
//! give when written one by one, in TSV and JSON, for the whole cohort and a subset.

mod common;

use common::*;
use genohub_analysis::{freq_text, FreqRequest, FreqRow, RowFormat, SampleSource};
use genohub_store::Store;

#[test]
fn text_rows_equal_freq_rows_written() {
    let dir = tempfile::tempdir().unwrap();
    let vcf = write(dir.path(), "rough.vcf", &roughen(&cohort_text(40, 300_000, 5, 0.03)));
    let store = Store::open(&dir.path().join("s")).unwrap();
    ingest(&store, &vcf, "c");
    let subset = SampleSource::Names(["SIM00001", "SIM00004", "SIM00009"].iter().map(|s| s.to_string()).collect());
    let contig = freq_rows(&store, &[], SampleSource::All)[0].chrom.clone();
    let region = format!("{contig}:1-150000");
    for (source, regions) in [(SampleSource::All, vec![]), (subset, vec![region.as_str()])] {
        let rows = freq_rows(&store, &regions, source.clone());
        assert!(rows.len() > 50, "{}", rows.len());
        let req = FreqRequest { regions: regions.iter().map(|r| r.parse().unwrap()).collect(), samples: source };
        for format in [RowFormat::Tsv, RowFormat::Json] {
            let mut text = Vec::new();
            let n = freq_text(&store, &req, format, |t| {
                text.extend_from_slice(t);
                text.push(b'|');
                Ok(())
            })
            .unwrap();
            let mut expected = Vec::new();
            for r in &rows {
                match format {
                    RowFormat::Tsv => r.write_tsv(&mut expected),
                    RowFormat::Json => serde_json::to_writer(&mut expected, r).unwrap(),
                }
                expected.push(b'|');
            }
            assert_eq!(n as usize, rows.len());
            assert_eq!(String::from_utf8(text).unwrap(), String::from_utf8(expected).unwrap(), "{format:?}");
        }
        // The JSON objects read back as the rows (floats to serde_json's parsing precision).
        let mut i = 0;
        freq_text(&store, &req, RowFormat::Json, |t| {
            let (v, r): (serde_json::Value, &FreqRow) = (serde_json::from_slice(t).unwrap(), &rows[i]);
            i += 1;
            assert_eq!(
                (v["chrom"].as_str(), v["pos"].as_u64(), v["ref"].as_str(), v["alt"].as_str()),
                (Some(&*r.chrom), Some(r.pos), Some(&*r.reference), Some(&*r.alternate))
            );
            let counts = ["ac", "an", "hom_ref", "het", "hom_alt", "hap_ref", "hap_alt", "missing"].map(|k| v[k].as_u64().unwrap());
            assert_eq!(counts, [r.ac, r.an, r.hom_ref, r.het, r.hom_alt, r.hap_ref, r.hap_alt, r.missing]);
            assert!(close(v["hwe_p"].as_f64().unwrap(), r.hwe_p, 1e-15, 0.0));
            assert_eq!(v["af"].as_f64().is_some(), r.af.is_some());
            Ok(())
        })
        .unwrap();
        assert_eq!(i, rows.len());
    }
}
