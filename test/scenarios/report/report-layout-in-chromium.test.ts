// The report's layout as a browser lays it out: the timeline's labels stay inside its picture, wherever
// a bar ends; a fault window's and a recovery's names stay inside their chart; and the page does not
// scroll sideways on a narrow screen.
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import type { HistoryRecord, ProcessRecord } from '../../../scenarios/history/history.js';
import type { Journal } from '../../../scenarios/runner/journal.js';
import type { ChartSpec } from '../../../scenarios/report/chart-spec.js';
import { chartPanel, page, renderReport } from '../../../scenarios/report/render-report.js';
import { timelineSvg } from '../../../scenarios/report/timeline-svg.js';
import { openFile } from './support/chromium.js';

let dir: string;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'aftershock-layout-'));
});

afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

/** Writes `body` as a report page (styles, script, and the data of `charts`) and opens it at `width`. */
async function open(name: string, body: string, width = 1280, charts: ChartSpec[] = []) {
  const path = join(dir, `${name}.html`);
  await writeFile(path, page(name, body, charts));
  return openFile(path, { width, height: 900 });
}

it('keeps each bar kind inside the timeline: left of a bar that ends at the run end, inside one that spans it', async () => {
  const journal = {
    status: 'completed' as const,
    rollbacks: [],
    phases: { baseline: { start: 0, end: 2_000 }, fault: { start: 2_000, end: 5_000 }, recovery: { start: 5_000, end: 8_000 } },
    activities: [
      { name: 'receiver 503 to the end', type: 'fault' as const, kind: 'receiver', planned: { start: 2_000, end: 8_000 }, started: 2_005, healed: 8_001, status: 'healed' as const },
      { name: 'worker frozen, never healed', type: 'fault' as const, kind: 'process:worker', planned: { start: 7_000, end: 9_000 }, started: 7_002, status: 'applied' as const },
      { name: 'slow puts all along', type: 'fault' as const, kind: 'chaos:dynamodb', planned: { start: 0, end: 8_000 }, started: 1, healed: 8_000, status: 'healed' as const },
      { name: 'kill -9 server', type: 'action' as const, kind: 'kill:server', planned: { start: 7_900 }, status: 'failed' as const, error: 'the target refused the kill: no process named server is supervised here' },
      { name: 'slow receiver', type: 'fault' as const, kind: 'receiver', planned: { start: 3_000, end: 4_000 }, started: 3_000, healed: 4_000, status: 'healed' as const },
    ],
  };
  const history: ProcessRecord[] = [{ kind: 'process', process: 'server-1', action: 'kill', signal: 'SIGKILL', time: 7_000 }];
  const opened = await open('timeline', `<div class="timeline">${timelineSvg(journal, history)}</div>`);
  try {
    const texts = (await opened.page.evaluate(`(() => {
      const svg = document.querySelector('.timeline svg');
      const width = svg.viewBox.baseVal.width;
      return [...svg.querySelectorAll('text')].map((t) => { const b = t.getBBox(); return { text: t.textContent, left: b.x, right: b.x + b.width, width, bar: t.closest('.fault-bar') !== null }; });
    })()`)) as { text: string; left: number; right: number; width: number; bar: boolean }[];
    expect(opened.errors).toEqual([]);
    const outside = texts.filter((t) => t.left < -0.5 || t.right > t.width + 0.5).map((t) => t.text);
    expect(outside).toEqual([]);
    // A bar's kind sits in the drawing, never over the lane names on the left.
    const kinds = texts.filter((t) => t.bar);
    expect(kinds.map((t) => t.text)).toEqual(['receiver', 'process:worker', 'chaos:dynamodb', 'receiver']);
    expect(kinds.filter((t) => t.left < 190).map((t) => t.text)).toEqual([]);
  } finally {
    await opened.close();
  }
});

it("keeps a fault window's name inside the chart when the window ends at the chart's end", async () => {
  const values = [10, 12, 11, 9, 10, 3, 2];
  const spec: ChartSpec = {
    id: 'stopped',
    title: 'A run stopped in a fault',
    unit: 'req/s',
    x: values.map((_, s) => s),
    end: 6.93,
    series: [{ label: 'ok/s', values, color: '#2563eb' }],
    bands: [
      { start: 1, end: 2, label: 'receiver answers 503', kind: 'receiver' },
      { start: 6.5, end: 6.9, label: 'receiver resets its connections', kind: 'receiver' },
    ],
    markers: [],
  };
  const opened = await open('bands', chartPanel(spec), 800, [spec]);
  try {
    const labels = (await opened.page.evaluate(`(() => {
      const over = window.aftershockCharts.stopped.over.getBoundingClientRect();
      return [...document.querySelectorAll('.band span')].map((s) => { const r = s.getBoundingClientRect(); return { text: s.textContent, inside: r.left >= over.left - 0.5 && r.right <= over.right + 0.5 }; });
    })()`)) as { text: string; inside: boolean }[];
    expect(opened.errors).toEqual([]);
    expect(labels).toEqual([
      { text: 'receiver answers 503', inside: true },
      { text: 'receiver resets its connections', inside: true },
    ]);
  } finally {
    await opened.close();
  }
});

