// The metrics a probe or gate can name, and how each is read off a window's measurements.
// Operation metrics need `of` (the operation); delivery metrics are about the receiver.
import type { DeliveryBucketStats, OpBucketStats } from '../measure/outcome.js';

/**
 * Metrics read from one operation's buckets. `rate` is requests per second by intended start (the
 * offered load, dropped ones included); `throughput` is successful requests per second.
 */
export const OP_METRICS = [
  'rate',
  'throughput',
  'success_rate',
  'error_rate',
  'dropped',
  'latency_p50',
  'latency_p90',
  'latency_p99',
  'latency_max',
] as const;

/** Metrics read from the receiver's delivery buckets. */
export const DELIVERY_METRICS = ['delivery_rate', 'delivery_lag_p50', 'delivery_lag_p90', 'delivery_lag_p99', 'delivery_lag_max'] as const;

/** Every metric name a scenario may use. */
export const METRIC_NAMES = [...OP_METRICS, ...DELIVERY_METRICS] as const;

export type OpMetric = (typeof OP_METRICS)[number];
export type DeliveryMetric = (typeof DELIVERY_METRICS)[number];
export type MetricName = OpMetric | DeliveryMetric;

/** The operation a metric is about when a probe leaves out `of`. */
export const DEFAULT_OPERATION = 'create_event';

/** True for metrics read from the receiver rather than from an operation. */
export function isDeliveryMetric(metric: MetricName): metric is DeliveryMetric {
  return (DELIVERY_METRICS as readonly string[]).includes(metric);
}

/** True for metrics measured in milliseconds (their tolerances are usually durations). */
export function isDurationMetric(metric: MetricName): boolean {
  return metric.startsWith('latency_') || metric.startsWith('delivery_lag_');
}

/**
 * An operation metric over a window, or null when the window holds nothing to measure it by
 * (no requests for a rate of success; nothing completed for a latency).
 */
export function opMetricValue(metric: OpMetric, stats: OpBucketStats): number | null {
  switch (metric) {
    case 'rate': return stats.rate;
    case 'throughput': return stats.count === 0 ? 0 : (stats.rate * stats.ok) / stats.count;
    case 'success_rate': return stats.success_rate;
    // A quotient of counts, not 1 - success_rate: 1 - 198/200 is 0.010000000000000009, over a
    // tolerance of `<= 0.01` that 2 failures in 200 meet exactly.
    case 'error_rate': return stats.count === 0 ? null : (stats.count - stats.ok) / stats.count;
    case 'dropped': return stats.dropped;
    case 'latency_p50': return stats.latency?.p50 ?? null;
    case 'latency_p90': return stats.latency?.p90 ?? null;
    case 'latency_p99': return stats.latency?.p99 ?? null;
    case 'latency_max': return stats.latency?.max ?? null;
  }
}

/**
 * A delivery metric over a window of `seconds` seconds, or null when no delivery was accepted:
 * with nothing delivered there is no lag to vouch for.
 */
export function deliveryMetricValue(metric: DeliveryMetric, stats: DeliveryBucketStats, seconds: number): number | null {
  switch (metric) {
    case 'delivery_rate': return seconds > 0 ? stats.accepted / seconds : null;
    case 'delivery_lag_p50': return stats.lag?.p50 ?? null;
    case 'delivery_lag_p90': return stats.lag?.p90 ?? null;
    case 'delivery_lag_p99': return stats.lag?.p99 ?? null;
    case 'delivery_lag_max': return stats.lag?.max ?? null;
  }
}
