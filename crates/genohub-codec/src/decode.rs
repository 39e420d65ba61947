use crate::block_view::BlockView;
use crate::error::CodecError;
use crate::genotype_block::GenotypeBlock;

/// Full decode of a block written by [`crate::encode`].
pub fn decode(bytes: &[u8]) -> Result<GenotypeBlock, CodecError> {
    BlockView::open(bytes)?.to_block()
}
