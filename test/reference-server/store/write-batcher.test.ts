// Group commit: every put lands with the values the document client would have stored, items the
// store hands back unprocessed are sent again until none are left, and a failed call fails each caller
// (and is finished in the background when its answer was lost before). Puts that come while a call is
// in flight wait for it (up to the hold) and then share one call.
import { mkdtemp, rm, symlink } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { GetCommand } from '@aws-sdk/lib-dynamodb';
import { expect, it, onTestFinished } from 'vitest';
import { addChaosMiddleware } from '../../../chaos/src/points/dynamodb-point.js';
import { ChaosEngine } from '../../../chaos/src/rules/chaos-engine.js';
import type { RuleInput } from '../../../chaos/src/rules/rule-schema.js';
import { BatchCompleter } from '../../../reference-server/src/store/batch-completer.js';
import type { BatchRequests } from '../../../reference-server/src/store/batch-write.js';
import { InFlightLog } from '../../../reference-server/src/store/in-flight-log.js';
import { WriteBatcher } from '../../../reference-server/src/store/write-batcher.js';
import { freshTablesFor } from '../../support/fresh-tables.js';
import { waitFor } from '../../support/wait-for.js';

const freshTables = freshTablesFor('wb');

/** A batcher over fresh tables whose DynamoDB calls pass through `rules`. */
async function setup(rules: RuleInput[], maxAttempts = 3) {
  const { dynamo, names } = await freshTables({ maxAttempts });
  addChaosMiddleware(dynamo.client, new ChaosEngine({ enabled: true, seed: 11, rules }));
  return { dynamo, table: names.events, outbox: names['event-outbox'], batcher: new WriteBatcher(dynamo.doc) };
}

const event = (i: number) => ({
  tenant_id: 'tnt_wb',
  event_id: `evt_${String(i).padStart(26, '0')}`,
  payload_json: '{"n":1}',
  status: 'pending',
  attempts: i,
  ratio: i / 3,
  acknowledged_at: null,
  nested: { list: ['a', 2, { deep: true }], empty: '' },
  dropped: undefined,
});

it('stores every put of a batch with the values it was given, resending items handed back unprocessed', async () => {
  const { dynamo, table, batcher } = await setup([{ id: 'half', point: 'dynamodb', match: { operation: 'BatchWriteItem' }, injector: { kind: 'partial_batch', fraction: 0.5 }, probability: 0.5 }]);
  const items = Array.from({ length: 30 }, (_, i) => event(i));
  await Promise.all(items.map((item) => batcher.put([{ table, item }])));
  for (const item of items) {
    const { Item } = await dynamo.doc.send(new GetCommand({ TableName: table, Key: { tenant_id: item.tenant_id, event_id: item.event_id }, ConsistentRead: true }));
    const { dropped: _dropped, ...stored } = item;
    expect(Item).toEqual(stored);
  }
  dynamo.client.destroy();
});

it('rejects every caller whose puts shared a call that failed', async () => {
  const { dynamo, table, batcher } = await setup([{ id: 'down', point: 'dynamodb', match: { operation: 'BatchWriteItem' }, injector: { kind: 'dynamodb_error', error: 'InternalServerError' } }], 1);
  const results = await Promise.allSettled([1, 2, 3].map((i) => batcher.put([{ table, item: event(i) }])));
  expect(results.map((r) => r.status)).toEqual(['rejected', 'rejected', 'rejected']);
  dynamo.client.destroy();
});

