// report.html of a real embedded run, opened from disk in headless Chromium: it renders with no
// console errors and no network, every chart has data, and every fault window is drawn where the
// journal says it was applied and healed. `aftershock report` regenerates it; --compare shows two.
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { reportCli } from '../../../scenarios/report/report-cli.js';
import type { Journal } from '../../../scenarios/runner/journal.js';
import { runScenario } from '../../../scenarios/runner/run-scenario.js';
import { defineScenario } from '../../../scenarios/scenario/define-scenario.js';
import { openFile } from './support/chromium.js';

/** What the page says about one drawn chart, read in the browser. */
interface DrawnChart {
  id: string;
  nonNull: number[];
  plotWidth: number;
  xMin: number;
  xMax: number;
  bands: { start: number; end: number; left: number; width: number }[];
}

// Runs in the page (plain JS after transpiling): reads each uPlot instance and its overlay elements.
const READ_CHARTS = `Object.entries(window.aftershockCharts).map(([id, u]) => ({
  id,
  nonNull: u.data.slice(1).map((s) => s.filter((v) => v !== null && v !== undefined).length),
  plotWidth: u.over.clientWidth,
  xMin: u.scales.x.min,
  xMax: u.scales.x.max,
  bands: [...u.over.querySelectorAll('.band')].map((el) => ({ start: Number(el.dataset.start), end: Number(el.dataset.end), left: parseFloat(el.style.left), width: parseFloat(el.style.width) })),
}))`;

const sink = () => {
  let text = '';
  return { stream: { write: (s: string) => ((text += s), true) } as unknown as NodeJS.WritableStream, text: () => text };
};

