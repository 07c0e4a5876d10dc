// The steady-state table: each probe's value before, during and after the method, written in its
// tolerance's unit as the gates table writes the same numbers (a latency in ms beside `<= 5s`, not raw).
import { expect, it } from 'vitest';
import type { Journal, ProbeReading } from '../../../scenarios/runner/journal.js';
import { steadyStateSection } from '../../../scenarios/report/verdict-section.js';

const reading = (name: string, value: number | null, tolerance: string, holds: boolean, held_share?: number): ProbeReading => ({ name, value, tolerance, holds, ...(held_share === undefined ? {} : { held_share }) });

const journal = {
  steady_states: {
    before: [reading('delivery lag', 181.254, '<= 1ms', false), reading('ingest ok', 1, '>= 0.95', true), reading('slow lag', 2291.193, '<= 5s', true)],
    during: [reading('delivery lag', 2291.193, '<= 1ms', false, 0.125), reading('ingest ok', 0.938775, '>= 0.95', false, 0.5), reading('slow lag', null, '<= 5s', false, 0)],
    after: [reading('delivery lag', 65_432.1, '<= 1ms', false), reading('ingest ok', 0.95, '>= 0.95', true), reading('slow lag', 1_500, '<= 5s', true)],
  },
} as unknown as Journal;

/** The table's cells, row by row, as text. */
const cells = (html: string) =>
  [...html.matchAll(/<tr><td>([^<]*)<\/td>(.*?)<\/tr>/g)].map(([, name, rest]) => [name, ...[...rest!.matchAll(/<td[^>]*>(.*?)<\/td>/g)].map((m) => m[1]!.replace(/<[^>]+>/g, ''))]);

it('writes durations as durations and shares as the gates table does', () => {
  expect(cells(steadyStateSection(journal))).toEqual([
    ['delivery lag', '&lt;= 1ms', '181ms', '2.29s · held 12.5%', '1m 05s'],
    ['ingest ok', '&gt;= 0.95', '1', '0.9388 · held 50.0%', '0.95'],
    ['slow lag', '&lt;= 5s', '2.29s', 'no data · held 0.0%', '1.50s'],
  ]);
});

it('greys a reading a stopped run never took instead of calling it a failure', () => {
  const stopped = {
    steady_states: {
      before: [reading('ingest ok', 1, '>= 0.95', true)],
      during: [reading('ingest ok', 1, '>= 0.95', true, 1)],
      after: [{ ...reading('ingest ok', null, '>= 0.95', false), judged: false as const }],
    },
  } as unknown as Journal;
  const html = steadyStateSection(stopped);
  expect(cells(html)).toEqual([['ingest ok', '&gt;= 0.95', '1', '1 · held 100.0%', 'not judged (the run stopped first)']]);
  expect(html).not.toContain('class="bad"');
});
