use genohub_reference::{Region, RegionParseError};

fn parse(text: &str) -> Region {
    text.parse().unwrap_or_else(|e| panic!("{text:?}: {e}"))
}

#[test]
fn parses_the_bcftools_forms() {
    assert_eq!(parse("chr20"), Region { contig: "chr20".into(), start: 1, end: u64::MAX });
    assert_eq!(parse("chr20:1000-2000"), Region { contig: "chr20".into(), start: 1000, end: 2000 });
    assert_eq!(parse("chr20:1,000-2,000"), Region { contig: "chr20".into(), start: 1000, end: 2000 });
    assert_eq!(parse("chr20:1000"), Region { contig: "chr20".into(), start: 1000, end: u64::MAX });
    assert_eq!(parse("chr20:1000-"), Region { contig: "chr20".into(), start: 1000, end: u64::MAX });
    assert_eq!(parse(" 7:5-5 "), Region { contig: "7".into(), start: 5, end: 5 });
    assert_eq!(parse("{HLA-A*01:01:01:01}:10-20"), Region { contig: "HLA-A*01:01:01:01".into(), start: 10, end: 20 });
    assert_eq!(parse("{HLA-A*01:01}").contig, "HLA-A*01:01");
}

#[test]
fn errors_name_the_problem() {
    let err = |text: &str| text.parse::<Region>().unwrap_err();
    assert_eq!(err(""), RegionParseError::Empty);
    assert!(matches!(err(":100-200"), RegionParseError::MissingContig { .. }));
    assert!(matches!(err("chr1:"), RegionParseError::MissingStart { .. }));
    assert!(matches!(err("chr1:-5"), RegionParseError::MissingStart { .. }));
    assert!(matches!(err("chr1:10-x"), RegionParseError::InvalidPosition { which: "end", .. }));
    assert!(matches!(err("chr1:1e5-2"), RegionParseError::InvalidPosition { which: "start", .. }));
    assert!(matches!(err("chr1:0-10"), RegionParseError::ZeroPosition { which: "start", .. }));
    assert_eq!(err("chr1:200-100"), RegionParseError::EndBeforeStart { input: "chr1:200-100".into(), start: 200, end: 100 });
    assert!(matches!(err("{chr1:1-2"), RegionParseError::UnclosedBrace { .. }));
    assert!(matches!(err("{chr1}x"), RegionParseError::TextAfterBrace { .. }));
    assert!(matches!(err("chr1:99999999999999999999"), RegionParseError::InvalidPosition { .. }));

    let message = err("chr1:10-x").to_string();
    assert!(message.contains("chr1:10-x") && message.contains("end"), "{message}");
}

#[test]
fn overlap_and_containment_are_inclusive() {
    let region = parse("chr1:100-200");
    assert!(region.overlaps(200, 300));
    assert!(region.overlaps(50, 100));
    assert!(region.overlaps(120, 130));
    assert!(!region.overlaps(201, 300));
    assert!(!region.overlaps(10, 99));
    assert!(region.contains(100) && region.contains(200) && !region.contains(201));
    let open = parse("chr1:100");
    assert!(open.overlaps(5_000_000_000, 5_000_000_001));
    assert!(!open.overlaps(1, 99));
}

#[test]
fn display_round_trips() {
    for text in ["chr20", "chr20:1000-2000", "chr20:1000-", "{HLA-A*01:01}:1-2"] {
        assert_eq!(parse(text).to_string(), text);
        assert_eq!(parse(&parse(text).to_string()), parse(text));
    }
}
