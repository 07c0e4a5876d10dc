// A replay that arrives while its delivery is being dead-lettered again: the new DLQ entry is written,
// the delivery's `dead` state not yet (here: held up 1.5 s). The delivery is not dead, so nothing is
// requeued; the entry just read is the new one, and removing it would leave the delivery dead without
// an entry once its state lands. (A client retrying a replay whose first answer was lost meets this;
// the dead-letter fault suite found a dead delivery missing from the DLQ this way.)
import { afterAll, beforeAll, expect, it } from 'vitest';
import type { ChaosEngine } from '../../chaos/src/index.js';
import { startReceiver, type Receiver } from '../support/receiver.js';
import { startTestApi, type TestApi } from '../support/test-api.js';
import { waitFor } from '../support/wait-for.js';
import { seededEngine } from './support/chaos-run.js';

let api: TestApi;
let receiver: Receiver;
let engine: ChaosEngine;
beforeAll(async () => {
  engine = seededEngine('dlq replay while dying');
  api = await startTestApi(
    { RATE_LIMIT_ENABLED: 'false', WORKER_POLL_MS: '50', WEBHOOK_RETRY_SCHEDULE: '50,50', WEBHOOK_RETRY_JITTER: '0', WEBHOOK_DISABLE_AFTER: '1000' },
    { chaos: { engine } },
  );
  receiver = await startReceiver();
});
afterAll(async () => {
  await api?.close();
  await receiver?.close();
});

it('keeps the new DLQ entry of a delivery whose replay arrived between its entry and its dead state', { timeout: 30_000 }, async () => {
  const prefix = api.config.TABLE_PREFIX;
  const key = (await api.createKey()).api_key;
  await api.call('POST', '/v1/webhooks', { key, body: { url: receiver.url, events: ['*'] } });
  // The first round dies; the replay's round dies too, its dead state held up after its entry landed.
  receiver.respond((req) => {
    if (req.n === 6) {
      engine.upsertRules([
        { id: 'slow-dead-state', point: 'dynamodb', match: { table: `${prefix}webhook-delivery`, operation: 'UpdateItem', key: 'dlv_*' }, injector: { kind: 'latency', ms: 1_500 }, max_count: 1 },
      ]);
    }
    return { status: 500 };
  });
  expect((await api.call('POST', '/v1/events', { key, body: { source: 'dying', event_type: 'order.created', payload: {} } })).status).toBe(201);
  const dlq = async () => (await api.call('GET', '/v1/webhooks/dlq', { key })).body.entries as { delivery_id: string; dead_at: string }[];
  const [first] = await waitFor(async () => ((await dlq()).length === 1 ? dlq() : undefined), { timeoutMs: 10_000, message: 'the delivery dead-lettered' });
  const id = first!.delivery_id;
  expect((await api.call('POST', `/v1/webhooks/dlq/${id}/replay`, { key })).status).toBe(202);

  // The new entry is there while the dead state is held up: the delivery is still pending.
  const second = await waitFor(async () => (await dlq()).find((e) => e.dead_at > first!.dead_at), { timeoutMs: 10_000, message: 'the new entry written' });
  expect((await api.workerDeps.stores.deliveries.get(id))?.status).toBe('pending');
  // A retried replay of it now: not dead, so nothing to requeue and nothing to remove.
  expect((await api.call('POST', `/v1/webhooks/dlq/${id}/replay`, { key })).status).toBe(202);

  await waitFor(async () => (await api.workerDeps.stores.deliveries.get(id))?.status === 'dead', { timeoutMs: 10_000, message: 'the delivery dead again' });
  expect(engine.log.entries().filter((e) => e.rule === 'slow-dead-state')).toHaveLength(1);
  expect((await dlq()).map((e) => e.dead_at)).toEqual([second!.dead_at]);
  expect(receiver.received).toHaveLength(6);
});
