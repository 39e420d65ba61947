//! Scans a BAM/CRAM without a store and prints what the store would keep; for profiling the
//! reads pass on its own. Usage: scan FILE [THREADS] [REFERENCE]
use std::time::Instant;

use genohub_reads::{ReadsScan, ScanOptions};

fn main() {
    let args: Vec<String> = std::env::args().collect();
    let path = std::path::PathBuf::from(&args[1]);
    let threads = args.get(2).and_then(|t| t.parse().ok()).unwrap_or(2);
    let opts = ScanOptions { threads, reference: args.get(3).map(Into::into), sample: Some("x".into()), ..Default::default() };
    let t = Instant::now();
    let scan = ReadsScan::open(&path, opts).unwrap_or_else(|e| panic!("{e}"));
    let mut bytes = 0u64;
    let out = scan
        .run(
            &mut |b| {
                bytes += b.encoded.len() as u64;
                Ok(())
            },
            &|_, _| {},
        )
        .unwrap_or_else(|e| panic!("{e}"));
    eprintln!(
        "{:.3}s: {} records, {} bins, {} runs, {} depth bytes, mean depth {:.2}",
        t.elapsed().as_secs_f64(),
        out.records,
        out.stored_bins,
        out.runs,
        bytes,
        out.qc.mean_depth
    );
}
