// The webhook-index of the delivery table projects what the listing reads (not the body). Tables
// created before that, with an ALL projection, are left as they are and must list the same way.
import { CreateTableCommand } from '@aws-sdk/client-dynamodb';
import { afterAll, beforeAll, expect, it } from 'vitest';
import type { DeliveryRecord } from '../../../reference-server/src/domain/delivery.js';
import { DeliveriesStore } from '../../../reference-server/src/store/deliveries-store.js';
import { queuedItem, settledItem } from '../../../reference-server/src/store/delivery-items.js';
import { createDynamo, type Dynamo } from '../../../reference-server/src/store/dynamo-client.js';
import { startEmbeddedDynamo, type EmbeddedDynamo } from '../../../reference-server/src/store/embedded-dynalite.js';
import { ensureTables, TABLE_SPECS } from '../../../reference-server/src/store/tables.js';

let db: EmbeddedDynamo;
let dynamo: Dynamo;
beforeAll(async () => {
  db = await startEmbeddedDynamo();
  dynamo = createDynamo({ endpoint: db.endpoint });
});
afterAll(async () => {
  dynamo?.client.destroy();
  await db?.stop();
});

const delivery = (n: number): DeliveryRecord => ({
  delivery_id: `dlv_${String(n).padStart(26, '0')}`,
  tenant_id: 'ten_1',
  webhook_id: 'wh_1',
  event_id: `evt_${n}`,
  event_type: 'order.created',
  body: JSON.stringify({ n }),
  status: 'pending',
  attempts: [],
  attempt_count: 0,
  last_error: null,
  created_at: `2026-06-01T00:00:0${n}.000Z`,
  updated_at: `2026-06-01T00:00:0${n}.000Z`,
  completed_at: null,
});

/** Two deliveries (one settled as delivered, one still queued) listed through webhook-index. */
async function listed(prefix: string) {
  const store = new DeliveriesStore(dynamo.doc, `${prefix}webhook-delivery`);
  const attempt = { attempt: 1, at: '2026-06-01T00:00:09.000Z', status_code: 200, latency_ms: 1, success: true, error_class: null, error: null, response_body: 'ok' };
  const [first, second] = [delivery(1), delivery(2)];
  await store.putAll([
    settledItem({ delivery: first, token: '', leaseUntil: 0, fresh: true }, { attempt, status: 'delivered', at: attempt.at }),
    queuedItem(second, 0),
  ]);
  return (await store.listByWebhook('wh_1', { limit: 10 })).deliveries;
}

const shown = (d: DeliveryRecord) => ({ ...d, body: undefined, next_attempt_at: undefined, due_queue: undefined, created_key: undefined, settled_by: undefined });

it('lists the same deliveries, fields and order from an INCLUDE index as from an ALL one created before it', async () => {
  await ensureTables(dynamo.client, 'new-');
  const spec = TABLE_SPECS['webhook-delivery'];
  await dynamo.client.send(
    new CreateTableCommand({
      TableName: 'old-webhook-delivery',
      BillingMode: 'PAY_PER_REQUEST',
      ...spec,
      GlobalSecondaryIndexes: spec.GlobalSecondaryIndexes.map((i) => (i.IndexName === 'webhook-index' ? { IndexName: i.IndexName, KeySchema: i.KeySchema, Projection: { ProjectionType: 'ALL' as const } } : i)),
    }),
  );
  await ensureTables(dynamo.client, 'old-');
  const fresh = await listed('new-');
  const old = await listed('old-');
  expect(fresh.map((d) => d.status)).toEqual(['delivered', 'pending']);
  expect(fresh[0]).toMatchObject({ tenant_id: 'ten_1', event_id: 'evt_1', attempt_count: 1, attempts: [{ status_code: 200 }], completed_at: '2026-06-01T00:00:09.000Z' });
  expect(fresh.every((d) => d.body === undefined)).toBe(true);
  expect(old.map(shown)).toEqual(fresh.map(shown));
});
