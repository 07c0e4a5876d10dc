// Lost answers while a delivery is dead-lettered: the write lands, its answer is lost, and the SDK sends
// it again. The delivery's `dead` state (conditional on the lease) must still count as recorded, so the
// webhook's failure streak moves on; and the streak's own count must not be added twice.
// (The second test calls the worker's store directly, through the same faulted client, so that the
// end of the call — after the SDK's resend — is known.)
import { GetCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, expect, it } from 'vitest';
import type { ChaosEngine } from '../../chaos/src/index.js';
import { startReceiver, type Receiver } from '../support/receiver.js';
import { startTestApi, type TestApi } from '../support/test-api.js';
import { waitFor } from '../support/wait-for.js';
import { seededEngine } from './support/chaos-run.js';

let api: TestApi;
let engine: ChaosEngine;
const receivers: Receiver[] = [];
beforeAll(async () => {
  engine = seededEngine('lost answers while dead-lettering');
  api = await startTestApi(
    { RATE_LIMIT_ENABLED: 'false', WORKER_POLL_MS: '50', WEBHOOK_RETRY_SCHEDULE: '50,50', WEBHOOK_RETRY_JITTER: '0', WEBHOOK_DISABLE_AFTER: '2' },
    { chaos: { engine } },
  );
});
afterAll(async () => {
  await api?.close();
  await Promise.all(receivers.map((r) => r.close()));
});

/**
 * One delivery to a receiver that always fails; at its last (third) attempt, the answer of the next
 * `operation` on `table` is lost. Returns the delivery and its webhook once the delivery is dead.
 */
async function dieLosingAnswer(id: string, table: string, operation: string) {
  const receiver = await startReceiver();
  receivers.push(receiver);
  receiver.respond((req) => {
    if (req.n === 3) {
      engine.upsertRules([
        // On the delivery table, only this delivery's item: not the fan-out lease renewed beside it.
        { id, point: 'dynamodb', match: { table: `${api.config.TABLE_PREFIX}${table}`, operation, ...(table === 'webhook-delivery' ? { key: req.headers['webhook-id'] as string } : {}) }, injector: { kind: 'partial_failure', phase: 'after' }, max_count: 1 },
      ]);
    }
    return { status: 500 };
  });
  const { api_key: key } = await api.createKey();
  const hook = await api.call('POST', '/v1/webhooks', { key, body: { url: receiver.url, events: ['*'] } });
  expect((await api.call('POST', '/v1/events', { key, body: { source: 'shop', event_type: 'order.created', payload: {} } })).status).toBe(201);
  const deliveryId = await waitFor(() => receiver.received[2]?.headers['webhook-id'] as string | undefined, { timeoutMs: 10_000, message: 'three attempts' });
  await waitFor(async () => (await api.workerDeps.stores.deliveries.get(deliveryId))?.status === 'dead', { message: 'the delivery dead' });
  expect(engine.log.entries().filter((e) => e.rule === id)).toHaveLength(1);
  return { key, webhookId: hook.body.webhook_id as string };
}

const webhookItem = async (webhookId: string) =>
  (await api.dynamo.doc.send(new GetCommand({ TableName: `${api.config.TABLE_PREFIX}webhooks`, Key: { webhook_id: webhookId }, ConsistentRead: true }))).Item;

it('counts a dead-lettering whose dead state landed with its answer lost toward the failure streak', async () => {
  const { key, webhookId } = await dieLosingAnswer('lose-dead-state-answer', 'webhook-delivery', 'UpdateItem');
  await waitFor(async () => (await webhookItem(webhookId))?.consecutive_failures === 1, { message: 'the exhausted delivery counted' });
  const dlq = await api.call('GET', '/v1/webhooks/dlq', { key });
  expect((dlq.body.entries as unknown[]).length).toBe(1);
});

