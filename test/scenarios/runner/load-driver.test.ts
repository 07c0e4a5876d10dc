// The scenario's load against a service too slow for it: requests dropped for max_in_flight are
// measured by their intended start, so `rate` is the offered load and `dropped` and `success_rate`
// show what the service could not take.
import { expect, it } from 'vitest';
import type { Adapter } from '../../../scenarios/adapters/adapter.js';
import { opMetricValue } from '../../../scenarios/gates/metric.js';
import { driveLoad } from '../../../scenarios/runner/load-driver.js';
import { startRunClock } from '../../../scenarios/runner/run-clock.js';
import { RunRecorder } from '../../../scenarios/runner/run-recorder.js';
import { parseScenario } from '../../../scenarios/scenario/parse-scenario.js';

it('measures requests dropped for max_in_flight: counted in rate, dropped and success_rate, absent from the history', async () => {
  const scenario = parseScenario({ title: 'too slow', load: { rate: 20, max_in_flight: 1 }, phases: { baseline: '1s', fault: '0s', recovery: '0s' } });
  let n = 0;
  // Each create takes 300 ms, so with one in flight most arrivals find the slot taken.
  const adapter = {
    createEvent: () => new Promise((r) => setTimeout(() => r({ status: 201, ok: true, value: { event_id: `e${n++}` } }), 300)),
  } as unknown as Adapter;
  const recorder = new RunRecorder();
  const summary = await driveLoad({ scenario, durationMs: 1000, seed: 1, runId: 'r', adapter, clock: startRunClock(), recorder, signal: new AbortController().signal });
  expect(summary.intended).toBe(20);
  expect(summary.dropped).toBeGreaterThan(10);
  const window = recorder.measurements.opWindow('create_event', { start: 0, end: 1000 });
  expect(opMetricValue('rate', window)).toBe(20);
  expect(opMetricValue('dropped', window)).toBe(summary.dropped);
  expect(opMetricValue('success_rate', window)).toBe((20 - summary.dropped) / 20);
  expect(recorder.history.filter((r) => r.kind === 'op' && r.type === 'invoke')).toHaveLength(20 - summary.dropped);
});
