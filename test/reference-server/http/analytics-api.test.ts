// The analytics API over a real server and in-memory dynalite, with rows seeded through the store and
// a clock that stands still: ranges and their defaults, hour and day boundaries, UTC offsets, expiry,
// paging, tenant isolation, scope, the summary's merged percentiles, and CSV/JSON exports.
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import {
  addCounts,
  deltasFor,
  emptyCounts,
  encodeHistogram,
  newHistogram,
  performanceOf,
  type AggregateCounts,
  type MetricType,
} from '../../../reference-server/src/domain/analytics.js';
import { ManualClock } from '../../../reference-server/src/domain/clock.js';
import { encodeCursor } from '../../../reference-server/src/domain/cursor.js';
import { startTestApi, type CreatedKey, type TestApi } from '../../support/test-api.js';
import { seededEngine } from '../../resilience/support/chaos-run.js';
import { waitFor } from '../../support/wait-for.js';

const NOW = Date.parse('2026-11-23T12:30:00Z');
const engine = seededEngine('analytics API store faults');
const clock = new ManualClock(NOW);
let api: TestApi;
let key: CreatedKey;
let seq = 0;

beforeAll(async () => {
  // No workers and no processor: nothing but these tests writes analytics rows. Store faults come from
  // the chaos engine's DynamoDB fault point, the same path real outages take.
  api = await startTestApi({ WORKER_ENABLED: 'false', ANALYTICS_ENABLED: 'false' }, { clock, chaos: { engine } });
  key = await api.createKey({ name: 'analytics' });
});
afterAll(async () => api?.close());

/** Adds `counts` to a row; every call is a new batch of the one seeding feed. */
async function seed(tenantId: string, metricType: MetricType, period: string, counts: AggregateCounts): Promise<void> {
  expect(await api.deps.stores.analytics.apply({ tenant_id: tenantId, metric_type: metricType, period }, counts, 'seed', ++seq)).toBe(true);
}

function events(n: number, source = 'shop', eventType = 'order.created'): AggregateCounts {
  return { ...emptyCounts(), event_count: n, source_distribution: { [source]: n }, event_type_distribution: { [eventType]: n } };
}

/** Latency values in microseconds as the encoded histogram rows carry. */
function latencies(valuesUs: number[]): string {
  const h = newHistogram();
  for (const v of valuesUs) h.recordValue(v);
  return encodeHistogram(h);
}

const get = (k: CreatedKey, path: string) => api.call('GET', path, { key: k.api_key });
const periodsIn = (body: { data: { period_start: string }[] }) => body.data.map((d) => d.period_start);
const fieldsOf = (body: { error: { details: { field: string }[] } }) => body.error.details.map((d) => d.field);

/** RFC 4180 records: quoted fields may hold commas, doubled quotes and line breaks. */
function parseCsv(text: string): string[][] {
  const records: string[][] = [];
  let record: string[] = [];
  let field = '';
  let quoted = false;
  const endField = () => {
    record.push(field);
    field = '';
  };
  for (let i = 0; i < text.length; i++) {
    const c = text[i]!;
    if (quoted) {
      if (c !== '"') field += c;
      else if (text[i + 1] === '"') field += text[++i];
      else quoted = false;
    } else if (c === '"') {
      quoted = true;
    } else if (c === ',') {
      endField();
    } else if (c === '\n' || c === '\r') {
      if (c === '\r' && text[i + 1] === '\n') i++;
      endField();
      records.push(record);
      record = [];
    } else {
      field += c;
    }
  }
  if (field !== '' || record.length > 0) {
    endField();
    records.push(record);
  }
  return records;
}

const CSV_HEADER =
  'period_start,period_end,metric_type,event_count,error_count,error_rate,request_count,delivery_count,delivery_error_count,' +
  'avg_latency_ms,p95_latency_ms,p99_latency_ms,source_distribution,event_type_distribution';

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
      await api.deps.stores.analytics.apply(rowKey, counts, 'seed', ++seq);
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

