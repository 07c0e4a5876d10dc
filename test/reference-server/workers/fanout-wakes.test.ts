// How the in-process fan-out loop answers wake-ups: events handed over from the requests that stored
// them are fanned out without reading the outbox, even when their wake-ups arrive while a pass is
// running; an event that was not handed over (an idempotent write) is read from the outbox at once
// rather than at the next poll. The poll is set to a minute, so only these rules can explain a read.
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { startReceiver, type Receiver } from '../../support/receiver.js';
import { startTestApi, type TestApi } from '../../support/test-api.js';
import { waitFor } from '../../support/wait-for.js';

let api: TestApi;
let receiver: Receiver;
let key: string;
beforeAll(async () => {
  receiver = await startReceiver();
  api = await startTestApi({ WORKER_POLL_MS: '60000', ANALYTICS_ENABLED: 'false' });
  key = (await api.createKey()).api_key;
  await api.call('POST', '/v1/webhooks', { key, body: { url: receiver.url, events: ['*'] } });
  // The first event is read from the outbox (before the fan-out lease was held, nothing is handed over).
  await postEvent(-1);
  await waitFor(() => receiver.received.length === 1, { message: 'first delivery received' });
});
afterAll(async () => {
  await api?.close();
  await receiver?.close();
});

async function postEvent(i: number, headers: Record<string, string> = {}) {
  const res = await api.call('POST', '/v1/events', { key, headers, body: { source: 'test', event_type: 'order.created', payload: { i } } });
  expect(res.status).toBe(201);
}

describe('fan-out wake-ups in-process', () => {
  it('fans out bursts of handed events without reading the outbox, though wake-ups land during passes', async () => {
    const read = vi.spyOn(api.workerDeps.stores.outbox, 'read');
    try {
      const before = receiver.received.length;
      // Ten at once, five times: wake-ups arrive while the pass for the first of a burst is running.
      for (let burst = 0; burst < 5; burst++) {
        await Promise.all(Array.from({ length: 10 }, (_, i) => postEvent(burst * 10 + i)));
        await waitFor(() => receiver.received.length === before + (burst + 1) * 10, { message: `burst ${burst} delivered` });
      }
      expect(read).not.toHaveBeenCalled();
      const ids = receiver.received.slice(before).map((r) => r.headers['webhook-id']);
      expect(new Set(ids).size).toBe(50);
    } finally {
      read.mockRestore();
    }
  });

  it('reads the outbox at once for an event that was not handed over, without waiting for the poll', async () => {
    const read = vi.spyOn(api.workerDeps.stores.outbox, 'read');
    try {
      const before = receiver.received.length;
      await postEvent(100, { 'idempotency-key': 'wake-read-soon-1' });
      await waitFor(() => receiver.received.length === before + 1, { timeoutMs: 10_000, message: 'idempotent event delivered well before the 60 s poll' });
      expect(read).toHaveBeenCalled();
    } finally {
      read.mockRestore();
    }
  });
});
