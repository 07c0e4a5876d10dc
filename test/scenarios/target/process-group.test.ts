// The embedded target's process group supervises its processes: a worker that a relayed `crash`
// rule ends (exit 137) is started again and reported.
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
