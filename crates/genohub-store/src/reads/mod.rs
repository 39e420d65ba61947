//! Sequencing reads in the store: per sample (center, name), the depth as run-length bins,
//! callable intervals, QC, and the original BAM/CRAM kept content-addressed in the file area.
//!
//! Keys (big-endian ids, so byte order is genomic order):
//! - `read_qc`: `n` center \0 name → read-sample id (committed samples only);
//!   `r` id → [`ReadSampleRecord`] JSON (with its QC);
//! - `depth`: id · contig · bin → [`genohub_reads::rle`] runs;
//! - `read_callable`: contig · bin · id → callable intervals ([`crate::callable`] encoding);
//! - `read_files`: SHA-256 → [`ReadFileRecord`].
//!
//! An ingest writes under a Pending record that nothing reads (names point only to committed
//! ids); one write commits it. What an interrupted ingest left is removed by the next reads
//! ingest or purge ([`Store::recover_reads`]).

mod callable_map;
mod depth_query;
mod ingest;
mod keys;
mod purge;
mod record;

pub use depth_query::{DepthRow, DepthWindow};
pub use ingest::ReadsIngestOptions;
pub use record::{ReadContig, ReadFileRecord, ReadSampleRecord};

pub(crate) use callable_map::ReadCallableMap;
