// The analytics processor counts every fact exactly once, whatever happens to it: random events and
// stats over random hours, processors crashed at random steps (a thrown fault abandons the run exactly
// where a kill would), facts the feed delivers again, and two processors racing on the same feed. The
// rows must always converge to a reference computed from the facts themselves. Real dynalite.
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  addCounts,
  deltasFor,
  emptyCounts,
  encodeHistogram,
  newHistogram,
  performanceOf,
  type AggregateCounts,
  type Fact,
  type MetricType,
} from '../../../reference-server/src/domain/analytics.js';
import { ManualClock } from '../../../reference-server/src/domain/clock.js';
import type { Stores } from '../../../reference-server/src/store/stores.js';
import { outboxFeed } from '../../../reference-server/src/workers/analytics-feeds.js';
import { drain, type AnalyticsStep, type ProcessorDeps } from '../../../reference-server/src/workers/analytics-processor.js';
import { propertyParams } from '../../support/property-seed.js';
import { startTestApi, type TestApi } from '../../support/test-api.js';

let api: TestApi;
beforeAll(async () => {
  // No in-process processor: the test runs processors itself, with faults.
  api = await startTestApi({ ANALYTICS_ENABLED: 'false', ANALYTICS_FLUSH_MS: '60000' });
});
afterAll(async () => {
  await api?.close();
});

const HOUR = 3_600_000;
const BASE = Date.parse('2026-11-20T00:00:00Z');
const STEPS: AnalyticsStep[] = ['open', 'apply', 'mark', 'ack', 'close'];

interface Scenario {
  events: { tenant: number; hour: number; minute: number; source: string; type: string; dedupe: boolean }[];
  stats: { tenant: number; hour: number; requests: number; errors: number; latenciesUs: number[] }[];
  /** Indexes of facts (events, then stats) written to the feed a second time after they were counted. */
  redeliver: number[];
  crashRate: number;
  concurrent: boolean;
  batchSize: number;
}

const scenario: fc.Arbitrary<Scenario> = fc.record({
  events: fc.array(
    fc.record({
      tenant: fc.integer({ min: 0, max: 2 }),
      hour: fc.integer({ min: 0, max: 50 }),
      minute: fc.integer({ min: 0, max: 59 }),
      source: fc.constantFrom('shop', 'billing', 'a,b', 'q"uote', 'new\nline'),
      type: fc.constantFrom('order.created', 'order.paid', 'user.signup'),
      dedupe: fc.boolean(),
    }),
    { maxLength: 60 },
  ),
  stats: fc.array(
    fc.record({
      tenant: fc.integer({ min: 0, max: 2 }),
      hour: fc.integer({ min: 0, max: 50 }),
      requests: fc.integer({ min: 1, max: 20 }),
      errors: fc.integer({ min: 0, max: 5 }),
      latenciesUs: fc.array(fc.integer({ min: 50, max: 2_000_000 }), { minLength: 1, maxLength: 8 }),
    }),
    { maxLength: 8 },
  ),
  redeliver: fc.array(fc.nat(67), { maxLength: 12 }),
  crashRate: fc.constantFrom(0, 0.1, 0.3),
  concurrent: fc.boolean(),
  batchSize: fc.integer({ min: 1, max: 25 }),
});

/** Builds the facts of a scenario under run-unique tenants, so runs never see each other's rows. */
function factsOf(s: Scenario, run: string): { events: Fact[]; stats: Fact[] } {
  const tenant = (n: number) => `tnt_${run}_${n}`;
  const events: Fact[] = s.events.map((e, i) => ({
    kind: 'event',
    id: `evt_${run}${String(i).padStart(4, '0')}`,
    tenant_id: tenant(e.tenant),
    source: e.source,
    event_type: e.type,
    created_at: new Date(BASE + e.hour * HOUR + e.minute * 60_000).toISOString(),
    ...(e.dedupe ? { dedupe: true } : {}),
  }));
  const stats: Fact[] = s.stats.map((st, i) => {
    const h = newHistogram();
    for (const us of st.latenciesUs) h.recordValue(us);
    return {
      kind: 'stats',
      id: `sta_${run}${String(i).padStart(4, '0')}`,
      tenant_id: tenant(st.tenant),
      hour: new Date(BASE + st.hour * HOUR).toISOString(),
      request_count: st.requests,
      request_error_count: Math.min(st.errors, st.requests),
      delivery_count: 0,
      delivery_error_count: 0,
      latency_histogram: encodeHistogram(h),
    };
  });
  return { events, stats };
}

