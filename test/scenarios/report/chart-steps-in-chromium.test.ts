// Each chart value is what one second measured, so the page draws it as a step across that whole
// second, and a second with no data stays a gap. Read back from the canvas in headless Chromium: a
// value followed by a second with no data used to be dropped (the line stopped where the gap began).
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import type { ChartSpec } from '../../../scenarios/report/chart-spec.js';
import { chartPanel, page } from '../../../scenarios/report/render-report.js';
import { openFile, type OpenedPage } from './support/chromium.js';

const COLOUR = '#2563eb';
// Seconds 1, 4 and 5 have no data; 0 and 3 are each followed by a gap, 7 is the last second. In the
// second chart the last second with a value, 6, is followed only by seconds with no data.
const CHARTS = { steps: [10, null, 20, 30, null, null, 40, 15], tail: [5, 12, null, 8, 8, 30, 20, null, null] };
const specs: ChartSpec[] = Object.entries(CHARTS).map(([id, values]) => ({ id, title: id, unit: 'req/s', x: values.map((_, s) => s), end: values.length, series: [{ label: 'ok/s', values, color: COLOUR }], bands: [], markers: [] }));

interface Second {
  second: number;
  gap: boolean;
  painted: boolean;
}

/** Per second of chart `id`: a value is painted near its height across the second; a gap nowhere in its column. */
const read = (id: keyof typeof CHARTS) => `(() => {
  const u = window.aftershockCharts.${id};
  const [r, g, b] = [1, 3, 5].map((i) => parseInt('${COLOUR}'.slice(i, i + 2), 16));
  const painted = (x, y) => { const d = u.ctx.getImageData(x, y, 1, 1).data; return d[3] > 100 && Math.abs(d[0] - r) < 40 && Math.abs(d[1] - g) < 40 && Math.abs(d[2] - b) < 40; };
  const near = (sec, value) => { const x = Math.round(u.valToPos(sec, 'x', true)); const y = Math.round(u.valToPos(value, 'y', true)); for (let dy = -3; dy <= 3; dy++) if (painted(x, y + dy)) return true; return false; };
  const column = (sec) => { const x = Math.round(u.valToPos(sec, 'x', true)); for (let y = u.bbox.top; y < u.bbox.top + u.bbox.height; y++) if (painted(x, y)) return true; return false; };
  return ${JSON.stringify(CHARTS[id])}.map((v, s) => v === null
    ? { second: s, gap: true, painted: [0.2, 0.5, 0.8].some((f) => column(s + f)) }
    : { second: s, gap: false, painted: [0.1, 0.5, 0.9].every((f) => near(s + f, v)) });
})()`;

let dir: string;
let opened: OpenedPage;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'aftershock-steps-'));
  const path = join(dir, 'steps.html');
  await writeFile(path, page('steps', specs.map(chartPanel).join(''), specs));
  opened = await openFile(path);
});

afterAll(async () => {
  await opened?.close();
  await rm(dir, { recursive: true, force: true });
});

it('draws every second that has a value across the whole second, including one followed by a gap', async () => {
  const steps = (await opened.page.evaluate(read('steps'))) as Second[];
  const tail = (await opened.page.evaluate(read('tail'))) as Second[];
  expect(opened.errors).toEqual([]);
  expect(steps.filter((s) => !s.gap && !s.painted).map((s) => s.second)).toEqual([]);
  expect(tail.filter((s) => !s.gap && !s.painted).map((s) => s.second)).toEqual([]);
});

it('leaves a second with no data blank, with no line across it', async () => {
  const steps = (await opened.page.evaluate(read('steps'))) as Second[];
  const tail = (await opened.page.evaluate(read('tail'))) as Second[];
  expect(steps.filter((s) => s.gap).map((s) => [s.second, s.painted])).toEqual([[1, false], [4, false], [5, false]]);
  expect(tail.filter((s) => s.gap).map((s) => [s.second, s.painted])).toEqual([[2, false], [7, false], [8, false]]);
});
