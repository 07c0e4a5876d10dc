// Events handed to fan-out straight from the request that stored them: trusted only under the fan-out
// lease hold they were stored under, skipped once any pass began on their outbox row, and otherwise
// fanned out without reading the outbox or checking for existing deliveries.
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { ManualClock } from '../../../reference-server/src/domain/clock.js';
import { newEventRecord } from '../../../reference-server/src/domain/event.js';
import { fenceMargins } from '../../../reference-server/src/workers/delivery-fence.js';
import { fanOutOnce, RecentIds, type HandedEvent } from '../../../reference-server/src/workers/fanout.js';
import { FANOUT_LEASE_RENEW_MS, FanoutLease } from '../../../reference-server/src/workers/fanout-lease.js';
import { recordingHandoff } from '../../support/recording-handoff.js';
import { startTestApi, type TestApi } from '../../support/test-api.js';

const margins = fenceMargins(30_000);
const clock = new ManualClock(Date.parse('2026-06-01T00:00:00Z'));
let api: TestApi;
beforeAll(async () => {
  api = await startTestApi({ WORKER_ENABLED: 'false', WEBHOOK_VISIBILITY_TIMEOUT_MS: '30000', WEBHOOK_TIMEOUT_MS: '10000' }, { clock });
});
afterAll(async () => api?.close());

const leaseFor = (holder: string) => new FanoutLease(api.workerDeps.stores.deliveries.fanoutLease, holder, () => clock.now(), margins, 15_000);


/** Stores `count` events one by one (a row each) for a fresh tenant with one webhook; returns the webhook and the events as handed over. */
async function storedEvents(count: number): Promise<{ webhookId: string; events: HandedEvent[] }> {
  const key = await api.createKey();
  const hook = await api.call('POST', '/v1/webhooks', { key: key.api_key, body: { url: 'http://127.0.0.1:9/hook', events: ['*'] } });
  const ids = new Set<string>();
  for (let i = 0; i < count; i++) ids.add((await api.call('POST', '/v1/events', { key: key.api_key, body: { source: 's', event_type: 'e.x', payload: { i } } })).body.event_id as string);
  const rows = await api.workerDeps.stores.outbox.read('fanout', 1_000);
  const events = rows.flatMap((r) => r.events.filter((e) => ids.has(e.event_id)).map((event) => ({ event, row: { key: r.event_id, size: r.events.length } })));
  return { webhookId: hook.body.webhook_id as string, events };
}

/** Stores `count` events in one write batch (so one shared fan-out row) for a fresh tenant with one webhook. */
async function sharedRow(count: number): Promise<{ webhookId: string; events: HandedEvent[] }> {
  const key = await api.createKey();
  const hook = await api.call('POST', '/v1/webhooks', { key: key.api_key, body: { url: 'http://127.0.0.1:9/hook', events: ['*'] } });
  const records = Array.from({ length: count }, (_, i) => newEventRecord(key.tenant_id, `evt_01JSHARED${String(++shared).padStart(16, '0')}`, { source: 's', event_type: 'e.x', payload: { i } }, new Date(clock.now()).toISOString()));
  // Created in the same turn, so group commit writes them in one call, their fan-out entries in one row.
  const rows = await Promise.all(records.map((r) => api.deps.stores.events.createNew(r)));
  expect(new Set(rows.map((r) => JSON.stringify(r)))).toEqual(new Set([JSON.stringify({ key: records[0]!.event_id, size: count })]));
  return { webhookId: hook.body.webhook_id as string, events: records.map((event, i) => ({ event, row: rows[i]! })) };
}
let shared = 0;

const deliveriesOf = async (webhookId: string) => (await api.workerDeps.stores.deliveries.listByWebhook(webhookId, { limit: 1_000 })).deliveries;
const outboxHas = async (eventId: string) => (await api.workerDeps.stores.outbox.read('fanout', 1_000)).some((r) => r.events.some((e) => e.event_id === eventId));

describe('recent ids', () => {
  it('remembers an id for at least the ttl and forgets it after twice the ttl', () => {
    let t = 0;
    const recent = new RecentIds(100, () => t);
    recent.add('a');
    t = 99;
    expect(recent.has('a')).toBe(true);
    t = 150;
    recent.add('b');
    expect(recent.has('a')).toBe(true);
    t = 260;
    expect([recent.has('a'), recent.has('b')]).toEqual([false, true]);
    t = 1_000;
    expect(recent.has('b')).toBe(false);
  });
});

describe('fan-out lease hold', () => {
  it('stays the same hold across renewals and starts a new one after the lease ran out', async () => {
    const a = leaseFor('hold-a');
    const b = leaseFor('hold-b');
    expect(a.heldSince()).toBeUndefined();
    await a.writeDeadline();
    const first = a.heldSince();
    expect(first).toBeDefined();
    expect(b.heldSince()).toBeUndefined();
    clock.advance(FANOUT_LEASE_RENEW_MS + 1);
    await a.writeDeadline();
    expect(a.heldSince()).toBe(first);
    // Out past its end: another process holds it in between, then gives it back.
    clock.advance(a.lengthMs);
    expect(a.heldSince()).toBeUndefined();
    await b.writeDeadline();
    await b.release();
    await a.writeDeadline();
    expect(a.heldSince()).toBeDefined();
    expect(a.heldSince()).not.toBe(first);
    await a.release();
    expect(a.heldSince()).toBeUndefined();
  });
});

