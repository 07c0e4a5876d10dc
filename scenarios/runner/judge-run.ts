// Turns a finished run's observations into verdicts: the steady states before / during / after, each
// probe's recovery time, every gate with its measured value, and the checkers over the history.
import type { Checker, CheckerResult } from '../checkers/checker.js';
import { formatDuration } from '../gates/duration.js';
import type { GateResult } from '../gates/gate-result.js';
import { holds, type Tolerance } from '../gates/tolerance.js';
import { BUCKET_MS, type Window } from '../measure/measurements.js';
import type { CheckerName, Gate, Probe } from '../scenario/judgement-schema.js';
import type { Scenario } from '../scenario/scenario-schema.js';
import type { ProbeReading, RecoveryReading } from './journal.js';
import { metricValue, probeHolds, probeSeries, probeValue } from './probe-series.js';
import type { RunRecorder } from './run-recorder.js';

/** The phase windows of a run, back to back from 0. */
export type Phases = Record<'baseline' | 'fault' | 'recovery', Window>;

/** The phase windows a scenario declares. */
export function phaseWindows(scenario: Scenario): Phases {
  const { baseline, fault, recovery } = scenario.phases;
  return {
    baseline: { start: 0, end: baseline },
    fault: { start: baseline, end: baseline + fault },
    recovery: { start: baseline + fault, end: baseline + fault + recovery },
  };
}

function reading(probe: Probe, recorder: RunRecorder, window: Window): ProbeReading {
  const value = probeValue(probe, recorder, window);
  return { name: probe.name, value, tolerance: (probe.tolerance as Tolerance).text, holds: holds(probe.tolerance as Tolerance, value) };
}

/**
 * Recovery time: from `lastHeal` to the start of the first 1 s bucket from which the probe holds in
 * every bucket for `holdMs`, all inside `window`; null when that never happens. The bucket the heal
 * falls in counts only from its start, so the result is exact to one bucket.
 */
export function recoveryTime(series: readonly [number, boolean][], lastHeal: number, holdMs: number, window: Window): number | null {
  const need = Math.max(1, Math.ceil(holdMs / BUCKET_MS));
  let run = 0;
  for (const [second, ok] of series) {
    if ((second + 1) * BUCKET_MS <= lastHeal) continue;
    run = ok ? run + 1 : 0;
    if (run === need) {
      const start = (second - need + 1) * BUCKET_MS;
      return start + need * BUCKET_MS <= window.end ? Math.max(0, start - lastHeal) : null;
    }
  }
  return null;
}

/** What judging needs. */
export interface JudgeInput {
  scenario: Scenario;
  recorder: RunRecorder;
  phases: Phases;
  /** The last heal (ms since start); the end of the fault phase when nothing was healed. */
  lastHeal: number;
  checkers: Partial<Record<CheckerName, Checker>>;
}

/** The verdicts. */
export interface Verdicts {
  steady_states: { before: ProbeReading[]; during: ProbeReading[]; after: ProbeReading[] };
  recovery: RecoveryReading[];
  gates: GateResult[];
  checkers: CheckerResult[];
  deviated: boolean;
}

function gateResults(gate: Gate, input: JudgeInput, recovery: Map<string, number | null>, checkerResults: Map<string, CheckerResult>): GateResult[] {
  const { recorder, phases } = input;
  if ('phase' in gate) {
    const window = phases[gate.phase];
    const op = gate.of ?? 'create_event';
    const measured = metricValue(gate.metric, recorder.measurements.opWindow(op, window), recorder.measurements.deliveryWindow(window));
    const tolerance = gate.tolerance as unknown as Tolerance;
    const passed = holds(tolerance, measured);
    const what = gate.metric.startsWith('delivery') ? gate.metric : `${gate.metric} of ${op}`;
    return [{ name: gate.name ?? `${gate.phase}: ${what}`, kind: 'phase', measured, tolerance: tolerance.text, passed, detail: `${what} over the ${gate.phase} phase (${formatDuration(window.start)}–${formatDuration(window.end)}) was ${measured ?? 'not measured'}, needs ${tolerance.text}` }];
  }
  if ('recovery_time' in gate) {
    const tolerance = gate.recovery_time as unknown as Tolerance;
    const times = gate.probes.map((p) => recovery.get(p) ?? null);
    const never = gate.probes.filter((_, i) => times[i] === null);
    const measured = never.length > 0 ? null : Math.max(...(times as number[]));
    const passed = holds(tolerance, measured);
    const detail = never.length > 0 ? `never recovered within the recovery phase: ${never.join(', ')}` : `slowest probe held for ${formatDuration(gate.hold)} after ${formatDuration(measured!)}`;
    return [{ name: gate.name ?? `recovery time: ${gate.probes.join(', ')}`, kind: 'recovery_time', measured, tolerance: tolerance.text, passed, detail }];
  }
  return gate.invariants.map((name) => {
    const result = checkerResults.get(name);
    if (!result) return { name, kind: 'invariant' as const, measured: null, tolerance: 'valid', passed: false, detail: `checker ${name} is not available` };
    const counts = Object.entries(result.counts).map(([k, v]) => `${k}=${v}`).join(' ');
    const example = result.examples[0] ? `; e.g. expected ${result.examples[0].expected}, saw ${result.examples[0].seen}` : '';
    return { name, kind: 'invariant' as const, measured: null, tolerance: 'valid', passed: result.valid, detail: `${counts}${example}` };
  });
}

/** Judges the run. Pure over its input. */
export function judgeRun(input: JudgeInput): Verdicts {
  const { scenario, recorder, phases, lastHeal } = input;
  const probes = scenario.steady_state;
  const hold = Math.max(BUCKET_MS, ...scenario.gates.map((g) => ('hold' in g ? g.hold : 0)));
  const afterWindow = { start: Math.max(phases.recovery.start, phases.recovery.end - hold), end: phases.recovery.end };
  const before = probes.map((p) => reading(p, recorder, phases.baseline));
  const during = probes.map((p) => {
    const series = probeSeries(p, recorder, phases.fault);
    return { ...reading(p, recorder, phases.fault), held_share: series.length === 0 ? 0 : series.filter(([, ok]) => ok).length / series.length };
  });
  const after = probes.map((p) => reading(p, recorder, afterWindow));
  const recovery = new Map<string, number | null>();
  for (const gate of scenario.gates) {
    if (!('recovery_time' in gate)) continue;
    for (const name of gate.probes) {
      const probe = probes.find((p) => p.name === name)!;
      const window = { start: phases.fault.start, end: phases.recovery.end };
      recovery.set(name, recoveryTime(probeSeries(probe, recorder, window), lastHeal, gate.hold, window));
    }
  }
  const names = [...new Set(scenario.gates.flatMap((g) => ('invariants' in g ? g.invariants : [])))];
  const checkerResults = new Map(names.flatMap((n) => (input.checkers[n] ? [[n, input.checkers[n]!(recorder.history)] as const] : [])));
  return {
    steady_states: { before, during, after },
    recovery: [...recovery].map(([probe, recovery_ms]) => ({ probe, recovery_ms })),
    gates: scenario.gates.flatMap((g) => gateResults(g, input, recovery, checkerResults)),
    checkers: [...checkerResults.values()],
    deviated: before.some((r) => !r.holds) || after.some((r) => !r.holds) || probes.some((p) => !probeHolds(p, recorder, afterWindow)),
  };
}
