// Analytics end to end on a real server and dynalite: events through the API reach the hourly and
// daily rows, request statistics are flushed and counted, idempotent retries count once, several
// processors at once never double count, expired rows are filtered and swept, and the lag is exported.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { emptyCounts, periodsOf, type AggregateRow, type MetricType } from '../../../reference-server/src/domain/analytics.js';
import { systemClock } from '../../../reference-server/src/domain/clock.js';
import type { Stores } from '../../../reference-server/src/store/stores.js';
import { outboxFeed } from '../../../reference-server/src/workers/analytics-feeds.js';
import { drain, type ProcessorDeps } from '../../../reference-server/src/workers/analytics-processor.js';
import { startReceiver } from '../../support/receiver.js';
import { startTestApi, type CreatedKey, type TestApi } from '../../support/test-api.js';
import { waitFor } from '../../support/wait-for.js';

let api: TestApi;
let stores: Stores;
beforeAll(async () => {
  api = await startTestApi({ ANALYTICS_FLUSH_MS: '100', ANALYTICS_POLL_MS: '50', WEBHOOK_RETRY_SCHEDULE: '50,100', WEBHOOK_RETRY_JITTER: '0', WORKER_POLL_MS: '50' });
  stores = api.deps.stores as unknown as Stores;
});
afterAll(async () => {
  await api?.close();
});

const send = (key: CreatedKey, source: string, event_type = 'order.created', headers: Record<string, string> = {}) =>
  api.call('POST', '/v1/events', { key: key.api_key, body: { source, event_type, payload: { n: 1 } }, headers });

async function rows(tenant: string, metric: MetricType): Promise<AggregateRow[]> {
  return (await stores.analytics.query(tenant, metric, { from: '0', to: '9', limit: 1_000, nowMs: Date.now() })).rows;
}

type CountField = 'event_count' | 'request_count' | 'request_error_count' | 'delivery_count' | 'delivery_error_count';
const sumOf = (rs: AggregateRow[], field: CountField) => rs.reduce((n, r) => n + r[field], 0);
const total = sumOf;

/** A distribution summed over rows (a Map underneath: names such as `valueOf` are counted like any other). */
const namesOf = (rs: AggregateRow[], pick: (r: AggregateRow) => Record<string, number>) => {
  const acc = new Map<string, number>();
  for (const r of rs) for (const [k, v] of Object.entries(pick(r))) acc.set(k, (acc.get(k) ?? 0) + v);
  return Object.fromEntries(acc);
};

