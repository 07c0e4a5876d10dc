// A batch's deltas are the sum of its facts: deltasFor, which accumulates a batch in place, must give
// every row exactly what adding each fact's own counts one at a time gives (the reference below, built
// from periodsOf and addCounts), for events and stats over several tenants, hours and days, and for
// times written with an offset as well as the server's canonical UTC form.
import fc from 'fast-check';
import { expect, it } from 'vitest';
import {
  addCounts,
  deltasFor,
  emptyCounts,
  encodeHistogram,
  MAX_DISTINCT,
  MAX_DISTINCT_BYTES,
  METRIC_TYPES,
  newHistogram,
  OTHER,
  performanceOf,
  periodsOf,
  type AggregateCounts,
  type Fact,
} from '../../../reference-server/src/domain/analytics.js';
import { propertyParams } from '../../support/property-seed.js';

const BASE = Date.parse('2026-11-20T22:00:00Z');
const MINUTE = 60_000;

/** One fact at a time, each fact's counts added to its hourly and daily row. */
function reference(facts: readonly Fact[]): Map<string, AggregateCounts> {
  const out = new Map<string, AggregateCounts>();
  for (const fact of facts) {
    const periods = periodsOf(fact.kind === 'event' ? fact.created_at : fact.hour);
    const own: AggregateCounts =
      fact.kind === 'event'
        ? { ...emptyCounts(), event_count: 1, source_distribution: { [fact.source]: 1 }, event_type_distribution: { [fact.event_type]: 1 } }
        : {
            ...emptyCounts(),
            request_count: fact.request_count,
            request_error_count: fact.request_error_count,
            delivery_count: fact.delivery_count,
            delivery_error_count: fact.delivery_error_count,
            latency_histogram: fact.latency_histogram,
          };
    for (const metricType of METRIC_TYPES) {
      const id = `${fact.tenant_id}#${metricType}#${periods[metricType]}`;
      out.set(id, addCounts(out.get(id) ?? emptyCounts(), own));
    }
  }
  return out;
}

const histogramOf = (latenciesUs: number[]) => {
  const h = newHistogram();
  for (const us of latenciesUs) h.recordValue(us);
  return encodeHistogram(h);
};

/** An instant as the server writes it, or the same instant with a +02:00 offset. */
const timeText = (ms: number, offset: boolean) =>
  offset ? new Date(ms + 2 * 3_600_000).toISOString().replace('Z', '+02:00') : new Date(ms).toISOString();

const fact = fc.oneof(
  fc
    .record({ n: fc.nat(1_000_000), tenant: fc.constantFrom('tnt_a', 'tnt_b'), minute: fc.nat(4 * 60), offset: fc.boolean(), source: fc.constantFrom('s1', 's2', 's3'), type: fc.constantFrom('t1', 't2') })
    .map(({ n, tenant, minute, offset, source, type }): Fact => ({ kind: 'event', id: `evt_${n}`, tenant_id: tenant, source, event_type: type, created_at: timeText(BASE + minute * MINUTE + (n % 60_000), offset) })),
  fc
    .record({ n: fc.nat(1_000_000), tenant: fc.constantFrom('tnt_a', 'tnt_b'), hour: fc.nat(4), requests: fc.nat(50), errors: fc.nat(5), deliveries: fc.nat(20), latenciesUs: fc.array(fc.integer({ min: 1, max: 5_000_000 }), { maxLength: 5 }) })
    .map(({ n, tenant, hour, requests, errors, deliveries, latenciesUs }): Fact => ({
      kind: 'stats',
      id: `st_${n}`,
      tenant_id: tenant,
      hour: new Date(BASE + hour * 3_600_000).toISOString(),
      request_count: requests,
      request_error_count: Math.min(errors, requests),
      delivery_count: deliveries,
      delivery_error_count: Math.min(errors, deliveries),
      latency_histogram: histogramOf(latenciesUs),
    })),
);

