// Table definitions and idempotent creation at start-up: create what is missing, wait until every
// table is ACTIVE. Names are `${prefix}${name}` with the names of SPEC §3.
import {
  CreateTableCommand,
  DescribeTableCommand,
  LimitExceededException,
  ResourceInUseException,
  ResourceNotFoundException,
  UpdateTableCommand,
  type CreateTableCommandInput,
  type DynamoDBClient,
} from '@aws-sdk/client-dynamodb';

type TableSpec = Omit<CreateTableCommandInput, 'TableName' | 'BillingMode'>;
const S = 'S' as const;
const N = 'N' as const;
const keys = (hash: string, range?: string) => [
  { AttributeName: hash, KeyType: 'HASH' as const },
  ...(range ? [{ AttributeName: range, KeyType: 'RANGE' as const }] : []),
];

/** Logical table names → schema. Every table is on-demand. */
export const TABLE_SPECS = {
  events: {
    KeySchema: keys('tenant_id', 'event_id'),
    AttributeDefinitions: [
      { AttributeName: 'tenant_id', AttributeType: S },
      { AttributeName: 'event_id', AttributeType: S },
      { AttributeName: 'inbox_tenant', AttributeType: S },
      { AttributeName: 'tombstone_shard', AttributeType: S },
      { AttributeName: 'deleted_at', AttributeType: S },
    ],
    // Sparse: only pending events carry inbox_tenant, so the inbox is a plain ordered query.
    GlobalSecondaryIndexes: [
      { IndexName: 'inbox-index', KeySchema: keys('inbox_tenant', 'event_id'), Projection: { ProjectionType: 'ALL' } },
      // Sparse too: only tombstones carry tombstone_shard, so the tombstone sweep reads the expired
      // ones oldest first, whatever the size of the table (tombstone-store.ts, TOMBSTONE_SHARDS). Tables
      // created earlier get it at start, and their tombstones their shard.
      { IndexName: 'tombstone-index', KeySchema: keys('tombstone_shard', 'deleted_at'), Projection: { ProjectionType: 'KEYS_ONLY' } },
    ],
  },
  'api-keys': {
    KeySchema: keys('key_id'),
    AttributeDefinitions: [
      { AttributeName: 'key_id', AttributeType: S },
      { AttributeName: 'key_hash', AttributeType: S },
      { AttributeName: 'tenant_id', AttributeType: S },
    ],
    GlobalSecondaryIndexes: [
      { IndexName: 'key-hash-index', KeySchema: keys('key_hash'), Projection: { ProjectionType: 'ALL' } },
      { IndexName: 'tenant-index', KeySchema: keys('tenant_id', 'key_id'), Projection: { ProjectionType: 'ALL' } },
    ],
  },
  idempotency: {
    KeySchema: keys('idem_key'),
    AttributeDefinitions: [{ AttributeName: 'idem_key', AttributeType: S }],
  },
  // One partition per chain; `seq` is the entry's index, claimed with a conditional put.
  audit: {
    KeySchema: keys('chain', 'seq'),
    AttributeDefinitions: [
      { AttributeName: 'chain', AttributeType: S },
      { AttributeName: 'seq', AttributeType: N },
    ],
  },
  // One item per key lineage and UTC day holding the day, hour and minute counters.
  'rate-limits': {
    KeySchema: keys('counter_id'),
    AttributeDefinitions: [{ AttributeName: 'counter_id', AttributeType: S }],
  },
  // Signatures seen within the timestamp tolerance, so a replay is refused on every instance.
  'signature-nonces': {
    KeySchema: keys('nonce'),
    AttributeDefinitions: [{ AttributeName: 'nonce', AttributeType: S }],
  },
  // Durable outbox written with each event: one row per consumer (fan-out, analytics), deleted once done.
  'event-outbox': {
    KeySchema: keys('consumer', 'event_id'),
    AttributeDefinitions: [
      { AttributeName: 'consumer', AttributeType: S },
      { AttributeName: 'event_id', AttributeType: S },
    ],
  },
  webhooks: {
    KeySchema: keys('webhook_id'),
    AttributeDefinitions: [
      { AttributeName: 'webhook_id', AttributeType: S },
      { AttributeName: 'tenant_id', AttributeType: S },
      { AttributeName: 'active_key', AttributeType: S },
    ],
    GlobalSecondaryIndexes: [
      { IndexName: 'api-key-is-active-index', KeySchema: keys('tenant_id', 'active_key'), Projection: { ProjectionType: 'ALL' } },
    ],
  },
  // The delivery queue: `due_queue` is set only while a delivery waits for an attempt, so the due index
  // holds exactly the work to do, ordered by when it is due (a lease pushes it into the future).
  'webhook-delivery': {
    KeySchema: keys('delivery_id'),
    AttributeDefinitions: [
      { AttributeName: 'delivery_id', AttributeType: S },
      { AttributeName: 'due_queue', AttributeType: S },
      { AttributeName: 'next_attempt_at', AttributeType: 'N' as const },
      { AttributeName: 'webhook_id', AttributeType: S },
      { AttributeName: 'created_key', AttributeType: S },
    ],
    GlobalSecondaryIndexes: [
      { IndexName: 'due-index', KeySchema: keys('due_queue', 'next_attempt_at'), Projection: { ProjectionType: 'KEYS_ONLY' } },
      // What the delivery listing, metrics and replay read, without `body` (the largest attribute) or the
      // queue attributes: each write costs the index less. Tables created with ALL keep it and still work.
      {
        IndexName: 'webhook-index',
        KeySchema: keys('webhook_id', 'created_key'),
        Projection: {
          ProjectionType: 'INCLUDE',
          NonKeyAttributes: ['tenant_id', 'event_id', 'event_type', 'status', 'attempt_count', 'attempts', 'last_error', 'created_at', 'updated_at', 'completed_at'],
        },
      },
    ],
  },
  // Listed in the order entries died, per tenant and per webhook: `dead_key` is `dead_at#delivery_id`
  // (dlq-store.ts), unique, so a page boundary never falls between entries that tie. Tables created
  // before these indexes get them at start (addMissingIndexes) and their entries a dead_key.
  'webhook-dlq': {
    KeySchema: keys('tenant_id', 'delivery_id'),
    AttributeDefinitions: [
      { AttributeName: 'tenant_id', AttributeType: S },
      { AttributeName: 'delivery_id', AttributeType: S },
      { AttributeName: 'webhook_id', AttributeType: S },
      { AttributeName: 'dead_key', AttributeType: S },
    ],
    GlobalSecondaryIndexes: [
      { IndexName: 'tenant-dead-index', KeySchema: keys('tenant_id', 'dead_key'), Projection: { ProjectionType: 'ALL' } },
      { IndexName: 'webhook-dead-index', KeySchema: keys('webhook_id', 'dead_key'), Projection: { ProjectionType: 'ALL' } },
    ],
  },
  // Aggregates: one partition per tenant and granularity (`tenant#hourly`), one row per period, so a
  // date range is one ordered query. Rows carry `ttl` (30 days after the period).
  analytics: {
    KeySchema: keys('series', 'period'),
    AttributeDefinitions: [
      { AttributeName: 'series', AttributeType: S },
      { AttributeName: 'period', AttributeType: S },
    ],
  },
  // The analytics processor's durable state: one item per feed (checkpoint and the open batch
  // manifest) and one marker per counted fact id, so a redelivered fact is never counted twice.
  'analytics-state': {
    KeySchema: keys('pk'),
    AttributeDefinitions: [{ AttributeName: 'pk', AttributeType: S }],
  },
} satisfies Record<string, TableSpec>;

