// How the in-process fan-out loop answers wake-ups: events handed over from the requests that stored
// them are fanned out without reading the outbox, even when their wake-ups arrive while a pass is
// running; an event that was not handed over (an idempotent write) is read from the outbox at once
// rather than at the next poll. The poll is set to a minute, so only these rules can explain a read.
// And at a few events a second, the removal of each event's outbox row rides along with a later
// settle write instead of paying a call of its own.
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { tableNames } from '../../../reference-server/src/store/tables.js';
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
afterEach(() => {
  vi.restoreAllMocks();
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
    const read = vi.spyOn(api.workerDeps.stores.outbox, 'readPage');
    const before = receiver.received.length;
    // Ten at once, five times: wake-ups arrive while the pass for the first of a burst is running.
    for (let burst = 0; burst < 5; burst++) {
      await Promise.all(Array.from({ length: 10 }, (_, i) => postEvent(burst * 10 + i)));
      await waitFor(() => receiver.received.length === before + (burst + 1) * 10, { message: `burst ${burst} delivered` });
    }
    expect(read).not.toHaveBeenCalled();
    const ids = receiver.received.slice(before).map((r) => r.headers['webhook-id']);
    expect(new Set(ids).size).toBe(50);
  });

  it('reads the outbox at once for an event that was not handed over, without waiting for the poll', async () => {
    const read = vi.spyOn(api.workerDeps.stores.outbox, 'readPage');
    const before = receiver.received.length;
    await postEvent(100, { 'idempotency-key': 'wake-read-soon-1' });
    await waitFor(() => receiver.received.length === before + 1, { timeoutMs: 10_000, message: 'idempotent event delivered well before the 60 s poll' });
    expect(read).toHaveBeenCalled();
  });

  it('removes outbox rows in the settle writes of later deliveries, not only in calls of their own', async () => {
    const putWith = vi.spyOn(api.workerDeps.stores.deliveries, 'putWith');
    const before = receiver.received.length;
    // One after another, a few ms apart: a pass's removal waits up to 100 ms, so later settle writes
    // find it waiting and take it along.
    for (let i = 0; i < 20; i++) await postEvent(200 + i);
    await waitFor(() => receiver.received.length === before + 20, { message: 'all 20 delivered' });
    await waitFor(async () => (await api.workerDeps.stores.outbox.read('fanout', 100)).length === 0, { message: 'every outbox row removed' });
    const rode = putWith.mock.calls.flatMap(([, alongside]) => Object.values(alongside).flat());
    expect(rode.length).toBeGreaterThan(0);
    expect(rode.every((r) => r.DeleteRequest?.Key?.consumer === 'fanout')).toBe(true);
  });

  it('a settle write with removals along refuses more than one call holds, and writes to its own table only as puts', async () => {
    const { deliveries, outbox } = api.workerDeps.stores;
    const items = Array.from({ length: 20 }, (_, i) => ({ delivery_id: `dlv_limit_${i}` }));
    await expect(deliveries.putWith(items, outbox.deleteRequests('fanout', ids(6)))).rejects.toThrow(RangeError);
    const own = { [tableNames(api.workerDeps.config.TABLE_PREFIX)['webhook-delivery']]: [] };
    await expect(deliveries.putWith(items, own)).rejects.toThrow(RangeError);
  });
});

const ids = (n: number) => Array.from({ length: n }, (_, i) => `evt_none_${i}`);
