// A burst of fresh deliveries to one endpoint after an idle spell: only the endpoint's cap can start at
// once, and the rest wait in the process for its slots (the endpoint is answering, just busy) instead
// of going back to fan-out to be stored due and found again through the due index.
import { afterAll, beforeAll, expect, it } from 'vitest';
import { DeliveryWriteCoalescer } from '../../../reference-server/src/store/delivery-write-coalescer.js';
import { startDeliveryLoop, type DeliveryLoop } from '../../../reference-server/src/workers/delivery-loop.js';
import { pendingDelivery } from '../../support/pending-delivery.js';
import { startReceiver, type Receiver } from '../../support/receiver.js';
import { startTestApi, type TestApi } from '../../support/test-api.js';

const CAP = 2;
const BURST = 12;
let api: TestApi;
let receiver: Receiver;
let loop: DeliveryLoop | undefined;

beforeAll(async () => {
  receiver = await startReceiver();
  // Each answer takes 30 ms, so the endpoint's slots are all taken well before the first comes back.
  receiver.respond(() => ({ status: 200, delayMs: 30 }));
  api = await startTestApi({ WORKER_ENABLED: 'false', WORKER_CONCURRENCY: '16', WEBHOOK_ENDPOINT_CONCURRENCY: String(CAP), WEBHOOK_TIMEOUT_MS: '10000', WEBHOOK_VISIBILITY_TIMEOUT_MS: '30000' });
});
afterAll(async () => {
  await loop?.stop();
  await api?.close();
  await receiver?.close();
});

it(`attempts all ${BURST} fresh deliveries of a burst in the process, ${CAP} at a time`, { timeout: 20_000 }, async () => {
  const key = await api.createKey();
  await api.call('POST', '/v1/webhooks', { key: key.api_key, body: { url: receiver.url, events: ['*'] } });
  const [webhook] = await api.workerDeps.stores.webhooks.activeFor(key.tenant_id);
  const deps = api.workerDeps;
  const batch = new DeliveryWriteCoalescer({ write: (items, signal) => deps.stores.deliveries.putAll(items, signal), now: () => deps.clock.now() });
  loop = startDeliveryLoop(deps, batch, (_err, _loop, signal) => signal.wait(50));
  const at = new Date(deps.clock.now()).toISOString();
  const recorded = await Promise.all(
    Array.from({ length: BURST }, (_, i) => {
      const delivery = pendingDelivery({ tenantId: key.tenant_id, webhookId: webhook!.webhook_id, eventId: `evt_burst_${i}`, at });
      return loop!.handoff.attempt({ delivery, token: '', leaseUntil: deps.clock.now() + 60_000, fresh: true }, webhook!, new AbortController().signal);
    }),
  );
  // Handed back unattempted (false), a delivery would be stored due by fan-out and sent the slow way.
  expect(recorded).toEqual(Array.from({ length: BURST }, () => true));
  expect(receiver.received).toHaveLength(BURST);
  // The cap held: CAP at a time, 30 ms each, so the last request came at least BURST / CAP - 1 answers after the first.
  const arrivals = receiver.received.map((r) => r.at);
  expect(Math.max(...arrivals) - Math.min(...arrivals)).toBeGreaterThanOrEqual((BURST / CAP - 1) * 30 - 5);
  for (const { delivery_id } of receiver.json<{ delivery_id: string }>()) expect((await deps.stores.deliveries.get(delivery_id))?.status).toBe('delivered');
});