it('deltasFor gives every row the sum of its facts, one at a time', () => {
  fc.assert(
    fc.property(fc.array(fact, { maxLength: 120 }), (facts) => {
      const deltas = deltasFor(facts);
      const expected = reference(facts);
      expect([...deltas.keys()].sort()).toEqual([...expected.keys()].sort());
      for (const [id, { key, counts }] of deltas) {
        expect(id).toBe(`${key.tenant_id}#${key.metric_type}#${key.period}`);
        const { latency_histogram, ...rest } = counts;
        const { latency_histogram: expectedHistogram, ...expectedRest } = expected.get(id)!;
        expect(rest).toEqual(expectedRest);
        expect(performanceOf(latency_histogram)).toEqual(performanceOf(expectedHistogram));
      }
    }),
    propertyParams('deltasFor gives every row the sum of its facts, one at a time', 100),
  );
});

it('keeps at most MAX_DISTINCT names per distribution, the rest under (other), totals exact', () => {
  // One more source than a row keeps; source s_0 appears twice, so it is among the kept.
  const facts: Fact[] = Array.from({ length: MAX_DISTINCT + 1 }, (_, i) => ({ kind: 'event', id: `evt_${i}`, tenant_id: 'tnt_a', source: `s_${i}`, event_type: 't', created_at: '2026-11-20T22:00:00.000Z' }));
  facts.push({ kind: 'event', id: 'evt_again', tenant_id: 'tnt_a', source: 's_0', event_type: 't', created_at: '2026-11-20T22:30:00.000Z' });
  for (const { counts } of deltasFor(facts).values()) {
    expect(counts.event_count).toBe(MAX_DISTINCT + 2);
    expect(Object.keys(counts.source_distribution)).toHaveLength(MAX_DISTINCT + 1);
    expect(counts.source_distribution.s_0).toBe(2);
    expect(counts.source_distribution[OTHER]).toBe(1);
    expect(Object.values(counts.source_distribution).reduce((a, b) => a + b, 0)).toBe(MAX_DISTINCT + 2);
    expect(addCounts(emptyCounts(), counts).source_distribution).toEqual(counts.source_distribution);
  }
});

it('keeps the names of a distribution within MAX_DISTINCT_BYTES whatever their characters, totals exact', () => {
  fc.assert(
    fc.property(
      // Up to 256 code points from the whole of Unicode: up to 4 bytes each in UTF-8.
      fc.uniqueArray(fc.string({ unit: 'binary', minLength: 1, maxLength: 256 }), { minLength: 1, maxLength: 800 }),
      fc.nat({ max: 50 }),
      (names, repeats) => {
        const facts: Fact[] = names.map((name, i) => ({ kind: 'event', id: `evt_${i}`, tenant_id: 'tnt_a', source: name, event_type: name, created_at: '2026-11-20T22:00:00.000Z' }));
        // Some names more often than others, so the kept ones are chosen by count.
        for (let i = 0; i < repeats && i < names.length; i++) facts.push({ ...facts[i]!, id: `evt_again_${i}` });
        for (const { counts } of deltasFor(facts).values()) {
          for (const dist of [counts.source_distribution, counts.event_type_distribution]) {
            const kept = Object.keys(dist).filter((k) => k !== OTHER);
            expect(kept.length).toBeLessThanOrEqual(MAX_DISTINCT);
            expect(kept.reduce((bytes, k) => bytes + Buffer.byteLength(k), 0)).toBeLessThanOrEqual(MAX_DISTINCT_BYTES);
            expect(Object.values(dist).reduce((a, b) => a + b, 0)).toBe(facts.length);
            // No name left out was seen more often than a name kept.
            const seen = new Map<string, number>();
            for (const f of facts) if (f.kind === 'event') seen.set(f.source, (seen.get(f.source) ?? 0) + 1);
            const leastKept = Math.min(...kept.map((k) => seen.get(k)!));
            for (const [name, n] of seen) if (!(name in dist)) expect(n).toBeLessThanOrEqual(leastKept);
            // Merging into an empty row keeps the same names.
            expect(addCounts(emptyCounts(), counts).source_distribution).toEqual(counts.source_distribution);
          }
        }
      },
    ),
    propertyParams('distributions within MAX_DISTINCT_BYTES', 30),
  );
});
