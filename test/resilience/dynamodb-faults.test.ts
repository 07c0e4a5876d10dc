// The Triggers API under DynamoDB faults during steady ingest: throttling, latency, partial failure.
// Budgets are stated in each test; "accepted" means answered 201, and nothing accepted may be lost.
import { afterEach, describe, expect, it } from 'vitest';
import { startTestApi, type TestApi } from '../support/test-api.js';
import { ingest, missingEvents, seededEngine } from './support/chaos-run.js';

let api: TestApi | undefined;
afterEach(async () => {
  await api?.close();
  api = undefined;
});

const env = { AUTH_CACHE_MS: '2000', RATE_LIMIT_ENABLED: 'false', WORKER_ENABLED: 'false', DYNAMODB_MAX_ATTEMPTS: '5' };

describe('DynamoDB faults during ingest', () => {
  it('throttling 30 % for 5 s: error rate within 2 %, nothing accepted lost, steady again within 2 s', async () => {
    const engine = seededEngine('throttling 30 %');
    api = await startTestApi(env, { chaos: { engine } });
    const key = await api.createKey();
    engine.upsertRules([{ id: 'throttle-30', point: 'dynamodb', injector: { kind: 'dynamodb_error', error: 'ThrottlingException' }, probability: 0.3, duration: 5_000 }]);
    const run = await ingest(api, key.api_key, { rate: 40, durationMs: 8_000, tag: 'throttle' });

    const injected = engine.log.entries().filter((e) => e.rule === 'throttle-30').length;
    expect(injected).toBeGreaterThan(20);
    // The SDK retries throttles (5 attempts): a request fails only if every attempt of a call is throttled.
    const errorRate = run.failed / (run.completed + run.failed);
    expect(errorRate).toBeLessThanOrEqual(0.02);
    expect(await missingEvents(api, key.api_key, run.accepted)).toEqual([]);
    // Recovery: after the rule ends (t = 5 s), every request sent from t = 7 s on succeeds.
    const late = run.timeline.filter((t) => t.at >= 7_000);
    expect(late.length).toBeGreaterThan(10);
    expect(late.every((t) => t.status === 201)).toBe(true);
  });

  it('100–500 ms latency on every DynamoDB call: each request delayed by its injected draws, none left hanging', async () => {
    const engine = seededEngine('100–500 ms latency');
    api = await startTestApi(env, { chaos: { engine } });
    const key = await api.createKey();
    await api.call('GET', '/v1/inbox', { key: key.api_key }); // warm the auth cache before the fault
    engine.upsertRules([{ id: 'slow', point: 'dynamodb', injector: { kind: 'latency', min_ms: 100, max_ms: 500 }, duration: 10_000 }]);
    const run = await ingest(api, key.api_key, { rate: 20, durationMs: 4_000, tag: 'latency' });
    // No request left hanging: the open model returns only once every request has been answered.
    expect(run.failed).toBe(0);
    expect(run.completed).toBe(run.intended);
    // What the fault adds to each request is read from the engine's log, by request id, not from the
    // wall clock (queueing on two shared cores adds an unbounded amount on top). A create is at least
    // two DynamoDB calls (idempotency claim, event + outbox batch; more when the key's cached lookup
    // runs out): each request met the fault on every call, each delay drawn within 100–500 ms.
    const injected = new Map<string, number[]>();
    for (const e of engine.log.entries()) {
      if (e.rule !== 'slow' || e.request_id === undefined) continue;
      injected.set(e.request_id, [...(injected.get(e.request_id) ?? []), e.detail.delay_ms!]);
    }
    expect(injected.size).toBe(run.intended);
    for (const delays of injected.values()) {
      expect(delays.length).toBeGreaterThanOrEqual(2);
      for (const ms of delays) expect(ms >= 100 && ms <= 500, `${ms} ms`).toBe(true);
    }
    // Each request waited at least its injected delays: the fault really held the calls.
    expect(Math.min(...run.timeline.map((t) => t.ms))).toBeGreaterThanOrEqual(200);
    expect(await missingEvents(api, key.api_key, run.accepted)).toEqual([]);
  });

  it('10 % partial failure on every DynamoDB operation: every accepted event is present', async () => {
    const engine = seededEngine('10 % partial failure');
    api = await startTestApi({ ...env, DYNAMODB_MAX_ATTEMPTS: '3' }, { chaos: { engine } });
    const key = await api.createKey();
    engine.upsertRules([{ id: 'partial', point: 'dynamodb', injector: { kind: 'partial_failure', phase: 'either' }, probability: 0.1, duration: 10_000 }]);
    const run = await ingest(api, key.api_key, { rate: 40, durationMs: 4_000, tag: 'partial' });
    engine.heal();
    expect(engine.log.entries().length).toBeGreaterThan(5);
    // Failures the SDK could not retry away are answered 503 (retryable), never 500.
    for (const t of run.timeline) expect([201, 503]).toContain(t.status);
    expect(run.accepted.length).toBeGreaterThan(run.intended * 0.9);
    expect(await missingEvents(api, key.api_key, run.accepted)).toEqual([]);
  });

  it('replays the same injections from the same seed', async () => {
    const seed = process.env.CHAOS_SEED ?? String(Date.now() % 1_000_000);
    const run = async () => {
      const engine = seededEngine('replays the same injections', seed);
      // One attempt per call, and a throttle (which certainly did not land, so the server does not read
      // back what did), so every injection shows as a 503 in the request pattern; no background
      // writers (analytics processor, statistics flushes), whose timing would interleave their own
      // BatchWriteItem calls with the requests' and so change which call draws which number.
      const local = await startTestApi({ ...env, DYNAMODB_MAX_ATTEMPTS: '1', ANALYTICS_ENABLED: 'false', ANALYTICS_FLUSH_MS: '60000' }, { chaos: { engine } });
      try {
        const key = await local.createKey();
        engine.upsertRules([{ id: 'coin', point: 'dynamodb', match: { operation: 'BatchWriteItem' }, injector: { kind: 'dynamodb_error', error: 'ThrottlingException' }, probability: 0.5, duration: 60_000 }]);
        const statuses: number[] = [];
        for (let i = 0; i < 30; i++) {
          statuses.push((await local.call('POST', '/v1/events', { key: key.api_key, body: { source: 's', event_type: 't', payload: { i } } })).status);
        }
        return { statuses, injections: engine.log.entries().map((e) => `${e.rule}:${e.kind}:${JSON.stringify(e.detail)}`) };
      } finally {
        await local.close();
      }
    };
    const first = await run();
    const second = await run();
    expect(first.statuses.filter((s) => s === 503).length).toBeGreaterThan(3);
    expect(first.statuses.filter((s) => s === 201).length).toBeGreaterThan(3);
    expect(second).toEqual(first);
  });
});