export type TableName = keyof typeof TABLE_SPECS;

/** Resolves logical names to physical ones. */
export function tableNames(prefix: string): Record<TableName, string> {
  return Object.fromEntries(Object.keys(TABLE_SPECS).map((n) => [n, `${prefix}${n}`])) as Record<TableName, string>;
}

/** The events table's stream, for the `streams` analytics feed. */
const EVENTS_STREAM = { StreamEnabled: true, StreamViewType: 'NEW_AND_OLD_IMAGES' as const };

/**
 * Creates missing tables, adds the indexes of TABLE_SPECS that tables created earlier lack, and waits
 * until all are ACTIVE (bounded by `timeoutMs`). With `streams`, the events table gets its stream (an
 * existing table without one has it enabled). Resolves to the indexes added, by logical table name.
 * Throws when the backend accepts an index but does not add it.
 */
export async function ensureTables(
  client: DynamoDBClient,
  prefix: string,
  opts: { streams?: boolean; timeoutMs?: number } = {},
): Promise<Partial<Record<TableName, string[]>>> {
  const names = tableNames(prefix);
  const timeoutMs = opts.timeoutMs ?? 60_000;
  const added: Partial<Record<TableName, string[]>> = {};
  await Promise.all(
    (Object.keys(TABLE_SPECS) as TableName[]).map(async (logical) => {
      const TableName = names[logical];
      const stream = opts.streams && logical === 'events' ? { StreamSpecification: EVENTS_STREAM } : {};
      try {
        await client.send(new CreateTableCommand({ TableName, BillingMode: 'PAY_PER_REQUEST', ...TABLE_SPECS[logical], ...stream }));
      } catch (err) {
        if (!(err instanceof ResourceInUseException)) throw err;
        if (opts.streams && logical === 'events') await enableStream(client, TableName, timeoutMs);
        const indexes = await addMissingIndexes(client, TableName, TABLE_SPECS[logical], timeoutMs);
        if (indexes.length > 0) added[logical] = indexes;
      }
      await waitUntilActive(client, TableName, timeoutMs);
    }),
  );
  return added;
}

