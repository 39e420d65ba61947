//! Splitting per-allele INFO values the way `bcftools norm -m-` does: for the record of
//! alternate allele `i`, Number=A keeps value i, Number=R keeps values 0 and i, Number=G keeps
//! the genotypes made of alleles 0 and i.

use crate::header::{HeaderInfo, Number};

/// Why a value list could not be split; the caller turns it into an error naming line and field.
#[derive(Debug, PartialEq, Eq)]
pub struct SplitError {
    pub key: String,
    pub message: String,
}

/// INFO of the split record for alternate allele `alt` (1-based) of a record with `n_alleles`
/// alleles (reference included). Returns the input unchanged when nothing is per-allele.
pub fn split_info(info: &str, header: &HeaderInfo, n_alleles: usize, alt: usize) -> Result<String, SplitError> {
    if info == "." || info.is_empty() {
        return Ok(".".into());
    }
    let mut out = String::with_capacity(info.len());
    for field in info.split(';') {
        if !out.is_empty() {
            out.push(';');
        }
        let (key, value) = match field.split_once('=') {
            Some(kv) => kv,
            None => {
                out.push_str(field);
                continue;
            }
        };
        let number = header.info.get(key).map(|d| d.number).unwrap_or(Number::Unknown);
        match select(number, value, n_alleles, alt) {
            Ok(Some(v)) => {
                out.push_str(key);
                out.push('=');
                out.push_str(&v);
            }
            Ok(None) => out.push_str(field),
            Err(message) => return Err(SplitError { key: key.to_string(), message }),
        }
    }
    Ok(out)
}

/// The per-allele subset of a comma list, or None when the field is not per-allele.
pub fn select(number: Number, value: &str, n_alleles: usize, alt: usize) -> Result<Option<String>, String> {
    let n_alt = n_alleles.saturating_sub(1);
    let wanted: Vec<usize> = match number {
        Number::A => vec![alt - 1],
        Number::R => vec![0, alt],
        Number::G => {
            let values = value.split(',').count();
            let diploid = n_alleles * (n_alleles + 1) / 2;
            if values == diploid {
                // VCF genotype order: index of (j,k), j<=k, is k(k+1)/2 + j.
                vec![0, alt * (alt + 1) / 2, alt * (alt + 1) / 2 + alt]
            } else if values == n_alleles {
                vec![0, alt]
            } else {
                return Err(format!(
                    "Number=G field has {values} values; a record with {n_alleles} alleles needs {diploid} (diploid) or {n_alleles} (haploid)"
                ));
            }
        }
        _ => return Ok(None),
    };
    if value == "." {
        return Ok(Some(".".into()));
    }
    let values: Vec<&str> = value.split(',').collect();
    let expected = match number {
        Number::A => n_alt,
        Number::R => n_alleles,
        _ => values.len(),
    };
    if values.len() != expected {
        let what = if number == Number::A { "Number=A" } else { "Number=R" };
        return Err(format!("{what} field has {} values; the record has {n_alt} alternate alleles", values.len()));
    }
    if n_alt == 1 && number != Number::G {
        return Ok(None);
    }
    Ok(Some(wanted.iter().map(|&i| values[i]).collect::<Vec<_>>().join(",")))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::Location;

    fn header() -> HeaderInfo {
        let text = "##fileformat=VCFv4.2\n\
            ##INFO=<ID=AC,Number=A,Type=Integer,Description=\"\">\n\
            ##INFO=<ID=AD,Number=R,Type=Integer,Description=\"\">\n\
            ##INFO=<ID=GL,Number=G,Type=Float,Description=\"\">\n\
            ##INFO=<ID=DP,Number=1,Type=Integer,Description=\"\">\n\
            #CHROM\tPOS\tID\tREF\tALT\tQUAL\tFILTER\tINFO\n";
        HeaderInfo::parse(text, &Location::default()).unwrap()
    }

    #[test]
    fn splits_a_r_g_like_bcftools() {
        let h = header();
        let info = "DP=10;AC=3,4;AD=5,6,7;GL=0,1,2,3,4,5;DB";
        assert_eq!(split_info(info, &h, 3, 1).unwrap(), "DP=10;AC=3;AD=5,6;GL=0,1,2;DB");
        assert_eq!(split_info(info, &h, 3, 2).unwrap(), "DP=10;AC=4;AD=5,7;GL=0,3,5;DB");
    }

    #[test]
    fn wrong_count_is_an_error_naming_the_key() {
        let err = split_info("AC=1,2,3", &header(), 3, 1).unwrap_err();
        assert_eq!(err.key, "AC");
        assert!(err.message.contains("3 values"));
    }
}
