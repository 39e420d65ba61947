//! The analysis commands end to end: cohorts, freq, afdist, and refusals of bad input.

use std::path::Path;
use std::process::{Command, Output};

fn genohub(store: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_genohub")).arg("--store").arg(store).arg("-q").args(args).output().unwrap()
}

fn ok(o: &Output) -> String {
    assert!(o.status.success(), "stderr: {}", String::from_utf8_lossy(&o.stderr));
    String::from_utf8_lossy(&o.stdout).into_owned()
}

fn fails(o: &Output, needle: &str) {
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(!o.status.success(), "expected failure containing {needle:?}");
    assert!(err.contains(needle), "stderr {err:?} lacks {needle:?}");
    assert!(o.stdout.is_empty(), "nothing is printed on refused input: {:?}", String::from_utf8_lossy(&o.stdout));
}

/// Three samples over two files, worked by hand below.
fn store(dir: &Path) -> std::path::PathBuf {
    let s = dir.join("store");
    let head = "##fileformat=VCFv4.2\n##contig=<ID=1,length=1000>\n#CHROM\tPOS\tID\tREF\tALT\tQUAL\tFILTER\tINFO\tFORMAT";
    let a = format!("{head}\tA1\tA2\n1\t10\trs1\tC\tT\t.\t.\t.\tGT\t0/1\t1/1\n1\t20\t.\tG\tA\t.\t.\t.\tGT\t0/0\t./.\n");
    let b = format!("{head}\tB1\n1\t10\trs1\tC\tT\t.\t.\t.\tGT\t0/0\n1\t30\t.\tT\tG\t.\t.\t.\tGT\t0/1\n");
    std::fs::write(dir.join("a.vcf"), a).unwrap();
    std::fs::write(dir.join("b.vcf"), b).unwrap();
    ok(&genohub(&s, &["ingest", dir.join("a.vcf").to_str().unwrap(), dir.join("b.vcf").to_str().unwrap()]));
    s
}

#[test]
fn cohort_lifecycle_and_freq_by_hand() {
    let dir = tempfile::tempdir().unwrap();
    let s = store(dir.path());
    ok(&genohub(&s, &["cohort", "create", "pair", "-s", "A2,B1"]));
    let list = ok(&genohub(&s, &["cohort", "list"]));
    assert!(list.lines().any(|l| l.starts_with("pair\tsamples\t2\t")), "{list}");
    let show = ok(&genohub(&s, &["cohort", "show", "pair"]));
    assert_eq!(show.lines().skip(1).collect::<Vec<_>>(), vec!["default/A2", "default/B1"]);

    // All samples. 10: A1 0/1, A2 1/1, B1 0/0 → AC 3, AN 6. 20: only file a has it, B1 has no
    // reference blocks → missing; A2 ./. → AC 0, AN 2. 30: only in b, A1 and A2 missing.
    let all = ok(&genohub(&s, &["freq"]));
    let cols = |l: &str| l.split('\t').map(String::from).collect::<Vec<_>>();
    let rows: Vec<Vec<String>> = all.lines().skip(1).map(cols).collect();
    assert_eq!(all.lines().next().unwrap(), "#CHROM\tPOS\tID\tREF\tALT\tAC\tAN\tAF\tHOM_REF\tHET\tHOM_ALT\tHAP_REF\tHAP_ALT\tMISSING\tHWE_P");
    assert_eq!(rows[0][..14], ["1", "10", "rs1", "C", "T", "3", "6", "0.5", "1", "1", "1", "0", "0", "0"]);
    assert_eq!(rows[1][5..14], ["0", "2", "0", "1", "0", "0", "0", "0", "2"]);
    assert_eq!(rows[2][5..14], ["1", "2", "0.5", "0", "1", "0", "0", "0", "2"]);
    // HWE at 10: 1 hom-ref, 1 het, 1 hom-alt; 3 ref and 3 alt alleles, het ∈ {1, 3}:
    // P(1) = 3!/(1!1!1!)·2·3!3!/6! = 0.6, P(3) = 3!/3!·8·36/720 = 0.4 → p(observed 1) = 1.
    assert_eq!(rows[0][14], "1");

    // The cohort: 10: A2 1/1, B1 0/0 → AC 2 AN 4; 20: A2 missing, B1 missing → AN 0, AF '.'.
    let pair = ok(&genohub(&s, &["freq", "--cohort", "pair", "--format", "json"]));
    let v: serde_json::Value = serde_json::from_str(&pair).unwrap();
    let v = v.as_array().unwrap();
    assert_eq!(v.len(), 3);
    assert_eq!((v[0]["ac"].as_u64(), v[0]["an"].as_u64(), v[0]["af"].as_f64()), (Some(2), Some(4), Some(0.5)));
    assert_eq!((v[1]["an"].as_u64(), v[1]["af"].is_null(), v[1]["missing"].as_u64()), (Some(0), true, Some(2)));
    // HWE for 0/0 + 1/1: p = 1/3 (het ∈ {0, 2}, P(0) = 1/3).
    assert!((v[0]["hwe_p"].as_f64().unwrap() - 1.0 / 3.0).abs() < 1e-12);
    let same = ok(&genohub(&s, &["freq", "-s", "A2,B1", "--format", "json"]));
    assert_eq!(pair, same);
    let region = ok(&genohub(&s, &["freq", "1:15-40", "--cohort", "pair"]));
    assert_eq!(region.lines().count(), 3, "{region}");

    ok(&genohub(&s, &["cohort", "delete", "pair"]));
    fails(&genohub(&s, &["freq", "--cohort", "pair"]), "unknown cohort pair");
    fails(&genohub(&s, &["cohort", "delete", "pair"]), "unknown cohort pair");
}

