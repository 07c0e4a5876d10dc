// How the runner installs a chaos rule: a `crash` starts a moment after it is installed (so the
// control API answers first), and `worker` rules are relayed to worker processes and removed there.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, expect, it, onTestFinished, vi } from 'vitest';
import type { ChaosRelayMessage } from '../../../reference-server/src/index.js';
import { applyChaosFault, CRASH_DELAY_MS } from '../../../scenarios/faults/chaos-fault.js';
import { waitFor } from '../../support/wait-for.js';

let server: Server | undefined;
afterEach(async () => {
  await new Promise((resolve) => server?.close(resolve));
});

/** A `/_chaos` API that keeps every rule it is sent and forgets it on DELETE. */
async function controlApi(): Promise<{ url: string; put: Record<string, unknown>[] }> {
  const put: Record<string, unknown>[] = [];
  server = createServer((req, res) => {
    let body = '';
    req.on('data', (c: Buffer) => (body += c.toString()));
    req.on('end', () => {
      if (req.method === 'PUT') put.push(...(JSON.parse(body) as { rules: Record<string, unknown>[] }).rules);
      res.writeHead(req.method === 'GET' ? 200 : 204, { 'content-type': 'application/json' }).end(req.method === 'GET' ? '{"rules":[],"entries":[]}' : undefined);
    });
  });
  await new Promise<void>((resolve) => server!.listen(0, '127.0.0.1', resolve));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, put };
}

it('starts a crash rule after a short delay and ends it with the step, and relays worker rules', async () => {
  const api = await controlApi();
  const relayed: ChaosRelayMessage[] = [];
  const ctx = { baseUrl: api.url, adminToken: 'token', onError: () => undefined, relay: (m: ChaosRelayMessage) => void relayed.push(m) };
  const crash = await applyChaosFault({ point: 'worker', injector: { kind: 'crash', exit_code: 137 } }, 'r-1', 1500, ctx);
  expect(api.put[0]).toMatchObject({ id: 'r-1', start_after: CRASH_DELAY_MS, duration: 1500 - CRASH_DELAY_MS });
  await crash.heal();
  expect(relayed).toEqual([
    { type: 'chaos', action: 'upsert', rules: [api.put[0]] },
    { type: 'chaos', action: 'remove', id: 'r-1' },
  ]);

  await applyChaosFault({ point: 'http_in', injector: { kind: 'latency', ms: 5 } }, 'r-2', 1000, ctx);
  expect(api.put[1]).toMatchObject({ id: 'r-2', start_after: 0, duration: 1000 });
  expect(relayed).toHaveLength(2);
});

it('heals a rule on a server that was killed and started again: asks until it answers, and its 404 is healed', async () => {
  const api = await controlApi();
  const port = new URL(api.url).port;
  const errors: unknown[] = [];
  const fault = await applyChaosFault({ point: 'dynamodb', injector: { kind: 'latency', ms: 5 } }, 'r-3', 1000, { baseUrl: api.url, adminToken: 'token', onError: (e) => errors.push(e) });
  // The server goes away; once the heal has asked it in vain, a new one (without the rule) takes its port.
  await new Promise((resolve) => server!.close(resolve));
  const asked = vi.spyOn(globalThis, 'fetch');
  onTestFinished(() => asked.mockRestore());
  const healing = fault.heal();
  await waitFor(() => asked.mock.calls.some(([, init]) => init?.method === 'DELETE'), { message: 'a DELETE sent to the stopped server' });
  const deletes: string[] = [];
  server = createServer((req, res) => {
    if (req.method === 'DELETE') deletes.push(req.url ?? '');
    res.writeHead(req.method === 'GET' ? 200 : 404, { 'content-type': 'application/json' }).end(req.method === 'GET' ? '{"rules":[],"entries":[]}' : '{"error":"not_found"}');
  });
  await new Promise<void>((resolve) => server!.listen(Number(port), '127.0.0.1', resolve));
  await healing;
  expect(deletes).toEqual(['/_chaos/rules/r-3']);
  expect(errors).toEqual([]);
});
