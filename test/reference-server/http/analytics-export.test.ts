// The analytics export over a real server and in-memory dynalite: CSV and JSON downloads, quoting,
// equality with the list route, empty and large (streamed) ranges, and store failures before and
// during the download, injected through the chaos engine's DynamoDB fault point.
import { beforeAll, describe, expect, it, vi } from 'vitest';
import { performanceOf } from '../../../reference-server/src/domain/analytics.js';
import { events, latencies, useAnalyticsApi } from '../../support/analytics-api.js';
import type { CreatedKey, TestApi } from '../../support/test-api.js';
import { waitFor } from '../../support/wait-for.js';

const fixture = useAnalyticsApi('analytics export store faults');
const { seed, get } = fixture;
let api: TestApi;
let key: CreatedKey;
beforeAll(() => {
  ({ api, key } = fixture);
});
const { engine } = fixture;

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