it('disables the webhook of a first attempt answered 410 whose dead record landed with its answer lost, sending it once', async () => {
  const receiver = await startReceiver();
  receivers.push(receiver);
  // The first attempt runs on the lease fan-out hands over: its dead record is a create (PutItem).
  receiver.respond((req) => {
    if (req.n === 1) {
      engine.upsertRules([
        { id: 'lose-fresh-dead-answer', point: 'dynamodb', match: { table: `${api.config.TABLE_PREFIX}webhook-delivery`, operation: 'PutItem' }, injector: { kind: 'partial_failure', phase: 'after' }, max_count: 1 },
      ]);
    }
    return { status: 410 };
  });
  const { api_key: key } = await api.createKey();
  const hook = await api.call('POST', '/v1/webhooks', { key, body: { url: receiver.url, events: ['*'] } });
  const webhookId = hook.body.webhook_id as string;
  expect((await api.call('POST', '/v1/events', { key, body: { source: 'shop', event_type: 'order.created', payload: {} } })).status).toBe(201);
  await waitFor(async () => (await webhookItem(webhookId))?.is_active === false, { timeoutMs: 10_000, message: 'the webhook disabled by its 410' });
  expect(engine.log.entries().filter((e) => e.rule === 'lose-fresh-dead-answer')).toHaveLength(1);
  expect(receiver.received).toHaveLength(1);
  expect(((await api.call('GET', '/v1/webhooks/dlq', { key })).body.entries as unknown[]).length).toBe(1);
});

it('counts an exhausted delivery once when the count landed with its answer lost', async () => {
  const receiver = await startReceiver();
  receivers.push(receiver);
  const { api_key: key } = await api.createKey();
  const hook = await api.call('POST', '/v1/webhooks', { key, body: { url: receiver.url, events: ['*'] } });
  const webhookId = hook.body.webhook_id as string;
  engine.upsertRules([
    { id: 'lose-streak-answer', point: 'dynamodb', match: { table: `${api.config.TABLE_PREFIX}webhooks`, operation: 'UpdateItem', key: webhookId }, injector: { kind: 'partial_failure', phase: 'after' }, max_count: 1 },
  ]);
  // The worker's call, made here so that its end (after the SDK's resend) is known.
  const at = new Date().toISOString();
  expect(await api.workerDeps.stores.webhooks.recordExhausted(webhookId, 2, at, `dlv_lost_streak@${at}`)).toEqual({ disabled: false });
  expect(engine.log.entries().filter((e) => e.rule === 'lose-streak-answer')).toHaveLength(1);
  expect((await api.call('GET', `/v1/webhooks/${webhookId}`, { key })).body).toMatchObject({ consecutive_failures: 1, is_active: true });
  // The next exhaustion is a new one, and reaches the threshold.
  const later = new Date(Date.parse(at) + 1).toISOString();
  expect(await api.workerDeps.stores.webhooks.recordExhausted(webhookId, 2, later, `dlv_lost_streak@${later}`)).toEqual({ disabled: true });
  expect((await api.call('GET', `/v1/webhooks/${webhookId}`, { key })).body).toMatchObject({ consecutive_failures: 2, is_active: false });
});

it('replays a dead delivery whose requeue landed with its answer lost: answered 202, its entry gone, delivered once', async () => {
  const receiver = await startReceiver();
  receivers.push(receiver);
  let replayed = false;
  receiver.respond(() => ({ status: replayed ? 200 : 500 }));
  const { api_key: key } = await api.createKey();
  expect((await api.call('POST', '/v1/webhooks', { key, body: { url: receiver.url, events: ['*'] } })).status).toBe(201);
  expect((await api.call('POST', '/v1/events', { key, body: { source: 'shop', event_type: 'order.created', payload: {} } })).status).toBe(201);
  const deliveryId = await waitFor(() => receiver.received[2]?.headers['webhook-id'] as string | undefined, { timeoutMs: 10_000, message: 'three attempts' });
  const listed = async () => ((await api.call('GET', '/v1/webhooks/dlq', { key })).body.entries as { delivery_id: string }[]).map((e) => e.delivery_id);
  await waitFor(async () => (await listed()).includes(deliveryId) && (await api.workerDeps.stores.deliveries.get(deliveryId))?.status === 'dead', { message: 'the delivery dead and listed' });
  // The requeue lands and its answer is lost: the SDK's resend finds the delivery no longer dead.
  engine.upsertRules([
    { id: 'lose-requeue-answer', point: 'dynamodb', match: { table: `${api.config.TABLE_PREFIX}webhook-delivery`, operation: 'UpdateItem', key: deliveryId }, injector: { kind: 'partial_failure', phase: 'after' }, max_count: 1 },
  ]);
  replayed = true;
  const replay = await api.call('POST', `/v1/webhooks/dlq/${deliveryId}/replay`, { key });
  expect(replay.status).toBe(202);
  expect(engine.log.entries().filter((e) => e.rule === 'lose-requeue-answer')).toHaveLength(1);
  expect(await listed()).not.toContain(deliveryId);
  await waitFor(async () => (await api.workerDeps.stores.deliveries.get(deliveryId))?.status === 'delivered', { message: 'the replayed delivery delivered' });
  expect(receiver.received).toHaveLength(4);
});
