import { describe, expect, it } from 'vitest';
import { evaluateRecoveryGate } from '../../../scenarios/gates/recovery-gate.js';
import { Measurements } from '../../../scenarios/measure/measurements.js';
import { scripted, tol } from './support.js';

const ingestOk = { name: 'ingest ok', metric: 'success_rate' as const, of: 'create_event', tolerance: tol('>= 0.99') };
const recovery = { start: 20_000, end: 40_000 };

/** A scripted service: every request fails from 10 s until `recoversAt` ms, then all succeed. */
function serviceRecoveringAt(recoversAt: number): Measurements {
  const m = new Measurements();
  for (let intended = 0; intended < 40_000; intended += 50) {
    const bad = intended >= 10_000 && intended < recoversAt;
    m.recordOp({ op: 'create_event', intended, end: intended + 15, ok: !bad, status: bad ? 503 : 201 });
  }
  return m;
}

describe('the recovery gate', () => {
  it('measures recovery within one bucket of the moment a scripted service recovers', () => {
    for (const recoversAt of [20_000, 23_400, 27_000, 31_950]) {
      const [result] = evaluateRecoveryGate(
        { recovery_time: tol('<= 15s'), probes: ['ingest ok'], hold: 5000 },
        [ingestOk],
        { measurements: serviceRecoveringAt(recoversAt) },
        { heal: 20_000, recovery },
      );
      const truth = recoversAt - 20_000;
      expect(result?.measured, `recovers at ${recoversAt}`).not.toBeNull();
      expect(Math.abs((result?.measured ?? Infinity) - truth), `recovers at ${recoversAt}`).toBeLessThanOrEqual(1000);
      expect(result?.passed).toBe(true);
    }
  });

  it('measures from a heal that comes before the recovery phase, e.g. a fault that ends early', () => {
    const measure = (recoversAt: number) =>
      evaluateRecoveryGate({ recovery_time: tol('<= 5s'), probes: ['ingest ok'], hold: 2000 }, [ingestOk], { measurements: serviceRecoveringAt(recoversAt) }, { heal: 15_500, recovery })[0];
    expect(measure(16_000)).toMatchObject({ measured: 500, passed: true });
    // Already healthy in the bucket of the heal: recovered at once.
    expect(measure(15_000)).toMatchObject({ measured: 0, passed: true });
  });

  it('fails a recovery slower than the tolerance, with the measured time', () => {
    const [result] = evaluateRecoveryGate(
      { recovery_time: tol('<= 5s'), probes: ['ingest ok'], hold: 5000 },
      [ingestOk],
      { measurements: serviceRecoveringAt(27_000) },
      { heal: 20_000, recovery },
    );
    expect(result).toMatchObject({ name: 'recovery_time: ingest ok', kind: 'recovery_time', measured: 7000, tolerance: '<= 5s', passed: false });
    expect(result?.detail).toBe('"ingest ok" held for 5s from 27s, 7s since the last heal at 20s (±1 s)');
  });

  it('reports never when the probe does not hold for `hold` before the recovery phase ends', () => {
    const [result] = evaluateRecoveryGate(
      { recovery_time: tol('<= 30s'), probes: ['ingest ok'], hold: 5000 },
      [ingestOk],
      { measurements: scripted(40, (s) => s >= 10 && s !== 30) },
      { heal: 20_000, recovery },
    );
    expect(result).toMatchObject({ measured: null, passed: false });
    expect(result?.detail).toContain('never held for 5s since the last heal at 20s');
  });

  it('says recovery was counted from the recovery phase when no fault was healed', () => {
    const [result] = evaluateRecoveryGate(
      { recovery_time: tol('<= 30s'), probes: ['ingest ok'], hold: 5000 },
      [ingestOk],
      { measurements: scripted(40, () => true) },
      { heal: null, recovery },
    );
    expect(result?.detail).toBe('"ingest ok" never held for 5s from the recovery phase\'s start at 20s (no fault was healed) before the recovery phase ended at 40s');
  });

  it('says the run stopped, and when, for a run stopped before it could recover', () => {
    // Failing until the stop, and no data after it.
    const judge = (heal: number | null, stoppedAt: number) =>
      evaluateRecoveryGate({ recovery_time: tol('<= 30s'), probes: ['ingest ok'], hold: 5000 }, [ingestOk], { measurements: scripted(Math.ceil(stoppedAt / 1000), () => true) }, { heal, recovery, stoppedAt })[0]?.detail;
    expect(judge(null, 1_600)).toBe('"ingest ok" not measured: the run stopped at 1.6s, before the recovery phase (from 20s), and no fault was healed');
    expect(judge(1_700, 1_600)).toBe('"ingest ok" not measured: the run stopped at 1.6s, before its last heal at 1.7s (in the rollback)');
    expect(judge(20_000, 25_000)).toBe('"ingest ok" never held for 5s since the last heal at 20s before the run stopped at 25s');
  });

  it('gives one result per probe and fails a probe name the scenario does not define', () => {
    const results = evaluateRecoveryGate(
      { recovery_time: tol('<= 5s'), probes: ['ingest ok', 'ingest p99'], hold: 2000 },
      [ingestOk],
      { measurements: serviceRecoveringAt(20_000) },
      { heal: null, recovery },
    );
    expect(results.map((r) => [r.name, r.passed, r.measured])).toEqual([['recovery_time: ingest ok', true, 0], ['recovery_time: ingest p99', false, null]]);
    expect(results[1]?.detail).toBe('no steady-state probe named "ingest p99" (probes: "ingest ok")');
  });
});
