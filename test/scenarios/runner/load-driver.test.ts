// The scenario's load against a service too slow for it: requests dropped for max_in_flight are
// measured by their intended start, so `rate` is the offered load and `dropped` and `success_rate`
// show what the service could not take; the history holds them too, so measuring it gives the same
// numbers (the report's charts are drawn from it). Requests the runner itself cancels when the run
// stops are outcome-unknown in the history and no failure of the service's in the measurements.
import { expect, it } from 'vitest';
import type { Adapter, OpAnswer } from '../../../scenarios/adapters/adapter.js';
import { CHECKERS } from '../../../scenarios/checkers/registry.js';
import { opMetricValue } from '../../../scenarios/gates/metric.js';
import type { HistoryRecord, OpRecord } from '../../../scenarios/history/history.js';
import { measureHistory } from '../../../scenarios/measure/history-measurer.js';
import type { Measurements } from '../../../scenarios/measure/measurements.js';
import { driveLoad } from '../../../scenarios/runner/load-driver.js';
import { startRunClock } from '../../../scenarios/runner/run-clock.js';
import { RunRecorder } from '../../../scenarios/runner/run-recorder.js';
import { parseScenario } from '../../../scenarios/scenario/parse-scenario.js';
import { waitFor } from '../../support/wait-for.js';

/** Everything a chart or a gate reads of one run's measurements. */
function readings(m: Measurements) {
  return { ops: m.ops(), buckets: m.ops().map((op) => m.opBuckets(op)), window: m.ops().map((op) => m.opWindow(op, { start: 0, end: 10_000 })) };
}

it('measures requests dropped for max_in_flight: counted in rate, dropped and success_rate, and in the history as dropped', async () => {
  const scenario = parseScenario({ title: 'too slow', load: { rate: 20, max_in_flight: 1 }, phases: { baseline: '1s', fault: '0s', recovery: '0s' } });
  let n = 0;
  // Each create takes 300 ms, so with one in flight most arrivals find the slot taken.
  const adapter = {
    createEvent: () => new Promise((r) => setTimeout(() => r({ status: 201, ok: true, value: { event_id: `e${n++}`, status: 201 } }), 300)),
  } as unknown as Adapter;
  const recorder = new RunRecorder();
  const summary = await driveLoad({ scenario, durationMs: 1000, seed: 1, runId: 'r', adapter, clock: startRunClock(), recorder, signal: new AbortController().signal });
  expect(summary.intended).toBe(20);
  expect(summary.dropped).toBeGreaterThan(10);
  const window = recorder.measurements.opWindow('create_event', { start: 0, end: 1000 });
  expect(opMetricValue('rate', window)).toBe(20);
  expect(opMetricValue('dropped', window)).toBe(summary.dropped);
  expect(opMetricValue('success_rate', window)).toBe((20 - summary.dropped) / 20);
  const ops = recorder.history.filter((r): r is OpRecord => r.kind === 'op');
  expect(ops.filter((r) => r.type === 'invoke')).toHaveLength(20);
  expect(ops.filter((r) => r.type === 'fail' && r.value.dropped === true)).toHaveLength(summary.dropped);
  // Never sent, so never a create the read-back must account for.
  expect(recorder.createAttempts).toBe(20 - summary.dropped);
  // The history measures as the run did: the report's charts show the gate's numbers.
  expect(readings(measureHistory(recorder.history))).toEqual(readings(recorder.measurements));

  // Every checker judges the service's operations only: a dropped create is neither lost nor counted.
  const created = ops.filter((r) => r.type === 'ok').map((r) => r.value.event_id!);
  const events = Object.fromEntries(created.map((id) => [id, { readable: true, event_type: 'order.created', source: 'aftershock' }]));
  const analytics = { total: created.length, by_type: { 'order.created': created.length }, by_source: { aftershock: created.length } };
  const receipts: HistoryRecord[] = created.map((id, i) => ({ kind: 'receipt', delivery_id: `d${i}`, event_id: id, webhook_id: 'wh-1', start: 2000 + i, end: 2001 + i, status: 200 }));
  const end: HistoryRecord = { kind: 'final', events, webhooks: [{ webhook_id: 'wh-1', event_types: ['*'] }], dlq: [], analytics, time: 5000 };
  const withDrops = [...recorder.history, ...receipts, end];
  const withoutDrops = withDrops.filter((r) => !(r.kind === 'op' && ops.some((d) => d.process === r.process && d.value.dropped === true)));
  expect(withoutDrops.length).toBe(withDrops.length - 2 * summary.dropped);
  for (const checker of Object.values(CHECKERS)) {
    const result = checker(withDrops);
    expect(result, result.name).toEqual(checker(withoutDrops));
    expect(result.valid, result.name).toBe(true);
  }
});

it('counts requests the runner cancelled at a stop in no rate: outcome unknown in the history, measured alike', async () => {
  const scenario = parseScenario({ title: 'stopped', load: { rate: 20 }, phases: { baseline: '2s', fault: '0s', recovery: '0s' } });
  let n = 0;
  // Answers at once for the first half second, then hangs until the run's signal cancels the request.
  const clock = startRunClock();
  const adapter = {
    createEvent: (_input: unknown, signal: AbortSignal) =>
      clock.now() < 500
        ? Promise.resolve({ status: 201, ok: true, value: { event_id: `e${n++}`, status: 201 } })
        : new Promise<OpAnswer>((r) => signal.addEventListener('abort', () => r({ status: 0, ok: false, value: { error: 'AbortError' } }), { once: true })),
  } as unknown as Adapter;
  const recorder = new RunRecorder();
  const abort = new AbortController();
  const load = driveLoad({ scenario, durationMs: 2000, seed: 1, runId: 'r', adapter, clock, recorder, signal: abort.signal });
  await waitFor(() => recorder.openBefore(Infinity) >= 5, { timeoutMs: 5_000, message: 'five requests hanging' });
  abort.abort();
  await load;
  const ops = recorder.history.filter((r): r is OpRecord => r.kind === 'op');
  const cancelled = ops.filter((r) => r.type === 'info' && r.value.error === 'AbortError').length;
  expect(cancelled).toBeGreaterThanOrEqual(5);
  const ok = ops.filter((r) => r.type === 'ok').length;
  expect(ok).toBeGreaterThanOrEqual(9);
  const window = recorder.measurements.opWindow('create_event', { start: 0, end: 2000 });
  // Only the service's own answers are judged: every one was a success, none too slow.
  expect(window).toMatchObject({ count: ok, ok, failed: 0, cancelled, success_rate: 1 });
  expect(window.latency!.max).toBeLessThan(100);
  expect(readings(measureHistory(recorder.history))).toEqual(readings(recorder.measurements));
});
