// The tombstone sweep: tombstones of deleted events go once older than the retention, young ones and
// live events stay, a walk reads tombstones only however many events the table holds, an id used
// again between the sweep's read and its removal keeps its new event, and sweeps running at once
// remove (and count) each tombstone once. The job runs in the server.
import { GetCommand, QueryCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ManualClock, iso } from '../../../reference-server/src/domain/clock.js';
import { newEventRecord } from '../../../reference-server/src/domain/event.js';
import { TOMBSTONE_SHARDS, tombstoneShard, type TombstoneCursor } from '../../../reference-server/src/store/tombstone-store.js';
import { createStores } from '../../../reference-server/src/store/stores.js';
import { sweepTombstones, type TombstoneSweepOptions } from '../../../reference-server/src/workers/tombstone-sweep.js';
import { freshTablesFor } from '../../support/fresh-tables.js';
import { startTestApi, type TestApi } from '../../support/test-api.js';
import { waitFor } from '../../support/wait-for.js';

const HOUR = 3_600_000;
const RETENTION = 30 * HOUR;
const freshTables = freshTablesFor('tomb');
const eventId = (n: number) => `evt_${n.toString(16).padStart(26, '0')}`;
const body = { source: 'shop', event_type: 'order.created', payload: { n: 1 } };
const sum = (passes: number[]) => passes.reduce((a, b) => a + b, 0);
/** The first `count` ids (by eventId's numbering) whose tombstones fall in the first shard, which a pass from the start reads. */
const firstShardIds = (count: number) => {
  const ids: string[] = [];
  for (let n = 1; ids.length < count; n++) if (tombstoneShard(eventId(n)) === '0') ids.push(eventId(n));
  return ids;
};

async function setup() {
  const { dynamo, names } = await freshTables();
  const clock = new ManualClock(Date.parse('2026-03-01T00:00:00Z'));
  const stores = createStores(dynamo.doc, names.events.slice(0, -'events'.length), 'outbox', { tombstoneRetentionMs: RETENTION });
  /** The raw item under an event's key: a tombstone, an event, or nothing. */
  const raw = async (id: string) => (await dynamo.doc.send(new GetCommand({ TableName: names.events, Key: { tenant_id: 'ten_a', event_id: id }, ConsistentRead: true }))).Item;
  const create = (id: string) => stores.events.createIfAbsent(newEventRecord('ten_a', id, body, iso(clock.now())));
  const sweep = (opts: Partial<TombstoneSweepOptions> = {}, from?: TombstoneCursor) =>
    sweepTombstones({ tombstones: stores.tombstones, clock, retentionMs: RETENTION, pageSize: 1_000, ...opts }, from);
  /** A whole walk, from the first shard to the end of the last: each pass's removals. */
  const walk = async (opts: Partial<TombstoneSweepOptions> = {}) => {
    const passes: number[] = [];
    let pass = await sweep(opts);
    passes.push(pass.swept);
    while (pass.next && passes.length < 100) {
      pass = await sweep(opts, pass.next);
      passes.push(pass.swept);
    }
    return passes;
  };
  /** Every key in the tombstone index, all shards. */
  const indexed = async () => {
    const ids: string[] = [];
    for (let shard = 0; shard < TOMBSTONE_SHARDS; shard++) {
      const page = await dynamo.doc.send(
        new QueryCommand({ TableName: names.events, IndexName: 'tombstone-index', KeyConditionExpression: 'tombstone_shard = :s', ExpressionAttributeValues: { ':s': String(shard) } }),
      );
      ids.push(...(page.Items ?? []).map((i) => i.event_id as string));
    }
    return ids.sort();
  };
  return { stores, clock, raw, create, sweep, walk, indexed };
}

