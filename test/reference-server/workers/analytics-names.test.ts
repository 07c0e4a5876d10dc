// Analytics of every source and event type name the API accepts, on dynalite (which enforces DynamoDB's
// 400 KB item limit as DynamoDB does). A batch's manifest holds its facts in one item, and a row its
// distributions: names as long as the API allows took either past the limit, leaving a batch that could
// never open or close, so analytics stopped for every tenant. Names of Object.prototype's members were
// counted as text ("function valueOf() { [native code] }1") or dropped.
import { describe, expect, it } from 'vitest';
import { MAX_DISTINCT, MAX_DISTINCT_BYTES, OTHER, type AggregateRow, type EventFact } from '../../../reference-server/src/domain/analytics.js';
import { systemClock } from '../../../reference-server/src/domain/clock.js';
import { BATCH_FACT_BYTES } from '../../../reference-server/src/store/outbox-store.js';
import { createStores, type Stores } from '../../../reference-server/src/store/stores.js';
import { marshall } from '@aws-sdk/util-dynamodb';
import { outboxFeed, withinFactBytes } from '../../../reference-server/src/workers/analytics-feeds.js';
import { drain, type ProcessorDeps } from '../../../reference-server/src/workers/analytics-processor.js';
import type { Manifest } from '../../../reference-server/src/store/analytics-state-store.js';
import { freshTablesFor } from '../../support/fresh-tables.js';

const freshTables = freshTablesFor('lim');

async function freshStores(): Promise<Stores> {
  const { dynamo, names } = await freshTables();
  return createStores(dynamo.doc, names.events.slice(0, -'events'.length));
}

const HOUR = '2026-12-06T10:00:00.000Z';
const fact = (i: number, source: string, event_type = 'order.created'): EventFact => ({
  kind: 'event',
  id: `evt_01KBZ${String(i).padStart(21, '0')}`,
  tenant_id: 'tnt_limits',
  source,
  event_type,
  created_at: HOUR,
});

async function hourly(stores: Stores): Promise<AggregateRow> {
  const { rows } = await stores.analytics.query('tnt_limits', 'hourly', { from: '0', to: '9', limit: 10, nowMs: Date.now() });
  expect(rows).toHaveLength(1);
  return rows[0]!;
}

