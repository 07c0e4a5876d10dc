// Phase gates: a metric held to a tolerance over one named phase as a whole, e.g. an error budget
// `{ phase: fault, metric: success_rate, of: create_event, tolerance: ">= 0.95" }`.
import type { GateResult } from './gate-result.js';
import { findPhase, type PhaseWindow } from './phases.js';
import { evaluateProbe, type ProbeEvidence } from './probe.js';
import type { MetricName } from './metric.js';
import type { Tolerance } from './tolerance.js';

/** A phase gate as a scenario states it. */
export interface PhaseGate {
  /** Shown in reports; defaults to `<phase>: <metric> of <op>`. */
  name?: string;
  phase: string;
  metric: MetricName;
  of?: string;
  tolerance: Tolerance;
}

/**
 * Judges the gate over its phase's buckets, merged (so percentiles are exact over the phase).
 * @returns a failed result naming the phase when the scenario has no such phase.
 */
export function evaluatePhaseGate(gate: PhaseGate, evidence: ProbeEvidence, phases: readonly PhaseWindow[]): GateResult {
  const name = gate.name ?? `${gate.phase}: ${gate.metric}${gate.of ? ` of ${gate.of}` : ''}`;
  const window = findPhase(phases, gate.phase);
  if (!window) {
    const known = phases.map((p) => p.name).join(', ');
    return { name, kind: 'phase', measured: null, tolerance: gate.tolerance.text, passed: false, detail: `no phase "${gate.phase}" in this scenario (phases: ${known})` };
  }
  const probe = { name, metric: gate.metric, tolerance: gate.tolerance, ...(gate.of ? { of: gate.of } : {}) };
  const result = evaluateProbe(probe, evidence, window, gate.phase);
  return { ...result, name, kind: 'phase', detail: `phase ${gate.phase}: ${result.detail}` };
}
