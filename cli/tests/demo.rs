//! `genohub demo`: runs the real binary in a temp dir and checks what each role was shown
//! against the demo's own input files (the hospitals' CSVs) and against itself.

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::path::Path;
use std::process::{Command, Stdio};

fn demo(dir: &Path) -> String {
    let out = Command::new(env!("CARGO_BIN_EXE_genohub")).arg("demo").arg("--dir").arg(dir).output().unwrap();
    let text = String::from_utf8_lossy(&out.stdout).to_string();
    assert!(out.status.success(), "demo failed:\n{text}\n{}", String::from_utf8_lossy(&out.stderr));
    text
}

fn line<'a>(text: &'a str, needle: &str) -> &'a str {
    text.lines().find(|l| l.contains(needle)).unwrap_or_else(|| panic!("no line with {needle:?} in:\n{text}"))
}

/// The number right after `before` in `s`.
fn num_after(s: &str, before: &str) -> u64 {
    let i = s.find(before).unwrap_or_else(|| panic!("{before:?} not in {s:?}")) + before.len();
    s[i..].chars().take_while(|c| c.is_ascii_digit()).collect::<String>().parse().unwrap_or_else(|_| panic!("no number after {before:?} in {s:?}"))
}

/// Patients and their consent `data_use` from the CSV files the demo imported.
fn csv_consents(dir: &Path) -> Vec<String> {
    let mut uses = Vec::new();
    for h in ["todai-hosp", "kyoto-hosp", "osaka-hosp"] {
        let text = std::fs::read_to_string(dir.join(format!("{h}.csv"))).unwrap();
        let header: Vec<&str> = text.lines().next().unwrap().split(',').collect();
        let col = header.iter().position(|c| *c == "data_use").unwrap();
        uses.extend(text.lines().filter(|l| l.starts_with("consent,")).map(|l| l.split(',').nth(col).unwrap().to_string()));
    }
    uses
}

