// The Streams feed against AWS's DynamoDB Local: the events table's stream (NEW_AND_OLD_IMAGES) feeds
// the same processor. Random events over random hours — plus acks, deletes and idempotent duplicates,
// which must count nothing — with processors crashed at random steps and two racing, converge to the
// reference computed from the events themselves. Then the in-process runtime end to end.
import { randomUUID } from 'node:crypto';
import { DescribeTableCommand } from '@aws-sdk/client-dynamodb';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addCounts, deltasFor, emptyCounts, type AggregateCounts, type EventFact, type MetricType } from '../../../reference-server/src/domain/analytics.js';
import { ManualClock } from '../../../reference-server/src/domain/clock.js';
import { newEventRecord } from '../../../reference-server/src/domain/event.js';
import { createStreamsClient } from '../../../reference-server/src/store/dynamo-client.js';
import { startDynamoDbLocal, type DynamoDbLocal } from '../../../reference-server/src/store/dynamodb-local.js';
import type { Stores } from '../../../reference-server/src/store/stores.js';
import { readyShardFeeds } from '../../../reference-server/src/workers/analytics-feeds.js';
import { drain, type AnalyticsStep, type ProcessorDeps } from '../../../reference-server/src/workers/analytics-processor.js';
import { propertyParams } from '../../support/property-seed.js';
import { startTestApi, type TestApi } from '../../support/test-api.js';
import { waitFor } from '../../support/wait-for.js';

let local: DynamoDbLocal;
let api: TestApi;
let stores: Stores;
beforeAll(async () => {
  local = await startDynamoDbLocal();
  // The test drives the processors itself here.
  api = await startTestApi({ DYNAMODB_ENDPOINT: local.endpoint, TABLE_PREFIX: `s${randomUUID().slice(0, 8)}-`, ANALYTICS_FEED: 'streams', ANALYTICS_ENABLED: 'false' });
  stores = api.deps.stores as unknown as Stores;
}, 90_000);
afterAll(async () => {
  await api?.close();
  await local?.stop();
});

const HOUR = 3_600_000;
const BASE = Date.parse('2026-11-20T00:00:00Z');
const STEPS: AnalyticsStep[] = ['open', 'apply', 'mark', 'ack', 'close'];

async function streamArn(): Promise<string> {
  const { Table } = await api.dynamo.client.send(new DescribeTableCommand({ TableName: `${api.deps.config.TABLE_PREFIX}events` }));
  return Table?.LatestStreamArn ?? '';
}

async function rowsOf(tenants: string[]): Promise<Map<string, AggregateCounts>> {
  const out = new Map<string, AggregateCounts>();
  for (const tenant of tenants) {
    for (const metric of ['hourly', 'daily'] as MetricType[]) {
      const { rows } = await stores.analytics.query(tenant, metric, { from: '0', to: '9', limit: 1_000, nowMs: BASE });
      for (const { tenant_id, metric_type, period, ttl: _ttl, ...counts } of rows) out.set(`${tenant_id}#${metric_type}#${period}`, counts);
    }
  }
  return out;
}

function reference(facts: EventFact[]): Map<string, AggregateCounts> {
  const out = new Map<string, AggregateCounts>();
  for (const [id, d] of deltasFor(facts)) out.set(id, addCounts(out.get(id) ?? emptyCounts(), d.counts));
  return out;
}

const sorted = (m: Map<string, AggregateCounts>) => Object.fromEntries([...m.entries()].sort());

