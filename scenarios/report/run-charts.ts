// Turns a run's history into the report's charts: throughput and success rate per operation,
// latency p50/p99, delivery lag and backlog, each over 1 s buckets with the run's fault windows.
import type { HistoryRecord } from '../history/history.js';
import { measureHistory } from '../measure/history-measurer.js';
import type { Journal } from '../runner/journal.js';
import { backlogSeries } from './backlog.js';
import { colour, type ChartSeries, type ChartSpec } from './chart-spec.js';
import { faultBands, observedUntil, runMarkers } from './fault-windows.js';

type Values = (number | null)[];

/** Spreads sparse buckets (`second` → value) over every second of the run, gaps as null. */
function dense<T extends { second: number }>(buckets: readonly T[], seconds: number, pick: (b: T) => number | null | undefined): Values {
  const out: Values = new Array<number | null>(seconds).fill(null);
  for (const b of buckets) if (b.second >= 0 && b.second < seconds) out[b.second] = pick(b) ?? null;
  return out;
}

/** Where the charts of a run that ran to its end end, in ms: the whole run, and any delivery that came in later. */
function runEnd(journal: Pick<Journal, 'phases'>, history: readonly HistoryRecord[]): number {
  let last = journal.phases.recovery.end;
  for (const r of history) if (r.kind === 'op' || r.kind === 'receipt') last = Math.max(last, r.kind === 'op' ? r.time : r.end);
  return last;
}

/**
 * The charts for one run. `prefix` keeps chart ids unique when two runs share a page.
 * @example const charts = runCharts(journal, await loadHistory(journal.outputs.history));
 */
export function runCharts(journal: Pick<Journal, 'phases' | 'activities' | 'last_heal' | 'recovery' | 'status' | 'rollbacks'>, history: readonly HistoryRecord[], prefix = ''): ChartSpec[] {
  const m = measureHistory(history);
  // A run stopped early is charted only as far as it was observed, not to its planned end: its last
  // bucket ends where observation did. Otherwise, whole seconds.
  const observed = observedUntil(journal, history);
  const endMs = observed ?? runEnd(journal, history);
  const seconds = Math.max(1, Math.ceil(endMs / 1000));
  const end = observed !== null && observed > 0 ? observed / 1000 : seconds;
  const x = Array.from({ length: seconds }, (_, s) => s);
  const bands = faultBands(journal, endMs);
  // A phase a stopped run never reached is not marked.
  const markers = runMarkers(journal).filter((mk) => mk.at <= end);
  const ops = m.ops();
  const byOp = ops.map((op) => ({ op, buckets: m.opBuckets(op) }));
  const deliveries = m.deliveryBuckets();
  const chart = (id: string, title: string, unit: string, series: ChartSeries[], logToggle = false): ChartSpec => ({ id: `${prefix}${id}`, title, unit, x, end, series, bands, markers, ...(logToggle ? { logToggle } : {}) });

  const throughput = byOp.flatMap(({ op, buckets }, i) => [
    { label: `${op} ok/s`, values: dense(buckets, seconds, (b) => b.ok), color: colour(i) },
    { label: `${op} offered/s`, values: dense(buckets, seconds, (b) => b.count), color: colour(i), dash: true },
  ]);
  const rates = byOp.flatMap(({ op, buckets }, i) => [
    { label: `${op} success %`, values: dense(buckets, seconds, (b) => (b.success_rate === null ? null : b.success_rate * 100)), color: colour(i) },
    { label: `${op} error %`, values: dense(buckets, seconds, (b) => (b.success_rate === null ? null : (1 - b.success_rate) * 100)), color: '#dc2626', dash: true },
  ]);
  const latency = byOp.flatMap(({ op, buckets }, i) => [
    { label: `${op} p99`, values: dense(buckets, seconds, (b) => b.latency?.p99), color: colour(i) },
    { label: `${op} p50`, values: dense(buckets, seconds, (b) => b.latency?.p50), color: colour(i), dash: true },
  ]);
  const lag = [
    { label: 'lag p99', values: dense(deliveries, seconds, (b) => b.lag?.p99), color: colour(0) },
    { label: 'lag p50', values: dense(deliveries, seconds, (b) => b.lag?.p50), color: colour(0), dash: true },
  ];
  const backlog = [
    { label: 'owed, not yet delivered', values: backlogSeries(history, seconds), color: colour(3) },
    { label: 'accepted/s', values: dense(deliveries, seconds, (b) => b.accepted), color: colour(2), dash: true },
  ];
  // Kept when empty, so two runs compared side by side line up chart for chart.
  const final = history.find((r) => r.kind === 'final');
  const none = final?.kind === 'final' && final.webhooks.length === 0 && !history.some((r) => r.kind === 'receipt') ? ' — no webhook was registered' : '';
  return [
    chart('throughput', 'Throughput per operation', 'req/s', throughput),
    chart('success', 'Success and error rate', '%', rates),
    chart('latency', 'Latency p50 / p99', 'ms', latency, true),
    chart('lag', `Delivery lag p50 / p99${none}`, 'ms', lag, true),
    chart('backlog', `Delivery backlog${none}`, 'deliveries', backlog),
  ];
}
