// Judges a scenario's gates in the order written: phase gates, recovery gates and invariant gates
// (which run the history checkers). The verdict passes only if every gate and checker does.
import type { CheckerResult } from '../checkers/checker.js';
import { runCheckers, type CheckerName } from '../checkers/registry.js';
import type { HistoryRecord } from '../history/history.js';
import type { GateResult } from './gate-result.js';
import { evaluatePhaseGate, type PhaseGate } from './phase-gate.js';
import { findPhase, type PhaseWindow } from './phases.js';
import type { Probe, ProbeEvidence } from './probe.js';
import { evaluateRecoveryGate, type RecoveryGate } from './recovery-gate.js';
import { lastHeal } from './recovery-time.js';

/** An invariant gate: the named checkers must find the history valid. */
export interface InvariantGate {
  invariants: CheckerName[];
}

/** Any gate a scenario may state. */
export type Gate = PhaseGate | RecoveryGate | InvariantGate;

/** What gates are judged on. */
export interface GateEvidence extends ProbeEvidence {
  probes: readonly Probe[];
  phases: readonly PhaseWindow[];
  history: readonly HistoryRecord[];
  /** The last heal in ms, when the runner knows it better than the history's last fault end. */
  heal?: number | null;
}

/** The gates' verdict: one result per gate (per probe for recovery, per checker for invariants). */
export interface GatesVerdict {
  gates: GateResult[];
  checkers: CheckerResult[];
  passed: boolean;
}

/** The phase recovery is measured in: `recovery`, else the last phase. */
function recoveryPhase(phases: readonly PhaseWindow[]): PhaseWindow | undefined {
  return findPhase(phases, 'recovery') ?? phases[phases.length - 1];
}

/**
 * Judges every gate. Checkers named by several invariant gates run once.
 * @example const verdict = evaluateGates(scenario.gates, { measurements, probes, phases, history });
 */
export function evaluateGates(gates: readonly Gate[], evidence: GateEvidence): GatesVerdict {
  const results: GateResult[] = [];
  const checkers = new Map<CheckerName, CheckerResult>();
  for (const gate of gates) {
    if ('invariants' in gate) {
      for (const name of gate.invariants) {
        const result = checkers.get(name) ?? runCheckers([name], evidence.history)[0];
        if (!result) continue;
        checkers.set(name, result);
        const summary = Object.entries(result.counts).map(([k, v]) => `${k}=${v}`).join(' ');
        results.push({ name, kind: 'invariant', measured: null, tolerance: 'valid', passed: result.valid, detail: `${name} ${result.valid ? 'held' : 'found violations'}: ${summary}` });
      }
    } else if ('recovery_time' in gate) {
      const recovery = recoveryPhase(evidence.phases);
      if (!recovery) {
        results.push({ name: 'recovery_time', kind: 'recovery_time', measured: null, tolerance: gate.recovery_time.text, passed: false, detail: 'the scenario has no phases to measure recovery in' });
        continue;
      }
      results.push(...evaluateRecoveryGate(gate, evidence.probes, evidence, { heal: evidence.heal !== undefined ? evidence.heal : lastHeal(evidence.history), recovery }));
    } else {
      results.push(evaluatePhaseGate(gate, evidence, evidence.phases));
    }
  }
  const checkerResults = [...checkers.values()];
  return { gates: results, checkers: checkerResults, passed: results.every((r) => r.passed) && checkerResults.every((c) => c.valid) };
}
