// The report's charts from a history: a service with no webhook registered gets its delivery charts
// titled so, not an empty lag chart and a backlog of every event as if each were owed a delivery; a run
// stopped early is charted as far as it was observed, not to its planned end.
import { expect, it } from 'vitest';
import type { HistoryRecord } from '../../../scenarios/history/history.js';
import { runCharts } from '../../../scenarios/report/run-charts.js';

type ChartedJournal = Parameters<typeof runCharts>[0];
const journal: ChartedJournal = {
  phases: { baseline: { start: 0, end: 1000 }, fault: { start: 1000, end: 2000 }, recovery: { start: 2000, end: 3000 } },
  activities: [],
  last_heal: null,
  recovery: [],
  status: 'completed',
  rollbacks: [],
};
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

const receipt = (event_id: string, end: number): HistoryRecord => ({ kind: 'receipt', delivery_id: `dlv_${event_id}`, event_id, webhook_id: 'whk_1', start: end - 5, end, status: 200 });

it('ends the charts of a stopped run where it was last observed, not at its planned end', () => {
  // Planned to run 14 s; interrupted at about 4.86 s, rolled back at 4.89 s, a last delivery seen at 4.93 s.
  const stopped: ChartedJournal = {
    ...journal,
    phases: { baseline: { start: 0, end: 2000 }, fault: { start: 2000, end: 6000 }, recovery: { start: 6000, end: 14_000 } },
    activities: [{ name: 'receiver 503', type: 'fault', kind: 'receiver', planned: { start: 2000, end: 6000 }, started: 2001, status: 'applied' }],
    status: 'interrupted',
    rollbacks: [{ heal: 'all', time: 4890, errors: [] }],
  };
  const history = [ok('e1', 100), ok('e2', 2500), ok('e3', 4800), receipt('e1', 300), receipt('e3', 4928)];
  for (const chart of runCharts(stopped, history)) {
    expect(chart.x, chart.id).toEqual([0, 1, 2, 3, 4]);
    expect(chart.end, chart.id).toBeCloseTo(4.928, 9);
    expect(chart.series.every((s) => s.values.length === 5), chart.id).toBe(true);
    // The fault never healed is drawn to where the run was last seen; the recovery phase it never reached is not marked.
    expect(chart.bands.map((b) => [b.start, b.end])).toEqual([[2.001, 4.928]]);
    expect(chart.markers.map((m) => m.label)).toEqual(['baseline', 'fault']);
  }
  const backlog = runCharts(stopped, history).find((c) => c.id === 'backlog')!;
  expect(backlog.series[0]!.values).toEqual([0, 0, 1, 1, 1]);
});

it('ends the charts of a run that ran to its end at the end of its last second', () => {
  const charts = runCharts(journal, [ok('e1', 100), receipt('e1', 3400)]);
  expect(charts.map((c) => [c.x.length, c.end])).toEqual(Array(5).fill([4, 4]));
});
