// A DLQ table created before its order indexes (as `npm start` left it in a data directory) is upgraded
// at start: the indexes are added through UpdateTable and filled, the entries already there get their
// dead_key and are listed in the order they died, and an entry an older process writes later is keyed
// by the sweep's walk of the DLQ.
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CreateTableCommand, DescribeTableCommand, LimitExceededException, UpdateTableCommand } from '@aws-sdk/client-dynamodb';
import { BatchWriteCommand, PutCommand, QueryCommand } from '@aws-sdk/lib-dynamodb';
import { afterEach, expect, it } from 'vitest';
import { createDynamo } from '../../../reference-server/src/store/dynamo-client.js';
import { startEmbeddedDynamo, type EmbeddedDynamo } from '../../../reference-server/src/store/embedded-dynalite.js';
import { ensureTables } from '../../../reference-server/src/store/tables.js';
import { startTestApi } from '../../support/test-api.js';
import { waitFor } from '../../support/wait-for.js';

const TENANT = 'tnt_0000000000000000000000up01';
const cleanups: (() => Promise<unknown>)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

/** The DLQ table as it was defined before the order indexes. */
const OLD_DLQ = {
  KeySchema: [
    { AttributeName: 'tenant_id', KeyType: 'HASH' as const },
    { AttributeName: 'delivery_id', KeyType: 'RANGE' as const },
  ],
  AttributeDefinitions: [
    { AttributeName: 'tenant_id', AttributeType: 'S' as const },
    { AttributeName: 'delivery_id', AttributeType: 'S' as const },
  ],
  BillingMode: 'PAY_PER_REQUEST' as const,
};

const deliveryId = (n: number) => `dlv_${((n * 7_919) % 10_007).toString(16).padStart(26, '0')}`;
const oldEntry = (tenant: string, n: number) => ({
  tenant_id: tenant,
  delivery_id: deliveryId(n),
  webhook_id: 'whk_aaaaaaaaaaaaaaaaaaaaaaaaaa',
  event_id: `evt_${n}`,
  event_type: 'order.created',
  reason: 'http_5xx',
  attempts: 6,
  dead_at: new Date(Date.UTC(2026, 0, 1) + n * 1_000).toISOString(),
});

async function oldStore(path?: string): Promise<{ db: EmbeddedDynamo; dynamo: ReturnType<typeof createDynamo> }> {
  const db = await startEmbeddedDynamo(path ? { path } : {});
  // One attempt a call: a refusal is seen as it comes, not retried away by the SDK.
  const dynamo = createDynamo({ endpoint: db.endpoint, maxAttempts: 1 });
  cleanups.push(async () => {
    dynamo.client.destroy();
    await db.stop();
  });
  return { db, dynamo };
}

/** Creates the DLQ table as it was defined before the order indexes, and waits until it is ACTIVE. */
async function createOldDlq(dynamo: ReturnType<typeof createDynamo>, table: string): Promise<void> {
  await dynamo.client.send(new CreateTableCommand({ TableName: table, ...OLD_DLQ }));
  await waitFor(async () => (await dynamo.client.send(new DescribeTableCommand({ TableName: table }))).Table?.TableStatus === 'ACTIVE', { message: `${table} ACTIVE` });
}

const indexesOf = async (dynamo: ReturnType<typeof createDynamo>, table: string) =>
  ((await dynamo.client.send(new DescribeTableCommand({ TableName: table }))).Table?.GlobalSecondaryIndexes ?? []).map((i) => `${i.IndexName}:${i.IndexStatus}`).sort();

it('adds the order indexes to an old DLQ table once, filled with the entries already there, with two processes starting at once', async () => {
  const { dynamo } = await oldStore();
  await createOldDlq(dynamo, 'up-webhook-dlq');
  for (let n = 0; n < 5; n++) await dynamo.doc.send(new PutCommand({ TableName: 'up-webhook-dlq', Item: { ...oldEntry('ten_a', n), dead_key: `${oldEntry('ten_a', n).dead_at}#${deliveryId(n)}` } }));

  // Bounded under the test's own timeout, so a table or index that never becomes ACTIVE is named in the failure.
  const [a, b] = await Promise.all([ensureTables(dynamo.client, 'up-', { timeoutMs: 20_000 }), ensureTables(dynamo.client, 'up-', { timeoutMs: 20_000 })]);
  expect([...(a['webhook-dlq'] ?? []), ...(b['webhook-dlq'] ?? [])].sort()).toEqual(['tenant-dead-index', 'webhook-dead-index']);
  expect(await indexesOf(dynamo, 'up-webhook-dlq')).toEqual(['tenant-dead-index:ACTIVE', 'webhook-dead-index:ACTIVE']);
  expect(await ensureTables(dynamo.client, 'up-')).toEqual({});
  const indexed = await dynamo.doc.send(new QueryCommand({ TableName: 'up-webhook-dlq', IndexName: 'tenant-dead-index', KeyConditionExpression: 'tenant_id = :t', ExpressionAttributeValues: { ':t': 'ten_a' } }));
  expect(indexed.Items?.map((i) => i.delivery_id)).toEqual([0, 1, 2, 3, 4].map(deliveryId));
});

