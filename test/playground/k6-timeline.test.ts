// The k6 scripts' options builder: one constant-arrival-rate scenario per phase, back to back, and
// each gate a threshold on that phase's tagged create_event requests (k6 itself is not installed here).
import { describe, expect, it } from 'vitest';
import { phaseStart, standardTimeline, timelineOptions } from '../../load/k6/lib/timeline.js';

const phases = { baseline: 10, fault: 20, recovery: 30 };

describe('k6 timelineOptions', () => {
  it('runs each phase as an open-model scenario tagged with its name, starting where the last ended', () => {
    const options = timelineOptions({ rate: 50, phases, gates: [] });
    const scenarios = options.scenarios as unknown as Record<string, Record<string, unknown>>;
    expect(Object.keys(scenarios)).toEqual(['baseline', 'fault', 'recovery', 'faults']);
    expect(['baseline', 'fault', 'recovery'].map((p) => [scenarios[p]!.executor, scenarios[p]!.rate, scenarios[p]!.startTime, scenarios[p]!.duration, scenarios[p]!.tags])).toEqual([
      ['constant-arrival-rate', 50, '0s', '10s', { phase: 'baseline' }],
      ['constant-arrival-rate', 50, '10s', '20s', { phase: 'fault' }],
      ['constant-arrival-rate', 50, '30s', '30s', { phase: 'recovery' }],
    ]);
    expect(scenarios.faults).toMatchObject({ exec: 'faults', vus: 1, iterations: 1, startTime: '0s' });
  });

  it('turns phase-scoped gates into thresholds on that phase\'s create_event requests', () => {
    const options = timelineOptions({ rate: 5, phases, gates: [{ phase: 'baseline', maxFailureRate: 0.01, maxP99Ms: 250 }, { phase: 'fault', maxFailureRate: 0.05 }] });
    expect(options.thresholds).toEqual({
      dropped_iterations: ['count<1'],
      'http_req_failed{phase:baseline,op:create_event}': ['rate<=0.01'],
      'http_req_duration{phase:baseline,op:create_event}': ['p(99)<=250'],
      'http_req_failed{phase:fault,op:create_event}': ['rate<=0.05'],
    });
  });

  it('names the phases it knows when asked for another', () => {
    expect(phaseStart(phases, 'recovery')).toBe(30);
    expect(() => phaseStart(phases, 'steady')).toThrow('unknown phase steady; phases are baseline, fault, recovery');
  });

  it('gives every script the same run, with its own failure budget in the fault phase', () => {
    const spec = standardTimeline(0.05);
    expect(spec.phases).toEqual({ baseline: 10, fault: 20, recovery: 30 });
    expect(timelineOptions(spec).thresholds).toMatchObject({ 'http_req_failed{phase:fault,op:create_event}': ['rate<=0.05'], 'http_req_duration{phase:recovery,op:create_event}': ['p(99)<=250'] });
  });
});
