// Steady-state probes: a metric (or an HTTP check the runner makes) and a tolerance. A probe is
// measured over a window (before, after, a phase) or bucket by bucket (during, and for recovery).
import { secondsIn, type Measurements, type Window } from '../measure/measurements.js';
import type { GateResult } from './gate-result.js';
import { DEFAULT_OPERATION, deliveryMetricValue, isDeliveryMetric, opMetricValue, type MetricName } from './metric.js';
import { formatDuration } from './duration.js';
import { formatNumber, holds, type Tolerance } from './tolerance.js';

/** A probe on a measured metric. `of` names the operation (default `create_event`). */
export interface MetricProbe {
  name: string;
  metric: MetricName;
  of?: string;
  tolerance: Tolerance;
}

/** A probe the runner evaluates itself (an HTTP request); it hands over one check per bucket. */
export interface HttpProbe {
  name: string;
  http: unknown;
  tolerance: Tolerance;
}

export type Probe = MetricProbe | HttpProbe;

/** One check of an HTTP probe: did it hold, and what was seen (e.g. the status, null when none). */
export interface HttpCheck {
  passed: boolean;
  measured: number | null;
}

/** What probes are judged on: the measurements, and the runner's HTTP checks by probe name and second. */
export interface ProbeEvidence {
  measurements: Measurements;
  http?: ReadonlyMap<string, ReadonlyMap<number, HttpCheck>>;
}

/** A probe's reading over a window: the value compared and whether it held. */
export interface ProbeReading {
  measured: number | null;
  holds: boolean;
}

/** True for a probe the runner evaluates over HTTP. */
export function isHttpProbe(probe: Probe): probe is HttpProbe {
  return 'http' in probe;
}

/**
 * Reads a probe over a window. A metric probe merges the window's buckets; an HTTP probe holds
 * when it was checked in the window and every check held (its value is the first failing one's).
 */
export function readProbe(probe: Probe, evidence: ProbeEvidence, window: Window): ProbeReading {
  if (isHttpProbe(probe)) {
    const checks = evidence.http?.get(probe.name);
    const seen = secondsIn(window).flatMap((s) => {
      const check = checks?.get(s);
      return check ? [check] : [];
    });
    const failing = seen.find((c) => !c.passed);
    if (failing) return { measured: failing.measured, holds: false };
    const last = seen[seen.length - 1];
    return last ? { measured: last.measured, holds: true } : { measured: null, holds: false };
  }
  const measured = isDeliveryMetric(probe.metric)
    ? deliveryMetricValue(probe.metric, evidence.measurements.deliveryWindow(window), evidence.measurements.secondsOf(window))
    : opMetricValue(probe.metric, evidence.measurements.opWindow(probe.of ?? DEFAULT_OPERATION, window));
  return { measured, holds: holds(probe.tolerance, measured) };
}

/** A probe read bucket by bucket over a window: one reading per second, in order. */
export function probeTimeline(probe: Probe, evidence: ProbeEvidence, window: Window): (ProbeReading & { second: number })[] {
  return secondsIn(window).map((second) => ({ second, ...readProbe(probe, evidence, { start: second * 1000, end: second * 1000 + 1000 }) }));
}

/** A probe's verdict over a window, e.g. the steady state before or after the method. */
export function evaluateProbe(probe: Probe, evidence: ProbeEvidence, window: Window, label: string): GateResult {
  const reading = readProbe(probe, evidence, window);
  const what = isHttpProbe(probe) ? 'http check' : `${probe.metric}${isDeliveryMetric(probe.metric) ? '' : ` of ${probe.of ?? DEFAULT_OPERATION}`}`;
  const span = `${formatDuration(window.start)}–${formatDuration(window.end)}`;
  const value = reading.measured === null ? 'nothing measured' : formatValue(reading.measured, probe.tolerance);
  return {
    name: `${label}: ${probe.name}`,
    kind: 'probe',
    measured: reading.measured,
    tolerance: probe.tolerance.text,
    passed: reading.holds,
    detail: `${what} over ${span} was ${value}; tolerance ${probe.tolerance.text}`,
  };
}

/** A measured value as a person reads it: durations with their unit, ratios to 4 places. */
export function formatValue(measured: number, tolerance: Tolerance): string {
  if (tolerance.unit === 'ms') return formatDuration(measured);
  return formatNumber(measured);
}