it("keeps a recovery's label inside the chart, wrapped when it fits on neither side of its line", async () => {
  const values = [10, 10, 10, 10, 10];
  const spec = (id: string, at: number): ChartSpec => ({
    id,
    title: id,
    unit: 'req/s',
    x: values.map((_, s) => s),
    end: 5,
    series: [{ label: 'ok/s', values, color: '#2563eb' }],
    bands: [],
    markers: [{ at, label: 'ingest ok held 0ms into recovery (no fault healed)', kind: 'recovery' }],
  });
  // Half-way along a half-width plot, and near its right edge.
  const charts = [spec('middle', 2.5), spec('late', 4.6)];
  const opened = await open('recovery', `<div class="charts" style="grid-template-columns:1fr 1fr">${charts.map(chartPanel).join('')}</div>`, 1000, charts);
  try {
    const labels = (await opened.page.evaluate(`Object.entries(window.aftershockCharts).map(([id, u]) => {
      const over = u.over.getBoundingClientRect();
      const r = u.over.querySelector('.marker.recovery span').getBoundingClientRect();
      return { id, inside: r.left >= over.left - 0.5 && r.right <= over.right + 0.5 };
    })`)) as { id: string; inside: boolean }[];
    expect(opened.errors).toEqual([]);
    expect(labels).toEqual([{ id: 'middle', inside: true }, { id: 'late', inside: true }]);
  } finally {
    await opened.close();
  }
});

// A run's journal as kill-worker.yaml left it: checker names and details with long unbroken ids.
const gate = (name: string, kind: string, measured: number | null, tolerance: string, detail: string) => ({ name, kind, measured, tolerance, passed: true, detail });
const reading = (name: string, value: number, tolerance: string) => ({ name, value, tolerance, holds: true });
const journal = {
  title: 'Worker crashed, then killed with SIGKILL, mid-delivery',
  status: 'completed',
  deviated: false,
  seed: 1529273736,
  run_id: '20261207T193221Z-worker-crashed-then-killed-with-sigkill-',
  replay: 'npx tsx bin/aftershock.ts run scenarios/catalog/kill-worker.yaml --seed 1529273736',
  started_at: '2026-12-07T19:32:26.819Z',
  ended_at: '2026-12-07T19:32:50.563Z',
  duration_ms: 23_744,
  target: { kind: 'embedded', base_url: 'http://127.0.0.1:41979' },
  phases: { baseline: { start: 0, end: 2000 }, fault: { start: 2000, end: 10_000 }, recovery: { start: 10_000, end: 23_000 } },
  last_heal: 10_000.06,
  load: { intended: 230, dropped: 0, ops: { create_event: { count: 230, ok: 230, failed: 0, success_rate: 1 } } },
  steady_states: {
    before: [reading('ingest ok', 1, '>= 0.95'), reading('delivery lag', 411.166, '<= 4s')],
    during: [{ ...reading('ingest ok', 1, '>= 0.95'), held_share: 1 }, { ...reading('delivery lag', 284.252, '<= 4s'), held_share: 0.125 }],
    after: [reading('ingest ok', 1, '>= 0.95'), reading('delivery lag', 174.235, '<= 4s')],
  },
  activities: [
    { name: 'worker crashes mid-delivery', type: 'fault', kind: 'chaos:worker', planned: { start: 2000, end: 3500 }, status: 'healed', started: 2000.85, healed: 3502.39 },
    { name: 'kill -9 worker', type: 'action', kind: 'kill:worker', planned: { start: 8500, end: 9500 }, status: 'healed', started: 8501.61, healed: 9500.87 },
  ],
  rollbacks: [],
  recovery: [{ probe: 'delivery lag', recovery_ms: 5999.94 }],
  gates: [
    gate('fault: success_rate', 'phase', 1, '>= 0.95', 'phase fault: success_rate of create_event over 2s–10s was 1; tolerance >= 0.95'),
    gate('recovery_time: delivery lag', 'recovery_time', 5999.94, '<= 11s', '"delivery lag" held for 2s from 16s, 6s since the last heal at 10s (±1 s)'),
    gate('no_concurrent_double_delivery', 'invariant', null, 'valid', 'deliveries=230 receipts=232 concurrent=0 sequential_duplicates=2; e.g. event evt_01m98zwj1z1wept53xtdncvywr, delivery dlv_7e8199e766a9e7451dd3db01d9, webhook whk_01m98zwfskgw8zm1x3hqkceb47: expected accepted once (a sequential duplicate is allowed), saw accepted again at 14824 ms after being accepted at 2287 ms'),
    gate('analytics_exact', 'invariant', null, 'valid', 'expected_total=230 seen_total=230 info_counted=0 mismatched_types=0 mismatched_sources=0'),
  ],
  checkers: [
    {
      name: 'no_concurrent_double_delivery',
      valid: true,
      counts: { deliveries: 230, receipts: 232, concurrent: 0, sequential_duplicates: 2 },
      examples: [{ delivery_id: 'dlv_7e8199e766a9e7451dd3db01d9', event_id: 'evt_01m98zwj1z1wept53xtdncvywr', webhook_id: 'whk_01m98zwfskgw8zm1x3hqkceb47', times: [2286.99, 14823.63], expected: 'accepted once (a sequential duplicate is allowed)', seen: 'accepted again at 14824 ms after being accepted at 2287 ms' }],
    },
  ],
  errors: [],
  outputs: { dir: '/tmp/runs/kw', journal: '/tmp/runs/kw/journal.json', history: '/tmp/runs/kw/history.jsonl', junit: '/tmp/runs/kw/junit.xml', report: '/tmp/runs/kw/report.html' },
  scenario: { title: 'Worker crashed, then killed with SIGKILL, mid-delivery', description: 'The worker process crashes by itself between sending a delivery and settling it.' },
} as unknown as Journal;
const history: HistoryRecord[] = [{ kind: 'op', process: 0, type: 'ok', f: 'create_event', value: { event_id: 'evt_1', event_type: 'order.created', status: 201 }, time: 120 }];

