// Fan-out stores the deliveries it does not attempt at once as queued items, due now, with one
// BatchWriteItem. Here that write lands, its answer is lost, and the SDK's resend would come 1.5 s
// later. A worker takes the stored delivery meanwhile and delivers it. A resend landing then would
// write the queued item back over the delivered one: due again, its history gone, sent a second time
// (or, landing mid-send, beside the lease holder). So the write is not sent again blind: the pass
// fails, and the next pass finds the delivery stored and creates nothing.
import { afterAll, beforeAll, expect, it } from 'vitest';
import type { ChaosEngine } from '../../chaos/src/index.js';
import { fenceMargins } from '../../reference-server/src/workers/delivery-fence.js';
import { fanOutOnce } from '../../reference-server/src/workers/fanout.js';
import { FanoutLease } from '../../reference-server/src/workers/fanout-lease.js';
import { startTestApi, type TestApi } from '../support/test-api.js';
import { waitFor } from '../support/wait-for.js';
import { afterHeld, seededEngine } from './support/chaos-run.js';

const HOLD_MS = 1_500;

let api: TestApi;
let engine: ChaosEngine;
beforeAll(async () => {
  engine = seededEngine('lost answer of queued deliveries');
  // No worker of its own: the test runs fan-out (without a handoff, so every delivery is queued) and
  // plays the worker that delivers.
  api = await startTestApi({ RATE_LIMIT_ENABLED: 'false', WORKER_ENABLED: 'false' }, { chaos: { engine } });
});
afterAll(async () => api?.close());

it('keeps a queued delivery delivered when the write that queued it lost its answer', { timeout: 30_000 }, async () => {
  const { api_key: key } = await api.createKey();
  const hook = await api.call('POST', '/v1/webhooks', { key, body: { url: 'http://127.0.0.1:9/hook', events: ['*'] } });
  expect((await api.call('POST', '/v1/events', { key, body: { source: 'shop', event_type: 'order.created', payload: {} } })).status).toBe(201);
  const deps = api.workerDeps;
  const { deliveries } = deps.stores;
  const fence = new FanoutLease(deliveries.fanoutLease, 'fanout-test', () => Date.now(), fenceMargins(deps.config.WEBHOOK_VISIBILITY_TIMEOUT_MS));
  const match = { table: `${api.config.TABLE_PREFIX}webhook-delivery`, operation: 'BatchWriteItem' };
  engine.upsertRules([
    { id: 'lose-queued-answer', point: 'dynamodb', match, injector: { kind: 'partial_failure', phase: 'after' }, max_count: 1 },
    { id: 'hold-queued-resend', point: 'dynamodb', match, injector: { kind: 'latency', ms: HOLD_MS }, max_count: 1 },
  ]);
  const pass = fanOutOnce(deps, fence).then(
    () => 'finished',
    () => 'failed',
  );
  // The queued item landed: another worker leases it and records it delivered.
  const stored = await waitFor(async () => (await deliveries.listByWebhook(hook.body.webhook_id as string, { limit: 10 })).deliveries[0], { message: 'the queued delivery stored' });
  const lease = await waitFor(() => deliveries.lease(stored.delivery_id, Date.now(), 30_000, 'other-worker'), { message: 'the delivery leased' });
  const at = new Date().toISOString();
  const attempt = { attempt: 1, at, status_code: 200, latency_ms: 1, success: true, error_class: null, error: null, response_body: null };
  expect(await deliveries.settle(lease, { attempt, status: 'delivered', at })).toBe(true);
  await pass;
  expect(engine.log.entries().filter((e) => e.rule === 'lose-queued-answer')).toHaveLength(1);
  await afterHeld(engine, (rule) => rule === 'hold-queued-resend', HOLD_MS);
  // Fan-out again, as the next pass would: the row is done once, and nothing is queued twice.
  await waitFor(async () => (await fanOutOnce(deps, fence)).rows === 0, { message: 'the outbox done' });
  const final = await deliveries.get(stored.delivery_id);
  expect(final?.status).toBe('delivered');
  expect(final?.attempt_count).toBe(1);
  expect(final?.next_attempt_at).toBeUndefined();
});