describe('tombstone sweep', () => {
  it('removes tombstones older than the retention and keeps young ones and live events', async () => {
    const { stores, clock, raw, create, walk } = await setup();
    for (const n of [1, 2, 3]) await create(eventId(n));
    const deletedAt = iso(clock.now());
    for (const n of [1, 2]) expect(await stores.events.delete('ten_a', eventId(n), deletedAt)).toBe(true);
    expect((await raw(eventId(1)))?.ttl).toBe((Date.parse(deletedAt) + RETENTION) / 1000);
    clock.advance(RETENTION - HOUR);
    await create(eventId(4));
    await stores.events.delete('ten_a', eventId(4), iso(clock.now()));

    expect(sum(await walk())).toBe(0);
    clock.advance(2 * HOUR);
    expect(sum(await walk())).toBe(2);
    expect(await raw(eventId(1))).toBeUndefined();
    expect(await raw(eventId(2))).toBeUndefined();
    expect((await raw(eventId(4)))?.deleted_at).toBe(iso(clock.now() - 2 * HOUR));
    expect((await stores.events.get('ten_a', eventId(3)))?.event_id).toBe(eventId(3));
    // Nothing left to remove: a second walk changes nothing.
    expect(Math.max(...(await walk()))).toBe(0);
  });

  it('puts tombstones, and nothing else, in the tombstone index, each in its shard', async () => {
    const { stores, clock, raw, create, indexed } = await setup();
    for (const n of [1, 2, 3]) await create(eventId(n));
    for (const n of [1, 3]) await stores.events.delete('ten_a', eventId(n), iso(clock.now()));
    expect(await indexed()).toEqual([eventId(1), eventId(3)]);
    expect((await raw(eventId(1)))?.tombstone_shard).toBe(tombstoneShard(eventId(1)));
    // The shards spread ids: 64 ids fall in more than half of them.
    expect(new Set(Array.from({ length: 64 }, (_, n) => tombstoneShard(eventId(n)))).size).toBeGreaterThan(TOMBSTONE_SHARDS / 2);
  });

  it('walks the tombstones only: live events, however many, cost a walk nothing', async () => {
    const { stores, clock, raw, create, walk } = await setup();
    for (let n = 1; n <= 120; n++) await create(eventId(n));
    for (const n of [7, 60, 113]) await stores.events.delete('ten_a', eventId(n), iso(clock.now()));
    clock.advance(RETENTION + HOUR);
    // Ten items a page: a walk of the whole table would take 13 passes; the index takes one per shard.
    const passes = await walk({ pageSize: 10 });
    expect(passes.length).toBe(TOMBSTONE_SHARDS);
    expect(sum(passes)).toBe(3);
    for (const n of [7, 60, 113]) expect(await raw(eventId(n))).toBeUndefined();
    expect((await stores.events.get('ten_a', eventId(8)))?.event_id).toBe(eventId(8));
  });

  it('reads at most one page per pass and reaches every tombstone by walking on', async () => {
    const { stores, clock, raw, create, walk } = await setup();
    for (let n = 1; n <= 30; n++) {
      await create(eventId(n));
      await stores.events.delete('ten_a', eventId(n), iso(clock.now()));
    }
    // Four more in one shard than a page holds: the walk goes on in that shard before the next.
    const crowded = tombstoneShard(eventId(1));
    for (let n = 100, extra = 0; extra < 14; n++) {
      if (tombstoneShard(eventId(n)) !== crowded) continue;
      await create(eventId(n));
      await stores.events.delete('ten_a', eventId(n), iso(clock.now()));
      extra++;
    }
    clock.advance(RETENTION + HOUR);
    const passes = await walk({ pageSize: 10 });
    expect(Math.max(...passes)).toBeLessThanOrEqual(10);
    expect(passes.length).toBeGreaterThan(TOMBSTONE_SHARDS);
    expect(sum(passes)).toBe(44);
    for (let n = 1; n <= 30; n++) expect(await raw(eventId(n))).toBeUndefined();
  });

  it('keeps an event created again with the same id after the sweep read its tombstone', async () => {
    const { stores, clock, raw, create, sweep } = await setup();
    const [one, two] = firstShardIds(2) as [string, string];
    await create(one);
    await create(two);
    await stores.events.delete('ten_a', one, iso(clock.now()));
    await stores.events.delete('ten_a', two, iso(clock.now()));
    clock.advance(RETENTION + HOUR);
    // Between the read and the removal: another sweep removes both tombstones, then one id is used for a
    // new event and the other's new event is deleted again (a newer tombstone).
    let raced = false;
    const pass = await sweep({
      beforeStep: async () => {
        if (raced) return;
        raced = true;
        expect((await sweep()).swept).toBe(2);
        await create(one);
        await create(two);
        await stores.events.delete('ten_a', two, iso(clock.now()));
      },
    });
    expect(raced).toBe(true);
    expect(pass.swept).toBe(0);
    expect((await stores.events.get('ten_a', one))?.event_id).toBe(one);
    expect((await raw(two))?.deleted_at).toBe(iso(clock.now()));
  });

  it('removes and counts each tombstone once when two sweeps run at the same time', async () => {
    const { stores, clock, raw, create, sweep } = await setup();
    const ids = firstShardIds(40);
    for (const id of ids) {
      await create(id);
      await stores.events.delete('ten_a', id, iso(clock.now()));
    }
    clock.advance(RETENTION + HOUR);
    // Both sweeps read the whole page before either removes anything, so each tombstone is tried by both.
    let arrived = 0;
    let release!: () => void;
    const bothRead = new Promise<void>((r) => (release = r));
    const barrier = async () => {
      if (++arrived === 2) release();
      await bothRead;
    };
    const [a, b] = await Promise.all([sweep({ beforeStep: barrier }), sweep({ beforeStep: barrier })]);
    expect(a.swept + b.swept).toBe(40);
    for (const id of ids) expect(await raw(id)).toBeUndefined();
  });
});

describe('tombstone sweep job', () => {
  const clock = new ManualClock(Date.parse('2026-03-01T00:00:00Z'));
  let api: TestApi;
  beforeAll(async () => {
    api = await startTestApi({ WORKER_ENABLED: 'true', EVENT_TOMBSTONE_SWEEP_MS: '100' }, { clock });
  });
  afterAll(async () => api?.close());

  it('removes a deleted event\'s tombstone in the server once the retention passed, and counts it', async () => {
    const { api_key: key, tenant_id: tenant } = await api.createKey();
    const created = await api.call('POST', '/v1/events', { key, body });
    expect(created.status).toBe(201);
    const id = created.body.event_id as string;
    expect((await api.call('DELETE', `/v1/events/${id}`, { key })).status).toBe(204);
    const stored = () => api.dynamo.doc.send(new GetCommand({ TableName: `${api.deps.config.TABLE_PREFIX}events`, Key: { tenant_id: tenant, event_id: id }, ConsistentRead: true }));
    expect((await stored()).Item?.deleted_at).toBeDefined();
    clock.advance(api.deps.config.EVENT_TOMBSTONE_RETENTION_MS + HOUR);
    await waitFor(async () => (await stored()).Item === undefined, { timeoutMs: 5_000, message: 'tombstone swept' });
    const metrics = await waitFor(async () => {
      const text = await (await fetch(`${api.url}/metrics`)).text();
      return /^event_tombstones_swept_total 1$/m.test(text) ? text : undefined;
    }, { timeoutMs: 5_000, message: 'event_tombstones_swept_total 1' });
    expect(metrics).toMatch(/^event_tombstones_swept_total 1$/m);
  });
});
