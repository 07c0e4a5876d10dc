import { describe, expect, it } from 'vitest';
import { evaluateProbe, probeTimeline, readProbe, type HttpCheck } from '../../../scenarios/gates/probe.js';
import { Measurements } from '../../../scenarios/measure/measurements.js';
import { scripted, tol } from './support.js';

const ingestOk = { name: 'ingest ok', metric: 'success_rate' as const, of: 'create_event', tolerance: tol('>= 0.99') };

describe('probes', () => {
  it('holds over a window whose merged success rate meets the tolerance', () => {
    const measurements = scripted(10, (s) => s === 5);
    expect(readProbe(ingestOk, { measurements }, { start: 0, end: 5000 })).toEqual({ measured: 1, holds: true });
    expect(readProbe(ingestOk, { measurements }, { start: 0, end: 10_000 })).toEqual({ measured: 0.9, holds: false });
  });

  it('reads latency percentiles against a duration tolerance', () => {
    const measurements = scripted(4, () => false, (s) => (s === 3 ? 400 : 20));
    const p99 = { name: 'ingest p99', metric: 'latency_p99' as const, tolerance: tol('<= 250ms') };
    expect(probeTimeline(p99, { measurements }, { start: 0, end: 4000 }).map((r) => r.holds)).toEqual([true, true, true, false]);
  });

  it('tells offered load (rate) from successful requests per second (throughput)', () => {
    const measurements = scripted(4, (s) => s >= 2);
    const read = (metric: 'rate' | 'throughput' | 'error_rate') => readProbe({ name: metric, metric, tolerance: tol('>= 0') }, { measurements }, { start: 0, end: 4000 }).measured;
    expect([read('rate'), read('throughput'), read('error_rate')]).toEqual([10, 5, 0.5]);
  });

  it('does not hold where nothing was measured, e.g. no delivery accepted during an outage', () => {
    const measurements = new Measurements();
    measurements.recordDelivery({ intended: 0, arrived: 300, accepted: true });
    measurements.recordDelivery({ intended: 1000, arrived: 1200, accepted: false });
    const lag = { name: 'delivery lag', metric: 'delivery_lag_p99' as const, tolerance: tol('<= 2s') };
    expect(probeTimeline(lag, { measurements }, { start: 0, end: 3000 })).toEqual([
      { second: 0, measured: 300, holds: true },
      { second: 1, measured: null, holds: false },
      { second: 2, measured: null, holds: false },
    ]);
  });

  it('judges an HTTP probe by the runner’s per-bucket checks, reporting the first failing one', () => {
    const checks = new Map<number, HttpCheck>([[0, { passed: true, measured: 200 }], [1, { passed: false, measured: 503 }], [2, { passed: true, measured: 200 }]]);
    const ready = { name: 'ready', http: { get: '/health/ready' }, tolerance: tol(200) };
    const evidence = { measurements: new Measurements(), http: new Map([['ready', checks]]) };
    expect(readProbe(ready, evidence, { start: 0, end: 3000 })).toEqual({ measured: 503, holds: false });
    expect(readProbe(ready, evidence, { start: 2000, end: 3000 })).toEqual({ measured: 200, holds: true });
    expect(readProbe(ready, evidence, { start: 5000, end: 6000 })).toEqual({ measured: null, holds: false });
  });

  it('reports a verdict that names the window, the value and the tolerance', () => {
    const result = evaluateProbe(ingestOk, { measurements: scripted(10, (s) => s === 5) }, { start: 0, end: 10_000 }, 'after');
    expect(result).toEqual({
      name: 'after: ingest ok',
      kind: 'probe',
      measured: 0.9,
      tolerance: '>= 0.99',
      passed: false,
      detail: 'success_rate of create_event over 0ms–10s was 0.9; tolerance >= 0.99',
    });
  });
});
