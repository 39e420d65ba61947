//! The hts-specs VCF conformance corpus (`hts-specs/vcf/<version>/{passed,failed}/*.vcf` under
//! the shared data directory): every `passed/` file must read without error; every `failed/`
//! file must be rejected (an error naming file, line and field) or read with at least one
//! warning naming what is wrong. Nothing may panic.
//!
//! The shared data directory is `$GENOHUB_SHARED_DATA`, else `../../../shared/data` relative to
//! this crate, else `/work/shared/data`; without it the tests print why and pass.
//! `GENOHUB_CONFORMANCE_VERBOSE=1` prints every file's outcome.

use std::collections::{BTreeMap, HashSet};
use std::path::{Path, PathBuf};

use genohub_formats::{FormatError, Location, OrderCheck, ParseContext, ParsedLine, VariantReader, Warning};
use genohub_reference::RefCheck;

fn shared_data() -> Option<PathBuf> {
    let candidates = [
        std::env::var_os("GENOHUB_SHARED_DATA").map(PathBuf::from),
        Some(Path::new(env!("CARGO_MANIFEST_DIR")).join("../../../shared/data")),
        Some(PathBuf::from("/work/shared/data")),
    ];
    candidates.into_iter().flatten().find(|p| p.join("hts-specs/vcf").is_dir()).map(|p| p.canonicalize().unwrap_or(p))
}

fn corpus() -> Option<PathBuf> {
    match shared_data() {
        Some(d) => Some(d.join("hts-specs/vcf")),
        None => {
            println!("skipped: no shared data directory with hts-specs/vcf (set GENOHUB_SHARED_DATA)");
            None
        }
    }
}

fn verbose() -> bool {
    std::env::var_os("GENOHUB_CONFORMANCE_VERBOSE").is_some_and(|v| v != "0")
}

/// `.vcf` files of every `<version>/<verdict>` folder, by folder.
fn folders(root: &Path, verdict: &str) -> BTreeMap<String, Vec<PathBuf>> {
    let mut out = BTreeMap::new();
    let mut versions: Vec<PathBuf> = std::fs::read_dir(root).unwrap().map(|e| e.unwrap().path()).filter(|p| p.is_dir()).collect();
    versions.sort();
    for version in versions {
        let dir = version.join(verdict);
        if !dir.is_dir() {
            continue;
        }
        let mut files: Vec<PathBuf> =
            std::fs::read_dir(&dir).unwrap().map(|e| e.unwrap().path()).filter(|p| p.extension().is_some_and(|e| e == "vcf")).collect();
        files.sort();
        let name = format!("{}/{verdict}", version.file_name().unwrap().to_string_lossy());
        out.insert(name, files);
    }
    out
}

enum Outcome {
    Rejected(FormatError),
    /// (kind, message) of each warning, header warnings as kind "header".
    Warned(Vec<(String, String)>),
    Clean,
}

/// One line per warning kind: count and first message.
fn summary(warnings: &[(String, String)]) -> String {
    let mut kinds: BTreeMap<&str, (usize, &str)> = BTreeMap::new();
    for (k, m) in warnings {
        kinds.entry(k).or_insert((0, m)).0 += 1;
    }
    kinds.iter().map(|(k, (n, m))| format!("\n    [{k}] x{n}: {m}")).collect()
}

/// Reads one file as the store's ingest does: header, every chunk parsed without a reference,
/// then the in-order checks (sortedness, contiguity, duplicates).
fn read(path: &Path) -> Outcome {
    match read_all(path) {
        Ok(w) if w.is_empty() => Outcome::Clean,
        Ok(w) => Outcome::Warned(w),
        Err(e) => Outcome::Rejected(e),
    }
}

