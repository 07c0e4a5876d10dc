// The comparison table of two runs: a gate or recovery a stopped run never judged reads "not judged"
// in grey, not FAIL or "never" in red.
import { expect, it } from 'vitest';
import { comparisonTable } from '../../../scenarios/report/compare-report.js';
import type { Journal } from '../../../scenarios/runner/journal.js';

const gate = { name: 'fault: success_rate', kind: 'phase', measured: 1, tolerance: '>= 0.95', passed: true, detail: '' };
const completed = { gates: [gate], recovery: [{ probe: 'ingest ok', recovery_ms: 1200 }], checkers: [] } as unknown as Journal;
const stopped = {
  gates: [{ ...gate, measured: null, passed: false, judged: false, detail: 'not judged (the run stopped at 1.5s)' }],
  recovery: [{ probe: 'ingest ok', recovery_ms: null, judged: false }],
  checkers: [],
} as unknown as Journal;

/** Each row's cells for runs A and B, as `class: text`. */
const rows = (html: string) => [...html.matchAll(/<tr><td>(gate|recovery)<\/td>.*?<\/tr>/g)].map((m) => [...m[0].matchAll(/<td class="(\w+)">([^<]*)<\/td>/g)].map(([, css, text]) => `${css}: ${text}`));

it('greys what a stopped run never judged', () => {
  expect(rows(comparisonTable(completed, stopped))).toEqual([
    ['ok: pass · 1', 'muted: not judged'],
    ['ok: 1.20s', 'muted: not judged'],
  ]);
});