it('waits for an index another process is creating before it adds the next: one at a time, as DynamoDB allows', async () => {
  const { dynamo } = await oldStore();
  const table = 'busy-webhook-dlq';
  await createOldDlq(dynamo, table);
  // Enough entries that the first index stays CREATING while the store fills it.
  for (let n = 0; n < 4_000; n += 25) {
    const items = Array.from({ length: 25 }, (_, i) => oldEntry('ten_b', n + i)).map((e) => ({ PutRequest: { Item: { ...e, delivery_id: `dlv_${String(e.dead_at)}`, dead_key: `${e.dead_at}#x` } } }));
    await dynamo.doc.send(new BatchWriteCommand({ RequestItems: { [table]: items } }));
  }
  const create = (IndexName: string, hash: string) =>
    dynamo.client.send(
      new UpdateTableCommand({
        TableName: table,
        AttributeDefinitions: [
          { AttributeName: hash, AttributeType: 'S' },
          { AttributeName: 'dead_key', AttributeType: 'S' },
        ],
        GlobalSecondaryIndexUpdates: [{ Create: { IndexName, KeySchema: [{ AttributeName: hash, KeyType: 'HASH' }, { AttributeName: 'dead_key', KeyType: 'RANGE' }], Projection: { ProjectionType: 'ALL' } } }],
      }),
    );
  // Another process started on the first index; a second index meanwhile is refused.
  await create('tenant-dead-index', 'tenant_id');
  expect(await indexesOf(dynamo, table)).toEqual(['tenant-dead-index:CREATING']);
  await expect(create('webhook-dead-index', 'webhook_id')).rejects.toBeInstanceOf(LimitExceededException);

  const added = await ensureTables(dynamo.client, 'busy-', { timeoutMs: 20_000 });
  expect(added['webhook-dlq']).toEqual(['webhook-dead-index']);
  expect(await indexesOf(dynamo, table)).toEqual(['tenant-dead-index:ACTIVE', 'webhook-dead-index:ACTIVE']);
});

it('lists the entries of a data directory written before the indexes, in the order they died, and keys a later old-style entry', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'dlq-upgrade-'));
  const before = await oldStore(dir);
  await createOldDlq(before.dynamo, 'triggers-api-webhook-dlq');
  // 120 entries written in an order unrelated to when they died, without dead_key.
  for (let n = 0; n < 120; n++) {
    const m = (n * 53) % 120;
    await before.dynamo.doc.send(new PutCommand({ TableName: 'triggers-api-webhook-dlq', Item: oldEntry(TENANT, m) }));
  }
  const stop = cleanups.pop()!;
  await stop();

  // Workers (and with them the sweep) only once the listing was read: it must not rest on the sweep.
  const api = await startTestApi({ WORKER_ENABLED: 'false', WEBHOOK_SWEEP_MS: '50' }, { embeddedPath: dir });
  cleanups.push(() => api.close());
  expect(await indexesOf(api.dynamo, 'triggers-api-webhook-dlq')).toEqual(['tenant-dead-index:ACTIVE', 'webhook-dead-index:ACTIVE']);
  const { api_key: key } = await api.createKey({ name: 'dlq-upgrade', scopes: ['webhooks:manage'], tenant_id: TENANT });
  const listed: string[] = [];
  let cursor: string | null = null;
  do {
    const res = await api.call('GET', `/v1/webhooks/dlq?order=desc&limit=50${cursor ? `&cursor=${cursor}` : ''}`, { key });
    expect(res.status).toBe(200);
    listed.push(...res.body.entries.map((e: { delivery_id: string }) => e.delivery_id));
    expect(res.body.entries.every((e: Record<string, unknown>) => !('dead_key' in e))).toBe(true);
    cursor = res.body.next_cursor;
  } while (cursor && listed.length < 500);
  expect(listed).toEqual(Array.from({ length: 120 }, (_, i) => deliveryId(119 - i)));

  // An entry written the old way after the upgrade (an older worker still running) is keyed by the sweep.
  api.startWorkers();
  await api.dynamo.doc.send(new PutCommand({ TableName: 'triggers-api-webhook-dlq', Item: oldEntry(TENANT, 500) }));
  await waitFor(async () => (await api.call('GET', '/v1/webhooks/dlq?order=desc&limit=1', { key })).body.entries[0]?.delivery_id === deliveryId(500), {
    timeoutMs: 10_000,
    message: 'the old-style entry listed first',
  });
});
