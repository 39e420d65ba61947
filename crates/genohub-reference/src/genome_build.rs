use std::sync::OnceLock;

use crate::Contig;

/// A reference genome build: its primary contigs with lengths, MD5s and aliases.
///
/// The tables live in `reference/GRCh37.tsv` and `reference/GRCh38.tsv` at the workspace root
/// and are compiled in, so lookups never touch the filesystem.
#[derive(Debug)]
pub struct GenomeBuild {
    name: &'static str,
    /// Other spellings accepted by [`GenomeBuild::by_name`] (compared case-insensitively).
    synonyms: &'static [&'static str],
    contigs: Vec<Contig>,
}

static GRCH37: OnceLock<GenomeBuild> = OnceLock::new();
static GRCH38: OnceLock<GenomeBuild> = OnceLock::new();

impl GenomeBuild {
    pub fn grch37() -> &'static GenomeBuild {
        GRCH37.get_or_init(|| GenomeBuild::from_tsv("GRCh37", &["hg19", "b37", "hs37d5", "GRCh37.p13"], include_str!("../../../reference/GRCh37.tsv")))
    }

    pub fn grch38() -> &'static GenomeBuild {
        GRCH38.get_or_init(|| GenomeBuild::from_tsv("GRCh38", &["hg38", "b38", "hs38", "GRCh38.p14"], include_str!("../../../reference/GRCh38.tsv")))
    }

    /// All builds known to this crate, in a fixed order.
    pub fn all() -> [&'static GenomeBuild; 2] {
        [Self::grch37(), Self::grch38()]
    }

    /// Looks a build up by a common name: `GRCh37`, `hg19`, `b37`, `GRCh38`, `hg38`, ...
    /// (case-insensitive).
    pub fn by_name(s: &str) -> Option<&'static GenomeBuild> {
        let s = s.trim();
        Self::all().into_iter().find(|build| build.name.eq_ignore_ascii_case(s) || build.synonyms.iter().any(|syn| syn.eq_ignore_ascii_case(s)))
    }

    pub fn name(&self) -> &str {
        self.name
    }

    pub fn contigs(&self) -> &[Contig] {
        &self.contigs
    }

    /// Finds a contig by its canonical name or any alias (exact, case-sensitive match, as
    /// contig names are case-sensitive in VCF/SAM).
    pub fn contig(&self, name_or_alias: &str) -> Option<&Contig> {
        self.contigs.iter().find(|c| c.is_named(name_or_alias))
    }

    /// Guesses the build from `(name, length)` pairs such as VCF `##contig` lines.
    ///
    /// Only pairs that match exactly one build count as evidence (chrM is 16569 bp in both, so
    /// it proves nothing). Returns `None` when nothing matched or when the evidence points at
    /// more than one build (a mixed or unknown header).
    pub fn detect(contigs: &[(String, u64)]) -> Option<&'static GenomeBuild> {
        let builds = Self::all();
        let mut evidence = [0usize; 2];
        for (name, length) in contigs {
            let matching: Vec<usize> =
                builds.iter().enumerate().filter(|(_, build)| build.contig(name).is_some_and(|c| c.length == *length)).map(|(index, _)| index).collect();
            if let [only] = matching.as_slice() {
                evidence[*only] += 1;
            }
        }
        match evidence {
            [0, 0] => None,
            [_, 0] => Some(builds[0]),
            [0, _] => Some(builds[1]),
            _ => None,
        }
    }

    /// Parses the embedded table: `name<TAB>length<TAB>md5<TAB>aliases`, `#` comments.
    /// Panics on malformed rows: the data ships with the crate and is covered by tests.
    fn from_tsv(name: &'static str, synonyms: &'static [&'static str], tsv: &str) -> GenomeBuild {
        let contigs = tsv.lines().filter(|line| !line.trim().is_empty() && !line.starts_with('#')).map(|line| parse_contig_row(name, line)).collect();
        GenomeBuild { name, synonyms, contigs }
    }
}

fn parse_contig_row(build: &str, line: &str) -> Contig {
    let fields: Vec<&str> = line.split('\t').collect();
    let field = |i: usize| fields.get(i).map(|f| f.trim()).unwrap_or("");
    let length = field(1).parse().unwrap_or_else(|_| panic!("{build}.tsv: bad length in row {line:?}"));
    let md5 = match field(2) {
        "" => None,
        md5 if md5.len() == 32 && md5.bytes().all(|b| b.is_ascii_hexdigit()) => Some(md5.to_ascii_lowercase()),
        _ => panic!("{build}.tsv: bad md5 in row {line:?}"),
    };
    let aliases = field(3).split(',').map(str::trim).filter(|alias| !alias.is_empty()).map(str::to_owned).collect();
    Contig { name: field(0).to_owned(), length, md5, aliases }
}
