// `process` faults on real processes: steps that stop one process over overlapping windows keep it
// stopped until the last of them ends, and a heal continues only the process its step stopped.
import { spawn, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { afterEach, expect, it } from 'vitest';
import { applyProcessFault } from '../../../scenarios/faults/process-fault.js';
import type { ProcessControl } from '../../../scenarios/target/target.js';
import { waitFor } from '../../support/wait-for.js';

const children: ChildProcess[] = [];
afterEach(() => {
  for (const child of children.splice(0)) child.kill('SIGKILL');
});

/** Two idle worker processes, and control over them as a target gives it (`worker-1`, `worker-2`). */
function startWorkers() {
  const workers = [0, 1].map(() => spawn('sleep', ['30'], { stdio: 'ignore' }));
  children.push(...workers);
  const control: ProcessControl = {
    signal: (_role, index, signal) => (workers[index]!.kill(signal), `worker-${index + 1}`),
    restart: async (_role, index) => `worker-${index + 1}`,
  };
  /** The kernel's state letter: `T` stopped, `S` sleeping. */
  const state = (index: number) => readFileSync(`/proc/${workers[index]!.pid}/stat`, 'utf8').split(') ')[1]!.split(' ')[0];
  const stopped = (index: number) => waitFor(() => state(index) === 'T', { timeoutMs: 2_000, message: `worker-${index + 1} to stop` });
  const running = (index: number) => waitFor(() => state(index) !== 'T', { timeoutMs: 2_000, message: `worker-${index + 1} to run` });
  return { control, state, stopped, running };
}

it('keeps a process stopped until the last of two overlapping stop steps heals, whichever heals first', async () => {
  const { control, state, stopped, running } = startWorkers();
  const errors: unknown[] = [];
  const stop = () => applyProcessFault({ stop: 'worker' }, control, (err) => errors.push(err));
  const outer = stop();
  const inner = stop();
  await stopped(0);
  await inner.heal();
  expect(state(0)).toBe('T');
  await outer.heal();
  await running(0);

  const first = stop();
  const second = stop();
  await stopped(0);
  await first.heal();
  expect(state(0)).toBe('T');
  await second.heal();
  await running(0);
  expect(errors).toEqual([]);
});

it('continues only the process its own step stopped', async () => {
  const { control, state, stopped, running } = startWorkers();
  const first = applyProcessFault({ stop: 'worker', index: 0 }, control, () => undefined);
  const second = applyProcessFault({ stop: 'worker', index: 1 }, control, () => undefined);
  await stopped(0);
  await stopped(1);
  await second.heal();
  await running(1);
  expect(state(0)).toBe('T');
  await first.heal();
  await running(0);
});