describe('report.html in headless Chromium', () => {
  let dir: string;
  let journal: Journal;

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'aftershock-report-'));
    const scenario = defineScenario({
      title: 'Report in a browser',
      load: { rate: 15 },
      phases: { baseline: '1s', fault: '2s', recovery: '1500ms' },
      steady_state: [{ name: 'ingest ok', metric: 'success_rate', tolerance: '>= 0.5' }],
      method: [
        { name: 'receiver 503', at: '1s', for: '1500ms', fault: { receiver: { status: 503 } } },
        { name: 'slow puts', at: '1500ms', for: '1s', fault: { chaos: { point: 'dynamodb', match: { operation: 'PutItem' }, injector: { kind: 'latency', ms: 40 } } } },
      ],
      gates: [{ recovery_time: '<= 1500ms', probes: ['ingest ok'], hold: '500ms' }, { invariants: ['no_lost_events', 'deliveries_complete'] }],
    });
    journal = await runScenario(scenario, { seed: 11, out: join(dir, 'a') });
  }, 60_000);

  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('renders with no console errors, every chart has data, and fault windows sit where the journal says', async () => {
    const opened = await openFile(journal.outputs.report);
    try {
      const charts = (await opened.page.evaluate(READ_CHARTS)) as DrawnChart[];
      expect(opened.errors).toEqual([]);
      expect(charts.map((c) => c.id).sort()).toEqual(['backlog', 'lag', 'latency', 'success', 'throughput']);
      const applied = journal.activities.filter((a) => a.started !== undefined);
      expect(applied.map((a) => a.name).sort()).toEqual(['receiver 503', 'slow puts']);
      for (const chart of charts) {
        expect(chart.nonNull.some((n) => n > 0), `${chart.id} has data`).toBe(true);
        expect(chart.bands).toHaveLength(applied.length);
        const px = (seconds: number) => ((seconds - chart.xMin) / (chart.xMax - chart.xMin)) * chart.plotWidth;
        for (const a of applied) {
          const band = chart.bands.find((b) => Math.abs(b.start - a.started! / 1000) < 1e-9);
          expect(band, `${chart.id}: a band for ${a.name}`).toBeDefined();
          expect(band!.end).toBeCloseTo(a.healed! / 1000, 9);
          expect(band!.left).toBeCloseTo(px(a.started! / 1000), 0);
          expect(band!.left + band!.width).toBeCloseTo(px(a.healed! / 1000), 0);
        }
      }
      const verdict = await opened.page.getAttribute('.verdict', 'data-verdict');
      expect(verdict).toBe(journal.status === 'completed' ? 'PASS' : 'FAIL');
      expect(await opened.page.textContent('#replay')).toBe(journal.replay);
      expect(await opened.page.locator('[data-gate]').count()).toBe(journal.gates.length);
      expect(await opened.page.locator('.fault-bar').count()).toBe(applied.length);
    } finally {
      await opened.close();
    }
  });

  it('switches the latency chart to a log scale without errors', async () => {
    const opened = await openFile(journal.outputs.report);
    try {
      await opened.page.check('[data-log="latency"]');
      const distr = await opened.page.evaluate('window.aftershockCharts.latency.scales.y.distr');
      expect(distr).toBe(3);
      expect(opened.errors).toEqual([]);
    } finally {
      await opened.close();
    }
  });

  it('keeps phase names apart on a narrow screen, cutting short those their phase has no room for', async () => {
    // 360 px wide: the smallest plot, where one second of baseline is narrower than its name.
    const opened = await openFile(journal.outputs.report, { width: 360, height: 900 });
    try {
      const labels = (await opened.page.evaluate(`Object.entries(window.aftershockCharts).map(([id, u]) => ({
        id,
        spans: [...u.over.querySelectorAll('.marker.phase span')].map((s) => {
          const r = s.getBoundingClientRect();
          return { text: s.textContent, left: r.left, right: r.right, full: s.scrollWidth > s.clientWidth };
        }),
      }))`)) as { id: string; spans: { text: string; left: number; right: number; full: boolean }[] }[];
      expect(opened.errors).toEqual([]);
      expect(labels).toHaveLength(5);
      for (const { id, spans } of labels) {
        expect(spans.map((s) => s.text).sort(), id).toEqual(['baseline', 'fault', 'recovery']);
        const sorted = [...spans].sort((a, b) => a.left - b.left);
        for (let i = 1; i < sorted.length; i++) expect(sorted[i]!.left, `${id}: ${sorted[i - 1]!.text} ends before ${sorted[i]!.text} starts`).toBeGreaterThanOrEqual(sorted[i - 1]!.right);
      }
      // At this width the one-second baseline is too narrow for its name: it is cut, not overlapping.
      expect(labels.some(({ spans }) => spans.some((s) => s.text === 'baseline' && s.full))).toBe(true);
    } finally {
      await opened.close();
    }
  });

  it('regenerates the same report from the run directory with aftershock report', async () => {
    const written = await readFile(journal.outputs.report, 'utf8');
    await rm(journal.outputs.report);
    const out = sink();
    expect(await reportCli([journal.outputs.dir], { out: out.stream, err: out.stream })).toBe(0);
    expect(out.text()).toContain(journal.outputs.report);
    expect(await readFile(journal.outputs.report, 'utf8')).toBe(written);
  });

  it('puts two runs side by side with --compare', async () => {
    const path = join(dir, 'compare.html');
    const out = sink();
    expect(await reportCli(['--compare', journal.outputs.dir, journal.outputs.dir, '--out', path], { out: out.stream, err: out.stream })).toBe(0);
    const opened = await openFile(path);
    try {
      const charts = (await opened.page.evaluate(READ_CHARTS)) as DrawnChart[];
      expect(opened.errors).toEqual([]);
      expect(charts.filter((c) => c.id.startsWith('a-'))).toHaveLength(5);
      expect(charts.filter((c) => c.id.startsWith('b-'))).toHaveLength(5);
      expect(await opened.page.locator('table.comparison tbody tr').count()).toBeGreaterThanOrEqual(journal.gates.length);
    } finally {
      await opened.close();
    }
  });

  it('makes the directory --out names, and names the path it cannot write', async () => {
    const path = join(dir, 'reports', 'today', 'run.html');
    const out = sink();
    expect(await reportCli([journal.outputs.dir, '--out', path], { out: out.stream, err: out.stream })).toBe(0);
    expect(await readFile(path, 'utf8')).toMatch(/^<!doctype html>/i);
    const blocked = join(dir, 'reports', 'today', 'run.html', 'inside.html');
    const err = sink();
    expect(await reportCli([journal.outputs.dir, '--out', blocked], { out: err.stream, err: err.stream })).toBe(2);
    expect(err.text()).toBe(`aftershock report: cannot write ${blocked}: a part of the path is a file, not a directory\n`);
  });

  it('refuses a directory that holds no run, with exit code 2 and one line that says what to do', async () => {
    const out = sink();
    expect(await reportCli([dir], { out: out.stream, err: out.stream })).toBe(2);
    expect(out.text()).toMatch(/has no journal\.json; name a run directory that aftershock run wrote\n$/);
  });
});