#[test]
fn demo_shows_each_roles_result() {
    let tmp = tempfile::tempdir().unwrap();
    let out = demo(tmp.path());
    let consents = csv_consents(tmp.path());
    let total = consents.len() as u64;

    // Centers: both uploads committed with their sample counts; a foreign-center upload refused.
    assert_eq!(num_after(line(&out, "tokyo-pipeline: ingested"), "variants, "), 500);
    let gvcf_line = line(&out, "osaka-pipeline: ingested");
    assert_eq!(num_after(gvcf_line, "variant calls, "), 12, "{gvcf_line}");
    assert_eq!(num_after(gvcf_line, "ingested "), 12, "one gVCF (and batch) per sample: {gvcf_line}");
    assert_eq!(std::fs::read_dir(tmp.path().join("gvcf")).unwrap().count(), 12);
    assert!(line(&out, "osaka-pipeline uploading as tokyo-seq").contains("REFUSED"));

    // A few BAMs, stored with their read counts (samtools counts the same reads when present).
    let bams: Vec<&str> = out.lines().filter(|l| l.contains(": BAM of ")).collect();
    assert_eq!(bams.len(), 3, "{out}");
    for l in bams {
        let sample = l.split("BAM of ").nth(1).unwrap().split(' ').next().unwrap();
        let reads = num_after(l, "stored (");
        assert!(reads > 1000, "{l}");
        match Command::new("samtools").arg("view").arg("-c").arg(tmp.path().join(format!("{sample}.bam"))).output() {
            Ok(o) if o.status.success() => assert_eq!(String::from_utf8_lossy(&o.stdout).trim().parse::<u64>().unwrap(), reads, "{l}"),
            _ => eprintln!("skipping: samtools not available to count {sample}.bam"),
        }
    }

    // Hospitals: every CSV patient imported, with a consent each.
    let imported: u64 = out.lines().filter(|l| l.contains(": imported ")).map(|l| num_after(l, ": imported ")).sum();
    assert_eq!(imported, total);
    assert!((400..=600).contains(&total), "about 500 patients, got {total}");
    let withdrawn = num_after(line(&out, "withdrawn (their samples"), "disease-specific; ");
    assert!(withdrawn > 0 && withdrawn < total / 10, "a few withdrawn: {withdrawn}");

    // Projects: one approved, one rejected.
    assert!(line(&out, "P0001:").ends_with("approved (k=5, min cohort 20)"));
    assert!(line(&out, "P0002:").ends_with("-> rejected"));

    // Clinician: a variant's counts, own patients' genotypes with a carrier, another hospital refused.
    let carriers = num_after(line(&out, "genotypes of own patients"), "patients, ");
    assert!(carriers >= 1);
    let gt = line(&out, "own patient ").rsplit("genotype ").next().unwrap();
    assert!(gt.contains('1'), "the shown carrier's genotype {gt:?}");
    assert!(line(&out, "genotype of kyoto-hosp's patient").contains("REFUSED (forbidden: sample tokyo-seq/SIM"));

    // osaka-hosp's clinician: at an SNV one gVCF sample carries, a sample is hom-ref exactly
    // where its own gVCF has a reference block over the site, and missing where it has none.
    let rule = line(&out, "gVCF-sequenced patients at chr20:");
    let pos = num_after(rule, "at chr20:");
    let listed = |prefix: &str| -> Vec<String> {
        line(&out, prefix).split_once(": ").unwrap().1.split([' ', ',']).filter(|w| w.starts_with("OSK")).map(String::from).collect()
    };
    let (carriers, hom_ref, uncallable) = (listed("  carrier: "), listed("  hom-ref (their reference blocks"), listed("  ./. (no reference block"));
    assert!(!carriers.is_empty() && !hom_ref.is_empty() && !uncallable.is_empty(), "{rule}");
    for (samples, expected) in [(&carriers, Some(true)), (&hom_ref, Some(false)), (&uncallable, None)] {
        for sample in samples {
            assert_eq!(gvcf_call_at(&tmp.path().join("gvcf").join(format!("{sample}.g.vcf.gz")), pos), expected, "{sample} at {pos}");
        }
    }
    let n = num_after(rule, "genotypes of its ");
    assert_eq!(n as usize, carriers.len() + hom_ref.len() + uncallable.len());
    assert_eq!(num_after(rule, "-> AN "), 2 * (carriers.len() + hom_ref.len()) as u64);
    assert_eq!(num_after(rule.split("-> AN ").nth(1).unwrap(), " of "), 2 * n);

    // Company: the effective set is the consenting, non-withdrawn part of all patients.
    let eff_line = line(&out, "effective set:");
    let effective = num_after(eff_line, "effective set: ");
    assert_eq!(num_after(eff_line, "individuals of "), total);
    let ncu = consents.iter().filter(|u| u.contains("NCU")).count() as u64;
    let ds = consents.iter().filter(|u| u.starts_with("DS")).count() as u64;
    let open = total - ncu - ds;
    assert!(effective <= open && effective + withdrawn >= open, "effective {effective}, open consents {open}, withdrawn {withdrawn}");
    assert!(effective < total);

    let freq = line(&out, "freq chr20:");
    let (variants, small) = (num_after(freq, ": "), num_after(freq, "variants, "));
    assert!(small > 0 && small < variants, "{freq}");
    assert!(out.lines().filter(|l| l.starts_with("  chr20:") && l.contains("AC=<5")).count() >= 1);
    assert!(out.lines().any(|l| l.starts_with("  chr20:") && !l.contains("AC=<") && l.contains("AF=0.")));

    let assoc = line(&out, "assoc (Fisher)");
    assert!(num_after(assoc, "): ") > 0 && num_after(assoc, "tested, ") > 0, "{assoc}");
    assert!(line(&out, "stage IV PAAD complete responders").contains("REFUSED (refused: the cohort is smaller than project P0001's minimum of 20"));
    assert!(line(&out, "LUAD patients in the project:").trim_end().ends_with(char::is_numeric));
    assert!(line(&out, "(a differencing attempt)").contains("REFUSED (refused:") && out.contains("differencing protection"));
    assert!(line(&out, "rejected project P0002").contains("REFUSED (forbidden: project P0002 is rejected)"));
    assert!(line(&out, "freq outside any project").contains("REFUSED"));

    // Committee: each explanation agrees with the researcher's count; reasons add up; the
    // company's project loses the NCU consents, the university's does not.
    let leading = |l: &str| -> u64 { l.trim().split(' ').next().unwrap().parse().unwrap() };
    let explained = |project: &str, effective: u64| -> Vec<(u64, String)> {
        let explain = line(&out, &format!("explain {project}"));
        assert_eq!(num_after(explain, "): "), effective, "{explain}");
        let excluded = num_after(explain, "included, ");
        assert_eq!(effective + excluded, total);
        let reasons: Vec<(u64, String)> = out
            .lines()
            .skip_while(|l| !l.starts_with(&format!("explain {project}")))
            .skip(1)
            .take_while(|l| l.contains(" excluded: "))
            .map(|l| (leading(l), l.split_once(" excluded: ").unwrap().1.to_string()))
            .collect();
        assert_eq!(reasons.iter().map(|r| r.0).sum::<u64>(), excluded, "{project}: {reasons:?}");
        assert_eq!(reasons.iter().find(|r| r.1 == "consent withdrawn").map(|r| r.0), Some(withdrawn), "{project}: withdrawn line");
        reasons
    };
    let company_reasons = explained("P0001", effective);
    let ncu_excluded = company_reasons.iter().find(|r| r.1.starts_with("NCU")).expect("NCU excluded from the company's project").0;
    assert!(ncu_excluded <= ncu && ncu_excluded + withdrawn >= ncu);

    // University: its non-commercial project adds exactly the NCU consents the company's lost.
    assert!(line(&out, "P0003:").ends_with("approved (k=5, min cohort 20)"));
    let academic_line = line(&out, "project P0003 effective set:");
    let academic = num_after(academic_line, "effective set: ");
    assert_eq!(num_after(academic_line, "(pharma-co): "), effective, "{academic_line}");
    assert_eq!(academic, effective + ncu_excluded, "{academic_line}");
    let difference = line(&out, "consented HMB+NCU");
    assert_eq!(num_after(difference, "difference "), ncu_excluded);
    assert_eq!(num_after(difference, ": "), ncu_excluded);
    let academic_reasons = explained("P0003", academic);
    assert!(academic_reasons.iter().all(|r| !r.1.contains("NCU")), "{academic_reasons:?}");
    let logged = num_after(line(&out, "audit log: "), "audit log: ");
    let refusals = num_after(line(&out, "audit log: "), "entries, ");
    assert!(refusals >= 6, "every refusal shown is audited: {refusals}");
    let verify = line(&out, "audit verify:");
    assert!(verify.starts_with("audit verify: OK"), "{verify}");
    assert_eq!(num_after(verify, "OK, "), logged + 1, "the log read is itself audited");
}