it('hands a call that gives up after its answer was lost to the completer, which finishes what had not landed', async () => {
  const batchWrite = { operation: 'BatchWriteItem' };
  const { dynamo, table } = await setup([
    // Half the call lands and its answer is lost; the read back finds that half; the rest is handed
    // back unprocessed on every round of the next call and on the completer's first two calls.
    { id: 'split', point: 'dynamodb', match: batchWrite, injector: { kind: 'partial_batch', fraction: 0.5 }, max_count: 1 },
    { id: 'lost', point: 'dynamodb', match: batchWrite, injector: { kind: 'partial_failure', phase: 'after' }, max_count: 1 },
    { id: 'refuse', point: 'dynamodb', match: batchWrite, injector: { kind: 'partial_batch', fraction: 1 }, max_count: 10 },
  ]);
  const stored = async (item: { tenant_id: string; event_id: string }) =>
    (await dynamo.doc.send(new GetCommand({ TableName: table, Key: { tenant_id: item.tenant_id, event_id: item.event_id }, ConsistentRead: true }))).Item !== undefined;
  const missing = async (requests: BatchRequests): Promise<BatchRequests> => {
    const left = [];
    for (const write of requests[table] ?? []) if (!(await stored(write.PutRequest!.Item as { tenant_id: string; event_id: string }))) left.push(write);
    return left.length > 0 ? { [table]: left } : {};
  };
  const completer = new BatchCompleter(dynamo.doc);
  const batcher = new WriteBatcher(dynamo.doc, undefined, 1, { completer, missing });
  const items = [1, 2, 3, 4].map(event);
  const results = await Promise.allSettled(items.map((item) => batcher.put([{ table, item }])));
  expect(results.map((r) => r.status)).toEqual(['rejected', 'rejected', 'rejected', 'rejected']);
  expect(await completer.settle(10_000)).toBe(true);
  expect(await Promise.all(items.map(stored))).toEqual([true, true, true, true]);
  dynamo.client.destroy();
});

it('keeps a call that landed in part open in the log while the journal cannot hold its rest, until the completer has written it', async () => {
  const batchWrite = { operation: 'BatchWriteItem' };
  const { dynamo, table } = await setup([
    // Half the call lands; the rest is handed back on the batcher's seven more rounds (it then gives
    // the rest to the completer) and on the completer's first three calls.
    { id: 'split', point: 'dynamodb', match: batchWrite, injector: { kind: 'partial_batch', fraction: 0.5 }, max_count: 1 },
    { id: 'refuse', point: 'dynamodb', match: batchWrite, injector: { kind: 'partial_batch', fraction: 1 }, max_count: 10 },
  ]);
  const dir = await mkdtemp(join(tmpdir(), 'aftershock-wb-log-'));
  onTestFinished(() => rm(dir, { recursive: true, force: true }));
  // A full disk for the journal: the rest of the call lives in memory only.
  await symlink('/dev/full', join(dir, 'unfinished-writes.json.tmp'));
  const completer = new BatchCompleter(dynamo.doc, { journalPath: join(dir, 'unfinished-writes.json') });
  completer.onJournalError = () => undefined;
  const log = new InFlightLog(join(dir, 'in-flight-writes'));
  const batcher = new WriteBatcher(dynamo.doc, undefined, 1, { completer, log });
  const items = [1, 2, 3, 4].map(event);
  const results = await Promise.allSettled(items.map((item) => batcher.put([{ table, item }])));
  expect(results.map((r) => r.status)).toEqual(['rejected', 'rejected', 'rejected', 'rejected']);
  expect(completer.journalFailed).toBe(true);
  // Still open on disk while its rest is refused (a next call's line carries any end held so far): a
  // crash now would leave it to the next start.
  const next = log.begin({});
  expect(InFlightLog.load(log.path).calls).toEqual([expect.objectContaining({ [table]: expect.any(Array) }), {}]);
  log.end(next);
  expect(await completer.settle(10_000)).toBe(true);
  await waitFor(() => InFlightLog.load(log.path).calls.length === 0, { message: 'the call ended in the log once its rest was written' });
  for (const item of items) expect((await dynamo.doc.send(new GetCommand({ TableName: table, Key: { tenant_id: item.tenant_id, event_id: item.event_id }, ConsistentRead: true }))).Item).toBeDefined();
  log.close();
  dynamo.client.destroy();
});

