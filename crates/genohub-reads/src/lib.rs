//! Sequencing reads (BAM/CRAM) → per-base depth, callable intervals, QC.