describe('handed events', () => {
  it('are fanned out without reading the outbox or checking for existing deliveries, and their rows removed', async () => {
    const { webhookId, events } = await storedEvents(5);
    const fence = leaseFor('handed-fast');
    await fence.writeDeadline();
    const { handoff, taken } = recordingHandoff();
    const read = vi.spyOn(api.workerDeps.stores.outbox, 'readPage');
    const existing = vi.spyOn(api.workerDeps.stores.deliveries, 'existing');
    try {
      const pass = await fanOutOnce(api.workerDeps, fence, handoff, undefined, { touched: new RecentIds(60_000), handed: { events, tenure: fence.heldSince()! } });
      expect(pass).toMatchObject({ leader: true, rows: 5, enqueued: 5 });
      expect(read).not.toHaveBeenCalled();
      expect(existing).not.toHaveBeenCalled();
    } finally {
      read.mockRestore();
      existing.mockRestore();
    }
    expect(taken.map((l) => l.delivery.event_id).sort()).toEqual(events.map((e) => e.event.event_id).sort());
    expect(await deliveriesOf(webhookId)).toHaveLength(5);
    for (const e of events) expect(await outboxHas(e.event.event_id)).toBe(false);
    await fence.release();
  });

  it('are skipped once a pass that read the outbox began on them, so nothing is created twice', async () => {
    const { webhookId, events } = await storedEvents(3);
    const fence = leaseFor('handed-after-read');
    await fence.writeDeadline();
    const touched = new RecentIds(60_000);
    const first = recordingHandoff();
    expect(await fanOutOnce(api.workerDeps, fence, first.handoff, undefined, { touched })).toMatchObject({ leader: true, rows: 3, enqueued: 3 });
    const again = recordingHandoff();
    const pass = await fanOutOnce(api.workerDeps, fence, again.handoff, undefined, { touched, handed: { events, tenure: fence.heldSince()! } });
    expect(pass).toMatchObject({ leader: true, rows: 0, enqueued: 0 });
    expect(again.taken).toEqual([]);
    expect(await deliveriesOf(webhookId)).toHaveLength(3);
    await fence.release();
  });

  it('are not trusted under another hold than the one they were stored under: their rows wait for the outbox read', async () => {
    const { webhookId, events } = await storedEvents(2);
    const fence = leaseFor('handed-stale');
    await fence.writeDeadline();
    const { handoff, taken } = recordingHandoff();
    const pass = await fanOutOnce(api.workerDeps, fence, handoff, undefined, { touched: new RecentIds(60_000), handed: { events, tenure: fence.heldSince()! - 1 } });
    expect(pass).toMatchObject({ rows: 0, enqueued: 0 });
    expect(taken).toEqual([]);
    expect(await deliveriesOf(webhookId)).toHaveLength(0);
    for (const e of events) expect(await outboxHas(e.event.event_id)).toBe(true);
    // The outbox read then fans them out, checking for existing deliveries as always.
    expect(await fanOutOnce(api.workerDeps, fence, handoff)).toMatchObject({ leader: true, enqueued: 2 });
    expect(await deliveriesOf(webhookId)).toHaveLength(2);
    await fence.release();
  });
  it('remove a shared row they all belong to, and leave one handed in part to a read that redoes it whole', async () => {
    const whole = await sharedRow(3);
    const fence = leaseFor('handed-shared');
    await fence.writeDeadline();
    const touched = new RecentIds(60_000);
    const { handoff } = recordingHandoff();
    expect(await fanOutOnce(api.workerDeps, fence, handoff, undefined, { touched, handed: { events: whole.events, tenure: fence.heldSince()! } })).toMatchObject({ rows: 3, enqueued: 3 });
    expect(await outboxHas(whole.events[0]!.event.event_id)).toBe(false);

    const part = await sharedRow(3);
    // Two of the row's three events handed over: their deliveries are created, the row stays.
    expect(await fanOutOnce(api.workerDeps, fence, handoff, undefined, { touched, handed: { events: part.events.slice(0, 2), tenure: fence.heldSince()! } })).toMatchObject({ rows: 2, enqueued: 2 });
    expect(await deliveriesOf(part.webhookId)).toHaveLength(2);
    expect(await outboxHas(part.events[2]!.event.event_id)).toBe(true);
    // The third, handed later, is left to a read: a pass began on its row.
    expect(await fanOutOnce(api.workerDeps, fence, handoff, undefined, { touched, handed: { events: part.events.slice(2), tenure: fence.heldSince()! } })).toMatchObject({ rows: 0 });
    // The read redoes the row whole: the third delivery is created, the first two are not created again, and the row goes.
    expect(await fanOutOnce(api.workerDeps, fence, handoff, undefined, { touched })).toMatchObject({ rows: 3, enqueued: 1 });
    expect(await deliveriesOf(part.webhookId)).toHaveLength(3);
    expect(await outboxHas(part.events[2]!.event.event_id)).toBe(false);

    // One event handed twice is one of the row's events, not two: the row stays for its other event.
    const twice = await sharedRow(2);
    expect(await fanOutOnce(api.workerDeps, fence, handoff, undefined, { touched, handed: { events: [twice.events[0]!, twice.events[0]!], tenure: fence.heldSince()! } })).toMatchObject({ rows: 1, enqueued: 1 });
    expect(await outboxHas(twice.events[1]!.event.event_id)).toBe(true);
    await fence.release();
  });
});
