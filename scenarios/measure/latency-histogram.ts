// HDR histograms for latencies and lags: recorded in microseconds (so sub-millisecond requests keep
// their precision), reported in milliseconds, and mergeable so windows never average percentiles.
import * as hdr from 'hdr-histogram-js';
import type { Percentiles } from './outcome.js';

/** An HDR histogram as hdr-histogram-js builds it. */
export type LatencyHistogram = ReturnType<typeof hdr.build>;

/** One hour in µs: anything slower is clamped there rather than dropped. */
const HIGHEST_US = 3_600_000_000;

/**
 * A fresh histogram: 3 significant digits, 32-bit counts, grown on demand so a bucket of 20 ms
 * requests holds ~20 KB rather than the ~95 KB an hour's range needs. (Measured: hdr-histogram-js's
 * packed storage is smaller still but merges ~100× slower, and windows merge buckets often.)
 */
export function newLatencyHistogram(): LatencyHistogram {
  return hdr.build({ bitBucketSize: 32, autoResize: true, lowestDiscernibleValue: 1, highestTrackableValue: 2, numberOfSignificantValueDigits: 3 });
}

/** Records a duration given in milliseconds; negatives (clock noise) count as zero. */
export function recordMs(histogram: LatencyHistogram, ms: number): void {
  const us = Math.round(Math.max(0, ms) * 1000);
  histogram.recordValue(Math.min(us, HIGHEST_US));
}

/**
 * p50/p90/p99/max in milliseconds, or null when the histogram is empty. HDR reports a percentile as
 * the top of its value range; it is capped at the exact max so no percentile exceeds the slowest.
 */
export function percentilesMs(histogram: LatencyHistogram): Percentiles | null {
  if (histogram.totalCount === 0) return null;
  const max = histogram.maxValue;
  const at = (p: number) => Math.min(histogram.getValueAtPercentile(p), max) / 1000;
  return { p50: at(50), p90: at(90), p99: at(99), max: max / 1000 };
}
