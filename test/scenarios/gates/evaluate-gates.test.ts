import { describe, expect, it } from 'vitest';
import { evaluateGates, type Gate } from '../../../scenarios/gates/evaluate-gates.js';
import { phaseWindows } from '../../../scenarios/gates/phases.js';
import { evaluateSteadyState, steadyStateDuring } from '../../../scenarios/gates/steady-state.js';
import type { HistoryRecord } from '../../../scenarios/history/history.js';
import { scripted, tol } from './support.js';

const phases = phaseWindows({ baseline: 5000, fault: 5000, recovery: 10_000 });
const probes = [
  { name: 'ingest ok', metric: 'success_rate' as const, of: 'create_event', tolerance: tol('>= 0.99') },
  { name: 'ingest p99', metric: 'latency_p99' as const, tolerance: tol('<= 250ms') },
];
// Failing from 5 s (the fault) until 12 s: recovery takes 2 s after the heal at 10 s.
const measurements = scripted(20, (s) => s >= 5 && s < 12);
const history: HistoryRecord[] = [
  { kind: 'fault', id: 'f1', type: 'start', fault: 'chaos:dynamodb', time: 5000 },
  { kind: 'fault', id: 'f1', type: 'end', fault: 'chaos:dynamodb', time: 10_000 },
  { kind: 'op', process: 0, type: 'invoke', f: 'create_event', value: { event_type: 'order.created' }, time: 100 },
  { kind: 'op', process: 0, type: 'ok', f: 'create_event', value: { event_id: 'e1' }, time: 120 },
  { kind: 'final', events: {}, webhooks: [], dlq: [], time: 21_000 },
];
const gates: Gate[] = [
  { phase: 'fault', metric: 'success_rate', of: 'create_event', tolerance: tol('>= 0.95') },
  { recovery_time: tol('<= 5s'), probes: ['ingest ok', 'ingest p99'], hold: 3000 },
  { invariants: ['no_lost_events', 'same_id_on_retry'] },
  { invariants: ['no_lost_events'] },
];

describe('evaluateGates', () => {
  it('judges every gate in order, one result per recovery probe and per invariant', () => {
    const verdict = evaluateGates(gates, { measurements, probes, phases, history });
    expect(verdict.gates.map((g) => [g.name, g.kind, g.measured, g.passed])).toEqual([
      ['fault: success_rate of create_event', 'phase', 0, false],
      ['recovery_time: ingest ok', 'recovery_time', 2000, true],
      ['recovery_time: ingest p99', 'recovery_time', 0, true],
      ['no_lost_events', 'invariant', null, false],
      ['same_id_on_retry', 'invariant', null, true],
      ['no_lost_events', 'invariant', null, false],
    ]);
    expect(verdict.checkers.map((c) => c.name)).toEqual(['no_lost_events', 'same_id_on_retry']);
    expect(verdict.passed).toBe(false);
  });

  it('passes when every gate and checker does, and takes the runner’s heal over the history’s', () => {
    const healthy = scripted(20, (s) => s >= 5 && s < 10);
    const passing = evaluateGates(gates.slice(1, 2), { measurements: healthy, probes, phases, history });
    expect(passing).toMatchObject({ passed: true, checkers: [] });
    const later = evaluateGates(gates.slice(1, 2), { measurements, probes, phases, history, heal: 11_000 });
    expect(later.gates[0]).toMatchObject({ measured: 1000, passed: true });
  });

  it('fails a recovery gate when the scenario has no phases', () => {
    const verdict = evaluateGates(gates.slice(1, 2), { measurements, probes, phases: [], history });
    expect(verdict.gates).toEqual([{ name: 'recovery_time', kind: 'recovery_time', measured: null, tolerance: '<= 5s', passed: false, detail: 'the scenario has no phases to measure recovery in' }]);
  });
});

describe('steady state', () => {
  it('reads each probe before and after, and bucket by bucket during the method', () => {
    expect(evaluateSteadyState(probes, { measurements }, { start: 0, end: 5000 }, 'before').map((r) => [r.name, r.passed])).toEqual([
      ['before: ingest ok', true],
      ['before: ingest p99', true],
    ]);
    expect(steadyStateDuring(probes, { measurements }, { start: 5000, end: 15_000 })).toEqual([
      { name: 'ingest ok', buckets: 10, held: 3, failing_seconds: [5, 6, 7, 8, 9, 10, 11] },
      { name: 'ingest p99', buckets: 10, held: 10, failing_seconds: [] },
    ]);
  });
});
