// The runs folder as the Runs page lists it while the runner works: a run still writing its history
// is running, one that stopped without a journal says it did not finish.
import { mkdirSync, mkdtempSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, expect, it } from 'vitest';
import { listRuns, RUNNING_WITHIN_MS } from '../../reference-server/src/web/runs-folder.js';

const dir = mkdtempSync(join(tmpdir(), 'aftershock-runs-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

it('lists a run that is still writing its history as running, and one that stopped without a journal as unfinished', async () => {
  const now = Date.now();
  const run = (name: string, writtenAt: number) => {
    mkdirSync(join(dir, name));
    writeFileSync(join(dir, name, 'history.jsonl'), '{"kind":"outcome"}\n');
    utimesSync(join(dir, name, 'history.jsonl'), writtenAt / 1000, writtenAt / 1000);
  };
  run('20261207T041023Z-going', now - 1_000);
  run('20261207T031023Z-killed', now - RUNNING_WITHIN_MS - 60_000);
  mkdirSync(join(dir, '20261207T021023Z-empty'));
  const runs = await listRuns(dir, 200, now);
  expect(runs.map((r) => [r.name, r.status, r.error ?? null])).toEqual([
    ['20261207T041023Z-going', 'running', null],
    ['20261207T031023Z-killed', 'unknown', 'did not finish: stopped before writing journal.json'],
    ['20261207T021023Z-empty', 'unknown', 'journal.json is missing'],
  ]);
});
