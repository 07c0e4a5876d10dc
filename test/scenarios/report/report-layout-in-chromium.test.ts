// The report's layout as a browser lays it out: the timeline's labels stay inside its picture, wherever
// a bar ends, a fault window's name stays inside its chart, and the page does not scroll sideways on a
// narrow screen.
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import type { ProcessRecord } from '../../../scenarios/history/history.js';
import type { ChartSpec } from '../../../scenarios/report/chart-spec.js';
import { chartPanel, page } from '../../../scenarios/report/render-report.js';
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
