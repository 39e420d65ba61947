use crate::error::CodecError;

/// Bounds-checked cursor over untrusted bytes; every read returns an error instead of
/// panicking.
pub(crate) struct ByteReader<'a> {
    bytes: &'a [u8],
    pos: usize,
}

impl<'a> ByteReader<'a> {
    pub(crate) fn new(bytes: &'a [u8]) -> Self {
        Self { bytes, pos: 0 }
    }

    pub(crate) fn position(&self) -> usize {
        self.pos
    }

    pub(crate) fn remaining(&self) -> usize {
        self.bytes.len() - self.pos
    }

    pub(crate) fn u8(&mut self, what: &'static str) -> Result<u8, CodecError> {
        let b = *self.bytes.get(self.pos).ok_or(CodecError::Truncated(what))?;
        self.pos += 1;
        Ok(b)
    }

    pub(crate) fn take(&mut self, len: usize, what: &'static str) -> Result<&'a [u8], CodecError> {
        if len > self.remaining() {
            return Err(CodecError::Truncated(what));
        }
        let slice = &self.bytes[self.pos..self.pos + len];
        self.pos += len;
        Ok(slice)
    }

    pub(crate) fn varint_u64(&mut self, what: &'static str) -> Result<u64, CodecError> {
        let mut result = 0u64;
        let mut shift = 0u32;
        loop {
            let b = self.u8(what)?;
            if shift == 63 && b > 1 {
                return Err(CodecError::Corrupt("varint overflows 64 bits"));
            }
            result |= u64::from(b & 0x7F) << shift;
            if b < 0x80 {
                return Ok(result);
            }
            shift += 7;
        }
    }

    pub(crate) fn varint_u32(&mut self, what: &'static str) -> Result<u32, CodecError> {
        let v = self.varint_u64(what)?;
        u32::try_from(v).map_err(|_| CodecError::Corrupt("varint overflows 32 bits"))
    }

    pub(crate) fn varint_usize(&mut self, what: &'static str) -> Result<usize, CodecError> {
        let v = self.varint_u64(what)?;
        usize::try_from(v).map_err(|_| CodecError::Corrupt("size overflows usize"))
    }
}
