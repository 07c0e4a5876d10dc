// The report's timeline of faults and processes (a static SVG): one lane per fault window and per
// process, on one time axis whose labels stay inside the picture.
import { expect, it } from 'vitest';
import type { ProcessRecord } from '../../../scenarios/history/history.js';
import { timelineSvg } from '../../../scenarios/report/timeline-svg.js';

const journal = {
  status: 'failed' as const,
  rollbacks: [],
  phases: { baseline: { start: 0, end: 2_000 }, fault: { start: 2_000, end: 5_000 }, recovery: { start: 5_000, end: 17_000 } },
  activities: [
    { name: 'worker 2 frozen', type: 'fault' as const, kind: 'process:worker', planned: { start: 2_000, end: 4_000 }, started: 2_000, healed: 4_000, status: 'healed' as const },
    { name: 'kill -9 server', type: 'action' as const, kind: 'kill:server', planned: { start: 3_000 }, status: 'skipped' as const },
  ],
};
const history: ProcessRecord[] = [
  { kind: 'process', process: 'server-1', action: 'kill', signal: 'SIGKILL', time: 3_000 },
  { kind: 'process', process: 'server-1', action: 'start', time: 3_500 },
];

const svg = timelineSvg(journal, history);
const viewWidth = Number(/viewBox="0 0 (\d+) /.exec(svg)![1]);
const axis = [...svg.matchAll(/<text x="([\d.]+)" y="[\d.]+" font-size="10" text-anchor="(\w+)"[^>]*>([\d.]+)s<\/text>/g)].map((m) => ({ x: Number(m[1]), anchor: m[2], label: m[3] }));

it('draws a bar for a window that was applied, the status of one that was not, and a mark per process event', () => {
  expect(svg).toContain('data-start="2000" data-end="4000"');
  expect(svg).toContain('>skipped</text>');
  expect(svg).toContain('process server-1');
  expect(svg.match(/class="process-mark"/g)).toHaveLength(2);
});

it('labels the axis from 0 to the end of the run, the last label ending at the right edge instead of running past it', () => {
  expect(axis.map((a) => a.label)).toEqual(['0.0', '1.7', '3.4', '5.1', '6.8', '8.5', '10.2', '11.9', '13.6', '15.3', '17.0']);
  const last = axis.at(-1)!;
  expect(last.anchor).toBe('end');
  expect(last.x).toBeLessThanOrEqual(viewWidth);
  expect(axis.slice(0, -1).every((a) => a.anchor === 'middle' && a.x < last.x)).toBe(true);
});

it('draws a run stopped early only as far as it was observed: the phases cut there, a bar still applied ending there', () => {
  const stopped = {
    ...journal,
    status: 'interrupted' as const,
    activities: [{ name: 'receiver 503', type: 'fault' as const, kind: 'receiver', planned: { start: 2_000, end: 4_000 }, started: 2_000, status: 'applied' as const }],
  };
  const ops = [
    { kind: 'op' as const, process: 0, type: 'invoke' as const, f: 'create_event', value: {}, time: 2_900, intended: 2_900 },
    { kind: 'op' as const, process: 0, type: 'ok' as const, f: 'create_event', value: {}, time: 3_000 },
  ];
  const cut = timelineSvg(stopped, ops);
  const labels = [...cut.matchAll(/font-size="10" text-anchor="\w+"[^>]*>([\d.]+)s<\/text>/g)].map((m) => m[1]);
  expect(labels.at(-1)).toBe('3.0');
  expect(cut).toContain('>stopped early<');
  // baseline and fault are drawn, fault up to the stop (the right edge); recovery, never reached, is not.
  expect(cut).toContain('>fault</text>');
  expect(cut).not.toContain('>recovery</text>');
  expect(cut).toContain('data-start="2000" data-end="3000"');
  expect(svg).not.toContain('stopped early');
});