#[test]
fn bad_input_is_refused_before_anything_is_computed() {
    let dir = tempfile::tempdir().unwrap();
    let s = store(dir.path());
    fails(&genohub(&s, &["cohort", "create", "x", "-s", "A1,NOPE"]), "unknown sample NOPE");
    fails(&genohub(&s, &["cohort", "create", "x", "-s", "A1,A1"]), "selected twice");
    fails(&genohub(&s, &["cohort", "create", "bad name", "-s", "A1"]), "cohort name");
    let empty = dir.path().join("empty.txt");
    std::fs::write(&empty, "# nobody\n").unwrap();
    fails(&genohub(&s, &["cohort", "create", "x", "-S", empty.to_str().unwrap()]), "cannot be empty");
    let list = ok(&genohub(&s, &["cohort", "list"]));
    assert_eq!(list.lines().count(), 1, "no cohort was stored: {list}");
    ok(&genohub(&s, &["cohort", "create", "x", "-s", "A1"]));
    fails(&genohub(&s, &["cohort", "create", "x", "-s", "A2"]), "already exists");
    ok(&genohub(&s, &["cohort", "create", "x", "-s", "A2", "--replace"]));
    fails(&genohub(&s, &["freq", "-s", "A1,ZZ"]), "unknown sample ZZ");
    fails(&genohub(&s, &["freq", "-S", empty.to_str().unwrap()]), "no samples given");
    fails(&genohub(&s, &["freq", "chrX:1-10"]), "not in the store");
    fails(&genohub(&s, &["afdist", "--cohort", "nope"]), "unknown cohort nope");
    fails(&genohub(&s, &["afdist", "-p", "0,0.5,0.2"]), "edges must increase");
    let out = genohub(&s, &["freq", "--cohort", "x", "-s", "A1"]);
    assert!(!out.status.success(), "--cohort and -s together are refused");
}

