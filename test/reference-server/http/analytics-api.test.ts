// The analytics list and summary routes over a real server and in-memory dynalite, with rows seeded
// through the store and a clock that stands still: ranges and their defaults, hour and day boundaries,
// UTC offsets, expiry, paging, tenant isolation, scope, and the summary's merged percentiles.
import { beforeAll, describe, expect, it } from 'vitest';
import { addCounts, deltasFor, performanceOf } from '../../../reference-server/src/domain/analytics.js';
import { encodeCursor } from '../../../reference-server/src/domain/cursor.js';
import { events, latencies, useAnalyticsApi } from '../../support/analytics-api.js';
import type { CreatedKey, TestApi } from '../../support/test-api.js';

const fixture = useAnalyticsApi('analytics API');
const { seed, get } = fixture;
let api: TestApi;
let key: CreatedKey;
beforeAll(() => {
  ({ api, key } = fixture);
});

const periodsIn = (body: { data: { period_start: string }[] }) => body.data.map((d) => d.period_start);
const fieldsOf = (body: { error: { details: { field: string }[] } }) => body.error.details.map((d) => d.field);

describe('GET /v1/analytics', () => {
  it('lists the hourly rows of a range oldest first, only hours that have rows', async () => {
    const k = await api.createKey({ name: 'hourly' });
    for (const hour of ['13', '10', '11', '09', '14']) await seed(k.tenant_id, 'hourly', `2026-11-22T${hour}`, events(Number(hour)));
    const res = await get(k, '/v1/analytics?start_date=2026-11-22T10:00:00Z&end_date=2026-11-22T13:00:00Z');
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ metric_type: 'hourly', start_date: '2026-11-22T10:00:00.000Z', end_date: '2026-11-22T13:00:00.000Z', next_cursor: null });
    expect(periodsIn(res.body)).toEqual(['2026-11-22T10:00:00.000Z', '2026-11-22T11:00:00.000Z', '2026-11-22T13:00:00.000Z']);
    expect(res.body.data[0]).toMatchObject({
      metric_type: 'hourly',
      period_end: '2026-11-22T11:00:00.000Z',
      event_count: 10,
      source_distribution: { shop: 10 },
      event_type_distribution: { 'order.created': 10 },
      error_count: 0,
      error_rate: 0,
      performance_metrics: { count: 0, p95_ms: null },
    });
  });

  it('lists daily rows for a range of days', async () => {
    const k = await api.createKey({ name: 'daily' });
    for (const day of ['2026-11-19', '2026-11-20', '2026-11-22', '2026-11-23']) await seed(k.tenant_id, 'daily', day, events(3));
    const res = await get(k, '/v1/analytics?metric_type=daily&start_date=2026-11-20&end_date=2026-11-22');
    expect(res.status).toBe(200);
    expect(res.body.end_date).toBe('2026-11-22T23:59:59.999Z');
    expect(res.body.data.map((d: { period_start: string; period_end: string }) => [d.period_start, d.period_end])).toEqual([
      ['2026-11-20T00:00:00.000Z', '2026-11-21T00:00:00.000Z'],
      ['2026-11-22T00:00:00.000Z', '2026-11-23T00:00:00.000Z'],
    ]);
  });

  it('defaults to the last 24 hours (hourly) or 7 days (daily) ending now', async () => {
    const k = await api.createKey({ name: 'defaults' });
    for (const p of ['2026-11-22T11', '2026-11-22T12', '2026-11-23T12']) await seed(k.tenant_id, 'hourly', p, events(1));
    for (const p of ['2026-11-15', '2026-11-16', '2026-11-23']) await seed(k.tenant_id, 'daily', p, events(1));
    const hourly = await get(k, '/v1/analytics');
    expect(hourly.body).toMatchObject({ metric_type: 'hourly', start_date: '2026-11-22T12:30:00.000Z', end_date: '2026-11-23T12:30:00.000Z' });
    expect(periodsIn(hourly.body)).toEqual(['2026-11-22T12:00:00.000Z', '2026-11-23T12:00:00.000Z']);
    const daily = await get(k, '/v1/analytics?metric_type=daily');
    expect(daily.body.start_date).toBe('2026-11-16T12:30:00.000Z');
    expect(periodsIn(daily.body)).toEqual(['2026-11-16T00:00:00.000Z', '2026-11-23T00:00:00.000Z']);
  });

  it('puts 23:59:59.999 and the next midnight in different hours and days; a date-only end_date takes the whole day', async () => {
    const k = await api.createKey({ name: 'boundaries' });
    const fact = (id: string, created_at: string) => ({ kind: 'event' as const, id, tenant_id: k.tenant_id, source: 'shop', event_type: 'order.created', created_at });
    for (const { key: rowKey, counts } of deltasFor([fact('a', '2026-11-21T23:59:59.999Z'), fact('b', '2026-11-22T00:00:00.000Z')]).values()) {
      await seed(rowKey.tenant_id, rowKey.metric_type, rowKey.period, counts);
    }
    const day = await get(k, '/v1/analytics?start_date=2026-11-21&end_date=2026-11-21');
    expect(day.body.data.map((d: { period_start: string; event_count: number }) => [d.period_start, d.event_count])).toEqual([['2026-11-21T23:00:00.000Z', 1]]);
    const endOnly = await get(k, '/v1/analytics?end_date=2026-11-21');
    expect(endOnly.body).toMatchObject({ start_date: '2026-11-21T00:00:00.000Z', end_date: '2026-11-21T23:59:59.999Z' });
    expect(endOnly.body.data).toEqual(day.body.data);
    const beforeLastHour = await get(k, '/v1/analytics?start_date=2026-11-21&end_date=2026-11-21T22:59:59.999Z');
    expect(beforeLastHour.body.data).toEqual([]);
    const next = await get(k, '/v1/analytics?start_date=2026-11-22T00:00:00Z&end_date=2026-11-22T00:00:00Z');
    expect(periodsIn(next.body)).toEqual(['2026-11-22T00:00:00.000Z']);
    const daily = await get(k, '/v1/analytics?metric_type=daily&start_date=2026-11-21&end_date=2026-11-22');
    expect(daily.body.data.map((d: { period_start: string; event_count: number }) => [d.period_start, d.event_count])).toEqual([
      ['2026-11-21T00:00:00.000Z', 1],
      ['2026-11-22T00:00:00.000Z', 1],
    ]);
  });

  it('converts a +02:00 offset to UTC and refuses a time with no zone', async () => {
    const k = await api.createKey({ name: 'offsets' });
    for (const p of ['2026-11-21T22', '2026-11-21T23', '2026-11-22T01']) await seed(k.tenant_id, 'hourly', p, events(1));
    // 01:00 at +02:00 is 23:00 UTC the day before; `+` must be sent as %2B in a query string.
    const res = await get(k, '/v1/analytics?start_date=2026-11-22T01:00:00%2B02:00&end_date=2026-11-22T01:59:59%2B02:00');
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ start_date: '2026-11-21T23:00:00.000Z', end_date: '2026-11-21T23:59:59.000Z' });
    expect(periodsIn(res.body)).toEqual(['2026-11-21T23:00:00.000Z']);
    const local = await get(k, '/v1/analytics?start_date=2026-11-22T01:00:00');
    expect(local.status).toBe(400);
    expect(fieldsOf(local.body)).toEqual(['query.start_date']);
  });

  it('leaves out rows more than 30 days past their period', async () => {
    const k = await api.createKey({ name: 'ttl' });
    // Rows expire 30 days after their period ends: at 11:00 and 13:00 on 2026-11-23, with now at 12:30.
    await seed(k.tenant_id, 'hourly', '2026-10-24T10', events(1));
    await seed(k.tenant_id, 'hourly', '2026-10-24T12', events(1));
    await seed(k.tenant_id, 'daily', '2026-10-23', events(1));
    await seed(k.tenant_id, 'daily', '2026-10-24', events(1));
    const hourly = await get(k, '/v1/analytics?start_date=2026-10-24&end_date=2026-10-24');
    expect(periodsIn(hourly.body)).toEqual(['2026-10-24T12:00:00.000Z']);
    const daily = await get(k, '/v1/analytics?metric_type=daily&start_date=2026-10-23&end_date=2026-10-24');
    expect(periodsIn(daily.body)).toEqual(['2026-10-24T00:00:00.000Z']);
  });

  it('answers an empty range with 200 and no data', async () => {
    const res = await get(key, '/v1/analytics?start_date=2026-11-01&end_date=2026-11-02');
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ metric_type: 'hourly', start_date: '2026-11-01T00:00:00.000Z', end_date: '2026-11-02T23:59:59.999Z', data: [], next_cursor: null, has_more: false });
  });

  it('refuses a reversed range, naming query.end_date', async () => {
    const res = await get(key, '/v1/analytics?start_date=2026-11-22T10:00:00Z&end_date=2026-11-22T09:59:59Z');
    expect(res.status).toBe(400);
    expect(res.body.error.code).toBe('validation_error');
    expect(fieldsOf(res.body)).toEqual(['query.end_date']);
  });

  it('accepts 31 whole days and refuses a longer span', async () => {
    expect((await get(key, '/v1/analytics?start_date=2026-10-01&end_date=2026-10-31')).status).toBe(200);
    const res = await get(key, '/v1/analytics?start_date=2026-10-01&end_date=2026-11-01');
    expect(res.status).toBe(400);
    expect(fieldsOf(res.body)).toEqual(['query.end_date']);
    const summary = await get(key, '/v1/analytics/summary?start_date=2026-10-01T00:00:00Z&end_date=2026-11-01T00:00:01Z');
    expect(fieldsOf(summary.body)).toEqual(['query.end_date']);
  });

  it('names the failing field for malformed parameters', async () => {
    const cases: [string, string][] = [
      ['/v1/analytics?start_date=yesterday', 'query.start_date'],
      ['/v1/analytics?end_date=2026-02-30', 'query.end_date'],
      ['/v1/analytics?metric_type=weekly', 'query.metric_type'],
      ['/v1/analytics?limit=0', 'query.limit'],
      ['/v1/analytics?limit=501', 'query.limit'],
      ['/v1/analytics?limit=ten', 'query.limit'],
      ['/v1/analytics?cursor=not-a-cursor', 'query.cursor'],
      [`/v1/analytics?metric_type=daily&cursor=${encodeCursor('2026-11-22T10')}`, 'query.cursor'],
      ['/v1/analytics/summary?top=0', 'query.top'],
      ['/v1/analytics/summary?top=101', 'query.top'],
      ['/v1/analytics/export', 'query.format'],
      ['/v1/analytics/export?format=xml', 'query.format'],
    ];
    for (const [path, field] of cases) {
      const res = await get(key, path);
      expect({ path, status: res.status, code: res.body.error.code, fields: fieldsOf(res.body) }).toEqual({ path, status: 400, code: 'validation_error', fields: [field] });
    }
  });

  it('refuses unknown query parameters', async () => {
    for (const path of ['/v1/analytics?tenant_id=tnt_x', '/v1/analytics/summary?metric_type=daily', '/v1/analytics/export?format=csv&limit=5']) {
      const res = await get(key, path);
      expect({ path, status: res.status, code: res.body.error.code, fields: fieldsOf(res.body) }).toEqual({ path, status: 400, code: 'validation_error', fields: ['query'] });
    }
  });

  it('pages with a cursor without skipping or repeating a row', async () => {
    const k = await api.createKey({ name: 'pager' });
    const periods = Array.from({ length: 7 }, (_, i) => `2026-11-20T${String(i * 3).padStart(2, '0')}`);
    for (const p of periods) await seed(k.tenant_id, 'hourly', p, events(1));
    const seen: string[] = [];
    let cursor: string | null = null;
    let pages = 0;
    do {
      const q: string = cursor ? `&cursor=${cursor}` : '';
      const page = await get(k, `/v1/analytics?start_date=2026-11-20&end_date=2026-11-20&limit=3${q}`);
      expect(page.status).toBe(200);
      expect(page.body.data.length).toBeLessThanOrEqual(3);
      seen.push(...periodsIn(page.body));
      cursor = page.body.next_cursor;
      pages++;
    } while (cursor && pages < 10);
    expect(seen).toEqual(periods.map((p) => `${p}:00:00.000Z`));
    expect(pages).toBeLessThanOrEqual(4);
  });

  it('shows one tenant nothing of another tenant\'s rows', async () => {
    const owner = await api.createKey({ name: 'owner' });
    const stranger = await api.createKey({ name: 'stranger' });
    await seed(owner.tenant_id, 'hourly', '2026-11-22T08', events(5));
    const range = 'start_date=2026-11-22&end_date=2026-11-22';
    expect((await get(owner, `/v1/analytics?${range}`)).body.data).toHaveLength(1);
    expect((await get(stranger, `/v1/analytics?${range}`)).body.data).toEqual([]);
    expect((await get(stranger, `/v1/analytics/summary?${range}`)).body.total_events).toBe(0);
    expect((await get(stranger, `/v1/analytics/export?format=json&${range}`)).body).toEqual([]);
  });

  it('requires the analytics:read scope on every route', async () => {
    const writer = await api.createKey({ name: 'no analytics', scopes: ['events:read', 'events:write'] });
    for (const path of ['/v1/analytics', '/v1/analytics/summary', '/v1/analytics/export?format=csv']) {
      const res = await get(writer, path);
      expect({ path, status: res.status, code: res.body.error.code }).toEqual({ path, status: 403, code: 'insufficient_scope' });
    }
    const reader = await api.createKey({ name: 'reader', scopes: ['analytics:read'] });
    expect((await get(reader, '/v1/analytics')).status).toBe(200);
    expect((await api.call('GET', '/v1/analytics')).status).toBe(401);
  });
});

