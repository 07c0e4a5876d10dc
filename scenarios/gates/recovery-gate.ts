// The recovery gate: for each named probe, how long after the last heal it took to hold again for
// `hold`, compared with the gate's tolerance (e.g. `<= 5s`). One result per probe.
import { BUCKET_MS, bucketOf, type Window } from '../measure/measurements.js';
import { formatDuration } from './duration.js';
import type { GateResult } from './gate-result.js';
import { probeTimeline, type Probe, type ProbeEvidence } from './probe.js';
import { recoveryTime } from './recovery-time.js';
import { holds, type Tolerance } from './tolerance.js';

/** A recovery gate as a scenario states it. */
export interface RecoveryGate {
  recovery_time: Tolerance;
  /** Names of steady-state probes. */
  probes: string[];
  /** How long each probe must keep holding, in ms. */
  hold: number;
}

/** Where recovery is looked for: after `heal` (ms; null when no fault ended), within `recovery`. */
export interface RecoveryContext {
  heal: number | null;
  recovery: Window;
}

/**
 * Measures and judges recovery per probe. A probe that never recovers has `measured: null` and
 * fails whatever the tolerance; an unknown probe name fails with a detail naming the known ones.
 */
export function evaluateRecoveryGate(gate: RecoveryGate, probes: readonly Probe[], evidence: ProbeEvidence, context: RecoveryContext): GateResult[] {
  const heal = context.heal ?? context.recovery.start;
  const tolerance = gate.recovery_time.text;
  return gate.probes.map((probeName): GateResult => {
    const name = `recovery_time: ${probeName}`;
    const probe = probes.find((p) => p.name === probeName);
    if (!probe) {
      const known = probes.map((p) => `"${p.name}"`).join(', ');
      return { name, kind: 'recovery_time', measured: null, tolerance, passed: false, detail: `no steady-state probe named "${probeName}" (probes: ${known})` };
    }
    // From the bucket holding the heal, which may start before it (or before the recovery phase).
    const from = Math.min(bucketOf(heal) * BUCKET_MS, context.recovery.start);
    const timeline = new Map(probeTimeline(probe, evidence, { start: from, end: context.recovery.end }).map((r) => [r.second, r.holds]));
    const measured = recoveryTime({ holdsAt: (s) => timeline.get(s) ?? false, heal, hold: gate.hold, end: context.recovery.end });
    const since = `since the last heal at ${formatDuration(heal)}`;
    const detail = measured === null
      ? `"${probeName}" never held for ${formatDuration(gate.hold)} ${since} before the recovery phase ended at ${formatDuration(context.recovery.end)}`
      : `"${probeName}" held for ${formatDuration(gate.hold)} from ${formatDuration(heal + measured)}, ${formatDuration(measured)} ${since} (±1 s)`;
    return { name, kind: 'recovery_time', measured, tolerance, passed: measured !== null && holds(gate.recovery_time, measured), detail };
  });
}
