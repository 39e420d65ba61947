//! Gene burden on a small two-file store, every number worked by hand from the files below.

mod common;

use common::*;
use genohub_analysis::assoc::Method;
use genohub_analysis::{
    burden, create_cohort, AssocTest, BurdenOptions, BurdenRequest, BurdenRow, BurdenScore, BurdenSummary, GeneFormat, GeneSet, SampleSource,
};
use genohub_store::Store;

const HEAD: &str = "##fileformat=VCFv4.2\n##contig=<ID=1,length=1000>\n##contig=<ID=2,length=1000>\n#CHROM\tPOS\tID\tREF\tALT\tQUAL\tFILTER\tINFO\tFORMAT";

/// Cases C1-C3 and control K1 in file a, controls K2 and K3 in file b (no reference blocks,
/// so a sample of the other file is missing, never a carrier).
fn store() -> (tempfile::TempDir, Store) {
    let dir = tempfile::tempdir().unwrap();
    let a = format!(
        "{HEAD}\tC1\tC2\tC3\tK1\n\
         1\t150\t.\tA\tG\t.\t.\t.\tGT\t0/1\t0/0\t0/0\t0/0\n\
         1\t160\t.\tA\tG\t.\t.\t.\tGT\t0/1\t0/1\t0/0\t0/0\n\
         1\t170\t.\tA\tG\t.\t.\t.\tGT\t0/0\t0/0\t0/1\t0/0\n\
         1\t180\t.\tA\tG\t.\t.\t.\tGT\t1/1\t0/1\t0/0\t0/1\n\
         1\t200\t.\tA\tG\t.\t.\t.\tGT\t0/0\t0/0\t0/0\t./1\n\
         1\t250\t.\tA\tG\t.\t.\t.\tGT\t0/0\t0/0\t0/1\t0/0\n\
         1\t300\t.\tA\tG\t.\t.\t.\tGT\t0/0\t0/0\t1/1\t0/0\n"
    );
    let b = format!(
        "{HEAD}\tK2\tK3\n\
         1\t180\t.\tA\tG\t.\t.\t.\tGT\t1/1\t0/0\n\
         1\t350\t.\tC\tT\t.\t.\t.\tGT\t0/1\t0/0\n\
         1\t401\t.\tC\tT\t.\t.\t.\tGT\t0/0\t0/1\n"
    );
    let store = Store::open(&dir.path().join("s")).unwrap();
    ingest(&store, &write(dir.path(), "a.vcf", &a), "c");
    ingest(&store, &write(dir.path(), "b.vcf", &b), "c");
    create_cohort(&store, "cases", &["C1".into(), "C2".into(), "C3".into()], 0, false).unwrap();
    create_cohort(&store, "controls", &["K1".into(), "K2".into(), "K3".into()], 0, false).unwrap();
    (dir, store)
}

const BED: &str = "1\t99\t200\tG1\n1\t299\t400\tG2\n1\t599\t700\tG3\nchrUn\t0\t10\tNOWHERE\n";
const GFF3: &str = "##gff-version 3\n\
    1\tt\tgene\t100\t200\t.\t+\t.\tID=g1;Name=G1\n\
    1\tt\tmRNA\t100\t200\t.\t+\t.\tID=t1;Parent=g1\n\
    1\tt\tgene\t300\t400\t.\t+\t.\tID=g2;Name=G2\n\
    1\tt\tgene\t600\t700\t.\t-\t.\tID=g3;Name=G3\n\
    chrUn\tt\tgene\t1\t10\t.\t-\t.\tID=g4;Name=NOWHERE\n";

fn run(store: &Store, genes: GeneSet, test: AssocTest, score: BurdenScore, regions: &[&str]) -> (Vec<BurdenRow>, BurdenSummary) {
    let req = BurdenRequest {
        cases: SampleSource::Cohort("cases".into()),
        controls: SampleSource::Cohort("controls".into()),
        options: BurdenOptions { regions: regions.iter().map(|r| r.parse().unwrap()).collect(), genes, max_af: 0.25, test, score, covariates: None },
    };
    let mut rows = Vec::new();
    let summary = burden(store, &req, |r| {
        rows.push(r);
        Ok(())
    })
    .unwrap();
    (rows, summary)
}

fn bed() -> GeneSet {
    GeneSet::parse(BED, GeneFormat::Bed, "genes.bed").unwrap()
}