describe('analytics of names the API accepts', () => {
  it('splits a batch of long-named facts so its manifest fits, and counts every fact once', async () => {
    const stores = await freshStores();
    // 256 characters the JSON of a fact escapes to 6 bytes each: 250 such facts came to ~480 KB.
    const facts = Array.from({ length: 250 }, (_, i) => fact(i, `${i}:`.padEnd(256, '\u0001')));
    for (const f of facts) await stores.outbox.putFact(f);
    const manifests: Manifest[] = [];
    const deps: ProcessorDeps = { rows: stores.analytics, state: stores.analyticsState, clock: systemClock, batchSize: 250, onClosed: (m) => manifests.push(m) };
    expect(await drain(deps, outboxFeed(stores.outbox), 20)).toBe(250);
    expect(manifests.length).toBeGreaterThan(1);
    // Each manifest as stored (one string attribute) within the item limit, its facts within the read's budget.
    for (const m of manifests) {
      expect(Buffer.byteLength(JSON.stringify(m))).toBeLessThan(400 * 1024);
      expect(m.facts.reduce((bytes, f) => bytes + Buffer.byteLength(JSON.stringify(f)), 0)).toBeLessThanOrEqual(BATCH_FACT_BYTES);
    }
    const row = await hourly(stores);
    expect(row.event_count).toBe(250);
    expect(Object.values(row.source_distribution).reduce((a, b) => a + b, 0)).toBe(250);
    expect(await stores.outbox.readFacts(10)).toEqual([]);
  });

  it('keeps a row of more distinct long names than fit under the limit, with exact totals', async () => {
    const stores = await freshStores();
    // Sources of 256 three-byte characters, event types of 256 ASCII ones: 1,000 of each were ~1 MB.
    const n = MAX_DISTINCT + 200;
    const facts = Array.from({ length: n }, (_, i) => fact(i, `${i}:`.padEnd(256, '界'), `${i}.`.padEnd(256, 't')));
    for (let i = 0; i < n; i += 20) await stores.outbox.putFact(facts[i]!); // a few in rows of their own
    for (const [i, f] of facts.entries()) if (i % 20 !== 0) await stores.outbox.putFact(f);
    const deps: ProcessorDeps = { rows: stores.analytics, state: stores.analyticsState, clock: systemClock, batchSize: 250 };
    expect(await drain(deps, outboxFeed(stores.outbox), 50)).toBe(n);
    const row = await hourly(stores);
    expect(row.event_count).toBe(n);
    for (const dist of [row.source_distribution, row.event_type_distribution]) {
      expect(Object.values(dist).reduce((a, b) => a + b, 0)).toBe(n);
      expect(dist[OTHER]).toBeGreaterThan(0);
      const names = Object.keys(dist).filter((k) => k !== OTHER);
      expect(names.reduce((bytes, k) => bytes + Buffer.byteLength(k), 0)).toBeLessThanOrEqual(MAX_DISTINCT_BYTES);
    }
  });

  it('counts names that are members of Object.prototype like any other, totals exact', async () => {
    const stores = await freshStores();
    const names = ['constructor', 'valueOf', 'toString', 'hasOwnProperty', '__proto__', 'shop'];
    // Each name twice as a source and as an event type, over two batches, so rows are merged too.
    const facts = [...names, ...names].map((name, i) => fact(i, name, name));
    for (const f of facts) await stores.outbox.putFact(f);
    const deps: ProcessorDeps = { rows: stores.analytics, state: stores.analyticsState, clock: systemClock, batchSize: 6 };
    expect(await drain(deps, outboxFeed(stores.outbox), 10)).toBe(facts.length);
    const row = await hourly(stores);
    expect(row.event_count).toBe(12);
    for (const dist of [row.source_distribution, row.event_type_distribution]) {
      // `__proto__` and `constructor` are the names a map cannot hold through the SDK: counted under (other).
      expect({ ...dist }).toEqual({ valueOf: 2, toString: 2, hasOwnProperty: 2, shop: 2, [OTHER]: 4 });
      for (const v of Object.values(dist)) expect(typeof v).toBe('number');
    }
  });

  it('cuts a stream page where its facts reach the batch budget, keeping at least one record', () => {
    const record = (i: number, source: string) => ({
      eventName: 'INSERT' as const,
      dynamodb: { SequenceNumber: String(1000 + i), NewImage: marshall({ tenant_id: 'tnt_limits', event_id: fact(i, source).id, source, event_type: 'order.created', created_at: HOUR, payload_json: '{}' }) as never },
    });
    const long = Array.from({ length: 250 }, (_, i) => record(i, `${i}:`.padEnd(256, '\u0001')));
    const { records, facts } = withinFactBytes(long);
    expect(records.length).toBeGreaterThan(0);
    expect(records.length).toBeLessThan(250);
    expect(facts).toHaveLength(records.length);
    expect(facts.reduce((bytes, f) => bytes + Buffer.byteLength(JSON.stringify(f)), 0)).toBeLessThanOrEqual(BATCH_FACT_BYTES);
    // The next record would have gone past it.
    const next = withinFactBytes(long.slice(0, records.length + 1));
    expect(next.records).toHaveLength(records.length);
    // A page of short names is taken whole; one record past the budget on its own is still taken.
    expect(withinFactBytes(Array.from({ length: 250 }, (_, i) => record(i, 'shop'))).records).toHaveLength(250);
    expect(withinFactBytes([record(0, 'x'.repeat(BATCH_FACT_BYTES))]).records).toHaveLength(1);
  });
  it('counts a stream page\'s reveals, not a hidden event\'s delete, an ack or a delete', () => {
    const event = { tenant_id: 'tnt_limits', event_id: fact(1, 'shop').id, source: 'shop', event_type: 'order.created', created_at: HOUR, payload_json: '{}', status: 'pending' };
    const tombstone = { tenant_id: event.tenant_id, event_id: event.event_id, deleted_at: HOUR };
    const modify = (before: Record<string, unknown>, after: Record<string, unknown>, i: number) => ({
      eventName: 'MODIFY' as const,
      dynamodb: { SequenceNumber: String(2000 + i), OldImage: marshall(before) as never, NewImage: marshall(after) as never },
    });
    const hidden = { ...event, outbox_pending: true };
    const { facts } = withinFactBytes([
      modify(hidden, event, 0), // the reveal: counted
      modify(hidden, tombstone, 1), // a hidden event deleted: never shown, not counted
      modify(event, { ...event, status: 'acknowledged' }, 2),
      modify(event, tombstone, 3),
    ]);
    expect(facts.map((f) => f.kind === 'event' && f.id)).toEqual([event.event_id]);
  });
});
