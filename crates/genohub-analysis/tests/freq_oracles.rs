//! `freq` against bcftools +fill-tags and plink2 --freq/--geno-counts/--hardy on the same
//! samples, whole cohort and subsets.

mod common;

use common::*;
use genohub_analysis::SampleSource;
use genohub_store::Store;

const SUBSET: [&str; 7] = ["SIM00002", "SIM00005", "SIM00011", "SIM00017", "SIM00023", "SIM00031", "SIM00040"];

fn subset_names() -> Vec<String> {
    SUBSET.iter().map(|s| s.to_string()).collect()
}

#[test]
fn freq_equals_bcftools_fill_tags_with_half_calls_haploid_and_missing() {
    if !tool("bcftools") {
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let vcf = write(dir.path(), "rough.vcf", &roughen(&cohort_text(48, 400_000, 11, 0.02)));
    let store = Store::open(&dir.path().join("s")).unwrap();
    ingest(&store, &vcf, "c");
    for (label, source, view) in
        [("all", SampleSource::All, String::new()), ("subset", SampleSource::Names(subset_names()), format!("-s {}", SUBSET.join(",")))]
    {
        let ours = by_site(freq_rows(&store, &[], source));
        let theirs = sh(&format!(
            "bcftools norm -m- {} 2>/dev/null | bcftools view {view} -Ou | bcftools +fill-tags -Ou -- -t AC,AN,AF,HWE | bcftools query -f '%POS\\t%REF\\t%ALT\\t%AC\\t%AN\\t%AF\\t%HWE\\n'",
            vcf.display()
        ));
        let mut compared = 0;
        let (mut max_af, mut max_hwe) = (0f64, 0f64);
        for line in theirs.lines() {
            let f: Vec<&str> = line.split('\t').collect();
            let key = (f[0].parse::<u64>().unwrap(), f[1].to_string(), f[2].to_string());
            let r = ours.get(&key).unwrap_or_else(|| panic!("{label}: site {key:?} missing from genohub freq"));
            assert_eq!((r.ac, r.an), (f[3].parse().unwrap(), f[4].parse().unwrap()), "{label} AC/AN at {key:?}");
            if f[5] != "." {
                let af: f64 = f[5].parse().unwrap();
                assert!(close(r.af.unwrap(), af, 1e-5, 0.0), "{label} AF at {key:?}: {:?} vs {af}", r.af);
                max_af = max_af.max((r.af.unwrap() - af).abs() / af.max(1e-300));
            } else {
                assert_eq!(r.af, None);
            }
            let hwe: f64 = f[6].parse().unwrap();
            assert!(close(r.hwe_p, hwe, 1e-5, 1e-30), "{label} HWE at {key:?}: {} vs {hwe}", r.hwe_p);
            if hwe > 1e-30 {
                max_hwe = max_hwe.max((r.hwe_p - hwe).abs() / hwe);
            }
            compared += 1;
        }
        assert_eq!(compared, ours.len(), "{label}: same number of variants");
        assert!(compared > 500, "{label}: enough variants to mean something ({compared})");
        let roughened = ours.values().filter(|r| r.hap_alt + r.hap_ref > 0).count();
        assert!(roughened > 100, "the data has haploid calls to exercise");
        eprintln!("bcftools {label}: {compared} variants, max rel diff AF {max_af:.2e}, HWE {max_hwe:.2e}");
    }
}

fn plink_table(path: &std::path::Path) -> Vec<Vec<String>> {
    let text = std::fs::read_to_string(path).unwrap();
    text.lines().skip(1).map(|l| l.split('\t').map(String::from).collect()).collect()
}

#[test]
fn freq_equals_plink2_freq_geno_counts_and_hardy() {
    if !tool("bcftools") || !tool("plink2") {
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let vcf = write(dir.path(), "c.vcf", &cohort_text(64, 400_000, 12, 0.02));
    let store = Store::open(&dir.path().join("s")).unwrap();
    ingest(&store, &vcf, "c");
    let keep = write(dir.path(), "keep.txt", &(SUBSET.join("\n") + "\n"));
    for (label, source, keep_arg) in
        [("all", SampleSource::All, String::new()), ("subset", SampleSource::Names(subset_names()), format!("--keep {}", keep.display()))]
    {
        let ours = by_site(freq_rows(&store, &[], source));
        let out = dir.path().join(format!("p_{label}"));
        sh(&format!(
            "bcftools norm -m- {vcf} -Oz -o {split} 2>/dev/null; plink2 --vcf {split} {keep_arg} --freq cols=+pos --geno-counts cols=+pos --hardy cols=+pos --out {out} >/dev/null",
            vcf = vcf.display(),
            split = dir.path().join("split.vcf.gz").display(),
            out = out.display()
        ));
        let afreq = plink_table(&out.with_extension("afreq"));
        let gcount = plink_table(&out.with_extension("gcount"));
        let hardy = plink_table(&out.with_extension("hardy"));
        assert_eq!(afreq.len(), ours.len(), "{label}: same number of variants");
        let (mut max_af, mut max_p) = (0f64, 0f64);
        for ((a, g), h) in afreq.iter().zip(&gcount).zip(&hardy) {
            // #CHROM POS ID REF ALT ALT_FREQS OBS_CT
            let key = (a[1].parse::<u64>().unwrap(), a[3].clone(), a[4].clone());
            let r = &ours[&key];
            assert_eq!(r.an, a[6].parse::<u64>().unwrap(), "{label} OBS_CT at {key:?}");
            if let Some(af) = r.af {
                let theirs: f64 = a[5].parse().unwrap();
                assert!(close(af, theirs, 1e-5, 1e-6), "{label} ALT_FREQS at {key:?}: {af} vs {theirs}");
                max_af = max_af.max((af - theirs).abs() / theirs.max(1e-300));
            }
            // ... HOM_REF_CT HET_REF_ALT_CTS TWO_ALT_GENO_CTS HAP_REF_CT HAP_ALT_CTS MISSING_CT
            let counts: Vec<u64> = g[5..11].iter().map(|x| x.parse().unwrap()).collect();
            assert_eq!(counts, vec![r.hom_ref, r.het, r.hom_alt, r.hap_ref, r.hap_alt, r.missing], "{label} genotype counts at {key:?}");
            // ... HOM_A1_CT HET_A1_CT TWO_AX_CT O(HET_A1) E(HET_A1) P, A1 = REF
            assert_eq!(h[3], r.reference);
            let p: f64 = h[10].parse().unwrap();
            assert!(close(r.hwe_p, p, 1e-5, 1e-30), "{label} HWE P at {key:?}: {} vs {p}", r.hwe_p);
            if p > 1e-30 {
                max_p = max_p.max((r.hwe_p - p).abs() / p);
            }
        }
        eprintln!("plink2 {label}: {} variants, max rel diff ALT_FREQS {max_af:.2e}, HWE P {max_p:.2e}", afreq.len());
    }
}
