//! Reading read samples and their depth back.

use genohub_reads::rle;
use genohub_reference::Region;

use super::keys::{self as rkeys};
use super::record::ReadSampleRecord;
use crate::keys::{self, bin_of, bin_start};
use crate::{cf, Store, StoreError};

/// `depth` over bases `start..end` (0-based, end exclusive, as BED) of `contig`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DepthRow {
    pub contig: String,
    pub start: u64,
    pub end: u64,
    pub depth: u32,
}

/// Mean depth of a window (BED coordinates).
#[derive(Debug, Clone, PartialEq)]
pub struct DepthWindow {
    pub contig: String,
    pub start: u64,
    pub end: u64,
    pub mean: f64,
}

fn record(bytes: &[u8]) -> Result<ReadSampleRecord, StoreError> {
    serde_json::from_slice(bytes).map_err(|e| StoreError::Corrupt(format!("read sample record: {e}")))
}

impl Store {
    /// Committed read samples, ordered by center and name.
    pub fn read_samples(&self) -> Result<Vec<ReadSampleRecord>, StoreError> {
        let mut out = Vec::new();
        for item in self.engine.scan_prefix(cf::READ_QC, rkeys::NAME_PREFIX) {
            let (_, v) = item?;
            let id = keys::decode_u32(&v).ok_or_else(|| StoreError::Corrupt("read sample name index".into()))?;
            if let Some(r) = self.engine.get(cf::READ_QC, &rkeys::record_key(id))? {
                out.push(record(&r)?);
            }
        }
        Ok(out)
    }

    /// Every read sample record, pending ones included (for recovery).
    pub(crate) fn all_read_records(&self) -> Result<Vec<ReadSampleRecord>, StoreError> {
        self.engine.scan_prefix(cf::READ_QC, rkeys::RECORD_PREFIX).map(|r| r.and_then(|(_, v)| record(&v))).collect()
    }

    pub fn read_sample(&self, center: &str, name: &str) -> Result<Option<ReadSampleRecord>, StoreError> {
        let Some(id) = self.engine.get(cf::READ_QC, &rkeys::name_key(center, name))? else {
            return Ok(None);
        };
        let id = keys::decode_u32(&id).ok_or_else(|| StoreError::Corrupt("read sample name index".into()))?;
        self.engine.get(cf::READ_QC, &rkeys::record_key(id))?.map(|v| record(&v)).transpose()
    }

    /// `NAME` (unique across centers) or `CENTER/NAME`.
    pub fn resolve_read_sample(&self, spec: &str) -> Result<ReadSampleRecord, StoreError> {
        if let Some((center, name)) = spec.split_once('/') {
            return self.read_sample(center, name)?.ok_or_else(|| StoreError::NotFound(format!("no read data for sample {spec}")));
        }
        let matches: Vec<ReadSampleRecord> = self.read_samples()?.into_iter().filter(|r| r.name == spec).collect();
        match matches.len() {
            0 => Err(StoreError::NotFound(format!("no read data for sample {spec}"))),
            1 => Ok(matches.into_iter().next().unwrap()),
            _ => {
                let centers: Vec<&str> = matches.iter().map(|r| r.center.as_str()).collect();
                Err(StoreError::Refused(format!("sample name {spec} has read data from several centers ({}); write CENTER/{spec}", centers.join(", "))))
            }
        }
    }

    /// Depth over a region as contiguous runs covering all of it (uncovered bases at 0).
    pub fn for_each_depth_run(
        &self,
        r: &ReadSampleRecord,
        region: &Region,
        sink: &mut dyn FnMut(DepthRow) -> Result<(), StoreError>,
    ) -> Result<(), StoreError> {
        let contig = r
            .contigs
            .iter()
            .find(|c| c.name == region.contig)
            .ok_or_else(|| StoreError::NotFound(format!("{}: contig {} is not in the reads of {}", region, region.contig, r.qualified())))?;
        let from = region.start.max(1) - 1;
        let to = region.end.min(contig.length);
        if from >= to {
            return Ok(());
        }
        let name = contig.name.clone();
        let mut pos = from;
        let mut emit = |start: u64, end: u64, depth: u32, pos: &mut u64| -> Result<(), StoreError> {
            let (s, e) = (start.max(from), end.min(to));
            if s >= e {
                return Ok(());
            }
            if s > *pos {
                sink(DepthRow { contig: name.clone(), start: *pos, end: s, depth: 0 })?;
            }
            sink(DepthRow { contig: name.clone(), start: s, end: e, depth })?;
            *pos = e;
            Ok(())
        };
        let start_key = rkeys::depth_key(r.id, contig.id, bin_of(from));
        let end_key = rkeys::depth_key(r.id, contig.id, bin_of(to - 1) + 1);
        for item in self.engine.scan(cf::DEPTH, &start_key, Some(&end_key)) {
            let (k, v) = item?;
            let (_, _, bin) = rkeys::decode_depth_key(&k).ok_or_else(|| StoreError::Corrupt("depth key".into()))?;
            let runs = rle::decode(&v).ok_or_else(|| StoreError::Corrupt(format!("depth of {} bin {bin}", r.qualified())))?;
            let mut at = bin_start(bin);
            for run in runs {
                let end = at + run.len as u64;
                if end > from && at < to {
                    emit(at, end, run.depth, &mut pos)?;
                }
                at = end;
            }
        }
        if pos < to {
            sink(DepthRow { contig: name.clone(), start: pos, end: to, depth: 0 })?;
        }
        Ok(())
    }

    /// Mean depth in consecutive windows of `width` bases from the region's start (the last
    /// one shorter).
    pub fn depth_windows(
        &self,
        r: &ReadSampleRecord,
        region: &Region,
        width: u64,
        sink: &mut dyn FnMut(DepthWindow) -> Result<(), StoreError>,
    ) -> Result<(), StoreError> {
        if width == 0 {
            return Err(StoreError::Refused("--window must be at least 1".into()));
        }
        let mut current: Option<(String, u64, u64, u128)> = None;
        let origin = region.start.max(1) - 1;
        let flush = |w: (String, u64, u64, u128), sink: &mut dyn FnMut(DepthWindow) -> Result<(), StoreError>| {
            let (contig, start, end, sum) = w;
            sink(DepthWindow { contig, start, end, mean: sum as f64 / (end - start) as f64 })
        };
        self.for_each_depth_run(r, region, &mut |row| {
            let mut s = row.start;
            while s < row.end {
                let w_start = origin + (s - origin) / width * width;
                let w_end = w_start + width;
                let e = row.end.min(w_end);
                match &mut current {
                    Some(cur) if cur.1 == w_start => {
                        cur.2 = e;
                        cur.3 += (e - s) as u128 * row.depth as u128;
                    }
                    _ => {
                        if let Some(done) = current.take() {
                            flush(done, sink)?;
                        }
                        current = Some((row.contig.clone(), w_start, e, (e - s) as u128 * row.depth as u128));
                    }
                }
                s = e;
            }
            Ok(())
        })?;
        if let Some(done) = current.take() {
            flush(done, sink)?;
        }
        Ok(())
    }
}
