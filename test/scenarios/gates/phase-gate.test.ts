import { describe, expect, it } from 'vitest';
import { evaluatePhaseGate } from '../../../scenarios/gates/phase-gate.js';
import { phaseWindows } from '../../../scenarios/gates/phases.js';
import { Measurements } from '../../../scenarios/measure/measurements.js';
import { scripted, tol } from './support.js';

const phases = phaseWindows({ baseline: 10_000, fault: 10_000, recovery: 10_000 });

describe('phase gates', () => {
  it('lays the phases end to end in the order written', () => {
    expect(phases.map((p) => [p.name, p.start, p.end])).toEqual([['baseline', 0, 10_000], ['fault', 10_000, 20_000], ['recovery', 20_000, 30_000]]);
  });

  it('judges only the named phase’s buckets', () => {
    // Half the fault phase fails: 50 % success there, 100 % in the other phases.
    const measurements = scripted(30, (s) => s >= 10 && s < 15);
    const budget = { phase: 'fault', metric: 'success_rate' as const, of: 'create_event', tolerance: tol('>= 0.5') };
    expect(evaluatePhaseGate(budget, { measurements }, phases)).toMatchObject({ name: 'fault: success_rate of create_event', kind: 'phase', measured: 0.5, passed: true });
    const strict = { ...budget, tolerance: tol('>= 0.95') };
    expect(evaluatePhaseGate(strict, { measurements }, phases)).toMatchObject({ measured: 0.5, passed: false });
    const baseline = { ...strict, phase: 'baseline' };
    expect(evaluatePhaseGate(baseline, { measurements }, phases)).toMatchObject({ measured: 1, passed: true });
  });

  it('measures an error rate exactly at its bound, as it does the success rate', () => {
    // 1 failure in the fault phase's 100 requests: 1 % errors (1 - 0.99 would be 0.010000000000000009).
    const onePercent = new Measurements();
    for (let i = 0; i < 100; i++) onePercent.recordOp({ op: 'create_event', intended: 10_000 + i * 100, end: 10_020 + i * 100, ok: i !== 0, status: i === 0 ? 503 : 201 });
    const gate = { phase: 'fault', metric: 'error_rate' as const, of: 'create_event', tolerance: tol('<= 0.01') };
    expect(evaluatePhaseGate(gate, { measurements: onePercent }, phases)).toMatchObject({ measured: 0.01, passed: true });
    // A whole second failing: 10 % errors, which `< 0.1` refuses (1 - 0.9 would be 0.09999999999999998).
    const tenPercent = scripted(30, (s) => s === 12);
    expect(evaluatePhaseGate({ ...gate, tolerance: tol('< 0.1') }, { measurements: tenPercent }, phases)).toMatchObject({ measured: 0.1, passed: false });
  });

  it('fails, naming the phases there are, when the phase does not exist', () => {
    const gate = { phase: 'chaos', metric: 'success_rate' as const, tolerance: tol('>= 0.5') };
    const result = evaluatePhaseGate(gate, { measurements: scripted(3, () => false) }, phases);
    expect(result).toMatchObject({ passed: false, measured: null });
    expect(result.detail).toBe('no phase "chaos" in this scenario (phases: baseline, fault, recovery)');
  });
});
