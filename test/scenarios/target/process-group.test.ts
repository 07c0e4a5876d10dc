// The embedded target's process group supervises its processes: a worker that a relayed `crash`
// rule ends (exit 137) is started again and reported. A stop holds a slot: a process started in it
// while it is held (by a kill action's restart, or by the supervisor) is stopped too.
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { startEmbeddedStore, type EmbeddedStore } from '../../../reference-server/src/index.js';
import { embeddedEnv } from '../../../scenarios/target/embedded-env.js';
import { startProcessGroup, type ProcessGroup } from '../../../scenarios/target/process-group.js';
import type { ProcessChange } from '../../../scenarios/target/target.js';
import { waitFor } from '../../support/wait-for.js';

let store: EmbeddedStore;
let group: ProcessGroup;
const changes: ProcessChange[] = [];

beforeAll(async () => {
  store = await startEmbeddedStore();
  group = await startProcessGroup({ dynamodbEndpoint: store.endpoint, env: embeddedEnv(7), workers: 1 });
  group.watch!((change) => changes.push(change));
}, 60_000);

afterAll(async () => {
  await group?.close();
  await store?.stop();
});

async function call(key: string, path: string, body: unknown): Promise<{ status: number; json: Record<string, string> }> {
  const res = await fetch(group.baseUrl + path, { method: 'POST', headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' }, body: JSON.stringify(body) });
  return { status: res.status, json: (await res.json()) as Record<string, string> };
}

it('restarts a worker that a relayed crash rule ends, and reports its exit and start', async () => {
  group.relayChaos!({ type: 'chaos', action: 'upsert', rules: [{ id: 'crash-fanout', point: 'worker', match: { loop: 'fanout' }, injector: { kind: 'crash' }, duration: 60_000 }] });
  const key = (await call(group.adminToken, '/v1/api-keys', { name: 'supervision' })).json.api_key!;
  expect((await call(key, '/v1/events', { source: 'test', event_type: 'crash.me', payload: {} })).status).toBe(201);
  await waitFor(() => changes.length >= 2, { timeoutMs: 30_000, message: 'the crashed worker to exit and be started again' });
  expect(changes).toEqual([
    { process: 'worker-1', action: 'exit', how: 'code 137' },
    { process: 'worker-1', action: 'start' },
  ]);
}, 60_000);

/** The process's state letter from /proc (T when stopped), or 'gone'. */
function state(pid: number): string {
  try {
    return readFileSync(`/proc/${pid}/stat`, 'utf8').replace(/^.*\) /s, '')[0]!;
  } catch {
    return 'gone';
  }
}

it('stops a worker restarted while a stop holds its slot, and continues it when the hold ends', async () => {
  group.signal('worker', 0, 'SIGSTOP');
  const first = group.pid('worker', 0);
  await waitFor(() => state(first) === 'T', { timeoutMs: 5_000, message: 'the worker to stop' });
  await group.restart('worker', 0);
  const second = group.pid('worker', 0);
  expect(second).not.toBe(first);
  // The signal went before restart() resolved; the kernel stops the process once it is scheduled.
  await waitFor(() => state(second) === 'T', { timeoutMs: 5_000, message: `the restarted worker to be stopped (state ${state(second)})` });
  group.signal('worker', 0, 'SIGCONT');
  await waitFor(() => state(second) !== 'T', { timeoutMs: 5_000, message: 'the restarted worker to continue' });
  expect(state(second)).not.toBe('gone');
}, 60_000);

it('stops a worker the supervisor starts again while a stop holds its slot', async () => {
  changes.length = 0;
  group.signal('worker', 0, 'SIGSTOP');
  const stoppedPid = group.pid('worker', 0);
  // Killed from outside (as the kernel's OOM killer would): the supervisor starts it again.
  process.kill(stoppedPid, 'SIGKILL');
  await waitFor(() => changes.some((c) => c.action === 'start'), { timeoutMs: 30_000, message: 'the supervisor to start the worker again' });
  const restarted = group.pid('worker', 0);
  expect(restarted).not.toBe(stoppedPid);
  await waitFor(() => state(restarted) === 'T', { timeoutMs: 5_000, message: `the restarted worker to be stopped (state ${state(restarted)})` });
  group.signal('worker', 0, 'SIGCONT');
  await waitFor(() => state(restarted) !== 'T', { timeoutMs: 5_000, message: 'the worker to continue' });
}, 60_000);