it('writes the records of the puts that share a call as one bundle row in that call, and never a call of more than 25 items', async () => {
  const { dynamo, table, outbox } = await setup([]);
  const bundles: number[][] = [];
  const batcher = new WriteBatcher<number, number>(dynamo.doc, (records) => {
    bundles.push(records);
    return { puts: [{ table: outbox, item: { consumer: 'analytics', event_id: `b${records[0]}`, records } }], shared: records[0]! };
  });
  // 40 callers of two items each in one turn: 12 fit a call beside their bundle row (2 × 12 + 1 = 25).
  const told = await Promise.all(Array.from({ length: 40 }, (_, i) => batcher.put([{ table, item: event(i) }, { table, item: event(100 + i) }], i)));
  expect(bundles.map((b) => b.length)).toEqual([12, 12, 12, 4]);
  // Each caller is told what the bundle of its own call said.
  expect(told).toEqual(Array.from({ length: 40 }, (_, i) => Math.floor(i / 12) * 12));
  // One put each: 24 beside the bundle row, not 25 (a call of 26 items would be refused).
  await Promise.all(Array.from({ length: 30 }, (_, i) => batcher.put([{ table, item: event(200 + i) }], 200 + i)));
  expect(bundles.slice(4).map((b) => b.length)).toEqual([24, 6]);
  for (const records of bundles) {
    const { Item } = await dynamo.doc.send(new GetCommand({ TableName: outbox, Key: { consumer: 'analytics', event_id: `b${records[0]}` }, ConsistentRead: true }));
    expect(Item?.records).toEqual(records);
  }
  // A caller without a record shares a call but is told nothing.
  expect(await Promise.all([batcher.put([{ table, item: event(300) }]), batcher.put([{ table, item: event(301) }], 301)])).toEqual([undefined, 301]);
  dynamo.client.destroy();
});

it('keeps room in each call for every row a bundle may make', async () => {
  const { dynamo, table, outbox } = await setup([]);
  const batcher = new WriteBatcher<number, number>(
    dynamo.doc,
    (records) => ({
      puts: ['a', 'b'].map((kind) => ({ table: outbox, item: { consumer: 'analytics', event_id: `${kind}${records[0]}`, records } })),
      shared: records.length,
    }),
    2,
  );
  // One put each and two bundle rows: 23 callers a call (23 + 2 = 25).
  const told = await Promise.all(Array.from({ length: 30 }, (_, i) => batcher.put([{ table, item: event(400 + i) }], i)));
  expect(told).toEqual([...Array.from({ length: 23 }, () => 23), ...Array.from({ length: 7 }, () => 7)]);
  const { Item } = await dynamo.doc.send(new GetCommand({ TableName: outbox, Key: { consumer: 'analytics', event_id: 'b23' }, ConsistentRead: true }));
  expect(Item?.records).toEqual([23, 24, 25, 26, 27, 28, 29]);
  dynamo.client.destroy();
});

/** A batcher holding puts up to `holdMs`, whose first call waits until `release()`; `calls` counts each call's items. */
async function withSlowFirstCall(holdMs: number) {
  const { dynamo, table } = await setup([]);
  const calls: number[] = [];
  let release!: () => void;
  const gate = new Promise<void>((r) => (release = r));
  dynamo.client.middlewareStack.add(
    (next) => async (args) => {
      const input = args.input as { RequestItems?: Record<string, unknown[]> };
      if (input.RequestItems) {
        calls.push(Object.values(input.RequestItems).flat().length);
        if (calls.length === 1) await gate;
      }
      return next(args);
    },
    { step: 'initialize' },
  );
  return { dynamo, table, calls, release, batcher: new WriteBatcher(dynamo.doc, undefined, 1, { holdMs }) };
}

/** Lets the event loop turn once, so each put below arrives in a turn of its own. */
const nextTurn = () => new Promise<void>((r) => setImmediate(r));

it('holds puts of later turns while a call is in flight and sends them together once it returns', async () => {
  const { dynamo, table, calls, release, batcher } = await withSlowFirstCall(60_000);
  const first = batcher.put([{ table, item: event(500) }]);
  await waitFor(() => calls.length === 1, { message: 'first call sent' });
  const later: Promise<unknown>[] = [];
  for (let i = 1; i <= 5; i++) {
    later.push(batcher.put([{ table, item: event(500 + i) }]));
    await nextTurn();
  }
  expect(calls).toEqual([1]);
  release();
  await Promise.all([first, ...later]);
  expect(calls).toEqual([1, 5]);
  dynamo.client.destroy();
});

it('sends a held put beside a slow call once the hold runs out', async () => {
  const { dynamo, table, calls, release, batcher } = await withSlowFirstCall(20);
  const first = batcher.put([{ table, item: event(600) }]);
  await waitFor(() => calls.length === 1, { message: 'first call sent' });
  await batcher.put([{ table, item: event(601) }]);
  expect(calls).toEqual([1, 1]);
  const { Item } = await dynamo.doc.send(new GetCommand({ TableName: table, Key: { tenant_id: 'tnt_wb', event_id: event(601).event_id }, ConsistentRead: true }));
  expect(Item?.attempts).toBe(601);
  release();
  await first;
  dynamo.client.destroy();
});
