//! BAM records decoded straight from their bytes (SAMv1 §4.2): only the fixed fields, the
//! name and the CIGAR are touched, so a record costs a few loads and no allocation.

use std::io::{self, Read};

use crate::alignment::Alignment;
use crate::cigar;

/// One record's bytes and its CIGAR unpacked to `u32`s (buffers reused across records).
#[derive(Default)]
pub struct RawRecord {
    pub data: Vec<u8>,
    cigar: Vec<u32>,
}

fn le_i32(b: &[u8], at: usize) -> i32 {
    i32::from_le_bytes(b[at..at + 4].try_into().unwrap())
}

fn le_u16(b: &[u8], at: usize) -> u16 {
    u16::from_le_bytes(b[at..at + 2].try_into().unwrap())
}

fn le_u32(b: &[u8], at: usize) -> u32 {
    u32::from_le_bytes(b[at..at + 4].try_into().unwrap())
}

/// Reads the next record's bytes; false at a clean end of stream.
pub fn read_record(reader: &mut impl Read, rec: &mut RawRecord) -> io::Result<bool> {
    let mut size = [0u8; 4];
    let mut filled = 0;
    while filled < 4 {
        match reader.read(&mut size[filled..]) {
            Ok(0) if filled == 0 => return Ok(false),
            Ok(0) => return Err(io::Error::new(io::ErrorKind::UnexpectedEof, "file ends inside a record's length")),
            Ok(n) => filled += n,
            Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
            Err(e) => return Err(e),
        }
    }
    let n = u32::from_le_bytes(size) as usize;
    if !(32..=1 << 30).contains(&n) {
        return Err(io::Error::new(io::ErrorKind::InvalidData, format!("record length {n} is impossible")));
    }
    rec.data.resize(n, 0);
    reader.read_exact(&mut rec.data).map_err(|e| {
        if e.kind() == io::ErrorKind::UnexpectedEof {
            io::Error::new(io::ErrorKind::UnexpectedEof, "file ends inside a record")
        } else {
            e
        }
    })?;
    Ok(true)
}

impl RawRecord {
    /// The record's fields; `n_refs` bounds reference ids. Errors name the bad field.
    pub fn decode(&mut self, n_refs: usize) -> Result<Alignment<'_>, (&'static str, String)> {
        let b = &self.data;
        let tid = ref_id(le_i32(b, 0), n_refs).map_err(|m| ("RNAME", m))?;
        let pos = le_i32(b, 4) as i64;
        let l_name = b[8] as usize;
        let mapq = b[9];
        let n_cigar = le_u16(b, 12) as usize;
        let flags = le_u16(b, 14);
        let l_seq = le_u32(b, 16) as usize;
        let mate_tid = ref_id(le_i32(b, 20), n_refs).map_err(|m| ("RNEXT", m))?;
        let mate_pos = le_i32(b, 24) as i64;
        let tlen = le_i32(b, 28);
        let cigar_at = 32 + l_name;
        let seq_at = cigar_at + 4 * n_cigar;
        let aux_at = seq_at + l_seq.div_ceil(2) + l_seq;
        if l_name == 0 || aux_at > b.len() {
            return Err(("length", format!("fields overrun the record ({} bytes)", b.len())));
        }
        self.cigar.clear();
        self.cigar.extend((0..n_cigar).map(|i| le_u32(b, cigar_at + 4 * i)));
        // More than 65535 operations are kept in the CG tag, with `<l_seq>S<span>N` in place.
        if n_cigar == 2
            && cigar::op(self.cigar[0]) == cigar::SOFT_CLIP
            && cigar::len(self.cigar[0]) as usize == l_seq
            && cigar::op(self.cigar[1]) == cigar::SKIP
        {
            if let Some(real) = cg_tag(&b[aux_at..]) {
                self.cigar = real;
            }
        }
        let name = &b[32..32 + l_name - 1];
        Ok(Alignment { tid, pos, flags, mapq, mate_tid, mate_pos, tlen, name, cigar: &self.cigar })
    }
}

fn ref_id(v: i32, n_refs: usize) -> Result<Option<usize>, String> {
    match v {
        -1 => Ok(None),
        v if v >= 0 && (v as usize) < n_refs => Ok(Some(v as usize)),
        v => Err(format!("reference id {v} is not in the header ({n_refs} reference sequences)")),
    }
}

/// The `CG:B,I` array of an aux block, if present and well formed.
fn cg_tag(mut aux: &[u8]) -> Option<Vec<u32>> {
    while aux.len() >= 3 {
        let (tag, ty) = (&aux[..2], aux[2]);
        aux = &aux[3..];
        let fixed = |t: u8| -> Option<usize> {
            Some(match t {
                b'A' | b'c' | b'C' => 1,
                b's' | b'S' => 2,
                b'i' | b'I' | b'f' => 4,
                _ => return None,
            })
        };
        let skip = match ty {
            b'Z' | b'H' => aux.iter().position(|&c| c == 0)? + 1,
            b'B' => {
                let sub = *aux.first()?;
                let n = u32::from_le_bytes(aux.get(1..5)?.try_into().ok()?) as usize;
                if tag == b"CG" && sub == b'I' {
                    let body = aux.get(5..5 + 4 * n)?;
                    return Some(body.chunks_exact(4).map(|c| u32::from_le_bytes(c.try_into().unwrap())).collect());
                }
                5 + n * fixed(sub)?
            }
            t => fixed(t)?,
        };
        aux = aux.get(skip..)?;
    }
    None
}
