// A Triggers API for analytics API suites: a clock that stands still, no workers and no processor (so
// only the suite writes analytics rows, seeded through the store), and a seeded chaos engine whose
// DynamoDB fault point injects store failures the way real outages arrive.
import { afterAll, beforeAll, expect } from 'vitest';
import { emptyCounts, encodeHistogram, newHistogram, type AggregateCounts, type MetricType } from '../../reference-server/src/domain/analytics.js';
import { ManualClock } from '../../reference-server/src/domain/clock.js';
import { seededEngine } from '../resilience/support/chaos-run.js';
import { startTestApi, type CreatedKey, type TestApi } from './test-api.js';

/** The suites' "now". */
export const NOW = Date.parse('2026-11-23T12:30:00Z');

export interface AnalyticsApi {
  api: TestApi;
  /** A key of a tenant of its own, with every scope. */
  key: CreatedKey;
  engine: ReturnType<typeof seededEngine>;
  /** Adds `counts` to a row; every call is a new batch of the one seeding feed. */
  seed(tenantId: string, metricType: MetricType, period: string, counts: AggregateCounts): Promise<void>;
  get(k: CreatedKey, path: string): ReturnType<TestApi['call']>;
}

/** Starts the server before the file's tests and stops it after; the fields are set once started. */
export function useAnalyticsApi(engineName: string): AnalyticsApi {
  let seq = 0;
  const fixture = {
    engine: seededEngine(engineName),
    async seed(tenantId: string, metricType: MetricType, period: string, counts: AggregateCounts) {
      expect(await fixture.api.deps.stores.analytics.apply({ tenant_id: tenantId, metric_type: metricType, period }, counts, 'seed', ++seq)).toBe(true);
    },
    get: (k: CreatedKey, path: string) => fixture.api.call('GET', path, { key: k.api_key }),
  } as AnalyticsApi;
  beforeAll(async () => {
    fixture.api = await startTestApi({ WORKER_ENABLED: 'false', ANALYTICS_ENABLED: 'false' }, { clock: new ManualClock(NOW), chaos: { engine: fixture.engine } });
    fixture.key = await fixture.api.createKey({ name: 'analytics' });
  });
  afterAll(async () => fixture.api?.close());
  return fixture;
}

/** `n` events of one source and type. */
export function events(n: number, source = 'shop', eventType = 'order.created'): AggregateCounts {
  return { ...emptyCounts(), event_count: n, source_distribution: { [source]: n }, event_type_distribution: { [eventType]: n } };
}

/** Latency values in microseconds as the encoded histogram rows carry. */
export function latencies(valuesUs: number[]): string {
  const h = newHistogram();
  for (const v of valuesUs) h.recordValue(v);
  return encodeHistogram(h);
}