/**
 * Adds the global secondary indexes of `spec` that the existing table lacks, one UpdateTable at a time
 * (DynamoDB takes one index creation per call, and refuses one while another index is being created),
 * each ACTIVE before the next; the store fills each from the items already there. Another process
 * adding indexes at once is no error: a refusal because its index is being created is waited out.
 * Returns the names of the indexes this call added.
 */
export async function addMissingIndexes(client: DynamoDBClient, TableName: string, spec: TableSpec, timeoutMs: number): Promise<string[]> {
  const wanted = spec.GlobalSecondaryIndexes ?? [];
  if (wanted.length === 0) return [];
  const deadline = Date.now() + timeoutMs;
  await waitUntilActive(client, TableName, timeoutMs);
  const present = async () => new Set(((await client.send(new DescribeTableCommand({ TableName }))).Table?.GlobalSecondaryIndexes ?? []).map((i) => i.IndexName));
  const have = await present();
  const added: string[] = [];
  for (const index of wanted.filter((i) => !have.has(i.IndexName))) {
    const keyNames = new Set((index.KeySchema ?? []).map((k) => k.AttributeName));
    for (;;) {
      // Another process's index may be CREATING since `have` was read: one at a time.
      await waitUntilActive(client, TableName, Math.max(0, deadline - Date.now()));
      try {
        await client.send(
          new UpdateTableCommand({
            TableName,
            AttributeDefinitions: (spec.AttributeDefinitions ?? []).filter((d) => keyNames.has(d.AttributeName)),
            GlobalSecondaryIndexUpdates: [{ Create: { IndexName: index.IndexName, KeySchema: index.KeySchema, Projection: index.Projection } }],
          }),
        );
        added.push(index.IndexName!);
        break;
      } catch (err) {
        // Another process got there first (an index of that name exists, or one is being created).
        if ((await present()).has(index.IndexName)) break;
        // Another process's index started CREATING after the wait above: wait again, within the deadline.
        if (!(err instanceof LimitExceededException) || Date.now() > deadline) throw err;
      }
    }
    if (!(await present()).has(index.IndexName)) {
      throw new Error(`table ${TableName} lacks index ${index.IndexName} and this DynamoDB accepted it without adding it: the embedded dynalite needs its patch (npx patch-package), or add the index by hand`);
    }
    await waitUntilActive(client, TableName, timeoutMs);
  }
  return added;
}

async function enableStream(client: DynamoDBClient, TableName: string, timeoutMs: number): Promise<void> {
  await waitUntilActive(client, TableName, timeoutMs);
  const { Table } = await client.send(new DescribeTableCommand({ TableName }));
  if (Table?.StreamSpecification?.StreamEnabled) return;
  await client.send(new UpdateTableCommand({ TableName, StreamSpecification: EVENTS_STREAM }));
}

async function waitUntilActive(client: DynamoDBClient, TableName: string, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  // What was last seen, for the error: which part never became ACTIVE.
  let seen = 'not found';
  for (let delay = 50; ; delay = Math.min(delay * 2, 1_000)) {
    try {
      const { Table } = await client.send(new DescribeTableCommand({ TableName }));
      const indexes = Table?.GlobalSecondaryIndexes ?? [];
      if (Table?.TableStatus === 'ACTIVE' && indexes.every((i) => i.IndexStatus === 'ACTIVE')) return;
      seen = [`table ${Table?.TableStatus}`, ...indexes.map((i) => `${i.IndexName} ${i.IndexStatus}`)].join(', ');
    } catch (err) {
      if (!(err instanceof ResourceNotFoundException)) throw err;
    }
    if (Date.now() > deadline) throw new Error(`table ${TableName} did not become ACTIVE within ${timeoutMs} ms (last seen: ${seen})`);
    await new Promise((r) => setTimeout(r, delay));
  }
}