#[test]
fn afdist_prints_bcftools_layout_and_plots() {
    let dir = tempfile::tempdir().unwrap();
    let s = store(dir.path());
    let svg = dir.path().join("af.svg");
    let text = ok(&genohub(&s, &["afdist", "--plot", svg.to_str().unwrap()]));
    // AF: site 10 = 3/6 = 0.5, site 20 = 0, site 30 = 1/2. Het genotypes (A1 at 10, B1 at 30)
    // have p = 2·0.5·0.5 = 0.5 → bin [0.5, 0.6); A2's 1/1 at 10 has p = 0.25 → [0.2, 0.3).
    let prob: Vec<&str> = text.lines().filter(|l| l.starts_with("PROB_DIST")).collect();
    assert_eq!(prob.len(), 10);
    assert_eq!(prob[2], "PROB_DIST\t0.200000\t0.300000\t1");
    assert_eq!(prob[5], "PROB_DIST\t0.500000\t0.600000\t2");
    let binned: u64 = prob.iter().map(|l| l.rsplit('\t').next().unwrap().parse::<u64>().unwrap()).sum();
    assert_eq!(binned, 3);
    let svg = std::fs::read_to_string(&svg).unwrap();
    assert!(svg.starts_with("<svg") && svg.contains("PROB_DIST") && svg.trim_end().ends_with("</svg>"));
}

#[test]
fn assoc_fisher_by_hand_and_refusals() {
    let dir = tempfile::tempdir().unwrap();
    let s = store(dir.path());
    ok(&genohub(&s, &["cohort", "create", "cases", "-s", "A1,A2"]));
    ok(&genohub(&s, &["cohort", "create", "controls", "-s", "B1"]));
    ok(&genohub(&s, &["cohort", "create", "mixed", "-s", "B1,A1"]));
    let svg = dir.path().join("m.svg");
    let text = ok(&genohub(&s, &["assoc", "--cases", "cases", "--controls", "controls", "--plot", svg.to_str().unwrap()]));
    let rows: Vec<Vec<&str>> = text.lines().skip(1).map(|l| l.split('\t').collect()).collect();
    // Site 10: cases A1 0/1 + A2 1/1 = 3 alt of 4; control B1 0/0 = 0 alt of 2. Tables with
    // the margins (3 alt of 6 alleles, 4 in cases): a ∈ {1, 2, 3} with C(3,a)·C(3,4−a)/C(6,4)
    // = 3/15, 9/15, 3/15 → p(a = 3) = 6/15 = 0.4.
    assert_eq!(rows[0][..11], ["1", "10", "rs1", "C", "T", "3", "4", "0", "2", "FISHER", "6"]);
    assert!((rows[0][15].parse::<f64>().unwrap() - 0.4).abs() < 1e-12, "{:?}", rows[0]);
    assert!(std::fs::read_to_string(&svg).unwrap().contains("<circle"));
    fails(&genohub(&s, &["assoc", "--cases", "cases", "--controls", "mixed"]), "overlap in 1 sample(s): default/A1");
    fails(&genohub(&s, &["assoc", "--cases", "cases", "--controls", "nope"]), "unknown cohort nope");
    let cov = dir.path().join("cov.tsv");
    std::fs::write(&cov, "IID\tage\nA1\t30\nA2\t41\n").unwrap();
    let args = ["assoc", "--cases", "cases", "--controls", "controls", "--test", "logistic", "--covariates", cov.to_str().unwrap()];
    fails(&genohub(&s, &args), "1 sample(s) of the analysis have no row: default/B1");
    std::fs::write(&cov, "IID\tage\nA1\t30\nA2\tforty\nB1\t50\n").unwrap();
    fails(&genohub(&s, &args), "line 3 column age: \"forty\" is not a number");
    std::fs::write(&cov, "IID\tage\nA1\t30\nA2\t41\nB1\t50\n").unwrap();
    let text = ok(&genohub(&s, &args));
    assert_eq!(text.lines().count(), 4, "{text}");
    fails(&genohub(&s, &["assoc", "--cases", "cases", "--controls", "controls", "--covariates", cov.to_str().unwrap()]), "covariates need --test logistic");
}