describe('GET /v1/analytics/summary', () => {
  it('answers a zero summary for a range without rows', async () => {
    const res = await get(key, '/v1/analytics/summary?start_date=2026-11-01&end_date=2026-11-01');
    expect(res.status).toBe(200);
    expect(res.body).toEqual({
      start_date: '2026-11-01T00:00:00.000Z',
      end_date: '2026-11-01T23:59:59.999Z',
      total_events: 0,
      top_sources: [],
      top_event_types: [],
      error_count: 0,
      error_rate: 0,
      request_count: 0,
      delivery_count: 0,
      delivery_error_count: 0,
      performance_metrics: { count: 0, avg_ms: null, p95_ms: null, p99_ms: null, max_ms: null },
    });
  });

  it('sums the hours of the range, ranks the top N, and takes percentiles from the merged histogram', async () => {
    const k = await api.createKey({ name: 'summary' });
    const fast = Array.from({ length: 100 }, (_, i) => (i + 1) * 1_000);
    const slow = Array.from({ length: 30 }, () => 800_000);
    const hourA = [events(5, 'a', 'x.one'), events(3, 'c', 'x.two'), events(1, 'd', 'x.one')].reduce(addCounts);
    const hourB = [events(3, 'b', 'x.three'), events(2, 'e', 'x.two')].reduce(addCounts);
    await seed(k.tenant_id, 'hourly', '2026-11-22T10', { ...hourA, request_count: 100, request_error_count: 4, latency_histogram: latencies(fast) });
    await seed(k.tenant_id, 'hourly', '2026-11-22T11', { ...hourB, request_count: 30, delivery_count: 20, delivery_error_count: 6, latency_histogram: latencies(slow) });
    // Outside the range: must not count.
    await seed(k.tenant_id, 'hourly', '2026-11-22T12', { ...events(50, 'z', 'x.z'), request_count: 1000 });

    const res = await get(k, '/v1/analytics/summary?start_date=2026-11-22T10:00:00Z&end_date=2026-11-22T11:59:59Z&top=3');
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({
      total_events: 14,
      // b and c tie at 3: the name breaks the tie.
      top_sources: [{ source: 'a', count: 5 }, { source: 'b', count: 3 }, { source: 'c', count: 3 }],
      top_event_types: [{ event_type: 'x.one', count: 6 }, { event_type: 'x.two', count: 5 }, { event_type: 'x.three', count: 3 }],
      request_count: 130,
      delivery_count: 20,
      delivery_error_count: 6,
      error_count: 10,
      error_rate: 0.066667,
    });
    const merged = performanceOf(latencies([...fast, ...slow]));
    expect(res.body.performance_metrics).toEqual(merged);
    const averaged = (performanceOf(latencies(fast)).p95_ms! + performanceOf(latencies(slow)).p95_ms!) / 2;
    expect(res.body.performance_metrics.p95_ms).not.toBe(averaged);
  });
});
