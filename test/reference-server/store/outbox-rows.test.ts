// Outbox rows: an event's rows carry it (and its analytics fact) as one JSON string each, read back as
// the records they were; rows stored as nested maps by earlier versions still read the same. Consumed
// analytics rows are remembered for CONSUMED_RETENTION_MS, then swept.
import { BatchWriteCommand, GetCommand } from '@aws-sdk/lib-dynamodb';
import { ulid } from 'ulid';
import { expect, it } from 'vitest';
import type { EventFact } from '../../../reference-server/src/domain/analytics.js';
import type { EventRecord } from '../../../reference-server/src/domain/event.js';
import { CONSUMED_RETENTION_MS, OutboxStore } from '../../../reference-server/src/store/outbox-store.js';
import { freshTablesFor } from '../../support/fresh-tables.js';

const freshTables = freshTablesFor('or');

async function setup() {
  const { dynamo, names } = await freshTables();
  const table = names['event-outbox'];
  return { doc: dynamo.doc, table, outbox: new OutboxStore(dynamo.doc, table, ['fanout', 'analytics']) };
}

const event = (n: number): EventRecord => ({
  tenant_id: 'tnt_or',
  event_id: `evt_01JCZ${String(n).padStart(21, '0')}`,
  source: 'billing',
  event_type: 'invoice.paid',
  payload_json: JSON.stringify({ amount: 12.5, lines: [{ sku: 'a' }], note: '' }),
  status: 'pending',
  created_at: '2026-12-05T09:00:00.000Z',
  acknowledged_at: null,
});

it('stores an event and its fact as one string attribute each and reads them back as they were', async () => {
  const { doc, table, outbox } = await setup();
  const e = event(1);
  const rows = outbox.rowsFor(e, { dedupe: true, reveal: true });
  await doc.send(new BatchWriteCommand({ RequestItems: { [table]: rows.map((Item) => ({ PutRequest: { Item } })) } }));

  const { Item } = await doc.send(new GetCommand({ TableName: table, Key: { consumer: 'fanout', event_id: e.event_id } }));
  expect(typeof Item?.event_json).toBe('string');
  expect(Item?.event).toBeUndefined();
  expect(await outbox.read('fanout', 10)).toEqual([{ consumer: 'fanout', event_id: e.event_id, events: [e], reveal: true }]);
  const facts = await outbox.readFacts(10);
  expect(facts.map((r) => r.fact)).toEqual([
    { kind: 'event', id: e.event_id, tenant_id: 'tnt_or', source: 'billing', event_type: 'invoice.paid', created_at: e.created_at, dedupe: true },
  ]);
  await outbox.remove('analytics', facts.map((r) => r.event_id));
  expect(await outbox.readFacts(10)).toEqual([]);
});

it('reads rows written as nested maps by earlier versions', async () => {
  const { doc, table, outbox } = await setup();
  const e = event(2);
  const fact = { kind: 'event', id: e.event_id, tenant_id: e.tenant_id, source: e.source, event_type: e.event_type, created_at: e.created_at };
  await doc.send(
    new BatchWriteCommand({
      RequestItems: {
        [table]: [
          { PutRequest: { Item: { consumer: 'fanout', event_id: e.event_id, event: e } } },
          { PutRequest: { Item: { consumer: 'analytics', event_id: `${e.event_id.slice(4)}#${e.event_id}`, fact } } },
        ],
      },
    }),
  );
  expect(await outbox.read('fanout', 10)).toEqual([{ consumer: 'fanout', event_id: e.event_id, events: [e] }]);
  expect((await outbox.readFacts(10)).map((r) => r.fact)).toEqual([fact]);
});

