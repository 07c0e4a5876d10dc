// The steady-state hypothesis, Chaos Toolkit's term: probes read before the method, during it
// (bucket by bucket) and after it, for the journal and the summary.
import type { Window } from '../measure/measurements.js';
import type { GateResult } from './gate-result.js';
import { evaluateProbe, probeTimeline, type Probe, type ProbeEvidence } from './probe.js';

/** Every probe judged over one window (`label` is `before` or `after`). */
export function evaluateSteadyState(probes: readonly Probe[], evidence: ProbeEvidence, window: Window, label: string): GateResult[] {
  return probes.map((probe) => evaluateProbe(probe, evidence, window, label));
}

/** How a probe fared bucket by bucket over a window. */
export interface ProbeDuring {
  name: string;
  /** Buckets read, and how many of them held. */
  buckets: number;
  held: number;
  /** The seconds (bucket indexes) where the probe did not hold, in order. */
  failing_seconds: number[];
}

/** Every probe read bucket by bucket over a window, e.g. the method's span. */
export function steadyStateDuring(probes: readonly Probe[], evidence: ProbeEvidence, window: Window): ProbeDuring[] {
  return probes.map((probe) => {
    const timeline = probeTimeline(probe, evidence, window);
    const failing = timeline.filter((r) => !r.holds).map((r) => r.second);
    return { name: probe.name, buckets: timeline.length, held: timeline.length - failing.length, failing_seconds: failing };
  });
}
