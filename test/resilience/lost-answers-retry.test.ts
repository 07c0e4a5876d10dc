// A retry's record lands, its answer is lost, and the SDK's resend is held up past the retry time.
// The delivery is due again meanwhile, so another worker (the test, through the store) leases it and
// records the second attempt as delivered. The late resend must not bring the first attempt's state
// back: that would make a delivered delivery due again (a third send) and lose its history, and a
// resend landing while the other worker sends would drop its lease (two sends at once). Both the
// first attempt's record (fan-out's fresh lease) and a later attempt's (a leased delivery, settled
// through a write batch as the worker's runtime does) are covered.
import { afterAll, beforeAll, expect, it } from 'vitest';
import type { ChaosEngine } from '../../chaos/src/index.js';
import type { AttemptRecord } from '../../reference-server/src/domain/delivery.js';
import { DeliveryWriteCoalescer } from '../../reference-server/src/store/delivery-write-coalescer.js';
import { settle } from '../../reference-server/src/workers/attempt-delivery.js';
import { startReceiver, type Receiver } from '../support/receiver.js';
import { startTestApi, type TestApi } from '../support/test-api.js';
import { waitFor } from '../support/wait-for.js';
import { afterHeld, seededEngine } from './support/chaos-run.js';

const HOLD_MS = 1_500;

let api: TestApi;
let engine: ChaosEngine;
let receiver: Receiver;
beforeAll(async () => {
  engine = seededEngine('lost answer of a retry record');
  // The in-process worker polls for due deliveries once a minute: the retry is the test's to take.
  api = await startTestApi({ RATE_LIMIT_ENABLED: 'false', WORKER_POLL_MS: '60000', WEBHOOK_RETRY_SCHEDULE: '200,200', WEBHOOK_RETRY_JITTER: '0' }, { chaos: { engine } });
  receiver = await startReceiver();
});
afterAll(async () => {
  await api?.close();
  await receiver?.close();
});

it('keeps a delivery delivered by another worker when the resend of its retry record lands late', { timeout: 30_000 }, async () => {
  const match = { table: `${api.config.TABLE_PREFIX}webhook-delivery`, operation: 'BatchWriteItem' };
  receiver.respond(() => {
    // Whatever batch records the retry lands with its answer lost, and the SDK's resend of it is held
    // past the retry time (the first matching rule applies, each once).
    engine.upsertRules([
      { id: 'lose-retry-answer', point: 'dynamodb', match, injector: { kind: 'partial_failure', phase: 'after' }, max_count: 1 },
      { id: 'hold-retry-resend', point: 'dynamodb', match, injector: { kind: 'latency', ms: HOLD_MS }, max_count: 1 },
    ]);
    return { status: 500 };
  });
  const { api_key: key } = await api.createKey();
  expect((await api.call('POST', '/v1/webhooks', { key, body: { url: receiver.url, events: ['*'] } })).status).toBe(201);
  expect((await api.call('POST', '/v1/events', { key, body: { source: 'shop', event_type: 'order.created', payload: {} } })).status).toBe(201);
  const deliveryId = await waitFor(() => receiver.received[0]?.headers['webhook-id'] as string | undefined, { timeoutMs: 10_000, message: 'the first attempt' });
  const { deliveries } = api.workerDeps.stores;
  // Another worker takes the retry as soon as it is due, and delivers it.
  const lease = await waitFor(async () => {
    const d = await deliveries.get(deliveryId);
    return d?.attempt_count === 1 ? deliveries.lease(deliveryId, Date.now(), 30_000, 'other-worker') : undefined;
  }, { message: 'the retry due and leased by another worker' });
  expect(await deliveries.settle(lease, { attempt: attemptOf(2, 200), status: 'delivered', at: new Date().toISOString() })).toBe(true);
  await expectStillDelivered(deliveryId, [500, 200]);
  expect(receiver.received).toHaveLength(1);
});

it('keeps a delivery delivered by another worker when the resend of a later retry record lands late', { timeout: 30_000 }, async () => {
  receiver.respond(() => ({ status: 500 }));
  const { api_key: key } = await api.createKey();
  expect((await api.call('POST', '/v1/webhooks', { key, body: { url: receiver.url, events: ['*'] } })).status).toBe(201);
  const before = receiver.received.length;
  expect((await api.call('POST', '/v1/events', { key, body: { source: 'shop', event_type: 'order.created', payload: {} } })).status).toBe(201);
  const deliveryId = await waitFor(() => receiver.received[before]?.headers['webhook-id'] as string | undefined, { timeoutMs: 10_000, message: 'the first attempt' });
  const { deliveries } = api.workerDeps.stores;
  const dueWith = (attempts: number, token: string) =>
    waitFor(async () => ((await deliveries.get(deliveryId))?.attempt_count === attempts ? deliveries.lease(deliveryId, Date.now(), 30_000, token) : undefined), {
      message: `the delivery due after ${attempts} attempts and leased by ${token}`,
    });
  // One worker records a failed second attempt through its write batch; that write lands with its
  // answer lost, and the resend is held past the retry time.
  const first = await dueWith(1, 'worker-a');
  const batch = new DeliveryWriteCoalescer({ write: (items, signal) => deliveries.putAll(items, signal), now: () => api.workerDeps.clock.now() });
  const match = { table: `${api.config.TABLE_PREFIX}webhook-delivery`, operation: 'BatchWriteItem' };
  engine.upsertRules([
    { id: 'lose-later-retry-answer', point: 'dynamodb', match, injector: { kind: 'partial_failure', phase: 'after' }, max_count: 1 },
    { id: 'hold-later-retry-resend', point: 'dynamodb', match, injector: { kind: 'latency', ms: HOLD_MS }, max_count: 1 },
  ]);
  const now = api.workerDeps.clock.now();
  const recorded = settle(api.workerDeps, first, { attempt: attemptOf(2, 500), retryAt: now + 200, error: 'HTTP 500', at: new Date(now).toISOString() }, batch);
  // Another worker takes the retry when it is due, and delivers it.
  const second = await dueWith(2, 'worker-b');
  expect(await deliveries.settle(second, { attempt: attemptOf(3, 200), status: 'delivered', at: new Date().toISOString() })).toBe(true);
  await recorded;
  await expectStillDelivered(deliveryId, [500, 500, 200]);
});

const attemptOf = (attempt: number, status: number): AttemptRecord => ({
  attempt,
  at: new Date().toISOString(),
  status_code: status,
  latency_ms: 1,
  success: status < 300,
  error_class: status < 300 ? null : 'http_5xx',
  error: null,
  response_body: null,
});

/** Once any held resend is over (and had time to land), the delivery is still delivered. */
async function expectStillDelivered(deliveryId: string, statuses: number[]) {
  await afterHeld(engine, (rule) => rule.startsWith('hold-'), HOLD_MS);
  const final = await api.workerDeps.stores.deliveries.get(deliveryId);
  expect(final?.status).toBe('delivered');
  expect(final?.attempts?.map((a) => a.status_code)).toEqual(statuses);
  expect(final?.next_attempt_at).toBeUndefined();
}
