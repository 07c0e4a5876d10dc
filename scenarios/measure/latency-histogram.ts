// HDR histograms for latencies and lags: recorded in microseconds (so sub-millisecond requests keep
// their precision), reported in milliseconds, and mergeable so windows never average percentiles.
import * as hdr from 'hdr-histogram-js';
import type { Percentiles } from './outcome.js';

/** An HDR histogram as hdr-histogram-js builds it. */
export type LatencyHistogram = ReturnType<typeof hdr.build>;

/** One hour in µs: anything slower is clamped there rather than dropped. */
const HIGHEST_US = 3_600_000_000;

/** A fresh histogram: 3 significant digits, packed storage so a mostly-empty bucket stays small. */
export function newLatencyHistogram(): LatencyHistogram {
  return hdr.build({ bitBucketSize: 'packed', lowestDiscernibleValue: 1, highestTrackableValue: HIGHEST_US, numberOfSignificantValueDigits: 3 });
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
