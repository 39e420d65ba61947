//! A batch's sample ids in its manifest as runs of consecutive ids, `[[first, count], ...]`:
//! ingest gives a file's samples consecutive ids, so a 10,000-sample manifest holds one run
//! instead of 10,000 numbers, whose parsing was 2.5e6 instructions of every query (callgrind).
//! Manifests written before hold the plain list, which still reads.

use serde::{Deserialize, Deserializer, Serialize, Serializer};

use crate::keys::SampleId;

pub fn serialize<S: Serializer>(ids: &[SampleId], s: S) -> Result<S::Ok, S::Error> {
    let mut runs: Vec<(SampleId, u32)> = Vec::new();
    for &id in ids {
        match runs.last_mut() {
            Some((first, count)) if first.checked_add(*count) == Some(id) => *count += 1,
            _ => runs.push((id, 1)),
        }
    }
    runs.serialize(s)
}

#[derive(Deserialize)]
#[serde(untagged)]
enum Stored {
    Runs(Vec<(SampleId, u32)>),
    Plain(Vec<SampleId>),
}

pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<Vec<SampleId>, D::Error> {
    match Stored::deserialize(d)? {
        Stored::Plain(ids) => Ok(ids),
        Stored::Runs(runs) => {
            let total: u64 = runs.iter().map(|&(_, n)| u64::from(n)).sum();
            if total > 1 << 32 {
                return Err(serde::de::Error::custom("sample id runs longer than any batch"));
            }
            let mut ids = Vec::with_capacity(total as usize);
            for (first, count) in runs {
                if u64::from(first) + u64::from(count) > 1 << 32 {
                    return Err(serde::de::Error::custom("sample id run past the last id"));
                }
                ids.extend((first..=SampleId::MAX).take(count as usize));
            }
            Ok(ids)
        }
    }
}

#[cfg(test)]
mod tests {
    #[derive(serde::Serialize, serde::Deserialize, PartialEq, Debug)]
    struct M {
        #[serde(with = "super")]
        samples: Vec<u32>,
    }

    #[test]
    fn round_trips_any_order_and_reads_the_plain_list() {
        for ids in [vec![], vec![7], vec![0, 1, 2, 3], vec![5, 6, 9, 10, 11, 2, 3, u32::MAX - 1, u32::MAX, 0]] {
            let m = M { samples: ids.clone() };
            let text = serde_json::to_string(&m).unwrap();
            assert_eq!(serde_json::from_str::<M>(&text).unwrap(), m, "{text}");
            let plain = format!("{{\"samples\":{}}}", serde_json::to_string(&ids).unwrap());
            assert_eq!(serde_json::from_str::<M>(&plain).unwrap(), m, "older manifests: {plain}");
        }
        let m = M { samples: (100..10_100).collect() };
        assert_eq!(serde_json::to_string(&m).unwrap(), "{\"samples\":[[100,10000]]}");
        assert!(serde_json::from_str::<M>("{\"samples\":[[4294967295,2]]}").is_err(), "a run past the last id");
    }
}