/// What a single-sample gVCF says at `pos`: Some(true) a variant record starts there,
/// Some(false) a reference block covers it, None neither (not callable). Read with `gzip -dc`
/// (BGZF is multi-member gzip), independently of genohub's parser.
fn gvcf_call_at(path: &Path, pos: u64) -> Option<bool> {
    let out = Command::new("gzip").arg("-dc").arg(path).output().unwrap();
    assert!(out.status.success(), "gzip -dc {}", path.display());
    let mut found = None;
    for l in String::from_utf8(out.stdout).unwrap().lines().filter(|l| !l.starts_with('#')) {
        let f: Vec<&str> = l.split('\t').collect();
        let start: u64 = f[1].parse().unwrap();
        if f[4] == "<NON_REF>" {
            let end: u64 = f[7].strip_prefix("END=").unwrap().parse().unwrap();
            if (start..=end).contains(&pos) {
                assert!(found.is_none(), "two entries at {pos} in {}", path.display());
                found = Some(false);
            }
        } else if start == pos {
            assert!(found.is_none(), "two entries at {pos} in {}", path.display());
            found = Some(true);
        }
    }
    found
}

fn http_get(url: &str, token: &str) -> (u16, String) {
    let rest = url.strip_prefix("http://").unwrap();
    let (host, path) = rest.split_at(rest.find('/').unwrap());
    let mut s = TcpStream::connect(host).unwrap();
    write!(s, "GET {path} HTTP/1.1\r\nHost: {host}\r\nAuthorization: Bearer {token}\r\nConnection: close\r\n\r\n").unwrap();
    let mut resp = String::new();
    s.read_to_string(&mut resp).unwrap();
    let status = resp.split(' ').nth(1).unwrap().parse().unwrap();
    (status, resp)
}

/// `curl -s -H 'Authorization: Bearer TOKEN' 'URL'` → (token, url).
fn parse_curl(l: &str) -> (String, String) {
    let parts: Vec<&str> = l.split('\'').collect();
    (parts[1].trim_start_matches("Authorization: Bearer ").to_string(), parts[3].to_string())
}

#[test]
fn demo_serve_answers_the_printed_curl_lines() {
    let tmp = tempfile::tempdir().unwrap();
    let mut child = Command::new(env!("CARGO_BIN_EXE_genohub"))
        .args(["demo", "--serve", "--listen", "127.0.0.1:0", "--dir"])
        .arg(tmp.path())
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let mut curls = Vec::new();
    let mut tokens = 0;
    for l in BufReader::new(child.stdout.take().unwrap()).lines() {
        let l = l.unwrap();
        tokens += usize::from(l.starts_with("token "));
        if l.starts_with("curl ") {
            curls.push(l);
            if curls.len() == 4 {
                break;
            }
        }
    }
    assert_eq!(tokens, 8, "a token per demo user");
    assert_eq!(curls.len(), 4);
    let results: Vec<(u16, String)> = curls.iter().map(|c| parse_curl(c)).map(|(t, u)| http_get(&u, &t)).collect();
    child.kill().unwrap();
    child.wait().unwrap();
    let (clinician, freq, size, outside) = (&results[0], &results[1], &results[2], &results[3]);
    assert_eq!(clinician.0, 200, "{}", clinician.1);
    assert_eq!(freq.0, 200, "{}", freq.1);
    assert!(freq.1.contains("<5"), "small counts suppressed over HTTP too");
    assert_eq!(size.0, 200, "{}", size.1);
    assert!(size.1.contains("individuals"));
    assert_eq!(outside.0, 403, "freq outside a project: {}", outside.1);
}
