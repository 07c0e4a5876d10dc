// The report's charts from a history: a service with no webhook registered gets its delivery charts
// titled so, not an empty lag chart and a backlog of every event as if each were owed a delivery.
import { expect, it } from 'vitest';
import type { HistoryRecord } from '../../../scenarios/history/history.js';
import type { Journal } from '../../../scenarios/runner/journal.js';
import { runCharts } from '../../../scenarios/report/run-charts.js';

const journal = {
  phases: { baseline: { start: 0, end: 1000 }, fault: { start: 1000, end: 2000 }, recovery: { start: 2000, end: 3000 } },
  activities: [],
  duration_ms: 3000,
  last_heal: null,
  recovery: [],
} as unknown as Pick<Journal, 'phases' | 'activities' | 'duration_ms' | 'last_heal' | 'recovery'>;
const ok = (event_id: string, time: number): HistoryRecord => ({ kind: 'op', process: 0, type: 'ok', f: 'create_event', value: { event_id, event_type: 'order.created', status: 201 }, time });
const final = (webhooks: { webhook_id: string; event_types: string[] }[]): HistoryRecord => ({ kind: 'final', events: {}, webhooks, dlq: [], time: 3500 });
const titles = (history: HistoryRecord[]) => runCharts(journal, history).map((c) => c.title);

it('says no webhook was registered on the delivery charts, and owes nothing', () => {
  const history = [ok('e1', 100), ok('e2', 1500), final([])];
  expect(titles(history)).toEqual(['Throughput per operation', 'Success and error rate', 'Latency p50 / p99', 'Delivery lag p50 / p99 — no webhook was registered', 'Delivery backlog — no webhook was registered']);
  const backlog = runCharts(journal, history).find((c) => c.id === 'backlog')!;
  expect(backlog.series[0]!.values).toEqual([0, 0, 0]);
});

it('titles the delivery charts plainly when a webhook was registered', () => {
  expect(titles([ok('e1', 100), final([{ webhook_id: 'w', event_types: ['*'] }])]).slice(3)).toEqual(['Delivery lag p50 / p99', 'Delivery backlog']);
});
