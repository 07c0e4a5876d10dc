// Turns a finished run's observations into verdicts: the steady states before / during / after,
// each probe's recovery time, every gate with its measured value, and the checkers over the history.
// The judging itself lives in scenarios/gates and scenarios/checkers; this maps a scenario onto it.
import { exampleLine, type Checker, type CheckerResult } from '../checkers/checker.js';
import type { GateResult } from '../gates/gate-result.js';
import { formatDuration } from '../gates/duration.js';
import { evaluatePhaseGate } from '../gates/phase-gate.js';
import { findPhase, phaseWindows as layPhases, type PhaseWindow } from '../gates/phases.js';
import { evaluateProbe, probeTimeline, type HttpCheck, type Probe, type ProbeEvidence } from '../gates/probe.js';
import { DEFAULT_OPERATION, isDeliveryMetric } from '../gates/metric.js';
import { evaluateRecoveryGate } from '../gates/recovery-gate.js';
import { holds } from '../gates/tolerance.js';
import { BUCKET_MS, type Window } from '../measure/measurements.js';
import type { CheckerName, Gate } from '../scenario/judgement-schema.js';
import type { Scenario } from '../scenario/scenario-schema.js';
import type { JournalGate, ProbeReading, RecoveryReading } from './journal.js';
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
  /**
   * With --fail-fast: the phase whose gate failed and stopped the run. The phases after it are not
   * judged, though the run went a little into the next while that phase's answers settled.
   */
  failedPhase?: string;
  checkers: Partial<Record<CheckerName, Checker>>;
}

/** The verdicts. */
export interface Verdicts {
  steady_states: { before: ProbeReading[]; during: ProbeReading[]; after: ProbeReading[] };
  recovery: RecoveryReading[];
  gates: JournalGate[];
  checkers: CheckerResult[];
  deviated: boolean;
}

/**
 * How far a stopped run can be judged: until it stopped, or with --fail-fast until the end of the phase
 * whose gate failed; and how to say so. Null for a run that ran to its end.
 */
interface Stop {
  until: number;
  /** `the run stopped at 2.003s: --fail-fast, after a baseline gate failed`. */
  text: string;
  failFast: boolean;
}

function stopOf(input: JudgeInput, phases: readonly PhaseWindow[]): Stop | null {
  const at = input.stoppedAt ?? null;
  if (at === null) return null;
  const failed = input.failedPhase === undefined ? undefined : findPhase(phases, input.failedPhase);
  const text = `the run stopped at ${formatDuration(Math.round(at))}${failed ? `: --fail-fast, after a ${failed.name} gate failed` : ''}`;
  return { until: failed ? Math.min(at, failed.end) : at, text, failFast: failed !== undefined };
}

/** A gate the run stopped before it could judge: no failure, whatever `passed` says. */
function notJudged(result: GateResult, stop: Stop, why?: string): JournalGate {
  return { ...result, measured: null, passed: false, judged: false, detail: `not judged (${stop.text}${why ? `, ${why}` : ''})` };
}

/** The part of `window` a stopped run went through, or null when it stopped before the window began. */
function reached(window: Window, stop: Stop | null): Window | null {
  if (!stop) return window;
  if (window.start >= stop.until) return null;
  return { start: window.start, end: Math.min(window.end, stop.until) };
}

/**
 * A phase gate. A stopped run judges a phase on the part it went through, and says where it ended;
 * a phase it never reached, or whose part holds no outcome of the gate's operation, is not judged.
 */
function phaseGate(gate: Extract<Gate, { phase: string }>, evidence: ProbeEvidence, windows: readonly PhaseWindow[], stop: Stop | null): JournalGate {
  const window = findPhase(windows, gate.phase);
  if (!stop || !window || window.end <= stop.until) return evaluatePhaseGate(gate, evidence, windows);
  const part = reached(window, stop);
  const cut = windows.map((w) => (w.name === gate.phase ? { ...w, end: part?.end ?? w.start } : w));
  const result = evaluatePhaseGate(gate, evidence, cut);
  if (!part) return notJudged(result, stop, stop.failFast ? undefined : `before phase ${gate.phase} from ${formatDuration(window.start)}`);
  const ops = evidence.measurements.opWindow(gate.of ?? DEFAULT_OPERATION, part);
  const outcomes = isDeliveryMetric(gate.metric) ? evidence.measurements.deliveryWindow(part).received : ops.count;
  if (result.measured === null || outcomes === 0) return notJudged(result, stop, `before anything of phase ${gate.phase} was measured`);
  // Requests the stop cancelled are in no rate: say how many, since a service stalling then looks no worse for them.
  const longest = ops.cancelled_longest_ms === undefined ? '' : `, ${ops.cancelled === 1 ? 'after' : 'the longest after'} ${formatDuration(Math.round(ops.cancelled_longest_ms))}`;
  const cancelled = ops.cancelled === 0 ? '' : `, cancelling ${ops.cancelled} ${ops.cancelled === 1 ? 'request' : 'requests'} still unanswered${longest}`;
  return { ...result, detail: `${result.detail} (${stop.text}${cancelled})` };
}

