// A replay requeues a dead delivery and then removes its DLQ entry. If the delivery dies again before
// that removal lands (here: the removal is held up 3 s while the receiver keeps failing), the entry
// removed must be the old one only: the delivery's new entry stays, so a dead delivery is never
// missing from the DLQ. (An unconditional removal deleted the new entry; under load and faults the
// dead-letter suite found deliveries dead without an entry.)
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
  engine = seededEngine('dlq replay race');
  api = await startTestApi(
    { RATE_LIMIT_ENABLED: 'false', WORKER_POLL_MS: '50', WEBHOOK_RETRY_SCHEDULE: '50,50', WEBHOOK_RETRY_JITTER: '0', WEBHOOK_DISABLE_AFTER: '1000' },
    { chaos: { engine } },
  );
  receiver = await startReceiver();
  receiver.respond(() => ({ status: 500 }));
});
afterAll(async () => {
  await api?.close();
  await receiver?.close();
});

it('keeps the DLQ entry of a delivery that died again while its replay was removing the old one', { timeout: 30_000 }, async () => {
  const key = (await api.createKey()).api_key;
  await api.call('POST', '/v1/webhooks', { key, body: { url: receiver.url, events: ['*'] } });
  expect((await api.call('POST', '/v1/events', { key, body: { source: 'race', event_type: 'order.created', payload: {} } })).status).toBe(201);
  const [first] = await waitFor(async () => {
    const entries = (await api.call('GET', '/v1/webhooks/dlq', { key })).body.entries as { delivery_id: string; dead_at: string }[];
    return entries.length === 1 ? entries : undefined;
  }, { timeoutMs: 10_000, message: 'the delivery dead-lettered' });
  const attemptsBefore = receiver.received.length;

  engine.upsertRules([{ id: 'slow-dlq-delete', point: 'dynamodb', match: { table: `${api.config.TABLE_PREFIX}webhook-dlq`, operation: 'DeleteItem' }, injector: { kind: 'latency', ms: 3_000 }, probability: 1 }]);
  expect((await api.call('POST', `/v1/webhooks/dlq/${first!.delivery_id}/replay`, { key })).status).toBe(202);
  engine.heal();
  // The replay's three attempts all failed while its removal was held up: the delivery died again first.
  expect(receiver.received.length - attemptsBefore).toBe(3);
  await waitFor(async () => (await api.workerDeps.stores.deliveries.get(first!.delivery_id))?.status === 'dead', { message: 'the replayed delivery dead again' });
  const entries = (await api.call('GET', '/v1/webhooks/dlq', { key })).body.entries as { delivery_id: string; dead_at: string }[];
  expect(entries.map((e) => e.delivery_id)).toEqual([first!.delivery_id]);
  expect(entries[0]!.dead_at > first!.dead_at).toBe(true);
});
