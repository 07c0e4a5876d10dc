// Under a steady stream of events, the in-process fan-out loop reads the outbox at its poll and not
// much more: an event handed over from its request that a poll's read pass took first is being fanned
// out already, so its handed pass finding it taken is no reason to read again. (Reading again for
// every such event chained read after read, each taking the next events queued to be handed over:
// dozens of reads a second of up to 300 rows each, at 2,000 events a second.)
import { afterAll, beforeAll, expect, it, vi } from 'vitest';
import { startReceiver, type Receiver } from '../../support/receiver.js';
import { startTestApi, type TestApi } from '../../support/test-api.js';
import { waitFor } from '../../support/wait-for.js';

const POLL_MS = 100;
let api: TestApi;
let receiver: Receiver;
beforeAll(async () => {
  receiver = await startReceiver();
  api = await startTestApi({ WORKER_POLL_MS: String(POLL_MS), ANALYTICS_ENABLED: 'false', RATE_LIMIT_ENABLED: 'false' });
});
afterAll(async () => {
  await api?.close();
  await receiver?.close();
});

it('reads the outbox about once per poll while a steady stream of handed events is fanned out', { timeout: 30_000 }, async () => {
  const key = (await api.createKey()).api_key;
  await api.call('POST', '/v1/webhooks', { key, body: { url: receiver.url, events: ['*'] } });
  const post = async (i: number) => expect((await api.call('POST', '/v1/events', { key, body: { source: 'test', event_type: 'order.created', payload: { i } } })).status).toBe(201);
  await post(-1);
  await waitFor(() => receiver.received.length === 1, { message: 'first delivery received (the fan-out lease is held)' });

  const read = vi.spyOn(api.workerDeps.stores.outbox, 'readPage');
  const started = performance.now();
  // Eight clients posting back to back: 600 events, each handed over as it is stored.
  const events = 600;
  let next = 0;
  await Promise.all(Array.from({ length: 8 }, async () => {
    while (next < events) await post(next++);
  }));
  await waitFor(() => receiver.received.length === events + 1, { timeoutMs: 20_000, message: 'every event delivered' });
  const polls = (performance.now() - started) / POLL_MS;
  // The poll's reads, and a few for events that were not handed over (a hold renewed late).
  expect(read.mock.calls.length).toBeLessThanOrEqual(polls * 1.25 + 3);
  expect(new Set(receiver.received.map((r) => r.headers['webhook-id'])).size).toBe(events + 1);
});
