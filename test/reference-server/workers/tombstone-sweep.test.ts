// The tombstone sweep: tombstones of deleted events go once older than the retention, young ones and
// live events stay, an id used again between the sweep's read and its removal keeps its new event,
// and sweeps running at once remove (and count) each tombstone once. The job runs in the server.
import { GetCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ManualClock, iso } from '../../../reference-server/src/domain/clock.js';
import { newEventRecord } from '../../../reference-server/src/domain/event.js';
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

async function setup() {
  const { dynamo, names } = await freshTables();
  const clock = new ManualClock(Date.parse('2026-03-01T00:00:00Z'));
  const stores = createStores(dynamo.doc, names.events.slice(0, -'events'.length), 'outbox', { tombstoneRetentionMs: RETENTION });
  /** The raw item under an event's key: a tombstone, an event, or nothing. */
  const raw = async (id: string) => (await dynamo.doc.send(new GetCommand({ TableName: names.events, Key: { tenant_id: 'ten_a', event_id: id }, ConsistentRead: true }))).Item;
  const create = (id: string) => stores.events.createIfAbsent(newEventRecord('ten_a', id, body, iso(clock.now())));
  const sweep = (opts: Partial<TombstoneSweepOptions> = {}, startKey?: Record<string, unknown>) =>
    sweepTombstones({ events: stores.events, clock, retentionMs: RETENTION, pageSize: 1_000, ...opts }, startKey);
  return { stores, clock, raw, create, sweep };
}

describe('tombstone sweep', () => {
  it('removes tombstones older than the retention and keeps young ones and live events', async () => {
    const { stores, clock, raw, create, sweep } = await setup();
    for (const n of [1, 2, 3]) await create(eventId(n));
    const deletedAt = iso(clock.now());
    for (const n of [1, 2]) expect(await stores.events.delete('ten_a', eventId(n), deletedAt)).toBe(true);
    expect((await raw(eventId(1)))?.ttl).toBe((Date.parse(deletedAt) + RETENTION) / 1000);
    clock.advance(RETENTION - HOUR);
    await create(eventId(4));
    await stores.events.delete('ten_a', eventId(4), iso(clock.now()));

    expect((await sweep()).swept).toBe(0);
    clock.advance(2 * HOUR);
    expect((await sweep()).swept).toBe(2);
    expect(await raw(eventId(1))).toBeUndefined();
    expect(await raw(eventId(2))).toBeUndefined();
    expect((await raw(eventId(4)))?.deleted_at).toBe(iso(clock.now() - 2 * HOUR));
    expect((await stores.events.get('ten_a', eventId(3)))?.event_id).toBe(eventId(3));
    // Nothing left to remove: a second pass changes nothing.
    expect((await sweep()).swept).toBe(0);
  });

  it('reads at most one page per pass and reaches every tombstone by walking on', async () => {
    const { stores, clock, raw, create, sweep } = await setup();
    for (let n = 1; n <= 30; n++) {
      await create(eventId(n));
      await stores.events.delete('ten_a', eventId(n), iso(clock.now()));
    }
    clock.advance(RETENTION + HOUR);
    const passes: number[] = [];
    let pass = await sweep({ pageSize: 10 });
    passes.push(pass.swept);
    while (pass.next && passes.length < 20) {
      pass = await sweep({ pageSize: 10 }, pass.next);
      passes.push(pass.swept);
    }
    expect(Math.max(...passes)).toBeLessThanOrEqual(10);
    expect(passes.reduce((a, b) => a + b, 0)).toBe(30);
    for (let n = 1; n <= 30; n++) expect(await raw(eventId(n))).toBeUndefined();
  });

  it('keeps an event created again with the same id after the sweep read its tombstone', async () => {
    const { stores, clock, raw, create, sweep } = await setup();
    await create(eventId(1));
    await create(eventId(2));
    await stores.events.delete('ten_a', eventId(1), iso(clock.now()));
    await stores.events.delete('ten_a', eventId(2), iso(clock.now()));
    clock.advance(RETENTION + HOUR);
    // Between the read and the removal: another sweep removes both tombstones, then one id is used for a
    // new event and the other's new event is deleted again (a newer tombstone).
    let raced = false;
    const pass = await sweep({
      beforeStep: async () => {
        if (raced) return;
        raced = true;
        expect((await sweep()).swept).toBe(2);
        await create(eventId(1));
        await create(eventId(2));
        await stores.events.delete('ten_a', eventId(2), iso(clock.now()));
      },
    });
    expect(raced).toBe(true);
    expect(pass.swept).toBe(0);
    expect((await stores.events.get('ten_a', eventId(1)))?.event_id).toBe(eventId(1));
    expect((await raw(eventId(2)))?.deleted_at).toBe(iso(clock.now()));
  });

  it('removes and counts each tombstone once when two sweeps run at the same time', async () => {
    const { stores, clock, raw, create, sweep } = await setup();
    for (let n = 1; n <= 40; n++) {
      await create(eventId(n));
      await stores.events.delete('ten_a', eventId(n), iso(clock.now()));
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
    for (let n = 1; n <= 40; n++) expect(await raw(eventId(n))).toBeUndefined();
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
