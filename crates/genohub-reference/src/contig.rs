/// One sequence of a genome build, as listed in `reference/<build>.tsv`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Contig {
    /// Canonical name in the build's own naming style (`1` for GRCh37, `chr1` for GRCh38).
    pub name: String,
    pub length: u64,
    /// Lowercase hex MD5 of the uppercased sequence (Picard `.dict` / SAM `M5` / VCF `md5`);
    /// `None` where no verified value is known.
    pub md5: Option<String>,
    /// Other names the same sequence goes by (`chr1` for GRCh37's `1`, `MT`/`chrM`, ...).
    pub aliases: Vec<String>,
}

impl Contig {
    /// True when `name` is the canonical name or one of the aliases.
    pub fn is_named(&self, name: &str) -> bool {
        self.name == name || self.aliases.iter().any(|alias| alias == name)
    }
}