/** A processor whose every step may crash, decided by a seeded generator. */
function faultyProcessor(rate: number, rng: () => number, batchSize: number): ProcessorDeps {
  return {
    rows: api.deps.stores.analytics,
    state: (api.deps.stores as unknown as Stores).analyticsState,
    clock: new ManualClock(BASE + 60 * HOUR),
    batchSize,
    beforeStep: async (step) => {
      if (STEPS.includes(step) && rng() < rate) throw new Error(`injected crash before ${step}`);
    },
  };
}

/** Runs processors until the feed is drained with no crash in the last pass (bounded). */
async function runUntilConverged(s: Scenario, rng: () => number): Promise<void> {
  const feed = outboxFeed(api.deps.stores.outbox);
  for (let round = 0; round < 200; round++) {
    const crashing = round < 20 ? s.crashRate : 0;
    const runners = s.concurrent ? [0, 1] : [0];
    const results = await Promise.allSettled(runners.map(() => drain(faultyProcessor(crashing, rng, s.batchSize), feed, 50)));
    if (results.every((r) => r.status === 'fulfilled') && (await api.deps.stores.outbox.readFacts(1)).length === 0) return;
  }
  throw new Error('processors did not converge within 200 rounds');
}

/** The reference: each distinct fact once. */
function expected(facts: Fact[]): Map<string, AggregateCounts> {
  const out = new Map<string, AggregateCounts>();
  for (const [id, d] of deltasFor(facts)) out.set(id, addCounts(out.get(id) ?? emptyCounts(), d.counts));
  return out;
}

async function actual(tenants: string[]): Promise<Map<string, AggregateCounts>> {
  const out = new Map<string, AggregateCounts>();
  for (const tenant of tenants) {
    for (const metric of ['hourly', 'daily'] as MetricType[]) {
      const { rows } = await api.deps.stores.analytics.query(tenant, metric, { from: '0', to: '9', limit: 1_000, nowMs: BASE });
      for (const r of rows) {
        const { tenant_id, metric_type, period, ttl: _ttl, ...counts } = r;
        out.set(`${tenant_id}#${metric_type}#${period}`, counts);
      }
    }
  }
  return out;
}

/** Compares counts, with histograms compared by what they say (their encoding may differ in layout). */
function comparable(m: Map<string, AggregateCounts>) {
  return Object.fromEntries(
    [...m.entries()].sort().map(([k, { latency_histogram, ...c }]) => [k, { ...c, performance: performanceOf(latency_histogram) }]),
  );
}

describe('analytics processor', () => {
  it('counts every fact exactly once across crashes, redelivery and concurrent processors', async () => {
    const { seed, numRuns } = propertyParams('counts every fact exactly once across crashes, redelivery and concurrent processors', 25);
    let run = 0;
    await fc.assert(
      fc.asyncProperty(scenario, fc.integer(), async (s, rngSeed) => {
        const id = `r${run++}x${(seed >>> 0).toString(36)}`;
        const { events, stats } = factsOf(s, id);
        let state = rngSeed >>> 0 || 1;
        const rng = () => ((state = (Math.imul(state, 1664525) + 1013904223) >>> 0) / 2 ** 32);
        for (const f of [...events, ...stats]) await api.deps.stores.outbox.putFact(f);
        await runUntilConverged(s, rng);
        // The feed carries some rows again after they were counted (a write's resend landing late, an
        // idempotent retry): events marked repeatable or not, and stats. None may count twice.
        const facts = [...events, ...stats];
        const again = [...new Set(s.redeliver)].map((i) => facts[i]).filter((f): f is Fact => f !== undefined);
        for (const f of again) await api.deps.stores.outbox.putFact(f);
        await runUntilConverged(s, rng);
        const tenants = [0, 1, 2].map((n) => `tnt_${id}_${n}`);
        expect(comparable(await actual(tenants))).toEqual(comparable(expected([...events, ...stats])));
      }),
      { seed, numRuns, endOnFailure: true },
    );
  }, 240_000);
});