describe('GET /v1/analytics/export', () => {
  it('downloads CSV with a header row, and a source with a comma, a quote and a newline survives', async () => {
    const k = await api.createKey({ name: 'csv' });
    const awkward = 'north, "east"\nwest';
    await seed(k.tenant_id, 'hourly', '2026-11-20T05', { ...events(2, awkward, 'order.created'), request_count: 10, request_error_count: 1, latency_histogram: latencies([2_000, 4_000]) });
    await seed(k.tenant_id, 'hourly', '2026-11-20T06', events(1));
    const res = await get(k, '/v1/analytics/export?format=csv&start_date=2026-11-20T05:00:00Z&end_date=2026-11-20T06:30:00Z');
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('text/csv; charset=utf-8');
    expect(res.headers.get('content-disposition')).toBe('attachment; filename="analytics-hourly-2026-11-20T05-2026-11-20T06.csv"');
    const [header, ...rows] = parseCsv(res.text);
    expect(header!.join(',')).toBe(CSV_HEADER);
    expect(rows).toHaveLength(2);
    const first = Object.fromEntries(header!.map((h, i) => [h, rows[0]![i]]));
    expect(first).toMatchObject({ period_start: '2026-11-20T05:00:00.000Z', period_end: '2026-11-20T06:00:00.000Z', metric_type: 'hourly', event_count: '2', error_count: '1', error_rate: '0.1' });
    expect(JSON.parse(first.source_distribution!)).toEqual({ [awkward]: 2 });
    expect(Number(first.p95_latency_ms)).toBe(performanceOf(latencies([2_000, 4_000])).p95_ms);
    // A row without latencies leaves its latency cells empty rather than writing "null".
    expect(Object.fromEntries(header!.map((h, i) => [h, rows[1]![i]]))).toMatchObject({ avg_latency_ms: '', p95_latency_ms: '' });
  });

  it('downloads JSON equal to the list data for the same range', async () => {
    const k = await api.createKey({ name: 'json' });
    for (const p of ['2026-11-21', '2026-11-22']) await seed(k.tenant_id, 'daily', p, { ...events(4, 'src', 'a.b'), latency_histogram: latencies([1_500]) });
    const range = 'metric_type=daily&start_date=2026-11-15&end_date=2026-11-22';
    const res = await get(k, `/v1/analytics/export?format=json&${range}`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('application/json; charset=utf-8');
    expect(res.headers.get('content-disposition')).toBe('attachment; filename="analytics-daily-2026-11-15-2026-11-22.json"');
    const list = await get(k, `/v1/analytics?${range}&limit=500`);
    expect(res.body).toHaveLength(2);
    expect(res.body).toEqual(list.body.data);
  });

  it('answers an empty range with only the CSV header, or an empty JSON array', async () => {
    const csv = await get(key, '/v1/analytics/export?format=csv&start_date=2026-11-01&end_date=2026-11-01');
    expect(parseCsv(csv.text)).toEqual([CSV_HEADER.split(',')]);
    const json = await get(key, '/v1/analytics/export?format=json&start_date=2026-11-01&end_date=2026-11-01');
    expect(json.body).toEqual([]);
  });

  describe('with 600 hourly rows across 25 days', () => {
    let bulk: CreatedKey;
    const bulkRange = 'start_date=2026-10-29&end_date=2026-11-22';
    const bulkPeriods = Array.from({ length: 600 }, (_, h) => new Date(Date.parse('2026-10-29T00:00:00Z') + h * 3_600_000).toISOString().slice(0, 13));

    beforeAll(async () => {
      bulk = await api.createKey({ name: 'bulk' });
      for (let i = 0; i < bulkPeriods.length; i += 50) {
        await Promise.all(bulkPeriods.slice(i, i + 50).map((p, j) => seed(bulk.tenant_id, 'hourly', p, events(i + j + 1, `source-${(i + j) % 7}`))));
      }
    });

    it('streams every row of a large export, in order', async () => {
      const csv = await get(bulk, `/v1/analytics/export?format=csv&${bulkRange}`);
      expect(csv.status).toBe(200);
      const [, ...rows] = parseCsv(csv.text);
      expect(rows.map((r) => r[0]!.slice(0, 13))).toEqual(bulkPeriods);
      expect(rows.map((r) => Number(r[3]))).toEqual(bulkPeriods.map((_, i) => i + 1));
      const json = await get(bulk, `/v1/analytics/export?format=json&${bulkRange}`);
      expect(json.body.map((v: { period_start: string }) => v.period_start.slice(0, 13))).toEqual(bulkPeriods);
    });

    /** Analytics queries fail from the `passing + 1`-th attempt on, until healed. */
    const failAnalyticsQueries = (passing: number) => {
      const match = { operation: 'Query', table: `${api.deps.config.TABLE_PREFIX}analytics` };
      const rules = [{ id: 'store-down', point: 'dynamodb', match, injector: { kind: 'dynamodb_error', error: 'InternalServerError' }, duration: null }];
      // Rules are tried in order: a no-op latency rule lets the first `passing` attempts through.
      if (passing > 0) rules.unshift({ id: 'pass', point: 'dynamodb', match, injector: { kind: 'latency', min_ms: 0, max_ms: 0 }, max_count: passing, duration: null } as never);
      engine.upsertRules(rules);
    };

    it('answers 503 when the store fails before anything was written', async () => {
      failAnalyticsQueries(0);
      try {
        const res = await get(bulk, `/v1/analytics/export?format=csv&${bulkRange}`);
        expect(res.status).toBe(503);
        expect(res.body.error.code).toBe('service_unavailable');
        expect(res.headers.get('content-disposition')).toBeNull();
      } finally {
        engine.heal();
      }
    });

    it('breaks the download, never ends it cleanly, when the store fails mid-stream', async () => {
      const logged = vi.spyOn(api.deps.logger, 'error');
      try {
        for (const format of ['csv', 'json']) {
          // The first two pages are read, every later query fails (through all SDK retries).
          failAnalyticsQueries(2);
          logged.mockClear();
          const res = await fetch(`${api.url}/v1/analytics/export?format=${format}&${bulkRange}`, { headers: { authorization: `Bearer ${bulk.api_key}` } });
          expect(res.status).toBe(200);
          await expect(res.text()).rejects.toThrow();
          await waitFor(() => logged.mock.calls.some(([, message]) => message === 'analytics export failed mid-stream; response truncated'), {
            message: `the ${format} export's failure to be logged`,
          });
          engine.heal();
        }
      } finally {
        engine.heal();
        logged.mockRestore();
      }
    });
  });
});