/** The page's widths, and per table: its box against the page's column, and whether its content is wider than its box and that box scrolls. */
const TABLES = `(() => {
  const main = document.querySelector('main');
  const style = getComputedStyle(main);
  const column = { left: main.getBoundingClientRect().left + parseFloat(style.paddingLeft), right: main.getBoundingClientRect().right - parseFloat(style.paddingRight) };
  return {
    page: { scrollWidth: document.documentElement.scrollWidth, clientWidth: document.documentElement.clientWidth },
    tables: [...main.querySelectorAll('table')].filter((t) => !t.closest('.chart')).map((t) => {
      const box = t.getBoundingClientRect();
      return { head: t.querySelector('th:nth-child(2)')?.textContent, left: box.left, right: box.right, column, wider: t.scrollWidth > t.clientWidth + 1, scrolls: ['auto', 'scroll'].includes(getComputedStyle(t).overflowX) };
    }),
  };
})()`;

interface Tables {
  page: { scrollWidth: number; clientWidth: number };
  tables: { head: string; left: number; right: number; column: { left: number; right: number }; wider: boolean; scrolls: boolean }[];
}

/** Renders the journal's whole report and opens it at `width`. */
async function openReport(width: number) {
  const path = join(dir, `report-${width}.html`);
  await writeFile(path, renderReport(journal, history));
  return openFile(path, { width, height: 900 });
}

it('fits every table to the page at 700 px, long checker ids broken to fit', async () => {
  const opened = await openReport(700);
  try {
    const { page: doc, tables } = (await opened.page.evaluate(TABLES)) as Tables;
    expect(opened.errors).toEqual([]);
    expect(tables.map((t) => t.head)).toEqual(['kind', 'tolerance', 'times', 'kind']);
    expect(doc.scrollWidth).toBeLessThanOrEqual(doc.clientWidth);
    for (const t of tables) {
      expect(t.right, `the table headed "${t.head}" ends inside the page's column`).toBeLessThanOrEqual(t.column.right + 0.5);
      expect(t.wider, `the table headed "${t.head}" fits its box`).toBe(false);
    }
  } finally {
    await opened.close();
  }
});

it('keeps the page from scrolling sideways at 420 px: a table too wide for it scrolls inside its own box', async () => {
  const opened = await openReport(420);
  try {
    const { page: doc, tables } = (await opened.page.evaluate(TABLES)) as Tables;
    expect(doc.scrollWidth).toBeLessThanOrEqual(doc.clientWidth);
    for (const t of tables) {
      expect(t.right, `the table headed "${t.head}" ends inside the page's column`).toBeLessThanOrEqual(t.column.right + 0.5);
      if (t.wider) expect(t.scrolls, `the table headed "${t.head}" scrolls inside its box`).toBe(true);
    }
    expect(tables.some((t) => t.wider)).toBe(true);
  } finally {
    await opened.close();
  }
});

it('lays tables out across the whole column on a wide screen, as before', async () => {
  const opened = await openReport(1280);
  try {
    const { page: doc, tables } = (await opened.page.evaluate(TABLES)) as Tables;
    expect(doc.scrollWidth).toBeLessThanOrEqual(doc.clientWidth);
    for (const t of tables) {
      expect(t.wider, `the table headed "${t.head}" fits`).toBe(false);
      expect([t.left, t.right], `the table headed "${t.head}" spans the column`).toEqual([t.column.left, t.column.right]);
    }
  } finally {
    await opened.close();
  }
});