#[test]
fn fisher_on_carriers_by_hand() {
    let (_dir, store) = store();
    let (rows, summary) = run(&store, bed(), AssocTest::Fisher, BurdenScore::Carrier, &[]);
    // AF over cases and controls (AN counts only samples of the file holding the site):
    // 150: 1/8, 160: 2/8, 170: 1/8, 180: (4+2)/12 = 0.5 (too common), 200: K1 ./1 = 1/7,
    // 250: 1/8 (no gene), 300: 2/8, 350: 1/4, 401: 1/4 (past G2's end 400). Max AF 0.25:
    // six qualifying variants inside genes.
    assert_eq!(summary.qualifying_variants, 6, "{summary:?}");
    assert_eq!((summary.genes, summary.genes_on_unknown_contigs, summary.unknown_contigs.clone()), (3, 1, vec!["chrUn".to_string()]));
    let got: Vec<(&str, u64, u64, u64, u64, u64)> =
        rows.iter().map(|r| (r.gene.as_str(), r.variants, r.case_carriers, r.control_carriers, r.case_alt, r.control_alt)).collect();
    // G1 (100-200): 150, 160, 170, 200 → cases C1 (2 alts), C2, C3 carry; control K1 (./1).
    // G2 (300-400): 300 (C3 1/1), 350 (K2 0/1). G3: nothing.
    assert_eq!(got, [("G1", 4, 3, 1, 4, 1), ("G2", 2, 1, 1, 2, 1), ("G3", 0, 0, 0, 0, 0)]);
    // G1 table [[3, 0], [1, 2]]: margins 3 cases, 4 carriers of 6; a ∈ 1..=3 with weights
    // C(4,a)·C(2,3−a) = 4, 12, 4 of 20 → p(a = 3) = 8/20.
    assert!((rows[0].p - 0.4).abs() < 1e-15, "{:?}", rows[0]);
    assert!(rows[0].odds_ratio.is_infinite() && rows[0].ci_low.is_nan());
    // G2 [[1, 2], [1, 2]]: OR 1, p 1, Woolf SE √(1 + ½ + 1 + ½) = √3.
    assert_eq!((rows[1].odds_ratio, rows[1].p), (1.0, 1.0));
    assert!((rows[1].se_log_or - 3f64.sqrt()).abs() < 1e-15);
    assert!((rows[1].ci_high - (1.959963984540054 * 3f64.sqrt()).exp()).abs() < 1e-12);
    assert_eq!((rows[2].error, rows[2].p.is_nan()), (Some("NO_VARIANTS"), true));
    assert!(rows.iter().all(|r| r.cases == 3 && r.controls == 3 && r.test == Method::Fisher));

    let (from_gff, _) = run(&store, GeneSet::parse(GFF3, GeneFormat::Gff3, "genes.gff3").unwrap(), AssocTest::Fisher, BurdenScore::Carrier, &[]);
    assert_eq!(format!("{from_gff:?}"), format!("{rows:?}"), "the same genes from GFF3 give the same rows (NaN included)");
    let (only_g2, _) = run(&store, bed(), AssocTest::Fisher, BurdenScore::Carrier, &["1:390-395"]);
    assert_eq!(format!("{only_g2:?}"), format!("{:?}", &rows[1..2]), "a region selects the genes overlapping it, tested whole");
}

#[test]
fn logistic_on_carrier_status_by_hand() {
    let (_dir, store) = store();
    let (rows, _) = run(&store, bed(), AssocTest::Logistic, BurdenScore::Carrier, &[]);
    // One binary predictor: the MLE is the table's log OR with Woolf's SE; G1 has an empty
    // cell, so Firth, whose estimate is the log OR with ½ added to each cell.
    assert_eq!(rows[0].test, Method::Firth);
    let firth_or = (3.5 * 2.5) / (0.5 * 1.5);
    assert!((rows[0].odds_ratio - firth_or).abs() < 1e-7 * firth_or, "{:?}", rows[0]);
    assert_eq!(rows[1].test, Method::Logistic);
    assert!((rows[1].odds_ratio - 1.0).abs() < 1e-9 && (rows[1].se_log_or - 3f64.sqrt()).abs() < 1e-9, "{:?}", rows[1]);
    assert!((rows[1].p - 1.0).abs() < 1e-9);
    assert_eq!(rows[2].error, Some("NO_VARIANTS"));
}

#[test]
fn bad_requests_are_refused() {
    let (_dir, store) = store();
    let mut req = BurdenRequest {
        cases: SampleSource::Cohort("cases".into()),
        controls: SampleSource::Cohort("controls".into()),
        options: BurdenOptions { regions: vec![], genes: bed(), max_af: 1.5, test: AssocTest::Fisher, score: BurdenScore::Carrier, covariates: None },
    };
    let err = |req: &BurdenRequest| burden(&store, req, |_| panic!("no row on refused input")).unwrap_err().to_string();
    assert!(err(&req).contains("max AF 1.5 is outside [0, 1]"));
    req.options.max_af = 0.01;
    req.options.regions = vec!["chr9:1-5".parse().unwrap()];
    assert!(err(&req).contains("contig chr9 is not in the store"));
    req.options.regions.clear();
    req.options.covariates = Some(genohub_analysis::Covariates::parse("S age\nC1 1\n", "c.tsv").unwrap());
    assert!(err(&req).contains("covariates need --test logistic"));
    req.options.test = AssocTest::Logistic;
    assert!(err(&req).contains("have no row"));
    req.controls = SampleSource::Names(vec!["C1".into()]);
    assert!(err(&req).contains("overlap"));
}
