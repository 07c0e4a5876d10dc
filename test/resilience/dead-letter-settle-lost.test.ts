// Dead-lettering writes the DLQ entry first and the delivery's `dead` state second, so a crash between
// the two never leaves a dead delivery unlisted. When the second write fails, the delivery is attempted
// again; if that attempt succeeds, the entry written first names a delivery that is not dead. The
// reconciliation sweep removes such an entry (only that entry, only once the delivery is final).
// Under the dead-letter fault suite this left one delivered delivery listed in the DLQ for good.
import { GetCommand } from '@aws-sdk/lib-dynamodb';
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
  engine = seededEngine('dead letter settle lost');
  api = await startTestApi(
    {
      RATE_LIMIT_ENABLED: 'false',
      DYNAMODB_MAX_ATTEMPTS: '1',
      WORKER_POLL_MS: '50',
      WEBHOOK_TIMEOUT_MS: '500',
      WEBHOOK_VISIBILITY_TIMEOUT_MS: '1000',
      WEBHOOK_RETRY_SCHEDULE: '50,50',
      WEBHOOK_RETRY_JITTER: '0',
      WEBHOOK_SWEEP_MS: '300',
      WEBHOOK_DISABLE_AFTER: '1000',
    },
    { chaos: { engine } },
  );
  receiver = await startReceiver();
});
afterAll(async () => {
  await api?.close();
  await receiver?.close();
});

it('removes the DLQ entry of a delivery whose dead state was lost and which was then delivered, and keeps a dead one\'s', { timeout: 30_000 }, async () => {
  const prefix = api.config.TABLE_PREFIX;
  const key = (await api.createKey()).api_key;
  await api.call('POST', '/v1/webhooks', { key, body: { url: receiver.url, events: ['*'] } });
  const entry = async (tenantId: string, deliveryId: string) =>
    (await api.dynamo.doc.send(new GetCommand({ TableName: `${prefix}webhook-dlq`, Key: { tenant_id: tenantId, delivery_id: deliveryId }, ConsistentRead: true }))).Item;
  const attemptsOf = (kind: string) => receiver.received.filter((r) => (JSON.parse(r.body) as { data: { payload: { kind: string } } }).data.payload.kind === kind);

  // One delivery dies as usual: its entry must survive the sweeps that remove the stale one.
  // The other's last of three attempts fails, the next write to the delivery table (its `dead` state)
  // fails once, and the attempt made after its lease runs out is answered 200.
  receiver.respond((req) => {
    const kind = (JSON.parse(req.body) as { data: { payload: { kind: string } } }).data.payload.kind;
    const n = attemptsOf(kind).length;
    if (kind === 'stale' && n === 3) {
      engine.upsertRules([
        { id: 'lose-dead-state', point: 'dynamodb', match: { table: `${prefix}webhook-delivery`, operation: 'UpdateItem', key: 'dlv_*' }, injector: { kind: 'dynamodb_error', error: 'InternalServerError' }, max_count: 1 },
      ]);
    }
    return { status: kind === 'dead' || n <= 3 ? 500 : 200 };
  });
  const post = async (kind: string) => expect((await api.call('POST', '/v1/events', { key, body: { source: 'shop', event_type: 'order.created', payload: { kind } } })).status).toBe(201);

  await post('dead');
  const dead = await waitFor(() => attemptsOf('dead')[2]?.headers['webhook-id'] as string | undefined, { timeoutMs: 10_000, message: 'three attempts of the dying delivery' });
  const tenantId = await waitFor(async () => {
    const d = await api.workerDeps.stores.deliveries.get(dead);
    return d?.status === 'dead' ? d.tenant_id : undefined;
  }, { message: 'the first delivery dead' });

  await post('stale');
  const stale = await waitFor(() => attemptsOf('stale')[3]?.headers['webhook-id'] as string | undefined, { timeoutMs: 15_000, message: 'a fourth attempt after the lost dead state' });
  expect(engine.log.entries().filter((e) => e.rule === 'lose-dead-state')).toHaveLength(1);
  await waitFor(async () => (await api.workerDeps.stores.deliveries.get(stale))?.status === 'delivered', { message: 'the delivery delivered' });
  await waitFor(async () => (await entry(tenantId, stale)) === undefined, { timeoutMs: 10_000, message: 'the stale DLQ entry removed' });

  expect(await entry(tenantId, dead)).toBeDefined();
  expect(((await api.call('GET', '/v1/webhooks/dlq', { key })).body.entries as { delivery_id: string }[]).map((e) => e.delivery_id)).toEqual([dead]);
  expect(attemptsOf('stale')).toHaveLength(4);
  expect(attemptsOf('dead')).toHaveLength(3);
});
