//! Upload bodies: declared checksum, streaming to the spool.

pub mod checksum;
pub mod spool;
