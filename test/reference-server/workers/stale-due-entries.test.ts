// Due-index entries that outlive their item's due state (the store killed after the item was written
// but before its old index entry was deleted, or a lagging GSI) sort first and never lease. The
// delivery loop reads past them: a delivery due behind more stale entries than the worker has slots
// is still attempted through the due index (the sweep is kept out of this test on purpose).
import { QueryCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, expect, it } from 'vitest';
import type { Receiver } from '../../support/receiver.js';
import type { TestApi } from '../../support/test-api.js';
import { waitFor } from '../../support/wait-for.js';
import { startIndexTearStack, type IndexTearStack } from './support/index-tear-stack.js';

/** Writes to deliveries of these webhooks add index entries but never remove the old ones. */
const staleWebhooks = new Set<string>();
const touches = (item: Record<string, unknown> | null) => staleWebhooks.has((item?.webhook_id as { S?: string } | undefined)?.S ?? '');

let stack: IndexTearStack;
let api: TestApi;
let receiver: Receiver;

beforeAll(async () => {
  stack = await startIndexTearStack((real) => (store, table, existing, item, cb) => real(store, table, touches(existing) || touches(item) ? null : existing, item, cb), {
    WORKER_POLL_MS: '50',
    WORKER_CONCURRENCY: '2',
    WEBHOOK_RETRY_SCHEDULE: '100,100',
    WEBHOOK_RETRY_JITTER: '0',
    WEBHOOK_SWEEP_MS: '600000',
  });
  ({ api, receiver } = stack);
});

afterAll(() => stack?.close());

it('reaches a due delivery behind more stale due-index entries than it has slots', async () => {
  const key = await api.createKey();
  // Every first attempt fails, so each delivery is stored due, leased and settled through the index.
  const firstTry = new Set<string>();
  receiver.respond((req) => {
    const id = String(req.headers['webhook-id']);
    if (firstTry.has(id)) return { status: 200 };
    firstTry.add(id);
    return { status: 503 };
  });
  const stale = await api.call('POST', '/v1/webhooks', { key: key.api_key, body: { url: `${receiver.url}/stale`, events: ['stale.*'] } });
  staleWebhooks.add(stale.body.webhook_id as string);
  for (let i = 0; i < 4; i++) await api.call('POST', '/v1/events', { key: key.api_key, body: { source: 's', event_type: 'stale.x', payload: { i } } });
  await waitFor(() => receiver.received.length >= 8, { message: 'the stale webhook’s deliveries done (leaving stale entries)' });
  const { Count } = await api.dynamo.doc.send(
    new QueryCommand({ TableName: `${api.config.TABLE_PREFIX}webhook-delivery`, IndexName: 'due-index', KeyConditionExpression: 'due_queue = :q', ExpressionAttributeValues: { ':q': 'due' }, Select: 'COUNT' }),
  );
  expect(Count).toBeGreaterThanOrEqual(4); // more stale entries than the worker's 2 slots

  const healthy = await api.call('POST', '/v1/webhooks', { key: key.api_key, body: { url: `${receiver.url}/healthy`, events: ['ok.*'] } });
  await api.call('POST', '/v1/events', { key: key.api_key, body: { source: 's', event_type: 'ok.x', payload: {} } });
  await waitFor(
    () => receiver.json<{ webhook_id: string }>().filter((b) => b.webhook_id === healthy.body.webhook_id).length === 2,
    { timeoutMs: 10_000, message: 'the healthy retry attempted through the due index' },
  );
});