it('keeps the fan-out entries of a write batch in one row keyed by the first, read back in order', async () => {
  const { doc, table, outbox } = await setup();
  const events = [event(30), event(31), event(32)];
  const row = outbox.fanoutRow(events.map((e) => outbox.fanoutEntryFor(e)!));
  await doc.send(new BatchWriteCommand({ RequestItems: { [table]: [{ PutRequest: { Item: row } }] } }));
  expect(row.event_id).toBe(events[0]!.event_id);
  expect(await outbox.read('fanout', 10)).toEqual([{ consumer: 'fanout', event_id: events[0]!.event_id, events }]);
  expect(outbox.fanoutEventsPerRow).toBe(3);
  await outbox.remove('fanout', [row.event_id]);
  expect(await outbox.read('fanout', 10)).toEqual([]);
});

it('reads the facts of bundle rows in order, whole rows only, at most the limit unless one row holds more, and says if more remain', async () => {
  const { doc, table, outbox } = await setup();
  const facts = Array.from({ length: 9 }, (_, i) => outbox.factFor(event(10 + i))!);
  // Bundles of 4, 1 and 4 facts, and a fact of its own, as group commits and an idempotent create write them.
  const rows = [outbox.factsRow(facts.slice(0, 4)), outbox.factsRow(facts.slice(4, 5)), outbox.factsRow(facts.slice(5, 9)), ...outbox.rowsFor(event(30)).filter((r) => r.consumer === 'analytics')];
  await doc.send(new BatchWriteCommand({ RequestItems: { [table]: rows.map((Item) => ({ PutRequest: { Item } })) } }));

  const ids = (read: Awaited<ReturnType<typeof outbox.readFacts>>) => read.map((r) => r.fact.id);
  expect(ids(await outbox.readFacts(6))).toEqual(facts.slice(0, 5).map((f) => f.id));
  expect(ids(await outbox.readFacts(2))).toEqual(facts.slice(0, 4).map((f) => f.id));
  const all = await outbox.readFacts(100);
  expect(ids(all)).toEqual([...facts.map((f) => f.id), event(30).event_id]);
  // Whether rows remain beyond a read tells the processor to step again at once or to gather first.
  expect((await outbox.readFactBatch(6)).more).toBe(true);
  expect((await outbox.readFactBatch(10)).more).toBe(false);
  expect((await outbox.readFactBatch(100)).more).toBe(false);
  // Every fact names its row, so acknowledging removes each row once.
  await outbox.remove('analytics', [...new Set(all.map((r) => r.event_id))]);
  expect(await outbox.readFacts(100)).toEqual([]);
});

it('remembers the analytics rows it consumed, in every bucket and batch, until their records are swept', async () => {
  const { outbox } = await setup();
  const now = Date.now();
  const fact = (at: number): EventFact => ({ kind: 'event', id: `evt_${ulid(at).toLowerCase()}`, tenant_id: 'tnt_or', source: 's', event_type: 't', created_at: new Date(at).toISOString() });
  // 30 rows over two seconds (two buckets, two calls of 25), one row past the retention.
  const recent = Array.from({ length: 30 }, (_, i) => fact(now - 2_000 + i * 70));
  const stale = fact(now - CONSUMED_RETENTION_MS - 60_000);
  for (const f of [stale, ...recent]) await outbox.putFact(f);
  const read = await outbox.readFacts(100);
  expect(read).toHaveLength(31);
  const keys = read.map((r) => r.event_id);
  const [first, ...rest] = keys;
  expect(await outbox.consumedRows(keys)).toEqual(new Set());
  await outbox.consume([first!], 7);
  await outbox.consume(rest, 8);
  // Consumed rows are deleted, and known as consumed; a key never consumed is not.
  expect(await outbox.readFacts(100)).toEqual([]);
  const never = `${keys[5]!.slice(0, 8)}zzzzzzzzzzzzzzzzzz#evt_never`;
  expect(await outbox.consumedRows([...keys, never])).toEqual(new Set(keys));
  // Consuming again (a batch finished twice) changes nothing.
  await outbox.consume(rest, 8);
  expect(await outbox.consumedRows(keys)).toEqual(new Set(keys));
  // The sweep takes the record past the retention and keeps the others.
  expect(await outbox.sweepConsumed(now)).toBe(1);
  expect(await outbox.consumedRows(keys)).toEqual(new Set(rest));
  expect(await outbox.sweepConsumed(now)).toBe(0);
});
