// A DLQ entry can name a delivery that is not dead: dead-lettering writes the entry first, and if the
// delivery's `dead` state then fails to land, a later attempt may deliver it (the sweep removes such
// entries; see test/resilience/dead-letter-settle-lost.test.ts). Replaying one must not answer as if
// the delivery were requeued: it is 404, nothing is sent again, and the stale entry is gone.
// The sweep is set far apart here so that it cannot remove the entry first.
import { afterAll, beforeAll, expect, it } from 'vitest';
import { startReceiver, type Receiver } from '../../support/receiver.js';
import { startTestApi, type TestApi } from '../../support/test-api.js';
import { waitFor } from '../../support/wait-for.js';

let api: TestApi;
let receiver: Receiver;
beforeAll(async () => {
  api = await startTestApi({ RATE_LIMIT_ENABLED: 'false', WORKER_POLL_MS: '50', WEBHOOK_SWEEP_MS: '600000' });
  receiver = await startReceiver();
});
afterAll(async () => {
  await api?.close();
  await receiver?.close();
});

it('answers 404 to the replay of a DLQ entry whose delivery was delivered, and removes the entry', async () => {
  const created = await api.createKey();
  const key = created.api_key;
  await api.call('POST', '/v1/webhooks', { key, body: { url: receiver.url, events: ['*'] } });
  expect((await api.call('POST', '/v1/events', { key, body: { source: 'shop', event_type: 'order.created', payload: {} } })).status).toBe(201);
  const deliveryId = await waitFor(() => receiver.received[0]?.headers['webhook-id'] as string | undefined, { message: 'the event delivered' });
  const delivery = await waitFor(async () => {
    const d = await api.workerDeps.stores.deliveries.get(deliveryId);
    return d?.status === 'delivered' ? d : undefined;
  }, { message: 'the delivery recorded as delivered' });

  // The state a lost `dead` write followed by a successful attempt leaves.
  await api.deps.stores.dlq.put({ tenant_id: created.tenant_id, delivery_id: deliveryId, webhook_id: delivery.webhook_id, event_id: delivery.event_id, event_type: delivery.event_type, reason: 'http_5xx', attempts: 3, dead_at: new Date().toISOString() });
  expect(((await api.call('GET', '/v1/webhooks/dlq', { key })).body.entries as unknown[]).length).toBe(1);

  const replay = await api.call('POST', `/v1/webhooks/dlq/${deliveryId}/replay`, { key });
  expect(replay.status).toBe(404);
  expect(replay.body.error.code).toBe('not_found');
  expect((await api.call('GET', '/v1/webhooks/dlq', { key })).body.entries).toEqual([]);
  expect((await api.workerDeps.stores.deliveries.get(deliveryId))?.status).toBe('delivered');
  expect(receiver.received).toHaveLength(1);
});
