// A delivery whose due-index entry is missing (a store killed between writing an item and its index
// entry, or a lagging GSI) is still delivered: the reconciliation sweep finds it in the base table.
// The tear is made honestly inside dynalite: its index update is skipped for one webhook's deliveries,
// which leaves exactly the state a kill between the two writes leaves.
import { GetCommand, QueryCommand, ScanCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, expect, it } from 'vitest';
import type { Receiver } from '../../support/receiver.js';
import type { TestApi } from '../../support/test-api.js';
import { waitFor } from '../../support/wait-for.js';
import { startIndexTearStack, type IndexTearStack } from './support/index-tear-stack.js';

/** Deliveries of these webhooks, and webhooks of these tenants, are written without their index entries. */
const tornWebhooks = new Set<string>();
const tornTenants = new Set<string>();
const touches = (item: Record<string, unknown> | null) => {
  const id = (item?.webhook_id as { S?: string } | undefined)?.S;
  const tenant = (item?.tenant_id as { S?: string } | undefined)?.S;
  return (id !== undefined && tornWebhooks.has(id)) || (item?.active_key !== undefined && tenant !== undefined && tornTenants.has(tenant));
};

let stack: IndexTearStack;
let api: TestApi;
let receiver: Receiver;

beforeAll(async () => {
  stack = await startIndexTearStack((real) => (store, table, existing, item, cb) => (touches(existing) || touches(item) ? cb() : real(store, table, existing, item, cb)), {
    WORKER_POLL_MS: '50',
    WEBHOOK_RETRY_SCHEDULE: '100,100',
    WEBHOOK_RETRY_JITTER: '0',
    WEBHOOK_SWEEP_MS: '300',
  });
  ({ api, receiver } = stack);
});

afterAll(() => stack?.close());

it('delivers a retry whose due-index entry was never written, through the sweep', async () => {
  const key = await api.createKey();
  const hook = await api.call('POST', '/v1/webhooks', { key: key.api_key, body: { url: receiver.url, events: ['*'] } });
  const webhookId = hook.body.webhook_id as string;
  tornWebhooks.add(webhookId);
  // The first attempt fails, so the delivery is stored as a retry: due soon, but absent from the index.
  receiver.respond((req) => (req.n === 1 ? { status: 503 } : { status: 200 }));
  const event = await api.call('POST', '/v1/events', { key: key.api_key, body: { source: 'shop', event_type: 'order.created', payload: { n: 1 } } });
  expect(event.status).toBe(201);

  const { doc } = api.dynamo;
  const table = `${api.config.TABLE_PREFIX}webhook-delivery`;
  // Found by a scan of the base table, as the index cannot find it.
  const findDelivery = async () => {
    const { Items } = await doc.send(new ScanCommand({ TableName: table, FilterExpression: 'begins_with(delivery_id, :p)', ExpressionAttributeValues: { ':p': 'dlv_' } }));
    return Items?.[0]?.delivery_id as string | undefined;
  };
  const stored = await waitFor(async () => {
    const { Items } = await doc.send(new QueryCommand({ TableName: table, IndexName: 'webhook-index', KeyConditionExpression: 'webhook_id = :w', ExpressionAttributeValues: { ':w': webhookId } }));
    expect(Items ?? []).toEqual([]); // the tear covers every index of these deliveries
    return receiver.received.length >= 1 && (await findDelivery());
  });
  const { Items: due } = await doc.send(
    new QueryCommand({ TableName: table, IndexName: 'due-index', KeyConditionExpression: 'due_queue = :q', ExpressionAttributeValues: { ':q': 'due' } }),
  );
  expect((due ?? []).map((i) => i.delivery_id)).not.toContain(stored);

  const delivered = await waitFor(
    async () => {
      const { Item } = await doc.send(new GetCommand({ TableName: table, Key: { delivery_id: stored }, ConsistentRead: true }));
      return Item?.status === 'delivered' ? Item : undefined;
    },
    { timeoutMs: 15_000, message: 'the torn delivery delivered' },
  );
  expect(delivered.attempt_count).toBe(2);
  expect(receiver.received.map((r) => r.headers['webhook-id'])).toEqual([stored, stored]);
});


it('repairs a webhook missing from the listing index, so fan-out finds it again', async () => {
  const key = await api.createKey();
  tornTenants.add(key.tenant_id);
  const hook = await api.call('POST', '/v1/webhooks', { key: key.api_key, body: { url: `${receiver.url}/listed`, events: ['*'] } });
  expect(hook.status).toBe(201);
  const listed = async () => (await api.call('GET', '/v1/webhooks', { key: key.api_key })).body.webhooks as { webhook_id: string }[];
  expect(await listed()).toEqual([]); // torn: the table has it, the index does not
  tornTenants.clear(); // the store is whole again; the missing entry stays missing until repaired

  await waitFor(async () => (await listed()).length === 1, { timeoutMs: 10_000, message: 'the listing index repaired' });
  const before = receiver.received.length;
  await api.call('POST', '/v1/events', { key: key.api_key, body: { source: 'shop', event_type: 'order.created', payload: { n: 2 } } });
  await waitFor(() => receiver.received.slice(before).some((r) => r.headers['webhook-id'] !== undefined && JSON.parse(r.body).webhook_id === hook.body.webhook_id), {
    message: 'the repaired webhook gets its delivery',
  });
});