/// Width and height from a PNG's IHDR chunk, after checking the signature.
fn png_size(bytes: &[u8]) -> (u32, u32) {
    assert_eq!(&bytes[..8], b"\x89PNG\r\n\x1a\n", "PNG signature");
    assert_eq!(&bytes[12..16], b"IHDR");
    let be = |b: &[u8]| u32::from_be_bytes([b[0], b[1], b[2], b[3]]);
    (be(&bytes[16..20]), be(&bytes[20..24]))
}

#[test]
fn assoc_burden_by_hand_with_png_plot() {
    let dir = tempfile::tempdir().unwrap();
    let s = store(dir.path());
    ok(&genohub(&s, &["cohort", "create", "cases", "-s", "A1,A2"]));
    ok(&genohub(&s, &["cohort", "create", "controls", "-s", "B1"]));
    let bed = dir.path().join("genes.bed");
    std::fs::write(&bed, "1\t0\t15\tGA\n1\t15\t40\tGB\n").unwrap();
    let png = dir.path().join("m.png");
    let base = ["assoc", "--cases", "cases", "--controls", "controls", "--burden", "--genes", bed.to_str().unwrap()];
    let args: Vec<&str> = base.iter().copied().chain(["--max-af", "0.5", "--plot", png.to_str().unwrap()]).collect();
    let text = ok(&genohub(&s, &args));
    let lines: Vec<Vec<&str>> = text.lines().map(|l| l.split('\t').collect()).collect();
    assert_eq!(lines[0][..5], ["#GENE", "CHROM", "START", "END", "VARIANTS"]);
    // AF over the three samples: site 10 = 3/6, 20 = 0 (not a variant here), 30 = 1/2.
    // GA (1-15): site 10, carriers A1, A2 of the 2 cases, none of the control: table
    // [[2, 0], [0, 1]], a ∈ {1, 2} with weights 2, 1 → p = 1/3. GB (16-40): site 30, carrier
    // B1: [[0, 2], [1, 0]], a ∈ {0, 1} with weights 1, 2 → p = 1/3.
    assert_eq!(lines[1][..12], ["GA", "1", "1", "15", "1", "2", "2", "0", "1", "3", "0", "FISHER"]);
    assert_eq!(lines[2][..12], ["GB", "1", "16", "40", "1", "0", "2", "1", "1", "0", "1", "FISHER"]);
    for l in &lines[1..] {
        assert!((l[17].parse::<f64>().unwrap() - 1.0 / 3.0).abs() < 1e-12, "{l:?}");
    }
    let (w, h) = png_size(&std::fs::read(&png).unwrap());
    assert_eq!((w, h), (2000, 840));

    // At the default max AF of 0.01 nothing qualifies.
    let json = ok(&genohub(&s, &[&base[..], &["--format", "json"]].concat()));
    let v: serde_json::Value = serde_json::from_str(&json).unwrap();
    assert_eq!(v.as_array().unwrap().len(), 2);
    assert_eq!((v[0]["variants"].as_u64(), v[0]["error"].as_str(), v[0]["p"].is_null()), (Some(0), Some("NO_VARIANTS"), true));

    std::fs::write(&bed, "1\t0\t15\tGA\n1\tten\t40\tGB\n").unwrap();
    fails(&genohub(&s, &base), "genes.bed line 2 field start: \"ten\"");
    let out = genohub(&s, &["assoc", "--cases", "cases", "--controls", "controls", "--genes", bed.to_str().unwrap()]);
    assert!(!out.status.success(), "--genes without --burden is refused");
    let out = genohub(&s, &["assoc", "--cases", "cases", "--controls", "controls", "--burden"]);
    assert!(!out.status.success(), "--burden without --genes is refused");
}

#[test]
fn afdist_png_plot() {
    let dir = tempfile::tempdir().unwrap();
    let s = store(dir.path());
    let png = dir.path().join("af.PNG");
    ok(&genohub(&s, &["afdist", "--plot", png.to_str().unwrap()]));
    assert_eq!(png_size(&std::fs::read(&png).unwrap()), (1800, 760));
}
