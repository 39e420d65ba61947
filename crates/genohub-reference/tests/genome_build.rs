use genohub_reference::{sequence_md5, GenomeBuild};

#[test]
fn both_builds_list_the_25_primary_contigs_with_md5s() {
    for build in GenomeBuild::all() {
        assert_eq!(build.contigs().len(), 25, "{}", build.name());
        for contig in build.contigs() {
            let md5 = contig.md5.as_deref().expect("every primary contig has a verified md5");
            assert_eq!(md5.len(), 32);
        }
    }
}

#[test]
fn lengths_and_md5s_match_the_published_dictionaries() {
    let grch37 = GenomeBuild::grch37();
    let chr1 = grch37.contig("1").unwrap();
    assert_eq!(chr1.length, 249_250_621);
    assert_eq!(chr1.md5.as_deref(), Some("1b22b98cdeb4a9304cb5d48026a85128"));
    assert_eq!(grch37.contig("X").unwrap().length, 155_270_560);

    let grch38 = GenomeBuild::grch38();
    let chr1 = grch38.contig("chr1").unwrap();
    assert_eq!(chr1.length, 248_956_422);
    assert_eq!(chr1.md5.as_deref(), Some("6aef897c3d6ff0c78aff06ac189178dd"));
    assert_eq!(grch38.contig("chrY").unwrap().length, 57_227_415);

    // The mitochondrion is the same rCRS sequence in both builds.
    assert_eq!(grch37.contig("MT").unwrap().md5, grch38.contig("chrM").unwrap().md5);
}

#[test]
fn contigs_are_found_by_alias() {
    let grch37 = GenomeBuild::grch37();
    assert_eq!(grch37.contig("chr7").unwrap().name, "7");
    assert_eq!(grch37.contig("chrM").unwrap().name, "MT");
    let grch38 = GenomeBuild::grch38();
    assert_eq!(grch38.contig("7").unwrap().name, "chr7");
    assert_eq!(grch38.contig("MT").unwrap().name, "chrM");
    assert!(grch38.contig("chr23").is_none());
    assert!(grch38.contig("CHR1").is_none(), "contig names are case-sensitive");
}

#[test]
fn builds_are_found_by_common_names() {
    for name in ["GRCh37", "grch37", "hg19", "b37", "hs37d5"] {
        assert_eq!(GenomeBuild::by_name(name).map(|b| b.name()), Some("GRCh37"), "{name}");
    }
    for name in ["GRCh38", "hg38", "HG38", "b38"] {
        assert_eq!(GenomeBuild::by_name(name).map(|b| b.name()), Some("GRCh38"), "{name}");
    }
    assert!(GenomeBuild::by_name("T2T-CHM13").is_none());
}

fn pairs(list: &[(&str, u64)]) -> Vec<(String, u64)> {
    list.iter().map(|(n, l)| (n.to_string(), *l)).collect()
}

#[test]
fn detect_recognises_each_naming_style() {
    let b37 = pairs(&[("1", 249_250_621), ("2", 243_199_373), ("MT", 16_569)]);
    assert_eq!(GenomeBuild::detect(&b37).unwrap().name(), "GRCh37");
    let hg19 = pairs(&[("chr1", 249_250_621), ("chrM", 16_571), ("chr6_apd_hap1", 4_622_290)]);
    assert_eq!(GenomeBuild::detect(&hg19).unwrap().name(), "GRCh37");
    let hg38 = pairs(&[("chr1", 248_956_422), ("chrX", 156_040_895), ("chrUn_KI270302v1", 2274)]);
    assert_eq!(GenomeBuild::detect(&hg38).unwrap().name(), "GRCh38");
    let ensembl38 = pairs(&[("1", 248_956_422), ("22", 50_818_468)]);
    assert_eq!(GenomeBuild::detect(&ensembl38).unwrap().name(), "GRCh38");
}

#[test]
fn detect_refuses_to_guess_without_distinguishing_evidence() {
    assert!(GenomeBuild::detect(&[]).is_none());
    // chrM has the same length in both builds.
    assert!(GenomeBuild::detect(&pairs(&[("chrM", 16_569)])).is_none());
    // Mixed headers are ambiguous.
    let mixed = pairs(&[("chr1", 248_956_422), ("chr2", 243_199_373)]);
    assert!(GenomeBuild::detect(&mixed).is_none());
    // Unknown assemblies.
    let t2t = pairs(&[("chr1", 248_387_328), ("chrY", 62_460_029)]);
    assert!(GenomeBuild::detect(&t2t).is_none());
}

#[test]
fn md5_of_a_known_small_sequence() {
    // md5("ACGT") computed independently (`printf ACGT | md5sum`).
    assert_eq!(sequence_md5(b"ACGT"), "f1f8f4bf413b16ad135722aa4591043e");
    // Lowercase and line breaks do not change the checksum, as in samtools dict.
    assert_eq!(sequence_md5(b"ac\ngt\n"), "f1f8f4bf413b16ad135722aa4591043e");
    assert_eq!(sequence_md5(b""), "d41d8cd98f00b204e9800998ecf8427e");
}