describe('analytics from DynamoDB Streams (DynamoDB Local)', () => {
  it('converges to the events themselves across crashes, replays and two processors', async () => {
    const arn = await streamArn();
    expect(arn).toMatch(/stream/);
    const streams = createStreamsClient({ endpoint: local.endpoint });
    const { seed, numRuns } = propertyParams('streams feed converges across crashes, replays and two processors', 6);
    let run = 0;
    try {
      await fc.assert(
        fc.asyncProperty(
          fc.array(
            fc.record({
              tenant: fc.integer({ min: 0, max: 1 }),
              hour: fc.integer({ min: 0, max: 30 }),
              source: fc.constantFrom('shop', 'a,b', 'q"x'),
              then: fc.constantFrom('keep', 'keep', 'ack', 'delete', 'duplicate'),
            }),
            { minLength: 1, maxLength: 30 },
          ),
          fc.constantFrom(0, 0.2, 0.4),
          fc.boolean(),
          fc.integer(),
          async (events, crashRate, concurrent, rngSeed) => {
            const id = `r${run++}x${(seed >>> 0).toString(36)}`;
            const facts: EventFact[] = [];
            for (const [i, e] of events.entries()) {
              const record = newEventRecord(`tnt_${id}_${e.tenant}`, `evt_${id}${String(i).padStart(4, '0')}`, { source: e.source, event_type: 'order.created', payload: {} }, new Date(BASE + e.hour * HOUR).toISOString());
              await stores.events.createNew(record);
              facts.push({ kind: 'event', id: record.event_id, tenant_id: record.tenant_id, source: record.source, event_type: record.event_type, created_at: record.created_at });
              // Changes after the insert are records too, and must count nothing.
              if (e.then === 'ack') await stores.events.acknowledge(record.tenant_id, record.event_id, record.created_at);
              if (e.then === 'delete') await stores.events.delete(record.tenant_id, record.event_id, new Date().toISOString());
              if (e.then === 'duplicate') expect(await stores.events.createIfAbsent(record)).toBe(false);
            }
            let state = rngSeed >>> 0 || 1;
            const rng = () => ((state = (Math.imul(state, 1664525) + 1013904223) >>> 0) / 2 ** 32);
            const processor = (rate: number): ProcessorDeps => ({
              rows: stores.analytics,
              state: stores.analyticsState,
              clock: new ManualClock(BASE),
              batchSize: 7,
              beforeStep: async (step) => {
                if (STEPS.includes(step) && rng() < rate) throw new Error(`injected crash before ${step}`);
              },
            });
            for (let round = 0; ; round++) {
              if (round >= 100) throw new Error('processors did not converge within 100 rounds');
              const rate = round < 10 ? crashRate : 0;
              const feeds = await readyShardFeeds(streams, stores.analyticsState, arn);
              const results = await Promise.allSettled(
                feeds.flatMap((feed) => (concurrent ? [0, 1] : [0]).map(() => drain(processor(rate), feed, 50))),
              );
              if (rate === 0 && results.every((r) => r.status === 'fulfilled')) break;
            }
            const tenants = [0, 1].map((n) => `tnt_${id}_${n}`);
            expect(sorted(await rowsOf(tenants))).toEqual(sorted(reference(facts)));
          },
        ),
        { seed, numRuns, endOnFailure: true },
      );
    } finally {
      streams.destroy();
    }
  }, 240_000);

  it('counts events posted to the API within the runtime, from the stream', async () => {
    const withRuntime = await startTestApi({ ...{ DYNAMODB_ENDPOINT: local.endpoint, TABLE_PREFIX: api.deps.config.TABLE_PREFIX }, ANALYTICS_FEED: 'streams', ANALYTICS_POLL_MS: '50' });
    try {
      const key = await withRuntime.createKey();
      for (const source of ['shop', 'billing', 'shop']) {
        expect((await withRuntime.call('POST', '/v1/events', { key: key.api_key, body: { source, event_type: 'order.created', payload: {} } })).status).toBe(201);
      }
      // An idempotent create is written hidden, then revealed: the reveal counts, once, and its retry nothing.
      for (let i = 0; i < 2; i++) {
        const res = await withRuntime.call('POST', '/v1/events', { key: key.api_key, body: { source: 'keyed', event_type: 'order.created', payload: {} }, headers: { 'idempotency-key': 'streams-once' } });
        expect(res.status).toBe(201);
      }
      const daily = await waitFor(async () => {
        const { rows } = await stores.analytics.query(key.tenant_id, 'daily', { from: '0', to: '9', limit: 10, nowMs: Date.now() });
        return rows.reduce((n, r) => n + r.event_count, 0) === 4 ? rows : undefined;
      }, { message: 'four events counted from the stream', timeoutMs: 20_000 });
      const sources: Record<string, number> = {};
      for (const r of daily) for (const [k, v] of Object.entries(r.source_distribution)) sources[k] = (sources[k] ?? 0) + v;
      expect(sources).toEqual({ shop: 2, billing: 1, keyed: 1 });
      // Streams mode writes no event facts to the outbox (only request statistics go there).
      expect((await stores.outbox.readFacts(100)).filter((r) => r.fact.kind === 'event')).toEqual([]);
    } finally {
      await withRuntime.close();
    }
  }, 60_000);

  it('splits a page of long-named events so each manifest fits in an item, and counts each once', async () => {
    const arn = await streamArn();
    const streams = createStreamsClient({ endpoint: local.endpoint });
    const tenant = `tnt_long${randomUUID().slice(0, 8)}`;
    try {
      // Sources of 256 control characters, 6 bytes each once escaped: 250 facts made a ~480 KB manifest.
      for (let i = 0; i < 250; i++) {
        const record = newEventRecord(tenant, `evt_long${String(i).padStart(4, '0')}`, { source: `${i}:`.padEnd(256, '\u0001'), event_type: 'order.created', payload: {} }, new Date(BASE).toISOString());
        await stores.events.createNew(record);
      }
      const sizes: number[] = [];
      const deps: ProcessorDeps = { rows: stores.analytics, state: stores.analyticsState, clock: new ManualClock(BASE), batchSize: 250, onClosed: (m) => sizes.push(Buffer.byteLength(JSON.stringify(m))) };
      for (let round = 0; ; round++) {
        if (round >= 20) throw new Error('the stream was not drained within 20 rounds');
        const feeds = await readyShardFeeds(streams, stores.analyticsState, arn);
        const counted = await Promise.all(feeds.map((feed) => drain(deps, feed, 50)));
        if (counted.every((n) => n === 0)) break;
      }
      const { rows } = await stores.analytics.query(tenant, 'hourly', { from: '0', to: '9', limit: 10, nowMs: BASE });
      expect(rows.reduce((n, r) => n + r.event_count, 0)).toBe(250);
      expect(sizes.length).toBeGreaterThan(1);
      for (const size of sizes) expect(size).toBeLessThan(400 * 1024);
    } finally {
      streams.destroy();
    }
  }, 60_000);
});
