use crate::fasta_source::FastaSource;
use crate::sequence_window::SequenceWindow;

/// The mutable part of a `ReferenceFasta`, kept behind its mutex: the file reader (seeking
/// mutates it) and the cached window.
pub(crate) struct FastaState {
    pub(crate) source: FastaSource,
    pub(crate) window: Option<SequenceWindow>,
}
