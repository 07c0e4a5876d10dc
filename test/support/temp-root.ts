// Vitest global setup: one temporary folder per `npm test`, removed when the run ends. The suites
// make folders for scenario files, run outputs and stores (mkdtemp under tmpdir()), and so do the CLIs
// and servers they spawn; pointing TMPDIR here gives them all one root to remove, instead of a hundred
// folders left in /tmp by every run. A run that is killed leaves only this one folder.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export default async function setup(): Promise<() => Promise<void>> {
  const root = await mkdtemp(join(tmpdir(), 'aftershock-test-'));
  // Forks read process.env when they start (after global setup); child processes inherit it.
  process.env.TMPDIR = root;
  return () => rm(root, { recursive: true, force: true, maxRetries: 3 });
}
