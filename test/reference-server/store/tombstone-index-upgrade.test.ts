// An events table created before the tombstone index (as `npm start` left it in a data directory) is
// upgraded at start: the index is added, the tombstones already there get their shard, and the sweep
// then removes them once their retention passed, while live events stay.
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CreateTableCommand, DescribeTableCommand } from '@aws-sdk/client-dynamodb';
import { GetCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import { afterEach, expect, it } from 'vitest';
import { ManualClock } from '../../../reference-server/src/domain/clock.js';
import { createDynamo } from '../../../reference-server/src/store/dynamo-client.js';
import { startEmbeddedDynamo } from '../../../reference-server/src/store/embedded-dynalite.js';
import { tombstoneShard } from '../../../reference-server/src/store/tombstone-store.js';
import { TABLE_SPECS } from '../../../reference-server/src/store/tables.js';
import { startTestApi } from '../../support/test-api.js';
import { waitFor } from '../../support/wait-for.js';

const HOUR = 3_600_000;
const TABLE = 'triggers-api-events';
const TENANT = 'tnt_0000000000000000000000tb01';
const eventId = (n: number) => `evt_${n.toString(16).padStart(26, '0')}`;
const cleanups: (() => Promise<unknown>)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

it('gives the tombstones of an events table from before the tombstone index their shard, and sweeps them', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'tombstone-upgrade-'));
  const deletedAt = '2026-03-01T00:00:00.000Z';
  {
    const db = await startEmbeddedDynamo({ path: dir });
    const dynamo = createDynamo({ endpoint: db.endpoint });
    try {
      // The events table as it was defined before the tombstone index.
      const { GlobalSecondaryIndexes, AttributeDefinitions, KeySchema } = TABLE_SPECS.events;
      await dynamo.client.send(
        new CreateTableCommand({
          TableName: TABLE,
          BillingMode: 'PAY_PER_REQUEST',
          KeySchema,
          AttributeDefinitions: AttributeDefinitions.filter((d) => !['tombstone_shard', 'deleted_at'].includes(d.AttributeName)),
          GlobalSecondaryIndexes: GlobalSecondaryIndexes.filter((i) => i.IndexName !== 'tombstone-index'),
        }),
      );
      await waitFor(async () => (await dynamo.client.send(new DescribeTableCommand({ TableName: TABLE }))).Table?.TableStatus === 'ACTIVE', { message: `${TABLE} ACTIVE` });
      // Tombstones written the old way (no shard), and a live event.
      for (const n of [1, 2, 3]) await dynamo.doc.send(new PutCommand({ TableName: TABLE, Item: { tenant_id: TENANT, event_id: eventId(n), deleted_at: deletedAt, ttl: 0 } }));
      await dynamo.doc.send(new PutCommand({ TableName: TABLE, Item: { tenant_id: TENANT, event_id: eventId(4), source: 'shop', event_type: 'order.created', payload: {}, status: 'pending', created_at: deletedAt } }));
    } finally {
      dynamo.client.destroy();
      await db.stop();
    }
  }

  const clock = new ManualClock(Date.parse(deletedAt) + HOUR);
  const api = await startTestApi({ WORKER_ENABLED: 'true', EVENT_TOMBSTONE_SWEEP_MS: '100' }, { embeddedPath: dir, clock });
  cleanups.push(() => api.close());
  const raw = async (n: number) => (await api.dynamo.doc.send(new GetCommand({ TableName: TABLE, Key: { tenant_id: TENANT, event_id: eventId(n) }, ConsistentRead: true }))).Item;
  const indexes = (await api.dynamo.client.send(new DescribeTableCommand({ TableName: TABLE }))).Table?.GlobalSecondaryIndexes?.map((i) => `${i.IndexName}:${i.IndexStatus}`).sort();
  expect(indexes).toEqual(['inbox-index:ACTIVE', 'tombstone-index:ACTIVE']);
  for (const n of [1, 2, 3]) expect((await raw(n))?.tombstone_shard).toBe(tombstoneShard(eventId(n)));
  expect((await raw(4))?.tombstone_shard).toBeUndefined();

  clock.advance(api.deps.config.EVENT_TOMBSTONE_RETENTION_MS);
  await waitFor(async () => (await Promise.all([1, 2, 3].map(raw))).every((item) => item === undefined), { timeoutMs: 10_000, message: 'the old tombstones swept' });
  expect((await raw(4))?.event_id).toBe(eventId(4));
});