describe('analytics from the outbox feed', () => {
  it('counts events by hour and day with their sources and types, and the requests that made them', async () => {
    const key = await api.createKey();
    for (const source of ['shop', 'shop', 'a,b "c"']) expect((await send(key, source)).status).toBe(201);
    expect((await send(key, 'billing', 'invoice.paid')).status).toBe(201);
    const hourly = await waitFor(async () => {
      const rs = await rows(key.tenant_id, 'hourly');
      return total(rs, 'event_count') === 4 && total(rs, 'request_count') >= 4 ? rs : undefined;
    }, { message: 'events and requests counted' });
    // A batch writes the hour's and the day's rows side by side: the day may land a moment after the hour.
    const daily = await waitFor(async () => {
      const rs = await rows(key.tenant_id, 'daily');
      return total(rs, 'event_count') === 4 ? rs : undefined;
    }, { message: 'events counted in the day' });
    expect(total(daily, 'event_count')).toBe(4);
    expect(namesOf(hourly, (r) => r.source_distribution)).toEqual({ shop: 2, 'a,b "c"': 1, billing: 1 });
    expect(namesOf(daily, (r) => r.event_type_distribution)).toEqual({ 'order.created': 3, 'invoice.paid': 1 });
    // Every hour row lies inside a day row of the same tenant.
    expect(hourly.every((h) => daily.some((d) => h.period.startsWith(d.period)))).toBe(true);
  });

  it('keeps counting every tenant after one sends names the store cannot hold as map keys', async () => {
    const odd = await api.createKey();
    const plain = await api.createKey();
    // A stored map can hold neither name as a key: counted under (other), the row stays writable.
    expect((await send(odd, 'valueOf', 'constructor')).status).toBe(201);
    expect((await send(odd, '__proto__', 'toString')).status).toBe(201);
    expect((await send(plain, 'shop')).status).toBe(201);
    const counted = await waitFor(async () => {
      const [a, b] = [await rows(odd.tenant_id, 'hourly'), await rows(plain.tenant_id, 'hourly')];
      return total(a, 'event_count') === 2 && total(b, 'event_count') === 1 ? a : undefined;
    }, { message: 'both tenants counted' });
    expect(namesOf(counted, (r) => r.source_distribution)).toEqual({ valueOf: 1, '(other)': 1 });
    expect(namesOf(counted, (r) => r.event_type_distribution)).toEqual({ toString: 1, '(other)': 1 });
  });

  it('counts failed requests as errors and keeps their latency histogram', async () => {
    const key = await api.createKey();
    expect((await send(key, 'shop')).status).toBe(201);
    expect((await api.call('POST', '/v1/events', { key: key.api_key, body: { source: '' } })).status).toBe(400);
    expect((await api.call('GET', '/v1/events/evt_00000000000000000000000000', { key: key.api_key })).status).toBe(404);
    // Summed over rows: the requests may straddle a UTC midnight.
    const rs = await waitFor(async () => {
      const found = await rows(key.tenant_id, 'daily');
      return sumOf(found, 'request_count') === 3 ? found : undefined;
    }, { message: 'three requests counted' });
    expect(sumOf(rs, 'request_error_count')).toBe(2);
    expect(rs.every((r) => r.latency_histogram !== '')).toBe(true);
  });

  it('counts webhook delivery attempts and their failures as the tenant\'s errors', async () => {
    const key = await api.createKey();
    const receiver = await startReceiver();
    try {
      receiver.respond((req) => (req.n === 1 ? { status: 500 } : { status: 200 }));
      expect((await api.call('POST', '/v1/webhooks', { key: key.api_key, body: { url: receiver.url, events: ['*'] } })).status).toBe(201);
      expect((await send(key, 'shop')).status).toBe(201);
      await waitFor(() => receiver.received.length === 2, { message: 'failed once, then delivered' });
      const rs = await waitFor(async () => {
        const found = await rows(key.tenant_id, 'daily');
        return sumOf(found, 'delivery_count') === 2 ? found : undefined;
      }, { message: 'both attempts counted' });
      expect(sumOf(rs, 'delivery_error_count')).toBe(1);
      expect(sumOf(rs, 'event_count')).toBe(1);
    } finally {
      await receiver.close();
    }
  });

  it('counts an event once when its idempotent retry rewrites the feed after it was counted', async () => {
    const key = await api.createKey();
    const headers = { 'idempotency-key': 'retry-1' };
    expect((await send(key, 'shop', 'order.created', headers)).status).toBe(201);
    await waitFor(async () => total(await rows(key.tenant_id, 'daily'), 'event_count') === 1, { message: 'first counted' });
    const again = await send(key, 'shop', 'order.created', headers);
    expect(again.status).toBe(201);
    expect(again.headers.get('idempotent-replayed')).toBe('true');
    // The duplicate rewrote the analytics row: wait until the feed is empty again, then compare.
    await waitFor(async () => (await stores.outbox.readFacts(1)).length === 0, { message: 'feed drained' });
    expect(total(await rows(key.tenant_id, 'daily'), 'event_count')).toBe(1);
  });

  it('never double counts with three processors on the same feed', async () => {
    const key = await api.createKey();
    const extra = (): ProcessorDeps => ({ rows: stores.analytics, state: stores.analyticsState, clock: systemClock, batchSize: 7 });
    const feed = outboxFeed(stores.outbox);
    const sends = Array.from({ length: 120 }, (_, i) => send(key, `s${i % 5}`));
    // Two more processors race the server's own while the events arrive.
    const racing = Promise.all([0, 1].map(async () => {
      for (let i = 0; i < 40; i++) await drain(extra(), feed, 20);
    }));
    expect((await Promise.all(sends)).every((r) => r.status === 201)).toBe(true);
    await racing;
    await waitFor(async () => total(await rows(key.tenant_id, 'daily'), 'event_count') === 120, { message: 'all counted' });
    await waitFor(async () => (await stores.outbox.readFacts(1)).length === 0, { message: 'feed drained' });
    const hourly = await rows(key.tenant_id, 'hourly');
    expect(total(hourly, 'event_count')).toBe(120);
    expect(total(await rows(key.tenant_id, 'daily'), 'event_count')).toBe(120);
  });

  it('filters expired rows on read and sweeps them', async () => {
    const tenant = `tnt_expiry_${Date.now()}`;
    const old = new Date(Date.now() - 40 * 86_400_000).toISOString();
    const recent = new Date(Date.now() - 86_400_000).toISOString();
    for (const at of [old, recent]) {
      await stores.analytics.apply({ tenant_id: tenant, metric_type: 'daily', period: periodsOf(at).daily }, { ...emptyCounts(), event_count: 1 }, 'seed', 1);
    }
    expect((await rows(tenant, 'daily')).map((r) => r.period)).toEqual([periodsOf(recent).daily]);
    expect(await stores.analytics.sweepExpired(Date.now())).toBeGreaterThanOrEqual(1);
    const all = await stores.analytics.query(tenant, 'daily', { from: '0', to: '9', limit: 10, nowMs: 0 });
    expect(all.rows.map((r) => r.period)).toEqual([periodsOf(recent).daily]);
    // Markers expire the same way: one written three days ago is gone after a sweep, a fresh one stays.
    const [stale, fresh] = [`evt_stale_${tenant}`, `evt_fresh_${tenant}`];
    await stores.analyticsState.markSeen([stale], Date.now() - 3 * 86_400_000);
    await stores.analyticsState.markSeen([fresh], Date.now());
    expect(await stores.analyticsState.sweepExpired(Date.now())).toBeGreaterThanOrEqual(1);
    expect([...(await stores.analyticsState.seen([stale, fresh]))]).toEqual([fresh]);
  });

  it('exports the lag gauge and the visibility histogram', async () => {
    const key = await api.createKey();
    expect((await send(key, 'shop')).status).toBe(201);
    await waitFor(async () => total(await rows(key.tenant_id, 'daily'), 'event_count') === 1, { message: 'counted' });
    const metrics = await (await fetch(`${api.url}/metrics`)).text();
    expect(metrics).toMatch(/^analytics_lag_seconds \d/m);
    expect(metrics).toMatch(/^analytics_event_visibility_seconds_count [1-9]/m);
    expect(metrics).toMatch(/^analytics_facts_total\{kind="event"\} [1-9]/m);
  });
});
