import { describe, expect, it } from 'vitest';
import type { HistoryRecord } from '../../../scenarios/history/history.js';
import { HistoryMeasurer, measureHistory } from '../../../scenarios/measure/history-measurer.js';

const history: HistoryRecord[] = [
  { kind: 'op', process: 0, type: 'invoke', f: 'create_event', value: {}, time: 120, intended: 100 },
  { kind: 'op', process: 1, type: 'invoke', f: 'create_event', value: {}, time: 300, intended: 300 },
  // The worker delivers e2 before its create's response reaches the client.
  { kind: 'receipt', delivery_id: 'd2', event_id: 'e2', webhook_id: 'wh-1', start: 340, end: 345, status: 200 },
  { kind: 'op', process: 0, type: 'ok', f: 'create_event', value: { event_id: 'e1', status: 201 }, time: 150 },
  { kind: 'op', process: 1, type: 'ok', f: 'create_event', value: { event_id: 'e2', status: 201 }, time: 400 },
  { kind: 'op', process: 2, type: 'invoke', f: 'create_event', value: {}, time: 1100, intended: 1100 },
  { kind: 'op', process: 2, type: 'info', f: 'create_event', value: { error: 'timeout' }, time: 1900 },
  { kind: 'op', process: 3, type: 'invoke', f: 'create_event', value: {}, time: 1200, intended: 1200 },
  { kind: 'op', process: 3, type: 'fail', f: 'create_event', value: { dropped: true }, time: 1200 },
  // Cancelled by the runner when the run stopped: outcome unknown, but no failure of the service's.
  { kind: 'op', process: 4, type: 'invoke', f: 'create_event', value: {}, time: 1300, intended: 1300 },
  { kind: 'op', process: 4, type: 'info', f: 'create_event', value: { error: 'AbortError' }, time: 1950 },
  { kind: 'receipt', delivery_id: 'd1', event_id: 'e1', webhook_id: 'wh-1', start: 900, end: 910, status: 503 },
  { kind: 'receipt', delivery_id: 'd1', event_id: 'e1', webhook_id: 'wh-1', start: 1600, end: 1610, status: 200 },
];

describe('measuring a history', () => {
  it('turns op invokes and completions into buckets by intended start, with latency from it', () => {
    const m = measureHistory(history);
    const [first, second] = m.opBuckets('create_event');
    expect(first).toMatchObject({ second: 0, count: 2, ok: 2, statuses: { '201': 2 } });
    expect(first?.latency?.p50).toBeCloseTo(50, 1);
    expect(first?.latency?.max).toBe(100);
    expect(second).toMatchObject({ second: 1, count: 2, ok: 0, failed: 1, dropped: 1, cancelled: 1, statuses: { '0': 1, dropped: 1 } });
    expect(second?.latency?.max).toBe(800);
  });

  it('measures delivery lag from the create’s intended start, including a receipt that beat the response', () => {
    const m = measureHistory(history);
    expect(m.deliveryBuckets()).toEqual([
      { second: 0, received: 2, accepted: 1, lag: { p50: 40, p90: 40, p99: 40, max: 40 } },
      { second: 1, received: 1, accepted: 1, lag: { p50: 1500, p90: 1500, p99: 1500, max: 1500 } },
    ]);
  });

  it('measures the same live, record by record in the order they were appended', () => {
    const live = new HistoryMeasurer();
    const inOrder = [...history].sort((a, b) => (a.kind === 'receipt' ? a.start : a.time) - (b.kind === 'receipt' ? b.start : b.time));
    for (const record of inOrder) live.observe(record);
    expect(live.measurements.opBuckets('create_event')).toEqual(measureHistory(history).opBuckets('create_event'));
    expect(live.measurements.deliveryBuckets()).toEqual(measureHistory(history).deliveryBuckets());
  });
});
