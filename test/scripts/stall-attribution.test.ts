// The attribution behind `bench/open-model-run.ts --stalls` (docs/BENCHMARKS.md, "what the slow
// requests sat through"): each slow request goes to the longest pause of 4 ms or more it overlapped.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, expect, it } from 'vitest';
import { attribute, causeOf, readPauses } from '../../bench/stall-attribution.js';

const dir = mkdtempSync(join(tmpdir(), 'stall-attribution-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

// Epoch ms. A late tick's line is the time it was last on time; it was due 2 ms later.
writeFileSync(join(dir, 'store-11.log'), ['gc 1000 6.0 major', 'gc 1100 2.0 minor', 'stall 1200 8.0 7.5', 'stall 1700 8.0 8.0'].join('\n') + '\n');
writeFileSync(join(dir, 'server-12.log'), ['stall 1198 12.0 11.0', 'gc 1300 5.0 minor', 'stall 1400 6.0 0.1'].join('\n') + '\n');
writeFileSync(join(dir, 'load-13.log'), ['stall 1500 9.0 0.2'].join('\n') + '\n');
writeFileSync(join(dir, 'server-14.log.tmp'), 'gc 1 100 major\n');
writeFileSync(join(dir, 'store-15.log'), 'stall 1498 10.0 0.0\n');
writeFileSync(join(dir, 'server-16.log'), 'stall 1499 9.0 0.3\n');
const pauses = readPauses(dir);

it('reads the three roles, and marks a late tick busy or waiting by the CPU it got', () => {
  expect(pauses).toHaveLength(10);
  expect(pauses.find((p) => p.from === 1202)).toMatchObject({ role: 'store', kind: 'late', detail: 'busy', to: 1210 });
  expect(pauses.find((p) => p.from === 1402)).toMatchObject({ role: 'server', kind: 'late', detail: 'waiting' });
});

it('puts a request down to the pause it overlapped longest, ignoring pauses under 4 ms', () => {
  expect(causeOf(pauses, 995, 1030)).toBe('store GC');
  expect(causeOf(pauses, 1095, 1130)).toBe('nothing recorded');
  // The server's busy stretch (1200–1212) covers more of it than the store's (1202–1210).
  expect(causeOf(pauses, 1195, 1230)).toBe('server busy');
  expect(causeOf(pauses, 1695, 1730)).toBe('store busy');
  expect(causeOf(pauses, 1290, 1330)).toBe('server GC');
  expect(causeOf(pauses, 1395, 1430)).toBe('waiting for a core');
  expect(causeOf(pauses, 1495, 1530)).toBe('every process waiting (the host)');
});

it('counts slow requests and all of them, and sums GC in the window', () => {
  const requests = [
    { at: 995, ms: 35 },
    { at: 1195, ms: 35 },
    { at: 1600, ms: 3 },
  ];
  const { slow, all, gc } = attribute(pauses, requests, 25, { from: 900, to: 1350 });
  expect(slow['store GC']).toBe(1);
  expect(slow['server busy']).toBe(1);
  expect(slow['nothing recorded']).toBe(0);
  expect(all['nothing recorded']).toBe(1);
  expect(gc.store).toEqual({ ms: 8, major: 1, longest: 6 });
  expect(gc.server).toEqual({ ms: 5, major: 0, longest: 5 });
});
