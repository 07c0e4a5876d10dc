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

/**
 * Where recovery is looked for: after `heal` (ms; null when no fault ended: then from the recovery
 * phase's start), within `recovery`.
 */
export interface RecoveryContext {
  heal: number | null;
  recovery: Window;
  /** When the run was stopped early (ms), so a probe not measured says why; null or absent when it ran to its end. */
  stoppedAt?: number | null;
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
    const detail = measured === null ? neverDetail(probeName, gate.hold, heal, context) : `"${probeName}" held for ${formatDuration(gate.hold)} from ${formatDuration(heal + measured)}, ${formatDuration(measured)} ${since(heal, context)} (±1 s)`;
    return { name, kind: 'recovery_time', measured, tolerance, passed: measured !== null && holds(gate.recovery_time, measured), detail };
  });
}

/** Where recovery was counted from: the last heal, or the recovery phase's start when no fault was healed. */
function since(heal: number, context: RecoveryContext): string {
  return context.heal === null ? `from the recovery phase's start at ${formatDuration(heal)} (no fault was healed)` : `since the last heal at ${formatDuration(heal)}`;
}

/** Why a probe has no recovery time: it did not hold long enough before the run ended, early or not. */
function neverDetail(probeName: string, hold: number, heal: number, context: RecoveryContext): string {
  const stopped = context.stoppedAt ?? null;
  if (stopped === null || stopped >= context.recovery.end) {
    return `"${probeName}" never held for ${formatDuration(hold)} ${since(heal, context)} before the recovery phase ended at ${formatDuration(context.recovery.end)}`;
  }
  const at = formatDuration(Math.round(stopped));
  if (stopped > heal) return `"${probeName}" never held for ${formatDuration(hold)} ${since(heal, context)} before the run stopped at ${at}`;
  return context.heal === null
    ? `"${probeName}" not measured: the run stopped at ${at}, before the recovery phase (from ${formatDuration(heal)}), and no fault was healed`
    : `"${probeName}" not measured: the run stopped at ${at}, before its last heal at ${formatDuration(heal)} (in the rollback)`;
}
