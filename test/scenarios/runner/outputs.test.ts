// A run's default directory is its own: two runs of one scenario started in the same second (two
// terminals, parallel test files) get two directories, never one history written by both.
import { mkdtemp, readdir } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect, it } from 'vitest';
import { claimRunDir, runDirName } from '../../../scenarios/runner/outputs.js';

it('gives runs that claim one directory at once a directory each', async () => {
  const base = join(await mkdtemp(join(tmpdir(), 'aftershock-outputs-')), 'runs');
  const name = runDirName('Receiver outage, then recovery', new Date('2026-12-06T22:37:41.731Z'));
  expect(name).toBe('20261206T223741Z-receiver-outage-then-recovery');
  const claimed = await Promise.all(Array.from({ length: 5 }, () => claimRunDir(join(base, name))));
  expect(new Set(claimed).size).toBe(5);
  expect((await readdir(base)).sort()).toEqual([name, `${name}-2`, `${name}-3`, `${name}-4`, `${name}-5`]);
});