fn read_all(path: &Path) -> Result<Vec<(String, String)>, FormatError> {
    let mut reader = VariantReader::open(path, 1)?;
    let header = reader.header().clone();
    let mut warnings: Vec<(String, String)> = header.warnings.iter().map(|w| ("header".to_string(), w.clone())).collect();
    let ctx = ParseContext { header: &header, file: path.to_path_buf(), is_bcf: reader.is_bcf(), reference: None, check_ref: RefCheck::Error };
    let mut order = OrderCheck::new();
    let mut undeclared = HashSet::new();
    // Small chunks, so lines are split across chunks as in a large file.
    while let Some(chunk) = reader.next_chunk(256)? {
        let out = ctx.parse_chunk(&chunk.data, chunk.first_line)?;
        let mut line_warnings = out.warnings;
        for line in &out.lines {
            let at = Location { file: path.to_path_buf(), line: line.line, is_bcf_record: ctx.is_bcf };
            order.check_line(line, &at, &mut line_warnings);
            // The store's ingest warns once per contig that has no ##contig line.
            let contig = match &line.parsed {
                ParsedLine::Variants(v) if !v.is_empty() => v[0].site.contig.as_str(),
                ParsedLine::RefBlock(r) => r.contig.as_str(),
                _ => continue,
            };
            if !header.contigs.iter().any(|(c, _)| c == contig) && undeclared.insert(contig.to_string()) {
                line_warnings.push(Warning::new("contig undeclared", format!("{at}: contig {contig} has no ##contig header line; it is added")));
            }
        }
        warnings.extend(line_warnings.into_iter().map(|w| (w.kind, w.message)));
    }
    Ok(warnings)
}

#[test]
fn passed_files_read_without_error() {
    let Some(root) = corpus() else { return };
    let mut failures = Vec::new();
    for (folder, files) in folders(&root, "passed") {
        let mut ok = 0;
        for file in &files {
            match read(file) {
                Outcome::Rejected(e) => failures.push(e.to_string()),
                Outcome::Warned(w) => {
                    ok += 1;
                    if verbose() {
                        println!("{}: ok with warnings:{}", file.display(), summary(&w));
                    }
                }
                Outcome::Clean => ok += 1,
            }
        }
        println!("{folder}: {ok}/{} read", files.len());
    }
    assert!(failures.is_empty(), "{} passed/ files were rejected:\n{}", failures.len(), failures.join("\n"));
}

#[test]
fn failed_files_are_rejected_or_warned() {
    let Some(root) = corpus() else { return };
    let mut silent = Vec::new();
    for (folder, files) in folders(&root, "failed") {
        let (mut rejected, mut warned) = (0, 0);
        for file in &files {
            match read(file) {
                Outcome::Rejected(e) => {
                    rejected += 1;
                    let text = e.to_string();
                    assert!(text.contains(&*file.to_string_lossy()), "error does not name the file: {text}");
                    if verbose() {
                        println!("rejected: {text}");
                    }
                }
                Outcome::Warned(w) => {
                    warned += 1;
                    if verbose() {
                        println!("warned: {}:{}", file.display(), summary(&w));
                    }
                }
                Outcome::Clean => silent.push(file.display().to_string()),
            }
        }
        let accepted = files.len() - rejected - warned;
        println!("{folder}: {} files: {rejected} rejected, {warned} warned, {accepted} silently accepted", files.len());
    }
    assert!(silent.is_empty(), "{} failed/ files were accepted without a warning:\n{}", silent.len(), silent.join("\n"));
}

/// Every file under the corpus, whatever its folder, reads to a result without panicking.
#[test]
fn no_file_panics() {
    let Some(root) = corpus() else { return };
    let mut stack = vec![root];
    let (mut files, mut panicked) = (0, Vec::new());
    while let Some(dir) = stack.pop() {
        for entry in std::fs::read_dir(&dir).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                stack.push(path);
            } else if path.is_file() {
                files += 1;
                let p = path.clone();
                if std::panic::catch_unwind(move || drop(read(&p))).is_err() {
                    panicked.push(path.display().to_string());
                }
            }
        }
    }
    println!("{files} files read, {} panicked", panicked.len());
    assert!(panicked.is_empty(), "panicked on:\n{}", panicked.join("\n"));
}
