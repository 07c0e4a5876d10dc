// Fan-out completes idempotent creates that stopped half-way: it writes their analytics facts again
// and reveals their events. Those facts must survive every order in which the creates' own writes
// land, so each accepted event is counted exactly once. Found by the catalog's DynamoDB-errors
// scenario (one event of 200 uncounted): a create whose fact write was retried under partial batches
// landed it after fan-out had written the facts of two events in one row under the same key, and
// replaced that row, losing the other event's fact.
import type { BatchWriteItemCommandInput, WriteRequest } from '@aws-sdk/client-dynamodb';
import { GetCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, expect, it } from 'vitest';
import type { MetricType } from '../../../reference-server/src/domain/analytics.js';
import { systemClock } from '../../../reference-server/src/domain/clock.js';
import { newEventRecord, type EventRecord } from '../../../reference-server/src/domain/event.js';
import { createDynamo, type Dynamo } from '../../../reference-server/src/store/dynamo-client.js';
import { startEmbeddedDynamo, type EmbeddedDynamo } from '../../../reference-server/src/store/embedded-dynalite.js';
import { createStores, type Stores } from '../../../reference-server/src/store/stores.js';
import { ensureTables, tableNames } from '../../../reference-server/src/store/tables.js';
import { outboxFeed } from '../../../reference-server/src/workers/analytics-feeds.js';
import { drain } from '../../../reference-server/src/workers/analytics-processor.js';
import { waitFor } from '../../support/wait-for.js';

let db: EmbeddedDynamo;
let dynamo: Dynamo;
let stores: Stores;
beforeAll(async () => {
  db = await startEmbeddedDynamo();
  dynamo = createDynamo({ endpoint: db.endpoint, maxAttempts: 1 });
  await ensureTables(dynamo.client, 'af-');
  stores = createStores(dynamo.doc, 'af-');
});
afterAll(async () => {
  dynamo?.client.destroy();
  await db?.stop();
});

const TENANT = 'tnt_accepted';
let n = 0;
const event = (): EventRecord => newEventRecord(TENANT, `evt_01JD0${String(++n).padStart(21, '0')}`, { source: 'shop', event_type: 'order.created', payload: { n } }, new Date().toISOString());

/** Whether a write is the create's own analytics row for `e` (one fact, keyed by it). */
const ownFactRow = (e: EventRecord) => (w: WriteRequest) => w.PutRequest?.Item?.consumer?.S === 'analytics' && (w.PutRequest.Item.fact_json?.S ?? '').includes(`"id":"${e.event_id}"`);

/** Runs `act` before the first BatchWriteItem holding a row that `pick` chooses (the create's own write). */
function onFirstWrite(name: string, pick: (w: WriteRequest) => boolean, act: () => Promise<void>) {
  let done = false;
  dynamo.client.middlewareStack.add(
    (next) => async (args) => {
      const writes = Object.values((args.input as BatchWriteItemCommandInput).RequestItems ?? {}).flat();
      if (!done && writes.some(pick)) {
        done = true;
        await act();
      }
      return next(args);
    },
    { step: 'initialize', name },
  );
}

/** Whether the event item is still hidden (written by a create, not yet revealed). */
async function isHidden(e: EventRecord): Promise<boolean> {
  const { Item } = await dynamo.doc.send(new GetCommand({ TableName: tableNames('af-').events, Key: { tenant_id: e.tenant_id, event_id: e.event_id }, ConsistentRead: true }));
  return Item?.outbox_pending === true;
}

async function counted(metric: MetricType = 'hourly'): Promise<number> {
  await drain({ rows: stores.analytics, state: stores.analyticsState, clock: systemClock, batchSize: 100 }, outboxFeed(stores.outbox));
  const { rows } = await stores.analytics.query(TENANT, metric, { from: '0', to: '9', limit: 1_000, nowMs: Date.now() });
  return rows.reduce((sum, r) => sum + r.event_count, 0);
}

it('counts every event fan-out completes, whichever of the creates\u2019 own fact writes land after it', async () => {
  const before = await counted();
  const [late, stopped] = [event(), event()];

  // One create stops after its fan-out row: its fact write fails and is never retried (a 5xx).
  onFirstWrite('failStoppedFact', ownFactRow(stopped), async () => {
    throw Object.assign(new Error('injected: the fact write failed'), { name: 'InternalServerError', $fault: 'server' });
  });
  await expect(stores.events.createIfAbsent(stopped)).rejects.toThrow('injected');

  // The other create is still writing its fact (a call retried under partial batches).
  let release!: () => void;
  const held = new Promise<void>((r) => (release = r));
  let holding = false;
  onFirstWrite('holdLateFact', ownFactRow(late), async () => {
    holding = true;
    await held;
  });
  const lateCreate = stores.events.createIfAbsent(late);
  try {
    await waitFor(() => holding, { message: 'the late create reached its fact write' });

    // Fan-out finds both events hidden: it writes their facts again and reveals them.
    await stores.events.revealAccepted([late, stopped]);
  } finally {
    release();
    dynamo.client.middlewareStack.remove('holdLateFact');
    dynamo.client.middlewareStack.remove('failStoppedFact');
  }
  // The late create's fact write lands now, after fan-out's.
  expect(await lateCreate).toBe(true);

  const after = await counted();
  expect(after).toBe(before + 2);
  expect(await counted('daily')).toBe(after);
});

it('counts once an event whose facts fan-out writes again on a later pass with fewer events', async () => {
  const before = await counted();
  const [first, second] = [event(), event()];
  for (const e of [first, second]) {
    onFirstWrite('failFact', ownFactRow(e), async () => {
      throw Object.assign(new Error('injected: the fact write failed'), { name: 'InternalServerError', $fault: 'server' });
    });
    try {
      await expect(stores.events.createIfAbsent(e)).rejects.toThrow('injected');
    } finally {
      dynamo.client.middlewareStack.remove('failFact');
    }
  }

  // A pass writes both facts, reveals `second`, and fails before revealing `first`; the next pass
  // sees only `first` hidden and writes its fact again.
  let failReveal = true;
  dynamo.client.middlewareStack.add(
    (next) => async (args) => {
      const key = (args.input as { Key?: { event_id?: { S?: string } | string } }).Key;
      const id = typeof key?.event_id === 'string' ? key.event_id : key?.event_id?.S;
      if (failReveal && id === first.event_id && (args.input as { UpdateExpression?: string }).UpdateExpression) {
        failReveal = false;
        throw Object.assign(new Error('injected: the reveal failed'), { name: 'InternalServerError', $fault: 'server' });
      }
      return next(args);
    },
    { step: 'initialize', name: 'failFirstReveal' },
  );
  try {
    await expect(stores.events.revealAccepted([first, second])).rejects.toThrow('injected');
    // The pass revealed `second` beside the failed reveal of `first`; let that write land first.
    await waitFor(async () => !(await isHidden(second)), { message: 'the first pass revealed the second event' });
    expect(await isHidden(first)).toBe(true);
    await stores.events.revealAccepted([first, second]);
  } finally {
    dynamo.client.middlewareStack.remove('failFirstReveal');
  }

  expect(await counted()).toBe(before + 2);
});
