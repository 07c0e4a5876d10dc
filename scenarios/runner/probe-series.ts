// Steady-state probes read from the run's observations: a metric probe's value in any 1 s bucket or
// window, an http probe's sampled status, and whether the probe holds there. Recovery time, the
// steady states before / during / after and the probe gates all read probes through this.
import { holds, type Tolerance } from '../gates/tolerance.js';
import { BUCKET_MS, type Window } from '../measure/measurements.js';
import type { DeliveryBucketStats, OpBucketStats } from '../measure/outcome.js';
import type { Metric, Probe } from '../scenario/judgement-schema.js';
import type { RunRecorder } from './run-recorder.js';

/** A metric read from an operation's stats and the deliveries' stats over the same bucket or window. */
export function metricValue(metric: Metric, op: OpBucketStats, deliveries: DeliveryBucketStats): number | null {
  switch (metric) {
    case 'success_rate':
      return op.success_rate;
    case 'error_rate':
      return op.success_rate === null ? null : 1 - op.success_rate;
    case 'rate':
      return op.rate;
    case 'dropped':
      return op.dropped;
    case 'latency_p50':
      return op.latency?.p50 ?? null;
    case 'latency_p90':
      return op.latency?.p90 ?? null;
    case 'latency_p99':
      return op.latency?.p99 ?? null;
    case 'latency_max':
      return op.latency?.max ?? null;
    case 'delivery_lag_p50':
      return deliveries.lag?.p50 ?? null;
    case 'delivery_lag_p99':
      return deliveries.lag?.p99 ?? null;
    case 'delivery_lag_max':
      return deliveries.lag?.max ?? null;
  }
}

/** A probe's value over a window (all its buckets merged; an http probe: its worst sample). */
export function probeValue(probe: Probe, recorder: RunRecorder, window: Window): number | null {
  if (probe.http) {
    const series = recorder.httpSamples.get(probe.name);
    const tolerance = probe.tolerance as Tolerance;
    let worst: number | null = null;
    for (let s = Math.ceil(window.start / BUCKET_MS); s * BUCKET_MS < window.end; s++) {
      const status = series?.get(s);
      if (status === undefined) continue;
      if (worst === null || !holds(tolerance, status)) worst = status;
    }
    return worst;
  }
  const op = recorder.measurements.opWindow(probe.of ?? 'create_event', window);
  return metricValue(probe.metric!, op, recorder.measurements.deliveryWindow(window));
}

/** Whether the probe holds over a window (no data never holds). */
export function probeHolds(probe: Probe, recorder: RunRecorder, window: Window): boolean {
  return holds(probe.tolerance as Tolerance, probeValue(probe, recorder, window));
}

/** Per-second verdicts over a window: `[second, holds]`, for recovery time and the progress line. */
export function probeSeries(probe: Probe, recorder: RunRecorder, window: Window): [number, boolean][] {
  const out: [number, boolean][] = [];
  for (let s = Math.ceil(window.start / BUCKET_MS); s * BUCKET_MS < window.end; s++) {
    out.push([s, probeHolds(probe, recorder, { start: s * BUCKET_MS, end: (s + 1) * BUCKET_MS })]);
  }
  return out;
}
