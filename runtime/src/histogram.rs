//! Log-linear histograms of durations in ns, HdrHistogram-style: values below 32 each have a
//! bucket; above, every power of two is split into 16 equal buckets, so a bucket's width is at
//! most 1/16 of its lower bound and its midpoint is within 1/32 (3.2%) of any value in it.
//! Counted in the process-wide recorder's per-thread cells (a plain load and store per value),
//! summed over threads by a report, which reads [`Latency`] from the sums.

use std::sync::atomic::{AtomicU64, Ordering};

/// Buckets per power of two (above the exact ones).
const SUB: usize = 16;
/// Values below this each have a bucket of their own.
const EXACT: u64 = 2 * SUB as u64;
/// The largest power of two with buckets: 2^40 ns is about 18 minutes; longer values count in
/// the last bucket (the exact maximum is kept beside the histogram).
const TOP_POWER: u32 = 40;
/// Buckets in one histogram: 592 (4 736 bytes of `u64` counts).
pub(crate) const BUCKETS: usize = (TOP_POWER as usize - 3) * SUB;

/// The bucket of `nanos`.
#[inline(always)]
pub(crate) fn bucket(nanos: u64) -> usize {
    // Without a branch: a poll's duration or wait hovers around the exact buckets' end (32 ns)
    // in tight loops, where a branch on it would mispredict. Below 16 the power is taken as 4,
    // so that `nanos >> 0` is the value itself, and so are 16 to 31 on the general formula.
    let power = 63 - (nanos | SUB as u64).leading_zeros();
    // `nanos >> (power - 4)` is in 16..32 above the exact buckets: the sub-bucket, offset by 16.
    let index = (power as usize - 4) * SUB + (nanos >> (power - 4)) as usize;
    index.min(BUCKETS - 1)
}

/// The smallest value of bucket `index`, and its width.
fn bounds(index: usize) -> (u64, u64) {
    if index < EXACT as usize {
        return (index as u64, 1);
    }
    let power = (index / SUB + 3) as u32;
    let sub = (index % SUB + SUB) as u64;
    let width = 1u64 << (power - 4);
    (sub * width, width)
}

/// The largest value of bucket `index`: a maximum where none is kept, within 1/16 of it.
pub(crate) fn upper_end(index: usize) -> u64 {
    let (low, width) = bounds(index);
    low + width - 1
}

/// Counts `nanos` into `cells`, a histogram's buckets on the calling thread's table (only the
/// owner thread writes them).
#[inline(always)]
pub(crate) fn record(cells: &[AtomicU64], nanos: u64) {
    if let Some(cell) = cells.get(bucket(nanos)) {
        cell.store(
            cell.load(Ordering::Relaxed).wrapping_add(1),
            Ordering::Relaxed,
        );
    }
}

/// How long something took, summarised: count, percentiles and the maximum, in ns. Each
/// percentile is the middle of its bucket (of the part up to the maximum), within 3.2% of the
/// value.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, serde::Serialize)]
pub struct Latency {
    /// Values counted.
    pub count: u64,
    /// The median.
    pub p50: u64,
    /// The 90th percentile.
    pub p90: u64,
    /// The 99th percentile.
    pub p99: u64,
    /// The largest value, exact.
    pub max: u64,
}

impl Latency {
    /// Reads a histogram's summed buckets and the exact maximum; `None` when empty.
    pub(crate) fn from_buckets(buckets: &[u64], max: u64) -> Option<Self> {
        let count: u64 = buckets.iter().sum();
        if count == 0 {
            return None;
        }
        let at = |quantile: u64| {
            // The value of rank ceil(count * q / 100), from 1.
            let rank = (count * quantile).div_ceil(100).max(1);
            let mut seen = 0;
            for (index, n) in buckets.iter().enumerate() {
                seen += n;
                if seen >= rank {
                    // The middle of the bucket's part that holds values: up to the maximum when
                    // it falls in this bucket.
                    let (low, width) = bounds(index);
                    let high = (low + width - 1).min(max).max(low);
                    return low + (high - low) / 2;
                }
            }
            max
        };
        Some(Latency {
            count,
            p50: at(50),
            p90: at(90),
            p99: at(99),
            max,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn buckets_are_contiguous_and_within_a_sixteenth() {
        let mut last = 0;
        for nanos in 0..200_000u64 {
            let index = bucket(nanos);
            assert!(index == last || index == last + 1, "{nanos}");
            last = index;
        }
        for nanos in (0..200_000u64).chain((1..60).map(|p| (1u64 << p) + 12_345)) {
            let index = bucket(nanos);
            let (low, width) = bounds(index);
            if index < BUCKETS - 1 {
                assert!(
                    (low..low + width).contains(&nanos),
                    "{nanos}: {low} {width}"
                );
                assert!(width == 1 || width * 16 <= low, "{nanos}: {low} {width}");
            }
        }
        assert_eq!(bucket(u64::MAX), BUCKETS - 1);
    }

    /// Ground truth: the exact value of rank ceil(n q / 100) of the sorted values.
    fn exact(sorted: &[u64], quantile: u64) -> u64 {
        let rank = (sorted.len() as u64 * quantile).div_ceil(100).max(1);
        sorted[rank as usize - 1]
    }

    #[test]
    fn percentiles_are_within_five_percent_of_the_exact_ones() {
        // Three shapes: uniform, a long tail, and two clusters far apart.
        let uniform: Vec<u64> = (1..=100_000).map(|i| i * 37).collect();
        let tail: Vec<u64> = (1..=50_000u64).map(|i| 1_000 + i * i / 7).collect();
        let clusters: Vec<u64> = (0..10_000u64)
            .map(|i| {
                if i % 10 == 0 {
                    80_000_000 + i
                } else {
                    2_000 + i % 50
                }
            })
            .collect();
        for mut values in [uniform, tail, clusters] {
            let mut buckets = vec![0u64; BUCKETS];
            for &v in &values {
                buckets[bucket(v)] += 1;
            }
            values.sort_unstable();
            let max = *values.last().unwrap();
            let got = Latency::from_buckets(&buckets, max).unwrap();
            assert_eq!((got.count, got.max), (values.len() as u64, max));
            for (q, ours) in [(50, got.p50), (90, got.p90), (99, got.p99)] {
                let truth = exact(&values, q);
                let error = ours.abs_diff(truth) as f64 / truth as f64;
                assert!(error <= 0.05, "p{q}: {ours} against {truth} ({error})");
            }
        }
        assert_eq!(Latency::from_buckets(&[0; BUCKETS], 0), None);
    }
}
