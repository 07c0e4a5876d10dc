// Turns a finished run's observations into verdicts: the steady states before / during / after,
// each probe's recovery time, every gate with its measured value, and the checkers over the history.
// The judging itself lives in scenarios/gates and scenarios/checkers; this maps a scenario onto it.
import { exampleLine, type Checker, type CheckerResult } from '../checkers/checker.js';
import type { GateResult } from '../gates/gate-result.js';
import { evaluatePhaseGate } from '../gates/phase-gate.js';
import { phaseWindows as layPhases, type PhaseWindow } from '../gates/phases.js';
import { evaluateProbe, probeTimeline, type HttpCheck, type Probe, type ProbeEvidence } from '../gates/probe.js';
import { evaluateRecoveryGate } from '../gates/recovery-gate.js';
import { holds } from '../gates/tolerance.js';
import { BUCKET_MS, type Window } from '../measure/measurements.js';
import type { CheckerName, Gate } from '../scenario/judgement-schema.js';
import type { Scenario } from '../scenario/scenario-schema.js';
import type { ProbeReading, RecoveryReading } from './journal.js';
import type { RunRecorder } from './run-recorder.js';

/** The phase windows of a run, back to back from 0. */
export type Phases = Record<'baseline' | 'fault' | 'recovery', Window>;

/** The phase windows a scenario declares. */
export function phaseWindows(scenario: Scenario): Phases {
  const [baseline, fault, recovery] = layPhases(scenario.phases) as [PhaseWindow, PhaseWindow, PhaseWindow];
  return { baseline, fault, recovery };
}

/** The end of the recovery phase, as long as the longest recovery hold: where the steady state is read after. */
function afterWindowOf(scenario: Scenario, phases: Phases): Window {
  const hold = Math.max(BUCKET_MS, ...scenario.gates.map((g) => ('hold' in g ? g.hold : 0)));
  return { start: Math.max(phases.recovery.start, phases.recovery.end - hold), end: phases.recovery.end };
}

/**
 * Where the run's measurements must be cut so that every window judged whole (the phases, the
 * window after) holds exactly its own outcomes, whatever the phases' lengths.
 */
export function measurementCuts(scenario: Scenario): number[] {
  const phases = phaseWindows(scenario);
  return [phases.fault.start, phases.recovery.start, phases.recovery.end, afterWindowOf(scenario, phases).start];
}

/** The evidence probes are judged on: the measurements, and the http probes' samples as checks. */
export function probeEvidence(scenario: Scenario, recorder: RunRecorder): ProbeEvidence {
  const http = new Map<string, Map<number, HttpCheck>>();
  for (const probe of scenario.steady_state) {
    const samples = recorder.httpSamples.get(probe.name);
    if (!samples) continue;
    http.set(probe.name, new Map([...samples].map(([second, status]) => [second, { passed: holds(probe.tolerance, status), measured: status }])));
  }
  return { measurements: recorder.measurements, http };
}

/** A scenario's probes in the gates' terms. */
export function probesOf(scenario: Scenario): Probe[] {
  return scenario.steady_state.map((p) => (p.http ? { name: p.name, http: p.http, tolerance: p.tolerance } : { name: p.name, metric: p.metric!, of: p.of, tolerance: p.tolerance }));
}

function reading(result: GateResult, name: string, extra: Partial<ProbeReading> = {}): ProbeReading {
  return { name, value: result.measured, tolerance: result.tolerance, holds: result.passed, ...extra };
}

/** What judging needs. */
export interface JudgeInput {
  scenario: Scenario;
  recorder: RunRecorder;
  phases: Phases;
  /** The last heal (ms since start); null when no fault was healed. */
  lastHeal: number | null;
  /** When the run was stopped early (ms since start: SIGINT, --fail-fast); null when it ran to its end. */
  stoppedAt?: number | null;
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

function invariantResults(names: readonly CheckerName[], results: Map<string, CheckerResult>): GateResult[] {
  return names.map((name) => {
    const result = results.get(name);
    if (!result) return { name, kind: 'invariant' as const, measured: null, tolerance: 'valid', passed: false, detail: `checker ${name} did not run (no read-back: the run stopped early)` };
    const counts = Object.entries(result.counts).map(([k, v]) => `${k}=${v}`).join(' ');
    const example = result.examples[0] ? `; e.g. ${exampleLine(result.examples[0])}` : '';
    return { name, kind: 'invariant' as const, measured: null, tolerance: 'valid', passed: result.valid, detail: `${counts}${example}` };
  });
}

/** Judges the run. Pure over its input. */
export function judgeRun(input: JudgeInput): Verdicts {
  const { scenario, recorder, phases } = input;
  const evidence = probeEvidence(scenario, recorder);
  const probes = probesOf(scenario);
  const afterWindow = afterWindowOf(scenario, phases);
  const before = probes.map((p) => reading(evaluateProbe(p, evidence, phases.baseline, 'before'), p.name));
  const during = probes.map((p) => {
    const timeline = probeTimeline(p, evidence, phases.fault);
    const share = timeline.length === 0 ? 0 : timeline.filter((r) => r.holds).length / timeline.length;
    return reading(evaluateProbe(p, evidence, phases.fault, 'during'), p.name, { held_share: share });
  });
  const after = probes.map((p) => reading(evaluateProbe(p, evidence, afterWindow, 'after'), p.name));
  const names = [...new Set(scenario.gates.flatMap((g) => ('invariants' in g ? g.invariants : [])))];
  const checkerResults = new Map(names.flatMap((n) => (input.checkers[n] ? [[n, input.checkers[n]!(recorder.history)] as const] : [])));
  const windows = layPhases(scenario.phases);
  const recovery: RecoveryReading[] = [];
  const gates = scenario.gates.flatMap((gate: Gate): GateResult[] => {
    if ('phase' in gate) return [evaluatePhaseGate(gate, evidence, windows)];
    if ('recovery_time' in gate) {
      const results = evaluateRecoveryGate(gate, probes, evidence, { heal: input.lastHeal, recovery: phases.recovery, stoppedAt: input.stoppedAt ?? null });
      results.forEach((r, i) => recovery.push({ probe: gate.probes[i]!, recovery_ms: r.measured }));
      return results;
    }
    return invariantResults(gate.invariants, checkerResults);
  });
  return {
    steady_states: { before, during, after },
    recovery,
    gates,
    checkers: [...checkerResults.values()],
    deviated: before.some((r) => !r.holds) || after.some((r) => !r.holds),
  };
}