/**
 * A recovery gate's results. A probe with no recovery time in a run stopped before the recovery
 * phase ended is not judged: the run did not give it the time the gate allows.
 */
function recoveryGate(results: GateResult[], probes: readonly string[], hold: number, heal: number | null, recovery: Window, stoppedAt: number | null, stop: Stop | null): JournalGate[] {
  if (!stop || stoppedAt === null || stoppedAt >= recovery.end) return results;
  const from = heal ?? recovery.start;
  return results.map((r, i) => {
    if (r.measured !== null || r.detail.startsWith('no steady-state probe')) return r;
    if (stoppedAt <= from) return notJudged(r, stop, heal === null ? `before the recovery phase from ${formatDuration(from)}, and no fault was healed` : `before its last heal at ${formatDuration(from)} in the rollback`);
    const since = heal === null ? 'into the recovery phase' : 'after the last heal';
    return notJudged(r, stop, `${formatDuration(Math.round(stoppedAt - from))} ${since}, before "${probes[i]}" had held for ${formatDuration(hold)}`);
  });
}

function invariantResults(names: readonly CheckerName[], results: Map<string, CheckerResult>, stop: Stop | null): JournalGate[] {
  return names.map((name) => {
    const result = results.get(name);
    if (!result && stop) return notJudged({ name, kind: 'invariant', measured: null, tolerance: 'valid', passed: false, detail: '' }, stop, 'before the read-back');
    if (!result) return { name, kind: 'invariant' as const, measured: null, tolerance: 'valid', passed: false, detail: `checker ${name} did not run` };
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
  const windows = layPhases(scenario.phases);
  const stop = stopOf(input, windows);
  // A probe read where the run never went, or where it measured nothing before it stopped, is not judged.
  const read = (p: Probe, window: Window, label: string): ProbeReading => {
    const part = reached(window, stop);
    const result = evaluateProbe(p, evidence, part ?? window, label);
    return part && (result.measured !== null || !stop) ? reading(result, p.name) : { ...reading(result, p.name), value: null, holds: false, judged: false };
  };
  const before = probes.map((p) => read(p, phases.baseline, 'before'));
  const during = probes.map((p) => {
    const part = reached(phases.fault, stop);
    if (!part) return { ...read(p, phases.fault, 'during'), held_share: 0 };
    const timeline = probeTimeline(p, evidence, part);
    const share = timeline.length === 0 ? 0 : timeline.filter((r) => r.holds).length / timeline.length;
    return { ...read(p, part, 'during'), held_share: share };
  });
  const after = probes.map((p) => read(p, afterWindowOf(scenario, phases), 'after'));
  const names = [...new Set(scenario.gates.flatMap((g) => ('invariants' in g ? g.invariants : [])))];
  const checkerResults = new Map(names.flatMap((n) => (input.checkers[n] ? [[n, input.checkers[n]!(recorder.history)] as const] : [])));
  const recovery: RecoveryReading[] = [];
  const stoppedAt = input.stoppedAt ?? null;
  const gates = scenario.gates.flatMap((gate: Gate): JournalGate[] => {
    if ('phase' in gate) return [phaseGate(gate, evidence, windows, stop)];
    if ('recovery_time' in gate) {
      const measured = evaluateRecoveryGate(gate, probes, evidence, { heal: input.lastHeal, recovery: phases.recovery, stoppedAt });
      const results = recoveryGate(measured, gate.probes, gate.hold, input.lastHeal, phases.recovery, stoppedAt, stop);
      results.forEach((r, i) => recovery.push({ probe: gate.probes[i]!, recovery_ms: r.measured, ...(r.judged === false ? { judged: false as const } : {}) }));
      return results;
    }
    return invariantResults(gate.invariants, checkerResults, stop);
  });
  // Only what was judged can deviate: a window after the method that the run never reached is no evidence.
  const broke = (r: ProbeReading) => r.judged !== false && !r.holds;
  return {
    steady_states: { before, during, after },
    recovery,
    gates,
    checkers: [...checkerResults.values()],
    deviated: before.some(broke) || after.some(broke),
  };
}
